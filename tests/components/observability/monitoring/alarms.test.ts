import { expect } from "chai";
import {
    AlarmSpec,
    DEFAULT_THRESHOLDS,
    MetricRef,
    WatchTargets,
    WatchedEcsService,
    alarmSpecs,
    databaseThresholds,
    defaultMaxConnections,
    instanceClassMemoryBytes,
    instanceClassMemoryGib,
    thresholdProblems,
} from "../../../../components/observability/monitoring/alarms";

const CLUSTER = "goorm-popcorn-dev-cluster";
const LB = "app/goorm-popcorn-alb-dev/0123456789abcdef";
const TG_BLUE = "targetgroup/goorm-popcorn-gateway-dev/1111111111111111";
const KAFKA_IDS = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"];
const MIB = 1024 * 1024;

/** api-gateway's blue colour behind the ALB, and order-service without a target group. */
const GATEWAY_BLUE: WatchedEcsService = {
    service: "api-gateway",
    label: "api-gateway-blue",
    ecsServiceName: "goorm-popcorn-dev-api-gateway-blue",
    clusterName: CLUSTER,
    desiredCount: 2,
    targetGroupArnSuffix: TG_BLUE,
};
const ORDER: WatchedEcsService = {
    service: "order-service",
    label: "order-service",
    ecsServiceName: "goorm-popcorn-dev-order-service",
    clusterName: CLUSTER,
    desiredCount: 1,
};

/** Two deployments, the ALB, system A's dev database (postgres on db.t4g.micro), a 3-node cache and 2 Kafka nodes. */
function targets(change: Partial<WatchTargets> = {}): WatchTargets {
    return {
        ecsServices: [GATEWAY_BLUE, ORDER],
        containerInsights: true,
        loadBalancerArnSuffix: LB,
        database: { kind: "instance", identifier: "goorm-popcorn-dev-db", engine: "postgres", instanceClass: "db.t4g.micro" },
        cache: { replicationGroupId: "goorm-popcorn-dev-cache", nodeIds: ["goorm-popcorn-dev-cache-001", "goorm-popcorn-dev-cache-002", "goorm-popcorn-dev-cache-003"] },
        kafka: { instanceIds: KAFKA_IDS, dataPath: "/var/lib/kafka" },
        ...change,
    };
}

function byKey(specs: readonly AlarmSpec[], key: string): AlarmSpec {
    const found = specs.filter((s) => s.key === key);
    if (found.length !== 1) {
        throw new Error(`expected one alarm ${key}, found ${found.length} (have: ${specs.map((s) => s.key).join(", ")})`);
    }
    return found[0];
}

/** What an alarm decides on, without its words. */
function decision(spec: AlarmSpec) {
    return {
        group: spec.group,
        comparison: spec.comparison,
        threshold: spec.threshold,
        thresholdSource: spec.thresholdSource,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
    };
}

const metric = (namespace: string, metricName: string, dimensions: Record<string, string>, stat: string, period = 60): MetricRef => ({ namespace, metricName, dimensions, stat, period });

describe("lib/monitoring: thresholdProblems", () => {
    it("accepts the defaults, and nothing at all", () => {
        expect(thresholdProblems({ ...DEFAULT_THRESHOLDS, dbFreeableMemoryMib: 512, dbConnections: 90 })).to.deep.equal([]);
        expect(thresholdProblems({})).to.deep.equal([]);
    });

    it("accepts 100% and 0 evictions or minimum requests (the edges that are allowed)", () => {
        expect(thresholdProblems({ ecsCpuPercent: 100, kafkaDiskPercent: 0.5, cacheEvictions: 0, alb5xxMinRequests: 0 })).to.deep.equal([]);
    });

    const cases: Array<[string, Parameters<typeof thresholdProblems>[0], Array<{ path: string[]; message: string }>]> = [
        ["a percentage of 0", { ecsCpuPercent: 0 }, [{ path: ["ecsCpuPercent"], message: "0 is not a percentage; use a number above 0 and at most 100" }]],
        ["a percentage of 101", { cacheMemoryPercent: 101 }, [{ path: ["cacheMemoryPercent"], message: "101 is not a percentage; use a number above 0 and at most 100" }]],
        ["a negative percentage", { alb5xxPercent: -5 }, [{ path: ["alb5xxPercent"], message: "-5 is not a percentage; use a number above 0 and at most 100" }]],
        ["negative seconds", { albP95Seconds: -1 }, [{ path: ["albP95Seconds"], message: "-1 is not allowed; use a number above 0" }]],
        ["0 seconds", { albP95Seconds: 0 }, [{ path: ["albP95Seconds"], message: "0 is not allowed; use a number above 0" }]],
        ["a fractional connection count", { dbConnections: 80.5 }, [{ path: ["dbConnections"], message: "80.5 is not allowed; use a whole number above 0" }]],
        ["no freeable memory", { dbFreeableMemoryMib: 0 }, [{ path: ["dbFreeableMemoryMib"], message: "0 is not allowed; use a whole number above 0" }]],
        ["negative evictions", { cacheEvictions: -1 }, [{ path: ["cacheEvictions"], message: "-1 is not allowed; use a whole number, 0 or more" }]],
        ["a fractional minimum of requests", { alb5xxMinRequests: 2.5 }, [{ path: ["alb5xxMinRequests"], message: "2.5 is not allowed; use a whole number, 0 or more" }]],
    ];
    for (const [what, thresholds, expected] of cases) {
        it(`refuses ${what}`, () => {
            expect(thresholdProblems(thresholds)).to.deep.equal(expected);
        });
    }

    it("reports every bad value, percentages first", () => {
        expect(thresholdProblems({ cacheEvictions: -3, dbConnections: 1.5, kafkaDiskPercent: 150, ecsMemoryPercent: 0 }).map((p) => p.path[0])).to.deep.equal([
            "ecsMemoryPercent",
            "kafkaDiskPercent",
            "dbConnections",
            "cacheEvictions",
        ]);
    });
});

describe("lib/monitoring: instanceClassMemoryGib", () => {
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

describe("lib/monitoring: defaultMaxConnections", () => {
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

describe("lib/monitoring: databaseThresholds", () => {
    it("derives 10% of the memory in MiB and 80% of max_connections from the class", () => {
        expect(databaseThresholds({}, { engine: "postgres", instanceClass: "db.t4g.micro" })).to.deep.equal({ freeableMemoryMib: 102, connections: 67 });
        expect(databaseThresholds({}, { engine: "mysql", instanceClass: "db.m7g.xlarge" })).to.deep.equal({ freeableMemoryMib: 1638, connections: 972 });
        expect(databaseThresholds({}, { engine: "aurora-postgresql", instanceClass: "db.serverless", serverlessMaxAcu: 8 })).to.deep.equal({ freeableMemoryMib: 1638, connections: 1284 });
        expect(databaseThresholds({}, { engine: "aurora-mysql", instanceClass: "db.r6g.large" })).to.deep.equal({ freeableMemoryMib: 1638, connections: 800 });
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

describe("lib/monitoring: alarmSpecs for two deployments, the ALB, an RDS instance, a 3-node cache and 2 Kafka nodes", () => {
    const specs = alarmSpecs(targets());

    it("makes exactly these alarms, in this order", () => {
        expect(specs.map((s) => s.key)).to.deep.equal([
            "ecs-api-gateway-blue-cpu",
            "ecs-api-gateway-blue-memory",
            "ecs-api-gateway-blue-healthy-hosts",
            "ecs-order-service-cpu",
            "ecs-order-service-memory",
            "alb-5xx-rate",
            "alb-p95-response-time",
            "db-cpu",
            "db-freeable-memory",
            "db-connections",
            "cache-001-cpu",
            "cache-001-memory",
            "cache-001-evictions",
            "cache-002-cpu",
            "cache-002-memory",
            "cache-002-evictions",
            "cache-003-cpu",
            "cache-003-memory",
            "cache-003-evictions",
            "kafka-1-status-check",
            "kafka-1-data-disk",
            "kafka-2-status-check",
            "kafka-2-data-disk",
        ]);
    });

    it("gives each alarm exactly one of a metric or a math expression", () => {
        for (const spec of specs) {
            expect([spec.metric !== undefined, spec.math !== undefined], spec.key).to.satisfy(([m, x]: boolean[]) => m !== x);
        }
        expect(specs.filter((s) => s.math).map((s) => s.key)).to.deep.equal(["ecs-api-gateway-blue-healthy-hosts", "alb-5xx-rate"]);
    });

    it("watches each deployment's average CPU and memory in AWS/ECS by ClusterName + ServiceName, above 85% for 5 of 5 minutes", () => {
        const dimensions = { ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-order-service" };
        const cpu = byKey(specs, "ecs-order-service-cpu");
        expect(cpu.metric).to.deep.equal(metric("AWS/ECS", "CPUUtilization", dimensions, "Average"));
        expect(decision(cpu)).to.deep.equal({
            group: "ecs",
            comparison: "GreaterThanThreshold",
            threshold: 85,
            thresholdSource: "platform:monitoring.thresholds.ecsCpuPercent",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        const memory = byKey(specs, "ecs-order-service-memory");
        expect(memory.metric).to.deep.equal(metric("AWS/ECS", "MemoryUtilization", dimensions, "Average"));
        expect(decision(memory)).to.include({ comparison: "GreaterThanThreshold", threshold: 85, thresholdSource: "platform:monitoring.thresholds.ecsMemoryPercent" });
        expect(byKey(specs, "ecs-api-gateway-blue-cpu").metric!.dimensions).to.deep.equal({ ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-api-gateway-blue" });
    });

    it("compares healthy targets with Container Insights' DesiredTaskCount as metric math", () => {
        const healthy = byKey(specs, "ecs-api-gateway-blue-healthy-hosts");
        expect(healthy.metric).to.equal(undefined);
        expect(decision(healthy)).to.deep.equal({
            group: "ecs",
            comparison: "GreaterThanThreshold",
            threshold: 0,
            thresholdSource: "ECS/ContainerInsights DesiredTaskCount (the service's own desired count)",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(healthy.math).to.deep.equal({
            expression: "FILL(desired, 0) - FILL(healthy, 0)",
            label: "Desired tasks not healthy in the target group",
            inputs: {
                desired: metric("ECS/ContainerInsights", "DesiredTaskCount", { ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-api-gateway-blue" }, "Minimum"),
                healthy: metric("AWS/ApplicationELB", "HealthyHostCount", { TargetGroup: TG_BLUE, LoadBalancer: LB }, "Minimum"),
            },
        });
    });

    it("makes no healthy-host alarm for a deployment outside the target groups", () => {
        expect(specs.filter((s) => s.key.startsWith("ecs-order-service-")).map((s) => s.key)).to.deep.equal(["ecs-order-service-cpu", "ecs-order-service-memory"]);
    });

    it("judges the ALB's 5xx rate as (ELB 5xx + target 5xx) / RequestCount, only in minutes of at least 20 requests", () => {
        const rate = byKey(specs, "alb-5xx-rate");
        expect(decision(rate)).to.deep.equal({
            group: "alb",
            comparison: "GreaterThanThreshold",
            threshold: 5,
            thresholdSource: "platform:monitoring.thresholds.alb5xxPercent",
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
        });
        expect(rate.math).to.deep.equal({
            expression: "IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 20, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)",
            label: "5xx responses, % of requests",
            inputs: {
                requests: metric("AWS/ApplicationELB", "RequestCount", { LoadBalancer: LB }, "Sum"),
                elb5xx: metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", { LoadBalancer: LB }, "Sum"),
                target5xx: metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", { LoadBalancer: LB }, "Sum"),
            },
        });
        // Every id the expression names is an input.
        const ids = rate.math!.expression.match(/\b[a-z]\w*\b/g)!;
        expect([...new Set(ids)].sort()).to.deep.equal(Object.keys(rate.math!.inputs).sort());
    });

    it("alarms on the targets' p95 response time above 1.5 s in 3 of 5 minutes", () => {
        const p95 = byKey(specs, "alb-p95-response-time");
        expect(p95.metric).to.deep.equal(metric("AWS/ApplicationELB", "TargetResponseTime", { LoadBalancer: LB }, "p95"));
        expect(decision(p95)).to.deep.equal({
            group: "alb",
            comparison: "GreaterThanThreshold",
            threshold: 1.5,
            thresholdSource: "platform:monitoring.thresholds.albP95Seconds",
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
        });
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
        const memory = byKey(specs, "db-freeable-memory");
        expect(memory.metric).to.deep.equal(metric("AWS/RDS", "FreeableMemory", dimensions, "Minimum"));
        // FreeableMemory is in bytes.
        expect(decision(memory)).to.include({
            comparison: "LessThanThreshold",
            threshold: 102 * MIB,
            thresholdSource: "platform:monitoring.thresholds.dbFreeableMemoryMib (default: 10% of db.t4g.micro)",
        });
        expect(memory.description).to.equal("Freeable memory of database goorm-popcorn-dev-db below 102 MiB for 5 minutes");
        const connections = byKey(specs, "db-connections");
        expect(connections.metric).to.deep.equal(metric("AWS/RDS", "DatabaseConnections", dimensions, "Maximum"));
        expect(decision(connections)).to.include({
            comparison: "GreaterThanThreshold",
            threshold: 67,
            thresholdSource: "platform:monitoring.thresholds.dbConnections (default: 80% of postgres's max_connections on db.t4g.micro)",
        });
    });

    it("watches each cache node by CacheClusterId, labelled 001..003", () => {
        for (const label of ["001", "002", "003"]) {
            const dimensions = { CacheClusterId: `goorm-popcorn-dev-cache-${label}` };
            const cpu = byKey(specs, `cache-${label}-cpu`);
            expect(cpu.metric).to.deep.equal(metric("AWS/ElastiCache", "EngineCPUUtilization", dimensions, "Average"));
            expect(decision(cpu)).to.deep.equal({
                group: "cache",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                thresholdSource: "platform:monitoring.thresholds.cacheCpuPercent",
                evaluationPeriods: 5,
                datapointsToAlarm: 5,
                treatMissingData: "notBreaching",
            });
            const memory = byKey(specs, `cache-${label}-memory`);
            expect(memory.metric).to.deep.equal(metric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", dimensions, "Maximum"));
            expect(decision(memory)).to.include({ comparison: "GreaterThanThreshold", threshold: 80, thresholdSource: "platform:monitoring.thresholds.cacheMemoryPercent" });
            const evictions = byKey(specs, `cache-${label}-evictions`);
            expect(evictions.metric).to.deep.equal(metric("AWS/ElastiCache", "Evictions", dimensions, "Sum", 300));
            expect(decision(evictions)).to.deep.equal({
                group: "cache",
                comparison: "GreaterThanThreshold",
                threshold: 100,
                thresholdSource: "platform:monitoring.thresholds.cacheEvictions",
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                treatMissingData: "notBreaching",
            });
        }
    });

    it("watches each Kafka node's EC2 status checks (missing data breaches) and its data disk from the CloudWatch agent", () => {
        KAFKA_IDS.forEach((instanceId, i) => {
            const status = byKey(specs, `kafka-${i + 1}-status-check`);
            expect(status.metric).to.deep.equal(metric("AWS/EC2", "StatusCheckFailed", { InstanceId: instanceId }, "Maximum"));
            expect(decision(status)).to.deep.equal({
                group: "kafka",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                thresholdSource: "fixed: any failed status check",
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                treatMissingData: "breaching",
            });
            const disk = byKey(specs, `kafka-${i + 1}-data-disk`);
            expect(disk.metric).to.deep.equal(metric("CWAgent", "disk_used_percent", { InstanceId: instanceId, path: "/var/lib/kafka" }, "Maximum"));
            expect(decision(disk)).to.deep.equal({
                group: "kafka",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                thresholdSource: "platform:monitoring.thresholds.kafkaDiskPercent",
                evaluationPeriods: 5,
                datapointsToAlarm: 5,
                treatMissingData: "breaching",
            });
        });
    });

    it("gives every alarm a unique key and a description", () => {
        expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
        for (const spec of specs) {
            // The component appends ". Threshold: …" to it.
            expect(spec.description, spec.key).to.match(/^\S.{20,}[^.]$/);
        }
    });
});

describe("lib/monitoring: alarmSpecs for an Aurora cluster", () => {
    const aurora = (hasReaders: boolean) =>
        alarmSpecs({ database: { kind: "aurora", clusterIdentifier: "goorm-popcorn-prod-db", hasReaders, engine: "aurora-postgresql", instanceClass: "db.r7g.large" } });

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
    });

    it("makes no READER alarm for a cluster without readers", () => {
        const specs = aurora(false);
        expect(specs.map((s) => s.key)).to.deep.equal(["db-writer-cpu", "db-writer-freeable-memory", "db-writer-connections"]);
        expect(specs.every((s) => s.metric!.dimensions.Role === "WRITER")).to.equal(true);
    });

    it("sizes Serverless v2 at its maximum ACUs", () => {
        const specs = alarmSpecs({
            database: { kind: "aurora", clusterIdentifier: "goorm-popcorn-prod-db", hasReaders: false, engine: "aurora-postgresql", instanceClass: "db.serverless", serverlessMaxAcu: 4 },
        });
        // 4 ACUs = 8 GiB: 819 MiB, and 80% of floor(DBInstanceClassMemory of 8 GiB / 9531392) = 80% of 794.
        expect(byKey(specs, "db-writer-freeable-memory").threshold).to.equal(819 * MIB);
        expect(byKey(specs, "db-writer-connections").threshold).to.equal(635);
    });

    it("leaves out the memory-based alarms it cannot size (config validation requires them)", () => {
        const specs = alarmSpecs({ database: { kind: "instance", identifier: "goorm-popcorn-dev-db", engine: "postgres", instanceClass: "db.x2g.large" } });
        expect(specs.map((s) => s.key)).to.deep.equal(["db-cpu"]);
    });
});

describe("lib/monitoring: alarmSpecs' healthy-host alarm without Container Insights", () => {
    it("is a static LessThanThreshold on the deployment's desiredCount, breaching on missing data", () => {
        const specs = alarmSpecs(targets({ containerInsights: false }));
        const healthy = byKey(specs, "ecs-api-gateway-blue-healthy-hosts");
        expect(healthy.math).to.equal(undefined);
        expect(healthy.metric).to.deep.equal(metric("AWS/ApplicationELB", "HealthyHostCount", { TargetGroup: TG_BLUE, LoadBalancer: LB }, "Minimum"));
        expect(decision(healthy)).to.deep.equal({
            group: "ecs",
            comparison: "LessThanThreshold",
            threshold: 2,
            thresholdSource: "platform:services.api-gateway.desiredCount",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "breaching",
        });
        expect(specs.filter((s) => s.math).map((s) => s.key)).to.deep.equal(["alb-5xx-rate"]);
    });

    it("is absent for a colour at rest (desiredCount 0)", () => {
        const specs = alarmSpecs(targets({ containerInsights: false, ecsServices: [{ ...GATEWAY_BLUE, label: "api-gateway-green", desiredCount: 0 }] }));
        expect(specs.filter((s) => s.group === "ecs").map((s) => s.key)).to.deep.equal(["ecs-api-gateway-green-cpu", "ecs-api-gateway-green-memory"]);
    });

    it("is absent without a load balancer, even for a deployment with a target group", () => {
        const specs = alarmSpecs(targets({ loadBalancerArnSuffix: undefined }));
        expect(specs.filter((s) => s.group === "ecs" || s.group === "alb").map((s) => s.key)).to.deep.equal([
            "ecs-api-gateway-blue-cpu",
            "ecs-api-gateway-blue-memory",
            "ecs-order-service-cpu",
            "ecs-order-service-memory",
        ]);
    });
});

describe("lib/monitoring: alarmSpecs with given thresholds", () => {
    const specs = alarmSpecs(targets(), {
        ecsCpuPercent: 70,
        ecsMemoryPercent: undefined,
        alb5xxPercent: 2,
        alb5xxMinRequests: 50,
        albP95Seconds: undefined,
        dbCpuPercent: 90,
        dbFreeableMemoryMib: 64,
        dbConnections: 60,
        cacheEvictions: 0,
        kafkaDiskPercent: 70,
    });

    it("uses them instead of the defaults", () => {
        expect(byKey(specs, "ecs-order-service-cpu").threshold).to.equal(70);
        expect(byKey(specs, "ecs-order-service-cpu").description).to.equal(
            "CPU of ECS service goorm-popcorn-dev-order-service above 70% for 5 minutes: autoscaling is at its maximum or cannot keep up",
        );
        expect(byKey(specs, "alb-5xx-rate").threshold).to.equal(2);
        expect(byKey(specs, "db-cpu").threshold).to.equal(90);
        expect(byKey(specs, "cache-002-evictions").threshold).to.equal(0);
        expect(byKey(specs, "kafka-2-data-disk").threshold).to.equal(70);
    });

    it("puts alb5xxMinRequests into the 5xx-rate expression", () => {
        expect(byKey(specs, "alb-5xx-rate").math!.expression).to.equal("IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 50, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)");
        expect(byKey(specs, "alb-5xx-rate").description).to.contain("minutes under 50 requests do not count");
    });

    it("takes the database's thresholds from config and says so", () => {
        expect(decision(byKey(specs, "db-freeable-memory"))).to.include({ threshold: 64 * MIB, thresholdSource: "platform:monitoring.thresholds.dbFreeableMemoryMib" });
        expect(decision(byKey(specs, "db-connections"))).to.include({ threshold: 60, thresholdSource: "platform:monitoring.thresholds.dbConnections" });
    });

    it("keeps the defaults where a value is given as undefined", () => {
        expect(byKey(specs, "ecs-order-service-memory").threshold).to.equal(85);
        expect(byKey(specs, "alb-p95-response-time").threshold).to.equal(1.5);
        expect(byKey(specs, "alb-p95-response-time").description).to.equal("p95 of the targets' response time above 1.5 s in 3 of 5 minutes");
        expect(byKey(specs, "cache-001-cpu").threshold).to.equal(80);
    });
});

describe("lib/monitoring: alarmSpecs for nothing", () => {
    it("makes no alarm when nothing runs", () => {
        expect(alarmSpecs({})).to.deep.equal([]);
        expect(alarmSpecs({ ecsServices: [], cache: { replicationGroupId: "goorm-popcorn-dev-cache", nodeIds: [] }, kafka: { instanceIds: [], dataPath: "/var/lib/kafka" } })).to.deep.equal([]);
    });
});
