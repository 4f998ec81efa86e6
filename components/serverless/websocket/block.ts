/**
 * The WebSocket block (`platform:websocket`): an API Gateway v2 WebSocket API whose routes invoke
 * functions of `platform:functions`, with a Lambda REQUEST authorizer on `$connect` and a stage
 * with throttling, access and execution logs and per-route metrics (WebSocketApi).
 *
 * Built before the functions: the functions that post to connections (`connectsTo: [websocket]`)
 * need the API's callback endpoint and a grant on its @connections API, and the routes need the
 * functions. The block publishes a `FunctionInvoker` (functions/invokers.ts); the functions block
 * calls it with every function once they exist, and the integrations, routes, authorizer,
 * permissions and stage are created then.
 *
 * A store without a security group: consumers reach the API's public callback endpoint over HTTPS
 * (through the NAT for those in the VPC).
 */
import { z } from "zod";
import { LogRetentionDays, logRetentionProblem } from "../../../lib/aws-limits";
import { Problem, nest } from "../../../lib/problems";
import { BuildContext, StackInfo, defineBlock, singleKey } from "../../../stacks/block";
import { networkBlock } from "../../network/vpc/block";
import { FunctionsConfig, functionsBlock } from "../functions/block";
import { FUNCTION_INVOKERS } from "../functions/invokers";
import { WEBSOCKET_THRESHOLDS, websocketAlarms } from "./alarms";
import {
    ACCOUNT_THROTTLE,
    CUSTOM_ROUTE_KEY,
    DEFAULT_SELECTION_EXPRESSION,
    EXECUTION_LOG_LEVELS,
    PREDEFINED_ROUTES,
    STAGE_NAME,
    WEBSOCKET_ENDPOINT_VARIABLE,
    WEBSOCKET_LIMITS,
    WebSocketSpec,
    endpointProblems,
    functionProblems,
    websocketProblems,
} from "./websocket";
import { WebSocketApi } from "./websocket-api";

/** What a consumer writes in `connectsTo` to post to the API's connections (the block's name). */
export const STORE_NAME = "websocket";

/** Stage throttling unless config says otherwise: a couple's app, far below the account's 10,000 a second. */
export const THROTTLE_DEFAULT = { rateLimit: 100, burstLimit: 200 } as const;

/** Where a REQUEST authorizer finds the token unless config says otherwise (browsers cannot set headers on a WebSocket). */
export const IDENTITY_SOURCES_DEFAULT = ["route.request.querystring.token"];

/** Why `tracing` is refused. */
export const TRACING_REFUSED =
    'is refused: API Gateway traces REST APIs only ("X-Ray only supports tracing for REST APIs through API Gateway", AWS X-Ray Developer Guide); a WebSocket stage cannot be traced. Leave it out, and trace the route functions (Lambda\'s X-Ray tracing) instead';

function websocketSchema(stack: StackInfo) {
    const { rateLimit, burstLimit } = ACCOUNT_THROTTLE;
    return z
        .strictObject({
            routes: z
                .record(z.string(), z.string())
                .describe(
                    `Route key → the function of platform:functions it invokes: ${PREDEFINED_ROUTES.map((r) => `\`${r}\``).join(", ")}, or a custom key, the action a message names (\`sendMood\`: ${CUSTOM_ROUTE_KEY.allowed}, at most ${CUSTOM_ROUTE_KEY.maxLength}); at most ${WEBSOCKET_LIMITS.routesPerApi} routes. One integration per function.`,
                ),
            routeSelectionExpression: z
                .string()
                .default(DEFAULT_SELECTION_EXPRESSION)
                .describe("`$request.body.<field>`: the JSON field of each message whose value is its route key; a message without a matching key goes to `$default`."),
            authorizer: z
                .strictObject({
                    function: z.string().describe("The function of platform:functions that authorizes a connection: it gets the identity sources and returns an IAM policy (Allow or Deny on the `$connect` route)."),
                    identitySources: z
                        .array(z.string())
                        .default(IDENTITY_SOURCES_DEFAULT)
                        .describe("Where the token is: `route.request.querystring.<name>`, `route.request.header.<name>`, `stageVariables.<name>` or `context.<name>`; a connection without them is refused with 401 before the function runs."),
                })
                .optional()
                .describe("A Lambda REQUEST authorizer on `$connect` (a WebSocket API authorizes a client once, when it connects); needs a `$connect` route. Default: none, anyone may connect."),
            stage: z
                .strictObject({
                    name: z.string().default(stack.envName).describe(`The stage, the URL's path (\`wss://<api-id>.execute-api.<region>.amazonaws.com/<stage>\`): ${STAGE_NAME.allowed}. Default: platform:envName.`),
                    throttle: z
                        .strictObject({
                            rateLimit: z.number().default(THROTTLE_DEFAULT.rateLimit).describe(`Steady requests (messages and connects) a second for the stage, above 0 and at most ${rateLimit} (the account's default for every API in the Region).`),
                            burstLimit: z.number().default(THROTTLE_DEFAULT.burstLimit).describe(`Requests at once for the stage, a whole number above 0 and at most ${burstLimit} (the account's default bucket).`),
                        })
                        .prefault({})
                        .describe("Every route's throttle (the stage's default route settings); beyond it clients get 429."),
                    logs: z
                        .strictObject({
                            retentionDays: z.number().int().default(stack.logRetentionDays).describe("Days the access and execution log groups keep events. Default: `platform:logs.retentionDays`."),
                            executionLevel: z
                                .enum(EXECUTION_LOG_LEVELS)
                                .default("ERROR")
                                .describe("Execution logs to `API-Gateway-Execution-Logs_<api-id>/<stage>` (created with the retention): `ERROR`, `INFO` (every call, for debugging) or `OFF`. Access logs are always on."),
                        })
                        .prefault({})
                        .describe("Access logs (JSON: request and connection ids, route, status, errors, latency) to `/aws/apigateway/<prefix>-<env>/websocket`, and execution logs."),
                })
                .prefault({})
                .describe("The stage: auto-deployed, throttled, logged, with per-route (detailed) metrics."),
            tracing: z
                .unknown()
                .optional()
                .refine((value) => value === undefined, { error: TRACING_REFUSED })
                .describe("Refused: API Gateway traces REST APIs only, never a WebSocket stage; the route functions trace themselves."),
        })
        .describe("An API Gateway WebSocket API whose routes invoke functions of platform:functions.");
}

export type WebSocketConfig = z.output<ReturnType<typeof websocketSchema>>;

/** The component's spec from the resolved config. */
export function websocketSpec(ws: WebSocketConfig): WebSocketSpec {
    return {
        routes: ws.routes,
        routeSelectionExpression: ws.routeSelectionExpression,
        ...(ws.authorizer ? { authorizer: ws.authorizer } : {}),
        stage: { name: ws.stage.name, throttle: ws.stage.throttle, executionLogging: ws.stage.logs.executionLevel },
    };
}

export const websocketBlock = defineBlock({
    name: "websocket",
    keys: ["websocket"],
    requires: [functionsBlock],
    schema: (stack) => singleKey("websocket", websocketSchema(stack)),
    thresholds: WEBSOCKET_THRESHOLDS,

    rules(ws, view): Problem[] {
        const problems = nest(["websocket"], websocketProblems(websocketSpec(ws)));
        const retention = logRetentionProblem(ws.stage.logs.retentionDays);
        // A retention inherited from platform:logs.retentionDays is reported there.
        if (retention && ws.stage.logs.retentionDays !== view.stack.logRetentionDays) {
            problems.push({ path: ["websocket", "stage", "logs", "retentionDays"], message: retention });
        }
        const functions: FunctionsConfig = view.config(functionsBlock) ?? {};
        problems.push(...functionProblems(ws, functions));
        const network = view.config(networkBlock);
        if (network) {
            problems.push(...endpointProblems(network.interfaceEndpoints));
            if (network.natGateways === "none") {
                for (const [key, fn] of Object.entries(functions).filter(([, f]) => f.vpc)) {
                    const index = fn.connectsTo.indexOf(STORE_NAME);
                    if (index >= 0) {
                        problems.push({
                            path: ["functions", key, "connectsTo", index],
                            message: `"${STORE_NAME}" is reached over the internet (the API's @connections endpoint is public, and an execute-api interface endpoint reaches private APIs only), but the function runs in the VPC and platform:network.natGateways is none; use single or perAz, or set vpc: false`,
                        });
                    }
                }
            }
        }
        return problems;
    },

    store: {
        label: "the WebSocket API",
        variables: [WEBSOCKET_ENDPOINT_VARIABLE],
        connection: (api: WebSocketApi) => ({ environment: { [WEBSOCKET_ENDPOINT_VARIABLE]: api.callbackEndpoint }, secrets: {}, statements: api.statements }),
    },

    build(ws: WebSocketConfig, ctx: BuildContext): WebSocketApi {
        const { naming, tags, region } = ctx.stack;
        const api = new WebSocketApi("websocket", { naming, tags, region, ...websocketSpec(ws), logRetentionDays: ws.stage.logs.retentionDays as LogRetentionDays });
        ctx.publish(FUNCTION_INVOKERS, { functions: api.functions, wire: (functions) => api.wire(functions) });
        return api;
    },

    outputs: (api) => ({ websocketUrl: api.url, websocketEndpoint: api.callbackEndpoint }),

    alarms: (api, _ws, thresholds) => ({ rank: 16, title: "WebSocket API", specs: websocketAlarms(api.apiId, api.stageName, thresholds) }),
});
