import { expect } from "chai";
import { z } from "zod";
import { SERVICE_THRESHOLDS, WatchedEcsService, ecsAlarms } from "../../../../components/compute/services/alarms";
import { CACHE_THRESHOLDS, cacheAlarms } from "../../../../components/data/cache/alarms";
import { DATABASE_THRESHOLDS, WatchedDatabase, databaseAlarms } from "../../../../components/data/database/alarms";
import { KAFKA_THRESHOLDS, kafkaAlarms } from "../../../../components/data/kafka/alarms";
import { AlarmSection } from "../../../../components/observability/monitoring/alarms";
import { Monitoring, MonitoringArgs, monitoringSettingsProblems } from "../../../../components/observability/monitoring/monitoring";
import { ALB_THRESHOLDS, albAlarms } from "../../../../components/traffic/blue-green-alb/alarms";
import { ArgumentError } from "../../../../lib/problems";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const M = {
    component: "platform:observability:Monitoring",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
} as const;

const REGION = "ap-northeast-2";
const TOPIC_ARN = `arn:aws:sns:${REGION}:${MOCK_ACCOUNT_ID}:goorm-popcorn-dev-alarms`;
const alarmArn = (key: string) => `arn:aws:cloudwatch:${REGION}:${MOCK_ACCOUNT_ID}:alarm:goorm-popcorn-dev-${key}`;
const KMS_KEY = `arn:aws:kms:${REGION}:${MOCK_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MIB = 1024 * 1024;

const CLUSTER = "goorm-popcorn-dev-cluster";
const LB = "app/goorm-popcorn-alb-dev/0123456789abcdef";
const TG = { blue: "targetgroup/goorm-popcorn-gateway-dev/1111111111111111", green: "targetgroup/goorm-popcorn-gateway-green-dev/2222222222222222" };
const KAFKA_IDS = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"];
const EMAILS = ["ops@goorm.example", "oncall@goorm.example"];

const gateway = (colour: "blue" | "green", desiredCount: number): WatchedEcsService => ({
    service: "api-gateway",
    label: `api-gateway-${colour}`,
    ecsServiceName: `goorm-popcorn-dev-api-gateway-${colour}`,
    clusterName: CLUSTER,
    desiredCount,
    target: { targetGroupArnSuffix: TG[colour], loadBalancerArnSuffix: LB },
});
const ORDER: WatchedEcsService = { service: "order-service", label: "order-service", ecsServiceName: "goorm-popcorn-dev-order-service", clusterName: CLUSTER, desiredCount: 1 };

/** What runs, as the blocks would hand it to their alarm functions. */
interface Fleet {
    ecsServices: readonly WatchedEcsService[];
    containerInsights: boolean;
    /** No ALB section without it. */
    loadBalancerArnSuffix?: string;
    database?: WatchedDatabase;
    /** Node ids of the cache `goorm-popcorn-dev-cache` (`<group>-001`, …). */
    cacheNodeIds?: readonly string[];
    kafkaInstanceIds?: readonly string[];
    /** `platform:monitoring.thresholds` as config sets them; every block's defaults fill the rest. */
    thresholds?: Record<string, unknown>;
}

/** Every block's threshold keys, as config merges them. */
const THRESHOLDS = z.object({ ...SERVICE_THRESHOLDS, ...ALB_THRESHOLDS, ...DATABASE_THRESHOLDS, ...CACHE_THRESHOLDS, ...KAFKA_THRESHOLDS });

/** The sections the blocks contribute, in their dashboard rank: ECS (10), ALB, Database, Cache, Kafka. */
function sections(fleet: Fleet): AlarmSection[] {
    const t = THRESHOLDS.parse(fleet.thresholds ?? {});
    const cacheGroup = "goorm-popcorn-dev-cache";
    return [
        { title: "ECS", specs: fleet.ecsServices.flatMap((s) => ecsAlarms(s, t, fleet.containerInsights)) },
        ...(fleet.loadBalancerArnSuffix !== undefined ? [{ title: "ALB", specs: albAlarms(fleet.loadBalancerArnSuffix, t) }] : []),
        ...(fleet.database !== undefined ? [{ title: "Database", specs: databaseAlarms(fleet.database, t) }] : []),
        ...(fleet.cacheNodeIds !== undefined ? [{ title: "Cache", specs: fleet.cacheNodeIds.flatMap((node) => cacheAlarms(node, node.slice(cacheGroup.length + 1), t)) }] : []),
        ...(fleet.kafkaInstanceIds !== undefined ? [{ title: "Kafka", specs: fleet.kafkaInstanceIds.flatMap((id, i) => kafkaAlarms(i, id, "/var/lib/kafka", t)) }] : []),
    ];
}

/**
 * api-gateway blue (2 tasks) and green (at rest) behind the ALB, order-service without a target
 * group, an Aurora PostgreSQL cluster with readers on db.r7g.large, a 3-node cache, 2 Kafka nodes.
 */
const FLEET: Fleet = {
    ecsServices: [gateway("blue", 2), gateway("green", 0), ORDER],
    containerInsights: true,
    loadBalancerArnSuffix: LB,
    database: { kind: "aurora", clusterIdentifier: "goorm-popcorn-dev-db", hasReaders: true, engine: "aurora-postgresql", instanceClass: "db.r7g.large" },
    cacheNodeIds: ["goorm-popcorn-dev-cache-001", "goorm-popcorn-dev-cache-002", "goorm-popcorn-dev-cache-003"],
    kafkaInstanceIds: KAFKA_IDS,
};

/** The component's arguments for the fleet changed by `fleet`, then changed by `change`. */
function monitoringArgs(change: Partial<MonitoringArgs> = {}, fleet: Partial<Fleet> = {}): MonitoringArgs {
    return {
        naming,
        tags,
        alarmEmails: EMAILS,
        sections: sections({ ...FLEET, ...fleet }),
        ...change,
    };
}

const EXPECTED_KEYS = [
    "ecs-api-gateway-blue-cpu",
    "ecs-api-gateway-blue-memory",
    "ecs-api-gateway-blue-healthy-hosts",
    "ecs-api-gateway-green-cpu",
    "ecs-api-gateway-green-memory",
    "ecs-api-gateway-green-healthy-hosts",
    "ecs-order-service-cpu",
    "ecs-order-service-memory",
    "alb-5xx-rate",
    "alb-p95-response-time",
    "db-writer-cpu",
    "db-writer-freeable-memory",
    "db-writer-connections",
    "db-readers-cpu",
    "db-readers-freeable-memory",
    "db-readers-connections",
    ...["001", "002", "003"].flatMap((n) => [`cache-${n}-cpu`, `cache-${n}-memory`, `cache-${n}-evictions`]),
    "kafka-1-status-check",
    "kafka-1-data-disk",
    "kafka-2-status-check",
    "kafka-2-data-disk",
];

/** Runs one Monitoring component and exports its outputs as the stack's. */
function runMonitoring(args: MonitoringArgs): Promise<RunView> {
    return runView(() => {
        const monitoring = new Monitoring("monitoring", args);
        return { topicArn: monitoring.topicArn, dashboardName: monitoring.dashboardName, dashboardUrl: monitoring.dashboardUrl, alarmNames: monitoring.alarmNames };
    });
}

// ---------------------------------------------------------------------------------------------
// The recorded alarm and dashboard, as plain data.
// ---------------------------------------------------------------------------------------------

interface QueryMetric {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    period: number;
    stat: string;
}
interface MetricQuery {
    id: string;
    expression?: string;
    label?: string;
    returnData: boolean;
    metric?: QueryMetric;
}

function alarmOf(view: RunView, key: string): RecordedResource {
    return view.one(M.alarm, `monitoring-${key}`);
}

/** The one metric a single-metric alarm watches, in the shape of a metric query's. */
function singleMetricOf(alarm: RecordedResource): QueryMetric {
    const i = alarm.inputs;
    return {
        namespace: i.namespace as string,
        metricName: i.metricName as string,
        dimensions: i.dimensions as Record<string, string>,
        period: i.period as number,
        stat: (i.statistic ?? i.extendedStatistic) as string,
    };
}

type LineOptions = { id?: string; label?: string; stat?: string; period?: number; visible?: boolean; expression?: string };
interface DashboardLine {
    /** Undefined for an expression line. */
    metric?: { namespace: string; metricName: string; dimensions: Record<string, string> };
    options: LineOptions;
}
interface MetricWidget {
    type: "metric";
    x: number;
    y: number;
    width: number;
    height: number;
    properties: {
        title: string;
        region: string;
        view: string;
        stacked: boolean;
        period: number;
        metrics: Array<Array<string | LineOptions>>;
        annotations?: { horizontal: Array<{ label: string; value: number }> };
    };
}
interface AlarmWidget {
    type: "alarm";
    x: number;
    y: number;
    width: number;
    height: number;
    properties: { title: string; alarms: string[]; sortBy: string };
}

/** `[namespace, metric, dim1, value1, …, { options }]` or `[{ expression, id, … }]`. */
function parseLine(line: Array<string | LineOptions>): DashboardLine {
    const last = line[line.length - 1];
    expect(last, JSON.stringify(line)).to.be.an("object");
    const strings = line.slice(0, -1) as string[];
    expect(strings.every((s) => typeof s === "string"), JSON.stringify(line)).to.equal(true);
    if (strings.length === 0) {
        return { options: last as LineOptions };
    }
    expect(strings.length % 2, `an even count of namespace, metric and dimension pairs: ${JSON.stringify(line)}`).to.equal(0);
    const dimensions: Record<string, string> = {};
    for (let k = 2; k < strings.length; k += 2) {
        dimensions[strings[k]] = strings[k + 1];
    }
    return { metric: { namespace: strings[0], metricName: strings[1], dimensions }, options: last as LineOptions };
}

function dashboardOf(view: RunView): { alarmWidget: AlarmWidget; metricWidgets: MetricWidget[]; widgets: Array<AlarmWidget | MetricWidget> } {
    const body = JSON.parse(view.one(M.dashboard, "monitoring-dashboard").inputs.dashboardBody as string) as { widgets: Array<AlarmWidget | MetricWidget> };
    expect(Object.keys(body)).to.deep.equal(["widgets"]);
    const [alarmWidget, ...metricWidgets] = body.widgets;
    expect(alarmWidget.type).to.equal("alarm");
    expect(metricWidgets.every((w) => w.type === "metric")).to.equal(true);
    return { alarmWidget: alarmWidget as AlarmWidget, metricWidgets: metricWidgets as MetricWidget[], widgets: body.widgets };
}

/** The ids an expression refers to (metric-math ids start with a lowercase letter; functions are upper case). */
function referencedIds(expression: string): string[] {
    return [...new Set(expression.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [])];
}

/** Every alarm of the dashboard's graphs is drawn with the metric (or math) its alarm watches. */
function expectAlarmsDrawn(view: RunView, keys: readonly string[]): void {
    const { metricWidgets } = dashboardOf(view);
    for (const key of keys) {
        const alarm = alarmOf(view, key);
        const homes = metricWidgets.filter((w) => w.properties.metrics.map(parseLine).some((l) => l.options.label === key));
        expect(homes, `widgets drawing ${key}`).to.have.length(1);
        const lines = homes[0].properties.metrics.map(parseLine);
        const line = lines.find((l) => l.options.label === key)!;
        if (alarm.inputs.namespace !== undefined) {
            const watched = singleMetricOf(alarm);
            expect(line.metric, key).to.deep.equal({ namespace: watched.namespace, metricName: watched.metricName, dimensions: watched.dimensions });
            expect(line.options, key).to.deep.equal({ period: watched.period, label: key, stat: watched.stat });
        } else {
            const queries = alarm.inputs.metricQueries as MetricQuery[];
            const result = queries.find((q) => q.returnData)!;
            expect(line.metric, key).to.equal(undefined);
            expect(line.options.id, key).to.match(/^[a-z]\w*result$/);
            const prefix = line.options.id!.slice(0, -"result".length);
            const inputs = queries.filter((q) => !q.returnData);
            let rewritten = result.expression!;
            for (const q of inputs) {
                rewritten = rewritten.replace(new RegExp(`\\b${q.id}\\b`, "g"), prefix + q.id);
            }
            expect(line.options.expression, key).to.equal(rewritten);
            for (const q of inputs) {
                const input = lines.find((l) => l.options.id === prefix + q.id);
                expect(input, `${key}: ${prefix + q.id}`).not.to.equal(undefined);
                expect(input!.metric, `${key}: ${q.id}`).to.deep.equal({ namespace: q.metric!.namespace, metricName: q.metric!.metricName, dimensions: q.metric!.dimensions });
                expect(input!.options, `${key}: ${q.id}`).to.deep.equal({ period: q.metric!.period, id: prefix + q.id, visible: false, stat: q.metric!.stat });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

describe("components/observability/monitoring/monitoring: ECS on blue/green behind the ALB, Aurora with readers, a 3-node cache, 2 Kafka nodes", () => {
    let view: RunView;
    before(async () => {
        view = await runMonitoring(monitoringArgs());
    });

    it("registers platform:observability:Monitoring as the parent of every child: a topic, its policy, 2 subscriptions, 29 alarms, a dashboard", () => {
        const [component] = view.ofType(M.component);
        expect(view.ofType(M.component)).to.have.length(1);
        expect(component.parent).to.equal(view.ofType(T.stack)[0].urn);
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
        const counts: Record<string, number> = {};
        for (const r of view.custom) {
            counts[r.type] = (counts[r.type] ?? 0) + 1;
        }
        expect(counts).to.deep.equal({ [M.topic]: 1, [M.topicPolicy]: 1, [M.subscription]: 2, [M.alarm]: 29, [M.dashboard]: 1 });
    });

    it("creates the topic goorm-popcorn-dev-alarms, unencrypted without a KMS key", () => {
        const topic = view.one(M.topic, "monitoring-topic");
        expect(topic.inputs).to.include({ name: "goorm-popcorn-dev-alarms", displayName: "goorm-popcorn-dev alarms" });
        expect(topic.inputs.kmsMasterKeyId).to.equal(undefined);
        expect(topic.id).to.equal(TOPIC_ARN);
    });

    it("lets only CloudWatch alarms of this account and region publish to the topic, and only over TLS", () => {
        const policy = view.one(M.topicPolicy, "monitoring-topic-policy");
        expect(policy.inputs.arn).to.equal(TOPIC_ARN);
        const document = JSON.parse(policy.inputs.policy as string);
        expect(document).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "CloudWatchAlarmsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: TOPIC_ARN,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${REGION}:${MOCK_ACCOUNT_ID}:alarm:*` },
                    },
                },
                {
                    Sid: "TlsOnly",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sns:Publish",
                    Resource: TOPIC_ARN,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });

    it("subscribes each address by e-mail to the topic", () => {
        const subscriptions = view.ofType(M.subscription).sort((a, b) => a.name.localeCompare(b.name));
        expect(subscriptions.map((s) => s.name)).to.deep.equal(["monitoring-email-0", "monitoring-email-1"]);
        expect(subscriptions.map((s) => s.inputs)).to.deep.equal(EMAILS.map((endpoint) => ({ topic: TOPIC_ARN, protocol: "email", endpoint })));
    });

    it("creates one alarm per spec, named goorm-popcorn-dev-<key>", () => {
        const alarms = view.ofType(M.alarm);
        expect(alarms.map((a) => a.name).sort()).to.deep.equal(EXPECTED_KEYS.map((k) => `monitoring-${k}`).sort());
        for (const key of EXPECTED_KEYS) {
            expect(alarmOf(view, key).inputs.name).to.equal(`goorm-popcorn-dev-${key}`);
        }
    });

    it("notifies the topic when an alarm fires and when it recovers", () => {
        for (const alarm of view.ofType(M.alarm)) {
            expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([TOPIC_ARN]);
            expect(alarm.inputs.okActions, alarm.name).to.deep.equal([TOPIC_ARN]);
            expect(alarm.inputs.insufficientDataActions, alarm.name).to.equal(undefined);
        }
    });

    it("gives single-metric alarms namespace, metric, dimensions, period and statistic, and no metric queries", () => {
        expect(alarmOf(view, "ecs-order-service-cpu").inputs).to.deep.include({
            namespace: "AWS/ECS",
            metricName: "CPUUtilization",
            dimensions: { ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-order-service" },
            period: 60,
            statistic: "Average",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 85,
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(alarmOf(view, "db-readers-connections").inputs).to.deep.include({
            namespace: "AWS/RDS",
            metricName: "DatabaseConnections",
            dimensions: { DBClusterIdentifier: "goorm-popcorn-dev-db", Role: "READER" },
            statistic: "Maximum",
            threshold: 1284,
        });
        expect(alarmOf(view, "db-writer-freeable-memory").inputs).to.deep.include({
            metricName: "FreeableMemory",
            dimensions: { DBClusterIdentifier: "goorm-popcorn-dev-db", Role: "WRITER" },
            comparisonOperator: "LessThanThreshold",
            threshold: 1638 * MIB,
        });
        expect(alarmOf(view, "cache-003-evictions").inputs).to.deep.include({
            namespace: "AWS/ElastiCache",
            metricName: "Evictions",
            dimensions: { CacheClusterId: "goorm-popcorn-dev-cache-003" },
            period: 300,
            statistic: "Sum",
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
        });
        expect(alarmOf(view, "kafka-2-data-disk").inputs).to.deep.include({
            namespace: "CWAgent",
            metricName: "disk_used_percent",
            dimensions: { InstanceId: KAFKA_IDS[1], path: "/var/lib/kafka" },
            statistic: "Maximum",
            treatMissingData: "breaching",
        });
        expect(alarmOf(view, "kafka-1-status-check").inputs).to.deep.include({
            namespace: "AWS/EC2",
            metricName: "StatusCheckFailed",
            dimensions: { InstanceId: KAFKA_IDS[0] },
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            treatMissingData: "breaching",
        });
        for (const key of EXPECTED_KEYS.filter((k) => !k.endsWith("healthy-hosts") && k !== "alb-5xx-rate")) {
            expect(alarmOf(view, key).inputs.metricQueries, key).to.equal(undefined);
            expect(alarmOf(view, key).inputs.namespace, key).to.be.a("string");
        }
    });

    it("gives the p95 alarm an extendedStatistic and no statistic", () => {
        const p95 = alarmOf(view, "alb-p95-response-time").inputs;
        expect(p95).to.deep.include({ namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: LB }, extendedStatistic: "p95", threshold: 1.5 });
        expect(p95.statistic).to.equal(undefined);
    });

    it("gives the 5xx-rate alarm metric queries: the expression returned, its three ALB inputs not", () => {
        const rate = alarmOf(view, "alb-5xx-rate").inputs;
        expect(rate.namespace).to.equal(undefined);
        expect(rate.metricName).to.equal(undefined);
        expect(rate.statistic).to.equal(undefined);
        expect(rate).to.include({ comparisonOperator: "GreaterThanThreshold", threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3 });
        const alb = (metricName: string) => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: LB }, period: 60, stat: "Sum" });
        expect(rate.metricQueries).to.deep.equal([
            { id: "result", expression: "IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 20, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)", label: "5xx responses, % of requests", returnData: true },
            { id: "requests", returnData: false, metric: alb("RequestCount") },
            { id: "elb5xx", returnData: false, metric: alb("HTTPCode_ELB_5XX_Count") },
            { id: "target5xx", returnData: false, metric: alb("HTTPCode_Target_5XX_Count") },
        ]);
    });

    it("compares each colour's healthy targets with its DesiredTaskCount, the colour at rest too", () => {
        for (const colour of ["blue", "green"] as const) {
            const healthy = alarmOf(view, `ecs-api-gateway-${colour}-healthy-hosts`).inputs;
            expect(healthy).to.include({ comparisonOperator: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" });
            expect(healthy.metricQueries).to.deep.equal([
                { id: "result", expression: "FILL(desired, 0) - FILL(healthy, 0)", label: "Desired tasks not healthy in the target group", returnData: true },
                {
                    id: "desired",
                    returnData: false,
                    metric: {
                        namespace: "ECS/ContainerInsights",
                        metricName: "DesiredTaskCount",
                        dimensions: { ClusterName: CLUSTER, ServiceName: `goorm-popcorn-dev-api-gateway-${colour}` },
                        period: 60,
                        stat: "Minimum",
                    },
                },
                {
                    id: "healthy",
                    returnData: false,
                    metric: { namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount", dimensions: { TargetGroup: TG[colour], LoadBalancer: LB }, period: 60, stat: "Minimum" },
                },
            ]);
        }
    });

    it("has exactly one returned expression per math alarm, with ids unique within the alarm", () => {
        for (const key of ["alb-5xx-rate", "ecs-api-gateway-blue-healthy-hosts", "ecs-api-gateway-green-healthy-hosts"]) {
            const queries = alarmOf(view, key).inputs.metricQueries as MetricQuery[];
            expect(queries.filter((q) => q.returnData).map((q) => q.id), key).to.deep.equal(["result"]);
            expect(new Set(queries.map((q) => q.id)).size, key).to.equal(queries.length);
            const inputIds = queries.filter((q) => !q.returnData).map((q) => q.id);
            expect(referencedIds(queries[0].expression!).sort(), key).to.deep.equal(inputIds.sort());
        }
    });

    it("describes each alarm with what is wrong and where its threshold comes from", () => {
        expect(alarmOf(view, "ecs-order-service-memory").inputs.alarmDescription).to.equal(
            "Memory of ECS service goorm-popcorn-dev-order-service above 85% for 5 minutes: autoscaling is at its maximum or cannot keep up. Threshold: platform:monitoring.thresholds.ecsMemoryPercent.",
        );
        expect(alarmOf(view, "db-writer-connections").inputs.alarmDescription).to.equal(
            "Connections to the writer of goorm-popcorn-dev-db above 1284 for 5 minutes (near max_connections). Threshold: platform:monitoring.thresholds.dbConnections (default: 80% of aurora-postgresql's max_connections on db.r7g.large).",
        );
        expect(alarmOf(view, "ecs-api-gateway-blue-healthy-hosts").inputs.alarmDescription).to.contain("Threshold: ECS/ContainerInsights DesiredTaskCount");
        expect(alarmOf(view, "kafka-1-status-check").inputs.alarmDescription).to.contain("Threshold: fixed: any failed status check.");
    });

    it("creates the dashboard goorm-popcorn-dev-overview, its alarm widget listing every alarm's ARN in spec order", () => {
        expect(view.one(M.dashboard, "monitoring-dashboard").inputs.dashboardName).to.equal("goorm-popcorn-dev-overview");
        const { alarmWidget } = dashboardOf(view);
        expect(alarmWidget).to.deep.include({ x: 0, y: 0, width: 24, height: 6 });
        expect(alarmWidget.properties).to.deep.equal({ title: "Alarms", alarms: EXPECTED_KEYS.map(alarmArn), sortBy: "stateUpdatedTimestamp" });
    });

    it("draws one time-series graph per metric in ap-northeast-2, on a 2-column grid without overlaps", () => {
        const { metricWidgets, widgets } = dashboardOf(view);
        expect(metricWidgets.map((w) => w.properties.title)).to.deep.equal([
            "ECS: CPUUtilization",
            "ECS: MemoryUtilization",
            "ECS: Desired tasks not healthy in the target group",
            "ALB: 5xx responses, % of requests",
            "ALB: TargetResponseTime",
            "Database: CPUUtilization",
            "Database: FreeableMemory",
            "Database: DatabaseConnections",
            "Cache: EngineCPUUtilization",
            "Cache: DatabaseMemoryUsagePercentage",
            "Cache: Evictions",
            "Kafka: StatusCheckFailed",
            "Kafka: disk_used_percent",
        ]);
        for (const w of metricWidgets) {
            expect(w.properties, w.properties.title).to.include({ region: REGION, view: "timeSeries", stacked: false, period: 60 });
            expect(w.x + w.width, w.properties.title).to.be.at.most(24);
        }
        const cells = new Set<string>();
        for (const w of widgets) {
            for (let x = w.x; x < w.x + w.width; x++) {
                for (let y = w.y; y < w.y + w.height; y++) {
                    expect(cells.has(`${x},${y}`), `overlap at ${x},${y}`).to.equal(false);
                    cells.add(`${x},${y}`);
                }
            }
        }
    });

    it("groups the lines by metric: all deployments' CPU in one graph, every cache node's memory in one", () => {
        const { metricWidgets } = dashboardOf(view);
        const labels = (title: string) =>
            metricWidgets
                .find((w) => w.properties.title === title)!
                .properties.metrics.map(parseLine)
                .filter((l) => l.options.visible !== false)
                .map((l) => l.options.label);
        expect(labels("ECS: CPUUtilization")).to.deep.equal(["ecs-api-gateway-blue-cpu", "ecs-api-gateway-green-cpu", "ecs-order-service-cpu"]);
        expect(labels("Cache: DatabaseMemoryUsagePercentage")).to.deep.equal(["cache-001-memory", "cache-002-memory", "cache-003-memory"]);
        expect(labels("Database: FreeableMemory")).to.deep.equal(["db-writer-freeable-memory", "db-readers-freeable-memory"]);
        expect(labels("ECS: Desired tasks not healthy in the target group")).to.deep.equal(["ecs-api-gateway-blue-healthy-hosts", "ecs-api-gateway-green-healthy-hosts"]);
    });

    it("draws every alarm's metric, with its dimensions and statistic, and every math alarm's expression over its inputs", () => {
        expectAlarmsDrawn(view, EXPECTED_KEYS);
    });

    it("rewrites math ids uniquely per graph, and every id an expression names is a line of that graph", () => {
        const { metricWidgets } = dashboardOf(view);
        let expressions = 0;
        for (const w of metricWidgets) {
            const lines = w.properties.metrics.map(parseLine);
            const ids = lines.map((l) => l.options.id).filter((id): id is string => id !== undefined);
            expect(new Set(ids).size, w.properties.title).to.equal(ids.length);
            for (const id of ids) {
                expect(id, w.properties.title).to.match(/^[a-z][A-Za-z0-9_]*$/);
            }
            for (const line of lines.filter((l) => l.options.expression !== undefined)) {
                expressions++;
                const referenced = referencedIds(line.options.expression!);
                expect(referenced.length, line.options.expression).to.be.greaterThan(0);
                for (const id of referenced) {
                    expect(ids, `${w.properties.title}: ${line.options.expression}`).to.include(id);
                    expect(id).not.to.equal(line.options.id);
                }
            }
        }
        expect(expressions).to.equal(3);
        // The two colours' healthy-host expressions share a graph, with distinct ids.
        const healthy = metricWidgets.find((w) => w.properties.title === "ECS: Desired tasks not healthy in the target group")!;
        expect(healthy.properties.metrics.map(parseLine).filter((l) => l.options.id !== undefined)).to.have.length(6);
    });

    it("draws each graph's threshold, in the metric's unit", () => {
        const { metricWidgets } = dashboardOf(view);
        const thresholds = Object.fromEntries(metricWidgets.map((w) => [w.properties.title, w.properties.annotations?.horizontal]));
        const line = (value: number) => [{ label: "alarm threshold", value }];
        expect(thresholds).to.deep.equal({
            "ECS: CPUUtilization": line(85),
            "ECS: MemoryUtilization": line(85),
            "ECS: Desired tasks not healthy in the target group": line(0),
            "ALB: 5xx responses, % of requests": line(5),
            "ALB: TargetResponseTime": line(1.5),
            "Database: CPUUtilization": line(80),
            "Database: FreeableMemory": line(1638 * MIB),
            "Database: DatabaseConnections": line(1284),
            "Cache: EngineCPUUtilization": line(80),
            "Cache: DatabaseMemoryUsagePercentage": line(80),
            "Cache: Evictions": line(100),
            "Kafka: StatusCheckFailed": line(1),
            "Kafka: disk_used_percent": line(80),
        });
    });

    it("exports the topic ARN, the dashboard's name and console URL, and the alarm names", () => {
        expect(view.run.outputs).to.deep.equal({
            topicArn: TOPIC_ARN,
            dashboardName: "goorm-popcorn-dev-overview",
            dashboardUrl: "https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/goorm-popcorn-dev-overview",
            alarmNames: EXPECTED_KEYS.map((k) => `goorm-popcorn-dev-${k}`),
        });
    });

    it("tags every taggable child with Component=monitoring and its Name, alarms with their AlarmGroup", () => {
        const taggable = view.custom.filter((r) => isTaggable(r.type));
        expect(taggable.filter((r) => r.type === M.topic)).to.have.length(1);
        expect(taggable.filter((r) => r.type === M.alarm)).to.have.length(29);
        expect(taggable).to.have.length(30);
        for (const r of taggable) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "monitoring", Project: "goorm-popcorn", Environment: "dev", Stack: "test", ManagedBy: "pulumi", Name: r.inputs.name });
        }
        const group = (key: string) => (alarmOf(view, key).inputs.tags as Record<string, string>).AlarmGroup;
        expect(["ecs-order-service-cpu", "alb-5xx-rate", "db-readers-cpu", "cache-002-evictions", "kafka-2-data-disk"].map(group)).to.deep.equal(["ecs", "alb", "database", "cache", "kafka"]);
    });
});

describe("components/observability/monitoring/monitoring: without Container Insights, recovery notices or e-mail, with a KMS key and an RDS MySQL instance", () => {
    let view: RunView;
    const keys = [
        "ecs-api-gateway-blue-cpu",
        "ecs-api-gateway-blue-memory",
        "ecs-api-gateway-blue-healthy-hosts",
        "ecs-api-gateway-green-cpu",
        "ecs-api-gateway-green-memory",
        "ecs-api-gateway-green-healthy-hosts",
        "alb-5xx-rate",
        "alb-p95-response-time",
        "db-cpu",
        "db-freeable-memory",
        "db-connections",
    ];
    before(async () => {
        view = await runMonitoring(
            monitoringArgs(
                { alarmEmails: [], notifyOnRecovery: false, topicKmsKeyArn: KMS_KEY },
                {
                    containerInsights: false,
                    ecsServices: [gateway("blue", 2), gateway("green", 3)],
                    database: { kind: "instance", identifier: "goorm-popcorn-dev-db", engine: "mysql", instanceClass: "db.m7g.xlarge" },
                    cacheNodeIds: undefined,
                    kafkaInstanceIds: undefined,
                    thresholds: { alb5xxMinRequests: 50, albP95Seconds: 0.8 },
                },
            ),
        );
    });

    it("encrypts the topic with the given key and subscribes nobody", () => {
        expect(view.one(M.topic, "monitoring-topic").inputs.kmsMasterKeyId).to.equal(KMS_KEY);
        expect(view.ofType(M.subscription)).to.deep.equal([]);
    });

    it("makes only the alarms of what runs", () => {
        expect(view.ofType(M.alarm).map((a) => a.name).sort()).to.deep.equal(keys.map((k) => `monitoring-${k}`).sort());
        expect(view.run.outputs.alarmNames).to.deep.equal(keys.map((k) => `goorm-popcorn-dev-${k}`));
    });

    it("notifies when an alarm fires, not when it recovers", () => {
        for (const alarm of view.ofType(M.alarm)) {
            expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([TOPIC_ARN]);
            expect(alarm.inputs.okActions, alarm.name).to.deep.equal([]);
        }
    });

    it("alarms on fewer healthy targets than each colour's desiredCount, as a static threshold", () => {
        for (const [colour, desired] of [["blue", 2], ["green", 3]] as const) {
            const healthy = alarmOf(view, `ecs-api-gateway-${colour}-healthy-hosts`).inputs;
            expect(healthy).to.deep.include({
                namespace: "AWS/ApplicationELB",
                metricName: "HealthyHostCount",
                dimensions: { TargetGroup: TG[colour], LoadBalancer: LB },
                statistic: "Minimum",
                comparisonOperator: "LessThanThreshold",
                threshold: desired,
                treatMissingData: "breaching",
            });
            expect(healthy.metricQueries).to.equal(undefined);
            expect(healthy.alarmDescription).to.contain("Threshold: platform:services.api-gateway.desiredCount.");
        }
    });

    it("uses the given thresholds and the MySQL connection limit of db.m7g.xlarge", () => {
        const rate = alarmOf(view, "alb-5xx-rate").inputs.metricQueries as MetricQuery[];
        expect(rate[0].expression).to.equal("IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 50, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)");
        expect(alarmOf(view, "alb-p95-response-time").inputs.threshold).to.equal(0.8);
        expect(alarmOf(view, "db-connections").inputs).to.deep.include({ dimensions: { DBInstanceIdentifier: "goorm-popcorn-dev-db" }, threshold: 972 });
    });

    it("draws no threshold on a graph whose alarms' thresholds differ", () => {
        const { metricWidgets } = dashboardOf(view);
        const healthy = metricWidgets.find((w) => w.properties.title === "ECS: HealthyHostCount")!;
        expect(healthy.properties.metrics.map(parseLine).map((l) => l.options.label)).to.deep.equal(["ecs-api-gateway-blue-healthy-hosts", "ecs-api-gateway-green-healthy-hosts"]);
        expect(healthy.properties.annotations).to.equal(undefined);
        expect(metricWidgets.find((w) => w.properties.title === "ALB: TargetResponseTime")!.properties.annotations).to.deep.equal({ horizontal: [{ label: "alarm threshold", value: 0.8 }] });
    });

    it("lists every alarm on the dashboard and draws each one's metric", () => {
        expect(dashboardOf(view).alarmWidget.properties.alarms).to.deep.equal(keys.map(alarmArn));
        expectAlarmsDrawn(view, keys);
    });
});

describe("components/observability/monitoring/monitoring: bad arguments", () => {
    /** An anchored pattern of the whole message ArgumentError builds. */
    const message = (...problems: string[]) =>
        new RegExp(`^${`Monitoring "monitoring": invalid arguments:\n${problems.map((p) => `  ${p}`).join("\n")}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

    it("refuses an address that is no e-mail address", () => {
        expect(() => new Monitoring("monitoring", monitoringArgs({ alarmEmails: ["ops-at-goorm.example"] }))).to.throw(
            ArgumentError,
            message('alarmEmails[0]: "ops-at-goorm.example" is not an e-mail address'),
        );
        expect(() => new Monitoring("monitoring", monitoringArgs({ alarmEmails: ["ops@goorm"] }))).to.throw(ArgumentError, message('alarmEmails[0]: "ops@goorm" is not an e-mail address'));
    });

    it("refuses an address listed twice, whatever its case", () => {
        expect(() => new Monitoring("monitoring", monitoringArgs({ alarmEmails: ["ops@goorm.example", "oncall@goorm.example", "OPS@Goorm.Example"] }))).to.throw(
            ArgumentError,
            message('alarmEmails[2]: "OPS@Goorm.Example" is listed twice'),
        );
    });

    it("refuses a KMS alias instead of a key ARN", () => {
        expect(() => new Monitoring("monitoring", monitoringArgs({ topicKmsKeyArn: "alias/alarms" }))).to.throw(
            ArgumentError,
            message('topicKmsKeyArn: "alias/alarms" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key-id>'),
        );
    });

    it("refuses two deployments with one label (their alarms would share names)", () => {
        expect(() => new Monitoring("monitoring", monitoringArgs({}, { ecsServices: [ORDER, { ...ORDER, ecsServiceName: "goorm-popcorn-dev-order-service-2" }] }))).to.throw(
            ArgumentError,
            message(
                'ecs: two alarms would both be named "ecs-order-service-cpu"; give what they watch distinct labels',
                'ecs: two alarms would both be named "ecs-order-service-memory"; give what they watch distinct labels',
            ),
        );
    });

    it("refuses an alarm name longer than AWS allows", () => {
        const label = "x".repeat(240);
        expect(() => new Monitoring("monitoring", monitoringArgs({}, { ecsServices: [{ ...ORDER, label }] }))).to.throw(
            ArgumentError,
            message(
                `ecs: cloudwatchAlarm name "goorm-popcorn-dev-ecs-${label}-cpu" is 266 characters; AWS allows at most 255`,
                `ecs: cloudwatchAlarm name "goorm-popcorn-dev-ecs-${label}-memory" is 269 characters; AWS allows at most 255`,
            ),
        );
    });

    it("lists every problem at once and registers nothing", async () => {
        const registered: RecordedResource[] = [];
        let error: unknown;
        await runView(
            () =>
                new Monitoring(
                    "monitoring",
                    monitoringArgs(
                        { alarmEmails: ["nobody", "ops@goorm.example", "Ops@goorm.example"], topicKmsKeyArn: "arn:aws:kms:ap-northeast-2:123:key/x" },
                        { ecsServices: [ORDER, { ...ORDER, ecsServiceName: "goorm-popcorn-dev-order-service-2" }] },
                    ),
                ),
            { registered },
        ).catch((err) => {
            error = err;
        });
        expect(error).to.be.instanceOf(ArgumentError);
        expect((error as Error).message).to.match(
            message(
                'alarmEmails[0]: "nobody" is not an e-mail address',
                'alarmEmails[2]: "Ops@goorm.example" is listed twice',
                'topicKmsKeyArn: "arn:aws:kms:ap-northeast-2:123:key/x" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key-id>',
                'ecs: two alarms would both be named "ecs-order-service-cpu"; give what they watch distinct labels',
                'ecs: two alarms would both be named "ecs-order-service-memory"; give what they watch distinct labels',
            ),
        );
        expect(registered.map((r) => r.type)).to.deep.equal([T.stack]);
    });
});

describe("components/observability/monitoring/monitoring: monitoringSettingsProblems", () => {
    it("accepts no settings, and good ones", () => {
        expect(monitoringSettingsProblems({})).to.deep.equal([]);
        expect(monitoringSettingsProblems({ alarmEmails: EMAILS, topicKmsKeyArn: KMS_KEY })).to.deep.equal([]);
    });

    it("reports each bad address and the key, by path", () => {
        expect(monitoringSettingsProblems({ alarmEmails: ["nobody", "ops@goorm.example", "OPS@goorm.example"], topicKmsKeyArn: "alias/alarms" })).to.deep.equal([
            { path: ["alarmEmails", 0], message: '"nobody" is not an e-mail address' },
            { path: ["alarmEmails", 2], message: '"OPS@goorm.example" is listed twice' },
            { path: ["topicKmsKeyArn"], message: '"alias/alarms" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key-id>' },
        ]);
    });
});

describe("components/observability/monitoring/monitoring: sections", () => {
    it("creates the alarms and graphs section by section, in the order given, under each section's title", async () => {
        const given: AlarmSection[] = [
            { title: "Brokers", specs: kafkaAlarms(0, KAFKA_IDS[0], "/var/lib/kafka", THRESHOLDS.parse({})) },
            { title: "Services", specs: ecsAlarms(ORDER, THRESHOLDS.parse({}), true) },
        ];
        const view = await runMonitoring({ naming, tags, sections: given });
        const keys = ["kafka-1-status-check", "kafka-1-data-disk", "ecs-order-service-cpu", "ecs-order-service-memory"];
        expect(view.run.outputs.alarmNames).to.deep.equal(keys.map((k) => `goorm-popcorn-dev-${k}`));
        const { alarmWidget, metricWidgets } = dashboardOf(view);
        expect(alarmWidget.properties.alarms).to.deep.equal(keys.map(alarmArn));
        expect(metricWidgets.map((w) => w.properties.title)).to.deep.equal(["Brokers: StatusCheckFailed", "Brokers: disk_used_percent", "Services: CPUUtilization", "Services: MemoryUtilization"]);
        expect(keys.map((k) => (alarmOf(view, k).inputs.tags as Record<string, string>).AlarmGroup)).to.deep.equal(["kafka", "kafka", "ecs", "ecs"]);
        expectAlarmsDrawn(view, keys);
    });

    it("makes no alarm and an empty dashboard without sections, or with sections without alarms", async () => {
        for (const given of [[], [{ title: "ECS", specs: [] }]]) {
            const view = await runMonitoring({ naming, tags, sections: given });
            expect(view.ofType(M.alarm), JSON.stringify(given)).to.deep.equal([]);
            expect(view.run.outputs.alarmNames).to.deep.equal([]);
            expect(JSON.parse(view.one(M.dashboard, "monitoring-dashboard").inputs.dashboardBody as string)).to.deep.equal({ widgets: [] });
        }
    });
});

describe("components/observability/monitoring/monitoring: more alarms than one dashboard widget lists", () => {
    it("splits the alarm list into widgets of at most 100, in alarm order, above the graphs", async () => {
        const many: WatchedEcsService[] = Array.from({ length: 60 }, (_, i) => ({
            service: `svc-${i}`,
            label: `svc-${i}`,
            ecsServiceName: `goorm-popcorn-dev-svc-${i}`,
            clusterName: CLUSTER,
            desiredCount: 1,
        }));
        const view = await runView(() => new Monitoring("monitoring", { naming, tags, sections: sections({ ecsServices: many, containerInsights: true }) }));
        const [dashboard] = view.ofType("aws:cloudwatch/dashboard:Dashboard");
        const widgets = JSON.parse(dashboard.inputs.dashboardBody as string).widgets as Array<{ type: string; y: number; properties: { title: string; alarms?: string[] } }>;
        const lists = widgets.filter((w) => w.type === "alarm");
        expect(lists.map((w) => [w.properties.title, w.properties.alarms!.length, w.y])).to.deep.equal([
            ["Alarms (1/2)", 100, 0],
            ["Alarms (2/2)", 20, 6],
        ]);
        expect(lists.flatMap((w) => w.properties.alarms!)).to.deep.equal(view.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => alarmArn(String(a.inputs.name).slice("goorm-popcorn-dev-".length))));
        expect(Math.min(...widgets.filter((w) => w.type === "metric").map((w) => w.y))).to.equal(12);
    });
});
