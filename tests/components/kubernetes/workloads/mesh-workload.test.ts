/**
 * The MeshWorkload and MeshNamespace components and the pure data behind them: system C's point
 * service as Kubernetes objects in the mesh (every object's kind, namespace and spec facts, what
 * waits for what, the pod identity it asks the cluster for), a fixed-size workload, every argument
 * rule, and the quantities, origins, header names and durations the rules read.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { PodIdentityRequest, kubernetesSdk } from "../../../../components/compute/eks/contract";
import { GATEWAY_PRINCIPAL, GATEWAY_REF } from "../../../../components/kubernetes/mesh/istio";
import { APP_CONTAINER, MeshNamespace, MeshWorkload, MeshWorkloadArgs, WorkloadCluster } from "../../../../components/kubernetes/workloads/mesh-workload";
import { durationMs, headerNameProblem, hostProblem, originProblem, versionLabel } from "../../../../components/kubernetes/workloads/workload";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, refusedArguments, runView } from "../../../support/query";

const K = {
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    virtualService: "kubernetes:networking.istio.io/v1:VirtualService",
    destinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
    authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
} as const;

const REGION = "ap-northeast-2";
const naming = new Naming("point-eks", "prod");
const tags = baseTags({ project: "point-eks", env: "prod", stack: "test" });
const CACHE_SECRET = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT_ID}:secret:point-eks-prod/cache/auth-AbCdEf`;
const ROLE_ARN = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/point-eks-prod-point-service`;
const DB_STATEMENT = { Sid: "ConnectAsApplicationUser", Effect: "Allow" as const, Action: "rds-db:connect", Resource: `arn:aws:rds-db:${REGION}:${MOCK_ACCOUNT_ID}:dbuser:cluster-ABC/app` };
const IMAGE = `${MOCK_ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/point-eks-point-service:1.0.0`;

type Spec = Record<string, unknown>;
const spec = (r: RecordedResource) => r.inputs.spec as Spec;
const metadata = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };

/** A cluster double: the provider made in the program, the pod identity requests recorded. */
function fakeCluster(requests: PodIdentityRequest[]): WorkloadCluster {
    const k8s = kubernetesSdk();
    return {
        provider: new k8s.Provider("cluster", { kubeconfig: "{}" }),
        ready: [],
        podIdentity: (request) => {
            requests.push(request);
            return pulumi.output(ROLE_ARN);
        },
    };
}

/** The point service as system C runs it, with the database's and the cache's connection. */
function pointArgs(cluster: WorkloadCluster, change: Partial<MeshWorkloadArgs> = {}): MeshWorkloadArgs {
    return {
        naming,
        tags,
        key: "point-service",
        repository: "point-eks-point-service",
        imageTag: "1.0.0",
        namespace: "point",
        hosts: ["api.point.example.com"],
        cors: {
            allowOrigins: ["https://point.example.com"],
            allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
            allowHeaders: ["authorization", "content-type", "idempotency-key"],
            exposeHeaders: [],
            maxAgeSeconds: 86_400,
            allowCredentials: false,
        },
        environment: { SPRING_PROFILES_ACTIVE: "prod", DB_HOST: pulumi.output("point.cluster-abc.ap-northeast-2.rds.amazonaws.com"), CACHE_TLS: "true" },
        secrets: { CACHE_PASSWORD: pulumi.output(`${CACHE_SECRET}:password::`) },
        statements: [DB_STATEMENT],
        region: REGION,
        cluster,
        mesh: { gateway: GATEWAY_REF, gatewayPrincipal: GATEWAY_PRINCIPAL, dependsOn: [] },
        ...change,
    };
}

describe("components/mesh-workload: the point service in the mesh", () => {
    let view: RunView;
    const requests: PodIdentityRequest[] = [];
    let statements: unknown;
    before(async () => {
        view = await runView(() => {
            const cluster = fakeCluster(requests);
            const namespace = new MeshNamespace("workloads-point", { naming, tags, namespace: "point", cluster });
            const k8s = kubernetesSdk();
            const istiod = new k8s.core.v1.ConfigMap("istiod-stand-in", { metadata: { name: "istiod", namespace: "istio-system" } }, { provider: cluster.provider });
            const workload = new MeshWorkload(
                "workloads-point-service",
                pointArgs(cluster, { namespaceResource: namespace.resource, mesh: { gateway: GATEWAY_REF, gatewayPrincipal: GATEWAY_PRINCIPAL, dependsOn: [istiod] } }),
            );
            statements = pulumi.output(requests[0]?.statements);
            return { host: workload.host, image: workload.image, roleArn: workload.roleArn, statements };
        });
    });
    const one = (type: string, suffix: string) => view.one(type, `workloads-point-service-${suffix}`);
    const deployment = () => one(K.deployment, "deployment");
    const podSpec = () => ((spec(deployment()).template as Spec).spec as Spec);
    const app = () => (podSpec().containers as Spec[])[0];

    it("creates the namespace with sidecar injection on, and every object in it through the cluster's provider", () => {
        const ns = view.one(K.namespace, "workloads-point-namespace");
        expect(metadata(ns).name).to.equal("point");
        expect(metadata(ns).labels).to.include({ "istio-injection": "enabled" });
        const provider = view.resources.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "cluster")!.urn;
        const objects = Object.values(K).flatMap((type) => view.ofType(type));
        expect(objects.map((r) => r.type).sort()).to.deep.equal(Object.values(K).sort());
        for (const object of objects) {
            expect(object.options.provider, object.name).to.equal(provider);
            if (object.type !== K.namespace) {
                expect(metadata(object).namespace, object.name).to.equal("point");
                expect(metadata(object).name, object.name).to.equal("point-service");
                expect(metadata(object).labels, object.name).to.include({ app: "point-service", version: "1.0.0" });
            }
        }
    });

    it("runs the account's image from ECR, never `latest`", () => {
        expect(view.run.outputs.image).to.equal(IMAGE);
        expect(app().image).to.equal(IMAGE);
        expect(view.run.outputs.host).to.equal("point-service.point.svc.cluster.local");
    });

    it("leaves the Deployment's replicas to the autoscaler, rolls out one new pod before an old one goes", () => {
        const s = spec(deployment());
        expect(s).to.not.have.property("replicas");
        expect(s.selector).to.deep.equal({ matchLabels: { app: "point-service" } });
        expect(s.strategy).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
        expect(podSpec().serviceAccountName).to.equal("point-service");
        expect(podSpec().automountServiceAccountToken).to.equal(false);
    });

    it("runs the app as a non-root user on a read-only root with a writable /tmp and no capabilities", () => {
        expect(podSpec().securityContext).to.deep.equal({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
        expect(app().securityContext).to.deep.equal({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        expect(app().volumeMounts).to.deep.equal([{ name: "tmp", mountPath: "/tmp" }]);
        expect(podSpec().volumes).to.deep.equal([{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }]);
    });

    it("spreads the pods over the zones strictly and over the nodes as it can", () => {
        expect(podSpec().topologySpreadConstraints).to.deep.equal([
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "point-service" } }, matchLabelKeys: ["pod-template-hash"] },
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "point-service" } }, matchLabelKeys: ["pod-template-hash"] },
        ]);
    });

    it("requests 250m / 512Mi with memory's limit at its request and no CPU limit, and sizes the sidecar by its annotations", () => {
        expect(app().name).to.equal(APP_CONTAINER);
        expect(app().resources).to.deep.equal({ requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } });
        const template = (spec(deployment()).template as Spec).metadata as { labels: Record<string, string>; annotations: Record<string, string> };
        expect(template.labels).to.include({ app: "point-service", version: "1.0.0" });
        expect(template.annotations).to.deep.equal({
            "sidecar.istio.io/proxyCPU": "100m",
            "sidecar.istio.io/proxyMemory": "128Mi",
            "sidecar.istio.io/proxyMemoryLimit": "128Mi",
            "proxy.istio.io/config": '{"holdApplicationUntilProxyStarts":true}',
            "kubectl.kubernetes.io/default-container": "app",
            "traffic.sidecar.istio.io/excludeOutboundIPRanges": "169.254.170.23/32",
        });
    });

    it("probes Spring Boot's readiness and liveness groups on the app's port, liveness after up to 150 s of start", () => {
        expect(app().ports).to.deep.equal([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
        expect(app().readinessProbe).to.deep.equal({ httpGet: { path: "/actuator/health/readiness", port: 8080 }, periodSeconds: 5, failureThreshold: 3 });
        expect(app().livenessProbe).to.deep.equal({ httpGet: { path: "/actuator/health/liveness", port: 8080 }, periodSeconds: 10, failureThreshold: 3 });
        expect(app().startupProbe).to.deep.equal({ httpGet: { path: "/actuator/health/liveness", port: 8080 }, periodSeconds: 5, failureThreshold: 30 });
        expect(app().lifecycle).to.deep.equal({ preStop: { sleep: { seconds: 5 } } });
    });

    it("gives the app its settings, the region and its secret as a reference, never the value (no Kubernetes Secret)", () => {
        expect(app().env).to.deep.equal([
            { name: "AWS_DEFAULT_REGION", value: REGION },
            { name: "AWS_REGION", value: REGION },
            { name: "CACHE_PASSWORD_SECRET_ARN", value: CACHE_SECRET },
            { name: "CACHE_PASSWORD_SECRET_KEY", value: "password" },
            { name: "CACHE_TLS", value: "true" },
            { name: "DB_HOST", value: "point.cluster-abc.ap-northeast-2.rds.amazonaws.com" },
            { name: "SPRING_PROFILES_ACTIVE", value: "prod" },
        ]);
        expect(view.ofType("kubernetes:core/v1:Secret")).to.deep.equal([]);
    });

    it("asks the cluster for a pod identity of its service account: the connections' grants and exactly its secret", () => {
        expect(requests.map((r) => [r.name, r.namespace, r.serviceAccount])).to.deep.equal([["point-service", "point", "point-service"]]);
        expect(view.run.outputs.statements).to.deep.equal([
            DB_STATEMENT,
            { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [CACHE_SECRET] },
        ]);
        expect(metadata(view.one(K.serviceAccount, "workloads-point-service-service-account")).name).to.equal("point-service");
        expect(view.one(K.serviceAccount, "workloads-point-service-service-account").inputs.automountServiceAccountToken).to.equal(false);
        // The Deployment names the role: its pods are created after the association exists.
        expect(metadata(deployment()).annotations).to.deep.equal({ "platform/pod-identity-role": ROLE_ARN });
    });

    it("serves the pods on a ClusterIP Service whose port is named http", () => {
        expect(spec(one(K.service, "service"))).to.deep.equal({
            type: "ClusterIP",
            selector: { app: "point-service" },
            ports: [{ name: "http", appProtocol: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
        });
    });

    it("scales 2–10 on the app container's CPU at 70 %", () => {
        expect(spec(one(K.hpa, "autoscaler"))).to.deep.equal({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "point-service" },
            minReplicas: 2,
            maxReplicas: 10,
            metrics: [{ type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 70 } } }],
        });
    });

    it("lets a drain take one pod at a time", () => {
        expect(spec(one(K.pdb, "disruption-budget"))).to.deep.equal({ maxUnavailable: 1, selector: { matchLabels: { app: "point-service" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
    });

    it("routes the gateway's hosts to the service: a POST or PATCH without an Idempotency-Key never retried, the rest on safe conditions only, CORS on both", () => {
        const vs = spec(one(K.virtualService, "virtual-service")) as { hosts: string[]; gateways: string[]; http: Spec[] };
        expect(vs.hosts).to.deep.equal(["api.point.example.com"]);
        expect(vs.gateways).to.deep.equal(["istio-ingress/public"]);
        const destination = [{ destination: { host: "point-service.point.svc.cluster.local", port: { number: 8080 } } }];
        const cors = {
            allowOrigins: [{ exact: "https://point.example.com" }],
            allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
            allowHeaders: ["authorization", "content-type", "idempotency-key"],
            maxAge: "86400s",
            allowCredentials: false,
            unmatchedPreflights: "IGNORE",
        };
        expect(vs.http).to.deep.equal([
            {
                name: "not-idempotent",
                match: [
                    { method: { exact: "POST" }, withoutHeaders: { "idempotency-key": { regex: ".+" } } },
                    { method: { exact: "PATCH" }, withoutHeaders: { "idempotency-key": { regex: ".+" } } },
                ],
                route: destination,
                retries: { attempts: 0 },
                corsPolicy: cors,
            },
            { name: "default", route: destination, retries: { attempts: 3, perTryTimeout: "2s", retryOn: "connect-failure,refused-stream,unavailable,cancelled,reset" }, corsPolicy: cors },
        ]);
        expect(JSON.stringify(vs)).to.not.match(/5xx|gateway-error/);
    });

    it("limits the callers' connections, ejects a failing pod and speaks Istio mTLS to it", () => {
        expect(spec(one(K.destinationRule, "destination-rule"))).to.deep.equal({
            host: "point-service.point.svc.cluster.local",
            trafficPolicy: {
                connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 100 } },
                outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
                tls: { mode: "ISTIO_MUTUAL" },
            },
        });
    });

    it("admits the ingress gateway's identity only", () => {
        expect(spec(one(K.authorizationPolicy, "authorization-policy"))).to.deep.equal({
            selector: { matchLabels: { app: "point-service" } },
            action: "ALLOW",
            rules: [{ from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"] } }] }],
        });
    });

    it("waits: every object for its namespace, the Deployment for its service account, the Istio resources for the mesh's control plane", () => {
        const urn = (type: string, name: string) => view.one(type, name).urn;
        const ns = urn(K.namespace, "workloads-point-namespace");
        const istiod = urn("kubernetes:core/v1:ConfigMap", "istiod-stand-in");
        for (const type of Object.values(K).filter((t) => t !== K.namespace)) {
            for (const object of view.ofType(type)) {
                expect(object.options.dependsOn, object.name).to.include(ns);
            }
        }
        expect(deployment().options.dependsOn).to.include(urn(K.serviceAccount, "workloads-point-service-service-account"));
        for (const type of [K.virtualService, K.destinationRule, K.authorizationPolicy]) {
            expect(view.ofType(type)[0].options.dependsOn, type).to.include(istiod);
        }
        expect(one(K.hpa, "autoscaler").options.dependsOn).to.include(deployment().urn);
    });
});

describe("components/mesh-workload: a fixed number of pods, its own sidecar size, a digest, no CORS", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => {
            const cluster = fakeCluster([]);
            new MeshWorkload(
                "workloads-batch",
                pointArgs(cluster, {
                    key: "batch",
                    repository: "point-eks-batch",
                    imageTag: `sha256:${"a".repeat(64)}`,
                    replicas: 3,
                    cors: undefined,
                    sidecar: { cpu: "50m", memory: "96Mi", cpuLimit: "500m" },
                    resources: { cpu: "1", memory: "1Gi", cpuLimit: "2" },
                    retries: { attempts: 0, perTryTimeout: "2s", retryOn: [] },
                    secrets: {},
                }),
            );
        });
    });

    it("sets the Deployment's replicas and creates no autoscaler", () => {
        const deployment = view.one(K.deployment, "workloads-batch-deployment");
        expect(spec(deployment).replicas).to.equal(3);
        expect(view.ofType(K.hpa)).to.deep.equal([]);
        expect(metadata(deployment).labels.version).to.equal("sha256-aaaaaaaaaaaa");
        const template = spec(deployment).template as { spec: { containers: Spec[] }; metadata: { annotations: Record<string, string> } };
        expect(template.spec.containers[0].image).to.match(/point-eks-batch@sha256:a{64}$/);
        expect(template.spec.containers[0].resources).to.deep.equal({ requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi", cpu: "2" } });
        expect(template.metadata.annotations).to.include({ "sidecar.istio.io/proxyCPU": "50m", "sidecar.istio.io/proxyCPULimit": "500m", "sidecar.istio.io/proxyMemory": "96Mi", "sidecar.istio.io/proxyMemoryLimit": "96Mi" });
    });

    it("retries nothing with attempts 0, and sends no CORS headers without cors", () => {
        const vs = spec(view.one(K.virtualService, "workloads-batch-virtual-service")) as { http: Spec[] };
        expect(vs.http.map((r) => r.retries)).to.deep.equal([{ attempts: 0 }, { attempts: 0 }]);
        expect(vs.http.map((r) => "corsPolicy" in r)).to.deep.equal([false, false]);
    });
});

describe("components/mesh-workload: arguments it refuses", () => {
    const refused = (change: Partial<MeshWorkloadArgs>) =>
        refusedArguments("MeshWorkload", () => {
            const cluster: WorkloadCluster = { provider: undefined as unknown as WorkloadCluster["provider"], ready: [], podIdentity: () => pulumi.output("") };
            new MeshWorkload("w", pointArgs(cluster, change));
        });

    it("reports every problem at once, before anything registers", async () => {
        const lines = await refused({
            key: "Point_Service",
            imageTag: "latest",
            port: 15001,
            namespace: "kube-system",
            replicas: 2,
            autoscaling: { min: 0, max: 0, cpuTarget: 101 },
            resources: { cpu: "0m", memory: "512MB", cpuLimit: "100m" },
            hosts: [],
            runAsUser: 1337,
            environment: { AWS_REGION: "us-east-1", DB_PASSWORD: "hunter2" },
            mesh: { gateway: "public", gatewayPrincipal: GATEWAY_PRINCIPAL, dependsOn: [] },
        });
        expect(lines).to.deep.equal([
            ': "Point_Service" is not a workload name; it names the Deployment, the Service, its host and its pod identity: up to 40 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
            'imageTag: "latest" is a moving tag; repositories are immutable, so deploy a version tag or a sha256: digest',
            "port: 15001 is a port of the Istio sidecar in every pod (15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090); the app listens on another",
            'namespace: "kube-system" is a system namespace; the workloads get a namespace of their own, created with sidecar injection on',
            "replicas: is set beside autoscaling; the autoscaler owns the Deployment's replicas and a fixed count would fight it: give one of them",
            "autoscaling.min: 0 is below 1; the autoscaler keeps at least one replica (a whole number)",
            "autoscaling.max: 0 is below min (0); the autoscaler scales between 1 ≤ min ≤ max (whole numbers)",
            "autoscaling.cpuTarget: 101 is outside 1–100; the target is a whole percentage of the app's CPU request",
            'resources.cpu: "0m" is no CPU at all; give at least 1m; the autoscaler measures utilization against the CPU request and the scheduler places pods by it',
            'resources.memory: "512MB" is not a memory quantity; use a whole number of Mi or Gi (`512Mi`, `1Gi`)',
            "hosts: is empty; give the host names the gateway serves this workload on (the VirtualService's hosts)",
            "runAsUser: 1337 is the Istio sidecar's uid, whose traffic the sidecar does not capture (it would leave without mTLS or policy); use another",
            'environment.DB_PASSWORD: "DB_PASSWORD" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN',
            'environment.AWS_REGION: "AWS_REGION" is set by the platform itself; choose another name',
            'mesh.gateway: "public" is not <namespace>/<name> of a Gateway',
        ]);
    });

    it("refuses CORS that is not exact https origins and lowercase header names, and retries of answered requests", async () => {
        const lines = await refused({
            cors: {
                allowOrigins: ["*", "http://point.example.com", "https://point.example.com/", "https://point.example.com:443", "https://point.example.com", "https://point.example.com"],
                allowMethods: ["get"],
                allowHeaders: ["Authorization", "x custom"],
                exposeHeaders: [],
                maxAgeSeconds: 90_000,
                allowCredentials: false,
            },
            retries: { attempts: 6, perTryTimeout: "2", retryOn: ["5xx", "503", "connect-failure", "sometimes"] },
            circuitBreaker: { maxConnections: 0, maxPendingRequests: 100, consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "0s", maxEjectionPercent: 101 },
            probes: { readiness: "actuator/health", liveness: "/actuator/health/liveness", startupSeconds: 5 },
        });
        expect(lines).to.deep.equal([
            'probes.readiness: "actuator/health" is not a path; give the HTTP path the app answers on, starting with /',
            "probes.startupSeconds: 5 is outside 10–600 seconds (whole seconds the app may take to start)",
            'cors.allowOrigins[0]: "*" is a wildcard; list exact origins (https://<host>[:<port>]): any site could otherwise call the API from its users\' browsers',
            'cors.allowOrigins[1]: "http://point.example.com" is not an https:// origin; browsers send the page\'s origin, https://<host>[:<port>], and the API is served over HTTPS only',
            'cors.allowOrigins[2]: "https://point.example.com/" has a path; an origin is https://<host>[:<port>] with nothing after it (no trailing slash)',
            'cors.allowOrigins[3]: "https://point.example.com:443" names the default port; browsers send https://<host> without :443, so it would never match',
            'cors.allowOrigins[5]: "https://point.example.com" is listed twice',
            'cors.allowMethods[0]: "get" is not an HTTP method; use GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (uppercase)',
            'cors.allowHeaders[0]: "Authorization" is not lowercase; write header names in lowercase ("authorization"), as HTTP/2 sends them and Istio matches them',
            "cors.allowHeaders[1]: \"x custom\" is not a header name; use an RFC 7230 token (letters, digits and !#$%&'*+-.^_`|~, no spaces or colons)",
            "cors.maxAgeSeconds: 90000 is outside 0–86400 seconds (browsers keep a preflight 24 hours at most)",
            "retries.attempts: 6 is outside 0–5 (whole retries after the first try; more multiply an outage's load)",
            'retries.perTryTimeout: "2" is not a duration; use a whole number of h, m, s or ms (`2s`, `500ms`), as Istio writes them',
            'retries.retryOn[0]: "5xx" retries a request the service answered, which may have done its work already (a point earned twice); retry only on connect-failure, refused-stream, reset, reset-before-request, unavailable, cancelled',
            'retries.retryOn[1]: "503" retries a request the service answered, which may have done its work already (a point earned twice); retry only on connect-failure, refused-stream, reset, reset-before-request, unavailable, cancelled',
            'retries.retryOn[3]: "sometimes" is not a retry condition; use connect-failure, refused-stream, reset, reset-before-request, unavailable, cancelled',
            "circuitBreaker.maxConnections: 0 is not a count; use a whole number, 1 or more",
            'circuitBreaker.baseEjectionTime: "0s" is no time at all; baseEjectionTime is at least 1ms',
            "circuitBreaker.maxEjectionPercent: 101 is outside 1–100 (a whole percentage of the pods)",
        ]);
    });

    it("refuses a key that makes a pod identity role name over IAM's 64 characters, and a secret also set as a setting", async () => {
        const long = `p${"x".repeat(39)}`;
        const lines = await refused({
            naming: new Naming("point-eks-long-prefix-ab", "production-seoul"),
            key: long,
            environment: { CACHE_PASSWORD_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:x-AbCdEf" },
            sidecar: { cpu: "100m", memory: "128Mi", cpuLimit: "50m", memoryLimit: "64Mi" },
        });
        expect(lines).to.deep.equal([
            `: makes a name AWS refuses for its pod identity role: iamRole name "point-eks-long-prefix-ab-production-seoul-${long}" is 82 characters; AWS allows at most 64; shorten the workload's name or platform:name`,
            'sidecar.memoryLimit: "64Mi" is below the request ("128Mi"); a limit is at least the request',
            'sidecar.cpuLimit: "50m" is below the request ("100m"); a limit is at least the request',
            'environment.CACHE_PASSWORD_SECRET_ARN: "CACHE_PASSWORD_SECRET_ARN" is also made from secrets.CACHE_PASSWORD; a variable comes from one place',
        ]);
    });
});

describe("workloads: the pure data the rules read", () => {
    it("reads Istio durations into milliseconds", () => {
        expect([durationMs("2s"), durationMs("500ms"), durationMs("1m"), durationMs("1h"), durationMs("2"), durationMs("1.5s")]).to.deep.equal([2000, 500, 60_000, 3_600_000, undefined, undefined]);
    });

    it("labels a version by its tag, a digest by its first 12 hex digits", () => {
        expect([versionLabel("1.0.0"), versionLabel(`sha256:${"0123456789abcdef".repeat(4)}`), versionLabel("release+1")]).to.deep.equal(["1.0.0", "sha256-0123456789ab", "release-1"]);
    });

    it("takes exact https origins with an optional port", () => {
        expect([originProblem("https://point.example.com"), originProblem("https://point.example.com:8443")]).to.deep.equal([undefined, undefined]);
        expect(originProblem("https://Point.Example.com")).to.match(/does not name a host/);
    });

    it("takes lowercase RFC 7230 tokens as header names", () => {
        expect([headerNameProblem("idempotency-key"), headerNameProblem("x-request-id"), headerNameProblem("x_b3~1")]).to.deep.equal([undefined, undefined, undefined]);
        expect(headerNameProblem("Idempotency-Key")).to.match(/is not lowercase/);
        expect(headerNameProblem("x:y")).to.match(/is not a header name/);
    });

    it("takes DNS names and wildcards of them as hosts", () => {
        expect([hostProblem("api.point.example.com"), hostProblem("*.point.example.com")]).to.deep.equal([undefined, undefined]);
        expect(hostProblem("API.example.com")).to.match(/is not a host name/);
        expect(hostProblem("*")).to.match(/is not a host name/);
    });
});
