/**
 * `npm run -s cost -- --stack <name> [--json] [--dir <directory>]`: the stack's monthly cost from
 * its offline plan (tooling/cost/cli.ts). Exit codes: 0 estimated (over the budget too: a warning);
 * 1 the stack file or its config is invalid; 2 usage or any other failure.
 */
import { costCli } from "../tooling/cost/cli";

costCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then((code) =>
    // Exit only once stdout has drained: a pipe takes a large estimate in several writes.
    process.stdout.write("", () => process.exit(code)),
);
