/**
 * `npm run -s cost-diff -- [--base <dir>] --head <dir>`: a pull request's cost change as Markdown
 * for the job summary (tooling/cost/diff-cli.ts). Each directory holds `<stack>.json` estimates
 * (`npm run -s cost -- --stack <stack> --json`); no --base: the base branch has no estimator.
 * Exit codes: 0 printed (always, the summary informs); 2 usage.
 */
import { costDiffCli } from "../tooling/cost/diff-cli";

const code = costDiffCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
// Exit only once stdout has drained: a pipe takes a long summary in several writes.
process.stdout.write("", () => process.exit(code));
