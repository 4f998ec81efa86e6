/**
 * The WebSocket API's rules as plain functions (route keys, the route quota, the selection
 * expression, identity sources, throttles within the account's, stage names, the functions' timeouts
 * against the integration ceiling, the execute-api endpoint), the names and ARNs the component
 * derives, and the stage's alarms.
 */
import { expect } from "chai";
import { websocketAlarms } from "../../../../components/serverless/websocket/alarms";
import {
    ACCESS_LOG_FORMAT,
    WEBSOCKET_LIMITS,
    WebSocketSpec,
    endpointProblems,
    functionProblems,
    invokedFunctions,
    routeKeyProblem,
    routeSlug,
    routeStatementId,
    throttleProblems,
    websocketProblems,
} from "../../../../components/serverless/websocket/websocket";

const lines = (problems: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>) => problems.map((p) => `${p.path.join(".")}: ${p.message}`);

function spec(change: Partial<WebSocketSpec> = {}): WebSocketSpec {
    return {
        routes: { $connect: "ws-connect", $disconnect: "ws-disconnect", $default: "ws-default", sendMood: "ws-message", notify: "ws-message" },
        routeSelectionExpression: "$request.body.action",
        authorizer: { function: "ws-authorizer", identitySources: ["route.request.querystring.token"] },
        stage: { name: "prod", throttle: { rateLimit: 100, burstLimit: 200 }, executionLogging: "ERROR" },
        ...change,
    };
}

const FUNCTIONS = { "ws-authorizer": { timeoutSeconds: 5 }, "ws-connect": { timeoutSeconds: 10 }, "ws-disconnect": { timeoutSeconds: 10 }, "ws-default": { timeoutSeconds: 10 }, "ws-message": { timeoutSeconds: 29 } };

describe("websocket: route keys", () => {
    it("takes the three predefined routes and custom actions of letters, digits, _ and - up to 64 characters", () => {
        for (const key of ["$connect", "$disconnect", "$default", "sendMood", "notify", "room_join", "v2-ping", "a".repeat(64)]) {
            expect(routeKeyProblem(key), key).to.equal(undefined);
        }
    });

    it("refuses another $ route (naming the close one), an action over 64 characters, and wildcard or path characters", () => {
        expect(routeKeyProblem("$Connect")).to.equal(
            '"$Connect" is not a route API Gateway defines (did you mean $connect?); the predefined routes are $connect, $disconnect, $default, and a custom route key (the action a client sends) does not start with $',
        );
        expect(routeKeyProblem("$ping")).to.equal('"$ping" is not a route API Gateway defines; the predefined routes are $connect, $disconnect, $default, and a custom route key (the action a client sends) does not start with $');
        expect(routeKeyProblem("a".repeat(65))).to.equal(`"${"a".repeat(65)}" is 65 characters; a custom route key has at most 64 (it names the route's Lambda permission)`);
        for (const key of ["send*", "room/join", "-ping", "send mood", "이모지"]) {
            expect(routeKeyProblem(key), key).to.match(/is not a custom route key this platform takes; use letters, digits, _ and -, starting with a letter or digit/);
        }
    });

    it("names logical resources and permission statements without clashes between $connect and an action called connect", () => {
        expect([routeSlug("$connect"), routeSlug("connect"), routeSlug("sendMood")]).to.deep.equal(["connect", "action-connect", "action-sendMood"]);
        expect([routeStatementId("$connect"), routeStatementId("$disconnect"), routeStatementId("$default"), routeStatementId("connect")]).to.deep.equal([
            "WebSocketConnect",
            "WebSocketDisconnect",
            "WebSocketDefault",
            "WebSocketRoute-connect",
        ]);
        // Lambda's statement ids: [A-Za-z0-9_-], at most 100 characters, even for the longest action.
        expect(routeStatementId("a".repeat(64))).to.match(/^[A-Za-z0-9_-]{1,100}$/);
    });
});

describe("websocket: the API's own rules", () => {
    it("accepts system D's API", () => {
        expect(websocketProblems(spec())).to.deep.equal([]);
    });

    it("takes 300 routes to 300 functions (so at most 300 integrations, one per function) and refuses the 301st route", () => {
        const routes = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`action${i}`, `fn-${i}`]));
        expect(websocketProblems(spec({ routes: routes(300), authorizer: undefined }))).to.deep.equal([]);
        expect(invokedFunctions({ routes: routes(300) })).to.have.length(WEBSOCKET_LIMITS.integrationsPerApi);
        expect(lines(websocketProblems(spec({ routes: routes(301), authorizer: undefined })))).to.deep.equal(["routes: has 301 routes; API Gateway allows 300 per WebSocket API"]);
    });

    it("refuses no route at all, and an authorizer without identity sources", () => {
        expect(lines(websocketProblems(spec({ routes: {}, authorizer: undefined })))).to.deep.equal([
            "routes: is empty; route at least one key ($connect, $disconnect, $default or an action) to a function of platform:functions, or leave platform:websocket out",
        ]);
        expect(lines(websocketProblems(spec({ authorizer: { function: "ws-authorizer", identitySources: [] } })))).to.deep.equal([
            "authorizer.identitySources: is empty; name where the token is, e.g. route.request.querystring.token (API Gateway refuses the connection with 401 when it is missing)",
        ]);
    });

    it("takes $request.body.<field> and dotted paths, not a wrapped, compound or header expression", () => {
        for (const expression of ["$request.body.action", "$request.body.meta.type"]) {
            expect(websocketProblems(spec({ routeSelectionExpression: expression })), expression).to.deep.equal([]);
        }
        for (const expression of ["${request.body.action}", "$request.body.service/$request.body.action", "$request.header.action", "$request.body."]) {
            expect(lines(websocketProblems(spec({ routeSelectionExpression: expression }))), expression).to.have.length(1);
        }
    });

    it("takes every identity source form of a WebSocket API", () => {
        const identitySources = ["route.request.querystring.token", "route.request.header.Sec-WebSocket-Protocol", "stageVariables.key", "context.identity.sourceIp"];
        expect(websocketProblems(spec({ authorizer: { function: "ws-authorizer", identitySources } }))).to.deep.equal([]);
    });

    it("holds throttles within the account's 10,000 a second and 5,000 burst, above 0, the burst whole", () => {
        expect(throttleProblems({ rateLimit: 10000, burstLimit: 5000 })).to.deep.equal([]);
        expect(throttleProblems({ rateLimit: 0.5, burstLimit: 1 })).to.deep.equal([]);
        expect(lines(throttleProblems({ rateLimit: 10001, burstLimit: 5001 }))).to.deep.equal([
            "stage.throttle.rateLimit: 10001 is above the 10,000 requests a second API Gateway allows the whole account in the Region (every API together), which a stage's throttle cannot exceed; use at most 10000",
            "stage.throttle.burstLimit: 5001 is above the 5,000-request burst API Gateway allows the whole account in the Region, which a stage's throttle cannot exceed; use at most 5000",
        ]);
        expect(lines(throttleProblems({ rateLimit: 0, burstLimit: 1.5 }))).to.deep.equal([
            "stage.throttle.rateLimit: 0 is not allowed; a stage's rate limit is a number of requests a second above 0",
            "stage.throttle.burstLimit: 1.5 is not allowed; a stage's burst limit is a whole number of requests above 0",
        ]);
    });

    it("takes stage names of 128 letters, digits, - and _, no more", () => {
        expect(websocketProblems(spec({ stage: { ...spec().stage, name: "a".repeat(128) } }))).to.deep.equal([]);
        expect(lines(websocketProblems(spec({ stage: { ...spec().stage, name: "a".repeat(129) } })))).to.have.length(1);
        expect(lines(websocketProblems(spec({ stage: { ...spec().stage, name: "$default" } })))).to.deep.equal([
            'stage.name: "$default" is not a stage name API Gateway takes; use 1–128 letters, digits, hyphens and underscores',
        ]);
    });
});

describe("websocket: the functions it invokes", () => {
    it("lists each function once, the routes' first, then the authorizer's", () => {
        expect(invokedFunctions(spec())).to.deep.equal(["ws-connect", "ws-disconnect", "ws-default", "ws-message", "ws-authorizer"]);
    });

    it("accepts functions that exist with timeouts of at most 29 s", () => {
        expect(functionProblems(spec(), FUNCTIONS)).to.deep.equal([]);
    });

    it("names the missing function, a close one, and the functions that exist", () => {
        expect(lines(functionProblems(spec({ routes: { ...spec().routes, sendMood: "ws-mesage" }, authorizer: { function: "auth", identitySources: ["route.request.querystring.token"] } }), FUNCTIONS))).to.deep.equal([
            'websocket.routes.sendMood: "ws-mesage" is not a function of platform:functions (did you mean ws-message?); it has ws-authorizer, ws-connect, ws-default, ws-disconnect, ws-message',
            'websocket.authorizer.function: "auth" is not a function of platform:functions; it has ws-authorizer, ws-connect, ws-default, ws-disconnect, ws-message',
        ]);
        expect(lines(functionProblems(spec({ routes: { $default: "ws-default" }, authorizer: undefined }), {}))).to.deep.equal([
            'websocket.routes.$default: "ws-default" is not a function of platform:functions, which has none',
        ]);
    });

    it("refuses a route's or the authorizer's function that runs longer than the 29 s integration ceiling, naming who invokes it", () => {
        const slow = { ...FUNCTIONS, "ws-message": { timeoutSeconds: 30 }, "ws-authorizer": { timeoutSeconds: 60 } };
        expect(lines(functionProblems(spec(), slow))).to.deep.equal([
            "functions.ws-message.timeoutSeconds: 30 is longer than API Gateway waits for a WebSocket API's Lambda call (at most 29 s, a fixed quota): platform:websocket.routes.sendMood and platform:websocket.routes.notify invoke ws-message, whose client would see a timeout while it still runs; use at most 29",
            "functions.ws-authorizer.timeoutSeconds: 60 is longer than API Gateway waits for a WebSocket API's Lambda call (at most 29 s, a fixed quota): platform:websocket.authorizer invokes ws-authorizer, whose client would see a timeout while it still runs; use at most 29",
        ]);
    });
});

describe("websocket: the network", () => {
    it("refuses an execute-api interface endpoint (private DNS on: the public API's calls would get 403), and nothing else", () => {
        expect(endpointProblems(["ecr.api", "logs"])).to.deep.equal([]);
        expect(lines(endpointProblems(["logs", "execute-api"]))).to.deep.equal([
            'network.interfaceEndpoints.1: "execute-api" is not allowed beside platform:websocket: with its private DNS on, every *.execute-api name in the VPC resolves to the endpoint, which reaches private APIs only, so functions posting to the WebSocket API\'s @connections (a public API) get 403 Forbidden; leave it out (the functions reach the API through the NAT)',
        ]);
    });
});

describe("websocket: access logs and alarms", () => {
    it("keeps the access log format JSON and within the 3 KB template quota", () => {
        expect(Buffer.byteLength(ACCESS_LOG_FORMAT)).to.be.below(WEBSOCKET_LIMITS.accessLogTemplateBytes);
        expect(Object.keys(JSON.parse(ACCESS_LOG_FORMAT) as object)).to.include.members(["requestId", "connectionId", "routeKey", "status", "error", "integrationError"]);
    });

    it("alarms on the stage's IntegrationError and ExecutionError sums over 5 minutes, by ApiId and Stage", () => {
        const specs = websocketAlarms("abc123defg", "prod", { websocketIntegrationErrors: 10, websocketExecutionErrors: 0 });
        expect(specs.map((s) => [s.key, s.metric?.namespace, s.metric?.metricName, s.metric?.stat, s.metric?.period, s.comparison, s.threshold, s.thresholdSource])).to.deep.equal([
            ["websocket-integration-errors", "AWS/ApiGateway", "IntegrationError", "Sum", 300, "GreaterThanThreshold", 10, "platform:monitoring.thresholds.websocketIntegrationErrors"],
            ["websocket-execution-errors", "AWS/ApiGateway", "ExecutionError", "Sum", 300, "GreaterThanThreshold", 0, "platform:monitoring.thresholds.websocketExecutionErrors"],
        ]);
        for (const spec of specs) {
            expect(spec.metric?.dimensions).to.deep.equal({ ApiId: "abc123defg", Stage: "prod" });
            expect(spec).to.include({ group: "websocket", evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" });
        }
    });
});
