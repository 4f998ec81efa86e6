/**
 * Cdn — a CloudFront distribution whose default behaviour serves one private S3 bucket, or an
 * internal ALB, and whose ordered behaviours serve more buckets on paths of their own:
 *
 * - a bucket: the default behaviour reads it through an origin access control (SigV4, every request
 *   signed); the bucket's policy lets only this distribution read (the buckets block writes it);
 * - an internal ALB (system B): through a CloudFront VPC origin on the ALB's ARN, HTTPS only (443,
 *   TLS 1.2), under a name the ALB's certificate covers (`origin.<domain>` by default), since that
 *   name is what CloudFront sends as the TLS server name and Host and checks the ALB's certificate
 *   against. The default behaviour caches nothing (CachingDisabled), forwards every viewer header
 *   but Host, every cookie and query string (AllViewerExceptHostHeader), and takes every method;
 *   with `forwardHost` (system D) it forwards the viewer's Host too (AllViewer), so that the app
 *   sees its public name, and the ALB's certificate must cover every alias;
 * - viewers on HTTP are redirected to HTTPS; HTTP/2 and HTTP/3; IPv6;
 * - caching by one of AWS's managed cache policies (CachingOptimized by default for a bucket,
 *   CachingDisabled for the ALB);
 * - behaviours (`/static/*`, `/media/*`), in order in front of the default one (CloudFront applies
 *   the first whose path pattern matches): each reads a bucket through that bucket's own origin
 *   access control (origin id `s3-<bucket>`), GET and HEAD (and OPTIONS for a bucket with CORS,
 *   whose preflight headers then reach S3 by AWS's CORS-S3Origin policy), compressed, cached by a
 *   managed policy; a `signed` one answers only URLs signed with a key of the distribution's key
 *   group (`trustedKeyGroups`);
 * - signing: a CloudFront public key per PEM given (named from a prefix: the provider appends a
 *   unique suffix, so that a new key can replace an old one the key group still holds) and one
 *   key group of them; the private key never passes through here;
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
import { KeyObject, createPublicKey } from "crypto";
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

/**
 * AWS's managed origin request policy that forwards everything of the viewer's request, Host
 * included: every header, cookie and query string (same page, AllViewer:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html#managed-origin-request-policy-all-viewer).
 * The ALB's app then sees the viewer's name (an alias) as Host; CloudFront adds no X-Forwarded-Host.
 * The origin's certificate must then match that Host as well: "the SSL/TLS certificate on your
 * origin must include a domain name that matches either the Origin domain ... or the Host header
 * of the origin request", or the handshake fails and CloudFront answers 502 (Developer Guide,
 * "HTTP 502 status code (Bad Gateway)", SSL/TLS negotiation failure:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html#ssl-negotitation-failure).
 */
export const ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3";

/**
 * AWS's managed origin request policy for an S3 origin with CORS: the viewer's Origin,
 * Access-Control-Request-Headers and Access-Control-Request-Method reach S3, which answers with its
 * CORS rules (Developer Guide, "Use managed origin request policies", CORS-S3Origin:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html).
 */
export const CORS_S3_ORIGIN = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

/**
 * CloudFront's quotas that bound a distribution's behaviours and signing (Developer Guide, "Quotas":
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html): cache
 * behaviors per distribution 75, public keys in a single key group 5, key groups associated with a
 * single cache behavior 4 (one here), key groups per AWS account 10 (one per stack here).
 */
export const CLOUDFRONT_QUOTAS = { cacheBehaviors: 75, publicKeysPerKeyGroup: 5, keyGroupsPerBehavior: 4, keyGroupsPerAccount: 10 } as const;

/**
 * A cache behaviour's path pattern (Developer Guide, "Cache behavior settings", Path pattern:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern):
 * up to 255 characters of A-Z, a-z, 0-9, `_ - . * $ / ~ " ' @ : + &`; `*` matches any characters,
 * `?` exactly one; case-sensitive; a leading `/` changes nothing, and here every pattern has one.
 */
export const PATH_PATTERN = { maxLength: 255, pattern: /^\/[A-Za-z0-9_\-.*$/~"'@:+&?]*$/, allowed: `A-Z, a-z, 0-9, _ - . $ / ~ " ' @ : + &, and * (any characters) or ? (one)` } as const;

/**
 * CloudFront public keys verify signed URLs: RSA 2048 or ECDSA 256 (CloudFront API Reference,
 * PublicKey: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_PublicKey.html), given
 * as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block.
 */
export const SIGNING_KEYS = { rsaModulusLength: 2048, ecCurve: "prime256v1" } as const;

/**
 * Names of public keys and key groups: letters, digits, hyphens and underscores, up to 128
 * characters; a name prefix leaves 26 of them to the provider's unique suffix
 * (terraform-provider-aws, cloudfront validPublicKeyName / validPublicKeyNamePrefix).
 */
export const KEY_NAME = { maxLength: 128, uniqueSuffixLength: 26, pattern: /^[0-9A-Za-z_-]+$/ } as const;

/** A signing key's own name in config: lowercase letters, digits and hyphens (`2026-01`, `primary`). */
export const SIGNING_KEY_NAME = { pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, allowed: "lowercase letters, digits and hyphens, starting and ending with a letter or digit" } as const;

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
     * The origin's domain name: what CloudFront sends as the TLS server name (SNI) and, without
     * `forwardHost`, as Host, and checks the ALB's certificate against. A name that certificate covers: never the ALB's own
     * `*.elb.amazonaws.com` name, which no certificate of ours covers (the TLS handshake fails and
     * viewers get 502/504). It needs no DNS record: CloudFront reaches the ALB through the VPC
     * origin, by its ARN.
     * @default "origin.<certificate.domain>"
     */
    domainName?: string;
    /**
     * Forward the viewer's Host to the ALB (AWS's AllViewer policy) instead of the origin's name
     * (AllViewerExceptHostHeader): the app sees its public name, for redirects, external URLs and
     * referrer checks. CloudFront then checks the ALB's certificate against that Host, so it must
     * cover every alias (the block checks platform:alb.certificate.domain). `domainName` stays the
     * origin's name.
     * @default false
     */
    forwardHost?: boolean;
}

/** A bucket as an origin of the distribution. */
export interface CdnBucketOriginArgs {
    /** The bucket's key in platform:buckets: the origin's id is `s3-<key>`. */
    key: string;
    /** `<bucket>.s3.<region>.amazonaws.com`. */
    regionalDomainName: pulumi.Input<string>;
    /** The bucket has CORS rules: its behaviours take OPTIONS and pass the CORS headers to S3. @default false */
    cors?: boolean;
}

/** A behaviour in front of the default one: a bucket on a path of its own. */
export interface CdnBehaviorArgs {
    /** The path pattern, from `/` (`/static/*`): the first behaviour whose pattern matches is applied. */
    path: string;
    /** The bucket it serves. */
    bucket: CdnBucketOriginArgs;
    /** @default "CachingOptimized" */
    cachePolicy?: CachePolicyName;
    /** Only URLs signed with a key of `signing` are answered (the key group is trusted). @default false */
    signed?: boolean;
}

/** The public keys that verify signed URLs: one key group. */
export interface CdnSigningArgs {
    /** PEM `PUBLIC KEY` blocks by name, RSA 2048 or ECDSA P-256, 1 to 5; the first is the one the app signs with. */
    publicKeys: ReadonlyArray<{ readonly name: string; readonly publicKeyPem: string }>;
    /**
     * The Secrets Manager secret holding the first key's private key, by ARN. @default a secret
     * `<prefix>-<env>/cdn-signing-private-key` created here with a placeholder the program never
     * overwrites: an operator puts the private key in it out of band.
     */
    privateKeySecretArn?: pulumi.Input<string>;
    /** Days a deleted created secret stays restorable: 7–30, or 0. @default 30 */
    secretRecoveryWindowDays?: number;
}

/** What the created private-key secret holds until an operator puts the key in it. */
export const PRIVATE_KEY_PLACEHOLDER = "set-out-of-band: aws secretsmanager put-secret-value --secret-id <name> --secret-string file://private_key.pem";

/** `<prefix>-<env>/cdn-signing-private-key`: the secret created for the private key. */
export function signingKeySecretName(naming: Naming): string {
    return `${naming.stem}/cdn-signing-private-key`;
}

export interface CdnArgs extends ComponentBaseArgs {
    /** The bucket the default behaviour serves; or `albOrigin`, not both. */
    origin?: CdnBucketOriginArgs;
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
    /** Buckets on paths of their own, in front of the default behaviour, in order. @default [] */
    behaviors?: readonly CdnBehaviorArgs[];
    /** The public keys of signed URLs; required by a `signed` behaviour, refused without one. @default none */
    signing?: CdnSigningArgs;
}

/** A public key's name prefix: `<prefix>-<env>-cdn-<key name>-` (the provider appends a unique suffix), unchecked. */
export function publicKeyNamePrefix(naming: Naming, keyName: string): string {
    return `${naming.format("scoped", "cdn", keyName)}-`;
}

/** The key group's name: `<prefix>-<env>-cdn-signers`, unchecked. */
export function keyGroupName(naming: Naming): string {
    return naming.format("scoped", "cdn", "signers");
}

/** Why `pem` is not a public key CloudFront verifies signed URLs with, or undefined; never quotes the value. */
export function publicKeyPemProblem(pem: string): string | undefined {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
        return "holds a private key: a stack file takes the public key only (openssl pkey -pubout); the private key belongs in Secrets Manager (the secret signing creates, or signing.privateKeySecretArn)";
    }
    const block = pem.trim();
    if (!/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+\r?\n-----END PUBLIC KEY-----$/.test(block)) {
        return "is not a PEM public key block (-----BEGIN PUBLIC KEY-----, base64 lines, -----END PUBLIC KEY-----)";
    }
    let key: KeyObject;
    try {
        key = createPublicKey(block);
    } catch {
        return "is a PEM block that does not decode to a public key";
    }
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === "rsa" && details?.modulusLength === SIGNING_KEYS.rsaModulusLength) {
        return undefined;
    }
    if (key.asymmetricKeyType === "ec" && details?.namedCurve === SIGNING_KEYS.ecCurve) {
        return undefined;
    }
    const what =
        key.asymmetricKeyType === "rsa" ? `an RSA ${details?.modulusLength ?? "?"}-bit key` : key.asymmetricKeyType === "ec" ? `an ECDSA key on ${details?.namedCurve ?? "?"}` : `a key of type ${key.asymmetricKeyType ?? "unknown"}`;
    return `is ${what}; CloudFront verifies signed URLs with RSA 2048 or ECDSA P-256 (prime256v1) keys only`;
}

/**
 * Whether every path `later` matches is matched by `earlier` too: `later`, read as text, fits
 * `earlier`, whose `*` takes any run of it and whose `?` one character other than `*`. A
 * sufficient test (it may miss a cover, never invent one).
 */
export function pathPatternCovers(earlier: string, later: string): boolean {
    const e = earlier.replace(/^\//, "");
    const l = later.replace(/^\//, "");
    const memo = new Map<number, boolean>();
    const fits = (i: number, j: number): boolean => {
        const at = i * (l.length + 1) + j;
        const known = memo.get(at);
        if (known !== undefined) {
            return known;
        }
        let result: boolean;
        if (i === e.length) {
            result = j === l.length;
        } else if (e[i] === "*") {
            result = fits(i + 1, j) || (j < l.length && fits(i, j + 1));
        } else if (j === l.length) {
            result = false;
        } else if (e[i] === "?") {
            result = l[j] !== "*" && fits(i + 1, j + 1);
        } else {
            result = e[i] === l[j] && fits(i + 1, j + 1);
        }
        memo.set(at, result);
        return result;
    };
    return fits(0, 0);
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

/** A bucket behaviour's settings, without its path and origin id. */
type BucketBehavior = Omit<aws.types.input.cloudfront.DistributionDefaultCacheBehavior, "targetOriginId">;

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
    /** The public keys' ids by name (what a signer puts in Key-Pair-Id); empty without signing. */
    public readonly publicKeyIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** The id of the first public key: the one the app signs with; undefined without signing. */
    public readonly signingKeyId: pulumi.Output<string> | undefined;
    /** The key group's id; undefined without signing. */
    public readonly keyGroupId: pulumi.Output<string> | undefined;
    /** The ARN of the secret holding the signing private key (given, or created here); undefined without signing. */
    public readonly signingPrivateKeySecretArn: pulumi.Output<string> | undefined;

    private readonly cachePolicy: CachePolicyName | undefined;

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:edge:Cdn", name, { ...args, component: "cdn", problems: cdnProblems(args) }, opts);
        this.cachePolicy = args.cachePolicy;
        const aliases = [...(args.aliases ?? [])];
        const stem = this.naming.scoped("nameTag", "cdn");
        // The problems refuse neither and both; a bucket when there is one, the ALB otherwise.
        const served = args.origin ? this.bucketOrigin(name, args.origin, stem) : this.albOrigin(name, args.albOrigin!, albOriginDomainName(args)!);
        const signers = args.signing ? this.signers(name, args.signing, stem) : undefined;
        // Each bucket is one origin (its own origin access control), whatever behaviours serve it.
        const origins = [served.origin];
        const originIds = new Set([served.origin.originId]);
        const orderedCacheBehaviors = (args.behaviors ?? []).map((behavior): aws.types.input.cloudfront.DistributionOrderedCacheBehavior => {
            const originId = `s3-${behavior.bucket.key}`;
            if (!originIds.has(originId)) {
                originIds.add(originId);
                origins.push(this.s3Origin(`${name}-oac-${behavior.bucket.key}`, behavior.bucket, stem));
            }
            return {
                pathPattern: behavior.path,
                targetOriginId: originId,
                ...bucketBehavior(behavior.cachePolicy ?? "CachingOptimized", behavior.bucket.cors ?? false),
                ...(behavior.signed ? { trustedKeyGroups: [signers!.keyGroupId] } : {}),
            };
        });
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
                origins,
                defaultCacheBehavior: served.behavior,
                // The first match wins; the default behaviour comes after them all.
                ...(orderedCacheBehaviors.length > 0 ? { orderedCacheBehaviors } : {}),
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
        this.publicKeyIds = signers?.publicKeyIds ?? {};
        this.signingKeyId = signers?.signingKeyId;
        this.keyGroupId = signers?.keyGroupId;
        this.signingPrivateKeySecretArn = args.signing ? this.privateKeySecret(name, args.signing, stem) : undefined;
        this.registerOutputs({
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            domainName: this.domainName,
            siteUrl: this.siteUrl,
            ...(signers ? { publicKeyIds: this.publicKeyIds, keyGroupId: this.keyGroupId } : {}),
        });
    }

    /** The default behaviour's bucket through an origin access control, cached (CachingOptimized by default), GET and HEAD. */
    private bucketOrigin(name: string, origin: CdnBucketOriginArgs, stem: string): ServedOrigin {
        const s3Origin = this.s3Origin(`${name}-oac`, origin, stem);
        return {
            what: origin.key,
            origin: s3Origin,
            behavior: { targetOriginId: s3Origin.originId, ...bucketBehavior(this.cachePolicy ?? "CachingOptimized", origin.cors ?? false) },
            vpcOriginId: undefined,
        };
    }

    /** A bucket's origin, `s3-<key>`, through an origin access control of its own (SigV4, every request signed). */
    private s3Origin(oacResourceName: string, origin: CdnBucketOriginArgs, stem: string): aws.types.input.cloudfront.DistributionOrigin & { originId: string } {
        const oac = new aws.cloudfront.OriginAccessControl(
            oacResourceName,
            {
                name: oacName(this.naming, origin.key),
                description: `${stem}: reads ${origin.key}`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { parent: this },
        );
        return { originId: `s3-${origin.key}`, domainName: origin.regionalDomainName, originAccessControlId: oac.id };
    }

    /**
     * The private key's secret: the one given, or one created here with a placeholder value and
     * `ignoreChanges` on it, so that the key an operator puts in it (a new version, AWSCURRENT)
     * is never put back by a later `pulumi up`.
     */
    private privateKeySecret(name: string, signing: CdnSigningArgs, stem: string): pulumi.Output<string> {
        if (signing.privateKeySecretArn !== undefined) {
            return pulumi.output(signing.privateKeySecretArn);
        }
        const secretName = signingKeySecretName(this.naming);
        const secret = new aws.secretsmanager.Secret(
            `${name}-signing-private-key`,
            {
                name: secretName,
                description: `${stem}: the private key that signs URLs for CloudFront (set out of band)`,
                recoveryWindowInDays: signing.secretRecoveryWindowDays ?? 30,
                tags: this.tagsFor(secretName),
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-signing-private-key-placeholder`,
            { secretId: secret.id, secretString: PRIVATE_KEY_PLACEHOLDER },
            // The operator's version takes AWSCURRENT from this one: neither its value nor its stages are the program's.
            { parent: this, ignoreChanges: ["secretString", "versionStages"] },
        );
        return secret.arn;
    }

    /** A public key per PEM (named from a prefix) and the key group that holds them. */
    private signers(name: string, signing: CdnSigningArgs, stem: string): { publicKeyIds: Record<string, pulumi.Output<string>>; signingKeyId: pulumi.Output<string>; keyGroupId: pulumi.Output<string> } {
        const publicKeyIds: Record<string, pulumi.Output<string>> = {};
        for (const key of signing.publicKeys) {
            publicKeyIds[key.name] = new aws.cloudfront.PublicKey(
                `${name}-public-key-${key.name}`,
                {
                    // A prefix, not a name: a replaced key (a new PEM) is created before the old one, which the key group still holds, is deleted.
                    namePrefix: publicKeyNamePrefix(this.naming, key.name),
                    encodedKey: `${key.publicKeyPem.trim()}\n`,
                    comment: `${stem}: verifies signed URLs (${key.name})`,
                },
                { parent: this },
            ).id;
        }
        const keyGroup = new aws.cloudfront.KeyGroup(
            `${name}-key-group`,
            { name: keyGroupName(this.naming), items: Object.values(publicKeyIds), comment: `${stem}: the keys that verify signed URLs` },
            { parent: this },
        );
        return { publicKeyIds, signingKeyId: publicKeyIds[signing.publicKeys[0].name], keyGroupId: keyGroup.id };
    }

    /**
     * The ALB through a VPC origin: HTTPS only on 443 with TLS 1.2, asked for `domainName` (SNI and
     * Host) so that its certificate matches; nothing cached, every method, every viewer header but
     * Host, every cookie and query string forwarded; with `forwardHost`, the viewer's Host too
     * (AllViewer), `domainName` unchanged.
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
                originRequestPolicyId: alb.forwardHost ? ALL_VIEWER : ALL_VIEWER_EXCEPT_HOST_HEADER,
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

/**
 * A behaviour that reads a bucket: redirect-to-https; GET and HEAD (and OPTIONS with CORS, its
 * preflight headers passed to S3 by CORS-S3Origin); GET and HEAD cached; compressed; `cachePolicy`.
 */
function bucketBehavior(cachePolicy: CachePolicyName, cors: boolean): BucketBehavior {
    return {
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: cors ? ["GET", "HEAD", "OPTIONS"] : ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: MANAGED_CACHE_POLICIES[cachePolicy],
        ...(cors ? { originRequestPolicyId: CORS_S3_ORIGIN } : {}),
    };
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
        problems.push({ path: ["albOrigin"], message: "is given with origin; the default behaviour has one origin, a bucket or an ALB: serve more buckets through behaviors" });
    }
    const bucketKeys = [...new Set([...(args.origin ? [args.origin.key] : []), ...(args.behaviors ?? []).map((b) => b.bucket.key)])];
    for (const key of bucketKeys) {
        const name = oacName(args.naming, key);
        if (name.length > OAC_NAME_MAX_LENGTH) {
            problems.push({ path: ["name"], message: `makes the origin access control name ${showValue(name)} (${name.length} characters); CloudFront allows at most ${OAC_NAME_MAX_LENGTH}` });
        }
    }
    problems.push(...behaviorProblems(args), ...signingProblems(args));
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

/** The behaviours' rules: CloudFront's quota, path patterns (syntax, once each, each reachable), cache policies, signing. */
function behaviorProblems(args: CdnArgs): Problem[] {
    const problems: Problem[] = [];
    const behaviors = args.behaviors ?? [];
    if (behaviors.length > CLOUDFRONT_QUOTAS.cacheBehaviors) {
        problems.push({ path: ["behaviors"], message: `has ${behaviors.length} behaviours; CloudFront allows ${CLOUDFRONT_QUOTAS.cacheBehaviors} cache behaviors per distribution (a quota AWS may raise)` });
    }
    const valid: Array<{ index: number; path: string }> = [];
    behaviors.forEach((behavior, i) => {
        const at = (...rest: Array<string | number>) => ["behaviors", i, ...rest];
        const { path } = behavior;
        if (!path.startsWith("/")) {
            problems.push({ path: at("path"), message: `${showValue(path)} does not start with /; write the pattern from the root, e.g. "/static/*"` });
        } else if (path.length > PATH_PATTERN.maxLength) {
            problems.push({ path: at("path"), message: `is ${path.length} characters; CloudFront takes path patterns of at most ${PATH_PATTERN.maxLength}` });
        } else if (!PATH_PATTERN.pattern.test(path)) {
            problems.push({ path: at("path"), message: `${showValue(path)} has characters CloudFront refuses in a path pattern; use ${PATH_PATTERN.allowed}` });
        } else if (path === "/*") {
            problems.push({ path: at("path"), message: `${showValue(path)} matches every path: that is the default behaviour's (bucket or albOrigin), which CloudFront applies last; give a narrower pattern` });
        } else {
            const twin = valid.find((other) => other.path === path);
            const cover = valid.find((other) => pathPatternCovers(other.path, path));
            if (twin) {
                problems.push({ path: at("path"), message: `${showValue(path)} is also behaviors[${twin.index}].path; give each path pattern once` });
            } else if (cover) {
                problems.push({
                    path: at("path"),
                    message: `${showValue(path)} is never reached: behaviors[${cover.index}].path ${showValue(cover.path)} comes first and matches every path it matches (CloudFront applies the first match); put it before, or narrow the other`,
                });
            }
            valid.push({ index: i, path });
        }
        if (behavior.cachePolicy !== undefined && !(behavior.cachePolicy in MANAGED_CACHE_POLICIES)) {
            problems.push({ path: at("cachePolicy"), message: `${showValue(behavior.cachePolicy)} is not allowed; use ${CACHE_POLICY_NAMES.join(" or ")}` });
        }
        if (behavior.signed && args.signing === undefined) {
            problems.push({ path: at("signed"), message: "true needs signing: the public keys (one key group) that verify the signed URLs" });
        }
    });
    return problems;
}

/** The signing's rules: a signed behaviour to use it, 1 to 5 PEM public keys CloudFront takes, names within CloudFront's. */
function signingProblems(args: CdnArgs): Problem[] {
    const { signing } = args;
    if (signing === undefined) {
        return [];
    }
    const problems: Problem[] = [];
    if (!(args.behaviors ?? []).some((behavior) => behavior.signed)) {
        problems.push({
            path: ["signing"],
            message: "is given, but no behaviour has signed: true, so CloudFront would check no URL with its keys; set signed: true on the behaviour of the private files, or remove signing",
        });
    }
    if (args.spaFallback && (args.behaviors ?? []).some((behavior) => behavior.signed)) {
        problems.push({
            path: ["spaFallback"],
            message: "true is not allowed beside a signed behaviour: CloudFront's error responses are the whole distribution's, so the 403 of an unsigned or expired URL would become the root object with 200",
        });
    }
    const keys = signing.publicKeys;
    if (keys.length === 0) {
        problems.push({ path: ["signing", "publicKeys"], message: `is empty; a key group holds 1 to ${CLOUDFRONT_QUOTAS.publicKeysPerKeyGroup} public keys` });
    } else if (keys.length > CLOUDFRONT_QUOTAS.publicKeysPerKeyGroup) {
        problems.push({ path: ["signing", "publicKeys"], message: `has ${keys.length} keys; a CloudFront key group holds at most ${CLOUDFRONT_QUOTAS.publicKeysPerKeyGroup} public keys` });
    }
    const seen = new Set<string>();
    keys.forEach((key, i) => {
        const at = (field: string) => ["signing", "publicKeys", i, field];
        if (!SIGNING_KEY_NAME.pattern.test(key.name)) {
            problems.push({ path: at("name"), message: `${showValue(key.name)} is not a key name; use ${SIGNING_KEY_NAME.allowed}` });
        } else if (seen.has(key.name)) {
            problems.push({ path: at("name"), message: `${showValue(key.name)} is listed twice` });
        } else {
            const prefix = publicKeyNamePrefix(args.naming, key.name);
            const room = KEY_NAME.maxLength - KEY_NAME.uniqueSuffixLength;
            if (prefix.length > room) {
                problems.push({
                    path: at("name"),
                    message: `makes the public key name prefix ${showValue(prefix)} (${prefix.length} characters); CloudFront names take ${KEY_NAME.maxLength}, ${KEY_NAME.uniqueSuffixLength} of them the provider's unique suffix: at most ${room}`,
                });
            }
        }
        seen.add(key.name);
        const pem = publicKeyPemProblem(key.publicKeyPem);
        if (pem) {
            problems.push({ path: at("publicKeyPem"), message: pem });
        }
    });
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
