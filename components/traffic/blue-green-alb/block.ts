/**
 * The blue/green ALB block (`platform:alb`): the internet-facing ALB in the public subnets in
 * front of the service `platform:blueGreen` names, its blue and green target groups weighted by
 * `platform:blueGreen.weights`, HTTPS with an ACM certificate, access logs, and DNS aliases. It
 * hands the service its target groups (`SERVICE_TARGETS`).
 */
import { z } from "zod";
import { DNS_NAME, nameProblem } from "../../../lib/naming";
import { Problem, nest, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, defineBlock, singleKey } from "../../../stacks/block";
import { SERVICE_TARGETS, servicesBlock } from "../../compute/services/block";
import { INTERNET } from "../../network/security-groups/matrix";
import { networkBlock } from "../../network/vpc/block";
import { ALB_THRESHOLDS, albAlarms, albColourAlarms } from "./alarms";
import { COLOURS } from "./blue-green";
import { BlueGreenAlb, CertificateArgs, DESYNC_MODES, HEALTH_CHECK_LIMITS, TARGET_GROUP_STEM, TLS_POLICIES, albNames, aliasProblems, healthCheckProblems } from "./blue-green-alb";

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** A whole number in the range AWS accepts for a health-check setting. */
function limited(key: keyof typeof HEALTH_CHECK_LIMITS) {
    const { min, max } = HEALTH_CHECK_LIMITS[key];
    return z.number().int().min(min).max(max);
}

const AlbSchema = z.strictObject({
    certificate: z
        .strictObject({
            arn: z.string().optional().describe("An existing ACM certificate in the stack's region."),
            domain: z.string().optional().describe("Issue a DNS-validated certificate for `*.<domain>` and `<domain>`."),
            hostedZone: z.string().optional().describe("With domain: the public Route 53 zone (id `Z…` or name) that validates it."),
        })
        .transform((certificate, ctx): CertificateArgs => {
            const { arn, domain, hostedZone } = certificate;
            if (arn !== undefined && domain === undefined) {
                if (hostedZone !== undefined) {
                    ctx.addIssue({ code: "custom", path: ["hostedZone"], message: "is only used with domain, to validate a certificate issued here", input: hostedZone });
                }
                return { arn };
            }
            if (domain !== undefined && arn === undefined) {
                if (hostedZone === undefined) {
                    ctx.addIssue({ code: "custom", path: ["hostedZone"], message: "is required with domain: the Route 53 zone (id Z… or name) that validates the certificate", input: undefined });
                }
                return { domain, hostedZone: hostedZone ?? "" };
            }
            ctx.addIssue({ code: "custom", path: [], message: "needs exactly one of arn (an existing ACM certificate) or domain (+ hostedZone) to issue one", input: certificate });
            return { arn: "" };
        })
        .describe("The HTTPS certificate: `{arn}` of an existing one, or `{domain, hostedZone}` to issue one."),
    tlsPolicy: z.enum(TLS_POLICIES).optional().describe("TLS13-1-2-2021-06 or newer (not `Ext`). Default: `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`."),
    deletionProtection: z.boolean().default(true).describe("Refuse deletion of the ALB; prod must keep it on."),
    accessLogs: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Log to `<prefix>-<env>-alb-logs-<account>`; prod must keep them on."),
            expirationDays: z.number().int().min(1).max(3650).default(90).describe("Days before a log object expires."),
        })
        .prefault({})
        .describe("Access logs to an encrypted, private, TLS-only bucket only ELB may write to."),
    targetGroupStem: z
        .string()
        .regex(/^[a-z][a-z0-9]{0,15}$/, { error: "is not a name stem; use up to 16 lowercase letters and digits, starting with a letter" })
        .default(TARGET_GROUP_STEM)
        .describe("Stem of the target group names: blue `<prefix>-<stem>-<envName>`, green `<prefix>-<stem>-green-<envName>`, 32 characters at most (a shorter stem makes room for a longer envName). Changing it replaces both target groups."),
    deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30).describe("Seconds a deregistering target keeps its connections (keeps a rollback within 30 s)."),
    idleTimeoutSeconds: z.number().int().min(1).max(4000).default(60).describe("Idle connection timeout."),
    desyncMitigationMode: z.enum(DESYNC_MODES).default("defensive").describe("HTTP desync mitigation."),
    hsts: z.boolean().default(true).describe("Send `Strict-Transport-Security: max-age=31536000; includeSubDomains`."),
    dns: z
        .strictObject({
            hostedZone: z.string().optional().describe("Public zone (id `Z…` or name). Default: certificate.hostedZone."),
            records: z.array(z.string()).describe("Lowercase FQDNs inside the zone, covered by the certificate; the first is the `albUrl` output."),
        })
        .optional()
        .describe("Route 53 alias A records for the ALB. Default: none."),
    healthCheck: z
        .strictObject({
            path: z.string().default("/health").describe("Path the target groups check, starting with `/`."),
            matcher: z.string().default("200").describe("HTTP codes that count as healthy, 200–499: one code (`200`), a comma list (`200,202`) or a range (`200-299`)."),
            // AWS's ranges (ELBv2 API reference; HEALTH_CHECK_LIMITS cites it).
            intervalSeconds: limited("intervalSeconds").default(15).describe("Seconds between checks, 5–300."),
            timeoutSeconds: limited("timeoutSeconds").default(5).describe("Seconds before a check fails, 2–120; below the interval."),
            healthyThreshold: limited("healthyThreshold").default(2).describe("Passes before a target is healthy, 2–10."),
            unhealthyThreshold: limited("unhealthyThreshold").default(3).describe("Failures before a target is unhealthy, 2–10."),
        })
        .prefault({})
        .describe("The target groups' health check."),
});

export type AlbConfig = z.output<typeof AlbSchema>;

/** The service behind the ALB: the one `platform:blueGreen` names, when the stack has it. */
function targetService(view: ConfigView) {
    const services = view.config(servicesBlock);
    const name = services?.blueGreen?.service;
    return services?.services.find((s) => s.name === name);
}

function albProblems(alb: AlbConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    if (!view.config(servicesBlock)?.blueGreen) {
        problems.push({ path: ["alb"], message: "needs platform:blueGreen: the ALB forwards to the blue and green target groups of one service" });
    }
    const names = albNames(view.stack.naming, alb.targetGroupStem);
    for (const [what, kind, value] of [
        ["ALB", "loadBalancer", names.loadBalancer],
        ["blue target group", "targetGroup", names.targetGroups.blue],
        ["green target group", "targetGroup", names.targetGroups.green],
    ] as const) {
        const problem = nameProblem(kind, value);
        if (problem) {
            // The name, the env's name and (for target groups) the stem make it: say which keys shorten it.
            const keys = what === "ALB" ? "platform:name or platform:envName" : "platform:name, platform:envName or platform:alb.targetGroupStem";
            problems.push({ path: ["name"], message: `${JSON.stringify(view.stack.name)} makes the ${what} name ${showValue(value)} (${value.length} characters), which AWS refuses: ${problem}; shorten ${keys}` });
        }
    }
    const { certificate } = alb;
    if ("arn" in certificate) {
        const match = CERTIFICATE_ARN.exec(certificate.arn);
        if (!match) {
            problems.push({ path: ["alb", "certificate", "arn"], message: `${showValue(certificate.arn)} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)` });
        } else if (view.stack.region && match[1] !== view.stack.region) {
            problems.push({ path: ["alb", "certificate", "arn"], message: `is in ${showValue(match[1])}; an ALB only takes certificates from its own region, ${showValue(view.stack.region)}` });
        }
    } else if (!DNS_NAME.test(certificate.domain)) {
        problems.push({ path: ["alb", "certificate", "domain"], message: `${showValue(certificate.domain)} is not a domain name (expected e.g. goormpopcorn.shop)` });
    }
    if (alb.dns) {
        const hostedZone = alb.dns.hostedZone ?? ("hostedZone" in certificate ? certificate.hostedZone : undefined);
        if (hostedZone === undefined) {
            problems.push({ path: ["alb", "dns", "hostedZone"], message: "is required: the certificate is given by ARN, so there is no certificate.hostedZone to use" });
        } else {
            problems.push(...nest(["alb", "dns"], aliasProblems({ hostedZone, records: alb.dns.records }, certificate)));
        }
    }
    // Path, matcher, AWS's ranges, a timeout below the interval: what the target groups are given.
    problems.push(...nest(["alb", "healthCheck"], healthCheckProblems(alb.healthCheck)));
    if (view.stack.env === "prod") {
        if (!alb.deletionProtection) {
            problems.push({ path: ["alb", "deletionProtection"], message: "false is not allowed in prod; the ALB must refuse deletion (security baseline)" });
        }
        if (!alb.accessLogs.enabled) {
            problems.push({ path: ["alb", "accessLogs", "enabled"], message: "false is not allowed in prod; ALB access logs are required there (security baseline)" });
        }
    }
    return problems;
}

export const blueGreenAlbBlock = defineBlock({
    name: "alb",
    keys: ["alb"],
    requires: [networkBlock, servicesBlock],
    schema: () => singleKey("alb", AlbSchema.describe("The internet-facing ALB in front of the blue/green service.")),
    thresholds: ALB_THRESHOLDS,

    rules: (alb, view) => albProblems(alb, view),
    claims: (alb) => (alb.dns?.records ?? []).map((record, i) => ({ path: ["alb", "dns", "records", i], what: "DNS record", value: record })),

    securityGroups: (_alb, view) => {
        const service = targetService(view);
        return {
            groups: [{ name: "alb", description: "Internet-facing ALB: 80/443 in from anywhere, out only to the services" }],
            flows: [
                ...[80, 443].map((port) => ({ from: { cidr: INTERNET }, to: { group: "alb" }, port, why: "clients to the ALB" })),
                ...(service ? [{ from: { group: "alb" }, to: { group: "ecs" }, port: service.port, why: "ALB to its target services" }] : []),
            ],
        };
    },

    build(alb: AlbConfig, ctx: BuildContext): BlueGreenAlb {
        const service = targetService(ctx);
        const weights = ctx.config(servicesBlock)?.blueGreen?.weights;
        if (!service || !weights) {
            throw new Error("the ALB has no blue/green service to forward to (the config rules refuse that)");
        }
        const vpc = ctx.need(networkBlock);
        const { certificate } = alb;
        const balancer = new BlueGreenAlb("alb", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            service: service.name,
            vpcId: vpc.vpcId,
            subnetIds: vpc.publicSubnetIds,
            securityGroupIds: [ctx.securityGroupId("alb")],
            targetPort: service.port,
            certificate,
            tlsPolicy: alb.tlsPolicy,
            weights,
            targetGroupStem: alb.targetGroupStem,
            healthCheck: alb.healthCheck,
            deregistrationDelaySeconds: alb.deregistrationDelaySeconds,
            idleTimeoutSeconds: alb.idleTimeoutSeconds,
            desyncMitigationMode: alb.desyncMitigationMode,
            deletionProtection: alb.deletionProtection,
            hsts: alb.hsts,
            accessLogs: alb.accessLogs,
            dns: alb.dns && { hostedZone: alb.dns.hostedZone ?? ("hostedZone" in certificate ? certificate.hostedZone : ""), records: alb.dns.records },
        });
        ctx.publish(SERVICE_TARGETS, {
            service: service.name,
            targetGroups: {
                blue: { arn: balancer.targetGroupArns.blue, arnSuffix: balancer.targetGroupArnSuffixes.blue },
                green: { arn: balancer.targetGroupArns.green, arnSuffix: balancer.targetGroupArnSuffixes.green },
            },
            loadBalancerArnSuffix: balancer.arnSuffix,
            dependsOn: balancer,
        });
        return balancer;
    },

    outputs: (balancer) => ({
        albDnsName: balancer.dnsName,
        // The certificate covers the alias records, not the ALB's own name.
        albUrl: balancer.aliases.length > 0 ? `https://${balancer.aliases[0]}` : balancer.dnsName.apply((name) => `https://${name}`),
        albAliases: balancer.aliases,
        targetGroups: balancer.targetGroupNames,
        canaryWeights: balancer.weights,
    }),

    alarms: (balancer, _alb, thresholds) => ({
        rank: 20,
        title: "ALB",
        specs: [...albAlarms(balancer.arnSuffix, thresholds), ...COLOURS.flatMap((colour) => albColourAlarms(balancer.arnSuffix, colour, balancer.targetGroupArnSuffixes[colour], thresholds))],
    }),
});
