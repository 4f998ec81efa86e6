/**
 * Office-hours schedules (a dev cost lever of the seed): services run from `start` to `stop` on
 * the given days, in a time zone, and at zero tasks otherwise — nights, and weekends when the days
 * are MON-FRI (Friday's stop holds until Monday's start). Turned into Application Auto Scaling
 * scheduled actions (`cron(m h ? * days *)`). Pure functions.
 */
import { Problem, showValue } from "../../../lib/problems";

export interface OfficeHours {
    /** IANA time zone the times are in, e.g. `Asia/Seoul`. */
    readonly timezone: string;
    /** Days the services start, e.g. `MON-FRI` or `MON,WED,FRI`. */
    readonly days: string;
    /** `HH:MM` the services start (scaled back to their minimum). */
    readonly start: string;
    /** `HH:MM` the services stop (scaled to zero). */
    readonly stop: string;
}

export const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const DAY = `(?:${WEEKDAYS.join("|")})`;
const DAYS = new RegExp(`^${DAY}(?:-${DAY})?(?:,${DAY}(?:-${DAY})?)*$`);
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `cron(0 8 ? * MON-FRI *)`: Application Auto Scaling's six-field cron. */
export function cronAt(time: string, days: string): string {
    const [, hours, minutes] = TIME.exec(time)!;
    return `cron(${Number(minutes)} ${Number(hours)} ? * ${days} *)`;
}

/** The start and stop expressions of a valid schedule. */
export function officeHoursCrons(hours: OfficeHours): { start: string; stop: string } {
    return { start: cronAt(hours.start, hours.days), stop: cronAt(hours.stop, hours.days) };
}

function isTimeZone(zone: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return zone.includes("/") || zone === "UTC";
    } catch {
        return false;
    }
}

export function officeHoursProblems(hours: OfficeHours): Problem[] {
    const problems: Problem[] = [];
    if (!isTimeZone(hours.timezone)) {
        problems.push({ path: ["timezone"], message: `${showValue(hours.timezone)} is not an IANA time zone (expected e.g. Asia/Seoul or UTC)` });
    }
    if (!DAYS.test(hours.days)) {
        problems.push({ path: ["days"], message: `${showValue(hours.days)} is not a list of days; use ${WEEKDAYS.join(", ")}, ranges and commas, e.g. MON-FRI` });
    }
    for (const key of ["start", "stop"] as const) {
        if (!TIME.test(hours[key])) {
            problems.push({ path: [key], message: `${showValue(hours[key])} is not a time of day; use HH:MM, 00:00–23:59` });
        }
    }
    if (TIME.test(hours.start) && TIME.test(hours.stop) && hours.stop <= hours.start) {
        problems.push({
            path: ["stop"],
            message: `${showValue(hours.stop)} is not after the start (${showValue(hours.start)}); hours run within one day, since a stop past midnight would fall on a day outside ${showValue(hours.days)}`,
        });
    }
    return problems;
}
