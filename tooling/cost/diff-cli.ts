/**
 * `npm run -s cost-diff -- [--base <dir>] --head <dir>` (scripts/cost-diff.ts runs `costDiffCli`
 * with the process's streams; the tests run it in-process): prints the Markdown cost summary of a
 * pull request (tooling/cost/diff.ts) for `$GITHUB_STEP_SUMMARY`.
 *
 * Each directory holds one `<stack>.json` per stack, the output of
 * `npm run -s cost -- --stack <stack> --json` on that side. A stack with a file on one side only
 * was added or removed by the pull request. Without `--base` the base branch has no estimator: the
 * head's estimates are shown alone. A file that is not an estimate (empty: its `cost` run failed)
 * leaves its stack out, with a note in the summary.
 * Exit codes: 0 always once the arguments are right (the summary informs, it does not gate);
 * 2 usage (unknown argument, no --head, a directory that does not exist).
 */
import * as fs from "fs";
import * as path from "path";
import { costDiff, renderCostSummary, type CostDiff } from "./diff";
import type { CostEstimate } from "./types";

const USAGE = "usage: npm run cost-diff -- [--base <dir of <stack>.json>] --head <dir of <stack>.json>";

/** Where the CLI writes: the process's stdout and stderr, or a test's buffers. */
export interface CliOutput {
    out(text: string): void;
    err(text: string): void;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { base?: string; head: string } {
    let base: string | undefined;
    let head: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = (): string => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) {
                throw new UsageError(`${arg} needs a directory`);
            }
            return next;
        };
        if (arg === "--base") {
            base = value();
        } else if (arg === "--head") {
            head = value();
        } else {
            throw new UsageError(`unknown argument ${arg}`);
        }
    }
    if (head === undefined) {
        throw new UsageError("--head is required");
    }
    for (const dir of [base, head]) {
        if (dir !== undefined && !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
            throw new UsageError(`${dir} is not a directory`);
        }
    }
    return { base, head };
}

/** Why `value` is not a CostEstimate, or undefined when it is one (the fields the diff reads). */
export function estimateProblem(value: unknown): string | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return "not a JSON object";
    }
    const estimate = value as Record<string, unknown>;
    for (const key of ["stack", "tableDate"]) {
        if (typeof estimate[key] !== "string") {
            return `${key} is not a string`;
        }
    }
    if (typeof estimate.monthlyUsd !== "number" || !Number.isFinite(estimate.monthlyUsd)) {
        return "monthlyUsd is not a number";
    }
    if (!Array.isArray(estimate.lines)) {
        return "lines is not a list";
    }
    for (const [index, line] of (estimate.lines as unknown[]).entries()) {
        const l = (line ?? {}) as Record<string, unknown>;
        const bad =
            ["resource", "type", "component", "priceId", "basis"].find((key) => typeof l[key] !== "string") ??
            (typeof l.quantity !== "number" ? "quantity" : undefined) ??
            ["unitPriceUsd", "monthlyUsd"].find((key) => l[key] !== null && typeof l[key] !== "number");
        if (bad !== undefined) {
            return `lines[${index}].${bad} is missing or of the wrong type`;
        }
    }
    return undefined;
}

/** The estimates of a directory by stack (file name), and a problem per unreadable file. */
function readEstimates(dir: string): { estimates: Map<string, CostEstimate>; problems: Map<string, string> } {
    const estimates = new Map<string, CostEstimate>();
    const problems = new Map<string, string>();
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(".json")).sort()) {
        const stack = file.slice(0, -".json".length);
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        if (text.trim() === "") {
            problems.set(stack, "empty (its estimate failed)");
            continue;
        }
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch (err) {
            problems.set(stack, `not JSON (${(err as Error).message})`);
            continue;
        }
        const problem = estimateProblem(value);
        if (problem !== undefined) {
            problems.set(stack, `not a cost estimate: ${problem}`);
        } else {
            // The file names the stack (the estimate should agree).
            estimates.set(stack, { ...(value as CostEstimate), stack });
        }
    }
    return { estimates, problems };
}

/** Runs the cost diff for `argv` (the arguments after `--`); returns the exit code. */
export function costDiffCli(argv: readonly string[], output: CliOutput): number {
    let options: { base?: string; head: string };
    try {
        options = parseArgs(argv);
    } catch (err) {
        if (err instanceof UsageError) {
            output.err(`${err.message}\n${USAGE}\n`);
            return 2;
        }
        throw err;
    }
    const head = readEstimates(options.head);
    const base = options.base === undefined ? { estimates: new Map<string, CostEstimate>(), problems: new Map<string, string>() } : readEstimates(options.base);
    const notes: string[] = [];
    const diffs: CostDiff[] = [];
    const stacks = [...new Set([...head.estimates.keys(), ...head.problems.keys(), ...base.estimates.keys(), ...base.problems.keys()])].sort();
    for (const stack of stacks) {
        const problems = [["base", base.problems.get(stack)], ["head", head.problems.get(stack)]].filter(([, problem]) => problem !== undefined);
        if (problems.length > 0) {
            notes.push(`**${stack}** left out: ${problems.map(([side, problem]) => `the ${side}'s \`${stack}.json\` is ${problem}`).join("; ")}.`);
            output.err(`warning: ${stack}: ${problems.map(([side, problem]) => `${side} ${problem}`).join("; ")}\n`);
            continue;
        }
        diffs.push(costDiff(base.estimates.get(stack), head.estimates.get(stack)));
    }
    output.out(renderCostSummary(diffs, { baseEstimates: options.base !== undefined, notes }));
    return 0;
}
