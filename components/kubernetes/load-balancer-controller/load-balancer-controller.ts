/**
 * LoadBalancerController — the AWS Load Balancer Controller in an EKS cluster: the Helm release
 * `aws-load-balancer-controller` of the chart of the same name (Amazon EKS charts), in
 * kube-system, created with the cluster's Kubernetes provider once the cluster can run it.
 *
 * In system C it reconciles the TargetGroupBinding that registers the Istio ingress gateway's pods
 * in the ALB's external target group. It is told the cluster, region and VPC (its pods cannot
 * reach the instance metadata service: the nodes' hop limit is 1), creates its service account
 * (`aws-load-balancer-controller`, whose role comes through EKS Pod Identity), runs two replicas
 * with a disruption budget, and does not make itself the default for Services of type
 * LoadBalancer (no NLB appears because a chart asked for a LoadBalancer Service).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem, showValue } from "../../../lib/problems";
import { kubernetesSdk } from "../../compute/eks/contract";
import { CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT } from "./iam-policy";
import { CHART_NAME, CHART_REPOSITORY, CHART_VERSIONS, DEFAULT_CHART_VERSION } from "./versions";

/** Requests and limits of the controller's container (Kubernetes quantities). */
export interface ControllerResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly memory: string };
}

/**
 * The chart's values this program sets (helm/aws-load-balancer-controller/values.yaml at the
 * chart's version); every other value is the chart's default.
 */
export interface LoadBalancerControllerValues {
    /** The EKS cluster's name (required by the chart). */
    readonly clusterName: pulumi.Input<string>;
    /** The AWS region: given, not discovered through IMDS. */
    readonly region: string;
    /** The VPC: given, not discovered through IMDS (unreachable from pods with a hop limit of 1). */
    readonly vpcId: pulumi.Input<string>;
    readonly replicaCount: number;
    /** The chart creates the service account; Pod Identity needs no annotation on it. */
    readonly serviceAccount: { readonly create: true; readonly name: string };
    /** Off: the controller does not become the default for every new Service of type LoadBalancer. */
    readonly enableServiceMutatorWebhook: false;
    /** Reuse the webhook's TLS secret on upgrades instead of issuing a new one each time. */
    readonly keepTLSSecret: true;
    readonly resources: ControllerResources;
    /** With more than one replica (the chart creates it only then); absent, the chart's `{}`. */
    readonly podDisruptionBudget?: { readonly maxUnavailable: 1 };
    /**
     * The role the pods get through EKS Pod Identity, by ARN: informational on the pods, and it
     * makes the release wait for the pod identity association (the ARN resolves once it exists),
     * since credentials are handed to a pod when it starts.
     */
    readonly podAnnotations: { readonly [POD_IDENTITY_ROLE_ANNOTATION]: pulumi.Input<string> };
}

/** The pod annotation naming the role the controller's pods get. */
export const POD_IDENTITY_ROLE_ANNOTATION = "platform/pod-identity-role-arn";

/** The Helm release's name: the chart names its Deployment, Service and webhooks after it. */
export const RELEASE_NAME = "aws-load-balancer-controller";

/** What a controller gets when config does not say. */
export const CONTROLLER_DEFAULTS = {
    replicas: 2,
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
} as const satisfies { replicas: number; resources: ControllerResources };

export interface LoadBalancerControllerArgs extends ComponentBaseArgs {
    /** The cluster's name. */
    clusterName: pulumi.Input<string>;
    /** The stack's AWS region. */
    region: string;
    vpcId: pulumi.Input<string>;
    /** The cluster's Kubernetes provider: the release is created with it. */
    provider: k8s.Provider;
    /** What the release waits for besides the provider (the node group). @default none */
    dependsOn?: readonly pulumi.Resource[];
    /** The ARN of the role its service account gets through EKS Pod Identity (resolving once the association exists). */
    podIdentityRoleArn: pulumi.Input<string>;
    /** A chart version of CHART_VERSIONS. @default DEFAULT_CHART_VERSION */
    chartVersion?: string;
    /** @default 2 */
    replicas?: number;
    /** @default CONTROLLER_DEFAULTS.resources */
    resources?: ControllerResources;
}

/** The chart's values for these arguments. */
export function controllerValues(args: LoadBalancerControllerArgs): LoadBalancerControllerValues {
    const replicas = args.replicas ?? CONTROLLER_DEFAULTS.replicas;
    return {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: replicas,
        serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT },
        enableServiceMutatorWebhook: false,
        keepTLSSecret: true,
        resources: args.resources ?? CONTROLLER_DEFAULTS.resources,
        ...(replicas > 1 ? { podDisruptionBudget: { maxUnavailable: 1 } as const } : {}),
        podAnnotations: { [POD_IDENTITY_ROLE_ANNOTATION]: args.podIdentityRoleArn },
    };
}

/** CPU: millicores (`100m`) or cores (`0.5`, `1`). Memory: a whole number of Mi or Gi. */
const CPU_QUANTITY = /^(?:[1-9]\d*m|\d+(?:\.\d+)?)$/;
const MEMORY_QUANTITY = /^([1-9]\d*)(Mi|Gi)$/;

/** A memory quantity in MiB, or undefined when it is not one this program takes. */
export function memoryMib(quantity: string): number | undefined {
    const match = MEMORY_QUANTITY.exec(quantity);
    return match ? Number(match[1]) * (match[2] === "Gi" ? 1024 : 1) : undefined;
}

/** The resources' rules: quantities Kubernetes takes, and a memory limit no lower than the request. Paths relative to `resources`. */
export function resourcesProblems(resources: ControllerResources): Problem[] {
    const problems: Problem[] = [];
    const cpu = resources.requests.cpu;
    if (!CPU_QUANTITY.test(cpu) || Number(cpu.replace(/m$/, "")) === 0) {
        problems.push({ path: ["requests", "cpu"], message: `${showValue(cpu)} is not a CPU quantity; use millicores ("100m") or cores ("0.5")` });
    }
    const memory = { request: memoryMib(resources.requests.memory), limit: memoryMib(resources.limits.memory) };
    for (const [path, value] of [
        [["requests", "memory"], resources.requests.memory],
        [["limits", "memory"], resources.limits.memory],
    ] as const) {
        if (memoryMib(value) === undefined) {
            problems.push({ path: [...path], message: `${showValue(value)} is not a memory quantity; use whole Mi or Gi ("256Mi", "1Gi")` });
        }
    }
    if (memory.request !== undefined && memory.limit !== undefined && memory.limit < memory.request) {
        problems.push({ path: ["limits", "memory"], message: `${showValue(resources.limits.memory)} is below requests.memory (${showValue(resources.requests.memory)}); a limit is at least the request` });
    }
    return problems;
}

/** Every rule the arguments must satisfy. */
export function loadBalancerControllerProblems(args: LoadBalancerControllerArgs): Problem[] {
    const problems: Problem[] = [];
    const version = args.chartVersion ?? DEFAULT_CHART_VERSION;
    if (CHART_VERSIONS[version] === undefined) {
        problems.push({ path: ["chartVersion"], message: chartVersionProblem(version) });
    }
    const replicas = args.replicas ?? CONTROLLER_DEFAULTS.replicas;
    if (!Number.isInteger(replicas) || replicas < 1) {
        problems.push({ path: ["replicas"], message: `${replicas} is not a replica count; run 1 or more (2 in prod)` });
    }
    if (args.resources) {
        problems.push(...resourcesProblems(args.resources).map((p) => ({ path: ["resources", ...p.path], message: p.message })));
    }
    return problems;
}

/** Why a chart version is refused: it is not in the table (block and component say the same). */
export function chartVersionProblem(version: string): string {
    return `${showValue(version)} is not a chart version this program pins; use ${Object.keys(CHART_VERSIONS).map(showValue).join(" or ")} (components/kubernetes/load-balancer-controller/versions.ts: each with the controller version it ships and that version's IAM policy)`;
}

export class LoadBalancerController extends PlatformComponent {
    /** The Helm release: what a TargetGroupBinding (its CRD, its webhook) waits for. */
    public readonly release: k8s.helm.v3.Release;
    public readonly chartVersion: string;
    /** The controller version the chart ships. */
    public readonly controllerVersion: string;
    public readonly namespace: string;
    public readonly serviceAccount: string;
    /** The values given to the chart. */
    public readonly values: LoadBalancerControllerValues;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:kubernetes:LoadBalancerController", name, { ...args, component: "load-balancer-controller", problems: loadBalancerControllerProblems(args) }, opts);
        const k8sSdk = kubernetesSdk();
        this.chartVersion = args.chartVersion ?? DEFAULT_CHART_VERSION;
        this.controllerVersion = CHART_VERSIONS[this.chartVersion].controllerVersion;
        this.namespace = CONTROLLER_NAMESPACE;
        this.serviceAccount = CONTROLLER_SERVICE_ACCOUNT;
        this.values = controllerValues(args);
        this.release = new k8sSdk.helm.v3.Release(
            `${name}-release`,
            {
                name: RELEASE_NAME,
                chart: CHART_NAME,
                version: this.chartVersion,
                repositoryOpts: { repo: CHART_REPOSITORY },
                namespace: CONTROLLER_NAMESPACE,
                // kube-system exists in every cluster.
                createNamespace: false,
                values: this.values,
                // Roll a failed install or upgrade back rather than leave half a controller.
                atomic: true,
                cleanupOnFail: true,
                timeout: 600,
                maxHistory: 10,
            },
            { parent: this, provider: args.provider, dependsOn: [...(args.dependsOn ?? [])] },
        );
        this.registerOutputs({ chartVersion: this.chartVersion, controllerVersion: this.controllerVersion, namespace: this.namespace, releaseStatus: this.release.status });
    }
}
