/**
 * platform:mesh in stacks: its defaults per env, every rule triggered by a stack file's config with
 * its exact message (the pinned Istio against platform:eks.version, prod's replicas, the settings'
 * rules at their keys, platform:eks required), and system C's ingress planned through the program:
 * the ALB's external target group bound to the gateway once the load balancer controller exists,
 * the rate limit's warning when it does not divide, the outputs and the baseline.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { versionsIn } from "../../../../components/compute/eks/versions";
import { meshBlock } from "../../../../components/kubernetes/mesh/block";
import { parseStackConfig } from "../../../../stacks/config";
import { ProgramRun } from "../../../../tooling/mock-runtime";
import { cachedStackRun } from "../../../../tooling/plan";
import { PROJECT_ROOT } from "../../../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, problemLines } from "../../../fixtures/config";
import { pointEks } from "../../../fixtures/eks";
import { expectBaseline } from "../../../support/baseline";
import { RunView } from "../../../support/query";

/** A config without `platform:<key>`. */
function without(config: ConfigMap, key: string): ConfigMap {
    const copy = { ...config };
    delete copy[`platform:${key}`];
    return copy;
}

/** System C's mesh. */
function meshConfig(): Json {
    return {
        gateway: { hosts: ["api.goormpopcorn.shop"] },
        auth: {
            issuer: "https://auth.goormpopcorn.shop",
            jwksUri: "https://auth.goormpopcorn.shop/.well-known/jwks.json",
            audiences: ["point-api"],
        },
    };
}

/** System C's ALB: internet-facing, its default action to the gateway's pods. */
function albConfig(): Json {
    return {
        certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" },
        deletionProtection: true,
        accessLogs: { enabled: true },
        external: { name: "gateway" },
    };
}

/** A point-eks stack in `env` with the mesh (`change` applied), and `extra` keys. */
function withMesh(change: (mesh: Json, eks: Json) => void = () => {}, env: "dev" | "prod" = "prod", extra: ConfigMap = {}): ConfigMap {
    const mesh = meshConfig();
    const config = pointEks((eks) => change(mesh, eks), env, extra);
    return { ...config, "platform:mesh": JSON.stringify(mesh) };
}

/** The same with the ALB's external target and the load balancer controller that binds it. */
function withIngress(change: (mesh: Json, eks: Json) => void = () => {}, env: "dev" | "prod" = "prod"): ConfigMap {
    return withMesh(change, env, { "platform:alb": JSON.stringify(albConfig()), "platform:loadBalancerController": JSON.stringify({}) });
}

describe("stacks: platform:mesh resolves with its defaults", () => {
    it("prod: istiod 2 replicas, gateway 2, 1000 requests per second, x-member-id from sub, /healthz and /health public", () => {
        const mesh = parseStackConfig(withMesh(), "point-eks").config(meshBlock)!;
        expect(mesh).to.deep.equal({
            istiod: { replicas: 2, resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } },
            proxy: { resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } } },
            gateway: { replicas: 2, resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } }, hosts: ["api.goormpopcorn.shop"] },
            auth: {
                issuer: "https://auth.goormpopcorn.shop",
                jwksUri: "https://auth.goormpopcorn.shop/.well-known/jwks.json",
                audiences: ["point-api"],
                memberHeader: "x-member-id",
                memberClaim: "sub",
                publicPaths: ["/healthz", "/health"],
            },
            rateLimit: { requestsPerSecond: 1000 },
        });
    });

    it("dev: istiod 1 replica, the gateway still 2", () => {
        const mesh = parseStackConfig(withMesh(() => {}, "dev"), "point-eks").config(meshBlock)!;
        expect([mesh.istiod.replicas, mesh.gateway.replicas]).to.deep.equal([1, 2]);
    });

    it("declares no security group or flow of its own: the ALB block opens eks-nodes to it on 8080 and 15021", () => {
        const security = parseStackConfig(withMesh(), "point-eks").security;
        expect(security.groups.filter((g) => g.key === "mesh")).to.deep.equal([]);
    });
});

describe("stacks: bad platform:mesh configs", () => {
    const cases: RuleCase[] = [
        ["no platform:eks", () => without(withMesh(), "eks"), ["platform:mesh: needs platform:eks, which this stack does not have"], "point-eks"],
        ["one gateway replica in prod", () => withMesh((m) => (m.gateway.replicas = 1)), ["platform:mesh.gateway.replicas: 1 is not allowed in prod; run at least 2, so one survives a node's loss"], "point-eks"],
        ["one istiod replica in prod", () => withMesh((m) => (m.istiod = { replicas: 1 })), ["platform:mesh.istiod.replicas: 1 is not allowed in prod; run at least 2, so one survives a node's loss"], "point-eks"],
        ["no gateway replica (dev)", () => withMesh((m) => (m.gateway.replicas = 0), "dev"), ["platform:mesh.gateway.replicas: 0 is not a replica count; use a whole number, 1 or more"], "point-eks"],
        [
            "a rate below the replicas",
            () => withMesh((m) => (m.rateLimit = { requestsPerSecond: 1 })),
            ["platform:mesh.rateLimit.requestsPerSecond: 1 is below the gateway's 2 replicas: each replica's bucket holds at least 1 request per second, so 2 would pass; raise it, or lower platform:mesh.gateway.replicas"],
            "point-eks",
        ],
        ["a fractional rate", () => withMesh((m) => (m.rateLimit = { requestsPerSecond: 99.5 })), ["platform:mesh.rateLimit.requestsPerSecond: 99.5 is not a rate; use a whole number of requests per second, 1 or more"], "point-eks"],
        [
            "a header with capitals",
            () => withMesh((m) => (m.auth.memberHeader = "X-Member-Id")),
            ['platform:mesh.auth.memberHeader: "X-Member-Id" is not a lowercase header name; use lowercase letters, digits, hyphens and underscores (an RFC 7230 token Istio accepts), e.g. "x-member-id"'],
            "point-eks",
        ],
        ["a header with a colon", () => withMesh((m) => (m.auth.memberHeader = "x-member:id")), ['^platform:mesh\\.auth\\.memberHeader: "x-member:id" is not a lowercase header name'], "point-eks"],
        ["an http issuer", () => withMesh((m) => (m.auth.issuer = "http://auth.goormpopcorn.shop")), ['platform:mesh.auth.issuer: "http://auth.goormpopcorn.shop" is not an https:// URL; the issuer is the https URL tokens carry in iss'], "point-eks"],
        [
            "an http JWKS URI",
            () => withMesh((m) => (m.auth.jwksUri = "http://auth.goormpopcorn.shop/jwks")),
            ['platform:mesh.auth.jwksUri: "http://auth.goormpopcorn.shop/jwks" is not an https:// URL; istiod fetches the issuer\'s signing keys from it, over TLS only'],
            "point-eks",
        ],
        ["no audience", () => withMesh((m) => (m.auth.audiences = [])), ["platform:mesh.auth.audiences: is empty; list the audiences (aud) a token must carry, or any token of the issuer would do"], "point-eks"],
        ["a public path listed twice", () => withMesh((m) => (m.auth.publicPaths = ["/healthz", "/healthz"])), ['platform:mesh.auth.publicPaths[1]: "/healthz" is listed twice'], "point-eks"],
        ["a host with a scheme", () => withMesh((m) => (m.gateway.hosts = ["https://api.goormpopcorn.shop"])), ['platform:mesh.gateway.hosts[0]: "https://api.goormpopcorn.shop" is not a host name; use a lowercase DNS name, optionally starting with "*."'], "point-eks"],
        [
            "a gateway request over its limit",
            () => withMesh((m) => (m.gateway.resources = { requests: { cpu: "4" } })),
            ['platform:mesh.gateway.resources.requests.cpu: "4" is more than limits.cpu "2"; a container\'s request cannot exceed its limit'],
            "point-eks",
        ],
        ["no auth at all", () => withMesh((m) => delete m.auth), ["^platform:mesh\\.auth: "], "point-eks"],
        [
            "an unknown key",
            () => withMesh((m) => (m.gateway.replica = 3)),
            ["^platform:mesh.gateway.replica: is not a known key \\(did you mean replicas\\?\\); allowed here: replicas, resources, hosts$"],
            "point-eks",
        ],
    ];
    itRaises(cases);

    it("an ALB external target on ports or a path other than the gateway's", () => {
        const config = withIngress();
        const alb = albConfig();
        alb.external = { name: "gateway", port: 8443, healthCheck: { port: 15020, path: "/health" } };
        expect(problemLines({ ...config, "platform:alb": JSON.stringify(alb) }, "point-eks")).to.deep.equal([
            "platform:alb.external.port: 8443 is not the mesh gateway's port; platform:mesh binds the gateway's pods, which serve HTTP on 8080",
            "platform:alb.external.healthCheck.port: 15020 is not the mesh gateway's status port; health-check 15021",
            'platform:alb.external.healthCheck.path: "/health" is not the mesh gateway\'s readiness path; its status port answers /healthz/ready',
        ]);
    });

    it("a Kubernetes version the pinned Istio does not support, at platform:eks.version (beside the EKS block's own problems with it)", () => {
        const lines = problemLines(withMesh((_, eks) => (eks.version = "1.31")), "point-eks");
        expect(lines).to.include(
            'platform:eks.version: "1.31" is not supported by Istio 1.31.1, the mesh\'s pinned release, which supports Kubernetes 1.32, 1.33, 1.34, 1.35, 1.36 (istio.io, Supported Releases); choose one of those',
        );
    });

    it("every Kubernetes version EKS has in standard support today is one Istio 1.31 supports", () => {
        expect(versionsIn("standard")).to.not.be.empty;
        for (const version of versionsIn("standard")) {
            expect(() => parseStackConfig(withMesh((_, eks) => (eks.version = version)), "point-eks"), version).to.not.throw();
        }
    });
});

describe("stack point-eks (planned): the mesh behind the ALB", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-mesh-"));
    let run: ProgramRun;
    let view: RunView;
    const plan = async (config: ConfigMap): Promise<ProgramRun> => {
        const yaml = ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: ${value.startsWith("{") || value.startsWith("[") ? value : JSON.stringify(value)}`)].join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.point-eks.yaml"), `${yaml}\n`);
        return cachedStackRun("point-eks", dir);
    };
    before(async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        run = await plan(withIngress());
        view = new RunView(run);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const binding = () => view.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "mesh-binding-gateway");

    it("binds the ALB's external target group to the gateway Service's port 80, by pod IP", () => {
        const group = view.ofType("aws:lb/targetGroup:TargetGroup").find((g) => g.inputs.name === "point-eks-gateway-prod")!;
        expect(binding().inputs.metadata).to.deep.include({ name: "gateway", namespace: "istio-ingress" });
        expect(binding().inputs.spec).to.deep.equal({ serviceRef: { name: "istio-ingressgateway", port: 80 }, targetGroupARN: group.id, targetType: "ip" });
    });

    it("binds once the load balancer controller's release (its CRD and webhook) and the gateway exist", () => {
        const controller = view.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "aws-load-balancer-controller")!;
        expect(binding().options.dependsOn).to.include.members([controller.urn, view.one("kubernetes:helm.sh/v3:Release", "mesh-gateway").urn]);
    });

    it("creates every Kubernetes object of the mesh with the cluster's provider", () => {
        const ours = view.resources.filter((r) => r.type.startsWith("kubernetes:") && r.name.startsWith("mesh-"));
        expect(ours).to.have.length(2 + 3 + 6 + 1);
        const providers = new Set(ours.map((r) => r.options.provider));
        expect([...providers]).to.have.length(1);
        expect([...providers][0]).to.match(/pulumi:providers:kubernetes::/);
    });

    it("outputs the Istio version, the gateway, its hosts, the rate limit's split and the bindings", () => {
        expect(run.outputs.mesh).to.deep.equal({
            istioVersion: "1.31.1",
            gateway: "istio-ingress/public",
            hosts: ["api.goormpopcorn.shop"],
            rateLimit: { requestsPerSecond: 1000, replicas: 2, perReplica: 500, effectiveTotal: 1000 },
            targetGroupBindings: ["gateway"],
        });
    });

    it("says nothing of the rate limit when it divides, and meets the baseline", () => {
        expect(run.warnings.filter((w) => w.includes("platform:mesh"))).to.deep.equal([]);
        expectBaseline(run, { project: "point-eks", env: "prod", name: "point-eks" });
    });

    it("warns that a rate which does not divide among the replicas rounds up, with the effective total", async () => {
        const rounded = await plan(withIngress((m) => (m.rateLimit = { requestsPerSecond: 1001 })));
        expect(rounded.warnings.filter((w) => w.includes("platform:mesh"))).to.deep.equal([
            "platform:mesh.rateLimit.requestsPerSecond: 1001 requests per second do not divide among 2 gateway replicas: each allows ceil(1001 / 2) = 501 per second, 1002 in total",
        ]);
        expect((rounded.outputs.mesh as { rateLimit: unknown }).rateLimit).to.deep.equal({ requestsPerSecond: 1001, replicas: 2, perReplica: 501, effectiveTotal: 1002 });
    });
});
