/**
 * The API Gateway logging block (`platform:apiGatewayLogging`), for the account bootstrap stack:
 * the account's CloudWatch Logs role for API Gateway in the Region, which every REST or WebSocket
 * stage with logs needs (platform:websocket's stage among them). One per account and Region: a
 * claim, so that no second stack file of the account sets it too.
 */
import { z } from "zod";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { ApiGatewayLogging, CREATE_ROLE, PUSH_TO_CLOUDWATCH_POLICY, apiGatewayLoggingProblems } from "./api-gateway-logging";

const ApiGatewayLoggingSchema = z
    .strictObject({
        cloudWatchRole: z
            .string()
            .default(CREATE_ROLE)
            .describe(`\`create\`: the role \`<prefix>-<env>-apigateway-cloudwatch\`, trusted by API Gateway, with the AWS managed policy \`${PUSH_TO_CLOUDWATCH_POLICY}\`; or the ARN of an existing role of the account.`),
    })
    .describe("The account's CloudWatch Logs role for API Gateway in this Region (an account setting): REST and WebSocket stages write their logs with it.");

export type ApiGatewayLoggingConfig = z.output<typeof ApiGatewayLoggingSchema>;

export const apiGatewayLoggingBlock = defineBlock({
    name: "apiGatewayLogging",
    keys: ["apiGatewayLogging"],
    schema: () => singleKey("apiGatewayLogging", ApiGatewayLoggingSchema),
    rules: (config, view) => argumentProblemsAt("apiGatewayLogging", apiGatewayLoggingProblems({ ...config, naming: view.stack.naming })),
    claims: (_config, view) => [{ path: ["apiGatewayLogging"], what: "API Gateway CloudWatch Logs role setting of the account in the Region", value: view.stack.region }],
    build: (config: ApiGatewayLoggingConfig, ctx: BuildContext): ApiGatewayLogging => new ApiGatewayLogging("api-gateway-logging", { naming: ctx.stack.naming, tags: ctx.stack.tags, cloudWatchRole: config.cloudWatchRole }),
    outputs: (logging) => ({ apiGatewayCloudWatchRoleArn: logging.roleArn }),
});
