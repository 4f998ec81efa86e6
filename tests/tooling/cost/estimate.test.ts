/**
 * The estimator on small hand-made plans: each resource kind priced with the Seoul table's figures
 * (exact to the cent), office hours and Spot, prices the table does not have (not priced, never 0),
 * the grouping by top-level component, and the budget's drivers and levers.
 */
import { expect } from "chai";
import { DEFAULT_ASSUMPTIONS } from "../../../components/observability/cost/assumptions";
import { CostResource, CostRun, daysPerWeek, estimateCost, invocationsPerMonth, officeHours, spreadTasks } from "../../../tooling/cost/estimate";
import { PRICES, price } from "../../../tooling/cost/prices";
import type { CostEstimate, CostLine, PriceTable } from "../../../tooling/cost/types";

const STACK = "urn:pulumi:test::platform::pulumi:pulumi:Stack::platform-test";

interface Spec {
    readonly type: string;
    readonly name: string;
    readonly inputs?: Record<string, unknown>;
    /** The name of its parent component; absent: directly under the stack. */
    readonly parent?: string;
    readonly id?: string;
}

/** A plan of `specs` under one stack; a component is a spec whose type starts with `platform:`. */
function plan(...specs: Spec[]): CostRun {
    const urn = (spec: Spec) => `${STACK.split("::pulumi:pulumi:Stack")[0]}::${spec.type}::${spec.name}`;
    const byName = new Map(specs.map((spec) => [spec.name, urn(spec)]));
    const resources: CostResource[] = [
        { urn: STACK, type: "pulumi:pulumi:Stack", name: "platform-test", parent: null, id: null, inputs: {} },
        ...specs.map((spec) => ({ urn: urn(spec), type: spec.type, name: spec.name, parent: spec.parent ? byName.get(spec.parent)! : STACK, id: spec.id ?? (spec.type.startsWith("platform:") ? null : `id-${spec.name}`), inputs: spec.inputs ?? {} })),
    ];
    return { stack: "test", resources };
}

/** One component `name` holding `children`. */
function component(type: string, name: string, ...children: Spec[]): Spec[] {
    return [{ type, name }, ...children.map((child) => ({ ...child, parent: child.parent ?? name }))];
}

const estimate = (run: CostRun, settings: Parameters<typeof estimateCost>[1] = {}, table: PriceTable = PRICES) => estimateCost(run, settings, table);
const usd = (id: string) => price(id).usd!;
const cents = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;
const line = (result: CostEstimate, priceId: string, resource?: string): CostLine => {
    const found = result.lines.filter((l) => l.priceId === priceId && (resource === undefined || l.resource === resource));
    expect(found, `${priceId} ${resource ?? ""}: ${result.lines.map((l) => `${l.resource} ${l.priceId}`).join(", ")}`).to.have.length(1);
    return found[0];
};

describe("tooling/cost/estimate: pricing a plan", () => {
    describe("Fargate", () => {
        const taskDefinition = (family: string, cpu: string, memory: string, arch = "X86_64"): Spec => ({
            type: "aws:ecs/taskDefinition:TaskDefinition",
            name: `${family}-task`,
            id: `arn:aws:ecs:ap-northeast-2:123456789012:task-definition/${family}:1`,
            inputs: { family, cpu, memory, runtimePlatform: { cpuArchitecture: arch, operatingSystemFamily: "LINUX" } },
        });
        const service = (name: string, family: string, desiredCount: number, extra: Record<string, unknown> = {}): Spec => ({
            type: "aws:ecs/service:Service",
            name: `${name}-service`,
            inputs: { name, cluster: "arn:aws:ecs:ap-northeast-2:123456789012:cluster/test-cluster", desiredCount, taskDefinition: `arn:aws:ecs:ap-northeast-2:123456789012:task-definition/${family}:1`, ...extra },
        });

        it("prices vCPU and GB × the desired count × 730 h, on demand, x86", () => {
            const result = estimate(plan(...component("platform:compute:FargateService", "web", taskDefinition("web", "1024", "2048"), service("web", "web", 2, { capacityProviderStrategies: [{ capacityProvider: "FARGATE", base: 0, weight: 1 }] }))));
            expect(line(result, "fargate.x86.vcpu-hour")).to.deep.include({ component: "web", unitPriceUsd: 0.04656, quantity: 1460, unit: "vCPU-hour", basis: "2 tasks × 1 vCPU × 730 h", monthlyUsd: 67.98 });
            expect(line(result, "fargate.x86.gb-hour")).to.deep.include({ unitPriceUsd: 0.00511, quantity: 2920, unit: "GB-hour", basis: "2 tasks × 2 GB × 730 h", monthlyUsd: 14.92 });
            expect(result.monthlyUsd).to.equal(82.9);
        });

        it("prices ARM64 tasks at the ARM rates", () => {
            const result = estimate(plan(...component("platform:compute:FargateService", "api", taskDefinition("api", "256", "512", "ARM64"), service("api", "api", 1, { launchType: "FARGATE" }))));
            expect(line(result, "fargate.arm.vcpu-hour")).to.deep.include({ quantity: 182.5, monthlyUsd: cents(182.5 * usd("fargate.arm.vcpu-hour")) });
            expect(line(result, "fargate.arm.gb-hour")).to.deep.include({ quantity: 365, monthlyUsd: cents(365 * usd("fargate.arm.gb-hour")) });
        });

        it("takes the hours from the service's office-hours schedule: MON-FRI 08:00–20:00 is 260.71 h a month", () => {
            const schedule = (action: string, cron: string, capacity: number): Spec => ({
                type: "aws:appautoscaling/scheduledAction:ScheduledAction",
                name: `api-${action}`,
                inputs: { resourceId: "service/test-cluster/api", schedule: cron, timezone: "Asia/Seoul", scalableTargetAction: { minCapacity: capacity, maxCapacity: capacity === 0 ? 0 : 2 } },
            });
            const result = estimate(
                plan(...component("platform:compute:FargateService", "api", taskDefinition("api", "512", "1024"), service("api", "api", 1, { launchType: "FARGATE" }), schedule("start", "cron(0 8 ? * MON-FRI *)", 1), schedule("stop", "cron(0 20 ? * MON-FRI *)", 0))),
            );
            const vcpu = line(result, "fargate.x86.vcpu-hour");
            // 12 h × 5 days × 730 / 168 h a week = 260.714 h.
            expect(vcpu.basis).to.equal("1 task × 0.5 vCPU × 260.71 h/month office hours (MON-FRI 08:00–20:00 Asia/Seoul)");
            expect(vcpu.quantity).to.equal(130.357143);
            expect(vcpu.monthlyUsd).to.equal(cents(130.357143 * 0.04656)).and.to.equal(6.07);
        });

        it("prices FARGATE_SPOT at 1 − fargateSpotDiscount of on-demand (the table has no Seoul Spot rate), naming the assumption", () => {
            expect(price("fargate.spot.vcpu-hour").usd).to.equal(null);
            const run = plan(...component("platform:compute:FargateService", "worker", taskDefinition("worker", "256", "512"), service("worker", "worker", 2, { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }] })));
            const half = line(estimate(run), "fargate.spot.vcpu-hour");
            expect(half).to.deep.include({ unitPriceUsd: 0.02328, quantity: 365, monthlyUsd: 8.5, assumption: "fargateSpotDiscount" });
            expect(half.basis).to.equal(
                "2 tasks × 0.25 vCPU × 730 h on FARGATE_SPOT at 50 % off fargate.x86.vcpu-hour (assumption fargateSpotDiscount: AWS publishes no fixed Seoul Spot rate)",
            );
            const seventy = line(estimate(run, { assumptions: { fargateSpotDiscount: 0.7 } }), "fargate.spot.gb-hour");
            expect(seventy.unitPriceUsd).to.equal(0.001533);
            expect(seventy.monthlyUsd).to.equal(cents(730 * 0.001533));
        });

        it("uses the cluster's default strategy when the service has none, and splits base and weights", () => {
            const cluster: Spec = { type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", name: "caps", inputs: { clusterName: "test-cluster", defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }] } };
            const result = estimate(plan(cluster, ...component("platform:compute:FargateService", "api", taskDefinition("api", "256", "512"), service("api", "api", 1))));
            expect(result.lines.map((l) => l.priceId)).to.deep.equal(["fargate.spot.gb-hour", "fargate.spot.vcpu-hour"]);
            const split = spreadTasks(5, [
                { capacityProvider: "FARGATE", base: 1, weight: 1 },
                { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 },
            ]);
            expect([...split]).to.deep.equal([["FARGATE", 2], ["FARGATE_SPOT", 3]]);
        });

        it("does not price an ARM64 task on FARGATE_SPOT (Spot takes X86_64 only)", () => {
            const result = estimate(plan(...component("platform:compute:FargateService", "api", taskDefinition("api", "256", "512", "ARM64"), service("api", "api", 1, { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }))));
            expect(result.notPriced.map((l) => l.priceId)).to.deep.equal(["fargate.spot.gb-hour", "fargate.spot.vcpu-hour"]);
            expect(result.monthlyUsd).to.equal(0);
        });

        it("leaves out a service scaled to zero", () => {
            expect(estimate(plan(taskDefinition("green", "256", "512"), service("green", "green", 0))).lines).to.deep.equal([]);
        });
    });

    describe("EC2, EBS and EKS", () => {
        it("prices an instance by its type and its gp3 root and data volumes", () => {
            const result = estimate(
                plan(
                    ...component(
                        "platform:data:KafkaEc2",
                        "kafka",
                        { type: "aws:ec2/instance:Instance", name: "kafka-1", inputs: { instanceType: "t3.small", rootBlockDevice: { volumeSize: 8, volumeType: "gp3" } } },
                        { type: "aws:ebs/volume:Volume", name: "kafka-1-data", inputs: { size: 20, type: "gp3" } },
                    ),
                ),
            );
            expect(line(result, "ec2.t3.small.hour")).to.deep.include({ quantity: 730, unitPriceUsd: 0.026, monthlyUsd: 18.98, basis: "730 h (t3.small, Linux on demand)" });
            expect(line(result, "ebs.gp3.gb-month", "kafka-1")).to.deep.include({ quantity: 8, monthlyUsd: 0.73, basis: "8 GB gp3 (root volume)" });
            expect(line(result, "ebs.gp3.gb-month", "kafka-1-data")).to.deep.include({ quantity: 20, monthlyUsd: 1.82 });
            expect(result.monthlyUsd).to.equal(21.53);
        });

        it("prices EKS: the cluster's hours, the node group's desired size × type, its launch template's root volumes", () => {
            const specs = component(
                "platform:compute:EksCluster",
                "eks",
                { type: "aws:eks/cluster:Cluster", name: "eks-cluster", inputs: { upgradePolicy: { supportType: "STANDARD" } } },
                { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "eks-nodes-lt", id: "lt-1", inputs: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3" } }] } },
                { type: "aws:eks/nodeGroup:NodeGroup", name: "eks-nodes", inputs: { instanceTypes: ["m5.large"], capacityType: "ON_DEMAND", scalingConfig: { desiredSize: 3, minSize: 3, maxSize: 5 }, launchTemplate: { id: "lt-1", version: "1" } } },
            );
            const result = estimate(plan(...specs));
            expect(line(result, "eks.cluster.hour")).to.deep.include({ quantity: 730, monthlyUsd: 73 });
            expect(line(result, "ec2.m5.large.hour")).to.deep.include({ quantity: 2190, unitPriceUsd: 0.118, monthlyUsd: 258.42 });
            expect(line(result, "ebs.gp3.gb-month")).to.deep.include({ quantity: 150, monthlyUsd: 13.68 });
            const extended = specs.map((s) => (s.name === "eks-cluster" ? { ...s, inputs: { upgradePolicy: { supportType: "EXTENDED" } } } : s));
            expect(line(estimate(plan(...extended)), "eks.extended.cluster.hour")).to.deep.include({ quantity: 730, unitPriceUsd: 0.6, monthlyUsd: 438 });
        });

        it("lists Spot nodes as not priced (no fixed EC2 Spot price)", () => {
            const result = estimate(plan({ type: "aws:eks/nodeGroup:NodeGroup", name: "spot-nodes", inputs: { instanceTypes: ["m5.large"], capacityType: "SPOT", scalingConfig: { desiredSize: 2 } } }));
            expect(line(result, "ec2.m5.large.spot.hour")).to.deep.include({ unitPriceUsd: null, monthlyUsd: null, quantity: 1460 });
        });

        it("prices the persistent volumes a Helm release's values ask for as gp3", () => {
            const values = { grafana: { persistence: { enabled: true, size: "10Gi" } }, prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } } } } };
            const result = estimate(plan({ type: "kubernetes:helm.sh/v3:Release", name: "kube-prometheus-stack", inputs: { values } }));
            expect(result.lines.map((l) => [l.quantity, l.monthlyUsd])).to.deep.equal([
                [10, 0.91],
                [50, 4.56],
            ]);
        });
    });

    describe("databases and caches", () => {
        it("prices an RDS instance and its storage, Multi-AZ from the table's Multi-AZ rows, and the master secret RDS manages", () => {
            const db = (multiAz: boolean): Spec => ({ type: "aws:rds/instance:Instance", name: "db-instance", inputs: { engine: "postgres", instanceClass: "db.t4g.micro", multiAz, allocatedStorage: 20, storageType: "gp3", manageMasterUserPassword: true } });
            const single = estimate(plan(db(false)));
            expect(line(single, "rds.db.t4g.micro.postgres.hour")).to.deep.include({ quantity: 730, monthlyUsd: 18.25 });
            expect(line(single, "rds.storage.gp3.gb-month")).to.deep.include({ quantity: 20, monthlyUsd: 2.62 });
            expect(line(single, "secretsmanager.secret.month")).to.deep.include({ quantity: 1, monthlyUsd: 0.4 });
            const multi = estimate(plan(db(true)));
            expect(line(multi, "rds.db.t4g.micro.postgres.multi-az.hour")).to.deep.include({ quantity: 730, unitPriceUsd: 0.051, monthlyUsd: 37.23 });
            expect(line(multi, "rds.storage.gp3.multi-az.gb-month")).to.deep.include({ quantity: 20, monthlyUsd: 5.24 });
        });

        it("doubles the Single-AZ rate for Multi-AZ when the table has no Multi-AZ row", () => {
            const table: PriceTable = { ...PRICES, rows: PRICES.rows.filter((row) => !row.id.includes("multi-az")) };
            const result = estimate(plan({ type: "aws:rds/instance:Instance", name: "db", inputs: { engine: "postgres", instanceClass: "db.m7g.large", multiAz: true, allocatedStorage: 100, storageType: "gp3" } }), {}, table);
            expect(line(result, "rds.db.m7g.large.postgres.hour")).to.deep.include({ quantity: 1460, monthlyUsd: cents(1460 * 0.2344) });
            expect(line(result, "rds.storage.gp3.gb-month")).to.deep.include({ quantity: 200, monthlyUsd: 26.2 });
        });

        it("prices Aurora: each instance by class and engine, the cluster's storage and I/O from assumptions", () => {
            const result = estimate(
                plan(
                    ...component(
                        "platform:data:AuroraCluster",
                        "db",
                        { type: "aws:rds/cluster:Cluster", name: "db-cluster", inputs: { engine: "aurora-mysql", clusterIdentifier: "point-db", manageMasterUserPassword: true } },
                        { type: "aws:rds/clusterInstance:ClusterInstance", name: "db-2a", inputs: { clusterIdentifier: "point-db", engine: "aurora-mysql", instanceClass: "db.r6g.large" } },
                        { type: "aws:rds/clusterInstance:ClusterInstance", name: "db-2c", inputs: { clusterIdentifier: "point-db", engine: "aurora-mysql", instanceClass: "db.r6g.large" } },
                    ),
                ),
                { assumptions: { auroraStorageGb: 100 } },
            );
            expect(line(result, "aurora.db.r6g.large.mysql.hour", "db-2a")).to.deep.include({ quantity: 730, unitPriceUsd: 0.313, monthlyUsd: 228.49 });
            expect(line(result, "aurora.storage.gb-month")).to.deep.include({ quantity: 100, monthlyUsd: 12, assumption: "auroraStorageGb" });
            expect(line(result, "aurora.io.1m")).to.deep.include({ quantity: 10, monthlyUsd: 2.4, assumption: "auroraIoMillions" });
            expect(result.monthlyUsd).to.equal(cents(2 * 228.49 + 12 + 2.4 + 0.4));
        });

        it("prices ElastiCache nodes by type and engine × shards × (1 + replicas)", () => {
            const group = (inputs: Record<string, unknown>): Spec => ({ type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "cache", inputs });
            expect(line(estimate(plan(group({ engine: "redis", nodeType: "cache.t4g.micro", numCacheClusters: 2 }))), "elasticache.cache.t4g.micro.redis.hour")).to.deep.include({ quantity: 1460, monthlyUsd: 35.04 });
            expect(line(estimate(plan(group({ engine: "valkey", nodeType: "cache.t4g.micro", numCacheClusters: 1 }))), "elasticache.cache.t4g.micro.valkey.hour")).to.deep.include({ quantity: 730, monthlyUsd: 14.02 });
            const sharded = line(estimate(plan(group({ engine: "redis", nodeType: "cache.r7g.large", clusterMode: "enabled", numNodeGroups: 2, replicasPerNodeGroup: 1 }))), "elasticache.cache.r7g.large.redis.hour");
            expect(sharded).to.deep.include({ quantity: 2920, monthlyUsd: 765.04, basis: "4 × 730 h (4 cache.r7g.large redis nodes: 2 shards × (1 primary + 1 replica))" });
        });
    });

    describe("network and edge", () => {
        it("prices a NAT gateway (hours, data from natGbPerGateway) and its Elastic IP", () => {
            const result = estimate(plan({ type: "aws:ec2/natGateway:NatGateway", name: "nat-2a", inputs: {} }, { type: "aws:ec2/eip:Eip", name: "nat-eip-2a", inputs: { domain: "vpc" } }), { assumptions: { natGbPerGateway: 100 } });
            expect(line(result, "nat.hour")).to.deep.include({ quantity: 730, monthlyUsd: 43.07 });
            expect(line(result, "nat.gb-processed")).to.deep.include({ quantity: 100, monthlyUsd: 5.9, assumption: "natGbPerGateway" });
            expect(line(result, "ipv4.public.hour")).to.deep.include({ quantity: 730, monthlyUsd: 3.65 });
        });

        it("prices an ALB: hours, LCUs from albLcu, and a public IPv4 address per AZ when internet-facing", () => {
            const alb = (internal: boolean): Spec => ({ type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", inputs: { loadBalancerType: "application", internal, subnets: ["a", "b", "c"] } });
            const public_ = estimate(plan(alb(false)));
            expect(line(public_, "alb.hour")).to.deep.include({ quantity: 730, monthlyUsd: 16.43 });
            expect(line(public_, "alb.lcu-hour")).to.deep.include({ quantity: 730, monthlyUsd: 5.84, assumption: "albLcu" });
            expect(line(public_, "ipv4.public.hour")).to.deep.include({ quantity: 2190, monthlyUsd: 10.95 });
            expect(estimate(plan(alb(true))).lines.map((l) => l.priceId)).to.deep.equal(["alb.hour", "alb.lcu-hour"]);
        });

        it("prices an interface endpoint per AZ, and a gateway endpoint not at all", () => {
            const result = estimate(
                plan(
                    { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "ecr-api", inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.ap-northeast-2.ecr.api", subnetIds: ["a", "b", "c"] } },
                    { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "s3", inputs: { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.ap-northeast-2.s3" } },
                ),
            );
            expect(result.lines).to.have.length(1);
            expect(line(result, "vpce.interface.hour")).to.deep.include({ quantity: 2190, monthlyUsd: 28.47, basis: "3 × 730 h (interface endpoint ecr.api in 3 AZs)" });
        });

        it("prices CloudFront from cdnGb and cdnRequestsMillions, and a web ACL with its rules and requests", () => {
            const result = estimate(
                plan(
                    { type: "aws:cloudfront/distribution:Distribution", name: "cdn", inputs: { priceClass: "PriceClass_200" } },
                    { type: "aws:wafv2/webAcl:WebAcl", name: "waf", inputs: { scope: "CLOUDFRONT", rules: [{ name: "rate" }, { name: "common" }, { name: "bad-inputs" }] } },
                ),
            );
            expect(line(result, "cloudfront.transfer-out.asia-pacific.gb")).to.deep.include({ quantity: 50, monthlyUsd: 6 });
            expect(line(result, "cloudfront.requests.https.asia-pacific.10k")).to.deep.include({ quantity: 100, monthlyUsd: 1.2 });
            expect(line(result, "waf.acl.month")).to.deep.include({ quantity: 1, monthlyUsd: 5 });
            expect(line(result, "waf.rule.month")).to.deep.include({ quantity: 3, monthlyUsd: 3 });
            expect(line(result, "waf.requests.1m")).to.deep.include({ quantity: 1, monthlyUsd: 0.6 });
        });

        it("prices hosted zones (a Cloud Map namespace's private one too) and health checks", () => {
            const result = estimate(
                plan(
                    { type: "aws:route53/zone:Zone", name: "zone", inputs: { name: "goormpopcorn.shop" } },
                    { type: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", name: "ns", inputs: { name: "chat.local" } },
                    { type: "aws:route53/healthCheck:HealthCheck", name: "hc", inputs: { type: "HTTPS", fqdn: "api.goormpopcorn.shop" } },
                ),
            );
            expect(result.lines.filter((l) => l.priceId === "route53.zone.month").map((l) => l.monthlyUsd)).to.deep.equal([0.5, 0.5]);
            expect(line(result, "route53.healthcheck.aws.month").monthlyUsd).to.equal(usd("route53.healthcheck.aws.month"));
        });
    });

    describe("security, observability, data and serverless", () => {
        it("prices secrets, KMS keys, alarms per metric, dashboards and log groups (ingestion and storage for the retention)", () => {
            const result = estimate(
                plan(
                    { type: "aws:secretsmanager/secret:Secret", name: "secret", inputs: { name: "app/key" } },
                    { type: "aws:kms/key:Key", name: "key", inputs: {} },
                    { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "cpu", inputs: { metricName: "CPUUtilization" } },
                    { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "5xx", inputs: { metricQueries: [{ id: "e", expression: "a+b" }, { id: "a", metric: {} }, { id: "b", metric: {} }, { id: "c", metric: {} }] } },
                    { type: "aws:cloudwatch/dashboard:Dashboard", name: "dash", inputs: {} },
                    { type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", inputs: { retentionInDays: 90 } },
                ),
                { assumptions: { logGbPerGroup: 10 } },
            );
            expect(line(result, "secretsmanager.secret.month").monthlyUsd).to.equal(0.4);
            expect(line(result, "kms.key.month").monthlyUsd).to.equal(usd("kms.key.month"));
            expect(line(result, "cloudwatch.alarm.month", "cpu")).to.deep.include({ quantity: 1, monthlyUsd: 0.1 });
            expect(line(result, "cloudwatch.alarm.month", "5xx")).to.deep.include({ quantity: 3, monthlyUsd: 0.3 });
            expect(line(result, "cloudwatch.dashboard.month").monthlyUsd).to.equal(3);
            expect(line(result, "cloudwatch.logs.ingest.gb")).to.deep.include({ quantity: 10, monthlyUsd: 7.6, assumption: "logGbPerGroup" });
            // 10 GB a month kept 90 days: 10 × 90 / (365 / 12) = 29.589 GB stored.
            expect(line(result, "cloudwatch.logs.storage.gb-month")).to.deep.include({ quantity: 29.589041, monthlyUsd: 0.93 });
        });

        it("prices DynamoDB on demand from the request assumptions, and lists its storage as not priced (no Seoul price)", () => {
            const result = estimate(plan({ type: "aws:dynamodb/table:Table", name: "messages", inputs: { billingMode: "PAY_PER_REQUEST", pointInTimeRecovery: { enabled: true } } }), { assumptions: { dynamodbWriteMillions: 10, dynamodbReadMillions: 20 } });
            expect(line(result, "dynamodb.ondemand.write.1m")).to.deep.include({ quantity: 10, monthlyUsd: 6.8 });
            expect(line(result, "dynamodb.ondemand.read.1m")).to.deep.include({ quantity: 20, monthlyUsd: 2.71 });
            expect(result.notPriced.map((l) => [l.priceId, l.unitPriceUsd, l.monthlyUsd])).to.deep.equal([
                ["dynamodb.pitr.gb-month", null, null],
                ["dynamodb.storage.gb-month", null, null],
            ]);
            expect(result.monthlyUsd).to.equal(9.51);
        });

        it("prices S3 buckets and ECR repositories from their storage assumptions", () => {
            const result = estimate(plan({ type: "aws:s3/bucket:Bucket", name: "uploads", inputs: {} }, { type: "aws:ecr/repository:Repository", name: "repo", inputs: {} }), { assumptions: { s3GbPerBucket: 100 } });
            expect(line(result, "s3.standard.gb-month")).to.deep.include({ quantity: 100, monthlyUsd: 2.5 });
            expect(line(result, "ecr.storage.gb-month")).to.deep.include({ quantity: 1, monthlyUsd: 0.1 });
        });

        it("prices Lambda (requests and GB-seconds), a WebSocket API, and lists SQS and Scheduler as not priced", () => {
            const result = estimate(
                plan(
                    { type: "aws:lambda/function:Function", name: "fn", inputs: { memorySize: 512, architectures: ["x86_64"] } },
                    { type: "aws:apigatewayv2/api:Api", name: "ws", inputs: { protocolType: "WEBSOCKET" } },
                    { type: "aws:sqs/queue:Queue", name: "dlq", inputs: {} },
                    { type: "aws:scheduler/schedule:Schedule", name: "daily", inputs: { scheduleExpression: "cron(0 0 * * ? *)" } },
                ),
                { assumptions: { lambdaRequestsMillions: 1 } },
            );
            expect(line(result, "lambda.requests.1m")).to.deep.include({ quantity: 1, monthlyUsd: 0.2 });
            // 1 million × 0.2 s × 0.5 GB = 100,000 GB-seconds.
            expect(line(result, "lambda.x86.gb-second")).to.deep.include({ quantity: 100000, monthlyUsd: 1.67 });
            expect(line(result, "apigateway.websocket.messages.1m")).to.deep.include({ quantity: 1, monthlyUsd: 1.14 });
            expect(line(result, "apigateway.websocket.connection-minutes.1m")).to.deep.include({ quantity: 1, monthlyUsd: 0.29 });
            expect(result.notPriced.map((l) => l.priceId)).to.deep.equal(["scheduler.invocations.1m", "sqs.standard.requests.1m"]);
            expect(line(result, "scheduler.invocations.1m").basis).to.equal("30.42 invocations a month (cron(0 0 * * ? *))");
        });
    });

    describe("unknown prices, grouping and totals", () => {
        it("lists a line whose id the table lacks, or whose price is null, as not priced: null, never 0, and out of the total", () => {
            const result = estimate(plan({ type: "aws:ec2/instance:Instance", name: "odd", inputs: { instanceType: "x9.huge", rootBlockDevice: { volumeSize: 10, volumeType: "gp3" } } }));
            expect(line(result, "ec2.x9.huge.hour")).to.deep.include({ unitPriceUsd: null, monthlyUsd: null, quantity: 730, unit: "hour" });
            expect(result.notPriced.map((l) => l.priceId)).to.deep.equal(["ec2.x9.huge.hour"]);
            expect(result.monthlyUsd).to.equal(0.91);
        });

        it("groups each line by the component just below the stack, nested components included", () => {
            const result = estimate(
                plan(
                    { type: "platform:network:Vpc", name: "network" },
                    { type: "platform:network:Nat", name: "nat", parent: "network" },
                    { type: "aws:ec2/natGateway:NatGateway", name: "nat-2a", parent: "nat" },
                    { type: "aws:ec2/eip:Eip", name: "loose-eip" },
                ),
            );
            expect(result.lines.map((l) => `${l.component} ${l.resource} ${l.priceId}`)).to.deep.equal(["loose-eip loose-eip ipv4.public.hour", "network nat-2a nat.gb-processed", "network nat-2a nat.hour"]);
        });

        it("states the table's date and region, every assumption resolved, and no budget unless set", () => {
            const result = estimate(plan());
            expect(result).to.deep.include({ stack: "test", region: "ap-northeast-2", currency: "USD", tableDate: PRICES.date, monthlyUsd: 0, lines: [], notPriced: [] });
            expect(result.assumptions).to.deep.equal(DEFAULT_ASSUMPTIONS);
            expect(result).to.not.have.property("budget");
        });
    });

    describe("budget", () => {
        const specs = [
            ...component("platform:network:Vpc", "network", ...["2a", "2b", "2c"].flatMap((az): Spec[] => [
                { type: "aws:ec2/natGateway:NatGateway", name: `nat-${az}` },
                { type: "aws:ec2/eip:Eip", name: `nat-eip-${az}` },
            ])),
            ...component("platform:data:AuroraCluster", "db", { type: "aws:rds/cluster:Cluster", name: "db-cluster", inputs: { engine: "aurora-mysql", clusterIdentifier: "c" } }, { type: "aws:rds/clusterInstance:ClusterInstance", name: "db-1", inputs: { clusterIdentifier: "c", engine: "aurora-mysql", instanceClass: "db.r6g.large" } }, { type: "aws:rds/clusterInstance:ClusterInstance", name: "db-2", inputs: { clusterIdentifier: "c", engine: "aurora-mysql", instanceClass: "db.r6g.large" } }),
            ...component("platform:data:ValkeyCache", "cache", { type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "cache-rg", inputs: { engine: "redis", nodeType: "cache.r7g.large", numCacheClusters: 2 } }),
            ...component("platform:observability:Monitoring", "monitoring", { type: "aws:cloudwatch/dashboard:Dashboard", name: "dash" }),
        ];

        it("is over when the total exceeds it, with the three largest components and the keys that lower each", () => {
            const result = estimate(plan(...specs), { monthlyBudgetUsd: 500, env: "prod" });
            expect(result.monthlyUsd).to.equal(cents(141.93 + 461.78 + 382.52 + 3));
            expect(result.budget?.monthlyUsd).to.equal(500);
            expect(result.budget?.over).to.equal(true);
            expect(result.budget?.drivers.map((d) => [d.component, d.monthlyUsd])).to.deep.equal([
                ["db", 461.78],
                ["cache", 382.52],
                ["network", 141.93],
            ]);
            const [db, cache, network] = result.budget!.drivers;
            expect(db.levers).to.deep.equal(["platform:database.instanceClass — a smaller class (now db.r6g.large)", "platform:database.readers — fewer readers (each is a full instance)"]);
            expect(cache.levers).to.deep.equal([
                "platform:cache.nodeType — a smaller node type (now cache.r7g.large)",
                "platform:cache.engine: valkey — 20 % below Redis OSS per node",
                "platform:cache.nodes / clusterMode.replicasPerShard — fewer replicas (less failover)",
            ]);
            expect(network.levers[0]).to.equal("platform:network.natGateways: single — one NAT gateway for every AZ (about $94.62 a month less; an AZ outage then cuts the others' egress)");
        });

        it("is within when the total is at most the budget, drivers still named", () => {
            const result = estimate(plan(...specs), { monthlyBudgetUsd: 2000 });
            expect(result.budget?.over).to.equal(false);
            expect(result.budget?.drivers).to.have.length(3);
        });

        it("names Spot and office hours for a Fargate service, and the logs' retention where logs weigh", () => {
            const result = estimate(
                plan(
                    ...component(
                        "platform:compute:FargateService",
                        "api",
                        { type: "aws:ecs/taskDefinition:TaskDefinition", name: "api-task", inputs: { family: "api", cpu: "1024", memory: "2048" } },
                        { type: "aws:ecs/service:Service", name: "api-service", inputs: { name: "api", cluster: "c", desiredCount: 2, launchType: "FARGATE", taskDefinition: "api" } },
                    ),
                    ...component("platform:observability:Monitoring", "monitoring", { type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", inputs: { retentionInDays: 30 } }),
                ),
                { monthlyBudgetUsd: 10, env: "dev" },
            );
            const [api, monitoring] = result.budget!.drivers;
            expect(api.levers).to.deep.equal([
                "platform:services.api.capacityProvider: FARGATE_SPOT — Spot capacity (about $41.45 a month less at the assumed 50 % off; tasks may be interrupted)",
                "platform:schedule — office hours: the tasks stop at night and at weekends (MON-FRI 08:00–20:00 runs 36 % of the month)",
                "platform:services.api.cpu / memory / desiredCount — smaller or fewer tasks",
            ]);
            expect(monitoring.levers[0]).to.match(/^platform:logs\.retentionDays — shorter log retention/);
        });
    });

    describe("schedules", () => {
        it("counts weekdays, office hours and Scheduler invocations", () => {
            expect([daysPerWeek("MON-FRI"), daysPerWeek("MON,WED,FRI"), daysPerWeek("SAT-SUN"), daysPerWeek("FRI-MON"), daysPerWeek("WEEKDAYS")]).to.deep.equal([5, 3, 2, 4, undefined]);
            expect(officeHours("cron(30 9 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)", "UTC", 730)).to.deep.equal({ hoursPerMonth: 184.672619, basis: "184.67 h/month office hours (MON-FRI 09:30–18:00 UTC)" });
            expect(officeHours("cron(0 8 ? * MON-FRI *)", "cron(0 20 ? * SAT *)", undefined, 730)).to.equal(undefined);
            expect([invocationsPerMonth("rate(5 minutes)", 730), invocationsPerMonth("cron(0 9 ? * MON-FRI *)", 730), invocationsPerMonth("cron(0/5 * * * ? *)", 730)]).to.deep.equal([8760, (5 * 730) / 24 / 7, undefined]);
        });
    });
});
