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
 * - versioning, and expiry of noncurrent versions, when asked for;
 * - `forceDestroy` off: a bucket with objects is never deleted by a stack; in prod every resource
 *   is retained when the stack drops it (a retained bucket keeps its settings, its public access
 *   block and its TLS-only policy among them).
 *
 * Who reads a bucket is decided after the buckets exist: the CDN block, built later, calls
 * `grantCloudFrontRead` with its distribution's ARN. Each policy's document waits until the stack's
 * blocks are built — they are built in one synchronous pass (stacks/assemble.ts) — so every grant
 * made while building is in it; a grant after that throws rather than go missing.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { PolicyStatement, policyDocument } from "../../../lib/iam";
import { Naming } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";

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

export interface BucketArgs {
    purpose: BucketPurpose;
    /** Keep earlier versions of every object. @default false */
    versioning?: boolean;
    /** Expire a version this many days after it stops being current; needs versioning. @default kept */
    noncurrentVersionExpirationDays?: number;
    /** SSE-KMS with this key (same region as the bucket) instead of SSE-S3. */
    kmsKeyArn?: string;
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
     * Lets the CloudFront distribution `distributionArn` read the objects of the `static` bucket
     * `key` through its origin access control. Call it while the stack is being built.
     */
    grantCloudFrontRead(key: string, distributionArn: pulumi.Input<string>): void {
        const { args } = this.builtBucket(key);
        if (args.purpose !== "static") {
            throw new Error(`Buckets "${this.componentName}": ${JSON.stringify(key)} is an ${args.purpose} bucket; only static buckets are read by a CDN`);
        }
        if (this.policiesWritten) {
            throw new Error(`Buckets "${this.componentName}": the policy of ${JSON.stringify(key)} is already written; grant read while the stack's blocks are built`);
        }
        this.cloudFrontReaders.set(key, [...(this.cloudFrontReaders.get(key) ?? []), distributionArn]);
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
        if (args.versioning) {
            const versioning = new aws.s3.BucketVersioning(`${id}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
            if (args.noncurrentVersionExpirationDays !== undefined) {
                new aws.s3.BucketLifecycleConfiguration(
                    `${id}-lifecycle`,
                    {
                        bucket: bucket.id,
                        rules: [
                            {
                                id: "expire-noncurrent-versions",
                                status: "Enabled",
                                filter: { prefix: "" },
                                noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
                            },
                        ],
                    },
                    // S3 applies lifecycle rules to noncurrent versions once versioning is on.
                    { ...opts, dependsOn: [versioning] },
                );
            }
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
    }
    return problems;
}
