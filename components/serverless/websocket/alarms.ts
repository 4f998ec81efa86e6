/**
 * The WebSocket API's alarms, on its stage in `AWS/ApiGateway` (dimensions `ApiId` and `Stage`):
 * `IntegrationError`, requests whose integration (a route's function) answered 4XX/5XX, and
 * `ExecutionError`, errors calling the integration at all (a missing permission, a throttled or
 * timed-out function). Metric names and dimensions: Amazon API Gateway Developer Guide, "Monitor
 * WebSocket API execution with CloudWatch metrics"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AlarmSpec, MINUTE, MetricRef, countThreshold, thresholdSource } from "../../observability/monitoring/alarms";

/** The keys the WebSocket API adds to `platform:monitoring.thresholds`. */
export const WEBSOCKET_THRESHOLDS = {
    websocketIntegrationErrors: countThreshold(10, "Requests of the WebSocket stage whose route function answered 4XX/5XX (IntegrationError) per 5 minutes above which it alarms."),
    websocketExecutionErrors: countThreshold(0, "Errors calling a route function at all (ExecutionError: permission, throttling, timeout) per 5 minutes above which the WebSocket stage alarms."),
};
export type WebSocketThresholds = z.output<z.ZodObject<typeof WEBSOCKET_THRESHOLDS>>;

export function websocketAlarms(apiId: pulumi.Input<string>, stage: string, t: WebSocketThresholds): AlarmSpec[] {
    const metric = (metricName: string): MetricRef => ({ namespace: "AWS/ApiGateway", metricName, dimensions: { ApiId: apiId, Stage: stage }, stat: "Sum", period: 5 * MINUTE });
    const common = { group: "websocket" as const, comparison: "GreaterThanThreshold" as const, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" as const };
    return [
        {
            ...common,
            key: "websocket-integration-errors",
            description: `More than ${t.websocketIntegrationErrors} WebSocket requests in 5 minutes answered 4XX/5XX by their route's function (stage ${stage})`,
            threshold: t.websocketIntegrationErrors,
            thresholdSource: thresholdSource("websocketIntegrationErrors"),
            metric: metric("IntegrationError"),
        },
        {
            ...common,
            key: "websocket-execution-errors",
            description: `More than ${t.websocketExecutionErrors} errors in 5 minutes calling a WebSocket route's function (stage ${stage}): a permission, throttling or timeout`,
            threshold: t.websocketExecutionErrors,
            thresholdSource: thresholdSource("websocketExecutionErrors"),
            metric: metric("ExecutionError"),
        },
    ];
}
