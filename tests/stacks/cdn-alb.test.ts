/**
 * System B's edge through the whole program: a temp-dir copy of the seed's prod stack file edited
 * into system B's shape (an internal ALB with a route, platform:cdn in front of it through a
 * CloudFront VPC origin, the web ACL derived to scope CLOUDFRONT), held to the baseline; the
 * rules of the CDN's ALB origin and of the web ACL's scope with their exact messages; and the
 * distribution without a web ACL when dev turns WAF off.
 */
import { expect } from "chai";
import * as fs from "fs";
import { parseStackConfig } from "../../stacks/config";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { ConfigMap, Json, RuleCase, itRaises, stackConfig } from "../fixtures/config";
import { SEED_ROOT } from "../fixtures/seed";
import { expectBaseline } from "../support/baseline";
import { RunView, T } from "../support/query";
import { StackCopy } from "../support/stack-copy";

const E = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    distribution: "aws:cloudfront/distribution:Distribution",
    vpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    certificate: "aws:acm/certificate:Certificate",
    record: "aws:route53/record:Record",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    association: "aws:wafv2/webAclAssociation:WebAclAssociation",
    logging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
} as const;

type Edits = ReadonlyArray<readonly [Array<string | number>, unknown]>;

/** `edits` (a YAML path under `config:` → value, or undefined to delete) applied to a copy of the seed's `stack` file, planned. */
async function planWith(stack: "prod" | "dev", edits: Edits): Promise<ProgramRun> {
    const copy = new StackCopy(SEED_ROOT);
    try {
        const doc = copy.document(stack);
        for (const [key, value] of edits) {
            if (value === undefined) {
                doc.deleteIn(["config", ...key]);
            } else {
                doc.setIn(["config", ...key], doc.createNode(value));
            }
        }
        fs.writeFileSync(copy.file(stack), doc.toString());
        return await cachedStackRun(stack, copy.dir);
    } finally {
        copy.remove();
    }
}

const CDN = { albOrigin: {}, aliases: ["app.goormpopcorn.shop"], certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" } };

/** System B's edge on the seed's prod stack: the ALB internal (no public records), one route, the CDN in front of it. */
const SYSTEM_B_PROD: Edits = [
    [["platform:alb", "scheme"], "internal"],
    [["platform:alb", "dns"], undefined],
    [["platform:alb", "routes"], [{ service: "order-service", paths: ["/orders", "/orders/*"], priority: 10 }]],
    [["platform:cdn"], CDN],
];

describe("stacks: system B's edge (a copy of the seed's prod stack: internal ALB, CDN through a VPC origin, CLOUDFRONT web ACL)", () => {
    let run: ProgramRun;
    let view: RunView;
    let distribution: RecordedResource;
    before(async () => {
        run = await planWith("prod", SYSTEM_B_PROD);
        view = new RunView(run);
        distribution = view.one(E.distribution, "cdn-distribution");
    });

    it("plans within the baseline, and the internal ALB is no longer left unreachable (no warning)", () => {
        expectBaseline(run, { project: "goorm-popcorn", env: "prod", name: "prod" });
        expect(run.warnings.filter((w) => w.includes("platform:alb.scheme"))).to.deep.equal([]);
        expect(view.one(E.lb, "alb-alb").inputs.internal).to.equal(true);
    });

    it("creates the VPC origin on the ALB's ARN: HTTPS only on 443, TLS 1.2", () => {
        const vpcOrigin = view.one(E.vpcOrigin, "cdn-vpc-origin");
        expect(vpcOrigin.inputs.vpcOriginEndpointConfig).to.deep.equal({
            name: "goorm-popcorn-prod-cdn-alb",
            arn: view.one(E.lb, "alb-alb").id,
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
        });
    });

    it("points the distribution's one origin at the VPC origin as origin.goormpopcorn.shop, which the ALB's certificate (*.goormpopcorn.shop) covers", () => {
        expect(distribution.inputs.origins).to.deep.equal([{ originId: "alb", domainName: "origin.goormpopcorn.shop", vpcOriginConfig: { vpcOriginId: view.one(E.vpcOrigin, "cdn-vpc-origin").id } }]);
        const albCertificate = view.ofType(E.certificate).find((c) => !c.inputs.region)!;
        expect(albCertificate.inputs).to.deep.include({ domainName: "*.goormpopcorn.shop", subjectAlternativeNames: ["goormpopcorn.shop"] });
        expect(view.ofType(E.oac)).to.deep.equal([]);
    });

    it("sends the default behaviour to the ALB uncached: CachingDisabled, AllViewerExceptHostHeader, all methods, redirect-to-https, PriceClass_200", () => {
        expect(distribution.inputs.defaultCacheBehavior).to.deep.equal({
            targetOriginId: "alb",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        });
        expect(distribution.inputs).to.deep.include({ priceClass: "PriceClass_200", aliases: ["app.goormpopcorn.shop"] });
        expect(distribution.inputs).to.not.have.property("defaultRootObject");
    });

    it("serves app.goormpopcorn.shop with the us-east-1 certificate and its alias records; outputs https://app.goormpopcorn.shop", () => {
        const certificate = view.ofType(E.certificate).find((c) => c.inputs.region === "us-east-1")!;
        expect(distribution.inputs.viewerCertificate).to.deep.equal({ acmCertificateArn: certificate.id, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
        expect(view.ofType(E.record).filter((r) => r.name.startsWith("cdn-alias-")).map((r) => [r.inputs.name, r.inputs.type])).to.deep.equal([
            ["app.goormpopcorn.shop", "A"],
            ["app.goormpopcorn.shop", "AAAA"],
        ]);
        // The origin's name gets no record: CloudFront reaches the ALB by the VPC origin, and a public record would publish private addresses.
        expect(view.ofType(E.record).filter((r) => String(r.inputs.name).startsWith("origin."))).to.deep.equal([]);
        expect(run.outputs.siteUrl).to.equal("https://app.goormpopcorn.shop");
    });

    it("lets only CloudFront's origin-facing prefix list into the ALB's group, on 443, and nothing from the internet", () => {
        const alb = view.ofType(T.securityGroup).find((g) => g.inputs.name === "goorm-popcorn-prod-alb")!;
        const ingress = view.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === alb.id);
        expect(ingress.map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort, r.inputs.description])).to.deep.equal([
            ["sg-alb-in-443-from-cloudfront-origin-facing", 443, 443, "CloudFront VPC origin to the ALB"],
        ]);
        expect(String(ingress[0].inputs.prefixListId)).to.match(/^pl-[0-9a-f]{8}$/);
        expect(ingress[0].inputs).to.not.have.any.keys("cidrIpv4", "referencedSecurityGroupId");
        expect(view.ofType(T.ingressRule).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")).to.deep.equal([]);
        expect(view.ofType(E.listener).map((l) => l.inputs.port)).to.deep.equal([443]);
    });

    it("keeps the internet gateway the VPC origin needs in the ALB's VPC (platform:network always attaches one)", () => {
        const [vpc] = view.ofType(T.vpc);
        expect(view.ofType(T.igw).map((g) => g.inputs.vpcId)).to.deep.equal([vpc.id]);
    });

    it("derives the web ACL's scope: CLOUDFRONT, in us-east-1, the same rules as the regional one", () => {
        const [acl] = view.ofType(E.webAcl);
        expect(view.ofType(E.webAcl)).to.have.length(1);
        expect(acl.inputs).to.deep.include({ name: "goorm-popcorn-prod-web-acl", scope: "CLOUDFRONT", region: "us-east-1" });
        type Rule = { name: string; statement: { rateBasedStatement?: { limit: number }; managedRuleGroupStatement?: { name: string } } };
        expect((acl.inputs.rules as Rule[]).map((r) => r.statement.managedRuleGroupStatement?.name ?? `rate ${r.statement.rateBasedStatement?.limit}`)).to.deep.equal([
            "rate 2000",
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
        ]);
    });

    it("protects the distribution by the ACL's ARN in webAclId (waiting for the ACL), with no WebAclAssociation", () => {
        const [acl] = view.ofType(E.webAcl);
        const arn = `arn:aws:wafv2:us-east-1:${MOCK_ACCOUNT_ID}:global/webacl/goorm-popcorn-prod-web-acl/${acl.id}`;
        expect(run.outputs.webAclArn).to.equal(arn);
        expect(distribution.inputs.webAclId).to.equal(arn);
        expect(distribution.options.dependsOn).to.include(acl.urn);
        expect(view.ofType(E.association)).to.deep.equal([]);
    });

    it("logs the ACL's requests to aws-waf-logs-goorm-popcorn-prod in us-east-1 (90 days), the logging configuration there too", () => {
        const logGroup = view.one(T.logGroup, "waf-logs");
        expect(logGroup.inputs).to.deep.include({ name: "aws-waf-logs-goorm-popcorn-prod", region: "us-east-1", retentionInDays: 90 });
        expect(view.one(E.logging, "waf-logging").inputs).to.deep.include({
            region: "us-east-1",
            resourceArn: run.outputs.webAclArn,
            logDestinationConfigs: [`arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:aws-waf-logs-goorm-popcorn-prod`],
        });
    });
});

describe("stacks: the ALB behind the CDN with albOrigin.forwardHost (the viewer's Host reaches the app)", () => {
    it("sends the viewer's Host by AllViewer, the rest of the default behaviour and the origin's name as without it, within the baseline", async () => {
        const run = await planWith("prod", [
            ...SYSTEM_B_PROD.filter(([key]) => key[0] !== "platform:cdn"),
            [["platform:cdn"], { ...CDN, albOrigin: { forwardHost: true } }],
            [["platform:alb", "routes"], [{ service: "order-service", paths: ["/orders", "/orders/*"], hosts: ["app.goormpopcorn.shop"], priority: 10 }]],
        ]);
        const view = new RunView(run);
        const distribution = view.one(E.distribution, "cdn-distribution");
        expect(distribution.inputs.defaultCacheBehavior).to.deep.equal({
            targetOriginId: "alb",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            originRequestPolicyId: "216adef6-5c7f-47e4-b989-5492eafa07d3", // AllViewer
        });
        // The origin's name (what the VPC origin's TLS is asked for) stays origin.<domain>; the ALB's certificate covers it and the alias.
        expect(distribution.inputs.origins).to.deep.equal([{ originId: "alb", domainName: "origin.goormpopcorn.shop", vpcOriginConfig: { vpcOriginId: view.one(E.vpcOrigin, "cdn-vpc-origin").id } }]);
        const rule = view.ofType("aws:lb/listenerRule:ListenerRule")[0];
        expect(rule.inputs.conditions).to.deep.include({ hostHeader: { values: ["app.goormpopcorn.shop"] } });
        expectBaseline(run, { project: "goorm-popcorn", env: "prod", name: "prod" });
    });
});

describe("stacks: system B's edge in dev, WAF turned off", () => {
    it("plans the distribution without webAclId, and no web ACL at all", async () => {
        const run = await planWith("dev", [
            [["platform:network", "subnets", "private"], [{ cidr: "10.0.11.0/24", az: "ap-northeast-2a" }, { cidr: "10.0.12.0/24", az: "ap-northeast-2c" }]],
            [["platform:alb", "scheme"], "internal"],
            [["platform:alb", "dns"], undefined],
            [["platform:cdn"], CDN],
            [["platform:waf", "enabled"], false],
        ]);
        const view = new RunView(run);
        expect(view.one(E.distribution, "cdn-distribution").inputs).to.not.have.property("webAclId");
        expect(view.ofType(E.webAcl)).to.deep.equal([]);
        expectBaseline(run, { project: "goorm-popcorn", env: "dev", name: "dev" });
    });
});

describe("stacks: bad CDN-in-front-of-the-ALB and web ACL scope configs", () => {
    /** The seed's prod stack file in system B's shape, then `change`. */
    const systemB = (change: (config: ConfigMap, edit: (key: string, fn: (value: Json) => void) => void) => void = () => {}) => () =>
        stackConfig("prod", (config, edit) => {
            edit("alb", (alb) => {
                alb.scheme = "internal";
                delete alb.dns;
                alb.routes = [{ service: "order-service", paths: ["/orders", "/orders/*"], priority: 10 }];
            });
            edit("cdn", (cdn) => Object.assign(cdn, CDN));
            change(config, edit);
        });
    const cases: RuleCase[] = [
        [
            "a CDN in front of an ALB the stack does not have",
            () => ({ "aws:region": "ap-northeast-2", "platform:env": "dev", "platform:name": "chat", "platform:cdn": JSON.stringify(CDN) }),
            ['platform:cdn.albOrigin: needs platform:alb with scheme "internal", which this stack does not have: the VPC origin fronts the stack\'s internal ALB'],
        ],
        [
            "a CDN in front of an internet-facing ALB",
            () => stackConfig("prod", (_config, edit) => edit("cdn", (cdn) => Object.assign(cdn, CDN))),
            [
                'platform:cdn.albOrigin: needs platform:alb.scheme "internal", and it is "internet-facing": a VPC origin reaches an ALB in the private subnets, and an internet-facing ALB would stay open to the internet beside the CDN; set platform:alb.scheme: internal',
            ],
            "prod",
        ],
        ["a CDN with neither a bucket nor the ALB", systemB((_c, edit) => edit("cdn", (cdn) => delete cdn.albOrigin)), ["platform:cdn: needs bucket (a static bucket of platform:buckets) or albOrigin (the stack's internal ALB, through a CloudFront VPC origin)"], "prod"],
        [
            "a CDN with both a bucket and the ALB",
            systemB((_c, edit) => edit("cdn", (cdn) => (cdn.bucket = "site"))),
            [
                'platform:cdn.albOrigin: is given with bucket: the default behaviour goes to one origin, the ALB or a bucket; serve the bucket beside the ALB on a path of its own, e.g. behaviors: [{path: "/static/*", bucket: "site"}]',
            ],
            "prod",
        ],
        [
            "the ALB behind a CDN without a custom domain",
            systemB((_c, edit) => edit("cdn", (cdn) => ((cdn.aliases = []), delete cdn.certificate))),
            [
                "platform:cdn.aliases: is empty; in front of the ALB the distribution is the public entry point, on a domain of its own: list at least one name covered by certificate.domain",
                "platform:cdn.albOrigin.domainName: is required without certificate: there is no origin.<certificate.domain> to default to; give a name the ALB's certificate covers",
            ],
            "prod",
        ],
        [
            "an origin name neither certificate covers",
            systemB((_c, edit) => edit("cdn", (cdn) => (cdn.albOrigin = { domainName: "origin.api.goormpopcorn.shop" }))),
            [
                'platform:cdn.albOrigin.domainName: makes the origin name "origin.api.goormpopcorn.shop", which the ALB\'s certificate (platform:alb.certificate.domain: "*.goormpopcorn.shop", "goormpopcorn.shop") does not cover: CloudFront sends it as the TLS server name and Host and would refuse the ALB\'s certificate (502); use goormpopcorn.shop or a name one label below it',
                'platform:cdn.albOrigin.domainName: "origin.api.goormpopcorn.shop" is not covered by certificate.domain ("*.goormpopcorn.shop", "goormpopcorn.shop"): the origin name is a name of the site\'s domain, which the ALB\'s certificate covers too; use goormpopcorn.shop or a name one label below it, e.g. origin.goormpopcorn.shop',
            ],
            "prod",
        ],
        [
            "a CDN domain the ALB's certificate does not cover",
            systemB((_c, edit) => edit("cdn", (cdn) => ((cdn.aliases = ["app.goormpopcorn.com"]), (cdn.certificate = { domain: "goormpopcorn.com", hostedZone: "goormpopcorn.com" })))),
            [
                'platform:cdn.albOrigin: makes the origin name "origin.goormpopcorn.com", which the ALB\'s certificate (platform:alb.certificate.domain: "*.goormpopcorn.shop", "goormpopcorn.shop") does not cover: CloudFront sends it as the TLS server name and Host and would refuse the ALB\'s certificate (502); use goormpopcorn.shop or a name one label below it',
            ],
            "prod",
        ],
        [
            "the ALB's own name as the origin name",
            systemB((_c, edit) => edit("cdn", (cdn) => (cdn.albOrigin = { domainName: "internal-goorm-popcorn-alb-prod-1234567890.ap-northeast-2.elb.amazonaws.com" }))),
            [
                'platform:cdn.albOrigin.domainName: makes the origin name "internal-goorm-popcorn-alb-prod-1234567890.ap-northeast-2.elb.amazonaws.com", which the ALB\'s certificate (platform:alb.certificate.domain: "*.goormpopcorn.shop", "goormpopcorn.shop") does not cover: CloudFront sends it as the TLS server name and Host and would refuse the ALB\'s certificate (502); use goormpopcorn.shop or a name one label below it',
                'platform:cdn.albOrigin.domainName: "internal-goorm-popcorn-alb-prod-1234567890.ap-northeast-2.elb.amazonaws.com" is the ALB\'s own name, which its certificate does not cover: CloudFront would fail the TLS handshake and answer 502/504; use a name of your domain, e.g. origin.<certificate.domain>',
            ],
            "prod",
        ],
        [
            "a route by a host no request through the CDN carries",
            systemB((_c, edit) => edit("alb", (alb) => alb.routes.push({ service: "user-service", hosts: ["users.goormpopcorn.shop"], priority: 20 }))),
            [
                'platform:alb.routes[1].hosts: "users.goormpopcorn.shop" never matches behind platform:cdn.albOrigin: every request reaches the ALB with Host "origin.goormpopcorn.shop" (the origin\'s name; the viewer\'s Host is not forwarded); route by paths, or list "origin.goormpopcorn.shop"',
            ],
            "prod",
        ],
        [
            "with forwardHost, an alias the ALB's certificate does not cover (the CDN's certificate does)",
            systemB((_c, edit) =>
                edit("cdn", (cdn) => {
                    cdn.aliases = ["app.goormpopcorn.shop", "www.app.goormpopcorn.shop"];
                    cdn.certificate = { domain: "app.goormpopcorn.shop", hostedZone: "goormpopcorn.shop" };
                    cdn.albOrigin = { domainName: "app.goormpopcorn.shop", forwardHost: true };
                }),
            ),
            [
                'platform:cdn.aliases[1]: "www.app.goormpopcorn.shop" is not covered by the ALB\'s certificate (platform:alb.certificate.domain: "*.goormpopcorn.shop", "goormpopcorn.shop"): with albOrigin.forwardHost CloudFront asks the ALB for the viewer\'s name and checks its certificate against it, so the TLS handshake would fail and CloudFront would answer 502 to every request for it; use goormpopcorn.shop or a name one label below it, or leave forwardHost off',
            ],
            "prod",
        ],
        [
            "with forwardHost, a route by the origin's name, which no request carries any more",
            systemB((_c, edit) => {
                edit("cdn", (cdn) => (cdn.albOrigin = { forwardHost: true }));
                edit("alb", (alb) => alb.routes.push({ service: "user-service", hosts: ["origin.goormpopcorn.shop", "users.goormpopcorn.shop"], priority: 20 }));
            }),
            [
                'platform:alb.routes[1].hosts: none of "origin.goormpopcorn.shop", "users.goormpopcorn.shop" matches behind platform:cdn.albOrigin with forwardHost: every request reaches the ALB with the viewer\'s Host, one of platform:cdn.aliases ("app.goormpopcorn.shop"); route by paths, or list one of them',
            ],
            "prod",
        ],
        [
            "with forwardHost, an origin name the ALB's certificate does not cover (TLS server name only)",
            systemB((_c, edit) => edit("cdn", (cdn) => ((cdn.aliases = ["app.goormpopcorn.com"]), (cdn.certificate = { domain: "goormpopcorn.com", hostedZone: "goormpopcorn.com" }), (cdn.albOrigin = { forwardHost: true })))),
            [
                'platform:cdn.albOrigin: makes the origin name "origin.goormpopcorn.com", which the ALB\'s certificate (platform:alb.certificate.domain: "*.goormpopcorn.shop", "goormpopcorn.shop") does not cover: CloudFront sends it as the TLS server name and would refuse the ALB\'s certificate (502); use goormpopcorn.shop or a name one label below it',
                'platform:cdn.aliases[0]: "app.goormpopcorn.com" is not covered by the ALB\'s certificate (platform:alb.certificate.domain: "*.goormpopcorn.shop", "goormpopcorn.shop"): with albOrigin.forwardHost CloudFront asks the ALB for the viewer\'s name and checks its certificate against it, so the TLS handshake would fail and CloudFront would answer 502 to every request for it; use goormpopcorn.shop or a name one label below it, or leave forwardHost off',
            ],
            "prod",
        ],
        [
            "forwardHost not a boolean",
            systemB((_c, edit) => edit("cdn", (cdn) => (cdn.albOrigin = { forwardHost: "yes" }))),
            ["^platform:cdn\\.albOrigin\\.forwardHost: .*boolean"],
            "prod",
        ],
        [
            "a cached behaviour in front of the ALB",
            systemB((_c, edit) => edit("cdn", (cdn) => (cdn.cachePolicy = "CachingOptimized"))),
            [
                'platform:cdn.cachePolicy: "CachingOptimized" is not allowed in front of the ALB: it leaves cookies, query strings and headers out of the cache key, so one user\'s answer would be served to another; use "CachingDisabled" (the default there)',
            ],
            "prod",
        ],
        [
            "a regional web ACL on the internal ALB behind the CDN",
            systemB((_c, edit) => edit("waf", (waf) => (waf.scope = "regional"))),
            [
                'platform:waf.scope: "regional" is not allowed while platform:cdn.albOrigin fronts the ALB: the public entry point is the CloudFront distribution, which a regional ACL does not protect, and the internal ALB sees CloudFront\'s addresses, so the rate limit would count CloudFront\'s servers instead of clients; use "cloudfront" (the default there)',
            ],
            "prod",
        ],
        [
            "a CLOUDFRONT web ACL without a CDN in front of the ALB",
            () => stackConfig("prod", (_config, edit) => edit("waf", (waf) => (waf.scope = "cloudfront"))),
            ['platform:waf.scope: "cloudfront" needs platform:cdn.albOrigin: a CLOUDFRONT web ACL protects the distribution in front of the ALB, and this stack has no platform:cdn; use "regional" (the ALB\'s)'],
            "prod",
        ],
        [
            "prod without WAF on the CDN in front of the ALB",
            systemB((_c, edit) => edit("waf", (waf) => (waf.enabled = false))),
            ["platform:waf.enabled: false is not allowed in prod; a WAF web ACL protects the public entry point there, the CloudFront distribution of platform:cdn.albOrigin (security baseline)"],
            "prod",
        ],
        ["a scope WAF's key does not have", systemB((_c, edit) => edit("waf", (waf) => (waf.scope = "global"))), ['^platform:waf\\.scope: "global" is not allowed.*regional.*cloudfront'], "prod"],
    ];
    itRaises(cases);

    it("accepts system B's edge, and the web ACL's scope given as the derived one", () => {
        expect(() => parseStackConfig(systemB()(), "prod")).to.not.throw();
        expect(() => parseStackConfig(systemB((_c, edit) => edit("waf", (waf) => (waf.scope = "cloudfront")))(), "prod")).to.not.throw();
    });

    it("accepts, with forwardHost, routes by an alias (or a pattern matching one), and an ALB certificate by ARN, whose names are not read here", () => {
        const forwarding = (change: (config: ConfigMap, edit: (key: string, fn: (value: Json) => void) => void) => void = () => {}) =>
            systemB((config, edit) => {
                edit("cdn", (cdn) => (cdn.albOrigin = { forwardHost: true }));
                change(config, edit);
            })();
        expect(() => parseStackConfig(forwarding((_c, edit) => edit("alb", (alb) => alb.routes.push({ service: "user-service", hosts: ["app.goormpopcorn.shop"], priority: 20 }))), "prod")).to.not.throw();
        expect(() => parseStackConfig(forwarding((_c, edit) => edit("alb", (alb) => alb.routes.push({ service: "user-service", hosts: ["ap?.goormpopcorn.shop"], priority: 20 }))), "prod")).to.not.throw();
        const arn = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        expect(() => parseStackConfig(forwarding((_c, edit) => edit("alb", (alb) => (alb.certificate = { arn }))), "prod")).to.not.throw();
    });
});
