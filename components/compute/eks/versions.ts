/**
 * The Kubernetes versions this program creates EKS clusters with, and the add-on versions it
 * installs on each: data with their sources, checked by the rules before anything exists.
 */

/** The day the tables below were last checked against AWS's release calendar. */
export const VERSIONS_CHECKED = "2026-11-29";

export type SupportStatus = "standard" | "extended";

export interface KubernetesVersion {
    /** The day Amazon EKS released it (UTC). */
    readonly released: string;
    /** The last day of standard support (UTC); extended support runs 12 months beyond it at a premium per cluster hour. */
    readonly endOfStandardSupport: string;
    readonly endOfExtendedSupport: string;
}

/**
 * Amazon EKS Kubernetes release calendar, "Understand the Kubernetes version lifecycle on EKS":
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 * (standard support is the first 14 months after the EKS release, extended support the next 12).
 * 1.35's dates: the same calendar after its release (EKS released it on January 27, 2026; end of
 * standard support March 27, 2027), as endoflife.date/amazon-eks and AWS's own
 * aws-samples/sample-apex-skills EKS support calendar (verified 2026-04-24) record them.
 * A version whose dates could not be checked is not listed (1.36 is on EKS by now: AWS's add-on
 * tables list it; its row waits for its dates): a cluster is created only on a version whose
 * support window is known.
 */
export const KUBERNETES_VERSIONS: Readonly<Record<string, KubernetesVersion>> = {
    "1.31": { released: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    "1.32": { released: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    "1.33": { released: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    "1.34": { released: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    "1.35": { released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
};

/** The version a stack gets when `platform:eks.version` does not say: the newest in standard support on VERSIONS_CHECKED. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

/** A version's support on `day` (`YYYY-MM-DD`), or undefined when it is out of support altogether (or unknown). */
export function supportOn(version: string, day: string = VERSIONS_CHECKED): SupportStatus | undefined {
    const known = KUBERNETES_VERSIONS[version];
    if (!known || day < known.released) {
        return undefined;
    }
    if (day < known.endOfStandardSupport) {
        return "standard";
    }
    return day < known.endOfExtendedSupport ? "extended" : undefined;
}

/** The versions in `status` on VERSIONS_CHECKED, newest first. */
export function versionsIn(status: SupportStatus): string[] {
    return Object.keys(KUBERNETES_VERSIONS)
        .filter((v) => supportOn(v) === status)
        .sort((a, b) => Number(b.split(".")[1]) - Number(a.split(".")[1]));
}

/** Days from `from` to `to` (`YYYY-MM-DD`, UTC). */
export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The add-ons every cluster gets, in the order they are created. */
export const ADDONS = [
    "vpc-cni",
    "kube-proxy",
    "eks-pod-identity-agent",
    "coredns",
    "aws-ebs-csi-driver",
    "metrics-server",
    "amazon-cloudwatch-observability",
] as const;
export type AddonName = (typeof ADDONS)[number];

/**
 * Add-ons that run only once nodes exist (a Deployment reports DEGRADED without them): created
 * after the node group. The others (DaemonSets: the network plugin, kube-proxy, the pod identity
 * agent) are created before it, since a node is Ready only once its network plugin runs.
 */
export const ADDONS_AFTER_NODES: ReadonlySet<AddonName> = new Set(["coredns", "aws-ebs-csi-driver", "metrics-server", "amazon-cloudwatch-observability"]);

/**
 * Pinned add-on versions per Kubernetes version: a pinned version does not move between two
 * previews. Sources: the Amazon EKS User Guide's tables of the latest add-on version per
 * Kubernetes version, "Manage CoreDNS for DNS in Amazon EKS clusters"
 * (https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html#coredns-versions) and
 * "Manage kube-proxy in Amazon EKS clusters"
 * (https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html#kube-proxy-versions).
 * The other add-ons (and a version without a row) take EKS's default version for the cluster's
 * Kubernetes version (`aws.eks.getAddonVersion` without `mostRecent`, which moves only when AWS
 * changes its default), unless `platform:eks.addonVersions` pins them: `aws eks
 * describe-addon-versions --kubernetes-version <v> --addon-name <a>` lists what exists.
 */
export const ADDON_VERSIONS: Readonly<Record<string, Partial<Record<AddonName, string>>>> = {
    "1.34": { coredns: "v1.13.2-eksbuild.11", "kube-proxy": "v1.34.6-eksbuild.2" },
    "1.35": { coredns: "v1.14.3-eksbuild.3", "kube-proxy": "v1.35.3-eksbuild.2" },
};
