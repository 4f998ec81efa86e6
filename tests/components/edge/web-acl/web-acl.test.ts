import { expect } from "chai";
import { MANAGED_RULE_GROUPS, WebAcl, WebAclArgs } from "../../../../components/edge/web-acl/web-acl";
import { LogRetentionDays } from "../../../../lib/aws-limits";
import { Naming } from "../../../../lib/naming";
import { ArgumentError } from "../../../../lib/problems";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView, refusedArguments } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const W = {
    component: "platform:edge:WebAcl",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    association: "aws:wafv2/webAclAssociation:WebAclAssociation",
    logging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
} as const;

const ALB_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${MOCK_ACCOUNT_ID}:loadbalancer/app/goorm-popcorn-alb-dev/0123456789abcdef`;
const ADMIN_ALB_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${MOCK_ACCOUNT_ID}:loadbalancer/app/goorm-popcorn-admin-dev/fedcba9876543210`;

function aclArgs(change: Partial<WebAclArgs> = {}): WebAclArgs {
    return { naming, tags, resourceArns: [ALB_ARN], ...change };
}

/** Runs one web ACL and exports its outputs as the stack's. */
function runAcl(args: WebAclArgs): Promise<RunView> {
    return runView(() => {
        const acl = new WebAcl("waf", args);
        return {
            webAclArn: acl.webAclArn,
            webAclId: acl.webAclId,
            webAclName: acl.webAclName,
            ...(acl.logGroupName ? { logGroupName: acl.logGroupName } : {}),
        };
    });
}

/** The ARN the mock runtime gives a regional web ACL (tests/support/mock-runtime.ts). */
function mockAclArn(acl: RecordedResource): string {
    return `arn:aws:wafv2:ap-northeast-2:${MOCK_ACCOUNT_ID}:regional/webacl/${String(acl.inputs.name)}/${acl.id}`;
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/** A managed rule group rule as the component renders it (overrides left out when there are none). */
function managedRule(group: string, priority: number, countRules: string[] = []) {
    return {
        name: `goorm-popcorn-dev-${group}`,
        priority,
        overrideAction: { none: {} },
        statement: {
            managedRuleGroupStatement: {
                vendorName: "AWS",
                name: group,
                ...(countRules.length > 0 ? { ruleActionOverrides: countRules.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
            },
        },
        visibilityConfig: visibility(`goorm-popcorn-dev-${group}`),
    };
}

interface Rule {
    name: string;
    priority: number;
    visibilityConfig: { cloudwatchMetricsEnabled: boolean; sampledRequestsEnabled: boolean; metricName: string };
}

function problemsOf(args: WebAclArgs): Promise<string[]> {
    return refusedArguments("WebAcl", () => new WebAcl("waf", args));
}

describe("components/web-acl: defaults, protecting one ALB", () => {
    let view: RunView;
    let acl: RecordedResource;
    before(async () => {
        view = await runAcl(aclArgs());
        acl = view.one(W.webAcl, "waf-web-acl");
    });

    it("registers platform:edge:WebAcl as the parent of every child: the ACL, one association, a log group and the logging", () => {
        const [component] = view.ofType(W.component);
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
        expect(view.custom.map((r) => r.type).sort()).to.deep.equal([W.webAcl, W.association, T.logGroup, W.logging].sort());
    });

    it("creates the regional web ACL goorm-popcorn-dev-web-acl that allows what no rule blocks, with metrics and samples", () => {
        expect(acl.inputs).to.deep.include({
            name: "goorm-popcorn-dev-web-acl",
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            visibilityConfig: visibility("goorm-popcorn-dev-web-acl"),
        });
        expect(String(acl.inputs.description)).to.match(/^[\w+=:#@/\-,. ]{1,256}$/);
    });

    it("blocks an IP over 2000 requests in 300 s first, then applies the core rule set and known bad inputs with their own actions", () => {
        expect(acl.inputs.rules).to.deep.equal([
            {
                name: "goorm-popcorn-dev-rate-limit",
                priority: 0,
                action: { block: {} },
                statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                visibilityConfig: visibility("goorm-popcorn-dev-rate-limit"),
            },
            managedRule("AWSManagedRulesCommonRuleSet", 1),
            managedRule("AWSManagedRulesKnownBadInputsRuleSet", 2),
        ]);
    });

    it("turns metrics and sampled requests on for every rule, each under its own metric name", () => {
        const rules = acl.inputs.rules as Rule[];
        expect(rules).to.have.length(3);
        for (const rule of rules) {
            expect(rule.visibilityConfig, rule.name).to.deep.equal(visibility(rule.name));
        }
        expect(new Set(rules.map((r) => r.visibilityConfig.metricName)).size).to.equal(rules.length);
    });

    it("associates the ALB with the ACL", () => {
        const [association] = view.ofType(W.association);
        expect(association.inputs).to.deep.equal({ resourceArn: ALB_ARN, webAclArn: mockAclArn(acl) });
    });

    it("logs to aws-waf-logs-goorm-popcorn-dev, kept 30 days, by the log group's ARN, with authorization and cookie redacted", () => {
        const logGroup = view.one(T.logGroup, "waf-logs");
        expect(logGroup.inputs).to.include({ name: "aws-waf-logs-goorm-popcorn-dev", retentionInDays: 30 });
        expect(String(logGroup.inputs.name)).to.match(/^aws-waf-logs-/);
        const logging = view.one(W.logging, "waf-logging");
        expect(logging.inputs).to.deep.equal({
            resourceArn: mockAclArn(acl),
            // The ARN WAF accepts: no `:*` suffix.
            logDestinationConfigs: [`arn:aws:logs:ap-northeast-2:${MOCK_ACCOUNT_ID}:log-group:aws-waf-logs-goorm-popcorn-dev`],
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        });
    });

    it("exports the ACL's ARN, id and name and the log group's name", () => {
        expect(view.run.outputs).to.deep.equal({
            webAclArn: mockAclArn(acl),
            webAclId: acl.id,
            webAclName: "goorm-popcorn-dev-web-acl",
            logGroupName: "aws-waf-logs-goorm-popcorn-dev",
        });
    });

    it("tags the web ACL and the log group (the taggable children) with Component=web-acl and their names", () => {
        const taggable = view.custom.filter((r) => isTaggable(r.type));
        expect(taggable.map((r) => r.type).sort()).to.deep.equal([W.webAcl, T.logGroup].sort());
        for (const r of taggable) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.deep.equal({ ...tags, Component: "web-acl", Name: r.inputs.name });
        }
    });
});

describe("components/web-acl: every managed group, count overrides, a 60 s window, two ALBs, no logging", () => {
    let view: RunView;
    let acl: RecordedResource;
    before(async () => {
        view = await runAcl(
            aclArgs({
                resourceArns: [ALB_ARN, ADMIN_ALB_ARN],
                rateLimit: 10,
                rateLimitWindowSeconds: 60,
                managedRuleGroups: MANAGED_RULE_GROUPS,
                countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"], AWSManagedRulesAnonymousIpList: ["HostingProviderIPList"] },
                logging: { enabled: false },
            }),
        );
        acl = view.one(W.webAcl, "waf-web-acl");
    });

    it("puts the rate-based rule first, then the seven groups in the order given, priorities 0–7", () => {
        const rules = acl.inputs.rules as Array<Rule & { statement: { managedRuleGroupStatement?: { name: string } } }>;
        expect(rules.map((r) => r.priority)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(rules.map((r) => r.statement.managedRuleGroupStatement?.name ?? r.name)).to.deep.equal(["goorm-popcorn-dev-rate-limit", ...MANAGED_RULE_GROUPS]);
        expect(rules[0]).to.deep.include({ action: { block: {} }, statement: { rateBasedStatement: { limit: 10, aggregateKeyType: "IP", evaluationWindowSec: 60 } } });
    });

    it("counts the listed rules of their group instead of blocking, and overrides nothing elsewhere", () => {
        const rules = acl.inputs.rules as unknown[];
        expect(rules[1]).to.deep.equal(managedRule("AWSManagedRulesCommonRuleSet", 1, ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"]));
        expect(rules[4]).to.deep.equal(managedRule("AWSManagedRulesAnonymousIpList", 4, ["HostingProviderIPList"]));
        for (const i of [2, 3, 5, 6, 7]) {
            expect(rules[i]).to.deep.equal(managedRule(MANAGED_RULE_GROUPS[i - 1], i));
        }
    });

    it("associates each ALB with the ACL, one association each", () => {
        const associations = view.ofType(W.association);
        expect(associations.map((a) => a.inputs.resourceArn)).to.deep.equal([ALB_ARN, ADMIN_ALB_ARN]);
        for (const association of associations) {
            expect(association.inputs.webAclArn).to.equal(mockAclArn(acl));
        }
    });

    it("creates no log group and no logging configuration, and exports no log group", () => {
        expect(view.ofType(T.logGroup)).to.deep.equal([]);
        expect(view.ofType(W.logging)).to.deep.equal([]);
        expect(view.run.outputs).not.to.have.property("logGroupName");
    });
});

describe("components/web-acl: no managed group", () => {
    it("keeps the rate-based rule alone", async () => {
        const view = await runAcl(aclArgs({ managedRuleGroups: [], logging: { enabled: true, retentionDays: 7 } }));
        const rules = view.one(W.webAcl, "waf-web-acl").inputs.rules as Rule[];
        expect(rules.map((r) => [r.name, r.priority])).to.deep.equal([["goorm-popcorn-dev-rate-limit", 0]]);
        expect(view.one(T.logGroup, "waf-logs").inputs.retentionInDays).to.equal(7);
    });
});

describe("components/web-acl: bad arguments", () => {
    const NLB_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${MOCK_ACCOUNT_ID}:loadbalancer/net/goorm-popcorn-nlb-dev/0123456789abcdef`;
    const cases: Array<[string, Partial<WebAclArgs>, string[]]> = [
        ["a rate limit under 10", { rateLimit: 5 }, ["rateLimit: 5 is not a rate limit WAF accepts; use a whole number of requests from 10 to 2000000000"]],
        [
            "a rate limit over 2,000,000,000",
            { rateLimit: 2_000_000_001 },
            ["rateLimit: 2000000001 is not a rate limit WAF accepts; use a whole number of requests from 10 to 2000000000"],
        ],
        ["a fractional rate limit", { rateLimit: 100.5 }, ["rateLimit: 100.5 is not a rate limit WAF accepts; use a whole number of requests from 10 to 2000000000"]],
        ["an evaluation window WAF does not offer", { rateLimitWindowSeconds: 30 as 60 }, ["rateLimitWindowSeconds: 30 is not an evaluation window WAF accepts; use one of 60, 120, 300, 600 seconds"]],
        [
            "an unknown managed rule group, with a hint",
            { managedRuleGroups: ["AWSManagedRulesCommonRuleSets" as "AWSManagedRulesCommonRuleSet"] },
            [
                'managedRuleGroups[0]: "AWSManagedRulesCommonRuleSets" is not a managed rule group this component knows (did you mean AWSManagedRulesCommonRuleSet?); ' +
                    "use AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesAmazonIpReputationList, AWSManagedRulesAnonymousIpList, " +
                    "AWSManagedRulesSQLiRuleSet, AWSManagedRulesLinuxRuleSet, AWSManagedRulesUnixRuleSet",
            ],
        ],
        [
            "a managed rule group listed twice",
            { managedRuleGroups: ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesCommonRuleSet"] },
            ['managedRuleGroups[2]: "AWSManagedRulesCommonRuleSet" is listed twice; give each group once'],
        ],
        [
            "count overrides for a group that is not enabled",
            { countRules: { AWSManagedRulesSQLiRuleSet: ["SQLi_BODY"] } },
            [
                'countRules.AWSManagedRulesSQLiRuleSet: "AWSManagedRulesSQLiRuleSet" is not among managedRuleGroups (AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet); count overrides apply only to an enabled group',
            ],
        ],
        [
            "count overrides with no group enabled",
            { managedRuleGroups: [], countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] } },
            ['countRules.AWSManagedRulesCommonRuleSet: "AWSManagedRulesCommonRuleSet" is not among managedRuleGroups (none); count overrides apply only to an enabled group'],
        ],
        [
            "an empty rule name",
            { countRules: { AWSManagedRulesCommonRuleSet: [""] } },
            ['countRules.AWSManagedRulesCommonRuleSet[0]: "" is not a rule name; use 1–128 letters, digits and underscores, e.g. SizeRestrictions_BODY'],
        ],
        [
            "a rule name with a hyphen",
            { countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "size-restrictions"] } },
            ['countRules.AWSManagedRulesCommonRuleSet[1]: "size-restrictions" is not a rule name; use 1–128 letters, digits and underscores, e.g. SizeRestrictions_BODY'],
        ],
        [
            "a rule counted twice",
            { countRules: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY", "GenericLFI_BODY", "SizeRestrictions_BODY"] } },
            ['countRules.AWSManagedRulesCommonRuleSet[2]: "SizeRestrictions_BODY" is listed twice; give each rule once'],
        ],
        [
            "more than 100 count overrides in one group",
            { countRules: { AWSManagedRulesCommonRuleSet: Array.from({ length: 101 }, (_, i) => `Rule_${i}`) } },
            ["countRules.AWSManagedRulesCommonRuleSet: has 101 rules; a managed rule group takes at most 100 overrides"],
        ],
        ["no resource to protect", { resourceArns: [] }, ["resourceArns: is empty; give the ARN of at least one Application Load Balancer to protect"]],
        [
            "a load balancer name instead of its ARN",
            { resourceArns: ["goorm-popcorn-alb-dev"] },
            ['resourceArns[0]: "goorm-popcorn-alb-dev" is not an ARN; use arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>'],
        ],
        [
            "a network load balancer",
            { resourceArns: [ALB_ARN, NLB_ARN] },
            [`resourceArns[1]: "${NLB_ARN}" is a network or gateway load balancer; WAF protects Application Load Balancers (loadbalancer/app/…) only`],
        ],
        ["the same ALB twice", { resourceArns: [ALB_ARN, ALB_ARN] }, [`resourceArns[1]: "${ALB_ARN}" is listed twice; a resource takes one web ACL`]],
        [
            "a log retention CloudWatch refuses",
            { logging: { enabled: true, retentionDays: 10 as LogRetentionDays } },
            ["logging.retentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"],
        ],
        [
            "rule names over 128 characters",
            { naming: new Naming("p".repeat(110), "prod") },
            [
                `name: wafName name "${"p".repeat(110)}-prod-AWSManagedRulesCommonRuleSet" is 144 characters; AWS allows at most 128`,
                `name: wafName name "${"p".repeat(110)}-prod-AWSManagedRulesKnownBadInputsRuleSet" is 152 characters; AWS allows at most 128`,
            ],
        ],
    ];

    for (const [what, change, expected] of cases) {
        it(`refuses ${what}`, async () => {
            expect(await problemsOf(aclArgs(change))).to.deep.equal(expected);
        });
    }

    it("lists every problem under the component's name, before creating anything", () => {
        expect(() => new WebAcl("edge", aclArgs({ rateLimit: 5, rateLimitWindowSeconds: 30 as 60, resourceArns: [] }))).to.throw(
            ArgumentError,
            /^WebAcl "edge": invalid arguments:\n {2}resourceArns: is empty; .*\n {2}rateLimit: 5 is not a rate limit WAF accepts; .*\n {2}rateLimitWindowSeconds: 30 is not an evaluation window WAF accepts; use one of 60, 120, 300, 600 seconds$/,
        );
    });
});

describe("components/web-acl: scope CLOUDFRONT, for a CloudFront distribution", () => {
    let view: RunView;
    let acl: RecordedResource;
    before(async () => {
        view = await runAcl({ naming, tags, scope: "CLOUDFRONT", logging: { enabled: true, retentionDays: 90 } });
        acl = view.one(W.webAcl, "waf-web-acl");
    });

    it("creates the ACL with scope CLOUDFRONT and region us-east-1 (the resource's own region input), its ARN a global one of us-east-1", () => {
        expect(acl.inputs).to.deep.include({ name: "goorm-popcorn-dev-web-acl", scope: "CLOUDFRONT", region: "us-east-1", defaultAction: { allow: {} } });
        expect(view.run.outputs.webAclArn).to.equal(`arn:aws:wafv2:us-east-1:${MOCK_ACCOUNT_ID}:global/webacl/goorm-popcorn-dev-web-acl/${acl.id}`);
    });

    it("keeps the regional ACL's rules: the rate limit first, then the core rule set and known bad inputs", () => {
        expect(acl.inputs.rules).to.deep.equal([
            {
                name: "goorm-popcorn-dev-rate-limit",
                priority: 0,
                action: { block: {} },
                statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                visibilityConfig: visibility("goorm-popcorn-dev-rate-limit"),
            },
            managedRule("AWSManagedRulesCommonRuleSet", 1),
            managedRule("AWSManagedRulesKnownBadInputsRuleSet", 2),
        ]);
    });

    it("associates nothing: AssociateWebACL is not for CloudFront, the distribution names the ACL", () => {
        expect(view.ofType(W.association)).to.deep.equal([]);
        expect(view.custom.map((r) => r.type).sort()).to.deep.equal([W.webAcl, T.logGroup, W.logging].sort());
    });

    it("logs to aws-waf-logs-goorm-popcorn-dev in us-east-1 (region input), the logging configuration there too", () => {
        const logGroup = view.one(T.logGroup, "waf-logs");
        expect(logGroup.inputs).to.deep.include({ name: "aws-waf-logs-goorm-popcorn-dev", region: "us-east-1", retentionInDays: 90 });
        expect(view.one(W.logging, "waf-logging").inputs).to.deep.equal({
            region: "us-east-1",
            resourceArn: view.run.outputs.webAclArn,
            logDestinationConfigs: [`arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:aws-waf-logs-goorm-popcorn-dev`],
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        });
    });

    it("puts no region on a REGIONAL ACL or its logs: they stay in the stack's region, as before", async () => {
        const regional = await runAcl(aclArgs());
        for (const r of regional.custom) {
            expect(r.inputs, `${r.type} ${r.name}`).to.not.have.property("region");
        }
    });

    it("refuses resource ARNs with scope CLOUDFRONT, and a scope WAF does not have", async () => {
        expect(await problemsOf(aclArgs({ scope: "CLOUDFRONT" }))).to.deep.equal([
            'resourceArns: is not used with scope "CLOUDFRONT": AssociateWebACL is for regional resources only; give the ACL\'s ARN (webAclArn) to the distribution\'s webAclId instead',
        ]);
        expect(await problemsOf(aclArgs({ scope: "GLOBAL" as "CLOUDFRONT" }))).to.deep.equal(['scope: "GLOBAL" is not a scope WAF has; use REGIONAL or CLOUDFRONT']);
    });
});
