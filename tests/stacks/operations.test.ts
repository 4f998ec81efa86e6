/**
 * Operating the real dev and prod stacks: alarms and where they go, the dashboard, WAF (prod
 * only), office hours (dev only), DNS aliases, every log group's retention, and the outputs.
 */
import { expect } from "chai";
import { LOG_RETENTION_DAYS } from "../../lib/aws-limits";
import { RecordedResource } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { RunView, T } from "../support/query";
import { StackCopy } from "../support/stack-copy";

const O = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    association: "aws:wafv2/webAclAssociation:WebAclAssociation",
    wafLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    scheduledAction: "aws:appautoscaling/scheduledAction:ScheduledAction",
    scalingTarget: "aws:appautoscaling/target:Target",
    record: "aws:route53/record:Record",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    service: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    rdsInstance: "aws:rds/instance:Instance",
    rdsCluster: "aws:rds/cluster:Cluster",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    cluster: "aws:ecs/cluster:Cluster",
    ec2: "aws:ec2/instance:Instance",
} as const;

const SERVICES = ["api-gateway", "user-service", "store-service", "order-service", "payment-service", "checkin-service", "order-query"];
const PLAIN = SERVICES.filter((s) => s !== "api-gateway");

type Dimensions = Record<string, string>;

function alarmsByKey(view: RunView, env: string): Map<string, RecordedResource> {
    const prefix = `goorm-popcorn-${env}-`;
    return new Map(view.ofType(O.alarm).map((a) => [String(a.inputs.name).slice(prefix.length), a]));
}

/** Every log group a resource writes to, by where the resource names it. */
function logDestinations(view: RunView): Array<[string, string]> {
    const found: Array<[string, string]> = [];
    for (const task of view.ofType(O.taskDefinition)) {
        for (const container of JSON.parse(task.inputs.containerDefinitions as string)) {
            found.push([`${task.name} awslogs`, container.logConfiguration.options["awslogs-group"]]);
        }
    }
    for (const cluster of view.ofType(O.cluster)) {
        if ((cluster.inputs.settings as Array<{ name: string; value: string }>).some((setting) => setting.name === "containerInsights" && setting.value !== "disabled")) {
            found.push([`${cluster.name} Container Insights`, `/aws/ecs/containerinsights/${cluster.inputs.name}/performance`]);
        }
        const exec = (cluster.inputs.configuration as { executeCommandConfiguration?: { logConfiguration?: { cloudWatchLogGroupName?: string } } })?.executeCommandConfiguration;
        if (exec?.logConfiguration?.cloudWatchLogGroupName) {
            found.push([`${cluster.name} exec`, exec.logConfiguration.cloudWatchLogGroupName]);
        }
    }
    for (const db of view.ofType(O.rdsInstance)) {
        for (const log of db.inputs.enabledCloudwatchLogsExports as string[]) {
            found.push([`${db.name} ${log}`, `/aws/rds/instance/${db.inputs.identifier}/${log}`]);
        }
    }
    for (const db of view.ofType(O.rdsCluster)) {
        for (const log of db.inputs.enabledCloudwatchLogsExports as string[]) {
            found.push([`${db.name} ${log}`, `/aws/rds/cluster/${db.inputs.clusterIdentifier}/${log}`]);
        }
    }
    for (const cache of view.ofType(O.cache)) {
        for (const delivery of cache.inputs.logDeliveryConfigurations as Array<{ destination: string }>) {
            found.push([`${cache.name} ${"slow-log"}`, delivery.destination]);
        }
    }
    for (const instance of view.ofType(O.ec2)) {
        const agent = /cat > \/opt\/aws\/amazon-cloudwatch-agent\/etc\/amazon-cloudwatch-agent\.json <<'AGENT'\n([\s\S]*?)AGENT/.exec(instance.inputs.userData as string);
        expect(agent, `${instance.name} has a CloudWatch agent config`).to.not.equal(null);
        for (const file of JSON.parse(agent![1]).logs.logs_collected.files.collect_list) {
            found.push([`${instance.name} agent ${file.file_path}`, file.log_group_name]);
        }
    }
    for (const logging of view.ofType(O.wafLogging)) {
        for (const arn of logging.inputs.logDestinationConfigs as string[]) {
            found.push([logging.name, arn.split(":log-group:")[1]]);
        }
    }
    for (const flowLog of view.ofType(T.flowLog)) {
        found.push([flowLog.name, String(flowLog.inputs.logDestination).split(":log-group:")[1]]);
    }
    return found;
}

const EXPECTED = {
    dev: {
        retention: 7,
        ecsCpu: 85,
        alarms: 34,
        database: { prefix: "db", dimensions: [{ DBInstanceIdentifier: "goorm-popcorn-dev-db" }], memoryBytes: 102 * 1024 * 1024, connections: 67 },
        cacheNodes: ["001"],
        kafkaNodes: 1,
        alias: "api-dev.goormpopcorn.shop",
    },
    prod: {
        retention: 90,
        ecsCpu: 80,
        alarms: 47,
        database: {
            prefix: "db-writer",
            dimensions: [
                { DBClusterIdentifier: "goorm-popcorn-prod-db", Role: "WRITER" },
                { DBClusterIdentifier: "goorm-popcorn-prod-db", Role: "READER" },
            ],
            // db.r7g.large: 16 GiB; 10 % of it, and 80 % of 1605 (its DBInstanceClassMemory / 9531392, estimated low).
            memoryBytes: 1638 * 1024 * 1024,
            connections: 1284,
        },
        cacheNodes: ["001", "002", "003"],
        kafkaNodes: 3,
        alias: "api.goormpopcorn.shop",
    },
} as const;

for (const env of ["dev", "prod"] as const) {
    const expected = EXPECTED[env];
    describe(`stack ${env}: monitoring`, () => {
        let view: RunView;
        let alarms: Map<string, RecordedResource>;
        before(async () => {
            view = new RunView(await seedRun(env));
            alarms = alarmsByKey(view, env);
        });

        it(`sends all ${expected.alarms} alarms, firing and recovering, to the topic goorm-popcorn-${env}-alarms`, () => {
            const [topic] = view.ofType(O.topic);
            expect(view.ofType(O.topic)).to.have.length(1);
            expect(topic.inputs.name).to.equal(`goorm-popcorn-${env}-alarms`);
            expect(view.ofType(O.alarm)).to.have.length(expected.alarms);
            for (const alarm of view.ofType(O.alarm)) {
                expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([topic.id]);
                expect(alarm.inputs.okActions, alarm.name).to.deep.equal([topic.id]);
            }
            // The stack files subscribe nobody yet: the on-call address is an input (an input, never invented).
            expect(view.ofType(O.subscription)).to.deep.equal([]);
        });

        it("watches CPU and memory of every ECS service, blue and green included, on AWS/ECS", () => {
            const ecsServices = view.ofType(O.service).map((s) => String(s.inputs.name));
            expect(ecsServices).to.have.length(8);
            for (const name of ecsServices) {
                const label = name.slice(`goorm-popcorn-${env}-`.length);
                for (const [what, metricName] of [
                    ["cpu", "CPUUtilization"],
                    ["memory", "MemoryUtilization"],
                ]) {
                    const alarm = alarms.get(`ecs-${label}-${what}`);
                    expect(alarm, `ecs-${label}-${what}`).to.not.equal(undefined);
                    expect(alarm!.inputs).to.deep.include({ namespace: "AWS/ECS", metricName, statistic: "Average", comparisonOperator: "GreaterThanThreshold" });
                    expect(alarm!.inputs.dimensions).to.deep.equal({ ClusterName: `goorm-popcorn-${env}-cluster`, ServiceName: name });
                }
            }
            // The threshold comes from the stack file where it sets one (prod), else the default.
            expect(alarms.get("ecs-order-service-cpu")!.inputs.threshold).to.equal(expected.ecsCpu);
            expect(alarms.get("ecs-order-service-cpu")!.inputs.alarmDescription).to.contain("platform:monitoring.thresholds.ecsCpuPercent");
        });

        it("compares each colour's healthy targets with its desired task count (Container Insights)", () => {
            const lb = view.one(O.lb, "alb-alb");
            for (const colour of ["blue", "green"]) {
                const alarm = alarms.get(`ecs-api-gateway-${colour}-healthy-hosts`)!;
                const group = view.ofType(O.targetGroup).find((g) => (g.inputs.tags as Dimensions).Colour === colour)!;
                const queries = alarm.inputs.metricQueries as Array<{ id: string; expression?: string; metric?: { namespace: string; metricName: string; dimensions: Dimensions } }>;
                expect(queries.find((q) => q.id === "result")!.expression).to.equal("FILL(desired, 0) - FILL(healthy, 0)");
                expect(queries.find((q) => q.id === "desired")!.metric).to.deep.include({
                    namespace: "ECS/ContainerInsights",
                    metricName: "DesiredTaskCount",
                    dimensions: { ClusterName: `goorm-popcorn-${env}-cluster`, ServiceName: `goorm-popcorn-${env}-api-gateway-${colour}` },
                });
                const healthy = queries.find((q) => q.id === "healthy")!.metric!;
                expect(healthy).to.deep.include({ namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount" });
                expect(healthy.dimensions.TargetGroup).to.equal(String(group.id).split(":").pop());
                expect(healthy.dimensions.LoadBalancer).to.equal(String(lb.id).split(":loadbalancer/")[1]);
                expect(alarm.inputs).to.include({ comparisonOperator: "GreaterThanThreshold", threshold: 0 });
            }
            expect([...alarms.keys()].filter((k) => k.endsWith("healthy-hosts"))).to.have.length(2);
        });

        it("watches each colour's 4xx and 5xx rates and p95 on its own target group, side by side", () => {
            const lbDimension = String(view.one(O.lb, "alb-alb").id).split(":loadbalancer/")[1];
            for (const colour of ["blue", "green"]) {
                const group = view.ofType(O.targetGroup).find((g) => String(g.inputs.name).includes(colour === "blue" ? "gateway-" + env : "gateway-green"))!;
                const tgDimension = String(group.id).split(":").pop();
                const p95 = alarms.get(`alb-${colour}-p95-response-time`)!;
                expect(p95.inputs.dimensions).to.deep.equal({ LoadBalancer: lbDimension, TargetGroup: tgDimension });
                for (const kind of ["4xx", "5xx"]) {
                    const queries = alarms.get(`alb-${colour}-${kind}-rate`)!.inputs.metricQueries as Array<{ metric?: { metricName: string; dimensions: Dimensions } }>;
                    expect(queries.filter((q) => q.metric).map((q) => [q.metric!.metricName, q.metric!.dimensions.TargetGroup])).to.deep.equal([
                        ["RequestCount", tgDimension],
                        [`HTTPCode_Target_${kind.toUpperCase()}_Count`, tgDimension],
                    ]);
                }
            }
        });

        it("watches the ALB's 5xx rate and p95 response time", () => {
            const lbDimension = String(view.one(O.lb, "alb-alb").id).split(":loadbalancer/")[1];
            const p95 = alarms.get("alb-p95-response-time")!;
            expect(p95.inputs).to.deep.include({ namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", extendedStatistic: "p95", dimensions: { LoadBalancer: lbDimension } });
            expect(p95.inputs.threshold).to.equal(env === "prod" ? 1 : 1.5);
            const rate = alarms.get("alb-5xx-rate")!;
            const queries = rate.inputs.metricQueries as Array<{ id: string; expression?: string; metric?: { metricName: string; dimensions: Dimensions } }>;
            expect(queries.map((q) => q.metric?.metricName ?? q.expression)).to.deep.equal([
                "IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 20, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)",
                "RequestCount",
                "HTTPCode_ELB_5XX_Count",
                "HTTPCode_Target_5XX_Count",
            ]);
            expect(queries.filter((q) => q.metric).every((q) => q.metric!.dimensions.LoadBalancer === lbDimension)).to.equal(true);
            expect(rate.inputs.threshold).to.equal(5);
        });

        it("watches the database's CPU, freeable memory and connections, with thresholds sized for its class", () => {
            const database = expected.database;
            const dbAlarms = [...alarms.entries()].filter(([key]) => key.startsWith("db"));
            expect(dbAlarms).to.have.length(3 * database.dimensions.length);
            expect(dbAlarms.map(([, a]) => a.inputs.dimensions)).to.deep.include.members(database.dimensions);
            expect(alarms.get(`${database.prefix}-freeable-memory`)!.inputs).to.deep.include({
                namespace: "AWS/RDS",
                metricName: "FreeableMemory",
                comparisonOperator: "LessThanThreshold",
                threshold: database.memoryBytes,
            });
            expect(alarms.get(`${database.prefix}-connections`)!.inputs).to.deep.include({ metricName: "DatabaseConnections", threshold: database.connections });
            expect(alarms.get(`${database.prefix}-cpu`)!.inputs).to.deep.include({ metricName: "CPUUtilization", threshold: 80 });
        });

        it("watches every cache node's engine CPU, memory and evictions", () => {
            const group = String(view.ofType(O.cache)[0].inputs.replicationGroupId);
            for (const node of expected.cacheNodes) {
                for (const [what, metricName] of [
                    ["cpu", "EngineCPUUtilization"],
                    ["memory", "DatabaseMemoryUsagePercentage"],
                    ["evictions", "Evictions"],
                ]) {
                    const alarm = alarms.get(`cache-${node}-${what}`)!;
                    expect(alarm.inputs).to.deep.include({ namespace: "AWS/ElastiCache", metricName, dimensions: { CacheClusterId: `${group}-${node}` } });
                }
            }
            expect([...alarms.keys()].filter((k) => k.startsWith("cache-"))).to.have.length(3 * expected.cacheNodes.length);
        });

        it("watches every Kafka node's status checks and data disk (the CloudWatch agent's metric)", () => {
            const instances = view.ofType(O.ec2);
            expect(instances).to.have.length(expected.kafkaNodes);
            instances.forEach((instance, i) => {
                const status = alarms.get(`kafka-${i + 1}-status-check`)!;
                expect(status.inputs).to.deep.include({ namespace: "AWS/EC2", metricName: "StatusCheckFailed", dimensions: { InstanceId: instance.id } });
                const disk = alarms.get(`kafka-${i + 1}-data-disk`)!;
                expect(disk.inputs).to.deep.include({ namespace: "CWAgent", metricName: "disk_used_percent", threshold: 80, dimensions: { InstanceId: instance.id, path: "/var/lib/kafka" } });
            });
        });

        it(`draws every alarm's metrics on the dashboard goorm-popcorn-${env}-overview`, () => {
            const [dashboard] = view.ofType(O.dashboard);
            expect(dashboard.inputs.dashboardName).to.equal(`goorm-popcorn-${env}-overview`);
            const body = JSON.parse(dashboard.inputs.dashboardBody as string) as { widgets: Array<{ type: string; properties: { alarms?: string[]; metrics?: unknown[][] } }> };
            const alarmWidget = body.widgets.find((w) => w.type === "alarm")!;
            expect(alarmWidget.properties.alarms).to.have.length(expected.alarms);
            // A line is [namespace, metric, dim1, value1, …, options]; dimension order does not matter.
            const pairs = (flat: unknown[]) => Array.from({ length: flat.length / 2 }, (_, i) => `${flat[2 * i]}=${flat[2 * i + 1]}`).sort();
            const drawn = new Set(
                body.widgets.flatMap((w) => (w.properties.metrics ?? []).filter((line) => typeof line[0] === "string").map((line) => `${line[0]} ${line[1]} ${pairs(line.slice(2, -1))}`)),
            );
            for (const alarm of view.ofType(O.alarm)) {
                const metrics = alarm.inputs.metricName
                    ? [{ namespace: alarm.inputs.namespace, metricName: alarm.inputs.metricName, dimensions: alarm.inputs.dimensions }]
                    : (alarm.inputs.metricQueries as Array<{ metric?: { namespace: string; metricName: string; dimensions: Dimensions } }>).filter((q) => q.metric).map((q) => q.metric!);
                for (const metric of metrics) {
                    const line = `${metric.namespace} ${metric.metricName} ${pairs(Object.entries(metric.dimensions as Dimensions).flat())}`;
                    expect(drawn.has(line), `${alarm.name}: ${line}`).to.equal(true);
                }
            }
        });

        it("gives every log group a retention, and creates every log group something writes to (none left to AWS)", () => {
            const groups = new Map(view.ofType(T.logGroup).map((g) => [String(g.inputs.name), g]));
            for (const group of groups.values()) {
                expect(LOG_RETENTION_DAYS as readonly number[], group.name).to.include(group.inputs.retentionInDays as number);
                expect(group.inputs.retentionInDays, String(group.inputs.name)).to.equal(expected.retention);
            }
            const destinations = logDestinations(view);
            expect(destinations.length).to.be.above(10);
            for (const [writer, name] of destinations) {
                expect(groups.has(name), `${writer} writes to ${name}, which the program does not create`).to.equal(true);
            }
        });
    });
}

describe("stack dev: edge and office hours", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        const run = await seedRun("dev");
        view = new RunView(run);
        outputs = run.outputs as Record<string, unknown>;
    });

    it("runs no web ACL, as the stack file says (a dev relaxation of the security baseline)", () => {
        expect(view.ofType(O.webAcl)).to.deep.equal([]);
        expect(view.ofType(O.association)).to.deep.equal([]);
        expect(outputs.webAclArn).to.equal(undefined);
    });

    it("stops every running deployment at 20:00 and starts it at 08:00 on weekdays, Seoul time; green at rest has none", () => {
        const actions = view.ofType(O.scheduledAction);
        const expectedNames = [...PLAIN, "api-gateway-blue"].flatMap((d) => [`goorm-popcorn-dev-${d}-stop`, `goorm-popcorn-dev-${d}-start`]);
        expect(actions.map((a) => a.inputs.name)).to.have.members(expectedNames);
        for (const action of actions) {
            const stop = String(action.inputs.name).endsWith("-stop");
            expect(action.inputs).to.deep.include({ timezone: "Asia/Seoul", schedule: stop ? "cron(0 20 ? * MON-FRI *)" : "cron(0 8 ? * MON-FRI *)" });
            expect(action.inputs.scalableTargetAction).to.deep.equal(stop ? { minCapacity: 0, maxCapacity: 0 } : { minCapacity: 1, maxCapacity: 2 });
        }
    });

    it("starts green at once when it leaves rest during office hours' night: a new scalable target, whose registration lifts the count to its minimum", async () => {
        expect(view.ofType(O.scalingTarget).map((t) => t.name)).to.not.include("api-gateway-green-scaling");
        const copy = new StackCopy(SEED_ROOT);
        try {
            copy.set("dev", "blueGreen.green.scaledToZero", "false");
            const edited = new RunView(await cachedStackRun("dev", copy.dir));
            // Created by this update, not updated: office hours' ignoreChanges on min/max cannot hold
            // a new target back, and RegisterScalableTarget moves the current count into [min, max].
            const target = edited.one(O.scalingTarget, "api-gateway-green-scaling");
            expect(target.inputs).to.include({ minCapacity: 1, maxCapacity: 2, resourceId: "service/goorm-popcorn-dev-cluster/goorm-popcorn-dev-api-gateway-green" });
            const green = edited.one(O.service, "api-gateway-green-service");
            expect(green.inputs.desiredCount).to.equal(1);
            // Its ECS service ignores the count from now on (autoscaling owns it), like blue's.
            expect(green.options.ignoreChanges).to.deep.equal(["desiredCount"]);
            expect(edited.ofType(O.scheduledAction).map((a) => a.inputs.name)).to.include.members(["goorm-popcorn-dev-api-gateway-green-stop", "goorm-popcorn-dev-api-gateway-green-start"]);
        } finally {
            copy.remove();
        }
    });

    it("points api-dev.goormpopcorn.shop at the ALB and exports it as the URL", () => {
        const alias = view.one(O.record, "alb-alias-0");
        expect(alias.inputs).to.deep.include({ name: EXPECTED.dev.alias, type: "A" });
        expect(outputs.albUrl).to.equal(`https://${EXPECTED.dev.alias}`);
        expect(outputs.albAliases).to.deep.equal([EXPECTED.dev.alias]);
    });
});

describe("stack prod: edge and around the clock", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        const run = await seedRun("prod");
        view = new RunView(run);
        outputs = run.outputs as Record<string, unknown>;
    });

    it("protects the ALB with a regional web ACL: a per-IP rate limit, then the core rule set and known bad inputs", () => {
        const [acl] = view.ofType(O.webAcl);
        expect(view.ofType(O.webAcl)).to.have.length(1);
        expect(acl.inputs).to.deep.include({ name: "goorm-popcorn-prod-web-acl", scope: "REGIONAL", defaultAction: { allow: {} } });
        const rules = acl.inputs.rules as Array<{
            priority: number;
            statement: { rateBasedStatement?: { limit: number; aggregateKeyType: string; evaluationWindowSec: number }; managedRuleGroupStatement?: { name: string; vendorName: string } };
            visibilityConfig: { cloudwatchMetricsEnabled: boolean; sampledRequestsEnabled: boolean };
        }>;
        expect(rules.map((r) => r.priority)).to.deep.equal([0, 1, 2]);
        expect(rules[0].statement.rateBasedStatement).to.deep.include({ limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 });
        expect(rules.slice(1).map((r) => r.statement.managedRuleGroupStatement)).to.deep.equal([
            { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" },
            { name: "AWSManagedRulesKnownBadInputsRuleSet", vendorName: "AWS" },
        ]);
        expect(rules.every((r) => r.visibilityConfig.cloudwatchMetricsEnabled && r.visibilityConfig.sampledRequestsEnabled)).to.equal(true);
        const [association] = view.ofType(O.association);
        expect(view.ofType(O.association)).to.have.length(1);
        expect(association.inputs).to.deep.equal({ resourceArn: view.one(O.lb, "alb-alb").id, webAclArn: outputs.webAclArn });
    });

    it("logs WAF requests to aws-waf-logs-goorm-popcorn-prod for 90 days", () => {
        const group = view.ofType(T.logGroup).find((g) => g.inputs.name === "aws-waf-logs-goorm-popcorn-prod")!;
        expect(group.inputs.retentionInDays).to.equal(90);
        expect(view.one(O.wafLogging, "waf-logging").inputs.resourceArn).to.equal(outputs.webAclArn);
    });

    it("says on every run, as a preview would, that its alarms notify nobody yet, and why", async () => {
        expect((await seedRun("prod")).warnings).to.deep.equal([
            'platform:monitoring.unattendedReason: the alarms of this stack notify nobody: "no on-call address or tool is named yet; set alarmEmails or alarmTopicArns before go-live"',
        ]);
        // dev may go unwatched by mail.
        expect((await seedRun("dev")).warnings).to.deep.equal([]);
    });

    it("notifies an on-call tool's topic beside its own, firing and recovering; a stale reason is said, not refused", async () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            copy.set("prod", "monitoring.alarmTopicArns[0]", "arn:aws:sns:ap-northeast-2:210987654321:pagerduty-popcorn");
            const run = await cachedStackRun("prod", copy.dir);
            const actions = [(run.outputs as Record<string, unknown>).alarmTopicArn, "arn:aws:sns:ap-northeast-2:210987654321:pagerduty-popcorn"];
            const alarms = new RunView(run).ofType(O.alarm);
            expect(alarms).to.not.be.empty;
            for (const alarm of alarms) {
                expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal(actions);
                expect(alarm.inputs.okActions, alarm.name).to.deep.equal(actions);
            }
            expect(run.warnings).to.deep.equal([
                "platform:monitoring.unattendedReason is set, but the alarms notify alarmEmails or alarmTopicArns now; remove it (pulumi config rm --path 'platform:monitoring.unattendedReason')",
            ]);
        } finally {
            copy.remove();
        }
    });

    it("runs around the clock: no scheduled action", () => {
        expect(view.ofType(O.scheduledAction)).to.deep.equal([]);
    });

    it("points api.goormpopcorn.shop at the ALB", () => {
        expect(view.one(O.record, "alb-alias-0").inputs).to.deep.include({ name: EXPECTED.prod.alias, type: "A" });
        expect(outputs.albUrl).to.equal(`https://${EXPECTED.prod.alias}`);
    });

    it("exports what operators look up: URL, cluster and services, database and cache endpoints, Kafka, dashboard and alarm topic", () => {
        expect(outputs).to.include.keys(
            "albDnsName",
            "albUrl",
            "clusterName",
            "services",
            "databaseEndpoint",
            "databaseReaderEndpoint",
            "cacheEndpoint",
            "kafkaBootstrapServers",
            "dashboardUrl",
            "alarmTopicArn",
        );
        expect(outputs.dashboardUrl).to.equal("https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/goorm-popcorn-prod-overview");
        expect(outputs.alarmTopicArn).to.equal("arn:aws:sns:ap-northeast-2:123456789012:goorm-popcorn-prod-alarms");
        expect(outputs.databaseReaderEndpoint).to.match(/^goorm-popcorn-prod-db\.cluster-ro-/);
        expect(String(outputs.kafkaBootstrapServers).split(",")).to.have.length(3);
        expect(outputs.clusterName).to.equal("goorm-popcorn-prod-cluster");
        expect(Object.keys(outputs.services as object)).to.have.members(SERVICES);
    });
});
