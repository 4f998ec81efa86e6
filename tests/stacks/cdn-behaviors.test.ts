/**
 * System D's edge and uploads through the whole program, on a copy of the point-ecs seed stack file
 * (tests/support/stack-copy.ts): an internal ALB behind CloudFront (the default behaviour, through
 * the VPC origin, uncached), `/static/*` from a static bucket and `/media/*` from an uploads bucket
 * behind signed URLs, each through its own origin access control; the bucket policies naming the
 * distribution; the uploads bucket's lifecycle and CORS; and point-api connecting to `buckets` and
 * `cdn`: its environment, secret and exact task-role statements. Then every rule of the behaviour
 * model, and of the two stores, with its exact message.
 */
import { expect } from "chai";
import { generateKeyPairSync } from "crypto";
import * as fs from "fs";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { readStackConfig } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises } from "../fixtures/config";
import { SEED_ROOT } from "../fixtures/seed";
import { expectBaseline } from "../support/baseline";
import { RunView, T } from "../support/query";
import { StackCopy } from "../support/stack-copy";

const D = {
    distribution: "aws:cloudfront/distribution:Distribution",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
    publicKey: "aws:cloudfront/publicKey:PublicKey",
    keyGroup: "aws:cloudfront/keyGroup:KeyGroup",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
} as const;

const STATIC = `point-ecs-prod-static-${MOCK_ACCOUNT_ID}`;
const UPLOADS = `point-ecs-prod-uploads-${MOCK_ACCOUNT_ID}`;
const PRIVATE_KEY_ARN = `arn:aws:secretsmanager:ap-northeast-2:${MOCK_ACCOUNT_ID}:secret:point-ecs/prod/cdn-signing-key-AbC123`;
const PUBLIC_KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "pem" }).toString();
const ORIGIN = "https://point-api.goormpopcorn.shop";

const BUCKETS = {
    static: { purpose: "static" },
    uploads: {
        purpose: "uploads",
        versioning: true,
        noncurrentVersionExpirationDays: 30,
        intelligentTiering: true,
        cors: [{ allowedOrigins: [ORIGIN], allowedMethods: ["PUT", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3000 }],
    },
};
const BEHAVIORS = [
    { path: "/static/*", bucket: "static" },
    { path: "/media/*", bucket: "uploads", signed: true },
];
const SIGNING = { publicKeys: [{ name: "2026-01", publicKeyPem: PUBLIC_KEY }], privateKeySecretArn: PRIVATE_KEY_ARN };

/** The seed's point-ecs config in system D's edge shape (buckets, behaviours, signing, point-api connecting), then `change`. */
function systemD(change: (edit: (key: string, fn: (value: Json) => void) => void) => void = () => {}): ConfigMap {
    const config: ConfigMap = { ...readStackConfig("point-ecs", SEED_ROOT).config };
    const edit = (key: string, fn: (value: Json) => void) => {
        const full = `platform:${key}`;
        const value = (config[full] === undefined ? {} : JSON.parse(config[full])) as Json;
        fn(value);
        config[full] = JSON.stringify(value);
    };
    edit("buckets", (b) => Object.assign(b, structuredClone(BUCKETS)));
    edit("cdn", (cdn) => Object.assign(cdn, { behaviors: structuredClone(BEHAVIORS), signing: structuredClone(SIGNING) }));
    edit("services", (services) => services["point-api"].connectsTo.push("buckets", "cdn"));
    change(edit);
    return config;
}

interface Container {
    name: string;
    environment?: Array<{ name: string; value: string }>;
    secrets?: Array<{ name: string; valueFrom: string }>;
}

interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

const statementsOf = (policy: RecordedResource): Statement[] => (JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] }).Statement;

describe("stacks: system D's edge and uploads (a copy of the point-ecs seed: ALB default, /static/* and signed /media/* from buckets)", () => {
    let run: ProgramRun;
    let view: RunView;
    let distribution: RecordedResource;
    before(async () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            const doc = copy.document("point-ecs");
            doc.setIn(["config", "platform:buckets"], doc.createNode(BUCKETS));
            doc.setIn(["config", "platform:cdn", "behaviors"], doc.createNode(BEHAVIORS));
            doc.setIn(["config", "platform:cdn", "signing"], doc.createNode(SIGNING));
            doc.setIn(["config", "platform:services", "point-api", "connectsTo"], doc.createNode(["database", "cache", "parameters", "buckets", "cdn"]));
            fs.writeFileSync(copy.file("point-ecs"), doc.toString());
            run = await cachedStackRun("point-ecs", copy.dir);
        } finally {
            copy.remove();
        }
        view = new RunView(run);
        distribution = view.one(D.distribution, "cdn-distribution");
    });

    const appContainer = (): Container => {
        const task = view.ofType(D.taskDefinition).find((t) => t.inputs.family === "point-ecs-prod-point-api")!;
        return (JSON.parse(String(task.inputs.containerDefinitions)) as Container[]).find((c) => c.name === "point-api")!;
    };

    it("plans within the baseline, with the buckets' and the signing's resources", () => {
        expectBaseline(run, { project: "point-ecs", env: "prod", name: "point-ecs" });
        expect(view.ofType(D.publicKey)).to.have.length(1);
        expect(view.ofType(D.keyGroup)).to.have.length(1);
        expect(run.outputs.bucketNames).to.deep.equal({ static: STATIC, uploads: UPLOADS });
        expect(run.outputs.cdnSigningKeyId).to.equal(view.one(D.publicKey, "cdn-public-key-2026-01").id);
    });

    it("has three origins: the ALB through its VPC origin, s3-static and s3-uploads each through its own origin access control", () => {
        const oacId = (key: string) => view.one(D.oac, `cdn-oac-${key}`).id;
        expect(view.ofType(D.oac).map((o) => o.inputs.name)).to.deep.equal(["point-ecs-prod-cdn-static", "point-ecs-prod-cdn-uploads"]);
        expect(distribution.inputs.origins).to.deep.equal([
            { originId: "alb", domainName: "origin.goormpopcorn.shop", vpcOriginConfig: { vpcOriginId: view.one(D.vpcOrigin, "cdn-vpc-origin").id } },
            { originId: "s3-static", domainName: `${STATIC}.s3.ap-northeast-2.amazonaws.com`, originAccessControlId: oacId("static") },
            { originId: "s3-uploads", domainName: `${UPLOADS}.s3.ap-northeast-2.amazonaws.com`, originAccessControlId: oacId("uploads") },
        ]);
    });

    it("orders /static/* (CachingOptimized) and /media/* (signed: the key group trusted; OPTIONS and CORS-S3Origin for the uploads bucket's CORS) before the default, the ALB uncached", () => {
        type Behavior = { pathPattern: string; targetOriginId: string; allowedMethods: string[]; cachePolicyId: string; originRequestPolicyId?: string; trustedKeyGroups?: string[] };
        const behaviors = distribution.inputs.orderedCacheBehaviors as Behavior[];
        const keyGroup = view.one(D.keyGroup, "cdn-key-group");
        expect(behaviors.map((b) => [b.pathPattern, b.targetOriginId, b.allowedMethods.join(","), b.cachePolicyId, b.originRequestPolicyId, b.trustedKeyGroups])).to.deep.equal([
            ["/static/*", "s3-static", "GET,HEAD", "658327ea-f89d-4fab-a63d-7e88639e58f6", undefined, undefined],
            ["/media/*", "s3-uploads", "GET,HEAD,OPTIONS", "658327ea-f89d-4fab-a63d-7e88639e58f6", "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", [keyGroup.id]],
        ]);
        expect(distribution.inputs.defaultCacheBehavior).to.deep.include({ targetOriginId: "alb", cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" });
        expect(keyGroup.inputs).to.deep.equal({ name: "point-ecs-prod-cdn-signers", items: [view.one(D.publicKey, "cdn-public-key-2026-01").id], comment: "point-ecs-prod-cdn: the keys that verify signed URLs" });
        expect(view.one(D.publicKey, "cdn-public-key-2026-01").inputs).to.deep.include({ namePrefix: "point-ecs-prod-cdn-2026-01-", encodedKey: PUBLIC_KEY });
    });

    it("lets exactly this distribution read each bucket it serves (AWS:SourceArn), the uploads bucket included (behind signed URLs), and denies non-TLS requests", () => {
        const arn = `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${String(distribution.id)}`;
        for (const bucket of [STATIC, UPLOADS]) {
            const policy = view.ofType(D.policy).find((p) => p.inputs.bucket === bucket)!;
            expect(statementsOf(policy), bucket).to.deep.equal([
                { Sid: "CloudFrontRead", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { "AWS:SourceArn": arn } } },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                    Condition: { Bool: { "aws:SecureTransport": false } },
                },
            ]);
            expect(policy.options.dependsOn).to.include(distribution.urn);
        }
    });

    it("gives the uploads bucket one lifecycle configuration (noncurrent expiry, INTELLIGENT_TIERING on day 0, incomplete uploads aborted after 7 days) and its CORS rule; the static bucket neither", () => {
        const ofBuckets = view.ofType(D.lifecycle).filter((l) => [STATIC, UPLOADS].includes(String(l.inputs.bucket)));
        expect(ofBuckets.map((l) => [l.inputs.bucket, l.inputs.rules])).to.deep.equal([
            [
                UPLOADS,
                [
                    { id: "expire-noncurrent-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 30 } },
                    { id: "intelligent-tiering", status: "Enabled", filter: { prefix: "" }, transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] },
                    { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
                ],
            ],
        ]);
        expect(view.ofType(D.cors).map((c) => [c.inputs.bucket, c.inputs.corsRules])).to.deep.equal([
            [UPLOADS, [{ allowedOrigins: [ORIGIN], allowedMethods: ["PUT", "POST"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3000 }]],
        ]);
    });

    it("tells point-api BUCKET_UPLOADS (not the static bucket), CDN_URL and CDN_SIGNING_KEY_ID, and passes the private key as the secret CDN_SIGNING_PRIVATE_KEY, which its execution role alone may read", () => {
        const container = appContainer();
        const env = Object.fromEntries((container.environment ?? []).map((e) => [e.name, e.value]));
        expect(env).to.deep.include({ BUCKET_UPLOADS: UPLOADS, CDN_URL: "https://point-api.goormpopcorn.shop", CDN_SIGNING_KEY_ID: view.one(D.publicKey, "cdn-public-key-2026-01").id });
        expect(Object.keys(env).filter((name) => name.startsWith("BUCKET_"))).to.deep.equal(["BUCKET_UPLOADS"]);
        expect((container.secrets ?? []).filter((s) => s.name.startsWith("CDN_"))).to.deep.equal([{ name: "CDN_SIGNING_PRIVATE_KEY", valueFrom: PRIVATE_KEY_ARN }]);
        const execution = view.ofType(T.rolePolicy).filter((p) => p.name.endsWith("-execution-policy") && p.name.startsWith("point-api"));
        const reads = execution.flatMap(statementsOf).filter((s) => s.Sid === "ReadOwnSecrets");
        expect(reads.flatMap((s) => [s.Resource].flat())).to.include(PRIVATE_KEY_ARN);
        expect(view.ofType(T.rolePolicy).filter((p) => String(p.inputs.policy).includes(PRIVATE_KEY_ARN)).map((p) => p.name)).to.deep.equal(execution.map((p) => p.name));
    });

    it("lets point-api's task role read, write, delete and abort uploads on the uploads bucket's objects and list it, and nothing on the static bucket", () => {
        const task = view.ofType(T.rolePolicy).filter((p) => p.name.startsWith("point-api") && p.name.endsWith("-task-policy"));
        const statements = task.flatMap(statementsOf);
        expect(statements.filter((s) => ["UseUploadsObjects", "ListUploads"].includes(s.Sid ?? ""))).to.deep.equal([
            { Sid: "UseUploadsObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: [`arn:aws:s3:::${UPLOADS}/*`] },
            { Sid: "ListUploads", Effect: "Allow", Action: "s3:ListBucket", Resource: [`arn:aws:s3:::${UPLOADS}`] },
        ]);
        expect(JSON.stringify(statements)).to.not.contain(STATIC);
        expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("kms:") && s.Sid === "UseUploadsKeysThroughS3"))).to.deep.equal([]);
    });
});

describe("stacks: bad behaviours, signing and connections of system D's edge", () => {
    const KMS_KEY = `arn:aws:kms:ap-northeast-2:${MOCK_ACCOUNT_ID}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;
    const cases: RuleCase[] = [
        [
            "connectsTo: [cdn] on a CDN without signing",
            () =>
                systemD((edit) => {
                    edit("cdn", (cdn) => {
                        delete cdn.signing;
                        cdn.behaviors = [{ path: "/static/*", bucket: "static" }];
                    });
                }),
            [
                'platform:services.point-api.connectsTo[4]: "cdn" cannot be connected to: platform:cdn has no signing, and CDN_URL, CDN_SIGNING_KEY_ID, CDN_SIGNING_PRIVATE_KEY come with its signed URLs; add platform:cdn.signing, or remove "cdn"',
            ],
            "point-ecs",
        ],
        [
            "connectsTo: [buckets] with static buckets only",
            () =>
                systemD((edit) => {
                    edit("buckets", (buckets) => delete buckets.uploads);
                    edit("cdn", (cdn) => {
                        delete cdn.signing;
                        cdn.behaviors = [{ path: "/static/*", bucket: "static" }];
                    });
                    edit("services", (services) => (services["point-api"].connectsTo = ["database", "cache", "parameters", "buckets"]));
                }),
            [
                'platform:services.point-api.connectsTo[3]: "buckets" cannot be connected to: platform:buckets has no uploads bucket (static buckets are deployed by CI, never granted to services); add one with purpose: uploads, or remove "buckets"',
            ],
            "point-ecs",
        ],
        [
            "an uploads bucket on a behaviour without signed: true",
            () => systemD((edit) => edit("cdn", (cdn) => (cdn.behaviors = [{ path: "/static/*", bucket: "static" }, { path: "/media/*", bucket: "uploads", signed: false }, { path: "/signed/*", bucket: "uploads", signed: true }]))),
            ['platform:cdn.behaviors[1].bucket: "uploads" is an uploads bucket; a behaviour serves one only with signed: true (signed URLs), so that uploads stay private'],
            "point-ecs",
        ],
        [
            "a behaviour's bucket that platform:buckets does not have",
            () => systemD((edit) => edit("cdn", (cdn) => (cdn.behaviors[0].bucket = "assets"))),
            ['platform:cdn.behaviors[0].bucket: "assets" is not a bucket of platform:buckets; name one of "static", "uploads"'],
            "point-ecs",
        ],
        [
            "behaviours without platform:buckets",
            () => {
                const config = systemD((edit) => edit("services", (services) => (services["point-api"].connectsTo = ["database", "cache", "parameters", "cdn"])));
                delete config["platform:buckets"];
                return config;
            },
            ["platform:cdn.behaviors: needs platform:buckets, which this stack does not have"],
            "point-ecs",
        ],
        [
            "an SSE-KMS bucket served on two behaviours (reported once)",
            () =>
                systemD((edit) => {
                    edit("buckets", (buckets) => (buckets.static.kmsKeyArn = KMS_KEY));
                    edit("cdn", (cdn) => cdn.behaviors.push({ path: "/assets/*", bucket: "static" }));
                }),
            [
                "platform:buckets.static.kmsKeyArn: is set on the CDN's bucket; CloudFront could read SSE-KMS objects only if the key's policy let cloudfront.amazonaws.com decrypt for this distribution, which this program does not manage: remove it (SSE-S3)",
            ],
            "point-ecs",
        ],
        [
            "a cached behaviour in front of a bucket whose CORS names two origins",
            () => systemD((edit) => edit("buckets", (buckets) => buckets.uploads.cors[0].allowedOrigins.push("https://admin.goormpopcorn.shop"))),
            [
                'platform:cdn.behaviors[1].bucket: serves "uploads", whose CORS rules name 2 origins, cached by CachingOptimized: CloudFront keys its cache without Origin and would give every origin the first one\'s Access-Control-Allow-Origin; name one origin in platform:buckets.uploads.cors, or use cachePolicy CachingDisabled',
            ],
            "point-ecs",
        ],
        [
            "a private key that is not a Secrets Manager ARN",
            () => systemD((edit) => edit("cdn", (cdn) => (cdn.signing.privateKeySecretArn = "point-ecs/prod/cdn-signing-key"))),
            [
                'platform:cdn.signing.privateKeySecretArn: "point-ecs/prod/cdn-signing-key" is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6-character suffix>); the private key is passed by reference, never as a value',
            ],
            "point-ecs",
        ],
        [
            "a private key in another region",
            () => systemD((edit) => edit("cdn", (cdn) => (cdn.signing.privateKeySecretArn = PRIVATE_KEY_ARN.replace("ap-northeast-2", "us-east-1")))),
            ['platform:cdn.signing.privateKeySecretArn: is a secret of "us-east-1"; the services read it from the stack\'s region, "ap-northeast-2": keep the private key there'],
            "point-ecs",
        ],
        [
            "signing without a signed behaviour, and a signed behaviour without signing (the component's rules, at the config's keys)",
            () =>
                systemD((edit) =>
                    edit("cdn", (cdn) => {
                        cdn.behaviors = [{ path: "/static/*", bucket: "static" }];
                        cdn.signing.publicKeys[0].publicKeyPem = "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----";
                    }),
                ),
            [
                "platform:cdn.signing: is given, but no behaviour has signed: true, so CloudFront would check no URL with its keys; set signed: true on the behaviour of the private files, or remove signing",
                "platform:cdn.signing.publicKeys[0].publicKeyPem: is not a PEM public key block (-----BEGIN PUBLIC KEY-----, base64 lines, -----END PUBLIC KEY-----)",
            ],
            "point-ecs",
        ],
        [
            "a signed behaviour without signing",
            () =>
                systemD((edit) => {
                    edit("cdn", (cdn) => delete cdn.signing);
                    edit("services", (services) => (services["point-api"].connectsTo = ["database", "cache", "parameters", "buckets"]));
                }),
            ["platform:cdn.behaviors[1].signed: true needs signing: the public keys (one key group) that verify the signed URLs"],
            "point-ecs",
        ],
        [
            "a path pattern an earlier behaviour shadows",
            () => systemD((edit) => edit("cdn", (cdn) => cdn.behaviors.unshift({ path: "/*.jpg", bucket: "static" }, { path: "/media/*.jpg", bucket: "uploads", signed: true }))),
            [
                'platform:cdn.behaviors[1].path: "/media/*.jpg" is never reached: behaviors[0].path "/*.jpg" comes first and matches every path it matches (CloudFront applies the first match); put it before, or narrow the other',
            ],
            "point-ecs",
        ],
        [
            "any origin in prod CORS",
            () => systemD((edit) => edit("buckets", (buckets) => (buckets.uploads.cors[0].allowedOrigins = ["*"]))),
            ['platform:buckets.uploads.cors[0].allowedOrigins[0]: "*" is not allowed in prod: any site\'s pages could call the bucket with a user\'s presigned URLs; name the site\'s origins (https://<host>)'],
            "point-ecs",
        ],
        [
            "a bucket's CORS origin with a path",
            () =>
                systemD((edit) =>
                    edit("buckets", (buckets) => {
                        buckets.uploads.cors[0].allowedOrigins = [`${ORIGIN}/upload`];
                    }),
                ),
            ['platform:buckets.uploads.cors[0].allowedOrigins[0]: "https://point-api.goormpopcorn.shop/upload" is not an origin; use https://<host>[:<port>] without a path (lowercase; https://*.<domain> for its subdomains), or "*"'],
            "point-ecs",
        ],
        [
            "Intelligent-Tiering on the static bucket",
            () => systemD((edit) => edit("buckets", (buckets) => (buckets.static.intelligentTiering = true))),
            [
                "platform:buckets.static.intelligentTiering: true is not allowed on a static bucket: S3 Intelligent-Tiering never moves objects under 128 KB out of Frequent Access, and a site's files are mostly that small and read often (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html); use it on an uploads bucket",
            ],
            "point-ecs",
        ],
        [
            "a CORS method S3 does not take (the schema's enum)",
            () => systemD((edit) => edit("buckets", (buckets) => (buckets.uploads.cors[0].allowedMethods = ["PATCH"]))),
            ['^platform:buckets\\.uploads\\.cors\\[0\\]\\.allowedMethods\\[0\\]: "PATCH" is not allowed.*GET.*HEAD'],
            "point-ecs",
        ],
    ];
    itRaises(cases);
});
