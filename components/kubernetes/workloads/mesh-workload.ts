/**
 * MeshWorkload — one service of the mesh as Kubernetes objects, and MeshNamespace, the namespace
 * such services run in (sidecar injection on).
 *
 * A workload is: a ServiceAccount whose pods assume an IAM role through EKS Pod Identity (the
 * cluster's `podIdentity`: its connections' grants and Secrets Manager reads of exactly its secrets);
 * a Deployment of the account's ECR image (looked up, as a service's or a function's) running as a
 * non-root user on a read-only root filesystem with a writable /tmp, spread over the zones, with
 * requests and limits, readiness, liveness and startup probes, and its Istio sidecar's resources;
 * a ClusterIP Service (port `http`, so Istio speaks HTTP to it); a HorizontalPodAutoscaler on the
 * app's CPU (or a fixed count); a PodDisruptionBudget; and its mesh policy: a VirtualService bound
 * to the mesh's gateway (CORS, retries that never repeat a non-idempotent request without an
 * Idempotency-Key), a DestinationRule (connection pool, outlier detection, mTLS), and an
 * AuthorizationPolicy that admits the gateway's identity only.
 *
 * Secrets: never in Kubernetes (nothing in state, no Secret object). A store's secret reference
 * becomes `<VAR>_SECRET_ARN` (and `<VAR>_SECRET_KEY` with a JSON key) in the environment, as for a
 * Lambda function, and the app reads it at start with its pod identity.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { lookUpImage, lookUpRepository } from "../../../lib/ecr";
import { PolicyStatement } from "../../../lib/iam";
import { Problem, nest } from "../../../lib/problems";
import { BuiltEks, kubernetesSdk } from "../../compute/eks/contract";
import { environmentProblems, secretProblems, secretResourceArn, secretStore } from "../../compute/services/container";
import { secretReferenceVariables, secretVariableNames } from "../../serverless/functions/lambda";
import { INJECTION_LABEL } from "../mesh/istio";
import {
    Autoscaling,
    CircuitBreaker,
    Cors,
    IDEMPOTENCY_HEADER,
    NON_IDEMPOTENT_METHODS,
    Probes,
    Resources,
    Retries,
    SIDECAR_ANNOTATIONS,
    WORKLOAD_DEFAULTS,
    WorkloadSpec,
    clusterHost,
    versionLabel,
    workloadProblems,
} from "./workload";

/** The app's container in every pod (`kubectl logs` picks it by default). */
export const APP_CONTAINER = "app";

/** Variables the platform sets in every workload's container: a workload's own settings may not use them. */
export const PLATFORM_VARIABLES = [
    // The SDKs' region: the pods cannot read it from the instance metadata (IMDSv2, one hop).
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    // What EKS Pod Identity's webhook injects (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html).
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
] as const;

/**
 * The link-local address the EKS Pod Identity agent serves credentials on, on every node
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html).
 */
export const POD_IDENTITY_AGENT_ADDRESS = "169.254.170.23";

/** Where the Istio custom resources are served (Istio 1.22 and later serve v1: https://istio.io/latest/blog/2024/v1-apis/). */
export const ISTIO_API = { networking: "networking.istio.io/v1", security: "security.istio.io/v1" } as const;

/** What the cluster hands a workload (BuiltEks). */
export type WorkloadCluster = Pick<BuiltEks, "provider" | "ready" | "podIdentity">;

/** What the mesh hands a workload. */
export interface MeshAttachment {
    /** The Gateway the VirtualService binds to, `<namespace>/<name>`. */
    readonly gateway: string;
    /** The SPIFFE principal of the gateway's pods, `cluster.local/ns/<namespace>/sa/<service account>`: the one identity admitted. */
    readonly gatewayPrincipal: string;
    /** What the Istio custom resources wait for: the releases that install their definitions. */
    readonly dependsOn: readonly pulumi.Resource[];
}

export interface MeshNamespaceArgs extends ComponentBaseArgs {
    /** The namespace's name. */
    namespace: string;
    /** The cluster's provider and what objects wait for. */
    cluster: Pick<BuiltEks, "provider" | "ready">;
}

/** A namespace of the mesh's workloads, with Istio's sidecar injection on. */
export class MeshNamespace extends PlatformComponent {
    public readonly namespace: string;
    /** The Namespace object: the workloads' objects wait for it. */
    public readonly resource: pulumi.Resource;

    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:kubernetes:MeshNamespace", name, { ...args, component: "mesh-namespace", problems: [] }, opts);
        const k8sSdk = kubernetesSdk();
        this.namespace = args.namespace;
        this.resource = new k8sSdk.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.namespace, labels: { ...INJECTION_LABEL, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": args.naming.stem } } },
            { parent: this, provider: args.cluster.provider, dependsOn: [...args.cluster.ready] },
        );
        this.registerOutputs({ namespace: this.namespace });
    }
}

export interface MeshWorkloadArgs extends ComponentBaseArgs {
    /** The workload's name: its Deployment, Service, ServiceAccount and Istio objects, `<key>.<namespace>.svc.cluster.local`. */
    key: string;
    /** ECR repository of the account stack, by name. */
    repository: string;
    /** A version tag (not `latest`) or a `sha256:` digest; it must be in the repository. */
    imageTag: string;
    /** The port the app listens on (HTTP). @default 8080 */
    port?: number;
    /** The namespace (a MeshNamespace's) the objects are in. */
    namespace: string;
    /** The Namespace object the objects wait for. @default none */
    namespaceResource?: pulumi.Resource;
    /** A fixed replica count; exclusive with autoscaling. @default none: autoscaling */
    replicas?: number;
    /** The HorizontalPodAutoscaler's range and CPU target. @default { min: 2, max: 10, cpuTarget: 70 } unless replicas is set */
    autoscaling?: Autoscaling;
    /** The app's requests and limits. @default { cpu: "250m", memory: "512Mi" } */
    resources?: Resources;
    /** The Istio sidecar's. @default { cpu: "100m", memory: "128Mi" } */
    sidecar?: Resources;
    /** @default Spring Boot's readiness and liveness groups, 150 s to start */
    probes?: Probes;
    /** CORS of the VirtualService. @default none: no CORS headers */
    cors?: Cors;
    /** @default 3 retries, 2 s a try, on connect-failure, refused-stream, unavailable, cancelled, reset */
    retries?: Retries;
    /** @default 100 connections, 100 pending requests, 5 5xx in a row eject for 30 s, every 10 s, at most 50% */
    circuitBreaker?: CircuitBreaker;
    /** The VirtualService's hosts (names the mesh's gateway serves). */
    hosts: readonly string[];
    /** The uid the app runs as. @default 1000 */
    runAsUser?: number;
    /** Plain settings (text, or outputs such as an endpoint). @default {} */
    environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Variable → Secrets Manager secret ARN (optionally `:<json-key>::`): the container gets
     * `<VAR>_SECRET_ARN` (and `<VAR>_SECRET_KEY`), its role may read exactly these. @default {}
     */
    secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** What the app may do besides: its connections' grants. @default [] */
    statements?: readonly PolicyStatement[];
    /** The stack's region, for the SDKs (AWS_REGION). */
    region: string;
    cluster: WorkloadCluster;
    mesh: MeshAttachment;
}

/** The settings with their defaults filled. */
function resolved(args: MeshWorkloadArgs): WorkloadSpec {
    const d = WORKLOAD_DEFAULTS;
    return {
        repository: args.repository,
        imageTag: args.imageTag,
        port: args.port ?? d.port,
        namespace: args.namespace,
        replicas: args.replicas,
        autoscaling: args.autoscaling ?? (args.replicas === undefined ? d.autoscaling : undefined),
        resources: args.resources ?? d.resources,
        sidecar: args.sidecar ?? d.sidecar,
        probes: args.probes ?? d.probes,
        cors: args.cors,
        retries: args.retries ?? d.retries,
        circuitBreaker: args.circuitBreaker ?? d.circuitBreaker,
        hosts: args.hosts,
        runAsUser: args.runAsUser ?? d.runAsUser,
    };
}

export class MeshWorkload extends PlatformComponent {
    public readonly key: string;
    public readonly namespace: string;
    /** `<key>.<namespace>.svc.cluster.local`. */
    public readonly host: string;
    /** The image deployed, `<repository URL>:<tag>`. */
    public readonly image: pulumi.Output<string>;
    /** The role the pods assume (EKS Pod Identity). */
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: MeshWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:kubernetes:MeshWorkload", name, { ...args, component: "mesh-workload", service: args.key, problems: meshWorkloadProblems(args) }, opts);
        const k8sSdk = kubernetesSdk();
        const spec = resolved(args);
        const { key, namespace } = args;
        const host = clusterHost(key, namespace);
        const selector = { app: key };
        const labels = { ...selector, version: versionLabel(spec.imageTag), "app.kubernetes.io/name": key, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": args.naming.stem };
        const metadata = { name: key, namespace, labels };
        const waitFor = [...args.cluster.ready, ...(args.namespaceResource ? [args.namespaceResource] : [])];
        const objectOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.cluster.provider, dependsOn: waitFor };

        const who = `MeshWorkload "${name}"`;
        const repository = lookUpRepository(who, spec.repository, this);
        this.image = lookUpImage(who, repository, spec.imageTag, "the workload's imageTag", this);

        const serviceAccount = new k8sSdk.core.v1.ServiceAccount(`${name}-service-account`, { metadata, automountServiceAccountToken: false }, objectOpts);
        const secrets = args.secrets ?? {};
        this.roleArn = args.cluster.podIdentity({ name: key, namespace, serviceAccount: key, statements: [...(args.statements ?? []), ...secretStatements(who, secrets)] });

        const deployment = new k8sSdk.apps.v1.Deployment(
            `${name}-deployment`,
            {
                // The role's ARN: pods created before their pod identity association get no credentials (the webhook injects them at admission).
                metadata: { ...metadata, annotations: { "platform/pod-identity-role": this.roleArn } },
                spec: deploymentSpec(spec, { key, selector, labels, image: this.image, env: containerEnvironment(args, secrets) }),
            },
            { ...objectOpts, dependsOn: [...waitFor, serviceAccount] },
        );

        new k8sSdk.core.v1.Service(
            `${name}-service`,
            {
                metadata,
                spec: {
                    type: "ClusterIP",
                    selector,
                    // The name `http` (and appProtocol) tells Istio the protocol: https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
                    ports: [{ name: "http", appProtocol: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
                },
            },
            objectOpts,
        );

        if (spec.autoscaling) {
            new k8sSdk.autoscaling.v2.HorizontalPodAutoscaler(
                `${name}-autoscaler`,
                {
                    metadata,
                    spec: {
                        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: key },
                        minReplicas: spec.autoscaling.min,
                        maxReplicas: spec.autoscaling.max,
                        // The app container's CPU only: the sidecar's would dilute it (ContainerResource, GA in Kubernetes 1.30).
                        metrics: [{ type: "ContainerResource", containerResource: { name: "cpu", container: APP_CONTAINER, target: { type: "Utilization", averageUtilization: spec.autoscaling.cpuTarget } } }],
                    },
                },
                { ...objectOpts, dependsOn: [...waitFor, deployment] },
            );
        }

        new k8sSdk.policy.v1.PodDisruptionBudget(
            `${name}-disruption-budget`,
            {
                metadata,
                spec: {
                    // One pod at a time through a node's drain, whatever the count; never a drain blocked for good.
                    maxUnavailable: 1,
                    selector: { matchLabels: selector },
                    // A pod that is not Ready serves nothing: a drain may evict it (https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy).
                    unhealthyPodEvictionPolicy: "AlwaysAllow",
                },
            },
            objectOpts,
        );

        const istioOpts: pulumi.CustomResourceOptions = { ...objectOpts, dependsOn: [...waitFor, ...args.mesh.dependsOn] };
        new k8sSdk.apiextensions.CustomResource(
            `${name}-virtual-service`,
            { apiVersion: ISTIO_API.networking, kind: "VirtualService", metadata, spec: virtualServiceSpec(spec, host, args.mesh.gateway) },
            istioOpts,
        );
        new k8sSdk.apiextensions.CustomResource(
            `${name}-destination-rule`,
            { apiVersion: ISTIO_API.networking, kind: "DestinationRule", metadata, spec: destinationRuleSpec(spec, host) },
            istioOpts,
        );
        new k8sSdk.apiextensions.CustomResource(
            `${name}-authorization-policy`,
            {
                apiVersion: ISTIO_API.security,
                kind: "AuthorizationPolicy",
                metadata,
                spec: {
                    selector: { matchLabels: selector },
                    // ALLOW with one rule: everything else (another pod of the mesh, say) is denied.
                    action: "ALLOW",
                    rules: [{ from: [{ source: { principals: [args.mesh.gatewayPrincipal] } }] }],
                },
            },
            istioOpts,
        );

        this.key = key;
        this.namespace = namespace;
        this.host = host;
        this.registerOutputs({ host, image: this.image, roleArn: this.roleArn });
    }
}

/**
 * Secrets Manager reads of exactly `secrets` (their ARNs without a JSON-key suffix). Only Secrets
 * Manager: a pod reads a reference itself, and no store hands out an SSM parameter as a secret.
 */
function secretStatements(who: string, secrets: Readonly<Record<string, pulumi.Input<string>>>): PolicyStatement[] {
    const arns = Object.entries(secrets).map(([variable, reference]) =>
        pulumi.output(reference).apply((ref) => {
            if (secretStore(ref) !== "secretsmanager") {
                throw new pulumi.RunError(`${who}: secret ${variable} is ${ref}, not a Secrets Manager secret; a workload reads Secrets Manager secrets only`);
            }
            return secretResourceArn(ref);
        }),
    );
    return arns.length > 0 ? [{ Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arns }] : [];
}

/** The container's environment: the settings, each secret's reference variables and the region, sorted by name. */
function containerEnvironment(args: MeshWorkloadArgs, secrets: Readonly<Record<string, pulumi.Input<string>>>): pulumi.Output<k8s.types.input.core.v1.EnvVar[]> {
    const plain = pulumi.output(args.environment ?? {}) as pulumi.Output<Record<string, string>>;
    const references = pulumi.output(secrets) as pulumi.Output<Record<string, string>>;
    return pulumi.all([plain, references]).apply(([values, refs]) => {
        const merged: Record<string, string> = { ...values, AWS_REGION: args.region, AWS_DEFAULT_REGION: args.region };
        for (const [variable, reference] of Object.entries(refs)) {
            Object.assign(merged, secretReferenceVariables(variable, reference));
        }
        return Object.keys(merged)
            .sort()
            .map((name) => ({ name, value: merged[name] }));
    });
}

interface PodFacts {
    readonly key: string;
    readonly selector: Record<string, string>;
    readonly labels: Record<string, string>;
    readonly image: pulumi.Input<string>;
    readonly env: pulumi.Input<k8s.types.input.core.v1.EnvVar[]>;
}

/** The Istio sidecar's resource annotations (requests, and memory's limit = its request). */
export function sidecarAnnotations(sidecar: Resources): Record<string, string> {
    return {
        [SIDECAR_ANNOTATIONS.cpu]: sidecar.cpu,
        [SIDECAR_ANNOTATIONS.memory]: sidecar.memory,
        [SIDECAR_ANNOTATIONS.memoryLimit]: sidecar.memoryLimit ?? sidecar.memory,
        ...(sidecar.cpuLimit !== undefined ? { [SIDECAR_ANNOTATIONS.cpuLimit]: sidecar.cpuLimit } : {}),
    };
}

function deploymentSpec(spec: WorkloadSpec, pod: PodFacts): k8s.types.input.apps.v1.DeploymentSpec {
    const probe = (path: string) => ({ httpGet: { path, port: spec.port } });
    const probePeriod = 5;
    return {
        // With an autoscaler, replicas is left out: the HPA owns it (a value here would be reset on every update, a perpetual diff).
        ...(spec.autoscaling ? {} : { replicas: spec.replicas ?? 1 }),
        selector: { matchLabels: pod.selector },
        // A new pod is Ready before an old one goes.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
            metadata: {
                labels: pod.labels,
                annotations: {
                    ...sidecarAnnotations(spec.sidecar),
                    // The app starts once its sidecar is ready: it reads Secrets Manager and its stores at start, through the sidecar.
                    "proxy.istio.io/config": JSON.stringify({ holdApplicationUntilProxyStarts: true }),
                    "kubectl.kubernetes.io/default-container": APP_CONTAINER,
                    // The EKS Pod Identity agent's credentials endpoint on the node: reached directly, not through the sidecar.
                    "traffic.sidecar.istio.io/excludeOutboundIPRanges": `${POD_IDENTITY_AGENT_ADDRESS}/32`,
                },
            },
            spec: {
                serviceAccountName: pod.key,
                // No Kubernetes API token in the app: its AWS credentials come from EKS Pod Identity, the sidecar's from its own projected token.
                automountServiceAccountToken: false,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: spec.runAsUser,
                    runAsGroup: spec.runAsUser,
                    fsGroup: spec.runAsUser,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                topologySpreadConstraints: [
                    // Zones strictly: a zone's loss takes at most its share.
                    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: pod.selector }, matchLabelKeys: ["pod-template-hash"] },
                    // Nodes as well as they can be.
                    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: pod.selector }, matchLabelKeys: ["pod-template-hash"] },
                ],
                containers: [
                    {
                        name: APP_CONTAINER,
                        image: pod.image,
                        ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }],
                        env: pod.env,
                        resources: {
                            requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
                            limits: { memory: spec.resources.memory, ...(spec.resources.cpuLimit !== undefined ? { cpu: spec.resources.cpuLimit } : {}) },
                        },
                        readinessProbe: { ...probe(spec.probes.readiness), periodSeconds: probePeriod, failureThreshold: 3 },
                        livenessProbe: { ...probe(spec.probes.liveness), periodSeconds: 10, failureThreshold: 3 },
                        // Liveness waits for the first answer, up to startupSeconds.
                        startupProbe: { ...probe(spec.probes.liveness), periodSeconds: probePeriod, failureThreshold: Math.ceil(spec.probes.startupSeconds / probePeriod) },
                        // Endpoints and the gateway's proxies drop the pod before it is told to stop.
                        lifecycle: { preStop: { sleep: { seconds: 5 } } },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            runAsNonRoot: true,
                            capabilities: { drop: ["ALL"] },
                        },
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    },
                ],
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }],
            },
        },
    };
}

/** Istio's CorsPolicy of `cors` (https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy). */
function corsPolicy(cors: Cors): Record<string, unknown> {
    return {
        allowOrigins: cors.allowOrigins.map((origin) => ({ exact: origin })),
        allowMethods: [...cors.allowMethods],
        allowHeaders: [...cors.allowHeaders],
        ...(cors.exposeHeaders.length > 0 ? { exposeHeaders: [...cors.exposeHeaders] } : {}),
        maxAge: `${cors.maxAgeSeconds}s`,
        allowCredentials: cors.allowCredentials,
        // A preflight from an origin not listed gets no CORS headers and is not forwarded: no token-less OPTIONS reaches the app.
        unmatchedPreflights: "IGNORE",
    };
}

/**
 * The VirtualService: two HTTP routes to the service. First, a POST or PATCH without a non-empty
 * `idempotency-key` header: never retried (`attempts: 0` also turns off Istio's default retries,
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry). Istio
 * makes a `withoutHeaders` value match Envoy's inverted match with treat_missing_header_as_empty
 * (istio/istio pilot/pkg/networking/core/route/route.go, TranslateRouteMatch), so `regex: ".+"`
 * there matches a request whose header is absent or empty. Then everything else, retried on the
 * configured conditions (none that repeats a request the service answered).
 */
export function virtualServiceSpec(spec: Pick<WorkloadSpec, "port" | "hosts" | "cors" | "retries">, host: string, gateway: string): Record<string, unknown> {
    const route = [{ destination: { host, port: { number: spec.port } } }];
    const cors = spec.cors ? { corsPolicy: corsPolicy(spec.cors) } : {};
    const { attempts, perTryTimeout, retryOn } = spec.retries;
    return {
        hosts: [...spec.hosts],
        gateways: [gateway],
        http: [
            {
                name: "not-idempotent",
                match: NON_IDEMPOTENT_METHODS.map((method) => ({ method: { exact: method }, withoutHeaders: { [IDEMPOTENCY_HEADER]: { regex: ".+" } } })),
                route,
                retries: { attempts: 0 },
                ...cors,
            },
            {
                name: "default",
                route,
                retries: attempts > 0 ? { attempts, perTryTimeout, retryOn: retryOn.join(",") } : { attempts: 0 },
                ...cors,
            },
        ],
    };
}

/** The DestinationRule: callers' connection pool, outlier detection, Istio mTLS (https://istio.io/latest/docs/reference/config/networking/destination-rule/). */
export function destinationRuleSpec(spec: Pick<WorkloadSpec, "circuitBreaker">, host: string): Record<string, unknown> {
    const b = spec.circuitBreaker;
    return {
        host,
        trafficPolicy: {
            connectionPool: { tcp: { maxConnections: b.maxConnections }, http: { http1MaxPendingRequests: b.maxPendingRequests } },
            outlierDetection: { consecutive5xxErrors: b.consecutive5xxErrors, interval: b.interval, baseEjectionTime: b.baseEjectionTime, maxEjectionPercent: b.maxEjectionPercent },
            tls: { mode: "ISTIO_MUTUAL" },
        },
    };
}

/** Every rule the arguments must satisfy; throws before any resource exists. */
export function meshWorkloadProblems(args: MeshWorkloadArgs): Problem[] {
    const problems = workloadProblems(args.key, resolved(args), args.naming);
    const environment = args.environment ?? {};
    const secrets = args.secrets ?? {};
    problems.push(...nest(["environment"], environmentProblems(environment)));
    problems.push(...nest(["secrets"], secretProblems(secrets, environment)));
    for (const variable of Object.keys(environment).filter((v) => (PLATFORM_VARIABLES as readonly string[]).includes(v))) {
        problems.push({ path: ["environment", variable], message: `${JSON.stringify(variable)} is set by the platform itself; choose another name` });
    }
    for (const variable of Object.keys(secrets)) {
        for (const derived of secretVariableNames(variable).filter((n) => n in environment)) {
            problems.push({ path: ["environment", derived], message: `${JSON.stringify(derived)} is also made from secrets.${variable}; a variable comes from one place` });
        }
    }
    if (args.mesh.gateway.split("/").length !== 2) {
        problems.push({ path: ["mesh", "gateway"], message: `${JSON.stringify(args.mesh.gateway)} is not <namespace>/<name> of a Gateway` });
    }
    return problems;
}
