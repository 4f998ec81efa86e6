/**
 * The functions' alarms, in `AWS/Lambda` by FunctionName: errors, throttles, and a p95 duration
 * close to the function's own timeout (the invocations about to be cut off).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AlarmSpec, MINUTE, MetricRef, countThreshold, percentThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys the functions add to `platform:monitoring.thresholds`. */
export const FUNCTION_THRESHOLDS = {
    lambdaErrors: countThreshold(0, "Invocations of one Lambda function that end in an error per 5 minutes above which it alarms (0: any error)."),
    lambdaThrottles: countThreshold(0, "Throttled invocation requests of one Lambda function per 5 minutes above which it alarms (0: any throttle)."),
    lambdaDurationPercentOfTimeout: percentThreshold(80, "p95 duration of a Lambda function, as a share of its own timeout, above which it alarms (its slowest invocations are about to time out)"),
};
export type FunctionThresholds = z.output<z.ZodObject<typeof FUNCTION_THRESHOLDS>>;

export interface WatchedFunction {
    /** The function's key in `platform:functions`. */
    readonly key: string;
    /** Its physical name: the metrics' FunctionName. */
    readonly functionName: pulumi.Input<string>;
    readonly timeoutSeconds: number;
}

export function functionAlarms(f: WatchedFunction, t: FunctionThresholds): AlarmSpec[] {
    const metric = (metricName: string, stat: string): MetricRef => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: f.functionName }, stat, period: 5 * MINUTE });
    const common = { group: "lambda" as const, treatMissingData: "notBreaching" as const };
    const durationMs = Math.round((f.timeoutSeconds * 1000 * t.lambdaDurationPercentOfTimeout) / 100);
    return [
        {
            ...common,
            key: `lambda-${f.key}-errors`,
            description: `More than ${t.lambdaErrors} invocations of Lambda function ${f.key} ended in an error in 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.lambdaErrors,
            thresholdSource: thresholdSource("lambdaErrors"),
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            metric: metric("Errors", "Sum"),
        },
        {
            ...common,
            key: `lambda-${f.key}-throttles`,
            description: `More than ${t.lambdaThrottles} invocation requests of Lambda function ${f.key} were throttled in 5 minutes: its reserved concurrency or the account's is used up`,
            comparison: "GreaterThanThreshold",
            threshold: t.lambdaThrottles,
            thresholdSource: thresholdSource("lambdaThrottles"),
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            metric: metric("Throttles", "Sum"),
        },
        {
            ...common,
            key: `lambda-${f.key}-duration`,
            description: `p95 duration of Lambda function ${f.key} above ${durationMs} ms (${t.lambdaDurationPercentOfTimeout}% of its ${f.timeoutSeconds} s timeout) for 15 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: durationMs,
            thresholdSource: `${thresholdSource("lambdaDurationPercentOfTimeout")} of platform:functions.${f.key}.timeoutSeconds`,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            metric: metric("Duration", "p95"),
        },
    ];
}
