/**
 * The stack config model: one typed schema for the whole platform, parsed and validated at
 * program start, before any resource is registered (SPEC §3.4).
 *
 * Config arrives the way the Pulumi CLI presents it: `<namespace>:<key>` → string, structured
 * values as JSON. Everything of this project lives in the `platform` namespace:
 *
 *   platform:env              dev | prod — selects per-env defaults and the prod safety rules
 *   platform:name             physical-name prefix (`goorm-popcorn` → `goorm-popcorn-<env>-…`)
 *   platform:tags             extra tags for every resource
 *   platform:logs             retention of the platform's log groups
 *   platform:network          the VPC
 *   platform:cluster          the ECS cluster
 *   platform:serviceDiscovery the Cloud Map namespace
 *   platform:ecr              the services' image repositories
 *   platform:serviceDefaults  settings every service inherits
 *   platform:services         the services, by name
 *   platform:alb              the internet-facing ALB
 *   platform:blueGreen        which service runs blue and green behind the ALB, and the weights
 *   aws:region                the AWS provider's region; AZs must belong to it
 *
 * The schema and defaults are in `schema.ts`, the rules across keys in `rules.ts`.
 *
 * A failure throws ConfigError listing every problem as
 * `<namespace>:<key path>: <value> <what is wrong and what is allowed>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { looksLikeSecret } from "../components/compute/services/container";
import { Path, closestMatch, formatPath, showValue } from "../lib/problems";
import { crossKeyProblems } from "./rules";
import { PlatformConfig, PlatformSchema, resolveDefaults } from "./schema";

export { ENV_DEFAULTS } from "./schema";
export type { PlatformConfig, ServiceConfig } from "./schema";

/** The config namespace of this project (the `name` in Pulumi.yaml). */
export const NAMESPACE = "platform";
const REGION_KEY = "aws:region";
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

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
        } else if (schema instanceof z.ZodRecord && typeof key === "string") {
            schema = schema.valueType as z.ZodType;
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
                if (looksLikeSecret(unknownKey)) {
                    return {
                        key: configKey([...(issue.path as Path), unknownKey]),
                        message: "is refused: no secret is ever set in config (SPEC §3.5); database passwords are generated and kept by RDS in Secrets Manager, the cache's by the platform, and services take secrets as ARNs",
                    };
                }
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
        problems.push(...crossKeyProblems(config, validRegion, configKey).map((p) => ({ key: configKey(p.path), message: p.message })));
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
