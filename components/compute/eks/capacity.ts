/**
 * How many pods a node holds and how many VPC addresses a node group needs: with the Amazon VPC
 * CNI every pod takes a VPC address (a secondary address of one of its node's network
 * interfaces), so a node group's size is bounded by its instance types' interfaces and by the
 * free addresses of the private subnets.
 */
import { Ipv4Cidr, addressCount } from "../../../lib/cidr";

export type NodeArchitecture = "x86_64" | "arm64";

export interface InstanceNetworking {
    /** Network interfaces the instance type may attach. */
    readonly enis: number;
    /** IPv4 addresses per interface (its primary one included). */
    readonly ipv4PerEni: number;
    readonly architecture: NodeArchitecture;
}

/**
 * Common node instance types: interfaces and IPv4 addresses per interface, from the Amazon EC2
 * instance types guide ("Network specifications", Maximum network interfaces / IPv4 addresses
 * per interface: https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_network and
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html). The max pods they
 * give are those of amazon-eks-ami's eni-max-pods.txt
 * (https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt):
 * m5.large 29, m5.xlarge 58, t3.medium 17. A type not listed is refused: its pod capacity would
 * be a guess (add its row from the guide).
 */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceNetworking>> = {
    "t3.medium": { enis: 3, ipv4PerEni: 6, architecture: "x86_64" },
    "t3.large": { enis: 3, ipv4PerEni: 12, architecture: "x86_64" },
    "t3.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "m5.large": { enis: 3, ipv4PerEni: 10, architecture: "x86_64" },
    "m5.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "m5.2xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "m6i.large": { enis: 3, ipv4PerEni: 10, architecture: "x86_64" },
    "m6i.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "m7i.large": { enis: 3, ipv4PerEni: 10, architecture: "x86_64" },
    "m7i.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "c5.large": { enis: 3, ipv4PerEni: 10, architecture: "x86_64" },
    "c5.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "r5.large": { enis: 3, ipv4PerEni: 10, architecture: "x86_64" },
    "r5.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "x86_64" },
    "t4g.medium": { enis: 3, ipv4PerEni: 6, architecture: "arm64" },
    "t4g.large": { enis: 3, ipv4PerEni: 12, architecture: "arm64" },
    "m6g.large": { enis: 3, ipv4PerEni: 10, architecture: "arm64" },
    "m6g.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "arm64" },
    "m7g.large": { enis: 3, ipv4PerEni: 10, architecture: "arm64" },
    "m7g.xlarge": { enis: 4, ipv4PerEni: 15, architecture: "arm64" },
};

/** The EKS-optimized Amazon Linux 2023 AMI type of each architecture (NodeGroup amiType). */
export const AL2023_AMI_TYPES: Readonly<Record<NodeArchitecture, string>> = {
    x86_64: "AL2023_x86_64_STANDARD",
    arm64: "AL2023_ARM_64_STANDARD",
};

/**
 * Pods a node may run with the VPC CNI in secondary-address mode (no prefix delegation): each
 * interface's primary address is the node's, every other one a pod's, plus the two pods on the
 * host's network (aws-node and kube-proxy), which take none:
 * `ENIs × (IPv4 per ENI − 1) + 2` (m5.large: 3 × 9 + 2 = 29). Source: eni-max-pods.txt's header.
 */
export function maxPods(type: InstanceNetworking): number {
    return type.enis * (type.ipv4PerEni - 1) + 2;
}

/**
 * The most VPC addresses one node can hold at once. The VPC CNI keeps one whole interface's
 * addresses warm beyond those its pods use (WARM_ENI_TARGET=1, its default:
 * https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md), so a node
 * takes `pods + an interface` until it has every interface attached; at its pod limit it holds
 * all of them: `ENIs × IPv4 per ENI` (m5.large: 3 × 10 = 30 addresses, its 29 pods' 27 and the
 * three interfaces' own). That ceiling is what the subnets must have room for.
 */
export function addressesPerNode(type: InstanceNetworking): number {
    return type.enis * type.ipv4PerEni;
}

/** Addresses AWS reserves in every subnet (network, router, DNS, future, broadcast): https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html */
export const SUBNET_RESERVED_ADDRESSES = 5;

/** Addresses EKS needs free in the subnets it places the control plane's interfaces in ("View Amazon EKS networking requirements for VPC and subnets": at least six): https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html */
export const CONTROL_PLANE_ADDRESSES = 6;

/** Usable addresses of a subnet. */
export function usableAddresses(cidr: Ipv4Cidr): number {
    return addressCount(cidr) - SUBNET_RESERVED_ADDRESSES;
}

/**
 * Nodes a managed node group adds while it replaces its nodes (a version or launch template
 * update): the larger of twice the number of AZs of its subnets and maxUnavailable, new nodes in
 * the AZs of those they replace, up to two per AZ ("Understand each phase of node updates", scale up phase:
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html).
 */
export function updateSurge(azCount: number, maxUnavailable: number): number {
    return Math.max(2 * azCount, maxUnavailable);
}

export interface AddressCheck {
    /** The node group's maximum size. */
    readonly maxNodes: number;
    readonly maxUnavailable: number;
    /** Addresses per node: the largest of its instance types'. */
    readonly addressesPerNode: number;
    /** The private subnets the nodes run in, by AZ. */
    readonly subnets: ReadonlyArray<{ readonly az: string; readonly cidr: Ipv4Cidr; readonly text: string }>;
    /** Interface endpoints of the network (each takes one address in one private subnet per AZ). @default 0 */
    readonly interfaceEndpoints?: number;
}

export interface AddressShortfall {
    readonly subnet: string;
    readonly az: string;
    readonly needed: number;
    readonly free: number;
    readonly nodesPerSubnet: number;
}

/**
 * The private subnet that cannot hold its share of the nodes at their address ceiling, during an
 * update (maximum size plus the update surge, spread evenly over the AZs: the Auto Scaling group
 * balances them), besides the interface endpoints and the control plane's addresses, or
 * undefined when every one can.
 */
export function addressShortfall(check: AddressCheck): AddressShortfall | undefined {
    const azs = new Set(check.subnets.map((s) => s.az)).size;
    if (azs === 0) {
        return undefined;
    }
    const nodes = check.maxNodes + updateSurge(azs, check.maxUnavailable);
    const nodesPerSubnet = Math.ceil(nodes / azs);
    const needed = nodesPerSubnet * check.addressesPerNode;
    for (const subnet of check.subnets) {
        const free = usableAddresses(subnet.cidr) - (check.interfaceEndpoints ?? 0) - CONTROL_PLANE_ADDRESSES;
        if (free < needed) {
            return { subnet: subnet.text, az: subnet.az, needed, free, nodesPerSubnet };
        }
    }
    return undefined;
}

/** gp3 root volume size, GiB: the EKS AL2023 AMI's snapshot is 20 GiB; gp3 allows up to 16 TiB (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type). */
export const ROOT_VOLUME_GIB = { min: 20, max: 16_384, default: 50 } as const;

/** Managed node group size limits: at most 450 nodes per group (https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html). */
export const NODE_GROUP_MAX_NODES = 450;
