/**
 * Entry point for `pulumi preview` / `pulumi up` and for the offline plan (`npm run plan`).
 * Config is validated first: a bad stack file stops here, before any resource is registered.
 * The exported object is the stack's outputs (see `stackOutputs`).
 */
import { loadPlatformConfig } from "./stacks/config";
import { createPlatform, stackOutputs } from "./stacks/platform";

export = stackOutputs(createPlatform(loadPlatformConfig()));
