import { expect } from "chai";
import { generateKeyPairSync } from "crypto";
import {
    ALL_VIEWER,
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    CORS_S3_ORIGIN,
    Cdn,
    CdnArgs,
    MANAGED_CACHE_POLICIES,
    pathPatternCovers,
    publicKeyPemProblem,
    PRIVATE_KEY_PLACEHOLDER,
} from "../../../../components/edge/cdn/cdn";
import { Naming } from "../../../../lib/naming";
import { MOCK_ACCOUNT_ID, RecordedResource, SECRET_PLACEHOLDER } from "../../../../tooling/mock-runtime";
import { RunView, isTaggable, refusedArguments, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const C = {
    component: "platform:edge:Cdn",
    distribution: "aws:cloudfront/distribution:Distribution",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
    publicKey: "aws:cloudfront/publicKey:PublicKey",
    keyGroup: "aws:cloudfront/keyGroup:KeyGroup",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
} as const;

/** A PEM `PUBLIC KEY` block of a fresh key pair (SubjectPublicKeyInfo, with its trailing newline). */
function publicPem(kind: "rsa" | "ec", size: number | string): string {
    const pair = kind === "rsa" ? generateKeyPairSync("rsa", { modulusLength: Number(size) }) : generateKeyPairSync("ec", { namedCurve: String(size) });
    return pair.publicKey.export({ type: "spki", format: "pem" }).toString();
}

const BUCKET_DOMAIN = `goorm-popcorn-dev-site-${MOCK_ACCOUNT_ID}.s3.ap-northeast-2.amazonaws.com`;

function cdnArgs(change: Partial<CdnArgs> = {}): CdnArgs {
    return { naming, tags, origin: { key: "site", regionalDomainName: BUCKET_DOMAIN }, ...change };
}

function runCdn(args: CdnArgs): Promise<RunView> {
    return runView(() => {
        const cdn = new Cdn("cdn", args);
        return { siteUrl: cdn.siteUrl, distributionId: cdn.distributionId, distributionArn: cdn.distributionArn, domainName: cdn.domainName };
    });
}

interface DefaultCacheBehavior {
    targetOriginId: string;
    viewerProtocolPolicy: string;
    cachePolicyId: string;
    allowedMethods: string[];
    cachedMethods: string[];
    compress: boolean;
}

describe("components/cdn: without aliases", () => {
    let view: RunView;
    let distribution: RecordedResource;
    before(async () => {
        view = await runCdn(cdnArgs());
        distribution = view.one(C.distribution, "cdn-distribution");
    });

    it("creates an S3 origin access control that signs every request with SigV4", () => {
        expect(view.one(C.oac, "cdn-oac").inputs).to.deep.equal({
            name: "goorm-popcorn-dev-cdn-site",
            description: "goorm-popcorn-dev-cdn: reads site",
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        });
    });

    it("reads the bucket's REST endpoint through that origin access control", () => {
        const oac = view.one(C.oac, "cdn-oac");
        expect(distribution.inputs.origins).to.deep.equal([{ originId: "s3-site", domainName: BUCKET_DOMAIN, originAccessControlId: oac.id }]);
        expect(oac.id).to.match(/^E[0-9A-Z]{13}$/);
    });

    it("redirects HTTP to HTTPS on the default behaviour, GET and HEAD only, cached by AWS's CachingOptimized policy", () => {
        const behavior = distribution.inputs.defaultCacheBehavior as DefaultCacheBehavior;
        expect(behavior).to.deep.equal({
            targetOriginId: "s3-site",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        });
    });

    it("serves index.html at /, HTTP/2 and 3, IPv6, PriceClass_200, no error rewriting, no geo restriction", () => {
        expect(distribution.inputs).to.deep.include({
            enabled: true,
            defaultRootObject: "index.html",
            httpVersion: "http2and3",
            isIpv6Enabled: true,
            priceClass: "PriceClass_200",
            aliases: [],
            customErrorResponses: [],
            restrictions: { geoRestriction: { restrictionType: "none" } },
        });
    });

    it("uses CloudFront's default certificate, and issues no certificate and no DNS record", () => {
        expect(distribution.inputs.viewerCertificate).to.deep.equal({ cloudfrontDefaultCertificate: true });
        expect(view.ofType(C.certificate)).to.deep.equal([]);
        expect(view.ofType(C.validation)).to.deep.equal([]);
        expect(view.ofType(C.record)).to.deep.equal([]);
    });

    it("exports https://<distribution domain>, the distribution's E… id and its region-less ARN", () => {
        const id = String(distribution.id);
        expect(id).to.match(/^E[0-9A-Z]{13}$/);
        expect(view.run.outputs).to.deep.equal({
            siteUrl: `https://${id.toLowerCase()}.cloudfront.net`,
            distributionId: id,
            distributionArn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${id}`,
            domainName: `${id.toLowerCase()}.cloudfront.net`,
        });
    });

    it("tags the distribution (its only taggable resource) with Component=cdn and its name", () => {
        expect(view.custom.filter((r) => isTaggable(r.type)).map((r) => [r.type, r.inputs.tags])).to.deep.equal([[C.distribution, { ...tags, Component: "cdn", Name: "goorm-popcorn-dev-cdn" }]]);
    });
});

describe("components/cdn: with aliases, a certificate in us-east-1", () => {
    let view: RunView;
    let distribution: RecordedResource;
    before(async () => {
        view = await runCdn(cdnArgs({ aliases: ["chat.goormpopcorn.shop", "goormpopcorn.shop"], certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" } }));
        distribution = view.one(C.distribution, "cdn-distribution");
    });

    it("issues the certificate for *.<domain> and <domain> with region us-east-1, validated there by DNS", () => {
        const certificate = view.one(C.certificate, "cdn-certificate");
        expect(certificate.inputs).to.deep.include({ region: "us-east-1", domainName: "*.goormpopcorn.shop", subjectAlternativeNames: ["goormpopcorn.shop"], validationMethod: "DNS" });
        expect(String(certificate.id)).to.match(new RegExp(`^arn:aws:acm:us-east-1:${MOCK_ACCOUNT_ID}:certificate/`));
        const validation = view.one(C.validation, "cdn-certificate-validation");
        expect(validation.inputs).to.deep.include({ region: "us-east-1", certificateArn: certificate.id });
        const record = view.one(C.record, "cdn-certificate-validation-record");
        expect(record.inputs).to.deep.include({ type: "CNAME", allowOverwrite: true });
        expect(validation.inputs.validationRecordFqdns).to.deep.equal([String(record.inputs.name).replace(/\.$/, "")]);
        expect(record.options.retainOnDelete).to.equal(true);
    });

    it("serves the aliases with the us-east-1 certificate, TLS 1.2 at least (TLSv1.2_2021), SNI only", () => {
        const certificate = view.one(C.certificate, "cdn-certificate");
        expect(distribution.inputs.aliases).to.deep.equal(["chat.goormpopcorn.shop", "goormpopcorn.shop"]);
        expect(distribution.inputs.viewerCertificate).to.deep.equal({ acmCertificateArn: certificate.id, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    });

    it("points an A and an AAAA alias record per alias at the distribution, in the zone looked up by name", () => {
        const zoneId = view.one(C.record, "cdn-certificate-validation-record").inputs.zoneId;
        expect(zoneId).to.match(/^Z0[0-9A-F]{19}$/);
        const aliases = view.ofType(C.record).filter((r) => r.name.startsWith("cdn-alias-"));
        expect(aliases.map((r) => [r.inputs.name, r.inputs.type])).to.deep.equal([
            ["chat.goormpopcorn.shop", "A"],
            ["chat.goormpopcorn.shop", "AAAA"],
            ["goormpopcorn.shop", "A"],
            ["goormpopcorn.shop", "AAAA"],
        ]);
        const domain = `${String(distribution.id).toLowerCase()}.cloudfront.net`;
        for (const record of aliases) {
            expect(record.inputs.zoneId).to.equal(zoneId);
            expect(record.inputs.aliases).to.deep.equal([{ name: domain, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }]);
        }
    });

    it("exports https://<first alias>", () => {
        expect(view.run.outputs.siteUrl).to.equal("https://chat.goormpopcorn.shop");
    });

    it("tags the certificate too, without the wildcard in its Name", () => {
        expect(view.one(C.certificate, "cdn-certificate").inputs.tags).to.deep.equal({ ...tags, Component: "cdn", Name: "goorm-popcorn-dev-cdn-certificate" });
    });
});

describe("components/cdn: choices", () => {
    it("CachingDisabled, PriceClass_100, another root object and the SPA fallback (403 and 404 → the root object, 200)", async () => {
        const view = await runCdn(cdnArgs({ cachePolicy: "CachingDisabled", priceClass: "PriceClass_100", defaultRootObject: "app.html", spaFallback: true }));
        const distribution = view.one(C.distribution, "cdn-distribution");
        expect((distribution.inputs.defaultCacheBehavior as DefaultCacheBehavior).cachePolicyId).to.equal("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
        expect(distribution.inputs).to.deep.include({ priceClass: "PriceClass_100", defaultRootObject: "app.html" });
        expect(distribution.inputs.customErrorResponses).to.deep.equal([
            { errorCode: 403, responseCode: 200, responsePagePath: "/app.html", errorCachingMinTtl: 10 },
            { errorCode: 404, responseCode: 200, responsePagePath: "/app.html", errorCachingMinTtl: 10 },
        ]);
    });

    it("uses a hosted zone given by id as it is, without a lookup", async () => {
        const view = await runCdn(cdnArgs({ aliases: ["chat.goormpopcorn.shop"], certificate: { domain: "goormpopcorn.shop", hostedZone: "Z0123456789ABCDEFGHIJ" } }));
        expect(new Set(view.ofType(C.record).map((r) => r.inputs.zoneId))).to.deep.equal(new Set(["Z0123456789ABCDEFGHIJ"]));
    });

    it("knows AWS's two managed cache policies by their documented ids", () => {
        expect(MANAGED_CACHE_POLICIES).to.deep.equal({ CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6", CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" });
    });
});

describe("components/cdn: arguments", () => {
    it("refuses aliases without a certificate, bad, doubled, uncovered and out-of-zone aliases, and a bad root object, before registering anything", async () => {
        const problems = await refusedArguments("Cdn", () =>
            new Cdn(
                "cdn",
                cdnArgs({
                    defaultRootObject: "/index.html",
                    aliases: ["Chat.goormpopcorn.shop", "chat.goormpopcorn.shop", "chat.goormpopcorn.shop", "a.b.goormpopcorn.shop", "chat.example.com"],
                    certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" },
                }),
            ),
        );
        expect(problems).to.deep.equal([
            'defaultRootObject: "/index.html" is not an object name CloudFront takes; use a key without a leading / or spaces, up to 255 characters, e.g. index.html',
            'aliases[0]: "Chat.goormpopcorn.shop" is not a fully qualified domain name (lowercase, e.g. chat.goormpopcorn.shop)',
            'aliases[2]: "chat.goormpopcorn.shop" is listed twice',
            'aliases[3]: "a.b.goormpopcorn.shop" is not covered by the certificate ("*.goormpopcorn.shop", "goormpopcorn.shop"); use goormpopcorn.shop or a name one label below it',
            'aliases[4]: "chat.example.com" is not covered by the certificate ("*.goormpopcorn.shop", "goormpopcorn.shop"); use goormpopcorn.shop or a name one label below it',
            'aliases[4]: "chat.example.com" is not inside the hosted zone "goormpopcorn.shop", where its alias records go',
        ]);
    });

    it("refuses more than 100 aliases, and aliases without a certificate", async () => {
        const aliases = Array.from({ length: 101 }, (_, i) => `site${i}.goormpopcorn.shop`);
        expect(await refusedArguments("Cdn", () => new Cdn("cdn", cdnArgs({ aliases })))).to.deep.equal([
            "aliases: has 101 names; CloudFront allows at most 100 alternate domain names per distribution",
            "certificate: is required with aliases: {domain, hostedZone} to issue a certificate in us-east-1 that covers them",
        ]);
    });

    it("refuses a certificate without aliases, and an origin access control name over 64 characters", async () => {
        const problems = await refusedArguments("Cdn", () =>
            new Cdn("cdn", cdnArgs({ naming: new Naming("goorm-popcorn-platform-x", "staging"), origin: { key: "static-site-assets-for-the-chat", regionalDomainName: BUCKET_DOMAIN }, certificate: { domain: "goormpopcorn.shop", hostedZone: "Z0123456789ABCDEFGHIJ" } })),
        );
        expect(problems).to.deep.equal([
            'name: makes the origin access control name "goorm-popcorn-platform-x-staging-cdn-static-site-assets-for-the-chat" (68 characters); CloudFront allows at most 64',
            "certificate: is only used with aliases; without them the distribution answers on its *.cloudfront.net name with CloudFront's certificate",
        ]);
    });
});

describe("components/cdn: in front of an internal ALB, through a VPC origin", () => {
    const ALB_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${MOCK_ACCOUNT_ID}:loadbalancer/app/goorm-popcorn-alb-dev/0123456789abcdef`;
    const WEB_ACL_ARN = `arn:aws:wafv2:us-east-1:${MOCK_ACCOUNT_ID}:global/webacl/goorm-popcorn-dev-web-acl/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;
    const albArgs = (change: Partial<CdnArgs> = {}): CdnArgs => ({
        naming,
        tags,
        albOrigin: { loadBalancerArn: ALB_ARN },
        aliases: ["api.goormpopcorn.shop"],
        certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" },
        webAclArn: WEB_ACL_ARN,
        ...change,
    });
    let view: RunView;
    let distribution: RecordedResource;
    before(async () => {
        view = await runCdn(albArgs());
        distribution = view.one(C.distribution, "cdn-distribution");
    });

    it("creates a VPC origin on the ALB's ARN: HTTPS only on 443, TLS 1.2 (the API's required HTTP port 80 unused)", () => {
        const vpcOrigin = view.one(C.vpcOrigin, "cdn-vpc-origin");
        expect(vpcOrigin.inputs.vpcOriginEndpointConfig).to.deep.equal({
            name: "goorm-popcorn-dev-cdn-alb",
            arn: ALB_ARN,
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
        });
        expect(String(vpcOrigin.id)).to.match(/^vo_[A-Za-z0-9]{22}$/);
        expect(vpcOrigin.inputs.tags).to.deep.equal({ ...tags, Component: "cdn", Name: "goorm-popcorn-dev-cdn-alb" });
    });

    it("has one origin: the VPC origin, asked for origin.<certificate.domain> (a name the ALB's certificate covers), no access control", () => {
        expect(distribution.inputs.origins).to.deep.equal([{ originId: "alb", domainName: "origin.goormpopcorn.shop", vpcOriginConfig: { vpcOriginId: view.one(C.vpcOrigin, "cdn-vpc-origin").id } }]);
        expect(view.ofType(C.oac)).to.deep.equal([]);
    });

    it("sends the default behaviour to the ALB: redirect-to-https, all methods, nothing cached (CachingDisabled), every viewer header but Host (AllViewerExceptHostHeader)", () => {
        expect(distribution.inputs.defaultCacheBehavior).to.deep.equal({
            targetOriginId: "alb",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        });
        expect(ALL_VIEWER_EXCEPT_HOST_HEADER).to.equal("b689b0a8-53d0-40ab-baf2-68738e2966ac");
    });

    it("serves PriceClass_200, no root object, no error rewriting, the aliases with the us-east-1 certificate, and names the web ACL by its ARN", () => {
        expect(distribution.inputs).to.deep.include({ priceClass: "PriceClass_200", aliases: ["api.goormpopcorn.shop"], customErrorResponses: [], webAclId: WEB_ACL_ARN });
        expect(distribution.inputs).to.not.have.property("defaultRootObject");
        expect(distribution.inputs.viewerCertificate).to.deep.include({ acmCertificateArn: view.one(C.certificate, "cdn-certificate").id, minimumProtocolVersion: "TLSv1.2_2021" });
    });

    it("takes another origin name the certificate covers, and puts no webAclId without a web ACL", async () => {
        const other = await runCdn(albArgs({ albOrigin: { loadBalancerArn: ALB_ARN, domainName: "alb.goormpopcorn.shop" }, webAclArn: undefined }));
        const d = other.one(C.distribution, "cdn-distribution");
        expect((d.inputs.origins as Array<{ domainName: string }>)[0].domainName).to.equal("alb.goormpopcorn.shop");
        expect(d.inputs).to.not.have.property("webAclId");
    });

    it("with forwardHost forwards the viewer's Host too (AllViewer, 216adef6-…), the rest of the behaviour and the origin's name unchanged", async () => {
        const forwarding = await runCdn(albArgs({ albOrigin: { loadBalancerArn: ALB_ARN, forwardHost: true } }));
        const d = forwarding.one(C.distribution, "cdn-distribution");
        expect(d.inputs.defaultCacheBehavior).to.deep.equal({ ...(distribution.inputs.defaultCacheBehavior as object), originRequestPolicyId: "216adef6-5c7f-47e4-b989-5492eafa07d3" });
        expect(ALL_VIEWER).to.equal("216adef6-5c7f-47e4-b989-5492eafa07d3");
        expect(d.inputs.origins).to.deep.equal([{ originId: "alb", domainName: "origin.goormpopcorn.shop", vpcOriginConfig: { vpcOriginId: forwarding.one(C.vpcOrigin, "cdn-vpc-origin").id } }]);
        expect(d.inputs.comment).to.equal(distribution.inputs.comment);
        // Off by default, and false as off.
        const off = await runCdn(albArgs({ albOrigin: { loadBalancerArn: ALB_ARN, forwardHost: false } }));
        expect((off.one(C.distribution, "cdn-distribution").inputs.defaultCacheBehavior as { originRequestPolicyId: string }).originRequestPolicyId).to.equal(ALL_VIEWER_EXCEPT_HOST_HEADER);
    });

    it("refuses the ALB's own name, a name the certificate does not cover, caching, the SPA fallback, no aliases, a network load balancer, and both origins", async () => {
        const uncovered = await refusedArguments("Cdn", () =>
            new Cdn(
                "cdn",
                albArgs({
                    albOrigin: { loadBalancerArn: ALB_ARN.replace("/app/", "/net/"), domainName: "origin.api.goormpopcorn.shop" },
                    cachePolicy: "CachingOptimized",
                    spaFallback: true,
                }),
            ),
        );
        expect(uncovered).to.deep.equal([
            `albOrigin.loadBalancerArn: "${ALB_ARN.replace("/app/", "/net/")}" is not an Application Load Balancer's ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)`,
            'albOrigin.domainName: "origin.api.goormpopcorn.shop" is not covered by certificate.domain ("*.goormpopcorn.shop", "goormpopcorn.shop"): the origin name is a name of the site\'s domain, which the ALB\'s certificate covers too; use goormpopcorn.shop or a name one label below it, e.g. origin.goormpopcorn.shop',
            'cachePolicy: "CachingOptimized" is not allowed in front of the ALB: it leaves cookies, query strings and headers out of the cache key, so one user\'s answer would be served to another; use "CachingDisabled" (the default there)',
            "spaFallback: true is not allowed in front of the ALB: it would turn the services' 403 and 404 into 200 with the root object; it is for a bucket's single-page app",
        ]);
        const elb = await refusedArguments("Cdn", () => new Cdn("cdn", albArgs({ albOrigin: { loadBalancerArn: ALB_ARN, domainName: "internal-goorm-popcorn-alb-dev-123.ap-northeast-2.elb.amazonaws.com" } })));
        expect(elb).to.deep.equal([
            'albOrigin.domainName: "internal-goorm-popcorn-alb-dev-123.ap-northeast-2.elb.amazonaws.com" is the ALB\'s own name, which its certificate does not cover: CloudFront would fail the TLS handshake and answer 502/504; use a name of your domain, e.g. origin.<certificate.domain>',
        ]);
        const bare = await refusedArguments("Cdn", () => new Cdn("cdn", albArgs({ aliases: [], certificate: undefined })));
        expect(bare).to.deep.equal([
            "aliases: is empty; in front of the ALB the distribution is the public entry point, on a domain of its own: list at least one name covered by certificate.domain",
            "albOrigin.domainName: is required without certificate: there is no origin.<certificate.domain> to default to; give a name the ALB's certificate covers",
        ]);
        const both = await refusedArguments("Cdn", () => new Cdn("cdn", albArgs({ origin: { key: "site", regionalDomainName: BUCKET_DOMAIN } })));
        expect(both).to.deep.equal(["albOrigin: is given with origin; the default behaviour has one origin, a bucket or an ALB: serve more buckets through behaviors"]);
        const neither = await refusedArguments("Cdn", () => new Cdn("cdn", { naming, tags }));
        expect(neither).to.deep.equal(["origin: is missing: give origin (a bucket) or albOrigin (an internal ALB through a VPC origin)"]);
    });
});

describe("components/cdn: buckets on paths of their own, and signed URLs (system D)", () => {
    const ALB_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${MOCK_ACCOUNT_ID}:loadbalancer/app/goorm-popcorn-alb-dev/0123456789abcdef`;
    const STATIC_DOMAIN = `goorm-popcorn-dev-static-${MOCK_ACCOUNT_ID}.s3.ap-northeast-2.amazonaws.com`;
    const UPLOADS_DOMAIN = `goorm-popcorn-dev-uploads-${MOCK_ACCOUNT_ID}.s3.ap-northeast-2.amazonaws.com`;
    const EC_KEY = publicPem("ec", "prime256v1");
    const RSA_KEY = publicPem("rsa", 2048);
    const systemD = (change: Partial<CdnArgs> = {}): CdnArgs => ({
        naming,
        tags,
        albOrigin: { loadBalancerArn: ALB_ARN },
        aliases: ["couple.goormpopcorn.shop"],
        certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" },
        behaviors: [
            { path: "/static/*", bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } },
            { path: "/media/*", bucket: { key: "uploads", regionalDomainName: UPLOADS_DOMAIN, cors: true }, signed: true },
        ],
        signing: { publicKeys: [{ name: "2026-01", publicKeyPem: EC_KEY }, { name: "2025-07", publicKeyPem: `\n${RSA_KEY}\n\n` }] },
        ...change,
    });
    let view: RunView;
    let distribution: RecordedResource;
    before(async () => {
        view = await runView(() => {
            const cdn = new Cdn("cdn", systemD());
            return { signingKeyId: cdn.signingKeyId, publicKeyIds: cdn.publicKeyIds, keyGroupId: cdn.keyGroupId, privateKeySecretArn: cdn.signingPrivateKeySecretArn };
        });
        distribution = view.one(C.distribution, "cdn-distribution");
    });

    it("adds an origin per bucket, s3-<key>, each through an origin access control of its own, after the ALB's", () => {
        const staticOac = view.one(C.oac, "cdn-oac-static");
        const uploadsOac = view.one(C.oac, "cdn-oac-uploads");
        expect(view.ofType(C.oac).map((o) => [o.name, o.inputs.name, o.inputs.description])).to.deep.equal([
            ["cdn-oac-static", "goorm-popcorn-dev-cdn-static", "goorm-popcorn-dev-cdn: reads static"],
            ["cdn-oac-uploads", "goorm-popcorn-dev-cdn-uploads", "goorm-popcorn-dev-cdn: reads uploads"],
        ]);
        expect(staticOac.inputs).to.deep.include({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
        expect(distribution.inputs.origins).to.deep.equal([
            { originId: "alb", domainName: "origin.goormpopcorn.shop", vpcOriginConfig: { vpcOriginId: view.one(C.vpcOrigin, "cdn-vpc-origin").id } },
            { originId: "s3-static", domainName: STATIC_DOMAIN, originAccessControlId: staticOac.id },
            { originId: "s3-uploads", domainName: UPLOADS_DOMAIN, originAccessControlId: uploadsOac.id },
        ]);
    });

    it("orders /static/* then /media/* in front of the default (the ALB, uncached); only the signed one trusts the key group; the CORS bucket's takes OPTIONS and passes its headers (CORS-S3Origin)", () => {
        const keyGroup = view.one(C.keyGroup, "cdn-key-group");
        expect(distribution.inputs.orderedCacheBehaviors).to.deep.equal([
            {
                pathPattern: "/static/*",
                targetOriginId: "s3-static",
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD"],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: MANAGED_CACHE_POLICIES.CachingOptimized,
            },
            {
                pathPattern: "/media/*",
                targetOriginId: "s3-uploads",
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD", "OPTIONS"],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
                originRequestPolicyId: "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
                trustedKeyGroups: [keyGroup.id],
            },
        ]);
        expect(CORS_S3_ORIGIN).to.equal("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf");
        expect(distribution.inputs.defaultCacheBehavior).to.deep.include({ targetOriginId: "alb", cachePolicyId: MANAGED_CACHE_POLICIES.CachingDisabled });
        expect(distribution.inputs.defaultCacheBehavior).to.not.have.property("trustedKeyGroups");
    });

    it("uploads each PEM as a public key named from <prefix>-<env>-cdn-<name>- (the provider's unique suffix after it), trimmed with one newline, with a comment", () => {
        const keys = view.ofType(C.publicKey);
        expect(keys.map((k) => [k.name, k.inputs.namePrefix, k.inputs.comment])).to.deep.equal([
            ["cdn-public-key-2026-01", "goorm-popcorn-dev-cdn-2026-01-", "goorm-popcorn-dev-cdn: verifies signed URLs (2026-01)"],
            ["cdn-public-key-2025-07", "goorm-popcorn-dev-cdn-2025-07-", "goorm-popcorn-dev-cdn: verifies signed URLs (2025-07)"],
        ]);
        expect(keys.map((k) => k.inputs.encodedKey)).to.deep.equal([EC_KEY, RSA_KEY]);
        expect(EC_KEY.endsWith("-----END PUBLIC KEY-----\n")).to.equal(true);
        expect(keys.map((k) => k.inputs)).to.satisfy((inputs: Array<Record<string, unknown>>) => inputs.every((i) => !("name" in i)));
        for (const key of keys) {
            expect(String(key.id)).to.match(/^K[0-9A-Z]{13}$/);
        }
    });

    it("holds both keys in one key group, <prefix>-<env>-cdn-signers; the first key is the one to sign with", () => {
        const keys = view.ofType(C.publicKey);
        const keyGroup = view.one(C.keyGroup, "cdn-key-group");
        expect(view.ofType(C.keyGroup)).to.have.length(1);
        expect(keyGroup.inputs).to.deep.equal({ name: "goorm-popcorn-dev-cdn-signers", items: keys.map((k) => k.id), comment: "goorm-popcorn-dev-cdn: the keys that verify signed URLs" });
        expect(view.run.outputs).to.deep.include({ signingKeyId: keys[0].id, publicKeyIds: { "2026-01": keys[0].id, "2025-07": keys[1].id }, keyGroupId: keyGroup.id });
        // Neither a public key nor a key group takes tags.
        expect(view.custom.filter((r) => isTaggable(r.type)).map((r) => r.type)).to.deep.equal([C.vpcOrigin, C.secret, C.certificate, C.distribution]);
    });

    it("creates the private key's secret, <prefix>-<env>/cdn-signing-private-key, with a placeholder the program never puts back over the operator's key", () => {
        const secret = view.one(C.secret, "cdn-signing-private-key");
        expect(secret.inputs).to.deep.include({ name: "goorm-popcorn-dev/cdn-signing-private-key", recoveryWindowInDays: 30 });
        expect(view.run.outputs.privateKeySecretArn).to.equal(secret.id);
        const placeholder = view.one(C.secretVersion, "cdn-signing-private-key-placeholder");
        // The provider marks secretString secret: the state holds it encrypted, the plan shows it masked.
        expect(placeholder.inputs).to.deep.equal({ secretId: secret.id, secretString: SECRET_PLACEHOLDER });
        expect(PRIVATE_KEY_PLACEHOLDER).to.not.match(/BEGIN/);
        expect(placeholder.options.ignoreChanges).to.have.members(["secretString", "versionStages"]);
    });

    it("creates no secret when the private key's secret is given by ARN", async () => {
        const arn = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:couple/signing-Ab12Cd";
        const given = await runView(() => {
            const cdn = new Cdn("cdn", systemD({ signing: { publicKeys: [{ name: "2026-01", publicKeyPem: EC_KEY }], privateKeySecretArn: arn } }));
            return { privateKeySecretArn: cdn.signingPrivateKeySecretArn };
        });
        expect(given.ofType(C.secret)).to.deep.equal([]);
        expect(given.run.outputs.privateKeySecretArn).to.equal(arn);
    });

    it("serves the default bucket and a behaviour of the same bucket through one origin, and a second bucket through its own", async () => {
        const other = await runCdn(
            cdnArgs({
                behaviors: [
                    { path: "/assets/*.css", bucket: { key: "site", regionalDomainName: BUCKET_DOMAIN }, cachePolicy: "CachingDisabled" },
                    { path: "/media/*", bucket: { key: "uploads", regionalDomainName: UPLOADS_DOMAIN }, signed: true },
                ],
                signing: { publicKeys: [{ name: "primary", publicKeyPem: EC_KEY }] },
            }),
        );
        const d = other.one(C.distribution, "cdn-distribution");
        expect(other.ofType(C.oac).map((o) => o.name)).to.deep.equal(["cdn-oac", "cdn-oac-uploads"]);
        expect((d.inputs.origins as Array<{ originId: string }>).map((o) => o.originId)).to.deep.equal(["s3-site", "s3-uploads"]);
        type Behavior = { pathPattern: string; targetOriginId: string; cachePolicyId: string; trustedKeyGroups?: string[] };
        expect((d.inputs.orderedCacheBehaviors as Behavior[]).map((b) => [b.pathPattern, b.targetOriginId, b.cachePolicyId, b.trustedKeyGroups?.length ?? 0])).to.deep.equal([
            ["/assets/*.css", "s3-site", MANAGED_CACHE_POLICIES.CachingDisabled, 0],
            ["/media/*", "s3-uploads", MANAGED_CACHE_POLICIES.CachingOptimized, 1],
        ]);
    });

    it("has no ordered behaviours, public keys or key group without them (the inputs as before)", () => {
        // The single-bucket distribution of the first describe: no orderedCacheBehaviors key at all.
        return runCdn(cdnArgs()).then((plain) => {
            expect(plain.one(C.distribution, "cdn-distribution").inputs).to.not.have.property("orderedCacheBehaviors");
            expect(plain.ofType(C.publicKey)).to.deep.equal([]);
            expect(plain.ofType(C.keyGroup)).to.deep.equal([]);
        });
    });

    it("refuses bad path patterns, doubled and unreachable ones, a bad cache policy, and signed behaviours without signing", async () => {
        const problems = await refusedArguments("Cdn", () =>
            new Cdn(
                "cdn",
                systemD({
                    behaviors: [
                        { path: "static/*", bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } },
                        { path: "/media/<id>", bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } },
                        { path: `/${"a".repeat(255)}`, bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } },
                        { path: "/*", bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } },
                        { path: "/media/*", bucket: { key: "uploads", regionalDomainName: UPLOADS_DOMAIN }, signed: true },
                        { path: "/media/*", bucket: { key: "uploads", regionalDomainName: UPLOADS_DOMAIN }, signed: true },
                        { path: "/media/thumbs/*.jpg", bucket: { key: "static", regionalDomainName: STATIC_DOMAIN }, cachePolicy: "CachingEverything" as never },
                    ],
                    signing: undefined,
                }),
            ),
        );
        expect(problems).to.deep.equal([
            'behaviors[0].path: "static/*" does not start with /; write the pattern from the root, e.g. "/static/*"',
            'behaviors[1].path: "/media/<id>" has characters CloudFront refuses in a path pattern; use A-Z, a-z, 0-9, _ - . $ / ~ " \' @ : + &, and * (any characters) or ? (one)',
            "behaviors[2].path: is 256 characters; CloudFront takes path patterns of at most 255",
            'behaviors[3].path: "/*" matches every path: that is the default behaviour\'s (bucket or albOrigin), which CloudFront applies last; give a narrower pattern',
            "behaviors[4].signed: true needs signing: the public keys (one key group) that verify the signed URLs",
            'behaviors[5].path: "/media/*" is also behaviors[4].path; give each path pattern once',
            "behaviors[5].signed: true needs signing: the public keys (one key group) that verify the signed URLs",
            'behaviors[6].path: "/media/thumbs/*.jpg" is never reached: behaviors[4].path "/media/*" comes first and matches every path it matches (CloudFront applies the first match); put it before, or narrow the other',
            'behaviors[6].cachePolicy: "CachingEverything" is not allowed; use CachingOptimized or CachingDisabled',
        ]);
    });

    it("refuses more than 75 behaviours (CloudFront's cache behaviors per distribution)", async () => {
        const behaviors = Array.from({ length: 76 }, (_, i) => ({ path: `/p${i}/*`, bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } }));
        expect(await refusedArguments("Cdn", () => new Cdn("cdn", systemD({ behaviors, signing: undefined })))).to.deep.equal([
            "behaviors: has 76 behaviours; CloudFront allows 75 cache behaviors per distribution (a quota AWS may raise)",
        ]);
    });

    it("refuses the SPA fallback beside a signed behaviour, signing without a signed behaviour, no keys, more than 5, bad or doubled names, a name prefix over 102 characters, and PEMs CloudFront does not take", async () => {
        const fallback = await refusedArguments("Cdn", () => new Cdn("cdn", systemD({ albOrigin: undefined, origin: { key: "site", regionalDomainName: BUCKET_DOMAIN }, spaFallback: true })));
        expect(fallback).to.deep.equal([
            "spaFallback: true is not allowed beside a signed behaviour: CloudFront's error responses are the whole distribution's, so the 403 of an unsigned or expired URL would become the root object with 200",
        ]);
        const unused = await refusedArguments("Cdn", () =>
            new Cdn("cdn", systemD({ behaviors: [{ path: "/static/*", bucket: { key: "static", regionalDomainName: STATIC_DOMAIN } }], signing: { publicKeys: [] } })),
        );
        expect(unused).to.deep.equal([
            "signing: is given, but no behaviour has signed: true, so CloudFront would check no URL with its keys; set signed: true on the behaviour of the private files, or remove signing",
            "signing.publicKeys: is empty; a key group holds 1 to 5 public keys",
        ]);
        const six = Array.from({ length: 6 }, (_, i) => ({ name: `k${i}`, publicKeyPem: EC_KEY }));
        expect(await refusedArguments("Cdn", () => new Cdn("cdn", systemD({ signing: { publicKeys: six } })))).to.deep.equal([
            "signing.publicKeys: has 6 keys; a CloudFront key group holds at most 5 public keys",
        ]);
        const privatePem = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const bad = await refusedArguments("Cdn", () =>
            new Cdn(
                "cdn",
                systemD({
                    signing: {
                        publicKeys: [
                            { name: "Key_1", publicKeyPem: EC_KEY },
                            { name: "k", publicKeyPem: privatePem },
                            { name: "k", publicKeyPem: "ssh-rsa AAAAB3NzaC1yc2E" },
                            { name: "a".repeat(80), publicKeyPem: publicPem("rsa", 1024) },
                            { name: "p384", publicKeyPem: publicPem("ec", "secp384r1") },
                        ],
                    },
                }),
            ),
        );
        expect(bad).to.deep.equal([
            'signing.publicKeys[0].name: "Key_1" is not a key name; use lowercase letters, digits and hyphens, starting and ending with a letter or digit',
            "signing.publicKeys[1].publicKeyPem: holds a private key: a stack file takes the public key only (openssl pkey -pubout); the private key belongs in Secrets Manager (the secret signing creates, or signing.privateKeySecretArn)",
            'signing.publicKeys[2].name: "k" is listed twice',
            "signing.publicKeys[2].publicKeyPem: is not a PEM public key block (-----BEGIN PUBLIC KEY-----, base64 lines, -----END PUBLIC KEY-----)",
            `signing.publicKeys[3].name: makes the public key name prefix "goorm-popcorn-dev-cdn-${"a".repeat(80)}-" (103 characters); CloudFront names take 128, 26 of them the provider's unique suffix: at most 102`,
            "signing.publicKeys[3].publicKeyPem: is an RSA 1024-bit key; CloudFront verifies signed URLs with RSA 2048 or ECDSA P-256 (prime256v1) keys only",
            "signing.publicKeys[4].publicKeyPem: is an ECDSA key on secp384r1; CloudFront verifies signed URLs with RSA 2048 or ECDSA P-256 (prime256v1) keys only",
        ]);
        // No message ever quotes a PEM.
        expect(bad.join("\n")).to.not.contain("MF");
    });

    it("publicKeyPemProblem: RSA 2048 and ECDSA P-256 SPKI blocks pass; an Ed25519 key and a broken block do not", () => {
        expect(publicKeyPemProblem(EC_KEY)).to.equal(undefined);
        expect(publicKeyPemProblem(RSA_KEY)).to.equal(undefined);
        expect(publicKeyPemProblem(generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString())).to.equal(
            "is a key of type ed25519; CloudFront verifies signed URLs with RSA 2048 or ECDSA P-256 (prime256v1) keys only",
        );
        expect(publicKeyPemProblem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")).to.equal("is a PEM block that does not decode to a public key");
    });

    it("pathPatternCovers: a later pattern every path of which an earlier one matches", () => {
        const cases: Array<[string, string, boolean]> = [
            ["/media/*", "/media/thumbs/*.jpg", true],
            ["/media/*", "/media/a?.png", true],
            ["/*.jpg", "/media/*.jpg", true],
            ["/media/a?", "/media/a*", false],
            ["/media/*.jpg", "/media/*", false],
            ["/static/*", "/media/*", false],
            ["/a?c", "/abc", true],
            ["/a?c", "/a?c", true],
        ];
        for (const [earlier, later, covers] of cases) {
            expect(pathPatternCovers(earlier, later), `${earlier} covers ${later}`).to.equal(covers);
        }
    });
});
