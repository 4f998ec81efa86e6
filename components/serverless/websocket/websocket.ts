/**
 * WebSocket API rules, as plain functions: API Gateway's quotas and forms for a WebSocket API's
 * routes, route selection expression, authorizer, stage and throttling; the functions its routes
 * invoke (their timeouts); the network it is reached from; and the names, ARNs and grants the
 * component and its consumers use.
 *
 * Sources (each checked against the page):
 * - Quotas: Amazon API Gateway Developer Guide, "Quotas for configuring and running a WebSocket API
 *   in API Gateway"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html):
 *   300 routes and 300 integrations per API, 10 Lambda authorizers per API, an integration timeout
 *   of "50 milliseconds - 29 seconds for all integration types, including Lambda, Lambda proxy…"
 *   (not adjustable), a 3 KB access log template, 2-hour connections, a 10-minute idle timeout.
 * - Account throttling: "Amazon API Gateway quotas"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): 10,000 requests a
 *   second per account and Region "across HTTP APIs, REST APIs, WebSocket APIs, and WebSocket
 *   callback APIs", with a bucket of 5,000 requests for bursts; a stage's or route's throttle "cannot
 *   exceed the account-level rate limits" ("Protect your WebSocket APIs in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-protect.html).
 * - Routes: "Create routes for WebSocket APIs in API Gateway"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html):
 *   the predefined `$connect`, `$disconnect` and `$default`, and custom routes whose key is the
 *   value the route selection expression evaluates to; "For WebSocket-based APIs, the expression
 *   should be of the form $request.body.{path_to_body_element}". A custom key's characters and
 *   length are this platform's rule (the key appears in a Lambda permission's source ARN, where `*`
 *   and `?` would be wildcards, and in the permission's statement id, at most 100 characters).
 * - Authorizers: only `$connect` takes one ("Control access to WebSocket APIs with AWS Lambda REQUEST
 *   authorizers"); identity sources `route.request.header.<name>`, `route.request.querystring.<name>`,
 *   `stageVariables.<name>`, `context.<name>` (the form the AWS CDK's WebSocketLambdaAuthorizer
 *   documents and checks).
 * - Stage names: "Amazon API Gateway important notes"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html),
 *   for REST and WebSocket APIs: "Stage names can only contain alphanumeric characters, hyphens, and
 *   underscores. Maximum length is 128 characters."
 * - IAM: "Control access to WebSocket APIs with IAM authorization"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-control-access-iam.html):
 *   `execute-api:ManageConnections` controls the @connections API, whose ARN is
 *   `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/POST/@connections` (GET and DELETE
 *   for a connection's status and closing it, each `…/@connections/<connection-id>`); a route's
 *   ARN is `…:<api-id>/<stage>/<route-key>`, the source ARN API Gateway invokes a route's
 *   function with; an authorizer's is `…:<api-id>/authorizers/<authorizer-id>`.
 * - Private DNS of an `execute-api` interface endpoint: "Why do I get an HTTP 403 Forbidden error
 *   when I connect to my API Gateway APIs from a VPC?"
 *   (https://repost.aws/knowledge-center/api-gateway-vpc-connections) and "Private REST APIs in
 *   API Gateway" (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html):
 *   with private DNS on, every `*.execute-api.<region>.amazonaws.com` name resolves to the endpoint
 *   inside the VPC, and "you cannot access public APIs from a VPC by using an API Gateway VPC
 *   endpoint with private DNS enabled": the call fails with 403.
 * - Tracing: "X-Ray only supports tracing for REST APIs through API Gateway" (AWS X-Ray Developer
 *   Guide, "Amazon API Gateway active tracing support for AWS X-Ray",
 *   https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html).
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../../../lib/iam";
import { Path, Problem, closestMatch, showValue } from "../../../lib/problems";

/** A WebSocket API's quotas (sources above). */
export const WEBSOCKET_LIMITS = {
    routesPerApi: 300,
    integrationsPerApi: 300,
    lambdaAuthorizersPerApi: 10,
    /** The integration timeout, every integration type, not adjustable. */
    integrationTimeoutMs: { min: 50, max: 29_000 },
    /** Access log template size, bytes. */
    accessLogTemplateBytes: 3 * 1024,
} as const;

/** Throttling for every API of an account in a Region (sources above): a stage's throttle is a target within it. */
export const ACCOUNT_THROTTLE = { rateLimit: 10_000, burstLimit: 5_000 } as const;

/** The routes API Gateway itself defines. */
export const PREDEFINED_ROUTES = ["$connect", "$disconnect", "$default"] as const;
export type PredefinedRoute = (typeof PREDEFINED_ROUTES)[number];

/** This platform's rule for a custom route key (the `action` a client sends): it appears in ARNs and statement ids. */
export const CUSTOM_ROUTE_KEY = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, maxLength: 64, allowed: "letters, digits, _ and -, starting with a letter or digit" } as const;

/** `$request.body.<field>` (a dotted path allowed): the JSON field of each message that names its route. */
const SELECTION_EXPRESSION = /^\$request\.body\.[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A REQUEST authorizer's identity source on a WebSocket API. */
const IDENTITY_SOURCE = /^(?:route\.request\.(?:header|querystring)|stageVariables|context)\.[A-Za-z0-9._-]+$/;

/** Stage names (REST and WebSocket APIs). */
export const STAGE_NAME = { pattern: /^[A-Za-z0-9_-]{1,128}$/, allowed: "1–128 letters, digits, hyphens and underscores" } as const;

export const DEFAULT_SELECTION_EXPRESSION = "$request.body.action";

/** Execution log levels of a WebSocket stage (`OFF` writes none). */
export const EXECUTION_LOG_LEVELS = ["ERROR", "INFO", "OFF"] as const;
export type ExecutionLogLevel = (typeof EXECUTION_LOG_LEVELS)[number];

/** The variable a connecting consumer gets: the @connections callback endpoint. */
export const WEBSOCKET_ENDPOINT_VARIABLE = "WEBSOCKET_ENDPOINT";

/** The one action the callback API takes (post to, get, delete a connection). */
export const MANAGE_CONNECTIONS_ACTION = "execute-api:ManageConnections";

/** The interface endpoint whose private DNS takes over every execute-api name in the VPC. */
export const EXECUTE_API_ENDPOINT = "execute-api";

export interface Throttle {
    /** Steady-state requests a second. */
    readonly rateLimit: number;
    /** Bucket size: requests at once. */
    readonly burstLimit: number;
}

export interface AuthorizerSpec {
    /** The key of the authorizer's function in `platform:functions`. */
    readonly function: string;
    /** Where the token is: `route.request.querystring.token`. */
    readonly identitySources: readonly string[];
}

export interface StageSpec {
    readonly name: string;
    readonly throttle: Throttle;
    readonly executionLogging: ExecutionLogLevel;
}

/** What the API is, from config: routes to functions, the selection expression, the authorizer, the stage. */
export interface WebSocketSpec {
    /** Route key → the key of the function it invokes (`platform:functions`). */
    readonly routes: Readonly<Record<string, string>>;
    readonly routeSelectionExpression: string;
    readonly authorizer?: AuthorizerSpec;
    readonly stage: StageSpec;
}

/** What the rules need of a function of `platform:functions`. */
export interface InvokedFunction {
    readonly timeoutSeconds: number;
}

export function isPredefinedRoute(key: string): key is PredefinedRoute {
    return (PREDEFINED_ROUTES as readonly string[]).includes(key);
}

/** Why `key` cannot be a route key, or undefined. */
export function routeKeyProblem(key: string): string | undefined {
    if (isPredefinedRoute(key)) {
        return undefined;
    }
    if (key.startsWith("$")) {
        const guess = closestMatch(key, PREDEFINED_ROUTES);
        return `${showValue(key)} is not a route API Gateway defines${guess ? ` (did you mean ${guess}?)` : ""}; the predefined routes are ${PREDEFINED_ROUTES.join(", ")}, and a custom route key (the action a client sends) does not start with $`;
    }
    if (key.length > CUSTOM_ROUTE_KEY.maxLength) {
        return `${showValue(key)} is ${key.length} characters; a custom route key has at most ${CUSTOM_ROUTE_KEY.maxLength} (it names the route's Lambda permission)`;
    }
    if (!CUSTOM_ROUTE_KEY.pattern.test(key)) {
        return `${showValue(key)} is not a custom route key this platform takes; use ${CUSTOM_ROUTE_KEY.allowed} (the key appears in the route's ARN, where * and ? would be wildcards), or one of ${PREDEFINED_ROUTES.join(", ")}`;
    }
    return undefined;
}

/** A route's throttle and counts, as problems at paths under `platform:websocket`. */
export function throttleProblems(throttle: Throttle): Problem[] {
    const problems: Problem[] = [];
    if (!(throttle.rateLimit > 0)) {
        problems.push({ path: ["stage", "throttle", "rateLimit"], message: `${showValue(throttle.rateLimit)} is not allowed; a stage's rate limit is a number of requests a second above 0` });
    } else if (throttle.rateLimit > ACCOUNT_THROTTLE.rateLimit) {
        problems.push({
            path: ["stage", "throttle", "rateLimit"],
            message: `${throttle.rateLimit} is above the ${ACCOUNT_THROTTLE.rateLimit.toLocaleString("en")} requests a second API Gateway allows the whole account in the Region (every API together), which a stage's throttle cannot exceed; use at most ${ACCOUNT_THROTTLE.rateLimit}`,
        });
    }
    if (!Number.isInteger(throttle.burstLimit) || throttle.burstLimit <= 0) {
        problems.push({ path: ["stage", "throttle", "burstLimit"], message: `${showValue(throttle.burstLimit)} is not allowed; a stage's burst limit is a whole number of requests above 0` });
    } else if (throttle.burstLimit > ACCOUNT_THROTTLE.burstLimit) {
        problems.push({
            path: ["stage", "throttle", "burstLimit"],
            message: `${throttle.burstLimit} is above the ${ACCOUNT_THROTTLE.burstLimit.toLocaleString("en")}-request burst API Gateway allows the whole account in the Region, which a stage's throttle cannot exceed; use at most ${ACCOUNT_THROTTLE.burstLimit}`,
        });
    }
    return problems;
}

/** The API's own problems (config alone), at paths under `platform:websocket`. */
export function websocketProblems(spec: WebSocketSpec): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    const keys = Object.keys(spec.routes);
    if (keys.length === 0) {
        report(["routes"], "is empty; route at least one key ($connect, $disconnect, $default or an action) to a function of platform:functions, or leave platform:websocket out");
    } else if (keys.length > WEBSOCKET_LIMITS.routesPerApi) {
        report(["routes"], `has ${keys.length} routes; API Gateway allows ${WEBSOCKET_LIMITS.routesPerApi} per WebSocket API`);
    }
    for (const key of keys) {
        const problem = routeKeyProblem(key);
        if (problem) {
            report(["routes", key], problem);
        }
    }
    if (!SELECTION_EXPRESSION.test(spec.routeSelectionExpression)) {
        report(
            ["routeSelectionExpression"],
            `${showValue(spec.routeSelectionExpression)} is not a WebSocket route selection expression; write $request.body.<field>, the JSON field of each message that holds its route key (e.g. ${DEFAULT_SELECTION_EXPRESSION})`,
        );
    }
    if (spec.authorizer) {
        if (!keys.includes("$connect")) {
            report(["authorizer"], "is set, but platform:websocket.routes has no $connect; a WebSocket API authorizes a client once, on $connect (its other routes take no authorizer): route $connect to a function");
        }
        if (spec.authorizer.identitySources.length === 0) {
            report(["authorizer", "identitySources"], "is empty; name where the token is, e.g. route.request.querystring.token (API Gateway refuses the connection with 401 when it is missing)");
        }
        spec.authorizer.identitySources.forEach((source, index) => {
            if (!IDENTITY_SOURCE.test(source)) {
                report(
                    ["authorizer", "identitySources", index],
                    `${showValue(source)} is not an identity source of a WebSocket API; use route.request.querystring.<name> (browsers cannot set headers on a WebSocket), route.request.header.<name>, stageVariables.<name> or context.<name>`,
                );
            }
        });
    }
    if (!STAGE_NAME.pattern.test(spec.stage.name)) {
        report(["stage", "name"], `${showValue(spec.stage.name)} is not a stage name API Gateway takes; use ${STAGE_NAME.allowed}`);
    }
    problems.push(...throttleProblems(spec.stage.throttle));
    return problems;
}

/** The functions the API invokes, each once, in route order then the authorizer's. */
export function invokedFunctions(spec: Pick<WebSocketSpec, "routes" | "authorizer">): string[] {
    return [...new Set([...Object.values(spec.routes), ...(spec.authorizer ? [spec.authorizer.function] : [])])];
}

/**
 * Problems between the API and `platform:functions` (undefined: the stack has none), at full
 * paths: each route and the authorizer name a function that exists, whose timeout fits the
 * integration timeout.
 */
export function functionProblems(spec: Pick<WebSocketSpec, "routes" | "authorizer">, functions: Readonly<Record<string, InvokedFunction>>): Problem[] {
    const problems: Problem[] = [];
    const names = Object.keys(functions).sort();
    const missing = (value: string) => {
        const guess = closestMatch(value, names);
        return names.length === 0
            ? `${showValue(value)} is not a function of platform:functions, which has none`
            : `${showValue(value)} is not a function of platform:functions${guess ? ` (did you mean ${guess}?)` : ""}; it has ${names.join(", ")}`;
    };
    const invokers = new Map<string, string[]>();
    for (const [key, fn] of Object.entries(spec.routes)) {
        if (functions[fn] === undefined) {
            problems.push({ path: ["websocket", "routes", key], message: missing(fn) });
        } else {
            invokers.set(fn, [...(invokers.get(fn) ?? []), `platform:websocket.routes.${key}`]);
        }
    }
    if (spec.authorizer) {
        const fn = spec.authorizer.function;
        if (functions[fn] === undefined) {
            problems.push({ path: ["websocket", "authorizer", "function"], message: missing(fn) });
        } else {
            invokers.set(fn, [...(invokers.get(fn) ?? []), "platform:websocket.authorizer"]);
        }
    }
    const ceiling = WEBSOCKET_LIMITS.integrationTimeoutMs.max / 1000;
    for (const [fn, by] of invokers) {
        const timeout = functions[fn].timeoutSeconds;
        if (timeout > ceiling) {
            problems.push({
                path: ["functions", fn, "timeoutSeconds"],
                message: `${timeout} is longer than API Gateway waits for a WebSocket API's Lambda call (at most ${ceiling} s, a fixed quota): ${by.join(" and ")} invoke${by.length === 1 ? "s" : ""} ${fn}, whose client would see a timeout while it still runs; use at most ${ceiling}`,
            });
        }
    }
    return problems;
}

/** Why the network's interface endpoints break the functions' calls to the API, at full paths. */
export function endpointProblems(interfaceEndpoints: readonly string[]): Problem[] {
    return interfaceEndpoints.flatMap((service, index) =>
        service === EXECUTE_API_ENDPOINT
            ? [
                  {
                      path: ["network", "interfaceEndpoints", index],
                      message: `${showValue(service)} is not allowed beside platform:websocket: with its private DNS on, every *.execute-api name in the VPC resolves to the endpoint, which reaches private APIs only, so functions posting to the WebSocket API's @connections (a public API) get 403 Forbidden; leave it out (the functions reach the API through the NAT)`,
                  },
              ]
            : [],
    );
}

/** The API's name: `<prefix>-<env>-websocket`. */
export const API_NAME_PART = "websocket";

/** The @connections callback endpoint consumers post to: `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>`. */
export function callbackEndpoint(apiId: pulumi.Input<string>, region: string, stage: string): pulumi.Output<string> {
    return pulumi.interpolate`https://${apiId}.execute-api.${region}.amazonaws.com/${stage}`;
}

/** `<stage execution ARN>/*\/@connections/*`: post to, get and delete any connection of the stage, nothing else. */
export function connectionsArn(stageExecutionArn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${stageExecutionArn}/*/@connections/*`;
}

/** What a connecting consumer's role gets: the @connections API of exactly this API and stage. */
export function connectionStatements(stageExecutionArn: pulumi.Input<string>): PolicyStatement[] {
    return [{ Sid: "ManageWebSocketConnections", Effect: "Allow", Action: MANAGE_CONNECTIONS_ACTION, Resource: connectionsArn(stageExecutionArn) }];
}

/** The source ARN API Gateway invokes a route's function with: `<api execution ARN>/<stage>/<route key>`. */
export function routeSourceArn(apiExecutionArn: pulumi.Input<string>, stage: string, routeKey: string): pulumi.Output<string> {
    return pulumi.interpolate`${apiExecutionArn}/${stage}/${routeKey}`;
}

/** The source ARN API Gateway invokes an authorizer's function with: `<api execution ARN>/authorizers/<authorizer id>`. */
export function authorizerSourceArn(apiExecutionArn: pulumi.Input<string>, authorizerId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${apiExecutionArn}/authorizers/${authorizerId}`;
}

/** A route's part of logical names: `connect` for `$connect`, `action-<key>` for a custom key (no clash between them). */
export function routeSlug(key: string): string {
    return isPredefinedRoute(key) ? key.slice(1) : `action-${key}`;
}

/** The Lambda permission statement id of a route (`[A-Za-z0-9_-]`, at most 100): `WebSocketConnect`, `WebSocketRoute-sendMood`. */
export function routeStatementId(key: string): string {
    return isPredefinedRoute(key) ? `WebSocket${key.charAt(1).toUpperCase()}${key.slice(2)}` : `WebSocketRoute-${key}`;
}

/**
 * The access log's format: one JSON object a message or connection event, with what finds a
 * problem (request and connection ids, the route, the status, the integration's and the
 * authorizer's errors, latency, the caller's address). Well under the 3 KB template quota.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    extendedRequestId: "$context.extendedRequestId",
    requestTime: "$context.requestTime",
    connectionId: "$context.connectionId",
    eventType: "$context.eventType",
    routeKey: "$context.routeKey",
    status: "$context.status",
    sourceIp: "$context.identity.sourceIp",
    error: "$context.error.message",
    integrationStatus: "$context.integration.status",
    integrationError: "$context.integration.error",
    integrationLatency: "$context.integrationLatency",
    authorizeError: "$context.authorize.error",
});
