/**
 * WebSocketApi — an API Gateway v2 WebSocket API whose routes invoke Lambda functions:
 *
 * - the API (`<prefix>-<env>-websocket`, protocol WEBSOCKET) and its route selection expression,
 *   created at once, so the functions built after it can be told its callback endpoint and granted
 *   its @connections API;
 * - once the functions exist (`wire`): one AWS_PROXY integration per function (its invoke ARN,
 *   POST, the 29 s integration ceiling), a route per route key targeting it, the REQUEST
 *   authorizer on `$connect` (the only route a WebSocket API authorizes), and for each route and
 *   the authorizer a Lambda permission whose source ARN is exactly that route of that stage
 *   (`<api execution ARN>/<stage>/<route key>`) or that authorizer
 *   (`<api execution ARN>/authorizers/<id>`);
 * - the stage, auto-deployed, created after the routes (a WebSocket API with no route cannot be
 *   deployed): throttled, detailed (per-route) metrics on, access logs as JSON to
 *   `/aws/apigateway/<prefix>-<env>/websocket` and execution logs (ERROR by default) to
 *   `API-Gateway-Execution-Logs_<api-id>/<stage>`, a log group created here with its retention
 *   before API Gateway would create it without one.
 *
 * API Gateway writes both logs with the account's CloudWatch Logs role for the Region (an account
 * setting, `aws.apigateway.Account`): the account bootstrap stack sets it
 * (`platform:apiGatewayLogging`); without it, creating the stage fails with "CloudWatch Logs role
 * ARN must be set in account settings to enable logging".
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { PolicyStatement } from "../../../lib/iam";
import type { BuiltFunction } from "../functions/invokers";
import {
    ACCESS_LOG_FORMAT,
    API_NAME_PART,
    WEBSOCKET_LIMITS,
    WebSocketSpec,
    authorizerSourceArn,
    callbackEndpoint,
    connectionStatements,
    invokedFunctions,
    routeSlug,
    routeSourceArn,
    routeStatementId,
    websocketProblems,
} from "./websocket";

export interface WebSocketApiArgs extends ComponentBaseArgs, WebSocketSpec {
    /** The stack's region (`aws:region`): the callback endpoint's. */
    region: string;
    /** Days the access and execution log groups keep events. */
    logRetentionDays: LogRetentionDays;
}

/** One route as outputs and tests see it. */
export interface BuiltRoute {
    readonly key: string;
    /** The key of the function it invokes. */
    readonly function: string;
    readonly id: pulumi.Output<string>;
}

export class WebSocketApi extends PlatformComponent {
    public readonly apiId: pulumi.Output<string>;
    /** `arn:aws:execute-api:<region>:<account>:<api-id>`. */
    public readonly apiExecutionArn: pulumi.Output<string>;
    public readonly stageName: string;
    /** `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>`. */
    public readonly stageExecutionArn: pulumi.Output<string>;
    /** What clients connect to: `wss://<api-id>.execute-api.<region>.amazonaws.com/<stage>`. */
    public readonly url: pulumi.Output<string>;
    /** What the backend posts to (@connections): `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>`. */
    public readonly callbackEndpoint: pulumi.Output<string>;
    public readonly accessLogGroupName: string;
    /** `API-Gateway-Execution-Logs_<api-id>/<stage>`, unless execution logging is OFF. */
    public readonly executionLogGroupName?: pulumi.Output<string>;
    /** The keys of the functions it invokes (routes and authorizer). */
    public readonly functions: readonly string[];
    /** What a connecting consumer's role gets: `execute-api:ManageConnections` on this stage's @connections. */
    public readonly statements: PolicyStatement[];
    /** Set by `wire`. */
    public routes: readonly BuiltRoute[] = [];
    public authorizerId?: pulumi.Output<string>;
    public stage?: aws.apigatewayv2.Stage;

    private readonly args: WebSocketApiArgs;
    private readonly componentName: string;
    private readonly api: aws.apigatewayv2.Api;
    private readonly accessLogGroup: aws.cloudwatch.LogGroup;
    private readonly executionLogGroup?: aws.cloudwatch.LogGroup;

    constructor(name: string, args: WebSocketApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:serverless:WebSocketApi", name, { ...args, component: "websocket-api", problems: websocketProblems(args) }, opts);
        this.args = args;
        this.componentName = name;
        this.functions = invokedFunctions(args);
        this.stageName = args.stage.name;

        const apiName = args.naming.scoped("apiGateway", API_NAME_PART);
        this.api = new aws.apigatewayv2.Api(
            `${name}-api`,
            {
                name: apiName,
                protocolType: "WEBSOCKET",
                routeSelectionExpression: args.routeSelectionExpression,
                description: `WebSocket API of ${args.naming.stem}`,
                tags: this.tagsFor(apiName),
            },
            { parent: this },
        );
        this.apiId = this.api.id;
        this.apiExecutionArn = this.api.executionArn;
        this.stageExecutionArn = pulumi.interpolate`${this.api.executionArn}/${this.stageName}`;
        this.url = pulumi.interpolate`${this.api.apiEndpoint}/${this.stageName}`;
        this.callbackEndpoint = callbackEndpoint(this.api.id, args.region, this.stageName);
        this.statements = connectionStatements(this.stageExecutionArn);

        this.accessLogGroupName = args.naming.logGroup("apigateway", API_NAME_PART);
        this.accessLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-access-logs`,
            { name: this.accessLogGroupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor(this.accessLogGroupName) },
            { parent: this },
        );
        if (args.stage.executionLogging !== "OFF") {
            // API Gateway's own name for a stage's execution logs: created here first, with a retention.
            this.executionLogGroupName = pulumi.interpolate`API-Gateway-Execution-Logs_${this.api.id}/${this.stageName}`;
            this.executionLogGroup = new aws.cloudwatch.LogGroup(
                `${name}-execution-logs`,
                { name: this.executionLogGroupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor() },
                { parent: this },
            );
        }

        this.registerOutputs({ apiId: this.apiId, url: this.url, callbackEndpoint: this.callbackEndpoint, stageExecutionArn: this.stageExecutionArn });
    }

    /**
     * Integrations, routes, the authorizer, the functions' permissions and the stage, once the
     * functions exist: called once, with every function of the stack.
     */
    wire(functions: ReadonlyMap<string, BuiltFunction>): void {
        if (this.stage !== undefined) {
            throw new Error(`WebSocketApi "${this.componentName}" is wired already`);
        }
        const absent = this.functions.filter((key) => !functions.has(key));
        if (absent.length > 0) {
            // The config rules check every route's function: a program bug if one is missing here.
            throw new Error(`WebSocketApi "${this.componentName}": no function ${absent.join(", ")} among ${[...functions.keys()].join(", ") || "none"}`);
        }
        const { componentName: name, args, api } = this;
        const fn = (key: string) => functions.get(key)!;

        const integrations = new Map<string, aws.apigatewayv2.Integration>();
        for (const key of new Set(Object.values(args.routes))) {
            integrations.set(
                key,
                new aws.apigatewayv2.Integration(
                    `${name}-integration-${key}`,
                    {
                        apiId: api.id,
                        integrationType: "AWS_PROXY",
                        integrationMethod: "POST",
                        integrationUri: fn(key).invokeArn,
                        timeoutMilliseconds: WEBSOCKET_LIMITS.integrationTimeoutMs.max,
                        description: `Lambda function ${key}`,
                    },
                    { parent: this },
                ),
            );
        }

        let authorizer: aws.apigatewayv2.Authorizer | undefined;
        if (args.authorizer) {
            const authorizerName = args.naming.scoped("apiGateway", API_NAME_PART, "authorizer");
            const authorizerFunction = fn(args.authorizer.function);
            authorizer = new aws.apigatewayv2.Authorizer(
                `${name}-authorizer`,
                { apiId: api.id, name: authorizerName, authorizerType: "REQUEST", authorizerUri: authorizerFunction.invokeArn, identitySources: [...args.authorizer.identitySources] },
                { parent: this },
            );
            this.authorizerId = authorizer.id;
            new aws.lambda.Permission(
                `${name}-invoke-authorizer`,
                {
                    action: "lambda:InvokeFunction",
                    function: authorizerFunction.name,
                    principal: "apigateway.amazonaws.com",
                    sourceArn: authorizerSourceArn(api.executionArn, authorizer.id),
                    statementId: "WebSocketAuthorizer",
                },
                { parent: this },
            );
        }

        const routes = Object.entries(args.routes).map(([key, target]) => {
            const authorized = key === "$connect" && authorizer !== undefined;
            const route = new aws.apigatewayv2.Route(
                `${name}-route-${routeSlug(key)}`,
                {
                    apiId: api.id,
                    routeKey: key,
                    target: pulumi.interpolate`integrations/${integrations.get(target)!.id}`,
                    // Only $connect takes an authorizer; every other route says so explicitly.
                    authorizationType: authorized ? "CUSTOM" : "NONE",
                    ...(authorized ? { authorizerId: authorizer!.id } : {}),
                },
                { parent: this },
            );
            new aws.lambda.Permission(
                `${name}-invoke-${routeSlug(key)}`,
                {
                    action: "lambda:InvokeFunction",
                    function: fn(target).name,
                    principal: "apigateway.amazonaws.com",
                    sourceArn: routeSourceArn(api.executionArn, this.stageName, key),
                    statementId: routeStatementId(key),
                },
                { parent: this },
            );
            return { resource: route, built: { key, function: target, id: route.id } };
        });
        this.routes = routes.map((r) => r.built);

        const { throttle, executionLogging } = args.stage;
        this.stage = new aws.apigatewayv2.Stage(
            `${name}-stage`,
            {
                apiId: api.id,
                name: this.stageName,
                autoDeploy: true,
                accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
                defaultRouteSettings: {
                    throttlingRateLimit: throttle.rateLimit,
                    throttlingBurstLimit: throttle.burstLimit,
                    detailedMetricsEnabled: true,
                    // Payloads stay out of the logs.
                    dataTraceEnabled: false,
                    ...(executionLogging !== "OFF" ? { loggingLevel: executionLogging } : {}),
                },
                description: `Stage ${this.stageName} of ${args.naming.stem}'s WebSocket API`,
                tags: this.tagsFor(`${args.naming.scoped("apiGateway", API_NAME_PART)}-${this.stageName}`),
            },
            // Deployed with its routes (a WebSocket API without a route cannot be deployed), logging to groups that exist.
            { parent: this, dependsOn: [...routes.map((r) => r.resource), ...(this.executionLogGroup ? [this.executionLogGroup] : [])] },
        );
    }
}
