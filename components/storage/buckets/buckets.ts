/**
 * Buckets — private S3 buckets (`<prefix>-<env>-<name>-<account id>`), one set of resources each:
 *
 * - every kind of public access blocked, ACLs off (BucketOwnerEnforced: the bucket's account owns
 *   every object);
 * - encrypted at rest: SSE-S3, or SSE-KMS with a given key (S3 Bucket Keys on);
 * - one bucket policy that denies every request not made over TLS (`aws:SecureTransport` false)
 *   and, for a bucket a CloudFront distribution serves, allows exactly that distribution to read
 *   objects (`s3:GetObject` on `<bucket>/*`, condition `AWS:SourceArn` = the distribution's ARN:
 *   origin access control signs its requests as the `cloudfront.amazonaws.com` service);
 * - versioning; and one lifecycle configuration holding every lifecycle rule of the bucket (S3
 *   keeps one configuration per bucket: two resources would overwrite each other): expiry of
 *   noncurrent versions, current versions moved to S3 Intelligent-Tiering on day 0 (uploads), and
 *   incomplete multipart uploads aborted (7 days by default on an uploads bucket);
 * - CORS rules, for browsers that call the bucket directly (presigned uploads);
 * - `forceDestroy` off: a bucket with objects is never deleted by a stack; in prod every resource
 *   is retained when the stack drops it (a retained bucket keeps its settings, its public access
 *   block and its TLS-only policy among them).
 *
 * Who reads a bucket is decided after the buckets exist: the CDN block, built later, calls
 * `grantCloudFrontRead` with its distribution's ARN (an uploads bucket only behind signed URLs).
 * Who writes the uploads buckets is a consumer's connection (`connection()`): the services that
 * list `buckets` in their `connectsTo`. Each policy's document waits until the stack's
 * blocks are built — they are built in one synchronous pass (stacks/assemble.ts) — so every grant
 * made while building is in it; a grant after that throws rather than go missing.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { PolicyStatement, policyDocument } from "../../../lib/iam";
import { Naming } from "../../../lib/naming";
import { Problem, nest, showValue } from "../../../lib/problems";
import type { Connection } from "../../../stacks/block";

/** What a bucket holds: a site's files (served by the CDN) or files the services write. */
export const BUCKET_PURPOSES = ["static", "uploads"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** The bucket's own part of its physical name: lowercase letters, digits and hyphens (no dots: TLS to `<bucket>.s3.<region>.amazonaws.com` needs a name without them). */
export const BUCKET_KEY = {
    pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    allowed: "lowercase letters, digits and hyphens, starting and ending with a letter or digit",
} as const;

/**
 * General purpose bucket names (Amazon S3 User Guide, "General purpose bucket naming rules",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3–63 characters
 * of lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit, no
 * two adjacent dots, not an IP address, none of the reserved prefixes or suffixes.
 */
export const S3_BUCKET_NAME = {
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9.-]+$/,
    reservedPrefixes: ["xn--", "sthree-", "amzn-s3-demo-"],
    reservedSuffixes: ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"],
} as const;

/** The account id's length: the last part of every bucket name. */
export const ACCOUNT_ID_LENGTH = 12;

/** Why S3 would refuse `name` as a general purpose bucket name, or undefined. */
export function s3BucketNameProblem(name: string): string | undefined {
    const rule = S3_BUCKET_NAME;
    if (name.length < rule.minLength || name.length > rule.maxLength) {
        return `is ${name.length} characters; S3 allows ${rule.minLength}–${rule.maxLength}`;
    }
    if (!rule.pattern.test(name)) {
        return "has characters S3 refuses; S3 allows lowercase letters, digits, dots and hyphens";
    }
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
        return "does not begin and end with a letter or digit, as S3 requires";
    }
    if (name.includes("..")) {
        return "has two adjacent dots, which S3 refuses";
    }
    if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(name)) {
        return "is formatted as an IP address, which S3 refuses";
    }
    const prefix = rule.reservedPrefixes.find((p) => name.startsWith(p));
    if (prefix) {
        return `starts with ${JSON.stringify(prefix)}, which S3 reserves`;
    }
    const suffix = rule.reservedSuffixes.find((s) => name.endsWith(s));
    if (suffix) {
        return `ends with ${JSON.stringify(suffix)}, which S3 reserves`;
    }
    return undefined;
}

/** `<prefix>-<env>-<key>`: the bucket's name without the account id (its `Name` tag). */
export function bucketStem(naming: Naming, key: string): string {
    return naming.format("scoped", key);
}

/** The bucket's physical name: `<prefix>-<env>-<key>-<account id>` (bucket names are global; the account keeps two accounts' stacks apart). */
export function bucketName(naming: Naming, key: string, accountId: string): string {
    return `${bucketStem(naming, key)}-${accountId}`;
}

/** A KMS key ARN: `arn:aws:kms:<region>:<account>:key/<key id>` (a multi-Region key's id starts `mrk-`). */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Days S3 may wait before it expires a noncurrent version: a positive whole number (S3 API, NoncurrentVersionExpiration). */
export const NONCURRENT_DAYS = { min: 1, max: 36500 } as const;

/** Days after which S3 aborts a multipart upload still incomplete: a positive whole number (S3 API, AbortIncompleteMultipartUpload.DaysAfterInitiation). */
export const ABORT_UPLOAD_DAYS = { min: 1, max: 36500 } as const;

/** An uploads bucket aborts incomplete multipart uploads after this many days unless told otherwise: their parts are billed until then, and nobody sees them. */
export const ABORT_UPLOAD_DAYS_DEFAULT = 7;

/**
 * S3 Intelligent-Tiering moves an object out of Frequent Access only when it is at least 128 KB:
 * smaller objects stay in Frequent Access, at its price, and pay nothing for monitoring (Amazon S3
 * User Guide, "How S3 Intelligent-Tiering works":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html). A site's
 * files are mostly that small and read often, so a static bucket gains nothing from it.
 */
export const INTELLIGENT_TIERING_MIN_OBJECT_KB = 128;

/**
 * S3's CORS configuration (Amazon S3 User Guide, "Elements of a CORS configuration":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html): up to 100 rules; the
 * methods GET, PUT, POST, DELETE and HEAD; an origin or an allowed header with at most one `*`.
 */
export const S3_CORS = { maxRules: 100, methods: ["GET", "PUT", "POST", "DELETE", "HEAD"] } as const;
export type S3CorsMethod = (typeof S3_CORS.methods)[number];

/** A browser origin as the CORS rules take it here: `https://<host>[:<port>]`, no path, the host's first label `*` at most (`https://*.example.com`). */
export const CORS_ORIGIN = /^https:\/\/(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;

/** The environment variable that names an uploads bucket for a consumer: `BUCKET_<KEY>`, upper-cased, hyphens as underscores. */
export function bucketVariable(key: string): string {
    return `BUCKET_${key.toUpperCase().replace(/-/g, "_")}`;
}

/** What a consumer of the uploads buckets may do with their objects: read, write, delete, and abort its multipart uploads. */
export const UPLOADS_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"] as const;

/** One CORS rule of a bucket. */
export interface CorsRuleArgs {
    /** `https://<host>[:<port>]` origins, or `*` (any origin). */
    allowedOrigins: readonly string[];
    /** Of GET, PUT, POST, DELETE, HEAD. */
    allowedMethods: readonly string[];
    /** Request headers a preflight may ask for (`*` for any). @default none */
    allowedHeaders?: readonly string[];
    /** Response headers the browser's script may read (ETag, to complete a multipart upload). @default none */
    exposeHeaders?: readonly string[];
    /** Seconds a browser may cache the preflight's answer. @default S3's (none) */
    maxAgeSeconds?: number;
}

export interface BucketArgs {
    purpose: BucketPurpose;
    /** Keep earlier versions of every object. @default false */
    versioning?: boolean;
    /** Expire a version this many days after it stops being current; needs versioning. @default kept */
    noncurrentVersionExpirationDays?: number;
    /** SSE-KMS with this key (same region as the bucket) instead of SSE-S3. */
    kmsKeyArn?: string;
    /** Move current versions to S3 Intelligent-Tiering on day 0 (an uploads bucket's only). @default false */
    intelligentTiering?: boolean;
    /** Abort multipart uploads not completed this many days after they started. @default 7 for an uploads bucket, none for a static one */
    abortIncompleteUploadsDays?: number;
    /** Origins whose pages may call the bucket from a browser (presigned uploads). @default none */
    cors?: readonly CorsRuleArgs[];
}

export interface BucketsArgs extends ComponentBaseArgs {
    /** Buckets by key (the key is the bucket's part of its physical name). */
    buckets: Readonly<Record<string, BucketArgs>>;
    /** Retain every resource when the stack deletes it (prod). @default false */
    retainOnDelete?: boolean;
}

/** What a CloudFront origin needs of a bucket. */
export interface BucketOrigin {
    readonly key: string;
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** `<bucket>.s3.<region>.amazonaws.com`: the REST endpoint origin access control signs for. */
    readonly regionalDomainName: pulumi.Output<string>;
}

interface BuiltBucket {
    readonly args: BucketArgs;
    readonly bucket: aws.s3.Bucket;
}

/** How a CloudFront distribution reads a bucket. */
export interface CloudFrontReadAccess {
    /** Every behaviour serving the bucket takes signed URLs only (a trusted key group): required for an uploads bucket. */
    readonly signedUrlsOnly: boolean;
}

/** A lifecycle rule of a bucket, as aws.s3.BucketLifecycleConfiguration takes it. */
export type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/** Every lifecycle rule of a bucket, in one list: S3 keeps one lifecycle configuration per bucket. */
export function lifecycleRules(args: BucketArgs): LifecycleRule[] {
    const rules: LifecycleRule[] = [];
    if (args.versioning && args.noncurrentVersionExpirationDays !== undefined) {
        rules.push({ id: "expire-noncurrent-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays } });
    }
    if (args.intelligentTiering) {
        rules.push({ id: "intelligent-tiering", status: "Enabled", filter: { prefix: "" }, transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] });
    }
    const abortDays = args.abortIncompleteUploadsDays ?? (args.purpose === "uploads" ? ABORT_UPLOAD_DAYS_DEFAULT : undefined);
    if (abortDays !== undefined) {
        rules.push({ id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: abortDays } });
    }
    return rules;
}

export class Buckets extends PlatformComponent {
    /** Physical names by key. */
    public readonly names: Readonly<Record<string, pulumi.Output<string>>>;
    /** Bucket ARNs by key. */
    public readonly arns: Readonly<Record<string, pulumi.Output<string>>>;

    private readonly built = new Map<string, BuiltBucket>();
    private readonly cloudFrontReaders = new Map<string, pulumi.Input<string>[]>();
    private policiesWritten = false;
    private readonly componentName: string;

    constructor(name: string, args: BucketsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:storage:Buckets", name, { ...args, component: "buckets", problems: bucketsProblems(args) }, opts);
        this.componentName = name;
        const retainOnDelete = args.retainOnDelete ?? false;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        // Runs once the synchronous build of every block has returned: no grant can come later.
        const afterBuild = new Promise<void>((resolve) =>
            queueMicrotask(() => {
                this.policiesWritten = true;
                resolve();
            }),
        );

        const names: Record<string, pulumi.Output<string>> = {};
        const arns: Record<string, pulumi.Output<string>> = {};
        for (const [key, bucketArgs] of Object.entries(args.buckets)) {
            const bucket = this.bucket(name, key, bucketArgs, account, afterBuild, retainOnDelete);
            this.built.set(key, { args: bucketArgs, bucket });
            names[key] = bucket.bucket;
            arns[key] = bucket.arn;
        }
        this.names = names;
        this.arns = arns;
        this.registerOutputs({ names: this.names, arns: this.arns });
    }

    /** What a CloudFront origin needs of the bucket `key`. */
    origin(key: string): BucketOrigin {
        const bucket = this.builtBucket(key).bucket;
        return { key, name: bucket.bucket, arn: bucket.arn, regionalDomainName: bucket.bucketRegionalDomainName };
    }

    /**
     * Lets the CloudFront distribution `distributionArn` read the objects of the bucket `key` through
     * its origin access control: a `static` bucket, or an `uploads` bucket the distribution serves
     * with signed URLs only (`access.signedUrlsOnly`), so that uploads stay private. Call it while
     * the stack is being built.
     */
    grantCloudFrontRead(key: string, distributionArn: pulumi.Input<string>, access: CloudFrontReadAccess = { signedUrlsOnly: false }): void {
        const { args } = this.builtBucket(key);
        if (args.purpose !== "static" && !access.signedUrlsOnly) {
            throw new Error(`Buckets "${this.componentName}": ${JSON.stringify(key)} is an ${args.purpose} bucket; a CDN reads one only behind signed URLs (signedUrlsOnly), so that uploads stay private`);
        }
        if (this.policiesWritten) {
            throw new Error(`Buckets "${this.componentName}": the policy of ${JSON.stringify(key)} is already written; grant read while the stack's blocks are built`);
        }
        this.cloudFrontReaders.set(key, [...(this.cloudFrontReaders.get(key) ?? []), distributionArn]);
    }

    /**
     * What a consumer of the uploads buckets gets: `BUCKET_<KEY>` = each one's name, and its role
     * may read, write and delete their objects, abort its multipart uploads, list them, and use
     * their KMS keys through S3 only. Static buckets are never granted: CI deploys them.
     */
    connection(): Connection {
        const uploads = [...this.built].filter(([, built]) => built.args.purpose === "uploads");
        const statements: PolicyStatement[] = [];
        if (uploads.length > 0) {
            statements.push(
                { Sid: "UseUploadsObjects", Effect: "Allow", Action: [...UPLOADS_OBJECT_ACTIONS], Resource: uploads.map(([, { bucket }]) => pulumi.interpolate`${bucket.arn}/*`) },
                { Sid: "ListUploads", Effect: "Allow", Action: "s3:ListBucket", Resource: uploads.map(([, { bucket }]) => bucket.arn) },
            );
        }
        const keys = [...new Set(uploads.flatMap(([, { args }]) => (args.kmsKeyArn !== undefined ? [args.kmsKeyArn] : [])))].sort();
        if (keys.length > 0) {
            // A key's region is the bucket's (the block's rule): S3 of that region calls KMS.
            const services = [...new Set(keys.map((arn) => `s3.${KMS_KEY_ARN.exec(arn)?.[1] ?? ""}.amazonaws.com`))];
            statements.push({
                Sid: "UseUploadsKeysThroughS3",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: keys,
                Condition: { StringEquals: { "kms:ViaService": services.length === 1 ? services[0] : services } },
            });
        }
        return { environment: Object.fromEntries(uploads.map(([key, { bucket }]) => [bucketVariable(key), bucket.bucket])), secrets: {}, statements };
    }

    private builtBucket(key: string): BuiltBucket {
        const built = this.built.get(key);
        if (!built) {
            throw new Error(`Buckets "${this.componentName}": no bucket ${JSON.stringify(key)}; it has ${[...this.built.keys()].map((k) => JSON.stringify(k)).join(", ")}`);
        }
        return built;
    }

    private bucket(name: string, key: string, args: BucketArgs, account: pulumi.Output<string>, afterBuild: Promise<void>, retainOnDelete: boolean): aws.s3.Bucket {
        const id = `${name}-${key}`;
        const opts = { parent: this, retainOnDelete };
        const stem = bucketStem(this.naming, key);
        const bucket = new aws.s3.Bucket(
            id,
            { bucket: account.apply((accountId) => bucketName(this.naming, key, accountId)), forceDestroy: false, tags: this.tagsFor(stem) },
            opts,
        );
        new aws.s3.BucketOwnershipControls(`${id}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${id}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            opts,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${id}-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: args.kmsKeyArn ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn } : { sseAlgorithm: "AES256" },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            opts,
        );
        const versioning = args.versioning
            ? new aws.s3.BucketVersioning(`${id}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts)
            : undefined;
        const rules = lifecycleRules(args);
        if (rules.length > 0) {
            // One configuration for every rule: S3 keeps one per bucket.
            new aws.s3.BucketLifecycleConfiguration(
                `${id}-lifecycle`,
                { bucket: bucket.id, rules },
                // S3 applies lifecycle rules to noncurrent versions once versioning is on.
                versioning ? { ...opts, dependsOn: [versioning] } : opts,
            );
        }
        if (args.cors !== undefined && args.cors.length > 0) {
            new aws.s3.BucketCorsConfiguration(
                `${id}-cors`,
                {
                    bucket: bucket.id,
                    corsRules: args.cors.map((rule) => ({
                        allowedOrigins: [...rule.allowedOrigins],
                        allowedMethods: [...rule.allowedMethods],
                        ...(rule.allowedHeaders !== undefined ? { allowedHeaders: [...rule.allowedHeaders] } : {}),
                        ...(rule.exposeHeaders !== undefined ? { exposeHeaders: [...rule.exposeHeaders] } : {}),
                        ...(rule.maxAgeSeconds !== undefined ? { maxAgeSeconds: rule.maxAgeSeconds } : {}),
                    })),
                },
                opts,
            );
        }
        const readers: pulumi.Output<string[]> = pulumi.output(afterBuild.then(() => this.cloudFrontReaders.get(key) ?? []));
        new aws.s3.BucketPolicy(
            `${id}-policy`,
            { bucket: bucket.id, policy: pulumi.all([bucket.arn, readers]).apply(([arn, distributions]) => JSON.stringify(bucketPolicy(arn, distributions))) },
            // S3 refuses a policy while the public access block is being applied.
            { ...opts, dependsOn: [publicAccess] },
        );
        return bucket;
    }
}

/**
 * A bucket's policy: CloudFront reads objects for each distribution in `distributionArns` (and for
 * no other), and every request not made over TLS is denied. CloudFront reaches an S3 REST origin
 * with the viewer's protocol, HTTPS behind `redirect-to-https`, so the deny never stops it.
 */
export function bucketPolicy(bucketArn: string, distributionArns: readonly string[]) {
    const statements: PolicyStatement[] = distributionArns.map((distributionArn, i) => ({
        Sid: distributionArns.length === 1 ? "CloudFrontRead" : `CloudFrontRead${i}`,
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    }));
    statements.push({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": false } },
    });
    return policyDocument(statements);
}

/** Every rule the arguments must satisfy. */
export function bucketsProblems(args: BucketsArgs): Problem[] {
    const problems: Problem[] = [];
    const keys = Object.keys(args.buckets);
    if (keys.length === 0) {
        problems.push({ path: [], message: "has no buckets; name at least one, e.g. `site: {purpose: static}`" });
    }
    for (const key of keys) {
        const bucket = args.buckets[key];
        if (!BUCKET_KEY.pattern.test(key)) {
            problems.push({ path: [key], message: `${showValue(key)} is not a bucket name; use ${BUCKET_KEY.allowed}` });
        } else {
            // The account id is 12 digits: its length is known before the account is.
            const name = bucketName(args.naming, key, "0".repeat(ACCOUNT_ID_LENGTH));
            const problem = s3BucketNameProblem(name);
            if (problem) {
                problems.push({ path: [key], message: `makes the bucket name ${showValue(`${bucketStem(args.naming, key)}-<account id>`)}, which ${problem}` });
            }
        }
        if (!(BUCKET_PURPOSES as readonly string[]).includes(bucket.purpose)) {
            problems.push({ path: [key, "purpose"], message: `${showValue(bucket.purpose)} is not allowed; use ${BUCKET_PURPOSES.join(" or ")}` });
        }
        const days = bucket.noncurrentVersionExpirationDays;
        if (days !== undefined) {
            if (!Number.isInteger(days) || days < NONCURRENT_DAYS.min || days > NONCURRENT_DAYS.max) {
                problems.push({ path: [key, "noncurrentVersionExpirationDays"], message: `${days} is not a number of days S3 takes; use a whole number from ${NONCURRENT_DAYS.min} to ${NONCURRENT_DAYS.max}` });
            } else if (!bucket.versioning) {
                problems.push({ path: [key, "noncurrentVersionExpirationDays"], message: `${days} needs versioning: true; without versioning an object has no noncurrent versions` });
            }
        }
        if (bucket.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(bucket.kmsKeyArn)) {
            problems.push({ path: [key, "kmsKeyArn"], message: `${showValue(bucket.kmsKeyArn)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)` });
        }
        if (bucket.intelligentTiering && bucket.purpose === "static") {
            problems.push({
                path: [key, "intelligentTiering"],
                message: `true is not allowed on a static bucket: S3 Intelligent-Tiering never moves objects under ${INTELLIGENT_TIERING_MIN_OBJECT_KB} KB out of Frequent Access, and a site's files are mostly that small and read often (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html); use it on an uploads bucket`,
            });
        }
        const abortDays = bucket.abortIncompleteUploadsDays;
        if (abortDays !== undefined && (!Number.isInteger(abortDays) || abortDays < ABORT_UPLOAD_DAYS.min || abortDays > ABORT_UPLOAD_DAYS.max)) {
            problems.push({ path: [key, "abortIncompleteUploadsDays"], message: `${abortDays} is not a number of days S3 takes; use a whole number from ${ABORT_UPLOAD_DAYS.min} to ${ABORT_UPLOAD_DAYS.max}` });
        }
        problems.push(...nest([key, "cors"], corsProblems(bucket.cors ?? [])));
    }
    return problems;
}

/** The CORS rules' problems, at paths under the bucket's `cors`. */
export function corsProblems(rules: readonly CorsRuleArgs[]): Problem[] {
    const problems: Problem[] = [];
    if (rules.length > S3_CORS.maxRules) {
        problems.push({ path: [], message: `has ${rules.length} rules; S3 takes at most ${S3_CORS.maxRules} in a bucket's CORS configuration` });
    }
    rules.forEach((rule, i) => {
        if (rule.allowedOrigins.length === 0) {
            problems.push({ path: [i, "allowedOrigins"], message: 'is empty; name the origins whose pages call the bucket (https://<host>), or "*"' });
        }
        rule.allowedOrigins.forEach((origin, j) => {
            if (origin !== "*" && !CORS_ORIGIN.test(origin)) {
                problems.push({ path: [i, "allowedOrigins", j], message: `${showValue(origin)} is not an origin; use https://<host>[:<port>] without a path (lowercase; https://*.<domain> for its subdomains), or "*"` });
            }
        });
        if (rule.allowedMethods.length === 0) {
            problems.push({ path: [i, "allowedMethods"], message: `is empty; use some of ${S3_CORS.methods.join(", ")}` });
        }
        const seen = new Set<string>();
        rule.allowedMethods.forEach((method, j) => {
            if (!(S3_CORS.methods as readonly string[]).includes(method)) {
                problems.push({ path: [i, "allowedMethods", j], message: `${showValue(method)} is not a method S3's CORS takes; use ${S3_CORS.methods.join(", ")}` });
            } else if (seen.has(method)) {
                problems.push({ path: [i, "allowedMethods", j], message: `${showValue(method)} is listed twice` });
            }
            seen.add(method);
        });
        (rule.allowedHeaders ?? []).forEach((header, j) => {
            if (header === "" || (header.match(/\*/g) ?? []).length > 1) {
                problems.push({ path: [i, "allowedHeaders", j], message: `${showValue(header)} is not a header name S3 takes; use a name with at most one *, or "*"` });
            }
        });
        if (rule.maxAgeSeconds !== undefined && (!Number.isInteger(rule.maxAgeSeconds) || rule.maxAgeSeconds < 0)) {
            problems.push({ path: [i, "maxAgeSeconds"], message: `${rule.maxAgeSeconds} is not a number of seconds; use a whole number, 0 or more` });
        }
    });
    return problems;
}
