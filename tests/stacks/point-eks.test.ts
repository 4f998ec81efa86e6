/**
 * System C (the point service on EKS with Istio) as its seed describes it, on the frozen copy
 * tests/fixtures/seed/Pulumi.point-eks.yaml: three AZs, an EKS cluster of three m5.large nodes in
 * standard support with access entries only, an internet-facing ALB bound to the Istio ingress
 * gateway's pods, token authentication and a 1000 requests/s limit at the gateway, STRICT mTLS,
 * the point service scaling 2-10 on 70 % CPU over the zones, Aurora MySQL writer in 2a and reader
 * in 2c, Redis in cluster mode in 2a and 2c, and Prometheus, Grafana and Kiali kept private.
 */
import { expect } from "chai";
import { ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { seedRun } from "../fixtures/seed";
import { expectBaseline } from "../support/baseline";
import { RunView, reachability } from "../support/query";

type Spec = Record<string, unknown>;
const specOf = (resource: RecordedResource): Spec => resource.inputs.spec as Spec;

describe("system C (point-eks) as its seed describes it", () => {
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        run = await seedRun("point-eks");
        view = new RunView(run);
    });
    const k8s = (kind: string) => view.ofType(kind);

    it("spans 2a, 2b and 2c with public, private and data /24s and a NAT per AZ; no ECS at all", () => {
        for (const [tier, third] of [["public", 1], ["private", 11], ["data", 21]] as const) {
            expect(view.subnetsOfTier(tier).map((s) => s.inputs.cidrBlock), tier).to.deep.equal([0, 1, 2].map((i) => `10.0.${third + i}.0/24`));
        }
        expect(view.ofType("aws:ec2/natGateway:NatGateway")).to.have.length(3);
        expect(view.ofType("aws:ecs/cluster:Cluster")).to.deep.equal([]);
        expect(view.ofType("aws:ecs/service:Service")).to.deep.equal([]);
    });

    it("runs EKS 1.35 in standard support, access entries only, secrets under its own KMS key, control-plane logs kept", () => {
        const cluster = view.one("aws:eks/cluster:Cluster", "eks-cluster");
        expect(cluster.inputs).to.deep.include({
            version: "1.35",
            upgradePolicy: { supportType: "STANDARD" },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
        });
        expect((cluster.inputs.encryptionConfig as { resources: string[] }).resources).to.deep.equal(["secrets"]);
        expect((cluster.inputs.vpcConfig as { subnetIds: string[] }).subnetIds).to.have.members(view.subnetsOfTier("private").map((s) => s.id));
        const policies = view.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => String(a.inputs.policyArn).split("/").pop());
        expect(policies.sort()).to.deep.equal(["AmazonEKSClusterAdminPolicy", "AmazonEKSViewPolicy"]);
    });

    it("runs three m5.large nodes over the three private subnets (up to five), AL2023, IMDSv2 at hop limit 1, encrypted gp3, the cluster's group kept", () => {
        const nodes = view.one("aws:eks/nodeGroup:NodeGroup", "eks-nodes");
        expect(nodes.inputs).to.deep.include({ instanceTypes: ["m5.large"], amiType: "AL2023_x86_64_STANDARD", capacityType: "ON_DEMAND", scalingConfig: { desiredSize: 3, maxSize: 5, minSize: 3 } });
        expect(nodes.inputs.subnetIds).to.have.members(view.subnetsOfTier("private").map((s) => s.id));
        const template = view.one("aws:ec2/launchTemplate:LaunchTemplate", "eks-nodes-lt");
        expect(template.inputs.metadataOptions).to.deep.include({ httpTokens: "required", httpPutResponseHopLimit: 1 });
        const ebs = (template.inputs.blockDeviceMappings as Array<{ ebs: Spec }>)[0].ebs;
        expect(ebs).to.deep.include({ encrypted: "true", volumeType: "gp3", volumeSize: 50 });
        expect(view.ofType("aws:eks/addon:Addon").map((a) => a.inputs.addonName).sort()).to.deep.equal(
            ["amazon-cloudwatch-observability", "aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni"].sort(),
        );
    });

    it("serves HTTPS on an internet-facing ALB (TLS 1.3, 80 redirects) whose one target group holds the Istio gateway's pods, health-checked on 15021", () => {
        const lb = view.one("aws:lb/loadBalancer:LoadBalancer", "alb-alb");
        expect(lb.inputs.internal).to.equal(false);
        const https = view.one("aws:lb/listener:Listener", "alb-https");
        expect(https.inputs.sslPolicy).to.match(/^ELBSecurityPolicy-TLS13-/);
        const group = view.one("aws:lb/targetGroup:TargetGroup", "alb-external-gateway");
        expect(group.inputs).to.deep.include({ targetType: "ip", port: 8080 });
        expect(group.inputs.healthCheck).to.deep.include({ port: "15021", path: "/healthz/ready" });
        expect(https.inputs.defaultActions).to.deep.equal([{ type: "forward", targetGroupArn: group.id }]);
        const http = view.one("aws:lb/listener:Listener", "alb-http");
        expect((http.inputs.defaultActions as Array<{ type: string }>)[0].type).to.equal("redirect");
        const binding = k8s("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")[0];
        expect(specOf(binding)).to.deep.equal({ serviceRef: { name: "istio-ingressgateway", port: 80 }, targetGroupARN: group.id, targetType: "ip" });
    });

    it("lets the internet reach the ALB alone, the ALB the nodes' gateway ports, the nodes the database and the cache", () => {
        const lines = reachability(view, /^point-eks-prod-/);
        expect(lines.filter((l) => l.startsWith("internet ->"))).to.deep.equal(["internet -> alb:443", "internet -> alb:80"]);
        expect(lines).to.include.members(["alb -> eks-nodes:8080", "alb -> eks-nodes:15021", "eks-nodes -> db:3306", "eks-nodes -> cache:6379", "eks-nodes -> internet:443"]);
    });

    it("installs Istio 1.31.1 from its charts with STRICT mTLS, checks tokens at the gateway (sub into x-member-id) and refuses requests without one", () => {
        const releases = Object.fromEntries(k8s("kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.name, [r.inputs.chart, r.inputs.version]]));
        expect(releases).to.deep.include({ "istio-base": ["base", "1.31.1"], istiod: ["istiod", "1.31.1"], "istio-ingressgateway": ["gateway", "1.31.1"] });
        expect(specOf(k8s("kubernetes:security.istio.io/v1:PeerAuthentication")[0])).to.deep.equal({ mtls: { mode: "STRICT" } });
        const jwt = (specOf(k8s("kubernetes:security.istio.io/v1:RequestAuthentication")[0]).jwtRules as Spec[])[0];
        expect(jwt).to.deep.include({ issuer: "https://auth.goormpopcorn.shop", audiences: ["point-api"], outputClaimToHeaders: [{ claim: "sub", header: "x-member-id" }] });
        const deny = k8s("kubernetes:security.istio.io/v1:AuthorizationPolicy").find((p) => specOf(p).action === "DENY")!;
        expect(specOf(deny).rules).to.deep.equal([{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { notMethods: ["OPTIONS"], notPaths: ["/healthz", "/health"] } }] }]);
    });

    it("holds the gateway at 1000 requests a second in total: 500 per replica of its two", () => {
        const filter = k8s("kubernetes:networking.istio.io/v1alpha3:EnvoyFilter").find((f) => (f.inputs.metadata as { name: string }).name === "local-rate-limit")!;
        const patch = ((specOf(filter).configPatches as Spec[])[0].patch as { value: { typed_config: { token_bucket: Spec } } }).value.typed_config.token_bucket;
        expect(patch).to.deep.equal({ max_tokens: 500, tokens_per_fill: 500, fill_interval: "1s" });
        expect((run.outputs.mesh as { rateLimit: Spec }).rateLimit).to.deep.include({ replicas: 2, perReplica: 500, effectiveTotal: 1000 });
    });

    it("runs point-service 2-10 on 70 % CPU, spread over the zones, reachable only from the gateway, with CORS, retries and a circuit breaker", () => {
        const hpa = specOf(k8s("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")[0]);
        expect(hpa).to.deep.include({ minReplicas: 2, maxReplicas: 10 });
        const deployment = k8s("kubernetes:apps/v1:Deployment")[0];
        const pod = (specOf(deployment).template as { spec: Spec }).spec;
        expect(specOf(deployment).replicas).to.equal(undefined); // the autoscaler owns it
        const zones = (pod.topologySpreadConstraints as Spec[]).find((c) => c.topologyKey === "topology.kubernetes.io/zone")!;
        expect(zones).to.deep.include({ maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" });
        const allow = k8s("kubernetes:security.istio.io/v1:AuthorizationPolicy").find((p) => specOf(p).action === "ALLOW")!;
        expect(specOf(allow).rules).to.deep.equal([{ from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"] } }] }]);
        const virtualService = specOf(k8s("kubernetes:networking.istio.io/v1:VirtualService")[0]);
        expect(JSON.stringify(virtualService)).to.contain("https://www.goormpopcorn.shop").and.to.contain("idempotency-key");
        const destination = specOf(k8s("kubernetes:networking.istio.io/v1:DestinationRule")[0]);
        expect((destination.trafficPolicy as { outlierDetection: Spec }).outlierDetection).to.deep.include({ consecutive5xxErrors: 5, maxEjectionPercent: 50 });
        expect(k8s("kubernetes:policy/v1:PodDisruptionBudget")).to.have.length(1);
    });

    it("places the Aurora writer in 2a and its reader in 2c, and the Redis shard's primary in 2a and its replica in 2c", () => {
        expect(view.ofType("aws:rds/clusterInstance:ClusterInstance").map((i) => [i.inputs.identifier, i.inputs.availabilityZone])).to.deep.equal([
            ["point-eks-prod-db-2a", "ap-northeast-2a"],
            ["point-eks-prod-db-2c", "ap-northeast-2c"],
        ]);
        const group = view.one("aws:elasticache/replicationGroup:ReplicationGroup", "cache-replication-group");
        expect(group.inputs.nodeGroupConfigurations).to.deep.equal([{ nodeGroupId: "0001", primaryAvailabilityZone: "ap-northeast-2a", replicaAvailabilityZones: ["ap-northeast-2c"], replicaCount: 1 }]);
    });

    it("keeps Prometheus (15 days on encrypted gp3), Grafana and Kiali inside the cluster: ClusterIP only, Kiali on the stack's Prometheus", () => {
        const releases = Object.fromEntries(k8s("kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.name, r.inputs]));
        expect(releases["kube-prometheus-stack"]).to.deep.include({ chart: "kube-prometheus-stack", namespace: "monitoring" });
        expect(releases["kiali-operator"]).to.deep.include({ chart: "kiali-operator" });
        const kiali = specOf(k8s("kubernetes:kiali.io/v1alpha1:Kiali")[0]);
        expect((kiali.external_services as { prometheus: Spec }).prometheus.url).to.equal("http://kube-prometheus-stack-prometheus.monitoring:9090");
        expect((kiali.deployment as Spec).service_type).to.equal("ClusterIP");
        const storage = k8s("kubernetes:storage.k8s.io/v1:StorageClass")[0];
        expect(storage.inputs).to.deep.include({ provisioner: "ebs.csi.aws.com" });
        expect((storage.inputs.parameters as Spec).encrypted).to.equal("true");
        expect(JSON.stringify(releases["kube-prometheus-stack"].values)).to.contain('"retention":"15d"');
        for (const service of k8s("kubernetes:core/v1:Service")) {
            expect(specOf(service).type, service.name).to.equal("ClusterIP");
        }
    });

    it("meets the security baseline: tagged, retained in prod, no secret in plaintext", () => {
        expectBaseline(run, { project: "point-eks", env: "prod", name: "point-eks" });
    });
});
