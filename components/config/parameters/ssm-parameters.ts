/**
 * SsmParameters — a stack's run-time settings in Parameter Store, each
 * `/<prefix>/<env>/<path>/<name>`, Standard tier:
 *
 * - a String takes its value from config, with its `allowedPattern` (checked before, and passed
 *   to Parameter Store, which checks every later value too);
 * - a SecureString is created with a fixed placeholder and `ignoreChanges: ["value"]`, encrypted
 *   with the stack's customer managed KMS key: operators set the real value out of band
 *   (`aws ssm put-parameter --overwrite`), and no `pulumi up` puts the placeholder back;
 * - with `kmsKey: create`, that key is made here: rotation on, a deletion window of 30 days in prod
 *   and 7 in dev, and the alias `alias/<prefix>-<env>-parameters`.
 *
 * Consumers read the path at run time (a change needs no restart): reads of the path and what is
 * under it, and decryption through Parameter Store only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { PolicyStatement } from "../../../lib/iam";
import type { PerEnv } from "../../../stacks/block";
import { CREATE_KEY, ParameterSet, ParameterSpec, SECURE_PLACEHOLDER, parameterName, parameterPath, parameterStatements, parametersProblems } from "./parameters";

/** Days a scheduled key deletion waits (KMS allows 7–30): the longest in prod. */
export const KEY_DELETION_WINDOW_DAYS: PerEnv<number> = { dev: 7, prod: 30 };

/** The longest value AWS accepts in a tag (a longer parameter name gets no `Name` tag). */
const MAX_TAG_VALUE = 256;

export interface SsmParametersArgs extends ComponentBaseArgs, ParameterSet {
    /** The stack's region (`aws:region`): the key's, and the parameters' ARNs. */
    region: string;
    /** Days before a created key is deleted once scheduled. @default 7 */
    keyDeletionWindowInDays?: number;
}

/** One parameter as outputs see it. */
export interface BuiltParameter {
    /** The name under the path (`max-earn-per-transaction`). */
    readonly key: string;
    /** The full name (`/point-ecs/prod/point/max-earn-per-transaction`). */
    readonly name: string;
    readonly type: string;
    readonly arn: pulumi.Output<string>;
}

/**
 * What Parameter Store receives for one parameter (tags aside): a String's value as
 * `insecureValue` (a plain setting, shown in plans and diffs), a SecureString's placeholder as
 * `value` (which the provider keeps secret) with the key.
 */
export function parameterInputs(name: string, spec: ParameterSpec, keyArn: pulumi.Input<string>): aws.ssm.ParameterArgs {
    const secure = spec.type === "SecureString";
    return {
        name,
        type: spec.type,
        tier: "Standard",
        // A SecureString's real value is set out of band; the placeholder only creates it.
        ...(secure ? { value: SECURE_PLACEHOLDER, keyId: keyArn } : { insecureValue: spec.value! }),
        ...(spec.allowedPattern !== undefined ? { allowedPattern: spec.allowedPattern } : {}),
        ...(spec.description !== undefined ? { description: spec.description } : {}),
    };
}

export class SsmParameters extends PlatformComponent {
    /** `/<prefix>/<env>/<path>/`: what consumers read by path. */
    public readonly path: string;
    public readonly parameters: readonly BuiltParameter[];
    /** The key SecureStrings are encrypted with (the one created, or the one given). */
    public readonly keyArn: pulumi.Output<string>;
    /** `alias/<prefix>-<env>-parameters`, when the key is created here. */
    public readonly keyAlias?: pulumi.Output<string>;
    /** What a consumer's task role gets. */
    public readonly statements: PolicyStatement[];

    constructor(name: string, args: SsmParametersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:config:SsmParameters", name, { ...args, component: "ssm-parameters", problems: parametersProblems(args, { naming: args.naming, region: args.region }) }, opts);
        const stem = args.naming.stem;
        if (args.kmsKey === CREATE_KEY) {
            const key = new aws.kms.Key(
                `${name}-key`,
                {
                    description: `Parameter Store SecureStrings of ${stem}`,
                    enableKeyRotation: true,
                    deletionWindowInDays: args.keyDeletionWindowInDays ?? KEY_DELETION_WINDOW_DAYS.dev,
                    tags: this.tagsFor(`${stem}-parameters`),
                },
                { parent: this },
            );
            const alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${stem}-parameters`, targetKeyId: key.keyId }, { parent: this });
            this.keyArn = key.arn;
            this.keyAlias = alias.name;
        } else {
            this.keyArn = pulumi.output(args.kmsKey);
        }

        this.path = `${parameterPath(args.naming, args.path)}/`;
        this.parameters = Object.entries(args.values).map(([key, spec]) => {
            const full = parameterName(args.naming, args.path, key);
            const secure = spec.type === "SecureString";
            const parameter = new aws.ssm.Parameter(
                `${name}-${key}`,
                { ...parameterInputs(full, spec, this.keyArn), tags: this.tagsFor(full.length <= MAX_TAG_VALUE ? full : undefined) },
                { parent: this, ...(secure ? { ignoreChanges: ["value"] } : {}) },
            );
            return { key, name: full, type: spec.type, arn: parameter.arn };
        });

        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        // `parameter/<prefix>/…`: a hierarchical name's leading slash is the ARN's separator.
        const pathArn = pulumi.interpolate`arn:${partition}:ssm:${args.region}:${account}:parameter${parameterPath(args.naming, args.path)}`;
        this.statements = parameterStatements({ pathArn, pathChildrenArn: pulumi.interpolate`${pathArn}/*`, keyArn: this.keyArn, region: args.region });

        this.registerOutputs({ path: this.path, keyArn: this.keyArn, parameters: Object.fromEntries(this.parameters.map((p) => [p.key, { name: p.name, arn: p.arn }])) });
    }
}
