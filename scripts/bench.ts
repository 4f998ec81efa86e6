/**
 * `npm run bench [-- --runs N --test-runs M]`: what users and CI wait for, against its budget.
 * - The offline plan of every stack file (`npm run -s plan -- --stack <s>`, npm included, as a
 *   user runs it): median of N runs (default 5), with the stack's resource count. Budget 2 s.
 * - `npm test` (type-check and every test): one run with the caches cleared (the TypeScript
 *   transpile cache and Node's compile cache under node_modules/.cache, as on a fresh clone), then
 *   the median of M warm runs (default 3). Budget 30 s.
 * A median over its budget by more than 20 % fails (exit 1); within 20 % it is reported as `near`.
 * Dependencies must already be installed (`npm ci`).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, listStacks } from "../tooling/stack-file";

const PLAN_BUDGET_SECONDS = 2;
const TEST_BUDGET_SECONDS = 30;
/** How far over its budget a median may be before the bench fails. */
const TOLERANCE = 0.2;

function option(name: string, fallback: number): number {
    const index = process.argv.indexOf(name);
    const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${name} takes a whole number of runs, got ${process.argv[index + 1]}`);
    }
    return value;
}

/** Runs `npm <args>` once; returns its wall time in seconds and its stdout. Fails on a non-zero exit. */
function timeNpm(args: string[]): { seconds: number; stdout: string } {
    const start = process.hrtime.bigint();
    const result = spawnSync("npm", args, { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`npm ${args.join(" ")} exited ${result.status}:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
    }
    return { seconds, stdout: result.stdout };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function main(): number {
    const runs = option("--runs", 5);
    const testRuns = option("--test-runs", 3);
    let green = true;
    const report = (label: string, seconds: number[], budget: number, extra = "") => {
        const m = median(seconds);
        const verdict = m <= budget ? "ok  " : m <= budget * (1 + TOLERANCE) ? "near" : "OVER";
        green &&= verdict !== "OVER";
        const all = seconds.map((s) => s.toFixed(2)).join(" ");
        console.log(`${verdict} ${label.padEnd(36)} median ${m.toFixed(2)} s of ${seconds.length} (budget ${budget} s)${extra}  [${all}]`);
    };

    console.log(`node ${process.version}`);
    for (const stack of listStacks().filter((name) => !name.startsWith("tmp-"))) {
        const { stdout } = timeNpm(["run", "--silent", "plan", "--", "--stack", stack, "--json"]);
        const count = (JSON.parse(stdout) as { resources: unknown[] }).resources.length;
        const seconds = Array.from({ length: runs }, () => timeNpm(["run", "--silent", "plan", "--", "--stack", stack]).seconds);
        report(`npm run -s plan -- --stack ${stack}`, seconds, PLAN_BUDGET_SECONDS, `, ${count} resources`);
    }
    fs.rmSync(path.join(PROJECT_ROOT, "node_modules", ".cache"), { recursive: true, force: true });
    report("npm test (caches cleared)", [timeNpm(["test", "--silent"]).seconds], TEST_BUDGET_SECONDS);
    const testSeconds = Array.from({ length: testRuns }, () => timeNpm(["test", "--silent"]).seconds);
    report("npm test", testSeconds, TEST_BUDGET_SECONDS);
    return green ? 0 : 1;
}

process.exit(main());
