/**
 * platform:tables in stacks: every rule triggered by a stack file's config, with its exact
 * message; and a small chat stack planned through the program, where the service that lists
 * `tables` in its connectsTo gets each table's name and exactly the data-plane grant, and the one
 * that does not gets nothing.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TableSpec } from "../../components/data/tables/tables";
import { parseStackConfig } from "../../stacks/config";
import { tablesBlock } from "../../components/data/tables/block";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, problemLines } from "../fixtures/config";
import { expectBaseline } from "../support/baseline";
import { RunView, T } from "../support/query";
import { twoAzNetworkConfig } from "../fixtures/networks";

const TABLE = "aws:dynamodb/table:Table";
const arnOf = (name: string) => `arn:aws:dynamodb:ap-northeast-2:${MOCK_ACCOUNT_ID}:table/${name}`;

/** System E's three tables, as the block's README recommends them. */
function chatTables(): Json {
    return {
        messages: { partitionKey: { name: "roomId", type: "S" }, sortKey: { name: "messageId", type: "S" } },
        connections: {
            partitionKey: { name: "connectionId", type: "S" },
            ttlAttribute: "expiresAt",
            globalSecondaryIndexes: [{ name: "by-room", partitionKey: { name: "roomId", type: "S" }, sortKey: { name: "connectionId", type: "S" }, projection: "KEYS_ONLY" }],
        },
        "user-counter": { partitionKey: { name: "counterId", type: "S" } },
    };
}

/** A `chat` stack of `env` with the chat tables, `change` applied to them, and `extra` keys. */
function chat(change: (tables: Json) => void = () => {}, extra: ConfigMap = {}, env: "dev" | "prod" = "dev"): ConfigMap {
    const tables = chatTables();
    change(tables);
    return { "aws:region": "ap-northeast-2", "platform:env": env, "platform:name": "chat", "platform:tables": JSON.stringify(tables), ...extra };
}

/** `count` indexes on roomId named `by-room-<i>`, each `projection`. */
function indexes(count: number, projection: Json = { projection: "KEYS_ONLY" }): Json[] {
    return Array.from({ length: count }, (_, i) => ({ name: `by-room-${i}`, partitionKey: { name: "roomId", type: "S" }, ...projection }));
}

const NETWORK = twoAzNetworkConfig("a");

describe("stacks: platform:tables resolves with its defaults", () => {
    it("dev: on demand, 35 days of recovery, the AWS managed key, deletion protection off, no indexes unless given", () => {
        const tables = parseStackConfig(chat(), "chat").config(tablesBlock)!;
        expect(Object.keys(tables)).to.deep.equal(["messages", "connections", "user-counter"]);
        const defaults: Omit<TableSpec, "partitionKey"> = {
            globalSecondaryIndexes: [],
            billingMode: "PAY_PER_REQUEST",
            pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
            encryption: "aws-managed",
            deletionProtectionEnabled: false,
        };
        expect(tables["user-counter"]).to.deep.equal({ partitionKey: { name: "counterId", type: "S" }, ...defaults });
        expect(tables.connections).to.deep.include({ ttlAttribute: "expiresAt" });
    });

    it("prod: deletion protection on by default", () => {
        const tables = parseStackConfig(chat(() => {}, {}, "prod"), "chat").config(tablesBlock)!;
        expect(Object.values(tables).map((t) => t.deletionProtectionEnabled)).to.deep.equal([true, true, true]);
    });
});

describe("stacks: bad platform:tables configs", () => {
    const long = "m".repeat(250);
    const cases: RuleCase[] = [
        ["no table at all", () => chat((t) => Object.keys(t).forEach((k) => delete t[k])), ["platform:tables: is empty; name at least one table, or leave platform:tables out"]],
        [
            "a table name over 255 characters, counted on chat-dev-<name>",
            () => chat((t) => (t[long] = t.messages)),
            [`platform:tables.${long}: makes the table name "chat-dev-${long}", which is 259 characters long; DynamoDB table names are 3–255 characters of a-z, A-Z, 0-9, _, - and .`],
        ],
        [
            "a table name with a space",
            () => chat((t) => (t["room messages"] = t.messages)),
            ['platform:tables.room messages: makes the table name "chat-dev-room messages", which holds characters DynamoDB refuses; DynamoDB table names are 3–255 characters of a-z, A-Z, 0-9, _, - and .'],
        ],
        [
            "two names that make the same variable",
            () => chat((t) => (t.user_counter = t["user-counter"])),
            ['platform:tables.user_counter: makes the variable TABLE_USER_COUNTER, as "user-counter" does; name the tables apart'],
        ],
        [
            "a key type DynamoDB does not have",
            () => chat((t) => (t.messages.partitionKey.type = "SS")),
            ['platform:tables.messages.partitionKey.type: "SS" is not allowed; expected one of S, N, B'],
        ],
        [
            "a key attribute name over 255 characters",
            () => chat((t) => (t.messages.sortKey.name = "x".repeat(256))),
            [`platform:tables.messages.sortKey.name: "${"x".repeat(256)}" is 256 characters; DynamoDB attribute names are 1–255 characters`],
        ],
        [
            "a sort key that is the partition key",
            () => chat((t) => (t.messages.sortKey.name = "roomId")),
            ['platform:tables.messages.sortKey.name: "roomId" is also the table\'s partition key; a sort key is another attribute'],
        ],
        [
            "an attribute typed S in the table's key and N in an index's",
            () => chat((t) => (t.connections.globalSecondaryIndexes[0].sortKey.type = "N")),
            [
                'platform:tables.connections.globalSecondaryIndexes[0].sortKey.type: "N" gives "connectionId" another type than the table\'s partition key ("S"); an attribute has one type in every key',
            ],
        ],
        [
            "the TTL attribute as the partition key",
            () => chat((t) => (t.connections.ttlAttribute = "connectionId")),
            [
                'platform:tables.connections.ttlAttribute: "connectionId" is the table\'s partition key; the TTL attribute holds each item\'s expiry (a Number, epoch seconds) and must be another attribute, e.g. "expiresAt"',
            ],
        ],
        [
            "the TTL attribute as the sort key",
            () => chat((t) => (t.messages.ttlAttribute = "messageId")),
            [
                'platform:tables.messages.ttlAttribute: "messageId" is the table\'s sort key; the TTL attribute holds each item\'s expiry (a Number, epoch seconds) and must be another attribute, e.g. "expiresAt"',
            ],
        ],
        [
            "21 global secondary indexes",
            () => chat((t) => (t.connections.globalSecondaryIndexes = indexes(21))),
            ["platform:tables.connections.globalSecondaryIndexes: has 21 indexes; DynamoDB allows at most 20 global secondary indexes per table"],
        ],
        [
            "an index name of 2 characters",
            () => chat((t) => (t.connections.globalSecondaryIndexes[0].name = "br")),
            ['platform:tables.connections.globalSecondaryIndexes[0].name: "br" is 2 characters long; DynamoDB index names are 3–255 characters of a-z, A-Z, 0-9, _, - and .'],
        ],
        [
            "an index name with a slash",
            () => chat((t) => (t.connections.globalSecondaryIndexes[0].name = "by/room")),
            ['platform:tables.connections.globalSecondaryIndexes[0].name: "by/room" holds characters DynamoDB refuses; DynamoDB index names are 3–255 characters of a-z, A-Z, 0-9, _, - and .'],
        ],
        [
            "two indexes of one name",
            () => chat((t) => t.connections.globalSecondaryIndexes.push({ ...t.connections.globalSecondaryIndexes[0] })),
            ['platform:tables.connections.globalSecondaryIndexes[1].name: "by-room" is also the name of index 0; index names are unique in a table'],
        ],
        [
            "a projection DynamoDB does not have",
            () => chat((t) => (t.connections.globalSecondaryIndexes[0].projection = "KEYS")),
            ['platform:tables.connections.globalSecondaryIndexes[0].projection: "KEYS" is not allowed; expected one of ALL, KEYS_ONLY, INCLUDE'],
        ],
        [
            "non-key attributes with projection ALL",
            () => chat((t) => Object.assign(t.connections.globalSecondaryIndexes[0], { projection: "ALL", nonKeyAttributes: ["userId"] })),
            ['platform:tables.connections.globalSecondaryIndexes[0].nonKeyAttributes: is only read with projection "INCLUDE"; this index projects "ALL" (ALL projects every attribute, KEYS_ONLY the keys alone)'],
        ],
        [
            "projection INCLUDE without non-key attributes",
            () => chat((t) => (t.connections.globalSecondaryIndexes[0].projection = "INCLUDE")),
            ['platform:tables.connections.globalSecondaryIndexes[0].nonKeyAttributes: is required with projection "INCLUDE": 1–20 attribute names (or project "KEYS_ONLY")'],
        ],
        [
            "21 non-key attributes in one index",
            () => chat((t) => Object.assign(t.connections.globalSecondaryIndexes[0], { projection: "INCLUDE", nonKeyAttributes: Array.from({ length: 21 }, (_, i) => `a${i}`) })),
            ["platform:tables.connections.globalSecondaryIndexes[0].nonKeyAttributes: has 21 attributes; DynamoDB projects at most 20 non-key attributes into one index"],
        ],
        [
            "101 non-key attributes over a table's indexes (an attribute in two indexes counts twice)",
            () =>
                chat((t) => {
                    const same = Array.from({ length: 17 }, (_, i) => `a${i}`);
                    t.connections.globalSecondaryIndexes = [
                        ...indexes(5, { projection: "INCLUDE", nonKeyAttributes: same }),
                        { name: "by-user", partitionKey: { name: "userId", type: "S" }, projection: "INCLUDE", nonKeyAttributes: same.slice(0, 16) },
                    ];
                }),
            ["platform:tables.connections.globalSecondaryIndexes: project 101 non-key attributes in all; DynamoDB allows at most 100 per table, summed over its indexes (an attribute in two indexes counts twice)"],
        ],
        [
            "a recovery period of 0 days",
            () => chat((t) => (t.messages.pointInTimeRecovery = { recoveryPeriodInDays: 0 })),
            ["platform:tables.messages.pointInTimeRecovery.recoveryPeriodInDays: 0 is outside 1–35; DynamoDB keeps point-in-time recovery for 1 to 35 days"],
        ],
        [
            "a recovery period of 36 days",
            () => chat((t) => (t.messages.pointInTimeRecovery = { recoveryPeriodInDays: 36 })),
            ["platform:tables.messages.pointInTimeRecovery.recoveryPeriodInDays: 36 is outside 1–35; DynamoDB keeps point-in-time recovery for 1 to 35 days"],
        ],
        [
            "an encryption key that is an alias, not a key ARN",
            () => chat((t) => (t.messages.encryption = "alias/aws/dynamodb")),
            ['platform:tables.messages.encryption: "alias/aws/dynamodb" is not a key; use aws-owned, aws-managed or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)'],
        ],
        [
            "deletion protection off in prod",
            () => chat((t) => (t.messages.deletionProtectionEnabled = false), {}, "prod"),
            ["platform:tables.messages.deletionProtectionEnabled: false is not allowed in prod; the table must refuse deletion (security baseline)"],
            "prod",
        ],
        [
            "a network without the DynamoDB gateway endpoint",
            () => chat(() => {}, { "platform:network": JSON.stringify({ ...NETWORK, gatewayEndpoints: ["s3"] }) }),
            ['platform:network.gatewayEndpoints: has no "dynamodb"; tasks reach platform:tables through the DynamoDB gateway endpoint, not over a NAT (add "dynamodb")'],
        ],
    ];
    itRaises(cases);

    it("reserves each table's variable: a service may not set TABLE_MESSAGES itself", () => {
        const config = chat(() => {}, {
            "platform:network": JSON.stringify(NETWORK),
            "platform:cluster": JSON.stringify({}),
            "platform:serviceDiscovery": JSON.stringify({ namespace: "chat.local" }),
            "platform:services": JSON.stringify({ chat: { cpu: 256, memory: 512, imageTag: "0.1.0", environment: { TABLE_MESSAGES: "mine" } } }),
        });
        expect(problemLines(config)).to.deep.equal([
            'platform:services.chat.environment.TABLE_MESSAGES: "TABLE_MESSAGES" is set by the platform itself (the data tier\'s endpoints and credentials); choose another name',
        ]);
    });
});

/** A chat stack planned through the program: `chat` connects to the tables, `presence` does not. */
const CHAT_STACK = `config:
  aws:region: ap-northeast-2
  platform:env: dev
  platform:name: chat
  platform:network:
    cidr: 10.0.0.0/16
    azs: [ap-northeast-2a, ap-northeast-2c]
    subnets:
      public:
        - { cidr: 10.0.1.0/24, az: ap-northeast-2a }
        - { cidr: 10.0.2.0/24, az: ap-northeast-2c }
      private:
        - { cidr: 10.0.11.0/24, az: ap-northeast-2a }
        - { cidr: 10.0.12.0/24, az: ap-northeast-2c }
    natGateways: single
    gatewayEndpoints: [dynamodb, s3]
    flowLogs:
      enabled: false
  platform:serviceDiscovery:
    namespace: chat.local
  platform:services:
    chat:     { cpu: 256, memory: 512, imageTag: "0.1.0", connectsTo: [tables] }
    presence: { cpu: 256, memory: 512, imageTag: "0.1.0" }
  platform:tables:
    messages:
      partitionKey: { name: roomId, type: S }
      sortKey: { name: messageId, type: S }
    connections:
      partitionKey: { name: connectionId, type: S }
      ttlAttribute: expiresAt
      globalSecondaryIndexes:
        - { name: by-room, partitionKey: { name: roomId, type: S }, sortKey: { name: connectionId, type: S }, projection: KEYS_ONLY }
    user-counter:
      partitionKey: { name: counterId, type: S }
`;

interface Container {
    name: string;
    environment?: Array<{ name: string; value: string }>;
    secrets?: Array<{ name: string; valueFrom: string }>;
}

describe("stack chat (planned): services and the tables they connect to", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-tables-"));
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.chat.yaml"), CHAT_STACK);
        run = await cachedStackRun("chat", dir);
        view = new RunView(run);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const appContainer = (service: string): Container => {
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.inputs.family === `chat-dev-${service}`)!;
        return (JSON.parse(task.inputs.containerDefinitions as string) as Container[]).find((c) => c.name !== "writable-paths")!;
    };
    const taskPolicies = (service: string): RecordedResource[] => view.ofType(T.rolePolicy).filter((p) => p.name === `${service}-task-policy`);
    const tableVariables = (container: Container) => Object.fromEntries((container.environment ?? []).filter((e) => e.name.startsWith("TABLE_")).map((e) => [e.name, e.value]));

    it("plans the three tables and meets the baseline", () => {
        expect(view.ofType(TABLE).map((t) => t.inputs.name).sort()).to.deep.equal(["chat-dev-connections", "chat-dev-messages", "chat-dev-user-counter"]);
        expect(view.run.outputs.tables).to.deep.equal({
            messages: { name: "chat-dev-messages", arn: arnOf("chat-dev-messages") },
            connections: { name: "chat-dev-connections", arn: arnOf("chat-dev-connections") },
            "user-counter": { name: "chat-dev-user-counter", arn: arnOf("chat-dev-user-counter") },
        });
        expectBaseline(run, { project: "chat", env: "dev", name: "chat" });
    });

    it("tells chat, which connects, every table's name as TABLE_<NAME>, as environment and nothing as a secret", () => {
        const container = appContainer("chat");
        expect(tableVariables(container)).to.deep.equal({ TABLE_MESSAGES: "chat-dev-messages", TABLE_CONNECTIONS: "chat-dev-connections", TABLE_USER_COUNTER: "chat-dev-user-counter" });
        expect((container.secrets ?? []).map((s) => s.name)).to.deep.equal([]);
    });

    it("lets chat's task role do exactly the ten data-plane actions on the three tables and their indexes, in one statement", () => {
        const [policy] = taskPolicies("chat");
        expect(taskPolicies("chat")).to.have.length(1);
        expect(view.byId(policy.inputs.role).inputs.name).to.equal("chat-dev-chat-task");
        expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
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
                    Resource: [
                        arnOf("chat-dev-messages"),
                        `${arnOf("chat-dev-messages")}/index/*`,
                        arnOf("chat-dev-connections"),
                        `${arnOf("chat-dev-connections")}/index/*`,
                        arnOf("chat-dev-user-counter"),
                        `${arnOf("chat-dev-user-counter")}/index/*`,
                    ],
                },
            ],
        });
    });

    it("gives presence, which does not connect, no table variable and no task-role policy", () => {
        expect(tableVariables(appContainer("presence"))).to.deep.equal({});
        expect(taskPolicies("presence")).to.deep.equal([]);
        // Nothing else of the stack mentions DynamoDB for presence either.
        const presenceRoles = view.ofType(T.rolePolicy).filter((p) => p.name.startsWith("presence-"));
        expect(presenceRoles.map((p) => p.inputs.policy as string).filter((doc) => doc.includes("dynamodb"))).to.deep.equal([]);
    });

    it("opens no security group or port for the tables: tasks reach DynamoDB through the gateway endpoint", () => {
        expect(view.ofType(T.securityGroup).map((g) => g.inputs.name)).to.deep.equal(["chat-dev-ecs"]);
        // The services' own rules only: HTTPS out (which the gateway endpoint's routes carry to DynamoDB) and service to service.
        expect([...view.ofType(T.ingressRule), ...view.ofType(T.egressRule)].map((r) => `${r.inputs.description} ${r.inputs.fromPort}`).sort()).to.deep.equal([
            "HTTPS out: ECR, Secrets Manager, AWS APIs 443",
            "service to service 8080",
            "service to service 8080",
        ]);
        const endpoint = view.ofType(T.vpcEndpoint).find((e) => String(e.inputs.serviceName).endsWith(".dynamodb"))!;
        expect(endpoint.inputs.vpcEndpointType).to.equal("Gateway");
    });
});
