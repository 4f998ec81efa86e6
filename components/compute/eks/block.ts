/**
 * The EKS block (`platform:eks`): one Amazon EKS cluster (EksCluster) in the private subnets of
 * platform:network, its managed node group, its add-ons, and what the Kubernetes blocks built
 * after it use (contract.ts, BuiltEks): the Kubernetes provider and pod identities.
 *
 * It declares the `eks-nodes` security group (the nodes' and, with the VPC CNI, their pods'):
 * HTTPS out here; the flows to the stores the workloads connect to, and from the ALB, are declared
 * by the blocks that need them. Node ↔ node and control plane ↔ node traffic go through the
 * cluster security group EKS creates (it admits all traffic among its members), which the launch
 * template puts on every node beside `eks-nodes`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LogRetentionDays, logRetentionProblem } from "../../../lib/aws-limits";
import { parseCidr } from "../../../lib/cidr";
import { Path, Problem, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, PerEnv, configKey, defineBlock, singleKey } from "../../../stacks/block";
import { INTERNET } from "../../network/security-groups/matrix";
import { networkBlock } from "../../network/vpc/block";
import { EKS_THRESHOLDS, eksAlarms } from "./alarms";
import { INSTANCE_TYPES, NODE_GROUP_MAX_NODES, ROOT_VOLUME_GIB, addressShortfall, addressesPerNode, maxPods, updateSurge } from "./capacity";
import { CAPACITY_TYPES, EksCluster, MAX_UNAVAILABLE, SUPPORT_TYPES, roleNameProblem } from "./eks-cluster";
import { ADDONS, AddonName, DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, VERSIONS_CHECKED, daysBetween, supportOn, versionsIn } from "./versions";

/** The security group of the nodes and their pods. */
export const EKS_NODES_GROUP = "eks-nodes";

/** prod keeps the cluster from deletion until the key is turned off (as its databases). */
export const DELETION_PROTECTION: PerEnv<boolean> = { dev: false, prod: true };

/** Days before the end of a version's standard support from which every preview warns. */
export const SUPPORT_WARNING_DAYS = 90;

function eksSchema(env: keyof typeof DELETION_PROTECTION, logRetentionDays: LogRetentionDays) {
    return z
        .strictObject({
            version: z
                .string()
                .default(DEFAULT_KUBERNETES_VERSION)
                .describe(
                    `Kubernetes version, in standard support on EKS (the table in components/compute/eks/versions.ts, checked ${VERSIONS_CHECKED}: ${versionsIn("standard").join(", ")}). Upgrading is one minor version at a time.`,
                ),
            supportType: z
                .enum(SUPPORT_TYPES)
                .default("STANDARD")
                .describe(
                    "At the end of standard support: `STANDARD` upgrades the control plane to the next version; `EXTENDED` keeps it, at the extended support premium per cluster hour (the API's own default). `EXTENDED` needs extendedSupportReason.",
                ),
            extendedSupportReason: z.string().optional().describe("Why the cluster pays for extended support (supportType: EXTENDED); every preview prints it. Only with EXTENDED."),
            endpoint: z
                .strictObject({
                    publicAccess: z
                        .boolean()
                        .default(false)
                        .describe(
                            "Open the API server's endpoint to publicAccessCidrs besides the VPC. The Kubernetes provider runs where `pulumi up` runs: without public access, that machine must be in the VPC (or connected to it).",
                        ),
                    publicAccessCidrs: z.array(z.string()).default([]).describe("The IPv4 networks that may reach the public endpoint (your office, the CI runners' egress). Required with publicAccess."),
                    publicAccessReason: z
                        .string()
                        .optional()
                        .describe("Why the endpoint is open to the whole internet (`0.0.0.0/0` in publicAccessCidrs); prod refuses it without one. Every request still needs IAM authentication and an access entry."),
                })
                .prefault({})
                .describe("The API server's endpoint: private in the VPC always, public only to the networks listed."),
            access: z
                .strictObject({
                    deployer: z
                        .string()
                        .describe(
                            "The IAM role (name, in this account) that runs `pulumi up`, e.g. the account stack's CI deploy role `account-prod-github-deploy`: cluster admin, and nothing Kubernetes is created before its access is.",
                        ),
                    admins: z.array(z.string()).default([]).describe("IAM roles (names, in this account) with cluster admin (AmazonEKSClusterAdminPolicy). Default: none."),
                    viewers: z.array(z.string()).default([]).describe("IAM roles (names, in this account) that may read the cluster (AmazonEKSViewPolicy). Default: none."),
                })
                .describe("Who may use the cluster: access entries (authentication mode API; the creator gets no implicit access)."),
            nodes: z
                .strictObject({
                    instanceTypes: z
                        .array(z.string())
                        .default(["m5.large"])
                        .describe(`EC2 instance types of the managed node group, one architecture (arm64 types get the AL2023 ARM AMI): ${Object.keys(INSTANCE_TYPES).join(", ")}.`),
                    minSize: z.number().int().default(3).describe("Fewest nodes."),
                    desiredSize: z.number().int().default(3).describe("Nodes to run (between minSize and maxSize)."),
                    maxSize: z.number().int().default(5).describe(`Most nodes (at most ${NODE_GROUP_MAX_NODES}); the private subnets must have addresses for them and their pods.`),
                    capacityType: z.enum(CAPACITY_TYPES).default("ON_DEMAND").describe("`ON_DEMAND`, or `SPOT` (refused in prod: Spot nodes are reclaimed at two minutes' notice)."),
                    rootVolumeGiB: z.number().int().default(ROOT_VOLUME_GIB.default).describe(`Encrypted gp3 root volume of each node, ${ROOT_VOLUME_GIB.min}–${ROOT_VOLUME_GIB.max} GiB.`),
                })
                .prefault({})
                .describe("The managed node group (Amazon Linux 2023) in the private subnets."),
            addonVersions: z
                .record(z.string(), z.string())
                .default({})
                .describe("Add-on versions (`v1.19.2-eksbuild.1`) over the pinned ones of the table for the cluster's version; an add-on in neither gets EKS's default version. Default: none."),
            logRetentionDays: z.number().int().default(logRetentionDays).describe("Days the control plane's and Container Insights' log groups keep events. Default: `platform:logs.retentionDays`."),
            deletionProtection: z.boolean().default(DELETION_PROTECTION[env]).describe("EKS refuses to delete the cluster while it is on (turn it off first to destroy the stack)."),
        })
        .describe("An EKS cluster (Kubernetes) with a managed node group and add-ons, for the Kubernetes blocks.");
}

export type EksConfig = z.output<ReturnType<typeof eksSchema>>;

/** The private subnets of the network config, parsed (invalid ones are the network's to report). */
function privateSubnets(view: ConfigView) {
    const network = view.config(networkBlock);
    return (network?.subnets.private ?? []).flatMap((s) => {
        const parsed = parseCidr(s.cidr);
        return parsed.ok ? [{ az: s.az, cidr: parsed.cidr, text: s.cidr }] : [];
    });
}

export function eksProblems(eks: EksConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    const at = (...path: Path): Path => ["eks", ...path];
    const standard = versionsIn("standard");
    const choices = standard.join(" or ");

    // Version and support.
    const known = KUBERNETES_VERSIONS[eks.version];
    const support = supportOn(eks.version);
    if (!known) {
        problems.push({
            path: at("version"),
            message: `${showValue(eks.version)} is not in the table of EKS versions (checked ${VERSIONS_CHECKED}: ${Object.keys(KUBERNETES_VERSIONS).join(", ")}); use ${choices}, or add its row from AWS's release calendar`,
        });
    } else if (support === undefined) {
        problems.push({ path: at("version"), message: `${showValue(eks.version)} is out of support (extended support ended on ${known.endOfExtendedSupport}); EKS creates no cluster on it: use ${choices}` });
    } else if (support === "extended" && eks.supportType === "STANDARD") {
        problems.push({
            path: at("version"),
            message: `${showValue(eks.version)} left standard support on ${known.endOfStandardSupport}; use ${choices}, or set supportType: EXTENDED with extendedSupportReason (a premium per cluster hour)`,
        });
    }
    const reason = eks.extendedSupportReason;
    if (reason !== undefined && reason.trim() === "") {
        problems.push({ path: at("extendedSupportReason"), message: "is empty; say why the cluster pays for extended support, or remove it" });
    } else if (reason !== undefined && eks.supportType !== "EXTENDED") {
        problems.push({ path: at("extendedSupportReason"), message: `is set, but supportType is ${showValue(eks.supportType)}; it explains EXTENDED only, so remove it` });
    } else if (reason === undefined && eks.supportType === "EXTENDED") {
        problems.push({
            path: at("supportType"),
            message: `"EXTENDED" needs extendedSupportReason: past standard support the cluster stays on its version at the extended support premium per cluster hour; use STANDARD, or state why in platform:eks.extendedSupportReason`,
        });
    }

    // The endpoint.
    const { publicAccess, publicAccessCidrs, publicAccessReason } = eks.endpoint;
    if (publicAccess && publicAccessCidrs.length === 0) {
        problems.push({
            path: at("endpoint", "publicAccessCidrs"),
            message: `is empty, but publicAccess is true; list the networks that may reach the API server (your office, the CI runners' egress), or "${INTERNET}" with publicAccessReason`,
        });
    }
    if (!publicAccess && publicAccessCidrs.length > 0) {
        problems.push({ path: at("endpoint", "publicAccessCidrs"), message: "is set, but publicAccess is false; set publicAccess: true, or remove it" });
    }
    publicAccessCidrs.forEach((cidr, i) => {
        const parsed = parseCidr(cidr);
        if (!parsed.ok) {
            problems.push({ path: at("endpoint", "publicAccessCidrs", i), message: `${showValue(cidr)} ${parsed.reason}` });
        }
    });
    const openToAll = publicAccess && publicAccessCidrs.includes(INTERNET);
    if (publicAccessReason !== undefined && publicAccessReason.trim() === "") {
        problems.push({ path: at("endpoint", "publicAccessReason"), message: "is empty; say why the API server is open to the internet, or remove it" });
    } else if (publicAccessReason !== undefined && !openToAll) {
        problems.push({ path: at("endpoint", "publicAccessReason"), message: `is set, but the endpoint is not open to "${INTERNET}"; it explains that only, so remove it` });
    } else if (openToAll && publicAccessReason === undefined && view.stack.env === "prod") {
        problems.push({
            path: at("endpoint", "publicAccessCidrs", publicAccessCidrs.indexOf(INTERNET)),
            message: `"${INTERNET}" opens the API server's endpoint to the whole internet; prod refuses it without publicAccessReason: list your networks, or state why in platform:eks.endpoint.publicAccessReason`,
        });
    }

    // Access entries.
    const seen = new Map<string, string>();
    const roles: Array<[Path, string]> = [
        [at("access", "deployer"), eks.access.deployer],
        ...eks.access.admins.map((r, i): [Path, string] => [at("access", "admins", i), r]),
        ...eks.access.viewers.map((r, i): [Path, string] => [at("access", "viewers", i), r]),
    ];
    for (const [path, role] of roles) {
        const problem = roleNameProblem(role);
        const where = configKey(path);
        if (problem) {
            problems.push({ path, message: problem });
        } else if (seen.has(role)) {
            problems.push({ path, message: `${showValue(role)} is also at ${seen.get(role)}; a role has one access entry` });
        } else {
            seen.set(role, where);
        }
    }

    // Nodes.
    const nodes = eks.nodes;
    if (nodes.instanceTypes.length === 0) {
        problems.push({ path: at("nodes", "instanceTypes"), message: "is empty; name at least one instance type" });
    }
    nodes.instanceTypes.forEach((type, i) => {
        if (!(type in INSTANCE_TYPES)) {
            problems.push({
                path: at("nodes", "instanceTypes", i),
                message: `${showValue(type)} is not in the table of node instance types (their network interfaces fix the pods per node): use ${Object.keys(INSTANCE_TYPES).join(", ")}, or add its row to components/compute/eks/capacity.ts`,
            });
        }
    });
    const knownTypes = nodes.instanceTypes.filter((t) => t in INSTANCE_TYPES);
    const architectures = [...new Set(knownTypes.map((t) => INSTANCE_TYPES[t].architecture))];
    if (architectures.length > 1) {
        const example = (arch: string) => knownTypes.find((t) => INSTANCE_TYPES[t].architecture === arch);
        problems.push({
            path: at("nodes", "instanceTypes"),
            message: `mixes ${architectures.map((a) => `${a} (${example(a)})`).join(" and ")}; a node group runs one AMI type: use one architecture`,
        });
    }
    if (nodes.minSize < 0) {
        problems.push({ path: at("nodes", "minSize"), message: `${nodes.minSize} is below 0` });
    }
    if (nodes.maxSize < 1 || nodes.maxSize > NODE_GROUP_MAX_NODES) {
        problems.push({ path: at("nodes", "maxSize"), message: `${nodes.maxSize} is out of range; a managed node group has 1 to ${NODE_GROUP_MAX_NODES} nodes at most` });
    }
    if (nodes.minSize > nodes.maxSize) {
        problems.push({ path: at("nodes", "minSize"), message: `${nodes.minSize} is above maxSize ${nodes.maxSize}` });
    } else if (nodes.desiredSize < nodes.minSize || nodes.desiredSize > nodes.maxSize) {
        problems.push({ path: at("nodes", "desiredSize"), message: `${nodes.desiredSize} is outside minSize–maxSize (${nodes.minSize}–${nodes.maxSize})` });
    }
    if (nodes.capacityType === "SPOT" && view.stack.env === "prod") {
        problems.push({ path: at("nodes", "capacityType"), message: `"SPOT" is not allowed in prod; Spot nodes are reclaimed at two minutes' notice, with their pods: use ON_DEMAND` });
    }
    if (nodes.rootVolumeGiB < ROOT_VOLUME_GIB.min || nodes.rootVolumeGiB > ROOT_VOLUME_GIB.max) {
        problems.push({
            path: at("nodes", "rootVolumeGiB"),
            message: `${nodes.rootVolumeGiB} is out of range; use ${ROOT_VOLUME_GIB.min} (the AMI's own snapshot) to ${ROOT_VOLUME_GIB.max} GiB (gp3's largest)`,
        });
    }

    // The network: two AZs (EKS's requirement for the control plane's interfaces), and addresses for the pods.
    const subnets = privateSubnets(view);
    const azs = [...new Set(subnets.map((s) => s.az))];
    if (view.config(networkBlock) && azs.length < 2) {
        problems.push({
            path: at(),
            message: `needs platform:network's private subnets in at least two AZs (EKS places its control plane's interfaces in two AZs at least); they span ${azs.length > 0 ? azs.map(showValue).join(", ") : "none"}`,
        });
    } else if (knownTypes.length > 0 && nodes.maxSize >= 1 && nodes.maxSize <= NODE_GROUP_MAX_NODES) {
        const widest = knownTypes.reduce((a, b) => (addressesPerNode(INSTANCE_TYPES[b]) > addressesPerNode(INSTANCE_TYPES[a]) ? b : a));
        const perNode = addressesPerNode(INSTANCE_TYPES[widest]);
        const interfaceEndpoints = view.config(networkBlock)?.interfaceEndpoints.length ?? 0;
        const shortfall = addressShortfall({ maxNodes: nodes.maxSize, maxUnavailable: MAX_UNAVAILABLE, addressesPerNode: perNode, subnets, interfaceEndpoints });
        if (shortfall) {
            const type = INSTANCE_TYPES[widest];
            problems.push({
                path: at("nodes", "maxSize"),
                message:
                    `${nodes.maxSize} nodes, and up to ${updateSurge(azs.length, MAX_UNAVAILABLE)} more while an update replaces them, need ${shortfall.needed} addresses in each private subnet ` +
                    `(${shortfall.nodesPerSubnet} nodes per AZ × ${perNode}: each ${widest} holds ${type.enis} interfaces × ${type.ipv4PerEni} addresses at its ${maxPods(type)} pods); ` +
                    `${showValue(shortfall.subnet)} in ${showValue(shortfall.az)} has ${shortfall.free} free: lower maxSize, or give the private subnets larger blocks`,
            });
        }
    }

    for (const addon of Object.keys(eks.addonVersions)) {
        if (!(ADDONS as readonly string[]).includes(addon)) {
            problems.push({ path: at("addonVersions", addon), message: `${showValue(addon)} is not an add-on of this block; it installs ${ADDONS.join(", ")}` });
        }
    }

    const retention = logRetentionProblem(eks.logRetentionDays);
    if (retention && eks.logRetentionDays !== view.stack.logRetentionDays) {
        problems.push({ path: at("logRetentionDays"), message: retention });
    }
    return problems;
}

export const eksBlock = defineBlock({
    name: "eks",
    keys: ["eks"],
    requires: [networkBlock],
    schema: (stack) => singleKey("eks", eksSchema(stack.env, stack.logRetentionDays)),
    thresholds: EKS_THRESHOLDS,

    rules: (eks: EksConfig, view): Problem[] => eksProblems(eks, view),

    securityGroups: () => ({
        groups: [{ name: EKS_NODES_GROUP, description: "EKS nodes and pods" }],
        flows: [{ from: { group: EKS_NODES_GROUP }, to: { cidr: INTERNET }, port: 443, why: "HTTPS out: images, AWS APIs" }],
    }),

    build(eks: EksConfig, ctx: BuildContext): EksCluster {
        const network = ctx.need(networkBlock);
        const { naming, tags } = ctx.stack;
        if (eks.extendedSupportReason !== undefined) {
            pulumi.log.warn(`platform:eks.extendedSupportReason: the cluster stays on Kubernetes ${eks.version} past standard support, at the extended support premium: ${JSON.stringify(eks.extendedSupportReason)}`);
        }
        if (eks.endpoint.publicAccessReason !== undefined) {
            pulumi.log.warn(`platform:eks.endpoint.publicAccessReason: the API server's endpoint is open to the internet: ${JSON.stringify(eks.endpoint.publicAccessReason)}`);
        }
        const known = KUBERNETES_VERSIONS[eks.version];
        const left = known ? daysBetween(VERSIONS_CHECKED, known.endOfStandardSupport) : Infinity;
        if (left >= 0 && left <= SUPPORT_WARNING_DAYS) {
            pulumi.log.warn(
                `platform:eks.version: Kubernetes ${eks.version} leaves standard support on ${known!.endOfStandardSupport}` +
                    (eks.supportType === "STANDARD" ? "; EKS then upgrades the control plane by itself: upgrade first" : "; extended support is billed from then") +
                    ` (${versionsIn("standard")[0]} is the newest)`,
            );
        }
        return new EksCluster("eks", {
            naming,
            tags,
            version: eks.version,
            supportType: eks.supportType,
            subnetIds: network.privateSubnetIds,
            publicAccessCidrs: eks.endpoint.publicAccess ? eks.endpoint.publicAccessCidrs : [],
            nodeSecurityGroupId: ctx.securityGroupId(EKS_NODES_GROUP),
            access: eks.access,
            nodes: eks.nodes,
            addonVersions: eks.addonVersions as Partial<Record<AddonName, string>>,
            logRetentionDays: eks.logRetentionDays as LogRetentionDays,
            deletionProtection: eks.deletionProtection,
        });
    },

    outputs: (cluster: EksCluster) => ({
        eksClusterName: cluster.clusterName,
        eksClusterEndpoint: cluster.endpoint,
        eksKubeconfigCommand: cluster.kubeconfigCommand,
        eksNodeGroupName: cluster.nodeGroupName,
    }),

    alarms: (cluster: EksCluster, _config, thresholds) => ({
        rank: 12,
        title: "EKS",
        specs: eksAlarms(cluster.clusterName, thresholds),
    }),
});
