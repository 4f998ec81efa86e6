/**
 * platform:websocket in stacks: its defaults, every rule triggered by a stack file's config with
 * its exact message (routes and the functions they name, the functions' timeouts, the authorizer,
 * the expression, the stage, throttles, logs, tracing, the NAT), and system D's WebSocket API planned
 * through the program with its functions: the API, integrations, routes, authorizer and permissions
 * on the real functions, the stage, the one function that connects getting the callback endpoint
 * and ManageConnections on exactly this stage's @connections, the others nothing, the alarms, the
 * outputs and the baseline.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { websocketBlock } from "../../../../components/serverless/websocket/block";
import { parseStackConfig } from "../../../../stacks/config";
import { MOCK_ACCOUNT_ID, ProgramRun } from "../../../../tooling/mock-runtime";
import { cachedStackRun } from "../../../../tooling/plan";
import { PROJECT_ROOT } from "../../../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, problemLines } from "../../../fixtures/config";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T } from "../../../support/query";
import { twoAzNetworkConfig } from "../../../fixtures/networks";

const REGION = "ap-northeast-2";
const API = "aws:apigatewayv2/api:Api";
const STAGE = "aws:apigatewayv2/stage:Stage";
const INTEGRATION = "aws:apigatewayv2/integration:Integration";
const ROUTE = "aws:apigatewayv2/route:Route";
const AUTHORIZER = "aws:apigatewayv2/authorizer:Authorizer";
const PERMISSION = "aws:lambda/permission:Permission";
const FUNCTION = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const NETWORK = twoAzNetworkConfig();

/** System D's WebSocket handlers: one image, a handler each; ws-message posts back to the connections. */
function coupleFunctions(): Json {
    const image = (handler: string) => ({ repository: "couple-websocket", imageTag: "1.0.0", command: [`app.handlers.${handler}`] });
    return {
        "ws-authorizer": { image: image("authorize"), timeoutSeconds: 5, vpc: false },
        "ws-connect": { image: image("connect"), timeoutSeconds: 10 },
        "ws-disconnect": { image: image("disconnect"), timeoutSeconds: 10 },
        "ws-default": { image: image("default"), timeoutSeconds: 10 },
        "ws-message": { image: image("message"), timeoutSeconds: 15, connectsTo: ["websocket"] },
    };
}

/** System D's WebSocket API as its stack file will say it. */
function coupleWebsocket(): Json {
    return {
        routes: { $connect: "ws-connect", $disconnect: "ws-disconnect", $default: "ws-default", sendMood: "ws-message", notify: "ws-message" },
        authorizer: { function: "ws-authorizer", identitySources: ["route.request.querystring.token"] },
        stage: { throttle: { rateLimit: 100, burstLimit: 200 } },
    };
}

/** A dev `couple` stack with the network, the functions and the WebSocket API, each edited by its `change`, and `extra` keys. */
function couple(change: (websocket: Json, functions: Json) => void = () => {}, extra: ConfigMap = {}): ConfigMap {
    const websocket = coupleWebsocket();
    const functions = coupleFunctions();
    change(websocket, functions);
    return {
        "aws:region": REGION,
        "platform:env": "dev",
        "platform:name": "couple",
        "platform:network": JSON.stringify(NETWORK),
        "platform:functions": JSON.stringify(functions),
        "platform:websocket": JSON.stringify(websocket),
        ...extra,
    };
}

describe("stacks: platform:websocket resolves with its defaults", () => {
    it("routes by $request.body.action on a stage named after the environment, 100/s (burst 200), ERROR execution logs, the stack's retention", () => {
        const websocket = parseStackConfig(couple((ws) => delete ws.stage), "couple").config(websocketBlock)!;
        expect(websocket).to.deep.equal({
            ...coupleWebsocket(),
            routeSelectionExpression: "$request.body.action",
            stage: { name: "dev", throttle: { rateLimit: 100, burstLimit: 200 }, logs: { retentionDays: 7, executionLevel: "ERROR" } },
        });
    });

    it("takes the token from the query string unless told, and no authorizer at all", () => {
        const withDefault = parseStackConfig(couple((ws) => delete ws.authorizer.identitySources), "couple").config(websocketBlock)!;
        expect(withDefault.authorizer).to.deep.equal({ function: "ws-authorizer", identitySources: ["route.request.querystring.token"] });
        const open = parseStackConfig(couple((ws) => delete ws.authorizer), "couple").config(websocketBlock)!;
        expect(open.authorizer).to.equal(undefined);
    });

    it("takes 300 routes, all to one function", () => {
        const routes = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`action${i}`, "ws-message"]));
        expect(() => parseStackConfig(couple((ws) => (ws.routes = routes) && delete ws.authorizer), "couple")).to.not.throw();
    });
});

describe("stacks: bad platform:websocket configs", () => {
    const cases: RuleCase[] = [
        ["no route", () => couple((ws) => (ws.routes = {}) && delete ws.authorizer), ["platform:websocket.routes: is empty; route at least one key ($connect, $disconnect, $default or an action) to a function of platform:functions, or leave platform:websocket out"]],
        [
            "301 routes",
            () => couple((ws) => (ws.routes = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`action${i}`, "ws-message"]))) && delete ws.authorizer),
            ["platform:websocket.routes: has 301 routes; API Gateway allows 300 per WebSocket API"],
        ],
        [
            "a predefined route misspelt",
            () => couple((ws) => (ws.routes.$Disconnect = "ws-disconnect")),
            [
                'platform:websocket.routes.$Disconnect: "$Disconnect" is not a route API Gateway defines (did you mean $disconnect?); the predefined routes are $connect, $disconnect, $default, and a custom route key (the action a client sends) does not start with $',
            ],
        ],
        [
            "a custom route key with a wildcard character",
            () => couple((ws) => (ws.routes["send*"] = "ws-message")),
            [
                'platform:websocket.routes.send*: "send*" is not a custom route key this platform takes; use letters, digits, _ and -, starting with a letter or digit (the key appears in the route\'s ARN, where * and ? would be wildcards), or one of $connect, $disconnect, $default',
            ],
        ],
        [
            "a route to a function platform:functions does not have",
            () => couple((ws) => (ws.routes.sendMood = "ws-mesage")),
            ['platform:websocket.routes.sendMood: "ws-mesage" is not a function of platform:functions (did you mean ws-message?); it has ws-authorizer, ws-connect, ws-default, ws-disconnect, ws-message'],
        ],
        [
            "an authorizer whose function does not exist",
            () => couple((ws) => (ws.authorizer.function = "authorizer")),
            ['platform:websocket.authorizer.function: "authorizer" is not a function of platform:functions (did you mean ws-authorizer?); it has ws-authorizer, ws-connect, ws-default, ws-disconnect, ws-message'],
        ],
        [
            "a route's function at Lambda's default 30 s, one over API Gateway's 29",
            () => couple((_ws, f) => delete f["ws-message"].timeoutSeconds),
            [
                "platform:functions.ws-message.timeoutSeconds: 30 is longer than API Gateway waits for a WebSocket API's Lambda call (at most 29 s, a fixed quota): platform:websocket.routes.sendMood and platform:websocket.routes.notify invoke ws-message, whose client would see a timeout while it still runs; use at most 29",
            ],
        ],
        [
            "an authorizer's function over 29 s",
            () => couple((_ws, f) => (f["ws-authorizer"].timeoutSeconds = 60)),
            [
                "platform:functions.ws-authorizer.timeoutSeconds: 60 is longer than API Gateway waits for a WebSocket API's Lambda call (at most 29 s, a fixed quota): platform:websocket.authorizer invokes ws-authorizer, whose client would see a timeout while it still runs; use at most 29",
            ],
        ],
        [
            "an authorizer without a $connect route",
            () => couple((ws) => delete ws.routes.$connect),
            ["platform:websocket.authorizer: is set, but platform:websocket.routes has no $connect; a WebSocket API authorizes a client once, on $connect (its other routes take no authorizer): route $connect to a function"],
        ],
        [
            "an identity source in the REST API's form",
            () => couple((ws) => (ws.authorizer.identitySources = ["method.request.querystring.token"])),
            [
                'platform:websocket.authorizer.identitySources[0]: "method.request.querystring.token" is not an identity source of a WebSocket API; use route.request.querystring.<name> (browsers cannot set headers on a WebSocket), route.request.header.<name>, stageVariables.<name> or context.<name>',
            ],
        ],
        [
            "a route selection expression that is only the field",
            () => couple((ws) => (ws.routeSelectionExpression = "action")),
            ['platform:websocket.routeSelectionExpression: "action" is not a WebSocket route selection expression; write $request.body.<field>, the JSON field of each message that holds its route key (e.g. $request.body.action)'],
        ],
        [
            "a stage name with a slash",
            () => couple((ws) => (ws.stage.name = "v1/live")),
            ['platform:websocket.stage.name: "v1/live" is not a stage name API Gateway takes; use 1–128 letters, digits, hyphens and underscores'],
        ],
        [
            "a rate above the account's 10,000 a second",
            () => couple((ws) => (ws.stage.throttle.rateLimit = 20000)),
            ["platform:websocket.stage.throttle.rateLimit: 20000 is above the 10,000 requests a second API Gateway allows the whole account in the Region (every API together), which a stage's throttle cannot exceed; use at most 10000"],
        ],
        [
            "a burst above the account's 5,000, and a fraction",
            () => couple((ws) => (ws.stage.throttle.burstLimit = 6000)),
            ["platform:websocket.stage.throttle.burstLimit: 6000 is above the 5,000-request burst API Gateway allows the whole account in the Region, which a stage's throttle cannot exceed; use at most 5000"],
        ],
        ["a negative rate", () => couple((ws) => (ws.stage.throttle.rateLimit = -1)), ["platform:websocket.stage.throttle.rateLimit: -1 is not allowed; a stage's rate limit is a number of requests a second above 0"]],
        ["a fractional burst", () => couple((ws) => (ws.stage.throttle.burstLimit = 2.5)), ["platform:websocket.stage.throttle.burstLimit: 2.5 is not allowed; a stage's burst limit is a whole number of requests above 0"]],
        [
            "a retention CloudWatch Logs does not take",
            () => couple((ws) => (ws.stage.logs = { retentionDays: 10 })),
            ["platform:websocket.stage.logs.retentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"],
        ],
        [
            "an execution log level API Gateway does not have",
            () => couple((ws) => (ws.stage.logs = { executionLevel: "DEBUG" })),
            ['platform:websocket.stage.logs.executionLevel: "DEBUG" is not allowed; expected one of ERROR, INFO, OFF'],
        ],
        [
            "tracing, as services have it",
            () => couple((ws) => (ws.tracing = { enabled: true })),
            [
                'platform:websocket.tracing: is refused: API Gateway traces REST APIs only ("X-Ray only supports tracing for REST APIs through API Gateway", AWS X-Ray Developer Guide); a WebSocket stage cannot be traced. Leave it out, and trace the route functions (Lambda\'s X-Ray tracing) instead',
            ],
        ],
        [
            "a function in the VPC posting to connections without a NAT",
            () =>
                couple(() => {}, {
                    "platform:network": JSON.stringify({ ...NETWORK, natGateways: "none", interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"] }),
                }),
            [
                'platform:functions.ws-message.connectsTo[0]: "websocket" is reached over the internet (the API\'s @connections endpoint is public, and an execute-api interface endpoint reaches private APIs only), but the function runs in the VPC and platform:network.natGateways is none; use single or perAz, or set vpc: false',
            ],
        ],
        [
            "a function setting the variable the API's connection sets",
            () => couple((_ws, f) => (f["ws-default"].environment = { WEBSOCKET_ENDPOINT: "https://example.com" })),
            ['platform:functions.ws-default.environment.WEBSOCKET_ENDPOINT: "WEBSOCKET_ENDPOINT" is set by the platform itself (a store\'s settings or secret references); choose another name'],
        ],
        [
            "a WebSocket API without platform:functions",
            () => {
                const config = couple();
                delete config["platform:functions"];
                return config;
            },
            ["platform:websocket: needs platform:functions, which this stack does not have"],
        ],
    ];
    itRaises(cases.map(([title, config, expected]) => [title, config, expected, "couple"]));

    it("lets a function outside the VPC post to connections without a NAT", () => {
        const config = couple((_ws, f) => (f["ws-message"].vpc = false), { "platform:network": JSON.stringify({ ...NETWORK, natGateways: "none", interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"] }) });
        expect(() => parseStackConfig(config, "couple")).to.not.throw();
    });

    it("reports every problem at once", () => {
        const lines = problemLines(
            couple((ws) => {
                ws.routes.sendMood = "nope";
                ws.stage.name = "a b";
            }),
            "couple",
        );
        expect(lines.map((line) => line.split(":")[1])).to.deep.equal(["websocket.stage.name", "websocket.routes.sendMood"]);
    });
});

describe("stack couple (planned): system D's WebSocket API and its functions", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-websocket-"));
    let run: ProgramRun;
    let view: RunView;
    let apiId: string;
    before(async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const config = couple(() => {}, { "platform:monitoring": JSON.stringify({ alarmEmails: ["ops@example.com"] }) });
        const yaml = ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: ${value.startsWith("{") || value.startsWith("[") ? value : JSON.stringify(value)}`)].join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.couple.yaml"), `${yaml}\n`);
        run = await cachedStackRun("couple", dir);
        view = new RunView(run);
        apiId = view.one(API, "websocket-api").id!;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const executionArn = () => `arn:aws:execute-api:${REGION}:${MOCK_ACCOUNT_ID}:${apiId}`;
    const fn = (key: string) => view.one(FUNCTION, `functions-${key}-function`);
    const variables = (key: string) => (fn(key).inputs.environment as { variables: Record<string, string> } | undefined)?.variables ?? {};
    type Statement = { Sid?: string; Action: string | string[]; Resource: string | string[] };
    const statements = (key: string) => JSON.parse(view.one(T.rolePolicy, `functions-${key}-policy`).inputs.policy as string).Statement as Statement[];

    it("plans the API couple-dev-websocket, five routes, four integrations, the authorizer, six permissions and the stage dev, and meets the baseline", () => {
        expect(view.one(API, "websocket-api").inputs).to.deep.include({ name: "couple-dev-websocket", protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
        expect(view.ofType(ROUTE).map((r) => r.inputs.routeKey).sort()).to.deep.equal(["$connect", "$default", "$disconnect", "notify", "sendMood"]);
        expect(view.ofType(INTEGRATION)).to.have.length(4);
        expect(view.ofType(AUTHORIZER)).to.have.length(1);
        expect(view.ofType(PERMISSION)).to.have.length(6);
        expect(view.one(STAGE, "websocket-stage").inputs).to.deep.include({ name: "dev", autoDeploy: true });
        expectBaseline(run, { project: "couple", env: "dev", name: "couple" });
    });

    it("integrates the real functions by their invoke ARNs, and lets each be invoked only from its own routes of the stage", () => {
        for (const integration of view.ofType(INTEGRATION)) {
            const key = integration.name.replace("websocket-integration-", "");
            expect(fn(key).inputs.name, key).to.equal(`couple-dev-${key}`);
            expect(integration.inputs.integrationUri, key).to.equal(`arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${MOCK_ACCOUNT_ID}:function:couple-dev-${key}/invocations`);
        }
        const permissions = view.ofType(PERMISSION).map((p) => [p.inputs.function, p.inputs.sourceArn]).sort();
        expect(permissions).to.deep.equal(
            [
                ["couple-dev-ws-connect", `${executionArn()}/dev/$connect`],
                ["couple-dev-ws-disconnect", `${executionArn()}/dev/$disconnect`],
                ["couple-dev-ws-default", `${executionArn()}/dev/$default`],
                ["couple-dev-ws-message", `${executionArn()}/dev/sendMood`],
                ["couple-dev-ws-message", `${executionArn()}/dev/notify`],
                ["couple-dev-ws-authorizer", `${executionArn()}/authorizers/${view.one(AUTHORIZER, "websocket-authorizer").id}`],
            ].sort(),
        );
    });

    it("creates the functions before the API's integrations, and the stage after its routes", () => {
        const functionUrns = view.ofType(FUNCTION).map((f) => f.urn);
        for (const integration of view.ofType(INTEGRATION)) {
            expect(functionUrns.some((urn) => integration.options.dependsOn.includes(urn)), integration.name).to.equal(true);
        }
        const stage = view.one(STAGE, "websocket-stage");
        for (const route of view.ofType(ROUTE)) {
            expect(stage.options.explicitDependsOn, route.name).to.include(route.urn);
        }
    });

    it("tells ws-message, which connects, the callback endpoint and lets it manage exactly this stage's connections; the others get neither", () => {
        expect(variables("ws-message").WEBSOCKET_ENDPOINT).to.equal(`https://${apiId}.execute-api.${REGION}.amazonaws.com/dev`);
        expect(statements("ws-message").filter((s) => JSON.stringify(s.Action).includes("execute-api"))).to.deep.equal([
            { Sid: "ManageWebSocketConnections", Effect: "Allow", Action: "execute-api:ManageConnections", Resource: `${executionArn()}/dev/*/@connections/*` },
        ]);
        for (const key of ["ws-authorizer", "ws-connect", "ws-disconnect", "ws-default"]) {
            expect(variables(key), key).to.not.have.property("WEBSOCKET_ENDPOINT");
            expect(JSON.stringify(statements(key)), key).to.not.contain("execute-api");
        }
    });

    it("outputs the wss URL clients connect to and the callback endpoint", () => {
        expect(run.outputs.websocketUrl).to.equal(`wss://${apiId}.execute-api.${REGION}.amazonaws.com/dev`);
        expect(run.outputs.websocketEndpoint).to.equal(`https://${apiId}.execute-api.${REGION}.amazonaws.com/dev`);
    });

    it("alarms on the stage's integration and execution errors, by ApiId and Stage", () => {
        const ours = view.ofType(ALARM).filter((a) => String(a.inputs.name).startsWith("couple-dev-websocket-"));
        expect(ours.map((a) => [a.inputs.name, a.inputs.namespace, a.inputs.metricName, a.inputs.statistic, a.inputs.threshold, a.inputs.dimensions]).sort()).to.deep.equal(
            [
                ["couple-dev-websocket-execution-errors", "AWS/ApiGateway", "ExecutionError", "Sum", 0, { ApiId: apiId, Stage: "dev" }],
                ["couple-dev-websocket-integration-errors", "AWS/ApiGateway", "IntegrationError", "Sum", 10, { ApiId: apiId, Stage: "dev" }],
            ].sort(),
        );
    });
});

describe("stack couple (planned): a Fargate service posting to the WebSocket API's connections", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-websocket-web-"));
    let view: RunView;
    before(async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const config = couple(() => {}, {
            "platform:serviceDiscovery": JSON.stringify({ namespace: "couple.local" }),
            "platform:services": JSON.stringify({ web: { cpu: 256, memory: 512, imageTag: "0.1.0", connectsTo: ["websocket"] } }),
        });
        const yaml = ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: ${value.startsWith("{") || value.startsWith("[") ? value : JSON.stringify(value)}`)].join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.couple.yaml"), `${yaml}\n`);
        view = new RunView(await cachedStackRun("couple", dir));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("tells web the callback endpoint and lets its task role manage exactly this stage's connections", () => {
        const apiId = view.one(API, "websocket-api").id!;
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.inputs.family === "couple-dev-web")!;
        type Container = { name: string; environment?: Array<{ name: string; value: string }> };
        const app = (JSON.parse(task.inputs.containerDefinitions as string) as Container[]).find((c) => c.name !== "writable-paths")!;
        expect((app.environment ?? []).filter((e) => e.name === "WEBSOCKET_ENDPOINT")).to.deep.equal([{ name: "WEBSOCKET_ENDPOINT", value: `https://${apiId}.execute-api.${REGION}.amazonaws.com/dev` }]);
        const [policy] = view.ofType(T.rolePolicy).filter((p) => p.name === "web-task-policy");
        expect(JSON.parse(policy.inputs.policy as string).Statement).to.deep.equal([
            { Sid: "ManageWebSocketConnections", Effect: "Allow", Action: "execute-api:ManageConnections", Resource: `arn:aws:execute-api:${REGION}:${MOCK_ACCOUNT_ID}:${apiId}/dev/*/@connections/*` },
        ]);
    });
});
