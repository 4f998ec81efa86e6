/**
 * The ALB block (`platform:alb`): the ALB in front of the platform's services, HTTPS with an ACM
 * certificate, access logs, and DNS aliases. Internet-facing in the public subnets (80 redirects
 * to 443), or internal in the private subnets (443 only, admitting only what other blocks declare).
 * It forwards by default to the blue and green target groups of the service `platform:blueGreen`
 * names, weighted by `platform:blueGreen.weights`, and by its routes (`platform:alb.routes`) to
 * plain services' own target groups; without blue/green, the default answers 404. It hands each
 * service its target groups (`SERVICE_TARGETS`).
 *
 * With `platform:alb.external` (system C) it also keeps an `ip` target group for pods this program
 * does not run as services, the Istio ingress gateway's in the EKS cluster: the default action
 * forwards to it (without blue/green), routes may name it, and the block that binds its pods
 * (a TargetGroupBinding the AWS Load Balancer Controller reconciles) finds it on
 * `EXTERNAL_TARGETS`. The ALB's group then opens the gateway's port and its health-check port to
 * `eks-nodes` (every pod has a VPC address behind its node's security groups).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DNS_NAME, nameProblem } from "../../../lib/naming";
import { Path, Problem, nest, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, defineBlock, singleKey } from "../../../stacks/block";
import { EXTERNAL_TARGETS } from "../../compute/eks/contract";
import { EKS_NODES_GROUP, eksBlock } from "../../compute/eks/block";
import { SERVICE_TARGETS, servicesBlock } from "../../compute/services/block";
import { loadBalancerControllerBlock } from "../../kubernetes/load-balancer-controller/block";
import { Flow, INTERNET, Peer, uniquePorts } from "../../network/security-groups/matrix";
import { networkBlock } from "../../network/vpc/block";
import type { VpcSubnet } from "../../network/vpc/vpc";
import { ALB_THRESHOLDS, albAlarms, albColourAlarms, albExternalAlarm } from "./alarms";
import { COLOURS } from "./blue-green";
import {
    ALB_SCHEMES,
    BlueGreenAlb,
    CertificateArgs,
    DESYNC_MODES,
    EXTERNAL_DEFAULT_BESIDE_BLUE_GREEN,
    EXTERNAL_TARGET_NAME,
    ExternalTargetArgs,
    HEALTH_CHECK_LIMITS,
    INTERNAL_DNS_PROBLEM,
    TARGET_GROUP_STEM,
    TLS_POLICIES,
    TargetHealthCheckArgs,
    albNames,
    aliasProblems,
    externalTargetGroupName,
    externalUnreachable,
    healthCheckProblems,
} from "./blue-green-alb";
import { RouteArgs, routeNameProblems, routeProblems, routedServices, targetGroupCountProblem } from "./routes";

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** A whole number in the range AWS accepts for a health-check setting. */
function limited(key: keyof typeof HEALTH_CHECK_LIMITS) {
    const { min, max } = HEALTH_CHECK_LIMITS[key];
    return z.number().int().min(min).max(max);
}

/** A route's own health check: any field of `platform:alb.healthCheck`, the rest taken from it. */
const RouteHealthCheckSchema = z
    .strictObject({
        path: z.string().optional().describe("Path checked, starting with `/`."),
        matcher: z.string().optional().describe("HTTP codes that count as healthy, 200–499."),
        intervalSeconds: limited("intervalSeconds").optional().describe("Seconds between checks, 5–300."),
        timeoutSeconds: limited("timeoutSeconds").optional().describe("Seconds before a check fails, 2–120; below the interval."),
        healthyThreshold: limited("healthyThreshold").optional().describe("Passes before a target is healthy, 2–10."),
        unhealthyThreshold: limited("unhealthyThreshold").optional().describe("Failures before a target is unhealthy, 2–10."),
    })
    .optional();

const RouteSchema = z.strictObject({
    service: z.string().optional().describe("A plain service of platform:services (not the blue/green one). Exactly one of service and target."),
    target: z.string().optional().describe("The external target (platform:alb.external.name). Exactly one of service and target."),
    paths: z.array(z.string()).optional().describe("Path patterns (`/api/*`)."),
    hosts: z.array(z.string()).optional().describe("Host names (`api.example.com`, `*.example.com`)."),
    priority: z.number().describe("1–50,000, unique; lower wins."),
    healthCheck: RouteHealthCheckSchema.describe("The service's target group's health check; fields not given come from platform:alb.healthCheck. Not on a route to the external target."),
});

/** What the external target gets when config does not say: the Istio ingress gateway's ports and readiness path. */
export const EXTERNAL_DEFAULTS = { port: 8080, healthCheckPort: 15021, healthCheckPath: "/healthz/ready" } as const;

const ExternalSchema = z
    .strictObject({
        name: z
            .string()
            .describe(
                "Its name: what routes name (`target`), the target group's `<prefix>-<name>-<envName>` (32 characters at most), and what the binding block finds it by. Lowercase letters, digits and hyphens, e.g. `gateway`.",
            ),
        port: z.number().default(EXTERNAL_DEFAULTS.port).describe("The port the pods serve HTTP on (the Istio gateway's container port): the target group's port, 1–65535."),
        healthCheck: z
            .strictObject({
                port: z.number().default(EXTERNAL_DEFAULTS.healthCheckPort).describe("The port the ALB checks, 1–65535 (the Istio gateway's status port)."),
                path: z.string().default(EXTERNAL_DEFAULTS.healthCheckPath).describe("Path checked, starting with `/` (the gateway's readiness)."),
                matcher: z.string().optional().describe("HTTP codes that count as healthy, 200–499. Default: platform:alb.healthCheck.matcher."),
                intervalSeconds: limited("intervalSeconds").optional().describe("Seconds between checks, 5–300. Default: platform:alb.healthCheck's."),
                timeoutSeconds: limited("timeoutSeconds").optional().describe("Seconds before a check fails, 2–120; below the interval. Default: platform:alb.healthCheck's."),
                healthyThreshold: limited("healthyThreshold").optional().describe("Passes before a target is healthy, 2–10. Default: platform:alb.healthCheck's."),
                unhealthyThreshold: limited("unhealthyThreshold").optional().describe("Failures before a target is unhealthy, 2–10. Default: platform:alb.healthCheck's."),
            })
            .prefault({})
            .describe("Its health check, on a port of its own; fields not given come from platform:alb.healthCheck."),
        default: z
            .boolean()
            .optional()
            .describe("Whether the HTTPS default action forwards to it: every request no route takes. Default: true without platform:blueGreen; with it, false (routes name it)."),
    })
    .optional()
    .describe(
        "An `ip` target group for pods outside platform:services, registered by a TargetGroupBinding in the EKS cluster (system C: the Istio ingress gateway). Needs platform:eks and platform:loadBalancerController. Default: none.",
    );

const AlbSchema = z.strictObject({
    scheme: z
        .enum(ALB_SCHEMES)
        .default("internet-facing")
        .describe(
            "`internet-facing`: in the public subnets, 80 (redirect) and 443 open to the internet. `internal`: in the private subnets (one per AZ, two AZs at least), 443 only, open only to what other blocks declare (a CDN's VPC origin); no dns.records.",
        ),
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
    routes: z
        .array(RouteSchema)
        .default([])
        .describe(
            "Listener rules on HTTPS, `{service | target, paths?, hosts?, priority, healthCheck?}`: a request whose path matches one of `paths` and whose host is one of `hosts` (each when given) goes to the service's own `ip` target group `<prefix>-<service without -service>-<envName>`, or to the external target. At most 100 routes, 5 paths and hosts together and 5 wildcards a route. Without platform:blueGreen or a default external target, any other request gets 404.",
        ),
    external: ExternalSchema,
});

export type AlbConfig = z.output<typeof AlbSchema>;

/** The service behind the ALB: the one `platform:blueGreen` names, when the stack has it. */
function targetService(view: ConfigView) {
    const services = view.config(servicesBlock);
    const name = services?.blueGreen?.service;
    return services?.services.find((s) => s.name === name);
}

/**
 * The hook for what fronts an internal ALB: the security group it opens and the one port.
 * An internal ALB admits nothing from the internet: its group admits exactly the flows other
 * blocks declare to it in their `securityGroups` (`albOriginFlow`). The CDN block, when it puts
 * a CloudFront VPC origin in front of system B's ALB, declares one from CloudFront's managed
 * prefix list `com.amazonaws.global.cloudfront.origin-facing` (README, "Internal").
 */
export const ALB_ORIGIN = { group: "alb", port: 443 } as const;

/** The flow a block in front of the ALB declares: `from` may open the ALB's HTTPS listener. */
export function albOriginFlow(from: Peer, why: string): Flow {
    return { from, to: { group: ALB_ORIGIN.group }, port: ALB_ORIGIN.port, why };
}

/** The external target's health check as the target group gets it: its own fields over the ALB's. */
function externalHealthCheck(alb: AlbConfig, external: NonNullable<AlbConfig["external"]>): ExternalTargetArgs["healthCheck"] {
    const own = Object.fromEntries(Object.entries(external.healthCheck).filter(([, value]) => value !== undefined));
    return { ...alb.healthCheck, ...own } as ExternalTargetArgs["healthCheck"];
}

/** The external target as the component takes it. */
function externalArgs(alb: AlbConfig): ExternalTargetArgs | undefined {
    const external = alb.external;
    return (
        external && {
            name: external.name,
            port: external.port,
            healthCheck: externalHealthCheck(alb, external),
            ...(external.default !== undefined ? { default: external.default } : {}),
        }
    );
}

/** The external target's ports the ALB reaches the pods on: traffic and health checks (once when they are one). */
export function externalPorts(alb: AlbConfig): number[] {
    return alb.external ? uniquePorts([alb.external.port, alb.external.healthCheck.port]) : [];
}

/** A route's health check: its own fields over the ALB's. */
function routeHealthCheck(alb: AlbConfig, route: AlbConfig["routes"][number]): TargetHealthCheckArgs {
    const own = Object.fromEntries(Object.entries(route.healthCheck ?? {}).filter(([, value]) => value !== undefined));
    return { ...alb.healthCheck, ...own };
}

/** The services the routes name that the stack has, with their ports. */
function routedPorts(alb: AlbConfig, view: ConfigView): number[] {
    const services = view.config(servicesBlock)?.services ?? [];
    return routedServices(alb.routes).flatMap((name) => services.filter((s) => s.name === name).map((s) => s.port));
}

/** The routes' rules at `platform:alb.routes…`: ELB's limits, services that exist and run plain (or the external target), one health check per service. */
function routesProblems(alb: AlbConfig, view: ConfigView): Problem[] {
    const at = (...path: Path): Path => ["alb", "routes", ...path];
    const services = view.config(servicesBlock);
    const blueGreen = services?.blueGreen?.service;
    const names = (services?.services ?? []).map((s) => s.name);
    const problems = nest(at(), routeProblems(alb.routes));
    alb.routes.forEach((route, i) => {
        if (route.target !== undefined || route.service === undefined) {
            problems.push(...targetRouteProblems(alb, route, at(i)));
        } else if (!services) {
            problems.push({ path: at(i, "service"), message: `${showValue(route.service)} names a service, and the stack has no platform:services; a route names a plain service of it, or the external target (target)` });
        } else if (route.service === blueGreen) {
            problems.push({
                path: at(i, "service"),
                message: `${showValue(route.service)} is the blue/green service (platform:blueGreen.service), which the default action forwards to by weight; a route names a plain service of platform:services`,
            });
        } else if (!names.includes(route.service)) {
            problems.push({ path: at(i, "service"), message: `${showValue(route.service)} is not one of platform:services (${names.map(showValue).join(", ")}); a route names a plain service` });
        }
    });
    const isPlain = (service: string) => service !== blueGreen && names.includes(service);
    const count = targetGroupCountProblem(blueGreen !== undefined, routedServices(alb.routes).filter(isPlain).length, alb.external !== undefined);
    if (count) {
        problems.push({ path: at(), message: count });
    }
    const stem = albNames(view.stack.naming, alb.targetGroupStem).targetGroups;
    const external = alb.external && EXTERNAL_TARGET_NAME.test(alb.external.name) ? externalTargetGroupName(view.stack.naming, alb.external.name) : undefined;
    const taken: Record<string, string> = {
        ...(blueGreen !== undefined ? { "blue target group": stem.blue, "green target group": stem.green } : {}),
        ...(external !== undefined ? { "external target group": external } : {}),
    };
    problems.push(...nest(at(), routeNameProblems(view.stack.naming, alb.routes, taken, "platform:name, platform:envName or the service's name", isPlain)));
    // One target group per service: its routes agree on its health check, and what AWS takes.
    const checks = new Map<string, { index: number; check: string }>();
    alb.routes.forEach((route, i) => {
        if (route.service === undefined || route.target !== undefined) {
            return;
        }
        const check = routeHealthCheck(alb, route);
        const first = checks.get(route.service);
        if (first === undefined) {
            checks.set(route.service, { index: i, check: JSON.stringify(check) });
            if (route.healthCheck !== undefined) {
                // Only what the route's own fields cause: the ALB's check reports its own.
                const inherited = new Set(healthCheckProblems(alb.healthCheck).map((p) => JSON.stringify(p)));
                problems.push(...nest(at(i, "healthCheck"), healthCheckProblems(check).filter((p) => !inherited.has(JSON.stringify(p)))));
            }
        } else if (first.check !== JSON.stringify(check)) {
            problems.push({
                path: at(i, "healthCheck"),
                message: `differs from that of routes[${first.index}], which forwards to ${showValue(route.service)} too; the routes of a service share its target group: give its health check once, on its first route`,
            });
        }
    });
    return problems;
}

/** A route that names the external target: only that (no service, no health check of its own), and a target that exists. */
function targetRouteProblems(alb: AlbConfig, route: AlbConfig["routes"][number], at: Path): Problem[] {
    if (route.service !== undefined) {
        return [{ path: at, message: "has both service and target; a route forwards to one plain service or to the external target" }];
    }
    if (route.target === undefined) {
        return [{ path: at, message: "has neither service nor target; a route forwards to a plain service of platform:services or to the external target (platform:alb.external.name)" }];
    }
    const problems: Problem[] = [];
    if (alb.external === undefined) {
        problems.push({ path: [...at, "target"], message: `${showValue(route.target)} names an external target, and there is none (platform:alb.external)` });
    } else if (route.target !== alb.external.name) {
        problems.push({ path: [...at, "target"], message: `${showValue(route.target)} is not the external target; platform:alb.external.name is ${showValue(alb.external.name)}` });
    }
    if (route.healthCheck !== undefined) {
        problems.push({ path: [...at, "healthCheck"], message: "is not allowed on a route to the external target: its target group's health check is platform:alb.external.healthCheck" });
    }
    return problems;
}

/** The external target's rules at `platform:alb.external…`: a name, free target group name, ports, its health check, traffic that reaches it, and a cluster with the controller that binds it. */
function externalProblems(alb: AlbConfig, view: ConfigView): Problem[] {
    const external = alb.external;
    if (!external) {
        return [];
    }
    const at = (...path: Path): Path => ["alb", "external", ...path];
    const problems: Problem[] = [];
    if (!view.config(eksBlock)) {
        problems.push({ path: at(), message: "needs platform:eks: its targets are pods, registered by a TargetGroupBinding in an EKS cluster" });
    } else if (!view.config(loadBalancerControllerBlock)) {
        problems.push({ path: at(), message: "needs platform:loadBalancerController: the AWS Load Balancer Controller reconciles the TargetGroupBinding that registers the pods in it; without it the target group stays empty and every request gets 503" });
    }
    if (!EXTERNAL_TARGET_NAME.test(external.name)) {
        problems.push({ path: at("name"), message: `${showValue(external.name)} is not a target name; use up to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen` });
    } else {
        const groupName = externalTargetGroupName(view.stack.naming, external.name);
        const problem = nameProblem("targetGroup", groupName);
        const blueGreen = view.config(servicesBlock)?.blueGreen !== undefined;
        const colours = albNames(view.stack.naming, alb.targetGroupStem).targetGroups;
        const clash = blueGreen ? (["blue", "green"] as const).find((colour) => colours[colour] === groupName) : undefined;
        if (problem) {
            problems.push({ path: at("name"), message: `${showValue(external.name)} makes the target group name ${showValue(groupName)} (${groupName.length} characters), which AWS refuses: ${problem}; shorten platform:name, platform:envName or the target's name` });
        } else if (clash) {
            problems.push({ path: at("name"), message: `${showValue(external.name)} makes the target group name ${showValue(groupName)}, which is also the ${clash} target group's; target group names are unique in a region` });
        }
    }
    for (const [path, port] of [
        [at("port"), external.port],
        [at("healthCheck", "port"), external.healthCheck.port],
    ] as const) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
            problems.push({ path, message: `${port} is not a port; use 1–65535` });
        }
    }
    // Only what the target's own fields cause: the ALB's check reports its own.
    const inherited = new Set(healthCheckProblems(alb.healthCheck).map((p) => JSON.stringify(p)));
    problems.push(...nest(at("healthCheck"), healthCheckProblems(externalHealthCheck(alb, external)).filter((p) => !inherited.has(JSON.stringify(p)))));
    const blueGreen = view.config(servicesBlock)?.blueGreen !== undefined;
    if (blueGreen && external.default === true) {
        problems.push({ path: at("default"), message: EXTERNAL_DEFAULT_BESIDE_BLUE_GREEN });
    }
    const routed = alb.routes.some((route) => route.service === undefined && route.target === external.name);
    if (!routed && (blueGreen ? external.default !== true : external.default === false)) {
        problems.push({ path: at(), message: externalUnreachable(blueGreen) });
    }
    return problems;
}

/** The id of the first subnet of each AZ, in order: an ALB takes one subnet per AZ. */
function firstPerAz(subnets: readonly VpcSubnet[]): pulumi.Output<string>[] {
    const byAz = new Map<string, VpcSubnet>();
    for (const subnet of subnets) {
        if (!byAz.has(subnet.az)) {
            byAz.set(subnet.az, subnet);
        }
    }
    return [...byAz.values()].map((s) => s.id);
}

/** The AZs of the private subnets: an internal ALB's (it needs two at least). */
function privateAzs(view: ConfigView): string[] {
    return [...new Set((view.config(networkBlock)?.subnets.private ?? []).map((s) => s.az))];
}

function albProblems(alb: AlbConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    if (!view.config(servicesBlock)?.blueGreen && alb.routes.length === 0 && !alb.external) {
        problems.push({
            path: ["alb"],
            message: view.config(eksBlock)
                ? "needs platform:blueGreen, routes or external: the ALB forwards to the blue and green target groups of one service, by its routes (platform:alb.routes) to plain services, or to pods in the cluster (platform:alb.external)"
                : "needs platform:blueGreen or routes: the ALB forwards to the blue and green target groups of one service, or by its routes (platform:alb.routes) to plain services",
        });
    }
    const names = albNames(view.stack.naming, alb.targetGroupStem);
    const blueGreen = view.config(servicesBlock)?.blueGreen !== undefined;
    for (const [what, kind, value] of [
        ["ALB", "loadBalancer", names.loadBalancer],
        ...(blueGreen
            ? ([
                  ["blue target group", "targetGroup", names.targetGroups.blue],
                  ["green target group", "targetGroup", names.targetGroups.green],
              ] as const)
            : []),
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
    if (alb.scheme === "internal") {
        // A public zone's record to a private address answers every client outside the VPC with
        // an address it cannot reach: refused rather than warned, since the names would also be
        // claimed for the account (stacks/claims.ts) and collide with the CDN's aliases later.
        if (alb.dns) {
            problems.push({ path: ["alb", "dns", "records"], message: INTERNAL_DNS_PROBLEM });
        }
        const azs = privateAzs(view);
        if (azs.length < 2) {
            problems.push({
                path: ["alb", "scheme"],
                message: `"internal" puts the ALB in the private subnets, which span ${azs.length === 0 ? "no AZ" : `only ${azs.map(showValue).join(", ")}`}; an ALB needs subnets in at least two AZs: add a private subnet in another AZ (platform:network.subnets.private), or use "internet-facing"`,
            });
        }
    } else if (alb.dns) {
        const hostedZone = alb.dns.hostedZone ?? ("hostedZone" in certificate ? certificate.hostedZone : undefined);
        if (hostedZone === undefined) {
            problems.push({ path: ["alb", "dns", "hostedZone"], message: "is required: the certificate is given by ARN, so there is no certificate.hostedZone to use" });
        } else {
            problems.push(...nest(["alb", "dns"], aliasProblems({ hostedZone, records: alb.dns.records }, certificate)));
        }
    }
    // Path, matcher, AWS's ranges, a timeout below the interval: what the target groups are given.
    problems.push(...nest(["alb", "healthCheck"], healthCheckProblems(alb.healthCheck)));
    problems.push(...routesProblems(alb, view));
    problems.push(...externalProblems(alb, view));
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
    // Services only for blue/green and routes to services (the rules say so): system C has none.
    requires: [networkBlock],
    schema: () => singleKey("alb", AlbSchema.describe("The ALB in front of the blue/green service and the routed services.")),
    thresholds: ALB_THRESHOLDS,

    rules: (alb, view) => albProblems(alb, view),
    claims: (alb) => (alb.dns?.records ?? []).map((record, i) => ({ path: ["alb", "dns", "records", i], what: "DNS record", value: record })),

    securityGroups: (alb, view) => {
        const service = targetService(view);
        const internal = alb.scheme === "internal";
        // One flow per port (a routed service may listen where the blue/green one does).
        const ports = uniquePorts([...(service ? [service.port] : []), ...routedPorts(alb, view)]);
        return {
            groups: [
                internal
                    ? { name: ALB_ORIGIN.group, description: "Internal ALB: 443 in only from what other blocks declare (a CDN VPC origin), out only to the services" }
                    : { name: ALB_ORIGIN.group, description: "Internet-facing ALB: 80/443 in from anywhere, out only to the services" },
            ],
            flows: [
                // Internal: nothing from the internet; what fronts it declares its own flow (albOriginFlow).
                ...(internal ? [] : [80, 443].map((port) => ({ from: { cidr: INTERNET }, to: { group: ALB_ORIGIN.group }, port, why: "clients to the ALB" }))),
                ...ports.map((port) => ({ from: { group: ALB_ORIGIN.group }, to: { group: "ecs" }, port, why: "ALB to its target services" })),
                // Pods have VPC addresses behind their node's groups: eks-nodes, declared by the EKS block.
                ...(view.config(eksBlock) !== undefined && alb.external
                    ? externalPorts(alb).map((port) => ({
                          from: { group: ALB_ORIGIN.group },
                          to: { group: EKS_NODES_GROUP },
                          port,
                          why: port === alb.external!.port ? "ALB to the external target's pods" : "ALB health checks of the external target's pods",
                      }))
                    : []),
            ],
        };
    },

    build(alb: AlbConfig, ctx: BuildContext): BlueGreenAlb {
        const services = ctx.config(servicesBlock);
        const service = targetService(ctx);
        const weights = services?.blueGreen?.weights;
        if ((!service || !weights) && alb.routes.length === 0 && !alb.external) {
            throw new Error("the ALB has neither a blue/green service, routes nor an external target to forward to (the config rules refuse that)");
        }
        const vpc = ctx.need(networkBlock);
        const internal = alb.scheme === "internal";
        if (internal && !ctx.security.flows.some((flow) => "group" in flow.to && flow.to.group === ALB_ORIGIN.group)) {
            // Said, not refused: system B builds its internal ALB before the CDN that fronts it.
            pulumi.log.warn(
                'platform:alb.scheme: "internal", and no block opens the ALB\'s security group yet: nothing can reach it until what fronts it (a CDN VPC origin) declares its flow (albOriginFlow)',
            );
        }
        const { certificate } = alb;
        const routes: RouteArgs[] = alb.routes.map((route) => {
            const match = { ...(route.paths ? { paths: route.paths } : {}), ...(route.hosts ? { hosts: route.hosts } : {}), priority: route.priority };
            if (route.service === undefined) {
                return { target: route.target!, ...match };
            }
            return { service: route.service, port: services!.services.find((s) => s.name === route.service)!.port, ...match, healthCheck: routeHealthCheck(alb, route) };
        });
        const external = externalArgs(alb);
        const balancer = new BlueGreenAlb("alb", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            ...(service && weights ? { service: service.name, targetPort: service.port, weights } : {}),
            vpcId: vpc.vpcId,
            scheme: alb.scheme,
            // Internal: the first private subnet of each AZ (an ALB takes one subnet per AZ).
            subnetIds: internal ? firstPerAz(vpc.subnets.filter((s) => s.tier === "private")) : vpc.publicSubnetIds,
            securityGroupIds: [ctx.securityGroupId(ALB_ORIGIN.group)],
            certificate,
            tlsPolicy: alb.tlsPolicy,
            targetGroupStem: alb.targetGroupStem,
            healthCheck: alb.healthCheck,
            ...(routes.length > 0 ? { routes } : {}),
            ...(external ? { external } : {}),
            deregistrationDelaySeconds: alb.deregistrationDelaySeconds,
            idleTimeoutSeconds: alb.idleTimeoutSeconds,
            desyncMitigationMode: alb.desyncMitigationMode,
            deletionProtection: alb.deletionProtection,
            hsts: alb.hsts,
            accessLogs: alb.accessLogs,
            dns: alb.dns && { hostedZone: alb.dns.hostedZone ?? ("hostedZone" in certificate ? certificate.hostedZone : ""), records: alb.dns.records },
        });
        if (service && balancer.targetGroupArns && balancer.targetGroupArnSuffixes) {
            ctx.publish(SERVICE_TARGETS, {
                kind: "blueGreen",
                service: service.name,
                targetGroups: {
                    blue: { arn: balancer.targetGroupArns.blue, arnSuffix: balancer.targetGroupArnSuffixes.blue },
                    green: { arn: balancer.targetGroupArns.green, arnSuffix: balancer.targetGroupArnSuffixes.green },
                },
                loadBalancerArnSuffix: balancer.arnSuffix,
                dependsOn: balancer,
            });
        }
        for (const [name, group] of Object.entries(balancer.routeTargetGroups)) {
            ctx.publish(SERVICE_TARGETS, {
                kind: "plain",
                service: name,
                targetGroup: { arn: group.arn, arnSuffix: group.arnSuffix },
                loadBalancerArnSuffix: balancer.arnSuffix,
                dependsOn: balancer,
            });
        }
        const group = balancer.externalTargetGroup;
        if (group) {
            ctx.publish(EXTERNAL_TARGETS, { name: group.target, targetGroupArn: group.arn, port: group.port, healthCheckPort: group.healthCheckPort });
        }
        return balancer;
    },

    outputs: (balancer) => ({
        albDnsName: balancer.dnsName,
        // The certificate covers the alias records, not the ALB's own name.
        albUrl: balancer.aliases.length > 0 ? `https://${balancer.aliases[0]}` : balancer.dnsName.apply((name) => `https://${name}`),
        albAliases: balancer.aliases,
        ...(balancer.targetGroupNames ? { targetGroups: balancer.targetGroupNames, canaryWeights: balancer.weights } : {}),
        ...(Object.keys(balancer.routeTargetGroups).length > 0
            ? { routeTargetGroups: Object.fromEntries(Object.entries(balancer.routeTargetGroups).map(([service, group]) => [service, group.name])) }
            : {}),
        ...(balancer.scheme === "internal" ? { albScheme: balancer.scheme } : {}),
        ...(balancer.externalTargetGroup ? { externalTargetGroups: { [balancer.externalTargetGroup.target]: balancer.externalTargetGroup.name } } : {}),
    }),

    alarms: (balancer, _alb, thresholds) => {
        const suffixes = balancer.targetGroupArnSuffixes;
        return {
            rank: 20,
            title: "ALB",
            specs: [
                ...albAlarms(balancer.arnSuffix, thresholds),
                ...(suffixes ? COLOURS.flatMap((colour) => albColourAlarms(balancer.arnSuffix, colour, suffixes[colour], thresholds)) : []),
                ...(balancer.externalTargetGroup ? [albExternalAlarm(balancer.arnSuffix, balancer.externalTargetGroup.target, balancer.externalTargetGroup.arnSuffix)] : []),
            ],
        };
    },
});
