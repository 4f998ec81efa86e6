/**
 * The stack config model: one typed schema for the whole platform, parsed and validated at
 * program start, before any resource is registered (SPEC §3.4).
 *
 * Config arrives the way the Pulumi CLI presents it: `<namespace>:<key>` → string, structured
 * values as JSON. Everything of this project lives in the `platform` namespace:
 *
 *   platform:env       dev | prod — selects per-env defaults and the prod safety rules
 *   platform:name      physical-name prefix (`goorm-popcorn` → `goorm-popcorn-<env>-…`)
 *   platform:tags      extra tags for every resource (object)
 *   platform:network   the VPC (object, see NetworkSchema)
 *   aws:region         the AWS provider's region; AZs must belong to it
 *
 * A failure throws ConfigError listing every problem as
 * `<namespace>:<key path>: <value> <what is wrong and what is allowed>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    FLOW_LOG_TRAFFIC_TYPES,
    FlowLogTrafficType,
    GATEWAY_ENDPOINT_SERVICES,
    INTERFACE_ENDPOINT_SERVICES,
    LogRetentionDays,
    logRetentionProblem,
} from "../lib/aws-limits";
import { ENVS, Env, PREFIX_RULE } from "../lib/naming";
import { NAT_STRATEGIES, NatStrategy, NetworkSpec, networkProblems } from "../lib/network";
import { Path, Problem, closestMatch, formatPath, nest, showValue } from "../lib/problems";
import { extraTagProblems } from "../lib/tags";

/** The config namespace of this project (the `name` in Pulumi.yaml). */
export const NAMESPACE = "platform";
const REGION_KEY = "aws:region";
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

// ---------------------------------------------------------------------------------------------
// Per-env defaults: what a key means when the stack file leaves it out. Security relaxations are
// never defaults (SPEC §6): flow logs default to on everywhere; dev turns them off visibly.
// ---------------------------------------------------------------------------------------------

export interface EnvDefaults {
    /** dev: one NAT (cost); prod: one per AZ (an AZ outage must not cut the others off). */
    readonly natGateways: NatStrategy;
    /** Retention of the platform's log groups, in days. */
    readonly logRetentionDays: LogRetentionDays;
}

export const ENV_DEFAULTS: Readonly<Record<Env, EnvDefaults>> = {
    dev: { natGateways: "single", logRetentionDays: 7 },
    prod: { natGateways: "perAz", logRetentionDays: 90 },
};

// ---------------------------------------------------------------------------------------------
// Schema. Objects are strict: an unknown key (a typo) is an error, never silently ignored.
// ---------------------------------------------------------------------------------------------

const SubnetSchema = z.strictObject({
    /** IPv4 block inside the VPC CIDR, e.g. 10.0.11.0/24. */
    cidr: z.string(),
    /** One of network.azs. */
    az: z.string(),
});

const FlowLogsSchema = z.strictObject({
    /** Record the VPC's traffic metadata. Off only as a visible dev relaxation. */
    enabled: z.boolean().default(true),
    /** Days CloudWatch keeps records. @default per env (dev 7, prod 90) */
    retentionDays: z.number().int().optional(),
    /** ALL | ACCEPT | REJECT. */
    trafficType: z.enum(FLOW_LOG_TRAFFIC_TYPES).default("ALL"),
});

const NetworkSchema = z.strictObject({
    /** VPC IPv4 block, /16 to /28, private address space. */
    cidr: z.string(),
    /** The stack's availability zones, in the stack's region. */
    azs: z.array(z.string()).min(1),
    /** Exact subnets per tier. */
    subnets: z.strictObject({
        public: z.array(SubnetSchema),
        private: z.array(SubnetSchema),
        data: z.array(SubnetSchema).default([]),
    }),
    /** none | single | perAz. @default per env (dev single, prod perAz) */
    natGateways: z.enum(NAT_STRATEGIES).optional(),
    /** Gateway endpoints on the private and data route tables. */
    gatewayEndpoints: z.array(z.enum(GATEWAY_ENDPOINT_SERVICES)).default([...GATEWAY_ENDPOINT_SERVICES]),
    /** Interface endpoints in the private tier. */
    interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINT_SERVICES)).default([]),
    flowLogs: FlowLogsSchema.default({ enabled: true, trafficType: "ALL" }),
});

const PlatformSchema = z.strictObject({
    env: z.enum(ENVS),
    name: z.string().regex(PREFIX_RULE.pattern, { error: `is not a valid name prefix; use ${PREFIX_RULE.allowed}` }),
    tags: z.record(z.string(), z.string()).default({}),
    network: NetworkSchema,
});

// ---------------------------------------------------------------------------------------------
// The resolved config the program runs on: every default filled in.
// ---------------------------------------------------------------------------------------------

export interface NetworkConfig extends NetworkSpec {
    readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: LogRetentionDays; readonly trafficType: FlowLogTrafficType };
}

export interface PlatformConfig {
    /** Pulumi stack name. */
    readonly stack: string;
    /** `aws:region`. */
    readonly region: string;
    readonly env: Env;
    /** Physical-name prefix. */
    readonly name: string;
    /** Extra tags from config. */
    readonly tags: Readonly<Record<string, string>>;
    readonly network: NetworkConfig;
}

type ParsedPlatform = z.infer<typeof PlatformSchema>;

function resolveDefaults(parsed: ParsedPlatform, stack: string, region: string): PlatformConfig {
    const defaults = ENV_DEFAULTS[parsed.env];
    const { network } = parsed;
    return {
        stack,
        region,
        env: parsed.env,
        name: parsed.name,
        tags: parsed.tags,
        network: {
            ...network,
            natGateways: network.natGateways ?? defaults.natGateways,
            flowLogs: {
                ...network.flowLogs,
                retentionDays: (network.flowLogs.retentionDays ?? defaults.logRetentionDays) as LogRetentionDays,
            },
        },
    };
}

/** Rules across keys, run on the resolved config. Paths are relative to the namespace. */
function crossKeyProblems(config: PlatformConfig, region: string | undefined): Problem[] {
    const { network } = config;
    const problems: Problem[] = [
        ...nest(["network"], networkProblems(network, { region, refer: (path) => configKey(["network", ...path]) })),
        ...nest(["tags"], extraTagProblems(config.tags)),
    ];
    const retention = logRetentionProblem(network.flowLogs.retentionDays);
    if (retention) {
        problems.push({ path: ["network", "flowLogs", "retentionDays"], message: retention });
    }
    if (config.env === "prod") {
        // SPEC §6: flow logs may be off only in dev.
        if (!network.flowLogs.enabled) {
            problems.push({ path: ["network", "flowLogs", "enabled"], message: "false is not allowed in prod; VPC flow logs are required there (SPEC §6)" });
        }
        // prod is Multi-AZ everywhere: tasks and Kafka need private subnets in two AZs or more.
        const privateAzs = new Set(network.subnets.private.map((s) => s.az));
        if (network.subnets.private.length > 0 && privateAzs.size < 2) {
            problems.push({ path: ["network", "subnets", "private"], message: `spans only ${[...privateAzs].join(", ")}; prod needs private subnets in at least two AZs` });
        }
    }
    return problems;
}

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
            `Stack "${stack}": invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  ${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

function configKey(path: Path): string {
    return `${NAMESPACE}:${formatPath(path)}`;
}

/** Keys that may appear in the object the issue points at (for unknown-key hints). */
function allowedKeysAt(path: Path): string[] {
    let schema: z.ZodType = PlatformSchema;
    for (const key of path) {
        while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) {
            schema = schema.unwrap() as z.ZodType;
        }
        if (schema instanceof z.ZodObject && typeof key === "string") {
            schema = schema.shape[key] as z.ZodType;
        } else if (schema instanceof z.ZodArray && typeof key === "number") {
            schema = schema.element as z.ZodType;
        } else {
            return [];
        }
    }
    while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) {
        schema = schema.unwrap() as z.ZodType;
    }
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Turns one zod issue into lines that name the key, the value and what is allowed. */
function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
    const input: unknown = (issue as { input?: unknown }).input;
    const key = configKey(issue.path as Path);
    switch (issue.code) {
        case "unrecognized_keys": {
            const allowed = allowedKeysAt(issue.path as Path);
            return issue.keys.map((unknownKey) => {
                const guess = closestMatch(unknownKey, allowed);
                return {
                    key: configKey([...(issue.path as Path), unknownKey]),
                    message: `is not a known key${guess ? ` (did you mean ${guess}?)` : ""}; allowed here: ${allowed.join(", ")}`,
                };
            });
        }
        case "invalid_type": {
            const expected = issue.expected === "int" ? "an integer" : /^[aeiou]/.test(issue.expected) ? `an ${issue.expected}` : `a ${issue.expected}`;
            return [{ key, message: input === undefined ? `is required (expected ${expected})` : `${showValue(input)} is not ${expected}` }];
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

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

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

/**
 * Parses and validates the stack's config. `allConfig` is every config value of the stack
 * (`<namespace>:<key>` → string); keys of other namespaces than `platform` and `aws:region`
 * are left to their owners.
 */
export function parsePlatformConfig(allConfig: Readonly<Record<string, string>>, stack: string): PlatformConfig {
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
            problems.push({ key: fullKey, message: `is in namespace "${namespace}", which nothing reads; did you mean ${NAMESPACE}:${rest.join(":")}?` });
        }
    }

    let parsed = PlatformSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
        problems.push(...parsed.error.issues.flatMap(describeIssue));
        // Unknown keys alone do not hide the other rules: report those too, in the same run.
        if (parsed.error.issues.every((issue) => issue.code === "unrecognized_keys")) {
            parsed = PlatformSchema.safeParse(withoutUnknownKeys(input, parsed.error.issues));
        }
    }
    if (parsed.success) {
        const config = resolveDefaults(parsed.data, stack, validRegion ?? "");
        problems.push(...crossKeyProblems(config, validRegion).map((p) => ({ key: configKey(p.path), message: p.message })));
        if (problems.length === 0) {
            return config;
        }
    }
    throw new ConfigError(stack, problems);
}

/** Reads the running stack's config from the Pulumi runtime (the CLI, or the mock runtime). */
export function loadPlatformConfig(): PlatformConfig {
    return parsePlatformConfig(pulumi.runtime.allConfig(), pulumi.getStack());
}
