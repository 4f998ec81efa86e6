/**
 * platform:schedules in stacks: its defaults, every rule triggered by a stack file's config with
 * its exact message (named by the key as written), the functions block it needs; and system D's
 * daily question planned through the program: the schedule invokes exactly the function the
 * functions block built, as a role that may invoke only it and write only its own dead-letter
 * queue; Lambda runs the handler once and records its failure in the same queue, from the
 * function's own role, which may send there and nowhere else the schedules grant; with its alarms
 * and outputs, and the stack meets the baseline.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { schedulesBlock } from "../../components/serverless/schedules/block";
import { parseStackConfig } from "../../stacks/config";
import { MOCK_ACCOUNT_ID, ProgramRun } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, problemLines } from "../fixtures/config";
import { expectBaseline } from "../support/baseline";
import { StackCopy } from "../support/stack-copy";
import { RunView, T } from "../support/query";

const SCHEDULE = "aws:scheduler/schedule:Schedule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const DLQ_ARN = `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-daily-question-schedule-dlq`;
const fnArn = (name: string) => `arn:aws:lambda:ap-northeast-2:${MOCK_ACCOUNT_ID}:function:${name}`;

/** System D's functions, outside the VPC (no network needed). */
const FUNCTIONS = {
    "daily-question": { s3: { bucket: "couple-artifacts", key: "daily-question/1.0.0.zip", runtime: "python3.13", handler: "app.handler" }, vpc: false },
    "ws-default": { s3: { bucket: "couple-artifacts", key: "ws/1.0.0.zip", runtime: "python3.13", handler: "app.default" }, vpc: false },
};

function dailyQuestion(): Json {
    return { "daily-question": { function: "daily-question", expression: "cron(0 0 * * ? *)", input: '{"kind":"daily-question"}' } };
}

/** A prod `couple` stack with the functions, the daily question (`change` applied to the schedules) and monitoring. */
function couple(change: (schedules: Json) => void = () => {}, extra: ConfigMap = {}): ConfigMap {
    const schedules = dailyQuestion();
    change(schedules);
    return {
        "aws:region": "ap-northeast-2",
        "platform:env": "prod",
        "platform:name": "couple",
        "platform:functions": JSON.stringify(FUNCTIONS),
        "platform:schedules": JSON.stringify(schedules),
        "platform:monitoring": JSON.stringify({ alarmEmails: ["oncall@example.com"] }),
        ...extra,
    };
}

describe("stacks: platform:schedules resolves with its defaults", () => {
    it("Asia/Seoul, 3 delivery retries within an hour, no handler retry, enabled, no input unless given", () => {
        const schedules = parseStackConfig(couple((s) => delete s["daily-question"].input), "couple").config(schedulesBlock)!;
        expect(schedules).to.deep.equal({
            "daily-question": {
                function: "daily-question",
                expression: "cron(0 0 * * ? *)",
                timezone: "Asia/Seoul",
                retry: { attempts: 3, maxEventAgeSeconds: 3600, handlerAttempts: 0 },
                enabled: true,
            },
        });
    });
});

describe("stacks: bad platform:schedules configs", () => {
    const q = (change: (schedule: Json) => void) => () => couple((s) => change(s["daily-question"]));
    const cases: RuleCase[] = [
        ["no schedule at all", () => couple((s) => delete s["daily-question"]), ["platform:schedules: is empty; name at least one schedule, or leave platform:schedules out"]],
        [
            "schedules without platform:functions",
            () => {
                const config = couple();
                delete config["platform:functions"];
                return config;
            },
            ["platform:schedules: needs platform:functions, which this stack does not have"],
        ],
        [
            "a function platform:functions does not have",
            q((s) => (s.function = "daily-questoin")),
            ['platform:schedules.daily-question.function: "daily-questoin" is not a function of platform:functions; its functions: daily-question, ws-default (did you mean "daily-question"?)'],
        ],
        [
            "a five-field cron (Unix style)",
            q((s) => (s.expression = "cron(0 0 * * *)")),
            [
                "platform:schedules.daily-question.expression: \"cron(0 0 * * *)\" has 5 fields; EventBridge Scheduler's cron takes 6: minutes hours day-of-month month day-of-week year (e.g. cron(0 9 * * ? *), 09:00 every day)",
            ],
        ],
        [
            "a cron with * in both day fields",
            q((s) => (s.expression = "cron(0 0 * * * *)")),
            ['platform:schedules.daily-question.expression: "cron(0 0 * * * *)" sets both day-of-month ("*") and day-of-week ("*"); one of them must be ? (e.g. cron(0 9 * * ? *), 09:00 every day)'],
        ],
        [
            "an hour of 24",
            q((s) => (s.expression = "cron(0 24 * * ? *)")),
            ['platform:schedules.daily-question.expression: "cron(0 24 * * ? *)" has "24" in hours: 24 is outside 0–23; hours takes 0–23 and , - * /'],
        ],
        ["rate(1 days)", q((s) => (s.expression = "rate(1 days)")), ['platform:schedules.daily-question.expression: "rate(1 days)" takes the singular for 1: rate(1 day)']],
        [
            "a rate in seconds",
            q((s) => (s.expression = "rate(30 seconds)")),
            ['platform:schedules.daily-question.expression: "rate(30 seconds)" has the unit "seconds"; EventBridge Scheduler\'s rate takes minute(s), hour(s) or day(s)'],
        ],
        [
            "at() with a zone",
            q((s) => (s.expression = "at(2026-03-01T00:00:00Z)")),
            ['platform:schedules.daily-question.expression: "at(2026-03-01T00:00:00Z)" has a zone or offset; at() takes a local yyyy-mm-ddThh:mm:ss, read in the schedule\'s timezone'],
        ],
        [
            "neither cron, rate nor at",
            q((s) => (s.expression = "0 0 * * *")),
            [
                'platform:schedules.daily-question.expression: "0 0 * * *" is not a schedule expression; use cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), rate(<n> minute|minutes|hour|hours|day|days) or at(yyyy-mm-ddThh:mm:ss)',
            ],
        ],
        [
            "a time zone that is an abbreviation",
            q((s) => (s.timezone = "KST")),
            ['platform:schedules.daily-question.timezone: "KST" is not an IANA time zone name; use one like "Asia/Seoul" or "UTC"'],
        ],
        [
            "a misspelt time zone",
            q((s) => (s.timezone = "Asia/Seol")),
            ['platform:schedules.daily-question.timezone: "Asia/Seol" is not an IANA time zone name; use one like "Asia/Seoul" or "UTC" (did you mean "Asia/Seoul"?)'],
        ],
        [
            "186 retries",
            q((s) => (s.retry = { attempts: 186 })),
            ["platform:schedules.daily-question.retry.attempts: 186 is outside 0–185; EventBridge Scheduler retries a failed invocation 0 to 185 times"],
        ],
        [
            "an event age of 30 seconds",
            q((s) => (s.retry = { maxEventAgeSeconds: 30 })),
            ["platform:schedules.daily-question.retry.maxEventAgeSeconds: 30 is outside 60–86,400; EventBridge Scheduler keeps retrying an event for 1 minute to 24 hours, in whole seconds"],
        ],
        [
            "an event age over a day",
            q((s) => (s.retry = { maxEventAgeSeconds: 90_000 })),
            ["platform:schedules.daily-question.retry.maxEventAgeSeconds: 90000 is outside 60–86,400; EventBridge Scheduler keeps retrying an event for 1 minute to 24 hours, in whole seconds"],
        ],
        [
            "three handler retries (Lambda allows 2)",
            q((s) => (s.retry = { handlerAttempts: 3 })),
            ["platform:schedules.daily-question.retry.handlerAttempts: 3 is outside 0–2; Lambda retries a handler that failed 0 to 2 times (0: it runs once per delivered event)"],
        ],
        [
            "handler retries that are not a whole number",
            q((s) => (s.retry = { handlerAttempts: 1.5 })),
            ["platform:schedules.daily-question.retry.handlerAttempts: 1.5 is not a whole number; Lambda retries a handler that failed 0 to 2 times (0: it runs once per delivered event)"],
        ],
        [
            "a second schedule on the daily question's function",
            () => couple((s) => (s["evening-question"] = { function: "daily-question", expression: "cron(0 21 * * ? *)" })),
            [
                'platform:schedules.evening-question.function: "daily-question" is also the target of schedule "daily-question"; a function has one asynchronous invocation configuration, so one failure destination (a schedule\'s dead-letter queue): schedules "daily-question" and "evening-question" need a function each',
            ],
        ],
        [
            "an input that is not JSON",
            q((s) => (s.input = "{kind: daily-question}")),
            ['^platform:schedules\\.daily-question\\.input: "\\{kind: daily-question\\}" is not JSON \\(.+\\); a Lambda target takes a well-formed JSON document, e\\.g\\. \'\\{"kind":"daily-question"\\}\'$'],
        ],
        [
            "an input over 8,192 characters",
            q((s) => (s.input = JSON.stringify({ pad: "x".repeat(8200) }))),
            ["platform:schedules.daily-question.input: is 8,210 characters; a schedule's input is an instruction, at most 8,192 characters (keep data in a table or a bucket, and name it here)"],
        ],
        [
            "a key whose role name would pass IAM's 64 characters",
            () =>
                couple((s) => {
                    // Renamed: a second schedule on the same function would break another rule.
                    s["k".repeat(45)] = s["daily-question"];
                    delete s["daily-question"];
                }),
            [`platform:schedules.${"k".repeat(45)}: makes the execution role name "couple-prod-${"k".repeat(45)}-scheduler", which is 67 characters; AWS allows at most 64; shorten the key`],
        ],
        ["a key that is not a setting", q((s) => (s.flexibleWindow = 15)), ["^platform:schedules\\.daily-question\\.flexibleWindow: is not a known key"]],
    ];
    itRaises(cases);

    it("reports every bad setting of a schedule at once, each at its key", () => {
        expect(problemLines(couple((s) => Object.assign(s["daily-question"], { function: "nightly", expression: "rate(0 hours)", retry: { attempts: -1 } })), "couple")).to.deep.equal([
            'platform:schedules.daily-question.function: "nightly" is not a function of platform:functions; its functions: daily-question, ws-default',
            'platform:schedules.daily-question.expression: "rate(0 hours)" has the value "0"; a rate\'s value is a positive whole number',
            "platform:schedules.daily-question.retry.attempts: -1 is outside 0–185; EventBridge Scheduler retries a failed invocation 0 to 185 times",
        ]);
    });
});

/** System D's daily question, as the couple stack will carry it, with monitoring. */
const COUPLE_STACK = `config:
  aws:region: ap-northeast-2
  platform:env: prod
  platform:name: couple
  platform:functions:
    daily-question:
      s3: { bucket: couple-artifacts, key: daily-question/1.0.0.zip, runtime: python3.13, handler: app.handler }
      timeoutSeconds: 60
      vpc: false
    ws-default:
      s3: { bucket: couple-artifacts, key: ws/1.0.0.zip, runtime: python3.13, handler: app.default }
      vpc: false
  platform:schedules:
    daily-question:
      function: daily-question
      expression: cron(0 0 * * ? *)
      timezone: Asia/Seoul
      retry: { attempts: 3, maxEventAgeSeconds: 3600 }
      input: '{"kind":"daily-question"}'
  platform:monitoring:
    alarmEmails: [oncall@example.com]
`;

describe("stack couple (planned): the daily question", () => {
    let dir: string;
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-schedules-"));
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.couple.yaml"), COUPLE_STACK);
        run = await cachedStackRun("couple", dir);
        view = new RunView(run);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plans one schedule, at 00:00 Seoul time, at the minute, enabled, and meets the baseline", () => {
        const schedules = view.ofType(SCHEDULE);
        expect(schedules.map((s) => s.inputs.name)).to.deep.equal(["couple-prod-daily-question"]);
        expect(schedules[0].inputs).to.deep.include({ scheduleExpression: "cron(0 0 * * ? *)", scheduleExpressionTimezone: "Asia/Seoul", flexibleTimeWindow: { mode: "OFF" }, state: "ENABLED" });
        expectBaseline(run, { project: "couple", env: "prod", name: "couple" });
    });

    it("invokes exactly the function the functions block built, as its own role", () => {
        const fn = view.ofType("aws:lambda/function:Function").find((f) => f.inputs.name === "couple-prod-daily-question")!;
        const target = view.ofType(SCHEDULE)[0].inputs.target as { arn: string; roleArn: string; input: string; retryPolicy: unknown; deadLetterConfig: { arn: string } };
        expect(target.arn).to.equal(fnArn("couple-prod-daily-question")).and.to.equal(`arn:aws:lambda:ap-northeast-2:${MOCK_ACCOUNT_ID}:function:${String(fn.inputs.name)}`);
        expect(target).to.deep.include({
            roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/couple-prod-daily-question-scheduler`,
            input: '{"kind":"daily-question"}',
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-daily-question-schedule-dlq` },
        });
    });

    it("lets the schedule's role invoke only that function and write only its dead-letter queue; of the other roles only the function's may write it", () => {
        const policy = view.ofType(T.rolePolicy).find((p) => p.inputs.role === "couple-prod-daily-question-scheduler")!;
        expect(JSON.parse(policy.inputs.policy as string).Statement).to.deep.equal([
            { Sid: "InvokeTheFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fnArn("couple-prod-daily-question") },
            { Sid: "DeliverDeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: DLQ_ARN },
        ]);
        const others = view.ofType(T.rolePolicy).filter((p) => p !== policy);
        expect(others.filter((p) => String(p.inputs.policy).includes("couple-prod-daily-question-schedule-dlq")).map((p) => [p.inputs.role, p.inputs.name])).to.deep.equal([
            ["couple-prod-daily-question-lambda", "couple-prod-daily-question-schedule-dlq-send"],
        ]);
        const role = view.ofType(T.role).find((r) => r.inputs.name === "couple-prod-daily-question-scheduler")!;
        expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Condition).to.deep.equal({
            StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
            ArnLike: { "aws:SourceArn": `arn:aws:scheduler:ap-northeast-2:${MOCK_ACCOUNT_ID}:schedule-group/couple-prod-daily-question` },
        });
    });

    it("has Lambda run the handler once and record its failure in the schedule's queue, as the function's own role, which may send exactly there", () => {
        const fn = view.ofType("aws:lambda/function:Function").find((f) => f.inputs.name === "couple-prod-daily-question")!;
        const configs = view.ofType(INVOKE_CONFIG);
        expect(configs.map((c) => c.inputs)).to.deep.equal([
            { functionName: fnArn("couple-prod-daily-question"), maximumRetryAttempts: 0, maximumEventAgeInSeconds: 3600, destinationConfig: { onFailure: { destination: DLQ_ARN } } },
        ]);
        // The function's role, by the name its ARN ends in.
        const roleName = String(fn.inputs.role).split("/").pop();
        expect(roleName).to.equal("couple-prod-daily-question-lambda");
        const sends = view.ofType(T.rolePolicy).filter((p) => p.inputs.role === roleName);
        const send = sends.find((p) => p.inputs.name === "couple-prod-daily-question-schedule-dlq-send")!;
        expect(JSON.parse(send.inputs.policy as string).Statement).to.deep.equal([{ Sid: "RecordHandlerFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: DLQ_ARN }]);
        expect(configs[0].options.explicitDependsOn).to.deep.equal([send.urn]);
        // The function's own policy grants no queue: the schedules' grant is the only one.
        const own = sends.filter((p) => p !== send);
        expect(own).to.have.length(1);
        expect(own.filter((p) => String(p.inputs.policy).includes("sqs:")).map((p) => p.name)).to.deep.equal([]);
    });

    it("keeps dead letters in an encrypted queue, and outputs the schedule's name and the queue's URL", () => {
        const queue = view.one("aws:sqs/queue:Queue", "schedules-daily-question-dlq");
        expect(queue.inputs).to.deep.include({ sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 });
        expect(run.outputs.schedules).to.deep.equal({
            "daily-question": {
                name: "couple-prod-daily-question",
                function: "daily-question",
                deadLetterQueueUrl: `https://sqs.ap-northeast-2.amazonaws.com/${MOCK_ACCOUNT_ID}/couple-prod-daily-question-schedule-dlq`,
            },
        });
    });

    it("alarms on a dead letter, the target's errors and a lost dead letter, notifying the stack's topic", () => {
        const alarms = view.ofType(ALARM).filter((a) => String(a.inputs.name).startsWith("couple-prod-schedule-"));
        expect(alarms.map((a) => [a.inputs.name, a.inputs.namespace, a.inputs.metricName, a.inputs.dimensions, a.inputs.comparisonOperator, a.inputs.threshold])).to.deep.equal([
            ["couple-prod-schedule-daily-question-dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: "couple-prod-daily-question-schedule-dlq" }, "GreaterThanThreshold", 0],
            ["couple-prod-schedule-daily-question-target-errors", "AWS/Scheduler", "TargetErrorCount", { ScheduleGroup: "couple-prod-daily-question" }, "GreaterThanThreshold", 0],
            ["couple-prod-schedule-daily-question-dead-letters-lost", "AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", { ScheduleGroup: "couple-prod-daily-question" }, "GreaterThanThreshold", 0],
        ]);
        const topic = view.ofType("aws:sns/topic:Topic").find((t) => t.inputs.name === "couple-prod-alarms")!;
        for (const alarm of alarms) {
            expect(alarm.inputs.alarmActions, String(alarm.inputs.name)).to.include(topic.id);
        }
    });
});

describe("stack couple (planned), edited as pulumi config set --path edits it", () => {
    let copy: StackCopy;
    let view: RunView;
    before(async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-schedules-src-"));
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.couple.yaml"), COUPLE_STACK);
        copy = new StackCopy(dir);
        fs.rmSync(dir, { recursive: true, force: true });
        copy.set("couple", "platform:schedules.daily-question.enabled", "false");
        copy.set("couple", "platform:schedules.daily-question.retry.attempts", "0");
        copy.set("couple", "platform:schedules.weekly-digest.function", "ws-default");
        copy.set("couple", "platform:schedules.weekly-digest.expression", "cron(0 9 ? * MON *)");
        view = new RunView(await cachedStackRun("couple", copy.dir));
    });
    after(() => copy.remove());

    it("pauses the daily question without removing it, retrying nothing", () => {
        const daily = view.ofType(SCHEDULE).find((s) => s.inputs.name === "couple-prod-daily-question")!;
        expect(daily.inputs.state).to.equal("DISABLED");
        expect((daily.inputs.target as { retryPolicy: unknown }).retryPolicy).to.deep.equal({ maximumRetryAttempts: 0, maximumEventAgeInSeconds: 3600 });
    });

    it("adds a second schedule with its own group, role and queue, invoking its own function", () => {
        const weekly = view.ofType(SCHEDULE).find((s) => s.inputs.name === "couple-prod-weekly-digest")!;
        expect(weekly.inputs).to.deep.include({ groupName: "couple-prod-weekly-digest", scheduleExpression: "cron(0 9 ? * MON *)", scheduleExpressionTimezone: "Asia/Seoul", state: "ENABLED" });
        expect((weekly.inputs.target as { arn: string }).arn).to.equal(fnArn("couple-prod-ws-default"));
        expect(view.ofType("aws:scheduler/scheduleGroup:ScheduleGroup").map((g) => g.inputs.name).sort()).to.deep.equal(["couple-prod-daily-question", "couple-prod-weekly-digest"]);
        expect(view.ofType("aws:sqs/queue:Queue").map((q) => q.inputs.name).sort()).to.deep.equal(["couple-prod-daily-question-schedule-dlq", "couple-prod-weekly-digest-schedule-dlq"]);
        expect(view.ofType(INVOKE_CONFIG).map((c) => [c.inputs.functionName, (c.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination]).sort()).to.deep.equal([
            [fnArn("couple-prod-daily-question"), DLQ_ARN],
            [fnArn("couple-prod-ws-default"), `arn:aws:sqs:ap-northeast-2:${MOCK_ACCOUNT_ID}:couple-prod-weekly-digest-schedule-dlq`],
        ]);
    });
});
