/**
 * The LambdaSchedules component: system D's daily question as EventBridge Scheduler receives it
 * (expression, time zone, no flexible window, retry policy, dead-letter queue, input, state), the
 * encrypted dead-letter queue, the schedule group, and the execution role: trusted by Scheduler
 * for this account and this group only, allowed exactly the one function and its queue; and the
 * function's asynchronous invocation as Lambda receives it (no handler retry, the event's age,
 * failures to the same queue), with the function's role allowed exactly to send to that queue.
 */
import { expect } from "chai";
import { LambdaSchedules, LambdaSchedulesArgs } from "../../../../components/serverless/schedules/lambda-schedules";
import { scheduleAlarms } from "../../../../components/serverless/schedules/alarms";
import { ScheduleSpec } from "../../../../components/serverless/schedules/schedules";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, refusedArguments, runView } from "../../../support/query";

const SCHEDULE = "aws:scheduler/schedule:Schedule";
const GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup";
const QUEUE = "aws:sqs/queue:Queue";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const naming = new Naming("couple", "prod");
const tags = baseTags({ project: "couple", env: "prod", stack: "test" });
const fnArn = (name: string) => `arn:aws:lambda:ap-northeast-2:${MOCK_ACCOUNT_ID}:function:couple-prod-${name}`;
const queueArn = (key: string) => `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-${key}-schedule-dlq`;
const FUNCTIONS = new Map([
    ["daily-question", { arn: fnArn("daily-question"), roleName: "couple-prod-daily-question-lambda" }],
    ["ws-connect", { arn: fnArn("ws-connect"), roleName: "couple-prod-ws-connect-lambda" }],
]);

function spec(change: Partial<ScheduleSpec> = {}): ScheduleSpec {
    return { function: "daily-question", expression: "cron(0 0 * * ? *)", timezone: "Asia/Seoul", retry: { attempts: 3, maxEventAgeSeconds: 3600 }, input: '{"kind":"daily-question"}', enabled: true, ...change };
}

function args(change: Partial<LambdaSchedulesArgs> = {}): LambdaSchedulesArgs {
    return { naming, tags, schedules: { "daily-question": spec() }, functions: FUNCTIONS, ...change };
}

function runSchedules(scheduleArgs: LambdaSchedulesArgs): Promise<RunView> {
    return runView(() => {
        const built = new LambdaSchedules("schedules", scheduleArgs);
        return { schedules: built.schedules.map((s) => ({ key: s.key, name: s.name, arn: s.arn, groupArn: s.groupArn, roleArn: s.roleArn, queueName: s.queueName, queueUrl: s.queueUrl, queueArn: s.queueArn })) };
    });
}

describe("components/lambda-schedules: system D's daily question", () => {
    let view: RunView;
    const group = () => view.one(GROUP, "schedules-daily-question-group");
    const queue = () => view.one(QUEUE, "schedules-daily-question-dlq");
    const role = () => view.one(T.role, "schedules-daily-question-role");
    before(async () => {
        view = await runSchedules(args());
    });

    it("creates one schedule couple-prod-daily-question in its own group, with realistic ARNs and the queue's URL", () => {
        expect(view.ofType(SCHEDULE).map((s) => [s.name, s.inputs.name, s.inputs.groupName, s.id])).to.deep.equal([
            ["schedules-daily-question", "couple-prod-daily-question", "couple-prod-daily-question", "couple-prod-daily-question/couple-prod-daily-question"],
        ]);
        expect(view.run.outputs.schedules).to.deep.equal([
            {
                key: "daily-question",
                name: "couple-prod-daily-question",
                arn: `arn:aws:scheduler:ap-northeast-2:${MOCK_ACCOUNT_ID}:schedule/couple-prod-daily-question/couple-prod-daily-question`,
                groupArn: `arn:aws:scheduler:ap-northeast-2:${MOCK_ACCOUNT_ID}:schedule-group/couple-prod-daily-question`,
                roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/couple-prod-daily-question-scheduler`,
                queueName: "couple-prod-daily-question-schedule-dlq",
                queueUrl: `https://sqs.ap-northeast-2.amazonaws.com/${MOCK_ACCOUNT_ID}/couple-prod-daily-question-schedule-dlq`,
                queueArn: `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-daily-question-schedule-dlq`,
            },
        ]);
    });

    it("runs at 00:00 Seoul time every day, at the minute (no flexible window), enabled", () => {
        expect(view.one(SCHEDULE, "schedules-daily-question").inputs).to.deep.include({
            scheduleExpression: "cron(0 0 * * ? *)",
            scheduleExpressionTimezone: "Asia/Seoul",
            flexibleTimeWindow: { mode: "OFF" },
            state: "ENABLED",
        });
    });

    it("invokes the function's unqualified ARN as its role, with the input, 3 retries within an hour, then the dead-letter queue", () => {
        expect(view.one(SCHEDULE, "schedules-daily-question").inputs.target).to.deep.equal({
            arn: fnArn("daily-question"),
            roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/couple-prod-daily-question-scheduler`,
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-daily-question-schedule-dlq` },
            input: '{"kind":"daily-question"}',
        });
    });

    it("keeps dead letters 14 days in a standard queue encrypted with SQS managed keys, with no queue policy", () => {
        expect(queue().inputs).to.deep.include({ name: "couple-prod-daily-question-schedule-dlq", sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 });
        expect(queue().inputs).to.not.have.any.keys("fifoQueue", "kmsMasterKeyId", "policy");
        expect(view.ofType("aws:sqs/queuePolicy:QueuePolicy")).to.deep.equal([]);
    });

    it("lets only EventBridge Scheduler assume the role, for this account and this schedule group", () => {
        expect(role().inputs.name).to.equal("couple-prod-daily-question-scheduler");
        expect(JSON.parse(role().inputs.assumeRolePolicy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "scheduler.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:scheduler:ap-northeast-2:${MOCK_ACCOUNT_ID}:schedule-group/couple-prod-daily-question` },
                    },
                },
            ],
        });
    });

    it("allows the role exactly lambda:InvokeFunction on the one function and sqs:SendMessage on its queue, in its one policy", () => {
        const policies = view.ofType(T.rolePolicy).filter((p) => p.inputs.role === "couple-prod-daily-question-scheduler");
        expect(policies.map((p) => [p.inputs.name, p.inputs.role])).to.deep.equal([["couple-prod-daily-question-scheduler-policy", "couple-prod-daily-question-scheduler"]]);
        expect(view.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
        expect(JSON.parse(policies[0].inputs.policy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                { Sid: "InvokeTheFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fnArn("daily-question") },
                { Sid: "DeliverDeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-daily-question-schedule-dlq` },
            ],
        });
    });

    it("has Lambda run the handler of a delivered event once, keep the event an hour, and send the record of a failure to the schedule's queue", () => {
        const configs = view.ofType(INVOKE_CONFIG);
        expect(configs.map((c) => [c.name, c.id])).to.deep.equal([["schedules-daily-question-invoke-config", fnArn("daily-question")]]);
        // The unqualified function, exactly as the schedule's target names it: no qualifier (version or alias).
        expect(configs[0].inputs).to.deep.equal({
            functionName: fnArn("daily-question"),
            maximumRetryAttempts: 0,
            maximumEventAgeInSeconds: 3600,
            destinationConfig: { onFailure: { destination: queueArn("daily-question") } },
        });
        expect(configs[0].inputs.functionName).to.equal((view.one(SCHEDULE, "schedules-daily-question").inputs.target as { arn: string }).arn);
        expect((configs[0].inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination).to.equal(
            (view.one(SCHEDULE, "schedules-daily-question").inputs.target as { deadLetterConfig: { arn: string } }).deadLetterConfig.arn,
        );
    });

    it("allows the function's own role exactly sqs:SendMessage on exactly the schedule's queue, in a policy of its own", () => {
        const policies = view.ofType(T.rolePolicy).filter((p) => p.inputs.role === "couple-prod-daily-question-lambda");
        expect(policies.map((p) => [p.name, p.inputs.name, p.id])).to.deep.equal([
            ["schedules-daily-question-failure-policy", "couple-prod-daily-question-schedule-dlq-send", "couple-prod-daily-question-lambda:couple-prod-daily-question-schedule-dlq-send"],
        ]);
        expect(JSON.parse(policies[0].inputs.policy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{ Sid: "RecordHandlerFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn("daily-question") }],
        });
        // Two policies in all: the scheduler role's and this one.
        expect(view.ofType(T.rolePolicy)).to.have.length(2);
    });

    it("sets the function's invocation after its role may write the queue, and creates the schedule after both its role's policy and that", () => {
        const schedulerPolicy = view.one(T.rolePolicy, "schedules-daily-question-policy");
        const failurePolicy = view.one(T.rolePolicy, "schedules-daily-question-failure-policy");
        const config = view.one(INVOKE_CONFIG, "schedules-daily-question-invoke-config");
        expect(config.options.explicitDependsOn).to.deep.equal([failurePolicy.urn]);
        expect(view.one(SCHEDULE, "schedules-daily-question").options.explicitDependsOn).to.deep.equal([config.urn, schedulerPolicy.urn].sort());
    });

    it("tags the group, the queue and the role (a schedule takes no tags), every child under the component", () => {
        const expected = (name: string) => ({ ...tags, Component: "lambda-schedules", Name: name });
        expect(group().inputs.tags).to.deep.equal(expected("couple-prod-daily-question"));
        expect(queue().inputs.tags).to.deep.equal(expected("couple-prod-daily-question-schedule-dlq"));
        expect(role().inputs.tags).to.deep.equal(expected("couple-prod-daily-question-scheduler"));
        expect(view.one(SCHEDULE, "schedules-daily-question").inputs).to.not.have.property("tags");
        const component = view.one("platform:serverless:LambdaSchedules", "schedules");
        expect(view.custom.every((r: RecordedResource) => r.parent === component.urn)).to.equal(true);
    });
});

describe("components/lambda-schedules: settings", () => {
    it("plans a disabled rate schedule without input, and one role and queue per schedule, each its own function's", async () => {
        const view = await runSchedules(
            args({
                schedules: {
                    "daily-question": spec(),
                    sweep: spec({ function: "ws-connect", expression: "rate(15 minutes)", timezone: "UTC", input: undefined, enabled: false, retry: { attempts: 0, maxEventAgeSeconds: 60 } }),
                },
            }),
        );
        const sweep = view.one(SCHEDULE, "schedules-sweep").inputs;
        expect(sweep).to.deep.include({ scheduleExpression: "rate(15 minutes)", scheduleExpressionTimezone: "UTC", state: "DISABLED" });
        expect(sweep.target).to.not.have.property("input");
        expect((sweep.target as { retryPolicy: unknown }).retryPolicy).to.deep.equal({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 });
        expect((sweep.target as { arn: string }).arn).to.equal(fnArn("ws-connect"));
        expect(view.ofType(T.role).map((r) => r.inputs.name).sort()).to.deep.equal(["couple-prod-daily-question-scheduler", "couple-prod-sweep-scheduler"]);
        expect(view.ofType(QUEUE).map((q) => q.inputs.name).sort()).to.deep.equal(["couple-prod-daily-question-schedule-dlq", "couple-prod-sweep-schedule-dlq"]);
        const sweepPolicy = view.ofType(T.rolePolicy).find((p) => p.inputs.role === "couple-prod-sweep-scheduler")!;
        const resources = (JSON.parse(sweepPolicy.inputs.policy as string) as { Statement: Array<{ Resource: string }> }).Statement.map((s) => s.Resource);
        expect(resources).to.deep.equal([fnArn("ws-connect"), `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-sweep-schedule-dlq`]);
        // Each function's invocation sends its failures to its own schedule's queue, from its own role.
        expect(view.ofType(INVOKE_CONFIG).map((c) => [c.inputs.functionName, (c.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination])).to.deep.equal([
            [fnArn("daily-question"), queueArn("daily-question")],
            [fnArn("ws-connect"), queueArn("sweep")],
        ]);
        const sends = view.ofType(T.rolePolicy).filter((p) => String(p.inputs.name).endsWith("-schedule-dlq-send"));
        expect(sends.map((p) => [p.inputs.role, JSON.parse(p.inputs.policy as string).Statement[0].Resource])).to.deep.equal([
            ["couple-prod-daily-question-lambda", queueArn("daily-question")],
            ["couple-prod-ws-connect-lambda", queueArn("sweep")],
        ]);
    });

    it("lets Lambda retry an idempotent handler up to twice, and keeps a delivered event at most Lambda's 6 hours however long Scheduler retries", async () => {
        const view = await runSchedules(args({ schedules: { "daily-question": spec({ retry: { attempts: 185, maxEventAgeSeconds: 86_400, handlerAttempts: 2 } }) } }));
        expect((view.one(SCHEDULE, "schedules-daily-question").inputs.target as { retryPolicy: unknown }).retryPolicy).to.deep.equal({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 });
        expect(view.one(INVOKE_CONFIG, "schedules-daily-question-invoke-config").inputs).to.deep.include({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600 });
        const edge = await runSchedules(args({ schedules: { "daily-question": spec({ retry: { attempts: 3, maxEventAgeSeconds: 21_600, handlerAttempts: 1 } }) } }));
        expect(edge.one(INVOKE_CONFIG, "schedules-daily-question-invoke-config").inputs).to.deep.include({ maximumRetryAttempts: 1, maximumEventAgeInSeconds: 21_600 });
    });

    it("refuses bad arguments before it registers anything, each problem at its schedule", async () => {
        const lines = await refusedArguments("LambdaSchedules", () =>
            new LambdaSchedules(
                "schedules",
                args({
                    schedules: {
                        q: spec({ function: "nightly", expression: "rate(1 minutes)", retry: { attempts: 200, maxEventAgeSeconds: 3600, handlerAttempts: 3 } }),
                        "daily-question": spec(),
                        again: spec(),
                    },
                }),
            ),
        );
        expect(lines).to.deep.equal([
            'schedules.q.function: "nightly" is not among the functions given',
            'schedules.q.expression: "rate(1 minutes)" takes the singular for 1: rate(1 minute)',
            "schedules.q.retry.attempts: 200 is outside 0–185; EventBridge Scheduler retries a failed invocation 0 to 185 times",
            "schedules.q.retry.handlerAttempts: 3 is outside 0–2; Lambda retries a handler that failed 0 to 2 times (0: it runs once per delivered event)",
            'schedules.again.function: "daily-question" is also the target of schedule "daily-question"; a function has one asynchronous invocation configuration, so one failure destination (a schedule\'s dead-letter queue): schedules "daily-question" and "again" need a function each',
        ]);
    });
});

describe("components/lambda-schedules: alarms", () => {
    it("watches the dead-letter queue's depth and the group's target errors and lost dead letters, each above 0", () => {
        const specs = scheduleAlarms({ key: "daily-question", name: "couple-prod-daily-question", queueName: "couple-prod-daily-question-schedule-dlq" });
        expect(specs.map((s) => [s.key, s.metric?.namespace, s.metric?.metricName, s.metric?.dimensions, s.metric?.stat, s.comparison, s.threshold])).to.deep.equal([
            ["schedule-daily-question-dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: "couple-prod-daily-question-schedule-dlq" }, "Maximum", "GreaterThanThreshold", 0],
            ["schedule-daily-question-target-errors", "AWS/Scheduler", "TargetErrorCount", { ScheduleGroup: "couple-prod-daily-question" }, "Sum", "GreaterThanThreshold", 0],
            ["schedule-daily-question-dead-letters-lost", "AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", { ScheduleGroup: "couple-prod-daily-question" }, "Sum", "GreaterThanThreshold", 0],
        ]);
        expect(specs.every((s) => s.group === "schedules" && s.treatMissingData === "notBreaching" && s.evaluationPeriods === 1 && s.metric?.period === 300)).to.equal(true);
        // The queue holds both kinds of dead letter; the description says how to tell them apart.
        expect(specs[0].description).to.equal(
            "Schedule couple-prod-daily-question failed a run: a dead letter waits in couple-prod-daily-question-schedule-dlq, from Scheduler (not delivered: message attributes ERROR_CODE, ERROR_MESSAGE) or from Lambda (the handler failed: a JSON record with requestContext.condition and the error in responsePayload); read it, fix the cause, then purge or replay",
        );
    });
});
