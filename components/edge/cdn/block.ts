/**
 * The CDN block (`platform:cdn`): a CloudFront distribution serving one `static` bucket of
 * `platform:buckets` through an origin access control, HTTPS only, with optional aliases (a
 * us-east-1 certificate and Route 53 alias records). Built after the buckets, it grants its
 * distribution read on its bucket: the bucket's policy then names exactly this distribution.
 */
import { z } from "zod";
import { Problem, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { bucketsBlock } from "../../storage/buckets/block";
import { blueGreenAlbBlock } from "../../traffic/blue-green-alb/block";
import { CACHE_POLICY_NAMES, Cdn, DEFAULT_PRICE_CLASS, DEFAULT_ROOT_OBJECT, MAX_ALIASES, PRICE_CLASSES, cdnProblems } from "./cdn";

const CdnSchema = z
    .strictObject({
        bucket: z.string().describe("The `static` bucket of platform:buckets the distribution serves."),
        cachePolicy: z.enum(CACHE_POLICY_NAMES).default("CachingOptimized").describe("AWS's managed cache policy of the default behaviour."),
        defaultRootObject: z.string().default(DEFAULT_ROOT_OBJECT.default).describe("The object `/` answers with: a key without a leading `/`."),
        priceClass: z.enum(PRICE_CLASSES).default(DEFAULT_PRICE_CLASS).describe("Edge locations that serve it: PriceClass_200 includes South Korea; PriceClass_100 is North America, Europe and Israel only."),
        aliases: z.array(z.string()).default([]).describe(`Alternate domain names (lowercase FQDNs, at most ${MAX_ALIASES}), covered by certificate.domain; the first is the \`siteUrl\` output.`),
        certificate: z
            .strictObject({
                domain: z.string().describe("Issue a DNS-validated certificate for `*.<domain>` and `<domain>` in us-east-1."),
                hostedZone: z.string().describe("The public Route 53 zone (id `Z…` or name) that validates it and holds the aliases' A/AAAA records."),
            })
            .optional()
            .describe("Required with aliases; without them the distribution uses CloudFront's certificate on its `*.cloudfront.net` name."),
        spaFallback: z.boolean().default(false).describe("Answer 403 and 404 with the root object and 200 (a single-page app's client-side routes)."),
    })
    .describe("A CloudFront distribution in front of a private bucket, HTTPS only.");

export type CdnConfig = z.output<typeof CdnSchema>;

function cdnRules(cdn: CdnConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    const buckets = view.config(bucketsBlock) ?? {};
    const bucket = buckets[cdn.bucket];
    if (bucket === undefined) {
        const names = Object.keys(buckets);
        problems.push({
            path: ["cdn", "bucket"],
            message: `${showValue(cdn.bucket)} is not a bucket of platform:buckets; ${names.length > 0 ? `name one of ${names.map((n) => showValue(n)).join(", ")}` : "it has none"}`,
        });
    } else if (bucket.purpose !== "static") {
        problems.push({ path: ["cdn", "bucket"], message: `${showValue(cdn.bucket)} is an ${bucket.purpose} bucket; the CDN serves static buckets only (purpose: static), so that uploads stay private` });
    } else if (bucket.kmsKeyArn !== undefined) {
        problems.push({
            path: ["buckets", cdn.bucket, "kmsKeyArn"],
            message: `is set on the CDN's bucket; CloudFront could read SSE-KMS objects only if the key's policy let cloudfront.amazonaws.com decrypt for this distribution, which this program does not manage: remove it (SSE-S3)`,
        });
    }
    problems.push(
        ...argumentProblemsAt("cdn", cdnProblems({ ...cdn, naming: view.stack.naming, origin: { key: cdn.bucket, regionalDomainName: "" } }), {
            name: (p) => ({ path: ["name"], message: `${showValue(view.stack.name)} ${p.message}; shorten platform:name, platform:envName or the bucket's name` }),
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

export const cdnBlock = defineBlock({
    name: "cdn",
    keys: ["cdn"],
    requires: [bucketsBlock],
    schema: () => singleKey("cdn", CdnSchema),

    rules: (cdn, view) => cdnRules(cdn, view),
    claims: (cdn) => cdn.aliases.map((alias, i) => ({ path: ["cdn", "aliases", i], what: "DNS record", value: alias })),

    build(cdn: CdnConfig, ctx: BuildContext): Cdn {
        const buckets = ctx.need(bucketsBlock);
        const origin = buckets.origin(cdn.bucket);
        const distribution = new Cdn("cdn", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            origin: { key: cdn.bucket, regionalDomainName: origin.regionalDomainName },
            cachePolicy: cdn.cachePolicy,
            defaultRootObject: cdn.defaultRootObject,
            priceClass: cdn.priceClass,
            aliases: cdn.aliases,
            certificate: cdn.certificate,
            spaFallback: cdn.spaFallback,
        });
        buckets.grantCloudFrontRead(cdn.bucket, distribution.distributionArn);
        return distribution;
    },

    outputs: (distribution) => ({ siteUrl: distribution.siteUrl, distributionId: distribution.distributionId }),
});
