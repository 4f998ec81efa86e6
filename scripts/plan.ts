/**
 * Offline plan: `npm run plan -- --stack <name> [--json] [--dir <directory>]`.
 *
 * Reads `Pulumi.<name>.yaml` as the Pulumi CLI would (from the project root, or from `--dir`,
 * which holds a `Pulumi.yaml` too), runs `index.ts` under the mock runtime and prints what
 * `pulumi preview` would create. Needs no Pulumi CLI and no AWS credentials.
 * Exit codes: 0 planned; 1 the stack's config is invalid; 2 usage or any other failure.
 */
import * as path from "path";
import { ConfigError } from "../stacks/config";
import { planStack, renderJson, renderText } from "../tooling/plan";
import { PROJECT_ROOT, StackFileError, listStacks } from "../tooling/stack-file";

const USAGE = "usage: npm run plan -- --stack <name> [--json] [--dir <directory of stack files>]";

interface Options {
    stack: string;
    json: boolean;
    dir: string;
}

function parseArgs(argv: readonly string[]): Options {
    let stack: string | undefined;
    let json = false;
    let dir = PROJECT_ROOT;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") {
            json = true;
        } else if (arg === "--dir") {
            dir = path.resolve(argv[++i] ?? "");
        } else if (arg === "--stack" || arg === "-s") {
            stack = argv[++i];
        } else if (arg.startsWith("--stack=")) {
            stack = arg.slice("--stack=".length);
        } else if (arg === "--help" || arg === "-h") {
            process.stdout.write(`${USAGE}\nstacks: ${listStacks(dir).join(", ")}\n`);
            process.exit(0);
        } else {
            throw new UsageError(`unknown argument ${arg}`);
        }
    }
    if (!stack) {
        throw new UsageError(`--stack is required (stacks: ${listStacks(dir).join(", ")})`);
    }
    return { stack, json, dir };
}

class UsageError extends Error {}

async function main(): Promise<number> {
    let options: Options;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    try {
        const plan = await planStack(options.stack, options.dir);
        process.stdout.write(options.json ? renderJson(plan) : renderText(plan));
        // As `pulumi preview` shows its diagnostics: on stderr, so the plan itself stays parseable.
        for (const warning of plan.warnings ?? []) {
            process.stderr.write(`warning: ${warning}\n`);
        }
        return 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof StackFileError) {
            process.stderr.write(`${err.message}\n`);
            return 1;
        }
        process.stderr.write(`offline plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return 2;
    }
}

// Exit only once stdout has drained: a pipe takes large plans in several writes.
main().then((code) => process.stdout.write("", () => process.exit(code)));
