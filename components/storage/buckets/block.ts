/**
 * The buckets block (`platform:buckets`): private, encrypted, TLS-only S3 buckets by name. A
 * `static` bucket holds a site's files and is read only through the CDN (`platform:cdn`), which
 * grants its distribution read when it is built; an `uploads` bucket holds what the services write.
 */
import { z } from "zod";
import { Problem } from "../../../lib/problems";
import { BuildContext, PerEnv, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { BUCKET_PURPOSES, Buckets, KMS_KEY_ARN, bucketStem, bucketsProblems } from "./buckets";

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
            }).describe("One bucket; its name is the key."),
        )
        .describe("Private S3 buckets by name (lowercase letters, digits, hyphens): `<prefix>-<env>-<name>-<account id>`, public access blocked, encrypted, TLS only.");
}

export type BucketsConfig = z.output<ReturnType<typeof bucketsSchema>>;

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
        }
        return problems;
    },

    // Bucket names are global: two stack files of one account must not name the same bucket.
    claims: (buckets, view) => Object.keys(buckets).map((key) => ({ path: ["buckets", key], what: "bucket", value: `${bucketStem(view.stack.naming, key)}-<account id>` })),

    build: (buckets: BucketsConfig, ctx: BuildContext): Buckets =>
        new Buckets("buckets", { naming: ctx.stack.naming, tags: ctx.stack.tags, buckets, retainOnDelete: ctx.stack.env === "prod" }),

    outputs: (buckets) => ({ bucketNames: buckets.names }),
});
