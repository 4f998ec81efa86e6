import { expect } from "chai";
import { BlueGreenAlb, BlueGreenAlbArgs } from "../../../../components/traffic/blue-green-alb/blue-green-alb";
import { Naming } from "../../../../lib/naming";
import { ArgumentError } from "../../../../lib/problems";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { RunView, isTaggable, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const L = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
} as const;

const PUBLIC_SUBNETS = ["subnet-0ppppppppppppppp1", "subnet-0ppppppppppppppp2"];
const CERTIFICATE_ARN = `arn:aws:acm:ap-northeast-2:${MOCK_ACCOUNT_ID}:certificate/11111111-2222-3333-4444-555555555555`;

function albArgs(change: Partial<BlueGreenAlbArgs> = {}): BlueGreenAlbArgs {
    return {
        naming,
        tags,
        service: "api-gateway",
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: PUBLIC_SUBNETS,
        securityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"],
        targetPort: 8080,
        certificate: { arn: CERTIFICATE_ARN },
        weights: { blue: 90, green: 10 },
        ...change,
    };
}

interface ForwardAction {
    type: string;
    forward?: { targetGroups: Array<{ arn: string; weight: number }>; stickiness: { enabled: boolean } };
    redirect?: { protocol: string; port: string; statusCode: string };
}

describe("components/blue-green-alb: with an existing certificate and access logs", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new BlueGreenAlb("alb", albArgs({ accessLogs: { enabled: true, expirationDays: 30 } })));
    });

    it("creates goorm-popcorn-alb-dev, internet-facing, in the public subnets, hardened", () => {
        expect(view.one(L.lb, "alb-alb").inputs).to.deep.include({
            name: "goorm-popcorn-alb-dev",
            internal: false,
            loadBalancerType: "application",
            subnets: PUBLIC_SUBNETS,
            securityGroups: ["sg-0aaaaaaaaaaaaaaa1"],
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "defensive",
            enableDeletionProtection: true,
        });
    });

    it("redirects HTTP 80 to HTTPS 443 with a 301", () => {
        const http = view.one(L.listener, "alb-http");
        expect(http.inputs).to.include({ port: 80, protocol: "HTTP" });
        expect(http.inputs.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
    });

    it("serves HTTPS 443 with the certificate, a TLS 1.3 policy and HSTS, forwarding 90/10 to blue and green", () => {
        const https = view.one(L.listener, "alb-https");
        expect(https.inputs).to.include({
            port: 443,
            protocol: "HTTPS",
            certificateArn: CERTIFICATE_ARN,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
            routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000; includeSubDomains",
        });
        const [action] = https.inputs.defaultActions as ForwardAction[];
        expect(action.type).to.equal("forward");
        expect(action.forward!.stickiness.enabled).to.equal(false);
        expect(action.forward!.targetGroups.map((t) => [view.byId(t.arn).inputs.name, t.weight])).to.deep.equal([
            ["goorm-popcorn-gateway-dev", 90],
            ["goorm-popcorn-gateway-green-dev", 10],
        ]);
    });

    it("creates two ip target groups on 8080 with /health checks and a 30 s deregistration delay", () => {
        for (const group of view.ofType(L.targetGroup)) {
            expect(group.inputs).to.include({ targetType: "ip", port: 8080, protocol: "HTTP", deregistrationDelay: 30, vpcId: "vpc-0123456789abcdef0" });
            expect(group.inputs.healthCheck).to.include({ path: "/health", matcher: "200", port: "traffic-port" });
        }
        expect(view.ofType(L.targetGroup).map((g) => (g.inputs.tags as Record<string, string>).Colour)).to.have.members(["blue", "green"]);
    });

    it("keeps access logs in a private, encrypted, TLS-only bucket only ELB may write to, expiring after 30 days", () => {
        const bucket = view.one(L.bucket, "alb-access-logs");
        expect(bucket.inputs.bucket).to.equal(`goorm-popcorn-dev-alb-logs-${MOCK_ACCOUNT_ID}`);
        expect(view.one(L.lb, "alb-alb").inputs.accessLogs).to.deep.equal({ bucket: bucket.id, prefix: "alb", enabled: true });
        expect(view.one(L.publicAccess, "alb-access-logs-public-access").inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(view.one(L.encryption, "alb-access-logs-encryption").inputs.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }]);
        expect((view.one(L.lifecycle, "alb-access-logs-lifecycle").inputs.rules as Array<{ expiration: { days: number } }>)[0].expiration).to.deep.equal({ days: 30 });
        const statements = JSON.parse(view.one(L.bucketPolicy, "alb-access-logs-policy").inputs.policy as string).Statement;
        expect(statements[0]).to.deep.equal({
            Sid: "ElbLogDelivery",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::600734575887:root", Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `arn:aws:s3:::${bucket.id}/alb/AWSLogs/${MOCK_ACCOUNT_ID}/*`,
        });
        expect(statements[1]).to.deep.include({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": false } } });
    });

    it("tags every taggable child with Component=blue-green-alb and Service=api-gateway", () => {
        for (const r of view.custom.filter((x) => isTaggable(x.type))) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "blue-green-alb", Service: "api-gateway" });
        }
    });
});

describe("components/blue-green-alb: issuing its certificate", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new BlueGreenAlb("alb", albArgs({ certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" }, accessLogs: { enabled: false } })));
    });

    it("requests *.goormpopcorn.shop and the apex, validated by one DNS record in the zone looked up by name", () => {
        expect(view.one(L.certificate, "alb-certificate").inputs).to.deep.include({
            domainName: "*.goormpopcorn.shop",
            subjectAlternativeNames: ["goormpopcorn.shop"],
            validationMethod: "DNS",
        });
        expect((view.one(L.certificate, "alb-certificate").inputs.tags as Record<string, string>).Name).to.equal("goorm-popcorn-dev-certificate");
        const [record] = view.ofType(L.record);
        expect(view.ofType(L.record)).to.have.length(1);
        expect(record.inputs).to.include({ type: "CNAME", ttl: 300 });
        // Shared by every stack certifying this domain in the account: destroying one keeps it.
        expect(record.options.retainOnDelete).to.equal(true);
        expect(String(record.inputs.zoneId)).to.match(/^Z0[0-9A-F]+$/);
        expect(String(record.inputs.name)).to.match(/^_[0-9a-f]+\.goormpopcorn\.shop\.$/);
        const validation = view.one(L.validation, "alb-certificate-validation");
        expect(validation.inputs.validationRecordFqdns).to.deep.equal([String(record.inputs.name).replace(/\.$/, "")]);
        expect(view.one(L.listener, "alb-https").inputs.certificateArn).to.equal(view.one(L.certificate, "alb-certificate").id);
    });

    it("creates no bucket when access logs are off", () => {
        expect(view.ofType(L.bucket)).to.deep.equal([]);
        expect(view.one(L.lb, "alb-alb").inputs.accessLogs).to.equal(undefined);
    });
});

describe("components/blue-green-alb: bad arguments", () => {
    it("refuses weights that do not add up, a bad port, an old TLS policy and names over 32 characters", () => {
        expect(
            () =>
                new BlueGreenAlb(
                    "alb",
                    albArgs({
                        naming: new Naming("goorm-popcorn-platform", "prod"),
                        weights: { blue: 90, green: 20 },
                        targetPort: 0,
                        tlsPolicy: "ELBSecurityPolicy-2016-08" as never,
                    }),
                ),
        ).to.throw(
            ArgumentError,
            /weights: blue 90 \+ green 20 = 110; the weights must add up to 100\n {2}targetGroups\.blue: targetGroup name "goorm-popcorn-platform-gateway-prod" is 35 characters; AWS allows at most 32\n {2}targetGroups\.green: .* is 41 characters.*\n {2}targetPort: 0 is not a port; use 1–65535\n {2}tlsPolicy: "ELBSecurityPolicy-2016-08" is not allowed/,
        );
    });
});

describe("components/blue-green-alb: alias records and CloudWatch dimensions", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        view = await runView(() => {
            const alb = new BlueGreenAlb(
                "alb",
                albArgs({
                    certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" },
                    accessLogs: { enabled: false },
                    dns: { hostedZone: "goormpopcorn.shop", records: ["api.goormpopcorn.shop", "goormpopcorn.shop"] },
                }),
            );
            return { arnSuffix: alb.arnSuffix, targetGroupArnSuffixes: alb.targetGroupArnSuffixes, aliases: alb.aliases };
        });
        outputs = view.run.outputs as Record<string, unknown>;
    });

    it("points an A alias per name at the ALB, in the zone looked up by name, following target health", () => {
        const validation = view.one(L.record, "alb-certificate-validation-record");
        const aliases = ["alb-alias-0", "alb-alias-1"].map((name) => view.one(L.record, name));
        expect(aliases.map((r) => r.inputs.name)).to.deep.equal(["api.goormpopcorn.shop", "goormpopcorn.shop"]);
        for (const record of aliases) {
            expect(record.inputs.type).to.equal("A");
            expect(record.inputs.zoneId).to.equal(validation.inputs.zoneId);
            expect(record.inputs.aliases).to.have.length(1);
            // The ALB's own name and Seoul's ALB hosted zone, as ELB reports them.
            expect((record.inputs.aliases as object[])[0]).to.deep.include({ zoneId: "ZWKZPGTI48KDX", evaluateTargetHealth: true });
            expect((record.inputs.aliases as Array<{ name: string }>)[0].name).to.match(/^goorm-popcorn-alb-dev-\d+\.ap-northeast-2\.elb\.amazonaws\.com$/);
            expect(record.inputs.ttl).to.equal(undefined);
        }
    });

    it("exports the ALB's and target groups' ARN suffixes (their CloudWatch dimensions) and the alias names", () => {
        expect(outputs.arnSuffix).to.match(/^app\/goorm-popcorn-alb-dev\/[0-9a-f]{16}$/);
        expect(outputs.targetGroupArnSuffixes).to.have.keys("blue", "green");
        const suffixes = outputs.targetGroupArnSuffixes as Record<string, string>;
        expect(suffixes.blue).to.match(/^targetgroup\/goorm-popcorn-gateway-dev\/[0-9a-f]{16}$/);
        expect(suffixes.green).to.match(/^targetgroup\/goorm-popcorn-gateway-green-dev\/[0-9a-f]{16}$/);
        expect(outputs.aliases).to.deep.equal(["api.goormpopcorn.shop", "goormpopcorn.shop"]);
    });

    it("refuses names outside the zone, not covered by the certificate, repeated or malformed, and an empty list", () => {
        const certificate = { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" };
        expect(
            () =>
                new BlueGreenAlb(
                    "alb",
                    albArgs({
                        certificate,
                        dns: { hostedZone: "goormpopcorn.shop", records: ["api.example.com", "a.b.goormpopcorn.shop", "api.goormpopcorn.shop", "api.goormpopcorn.shop", "API_gw.goormpopcorn.shop"] },
                    }),
                ),
        ).to.throw(
            ArgumentError,
            new RegExp(
                [
                    'dns\\.records\\[0\\]: "api\\.example\\.com" is not inside the hosted zone "goormpopcorn\\.shop"',
                    'dns\\.records\\[0\\]: "api\\.example\\.com" is not covered by the certificate \\("\\*\\.goormpopcorn\\.shop", "goormpopcorn\\.shop"\\); browsers would refuse it',
                    'dns\\.records\\[1\\]: "a\\.b\\.goormpopcorn\\.shop" is not covered by the certificate \\("\\*\\.goormpopcorn\\.shop", "goormpopcorn\\.shop"\\); browsers would refuse it',
                    'dns\\.records\\[3\\]: "api\\.goormpopcorn\\.shop" is listed twice',
                    'dns\\.records\\[4\\]: "API_gw\\.goormpopcorn\\.shop" is not a fully qualified domain name \\(lowercase, e\\.g\\. api\\.goormpopcorn\\.shop\\)$',
                ].join("\n  "),
            ),
        );
        expect(() => new BlueGreenAlb("alb", albArgs({ dns: { hostedZone: "Z0123456789ABCDEFGHIJ", records: [] } }))).to.throw(
            ArgumentError,
            /dns\.records: is empty; list the names to point at the ALB, e\.g\. api\.goormpopcorn\.shop$/,
        );
        expect(() => new BlueGreenAlb("alb", albArgs({ dns: { hostedZone: "not a zone", records: ["api.goormpopcorn.shop"] } }))).to.throw(
            ArgumentError,
            /dns\.hostedZone: "not a zone" is neither a hosted zone id \(Z…\) nor a domain name$/,
        );
    });
});

describe("components/blue-green-alb: what must exist before it (the account stack's zone)", () => {
    it("stops with what to do when the hosted zone it validates its certificate in does not exist", async () => {
        let message = "";
        try {
            await runView(() => new BlueGreenAlb("alb", albArgs({ certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" } })), { absent: { zones: ["goormpopcorn.shop"] } });
        } catch (err) {
            message = (err as Error).message;
        }
        expect(message).to.contain('BlueGreenAlb "alb": no public hosted zone goormpopcorn.shop in this account');
        expect(message).to.contain("the account stack creates it (platform:zones in Pulumi.account.yaml): run it and delegate the domain to its name servers first");
    });
});
