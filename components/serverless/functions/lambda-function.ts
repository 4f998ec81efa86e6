/**
 * LambdaFunction — one AWS Lambda function of the platform: `<prefix>-<env>-<key>`.
 *
 * Its code is an image of the account's ECR (looked up, with the tag checked there, like a
 * service's; `command` overrides the image's CMD so one image serves several handlers) or a .zip
 * in S3 on a supported managed runtime. Always: X-Ray tracing Active; its own log group
 * `/aws/lambda/<name>` with a retention, created before the function and named in its logging
 * config; an execution role of its own (trusted by Lambda for this account only) that may write
 * that log group, send traces, manage its network interfaces when in the VPC, and do what its
 * connections need — nothing else. In the VPC it runs in the given (private) subnets behind the
 * given security groups.
 *
 * Secrets: Lambda has no secret injection, so a secret reference (`<VAR>` → a Secrets Manager or
 * SSM ARN, `:<json-key>::` allowed) becomes `<VAR>_SECRET_ARN` (and `<VAR>_SECRET_KEY` with a JSON
 * key) in the environment, and the role may read exactly those secrets. Never a value.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { lookUpImage, lookUpRepository } from "../../../lib/ecr";
import { PolicyStatement, policyDocument, serviceTrustPolicy } from "../../../lib/iam";
import { Problem, nest } from "../../../lib/problems";
import { secretProblems } from "../../compute/services/container";
import {
    Architecture,
    ImageCode,
    LAMBDA_LIMITS,
    S3Code,
    baseStatements,
    environmentBytes,
    functionLogGroupName,
    functionProblems,
    secretReadStatements,
    secretReferenceVariables,
    secretVariableNames,
} from "./lambda";

export interface LambdaFunctionArgs extends ComponentBaseArgs {
    /** The function's key (`ws-connect`): its physical name is `<prefix>-<env>-<key>`. */
    key: string;
    /** An image of the account's ECR; exactly one of `image` and `s3`. */
    image?: ImageCode;
    /** A .zip in S3 on a managed runtime; exactly one of `image` and `s3`. */
    s3?: S3Code;
    /** The instruction set the code is built for. @default "x86_64" */
    architecture?: Architecture;
    /** Memory, MB (128–10,240); CPU follows it. @default 256 */
    memoryMb?: number;
    /** Seconds an invocation may run (1–900). @default 30 */
    timeoutSeconds?: number;
    /**
     * Plain settings (text, or outputs such as an endpoint). Never a secret: names that look like
     * one are refused when their value is text. @default {}
     */
    environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Variable → Secrets Manager secret ARN (optionally `:<json-key>::`) or SSM parameter ARN: the
     * function gets `<VAR>_SECRET_ARN` (and `<VAR>_SECRET_KEY`), its role may read exactly these.
     * @default {}
     */
    secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** What the function's own code may do: the grants of the stores it connects to. @default [] */
    statements?: readonly PolicyStatement[];
    /** Concurrency reserved for (and capping) the function; 0 stops it. @default none (the account's unreserved pool) */
    reservedConcurrency?: number;
    /** Run in these subnets behind these security groups (the VPC's private tier). @default outside any VPC */
    vpc?: {
        subnetIds: pulumi.Input<string>[];
        securityGroupIds: pulumi.Input<string>[];
        /**
         * Groups the function is moved to just before it is deleted (the VPC's default group, which
         * has no rules), so that its own group's network interfaces are released sooner and the
         * group can be deleted. @default none: the function keeps its groups to the end
         */
        replacementSecurityGroupIds?: pulumi.Input<string>[];
    };
    logRetentionDays: LogRetentionDays;
}

const DEFAULTS = { architecture: "x86_64", memoryMb: 256, timeoutSeconds: 30 } as const;

export class LambdaFunction extends PlatformComponent {
    /** The function's key in config. */
    public readonly key: string;
    /** `<prefix>-<env>-<key>`. */
    public readonly functionName: pulumi.Output<string>;
    public readonly arn: pulumi.Output<string>;
    /** What API Gateway integrations take. */
    public readonly invokeArn: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    /** The execution role's name, `<prefix>-<env>-<key>-lambda`. */
    public readonly roleName: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    /** Seconds an invocation may run. */
    public readonly timeoutSeconds: number;

    constructor(name: string, args: LambdaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:serverless:LambdaFunction", name, { ...args, component: "lambda-function", problems: lambdaFunctionProblems(args) }, opts);
        const physical = args.naming.scoped("lambdaFunction", args.key);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        const logGroupName = functionLogGroupName(physical);
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: logGroupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor(logGroupName) },
            { parent: this },
        );

        const roleName = args.naming.scoped("iamRole", args.key, "lambda");
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: roleName,
                description: `Execution role of Lambda function ${physical}`,
                // Lambda assumes it for this account's functions only (the confused-deputy guard).
                assumeRolePolicy: pulumi.jsonStringify(serviceTrustPolicy("lambda.amazonaws.com", account)),
                tags: this.tagsFor(roleName),
            },
            { parent: this },
        );
        const secrets = args.secrets ?? {};
        const statements = pulumi
            .all(Object.values(secrets))
            .apply((references) => [...baseStatements(logGroup.arn, args.vpc !== undefined), ...secretReadStatements(references), ...(args.statements ?? [])]);
        const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: pulumi.jsonStringify(statements.apply(policyDocument)) }, { parent: this });

        const variables = this.variables(args);
        const timeoutSeconds = args.timeoutSeconds ?? DEFAULTS.timeoutSeconds;
        const fn = new aws.lambda.Function(
            `${name}-function`,
            {
                name: physical,
                // Short and fixed (Lambda allows 256 characters): the code's location is in its own inputs.
                description: `Function ${args.key} of ${args.naming.stem}`,
                role: role.arn,
                ...this.code(name, args),
                architectures: [args.architecture ?? DEFAULTS.architecture],
                memorySize: args.memoryMb ?? DEFAULTS.memoryMb,
                timeout: timeoutSeconds,
                ...(variables ? { environment: { variables } } : {}),
                ...(args.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: args.reservedConcurrency } : {}),
                ...(args.vpc ? { vpcConfig: { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds } } : {}),
                ...(args.vpc?.replacementSecurityGroupIds !== undefined
                    ? { replaceSecurityGroupsOnDestroy: true, replacementSecurityGroupIds: args.vpc.replacementSecurityGroupIds }
                    : {}),
                tracingConfig: { mode: "Active" },
                // Text: the code's own output as it writes it, in this group.
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                tags: this.tagsFor(physical),
            },
            // The group first (Lambda would create it, without retention), the policy before the
            // first invocation can need it.
            { parent: this, dependsOn: [logGroup, policy] },
        );

        this.key = args.key;
        this.functionName = fn.name;
        this.arn = fn.arn;
        this.invokeArn = fn.invokeArn;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.logGroupName = logGroup.name;
        this.timeoutSeconds = timeoutSeconds;
        this.registerOutputs({ functionName: this.functionName, arn: this.arn, invokeArn: this.invokeArn, roleArn: this.roleArn, logGroupName: this.logGroupName });
    }

    /** The code inputs: an image (its tag checked in ECR) or an S3 object on a runtime. */
    private code(name: string, args: LambdaFunctionArgs): Partial<aws.lambda.FunctionArgs> {
        if (args.image) {
            const who = `LambdaFunction "${name}"`;
            const repository = lookUpRepository(who, args.image.repository, this);
            return {
                packageType: "Image",
                imageUri: lookUpImage(who, repository, args.image.imageTag, "the function's image.imageTag", this),
                ...(args.image.command ? { imageConfig: { commands: [...args.image.command] } } : {}),
            };
        }
        const s3 = args.s3!;
        return { packageType: "Zip", s3Bucket: s3.bucket, s3Key: s3.key, runtime: s3.runtime, handler: s3.handler };
    }

    /**
     * The environment: the plain settings and each secret's reference variables, sorted; checked
     * against Lambda's 4 KB once its values are known (config rules count what config holds).
     */
    private variables(args: LambdaFunctionArgs): pulumi.Output<Record<string, string>> | undefined {
        const environment = args.environment ?? {};
        const secrets = args.secrets ?? {};
        if (Object.keys(environment).length === 0 && Object.keys(secrets).length === 0) {
            return undefined;
        }
        const plain = pulumi.output(environment as Record<string, pulumi.Input<string>>);
        const references = pulumi.output(secrets as Record<string, pulumi.Input<string>>);
        return pulumi.all([plain, references]).apply(([values, refs]) => {
            const merged: Record<string, string> = { ...values };
            for (const [variable, reference] of Object.entries(refs)) {
                Object.assign(merged, secretReferenceVariables(variable, reference));
            }
            const sorted = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
            const bytes = environmentBytes(sorted);
            if (bytes > LAMBDA_LIMITS.environmentBytes) {
                throw new pulumi.RunError(
                    `LambdaFunction "${args.key}": its environment is ${bytes} bytes with its connections' variables; Lambda allows ${LAMBDA_LIMITS.environmentBytes}: connect it to fewer stores, or move settings to Parameter Store`,
                );
            }
            return sorted;
        });
    }
}

/** Every rule the arguments must satisfy; throws before any resource exists. */
export function lambdaFunctionProblems(args: LambdaFunctionArgs): Problem[] {
    const problems = functionProblems(
        args.key,
        {
            image: args.image,
            s3: args.s3,
            architecture: args.architecture ?? DEFAULTS.architecture,
            memoryMb: args.memoryMb ?? DEFAULTS.memoryMb,
            timeoutSeconds: args.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
            environment: args.environment ?? {},
            reservedConcurrency: args.reservedConcurrency,
        },
        args.naming,
    );
    problems.push(...nest(["secrets"], secretProblems(args.secrets ?? {}, args.environment ?? {})));
    for (const variable of Object.keys(args.secrets ?? {})) {
        for (const derived of secretVariableNames(variable).filter((name) => name in (args.environment ?? {}))) {
            problems.push({ path: ["environment", derived], message: `${JSON.stringify(derived)} is also made from secrets.${variable}; a variable comes from one place` });
        }
    }
    return problems;
}
