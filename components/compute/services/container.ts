/**
 * Rules for what goes into a container definition: image tags, environment variables and
 * secrets. No plaintext secret ever reaches `environment` (security baseline).
 */
import { Problem, showValue } from "../../../lib/problems";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that announce a secret; their value belongs in `secrets`, as a reference. */
const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;
const ARN = /^arn:aws[a-z-]*:/;
/**
 * A URL with a password in its user info: `scheme://user:password@host…` (the user may be empty,
 * as in `redis://:password@host`). A URL with a user alone (`ssh://git@host`) carries no secret.
 */
const URL_WITH_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#]+)@/i;
/** A complete secret ARN ends in the 6-character suffix Secrets Manager adds to the name. */
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+-[A-Za-z0-9]{6}(?::[^:]*:[^:]*:[^:]*)?$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Whether a name (an environment variable, a config key, a parameter) announces a secret. */
export function looksLikeSecret(name: string): boolean {
    return SECRET_LIKE_NAME.test(name);
}

/** Why an image tag cannot be deployed, or undefined. */
export function imageTagProblem(tag: string): string | undefined {
    if (IMAGE_DIGEST.test(tag)) {
        return undefined;
    }
    if (!IMAGE_TAG.test(tag)) {
        return `${showValue(tag)} is not an image tag; use up to 128 letters, digits and _.- (not starting with . or -), or a sha256: digest`;
    }
    if (tag === "latest") {
        return '"latest" is a moving tag; repositories are immutable, so deploy a version tag or a sha256: digest';
    }
    return undefined;
}

/** `<repository>:<tag>`, or `<repository>@sha256:…` for a digest (the ECR helpers' own). */
export { imageReference } from "../../../lib/ecr";

/**
 * Values that are not plain strings (outputs of other resources, wired by the platform) are
 * references, not secrets, and only their names are checked.
 */
export function environmentProblems(environment: Readonly<Record<string, unknown>>): Problem[] {
    const problems: Problem[] = [];
    for (const [name, value] of Object.entries(environment)) {
        if (!ENV_NAME.test(name)) {
            problems.push({ path: [name], message: `${showValue(name)} is not an environment variable name; use letters, digits and _, not starting with a digit` });
        } else if (SECRET_LIKE_NAME.test(name) && typeof value === "string" && !ARN.test(value)) {
            problems.push({ path: [name], message: `${showValue(name)} looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN` });
        } else if (typeof value === "string" && URL_WITH_PASSWORD.test(value)) {
            // The message shows the URL with its password masked: it ends up in logs and CI output.
            const masked = value.replace(new RegExp(URL_WITH_PASSWORD.source, "gi"), "$1***@");
            problems.push({
                path: [name],
                message: `${JSON.stringify(masked)} carries a password in its URL; never put credentials in environment: move ${showValue(name)} to secrets as a Secrets Manager or SSM parameter ARN`,
            });
        }
    }
    return problems;
}

/** Plain-string references are checked for their form; outputs of the platform's own secrets are trusted. */
export function secretProblems(secrets: Readonly<Record<string, unknown>>, environment: Readonly<Record<string, unknown>>): Problem[] {
    const problems: Problem[] = [];
    for (const [name, valueFrom] of Object.entries(secrets)) {
        if (!ENV_NAME.test(name)) {
            problems.push({ path: [name], message: `${showValue(name)} is not an environment variable name; use letters, digits and _, not starting with a digit` });
        } else if (typeof valueFrom === "string" && !SECRETS_MANAGER_ARN.test(valueFrom) && !SSM_PARAMETER_ARN.test(valueFrom)) {
            problems.push({
                path: [name],
                message: "is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6-character suffix>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>); secrets are passed by reference, never as values",
            });
        } else if (name in environment) {
            problems.push({ path: [name], message: `${showValue(name)} is also set in environment; a variable comes from one place` });
        }
    }
    return problems;
}

/**
 * The IAM resource for a `valueFrom`: a Secrets Manager reference may carry
 * `:<json-key>:<stage>:<version>` after the secret's ARN, which IAM does not accept.
 */
export function secretResourceArn(valueFrom: string): string {
    return valueFrom.includes(":secretsmanager:") ? valueFrom.split(":").slice(0, 7).join(":") : valueFrom;
}

/** Which service reads the reference, for the execution role's actions. */
export function secretStore(valueFrom: string): "secretsmanager" | "ssm" {
    return valueFrom.includes(":secretsmanager:") ? "secretsmanager" : "ssm";
}
