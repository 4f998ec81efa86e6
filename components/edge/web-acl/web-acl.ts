/**
 * WebAcl — an AWS WAFv2 web ACL (`<prefix>-<env>-web-acl`) in front of the public entry point (the
 * security baseline: WAF in prod): scope REGIONAL for regional resources, the internet-facing ALB
 * above all; or scope CLOUDFRONT for a CloudFront distribution (system B's, in front of its internal
 * ALB):
 *
 * - requests pass unless a rule blocks them (default action allow);
 * - first, a rate-based rule: one client IP sending more than `rateLimit` requests within the
 *   evaluation window is blocked until its rate falls below the limit again;
 * - then AWS managed rule groups, in the order given (by default the core rule set and known bad
 *   inputs), each enforcing its own rule actions; single rules of a group can be switched to
 *   COUNT, e.g. the core rule set's 8 KB body limit for uploads;
 * - CloudWatch metrics and sampled requests for the ACL and for every rule;
 * - REGIONAL: one association per protected resource. CLOUDFRONT: no association at all
 *   (AssociateWebACL is for regional resources only); the distribution names the ACL by its ARN in
 *   its own `webAclId`;
 * - full request logs to the CloudWatch log group `aws-waf-logs-<prefix>-<env>` (WAF logs only to
 *   groups named `aws-waf-logs-*`), with a retention, and with the `authorization` and `cookie`
 *   headers redacted, so no credential or session lands in the logs;
 * - CLOUDFRONT: the ACL, its log group and its logging configuration in US East (N. Virginia),
 *   through each resource's own `region` input (no second provider), as WAF requires of a global
 *   ACL and of its log destination.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogRetentionDays, logRetentionProblem } from "../../../lib/aws-limits";
import { Naming, nameProblem } from "../../../lib/naming";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem, closestMatch, showValue } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";

/**
 * AWS managed rule groups without extra charges (vendor `AWS`) that suit a web application behind
 * an ALB. Source: AWS WAF Developer Guide, "Baseline rule groups", "Use-case specific rule groups"
 * and "IP reputation rule groups" (WCU: CommonRuleSet 700, KnownBadInputs 200, AmazonIpReputation
 * 25, AnonymousIp 50, SQLi 200, Linux 200, Unix 100; all seven together stay within the 1,500 WCU a
 * web ACL includes in its base price).
 */
export const MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesLinuxRuleSet",
    "AWSManagedRulesUnixRuleSet",
] as const;
export type ManagedRuleGroup = (typeof MANAGED_RULE_GROUPS)[number];

/** The core rule set (OWASP Top 10 patterns) and known bad inputs (Log4j and the like). */
export const DEFAULT_MANAGED_RULE_GROUPS: readonly ManagedRuleGroup[] = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"];

/**
 * Evaluation windows of a rate-based rule, in seconds. Source: AWS WAF Developer Guide,
 * "Rate-based rule high-level settings" (60, 120, 300, 600; 300 by default).
 */
export const RATE_LIMIT_WINDOWS = [60, 120, 300, 600] as const;
export type RateLimitWindowSeconds = (typeof RATE_LIMIT_WINDOWS)[number];

/**
 * Limits of a rate-based rule, in requests per evaluation window: at least 10 (AWS lowered the
 * minimum from 100 in 2024) and at most 2,000,000,000. Source: AWS WAF Developer Guide,
 * "Rate-based rule high-level settings", and the provider's own check (limit 10–2000000000).
 */
export const RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 } as const;

/** Rule action overrides one managed rule group statement takes (the AWS provider's own check: at most 100). */
export const MAX_COUNT_RULES_PER_GROUP = 100;

/** A rule of an AWS managed rule group, e.g. `SizeRestrictions_BODY`, `NoUserAgent_HEADER`. */
const MANAGED_RULE_NAME = /^[A-Za-z0-9_]{1,128}$/;

/**
 * Where a web ACL applies. REGIONAL: regional resources in the stack's region, associated with
 * AssociateWebACL. CLOUDFRONT: CloudFront distributions, the ACL created in us-east-1 and named by
 * a distribution's `webAclId` (its ARN). Sources: AWS WAF API Reference, Scope of CreateWebACL and
 * GetWebACL ("To work with CloudFront, you must also specify the Region US East (N. Virginia)") and AssociateWebACL
 * ("For Amazon CloudFront, don't use this call. Instead, use your CloudFront distribution
 * configuration ... set the web ACL ID to the Amazon Resource Name (ARN) of the web ACL");
 * CloudFront API Reference, DistributionConfig.WebACLId ("To specify a web ACL created using the
 * latest version of WAF, use the ACL ARN").
 */
export const WEB_ACL_SCOPES = ["REGIONAL", "CLOUDFRONT"] as const;
export type WebAclScope = (typeof WEB_ACL_SCOPES)[number];

/**
 * Where a CLOUDFRONT ACL lives, and its log group with it. AWS WAF Developer Guide, "Resources that
 * you can protect with AWS WAF": "The web ACL and any AWS WAF resources that it uses must be located
 * in the Region where the associated resource is located. For Amazon CloudFront distributions, this
 * is set to US East (N. Virginia)"; a log destination of a CloudFront ACL is created there too (AWS's
 * WAF logging guidance, and WAF Classic's PutLoggingConfiguration: "if you are capturing logs for
 * Amazon CloudFront, always create the firehose in US East (N. Virginia)").
 */
export const CLOUDFRONT_WEB_ACL_REGION = "us-east-1";

/** Request headers kept out of the logs: credentials and sessions. WAF wants them lowercase. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebAclLoggingArgs {
    /** Send full request logs to CloudWatch Logs (`aws-waf-logs-<prefix>-<env>`). */
    enabled: boolean;
    /**
     * Days CloudWatch keeps the log events; one of the values CloudWatch accepts.
     * @default 30
     */
    retentionDays?: LogRetentionDays;
}

export interface WebAclArgs extends ComponentBaseArgs {
    /**
     * REGIONAL: regional resources, here in the stack's region. CLOUDFRONT: CloudFront
     * distributions; the ACL and its logs are created in us-east-1 and no resource is associated:
     * give `webAclArn` to the distribution's `webAclId`.
     * @default "REGIONAL"
     */
    scope?: WebAclScope;
    /**
     * REGIONAL: ARNs of the regional resources (Application Load Balancers) to protect; one
     * association each. At least one; a plain string must be an ARN, and a load balancer an
     * application one (WAF cannot protect network or gateway load balancers). CLOUDFRONT: none
     * (refused: a distribution is not associated, it names the ACL).
     */
    resourceArns?: pulumi.Input<string>[];
    /**
     * Requests one client IP may send within the evaluation window before it is blocked; a whole
     * number from 10 to 2,000,000,000.
     * @default 2000
     */
    rateLimit?: number;
    /**
     * Seconds the rate-based rule looks back when it counts a client's requests.
     * @default 300
     */
    rateLimitWindowSeconds?: RateLimitWindowSeconds;
    /**
     * AWS managed rule groups, evaluated in this order after the rate-based rule; no duplicates.
     * May be empty: the rate-based rule, which is always there, then protects alone (a dev stack,
     * say). Whether prod may do so is for the stack's config rules to decide, not this component.
     * @default DEFAULT_MANAGED_RULE_GROUPS (core rule set, known bad inputs)
     */
    managedRuleGroups?: readonly ManagedRuleGroup[];
    /**
     * Rules of enabled managed groups to COUNT instead of applying their own action (a rule
     * action override), e.g. `{ AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] }` for
     * uploads over 8 KB. Keys must be among `managedRuleGroups`; rule names are letters, digits
     * and underscores, each listed once, at most 100 per group.
     * @default {}
     */
    countRules?: Readonly<Partial<Record<ManagedRuleGroup, readonly string[]>>>;
    /** WAF request logs to CloudWatch Logs. @default { enabled: true, retentionDays: 30 } */
    logging?: WebAclLoggingArgs;
}

const DEFAULTS = { rateLimit: 2000, rateLimitWindowSeconds: 300, logging: { enabled: true, retentionDays: 30 } } as const;

/** The physical names of a web ACL: the ACL, its rate-based rule and each managed group's rule. */
export interface WebAclNames {
    /** Web ACL name, also the ACL's metric name: `<prefix>-<env>-web-acl`. */
    readonly webAcl: string;
    /** Rate-based rule name and metric name: `<prefix>-<env>-rate-limit`. */
    readonly rateLimit: string;
    /** Rule name and metric name of each managed group: `<prefix>-<env>-<GroupName>`. */
    readonly managedRuleGroups: Readonly<Partial<Record<ManagedRuleGroup, string>>>;
}

/** The names, unchecked (`nameProblem("wafName", …)` tells whether WAF accepts them). */
export function webAclNames(naming: Naming, groups: readonly string[]): WebAclNames {
    const managedRuleGroups: Partial<Record<ManagedRuleGroup, string>> = {};
    for (const group of groups) {
        managedRuleGroups[group as ManagedRuleGroup] = naming.format("scoped", group);
    }
    return { webAcl: naming.format("scoped", "web-acl"), rateLimit: naming.format("scoped", "rate-limit"), managedRuleGroups };
}

/** Metrics in CloudWatch and a sample of the requests each rule matched, under `metricName`. */
function visibility(metricName: string): aws.types.input.wafv2.WebAclVisibilityConfig {
    return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

export class WebAcl extends PlatformComponent {
    public readonly webAclArn: pulumi.Output<string>;
    public readonly webAclId: pulumi.Output<string>;
    /** `<prefix>-<env>-web-acl`, known at plan time. */
    public readonly webAclName: string;
    /** `aws-waf-logs-<prefix>-<env>`; undefined when logging is off. */
    public readonly logGroupName: pulumi.Output<string> | undefined;

    constructor(name: string, args: WebAclArgs, opts?: pulumi.ComponentResourceOptions) {
        const { problems, spec } = webAclSpec(args);
        super("platform:edge:WebAcl", name, { ...args, component: "web-acl", problems }, opts);
        const tagsFor = (resourceName: string) => this.tagsFor(resourceName);
        // A CLOUDFRONT ACL and everything of it in us-east-1; a REGIONAL one in the stack's region (no input).
        const region = spec.scope === "CLOUDFRONT" ? { region: CLOUDFRONT_WEB_ACL_REGION } : {};

        const webAcl = new aws.wafv2.WebAcl(
            `${name}-web-acl`,
            {
                name: spec.names.webAcl,
                // At most 256 characters of letters, digits, spaces and _+=:#@/-,. (no parentheses).
                description: `Blocks an IP over ${spec.rateLimit} requests per ${spec.window} s, then applies ${spec.groups.length} AWS managed rule groups`,
                ...region,
                scope: spec.scope,
                defaultAction: { allow: {} },
                rules: this.rules(spec, args.countRules ?? {}),
                visibilityConfig: visibility(spec.names.webAcl),
                tags: tagsFor(spec.names.webAcl),
            },
            { parent: this },
        );

        // CLOUDFRONT: no association (the problems refuse resourceArns); the distribution names the ACL.
        if (spec.scope === "REGIONAL") {
            (args.resourceArns ?? []).forEach((resourceArn, i) => {
                new aws.wafv2.WebAclAssociation(`${name}-association-${i}`, { resourceArn, webAclArn: webAcl.arn }, { parent: this });
            });
        }

        const logGroup = spec.logging.enabled ? this.logging(name, args.naming, spec.logging.retentionDays, webAcl, tagsFor, region) : undefined;

        this.webAclArn = webAcl.arn;
        this.webAclId = webAcl.id;
        this.webAclName = spec.names.webAcl;
        this.logGroupName = logGroup?.name;
        this.registerOutputs({
            webAclArn: this.webAclArn,
            webAclId: this.webAclId,
            webAclName: this.webAclName,
            logGroupName: this.logGroupName,
        });
    }

    /** Priority 0: the rate-based rule; 1…n: the managed groups in the order given. */
    private rules(spec: WebAclSpec, countRules: NonNullable<WebAclArgs["countRules"]>): aws.types.input.wafv2.WebAclRule[] {
        const rateLimit: aws.types.input.wafv2.WebAclRule = {
            name: spec.names.rateLimit,
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: spec.rateLimit, aggregateKeyType: "IP", evaluationWindowSec: spec.window } },
            visibilityConfig: visibility(spec.names.rateLimit),
        };
        const managed = spec.groups.map((group, i): aws.types.input.wafv2.WebAclRule => {
            const ruleName = spec.names.managedRuleGroups[group]!;
            const counted = countRules[group] ?? [];
            return {
                name: ruleName,
                priority: i + 1,
                // The group's own rule actions apply; `count` here would switch the whole group off.
                overrideAction: { none: {} },
                statement: {
                    managedRuleGroupStatement: {
                        vendorName: "AWS",
                        name: group,
                        ...(counted.length > 0 ? { ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
                    },
                },
                visibilityConfig: visibility(ruleName),
            };
        });
        return [rateLimit, ...managed];
    }

    /** `aws-waf-logs-<prefix>-<env>` with a retention, and the ACL's logging into it with credentials redacted; both where the ACL is (`region`). */
    private logging(
        name: string,
        naming: Naming,
        retentionDays: LogRetentionDays,
        webAcl: aws.wafv2.WebAcl,
        tagsFor: (n: string) => Tags,
        region: { region?: string },
    ): aws.cloudwatch.LogGroup {
        const logGroupName = naming.wafLogGroup();
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { ...region, name: logGroupName, retentionInDays: retentionDays, tags: tagsFor(logGroupName) }, { parent: this });
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-logging`,
            {
                ...region,
                resourceArn: webAcl.arn,
                // The provider's LogGroup.arn carries no `:*` suffix, which WAF would refuse.
                logDestinationConfigs: [logGroup.arn],
                redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
            },
            { parent: this },
        );
        return logGroup;
    }
}

/** The arguments with their defaults, checked. */
interface WebAclSpec {
    readonly scope: WebAclScope;
    readonly names: WebAclNames;
    readonly rateLimit: number;
    readonly window: RateLimitWindowSeconds;
    readonly groups: readonly ManagedRuleGroup[];
    readonly logging: { readonly enabled: boolean; readonly retentionDays: LogRetentionDays };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;
/** Network and gateway load balancers: WAF protects application load balancers only. */
const NON_APPLICATION_LB = /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d{12}:loadbalancer\/(?:net|gwy)\//;

function resourceArnProblems(scope: WebAclScope, resourceArns: readonly pulumi.Input<string>[]): Problem[] {
    if (scope === "CLOUDFRONT") {
        return resourceArns.length === 0
            ? []
            : [
                  {
                      path: ["resourceArns"],
                      message: 'is not used with scope "CLOUDFRONT": AssociateWebACL is for regional resources only; give the ACL\'s ARN (webAclArn) to the distribution\'s webAclId instead',
                  },
              ];
    }
    if (resourceArns.length === 0) {
        return [{ path: ["resourceArns"], message: "is empty; give the ARN of at least one Application Load Balancer to protect" }];
    }
    const problems: Problem[] = [];
    const seen = new Set<string>();
    resourceArns.forEach((arn, i) => {
        // Outputs (another component's ALB) are checked by AWS; plain strings here.
        if (typeof arn !== "string") {
            return;
        }
        if (!ARN.test(arn)) {
            problems.push({ path: ["resourceArns", i], message: `${showValue(arn)} is not an ARN; use arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>` });
        } else if (NON_APPLICATION_LB.test(arn)) {
            problems.push({ path: ["resourceArns", i], message: `${showValue(arn)} is a network or gateway load balancer; WAF protects Application Load Balancers (loadbalancer/app/…) only` });
        } else if (seen.has(arn)) {
            problems.push({ path: ["resourceArns", i], message: `${showValue(arn)} is listed twice; a resource takes one web ACL` });
        }
        seen.add(arn);
    });
    return problems;
}

function managedRuleGroupProblems(groups: readonly string[]): Problem[] {
    const problems: Problem[] = [];
    const seen = new Set<string>();
    groups.forEach((group, i) => {
        if (!(MANAGED_RULE_GROUPS as readonly string[]).includes(group)) {
            const guess = closestMatch(group, MANAGED_RULE_GROUPS);
            problems.push({
                path: ["managedRuleGroups", i],
                message: `${showValue(group)} is not a managed rule group this component knows${guess ? ` (did you mean ${guess}?)` : ""}; use ${MANAGED_RULE_GROUPS.join(", ")}`,
            });
        } else if (seen.has(group)) {
            problems.push({ path: ["managedRuleGroups", i], message: `${showValue(group)} is listed twice; give each group once` });
        }
        seen.add(group);
    });
    return problems;
}

function countRuleProblems(countRules: Readonly<Record<string, readonly string[] | undefined>>, groups: readonly string[]): Problem[] {
    const problems: Problem[] = [];
    for (const [group, rules] of Object.entries(countRules)) {
        if (!groups.includes(group)) {
            problems.push({
                path: ["countRules", group],
                message: `${showValue(group)} is not among managedRuleGroups (${groups.join(", ") || "none"}); count overrides apply only to an enabled group`,
            });
            continue;
        }
        const names = rules ?? [];
        if (names.length > MAX_COUNT_RULES_PER_GROUP) {
            problems.push({ path: ["countRules", group], message: `has ${names.length} rules; a managed rule group takes at most ${MAX_COUNT_RULES_PER_GROUP} overrides` });
        }
        const seen = new Set<string>();
        names.forEach((rule, i) => {
            if (typeof rule !== "string" || !MANAGED_RULE_NAME.test(rule)) {
                problems.push({ path: ["countRules", group, i], message: `${showValue(rule)} is not a rule name; use 1–128 letters, digits and underscores, e.g. SizeRestrictions_BODY` });
            } else if (seen.has(rule)) {
                problems.push({ path: ["countRules", group, i], message: `${showValue(rule)} is listed twice; give each rule once` });
            }
            seen.add(rule);
        });
    }
    return problems;
}


/** Every rule the arguments must satisfy (stack config validation runs the same). */
export function webAclProblems(args: WebAclArgs): Problem[] {
    return webAclSpec(args).problems;
}

function webAclSpec(args: WebAclArgs): { problems: Problem[]; spec: WebAclSpec } {
    const scope = args.scope ?? "REGIONAL";
    const rateLimit = args.rateLimit ?? DEFAULTS.rateLimit;
    const window = args.rateLimitWindowSeconds ?? DEFAULTS.rateLimitWindowSeconds;
    const groups = args.managedRuleGroups ?? DEFAULT_MANAGED_RULE_GROUPS;
    const logging = { enabled: args.logging?.enabled ?? DEFAULTS.logging.enabled, retentionDays: args.logging?.retentionDays ?? DEFAULTS.logging.retentionDays };
    const names = webAclNames(args.naming, groups);

    const problems: Problem[] = [];
    for (const physical of [names.webAcl, names.rateLimit, ...Object.values(names.managedRuleGroups)]) {
        const problem = nameProblem("wafName", physical);
        if (problem) {
            problems.push({ path: ["name"], message: problem });
        }
    }
    if (!(WEB_ACL_SCOPES as readonly string[]).includes(scope)) {
        problems.push({ path: ["scope"], message: `${showValue(scope)} is not a scope WAF has; use ${WEB_ACL_SCOPES.join(" or ")}` });
    }
    problems.push(...resourceArnProblems(scope, args.resourceArns ?? []));
    if (!Number.isInteger(rateLimit) || rateLimit < RATE_LIMIT_RANGE.min || rateLimit > RATE_LIMIT_RANGE.max) {
        problems.push({
            path: ["rateLimit"],
            message: `${showValue(rateLimit)} is not a rate limit WAF accepts; use a whole number of requests from ${RATE_LIMIT_RANGE.min} to ${RATE_LIMIT_RANGE.max}`,
        });
    }
    if (!(RATE_LIMIT_WINDOWS as readonly number[]).includes(window)) {
        problems.push({ path: ["rateLimitWindowSeconds"], message: `${showValue(window)} is not an evaluation window WAF accepts; use one of ${RATE_LIMIT_WINDOWS.join(", ")} seconds` });
    }
    problems.push(...managedRuleGroupProblems(groups));
    problems.push(...countRuleProblems(args.countRules ?? {}, groups));
    const retention = logRetentionProblem(logging.retentionDays);
    if (retention) {
        problems.push({ path: ["logging", "retentionDays"], message: retention });
    }
    return { problems, spec: { scope, names, rateLimit, window, groups, logging } };
}
