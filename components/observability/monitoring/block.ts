/**
 * The monitoring block (`platform:monitoring`): the alarm topic and its subscriptions, one alarm
 * per spec every other block contributes (its `alarms`), and the overview dashboard. Built last,
 * so it sees every block's alarms. Its thresholds are the keys the blocks declare (`thresholds`
 * in their block.ts), each with its default.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Problem, nest, showValue } from "../../../lib/problems";
import { BuildContext, RegistryFacts, StackInfo, defineBlock, singleKey } from "../../../stacks/block";
import { Monitoring, monitoringSettingsProblems } from "./monitoring";

function monitoringSchema(registry: RegistryFacts) {
    return singleKey(
        "monitoring",
        z
            .strictObject({
                alarmEmails: z.array(z.string()).default([]).describe("Addresses subscribed to `<prefix>-<env>-alarms`; each confirms AWS's mail once. Distinct."),
                alarmTopicArns: z
                    .array(z.string())
                    .default([])
                    .describe("Existing SNS topics the alarms notify too: an on-call tool's (PagerDuty, Opsgenie, AWS Chatbot), in the stack's region, its policy letting `cloudwatch.amazonaws.com` publish."),
                unattendedReason: z
                    .string()
                    .optional()
                    .describe("Why this stack's alarms notify nobody (no alarmEmails, no alarmTopicArns): a prod stack refuses that without it, and every preview prints it. Only without recipients."),
                notifyOnRecovery: z.boolean().default(true).describe("Mail when an alarm returns to OK, too."),
                thresholds: z.strictObject(registry.thresholds).prefault({}).describe("Alarm thresholds, each block's with its default."),
                topicKmsKeyArn: z
                    .string()
                    .optional()
                    .describe("A customer-managed key whose policy lets `cloudwatch.amazonaws.com` use it (the AWS managed `aws/sns` key cannot serve alarms). Default: unencrypted."),
            })
            .describe("Alarms, where they go, and the overview dashboard."),
    );
}

export type MonitoringConfig = z.output<ReturnType<typeof monitoringSchema>>;

/**
 * Alarms reach someone: a prod stack has recipients (addresses or on-call topics) or says why not
 * (`unattendedReason`, never empty); a topic is in the stack's region (alarm actions are regional).
 */
function recipientProblems(monitoring: MonitoringConfig, stack: StackInfo): Problem[] {
    const problems: Problem[] = [];
    const recipients = monitoring.alarmEmails.length + monitoring.alarmTopicArns.length;
    const reason = monitoring.unattendedReason;
    if (reason !== undefined && reason.trim() === "") {
        problems.push({ path: ["monitoring", "unattendedReason"], message: "is empty; say why this stack's alarms notify nobody, or remove it" });
    } else if (reason === undefined && recipients === 0 && stack.env === "prod") {
        problems.push({
            path: ["monitoring", "alarmEmails"],
            message: "is empty, and so is alarmTopicArns: prod's alarms would notify nobody; list the on-call addresses, or an on-call tool's SNS topic in alarmTopicArns, or say why not in unattendedReason",
        });
    }
    monitoring.alarmTopicArns.forEach((arn, i) => {
        const region = arn.split(":")[3];
        if (region !== undefined && stack.region !== "" && region !== stack.region && arn.startsWith("arn:")) {
            problems.push({ path: ["monitoring", "alarmTopicArns", i], message: `is in ${showValue(region)}; CloudWatch alarms notify topics of their own region, ${showValue(stack.region)}` });
        }
    });
    return problems;
}

export const monitoringBlock = defineBlock({
    name: "monitoring",
    keys: ["monitoring"],
    schema: (_stack, registry) => monitoringSchema(registry),

    rules: (monitoring, view): Problem[] => [...nest(["monitoring"], monitoringSettingsProblems(monitoring)), ...recipientProblems(monitoring, view.stack)],

    build(monitoring: MonitoringConfig, ctx: BuildContext): Monitoring {
        if (monitoring.unattendedReason !== undefined) {
            // On every preview and up: the decision stays visible for as long as it stands. Once
            // someone is notified, the reason is stale; said, not refused (setting the first
            // address is a one-line edit).
            const notified = monitoring.alarmEmails.length + monitoring.alarmTopicArns.length > 0;
            pulumi.log.warn(
                notified
                    ? "platform:monitoring.unattendedReason is set, but the alarms notify alarmEmails or alarmTopicArns now; remove it (pulumi config rm --path 'platform:monitoring.unattendedReason')"
                    : `platform:monitoring.unattendedReason: the alarms of this stack notify nobody: ${JSON.stringify(monitoring.unattendedReason)}`,
            );
        }
        return new Monitoring("monitoring", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            sections: ctx.alarms(monitoring.thresholds),
            alarmEmails: monitoring.alarmEmails,
            alarmTopicArns: monitoring.alarmTopicArns,
            notifyOnRecovery: monitoring.notifyOnRecovery,
            topicKmsKeyArn: monitoring.topicKmsKeyArn,
        });
    },

    outputs: (monitoring) => ({
        alarmTopicArn: monitoring.topicArn,
        alarmCount: monitoring.alarmNames.length,
        dashboardName: monitoring.dashboardName,
        dashboardUrl: monitoring.dashboardUrl,
    }),
});
