/**
 * Programs some tests run that `npm ci` does not install: shellcheck (the rendered Kafka boot
 * scripts, the workflows' run: blocks) and jq (the README's commands pipe into it). On a machine
 * without them (`npm ci && npm test` on a laptop) those tests are skipped, each saying which
 * program is missing and how to get it; CI (`.ci/run`, the workflows) sets
 * PLATFORM_REQUIRE_TOOLS=1, which makes a missing program a failure, so CI never skips them.
 */
import { spawnSync } from "child_process";

const found = new Map<string, boolean>();

function installed(tool: string): boolean {
    let present = found.get(tool);
    if (present === undefined) {
        present = spawnSync(tool, ["--version"], { stdio: "ignore" }).error === undefined;
        found.set(tool, present);
    }
    return present;
}

/** Skips (or, with PLATFORM_REQUIRE_TOOLS=1, fails) the running test when `tool` is missing. */
export function requireTool(test: Mocha.Context, tool: string, purpose: string): void {
    if (installed(tool)) {
        return;
    }
    const message = `${purpose} needs ${tool}, which is not installed here (apt-get install ${tool})`;
    if (process.env.PLATFORM_REQUIRE_TOOLS === "1") {
        throw new Error(`${message}; PLATFORM_REQUIRE_TOOLS=1 makes it required`);
    }
    console.warn(`skipped: ${message}; CI installs it and never skips this check`);
    test.skip();
}
