/**
 * Backup/snapshot and maintenance windows (UTC), as RDS and ElastiCache take them: a daily
 * window `hh:mm-hh:mm` and a weekly one `ddd:hh:mm-ddd:hh:mm`. Both services refuse a daily window
 * that overlaps the weekly one, and windows shorter than their minimum.
 */
import { Path, Problem, showValue } from "./problems";

const DAY = 24 * 60;
const WEEK = 7 * DAY;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** Minutes since midnight (daily) or since Monday 00:00 (weekly), end after start (wrapping). */
interface Interval {
    readonly start: number;
    readonly end: number;
}

const DAILY = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKLY = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

function parseDaily(text: string): Interval | undefined {
    const m = DAILY.exec(text);
    if (!m) {
        return undefined;
    }
    const start = Number(m[1]) * 60 + Number(m[2]);
    let end = Number(m[3]) * 60 + Number(m[4]);
    if (end <= start) {
        end += DAY;
    }
    return { start, end };
}

function parseWeekly(text: string): Interval | undefined {
    const m = WEEKLY.exec(text.toLowerCase());
    if (!m) {
        return undefined;
    }
    const at = (day: string, h: string, min: string) => DAYS.indexOf(day as (typeof DAYS)[number]) * DAY + Number(h) * 60 + Number(min);
    const start = at(m[1], m[2], m[3]);
    let end = at(m[4], m[5], m[6]);
    if (end <= start) {
        end += WEEK;
    }
    return { start, end };
}

/** True when the daily window, repeated every day, meets the weekly window. */
function overlaps(daily: Interval, weekly: Interval): boolean {
    for (let day = -1; day <= 7; day++) {
        const start = daily.start + day * DAY;
        const end = daily.end + day * DAY;
        for (const shift of [-WEEK, 0, WEEK]) {
            if (start < weekly.end + shift && weekly.start + shift < end) {
                return true;
            }
        }
    }
    return false;
}

export interface WindowCheck {
    /** The daily window (backups, snapshots) and where it sits in config. */
    readonly daily: { readonly path: Path; readonly text: string; readonly minMinutes: number };
    /** The weekly maintenance window and where it sits in config. */
    readonly weekly: { readonly path: Path; readonly text: string; readonly minMinutes: number };
}

/** Format, minimum length and no overlap. */
export function windowProblems(check: WindowCheck): Problem[] {
    const problems: Problem[] = [];
    const daily = parseDaily(check.daily.text);
    const weekly = parseWeekly(check.weekly.text);
    if (!daily) {
        problems.push({ path: check.daily.path, message: `${showValue(check.daily.text)} is not a daily window; use hh:mm-hh:mm in UTC, e.g. 18:00-19:00` });
    } else if (daily.end - daily.start < check.daily.minMinutes) {
        problems.push({ path: check.daily.path, message: `${showValue(check.daily.text)} lasts ${daily.end - daily.start} minutes; it must last at least ${check.daily.minMinutes}` });
    }
    if (!weekly) {
        problems.push({ path: check.weekly.path, message: `${showValue(check.weekly.text)} is not a weekly window; use ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:19:00-sun:20:00` });
    } else if (weekly.end - weekly.start < check.weekly.minMinutes) {
        problems.push({ path: check.weekly.path, message: `${showValue(check.weekly.text)} lasts ${weekly.end - weekly.start} minutes; it must last at least ${check.weekly.minMinutes}` });
    }
    if (daily && weekly && overlaps(daily, weekly)) {
        problems.push({ path: check.daily.path, message: `${showValue(check.daily.text)} overlaps the maintenance window ${showValue(check.weekly.text)}; AWS refuses overlapping windows` });
    }
    return problems;
}
