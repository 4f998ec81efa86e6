/**
 * The load balancer, CloudFront and API Gateway controls of the baseline.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Control, Finding, Props, dependenciesOf, dependents, isObject, isSet, known, list, truthy } from "../lib";
import { T, isOneOf } from "../types";

/**
 * ALB TLS policies with TLS 1.3 and at least TLS 1.2: ELBSecurityPolicy-TLS13-1-2-2021-06 or newer,
 * never an `Ext` one (TLS 1.0/1.1). The same list as the ALB block's (a test keeps them equal).
 * Source: "Security policies for your Application Load Balancer", Elastic Load Balancing docs.
 */
export const ALB_TLS_POLICIES: readonly string[] = [
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
];

function isApplicationLb(props: Props): boolean {
    return props.loadBalancerType === undefined || props.loadBalancerType === "application";
}

/** Internet-facing: `internal` is not true (the provider's default is internet-facing). */
function isInternetFacing(props: Props): boolean {
    return !truthy(props.internal);
}

export const albControls: Control[] = [
    {
        name: "elb-1-http-redirects-to-https",
        fsbp: "ELB.1",
        severity: "medium",
        description: "Every HTTP listener of an Application Load Balancer redirects to HTTPS.",
        types: T.listeners,
        check: (props) => {
            if (props.protocol !== "HTTP") {
                return [];
            }
            const actions = list(props.defaultActions).filter(isObject);
            const redirects = actions.length > 0 && actions.every((a) => a.type === "redirect" && isObject(a.redirect) && a.redirect.protocol === "HTTPS");
            return redirects ? [] : [`the HTTP listener on port ${String(props.port)} does not redirect to HTTPS; make its default action a redirect with protocol HTTPS`];
        },
    },
    {
        name: "elb-4-drop-invalid-headers",
        fsbp: "ELB.4",
        severity: "medium",
        description: "Application Load Balancers drop HTTP headers with invalid names (dropInvalidHeaderFields).",
        types: T.loadBalancers,
        check: (props) => (isApplicationLb(props) && props.dropInvalidHeaderFields !== true ? ["invalid header fields are forwarded; set dropInvalidHeaderFields: true"] : []),
    },
    {
        name: "elb-12-desync-mitigation",
        fsbp: "ELB.12",
        severity: "medium",
        description: "Application Load Balancers mitigate HTTP desync in defensive (the default) or strictest mode.",
        types: T.loadBalancers,
        check: (props) =>
            isApplicationLb(props) && props.desyncMitigationMode !== undefined && !["defensive", "strictest"].includes(String(props.desyncMitigationMode))
                ? [`desyncMitigationMode is ${String(props.desyncMitigationMode)}; use defensive or strictest`]
                : [],
    },
    {
        name: "elb-17-tls-policy",
        fsbp: "ELB.17",
        severity: "medium",
        description: "HTTPS listeners use a TLS policy with TLS 1.3 and at least TLS 1.2: ELBSecurityPolicy-TLS13-1-2-2021-06 or newer.",
        types: T.listeners,
        check: (props) =>
            props.protocol === "HTTPS" && !ALB_TLS_POLICIES.includes(String(props.sslPolicy))
                ? [`the HTTPS listener uses ${props.sslPolicy === undefined ? "the default policy (ELBSecurityPolicy-2016-08, TLS 1.0)" : String(props.sslPolicy)}; use ELBSecurityPolicy-TLS13-1-2-2021-06 or newer`]
                : [],
    },
    {
        name: "elb-5-access-logs",
        fsbp: "ELB.5",
        description: "Application Load Balancers write access logs to S3.",
        devOk: "access logs off",
        types: T.loadBalancers,
        check: (props) => (isApplicationLb(props) && !(isObject(props.accessLogs) && truthy(props.accessLogs.enabled) && isSet(props.accessLogs, "bucket")) ? ["access logs are off; enable accessLogs to an S3 bucket"] : []),
    },
    {
        name: "elb-6-deletion-protection",
        fsbp: "ELB.6",
        severity: "medium",
        description: "Load balancers have deletion protection on.",
        devOk: "deletion protection off",
        types: T.loadBalancers,
        check: (props) => (props.enableDeletionProtection === true ? [] : ["deletion protection is off; set enableDeletionProtection: true"]),
    },
    {
        name: "alb-waf",
        description: "Every internet-facing Application Load Balancer is associated with an AWS WAF web ACL (an internal one behind CloudFront is protected at CloudFront).",
        devOk: "no WAF (the baseline asks for it in prod)",
        stack: (resources) =>
            resources
                .filter((r) => isOneOf(r.type, T.loadBalancers) && isApplicationLb(r.props) && isInternetFacing(r.props))
                .filter((lb) => dependents(resources, lb, T.webAclAssociation, "resourceArn").length === 0)
                .map((lb): Finding => ({ resource: lb, message: `the internet-facing ALB ${lb.name} has no WAF web ACL (aws.wafv2.WebAclAssociation)` })),
    },
];

const MODERN_VIEWER_TLS = /^TLSv1\.[23]_\d{4}$/;

/** Every cache behaviour of a distribution (default first). */
function behaviours(props: Props): Array<Record<string, unknown>> {
    return [props.defaultCacheBehavior, ...list(props.orderedCacheBehaviors)].filter(isObject);
}

function origins(props: Props): Array<Record<string, unknown>> {
    return list(props.origins).filter(isObject);
}

/** Origin SSL protocols in a custom origin's or VPC origin's config (`{ items, quantity }` or a list). */
function sslProtocols(config: Record<string, unknown>): string[] {
    const value = config.originSslProtocols;
    return (isObject(value) ? list(value.items) : list(value)).map(String);
}

/** A VPC origin's endpoint config and the custom origin configs of a distribution, named. */
function originConfigs(props: Props, type: string): Array<{ where: string; config: Record<string, unknown> }> {
    if (type === T.vpcOrigin) {
        return isObject(props.vpcOriginEndpointConfig) ? [{ where: `VPC origin ${String(props.vpcOriginEndpointConfig.name ?? "")}`.trim(), config: props.vpcOriginEndpointConfig }] : [];
    }
    return origins(props).flatMap((o) => (isObject(o.customOriginConfig) ? [{ where: `origin ${String(o.originId)}`, config: o.customOriginConfig }] : []));
}

export const cloudfrontControls: Control[] = [
    {
        name: "cloudfront-3-https-only",
        fsbp: "CloudFront.3",
        severity: "medium",
        description: "CloudFront serves viewers over HTTPS only: every cache behaviour redirects HTTP to HTTPS (or refuses it).",
        types: [T.distribution],
        check: (props) =>
            behaviours(props)
                .filter((b) => !["redirect-to-https", "https-only"].includes(String(b.viewerProtocolPolicy)))
                .map((b) => `the behaviour for ${String(b.pathPattern ?? "the default path")} has viewerProtocolPolicy ${String(b.viewerProtocolPolicy)}; use redirect-to-https`),
    },
    {
        name: "cloudfront-15-viewer-tls",
        fsbp: "CloudFront.15",
        severity: "medium",
        description:
            "CloudFront speaks TLS 1.2 or newer to viewers: an alias with its own certificate and minimumProtocolVersion TLSv1.2_2021 (recommended) or another TLSv1.2+ policy. On CloudFront's default certificate (*.cloudfront.net) CloudFront fixes the policy at TLSv1.",
        types: [T.distribution],
        check: (props) => {
            const certificate = isObject(props.viewerCertificate) ? props.viewerCertificate : {};
            if (truthy(certificate.cloudfrontDefaultCertificate) || (!isSet(certificate, "acmCertificateArn") && !isSet(certificate, "iamCertificateId"))) {
                return ["the distribution uses CloudFront's default certificate (*.cloudfront.net), whose security policy is TLSv1; give it an alias and a certificate (minimum TLSv1.2_2021)"];
            }
            return MODERN_VIEWER_TLS.test(String(certificate.minimumProtocolVersion)) ? [] : [`minimumProtocolVersion is ${String(certificate.minimumProtocolVersion)}; use TLSv1.2_2021`];
        },
    },
    {
        name: "cloudfront-9-origin-https",
        fsbp: "CloudFront.9",
        severity: "medium",
        description: "CloudFront reaches custom origins and VPC origins over HTTPS only (originProtocolPolicy https-only).",
        types: [T.distribution, T.vpcOrigin],
        check: (props, args) =>
            originConfigs(props, args.type)
                .filter(({ config }) => config.originProtocolPolicy !== "https-only")
                .map(({ where, config }) => `${where} uses originProtocolPolicy ${String(config.originProtocolPolicy)}; use https-only`),
    },
    {
        name: "cloudfront-10-origin-tls",
        fsbp: "CloudFront.10",
        severity: "medium",
        description: "CloudFront offers origins TLS 1.2 only (no SSLv3, TLS 1.0 or 1.1 in originSslProtocols).",
        types: [T.distribution, T.vpcOrigin],
        check: (props, args) =>
            originConfigs(props, args.type)
                .filter(({ config }) => sslProtocols(config).length === 0 || sslProtocols(config).some((p) => p !== "TLSv1.2"))
                .map(({ where, config }) => `${where} offers ${sslProtocols(config).join(", ") || "no protocol list"}; offer TLSv1.2 only`),
    },
    {
        name: "cloudfront-13-origin-access-control",
        fsbp: "CloudFront.13",
        severity: "medium",
        description: "S3 origins are reached through origin access control (OAC), not an origin access identity or a public bucket.",
        types: [T.distribution],
        check: (props) =>
            origins(props)
                .filter((o) => !isObject(o.customOriginConfig) && !isObject(o.vpcOriginConfig))
                .filter((o) => !isSet(o, "originAccessControlId") || (isObject(o.s3OriginConfig) && isSet(o.s3OriginConfig, "originAccessIdentity")))
                .map((o) => `the S3 origin ${String(o.originId)} has no origin access control; set originAccessControlId (and no originAccessIdentity)`),
    },
    {
        name: "cloudfront-alb-origin-private",
        description:
            "A load balancer behind CloudFront is reachable only from CloudFront: it is an internal ALB reached through a CloudFront VPC origin, never an internet-facing one, nor an `*.elb.amazonaws.com` custom origin.",
        severity: "high",
        stack: (resources) => {
            const findings: Finding[] = [];
            for (const origin of resources.filter((r) => r.type === T.vpcOrigin)) {
                for (const lb of dependenciesOf(origin, "vpcOriginEndpointConfig").filter((d) => isOneOf(d.type, T.loadBalancers))) {
                    if (isInternetFacing(lb.props)) {
                        findings.push({ resource: origin, message: `the VPC origin ${origin.name} fronts the internet-facing load balancer ${lb.name}, reachable without CloudFront; make it internal` });
                    }
                }
            }
            for (const distribution of resources.filter((r) => r.type === T.distribution)) {
                for (const o of origins(distribution.props).filter((o) => isObject(o.customOriginConfig))) {
                    const domain = known(() => o.domainName);
                    if (typeof domain === "string" && /\.elb\.amazonaws\.com$/i.test(domain)) {
                        findings.push({ resource: distribution, message: `origin ${String(o.originId)} is the load balancer ${domain}, reachable without CloudFront; use a VPC origin to an internal ALB` });
                    }
                }
            }
            return findings;
        },
    },
    {
        name: "cloudfront-6-waf",
        fsbp: "CloudFront.6",
        severity: "medium",
        description: "CloudFront distributions are associated with an AWS WAF web ACL (webAclId).",
        devOk: "no WAF (the baseline asks for it in prod)",
        types: [T.distribution],
        check: (props) => (isSet(props, "webAclId") ? [] : ["the distribution has no WAF web ACL; set webAclId"]),
    },
];

export const apiGatewayControls: Control[] = [
    {
        name: "apigateway-9-access-logs",
        fsbp: "APIGateway.9",
        severity: "medium",
        description: "API Gateway v2 stages write access logs (accessLogSettings to a log group).",
        types: [T.apiStage],
        check: (props) => (isObject(props.accessLogSettings) && isSet(props.accessLogSettings, "destinationArn") && isSet(props.accessLogSettings, "format") ? [] : ["the stage has no access logs; set accessLogSettings (destinationArn and format)"]),
    },
    {
        name: "apigateway-stage-throttling",
        description: "API Gateway v2 stages throttle: defaultRouteSettings sets a rate and a burst limit above zero.",
        types: [T.apiStage],
        check: (props) => {
            const settings = isObject(props.defaultRouteSettings) ? props.defaultRouteSettings : {};
            const rate = Number(settings.throttlingRateLimit);
            const burst = Number(settings.throttlingBurstLimit);
            return rate > 0 && burst > 0 ? [] : ["the stage does not throttle; set defaultRouteSettings.throttlingRateLimit and throttlingBurstLimit"];
        },
    },
    {
        name: "apigateway-8-connect-authorizer",
        fsbp: "APIGateway.8",
        severity: "medium",
        description: "A WebSocket API's $connect route has an authorizer (authorizationType CUSTOM or AWS_IAM); the other WebSocket routes cannot have one.",
        types: [T.apiRoute],
        check: (props) => (props.routeKey === "$connect" && (props.authorizationType === undefined || props.authorizationType === "NONE") ? ["the $connect route has no authorizer; set authorizationType CUSTOM (or AWS_IAM)"] : []),
    },
];

/** The load balancers whose security groups (`securityGroups`) include `group`. */
export function loadBalancersOf(resources: readonly PolicyResource[], group: PolicyResource): PolicyResource[] {
    return resources.filter((r) => isOneOf(r.type, T.loadBalancers) && dependenciesOf(r, "securityGroups").some((d) => d.urn === group.urn));
}
