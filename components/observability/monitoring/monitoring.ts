/**
 * Monitoring — the platform's alarms, where they go, and one dashboard:
 *
 * - an SNS topic `<prefix>-<env>-alarms` (only CloudWatch alarms of this account may publish, only
 *   over TLS) with an e-mail subscription per address; every alarm notifies it when it fires and,
 *   unless turned off, when it recovers;
 * - one CloudWatch alarm per spec it is given, section by section (what to watch is each block's
 *   `alarms.ts`: ECS services, the ALB, the database, the cache nodes, the Kafka nodes);
 * - the dashboard `<prefix>-<env>-overview`: the alarms' states, then one graph per metric with
 *   its threshold drawn in.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { kmsKeyArnProblem } from "../../../lib/aws-limits";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { policyDocument } from "../../../lib/iam";
import { Naming, nameProblem } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";
import { AlarmSection, AlarmSpec, MetricRef } from "./alarms";

export interface MonitoringArgs extends ComponentBaseArgs {
    /** What to alarm on, section by section, in dashboard order. */
    sections: readonly AlarmSection[];
    /** Addresses subscribed to the alarm topic; each must confirm the mail AWS sends. @default [] */
    alarmEmails?: readonly string[];
    /**
     * Existing SNS topics the alarms notify too, besides their own topic: an on-call tool's
     * (PagerDuty, Opsgenie, AWS Chatbot), in the stack's region (alarm actions are regional); its
     * policy must let `cloudwatch.amazonaws.com` publish. @default []
     */
    alarmTopicArns?: readonly string[];
    /** Notify the topic when an alarm returns to OK as well. @default true */
    notifyOnRecovery?: boolean;
    /**
     * Customer-managed KMS key for the topic. CloudWatch must be allowed `kms:Decrypt` and
     * `kms:GenerateDataKey*` on it (the AWS managed `aws/sns` key does not allow that, so it is no
     * option for alarms). @default unencrypted at rest (alarm states and metric names only)
     */
    topicKmsKeyArn?: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;

export class Monitoring extends PlatformComponent {
    public readonly topicArn: pulumi.Output<string>;
    public readonly dashboardName: string;
    /** The dashboard in the CloudWatch console. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** Physical alarm names, in the order of `alarmSpecs`. */
    public readonly alarmNames: readonly string[];
    /** What each alarm watches (for outputs and tests). */
    public readonly alarms: readonly AlarmSpec[];

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:observability:Monitoring", name, { ...args, component: "monitoring", problems: monitoringProblems(args) }, opts);
        const specs = args.sections.flatMap((section) => section.specs);
        const tagsFor = (resourceName: string) => this.tagsFor(resourceName);
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        const topic = this.topic(name, args, tagsFor, { region, account, partition });
        const actions: pulumi.Input<string>[] = [topic.arn, ...(args.alarmTopicArns ?? [])];
        const alarms = specs.map((spec) => this.alarm(name, spec, args, actions, tagsFor));

        const dashboardName = args.naming.scoped("cloudwatchDashboard", "overview");
        new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            { dashboardName, dashboardBody: pulumi.jsonStringify(dashboardBody(args.sections, alarms.map((a) => a.arn), region)) },
            { parent: this },
        );

        this.topicArn = topic.arn;
        this.dashboardName = dashboardName;
        this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboardName}`;
        this.alarmNames = specs.map((spec) => alarmName(args.naming, spec));
        this.alarms = specs;
        this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl, alarmNames: this.alarmNames });
    }

    private topic(
        name: string,
        args: MonitoringArgs,
        tagsFor: (n: string) => Tags,
        where: { region: pulumi.Output<string>; account: pulumi.Output<string>; partition: pulumi.Output<string> },
    ): aws.sns.Topic {
        const topicName = args.naming.scoped("snsTopic", "alarms");
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            { name: topicName, displayName: `${args.naming.stem} alarms`, ...(args.topicKmsKeyArn ? { kmsMasterKeyId: args.topicKmsKeyArn } : {}), tags: tagsFor(topicName) },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                arn: topic.arn,
                policy: pulumi.jsonStringify(
                    policyDocument([
                        {
                            Sid: "CloudWatchAlarmsOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: topic.arn,
                            Condition: {
                                StringEquals: { "aws:SourceAccount": where.account },
                                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${where.partition}:cloudwatch:${where.region}:${where.account}:alarm:*` },
                            },
                        },
                        {
                            Sid: "TlsOnly",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "sns:Publish",
                            Resource: topic.arn,
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ]),
                ),
            },
            { parent: this },
        );
        (args.alarmEmails ?? []).forEach((address, i) => {
            new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: address }, { parent: this });
        });
        return topic;
    }

    private alarm(name: string, spec: AlarmSpec, args: MonitoringArgs, actions: pulumi.Input<string>[], tagsFor: (n: string) => Tags): aws.cloudwatch.MetricAlarm {
        const physical = alarmName(args.naming, spec);
        return new aws.cloudwatch.MetricAlarm(
            `${name}-${spec.key}`,
            {
                name: physical,
                alarmDescription: `${spec.description}. Threshold: ${spec.thresholdSource}.`,
                comparisonOperator: spec.comparison,
                threshold: spec.threshold,
                evaluationPeriods: spec.evaluationPeriods,
                datapointsToAlarm: spec.datapointsToAlarm,
                treatMissingData: spec.treatMissingData,
                ...(spec.metric ? singleMetric(spec.metric) : { metricQueries: metricQueries(spec) }),
                alarmActions: actions,
                okActions: (args.notifyOnRecovery ?? true) ? actions : [],
                tags: { ...tagsFor(physical), AlarmGroup: spec.group },
            },
            { parent: this },
        );
    }
}

function alarmName(naming: Naming, spec: AlarmSpec): string {
    return naming.scoped("cloudwatchAlarm", spec.key);
}

const PERCENTILE = /^p\d{1,2}(\.\d+)?$/;

function singleMetric(metric: MetricRef) {
    return {
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: metric.dimensions,
        period: metric.period,
        ...(PERCENTILE.test(metric.stat) ? { extendedStatistic: metric.stat } : { statistic: metric.stat }),
    };
}

function metricQueries(spec: AlarmSpec) {
    const math = spec.math!;
    return [
        { id: "result", expression: math.expression, label: math.label, returnData: true },
        ...Object.entries(math.inputs).map(([id, metric]) => ({
            id,
            returnData: false,
            metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, period: metric.period, stat: metric.stat },
        })),
    ];
}

// ---------------------------------------------------------------------------------------------
// Dashboard.
// ---------------------------------------------------------------------------------------------

const WIDTH = 12;
const HEIGHT = 6;
const MAX_ALARMS_PER_WIDGET = 100;

type DashboardLine = Array<pulumi.Input<string> | Record<string, unknown>>;

/** One graph per metric (all services' CPU in one, say), in alarm order, thresholds drawn in. */
function dashboardBody(sections: readonly AlarmSection[], alarmArns: pulumi.Output<string>[], region: pulumi.Output<string>) {
    const panels = new Map<string, { title: string; lines: DashboardLine[]; thresholds: Set<number>; stat?: string }>();
    const specs = sections.flatMap((section) => section.specs.map((spec) => ({ spec, title: section.title })));
    specs.forEach(({ spec, title }, i) => {
        const what = spec.metric ? spec.metric.metricName : spec.math!.label;
        const panelKey = `${spec.group}:${what}`;
        const panel = panels.get(panelKey) ?? { title: `${title}: ${what}`, lines: [], thresholds: new Set<number>() };
        panel.thresholds.add(spec.threshold);
        const label = spec.key;
        if (spec.metric) {
            panel.lines.push(metricLine(spec.metric, { label, stat: spec.metric.stat }));
        } else {
            const math = spec.math!;
            const prefix = `a${i}_`;
            panel.lines.push([{ expression: math.expression.replace(/[A-Za-z_]\w*/g, (word) => (Object.hasOwn(math.inputs, word) ? prefix + word : word)), label, id: `${prefix}result` }]);
            for (const [id, metric] of Object.entries(math.inputs)) {
                panel.lines.push(metricLine(metric, { id: prefix + id, visible: false, stat: metric.stat }));
            }
        }
        panels.set(panelKey, panel);
    });
    // An alarm widget lists 1–100 alarms: one per hundred, none without alarms.
    const chunks = Array.from({ length: Math.ceil(alarmArns.length / MAX_ALARMS_PER_WIDGET) }, (_, i) => alarmArns.slice(i * MAX_ALARMS_PER_WIDGET, (i + 1) * MAX_ALARMS_PER_WIDGET));
    const widgets: Array<Record<string, unknown>> = chunks.map((alarms, i) => ({
        type: "alarm",
        x: 0,
        y: i * HEIGHT,
        width: 2 * WIDTH,
        height: HEIGHT,
        properties: { title: chunks.length > 1 ? `Alarms (${i + 1}/${chunks.length})` : "Alarms", alarms, sortBy: "stateUpdatedTimestamp" },
    }));
    const top = chunks.length * HEIGHT;
    [...panels.values()].forEach((panel, i) => {
        const threshold = panel.thresholds.size === 1 ? [...panel.thresholds][0] : undefined;
        widgets.push({
            type: "metric",
            x: (i % 2) * WIDTH,
            y: top + HEIGHT * Math.floor(i / 2),
            width: WIDTH,
            height: HEIGHT,
            properties: {
                title: panel.title,
                region,
                view: "timeSeries",
                stacked: false,
                period: 60,
                metrics: panel.lines,
                ...(threshold !== undefined ? { annotations: { horizontal: [{ label: "alarm threshold", value: threshold }] } } : {}),
            },
        });
    });
    return { widgets };
}

/** `[namespace, metric, dim1, value1, …, { options }]`, the dashboard's metric line. */
function metricLine(metric: MetricRef, options: Record<string, unknown>): DashboardLine {
    const dimensions = Object.entries(metric.dimensions).flatMap(([key, value]) => [key, value]);
    return [metric.namespace, metric.metricName, ...dimensions, { period: metric.period, ...options }];
}

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

/** What config decides about monitoring: the addresses, the on-call topics and the topic's key. */
export type MonitoringSettings = Pick<MonitoringArgs, "alarmEmails" | "alarmTopicArns" | "topicKmsKeyArn">;

/** An SNS topic ARN; its region, account and name. A FIFO topic cannot take alarm notifications. */
const SNS_TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/** The rules on what config sets (the monitoring block runs the same). */
export function monitoringSettingsProblems(args: MonitoringSettings): Problem[] {
    const problems: Problem[] = [];
    const seen = new Set<string>();
    (args.alarmEmails ?? []).forEach((address, i) => {
        if (!EMAIL.test(address)) {
            problems.push({ path: ["alarmEmails", i], message: `${showValue(address)} is not an e-mail address` });
        } else if (seen.has(address.toLowerCase())) {
            problems.push({ path: ["alarmEmails", i], message: `${showValue(address)} is listed twice` });
        }
        seen.add(address.toLowerCase());
    });
    (args.alarmTopicArns ?? []).forEach((arn, i) => {
        if (!SNS_TOPIC_ARN.test(arn)) {
            problems.push({ path: ["alarmTopicArns", i], message: `${JSON.stringify(arn)} is not a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>; FIFO topics cannot take alarms)` });
        } else if ((args.alarmTopicArns ?? []).indexOf(arn) !== i) {
            problems.push({ path: ["alarmTopicArns", i], message: `${JSON.stringify(arn)} is listed twice` });
        }
    });
    if (args.topicKmsKeyArn !== undefined) {
        const kms = kmsKeyArnProblem(args.topicKmsKeyArn);
        if (kms) {
            problems.push({ path: ["topicKmsKeyArn"], message: kms });
        }
    }
    return problems;
}

/** Every rule the arguments must satisfy: the settings', one name per alarm, names AWS accepts. */
export function monitoringProblems(args: MonitoringArgs): Problem[] {
    const problems = monitoringSettingsProblems(args);
    const keys = new Set<string>();
    for (const spec of args.sections.flatMap((section) => section.specs)) {
        if (keys.has(spec.key)) {
            problems.push({ path: [spec.group], message: `two alarms would both be named ${showValue(spec.key)}; give what they watch distinct labels` });
        }
        keys.add(spec.key);
        const problem = nameProblem("cloudwatchAlarm", args.naming.format("scoped", spec.key));
        if (problem) {
            problems.push({ path: [spec.group], message: problem });
        }
    }
    const dashboard = nameProblem("cloudwatchDashboard", args.naming.format("scoped", "overview"));
    if (dashboard) {
        problems.push({ path: ["naming"], message: dashboard });
    }
    return problems;
}
