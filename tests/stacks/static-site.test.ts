/**
 * A static site as system E has it: a private bucket of platform:buckets behind the CloudFront
 * distribution of platform:cdn. The whole program plans it (no network needed); the bucket's
 * policy names exactly the stack's distribution; every rule of both blocks is triggered with its
 * exact message; and what the two blocks claim is refused in a second stack file of the account.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../../stacks/config";
import { claimConflicts } from "../../stacks/claims";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource, runProgram } from "../../tooling/mock-runtime";
import { projectProgram } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, stackConfig } from "../fixtures/config";
import { expectBaseline } from "../support/baseline";
import { RunView } from "../support/query";

const T = {
    bucket: "aws:s3/bucket:Bucket",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    distribution: "aws:cloudfront/distribution:Distribution",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    certificate: "aws:acm/certificate:Certificate",
    record: "aws:route53/record:Record",
} as const;

/** A stack file's config: the core keys, and `platform:<key>` → value for each block key given. */
function site(blocks: Json, core: { env?: string; name?: string; envName?: string } = {}): ConfigMap {
    const config: ConfigMap = { "aws:region": "ap-northeast-2", "platform:env": core.env ?? "dev", "platform:name": core.name ?? "chat" };
    if (core.envName !== undefined) {
        config["platform:envName"] = core.envName;
    }
    for (const [key, value] of Object.entries(blocks)) {
        config[`platform:${key}`] = JSON.stringify(value);
    }
    return config;
}

const SITE_BUCKET = { site: { purpose: "static" } };
const SITE_CDN = { bucket: "site", spaFallback: true, aliases: ["chat.goormpopcorn.shop"], certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" } };

/** Runs the program on `config` in a project directory of its own (no sibling stack files). */
async function plan(config: ConfigMap, stack = "site"): Promise<ProgramRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-site-"));
    try {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        return await runProgram(projectProgram(), { stack, config, projectDirectory: dir });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

interface Statement {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string;
    Resource: string | string[];
    Condition: Record<string, Record<string, unknown>>;
}

function statementsOf(policy: RecordedResource): Statement[] {
    return (JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] }).Statement;
}

describe("stacks: system E's static site (platform:buckets + platform:cdn)", () => {
    let run: ProgramRun;
    let view: RunView;
    let distribution: RecordedResource;
    const bucket = `chat-dev-site-${MOCK_ACCOUNT_ID}`;
    before(async () => {
        run = await plan(site({ buckets: SITE_BUCKET, cdn: SITE_CDN }));
        view = new RunView(run);
        distribution = view.one(T.distribution, "cdn-distribution");
    });

    it("plans without a network: buckets, CloudFront, ACM and Route 53 only, within the baseline", () => {
        const services = new Set(view.custom.map((r) => r.type.split(":")[1].split("/")[0]));
        expect([...services].sort()).to.deep.equal(["acm", "cloudfront", "route53", "s3"]);
        expectBaseline(run, { project: "chat", env: "dev", name: "site" });
    });

    it("lets exactly the stack's distribution read the bucket (AWS:SourceArn = its ARN), and denies requests not made over TLS", () => {
        const [policy] = view.ofType(T.policy);
        expect(policy.inputs.bucket).to.equal(bucket);
        const arn = `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${String(distribution.id)}`;
        expect(statementsOf(policy)).to.deep.equal([
            {
                Sid: "CloudFrontRead",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${bucket}/*`,
                Condition: { StringEquals: { "AWS:SourceArn": arn } },
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                Condition: { Bool: { "aws:SecureTransport": false } },
            },
        ]);
        // The policy is written after the distribution it names, and removed before it.
        expect(policy.options.dependsOn).to.include(distribution.urn);
    });

    it("blocks all public access to the bucket", () => {
        expect(view.one(T.publicAccess, "buckets-site-public-access").inputs).to.include({ bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    });

    it("reads the bucket through the origin access control, redirects to HTTPS, caches by CachingOptimized, answers 403/404 with /index.html", () => {
        const oac = view.one(T.oac, "cdn-oac");
        expect(distribution.inputs.origins).to.deep.equal([{ originId: "s3-site", domainName: `${bucket}.s3.ap-northeast-2.amazonaws.com`, originAccessControlId: oac.id }]);
        expect(distribution.inputs.defaultCacheBehavior).to.deep.include({ viewerProtocolPolicy: "redirect-to-https", cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" });
        expect((distribution.inputs.customErrorResponses as Array<{ errorCode: number; responsePagePath: string; responseCode: number }>).map((r) => [r.errorCode, r.responseCode, r.responsePagePath])).to.deep.equal([
            [403, 200, "/index.html"],
            [404, 200, "/index.html"],
        ]);
    });

    it("issues the aliases' certificate with region us-east-1 and serves it with TLSv1.2_2021", () => {
        const [certificate] = view.ofType(T.certificate);
        expect(certificate.inputs.region).to.equal("us-east-1");
        expect(distribution.inputs.viewerCertificate).to.deep.equal({ acmCertificateArn: certificate.id, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    });

    it("outputs the bucket's name, https://<alias> and the distribution id", () => {
        expect(run.outputs).to.deep.equal({ env: "dev", region: "ap-northeast-2", bucketNames: { site: bucket }, siteUrl: "https://chat.goormpopcorn.shop", distributionId: distribution.id });
    });
});

describe("stacks: the static site without aliases, and in prod", () => {
    it("without aliases: CloudFront's certificate, no ACM certificate, no DNS record, https://<id>.cloudfront.net", async () => {
        const run = await plan(site({ buckets: SITE_BUCKET, cdn: { bucket: "site" } }));
        const view = new RunView(run);
        const distribution = view.one(T.distribution, "cdn-distribution");
        expect(distribution.inputs.viewerCertificate).to.deep.equal({ cloudfrontDefaultCertificate: true });
        expect(view.ofType(T.certificate)).to.deep.equal([]);
        expect(view.ofType(T.record)).to.deep.equal([]);
        expect(run.outputs.siteUrl).to.equal(`https://${String(distribution.id).toLowerCase()}.cloudfront.net`);
    });

    it("buckets alone (uploads): no CloudFront, a TLS-only policy that lets no one read", async () => {
        const view = new RunView(await plan(site({ buckets: { files: { purpose: "uploads" } } })));
        expect(view.ofType(T.distribution)).to.deep.equal([]);
        expect(statementsOf(view.ofType(T.policy)[0]).map((s) => [s.Sid, s.Effect])).to.deep.equal([["DenyInsecureTransport", "Deny"]]);
    });

    it("prod: versioned by default, every bucket resource retained on delete, never force-destroyed", async () => {
        const run = await plan(site({ buckets: SITE_BUCKET, cdn: SITE_CDN }, { env: "prod" }));
        const view = new RunView(run);
        expect(view.ofType(T.versioning).map((v) => v.inputs.versioningConfiguration)).to.deep.equal([{ status: "Enabled" }]);
        const bucketResources = view.custom.filter((r) => r.type.startsWith("aws:s3/"));
        expect(bucketResources).to.have.length(6);
        expect(bucketResources.filter((r) => !r.options.retainOnDelete).map((r) => r.name)).to.deep.equal([]);
        expect(view.one(T.bucket, "buckets-site").inputs.forceDestroy).to.equal(false);
        expectBaseline(run, { project: "chat", env: "prod", name: "site" });
    });
});

describe("stacks: bad buckets and CDN configs", () => {
    const withSite = (cdn: Json, buckets: Json = SITE_BUCKET, core = {}) => () => site({ buckets, cdn }, core);
    const cases: RuleCase[] = [
        ["a CDN without platform:buckets", () => site({ cdn: { bucket: "site" } }), ["platform:cdn: needs platform:buckets, which this stack does not have"]],
        ["a CDN bucket that platform:buckets does not have", withSite({ bucket: "web" }), ['platform:cdn.bucket: "web" is not a bucket of platform:buckets; name one of "site"']],
        [
            "a CDN in front of an uploads bucket",
            withSite({ bucket: "files" }, { files: { purpose: "uploads" } }),
            ['platform:cdn.bucket: "files" is an uploads bucket; the default behaviour serves static buckets only (purpose: static), so that uploads stay private: serve it on a path of its own, in behaviors with signed: true'],
        ],
        [
            "a CDN in front of an SSE-KMS bucket",
            withSite({ bucket: "site" }, { site: { purpose: "static", kmsKeyArn: `arn:aws:kms:ap-northeast-2:${MOCK_ACCOUNT_ID}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789` } }),
            [
                "platform:buckets.site.kmsKeyArn: is set on the CDN's bucket; CloudFront could read SSE-KMS objects only if the key's policy let cloudfront.amazonaws.com decrypt for this distribution, which this program does not manage: remove it (SSE-S3)",
            ],
        ],
        ["a price class CloudFront does not have", withSite({ bucket: "site", priceClass: "PriceClass_300" }), ['platform:cdn.priceClass: "PriceClass_300" is not allowed; expected one of PriceClass_100, PriceClass_200, PriceClass_All']],
        ["a cache policy that is not one of the two", withSite({ bucket: "site", cachePolicy: "CachingEverything" }), ['platform:cdn.cachePolicy: "CachingEverything" is not allowed; expected one of CachingOptimized, CachingDisabled']],
        [
            "a root object with a leading slash",
            withSite({ bucket: "site", defaultRootObject: "/index.html" }),
            ['platform:cdn.defaultRootObject: "/index.html" is not an object name CloudFront takes; use a key without a leading / or spaces, up to 255 characters, e.g. index.html'],
        ],
        [
            "101 aliases",
            withSite({ bucket: "site", aliases: Array.from({ length: 101 }, (_, i) => `site${i}.goormpopcorn.shop`), certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" } }),
            ["platform:cdn.aliases: has 101 names; CloudFront allows at most 100 alternate domain names per distribution"],
        ],
        [
            "an alias in capitals",
            withSite({ ...SITE_CDN, aliases: ["Chat.goormpopcorn.shop"] }),
            ['platform:cdn.aliases[0]: "Chat.goormpopcorn.shop" is not a fully qualified domain name (lowercase, e.g. chat.goormpopcorn.shop)'],
        ],
        [
            "an alias the certificate does not cover",
            withSite({ ...SITE_CDN, aliases: ["www.chat.goormpopcorn.shop"] }),
            ['platform:cdn.aliases[0]: "www.chat.goormpopcorn.shop" is not covered by the certificate ("*.goormpopcorn.shop", "goormpopcorn.shop"); use goormpopcorn.shop or a name one label below it'],
        ],
        [
            "an alias outside the hosted zone",
            withSite({ ...SITE_CDN, certificate: { domain: "goormpopcorn.shop", hostedZone: "chat.goormpopcorn.shop" }, aliases: ["goormpopcorn.shop"] }),
            ['platform:cdn.aliases[0]: "goormpopcorn.shop" is not inside the hosted zone "chat.goormpopcorn.shop", where its alias records go'],
        ],
        [
            "aliases without a certificate",
            withSite({ bucket: "site", aliases: ["chat.goormpopcorn.shop"] }),
            ["platform:cdn.certificate: is required with aliases: {domain, hostedZone} to issue a certificate in us-east-1 that covers them"],
        ],
        [
            "a certificate without aliases",
            withSite({ bucket: "site", certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" } }),
            ["platform:cdn.certificate: is only used with aliases; without them the distribution answers on its *.cloudfront.net name with CloudFront's certificate"],
        ],
        [
            "a certificate domain that is not a domain",
            withSite({ ...SITE_CDN, certificate: { domain: "goormpopcorn", hostedZone: "Z0123456789ABCDEFGHIJ" } }),
            ['platform:cdn.certificate.domain: "goormpopcorn" is not a domain name (lowercase, e.g. goormpopcorn.shop)'],
        ],
        [
            "a CDN alias that the ALB's records have too",
            () =>
                stackConfig("dev", (_c, edit) => {
                    edit("buckets", (b) => Object.assign(b, SITE_BUCKET));
                    edit("cdn", (c) => Object.assign(c, { ...SITE_CDN, aliases: ["api-dev.goormpopcorn.shop"] }));
                }),
            ['platform:cdn.aliases[0]: "api-dev.goormpopcorn.shop" is also a record of platform:alb.dns.records; a name points at the ALB or at the CDN, not both'],
        ],
        ["no buckets at all", () => site({ buckets: {} }), ["platform:buckets: has no buckets; name at least one, e.g. `site: {purpose: static}`"]],
        ["a purpose that is not one of the two", () => site({ buckets: { site: { purpose: "public" } } }), ['platform:buckets.site.purpose: "public" is not allowed; expected one of static, uploads']],
        [
            "a bucket name with capitals and a dot",
            () => site({ buckets: { "Site.v2": { purpose: "static" } } }),
            ['platform:buckets.Site.v2: "Site.v2" is not a bucket name; use lowercase letters, digits and hyphens, starting and ending with a letter or digit'],
        ],
        [
            "a bucket whose physical name would pass 63 characters",
            () => site({ buckets: { "assets-for-the-chat-demo-site": { purpose: "static" } } }, { name: "goorm-popcorn-platform" }),
            [
                'platform:buckets.assets-for-the-chat-demo-site: makes the bucket name "goorm-popcorn-platform-dev-assets-for-the-chat-demo-site-<account id>", which is 69 characters; S3 allows 3–63; shorten platform:name, platform:envName or the bucket\'s name',
            ],
        ],
        [
            "noncurrent-version expiry without versioning",
            () => site({ buckets: { files: { purpose: "uploads", noncurrentVersionExpirationDays: 30 } } }),
            ["platform:buckets.files.noncurrentVersionExpirationDays: 30 needs versioning: true; without versioning an object has no noncurrent versions"],
        ],
        [
            "noncurrent-version expiry of 0 days",
            () => site({ buckets: { files: { purpose: "uploads", versioning: true, noncurrentVersionExpirationDays: 0 } } }),
            ["platform:buckets.files.noncurrentVersionExpirationDays: 0 is not a number of days S3 takes; use a whole number from 1 to 36500"],
        ],
        [
            "a KMS key alias instead of a key ARN",
            () => site({ buckets: { files: { purpose: "uploads", kmsKeyArn: "alias/aws/s3" } } }),
            ['platform:buckets.files.kmsKeyArn: "alias/aws/s3" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)'],
        ],
        [
            "a KMS key of another region",
            () => site({ buckets: { files: { purpose: "uploads", kmsKeyArn: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789` } } }),
            ['platform:buckets.files.kmsKeyArn: is a key of "us-east-1"; S3 encrypts only with a key of the bucket\'s region, "ap-northeast-2"'],
        ],
    ];
    itRaises(cases);
});

describe("stacks: what the static site claims in the account", () => {
    const conflicts = (own: ConfigMap, other: ConfigMap) =>
        claimConflicts(parseStackConfig(own, "site"), undefined, [{ file: "Pulumi.other.yaml", config: parseStackConfig(other, "other") }]).map((p) => `${p.key}: ${p.message}`);

    it("refuses a bucket name another stack file makes too, even under another platform:name and envName", () => {
        // chat-xx + dev + s  and  chat + xx + dev-s  both make chat-xx-dev-s-<account id>.
        const own = site({ buckets: { s: { purpose: "static" } } }, { name: "chat-xx" });
        const other = site({ buckets: { "dev-s": { purpose: "static" } } }, { name: "chat", envName: "xx" });
        expect(conflicts(own, other)).to.deep.equal(['platform:buckets.s: "chat-xx-dev-s-<account id>" is also a bucket of Pulumi.other.yaml; one stack of the account owns it, so give this stack its own']);
    });

    it("refuses a CDN alias that another stack file's CDN has too", () => {
        const own = site({ buckets: SITE_BUCKET, cdn: SITE_CDN });
        const other = site({ buckets: SITE_BUCKET, cdn: SITE_CDN }, { envName: "staging" });
        expect(conflicts(own, other)).to.deep.equal([
            'platform:cdn.aliases[0]: "chat.goormpopcorn.shop" is also a DNS record of Pulumi.other.yaml; one stack of the account owns it, so give this stack its own',
        ]);
    });
});
