/**
 * ApiGatewayLogging — the account's CloudWatch Logs role for API Gateway in the stack's Region: an
 * IAM role API Gateway assumes to write the logs of REST and WebSocket stages (access logs
 * included), with the AWS managed policy `AmazonAPIGatewayPushToCloudWatchLogs`, set as the
 * account's `cloudwatchRoleArn` (`aws.apigateway.Account`). Without it, creating a WebSocket stage
 * with logs fails: "CloudWatch Logs role ARN must be set in account settings to enable logging".
 *
 * One setting per account and Region, and the last writer wins: AWS CloudFormation's reference for
 * AWS::ApiGateway::Account advises one such resource per Region per account
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html),
 * hence its place in the account bootstrap stack. Permissions: Amazon API Gateway Developer Guide,
 * "Set up CloudWatch logging for REST APIs in API Gateway", Permissions for CloudWatch logging
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html): a role with
 * `apigateway.amazonaws.com` as its trusted entity and that managed policy; API Gateway uses the
 * same role for REST and WebSocket APIs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem, showValue } from "../../../lib/problems";

/** `cloudWatchRole` that makes the component create the role. */
export const CREATE_ROLE = "create";

/** The AWS managed policy with every permission API Gateway needs to write logs. */
export const PUSH_TO_CLOUDWATCH_POLICY = "service-role/AmazonAPIGatewayPushToCloudWatchLogs";

/** An IAM role ARN of any partition. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export interface ApiGatewayLoggingArgs extends ComponentBaseArgs {
    /** `create` (the role `<prefix>-<env>-apigateway-cloudwatch`), or the ARN of a role of the account that API Gateway may assume. @default "create" */
    cloudWatchRole?: string;
}

/** The role's name when created. */
export function roleNameParts(): [string, string] {
    return ["apigateway", "cloudwatch"];
}

/**
 * The arguments' problems. A created role's name needs no check: the longest prefix (24) and
 * environment name (10) make `<prefix>-<env>-apigateway-cloudwatch` 57 characters, within IAM's 64.
 */
export function apiGatewayLoggingProblems(args: ApiGatewayLoggingArgs): Problem[] {
    const role = args.cloudWatchRole ?? CREATE_ROLE;
    return role === CREATE_ROLE || ROLE_ARN.test(role) ? [] : [{ path: ["cloudWatchRole"], message: `${showValue(role)} is neither create nor an IAM role ARN (arn:aws:iam::<account>:role/<name>)` }];
}

export class ApiGatewayLogging extends PlatformComponent {
    /** The role API Gateway writes logs with. */
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ApiGatewayLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:observability:ApiGatewayLogging", name, { ...args, component: "api-gateway-logging", problems: apiGatewayLoggingProblems(args) }, opts);
        const given = args.cloudWatchRole ?? CREATE_ROLE;
        if (given === CREATE_ROLE) {
            const roleName = args.naming.scoped("iamRole", ...roleNameParts());
            const partition = aws.getPartitionOutput({}, { parent: this }).partition;
            const role = new aws.iam.Role(
                `${name}-role`,
                {
                    name: roleName,
                    description: "API Gateway writes the account's REST and WebSocket stage logs to CloudWatch Logs with this role",
                    // As AWS documents it: API Gateway as the trusted entity, no condition (which
                    // context keys API Gateway sends when it assumes this role is not documented).
                    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
                    tags: this.tagsFor(roleName),
                },
                { parent: this },
            );
            const attachment = new aws.iam.RolePolicyAttachment(
                `${name}-push-to-cloudwatch`,
                { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${PUSH_TO_CLOUDWATCH_POLICY}` },
                { parent: this },
            );
            // API Gateway checks the role when the setting is made: only once it may write logs.
            new aws.apigateway.Account(`${name}-account`, { cloudwatchRoleArn: role.arn }, { parent: this, dependsOn: [attachment] });
            this.roleArn = role.arn;
        } else {
            new aws.apigateway.Account(`${name}-account`, { cloudwatchRoleArn: given }, { parent: this });
            this.roleArn = pulumi.output(given);
        }
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
