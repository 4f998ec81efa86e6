/**
 * `npm run -s cost -- --stack <name> [--json] [--dir <directory>]` (scripts/cost.ts runs `costCli`
 * with the process's streams; the tests run it in-process): the stack's offline plan (tooling/plan.ts)
 * priced with the Seoul table (tooling/cost/estimate.ts). Text: a table by component, the total,
 * the lines not priced, the budget and the assumptions; `--json`: exactly one CostEstimate
 * (tooling/cost/types.ts), what the pull-request cost diff reads. Over the budget is a warning on
 * stderr, not a failure.
 * Exit codes: 0 estimated; 1 the stack file or its config is invalid; 2 usage or any other failure.
 */
import { ConfigError } from "../../stacks/config";
import { CliOutput, stackArgs } from "../cli-args";
import { planStack } from "../plan";
import { PROJECT_ROOT, StackFileError, readStackConfig } from "../stack-file";
import { estimateCost } from "./estimate";
import { PRICES } from "./prices";
import { budgetWarning, renderCostText } from "./render";
import { costSettings } from "./settings";
import type { CostEstimate, PriceTable } from "./types";

const USAGE = "usage: npm run cost -- --stack <name> [--json] [--dir <directory of stack files>]";

/** Where the CLI writes: the process's stdout and stderr, or a test's buffers. */
export type { CliOutput } from "../cli-args";

/** The estimate of `Pulumi.<stack>.yaml` in `dir`, from its offline plan. */
export async function estimateStack(stack: string, dir: string = PROJECT_ROOT, table: PriceTable = PRICES): Promise<CostEstimate> {
    const stackConfig = readStackConfig(stack, dir);
    const plan = await planStack(stack, dir, stackConfig);
    return estimateCost(plan, costSettings(stackConfig.config), table);
}

/** Runs the estimate for `argv` (the arguments after `--`); resolves to the exit code. */
export async function costCli(argv: readonly string[], output: CliOutput): Promise<number> {
    const options = stackArgs(argv, USAGE, output);
    if (typeof options === "number") {
        return options;
    }
    try {
        const estimate = await estimateStack(options.stack, options.dir);
        output.out(options.json ? `${JSON.stringify(estimate, null, 2)}\n` : renderCostText(estimate));
        const warning = budgetWarning(estimate);
        if (warning !== undefined) {
            output.err(`warning: ${warning}\n`);
        }
        return 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof StackFileError) {
            output.err(`${err.message}\n`);
            return 1;
        }
        output.err(`cost estimate failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return 2;
    }
}
