/**
 * The policy pack (policy/) run offline: `npm run -s policy -- --stack <name> [--dir <directory>]`
 * evaluates every policy on every resource of the offline plan of `Pulumi.<name>.yaml`, and
 * `npm run -s policy -- --plan <file.json>` on a plan the offline plan wrote (`npm run -s plan --
 * --stack <s> --json > file.json`). scripts/policy.ts runs `policyCli` with the process's streams.
 *
 * CrossGuard hands a policy a resource's type, inputs, URN, name and options, and a stack policy
 * every resource with its parent and the resources each input was made from
 * (`propertyDependencies`). The runner builds the same arguments from the recorded resources: the
 * inputs are the plan's (references resolved to the ids the mock runtime gave), and an input's
 * dependencies are the resources whose id it holds.
 *
 * Output: one line per violation (level, policy, resource, message), mandatory first, then a
 * summary. Exit codes: 0 no mandatory violation; 1 at least one; 2 usage, or a stack or plan that
 * cannot be evaluated (an invalid stack file, an unreadable plan).
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { DEFAULT_DEV_ENVIRONMENTS, DevConfig, PlatformPolicy } from "../policy/lib";
import { PACK_NAME, policies as packPolicies } from "../policy/policies";
import { ConfigError } from "../stacks/config";
import type { RecordedOptions } from "./mock-runtime";
import { cachedStackRun } from "./plan";
import { PROJECT_ROOT, StackFileError, listStacks, readStackConfig } from "./stack-file";

/** A resource as the runner reads it: from a program run (its options recorded) or a plan JSON. */
export interface PolicyInput {
    readonly urn: string;
    readonly id: string | null;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly inputs: Readonly<Record<string, unknown>>;
    /** A run's recorded options, or a plan's non-default lifecycle options. */
    readonly options?: Partial<RecordedOptions> | Readonly<Record<string, unknown>>;
}

export type Level = "mandatory" | "advisory";

export interface Violation {
    readonly level: Level;
    readonly policy: string;
    /** The FSBP control id of the policy, if it has one. */
    readonly fsbp?: string;
    /** The resource's URN; undefined for a stack policy's violation about no resource. */
    readonly urn?: string;
    /** `<type> <name>`, or `stack`. */
    readonly resource: string;
    readonly message: string;
}

export interface PolicyReport {
    readonly violations: readonly Violation[];
    readonly policies: number;
    readonly resources: number;
}

/** Evaluation settings: the environments of class dev (the relaxable policies' `devEnvironments`). */
export interface EvaluateOptions {
    readonly devEnvironments?: readonly string[];
    /** The policies to run (default: the pack's). */
    readonly policies?: readonly PlatformPolicy[];
}

class NotApplicable extends Error {}

function optionsOf(input: PolicyInput): PolicyResourceOptions {
    const o = (input.options ?? {}) as Record<string, unknown>;
    const timeouts = (o.customTimeouts ?? {}) as Record<string, string | undefined>;
    const seconds = (value: string | undefined) => {
        const match = /^(\d+)([smh])$/.exec(value ?? "");
        return match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"] : 0;
    };
    return {
        protect: o.protect === true,
        ignoreChanges: (o.ignoreChanges as string[] | undefined) ?? [],
        deleteBeforeReplace: o.deleteBeforeReplace === true,
        aliases: (o.aliases as string[] | undefined) ?? [],
        customTimeouts: { createSeconds: seconds(timeouts.create), updateSeconds: seconds(timeouts.update), deleteSeconds: seconds(timeouts.delete) },
        additionalSecretOutputs: [],
        ...(input.parent ? { parent: input.parent } : {}),
    };
}

/** Every string anywhere in `value`. */
function strings(value: unknown, into: Set<string> = new Set()): Set<string> {
    if (typeof value === "string") {
        into.add(value);
    } else if (Array.isArray(value)) {
        value.forEach((v) => strings(v, into));
    } else if (value !== null && typeof value === "object") {
        Object.values(value).forEach((v) => strings(v, into));
    }
    return into;
}

/** The stack's resources as CrossGuard's stack policies see them, each input's dependencies found by id. */
export function toPolicyResources(inputs: readonly PolicyInput[]): PolicyResource[] {
    const byId = new Map<string, PolicyInput[]>();
    for (const r of inputs) {
        if (r.id) {
            byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
        }
    }
    const resources = new Map<string, PolicyResource>();
    for (const r of inputs) {
        resources.set(r.urn, {
            type: r.type,
            props: r.inputs as Record<string, unknown>,
            urn: r.urn,
            name: r.name,
            opts: optionsOf(r),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as PolicyResource);
    }
    for (const r of inputs) {
        const resource = resources.get(r.urn)! as { -readonly [K in keyof PolicyResource]: PolicyResource[K] };
        if (r.parent && resources.has(r.parent)) {
            resource.parent = resources.get(r.parent);
        }
        const all = new Set<string>();
        for (const [key, value] of Object.entries(r.inputs)) {
            const urns = [...strings(value)].flatMap((s) => (byId.get(s) ?? []).map((d) => d.urn)).filter((urn) => urn !== r.urn);
            if (urns.length > 0) {
                resource.propertyDependencies[key] = [...new Set(urns)].map((urn) => resources.get(urn)!);
                urns.forEach((urn) => all.add(urn));
            }
        }
        const dependsOn = (r.options as Record<string, unknown> | undefined)?.dependsOn;
        for (const urn of Array.isArray(dependsOn) ? (dependsOn as string[]) : []) {
            if (resources.has(urn)) {
                all.add(urn);
            }
        }
        resource.dependencies = [...all].map((urn) => resources.get(urn)!);
    }
    return [...resources.values()];
}

/** Every policy of the pack on every resource (and on the stack as a whole). */
export function evaluatePolicies(inputs: readonly PolicyInput[], options: EvaluateOptions = {}): PolicyReport {
    const policies = options.policies ?? packPolicies;
    const resources = toPolicyResources(inputs);
    const config: DevConfig = { devEnvironments: [...(options.devEnvironments ?? DEFAULT_DEV_ENVIRONMENTS)] };
    const violations: Violation[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const describe = (urn: string | undefined) => {
        const r = urn ? byUrn.get(urn) : undefined;
        return r ? `${r.type} ${r.name}` : "stack";
    };
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    for (const policy of policies) {
        const level = (policy.enforcementLevel ?? "mandatory") === "advisory" ? "advisory" : "mandatory";
        const record = (urn: string | undefined) => (message: string, reported?: string) => {
            const about = reported ?? urn;
            violations.push({ level, policy: policy.name, ...(policy.platform.fsbp ? { fsbp: policy.platform.fsbp } : {}), ...(about ? { urn: about } : {}), resource: describe(about), message });
        };
        const getConfig = <T extends object>() => config as T;
        try {
            if ("validateResource" in policy && policy.validateResource) {
                const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
                for (const resource of resources) {
                    const args: ResourceValidationArgs = {
                        type: resource.type,
                        props: resource.props,
                        urn: resource.urn,
                        name: resource.name,
                        opts: resource.opts,
                        stackTags: new Map(),
                        isType: () => false,
                        asType: () => undefined,
                        getConfig,
                        notApplicable,
                    };
                    for (const validate of validations) {
                        try {
                            void validate(args, record(resource.urn) as ReportViolation);
                        } catch (err) {
                            if (!(err instanceof NotApplicable)) {
                                throw err;
                            }
                        }
                    }
                }
            } else if ("validateStack" in policy) {
                const args: StackValidationArgs = { resources, stackTags: new Map(), getConfig, notApplicable };
                void policy.validateStack(args, record(undefined) as ReportViolation);
            }
        } catch (err) {
            if (!(err instanceof NotApplicable)) {
                throw new Error(`policy ${policy.name}: ${err instanceof Error ? err.message : String(err)}`);
            }
        }
    }
    const rank = (v: Violation) => (v.level === "mandatory" ? 0 : 1);
    violations.sort((a, b) => rank(a) - rank(b) || a.policy.localeCompare(b.policy) || a.resource.localeCompare(b.resource) || a.message.localeCompare(b.message));
    return { violations, policies: policies.length, resources: inputs.length };
}

/** One line per violation, then the summary. */
export function renderReport(report: PolicyReport, subject: string): string {
    const lines = report.violations.map((v) => `${v.level.padEnd(9)} ${v.policy}${v.fsbp ? ` (${v.fsbp})` : ""}  ${v.resource}: ${v.message}`);
    const mandatory = report.violations.filter((v) => v.level === "mandatory").length;
    const advisory = report.violations.length - mandatory;
    lines.push(
        `${lines.length > 0 ? "\n" : ""}Policy pack ${PACK_NAME} on ${subject}: ${mandatory} mandatory, ${advisory} advisory violation${advisory === 1 ? "" : "s"} (${report.policies} policies, ${report.resources} resources)${mandatory > 0 ? "; a preview with --policy-pack policy would fail" : ""}`,
    );
    return `${lines.join("\n")}\n`;
}

/** The `Environment` tag values of class dev for a stack file: `dev`, and its envName when its class is dev. */
export function devEnvironmentsOf(stack: string, root: string = PROJECT_ROOT): string[] {
    const { config } = readStackConfig(stack, root);
    const envName = config["platform:envName"] ?? config["platform:env"];
    return [...new Set([...DEFAULT_DEV_ENVIRONMENTS, ...(config["platform:env"] === "dev" && envName ? [envName] : [])])];
}

/** The policy report of `Pulumi.<stack>.yaml` of `root`, from its offline plan (the run cache's). */
export async function policyReportOfStack(stack: string, root: string = PROJECT_ROOT): Promise<PolicyReport> {
    const run = await cachedStackRun(stack, root);
    return evaluatePolicies(run.resources, { devEnvironments: devEnvironmentsOf(stack, root) });
}

/** Reads a plan JSON the offline plan wrote: `{ stack, resources: [{ urn, id, type, name, parent, inputs, options? }] }`. */
export function readPlanFile(file: string): { stack: string; resources: PolicyInput[] } {
    const plan = JSON.parse(fs.readFileSync(file, "utf8")) as { stack?: unknown; resources?: unknown };
    if (!Array.isArray(plan.resources) || plan.resources.some((r) => typeof r?.urn !== "string" || typeof r?.type !== "string" || typeof r?.name !== "string" || typeof r?.inputs !== "object")) {
        throw new UsageError(`${file} is not a plan of the offline plan (npm run -s plan -- --stack <s> --json): it needs resources with urn, type, name and inputs`);
    }
    return { stack: String(plan.stack ?? path.basename(file)), resources: plan.resources as PolicyInput[] };
}

// ---------------------------------------------------------------------------------------------
// The CLI.
// ---------------------------------------------------------------------------------------------

const USAGE =
    "usage: npm run -s policy -- --stack <name> [--dir <directory of stack files>]\n" +
    "       npm run -s policy -- --plan <plan.json> [--dev-environments <name,...>]\n" +
    "exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 usage or a stack/plan that cannot be evaluated";

class UsageError extends Error {}
class HelpRequested extends Error {}

interface Options {
    stack?: string;
    plan?: string;
    dir: string;
    devEnvironments?: string[];
}

function parseArgs(argv: readonly string[]): Options {
    const options: Options = { dir: PROJECT_ROOT };
    const value = (i: number, flag: string) => {
        const v = argv[i];
        if (v === undefined || v.startsWith("--")) {
            throw new UsageError(`${flag} needs a value`);
        }
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--stack" || arg === "-s") {
            options.stack = value(++i, arg);
        } else if (arg.startsWith("--stack=")) {
            options.stack = arg.slice("--stack=".length);
        } else if (arg === "--plan") {
            options.plan = value(++i, arg);
        } else if (arg === "--dir") {
            options.dir = path.resolve(value(++i, arg));
        } else if (arg === "--dev-environments") {
            options.devEnvironments = value(++i, arg).split(",").filter((s) => s !== "");
        } else if (arg === "--help" || arg === "-h") {
            throw new HelpRequested(`${USAGE}\nstacks: ${listStacks(options.dir).join(", ")}\n`);
        } else {
            throw new UsageError(`unknown argument ${arg}`);
        }
    }
    if ((options.stack === undefined) === (options.plan === undefined)) {
        throw new UsageError(options.stack === undefined ? `give --stack or --plan (stacks: ${listStacks(options.dir).join(", ")})` : "give --stack or --plan, not both");
    }
    if (options.stack !== undefined && !listStacks(options.dir).includes(options.stack)) {
        throw new UsageError(`no Pulumi.${options.stack}.yaml in ${options.dir} (stacks: ${listStacks(options.dir).join(", ")})`);
    }
    return options;
}

/** Where the CLI writes: the process's stdout and stderr, or a test's buffers. */
export interface CliOutput {
    out(text: string): void;
    err(text: string): void;
}

/** Runs the policy pack offline for `argv` (the arguments after `--`); resolves to the exit code. */
export async function policyCli(argv: readonly string[], output: CliOutput): Promise<number> {
    let options: Options;
    try {
        options = parseArgs(argv);
    } catch (err) {
        if (err instanceof HelpRequested) {
            output.out(err.message);
            return 0;
        }
        output.err(`${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    let report: PolicyReport;
    let subject: string;
    try {
        if (options.plan !== undefined) {
            const plan = readPlanFile(options.plan);
            subject = `the plan ${options.plan} (stack ${plan.stack})`;
            report = evaluatePolicies(plan.resources, { devEnvironments: options.devEnvironments ?? DEFAULT_DEV_ENVIRONMENTS });
        } else {
            subject = `stack ${options.stack}`;
            const run = await cachedStackRun(options.stack!, options.dir);
            report = evaluatePolicies(run.resources, { devEnvironments: options.devEnvironments ?? devEnvironmentsOf(options.stack!, options.dir) });
        }
    } catch (err) {
        if (err instanceof ConfigError || err instanceof StackFileError) {
            output.err(`${err.message}\nthe stack does not plan, so no policy ran (npm run plan -- --stack ${options.stack} shows the same)\n`);
        } else if (err instanceof UsageError || err instanceof SyntaxError || (err as NodeJS.ErrnoException).code === "ENOENT") {
            output.err(`${(err as Error).message}\n`);
        } else {
            output.err(`policy run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        }
        return 2;
    }
    output.out(renderReport(report, subject));
    return report.violations.some((v) => v.level === "mandatory") ? 1 : 0;
}
