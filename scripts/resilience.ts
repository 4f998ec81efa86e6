/**
 * `npm run -s resilience -- --stack <name> [--json] [--dir <directory>]`: what keeps serving when
 * one AZ is lost, from the offline plan (tooling/resilience.ts). Exit codes: 0 reported (a prod
 * stack survives the loss of any one AZ; a dev stack's single points of failure are expected);
 * 1 a prod stack has a tier down after one AZ's loss; 2 usage or a stack the plan refuses.
 */
import { resilienceCli } from "../tooling/resilience";

resilienceCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then((code) =>
    // Exit only once stdout has drained: a pipe takes a long report in several writes.
    process.stdout.write("", () => process.exit(code)),
);
