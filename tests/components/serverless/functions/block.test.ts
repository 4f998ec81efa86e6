/**
 * platform:functions in stacks: its defaults, every rule triggered by a stack file's config with
 * its exact message, and a small system D stack planned through the program: two handlers of one
 * image in the private subnets behind the `lambda` group (reaching the cache, HTTPS out), a .zip
 * outside the VPC, the cache's connection as settings and secret references, the alarms, the
 * outputs, the baseline; and the FUNCTION_INVOKERS contract with a block built before it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import { monitoringBlock } from "../../../../components/observability/monitoring/block";
import { functionsBlock } from "../../../../components/serverless/functions/block";
import { FUNCTION_INVOKERS } from "../../../../components/serverless/functions/invokers";
import { assemble } from "../../../../stacks/assemble";
import { AnyBlock, BuildContext, defineBlock } from "../../../../stacks/block";
import { parseStackConfig } from "../../../../stacks/config";
import { BLOCKS } from "../../../../stacks/registry";
import { MOCK_ACCOUNT_ID, ProgramRun, runProgram } from "../../../../tooling/mock-runtime";
import { cachedStackRun } from "../../../../tooling/plan";
import { PROJECT_ROOT } from "../../../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises } from "../../../fixtures/config";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T, reachability } from "../../../support/query";
import { twoAzNetworkConfig } from "../../../fixtures/networks";

const FUNCTION = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const REGION = "ap-northeast-2";

const NETWORK = twoAzNetworkConfig();

const CACHE = {
    engine: "redis",
    engineVersion: "7.1",
    subnetTier: "private",
    nodeType: "cache.t4g.micro",
    nodes: 2,
    automaticFailover: true,
    multiAz: true,
    auth: "rbac",
    snapshot: { retentionDays: 1, window: "17:00-18:00" },
    maintenanceWindow: "sun:20:30-sun:21:30",
};

/** System D's functions: the WebSocket handlers from one image, the daily question from a .zip. */
function coupleFunctions(): Json {
    return {
        "ws-connect": { image: { repository: "couple-websocket", imageTag: "1.0.0", command: ["app.handlers.connect"] }, timeoutSeconds: 10, connectsTo: ["cache"] },
        "ws-default": { image: { repository: "couple-websocket", imageTag: "1.0.0", command: ["app.handlers.default"] }, connectsTo: ["cache"], environment: { LOG_LEVEL: "info" } },
        "daily-question": { s3: { bucket: "couple-artifacts", key: "daily-question/1.0.0.zip", runtime: "python3.13", handler: "app.handler" }, architecture: "arm64", timeoutSeconds: 60, vpc: false },
    };
}

/** A dev `couple` stack with the network, the cache and the functions, `change` applied to the functions, and `extra` keys. */
function couple(change: (functions: Json) => void = () => {}, extra: ConfigMap = {}): ConfigMap {
    const functions = coupleFunctions();
    change(functions);
    return {
        "aws:region": REGION,
        "platform:env": "dev",
        "platform:name": "couple",
        "platform:network": JSON.stringify(NETWORK),
        "platform:cache": JSON.stringify(CACHE),
        "platform:functions": JSON.stringify(functions),
        ...extra,
    };
}

/** The same without some keys. */
function without(config: ConfigMap, ...keys: string[]): ConfigMap {
    const copy = { ...config };
    keys.forEach((key) => delete copy[`platform:${key}`]);
    return copy;
}

describe("stacks: platform:functions resolves with its defaults", () => {
    it("x86_64, 256 MB, 30 s, in the VPC, no environment, no connection, no reserved concurrency", () => {
        const functions = parseStackConfig(couple((f) => (f["ws-connect"] = { image: { repository: "couple-websocket", imageTag: "1.0.0" } })), "couple").config(functionsBlock)!;
        expect(functions["ws-connect"]).to.deep.equal({
            image: { repository: "couple-websocket", imageTag: "1.0.0" },
            architecture: "x86_64",
            memoryMb: 256,
            timeoutSeconds: 30,
            environment: {},
            vpc: true,
            connectsTo: [],
        });
        expect(Object.keys(functions)).to.deep.equal(["ws-connect", "ws-default", "daily-question"]);
    });

    it("takes an image's repository and tag from platform:functionDefaults unless the function names its own; a .zip takes nothing", () => {
        const config = couple(
            (f) => {
                f["ws-connect"] = { image: { command: ["app.handlers.connect"] } };
                f["ws-default"] = { image: { imageTag: "0.9.0" } };
            },
            { "platform:functionDefaults": JSON.stringify({ image: { repository: "couple-realtime", imageTag: "1.0.1" } }) },
        );
        const functions = parseStackConfig(config, "couple").config(functionsBlock)!;
        expect(functions["ws-connect"].image).to.deep.equal({ repository: "couple-realtime", imageTag: "1.0.1", command: ["app.handlers.connect"] });
        expect(functions["ws-connect"].inherited).to.deep.equal(["repository", "imageTag"]);
        expect(functions["ws-default"].image).to.deep.equal({ repository: "couple-realtime", imageTag: "0.9.0" });
        expect(functions["ws-default"].inherited).to.deep.equal(["repository"]);
        expect(functions["daily-question"].image).to.equal(undefined);
        expect(functions["daily-question"].s3?.key).to.equal("daily-question/1.0.0.zip");
    });

    it("declares the lambda group with HTTPS out and a flow to the cache only while a function is in the VPC", () => {
        const security = parseStackConfig(couple(), "couple").security;
        expect(security.groups.filter((g) => g.key === "functions").map((g) => [g.name, g.description])).to.deep.equal([["lambda", "Lambda functions"]]);
        const flows = security.flows.filter((f) => "group" in f.from && f.from.group === "lambda");
        expect(flows.map((f) => [("group" in f.to ? f.to.group : "cidr" in f.to ? f.to.cidr : ""), f.port, f.why])).to.deep.equal([
            ["0.0.0.0/0", 443, "HTTPS out: AWS APIs, the WebSocket @connections endpoint"],
            ["cache", 6379, "functions to the cache"],
        ]);
        const outside = parseStackConfig(
            couple((f) => {
                delete f["ws-connect"];
                delete f["ws-default"];
            }),
            "couple",
        ).security;
        expect(outside.groups.map((g) => g.name)).to.not.include("lambda");
        expect(outside.flows.filter((f) => "group" in f.from && f.from.group === "lambda")).to.deep.equal([]);
    });
});

describe("stacks: bad platform:functions configs", () => {
    const long = `q${"x".repeat(52)}`;
    const cases: RuleCase[] = [
        [
            "no function at all",
            () =>
                couple((f) => {
                    Object.keys(f).forEach((k) => delete f[k]);
                }),
            ["platform:functions: is empty; name at least one function, or leave platform:functions out"],
        ],
        [
            "a name with capitals and an underscore",
            () => couple((f) => (f.WS_Connect = f["ws-connect"])),
            ['platform:functions.WS_Connect: "WS_Connect" is not a function name; use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'],
        ],
        [
            "a name whose function name fits Lambda's 64 characters but whose role name is over IAM's 64",
            () => couple((f) => (f[long] = f["daily-question"])),
            [`platform:functions.${long}: makes a name AWS refuses: iamRole name "couple-dev-${long}-lambda" is 71 characters; AWS allows at most 64; shorten the function's name or platform:name`],
        ],
        [
            "a name that makes a function name over Lambda's 64 characters",
            () => couple((f) => (f[`${long}yy`] = f["daily-question"])),
            [
                `platform:functions.${long}yy: makes the function name "couple-dev-${long}yy", which is 66 characters; Lambda allows at most 64: shorten the function's name or platform:name`,
                `platform:functions.${long}yy: makes a name AWS refuses: iamRole name "couple-dev-${long}yy-lambda" is 73 characters; AWS allows at most 64; shorten the function's name or platform:name`,
            ],
        ],
        [
            "both an image and an S3 object",
            () => couple((f) => (f["ws-connect"].s3 = f["daily-question"].s3)),
            ["platform:functions.ws-connect: has both image and s3; a function's code is one of them"],
        ],
        [
            "no code",
            () => couple((f) => delete f["ws-connect"].image),
            ["platform:functions.ws-connect: has no code; give image ({ repository, imageTag, command? }) or s3 ({ bucket, key, runtime, handler })"],
        ],
        [
            "the latest tag",
            () => couple((f) => (f["ws-connect"].image.imageTag = "latest")),
            ['platform:functions.ws-connect.image.imageTag: "latest" is a moving tag; repositories are immutable, so deploy a version tag or a sha256: digest'],
        ],
        [
            "a repository name ECR refuses",
            () => couple((f) => (f["ws-connect"].image.repository = "Couple/WebSocket")),
            ['platform:functions.ws-connect.image.repository: ecrRepository name "Couple/WebSocket" is not allowed; AWS allows lowercase letters, digits and single ._-/ separators'],
        ],
        [
            "an empty command",
            () => couple((f) => (f["ws-connect"].image.command = [""])),
            ['platform:functions.ws-connect.image.command: [""] is not a command; give the handler and its arguments as non-empty strings, or leave command out to run the image\'s CMD'],
        ],
        [
            "a deprecated runtime",
            () => couple((f) => (f["daily-question"].s3.runtime = "python3.9")),
            ['platform:functions.daily-question.s3.runtime: "python3.9" is deprecated by AWS Lambda (no more security patches); use "python3.14"'],
        ],
        [
            "a runtime Lambda does not have",
            () => couple((f) => (f["daily-question"].s3.runtime = "python4")),
            ['platform:functions.daily-question.s3.runtime: "python4" is not a Lambda runtime; use one of nodejs24.x, nodejs22.x, python3.14, python3.13, python3.12, java25, java21, dotnet10, ruby3.4, ruby3.3, provided.al2023 (or an image)'],
        ],
        [
            "an empty handler",
            () => couple((f) => (f["daily-question"].s3.handler = " ")),
            ["platform:functions.daily-question.s3.handler: is empty"],
        ],
        ["an architecture Lambda does not have", () => couple((f) => (f["daily-question"].architecture = "arm")), ['platform:functions.daily-question.architecture: "arm" is not allowed; expected one of x86_64, arm64']],
        ["64 MB of memory", () => couple((f) => (f["ws-connect"].memoryMb = 64)), ["platform:functions.ws-connect.memoryMb: 64 is outside Lambda's 128–10240 MB (whole MB)"]],
        ["10,241 MB of memory", () => couple((f) => (f["ws-connect"].memoryMb = 10241)), ["platform:functions.ws-connect.memoryMb: 10241 is outside Lambda's 128–10240 MB (whole MB)"]],
        ["a timeout of 0", () => couple((f) => (f["ws-connect"].timeoutSeconds = 0)), ["platform:functions.ws-connect.timeoutSeconds: 0 is outside Lambda's 1–900 seconds (whole seconds)"]],
        ["a timeout over 15 minutes", () => couple((f) => (f["ws-connect"].timeoutSeconds = 901)), ["platform:functions.ws-connect.timeoutSeconds: 901 is outside Lambda's 1–900 seconds (whole seconds)"]],
        [
            "a negative reserved concurrency",
            () => couple((f) => (f["ws-connect"].reservedConcurrency = -1)),
            ["platform:functions.ws-connect.reservedConcurrency: -1 is not a concurrency; use a whole number, 0 or more (0 stops the function from running)"],
        ],
        [
            "a secret in the environment",
            () => couple((f) => (f["ws-default"].environment.TOKEN_KEY = "s3cr3t")),
            ['platform:functions.ws-default.environment.TOKEN_KEY: "TOKEN_KEY" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN'],
        ],
        [
            "a variable Lambda sets itself",
            () => couple((f) => (f["ws-default"].environment.AWS_REGION = "us-east-1")),
            ['platform:functions.ws-default.environment.AWS_REGION: "AWS_REGION" is set by Lambda itself; choose another name'],
        ],
        [
            "a variable a store sets, and one a store's secret becomes",
            () => couple((f) => Object.assign(f["ws-default"].environment, { CACHE_HOST: "localhost", CACHE_PASSWORD_SECRET_KEY: "password" })),
            [
                'platform:functions.ws-default.environment.CACHE_PASSWORD_SECRET_KEY: "CACHE_PASSWORD_SECRET_KEY" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN',
                'platform:functions.ws-default.environment.CACHE_HOST: "CACHE_HOST" is set by the platform itself (a store\'s settings or secret references); choose another name',
                'platform:functions.ws-default.environment.CACHE_PASSWORD_SECRET_KEY: "CACHE_PASSWORD_SECRET_KEY" is set by the platform itself (a store\'s settings or secret references); choose another name',
            ],
        ],
        [
            "an environment over Lambda's 4 KB",
            () => couple((f) => (f["ws-default"].environment.GREETING = "안".repeat(1400))),
            [
                "platform:functions.ws-default.environment: is 4234 bytes; Lambda allows 4096 bytes of environment variables per function (names and values): move large settings to Parameter Store (connectsTo: [parameters])",
            ],
        ],
        [
            "a store the stack does not have",
            () => couple((f) => f["ws-connect"].connectsTo.push("database")),
            ['platform:functions.ws-connect.connectsTo[1]: "database" is not a data store of this stack; it has cache'],
        ],
        ["a store listed twice", () => couple((f) => f["ws-connect"].connectsTo.push("cache")), ['platform:functions.ws-connect.connectsTo[1]: "cache" is listed twice']],
        [
            "an image without a repository or a tag, here or in platform:functionDefaults",
            () => couple((f) => (f["ws-connect"] = { image: { command: ["app.handlers.connect"] } })),
            [
                "platform:functions.ws-connect.image.repository: is required: give it here or in platform:functionDefaults.image.repository",
                "platform:functions.ws-connect.image.imageTag: is required: give it here or in platform:functionDefaults.image.imageTag",
            ],
        ],
        [
            "an inherited tag ECR would not keep apart, reported once at platform:functionDefaults",
            () =>
                couple(
                    (f) => {
                        f["ws-connect"] = { image: { command: ["a"] } };
                        f["ws-default"] = { image: { command: ["b"] } };
                    },
                    { "platform:functionDefaults": JSON.stringify({ image: { repository: "couple-realtime", imageTag: "latest" } }) },
                ),
            ["^platform:functionDefaults\\.image\\.imageTag: \"latest\" .*"],
        ],
        [
            "platform:functionDefaults without platform:functions",
            () => ({ ...without(couple(), "functions"), "platform:functionDefaults": JSON.stringify({ image: { imageTag: "1.0.0" } }) }),
            ["^platform:functionDefaults: .*"],
        ],
        [
            "a store in the VPC from a function outside it",
            () => couple((f) => (f["daily-question"].connectsTo = ["cache"])),
            ['platform:functions.daily-question.connectsTo[0]: "cache" is reached inside the VPC (security group cache), but the function runs outside it (vpc: false); set vpc: true'],
        ],
        [
            "a function in the VPC without a network",
            () => without(couple((f) => (f["ws-connect"].connectsTo = [])), "network", "cache"),
            [
                "platform:functions.ws-connect.vpc: true needs platform:network: the function runs in its private subnets; add platform:network, or set vpc: false",
                "platform:functions.ws-default.connectsTo[0]: \"cache\" is not a data store of this stack; it has none",
                "platform:functions.ws-default.vpc: true needs platform:network: the function runs in its private subnets; add platform:network, or set vpc: false",
            ],
        ],
        [
            "a function in the VPC of a network without private subnets",
            () => without(couple((f) => (f["ws-connect"].connectsTo = f["ws-default"].connectsTo = []), { "platform:network": JSON.stringify({ ...NETWORK, subnets: { ...NETWORK.subnets, private: [] } }) }), "cache"),
            [
                "platform:network.subnets.private: is empty; services and Kafka run in private subnets, at least one is needed",
                "platform:functions.ws-connect.vpc: true, but platform:network has no private subnets; add some (platform:network.subnets.private), or set vpc: false",
                "platform:functions.ws-default.vpc: true, but platform:network has no private subnets; add some (platform:network.subnets.private), or set vpc: false",
            ],
        ],
        [
            "an unknown key",
            () => couple((f) => (f["ws-connect"].memory = 512)),
            ["^platform:functions.ws-connect.memory: is not a known key \\(did you mean memoryMb\\?\\); allowed here: image, s3, architecture, memoryMb, timeoutSeconds, environment, reservedConcurrency, vpc, connectsTo$"],
        ],
    ];
    itRaises(cases.map(([title, config, expected]) => [title, config, expected, "couple"]));

    it("a function outside the VPC needs no network", () => {
        const config = without(
            couple((f) => {
                delete f["ws-connect"];
                delete f["ws-default"];
            }),
            "network",
            "cache",
        );
        expect(Object.keys(parseStackConfig(config, "couple").config(functionsBlock)!)).to.deep.equal(["daily-question"]);
    });
});

describe("stack couple (planned): system D's functions", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-functions-"));
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const config = couple(() => {}, { "platform:monitoring": JSON.stringify({ alarmEmails: ["ops@example.com"] }) });
        const yaml = ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: ${value.startsWith("{") || value.startsWith("[") ? value : JSON.stringify(value)}`)].join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.couple.yaml"), `${yaml}\n`);
        run = await cachedStackRun("couple", dir);
        view = new RunView(run);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const fn = (key: string) => view.one(FUNCTION, `functions-${key}-function`);
    const variables = (key: string) => (fn(key).inputs.environment as { variables: Record<string, string> } | undefined)?.variables ?? {};

    it("plans three functions, each with its log group and role, and meets the baseline", () => {
        expect(view.ofType(FUNCTION).map((f) => f.inputs.name).sort()).to.deep.equal(["couple-dev-daily-question", "couple-dev-ws-connect", "couple-dev-ws-default"]);
        expect(view.ofType(T.logGroup).map((g) => g.inputs.name).filter((n) => String(n).startsWith("/aws/lambda/")).sort()).to.deep.equal([
            "/aws/lambda/couple-dev-daily-question",
            "/aws/lambda/couple-dev-ws-connect",
            "/aws/lambda/couple-dev-ws-default",
        ]);
        expect(view.ofType(T.role).map((r) => r.inputs.name).filter((n) => String(n).endsWith("-lambda")).sort()).to.deep.equal([
            "couple-dev-daily-question-lambda",
            "couple-dev-ws-connect-lambda",
            "couple-dev-ws-default-lambda",
        ]);
        expectBaseline(run, { project: "couple", env: "dev", name: "couple" });
    });

    it("runs the handlers in the private subnets behind the lambda group, the daily question outside any VPC", () => {
        const privateIds = view.subnetsOfTier("private").map((s) => s.id);
        const lambdaGroup = view.ofType(T.securityGroup).find((g) => g.inputs.name === "couple-dev-lambda")!;
        expect(lambdaGroup.inputs.description).to.equal("Lambda functions");
        for (const key of ["ws-connect", "ws-default"]) {
            expect(fn(key).inputs.vpcConfig, key).to.deep.equal({ subnetIds: privateIds, securityGroupIds: [lambdaGroup.id] });
        }
        expect(fn("daily-question").inputs).to.not.have.property("vpcConfig");
    });

    it("lets the lambda group reach Redis and HTTPS out, nothing else", () => {
        const lines = reachability(view, /^couple-dev-/).filter((line) => line.startsWith("lambda"));
        expect(lines).to.deep.equal(["lambda -> cache:6379", "lambda -> internet:443"]);
    });

    it("gives the handlers the cache's settings and its password as a reference, never the value", () => {
        const secretArn = view.run.outputs.cacheAuthSecretArn as string;
        expect(secretArn).to.match(new RegExp(`^arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT_ID}:secret:couple-dev/cache/auth-\\w{6}$`));
        expect(variables("ws-connect")).to.deep.include({ CACHE_PASSWORD_SECRET_ARN: secretArn, CACHE_PASSWORD_SECRET_KEY: "password", CACHE_TLS: "true" });
        expect(variables("ws-connect")).to.not.have.property("CACHE_PASSWORD");
        expect(variables("ws-default")).to.deep.include({ LOG_LEVEL: "info", CACHE_PASSWORD_SECRET_ARN: secretArn });
        expect(variables("daily-question")).to.deep.equal({});
        const statements = JSON.parse(view.one(T.rolePolicy, "functions-ws-connect-policy").inputs.policy as string).Statement as Array<{ Sid: string; Action: string; Resource: string[] }>;
        expect(statements.find((s) => s.Sid === "ReadOwnSecrets")).to.deep.equal({ Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [secretArn] });
    });

    it("alarms on each function's errors, throttles and p95 duration (80% of its timeout)", () => {
        const ours = view.ofType(ALARM).filter((a) => String(a.inputs.name).startsWith("couple-dev-lambda-"));
        expect(ours.map((a) => [a.inputs.name, a.inputs.metricName, a.inputs.threshold, (a.inputs.dimensions as Record<string, string>).FunctionName]).sort()).to.deep.equal(
            [
                ["couple-dev-lambda-daily-question-duration", "Duration", 48000, "couple-dev-daily-question"],
                ["couple-dev-lambda-daily-question-errors", "Errors", 0, "couple-dev-daily-question"],
                ["couple-dev-lambda-daily-question-throttles", "Throttles", 0, "couple-dev-daily-question"],
                ["couple-dev-lambda-ws-connect-duration", "Duration", 8000, "couple-dev-ws-connect"],
                ["couple-dev-lambda-ws-connect-errors", "Errors", 0, "couple-dev-ws-connect"],
                ["couple-dev-lambda-ws-connect-throttles", "Throttles", 0, "couple-dev-ws-connect"],
                ["couple-dev-lambda-ws-default-duration", "Duration", 24000, "couple-dev-ws-default"],
                ["couple-dev-lambda-ws-default-errors", "Errors", 0, "couple-dev-ws-default"],
                ["couple-dev-lambda-ws-default-throttles", "Throttles", 0, "couple-dev-ws-default"],
            ].sort(),
        );
    });

    it("outputs each function's name, ARN and log group", () => {
        const arn = (name: string) => `arn:aws:lambda:${REGION}:${MOCK_ACCOUNT_ID}:function:${name}`;
        expect(view.run.outputs.functions).to.deep.equal({
            "ws-connect": { name: "couple-dev-ws-connect", arn: arn("couple-dev-ws-connect"), logGroup: "/aws/lambda/couple-dev-ws-connect" },
            "ws-default": { name: "couple-dev-ws-default", arn: arn("couple-dev-ws-default"), logGroup: "/aws/lambda/couple-dev-ws-default" },
            "daily-question": { name: "couple-dev-daily-question", arn: arn("couple-dev-daily-question"), logGroup: "/aws/lambda/couple-dev-daily-question" },
        });
    });
});

/** A test-only block built before the functions that invokes some of them, as the WebSocket API does. */
const invokerBlock = defineBlock({
    name: "invoker",
    keys: ["invoker"],
    schema: () => z.strictObject({ invoker: z.strictObject({ functions: z.array(z.string()) }) }).transform(({ invoker }) => invoker),
    build(config: { functions: string[] }, ctx: BuildContext) {
        const wired: string[][] = [];
        ctx.publish(FUNCTION_INVOKERS, {
            functions: config.functions,
            wire(functions) {
                wired.push([...functions.keys()]);
                for (const key of config.functions) {
                    const fn = functions.get(key)!;
                    new aws.lambda.Permission(`invoke-${key}`, { function: fn.name, action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com" });
                    new aws.ssm.Parameter(`invoke-arn-${key}`, { name: `/invoker/${key}`, type: "String", insecureValue: fn.invokeArn });
                }
            },
        });
        return { wired };
    },
    outputs: (built: { wired: string[][] }) => ({ wired: built.wired }),
});

describe("stacks: FUNCTION_INVOKERS, the contract with a block built before the functions", () => {
    const functions = BLOCKS.indexOf(functionsBlock as AnyBlock);
    const registry: readonly AnyBlock[] = [...BLOCKS.slice(0, functions), invokerBlock as AnyBlock, ...BLOCKS.slice(functions).filter((b) => b !== monitoringBlock), monitoringBlock];
    const program = () => assemble(parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack(), registry)).outputs();

    it("hands every function, once, to each invoker once they exist", async () => {
        const config = couple(() => {}, { "platform:invoker": JSON.stringify({ functions: ["ws-connect", "ws-default"] }) });
        const view = new RunView(await runProgram(program, { stack: "couple", config }));
        expect(view.run.outputs.wired).to.deep.equal([["ws-connect", "ws-default", "daily-question"]]);
        const arn = (name: string) => `arn:aws:lambda:${REGION}:${MOCK_ACCOUNT_ID}:function:${name}`;
        expect(view.ofType("aws:ssm/parameter:Parameter").map((p) => [p.name, p.inputs.insecureValue])).to.deep.equal([
            ["invoke-arn-ws-connect", `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn("couple-dev-ws-connect")}/invocations`],
            ["invoke-arn-ws-default", `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn("couple-dev-ws-default")}/invocations`],
        ]);
        expect(view.ofType("aws:lambda/permission:Permission").map((p) => p.inputs.function)).to.deep.equal(["couple-dev-ws-connect", "couple-dev-ws-default"]);
    });
});
