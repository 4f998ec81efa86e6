/**
 * A stack's cost settings (`platform:cost`, resolved with the cost block's schema, and
 * `platform:env`) from its config as the Pulumi CLI presents it. The program has validated the
 * config by the time anything is priced (a plan runs it first), so a value that does not parse here
 * only falls back to the defaults.
 */
import { CostSchema } from "../../components/observability/cost/block";
import { ENVS, Env } from "../../lib/naming";
import type { CostSettings } from "./estimate";

const COST_KEY = "platform:cost";
const ENV_KEY = "platform:env";
const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Numbers `pulumi config set --path` stored as text (`"0.5"`) as numbers, at any depth. */
function numbersOf(value: unknown): unknown {
    if (typeof value === "string" && NUMBER_TEXT.test(value)) {
        return Number(value);
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, numbersOf(child)]));
    }
    return value;
}

/** The cost settings of a stack whose config (`<namespace>:<key>` → string) is `config`. */
export function costSettings(config: Readonly<Record<string, string>>): CostSettings {
    const env = (ENVS as readonly string[]).includes(config[ENV_KEY] ?? "") ? (config[ENV_KEY] as Env) : undefined;
    let raw: unknown = {};
    const text = config[COST_KEY];
    if (text !== undefined) {
        try {
            raw = JSON.parse(text);
        } catch {
            raw = {};
        }
    }
    const parsed = CostSchema.safeParse(numbersOf(raw));
    const cost = parsed.success ? parsed.data : CostSchema.parse({});
    return { ...(env ? { env } : {}), ...(cost.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: cost.monthlyBudgetUsd } : {}), assumptions: cost.assumptions };
}
