/**
 * The data tier in the assembled dev and prod plans: where each database instance and cache node
 * lands, encryption and retention, how the services are wired to them, and a scan of every
 * resource's inputs proving no password-like field holds a literal value.
 */
import { expect } from "chai";
import { SECRET_PLACEHOLDER } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { PASSWORD_LIKE, passwordLikeInputs } from "../support/baseline";
import { RunView, T } from "../support/query";
import { StackCopy } from "../support/stack-copy";

const R = {
    instance: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    dbSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
} as const;

interface Container {
    environment: Array<{ name: string; value: string }>;
    secrets: Array<{ name: string; valueFrom: string }>;
}

/** The stores each service of the seed system connects to (its stack files' connectsTo). */
const SEED_CONNECTIONS: Readonly<Record<string, ReadonlyArray<"database" | "cache" | "kafka">>> = {
    "api-gateway": [],
    "user-service": ["database", "cache"],
    "store-service": ["database", "cache"],
    "order-service": ["database", "kafka"],
    "payment-service": ["database", "kafka"],
    "checkin-service": ["database", "kafka"],
    "order-query": ["database", "cache", "kafka"],
};

function containersOf(view: RunView): Array<{ family: string; container: Container }> {
    return view.ofType(R.taskDefinition).map((t) => ({ family: String(t.inputs.family), container: (JSON.parse(t.inputs.containerDefinitions as string) as Array<Container & { name: string }>).find((c) => c.name !== "writable-paths")! }));
}

for (const env of ["dev", "prod"] as const) {
    describe(`stack ${env}: data tier wiring and secrets`, () => {
        let view: RunView;
        before(async () => {
            view = new RunView(await seedRun(env));
        });

        /** Per store: the environment it gives a consumer, and its secrets (name → ARN of the Secrets Manager secret and JSON key). */
        function storeSettings(outputs: Record<string, unknown>) {
            return {
                database: {
                    environment: {
                        DB_HOST: outputs.databaseEndpoint,
                        DB_READER_HOST: outputs.databaseReaderEndpoint,
                        DB_PORT: "5432",
                        DB_NAME: "popcorn",
                        DB_ENGINE: env === "dev" ? "postgres" : "aurora-postgresql",
                        DB_USER: "app",
                        DB_AUTH: "iam",
                    },
                    // The master secret stays with operators: services sign in as the application user with IAM tokens.
                    secrets: {},
                    secretArn: undefined,
                },
                cache: {
                    environment: { CACHE_HOST: outputs.cacheEndpoint, CACHE_READER_HOST: outputs.cacheReaderEndpoint, CACHE_PORT: "6379", CACHE_TLS: "true", CACHE_USERNAME: `goorm-popcorn-${env}-cache-app` },
                    secrets: { CACHE_PASSWORD: `${outputs.cacheAuthSecretArn}:password::` },
                    secretArn: outputs.cacheAuthSecretArn,
                },
                kafka: { environment: { KAFKA_BOOTSTRAP_SERVERS: outputs.kafkaBootstrapServers }, secrets: {}, secretArn: undefined },
            } as const;
        }

        it("tells each service exactly the stores it connects to: their endpoints as environment, their credentials as secrets only", () => {
            const settings = storeSettings(view.run.outputs);
            for (const { family, container } of containersOf(view)) {
                const service = family.replace(`goorm-popcorn-${env}-`, "").replace(/-(blue|green)$/, "");
                const stores = SEED_CONNECTIONS[service];
                const environment = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
                expect(environment, family).to.deep.equal(Object.assign({ SPRING_PROFILES_ACTIVE: env }, ...stores.map((store) => settings[store].environment)));
                const secrets = Object.fromEntries(container.secrets.map((e) => [e.name, e.valueFrom]));
                expect(secrets, family).to.deep.equal(Object.assign({}, ...stores.map((store) => settings[store].secrets)));
                expect(container.environment.map((e) => e.name).filter((name) => PASSWORD_LIKE.test(name)), family).to.deep.equal([]);
            }
        });

        it("lets each execution role read exactly the secrets of the stores its service connects to, and none without one", () => {
            const settings = storeSettings(view.run.outputs);
            for (const policy of view.ofType(T.rolePolicy).filter((p) => p.name.endsWith("-execution-policy"))) {
                const service = policy.name.replace(/-execution-policy$/, "");
                const statements = JSON.parse(policy.inputs.policy as string).Statement as Array<{ Sid: string; Resource: unknown }>;
                const expected = SEED_CONNECTIONS[service].map((store) => settings[store].secretArn).filter((arn) => arn !== undefined).sort();
                expect(statements.find((s) => s.Sid === "ReadOwnSecrets")?.Resource, policy.name).to.deep.equal(expected.length > 0 ? expected : undefined);
                expect(statements.map((s) => s.Sid), policy.name).to.not.include("ReadOwnParameters");
            }
        });

        it("lets each service that connects to the database sign in as its application user, and no other", () => {
            const database = view.resources.find((r) => r.type === R.instance || r.type === R.cluster)!;
            const resourceId = env === "dev" ? /^db-[0-9A-F]{26}$/ : /^cluster-[0-9A-F]{26}$/;
            for (const [service, stores] of Object.entries(SEED_CONNECTIONS)) {
                const policy = view.resources.find((r) => r.type === T.rolePolicy && r.name === `${service}-task-policy`);
                if (!stores.includes("database")) {
                    expect(policy, service).to.equal(undefined);
                    continue;
                }
                const statements = JSON.parse(policy!.inputs.policy as string).Statement as Array<{ Action: string; Resource: string }>;
                expect(statements.map((s) => s.Action), service).to.deep.equal(["rds-db:connect"]);
                const [, id, user] = /^arn:aws:rds-db:ap-northeast-2:123456789012:dbuser:([^/]+)\/(.+)$/.exec(statements[0].Resource)!;
                expect(id, service).to.match(resourceId);
                expect(user, service).to.equal("app");
            }
            expect(database.inputs.iamDatabaseAuthenticationEnabled).to.equal(true);
        });

        it("holds no password-like input with a literal value: each is [secret]", () => {
            const found = passwordLikeInputs(view);
            expect(found.map((f) => f.where)).to.include.members([
                "aws:elasticache/user:User cache-app-user.authenticationMode.passwords",
                "aws:elasticache/user:User cache-default-user.authenticationMode.passwords",
                "aws:secretsmanager/secretVersion:SecretVersion cache-auth-value.secretString",
            ]);
            for (const { where, value } of found) {
                const values = Array.isArray(value) ? value : [value];
                expect(values.every((v) => v === SECRET_PLACEHOLDER), `${where} = ${JSON.stringify(value)}`).to.equal(true);
            }
            const database = view.resources.find((r) => r.type === R.instance || r.type === R.cluster)!;
            expect(database.inputs.manageMasterUserPassword, "RDS keeps the master password").to.equal(true);
        });

        it("keeps the database and the cache in the data subnets, encrypted", () => {
            const dataIds = view.subnetsOfTier("data").map((s) => s.id);
            expect(view.ofType(R.dbSubnetGroup)[0].inputs.subnetIds).to.deep.equal(dataIds);
            expect(view.ofType(R.cacheSubnetGroup)[0].inputs.subnetIds).to.deep.equal(dataIds);
            const database = view.resources.find((r) => r.type === R.instance || r.type === R.cluster)!;
            expect(database.inputs).to.include({ storageEncrypted: true, iamDatabaseAuthenticationEnabled: true });
            const [cache] = view.ofType(R.replicationGroup);
            expect(cache.inputs).to.include({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true, engine: "valkey", engineVersion: "8.0" });
        });
    });
}

/** Kafka nodes as "<node id> <AZ> <address>", from the plan. */
function kafkaLayout(view: RunView): string[] {
    return view.ofType("aws:ec2/instance:Instance").map((instance) => {
        const eni = view.byId((instance.inputs.primaryNetworkInterface as { networkInterfaceId: string }).networkInterfaceId);
        const subnet = view.byId(eni.inputs.subnetId);
        return `${(instance.inputs.tags as Record<string, string>).KafkaNodeId} ${subnet.inputs.availabilityZone} ${(eni.inputs.privateIps as string[])[0]}`;
    });
}

describe("stack dev: the data tier of the seed", () => {
    let view: RunView;
    before(async () => {
        view = new RunView(await seedRun("dev"));
    });

    it("runs PostgreSQL 18 with minor upgrades on db.t4g.micro in 2a: 20 GiB gp3, 1-day backups, single-AZ, not protected", () => {
        expect(view.ofType(R.instance)[0].inputs).to.deep.include({
            engine: "postgres",
            engineVersion: "18",
            instanceClass: "db.t4g.micro",
            availabilityZone: "ap-northeast-2a",
            allocatedStorage: 20,
            storageType: "gp3",
            backupRetentionPeriod: 1,
            multiAz: false,
            publiclyAccessible: false,
            deletionProtection: false,
        });
        expect(view.ofType(R.instance)[0].options.protect).to.equal(false);
        expect(view.ofType(R.cluster)).to.deep.equal([]);
    });

    it("runs one t3.small Kafka node in 2a (private), bootstrapped at its fixed address", () => {
        expect(kafkaLayout(view)).to.deep.equal(["1 ap-northeast-2a 10.0.11.250"]);
        expect(view.run.outputs.kafkaBootstrapServers).to.equal("10.0.11.250:9092");
        expect(view.ofType("aws:ebs/volume:Volume").map((v) => [v.inputs.size, v.inputs.type])).to.deep.equal([[20, "gp3"]]);
    });

    it("runs one cache.t4g.micro Valkey node in 2a without failover", () => {
        expect(view.ofType(R.replicationGroup)[0].inputs).to.deep.include({
            nodeType: "cache.t4g.micro",
            numCacheClusters: 1,
            automaticFailoverEnabled: false,
            multiAzEnabled: false,
            preferredCacheClusterAzs: ["ap-northeast-2a"],
        });
    });
    it("places the cache in the private subnets when subnetTier says so (a stack without a data tier), behind the same security group", async () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            copy.set("dev", "cache.subnetTier", "private");
            const edited = new RunView(await cachedStackRun("dev", copy.dir));
            const privateIds = edited.subnetsOfTier("private").map((s) => s.id);
            expect(edited.ofType(R.cacheSubnetGroup)[0].inputs.subnetIds).to.have.members(privateIds);
            expect(edited.ofType(R.replicationGroup)[0].inputs.securityGroupIds).to.deep.equal(view.ofType(R.replicationGroup)[0].inputs.securityGroupIds);
        } finally {
            copy.remove();
        }
    });
});

describe("stack prod: the data tier across three AZs", () => {
    let view: RunView;
    before(async () => {
        view = new RunView(await seedRun("prod"));
    });

    it("runs an Aurora writer in 2a and readers in 2b and 2c, backups kept 14 days, protected", () => {
        expect(view.ofType(R.instance)).to.deep.equal([]);
        const [cluster] = view.ofType(R.cluster);
        expect(cluster.inputs).to.include({ engine: "aurora-postgresql", engineVersion: "18", backupRetentionPeriod: 14, deletionProtection: true, skipFinalSnapshot: false });
        expect(cluster.options.protect).to.equal(true);
        const instances = view.ofType(R.clusterInstance).map((i) => `${i.inputs.availabilityZone} tier ${i.inputs.promotionTier} ${i.inputs.instanceClass}`);
        expect(instances).to.have.members(["ap-northeast-2a tier 0 db.r7g.large", "ap-northeast-2b tier 1 db.r7g.large", "ap-northeast-2c tier 1 db.r7g.large"]);
    });

    it("runs three Kafka nodes, one in each AZ's private subnet", () => {
        expect(kafkaLayout(view)).to.have.members(["1 ap-northeast-2a 10.0.11.250", "2 ap-northeast-2b 10.0.12.250", "3 ap-northeast-2c 10.0.13.250"]);
        expect(view.run.outputs.kafkaBootstrapServers).to.equal("10.0.11.250:9092,10.0.12.250:9092,10.0.13.250:9092");
        expect(view.ofType("aws:ebs/volume:Volume").every((v) => v.options.protect)).to.equal(true);
    });

    it("boots the Kafka nodes only once every private NAT route and the gateway and interface endpoints exist", () => {
        const egress = [...view.ofType("aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId !== undefined), ...view.ofType("aws:ec2/vpcEndpoint:VpcEndpoint")].map((r) => r.urn);
        expect(egress).to.have.length(3 + 2 + 6);
        for (const instance of view.ofType("aws:ec2/instance:Instance")) {
            expect(instance.options.explicitDependsOn, instance.name).to.include.members(egress);
        }
    });

    it("runs the Valkey primary in 2a and replicas in 2b and 2c with automatic failover, Multi-AZ and 7-day snapshots", () => {
        expect(view.ofType(R.replicationGroup)[0].inputs).to.deep.include({
            nodeType: "cache.r7g.large",
            numCacheClusters: 3,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            snapshotRetentionLimit: 7,
            preferredCacheClusterAzs: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
        });
    });
});

describe("stack prod on an Aurora MySQL long-term-support line", () => {
    it("may turn automatic minor upgrades off, visibly, and the cluster keeps its pinned version", async () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            copy.set("prod", "database.engine", "aurora-mysql");
            copy.set("prod", "database.engineVersion", "8.0.mysql_aurora.3.10.1");
            copy.set("prod", "database.autoMinorVersionUpgrade", "false");
            const view = new RunView(await cachedStackRun("prod", copy.dir));
            const cluster = view.ofType(R.cluster)[0];
            expect(cluster.inputs).to.include({ engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.10.1" });
            // Off: Pulumi keeps the version it was told (no ignoreChanges hides a drift).
            expect(cluster.options.ignoreChanges).to.deep.equal(["clusterMembers"]);
            for (const instance of view.ofType(R.clusterInstance)) {
                expect(instance.inputs.autoMinorVersionUpgrade, instance.name).to.equal(false);
            }
        } finally {
            copy.remove();
        }
    });
});

describe("system C's data placement on the point-ecs seed (three data AZs, Aurora MySQL with one reader, Redis in cluster mode)", () => {
    it("puts the writer in 2a and the reader in 2c with database.instanceAzs, the shard's primary in 2a and replica in 2c with cache.azs; 2b without them", async () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            const placement = (view: RunView) => ({
                instances: view.ofType(R.clusterInstance).map((i) => `${i.inputs.identifier} ${i.inputs.availabilityZone} tier ${i.inputs.promotionTier}`),
                shards: view.ofType(R.replicationGroup)[0].inputs.nodeGroupConfigurations,
            });
            const before = placement(new RunView(await cachedStackRun("point-ecs", copy.dir)));
            expect(before.instances).to.have.members(["point-ecs-prod-db-2a ap-northeast-2a tier 0", "point-ecs-prod-db-2b ap-northeast-2b tier 1"]);
            expect(before.shards).to.deep.equal([{ nodeGroupId: "0001", primaryAvailabilityZone: "ap-northeast-2a", replicaAvailabilityZones: ["ap-northeast-2b"], replicaCount: 1 }]);

            for (const [i, az] of ["ap-northeast-2a", "ap-northeast-2c"].entries()) {
                copy.set("point-ecs", `database.instanceAzs[${i}]`, az);
                copy.set("point-ecs", `cache.azs[${i}]`, az);
            }
            const after = placement(new RunView(await cachedStackRun("point-ecs", copy.dir)));
            expect(after.instances).to.have.members(["point-ecs-prod-db-2a ap-northeast-2a tier 0", "point-ecs-prod-db-2c ap-northeast-2c tier 1"]);
            expect(after.shards).to.deep.equal([{ nodeGroupId: "0001", primaryAvailabilityZone: "ap-northeast-2a", replicaAvailabilityZones: ["ap-northeast-2c"], replicaCount: 1 }]);
        } finally {
            copy.remove();
        }
    });
});
