/**
 * The database's alarms and what they are sized by: CPU, freeable memory and connections, in
 * `AWS/RDS` by DBInstanceIdentifier, or for Aurora by DBClusterIdentifier + Role (WRITER/READER),
 * as AWS recommends, since instances change roles on failover and readers come and go. The memory
 * and connection thresholds default to what the instance class holds.
 */
import { z } from "zod";
import { AlarmSpec, MINUTE, MetricRef, percentThreshold, positiveThreshold, thresholdSource } from "../../observability/monitoring/alarms";
import { DatabaseEngine } from "./engines";

/** The keys the database adds to `platform:monitoring.thresholds`. */
export const DATABASE_THRESHOLDS = {
    dbCpuPercent: percentThreshold(80, "Database CPU above which it alarms"),
    dbFreeableMemoryMib: positiveThreshold("Freeable memory below which the database alarms, MiB. Default: 10 % of the instance class's memory.", true).optional(),
    dbConnections: positiveThreshold("Connections above which the database alarms. Default: 80 % of the engine's default max_connections for the class.", true).optional(),
};
export type DatabaseThresholds = z.output<z.ZodObject<typeof DATABASE_THRESHOLDS>>;

export type WatchedDatabase = DatabaseSizing &
    ({ readonly kind: "instance"; readonly identifier: string } | { readonly kind: "aurora"; readonly clusterIdentifier: string; readonly hasReaders: boolean });

// ---------------------------------------------------------------------------------------------
// Database classes: memory, and the connection limit engines derive from it.
// ---------------------------------------------------------------------------------------------

/** GiB of memory per size, by family kind (RDS "DB instance classes" hardware specifications). */
const MEMORY_GIB: Readonly<Record<"burstable" | "general" | "memory", Readonly<Record<string, number>>>> = {
    burstable: { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 },
    general: { large: 8, xlarge: 16, "2xlarge": 32, "4xlarge": 64, "8xlarge": 128, "12xlarge": 192, "16xlarge": 256, "24xlarge": 384, "32xlarge": 512, "48xlarge": 768 },
    memory: { large: 16, xlarge: 32, "2xlarge": 64, "4xlarge": 128, "8xlarge": 256, "12xlarge": 384, "16xlarge": 512, "24xlarge": 768, "32xlarge": 1024, "48xlarge": 1536 },
};
const FAMILY_KINDS: ReadonlyArray<[RegExp, keyof typeof MEMORY_GIB]> = [
    [/^t[34]g?$/, "burstable"],
    [/^m[5-8][gi]?d?$/, "general"],
    [/^r[5-8][gi]?d?$/, "memory"],
];
/** Memory of one Aurora Capacity Unit. */
const ACU_GIB = 2;

/**
 * Memory of a DB instance class in GiB, or undefined when the platform does not know the class
 * (then the memory-based thresholds must come from config). Serverless v2: at its most ACUs.
 */
export function instanceClassMemoryGib(instanceClass: string, serverlessMaxAcu?: number): number | undefined {
    if (instanceClass === "db.serverless") {
        return serverlessMaxAcu !== undefined ? serverlessMaxAcu * ACU_GIB : undefined;
    }
    const match = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
    if (!match) {
        return undefined;
    }
    const kind = FAMILY_KINDS.find(([pattern]) => pattern.test(match[1]))?.[1];
    return kind ? MEMORY_GIB[kind][match[2]] : undefined;
}

const MIB = 1024 ** 2;

/**
 * DBInstanceClassMemory, which RDS's formulas use: the class's memory less what the OS and RDS
 * keep. Estimated low on purpose (90 % of it, less 150 MiB), so alarms derived from it fire early
 * rather than never: published values (t3.small 198, t3.medium 413, t3.large 856 PostgreSQL
 * connections) lie above the estimate's 186, 389, 794.
 */
export function instanceClassMemoryBytes(memoryGib: number): number {
    return Math.max(0, memoryGib * 1024 * 0.9 - 150) * MIB;
}

/**
 * Aurora MySQL's default `max_connections` by size: a fixed table, not a formula (Aurora User
 * Guide, "Maximum connections to an Aurora MySQL DB instance").
 */
const AURORA_MYSQL_CONNECTIONS: Readonly<Record<string, number>> = {
    "t:medium": 90,
    "t:large": 135,
    large: 1000,
    xlarge: 2000,
    "2xlarge": 3000,
    "4xlarge": 4000,
    "8xlarge": 5000,
    "12xlarge": 6000,
    "16xlarge": 6000,
    "24xlarge": 7000,
};

/**
 * The engine's default `max_connections` on a class, or undefined where it cannot be told (then
 * config sets the threshold). PostgreSQL (RDS and Aurora): `LEAST(DBInstanceClassMemory/9531392,
 * 5000)`; RDS MySQL: `DBInstanceClassMemory/12582880`; Aurora MySQL: its table.
 */
export function defaultMaxConnections(engine: DatabaseEngine, memoryGib: number, instanceClass?: string): number | undefined {
    if (engine === "aurora-mysql") {
        const match = instanceClass ? /^db\.(t)?[a-z0-9]*\.([a-z0-9]+)$/.exec(instanceClass) : null;
        return match ? AURORA_MYSQL_CONNECTIONS[match[1] ? `t:${match[2]}` : match[2]] : undefined;
    }
    const bytes = instanceClassMemoryBytes(memoryGib);
    return engine === "postgres" || engine === "aurora-postgresql" ? Math.min(Math.floor(bytes / 9531392), 5000) : Math.floor(bytes / 12582880);
}

export interface DatabaseSizing {
    readonly engine: DatabaseEngine;
    readonly instanceClass: string;
    readonly serverlessMaxAcu?: number;
}

/** The database thresholds, from config or derived from the class; undefined where neither is possible. */
export function databaseThresholds(thresholds: Partial<DatabaseThresholds>, db: DatabaseSizing): { freeableMemoryMib?: number; connections?: number } {
    const memoryGib = instanceClassMemoryGib(db.instanceClass, db.serverlessMaxAcu);
    return {
        freeableMemoryMib: thresholds.dbFreeableMemoryMib ?? (memoryGib !== undefined ? Math.round(memoryGib * 1024 * 0.1) : undefined),
        connections: thresholds.dbConnections ?? connectionsDefault(db, memoryGib),
    };
}

function connectionsDefault(db: DatabaseSizing, memoryGib: number | undefined): number | undefined {
    const max = memoryGib === undefined ? undefined : defaultMaxConnections(db.engine, memoryGib, db.instanceClass);
    return max === undefined ? undefined : Math.floor(max * 0.8);
}


export function databaseAlarms(db: WatchedDatabase, t: DatabaseThresholds): AlarmSpec[] {
    const derived = databaseThresholds(t, db);
    const scopes: Array<{ suffix: string; what: string; dimensions: Record<string, string> }> =
        db.kind === "instance"
            ? [{ suffix: "", what: `database ${db.identifier}`, dimensions: { DBInstanceIdentifier: db.identifier } }]
            : [
                  { suffix: "-writer", what: `the writer of ${db.clusterIdentifier}`, dimensions: { DBClusterIdentifier: db.clusterIdentifier, Role: "WRITER" } },
                  ...(db.hasReaders ? [{ suffix: "-readers", what: `the readers of ${db.clusterIdentifier}`, dimensions: { DBClusterIdentifier: db.clusterIdentifier, Role: "READER" } }] : []),
              ];
    return scopes.flatMap(({ suffix, what, dimensions }) => {
        const metric = (metricName: string, stat = "Average"): MetricRef => ({ namespace: "AWS/RDS", metricName, dimensions, stat, period: MINUTE });
        const common = { group: "database" as const, evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: "notBreaching" as const };
        const alarms: AlarmSpec[] = [
            {
                ...common,
                key: `db${suffix}-cpu`,
                description: `CPU of ${what} above ${t.dbCpuPercent}% for 5 minutes`,
                comparison: "GreaterThanThreshold",
                threshold: t.dbCpuPercent,
                thresholdSource: thresholdSource("dbCpuPercent"),
                metric: metric("CPUUtilization"),
            },
        ];
        if (derived.freeableMemoryMib !== undefined) {
            alarms.push({
                ...common,
                key: `db${suffix}-freeable-memory`,
                description: `Freeable memory of ${what} below ${derived.freeableMemoryMib} MiB for 5 minutes`,
                comparison: "LessThanThreshold",
                threshold: derived.freeableMemoryMib * 1024 * 1024,
                thresholdSource: t.dbFreeableMemoryMib !== undefined ? thresholdSource("dbFreeableMemoryMib") : `${thresholdSource("dbFreeableMemoryMib")} (default: 10% of ${db.instanceClass})`,
                // The emptiest instance of the role, not the average: one reader running out is enough.
                metric: metric("FreeableMemory", "Minimum"),
            });
        }
        if (derived.connections !== undefined) {
            alarms.push({
                ...common,
                key: `db${suffix}-connections`,
                description: `Connections to ${what} above ${derived.connections} for 5 minutes (near max_connections)`,
                comparison: "GreaterThanThreshold",
                threshold: derived.connections,
                thresholdSource: t.dbConnections !== undefined ? thresholdSource("dbConnections") : `${thresholdSource("dbConnections")} (default: 80% of ${db.engine}'s max_connections on ${db.instanceClass})`,
                metric: metric("DatabaseConnections", "Maximum"),
            });
        }
        return alarms;
    });
}

