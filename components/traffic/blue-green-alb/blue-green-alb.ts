/**
 * BlueGreenAlb — the Application Load Balancer in front of the platform's services
 * (`<prefix>-alb-<env>`): internet-facing in the public subnets, or internal in the private ones.
 *
 * - HTTPS 443 with TLS 1.3/1.2 only and HSTS; internet-facing, HTTP 80 answers 301 to HTTPS
 *   (internal has no port 80: what fronts it, a CDN's VPC origin, speaks HTTPS only);
 * - the certificate is an existing ACM ARN, or a DNS-validated one for `*.<domain>` (and the apex)
 *   issued here in a Route 53 zone;
 * - blue/green: two `ip` target groups, blue (`<prefix>-gateway-<env>`) and green, health-checked;
 *   the HTTPS default action forwards to both with the configured weights. Weights reach nothing
 *   but that action: a canary step or a rollback updates the listener and nothing else;
 * - routes: a listener rule per route (paths and/or hosts, by priority) forwarding to the `ip`
 *   target group of its plain service, or to the external target;
 * - an external target: one `ip` target group (`<prefix>-<name>-<env>`) for pods outside this
 *   program's services (the mesh's ingress gateway), health-checked on a port of its own; what
 *   registers them is a Kubernetes TargetGroupBinding. Without blue/green the default action
 *   forwards to it (unless told not to), else it takes the routes that name it;
 * - with neither blue/green nor a default external target, the default action answers 404;
 * - invalid header fields dropped, desync mitigation, deletion protection (required in prod);
 * - access logs to an S3 bucket (encrypted, public access blocked, TLS-only, ELB delivery only,
 *   expiring) when enabled.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COLOURS, Colour, Weights, weightProblems } from "./blue-green";
import { policyDocument } from "../../../lib/iam";
import { DNS_NAME, Naming, nameProblem } from "../../../lib/naming";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem, nest, showValue } from "../../../lib/problems";
import { ZONE_ID, dnsValidatedCertificate, publicZoneId } from "../../../lib/dns";
import { Tags } from "../../../lib/tags";
import { RouteArgs, ServiceRouteArgs, isServiceRoute, routeNameProblems, routeProblems, routeTargetGroupName, routedServices, targetGroupCountProblem } from "./routes";

/**
 * TLS policies accepted: TLS 1.3 with TLS 1.2 at least, from ELBSecurityPolicy-TLS13-1-2-2021-06
 * on (security baseline). The "Ext" policies re-admit legacy ciphers and are left out; the default, a "Res"
 * policy, admits AEAD (GCM) ciphers only.
 */
export const TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
] as const;
export type TlsPolicy = (typeof TLS_POLICIES)[number];
/** AWS's recommendation for new HTTPS listeners. */
export const DEFAULT_TLS_POLICY: TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

export const DESYNC_MODES = ["defensive", "strictest"] as const;
export type DesyncMode = (typeof DESYNC_MODES)[number];

/** An existing certificate, or one to issue for `*.<domain>` validated in a Route 53 zone. */
export type CertificateArgs =
    | { arn: string }
    | {
          domain: string;
          /** Public hosted zone of `domain`: its id (`Z…`), or its name to look it up. */
          hostedZone: string;
      };

export interface TargetHealthCheckArgs {
    /** @default "/health" */
    path?: string;
    /** HTTP codes that count as healthy: `"200"`, `"200,202"` or `"200-299"`, codes 200–499. @default "200" */
    matcher?: string;
    /** @default 15 */
    intervalSeconds?: number;
    /** @default 5 */
    timeoutSeconds?: number;
    /** @default 2 */
    healthyThreshold?: number;
    /** @default 3 */
    unhealthyThreshold?: number;
}

export interface AccessLogsArgs {
    enabled: boolean;
    /** Days before a log object expires. @default 90 */
    expirationDays?: number;
}

/** The external target's health check: on a port of its own, the rest as any target group's. */
export interface ExternalHealthCheckArgs extends TargetHealthCheckArgs {
    /** The port the ALB checks (the Istio gateway's status port). */
    port: number;
    /** Path checked. */
    path: string;
}

/**
 * A target group for pods outside this program's services, `ip` targets that a Kubernetes
 * TargetGroupBinding (the AWS Load Balancer Controller) registers, e.g. the Istio ingress gateway.
 */
export interface ExternalTargetArgs {
    /**
     * Its name: what routes name (`target`), the target group's `<prefix>-<name>-<env>`, and the
     * name the binding block finds it by. Lowercase letters, digits and hyphens.
     */
    name: string;
    /** The port the pods serve on: the target group's port. */
    port: number;
    /** Its health check; fields not given come from `healthCheck` (the ALB's). */
    healthCheck: ExternalHealthCheckArgs;
    /**
     * Whether the HTTPS default action forwards to it. Not with blue/green (whose weighted forward
     * is the default); false leaves it the routes that name it. @default true without blue/green
     */
    default?: boolean;
}

/** Internet-facing in the public subnets, or internal in the private ones. */
export const ALB_SCHEMES = ["internet-facing", "internal"] as const;
export type AlbScheme = (typeof ALB_SCHEMES)[number];

export interface BlueGreenAlbArgs extends ComponentBaseArgs {
    /**
     * The blue/green service behind the ALB (the `Service` tag of its children); with `targetPort`
     * and `weights`. Without them the ALB serves its routes only. @default none
     */
    service?: string;
    /**
     * The target groups' name stem: blue `<prefix>-<stem>-<env>`, green `<prefix>-<stem>-green-<env>`
     * (AWS allows 32 characters). @default "gateway" (the seed's)
     */
    targetGroupStem?: string;
    vpcId: pulumi.Input<string>;
    /** @default "internet-facing" */
    scheme?: AlbScheme;
    /** Public subnets (internal: private ones), one per AZ, in at least two AZs. */
    subnetIds: pulumi.Input<string>[];
    securityGroupIds: pulumi.Input<string>[];
    /** Container port of the blue/green service: the blue and green target groups' port. */
    targetPort?: number;
    certificate: CertificateArgs;
    /** @default "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" */
    tlsPolicy?: TlsPolicy;
    /** Blue/green's traffic split; whole percentages adding up to 100. @default no blue/green */
    weights?: Weights;
    /**
     * Listener rules on the HTTPS listener, each forwarding to its plain service's own target
     * group (one per service) or to the external target. Without blue/green or a default external
     * target the default action answers 404. @default none
     */
    routes?: readonly RouteArgs[];
    /** A target group for pods a Kubernetes block binds (the mesh's ingress gateway). @default none */
    external?: ExternalTargetArgs;
    /** The target groups' health check (a route's own replaces it for its service). */
    healthCheck?: TargetHealthCheckArgs;
    /** Seconds a deregistering target keeps its connections (keeps a rollback within 30 s). @default 30 */
    deregistrationDelaySeconds?: number;
    /** @default 60 */
    idleTimeoutSeconds?: number;
    /** @default "defensive" */
    desyncMitigationMode?: DesyncMode;
    /** Refuse deletion of the ALB. @default true */
    deletionProtection?: boolean;
    /** Send `Strict-Transport-Security` on HTTPS responses. @default true */
    hsts?: boolean;
    /** @default { enabled: true, expirationDays: 90 } */
    accessLogs?: AccessLogsArgs;
    /** Route 53 alias records (A) pointing at the ALB. @default none */
    dns?: AliasRecordsArgs;
}

export interface AliasRecordsArgs {
    /** Public hosted zone: its id (`Z…`), or its name to look it up. */
    hostedZone: string;
    /** Fully qualified names inside the zone, e.g. `api.goormpopcorn.shop`; the certificate must cover them. */
    records: readonly string[];
}

/**
 * What AWS accepts in an HTTP/HTTPS target group's health check (Elastic Load Balancing API
 * reference, CreateTargetGroup and ModifyTargetGroup: HealthCheckIntervalSeconds 5–300,
 * HealthCheckTimeoutSeconds 2–120, HealthyThresholdCount and UnhealthyThresholdCount 2–10; the
 * Matcher data type: for an Application Load Balancer, HttpCode takes codes 200–499 as one code
 * ("200"), several ("200,202") or a range ("200-299")).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyTargetGroup.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html
 */
export const HEALTH_CHECK_LIMITS = {
    intervalSeconds: { min: 5, max: 300 },
    timeoutSeconds: { min: 2, max: 120 },
    healthyThreshold: { min: 2, max: 10 },
    unhealthyThreshold: { min: 2, max: 10 },
} as const;
export const MATCHER_CODES = { min: 200, max: 499 } as const;
const MATCHER_FORMS = `an ALB takes HTTP codes ${MATCHER_CODES.min}–${MATCHER_CODES.max} as one code ("200"), a comma list ("200,202") or a range ("200-299")`;
const MATCHER_LIST = /^\d{3}(?:,\d{3})*$/;
const MATCHER_RANGE = /^(\d{3})-(\d{3})$/;

/** Why an ALB target group would refuse `matcher` as its health check's HTTP codes, or undefined. */
export function matcherProblem(matcher: string): string | undefined {
    const quoted = JSON.stringify(matcher);
    const range = MATCHER_RANGE.exec(matcher);
    const codes = range ? [range[1], range[2]] : MATCHER_LIST.test(matcher) ? matcher.split(",") : undefined;
    if (!codes) {
        return `${quoted} is not an HTTP code matcher; ${MATCHER_FORMS}`;
    }
    const outside = codes.map(Number).find((code) => code < MATCHER_CODES.min || code > MATCHER_CODES.max);
    if (outside !== undefined) {
        return `${quoted} has ${outside}, outside ${MATCHER_CODES.min}–${MATCHER_CODES.max}; ${MATCHER_FORMS}`;
    }
    if (range && Number(range[1]) > Number(range[2])) {
        return `${quoted} runs from ${range[1]} down to ${range[2]}; write the lower code first, e.g. "200-299"`;
    }
    return undefined;
}

/** The health check's rules, with the defaults the target groups apply. */
export function healthCheckProblems(check: TargetHealthCheckArgs): Problem[] {
    const problems: Problem[] = [];
    const path = check.path ?? "/health";
    if (!path.startsWith("/")) {
        problems.push({ path: ["path"], message: `${showValue(path)} is not a path; it starts with /` });
    }
    const matcher = matcherProblem(check.matcher ?? "200");
    if (matcher) {
        problems.push({ path: ["matcher"], message: matcher });
    }
    for (const [key, { min, max }] of Object.entries(HEALTH_CHECK_LIMITS)) {
        const value = check[key as keyof typeof HEALTH_CHECK_LIMITS];
        if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
            problems.push({ path: [key], message: `${value} is outside ${min}–${max}, the range AWS accepts` });
        }
    }
    const interval = check.intervalSeconds ?? 15;
    const timeout = check.timeoutSeconds ?? 5;
    if (timeout >= interval) {
        problems.push({ path: ["timeoutSeconds"], message: `${timeout} must be shorter than intervalSeconds (${interval})` });
    }
    return problems;
}

const HSTS = "max-age=31536000; includeSubDomains";

/** A routed service's target group, as the services block registers its tasks in it. */
export interface RouteTargetGroup {
    readonly name: string;
    readonly arn: pulumi.Output<string>;
    /** `targetgroup/<name>/<id>`: its CloudWatch dimension. */
    readonly arnSuffix: pulumi.Output<string>;
}

/** The external target group, as the block binding its pods finds it. */
export interface ExternalTargetGroup extends RouteTargetGroup {
    /** Its name in `external.name` and in the routes. */
    readonly target: string;
    readonly port: number;
    readonly healthCheckPort: number;
}

/** What the HTTPS listener answers when no route matches and no blue/green service takes it. */
export const NOT_FOUND_ACTION = { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" } } as const;

export class BlueGreenAlb extends PlatformComponent {
    public readonly loadBalancerArn: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    public readonly scheme: AlbScheme;
    /** Blue's and green's target groups; undefined without blue/green. */
    public readonly targetGroupArns: Readonly<Record<Colour, pulumi.Output<string>>> | undefined;
    public readonly targetGroupNames: Readonly<Record<Colour, string>> | undefined;
    public readonly httpsListenerArn: pulumi.Output<string>;
    public readonly certificateArn: pulumi.Output<string>;
    /** Access-log bucket; undefined when access logs are off. */
    public readonly accessLogBucket: pulumi.Output<string> | undefined;
    /** `app/<name>/<id>`: the ALB's CloudWatch dimension. */
    public readonly arnSuffix: pulumi.Output<string>;
    /** `targetgroup/<name>/<id>` of each colour: the target groups' CloudWatch dimension; undefined without blue/green. */
    public readonly targetGroupArnSuffixes: Readonly<Record<Colour, pulumi.Output<string>>> | undefined;
    /** The target group of each routed service, by service. */
    public readonly routeTargetGroups: Readonly<Record<string, RouteTargetGroup>>;
    /** The external target group; undefined without `external`. */
    public readonly externalTargetGroup: ExternalTargetGroup | undefined;
    /** The alias records' names (empty without `dns`). */
    public readonly aliases: readonly string[];
    /** The traffic split the HTTPS listener applies; undefined without blue/green. */
    public readonly weights: Weights | undefined;

    constructor(name: string, args: BlueGreenAlbArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:traffic:BlueGreenAlb", name, { ...args, component: "blue-green-alb", service: args.service, problems: blueGreenAlbProblems(args) }, opts);
        this.albName = name;
        const names = albNames(args.naming, args.targetGroupStem);
        const tagsFor = (resourceName: string) => this.tagsFor(resourceName);
        const logs = { enabled: args.accessLogs?.enabled ?? true, expirationDays: args.accessLogs?.expirationDays ?? 90 };
        const bucket = logs.enabled ? this.accessLogBucketFor(name, args.naming, logs.expirationDays, tagsFor) : undefined;
        const scheme = args.scheme ?? "internet-facing";

        const alb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                name: names.loadBalancer,
                loadBalancerType: "application",
                internal: scheme === "internal",
                subnets: args.subnetIds,
                securityGroups: args.securityGroupIds,
                ipAddressType: "ipv4",
                dropInvalidHeaderFields: true,
                desyncMitigationMode: args.desyncMitigationMode ?? "defensive",
                enableDeletionProtection: args.deletionProtection ?? true,
                idleTimeout: args.idleTimeoutSeconds ?? 60,
                ...(bucket ? { accessLogs: { bucket: bucket.id, prefix: "alb", enabled: true } } : {}),
                tags: tagsFor(names.loadBalancer),
            },
            // ELB checks that it may write to the bucket when access logs are switched on.
            { parent: this, dependsOn: bucket ? [bucket.policy] : [] },
        );

        // Blue/green: the service, its port and the weights come together (the problems say so).
        const blueGreen = args.weights !== undefined && args.targetPort !== undefined ? { weights: args.weights, port: args.targetPort } : undefined;
        const targetGroups = blueGreen && (Object.fromEntries(COLOURS.map((colour) => [colour, this.targetGroup(name, colour, names.targetGroups[colour], blueGreen.port, args, tagsFor)])) as Record<Colour, aws.lb.TargetGroup>);
        const certificateArn = this.certificate(name, args, tagsFor);
        const external = args.external;
        const externalGroup = external && this.externalTargetGroupFor(name, external, args, tagsFor);
        const externalDefault = external !== undefined && !blueGreen && (external.default ?? true);

        // Internal: 443 only. What fronts it (a CDN's VPC origin) speaks HTTPS, and nothing on the
        // internet reaches it to be redirected.
        if (scheme === "internet-facing") {
            new aws.lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: alb.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                    tags: tagsFor(`${names.loadBalancer}-http`),
                },
                { parent: this },
            );
        }
        const https = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: args.tlsPolicy ?? DEFAULT_TLS_POLICY,
                certificateArn,
                defaultActions: [
                    blueGreen && targetGroups
                        ? {
                              type: "forward",
                              forward: {
                                  targetGroups: COLOURS.map((colour) => ({ arn: targetGroups[colour].arn, weight: blueGreen.weights[colour] })),
                                  // No stickiness: a weight change moves new requests at once.
                                  stickiness: { enabled: false, duration: 1 },
                              },
                          }
                        : externalGroup && externalDefault
                          ? { type: "forward", targetGroupArn: externalGroup.arn }
                          : NOT_FOUND_ACTION,
                ],
                ...((args.hsts ?? true) ? { routingHttpResponseStrictTransportSecurityHeaderValue: HSTS } : {}),
                tags: tagsFor(`${names.loadBalancer}-https`),
            },
            { parent: this },
        );
        const routes = args.routes ?? [];
        const routeGroups = this.routeTargetGroupsFor(name, routes, args);
        this.listenerRules(name, routes, https, routeGroups, externalGroup, names.loadBalancer);

        this.loadBalancerArn = alb.arn;
        this.dnsName = alb.dnsName;
        this.zoneId = alb.zoneId;
        this.scheme = scheme;
        this.targetGroupArns = targetGroups && { blue: targetGroups.blue.arn, green: targetGroups.green.arn };
        this.targetGroupNames = targetGroups && names.targetGroups;
        this.httpsListenerArn = https.arn;
        this.certificateArn = certificateArn;
        this.accessLogBucket = bucket?.id;
        this.arnSuffix = alb.arnSuffix;
        this.targetGroupArnSuffixes = targetGroups && { blue: targetGroups.blue.arnSuffix, green: targetGroups.green.arnSuffix };
        this.routeTargetGroups = Object.fromEntries(Object.entries(routeGroups).map(([service, group]) => [service, { name: routeTargetGroupName(args.naming, service), arn: group.arn, arnSuffix: group.arnSuffix }]));
        this.externalTargetGroup =
            external && externalGroup
                ? { target: external.name, name: externalTargetGroupName(args.naming, external.name), arn: externalGroup.arn, arnSuffix: externalGroup.arnSuffix, port: external.port, healthCheckPort: external.healthCheck.port }
                : undefined;
        this.aliases = args.dns ? this.aliasRecords(name, args.dns, alb) : [];
        this.weights = blueGreen?.weights;
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            dnsName: this.dnsName,
            targetGroupArns: this.targetGroupArns,
            httpsListenerArn: this.httpsListenerArn,
            accessLogBucket: this.accessLogBucket,
            arnSuffix: this.arnSuffix,
            aliases: this.aliases,
        });
    }

    /** One `ip` target group per routed service, `<name>-target-<service>`, health-checked as its first route says. */
    private routeTargetGroupsFor(name: string, routes: readonly RouteArgs[], args: BlueGreenAlbArgs): Record<string, aws.lb.TargetGroup> {
        const serviceRoutes = routes.filter(isServiceRoute);
        return Object.fromEntries(
            routedServices(serviceRoutes).map((service) => {
                const route = serviceRoutes.find((r) => r.service === service)!;
                const groupName = routeTargetGroupName(args.naming, service);
                const group = this.targetGroup(`${name}-target`, service, groupName, route.port, { ...args, healthCheck: route.healthCheck ?? args.healthCheck }, (n) => ({ ...this.tagsFor(n), Service: service }), false);
                return [service, group];
            }),
        );
    }

    /**
     * The external target's `ip` target group `<name>-external-<target>`, `<prefix>-<target>-<env>`:
     * HTTP on its port, health-checked on its own port and path (the rest from the ALB's check).
     */
    private externalTargetGroupFor(name: string, external: ExternalTargetArgs, args: BlueGreenAlbArgs, tagsFor: (n: string) => Tags): aws.lb.TargetGroup {
        const groupName = externalTargetGroupName(args.naming, external.name);
        const { port: healthCheckPort, ...check } = external.healthCheck;
        return this.targetGroup(`${name}-external`, external.name, groupName, external.port, { ...args, healthCheck: { ...args.healthCheck, ...check } }, tagsFor, false, healthCheckPort);
    }

    /** A rule per route on the HTTPS listener, `<name>-route-<priority>`: its conditions, forwarding to its service's group or the external one. */
    private listenerRules(
        name: string,
        routes: readonly RouteArgs[],
        https: aws.lb.Listener,
        groups: Record<string, aws.lb.TargetGroup>,
        external: aws.lb.TargetGroup | undefined,
        loadBalancerName: string,
    ): void {
        for (const route of routes) {
            // Paths and hosts are two conditions of one rule: a request matches both (one value of each).
            const conditions = [...(route.paths ? [{ pathPattern: { values: [...route.paths] } }] : []), ...(route.hosts ? [{ hostHeader: { values: [...route.hosts] } }] : [])];
            new aws.lb.ListenerRule(
                `${name}-route-${route.priority}`,
                {
                    listenerArn: https.arn,
                    priority: route.priority,
                    conditions,
                    actions: [{ type: "forward", targetGroupArn: isServiceRoute(route) ? groups[route.service].arn : external!.arn }],
                    tags: isServiceRoute(route) ? { ...this.tagsFor(`${loadBalancerName}-route-${route.priority}`), Service: route.service } : this.tagsFor(`${loadBalancerName}-route-${route.priority}`),
                },
                { parent: this },
            );
        }
    }

    private readonly zoneIds = new Map<string, pulumi.Output<string>>();
    private albName = "";

    /** The Route 53 zone id of `hostedZone` (an id as given, or a public zone looked up by name, once). */
    private zoneIdOf(hostedZone: string): pulumi.Output<string> {
        return publicZoneId(this, `BlueGreenAlb "${this.albName}"`, hostedZone, this.zoneIds);
    }

    /** An A alias per name to the ALB (evaluating target health, which matters once a name has failover records). */
    private aliasRecords(name: string, dns: AliasRecordsArgs, alb: aws.lb.LoadBalancer): string[] {
        const zoneId = this.zoneIdOf(dns.hostedZone);
        dns.records.forEach((record, i) => {
            new aws.route53.Record(
                `${name}-alias-${i}`,
                { zoneId, name: record, type: "A", aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }] },
                { parent: this },
            );
        });
        return [...dns.records];
    }

    /**
     * An `ip` target group `<name>-<key>` on `port`: a colour's (tagged `Colour`), or a routed
     * service's or the external target's (`colour` false), health-checked on the traffic port
     * unless `healthCheckPort` is given.
     */
    private targetGroup(name: string, key: string, groupName: string, port: number, args: BlueGreenAlbArgs, tagsFor: (n: string) => Tags, colour = true, healthCheckPort?: number): aws.lb.TargetGroup {
        const check = args.healthCheck ?? {};
        return new aws.lb.TargetGroup(
            `${name}-${key}`,
            {
                name: groupName,
                vpcId: args.vpcId,
                targetType: "ip",
                protocol: "HTTP",
                port,
                deregistrationDelay: args.deregistrationDelaySeconds ?? 30,
                healthCheck: {
                    enabled: true,
                    protocol: "HTTP",
                    port: healthCheckPort === undefined ? "traffic-port" : String(healthCheckPort),
                    path: check.path ?? "/health",
                    matcher: check.matcher ?? "200",
                    interval: check.intervalSeconds ?? 15,
                    timeout: check.timeoutSeconds ?? 5,
                    healthyThreshold: check.healthyThreshold ?? 2,
                    unhealthyThreshold: check.unhealthyThreshold ?? 3,
                },
                tags: colour ? { ...tagsFor(groupName), Colour: key } : tagsFor(groupName),
            },
            { parent: this },
        );
    }

    /** The given ARN, or a DNS-validated certificate for `*.<domain>` and `<domain>`. */
    private certificate(name: string, args: BlueGreenAlbArgs, tagsFor: (n: string) => Tags): pulumi.Output<string> {
        const certificate = args.certificate;
        if ("arn" in certificate) {
            return pulumi.output(certificate.arn);
        }
        return dnsValidatedCertificate(this, name, { domain: certificate.domain, zoneId: this.zoneIdOf(certificate.hostedZone), tags: tagsFor(args.naming.scoped("nameTag", "certificate")) });
    }

    /** Encrypted, private, TLS-only, writable only by ELB log delivery, expiring. */
    private accessLogBucketFor(name: string, naming: Naming, expirationDays: number, tagsFor: (n: string) => Tags) {
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const elbAccount = aws.elb.getServiceAccountOutput({}, { parent: this }).arn;
        // Bucket names are global: the account id keeps two accounts' stacks apart.
        const bucketName = account.apply((id) => `${naming.scoped("nameTag", "alb-logs")}-${id}`);
        const bucket = new aws.s3.Bucket(`${name}-access-logs`, { bucket: bucketName, forceDestroy: false, tags: tagsFor(naming.scoped("nameTag", "alb-logs")) }, { parent: this });
        new aws.s3.BucketOwnershipControls(`${name}-access-logs-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-access-logs-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-access-logs-encryption`,
            // ALB access logs support SSE-S3 only, not SSE-KMS.
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-access-logs-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days: expirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this },
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-access-logs-policy`,
            {
                bucket: bucket.id,
                policy: pulumi.jsonStringify(
                    policyDocument([
                        {
                            Sid: "ElbLogDelivery",
                            Effect: "Allow",
                            // The region's ELB account (older regions) and the log-delivery service (newer ones).
                            Principal: { AWS: elbAccount, Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                            Action: "s3:PutObject",
                            Resource: pulumi.interpolate`${bucket.arn}/alb/AWSLogs/${account}/*`,
                        },
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": false } },
                        },
                    ]),
                ),
            },
            // S3 refuses a policy while the public access block is being applied.
            { parent: this, dependsOn: [publicAccess] },
        );
        return { id: bucket.id, policy };
    }
}

/** The seed's stem of the target group names. */
export const TARGET_GROUP_STEM = "gateway";

/**
 * The seed's names: `<prefix>-alb-<env>`, blue `<prefix>-gateway-<env>`, green
 * `<prefix>-gateway-green-<env>` (another stem for a longer env name). Unchecked; `nameProblem`
 * tells whether AWS accepts them.
 */
export function albNames(naming: Naming, stem: string = TARGET_GROUP_STEM): { loadBalancer: string; targetGroups: Record<Colour, string> } {
    return {
        loadBalancer: naming.format("suffixed", "alb"),
        targetGroups: { blue: naming.format("suffixed", stem), green: naming.format("suffixed", stem, "green") },
    };
}

/**
 * The external target group's name: `<prefix>-<name>-<env>` (`point-eks-gateway-prod`).
 * Unchecked: `nameProblem("targetGroup", …)` tells whether AWS takes it (32 characters at most).
 */
export function externalTargetGroupName(naming: Naming, target: string): string {
    return naming.format("suffixed", target);
}

/** What an external target's name may be: a target group name's part and a Kubernetes object's name (DNS label). */
export const EXTERNAL_TARGET_NAME = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Every rule the arguments must satisfy. */
export function blueGreenAlbProblems(args: BlueGreenAlbArgs): Problem[] {
    const blueGreen = args.weights !== undefined || args.targetPort !== undefined;
    const routes = args.routes ?? [];
    const problems: Problem[] = [];
    if (blueGreen) {
        const missing = (["service", "targetPort", "weights"] as const).filter((key) => args[key] === undefined);
        if (missing.length > 0) {
            problems.push({ path: [missing[0]], message: "is missing: blue/green takes service, targetPort and weights together" });
        }
        problems.push(...nest(["weights"], args.weights ? weightProblems(args.weights) : []));
    } else if (routes.length === 0 && args.external === undefined) {
        problems.push({ path: ["routes"], message: "is empty, and there is no blue/green (service, targetPort, weights): the ALB has nothing to forward to" });
    }
    const { loadBalancer, targetGroups } = albNames(args.naming, args.targetGroupStem);
    const lbProblem = nameProblem("loadBalancer", loadBalancer);
    if (lbProblem) {
        problems.push({ path: ["name"], message: lbProblem });
    }
    if (blueGreen) {
        for (const colour of COLOURS) {
            const tgProblem = nameProblem("targetGroup", targetGroups[colour]);
            if (tgProblem) {
                problems.push({ path: ["targetGroups", colour], message: tgProblem });
            }
        }
    }
    for (const [path, port] of [
        [["targetPort"], args.targetPort],
        ...routes.map((r, i) => [["routes", i, "port"], isServiceRoute(r) ? r.port : undefined] as const),
        [["external", "port"], args.external?.port],
        [["external", "healthCheck", "port"], args.external?.healthCheck.port],
    ] as const) {
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
            problems.push({ path, message: `${port} is not a port; use 1–65535` });
        }
    }
    if (args.tlsPolicy !== undefined && !(TLS_POLICIES as readonly string[]).includes(args.tlsPolicy)) {
        problems.push({ path: ["tlsPolicy"], message: `${showValue(args.tlsPolicy)} is not allowed; use ELBSecurityPolicy-TLS13-1-2-2021-06 or newer: ${TLS_POLICIES.join(", ")}` });
    }
    const delay = args.deregistrationDelaySeconds;
    if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 3600)) {
        problems.push({ path: ["deregistrationDelaySeconds"], message: `${delay} is outside 0–3600 seconds` });
    }
    problems.push(...nest(["healthCheck"], healthCheckProblems(args.healthCheck ?? {})));
    problems.push(...nest(["routes"], routeArgumentProblems(args, blueGreen)));
    problems.push(...nest(["external"], externalArgumentProblems(args, blueGreen)));
    if (args.scheme === "internal" && args.dns) {
        problems.push({ path: ["dns"], message: INTERNAL_DNS_PROBLEM });
    } else {
        problems.push(...nest(["dns"], aliasProblems(args.dns, args.certificate)));
    }
    return problems;
}

/** Why an internal ALB takes no alias records in a public zone (block and component say the same). */
export const INTERNAL_DNS_PROBLEM =
    "is not allowed on an internal ALB: its addresses are private, so a record in a public zone would send every client outside the VPC to an address it cannot reach; name what fronts it (the CDN's aliases) instead, or use scheme \"internet-facing\"";

/** The target group names blue/green and the external target take, by what takes them (for the routes' name checks). */
function takenTargetGroupNames(args: BlueGreenAlbArgs, blueGreen: boolean): Record<string, string> {
    const colours = albNames(args.naming, args.targetGroupStem).targetGroups;
    return {
        ...(blueGreen ? { "blue target group": colours.blue, "green target group": colours.green } : {}),
        ...(args.external ? { "external target group": externalTargetGroupName(args.naming, args.external.name) } : {}),
    };
}

/** The routes as the component takes them: the config's rules, per service one port and one health check, the external target by its name. */
function routeArgumentProblems(args: BlueGreenAlbArgs, blueGreen: boolean): Problem[] {
    const routes = args.routes ?? [];
    const problems = routeProblems(routes);
    const services = routedServices(routes);
    const count = targetGroupCountProblem(blueGreen, services.length, args.external !== undefined);
    if (count) {
        problems.push({ path: [], message: count });
    }
    problems.push(...routeNameProblems(args.naming, routes, takenTargetGroupNames(args, blueGreen), "the prefix, the env or the service's name"));
    routes.forEach((route, i) => {
        if (!isServiceRoute(route)) {
            if (route.target !== args.external?.name) {
                problems.push({ path: [i, "target"], message: `${showValue(route.target)} is not the external target (${args.external ? showValue(args.external.name) : "there is none"})` });
            }
            return;
        }
        const first = routes.findIndex((r) => isServiceRoute(r) && r.service === route.service);
        const firstRoute = routes[first] as ServiceRouteArgs;
        if (first === i) {
            problems.push(...nest([i, "healthCheck"], route.healthCheck ? healthCheckProblems(route.healthCheck) : []));
            return;
        }
        if (route.port !== firstRoute.port) {
            problems.push({ path: [i, "port"], message: `${route.port} differs from routes[${first}]'s ${firstRoute.port}; the routes of ${showValue(route.service)} share its target group` });
        }
        if (JSON.stringify(route.healthCheck ?? null) !== JSON.stringify(firstRoute.healthCheck ?? null)) {
            problems.push({ path: [i, "healthCheck"], message: `differs from routes[${first}]'s; the routes of ${showValue(route.service)} share its target group and its health check` });
        }
    });
    return problems;
}

/** Why the ALB refuses to forward to the external target by default beside blue/green (block and component say the same). */
export const EXTERNAL_DEFAULT_BESIDE_BLUE_GREEN =
    "true is not allowed with blue/green: the default action is the weighted forward to blue and green; send the external target its traffic by routes (platform:alb.routes[].target)";

/** The external target: a name AWS and Kubernetes take, its target group's name free, its health check, and traffic that reaches it. */
function externalArgumentProblems(args: BlueGreenAlbArgs, blueGreen: boolean): Problem[] {
    const external = args.external;
    if (!external) {
        return [];
    }
    const problems: Problem[] = [];
    if (!EXTERNAL_TARGET_NAME.test(external.name)) {
        problems.push({ path: ["name"], message: `${showValue(external.name)} is not a target name; use up to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen` });
    } else {
        const groupName = externalTargetGroupName(args.naming, external.name);
        const problem = nameProblem("targetGroup", groupName);
        const colours = albNames(args.naming, args.targetGroupStem).targetGroups;
        const clash = blueGreen ? (["blue", "green"] as const).find((colour) => colours[colour] === groupName) : undefined;
        if (problem) {
            problems.push({ path: ["name"], message: problem });
        } else if (clash) {
            problems.push({ path: ["name"], message: `makes the target group name ${showValue(groupName)}, which is also the ${clash} target group's` });
        }
    }
    const { port: _port, ...check } = external.healthCheck;
    problems.push(...nest(["healthCheck"], healthCheckProblems({ ...args.healthCheck, ...check })));
    if (blueGreen && external.default === true) {
        problems.push({ path: ["default"], message: EXTERNAL_DEFAULT_BESIDE_BLUE_GREEN });
    }
    const routed = (args.routes ?? []).some((route) => !isServiceRoute(route) && route.target === external.name);
    if (!routed && (blueGreen ? external.default !== true : external.default === false)) {
        problems.push({ path: [], message: externalUnreachable(blueGreen) });
    }
    return problems;
}

/** Why an external target no request reaches is refused. */
export function externalUnreachable(blueGreen: boolean): string {
    return blueGreen
        ? "takes no request: the default action forwards to blue and green, and no route names it; add a route with target: <its name>"
        : "takes no request: default is false, and no route names it; add a route with target: <its name>, or leave default out so the default action forwards to it";
}

/** Whether a certificate for `*.<domain>` and `<domain>` covers `name` (a wildcard covers one label). */
export function certificateCovers(domain: string, name: string): boolean {
    return name === domain || (name.endsWith(`.${domain}`) && !name.slice(0, -domain.length - 1).includes("."));
}

/** The alias records' names: DNS names, once each, inside a zone given by name, covered by a certificate issued here. */
export function aliasProblems(dns: AliasRecordsArgs | undefined, certificate: CertificateArgs): Problem[] {
    if (!dns) {
        return [];
    }
    const problems: Problem[] = [];
    if (dns.records.length === 0) {
        problems.push({ path: ["records"], message: "is empty; list the names to point at the ALB, e.g. api.goormpopcorn.shop" });
    }
    let zoneName = ZONE_ID.test(dns.hostedZone) ? undefined : dns.hostedZone.replace(/\.$/, "");
    if (zoneName !== undefined && !DNS_NAME.test(zoneName)) {
        problems.push({ path: ["hostedZone"], message: `${showValue(dns.hostedZone)} is neither a hosted zone id (Z…) nor a domain name` });
        zoneName = undefined;
    }
    const seen = new Set<string>();
    dns.records.forEach((record, i) => {
        if (!DNS_NAME.test(record)) {
            problems.push({ path: ["records", i], message: `${showValue(record)} is not a fully qualified domain name (lowercase, e.g. api.goormpopcorn.shop)` });
            return;
        }
        if (seen.has(record)) {
            problems.push({ path: ["records", i], message: `${showValue(record)} is listed twice` });
        }
        seen.add(record);
        if (zoneName !== undefined && record !== zoneName && !record.endsWith(`.${zoneName}`)) {
            problems.push({ path: ["records", i], message: `${showValue(record)} is not inside the hosted zone ${showValue(zoneName)}` });
        }
        if ("domain" in certificate && !certificateCovers(certificate.domain, record)) {
            problems.push({ path: ["records", i], message: `${showValue(record)} is not covered by the certificate (${showValue(`*.${certificate.domain}`)}, ${showValue(certificate.domain)}); browsers would refuse it` });
        }
    });
    return problems;
}
