/**
 * The services block (`platform:services`, `serviceDefaults`, `blueGreen`, `schedule`):
 * one FargateService per service in the private subnets behind the `ecs` security group. Each
 * service gets exactly the stores it lists in `connectsTo` (their environment, secrets, IAM
 * statements and network paths); the blue/green service runs in the blue and green target groups a
 * traffic block publishes for it, and a plain service the ALB routes to in its one target group
 * (`SERVICE_TARGETS`).
 */
import * as pulumi from "@pulumi/pulumi";
import { Problem } from "../../../lib/problems";
import { BuildContext, Channel, Connection, defineBlock, storeFlows } from "../../../stacks/block";
import { INTERNET, uniquePorts } from "../../network/security-groups/matrix";
import { networkBlock } from "../../network/vpc/block";
import { COLOURS, Colour } from "../../traffic/blue-green-alb/blue-green";
import { ecsClusterBlock } from "../ecs-cluster/block";
import { SERVICE_THRESHOLDS, WatchedEcsService, ecsAlarms } from "./alarms";
import { ServiceConfig, ServicesConfig, servicesSchema } from "./config";
import { FargateDeploymentArgs, FargateService } from "./fargate-service";
import { servicesProblems } from "./rules";

/** A target group a service's tasks register in: its ARN and its CloudWatch dimension. */
export interface TargetGroupRef {
    readonly arn: pulumi.Output<string>;
    /** `targetgroup/<name>/<id>`. */
    readonly arnSuffix: pulumi.Output<string>;
}

/**
 * What a load balancer keeps for a service: blue and green target groups for the blue/green
 * service (each colour's ECS service registers in its own), or one target group for a plain
 * service a listener rule routes to.
 */
export type ServiceTarget = {
    readonly service: string;
    /** `app/<name>/<id>`: the load balancer's CloudWatch dimension. */
    readonly loadBalancerArnSuffix: pulumi.Output<string>;
    /** What the service's ECS services wait for: target groups must belong to a load balancer first. */
    readonly dependsOn: pulumi.Resource;
} & (
    | { readonly kind: "blueGreen"; readonly targetGroups: Readonly<Record<Colour, TargetGroupRef>> }
    | { readonly kind: "plain"; readonly targetGroup: TargetGroupRef }
);

/** Where a traffic block hands a service its target groups. */
export const SERVICE_TARGETS = new Channel<ServiceTarget>("service-targets");

export interface ServicesBuilt {
    readonly clusterName: pulumi.Output<string>;
    readonly namespace: string;
    readonly services: ReadonlyArray<{ readonly component: FargateService; readonly target?: ServiceTarget }>;
}

/** Every connection of a service, merged. */
function connectionsOf(service: ServiceConfig, connection: (store: string) => Connection | undefined): Required<Connection> {
    const connections = service.connectsTo.map((store) => connection(store)).filter((c): c is Connection => c !== undefined);
    return {
        environment: Object.assign({}, ...connections.map((c) => c.environment)),
        secrets: Object.assign({}, ...connections.map((c) => c.secrets)),
        statements: connections.flatMap((c) => c.statements ?? []),
    };
}

function deploymentsOf(service: ServiceConfig, target: ServiceTarget | undefined): FargateDeploymentArgs[] {
    const { deployment } = service;
    if (target !== undefined && target.kind !== deployment.kind) {
        throw new Error(`${service.name} runs ${deployment.kind === "plain" ? "one deployment" : "blue and green"}, but a block published ${target.kind === "plain" ? "one target group" : "blue and green target groups"} for it`);
    }
    if (deployment.kind === "plain") {
        return [{ imageTag: deployment.imageTag, ...(target?.kind === "plain" ? { targetGroupArn: target.targetGroup.arn } : {}) }];
    }
    if (target?.kind !== "blueGreen") {
        // The config rules refuse platform:blueGreen without a load balancer: a program bug.
        throw new Error(`${service.name} runs blue and green, but no block published its target groups`);
    }
    return COLOURS.map((colour) => ({
        colour,
        imageTag: deployment.colours[colour].imageTag,
        scaledToZero: deployment.colours[colour].scaledToZero,
        targetGroupArn: target.targetGroups[colour].arn,
    }));
}

/** The target group a deployment registers in (a colour's, or the plain service's), for its alarms. */
function watchedTarget(target: ServiceTarget | undefined, colour: Colour | undefined): WatchedEcsService["target"] {
    if (target?.kind === "blueGreen" && colour) {
        return { targetGroupArnSuffix: target.targetGroups[colour].arnSuffix, loadBalancerArnSuffix: target.loadBalancerArnSuffix };
    }
    if (target?.kind === "plain") {
        return { targetGroupArnSuffix: target.targetGroup.arnSuffix, loadBalancerArnSuffix: target.loadBalancerArnSuffix };
    }
    return undefined;
}

export const servicesBlock = defineBlock({
    name: "services",
    keys: ["services", "serviceDefaults", "blueGreen", "schedule"],
    requires: [networkBlock, ecsClusterBlock],
    schema: (stack) => servicesSchema(stack),
    thresholds: SERVICE_THRESHOLDS,

    rules: (config, view): Problem[] => servicesProblems(config, view),

    securityGroups: (config: ServicesConfig, view) => ({
        groups: [{ name: "ecs", description: "Fargate services" }],
        flows: [
            ...uniquePorts(config.services.map((s) => s.port)).map((port) => ({ from: { group: "ecs" }, to: { group: "ecs" }, port, why: "service to service" })),
            { from: { group: "ecs" }, to: { cidr: INTERNET }, port: 443, why: "HTTPS out: ECR, Secrets Manager, AWS APIs" },
            ...storeFlows(view, "ecs", "services", config.services.flatMap((s) => s.connectsTo)),
        ],
    }),

    build(config: ServicesConfig, ctx: BuildContext): ServicesBuilt {
        const cluster = ctx.need(ecsClusterBlock);
        const clusterConfig = ctx.config(ecsClusterBlock);
        const vpc = ctx.need(networkBlock);
        const targets = ctx.collect(SERVICE_TARGETS);
        const services = config.services.map((service) => {
            const connections = connectionsOf(service, (store) => ctx.connection(store, service.name));
            const target = targets.find((t) => t.service === service.name);
            const component = new FargateService(
                service.name,
                {
                    naming: ctx.stack.naming,
                    tags: ctx.stack.tags,
                    service: service.name,
                    cluster: { arn: cluster.clusterArn, name: cluster.clusterName },
                    repository: service.repository,
                    cpu: service.cpu,
                    memory: service.memory,
                    port: service.port,
                    environment: { ...service.environment, ...connections.environment },
                    secrets: { ...service.secrets, ...connections.secrets },
                    taskRoleStatements: connections.statements,
                    logRetentionDays: ctx.stack.logRetentionDays,
                    readonlyRootFilesystem: service.readonlyRootFilesystem,
                    writablePaths: service.writablePaths,
                    user: service.user,
                    initImage: service.initImage,
                    subnetIds: vpc.privateSubnetIds,
                    securityGroupIds: [ctx.securityGroupId("ecs")],
                    serviceDiscovery: { namespaceId: cluster.namespaceId, name: service.discoveryName },
                    desiredCount: service.desiredCount,
                    autoscaling: service.autoscaling,
                    capacityProvider: service.capacityProvider ?? clusterConfig?.cluster.defaultCapacityProvider ?? "FARGATE",
                    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
                    enableExecuteCommand: service.enableExecuteCommand,
                    execLogGroupArn: cluster.execLogGroupArn,
                    deployments: deploymentsOf(service, target),
                    schedule: config.schedule?.services.includes(service.name) ? config.schedule : undefined,
                    ...(service.tracing.enabled ? { tracing: service.tracing } : {}),
                },
                // Services need the cluster's capacity providers, and target groups that belong to a load balancer.
                { dependsOn: target ? [cluster, target.dependsOn] : [cluster] },
            );
            return { component, target };
        });
        return { clusterName: cluster.clusterName, namespace: cluster.namespaceName, services };
    },

    outputs: (built) => ({
        services: Object.fromEntries(
            built.services.map(({ component }) => [
                component.service,
                {
                    ecsServices: component.deployments.map((d) => d.serviceName),
                    repositoryUrl: component.repositoryUrl,
                    logGroup: component.logGroupName,
                    address: `${component.discoveryName}.${built.namespace}`,
                },
            ]),
        ),
    }),

    alarms: (built, _config, thresholds) => ({
        rank: 10,
        title: "ECS",
        specs: built.services.flatMap(({ component, target }) =>
            component.deployments.flatMap((deployment) => {
                const watched: WatchedEcsService = {
                    service: component.service,
                    label: deployment.colour ? `${component.service}-${deployment.colour}` : component.service,
                    ecsServiceName: deployment.serviceName,
                    clusterName: built.clusterName,
                    desiredCount: deployment.desiredCount,
                    target: watchedTarget(target, deployment.colour),
                };
                // Container Insights is always on (the cluster block never turns it off): healthy targets compare with DesiredTaskCount.
                return ecsAlarms(watched, thresholds, true);
            }),
        ),
    }),
});
