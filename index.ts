/**
 * Entry point for `pulumi preview` / `pulumi up` and for the offline plan (`npm run plan`).
 * Config is validated first: a bad stack file stops here, before any resource is registered.
 * Then every block the stack file has is built (stacks/registry.ts); the exported object is the
 * stack's outputs.
 */
import "./lib/compile-cache";
import { assemble } from "./stacks/assemble";
import { loadStackConfig } from "./stacks/config";

export = assemble(loadStackConfig()).outputs();
