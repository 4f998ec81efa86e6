/**
 * The ALB's alarms: its 5xx rate (the ALB's own answers and the targets') and the targets' p95
 * response time, in `AWS/ApplicationELB` by LoadBalancer (`app/<name>/<id>`); and per colour (by
 * LoadBalancer and TargetGroup), the 4xx and 5xx rates and p95 of what each colour answered, so
 * a canary step is judged on the colour that takes the new traffic, side by side on the dashboard;
 * and the external target's healthy targets (every request of a default external target fails
 * when it has none).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AlarmSpec, MINUTE, MetricRef, countThreshold, percentThreshold, positiveThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys the ALB adds to `platform:monitoring.thresholds`. */
export const ALB_THRESHOLDS = {
    alb5xxPercent: percentThreshold(5, "ALB and target 5xx responses as a share of requests above which the ALB alarms"),
    alb5xxMinRequests: countThreshold(20, "Requests a minute below which the 5xx rate is not judged (one error in three requests is no outage)."),
    albP95Seconds: positiveThreshold("p95 of the targets' response time above which the ALB alarms, seconds.").default(1.5),
    alb4xxPercent: percentThreshold(10, "A colour's 4xx responses as a share of its requests above which the ALB alarms (a release that breaks routes or auth)"),
};
export type AlbThresholds = z.output<z.ZodObject<typeof ALB_THRESHOLDS>>;

export function albAlarms(loadBalancer: pulumi.Input<string>, t: AlbThresholds): AlarmSpec[] {
    const alb = (metricName: string, stat: string): MetricRef => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: loadBalancer }, stat, period: MINUTE });
    return [
        {
            key: "alb-5xx-rate",
            group: "alb",
            description: `5xx responses (the ALB's and the targets') above ${t.alb5xxPercent}% of requests in 3 of 5 minutes (minutes under ${t.alb5xxMinRequests} requests do not count)`,
            comparison: "GreaterThanThreshold",
            threshold: t.alb5xxPercent,
            thresholdSource: thresholdSource("alb5xxPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            math: {
                // RequestCount leaves out what the ALB answered itself (503 without a healthy
                // target, say): those count as requests too, or an outage would read as 0 %.
                expression: `IF(FILL(requests, 0) + FILL(elb5xx, 0) >= ${t.alb5xxMinRequests}, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)`,
                label: "5xx responses, % of requests",
                inputs: {
                    requests: alb("RequestCount", "Sum"),
                    elb5xx: alb("HTTPCode_ELB_5XX_Count", "Sum"),
                    target5xx: alb("HTTPCode_Target_5XX_Count", "Sum"),
                },
            },
        },
        {
            key: "alb-p95-response-time",
            group: "alb",
            description: `p95 of the targets' response time above ${t.albP95Seconds} s in 3 of 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.albP95Seconds,
            thresholdSource: thresholdSource("albP95Seconds"),
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            metric: alb("TargetResponseTime", "p95"),
        },
    ];
}


/**
 * One colour's target group: its 4xx and 5xx rates (of the requests it received) and its p95,
 * judged only in minutes with enough requests. `colour` names them: `alb-<colour>-…`.
 */
export function albColourAlarms(loadBalancer: pulumi.Input<string>, colour: string, targetGroup: pulumi.Input<string>, t: AlbThresholds): AlarmSpec[] {
    const metric = (metricName: string, stat: string): MetricRef => ({
        namespace: "AWS/ApplicationELB",
        metricName,
        dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
        stat,
        period: MINUTE,
    });
    const rate = (kind: "4xx" | "5xx", threshold: number, key: "alb4xxPercent" | "alb5xxPercent"): AlarmSpec => ({
        key: `alb-${colour}-${kind}-rate`,
        group: "alb",
        description: `${colour}'s ${kind} responses above ${threshold}% of its requests in 3 of 5 minutes (minutes under ${t.alb5xxMinRequests} requests do not count)`,
        comparison: "GreaterThanThreshold",
        threshold,
        thresholdSource: thresholdSource(key),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
        math: {
            expression: `IF(FILL(requests, 0) >= ${t.alb5xxMinRequests}, 100 * FILL(errors, 0) / FILL(requests, 0), 0)`,
            label: `${colour} ${kind}, % of requests`,
            inputs: { requests: metric("RequestCount", "Sum"), errors: metric(`HTTPCode_Target_${kind.toUpperCase()}_Count`, "Sum") },
        },
    });
    return [
        rate("4xx", t.alb4xxPercent, "alb4xxPercent"),
        rate("5xx", t.alb5xxPercent, "alb5xxPercent"),
        {
            key: `alb-${colour}-p95-response-time`,
            group: "alb",
            description: `p95 of ${colour}'s response time above ${t.albP95Seconds} s in 3 of 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.albP95Seconds,
            thresholdSource: thresholdSource("albP95Seconds"),
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            metric: metric("TargetResponseTime", "p95"),
        },
    ];
}

/**
 * The external target group without a healthy target (`alb-<target>-healthy-hosts`): its pods gone,
 * failing their health check, or no longer registered by their TargetGroupBinding. What registers
 * them is outside this program, so the floor is fixed: one healthy target, three minutes running.
 */
export function albExternalAlarm(loadBalancer: pulumi.Input<string>, target: string, targetGroup: pulumi.Input<string>): AlarmSpec {
    return {
        key: `alb-${target}-healthy-hosts`,
        group: "alb",
        description: `No healthy target in the external target group ${JSON.stringify(target)} for 3 minutes: the ALB answers its requests with 503`,
        comparison: "LessThanThreshold",
        threshold: 1,
        thresholdSource: "a fixed floor: one healthy target (the pods are registered by their TargetGroupBinding, outside this program)",
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No data is no target at all (nothing registered): that is the outage this alarm is for.
        treatMissingData: "breaching",
        metric: {
            namespace: "AWS/ApplicationELB",
            metricName: "HealthyHostCount",
            dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
            stat: "Minimum",
            period: MINUTE,
        },
    };
}
