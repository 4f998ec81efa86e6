/**
 * ElastiCache (Valkey and Redis OSS) rules, as plain functions: the engine versions ElastiCache
 * offers and the parameter group family of each, the shape of node types, where the nodes of a
 * replication group go, what a generated password may contain, and every rule the arguments of
 * a ValkeyCache must satisfy (AWS limits, security baseline).
 */
import { kmsKeyArnProblem, logRetentionProblem } from "../../../lib/aws-limits";
import { NameKind, Naming, nameProblem } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { windowProblems } from "../../../lib/windows";

export const CACHE_ENGINES = ["valkey", "redis"] as const;
export type CacheEngine = (typeof CACHE_ENGINES)[number];

/**
 * Engine versions ElastiCache offers for new replication groups, and the parameter group family
 * each belongs to. Source: ElastiCache User Guide, "Supported engines and versions" and
 * "Parameter groups by engine version" (`valkey8`, `valkey7`, `redis7`, `redis6.x`).
 */
export const ENGINE_VERSIONS: Readonly<Record<CacheEngine, Readonly<Record<string, string>>>> = {
    valkey: { "7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8" },
    redis: { "6.2": "redis6.x", "7.0": "redis7", "7.1": "redis7" },
};

/** How clients authenticate: RBAC users in a user group, or one AUTH token. Both need TLS. */
export type CacheAuth = "rbac" | "token";

export function isCacheEngine(engine: string): engine is CacheEngine {
    return (CACHE_ENGINES as readonly string[]).includes(engine);
}

/** The versions ElastiCache offers for `engine`, oldest first. */
export function engineVersions(engine: CacheEngine): string[] {
    return Object.keys(ENGINE_VERSIONS[engine]);
}

/** Why `engine` / `version` is not something ElastiCache offers, or undefined when it is. */
export function engineVersionProblem(engine: string, version: string): Problem | undefined {
    if (!isCacheEngine(engine)) {
        return { path: ["engine"], message: `${showValue(engine)} is not an engine this component runs; use ${CACHE_ENGINES.join(" or ")}` };
    }
    if (ENGINE_VERSIONS[engine][version] === undefined) {
        return {
            path: ["engineVersion"],
            message: `${showValue(version)} is not a ${engine} version ElastiCache offers; use one of ${engineVersions(engine).join(", ")}`,
        };
    }
    return undefined;
}

/** The parameter group family of a version ElastiCache offers, e.g. valkey 8.0 → `valkey8`. */
export function parameterGroupFamily(engine: CacheEngine, version: string): string {
    const family = ENGINE_VERSIONS[engine][version];
    if (family === undefined) {
        throw new Error(`no parameter group family for ${engine} ${version}; known versions: ${engineVersions(engine).join(", ")}`);
    }
    return family;
}

/** `cache.<family>.<size>`: cache.t4g.micro, cache.r7g.large, cache.r6gd.2xlarge. */
const NODE_TYPE = /^cache\.[a-z]+\d+[a-z]*\.\d*[a-z]+$/;

export function nodeTypeProblem(nodeType: string): string | undefined {
    return NODE_TYPE.test(nodeType) ? undefined : `${showValue(nodeType)} is not a node type; use cache.<family>.<size>, e.g. cache.t4g.micro or cache.r7g.large`;
}

// ---------------------------------------------------------------------------------------------
// Placement.
// ---------------------------------------------------------------------------------------------

/** The distinct AZs of `subnets`, in the order they first appear. */
export function distinctAzs(subnets: ReadonlyArray<{ readonly az: string }>): string[] {
    return [...new Set(subnets.map((s) => s.az))];
}

/**
 * The AZs nodes are placed over, in order: the configured `azs` (checked by the rules), or the
 * distinct AZs of the subnets in the order they first appear.
 */
export function placementAzs(spec: { readonly subnets: ReadonlyArray<{ readonly az: string }>; readonly azs?: readonly string[] }): string[] {
    return spec.azs !== undefined ? [...spec.azs] : distinctAzs(spec.subnets);
}

/** `count` replica AZs for a primary in `azs[primary]`: the other AZs in turn, from the one after it. */
function replicaAzs(azs: readonly string[], primary: number, count: number): string[] {
    const others = [...azs.slice(primary + 1), ...azs.slice(0, primary)];
    const pool = others.length > 0 ? others : [azs[primary]];
    return Array.from({ length: count }, (_, i) => pool[i % pool.length]);
}

/**
 * One AZ per node of a replication group without cluster mode (`preferredCacheClusterAzs`):
 * the primary in the first AZ, the replicas round-robin over the other AZs.
 */
export function placeNodes(azs: readonly string[], nodes: number): string[] {
    if (azs.length === 0 || nodes < 1) {
        return [];
    }
    return [azs[0], ...replicaAzs(azs, 0, nodes - 1)];
}

/** Where one shard's nodes go (`nodeGroupConfigurations`). */
export interface ShardPlacement {
    /** `0001`, `0002`, …: ElastiCache's own numbering, 1–4 alphanumeric characters. */
    readonly nodeGroupId: string;
    readonly primaryAz: string;
    readonly replicaAzs: readonly string[];
}

/**
 * Shards in cluster mode: shard i's primary in AZ i (round-robin), its replicas round-robin over
 * the other AZs from the one after the primary's, so primaries and replicas both spread.
 */
export function placeShards(azs: readonly string[], shards: number, replicasPerShard: number): ShardPlacement[] {
    if (azs.length === 0) {
        return [];
    }
    return Array.from({ length: shards }, (_, i) => {
        const primary = i % azs.length;
        return { nodeGroupId: String(i + 1).padStart(4, "0"), primaryAz: azs[primary], replicaAzs: replicaAzs(azs, primary, replicasPerShard) };
    });
}

// ---------------------------------------------------------------------------------------------
// Topology.
// ---------------------------------------------------------------------------------------------

export const NODES_RANGE = { min: 1, max: 6 } as const;
export const SHARDS_RANGE = { min: 1, max: 500 } as const;
export const REPLICAS_PER_SHARD_RANGE = { min: 0, max: 5 } as const;
export const SNAPSHOT_RETENTION_RANGE = { min: 0, max: 35 } as const;
/** ElastiCache's minimum snapshot and maintenance window. */
export const WINDOW_MIN_MINUTES = 60;

/** What a replication group's shape resolves to, defaults applied. */
export interface CacheTopology {
    readonly clusterMode: boolean;
    readonly shards: number;
    readonly nodesPerShard: number;
    readonly totalNodes: number;
    readonly automaticFailover: boolean;
    readonly multiAz: boolean;
}

export interface TopologyArgs {
    readonly nodes?: number;
    readonly clusterMode?: { readonly shards: number; readonly replicasPerShard: number };
    readonly automaticFailover?: boolean;
    readonly multiAz?: boolean;
}

/**
 * Shards and nodes; automatic failover defaults to on when a shard has a replica to fail over
 * to, Multi-AZ to whatever automatic failover is.
 */
export function cacheTopology(args: TopologyArgs): CacheTopology {
    const clusterMode = args.clusterMode !== undefined;
    const shards = args.clusterMode?.shards ?? 1;
    const nodesPerShard = args.clusterMode ? args.clusterMode.replicasPerShard + 1 : (args.nodes ?? 1);
    const automaticFailover = args.automaticFailover ?? nodesPerShard > 1;
    return { clusterMode, shards, nodesPerShard, totalNodes: shards * nodesPerShard, automaticFailover, multiAz: args.multiAz ?? automaticFailover };
}

/**
 * The CacheClusterId of every node, as ElastiCache names them: `<group>-001`, `<group>-002`, …
 * or, in cluster mode, `<group>-0001-001` (shard, then node). Per-node metrics carry these.
 */
export function memberClusterIds(groupId: string, topology: CacheTopology): string[] {
    const node = (i: number) => String(i + 1).padStart(3, "0");
    if (!topology.clusterMode) {
        return Array.from({ length: topology.totalNodes }, (_, i) => `${groupId}-${node(i)}`);
    }
    return Array.from({ length: topology.shards }, (_, shard) =>
        Array.from({ length: topology.nodesPerShard }, (_, i) => `${groupId}-${String(shard + 1).padStart(4, "0")}-${node(i)}`),
    ).flat();
}

// ---------------------------------------------------------------------------------------------
// Names.
// ---------------------------------------------------------------------------------------------

/** A physical name of a cache part: `naming.scoped(kind, ...parts)`. */
export interface ScopedName {
    readonly kind: NameKind;
    readonly parts: readonly string[];
}

export interface CacheNames {
    /** `<prefix>-<env>-<name>`: at most 40 characters, lowercase. */
    readonly replicationGroup: ScopedName;
    readonly subnetGroup: ScopedName;
    /** Carries the family, so a major upgrade creates the new group beside the one still in use. */
    readonly parameterGroup: ScopedName;
    readonly userGroup: ScopedName;
    /** Id of the disabled `default` user every user group must hold. */
    readonly defaultUser: ScopedName;
    /** Id and user name of the application's user. */
    readonly appUser: ScopedName;
}

export function cacheNames(name: string, family: string): CacheNames {
    return {
        replicationGroup: { kind: "elasticacheReplicationGroup", parts: [name] },
        subnetGroup: { kind: "elasticacheSubnetGroup", parts: [name] },
        parameterGroup: { kind: "elasticacheParameterGroup", parts: [name, family.replace(/\./g, "-")] },
        userGroup: { kind: "elasticacheUser", parts: [name] },
        defaultUser: { kind: "elasticacheUser", parts: [name, "default"] },
        appUser: { kind: "elasticacheUser", parts: [name, "app"] },
    };
}

/** The Secrets Manager name of the cache's credentials: `<prefix>-<env>/<name>/auth`. */
export function authSecretName(naming: Naming, name: string): string {
    return [naming.stem, name, "auth"].join("/");
}

// ---------------------------------------------------------------------------------------------
// Passwords.
// ---------------------------------------------------------------------------------------------

/**
 * The only non-alphanumeric characters an AUTH token may hold; RBAC passwords accept them too
 * (they refuse only spaces, `"`, `/` and `@`). Source: ElastiCache User Guide, "Authenticating
 * with the Valkey and Redis OSS AUTH command" and "Role-Based Access Control".
 */
export const PASSWORD_SPECIALS = "!&#$^<>-";
export const PASSWORD_LENGTH = { min: 16, max: 128 } as const;

/** `random.RandomPassword` arguments for every generated cache password: 32 characters, all four kinds. */
export const GENERATED_PASSWORD = {
    length: 32,
    special: true,
    overrideSpecial: PASSWORD_SPECIALS,
    minUpper: 1,
    minLower: 1,
    minNumeric: 1,
    minSpecial: 1,
} as const;

/** Why ElastiCache would refuse `password` as an RBAC password or an AUTH token, or undefined. */
export function passwordProblem(password: string, auth: CacheAuth): string | undefined {
    if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
        return `is ${password.length} characters; ElastiCache needs ${PASSWORD_LENGTH.min}–${PASSWORD_LENGTH.max}`;
    }
    if (!/^[\x21-\x7e]+$/.test(password)) {
        return "holds a space or a character that is not printable ASCII";
    }
    const refused = auth === "token" ? /[^A-Za-z0-9!&#$^<>-]/ : /["/@]/;
    const found = refused.exec(password);
    if (found) {
        const allowed = auth === "token" ? `letters, digits and ${PASSWORD_SPECIALS}` : 'printable characters except space, ", / and @';
        return `holds ${JSON.stringify(found[0])}; an ${auth === "token" ? "AUTH token" : "RBAC password"} may hold ${allowed}`;
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

/** Everything the rules look at; a ValkeyCache's arguments are one. */
export interface CacheSpec extends TopologyArgs {
    readonly naming: Naming;
    /** @default "cache" */
    readonly name?: string;
    readonly engine: string;
    readonly engineVersion: string;
    readonly nodeType: string;
    /** @default 6379 */
    readonly port?: number;
    readonly subnets: ReadonlyArray<{ readonly az: string }>;
    /**
     * The AZs in placement order: the primary's first, then the replicas' (round-robin over the
     * others); in cluster mode shard i's primary in `azs[i % n]`. Distinct AZs of `subnets`.
     * @default the distinct AZs of `subnets`, in order
     */
    readonly azs?: readonly string[];
    /** The subnets' tier (`data`, `private`), named in messages about them. */
    readonly subnetTier?: string;
    /** @default "rbac" */
    readonly auth?: CacheAuth;
    readonly snapshot: { readonly retentionDays: number; readonly window: string };
    readonly maintenanceWindow: string;
    readonly logRetentionDays: number;
    readonly parameters?: Readonly<Record<string, string>>;
    readonly kmsKeyArn?: string;
    readonly secretRecoveryWindowDays?: number;
}

export const DEFAULT_CACHE_NAME = "cache";
export const DEFAULT_CACHE_PORT = 6379;
/** Set by the component from `clusterMode`; config may not set it. */
const CLUSTER_ENABLED = "cluster-enabled";

const isWhole = (value: number, range: { min: number; max: number }) => Number.isInteger(value) && value >= range.min && value <= range.max;

/** Every rule of AWS's limits and the security baseline a cache must satisfy, each problem at its argument's path. */
export function cacheProblems(spec: CacheSpec): Problem[] {
    const problems: Problem[] = [];
    const version = engineVersionProblem(spec.engine, spec.engineVersion);
    if (version) {
        problems.push(version);
    }
    const nodeType = nodeTypeProblem(spec.nodeType);
    if (nodeType) {
        problems.push({ path: ["nodeType"], message: nodeType });
    }
    const port = spec.port ?? DEFAULT_CACHE_PORT;
    if (!isWhole(port, { min: 1, max: 65535 })) {
        problems.push({ path: ["port"], message: `${port} is not a port; use 1–65535` });
    }
    problems.push(...topologyProblems(spec));
    problems.push(...nameProblems(spec));
    if (!isWhole(spec.snapshot.retentionDays, SNAPSHOT_RETENTION_RANGE)) {
        problems.push({
            path: ["snapshot", "retentionDays"],
            message: `${spec.snapshot.retentionDays} is not a snapshot retention; use ${SNAPSHOT_RETENTION_RANGE.min}–${SNAPSHOT_RETENTION_RANGE.max} days (0 keeps no snapshot)`,
        });
    }
    problems.push(
        ...windowProblems({
            daily: { path: ["snapshot", "window"], text: spec.snapshot.window, minMinutes: WINDOW_MIN_MINUTES },
            weekly: { path: ["maintenanceWindow"], text: spec.maintenanceWindow, minMinutes: WINDOW_MIN_MINUTES },
        }),
    );
    const retention = logRetentionProblem(spec.logRetentionDays);
    if (retention) {
        problems.push({ path: ["logRetentionDays"], message: retention });
    }
    if (spec.parameters && Object.prototype.hasOwnProperty.call(spec.parameters, CLUSTER_ENABLED)) {
        problems.push({ path: ["parameters", CLUSTER_ENABLED], message: `is set from clusterMode (yes with it, no without); leave it out of parameters` });
    }
    const recovery = spec.secretRecoveryWindowDays;
    if (recovery !== undefined && recovery !== 0 && !isWhole(recovery, { min: 7, max: 30 })) {
        problems.push({ path: ["secretRecoveryWindowDays"], message: `${recovery} is not a recovery window; use 7–30 days, or 0 to delete the secret at once` });
    }
    const kms = spec.kmsKeyArn === undefined ? undefined : kmsKeyArnProblem(spec.kmsKeyArn);
    if (kms) {
        problems.push({ path: ["kmsKeyArn"], message: kms });
    }
    return problems;
}

/** Node counts, failover, Multi-AZ and the AZs the subnets offer. */
function topologyProblems(spec: CacheSpec): Problem[] {
    const problems: Problem[] = [];
    const { clusterMode } = spec;
    if (spec.nodes !== undefined && clusterMode !== undefined) {
        problems.push({ path: ["nodes"], message: "is exclusive with clusterMode; give nodes without cluster mode, or clusterMode's shards and replicasPerShard" });
    }
    if (spec.nodes !== undefined && !isWhole(spec.nodes, NODES_RANGE)) {
        problems.push({ path: ["nodes"], message: `${spec.nodes} is not a node count; use ${NODES_RANGE.min}–${NODES_RANGE.max} (a primary and up to 5 replicas)` });
    }
    if (clusterMode && !isWhole(clusterMode.shards, SHARDS_RANGE)) {
        problems.push({ path: ["clusterMode", "shards"], message: `${clusterMode.shards} is not a shard count; use ${SHARDS_RANGE.min}–${SHARDS_RANGE.max}` });
    }
    if (clusterMode && !isWhole(clusterMode.replicasPerShard, REPLICAS_PER_SHARD_RANGE)) {
        problems.push({
            path: ["clusterMode", "replicasPerShard"],
            message: `${clusterMode.replicasPerShard} is not a replica count; use ${REPLICAS_PER_SHARD_RANGE.min}–${REPLICAS_PER_SHARD_RANGE.max}`,
        });
    }
    const topology = cacheTopology(spec);
    if (topology.automaticFailover && topology.nodesPerShard < 2) {
        problems.push({
            path: ["automaticFailover"],
            message: clusterMode
                ? `true needs at least 2 nodes per shard (a primary and a replica); clusterMode.replicasPerShard is ${clusterMode.replicasPerShard}`
                : `true needs at least 2 nodes (a primary and a replica); nodes is ${topology.nodesPerShard}`,
        });
    }
    if (clusterMode && !topology.automaticFailover) {
        problems.push({
            path: ["clusterMode"],
            message: "ElastiCache refuses cluster mode without automatic failover; give each shard a replica (replicasPerShard ≥ 1) and leave automaticFailover on",
        });
    }
    if (topology.multiAz && !topology.automaticFailover) {
        problems.push({ path: ["multiAz"], message: "true needs automatic failover (an ElastiCache rule); automaticFailover is false" });
    }
    const azs = distinctAzs(spec.subnets);
    if (spec.azs !== undefined && azs.length > 0) {
        problems.push(...placementProblems(spec.azs, azs, topology, spec.subnetTier));
    }
    if (azs.length === 0) {
        problems.push({ path: ["subnets"], message: "is empty; give the data-tier subnets and the AZ of each" });
    } else if (azs.length < 2 && (topology.multiAz || topology.totalNodes > 1)) {
        problems.push({
            path: ["subnets"],
            message: `span 1 AZ (${showValue(azs[0])}); Multi-AZ and more than one node need subnets in at least 2 distinct AZs`,
        });
    }
    return problems;
}

/** Why the configured placement order `azs` cannot be used over the subnets' AZs `subnetAzs`. */
function placementProblems(azs: readonly string[], subnetAzs: readonly string[], topology: CacheTopology, tier: string | undefined): Problem[] {
    const problems: Problem[] = [];
    const report = (message: string) => problems.push({ path: ["azs"], message: `${showValue(azs)} ${message}` });
    if (azs.length === 0) {
        report("names no AZ; list the AZs in placement order (the primary's first), or leave azs out to take the subnets' AZs in order");
        return problems;
    }
    const repeated = [...new Set(azs.filter((az, i) => azs.indexOf(az) !== i))];
    if (repeated.length > 0) {
        report(`names ${repeated.map(showValue).join(", ")} more than once; each AZ once, in placement order (the primary's first)`);
    }
    const unknown = [...new Set(azs.filter((az) => !subnetAzs.includes(az)))];
    if (unknown.length > 0) {
        const where = tier === undefined ? "the cache's subnets" : `the cache's subnet tier (${tier})`;
        report(`names ${unknown.map(showValue).join(", ")}, not an AZ of ${where}: ${subnetAzs.map(showValue).join(", ")}`);
    }
    const distinct = new Set(azs).size;
    if (distinct < 2 && (topology.multiAz || topology.automaticFailover)) {
        const what = topology.multiAz ? "Multi-AZ with automatic failover" : "automatic failover";
        report(`names ${distinct} distinct AZ; ${what} needs at least 2, so a replica sits in another AZ than its primary`);
    }
    return problems;
}

/** The replication group id first; the names derived from it once it fits. */
function nameProblems(spec: CacheSpec): Problem[] {
    const name = spec.name ?? DEFAULT_CACHE_NAME;
    const problems: Problem[] = [];
    const groupId = nameProblem("elasticacheReplicationGroup", spec.naming.format("scoped", name));
    if (groupId) {
        return [{ path: ["name"], message: groupId }];
    }
    const engine = isCacheEngine(spec.engine) ? spec.engine : undefined;
    const family = engine && ENGINE_VERSIONS[engine][spec.engineVersion];
    const names = cacheNames(name, family ?? "family");
    const derived: ScopedName[] = [names.subnetGroup, names.parameterGroup];
    if ((spec.auth ?? "rbac") === "rbac") {
        derived.push(names.userGroup, names.defaultUser, names.appUser);
    }
    for (const { kind, parts } of derived) {
        const problem = nameProblem(kind, spec.naming.format("scoped", ...parts));
        if (problem) {
            problems.push({ path: ["name"], message: problem });
        }
    }
    const secret = nameProblem("secretsManagerSecret", authSecretName(spec.naming, name));
    if (secret) {
        problems.push({ path: ["name"], message: secret });
    }
    return problems;
}
