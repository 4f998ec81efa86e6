/**
 * What the stack CLIs share (`npm run plan`, `cost`, `resilience`): where they write, and their
 * arguments `--stack <name> [--json] [--dir <directory of stack files>]`, `-s`, `--stack=<name>`,
 * `--help`, with the same help and usage messages.
 */
import * as path from "path";
import { PROJECT_ROOT, listStacks } from "./stack-file";

/** Where a CLI writes: the process's stdout and stderr, or a test's buffers. */
export interface CliOutput {
    out(text: string): void;
    err(text: string): void;
}

export interface StackArgs {
    readonly stack: string;
    readonly json: boolean;
    /** The directory of the stack files (absolute). @default the project root */
    readonly dir: string;
}

class UsageError extends Error {}

/**
 * The arguments of a stack CLI, or the exit code when it should stop: 0 after printing `--help`
 * (the usage and the stacks of the directory) on stdout, 2 after a usage error (the message and
 * the usage) on stderr.
 */
export function stackArgs(argv: readonly string[], usage: string, output: CliOutput): StackArgs | number {
    let stack: string | undefined;
    let json = false;
    let dir = PROJECT_ROOT;
    let help = false;
    try {
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
                help = true;
            } else {
                throw new UsageError(`unknown argument ${arg}`);
            }
        }
        if (help) {
            output.out(`${usage}\nstacks: ${listStacks(dir).join(", ")}\n`);
            return 0;
        }
        if (!stack) {
            throw new UsageError(`--stack is required (stacks: ${listStacks(dir).join(", ")})`);
        }
        return { stack, json, dir };
    } catch (err) {
        output.err(`${(err as Error).message}\n${usage}\n`);
        return 2;
    }
}
