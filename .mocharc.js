/*
 * Mocha's settings. Test files run in two workers (this machine and CI's runners have 2 cores),
 * the slowest first so that neither worker is left with a long file at the end: the README's
 * commands and the plan CLI each take seconds, a component's unit tests a few milliseconds.
 */
const fs = require("fs");
const path = require("path");

/** Every `*.test.ts` under `dir`, sorted. */
function testFiles(dir) {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => {
            const file = path.posix.join(dir, entry.name);
            return entry.isDirectory() ? testFiles(file) : entry.name.endsWith(".test.ts") ? [file] : [];
        })
        .sort();
}

const SLOWEST = [
    "tests/readme.test.ts",
    "tests/readme-2.test.ts",
    "tests/scripts/plan.test.ts",
    "tests/workflows.test.ts",
    "tests/stacks/platform.test.ts",
    "tests/tooling/pulumi-cli-path.test.ts",
    "tests/tooling/resilience.test.ts",
    "tests/stacks/robustness.test.ts",
    "tests/snapshots.test.ts",
    "tests/tooling/cost/cli.test.ts",
    "tests/components/compute/eks/block.test.ts",
    "tests/policy/pack.test.ts",
    "tests/stacks/live.test.ts",
    "tests/stacks/claims.test.ts",
];

module.exports = {
    require: ["./scripts/register.js"],
    extension: ["ts"],
    "node-option": ["max-semi-space-size=16"],
    parallel: true,
    jobs: 2,
    spec: [...SLOWEST, ...testFiles("tests").filter((file) => !SLOWEST.includes(file))],
    timeout: 60000,
    reporter: "dot",
};
