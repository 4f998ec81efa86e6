/**
 * The ApiGatewayLogging component: the account's CloudWatch Logs role for API Gateway (trusted by
 * API Gateway, the managed push policy) and the account setting naming it once the policy is
 * attached; or a role given by ARN; and what it refuses.
 */
import { expect } from "chai";
import { ApiGatewayLogging } from "../../../../components/account/api-gateway-logging/api-gateway-logging";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { T, refusedArguments, runView } from "../../../support/query";

const ACCOUNT = "aws:apigateway/account:Account";
const naming = new Naming("account", "prod");
const tags = baseTags({ project: "account", env: "prod", stack: "test" });

describe("components/account/api-gateway-logging", () => {
    it("creates account-prod-apigateway-cloudwatch, trusted by API Gateway, with AmazonAPIGatewayPushToCloudWatchLogs, and names it in the account setting after the attachment", async () => {
        const view = await runView(() => ({ roleArn: new ApiGatewayLogging("api-gateway-logging", { naming, tags }).roleArn }));
        const role = view.one(T.role, "api-gateway-logging-role");
        expect(role.inputs.name).to.equal("account-prod-apigateway-cloudwatch");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        expect(role.inputs.tags).to.include({ Component: "api-gateway-logging", Name: "account-prod-apigateway-cloudwatch" });
        const attachment = view.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-gateway-logging-push-to-cloudwatch");
        expect(attachment.inputs).to.deep.equal({ role: "account-prod-apigateway-cloudwatch", policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" });
        const account = view.one(ACCOUNT, "api-gateway-logging-account");
        const roleArn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/account-prod-apigateway-cloudwatch`;
        expect(account.inputs).to.deep.equal({ cloudwatchRoleArn: roleArn });
        expect(account.options.explicitDependsOn).to.deep.equal([attachment.urn]);
        expect(view.run.outputs.roleArn).to.equal(roleArn);
    });

    it("names a role given by ARN, creating no role", async () => {
        const given = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/platform/apigw-logs`;
        const view = await runView(() => ({ roleArn: new ApiGatewayLogging("api-gateway-logging", { naming, tags, cloudWatchRole: given }).roleArn }));
        expect(view.ofType(T.role)).to.deep.equal([]);
        expect(view.one(ACCOUNT, "api-gateway-logging-account").inputs).to.deep.equal({ cloudwatchRoleArn: given });
        expect(view.run.outputs.roleArn).to.equal(given);
    });

    it("refuses what is neither create nor a role ARN", async () => {
        expect(await refusedArguments("ApiGatewayLogging", () => new ApiGatewayLogging("l", { naming, tags, cloudWatchRole: "apigw-logs" }))).to.deep.equal([
            'cloudWatchRole: "apigw-logs" is neither create nor an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
        ]);
    });
});
