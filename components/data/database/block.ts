/**
 * The database block (`platform:database`): an RDS instance or an Aurora cluster, chosen by
 * `kind`, in the data tier behind the `db` security group. Consumers that list `database` in
 * their `connectsTo` get its endpoints as environment and its credentials as secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Naming } from "../../../lib/naming";
import { Path, Problem, showValue } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { BuildContext, ConfigView, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { networkBlock } from "../../network/vpc/block";
import { monitoringBlock } from "../../observability/monitoring/block";
import { DATABASE_THRESHOLDS, databaseAlarms, databaseThresholds } from "./alarms";
import { AuroraCluster, AuroraClusterArgs, auroraClusterProblems } from "./aurora-cluster";
import { AURORA_ENGINES, AURORA_MYSQL_LTS_LINES, ENGINE_FACTS, INSTANCE_ENGINES, isAuroraMysqlLts } from "./engines";
import { RdsInstance, RdsInstanceArgs, rdsInstanceProblems } from "./rds-instance";

const common = {
    engineVersion: z
        .string()
        .describe("A version AWS offers: PostgreSQL 13–18, MySQL 8.0/8.4, Aurora MySQL 3 (`8.0.mysql_aurora.3.08.2`). With automatic minor upgrades a major version alone (`18`, `8.0`): AWS picks the minor and upgrades it without drift."),
    instanceClass: z.string().describe("`db.<family>.<size>`; Aurora: no `db.t*.micro/small` (smallest burstable `db.t4g.medium`), or `db.serverless`."),
    databaseName: z.string().describe("Database created at launch: letters, digits and `_`."),
    masterUsername: z.string().describe("Master user, ≤ 16 characters, not reserved (`postgres`, `admin`, …). No password: RDS generates it into Secrets Manager; for operators only."),
    applicationUser: z
        .string()
        .default("app")
        .describe("The user applications sign in as, with an IAM authentication token (no password): created once by an operator (README, \"Creating the application user\"); consumers get `rds-db:connect` for it."),
    backup: z
        .strictObject({
            retentionDays: z.number().int().describe("0–35 days (Aurora ≥ 1); prod ≥ 7."),
            window: z.string().describe("`hh:mm-hh:mm` UTC, ≥ 30 minutes, not overlapping maintenance."),
        })
        .describe("Automated backups."),
    maintenanceWindow: z.string().describe("`ddd:hh:mm-ddd:hh:mm` UTC, ≥ 30 minutes."),
    deletionProtection: z.boolean().default(true).describe("Refuse deletion; prod must keep it on (and prod also gets Pulumi `protect`)."),
    finalSnapshot: z.boolean().default(true).describe("A snapshot `<identifier>-final` on deletion, whatever deletion protection says; prod must keep it on."),
    performanceInsights: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Off by itself on classes without it (`db.t*.micro/small`); prod must keep it on."),
            retentionDays: z.number().int().default(7).describe("7, a multiple of 31 up to 713, or 731."),
        })
        .prefault({})
        .describe("Performance Insights."),
    monitoringIntervalSeconds: z.number().int().default(60).describe("Enhanced monitoring: 0, 1, 5, 10, 15, 30 or 60; prod: not 0."),
    autoMinorVersionUpgrade: z
        .boolean()
        .default(true)
        .describe("AWS applies minor engine upgrades in the maintenance window; then engineVersion is a major version alone (`18`). prod keeps it on, except on an Aurora MySQL LTS line (3.04, 3.10), where AWS advises it off."),
    logExports: z.array(z.string()).optional().describe("Logs exported to CloudWatch (e.g. `postgresql`, `upgrade`). Default: every log the engine exports."),
    parameters: z.record(z.string(), z.string()).optional().describe("Added to the TLS-only parameter, which they may not override."),
    kmsKeyArn: z.string().optional().describe("Customer-managed KMS key for storage and Performance Insights. Default: the AWS managed `aws/rds` key."),
};

/**
 * Where the Aurora writer and readers go. In both forms of the union so that kind instance gets a
 * reason (a rule) rather than "unknown key": an RDS instance is not placed by this key.
 */
const instanceAzs = z
    .array(z.string())
    .optional()
    .describe(
        "(kind aurora) The AZ of each instance, the writer's first, then one per reader: `readers` + 1 distinct AZs of the data tier. Default: the writer in the first data AZ, each reader in the next. Refused for kind instance (Multi-AZ RDS picks its standby's AZ itself).",
    );

const DatabaseSchema = z.discriminatedUnion("kind", [
    z.strictObject({
        kind: z.literal("instance").describe("One RDS DB instance."),
        engine: z.enum(INSTANCE_ENGINES).default("postgres").describe("The engine: `postgres` or `mysql` for an instance, `aurora-postgresql` or `aurora-mysql` for Aurora."),
        ...common,
        storage: z
            .strictObject({
                allocatedGb: z.number().int().describe("gp3 size at launch, 20–65536 GiB."),
                maxAllocatedGb: z.number().int().describe("Ceiling of storage autoscaling, ≥ 10 % above allocatedGb."),
            })
            .describe("gp3 storage with storage autoscaling."),
        multiAz: z.boolean().default(false).describe("A standby in a second AZ; prod must turn it on."),
        instanceAzs,
    }),
    z.strictObject({
        kind: z.literal("aurora").describe("An Aurora cluster: a writer and readers, each in its own AZ."),
        engine: z.enum(AURORA_ENGINES).default("aurora-postgresql").describe("The engine: `postgres` or `mysql` for an instance, `aurora-postgresql` or `aurora-mysql` for Aurora."),
        ...common,
        readers: z.number().int().default(1).describe("Readers beside the writer, each in its own data-tier AZ (readers + 1 ≤ data AZs); prod ≥ 1."),
        instanceAzs,
        serverless: z
            .strictObject({ minAcu: z.number().describe("Fewest ACUs (0.5 steps; 0 lets it pause)."), maxAcu: z.number().describe("Most ACUs (≤ 256).") })
            .optional()
            .describe("Serverless v2 capacity, with `instanceClass: db.serverless`."),
        readerAutoscaling: z
            .strictObject({
                min: z.number().int().describe("Fewest readers, ≥ `readers`."),
                max: z.number().int().describe("Most readers, ≤ 15."),
                cpuTarget: z.number().min(1).max(100).optional().describe("Average reader CPU (%) to hold. Default: 70."),
            })
            .optional()
            .describe("Add and remove readers on CPU. Default: off (the reader count is fixed)."),
    }),
]);

export type DatabaseConfig = z.output<typeof DatabaseSchema>;

export type DatabaseComponentArgs = { kind: "instance"; args: RdsInstanceArgs } | { kind: "aurora"; args: AuroraClusterArgs };

export interface DatabaseParts {
    naming: Naming;
    tags?: Tags;
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; az: string }>;
    securityGroupIds: pulumi.Input<string>[];
    /** Pulumi `protect` on the data (prod). */
    protect?: boolean;
    /** Retention of the exported logs' groups. */
    logRetentionDays?: LogRetentionDays;
}

/** The component's arguments from config, in one place: the build uses them, and the rules run the component's own rules on them. */
export function databaseArgs(db: DatabaseConfig, parts: DatabaseParts): DatabaseComponentArgs {
    if (db.kind === "instance") {
        // instanceAzs places Aurora instances only (refused for an instance by the block's rules).
        const { instanceAzs: _placement, ...instance } = db;
        return { kind: db.kind, args: { ...parts, ...instance } };
    }
    return { kind: db.kind, args: { ...parts, ...db } };
}

/**
 * Why `instanceAzs` is refused beside kind instance: AWS refuses an AvailabilityZone for a
 * Multi-AZ DB instance and picks the standby's AZ itself (RDS API Reference, CreateDBInstance,
 * AvailabilityZone: "can't be specified if the DB instance is a Multi-AZ deployment",
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html); a
 * single-AZ instance sits in the data tier's first AZ.
 */
function instancePlacementProblem(db: DatabaseConfig, dataAzs: readonly string[]): Problem | undefined {
    if (db.kind !== "instance" || db.instanceAzs === undefined) {
        return undefined;
    }
    return {
        path: ["database", "instanceAzs"],
        message: `${showValue(db.instanceAzs)} is refused for kind instance: it places an Aurora writer and readers; RDS Multi-AZ picks its standby's AZ itself (AWS refuses an AZ for a Multi-AZ instance), and a single-AZ instance sits in the data tier's first AZ (${showValue(dataAzs[0])})`,
    };
}

/** The data tier's subnets (their AZs) as the database sees them. */
function dataSubnets(view: ConfigView) {
    return view.config(networkBlock)?.subnets.data ?? [];
}

/** The database's prod rules (security baseline; prod keeps its data). */
function prodProblems(db: DatabaseConfig): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path: ["database", ...path], message });
    if (db.backup.retentionDays < 7) {
        report(["backup", "retentionDays"], `${db.backup.retentionDays} is below 7; prod keeps database backups at least 7 days (security baseline)`);
    }
    if (!db.deletionProtection) {
        report(["deletionProtection"], "false is not allowed in prod; the database must refuse deletion (security baseline)");
    }
    if (!db.finalSnapshot) {
        report(["finalSnapshot"], "false is not allowed in prod; deleting the database must leave a final snapshot (prod keeps its data)");
    }
    if (db.kind === "instance" && !db.multiAz) {
        report(["multiAz"], "is not true; prod runs the database Multi-AZ (a standby in a second AZ)");
    }
    if (db.kind === "aurora" && db.readers < 1) {
        report(["readers"], `${db.readers} leaves the writer alone; prod needs at least one reader in another AZ to fail over to`);
    }
    if (db.monitoringIntervalSeconds === 0) {
        report(["monitoringIntervalSeconds"], "0 turns enhanced monitoring off, which prod requires (security baseline)");
    }
    // The one exception: an Aurora MySQL LTS line, where AWS advises against automatic minor upgrades.
    if (!db.autoMinorVersionUpgrade && !isAuroraMysqlLts(db.engine, db.engineVersion)) {
        report(
            ["autoMinorVersionUpgrade"],
            `false is not allowed in prod; the database takes AWS's minor upgrades (security baseline), except on an Aurora MySQL long-term-support line (${AURORA_MYSQL_LTS_LINES.join(", ")}), where AWS advises it off`,
        );
    }
    if (!db.performanceInsights.enabled) {
        report(["performanceInsights", "enabled"], "false is not allowed in prod; Performance Insights is required there (security baseline)");
    }
    return problems;
}

export const databaseBlock = defineBlock({
    name: "database",
    keys: ["database"],
    requires: [networkBlock],
    schema: () => singleKey("database", DatabaseSchema.describe("An RDS instance or an Aurora cluster (`kind` chooses), in the data tier.")),
    thresholds: DATABASE_THRESHOLDS,

    rules(db, view): Problem[] {
        const subnets = dataSubnets(view);
        if (subnets.length === 0) {
            return [{ path: ["network", "subnets", "data"], message: "is empty; platform:database needs data subnets in two AZs" }];
        }
        const { kind, args } = databaseArgs(db, { naming: view.stack.naming, subnets: subnets.map((s) => ({ id: "", az: s.az })), securityGroupIds: [], logRetentionDays: view.stack.logRetentionDays });
        const problems = argumentProblemsAt("database", kind === "instance" ? rdsInstanceProblems(args) : auroraClusterProblems(args), {
            // The identifier has no path of its own: it comes from platform:name.
            "": (p) => ({ path: ["name"], message: `${JSON.stringify(view.stack.name)} makes a database identifier AWS refuses: ${p.message}` }),
            // The data tier's AZ count is the network's rule; the exported logs' retention is platform:logs.retentionDays.
            subnets: null,
            logRetentionDays: null,
        });
        const placement = instancePlacementProblem(db, subnets.map((s) => s.az));
        if (placement) {
            problems.push(placement);
        }
        const monitoring = view.config(monitoringBlock);
        if (monitoring) {
            const derived = databaseThresholds(monitoring.thresholds, { engine: db.engine, instanceClass: db.instanceClass, serverlessMaxAcu: db.kind === "aurora" ? db.serverless?.maxAcu : undefined });
            const unknown = `the platform does not know the memory of ${showValue(db.instanceClass)}; set it for this class`;
            if (derived.freeableMemoryMib === undefined) {
                problems.push({ path: ["monitoring", "thresholds", "dbFreeableMemoryMib"], message: `is required: ${unknown}` });
            }
            if (derived.connections === undefined) {
                problems.push({ path: ["monitoring", "thresholds", "dbConnections"], message: `is required: ${unknown}` });
            }
        }
        return [...problems, ...(view.stack.env === "prod" ? prodProblems(db) : [])];
    },

    securityGroups: () => ({ groups: [{ name: "db", description: "Database: in from the services only, no egress" }] }),

    store: {
        label: "the database",
        group: "db",
        ports: (db) => [ENGINE_FACTS[db.engine].port],
        variables: ["DB_HOST", "DB_READER_HOST", "DB_PORT", "DB_NAME", "DB_ENGINE", "DB_USER", "DB_AUTH", "DB_USERNAME", "DB_PASSWORD"],
        // Consumers sign in as the application user with an IAM token (their task role's
        // `rds-db:connect`), never with the master secret: rotating it breaks no running task.
        connection: (database: RdsInstance | AuroraCluster) => ({
            environment: {
                DB_HOST: database.endpoint,
                DB_READER_HOST: database.readerEndpoint,
                DB_PORT: String(database.port),
                DB_NAME: database.databaseName,
                DB_ENGINE: database.engine,
                DB_USER: database.applicationUser,
                DB_AUTH: "iam",
            },
            secrets: {},
            statements: [{ Sid: "ConnectAsApplicationUser", Effect: "Allow", Action: "rds-db:connect", Resource: database.applicationUserArn }],
        }),
    },

    build(db: DatabaseConfig, ctx: BuildContext): RdsInstance | AuroraCluster {
        const vpc = ctx.need(networkBlock);
        const { kind, args } = databaseArgs(db, {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            subnets: vpc.subnets.filter((s) => s.tier === "data").map((s) => ({ id: s.id, az: s.az })),
            securityGroupIds: [ctx.securityGroupId("db")],
            // In prod, neither `pulumi destroy` nor a replacement may drop the data.
            protect: ctx.stack.env === "prod",
            logRetentionDays: ctx.stack.logRetentionDays,
        });
        return kind === "instance" ? new RdsInstance("db", args) : new AuroraCluster("db", args);
    },

    outputs: (database) => ({
        databaseEndpoint: database.endpoint,
        databaseReaderEndpoint: database.readerEndpoint,
        databasePort: database.port,
        databaseSecretArn: database.masterSecretArn,
        databaseApplicationUser: database.applicationUser,
    }),

    alarms: (database, db, thresholds) => ({
        rank: 30,
        title: "Database",
        specs: databaseAlarms(
            {
                engine: db.engine,
                instanceClass: db.instanceClass,
                serverlessMaxAcu: db.kind === "aurora" ? db.serverless?.maxAcu : undefined,
                ...(database.kind === "instance"
                    ? { kind: "instance" as const, identifier: database.identifier }
                    : { kind: "aurora" as const, clusterIdentifier: database.clusterIdentifier, hasReaders: database.instances.length > 1 }),
            },
            thresholds,
        ),
    }),
});
