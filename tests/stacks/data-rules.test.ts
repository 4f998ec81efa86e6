/**
 * Config rules of the data tier (platform:database, platform:cache), each triggered by an edit of
 * a real stack file, and the resolved data config of dev and prod.
 */
import { expect } from "chai";
import { majorVersion } from "../../components/data/database/engines";
import { RuleCase, itRaises, resolved, stackConfig } from "../fixtures/config";

describe("data blocks: the seed's stack files resolve", () => {
    it("dev: RDS PostgreSQL 18 (the seed's 18.1 today, minor upgrades on) on db.t4g.micro, 20 GiB growing to 100, 1-day backups, single-AZ; one Valkey 8.0 node", () => {
        const { database, cache } = resolved(stackConfig("dev"), "dev");
        expect(database).to.deep.include({ kind: "instance", engine: "postgres", engineVersion: "18", instanceClass: "db.t4g.micro", multiAz: false, deletionProtection: false });
        expect(database?.kind === "instance" && database.storage).to.deep.equal({ allocatedGb: 20, maxAllocatedGb: 100 });
        expect(database!.backup.retentionDays).to.equal(1);
        expect(cache).to.deep.include({ engine: "valkey", engineVersion: "8.0", nodeType: "cache.t4g.micro", nodes: 1, auth: "rbac" });
    });

    it("prod: Aurora PostgreSQL of the same major, two readers, 14-day backups; three Valkey nodes with failover", () => {
        const dev = resolved(stackConfig("dev"), "dev").database!;
        const { database, cache } = resolved(stackConfig("prod"), "prod");
        expect(database).to.deep.include({ kind: "aurora", engine: "aurora-postgresql", instanceClass: "db.r7g.large", readers: 2, deletionProtection: true });
        expect(majorVersion(database!.engine, database!.engineVersion)).to.equal(majorVersion(dev.engine, dev.engineVersion));
        expect(database!.backup.retentionDays).to.equal(14);
        expect(cache).to.deep.include({ nodes: 3, automaticFailover: true, multiAz: true });
        expect(cache!.snapshot.retentionDays).to.equal(7);
    });
});

describe("data blocks: bad database, cache and Kafka configs", () => {
    const cases: RuleCase[] = [
        [
            "an Aurora class AWS does not offer (db.t4g.micro)",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => (d.instanceClass = "db.t4g.micro"))),
            ['platform:database.instanceClass: "db.t4g.micro" is not offered by Aurora; the smallest burstable Aurora classes are db.t4g.medium and db.t3.medium (or db.serverless)'],
            "prod",
        ],
        [
            "an Aurora class AWS does not offer (db.t3.small)",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => (d.instanceClass = "db.t3.small"))),
            ['platform:database.instanceClass: "db.t3.small" is not offered by Aurora; the smallest burstable Aurora classes are db.t4g.medium and db.t3.medium (or db.serverless)'],
            "prod",
        ],
        [
            "automatic failover with one cache node",
            () => stackConfig("dev", (_c, edit) => edit("cache", (c) => (c.automaticFailover = true))),
            ["platform:cache.automaticFailover: true needs at least 2 nodes (a primary and a replica); nodes is 1"],
        ],
        [
            "Multi-AZ without automatic failover",
            () => stackConfig("dev", (_c, edit) => edit("cache", (c) => (c.multiAz = true))),
            ["platform:cache.multiAz: true needs automatic failover (an ElastiCache rule); automaticFailover is false"],
        ],
        [
            "more readers than the data tier has AZs",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("database", (d) => {
                        d.kind = "aurora";
                        d.engine = "aurora-postgresql";
                        d.engineVersion = "18";
                        d.instanceClass = "db.t4g.medium";
                        d.readers = 2;
                        delete d.storage;
                        delete d.multiAz;
                    }),
                ),
            ['platform:database.readers: 2 readers and a writer need 3 distinct AZs to sit apart; the data tier has 2 ("ap-northeast-2a", "ap-northeast-2c")'],
        ],
        [
            "a Valkey version that does not exist",
            () => stackConfig("dev", (_c, edit) => edit("cache", (c) => (c.engineVersion = "9.0"))),
            ['platform:cache.engineVersion: "9.0" is not a valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1'],
        ],
        [
            "a PostgreSQL version that does not exist",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.engineVersion = "19.0"))),
            ['platform:database.engineVersion: "19.0" is not a postgres version AWS offers; use major 13, 14, 15, 16, 17, 18, alone or with a minor version, e.g. 18.1'],
        ],
        [
            "backups under 7 days in prod",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => (d.backup.retentionDays = 3))),
            ["platform:database.backup.retentionDays: 3 is below 7; prod keeps database backups at least 7 days (security baseline)"],
            "prod",
        ],
        [
            "deletion protection off in prod",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => (d.deletionProtection = false))),
            ["platform:database.deletionProtection: false is not allowed in prod; the database must refuse deletion (security baseline)"],
            "prod",
        ],
        [
            "prod cache without failover",
            () => stackConfig("prod", (_c, edit) => edit("cache", (c) => Object.assign(c, { nodes: 1, automaticFailover: false, multiAz: false }))),
            ["platform:cache: runs without automatic failover and Multi-AZ; prod needs both, with replicas in other AZs (security baseline)"],
            "prod",
        ],
        [
            "prod database without readers",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => Object.assign(d, { readers: 0, readerAutoscaling: undefined }))),
            ["platform:database.readers: 0 leaves the writer alone; prod needs at least one reader in another AZ to fail over to"],
            "prod",
        ],
        [
            "identifiers over their length limits",
            () => stackConfig("prod", (c) => (c["platform:name"] = "goorm-popcorn-platform")),
            [
                'platform:name: "goorm-popcorn-platform" makes a cache name AWS refuses: elasticacheUser name "goorm-popcorn-platform-prod-cache-default" is 41 characters; AWS allows at most 40',
                'platform:name: "goorm-popcorn-platform" makes the blue target group name "goorm-popcorn-platform-gateway-prod" (35 characters), which AWS refuses: targetGroup name "goorm-popcorn-platform-gateway-prod" is 35 characters; AWS allows at most 32; shorten platform:name, platform:envName or platform:alb.targetGroupStem',
                'platform:name: "goorm-popcorn-platform" makes the green target group name "goorm-popcorn-platform-gateway-green-prod" (41 characters), which AWS refuses: targetGroup name "goorm-popcorn-platform-gateway-green-prod" is 41 characters; AWS allows at most 32; shorten platform:name, platform:envName or platform:alb.targetGroupStem',
            ],
            "prod",
        ],
        [
            "a plaintext master password in the database config",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.masterPassword = "hunter2-hunter2"))),
            ["platform:database.masterPassword: is refused: no secret is ever set in config; database passwords are generated and kept by RDS in Secrets Manager, the cache's by the platform, and services take secrets as ARNs"],
        ],
        [
            "a plaintext auth token in the cache config",
            () => stackConfig("dev", (_c, edit) => edit("cache", (c) => (c.authToken = "0123456789abcdef0123"))),
            ["platform:cache.authToken: is refused: no secret is ever set in config; database passwords are generated and kept by RDS in Secrets Manager, the cache's by the platform, and services take secrets as ARNs"],
        ],
        [
            "settings of the other database kind",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.readers = 1))),
            ['platform:database.readers: is only for kind aurora (platform:database.kind is "instance")'],
        ],
        [
            "an engine of the other kind",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.engine = "aurora-postgresql"))),
            ['platform:database.engine: "aurora-postgresql" is not allowed; expected one of postgres, mysql'],
        ],
        [
            "a minor version pinned while AWS applies minor upgrades (the next up would try to downgrade)",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.engineVersion = "18.1"))),
            [
                'platform:database.engineVersion: "18.1" pins a minor version while autoMinorVersionUpgrade is on: once AWS upgrades the database, the next pulumi up would try to downgrade it; use the major version "18" (AWS picks and upgrades the minor), or set autoMinorVersionUpgrade: false to pin "18.1"',
            ],
        ],
        [
            "minor upgrades off in prod",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => Object.assign(d, { engineVersion: "18.4", autoMinorVersionUpgrade: false }))),
            ["platform:database.autoMinorVersionUpgrade: false is not allowed in prod; the database takes AWS's minor upgrades (security baseline), except on an Aurora MySQL long-term-support line (3.04, 3.10), where AWS advises it off"],
            "prod",
        ],
        [
            "minor upgrades off in prod on an Aurora MySQL line that is not long-term support",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => Object.assign(d, { engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.08.2", autoMinorVersionUpgrade: false }))),
            ["platform:database.autoMinorVersionUpgrade: false is not allowed in prod; the database takes AWS's minor upgrades (security baseline), except on an Aurora MySQL long-term-support line (3.04, 3.10), where AWS advises it off"],
            "prod",
        ],
        [
            "overlapping backup and maintenance windows",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.maintenanceWindow = "sun:18:30-sun:19:30"))),
            ['platform:database.backup.window: "18:00-19:00" overlaps the maintenance window "sun:18:30-sun:19:30"; AWS refuses overlapping windows'],
        ],
        [
            "fewer than three Kafka nodes in prod",
            () => stackConfig("prod", (_c, edit) => edit("kafka", (k) => (k.nodes = 1))),
            ["platform:kafka.nodes: 1 is below 3; a prod quorum needs three nodes to survive the loss of one"],
            "prod",
        ],
        [
            "an even Kafka node count",
            () => stackConfig("prod", (_c, edit) => edit("kafka", (k) => (k.nodes = 4))),
            [
                "platform:kafka.nodes: 4 is even; a quorum of 4 tolerates 1 failure(s), no more than 3 nodes would — use an odd count",
                'platform:kafka.nodes: 4 nodes put 2 in "ap-northeast-2a", more than the 1 the quorum can lose; losing "ap-northeast-2a" would stop Kafka — add private subnets in other AZs',
            ],
            "prod",
        ],
        [
            "a replication factor above the node count",
            () => stackConfig("dev", (_c, edit) => edit("kafka", (k) => (k.replicationFactor = 3))),
            ["platform:kafka.replicationFactor: 3 is above the 1 node(s) (or below 1); a replica needs a broker of its own"],
        ],
        [
            "more Kafka nodes in one AZ than the quorum can lose",
            () =>
                stackConfig("prod", (_c, edit) => edit("network", (n) => (n.subnets.private = n.subnets.private.slice(0, 2)))),
            ['platform:kafka.nodes: 3 nodes put 2 in "ap-northeast-2a", more than the 1 the quorum can lose; losing "ap-northeast-2a" would stop Kafka — add private subnets in other AZs'],
            "prod",
        ],
        [
            "Kafka volumes below the seed's",
            () => stackConfig("dev", (_c, edit) => edit("kafka", (k) => Object.assign(k, { rootVolumeGb: 4, dataVolumeGb: 8 }))),
            [
                "platform:kafka.rootVolumeGb: 4 is below the seed's 8 GB root volume (or above 16384)",
                "platform:kafka.dataVolumeGb: 8 is below the seed's 20 GB data volume (or above 16384)",
            ],
        ],
        [
            "an instance type that is not of the EC2 form",
            () => stackConfig("dev", (_c, edit) => edit("kafka", (k) => (k.instanceType = "small"))),
            ['platform:kafka.instanceType: "small" is not an EC2 instance type (expected <family>.<size>, e.g. t3.small)'],
        ],
        [
            "a database without data subnets",
            () =>
                stackConfig("dev", (_c, edit) => {
                    edit("network", (n) => (n.subnets.data = []));
                }),
            [
                "platform:network.subnets.data: is empty; platform:database needs data subnets in two AZs",
                "platform:network.subnets.data: is empty; platform:cache lives in the data subnets (platform:cache.subnetTier)",
            ],
        ],
        [
            "a Multi-AZ cache placed in a tier that spans one AZ",
            () =>
                stackConfig("dev", (_c, edit) => {
                    edit("cache", (c) => Object.assign(c, { subnetTier: "private", nodes: 2, automaticFailover: true, multiAz: true }));
                    edit("network", (n) => (n.subnets.private = n.subnets.private.slice(0, 1)));
                }),
            ['^platform:network\\.subnets\\.private: span 1 AZ \\("ap-northeast-2a"\\); Multi-AZ and more than one node need subnets in at least 2 distinct AZs \\(for platform:cache, subnetTier "private"\\)$'],
        ],
        [
            "instanceAzs that place fewer instances than the writer and the readers",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => (d.instanceAzs = ["ap-northeast-2a", "ap-northeast-2c"]))),
            ['platform:database.instanceAzs: ["ap-northeast-2a","ap-northeast-2c"] names 2 AZ(s); the writer and 2 reader(s) need 3: the writer\'s AZ first, then one per reader'],
            "prod",
        ],
        [
            "instanceAzs that put two instances in one AZ",
            () => stackConfig("prod", (_c, edit) => edit("database", (d) => (d.instanceAzs = ["ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2a"]))),
            ['platform:database.instanceAzs: ["ap-northeast-2a","ap-northeast-2c","ap-northeast-2a"] names "ap-northeast-2a" more than once; the writer and each reader sit in AZs of their own, so losing one AZ never takes them all'],
            "prod",
        ],
        [
            "instanceAzs outside the data tier",
            () =>
                stackConfig("prod", (_c, edit) =>
                    edit("database", (d) => Object.assign(d, { readers: 1, readerAutoscaling: { min: 1, max: 3 }, instanceAzs: ["ap-northeast-2a", "ap-northeast-2d"] })),
                ),
            ['platform:database.instanceAzs: ["ap-northeast-2a","ap-northeast-2d"] names "ap-northeast-2d", not an AZ of the data tier ("ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c")'],
            "prod",
        ],
        [
            "instanceAzs beside kind instance (RDS picks a Multi-AZ standby's AZ itself)",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.instanceAzs = ["ap-northeast-2c"]))),
            [
                'platform:database.instanceAzs: ["ap-northeast-2c"] is refused for kind instance: it places an Aurora writer and readers; RDS Multi-AZ picks its standby\'s AZ itself (AWS refuses an AZ for a Multi-AZ instance), and a single-AZ instance sits in the data tier\'s first AZ ("ap-northeast-2a")',
            ],
        ],
        [
            "cache azs outside the cache's subnet tier",
            () => stackConfig("prod", (_c, edit) => edit("cache", (c) => (c.azs = ["ap-northeast-2a", "ap-northeast-2d"]))),
            ['platform:cache.azs: ["ap-northeast-2a","ap-northeast-2d"] names "ap-northeast-2d", not an AZ of the cache\'s subnet tier (data): "ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"'],
            "prod",
        ],
        [
            "cache azs that name an AZ twice",
            () => stackConfig("prod", (_c, edit) => edit("cache", (c) => (c.azs = ["ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2a"]))),
            ['platform:cache.azs: ["ap-northeast-2a","ap-northeast-2c","ap-northeast-2a"] names "ap-northeast-2a" more than once; each AZ once, in placement order (the primary\'s first)'],
            "prod",
        ],
        [
            "cache azs of one AZ with Multi-AZ and failover",
            () => stackConfig("prod", (_c, edit) => edit("cache", (c) => (c.azs = ["ap-northeast-2b"]))),
            ['platform:cache.azs: ["ap-northeast-2b"] names 1 distinct AZ; Multi-AZ with automatic failover needs at least 2, so a replica sits in another AZ than its primary'],
            "prod",
        ],
        [
            "cache azs of one AZ with automatic failover alone",
            () => stackConfig("dev", (_c, edit) => edit("cache", (c) => Object.assign(c, { nodes: 2, automaticFailover: true, multiAz: false, azs: ["ap-northeast-2c"] }))),
            ['platform:cache.azs: ["ap-northeast-2c"] names 1 distinct AZ; automatic failover needs at least 2, so a replica sits in another AZ than its primary'],
        ],
        [
            "empty cache azs",
            () => stackConfig("dev", (_c, edit) => edit("cache", (c) => (c.azs = []))),
            ["platform:cache.azs: [] names no AZ; list the AZs in placement order (the primary's first), or leave azs out to take the subnets' AZs in order"],
        ],
        [
            "cache azs in the private tier that the cache does not live in",
            () =>
                stackConfig("dev", (_c, edit) => {
                    edit("cache", (c) => Object.assign(c, { subnetTier: "private", azs: ["ap-northeast-2c"] }));
                    edit("network", (n) => (n.subnets.private = n.subnets.private.slice(0, 1)));
                }),
            ['platform:cache.azs: ["ap-northeast-2c"] names "ap-northeast-2c", not an AZ of the cache\'s subnet tier (private): "ap-northeast-2a"'],
        ],
    ];

    itRaises(cases);

    it("accepts instanceAzs [2a, 2c] for a writer and one reader over three data AZs, and cache azs [2a, 2c]", () => {
        const { database, cache } = resolved(
            stackConfig("prod", (_c, edit) => {
                edit("database", (d) => Object.assign(d, { readers: 1, readerAutoscaling: { min: 1, max: 3 }, instanceAzs: ["ap-northeast-2a", "ap-northeast-2c"] }));
                edit("cache", (c) => (c.azs = ["ap-northeast-2a", "ap-northeast-2c"]));
            }),
            "prod",
        );
        expect(database).to.deep.include({ readers: 1, instanceAzs: ["ap-northeast-2a", "ap-northeast-2c"] });
        expect(cache).to.deep.include({ azs: ["ap-northeast-2a", "ap-northeast-2c"] });
    });

    it("lets dev pin a minor version with minor upgrades off, visibly", () => {
        const { database } = resolved(stackConfig("dev", (_c, edit) => edit("database", (d) => Object.assign(d, { engineVersion: "18.1", autoMinorVersionUpgrade: false }))), "dev");
        expect(database).to.deep.include({ engineVersion: "18.1", autoMinorVersionUpgrade: false });
    });
});
