/**
 * Which stacks the workflows preview and deploy, found from the stack files present (adding a
 * stack file needs no workflow or test edit):
 * - every `Pulumi.<stack>.yaml` but the account stack's (one with `platform:repositories`,
 *   `platform:zones` or `platform:ci`): that stack creates the workflows' roles, so operators
 *   deploy it by hand;
 * - class `dev` first (`platform:env`), then class `prod`, in the `production` environment.
 * A stack file that does not read is previewed and deployed as class prod, so it fails in view
 * (and `npm test` has failed before).
 */
import { PROJECT_ROOT, readStackConfig } from "./stack-file";
import { snapshotStacks } from "./plan";

/** Keys only the account stack has. */
const ACCOUNT_KEYS = ["platform:repositories", "platform:zones", "platform:ci"];

export interface CiStacks {
    /** Every stack file's stack: the offline plans in a PR's summary. */
    readonly all: readonly string[];
    /** The stacks the workflows preview and deploy (all but the account stack). */
    readonly preview: readonly string[];
    /** Deployed first: class dev. */
    readonly first: readonly string[];
    /** Deployed after the first, with approval: class prod. */
    readonly second: readonly string[];
}

export function ciStacks(root: string = PROJECT_ROOT): CiStacks {
    const all = snapshotStacks(root);
    const classes = new Map<string, string | undefined>();
    for (const stack of all) {
        try {
            const { config } = readStackConfig(stack, root);
            if (!ACCOUNT_KEYS.some((key) => config[key] !== undefined)) {
                classes.set(stack, config["platform:env"]);
            }
        } catch {
            classes.set(stack, undefined);
        }
    }
    const preview = [...classes.keys()];
    return { all, preview, first: preview.filter((s) => classes.get(s) === "dev"), second: preview.filter((s) => classes.get(s) !== "dev") };
}

/** The lines `npm run -s stacks -- --github` appends to $GITHUB_OUTPUT. */
export function githubOutput(stacks: CiStacks): string {
    return `preview=${JSON.stringify(stacks.preview)}\nfirst=${JSON.stringify(stacks.first)}\nsecond=${JSON.stringify(stacks.second)}\n`;
}
