/**
 * What the workloads ask of the node group, as pure data: Kubernetes quantities (`250m`, `512Mi`)
 * read into millicores and MiB, the allocatable CPU, memory and pods of the node types the
 * platform knows (with where each number comes from), the system pods every node and the cluster
 * run beside the workloads, and the rule that the workloads at their autoscalers' maxima fit the
 * node group at its maximum size.
 */
import { Path, Problem, showValue } from "../../../lib/problems";
import { INSTANCE_TYPES, maxPods } from "../../compute/eks/capacity";

/** CPU as Kubernetes writes it: `250m` (millicores) or `0.5`, `1`, `2` (cores, up to 3 decimals). */
const CPU_QUANTITY = /^(?:(\d+)m|(\d+(?:\.\d{1,3})?))$/;
/** Memory as the platform takes it: a whole number of MiB or GiB (`512Mi`, `1Gi`). */
const MEMORY_QUANTITY = /^(\d+)(Mi|Gi)$/;

/** Millicores of a CPU quantity, or undefined when it is not one. */
export function cpuMillis(quantity: string): number | undefined {
    const match = CPU_QUANTITY.exec(quantity);
    if (!match) {
        return undefined;
    }
    return match[1] !== undefined ? Number(match[1]) : Math.round(Number(match[2]) * 1000);
}

/** MiB of a memory quantity, or undefined when it is not one. */
export function memoryMi(quantity: string): number | undefined {
    const match = MEMORY_QUANTITY.exec(quantity);
    if (!match) {
        return undefined;
    }
    return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}

/** Why `quantity` is not a CPU quantity (or is none at all), or undefined. */
export function cpuProblem(quantity: string): string | undefined {
    const millis = cpuMillis(quantity);
    if (millis === undefined) {
        return `${showValue(quantity)} is not a CPU quantity; use millicores (\`250m\`) or cores (\`0.5\`, \`1\`)`;
    }
    if (millis < 1) {
        return `${showValue(quantity)} is no CPU at all; give at least 1m`;
    }
    return undefined;
}

/** Why `quantity` is not a memory quantity, or undefined. */
export function memoryProblem(quantity: string): string | undefined {
    const mi = memoryMi(quantity);
    if (mi === undefined) {
        return `${showValue(quantity)} is not a memory quantity; use a whole number of Mi or Gi (\`512Mi\`, \`1Gi\`)`;
    }
    if (mi < 1) {
        return `${showValue(quantity)} is no memory at all; give at least 1Mi`;
    }
    return undefined;
}

/** What one node of a type offers pods. */
export interface NodeAllocatable {
    readonly cpuMillis: number;
    readonly memoryMi: number;
    /** Pods the kubelet admits (every pod counts, host-network ones too). */
    readonly maxPods: number;
}

/**
 * vCPUs and memory capacity as the kubelet reports it (a little under the instance's nominal
 * memory) of the node types whose allocatable the capacity rule knows. m5.large: 2 vCPU, 7,683 MiB
 * (7,867,456 Ki on an EKS node: https://github.com/aws/amazon-vpc-cni-k8s/issues/148). A type
 * not listed here is not checked (the README says so): add its row with its source.
 */
export const NODE_CAPACITY: Readonly<Record<string, { readonly vcpus: number; readonly memoryMi: number }>> = {
    "m5.large": { vcpus: 2, memoryMi: 7683 },
};

/**
 * What the EKS AMI's nodeadm reserves for the kubelet and the runtime, and keeps free for
 * eviction (https://github.com/awslabs/amazon-eks-ami/blob/main/nodeadm/internal/kubelet/config.go,
 * withDefaultReservedResources and evictionHard): CPU 6% of the first core, 1% of the second,
 * 0.5% of cores 3–4, 0.25% of the others; memory 255 MiB + 11 MiB per pod the node may run;
 * eviction when 100 MiB are left.
 */
export function kubeReservedCpuMillis(vcpus: number): number {
    const share = (from: number, to: number, percent: number) => Math.max(0, Math.min(vcpus, to) - from) * 10 * percent;
    return Math.round(share(0, 1, 6) + share(1, 2, 1) + share(2, 4, 0.5) + share(4, Infinity, 0.25));
}

export function kubeReservedMemoryMi(maxPods: number): number {
    return 255 + 11 * maxPods;
}

export const EVICTION_HARD_MEMORY_MI = 100;

/** Allocatable CPU, memory and pods of one node of `instanceType` (pods: the EKS block's table), or undefined for a type without a capacity row. */
export function nodeAllocatable(instanceType: string): NodeAllocatable | undefined {
    const capacity = NODE_CAPACITY[instanceType];
    const networking = INSTANCE_TYPES[instanceType];
    if (!capacity || !networking) {
        return undefined;
    }
    const pods = maxPods(networking);
    return {
        cpuMillis: capacity.vcpus * 1000 - kubeReservedCpuMillis(capacity.vcpus),
        memoryMi: capacity.memoryMi - kubeReservedMemoryMi(pods) - EVICTION_HARD_MEMORY_MI,
        maxPods: pods,
    };
}

/** A pod the cluster runs besides the workloads: on every node (a DaemonSet), or `replicas` of it. */
export interface SystemPod {
    readonly name: string;
    /** Requests of the whole pod (all its containers). */
    readonly cpuMillis: number;
    readonly memoryMi: number;
    /** On every node (a DaemonSet), or this many in the cluster. */
    readonly replicas: number | "perNode";
}

/**
 * The pods every EKS stack of the platform runs besides its workloads: the EKS block's add-ons,
 * with their requests as the add-ons set them by default (where one sets none, nothing is
 * requested, but the pod still counts against its node's max pods). An estimate to plan with,
 * not a measurement: when an add-on's resources change, change its row.
 *
 * On every node: aws-node (VPC CNI, 25m: https://github.com/aws/amazon-vpc-cni-k8s/blob/master/charts/aws-vpc-cni/values.yaml),
 * kube-proxy (100m, the EKS add-on's manifest), eks-pod-identity-agent, ebs-csi-node (3 containers
 * × 10m / 40Mi: https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/charts/aws-ebs-csi-driver/values.yaml),
 * the CloudWatch agent (250m / 128Mi) and Fluent Bit (50m / 25Mi) of amazon-cloudwatch-observability
 * (https://github.com/aws-observability/helm-charts/blob/main/charts/amazon-cloudwatch-observability/values.yaml).
 * In the cluster: CoreDNS × 2 (100m / 70Mi), metrics-server × 2 (100m / 200Mi), the EBS CSI
 * controller × 2 (6 containers × 10m / 40Mi), the CloudWatch agent operator (100m / 64Mi, same values.yaml).
 */
export const EKS_SYSTEM_PODS: readonly SystemPod[] = [
    { name: "aws-node", cpuMillis: 25, memoryMi: 0, replicas: "perNode" },
    { name: "kube-proxy", cpuMillis: 100, memoryMi: 0, replicas: "perNode" },
    { name: "eks-pod-identity-agent", cpuMillis: 0, memoryMi: 0, replicas: "perNode" },
    { name: "ebs-csi-node", cpuMillis: 30, memoryMi: 120, replicas: "perNode" },
    { name: "cloudwatch-agent", cpuMillis: 250, memoryMi: 128, replicas: "perNode" },
    { name: "fluent-bit", cpuMillis: 50, memoryMi: 25, replicas: "perNode" },
    { name: "coredns", cpuMillis: 100, memoryMi: 70, replicas: 2 },
    { name: "metrics-server", cpuMillis: 100, memoryMi: 200, replicas: 2 },
    { name: "ebs-csi-controller", cpuMillis: 60, memoryMi: 240, replicas: 2 },
    { name: "cloudwatch-agent-operator", cpuMillis: 100, memoryMi: 64, replicas: 1 },
];

/** Requests as Kubernetes writes them, of one replica. */
export interface Requests {
    readonly cpu: string;
    readonly memory: string;
}

/** A system pod of `replicas` replicas with `requests` (as another block configures them), or none when a quantity is not one (that block's rules report it). */
export function systemPod(name: string, replicas: number | "perNode", requests: Requests): SystemPod[] {
    const cpu = cpuMillis(requests.cpu);
    const memory = memoryMi(requests.memory);
    const valid = replicas === "perNode" || (Number.isInteger(replicas) && replicas >= 0);
    return cpu === undefined || memory === undefined || !valid ? [] : [{ name, cpuMillis: cpu, memoryMi: memory, replicas }];
}

/** What the system pods take from `nodes` nodes: requests and pod count. */
export function systemDemand(nodes: number, pods: readonly SystemPod[]): { cpuMillis: number; memoryMi: number; pods: number } {
    let cpu = 0;
    let memory = 0;
    let count = 0;
    for (const pod of pods) {
        const replicas = pod.replicas === "perNode" ? nodes : pod.replicas;
        cpu += pod.cpuMillis * replicas;
        memory += pod.memoryMi * replicas;
        count += replicas;
    }
    return { cpuMillis: cpu, memoryMi: memory, pods: count };
}

/** One workload as the capacity rule sees it: its pod's requests (app + sidecar) and its most replicas. */
export interface WorkloadDemand {
    readonly key: string;
    readonly cpuMillis: number;
    readonly memoryMi: number;
    readonly maxReplicas: number;
}

/** The node group the workloads run on, as platform:eks configures it. */
export interface NodeGroupFacts {
    readonly instanceType: string;
    readonly maxNodes: number;
    /** Where the stack file sets them, for the message: `platform:eks.nodeGroup`. */
    readonly key: string;
}


/**
 * The workloads at their most replicas, with the system pods, must fit the node group at its
 * most nodes: CPU and memory requests within the nodes' allocatable, pods within their max pods.
 * Reported once at `path` (the whole `platform:workloads`), naming the sums. A node type without
 * a row in NODE_CAPACITY is not checked.
 */
export function capacityProblems(path: Path, workloads: readonly WorkloadDemand[], nodeGroup: NodeGroupFacts, systemPods: readonly SystemPod[]): Problem[] {
    const node = nodeAllocatable(nodeGroup.instanceType);
    if (!node || workloads.length === 0) {
        return [];
    }
    const system = systemDemand(nodeGroup.maxNodes, systemPods);
    const sum = (f: (w: WorkloadDemand) => number) => workloads.reduce((total, w) => total + f(w) * w.maxReplicas, 0);
    const cpu = sum((w) => w.cpuMillis) + system.cpuMillis;
    const memory = sum((w) => w.memoryMi) + system.memoryMi;
    const pods = sum(() => 1) + system.pods;
    const nodes = `${nodeGroup.maxNodes} × ${nodeGroup.instanceType} (${nodeGroup.key}'s most nodes)`;
    const fix = `raise the node group's maximum, or lower the workloads' autoscaling.max or requests`;
    const problems: Problem[] = [];
    if (cpu > node.cpuMillis * nodeGroup.maxNodes) {
        problems.push({
            path,
            message: `request ${cpu}m of CPU at their autoscalers' maxima (app + sidecar per pod, with ${system.cpuMillis}m for the system pods), but ${nodes} offer ${node.cpuMillis * nodeGroup.maxNodes}m: pods would stay Pending; ${fix}`,
        });
    }
    if (memory > node.memoryMi * nodeGroup.maxNodes) {
        problems.push({
            path,
            message: `request ${memory} MiB of memory at their autoscalers' maxima (app + sidecar per pod, with ${system.memoryMi} MiB for the system pods), but ${nodes} offer ${node.memoryMi * nodeGroup.maxNodes} MiB: pods would stay Pending; ${fix}`,
        });
    }
    if (pods > node.maxPods * nodeGroup.maxNodes) {
        problems.push({
            path,
            message: `run ${pods} pods at their autoscalers' maxima (with ${system.pods} system pods), but ${nodes} admit ${node.maxPods * nodeGroup.maxNodes} (${node.maxPods} per node, the VPC CNI's limit): ${fix}`,
        });
    }
    return problems;
}
