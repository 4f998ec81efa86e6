/** Helpers the block alarm tests share: thresholds as config gives them, what a shape refuses, one alarm by key. */
import { z } from "zod";
import { AlarmSpec, MetricRef } from "../../components/observability/monitoring/alarms";
import { Shape } from "../../stacks/block";

/** The thresholds of `shape` as config gives them: `given` over the defaults. */
export function thresholdsOf<T extends Shape>(shape: T, given: Record<string, unknown> = {}): z.output<z.ZodObject<T>> {
    return z.object(shape).parse(given);
}

/** What a threshold shape refuses, as path and message. */
export function thresholdIssues(shape: Shape, input: Record<string, unknown>): Array<{ path: PropertyKey[]; message: string }> {
    const parsed = z.object(shape).safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

/** The one alarm of `specs` with `key`. */
export function byKey(specs: readonly AlarmSpec[], key: string): AlarmSpec {
    const found = specs.filter((s) => s.key === key);
    if (found.length !== 1) {
        throw new Error(`expected one alarm ${key}, found ${found.length} (have: ${specs.map((s) => s.key).join(", ")})`);
    }
    return found[0];
}

/** What an alarm decides on, without its words. */
export function decision(spec: AlarmSpec) {
    return {
        group: spec.group,
        comparison: spec.comparison,
        threshold: spec.threshold,
        thresholdSource: spec.thresholdSource,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
    };
}

export const metric = (namespace: string, metricName: string, dimensions: Record<string, string>, stat: string, period = 60): MetricRef => ({ namespace, metricName, dimensions, stat, period });
