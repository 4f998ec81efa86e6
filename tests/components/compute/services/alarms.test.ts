import { expect } from "chai";
import { byKey, decision, metric, thresholdIssues, thresholdsOf } from "../../../support/alarms";
import { SERVICE_THRESHOLDS, ServiceThresholds, WatchedEcsService, ecsAlarms } from "../../../../components/compute/services/alarms";
import { AlarmSpec } from "../../../../components/observability/monitoring/alarms";

const CLUSTER = "goorm-popcorn-dev-cluster";
const LB = "app/goorm-popcorn-alb-dev/0123456789abcdef";
const TG_BLUE = "targetgroup/goorm-popcorn-gateway-dev/1111111111111111";

/** api-gateway's blue colour behind the ALB, and order-service without a target group. */
const GATEWAY_BLUE: WatchedEcsService = {
    service: "api-gateway",
    label: "api-gateway-blue",
    ecsServiceName: "goorm-popcorn-dev-api-gateway-blue",
    clusterName: CLUSTER,
    desiredCount: 2,
    target: { targetGroupArnSuffix: TG_BLUE, loadBalancerArnSuffix: LB },
};
const ORDER: WatchedEcsService = {
    service: "order-service",
    label: "order-service",
    ecsServiceName: "goorm-popcorn-dev-order-service",
    clusterName: CLUSTER,
    desiredCount: 1,
};

/** The thresholds as config gives them: `given` over the defaults. */
const thresholds = (given: Record<string, unknown> = {}): ServiceThresholds => thresholdsOf(SERVICE_THRESHOLDS, given);

/** The alarms of both deployments. */
const alarms = (containerInsights: boolean, t: ServiceThresholds = thresholds()): AlarmSpec[] => [GATEWAY_BLUE, ORDER].flatMap((s) => ecsAlarms(s, t, containerInsights));

const issues = (input: Record<string, unknown>) => thresholdIssues(SERVICE_THRESHOLDS, input);

describe("components/compute/services/alarms: SERVICE_THRESHOLDS", () => {
    it("defaults CPU and memory to 85%, and accepts 100%", () => {
        expect(thresholds()).to.deep.equal({ ecsCpuPercent: 85, ecsMemoryPercent: 85 });
        expect(thresholds({ ecsCpuPercent: 100 })).to.deep.equal({ ecsCpuPercent: 100, ecsMemoryPercent: 85 });
        expect(issues({ ecsCpuPercent: 100, ecsMemoryPercent: 0.5 })).to.deep.equal([]);
    });

    it("refuses a percentage of 0", () => {
        expect(issues({ ecsCpuPercent: 0 })).to.deep.equal([{ path: ["ecsCpuPercent"], message: "0 is not a percentage; use a number above 0 and at most 100" }]);
    });

    it("reports every bad value", () => {
        expect(issues({ ecsCpuPercent: 101, ecsMemoryPercent: 0 })).to.deep.equal([
            { path: ["ecsCpuPercent"], message: "101 is not a percentage; use a number above 0 and at most 100" },
            { path: ["ecsMemoryPercent"], message: "0 is not a percentage; use a number above 0 and at most 100" },
        ]);
    });
});

describe("components/compute/services/alarms: ecsAlarms with Container Insights, a colour behind the ALB and a service without a target group", () => {
    const specs = alarms(true);

    it("makes exactly these alarms, in this order", () => {
        expect(specs.map((s) => s.key)).to.deep.equal([
            "ecs-api-gateway-blue-cpu",
            "ecs-api-gateway-blue-memory",
            "ecs-api-gateway-blue-healthy-hosts",
            "ecs-order-service-cpu",
            "ecs-order-service-memory",
        ]);
    });

    it("gives each alarm exactly one of a metric or a math expression", () => {
        for (const spec of specs) {
            expect([spec.metric !== undefined, spec.math !== undefined], spec.key).to.satisfy(([m, x]: boolean[]) => m !== x);
        }
        expect(specs.filter((s) => s.math).map((s) => s.key)).to.deep.equal(["ecs-api-gateway-blue-healthy-hosts"]);
    });

    it("watches each deployment's average CPU and memory in AWS/ECS by ClusterName + ServiceName, above 85% for 5 of 5 minutes", () => {
        const dimensions = { ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-order-service" };
        const cpu = byKey(specs, "ecs-order-service-cpu");
        expect(cpu.metric).to.deep.equal(metric("AWS/ECS", "CPUUtilization", dimensions, "Average"));
        expect(decision(cpu)).to.deep.equal({
            group: "ecs",
            comparison: "GreaterThanThreshold",
            threshold: 85,
            thresholdSource: "platform:monitoring.thresholds.ecsCpuPercent",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        const memory = byKey(specs, "ecs-order-service-memory");
        expect(memory.metric).to.deep.equal(metric("AWS/ECS", "MemoryUtilization", dimensions, "Average"));
        expect(decision(memory)).to.deep.equal({
            group: "ecs",
            comparison: "GreaterThanThreshold",
            threshold: 85,
            thresholdSource: "platform:monitoring.thresholds.ecsMemoryPercent",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(memory.description).to.equal("Memory of ECS service goorm-popcorn-dev-order-service above 85% for 5 minutes: autoscaling is at its maximum or cannot keep up");
        expect(byKey(specs, "ecs-api-gateway-blue-cpu").metric!.dimensions).to.deep.equal({ ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-api-gateway-blue" });
    });

    it("compares healthy targets with Container Insights' DesiredTaskCount as metric math", () => {
        const healthy = byKey(specs, "ecs-api-gateway-blue-healthy-hosts");
        expect(healthy.metric).to.equal(undefined);
        expect(decision(healthy)).to.deep.equal({
            group: "ecs",
            comparison: "GreaterThanThreshold",
            threshold: 0,
            thresholdSource: "ECS/ContainerInsights DesiredTaskCount (the service's own desired count)",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "notBreaching",
        });
        expect(healthy.math).to.deep.equal({
            expression: "FILL(desired, 0) - FILL(healthy, 0)",
            label: "Desired tasks not healthy in the target group",
            inputs: {
                desired: metric("ECS/ContainerInsights", "DesiredTaskCount", { ClusterName: CLUSTER, ServiceName: "goorm-popcorn-dev-api-gateway-blue" }, "Minimum"),
                healthy: metric("AWS/ApplicationELB", "HealthyHostCount", { TargetGroup: TG_BLUE, LoadBalancer: LB }, "Minimum"),
            },
        });
        expect(healthy.description).to.equal("Healthy targets of goorm-popcorn-dev-api-gateway-blue below its desired task count for 5 minutes");
    });

    it("makes no healthy-host alarm for a deployment outside the target groups", () => {
        expect(specs.filter((s) => s.key.startsWith("ecs-order-service-")).map((s) => s.key)).to.deep.equal(["ecs-order-service-cpu", "ecs-order-service-memory"]);
    });

    it("gives every alarm a unique key and a description", () => {
        expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
        for (const spec of specs) {
            // The component appends ". Threshold: …" to it.
            expect(spec.description, spec.key).to.match(/^\S.{20,}[^.]$/);
        }
    });
});

describe("components/compute/services/alarms: ecsAlarms' healthy-host alarm without Container Insights", () => {
    it("is a static LessThanThreshold on the deployment's desiredCount, breaching on missing data", () => {
        const specs = alarms(false);
        const healthy = byKey(specs, "ecs-api-gateway-blue-healthy-hosts");
        expect(healthy.math).to.equal(undefined);
        expect(healthy.metric).to.deep.equal(metric("AWS/ApplicationELB", "HealthyHostCount", { TargetGroup: TG_BLUE, LoadBalancer: LB }, "Minimum"));
        expect(decision(healthy)).to.deep.equal({
            group: "ecs",
            comparison: "LessThanThreshold",
            threshold: 2,
            thresholdSource: "platform:services.api-gateway.desiredCount",
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            treatMissingData: "breaching",
        });
        expect(healthy.description).to.equal("Healthy targets of goorm-popcorn-dev-api-gateway-blue below its desired count (2) for 5 minutes");
        expect(specs.filter((s) => s.math).map((s) => s.key)).to.deep.equal([]);
        expect(specs.map((s) => s.key)).to.deep.equal(alarms(true).map((s) => s.key));
    });

    it("is absent for a colour at rest (desiredCount 0)", () => {
        const specs = ecsAlarms({ ...GATEWAY_BLUE, label: "api-gateway-green", desiredCount: 0 }, thresholds(), false);
        expect(specs.map((s) => s.key)).to.deep.equal(["ecs-api-gateway-green-cpu", "ecs-api-gateway-green-memory"]);
    });

    it("is absent without a target, whatever the desiredCount", () => {
        for (const containerInsights of [true, false]) {
            const specs = ecsAlarms({ ...GATEWAY_BLUE, target: undefined }, thresholds(), containerInsights);
            expect(specs.map((s) => s.key), `containerInsights: ${containerInsights}`).to.deep.equal(["ecs-api-gateway-blue-cpu", "ecs-api-gateway-blue-memory"]);
        }
    });
});

describe("components/compute/services/alarms: ecsAlarms with given thresholds", () => {
    const specs = alarms(true, thresholds({ ecsCpuPercent: 70, ecsMemoryPercent: undefined }));

    it("uses them instead of the defaults", () => {
        expect(byKey(specs, "ecs-order-service-cpu").threshold).to.equal(70);
        expect(byKey(specs, "ecs-api-gateway-blue-cpu").threshold).to.equal(70);
        expect(byKey(specs, "ecs-order-service-cpu").description).to.equal(
            "CPU of ECS service goorm-popcorn-dev-order-service above 70% for 5 minutes: autoscaling is at its maximum or cannot keep up",
        );
    });

    it("keeps the defaults where a value is given as undefined", () => {
        expect(byKey(specs, "ecs-order-service-memory").threshold).to.equal(85);
        expect(byKey(specs, "ecs-order-service-memory").description).to.equal(
            "Memory of ECS service goorm-popcorn-dev-order-service above 85% for 5 minutes: autoscaling is at its maximum or cannot keep up",
        );
    });
});
