/**
 * The workloads block (`platform:workloads`): services of the mesh by name, each a MeshWorkload
 * (Deployment, Service, autoscaler, disruption budget, service account with its pod identity,
 * VirtualService, DestinationRule, AuthorizationPolicy) in a namespace with Istio's sidecar
 * injection on (MeshNamespace), on the cluster of platform:eks.
 *
 * Each workload gets exactly the stores it lists in `connectsTo`, as a Fargate service does: their
 * settings as environment, their secrets by reference (`<VAR>_SECRET_ARN`, `<VAR>_SECRET_KEY`, as a
 * Lambda function: nothing secret in Kubernetes or in the state) with a grant to read exactly those,
 * their statements on its pod identity role, and the flows from `eks-nodes` (the nodes', hence the
 * pods' group) to them.
 */
import { z } from "zod";
import { Path, Problem, showValue } from "../../../lib/problems";
import { BuildContext, Connection, ConfigView, connectsToProblems, defineBlock, storeFlows } from "../../../stacks/block";
import { EKS_NODES_GROUP, eksBlock } from "../../compute/eks/block";
import { ADDON_SERVICE_ACCOUNTS } from "../../compute/eks/eks-cluster";
import { environmentProblems } from "../../compute/services/container";
import { secretVariableNames } from "../../serverless/functions/lambda";
import { KUBE_OBSERVABILITY_DEFAULTS } from "../../observability/kube-observability/kube-observability";
import { observabilityBlock } from "../../observability/kube-observability/block";
import { loadBalancerControllerBlock } from "../load-balancer-controller/block";
import { CONTROLLER_POD_IDENTITY } from "../load-balancer-controller/iam-policy";
import { GATEWAY_PRINCIPAL, GATEWAY_REF, meshBlock } from "../mesh/block";
import { EKS_SYSTEM_PODS, NodeGroupFacts, SystemPod, WorkloadDemand, capacityProblems, nodeAllocatable, systemPod } from "./capacity";
import { MeshAttachment, MeshNamespace, MeshWorkload, PLATFORM_VARIABLES } from "./mesh-workload";
import { Resources, SAFE_RETRY_ON, WORKLOAD_DEFAULTS, WorkloadSpec, maxReplicas, podRequests, workloadProblems } from "./workload";

const d = WORKLOAD_DEFAULTS;

const CPU_LIMIT = z
    .string()
    .optional()
    .describe("CPU limit, at least the request. Default: none (the container may use its node's idle CPU; throttling a JVM slows its start and its GC).");

const AppResourcesSchema = z.strictObject({
    cpu: z.string().default(d.resources.cpu).describe("CPU request (`250m`, `0.5`): the scheduler places pods and the autoscaler measures utilization by it."),
    memory: z.string().default(d.resources.memory).describe("Memory request and limit, a whole number of Mi or Gi (`512Mi`): the pod never runs on memory its node did not set aside."),
    cpuLimit: CPU_LIMIT,
});

const SidecarResourcesSchema = z.strictObject({
    cpu: z.string().describe("CPU request (`100m`): the scheduler counts it with the app's."),
    memory: z.string().describe("Memory request and limit, Mi or Gi (`128Mi`)."),
    cpuLimit: CPU_LIMIT,
});

function workloadSchema() {
    return z
        .strictObject({
            repository: z.string().optional().describe("ECR repository of the account stack (platform:repositories in Pulumi.account.yaml), by name. Default: `<prefix>-<name>`."),
            imageTag: z.string().describe("Image tag (not `latest`) or `sha256:` digest; it must be in the repository."),
            port: z.number().default(d.port).describe("The port the app listens on (HTTP); not one of the Istio sidecar's (15000–15090)."),
            namespace: z.string().optional().describe("Kubernetes namespace, created with sidecar injection on. Default: `platform:name`."),
            replicas: z.number().optional().describe("A fixed number of pods, instead of the autoscaler; exclusive with autoscaling."),
            autoscaling: z
                .strictObject({
                    min: z.number().default(d.autoscaling.min).describe("Fewest pods (prod: 2 at least)."),
                    max: z.number().default(d.autoscaling.max).describe("Most pods; the node group at its most nodes must hold them (the capacity rule)."),
                    cpuTarget: z.number().default(d.autoscaling.cpuTarget).describe("Average CPU of the app's container the autoscaler keeps, % of its CPU request (1–100)."),
                })
                .optional()
                .describe(`The HorizontalPodAutoscaler (autoscaling/v2, the app container's CPU). Default: ${JSON.stringify(d.autoscaling)} unless replicas is set.`),
            resources: AppResourcesSchema.prefault({})
                .describe("The app container's requests and limits."),
            sidecar: SidecarResourcesSchema.optional()
                .describe(`The Istio sidecar's requests and limits (its sidecar.istio.io annotations). Default: the mesh's proxy resources (platform:mesh), or Istio's ${d.sidecar.cpu} / ${d.sidecar.memory}.`),
            probes: z
                .strictObject({
                    readiness: z.string().default(d.probes.readiness).describe("Path of the readiness probe: a pod gets traffic once it answers 2xx/3xx."),
                    liveness: z.string().default(d.probes.liveness).describe("Path of the liveness probe: the kubelet restarts a container that stops answering."),
                    startupSeconds: z.number().default(d.probes.startupSeconds).describe("Seconds the app may take to answer its liveness path first (10–600): liveness waits for it."),
                })
                .prefault({})
                .describe("HTTP probes on the app's port (Spring Boot's Actuator health groups by default)."),
            environment: z
                .record(z.string(), z.string())
                .default({})
                .describe("Plain settings; a secret-looking name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`…) is refused unless its value is an ARN, and the variables the platform sets (the stores', AWS_REGION…) too."),
            connectsTo: z
                .array(z.string())
                .default([])
                .describe("The stores (block names: `database`, `cache`…) whose settings, secret references (`<VAR>_SECRET_ARN`), grants (on the pod identity) and network paths (from eks-nodes) the workload gets. Default: none."),
            cors: z
                .strictObject({
                    allowOrigins: z.array(z.string()).describe("Exact origins of the sites that call the API from a browser: `https://<host>[:<port>]`, no wildcard."),
                    allowMethods: z.array(z.string()).default([...d.cors.allowMethods]).describe("Methods a cross-origin request may use."),
                    allowHeaders: z.array(z.string()).default([...d.cors.allowHeaders]).describe("Request headers it may send (lowercase)."),
                    exposeHeaders: z.array(z.string()).default([]).describe("Response headers its script may read (lowercase). Default: none."),
                    maxAgeSeconds: z.number().default(d.cors.maxAgeSeconds).describe("Seconds a browser keeps a preflight's answer (0–86400; Chromium keeps 7200 at most)."),
                    allowCredentials: z.boolean().default(d.cors.allowCredentials).describe("Let the browser send cookies (the API takes bearer tokens: not needed)."),
                })
                .optional()
                .describe("CORS of the VirtualService (the gateway answers preflights). Default: none."),
            retries: z
                .strictObject({
                    attempts: z.number().default(d.retries.attempts).describe("Retries after the first try (0–5; 0: none)."),
                    perTryTimeout: z.string().default(d.retries.perTryTimeout).describe("Timeout of each try (Istio duration: `2s`, `500ms`)."),
                    retryOn: z
                        .array(z.string())
                        .default([...d.retries.retryOn])
                        .describe(`Conditions to retry on: ${SAFE_RETRY_ON.join(", ")}; none that repeats a request the service answered (5xx, gateway-error…).`),
                })
                .prefault({})
                .describe("Retries of the gateway's proxy. A POST or PATCH without an `Idempotency-Key` header is never retried."),
            circuitBreaker: z
                .strictObject({
                    maxConnections: z.number().default(d.circuitBreaker.maxConnections).describe("Connections each caller's proxy opens to the service, at most."),
                    maxPendingRequests: z.number().default(d.circuitBreaker.maxPendingRequests).describe("Requests waiting for a connection, at most; more get 503 at once."),
                    consecutive5xxErrors: z.number().default(d.circuitBreaker.consecutive5xxErrors).describe("5xx answers in a row that take a pod out of the pool."),
                    interval: z.string().default(d.circuitBreaker.interval).describe("How often ejections are reviewed (Istio duration)."),
                    baseEjectionTime: z.string().default(d.circuitBreaker.baseEjectionTime).describe("How long a pod stays out the first time (longer each time)."),
                    maxEjectionPercent: z.number().default(d.circuitBreaker.maxEjectionPercent).describe("% of the pods that may be out at once."),
                })
                .prefault({})
                .describe("The DestinationRule's connection pool and outlier detection."),
            hosts: z.array(z.string()).describe("Host names the mesh's gateway routes to the workload (the VirtualService's hosts); each one the gateway serves (platform:mesh.gateway.hosts)."),
            runAsUser: z.number().default(d.runAsUser).describe("uid (and gid) the app runs as: not root, not the sidecar's 1337."),
        })
        .describe("One workload: its Deployment, Service, autoscaler and mesh policy, `<name>.<namespace>.svc.cluster.local`.");
}

type RawWorkload = z.output<ReturnType<typeof workloadSchema>>;

/** A workload as the stack resolves it: repository, namespace and autoscaling filled. */
export type WorkloadConfig = Omit<RawWorkload, "repository" | "namespace"> & { readonly repository: string; readonly namespace: string };
export type WorkloadsConfig = Readonly<Record<string, WorkloadConfig>>;

function workloadsSchema(prefix: string) {
    return z
        .strictObject({
            workloads: z
                .record(z.string(), workloadSchema())
                .describe("Workloads of the mesh by name (lowercase letters, digits and hyphens, at most 40: `point-service` → the Deployment and Service `point-service`)."),
        })
        .transform(({ workloads }) =>
            Object.fromEntries(
                Object.entries(workloads).map(([key, w]): [string, WorkloadConfig] => [
                    key,
                    {
                        ...w,
                        repository: w.repository ?? `${prefix}-${key}`,
                        namespace: w.namespace ?? prefix,
                        autoscaling: w.autoscaling ?? (w.replicas === undefined ? { ...d.autoscaling } : undefined),
                    },
                ]),
            ) as WorkloadsConfig,
        );
}

/**
 * Pod identity names the cluster's own roles take (EksCluster: its cluster and node roles, its
 * add-ons'; the load balancer controller's): a workload's pod identity is named after it.
 */
export const TAKEN_POD_IDENTITY_NAMES: readonly string[] = ["eks-cluster", "eks-nodes", ...Object.values(ADDON_SERVICE_ACCOUNTS).map((a) => a.role), CONTROLLER_POD_IDENTITY];

/** What the block built: every workload, and the namespaces. */
export interface BuiltWorkloads {
    readonly workloads: readonly MeshWorkload[];
    readonly namespaces: readonly MeshNamespace[];
}

/** The sidecar's resources of `workload`: its own, or those every sidecar of the mesh gets. */
function sidecarOf(workload: WorkloadConfig, meshProxy: Resources | undefined): Resources {
    return workload.sidecar ?? meshProxy ?? d.sidecar;
}

/** The workload as the component takes it. */
function specOf(workload: WorkloadConfig, meshProxy: Resources | undefined): WorkloadSpec {
    return { ...workload, sidecar: sidecarOf(workload, meshProxy) };
}

/** Every connection of a workload, merged. */
function connectionsOf(stores: readonly string[], connection: (store: string) => Connection | undefined): Required<Connection> {
    const connections = stores.map((store) => connection(store)).filter((c): c is Connection => c !== undefined);
    return {
        environment: Object.assign({}, ...connections.map((c) => c.environment)),
        secrets: Object.assign({}, ...connections.map((c) => c.secrets)),
        statements: connections.flatMap((c) => c.statements ?? []),
    };
}

/** Whether a gateway host (`api.example.com`, `*.example.com`, `*`) serves `host`. */
export function gatewayServes(gatewayHost: string, host: string): boolean {
    if (gatewayHost === "*" || gatewayHost === host) {
        return true;
    }
    if (gatewayHost.startsWith("*.")) {
        const suffix = gatewayHost.slice(1);
        return host.startsWith("*.") ? host.endsWith(suffix) : host.endsWith(suffix) && host.length > suffix.length;
    }
    return false;
}

/** What the rules need of the mesh's config (absent without platform:mesh). */
export interface MeshFacts {
    /** Hosts the gateway serves (platform:mesh.gateway.hosts). */
    readonly gatewayHosts: readonly string[];
    /** Every sidecar's resources (platform:mesh.proxy.resources). */
    readonly proxy: Resources;
}

/** The mesh's gateway hosts and sidecar resources, when the stack has platform:mesh. */
function meshFacts(view: ConfigView): MeshFacts | undefined {
    const mesh = view.config(meshBlock);
    if (!mesh) {
        return undefined;
    }
    const { requests, limits } = mesh.proxy.resources;
    return { gatewayHosts: mesh.gateway.hosts, proxy: { cpu: requests.cpu, memory: requests.memory, cpuLimit: limits.cpu, memoryLimit: limits.memory } };
}

/**
 * The Kiali server's requests: the Kiali CR's default deployment resources (requests 10m CPU,
 * 64Mi memory: https://kiali.io/docs/configuration/kialis.kiali.io/#.spec.deployment.resources).
 */
const KIALI_SERVER_REQUESTS = { cpu: "10m", memory: "64Mi" } as const;

/** What a chart's pod requests when it sets no resources: nothing (it still counts against max pods). */
const NO_REQUESTS = { cpu: "0m", memory: "0Mi" } as const;

/**
 * The system pods of the stack: the EKS add-ons', and those of the Kubernetes blocks it has, with
 * the requests and replicas their config gives (the load balancer controller, istiod and the
 * gateway), or their components' fixed values (kube-prometheus-stack's Prometheus and Grafana,
 * Kiali; the charts' operator, kube-state-metrics and node-exporter request nothing by default).
 */
export function systemPodsOf(view: ConfigView): SystemPod[] {
    const pods = [...EKS_SYSTEM_PODS];
    const controller = view.config(loadBalancerControllerBlock);
    if (controller) {
        pods.push(...systemPod("aws-load-balancer-controller", controller.replicas, controller.resources.requests));
    }
    const mesh = view.config(meshBlock);
    if (mesh) {
        pods.push(...systemPod("istiod", mesh.istiod.replicas, mesh.istiod.resources.requests));
        pods.push(...systemPod("istio-ingressgateway", mesh.gateway.replicas, mesh.gateway.resources.requests));
    }
    const observability = view.config(observabilityBlock);
    if (observability) {
        const o = KUBE_OBSERVABILITY_DEFAULTS;
        pods.push(
            ...systemPod("prometheus", 1, o.prometheusResources.requests),
            ...systemPod("grafana", 1, o.grafanaResources.requests),
            ...systemPod("kiali-operator", 1, o.kialiOperatorResources.requests),
            ...systemPod("kiali", 1, KIALI_SERVER_REQUESTS),
            ...systemPod("prometheus-operator", 1, NO_REQUESTS),
            ...systemPod("kube-state-metrics", 1, NO_REQUESTS),
            ...systemPod("node-exporter", "perNode", NO_REQUESTS),
            ...(observability.alertmanager.enabled ? systemPod("alertmanager", 1, NO_REQUESTS) : []),
        );
    }
    return pods;
}

/** The EKS node group as the capacity rule reads it: its smallest node type, and its most nodes. */
function nodeGroupFacts(view: ConfigView): NodeGroupFacts | undefined {
    const eks = view.config(eksBlock);
    if (!eks) {
        return undefined;
    }
    const types = eks.nodes.instanceTypes;
    const known = types.map((t) => ({ type: t, node: nodeAllocatable(t) }));
    if (known.length === 0 || known.some((k) => k.node === undefined)) {
        return undefined;
    }
    const smallest = known.reduce((a, b) => (b.node!.memoryMi < a.node!.memoryMi ? b : a));
    return { instanceType: smallest.type, maxNodes: eks.nodes.maxSize, key: "platform:eks.nodes" };
}

export function workloadsProblems(config: WorkloadsConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    const mesh = meshFacts(view);
    const entries = Object.entries(config);
    if (entries.length === 0) {
        return [{ path: ["workloads"], message: "is empty; name at least one workload, or leave platform:workloads out" }];
    }
    // A store's variable and what a secret of it becomes: the workload's own settings may not use them.
    const reserved = new Set([...view.connectionVariables.flatMap((v) => [v, ...secretVariableNames(v)]), ...PLATFORM_VARIABLES]);
    const hostOwners = new Map<string, string>();
    const demands: WorkloadDemand[] = [];
    for (const [key, workload] of entries) {
        const at = (...path: Path): Path => ["workloads", key, ...path];
        const spec = specOf(workload, mesh?.proxy);
        for (const problem of workloadProblems(key, spec, view.stack.naming)) {
            // An inherited sidecar's resources are the mesh's to report.
            if (problem.path[0] === "sidecar" && workload.sidecar === undefined) {
                continue;
            }
            problems.push({ path: at(...problem.path), message: problem.message });
        }
        if (TAKEN_POD_IDENTITY_NAMES.includes(key)) {
            problems.push({ path: at(), message: `${showValue(key)} names a pod identity of the cluster's own (${TAKEN_POD_IDENTITY_NAMES.join(", ")}); a workload's pod identity is named after it: choose another name` });
        }
        problems.push(...environmentProblems(workload.environment).map((p) => ({ path: at("environment", ...p.path), message: p.message })));
        for (const variable of Object.keys(workload.environment).filter((v) => reserved.has(v))) {
            problems.push({ path: at("environment", variable), message: `${showValue(variable)} is set by the platform itself (a store's settings or secret references, the region, the pod identity); choose another name` });
        }
        problems.push(...connectsToProblems(workload.connectsTo, view, (i) => at("connectsTo", i)));
        workload.hosts.forEach((host, i) => {
            const owner = hostOwners.get(host);
            if (owner !== undefined && owner !== key) {
                problems.push({ path: at("hosts", i), message: `${showValue(host)} is also a host of workload ${showValue(owner)}; a host is one workload's (one VirtualService per host on the gateway)` });
            } else if (mesh && !mesh.gatewayHosts.some((g) => gatewayServes(g, host))) {
                problems.push({
                    path: at("hosts", i),
                    message: `${showValue(host)} is not served by the mesh's gateway (platform:mesh.gateway.hosts: ${mesh.gatewayHosts.join(", ")}); add it there, or use one of them`,
                });
            }
            hostOwners.set(host, owner ?? key);
        });
        if (view.stack.env === "prod") {
            const [path, fewest] = workload.autoscaling ? [at("autoscaling", "min"), workload.autoscaling.min] : [at("replicas"), workload.replicas ?? 1];
            if (Number.isInteger(fewest) && fewest >= 1 && fewest < 2) {
                problems.push({ path, message: `${fewest} is below 2; prod runs at least two pods of every workload, in two zones (a node's loss or drain must leave one serving)` });
            }
        }
        const requests = podRequests(spec);
        if (requests) {
            demands.push({ key, ...requests, maxReplicas: maxReplicas(spec) });
        }
    }
    const nodeGroup = nodeGroupFacts(view);
    if (nodeGroup && demands.length === entries.length) {
        problems.push(...capacityProblems(["workloads"], demands, nodeGroup, systemPodsOf(view)));
    }
    return problems;
}

export const workloadsBlock = defineBlock({
    name: "workloads",
    keys: ["workloads"],
    requires: [eksBlock],
    schema: (stack) => workloadsSchema(stack.name),

    rules: (config: WorkloadsConfig, view): Problem[] => workloadsProblems(config, view),

    // From the nodes' group (the VPC CNI gives pods their node's groups); without platform:eks there is none (its absence is reported).
    securityGroups: (config: WorkloadsConfig, view) =>
        view.config(eksBlock) ? { flows: storeFlows(view, EKS_NODES_GROUP, "workloads", Object.values(config).flatMap((w) => w.connectsTo)) } : {},

    build(config: WorkloadsConfig, ctx: BuildContext): BuiltWorkloads {
        const eks = ctx.need(eksBlock);
        const { naming, tags, region } = ctx.stack;
        const built = ctx.built(meshBlock);
        // Istio's resources wait for its control plane (base installs their definitions, istiod validates them); without the mesh block, for the nodes.
        const mesh: MeshAttachment = { gateway: GATEWAY_REF, gatewayPrincipal: GATEWAY_PRINCIPAL, dependsOn: built ? [...built.controlPlane] : [...eks.ready] };
        const meshProxy = meshFacts(ctx)?.proxy;
        const namespaces = new Map<string, MeshNamespace>();
        for (const namespace of new Set(Object.values(config).map((w) => w.namespace))) {
            namespaces.set(namespace, new MeshNamespace(`workloads-${namespace}`, { naming, tags, namespace, cluster: eks }));
        }
        const workloads = Object.entries(config).map(([key, workload]) => {
            // The workload says who it is: a store may give each consumer only what is meant for it.
            const connections = connectionsOf(workload.connectsTo, (store) => {
                const connection = ctx.connection(store, key);
                if (!connection) {
                    // The config rules refuse a store the stack does not have: a store built after this block is a registry bug.
                    throw new Error(`workload ${key} connects to ${store}, which was not built before the workloads`);
                }
                return connection;
            });
            const spec = specOf(workload, meshProxy);
            return new MeshWorkload(`workloads-${key}`, {
                naming,
                tags,
                key,
                ...spec,
                namespaceResource: namespaces.get(workload.namespace)!.resource,
                environment: { ...workload.environment, ...connections.environment },
                secrets: connections.secrets,
                statements: connections.statements,
                region,
                cluster: eks,
                mesh,
            });
        });
        return { workloads, namespaces: [...namespaces.values()] };
    },

    outputs: (built: BuiltWorkloads) => ({
        workloads: Object.fromEntries(
            built.workloads.map((w) => [w.key, { namespace: w.namespace, host: w.host, image: w.image, roleArn: w.roleArn }]),
        ),
    }),
});
