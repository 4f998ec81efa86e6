/**
 * What the platform watches, as data: the alarm thresholds and their defaults, what a database
 * class can hold (for the thresholds that depend on it), and the alarm specs the Monitoring
 * component turns into CloudWatch alarms and dashboard widgets. Pure functions.
 *
 * Metrics and dimensions (AWS's CloudWatch references):
 * - ECS: `AWS/ECS` CPUUtilization / MemoryUtilization by ClusterName + ServiceName;
 *   `ECS/ContainerInsights` DesiredTaskCount (Container Insights on).
 * - ALB: `AWS/ApplicationELB` by LoadBalancer (`app/<name>/<id>`); HealthyHostCount by
 *   TargetGroup + LoadBalancer.
 * - RDS: `AWS/RDS` by DBInstanceIdentifier; Aurora by DBClusterIdentifier + Role (WRITER/READER),
 *   as AWS recommends, since instances change roles on failover and readers come and go.
 * - ElastiCache: `AWS/ElastiCache` by CacheClusterId, one per node (`<group>-001`, …).
 * - EC2 (Kafka): `AWS/EC2` StatusCheckFailed by InstanceId; the data disk's use from the
 *   CloudWatch agent (`CWAgent` disk_used_percent by InstanceId + path).
 */
import * as pulumi from "@pulumi/pulumi";
import { DatabaseEngine } from "../../data/database/engines";
import { Problem } from "../../../lib/problems";

// ---------------------------------------------------------------------------------------------
// Thresholds.
// ---------------------------------------------------------------------------------------------

export interface AlarmThresholds {
    /** Average CPU of an ECS service, %. Above the autoscaling target: scaling has run out. @default 85 */
    readonly ecsCpuPercent: number;
    /** Average memory of an ECS service, %. @default 85 */
    readonly ecsMemoryPercent: number;
    /** ALB and target 5xx responses as a share of requests, %. @default 5 */
    readonly alb5xxPercent: number;
    /** Requests a minute below which the 5xx rate is not judged (one error in three requests is no outage). @default 20 */
    readonly alb5xxMinRequests: number;
    /** p95 of the targets' response time, seconds. @default 1.5 */
    readonly albP95Seconds: number;
    /** Database CPU, %. @default 80 */
    readonly dbCpuPercent: number;
    /** Freeable memory below which the database alarms, MiB. @default 10 % of the instance class's memory */
    readonly dbFreeableMemoryMib?: number;
    /** Connections above which the database alarms. @default 80 % of the engine's default max_connections for the class */
    readonly dbConnections?: number;
    /** Engine CPU of a cache node (the single-threaded engine's own core), %. @default 80 */
    readonly cacheCpuPercent: number;
    /** Memory of a cache node (DatabaseMemoryUsagePercentage), %. @default 80 */
    readonly cacheMemoryPercent: number;
    /** Keys evicted per 5 minutes on one node. @default 100 */
    readonly cacheEvictions: number;
    /** Use of a Kafka node's data volume, %. @default 80 */
    readonly kafkaDiskPercent: number;
}

/** The thresholds with every default filled in (the database's stay optional: they depend on the class). */
export type ResolvedThresholds = Omit<AlarmThresholds, "dbFreeableMemoryMib" | "dbConnections"> & Partial<AlarmThresholds>;

export const DEFAULT_THRESHOLDS: Readonly<Omit<AlarmThresholds, "dbFreeableMemoryMib" | "dbConnections">> = {
    ecsCpuPercent: 85,
    ecsMemoryPercent: 85,
    alb5xxPercent: 5,
    alb5xxMinRequests: 20,
    albP95Seconds: 1.5,
    dbCpuPercent: 80,
    cacheCpuPercent: 80,
    cacheMemoryPercent: 80,
    cacheEvictions: 100,
    kafkaDiskPercent: 80,
};

/** The keys that are a percentage (0–100 exclusive of 0). */
const PERCENT_KEYS = ["ecsCpuPercent", "ecsMemoryPercent", "alb5xxPercent", "dbCpuPercent", "cacheCpuPercent", "cacheMemoryPercent", "kafkaDiskPercent"] as const;

export function thresholdProblems(thresholds: Partial<AlarmThresholds>): Problem[] {
    const problems: Problem[] = [];
    for (const key of PERCENT_KEYS) {
        const value = thresholds[key];
        if (value !== undefined && !(value > 0 && value <= 100)) {
            problems.push({ path: [key], message: `${value} is not a percentage; use a number above 0 and at most 100` });
        }
    }
    const positive: Array<[keyof AlarmThresholds, boolean]> = [
        ["albP95Seconds", false],
        ["dbFreeableMemoryMib", true],
        ["dbConnections", true],
    ];
    for (const [key, integer] of positive) {
        const value = thresholds[key];
        if (value !== undefined && (!(value > 0) || (integer && !Number.isInteger(value)))) {
            problems.push({ path: [key], message: `${value} is not allowed; use a ${integer ? "whole number" : "number"} above 0` });
        }
    }
    for (const key of ["alb5xxMinRequests", "cacheEvictions"] as const) {
        const value = thresholds[key];
        if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
            problems.push({ path: [key], message: `${value} is not allowed; use a whole number, 0 or more` });
        }
    }
    return problems;
}

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
export function databaseThresholds(thresholds: Partial<AlarmThresholds>, db: DatabaseSizing): { freeableMemoryMib?: number; connections?: number } {
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

// ---------------------------------------------------------------------------------------------
// Alarm specs.
// ---------------------------------------------------------------------------------------------

export type AlarmGroup = "ecs" | "alb" | "database" | "cache" | "kafka";
export type Comparison = "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold";

export interface MetricRef {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    /** `Average`, `Sum`, `Minimum`, `Maximum` or a percentile such as `p95`. */
    readonly stat: string;
    readonly period: number;
}

export interface AlarmSpec {
    /** Unique within the platform, e.g. `ecs-order-service-cpu`; the alarm is `<prefix>-<env>-<key>`. */
    readonly key: string;
    readonly group: AlarmGroup;
    /** What is wrong when it fires, in words. */
    readonly description: string;
    readonly comparison: Comparison;
    readonly threshold: number;
    /** The config key the threshold comes from (`platform:monitoring.thresholds.<key>`, or another key). */
    readonly thresholdSource: string;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    /** No data is fine (a service at zero, an ALB without traffic) unless it says otherwise. */
    readonly treatMissingData: "notBreaching" | "breaching" | "missing" | "ignore";
    /** One metric… */
    readonly metric?: MetricRef;
    /** …or a metric-math expression over `inputs` (keyed by their ids). */
    readonly math?: { readonly expression: string; readonly label: string; readonly inputs: Readonly<Record<string, MetricRef>> };
}

export interface WatchedEcsService {
    /** The platform's service name, e.g. `api-gateway`. */
    readonly service: string;
    /** The deployment in alarm names: the service, or `<service>-<colour>`. */
    readonly label: string;
    /** The ECS service's name (the deployment: the service or one colour). */
    readonly ecsServiceName: string;
    readonly clusterName: pulumi.Input<string>;
    /** Tasks the deployment runs when nothing scales it (0 for a colour at rest). */
    readonly desiredCount: number;
    /** `targetgroup/<name>/<id>` when the deployment sits behind the ALB. */
    readonly targetGroupArnSuffix?: pulumi.Input<string>;
}

export type WatchedDatabase = DatabaseSizing &
    ({ readonly kind: "instance"; readonly identifier: string } | { readonly kind: "aurora"; readonly clusterIdentifier: string; readonly hasReaders: boolean });

export interface WatchTargets {
    readonly ecsServices?: readonly WatchedEcsService[];
    /** Container Insights publishes DesiredTaskCount: healthy hosts are then compared with it. */
    readonly containerInsights?: boolean;
    /** `app/<name>/<id>` of the ALB. */
    readonly loadBalancerArnSuffix?: pulumi.Input<string>;
    readonly database?: WatchedDatabase;
    /** The cache's replication group and the CacheClusterId of each of its nodes (`<group>-001`, …). */
    readonly cache?: { readonly replicationGroupId: string; readonly nodeIds: readonly string[] };
    readonly kafka?: { readonly instanceIds: readonly pulumi.Input<string>[]; readonly dataPath: string };
}

const source = (key: keyof AlarmThresholds) => `platform:monitoring.thresholds.${key}`;
const MINUTE = 60;

/** Every alarm of the platform, from what it runs and the thresholds (defaults filled in). */
export function alarmSpecs(targets: WatchTargets, given: Partial<AlarmThresholds> = {}): AlarmSpec[] {
    const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    const t: ResolvedThresholds = { ...DEFAULT_THRESHOLDS, ...set };
    return [
        ...(targets.ecsServices ?? []).flatMap((s) => ecsAlarms(s, t, targets)),
        ...(targets.loadBalancerArnSuffix !== undefined ? albAlarms(targets.loadBalancerArnSuffix, t) : []),
        ...(targets.database ? databaseAlarms(targets.database, given, t) : []),
        ...(targets.cache?.nodeIds ?? []).flatMap((node) => cacheAlarms(node, node.slice(targets.cache!.replicationGroupId.length + 1), t)),
        ...(targets.kafka ? targets.kafka.instanceIds.flatMap((id, i) => kafkaAlarms(i, id, targets.kafka!.dataPath, t)) : []),
    ];
}

function ecsAlarms(s: WatchedEcsService, t: ResolvedThresholds, targets: WatchTargets): AlarmSpec[] {
    const dimensions = { ClusterName: s.clusterName, ServiceName: s.ecsServiceName };
    const usage = (what: "cpu" | "memory", metricName: string, key: "ecsCpuPercent" | "ecsMemoryPercent"): AlarmSpec => ({
        key: `ecs-${s.label}-${what}`,
        group: "ecs",
        description: `${what === "cpu" ? "CPU" : "Memory"} of ECS service ${s.ecsServiceName} above ${t[key]}% for 5 minutes: autoscaling is at its maximum or cannot keep up`,
        comparison: "GreaterThanThreshold",
        threshold: t[key],
        thresholdSource: source(key),
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "notBreaching",
        metric: { namespace: "AWS/ECS", metricName, dimensions, stat: "Average", period: MINUTE },
    });
    const alarms = [usage("cpu", "CPUUtilization", "ecsCpuPercent"), usage("memory", "MemoryUtilization", "ecsMemoryPercent")];
    if (s.targetGroupArnSuffix !== undefined && targets.loadBalancerArnSuffix !== undefined) {
        const healthy: MetricRef = {
            namespace: "AWS/ApplicationELB",
            metricName: "HealthyHostCount",
            dimensions: { TargetGroup: s.targetGroupArnSuffix, LoadBalancer: targets.loadBalancerArnSuffix },
            stat: "Minimum",
            period: MINUTE,
        };
        const common = {
            key: `ecs-${s.label}-healthy-hosts`,
            group: "ecs" as const,
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
        };
        if (targets.containerInsights) {
            alarms.push({
                ...common,
                description: `Healthy targets of ${s.ecsServiceName} below its desired task count for 5 minutes`,
                comparison: "GreaterThanThreshold",
                threshold: 0,
                thresholdSource: "ECS/ContainerInsights DesiredTaskCount (the service's own desired count)",
                treatMissingData: "notBreaching",
                math: {
                    expression: "FILL(desired, 0) - FILL(healthy, 0)",
                    label: "Desired tasks not healthy in the target group",
                    inputs: {
                        desired: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", dimensions, stat: "Minimum", period: MINUTE },
                        healthy,
                    },
                },
            });
        } else if (s.desiredCount > 0) {
            alarms.push({
                ...common,
                description: `Healthy targets of ${s.ecsServiceName} below its desired count (${s.desiredCount}) for 5 minutes`,
                comparison: "LessThanThreshold",
                threshold: s.desiredCount,
                thresholdSource: `platform:services.${s.service}.desiredCount`,
                treatMissingData: "breaching",
                metric: healthy,
            });
        }
    }
    return alarms;
}

function albAlarms(loadBalancer: pulumi.Input<string>, t: ResolvedThresholds): AlarmSpec[] {
    const alb = (metricName: string, stat: string): MetricRef => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: loadBalancer }, stat, period: MINUTE });
    return [
        {
            key: "alb-5xx-rate",
            group: "alb",
            description: `5xx responses (the ALB's and the targets') above ${t.alb5xxPercent}% of requests in 3 of 5 minutes (minutes under ${t.alb5xxMinRequests} requests do not count)`,
            comparison: "GreaterThanThreshold",
            threshold: t.alb5xxPercent,
            thresholdSource: source("alb5xxPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            math: {
                // RequestCount leaves out what the ALB answered itself (503 without a healthy
                // target, say): those count as requests too, or an outage would read as 0 %.
                expression: `IF(FILL(requests, 0) + FILL(elb5xx, 0) >= ${t.alb5xxMinRequests}, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)`,
                label: "5xx responses, % of requests",
                inputs: {
                    requests: alb("RequestCount", "Sum"),
                    elb5xx: alb("HTTPCode_ELB_5XX_Count", "Sum"),
                    target5xx: alb("HTTPCode_Target_5XX_Count", "Sum"),
                },
            },
        },
        {
            key: "alb-p95-response-time",
            group: "alb",
            description: `p95 of the targets' response time above ${t.albP95Seconds} s in 3 of 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.albP95Seconds,
            thresholdSource: source("albP95Seconds"),
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            metric: alb("TargetResponseTime", "p95"),
        },
    ];
}

function databaseAlarms(db: WatchedDatabase, given: Partial<AlarmThresholds>, t: ResolvedThresholds): AlarmSpec[] {
    const derived = databaseThresholds(given, db);
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
                thresholdSource: source("dbCpuPercent"),
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
                thresholdSource: given.dbFreeableMemoryMib !== undefined ? source("dbFreeableMemoryMib") : `${source("dbFreeableMemoryMib")} (default: 10% of ${db.instanceClass})`,
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
                thresholdSource: given.dbConnections !== undefined ? source("dbConnections") : `${source("dbConnections")} (default: 80% of ${db.engine}'s max_connections on ${db.instanceClass})`,
                metric: metric("DatabaseConnections", "Maximum"),
            });
        }
        return alarms;
    });
}

function cacheAlarms(node: string, label: string, t: ResolvedThresholds): AlarmSpec[] {
    const metric = (metricName: string, stat: string, period = MINUTE): MetricRef => ({ namespace: "AWS/ElastiCache", metricName, dimensions: { CacheClusterId: node }, stat, period });
    const common = { group: "cache" as const, treatMissingData: "notBreaching" as const };
    return [
        {
            ...common,
            key: `cache-${label}-cpu`,
            description: `Engine CPU of cache node ${node} above ${t.cacheCpuPercent}% for 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.cacheCpuPercent,
            thresholdSource: source("cacheCpuPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            metric: metric("EngineCPUUtilization", "Average"),
        },
        {
            ...common,
            key: `cache-${label}-memory`,
            description: `Memory of cache node ${node} above ${t.cacheMemoryPercent}% for 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.cacheMemoryPercent,
            thresholdSource: source("cacheMemoryPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            metric: metric("DatabaseMemoryUsagePercentage", "Maximum"),
        },
        {
            ...common,
            key: `cache-${label}-evictions`,
            description: `More than ${t.cacheEvictions} keys evicted from cache node ${node} in 5 minutes: it is out of memory`,
            comparison: "GreaterThanThreshold",
            threshold: t.cacheEvictions,
            thresholdSource: source("cacheEvictions"),
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            metric: metric("Evictions", "Sum", 5 * MINUTE),
        },
    ];
}

function kafkaAlarms(index: number, instanceId: pulumi.Input<string>, dataPath: string, t: ResolvedThresholds): AlarmSpec[] {
    const node = `kafka-${index + 1}`;
    return [
        {
            key: `${node}-status-check`,
            group: "kafka",
            description: `Kafka node ${index + 1} fails its EC2 status checks (instance or system) for 2 minutes`,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            thresholdSource: "fixed: any failed status check",
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            // A node that reports nothing is as bad as one that fails.
            treatMissingData: "breaching",
            metric: { namespace: "AWS/EC2", metricName: "StatusCheckFailed", dimensions: { InstanceId: instanceId }, stat: "Maximum", period: MINUTE },
        },
        {
            key: `${node}-data-disk`,
            group: "kafka",
            description: `Data volume of Kafka node ${index + 1} (${dataPath}) above ${t.kafkaDiskPercent}% used, or its CloudWatch agent silent, for 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.kafkaDiskPercent,
            thresholdSource: source("kafkaDiskPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            // The agent's metric stops when the agent or the node does: silence is a failure too.
            treatMissingData: "breaching",
            metric: { namespace: "CWAgent", metricName: "disk_used_percent", dimensions: { InstanceId: instanceId, path: dataPath }, stat: "Maximum", period: MINUTE },
        },
    ];
}
