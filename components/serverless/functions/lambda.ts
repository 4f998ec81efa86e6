/**
 * Lambda as pure data: its limits (each with its source), the runtimes it still supports, the
 * environment variables it reserves, the rules one function must satisfy, how a store's secret
 * references become a function's `<VAR>_SECRET_ARN` / `<VAR>_SECRET_KEY`, and the statements of a
 * function's execution role. The component (lambda-function.ts) and the block's rules share them.
 */
import * as pulumi from "@pulumi/pulumi";
import { Naming, nameProblem } from "../../../lib/naming";
import { PolicyStatement } from "../../../lib/iam";
import { Path, Problem, showValue } from "../../../lib/problems";
import { environmentProblems, imageTagProblem, secretResourceArn, secretStore } from "../../compute/services/container";

/**
 * Lambda's quotas a function's config can break. Source: AWS Lambda Developer Guide, "Lambda
 * quotas" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): memory 128 MB
 * to 10,240 MB in 1-MB increments, timeout 900 seconds (15 minutes), environment variables 4 KB in
 * aggregate; and the CreateFunction API reference for the name (1–64 characters of a-z, A-Z, 0-9,
 * `-`, `_`: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
 */
export const LAMBDA_LIMITS = {
    memoryMb: { min: 128, max: 10_240 },
    timeoutSeconds: { min: 1, max: 900 },
    /** Bytes of the environment as Lambda measures it: the JSON of the variables map (its error shows "String measured: {…}"). */
    environmentBytes: 4096,
    functionName: 64,
} as const;

export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * The managed runtimes a new or updated function may use, as of November 2026, with the date
 * AWS deprecates each. Source: AWS Lambda Developer Guide, "Lambda runtimes", supported runtimes
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). A deprecated runtime gets no
 * security patches and later blocks function updates, so the platform refuses it outright. Review
 * this table when AWS adds a runtime or one's deprecation date passes.
 */
export const SUPPORTED_RUNTIMES: Readonly<Record<string, { readonly name: string; readonly deprecation: string }>> = {
    "nodejs24.x": { name: "Node.js 24", deprecation: "2028-04-30" },
    "nodejs22.x": { name: "Node.js 22", deprecation: "2027-04-30" },
    "python3.14": { name: "Python 3.14", deprecation: "2029-06-30" },
    "python3.13": { name: "Python 3.13", deprecation: "2029-06-30" },
    "python3.12": { name: "Python 3.12", deprecation: "2028-10-31" },
    java25: { name: "Java 25", deprecation: "2029-06-30" },
    java21: { name: "Java 21", deprecation: "2029-06-30" },
    dotnet10: { name: ".NET 10", deprecation: "2028-11-14" },
    "ruby3.4": { name: "Ruby 3.4", deprecation: "2028-03-31" },
    "ruby3.3": { name: "Ruby 3.3", deprecation: "2027-03-31" },
    "provided.al2023": { name: "OS-only (Amazon Linux 2023)", deprecation: "2029-06-30" },
};

/**
 * Runtimes AWS has deprecated (same source, "Deprecated runtimes"), with what replaces each: a
 * stack file that names one is told what to move to.
 */
export const DEPRECATED_RUNTIMES: Readonly<Record<string, string>> = {
    "nodejs20.x": "nodejs24.x",
    "nodejs18.x": "nodejs24.x",
    "nodejs16.x": "nodejs24.x",
    "nodejs14.x": "nodejs24.x",
    "nodejs12.x": "nodejs24.x",
    "python3.11": "python3.14",
    "python3.10": "python3.14",
    "python3.9": "python3.14",
    "python3.8": "python3.14",
    "python3.7": "python3.14",
    java17: "java25",
    java11: "java25",
    "java8.al2": "java25",
    java8: "java25",
    dotnet8: "dotnet10",
    dotnet6: "dotnet10",
    "ruby3.2": "ruby3.4",
    "ruby2.7": "ruby3.4",
    "provided.al2": "provided.al2023",
    provided: "provided.al2023",
    "go1.x": "provided.al2023",
};

/**
 * Variables Lambda sets itself: a function may not set them (CreateFunction refuses them). Source:
 * AWS Lambda Developer Guide, "Defined runtime environment variables"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const LAMBDA_RESERVED_VARIABLES = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
] as const;

/** A function's key in config: its physical name is `<prefix>-<env>-<key>`. */
export const FUNCTION_KEY = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** What a function runs: an image of the account's ECR, or a .zip in S3 on a managed runtime. */
export interface ImageCode {
    /** ECR repository of the account stack, by name. */
    readonly repository: string;
    /** A version tag (not `latest`) or a `sha256:` digest. */
    readonly imageTag: string;
    /** Overrides the image's CMD (the handler), so one image serves several functions. */
    readonly command?: readonly string[];
}

export interface S3Code {
    readonly bucket: string;
    readonly key: string;
    readonly runtime: string;
    readonly handler: string;
}

/** The settings a function's rules look at (the block's resolved config has these and more). */
export interface FunctionSpec {
    readonly image?: ImageCode;
    readonly s3?: S3Code;
    readonly architecture: Architecture;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    /** Text values are checked (and counted against the 4 KB); outputs the platform wires only by name. */
    readonly environment: Readonly<Record<string, unknown>>;
    readonly reservedConcurrency?: number;
}

/** The physical name of function `key`. */
export function functionName(naming: Naming, key: string): string {
    return naming.format("scoped", key);
}

/** The execution role's name of function `key`. */
export function functionRoleName(naming: Naming, key: string): string {
    return naming.format("scoped", key, "lambda");
}

/** The log group Lambda writes function `name` to: `/aws/lambda/<name>`, the one it uses by default. */
export function functionLogGroupName(name: string): string {
    return `/aws/lambda/${name}`;
}

/** Bytes of an environment as Lambda counts them against its 4 KB. */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
    return Buffer.byteLength(JSON.stringify(environment), "utf8");
}

/** Why `runtime` cannot be used, or undefined. */
export function runtimeProblem(runtime: string): string | undefined {
    if (runtime in SUPPORTED_RUNTIMES) {
        return undefined;
    }
    const successor = DEPRECATED_RUNTIMES[runtime];
    if (successor) {
        return `${showValue(runtime)} is deprecated by AWS Lambda (no more security patches); use ${showValue(successor)}`;
    }
    return `${showValue(runtime)} is not a Lambda runtime; use one of ${Object.keys(SUPPORTED_RUNTIMES).join(", ")} (or an image)`;
}

/**
 * Every rule one function must satisfy on its own, paths relative to the function. A name of the
 * key that AWS refuses is reported at the function (path []).
 */
export function functionProblems(key: string, spec: FunctionSpec, naming: Naming): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    if (!FUNCTION_KEY.test(key)) {
        report([], `${showValue(key)} is not a function name; use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`);
    } else {
        const name = functionName(naming, key);
        if (name.length > LAMBDA_LIMITS.functionName) {
            report([], `makes the function name ${showValue(name)}, which is ${name.length} characters; Lambda allows at most ${LAMBDA_LIMITS.functionName}: shorten the function's name or platform:name`);
        }
        const role = nameProblem("iamRole", functionRoleName(naming, key));
        if (role) {
            report([], `makes a name AWS refuses: ${role}; shorten the function's name or platform:name`);
        }
    }
    if (spec.image && spec.s3) {
        report([], "has both image and s3; a function's code is one of them");
    } else if (!spec.image && !spec.s3) {
        report([], "has no code; give image ({ repository, imageTag, command? }) or s3 ({ bucket, key, runtime, handler })");
    }
    if (spec.image) {
        const repository = nameProblem("ecrRepository", spec.image.repository);
        if (repository) {
            report(["image", "repository"], repository);
        }
        const tag = imageTagProblem(spec.image.imageTag);
        if (tag) {
            report(["image", "imageTag"], tag);
        }
        if (spec.image.command !== undefined && (spec.image.command.length === 0 || spec.image.command.some((part) => part.trim() === ""))) {
            report(["image", "command"], `${showValue(spec.image.command)} is not a command; give the handler and its arguments as non-empty strings, or leave command out to run the image's CMD`);
        }
    }
    if (spec.s3) {
        const runtime = runtimeProblem(spec.s3.runtime);
        if (runtime) {
            report(["s3", "runtime"], runtime);
        }
        for (const field of ["bucket", "key", "handler"] as const) {
            if (spec.s3[field].trim() === "") {
                report(["s3", field], "is empty");
            }
        }
    }
    const { memoryMb, timeoutSeconds } = LAMBDA_LIMITS;
    if (!Number.isInteger(spec.memoryMb) || spec.memoryMb < memoryMb.min || spec.memoryMb > memoryMb.max) {
        report(["memoryMb"], `${spec.memoryMb} is outside Lambda's ${memoryMb.min}–${memoryMb.max} MB (whole MB)`);
    }
    if (!Number.isInteger(spec.timeoutSeconds) || spec.timeoutSeconds < timeoutSeconds.min || spec.timeoutSeconds > timeoutSeconds.max) {
        report(["timeoutSeconds"], `${spec.timeoutSeconds} is outside Lambda's ${timeoutSeconds.min}–${timeoutSeconds.max} seconds (whole seconds)`);
    }
    if (spec.reservedConcurrency !== undefined && (!Number.isInteger(spec.reservedConcurrency) || spec.reservedConcurrency < 0)) {
        report(["reservedConcurrency"], `${spec.reservedConcurrency} is not a concurrency; use a whole number, 0 or more (0 stops the function from running)`);
    }
    problems.push(...environmentProblems(spec.environment).map((p) => ({ path: ["environment", ...p.path], message: p.message })));
    for (const variable of Object.keys(spec.environment).filter((v) => (LAMBDA_RESERVED_VARIABLES as readonly string[]).includes(v))) {
        report(["environment", variable], `${showValue(variable)} is set by Lambda itself; choose another name`);
    }
    const bytes = environmentBytes(Object.fromEntries(Object.entries(spec.environment).filter((entry): entry is [string, string] => typeof entry[1] === "string")));
    if (bytes > LAMBDA_LIMITS.environmentBytes) {
        report(["environment"], `is ${bytes} bytes; Lambda allows ${LAMBDA_LIMITS.environmentBytes} bytes of environment variables per function (names and values): move large settings to Parameter Store (connectsTo: [parameters])`);
    }
    return problems;
}

/**
 * How a store's secret reference (`<secret ARN>[:<json-key>::]` or an SSM parameter ARN) reaches
 * a function: Lambda has no secret injection, so the function gets the reference, never the value,
 * as `<VAR>_SECRET_ARN` (the secret's ARN without the JSON-key suffix) and, when there was a key,
 * `<VAR>_SECRET_KEY`; the code reads it with GetSecretValue (or GetParameter).
 */
export function secretReferenceVariables(variable: string, reference: string): Record<string, string> {
    const arn = secretResourceArn(reference);
    const key = reference.includes(":secretsmanager:") ? (reference.split(":")[7] ?? "") : "";
    return { [`${variable}_SECRET_ARN`]: arn, ...(key !== "" ? { [`${variable}_SECRET_KEY`]: key } : {}) };
}

/** The names `secretReferenceVariables` may set for `variable`. */
export function secretVariableNames(variable: string): string[] {
    return [`${variable}_SECRET_ARN`, `${variable}_SECRET_KEY`];
}

/** The grants to read exactly `references` (Secrets Manager secrets and SSM parameters). */
export function secretReadStatements(references: readonly string[]): PolicyStatement[] {
    const byStore = (store: "secretsmanager" | "ssm") => [...new Set(references.filter((r) => secretStore(r) === store).map(secretResourceArn))].sort();
    const secrets = byStore("secretsmanager");
    const parameters = byStore("ssm");
    return [
        ...(secrets.length > 0 ? [{ Sid: "ReadOwnSecrets", Effect: "Allow" as const, Action: "secretsmanager:GetSecretValue", Resource: secrets }] : []),
        ...(parameters.length > 0 ? [{ Sid: "ReadOwnParameters", Effect: "Allow" as const, Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: parameters }] : []),
    ];
}

/**
 * What every function's role may do besides its connections: write its own log group (Lambda
 * creates the streams), send traces to X-Ray (tracing is Active: Lambda's tracing guide names
 * these two actions, https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html), and, in a
 * VPC, manage its network interfaces as the managed policy AWSLambdaVPCAccessExecutionRole allows
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html;
 * EC2's Create/Delete/Describe actions have no resource-level scoping for this use). No ECR pull:
 * Lambda pulls an image with its own service principal, allowed by the repository's policy, not
 * with the execution role (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html,
 * "Amazon ECR permissions").
 */
export function baseStatements(logGroupArn: pulumi.Input<string>, vpc: boolean): PolicyStatement[] {
    return [
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroupArn}:*` },
        { Sid: "XRayWrite", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
        ...(vpc
            ? [
                  {
                      Sid: "VpcNetworkInterfaces",
                      Effect: "Allow" as const,
                      Action: [
                          "ec2:CreateNetworkInterface",
                          "ec2:DescribeNetworkInterfaces",
                          "ec2:DescribeSubnets",
                          "ec2:DeleteNetworkInterface",
                          "ec2:AssignPrivateIpAddresses",
                          "ec2:UnassignPrivateIpAddresses",
                      ],
                      Resource: "*",
                  },
              ]
            : []),
    ];
}
