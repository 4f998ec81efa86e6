/**
 * One account, many stack files: a stack file copied from another (a new environment) must not
 * deploy with the other stack's physical names, DNS records, hosted zones or repositories. The
 * program compares what its stack claims with what every other stack file of the project claims,
 * and stops naming both files before anything is created.
 *
 * Claims: the stack's physical-name stem (`<platform:name>-<envName>`, which every env-scoped
 * name starts with), and what blocks declare (`Block.claims`: DNS records, hosted zones, ECR
 * repositories). Stacks whose `aws:allowedAccountIds` exclude each other are in different
 * accounts and never collide.
 */
import { Claim } from "./block";
import type { ConfigProblem, StackConfig } from "./config";
import { configKey } from "./block";

/** Another stack file of the project, as its config resolves. */
export interface SiblingStack {
    /** `Pulumi.<stack>.yaml`. */
    readonly file: string;
    readonly config: StackConfig;
    /** `aws:allowedAccountIds` of that file, if it says. */
    readonly accounts?: readonly string[];
}

/** What `config`'s stack creates that must be the account's only one. */
export function stackClaims(config: StackConfig): Claim[] {
    const { stack } = config;
    const stem: Claim = { path: [stack.envName === stack.env ? "env" : "envName"], what: "physical names", value: `${stack.naming.stem}-…` };
    return [stem, ...[...config.blocks].flatMap(([block, blockConfig]) => block.claims?.(blockConfig, config) ?? [])];
}

/** `aws:allowedAccountIds` of a config map (a JSON list), if set. */
export function allowedAccounts(config: Readonly<Record<string, string>>): string[] | undefined {
    const raw = config["aws:allowedAccountIds"];
    if (raw === undefined) {
        return undefined;
    }
    try {
        const ids: unknown = JSON.parse(raw);
        return Array.isArray(ids) ? ids.map(String) : [String(ids)];
    } catch {
        return [raw];
    }
}

/** Whether two stacks may share an account: unless both list their accounts and none is common. */
function mayShareAccount(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
    return a === undefined || b === undefined || a.some((id) => b.includes(id));
}

/** A problem for each claim of `own` that another stack file makes too, naming that file. */
export function claimConflicts(own: StackConfig, ownAccounts: readonly string[] | undefined, siblings: readonly SiblingStack[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const claims = stackClaims(own);
    for (const sibling of siblings.filter((s) => mayShareAccount(ownAccounts, s.accounts))) {
        const theirs = new Set(stackClaims(sibling.config).map((claim) => `${claim.what}\0${claim.value}`));
        for (const claim of claims.filter((c) => theirs.has(`${c.what}\0${c.value}`))) {
            const message =
                claim.what === "physical names"
                    ? `${JSON.stringify(own.stack.envName)} with platform:name ${JSON.stringify(own.stack.name)} makes the same physical names (${claim.value}) as ${sibling.file}, which would take over that stack's resources; give this stack its own platform:envName (e.g. staging; platform:env keeps choosing the defaults and rules) or platform:name`
                    : `${JSON.stringify(claim.value)} is also ${/^[aeiouAEIOU]/.test(claim.what) ? "an" : "a"} ${claim.what} of ${sibling.file}; one stack of the account owns it, so give this stack its own`;
            problems.push({ key: configKey(claim.path), message });
        }
    }
    return problems;
}
