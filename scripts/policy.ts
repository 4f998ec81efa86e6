/**
 * `npm run -s policy -- --stack <name> [--dir <directory>]` or `-- --plan <plan.json>`: the policy
 * pack (policy/) over the offline plan (tooling/policy.ts). Exit codes: 0 no mandatory violation;
 * 1 a mandatory violation; 2 usage, or a stack or plan that cannot be evaluated.
 */
import { policyCli } from "../tooling/policy";

policyCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then((code) =>
    // Exit only once stdout has drained.
    process.stdout.write("", () => process.exit(code)),
);
