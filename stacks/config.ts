/**
 * Reading a stack's config: parsed and validated at program start, before any resource is
 * registered (a typo is an error at preview time, never a half-applied stack).
 *
 * Config arrives the way the Pulumi CLI presents it: `<namespace>:<key>` → string, structured
 * values as JSON. Everything of this project lives in the `platform` namespace: the core keys
 * below, and the keys of each block (`stacks/registry.ts`); `aws:region` is the provider's.
 *
 * Order: the core keys (env, name, tags, logs) first, since every block's defaults depend on the
 * env; then each block present in the stack file parses its own keys with its schema; then every
 * block's rules and the rules that span blocks (`stacks/rules.ts`) run on the resolved config.
 * A failure throws ConfigError listing every problem as
 * `<namespace>:<key path>: <value> <what is wrong and what is allowed>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LogRetentionDays } from "../lib/aws-limits";
import { looksLikeSecret } from "../components/compute/services/container";
import { ENV_NAME_RULE, ENVS, Naming, PREFIX_RULE } from "../lib/naming";
import { Path, Problem, closestMatch, showValue } from "../lib/problems";
import { baseTags } from "../lib/tags";
import { AnyBlock, Block, ConfigView, NAMESPACE, configKey, PerEnv, RegistryFacts, Shape, StackInfo, StoreInfo } from "./block";
import { BLOCKS } from "./registry";
import { SiblingStack, allowedAccounts, claimConflicts } from "./claims";
import { crossBlockProblems } from "./rules";
import { listStacks, projectDirectory, readStackConfig } from "./stack-files";

export { NAMESPACE, configKey };

const REGION_KEY = "aws:region";
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/** Retention of the platform's log groups unless `platform:logs.retentionDays` says otherwise. */
export const LOG_RETENTION_DEFAULT: PerEnv<LogRetentionDays> = { dev: 7, prod: 90 };

/** The keys every stack has, whatever its blocks. */
export const CORE_SCHEMA = z.strictObject({
    env: z.enum(ENVS).describe("Environment class: selects per-env defaults and the prod safety rules."),
    envName: z
        .string()
        .regex(ENV_NAME_RULE.pattern, { error: `is not an environment name; use ${ENV_NAME_RULE.allowed}` })
        .optional()
        .describe("The environment's name in physical names, tags and outputs (`staging` → `goorm-popcorn-staging-…`) when it is not the class itself: a staging stack with `env: prod` gets prod's defaults and rules under its own names. Default: `env`."),
    name: z
        .string()
        .regex(PREFIX_RULE.pattern, { error: `is not a valid name prefix; use ${PREFIX_RULE.allowed}` })
        .describe("Physical-name prefix: `goorm-popcorn` → `goorm-popcorn-<env>-…`."),
    tags: z.record(z.string(), z.string()).default({}).describe("Extra tags on every taggable resource (an owner, a cost centre); the program's own keys are reserved."),
    logs: z
        .strictObject({
            retentionDays: z.number().int().optional().describe(`Days every platform log group keeps its events unless a block's key says otherwise. Default: dev ${LOG_RETENTION_DEFAULT.dev}, prod ${LOG_RETENTION_DEFAULT.prod}.`),
        })
        .default({})
        .describe("Log retention."),
});
export type CoreConfig = z.output<typeof CORE_SCHEMA>;

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

/** A config problem located by its full key, e.g. `platform:network.cidr`. */
export interface ConfigProblem {
    readonly key: string;
    readonly message: string;
}

/**
 * Stops the program before any resource is registered. A RunError, so the Pulumi CLI prints the
 * message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(
            `Pulumi.${stack}.yaml: invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  ${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

// ---------------------------------------------------------------------------------------------
// The stack's config, resolved.
// ---------------------------------------------------------------------------------------------

/** The stack's config: core values and the resolved config of every block the stack file has. */
export class StackConfig implements ConfigView {
    private securityPlan?: ConfigView["security"];
    private storeInfos?: Map<string, StoreInfo>;

    constructor(
        readonly stack: StackInfo,
        /** Blocks present in the stack, in build order, with their resolved config. */
        readonly blocks: ReadonlyMap<AnyBlock, unknown>,
        /** The registry the stack was read with. */
        readonly registry: readonly AnyBlock[],
    ) {}

    config<C>(block: Block<C, unknown, Shape>): C | undefined {
        return this.blocks.get(block as AnyBlock) as C | undefined;
    }

    has(block: AnyBlock): boolean {
        return this.blocks.has(block);
    }

    get stores(): ReadonlyMap<string, StoreInfo> {
        if (!this.storeInfos) {
            this.storeInfos = new Map();
            for (const [block, config] of this.blocks) {
                if (block.store) {
                    const unavailable = block.store.unavailable?.(config);
                    this.storeInfos.set(block.name, {
                        label: block.store.label,
                        group: block.store.group,
                        ports: block.store.ports?.(config, this) ?? [],
                        ...(unavailable !== undefined ? { unavailable } : {}),
                    });
                }
            }
        }
        return this.storeInfos;
    }

    get security(): ConfigView["security"] {
        if (!this.securityPlan) {
            const contributions = [...this.blocks].map(([block, config]) => ({ key: block.keys[0], ...(block.securityGroups?.(config, this) ?? {}) }));
            this.securityPlan = {
                groups: contributions.flatMap((c) => (c.groups ?? []).map((group) => ({ ...group, key: c.key }))),
                flows: contributions.flatMap((c) => c.flows ?? []),
            };
        }
        return this.securityPlan;
    }

    get connectionVariables(): readonly string[] {
        const fromConfig = [...this.blocks].flatMap(([block, config]) => block.store?.configVariables?.(config) ?? []);
        return [...new Set([...this.registry.flatMap((block) => block.store?.variables ?? []), ...fromConfig])];
    }
}

export function registryFacts(registry: readonly AnyBlock[]): RegistryFacts {
    return { thresholds: Object.assign({}, ...registry.map((block) => block.thresholds ?? {})) as Shape };
}

/** The stack facts every block sees, from the core keys. */
export function stackInfo(core: CoreConfig, stack: string, region: string): StackInfo {
    return {
        stack,
        region,
        env: core.env,
        envName: core.envName ?? core.env,
        name: core.name,
        naming: new Naming(core.name, core.envName ?? core.env),
        tags: baseTags({ project: core.name, env: core.envName ?? core.env, stack, extra: core.tags }),
        logRetentionDays: (core.logs.retentionDays ?? LOG_RETENTION_DEFAULT[core.env]) as LogRetentionDays,
    };
}

/** Whether the stack file has `block` (any of the keys it is present with). */
export function isPresent(block: AnyBlock, input: Readonly<Record<string, unknown>>): boolean {
    return (block.presentWith ?? [block.keys[0]]).some((key) => input[key] !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Describing zod's issues.
// ---------------------------------------------------------------------------------------------

/** The object schema under wrappers (optional, default, transforms). */
function unwrap(schema: z.ZodType): z.ZodType {
    for (;;) {
        if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodNullable) {
            schema = schema.unwrap() as z.ZodType;
        } else if (schema instanceof z.ZodPipe) {
            schema = schema.in as z.ZodType;
        } else {
            return schema;
        }
    }
}

/** The schema of the value at `path` of `root`, wrappers removed (a union stays a union). */
function schemaAt(root: z.ZodType, path: Path): z.ZodType | undefined {
    let schema = unwrap(root);
    for (const key of path) {
        if (schema instanceof z.ZodObject && typeof key === "string") {
            schema = unwrap(schema.shape[key] as z.ZodType);
        } else if (schema instanceof z.ZodRecord && typeof key === "string") {
            schema = unwrap(schema.valueType as z.ZodType);
        } else if (schema instanceof z.ZodArray && typeof key === "number") {
            schema = unwrap(schema.element as z.ZodType);
        } else {
            return undefined;
        }
    }
    return schema;
}

/** The value of a discriminated union's discriminator key in `value`. */
function discriminatorOf(union: z.ZodDiscriminatedUnion, value: unknown): unknown {
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[union.def.discriminator] : undefined;
}

/** Values of an option's discriminator literal. */
function optionValues(union: z.ZodDiscriminatedUnion, option: z.ZodObject): unknown[] {
    return [...(option.shape[union.def.discriminator] as z.ZodLiteral).values];
}

/** Why `key` is unknown in `input`, the object at `path`: a typo, or a key of another form of a union. */
function unknownKeyMessage(root: z.ZodType, path: Path, key: string, input: unknown): string {
    let object = schemaAt(root, path);
    if (object instanceof z.ZodDiscriminatedUnion) {
        const union = object;
        const chosen = discriminatorOf(union, input);
        const options = union.options as z.ZodObject[];
        const other = options.find((option) => key in option.shape && !optionValues(union, option).includes(chosen));
        if (other) {
            return `is only for ${union.def.discriminator} ${optionValues(union, other).join(" or ")} (${configKey([...path, union.def.discriminator])} is ${showValue(chosen)})`;
        }
        object = options.find((option) => optionValues(union, option).includes(chosen));
    }
    const allowed = object instanceof z.ZodObject ? Object.keys(object.shape) : [];
    const guess = closestMatch(key, allowed);
    return `is not a known key${guess ? ` (did you mean ${guess}?)` : ""}; allowed here: ${allowed.join(", ")}`;
}

/** How to write a value of the expected type, for a value of another type the CLI or YAML produced. */
function howToWrite(expected: string, input: unknown, key: string): string {
    if (typeof input === "string" && (expected === "number" || expected === "int")) {
        return `; write the number without quotes in YAML, or set it with \`pulumi config set --path '${key}' <number>\` (add --type float for a fraction)`;
    }
    if (typeof input === "string" && expected === "boolean") {
        return "; write true or false without quotes";
    }
    if (typeof input === "number" && expected === "string") {
        return `; quote it in YAML ("${String(input)}" is what YAML kept of what you wrote; write it as you mean it, in quotes)`;
    }
    if (typeof input === "boolean" && expected === "string") {
        return `; quote it in YAML ("${String(input)}") if you mean the text`;
    }
    return "";
}

/** Turns one zod issue into lines that name the key, the value and what is allowed. */
function describeIssue(issue: z.core.$ZodIssue, root: z.ZodType): ConfigProblem[] {
    const input: unknown = (issue as { input?: unknown }).input;
    const path = issue.path as Path;
    const key = configKey(path);
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((unknownKey) => ({
                key: configKey([...path, unknownKey]),
                message: looksLikeSecret(unknownKey)
                    ? "is refused: no secret is ever set in config; database passwords are generated and kept by RDS in Secrets Manager, the cache's by the platform, and services take secrets as ARNs"
                    : unknownKeyMessage(root, path, unknownKey, input),
            }));
        case "invalid_union": {
            // A discriminated union without (or with an unknown) discriminator value.
            const discriminated = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
            if (discriminated.options !== undefined) {
                const allowed = `one of ${discriminated.options.map(String).join(", ")}`;
                const value = input !== null && typeof input === "object" ? (input as Record<string, unknown>)[String(path[path.length - 1])] : undefined;
                return [{ key, message: value === undefined ? `is required (expected ${allowed})` : `${showValue(value)} is not allowed; expected ${allowed}` }];
            }
            return [{ key, message: `${showValue(input)} matches none of the forms this key takes` }];
        }
        case "invalid_type": {
            const expected = issue.expected === "int" ? "an integer" : /^[aeiou]/.test(issue.expected) ? `an ${issue.expected}` : `a ${issue.expected}`;
            if (input === undefined) {
                return [{ key, message: `is required (expected ${expected})` }];
            }
            return [{ key, message: `${showValue(input)} is not ${expected}${howToWrite(issue.expected, input, key)}` }];
        }
        case "invalid_value": {
            const allowed = `one of ${issue.values.map(String).join(", ")}`;
            return [{ key, message: input === undefined ? `is required (expected ${allowed})` : `${showValue(input)} is not allowed; expected ${allowed}` }];
        }
        case "too_small":
            return [{
                key,
                message: Array.isArray(input)
                    ? `has ${input.length} item(s); at least ${issue.minimum} required`
                    : `${showValue(input)} is below the minimum ${issue.minimum}`,
            }];
        case "too_big":
            return [{
                key,
                message: Array.isArray(input)
                    ? `has ${input.length} item(s); at most ${issue.maximum} allowed`
                    : `${showValue(input)} is above the maximum ${issue.maximum}`,
            }];
        case "custom":
            return [{ key, message: issue.message }];
        default:
            return [{ key, message: `${showValue(input)} ${issue.message}` }];
    }
}

/** A copy of `input` without the keys that `issues` report as unknown. */
function withoutUnknownKeys(input: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): Record<string, unknown> {
    const copy = structuredClone(input);
    for (const issue of issues) {
        if (issue.code !== "unrecognized_keys") {
            continue;
        }
        const holder = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)[key as PropertyKey], copy) as Record<string, unknown>;
        issue.keys.forEach((key) => delete holder[key]);
    }
    return copy;
}

/** A number as `pulumi config set` writes one it does not type (`1.5`, or any number given `--type string`). */
const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * The value `pulumi config set` meant, where the type it wrote differs from the schema's and the
 * intent is unambiguous: a number-like string where a number is expected (the CLI stores `1.5` as
 * a string), `true`/`false` where a boolean is, an integer where a string is (`imageTag 42`).
 * Undefined when there is nothing to coerce, or the value is ambiguous (the issue is then reported
 * with how to write it).
 */
function coerced(expected: string, value: unknown): unknown {
    if (expected === "number" && typeof value === "string" && NUMBER_TEXT.test(value)) {
        return Number(value);
    }
    if (expected === "boolean" && (value === "true" || value === "false")) {
        return value === "true";
    }
    if (expected === "string" && typeof value === "number" && Number.isSafeInteger(value)) {
        return String(value);
    }
    return undefined;
}

/** Sets the value at `path` of `root`. */
function setAt(root: unknown, path: Path, value: unknown): void {
    const holder = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)[key], root) as Record<PropertyKey, unknown>;
    holder[path[path.length - 1]] = value;
}

/**
 * Parses `input` with `schema`, describing every issue. When the only issues are unknown keys,
 * parses again without them: the value is then good enough for the rules to run in the same pass
 * (the unknown keys are reported all the same).
 */
function parseSlice<T>(schema: z.ZodType<T>, input: Record<string, unknown>, problems: ConfigProblem[]): { ok: true; value: T } | { ok: false } {
    let parsed = schema.safeParse(input, { reportInput: true });
    // Values as `pulumi config set` writes them: coerce what is unambiguous, then parse again (a
    // union's inner issues only show once its outer ones are fixed, hence the loop).
    for (let round = 0; !parsed.success && round < 8; round++) {
        const fixes = parsed.error.issues.flatMap((issue) => {
            const value = issue.code === "invalid_type" ? coerced(issue.expected, (issue as { input?: unknown }).input) : undefined;
            return value === undefined ? [] : [{ path: issue.path as Path, value }];
        });
        if (fixes.length === 0) {
            break;
        }
        input = structuredClone(input);
        fixes.forEach((fix) => setAt(input, fix.path, fix.value));
        parsed = schema.safeParse(input, { reportInput: true });
    }
    if (parsed.success) {
        return { ok: true, value: parsed.data };
    }
    problems.push(...parsed.error.issues.flatMap((issue) => describeIssue(issue, schema)));
    if (parsed.error.issues.every((issue) => issue.code === "unrecognized_keys")) {
        const retried = schema.safeParse(withoutUnknownKeys(input, parsed.error.issues));
        if (retried.success) {
            return { ok: true, value: retried.data };
        }
    }
    return { ok: false };
}

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

/** Config values as the CLI presents them: JSON for objects and arrays, plain text otherwise. */
function decode(raw: string): unknown {
    const trimmed = raw.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return raw;
        }
    }
    return raw;
}

function pick(input: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]]));
}

/**
 * Parses and validates the stack's config. `allConfig` is every config value of the stack
 * (`<namespace>:<key>` → string); keys of other namespaces than `platform` and `aws:region`
 * are left to their owners. `registry` is the blocks the program knows (the real one by default).
 */
export function parseStackConfig(allConfig: Readonly<Record<string, string>>, stack: string, registry: readonly AnyBlock[] = BLOCKS): StackConfig {
    const problems: ConfigProblem[] = [];

    const region = allConfig[REGION_KEY];
    if (region === undefined) {
        problems.push({ key: REGION_KEY, message: "is required; set the stack's AWS region, e.g. ap-northeast-2" });
    } else if (!REGION_PATTERN.test(region)) {
        problems.push({ key: REGION_KEY, message: `${showValue(region)} is not an AWS region name (expected e.g. ap-northeast-2)` });
    }
    const validRegion = problems.length === 0 ? region : undefined;

    const input: Record<string, unknown> = {};
    for (const [fullKey, raw] of Object.entries(allConfig)) {
        const [namespace, ...rest] = fullKey.split(":");
        if (namespace === NAMESPACE) {
            input[rest.join(":")] = decode(raw);
        } else if (closestMatch(namespace, [NAMESPACE]) !== undefined) {
            // Another namespace's keys are their owners' business, but a misspelt `platform` would
            // make this key silently ignored.
            problems.push({ key: fullKey, message: `is in namespace ${JSON.stringify(namespace)}, which nothing reads; did you mean ${NAMESPACE}:${rest.join(":")}?` });
        }
    }

    // Top-level keys: the core's and the blocks'; anything else is a typo.
    const known = [...Object.keys(CORE_SCHEMA.shape), ...registry.flatMap((block) => block.keys)];
    for (const key of Object.keys(input).filter((k) => !known.includes(k))) {
        const guess = closestMatch(key, known);
        problems.push({ key: configKey([key]), message: `is not a known key${guess ? ` (did you mean ${guess}?)` : ""}; allowed here: ${known.join(", ")}` });
    }

    // The core first: every block's defaults depend on the env.
    let schemaProblems = false;
    const core = parseSlice(CORE_SCHEMA, pick(input, Object.keys(CORE_SCHEMA.shape)), problems);
    schemaProblems ||= !core.ok;
    // Without a valid core, the blocks are still checked against the stricter env's schema.
    const info = stackInfo(core.ok ? core.value : { env: "prod", name: "placeholder", tags: {}, logs: {} }, stack, validRegion ?? "");
    const facts = registryFacts(registry);

    const blocks = new Map<AnyBlock, unknown>();
    for (const block of registry.filter((b) => isPresent(b, input))) {
        const parsed = parseSlice(block.schema(info, facts), pick(input, block.keys), problems);
        if (parsed.ok) {
            blocks.set(block, parsed.value);
        } else {
            schemaProblems = true;
        }
    }
    for (const block of registry.filter((b) => !isPresent(b, input))) {
        for (const key of block.keys.filter((k) => input[k] !== undefined)) {
            problems.push({ key: configKey([key]), message: `is only read with ${(block.presentWith ?? [block.keys[0]]).map((k) => configKey([k])).join(" or ")}, which this stack does not have` });
            schemaProblems = true;
        }
    }
    if (schemaProblems || !core.ok) {
        throw new ConfigError(stack, problems);
    }

    const config = new StackConfig(info, blocks, registry);
    const ruleProblems: Problem[] = [...crossBlockProblems(core.value, config)];
    for (const [block, blockConfig] of blocks) {
        const missing = (block.requires ?? []).filter((required) => !blocks.has(required));
        for (const required of missing) {
            ruleProblems.push({ path: [block.keys[0]], message: `needs ${configKey([required.keys[0]])}, which this stack does not have` });
        }
        // Without what it builds on, a block's own rules would only repeat the missing block's absence.
        if (missing.length === 0) {
            ruleProblems.push(...(block.rules?.(blockConfig, config) ?? []));
        }
    }
    problems.push(...ruleProblems.map((p) => ({ key: configKey(p.path), message: p.message })));
    if (problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    return config;
}

/**
 * The project's other stack files (in `dir`), each as its config resolves; a file that does not
 * read or validate is its own stack's problem and is left out here.
 */
export function siblingStacks(stack: string, dir: string, registry: readonly AnyBlock[] = BLOCKS): SiblingStack[] {
    const siblings: SiblingStack[] = [];
    for (const other of listStacks(dir).filter((name) => name !== stack)) {
        try {
            const { config } = readStackConfig(other, dir);
            siblings.push({ file: `Pulumi.${other}.yaml`, config: parseStackConfig(config, other, registry), accounts: allowedAccounts(config) });
        } catch {
            // Reported when that stack is planned or deployed.
        }
    }
    return siblings;
}

/**
 * Reads the running stack's config from the Pulumi runtime (the CLI, or the mock runtime), and
 * checks it claims nothing another stack file of the project claims (stacks/claims.ts).
 */
export function loadStackConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const stack = pulumi.getStack();
    const config = parseStackConfig(all, stack);
    const conflicts = claimConflicts(config, allowedAccounts(all), siblingStacks(stack, projectDirectory()));
    if (conflicts.length > 0) {
        throw new ConfigError(stack, conflicts);
    }
    return config;
}
