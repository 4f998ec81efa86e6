/**
 * DynamoDbTables — a stack's DynamoDB tables, one per logical name, each `<prefix>-<env>-<name>`:
 *
 * - on-demand capacity; attribute definitions computed from the keys of the table and its global
 *   secondary indexes (DynamoDB refuses one no key uses), never taken from config;
 * - point-in-time recovery on unless turned off, for 1–35 days (35 by default);
 * - encrypted at rest with the AWS managed key `alias/aws/dynamodb` by default, the AWS owned key,
 *   or a customer managed KMS key;
 * - TTL on the attribute given; deletion protection when asked (prod always);
 * - with `protect` (prod), Pulumi refuses to delete or replace a table and `pulumi destroy` leaves
 *   it in the account.
 *
 * Reached without a security group: tasks reach DynamoDB through the VPC's gateway endpoint.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { nest } from "../../../lib/problems";
import { TableSpec, attributeDefinitions, tableName, tableVariable, tablesProblems } from "./tables";

export interface DynamoDbTablesArgs extends ComponentBaseArgs {
    /** Logical name (`messages`) → the table; the physical name is `<prefix>-<env>-<name>`. */
    tables: Readonly<Record<string, TableSpec>>;
    /** Pulumi `protect` and `retainOnDelete` on every table: no deletion or replacement by Pulumi, kept on destroy (prod). @default false */
    protect?: boolean;
}

/** One table as consumers and outputs see it. */
export interface BuiltTable {
    /** The logical name. */
    readonly key: string;
    /** The variable consumers find its name in, `TABLE_<NAME>`. */
    readonly variable: string;
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** `<arn>/index/*`: every index of the table, for IAM. */
    readonly indexArns: pulumi.Output<string>;
}

export class DynamoDbTables extends PlatformComponent {
    public readonly tables: readonly BuiltTable[];

    constructor(name: string, args: DynamoDbTablesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DynamoDbTables", name, { ...args, component: "dynamodb-tables", problems: nest(["tables"], tablesProblems(args.tables, { naming: args.naming })) }, opts);
        const protect = args.protect ?? false;
        this.tables = Object.entries(args.tables).map(([key, spec]) => {
            const table = this.table(`${name}-${key}`, tableName(args.naming, key), spec, protect);
            return { key, variable: tableVariable(key), name: table.name, arn: table.arn, indexArns: pulumi.interpolate`${table.arn}/index/*` };
        });
        this.registerOutputs({ tables: Object.fromEntries(this.tables.map((t) => [t.key, { name: t.name, arn: t.arn }])) });
    }

    private table(resourceName: string, physical: string, spec: TableSpec, protect: boolean): aws.dynamodb.Table {
        const { pointInTimeRecovery: pitr, encryption } = spec;
        return new aws.dynamodb.Table(
            resourceName,
            {
                name: physical,
                billingMode: spec.billingMode,
                hashKey: spec.partitionKey.name,
                ...(spec.sortKey ? { rangeKey: spec.sortKey.name } : {}),
                attributes: attributeDefinitions(spec),
                ...(spec.globalSecondaryIndexes.length > 0
                    ? {
                          globalSecondaryIndexes: spec.globalSecondaryIndexes.map((index) => ({
                              name: index.name,
                              keySchemas: [
                                  { attributeName: index.partitionKey.name, keyType: "HASH" },
                                  ...(index.sortKey ? [{ attributeName: index.sortKey.name, keyType: "RANGE" }] : []),
                              ],
                              projectionType: index.projection,
                              ...(index.projection === "INCLUDE" ? { nonKeyAttributes: [...(index.nonKeyAttributes ?? [])] } : {}),
                          })),
                      }
                    : {}),
                ...(spec.ttlAttribute !== undefined ? { ttl: { enabled: true, attributeName: spec.ttlAttribute } } : {}),
                pointInTimeRecovery: pitr.enabled ? { enabled: true, recoveryPeriodInDays: pitr.recoveryPeriodInDays } : { enabled: false },
                // `enabled: false` is the AWS owned key; `true` the AWS managed key, or the KMS key given.
                serverSideEncryption:
                    encryption === "aws-owned" ? { enabled: false } : encryption === "aws-managed" ? { enabled: true } : { enabled: true, kmsKeyArn: encryption },
                deletionProtectionEnabled: spec.deletionProtectionEnabled,
                tags: this.tagsFor(physical),
            },
            { parent: this, protect, retainOnDelete: protect },
        );
    }
}
