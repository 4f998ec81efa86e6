import { expect } from "chai";
import { DEFAULT_INIT_IMAGE, FargateDeploymentArgs, FargateService, WRITABLE_PATHS_CONTAINER } from "../../../../components/compute/services/fargate-service";
import { COLLECTOR_CONTAINER, DEFAULT_COLLECTOR_IMAGE } from "../../../../components/compute/services/tracing";
import { ArgumentError } from "../../../../lib/problems";
import { AbsentThings, MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView } from "../../../support/query";
import {
    CLUSTER,
    DB_SECRET,
    ECS_SG,
    EXEC_LOG_GROUP_ARN,
    NAMESPACE_ID,
    PAYMENT_PARAMETER,
    PRIVATE_SUBNETS,
    serviceArgs,
} from "../../../fixtures/components";

const S = {
    component: "platform:compute:FargateService",
    repository: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    discovery: "aws:servicediscovery/service:Service",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
} as const;

interface ContainerDefinition {
    name: string;
    image: string;
    essential: boolean;
    portMappings: Array<{ containerPort: number; protocol: string }>;
    environment: Array<{ name: string; value: string }>;
    secrets: Array<{ name: string; valueFrom: string }>;
    readonlyRootFilesystem: boolean;
    mountPoints: Array<{ sourceVolume: string; containerPath: string; readOnly: boolean }>;
    user: string;
    privileged: boolean;
    logConfiguration: { logDriver: string; options: Record<string, string> };
}

/** Blue 1.4.0 takes the traffic; green 1.5.0 waits at zero tasks. */
const BLUE_AT_WORK_GREEN_AT_REST: FargateDeploymentArgs[] = [
    { colour: "blue", imageTag: "1.4.0", targetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/goorm-popcorn-gateway-dev/1" },
    { colour: "green", imageTag: "1.5.0", targetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/goorm-popcorn-gateway-green-dev/2", scaledToZero: true },
];

/** The app container (the one that is neither the writable-paths init container nor the collector). */
function containerOf(taskDefinition: RecordedResource): ContainerDefinition {
    const definitions = JSON.parse(taskDefinition.inputs.containerDefinitions as string) as ContainerDefinition[];
    const apps = definitions.filter((d) => d.name !== WRITABLE_PATHS_CONTAINER && d.name !== COLLECTOR_CONTAINER);
    expect(apps).to.have.length(1);
    return apps[0];
}

function statementsOf(policy: RecordedResource): Array<{ Sid?: string; Action: string | string[]; Resource: string | string[] }> {
    return JSON.parse(policy.inputs.policy as string).Statement;
}

describe("components/fargate-service: a plain service", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new FargateService("order-service", serviceArgs()));
    });

    it("registers platform:compute:FargateService as the parent of every child", () => {
        const [component] = view.ofType(S.component);
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
        expect(view.custom.map((r) => r.type).sort()).to.deep.equal(
            [
                S.scalingPolicy,
                S.scalingPolicy,
                S.scalingTarget,
                T.logGroup,
                S.service,
                S.taskDefinition,
                T.role,
                T.role,
                T.rolePolicy,
                S.discovery,
            ].sort(),
        );
    });

    it("creates no repository: it deploys from the account's, looked up by name, once the image is there", () => {
        expect(view.ofType(S.repository)).to.deep.equal([]);
        expect(view.ofType(S.lifecycle)).to.deep.equal([]);
        expect(containerOf(view.one(S.taskDefinition, "order-service-task")).image).to.equal(`${MOCK_ACCOUNT_ID}.dkr.ecr.ap-northeast-2.amazonaws.com/goorm-popcorn-order:1.4.0`);
    });

    it("starts no task before the execution role holds its permissions", () => {
        const policy = view.one(T.rolePolicy, "order-service-execution-policy");
        expect(view.one(S.taskDefinition, "order-service-task").options.dependsOn).to.include(policy.urn);
        expect(view.one(S.service, "order-service-service").options.dependsOn).to.include(policy.urn);
    });

    it("logs to /aws/ecs/goorm-popcorn-dev/order-service with the given retention", () => {
        expect(view.one(T.logGroup, "order-service-logs").inputs).to.include({ name: "/aws/ecs/goorm-popcorn-dev/order-service", retentionInDays: 7 });
    });

    it("defines one non-root, unprivileged container with a read-only root, secrets by reference and awslogs", () => {
        const task = view.one(S.taskDefinition, "order-service-task");
        expect(task.inputs).to.deep.include({ family: "goorm-popcorn-dev-order-service", cpu: "256", memory: "512", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"] });
        const container = containerOf(task);
        expect(container.name).to.equal("order-service");
        expect(container.image).to.equal(`${MOCK_ACCOUNT_ID}.dkr.ecr.ap-northeast-2.amazonaws.com/goorm-popcorn-order:1.4.0`);
        expect(container.portMappings.map((p) => [p.containerPort, p.protocol])).to.deep.equal([[8080, "tcp"]]);
        expect(container.environment).to.deep.equal([
            { name: "LOG_LEVEL", value: "info" },
            { name: "SPRING_PROFILES_ACTIVE", value: "dev" },
        ]);
        expect(container.secrets).to.deep.equal([
            { name: "DB_PASSWORD", valueFrom: `${DB_SECRET}:password::` },
            { name: "PAYMENT_KEY", valueFrom: PAYMENT_PARAMETER },
        ]);
        expect(container).to.include({ readonlyRootFilesystem: true, user: "1000", privileged: false, essential: true });
        expect(container.mountPoints).to.deep.equal([{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }]);
        expect(task.inputs.volumes).to.deep.equal([{ name: "scratch-0" }]);
        expect(container.logConfiguration).to.deep.equal({
            logDriver: "awslogs",
            options: { "awslogs-group": "/aws/ecs/goorm-popcorn-dev/order-service", "awslogs-region": "ap-northeast-2", "awslogs-stream-prefix": "ecs" },
        });
    });

    it("opens /tmp for the non-root app with a non-essential init container the app waits for (Fargate mounts task storage root-owned, 0755)", () => {
        const definitions = JSON.parse(view.one(S.taskDefinition, "order-service-task").inputs.containerDefinitions as string);
        expect(definitions.map((d: { name: string }) => d.name)).to.deep.equal([WRITABLE_PATHS_CONTAINER, "order-service"]);
        expect(definitions[0]).to.deep.equal({
            name: WRITABLE_PATHS_CONTAINER,
            image: DEFAULT_INIT_IMAGE,
            essential: false,
            user: "0",
            command: ["sh", "-c", "chmod 1777 /tmp"],
            readonlyRootFilesystem: true,
            privileged: false,
            mountPoints: [{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }],
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": "/aws/ecs/goorm-popcorn-dev/order-service", "awslogs-region": "ap-northeast-2", "awslogs-stream-prefix": "ecs-init" },
            },
        });
        expect(definitions[1].dependsOn).to.deep.equal([{ containerName: WRITABLE_PATHS_CONTAINER, condition: "SUCCESS" }]);
    });

    it("runs no init container where nothing needs opening (a writable root), and takes another init image when told", async () => {
        const view = await runView(() => {
            new FargateService("writable", serviceArgs({ service: "writable", readonlyRootFilesystem: false, repository: "w" }));
            new FargateService("own-init", serviceArgs({ service: "own-init", initImage: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/busybox:1.37", repository: "o" }));
        });
        expect(JSON.parse(view.one(S.taskDefinition, "writable-task").inputs.containerDefinitions as string).map((d: { name: string }) => d.name)).to.deep.equal(["writable"]);
        expect(JSON.parse(view.one(S.taskDefinition, "own-init-task").inputs.containerDefinitions as string)[0].image).to.equal("123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/busybox:1.37");
    });

    it("lets the execution role pull only its repository, write only its log group and read only its own secrets", () => {
        const role = view.one(T.role, "order-service-execution-role");
        expect(role.inputs.name).to.equal("goorm-popcorn-dev-order-service-exec");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0]).to.deep.include({
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
        });
        const statements = statementsOf(view.one(T.rolePolicy, "order-service-execution-policy"));
        expect(statements.map((s) => [s.Sid, s.Action, s.Resource])).to.deep.equal([
            ["EcrLogin", "ecr:GetAuthorizationToken", "*"],
            ["PullOwnRepository", ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], `arn:aws:ecr:ap-northeast-2:${MOCK_ACCOUNT_ID}:repository/goorm-popcorn-order`],
            ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `arn:aws:logs:ap-northeast-2:${MOCK_ACCOUNT_ID}:log-group:/aws/ecs/goorm-popcorn-dev/order-service:*`],
            ["ReadOwnSecrets", "secretsmanager:GetSecretValue", [DB_SECRET]],
            ["ReadOwnParameters", "ssm:GetParameters", [PAYMENT_PARAMETER]],
        ]);
    });

    it("gives the task role nothing when ECS Exec is off, and only ECS tasks of this account may assume it", () => {
        const role = view.one(T.role, "order-service-task-role");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Condition).to.deep.equal({
            StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
            ArnLike: { "aws:SourceArn": `arn:aws:ecs:ap-northeast-2:${MOCK_ACCOUNT_ID}:*` },
        });
        expect(view.ofType(T.rolePolicy).map((p) => p.name)).to.deep.equal(["order-service-execution-policy"]);
    });

    it("registers order-service in the Cloud Map namespace with an A record", () => {
        expect(view.one(S.discovery, "order-service-discovery").inputs).to.deep.include({
            name: "order-service",
            namespaceId: NAMESPACE_ID,
            dnsConfig: { namespaceId: NAMESPACE_ID, dnsRecords: [{ type: "A", ttl: 10 }], routingPolicy: "MULTIVALUE" },
        });
    });

    it("runs in the private subnets without a public IP, with circuit breaker and rollback, leaving the count to autoscaling", () => {
        const service = view.one(S.service, "order-service-service");
        expect(service.inputs).to.deep.include({
            name: "goorm-popcorn-dev-order-service",
            cluster: CLUSTER.arn,
            desiredCount: 1,
            networkConfiguration: { subnets: PRIVATE_SUBNETS, securityGroups: [ECS_SG], assignPublicIp: false },
            deploymentCircuitBreaker: { enable: true, rollback: true },
            capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
            serviceRegistries: { registryArn: `arn:aws:servicediscovery:ap-northeast-2:${MOCK_ACCOUNT_ID}:service/${view.one(S.discovery, "order-service-discovery").id}` },
            enableExecuteCommand: false,
        });
        expect(service.inputs.loadBalancers).to.equal(undefined);
        expect(service.inputs.healthCheckGracePeriodSeconds).to.equal(undefined);
        expect(service.options.ignoreChanges).to.deep.equal(["desiredCount"]);
    });

    it("scales between min and max on CPU 70 % and memory 80 %", () => {
        const target = view.one(S.scalingTarget, "order-service-scaling");
        expect(target.inputs).to.include({ resourceId: "service/goorm-popcorn-dev-cluster/goorm-popcorn-dev-order-service", minCapacity: 1, maxCapacity: 3, scalableDimension: "ecs:service:DesiredCount" });
        const policies = view.ofType(S.scalingPolicy).map((p) => {
            const config = p.inputs.targetTrackingScalingPolicyConfiguration as { predefinedMetricSpecification: { predefinedMetricType: string }; targetValue: number };
            return [p.inputs.resourceId, config.predefinedMetricSpecification.predefinedMetricType, config.targetValue];
        });
        expect(policies).to.have.deep.members([
            [target.id, "ECSServiceAverageCPUUtilization", 70],
            [target.id, "ECSServiceAverageMemoryUtilization", 80],
        ]);
    });

    it("tags every taggable child with Component=fargate-service and Service=order-service", () => {
        for (const r of view.custom.filter((x) => isTaggable(x.type))) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "fargate-service", Service: "order-service", Project: "goorm-popcorn" });
        }
    });
});

describe("components/fargate-service: blue and green", () => {
    let view: RunView;
    before(async () => {
        view = await runView(
            () =>
                new FargateService(
                    "api-gateway",
                    serviceArgs({
                        service: "api-gateway",
                        cpu: 512,
                        memory: 1024,
                        repository: "goorm-popcorn-api-gateway",
                        enableExecuteCommand: true,
                        execLogGroupArn: EXEC_LOG_GROUP_ARN,
                        deployments: BLUE_AT_WORK_GREEN_AT_REST,
                    }),
                ),
        );
    });

    it("runs two ECS services, each with its own image tag and target group, sharing logs and Cloud Map name", () => {
        const services = view.ofType(S.service);
        expect(services.map((s) => s.inputs.name)).to.have.members(["goorm-popcorn-dev-api-gateway-blue", "goorm-popcorn-dev-api-gateway-green"]);
        const images = view.ofType(S.taskDefinition).map((t) => containerOf(t).image.split(":").pop());
        expect(images).to.have.members(["1.4.0", "1.5.0"]);
        const blue = view.one(S.service, "api-gateway-blue-service");
        expect(blue.inputs.loadBalancers).to.deep.equal([
            { targetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/goorm-popcorn-gateway-dev/1", containerName: "api-gateway", containerPort: 8080 },
        ]);
        expect(blue.inputs.healthCheckGracePeriodSeconds).to.equal(60);
        expect(view.ofType(T.logGroup)).to.have.length(1);
        expect(view.ofType(S.discovery)).to.have.length(1);
        expect(new Set(services.map((s) => JSON.stringify(s.inputs.serviceRegistries))).size).to.equal(1);
    });

    it("holds a colour at rest at zero tasks by the service's own input, with no scalable target", () => {
        const green = view.one(S.service, "api-gateway-green-service");
        expect(green.inputs.desiredCount).to.equal(0);
        // Nothing else owns the count, so Pulumi keeps it at zero (a drift is corrected).
        expect(green.options.ignoreChanges ?? []).to.deep.equal([]);
        expect(view.ofType(S.scalingTarget).map((t) => t.name)).to.deep.equal(["api-gateway-blue-scaling"]);
        expect(view.one(S.service, "api-gateway-blue-service").options.ignoreChanges).to.deep.equal(["desiredCount"]);
        expect(view.one(S.scalingTarget, "api-gateway-blue-scaling").inputs).to.include({ minCapacity: 1, maxCapacity: 3 });
    });

    it("with ECS Exec on and a read-only root, mounts the SSM agent's directories writable, opened by the init container", () => {
        const task = view.one(S.taskDefinition, "api-gateway-blue-task");
        const container = containerOf(task);
        expect(container.readonlyRootFilesystem).to.equal(true);
        expect(container.mountPoints.map((m) => m.containerPath)).to.deep.equal(["/tmp", "/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"]);
        const init = JSON.parse(task.inputs.containerDefinitions as string)[0];
        expect(init.command).to.deep.equal(["sh", "-c", "chmod 1777 /tmp /managed-agents /var/lib/amazon/ssm /var/log/amazon/ssm"]);
    });

    it("with ECS Exec on, lets the task role open Session Manager channels and write only the exec log group", () => {
        const statements = statementsOf(view.one(T.rolePolicy, "api-gateway-task-exec-policy"));
        expect(statements.find((s) => s.Sid === "EcsExecSessionLogs")?.Resource).to.equal(`${EXEC_LOG_GROUP_ARN}:*`);
        expect(statements.find((s) => s.Sid === "EcsExecChannels")?.Action).to.include("ssmmessages:OpenDataChannel");
        expect(view.ofType(S.service).every((s) => s.inputs.enableExecuteCommand === true)).to.equal(true);
    });
});

describe("components/fargate-service: a fixed count (autoscaling min = max)", () => {
    it("runs both colours at that count with no scalable target or policy; the service's own input holds the count", async () => {
        const both = BLUE_AT_WORK_GREEN_AT_REST.map((d) => ({ ...d, scaledToZero: false }));
        const view = await runView(
            () =>
                new FargateService(
                    "chat",
                    serviceArgs({ service: "chat", repository: "chat", desiredCount: 1, autoscaling: { min: 1, max: 1, cpuTarget: 70, memoryTarget: 80 }, deployments: both }),
                ),
        );
        const services = view.ofType(S.service);
        expect(services.map((s) => [s.inputs.name, s.inputs.desiredCount, s.options.ignoreChanges ?? []])).to.have.deep.members([
            ["goorm-popcorn-dev-chat-blue", 1, []],
            ["goorm-popcorn-dev-chat-green", 1, []],
        ]);
        expect(view.ofType(S.scalingTarget)).to.deep.equal([]);
        expect(view.ofType(S.scalingPolicy)).to.deep.equal([]);
    });

    it("keeps a scalable target when office hours need one to stop and start the count", async () => {
        const view = await runView(() => new FargateService("order-service", serviceArgs({ desiredCount: 1, autoscaling: { min: 1, max: 1, cpuTarget: 70, memoryTarget: 80 }, schedule: { timezone: "Asia/Seoul", days: "MON-FRI", start: "08:00", stop: "20:00" } })));
        expect(view.ofType(S.scalingTarget).map((t) => t.name)).to.deep.equal(["order-service-scaling"]);
    });
});

describe("components/fargate-service: what must exist before it (the account stack's repository, CI's image)", () => {
    /** The error a run of `service` rejects with, when the mocked account lacks `absent`. */
    async function failure(absent: AbsentThings): Promise<string> {
        try {
            await runView(() => new FargateService("order-service", serviceArgs()), { absent });
        } catch (err) {
            return (err as Error).message;
        }
        throw new Error("expected the run to fail");
    }

    it("stops with what to do when the repository does not exist", async () => {
        const message = await failure({ repositories: ["goorm-popcorn-order"] });
        expect(message).to.contain('FargateService "order-service": ECR repository goorm-popcorn-order is not in this account and region (RepositoryNotFoundException');
        expect(message).to.contain("the account stack creates the repositories (platform:repositories in Pulumi.account.yaml)");
    });

    it("stops before any task is defined when the image tag was never pushed", async () => {
        const message = await failure({ images: ["goorm-popcorn-order:1.4.0"] });
        expect(message).to.contain('FargateService "order-service": image goorm-popcorn-order:1.4.0 is not in ECR (ImageNotFoundException');
        expect(message).to.contain("push it before deploying");
    });

    it("checks a sha256 digest by digest", async () => {
        const digest = `sha256:${"a".repeat(64)}`;
        const view = await runView(() => new FargateService("order-service", serviceArgs({ deployments: [{ imageTag: digest }] })));
        expect(containerOf(view.one(S.taskDefinition, "order-service-task")).image).to.equal(`${MOCK_ACCOUNT_ID}.dkr.ecr.ap-northeast-2.amazonaws.com/goorm-popcorn-order@${digest}`);
    });
});

describe("components/fargate-service: bad arguments", () => {
    it("lists every problem before registering anything", () => {
        expect(
            () =>
                new FargateService(
                    "order-service",
                    serviceArgs({
                        cpu: 256,
                        memory: 4096,
                        port: 70000,
                        environment: { DB_PASSWORD: "hunter2" },
                        secrets: { API_TOKEN: "plaintext" },
                        autoscaling: { min: 3, max: 1 },
                        enableExecuteCommand: true,
                        deployments: [{ imageTag: "latest" }],
                    }),
                ),
        ).to.throw(ArgumentError, /FargateService "order-service": invalid arguments:\n {2}memory: 4096 MiB does not go with 256 CPU units on Fargate \("order-service"\); with 256 CPU, memory must be 512, 1024, 2048 MiB\n {2}port: 70000 is not a port; use 1–65535\n {2}environment\.DB_PASSWORD: "DB_PASSWORD" looks like a secret.*\n {2}secrets\.API_TOKEN: is not a complete Secrets Manager secret ARN.*\n {2}autoscaling: min 3 and max 1 must be whole numbers with 0 ≤ min ≤ max\n {2}desiredCount: 1 is outside the autoscaling range 3–1\n {2}execLogGroupArn: is required with enableExecuteCommand, so sessions are logged\n {2}deployments\[0\]\.imageTag: "latest" is a moving tag/);
    });
});

describe("components/fargate-service: office hours", () => {
    const HOURS = { timezone: "Asia/Seoul", days: "MON-FRI", start: "08:00", stop: "20:00" };
    const ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction";
    let view: RunView;
    before(async () => {
        view = await runView(
            () =>
                new FargateService(
                    "api-gateway",
                    serviceArgs({
                        service: "api-gateway",
                        autoscaling: { min: 1, max: 3 },
                        schedule: HOURS,
                        deployments: BLUE_AT_WORK_GREEN_AT_REST,
                    }),
                ),
        );
    });

    it("stops the running colour at 20:00 and starts it at 08:00 on weekdays, Seoul time; the colour at rest gets no schedule", () => {
        expect(view.ofType(ACTION).map((a) => a.name)).to.have.members(["api-gateway-blue-stop", "api-gateway-blue-start"]);
        const target = view.one(S.scalingTarget, "api-gateway-blue-scaling");
        const stop = view.one(ACTION, "api-gateway-blue-stop");
        const start = view.one(ACTION, "api-gateway-blue-start");
        expect(stop.inputs).to.deep.include({
            name: "goorm-popcorn-dev-api-gateway-blue-stop",
            schedule: "cron(0 20 ? * MON-FRI *)",
            timezone: "Asia/Seoul",
            scalableTargetAction: { minCapacity: 0, maxCapacity: 0 },
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: target.inputs.resourceId,
        });
        expect(start.inputs).to.deep.include({
            name: "goorm-popcorn-dev-api-gateway-blue-start",
            schedule: "cron(0 8 ? * MON-FRI *)",
            timezone: "Asia/Seoul",
            scalableTargetAction: { minCapacity: 1, maxCapacity: 3 },
            resourceId: "service/goorm-popcorn-dev-cluster/goorm-popcorn-dev-api-gateway-blue",
        });
    });

    it("creates the actions one after the other, after the target and its policies (AWS refuses concurrent changes to a target)", () => {
        const target = view.one(S.scalingTarget, "api-gateway-blue-scaling");
        const policies = ["api-gateway-blue-scale-on-cpu", "api-gateway-blue-scale-on-memory"].map((name) => view.one(S.scalingPolicy, name).urn);
        const stop = view.one(ACTION, "api-gateway-blue-stop");
        expect(stop.options.dependsOn).to.include.members([target.urn, ...policies]);
        expect(view.one(ACTION, "api-gateway-blue-start").options.dependsOn).to.include.members([target.urn, stop.urn]);
    });

    it("leaves min and max of the scheduled target to the actions, so a refresh or update at night starts nothing", () => {
        expect(view.one(S.scalingTarget, "api-gateway-blue-scaling").options.ignoreChanges).to.have.members(["minCapacity", "maxCapacity"]);
        // The colour at rest has no target and no actions: nothing at night can wake it.
        expect(view.ofType(ACTION).map((a) => a.name)).to.have.members(["api-gateway-blue-stop", "api-gateway-blue-start"]);
    });

    it("refuses office hours for a service whose minimum is zero (the start would start nothing)", () => {
        expect(() => new FargateService("order-service", serviceArgs({ schedule: HOURS, desiredCount: 0, autoscaling: { min: 0, max: 2 } }))).to.throw(
            ArgumentError,
            /invalid arguments:\n {2}autoscaling\.min: 0 with office hours: the morning's start would start no task; use 1 or more$/,
        );
    });

    it("refuses a schedule it cannot express", () => {
        expect(() => new FargateService("order-service", serviceArgs({ schedule: { ...HOURS, timezone: "Mars/Olympus", start: "25:00" } }))).to.throw(
            ArgumentError,
            /invalid arguments:\n {2}schedule\.timezone: "Mars\/Olympus" is not an IANA time zone \(expected e\.g\. Asia\/Seoul or UTC\)\n {2}schedule\.start: "25:00" is not a time of day; use HH:MM, 00:00–23:59$/,
        );
    });
});

describe("components/fargate-service: what each deployment reports", () => {
    it("gives each colour's ECS service name and the tasks it starts with (0 for the colour at rest)", async () => {
        const view = await runView(() => {
            const service = new FargateService("api-gateway", serviceArgs({ service: "api-gateway", desiredCount: 2, autoscaling: { min: 2, max: 4 }, deployments: BLUE_AT_WORK_GREEN_AT_REST }));
            return { deployments: service.deployments.map((d) => ({ colour: d.colour, serviceName: d.serviceName, desiredCount: d.desiredCount })) };
        });
        expect(view.run.outputs.deployments).to.deep.equal([
            { colour: "blue", serviceName: "goorm-popcorn-dev-api-gateway-blue", desiredCount: 2 },
            { colour: "green", serviceName: "goorm-popcorn-dev-api-gateway-green", desiredCount: 0 },
        ]);
    });
});

describe("components/fargate-service: tracing to X-Ray through an ADOT collector sidecar", () => {
    const TRACING = { sampleRatio: 0.25, collectorImage: DEFAULT_COLLECTOR_IMAGE, collectorCpu: 64, collectorMemory: 128 };
    const XRAY_STATEMENT = {
        Sid: "SendTracesToXRay",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
        Resource: "*",
    };
    const definitionsOf = (task: RecordedResource) => JSON.parse(task.inputs.containerDefinitions as string) as Array<ContainerDefinition & Record<string, unknown>>;
    let view: RunView;
    before(async () => {
        view = await runView(() => new FargateService("order-service", serviceArgs({ tracing: TRACING })));
    });

    it("runs the app and a non-essential otel-collector in one task of the same size, after the writable-paths init container", () => {
        const task = view.one(S.taskDefinition, "order-service-task");
        expect(task.inputs).to.deep.include({ cpu: "256", memory: "512" });
        expect(definitionsOf(task).map((d) => [d.name, d.essential])).to.deep.equal([
            [WRITABLE_PATHS_CONTAINER, false],
            ["order-service", true],
            [COLLECTOR_CONTAINER, false],
        ]);
    });

    it("defines the collector exactly: the pinned ADOT image, the bundled ECS config, its own CPU and memory limit, no port mapping, non-root, read-only root, its own log stream", () => {
        const collector = definitionsOf(view.one(S.taskDefinition, "order-service-task")).find((d) => d.name === COLLECTOR_CONTAINER);
        expect(collector).to.deep.equal({
            name: "otel-collector",
            image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0",
            essential: false,
            command: ["--config=/etc/ecs/ecs-default-config.yaml"],
            cpu: 64,
            memory: 128,
            portMappings: [],
            environment: [{ name: "AWS_REGION", value: "ap-northeast-2" }],
            user: "4317",
            readonlyRootFilesystem: true,
            privileged: false,
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": "/aws/ecs/goorm-popcorn-dev/order-service", "awslogs-region": "ap-northeast-2", "awslogs-stream-prefix": "ecs-otel" },
            },
        });
    });

    it("points the app's OpenTelemetry SDK at the collector on localhost:4317, sampling parent-based at the ratio, with X-Ray and W3C headers", () => {
        const app = containerOf(view.one(S.taskDefinition, "order-service-task"));
        expect(app.environment).to.deep.equal([
            { name: "LOG_LEVEL", value: "info" },
            { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://localhost:4317" },
            { name: "OTEL_LOGS_EXPORTER", value: "none" },
            { name: "OTEL_METRICS_EXPORTER", value: "none" },
            { name: "OTEL_PROPAGATORS", value: "xray,tracecontext" },
            { name: "OTEL_SERVICE_NAME", value: "order-service" },
            { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
            { name: "OTEL_TRACES_SAMPLER_ARG", value: "0.25" },
            { name: "SPRING_PROFILES_ACTIVE", value: "dev" },
        ]);
        // The rest of the app is as without tracing: its port, its log stream, its writable /tmp.
        expect(app.portMappings).to.deep.equal([{ containerPort: 8080, hostPort: 8080, protocol: "tcp", name: "http" }]);
        expect(app.logConfiguration.options["awslogs-stream-prefix"]).to.equal("ecs");
        expect(app.mountPoints).to.deep.equal([{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }]);
    });

    it("opens nothing more for the collector: it writes no file, so the init container still opens /tmp for the app alone", () => {
        const task = view.one(S.taskDefinition, "order-service-task");
        const [init] = definitionsOf(task);
        expect(init.command).to.deep.equal(["sh", "-c", "chmod 1777 /tmp"]);
        expect(task.inputs.volumes).to.deep.equal([{ name: "scratch-0" }]);
    });

    it("lets the task role send traces to X-Ray, exactly the five actions on * (X-Ray has no resource-level permissions for them)", () => {
        const policy = view.one(T.rolePolicy, "order-service-task-policy");
        expect(view.byId(policy.inputs.role).name).to.equal("order-service-task-role");
        expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal({ Version: "2012-10-17", Statement: [XRAY_STATEMENT] });
    });

    it("puts the X-Ray statement after the grants of the stores the service connects to, in the one task policy", async () => {
        const store = { Sid: "ReadTable", Effect: "Allow" as const, Action: "dynamodb:GetItem", Resource: `arn:aws:dynamodb:ap-northeast-2:${MOCK_ACCOUNT_ID}:table/t` };
        const connected = await runView(() => new FargateService("order-service", serviceArgs({ tracing: TRACING, taskRoleStatements: [store] })));
        expect(statementsOf(connected.one(T.rolePolicy, "order-service-task-policy"))).to.deep.equal([store, XRAY_STATEMENT]);
    });

    it("gives both colours of a blue/green service the collector, each on its colour's log stream, and one task policy", async () => {
        const both = await runView(
            () => new FargateService("api-gateway", serviceArgs({ service: "api-gateway", repository: "goorm-popcorn-api-gateway", deployments: BLUE_AT_WORK_GREEN_AT_REST, tracing: TRACING })),
        );
        for (const colour of ["blue", "green"]) {
            const definitions = definitionsOf(both.one(S.taskDefinition, `api-gateway-${colour}-task`));
            const collector = definitions.find((d) => d.name === COLLECTOR_CONTAINER)!;
            expect(collector.logConfiguration.options["awslogs-stream-prefix"], colour).to.equal(`${colour}-otel`);
            expect(containerOf(both.one(S.taskDefinition, `api-gateway-${colour}-task`)).environment, colour).to.deep.include({ name: "OTEL_SERVICE_NAME", value: "api-gateway" });
        }
        expect(both.ofType(T.rolePolicy).map((p) => p.name)).to.have.members(["api-gateway-execution-policy", "api-gateway-task-policy"]);
    });

    it("with tracing off, runs no collector, sets no OTEL_* variable and grants nothing to the task role", async () => {
        const off = await runView(() => new FargateService("order-service", serviceArgs({ tracing: undefined })));
        const [init, app, ...rest] = definitionsOf(off.one(S.taskDefinition, "order-service-task"));
        expect([init.name, app.name, rest]).to.deep.equal([WRITABLE_PATHS_CONTAINER, "order-service", []]);
        expect(app.environment.filter((e) => e.name.startsWith("OTEL_"))).to.deep.equal([]);
        expect(off.ofType(T.rolePolicy).map((p) => p.name)).to.deep.equal(["order-service-execution-policy"]);
        // The same inputs, resource for resource, as the plain service above that never mentions tracing.
        const plain = await runView(() => new FargateService("order-service", serviceArgs()));
        expect(off.custom.map((r) => [r.urn, r.inputs])).to.deep.equal(plain.custom.map((r) => [r.urn, r.inputs]));
    });

    it("refuses a bad ratio, an unpinned image, a collector that leaves the app too little, and the app setting the OTEL_* variables itself", () => {
        expect(
            () =>
                new FargateService(
                    "order-service",
                    serviceArgs({
                        environment: { OTEL_SERVICE_NAME: "orders" },
                        tracing: { sampleRatio: 1.5, collectorImage: "public.ecr.aws/aws-observability/aws-otel-collector:latest", collectorCpu: 192, collectorMemory: 384 },
                    }),
                ),
        ).to.throw(
            ArgumentError,
            new RegExp(
                [
                    "invalid arguments:",
                    "  tracing\\.sampleRatio: 1\\.5 is not a sampling ratio; use a number from 0 to 1 \\(the share of new traces recorded: 0\\.05 is 5%\\)",
                    '  tracing\\.collectorImage: "public\\.ecr\\.aws/aws-observability/aws-otel-collector:latest" is a moving tag; pin it to a version tag .*',
                    "  tracing\\.collectorCpu: 192 CPU units for the collector leave the app 64 of the task's 256; the app keeps at least 128: use at most 128, or a bigger task",
                    "  tracing\\.collectorMemory: 384 MiB for the collector leave the app 128 of the task's 512 MiB; the app keeps at least 256 MiB: use at most 256, or a bigger task",
                    '  environment\\.OTEL_SERVICE_NAME: "OTEL_SERVICE_NAME" is set by the platform itself while tracing is on .*; choose another name, or turn tracing off$',
                ].join("\\n"),
            ),
        );
    });
});
