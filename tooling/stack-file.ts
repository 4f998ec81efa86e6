/**
 * The project's stack files, read as the Pulumi CLI presents them (stacks/stack-files.ts), from
 * the project root unless told otherwise.
 */
import * as path from "path";
import * as files from "../stacks/stack-files";

export { SECRET_PLACEHOLDER, StackFileError } from "../stacks/stack-files";
export type { StackConfig } from "../stacks/stack-files";

/** The project root (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Reads Pulumi.yaml and Pulumi.<stack>.yaml from `root`. */
export function readStackConfig(stack: string, root: string = PROJECT_ROOT): files.StackConfig {
    return files.readStackConfig(stack, root);
}

/** Stack names that have a `Pulumi.<name>.yaml` in `root`. */
export function listStacks(root: string = PROJECT_ROOT): string[] {
    return files.listStacks(root);
}

/** Whether `Pulumi.<stack>.yaml` in `root` reads (its YAML parses, it is a mapping); the problem otherwise. */
export function stackFileProblem(stack: string, root: string = PROJECT_ROOT): string | undefined {
    return files.stackFileProblem(stack, root);
}
