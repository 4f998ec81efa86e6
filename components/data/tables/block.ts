/**
 * The tables block (`platform:tables`): DynamoDB tables by logical name, each
 * `<prefix>-<env>-<name>`. A store without a security group: tasks reach DynamoDB through the VPC's
 * gateway endpoint. Consumers that list `tables` in their `connectsTo` get every table's name as
 * `TABLE_<NAME>` and a task-role statement allowing the data-plane actions on the tables and their
 * indexes, nothing else.
 */
import { z } from "zod";
import { Env } from "../../../lib/naming";
import { Problem, nest } from "../../../lib/problems";
import { BuildContext, PerEnv, defineBlock, singleKey } from "../../../stacks/block";
import { networkBlock } from "../../network/vpc/block";
import { DynamoDbTables } from "./dynamodb-tables";
import { BILLING_MODES, DYNAMODB_LIMITS, KEY_TYPES, PROJECTIONS, tableAccessStatement, tableVariable, tablesProblems } from "./tables";

/** dev tables go with the stack; prod tables refuse deletion (and a prod rule keeps it so). */
export const DELETION_PROTECTION_DEFAULT: PerEnv<boolean> = { dev: false, prod: true };

const KeySchema = z.strictObject({
    name: z.string().describe("Attribute name, 1–255 characters."),
    type: z.enum(KEY_TYPES).describe("`S` (string), `N` (number) or `B` (binary)."),
});

const IndexSchema = z.strictObject({
    name: z.string(),
    partitionKey: KeySchema,
    sortKey: KeySchema.optional(),
    projection: z.enum(PROJECTIONS),
    nonKeyAttributes: z.array(z.string()).optional(),
});

function tableSchema(env: Env) {
    const { min, max } = DYNAMODB_LIMITS.recoveryPeriodDays;
    return z.strictObject({
        partitionKey: KeySchema.describe("The partition (hash) key: `{ name, type }`."),
        sortKey: KeySchema.optional().describe("The sort (range) key: `{ name, type }`, another attribute than the partition key. Default: none."),
        ttlAttribute: z
            .string()
            .optional()
            .describe("The attribute DynamoDB expires items by (a Number, epoch seconds); not the partition or sort key. Default: no TTL."),
        globalSecondaryIndexes: z
            .array(IndexSchema)
            .default([])
            .describe(
                `Up to ${DYNAMODB_LIMITS.globalSecondaryIndexes}, each \`{ name, partitionKey, sortKey?, projection, nonKeyAttributes? }\`: a name unique in the table (3–255 of a-z, A-Z, 0-9, _, -, .), keys as above, projection \`ALL\`, \`KEYS_ONLY\` or \`INCLUDE\`; \`nonKeyAttributes\` with \`INCLUDE\` only, 1–${DYNAMODB_LIMITS.nonKeyAttributesPerIndex} per index and ${DYNAMODB_LIMITS.nonKeyAttributesPerTable} per table.`,
            ),
        billingMode: z.enum(BILLING_MODES).default("PAY_PER_REQUEST").describe("On-demand capacity, billed per request."),
        pointInTimeRecovery: z
            .strictObject({
                enabled: z.boolean().default(true).describe("Continuous backups to restore the table to any second of the period."),
                recoveryPeriodInDays: z.number().int().default(max).describe(`Days restorable, ${min}–${max}.`),
            })
            .prefault({})
            .describe("Point-in-time recovery."),
        encryption: z
            .string()
            .default("aws-managed")
            .describe("Key of the encryption at rest: `aws-managed` (`alias/aws/dynamodb`), `aws-owned`, or a customer managed KMS key's ARN."),
        deletionProtectionEnabled: z
            .boolean()
            .default(DELETION_PROTECTION_DEFAULT[env])
            .describe("DynamoDB refuses to delete the table; prod must keep it on (and prod also gets Pulumi `protect` and `retainOnDelete`)."),
    }).describe("One table, `<prefix>-<env>-<name>`: its keys, indexes, TTL, recovery, encryption and protection.");
}

function tablesSchema(env: Env) {
    return z
        .record(z.string(), tableSchema(env))
        .describe("DynamoDB tables by logical name (`messages` → `<prefix>-<env>-messages`, variable `TABLE_MESSAGES`).");
}

export type TablesConfig = z.output<ReturnType<typeof tablesSchema>>;

export const tablesBlock = defineBlock({
    name: "tables",
    keys: ["tables"],
    schema: (stack) => singleKey("tables", tablesSchema(stack.env)),

    rules(tables, view): Problem[] {
        if (Object.keys(tables).length === 0) {
            return [{ path: ["tables"], message: "is empty; name at least one table, or leave platform:tables out" }];
        }
        const problems = nest(["tables"], tablesProblems(tables, { naming: view.stack.naming }));
        if (view.stack.env === "prod") {
            for (const [name, table] of Object.entries(tables)) {
                if (!table.deletionProtectionEnabled) {
                    problems.push({ path: ["tables", name, "deletionProtectionEnabled"], message: "false is not allowed in prod; the table must refuse deletion (security baseline)" });
                }
            }
        }
        const network = view.config(networkBlock);
        if (network && !network.gatewayEndpoints.includes("dynamodb")) {
            problems.push({
                path: ["network", "gatewayEndpoints"],
                message: `has no "dynamodb"; tasks reach platform:tables through the DynamoDB gateway endpoint, not over a NAT (add "dynamodb")`,
            });
        }
        return problems;
    },

    store: {
        label: "the tables",
        variables: [],
        configVariables: (tables: TablesConfig) => Object.keys(tables).map(tableVariable),
        connection: (built: DynamoDbTables) => ({
            environment: Object.fromEntries(built.tables.map((table) => [table.variable, table.name])),
            secrets: {},
            statements: [tableAccessStatement(built.tables)],
        }),
    },

    build(tables: TablesConfig, ctx: BuildContext): DynamoDbTables {
        // In prod, neither `pulumi destroy` nor a replacement may drop a table.
        return new DynamoDbTables("tables", { naming: ctx.stack.naming, tags: ctx.stack.tags, tables, protect: ctx.stack.env === "prod" });
    },

    outputs: (built) => ({ tables: Object.fromEntries(built.tables.map((table) => [table.key, { name: table.name, arn: table.arn }])) }),
});
