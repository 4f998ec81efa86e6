/**
 * How the pack's policies are written: one `Control` per control of the security baseline
 * (docs/security-baseline.md), turned into one CrossGuard policy, or two where the baseline lets
 * dev relax it (*dev-ok*).
 *
 * Every check is a pure function of what CrossGuard gives a policy — a resource's type, its
 * inputs (`props`) and options, or, for a control that spans resources, the stack's resources with
 * their property dependencies — so the same code runs under `pulumi preview --policy-pack policy`
 * and in the offline runner (tooling/policy.ts), which builds those arguments from the offline plan.
 *
 * This folder is published on its own (`pulumi policy publish`): it imports nothing from the rest
 * of the project.
 */
import { UnknownValueError } from "@pulumi/policy";
import type {
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A resource's inputs as CrossGuard hands them over (any shape; read with the helpers below). */
export type Props = Record<string, unknown>;

/** The environment tag every resource of the program carries (lib/tags.ts: `platform:envName`). */
export const ENVIRONMENT_TAG = "Environment";

/** The environment names of class dev unless the policy config says more (`devEnvironments`). */
export const DEFAULT_DEV_ENVIRONMENTS: readonly string[] = ["dev"];

/**
 * The config every relaxable policy (both of its pair) accepts: the `Environment` tag values of
 * dev-class stacks. A stack whose `platform:envName` differs from its class (`qa` of class dev)
 * lists its name here (`--policy-pack-config`, or the policy group's config); the offline runner
 * does it from the stack file. Anything not listed is held to prod: the pack fails closed.
 */
export const DEV_ENVIRONMENTS_SCHEMA: PolicyConfigSchema = {
    properties: {
        devEnvironments: { type: "array", items: { type: "string" }, default: [...DEFAULT_DEV_ENVIRONMENTS] },
    },
};

export interface DevConfig {
    devEnvironments?: string[];
}

/** The Security Hub page of an FSBP control id (`RDS.8` → rds-controls.html#rds-8). */
export function controlUrl(id: string): string {
    const [service, number] = id.split(".");
    const slug = service.toLowerCase();
    return `https://docs.aws.amazon.com/securityhub/latest/userguide/${slug}-controls.html#${slug}-${number}`;
}

/**
 * The value `read` returns, or undefined when it is unknown during a preview (an output of a
 * resource not created yet: CrossGuard's proxy throws UnknownValueError on reading one). Only for
 * checks with a sound answer when the value is unknown; elsewhere the error reaches CrossGuard,
 * which reports that the policy could not run during the preview.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) {
            return undefined;
        }
        throw err;
    }
}

/** What `peek` returns for a value unknown during a preview. */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** The value `read` returns, or UNKNOWN during a preview when it is an output not known yet. */
export function peek<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) {
            return UNKNOWN;
        }
        throw err;
    }
}

/** Whether `key` of `holder` is set: a value other than undefined, null or "", or one not known yet (an output). */
export function isSet(holder: Record<string, unknown>, key: string): boolean {
    const value = peek(() => holder[key]);
    return value === UNKNOWN || (value !== undefined && value !== null && value !== "");
}

export function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * `value` as an array (undefined and null as none, a single value as one), each element read
 * safely: one a preview does not know yet (an id of a resource not created) is UNKNOWN.
 */
export function list(value: unknown): unknown[] {
    if (value === undefined || value === null) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [value];
    }
    return Array.from({ length: value.length }, (_, i) => peek(() => value[i] as unknown));
}

/** A boolean input, which the provider also accepts as "true"/"false" (launch templates). */
export function truthy(value: unknown): boolean {
    return value === true || value === "true";
}

/** A JSON document held in a string input (container definitions, an IAM or bucket policy). */
export function parseJson(value: unknown): unknown {
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** The `Environment` tag of a resource's inputs, if known. */
export function environmentOf(props: Props): string | undefined {
    const env = known(() => (isObject(props.tags) ? props.tags[ENVIRONMENT_TAG] : undefined));
    return typeof env === "string" ? env : undefined;
}

/** Whether a resource belongs to a dev-class stack: its Environment tag is a dev environment. */
export function isDevClass(props: Props, config: DevConfig): boolean {
    const env = environmentOf(props);
    const dev = config.devEnvironments ?? DEFAULT_DEV_ENVIRONMENTS;
    return env !== undefined && dev.includes(env);
}

/** The resources a resource's input `key` was made from (`propertyDependencies`), of `type` if given. */
export function dependenciesOf(resource: PolicyResource, key: string, type?: string): PolicyResource[] {
    const deps = resource.propertyDependencies[key] ?? [];
    return type === undefined ? deps : deps.filter((d) => d.type === type);
}

/** The resources of `type` whose input `key` was made from `target`. */
export function dependents(resources: readonly PolicyResource[], target: PolicyResource, type: string, key: string): PolicyResource[] {
    return resources.filter((r) => r.type === type && dependenciesOf(r, key).some((d) => d.urn === target.urn));
}

/** A violation a check found: about the resource validated, or (stack checks) the one named. */
export interface Finding {
    readonly message: string;
    /** Stack checks: the resource it is about (its URN goes with the violation; its tags say its class). */
    readonly resource?: PolicyResource;
}

export type ResourceCheck = (props: Props, args: ResourceValidationArgs) => string[];
export type StackCheck = (resources: readonly PolicyResource[], args: StackValidationArgs) => Finding[];

/** One control of the baseline, checked on one resource at a time or across the stack. */
export interface Control {
    /** The policy's name: `<service>-<n>-<what>` after the FSBP control id where one exists. */
    readonly name: string;
    /** The AWS Foundational Security Best Practices control id (`RDS.8`); others it covers in `description`. */
    readonly fsbp?: string;
    /** What it checks, and why. */
    readonly description: string;
    /** What the baseline lets dev do instead (marked *dev-ok*): the policy then has an advisory twin for dev. */
    readonly devOk?: string;
    readonly severity?: "low" | "medium" | "high" | "critical";
    /** The resource types it reads (resource checks). */
    readonly types?: readonly string[];
    /** Problems of one resource of `types`, one message each. */
    readonly check?: ResourceCheck;
    /** Dev-class resources of a relaxable control: what stays mandatory in dev (backups ≥ 1 day, say). */
    readonly devFloor?: ResourceCheck;
    /** Problems found across the stack's resources. */
    readonly stack?: StackCheck;
}

/** The policy metadata the offline runner and the tests read beside CrossGuard's own fields. */
export interface PlatformPolicyInfo {
    /** The control's policy name (the mandatory one for a relaxable pair). */
    readonly control: string;
    readonly fsbp?: string;
    /** "mandatory" everywhere but dev-class resources of a relaxable control; "advisory" for those. */
    readonly role: "baseline" | "prod" | "dev-relaxation";
}

export type PlatformPolicy = (ResourceValidationPolicy | StackValidationPolicy) & { readonly platform: PlatformPolicyInfo };

function describe(control: Control, role: PlatformPolicyInfo["role"]): string {
    const id = control.fsbp ? ` (AWS FSBP ${control.fsbp})` : "";
    switch (role) {
        case "baseline":
            return `${control.description}${id}`;
        case "prod":
            return `${control.description}${id} Mandatory except in dev-class stacks, where ${control.name}-dev reports it (dev-ok: ${control.devOk}).`;
        case "dev-relaxation":
            return `Dev relaxation of ${control.name}: ${control.description}${id} In dev-class stacks this is advisory (dev-ok: ${control.devOk}).`;
    }
}

/** Keeps the findings about resources of the class `keep` accepts. */
function resourceValidation(control: Control, select: (props: Props, config: DevConfig) => ResourceCheck | undefined) {
    const types = new Set(control.types ?? []);
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!types.has(args.type)) {
            return;
        }
        const check = select(args.props, args.getConfig<DevConfig>());
        for (const message of check?.(args.props, args) ?? []) {
            report(message);
        }
    };
}

function stackValidation(control: Control, keep: (resource: PolicyResource | undefined, config: DevConfig) => boolean) {
    return (args: StackValidationArgs, report: ReportViolation) => {
        const config = args.getConfig<DevConfig>();
        for (const finding of control.stack!(args.resources, args)) {
            if (keep(finding.resource, config)) {
                report(finding.message, finding.resource?.urn);
            }
        }
    };
}

function policyOf(control: Control, name: string, level: EnforcementLevel, role: PlatformPolicyInfo["role"], relaxable: boolean): Policy {
    return {
        name,
        description: describe(control, role),
        enforcementLevel: level,
        ...(control.severity ? { severity: control.severity } : {}),
        ...(control.fsbp ? { url: controlUrl(control.fsbp) } : {}),
        ...(relaxable ? { configSchema: DEV_ENVIRONMENTS_SCHEMA } : {}),
    };
}

/**
 * The policies of one control: one mandatory policy; for a *dev-ok* control, the mandatory one
 * skips dev-class resources (but for `devFloor`) and `<name>-dev` reports them as advisory.
 */
export function policiesOf(control: Control): PlatformPolicy[] {
    if ((control.check === undefined) === (control.stack === undefined)) {
        throw new Error(`${control.name}: give a resource check or a stack check`);
    }
    const info = (role: PlatformPolicyInfo["role"]): PlatformPolicyInfo => ({ control: control.name, ...(control.fsbp ? { fsbp: control.fsbp } : {}), role });
    const build = (name: string, level: EnforcementLevel, role: PlatformPolicyInfo["role"], forResource: (props: Props, config: DevConfig) => ResourceCheck | undefined, forStack: (props: Props | undefined, config: DevConfig) => boolean): PlatformPolicy => {
        const base = policyOf(control, name, level, role, control.devOk !== undefined);
        return control.check
            ? { ...base, validateResource: resourceValidation(control, forResource), platform: info(role) }
            : { ...base, validateStack: stackValidation(control, (resource, config) => forStack(resource?.props, config)), platform: info(role) };
    };
    if (control.devOk === undefined) {
        return [build(control.name, "mandatory", "baseline", () => control.check, () => true)];
    }
    const dev = (props: Props | undefined, config: DevConfig) => props !== undefined && isDevClass(props, config);
    return [
        build(control.name, "mandatory", "prod", (props, config) => (dev(props, config) ? control.devFloor : control.check), (props, config) => !dev(props, config)),
        build(
            `${control.name}-dev`,
            "advisory",
            "dev-relaxation",
            (props, config) => {
                if (!dev(props, config)) {
                    return undefined;
                }
                // What the dev floor already reports as mandatory is not repeated as advisory.
                return (p, args) => ((control.devFloor?.(p, args).length ?? 0) > 0 ? [] : control.check!(p, args));
            },
            (props, config) => dev(props, config),
        ),
    ];
}
