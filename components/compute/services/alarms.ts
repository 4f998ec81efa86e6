/**
 * The alarms of the services: each deployment's CPU and memory (`AWS/ECS` by ClusterName +
 * ServiceName), and, behind a load balancer, its healthy targets — compared with Container
 * Insights' DesiredTaskCount when it runs, so a colour at rest or a service at night is no alarm.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AlarmSpec, MINUTE, MetricRef, percentThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys the services add to `platform:monitoring.thresholds`. */
export const SERVICE_THRESHOLDS = {
    ecsCpuPercent: percentThreshold(85, "Average CPU of an ECS service above which it alarms (above the autoscaling target: scaling has run out)"),
    ecsMemoryPercent: percentThreshold(85, "Average memory of an ECS service above which it alarms"),
};
export type ServiceThresholds = z.output<z.ZodObject<typeof SERVICE_THRESHOLDS>>;

export interface WatchedEcsService {
    /** The platform's service name, e.g. `api-gateway`. */
    readonly service: string;
    /** The deployment in alarm names: the service, or `<service>-<colour>`. */
    readonly label: string;
    /** The ECS service's name (the deployment: the service or one colour). */
    readonly ecsServiceName: string;
    readonly clusterName: pulumi.Input<string>;
    /** Tasks the deployment runs when nothing scales it (0 for a colour at rest). */
    readonly desiredCount: number;
    /** The target group it registers in and its load balancer (their CloudWatch dimensions). */
    readonly target?: { readonly targetGroupArnSuffix: pulumi.Input<string>; readonly loadBalancerArnSuffix: pulumi.Input<string> };
}

export function ecsAlarms(s: WatchedEcsService, t: ServiceThresholds, containerInsights: boolean): AlarmSpec[] {
    const dimensions = { ClusterName: s.clusterName, ServiceName: s.ecsServiceName };
    const usage = (what: "cpu" | "memory", metricName: string, key: "ecsCpuPercent" | "ecsMemoryPercent"): AlarmSpec => ({
        key: `ecs-${s.label}-${what}`,
        group: "ecs",
        description: `${what === "cpu" ? "CPU" : "Memory"} of ECS service ${s.ecsServiceName} above ${t[key]}% for 5 minutes: autoscaling is at its maximum or cannot keep up`,
        comparison: "GreaterThanThreshold",
        threshold: t[key],
        thresholdSource: thresholdSource(key),
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "notBreaching",
        metric: { namespace: "AWS/ECS", metricName, dimensions, stat: "Average", period: MINUTE },
    });
    const alarms = [usage("cpu", "CPUUtilization", "ecsCpuPercent"), usage("memory", "MemoryUtilization", "ecsMemoryPercent")];
    if (s.target !== undefined) {
        const healthy: MetricRef = {
            namespace: "AWS/ApplicationELB",
            metricName: "HealthyHostCount",
            dimensions: { TargetGroup: s.target.targetGroupArnSuffix, LoadBalancer: s.target.loadBalancerArnSuffix },
            stat: "Minimum",
            period: MINUTE,
        };
        const common = {
            key: `ecs-${s.label}-healthy-hosts`,
            group: "ecs" as const,
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
        };
        if (containerInsights) {
            alarms.push({
                ...common,
                description: `Healthy targets of ${s.ecsServiceName} below its desired task count for 5 minutes`,
                comparison: "GreaterThanThreshold",
                threshold: 0,
                thresholdSource: "ECS/ContainerInsights DesiredTaskCount (the service's own desired count)",
                treatMissingData: "notBreaching",
                math: {
                    expression: "FILL(desired, 0) - FILL(healthy, 0)",
                    label: "Desired tasks not healthy in the target group",
                    inputs: {
                        desired: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", dimensions, stat: "Minimum", period: MINUTE },
                        healthy,
                    },
                },
            });
        } else if (s.desiredCount > 0) {
            alarms.push({
                ...common,
                description: `Healthy targets of ${s.ecsServiceName} below its desired count (${s.desiredCount}) for 5 minutes`,
                comparison: "LessThanThreshold",
                threshold: s.desiredCount,
                thresholdSource: `platform:services.${s.service}.desiredCount`,
                treatMissingData: "breaching",
                metric: healthy,
            });
        }
    }
    return alarms;
}

