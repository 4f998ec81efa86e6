/**
 * The schedules block (`platform:schedules`): EventBridge Scheduler schedules, each invoking one
 * function of `platform:functions` (LambdaSchedules). Built after the functions: it takes their
 * ARNs (`ctx.need(functionsBlock)`). Each schedule has its own group, dead-letter queue and
 * execution role, and sets its function's asynchronous invocation (the handler's retries, and its
 * failures to the same queue); its alarms watch the queue and the group's target errors.
 */
import { z } from "zod";
import { Problem, nest } from "../../../lib/problems";
import { BuildContext, defineBlock, singleKey } from "../../../stacks/block";
import { functionsBlock } from "../functions/block";
import { scheduleAlarms } from "./alarms";
import { LambdaSchedules } from "./lambda-schedules";
import { DEFAULT_TIMEZONE, INPUT_MAX_CHARACTERS, LAMBDA_ASYNC_LIMITS, RETRY_DEFAULTS, SCHEDULER_LIMITS, schedulesProblems } from "./schedules";

function scheduleSchema() {
    const { retryAttempts, maxEventAgeSeconds } = SCHEDULER_LIMITS;
    const handler = LAMBDA_ASYNC_LIMITS;
    return z
        .strictObject({
            function: z.string().describe("The function it invokes: a key of platform:functions, the target of no other schedule."),
            expression: z
                .string()
                .describe(
                    "When it runs: `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` with `?` in exactly one of the day fields, `rate(<n> minute|minutes|hour|hours|day|days)` (the singular for 1), or `at(yyyy-mm-ddThh:mm:ss)` once, in local time.",
                ),
            timezone: z
                .string()
                .default(DEFAULT_TIMEZONE)
                .describe("The IANA time zone cron and at() are read in (`Asia/Seoul`, `UTC`, `America/New_York`); daylight saving follows it."),
            retry: z
                .strictObject({
                    attempts: z
                        .number()
                        .default(RETRY_DEFAULTS.attempts)
                        .describe(`EventBridge Scheduler's retries of a delivery Lambda refused (throttling, permissions, a missing function), ${retryAttempts.min}–${retryAttempts.max}.`),
                    maxEventAgeSeconds: z
                        .number()
                        .default(RETRY_DEFAULTS.maxEventAgeSeconds)
                        .describe(
                            `Seconds a delivery is retried for, ${maxEventAgeSeconds.min}–${maxEventAgeSeconds.max.toLocaleString("en-US")}, then it goes to the dead-letter queue; Lambda keeps a delivered event as long, at most ${handler.maxEventAgeSeconds.max.toLocaleString("en-US")} (its ceiling: a longer age is cut to it).`,
                        ),
                    handlerAttempts: z
                        .number()
                        .default(RETRY_DEFAULTS.handlerAttempts)
                        .describe(
                            `Lambda's retries of a handler that errored or timed out, ${handler.retryAttempts.min}–${handler.retryAttempts.max}; then the failure, with its error, goes to the dead-letter queue. 0: the handler runs once per delivered event, so a job that is not idempotent (notifications) never runs twice; raise it only for a handler that is.`,
                        ),
                })
                .prefault({})
                .describe("How a run is retried: its delivery by EventBridge Scheduler (attempts, maxEventAgeSeconds), and its handler by Lambda (handlerAttempts)."),
            input: z
                .string()
                .optional()
                .describe(`The JSON document the function receives as its event, at most ${INPUT_MAX_CHARACTERS.toLocaleString("en-US")} characters. Default: none (Scheduler's own event).`),
            enabled: z.boolean().default(true).describe("false keeps the schedule but does not run it (DISABLED)."),
        })
        .describe("One schedule, `<prefix>-<env>-<key>` in its own schedule group, with its dead-letter queue and execution role.");
}

function schedulesSchema() {
    return z.record(z.string(), scheduleSchema()).describe("EventBridge Scheduler schedules by key (`daily-question` → `<prefix>-<env>-daily-question`), each invoking a function.");
}

export type SchedulesConfig = z.output<ReturnType<typeof schedulesSchema>>;

export const schedulesBlock = defineBlock({
    name: "schedules",
    keys: ["schedules"],
    requires: [functionsBlock],
    schema: () => singleKey("schedules", schedulesSchema()),

    rules(schedules: SchedulesConfig, view): Problem[] {
        if (Object.keys(schedules).length === 0) {
            return [{ path: ["schedules"], message: "is empty; name at least one schedule, or leave platform:schedules out" }];
        }
        const functions = view.config(functionsBlock);
        return nest(["schedules"], schedulesProblems(schedules, { naming: view.stack.naming, functions: functions ? Object.keys(functions) : undefined }));
    },

    build(schedules: SchedulesConfig, ctx: BuildContext): LambdaSchedules {
        return new LambdaSchedules("schedules", { naming: ctx.stack.naming, tags: ctx.stack.tags, schedules, functions: ctx.need(functionsBlock).functions });
    },

    outputs: (built) => ({
        schedules: Object.fromEntries(built.schedules.map((s) => [s.key, { name: s.name, function: s.function, deadLetterQueueUrl: s.queueUrl }])),
    }),

    alarms: (built) => ({
        rank: 17,
        title: "Schedules",
        specs: built.schedules.flatMap(scheduleAlarms),
    }),
});
