/**
 * Cdn — a CloudFront distribution in front of one private S3 bucket, or of an internal ALB:
 *
 * - a bucket: the default behaviour reads it through an origin access control (SigV4, every request
 *   signed); the bucket's policy lets only this distribution read (the buckets block writes it);
 * - an internal ALB (system B): through a CloudFront VPC origin on the ALB's ARN, HTTPS only (443,
 *   TLS 1.2), under a name the ALB's certificate covers (`origin.<domain>` by default), since that
 *   name is what CloudFront sends as the TLS server name and Host and checks the ALB's certificate
 *   against. The default behaviour caches nothing (CachingDisabled), forwards every viewer header
 *   but Host, every cookie and query string (AllViewerExceptHostHeader), and takes every method;
 * - viewers on HTTP are redirected to HTTPS; HTTP/2 and HTTP/3; IPv6;
 * - caching by one of AWS's managed cache policies (CachingOptimized by default for a bucket,
 *   CachingDisabled for the ALB);
 * - optionally a WAF web ACL (scope CLOUDFRONT, us-east-1) by its ARN in `webAclId`;
 * - `defaultRootObject` for `/`, and optionally a single-page app's fallback: 403 and 404 (what S3
 *   answers for a missing key when CloudFront may not list the bucket) become the root object with
 *   200;
 * - without aliases, CloudFront's own certificate for `*.cloudfront.net`; with aliases, an ACM
 *   certificate for `*.<domain>` and `<domain>` issued in us-east-1 (where CloudFront takes its
 *   certificates from) through the resource's own `region` input, validated by DNS in the hosted
 *   zone, TLS 1.2 at least (TLSv1.2_2021), SNI; and Route 53 alias A and AAAA records for each alias.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { DNS_NAME, Naming } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { ZONE_ID, dnsValidatedCertificate, publicZoneId } from "../../../lib/dns";
import { certificateCovers } from "../../traffic/blue-green-alb/blue-green-alb";

/**
 * AWS's managed cache policies by name, as their ids (Amazon CloudFront Developer Guide, "Use
 * managed cache policies":
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html).
 * CachingOptimized: no query strings or cookies in the cache key, compressed objects cached (TTL
 * 1 s–1 year, default 1 day). CachingDisabled: nothing cached.
 */
export const MANAGED_CACHE_POLICIES = {
    CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
} as const;
export type CachePolicyName = keyof typeof MANAGED_CACHE_POLICIES;
export const CACHE_POLICY_NAMES = Object.keys(MANAGED_CACHE_POLICIES) as [CachePolicyName, ...CachePolicyName[]];

/**
 * AWS's managed origin request policy for a dynamic origin behind CloudFront: every header of the
 * viewer's request except Host, every cookie and query string. Without the viewer's Host, CloudFront
 * asks the origin for the origin's own domain name, which its certificate covers. Developer Guide, "Use managed origin request policies", AllViewerExceptHostHeader:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 */
export const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/** The methods a behaviour in front of an application takes: all seven CloudFront forwards (GET and HEAD the cacheable ones; CachingDisabled caches neither). */
export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] as const;

/**
 * The VPC origin in front of an ALB: HTTPS on 443 only, TLS 1.2 (CloudFront API,
 * VpcOriginEndpointConfig: Arn, HTTPPort and HTTPSPort, OriginProtocolPolicy http-only |
 * match-viewer | https-only, OriginSslProtocols; the HTTP port is required even when unused).
 * Developer Guide, "Restrict access with VPC origins":
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
 */
export const VPC_ORIGIN = { httpPort: 80, httpsPort: 443, protocolPolicy: "https-only", sslProtocols: ["TLSv1.2"] } as const;

/** The stem of the default origin name: `origin.<certificate.domain>`. */
export const DEFAULT_ORIGIN_LABEL = "origin";

/**
 * CloudFront's price classes (Developer Guide, "Choose the price class for a CloudFront
 * distribution": https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PriceClass.html).
 * PriceClass_200 includes South Korea (with Japan, Hong Kong, Singapore, Taiwan, India and more);
 * PriceClass_100 is North America, Europe and Israel only.
 */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];
export const DEFAULT_PRICE_CLASS: PriceClass = "PriceClass_200";

/**
 * Alternate domain names (CNAMEs) per distribution: 100 (Developer Guide, "Quotas", general quotas
 * on distributions: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html).
 */
export const MAX_ALIASES = 100;

/**
 * The viewer security policy with a certificate of ours: TLS 1.2 and 1.3 with AEAD ciphers only
 * (Developer Guide, "Supported protocols and ciphers between viewers and CloudFront"). With
 * CloudFront's default certificate the policy is CloudFront's (TLSv1) and cannot be set.
 */
export const MINIMUM_PROTOCOL_VERSION = "TLSv1.2_2021";

/** CloudFront takes ACM certificates from US East (N. Virginia) only. */
export const CERTIFICATE_REGION = "us-east-1";

/** The Route 53 hosted zone of every CloudFront distribution's alias target. */
export const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";

/** The default root object: an object name, without a leading `/`, up to 255 characters (CloudFront API, DistributionConfig.DefaultRootObject). */
export const DEFAULT_ROOT_OBJECT = { maxLength: 255, default: "index.html" } as const;

/** CloudFront origin access control names: up to 64 characters (CloudFront API, OriginAccessControlConfig.Name). */
export const OAC_NAME_MAX_LENGTH = 64;


export interface CdnCertificateArgs {
    /** Issue a certificate for `*.<domain>` and `<domain>`. */
    domain: string;
    /** Public hosted zone of `domain`: its id (`Z…`) or its name, to validate the certificate and hold the alias records. */
    hostedZone: string;
}

/** An internal ALB as the distribution's origin, through a CloudFront VPC origin. */
export interface CdnAlbOriginArgs {
    /** The ALB's ARN: the VPC origin's endpoint (an application load balancer, `loadbalancer/app/…`). */
    loadBalancerArn: pulumi.Input<string>;
    /**
     * The origin's domain name: what CloudFront sends as the TLS server name (SNI) and as Host, and
     * checks the ALB's certificate against. A name that certificate covers: never the ALB's own
     * `*.elb.amazonaws.com` name, which no certificate of ours covers (the TLS handshake fails and
     * viewers get 502/504). It needs no DNS record: CloudFront reaches the ALB through the VPC
     * origin, by its ARN.
     * @default "origin.<certificate.domain>"
     */
    domainName?: string;
}

export interface CdnArgs extends ComponentBaseArgs {
    /** The bucket the default behaviour serves; or `albOrigin`, not both. */
    origin?: {
        /** The bucket's key in platform:buckets: the origin's id. */
        key: string;
        /** `<bucket>.s3.<region>.amazonaws.com`. */
        regionalDomainName: pulumi.Input<string>;
    };
    /** The internal ALB the default behaviour forwards to; or `origin`, not both. Needs aliases (and so the certificate). */
    albOrigin?: CdnAlbOriginArgs;
    /** @default "CachingOptimized" for a bucket, "CachingDisabled" for the ALB (the only one allowed there) */
    cachePolicy?: CachePolicyName;
    /** @default "index.html" for a bucket, none for the ALB */
    defaultRootObject?: string;
    /** @default "PriceClass_200" */
    priceClass?: PriceClass;
    /** Alternate domain names; each needs the certificate. @default [] */
    aliases?: readonly string[];
    /** Required with aliases, refused without. */
    certificate?: CdnCertificateArgs;
    /** 403 and 404 answer the root object with 200 (a single-page app's routes); a bucket's only. @default false */
    spaFallback?: boolean;
    /** The ARN of a WAF web ACL of scope CLOUDFRONT (us-east-1) to protect the distribution: its `webAclId`. @default none */
    webAclArn?: pulumi.Input<string | undefined>;
}

/** The origin access control's name: `<prefix>-<env>-cdn-<bucket>`, unchecked. */
export function oacName(naming: Naming, bucket: string): string {
    return naming.format("scoped", "cdn", bucket);
}

/** The VPC origin's name: `<prefix>-<env>-cdn-alb`, unchecked. */
export function vpcOriginName(naming: Naming): string {
    return naming.format("scoped", "cdn", "alb");
}

/** The ALB origin's domain name: the one given, or `origin.<certificate.domain>`; undefined without either. */
export function albOriginDomainName(args: { albOrigin?: { domainName?: string }; certificate?: { domain: string } }): string | undefined {
    return args.albOrigin?.domainName ?? (args.certificate ? `${DEFAULT_ORIGIN_LABEL}.${args.certificate.domain}` : undefined);
}

/** What the default behaviour serves: its origin, its behaviour, and (the ALB's) VPC origin. */
interface ServedOrigin {
    /** For the distribution's comment. */
    readonly what: string;
    readonly origin: aws.types.input.cloudfront.DistributionOrigin;
    readonly behavior: aws.types.input.cloudfront.DistributionDefaultCacheBehavior;
    readonly vpcOriginId: pulumi.Output<string> | undefined;
}

export class Cdn extends PlatformComponent {
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionArn: pulumi.Output<string>;
    /** `<id>.cloudfront.net`. */
    public readonly domainName: pulumi.Output<string>;
    public readonly aliases: readonly string[];
    /** `https://<first alias>`, or `https://<distribution domain>` without aliases. */
    public readonly siteUrl: pulumi.Output<string>;
    /** The us-east-1 certificate's ARN; undefined without aliases. */
    public readonly certificateArn: pulumi.Output<string> | undefined;
    /** The VPC origin's id; undefined for a bucket. */
    public readonly vpcOriginId: pulumi.Output<string> | undefined;
    /** The name CloudFront asks the ALB for (SNI and Host); undefined for a bucket. */
    public readonly originDomainName: string | undefined;

    private readonly cachePolicy: CachePolicyName | undefined;

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:edge:Cdn", name, { ...args, component: "cdn", problems: cdnProblems(args) }, opts);
        this.cachePolicy = args.cachePolicy;
        const aliases = [...(args.aliases ?? [])];
        const stem = this.naming.scoped("nameTag", "cdn");
        // The problems refuse neither and both; a bucket when there is one, the ALB otherwise.
        const served = args.origin ? this.bucketOrigin(name, args.origin, stem) : this.albOrigin(name, args.albOrigin!, albOriginDomainName(args)!);
        const certificateArn = args.certificate && aliases.length > 0 ? this.certificate(name, args.certificate) : undefined;
        const rootObject = args.defaultRootObject ?? (args.origin ? DEFAULT_ROOT_OBJECT.default : undefined);
        const distribution = new aws.cloudfront.Distribution(
            `${name}-distribution`,
            {
                enabled: true,
                comment: `${stem}: ${served.what}`,
                aliases,
                ...(rootObject !== undefined ? { defaultRootObject: rootObject } : {}),
                httpVersion: "http2and3",
                isIpv6Enabled: true,
                priceClass: args.priceClass ?? DEFAULT_PRICE_CLASS,
                origins: [served.origin],
                defaultCacheBehavior: served.behavior,
                customErrorResponses: args.spaFallback
                    ? [403, 404].map((errorCode) => ({ errorCode, responseCode: 200, responsePagePath: `/${rootObject}`, errorCachingMinTtl: 10 }))
                    : [],
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: certificateArn
                    ? { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: MINIMUM_PROTOCOL_VERSION }
                    : { cloudfrontDefaultCertificate: true },
                // A CLOUDFRONT web ACL by its ARN; no WAF association resource exists for CloudFront.
                ...(args.webAclArn !== undefined ? { webAclId: args.webAclArn } : {}),
                tags: this.tagsFor(stem),
            },
            { parent: this },
        );

        if (args.certificate && aliases.length > 0) {
            const zoneId = this.zoneIdOf(args.certificate.hostedZone);
            aliases.forEach((alias, i) => {
                for (const type of ["A", "AAAA"] as const) {
                    new aws.route53.Record(
                        `${name}-alias-${i}-${type.toLowerCase()}`,
                        // CloudFront alias targets cannot evaluate target health.
                        { zoneId, name: alias, type, aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }] },
                        { parent: this },
                    );
                }
            });
        }

        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.domainName = distribution.domainName;
        this.aliases = aliases;
        this.siteUrl = aliases.length > 0 ? pulumi.output(`https://${aliases[0]}`) : distribution.domainName.apply((domain) => `https://${domain}`);
        this.certificateArn = certificateArn;
        this.vpcOriginId = served.vpcOriginId;
        this.originDomainName = args.origin ? undefined : albOriginDomainName(args);
        this.registerOutputs({ distributionId: this.distributionId, distributionArn: this.distributionArn, domainName: this.domainName, siteUrl: this.siteUrl });
    }

    /** The bucket through an origin access control, cached (CachingOptimized by default), GET and HEAD. */
    private bucketOrigin(name: string, origin: NonNullable<CdnArgs["origin"]>, stem: string): ServedOrigin {
        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            {
                name: oacName(this.naming, origin.key),
                description: `${stem}: reads ${origin.key}`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { parent: this },
        );
        const originId = `s3-${origin.key}`;
        return {
            what: origin.key,
            origin: { originId, domainName: origin.regionalDomainName, originAccessControlId: oac.id },
            behavior: {
                targetOriginId: originId,
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD"],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: MANAGED_CACHE_POLICIES[this.cachePolicy ?? "CachingOptimized"],
            },
            vpcOriginId: undefined,
        };
    }

    /**
     * The ALB through a VPC origin: HTTPS only on 443 with TLS 1.2, asked for `domainName` (SNI and
     * Host) so that its certificate matches; nothing cached, every method, every viewer header but
     * Host, every cookie and query string forwarded.
     */
    private albOrigin(name: string, alb: CdnAlbOriginArgs, domainName: string): ServedOrigin {
        const vpcOrigin = new aws.cloudfront.VpcOrigin(
            `${name}-vpc-origin`,
            {
                vpcOriginEndpointConfig: {
                    name: vpcOriginName(this.naming),
                    arn: alb.loadBalancerArn,
                    // Required by the API; unused, since CloudFront speaks HTTPS only.
                    httpPort: VPC_ORIGIN.httpPort,
                    httpsPort: VPC_ORIGIN.httpsPort,
                    originProtocolPolicy: VPC_ORIGIN.protocolPolicy,
                    originSslProtocols: { items: [...VPC_ORIGIN.sslProtocols], quantity: VPC_ORIGIN.sslProtocols.length },
                },
                tags: this.tagsFor(this.naming.scoped("nameTag", "cdn-alb")),
            },
            { parent: this },
        );
        const originId = "alb";
        return {
            what: `the ALB as ${domainName}`,
            origin: { originId, domainName, vpcOriginConfig: { vpcOriginId: vpcOrigin.id } },
            behavior: {
                targetOriginId: originId,
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: [...ALL_METHODS],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: MANAGED_CACHE_POLICIES[this.cachePolicy ?? "CachingDisabled"],
                originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
            },
            vpcOriginId: vpcOrigin.id,
        };
    }

    private readonly zoneIds = new Map<string, pulumi.Output<string>>();

    /** The Route 53 zone id of `hostedZone` (an id as given, or a public zone looked up by name, once). */
    private zoneIdOf(hostedZone: string): pulumi.Output<string> {
        return publicZoneId(this, "Cdn", hostedZone, this.zoneIds);
    }

    /** A DNS-validated certificate for `*.<domain>` and `<domain>` in us-east-1. */
    private certificate(name: string, certificate: CdnCertificateArgs): pulumi.Output<string> {
        return dnsValidatedCertificate(this, name, {
            domain: certificate.domain,
            zoneId: this.zoneIdOf(certificate.hostedZone),
            region: CERTIFICATE_REGION,
            tags: this.tagsFor(this.naming.scoped("nameTag", "cdn-certificate")),
        });
    }
}

/** Every rule the arguments must satisfy. */
export function cdnProblems(args: CdnArgs): Problem[] {
    const problems: Problem[] = [];
    const aliases = args.aliases ?? [];
    const { certificate } = args;

    if (args.origin === undefined && args.albOrigin === undefined) {
        problems.push({ path: ["origin"], message: "is missing: give origin (a bucket) or albOrigin (an internal ALB through a VPC origin)" });
    }
    if (args.origin !== undefined && args.albOrigin !== undefined) {
        problems.push({ path: ["albOrigin"], message: "is given with origin; the distribution has one origin: a bucket or an ALB" });
    }
    if (args.origin !== undefined) {
        const name = oacName(args.naming, args.origin.key);
        if (name.length > OAC_NAME_MAX_LENGTH) {
            problems.push({ path: ["name"], message: `makes the origin access control name ${showValue(name)} (${name.length} characters); CloudFront allows at most ${OAC_NAME_MAX_LENGTH}` });
        }
    }
    if (args.cachePolicy !== undefined && !(args.cachePolicy in MANAGED_CACHE_POLICIES)) {
        problems.push({ path: ["cachePolicy"], message: `${showValue(args.cachePolicy)} is not allowed; use ${CACHE_POLICY_NAMES.join(" or ")}` });
    }
    if (args.priceClass !== undefined && !(PRICE_CLASSES as readonly string[]).includes(args.priceClass)) {
        problems.push({ path: ["priceClass"], message: `${showValue(args.priceClass)} is not allowed; use one of ${PRICE_CLASSES.join(", ")}` });
    }
    const root = args.defaultRootObject;
    if (root !== undefined) {
        if (root === "" || root.startsWith("/") || root.length > DEFAULT_ROOT_OBJECT.maxLength || /\s/.test(root)) {
            problems.push({ path: ["defaultRootObject"], message: `${showValue(root)} is not an object name CloudFront takes; use a key without a leading / or spaces, up to ${DEFAULT_ROOT_OBJECT.maxLength} characters, e.g. index.html` });
        }
    }

    if (aliases.length > MAX_ALIASES) {
        problems.push({ path: ["aliases"], message: `has ${aliases.length} names; CloudFront allows at most ${MAX_ALIASES} alternate domain names per distribution` });
    }
    if (aliases.length > 0 && certificate === undefined) {
        problems.push({ path: ["certificate"], message: "is required with aliases: {domain, hostedZone} to issue a certificate in us-east-1 that covers them" });
    }
    if (aliases.length === 0 && certificate !== undefined) {
        problems.push({ path: ["certificate"], message: "is only used with aliases; without them the distribution answers on its *.cloudfront.net name with CloudFront's certificate" });
    }
    let zoneName: string | undefined;
    if (certificate !== undefined) {
        if (!DNS_NAME.test(certificate.domain)) {
            problems.push({ path: ["certificate", "domain"], message: `${showValue(certificate.domain)} is not a domain name (lowercase, e.g. goormpopcorn.shop)` });
        }
        if (!ZONE_ID.test(certificate.hostedZone)) {
            zoneName = certificate.hostedZone.replace(/\.$/, "");
            if (!DNS_NAME.test(zoneName)) {
                problems.push({ path: ["certificate", "hostedZone"], message: `${showValue(certificate.hostedZone)} is neither a hosted zone id (Z…) nor a domain name` });
                zoneName = undefined;
            }
        }
    }
    const seen = new Set<string>();
    aliases.forEach((alias, i) => {
        if (!DNS_NAME.test(alias)) {
            problems.push({ path: ["aliases", i], message: `${showValue(alias)} is not a fully qualified domain name (lowercase, e.g. chat.goormpopcorn.shop)` });
            return;
        }
        if (seen.has(alias)) {
            problems.push({ path: ["aliases", i], message: `${showValue(alias)} is listed twice` });
        }
        seen.add(alias);
        if (certificate !== undefined && DNS_NAME.test(certificate.domain) && !certificateCovers(certificate.domain, alias)) {
            problems.push({
                path: ["aliases", i],
                message: `${showValue(alias)} is not covered by the certificate (${showValue(`*.${certificate.domain}`)}, ${showValue(certificate.domain)}); use ${certificate.domain} or a name one label below it`,
            });
        }
        if (zoneName !== undefined && alias !== zoneName && !alias.endsWith(`.${zoneName}`)) {
            problems.push({ path: ["aliases", i], message: `${showValue(alias)} is not inside the hosted zone ${showValue(zoneName)}, where its alias records go` });
        }
    });
    if (args.albOrigin !== undefined && args.origin === undefined) {
        problems.push(...albOriginProblems(args));
    }
    return problems;
}

/** A load balancer ARN of an application load balancer: what a VPC origin in front of an ALB takes. */
const ALB_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\/[^/]+\/[0-9a-f]+$/;

/** The ALB origin's rules: an ALB's ARN, a name the certificate covers, a custom domain, and a behaviour fit for an application. */
function albOriginProblems(args: CdnArgs): Problem[] {
    const problems: Problem[] = [];
    const alb = args.albOrigin!;
    const { certificate } = args;
    if (typeof alb.loadBalancerArn === "string" && !ALB_ARN.test(alb.loadBalancerArn)) {
        problems.push({
            path: ["albOrigin", "loadBalancerArn"],
            message: `${showValue(alb.loadBalancerArn)} is not an Application Load Balancer's ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)`,
        });
    }
    if ((args.aliases ?? []).length === 0) {
        problems.push({
            path: ["aliases"],
            message: "is empty; in front of the ALB the distribution is the public entry point, on a domain of its own: list at least one name covered by certificate.domain",
        });
    }
    const domainName = albOriginDomainName(args);
    if (domainName === undefined) {
        problems.push({
            path: ["albOrigin", "domainName"],
            message: "is required without certificate: there is no origin.<certificate.domain> to default to; give a name the ALB's certificate covers",
        });
    } else if (!DNS_NAME.test(domainName)) {
        problems.push({ path: ["albOrigin", "domainName"], message: `${showValue(domainName)} is not a fully qualified domain name (lowercase, e.g. origin.goormpopcorn.shop)` });
    } else if (/\.elb\.amazonaws\.com$/.test(domainName)) {
        problems.push({
            path: ["albOrigin", "domainName"],
            message: `${showValue(domainName)} is the ALB's own name, which its certificate does not cover: CloudFront would fail the TLS handshake and answer 502/504; use a name of your domain, e.g. origin.<certificate.domain>`,
        });
    } else if (certificate !== undefined && DNS_NAME.test(certificate.domain) && !certificateCovers(certificate.domain, domainName)) {
        problems.push({
            path: ["albOrigin", "domainName"],
            message: `${showValue(domainName)} is not covered by certificate.domain (${showValue(`*.${certificate.domain}`)}, ${showValue(certificate.domain)}): the origin name is a name of the site's domain, which the ALB's certificate covers too; use ${certificate.domain} or a name one label below it, e.g. ${DEFAULT_ORIGIN_LABEL}.${certificate.domain}`,
        });
    }
    if (args.cachePolicy !== undefined && args.cachePolicy !== "CachingDisabled") {
        problems.push({
            path: ["cachePolicy"],
            message: `${showValue(args.cachePolicy)} is not allowed in front of the ALB: it leaves cookies, query strings and headers out of the cache key, so one user's answer would be served to another; use "CachingDisabled" (the default there)`,
        });
    }
    if (args.spaFallback) {
        problems.push({
            path: ["spaFallback"],
            message: "true is not allowed in front of the ALB: it would turn the services' 403 and 404 into 200 with the root object; it is for a bucket's single-page app",
        });
    }
    return problems;
}
