/**
 * Offline plan: `npm run -s plan -- --stack <name> [--json] [--dir <directory>]` (scripts/plan.ts
 * runs `planCli` with the process's streams; the tests run it in-process).
 *
 * Reads `Pulumi.<name>.yaml` as the Pulumi CLI would (from the project root, or from `--dir`,
 * which holds a `Pulumi.yaml` too), runs `index.ts` under the mock runtime and prints what
 * `pulumi preview` would create, then its monthly cost (tooling/cost: a summary in the text, a
 * `cost` object in the JSON, a warning on stderr over `platform:cost.monthlyBudgetUsd`). Needs no
 * Pulumi CLI and no AWS credentials.
 * Exit codes: 0 planned; 1 the stack's config is invalid; 2 usage or any other failure.
 */
import { ConfigError } from "../stacks/config";
import { CliOutput, stackArgs } from "./cli-args";
import { estimateCost } from "./cost/estimate";
import { PRICES } from "./cost/prices";
import { budgetWarning, renderCostSummary } from "./cost/render";
import { costSettings } from "./cost/settings";
import type { CostEstimate } from "./cost/types";
import { Plan, planStack, renderJson, renderText } from "./plan";
import { StackFileError, readStackConfig } from "./stack-file";
import type { StackConfig as StackFileConfig } from "./stack-file";

const USAGE = "usage: npm run plan -- --stack <name> [--json] [--dir <directory of stack files>]";

export type { CliOutput } from "./cli-args";

/**
 * The plan's monthly cost (tooling/cost/estimate.ts: milliseconds), with the stack's budget and
 * assumptions; a failure of the estimate is a warning, never the plan's failure.
 */
function costOf(plan: Plan, config: StackFileConfig, output: CliOutput): CostEstimate | undefined {
    try {
        return estimateCost(plan, costSettings(config.config), PRICES);
    } catch (err) {
        output.err(`warning: the cost estimate failed: ${err instanceof Error ? err.message : String(err)}\n`);
        return undefined;
    }
}

/** Runs the offline plan for `argv` (the arguments after `--`); resolves to the exit code. */
export async function planCli(argv: readonly string[], output: CliOutput): Promise<number> {
    const options = stackArgs(argv, USAGE, output);
    if (typeof options === "number") {
        return options;
    }
    try {
        const stackConfig = readStackConfig(options.stack, options.dir);
        const plan = await planStack(options.stack, options.dir, stackConfig);
        const cost = costOf(plan, stackConfig, output);
        output.out(options.json ? renderJson(cost ? { ...plan, cost } : plan) : `${renderText(plan)}${cost ? `\n${renderCostSummary(cost)}` : ""}`);
        // As `pulumi preview` shows its diagnostics: on stderr, so the plan itself stays parseable.
        for (const warning of plan.warnings ?? []) {
            output.err(`warning: ${warning}\n`);
        }
        const overBudget = cost && budgetWarning(cost);
        if (overBudget) {
            output.err(`warning: ${overBudget}\n`);
        }
        return 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof StackFileError) {
            output.err(`${err.message}\n`);
            return 1;
        }
        output.err(`offline plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return 2;
    }
}
