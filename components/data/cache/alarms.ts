/**
 * The cache's alarms: each node's engine CPU, memory and evictions, in `AWS/ElastiCache` by
 * CacheClusterId (`<group>-001`, …).
 */
import { z } from "zod";
import { AlarmSpec, MINUTE, MetricRef, countThreshold, percentThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys the cache adds to `platform:monitoring.thresholds`. */
export const CACHE_THRESHOLDS = {
    cacheCpuPercent: percentThreshold(80, "Engine CPU of a cache node (the single-threaded engine's own core) above which it alarms"),
    cacheMemoryPercent: percentThreshold(80, "Memory of a cache node (DatabaseMemoryUsagePercentage) above which it alarms"),
    cacheEvictions: countThreshold(100, "Keys evicted per 5 minutes on one node above which it alarms."),
};
export type CacheThresholds = z.output<z.ZodObject<typeof CACHE_THRESHOLDS>>;

export function cacheAlarms(node: string, label: string, t: CacheThresholds): AlarmSpec[] {
    const metric = (metricName: string, stat: string, period = MINUTE): MetricRef => ({ namespace: "AWS/ElastiCache", metricName, dimensions: { CacheClusterId: node }, stat, period });
    const common = { group: "cache" as const, treatMissingData: "notBreaching" as const };
    return [
        {
            ...common,
            key: `cache-${label}-cpu`,
            description: `Engine CPU of cache node ${node} above ${t.cacheCpuPercent}% for 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.cacheCpuPercent,
            thresholdSource: thresholdSource("cacheCpuPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            metric: metric("EngineCPUUtilization", "Average"),
        },
        {
            ...common,
            key: `cache-${label}-memory`,
            description: `Memory of cache node ${node} above ${t.cacheMemoryPercent}% for 5 minutes`,
            comparison: "GreaterThanThreshold",
            threshold: t.cacheMemoryPercent,
            thresholdSource: thresholdSource("cacheMemoryPercent"),
            evaluationPeriods: 5,
            datapointsToAlarm: 5,
            metric: metric("DatabaseMemoryUsagePercentage", "Maximum"),
        },
        {
            ...common,
            key: `cache-${label}-evictions`,
            description: `More than ${t.cacheEvictions} keys evicted from cache node ${node} in 5 minutes: it is out of memory`,
            comparison: "GreaterThanThreshold",
            threshold: t.cacheEvictions,
            thresholdSource: thresholdSource("cacheEvictions"),
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            metric: metric("Evictions", "Sum", 5 * MINUTE),
        },
    ];
}

