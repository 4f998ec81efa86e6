import { expect } from "chai";
import { Buckets, BucketsArgs, bucketPolicy, bucketVariable, lifecycleRules, s3BucketNameProblem } from "../../../../components/storage/buckets/buckets";
import { Naming } from "../../../../lib/naming";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, isTaggable, refusedArguments, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

export const S = {
    component: "platform:storage:Buckets",
    bucket: "aws:s3/bucket:Bucket",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

const SITE = `goorm-popcorn-dev-site-${MOCK_ACCOUNT_ID}`;
const UPLOADS = `goorm-popcorn-dev-uploads-${MOCK_ACCOUNT_ID}`;
const KMS_KEY = `arn:aws:kms:ap-northeast-2:${MOCK_ACCOUNT_ID}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;
const DISTRIBUTION = `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/E1A2B3C4D5E6F7`;
const OTHER_DISTRIBUTION = `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/E7F6E5D4C3B2A1`;

function bucketsArgs(change: Partial<BucketsArgs> = {}): BucketsArgs {
    return {
        naming,
        tags,
        buckets: {
            site: { purpose: "static" },
            uploads: { purpose: "uploads", versioning: true, noncurrentVersionExpirationDays: 30, kmsKeyArn: KMS_KEY },
        },
        ...change,
    };
}

interface Statement {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string;
    Resource: string | string[];
    Condition: Record<string, Record<string, unknown>>;
}

/** The statements of the policy of the bucket named `bucket`. */
function statementsOf(view: RunView, bucket: string): Statement[] {
    const [policy] = view.ofType(S.policy).filter((p) => p.inputs.bucket === bucket);
    const document = JSON.parse(String(policy.inputs.policy)) as { Version: string; Statement: Statement[] };
    expect(document.Version).to.equal("2012-10-17");
    return document.Statement;
}

const DENY_INSECURE = (bucket: string): Statement => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": false } },
});

const CLOUDFRONT_READ = (bucket: string, distribution: string, sid = "CloudFrontRead"): Statement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { StringEquals: { "AWS:SourceArn": distribution } },
});

describe("components/buckets: a static and an uploads bucket, nobody granted", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => {
            const buckets = new Buckets("buckets", bucketsArgs());
            return { names: buckets.names, arns: buckets.arns, origin: buckets.origin("site") };
        });
    });

    it("names each bucket <prefix>-<env>-<name>-<account id>, forceDestroy off, not retained in dev", () => {
        const buckets = view.ofType(S.bucket);
        expect(buckets.map((b) => b.inputs.bucket)).to.deep.equal([SITE, UPLOADS]);
        for (const bucket of buckets) {
            expect(bucket.inputs.forceDestroy, bucket.name).to.equal(false);
        }
        expect(view.custom.filter((r) => r.options.retainOnDelete)).to.deep.equal([]);
        expect(view.run.outputs.names).to.deep.equal({ site: SITE, uploads: UPLOADS });
        expect(view.run.outputs.arns).to.deep.equal({ site: `arn:aws:s3:::${SITE}`, uploads: `arn:aws:s3:::${UPLOADS}` });
    });

    it("hands the CDN the bucket's REST endpoint in the stack's region", () => {
        expect(view.run.outputs.origin).to.deep.include({ key: "site", name: SITE, regionalDomainName: `${SITE}.s3.ap-northeast-2.amazonaws.com` });
    });

    it("blocks every kind of public access and turns ACLs off (BucketOwnerEnforced) on every bucket", () => {
        for (const bucket of [SITE, UPLOADS]) {
            const [block] = view.ofType(S.publicAccess).filter((b) => b.inputs.bucket === bucket);
            expect(block.inputs).to.deep.equal({ bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
            const [ownership] = view.ofType(S.ownership).filter((b) => b.inputs.bucket === bucket);
            expect(ownership.inputs).to.deep.equal({ bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
        }
    });

    it("encrypts with SSE-S3, or SSE-KMS with the given key, S3 Bucket Keys on", () => {
        const encryption = (bucket: string) => view.ofType(S.encryption).find((e) => e.inputs.bucket === bucket)!.inputs.rules;
        expect(encryption(SITE)).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }]);
        expect(encryption(UPLOADS)).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true }]);
    });

    it("versions and expires noncurrent versions only where asked, and aborts the uploads bucket's incomplete uploads after 7 days, in one lifecycle configuration after the versioning", () => {
        expect(view.ofType(S.versioning).map((v) => v.inputs)).to.deep.equal([{ bucket: UPLOADS, versioningConfiguration: { status: "Enabled" } }]);
        expect(view.ofType(S.lifecycle)).to.have.length(1);
        const lifecycle = view.one(S.lifecycle, "buckets-uploads-lifecycle");
        expect(lifecycle.inputs).to.deep.equal({
            bucket: UPLOADS,
            rules: [
                { id: "expire-noncurrent-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 30 } },
                { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
            ],
        });
        expect(lifecycle.options.explicitDependsOn).to.deep.equal([view.ofType(S.versioning)[0].urn]);
    });

    it("gives the static bucket no lifecycle rule and no CORS configuration", () => {
        expect(view.ofType(S.lifecycle).filter((l) => l.inputs.bucket === SITE)).to.deep.equal([]);
        expect(view.ofType(S.cors)).to.deep.equal([]);
    });

    it("gives every bucket a policy that only denies requests not made over TLS, written after the public access block", () => {
        expect(statementsOf(view, SITE)).to.deep.equal([DENY_INSECURE(SITE)]);
        expect(statementsOf(view, UPLOADS)).to.deep.equal([DENY_INSECURE(UPLOADS)]);
        for (const policy of view.ofType(S.policy)) {
            const block = view.ofType(S.publicAccess).find((b) => b.inputs.bucket === policy.inputs.bucket)!;
            expect(policy.options.explicitDependsOn, policy.name).to.deep.equal([block.urn]);
        }
    });

    it("tags each bucket with Component=buckets and its name without the account id", () => {
        const taggable = view.custom.filter((r) => isTaggable(r.type));
        expect(taggable.map((r) => r.type)).to.deep.equal([S.bucket, S.bucket]);
        expect(taggable.map((r) => r.inputs.tags)).to.deep.equal([
            { ...tags, Component: "buckets", Name: "goorm-popcorn-dev-site" },
            { ...tags, Component: "buckets", Name: "goorm-popcorn-dev-uploads" },
        ]);
    });

    it("parents every resource to platform:storage:Buckets", () => {
        const [component] = view.ofType(S.component);
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
    });
});

describe("components/buckets: read granted to CloudFront distributions", () => {
    it("lets exactly the granted distribution read objects (by AWS:SourceArn), and still denies non-TLS requests", async () => {
        const view = await runView(() => {
            new Buckets("buckets", bucketsArgs()).grantCloudFrontRead("site", DISTRIBUTION);
            return {};
        });
        expect(statementsOf(view, SITE)).to.deep.equal([CLOUDFRONT_READ(SITE, DISTRIBUTION), DENY_INSECURE(SITE)]);
        expect(statementsOf(view, UPLOADS)).to.deep.equal([DENY_INSECURE(UPLOADS)]);
    });

    it("lists one statement per distribution granted", async () => {
        const view = await runView(() => {
            const buckets = new Buckets("buckets", bucketsArgs());
            buckets.grantCloudFrontRead("site", DISTRIBUTION);
            buckets.grantCloudFrontRead("site", OTHER_DISTRIBUTION);
            return {};
        });
        expect(statementsOf(view, SITE)).to.deep.equal([CLOUDFRONT_READ(SITE, DISTRIBUTION, "CloudFrontRead0"), CLOUDFRONT_READ(SITE, OTHER_DISTRIBUTION, "CloudFrontRead1"), DENY_INSECURE(SITE)]);
    });

    it("lets a distribution read an uploads bucket it serves behind signed URLs only", async () => {
        const view = await runView(() => {
            new Buckets("buckets", bucketsArgs()).grantCloudFrontRead("uploads", DISTRIBUTION, { signedUrlsOnly: true });
            return {};
        });
        expect(statementsOf(view, UPLOADS)).to.deep.equal([CLOUDFRONT_READ(UPLOADS, DISTRIBUTION), DENY_INSECURE(UPLOADS)]);
        expect(statementsOf(view, SITE)).to.deep.equal([DENY_INSECURE(SITE)]);
    });

    it("refuses a grant once the policies are written (after the synchronous build), a grant on an uploads bucket without signed URLs, and an unknown bucket", async () => {
        let lateError: unknown;
        const errors: string[] = [];
        await runView(() => {
            const buckets = new Buckets("buckets", bucketsArgs());
            for (const [key, arn] of [["uploads", DISTRIBUTION], ["web", DISTRIBUTION]]) {
                try {
                    buckets.grantCloudFrontRead(key, arn);
                } catch (err) {
                    errors.push((err as Error).message);
                }
            }
            // A microtask queued after the component's: the policies are written by then.
            void Promise.resolve()
                .then(() => buckets.grantCloudFrontRead("site", DISTRIBUTION))
                .catch((err: unknown) => (lateError = err));
            return {};
        });
        expect(errors).to.deep.equal([
            'Buckets "buckets": "uploads" is an uploads bucket; a CDN reads one only behind signed URLs (signedUrlsOnly), so that uploads stay private',
            'Buckets "buckets": no bucket "web"; it has "site", "uploads"',
        ]);
        expect(String(lateError)).to.contain(`the policy of "site" is already written; grant read while the stack's blocks are built`);
    });

    it("bucketPolicy: without distributions, the deny alone", () => {
        expect(bucketPolicy("arn:aws:s3:::b", [])).to.deep.equal({ Version: "2012-10-17", Statement: [DENY_INSECURE("b")] });
    });
});

describe("components/buckets: lifecycle rules and CORS", () => {
    let view: RunView;
    const CORS = [
        { allowedOrigins: ["https://couple.goormpopcorn.shop"], allowedMethods: ["PUT", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3000 },
        { allowedOrigins: ["https://*.goormpopcorn.shop"], allowedMethods: ["GET", "HEAD"] },
    ];
    before(async () => {
        view = await runView(
            () =>
                new Buckets("buckets", {
                    naming,
                    tags,
                    buckets: {
                        site: { purpose: "static", abortIncompleteUploadsDays: 2 },
                        uploads: { purpose: "uploads", versioning: true, noncurrentVersionExpirationDays: 90, intelligentTiering: true, abortIncompleteUploadsDays: 3, cors: CORS },
                        photos: { purpose: "uploads", intelligentTiering: true },
                    },
                }),
        );
    });

    it("holds every rule of a bucket in its one lifecycle configuration: noncurrent expiry, INTELLIGENT_TIERING on day 0, incomplete uploads aborted", () => {
        const rulesOf = (bucket: string) => view.ofType(S.lifecycle).filter((l) => l.inputs.bucket === bucket).map((l) => l.inputs.rules);
        expect(rulesOf(`goorm-popcorn-dev-uploads-${MOCK_ACCOUNT_ID}`)).to.deep.equal([
            [
                { id: "expire-noncurrent-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 90 } },
                { id: "intelligent-tiering", status: "Enabled", filter: { prefix: "" }, transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] },
                { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 3 } },
            ],
        ]);
        // Without versioning: no noncurrent rule, and the configuration waits for nothing.
        expect(rulesOf(`goorm-popcorn-dev-photos-${MOCK_ACCOUNT_ID}`)).to.deep.equal([
            [
                { id: "intelligent-tiering", status: "Enabled", filter: { prefix: "" }, transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] },
                { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
            ],
        ]);
        expect(view.one(S.lifecycle, "buckets-photos-lifecycle").options.explicitDependsOn).to.deep.equal([]);
        // A static bucket aborts uploads only when told to.
        expect(rulesOf(SITE)).to.deep.equal([[{ id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 2 } }]]);
        expect(view.ofType(S.lifecycle)).to.have.length(3);
    });

    it("lifecycleRules: nothing for a static bucket by default, and noncurrent expiry only with versioning", () => {
        expect(lifecycleRules({ purpose: "static" })).to.deep.equal([]);
        expect(lifecycleRules({ purpose: "static", noncurrentVersionExpirationDays: 30 })).to.deep.equal([]);
    });

    it("writes the CORS rules to one BucketCorsConfiguration, keys given only when set", () => {
        expect(view.ofType(S.cors).map((c) => [c.name, c.id, c.inputs])).to.deep.equal([
            [
                "buckets-uploads-cors",
                `goorm-popcorn-dev-uploads-${MOCK_ACCOUNT_ID}`,
                {
                    bucket: `goorm-popcorn-dev-uploads-${MOCK_ACCOUNT_ID}`,
                    corsRules: [
                        { allowedOrigins: ["https://couple.goormpopcorn.shop"], allowedMethods: ["PUT", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3000 },
                        { allowedOrigins: ["https://*.goormpopcorn.shop"], allowedMethods: ["GET", "HEAD"] },
                    ],
                },
            ],
        ]);
    });
});

describe("components/buckets: what a consumer of the uploads buckets gets", () => {
    const PHOTOS = `goorm-popcorn-dev-user-photos-${MOCK_ACCOUNT_ID}`;
    it("BUCKET_<KEY> for each uploads bucket, objects read/write/delete/abort on <arn>/*, ListBucket on <arn>, the KMS key through S3 only; nothing on the static bucket", async () => {
        const view = await runView(() => {
            const buckets = new Buckets("buckets", {
                naming,
                tags,
                buckets: { site: { purpose: "static" }, uploads: { purpose: "uploads", kmsKeyArn: KMS_KEY }, "user-photos": { purpose: "uploads" } },
            });
            return { connection: buckets.connection() };
        });
        expect(view.run.outputs.connection).to.deep.equal({
            environment: { BUCKET_UPLOADS: UPLOADS, BUCKET_USER_PHOTOS: PHOTOS },
            secrets: {},
            statements: [
                {
                    Sid: "UseUploadsObjects",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                    Resource: [`arn:aws:s3:::${UPLOADS}/*`, `arn:aws:s3:::${PHOTOS}/*`],
                },
                { Sid: "ListUploads", Effect: "Allow", Action: "s3:ListBucket", Resource: [`arn:aws:s3:::${UPLOADS}`, `arn:aws:s3:::${PHOTOS}`] },
                {
                    Sid: "UseUploadsKeysThroughS3",
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: [KMS_KEY],
                    Condition: { StringEquals: { "kms:ViaService": "s3.ap-northeast-2.amazonaws.com" } },
                },
            ],
        });
    });

    it("no KMS statement without a key, and nothing at all without an uploads bucket", async () => {
        const view = await runView(() => ({
            uploads: new Buckets("a", { naming, tags, buckets: { uploads: { purpose: "uploads" } } }).connection().statements!.map((s) => s.Sid),
            none: new Buckets("b", { naming: new Naming("other", "dev"), tags, buckets: { site: { purpose: "static" } } }).connection(),
        }));
        expect(view.run.outputs.uploads).to.deep.equal(["UseUploadsObjects", "ListUploads"]);
        expect(view.run.outputs.none).to.deep.equal({ environment: {}, secrets: {}, statements: [] });
    });

    it("bucketVariable: upper-cased, hyphens as underscores", () => {
        expect(["uploads", "user-photos", "2026-media"].map(bucketVariable)).to.deep.equal(["BUCKET_UPLOADS", "BUCKET_USER_PHOTOS", "BUCKET_2026_MEDIA"]);
    });
});

describe("components/buckets: prod keeps what it built", () => {
    it("retains every resource of every bucket when the stack deletes it, and never force-destroys", async () => {
        const view = await runView(() => new Buckets("buckets", bucketsArgs({ retainOnDelete: true })));
        const custom = view.custom;
        expect(custom.length).to.equal(12);
        for (const resource of custom) {
            expect(resource.options.retainOnDelete, `${resource.type} ${resource.name}`).to.equal(true);
        }
        expect(view.ofType(S.bucket).every((b: RecordedResource) => b.inputs.forceDestroy === false)).to.equal(true);
    });
});

describe("components/buckets: arguments", () => {
    it("refuses a bad bucket name, a physical name over 63 characters, expiry without versioning or out of range, and a bad KMS ARN, before registering anything", async () => {
        const problems = await refusedArguments("Buckets", () =>
            new Buckets("buckets", {
                naming: new Naming("goorm-popcorn", "dev"),
                tags,
                buckets: {
                    "Site.Assets": { purpose: "static" },
                    "a-very-long-bucket-name-that-goes-on-and-on": { purpose: "uploads" },
                    site: { purpose: "static", noncurrentVersionExpirationDays: 30 },
                    logs: { purpose: "uploads", versioning: true, noncurrentVersionExpirationDays: 0 },
                    files: { purpose: "uploads", kmsKeyArn: "alias/aws/s3" },
                },
            }),
        );
        expect(problems).to.deep.equal([
            'Site.Assets: "Site.Assets" is not a bucket name; use lowercase letters, digits and hyphens, starting and ending with a letter or digit',
            'a-very-long-bucket-name-that-goes-on-and-on: makes the bucket name "goorm-popcorn-dev-a-very-long-bucket-name-that-goes-on-and-on-<account id>", which is 74 characters; S3 allows 3–63',
            "site.noncurrentVersionExpirationDays: 30 needs versioning: true; without versioning an object has no noncurrent versions",
            "logs.noncurrentVersionExpirationDays: 0 is not a number of days S3 takes; use a whole number from 1 to 36500",
            'files.kmsKeyArn: "alias/aws/s3" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)',
        ]);
    });

    it("refuses Intelligent-Tiering on a static bucket, incomplete-upload days out of range, and CORS rules S3 would refuse", async () => {
        const problems = await refusedArguments("Buckets", () =>
            new Buckets("buckets", {
                naming,
                tags,
                buckets: {
                    site: { purpose: "static", intelligentTiering: true, abortIncompleteUploadsDays: 0 },
                    uploads: {
                        purpose: "uploads",
                        cors: [
                            { allowedOrigins: [], allowedMethods: [] },
                            { allowedOrigins: ["http://couple.goormpopcorn.shop", "https://couple.goormpopcorn.shop/app", "https://Couple.goormpopcorn.shop", "*"], allowedMethods: ["PUT", "PATCH", "PUT"] },
                            { allowedOrigins: ["https://couple.goormpopcorn.shop:8443"], allowedMethods: ["GET"], allowedHeaders: ["x-amz-*", "*-*-*", ""], maxAgeSeconds: -1 },
                        ],
                    },
                    many: { purpose: "uploads", cors: Array.from({ length: 101 }, () => ({ allowedOrigins: ["*"], allowedMethods: ["GET"] })) },
                },
            }),
        );
        expect(problems).to.deep.equal([
            "site.intelligentTiering: true is not allowed on a static bucket: S3 Intelligent-Tiering never moves objects under 128 KB out of Frequent Access, and a site's files are mostly that small and read often (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html); use it on an uploads bucket",
            "site.abortIncompleteUploadsDays: 0 is not a number of days S3 takes; use a whole number from 1 to 36500",
            'uploads.cors[0].allowedOrigins: is empty; name the origins whose pages call the bucket (https://<host>), or "*"',
            "uploads.cors[0].allowedMethods: is empty; use some of GET, PUT, POST, DELETE, HEAD",
            'uploads.cors[1].allowedOrigins[0]: "http://couple.goormpopcorn.shop" is not an origin; use https://<host>[:<port>] without a path (lowercase; https://*.<domain> for its subdomains), or "*"',
            'uploads.cors[1].allowedOrigins[1]: "https://couple.goormpopcorn.shop/app" is not an origin; use https://<host>[:<port>] without a path (lowercase; https://*.<domain> for its subdomains), or "*"',
            'uploads.cors[1].allowedOrigins[2]: "https://Couple.goormpopcorn.shop" is not an origin; use https://<host>[:<port>] without a path (lowercase; https://*.<domain> for its subdomains), or "*"',
            'uploads.cors[1].allowedMethods[1]: "PATCH" is not a method S3\'s CORS takes; use GET, PUT, POST, DELETE, HEAD',
            'uploads.cors[1].allowedMethods[2]: "PUT" is listed twice',
            'uploads.cors[2].allowedHeaders[1]: "*-*-*" is not a header name S3 takes; use a name with at most one *, or "*"',
            'uploads.cors[2].allowedHeaders[2]: "" is not a header name S3 takes; use a name with at most one *, or "*"',
            "uploads.cors[2].maxAgeSeconds: -1 is not a number of seconds; use a whole number, 0 or more",
            "many.cors: has 101 rules; S3 takes at most 100 in a bucket's CORS configuration",
        ]);
    });

    it("refuses no buckets at all", async () => {
        expect(await refusedArguments("Buckets", () => new Buckets("buckets", { naming, tags, buckets: {} }))).to.deep.equal([": has no buckets; name at least one, e.g. `site: {purpose: static}`"]);
    });
});

describe("components/buckets: S3's general purpose bucket naming rules", () => {
    const cases: Array<[string, string | undefined]> = [
        ["goorm-popcorn-dev-site-123456789012", undefined],
        ["ab", "is 2 characters; S3 allows 3–63"],
        ["a".repeat(64), "is 64 characters; S3 allows 3–63"],
        ["Site-1", "has characters S3 refuses; S3 allows lowercase letters, digits, dots and hyphens"],
        ["-site", "does not begin and end with a letter or digit, as S3 requires"],
        ["my..site", "has two adjacent dots, which S3 refuses"],
        ["192.168.5.4", "is formatted as an IP address, which S3 refuses"],
        ["xn--site", 'starts with "xn--", which S3 reserves'],
        ["sthree-site", 'starts with "sthree-", which S3 reserves'],
        ["amzn-s3-demo-site", 'starts with "amzn-s3-demo-", which S3 reserves'],
        ["site-s3alias", 'ends with "-s3alias", which S3 reserves'],
        ["site--ol-s3", 'ends with "--ol-s3", which S3 reserves'],
        ["site.mrap", 'ends with ".mrap", which S3 reserves'],
        ["site--x-s3", 'ends with "--x-s3", which S3 reserves'],
    ];
    for (const [name, problem] of cases) {
        it(`${JSON.stringify(name)}: ${problem ?? "accepted"}`, () => {
            expect(s3BucketNameProblem(name)).to.equal(problem);
        });
    }
});
