/**
 * The CDN block (`platform:cdn`): a CloudFront distribution, HTTPS only, with optional aliases (a
 * us-east-1 certificate and Route 53 alias records), whose default behaviour serves either
 *
 * - one `static` bucket of `platform:buckets` through an origin access control (system E): built
 *   after the buckets, it grants its distribution read on its bucket, whose policy then names
 *   exactly this distribution; or
 * - the stack's internal ALB (`platform:alb`, `scheme: internal`) through a CloudFront VPC origin
 *   (system B): HTTPS only, uncached, every method; the ALB's security group admits CloudFront's
 *   origin-facing prefix list on 443 (the ALB block's `albOriginFlow`), and the web ACL block, built
 *   later, protects the distribution with a CLOUDFRONT web ACL (`protectWith`);
 *
 * and whose `behaviors` serve more buckets on paths of their own, in front of the default one
 * (system D: `/static/*` a static bucket, `/media/*` an uploads bucket behind signed URLs, the
 * default the ALB). Every bucket it serves grants exactly this distribution read. With `signing`
 * it is a store without a security group: a consumer listing `cdn` in its `connectsTo` gets the
 * site's URL, the id of the key to sign with, and the private key's secret by reference.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DNS_NAME } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { BuildContext, Connection, ConfigView, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { CLOUDFRONT_ORIGIN_FACING } from "../../network/security-groups/matrix";
import { BucketsConfig, bucketsBlock } from "../../storage/buckets/block";
import { certificateCovers } from "../../traffic/blue-green-alb/blue-green-alb";
import { AlbConfig, albOriginFlow, blueGreenAlbBlock } from "../../traffic/blue-green-alb/block";
import {
    CACHE_POLICY_NAMES,
    CLOUDFRONT_QUOTAS,
    Cdn,
    CdnAlbOriginArgs,
    CdnArgs,
    CdnBucketOriginArgs,
    DEFAULT_PRICE_CLASS,
    DEFAULT_ROOT_OBJECT,
    MAX_ALIASES,
    PRICE_CLASSES,
    albOriginDomainName,
    cdnProblems,
} from "./cdn";

/** What a consumer of the CDN gets (with signing): the site's URL, the key to sign with, and the private key by reference. */
export const CDN_VARIABLES = { url: "CDN_URL", keyId: "CDN_SIGNING_KEY_ID", privateKey: "CDN_SIGNING_PRIVATE_KEY" } as const;

/** A Secrets Manager secret's complete ARN (the name's 6-character suffix), `:<json-key>::` allowed; the region captured. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@!-]+-[A-Za-z0-9]{6}(?::[^:]*:[^:]*:[^:]*)?$/;

const BehaviorSchema = z
    .strictObject({
        path: z.string().describe('The path pattern, from `/`: `"/static/*"`; `*` any characters, `?` one, case-sensitive. The first behaviour that matches is applied, the default one last.'),
        bucket: z.string().describe("The bucket of platform:buckets it serves: a `static` one, or an `uploads` one with signed: true."),
        cachePolicy: z.enum(CACHE_POLICY_NAMES).optional().describe("AWS's managed cache policy. Default: `CachingOptimized`."),
        signed: z.boolean().default(false).describe("Answer only URLs signed with a key of signing.publicKeys (the key group is trusted); required for an uploads bucket."),
    })
    .describe("One bucket on a path of its own: GET and HEAD (and OPTIONS with the bucket's CORS), compressed, redirect-to-https.");

const CdnSchema = z
    .strictObject({
        bucket: z.string().optional().describe("The `static` bucket of platform:buckets the default behaviour serves; or albOrigin, not both (more buckets: behaviors)."),
        albOrigin: z
            .strictObject({
                domainName: z
                    .string()
                    .optional()
                    .describe(
                        "The name CloudFront asks the ALB for (TLS server name, and Host unless forwardHost): one the ALB's certificate covers, never its `*.elb.amazonaws.com` name. No DNS record needed. Default: `origin.<certificate.domain>`.",
                    ),
                forwardHost: z
                    .boolean()
                    .default(false)
                    .describe(
                        "Forward the viewer's Host (AWS's AllViewer policy) instead of the origin's name, so the app sees its public name (redirects, external URLs, referrer checks). The ALB's certificate (platform:alb.certificate.domain) must then cover every alias, and route hosts match an alias.",
                    ),
            })
            .optional()
            .describe(
                "Serve the stack's internal ALB (platform:alb, scheme internal) through a CloudFront VPC origin: HTTPS only, nothing cached, every method, every viewer header but Host forwarded (Host too with forwardHost). Needs aliases. Or bucket, not both.",
            ),
        cachePolicy: z
            .enum(CACHE_POLICY_NAMES)
            .optional()
            .describe("AWS's managed cache policy of the default behaviour. Default: `CachingOptimized` for a bucket; `CachingDisabled` for albOrigin, the only one allowed there."),
        defaultRootObject: z.string().optional().describe(`The object \`/\` answers with: a key without a leading \`/\`. Default: \`${DEFAULT_ROOT_OBJECT.default}\` for a bucket, none for albOrigin.`),
        priceClass: z.enum(PRICE_CLASSES).default(DEFAULT_PRICE_CLASS).describe("Edge locations that serve it: PriceClass_200 includes South Korea; PriceClass_100 is North America, Europe and Israel only."),
        aliases: z.array(z.string()).default([]).describe(`Alternate domain names (lowercase FQDNs, at most ${MAX_ALIASES}), covered by certificate.domain; the first is the \`siteUrl\` output. At least one with albOrigin.`),
        certificate: z
            .strictObject({
                domain: z.string().describe("Issue a DNS-validated certificate for `*.<domain>` and `<domain>` in us-east-1."),
                hostedZone: z.string().describe("The public Route 53 zone (id `Z…` or name) that validates it and holds the aliases' A/AAAA records."),
            })
            .optional()
            .describe("Required with aliases; without them the distribution uses CloudFront's certificate on its `*.cloudfront.net` name."),
        spaFallback: z.boolean().default(false).describe("Answer 403 and 404 with the root object and 200 (a single-page app's client-side routes); a bucket's only."),
        behaviors: z
            .array(BehaviorSchema)
            .default([])
            .describe(`Buckets on paths of their own, in this order in front of the default behaviour (bucket or albOrigin); at most ${CLOUDFRONT_QUOTAS.cacheBehaviors}. Each bucket has its own origin access control and grants this distribution read.`),
        signing: z
            .strictObject({
                publicKeys: z
                    .array(
                        z.strictObject({
                            name: z.string().describe("The key's name: lowercase letters, digits and hyphens (`2026-01`); its CloudFront name is `<prefix>-<env>-cdn-<name>-<suffix>`."),
                            publicKeyPem: z.string().describe("The public key, a PEM `-----BEGIN PUBLIC KEY-----` block: RSA 2048 or ECDSA P-256. Never the private key."),
                        }),
                    )
                    .describe(`The public keys of one key group, 1 to ${CLOUDFRONT_QUOTAS.publicKeysPerKeyGroup}; the first is the one the app signs with (CDN_SIGNING_KEY_ID), the others stay trusted while keys rotate.`),
                privateKeySecretArn: z
                    .string()
                    .optional()
                    .describe(
                        "The Secrets Manager ARN (stack's region) of the first key's private key: a connecting service gets it as the secret CDN_SIGNING_PRIVATE_KEY. Default: a secret `<prefix>-<env>/cdn-signing-private-key` the stack creates with a placeholder, for an operator to put the key in (README).",
                    ),
            })
            .optional()
            .describe("Signed URLs for the behaviours with signed: true; makes platform:cdn a store (`connectsTo: [cdn]`)."),
    })
    .describe("A CloudFront distribution in front of a private bucket or the internal ALB, with buckets on paths of their own, HTTPS only.");

export type CdnConfig = z.output<typeof CdnSchema>;

/** Stands in for the ALB when the rules check the component's arguments before anything exists. */
const PLACEHOLDER_ALB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:loadbalancer/app/placeholder/0";

/** Whether an ALB host condition (`*` any characters, `?` one, case-insensitive) matches `host`. */
function hostMatches(pattern: string, host: string): boolean {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    return regex.test(host);
}

/** The ALB origin's options as the config gives them: its name when given, and forwardHost when on. */
function albOriginOptions(cdn: CdnConfig): Omit<CdnAlbOriginArgs, "loadBalancerArn"> {
    return {
        ...(cdn.albOrigin?.domainName !== undefined ? { domainName: cdn.albOrigin.domainName } : {}),
        ...(cdn.albOrigin?.forwardHost ? { forwardHost: true } : {}),
    };
}

/** The component's arguments as the config gives them (the rules check them as the build passes them). */
function cdnArgs(cdn: CdnConfig, view: ConfigView, origin: Pick<CdnArgs, "origin" | "albOrigin">, bucketOrigin: (key: string) => CdnBucketOriginArgs): CdnArgs {
    return {
        naming: view.stack.naming,
        tags: view.stack.tags,
        ...origin,
        ...(cdn.behaviors.length > 0
            ? {
                  behaviors: cdn.behaviors.map((behavior) => ({
                      path: behavior.path,
                      bucket: bucketOrigin(behavior.bucket),
                      ...(behavior.cachePolicy !== undefined ? { cachePolicy: behavior.cachePolicy } : {}),
                      signed: behavior.signed,
                  })),
              }
            : {}),
        ...(cdn.signing !== undefined
            ? {
                  signing: {
                      publicKeys: cdn.signing.publicKeys,
                      ...(cdn.signing.privateKeySecretArn !== undefined ? { privateKeySecretArn: cdn.signing.privateKeySecretArn } : {}),
                      secretRecoveryWindowDays: view.stack.env === "prod" ? 30 : 0,
                  },
              }
            : {}),
        ...(cdn.cachePolicy !== undefined ? { cachePolicy: cdn.cachePolicy } : {}),
        ...(cdn.defaultRootObject !== undefined ? { defaultRootObject: cdn.defaultRootObject } : {}),
        priceClass: cdn.priceClass,
        aliases: cdn.aliases,
        ...(cdn.certificate ? { certificate: cdn.certificate } : {}),
        spaFallback: cdn.spaFallback,
    };
}

/**
 * A served bucket's rules: one of platform:buckets; static, or (on a signed behaviour) uploads;
 * without a KMS key (reported once per bucket, in `kmsReported`).
 */
function bucketProblems(bucketKey: string, at: Array<string | number>, buckets: BucketsConfig, signed: boolean | undefined, kmsReported: Set<string>): Problem[] {
    const bucket = buckets[bucketKey];
    if (bucket === undefined) {
        const names = Object.keys(buckets);
        return [{ path: at, message: `${showValue(bucketKey)} is not a bucket of platform:buckets; ${names.length > 0 ? `name one of ${names.map((n) => showValue(n)).join(", ")}` : "it has none"}` }];
    }
    if (bucket.purpose !== "static" && signed === undefined) {
        return [
            {
                path: at,
                message: `${showValue(bucketKey)} is an ${bucket.purpose} bucket; the default behaviour serves static buckets only (purpose: static), so that uploads stay private: serve it on a path of its own, in behaviors with signed: true`,
            },
        ];
    }
    if (bucket.purpose !== "static" && !signed) {
        return [{ path: at, message: `${showValue(bucketKey)} is an ${bucket.purpose} bucket; a behaviour serves one only with signed: true (signed URLs), so that uploads stay private` }];
    }
    if (bucket.kmsKeyArn !== undefined && !kmsReported.has(bucketKey)) {
        kmsReported.add(bucketKey);
        return [
            {
                path: ["buckets", bucketKey, "kmsKeyArn"],
                message: `is set on the CDN's bucket; CloudFront could read SSE-KMS objects only if the key's policy let cloudfront.amazonaws.com decrypt for this distribution, which this program does not manage: remove it (SSE-S3)`,
            },
        ];
    }
    return [];
}

/**
 * A bucket with CORS rules for several origins behind a caching behaviour: S3 answers each with its
 * own Access-Control-Allow-Origin, and CloudFront, whose managed policies leave Origin out of the
 * cache key, would serve the first answer to every origin.
 */
function corsCacheProblem(bucketKey: string, at: Array<string | number>, buckets: BucketsConfig, cachePolicy: string): Problem[] {
    const origins = new Set((buckets[bucketKey]?.cors ?? []).flatMap((rule) => rule.allowedOrigins));
    if (origins.size > 1 && !origins.has("*") && cachePolicy !== "CachingDisabled") {
        return [
            {
                path: at,
                message: `serves ${showValue(bucketKey)}, whose CORS rules name ${origins.size} origins, cached by ${cachePolicy}: CloudFront keys its cache without Origin and would give every origin the first one's Access-Control-Allow-Origin; name one origin in platform:buckets.${bucketKey}.cors, or use cachePolicy CachingDisabled`,
            },
        ];
    }
    return [];
}

/** The signing's private key: a complete Secrets Manager ARN of the stack's region. */
function privateKeyProblems(cdn: CdnConfig, view: ConfigView): Problem[] {
    const arn = cdn.signing?.privateKeySecretArn;
    if (arn === undefined) {
        return [];
    }
    const at = ["cdn", "signing", "privateKeySecretArn"];
    const region = SECRET_ARN.exec(arn)?.[1];
    if (region === undefined) {
        return [
            {
                path: at,
                message: `${showValue(arn)} is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6-character suffix>); the private key is passed by reference, never as a value`,
            },
        ];
    }
    if (view.stack.region && region !== view.stack.region) {
        return [{ path: at, message: `is a secret of ${showValue(region)}; the services read it from the stack's region, ${showValue(view.stack.region)}: keep the private key there` }];
    }
    return [];
}

/**
 * The ALB origin's rules across blocks: an internal ALB to front, a name its certificate covers,
 * and routes by host that can still match (every request reaches the ALB with the origin's name
 * as Host; with forwardHost, with the viewer's, one of the aliases, which the ALB's certificate
 * must then cover too: CloudFront checks the origin's certificate against the origin request's
 * Host, and answers 502 when it does not match, cdn.ts ALL_VIEWER). The VPC origin also needs an internet gateway in the ALB's VPC (Developer Guide,
 * "Restrict access with VPC origins", prerequisites): platform:network always attaches one
 * (components/network/vpc/vpc.ts), so there is nothing to check.
 */
function albOriginProblems(cdn: CdnConfig, view: ConfigView): Problem[] {
    const alb = view.config(blueGreenAlbBlock);
    if (alb === undefined) {
        return [{ path: ["cdn", "albOrigin"], message: 'needs platform:alb with scheme "internal", which this stack does not have: the VPC origin fronts the stack\'s internal ALB' }];
    }
    const problems: Problem[] = [];
    if (alb.scheme !== "internal") {
        problems.push({
            path: ["cdn", "albOrigin"],
            message: `needs platform:alb.scheme "internal", and it is ${showValue(alb.scheme)}: a VPC origin reaches an ALB in the private subnets, and an internet-facing ALB would stay open to the internet beside the CDN; set platform:alb.scheme: internal`,
        });
    }
    const originName = albOriginDomainName({ albOrigin: cdn.albOrigin, certificate: cdn.certificate });
    if (originName === undefined || !DNS_NAME.test(originName)) {
        return problems;
    }
    const at = cdn.albOrigin?.domainName !== undefined ? ["cdn", "albOrigin", "domainName"] : ["cdn", "albOrigin"];
    const albCertificate = alb.certificate;
    if ("domain" in albCertificate && DNS_NAME.test(albCertificate.domain) && !certificateCovers(albCertificate.domain, originName)) {
        problems.push({
            path: at,
            message: `makes the origin name ${showValue(originName)}, which the ALB's certificate (platform:alb.certificate.domain: ${showValue(`*.${albCertificate.domain}`)}, ${showValue(albCertificate.domain)}) does not cover: CloudFront sends it as the TLS server name${cdn.albOrigin?.forwardHost ? "" : " and Host"} and would refuse the ALB's certificate (502); use ${albCertificate.domain} or a name one label below it`,
        });
    }
    if (cdn.albOrigin?.forwardHost) {
        problems.push(...forwardedHostProblems(cdn, albCertificate, alb.routes));
        return problems;
    }
    alb.routes.forEach((route, i) => {
        if (route.hosts !== undefined && !route.hosts.some((host) => hostMatches(host, originName))) {
            problems.push({
                path: ["alb", "routes", i, "hosts"],
                message: `${route.hosts.length === 1 ? `${showValue(route.hosts[0])} never matches` : `none of ${route.hosts.map(showValue).join(", ")} matches`} behind platform:cdn.albOrigin: every request reaches the ALB with Host ${showValue(originName)} (the origin's name; the viewer's Host is not forwarded); route by paths, or list ${showValue(originName)}`,
            });
        }
    });
    return problems;
}

/**
 * With albOrigin.forwardHost, every request reaches the ALB with the viewer's Host, one of the
 * aliases: the ALB's certificate must cover each of them (a certificate given by ARN is not read
 * here), and a route by host must match one of them.
 */
function forwardedHostProblems(cdn: CdnConfig, albCertificate: AlbConfig["certificate"], routes: AlbConfig["routes"]): Problem[] {
    const problems: Problem[] = [];
    const aliases = cdn.aliases.filter((alias) => DNS_NAME.test(alias));
    if ("domain" in albCertificate && DNS_NAME.test(albCertificate.domain)) {
        const covered = `platform:alb.certificate.domain: ${showValue(`*.${albCertificate.domain}`)}, ${showValue(albCertificate.domain)}`;
        cdn.aliases.forEach((alias, i) => {
            if (DNS_NAME.test(alias) && !certificateCovers(albCertificate.domain, alias)) {
                problems.push({
                    path: ["cdn", "aliases", i],
                    message: `${showValue(alias)} is not covered by the ALB's certificate (${covered}): with albOrigin.forwardHost CloudFront asks the ALB for the viewer's name and checks its certificate against it, so the TLS handshake would fail and CloudFront would answer 502 to every request for it; use ${albCertificate.domain} or a name one label below it, or leave forwardHost off`,
                });
            }
        });
    }
    if (aliases.length === 0) {
        return problems;
    }
    routes.forEach((route, i) => {
        if (route.hosts !== undefined && !route.hosts.some((host) => aliases.some((alias) => hostMatches(host, alias)))) {
            problems.push({
                path: ["alb", "routes", i, "hosts"],
                message: `${route.hosts.length === 1 ? `${showValue(route.hosts[0])} never matches` : `none of ${route.hosts.map(showValue).join(", ")} matches`} behind platform:cdn.albOrigin with forwardHost: every request reaches the ALB with the viewer's Host, one of platform:cdn.aliases (${aliases.map(showValue).join(", ")}); route by paths, or list one of them`,
            });
        }
    });
    return problems;
}

function cdnRules(cdn: CdnConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    if (cdn.bucket === undefined && cdn.albOrigin === undefined) {
        return [{ path: ["cdn"], message: "needs bucket (a static bucket of platform:buckets) or albOrigin (the stack's internal ALB, through a CloudFront VPC origin)" }];
    }
    if (cdn.bucket !== undefined && cdn.albOrigin !== undefined) {
        problems.push({
            path: ["cdn", "albOrigin"],
            message: `is given with bucket: the default behaviour goes to one origin, the ALB or a bucket; serve the bucket beside the ALB on a path of its own, e.g. behaviors: [{path: "/static/*", bucket: ${showValue(cdn.bucket)}}]`,
        });
    }
    const buckets = view.config(bucketsBlock);
    const defaultBucket = cdn.albOrigin === undefined ? cdn.bucket : undefined;
    if (buckets === undefined && (defaultBucket !== undefined || cdn.behaviors.length > 0)) {
        // Without the buckets, the buckets' and the component's rules would only repeat it.
        return [...problems, { path: defaultBucket !== undefined ? ["cdn"] : ["cdn", "behaviors"], message: "needs platform:buckets, which this stack does not have" }];
    }
    const kmsReported = new Set<string>();
    const bucketOrigin = (key: string): CdnBucketOriginArgs => ({ key, regionalDomainName: "", ...(buckets?.[key]?.cors.length ? { cors: true } : {}) });
    let origin: Pick<CdnArgs, "origin" | "albOrigin">;
    if (cdn.albOrigin !== undefined) {
        problems.push(...albOriginProblems(cdn, view));
        origin = { albOrigin: { loadBalancerArn: PLACEHOLDER_ALB_ARN, ...albOriginOptions(cdn) } };
    } else {
        problems.push(...bucketProblems(cdn.bucket!, ["cdn", "bucket"], buckets!, undefined, kmsReported));
        problems.push(...corsCacheProblem(cdn.bucket!, ["cdn", "bucket"], buckets!, cdn.cachePolicy ?? "CachingOptimized"));
        origin = { origin: bucketOrigin(cdn.bucket!) };
    }
    cdn.behaviors.forEach((behavior, i) => {
        problems.push(...bucketProblems(behavior.bucket, ["cdn", "behaviors", i, "bucket"], buckets!, behavior.signed, kmsReported));
        problems.push(...corsCacheProblem(behavior.bucket, ["cdn", "behaviors", i, "bucket"], buckets!, behavior.cachePolicy ?? "CachingOptimized"));
    });
    problems.push(...privateKeyProblems(cdn, view));
    problems.push(
        ...argumentProblemsAt("cdn", cdnProblems(cdnArgs(cdn, view, origin, bucketOrigin)), {
            name: (p) => ({ path: ["name"], message: `${showValue(view.stack.name)} ${p.message}; shorten platform:name, platform:envName or the bucket's name` }),
            // Reported above, in the config's own words.
            origin: null,
        }),
    );
    // One stack, one record per name: the ALB's records and the CDN's aliases must differ.
    const albRecords = new Set(view.config(blueGreenAlbBlock)?.dns?.records ?? []);
    cdn.aliases.forEach((alias, i) => {
        if (albRecords.has(alias)) {
            problems.push({ path: ["cdn", "aliases", i], message: `${showValue(alias)} is also a record of platform:alb.dns.records; a name points at the ALB or at the CDN, not both` });
        }
    });
    return problems;
}

/** What the CDN block built: the distribution, and how a later block protects it with a web ACL. */
export interface BuiltCdn {
    readonly distribution: Cdn;
    /** Whether it fronts the internal ALB (albOrigin). */
    readonly frontsAlb: boolean;
    /**
     * Protects the distribution with a CLOUDFRONT web ACL (its ARN, in `webAclId`). Only while the
     * stack is built, once, and only in front of the ALB: the web ACL block is built after the CDN.
     */
    protectWith(webAclArn: pulumi.Input<string>): void;
}

/**
 * The web ACL of a distribution built before the block that creates it: an input the distribution
 * waits for, given by `set` while the stack's blocks are built, and none once they all are (a
 * microtask after the synchronous build, as the buckets' policies).
 */
function lateWebAcl(): { readonly arn: pulumi.Output<string | undefined>; set(arn: pulumi.Input<string>): void } {
    let settle!: (arn: pulumi.Input<string> | undefined) => void;
    const chosen = new Promise<pulumi.Input<string> | undefined>((resolve) => (settle = resolve));
    let settled = false;
    const once = (arn: pulumi.Input<string> | undefined) => {
        if (settled) {
            throw new Error("Cdn: the distribution's web ACL is already settled; protect it once, while the stack's blocks are built");
        }
        settled = true;
        settle(arn);
    };
    queueMicrotask(() => {
        if (!settled) {
            once(undefined);
        }
    });
    return { arn: pulumi.output(chosen) as pulumi.Output<string | undefined>, set: (arn) => once(arn) };
}

export const cdnBlock = defineBlock({
    name: "cdn",
    keys: ["cdn"],
    // platform:buckets for a bucket, platform:alb for albOrigin: the rules say which is missing.
    requires: [],
    schema: () => singleKey("cdn", CdnSchema),

    rules: (cdn, view) => cdnRules(cdn, view),
    claims: (cdn) => cdn.aliases.map((alias, i) => ({ path: ["cdn", "aliases", i], what: "DNS record", value: alias })),

    // In front of the internal ALB: CloudFront's origin-facing servers may open its HTTPS listener.
    securityGroups: (cdn, view) =>
        cdn.albOrigin !== undefined && view.config(blueGreenAlbBlock)?.scheme === "internal"
            ? { flows: [albOriginFlow({ prefixList: CLOUDFRONT_ORIGIN_FACING }, "CloudFront VPC origin to the ALB")] }
            : {},

    // With signing, consumers get the site's URL, the key to sign with and its private key's secret.
    store: {
        label: "the CDN",
        variables: Object.values(CDN_VARIABLES),
        unavailable: (cdn: CdnConfig) =>
            cdn.signing === undefined
                ? `cannot be connected to: platform:cdn has no signing, and ${Object.values(CDN_VARIABLES).join(", ")} come with its signed URLs; add platform:cdn.signing, or remove "cdn"`
                : undefined,
        connection: (built: BuiltCdn, cdn: CdnConfig): Connection => {
            const keyId = built.distribution.signingKeyId;
            if (cdn.signing === undefined || keyId === undefined) {
                // The services' rules refuse connectsTo: [cdn] without signing (unavailable).
                throw new Error("Cdn: a consumer connects to a CDN without signing");
            }
            return {
                environment: { [CDN_VARIABLES.url]: built.distribution.siteUrl, [CDN_VARIABLES.keyId]: keyId },
                secrets: { [CDN_VARIABLES.privateKey]: built.distribution.signingPrivateKeySecretArn! },
                statements: [],
            };
        },
    },

    build(cdn: CdnConfig, ctx: BuildContext): BuiltCdn {
        const buckets = cdn.bucket !== undefined || cdn.behaviors.length > 0 ? ctx.need(bucketsBlock) : undefined;
        const bucketsConfig = ctx.config(bucketsBlock) ?? {};
        const bucketOrigin = (key: string): CdnBucketOriginArgs => ({
            key,
            regionalDomainName: buckets!.origin(key).regionalDomainName,
            ...(bucketsConfig[key]?.cors.length ? { cors: true } : {}),
        });
        let built: BuiltCdn;
        if (cdn.albOrigin !== undefined) {
            const alb = ctx.need(blueGreenAlbBlock);
            const webAcl = lateWebAcl();
            const distribution = new Cdn("cdn", {
                ...cdnArgs(cdn, ctx, { albOrigin: { loadBalancerArn: alb.loadBalancerArn, ...albOriginOptions(cdn) } }, bucketOrigin),
                webAclArn: webAcl.arn,
            });
            built = { distribution, frontsAlb: true, protectWith: (arn) => webAcl.set(arn) };
        } else {
            const distribution = new Cdn("cdn", cdnArgs(cdn, ctx, { origin: bucketOrigin(cdn.bucket!) }, bucketOrigin));
            built = {
                distribution,
                frontsAlb: false,
                protectWith: () => {
                    throw new Error("Cdn: a distribution in front of a bucket takes no web ACL here (platform:waf protects the ALB, or the CDN in front of it)");
                },
            };
        }
        // Every bucket it serves lets exactly this distribution read, once; an uploads bucket only behind signed URLs (the rules refuse it otherwise).
        const served = new Map<string, boolean>();
        if (cdn.bucket !== undefined) {
            served.set(cdn.bucket, false);
        }
        for (const behavior of cdn.behaviors) {
            served.set(behavior.bucket, (served.get(behavior.bucket) ?? true) && behavior.signed);
        }
        for (const [key, signedUrlsOnly] of served) {
            buckets!.grantCloudFrontRead(key, built.distribution.distributionArn, { signedUrlsOnly });
        }
        return built;
    },

    outputs: ({ distribution }, cdn) => ({
        siteUrl: distribution.siteUrl,
        distributionId: distribution.distributionId,
        ...(cdn.signing !== undefined ? { cdnSigningKeyId: distribution.signingKeyId, cdnSigningPrivateKeySecretArn: distribution.signingPrivateKeySecretArn } : {}),
    }),
});

/** Whether the stack's CDN fronts its ALB (`platform:cdn.albOrigin`): where a web ACL of scope CLOUDFRONT goes. */
export function cdnFrontsAlb(view: ConfigView): boolean {
    return view.config(cdnBlock)?.albOrigin !== undefined;
}
