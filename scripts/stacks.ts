/**
 * `npm run -s stacks [-- --github]`: the stacks the workflows plan, preview and deploy, from the
 * stack files present (tooling/ci-stacks.ts).
 *   (no option)  every stack, one per line (the offline plans of a PR's summary);
 *   --github     `preview=`, `first=` and `second=` JSON lists, for $GITHUB_OUTPUT.
 */
import { ciStacks, githubOutput } from "../tooling/ci-stacks";

const stacks = ciStacks();
if (process.argv.includes("--github")) {
    process.stdout.write(githubOutput(stacks));
} else {
    process.stdout.write(stacks.all.map((stack) => `${stack}\n`).join(""));
}
