/**
 * The buckets block (`platform:buckets`): private, encrypted, TLS-only S3 buckets by name. A
 * `static` bucket holds a site's files and is read only through the CDN (`platform:cdn`), which
 * grants its distribution read when it is built; an `uploads` bucket holds what the services write.
 * A store without a security group (tasks reach S3 through the gateway endpoint or the NAT): a
 * consumer listing `buckets` in its `connectsTo` gets `BUCKET_<KEY>` and read/write on each uploads
 * bucket, never on a static one (CI deploys those).
 */
import { z } from "zod";
import { Problem, showValue } from "../../../lib/problems";
import { BuildContext, PerEnv, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import {
    ABORT_UPLOAD_DAYS_DEFAULT,
    BUCKET_PURPOSES,
    Buckets,
    INTELLIGENT_TIERING_MIN_OBJECT_KB,
    KMS_KEY_ARN,
    S3_CORS,
    bucketStem,
    bucketVariable,
    bucketsProblems,
} from "./buckets";

const CorsRuleSchema = z
    .strictObject({
        allowedOrigins: z.array(z.string()).describe('Origins whose pages may call the bucket: `https://<host>[:<port>]`, no path (`https://*.<domain>` for its subdomains), or `"*"` (dev only).'),
        allowedMethods: z.array(z.enum(S3_CORS.methods)).describe("What they may do: GET, PUT, POST, DELETE, HEAD."),
        allowedHeaders: z.array(z.string()).optional().describe('Request headers a preflight may ask for (`"*"` for any). Default: none.'),
        exposeHeaders: z.array(z.string()).optional().describe("Response headers their scripts may read (`ETag`, to complete a multipart upload). Default: none."),
        maxAgeSeconds: z.number().int().optional().describe("Seconds a browser may cache the preflight's answer. Default: S3's (none)."),
    })
    .describe("One CORS rule.");

/** Versioning unless the stack file says otherwise: a prod site can be rolled back object by object. */
const VERSIONING_DEFAULT: PerEnv<boolean> = { dev: false, prod: true };

function bucketsSchema(env: keyof typeof VERSIONING_DEFAULT) {
    return z
        .record(
            z.string(),
            z.strictObject({
                purpose: z.enum(BUCKET_PURPOSES).describe("`static`: a site's files, read only by the CDN (platform:cdn); `uploads`: files the services write, read by no one else."),
                versioning: z.boolean().default(VERSIONING_DEFAULT[env]).describe("Keep earlier versions of every object (undo a bad upload or a delete)."),
                noncurrentVersionExpirationDays: z.number().int().optional().describe("Delete a version this many days after it stops being current (needs versioning). Default: kept."),
                kmsKeyArn: z.string().optional().describe("Encrypt with this KMS key of the stack's region (SSE-KMS) instead of S3-managed keys (SSE-S3); not on the CDN's bucket."),
                intelligentTiering: z
                    .boolean()
                    .default(false)
                    .describe(`Move current versions to S3 Intelligent-Tiering on the day they are written (a lifecycle rule); uploads buckets only (objects under ${INTELLIGENT_TIERING_MIN_OBJECT_KB} KB are never tiered).`),
                abortIncompleteUploadsDays: z
                    .number()
                    .int()
                    .optional()
                    .describe(`Abort multipart uploads still incomplete this many days after they started (their parts are billed until then). Default: ${ABORT_UPLOAD_DAYS_DEFAULT} on an uploads bucket, none on a static one.`),
                cors: z.array(CorsRuleSchema).default([]).describe("CORS rules, for pages that call the bucket from a browser (presigned uploads); at most 100."),
            }).describe("One bucket; its name is the key."),
        )
        .describe("Private S3 buckets by name (lowercase letters, digits, hyphens): `<prefix>-<env>-<name>-<account id>`, public access blocked, encrypted, TLS only.");
}

export type BucketsConfig = z.output<ReturnType<typeof bucketsSchema>>;

/** The keys of the uploads buckets: what a consumer is granted. */
function uploadsKeys(buckets: BucketsConfig): string[] {
    return Object.entries(buckets)
        .filter(([, bucket]) => bucket.purpose === "uploads")
        .map(([key]) => key);
}

export const bucketsBlock = defineBlock({
    name: "buckets",
    keys: ["buckets"],
    schema: (stack) => singleKey("buckets", bucketsSchema(stack.env)),

    rules(buckets, view): Problem[] {
        // The name, the env's name and the bucket's key make the physical name: say which keys shorten it.
        const problems = argumentProblemsAt("buckets", bucketsProblems({ naming: view.stack.naming, buckets })).map((problem) =>
            problem.path.length === 2 && problem.message.startsWith("makes the bucket name") ? { ...problem, message: `${problem.message}; shorten platform:name, platform:envName or the bucket's name` } : problem,
        );
        for (const [key, bucket] of Object.entries(buckets)) {
            const region = bucket.kmsKeyArn === undefined ? undefined : KMS_KEY_ARN.exec(bucket.kmsKeyArn)?.[1];
            if (region !== undefined && view.stack.region && region !== view.stack.region) {
                problems.push({ path: ["buckets", key, "kmsKeyArn"], message: `is a key of ${JSON.stringify(region)}; S3 encrypts only with a key of the bucket's region, ${JSON.stringify(view.stack.region)}` });
            }
            if (view.stack.env === "prod") {
                bucket.cors.forEach((rule, i) =>
                    rule.allowedOrigins.forEach((origin, j) => {
                        if (origin === "*") {
                            problems.push({
                                path: ["buckets", key, "cors", i, "allowedOrigins", j],
                                message: `${showValue(origin)} is not allowed in prod: any site's pages could call the bucket with a user's presigned URLs; name the site's origins (https://<host>)`,
                            });
                        }
                    }),
                );
            }
        }
        return problems;
    },

    // Tasks reach S3 without a security group of its own (the gateway endpoint, or the NAT).
    store: {
        label: "the buckets",
        variables: [],
        configVariables: (buckets: BucketsConfig) => uploadsKeys(buckets).map(bucketVariable),
        unavailable: (buckets: BucketsConfig) =>
            uploadsKeys(buckets).length === 0
                ? 'cannot be connected to: platform:buckets has no uploads bucket (static buckets are deployed by CI, never granted to services); add one with purpose: uploads, or remove "buckets"'
                : undefined,
        connection: (built: Buckets) => built.connection(),
    },

    // Bucket names are global: two stack files of one account must not name the same bucket.
    claims: (buckets, view) => Object.keys(buckets).map((key) => ({ path: ["buckets", key], what: "bucket", value: `${bucketStem(view.stack.naming, key)}-<account id>` })),

    build: (buckets: BucketsConfig, ctx: BuildContext): Buckets =>
        new Buckets("buckets", { naming: ctx.stack.naming, tags: ctx.stack.tags, buckets, retainOnDelete: ctx.stack.env === "prod" }),

    outputs: (buckets) => ({ bucketNames: buckets.names }),
});
