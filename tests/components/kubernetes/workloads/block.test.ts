/**
 * platform:workloads in stacks: its defaults, its flows to the stores, every rule triggered by a
 * stack file's config with its exact message (the capacity of the node group among them), and
 * system C's point service planned through the program with its network, cluster, mesh, database
 * and cache: the Kubernetes objects through the cluster's provider, its pod identity's grants, the
 * stores' settings and secret references, the flows from eks-nodes, the outputs and the baseline.
 */
import { expect } from "chai";
import { workloadsBlock } from "../../../../components/kubernetes/workloads/block";
import { EKS_SYSTEM_PODS, nodeAllocatable, systemDemand } from "../../../../components/kubernetes/workloads/capacity";
import { parseStackConfig } from "../../../../stacks/config";
import { MOCK_ACCOUNT_ID, ProgramRun, runProgram } from "../../../../tooling/mock-runtime";
import { projectProgram } from "../../../../tooling/plan";
import { ConfigMap, Json, RuleCase, itRaises } from "../../../fixtures/config";
import { REGION, pointEks } from "../../../fixtures/eks";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T, reachability } from "../../../support/query";

const STACK = "point-eks";

const MESH = {
    gateway: { hosts: ["api.point.example.com"] },
    auth: { issuer: "https://auth.point.example.com", jwksUri: "https://auth.point.example.com/.well-known/jwks.json", audiences: ["point-api"] },
};

/** System B's Aurora MySQL and Redis, in the data subnets of system C's network. */
const DATABASE = {
    kind: "aurora",
    engine: "aurora-mysql",
    engineVersion: "8.0.mysql_aurora.3.10.1",
    autoMinorVersionUpgrade: false,
    instanceClass: "db.r6g.large",
    databaseName: "point",
    masterUsername: "point_admin",
    readers: 1,
    backup: { retentionDays: 7, window: "18:00-19:00" },
    maintenanceWindow: "sun:19:30-sun:20:30",
    deletionProtection: true,
    finalSnapshot: true,
    performanceInsights: { enabled: true, retentionDays: 7 },
    monitoringIntervalSeconds: 30,
    logExports: ["error", "slowquery", "audit"],
};
const CACHE = {
    engine: "redis",
    engineVersion: "7.1",
    nodeType: "cache.r7g.large",
    clusterMode: { shards: 1, replicasPerShard: 1 },
    automaticFailover: true,
    multiAz: true,
    auth: "rbac",
    snapshot: { retentionDays: 7, window: "17:00-18:00" },
    maintenanceWindow: "sun:20:30-sun:21:30",
};

/** The point service as system C runs it. */
function pointService(): Json {
    return {
        imageTag: "1.0.0",
        namespace: "point",
        hosts: ["api.point.example.com"],
        connectsTo: ["database", "cache"],
        environment: { SPRING_PROFILES_ACTIVE: "prod" },
        cors: { allowOrigins: ["https://point.example.com"] },
    };
}

/** A prod point-eks stack with the mesh, the stores and the workloads, `change` applied to the workloads, `edit` to the rest. */
function stack(change: (workloads: Json) => void = () => {}, edit: (config: ConfigMap, eks: Json) => void = () => {}): ConfigMap {
    const workloads: Json = { "point-service": pointService() };
    change(workloads);
    let eksJson: Json = {};
    const config = pointEks((eks) => (eksJson = eks), "prod", {
        "platform:mesh": JSON.stringify(MESH),
        "platform:database": JSON.stringify(DATABASE),
        "platform:cache": JSON.stringify(CACHE),
        "platform:workloads": JSON.stringify(workloads),
    });
    edit(config, eksJson);
    config["platform:eks"] = JSON.stringify(eksJson);
    return config;
}

const without = (config: ConfigMap, ...keys: string[]) => Object.fromEntries(Object.entries(config).filter(([key]) => !keys.map((k) => `platform:${k}`).includes(key)));

describe("stacks: platform:workloads resolves with its defaults", () => {
    it("the repository <prefix>-<name>, the namespace platform:name, 8080, 2–10 at 70 %, 250m / 512Mi, Spring Boot's probes, 3 safe retries, the circuit breaker, uid 1000", () => {
        const config = stack((w) => (w["point-service"] = { imageTag: "1.0.0", hosts: ["api.point.example.com"] }));
        expect(parseStackConfig(config, STACK).config(workloadsBlock)).to.deep.equal({
            "point-service": {
                repository: "point-eks-point-service",
                imageTag: "1.0.0",
                port: 8080,
                namespace: "point-eks",
                autoscaling: { min: 2, max: 10, cpuTarget: 70 },
                resources: { cpu: "250m", memory: "512Mi" },
                probes: { readiness: "/actuator/health/readiness", liveness: "/actuator/health/liveness", startupSeconds: 150 },
                environment: {},
                connectsTo: [],
                retries: { attempts: 3, perTryTimeout: "2s", retryOn: ["connect-failure", "refused-stream", "unavailable", "cancelled", "reset"] },
                circuitBreaker: { maxConnections: 100, maxPendingRequests: 100, consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
                hosts: ["api.point.example.com"],
                runAsUser: 1000,
            },
        });
    });

    it("takes CORS's defaults (authorization, content-type, idempotency-key for 24 hours), and no autoscaler beside a fixed count", () => {
        const config = stack((w) => (w["point-service"] = { ...pointService(), replicas: 3 }));
        const resolved = parseStackConfig(config, STACK).config(workloadsBlock)!["point-service"];
        expect(resolved.autoscaling).to.equal(undefined);
        expect(resolved.replicas).to.equal(3);
        expect(resolved.cors).to.deep.equal({
            allowOrigins: ["https://point.example.com"],
            allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
            allowHeaders: ["authorization", "content-type", "idempotency-key"],
            exposeHeaders: [],
            maxAgeSeconds: 86400,
            allowCredentials: false,
        });
    });

    it("opens eks-nodes to the stores the workloads connect to, on their ports, and declares no group of its own", () => {
        const security = parseStackConfig(stack(), STACK).security;
        expect(security.groups.filter((g) => g.key === "workloads")).to.deep.equal([]);
        const flows = security.flows.filter((f) => f.why.startsWith("workloads"));
        expect(flows.map((f) => [("group" in f.from ? f.from.group : ""), ("group" in f.to ? f.to.group : ""), f.port, f.why])).to.deep.equal([
            ["eks-nodes", "db", 3306, "workloads to the database"],
            ["eks-nodes", "cache", 6379, "workloads to the cache"],
        ]);
    });
});

describe("stacks: the capacity of the node group", () => {
    it("takes an m5.large's allocatable as nodeadm leaves it: 1930m, 7009 MiB, 29 pods", () => {
        expect(nodeAllocatable("m5.large")).to.deep.equal({ cpuMillis: 1930, memoryMi: 7009, maxPods: 29 });
        expect(nodeAllocatable("m7g.large")).to.equal(undefined);
    });

    it("counts the EKS add-ons on every node and in the cluster", () => {
        expect(systemDemand(3, EKS_SYSTEM_PODS)).to.deep.equal({ cpuMillis: 455 * 3 + 620, memoryMi: 273 * 3 + 1084, pods: 6 * 3 + 7 });
    });
});

describe("stacks: bad platform:workloads configs", () => {
    const cases: RuleCase[] = [
        ["no workload at all", () => stack((w) => delete w["point-service"]), ["platform:workloads: is empty; name at least one workload, or leave platform:workloads out"]],
        [
            "no cluster",
            () => without(stack(), "eks", "mesh"),
            ["platform:workloads: needs platform:eks, which this stack does not have"],
        ],
        [
            "an autoscaler below 1, a maximum below its minimum, a target over 100",
            () => stack((w) => (w["point-service"].autoscaling = { min: 0, max: 0, cpuTarget: 150 })),
            [
                "platform:workloads.point-service.autoscaling.min: 0 is below 1; the autoscaler keeps at least one replica (a whole number)",
                "platform:workloads.point-service.autoscaling.max: 0 is below min (0); the autoscaler scales between 1 ≤ min ≤ max (whole numbers)",
                "platform:workloads.point-service.autoscaling.cpuTarget: 150 is outside 1–100; the target is a whole percentage of the app's CPU request",
            ],
        ],
        [
            "a fixed count beside the autoscaler",
            () => stack((w) => Object.assign(w["point-service"], { replicas: 2, autoscaling: { max: 4 } })),
            ["platform:workloads.point-service.replicas: is set beside autoscaling; the autoscaler owns the Deployment's replicas and a fixed count would fight it: give one of them"],
        ],
        [
            "no CPU request",
            () => stack((w) => (w["point-service"].resources = { cpu: "0" })),
            ['platform:workloads.point-service.resources.cpu: "0" is no CPU at all; give at least 1m; the autoscaler measures utilization against the CPU request and the scheduler places pods by it'],
        ],
        [
            "a wildcard origin and a capitalized header",
            () => stack((w) => Object.assign(w["point-service"].cors, { allowOrigins: ["*"], allowHeaders: ["Authorization"] })),
            [
                "platform:workloads.point-service.cors.allowOrigins[0]: \"*\" is a wildcard; list exact origins (https://<host>[:<port>]): any site could otherwise call the API from its users' browsers",
                'platform:workloads.point-service.cors.allowHeaders[0]: "Authorization" is not lowercase; write header names in lowercase ("authorization"), as HTTP/2 sends them and Istio matches them',
            ],
        ],
        [
            "a retry of 5xx answers",
            () => stack((w) => (w["point-service"].retries = { retryOn: ["5xx", "connect-failure"] })),
            [
                'platform:workloads.point-service.retries.retryOn[0]: "5xx" retries a request the service answered, which may have done its work already (a point earned twice); retry only on connect-failure, refused-stream, reset, reset-before-request, unavailable, cancelled',
            ],
        ],
        [
            "a host the gateway does not serve, and one another workload has",
            () =>
                stack((w) => {
                    w["point-service"].hosts = ["api.point.example.com", "admin.point.example.com"];
                    w["point-admin"] = { imageTag: "1.0.0", namespace: "point", hosts: ["api.point.example.com"], replicas: 2 };
                }),
            [
                'platform:workloads.point-service.hosts[1]: "admin.point.example.com" is not served by the mesh\'s gateway (platform:mesh.gateway.hosts: api.point.example.com); add it there, or use one of them',
                'platform:workloads.point-admin.hosts[0]: "api.point.example.com" is also a host of workload "point-service"; a host is one workload\'s (one VirtualService per host on the gateway)',
            ],
        ],
        [
            "a store the stack does not have, and one listed twice",
            () => stack((w) => (w["point-service"].connectsTo = ["database", "kafka", "database"])),
            [
                'platform:workloads.point-service.connectsTo[1]: "kafka" is not a data store of this stack; it has database, cache',
                'platform:workloads.point-service.connectsTo[2]: "database" is listed twice',
            ],
        ],
        [
            "settings the platform sets: a store's, a secret reference's, the region",
            () => stack((w) => Object.assign(w["point-service"].environment, { DB_HOST: "localhost", CACHE_PASSWORD_SECRET_ARN: "x", AWS_REGION: "us-east-1" })),
            [
                'platform:workloads.point-service.environment.CACHE_PASSWORD_SECRET_ARN: "CACHE_PASSWORD_SECRET_ARN" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN',
                'platform:workloads.point-service.environment.DB_HOST: "DB_HOST" is set by the platform itself (a store\'s settings or secret references, the region, the pod identity); choose another name',
                'platform:workloads.point-service.environment.CACHE_PASSWORD_SECRET_ARN: "CACHE_PASSWORD_SECRET_ARN" is set by the platform itself (a store\'s settings or secret references, the region, the pod identity); choose another name',
                'platform:workloads.point-service.environment.AWS_REGION: "AWS_REGION" is set by the platform itself (a store\'s settings or secret references, the region, the pod identity); choose another name',
            ],
        ],
        [
            "one pod in prod",
            () => stack((w) => (w["point-service"].autoscaling = { min: 1 })),
            ["platform:workloads.point-service.autoscaling.min: 1 is below 2; prod runs at least two pods of every workload, in two zones (a node's loss or drain must leave one serving)"],
        ],
        [
            "a name of the cluster's own pod identities",
            () => stack((w) => (w["ebs-csi"] = { imageTag: "1.0.0", namespace: "point", hosts: ["api.point.example.com"] }), (c) => (c["platform:workloads"] = JSON.stringify({ "ebs-csi": { imageTag: "1.0.0", hosts: ["api.point.example.com"] } }))),
            [
                'platform:workloads.ebs-csi: "ebs-csi" names a pod identity of the cluster\'s own (eks-cluster, eks-nodes, ebs-csi, cloudwatch-agent, aws-load-balancer-controller); a workload\'s pod identity is named after it: choose another name',
            ],
        ],
        [
            "more pods at their maxima than three m5.large hold",
            () => stack(() => {}, (_c, eks) => (eks.nodes = { minSize: 3, desiredSize: 3, maxSize: 3 })),
            [
                // 10 × (250m + 100m) + 3 × 455m on every node + 620m of add-ons + istiod 2 × 500m + the gateway 2 × 250m
                "platform:workloads: request 6985m of CPU at their autoscalers' maxima (app + sidecar per pod, with 3485m for the system pods), but 3 × m5.large (platform:eks.nodes's most nodes) offer 5790m: pods would stay Pending; raise the node group's maximum, or lower the workloads' autoscaling.max or requests",
            ],
        ],
        [
            "more memory at the maxima than six m5.large hold",
            () => stack((w) => (w["point-service"].resources = { memory: "4Gi" })),
            [
                // 10 × (4096 + 128) + 6 × 273 on every node + 1084 of add-ons + istiod 2 × 1024 + the gateway 2 × 256
                "platform:workloads: request 47522 MiB of memory at their autoscalers' maxima (app + sidecar per pod, with 5282 MiB for the system pods), but 6 × m5.large (platform:eks.nodes's most nodes) offer 42054 MiB: pods would stay Pending; raise the node group's maximum, or lower the workloads' autoscaling.max or requests",
            ],
        ],
        [
            "more pods than six m5.large admit",
            () => stack((w) => Object.assign(w["point-service"], { resources: { cpu: "10m", memory: "64Mi" }, sidecar: { cpu: "10m", memory: "64Mi" }, autoscaling: { max: 150 } })),
            [
                // 150 + 6 per node × 6 + 7 add-on pods + 2 istiod + 2 gateways
                "platform:workloads: run 197 pods at their autoscalers' maxima (with 47 system pods), but 6 × m5.large (platform:eks.nodes's most nodes) admit 174 (29 per node, the VPC CNI's limit): raise the node group's maximum, or lower the workloads' autoscaling.max or requests",
            ],
        ],
        [
            "an unknown key",
            () => stack((w) => (w["point-service"].cpu = "250m")),
            ["^platform:workloads.point-service.cpu: is not a known key.*"],
        ],
    ];
    itRaises(cases.map(([title, config, expected]) => [title, config, expected, STACK]));

    it("fits the point service at ten pods beside the system pods on six m5.large", () => {
        expect(() => parseStackConfig(stack(), STACK)).to.not.throw();
    });
});

describe("stack point-eks (planned): the point service in the mesh", () => {
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        run = await runProgram(projectProgram(), { stack: STACK, config: stack() });
        view = new RunView(run);
    });
    const object = (type: string, suffix: string) => view.one(type, `workloads-point-service-${suffix}`);
    const podSpec = () => ((object("kubernetes:apps/v1:Deployment", "deployment").inputs.spec as Json).template.spec as Json);

    it("creates the namespace and the workload's objects through the cluster's provider, the Istio ones after istiod", () => {
        const provider = view.one("pulumi:providers:kubernetes", "eks-k8s").urn;
        const ns = view.one("kubernetes:core/v1:Namespace", "workloads-point-namespace");
        expect(ns.inputs.metadata).to.deep.include({ name: "point" });
        const ours = view.resources.filter((r) => r.name.startsWith("workloads-point-service-") && r.type.startsWith("kubernetes:"));
        expect(ours.map((r) => r.type).sort()).to.deep.equal(
            [
                "kubernetes:apps/v1:Deployment",
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                "kubernetes:core/v1:Service",
                "kubernetes:core/v1:ServiceAccount",
                "kubernetes:networking.istio.io/v1:DestinationRule",
                "kubernetes:networking.istio.io/v1:VirtualService",
                "kubernetes:policy/v1:PodDisruptionBudget",
                "kubernetes:security.istio.io/v1:AuthorizationPolicy",
            ].sort(),
        );
        for (const r of [...ours, ns]) {
            expect(r.options.provider, r.name).to.equal(provider);
        }
        const istiod = view.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.inputs.name as string) === "istiod")!.urn;
        for (const r of ours.filter((o) => o.type.includes("istio.io"))) {
            expect(r.options.dependsOn, r.name).to.include(istiod);
        }
    });

    it("gives the pods the stores' settings and the cache's password as a reference, the region, no secret value", () => {
        const env = Object.fromEntries(((podSpec().containers as Json[])[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));
        expect(env).to.deep.include({
            AWS_REGION: REGION,
            DB_AUTH: "iam",
            DB_PORT: "3306",
            DB_NAME: "point",
            CACHE_TLS: "true",
            CACHE_PASSWORD_SECRET_ARN: run.outputs.cacheAuthSecretArn,
            CACHE_PASSWORD_SECRET_KEY: "password",
            SPRING_PROFILES_ACTIVE: "prod",
        });
        expect(env.DB_HOST).to.equal(run.outputs.databaseEndpoint);
        expect(Object.keys(env)).to.not.include("CACHE_PASSWORD");
        expect(view.ofType("kubernetes:core/v1:Secret")).to.deep.equal([]);
        expect((podSpec().containers as Json[])[0].image).to.equal(`${MOCK_ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/point-eks-point-service:1.0.0`);
    });

    it("gives its pod identity the database's IAM sign-in and exactly the cache's secret, for point/point-service only", () => {
        const association = view.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "eks-pod-point-service");
        expect(association.inputs).to.deep.include({ clusterName: "point-eks-prod", namespace: "point", serviceAccount: "point-service", roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/point-eks-prod-point-service` });
        const statements = JSON.parse(String(view.one(T.rolePolicy, "eks-pod-point-service-policy").inputs.policy)).Statement as Json[];
        expect(statements.map((s) => [s.Sid, s.Action])).to.deep.equal([
            ["ConnectAsApplicationUser", "rds-db:connect"],
            ["ReadOwnSecrets", "secretsmanager:GetSecretValue"],
        ]);
        expect(statements[1].Resource).to.deep.equal([run.outputs.cacheAuthSecretArn]);
        expect(statements[0].Resource).to.match(new RegExp(`^arn:aws:rds-db:${REGION}:${MOCK_ACCOUNT_ID}:dbuser:`));
    });

    it("lets eks-nodes reach Aurora and Redis on their ports", () => {
        const lines = reachability(view, /^point-eks-prod-/).filter((line) => line.startsWith("eks-nodes"));
        expect(lines).to.include.members(["eks-nodes -> db:3306", "eks-nodes -> cache:6379"]);
    });

    it("sizes the sidecar as the mesh sizes every proxy, and binds the VirtualService to the mesh's gateway", () => {
        const annotations = (object("kubernetes:apps/v1:Deployment", "deployment").inputs.spec as Json).template.metadata.annotations as Record<string, string>;
        expect(annotations).to.include({ "sidecar.istio.io/proxyCPU": "100m", "sidecar.istio.io/proxyCPULimit": "2", "sidecar.istio.io/proxyMemory": "128Mi", "sidecar.istio.io/proxyMemoryLimit": "1Gi" });
        const vs = object("kubernetes:networking.istio.io/v1:VirtualService", "virtual-service").inputs.spec as Json;
        expect([vs.hosts, vs.gateways]).to.deep.equal([["api.point.example.com"], ["istio-ingress/public"]]);
    });

    it("outputs each workload's namespace, host, image and role, and meets the baseline", () => {
        expect(run.outputs.workloads).to.deep.equal({
            "point-service": {
                namespace: "point",
                host: "point-service.point.svc.cluster.local",
                image: `${MOCK_ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/point-eks-point-service:1.0.0`,
                roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/point-eks-prod-point-service`,
            },
        });
        expectBaseline(run, { project: "point-eks", env: "prod", name: STACK });
    });
});
