/**
 * The schedules' alarms, per schedule: a dead letter waiting in its queue (`AWS/SQS`
 * ApproximateNumberOfMessagesVisible by QueueName) — Scheduler's, for a delivery it gave up on, or
 * Lambda's record of a handler that failed (the function's on-failure destination) — and from `AWS/Scheduler`, whose only dimension
 * is the schedule group (each schedule has its own), the target's errors (TargetErrorCount: the
 * Invoke call failed, a retry follows) and dead letters that could not be delivered either
 * (InvocationsFailedToBeSentToDeadLetterCount: the invocation is lost). Metric names from the User
 * Guide, "Monitoring Amazon EventBridge Scheduler with Amazon CloudWatch"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html).
 */
import { AlarmSpec, MINUTE, MetricRef } from "../../observability/monitoring/alarms";
import type { BuiltSchedule } from "./lambda-schedules";

/** The one schedule's alarms; any count above 0 is something to look at. */
export function scheduleAlarms(schedule: Pick<BuiltSchedule, "key" | "name" | "queueName">): AlarmSpec[] {
    const scheduler = (metricName: string): MetricRef => ({ namespace: "AWS/Scheduler", metricName, dimensions: { ScheduleGroup: schedule.name }, stat: "Sum", period: 5 * MINUTE });
    const common = { group: "schedules", comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" } as const;
    return [
        {
            ...common,
            key: `schedule-${schedule.key}-dead-letters`,
            description: `Schedule ${schedule.name} failed a run: a dead letter waits in ${schedule.queueName}, from Scheduler (not delivered: message attributes ERROR_CODE, ERROR_MESSAGE) or from Lambda (the handler failed: a JSON record with requestContext.condition and the error in responsePayload); read it, fix the cause, then purge or replay`,
            thresholdSource: "fixed: any message in the dead-letter queue",
            metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: schedule.queueName }, stat: "Maximum", period: 5 * MINUTE },
        },
        {
            ...common,
            key: `schedule-${schedule.key}-target-errors`,
            description: `Schedule ${schedule.name} could not invoke its function (TargetErrorCount): permissions, throttling or a missing function; it retries`,
            thresholdSource: "fixed: any failed invocation attempt",
            metric: scheduler("TargetErrorCount"),
        },
        {
            ...common,
            key: `schedule-${schedule.key}-dead-letters-lost`,
            description: `Schedule ${schedule.name} could not deliver a dead letter to ${schedule.queueName} either: the invocation is lost`,
            thresholdSource: "fixed: any dead letter not delivered",
            metric: scheduler("InvocationsFailedToBeSentToDeadLetterCount"),
        },
    ];
}
