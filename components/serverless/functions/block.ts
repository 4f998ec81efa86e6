/**
 * The functions block (`platform:functions`): AWS Lambda functions by name, each
 * `<prefix>-<env>-<name>` (LambdaFunction), its code an image of the account's ECR or a .zip in S3.
 * In the VPC by default: the private subnets of platform:network, behind the `lambda` security
 * group this block declares, with flows to the stores the functions connect to and HTTPS out
 * (AWS APIs, the WebSocket API's @connections endpoint, through the NAT).
 *
 * Each function gets exactly the stores it lists in `connectsTo`: their settings as environment,
 * their secrets by reference (`<VAR>_SECRET_ARN`, `<VAR>_SECRET_KEY`: Lambda has no secret
 * injection) with a grant to read exactly those, and their statements on its own role.
 *
 * Blocks built before it that invoke functions (the WebSocket API's routes) publish a
 * `FunctionInvoker` (invokers.ts); once the functions exist this block hands them every function.
 * Blocks built after it (schedules) `ctx.need(functionsBlock)`.
 */
import { z } from "zod";
import { Path, Problem, showValue } from "../../../lib/problems";
import { BuildContext, Connection, ConfigView, connectsToProblems, defineBlock, storeFlows } from "../../../stacks/block";
import { INTERNET } from "../../network/security-groups/matrix";
import { networkBlock } from "../../network/vpc/block";
import { FUNCTION_THRESHOLDS, functionAlarms } from "./alarms";
import { BuiltFunction, FUNCTION_INVOKERS } from "./invokers";
import { ARCHITECTURES, LAMBDA_LIMITS, SUPPORTED_RUNTIMES, functionProblems, secretVariableNames } from "./lambda";
import { LambdaFunction } from "./lambda-function";

/** What a function gets when config does not say. */
export const FUNCTION_DEFAULTS = { architecture: "x86_64", memoryMb: 256, timeoutSeconds: 30, vpc: true } as const;

/** The security group the functions in the VPC run behind. */
export const LAMBDA_GROUP = "lambda";

/** Minutes the lambda group's deletion may wait for Lambda to release its network interfaces. */
export const LAMBDA_GROUP_DELETE_MINUTES = 45;

const ImageSchema = z
    .strictObject({
        repository: z
            .string()
            .optional()
            .describe("ECR repository of the account stack (platform:repositories in Pulumi.account.yaml), by name; several functions may share one image. Default: platform:functionDefaults.image.repository."),
        imageTag: z
            .string()
            .optional()
            .describe("Image tag (not `latest`) or `sha256:` digest; it must be in the repository, built for the function's architecture. Default: platform:functionDefaults.image.imageTag."),
        command: z
            .array(z.string())
            .optional()
            .describe("Overrides the image's CMD: the handler (and its arguments), so one image serves several functions, e.g. `[\"app.handlers.connect\"]`. Default: the image's CMD."),
    })
    .describe("The function's code as a container image of the account's ECR. Exactly one of image and s3.");

const S3Schema = z
    .strictObject({
        bucket: z.string().describe("Bucket of the .zip, in the stack's region."),
        key: z.string().describe("Object key of the .zip."),
        runtime: z.string().describe(`A managed runtime Lambda still supports: ${Object.keys(SUPPORTED_RUNTIMES).map((r) => `\`${r}\``).join(", ")}; deprecated ones are refused.`),
        handler: z.string().describe("The handler in the .zip, e.g. `app.handler`."),
    })
    .describe("The function's code as a .zip in S3 on a managed runtime. Exactly one of image and s3.");

function functionSchema() {
    const { memoryMb, timeoutSeconds } = LAMBDA_LIMITS;
    return z
        .strictObject({
            image: ImageSchema.optional(),
            s3: S3Schema.optional(),
            architecture: z.enum(ARCHITECTURES).default(FUNCTION_DEFAULTS.architecture).describe("Instruction set the code is built for: `x86_64` or `arm64` (an image must be built for it)."),
            memoryMb: z.number().default(FUNCTION_DEFAULTS.memoryMb).describe(`Memory, ${memoryMb.min}–${memoryMb.max} MB; CPU follows it.`),
            timeoutSeconds: z.number().default(FUNCTION_DEFAULTS.timeoutSeconds).describe(`Seconds an invocation may run, ${timeoutSeconds.min}–${timeoutSeconds.max}.`),
            environment: z
                .record(z.string(), z.string())
                .default({})
                .describe(
                    `Plain settings; a secret-looking name (\`*PASSWORD*\`, \`*SECRET*\`, \`*TOKEN*\`, \`*API_KEY*\`…) is refused unless its value is an ARN, and Lambda's own variables (AWS_REGION…) too; at most ${LAMBDA_LIMITS.environmentBytes} bytes with the connections' variables.`,
                ),
            reservedConcurrency: z.number().optional().describe("Concurrent executions reserved for the function, and its cap; 0 stops it. Default: none (the account's unreserved pool)."),
            vpc: z
                .boolean()
                .default(FUNCTION_DEFAULTS.vpc)
                .describe("Run in the private subnets of platform:network behind the `lambda` security group (to reach the VPC's stores); false: outside any VPC."),
            connectsTo: z
                .array(z.string())
                .default([])
                .describe("The stores (block names: `cache`, `websocket`, `secrets`…) whose settings, secret references, grants and network paths the function gets. Default: none."),
        })
        .describe("One function, `<prefix>-<env>-<name>`: its code, size, timeout, settings, network and the stores it uses.");
}

const DefaultsSchema = z
    .strictObject({
        image: z
            .strictObject({
                repository: z.string().optional().describe("The repository of every function with an `image` that names none."),
                imageTag: z.string().optional().describe("The tag of every function with an `image` that names none: one edit releases them all."),
            })
            .optional()
            .describe("What every function's `image` inherits; its own fields win."),
    })
    .describe("What every function of platform:functions inherits unless it says otherwise.");

function functionsSchema() {
    return z
        .strictObject({
            functions: z
                .record(z.string(), functionSchema())
                .describe("Lambda functions by name (lowercase letters, digits and hyphens: `ws-connect` → `<prefix>-<env>-ws-connect`)."),
            functionDefaults: DefaultsSchema.optional(),
        })
        .transform(({ functions, functionDefaults }) => {
            const shared = functionDefaults?.image ?? {};
            return Object.fromEntries(
                Object.entries(functions).map(([key, fn]): [string, FunctionConfig] => {
                    if (fn.image === undefined) {
                        const { image: _none, ...rest } = fn;
                        return [key, rest];
                    }
                    const inherited = (["repository", "imageTag"] as const).filter((field) => fn.image![field] === undefined && shared[field] !== undefined);
                    const image = {
                        ...fn.image,
                        // A missing field is the rules' to report (MISSING), beside the others.
                        repository: fn.image.repository ?? shared.repository ?? MISSING,
                        imageTag: fn.image.imageTag ?? shared.imageTag ?? MISSING,
                    };
                    return [key, { ...fn, image, ...(inherited.length > 0 ? { inherited } : {}) }];
                }),
            ) as FunctionsConfig;
        });
}

/** Stands for a repository or tag neither the function nor platform:functionDefaults gives. */
const MISSING = "";

type RawFunction = z.output<ReturnType<typeof functionSchema>>;

/** A function as the stack resolves it: its image's repository and tag filled from platform:functionDefaults. */
export type FunctionConfig = Omit<RawFunction, "image"> & {
    readonly image?: { readonly repository: string; readonly imageTag: string; readonly command?: string[] };
    /** The image fields it takes from platform:functionDefaults.image. */
    readonly inherited?: ReadonlyArray<"repository" | "imageTag">;
};
export type FunctionsConfig = Readonly<Record<string, FunctionConfig>>;

/** What the block built: every function by key (what invokers and the schedules use), and the components. */
export interface BuiltFunctions {
    readonly functions: ReadonlyMap<string, BuiltFunction>;
    readonly components: readonly LambdaFunction[];
}

/** Every connection of a function, merged. */
function connectionsOf(stores: readonly string[], connection: (store: string) => Connection | undefined): Required<Connection> {
    const connections = stores.map((store) => connection(store)).filter((c): c is Connection => c !== undefined);
    return {
        environment: Object.assign({}, ...connections.map((c) => c.environment)),
        secrets: Object.assign({}, ...connections.map((c) => c.secrets)),
        statements: connections.flatMap((c) => c.statements ?? []),
    };
}

/** The functions that run in the VPC. */
function inVpc(config: FunctionsConfig): Array<[string, FunctionConfig]> {
    return Object.entries(config).filter(([, f]) => f.vpc);
}

function functionsProblems(config: FunctionsConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    if (Object.keys(config).length === 0) {
        return [{ path: ["functions"], message: "is empty; name at least one function, or leave platform:functions out" }];
    }
    // A store's variable, and what Lambda makes of a store's secret: the function's own settings may not use them.
    const reserved = new Set(view.connectionVariables.flatMap((v) => [v, ...secretVariableNames(v)]));
    const network = view.config(networkBlock);
    const reportedDefaults = new Set<string>();
    for (const [key, fn] of Object.entries(config)) {
        const at = (...path: Path): Path => ["functions", key, ...path];
        for (const field of ["repository", "imageTag"] as const) {
            if (fn.image?.[field] === MISSING) {
                problems.push({ path: at("image", field), message: `is required: give it here or in platform:functionDefaults.image.${field}` });
            }
        }
        for (const problem of functionProblems(key, fn, view.stack.naming)) {
            const [first, field] = problem.path;
            if (first === "image" && (field === "repository" || field === "imageTag") && fn.image?.[field] === MISSING) {
                continue; // reported above
            }
            if (first === "image" && (field === "repository" || field === "imageTag") && fn.inherited?.includes(field)) {
                // An inherited value's mistake is platform:functionDefaults', reported once there.
                if (!reportedDefaults.has(field)) {
                    reportedDefaults.add(field);
                    problems.push({ path: ["functionDefaults", "image", field], message: problem.message });
                }
                continue;
            }
            problems.push({ path: at(...problem.path), message: problem.message });
        }
        problems.push(
            ...connectsToProblems(fn.connectsTo, view, (i) => at("connectsTo", i), (store, info) =>
                !fn.vpc && info.group !== undefined
                    ? `${showValue(store)} is reached inside the VPC (security group ${info.group}), but the function runs outside it (vpc: false); set vpc: true`
                    : undefined,
            ),
        );
        for (const variable of Object.keys(fn.environment).filter((v) => reserved.has(v))) {
            problems.push({ path: at("environment", variable), message: `${showValue(variable)} is set by the platform itself (a store's settings or secret references); choose another name` });
        }
        if (fn.vpc) {
            // No ENI rule: VPC functions use Hyperplane ENIs, one per subnet + security-group
            // combination shared by every function of the account that has it (all of this block's
            // functions share the `lambda` group and the private subnets), so the 250 ENIs per VPC
            // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html) are far off.
            if (!network) {
                problems.push({ path: at("vpc"), message: "true needs platform:network: the function runs in its private subnets; add platform:network, or set vpc: false" });
            } else if (network.subnets.private.length === 0) {
                problems.push({ path: at("vpc"), message: "true, but platform:network has no private subnets; add some (platform:network.subnets.private), or set vpc: false" });
            }
        }
    }
    return problems;
}

export const functionsBlock = defineBlock({
    name: "functions",
    keys: ["functions", "functionDefaults"],
    presentWith: ["functions"],
    schema: () => functionsSchema(),
    thresholds: FUNCTION_THRESHOLDS,

    rules: (config: FunctionsConfig, view): Problem[] => functionsProblems(config, view),

    securityGroups: (config: FunctionsConfig, view) => {
        const vpcFunctions = inVpc(config);
        if (vpcFunctions.length === 0) {
            return {};
        }
        return {
            // Lambda's network interfaces outlive the functions by 20 minutes or more: deleting the group waits.
            groups: [{ name: LAMBDA_GROUP, description: "Lambda functions", deleteTimeoutMinutes: LAMBDA_GROUP_DELETE_MINUTES }],
            flows: [
                { from: { group: LAMBDA_GROUP }, to: { cidr: INTERNET }, port: 443, why: "HTTPS out: AWS APIs, the WebSocket @connections endpoint" },
                ...storeFlows(view, LAMBDA_GROUP, "functions", vpcFunctions.flatMap(([, f]) => f.connectsTo)),
            ],
        };
    },

    build(config: FunctionsConfig, ctx: BuildContext): BuiltFunctions {
        const network = ctx.built(networkBlock);
        const functions = new Map<string, BuiltFunction>();
        const components = Object.entries(config).map(([key, fn]) => {
            // The function says who it is: a store may give each consumer only what is meant for it.
            const connections = connectionsOf(fn.connectsTo, (store) => ctx.connection(store, key));
            if (fn.vpc && !network) {
                // The config rules refuse vpc: true without platform:network: a program bug.
                throw new Error(`function ${key} runs in the VPC, but no network was built`);
            }
            const component = new LambdaFunction(`functions-${key}`, {
                naming: ctx.stack.naming,
                tags: ctx.stack.tags,
                key,
                image: fn.image,
                s3: fn.s3,
                architecture: fn.architecture,
                memoryMb: fn.memoryMb,
                timeoutSeconds: fn.timeoutSeconds,
                environment: { ...fn.environment, ...connections.environment },
                secrets: connections.secrets,
                statements: connections.statements,
                reservedConcurrency: fn.reservedConcurrency,
                ...(fn.vpc && network
                    ? { vpc: { subnetIds: network.privateSubnetIds, securityGroupIds: [ctx.securityGroupId(LAMBDA_GROUP)], replacementSecurityGroupIds: [network.defaultSecurityGroupId] } }
                    : {}),
                logRetentionDays: ctx.stack.logRetentionDays,
            });
            functions.set(key, { key, name: component.functionName, arn: component.arn, invokeArn: component.invokeArn, roleName: component.roleName });
            return component;
        });
        for (const invoker of ctx.collect(FUNCTION_INVOKERS)) {
            invoker.wire(functions);
        }
        return { functions, components };
    },

    outputs: (built) => ({
        functions: Object.fromEntries(built.components.map((c) => [c.key, { name: c.functionName, arn: c.arn, logGroup: c.logGroupName }])),
    }),

    alarms: (built, _config, thresholds) => ({
        rank: 15,
        title: "Lambda",
        specs: built.components.flatMap((c) => functionAlarms({ key: c.key, functionName: c.functionName, timeoutSeconds: c.timeoutSeconds }, thresholds)),
    }),
});
