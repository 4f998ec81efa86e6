/**
 * The web ACL block (`platform:waf`): an AWS WAF web ACL on the stack's public entry point — a
 * per-IP rate limit, then AWS managed rule groups, with request logs. Regional on the ALB; or, when
 * the CDN fronts the (internal) ALB (`platform:cdn.albOrigin`), of scope CLOUDFRONT in us-east-1 on
 * the distribution, which names it by its ARN (no association). Present wherever there is an ALB
 * (on unless the stack file turns it off, visibly); prod may not turn it off.
 */
import { z } from "zod";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { Problem } from "../../../lib/problems";
import { BuildContext, ConfigView, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { cdnBlock, cdnFrontsAlb } from "../cdn/block";
import { blueGreenAlbBlock } from "../../traffic/blue-green-alb/block";
import { DEFAULT_MANAGED_RULE_GROUPS, MANAGED_RULE_GROUPS, RATE_LIMIT_WINDOWS, WebAcl, WebAclScope, webAclProblems } from "./web-acl";

/** Where the web ACL sits, as the stack file says it: on the ALB, or on the CDN's distribution. */
export const WAF_SCOPES = ["regional", "cloudfront"] as const;
export type WafScope = (typeof WAF_SCOPES)[number];

/** Stands in for the ALB when the rules check the component's arguments before anything exists. */
const PLACEHOLDER_ALB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:loadbalancer/app/placeholder/0";

function wafSchema(logRetentionDays: LogRetentionDays) {
    return z
        .strictObject({
            enabled: z.boolean().default(true).describe("A web ACL on the stack's public entry point; needs platform:alb; prod must keep it on (dev turns it off visibly)."),
            scope: z
                .enum(WAF_SCOPES)
                .optional()
                .describe(
                    "`regional`: on the ALB, in the stack's region. `cloudfront`: on the CDN's distribution in front of the internal ALB (platform:cdn.albOrigin), created in us-east-1, no association. Default: `cloudfront` when platform:cdn.albOrigin fronts the ALB, else `regional`.",
                ),
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
        .describe("The web ACL of the stack's public entry point: the ALB, or the CDN in front of it.");
}

export type WafConfig = z.output<ReturnType<typeof wafSchema>>;

/** The scope the ACL takes: the stack file's, or `cloudfront` when the CDN fronts the ALB, else `regional`. */
export function wafScope(waf: WafConfig, view: ConfigView): WafScope {
    return waf.scope ?? (cdnFrontsAlb(view) ? "cloudfront" : "regional");
}

/** WAF's own name of a scope. */
const AWS_SCOPES: Readonly<Record<WafScope, WebAclScope>> = { regional: "REGIONAL", cloudfront: "CLOUDFRONT" };

/** The scope's rules: a CLOUDFRONT ACL needs the CDN in front of the ALB; with that CDN, a regional ACL is refused. */
function scopeProblems(waf: WafConfig, view: ConfigView): Problem[] {
    const fronted = cdnFrontsAlb(view);
    if (waf.scope === "cloudfront" && !fronted) {
        return [
            {
                path: ["waf", "scope"],
                message: `"cloudfront" needs platform:cdn.albOrigin: a CLOUDFRONT web ACL protects the distribution in front of the ALB, and ${view.config(cdnBlock) === undefined ? "this stack has no platform:cdn" : "this stack's CDN serves a bucket"}; use "regional" (the ALB's)`,
            },
        ];
    }
    if (waf.scope === "regional" && fronted) {
        return [
            {
                path: ["waf", "scope"],
                message:
                    `"regional" is not allowed while platform:cdn.albOrigin fronts the ALB: the public entry point is the CloudFront distribution, which a regional ACL does not protect, and the internal ALB sees CloudFront's addresses, so the rate limit would count CloudFront's servers instead of clients; use "cloudfront" (the default there)`,
            },
        ];
    }
    return [];
}

export const webAclBlock = defineBlock({
    name: "waf",
    keys: ["waf"],
    presentWith: ["waf", "alb"],
    schema: (stack) => singleKey("waf", wafSchema(stack.logRetentionDays)),

    rules(waf, view): Problem[] {
        const hasAlb = view.config(blueGreenAlbBlock) !== undefined;
        if (!waf.enabled) {
            if (view.stack.env !== "prod" || !hasAlb) {
                return [];
            }
            // The public entry point has WAF in prod: the ALB, or the CloudFront distribution in front of it.
            return cdnFrontsAlb(view)
                ? [{ path: ["waf", "enabled"], message: "false is not allowed in prod; a WAF web ACL protects the public entry point there, the CloudFront distribution of platform:cdn.albOrigin (security baseline)" }]
                : [{ path: ["waf", "enabled"], message: "false is not allowed in prod; a WAF web ACL protects the ALB there (security baseline)" }];
        }
        if (!hasAlb) {
            return [{ path: ["waf", "enabled"], message: "is true, but the stack has no platform:alb for the web ACL to protect" }];
        }
        const scope = wafScope(waf, view);
        // A retention taken from platform:logs.retentionDays is reported there already.
        const inherited = waf.logging.retentionDays === view.stack.logRetentionDays;
        const logging = { ...waf.logging, retentionDays: waf.logging.retentionDays as LogRetentionDays };
        const { scope: _scope, ...settings } = waf;
        const problems = argumentProblemsAt(
            "waf",
            webAclProblems({ ...settings, logging, naming: view.stack.naming, scope: AWS_SCOPES[scope], ...(scope === "regional" ? { resourceArns: [PLACEHOLDER_ALB_ARN] } : {}) }),
            {
                name: (p) => ({ path: ["name"], message: `${JSON.stringify(view.stack.name)} makes a WAF name AWS refuses: ${p.message}` }),
                resourceArns: null,
                ...(inherited ? { logging: null } : {}),
            },
        );
        problems.push(...scopeProblems(waf, view));
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
        const scope = wafScope(waf, ctx);
        const cdn = scope === "cloudfront" ? ctx.built(cdnBlock) : undefined;
        if (scope === "cloudfront" && !cdn?.frontsAlb) {
            throw new Error('platform:waf.scope is "cloudfront", and no CDN in front of the ALB was built (the config rules refuse that)');
        }
        const webAcl = new WebAcl("waf", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            scope: AWS_SCOPES[scope],
            // Regional: associated with the ALB. CloudFront: named by the distribution, never associated.
            ...(scope === "regional" ? { resourceArns: [alb.loadBalancerArn] } : {}),
            rateLimit: waf.rateLimit,
            rateLimitWindowSeconds: waf.rateLimitWindowSeconds,
            managedRuleGroups: waf.managedRuleGroups,
            countRules: waf.countRules,
            logging: { enabled: waf.logging.enabled, retentionDays: waf.logging.retentionDays as LogRetentionDays },
        });
        cdn?.protectWith(webAcl.webAclArn);
        return webAcl;
    },

    outputs: (webAcl) => (webAcl ? { webAclArn: webAcl.webAclArn } : {}),
});
