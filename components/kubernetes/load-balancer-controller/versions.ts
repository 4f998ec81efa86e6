/**
 * The AWS Load Balancer Controller chart versions this program installs, each with the controller
 * version it ships and the IAM policy that controller needs: data with their sources, checked by
 * the rules before anything exists.
 */

/** The Helm repository of the chart (Amazon EKS charts). */
export const CHART_REPOSITORY = "https://aws.github.io/eks-charts";
export const CHART_NAME = "aws-load-balancer-controller";

export interface ChartVersion {
    /** The controller image tag the chart deploys (`appVersion`). */
    readonly controllerVersion: string;
    /** The day the chart was published to the repository (UTC). */
    readonly released: string;
    /** Where the chart version, its controller version and its release are recorded. */
    readonly sources: readonly string[];
    /** The controller's IAM policy for this version: a file of this folder (iam_policy.json records its source). */
    readonly iamPolicyFile: string;
}

/**
 * Chart `version` and `appVersion` from the chart's Chart.yaml at the controller's tag
 * (kubernetes-sigs/aws-load-balancer-controller, helm/aws-load-balancer-controller/Chart.yaml; since
 * v3.0.0 the chart's version is the controller's without the `v`), published to the repository by
 * the aws/eks-charts release pull requests below. The IAM policy
 * (docs/install/iam_policy.json) is the same file at v3.4.2 and v3.5.0: it last changed before
 * v2.13.0. The newest first (3.4.2 is there to roll an upgrade back to); checked on CHARTS_CHECKED.
 */
export const CHART_VERSIONS: Readonly<Record<string, ChartVersion>> = {
    "3.5.0": {
        controllerVersion: "v3.5.0",
        released: "2026-08-03",
        sources: [
            "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.5.0/helm/aws-load-balancer-controller/Chart.yaml",
            "https://github.com/kubernetes-sigs/aws-load-balancer-controller/releases/tag/v3.5.0",
            "https://github.com/aws/eks-charts/pull/1354",
        ],
        iamPolicyFile: "iam_policy.json",
    },
    "3.4.2": {
        controllerVersion: "v3.4.2",
        released: "2026-07-13",
        sources: [
            "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.4.2/helm/aws-load-balancer-controller/Chart.yaml",
            "https://github.com/kubernetes-sigs/aws-load-balancer-controller/releases/tag/v3.4.2",
            "https://github.com/aws/eks-charts/pull/1347",
        ],
        iamPolicyFile: "iam_policy.json",
    },
};

/** The day CHART_VERSIONS was last checked against the controller's releases. */
export const CHARTS_CHECKED = "2026-08-17";

/** The version a stack gets when `platform:loadBalancerController.chartVersion` does not say: the newest in the table. */
export const DEFAULT_CHART_VERSION = "3.5.0";
