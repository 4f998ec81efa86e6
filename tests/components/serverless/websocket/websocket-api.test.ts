/**
 * The WebSocketApi component: system D's API as API Gateway receives it (the API, one AWS_PROXY
 * integration per function, routes targeting them, the REQUEST authorizer on $connect only, a
 * Lambda permission per route and for the authorizer with its exact source ARN, the stage after
 * the routes with throttling, access and execution logs), what a consumer gets (the callback
 * endpoint, ManageConnections on this stage's @connections only), and the arguments it refuses.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import type { BuiltFunction } from "../../../../components/serverless/functions/invokers";
import { WebSocketApi, WebSocketApiArgs } from "../../../../components/serverless/websocket/websocket-api";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, refusedArguments, runView } from "../../../support/query";

const REGION = "ap-northeast-2";
const API = "aws:apigatewayv2/api:Api";
const STAGE = "aws:apigatewayv2/stage:Stage";
const INTEGRATION = "aws:apigatewayv2/integration:Integration";
const ROUTE = "aws:apigatewayv2/route:Route";
const AUTHORIZER = "aws:apigatewayv2/authorizer:Authorizer";
const PERMISSION = "aws:lambda/permission:Permission";
const naming = new Naming("couple", "prod");
const tags = baseTags({ project: "couple", env: "prod", stack: "test" });
const FUNCTIONS = ["ws-authorizer", "ws-connect", "ws-disconnect", "ws-default", "ws-message"];
const lambdaArn = (key: string) => `arn:aws:lambda:${REGION}:${MOCK_ACCOUNT_ID}:function:couple-prod-${key}`;
const invokeArn = (key: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${lambdaArn(key)}/invocations`;

/** Every function of system D's stack, as the functions block hands them over. */
function builtFunctions(keys: readonly string[] = FUNCTIONS): Map<string, BuiltFunction> {
    return new Map(keys.map((key) => [key, { key, name: pulumi.output(`couple-prod-${key}`), arn: pulumi.output(lambdaArn(key)), invokeArn: pulumi.output(invokeArn(key)), roleName: pulumi.output(`couple-prod-${key}-lambda`) }]));
}

/** System D's WebSocket API, as its stack file will say. */
function args(change: Partial<WebSocketApiArgs> = {}): WebSocketApiArgs {
    return {
        naming,
        tags,
        region: REGION,
        routes: { $connect: "ws-connect", $disconnect: "ws-disconnect", $default: "ws-default", sendMood: "ws-message", notify: "ws-message" },
        routeSelectionExpression: "$request.body.action",
        authorizer: { function: "ws-authorizer", identitySources: ["route.request.querystring.token"] },
        stage: { name: "prod", throttle: { rateLimit: 100, burstLimit: 200 }, executionLogging: "ERROR" },
        logRetentionDays: 30,
        ...change,
    };
}

function runApi(apiArgs: WebSocketApiArgs, functions = builtFunctions()): Promise<RunView> {
    return runView(() => {
        const api = new WebSocketApi("websocket", apiArgs);
        api.wire(functions);
        return { apiId: api.apiId, url: api.url, callbackEndpoint: api.callbackEndpoint, stageExecutionArn: api.stageExecutionArn, statements: api.statements, functions: api.functions };
    });
}

describe("components/websocket-api: system D's WebSocket API", () => {
    let view: RunView;
    let apiId: string;
    const executionArn = () => `arn:aws:execute-api:${REGION}:${MOCK_ACCOUNT_ID}:${apiId}`;
    const routeOf = (key: string): RecordedResource => view.ofType(ROUTE).find((r) => r.inputs.routeKey === key)!;
    const permissionOf = (name: string): RecordedResource => view.one(PERMISSION, name);
    before(async () => {
        view = await runApi(args());
        apiId = view.one(API, "websocket-api").id!;
    });

    it("creates a WEBSOCKET API couple-prod-websocket selecting routes by $request.body.action, its id 10 lowercase letters and digits", () => {
        const api = view.one(API, "websocket-api");
        expect(api.inputs).to.deep.include({ name: "couple-prod-websocket", protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
        expect(apiId).to.match(/^[a-z0-9]{10}$/);
    });

    it("integrates each function once (AWS_PROXY, POST, its invoke ARN, the 29 s ceiling): sendMood and notify share ws-message's", () => {
        const integrations = view.ofType(INTEGRATION);
        expect(integrations.map((i) => i.name).sort()).to.deep.equal(["websocket-integration-ws-connect", "websocket-integration-ws-default", "websocket-integration-ws-disconnect", "websocket-integration-ws-message"]);
        for (const integration of integrations) {
            const key = integration.name.replace("websocket-integration-", "");
            expect(integration.inputs, key).to.deep.include({ apiId, integrationType: "AWS_PROXY", integrationMethod: "POST", integrationUri: invokeArn(key), timeoutMilliseconds: 29000 });
        }
    });

    it("routes each key to its function's integration; only $connect is authorized (CUSTOM, the authorizer), every other route says NONE", () => {
        const integrationOf = (key: string) => view.one(INTEGRATION, `websocket-integration-${key}`).id;
        expect(view.ofType(ROUTE).map((r) => [r.name, r.inputs.routeKey, r.inputs.target, r.inputs.authorizationType]).sort()).to.deep.equal(
            [
                ["websocket-route-action-notify", "notify", `integrations/${integrationOf("ws-message")}`, "NONE"],
                ["websocket-route-action-sendMood", "sendMood", `integrations/${integrationOf("ws-message")}`, "NONE"],
                ["websocket-route-connect", "$connect", `integrations/${integrationOf("ws-connect")}`, "CUSTOM"],
                ["websocket-route-default", "$default", `integrations/${integrationOf("ws-default")}`, "NONE"],
                ["websocket-route-disconnect", "$disconnect", `integrations/${integrationOf("ws-disconnect")}`, "NONE"],
            ].sort(),
        );
        const authorizer = view.one(AUTHORIZER, "websocket-authorizer");
        expect(routeOf("$connect").inputs.authorizerId).to.equal(authorizer.id);
        for (const key of ["$disconnect", "$default", "sendMood", "notify"]) {
            expect(routeOf(key).inputs, key).to.not.have.property("authorizerId");
        }
    });

    it("authorizes with a REQUEST authorizer calling ws-authorizer with the token from the query string", () => {
        expect(view.one(AUTHORIZER, "websocket-authorizer").inputs).to.deep.equal({
            apiId,
            name: "couple-prod-websocket-authorizer",
            authorizerType: "REQUEST",
            authorizerUri: invokeArn("ws-authorizer"),
            identitySources: ["route.request.querystring.token"],
        });
    });

    it("lets API Gateway invoke each function only from its route of this stage, and the authorizer only as this authorizer", () => {
        const expected: Array<[string, string, string, string]> = [
            ["websocket-invoke-connect", "couple-prod-ws-connect", `${executionArn()}/prod/$connect`, "WebSocketConnect"],
            ["websocket-invoke-disconnect", "couple-prod-ws-disconnect", `${executionArn()}/prod/$disconnect`, "WebSocketDisconnect"],
            ["websocket-invoke-default", "couple-prod-ws-default", `${executionArn()}/prod/$default`, "WebSocketDefault"],
            ["websocket-invoke-action-sendMood", "couple-prod-ws-message", `${executionArn()}/prod/sendMood`, "WebSocketRoute-sendMood"],
            ["websocket-invoke-action-notify", "couple-prod-ws-message", `${executionArn()}/prod/notify`, "WebSocketRoute-notify"],
            ["websocket-invoke-authorizer", "couple-prod-ws-authorizer", `${executionArn()}/authorizers/${view.one(AUTHORIZER, "websocket-authorizer").id}`, "WebSocketAuthorizer"],
        ];
        expect(view.ofType(PERMISSION)).to.have.length(expected.length);
        for (const [name, fn, sourceArn, statementId] of expected) {
            expect(permissionOf(name).inputs, name).to.deep.equal({ action: "lambda:InvokeFunction", function: fn, principal: "apigateway.amazonaws.com", sourceArn, statementId });
        }
    });

    it("creates the stage after every route, auto-deployed, throttled at 100/s (burst 200), detailed metrics on, payloads out of the logs", () => {
        const stage = view.one(STAGE, "websocket-stage");
        expect(stage.inputs).to.deep.include({ apiId, name: "prod", autoDeploy: true });
        expect(stage.inputs.defaultRouteSettings).to.deep.equal({ throttlingRateLimit: 100, throttlingBurstLimit: 200, detailedMetricsEnabled: true, dataTraceEnabled: false, loggingLevel: "ERROR" });
        for (const route of view.ofType(ROUTE)) {
            expect(stage.options.explicitDependsOn, route.name).to.include(route.urn);
        }
        expect(stage.options.explicitDependsOn).to.include(view.one(T.logGroup, "websocket-execution-logs").urn);
    });

    it("writes JSON access logs with the request and connection ids, route, status and errors to /aws/apigateway/couple-prod/websocket, kept 30 days", () => {
        const logGroup = view.one(T.logGroup, "websocket-access-logs");
        expect(logGroup.inputs).to.deep.include({ name: "/aws/apigateway/couple-prod/websocket", retentionInDays: 30 });
        const settings = view.one(STAGE, "websocket-stage").inputs.accessLogSettings as { destinationArn: string; format: string };
        expect(settings.destinationArn).to.equal(`arn:aws:logs:${REGION}:${MOCK_ACCOUNT_ID}:log-group:/aws/apigateway/couple-prod/websocket`);
        const format = JSON.parse(settings.format) as Record<string, string>;
        expect(format).to.include({
            requestId: "$context.requestId",
            connectionId: "$context.connectionId",
            routeKey: "$context.routeKey",
            status: "$context.status",
            error: "$context.error.message",
            integrationError: "$context.integration.error",
            authorizeError: "$context.authorize.error",
        });
    });

    it("creates the execution log group under API Gateway's own name first, with the retention", () => {
        expect(view.one(T.logGroup, "websocket-execution-logs").inputs).to.deep.include({ name: `API-Gateway-Execution-Logs_${apiId}/prod`, retentionInDays: 30 });
    });

    it("gives clients wss://<id>.execute-api.ap-northeast-2.amazonaws.com/prod and consumers the https callback endpoint with ManageConnections on this stage's @connections only", () => {
        expect(view.run.outputs.url).to.equal(`wss://${apiId}.execute-api.${REGION}.amazonaws.com/prod`);
        expect(view.run.outputs.callbackEndpoint).to.equal(`https://${apiId}.execute-api.${REGION}.amazonaws.com/prod`);
        expect(view.run.outputs.stageExecutionArn).to.equal(`${executionArn()}/prod`);
        expect(view.run.outputs.statements).to.deep.equal([
            { Sid: "ManageWebSocketConnections", Effect: "Allow", Action: "execute-api:ManageConnections", Resource: `${executionArn()}/prod/*/@connections/*` },
        ]);
        expect(view.run.outputs.functions).to.deep.equal(["ws-connect", "ws-disconnect", "ws-default", "ws-message", "ws-authorizer"]);
    });

    it("tags the API, the stage and the log groups with the stack's tags and Component websocket-api", () => {
        const taggable = view.custom.filter((r) => isTaggable(r.type));
        expect(taggable.map((r) => r.type).sort()).to.deep.equal([API, T.logGroup, T.logGroup, STAGE].sort());
        for (const resource of taggable) {
            expect(resource.inputs.tags, resource.name).to.include({ Project: "couple", Environment: "prod", Component: "websocket-api", ManagedBy: "pulumi" });
        }
        expect((view.one(API, "websocket-api").inputs.tags as Record<string, string>).Name).to.equal("couple-prod-websocket");
    });
});

describe("components/websocket-api: without an authorizer, and without execution logs", () => {
    it("authorizes no route and creates no authorizer or authorizer permission", async () => {
        const view = await runApi(args({ authorizer: undefined }), builtFunctions(["ws-connect", "ws-disconnect", "ws-default", "ws-message"]));
        expect(view.ofType(AUTHORIZER)).to.deep.equal([]);
        expect(view.ofType(ROUTE).map((r) => r.inputs.authorizationType)).to.deep.equal(["NONE", "NONE", "NONE", "NONE", "NONE"]);
        expect(view.ofType(PERMISSION).map((p) => p.inputs.statementId)).to.not.include("WebSocketAuthorizer");
        expect(view.run.outputs.functions).to.deep.equal(["ws-connect", "ws-disconnect", "ws-default", "ws-message"]);
    });

    it("with execution logging OFF: no execution log group, no logging level, access logs still on", async () => {
        const view = await runApi(args({ stage: { name: "live", throttle: { rateLimit: 50, burstLimit: 20 }, executionLogging: "OFF" } }));
        expect(view.ofType(T.logGroup).map((g) => g.inputs.name)).to.deep.equal(["/aws/apigateway/couple-prod/websocket"]);
        const stage = view.one(STAGE, "websocket-stage");
        expect(stage.inputs.name).to.equal("live");
        expect(stage.inputs.defaultRouteSettings).to.deep.equal({ throttlingRateLimit: 50, throttlingBurstLimit: 20, detailedMetricsEnabled: true, dataTraceEnabled: false });
        expect(stage.inputs.accessLogSettings).to.have.property("destinationArn");
    });
});

describe("components/websocket-api: what it refuses", () => {
    it("refuses bad routes, a bad selection expression, an authorizer without $connect, a bad stage name and throttles beyond the account's, listing them all", async () => {
        const lines = await refusedArguments("WebSocketApi", () =>
            new WebSocketApi(
                "websocket",
                args({
                    routes: { $conect: "ws-connect", "send mood": "ws-message" },
                    routeSelectionExpression: "action",
                    authorizer: { function: "ws-authorizer", identitySources: ["querystring.token"] },
                    stage: { name: "prod/v1", throttle: { rateLimit: 20000, burstLimit: 0 }, executionLogging: "ERROR" },
                }),
            ),
        );
        expect(lines).to.deep.equal([
            'routes.$conect: "$conect" is not a route API Gateway defines (did you mean $connect?); the predefined routes are $connect, $disconnect, $default, and a custom route key (the action a client sends) does not start with $',
            'routes.send mood: "send mood" is not a custom route key this platform takes; use letters, digits, _ and -, starting with a letter or digit (the key appears in the route\'s ARN, where * and ? would be wildcards), or one of $connect, $disconnect, $default',
            'routeSelectionExpression: "action" is not a WebSocket route selection expression; write $request.body.<field>, the JSON field of each message that holds its route key (e.g. $request.body.action)',
            "authorizer: is set, but platform:websocket.routes has no $connect; a WebSocket API authorizes a client once, on $connect (its other routes take no authorizer): route $connect to a function",
            'authorizer.identitySources[0]: "querystring.token" is not an identity source of a WebSocket API; use route.request.querystring.<name> (browsers cannot set headers on a WebSocket), route.request.header.<name>, stageVariables.<name> or context.<name>',
            'stage.name: "prod/v1" is not a stage name API Gateway takes; use 1–128 letters, digits, hyphens and underscores',
            "stage.throttle.rateLimit: 20000 is above the 10,000 requests a second API Gateway allows the whole account in the Region (every API together), which a stage's throttle cannot exceed; use at most 10000",
            "stage.throttle.burstLimit: 0 is not allowed; a stage's burst limit is a whole number of requests above 0",
        ]);
    });

    it("is wired once, with every function its routes name", async () => {
        let error: unknown;
        await runView(() => {
            const api = new WebSocketApi("websocket", args());
            try {
                api.wire(builtFunctions(["ws-connect"]));
            } catch (err) {
                error = err;
            }
            api.wire(builtFunctions());
            expect(() => api.wire(builtFunctions())).to.throw('WebSocketApi "websocket" is wired already');
        });
        expect(String(error)).to.contain('WebSocketApi "websocket": no function ws-disconnect, ws-default, ws-message, ws-authorizer among ws-connect');
    });
});
