/**
 * The monitoring block (`platform:monitoring`): the alarm topic and its subscriptions, one alarm
 * per spec every other block contributes (its `alarms`), and the overview dashboard. Built last,
 * so it sees every block's alarms. Its thresholds are the keys the blocks declare (`thresholds`
 * in their block.ts), each with its default.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Problem, nest } from "../../../lib/problems";
import { BuildContext, RegistryFacts, defineBlock, singleKey } from "../../../stacks/block";
import { Monitoring, monitoringSettingsProblems } from "./monitoring";

function monitoringSchema(registry: RegistryFacts) {
    return singleKey(
        "monitoring",
        z
            .strictObject({
                alarmEmails: z.array(z.string()).default([]).describe("Addresses subscribed to `<prefix>-<env>-alarms`; each confirms AWS's mail once. Distinct."),
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

export const monitoringBlock = defineBlock({
    name: "monitoring",
    keys: ["monitoring"],
    schema: (_stack, registry) => monitoringSchema(registry),

    rules: (monitoring): Problem[] => nest(["monitoring"], monitoringSettingsProblems(monitoring)),

    build(monitoring: MonitoringConfig, ctx: BuildContext): Monitoring {
        if (ctx.stack.env === "prod" && monitoring.alarmEmails.length === 0) {
            pulumi.log.warn("platform:monitoring.alarmEmails is empty: the alarms publish to their SNS topic, but nobody is subscribed to it");
        }
        return new Monitoring("monitoring", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            sections: ctx.alarms(monitoring.thresholds),
            alarmEmails: monitoring.alarmEmails,
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
