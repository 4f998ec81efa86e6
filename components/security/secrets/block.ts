/**
 * The secrets block (`platform:secrets`): generated values in Secrets Manager, each read by the
 * services and functions its `readers` name. A store without a security group: a consumer that
 * lists `secrets` in its `connectsTo` gets, of the secrets that name it, each one's ARN under its
 * variable (a service as an ECS secret its execution role may read; a function as
 * `<VARIABLE>_SECRET_ARN` its role may read) — never a value, and nothing meant for another.
 */
import { z } from "zod";
import { Problem, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, PerEnv, defineBlock, singleKey } from "../../../stacks/block";
import { servicesBlock } from "../../compute/services/block";
import { functionsBlock } from "../../serverless/functions/block";
import { GeneratedSecrets, SECRET_CHARACTERS, SECRET_LENGTH, VARIABLE_NAME, defaultVariable, generatedSecretsProblems } from "./secrets";

/** What a consumer writes in `connectsTo` to read its secrets (the block's name). */
export const STORE_NAME = "secrets";

/** Days a deleted secret stays restorable: prod 30 (the most), dev 0 (a dev stack recreated at once would collide with a secret awaiting deletion). */
export const RECOVERY_WINDOW_DAYS: PerEnv<number> = { dev: 0, prod: 30 };

const SecretSchema = z.strictObject({
    readers: z
        .array(z.string())
        .min(1)
        .describe("The services (platform:services) and functions (platform:functions) that read it; each lists `secrets` in its connectsTo."),
    variable: z.string().optional().describe("The variable a reader gets it as (upper case, digits, `_`). Default: the name in upper snake case (`flask-secret-key` → `FLASK_SECRET_KEY`)."),
    description: z.string().optional().describe("What it is for: the secret's description."),
    length: z.number().int().default(SECRET_LENGTH.default).describe(`Characters, ${SECRET_LENGTH.min}–${SECRET_LENGTH.max}.`),
    characters: z.enum(SECRET_CHARACTERS).default("alphanumeric").describe("`alphanumeric` (letters and digits) or `printable` (and specials that need no quoting in a URL, header or shell: no quote, backslash, space, `/`, `@`, `%`, `:`)."),
});

function secretsSchema() {
    return z
        .record(z.string(), SecretSchema)
        .describe("Generated values by name (`flask-secret-key` → the Secrets Manager secret `<prefix>-<env>/flask-secret-key`), each given to the readers it names.");
}

export type SecretsConfig = z.output<ReturnType<typeof secretsSchema>>;

/** A consumer of stores: a service or a function, where its `connectsTo` is in the stack file. */
interface Consumer {
    readonly kind: "service" | "function";
    readonly name: string;
    readonly connectsTo: readonly string[];
    /** Where its connectsTo is: `platform:services.<name>.connectsTo`. */
    readonly connectsToKey: string;
    /** A service and a function both have this name. */
    readonly shared?: boolean;
}

/** Every service and function of the stack, by name. */
function consumersOf(view: ConfigView): Map<string, Consumer> {
    const consumers = new Map<string, Consumer>();
    for (const service of view.config(servicesBlock)?.services ?? []) {
        consumers.set(service.name, { kind: "service", name: service.name, connectsTo: service.connectsTo, connectsToKey: `platform:services.${service.name}.connectsTo` });
    }
    for (const [name, fn] of Object.entries(view.config(functionsBlock) ?? {})) {
        const service = consumers.get(name);
        // A secret reaches its readers by name: a service and a function of one name would both read it.
        consumers.set(name, service ? { ...service, shared: true } : { kind: "function", name, connectsTo: fn.connectsTo, connectsToKey: `platform:functions.${name}.connectsTo` });
    }
    return consumers;
}

/** The variable of `key`: its own, or its name in upper snake case. */
export function variableOf(key: string, secret: Pick<SecretsConfig[string], "variable">): string {
    return secret.variable ?? defaultVariable(key);
}

function secretsRules(secrets: SecretsConfig, view: ConfigView): Problem[] {
    if (Object.keys(secrets).length === 0) {
        return [{ path: ["secrets"], message: "is empty; name at least one secret, or leave platform:secrets out" }];
    }
    const problems: Problem[] = generatedSecretsProblems({ naming: view.stack.naming, secrets }).map((p) => ({ ...p, path: ["secrets", ...p.path] }));
    const consumers = consumersOf(view);
    const names = [...consumers.keys()];
    const variables = new Map<string, string>();
    for (const [key, secret] of Object.entries(secrets)) {
        const variable = variableOf(key, secret);
        if (!VARIABLE_NAME.test(variable)) {
            problems.push({
                path: ["secrets", key, ...(secret.variable !== undefined ? ["variable"] : [])],
                message: `${secret.variable !== undefined ? showValue(variable) : `makes the variable ${showValue(variable)}, which`} is not an environment variable name; use upper-case letters, digits and _, not starting with a digit${secret.variable === undefined ? " (set variable)" : ""}`,
            });
        }
        const first = variables.get(variable);
        if (first !== undefined) {
            problems.push({ path: ["secrets", key, "variable"], message: `${showValue(variable)} is also the variable of ${showValue(first)}; a reader would get one of them` });
        } else {
            variables.set(variable, key);
        }
        const seen = new Set<string>();
        secret.readers.forEach((reader, i) => {
            const consumer = consumers.get(reader);
            if (seen.has(reader)) {
                problems.push({ path: ["secrets", key, "readers", i], message: `${showValue(reader)} is listed twice` });
            } else if (consumer === undefined) {
                problems.push({
                    path: ["secrets", key, "readers", i],
                    message: `${showValue(reader)} is neither a service nor a function of this stack; ${names.length > 0 ? `it has ${names.map(showValue).join(", ")}` : "it has none"}`,
                });
            } else if (consumer.shared) {
                problems.push({
                    path: ["secrets", key, "readers", i],
                    message: `${showValue(reader)} is both a service and a function; a secret's readers are named, so rename one of them`,
                });
            } else if (!consumer.connectsTo.includes(STORE_NAME)) {
                problems.push({ path: ["secrets", key, "readers", i], message: `${showValue(reader)} does not list "${STORE_NAME}" in ${consumer.connectsToKey}; add it there, or it gets nothing` });
            }
            seen.add(reader);
        });
    }
    // A consumer connected to the secrets that no secret names: a connection that gives nothing.
    for (const consumer of consumers.values()) {
        const index = consumer.connectsTo.indexOf(STORE_NAME);
        if (index >= 0 && !Object.values(secrets).some((secret) => secret.readers.includes(consumer.name))) {
            problems.push({
                path: ["secrets"],
                message: `names ${showValue(consumer.name)} as no secret's reader, yet ${consumer.connectsToKey}[${index}] lists "${STORE_NAME}"; add it to the readers of the secrets it needs, or remove "${STORE_NAME}" there`,
            });
        }
    }
    return problems;
}

export const secretsBlock = defineBlock({
    name: "secrets",
    keys: ["secrets"],
    schema: () => singleKey("secrets", secretsSchema()),

    rules: (secrets, view) => secretsRules(secrets, view),

    store: {
        label: "the generated secrets",
        variables: [],
        configVariables: (secrets: SecretsConfig) => Object.entries(secrets).map(([key, secret]) => variableOf(key, secret)),
        // Only the secrets whose readers name the consumer.
        connection: (built: GeneratedSecrets, secrets: SecretsConfig, consumer?: string) => ({
            environment: {},
            secrets: Object.fromEntries(
                Object.entries(secrets)
                    .filter(([, secret]) => consumer !== undefined && secret.readers.includes(consumer))
                    .map(([key, secret]) => [variableOf(key, secret), built.arns[key]]),
            ),
        }),
    },

    build: (secrets: SecretsConfig, ctx: BuildContext): GeneratedSecrets =>
        new GeneratedSecrets("secrets", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            secrets: Object.fromEntries(
                Object.entries(secrets).map(([key, secret]) => [key, { length: secret.length, characters: secret.characters, ...(secret.description !== undefined ? { description: secret.description } : {}) }]),
            ),
            recoveryWindowInDays: RECOVERY_WINDOW_DAYS[ctx.stack.env],
        }),

    outputs: (built) => ({ secretNames: built.names }),
});
