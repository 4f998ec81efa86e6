/**
 * EventBridge Scheduler rules, as plain functions: schedule expressions (cron, rate, at), time
 * zones, retry policies, target input, the physical names a schedule makes, and the one policy a
 * schedule's execution role gets.
 *
 * Sources of the limits (each checked against the page or the service's API model):
 * - Expressions: EventBridge Scheduler User Guide, "Schedule types on EventBridge Scheduler"
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html): `cron(fields)` of
 *   six fields `minutes hours day-of-month month day-of-week year` (0–59, 0–23, 1–31, 1–12 or
 *   JAN–DEC, 1–7 or SUN–SAT, 1970–2199; wildcards `, - * /` everywhere, `?` and `L` in the two day
 *   fields, `W` in day-of-month, `#` in day-of-week, and a value or `*` in one of the day fields
 *   only: the other one is `?`); `rate(value unit)`, a positive integer and minute | minutes | hour
 *   | hours | day | days (the singular for 1, the plural above); `at(yyyy-mm-ddThh:mm:ss)`, a local
 *   date and time in the schedule's time zone. The API Reference, CreateSchedule
 *   (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html): an
 *   expression of 1–256 characters, a time zone of 1–50, a name of 1–64 of `[0-9a-zA-Z-_.]`, and
 *   a schedule group's name the same (ScheduleGroupName).
 * - Retry policy: API Reference, RetryPolicy
 *   (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html):
 *   MaximumRetryAttempts 0–185, MaximumEventAgeInSeconds 60–86,400.
 * - Input: API Reference, Target
 *   (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html): at least one
 *   character, well-formed JSON for a templated Lambda target. The API sets no maximum (its model
 *   says `min: 1` and nothing more); AWS's ceiling is Lambda's, 1 MB for an asynchronous Invoke
 *   (Lambda API Reference, Invoke: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html),
 *   which is how Scheduler invokes a function (Lambda Developer Guide, "Using Lambda with Amazon
 *   EventBridge Scheduler": https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html).
 *   The 8,192-character cap here is the platform's, far below: a schedule's input is an
 *   instruction held in the stack file, not data (data belongs in a table or a bucket), and
 *   EventBridge Scheduler copies it into every dead-letter message.
 * - Time zones: the IANA time zone database names EventBridge Scheduler takes (the User Guide's
 *   "Time zones on EventBridge Scheduler", in the page above); checked against the names the
 *   runtime's ICU knows (`Intl.supportedValuesOf("timeZone")`, their aliases, and `UTC`).
 * - The execution role: User Guide, "Configuring a schedule's dead-letter queue"
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html): the
 *   role itself needs `sqs:SendMessage` on the queue (no queue policy); "Confused deputy
 *   prevention" (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html):
 *   `aws:SourceAccount` and `aws:SourceArn` on the schedule group's ARN, never a schedule's.
 * - The handler's own retries: EventBridge Scheduler invokes a Lambda function asynchronously
 *   (Lambda Developer Guide, "Invoke a Lambda function on a schedule":
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html), and its
 *   RetryPolicy counts the tries "to deliver the event to a target" (RetryPolicy, above): once
 *   Lambda has queued the event, a handler that errors or times out is retried by Lambda itself,
 *   twice by default, then the event is discarded ("Asynchronous invocation":
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html). Lambda API Reference,
 *   FunctionEventInvokeConfig
 *   (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionEventInvokeConfig.html):
 *   MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21,600 (6 hours), and one on-failure
 *   destination per function (or version, or alias: the schedules invoke the unqualified function).
 *   A destination is written with the function's execution role, which needs `sqs:SendMessage` on
 *   the queue ("Capturing records of Lambda asynchronous invocations":
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * - Dead-letter queue: Amazon SQS API Reference, SetQueueAttributes
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html):
 *   MessageRetentionPeriod at most 1,209,600 seconds (14 days); a standard queue's name 1–80
 *   characters of letters, digits, `-` and `_` (CreateQueue). EventBridge Scheduler refuses a FIFO
 *   queue as a dead-letter queue (the dead-letter page above).
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../../../lib/iam";
import { NAME_RULES, NameKind, Naming, nameProblem } from "../../../lib/naming";
import { Path, Problem, closestMatch, showValue } from "../../../lib/problems";

/** EventBridge Scheduler's limits (sources above). */
export const SCHEDULER_LIMITS = {
    /** ScheduleExpression length. */
    expressionLength: 256,
    /** RetryPolicy.MaximumRetryAttempts. */
    retryAttempts: { min: 0, max: 185 },
    /** RetryPolicy.MaximumEventAgeInSeconds. */
    maxEventAgeSeconds: { min: 60, max: 86_400 },
    /** Cron's year field. */
    cronYears: { min: 1970, max: 2199 },
} as const;

/**
 * Lambda's asynchronous invocation settings (FunctionEventInvokeConfig, above): what the handler
 * of a delivered event gets.
 */
export const LAMBDA_ASYNC_LIMITS = {
    /** MaximumRetryAttempts: retries of a handler that errored or timed out. */
    retryAttempts: { min: 0, max: 2 },
    /** MaximumEventAgeInSeconds: how long Lambda keeps a queued event. */
    maxEventAgeSeconds: { min: 60, max: 21_600 },
} as const;

/** The platform's own cap on a schedule's input, in characters (the API sets none; see above). */
export const INPUT_MAX_CHARACTERS = 8_192;

/** SQS's longest message retention (14 days): a dead letter waits as long as SQS allows. */
export const DLQ_RETENTION_SECONDS = 1_209_600;

/** The time zone a schedule is evaluated in unless config says otherwise: the stacks run in Seoul. */
export const DEFAULT_TIMEZONE = "Asia/Seoul";

/**
 * Retry defaults: three delivery attempts within an hour (Scheduler's own defaults, 185 over 24
 * hours, would retry a daily job into the next day), and no retry of a handler that failed
 * (Lambda's own default, 2, would run a job that is not idempotent, such as sending the day's
 * notifications, up to three times): the handler runs once per delivered event, and its failure
 * goes to the dead-letter queue.
 */
export const RETRY_DEFAULTS = { attempts: 3, maxEventAgeSeconds: 3_600, handlerAttempts: 0 } as const;

/** The suffixes that tell a schedule's role and dead-letter queue from the function's own. */
export const ROLE_SUFFIX = "scheduler";
export const DLQ_SUFFIX = "schedule-dlq";

/** One schedule as the block and the component take it, defaults applied. */
export interface ScheduleSpec {
    /** The key of the function in `platform:functions` it invokes. */
    readonly function: string;
    /** `cron(…)`, `rate(…)` or `at(…)`. */
    readonly expression: string;
    /** An IANA time zone name: cron and at() are read in it. */
    readonly timezone: string;
    readonly retry: {
        /** EventBridge Scheduler's retries of a delivery Lambda refused (throttling, permissions, a missing function). */
        readonly attempts: number;
        /** Seconds Scheduler retries a delivery for; Lambda keeps the delivered event as long, at most 21,600 (its own ceiling). */
        readonly maxEventAgeSeconds: number;
        /** Lambda's retries of a handler that errored or timed out (0–2). @default 0 (it runs once per delivered event) */
        readonly handlerAttempts?: number;
    };
    /** The JSON the function receives as its event. @default none (Scheduler's own notification) */
    readonly input?: string;
    readonly enabled: boolean;
}

/** The physical names of one schedule: its group and the schedule share `<prefix>-<env>-<key>`. */
export interface ScheduleNames {
    /** The schedule and its schedule group. */
    readonly schedule: string;
    /** The execution role, `<prefix>-<env>-<key>-scheduler`. */
    readonly role: string;
    /** The dead-letter queue, `<prefix>-<env>-<key>-schedule-dlq`. */
    readonly queue: string;
    /** The inline policy on the function's role that lets Lambda record a failed handler in the queue, `<queue>-send`. */
    readonly failurePolicy: string;
}

/** The names of schedule `key`, unchecked (the rules check them; the component builds only valid names). */
export function scheduleNames(naming: Naming, key: string): ScheduleNames {
    return {
        schedule: naming.format("scoped", key),
        role: naming.format("scoped", key, ROLE_SUFFIX),
        queue: naming.format("scoped", key, DLQ_SUFFIX),
        failurePolicy: `${naming.format("scoped", key, DLQ_SUFFIX)}-send`,
    };
}

/**
 * How long Lambda keeps a delivered event of `spec` (its asynchronous invocation's maximum event
 * age): the schedule's own `retry.maxEventAgeSeconds`, which may be up to Scheduler's 86,400,
 * clamped to Lambda's 21,600.
 */
export function handlerEventAgeSeconds(spec: Pick<ScheduleSpec, "retry">): number {
    return Math.min(spec.retry.maxEventAgeSeconds, LAMBDA_ASYNC_LIMITS.maxEventAgeSeconds.max);
}

// ---------------------------------------------------------------------------------------------
// Expressions.
// ---------------------------------------------------------------------------------------------

/** What a schedule expression may be, for messages. */
export const EXPRESSION_FORMS = "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), rate(<n> minute|minutes|hour|hours|day|days) or at(yyyy-mm-ddThh:mm:ss)";

const CRON_FIELD_NAMES = ["minutes", "hours", "day-of-month", "month", "day-of-week", "year"] as const;
type CronFieldName = (typeof CRON_FIELD_NAMES)[number];

interface CronField {
    readonly min: number;
    readonly max: number;
    /** Names the field takes for its values (JAN = 1, SUN = 1). */
    readonly names?: readonly string[];
    /** Its range, for messages. */
    readonly range: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const CRON_FIELDS: Readonly<Record<CronFieldName, CronField>> = {
    minutes: { min: 0, max: 59, range: "0–59" },
    hours: { min: 0, max: 23, range: "0–23" },
    "day-of-month": { min: 1, max: 31, range: "1–31" },
    month: { min: 1, max: 12, names: MONTHS, range: "1–12 or JAN–DEC" },
    "day-of-week": { min: 1, max: 7, names: WEEKDAYS, range: "1–7 or SUN–SAT" },
    year: { min: SCHEDULER_LIMITS.cronYears.min, max: SCHEDULER_LIMITS.cronYears.max, range: `${SCHEDULER_LIMITS.cronYears.min}–${SCHEDULER_LIMITS.cronYears.max}` },
};

/** The wildcards each field takes beyond digits and names, for messages. */
const CRON_WILDCARDS: Readonly<Record<CronFieldName, string>> = {
    minutes: ", - * /",
    hours: ", - * /",
    "day-of-month": ", - * ? / L W",
    month: ", - * /",
    "day-of-week": ", - * ? L #",
    year: ", - * /",
};

/** A value of `field` (a number or one of its names), or undefined when it is neither. */
function cronValue(field: CronField, text: string): number | undefined {
    if (/^\d+$/.test(text)) {
        const value = Number(text);
        return value >= field.min && value <= field.max ? value : undefined;
    }
    const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
    return index >= 0 ? index + 1 : undefined;
}

/** Why one comma-separated item of a cron field is wrong, or undefined. */
function cronItemProblem(name: CronFieldName, item: string): string | undefined {
    const field = CRON_FIELDS[name];
    const value = (text: string) => cronValue(field, text) !== undefined;
    if (item === "*") {
        return undefined;
    }
    if (name === "day-of-month" && (item === "L" || item === "LW" || /^\d+W$/.test(item))) {
        return item.endsWith("W") && item !== "LW" && !value(item.slice(0, -1)) ? `${item.slice(0, -1)} is outside ${field.range}` : undefined;
    }
    if (name === "day-of-week") {
        if (item === "L") {
            return undefined;
        }
        const last = /^(\w+)L$/.exec(item);
        if (last) {
            return value(last[1]) ? undefined : `${last[1]} is not a day of the week (${field.range})`;
        }
        const nth = /^(\w+)#(\d+)$/.exec(item);
        if (nth) {
            if (!value(nth[1])) {
                return `${nth[1]} is not a day of the week (${field.range})`;
            }
            return Number(nth[2]) >= 1 && Number(nth[2]) <= 5 ? undefined : `#${nth[2]} is not a week of the month (1–5)`;
        }
    }
    // a, a-b, a/n, a-b/n, */n (no increments in day-of-week).
    const step = /^(.+)\/(\d+)$/.exec(item);
    if (step) {
        if (name === "day-of-week") {
            return `/ is not allowed in day-of-week`;
        }
        if (Number(step[2]) < 1) {
            return `the increment ${step[2]} is not a positive number`;
        }
        return step[1] === "*" ? undefined : cronItemProblem(name, step[1]);
    }
    const range = /^(\w+)-(\w+)$/.exec(item);
    if (range) {
        const bad = [range[1], range[2]].find((end) => !value(end));
        return bad === undefined ? undefined : `${bad} is outside ${field.range}`;
    }
    if (/^\w+$/.test(item)) {
        return value(item) ? undefined : `${item} is outside ${field.range}`;
    }
    return `${showValue(item)} is not a value, range or increment`;
}

/** Why a cron body (`0 9 * * ? *`) is wrong, or undefined. */
function cronProblem(body: string): string | undefined {
    const fields = body.trim().split(/\s+/).filter((f) => f !== "");
    const example = "e.g. cron(0 9 * * ? *), 09:00 every day";
    if (fields.length !== CRON_FIELD_NAMES.length) {
        return `has ${fields.length} fields; EventBridge Scheduler's cron takes 6: ${CRON_FIELD_NAMES.join(" ")} (${example})`;
    }
    for (const [i, name] of CRON_FIELD_NAMES.entries()) {
        const text = fields[i];
        if (text === "?") {
            if (name !== "day-of-month" && name !== "day-of-week") {
                return `has ? in ${name}; only day-of-month and day-of-week take ?`;
            }
            continue;
        }
        const items = text.split(",");
        if (name === "day-of-week" && text.includes("#") && items.length > 1) {
            return `has ${showValue(text)} in day-of-week; a # expression stands alone in its field`;
        }
        for (const item of items) {
            const problem = cronItemProblem(name, item);
            if (problem) {
                return `has ${showValue(text)} in ${name}: ${problem}; ${name} takes ${CRON_FIELDS[name].range} and ${CRON_WILDCARDS[name]}`;
            }
        }
    }
    const [dayOfMonth, dayOfWeek] = [fields[2], fields[4]];
    if (dayOfMonth === "?" && dayOfWeek === "?") {
        return `has ? in both day-of-month and day-of-week; exactly one of them is ? (${example})`;
    }
    if (dayOfMonth !== "?" && dayOfWeek !== "?") {
        return `sets both day-of-month (${showValue(dayOfMonth)}) and day-of-week (${showValue(dayOfWeek)}); one of them must be ? (${example})`;
    }
    return undefined;
}

const RATE_UNITS = ["minute", "hour", "day"] as const;

/** Why a rate body (`5 minutes`) is wrong, or undefined. */
function rateProblem(body: string): string | undefined {
    const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(body);
    if (!match) {
        return "is not rate(<n> <unit>); use e.g. rate(5 minutes) or rate(1 day)";
    }
    const [, count, unit] = match;
    if (!/^\d+$/.test(count) || Number(count) < 1) {
        return `has the value ${showValue(count)}; a rate's value is a positive whole number`;
    }
    const singular = unit.replace(/s$/, "");
    if (!(RATE_UNITS as readonly string[]).includes(singular)) {
        return `has the unit ${showValue(unit)}; EventBridge Scheduler's rate takes minute(s), hour(s) or day(s)`;
    }
    const n = Number(count);
    if (n === 1 && unit !== singular) {
        return `takes the singular for 1: rate(1 ${singular})`;
    }
    if (n > 1 && unit === singular) {
        return `takes the plural above 1: rate(${n} ${singular}s)`;
    }
    return undefined;
}

/** Why an at() body (`2026-03-01T09:00:00`) is wrong, or undefined. */
function atProblem(body: string): string | undefined {
    if (/(Z|[+-]\d{2}:?\d{2})$/i.test(body.trim()) && body.includes("T")) {
        return "has a zone or offset; at() takes a local yyyy-mm-ddThh:mm:ss, read in the schedule's timezone";
    }
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
    if (!match) {
        return "is not at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-03-01T09:00:00)";
    }
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const real =
        date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
    return real ? undefined : "is not a date and time of the calendar; at() takes yyyy-mm-ddThh:mm:ss";
}

/** The kind of a well-formed expression. */
export type ExpressionKind = "cron" | "rate" | "at";

/** Why `expression` is not one EventBridge Scheduler accepts (a sentence after the quoted value), or undefined. */
export function expressionProblem(expression: string): string | undefined {
    if (expression.length > SCHEDULER_LIMITS.expressionLength) {
        return `is ${expression.length} characters; EventBridge Scheduler takes at most ${SCHEDULER_LIMITS.expressionLength}`;
    }
    const match = /^(cron|rate|at)\((.*)\)$/.exec(expression.trim());
    if (!match) {
        return `is not a schedule expression; use ${EXPRESSION_FORMS}`;
    }
    const [, kind, body] = match;
    return kind === "cron" ? cronProblem(body) : kind === "rate" ? rateProblem(body) : atProblem(body);
}

/** The kind of `expression` (which the rules accepted). */
export function expressionKind(expression: string): ExpressionKind {
    return expression.trim().split("(")[0] as ExpressionKind;
}

// ---------------------------------------------------------------------------------------------
// Time zones.
// ---------------------------------------------------------------------------------------------

let canonicalZones: ReadonlySet<string> | undefined;

/** The canonical IANA names the runtime knows, and `UTC`. */
export function timeZones(): ReadonlySet<string> {
    canonicalZones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
    return canonicalZones;
}

/** Whether `zone` is an IANA name: a canonical one, or an alias of one (`Asia/Kolkata`, `Etc/UTC`); never an offset (`+09:00`). */
export function isTimeZone(zone: string): boolean {
    if (timeZones().has(zone)) {
        return true;
    }
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+$/.test(zone)) {
        return false;
    }
    try {
        const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
        return timeZones().has(resolved) || resolved === zone;
    } catch {
        return false;
    }
}

/** Why `zone` is not a time zone EventBridge Scheduler takes, or undefined. */
export function timeZoneProblem(zone: string): string | undefined {
    if (isTimeZone(zone)) {
        return undefined;
    }
    const guess = closestMatch(zone, [...timeZones()]);
    return `${showValue(zone)} is not an IANA time zone name; use one like "Asia/Seoul" or "UTC"${guess ? ` (did you mean ${showValue(guess)}?)` : ""}`;
}

// ---------------------------------------------------------------------------------------------
// The schedule's other settings, and the rules together.
// ---------------------------------------------------------------------------------------------

/** Why `input` is not what a Lambda target takes, or undefined. */
export function inputProblem(input: string): string | undefined {
    if (input.length === 0) {
        return "is empty; leave input out for Scheduler's own event, or give a JSON document";
    }
    if (input.length > INPUT_MAX_CHARACTERS) {
        return `is ${input.length.toLocaleString("en-US")} characters; a schedule's input is an instruction, at most ${INPUT_MAX_CHARACTERS.toLocaleString("en-US")} characters (keep data in a table or a bucket, and name it here)`;
    }
    try {
        JSON.parse(input);
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return `${showValue(input.length > 60 ? `${input.slice(0, 57)}...` : input)} is not JSON (${reason}); a Lambda target takes a well-formed JSON document, e.g. '{"kind":"daily-question"}'`;
    }
    return undefined;
}

/** Name limits a schedule's names break, at `[]` (the key). */
function nameProblems(naming: Naming, key: string): Problem[] {
    const names = scheduleNames(naming, key);
    const checks: Array<[NameKind, string, string]> = [
        ["schedulerName", names.schedule, "schedule (and schedule group) name"],
        ["iamRole", names.role, "execution role name"],
        ["sqsQueue", names.queue, "dead-letter queue name"],
    ];
    const problems: Problem[] = [];
    for (const [kind, name, what] of checks) {
        if (nameProblem(kind, name)) {
            const rule = NAME_RULES[kind];
            const why = name.length > rule.maxLength ? `is ${name.length} characters; AWS allows at most ${rule.maxLength}` : `is not allowed; AWS allows ${rule.allowed}`;
            problems.push({ path: [], message: `makes the ${what} ${showValue(name)}, which ${why}; shorten the key` });
        }
    }
    return problems.slice(0, 1);
}

export interface SchedulesContext {
    readonly naming: Naming;
    /** The keys of `platform:functions`; undefined when the stack has no functions (another rule reports it). */
    readonly functions?: readonly string[];
}

/**
 * Every rule one schedule breaks, at paths from the schedule (`expression`, `retry.attempts`, …).
 * `earlier`: the key of a schedule before this one that targets the same function, if any.
 */
export function scheduleProblems(key: string, schedule: ScheduleSpec, ctx: SchedulesContext, earlier?: string): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    problems.push(...nameProblems(ctx.naming, key));

    const missing = ctx.functions !== undefined && !ctx.functions.includes(schedule.function);
    if (ctx.functions !== undefined && missing) {
        const guess = closestMatch(schedule.function, ctx.functions);
        const known = ctx.functions.length > 0 ? `its functions: ${ctx.functions.join(", ")}` : "it has none";
        report(["function"], `${showValue(schedule.function)} is not a function of platform:functions; ${known}${guess ? ` (did you mean ${showValue(guess)}?)` : ""}`);
    } else if (earlier !== undefined) {
        // Lambda keeps one asynchronous invocation configuration per function (FunctionEventInvokeConfig, above).
        report(
            ["function"],
            `${showValue(schedule.function)} is also the target of schedule ${showValue(earlier)}; a function has one asynchronous invocation configuration, so one failure destination (a schedule's dead-letter queue): schedules ${showValue(earlier)} and ${showValue(key)} need a function each`,
        );
    }

    const expression = expressionProblem(schedule.expression);
    if (expression) {
        report(["expression"], `${showValue(schedule.expression)} ${expression}`);
    }
    const zone = timeZoneProblem(schedule.timezone);
    if (zone) {
        report(["timezone"], zone);
    }

    const { attempts, maxEventAgeSeconds } = schedule.retry;
    const tries = SCHEDULER_LIMITS.retryAttempts;
    const triesAllowed = `EventBridge Scheduler retries a failed invocation ${tries.min} to ${tries.max} times`;
    if (!Number.isInteger(attempts)) {
        report(["retry", "attempts"], `${attempts} is not a whole number; ${triesAllowed}`);
    } else if (attempts < tries.min || attempts > tries.max) {
        report(["retry", "attempts"], `${attempts} is outside ${tries.min}–${tries.max}; ${triesAllowed}`);
    }
    const age = SCHEDULER_LIMITS.maxEventAgeSeconds;
    const ageAllowed = "EventBridge Scheduler keeps retrying an event for 1 minute to 24 hours, in whole seconds";
    if (!Number.isInteger(maxEventAgeSeconds)) {
        report(["retry", "maxEventAgeSeconds"], `${maxEventAgeSeconds} is not a whole number; ${ageAllowed}`);
    } else if (maxEventAgeSeconds < age.min || maxEventAgeSeconds > age.max) {
        report(["retry", "maxEventAgeSeconds"], `${maxEventAgeSeconds} is outside ${age.min}–${age.max.toLocaleString("en-US")}; ${ageAllowed}`);
    }
    const handlerAttempts = schedule.retry.handlerAttempts ?? RETRY_DEFAULTS.handlerAttempts;
    const handlerTries = LAMBDA_ASYNC_LIMITS.retryAttempts;
    const handlerAllowed = `Lambda retries a handler that failed ${handlerTries.min} to ${handlerTries.max} times (0: it runs once per delivered event)`;
    if (!Number.isInteger(handlerAttempts)) {
        report(["retry", "handlerAttempts"], `${handlerAttempts} is not a whole number; ${handlerAllowed}`);
    } else if (handlerAttempts < handlerTries.min || handlerAttempts > handlerTries.max) {
        report(["retry", "handlerAttempts"], `${handlerAttempts} is outside ${handlerTries.min}–${handlerTries.max}; ${handlerAllowed}`);
    }

    if (schedule.input !== undefined) {
        const problem = inputProblem(schedule.input);
        if (problem) {
            report(["input"], problem);
        }
    }
    return problems;
}

/** Every schedule's problems, at `<key>.…`; a function two schedules target is reported at the later one. */
export function schedulesProblems(schedules: Readonly<Record<string, ScheduleSpec>>, ctx: SchedulesContext): Problem[] {
    const first = new Map<string, string>();
    return Object.entries(schedules).flatMap(([key, schedule]) => {
        const earlier = first.get(schedule.function);
        if (earlier === undefined) {
            first.set(schedule.function, key);
        }
        return scheduleProblems(key, schedule, ctx, earlier).map((p) => ({ path: [key, ...p.path], message: p.message }));
    });
}

// ---------------------------------------------------------------------------------------------
// IAM.
// ---------------------------------------------------------------------------------------------

/**
 * The execution role's one policy: invoke exactly the schedule's function (its unqualified ARN,
 * the target; no version or alias is ever invoked), and deliver dead letters to exactly its
 * queue. Nothing else: the role is the schedule's alone.
 */
/**
 * What the function's own execution role needs for its schedule: Lambda writes the record of a
 * handler that failed (every retry, or the event's age, spent) to the schedule's dead-letter queue
 * with the function's role (the destinations page, above), so exactly `sqs:SendMessage` on exactly
 * that queue. SSE-SQS needs no KMS grant.
 */
export function handlerFailureStatements<A extends pulumi.Input<string>>(queueArn: A): PolicyStatement[] {
    return [{ Sid: "RecordHandlerFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn }];
}

export function executionRoleStatements<A extends pulumi.Input<string>>(target: { readonly functionArn: A; readonly queueArn: A }): PolicyStatement[] {
    return [
        { Sid: "InvokeTheFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: target.functionArn },
        { Sid: "DeliverDeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: target.queueArn },
    ];
}
