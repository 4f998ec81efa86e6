/**
 * The DynamoDbTables component and the pure functions behind it: system E's three chat tables
 * as DynamoDB receives them (names, keys, attribute definitions, TTL, recovery, encryption, index
 * shapes, protection), the variables consumers find them under, and the one statement a
 * consumer's role gets.
 */
import { expect } from "chai";
import { DynamoDbTables, DynamoDbTablesArgs } from "../../../../components/data/tables/dynamodb-tables";
import { TABLE_DATA_ACTIONS, TableSpec, attributeDefinitions, tableAccessStatement, tableVariable } from "../../../../components/data/tables/tables";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, refusedArguments, runView } from "../../../support/query";

const TABLE = "aws:dynamodb/table:Table";
const naming = new Naming("chat", "dev");
const tags = baseTags({ project: "chat", env: "dev", stack: "test" });
/** Rows by their first column (resources register in no fixed order). */
const sorted = <R extends unknown[]>(rows: R[]): R[] => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const arnOf = (name: string) => `arn:aws:dynamodb:ap-northeast-2:${MOCK_ACCOUNT_ID}:table/${name}`;

/** A table with the block's defaults. */
function table(change: Partial<TableSpec> & Pick<TableSpec, "partitionKey">): TableSpec {
    return {
        globalSecondaryIndexes: [],
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
        encryption: "aws-managed",
        deletionProtectionEnabled: false,
        ...change,
    };
}

/** System E's chat tables, as the block's README recommends them. */
const CHAT: Record<string, TableSpec> = {
    messages: table({ partitionKey: { name: "roomId", type: "S" }, sortKey: { name: "messageId", type: "S" } }),
    connections: table({
        partitionKey: { name: "connectionId", type: "S" },
        ttlAttribute: "expiresAt",
        globalSecondaryIndexes: [{ name: "by-room", partitionKey: { name: "roomId", type: "S" }, sortKey: { name: "connectionId", type: "S" }, projection: "KEYS_ONLY" }],
    }),
    "user-counter": table({ partitionKey: { name: "counterId", type: "S" } }),
};

function args(change: Partial<DynamoDbTablesArgs> = {}): DynamoDbTablesArgs {
    return { naming, tags, tables: CHAT, ...change };
}

function runTables(tablesArgs: DynamoDbTablesArgs): Promise<RunView> {
    return runView(() => {
        const tables = new DynamoDbTables("tables", tablesArgs);
        return { tables: tables.tables.map((t) => ({ key: t.key, variable: t.variable, name: t.name, arn: t.arn, indexArns: t.indexArns })) };
    });
}

describe("components/dynamodb-tables: system E's chat tables", () => {
    let view: RunView;
    const tableOf = (name: string): RecordedResource => view.one(TABLE, `tables-${name}`);
    before(async () => {
        view = await runTables(args());
    });

    it("creates the three tables as chat-dev-<name>, each named by its id, with the table ARN and no stream", () => {
        expect(sorted(view.ofType(TABLE).map((t) => [t.name, t.inputs.name, t.id]))).to.deep.equal([
            ["tables-connections", "chat-dev-connections", "chat-dev-connections"],
            ["tables-messages", "chat-dev-messages", "chat-dev-messages"],
            ["tables-user-counter", "chat-dev-user-counter", "chat-dev-user-counter"],
        ]);
        expect(view.run.outputs.tables).to.deep.equal([
            { key: "messages", variable: "TABLE_MESSAGES", name: "chat-dev-messages", arn: arnOf("chat-dev-messages"), indexArns: `${arnOf("chat-dev-messages")}/index/*` },
            { key: "connections", variable: "TABLE_CONNECTIONS", name: "chat-dev-connections", arn: arnOf("chat-dev-connections"), indexArns: `${arnOf("chat-dev-connections")}/index/*` },
            { key: "user-counter", variable: "TABLE_USER_COUNTER", name: "chat-dev-user-counter", arn: arnOf("chat-dev-user-counter"), indexArns: `${arnOf("chat-dev-user-counter")}/index/*` },
        ]);
        for (const t of view.ofType(TABLE)) {
            expect(t.inputs, t.name).to.not.have.any.keys("streamEnabled", "streamViewType", "streamArn");
        }
    });

    it("defines exactly the key attributes: messages roomId and messageId, connections connectionId and the index's roomId, the counter counterId", () => {
        expect(tableOf("messages").inputs).to.deep.include({ hashKey: "roomId", rangeKey: "messageId", attributes: [{ name: "roomId", type: "S" }, { name: "messageId", type: "S" }] });
        // connectionId is the table's key and the index's sort key: defined once; expiresAt, a TTL attribute, not at all.
        expect(tableOf("connections").inputs.attributes).to.deep.equal([{ name: "connectionId", type: "S" }, { name: "roomId", type: "S" }]);
        expect(tableOf("connections").inputs).to.not.have.property("rangeKey");
        expect(tableOf("user-counter").inputs).to.deep.include({ hashKey: "counterId", attributes: [{ name: "counterId", type: "S" }] });
    });

    it("shapes the connections' by-room index: roomId HASH, connectionId RANGE, keys only, no non-key attributes; the other tables have none", () => {
        expect(tableOf("connections").inputs.globalSecondaryIndexes).to.deep.equal([
            { name: "by-room", keySchemas: [{ attributeName: "roomId", keyType: "HASH" }, { attributeName: "connectionId", keyType: "RANGE" }], projectionType: "KEYS_ONLY" },
        ]);
        expect(tableOf("messages").inputs).to.not.have.property("globalSecondaryIndexes");
        expect(tableOf("user-counter").inputs).to.not.have.property("globalSecondaryIndexes");
    });

    it("expires connections on expiresAt and leaves TTL off elsewhere; every table on demand, with 35 days of point-in-time recovery and the AWS managed key", () => {
        expect(tableOf("connections").inputs.ttl).to.deep.equal({ enabled: true, attributeName: "expiresAt" });
        expect(tableOf("messages").inputs).to.not.have.property("ttl");
        for (const t of view.ofType(TABLE)) {
            expect(t.inputs, t.name).to.deep.include({
                billingMode: "PAY_PER_REQUEST",
                pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
                serverSideEncryption: { enabled: true },
                deletionProtectionEnabled: false,
            });
            expect(t.options, t.name).to.deep.include({ protect: false, retainOnDelete: false });
        }
    });

    it("tags each table with the stack's tags, its component and its name", () => {
        expect(tableOf("messages").inputs.tags).to.deep.equal({ ...tags, Component: "dynamodb-tables", Name: "chat-dev-messages" });
        expect(view.one("platform:data:DynamoDbTables", "tables").type).to.equal("platform:data:DynamoDbTables");
        expect(view.ofType(TABLE).every((t) => t.parent === view.one("platform:data:DynamoDbTables", "tables").urn)).to.equal(true);
    });
});

describe("components/dynamodb-tables: settings", () => {
    it("projects INCLUDE indexes with their non-key attributes, and ALL without any", async () => {
        const view = await runTables(
            args({
                tables: {
                    messages: table({
                        partitionKey: { name: "roomId", type: "S" },
                        sortKey: { name: "messageId", type: "S" },
                        globalSecondaryIndexes: [
                            { name: "by-author", partitionKey: { name: "authorId", type: "S" }, sortKey: { name: "sentAt", type: "N" }, projection: "INCLUDE", nonKeyAttributes: ["text", "roomId"] },
                            { name: "by-thread", partitionKey: { name: "threadId", type: "S" }, projection: "ALL" },
                        ],
                    }),
                },
            }),
        );
        const messages = view.one(TABLE, "tables-messages");
        expect(messages.inputs.globalSecondaryIndexes).to.deep.equal([
            {
                name: "by-author",
                keySchemas: [{ attributeName: "authorId", keyType: "HASH" }, { attributeName: "sentAt", keyType: "RANGE" }],
                projectionType: "INCLUDE",
                nonKeyAttributes: ["text", "roomId"],
            },
            { name: "by-thread", keySchemas: [{ attributeName: "threadId", keyType: "HASH" }], projectionType: "ALL" },
        ]);
        // Projected attributes are not key attributes: text is not defined.
        expect(messages.inputs.attributes).to.deep.equal([
            { name: "roomId", type: "S" },
            { name: "messageId", type: "S" },
            { name: "authorId", type: "S" },
            { name: "sentAt", type: "N" },
            { name: "threadId", type: "S" },
        ]);
    });

    it("takes a 7-day recovery period, recovery off, the AWS owned key and a customer managed key as asked", async () => {
        const key = `arn:aws:kms:ap-northeast-2:${MOCK_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        const view = await runTables(
            args({
                tables: {
                    a: table({ partitionKey: { name: "id", type: "S" }, pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 7 } }),
                    b: table({ partitionKey: { name: "id", type: "N" }, pointInTimeRecovery: { enabled: false, recoveryPeriodInDays: 35 }, encryption: "aws-owned" }),
                    c: table({ partitionKey: { name: "id", type: "B" }, encryption: key }),
                },
            }),
        );
        expect(view.one(TABLE, "tables-a").inputs).to.deep.include({ pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 7 }, serverSideEncryption: { enabled: true } });
        expect(view.one(TABLE, "tables-b").inputs).to.deep.include({ pointInTimeRecovery: { enabled: false }, serverSideEncryption: { enabled: false }, attributes: [{ name: "id", type: "N" }] });
        expect(view.one(TABLE, "tables-c").inputs).to.deep.include({ serverSideEncryption: { enabled: true, kmsKeyArn: key }, attributes: [{ name: "id", type: "B" }] });
    });

    it("with protect (prod), keeps deletion protection on and sets Pulumi protect and retainOnDelete on every table", async () => {
        const prod = Object.fromEntries(Object.entries(CHAT).map(([name, spec]) => [name, { ...spec, deletionProtectionEnabled: true }]));
        const view = await runTables(args({ naming: new Naming("chat", "prod"), tables: prod, protect: true }));
        expect(sorted(view.ofType(TABLE).map((t) => [t.inputs.name, t.inputs.deletionProtectionEnabled, t.options.protect, t.options.retainOnDelete]))).to.deep.equal([
            ["chat-prod-connections", true, true, true],
            ["chat-prod-messages", true, true, true],
            ["chat-prod-user-counter", true, true, true],
        ]);
    });

    it("refuses bad arguments before it registers anything, each problem at its table", async () => {
        const lines = await refusedArguments("DynamoDbTables", () =>
            new DynamoDbTables(
                "tables",
                args({
                    tables: {
                        connections: table({ partitionKey: { name: "connectionId", type: "S" }, ttlAttribute: "connectionId", pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 36 } }),
                    },
                }),
            ),
        );
        expect(lines).to.deep.equal([
            'tables.connections.ttlAttribute: "connectionId" is the table\'s partition key; the TTL attribute holds each item\'s expiry (a Number, epoch seconds) and must be another attribute, e.g. "expiresAt"',
            "tables.connections.pointInTimeRecovery.recoveryPeriodInDays: 36 is outside 1–35; DynamoDB keeps point-in-time recovery for 1 to 35 days",
        ]);
    });
});

describe("components/dynamodb-tables: tables.ts", () => {
    it("upper-snake-cases a table's name into its variable", () => {
        expect(["messages", "connections", "user-counter", "user_counter", "userCounter", "room.members2"].map(tableVariable)).to.deep.equal([
            "TABLE_MESSAGES",
            "TABLE_CONNECTIONS",
            "TABLE_USER_COUNTER",
            "TABLE_USER_COUNTER",
            "TABLE_USER_COUNTER",
            "TABLE_ROOM_MEMBERS2",
        ]);
    });

    it("defines each key attribute once, in the order it first appears, and nothing else", () => {
        expect(attributeDefinitions(CHAT.connections)).to.deep.equal([{ name: "connectionId", type: "S" }, { name: "roomId", type: "S" }]);
        expect(attributeDefinitions(CHAT["user-counter"])).to.deep.equal([{ name: "counterId", type: "S" }]);
    });

    it("grants exactly the ten data-plane actions on each table and its indexes, in one statement", () => {
        expect(tableAccessStatement([{ arn: "arn:t/a", indexArns: "arn:t/a/index/*" }, { arn: "arn:t/b", indexArns: "arn:t/b/index/*" }])).to.deep.equal({
            Sid: "UseTables",
            Effect: "Allow",
            Action: [
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
            ],
            Resource: ["arn:t/a", "arn:t/a/index/*", "arn:t/b", "arn:t/b/index/*"],
        });
        expect(TABLE_DATA_ACTIONS.every((action) => !/Create|Delete(?!Item)|Update(?!Item)|Stream|PartiQL|\*/.test(action))).to.equal(true);
    });
});
