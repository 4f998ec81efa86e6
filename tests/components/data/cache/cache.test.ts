import { expect } from "chai";
import {
    CacheSpec,
    GENERATED_PASSWORD,
    PASSWORD_SPECIALS,
    authSecretName,
    cacheNames,
    cacheProblems,
    cacheTopology,
    distinctAzs,
    engineVersionProblem,
    engineVersions,
    memberClusterIds,
    nodeTypeProblem,
    parameterGroupFamily,
    passwordProblem,
    placeNodes,
    placeShards,
    placementAzs,
} from "../../../../components/data/cache/cache";
import { Naming } from "../../../../lib/naming";
import { formatPath } from "../../../../lib/problems";

const A = "ap-northeast-2a";
const B = "ap-northeast-2b";
const C = "ap-northeast-2c";

const dev = new Naming("goorm-popcorn", "dev");

function spec(change: Partial<CacheSpec> = {}): CacheSpec {
    return {
        naming: dev,
        engine: "valkey",
        engineVersion: "8.0",
        nodeType: "cache.t4g.micro",
        subnets: [{ az: A }, { az: C }],
        snapshot: { retentionDays: 1, window: "18:00-19:00" },
        maintenanceWindow: "sun:19:00-sun:20:00",
        logRetentionDays: 7,
        ...change,
    };
}

const problems = (change: Partial<CacheSpec>) => cacheProblems(spec(change)).map((p) => `${formatPath(p.path)}: ${p.message}`);

describe("lib/cache: engines and node types", () => {
    it("knows the versions ElastiCache offers per engine", () => {
        expect(engineVersions("valkey")).to.deep.equal(["7.2", "8.0", "8.1"]);
        expect(engineVersions("redis")).to.deep.equal(["6.2", "7.0", "7.1"]);
        expect(engineVersionProblem("valkey", "8.0")).to.equal(undefined);
        expect(engineVersionProblem("redis", "6.2")).to.equal(undefined);
    });

    it("names the versions of the engine when one is unknown, and refuses other engines", () => {
        expect(engineVersionProblem("valkey", "7.0")).to.deep.equal({ path: ["engineVersion"], message: '"7.0" is not a valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1' });
        expect(engineVersionProblem("redis", "8.0")).to.deep.equal({ path: ["engineVersion"], message: '"8.0" is not a redis version ElastiCache offers; use one of 6.2, 7.0, 7.1' });
        expect(engineVersionProblem("memcached", "1.6")).to.deep.equal({ path: ["engine"], message: '"memcached" is not an engine this component runs; use valkey or redis' });
    });

    it("maps each version to its parameter group family", () => {
        expect(parameterGroupFamily("valkey", "8.0")).to.equal("valkey8");
        expect(parameterGroupFamily("valkey", "8.1")).to.equal("valkey8");
        expect(parameterGroupFamily("valkey", "7.2")).to.equal("valkey7");
        expect(parameterGroupFamily("redis", "7.0")).to.equal("redis7");
        expect(parameterGroupFamily("redis", "7.1")).to.equal("redis7");
        expect(parameterGroupFamily("redis", "6.2")).to.equal("redis6.x");
        expect(() => parameterGroupFamily("redis", "5.0")).to.throw("no parameter group family for redis 5.0; known versions: 6.2, 7.0, 7.1");
    });

    it("accepts node types of the form cache.<family>.<size> only", () => {
        for (const nodeType of ["cache.t4g.micro", "cache.t3.micro", "cache.r5.large", "cache.r7g.large", "cache.r6gd.2xlarge", "cache.m7g.16xlarge"]) {
            expect(nodeTypeProblem(nodeType), nodeType).to.equal(undefined);
        }
        for (const nodeType of ["t4g.micro", "cache.t4g", "db.t4g.micro", "cache.T4G.micro", "cache..micro"]) {
            expect(nodeTypeProblem(nodeType), nodeType).to.equal(`${JSON.stringify(nodeType)} is not a node type; use cache.<family>.<size>, e.g. cache.t4g.micro or cache.r7g.large`);
        }
    });
});

describe("lib/cache: placement", () => {
    it("takes the distinct AZs of the subnets in their order", () => {
        expect(distinctAzs([{ az: C }, { az: A }, { az: C }, { az: B }])).to.deep.equal([C, A, B]);
    });

    it("puts the primary in the first AZ and the replicas round-robin over the others", () => {
        expect(placeNodes([A, C], 1)).to.deep.equal([A]);
        expect(placeNodes([A, C], 2)).to.deep.equal([A, C]);
        expect(placeNodes([A, B, C], 3)).to.deep.equal([A, B, C]);
        expect(placeNodes([A, B, C], 6)).to.deep.equal([A, B, C, B, C, B]);
        expect(placeNodes([A, C], 4)).to.deep.equal([A, C, C, C]);
        expect(placeNodes([], 2)).to.deep.equal([]);
    });

    it("spreads shard primaries over the AZs and each shard's replicas over the AZs after its primary's", () => {
        expect(placeShards([A, B, C], 2, 1)).to.deep.equal([
            { nodeGroupId: "0001", primaryAz: A, replicaAzs: [B] },
            { nodeGroupId: "0002", primaryAz: B, replicaAzs: [C] },
        ]);
        expect(placeShards([A, B, C], 3, 2)).to.deep.equal([
            { nodeGroupId: "0001", primaryAz: A, replicaAzs: [B, C] },
            { nodeGroupId: "0002", primaryAz: B, replicaAzs: [C, A] },
            { nodeGroupId: "0003", primaryAz: C, replicaAzs: [A, B] },
        ]);
        expect(placeShards([A, C], 3, 1).map((s) => [s.primaryAz, ...s.replicaAzs])).to.deep.equal([
            [A, C],
            [C, A],
            [A, C],
        ]);
        expect(placeShards([A], 2, 0)).to.deep.equal([
            { nodeGroupId: "0001", primaryAz: A, replicaAzs: [] },
            { nodeGroupId: "0002", primaryAz: A, replicaAzs: [] },
        ]);
    });
});

describe("lib/cache: topology", () => {
    it("defaults to one node without failover or Multi-AZ", () => {
        expect(cacheTopology({})).to.deep.equal({ clusterMode: false, shards: 1, nodesPerShard: 1, totalNodes: 1, automaticFailover: false, multiAz: false });
    });

    it("turns failover and Multi-AZ on when there is a replica, unless told otherwise", () => {
        expect(cacheTopology({ nodes: 3 })).to.deep.equal({ clusterMode: false, shards: 1, nodesPerShard: 3, totalNodes: 3, automaticFailover: true, multiAz: true });
        expect(cacheTopology({ nodes: 2, multiAz: false })).to.include({ automaticFailover: true, multiAz: false });
        expect(cacheTopology({ nodes: 2, automaticFailover: false })).to.include({ automaticFailover: false, multiAz: false });
    });

    it("counts shards and replicas in cluster mode", () => {
        expect(cacheTopology({ clusterMode: { shards: 2, replicasPerShard: 1 } })).to.deep.equal({
            clusterMode: true,
            shards: 2,
            nodesPerShard: 2,
            totalNodes: 4,
            automaticFailover: true,
            multiAz: true,
        });
        expect(cacheTopology({ clusterMode: { shards: 3, replicasPerShard: 0 } })).to.include({ totalNodes: 3, automaticFailover: false });
    });
});

describe("lib/cache: names and passwords", () => {
    it("derives every name from the cache's name part", () => {
        const names = cacheNames("cache", "redis6.x");
        const scoped = Object.fromEntries(Object.entries(names).map(([role, n]) => [role, [n.kind, dev.scoped(n.kind, ...n.parts)]]));
        expect(scoped).to.deep.equal({
            replicationGroup: ["elasticacheReplicationGroup", "goorm-popcorn-dev-cache"],
            subnetGroup: ["elasticacheSubnetGroup", "goorm-popcorn-dev-cache"],
            parameterGroup: ["elasticacheParameterGroup", "goorm-popcorn-dev-cache-redis6-x"],
            userGroup: ["elasticacheUser", "goorm-popcorn-dev-cache"],
            defaultUser: ["elasticacheUser", "goorm-popcorn-dev-cache-default"],
            appUser: ["elasticacheUser", "goorm-popcorn-dev-cache-app"],
        });
        expect(authSecretName(dev, "cache")).to.equal("goorm-popcorn-dev/cache/auth");
    });

    it("generates 32-character passwords from letters, digits and the specials an AUTH token allows", () => {
        expect(GENERATED_PASSWORD).to.deep.equal({ length: 32, special: true, overrideSpecial: "!&#$^<>-", minUpper: 1, minLower: 1, minNumeric: 1, minSpecial: 1 });
        const sample = `Aa1${PASSWORD_SPECIALS}${"x".repeat(GENERATED_PASSWORD.length - 3 - PASSWORD_SPECIALS.length)}`;
        expect(sample).to.have.length(32);
        expect(passwordProblem(sample, "token")).to.equal(undefined);
        expect(passwordProblem(sample, "rbac")).to.equal(undefined);
        for (const refused of [" ", '"', "/", "@"]) {
            expect(PASSWORD_SPECIALS).not.to.include(refused);
        }
    });

    it("knows what ElastiCache refuses in passwords and tokens", () => {
        expect(passwordProblem("short-pass", "rbac")).to.equal("is 10 characters; ElastiCache needs 16–128");
        expect(passwordProblem("x".repeat(129), "token")).to.equal("is 129 characters; ElastiCache needs 16–128");
        expect(passwordProblem("with a space in it!", "rbac")).to.equal("holds a space or a character that is not printable ASCII");
        expect(passwordProblem("user@example-pass", "rbac")).to.equal('holds "@"; an RBAC password may hold printable characters except space, ", / and @');
        expect(passwordProblem("path/like-password", "rbac")).to.equal('holds "/"; an RBAC password may hold printable characters except space, ", / and @');
        expect(passwordProblem("percent%password%", "rbac")).to.equal(undefined);
        expect(passwordProblem("percent%password%", "token")).to.equal('holds "%"; an AUTH token may hold letters, digits and !&#$^<>-');
    });
});

describe("lib/cache: rules", () => {
    it("accepts system A's dev cache and a prod cache over three AZs", () => {
        expect(problems({})).to.deep.equal([]);
        expect(problems({ nodes: 3, subnets: [{ az: A }, { az: B }, { az: C }], snapshot: { retentionDays: 7, window: "18:00-19:00" } })).to.deep.equal([]);
        expect(problems({ engine: "redis", engineVersion: "7.1", clusterMode: { shards: 2, replicasPerShard: 1 } })).to.deep.equal([]);
    });

    it("reports every problem at once, each at its argument's path", () => {
        expect(
            problems({
                engineVersion: "9.0",
                nodeType: "t4g.micro",
                port: 0,
                nodes: 1,
                automaticFailover: true,
                snapshot: { retentionDays: 40, window: "19:30-20:30" },
                logRetentionDays: 10,
            }),
        ).to.deep.equal([
            'engineVersion: "9.0" is not a valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1',
            'nodeType: "t4g.micro" is not a node type; use cache.<family>.<size>, e.g. cache.t4g.micro or cache.r7g.large',
            "port: 0 is not a port; use 1–65535",
            "automaticFailover: true needs at least 2 nodes (a primary and a replica); nodes is 1",
            "snapshot.retentionDays: 40 is not a snapshot retention; use 0–35 days (0 keeps no snapshot)",
            'snapshot.window: "19:30-20:30" overlaps the maintenance window "sun:19:00-sun:20:00"; AWS refuses overlapping windows',
            "logRetentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ]);
    });

    it("places over the configured azs in their order, or the subnets' AZs in order without them", () => {
        expect(placementAzs(spec({ subnets: [{ az: A }, { az: B }, { az: C }] }))).to.deep.equal([A, B, C]);
        expect(placementAzs(spec({ subnets: [{ az: A }, { az: B }, { az: C }], azs: [A, C] }))).to.deep.equal([A, C]);
        expect(placementAzs(spec({ subnets: [{ az: A }, { az: B }, { az: C }], azs: [C, A] }))).to.deep.equal([C, A]);
        expect(problems({ subnets: [{ az: A }, { az: B }, { az: C }], nodes: 2, azs: [A, C] })).to.deep.equal([]);
    });

    it("refuses configured azs that repeat an AZ, leave the subnets' AZs, are empty, or are one AZ with failover", () => {
        const three = [{ az: A }, { az: B }, { az: C }];
        expect(problems({ subnets: three, nodes: 2, azs: [A, A] })).to.deep.equal([
            'azs: ["ap-northeast-2a","ap-northeast-2a"] names "ap-northeast-2a" more than once; each AZ once, in placement order (the primary\'s first)',
            'azs: ["ap-northeast-2a","ap-northeast-2a"] names 1 distinct AZ; Multi-AZ with automatic failover needs at least 2, so a replica sits in another AZ than its primary',
        ]);
        expect(problems({ subnets: three, nodes: 2, azs: [A, "ap-northeast-2d"], subnetTier: "data" })).to.deep.equal([
            'azs: ["ap-northeast-2a","ap-northeast-2d"] names "ap-northeast-2d", not an AZ of the cache\'s subnet tier (data): "ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"',
        ]);
        expect(problems({ subnets: three, nodes: 2, multiAz: false, azs: [C] })).to.deep.equal([
            'azs: ["ap-northeast-2c"] names 1 distinct AZ; automatic failover needs at least 2, so a replica sits in another AZ than its primary',
        ]);
        // One node without failover may sit in one chosen AZ.
        expect(problems({ subnets: three, azs: [C] })).to.deep.equal([]);
        expect(problems({ subnets: three, azs: [] })).to.deep.equal([
            "azs: [] names no AZ; list the AZs in placement order (the primary's first), or leave azs out to take the subnets' AZs in order",
        ]);
    });

    it("checks the replication group id first, then the names derived from it", () => {
        expect(problems({ name: "x".repeat(23) })).to.deep.equal([
            `name: elasticacheReplicationGroup name "goorm-popcorn-dev-${"x".repeat(23)}" is 41 characters; AWS allows at most 40`,
        ]);
        const longest = "x".repeat(22);
        expect(problems({ name: longest })).to.deep.equal([
            `name: elasticacheUser name "goorm-popcorn-dev-${longest}-default" is 48 characters; AWS allows at most 40`,
            `name: elasticacheUser name "goorm-popcorn-dev-${longest}-app" is 44 characters; AWS allows at most 40`,
        ]);
        // Token auth creates no users.
        expect(problems({ name: longest, auth: "token" })).to.deep.equal([]);
    });
});

describe("lib/cache: node ids", () => {
    it("numbers nodes as ElastiCache does: <group>-001… without cluster mode, <group>-<shard>-<node> with it", () => {
        expect(memberClusterIds("goorm-popcorn-prod-cache", cacheTopology({ nodes: 3 }))).to.deep.equal([
            "goorm-popcorn-prod-cache-001",
            "goorm-popcorn-prod-cache-002",
            "goorm-popcorn-prod-cache-003",
        ]);
        expect(memberClusterIds("points", cacheTopology({ clusterMode: { shards: 2, replicasPerShard: 1 } }))).to.deep.equal([
            "points-0001-001",
            "points-0001-002",
            "points-0002-001",
            "points-0002-002",
        ]);
        expect(memberClusterIds("c", cacheTopology({}))).to.deep.equal(["c-001"]);
    });
});
