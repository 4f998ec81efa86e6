/**
 * Cdn — a CloudFront distribution in front of one private S3 bucket:
 *
 * - the default behaviour reads the bucket through an origin access control (SigV4, every request
 *   signed); the bucket's policy lets only this distribution read (the buckets block writes it);
 * - viewers on HTTP are redirected to HTTPS; HTTP/2 and HTTP/3; IPv6;
 * - caching by one of AWS's managed cache policies (CachingOptimized by default);
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

export interface CdnArgs extends ComponentBaseArgs {
    /** The bucket the default behaviour serves. */
    origin: {
        /** The bucket's key in platform:buckets: the origin's id. */
        key: string;
        /** `<bucket>.s3.<region>.amazonaws.com`. */
        regionalDomainName: pulumi.Input<string>;
    };
    /** @default "CachingOptimized" */
    cachePolicy?: CachePolicyName;
    /** @default "index.html" */
    defaultRootObject?: string;
    /** @default "PriceClass_200" */
    priceClass?: PriceClass;
    /** Alternate domain names; each needs the certificate. @default [] */
    aliases?: readonly string[];
    /** Required with aliases, refused without. */
    certificate?: CdnCertificateArgs;
    /** 403 and 404 answer the root object with 200 (a single-page app's routes). @default false */
    spaFallback?: boolean;
}

/** The origin access control's name: `<prefix>-<env>-cdn-<bucket>`, unchecked. */
export function oacName(naming: Naming, bucket: string): string {
    return naming.format("scoped", "cdn", bucket);
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

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:edge:Cdn", name, { ...args, component: "cdn", problems: cdnProblems(args) }, opts);
        const aliases = [...(args.aliases ?? [])];
        const rootObject = args.defaultRootObject ?? DEFAULT_ROOT_OBJECT.default;
        const stem = this.naming.scoped("nameTag", "cdn");

        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            {
                name: oacName(this.naming, args.origin.key),
                description: `${stem}: reads ${args.origin.key}`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { parent: this },
        );
        const certificateArn = args.certificate && aliases.length > 0 ? this.certificate(name, args.certificate) : undefined;
        const originId = `s3-${args.origin.key}`;
        const distribution = new aws.cloudfront.Distribution(
            `${name}-distribution`,
            {
                enabled: true,
                comment: `${stem}: ${args.origin.key}`,
                aliases,
                defaultRootObject: rootObject,
                httpVersion: "http2and3",
                isIpv6Enabled: true,
                priceClass: args.priceClass ?? DEFAULT_PRICE_CLASS,
                origins: [{ originId, domainName: args.origin.regionalDomainName, originAccessControlId: oac.id }],
                defaultCacheBehavior: {
                    targetOriginId: originId,
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ["GET", "HEAD"],
                    cachedMethods: ["GET", "HEAD"],
                    compress: true,
                    cachePolicyId: MANAGED_CACHE_POLICIES[args.cachePolicy ?? "CachingOptimized"],
                },
                customErrorResponses: args.spaFallback
                    ? [403, 404].map((errorCode) => ({ errorCode, responseCode: 200, responsePagePath: `/${rootObject}`, errorCachingMinTtl: 10 }))
                    : [],
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: certificateArn
                    ? { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: MINIMUM_PROTOCOL_VERSION }
                    : { cloudfrontDefaultCertificate: true },
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
        this.registerOutputs({ distributionId: this.distributionId, distributionArn: this.distributionArn, domainName: this.domainName, siteUrl: this.siteUrl });
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

    const name = oacName(args.naming, args.origin.key);
    if (name.length > OAC_NAME_MAX_LENGTH) {
        problems.push({ path: ["name"], message: `makes the origin access control name ${showValue(name)} (${name.length} characters); CloudFront allows at most ${OAC_NAME_MAX_LENGTH}` });
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
    return problems;
}
