/**
 * The load balancer controller block (`platform:loadBalancerController`): the AWS Load Balancer
 * Controller in the EKS cluster of platform:eks (LoadBalancerController), a Helm release of a
 * pinned chart version, with its IAM policy through EKS Pod Identity.
 *
 * In system C it registers the Istio ingress gateway's pods in the ALB's external target group
 * (the mesh block's TargetGroupBinding); the blocks after it wait for `release` (its CRDs and its
 * webhook) before they create a TargetGroupBinding.
 */
import { z } from "zod";
import { Problem, nest } from "../../../lib/problems";
import { BuildContext, ConfigView, defineBlock, singleKey } from "../../../stacks/block";
import { eksBlock } from "../../compute/eks/block";
import { networkBlock } from "../../network/vpc/block";
import { controllerPodIdentity, controllerPolicy } from "./iam-policy";
import { CONTROLLER_DEFAULTS, LoadBalancerController, chartVersionProblem, resourcesProblems } from "./load-balancer-controller";
import { CHARTS_CHECKED, CHART_VERSIONS, DEFAULT_CHART_VERSION } from "./versions";

/** Fewest replicas prod runs: one left while a node drains or an AZ is lost, to keep targets registered and answer the webhooks. */
export const PROD_MIN_REPLICAS = 2;

const ResourcesSchema = z
    .strictObject({
        requests: z
            .strictObject({
                cpu: z.string().default(CONTROLLER_DEFAULTS.resources.requests.cpu).describe("CPU the scheduler reserves: millicores (`100m`) or cores (`0.5`)."),
                memory: z.string().default(CONTROLLER_DEFAULTS.resources.requests.memory).describe("Memory the scheduler reserves: whole `Mi` or `Gi`."),
            })
            .prefault({})
            .describe("What each replica is guaranteed."),
        limits: z
            .strictObject({
                memory: z.string().default(CONTROLLER_DEFAULTS.resources.limits.memory).describe("Memory above which the container is killed, at least requests.memory: whole `Mi` or `Gi`. No CPU limit (it would only throttle reconciles)."),
            })
            .prefault({})
            .describe("What each replica may use at most."),
    })
    .prefault({})
    .describe("The controller container's requests and limits.");

const ControllerSchema = z
    .strictObject({
        chartVersion: z
            .string()
            .default(DEFAULT_CHART_VERSION)
            .describe(
                `Chart version of \`aws-load-balancer-controller\` (https://aws.github.io/eks-charts), one of the table in components/kubernetes/load-balancer-controller/versions.ts (checked ${CHARTS_CHECKED}: ${Object.entries(CHART_VERSIONS)
                    .map(([chart, v]) => `${chart} ships ${v.controllerVersion}`)
                    .join(", ")}), each with that controller's IAM policy.`,
            ),
        replicas: z.number().default(CONTROLLER_DEFAULTS.replicas).describe(`Controller replicas (one leader, the others standing by and serving the webhooks), at least 1; prod at least ${PROD_MIN_REPLICAS}.`),
        resources: ResourcesSchema,
    })
    .describe("The AWS Load Balancer Controller in the EKS cluster (Helm, kube-system, EKS Pod Identity): it registers pods in the ALB's external target group (TargetGroupBinding).");

export type LoadBalancerControllerConfig = z.output<typeof ControllerSchema>;

export function loadBalancerControllerProblems(config: LoadBalancerControllerConfig, view: ConfigView): Problem[] {
    const at = ["loadBalancerController"];
    const problems: Problem[] = [];
    if (CHART_VERSIONS[config.chartVersion] === undefined) {
        problems.push({ path: [...at, "chartVersion"], message: chartVersionProblem(config.chartVersion) });
    }
    const { replicas } = config;
    if (!Number.isInteger(replicas) || replicas < 1) {
        problems.push({ path: [...at, "replicas"], message: `${replicas} is not a replica count; run 1 or more (${PROD_MIN_REPLICAS} in prod)` });
    } else if (view.stack.env === "prod" && replicas < PROD_MIN_REPLICAS) {
        problems.push({
            path: [...at, "replicas"],
            message: `${replicas} is not allowed in prod; run ${PROD_MIN_REPLICAS} at least, so a node's drain or an AZ's loss leaves a controller to register the gateway's new pods and answer the webhooks`,
        });
    }
    // The role `<prefix>-<env>-aws-load-balancer-controller` fits IAM's 64 characters whatever
    // platform:name (24 at most) and platform:envName (10) are: no rule needed.
    problems.push(...nest([...at, "resources"], resourcesProblems(config.resources)));
    return problems;
}

export const loadBalancerControllerBlock = defineBlock({
    name: "loadBalancerController",
    keys: ["loadBalancerController"],
    requires: [networkBlock, eksBlock],
    schema: () => singleKey("loadBalancerController", ControllerSchema),

    rules: (config: LoadBalancerControllerConfig, view): Problem[] => loadBalancerControllerProblems(config, view),

    build(config: LoadBalancerControllerConfig, ctx: BuildContext): LoadBalancerController {
        const eks = ctx.need(eksBlock);
        const network = ctx.need(networkBlock);
        const policy = controllerPolicy(CHART_VERSIONS[config.chartVersion].iamPolicyFile);
        // The role of kube-system/aws-load-balancer-controller; its ARN resolves once the association exists.
        const roleArn = eks.podIdentity(controllerPodIdentity(policy));
        return new LoadBalancerController("load-balancer-controller", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            clusterName: eks.clusterName,
            region: ctx.stack.region,
            vpcId: network.vpcId,
            provider: eks.provider,
            dependsOn: eks.ready,
            podIdentityRoleArn: roleArn,
            chartVersion: config.chartVersion,
            replicas: config.replicas,
            resources: config.resources,
        });
    },

    outputs: (controller: LoadBalancerController) => ({
        loadBalancerController: { chartVersion: controller.chartVersion, controllerVersion: controller.controllerVersion, namespace: controller.namespace, serviceAccount: controller.serviceAccount },
    }),
});
