/**
 * ValkeyCache — an ElastiCache replication group running Valkey (system A) or Redis OSS
 * (systems B–E), in the data subnets, reachable only through the given security group.
 *
 * - encrypted at rest (the AWS managed key, or the given KMS key) and in transit (TLS required);
 * - clients authenticate (security baseline): RBAC by default, a user group holding a disabled `default`
 *   user and the application's user; or one AUTH token. The generated password lives only in
 *   Pulumi's secrets and in a Secrets Manager secret `<prefix>-<env>/<name>/auth`;
 * - without cluster mode, a primary and up to five replicas, the replicas in other AZs than the
 *   primary; in cluster mode (system C), shards whose primaries and replicas spread over the AZs
 *   (the subnets' AZs in order, or the AZs given in `azs`, primary first);
 * - automatic failover and Multi-AZ whenever a shard has a replica (dev-ok off), daily snapshots,
 *   a weekly maintenance window, minor version upgrades;
 * - its own parameter group of the engine's family (`cluster-enabled yes` in cluster mode);
 * - the slow log delivered as JSON to `/aws/elasticache/<prefix>-<env>/<name>/slow-log`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LogRetentionDays } from "../../../lib/aws-limits";
import {
    CacheAuth,
    CacheEngine,
    CacheNames,
    CacheTopology,
    DEFAULT_CACHE_NAME,
    DEFAULT_CACHE_PORT,
    GENERATED_PASSWORD,
    ScopedName,
    authSecretName,
    cacheNames,
    cacheProblems,
    cacheTopology,
    memberClusterIds,
    parameterGroupFamily,
    placeNodes,
    placeShards,
    placementAzs,
} from "./cache";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Tags } from "../../../lib/tags";

export interface ValkeyCacheClusterModeArgs {
    /** Shards (node groups), 1–500. */
    shards: number;
    /** Replicas in each shard, 0–5; ElastiCache's cluster mode needs automatic failover, hence at least 1. */
    replicasPerShard: number;
}

export interface ValkeyCacheSnapshotArgs {
    /** Days a daily snapshot is kept, 0–35; 0 keeps none (a dev relaxation of the security baseline). */
    retentionDays: number;
    /** Daily window `hh:mm-hh:mm` (UTC), at least 60 minutes, not overlapping the maintenance window. */
    window: string;
}

export interface ValkeyCacheArgs extends ComponentBaseArgs {
    /**
     * Name part: the replication group id is `<prefix>-<env>-<name>` (at most 40 characters,
     * lowercase), and every other name of the cache derives from it.
     * @default "cache"
     */
    name?: string;
    /** `valkey` (system A) or `redis` (Redis OSS, systems B–E). */
    engine: CacheEngine;
    /** Major.minor, e.g. `8.0`; one ElastiCache offers for the engine (valkey 7.2, 8.0, 8.1; redis 6.2, 7.0, 7.1). */
    engineVersion: string;
    /** `cache.<family>.<size>`, e.g. `cache.t4g.micro`. */
    nodeType: string;
    /** Port the nodes listen on; the cache security group must admit it. @default 6379 */
    port?: number;
    /**
     * Data-tier subnets and the AZ of each (same order). The AZs are plain values, known at plan
     * time, so the nodes can be placed and the placement validated.
     */
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; az: string }>;
    /**
     * The AZs in placement order: the primary's first, then the replicas' (round-robin over the
     * others); in cluster mode shard i's primary in `azs[i % n]`, its replicas in the AZs after it.
     * Distinct AZs of `subnets`, at least 2 with automatic failover or Multi-AZ.
     * @default the distinct AZs of `subnets`, in order
     */
    azs?: readonly string[];
    /** The subnets' tier (`data`, `private`), named in messages about them. @default unnamed */
    subnetTier?: string;
    /** The cache security group (6379 from the ECS tasks only, no egress; its rules live elsewhere). */
    securityGroupIds: pulumi.Input<string>[];
    /**
     * Without cluster mode: the nodes in total, one primary and `nodes - 1` replicas, 1–6.
     * Exclusive with `clusterMode`.
     * @default 1
     */
    nodes?: number;
    /** Cluster mode (system C): data sharded over `shards` shards of a primary and `replicasPerShard` replicas. */
    clusterMode?: ValkeyCacheClusterModeArgs;
    /** Promote a replica when a primary fails; needs a replica in every shard. @default true when a shard has more than one node */
    automaticFailover?: boolean;
    /** Keep the replicas in other AZs than their primary and fail over across AZs; needs automatic failover. @default automaticFailover */
    multiAz?: boolean;
    /**
     * How clients authenticate; both need in-transit encryption (TLS), which is always on.
     * `rbac`: an application user `<prefix>-<env>-<name>-app` in a user group; `token`: one AUTH token.
     * @default "rbac"
     */
    auth?: CacheAuth;
    /** Daily snapshots. */
    snapshot: ValkeyCacheSnapshotArgs;
    /** Weekly window `ddd:hh:mm-ddd:hh:mm` (UTC), at least 60 minutes. */
    maintenanceWindow: string;
    /** Days the slow-log log group keeps its events. */
    logRetentionDays: LogRetentionDays;
    /** Extra parameters of the cache's parameter group; not `cluster-enabled` (set from `clusterMode`). @default {} */
    parameters?: Readonly<Record<string, string>>;
    /** KMS key ARN for encryption at rest. @default the AWS managed key for ElastiCache */
    kmsKeyArn?: string;
    /**
     * Days Secrets Manager keeps the deleted auth secret recoverable (7–30), or 0 to delete it at
     * once, so a dev stack can be destroyed and created again under the same name. @default 30
     */
    secretRecoveryWindowDays?: number;
}

const ENGINE_TITLES: Readonly<Record<CacheEngine, string>> = { valkey: "Valkey", redis: "Redis OSS" };
/**
 * Every key and channel, every command but those that can break or stall a shared cache
 * (FLUSHALL, KEYS, DEBUG, CONFIG, …), and INFO back: health checks and Redisson need it.
 */
const APP_ACCESS_STRING = "on ~* &* +@all -@dangerous +info";
/** The `default` user a user group must hold: switched off, so nobody authenticates as it. */
const DEFAULT_USER_ACCESS_STRING = "off -@all";

/** What every step needs. */
interface StepContext {
    readonly name: string;
    readonly args: ValkeyCacheArgs;
    /** `args.name` with its default. */
    readonly cacheName: string;
    readonly topology: CacheTopology;
    readonly names: CacheNames;
    readonly scoped: (name: ScopedName) => string;
    readonly tagsFor: (resourceName: string) => Tags;
}

/** How clients authenticate, as the replication group takes it. */
interface Credentials {
    readonly userGroupIds?: pulumi.Output<string>[];
    readonly authToken?: pulumi.Output<string>;
    readonly secretArn: pulumi.Output<string>;
    readonly username?: string;
}

export class ValkeyCache extends PlatformComponent {
    /** Where clients write: the primary endpoint, or the configuration endpoint in cluster mode. */
    public readonly primaryEndpoint: pulumi.Output<string>;
    /**
     * Where clients read: the reader endpoint (spread over the replicas). In cluster mode there is
     * none: the configuration endpoint again, and cluster clients read from replicas with READONLY.
     */
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: number;
    /** Secrets Manager secret holding `{ username, password }` (RBAC) or `{ authToken }` (token). */
    public readonly authSecretArn: pulumi.Output<string>;
    /** The application's user name; undefined with token auth. */
    public readonly username: string | undefined;
    public readonly replicationGroupId: pulumi.Output<string>;
    /** The replication group's id as a plain string (known before deployment). */
    public readonly replicationGroupName: string;
    /** CacheClusterId of every node (`<group>-001`, …): the dimension of per-node metrics. */
    public readonly nodeIds: readonly string[];

    constructor(name: string, args: ValkeyCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:ValkeyCache", name, { ...args, component: "valkey-cache", problems: cacheProblems(args) }, opts);

        const ctx = this.context(name, args);
        const subnetGroup = this.subnetGroup(ctx);
        const parameterGroup = this.parameterGroup(ctx);
        const slowLog = this.slowLogGroup(ctx);
        const credentials = (args.auth ?? "rbac") === "rbac" ? this.rbacCredentials(ctx) : this.tokenCredentials(ctx);
        const group = this.replicationGroup(ctx, { subnetGroup, parameterGroup, slowLog, credentials });

        const endpoint = ctx.topology.clusterMode ? group.configurationEndpointAddress : group.primaryEndpointAddress;
        this.primaryEndpoint = endpoint;
        this.readerEndpoint = ctx.topology.clusterMode ? endpoint : group.readerEndpointAddress;
        this.port = args.port ?? DEFAULT_CACHE_PORT;
        this.authSecretArn = credentials.secretArn;
        this.username = credentials.username;
        this.replicationGroupId = group.id;
        this.replicationGroupName = ctx.scoped(ctx.names.replicationGroup);
        this.nodeIds = memberClusterIds(this.replicationGroupName, ctx.topology);
        this.registerOutputs({
            primaryEndpoint: this.primaryEndpoint,
            readerEndpoint: this.readerEndpoint,
            port: this.port,
            authSecretArn: this.authSecretArn,
            username: this.username,
            replicationGroupId: this.replicationGroupId,
        });
    }

    private context(name: string, args: ValkeyCacheArgs): StepContext {
        const cacheName = args.name ?? DEFAULT_CACHE_NAME;
        return {
            name,
            args,
            cacheName,
            topology: cacheTopology(args),
            names: cacheNames(cacheName, parameterGroupFamily(args.engine, args.engineVersion)),
            scoped: ({ kind, parts }) => args.naming.scoped(kind, ...parts),
            tagsFor: (resourceName) => this.tagsFor(resourceName),
        };
    }

    private subnetGroup(ctx: StepContext): aws.elasticache.SubnetGroup {
        const groupName = ctx.scoped(ctx.names.subnetGroup);
        return new aws.elasticache.SubnetGroup(
            `${ctx.name}-subnets`,
            {
                name: groupName,
                description: `Data-tier subnets of ${ctx.scoped(ctx.names.replicationGroup)}`,
                subnetIds: ctx.args.subnets.map((s) => s.id),
                tags: ctx.tagsFor(groupName),
            },
            { parent: this },
        );
    }

    /** The engine's family; `cluster-enabled yes` in cluster mode, then the extra parameters, sorted. */
    private parameterGroup(ctx: StepContext): aws.elasticache.ParameterGroup {
        const groupName = ctx.scoped(ctx.names.parameterGroup);
        const parameters: Record<string, string> = { ...ctx.args.parameters, ...(ctx.topology.clusterMode ? { "cluster-enabled": "yes" } : {}) };
        return new aws.elasticache.ParameterGroup(
            `${ctx.name}-parameters`,
            {
                name: groupName,
                family: parameterGroupFamily(ctx.args.engine, ctx.args.engineVersion),
                description: `Parameters of ${ctx.scoped(ctx.names.replicationGroup)}`,
                parameters: Object.keys(parameters)
                    .sort()
                    .map((key) => ({ name: key, value: parameters[key] })),
                tags: ctx.tagsFor(groupName),
            },
            { parent: this },
        );
    }

    private slowLogGroup(ctx: StepContext): aws.cloudwatch.LogGroup {
        const logGroupName = ctx.args.naming.logGroup("elasticache", ctx.cacheName, "slow-log");
        return new aws.cloudwatch.LogGroup(
            `${ctx.name}-slow-log`,
            { name: logGroupName, retentionInDays: ctx.args.logRetentionDays, tags: ctx.tagsFor(logGroupName) },
            { parent: this },
        );
    }

    /**
     * A user group of a disabled `default` user and the application's user; the application's
     * password goes to Secrets Manager as `{ username, password }`.
     */
    private rbacCredentials(ctx: StepContext): Credentials {
        const engine = ctx.args.engine;
        const defaultUserId = ctx.scoped(ctx.names.defaultUser);
        const defaultUser = new aws.elasticache.User(
            `${ctx.name}-default-user`,
            {
                userId: defaultUserId,
                userName: "default",
                engine,
                accessString: DEFAULT_USER_ACCESS_STRING,
                // ElastiCache wants a password or IAM for every user; this one is never used.
                authenticationMode: { type: "password", passwords: [this.password(ctx, "default-user-password")] },
                tags: ctx.tagsFor(defaultUserId),
            },
            { parent: this },
        );
        const username = ctx.scoped(ctx.names.appUser);
        const password = this.password(ctx, "app-password");
        const appUser = new aws.elasticache.User(
            `${ctx.name}-app-user`,
            {
                userId: username,
                userName: username,
                engine,
                accessString: APP_ACCESS_STRING,
                authenticationMode: { type: "password", passwords: [password] },
                tags: ctx.tagsFor(username),
            },
            { parent: this },
        );
        const userGroupId = ctx.scoped(ctx.names.userGroup);
        const userGroup = new aws.elasticache.UserGroup(
            `${ctx.name}-users`,
            { userGroupId, engine, userIds: [defaultUser.userId, appUser.userId], tags: ctx.tagsFor(userGroupId) },
            { parent: this },
        );
        const secretArn = this.authSecret(ctx, pulumi.jsonStringify({ username, password }));
        return { userGroupIds: [userGroup.id], secretArn, username };
    }

    /** One AUTH token, stored in Secrets Manager as `{ authToken }`. */
    private tokenCredentials(ctx: StepContext): Credentials {
        const authToken = this.password(ctx, "auth-token");
        return { authToken, secretArn: this.authSecret(ctx, pulumi.jsonStringify({ authToken })) };
    }

    /** A generated password ElastiCache accepts, only ever handled as a secret. */
    private password(ctx: StepContext, purpose: string): pulumi.Output<string> {
        const generated = new random.RandomPassword(`${ctx.name}-${purpose}`, { ...GENERATED_PASSWORD }, { parent: this });
        return pulumi.secret(generated.result);
    }

    /** `<prefix>-<env>/<name>/auth`, holding the credentials as JSON (secret, since its parts are). */
    private authSecret(ctx: StepContext, secretString: pulumi.Output<string>): pulumi.Output<string> {
        const secretName = authSecretName(ctx.args.naming, ctx.cacheName);
        const secret = new aws.secretsmanager.Secret(
            `${ctx.name}-auth`,
            {
                name: secretName,
                description: `How clients authenticate to ElastiCache ${ctx.scoped(ctx.names.replicationGroup)}`,
                recoveryWindowInDays: ctx.args.secretRecoveryWindowDays ?? 30,
                tags: ctx.tagsFor(secretName),
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(`${ctx.name}-auth-value`, { secretId: secret.id, secretString }, { parent: this });
        return secret.arn;
    }

    private replicationGroup(ctx: StepContext, parts: GroupParts): aws.elasticache.ReplicationGroup {
        const { args, topology } = ctx;
        const groupId = ctx.scoped(ctx.names.replicationGroup);
        return new aws.elasticache.ReplicationGroup(
            `${ctx.name}-replication-group`,
            {
                replicationGroupId: groupId,
                description: `${ENGINE_TITLES[args.engine]} ${args.engineVersion} of ${args.naming.stem} (${ctx.cacheName})`,
                engine: args.engine,
                engineVersion: args.engineVersion,
                nodeType: args.nodeType,
                port: args.port ?? DEFAULT_CACHE_PORT,
                ...groupShape(topology, placementAzs(args)),
                automaticFailoverEnabled: topology.automaticFailover,
                multiAzEnabled: topology.multiAz,
                subnetGroupName: parts.subnetGroup.name,
                securityGroupIds: args.securityGroupIds,
                parameterGroupName: parts.parameterGroup.name,
                atRestEncryptionEnabled: true,
                ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
                // TLS from creation on: ElastiCache then requires it (mode `required`) on every version.
                transitEncryptionEnabled: true,
                ...(parts.credentials.userGroupIds ? { userGroupIds: parts.credentials.userGroupIds } : {}),
                ...(parts.credentials.authToken ? { authToken: parts.credentials.authToken } : {}),
                snapshotRetentionLimit: args.snapshot.retentionDays,
                snapshotWindow: args.snapshot.window,
                maintenanceWindow: args.maintenanceWindow,
                autoMinorVersionUpgrade: true,
                logDeliveryConfigurations: [{ destination: parts.slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
                tags: ctx.tagsFor(groupId),
            },
            { parent: this },
        );
    }
}

interface GroupParts {
    readonly subnetGroup: aws.elasticache.SubnetGroup;
    readonly parameterGroup: aws.elasticache.ParameterGroup;
    readonly slowLog: aws.cloudwatch.LogGroup;
    readonly credentials: Credentials;
}

/**
 * Shards and node placement: in cluster mode the shards and where each shard's nodes go; without
 * it the node count and one AZ per node, primary first. (`clusterMode` then stays unset, AWS's
 * default on every engine version.)
 */
function groupShape(topology: CacheTopology, azs: readonly string[]) {
    // `azs`: the configured placement order, or the subnets' distinct AZs in order.
    if (!topology.clusterMode) {
        return { numCacheClusters: topology.totalNodes, preferredCacheClusterAzs: placeNodes(azs, topology.totalNodes) };
    }
    const replicasPerShard = topology.nodesPerShard - 1;
    return {
        clusterMode: "enabled",
        numNodeGroups: topology.shards,
        replicasPerNodeGroup: replicasPerShard,
        nodeGroupConfigurations: placeShards(azs, topology.shards, replicasPerShard).map((shard) => ({
            nodeGroupId: shard.nodeGroupId,
            primaryAvailabilityZone: shard.primaryAz,
            replicaAvailabilityZones: [...shard.replicaAzs],
            replicaCount: shard.replicaAzs.length,
        })),
    };
}

