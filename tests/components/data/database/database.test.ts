/**
 * The two database components, RdsInstance (system A dev) and AuroraCluster (system A prod, B, C),
 * each alone under mocks.
 */
import { expect } from "chai";
import { AuroraCluster, AuroraClusterArgs } from "../../../../components/data/database/aurora-cluster";
import { DatabaseCommonArgs } from "../../../../components/data/database/database-common";
import { RdsInstance, RdsInstanceArgs } from "../../../../components/data/database/rds-instance";
import { ArgumentError } from "../../../../lib/problems";
import { Naming } from "../../../../lib/naming";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const D = {
    instance: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    clusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
} as const;

const DATA_SUBNETS = [
    { id: "subnet-0ddddddddddddddd1", az: "ap-northeast-2a" },
    { id: "subnet-0ddddddddddddddd2", az: "ap-northeast-2b" },
    { id: "subnet-0ddddddddddddddd3", az: "ap-northeast-2c" },
];
const DB_SG = "sg-0dbdbdbdbdbdbdbd1";

function commonArgs(change: Partial<DatabaseCommonArgs> = {}): DatabaseCommonArgs {
    return {
        naming,
        tags,
        engineVersion: "18",
        instanceClass: "db.t4g.micro",
        subnets: DATA_SUBNETS.slice(0, 2),
        securityGroupIds: [DB_SG],
        databaseName: "popcorn",
        masterUsername: "popcorn_admin",
        backup: { retentionDays: 1, window: "18:00-19:00" },
        maintenanceWindow: "sun:19:30-sun:20:30",
        deletionProtection: false,
        performanceInsights: { enabled: true, retentionDays: 7 },
        ...change,
    };
}

function instanceArgs(change: Partial<RdsInstanceArgs> = {}): RdsInstanceArgs {
    return { ...commonArgs(), storage: { allocatedGb: 20, maxAllocatedGb: 100 }, finalSnapshot: false, ...change };
}

function auroraArgs(change: Partial<AuroraClusterArgs> = {}): AuroraClusterArgs {
    return {
        ...commonArgs({ engineVersion: "18", instanceClass: "db.r7g.large", subnets: DATA_SUBNETS, backup: { retentionDays: 14, window: "18:00-19:00" }, deletionProtection: true }),
        readers: 2,
        ...change,
    };
}

describe("components/rds-instance: system A dev", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new RdsInstance("db", instanceArgs()));
    });

    it("runs PostgreSQL 18 on db.t4g.micro with 20 GiB gp3 growing to 100, single-AZ in 2a, not public", () => {
        expect(view.one(D.instance, "db-instance").inputs).to.deep.include({
            identifier: "goorm-popcorn-dev-db",
            engine: "postgres",
            engineVersion: "18",
            instanceClass: "db.t4g.micro",
            storageType: "gp3",
            allocatedStorage: 20,
            maxAllocatedStorage: 100,
            multiAz: false,
            availabilityZone: "ap-northeast-2a",
            publiclyAccessible: false,
            port: 5432,
            vpcSecurityGroupIds: [DB_SG],
        });
    });

    it("encrypts storage, lets RDS keep the master password in Secrets Manager, and turns IAM auth on", () => {
        const inputs = view.one(D.instance, "db-instance").inputs;
        expect(inputs).to.include({ storageEncrypted: true, manageMasterUserPassword: true, iamDatabaseAuthenticationEnabled: true, username: "popcorn_admin", dbName: "popcorn" });
        expect(inputs.password).to.equal(undefined);
    });

    it("keeps backups 1 day in its window, no deletion protection and no final snapshot (dev)", () => {
        expect(view.one(D.instance, "db-instance").inputs).to.include({
            backupRetentionPeriod: 1,
            backupWindow: "18:00-19:00",
            maintenanceWindow: "sun:19:30-sun:20:30",
            deletionProtection: false,
            skipFinalSnapshot: true,
            copyTagsToSnapshot: true,
            autoMinorVersionUpgrade: true,
        });
        expect(view.one(D.instance, "db-instance").options.protect).to.equal(false);
    });

    it("exports its logs, watches the OS every 60 s, and leaves Performance Insights off on a class without it", () => {
        const inputs = view.one(D.instance, "db-instance").inputs;
        expect(inputs.enabledCloudwatchLogsExports).to.deep.equal(["postgresql", "upgrade"]);
        expect(inputs).to.include({ monitoringInterval: 60, monitoringRoleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/goorm-popcorn-dev-rds-monitoring`, performanceInsightsEnabled: false });
        const role = view.one(T.role, "db-monitoring-role");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal).to.deep.equal({ Service: "monitoring.rds.amazonaws.com" });
        expect(view.one(D.attachment, "db-monitoring-policy").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
    });

    it("sits in a subnet group of the data subnets, with TLS-only parameters of the postgres18 family", () => {
        expect(view.one(D.subnetGroup, "db-subnet-group").inputs.subnetIds).to.deep.equal(DATA_SUBNETS.slice(0, 2).map((s) => s.id));
        expect(view.one(D.parameterGroup, "db-parameters").inputs).to.deep.include({
            family: "postgres18",
            parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
        });
        expect(view.one(D.instance, "db-instance").inputs.parameterGroupName).to.equal("goorm-popcorn-dev-db-postgres18");
    });

    it("tags every taggable child with Component=rds-instance", () => {
        for (const r of view.custom.filter((x) => isTaggable(x.type))) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "rds-instance", Project: "goorm-popcorn" });
        }
    });
});

describe("components/rds-instance: protected", () => {
    it("keeps a final snapshot even once deletion protection is lifted", async () => {
        const view = await runView(() => new RdsInstance("db", instanceArgs({ deletionProtection: false, finalSnapshot: true })));
        expect(view.one(D.instance, "db-instance").inputs).to.include({ deletionProtection: false, skipFinalSnapshot: false, finalSnapshotIdentifier: "goorm-popcorn-dev-db-final" });
    });

    it("keeps a final snapshot, refuses deletion and is protected from pulumi destroy", async () => {
        const view = await runView(() => new RdsInstance("db", instanceArgs({ deletionProtection: true, finalSnapshot: true, multiAz: true, protect: true, instanceClass: "db.t4g.medium" })));
        const instance = view.one(D.instance, "db-instance");
        expect(instance.inputs).to.include({ deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "goorm-popcorn-dev-db-final", multiAz: true, performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7 });
        expect(instance.inputs.availabilityZone).to.equal(undefined);
        expect(instance.options.protect).to.equal(true);
    });
});

describe("components/aurora-cluster: system A prod", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new AuroraCluster("db", auroraArgs({ protect: true, readerAutoscaling: { min: 2, max: 4 } })));
    });

    it("creates an encrypted Aurora PostgreSQL 18 cluster with a managed master password and IAM auth", () => {
        expect(view.one(D.cluster, "db-cluster").inputs).to.deep.include({
            clusterIdentifier: "goorm-popcorn-dev-db",
            engine: "aurora-postgresql",
            engineVersion: "18",
            storageEncrypted: true,
            manageMasterUserPassword: true,
            iamDatabaseAuthenticationEnabled: true,
            masterUsername: "popcorn_admin",
            databaseName: "popcorn",
            vpcSecurityGroupIds: [DB_SG],
            enabledCloudwatchLogsExports: ["postgresql"],
        });
        expect(view.one(D.cluster, "db-cluster").inputs.masterPassword).to.equal(undefined);
    });

    it("keeps 14 days of backups, refuses deletion, keeps a final snapshot, and is protected", () => {
        const cluster = view.one(D.cluster, "db-cluster");
        expect(cluster.inputs).to.include({ backupRetentionPeriod: 14, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "goorm-popcorn-dev-db-final", copyTagsToSnapshot: true });
        expect(cluster.options.protect).to.equal(true);
        expect(view.ofType(D.clusterInstance).every((i) => i.options.protect)).to.equal(true);
    });

    it("puts the writer in 2a and one reader in each of 2b and 2c, with insights and monitoring", () => {
        const instances = view.ofType(D.clusterInstance).map((i) => [i.inputs.identifier, i.inputs.availabilityZone, i.inputs.promotionTier]);
        expect(instances).to.have.deep.members([
            ["goorm-popcorn-dev-db-2a", "ap-northeast-2a", 0],
            ["goorm-popcorn-dev-db-2b", "ap-northeast-2b", 1],
            ["goorm-popcorn-dev-db-2c", "ap-northeast-2c", 1],
        ]);
        for (const instance of view.ofType(D.clusterInstance)) {
            expect(instance.inputs).to.include({ instanceClass: "db.r7g.large", publiclyAccessible: false, performanceInsightsEnabled: true, monitoringInterval: 60, clusterIdentifier: "goorm-popcorn-dev-db" });
        }
    });

    it("creates the readers after the writer, so the writer is the instance in the configured AZ", () => {
        const writer = view.one(D.clusterInstance, "db-2a");
        expect(writer.options.explicitDependsOn).to.not.include.members(view.ofType(D.clusterInstance).map((i) => i.urn));
        for (const reader of ["db-2b", "db-2c"]) {
            expect(view.one(D.clusterInstance, reader).options.explicitDependsOn, reader).to.include(writer.urn);
        }
    });

    it("has TLS-only cluster parameters and an instance parameter group of the aurora-postgresql18 family", () => {
        expect(view.one(D.clusterParameterGroup, "db-cluster-parameters").inputs).to.deep.include({ family: "aurora-postgresql18", parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }] });
        expect(view.one(D.parameterGroup, "db-instance-parameters").inputs.family).to.equal("aurora-postgresql18");
        expect(view.ofType(D.clusterInstance).every((i) => i.inputs.dbParameterGroupName === "goorm-popcorn-dev-db-instance-aurora-postgresql18")).to.equal(true);
    });

    it("scales the reader count 2–4 on reader CPU", () => {
        expect(view.one(D.scalingTarget, "db-reader-scaling").inputs).to.include({ serviceNamespace: "rds", scalableDimension: "rds:cluster:ReadReplicaCount", resourceId: "cluster:goorm-popcorn-dev-db", minCapacity: 2, maxCapacity: 4 });
        const policy = view.one(D.scalingPolicy, "db-reader-scale-on-cpu").inputs.targetTrackingScalingPolicyConfiguration as { predefinedMetricSpecification: { predefinedMetricType: string }; targetValue: number };
        expect(policy.predefinedMetricSpecification.predefinedMetricType).to.equal("RDSReaderAverageCPUUtilization");
        expect(policy.targetValue).to.equal(70);
        expect(view.one(D.cluster, "db-cluster").options.ignoreChanges).to.deep.equal(["clusterMembers"]);
    });
});

describe("components/aurora-cluster: system C's placement (instanceAzs [2a, 2c] over a three-AZ tier)", () => {
    let view: RunView;
    before(async () => {
        view = await runView(
            () =>
                new AuroraCluster(
                    "db",
                    auroraArgs({ engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.10.1", autoMinorVersionUpgrade: false, readers: 1, instanceAzs: ["ap-northeast-2a", "ap-northeast-2c"] }),
                ),
        );
    });

    it("puts the writer in 2a and the reader in 2c (not the next data AZ, 2b), named after their AZs", () => {
        const instances = view.ofType(D.clusterInstance).map((i) => [i.name, i.inputs.identifier, i.inputs.availabilityZone, i.inputs.promotionTier]);
        expect(instances).to.have.deep.members([
            ["db-2a", "goorm-popcorn-dev-db-2a", "ap-northeast-2a", 0],
            ["db-2c", "goorm-popcorn-dev-db-2c", "ap-northeast-2c", 1],
        ]);
        expect(view.one(D.clusterInstance, "db-2c").options.explicitDependsOn).to.include(view.one(D.clusterInstance, "db-2a").urn);
    });

    it("keeps the subnet group over the whole data tier", () => {
        expect(view.one(D.subnetGroup, "db-subnet-group").inputs.subnetIds).to.deep.equal(DATA_SUBNETS.map((s) => s.id));
    });

    it("takes the writer's AZ from the list's head: [2c, 2a] puts the writer in 2c", async () => {
        const swapped = await runView(() => new AuroraCluster("db", auroraArgs({ readers: 1, instanceAzs: ["ap-northeast-2c", "ap-northeast-2a"] })));
        const tiers = swapped.ofType(D.clusterInstance).map((i) => `${i.inputs.availabilityZone} tier ${i.inputs.promotionTier}`);
        expect(tiers).to.have.members(["ap-northeast-2c tier 0", "ap-northeast-2a tier 1"]);
    });
});

describe("components: the application user", () => {
    it("names the rds-db:connect resource of the application user: the instance's resource id, or the cluster's", async () => {
        const view = await runView(() => {
            const instance = new RdsInstance("db", instanceArgs());
            const cluster = new AuroraCluster("aurora", auroraArgs({ naming: new Naming("aurora", "dev"), applicationUser: "orders" }));
            return { instance: instance.applicationUserArn, cluster: cluster.applicationUserArn, users: [instance.applicationUser, cluster.applicationUser] };
        });
        const prefix = `arn:aws:rds-db:ap-northeast-2:${MOCK_ACCOUNT_ID}:dbuser:`;
        expect(view.run.outputs.users).to.deep.equal(["app", "orders"]);
        expect(view.run.outputs.instance).to.match(new RegExp(`^${prefix}db-[0-9A-F]{26}/app$`));
        expect(view.run.outputs.cluster).to.match(new RegExp(`^${prefix}cluster-[0-9A-F]{26}/orders$`));
        expect(view.one(D.instance, "db-instance").inputs.iamDatabaseAuthenticationEnabled).to.equal(true);
        expect(view.one(D.cluster, "aurora-cluster").inputs.iamDatabaseAuthenticationEnabled).to.equal(true);
    });

    it("refuses an application user that is the master user or reserved", () => {
        expect(() => new RdsInstance("db", instanceArgs({ applicationUser: "popcorn_admin" }))).to.throw(ArgumentError, 'applicationUser: "popcorn_admin" is reserved or the master user');
        expect(() => new RdsInstance("db", instanceArgs({ applicationUser: "postgres" }))).to.throw(ArgumentError, 'applicationUser: "postgres" is reserved or the master user');
        expect(() => new RdsInstance("db", instanceArgs({ applicationUser: "1app" }))).to.throw(ArgumentError, 'applicationUser: "1app" is not a user name');
    });
});

describe("components: engine versions under automatic minor upgrades", () => {
    it("lets the instance and every cluster instance take AWS's minor upgrades, or not, as asked", async () => {
        const view = await runView(() => {
            new RdsInstance("db", instanceArgs({ engineVersion: "18.1", autoMinorVersionUpgrade: false }));
            new AuroraCluster("aurora", auroraArgs());
        });
        expect(view.one(D.instance, "db-instance").inputs).to.include({ engineVersion: "18.1", autoMinorVersionUpgrade: false });
        expect(view.ofType(D.clusterInstance).map((i) => i.inputs.autoMinorVersionUpgrade)).to.deep.equal([true, true, true]);
    });

    it("ignores Aurora MySQL's version after AWS upgraded it (its versions have no major-only form), unless upgrades are off", async () => {
        const mysql = { engine: "aurora-mysql" as const, engineVersion: "8.0.mysql_aurora.3.08.2" };
        const view = await runView(() => {
            new AuroraCluster("auto", auroraArgs({ ...mysql, naming: new Naming("auto", "dev") }));
            new AuroraCluster("pinned", auroraArgs({ ...mysql, naming: new Naming("pinned", "dev"), autoMinorVersionUpgrade: false }));
        });
        expect(view.one(D.cluster, "auto-cluster").options.ignoreChanges).to.have.members(["clusterMembers", "engineVersion"]);
        expect(view.one(D.cluster, "pinned-cluster").options.ignoreChanges).to.deep.equal(["clusterMembers"]);
    });

    it("refuses a pinned minor version with upgrades on, naming the major to use", () => {
        expect(() => new RdsInstance("db", instanceArgs({ engineVersion: "17.6" }))).to.throw(ArgumentError, 'engineVersion: "17.6" pins a minor version while autoMinorVersionUpgrade is on');
        expect(() => new RdsInstance("db", instanceArgs({ engine: "mysql", engineVersion: "8.4.5" }))).to.throw(ArgumentError, 'use the major version "8.4"');
    });
});

describe("components/aurora-cluster: Serverless v2 that may pause", () => {
    it("scales 0–4 ACU on db.serverless instances", async () => {
        const view = await runView(() => new AuroraCluster("db", auroraArgs({ instanceClass: "db.serverless", serverless: { minAcu: 0, maxAcu: 4 }, readers: 1 })));
        expect(view.one(D.cluster, "db-cluster").inputs.serverlessv2ScalingConfiguration).to.deep.equal({ minCapacity: 0, maxCapacity: 4 });
        expect(view.ofType(D.clusterInstance).map((i) => i.inputs.instanceClass)).to.deep.equal(["db.serverless", "db.serverless"]);
    });
});

describe("components/database: bad arguments", () => {
    it("refuses an Aurora class AWS does not offer, more readers than AZs, and a bad window, before any resource", () => {
        expect(
            () =>
                new AuroraCluster(
                    "db",
                    auroraArgs({ instanceClass: "db.t4g.micro", readers: 3, backup: { retentionDays: 0, window: "19:30-20:00" }, maintenanceWindow: "sun:19:00-sun:20:00" }),
                ),
        ).to.throw(
            ArgumentError,
            'AuroraCluster "db": invalid arguments:\n' +
                '  instanceClass: "db.t4g.micro" is not offered by Aurora; the smallest burstable Aurora classes are db.t4g.medium and db.t3.medium (or db.serverless)\n' +
                "  backup.retentionDays: 0 is outside 1–35 days\n" +
                '  backup.window: "19:30-20:00" overlaps the maintenance window "sun:19:00-sun:20:00"; AWS refuses overlapping windows\n' +
                '  readers: 3 readers and a writer need 4 distinct AZs to sit apart; the data tier has 3 ("ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c")',
        );
    });

    it("refuses storage that cannot grow, a reserved user name, a bad version and one data AZ", () => {
        expect(
            () =>
                new RdsInstance(
                    "db",
                    instanceArgs({ engineVersion: "9.6", masterUsername: "postgres", storage: { allocatedGb: 100, maxAllocatedGb: 100 }, subnets: DATA_SUBNETS.slice(0, 1) }),
                ),
        ).to.throw(
            ArgumentError,
            'RdsInstance "db": invalid arguments:\n' +
                '  engineVersion: "9.6" is not a postgres version AWS offers; use major 13, 14, 15, 16, 17, 18, alone or with a minor version, e.g. 18.1\n' +
                '  masterUsername: "postgres" is reserved by the engine or RDS; choose another name\n' +
                "  subnets: span 1 AZ(s); a DB subnet group needs subnets in at least two AZs\n" +
                "  storage.maxAllocatedGb: 100 must be at least 10 % above allocatedGb (111 for 100) and at most 65536 GiB, so storage can grow",
        );
    });

    it("refuses instanceAzs of the wrong length, with a repeated AZ, or outside the data tier", () => {
        expect(() => new AuroraCluster("db", auroraArgs({ readers: 1, instanceAzs: ["ap-northeast-2a"] }))).to.throw(
            ArgumentError,
            'AuroraCluster "db": invalid arguments:\n  instanceAzs: ["ap-northeast-2a"] names 1 AZ(s); the writer and 1 reader(s) need 2: the writer\'s AZ first, then one per reader',
        );
        expect(() => new AuroraCluster("db", auroraArgs({ readers: 1, instanceAzs: ["ap-northeast-2c", "ap-northeast-2c"] }))).to.throw(
            ArgumentError,
            'AuroraCluster "db": invalid arguments:\n  instanceAzs: ["ap-northeast-2c","ap-northeast-2c"] names "ap-northeast-2c" more than once; the writer and each reader sit in AZs of their own, so losing one AZ never takes them all',
        );
        expect(() => new AuroraCluster("db", auroraArgs({ readers: 1, subnets: DATA_SUBNETS.slice(0, 2), instanceAzs: ["ap-northeast-2a", "ap-northeast-2c"] }))).to.throw(
            ArgumentError,
            'AuroraCluster "db": invalid arguments:\n  instanceAzs: ["ap-northeast-2a","ap-northeast-2c"] names "ap-northeast-2c", not an AZ of the data tier ("ap-northeast-2a", "ap-northeast-2b")',
        );
    });

    it("refuses Serverless settings without db.serverless, and reader autoscaling below the readers", () => {
        expect(() => new AuroraCluster("db", auroraArgs({ serverless: { minAcu: 0.5, maxAcu: 4 }, readerAutoscaling: { min: 1, max: 3 } }))).to.throw(
            ArgumentError,
            "  serverless: goes with instanceClass db.serverless, and db.serverless needs it (min and max ACU)\n  readerAutoscaling.min: 1 is below the 2 reader(s) the stack runs; autoscaling would remove them",
        );
    });
});

describe("components/database: exported logs", () => {
    it("creates the instance's export log groups with a retention before RDS does, and waits for them", async () => {
        const view = await runView(() => new RdsInstance("db", instanceArgs({ logRetentionDays: 14 })));
        const groups = view.ofType(T.logGroup);
        expect(groups.map((g) => g.inputs.name)).to.deep.equal(["/aws/rds/instance/goorm-popcorn-dev-db/postgresql", "/aws/rds/instance/goorm-popcorn-dev-db/upgrade"]);
        expect(groups.map((g) => g.inputs.retentionInDays)).to.deep.equal([14, 14]);
        const instance = view.one(D.instance, "db-instance");
        expect(instance.inputs.enabledCloudwatchLogsExports).to.deep.equal(["postgresql", "upgrade"]);
        expect(instance.options.dependsOn).to.include.members(groups.map((g) => g.urn));
    });

    it("puts an Aurora cluster's under /aws/rds/cluster/<id>/, 30 days by default, and only for the logs exported", async () => {
        const view = await runView(() => new AuroraCluster("db", auroraArgs({ logExports: ["postgresql"] })));
        const [group] = view.ofType(T.logGroup);
        expect(view.ofType(T.logGroup)).to.have.length(1);
        expect(group.inputs).to.include({ name: "/aws/rds/cluster/goorm-popcorn-dev-db/postgresql", retentionInDays: 30 });
        expect(view.one(D.cluster, "db-cluster").options.dependsOn).to.include(group.urn);
    });

    it("refuses a retention CloudWatch does not offer", () => {
        expect(() => new RdsInstance("db", instanceArgs({ logRetentionDays: 10 as never }))).to.throw(ArgumentError, /logRetentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7/);
    });
});
