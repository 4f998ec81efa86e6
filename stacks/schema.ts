/**
 * The platform's config schema (zod) and the resolved config the program runs on.
 *
 * Every key of the `platform` namespace is declared here, with its per-env default. Objects are
 * strict: an unknown key (a typo) is an error, never silently ignored. Rules that span keys
 * (CIDR containment, Fargate sizes, name lengths, prod rules…) are in `rules.ts`.
 */
import { z } from "zod";
import { CAPACITY_PROVIDERS, CONTAINER_INSIGHTS_MODES, CapacityProvider, ContainerInsightsMode } from "../components/compute/ecs-cluster/ecs-cluster";
import { DESYNC_MODES, DesyncMode, TLS_POLICIES, TlsPolicy } from "../components/traffic/blue-green-alb/blue-green-alb";
import { DEFAULT_MANAGED_RULE_GROUPS, MANAGED_RULE_GROUPS, ManagedRuleGroup, RATE_LIMIT_WINDOWS, RateLimitWindowSeconds } from "../components/edge/web-acl/web-acl";
import {
    FLOW_LOG_TRAFFIC_TYPES,
    FlowLogTrafficType,
    GATEWAY_ENDPOINT_SERVICES,
    INTERFACE_ENDPOINT_SERVICES,
    LogRetentionDays,
} from "../lib/aws-limits";
import { Colour, Weights } from "../components/traffic/blue-green-alb/blue-green";
import { CACHE_ENGINES, CacheAuth, CacheEngine } from "../components/data/cache/cache";
import { AURORA_ENGINES, DATABASE_KINDS, DatabaseEngine, DatabaseKind, INSTANCE_ENGINES } from "../components/data/database/engines";
import { KafkaSizing } from "../components/data/kafka/kafka";
import { AlarmThresholds } from "../components/observability/monitoring/alarms";
import { ENVS, Env, PREFIX_RULE } from "../lib/naming";
import { NAT_STRATEGIES, NatStrategy, NetworkSpec } from "../components/network/vpc/network";
import { OfficeHours } from "../components/compute/services/schedule";

// ---------------------------------------------------------------------------------------------
// Per-env defaults: what a key means when the stack file leaves it out. Security relaxations are
// never defaults (SPEC §6): flow logs, ALB access logs and deletion protection default to on
// everywhere; dev turns them off visibly in its stack file.
// ---------------------------------------------------------------------------------------------

export interface EnvDefaults {
    /** dev: one NAT (cost); prod: one per AZ (an AZ outage must not cut the others off). */
    readonly natGateways: NatStrategy;
    /** Retention of the platform's log groups, in days. */
    readonly logRetentionDays: LogRetentionDays;
    /** Capacity provider of the services: Spot is a dev cost lever. */
    readonly capacityProvider: CapacityProvider;
    /** Tasks per service at creation. */
    readonly desiredCount: number;
    readonly autoscaling: { readonly min: number; readonly max: number };
    /** ECS Exec into running tasks: a debugging aid in dev, off unless asked for in prod. */
    readonly enableExecuteCommand: boolean;
}

export const ENV_DEFAULTS: Readonly<Record<Env, EnvDefaults>> = {
    dev: { natGateways: "single", logRetentionDays: 7, capacityProvider: "FARGATE_SPOT", desiredCount: 1, autoscaling: { min: 1, max: 2 }, enableExecuteCommand: true },
    prod: { natGateways: "perAz", logRetentionDays: 90, capacityProvider: "FARGATE", desiredCount: 2, autoscaling: { min: 2, max: 6 }, enableExecuteCommand: false },
};

/** Defaults that do not depend on the env. */
export const DEFAULTS = {
    port: 8080,
    cpuTarget: 70,
    memoryTarget: 80,
    readonlyRootFilesystem: true,
    writablePaths: ["/tmp"],
    user: "1000",
    healthCheckGracePeriodSeconds: 60,
    keepLastImages: 30,
    accessLogExpirationDays: 90,
    wafRateLimit: 2000,
    wafRateLimitWindowSeconds: 300,
    scheduleTimezone: "Asia/Seoul",
    scheduleDays: "MON-FRI",
} as const;

// ---------------------------------------------------------------------------------------------
// Schema.
// ---------------------------------------------------------------------------------------------

/** The data stores a service may be given access to. */
export const DATA_STORES = ["database", "cache", "kafka"] as const;
export type DataStore = (typeof DATA_STORES)[number];

const SubnetSchema = z.strictObject({
    cidr: z.string(),
    az: z.string(),
});

const NetworkSchema = z.strictObject({
    cidr: z.string(),
    azs: z.array(z.string()).min(1),
    subnets: z.strictObject({
        public: z.array(SubnetSchema),
        private: z.array(SubnetSchema),
        data: z.array(SubnetSchema).default([]),
    }),
    natGateways: z.enum(NAT_STRATEGIES).optional(),
    gatewayEndpoints: z.array(z.enum(GATEWAY_ENDPOINT_SERVICES)).default([...GATEWAY_ENDPOINT_SERVICES]),
    interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINT_SERVICES)).default([]),
    flowLogs: z
        .strictObject({
            enabled: z.boolean().default(true),
            retentionDays: z.number().int().optional(),
            trafficType: z.enum(FLOW_LOG_TRAFFIC_TYPES).default("ALL"),
        })
        .default({ enabled: true, trafficType: "ALL" }),
});

const AutoscalingSchema = z.strictObject({
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    cpuTarget: z.number().min(1).max(100).optional(),
    memoryTarget: z.number().min(1).max(100).optional(),
});

/** What `serviceDefaults` may set, and each service may override. */
const ServiceSettingsSchema = z.strictObject({
    port: z.number().int().optional(),
    desiredCount: z.number().int().min(0).optional(),
    autoscaling: AutoscalingSchema.optional(),
    environment: z.record(z.string(), z.string()).optional(),
    secrets: z.record(z.string(), z.string()).optional(),
    readonlyRootFilesystem: z.boolean().optional(),
    writablePaths: z.array(z.string()).optional(),
    user: z.string().optional(),
    capacityProvider: z.enum(CAPACITY_PROVIDERS).optional(),
    healthCheckGracePeriodSeconds: z.number().int().min(0).max(7200).optional(),
    enableExecuteCommand: z.boolean().optional(),
    connectsTo: z.array(z.enum(DATA_STORES)).optional(),
});

const ServiceSchema = ServiceSettingsSchema.extend({
    cpu: z.number().int(),
    memory: z.number().int(),
    imageTag: z.string().optional(),
    repository: z.string().optional(),
    discoveryName: z.string().optional(),
});

const ColourSchema = z.strictObject({
    imageTag: z.string(),
    scaledToZero: z.boolean().default(false),
});

const AlbSchema = z.strictObject({
    certificate: z.strictObject({
        arn: z.string().optional(),
        domain: z.string().optional(),
        hostedZone: z.string().optional(),
    }),
    tlsPolicy: z.enum(TLS_POLICIES).optional(),
    deletionProtection: z.boolean().default(true),
    accessLogs: z
        .strictObject({
            enabled: z.boolean().default(true),
            expirationDays: z.number().int().min(1).max(3650).default(DEFAULTS.accessLogExpirationDays),
        })
        .default({ enabled: true, expirationDays: DEFAULTS.accessLogExpirationDays }),
    deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
    idleTimeoutSeconds: z.number().int().min(1).max(4000).default(60),
    desyncMitigationMode: z.enum(DESYNC_MODES).default("defensive"),
    hsts: z.boolean().default(true),
    dns: z.strictObject({ hostedZone: z.string().optional(), records: z.array(z.string()) }).optional(),
    healthCheck: z
        .strictObject({
            path: z.string().default("/health"),
            matcher: z.string().default("200"),
            intervalSeconds: z.number().int().min(5).max(300).default(15),
            timeoutSeconds: z.number().int().min(2).max(120).default(5),
            healthyThreshold: z.number().int().min(2).max(10).default(2),
            unhealthyThreshold: z.number().int().min(2).max(10).default(3),
        })
        .default({ path: "/health", matcher: "200", intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 }),
});

const DatabaseSchema = z.strictObject({
    kind: z.enum(DATABASE_KINDS),
    engine: z.enum([...INSTANCE_ENGINES, ...AURORA_ENGINES]).optional(),
    engineVersion: z.string(),
    instanceClass: z.string(),
    databaseName: z.string(),
    masterUsername: z.string(),
    storage: z.strictObject({ allocatedGb: z.number().int(), maxAllocatedGb: z.number().int() }).optional(),
    multiAz: z.boolean().optional(),
    readers: z.number().int().optional(),
    serverless: z.strictObject({ minAcu: z.number(), maxAcu: z.number() }).optional(),
    readerAutoscaling: z.strictObject({ min: z.number().int(), max: z.number().int(), cpuTarget: z.number().min(1).max(100).optional() }).optional(),
    backup: z.strictObject({ retentionDays: z.number().int(), window: z.string() }),
    maintenanceWindow: z.string(),
    deletionProtection: z.boolean().default(true),
    finalSnapshot: z.boolean().default(true),
    performanceInsights: z
        .strictObject({ enabled: z.boolean().default(true), retentionDays: z.number().int().default(7) })
        .default({ enabled: true, retentionDays: 7 }),
    monitoringIntervalSeconds: z.number().int().default(60),
    logExports: z.array(z.string()).optional(),
    parameters: z.record(z.string(), z.string()).optional(),
    kmsKeyArn: z.string().optional(),
});

const CacheSchema = z.strictObject({
    engine: z.enum(CACHE_ENGINES).default("valkey"),
    engineVersion: z.string(),
    nodeType: z.string(),
    port: z.number().int().optional(),
    nodes: z.number().int().optional(),
    clusterMode: z.strictObject({ shards: z.number().int(), replicasPerShard: z.number().int() }).optional(),
    automaticFailover: z.boolean().optional(),
    multiAz: z.boolean().optional(),
    auth: z.enum(["rbac", "token"]).default("rbac"),
    snapshot: z.strictObject({ retentionDays: z.number().int(), window: z.string() }),
    maintenanceWindow: z.string(),
    parameters: z.record(z.string(), z.string()).optional(),
    kmsKeyArn: z.string().optional(),
});

const KafkaSchema = z.strictObject({
    nodes: z.number().int(),
    instanceType: z.string(),
    version: z.string(),
    scalaVersion: z.string().default("2.13"),
    archiveSha512: z.string(),
    rootVolumeGb: z.number().int().default(8),
    dataVolumeGb: z.number().int().default(20),
    heapMb: z.number().int().default(1024),
    replicationFactor: z.number().int().optional(),
    minInsyncReplicas: z.number().int().optional(),
    numPartitions: z.number().int().default(3),
    autoCreateTopics: z.boolean().default(false),
    kmsKeyArn: z.string().optional(),
});

const ThresholdsSchema = z.strictObject({
    ecsCpuPercent: z.number().optional(),
    ecsMemoryPercent: z.number().optional(),
    alb5xxPercent: z.number().optional(),
    alb5xxMinRequests: z.number().optional(),
    albP95Seconds: z.number().optional(),
    dbCpuPercent: z.number().optional(),
    dbFreeableMemoryMib: z.number().optional(),
    dbConnections: z.number().optional(),
    cacheCpuPercent: z.number().optional(),
    cacheMemoryPercent: z.number().optional(),
    cacheEvictions: z.number().optional(),
    kafkaDiskPercent: z.number().optional(),
});

const MonitoringSchema = z.strictObject({
    alarmEmails: z.array(z.string()).default([]),
    notifyOnRecovery: z.boolean().default(true),
    thresholds: ThresholdsSchema.default({}),
    topicKmsKeyArn: z.string().optional(),
});

const WafSchema = z.strictObject({
    enabled: z.boolean().default(true),
    rateLimit: z.number().int().default(DEFAULTS.wafRateLimit),
    rateLimitWindowSeconds: z.literal(RATE_LIMIT_WINDOWS).default(DEFAULTS.wafRateLimitWindowSeconds),
    managedRuleGroups: z.array(z.enum(MANAGED_RULE_GROUPS)).default([...DEFAULT_MANAGED_RULE_GROUPS]),
    countRules: z.partialRecord(z.enum(MANAGED_RULE_GROUPS), z.array(z.string())).default({}),
    logging: z
        .strictObject({ enabled: z.boolean().default(true), retentionDays: z.number().int().optional() })
        .default({ enabled: true }),
});

const ScheduleSchema = z.strictObject({
    timezone: z.string().default(DEFAULTS.scheduleTimezone),
    days: z.string().default(DEFAULTS.scheduleDays),
    start: z.string(),
    stop: z.string(),
    services: z.array(z.string()).optional(),
});

export const PlatformSchema = z.strictObject({
    env: z.enum(ENVS),
    name: z.string().regex(PREFIX_RULE.pattern, { error: `is not a valid name prefix; use ${PREFIX_RULE.allowed}` }),
    tags: z.record(z.string(), z.string()).default({}),
    logs: z.strictObject({ retentionDays: z.number().int().optional() }).default({}),
    network: NetworkSchema,
    cluster: z
        .strictObject({
            defaultCapacityProvider: z.enum(CAPACITY_PROVIDERS).optional(),
            containerInsights: z.enum(CONTAINER_INSIGHTS_MODES).default("enabled"),
        })
        .default({ containerInsights: "enabled" }),
    serviceDiscovery: z.strictObject({ namespace: z.string().optional() }).default({}),
    ecr: z
        .strictObject({
            manageRepositories: z.boolean().default(true),
            keepLastImages: z.number().int().min(1).max(1000).default(DEFAULTS.keepLastImages),
            expiringTagPatterns: z.array(z.string()).min(1).default(["*"]),
        })
        .default({ manageRepositories: true, keepLastImages: DEFAULTS.keepLastImages, expiringTagPatterns: ["*"] }),
    serviceDefaults: ServiceSettingsSchema.default({}),
    services: z.record(z.string(), ServiceSchema),
    database: DatabaseSchema.optional(),
    cache: CacheSchema.optional(),
    kafka: KafkaSchema.optional(),
    alb: AlbSchema.optional(),
    blueGreen: z
        .strictObject({
            service: z.string(),
            weights: z.strictObject({ blue: z.number(), green: z.number() }),
            blue: ColourSchema,
            green: ColourSchema,
        })
        .optional(),
    monitoring: MonitoringSchema.default({ alarmEmails: [], notifyOnRecovery: true, thresholds: {} }),
    waf: WafSchema.optional(),
    schedule: ScheduleSchema.optional(),
});

export type ParsedPlatform = z.infer<typeof PlatformSchema>;

// ---------------------------------------------------------------------------------------------
// The resolved config: every default filled in.
// ---------------------------------------------------------------------------------------------

export interface NetworkConfig extends NetworkSpec {
    readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: LogRetentionDays; readonly trafficType: FlowLogTrafficType };
}

export interface ServiceConfig {
    /** The key in `platform:services`, e.g. `order-service`. */
    readonly name: string;
    readonly cpu: number;
    readonly memory: number;
    readonly port: number;
    /** Absent for the blue/green service, whose colours carry their tags. */
    readonly imageTag?: string;
    /** ECR repository, by default `<prefix>-<name without -service>` (the seed's names). */
    readonly repository: string;
    /** Cloud Map name: `<discoveryName>.<namespace>`. */
    readonly discoveryName: string;
    readonly desiredCount: number;
    readonly autoscaling: { readonly min: number; readonly max: number; readonly cpuTarget: number; readonly memoryTarget: number };
    readonly environment: Readonly<Record<string, string>>;
    readonly secrets: Readonly<Record<string, string>>;
    readonly readonlyRootFilesystem: boolean;
    readonly writablePaths: readonly string[];
    readonly user: string;
    readonly capacityProvider: CapacityProvider;
    readonly healthCheckGracePeriodSeconds: number;
    readonly enableExecuteCommand: boolean;
    /**
     * The data stores whose endpoints and credentials the service receives (and whose secrets its
     * execution role may read). @default every store the stack has
     */
    readonly connectsTo: readonly DataStore[];
}

export interface AlbConfig {
    readonly certificate: { readonly arn?: string; readonly domain?: string; readonly hostedZone?: string };
    readonly tlsPolicy?: TlsPolicy;
    readonly deletionProtection: boolean;
    readonly accessLogs: { readonly enabled: boolean; readonly expirationDays: number };
    readonly deregistrationDelaySeconds: number;
    readonly idleTimeoutSeconds: number;
    readonly desyncMitigationMode: DesyncMode;
    readonly hsts: boolean;
    /** Route 53 alias records for the ALB; the zone defaults to the certificate's. */
    readonly dns?: { readonly hostedZone?: string; readonly records: readonly string[] };
    readonly healthCheck: {
        readonly path: string;
        readonly matcher: string;
        readonly intervalSeconds: number;
        readonly timeoutSeconds: number;
        readonly healthyThreshold: number;
        readonly unhealthyThreshold: number;
    };
}

export interface BlueGreenConfig {
    /** The service (a key of `platform:services`) that runs blue and green behind the ALB. */
    readonly service: string;
    readonly weights: Weights;
    readonly colours: Readonly<Record<Colour, { readonly imageTag: string; readonly scaledToZero: boolean }>>;
}

export interface DatabaseConfig {
    readonly kind: DatabaseKind;
    /** `postgres` / `aurora-postgresql` unless set. */
    readonly engine: DatabaseEngine;
    readonly engineVersion: string;
    readonly instanceClass: string;
    readonly databaseName: string;
    readonly masterUsername: string;
    readonly storage?: { readonly allocatedGb: number; readonly maxAllocatedGb: number };
    readonly multiAz?: boolean;
    readonly readers?: number;
    readonly serverless?: { readonly minAcu: number; readonly maxAcu: number };
    readonly readerAutoscaling?: { readonly min: number; readonly max: number; readonly cpuTarget?: number };
    readonly backup: { readonly retentionDays: number; readonly window: string };
    readonly maintenanceWindow: string;
    readonly deletionProtection: boolean;
    readonly finalSnapshot: boolean;
    readonly performanceInsights: { readonly enabled: boolean; readonly retentionDays: number };
    readonly monitoringIntervalSeconds: number;
    readonly logExports?: readonly string[];
    readonly parameters?: Readonly<Record<string, string>>;
    readonly kmsKeyArn?: string;
}

export interface CacheConfig {
    readonly engine: CacheEngine;
    readonly engineVersion: string;
    readonly nodeType: string;
    readonly port?: number;
    readonly nodes?: number;
    readonly clusterMode?: { readonly shards: number; readonly replicasPerShard: number };
    readonly automaticFailover?: boolean;
    readonly multiAz?: boolean;
    readonly auth: CacheAuth;
    readonly snapshot: { readonly retentionDays: number; readonly window: string };
    readonly maintenanceWindow: string;
    readonly parameters?: Readonly<Record<string, string>>;
    readonly kmsKeyArn?: string;
}

export interface KafkaConfig extends KafkaSizing {
    readonly replicationFactor?: number;
    readonly minInsyncReplicas?: number;
    readonly autoCreateTopics: boolean;
    readonly kmsKeyArn?: string;
}

export interface MonitoringConfig {
    /** Addresses the alarm topic mails; each confirms its subscription once. */
    readonly alarmEmails: readonly string[];
    /** Mail when an alarm recovers, too. */
    readonly notifyOnRecovery: boolean;
    /** Thresholds that differ from the defaults (lib/monitoring.ts). */
    readonly thresholds: Partial<AlarmThresholds>;
    readonly topicKmsKeyArn?: string;
}

export interface WafConfig {
    readonly enabled: boolean;
    readonly rateLimit: number;
    readonly rateLimitWindowSeconds: RateLimitWindowSeconds;
    readonly managedRuleGroups: readonly ManagedRuleGroup[];
    readonly countRules: Readonly<Partial<Record<ManagedRuleGroup, readonly string[]>>>;
    readonly logging: { readonly enabled: boolean; readonly retentionDays: LogRetentionDays };
}

export interface ScheduleConfig extends OfficeHours {
    /** The services on the schedule. @default every service */
    readonly services: readonly string[];
}

export interface PlatformConfig {
    /** Pulumi stack name. */
    readonly stack: string;
    /** `aws:region`. */
    readonly region: string;
    readonly env: Env;
    /** Physical-name prefix. */
    readonly name: string;
    /** Extra tags from config. */
    readonly tags: Readonly<Record<string, string>>;
    /** Retention of every platform log group unless a key says otherwise. */
    readonly logRetentionDays: LogRetentionDays;
    readonly network: NetworkConfig;
    readonly cluster: { readonly defaultCapacityProvider: CapacityProvider; readonly containerInsights: ContainerInsightsMode };
    readonly serviceDiscovery: { readonly namespace: string };
    readonly ecr: { readonly manageRepositories: boolean; readonly keepLastImages: number; readonly expiringTagPatterns: readonly string[] };
    /** In the stack file's order. */
    readonly services: readonly ServiceConfig[];
    readonly database?: DatabaseConfig;
    readonly cache?: CacheConfig;
    readonly kafka?: KafkaConfig;
    readonly alb?: AlbConfig;
    readonly blueGreen?: BlueGreenConfig;
    readonly monitoring: MonitoringConfig;
    /** Present when the stack file has platform:waf, or has an ALB (then on unless turned off). */
    readonly waf?: WafConfig;
    readonly schedule?: ScheduleConfig;
}

/** The seed's repository names: `user-service` → `<prefix>-user`, `order-query` → `<prefix>-order-query`. */
export function defaultRepositoryName(prefix: string, service: string): string {
    return `${prefix}-${service.replace(/-service$/, "")}`;
}

/** `goorm-popcorn` → `goormpopcorn.local`, the seed's namespace. */
export function defaultNamespace(prefix: string): string {
    return `${prefix.replace(/-/g, "")}.local`;
}

export function resolveDefaults(parsed: ParsedPlatform, stack: string, region: string): PlatformConfig {
    const env = ENV_DEFAULTS[parsed.env];
    const logRetentionDays = (parsed.logs.retentionDays ?? env.logRetentionDays) as LogRetentionDays;
    const { network, serviceDefaults: shared } = parsed;
    const services = Object.entries(parsed.services).map(([name, own]): ServiceConfig => {
        const desiredCount = own.desiredCount ?? shared.desiredCount ?? env.desiredCount;
        const scaling = { ...shared.autoscaling, ...own.autoscaling };
        return {
            name,
            cpu: own.cpu,
            memory: own.memory,
            port: own.port ?? shared.port ?? DEFAULTS.port,
            imageTag: own.imageTag,
            repository: own.repository ?? defaultRepositoryName(parsed.name, name),
            discoveryName: own.discoveryName ?? name,
            desiredCount,
            autoscaling: {
                min: scaling.min ?? Math.min(desiredCount, env.autoscaling.min),
                max: scaling.max ?? Math.max(desiredCount, env.autoscaling.max),
                cpuTarget: scaling.cpuTarget ?? DEFAULTS.cpuTarget,
                memoryTarget: scaling.memoryTarget ?? DEFAULTS.memoryTarget,
            },
            environment: { ...shared.environment, ...own.environment },
            secrets: { ...shared.secrets, ...own.secrets },
            readonlyRootFilesystem: own.readonlyRootFilesystem ?? shared.readonlyRootFilesystem ?? DEFAULTS.readonlyRootFilesystem,
            writablePaths: own.writablePaths ?? shared.writablePaths ?? DEFAULTS.writablePaths,
            user: own.user ?? shared.user ?? DEFAULTS.user,
            capacityProvider: own.capacityProvider ?? shared.capacityProvider ?? parsed.cluster.defaultCapacityProvider ?? env.capacityProvider,
            healthCheckGracePeriodSeconds: own.healthCheckGracePeriodSeconds ?? shared.healthCheckGracePeriodSeconds ?? DEFAULTS.healthCheckGracePeriodSeconds,
            enableExecuteCommand: own.enableExecuteCommand ?? shared.enableExecuteCommand ?? env.enableExecuteCommand,
            connectsTo: own.connectsTo ?? shared.connectsTo ?? DATA_STORES.filter((store) => parsed[store] !== undefined),
        };
    });
    const blueGreen = parsed.blueGreen;
    return {
        stack,
        region,
        env: parsed.env,
        name: parsed.name,
        tags: parsed.tags,
        logRetentionDays,
        network: {
            ...network,
            natGateways: network.natGateways ?? env.natGateways,
            flowLogs: { ...network.flowLogs, retentionDays: (network.flowLogs.retentionDays ?? logRetentionDays) as LogRetentionDays },
        },
        cluster: {
            defaultCapacityProvider: parsed.cluster.defaultCapacityProvider ?? env.capacityProvider,
            containerInsights: parsed.cluster.containerInsights,
        },
        serviceDiscovery: { namespace: parsed.serviceDiscovery.namespace ?? defaultNamespace(parsed.name) },
        ecr: parsed.ecr,
        services,
        database: parsed.database && {
            ...parsed.database,
            engine: parsed.database.engine ?? (parsed.database.kind === "aurora" ? "aurora-postgresql" : "postgres"),
        },
        cache: parsed.cache,
        kafka: parsed.kafka,
        alb: parsed.alb,
        blueGreen: blueGreen && {
            service: blueGreen.service,
            weights: blueGreen.weights,
            colours: { blue: blueGreen.blue, green: blueGreen.green },
        },
        monitoring: parsed.monitoring,
        waf: resolveWaf(parsed, logRetentionDays),
        schedule: parsed.schedule && { ...parsed.schedule, services: parsed.schedule.services ?? services.map((s) => s.name) },
    };
}

/** WAF protects the ALB unless the stack file turns it off (a visible relaxation, SPEC §6). */
function resolveWaf(parsed: ParsedPlatform, logRetentionDays: LogRetentionDays): WafConfig | undefined {
    const waf = parsed.waf ?? (parsed.alb ? WafSchema.parse({}) : undefined);
    if (!waf) {
        return undefined;
    }
    return { ...waf, logging: { enabled: waf.logging.enabled, retentionDays: (waf.logging.retentionDays ?? logRetentionDays) as LogRetentionDays } };
}
