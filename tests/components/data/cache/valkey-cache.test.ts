import { createHash } from "crypto";
import { expect } from "chai";
import { ValkeyCache, ValkeyCacheArgs } from "../../../../components/data/cache/valkey-cache";
import { LogRetentionDays } from "../../../../lib/aws-limits";
import { Naming } from "../../../../lib/naming";
import { ArgumentError } from "../../../../lib/problems";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView, refusedArguments } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const E = {
    component: "platform:data:ValkeyCache",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
    subnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    parameterGroup: "aws:elasticache/parameterGroup:ParameterGroup",
    user: "aws:elasticache/user:User",
    userGroup: "aws:elasticache/userGroup:UserGroup",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    password: "random:index/randomPassword:RandomPassword",
} as const;

const AZ = { "2a": "ap-northeast-2a", "2b": "ap-northeast-2b", "2c": "ap-northeast-2c" } as const;
const DATA_SUBNETS = {
    "2a": { id: "subnet-0ddddddddddddddd1", az: AZ["2a"] },
    "2b": { id: "subnet-0ddddddddddddddd2", az: AZ["2b"] },
    "2c": { id: "subnet-0ddddddddddddddd3", az: AZ["2c"] },
};
const CACHE_SG = "sg-0ccccccccccccccc1";
const KMS_KEY = `arn:aws:kms:ap-northeast-2:${MOCK_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** System A's dev cache: one Valkey 8.0 cache.t4g.micro node, no failover, data subnets 2a and 2c. */
function cacheArgs(change: Partial<ValkeyCacheArgs> = {}): ValkeyCacheArgs {
    return {
        naming,
        tags,
        engine: "valkey",
        engineVersion: "8.0",
        nodeType: "cache.t4g.micro",
        subnets: [DATA_SUBNETS["2a"], DATA_SUBNETS["2c"]],
        securityGroupIds: [CACHE_SG],
        snapshot: { retentionDays: 1, window: "18:00-19:00" },
        maintenanceWindow: "sun:19:00-sun:20:00",
        logRetentionDays: 7,
        ...change,
    };
}

/** Runs one cache and exports its outputs as the stack's. */
function runCache(args: ValkeyCacheArgs): Promise<RunView> {
    return runView(() => {
        const cache = new ValkeyCache("cache", args);
        return {
            primaryEndpoint: cache.primaryEndpoint,
            readerEndpoint: cache.readerEndpoint,
            port: cache.port,
            authSecretArn: cache.authSecretArn,
            ...(cache.username !== undefined ? { username: cache.username } : {}),
            replicationGroupId: cache.replicationGroupId,
            replicationGroupName: cache.replicationGroupName,
            nodeIds: cache.nodeIds,
        };
    });
}

/** What the mock runtime generates for a RandomPassword (tests/support/mock-runtime.ts). */
function mockPassword(resource: RecordedResource): string {
    const length = Number(resource.inputs.length);
    return createHash("sha256").update(`password::${resource.name}`).digest("hex").slice(0, 64).repeat(4).slice(0, length);
}

/** Inputs whose name says they carry a credential, anywhere in a resource's inputs. */
function credentialInputs(value: unknown, path: string, found: Array<[string, unknown]>): Array<[string, unknown]> {
    if (Array.isArray(value)) {
        value.forEach((item, i) => credentialInputs(item, `${path}[${i}]`, found));
    } else if (value !== null && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
            if (/password|token|secretstring/i.test(key)) {
                found.push([`${path}.${key}`, inner]);
            } else {
                credentialInputs(inner, `${path}.${key}`, found);
            }
        }
    }
    return found;
}

/** Every credential input is `[secret]` (or a list of them), and no generated password appears anywhere in the clear. */
function expectNoPlaintextCredential(view: RunView): void {
    const everything = JSON.stringify(view.resources.map((r) => r.inputs)) + JSON.stringify(view.run.outputs);
    for (const password of view.ofType(E.password)) {
        expect(everything, `${password.name} in the clear`).not.to.include(mockPassword(password));
    }
    for (const r of view.custom.filter((x) => x.type !== E.password)) {
        for (const [path, value] of credentialInputs(r.inputs, r.name, [])) {
            const values = Array.isArray(value) ? value : [value];
            expect(values.length, path).to.be.greaterThan(0);
            expect(values, path).to.satisfy((vs: unknown[]) => vs.every((v) => v === "[secret]"));
        }
    }
}

function problemsOf(args: ValkeyCacheArgs): Promise<string[]> {
    return refusedArguments("ValkeyCache", () => new ValkeyCache("cache", args));
}

describe("components/valkey-cache: system A's dev cache", () => {
    let view: RunView;
    let group: RecordedResource;
    before(async () => {
        view = await runCache(cacheArgs());
        group = view.one(E.group, "cache-replication-group");
    });

    it("registers platform:data:ValkeyCache as the parent of every child", () => {
        const [component] = view.ofType(E.component);
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
        expect(view.custom.map((r) => r.type).sort()).to.deep.equal(
            [E.group, E.subnetGroup, E.parameterGroup, T.logGroup, E.user, E.user, E.userGroup, E.password, E.password, E.secret, E.secretVersion].sort(),
        );
    });

    it("runs one cache.t4g.micro Valkey 8.0 node in 2a, without failover or Multi-AZ", () => {
        expect(group.inputs).to.deep.include({
            replicationGroupId: "goorm-popcorn-dev-cache",
            engine: "valkey",
            engineVersion: "8.0",
            nodeType: "cache.t4g.micro",
            port: 6379,
            numCacheClusters: 1,
            preferredCacheClusterAzs: [AZ["2a"]],
            automaticFailoverEnabled: false,
            multiAzEnabled: false,
            autoMinorVersionUpgrade: true,
        });
        expect(group.inputs.clusterMode).to.equal(undefined);
        expect(group.inputs.numNodeGroups).to.equal(undefined);
        expect(group.inputs.nodeGroupConfigurations).to.equal(undefined);
    });

    it("encrypts at rest with the AWS managed key and requires TLS", () => {
        expect(group.inputs).to.include({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true });
        expect(group.inputs.kmsKeyId).to.equal(undefined);
    });

    it("sits in the data subnets behind the cache security group only", () => {
        const subnetGroup = view.one(E.subnetGroup, "cache-subnets");
        expect(subnetGroup.inputs).to.deep.include({ name: "goorm-popcorn-dev-cache", subnetIds: [DATA_SUBNETS["2a"].id, DATA_SUBNETS["2c"].id] });
        expect(group.inputs.subnetGroupName).to.equal(subnetGroup.id);
        expect(group.inputs.securityGroupIds).to.deep.equal([CACHE_SG]);
    });

    it("uses its own valkey8 parameter group, without cluster mode", () => {
        const parameters = view.one(E.parameterGroup, "cache-parameters");
        expect(parameters.inputs).to.deep.include({ name: "goorm-popcorn-dev-cache-valkey8", family: "valkey8", parameters: [] });
        expect(group.inputs.parameterGroupName).to.equal(parameters.id);
    });

    it("keeps a daily snapshot a day and maintains in the weekly window", () => {
        expect(group.inputs).to.include({ snapshotRetentionLimit: 1, snapshotWindow: "18:00-19:00", maintenanceWindow: "sun:19:00-sun:20:00" });
    });

    it("delivers the slow log as JSON to /aws/elasticache/goorm-popcorn-dev/cache/slow-log, kept 7 days", () => {
        const logGroup = view.one(T.logGroup, "cache-slow-log");
        expect(logGroup.inputs).to.include({ name: "/aws/elasticache/goorm-popcorn-dev/cache/slow-log", retentionInDays: 7 });
        expect(group.inputs.logDeliveryConfigurations).to.deep.equal([
            { destination: "/aws/elasticache/goorm-popcorn-dev/cache/slow-log", destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
        ]);
        // Created after its log group, subnet group, parameter group and user group.
        for (const [type, name] of [[T.logGroup, "cache-slow-log"], [E.subnetGroup, "cache-subnets"], [E.parameterGroup, "cache-parameters"], [E.userGroup, "cache-users"]]) {
            expect(group.options.dependsOn, name).to.include(view.one(type, name).urn);
        }
    });

    it("authenticates with RBAC: a switched-off default user and the app user in the group attached to the cache", () => {
        const defaultUser = view.one(E.user, "cache-default-user");
        expect(defaultUser.inputs).to.deep.include({
            userId: "goorm-popcorn-dev-cache-default",
            userName: "default",
            engine: "valkey",
            accessString: "off -@all",
            authenticationMode: { type: "password", passwords: ["[secret]"] },
        });
        const appUser = view.one(E.user, "cache-app-user");
        expect(appUser.inputs).to.deep.include({
            userId: "goorm-popcorn-dev-cache-app",
            userName: "goorm-popcorn-dev-cache-app",
            engine: "valkey",
            accessString: "on ~* &* +@all -@dangerous +info",
            authenticationMode: { type: "password", passwords: ["[secret]"] },
        });
        const userGroup = view.one(E.userGroup, "cache-users");
        expect(userGroup.inputs).to.deep.include({ userGroupId: "goorm-popcorn-dev-cache", engine: "valkey", userIds: [defaultUser.id, appUser.id] });
        expect(group.inputs.userGroupIds).to.deep.equal([userGroup.id]);
        expect(group.inputs.authToken).to.equal(undefined);
    });

    it("generates the passwords: 32 characters, none ElastiCache refuses", () => {
        const passwords = view.ofType(E.password);
        expect(passwords.map((p) => p.name).sort()).to.deep.equal(["cache-app-password", "cache-default-user-password"]);
        for (const password of passwords) {
            expect(password.inputs).to.include({ length: 32, special: true, overrideSpecial: "!&#$^<>-", minUpper: 1, minLower: 1, minNumeric: 1, minSpecial: 1 });
        }
    });

    it("stores the app user's credentials in the secret goorm-popcorn-dev/cache/auth, as a secret", () => {
        const secret = view.one(E.secret, "cache-auth");
        expect(secret.inputs.name).to.equal("goorm-popcorn-dev/cache/auth");
        expect(view.one(E.secretVersion, "cache-auth-value").inputs).to.deep.equal({ secretId: secret.id, secretString: "[secret]" });
    });

    it("puts no password anywhere in the clear", () => {
        expectNoPlaintextCredential(view);
    });

    it("exports the primary and reader endpoints, the port, the secret, the user name and the node ids", () => {
        const secret = view.one(E.secret, "cache-auth");
        const { primaryEndpoint, readerEndpoint, ...rest } = view.run.outputs;
        expect(primaryEndpoint).to.match(/^master\.goorm-popcorn-dev-cache\.[0-9a-f]{6}\.apn2\.cache\.amazonaws\.com$/);
        expect(readerEndpoint).to.equal(String(primaryEndpoint).replace(/^master\./, "replica."));
        expect(rest).to.deep.equal({ port: 6379, authSecretArn: secret.id, username: "goorm-popcorn-dev-cache-app", replicationGroupId: "goorm-popcorn-dev-cache",
            replicationGroupName: "goorm-popcorn-dev-cache",
            nodeIds: ["goorm-popcorn-dev-cache-001"],
        });
        expect(secret.id).to.match(new RegExp(`^arn:aws:secretsmanager:ap-northeast-2:${MOCK_ACCOUNT_ID}:secret:goorm-popcorn-dev/cache/auth-[A-Za-z0-9]{6}$`));
    });

    it("tags every taggable child with Component=valkey-cache and its own Name", () => {
        const taggable = view.custom.filter((r) => r.type.startsWith("aws:") && isTaggable(r.type));
        expect(taggable.map((r) => r.type).sort()).to.deep.equal([E.group, E.subnetGroup, E.parameterGroup, T.logGroup, E.user, E.user, E.userGroup, E.secret].sort());
        for (const r of taggable) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "valkey-cache", Project: "goorm-popcorn", Environment: "dev", ManagedBy: "pulumi" });
        }
        const nameTag = (type: string, name: string) => (view.one(type, name).inputs.tags as Record<string, string>).Name;
        expect(nameTag(E.group, "cache-replication-group")).to.equal("goorm-popcorn-dev-cache");
        expect(nameTag(E.user, "cache-app-user")).to.equal("goorm-popcorn-dev-cache-app");
        expect(nameTag(E.secret, "cache-auth")).to.equal("goorm-popcorn-dev/cache/auth");
        expect(nameTag(T.logGroup, "cache-slow-log")).to.equal("/aws/elasticache/goorm-popcorn-dev/cache/slow-log");
    });
});

describe("components/valkey-cache: a prod cache over three AZs", () => {
    let group: RecordedResource;
    before(async () => {
        const prod = new Naming("goorm-popcorn", "prod");
        const view = await runCache(
            cacheArgs({
                naming: prod,
                tags: baseTags({ project: "goorm-popcorn", env: "prod", stack: "prod" }),
                nodeType: "cache.r7g.large",
                subnets: [DATA_SUBNETS["2a"], DATA_SUBNETS["2b"], DATA_SUBNETS["2c"]],
                nodes: 3,
                snapshot: { retentionDays: 7, window: "18:00-19:00" },
                logRetentionDays: 90,
            }),
        );
        group = view.one(E.group, "cache-replication-group");
    });

    it("runs a primary in 2a and replicas in 2b and 2c, with automatic failover and Multi-AZ", () => {
        expect(group.inputs).to.deep.include({
            replicationGroupId: "goorm-popcorn-prod-cache",
            nodeType: "cache.r7g.large",
            numCacheClusters: 3,
            preferredCacheClusterAzs: [AZ["2a"], AZ["2b"], AZ["2c"]],
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
        });
    });

    it("keeps snapshots 7 days", () => {
        expect(group.inputs).to.include({ snapshotRetentionLimit: 7, snapshotWindow: "18:00-19:00" });
    });
});

describe("components/valkey-cache: system C in cluster mode (Redis OSS, 2 shards × 1 replica)", () => {
    let view: RunView;
    let group: RecordedResource;
    before(async () => {
        view = await runCache(
            cacheArgs({
                name: "points",
                engine: "redis",
                engineVersion: "7.1",
                nodeType: "cache.r5.large",
                subnets: [DATA_SUBNETS["2a"], DATA_SUBNETS["2b"], DATA_SUBNETS["2c"]],
                clusterMode: { shards: 2, replicasPerShard: 1 },
                parameters: { "maxmemory-policy": "volatile-lru" },
                snapshot: { retentionDays: 7, window: "18:00-19:00" },
            }),
        );
        group = view.one(E.group, "cache-replication-group");
    });

    it("enables cluster mode with two shards, each primary's replica in the next AZ", () => {
        expect(group.inputs).to.deep.include({
            replicationGroupId: "goorm-popcorn-dev-points",
            engine: "redis",
            engineVersion: "7.1",
            clusterMode: "enabled",
            numNodeGroups: 2,
            replicasPerNodeGroup: 1,
            nodeGroupConfigurations: [
                { nodeGroupId: "0001", primaryAvailabilityZone: AZ["2a"], replicaAvailabilityZones: [AZ["2b"]], replicaCount: 1 },
                { nodeGroupId: "0002", primaryAvailabilityZone: AZ["2b"], replicaAvailabilityZones: [AZ["2c"]], replicaCount: 1 },
            ],
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
        });
        expect(group.inputs.numCacheClusters).to.equal(undefined);
        expect(group.inputs.preferredCacheClusterAzs).to.equal(undefined);
    });

    it("uses a redis7 parameter group with cluster-enabled yes and the extra parameters", () => {
        const parameters = view.one(E.parameterGroup, "cache-parameters");
        expect(parameters.inputs).to.deep.include({
            name: "goorm-popcorn-dev-points-redis7",
            family: "redis7",
            parameters: [
                { name: "cluster-enabled", value: "yes" },
                { name: "maxmemory-policy", value: "volatile-lru" },
            ],
        });
    });

    it("creates its users for the redis engine", () => {
        expect(view.ofType(E.user).map((u) => [u.inputs.userId, u.inputs.engine])).to.have.deep.members([
            ["goorm-popcorn-dev-points-default", "redis"],
            ["goorm-popcorn-dev-points-app", "redis"],
        ]);
        expect(view.one(E.userGroup, "cache-users").inputs.engine).to.equal("redis");
    });

    it("exports the configuration endpoint as both primary and reader endpoint", () => {
        const { primaryEndpoint, readerEndpoint } = view.run.outputs;
        expect(primaryEndpoint).to.match(/^clustercfg\.goorm-popcorn-dev-points\.[0-9a-f]{6}\.apn2\.cache\.amazonaws\.com$/);
        expect(readerEndpoint).to.equal(primaryEndpoint);
    });

    it("names its slow-log group and secret after the name part", () => {
        expect(view.one(T.logGroup, "cache-slow-log").inputs.name).to.equal("/aws/elasticache/goorm-popcorn-dev/points/slow-log");
        expect(view.one(E.secret, "cache-auth").inputs.name).to.equal("goorm-popcorn-dev/points/auth");
    });
});

describe("components/valkey-cache: system C's placement over a three-AZ tier (azs [2a, 2c])", () => {
    const threeAzs = [DATA_SUBNETS["2a"], DATA_SUBNETS["2b"], DATA_SUBNETS["2c"]];

    it("in cluster mode puts the shard's primary in 2a and its replica in 2c, never in 2b", async () => {
        const view = await runCache(
            cacheArgs({ engine: "redis", engineVersion: "7.1", nodeType: "cache.r7g.large", subnets: threeAzs, clusterMode: { shards: 1, replicasPerShard: 1 }, azs: [AZ["2a"], AZ["2c"]] }),
        );
        const group = view.one(E.group, "cache-replication-group");
        expect(group.inputs).to.deep.include({
            clusterMode: "enabled",
            numNodeGroups: 1,
            replicasPerNodeGroup: 1,
            nodeGroupConfigurations: [{ nodeGroupId: "0001", primaryAvailabilityZone: AZ["2a"], replicaAvailabilityZones: [AZ["2c"]], replicaCount: 1 }],
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
        });
        // The subnet group still spans the whole tier: a failover or a replacement node may use 2b.
        expect(view.one(E.subnetGroup, "cache-subnets").inputs.subnetIds).to.deep.equal(threeAzs.map((s) => s.id));
    });

    it("in cluster mode takes shard i's primary from azs[i % 2], its replica from the other", async () => {
        const view = await runCache(
            cacheArgs({ engine: "redis", engineVersion: "7.1", subnets: threeAzs, clusterMode: { shards: 3, replicasPerShard: 1 }, azs: [AZ["2c"], AZ["2a"]] }),
        );
        const shards = view.one(E.group, "cache-replication-group").inputs.nodeGroupConfigurations as Array<{ primaryAvailabilityZone: string; replicaAvailabilityZones: string[] }>;
        expect(shards.map((s) => [s.primaryAvailabilityZone, ...s.replicaAvailabilityZones])).to.deep.equal([
            [AZ["2c"], AZ["2a"]],
            [AZ["2a"], AZ["2c"]],
            [AZ["2c"], AZ["2a"]],
        ]);
    });

    it("without cluster mode lists the primary's AZ 2a first and the replica's 2c", async () => {
        const view = await runCache(cacheArgs({ subnets: threeAzs, nodes: 2, azs: [AZ["2a"], AZ["2c"]] }));
        expect(view.one(E.group, "cache-replication-group").inputs).to.deep.include({ numCacheClusters: 2, preferredCacheClusterAzs: [AZ["2a"], AZ["2c"]] });
    });
});

describe("components/valkey-cache: AUTH token (system E: primary + replica over two AZs)", () => {
    let view: RunView;
    let group: RecordedResource;
    before(async () => {
        view = await runCache(cacheArgs({ engine: "redis", engineVersion: "7.0", nodes: 2, auth: "token", port: 6380, kmsKeyArn: KMS_KEY }));
        group = view.one(E.group, "cache-replication-group");
    });

    it("sets a generated AUTH token, as a secret, and no user group", () => {
        expect(group.inputs.authToken).to.equal("[secret]");
        expect(group.inputs.userGroupIds).to.equal(undefined);
        expect(view.ofType(E.user)).to.deep.equal([]);
        expect(view.ofType(E.userGroup)).to.deep.equal([]);
        const [token] = view.ofType(E.password);
        expect(view.ofType(E.password)).to.have.length(1);
        expect(token.name).to.equal("cache-auth-token");
        expect(token.inputs).to.include({ length: 32, overrideSpecial: "!&#$^<>-" });
    });

    it("stores the token in the secret, as a secret, and exports no user name", () => {
        const secret = view.one(E.secret, "cache-auth");
        expect(view.one(E.secretVersion, "cache-auth-value").inputs).to.deep.equal({ secretId: secret.id, secretString: "[secret]" });
        expect(view.run.outputs.username).to.equal(undefined);
        expect(view.run.outputs.authSecretArn).to.equal(secret.id);
    });

    it("puts no token anywhere in the clear", () => {
        expectNoPlaintextCredential(view);
    });

    it("places primary and replica in 2a and 2c, fails over across them, listens on 6380 and encrypts with the KMS key", () => {
        expect(group.inputs).to.deep.include({
            numCacheClusters: 2,
            preferredCacheClusterAzs: [AZ["2a"], AZ["2c"]],
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            port: 6380,
            kmsKeyId: KMS_KEY,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
        });
        expect(view.run.outputs.port).to.equal(6380);
        expect(view.one(E.parameterGroup, "cache-parameters").inputs).to.include({ name: "goorm-popcorn-dev-cache-redis7", family: "redis7" });
    });
});

describe("components/valkey-cache: bad arguments", () => {
    const cases: Array<[string, Partial<ValkeyCacheArgs>, string[]]> = [
        ["an engine version ElastiCache does not offer", { engineVersion: "9.0" }, ['engineVersion: "9.0" is not a valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1']],
        ["a Redis version of Valkey's", { engine: "redis", engineVersion: "8.0" }, ['engineVersion: "8.0" is not a redis version ElastiCache offers; use one of 6.2, 7.0, 7.1']],
        ["an engine other than valkey and redis", { engine: "memcached" as "redis", engineVersion: "1.6" }, ['engine: "memcached" is not an engine this component runs; use valkey or redis']],
        ["a node type without cache.", { nodeType: "t4g.micro" }, ['nodeType: "t4g.micro" is not a node type; use cache.<family>.<size>, e.g. cache.t4g.micro or cache.r7g.large']],
        ["more than six nodes", { nodes: 7 }, ["nodes: 7 is not a node count; use 1–6 (a primary and up to 5 replicas)"]],
        ["no node", { nodes: 0 }, ["nodes: 0 is not a node count; use 1–6 (a primary and up to 5 replicas)"]],
        ["too many shards", { clusterMode: { shards: 501, replicasPerShard: 1 } }, ["clusterMode.shards: 501 is not a shard count; use 1–500"]],
        ["too many replicas per shard", { clusterMode: { shards: 2, replicasPerShard: 6 } }, ["clusterMode.replicasPerShard: 6 is not a replica count; use 0–5"]],
        [
            "nodes together with cluster mode",
            { nodes: 2, clusterMode: { shards: 2, replicasPerShard: 1 } },
            ["nodes: is exclusive with clusterMode; give nodes without cluster mode, or clusterMode's shards and replicasPerShard"],
        ],
        ["automatic failover on one node", { automaticFailover: true }, ["automaticFailover: true needs at least 2 nodes (a primary and a replica); nodes is 1"]],
        [
            "automatic failover in cluster mode without replicas",
            { clusterMode: { shards: 2, replicasPerShard: 0 }, automaticFailover: true },
            ["automaticFailover: true needs at least 2 nodes per shard (a primary and a replica); clusterMode.replicasPerShard is 0"],
        ],
        [
            "cluster mode without automatic failover",
            { clusterMode: { shards: 2, replicasPerShard: 1 }, automaticFailover: false },
            ["clusterMode: ElastiCache refuses cluster mode without automatic failover; give each shard a replica (replicasPerShard ≥ 1) and leave automaticFailover on"],
        ],
        [
            "cluster mode without replicas (failover then defaults to off)",
            { clusterMode: { shards: 3, replicasPerShard: 0 } },
            ["clusterMode: ElastiCache refuses cluster mode without automatic failover; give each shard a replica (replicasPerShard ≥ 1) and leave automaticFailover on"],
        ],
        ["Multi-AZ without automatic failover", { nodes: 2, automaticFailover: false, multiAz: true }, ["multiAz: true needs automatic failover (an ElastiCache rule); automaticFailover is false"]],
        [
            "a replica with subnets in one AZ",
            { nodes: 2, subnets: [DATA_SUBNETS["2a"]] },
            ['subnets: span 1 AZ ("ap-northeast-2a"); Multi-AZ and more than one node need subnets in at least 2 distinct AZs'],
        ],
        ["no subnet", { subnets: [] }, ["subnets: is empty; give the data-tier subnets and the AZ of each"]],
        [
            "a placement AZ outside the subnets",
            { nodes: 2, azs: [AZ["2a"], AZ["2b"]] },
            ['azs: ["ap-northeast-2a","ap-northeast-2b"] names "ap-northeast-2b", not an AZ of the cache\'s subnets: "ap-northeast-2a", "ap-northeast-2c"'],
        ],
        [
            "a placement AZ twice",
            { nodes: 2, azs: [AZ["2a"], AZ["2c"], AZ["2a"]] },
            ['azs: ["ap-northeast-2a","ap-northeast-2c","ap-northeast-2a"] names "ap-northeast-2a" more than once; each AZ once, in placement order (the primary\'s first)'],
        ],
        [
            "one placement AZ for a primary and its replica in cluster mode",
            { clusterMode: { shards: 1, replicasPerShard: 1 }, azs: [AZ["2c"]] },
            ['azs: ["ap-northeast-2c"] names 1 distinct AZ; Multi-AZ with automatic failover needs at least 2, so a replica sits in another AZ than its primary'],
        ],
        [
            "a replication group id over 40 characters",
            { name: "session-store-for-checkins" },
            ['name: elasticacheReplicationGroup name "goorm-popcorn-dev-session-store-for-checkins" is 44 characters; AWS allows at most 40'],
        ],
        [
            "an upper-case name",
            { name: "Cache" },
            ['name: elasticacheReplicationGroup name "goorm-popcorn-dev-Cache" is not allowed; AWS allows lowercase letters, digits and hyphens, starting with a letter, no -- and no trailing hyphen'],
        ],
        [
            "user ids over 40 characters",
            { name: "sessions-and-checkins1" },
            [
                'name: elasticacheUser name "goorm-popcorn-dev-sessions-and-checkins1-default" is 48 characters; AWS allows at most 40',
                'name: elasticacheUser name "goorm-popcorn-dev-sessions-and-checkins1-app" is 44 characters; AWS allows at most 40',
            ],
        ],
        ["snapshots kept over 35 days", { snapshot: { retentionDays: 36, window: "18:00-19:00" } }, ["snapshot.retentionDays: 36 is not a snapshot retention; use 0–35 days (0 keeps no snapshot)"]],
        ["a snapshot window under 60 minutes", { snapshot: { retentionDays: 1, window: "18:00-18:30" } }, ['snapshot.window: "18:00-18:30" lasts 30 minutes; it must last at least 60']],
        [
            "a maintenance window under 60 minutes",
            { maintenanceWindow: "sun:19:00-sun:19:45" },
            ['maintenanceWindow: "sun:19:00-sun:19:45" lasts 45 minutes; it must last at least 60'],
        ],
        [
            "a snapshot window overlapping maintenance",
            { snapshot: { retentionDays: 1, window: "19:30-20:30" } },
            ['snapshot.window: "19:30-20:30" overlaps the maintenance window "sun:19:00-sun:20:00"; AWS refuses overlapping windows'],
        ],
        [
            "a malformed maintenance window",
            { maintenanceWindow: "sunday 19:00" },
            ['maintenanceWindow: "sunday 19:00" is not a weekly window; use ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:19:00-sun:20:00'],
        ],
        ["port 0", { port: 0 }, ["port: 0 is not a port; use 1–65535"]],
        ["port 65536", { port: 65536 }, ["port: 65536 is not a port; use 1–65535"]],
        [
            "a log retention CloudWatch refuses",
            { logRetentionDays: 10 as LogRetentionDays },
            ["logRetentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"],
        ],
        ["cluster-enabled among the parameters", { parameters: { "cluster-enabled": "yes" } }, ["parameters.cluster-enabled: is set from clusterMode (yes with it, no without); leave it out of parameters"]],
        ["a KMS alias instead of a key ARN", { kmsKeyArn: "alias/cache" }, ['kmsKeyArn: "alias/cache" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key-id>']],
    ];

    for (const [what, change, expected] of cases) {
        it(`refuses ${what}`, async () => {
            expect(await problemsOf(cacheArgs(change))).to.deep.equal(expected);
        });
    }

    it("lists every problem under the component's name before registering anything", async () => {
        const registered: RecordedResource[] = [];
        let error: unknown;
        await runView(() => new ValkeyCache("sessions", cacheArgs({ nodeType: "r5.large", nodes: 1, multiAz: true, port: 0 })), { registered }).catch((err) => {
            error = err;
        });
        expect(error).to.be.instanceOf(ArgumentError);
        expect((error as Error).message).to.equal(
            'ValkeyCache "sessions": invalid arguments:\n' +
                '  nodeType: "r5.large" is not a node type; use cache.<family>.<size>, e.g. cache.t4g.micro or cache.r7g.large\n' +
                "  port: 0 is not a port; use 1–65535\n" +
                "  multiAz: true needs automatic failover (an ElastiCache rule); automaticFailover is false",
        );
        expect(registered.map((r) => r.type)).to.deep.equal([T.stack]);
    });
});

describe("components/valkey-cache: node ids for per-node metrics", () => {
    it("names the replication group before deployment and lists its nodes", async () => {
        const view = await runCache(cacheArgs({ nodes: 2, subnets: [DATA_SUBNETS["2a"], DATA_SUBNETS["2c"]] }));
        const outputs = view.run.outputs as Record<string, unknown>;
        expect(outputs.replicationGroupName).to.equal(view.one(E.group, "cache-replication-group").inputs.replicationGroupId);
        expect(outputs.nodeIds).to.deep.equal(["goorm-popcorn-dev-cache-001", "goorm-popcorn-dev-cache-002"]);
    });
});
