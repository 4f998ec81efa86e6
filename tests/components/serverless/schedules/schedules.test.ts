/**
 * EventBridge Scheduler's rules as plain functions: cron, rate and at() expressions, IANA time
 * zones, retry limits (Scheduler's and the handler's, Lambda's), one schedule per function, the
 * input, the names a schedule makes, the execution role's policy and the function role's.
 */
import { expect } from "chai";
import {
    INPUT_MAX_CHARACTERS,
    ScheduleSpec,
    executionRoleStatements,
    expressionKind,
    expressionProblem,
    handlerEventAgeSeconds,
    handlerFailureStatements,
    inputProblem,
    isTimeZone,
    scheduleNames,
    schedulesProblems,
    timeZoneProblem,
} from "../../../../components/serverless/schedules/schedules";
import { Naming } from "../../../../lib/naming";

const naming = new Naming("couple", "prod");

/** The daily question as system D runs it, with the block's defaults. */
function daily(change: Partial<ScheduleSpec> = {}): ScheduleSpec {
    return { function: "daily-question", expression: "cron(0 0 * * ? *)", timezone: "Asia/Seoul", retry: { attempts: 3, maxEventAgeSeconds: 3600 }, input: '{"kind":"daily-question"}', enabled: true, ...change };
}

const lines = (schedules: Record<string, ScheduleSpec>, functions: string[] | undefined = ["daily-question", "ws-connect"]) =>
    schedulesProblems(schedules, { naming, functions }).map((p) => `${p.path.join(".")}: ${p.message}`);

describe("components/schedules: expressions", () => {
    it("accepts cron, rate and at() as EventBridge Scheduler writes them", () => {
        const good = [
            "cron(0 0 * * ? *)",
            "cron(0 9 ? * MON-FRI *)",
            "cron(0/15 8-18 ? * 2-6 *)",
            "cron(30 23 L * ? *)",
            "cron(0 9 15W * ? 2026-2030)",
            "cron(0 9 ? * 6L *)",
            "cron(0 10 ? * 3#2 *)",
            "cron(0 12 1 JAN,JUL ? *)",
            "cron(*/5 * * * ? *)",
            "rate(1 minute)",
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(7 days)",
            "at(2026-03-01T09:00:00)",
            "at(2028-02-29T23:59:59)",
        ];
        expect(good.map((e) => [e, expressionProblem(e)])).to.deep.equal(good.map((e) => [e, undefined]));
        expect(good.map(expressionKind).filter((k, i, all) => all.indexOf(k) === i)).to.deep.equal(["cron", "rate", "at"]);
    });

    const bad: Array<[string, string]> = [
        ["every day at 9", "is not a schedule expression; use cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), rate(<n> minute|minutes|hour|hours|day|days) or at(yyyy-mm-ddThh:mm:ss)"],
        ["cron(0 9 * * ?)", "has 5 fields; EventBridge Scheduler's cron takes 6: minutes hours day-of-month month day-of-week year (e.g. cron(0 9 * * ? *), 09:00 every day)"],
        ["cron(0 0 9 * * ? *)", "has 7 fields; EventBridge Scheduler's cron takes 6: minutes hours day-of-month month day-of-week year (e.g. cron(0 9 * * ? *), 09:00 every day)"],
        ["cron(0 24 * * ? *)", 'has "24" in hours: 24 is outside 0–23; hours takes 0–23 and , - * /'],
        ["cron(60 0 * * ? *)", 'has "60" in minutes: 60 is outside 0–59; minutes takes 0–59 and , - * /'],
        ["cron(0 0 32 * ? *)", 'has "32" in day-of-month: 32 is outside 1–31; day-of-month takes 1–31 and , - * ? / L W'],
        ["cron(0 0 * 13 ? *)", 'has "13" in month: 13 is outside 1–12 or JAN–DEC; month takes 1–12 or JAN–DEC and , - * /'],
        ["cron(0 0 * JAN-FOO ? *)", 'has "JAN-FOO" in month: FOO is outside 1–12 or JAN–DEC; month takes 1–12 or JAN–DEC and , - * /'],
        ["cron(0 0 ? * 8 *)", 'has "8" in day-of-week: 8 is outside 1–7 or SUN–SAT; day-of-week takes 1–7 or SUN–SAT and , - * ? L #'],
        ["cron(0 0 * * ? 1969)", 'has "1969" in year: 1969 is outside 1970–2199; year takes 1970–2199 and , - * /'],
        ["cron(0 0 ? * */2 *)", 'has "*/2" in day-of-week: / is not allowed in day-of-week; day-of-week takes 1–7 or SUN–SAT and , - * ? L #'],
        ["cron(0 0 ? * 3#6 *)", 'has "3#6" in day-of-week: #6 is not a week of the month (1–5); day-of-week takes 1–7 or SUN–SAT and , - * ? L #'],
        ["cron(0 0 ? * 3#1,6#3 *)", 'has "3#1,6#3" in day-of-week; a # expression stands alone in its field'],
        ["cron(0 ? * * ? *)", "has ? in hours; only day-of-month and day-of-week take ?"],
        ["cron(0 0 * * * *)", 'sets both day-of-month ("*") and day-of-week ("*"); one of them must be ? (e.g. cron(0 9 * * ? *), 09:00 every day)'],
        ["cron(0 0 1 * MON *)", 'sets both day-of-month ("1") and day-of-week ("MON"); one of them must be ? (e.g. cron(0 9 * * ? *), 09:00 every day)'],
        ["cron(0 0 ? * ? *)", "has ? in both day-of-month and day-of-week; exactly one of them is ? (e.g. cron(0 9 * * ? *), 09:00 every day)"],
        ["cron(0/0 0 * * ? *)", 'has "0/0" in minutes: the increment 0 is not a positive number; minutes takes 0–59 and , - * /'],
        ["rate(5)", "is not rate(<n> <unit>); use e.g. rate(5 minutes) or rate(1 day)"],
        ["rate(0 minutes)", 'has the value "0"; a rate\'s value is a positive whole number'],
        ["rate(1.5 hours)", 'has the value "1.5"; a rate\'s value is a positive whole number'],
        ["rate(30 seconds)", 'has the unit "seconds"; EventBridge Scheduler\'s rate takes minute(s), hour(s) or day(s)'],
        ["rate(1 minutes)", "takes the singular for 1: rate(1 minute)"],
        ["rate(5 minute)", "takes the plural above 1: rate(5 minutes)"],
        ["at(2026-03-01T09:00:00Z)", "has a zone or offset; at() takes a local yyyy-mm-ddThh:mm:ss, read in the schedule's timezone"],
        ["at(2026-03-01T09:00:00+09:00)", "has a zone or offset; at() takes a local yyyy-mm-ddThh:mm:ss, read in the schedule's timezone"],
        ["at(2026-03-01 09:00)", "is not at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-03-01T09:00:00)"],
        ["at(2026-02-30T09:00:00)", "is not a date and time of the calendar; at() takes yyyy-mm-ddThh:mm:ss"],
        ["at(2026-03-01T24:00:00)", "is not a date and time of the calendar; at() takes yyyy-mm-ddThh:mm:ss"],
    ];
    for (const [expression, message] of bad) {
        it(`refuses ${expression}`, () => {
            expect(expressionProblem(expression)).to.equal(message);
        });
    }

    it("refuses an expression over EventBridge Scheduler's 256 characters", () => {
        const long = `cron(0 0 ${Array.from({ length: 100 }, (_, i) => (i % 28) + 1).join(",")} * ? *)`;
        expect(long.length).to.be.above(256);
        expect(expressionProblem(long)).to.equal(`is ${long.length} characters; EventBridge Scheduler takes at most 256`);
    });
});

describe("components/schedules: time zones", () => {
    it("takes IANA names, their aliases and UTC; never offsets or abbreviations", () => {
        expect(["Asia/Seoul", "UTC", "Etc/UTC", "America/New_York", "Asia/Kolkata", "Asia/Calcutta", "Europe/London"].filter((z) => !isTimeZone(z))).to.deep.equal([]);
        expect(["+09:00", "KST", "Seoul", "Asia/Seol", "", "GMT+9"].filter(isTimeZone)).to.deep.equal([]);
    });

    it("names the zone it probably meant", () => {
        expect(timeZoneProblem("Asia/Seol")).to.equal('"Asia/Seol" is not an IANA time zone name; use one like "Asia/Seoul" or "UTC" (did you mean "Asia/Seoul"?)');
        expect(timeZoneProblem("KST")).to.equal('"KST" is not an IANA time zone name; use one like "Asia/Seoul" or "UTC"');
    });
});

describe("components/schedules: input", () => {
    it("takes a JSON document up to 8,192 characters", () => {
        expect(inputProblem('{"kind":"daily-question"}')).to.equal(undefined);
        expect(inputProblem(JSON.stringify({ pad: "x".repeat(INPUT_MAX_CHARACTERS - 10) }))).to.equal(undefined);
    });

    it("refuses text that is not JSON, an empty input and one over 8,192 characters", () => {
        expect(inputProblem("{kind: daily}")).to.match(/^"\{kind: daily\}" is not JSON \(.+\); a Lambda target takes a well-formed JSON document, e\.g\. '\{"kind":"daily-question"\}'$/);
        expect(inputProblem("")).to.equal("is empty; leave input out for Scheduler's own event, or give a JSON document");
        const big = JSON.stringify({ pad: "x".repeat(INPUT_MAX_CHARACTERS) });
        expect(inputProblem(big)).to.equal(`is ${big.length.toLocaleString("en-US")} characters; a schedule's input is an instruction, at most 8,192 characters (keep data in a table or a bucket, and name it here)`);
    });
});

describe("components/schedules: a schedule's rules", () => {
    it("accepts the daily question", () => {
        expect(lines({ "daily-question": daily() })).to.deep.equal([]);
    });

    it("refuses a function platform:functions does not have, listing those it has", () => {
        expect(lines({ "daily-question": daily({ function: "daily-questoin" }) })).to.deep.equal([
            'daily-question.function: "daily-questoin" is not a function of platform:functions; its functions: daily-question, ws-connect (did you mean "daily-question"?)',
        ]);
        expect(lines({ "daily-question": daily() }, [])).to.deep.equal(['daily-question.function: "daily-question" is not a function of platform:functions; it has none']);
        // Without platform:functions at all, the block's requirement reports it, not this rule.
        expect(lines({ "daily-question": daily() }, undefined)).to.deep.equal([]);
    });

    it("refuses retries outside 0–185 and an event age outside 60–86,400 seconds", () => {
        expect(lines({ a: daily({ retry: { attempts: 186, maxEventAgeSeconds: 59 } }), b: daily({ function: "ws-connect", retry: { attempts: -1, maxEventAgeSeconds: 86_401 } }) })).to.deep.equal([
            "a.retry.attempts: 186 is outside 0–185; EventBridge Scheduler retries a failed invocation 0 to 185 times",
            "a.retry.maxEventAgeSeconds: 59 is outside 60–86,400; EventBridge Scheduler keeps retrying an event for 1 minute to 24 hours, in whole seconds",
            "b.retry.attempts: -1 is outside 0–185; EventBridge Scheduler retries a failed invocation 0 to 185 times",
            "b.retry.maxEventAgeSeconds: 86401 is outside 60–86,400; EventBridge Scheduler keeps retrying an event for 1 minute to 24 hours, in whole seconds",
        ]);
        expect(lines({ a: daily({ retry: { attempts: 0, maxEventAgeSeconds: 60 } }), b: daily({ function: "ws-connect", retry: { attempts: 185, maxEventAgeSeconds: 86_400 } }) })).to.deep.equal([]);
        expect(lines({ a: daily({ retry: { attempts: 1.5, maxEventAgeSeconds: 90.5 } }) })).to.deep.equal([
            "a.retry.attempts: 1.5 is not a whole number; EventBridge Scheduler retries a failed invocation 0 to 185 times",
            "a.retry.maxEventAgeSeconds: 90.5 is not a whole number; EventBridge Scheduler keeps retrying an event for 1 minute to 24 hours, in whole seconds",
        ]);
    });

    it("refuses handler retries outside Lambda's 0–2, and takes 0 (the default) to 2", () => {
        expect(lines({ a: daily({ retry: { attempts: 3, maxEventAgeSeconds: 3600, handlerAttempts: 3 } }), b: daily({ function: "ws-connect", retry: { attempts: 3, maxEventAgeSeconds: 3600, handlerAttempts: -1 } }) })).to.deep.equal([
            "a.retry.handlerAttempts: 3 is outside 0–2; Lambda retries a handler that failed 0 to 2 times (0: it runs once per delivered event)",
            "b.retry.handlerAttempts: -1 is outside 0–2; Lambda retries a handler that failed 0 to 2 times (0: it runs once per delivered event)",
        ]);
        expect(lines({ a: daily({ retry: { attempts: 3, maxEventAgeSeconds: 3600, handlerAttempts: 0.5 } }) })).to.deep.equal([
            "a.retry.handlerAttempts: 0.5 is not a whole number; Lambda retries a handler that failed 0 to 2 times (0: it runs once per delivered event)",
        ]);
        for (const handlerAttempts of [0, 1, 2, undefined]) {
            expect(lines({ a: daily({ retry: { attempts: 3, maxEventAgeSeconds: 3600, handlerAttempts } }) }), String(handlerAttempts)).to.deep.equal([]);
        }
    });

    it("refuses a function two schedules target, at the later one, naming both", () => {
        expect(lines({ "daily-question": daily(), "evening-question": daily({ expression: "cron(0 21 * * ? *)" }), sweep: daily({ function: "ws-connect" }) })).to.deep.equal([
            'evening-question.function: "daily-question" is also the target of schedule "daily-question"; a function has one asynchronous invocation configuration, so one failure destination (a schedule\'s dead-letter queue): schedules "daily-question" and "evening-question" need a function each',
        ]);
        // Three on one function: each later one names the first.
        expect(lines({ a: daily(), b: daily(), c: daily() }).map((l) => l.split(":")[0])).to.deep.equal(["b.function", "c.function"]);
        expect(lines({ a: daily(), b: daily(), c: daily() })[1]).to.contain('schedules "a" and "c" need a function each');
        // A function platform:functions does not have is reported as such, once per schedule, not as shared.
        expect(lines({ a: daily({ function: "nightly" }), b: daily({ function: "nightly" }) })).to.deep.equal([
            'a.function: "nightly" is not a function of platform:functions; its functions: daily-question, ws-connect',
            'b.function: "nightly" is not a function of platform:functions; its functions: daily-question, ws-connect',
        ]);
    });

    it("keeps a delivered event in Lambda as long as Scheduler retries it, cut to Lambda's 21,600 seconds", () => {
        const age = (maxEventAgeSeconds: number) => handlerEventAgeSeconds(daily({ retry: { attempts: 3, maxEventAgeSeconds } }));
        expect([60, 3600, 21_599, 21_600, 21_601, 86_400].map(age)).to.deep.equal([60, 3600, 21_599, 21_600, 21_600, 21_600]);
    });

    it("reports each setting at its own key", () => {
        expect(lines({ q: daily({ expression: "cron(0 0 * * ?)", timezone: "Seoul", input: "daily" }) })).to.deep.equal([
            "q.expression: \"cron(0 0 * * ?)\" has 5 fields; EventBridge Scheduler's cron takes 6: minutes hours day-of-month month day-of-week year (e.g. cron(0 9 * * ? *), 09:00 every day)",
            'q.timezone: "Seoul" is not an IANA time zone name; use one like "Asia/Seoul" or "UTC"',
            `q.input: "daily" is not JSON (${(() => {
                try {
                    JSON.parse("daily");
                } catch (err) {
                    return (err as Error).message;
                }
                return "";
            })()}); a Lambda target takes a well-formed JSON document, e.g. '{"kind":"daily-question"}'`,
        ]);
    });

    it("names a schedule, its group, role and dead-letter queue through the naming helper, and refuses a key whose names AWS would refuse", () => {
        expect(scheduleNames(naming, "daily-question")).to.deep.equal({
            schedule: "couple-prod-daily-question",
            role: "couple-prod-daily-question-scheduler",
            queue: "couple-prod-daily-question-schedule-dlq",
            failurePolicy: "couple-prod-daily-question-schedule-dlq-send",
        });
        // couple-prod- is 12 characters: a 52-character key makes a 64-character schedule name, but a 74-character role name.
        const long = "k".repeat(52);
        expect(lines({ [long]: daily() })).to.deep.equal([
            `${long}: makes the execution role name "couple-prod-${long}-scheduler", which is 74 characters; AWS allows at most 64; shorten the key`,
        ]);
        const longer = "k".repeat(53);
        expect(lines({ [longer]: daily() })).to.deep.equal([`${longer}: makes the schedule (and schedule group) name "couple-prod-${longer}", which is 65 characters; AWS allows at most 64; shorten the key`]);
        expect(lines({ "daily question": daily() })).to.deep.equal([
            'daily question: makes the schedule (and schedule group) name "couple-prod-daily question", which is not allowed; AWS allows letters, digits and ._-; shorten the key',
        ]);
        expect(lines({ ["k".repeat(42)]: daily() })).to.deep.equal([]);
    });
});

describe("components/schedules: the function role's policy", () => {
    it("allows exactly sending to the one queue, where Lambda records a handler that failed", () => {
        const queue = "arn:aws:sqs:ap-northeast-2:123456789012:couple-prod-daily-question-schedule-dlq";
        expect(handlerFailureStatements(queue)).to.deep.equal([{ Sid: "RecordHandlerFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: queue }]);
    });
});

describe("components/schedules: the execution role's policy", () => {
    it("allows exactly invoking the one function and sending to the one queue", () => {
        const fn = "arn:aws:lambda:ap-northeast-2:123456789012:function:couple-prod-daily-question";
        const queue = "arn:aws:sqs:ap-northeast-2:123456789012:couple-prod-daily-question-schedule-dlq";
        expect(executionRoleStatements({ functionArn: fn, queueArn: queue })).to.deep.equal([
            { Sid: "InvokeTheFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fn },
            { Sid: "DeliverDeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: queue },
        ]);
    });
});
