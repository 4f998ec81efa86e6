/**
 * The cost change of a pull request: each stack's monthly estimate on the base branch and on the
 * head, line by line (`npm run -s cost-diff -- --base <dir> --head <dir>`, the PR workflow's job
 * summary).
 *
 * Lines are matched by (resource, type, priceId); a key that occurs more than once on a side is
 * matched in order of appearance. All arithmetic is in whole cents (half away from zero), so a
 * delta never shows floating-point noise. Not-priced lines (`unitPriceUsd: null`) are listed and
 * flagged, never counted as 0: a change involving one has no amount.
 */
import type { CostEstimate, CostLine } from "./types";

export type Change = "added" | "removed" | "changed" | "unchanged";

/** What differs on a changed line. */
export type ChangedField = "quantity" | "unitPrice" | "monthly";

export interface CostLineDiff {
    readonly change: Change;
    readonly resource: string;
    readonly type: string;
    readonly priceId: string;
    readonly component: string;
    /** The line on the base branch (absent for an added line). */
    readonly base?: CostLine;
    /** The line on the head (absent for a removed line). */
    readonly head?: CostLine;
    /** For a changed line: quantity, unit price and/or monthly amount, in that order. */
    readonly fields: readonly ChangedField[];
    /** Head minus base, USD in whole cents (an absent side counts 0); null when a present side is not priced. */
    readonly deltaUsd: number | null;
}

export interface CostDiff {
    readonly stack: string;
    /** added: a stack file only on the head; removed: only on the base; changed: a line or the total differs. */
    readonly change: Change;
    readonly base?: CostEstimate;
    readonly head?: CostEstimate;
    /** The totals (cents), null for a side without the stack. */
    readonly baseUsd: number | null;
    readonly headUsd: number | null;
    /** headUsd − baseUsd, a missing side counting 0. */
    readonly deltaUsd: number;
    /** The delta in percent of the base, one decimal; null without a base or with a base of $0.00. */
    readonly percent: number | null;
    /** Every line of both sides: the changed ones first, a resource's together, the largest change first; then the unchanged. */
    readonly lines: readonly CostLineDiff[];
    readonly counts: Readonly<Record<Change, number>>;
}

/** Options of the rendering. */
export interface SummaryOptions {
    /**
     * false: the base branch has no estimator (no `cost` script), so the base column says "no
     * estimate" instead of treating every stack as new.
     * @default true
     */
    readonly baseEstimates?: boolean;
    /** Lines put under the table (e.g. a stack whose estimate could not be read). */
    readonly notes?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Cents
// ---------------------------------------------------------------------------------------------

/**
 * USD to whole cents, half away from zero. `12.345 * 100` is 1234.4999999999998 in binary
 * floating point: it is read to 12 significant digits first, so it rounds to 1235 as written.
 */
export function toCents(usd: number): number {
    return roundHalfAway(usd * 100);
}

/** To a whole number, half away from zero, after reading `x` to 12 significant digits. */
function roundHalfAway(x: number): number {
    return Math.sign(x) * Math.round(Number(Math.abs(x).toPrecision(12))) || 0;
}

/** `$1,234.56`; with `signed`, `+$1.00` / `-$1.00` / `$0.00`. */
export function formatCents(cents: number, signed = false): string {
    const abs = Math.abs(cents);
    const dollars = Math.floor(abs / 100)
        .toString()
        .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const text = `$${dollars}.${String(abs % 100).padStart(2, "0")}`;
    if (cents < 0) {
        return `-${text}`;
    }
    return signed && cents > 0 ? `+${text}` : text;
}

/** A unit price as the table writes it: up to 8 decimals, at least 2, no exponent (`$0.0225`, `$5.00`). */
export function formatUnitPrice(usd: number): string {
    const [whole, fraction = ""] = Math.abs(usd).toFixed(8).split(".");
    const trimmed = fraction.replace(/0+$/, "").padEnd(2, "0");
    return `${usd < 0 ? "-" : ""}$${whole}.${trimmed}`;
}

function formatPercent(percent: number): string {
    return `${percent > 0 ? "+" : ""}${percent.toFixed(1)}%`;
}

// ---------------------------------------------------------------------------------------------
// The diff
// ---------------------------------------------------------------------------------------------

const keyOf = (line: CostLine): string => JSON.stringify([line.resource, line.type, line.priceId]);

/** Lines by key, each key's occurrences numbered in order (`key#0`, `key#1`…). */
function byKey(lines: readonly CostLine[]): Map<string, CostLine> {
    const seen = new Map<string, number>();
    const map = new Map<string, CostLine>();
    for (const line of lines) {
        const key = keyOf(line);
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        map.set(`${key}#${n}`, line);
    }
    return map;
}

const cents = (line: CostLine | undefined): number | null | undefined =>
    line === undefined ? undefined : line.monthlyUsd === null || line.unitPriceUsd === null ? null : toCents(line.monthlyUsd);

function lineDiff(base: CostLine | undefined, head: CostLine | undefined): CostLineDiff {
    const line = (head ?? base)!;
    const [b, h] = [cents(base), cents(head)];
    const deltaUsd = b === null || h === null ? null : ((h ?? 0) - (b ?? 0)) / 100;
    const fields: ChangedField[] = [];
    if (base && head) {
        if (base.quantity !== head.quantity) {
            fields.push("quantity");
        }
        if (base.unitPriceUsd !== head.unitPriceUsd) {
            fields.push("unitPrice");
        }
        if (b !== h) {
            fields.push("monthly");
        }
    }
    const change: Change = !base ? "added" : !head ? "removed" : fields.length > 0 ? "changed" : "unchanged";
    return { change, resource: line.resource, type: line.type, priceId: line.priceId, component: line.component, base, head, fields, deltaUsd };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Changed lines first, a resource's lines together (its instance class's old and new price are
 * adjacent): resources by the size of their change (a not-priced change counts 0), then by name;
 * within one, by the size of the line's change (not priced after priced), price and side. The
 * unchanged lines last, by resource, type and price.
 */
function sortLines(lines: CostLineDiff[]): CostLineDiff[] {
    const resourceOf = (d: CostLineDiff) => JSON.stringify([d.resource, d.type]);
    const weight = new Map<string, number>();
    for (const d of lines) {
        if (d.change !== "unchanged") {
            weight.set(resourceOf(d), (weight.get(resourceOf(d)) ?? 0) + Math.abs(toCents(d.deltaUsd ?? 0)));
        }
    }
    const weightOf = (d: CostLineDiff) => (d.change === "unchanged" ? 0 : (weight.get(resourceOf(d)) ?? 0));
    const rank = (d: CostLineDiff) => (d.change === "unchanged" ? 2 : d.deltaUsd === null ? 1 : 0);
    return lines.sort(
        (a, b) =>
            Number(a.change === "unchanged") - Number(b.change === "unchanged") ||
            weightOf(b) - weightOf(a) ||
            compareText(a.resource, b.resource) ||
            compareText(a.type, b.type) ||
            rank(a) - rank(b) ||
            Math.abs(toCents(b.deltaUsd ?? 0)) - Math.abs(toCents(a.deltaUsd ?? 0)) ||
            compareText(a.priceId, b.priceId) ||
            compareText(a.change, b.change),
    );
}

/**
 * The difference between a stack's estimate on the base branch and on the head. Either may be
 * missing (a stack file added or removed by the pull request), not both.
 */
export function costDiff(base: CostEstimate | undefined, head: CostEstimate | undefined): CostDiff {
    const either = head ?? base;
    if (either === undefined) {
        throw new Error("costDiff needs the stack's estimate on at least one side");
    }
    const baseLines = byKey(base?.lines ?? []);
    const headLines = byKey(head?.lines ?? []);
    const keys = [...new Set([...baseLines.keys(), ...headLines.keys()])];
    const lines = sortLines(keys.map((key) => lineDiff(baseLines.get(key), headLines.get(key))));
    const counts: Record<Change, number> = { added: 0, removed: 0, changed: 0, unchanged: 0 };
    for (const line of lines) {
        counts[line.change]++;
    }
    const baseCents = base ? toCents(base.monthlyUsd) : null;
    const headCents = head ? toCents(head.monthlyUsd) : null;
    const deltaCents = (headCents ?? 0) - (baseCents ?? 0);
    const change: Change = !base ? "added" : !head ? "removed" : deltaCents !== 0 || counts.unchanged !== lines.length ? "changed" : "unchanged";
    return {
        stack: either.stack,
        change,
        base,
        head,
        baseUsd: baseCents === null ? null : baseCents / 100,
        headUsd: headCents === null ? null : headCents / 100,
        deltaUsd: deltaCents / 100,
        percent: baseCents === null || baseCents === 0 || headCents === null ? null : roundHalfAway((deltaCents * 1000) / baseCents) / 10,
        lines,
        counts,
    };
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/** `aws:lb/loadBalancer:LoadBalancer` -> `aws:lb/loadBalancer` (the module path says enough). */
const shortType = (type: string): string => (type.split(":").length === 3 ? type.replace(/:[^:]*$/, "") : type);

/** `alb-alb (aws:lb/loadBalancer) 730 h × $0.0225`, or `… 730 h × no price (alb.hour)`. */
function describe(line: CostLine): string {
    const price = line.unitPriceUsd === null ? `no price (${line.priceId})` : formatUnitPrice(line.unitPriceUsd);
    return `${line.resource} (${shortType(line.type)}) ${line.basis} × ${price}`;
}

const amount = (line: CostLine): string => (line.unitPriceUsd === null || line.monthlyUsd === null ? "not priced" : formatCents(toCents(line.monthlyUsd)));

/** The diff block's rows: `+`/`-` and the amount, right-aligned, then what it is. */
function diffRows(lines: readonly CostLineDiff[]): string[] {
    const rows: Array<{ sign: "+" | "-"; amount: string; text: string }> = [];
    for (const line of lines) {
        if (line.base && line.change !== "added") {
            rows.push({ sign: "-", amount: amount(line.base), text: describe(line.base) });
        }
        if (line.head && line.change !== "removed") {
            const delta = line.change === "changed" ? (line.deltaUsd === null ? "  (not priced)" : `  (${formatCents(toCents(line.deltaUsd), true)})`) : "";
            rows.push({ sign: "+", amount: amount(line.head), text: `${describe(line.head)}${delta}` });
        }
    }
    const width = Math.max(0, ...rows.map((row) => row.amount.length));
    return rows.map((row) => `${row.sign} ${row.amount.padStart(width)}  ${row.text}`);
}

function budgetCell(estimate: CostEstimate | undefined): string {
    const budget = estimate?.budget;
    if (!budget) {
        return "—";
    }
    return `${budget.over ? "**over**" : "within"} ${formatCents(toCents(budget.monthlyUsd))}`;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function tableDates(diff: CostDiff): string {
    const [base, head] = [diff.base?.tableDate, diff.head?.tableDate];
    if (base !== undefined && head !== undefined && base !== head) {
        return `Prices: the base's table of ${base}, the head's of ${head}.`;
    }
    return `Prices: the table of ${head ?? base}.`;
}

function details(diff: CostDiff, baseEstimates: boolean): string[] {
    const changed = diff.lines.filter((line) => line.change !== "unchanged");
    const parts = (["added", "removed", "changed"] as const).filter((c) => diff.counts[c] > 0).map((c) => `${diff.counts[c]} ${c}`);
    const summary = baseEstimates
        ? `<b>${diff.stack}</b>: ${formatCents(toCents(diff.deltaUsd), true)} a month${diff.change === "added" ? ", a new stack" : diff.change === "removed" ? ", stack removed" : ""} (${plural(changed.length, "line")}${parts.length > 0 ? `: ${parts.join(", ")}` : ""})`
        : `<b>${diff.stack}</b>: ${formatCents(toCents(diff.headUsd ?? 0))} a month (${plural(changed.length, "line")})`;
    const rows = diffRows(changed);
    const out = [`<details><summary>${summary}</summary>`, "", ...(rows.length > 0 ? ["```diff", ...rows, "```"] : [diff.change === "changed" ? "No line changed; the total did." : "The estimate has no lines."]), ""];
    const notPriced = diff.head?.lines.filter((line) => line.unitPriceUsd === null || line.monthlyUsd === null) ?? [];
    if (notPriced.length > 0) {
        const names = notPriced.map((line) => `\`${line.resource}\` (${line.priceId})`).join(", ");
        out.push(`Not priced, so not in the total: ${names}.`, "");
    }
    out.push(tableDates(diff), "", "</details>", "");
    return out;
}

/**
 * The job summary (GitHub-flavoured Markdown): a table of every stack (base, head, change, %,
 * budget, lines not priced), then for each stack that changed a collapsible list of its changed
 * lines as a diff. Stacks in name order.
 */
export function renderCostSummary(diffs: readonly CostDiff[], options: SummaryOptions = {}): string {
    const baseEstimates = options.baseEstimates ?? true;
    const sorted = [...diffs].sort((a, b) => compareText(a.stack, b.stack));
    const out = ["## Monthly cost estimate (USD)", ""];
    if (!baseEstimates) {
        out.push("The base branch has no cost estimator (`npm run cost`): the head's estimates only.", "");
    }
    if (sorted.length === 0) {
        out.push("No stack has an estimate.", "");
    } else {
        out.push("| Stack | Base | Head | Change | % | Budget | Not priced |", "| --- | ---: | ---: | ---: | ---: | --- | ---: |");
        for (const diff of sorted) {
            const base = diff.baseUsd === null ? (baseEstimates ? "—" : "no estimate") : formatCents(toCents(diff.baseUsd));
            const head = diff.headUsd === null ? "—" : formatCents(toCents(diff.headUsd));
            const change = baseEstimates ? formatCents(toCents(diff.deltaUsd), true) : "—";
            const percent =
                diff.change === "added" ? (baseEstimates ? "new" : "—") : diff.change === "removed" ? "removed" : diff.percent === null ? "—" : formatPercent(diff.percent);
            const notPriced = diff.head ? String(diff.head.lines.filter((line) => line.unitPriceUsd === null || line.monthlyUsd === null).length) : "—";
            out.push(`| ${diff.stack} | ${base} | ${head} | ${change} | ${percent} | ${budgetCell(diff.head)} | ${notPriced} |`);
        }
        out.push("");
        const dates = [...new Set(sorted.map((diff) => diff.head?.tableDate ?? diff.base?.tableDate))].sort();
        out.push(`From the offline plan (no credentials) and the price table of ${dates.join(", ")}; a line not priced is listed, never counted as $0.`, "");
    }
    for (const note of options.notes ?? []) {
        out.push(`> ${note}`, "");
    }
    for (const diff of sorted) {
        if (diff.change !== "unchanged") {
            out.push(...details(diff, baseEstimates));
        }
    }
    return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
