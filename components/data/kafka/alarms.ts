/**
 * Kafka's alarms: each node's EC2 status checks, and its data volume's use as the CloudWatch agent
 * publishes it (`CWAgent` disk_used_percent by InstanceId + path); a silent node breaches both.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AlarmSpec, MINUTE, percentThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys Kafka adds to `platform:monitoring.thresholds`. */
export const KAFKA_THRESHOLDS = {
    kafkaDiskPercent: percentThreshold(80, "Use of a Kafka node's data volume above which it alarms"),
};
export type KafkaThresholds = z.output<z.ZodObject<typeof KAFKA_THRESHOLDS>>;

export function kafkaAlarms(index: number, instanceId: pulumi.Input<string>, dataPath: string, t: KafkaThresholds): AlarmSpec[] {
    const node = `kafka-${index + 1}`;
    return [
        {
            key: `${node}-status-check`,
            group: "kafka",
            description: `Kafka node ${index + 1} fails its EC2 status checks (instance or system) for 2 minutes`,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            thresholdSource: "fixed: any failed status check",
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            // A node that reports nothing is as bad as one that fails.
            treatMissingData: "breaching",
            metric: { namespace: "AWS/EC2", metricName: "StatusCheckFailed", dimensions: { InstanceId: instanceId }, stat: "Maximum", period: MINUTE },
        },
        {
            key: `${node}-data-disk`,
            group: "kafka",
            description: `Data volume of Kafka node ${index + 1} (${dataPath}) above ${t.kafkaDiskPercent}% used, or its CloudWatch agent silent, for 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.kafkaDiskPercent,
            thresholdSource: thresholdSource("kafkaDiskPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            // The agent's metric stops when the agent or the node does: silence is a failure too.
            treatMissingData: "breaching",
            metric: { namespace: "CWAgent", metricName: "disk_used_percent", dimensions: { InstanceId: instanceId, path: dataPath }, stat: "Maximum", period: MINUTE },
        },
    ];
}
