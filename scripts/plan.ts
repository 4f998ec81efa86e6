/**
 * `npm run -s plan -- --stack <name> [--json] [--dir <directory>]`: the offline plan
 * (tooling/plan-cli.ts). Exit codes: 0 planned; 1 the stack file or its config is invalid; 2 usage
 * or any other failure.
 */
import { planCli } from "../tooling/plan-cli";

planCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then((code) =>
    // Exit only once stdout has drained: a pipe takes large plans in several writes.
    process.stdout.write("", () => process.exit(code)),
);
