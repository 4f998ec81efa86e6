/**
 * `npm run bench [-- --runs N --test-runs M]`: wall time of the offline plan per stack (median of
 * N runs, default 5) and of the whole `npm test` (median of M runs, default 3), with the
 * resource count of each stack. Exits 1 when a budget is exceeded:
 *   - `npm run plan -- --stack <any>` under 3 s;
 *   - `npm test` under 60 s.
 * Dependencies must already be installed (`npm ci`).
 */
import { spawnSync } from "child_process";
import { PROJECT_ROOT, listStacks } from "../tooling/stack-file";

const PLAN_BUDGET_SECONDS = 3;
const TEST_BUDGET_SECONDS = 60;

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
        throw new Error(`npm ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
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
        const ok = m < budget;
        green &&= ok;
        const all = seconds.map((s) => s.toFixed(2)).join(" ");
        console.log(`${ok ? "ok  " : "OVER"} ${label.padEnd(34)} median ${m.toFixed(2)} s of ${seconds.length} (budget ${budget} s)${extra}  [${all}]`);
    };

    for (const stack of listStacks().filter((name) => !name.startsWith("tmp-"))) {
        const { stdout } = timeNpm(["run", "--silent", "plan", "--", "--stack", stack, "--json"]);
        const count = (JSON.parse(stdout) as { resources: unknown[] }).resources.length;
        const seconds = Array.from({ length: runs }, () => timeNpm(["run", "--silent", "plan", "--", "--stack", stack]).seconds);
        report(`npm run plan -- --stack ${stack}`, seconds, PLAN_BUDGET_SECONDS, `, ${count} resources`);
    }
    const testSeconds = Array.from({ length: testRuns }, () => timeNpm(["test", "--silent"]).seconds);
    report("npm test", testSeconds, TEST_BUDGET_SECONDS);
    return green ? 0 : 1;
}

process.exit(main());
