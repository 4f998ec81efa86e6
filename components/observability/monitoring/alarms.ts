/**
 * What an alarm is, as data: the Monitoring component turns each AlarmSpec into a CloudWatch
 * alarm and a dashboard graph. Which alarms a stack has is each block's business (its
 * `alarms.ts`: ECS services, the ALB, the database, the cache, Kafka), as are the thresholds they
 * read (`platform:monitoring.thresholds.<key>`, declared by the block with their defaults).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export type Comparison = "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold";

export interface MetricRef {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    /** `Average`, `Sum`, `Minimum`, `Maximum` or a percentile such as `p95`. */
    readonly stat: string;
    readonly period: number;
}

export interface AlarmSpec {
    /** Unique within the platform, e.g. `ecs-order-service-cpu`; the alarm is `<prefix>-<env>-<key>`. */
    readonly key: string;
    /** What it watches, e.g. `ecs`: its `AlarmGroup` tag and its dashboard section. */
    readonly group: string;
    /** What is wrong when it fires, in words. */
    readonly description: string;
    readonly comparison: Comparison;
    readonly threshold: number;
    /** The config key the threshold comes from (`platform:monitoring.thresholds.<key>`, or another key). */
    readonly thresholdSource: string;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    /** No data is fine (a service at zero, an ALB without traffic) unless it says otherwise. */
    readonly treatMissingData: "notBreaching" | "breaching" | "missing" | "ignore";
    /** One metric… */
    readonly metric?: MetricRef;
    /** …or a metric-math expression over `inputs` (keyed by their ids). */
    readonly math?: { readonly expression: string; readonly label: string; readonly inputs: Readonly<Record<string, MetricRef>> };
}

/** One block's alarms, under the title of their dashboard section (`ECS`, `Database`…). */
export interface AlarmSection {
    readonly title: string;
    readonly specs: readonly AlarmSpec[];
}

export const MINUTE = 60;

/** Where a threshold comes from, for the alarm's description. */
export function thresholdSource(key: string): string {
    return `platform:monitoring.thresholds.${key}`;
}

/** A threshold that is a percentage: above 0, at most 100. */
export function percentThreshold(fallback: number, what: string) {
    return z
        .number()
        .refine((value) => value > 0 && value <= 100, { error: (issue) => `${String(issue.input)} is not a percentage; use a number above 0 and at most 100` })
        .default(fallback)
        .describe(`${what}, %.`);
}

/** A threshold that is a positive number (`integer`: a whole one). */
export function positiveThreshold(what: string, integer = false) {
    return z
        .number()
        .refine((value) => value > 0 && (!integer || Number.isInteger(value)), { error: (issue) => `${String(issue.input)} is not allowed; use a ${integer ? "whole number" : "number"} above 0` })
        .describe(what);
}

/** A threshold that is a count: a whole number, 0 or more. */
export function countThreshold(fallback: number, what: string) {
    return z
        .number()
        .refine((value) => Number.isInteger(value) && value >= 0, { error: (issue) => `${String(issue.input)} is not allowed; use a whole number, 0 or more` })
        .default(fallback)
        .describe(what);
}
