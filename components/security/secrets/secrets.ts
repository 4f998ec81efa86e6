/**
 * GeneratedSecrets — values no one types: each one generated (`random.RandomPassword`, held only as
 * a Pulumi secret, encrypted in the state) into its own Secrets Manager secret
 * `<prefix>-<env>/<name>`, a plain string (not JSON), encrypted with the account's
 * `aws/secretsmanager` key. A Flask `SECRET_KEY`, an HMAC key that mints and checks WebSocket
 * tokens: whoever reads it gets the secret's ARN, never its value. Rotating one is a replacement of
 * its password resource (`pulumi up --replace <urn>`); the consumers read the new value at their
 * next start.
 */
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Naming } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";

/** What a generated value is made of: letters and digits, or every printable ASCII character a shell, a URL and a header carry without quoting too. */
export const SECRET_CHARACTERS = ["alphanumeric", "printable"] as const;
export type SecretCharacters = (typeof SECRET_CHARACTERS)[number];

/** The specials of a `printable` value: no quote, backslash, space, `/`, `@`, `%` or `:` (each breaks a URL, a header or a connection string somewhere). */
export const PRINTABLE_SPECIALS = "!#$&*()-_=+[]{}<>?.,;~^";

/**
 * Length of a generated value: at least 32 characters (a 256-bit key in alphanumeric characters
 * needs 43; 64 by default), at most 4,096 (Secrets Manager takes 65,536 bytes; no application key
 * needs more). Source: AWS Secrets Manager quotas,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 */
export const SECRET_LENGTH = { min: 32, max: 4096, default: 64 } as const;

/** A secret's key: its part of the secret's name. */
export const SECRET_KEY = { pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, allowed: "lowercase letters, digits and hyphens" } as const;

/** An environment variable name a container and a Lambda function both take. */
export const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Secrets Manager secret names: up to 512 characters of letters, digits and `/_+=.@-`. */
export const SECRET_NAME_MAX_LENGTH = 512;

/** `flask-secret-key` → `FLASK_SECRET_KEY`: the variable a reader gets unless the config names one. */
export function defaultVariable(key: string): string {
    return key.toUpperCase().replace(/-/g, "_");
}

/** `<prefix>-<env>/<key>`: the secret's name. */
export function generatedSecretName(naming: Naming, key: string): string {
    return `${naming.stem}/${key}`;
}

/** `random.RandomPassword` arguments for a value of `length` characters made of `characters`. */
export function passwordArgs(length: number, characters: SecretCharacters): random.RandomPasswordArgs {
    return characters === "alphanumeric"
        ? { length, special: false, minUpper: 1, minLower: 1, minNumeric: 1 }
        : { length, special: true, overrideSpecial: PRINTABLE_SPECIALS, minUpper: 1, minLower: 1, minNumeric: 1, minSpecial: 1 };
}

export interface GeneratedSecretArgs {
    /** What it is for: the secret's description. */
    description?: string;
    /** Characters of the value. @default 64 */
    length?: number;
    /** @default "alphanumeric" */
    characters?: SecretCharacters;
}

export interface GeneratedSecretsArgs extends ComponentBaseArgs {
    /** By key (the key is the secret's part of its name). */
    secrets: Readonly<Record<string, GeneratedSecretArgs>>;
    /** Days Secrets Manager keeps a deleted secret restorable: 7–30, or 0 to delete at once. @default 30 */
    recoveryWindowInDays?: number;
}

export class GeneratedSecrets extends PlatformComponent {
    /** Secret ARNs by key. */
    public readonly arns: Readonly<Record<string, pulumi.Output<string>>>;
    /** Secret names by key. */
    public readonly names: Readonly<Record<string, string>>;

    constructor(name: string, args: GeneratedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:GeneratedSecrets", name, { ...args, component: "secrets", problems: generatedSecretsProblems(args) }, opts);
        const arns: Record<string, pulumi.Output<string>> = {};
        const names: Record<string, string> = {};
        for (const [key, secretArgs] of Object.entries(args.secrets)) {
            const id = `${name}-${key}`;
            const secretName = generatedSecretName(this.naming, key);
            const value = new random.RandomPassword(id, passwordArgs(secretArgs.length ?? SECRET_LENGTH.default, secretArgs.characters ?? "alphanumeric"), { parent: this });
            const secret = new aws.secretsmanager.Secret(
                id,
                {
                    name: secretName,
                    description: secretArgs.description ?? `${key} of ${this.naming.stem}, generated`,
                    recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
                    tags: this.tagsFor(secretName),
                },
                { parent: this },
            );
            new aws.secretsmanager.SecretVersion(`${id}-value`, { secretId: secret.id, secretString: pulumi.secret(value.result) }, { parent: this });
            arns[key] = secret.arn;
            names[key] = secretName;
        }
        this.arns = arns;
        this.names = names;
        this.registerOutputs({ arns: this.arns, names: this.names });
    }
}

/** Every rule the arguments must satisfy. */
export function generatedSecretsProblems(args: GeneratedSecretsArgs): Problem[] {
    const problems: Problem[] = [];
    for (const [key, secret] of Object.entries(args.secrets)) {
        if (!SECRET_KEY.pattern.test(key)) {
            problems.push({ path: [key], message: `${showValue(key)} is not a secret name; use ${SECRET_KEY.allowed}` });
        } else {
            const name = generatedSecretName(args.naming, key);
            if (name.length > SECRET_NAME_MAX_LENGTH) {
                problems.push({ path: [key], message: `makes the secret name ${showValue(name)} (${name.length} characters); Secrets Manager allows at most ${SECRET_NAME_MAX_LENGTH}` });
            }
        }
        const length = secret.length;
        if (length !== undefined && (!Number.isInteger(length) || length < SECRET_LENGTH.min || length > SECRET_LENGTH.max)) {
            problems.push({ path: [key, "length"], message: `${length} is not allowed; use a whole number of characters from ${SECRET_LENGTH.min} to ${SECRET_LENGTH.max}` });
        }
        if (secret.characters !== undefined && !(SECRET_CHARACTERS as readonly string[]).includes(secret.characters)) {
            problems.push({ path: [key, "characters"], message: `${showValue(secret.characters)} is not allowed; use ${SECRET_CHARACTERS.join(" or ")}` });
        }
    }
    const window = args.recoveryWindowInDays;
    if (window !== undefined && window !== 0 && !(Number.isInteger(window) && window >= 7 && window <= 30)) {
        problems.push({ path: ["recoveryWindowInDays"], message: `${window} is not a recovery window; use 7–30 days, or 0 to delete the secret at once` });
    }
    return problems;
}
