/**
 * The GitHub Actions workflows (.github/workflows): what runs on a pull request and what deploys on
 * main, read as data. The `${{ }}` expressions that choose the stack name, the AWS role and whether
 * a job runs are evaluated (a small evaluator for the subset the workflows use), and every `run:`
 * block is executed through shellcheck; the summary step is also run, with `npm` stubbed.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { ciStacks, githubOutput } from "../tooling/ci-stacks";
import { requireTool } from "./support/tools";
import { snapshotStacks } from "../tooling/plan";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}

interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    "runs-on"?: string;
    permissions?: string | Record<string, string>;
    environment?: string | { name: string; url?: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    env?: Record<string, unknown>;
    steps: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: string | Record<string, string>;
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
}

interface Loaded {
    file: string;
    text: string;
    workflow: Workflow;
}

function load(file: string): Loaded {
    const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
    // yaml 2 parses YAML 1.2 (so `on` stays a string key) and throws on duplicate keys.
    return { file, text, workflow: parse(text) as Workflow };
}

// ---------------------------------------------------------------------------------------------
// GitHub expressions: the subset the workflows use — context paths, 'strings', true/false/null,
// ==, !=, !, &&, ||, parentheses, format(), fromJSON() and the status functions (success(),
// failure(), cancelled(), always(), answered from the context's `status`). Like GitHub, a missing context value is '' and
// && / || return an operand (so `a && b || c` is a conditional). Unlike GitHub, == compares
// strings case-sensitively; the tests below use values whose case matches.
// ---------------------------------------------------------------------------------------------

type Context = Record<string, unknown>;

const STATUS_FUNCTIONS = ["success", "failure", "cancelled", "always"];

function evaluate(expression: string, context: Context): unknown {
    const token = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||[!(),])|([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))\s*/y;
    let js = "";
    const source = expression.trim();
    for (let at = 0; at < source.length; ) {
        token.lastIndex = at;
        const match = token.exec(source);
        if (!match) {
            throw new Error(`unsupported expression syntax at "${source.slice(at)}" in: ${expression}`);
        }
        at = token.lastIndex;
        const [, literal, operator, word] = match;
        if (literal !== undefined) {
            js += JSON.stringify(literal.slice(1, -1).replace(/''/g, "'"));
        } else if (operator !== undefined) {
            js += operator === "==" ? "===" : operator === "!=" ? "!==" : operator;
        } else if (word === "true" || word === "false" || word === "null") {
            js += word;
        } else if (word === "format" || word === "fromJSON" || STATUS_FUNCTIONS.includes(word)) {
            js += `fn.${word}`;
        } else {
            js += `lookup(${JSON.stringify(word)})`;
        }
    }
    const lookup = (dotted: string): unknown =>
        dotted.split(".").reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), context) ?? "";
    const format = (template: string, ...args: unknown[]): string => template.replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)]));
    // Job status functions: the context's `status` (what earlier jobs did), "success" by default.
    const status = String(context.status ?? "success");
    const fn = {
        format,
        fromJSON: (text: string): unknown => JSON.parse(text),
        success: () => status === "success",
        failure: () => status === "failure",
        cancelled: () => status === "cancelled",
        always: () => true,
    };
    return new Function("lookup", "fn", `return (${js});`)(lookup, fn);
}

/** A `with:` value or any string: every `${{ … }}` replaced by its value. */
function render(value: unknown, context: Context): string {
    return String(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => String(evaluate(expression, context)));
}

/** An `if:` (bare or wrapped in `${{ }}`) as GitHub decides it; no `if:` means the job runs. */
function runs(condition: string | undefined, context: Context): boolean {
    if (condition === undefined) {
        return true;
    }
    const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition);
    return Boolean(evaluate(whole ? whole[1] : condition, context));
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

const action = (step: Step): string | undefined => step.uses?.split("@")[0];
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const permissionsOf = (job: Job): Record<string, string> => (typeof job.permissions === "object" ? job.permissions : {});
const environmentOf = (job: Job): string | undefined => (typeof job.environment === "object" ? job.environment.name : job.environment);
const allSteps = (loaded: Loaded): Array<{ job: string; step: Step }> =>
    Object.entries(loaded.workflow.jobs).flatMap(([job, spec]) => (spec.steps ?? []).map((step) => ({ job, step })));

function stepIndex(job: Job, predicate: (step: Step) => boolean, what: string): number {
    const index = job.steps.findIndex(predicate);
    expect(index, `a step that ${what}`).to.be.greaterThan(-1);
    return index;
}

const runsCommand = (command: RegExp) => (step: Step): boolean => step.run !== undefined && step.run.split("\n").some((line) => command.test(line.trim()));
const usesAction = (name: string) => (step: Step): boolean => action(step) === name;

function pulumiSteps(job: Job): Step[] {
    return job.steps.filter(usesAction("pulumi/actions"));
}

function shellcheck(script: string): { status: number | null; output: string } {
    const result = spawnSync("shellcheck", ["--shell=bash", "-"], { input: script, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Compares dotted versions numerically: negative, zero or positive. */
function compareVersions(a: string, b: string): number {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number));
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const difference = (x[i] ?? 0) - (y[i] ?? 0);
        if (difference !== 0) {
            return difference;
        }
    }
    return 0;
}

const FULL_SHA = /@[0-9a-f]{40}$/;

const pr = load("pull-request.yml");
const deploy = load("deploy.yml");
const both = [pr, deploy];

/** What GitHub provides to a same-repository PR's preview job, with overrides. */
function previewContext(stack: string, vars: Record<string, string> = {}, headRepo = "acme/goorm-popcorn", actor = "octocat"): Context {
    return {
        github: { repository: "acme/goorm-popcorn", actor, ref: "refs/pull/7/merge", run_id: "42", event: { pull_request: { number: 7, head: { repo: { full_name: headRepo } } } } },
        matrix: { stack },
        needs: { test: { outputs: { stacks: JSON.stringify([stack]) } } },
        vars: { AWS_PREVIEW_ROLE_ARN: "arn:aws:iam::111111111111:role/account-prod-github-preview", AWS_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/account-prod-github-deploy", ...vars },
        secrets: { GITHUB_TOKEN: "ghs_token" },
    };
}

function deployContext(ref: string, vars: Record<string, string> = {}, stack = "dev", stacks = { first: ["dev"], second: ["prod"] }, status = "success"): Context {
    return {
        github: { repository: "acme/goorm-popcorn", ref, sha: "0123456789abcdef0123456789abcdef01234567", run_id: "42", event: {} },
        matrix: { stack },
        needs: { test: { outputs: { first: JSON.stringify(stacks.first), second: JSON.stringify(stacks.second) } } },
        status,
        vars: { AWS_PREVIEW_ROLE_ARN: "arn:aws:iam::111111111111:role/account-prod-github-preview", AWS_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/account-prod-github-deploy", ...vars },
        secrets: {},
    };
}

describe(".github/workflows/pull-request.yml", () => {
    const { workflow } = pr;
    const test = workflow.jobs.test;
    const preview = workflow.jobs.preview;

    it("runs on pull requests to main, and on nothing else", () => {
        expect(Object.keys(workflow.on)).to.deep.equal(["pull_request"]);
        expect((workflow.on.pull_request as { branches: string[] }).branches).to.deep.equal(["main"]);
    });

    it("cancels the previous run of the same PR when a new push arrives", () => {
        const concurrency = workflow.concurrency as { group: string; "cancel-in-progress": boolean };
        expect(concurrency.group).to.match(/\$\{\{\s*github\.event\.pull_request\.number\s*\}\}/);
        expect(concurrency["cancel-in-progress"]).to.equal(true);
        expect(render(concurrency.group, previewContext("dev"))).to.not.equal(
            render(concurrency.group, { ...previewContext("dev"), github: { event: { pull_request: { number: 8 } } } }),
        );
    });

    it("job test installs shellcheck and jq before npm test, which then may not skip the tests that need them", () => {
        const install = stepIndex(test, runsCommand(/^sudo apt-get install -y (?=.*\bshellcheck\b)(?=.*\bjq\b)/), "installs shellcheck and jq");
        const npmTest = stepIndex(test, runsCommand(/^npm test$/), "runs npm test");
        expect(install).to.be.lessThan(npmTest);
        expect(test.steps[npmTest].env).to.deep.equal({ PLATFORM_REQUIRE_TOOLS: "1" });
    });

    it("job test writes the offline plan of every stack file to $GITHUB_STEP_SUMMARY, after npm test", () => {
        const summary = stepIndex(test, (step) => step.run?.includes("GITHUB_STEP_SUMMARY") ?? false, "writes the job summary");
        expect(summary).to.be.greaterThan(stepIndex(test, runsCommand(/^npm test$/), "runs npm test"));
        expect(test.steps[summary].run).to.match(/npm run -s plan -- --stack/);
        expect(test.steps[summary].run).to.match(/npm run -s stacks\)/);
    });

    it("job test finds the stacks to preview in the stack files (npm run -s stacks) and hands them to preview's matrix", () => {
        const list = stepIndex(test, runsCommand(/^npm run -s stacks -- --github >> "\$GITHUB_OUTPUT"$/), "lists the stacks");
        expect(list).to.be.greaterThan(stepIndex(test, runsCommand(/^npm test$/), "runs npm test"));
        expect(test.steps[list].id).to.equal("stacks");
        expect((test as Job & { outputs?: Record<string, string> }).outputs?.stacks).to.match(/^\$\{\{\s*steps\.stacks\.outputs\.preview\s*\}\}$/);
        expect(preview.strategy?.matrix?.stack).to.match(/^\$\{\{\s*fromJSON\(needs\.test\.outputs\.stacks\)\s*\}\}$/);
        expect(runs(preview.if, { ...previewContext("dev"), needs: { test: { outputs: { stacks: "[]" } } } }), "no stack to preview").to.equal(false);
    });

    describe("the summary step, run with npm stubbed", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-summary-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        /** Runs the block as GitHub does (bash -e -o pipefail) with a fake npm that prints its arguments. */
        function runSummary(npmExit: number): { status: number | null; summary: string; stderr: string } {
            const bin = path.join(dir, `bin-${npmExit}`);
            fs.mkdirSync(bin, { recursive: true });
            // `npm run -s stacks` lists the stack files; every other npm call is a plan.
            fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\ncase "$*" in *" stacks"*) printf 'account\\ndev\\nprod\\n'; exit 0;; esac\necho "PLAN OUTPUT: $*"\nexit ${npmExit}\n`, { mode: 0o755 });
            const summaryFile = path.join(dir, `summary-${npmExit}.md`);
            fs.writeFileSync(summaryFile, "");
            const script = test.steps.find((step) => step.run?.includes("GITHUB_STEP_SUMMARY"))!.run!;
            const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, GITHUB_STEP_SUMMARY: summaryFile },
            });
            return { status: result.status, summary: fs.readFileSync(summaryFile, "utf8"), stderr: result.stderr };
        }

        it("puts each stack's plan in a ```text fence inside a collapsible <details>", () => {
            const { status, summary, stderr } = runSummary(0);
            expect(status, stderr).to.equal(0);
            for (const stack of ["account", "dev", "prod"]) {
                const section = new RegExp(
                    `<details>\\s*<summary>[^<]*\\b${stack}\\b[^<]*</summary>\\s*\`\`\`text\\nPLAN OUTPUT: run -s plan -- --stack ${stack}\\n\`\`\`\\s*</details>`,
                );
                expect(summary, `the ${stack} section`).to.match(section);
            }
            expect(summary.indexOf("--stack dev")).to.be.lessThan(summary.indexOf("--stack prod"));
        });

        it("fails the step when a plan fails", () => {
            expect(runSummary(1).status).to.not.equal(0);
        });
    });

    it("job test needs no credentials: no secrets, no AWS, no id-token", () => {
        expect(JSON.stringify(test)).to.not.match(/secrets\.|configure-aws-credentials/);
        expect(permissionsOf(test)).to.not.have.property("id-token");
    });

    describe("job cost: each stack's monthly estimate on the head and on the base branch, and the difference, in the job summary", () => {
        const cost = workflow.jobs.cost;
        const costSteps = () => cost.steps;
        const summaryStep = () => cost.steps.find(runsCommand(/^npm run -s cost-diff -- .*>> "\$GITHUB_STEP_SUMMARY"$/));

        it("runs for every PR, forks included: no condition, no secrets, no AWS, no id-token, needs no other job", () => {
            expect(cost, "a job named cost").to.not.equal(undefined);
            expect(cost.if).to.equal(undefined);
            expect(needsOf(cost)).to.deep.equal([]);
            expect(JSON.stringify(cost)).to.not.match(/secrets\.|configure-aws-credentials|pulumi\/actions/);
            expect(permissionsOf(cost)).to.not.have.property("id-token");
        });

        it("checks out the merge commit with its parents, installs, estimates the head, then the base in a worktree of HEAD^1, then writes npm run -s cost-diff to $GITHUB_STEP_SUMMARY", () => {
            const checkout = stepIndex(cost, usesAction("actions/checkout"), "checks out");
            expect(Number(cost.steps[checkout].with?.["fetch-depth"]), "the merge commit and its parents").to.be.at.least(2);
            const node = stepIndex(cost, usesAction("actions/setup-node"), "sets up Node");
            expect(String(cost.steps[node].with?.["node-version"])).to.match(/^24(\.|$)/);
            const order = [
                checkout,
                node,
                stepIndex(cost, runsCommand(/^npm ci$/), "runs npm ci"),
                stepIndex(cost, (step) => /npm run -s cost -- --stack "\$stack" --json > "\$RUNNER_TEMP\/cost\/head\//.test(step.run ?? ""), "estimates the head"),
                stepIndex(cost, runsCommand(/^git worktree add --detach "\$RUNNER_TEMP\/base" HEAD\^1$/), "checks out the base into a worktree"),
                stepIndex(cost, (step) => step === summaryStep(), "writes the summary"),
            ];
            expect(order).to.deep.equal([...order].sort((a, b) => a - b));
            expect(new Set(order).size).to.equal(order.length);
        });

        describe("its run: blocks, run in a git repository (a base commit, a PR commit, GitHub's merge of them) with npm stubbed", () => {
            let dir: string;
            before(() => {
                dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-cost-"));
            });
            after(() => fs.rmSync(dir, { recursive: true, force: true }));

            const gitEnv = {
                GIT_AUTHOR_NAME: "t",
                GIT_AUTHOR_EMAIL: "t@example.com",
                GIT_COMMITTER_NAME: "t",
                GIT_COMMITTER_EMAIL: "t@example.com",
                GIT_CONFIG_GLOBAL: "/dev/null",
                GIT_CONFIG_NOSYSTEM: "1",
            };

            /** An estimate of `stack` with one NAT line of `usd` a month. */
            const estimateJson = (stack: string, usd: number): string =>
                JSON.stringify({
                    stack,
                    region: "ap-northeast-2",
                    currency: "USD",
                    tableDate: "2026-05-01",
                    monthlyUsd: usd,
                    lines: [{ resource: "nat-a", type: "aws:ec2/natGateway:NatGateway", component: "network", priceId: "nat.hour", unitPriceUsd: usd / 730, quantity: 730, unit: "hour", basis: "730 h", monthlyUsd: usd }],
                    notPriced: [],
                    assumptions: {},
                });

            interface Side {
                /** package.json's scripts.cost, or none. */
                cost: boolean;
                lock: string;
                /** Stacks listed by `npm run -s stacks`, with their monthly USD (null: its estimate fails). */
                stacks: Record<string, number | null>;
            }

            function write(repo: string, side: Side): void {
                fs.rmSync(path.join(repo, "estimates"), { recursive: true, force: true });
                fs.mkdirSync(path.join(repo, "estimates"));
                fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ scripts: { stacks: "x", ...(side.cost ? { cost: "x" } : {}) } }));
                fs.writeFileSync(path.join(repo, "package-lock.json"), side.lock);
                fs.writeFileSync(path.join(repo, "stacks.txt"), Object.keys(side.stacks).map((s) => `${s}\n`).join(""));
                for (const [stack, usd] of Object.entries(side.stacks)) {
                    if (usd !== null) {
                        fs.writeFileSync(path.join(repo, "estimates", `${stack}.json`), estimateJson(stack, usd));
                    }
                }
            }

            /** Runs the cost job's run: blocks in order in a fresh repository; returns the summary and npm's calls. */
            function runCostJob(label: string, base: Side, head: Side): { summary: string; npm: string[]; stdout: string; repo: string; temp: string } {
                const repo = path.join(dir, label, "workspace");
                const temp = path.join(dir, label, "runner-temp");
                const bin = path.join(dir, label, "bin");
                fs.mkdirSync(repo, { recursive: true });
                fs.mkdirSync(temp, { recursive: true });
                fs.mkdirSync(bin, { recursive: true });
                const git = (...args: string[]) => {
                    const result = spawnSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, ...gitEnv } });
                    expect(result.status, `git ${args.join(" ")}: ${result.stderr}`).to.equal(0);
                };
                git("init", "-q", "-b", "main");
                write(repo, base);
                git("add", "-A");
                git("commit", "-qm", "base");
                git("checkout", "-qb", "pr");
                write(repo, head);
                git("add", "-A");
                git("commit", "-qm", "the pull request");
                git("checkout", "-q", "main");
                // refs/pull/N/merge: parents the base branch, then the PR.
                git("merge", "-q", "--no-ff", "-m", "merge", "pr");
                git("checkout", "-q", "--detach");
                const log = path.join(dir, label, "npm.log");
                // `npm run -s stacks` lists stacks.txt, `npm run -s cost` prints estimates/<stack>.json of the
                // directory it runs in, `npm run -s cost-diff` is the real CLI, `npm ci` makes node_modules.
                fs.writeFileSync(
                    path.join(bin, "npm"),
                    [
                        "#!/bin/sh",
                        `echo "$PWD $*" >> '${log}'`,
                        'if [ "$1" = ci ]; then mkdir -p node_modules; exit 0; fi',
                        'script="$3"; shift 3; [ "$1" = "--" ] && shift',
                        'case "$script" in',
                        "  stacks) cat stacks.txt ;;",
                        '  cost) if [ -f "estimates/$2.json" ]; then cat "estimates/$2.json"; else echo "no estimate of $2" >&2; exit 1; fi ;;',
                        `  cost-diff) exec '${process.execPath}' -r '${path.join(ROOT, "scripts", "register.js")}' '${path.join(ROOT, "scripts", "cost-diff.ts")}' "$@" ;;`,
                        '  *) echo "unexpected npm run $script" >&2; exit 1 ;;',
                        "esac",
                        "",
                    ].join("\n"),
                    { mode: 0o755 },
                );
                const summaryFile = path.join(dir, label, "summary.md");
                fs.writeFileSync(summaryFile, "");
                let stdout = "";
                for (const step of costSteps().filter((s) => s.run !== undefined)) {
                    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
                        cwd: repo,
                        encoding: "utf8",
                        env: {
                            ...process.env,
                            ...gitEnv,
                            PATH: [bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
                            RUNNER_TEMP: temp,
                            GITHUB_WORKSPACE: repo,
                            GITHUB_STEP_SUMMARY: summaryFile,
                        },
                    });
                    expect(result.status, `${step.name ?? step.run}\n${result.stderr}`).to.equal(0);
                    stdout += result.stdout;
                }
                const npm = fs.readFileSync(log, "utf8").trim().split("\n");
                return { summary: fs.readFileSync(summaryFile, "utf8"), npm, stdout, repo, temp };
            }

            const BASE: Side = { cost: true, lock: "lock 1", stacks: { couple: 100, gone: 10 } };

            it("diffs each stack of the head against the base (changed, new, removed), reusing the head's node_modules when the lockfile is the same", () => {
                const { summary, npm, repo, temp } = runCostJob("same-lock", BASE, { cost: true, lock: "lock 1", stacks: { couple: 112.34, fresh: 20 } });
                expect(summary).to.contain("## Monthly cost estimate (USD)");
                expect(summary).to.contain("| couple | $100.00 | $112.34 | +$12.34 | +12.3% | — | 0 |\n| fresh | — | $20.00 | +$20.00 | new | — | 0 |\n| gone | $10.00 | — | -$10.00 | removed | — | — |\n");
                expect(summary).to.contain("- $100.00  nat-a (aws:ec2/natGateway) 730 h × $0.1369863");
                const base = path.join(temp, "base");
                expect(fs.realpathSync(path.join(base, "node_modules"))).to.equal(fs.realpathSync(path.join(repo, "node_modules")));
                expect(npm.filter((call) => / ci$/.test(call))).to.deep.equal([`${repo} ci`]);
                expect(npm).to.include(`${base} run -s cost -- --stack gone --json`);
                expect(npm).to.not.include(`${repo} run -s cost -- --stack gone --json`);
            });

            it("installs the base's own dependencies (npm ci in its worktree) when the pull request changes the lockfile", () => {
                const { npm, repo, temp } = runCostJob("new-lock", BASE, { cost: true, lock: "lock 2", stacks: { couple: 100 } });
                expect(npm.filter((call) => / ci$/.test(call))).to.deep.equal([`${repo} ci`, `${path.join(temp, "base")} ci`]);
                expect(fs.lstatSync(path.join(temp, "base", "node_modules")).isSymbolicLink()).to.equal(false);
            });

            it("shows the head's estimates alone when the base has no cost script yet", () => {
                const { summary, npm, temp } = runCostJob("no-estimator", { cost: false, lock: "lock 1", stacks: { couple: 100 } }, { cost: true, lock: "lock 1", stacks: { couple: 100 } });
                expect(summary).to.contain("The base branch has no cost estimator");
                expect(summary).to.contain("| couple | no estimate | $100.00 | — | — | — | 0 |");
                expect(npm.some((call) => call.startsWith(path.join(temp, "base")))).to.equal(false);
            });

            it("does not fail on an estimate that fails: a warning, and the stack left out of the summary with a note", () => {
                const { summary, stdout } = runCostJob("failing", BASE, { cost: true, lock: "lock 1", stacks: { couple: 100, broken: null } });
                expect(stdout).to.contain("::warning::the head's cost estimate of broken failed");
                expect(summary).to.contain("> **broken** left out: the head's `broken.json` is empty (its estimate failed).");
                expect(summary).to.contain("| couple | $100.00 | $100.00 | $0.00 | 0.0% |");
            });
        });
    });

    it("job preview runs `pulumi preview` for each stack through pulumi/actions, commenting on the PR with a diff", () => {
        expect(needsOf(preview)).to.include("test");
        const steps = pulumiSteps(preview);
        expect(steps).to.have.length(1);
        const inputs = steps[0].with!;
        expect(inputs.command).to.equal("preview");
        expect(inputs["comment-on-pr"]).to.equal(true);
        expect(inputs.diff).to.equal(true);
        expect(String(inputs["github-token"])).to.match(/\$\{\{\s*(secrets\.GITHUB_TOKEN|github\.token)\s*\}\}/);
        // pulumi/actions passes each line of policyPacks as --policy-pack (action.yml of v7.0.0).
        expect(inputs.policyPacks, "the preview runs the policy pack").to.equal("policy");
        for (const stack of ["dev", "prod", "staging"]) {
            expect(render(inputs["stack-name"], previewContext(stack))).to.equal(stack);
            expect(render(inputs["stack-name"], previewContext(stack, { PULUMI_ORG: "goorm" }))).to.equal(`goorm/platform/${stack}`);
        }
    });

    it("job preview's policy pack is the project's CrossGuard pack (policy/, runtime nodejs), whose dependencies npm ci installs", () => {
        const pack = parse(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8")) as { name: string; runtime: string };
        expect(pack.runtime).to.equal("nodejs");
        const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const own = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")) as { dependencies: Record<string, string> };
        for (const [name, version] of Object.entries(own.dependencies)) {
            expect(root.dependencies[name], name).to.equal(version);
        }
        const steps = preview.steps;
        const ci = steps.findIndex(runsCommand(/^npm ci$/));
        expect(ci, "npm ci before the preview").to.be.within(0, steps.findIndex(usesAction("pulumi/actions")));
    });

    it("job preview may write PR comments and request an OIDC token, and nothing more", () => {
        expect(permissionsOf(preview)).to.deep.equal({ contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("job preview skips pull requests from forks and from Dependabot (neither gets the Actions secrets)", () => {
        expect(runs(preview.if, previewContext("dev"))).to.equal(true);
        expect(runs(preview.if, previewContext("dev", {}, "someone/goorm-popcorn"))).to.equal(false);
        expect(runs(preview.if, previewContext("dev", {}, "acme/goorm-popcorn", "dependabot[bot]"))).to.equal(false);
    });

    it("job preview assumes the read-only preview role (the account stack's), never the deploy role, for every stack", () => {
        const role = preview.steps.find(usesAction("aws-actions/configure-aws-credentials"))!.with!["role-to-assume"];
        for (const stack of ["dev", "prod"]) {
            expect(render(role, previewContext(stack)), stack).to.equal("arn:aws:iam::111111111111:role/account-prod-github-preview");
        }
    });

    it("never runs a command that changes a stack", () => {
        const commands = Object.values(workflow.jobs).flatMap(pulumiSteps).map((step) => step.with?.command);
        expect(commands).to.deep.equal(["preview"]);
        expect(pr.text).to.not.match(/pulumi\s+(up|update|destroy|refresh|import)\b/);
    });
});

describe(".github/workflows/deploy.yml", () => {
    const { workflow } = deploy;
    const test = workflow.jobs.test as Job & { outputs?: Record<string, string> };
    const up = workflow.jobs.up;
    const upProd = workflow.jobs["up-prod"];

    it("runs on a push to main and by hand, never on a pull request", () => {
        expect(Object.keys(workflow.on).sort()).to.deep.equal(["push", "workflow_dispatch"]);
        expect((workflow.on.push as { branches: string[] }).branches).to.deep.equal(["main"]);
    });

    it("finds the stacks to deploy in the stack files, after the tests: class dev, then class prod", () => {
        const list = stepIndex(test, runsCommand(/^npm run -s stacks -- --github >> "\$GITHUB_OUTPUT"$/), "lists the stacks");
        expect(list).to.be.greaterThan(stepIndex(test, runsCommand(/^npm test$/), "runs npm test"));
        expect(test.outputs?.first).to.match(/^\$\{\{\s*steps\.stacks\.outputs\.first\s*\}\}$/);
        expect(test.outputs?.second).to.match(/^\$\{\{\s*steps\.stacks\.outputs\.second\s*\}\}$/);
        expect(up.strategy?.matrix?.stack).to.match(/^\$\{\{\s*fromJSON\(needs\.test\.outputs\.first\)\s*\}\}$/);
        expect(upProd.strategy?.matrix?.stack).to.match(/^\$\{\{\s*fromJSON\(needs\.test\.outputs\.second\)\s*\}\}$/);
    });

    it("runs `pulumi up` of each dev-class stack after the tests, and of each prod-class stack only after them", () => {
        expect(needsOf(up)).to.include("test");
        expect(needsOf(upProd)).to.include.members(["test", "up"]);
        for (const [job, stack] of [[up, "dev"], [upProd, "prod"], [upProd, "staging"]] as const) {
            const steps = pulumiSteps(job);
            expect(steps).to.have.length(1);
            expect(steps[0].with!.command).to.equal("up");
            expect(render(steps[0].with!["stack-name"], deployContext("refs/heads/main", {}, stack))).to.equal(stack);
            expect(render(steps[0].with!["stack-name"], deployContext("refs/heads/main", { PULUMI_ORG: "goorm" }, stack))).to.equal(`goorm/platform/${stack}`);
        }
        const upJobs = Object.entries(workflow.jobs).filter(([, job]) => pulumiSteps(job).some((step) => step.with?.command === "up"));
        expect(upJobs.map(([name]) => name).sort()).to.deep.equal(["up", "up-prod"]);
        // A failed dev-class up stops the prod class; no dev-class stack at all does not.
        expect(runs(upProd.if, deployContext("refs/heads/main", {}, "prod", { first: ["dev"], second: ["prod"] }, "failure"))).to.equal(false);
        expect(runs(upProd.if, deployContext("refs/heads/main", {}, "prod", { first: [], second: ["prod"] }))).to.equal(true);
        expect(runs(upProd.if, deployContext("refs/heads/main", {}, "prod", { first: ["dev"], second: [] }))).to.equal(false);
        expect(runs(up.if, deployContext("refs/heads/main", {}, "dev", { first: [], second: ["prod"] }))).to.equal(false);
    });

    it("deploys the prod class in the `production` environment, whose reviewers approve it", () => {
        expect(environmentOf(upProd)).to.equal("production");
        expect(environmentOf(up)).to.not.equal("production");
    });

    it("deploys only main, also when started by hand from another branch", () => {
        for (const job of [up, upProd]) {
            expect(runs(job.if, deployContext("refs/heads/main"))).to.equal(true);
            expect(runs(job.if, deployContext("refs/heads/feature/x"))).to.equal(false);
        }
    });

    it("runs one `pulumi up` per stack at a time and never cancels one in flight", () => {
        const groups = ([[up, "dev"], [upProd, "prod"], [upProd, "staging"]] as const).map(([job, stack]) => {
            const concurrency = job.concurrency as { group: string; "cancel-in-progress": boolean };
            expect(concurrency["cancel-in-progress"]).to.equal(false);
            return render(concurrency.group, deployContext("refs/heads/main", {}, stack));
        });
        expect(new Set(groups).size).to.equal(3);
        expect(groups[0]).to.match(/dev/);
        expect(groups[1]).to.match(/prod/);
        // A workflow-level group that cancels would cancel an `up` in flight.
        const top = workflow.concurrency;
        if (top !== undefined) {
            expect(typeof top === "object" && top["cancel-in-progress"] === true, "workflow-level cancel-in-progress").to.equal(false);
        }
    });

    it("assumes the deploy role (the account stack's) for every stack", () => {
        const role = (job: Job) => job.steps.find(usesAction("aws-actions/configure-aws-credentials"))!.with!["role-to-assume"];
        expect(render(role(up), deployContext("refs/heads/main"))).to.equal("arn:aws:iam::111111111111:role/account-prod-github-deploy");
        expect(render(role(upProd), deployContext("refs/heads/main", {}, "prod"))).to.equal("arn:aws:iam::111111111111:role/account-prod-github-deploy");
    });
});

describe("the stacks the workflows preview and deploy (npm run -s stacks)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-stacks-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const stack = (name: string, config: string) => fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), `config:\n${config}`);
        stack("account", "  platform:env: prod\n  platform:name: account\n  platform:zones: { domains: [example.com] }\n");
        stack("dev", "  platform:env: dev\n  platform:name: shop\n");
        stack("prod", "  platform:env: prod\n  platform:name: shop\n");
        stack("staging", "  platform:env: prod\n  platform:envName: staging\n  platform:name: shop\n");
        stack("qa", "  platform:env: dev\n  platform:envName: qa\n  platform:name: shop\n");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("previews and deploys every stack file but the account stack's, class dev first, with no list to edit", () => {
        const stacks = ciStacks(dir);
        expect(stacks.all).to.deep.equal(["account", "dev", "prod", "qa", "staging"]);
        expect(githubOutput(stacks)).to.equal('preview=["dev","prod","qa","staging"]\nfirst=["dev","qa"]\nsecond=["prod","staging"]\n');
    });

    it("lists this project's stack files as they are (a new one needs no edit anywhere)", () => {
        const stacks = ciStacks();
        expect(stacks.all).to.deep.equal(snapshotStacks());
        expect([...stacks.first, ...stacks.second].sort()).to.deep.equal([...stacks.preview].sort());
        expect(stacks.preview.length).to.be.above(0);
    });
});

describe(".github/workflows: both workflows", () => {
    for (const loaded of both) {
        const { file, workflow } = loaded;

        describe(file, () => {
            it("passes GitHub's workflow schema (@action-validator/core, the engine of `npx action-validator`)", () => {
                expect(validateWorkflow(loaded.text).errors).to.deep.equal([]);
            });

            it("grants only contents: read at the top; jobs add what they need", () => {
                expect(workflow.permissions).to.deep.equal({ contents: "read" });
            });

            it("job test: checkout, Node 24 with the npm cache, then npm ci, then npm test", () => {
                const test = workflow.jobs.test;
                const checkout = stepIndex(test, usesAction("actions/checkout"), "checks out");
                const node = stepIndex(test, usesAction("actions/setup-node"), "sets up Node");
                const ci = stepIndex(test, runsCommand(/^npm ci$/), "runs npm ci");
                const npmTest = stepIndex(test, runsCommand(/^npm test$/), "runs npm test");
                expect([checkout, node, ci, npmTest]).to.deep.equal([...[checkout, node, ci, npmTest]].sort((a, b) => a - b));
                expect(new Set([checkout, node, ci, npmTest]).size).to.equal(4);
                expect(String(test.steps[node].with?.["node-version"])).to.match(/^24(\.|$)/);
                expect(test.steps[node].with?.cache).to.equal("npm");
            });

            it("every job that runs pulumi/actions installs Node and the dependencies, and AWS credentials, first", () => {
                for (const [name, job] of Object.entries(workflow.jobs)) {
                    const pulumi = job.steps.findIndex(usesAction("pulumi/actions"));
                    if (pulumi < 0) {
                        continue;
                    }
                    const node = stepIndex(job, usesAction("actions/setup-node"), `sets up Node in ${name}`);
                    const ci = stepIndex(job, runsCommand(/^npm ci$/), `runs npm ci in ${name}`);
                    const aws = stepIndex(job, usesAction("aws-actions/configure-aws-credentials"), `configures AWS in ${name}`);
                    expect(node, name).to.be.lessThan(ci);
                    expect(ci, name).to.be.lessThan(pulumi);
                    expect(aws, name).to.be.lessThan(pulumi);
                }
            });

            it("pins every action to a full commit SHA, its version in a comment (a tag can be moved; a commit cannot)", () => {
                const uses = allSteps(loaded).map(({ step }) => step.uses).filter((u): u is string => u !== undefined);
                expect(uses).to.not.be.empty;
                for (const ref of uses) {
                    expect(FULL_SHA.test(ref), ref).to.equal(true);
                }
                const lines = loaded.text.split("\n").filter((line) => /^\s*-?\s*uses:/.test(line));
                expect(lines).to.have.length(uses.length);
                for (const line of lines) {
                    expect(line, "the version the SHA is").to.match(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
                }
            });

            it("pins the Pulumi CLI to an exact 3.x release no older than the @pulumi/pulumi SDK", () => {
                const sdk = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
                const steps = allSteps(loaded).filter(({ step }) => action(step) === "pulumi/actions");
                expect(steps).to.not.be.empty;
                for (const { job, step } of steps) {
                    const version = String(step.with?.["pulumi-version"]);
                    expect(version, job).to.match(/^3\.\d+\.\d+$/);
                    expect(compareVersions(version, sdk), `${job}: CLI ${version} vs SDK ${sdk}`).to.be.at.least(0);
                }
            });

            it("uses no stored AWS keys anywhere", () => {
                expect(loaded.text).to.not.match(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i);
            });

            it("AWS comes only through OIDC: id-token: write exactly in the jobs that assume a role from vars., in ap-northeast-2", () => {
                for (const [name, job] of Object.entries(workflow.jobs)) {
                    const aws = job.steps.filter(usesAction("aws-actions/configure-aws-credentials"));
                    expect(permissionsOf(job)["id-token"], name).to.equal(aws.length > 0 ? "write" : undefined);
                    for (const step of aws) {
                        const role = String(step.with?.["role-to-assume"]);
                        expect(role, name).to.match(/^\$\{\{[^}]*\bvars\.[A-Z_]+[^}]*\}\}$/);
                        expect(role, name).to.not.match(/secrets\.|github\.event/);
                        expect(step.with?.["aws-region"], name).to.equal("ap-northeast-2");
                    }
                }
            });

            it("hands the Pulumi backend secrets to the Pulumi step only, not to npm ci or the whole job", () => {
                expect(JSON.stringify(workflow.env ?? {})).to.not.match(/secrets\./);
                for (const [name, job] of Object.entries(workflow.jobs)) {
                    expect(JSON.stringify(job.env ?? {}), name).to.not.match(/secrets\./);
                    for (const step of job.steps) {
                        if (action(step) !== "pulumi/actions") {
                            expect(JSON.stringify(step.env ?? {}), `${name}: ${step.name ?? step.uses ?? step.run}`).to.not.match(/secrets\./);
                        }
                    }
                }
                for (const step of allSteps(loaded).filter(({ step }) => action(step) === "pulumi/actions")) {
                    expect(step.step.env).to.include.keys("PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE");
                    expect(String(step.step.with?.["cloud-url"])).to.match(/\bvars\.PULUMI_BACKEND_URL\b/);
                }
            });

            it("interpolates no event data into a shell script (script injection)", () => {
                for (const { job, step } of allSteps(loaded).filter(({ step }) => step.run !== undefined)) {
                    expect(step.run, job).to.not.match(/\$\{\{[^}]*(github\.event|github\.head_ref|inputs\.)/);
                }
            });

            it("every run: block passes shellcheck", function () {
                requireTool(this, "shellcheck", "checking the workflows' run: blocks");
                const blocks = allSteps(loaded).filter(({ step }) => step.run !== undefined);
                expect(blocks).to.not.be.empty;
                for (const { job, step } of blocks) {
                    const script = step.run!.replace(/\$\{\{[\s\S]*?\}\}/g, "PLACEHOLDER");
                    const result = shellcheck(script);
                    expect(result.status, `${job}: ${step.name ?? step.run}\n${result.output}`).to.equal(0);
                }
            });
        });
    }

    it("the schema check finds a misspelt key (it can fail)", () => {
        const errors = validateWorkflow("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n").errors;
        expect(JSON.stringify(errors)).to.contain("Additional property 'stepz' is not allowed");
    });

    it("both workflows pin each action to the same version", () => {
        const refs = new Map<string, Set<string>>();
        for (const { step } of both.flatMap(allSteps)) {
            if (step.uses !== undefined) {
                const [name, ref] = step.uses.split("@");
                refs.set(name, (refs.get(name) ?? new Set()).add(ref));
            }
        }
        for (const [name, versions] of refs) {
            expect([...versions], name).to.have.length(1);
        }
    });
});
