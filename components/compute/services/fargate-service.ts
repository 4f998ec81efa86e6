/**
 * FargateService — one logical service of the platform, run as one ECS service, or as two (blue
 * and green) when it sits behind a blue/green ALB.
 *
 * Per service: its ECR repository (scan on push, immutable tags, keep the last N images), its
 * log group `/aws/ecs/<prefix>-<env>/<service>`, a least-privilege execution role (pulls only its
 * repository, writes only its log group, reads only its own secrets), a task role, and its Cloud
 * Map name `<service>.<namespace>`.
 *
 * Per deployment (the service, or each colour): a task definition (one app container; secrets
 * by reference; read-only root filesystem and a non-root user unless config says otherwise;
 * never privileged; awslogs), an ECS service in the private subnets without a public IP, with
 * the deployment circuit breaker and rollback, and target-tracking autoscaling on CPU and memory.
 * After creation the task count belongs to autoscaling (`desiredCount` is ignored on update).
 *
 * With tracing, every deployment's task also runs an ADOT collector sidecar that sends the app's
 * spans to X-Ray (tracing.ts), and the task role may write to X-Ray.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { FoundRepository, lookUpImage, lookUpRepository } from "../../../lib/ecr";
import { Colour } from "../../traffic/blue-green-alb/blue-green";
import {
    environmentProblems,
    imageTagProblem,
    secretProblems,
    secretResourceArn,
    secretStore,
} from "./container";
import { fargateSizeProblem } from "./fargate";
import { OfficeHours, officeHoursCrons, officeHoursProblems } from "./schedule";
import {
    COLLECTOR_COMMAND,
    COLLECTOR_CONTAINER,
    COLLECTOR_USER,
    CollectorSettings,
    XRAY_STATEMENT,
    reservedVariableProblems,
    tracingEnvironment,
    tracingProblems,
} from "./tracing";
import { PolicyStatement, policyDocument, serviceTrustPolicy } from "../../../lib/iam";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem, nest } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";
import { CapacityProvider } from "../ecs-cluster/ecs-cluster";

export interface AutoscalingArgs {
    /** Fewest tasks. */
    min: number;
    /** Most tasks. */
    max: number;
    /** Average CPU utilisation (%) to hold. @default 70 */
    cpuTarget?: number;
    /** Average memory utilisation (%) to hold. @default 80 */
    memoryTarget?: number;
}

export interface FargateDeploymentArgs {
    /** The colour of a blue/green deployment; absent for a plain service. */
    colour?: Colour;
    /** Image tag (or `sha256:` digest) in the service's ECR repository. */
    imageTag: string;
    /** Target group the tasks register in; makes the ALB's health checks count. */
    targetGroupArn?: pulumi.Input<string>;
    /**
     * Run no task at all: a blue/green colour that takes no traffic. Its ECS service is held at
     * zero tasks and has no scalable target (one is created when it runs again). @default false
     */
    scaledToZero?: boolean;
}

export interface FargateServiceArgs extends ComponentBaseArgs {
    /** Service name, e.g. `order-service`: names the log group, the container and the ECS service. */
    service: string;
    cluster: { arn: pulumi.Input<string>; name: pulumi.Input<string> };
    /**
     * The service's ECR repository, by name: the account's (the account stack creates it). The
     * component stops, naming what is missing, when the repository or an image tag is not there.
     */
    repository: string;
    /** Task CPU units; with `memory`, one of Fargate's sizes. */
    cpu: number;
    /** Task memory (MiB). */
    memory: number;
    /** Container port the service listens on. */
    port: number;
    /**
     * Plain settings for the container (text, or outputs such as an endpoint). Never a secret:
     * names that look like one are refused when their value is text. @default {}
     */
    environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Variable name → Secrets Manager secret ARN (optionally `:<json-key>::`) or SSM parameter ARN.
     * The execution role may read exactly these. @default {}
     */
    secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * What the application's own role may do besides ECS Exec: the grants of the stores it connects
     * to (a table, a bucket, a database user). @default []
     */
    taskRoleStatements?: readonly PolicyStatement[];
    logRetentionDays: LogRetentionDays;
    /** Mount the root filesystem read-only. @default true */
    readonlyRootFilesystem?: boolean;
    /**
     * Writable scratch directories on task storage when the root is read-only. Fargate mounts them
     * owned by root, mode 0755, whatever the image says; a short init container opens them
     * (`chmod 1777`, like /tmp) before the app starts, so a non-root app can write. @default ["/tmp"]
     */
    writablePaths?: readonly string[];
    /**
     * The image of that init container: it needs `sh` and `chmod`, and runs as root for a moment.
     * Private subnets without a NAT reach only images in ECR (or a pull-through cache there).
     * @default "public.ecr.aws/docker/library/busybox:1.37"
     */
    initImage?: string;
    /** User (`uid` or `uid:gid`) the container runs as. `root` only where the image needs it. @default "1000" */
    user?: string;
    /** Private subnets the tasks run in. */
    subnetIds: pulumi.Input<string>[];
    securityGroupIds: pulumi.Input<string>[];
    /** Cloud Map namespace to register `<name>.<namespace>` in. */
    serviceDiscovery: { namespaceId: pulumi.Input<string>; name?: string };
    /** Tasks at creation; autoscaling owns the count afterwards. */
    desiredCount: number;
    autoscaling: AutoscalingArgs;
    capacityProvider: CapacityProvider;
    /** Seconds the ALB's health checks are ignored after a task starts. @default 60 */
    healthCheckGracePeriodSeconds?: number;
    /**
     * Allow `aws ecs execute-command` into the tasks (sessions are logged by the cluster). With a
     * read-only root, the directories the SSM agent writes are mounted writable. @default false
     */
    enableExecuteCommand?: boolean;
    /** Log group the cluster logs ECS Exec sessions to; required with `enableExecuteCommand`. */
    execLogGroupArn?: pulumi.Input<string>;
    /** One plain deployment, or blue and green. */
    deployments: readonly FargateDeploymentArgs[];
    /**
     * Run only in office hours: scheduled actions scale every running deployment to zero at
     * `stop` and back to its autoscaling range at `start` (a dev cost lever). They own the scalable
     * target's min and max from then on (Pulumi ignores both), so a refresh or update at night
     * starts nothing, and a new range takes effect at the next start. Needs `autoscaling.min` ≥ 1.
     * @default always on
     */
    schedule?: OfficeHours;
    /**
     * Traces to X-Ray: a non-essential `otel-collector` container in every task (its CPU and memory
     * taken out of the task's), the app's OTEL_* variables pointing at it, and the X-Ray grants on
     * the task role. @default off
     */
    tracing?: CollectorSettings;
}

/** What a deployment (the service or one colour) became. */
export interface FargateDeployment {
    readonly colour?: Colour;
    readonly serviceName: string;
    /** Tasks at creation: the service's desired count, or 0 for a colour scaled to zero. */
    readonly desiredCount: number;
    readonly serviceArn: pulumi.Output<string>;
    readonly taskDefinitionArn: pulumi.Output<string>;
}

const DEFAULT_CPU_TARGET = 70;
const DEFAULT_MEMORY_TARGET = 80;

export class FargateService extends PlatformComponent {
    public readonly service: string;
    public readonly deployments: readonly FargateDeployment[];
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly executionRoleArn: pulumi.Output<string>;
    public readonly taskRoleArn: pulumi.Output<string>;
    /** `<name>.<namespace>` is how other services reach this one. */
    public readonly discoveryName: string;
    public readonly discoveryServiceArn: pulumi.Output<string>;

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:FargateService", name, { ...args, component: "fargate-service", service: args.service, problems: fargateServiceProblems(args) }, opts);

        const ctx = this.context(name, args);
        const repository = this.repository(ctx);
        const logGroup = this.logGroup(ctx);
        const executionRole = this.executionRole(ctx, repository.arn, logGroup.arn);
        const taskRole = this.taskRole(ctx);
        const discovery = this.discoveryService(ctx);

        this.deployments = args.deployments.map((deployment) =>
            this.deployment(ctx, deployment, { repository, logGroupName: logGroup.name, executionRole, taskRole, discovery }),
        );
        this.service = args.service;
        this.repositoryUrl = repository.repositoryUrl;
        this.logGroupName = logGroup.name;
        this.executionRoleArn = executionRole.role.arn;
        this.taskRoleArn = taskRole.arn;
        this.discoveryName = args.serviceDiscovery.name ?? args.service;
        this.discoveryServiceArn = discovery.arn;
        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            logGroupName: this.logGroupName,
            serviceNames: this.deployments.map((d) => d.serviceName),
            executionRoleArn: this.executionRoleArn,
            taskRoleArn: this.taskRoleArn,
        });
    }

    private context(name: string, args: FargateServiceArgs): StepContext {
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        return {
            name,
            args,
            tagsFor: (resourceName: string) => this.tagsFor(resourceName),
            account,
            region: aws.getRegionOutput({}, { parent: this }).region,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        };
    }

    /** The service's repository, looked up: a missing one stops the program with what to do. */
    private repository(ctx: StepContext): FoundRepository {
        return lookUpRepository(`FargateService "${ctx.name}"`, ctx.args.repository, this);
    }

    /**
     * The image of a deployment, once ECR has it: a tag nobody pushed would start tasks that fail
     * with CannotPullContainerError while `pulumi up` reports success, so the program stops first.
     */
    private image(ctx: StepContext, repository: FoundRepository, tag: string): pulumi.Output<string> {
        return lookUpImage(`FargateService "${ctx.name}"`, repository, tag, "the service's image tag", this);
    }

    private logGroup(ctx: StepContext): aws.cloudwatch.LogGroup {
        const logGroupName = ctx.args.naming.logGroup("ecs", ctx.args.service);
        return new aws.cloudwatch.LogGroup(
            `${ctx.name}-logs`,
            { name: logGroupName, retentionInDays: ctx.args.logRetentionDays, tags: ctx.tagsFor(logGroupName) },
            { parent: this },
        );
    }

    /** Pulls only this repository, writes only this log group, reads only this service's secrets. */
    private executionRole(ctx: StepContext, repositoryArn: pulumi.Output<string>, logGroupArn: pulumi.Output<string>): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
        const roleName = ctx.args.naming.scoped("iamRole", ctx.args.service, "exec");
        const role = new aws.iam.Role(
            `${ctx.name}-execution-role`,
            {
                name: roleName,
                description: `ECS agent for ${ctx.args.service}: image pull, logs, secrets`,
                assumeRolePolicy: pulumi.jsonStringify(serviceTrustPolicy("ecs-tasks.amazonaws.com", ctx.account)),
                tags: ctx.tagsFor(roleName),
            },
            { parent: this },
        );
        const statements = pulumi.all(Object.values(ctx.args.secrets ?? {})).apply((valueFroms): PolicyStatement[] => {
            const byStore = (store: "secretsmanager" | "ssm") =>
                [...new Set(valueFroms.filter((arn) => secretStore(arn) === store).map(secretResourceArn))].sort();
            return [
                // GetAuthorizationToken has no resource-level permissions.
                { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                {
                    Sid: "PullOwnRepository",
                    Effect: "Allow",
                    Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                    Resource: repositoryArn,
                },
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroupArn}:*` },
                ...(byStore("secretsmanager").length > 0
                    ? [{ Sid: "ReadOwnSecrets", Effect: "Allow" as const, Action: "secretsmanager:GetSecretValue", Resource: byStore("secretsmanager") }]
                    : []),
                ...(byStore("ssm").length > 0 ? [{ Sid: "ReadOwnParameters", Effect: "Allow" as const, Action: "ssm:GetParameters", Resource: byStore("ssm") }] : []),
            ];
        });
        const policy = new aws.iam.RolePolicy(`${ctx.name}-execution-policy`, { role: role.id, policy: pulumi.jsonStringify(statements.apply(policyDocument)) }, { parent: this });
        return { role, policy };
    }

    /** The application's own role: the grants of the stores it uses, and what ECS Exec needs when it is on. */
    private taskRole(ctx: StepContext): aws.iam.Role {
        const roleName = ctx.args.naming.scoped("iamRole", ctx.args.service, "task");
        const role = new aws.iam.Role(
            `${ctx.name}-task-role`,
            {
                name: roleName,
                description: `Application role of ${ctx.args.service}`,
                assumeRolePolicy: pulumi.jsonStringify(
                    serviceTrustPolicy("ecs-tasks.amazonaws.com", ctx.account, pulumi.interpolate`arn:${ctx.partition}:ecs:${ctx.region}:${ctx.account}:*`),
                ),
                tags: ctx.tagsFor(roleName),
            },
            { parent: this },
        );
        const grants = [...(ctx.args.taskRoleStatements ?? []), ...(ctx.args.tracing ? [XRAY_STATEMENT] : [])];
        if (grants.length > 0) {
            new aws.iam.RolePolicy(`${ctx.name}-task-policy`, { role: role.id, policy: pulumi.jsonStringify(policyDocument([...grants])) }, { parent: this });
        }
        if (ctx.args.enableExecuteCommand) {
            new aws.iam.RolePolicy(
                `${ctx.name}-task-exec-policy`,
                {
                    role: role.id,
                    policy: pulumi.jsonStringify(
                        policyDocument([
                            {
                                Sid: "EcsExecChannels",
                                Effect: "Allow",
                                Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
                                Resource: "*",
                            },
                            { Sid: "EcsExecFindLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
                            {
                                Sid: "EcsExecSessionLogs",
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                                Resource: pulumi.interpolate`${ctx.args.execLogGroupArn!}:*`,
                            },
                        ]),
                    ),
                },
                { parent: this },
            );
        }
        return role;
    }

    private discoveryService(ctx: StepContext): aws.servicediscovery.Service {
        const discoveryName = ctx.args.serviceDiscovery.name ?? ctx.args.service;
        return new aws.servicediscovery.Service(
            `${ctx.name}-discovery`,
            {
                name: discoveryName,
                namespaceId: ctx.args.serviceDiscovery.namespaceId,
                dnsConfig: {
                    namespaceId: ctx.args.serviceDiscovery.namespaceId,
                    dnsRecords: [{ type: "A", ttl: 10 }],
                    routingPolicy: "MULTIVALUE",
                },
                // ECS reports task health to Cloud Map; unhealthy tasks leave DNS.
                // The provider drops an empty block from state, so every later plan would replace the service
                // (and fail while ECS has tasks registered): failureThreshold 1 is what AWS sets anyway
                // (hashicorp/terraform-provider-aws#44285, pulumi/pulumi-aws#6289).
                healthCheckCustomConfig: { failureThreshold: 1 },
                tags: ctx.tagsFor(discoveryName),
            },
            { parent: this },
        );
    }

    private deployment(ctx: StepContext, deployment: FargateDeploymentArgs, shared: SharedParts): FargateDeployment {
        const { args } = ctx;
        const suffix = deployment.colour ? `-${deployment.colour}` : "";
        const deploymentName = args.service + suffix;
        const serviceName = args.naming.scoped("ecs", deploymentName);
        const taskDefinition = new aws.ecs.TaskDefinition(
            `${ctx.name}${suffix}-task`,
            {
                family: serviceName,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: String(args.cpu),
                memory: String(args.memory),
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
                executionRoleArn: shared.executionRole.role.arn,
                taskRoleArn: shared.taskRole.arn,
                containerDefinitions: pulumi.jsonStringify(containerDefinitions(args, this.image(ctx, shared.repository, deployment.imageTag), shared.logGroupName, ctx.region, deployment.colour ?? "ecs")),
                volumes: writablePathsOf(args).map((_, i) => ({ name: `scratch-${i}` })),
                tags: ctx.tagsFor(serviceName),
            },
            { parent: this, dependsOn: [shared.executionRole.policy] },
        );
        const behindLoadBalancer = deployment.targetGroupArn !== undefined;
        // min = max without office hours is a fixed count: nothing to scale, so no scalable target
        // and no policies, and the service's own input holds the count (a drift is corrected).
        const fixed = args.autoscaling.min === args.autoscaling.max && args.schedule === undefined;
        const desiredCount = deployment.scaledToZero ? 0 : fixed ? args.autoscaling.min : args.desiredCount;
        const ecsService = new aws.ecs.Service(
            `${ctx.name}${suffix}-service`,
            {
                name: serviceName,
                cluster: args.cluster.arn,
                taskDefinition: taskDefinition.arn,
                desiredCount,
                capacityProviderStrategies: [{ capacityProvider: args.capacityProvider, weight: 1, base: 0 }],
                platformVersion: "LATEST",
                networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                ...(behindLoadBalancer
                    ? {
                          loadBalancers: [{ targetGroupArn: deployment.targetGroupArn!, containerName: args.service, containerPort: args.port }],
                          healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds ?? 60,
                      }
                    : {}),
                serviceRegistries: { registryArn: shared.discovery.arn },
                enableExecuteCommand: args.enableExecuteCommand ?? false,
                propagateTags: "SERVICE",
                enableEcsManagedTags: true,
                waitForSteadyState: false,
                tags: ctx.tagsFor(serviceName),
            },
            // A running deployment's task count belongs to autoscaling after creation: an update must
            // not reset it. A colour at rest, and a fixed count, are held by this input itself.
            { parent: this, ignoreChanges: deployment.scaledToZero || fixed ? [] : ["desiredCount"], dependsOn: [shared.executionRole.policy] },
        );
        // A colour at rest has no scalable target: when it starts again, its target is created anew
        // with the range (a creation, which office hours' ignoreChanges on min/max cannot hold back),
        // and registering it "changes the resource's current capacity to a value that is inside of
        // this range" (Application Auto Scaling API reference, RegisterScalableTarget), so its tasks
        // start on that very `pulumi up`, night or day, although the ECS service keeps ignoring its count.
        if (!deployment.scaledToZero && !fixed) {
            this.autoscaling(ctx, `${ctx.name}${suffix}`, deploymentName, args.autoscaling, ecsService);
        }
        return { colour: deployment.colour, serviceName, desiredCount, serviceArn: ecsService.id, taskDefinitionArn: taskDefinition.arn };
    }

    private autoscaling(ctx: StepContext, logicalName: string, deploymentName: string, scaling: AutoscalingArgs, ecsService: aws.ecs.Service): void {
        const serviceName = ctx.args.naming.scoped("ecs", deploymentName);
        const scheduled = ctx.args.schedule !== undefined;
        const target = new aws.appautoscaling.Target(
            `${logicalName}-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${ctx.args.cluster.name}/${serviceName}`,
                minCapacity: scaling.min,
                maxCapacity: scaling.max,
                tags: ctx.tagsFor(serviceName),
            },
            {
                parent: this,
                dependsOn: [ecsService],
                // On office hours the scheduled actions own min and max (0/0 at night): a refresh
                // or an update must not start the service; the start action carries the range.
                ignoreChanges: scheduled ? ["minCapacity", "maxCapacity"] : [],
            },
        );
        const policies: Array<[string, string, number]> = [
            ["cpu", "ECSServiceAverageCPUUtilization", scaling.cpuTarget ?? DEFAULT_CPU_TARGET],
            ["memory", "ECSServiceAverageMemoryUtilization", scaling.memoryTarget ?? DEFAULT_MEMORY_TARGET],
        ];
        const created = policies.map(
            ([metric, predefinedMetricType, targetValue]) =>
                new aws.appautoscaling.Policy(
                    `${logicalName}-scale-on-${metric}`,
                    {
                        name: `${serviceName}-${metric}`,
                        policyType: "TargetTrackingScaling",
                        serviceNamespace: target.serviceNamespace,
                        scalableDimension: target.scalableDimension,
                        resourceId: target.resourceId,
                        targetTrackingScalingPolicyConfiguration: {
                            predefinedMetricSpecification: { predefinedMetricType },
                            targetValue,
                            scaleInCooldown: 300,
                            scaleOutCooldown: 60,
                        },
                    },
                    { parent: this },
                ),
        );
        if (scheduled) {
            this.officeHours(ctx, logicalName, deploymentName, scaling, target, created);
        }
    }

    /**
     * Zero tasks at `stop`, the autoscaling range again at `start`. Created one after the other,
     * after the target and its policies: Application Auto Scaling answers concurrent changes to one
     * target with ConcurrentUpdateException.
     */
    private officeHours(
        ctx: StepContext,
        logicalName: string,
        deploymentName: string,
        scaling: AutoscalingArgs,
        target: aws.appautoscaling.Target,
        policies: aws.appautoscaling.Policy[],
    ): void {
        const hours = ctx.args.schedule!;
        const crons = officeHoursCrons(hours);
        const action = (what: "stop" | "start", schedule: string, capacity: { min: number; max: number }, dependsOn: pulumi.Resource[]) =>
            new aws.appautoscaling.ScheduledAction(
                `${logicalName}-${what}`,
                {
                    name: ctx.args.naming.scoped("scheduledAction", deploymentName, what),
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    schedule,
                    timezone: hours.timezone,
                    scalableTargetAction: { minCapacity: capacity.min, maxCapacity: capacity.max },
                },
                { parent: this, dependsOn },
            );
        const stop = action("stop", crons.stop, { min: 0, max: 0 }, [target, ...policies]);
        action("start", crons.start, { min: scaling.min, max: scaling.max }, [target, stop]);
    }
}

interface StepContext {
    readonly name: string;
    readonly args: FargateServiceArgs;
    readonly tagsFor: (resourceName: string) => Tags;
    readonly account: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
}

interface SharedParts {
    readonly repository: FoundRepository;
    readonly logGroupName: pulumi.Output<string>;
    /** The execution role and its policy: tasks must not start before the policy exists. */
    readonly executionRole: { role: aws.iam.Role; policy: aws.iam.RolePolicy };
    readonly taskRole: aws.iam.Role;
    readonly discovery: aws.servicediscovery.Service;
}

/** Where the SSM agent behind ECS Exec writes inside the container. */
const ECS_EXEC_AGENT_PATHS = ["/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"];

function writablePathsOf(args: FargateServiceArgs): readonly string[] {
    if (!(args.readonlyRootFilesystem ?? true)) {
        return [];
    }
    const paths = [...(args.writablePaths ?? ["/tmp"]), ...(args.enableExecuteCommand ? ECS_EXEC_AGENT_PATHS : [])];
    return [...new Set(paths)];
}


/** The init container that opens the writable paths, where there are any. */
export const WRITABLE_PATHS_CONTAINER = "writable-paths";
export const DEFAULT_INIT_IMAGE = "public.ecr.aws/docker/library/busybox:1.37";

/**
 * The task's containers: the app, and before it, when the root is read-only, a non-essential init
 * container that makes the writable paths writable for any user (Fargate mounts task storage
 * owned by root, 0755, so user 1000 could not write /tmp: aws/containers-roadmap#938). The app
 * starts once it has exited 0. Environment and secrets are sorted so the definition is stable.
 * With tracing, the collector after the app.
 */
function containerDefinitions(
    args: FargateServiceArgs,
    image: pulumi.Output<string>,
    logGroupName: pulumi.Output<string>,
    region: pulumi.Output<string>,
    streamPrefix: string,
) {
    const paths = writablePathsOf(args);
    const logConfiguration = (prefix: string) => ({
        logDriver: "awslogs",
        options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": prefix },
    });
    const app = containerDefinition(args, image, logGroupName, region, streamPrefix);
    const sidecars = args.tracing ? [collectorDefinition(args.tracing, logConfiguration(`${streamPrefix}-otel`), region)] : [];
    if (paths.length === 0) {
        return [app, ...sidecars];
    }
    const init = {
        name: WRITABLE_PATHS_CONTAINER,
        image: args.initImage ?? DEFAULT_INIT_IMAGE,
        essential: false,
        // Root for the one command that changes the mounts' mode; nothing else runs as root.
        user: "0",
        command: ["sh", "-c", `chmod 1777 ${paths.join(" ")}`],
        readonlyRootFilesystem: true,
        privileged: false,
        mountPoints: app.mountPoints,
        logConfiguration: logConfiguration(`${streamPrefix}-init`),
    };
    return [init, { ...app, dependsOn: [{ containerName: WRITABLE_PATHS_CONTAINER, condition: "SUCCESS" }] }, ...sidecars];
}

/**
 * The ADOT collector: non-essential (the app runs on without it, untraced), its own log stream,
 * its CPU and a hard memory limit taken out of the task's, no port mapping (the app reaches it on
 * localhost, the task's own network namespace; nothing outside the task can), non-root, and a
 * read-only root: in a container the collector logs to stderr and writes no file (the image sets
 * RUN_IN_CONTAINER=True: pkg/logger/logger.go), and its bundled configuration's receivers,
 * processors and exporters keep everything in memory. It needs no writable /tmp, so the
 * writable-paths init container has nothing to open for it. AWS_REGION names the X-Ray exporter's
 * region outright rather than leaving it to what the task happens to be given (Fargate has no
 * instance metadata to ask).
 */
function collectorDefinition(tracing: CollectorSettings, logConfiguration: object, region: pulumi.Output<string>) {
    return {
        name: COLLECTOR_CONTAINER,
        image: tracing.collectorImage,
        essential: false,
        command: [...COLLECTOR_COMMAND],
        cpu: tracing.collectorCpu,
        memory: tracing.collectorMemory,
        portMappings: [],
        environment: [{ name: "AWS_REGION", value: region }],
        user: COLLECTOR_USER,
        readonlyRootFilesystem: true,
        privileged: false,
        logConfiguration,
    };
}

/** The app container. */
function containerDefinition(
    args: FargateServiceArgs,
    image: pulumi.Output<string>,
    logGroupName: pulumi.Output<string>,
    region: pulumi.Output<string>,
    streamPrefix: string,
) {
    const sorted = (record: Readonly<Record<string, pulumi.Input<string>>>) => Object.keys(record).sort().map((key) => [key, record[key]] as const);
    return {
        name: args.service,
        image,
        essential: true,
        portMappings: [{ containerPort: args.port, hostPort: args.port, protocol: "tcp", name: "http" }],
        environment: sorted({ ...args.environment, ...(args.tracing ? tracingEnvironment(args.service, args.tracing.sampleRatio) : {}) }).map(([name, value]) => ({ name, value })),
        secrets: sorted(args.secrets ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
        readonlyRootFilesystem: args.readonlyRootFilesystem ?? true,
        mountPoints: writablePathsOf(args).map((containerPath, i) => ({ sourceVolume: `scratch-${i}`, containerPath, readOnly: false })),
        user: args.user ?? "1000",
        privileged: false,
        // Reaps zombie processes and lets ECS Exec sessions end cleanly.
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": streamPrefix },
        },
    };
}

/** Every rule the arguments must satisfy; throws before any resource exists. */
export function fargateServiceProblems(args: FargateServiceArgs): Problem[] {
    const problems: Problem[] = [];
    const size = fargateSizeProblem(args.service, args.cpu, args.memory);
    if (size) {
        problems.push({ path: [size.field], message: size.message });
    }
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
        problems.push({ path: ["port"], message: `${args.port} is not a port; use 1–65535` });
    }
    problems.push(...nest(["environment"], environmentProblems(args.environment ?? {})));
    problems.push(...nest(["secrets"], secretProblems(args.secrets ?? {}, args.environment ?? {})));
    const { min, max } = args.autoscaling;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max) {
        problems.push({ path: ["autoscaling"], message: `min ${min} and max ${max} must be whole numbers with 0 ≤ min ≤ max` });
    }
    if (args.desiredCount < min || args.desiredCount > max) {
        problems.push({ path: ["desiredCount"], message: `${args.desiredCount} is outside the autoscaling range ${min}–${max}` });
    }
    if (args.schedule) {
        problems.push(...nest(["schedule"], officeHoursProblems(args.schedule)));
        if (min < 1) {
            problems.push({ path: ["autoscaling", "min"], message: `${min} with office hours: the morning's start would start no task; use 1 or more` });
        }
    }
    if (args.tracing) {
        problems.push(...nest(["tracing"], tracingProblems(args.tracing, size ? undefined : args)));
        problems.push(...nest(["environment"], reservedVariableProblems(args.environment ?? {})));
        problems.push(...nest(["secrets"], reservedVariableProblems(args.secrets ?? {})));
    }
    if (args.enableExecuteCommand && args.execLogGroupArn === undefined) {
        problems.push({ path: ["execLogGroupArn"], message: "is required with enableExecuteCommand, so sessions are logged" });
    }
    if (args.deployments.length === 0 || args.deployments.length > 2) {
        problems.push({ path: ["deployments"], message: `has ${args.deployments.length} entries; use one plain deployment, or blue and green` });
    } else if (args.deployments.length === 2 && (args.deployments[0].colour === undefined || args.deployments[0].colour === args.deployments[1].colour)) {
        problems.push({ path: ["deployments"], message: "two deployments must be blue and green" });
    }
    args.deployments.forEach((deployment, i) => {
        const tag = imageTagProblem(deployment.imageTag);
        if (tag) {
            problems.push({ path: ["deployments", i, "imageTag"], message: tag });
        }
    });
    return problems;
}
