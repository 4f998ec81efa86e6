/**
 * HealthChecks — Route 53 checking public endpoints from the internet, and telling someone when
 * one fails:
 *
 * - one Route 53 health check per endpoint (HTTPS or HTTP on a path, latency measured, SNI with
 *   HTTPS), named by its `Name` tag `<prefix>-<env>-health-<name>`;
 * - one CloudWatch alarm per check on `AWS/Route53` `HealthCheckStatus` (minimum below 1), created
 *   in **us-east-1** through the resource's own `region` input: Route 53 publishes its health-check
 *   metrics in US East (N. Virginia) only, and an alarm reads metrics of its own region;
 * - an SNS topic `<prefix>-<env>-health-checks`, also in us-east-1 (an alarm's actions are topics
 *   of the alarm's region), that only this account's CloudWatch alarms may publish to, only over
 *   TLS; an e-mail subscription per address; every alarm notifies it, and the extra us-east-1
 *   topics given (an on-call tool's), when it fires and, unless turned off, when it recovers.
 *
 * Sources of the limits (each checked against the page or the code):
 * - Route 53 API Reference, HealthCheckConfig
 *   (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html), as the
 *   CloudFormation reference repeats it (AWS::Route53::HealthCheck HealthCheckConfig, awsdocs/
 *   aws-cloudformation-user-guide doc_source/aws-properties-route53-healthcheck-healthcheckconfig.md):
 *   FailureThreshold 1–10 (default 3); Port 1–65535; ResourcePath and FullyQualifiedDomainName at
 *   most 255 characters; RequestInterval "You can't change the value of RequestInterval after you
 *   create a health check" (update requires replacement), default 30; MeasureLatency cannot change
 *   after creation either; Regions from us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1,
 *   ap-southeast-2, ap-northeast-1, sa-east-1 (all of them when none is given); IPAddress: "Route 53
 *   can't check the health of endpoints for which the IP address is in local, private,
 *   non-routable, or multicast ranges" (RFC 5735, RFC 6598, RFC 5156).
 * - The provider this program drives (hashicorp/terraform-provider-aws,
 *   internal/service/route53/health_check.go, which @pulumi/aws bridges): `request_interval` is
 *   one of 10 or 30 and ForceNew; `failure_threshold` 1–10; `resource_path` and `fqdn` 0–255;
 *   `port` a port number; `regions` 3–64 items of the health-checker regions; `measure_latency`
 *   ForceNew. 10 s is Route 53's "fast" interval, 30 s its standard one (AWS News Blog, "Route 53
 *   Health Check Improvements – Faster Interval and Configurable Failover").
 * - Metrics: Route 53 Developer Guide, "Monitoring health checks using CloudWatch"
 *   (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html):
 *   `HealthCheckStatus` is 1 when healthy and 0 when not, by `HealthCheckId`, every minute; the
 *   metrics are in US East (N. Virginia) only, whatever region the stack is in.
 * - Names that resolve only in private networks: `.local` (RFC 6762, mDNS), `.internal` (ICANN's
 *   2024 reservation for private use), `.localhost`, `.test`, `.invalid`, `.example` (RFC 6761),
 *   `.home.arpa` (RFC 8375).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Ipv4Cidr, cidrContains, mustParseCidr, parseCidr } from "../../../lib/cidr";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { policyDocument } from "../../../lib/iam";
import { DNS_NAME, Naming, nameProblem } from "../../../lib/naming";
import { Problem, nest, showValue } from "../../../lib/problems";
import { monitoringSettingsProblems } from "../monitoring/monitoring";

/** Where Route 53 publishes health-check metrics, so where the alarms, their topic and its subscriptions live. */
export const HEALTH_CHECK_METRICS_REGION = "us-east-1";

export const PROTOCOLS = ["HTTPS", "HTTP"] as const;
export type HealthCheckProtocol = (typeof PROTOCOLS)[number];

/** The port a check of each protocol uses unless told otherwise. */
export const DEFAULT_PORTS: Readonly<Record<HealthCheckProtocol, number>> = { HTTPS: 443, HTTP: 80 };

/** Where Route 53's health checkers run (HealthCheckConfig.Regions' valid values). Seoul is not one. */
export const HEALTH_CHECKER_REGIONS = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"] as const;
export type HealthCheckerRegion = (typeof HEALTH_CHECKER_REGIONS)[number];

/** Route 53's limits on a health check (sources above). */
export const HEALTH_CHECK_LIMITS = {
    /** Seconds between two requests of one checker: standard or fast. Immutable. */
    intervals: [10, 30],
    failureThreshold: { min: 1, max: 10 },
    port: { min: 1, max: 65535 },
    resourcePathMaxLength: 255,
    fqdnMaxLength: 255,
    /** Checker regions, when listed. */
    regions: { min: 3, max: 64 },
} as const;

/** The platform's rule for a check's name: it names the alarm and the check's Name tag. */
export const CHECK_NAME_RULE = {
    pattern: /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/,
    allowed: "1–32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
} as const;

/** DNS suffixes that never resolve on the public internet (sources above). */
export const PRIVATE_DNS_SUFFIXES = ["local", "internal", "localhost", "test", "invalid", "example", "home.arpa"] as const;

/** IPv4 ranges no internet host has (RFC 5735's special-use blocks and RFC 6598's shared space), with what they are. */
const NON_PUBLIC_IPV4: ReadonlyArray<{ cidr: Ipv4Cidr; what: string }> = [
    ["0.0.0.0/8", "this network, RFC 5735"],
    ["10.0.0.0/8", "private, RFC 1918"],
    ["100.64.0.0/10", "shared address space, RFC 6598"],
    ["127.0.0.0/8", "loopback, RFC 5735"],
    ["169.254.0.0/16", "link-local, RFC 5735"],
    ["172.16.0.0/12", "private, RFC 1918"],
    ["192.0.0.0/24", "IETF protocol assignments, RFC 5735"],
    ["192.0.2.0/24", "documentation, RFC 5735"],
    ["192.88.99.0/24", "6to4 relay anycast, RFC 5735"],
    ["192.168.0.0/16", "private, RFC 1918"],
    ["198.18.0.0/15", "benchmarking, RFC 5735"],
    ["198.51.100.0/24", "documentation, RFC 5735"],
    ["203.0.113.0/24", "documentation, RFC 5735"],
    ["224.0.0.0/4", "multicast, RFC 5735"],
    ["240.0.0.0/4", "reserved, RFC 5735"],
].map(([cidr, what]) => ({ cidr: mustParseCidr(cidr), what }));

/** IPv6 prefixes no internet host has (RFC 5156), by their leading hextets. */
const NON_PUBLIC_IPV6: ReadonlyArray<{ test: RegExp; range: string }> = [
    { test: /^::1?$/, range: "::/127, unspecified and loopback, RFC 5156" },
    { test: /^f[cd][0-9a-f]{0,2}:/i, range: "fc00::/7, unique local, RFC 5156" },
    { test: /^fe[89ab][0-9a-f]?:/i, range: "fe80::/10, link-local, RFC 5156" },
    { test: /^ff[0-9a-f]{0,2}:/i, range: "ff00::/8, multicast, RFC 5156" },
    { test: /^2001:0?db8:/i, range: "2001:db8::/32, documentation, RFC 5156" },
];

/** One endpoint to check, defaults applied. */
export interface HealthCheckSpec {
    /** Names the alarm `<prefix>-<env>-health-<name>` and the check's Name tag. */
    readonly name: string;
    /** The endpoint's public DNS name; Route 53 resolves it and sends it as Host (and SNI with HTTPS). */
    readonly fqdn: string;
    /** The path requested; healthy is a 2xx or 3xx status. */
    readonly path: string;
    readonly port: number;
    readonly protocol: HealthCheckProtocol;
    /** 10 (fast) or 30 (standard); changing it replaces the check. */
    readonly intervalSeconds: number;
    /** Consecutive results before Route 53 changes the status, 1–10. */
    readonly failureThreshold: number;
    /** Checker regions (at least three); all eight when absent. */
    readonly regions?: readonly string[];
    /** us-east-1 SNS topics this check's alarm notifies too (an on-call tool's). @default [] */
    readonly alarmTopicArns?: readonly string[];
}

export interface HealthChecksArgs extends ComponentBaseArgs {
    checks: readonly HealthCheckSpec[];
    /** Addresses subscribed to the us-east-1 topic; each confirms AWS's mail once. @default [] */
    alarmEmails?: readonly string[];
    /** us-east-1 SNS topics every check's alarm notifies too. @default [] */
    alarmTopicArns?: readonly string[];
    /** Notify when an alarm returns to OK as well. @default true */
    notifyOnRecovery?: boolean;
}

/** `<prefix>-<env>-health-<name>`, unchecked: the alarm's name and the check's Name tag. */
export function checkResourceName(naming: Naming, check: string): string {
    return naming.format("scoped", "health", check);
}

/** `<prefix>-<env>-health-checks`, unchecked. */
export function topicName(naming: Naming): string {
    return naming.format("scoped", "health-checks");
}

export class HealthChecks extends PlatformComponent {
    /** Route 53's id of each check, by name. */
    public readonly healthCheckIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** The us-east-1 topic the alarms notify. */
    public readonly topicArn: pulumi.Output<string>;
    /** Physical alarm names, in the order of the checks. */
    public readonly alarmNames: readonly string[];

    constructor(name: string, args: HealthChecksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:observability:HealthChecks", name, { ...args, component: "health-checks", problems: healthChecksProblems(args) }, opts);
        const region = HEALTH_CHECK_METRICS_REGION;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        const physicalTopic = this.naming.scoped("snsTopic", "health-checks");
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            { region, name: physicalTopic, displayName: `${this.naming.stem} health checks`, tags: this.tagsFor(physicalTopic) },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                region,
                arn: topic.arn,
                // The monitoring block's policy, for the alarms of us-east-1.
                policy: pulumi.jsonStringify(
                    policyDocument([
                        {
                            Sid: "CloudWatchAlarmsOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: topic.arn,
                            Condition: {
                                StringEquals: { "aws:SourceAccount": account },
                                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
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
            new aws.sns.TopicSubscription(`${name}-email-${i}`, { region, topic: topic.arn, protocol: "email", endpoint: address }, { parent: this });
        });

        const ids: Record<string, pulumi.Output<string>> = {};
        const alarmNames: string[] = [];
        for (const check of args.checks) {
            const physical = this.naming.scoped("cloudwatchAlarm", "health", check.name);
            const https = check.protocol === "HTTPS";
            const healthCheck = new aws.route53.HealthCheck(
                `${name}-${check.name}`,
                {
                    type: check.protocol,
                    fqdn: check.fqdn,
                    resourcePath: check.path,
                    port: check.port,
                    requestInterval: check.intervalSeconds,
                    failureThreshold: check.failureThreshold,
                    measureLatency: true,
                    // The name in the TLS client hello, so that CloudFront (or any SNI host) answers with its certificate.
                    enableSni: https,
                    ...(check.regions !== undefined ? { regions: [...check.regions] } : {}),
                    tags: this.tagsFor(physical),
                },
                { parent: this },
            );
            // A topic both monitoring and the check name is notified once.
            const actions: pulumi.Input<string>[] = [topic.arn, ...new Set([...(args.alarmTopicArns ?? []), ...(check.alarmTopicArns ?? [])])];
            new aws.cloudwatch.MetricAlarm(
                `${name}-${check.name}-alarm`,
                {
                    region,
                    name: physical,
                    alarmDescription:
                        `${check.protocol} ${check.fqdn}:${check.port}${check.path} fails Route 53's health check ` +
                        `(${check.failureThreshold} failures in a row, every ${check.intervalSeconds} s). Route 53's health-check metrics are in us-east-1 only, so is this alarm.`,
                    namespace: "AWS/Route53",
                    metricName: "HealthCheckStatus",
                    dimensions: { HealthCheckId: healthCheck.id },
                    statistic: "Minimum",
                    period: 60,
                    evaluationPeriods: 1,
                    datapointsToAlarm: 1,
                    comparisonOperator: "LessThanThreshold",
                    threshold: 1,
                    // The status is published every minute while the check exists: silence means it is gone.
                    treatMissingData: "breaching",
                    alarmActions: actions,
                    okActions: (args.notifyOnRecovery ?? true) ? actions : [],
                    tags: { ...this.tagsFor(physical), AlarmGroup: "health-checks" },
                },
                { parent: this },
            );
            ids[check.name] = healthCheck.id;
            alarmNames.push(physical);
        }

        this.healthCheckIds = ids;
        this.topicArn = topic.arn;
        this.alarmNames = alarmNames;
        this.registerOutputs({ healthCheckIds: this.healthCheckIds, topicArn: this.topicArn, alarmNames: this.alarmNames });
    }
}

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

/** A standard SNS topic ARN: its region, account and name (a FIFO topic cannot take alarms). */
const SNS_TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/** Why `arn` cannot take a us-east-1 alarm's notifications, or undefined. */
export function usEast1TopicProblem(arn: string): string | undefined {
    const match = SNS_TOPIC_ARN.exec(arn);
    if (!match) {
        return `${showValue(arn)} is not a standard SNS topic ARN (arn:aws:sns:${HEALTH_CHECK_METRICS_REGION}:<account>:<name>; FIFO topics cannot take alarms)`;
    }
    if (match[1] !== HEALTH_CHECK_METRICS_REGION) {
        return `is a topic of ${showValue(match[1])}; the health checks' alarms are in ${showValue(HEALTH_CHECK_METRICS_REGION)} (where Route 53's metrics are) and notify topics of that region only`;
    }
    return undefined;
}

/** The SNS topics among `arns` that a us-east-1 alarm can notify. */
export function usEast1Topics(arns: readonly string[]): string[] {
    return arns.filter((arn) => usEast1TopicProblem(arn) === undefined);
}

/** What a name must not be for Route 53 to check it from the internet. */
export interface FqdnContext {
    /** The stack's private Cloud Map namespace, which only the VPC resolves. */
    readonly privateNamespace?: string;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const GIVE_A_NAME = "give the endpoint's public DNS name, e.g. api.goormpopcorn.shop";

/** Why Route 53's checkers, on the internet, could not check `fqdn`; or undefined. */
export function fqdnProblem(fqdn: string, context: FqdnContext = {}): string | undefined {
    const unreachable = "Route 53's health checkers are on the internet and cannot reach it";
    if (IPV4.test(fqdn)) {
        const parsed = parseCidr(`${fqdn}/32`);
        const range = parsed.ok ? NON_PUBLIC_IPV4.find((r) => cidrContains(r.cidr, parsed.cidr)) : undefined;
        if (range) {
            return `${showValue(fqdn)} is in a private range (${range.cidr.text}, ${range.what}); ${unreachable}: ${GIVE_A_NAME}`;
        }
        return `${showValue(fqdn)} is an IP address; ${GIVE_A_NAME} (Route 53 resolves it, and sends it as Host and, with HTTPS, as SNI)`;
    }
    if (fqdn.includes(":")) {
        const range = NON_PUBLIC_IPV6.find((r) => r.test.test(fqdn));
        if (range) {
            return `${showValue(fqdn)} is in a private range (${range.range}); ${unreachable}: ${GIVE_A_NAME}`;
        }
        return `${showValue(fqdn)} is an IP address; ${GIVE_A_NAME} (Route 53 resolves it, and sends it as Host and, with HTTPS, as SNI)`;
    }
    const name = fqdn.replace(/\.$/, "");
    if (name.length > HEALTH_CHECK_LIMITS.fqdnMaxLength || !DNS_NAME.test(name)) {
        return `${showValue(fqdn)} is not a public DNS name; use a lowercase fully qualified name, e.g. api.goormpopcorn.shop`;
    }
    const suffix = PRIVATE_DNS_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
    if (suffix) {
        return `${showValue(fqdn)} is under .${suffix}, which resolves only inside a private network; Route 53's health checkers resolve names on the public internet: ${GIVE_A_NAME}`;
    }
    const namespace = context.privateNamespace;
    if (namespace !== undefined && (name === namespace || name.endsWith(`.${namespace}`))) {
        return `${showValue(fqdn)} is in the stack's private Cloud Map namespace ${showValue(namespace)} (platform:serviceDiscovery.namespace), which only the VPC resolves; ${GIVE_A_NAME}`;
    }
    return undefined;
}

/** Route 53's rules and the platform's on each check; paths are `[index, field]`. */
export function healthCheckProblems(checks: readonly HealthCheckSpec[], context: FqdnContext = {}): Problem[] {
    const problems: Problem[] = [];
    const names = new Set<string>();
    const { intervals, failureThreshold, port, resourcePathMaxLength, regions } = HEALTH_CHECK_LIMITS;
    checks.forEach((check, i) => {
        if (!CHECK_NAME_RULE.pattern.test(check.name)) {
            problems.push({ path: [i, "name"], message: `${showValue(check.name)} is not allowed; use ${CHECK_NAME_RULE.allowed}` });
        } else if (names.has(check.name)) {
            problems.push({ path: [i, "name"], message: `${showValue(check.name)} is listed twice; give each health check its own name (it names the check's alarm)` });
        }
        names.add(check.name);

        const fqdn = fqdnProblem(check.fqdn, context);
        if (fqdn) {
            problems.push({ path: [i, "fqdn"], message: fqdn });
        }
        if (!check.path.startsWith("/")) {
            problems.push({ path: [i, "path"], message: `${showValue(check.path)} does not start with /; give the path Route 53 requests, starting with / (e.g. /health), up to ${resourcePathMaxLength} characters` });
        } else if (check.path.length > resourcePathMaxLength) {
            problems.push({ path: [i, "path"], message: `${showValue(check.path)} is ${check.path.length} characters; Route 53 takes a path of at most ${resourcePathMaxLength}` });
        }
        if (!Number.isInteger(check.port) || check.port < port.min || check.port > port.max) {
            problems.push({ path: [i, "port"], message: `${showValue(check.port)} is not a port; use a whole number from ${port.min} to ${port.max}` });
        }
        if (!(intervals as readonly number[]).includes(check.intervalSeconds)) {
            problems.push({
                path: [i, "intervalSeconds"],
                message: `${showValue(check.intervalSeconds)} is not allowed; Route 53 checks every ${intervals.join(" or ")} seconds (10 is its fast interval, billed higher), and the interval is fixed once the check exists: changing it replaces the check`,
            });
        }
        if (!Number.isInteger(check.failureThreshold) || check.failureThreshold < failureThreshold.min || check.failureThreshold > failureThreshold.max) {
            problems.push({
                path: [i, "failureThreshold"],
                message: `${showValue(check.failureThreshold)} is not allowed; use a whole number from ${failureThreshold.min} to ${failureThreshold.max} (consecutive results before Route 53 changes the status)`,
            });
        }
        if (check.regions !== undefined) {
            if (check.regions.length < regions.min || check.regions.length > regions.max) {
                problems.push({
                    path: [i, "regions"],
                    message: `has ${check.regions.length} region(s); Route 53 needs at least ${regions.min} health-checker regions when they are listed (leave regions out for all ${HEALTH_CHECKER_REGIONS.length})`,
                });
            }
            check.regions.forEach((region, j) => {
                if (!(HEALTH_CHECKER_REGIONS as readonly string[]).includes(region)) {
                    problems.push({ path: [i, "regions", j], message: `${showValue(region)} is not allowed; expected one of ${HEALTH_CHECKER_REGIONS.join(", ")}` });
                } else if (check.regions!.indexOf(region) !== j) {
                    problems.push({ path: [i, "regions", j], message: `${showValue(region)} is listed twice` });
                }
            });
        }
        (check.alarmTopicArns ?? []).forEach((arn, j) => {
            const problem = usEast1TopicProblem(arn);
            if (problem) {
                problems.push({ path: [i, "alarmTopicArns", j], message: problem });
            } else if (check.alarmTopicArns!.indexOf(arn) !== j) {
                problems.push({ path: [i, "alarmTopicArns", j], message: `${showValue(arn)} is listed twice` });
            }
        });
    });
    return problems;
}

/** Every rule the arguments must satisfy: the checks', the addresses', the extra topics', names AWS accepts. */
export function healthChecksProblems(args: HealthChecksArgs): Problem[] {
    const problems = nest(["checks"], healthCheckProblems(args.checks));
    if (args.checks.length === 0) {
        problems.push({ path: ["checks"], message: "is empty; give at least one endpoint to check" });
    }
    problems.push(...monitoringSettingsProblems({ alarmEmails: args.alarmEmails }));
    (args.alarmTopicArns ?? []).forEach((arn, i) => {
        const problem = usEast1TopicProblem(arn);
        if (problem) {
            problems.push({ path: ["alarmTopicArns", i], message: problem });
        }
    });
    const topic = nameProblem("snsTopic", topicName(args.naming));
    if (topic) {
        problems.push({ path: ["naming"], message: topic });
    }
    args.checks.forEach((check, i) => {
        const alarm = CHECK_NAME_RULE.pattern.test(check.name) ? nameProblem("cloudwatchAlarm", checkResourceName(args.naming, check.name)) : undefined;
        if (alarm) {
            problems.push({ path: ["checks", i, "name"], message: alarm });
        }
    });
    return problems;
}
