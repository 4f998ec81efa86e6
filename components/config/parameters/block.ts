/**
 * The parameters block (`platform:parameters`): run-time settings in SSM Parameter Store, each
 * `/<prefix>/<env>/<path>/<name>`, that the app reads while it runs (a change needs no restart).
 * A store without a security group: tasks reach Parameter Store over HTTPS (the NAT, or the `ssm`
 * interface endpoint). Consumers that list `parameters` in their `connectsTo` get the path and the
 * refresh period as environment, and a task role that may read exactly that path and decrypt
 * through Parameter Store with its key; no ECS `secrets` (those are read only at task start).
 *
 * It reads the services' resolved config (`view.config(servicesBlock)`) to hold their reads within
 * Parameter Store's throughput. The services block knows stores only by name (`ctx.connection`),
 * never by import, so importing it here makes no cycle.
 */
import { z } from "zod";
import { Problem, nest } from "../../../lib/problems";
import { BuildContext, ConfigView, defineBlock, singleKey } from "../../../stacks/block";
import { servicesBlock } from "../../compute/services/block";
import type { ServiceConfig } from "../../compute/services/config";
import { networkBlock } from "../../network/vpc/block";
import {
    CREATE_KEY,
    PARAMETERS_PATH_VARIABLE,
    PARAMETERS_REFRESH_VARIABLE,
    PARAMETER_TYPES,
    Reader,
    SSM_LIMITS,
    THROUGHPUT_SHARE,
    parametersProblems,
    throughputProblem,
} from "./parameters";
import { KEY_DELETION_WINDOW_DAYS, SsmParameters } from "./ssm-parameters";

/** What a service writes in `connectsTo` to get the parameters (the block's name). */
const STORE_NAME = "parameters";

/** Seconds between a task's reads of the path unless config says otherwise. */
export const REFRESH_SECONDS_DEFAULT = 60;

const ValueSchema = z
    .strictObject({
        type: z.enum(PARAMETER_TYPES).describe("`String` (its value from config) or `SecureString` (encrypted with the key; its value set out of band)."),
        value: z.string().optional().describe("A String's value, 1 character to 4 KB; never given for a SecureString (refused)."),
        allowedPattern: z
            .string()
            .optional()
            .describe("A regular expression Parameter Store checks every value against (anchor it: `^\\d+$`); a String's value is checked against it here too. Default: none."),
        description: z.string().optional().describe("What the setting is for, up to 1024 characters. Default: none."),
    })
    .describe("One parameter, `/<prefix>/<env>/<path>/<name>`, Standard tier.");

function parametersSchema() {
    const budget = SSM_LIMITS.defaultThroughput * THROUGHPUT_SHARE;
    return z
        .strictObject({
            path: z
                .string()
                .describe("The levels under `/<prefix>/<env>/` the parameters sit in: `point` → `/<prefix>/<env>/point/<name>`; a-z, A-Z, 0-9, `_`, `.`, `-`, with `/` between levels."),
            refreshSeconds: z
                .number()
                .int()
                .min(1)
                .default(REFRESH_SECONDS_DEFAULT)
                .describe(
                    `Seconds between a task's reads of the path (\`PARAMETERS_REFRESH_SECONDS\`): the connecting services' most tasks, one read each per period, stay within ${budget} reads a second (half of Parameter Store's default ${SSM_LIMITS.defaultThroughput} for the account and region).`,
                ),
            kmsKey: z
                .string()
                .default(CREATE_KEY)
                .describe("The key SecureStrings are encrypted with: `create` (a customer managed key, rotation on, alias `alias/<prefix>-<env>-parameters`) or a KMS key ARN of the stack's region."),
            highThroughput: z
                .boolean()
                .default(false)
                .describe("The account and region run Parameter Store's higher throughput (a paid account setting this stack does not change): the default-throughput rule is then not applied."),
            values: z
                .record(z.string(), ValueSchema)
                .describe("The parameters by name under the path (`max-earn-per-transaction` → `/<prefix>/<env>/<path>/max-earn-per-transaction`)."),
        })
        .describe("Run-time settings in SSM Parameter Store that connecting services read by path while they run.");
}

export type ParametersConfig = z.output<ReturnType<typeof parametersSchema>>;

/** The most tasks a service runs: its autoscaling maximum, for each colour that runs (blue/green). */
function mostTasks(service: ServiceConfig): number {
    const { deployment } = service;
    const running = deployment.kind === "plain" ? 1 : Object.values(deployment.colours).filter((colour) => !colour.scaledToZero).length;
    return service.autoscaling.max * running;
}

/** The services of the stack that connect to the parameters (none without platform:services). */
function readers(view: ConfigView): Reader[] {
    const services = view.config(servicesBlock)?.services ?? [];
    return services.filter((service) => service.connectsTo.includes(STORE_NAME)).map((service) => ({ service: service.name, tasks: mostTasks(service) }));
}

export const parametersBlock = defineBlock({
    name: "parameters",
    keys: ["parameters"],
    schema: () => singleKey("parameters", parametersSchema()),

    rules(parameters, view): Problem[] {
        const problems = nest(["parameters"], parametersProblems(parameters, { naming: view.stack.naming, region: view.stack.region }));
        const reading = readers(view);
        if (reading.length > 0 && !parameters.highThroughput) {
            const problem = throughputProblem(reading, Object.keys(parameters.values).length, parameters.refreshSeconds);
            if (problem) {
                problems.push({ path: ["parameters", "refreshSeconds"], message: problem });
            }
        }
        const network = view.config(networkBlock);
        if (reading.length > 0 && network?.natGateways === "none" && !network.interfaceEndpoints.includes("ssm")) {
            problems.push({
                path: ["network", "interfaceEndpoints"],
                message: `has no "ssm"; with natGateways none, tasks reach platform:parameters only through the Systems Manager interface endpoint (add "ssm")`,
            });
        }
        return problems;
    },

    store: {
        label: "the parameters",
        variables: [PARAMETERS_PATH_VARIABLE, PARAMETERS_REFRESH_VARIABLE],
        connection: (built: SsmParameters, parameters: ParametersConfig) => ({
            environment: { [PARAMETERS_PATH_VARIABLE]: built.path, [PARAMETERS_REFRESH_VARIABLE]: String(parameters.refreshSeconds) },
            secrets: {},
            statements: built.statements,
        }),
    },

    build(parameters: ParametersConfig, ctx: BuildContext): SsmParameters {
        const { naming, tags, region, env } = ctx.stack;
        return new SsmParameters("parameters", {
            naming,
            tags,
            region,
            path: parameters.path,
            kmsKey: parameters.kmsKey,
            values: parameters.values,
            keyDeletionWindowInDays: KEY_DELETION_WINDOW_DAYS[env],
        });
    },

    outputs: (built) => ({
        parameters: {
            path: built.path,
            kmsKeyArn: built.keyArn,
            names: Object.fromEntries(built.parameters.map((p) => [p.key, p.name])),
        },
    }),
});
