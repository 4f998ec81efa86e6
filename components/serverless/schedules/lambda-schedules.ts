/**
 * LambdaSchedules — EventBridge Scheduler schedules that each invoke one Lambda function. Per
 * schedule `<key>`:
 *
 * - a schedule group `<prefix>-<env>-<key>` (tagged: groups take tags, schedules do not), so the
 *   execution role's trust can name exactly that group (`aws:SourceArn`, as AWS's confused-deputy
 *   guidance asks: a group, never a schedule) and `AWS/Scheduler`'s metrics, whose only dimension
 *   is the group, are this schedule's own;
 * - a standard SQS dead-letter queue `<prefix>-<env>-<key>-schedule-dlq`, encrypted with SQS
 *   managed keys (SSE-SQS: the role needs no KMS grant and no key policy is involved), keeping a
 *   dead letter 14 days, SQS's longest;
 * - an execution role `<prefix>-<env>-<key>-scheduler`, assumable by `scheduler.amazonaws.com`
 *   only for this account and this group, allowed exactly `lambda:InvokeFunction` on the function
 *   and `sqs:SendMessage` on the queue (the role delivers dead letters: no queue policy);
 * - the function's asynchronous invocation configuration (one per function: a function is the
 *   target of one schedule): Scheduler invokes the function asynchronously, and its retry policy
 *   and dead-letter queue cover only the delivery (throttling, permissions, a missing function);
 *   a handler that errors or times out is Lambda's to retry, by default twice, then discarded. So
 *   here Lambda retries it `retry.handlerAttempts` times (0 by default: it runs once per delivered
 *   event), keeps the event as long as the schedule's `retry.maxEventAgeSeconds` (at most Lambda's
 *   21,600), and sends the record of a failure, with the error, to the schedule's dead-letter queue
 *   (sources in schedules.ts);
 * - an inline policy `<queue>-send` on the function's execution role: exactly `sqs:SendMessage` on
 *   that queue, since Lambda writes the record with the function's role; the configuration is
 *   created after it (Lambda checks the permission when it is set);
 * - the schedule `<prefix>-<env>-<key>` in its group: the expression read in its time zone, no
 *   flexible window (it runs at the minute), the retry policy, the dead-letter queue, the input,
 *   ENABLED or DISABLED; created after its role's policy and the function's configuration, so its
 *   first invocation is handled as configured.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { policyDocument, serviceTrustPolicy } from "../../../lib/iam";
import { Problem, nest, showValue } from "../../../lib/problems";
import {
    DLQ_RETENTION_SECONDS,
    RETRY_DEFAULTS,
    ScheduleSpec,
    executionRoleStatements,
    handlerEventAgeSeconds,
    handlerFailureStatements,
    scheduleNames,
    schedulesProblems,
} from "./schedules";

export interface LambdaSchedulesArgs extends ComponentBaseArgs {
    /** Schedules by key; each is named `<prefix>-<env>-<key>`. */
    schedules: Readonly<Record<string, ScheduleSpec>>;
    /**
     * The functions the schedules invoke, by their key in `platform:functions`: each one's
     * unqualified ARN, and its execution role's name (which gets `sqs:SendMessage` on its
     * schedule's dead-letter queue).
     */
    functions: ReadonlyMap<string, { readonly arn: pulumi.Input<string>; readonly roleName: pulumi.Input<string> }>;
}

/** One schedule as outputs and alarms see it. */
export interface BuiltSchedule {
    /** Its key in `platform:schedules`. */
    readonly key: string;
    /** The function's key it invokes. */
    readonly function: string;
    /** The schedule's name, which is its group's too. */
    readonly name: string;
    readonly arn: pulumi.Output<string>;
    readonly groupArn: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    /** The dead-letter queue's name (the `QueueName` dimension of its metrics). */
    readonly queueName: string;
    readonly queueUrl: pulumi.Output<string>;
    readonly queueArn: pulumi.Output<string>;
}

/** The arguments' problems: the schedules' own rules, and a function the map does not hold. */
function argumentProblems(args: LambdaSchedulesArgs): Problem[] {
    const problems = nest(["schedules"], schedulesProblems(args.schedules, { naming: args.naming, functions: [...args.functions.keys()] }));
    const given = (key: string) => args.functions.has(args.schedules[key].function);
    return problems.map((p) =>
        p.path[2] === "function" && !given(String(p.path[1])) ? { ...p, message: `${showValue(args.schedules[String(p.path[1])].function)} is not among the functions given` } : p,
    );
}

export class LambdaSchedules extends PlatformComponent {
    public readonly schedules: readonly BuiltSchedule[];

    constructor(name: string, args: LambdaSchedulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:serverless:LambdaSchedules", name, { ...args, component: "lambda-schedules", problems: argumentProblems(args) }, opts);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        this.schedules = Object.entries(args.schedules).map(([key, spec]) => this.schedule(`${name}-${key}`, key, spec, args, account));
        this.registerOutputs({
            schedules: Object.fromEntries(this.schedules.map((s) => [s.key, { name: s.name, arn: s.arn, deadLetterQueueUrl: s.queueUrl }])),
        });
    }

    private schedule(resourceName: string, key: string, spec: ScheduleSpec, args: LambdaSchedulesArgs, account: pulumi.Output<string>): BuiltSchedule {
        const names = scheduleNames(args.naming, key);
        const target = args.functions.get(spec.function)!;
        const functionArn = target.arn;

        const group = new aws.scheduler.ScheduleGroup(`${resourceName}-group`, { name: names.schedule, tags: this.tagsFor(names.schedule) }, { parent: this });
        const queue = new aws.sqs.Queue(
            `${resourceName}-dlq`,
            { name: names.queue, sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS, tags: this.tagsFor(names.queue) },
            { parent: this },
        );
        // Trusts EventBridge Scheduler for this account's schedules of this group only. The group
        // exists before the role and the role before the schedule: no cycle.
        const role = new aws.iam.Role(
            `${resourceName}-role`,
            {
                name: names.role,
                description: `EventBridge Scheduler runs schedule ${names.schedule} as this role`,
                assumeRolePolicy: pulumi.jsonStringify(serviceTrustPolicy("scheduler.amazonaws.com", account, group.arn)),
                tags: this.tagsFor(names.role),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${resourceName}-policy`,
            { name: `${names.role}-policy`, role: role.name, policy: pulumi.jsonStringify(policyDocument(executionRoleStatements({ functionArn: pulumi.output(functionArn), queueArn: queue.arn }))) },
            { parent: this },
        );
        // What happens to the event once Lambda has it: the handler's retries, how long Lambda
        // keeps it, and where the record of a failure goes. Lambda writes that record as the
        // function's role, which may send to exactly this queue.
        const failurePolicy = new aws.iam.RolePolicy(
            `${resourceName}-failure-policy`,
            { name: names.failurePolicy, role: target.roleName, policy: pulumi.jsonStringify(policyDocument(handlerFailureStatements(queue.arn))) },
            { parent: this },
        );
        const invokeConfig = new aws.lambda.FunctionEventInvokeConfig(
            `${resourceName}-invoke-config`,
            {
                // Unqualified, as the schedule's target is: the function's own configuration, not a version's or an alias's.
                functionName: functionArn,
                maximumRetryAttempts: spec.retry.handlerAttempts ?? RETRY_DEFAULTS.handlerAttempts,
                maximumEventAgeInSeconds: handlerEventAgeSeconds(spec),
                destinationConfig: { onFailure: { destination: queue.arn } },
            },
            // Lambda refuses a destination the function's role may not write to.
            { parent: this, dependsOn: [failurePolicy] },
        );
        const schedule = new aws.scheduler.Schedule(
            resourceName,
            {
                name: names.schedule,
                groupName: group.name,
                scheduleExpression: spec.expression,
                scheduleExpressionTimezone: spec.timezone,
                flexibleTimeWindow: { mode: "OFF" },
                state: spec.enabled ? "ENABLED" : "DISABLED",
                target: {
                    arn: functionArn,
                    roleArn: role.arn,
                    retryPolicy: { maximumRetryAttempts: spec.retry.attempts, maximumEventAgeInSeconds: spec.retry.maxEventAgeSeconds },
                    deadLetterConfig: { arn: queue.arn },
                    ...(spec.input !== undefined ? { input: spec.input } : {}),
                },
            },
            // The first invocation may come at once: the role's permissions and the function's
            // handling of a failure exist before the schedule.
            { parent: this, dependsOn: [policy, invokeConfig] },
        );
        return {
            key,
            function: spec.function,
            name: names.schedule,
            arn: schedule.arn,
            groupArn: group.arn,
            roleArn: role.arn,
            queueName: names.queue,
            queueUrl: queue.url,
            queueArn: queue.arn,
        };
    }
}
