import { expect } from "chai";
import { byKey, decision, metric, thresholdIssues, thresholdsOf } from "../../../support/alarms";
import {
    DATABASE_THRESHOLDS,
    DatabaseThresholds,
    WatchedDatabase,
    databaseAlarms,
    databaseThresholds,
    defaultMaxConnections,
    instanceClassMemoryBytes,
    instanceClassMemoryGib,
} from "../../../../components/data/database/alarms";

const MIB = 1024 * 1024;

/** System A's dev database: PostgreSQL on db.t4g.micro. */
const DEV_DB: WatchedDatabase = { kind: "instance", identifier: "goorm-popcorn-dev-db", engine: "postgres", instanceClass: "db.t4g.micro" };

/** The thresholds as config gives them: `given` over the defaults. */
const thresholds = (given: Record<string, unknown> = {}): DatabaseThresholds => thresholdsOf(DATABASE_THRESHOLDS, given);

const issues = (input: Record<string, unknown>) => thresholdIssues(DATABASE_THRESHOLDS, input);

describe("components/data/database/alarms: DATABASE_THRESHOLDS", () => {
    it("defaults CPU to 80% and leaves memory and connections to the class", () => {
        expect(thresholds()).to.deep.equal({ dbCpuPercent: 80 });
    });

    it("accepts given memory and connections", () => {
        expect(thresholds({ dbCpuPercent: 100, dbFreeableMemoryMib: 512, dbConnections: 90 })).to.deep.equal({ dbCpuPercent: 100, dbFreeableMemoryMib: 512, dbConnections: 90 });
    });

    const cases: Array<[string, Record<string, unknown>, Array<{ path: string[]; message: string }>]> = [
        ["a percentage of 0", { dbCpuPercent: 0 }, [{ path: ["dbCpuPercent"], message: "0 is not a percentage; use a number above 0 and at most 100" }]],
        ["a fractional connection count", { dbConnections: 80.5 }, [{ path: ["dbConnections"], message: "80.5 is not allowed; use a whole number above 0" }]],
        ["no freeable memory", { dbFreeableMemoryMib: 0 }, [{ path: ["dbFreeableMemoryMib"], message: "0 is not allowed; use a whole number above 0" }]],
    ];
    for (const [what, input, expected] of cases) {
        it(`refuses ${what}`, () => {
            expect(issues(input)).to.deep.equal(expected);
        });
    }

    it("reports every bad value", () => {
        expect(issues({ dbCpuPercent: 150, dbFreeableMemoryMib: -1, dbConnections: 1.5 })).to.deep.equal([
            { path: ["dbCpuPercent"], message: "150 is not a percentage; use a number above 0 and at most 100" },
            { path: ["dbFreeableMemoryMib"], message: "-1 is not allowed; use a whole number above 0" },
            { path: ["dbConnections"], message: "1.5 is not allowed; use a whole number above 0" },
        ]);
    });
});

describe("components/data/database/alarms: instanceClassMemoryGib", () => {
    const known: Array<[string, number]> = [
        ["db.t4g.micro", 1],
        ["db.t3.medium", 4],
        ["db.t4g.large", 8],
        ["db.m7g.xlarge", 16],
        ["db.m5.large", 8],
        ["db.m6gd.4xlarge", 64],
        ["db.r7g.large", 16],
        ["db.r6gd.2xlarge", 64],
        ["db.r6i.32xlarge", 1024],
        ["db.r8g.48xlarge", 1536],
    ];
    for (const [instanceClass, gib] of known) {
        it(`knows ${instanceClass} has ${gib} GiB`, () => {
            expect(instanceClassMemoryGib(instanceClass)).to.equal(gib);
        });
    }

    it("sizes db.serverless at its maximum ACUs, 2 GiB each, and not at all without them", () => {
        expect(instanceClassMemoryGib("db.serverless", 16)).to.equal(32);
        expect(instanceClassMemoryGib("db.serverless", 0.5)).to.equal(1);
        expect(instanceClassMemoryGib("db.serverless")).to.equal(undefined);
    });

    it("does not know other families, sizes or shapes", () => {
        for (const unknown of ["db.x2g.large", "db.t2.micro", "db.r7g.medium", "db.t4g.4xlarge", "cache.t4g.micro", "r7g.large", "db.r7g"]) {
            expect(instanceClassMemoryGib(unknown), unknown).to.equal(undefined);
        }
    });
});

describe("components/data/database/alarms: defaultMaxConnections", () => {
    it("estimates DBInstanceClassMemory low (90 % of the class, less 150 MiB), so derived alarms fire early", () => {
        expect(instanceClassMemoryBytes(1)).to.equal(771.6 * MIB);
        expect(instanceClassMemoryBytes(16)).to.equal(14595.6 * MIB);
        // Published PostgreSQL limits (t3.small 198, t3.medium 413, t3.large 856) are never below the estimate.
        expect([2, 4, 8].map((gib) => defaultMaxConnections("postgres", gib))).to.deep.equal([186, 389, 794]);
    });

    it("gives PostgreSQL DBInstanceClassMemory/9531392: 84 on 1 GiB", () => {
        expect(defaultMaxConnections("postgres", 1)).to.equal(84);
        expect(defaultMaxConnections("aurora-postgresql", 16)).to.equal(1605);
    });

    it("takes Aurora MySQL's limits from its table, not a formula, and gives none for a class it does not list", () => {
        expect(defaultMaxConnections("aurora-mysql", 16, "db.r6g.large")).to.equal(1000);
        expect(defaultMaxConnections("aurora-mysql", 64, "db.r7g.2xlarge")).to.equal(3000);
        expect(defaultMaxConnections("aurora-mysql", 4, "db.t4g.medium")).to.equal(90);
        expect(defaultMaxConnections("aurora-mysql", 8, "db.t3.large")).to.equal(135);
        expect(defaultMaxConnections("aurora-mysql", 8, "db.serverless")).to.equal(undefined);
    });

    it("caps PostgreSQL at 5000 on a big class", () => {
        expect(defaultMaxConnections("postgres", 128)).to.equal(5000);
        expect(defaultMaxConnections("aurora-postgresql", 1024)).to.equal(5000);
    });

    it("gives MySQL DBInstanceClassMemory/12582880, without a cap", () => {
        expect(defaultMaxConnections("mysql", 1)).to.equal(64);
        expect(defaultMaxConnections("mysql", 16)).to.equal(1216);
        expect(defaultMaxConnections("mysql", 128)).to.equal(9817);
    });
});

describe("components/data/database/alarms: databaseThresholds", () => {
    it("derives 10% of the memory in MiB and 80% of max_connections from the class", () => {
        expect(databaseThresholds({}, { engine: "postgres", instanceClass: "db.t4g.micro" })).to.deep.equal({ freeableMemoryMib: 102, connections: 67 });
        expect(databaseThresholds({}, { engine: "mysql", instanceClass: "db.m7g.xlarge" })).to.deep.equal({ freeableMemoryMib: 1638, connections: 972 });
        expect(databaseThresholds({}, { engine: "aurora-postgresql", instanceClass: "db.serverless", serverlessMaxAcu: 8 })).to.deep.equal({ freeableMemoryMib: 1638, connections: 1284 });
        expect(databaseThresholds({}, { engine: "aurora-mysql", instanceClass: "db.r6g.large" })).to.deep.equal({ freeableMemoryMib: 1638, connections: 800 });
    });

    it("derives the same from the parsed defaults (dbCpuPercent alone)", () => {
        expect(databaseThresholds(thresholds(), { engine: "postgres", instanceClass: "db.t4g.micro" })).to.deep.equal({ freeableMemoryMib: 102, connections: 67 });
    });

    it("lets config win over what the class gives", () => {
        expect(databaseThresholds({ dbFreeableMemoryMib: 256, dbConnections: 60 }, { engine: "postgres", instanceClass: "db.r7g.large" })).to.deep.equal({
            freeableMemoryMib: 256,
            connections: 60,
        });
        expect(databaseThresholds({ dbConnections: 60 }, { engine: "postgres", instanceClass: "db.r7g.large" })).to.deep.equal({ freeableMemoryMib: 1638, connections: 60 });
    });

    it("leaves undefined what neither config nor the class gives", () => {
        expect(databaseThresholds({}, { engine: "postgres", instanceClass: "db.x2g.large" })).to.deep.equal({ freeableMemoryMib: undefined, connections: undefined });
        expect(databaseThresholds({}, { engine: "aurora-mysql", instanceClass: "db.serverless" })).to.deep.equal({ freeableMemoryMib: undefined, connections: undefined });
        expect(databaseThresholds({ dbFreeableMemoryMib: 4096 }, { engine: "postgres", instanceClass: "db.x2g.large" })).to.deep.equal({ freeableMemoryMib: 4096, connections: undefined });
    });
});

describe("components/data/database/alarms: databaseAlarms for an RDS instance", () => {
    const specs = databaseAlarms(DEV_DB, thresholds());

    it("makes exactly these alarms, in this order, each on one metric", () => {
        expect(specs.map((s) => s.key)).to.deep.equal(["db-cpu", "db-freeable-memory", "db-connections"]);
        for (const spec of specs) {
            expect(spec.math, spec.key).to.equal(undefined);
            expect(spec.metric, spec.key).not.to.equal(undefined);
        }
    });

    it("watches the RDS instance by DBInstanceIdentifier: CPU above 80%, freeable memory below 102 MiB, connections above 67", () => {
        const dimensions = { DBInstanceIdentifier: "goorm-popcorn-dev-db" };
        const cpu = byKey(specs, "db-cpu");
        expect(cpu.metric).to.deep.equal(metric("AWS/RDS", "CPUUtilization", dimensions, "Average"));
        expect(decision(cpu)).to.deep.equal({
            group: "database",
            comparison: "GreaterThanThreshold",
            threshold: 80,
            thresholdSource: "platform:monitoring.thresholds.dbCpuPercent",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(cpu.description).to.equal("CPU of database goorm-popcorn-dev-db above 80% for 5 minutes");
        const memory = byKey(specs, "db-freeable-memory");
        expect(memory.metric).to.deep.equal(metric("AWS/RDS", "FreeableMemory", dimensions, "Minimum"));
        // FreeableMemory is in bytes.
        expect(decision(memory)).to.deep.equal({
            group: "database",
            comparison: "LessThanThreshold",
            threshold: 102 * MIB,
            thresholdSource: "platform:monitoring.thresholds.dbFreeableMemoryMib (default: 10% of db.t4g.micro)",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(memory.description).to.equal("Freeable memory of database goorm-popcorn-dev-db below 102 MiB for 5 minutes");
        const connections = byKey(specs, "db-connections");
        expect(connections.metric).to.deep.equal(metric("AWS/RDS", "DatabaseConnections", dimensions, "Maximum"));
        expect(decision(connections)).to.deep.equal({
            group: "database",
            comparison: "GreaterThanThreshold",
            threshold: 67,
            thresholdSource: "platform:monitoring.thresholds.dbConnections (default: 80% of postgres's max_connections on db.t4g.micro)",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(connections.description).to.equal("Connections to database goorm-popcorn-dev-db above 67 for 5 minutes (near max_connections)");
    });

    it("gives every alarm a unique key and a description", () => {
        expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
        for (const spec of specs) {
            // The component appends ". Threshold: …" to it.
            expect(spec.description, spec.key).to.match(/^\S.{20,}[^.]$/);
        }
    });

    it("leaves out the memory-based alarms it cannot size (config validation requires them)", () => {
        const unknown = databaseAlarms({ ...DEV_DB, instanceClass: "db.x2g.large" }, thresholds());
        expect(unknown.map((s) => s.key)).to.deep.equal(["db-cpu"]);
    });
});

describe("components/data/database/alarms: databaseAlarms for an Aurora cluster", () => {
    const aurora = (hasReaders: boolean) =>
        databaseAlarms({ kind: "aurora", clusterIdentifier: "goorm-popcorn-prod-db", hasReaders, engine: "aurora-postgresql", instanceClass: "db.r7g.large" }, thresholds());

    it("watches the writer and the readers by DBClusterIdentifier + Role", () => {
        const specs = aurora(true);
        expect(specs.map((s) => s.key)).to.deep.equal([
            "db-writer-cpu",
            "db-writer-freeable-memory",
            "db-writer-connections",
            "db-readers-cpu",
            "db-readers-freeable-memory",
            "db-readers-connections",
        ]);
        for (const [scope, role] of [["writer", "WRITER"], ["readers", "READER"]]) {
            const dimensions = { DBClusterIdentifier: "goorm-popcorn-prod-db", Role: role };
            expect(byKey(specs, `db-${scope}-cpu`).metric).to.deep.equal(metric("AWS/RDS", "CPUUtilization", dimensions, "Average"));
            const memory = byKey(specs, `db-${scope}-freeable-memory`);
            expect(memory.metric).to.deep.equal(metric("AWS/RDS", "FreeableMemory", dimensions, "Minimum"));
            expect(memory.threshold).to.equal(1638 * MIB);
            const connections = byKey(specs, `db-${scope}-connections`);
            expect(connections.metric).to.deep.equal(metric("AWS/RDS", "DatabaseConnections", dimensions, "Maximum"));
            // 80% of floor(DBInstanceClassMemory of 16 GiB / 9531392) = 80% of 1605.
            expect(connections.threshold).to.equal(1284);
            expect(connections.thresholdSource).to.equal("platform:monitoring.thresholds.dbConnections (default: 80% of aurora-postgresql's max_connections on db.r7g.large)");
        }
        expect(byKey(specs, "db-readers-cpu").description).to.equal("CPU of the readers of goorm-popcorn-prod-db above 80% for 5 minutes");
        expect(byKey(specs, "db-writer-connections").description).to.equal("Connections to the writer of goorm-popcorn-prod-db above 1284 for 5 minutes (near max_connections)");
    });

    it("makes no READER alarm for a cluster without readers", () => {
        const specs = aurora(false);
        expect(specs.map((s) => s.key)).to.deep.equal(["db-writer-cpu", "db-writer-freeable-memory", "db-writer-connections"]);
        expect(specs.every((s) => s.metric!.dimensions.Role === "WRITER")).to.equal(true);
    });

    it("sizes Serverless v2 at its maximum ACUs", () => {
        const specs = databaseAlarms(
            { kind: "aurora", clusterIdentifier: "goorm-popcorn-prod-db", hasReaders: false, engine: "aurora-postgresql", instanceClass: "db.serverless", serverlessMaxAcu: 4 },
            thresholds(),
        );
        // 4 ACUs = 8 GiB: 819 MiB, and 80% of floor(DBInstanceClassMemory of 8 GiB / 9531392) = 80% of 794.
        expect(byKey(specs, "db-writer-freeable-memory").threshold).to.equal(819 * MIB);
        expect(byKey(specs, "db-writer-connections").threshold).to.equal(635);
    });

    it("leaves out the alarms of Aurora MySQL Serverless v2 without a maximum it cannot size", () => {
        const specs = databaseAlarms(
            { kind: "aurora", clusterIdentifier: "goorm-popcorn-prod-db", hasReaders: false, engine: "aurora-mysql", instanceClass: "db.serverless" },
            thresholds({ dbConnections: 500 }),
        );
        expect(specs.map((s) => s.key)).to.deep.equal(["db-writer-cpu", "db-writer-connections"]);
        expect(decision(byKey(specs, "db-writer-connections"))).to.include({ threshold: 500, thresholdSource: "platform:monitoring.thresholds.dbConnections" });
    });
});

describe("components/data/database/alarms: databaseAlarms with given thresholds", () => {
    const specs = databaseAlarms(DEV_DB, thresholds({ dbCpuPercent: 90, dbFreeableMemoryMib: 64, dbConnections: 60 }));

    it("uses them instead of the defaults", () => {
        expect(byKey(specs, "db-cpu").threshold).to.equal(90);
        expect(byKey(specs, "db-cpu").description).to.equal("CPU of database goorm-popcorn-dev-db above 90% for 5 minutes");
    });

    it("takes the database's thresholds from config and says so", () => {
        expect(decision(byKey(specs, "db-freeable-memory"))).to.include({ threshold: 64 * MIB, thresholdSource: "platform:monitoring.thresholds.dbFreeableMemoryMib" });
        expect(byKey(specs, "db-freeable-memory").description).to.equal("Freeable memory of database goorm-popcorn-dev-db below 64 MiB for 5 minutes");
        expect(decision(byKey(specs, "db-connections"))).to.include({ threshold: 60, thresholdSource: "platform:monitoring.thresholds.dbConnections" });
    });

    it("derives from the class only what is not given", () => {
        const some = databaseAlarms(DEV_DB, thresholds({ dbConnections: 60 }));
        expect(decision(byKey(some, "db-freeable-memory"))).to.include({
            threshold: 102 * MIB,
            thresholdSource: "platform:monitoring.thresholds.dbFreeableMemoryMib (default: 10% of db.t4g.micro)",
        });
        expect(decision(byKey(some, "db-connections"))).to.include({ threshold: 60, thresholdSource: "platform:monitoring.thresholds.dbConnections" });
    });
});
