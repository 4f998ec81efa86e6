/**
 * The Mesh component and the pure functions behind it: system C's Istio (three pinned releases,
 * their typed values), the mesh-wide and gateway policies as custom resources (apiVersion, kind,
 * namespace, spec), the rate limit's arithmetic, the TargetGroupBindings, what waits for what,
 * and every argument rule.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { kubernetesSdk } from "../../../../components/compute/eks/contract";
import {
    GATEWAY_PRINCIPAL,
    GATEWAY_REF,
    INJECTION_LABEL,
    ISTIO_KUBERNETES_VERSIONS,
    ISTIO_VERSION,
    MeshSettings,
    SUPPORTED_KUBERNETES,
    bytes,
    gatewayValues,
    istiodValues,
    kubernetesVersionProblem,
    localRateLimitConfig,
    millicores,
    rateLimitShare,
    roundedRateNote,
} from "../../../../components/kubernetes/mesh/istio";
import { Mesh, MeshArgs } from "../../../../components/kubernetes/mesh/mesh";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { Json } from "../../../fixtures/config";
import { RunView, refusedArguments, runView } from "../../../support/query";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const TG_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${MOCK_ACCOUNT_ID}:targetgroup/point-eks-prod-mesh/0123456789abcdef`;
const naming = new Naming("point-eks", "prod");
const tags = baseTags({ project: "point-eks", env: "prod", stack: "test" });

/** System C's mesh settings. */
function settings(): MeshSettings {
    return {
        istiod: { replicas: 2, resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } },
        proxy: { resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } } },
        gateway: { replicas: 2, resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } }, hosts: ["api.point.example.com"] },
        auth: {
            issuer: "https://auth.point.example.com",
            jwksUri: "https://auth.point.example.com/.well-known/jwks.json",
            audiences: ["point-api"],
            memberHeader: "x-member-id",
            memberClaim: "sub",
            publicPaths: ["/healthz", "/health"],
        },
        rateLimit: { requestsPerSecond: 1000 },
    };
}

/**
 * The component's arguments with a provider made inside the program (as the EKS block's would be);
 * without one for arguments it refuses (nothing but the stack may register then).
 */
function meshArgs(change: (args: MeshArgs) => void = () => {}, withProvider = true): () => MeshArgs {
    return () => {
        const k8s = kubernetesSdk();
        const args: MeshArgs = {
            naming,
            tags,
            ...settings(),
            provider: withProvider ? new k8s.Provider("k", { kubeconfig: "{}" }) : (undefined as unknown as MeshArgs["provider"]),
            kubernetesVersion: "1.35",
            targets: [{ name: "mesh", targetGroupArn: pulumi.output(TG_ARN), port: 8080, healthCheckPort: 15021 }],
        };
        change(args);
        return args;
    };
}

/** An edit of the arguments (loosely typed, as config is), for arguments the component refuses. */
function withSettings(edit: (s: Json) => void): () => MeshArgs {
    return meshArgs((args) => edit(args as unknown as Json), false);
}

describe("components/mesh: istio.ts", () => {
    it("pins Istio 1.31.1, whose minor supports Kubernetes 1.32 to 1.36; 1.29 supported 1.31 to 1.35", () => {
        expect(ISTIO_VERSION).to.equal("1.31.1");
        expect(SUPPORTED_KUBERNETES).to.deep.equal(["1.32", "1.33", "1.34", "1.35", "1.36"]);
        expect(ISTIO_KUBERNETES_VERSIONS["1.29"]).to.deep.equal(["1.31", "1.32", "1.33", "1.34", "1.35"]);
        expect(kubernetesVersionProblem("1.35")).to.equal(undefined);
        expect(kubernetesVersionProblem("1.31")).to.equal(
            '"1.31" is not supported by Istio 1.31.1, the mesh\'s pinned release, which supports Kubernetes 1.32, 1.33, 1.34, 1.35, 1.36 (istio.io, Supported Releases); choose one of those',
        );
    });

    it("divides the rate among the replicas, rounding up: 1000 / 2 = 500 each; 1001 / 2 = 501 each, 1002 in total, and says so", () => {
        expect(rateLimitShare(1000, 2)).to.deep.equal({ requestsPerSecond: 1000, replicas: 2, perReplica: 500, effectiveTotal: 1000 });
        expect(rateLimitShare(1000, 3)).to.deep.equal({ requestsPerSecond: 1000, replicas: 3, perReplica: 334, effectiveTotal: 1002 });
        expect(rateLimitShare(1001, 2)).to.deep.include({ perReplica: 501, effectiveTotal: 1002 });
        expect(rateLimitShare(7, 1)).to.deep.include({ perReplica: 7, effectiveTotal: 7 });
        expect(roundedRateNote(rateLimitShare(1000, 2))).to.equal(undefined);
        expect(roundedRateNote(rateLimitShare(1001, 2))).to.equal(
            "1001 requests per second do not divide among 2 gateway replicas: each allows ceil(1001 / 2) = 501 per second, 1002 in total",
        );
    });

    it("writes Envoy's local rate limit: a bucket of the replica's share refilled each second, always enabled and enforced, 429", () => {
        expect(localRateLimitConfig(rateLimitShare(1000, 2))).to.deep.equal({
            "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
            stat_prefix: "http_local_rate_limiter",
            token_bucket: { max_tokens: 500, tokens_per_fill: 500, fill_interval: "1s" },
            filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: { numerator: 100, denominator: "HUNDRED" } },
            filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: { numerator: 100, denominator: "HUNDRED" } },
            status: { code: "TooManyRequests" },
            response_headers_to_add: [{ append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "x-local-rate-limit", value: "true" } }],
        });
    });

    it("reads Kubernetes quantities", () => {
        expect([millicores("500m"), millicores("1"), millicores("1.5"), millicores("1m5")]).to.deep.equal([500, 1000, 1500, undefined]);
        expect([bytes("512Mi"), bytes("2Gi"), bytes("1G"), bytes("1GB")]).to.deep.equal([512 * 2 ** 20, 2 * 2 ** 30, 1e9, undefined]);
    });

    it("names what the workloads and the ALB rely on", () => {
        expect(INJECTION_LABEL).to.deep.equal({ "istio-injection": "enabled" });
        expect(GATEWAY_PRINCIPAL).to.equal("cluster.local/ns/istio-ingress/sa/istio-ingressgateway");
        expect(GATEWAY_REF).to.equal("istio-ingress/public");
    });

    it("gives one replica's gateway no PodDisruptionBudget (the chart creates none below two)", () => {
        expect(gatewayValues({ ...settings().gateway, replicas: 1 }).podDisruptionBudget).to.deep.equal({});
        expect(gatewayValues(settings().gateway).podDisruptionBudget).to.deep.equal({ minAvailable: 1 });
    });
});

describe("components/mesh: system C's Istio", () => {
    let view: RunView;
    let mesh: Mesh;
    const lbc: { release?: pulumi.Resource } = {};
    before(async () => {
        view = await runView(() => {
            const args = meshArgs()();
            const k8s = kubernetesSdk();
            lbc.release = new k8s.helm.v3.Release("lbc", { chart: "aws-load-balancer-controller", namespace: "kube-system" }, { provider: args.provider });
            mesh = new Mesh("mesh", { ...args, bindingsDependOn: [lbc.release] });
        });
    });
    const release = (name: string) => view.one(RELEASE, `mesh-${name}`);
    const custom = (kind: string): RecordedResource[] => view.resources.filter((r) => r.type.endsWith(`:${kind}`) && r.type.startsWith("kubernetes:"));
    const urnOf = (type: string, name: string) => view.one(type, name).urn;

    it("creates the namespaces istio-system and istio-ingress", () => {
        expect(view.ofType(NAMESPACE).map((n) => (n.inputs.metadata as { name: string }).name)).to.deep.equal(["istio-system", "istio-ingress"]);
    });

    it("installs base, istiod and the gateway from Istio's repository at 1.31.1, each in its namespace, as named releases", () => {
        const facts = ["base", "istiod", "gateway"].map((key) => {
            const r = release(key);
            return [r.inputs.name, r.inputs.chart, r.inputs.version, (r.inputs.repositoryOpts as { repo: string }).repo, r.inputs.namespace, r.inputs.createNamespace, r.inputs.atomic];
        });
        const repo = "https://istio-release.storage.googleapis.com/charts";
        expect(facts).to.deep.equal([
            ["istio-base", "base", "1.31.1", repo, "istio-system", false, true],
            ["istiod", "istiod", "1.31.1", repo, "istio-system", false, true],
            ["istio-ingressgateway", "gateway", "1.31.1", repo, "istio-ingress", false, true],
        ]);
    });

    it("sets the charts' values: base's default revision; istiod's fixed replicas, resources, access log, merged metrics, sidecar resources", () => {
        expect(release("base").inputs.values).to.deep.equal({ defaultRevision: "default" });
        expect(release("istiod").inputs.values).to.deep.equal({
            autoscaleEnabled: false,
            replicaCount: 2,
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
            meshConfig: { accessLogFile: "/dev/stdout", enablePrometheusMerge: true },
            global: { proxy: { resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } } } },
        });
        expect(release("istiod").inputs.values).to.deep.equal(istiodValues(settings()));
    });

    it("runs the gateway as a ClusterIP Service (80 → 8080, 15021) with 2 fixed replicas over the zones and a PodDisruptionBudget", () => {
        expect(release("gateway").inputs.values).to.deep.equal({
            replicaCount: 2,
            autoscaling: { enabled: false },
            service: {
                type: "ClusterIP",
                ports: [
                    { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
                    { name: "http2", port: 80, protocol: "TCP", targetPort: 8080 },
                ],
            },
            resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
            podDisruptionBudget: { minAvailable: 1 },
            topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { istio: "ingressgateway" } } },
            ],
        });
    });

    it("installs istiod after base and the gateway after istiod", () => {
        expect(release("istiod").options.dependsOn).to.include(release("base").urn);
        expect(release("gateway").options.dependsOn).to.include(release("istiod").urn);
        expect(release("base").options.dependsOn).to.include(urnOf(NAMESPACE, "mesh-istio-system"));
        expect(release("gateway").options.dependsOn).to.include(urnOf(NAMESPACE, "mesh-istio-ingress"));
    });

    it("enforces STRICT mTLS mesh-wide: PeerAuthentication default in istio-system", () => {
        const [peer] = custom("PeerAuthentication");
        expect(peer.type).to.equal("kubernetes:security.istio.io/v1:PeerAuthentication");
        expect(peer.inputs).to.deep.include({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", spec: { mtls: { mode: "STRICT" } } });
        expect(peer.inputs.metadata).to.deep.include({ name: "default", namespace: "istio-system" });
    });

    it("validates tokens at the gateway and copies sub into x-member-id, without forwarding the token", () => {
        const [authn] = custom("RequestAuthentication");
        expect(authn.inputs).to.deep.include({ apiVersion: "security.istio.io/v1", kind: "RequestAuthentication" });
        expect(authn.inputs.metadata).to.deep.include({ name: "jwt", namespace: "istio-ingress" });
        expect(authn.inputs.spec).to.deep.equal({
            selector: { matchLabels: { istio: "ingressgateway" } },
            jwtRules: [
                {
                    issuer: "https://auth.point.example.com",
                    jwksUri: "https://auth.point.example.com/.well-known/jwks.json",
                    audiences: ["point-api"],
                    outputClaimToHeaders: [{ header: "x-member-id", claim: "sub" }],
                    forwardOriginalToken: false,
                },
            ],
        });
    });

    it("refuses a request without a valid token, except on the public paths", () => {
        const [policy] = custom("AuthorizationPolicy");
        expect(policy.inputs).to.deep.include({ apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy" });
        expect(policy.inputs.metadata).to.deep.include({ name: "require-jwt", namespace: "istio-ingress" });
        expect(policy.inputs.spec).to.deep.equal({
            selector: { matchLabels: { istio: "ingressgateway" } },
            action: "DENY",
            rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { notMethods: ["OPTIONS"], notPaths: ["/healthz", "/health"] } }] }],
        });
    });

    it("without public paths, still lets a CORS preflight (OPTIONS, never with a token) through to the VirtualService's CORS policy", async () => {
        const closed = await runView(() => new Mesh("mesh", { ...meshArgs()(), auth: { ...settings().auth, publicPaths: [] } }));
        const policy = closed.ofType("kubernetes:security.istio.io/v1:AuthorizationPolicy")[0];
        expect((policy.inputs.spec as { rules: unknown }).rules).to.deep.equal([{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { notMethods: ["OPTIONS"] } }] }]);
    });

    it("serves the hosts over HTTP on 8080 through the Istio Gateway public", () => {
        const [gateway] = custom("Gateway").filter((g) => g.type === "kubernetes:networking.istio.io/v1:Gateway");
        expect(gateway.inputs).to.deep.include({ apiVersion: "networking.istio.io/v1", kind: "Gateway" });
        expect(gateway.inputs.metadata).to.deep.include({ name: "public", namespace: "istio-ingress" });
        expect(gateway.inputs.spec).to.deep.equal({
            selector: { istio: "ingressgateway" },
            servers: [{ port: { number: 8080, name: "http", protocol: "HTTP" }, hosts: ["api.point.example.com"] }],
        });
    });

    it("limits each gateway replica to 500 requests per second with Envoy's local rate limit, first in the HTTP filters", () => {
        const filter = custom("EnvoyFilter").find((f) => (f.inputs.metadata as { name: string }).name === "local-rate-limit")!;
        expect(filter.type).to.equal("kubernetes:networking.istio.io/v1alpha3:EnvoyFilter");
        expect(filter.inputs.metadata).to.deep.include({ name: "local-rate-limit", namespace: "istio-ingress" });
        expect(filter.inputs.spec).to.deep.equal({
            workloadSelector: { labels: { istio: "ingressgateway" } },
            configPatches: [
                {
                    applyTo: "HTTP_FILTER",
                    match: { context: "GATEWAY", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
                    patch: { operation: "INSERT_FIRST", value: { name: "envoy.filters.http.local_ratelimit", typed_config: localRateLimitConfig(rateLimitShare(1000, 2)) } },
                },
            ],
        });
        expect(mesh.rateLimit).to.deep.equal({ requestsPerSecond: 1000, replicas: 2, perReplica: 500, effectiveTotal: 1000 });
    });

    it("removes a client's own member header before the JWT filter, so only a valid token's claim reaches the services under that name", () => {
        const filter = custom("EnvoyFilter").find((f) => (f.inputs.metadata as { name: string }).name === "strip-member-header")!;
        expect(filter.inputs.metadata).to.deep.include({ namespace: "istio-ingress" });
        expect(filter.inputs.spec).to.deep.equal({
            workloadSelector: { labels: { istio: "ingressgateway" } },
            configPatches: [
                {
                    applyTo: "HTTP_FILTER",
                    match: {
                        context: "GATEWAY",
                        listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.jwt_authn" } } } },
                    },
                    patch: {
                        operation: "INSERT_BEFORE",
                        value: {
                            name: "envoy.filters.http.header_mutation",
                            typed_config: {
                                "@type": "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
                                mutations: { request_mutations: [{ remove: "x-member-id" }] },
                            },
                        },
                    },
                },
            ],
        });
    });

    it("makes every custom resource wait for base (its CRD) and istiod (its validation)", () => {
        const istio = view.resources.filter((r) => /^kubernetes:(security|networking)\.istio\.io\//.test(r.type));
        expect(istio.map((r) => r.inputs.kind).sort()).to.deep.equal(["AuthorizationPolicy", "EnvoyFilter", "EnvoyFilter", "Gateway", "PeerAuthentication", "RequestAuthentication"]);
        for (const r of istio) {
            expect(r.options.dependsOn, r.name).to.include.members([release("base").urn, release("istiod").urn]);
            expect((r.inputs.metadata as { namespace?: string }).namespace, r.name).to.be.a("string");
        }
    });

    it("binds the ALB's target group to the gateway Service's port 80 by pod IP, with no networking section", () => {
        const [binding] = custom("TargetGroupBinding");
        expect(binding.type).to.equal("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
        expect(binding.inputs.metadata).to.deep.include({ name: "mesh", namespace: "istio-ingress" });
        expect(binding.inputs.spec).to.deep.equal({ serviceRef: { name: "istio-ingressgateway", port: 80 }, targetGroupARN: TG_ARN, targetType: "ip" });
    });

    it("binds only once the gateway, its policies and the load balancer controller exist", () => {
        const [binding] = custom("TargetGroupBinding");
        const policies = ["RequestAuthentication", "AuthorizationPolicy", "EnvoyFilter"].map((kind) => custom(kind)[0].urn);
        const gatewayCr = custom("Gateway").find((g) => g.type === "kubernetes:networking.istio.io/v1:Gateway")!.urn;
        expect(binding.options.dependsOn).to.include.members([release("gateway").urn, urnOf(RELEASE, "lbc"), gatewayCr, ...policies]);
    });

    it("creates every Kubernetes object and release with the cluster's provider, and labels the objects", () => {
        const provider = view.one("pulumi:providers:kubernetes", "k").urn;
        const objects = view.resources.filter((r) => r.type.startsWith("kubernetes:") && r.name !== "lbc");
        expect(objects).to.have.length(2 + 3 + 6 + 1);
        for (const r of objects) {
            expect(r.options.provider, r.name).to.equal(provider);
            if (r.type !== RELEASE) {
                expect((r.inputs.metadata as { labels: Record<string, string> }).labels, r.name).to.deep.equal({ "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "point-eks-prod" });
            }
        }
    });
});

describe("components/mesh: refused arguments", () => {
    const cases: Array<[string, () => MeshArgs, string[]]> = [
        ["a Kubernetes version Istio 1.31 does not support", withSettings((s) => (s.kubernetesVersion = "1.31")), [`kubernetesVersion: "1.31" is not supported by Istio 1.31.1, the mesh's pinned release, which supports Kubernetes 1.32, 1.33, 1.34, 1.35, 1.36 (istio.io, Supported Releases); choose one of those`]],
        ["no gateway replica", withSettings((s) => (s.gateway.replicas = 0)), ["gateway.replicas: 0 is not a replica count; use a whole number, 1 or more"]],
        ["half a replica of istiod", withSettings((s) => (s.istiod.replicas = 1.5)), ["istiod.replicas: 1.5 is not a replica count; use a whole number, 1 or more"]],
        [
            "an uppercase header",
            withSettings((s) => (s.auth.memberHeader = "X-Member-Id")),
            ['auth.memberHeader: "X-Member-Id" is not a lowercase header name; use lowercase letters, digits, hyphens and underscores (an RFC 7230 token Istio accepts), e.g. "x-member-id"'],
        ],
        ["a header with a space", withSettings((s) => (s.auth.memberHeader = "x member")), ['^auth.memberHeader: "x member" is not a lowercase header name']],
        ["an http issuer", withSettings((s) => (s.auth.issuer = "http://auth.point.example.com")), ['auth.issuer: "http://auth.point.example.com" is not an https:// URL; the issuer is the https URL tokens carry in iss']],
        ["a JWKS URI that is no URL", withSettings((s) => (s.auth.jwksUri = "auth.point.example.com/jwks")), ['auth.jwksUri: "auth.point.example.com/jwks" is not a URL; istiod fetches the issuer\'s signing keys from it, over TLS only']],
        ["no audience", withSettings((s) => (s.auth.audiences = [])), ["auth.audiences: is empty; list the audiences (aud) a token must carry, or any token of the issuer would do"]],
        ["an empty audience", withSettings((s) => (s.auth.audiences = ["point-api", " "])), ["auth.audiences[1]: is empty"]],
        ["an empty claim", withSettings((s) => (s.auth.memberClaim = "")), ['auth.memberClaim: "" is not a claim name; name one claim of the token, e.g. "sub"']],
        ["a public path without its slash", withSettings((s) => (s.auth.publicPaths = ["healthz"])), ['auth.publicPaths[0]: "healthz" is not a path; start it with "/" (a trailing "*" makes it a prefix)']],
        ["no host", withSettings((s) => (s.gateway.hosts = [])), ["gateway.hosts: is empty; name the hosts the ALB forwards to the gateway (e.g. api.example.com)"]],
        ["a host with capitals", withSettings((s) => (s.gateway.hosts = ["API.point.example.com"])), ['gateway.hosts[0]: "API.point.example.com" is not a host name; use a lowercase DNS name, optionally starting with "*."']],
        ["no rate", withSettings((s) => (s.rateLimit.requestsPerSecond = 0)), ["rateLimit.requestsPerSecond: 0 is not a rate; use a whole number of requests per second, 1 or more"]],
        [
            "a rate below the replicas",
            withSettings((s) => (s.rateLimit.requestsPerSecond = 1)),
            ["rateLimit.requestsPerSecond: 1 is below the gateway's 2 replicas: each replica's bucket holds at least 1 request per second, so 2 would pass; raise it, or lower platform:mesh.gateway.replicas"],
        ],
        [
            "a CPU quantity Kubernetes does not read, and a request above its limit",
            withSettings((s) => (s.gateway.resources = { requests: { cpu: "half", memory: "2Gi" }, limits: { cpu: "2", memory: "1Gi" } })),
            [
                'gateway.resources.requests.cpu: "half" is not a CPU quantity; use millicores ("500m") or cores ("1", "1.5")',
                'gateway.resources.requests.memory: "2Gi" is more than limits.memory "1Gi"; a container\'s request cannot exceed its limit',
            ],
        ],
        ["a memory quantity in GB", withSettings((s) => (s.proxy.resources = { requests: { cpu: "100m", memory: "1GB" }, limits: { cpu: "1", memory: "1Gi" } })), ['proxy.resources.requests.memory: "1GB" is not a memory quantity; use Mi or Gi ("512Mi", "2Gi")']],
        [
            "a target group on the wrong ports, under a name Kubernetes refuses",
            meshArgs((a) => (a.targets = [{ name: "Mesh_TG", targetGroupArn: pulumi.output(TG_ARN), port: 80, healthCheckPort: 80 }]), false),
            [
                'targets[0].name: "Mesh_TG" cannot name a TargetGroupBinding; use lowercase letters, digits and hyphens (at most 63)',
                "targets[0].port: 80 is not the gateway's port; its pods listen on 8080",
                "targets[0].healthCheckPort: 80 is not the gateway's status port; health-check 15021",
            ],
        ],
    ];
    for (const [title, args, expected] of cases) {
        it(title, async () => {
            const lines = await refusedArguments("Mesh", () => new Mesh("mesh", args()));
            if (expected.length === 1 && expected[0].startsWith("^")) {
                expect(lines).to.have.length(1);
                expect(lines[0]).to.match(new RegExp(expected[0]));
            } else {
                expect(lines).to.deep.equal(expected);
            }
        });
    }
});
