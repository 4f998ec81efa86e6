/**
 * Parameter Store rules, as plain functions: the names parameters get, Parameter Store's limits on
 * names, values, patterns, descriptions and keys, what a consumer's role may do, and the share of
 * the account's read throughput the connecting services may take.
 *
 * Sources of the limits (each checked against the page):
 * - Names: AWS Systems Manager User Guide, "Understanding parameter name requirements and
 *   constraints" (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html):
 *   only `a-zA-Z0-9_.-`, with `/` between the levels of a hierarchy; no name prefixed "aws" or
 *   "ssm", in any case (`awsTestParameter`, `SSM-testparameter` and `/aws/testparam1` all fail);
 *   a hierarchy at most fifteen levels deep (also HierarchyLevelLimitExceededException, API
 *   Reference: "A hierarchy can have a maximum of 15 levels"); the fully qualified name at most
 *   1011 characters. The API Reference's PutParameter `Name`
 *   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html, and the
 *   SDKs generated from it) adds that the 1011 include the ARN before the name: "the following 45
 *   characters count toward the 1011 character maximum for a parameter created in the US East
 *   (Ohio) Region: arn:aws:ssm:us-east-2:111122223333:parameter/". Levels are counted here with
 *   the leaf (`/a/b/c` is three), the stricter reading.
 * - Values: a Standard parameter's value is at most 4 KB: AWS KMS Developer Guide, "How AWS
 *   Systems Manager Parameter Store uses AWS KMS"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html):
 *   "Standard parameters, which cannot exceed 4096 bytes"; the User Guide's "Changing Parameter
 *   Store throughput" says the same of the tier ("values up to 4 KB"). Counted in UTF-8 bytes. An
 *   empty value is refused ("Value '' at 'value' failed to satisfy constraint: Member must have
 *   length greater than or equal to 1", the service's answer quoted in getmoto/moto#3794).
 * - AllowedPattern and Description: PutParameter, 0–1024 characters each; a value that does not
 *   match the pattern is refused (ParameterPatternMismatchException). The pattern is checked here
 *   with JavaScript's RegExp, searching the value (so anchor it, `^…$`, as AWS's own example
 *   `^\d+$` does).
 * - KMS keys: SecureString values are encrypted with the KMS key given (KMS developer guide
 *   above): a symmetric key, here a key ARN `arn:aws:kms:<region>:<account>:key/<key id>` of the
 *   stack's region (a key lives in one region; a multi-Region key's replica has its own ARN).
 * - Throughput: Parameter Store's throughput is per account and region ("Changing Parameter Store
 *   throughput", https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-throughput.html);
 *   by default 40 transactions per second, shared by GetParameter, GetParameters and
 *   GetParametersByPath (AWS General Reference, "AWS Systems Manager endpoints and quotas", Max
 *   throughput: "Default throughput: 40 (shared by GetParameter, GetParameters, GetParametersByPath)",
 *   as quoted by dev.classmethod.jp, 2022-09-02; the per-account, per-region throttling and its
 *   ThrottlingException in the AWS Knowledge Center,
 *   https://repost.aws/knowledge-center/ssm-parameter-store-rate-exceeded). GetParametersByPath
 *   returns at most 10 parameters a call (same Knowledge Center page: "GetParameters and
 *   GetParametersByPath support the call of 10 parameters with one API call"), so a refresh of n
 *   parameters takes ⌈n / 10⌉ calls. The higher-throughput setting is the account's
 *   (`/ssm/parameter-store/high-throughput-enabled`), paid, and not managed by this program.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../../../lib/iam";
import { Naming } from "../../../lib/naming";
import { Path, Problem, showValue } from "../../../lib/problems";

export const PARAMETER_TYPES = ["String", "SecureString"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Parameter Store's limits (sources above). */
export const SSM_LIMITS = {
    /** Characters of a name's levels (a name is levels joined by `/`). */
    levelPattern: /^[A-Za-z0-9_.-]+$/,
    allowed: "a-z, A-Z, 0-9, _, . and -, with / between levels",
    /** Prefixes no name may start with, in any case (after its leading `/`). */
    reservedPrefixes: ["aws", "ssm"],
    /** Levels of a hierarchy, the leaf included. */
    maxLevels: 15,
    /** The fully qualified name with the ARN before it. */
    maxNameWithArn: 1011,
    /** A Standard parameter's value, in bytes. */
    maxStandardValueBytes: 4096,
    maxAllowedPattern: 1024,
    maxDescription: 1024,
    /** Parameters GetParametersByPath returns per call. */
    parametersPerCall: 10,
    /** Default throughput of GetParameter, GetParameters and GetParametersByPath together, per account and region. */
    defaultThroughput: 40,
} as const;

/** The share of the default throughput the connecting services may take: the rest is for operators and deploys. */
export const THROUGHPUT_SHARE = 0.5;

/** The value a SecureString is created with; operators set the real one out of band (`aws ssm put-parameter --overwrite`). */
export const SECURE_PLACEHOLDER = "placeholder-set-out-of-band";

/** The variables a connecting service gets. */
export const PARAMETERS_PATH_VARIABLE = "PARAMETERS_PATH";
export const PARAMETERS_REFRESH_VARIABLE = "PARAMETERS_REFRESH_SECONDS";

/** The actions a consumer's role gets on the parameters: reads only. */
export const PARAMETER_READ_ACTIONS = ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"] as const;

/** A KMS key ARN, its region captured: `arn:aws:kms:<region>:<account>:key/<key id>` (a multi-Region key's id starts `mrk-`). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** `kmsKey` that makes the block create the stack's key. */
export const CREATE_KEY = "create";

export interface ParameterSpec {
    readonly type: ParameterType;
    /** A String's value; a SecureString never has one (rules refuse it). */
    readonly value?: string;
    readonly allowedPattern?: string;
    readonly description?: string;
}

/** The parameters themselves, defaults applied: what the component takes. */
export interface ParameterSet {
    /** Levels under `/<prefix>/<env>/`: `point`, or `point/config`. */
    readonly path: string;
    /** `create`, or a KMS key ARN of the stack's region. */
    readonly kmsKey: string;
    readonly values: Readonly<Record<string, ParameterSpec>>;
}

/** `/<prefix>/<env>/<path>`: the hierarchy every parameter of the stack sits under. */
export function parameterPath(naming: Naming, path: string): string {
    return `/${naming.prefix}/${naming.env}/${path}`;
}

/** `/<prefix>/<env>/<path>/<name>`, e.g. `/point-ecs/prod/point/max-earn-per-transaction`. */
export function parameterName(naming: Naming, path: string, name: string): string {
    return `${parameterPath(naming, path)}/${name}`;
}

/** The partition of a region, for ARNs. */
function partitionOf(region: string): string {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/**
 * What AWS counts before a name toward its 1011 characters: `arn:aws:ssm:<region>:<12 digits>:parameter/`
 * (45 characters in us-east-2, 50 in ap-northeast-2). A hierarchical name's own leading `/` is
 * counted too: one character stricter than the ARN itself, where the two slashes are one.
 */
function arnBefore(region: string): string {
    return `arn:${partitionOf(region)}:ssm:${region}:${"0".repeat(12)}:parameter/`;
}

/** The calls one refresh takes: GetParametersByPath returns 10 parameters a call. */
export function callsPerRefresh(parameters: number): number {
    return Math.max(1, Math.ceil(parameters / SSM_LIMITS.parametersPerCall));
}

/** The region of a KMS key ARN, or undefined when `arn` is not one. */
export function kmsKeyRegion(arn: string): string | undefined {
    return KMS_KEY_ARN.exec(arn)?.[1];
}

/** Why `levels` (a path or a name, `/`-separated) is not what Parameter Store accepts, or undefined. */
function levelsProblem(levels: string): string | undefined {
    const parts = levels.split("/");
    if (parts.some((part) => part === "")) {
        return "starts or ends with / or has an empty level; write the levels between the slashes, e.g. \"point\" or \"point/config\"";
    }
    if (!parts.every((part) => SSM_LIMITS.levelPattern.test(part))) {
        return `holds characters Parameter Store refuses; parameter names use only ${SSM_LIMITS.allowed}`;
    }
    return undefined;
}

/** Why `pattern` is not a regular expression, or undefined. */
function regexProblem(pattern: string): string | undefined {
    try {
        new RegExp(pattern);
        return undefined;
    } catch (err) {
        return (err as Error).message;
    }
}

export interface ParametersContext {
    readonly naming: Naming;
    /** The stack's region: the key's, and what the ARN before each name holds. */
    readonly region: string;
}

/** Every rule the parameters break, at paths from `platform:parameters` (`path`, `values.<name>.value`, …). */
export function parametersProblems(spec: ParameterSet, ctx: ParametersContext): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    const names = Object.keys(spec.values);
    if (names.length === 0) {
        report(["values"], "is empty; name at least one parameter, or leave platform:parameters out");
    }

    const pathIssue = levelsProblem(spec.path);
    if (pathIssue) {
        report(["path"], `${showValue(spec.path)} ${pathIssue}`);
    }
    const prefix = `/${ctx.naming.prefix}`;
    const reserved = SSM_LIMITS.reservedPrefixes.find((p) => ctx.naming.prefix.toLowerCase().startsWith(p));
    if (reserved) {
        report([], `makes every name start ${showValue(`${prefix}/`)}, which Parameter Store refuses: no name may be prefixed "aws" or "ssm", in any case; choose a platform:name that does not start with ${showValue(reserved)}`);
    }
    const pathLevels = parameterPath(ctx.naming, spec.path).split("/").length - 1;
    const pathTooDeep = !pathIssue && pathLevels + 1 > SSM_LIMITS.maxLevels;
    if (pathTooDeep) {
        report(["path"], `${showValue(spec.path)} puts the parameters ${pathLevels + 1} levels deep (/<name>/<env>/<path>/<parameter>); Parameter Store allows at most ${SSM_LIMITS.maxLevels}`);
    }

    for (const name of names) {
        const at: Path = ["values", name];
        const parameter = spec.values[name];
        const nameIssue = levelsProblem(name);
        if (nameIssue) {
            report(at, `${showValue(name)} ${nameIssue}`);
        } else if (!pathIssue) {
            const full = parameterName(ctx.naming, spec.path, name);
            const levels = full.split("/").length - 1;
            if (levels > SSM_LIMITS.maxLevels && !pathTooDeep) {
                report(at, `makes ${showValue(full)}, ${levels} levels deep; Parameter Store allows at most ${SSM_LIMITS.maxLevels}`);
            }
            const before = arnBefore(ctx.region);
            const counted = before.length + full.length;
            if (counted > SSM_LIMITS.maxNameWithArn) {
                report(
                    at,
                    `makes a name of ${full.length} characters, ${counted} with the ${before.length} of the ARN before it (${before.replace(/0{12}/, "<account>")}); Parameter Store allows at most ${SSM_LIMITS.maxNameWithArn}, so shorten the name or platform:parameters.path by ${counted - SSM_LIMITS.maxNameWithArn}`,
                );
            }
        }
        problems.push(...parameterProblems(name, parameter).map((p) => ({ path: [...at, ...p.path], message: p.message })));
    }

    if (spec.kmsKey !== CREATE_KEY) {
        const region = kmsKeyRegion(spec.kmsKey);
        if (region === undefined) {
            report(["kmsKey"], `${showValue(spec.kmsKey)} is not a key; use create, or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), not an alias`);
        } else if (ctx.region && region !== ctx.region) {
            report(["kmsKey"], `is a key of ${showValue(region)}; Parameter Store encrypts with a key of the parameters' region, ${showValue(ctx.region)}`);
        }
    }
    return problems;
}

/** One parameter's problems, at paths from it (`value`, `allowedPattern`, …). */
export function parameterProblems(name: string, parameter: ParameterSpec): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    const { value, allowedPattern, description } = parameter;

    let pattern: RegExp | undefined;
    if (allowedPattern !== undefined) {
        const invalid = regexProblem(allowedPattern);
        if (allowedPattern.length > SSM_LIMITS.maxAllowedPattern) {
            report(["allowedPattern"], `is ${allowedPattern.length} characters; Parameter Store allows at most ${SSM_LIMITS.maxAllowedPattern}`);
        } else if (invalid) {
            report(["allowedPattern"], `${showValue(allowedPattern)} is not a regular expression (${invalid}); write one the value must match, e.g. "^\\\\d+$"`);
        } else {
            pattern = new RegExp(allowedPattern);
        }
    }
    if (description !== undefined && description.length > SSM_LIMITS.maxDescription) {
        report(["description"], `is ${description.length} characters; Parameter Store allows at most ${SSM_LIMITS.maxDescription}`);
    }

    if (parameter.type === "SecureString") {
        if (value !== undefined) {
            // Never echo the value: it is a secret written where it must not be.
            report(
                ["value"],
                `is refused: a SecureString never takes its value from config (it would sit in the stack file and the state); leave it out, and set the value out of band with aws ssm put-parameter --overwrite (see the block's README)`,
            );
        }
        if (pattern && !pattern.test(SECURE_PLACEHOLDER)) {
            report(
                ["allowedPattern"],
                `${showValue(allowedPattern)} refuses ${showValue(SECURE_PLACEHOLDER)}, the value a SecureString is created with before its real one is set; widen the pattern to let it through, or leave allowedPattern out`,
            );
        }
        return problems;
    }

    if (value === undefined) {
        report(["value"], `is required for a String: its value comes from config (a secret ${showValue(name)} would be a SecureString, set out of band)`);
        return problems;
    }
    if (value.length === 0) {
        report(["value"], `is empty; Parameter Store refuses an empty value (at least 1 character)`);
        return problems;
    }
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > SSM_LIMITS.maxStandardValueBytes) {
        report(["value"], `is ${bytes} bytes; a Standard parameter's value is at most 4 KB (${SSM_LIMITS.maxStandardValueBytes} bytes)`);
    }
    if (pattern && !pattern.test(value)) {
        report(["value"], `${showValue(value)} does not match allowedPattern ${showValue(allowedPattern)}; Parameter Store would refuse it`);
    }
    return problems;
}

/** One service that reads the parameters: how many tasks it may run at most. */
export interface Reader {
    readonly service: string;
    readonly tasks: number;
}

/** The highest rate of Parameter Store calls the readers make, per second. */
export function readRate(readers: readonly Reader[], parameters: number, refreshSeconds: number): number {
    const tasks = readers.reduce((sum, reader) => sum + reader.tasks, 0);
    return (tasks * callsPerRefresh(parameters)) / refreshSeconds;
}

/** A rate as messages show it: at most two decimals. */
function showRate(rate: number): string {
    return String(Math.round(rate * 100) / 100);
}

/**
 * Why the readers would take more than their share of Parameter Store's default throughput
 * (`refreshSeconds` too short for so many tasks), or undefined. Its message gives the rate, the
 * budget, the shortest refresh that fits, and the other way out.
 */
export function throughputProblem(readers: readonly Reader[], parameters: number, refreshSeconds: number): string | undefined {
    const budget = SSM_LIMITS.defaultThroughput * THROUGHPUT_SHARE;
    const rate = readRate(readers, parameters, refreshSeconds);
    if (rate <= budget) {
        return undefined;
    }
    const tasks = readers.reduce((sum, reader) => sum + reader.tasks, 0);
    const calls = callsPerRefresh(parameters);
    const shortest = Math.ceil((tasks * calls) / budget);
    const who = readers.map((r) => `${r.service} ${r.tasks}`).join(", ");
    const perRefresh = calls === 1 ? "1 call" : `${calls} calls (GetParametersByPath returns ${SSM_LIMITS.parametersPerCall} parameters a call)`;
    return (
        `${refreshSeconds} has the services that connect (${who}: ${tasks} tasks at most) call Parameter Store ${showRate(rate)} times a second ` +
        `(${perRefresh} per task every ${refreshSeconds} s); its default throughput, ${SSM_LIMITS.defaultThroughput} calls a second shared by GetParameter, GetParameters and GetParametersByPath ` +
        `for the whole account and region, leaves them at most ${budget} (half, the rest for operators and deploys); ` +
        `set refreshSeconds to ${shortest} or more, or turn on Parameter Store's higher throughput for the account and region (a paid setting) and set platform:parameters.highThroughput: true`
    );
}

/**
 * What a consumer's task role gets: reads of the path and everything under it (exactly those
 * ARNs), and decryption with the parameters' key only when Parameter Store asks for it.
 */
export function parameterStatements<A extends pulumi.Input<string>>(args: { pathArn: A; pathChildrenArn: A; keyArn: A; region: string }): Array<PolicyStatement & { Resource: A | A[] }> {
    return [
        { Sid: "ReadParameters", Effect: "Allow", Action: [...PARAMETER_READ_ACTIONS], Resource: [args.pathArn, args.pathChildrenArn] },
        {
            Sid: "DecryptParameters",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.keyArn,
            // Only when Parameter Store decrypts for the task: the key cannot be used directly.
            Condition: { StringEquals: { "kms:ViaService": `ssm.${args.region}.amazonaws.com` } },
        },
    ];
}
