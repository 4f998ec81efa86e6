/**
 * The cluster's alarms, from the Container Insights metrics the CloudWatch observability add-on
 * publishes (`ContainerInsights` by ClusterName:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html):
 * the nodes' average CPU, and nodes that failed.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AlarmSpec, MINUTE, countThreshold, percentThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys the EKS block adds to `platform:monitoring.thresholds`. */
export const EKS_THRESHOLDS = {
    eksNodeCpuPercent: percentThreshold(80, "Average CPU of the EKS cluster's nodes above which it alarms (the node group needs more nodes or larger ones)"),
    eksFailedNodes: countThreshold(0, "EKS nodes failing (cluster_failed_node_count) above which it alarms (0: any failed node)."),
};
export type EksThresholds = z.output<z.ZodObject<typeof EKS_THRESHOLDS>>;

export function eksAlarms(clusterName: pulumi.Input<string>, t: EksThresholds): AlarmSpec[] {
    const metric = (metricName: string, stat: string) => ({ namespace: "ContainerInsights", metricName, dimensions: { ClusterName: clusterName }, stat, period: 5 * MINUTE });
    return [
        {
            key: "eks-node-cpu",
            group: "eks",
            description: `Average CPU of the EKS nodes above ${t.eksNodeCpuPercent}% for 15 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.eksNodeCpuPercent,
            thresholdSource: thresholdSource("eksNodeCpuPercent"),
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            metric: metric("node_cpu_utilization", "Average"),
        },
        {
            key: "eks-failed-nodes",
            group: "eks",
            description: `More than ${t.eksFailedNodes} EKS nodes failed (not Ready or unreachable) for 10 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.eksFailedNodes,
            thresholdSource: thresholdSource("eksFailedNodes"),
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            treatMissingData: "notBreaching",
            metric: metric("cluster_failed_node_count", "Maximum"),
        },
    ];
}
