/**
 * EcsCluster — the ECS cluster every service runs in (`<prefix>-<env>-cluster`): Container
 * Insights on (its performance log group created here, with a retention, before the cluster:
 * left to ECS it would have none of the platform's), FARGATE and FARGATE_SPOT capacity providers with a default strategy, ECS Exec
 * sessions logged to `/aws/ecs/<prefix>-<env>/exec`, and the Cloud Map private DNS namespace
 * services register in (`<service>.<namespace>`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";

export const CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
export type CapacityProvider = (typeof CAPACITY_PROVIDERS)[number];

export const CONTAINER_INSIGHTS_MODES = ["enabled", "enhanced"] as const;
export type ContainerInsightsMode = (typeof CONTAINER_INSIGHTS_MODES)[number];

export interface EcsClusterArgs extends ComponentBaseArgs {
    /** Capacity provider of the cluster's default strategy (Spot is a dev cost lever). */
    defaultCapacityProvider: CapacityProvider;
    /** Container Insights level; never off (security baseline). @default "enabled" */
    containerInsights?: ContainerInsightsMode;
    /** Retention of the ECS Exec session log group and of Container Insights' performance events. */
    logRetentionDays: LogRetentionDays;
    /** Cloud Map private DNS namespace for service discovery, e.g. `goormpopcorn.local`. */
    serviceDiscovery: { namespace: string; vpcId: pulumi.Input<string> };
}

export class EcsCluster extends PlatformComponent {
    public readonly clusterArn: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    public readonly execLogGroupName: pulumi.Output<string>;
    public readonly execLogGroupArn: pulumi.Output<string>;
    public readonly namespaceId: pulumi.Output<string>;
    public readonly namespaceName: string;

    constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:EcsCluster", name, { ...args, component: "ecs-cluster", problems: [] }, opts);
        const clusterName = args.naming.scoped("ecs", "cluster");
        const execLogGroupName = args.naming.logGroup("ecs", "exec");

        const execLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-exec-logs`,
            { name: execLogGroupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor(execLogGroupName) },
            { parent: this },
        );
        const insightsLogGroupName = containerInsightsLogGroup(clusterName);
        const insightsLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-insights-logs`,
            { name: insightsLogGroupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor(insightsLogGroupName) },
            { parent: this },
        );
        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            {
                name: clusterName,
                settings: [{ name: "containerInsights", value: args.containerInsights ?? "enabled" }],
                configuration: {
                    executeCommandConfiguration: {
                        logging: "OVERRIDE",
                        logConfiguration: { cloudWatchLogGroupName: execLogGroup.name, cloudWatchEncryptionEnabled: false },
                    },
                },
                tags: this.tagsFor(clusterName),
            },
            { parent: this, dependsOn: [insightsLogGroup] },
        );
        new aws.ecs.ClusterCapacityProviders(
            `${name}-capacity-providers`,
            {
                clusterName: cluster.name,
                capacityProviders: [...CAPACITY_PROVIDERS],
                defaultCapacityProviderStrategies: [{ capacityProvider: args.defaultCapacityProvider, weight: 1, base: 0 }],
            },
            { parent: this },
        );
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-namespace`,
            {
                name: args.serviceDiscovery.namespace,
                vpc: args.serviceDiscovery.vpcId,
                description: `Service discovery for ${args.naming.stem}`,
                tags: this.tagsFor(args.serviceDiscovery.namespace),
            },
            { parent: this },
        );

        this.clusterArn = cluster.arn;
        this.clusterName = cluster.name;
        this.execLogGroupName = execLogGroup.name;
        this.execLogGroupArn = execLogGroup.arn;
        this.namespaceId = namespace.id;
        this.namespaceName = args.serviceDiscovery.namespace;
        this.registerOutputs({
            clusterArn: this.clusterArn,
            clusterName: this.clusterName,
            execLogGroupName: this.execLogGroupName,
            namespaceId: this.namespaceId,
        });
    }
}

/** Where Container Insights writes a cluster's performance events. */
export function containerInsightsLogGroup(clusterName: string): string {
    return `/aws/ecs/containerinsights/${clusterName}/performance`;
}
