/**
 * The ECS cluster block (`platform:cluster`, `platform:serviceDiscovery`): the cluster the
 * services run in, its capacity providers and ECS Exec logging, and the Cloud Map namespace the
 * services register in. Present with the services even when the stack file leaves its keys out.
 */
import { z } from "zod";
import { DNS_NAME } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { BuildContext, PerEnv, StackInfo, defineBlock } from "../../../stacks/block";
import { networkBlock } from "../../network/vpc/block";
import { CAPACITY_PROVIDERS, CONTAINER_INSIGHTS_MODES, CapacityProvider, EcsCluster } from "./ecs-cluster";

/** Spot is a dev cost lever; prod runs on regular Fargate capacity. */
export const CAPACITY_PROVIDER_DEFAULT: PerEnv<CapacityProvider> = { dev: "FARGATE_SPOT", prod: "FARGATE" };

/** `goorm-popcorn` → `goormpopcorn.local`, the seed's namespace. */
export function defaultNamespace(prefix: string): string {
    return `${prefix.replace(/-/g, "")}.local`;
}

function ecsClusterSchema(stack: StackInfo) {
    return z.strictObject({
            cluster: z
                .strictObject({
                    defaultCapacityProvider: z
                        .enum(CAPACITY_PROVIDERS)
                        .default(CAPACITY_PROVIDER_DEFAULT[stack.env])
                        .describe("The cluster's default strategy, and each service's unless it sets its own."),
                    containerInsights: z.enum(CONTAINER_INSIGHTS_MODES).default("enabled").describe("Container Insights level; never off."),
                })
                .prefault({})
                .describe("The ECS cluster `<prefix>-<env>-cluster`."),
            serviceDiscovery: z
                .strictObject({
                    namespace: z.string().default(defaultNamespace(stack.name)).describe("Cloud Map private DNS namespace on the VPC. Default: the name without hyphens + `.local` (`goormpopcorn.local`)."),
                })
                .prefault({})
                .describe("Service discovery: each service answers on `<discoveryName>.<namespace>`."),
        });
}

export type EcsClusterConfig = z.output<ReturnType<typeof ecsClusterSchema>>;

export const ecsClusterBlock = defineBlock({
    name: "ecsCluster",
    keys: ["cluster", "serviceDiscovery"],
    presentWith: ["cluster", "services"],
    requires: [networkBlock],
    schema: (stack) => ecsClusterSchema(stack),

    rules({ serviceDiscovery }): Problem[] {
        return DNS_NAME.test(serviceDiscovery.namespace)
            ? []
            : [{ path: ["serviceDiscovery", "namespace"], message: `${showValue(serviceDiscovery.namespace)} is not a DNS name (expected e.g. goormpopcorn.local)` }];
    },

    build({ cluster, serviceDiscovery }: EcsClusterConfig, ctx: BuildContext): EcsCluster {
        return new EcsCluster("ecs", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            defaultCapacityProvider: cluster.defaultCapacityProvider,
            containerInsights: cluster.containerInsights,
            logRetentionDays: ctx.stack.logRetentionDays,
            serviceDiscovery: { namespace: serviceDiscovery.namespace, vpcId: ctx.need(networkBlock).vpcId },
        });
    },

    outputs: (cluster) => ({ clusterName: cluster.clusterName, serviceDiscoveryNamespace: cluster.namespaceName }),
});
