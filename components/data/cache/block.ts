/**
 * The cache block (`platform:cache`): an ElastiCache replication group (Valkey or Redis OSS) in
 * the data tier (or the private tier, `subnetTier`) behind the `cache` security group. Consumers that list `cache` in their
 * `connectsTo` get its endpoints as environment and its credentials as secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Problem } from "../../../lib/problems";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { networkBlock } from "../../network/vpc/block";
import { CACHE_THRESHOLDS, cacheAlarms } from "./alarms";
import { CACHE_ENGINES, DEFAULT_CACHE_PORT, cacheProblems, cacheTopology } from "./cache";

/** The subnet tiers a cache may live in. */
const CACHE_TIERS = ["data", "private"] as const;
import { ValkeyCache } from "./valkey-cache";

const CacheSchema = z
    .strictObject({
        engine: z.enum(CACHE_ENGINES).default("valkey").describe("Valkey (7.2, 8.0, 8.1) or Redis OSS (6.2, 7.0, 7.1)."),
        subnetTier: z
            .enum(CACHE_TIERS)
            .default("data")
            .describe("The subnets its nodes live in: `data` (no route out at all) or `private` (for a stack without a data tier; the security group still admits only the consumers, and the nodes have no egress)."),
        engineVersion: z.string().describe("Major.minor, one ElastiCache offers for the engine."),
        nodeType: z.string().describe("`cache.<family>.<size>`, e.g. `cache.t4g.micro`."),
        port: z.number().int().optional().describe("Port the nodes listen on. Default: 6379."),
        nodes: z.number().int().optional().describe("Without cluster mode: a primary and up to 5 replicas (1–6), replicas in other AZs than the primary. Default: 1."),
        clusterMode: z
            .strictObject({
                shards: z.number().int().describe("Shards, 1–500."),
                replicasPerShard: z.number().int().describe("Replicas in each shard, 1–5 (cluster mode needs failover)."),
            })
            .optional()
            .describe("Data sharded over shards; exclusive with `nodes`. Default: off."),
        automaticFailover: z.boolean().optional().describe("Promote a replica when a primary fails; needs ≥ 2 nodes; prod: on. Default: on with a replica."),
        multiAz: z.boolean().optional().describe("Fail over across AZs; needs automatic failover; prod: on. Default: `automaticFailover`."),
        azs: z
            .array(z.string())
            .optional()
            .describe(
                "The AZs in placement order: the primary's first, then the replicas' (round-robin over the others); in cluster mode shard i's primary in the i-th (mod n), its replicas in the AZs after it. Distinct AZs of the subnet tier, ≥ 2 with failover or Multi-AZ. Default: the tier's AZs in order.",
            ),
        auth: z
            .enum(["rbac", "token"])
            .default("rbac")
            .describe("RBAC (a disabled `default` user and an app user) or one AUTH token; the generated password lives only in Pulumi secrets and Secrets Manager."),
        snapshot: z
            .strictObject({
                retentionDays: z.number().int().describe("0–35 days; prod ≥ 1."),
                window: z.string().describe("Daily `hh:mm-hh:mm` UTC, ≥ 60 minutes, not overlapping maintenance."),
            })
            .describe("Daily snapshots."),
        maintenanceWindow: z.string().describe("Weekly `ddd:hh:mm-ddd:hh:mm` UTC, ≥ 60 minutes."),
        parameters: z.record(z.string(), z.string()).optional().describe("Extra parameters; `cluster-enabled` comes from `clusterMode`."),
        kmsKeyArn: z.string().optional().describe("KMS key for encryption at rest. Default: the AWS managed key."),
    })
    .describe("An ElastiCache replication group, encrypted at rest and in transit, with authentication.");

export type CacheConfig = z.output<typeof CacheSchema>;

export const cacheBlock = defineBlock({
    name: "cache",
    keys: ["cache"],
    requires: [networkBlock],
    schema: () => singleKey("cache", CacheSchema),
    thresholds: CACHE_THRESHOLDS,

    rules(cache, view): Problem[] {
        const tier = cache.subnetTier;
        const subnets = view.config(networkBlock)?.subnets[tier] ?? [];
        if (subnets.length === 0) {
            return [{ path: ["network", "subnets", tier], message: `is empty; platform:cache lives in the ${tier} subnets (platform:cache.subnetTier)` }];
        }
        const problems = argumentProblemsAt("cache", cacheProblems({ ...cache, naming: view.stack.naming, subnets, logRetentionDays: view.stack.logRetentionDays }), {
            name: (p) => ({ path: ["name"], message: `${JSON.stringify(view.stack.name)} makes a cache name AWS refuses: ${p.message}` }),
            subnets: (p) => ({ path: ["network", "subnets", tier], message: `${p.message} (for platform:cache, subnetTier ${JSON.stringify(tier)})` }),
            // The slow log's retention is platform:logs.retentionDays, checked on its own.
            logRetentionDays: null,
        });
        if (view.stack.env === "prod") {
            const topology = cacheTopology(cache);
            if (!topology.automaticFailover || !topology.multiAz) {
                problems.push({ path: ["cache"], message: "runs without automatic failover and Multi-AZ; prod needs both, with replicas in other AZs (security baseline)" });
            }
            if (cache.snapshot.retentionDays < 1) {
                problems.push({ path: ["cache", "snapshot", "retentionDays"], message: `${cache.snapshot.retentionDays} keeps no snapshot; prod keeps at least 1 day (security baseline)` });
            }
        }
        return problems;
    },

    securityGroups: () => ({ groups: [{ name: "cache", description: "Cache: in from the services only, no egress" }] }),

    store: {
        label: "the cache",
        group: "cache",
        ports: (cache) => [cache.port ?? DEFAULT_CACHE_PORT],
        variables: ["CACHE_HOST", "CACHE_READER_HOST", "CACHE_PORT", "CACHE_TLS", "CACHE_USERNAME", "CACHE_PASSWORD", "CACHE_AUTH_TOKEN"],
        connection: (cache: ValkeyCache) => ({
            environment: {
                CACHE_HOST: cache.primaryEndpoint,
                CACHE_READER_HOST: cache.readerEndpoint,
                CACHE_PORT: String(cache.port),
                // In-transit encryption is always on: clients must connect with TLS.
                CACHE_TLS: "true",
                ...(cache.username ? { CACHE_USERNAME: cache.username } : {}),
            },
            secrets: cache.username
                ? { CACHE_PASSWORD: pulumi.interpolate`${cache.authSecretArn}:password::` }
                : ({ CACHE_AUTH_TOKEN: pulumi.interpolate`${cache.authSecretArn}:authToken::` } as Record<string, pulumi.Output<string>>),
        }),
    },

    build(cache: CacheConfig, ctx: BuildContext): ValkeyCache {
        return new ValkeyCache("cache", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            ...cache,
            subnets: ctx.need(networkBlock).subnets.filter((s) => s.tier === cache.subnetTier).map((s) => ({ id: s.id, az: s.az })),
            securityGroupIds: [ctx.securityGroupId("cache")],
            logRetentionDays: ctx.stack.logRetentionDays,
            // dev is disposable: a destroyed stack must be able to come back under the same names.
            secretRecoveryWindowDays: ctx.stack.env === "prod" ? 30 : 0,
        });
    },

    outputs: (cache) => ({
        cacheEndpoint: cache.primaryEndpoint,
        cacheReaderEndpoint: cache.readerEndpoint,
        cachePort: cache.port,
        cacheAuthSecretArn: cache.authSecretArn,
    }),

    alarms: (cache, _config, thresholds) => ({
        rank: 40,
        title: "Cache",
        specs: cache.nodeIds.flatMap((node) => cacheAlarms(node, node.slice(cache.replicationGroupName.length + 1), thresholds)),
    }),
});
