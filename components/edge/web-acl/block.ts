/**
 * The web ACL block (`platform:waf`): a regional AWS WAF web ACL on the ALB — a per-IP rate limit,
 * then AWS managed rule groups, with request logs. Present wherever there is an ALB (on unless the
 * stack file turns it off, visibly); prod may not turn it off.
 */
import { z } from "zod";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { Problem } from "../../../lib/problems";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { blueGreenAlbBlock } from "../../traffic/blue-green-alb/block";
import { DEFAULT_MANAGED_RULE_GROUPS, MANAGED_RULE_GROUPS, RATE_LIMIT_WINDOWS, WebAcl, webAclProblems } from "./web-acl";

/** Stands in for the ALB when the rules check the component's arguments before anything exists. */
const PLACEHOLDER_ALB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:loadbalancer/app/placeholder/0";

function wafSchema(logRetentionDays: LogRetentionDays) {
    return z
        .strictObject({
            enabled: z.boolean().default(true).describe("A regional web ACL on the ALB; needs platform:alb; prod must keep it on (dev turns it off visibly)."),
            rateLimit: z.number().int().default(2000).describe("Requests one client IP may send per window before it is blocked: 10–2,000,000,000."),
            rateLimitWindowSeconds: z.literal(RATE_LIMIT_WINDOWS).default(300).describe("Seconds the rate-based rule looks back: 60, 120, 300 or 600."),
            managedRuleGroups: z
                .array(z.enum(MANAGED_RULE_GROUPS))
                .default([...DEFAULT_MANAGED_RULE_GROUPS])
                .describe("AWS managed rule groups, evaluated in order after the rate limit, once each; prod keeps the core rule set and known bad inputs."),
            countRules: z
                .partialRecord(z.enum(MANAGED_RULE_GROUPS), z.array(z.string()))
                .default({})
                .describe("Rules of an enabled group to count instead of block, e.g. `{AWSManagedRulesCommonRuleSet: [SizeRestrictions_BODY]}`; ≤ 100 per group."),
            logging: z
                .strictObject({
                    enabled: z.boolean().default(true).describe("Request logs to `aws-waf-logs-<prefix>-<env>`, `authorization` and `cookie` redacted."),
                    retentionDays: z.number().int().default(logRetentionDays).describe("Days the request logs are kept. Default: platform:logs.retentionDays."),
                })
                .prefault({})
                .describe("WAF request logs."),
        })
        .prefault({})
        .describe("The ALB's web ACL.");
}

export type WafConfig = z.output<ReturnType<typeof wafSchema>>;

export const webAclBlock = defineBlock({
    name: "waf",
    keys: ["waf"],
    presentWith: ["waf", "alb"],
    schema: (stack) => singleKey("waf", wafSchema(stack.logRetentionDays)),

    rules(waf, view): Problem[] {
        const hasAlb = view.config(blueGreenAlbBlock) !== undefined;
        if (!waf.enabled) {
            return view.stack.env === "prod" && hasAlb
                ? [{ path: ["waf", "enabled"], message: "false is not allowed in prod; a WAF web ACL protects the ALB there (security baseline)" }]
                : [];
        }
        if (!hasAlb) {
            return [{ path: ["waf", "enabled"], message: "is true, but the stack has no platform:alb for the web ACL to protect" }];
        }
        // A retention taken from platform:logs.retentionDays is reported there already.
        const inherited = waf.logging.retentionDays === view.stack.logRetentionDays;
        const logging = { ...waf.logging, retentionDays: waf.logging.retentionDays as LogRetentionDays };
        const problems = argumentProblemsAt("waf", webAclProblems({ ...waf, logging, naming: view.stack.naming, resourceArns: [PLACEHOLDER_ALB_ARN] }), {
            name: (p) => ({ path: ["name"], message: `${JSON.stringify(view.stack.name)} makes a WAF name AWS refuses: ${p.message}` }),
            resourceArns: null,
            ...(inherited ? { logging: null } : {}),
        });
        if (view.stack.env === "prod") {
            const missing = DEFAULT_MANAGED_RULE_GROUPS.filter((group) => !waf.managedRuleGroups.includes(group));
            if (missing.length > 0) {
                problems.push({ path: ["waf", "managedRuleGroups"], message: `lacks ${missing.join(" and ")}; prod keeps AWS's core rule set and known bad inputs at least` });
            }
        }
        return problems;
    },

    build(waf: WafConfig, ctx: BuildContext): WebAcl | undefined {
        const alb = ctx.built(blueGreenAlbBlock);
        if (!waf.enabled || !alb) {
            return undefined;
        }
        return new WebAcl("waf", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            resourceArns: [alb.loadBalancerArn],
            rateLimit: waf.rateLimit,
            rateLimitWindowSeconds: waf.rateLimitWindowSeconds,
            managedRuleGroups: waf.managedRuleGroups,
            countRules: waf.countRules,
            logging: { enabled: waf.logging.enabled, retentionDays: waf.logging.retentionDays as LogRetentionDays },
        });
    },

    outputs: (webAcl) => (webAcl ? { webAclArn: webAcl.webAclArn } : {}),
});
