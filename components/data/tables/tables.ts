/**
 * DynamoDB table rules, as plain functions: DynamoDB's limits on names, keys, indexes,
 * projections and point-in-time recovery; the attribute definitions a table needs (exactly its
 * key attributes, computed); the variable a consumer finds each table under; and what a consumer's
 * role may do with the tables.
 *
 * Sources of the limits (each checked against the page):
 * - Names: Amazon DynamoDB Developer Guide, "Supported data types and naming rules"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html):
 *   table and index names are 3–255 characters of a-z, A-Z, 0-9, `_`, `-` and `.`; the API
 *   Reference's CreateGlobalSecondaryIndexAction says the same of IndexName (`[a-zA-Z0-9_.-]+`, 3–255).
 * - Key attributes: API Reference, AttributeDefinition
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeDefinition.html):
 *   AttributeName 1–255 characters, AttributeType `S | N | B`.
 * - Global secondary indexes: API Reference, CreateTable, GlobalSecondaryIndexes ("the maximum is
 *   20"); Developer Guide, "Quotas in Amazon DynamoDB", Secondary indexes (a default quota of 20
 *   per table) (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 * - Projections: API Reference, Projection
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Projection.html):
 *   `ALL | KEYS_ONLY | INCLUDE`; NonKeyAttributes 1–20 names of 1–255 characters per index, only
 *   with INCLUDE, and at most 100 summed over a table's secondary indexes (an attribute projected
 *   into two indexes counts twice).
 * - Point-in-time recovery: API Reference, PointInTimeRecoverySpecification
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoverySpecification.html):
 *   RecoveryPeriodInDays 1–35, 35 when not given.
 * - TTL: Developer Guide, "Using DynamoDB Time to Live (TTL)"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html):
 *   the TTL attribute holds a top-level Number, epoch seconds. That it is not a key attribute is
 *   this platform's rule, not DynamoDB's: DynamoDB accepts a key attribute (ScyllaDB's Alternator
 *   tests, run against DynamoDB itself, show it: scylladb/scylladb test/alternator/test_ttl.py,
 *   `test_ttl_expiration_hash`, `test_ttl_expiration_hash_wrong_type`), but then an item's
 *   identity is its expiry, and with a string or binary key nothing ever expires.
 */
import * as pulumi from "@pulumi/pulumi";
import { kmsKeyArnProblem } from "../../../lib/aws-limits";
import { PolicyStatement } from "../../../lib/iam";
import { Naming } from "../../../lib/naming";
import { Path, Problem, showValue } from "../../../lib/problems";

export const KEY_TYPES = ["S", "N", "B"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const PROJECTIONS = ["ALL", "KEYS_ONLY", "INCLUDE"] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** On-demand capacity only: the chat's load is spiky and small; provisioned capacity would need autoscaling to be safe. */
export const BILLING_MODES = ["PAY_PER_REQUEST"] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

/** The keys DynamoDB encrypts a table with by name; anything else is a KMS key ARN. */
export const NAMED_ENCRYPTION_KEYS = ["aws-owned", "aws-managed"] as const;

/** DynamoDB's limits (sources above). */
export const DYNAMODB_LIMITS = {
    /** Table and index names. */
    name: { min: 3, max: 255, pattern: /^[A-Za-z0-9_.-]+$/, allowed: "a-z, A-Z, 0-9, _, - and ." },
    /** Key, TTL and projected attribute names. */
    attributeName: { min: 1, max: 255 },
    /** Global secondary indexes per table (DynamoDB's default quota). */
    globalSecondaryIndexes: 20,
    /** Non-key attributes projected into one index. */
    nonKeyAttributesPerIndex: 20,
    /** Non-key attributes projected into all of a table's secondary indexes, summed. */
    nonKeyAttributesPerTable: 100,
    /** Days of point-in-time recovery. */
    recoveryPeriodDays: { min: 1, max: 35 },
} as const;

export interface KeyAttribute {
    readonly name: string;
    readonly type: KeyType;
}

export interface GlobalSecondaryIndex {
    /** Unique in its table, 3–255 characters of a-z, A-Z, 0-9, `_`, `-`, `.`. */
    readonly name: string;
    readonly partitionKey: KeyAttribute;
    readonly sortKey?: KeyAttribute;
    /** `ALL`, `KEYS_ONLY`, or `INCLUDE` the keys and `nonKeyAttributes`. */
    readonly projection: Projection;
    /** With `INCLUDE` only: 1–20 attribute names. */
    readonly nonKeyAttributes?: readonly string[];
}

/** One table as the block and the component take it, defaults applied. */
export interface TableSpec {
    readonly partitionKey: KeyAttribute;
    readonly sortKey?: KeyAttribute;
    /** The attribute holding each item's expiry (a Number, epoch seconds); not a key attribute. */
    readonly ttlAttribute?: string;
    readonly globalSecondaryIndexes: readonly GlobalSecondaryIndex[];
    readonly billingMode: BillingMode;
    readonly pointInTimeRecovery: { readonly enabled: boolean; readonly recoveryPeriodInDays: number };
    /** `aws-owned`, `aws-managed` (`alias/aws/dynamodb`) or a customer managed KMS key's ARN. */
    readonly encryption: string;
    readonly deletionProtectionEnabled: boolean;
}

/** `<prefix>-<env>-<name>`, unchecked (the rules check it; the component builds only valid names). */
export function tableName(naming: Naming, name: string): string {
    return naming.format("scoped", name);
}

/** The variable a consumer finds a table's name in: `TABLE_` and the name upper-snake-cased (`user-counter` → `TABLE_USER_COUNTER`). */
export function tableVariable(name: string): string {
    const snake = name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .toUpperCase();
    return `TABLE_${snake}`;
}

/** Each key attribute of the table and its indexes, once, in the order they first appear (what `attribute` blocks must list, and nothing else). */
export function attributeDefinitions(table: Pick<TableSpec, "partitionKey" | "sortKey" | "globalSecondaryIndexes">): KeyAttribute[] {
    const keys = [table.partitionKey, table.sortKey, ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
    const byName = new Map<string, KeyAttribute>();
    for (const key of keys) {
        if (key && !byName.has(key.name)) {
            byName.set(key.name, { name: key.name, type: key.type });
        }
    }
    return [...byName.values()];
}

/**
 * The data-plane actions a consumer needs: items one by one, in batches and in transactions
 * (TransactWriteItems is authorised per item: Put/Update/Delete and ConditionCheckItem), queries
 * and scans of the tables and their indexes, and DescribeTable (SDK mappers read the key schema).
 * No control plane (CreateTable, UpdateTable, DeleteTable, …), no streams, no PartiQL.
 */
export const TABLE_DATA_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
] as const;

/** The one statement a consumer's role gets: the data-plane actions on each table and its indexes (`<arn>/index/*`). */
export function tableAccessStatement<A extends pulumi.Input<string>>(tables: ReadonlyArray<{ readonly arn: A; readonly indexArns: A }>): PolicyStatement & { Resource: A[] } {
    return {
        Sid: "UseTables",
        Effect: "Allow",
        Action: [...TABLE_DATA_ACTIONS],
        Resource: tables.flatMap((table) => [table.arn, table.indexArns]),
    };
}

/** What DynamoDB accepts as a table or index name, for messages. */
const NAME_RULE = `${DYNAMODB_LIMITS.name.min}–${DYNAMODB_LIMITS.name.max} characters of ${DYNAMODB_LIMITS.name.allowed}`;

/** Why `name` is not a table or index name DynamoDB accepts (`is 2 characters long`), or undefined. */
function dynamoNameProblem(name: string): string | undefined {
    const { min, max, pattern } = DYNAMODB_LIMITS.name;
    if (name.length < min || name.length > max) {
        return `is ${name.length} characters long`;
    }
    if (!pattern.test(name)) {
        return "holds characters DynamoDB refuses";
    }
    return undefined;
}

function attributeNameProblem(name: string): string | undefined {
    const { min, max } = DYNAMODB_LIMITS.attributeName;
    return name.length < min || name.length > max ? `${showValue(name)} is ${name.length} characters; DynamoDB attribute names are ${min}–${max} characters` : undefined;
}

/** Where a key attribute is named, for messages. */
function keyLabel(index: GlobalSecondaryIndex | undefined, key: "partitionKey" | "sortKey"): string {
    const role = key === "partitionKey" ? "partition key" : "sort key";
    return index ? `index ${showValue(index.name)}'s ${role}` : `the table's ${role}`;
}

export interface TablesContext {
    readonly naming: Naming;
}

/** Every rule one table breaks, at paths from the table (`partitionKey.name`, `globalSecondaryIndexes[0].name`, …). */
export function tableProblems(name: string, table: TableSpec, ctx: TablesContext): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    const physical = tableName(ctx.naming, name);
    const nameIssue = dynamoNameProblem(physical);
    if (nameIssue) {
        report([], `makes the table name ${showValue(physical)}, which ${nameIssue}; DynamoDB table names are ${NAME_RULE}`);
    }

    // Keys: attribute names, a sort key other than the partition key, one type per attribute.
    const types = new Map<string, { type: KeyType; where: string }>();
    const checkKeys = (index: GlobalSecondaryIndex | undefined, at: Path) => {
        const holder = index ?? table;
        for (const key of ["partitionKey", "sortKey"] as const) {
            const attribute = holder[key];
            if (!attribute) {
                continue;
            }
            const nameProblem = attributeNameProblem(attribute.name);
            if (nameProblem) {
                report([...at, key, "name"], nameProblem);
                continue;
            }
            if (key === "sortKey" && attribute.name === holder.partitionKey.name) {
                report([...at, key, "name"], `${showValue(attribute.name)} is also ${keyLabel(index, "partitionKey")}; a sort key is another attribute`);
                continue;
            }
            const seen = types.get(attribute.name);
            if (seen && seen.type !== attribute.type) {
                report([...at, key, "type"], `${showValue(attribute.type)} gives ${showValue(attribute.name)} another type than ${seen.where} (${showValue(seen.type)}); an attribute has one type in every key`);
            } else if (!seen) {
                types.set(attribute.name, { type: attribute.type, where: keyLabel(index, key) });
            }
        }
    };
    checkKeys(undefined, []);

    // TTL: a plain attribute, not one of the table's own keys.
    if (table.ttlAttribute !== undefined) {
        const ttlProblem = attributeNameProblem(table.ttlAttribute);
        if (ttlProblem) {
            report(["ttlAttribute"], ttlProblem);
        } else {
            const key = (["partitionKey", "sortKey"] as const).find((k) => table[k]?.name === table.ttlAttribute);
            if (key) {
                report(
                    ["ttlAttribute"],
                    `${showValue(table.ttlAttribute)} is ${keyLabel(undefined, key)}; the TTL attribute holds each item's expiry (a Number, epoch seconds) and must be another attribute, e.g. "expiresAt"`,
                );
            }
        }
    }

    // Global secondary indexes: how many, their names, keys and projections.
    const indexes = table.globalSecondaryIndexes;
    if (indexes.length > DYNAMODB_LIMITS.globalSecondaryIndexes) {
        report(["globalSecondaryIndexes"], `has ${indexes.length} indexes; DynamoDB allows at most ${DYNAMODB_LIMITS.globalSecondaryIndexes} global secondary indexes per table`);
    }
    const names = new Map<string, number>();
    let projected = 0;
    indexes.forEach((index, i) => {
        const at: Path = ["globalSecondaryIndexes", i];
        const indexNameIssue = dynamoNameProblem(index.name);
        if (indexNameIssue) {
            report([...at, "name"], `${showValue(index.name)} ${indexNameIssue}; DynamoDB index names are ${NAME_RULE}`);
        } else if (names.has(index.name)) {
            report([...at, "name"], `${showValue(index.name)} is also the name of index ${names.get(index.name)}; index names are unique in a table`);
        }
        names.set(index.name, names.get(index.name) ?? i);
        checkKeys(index, at);

        const nonKey = index.nonKeyAttributes;
        if (index.projection !== "INCLUDE") {
            if (nonKey !== undefined) {
                report([...at, "nonKeyAttributes"], `is only read with projection "INCLUDE"; this index projects ${showValue(index.projection)} (ALL projects every attribute, KEYS_ONLY the keys alone)`);
            }
            return;
        }
        if (nonKey === undefined || nonKey.length === 0) {
            report([...at, "nonKeyAttributes"], `is required with projection "INCLUDE": 1–${DYNAMODB_LIMITS.nonKeyAttributesPerIndex} attribute names (or project "KEYS_ONLY")`);
            return;
        }
        if (nonKey.length > DYNAMODB_LIMITS.nonKeyAttributesPerIndex) {
            report([...at, "nonKeyAttributes"], `has ${nonKey.length} attributes; DynamoDB projects at most ${DYNAMODB_LIMITS.nonKeyAttributesPerIndex} non-key attributes into one index`);
        }
        nonKey.forEach((attribute, j) => {
            const problem = attributeNameProblem(attribute);
            if (problem) {
                report([...at, "nonKeyAttributes", j], problem);
            }
        });
        projected += nonKey.length;
    });
    if (projected > DYNAMODB_LIMITS.nonKeyAttributesPerTable) {
        report(
            ["globalSecondaryIndexes"],
            `project ${projected} non-key attributes in all; DynamoDB allows at most ${DYNAMODB_LIMITS.nonKeyAttributesPerTable} per table, summed over its indexes (an attribute in two indexes counts twice)`,
        );
    }

    const { min, max } = DYNAMODB_LIMITS.recoveryPeriodDays;
    const days = table.pointInTimeRecovery.recoveryPeriodInDays;
    if (days < min || days > max) {
        report(["pointInTimeRecovery", "recoveryPeriodInDays"], `${days} is outside ${min}–${max}; DynamoDB keeps point-in-time recovery for ${min} to ${max} days`);
    }

    if (!(NAMED_ENCRYPTION_KEYS as readonly string[]).includes(table.encryption) && kmsKeyArnProblem(table.encryption)) {
        report(["encryption"], `${showValue(table.encryption)} is not a key; use aws-owned, aws-managed or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)`);
    }
    return problems;
}

/** Every table's problems, at `<name>.…`, and tables whose names make the same variable. */
export function tablesProblems(tables: Readonly<Record<string, TableSpec>>, ctx: TablesContext): Problem[] {
    const problems: Problem[] = [];
    const variables = new Map<string, string>();
    for (const [name, table] of Object.entries(tables)) {
        problems.push(...tableProblems(name, table, ctx).map((p) => ({ path: [name, ...p.path], message: p.message })));
        const variable = tableVariable(name);
        const other = variables.get(variable);
        if (other !== undefined) {
            problems.push({ path: [name], message: `makes the variable ${variable}, as ${showValue(other)} does; name the tables apart` });
        } else {
            variables.set(variable, name);
        }
    }
    return problems;
}
