/**
 * IAM policy documents the components share. Pure functions over plain or Output values; the
 * caller wraps them in `pulumi.jsonStringify`.
 */
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, pulumi.Input<string> | pulumi.Input<string>[]> | "*";
    Action: string | string[];
    Resource: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[] | boolean>>;
}

export function policyDocument(statements: PolicyStatement[]) {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The trust policy of an EC2 instance profile's role. Without the confused-deputy condition the
 * other services' trust policies carry: EC2 sends no `aws:SourceAccount` when it delivers an
 * instance's credentials, so the condition would deny them.
 */
export function ec2TrustPolicy() {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] };
}

/**
 * A trust policy letting one AWS service assume a role, only on behalf of `account`
 * (the confused-deputy guard AWS recommends), and, when given, only from `sourceArn`.
 */
export function serviceTrustPolicy(service: string, account: pulumi.Input<string>, sourceArn?: pulumi.Input<string>) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": account },
                    ...(sourceArn !== undefined ? { ArnLike: { "aws:SourceArn": sourceArn } } : {}),
                },
            },
        ],
    };
}
