/**
 * The health-checks block (`platform:healthChecks`): Route 53 health checks of public endpoints
 * (system B's `api.<domain>` behind CloudFront), each with an alarm in us-east-1 (where Route 53's
 * metrics are) notifying a us-east-1 topic that mails `platform:monitoring.alarmEmails`. Built just
 * before monitoring: it reads monitoring's config (addresses, on-call topics, whether nobody is
 * meant to be told), not what monitoring builds, whose topic is in the stack's region.
 */
import { z } from "zod";
import { Problem, nest, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, defineBlock, singleKey } from "../../../stacks/block";
import { ecsClusterBlock } from "../../compute/ecs-cluster/block";
import { monitoringBlock } from "../monitoring/block";
import {
    DEFAULT_PORTS,
    HEALTH_CHECKER_REGIONS,
    HEALTH_CHECK_LIMITS,
    HEALTH_CHECK_METRICS_REGION,
    HealthChecks,
    PROTOCOLS,
    healthCheckProblems,
    usEast1Topics,
} from "./health-checks";

const { failureThreshold, resourcePathMaxLength } = HEALTH_CHECK_LIMITS;

const HealthCheckSchema = z
    .strictObject({
        name: z.string().describe("Names the alarm `<prefix>-<env>-health-<name>` and the check; 1–32 lowercase letters, digits and hyphens. Distinct."),
        fqdn: z.string().describe("The endpoint's public DNS name (`api.goormpopcorn.shop`): no IP address, nothing under .local or .internal."),
        path: z.string().default("/health").describe(`The path requested, starting with /, up to ${resourcePathMaxLength} characters; healthy is a 2xx or 3xx answer.`),
        protocol: z.enum(PROTOCOLS).default("HTTPS").describe("HTTPS (with SNI) or HTTP."),
        port: z.number().int().optional().describe("1–65535. Default: 443 with HTTPS, 80 with HTTP."),
        intervalSeconds: z.number().int().default(30).describe("10 (fast) or 30; changing it replaces the check."),
        failureThreshold: z.number().int().default(3).describe(`Consecutive results before the status changes, ${failureThreshold.min}–${failureThreshold.max}.`),
        regions: z.array(z.enum(HEALTH_CHECKER_REGIONS)).optional().describe("At least three health-checker regions. Default: all eight."),
        alarmTopicArns: z.array(z.string()).default([]).describe(`SNS topics in ${HEALTH_CHECK_METRICS_REGION} this check's alarm notifies too (an on-call tool's).`),
    })
    .transform((check) => ({ ...check, port: check.port ?? DEFAULT_PORTS[check.protocol] }));

const HealthChecksSchema = z
    .array(HealthCheckSchema)
    .describe(
        "Endpoints Route 53 checks from the internet, each `{ name, fqdn, path?, protocol?, port?, intervalSeconds?, failureThreshold?, regions?, alarmTopicArns? }` (fields below); each gets an alarm in us-east-1 that mails platform:monitoring.alarmEmails.",
    );

export type HealthChecksConfig = z.output<typeof HealthChecksSchema>;

/**
 * Who a check's alarm reaches: the monitoring block's addresses, its on-call topics that are in
 * us-east-1 (only in a us-east-1 stack, as monitoring keeps its topics in the stack's region), and
 * the check's own us-east-1 topics.
 */
function recipientCount(check: HealthChecksConfig[number], view: ConfigView): number {
    const monitoring = view.config(monitoringBlock);
    return (monitoring?.alarmEmails.length ?? 0) + usEast1Topics(monitoring?.alarmTopicArns ?? []).length + check.alarmTopicArns.length;
}

function healthChecksRules(checks: HealthChecksConfig, view: ConfigView): Problem[] {
    if (checks.length === 0) {
        return [{ path: ["healthChecks"], message: "is empty; list at least one endpoint to check, or leave platform:healthChecks out" }];
    }
    const problems = nest(["healthChecks"], healthCheckProblems(checks, { privateNamespace: view.config(ecsClusterBlock)?.serviceDiscovery.namespace }));
    const monitoring = view.config(monitoringBlock);
    if (view.stack.env === "prod" && monitoring?.unattendedReason === undefined) {
        checks.forEach((check, i) => {
            if (recipientCount(check, view) === 0) {
                const why = monitoring
                    ? "platform:monitoring.alarmEmails is empty and no SNS topic in us-east-1 is given"
                    : "the stack has no platform:monitoring (whose alarmEmails it mails) and no SNS topic in us-east-1 is given";
                problems.push({
                    path: ["healthChecks", i],
                    message:
                        `${showValue(check.name)} would notify nobody in prod: ${why}; ` +
                        `list the on-call addresses in platform:monitoring.alarmEmails, give an on-call tool's us-east-1 topic in alarmTopicArns, or say why not in platform:monitoring.unattendedReason`,
                });
            }
        });
    }
    return problems;
}

export const healthChecksBlock = defineBlock({
    name: "healthChecks",
    keys: ["healthChecks"],
    schema: () => singleKey("healthChecks", HealthChecksSchema),

    rules: (checks, view) => healthChecksRules(checks, view),

    build(checks: HealthChecksConfig, ctx: BuildContext): HealthChecks {
        const monitoring = ctx.config(monitoringBlock);
        return new HealthChecks("health-checks", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            checks,
            alarmEmails: monitoring?.alarmEmails ?? [],
            alarmTopicArns: usEast1Topics(monitoring?.alarmTopicArns ?? []),
            notifyOnRecovery: monitoring?.notifyOnRecovery ?? true,
        });
    },

    outputs: (built) => ({ healthCheckIds: built.healthCheckIds }),
});
