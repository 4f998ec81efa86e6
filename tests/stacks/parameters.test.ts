/**
 * platform:parameters in stacks: every rule triggered by a stack file's config, with its exact
 * message (Parameter Store's limits, the SecureString rule, the key, the share of the account's
 * throughput the connecting services may take); and a small point stack planned through the
 * program, where the service that lists `parameters` in its connectsTo gets the path, the refresh
 * period and exactly the read and decrypt grants, and the one that does not gets nothing.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parametersBlock } from "../../components/config/parameters/block";
import { parseStackConfig } from "../../stacks/config";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource, SECRET_PLACEHOLDER } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, problemLines } from "../fixtures/config";
import { expectBaseline } from "../support/baseline";
import { RunView, T } from "../support/query";
import { twoAzNetworkConfig } from "../fixtures/networks";

const PARAMETER = "aws:ssm/parameter:Parameter";
const KEY = "aws:kms/key:Key";

/** System B's point settings, as the block's README shows them. */
function pointParameters(): Json {
    return {
        path: "point",
        values: {
            "max-earn-per-transaction": { type: "String", value: "5000", allowedPattern: "^[0-9]+$" },
            "earn-rate-percent": { type: "String", value: "1", allowedPattern: "^[0-9]{1,2}$" },
            "partner-api-key": { type: "SecureString" },
        },
    };
}

const NETWORK = twoAzNetworkConfig("a");

/** The keys of a stack that runs `services` (network, discovery, services). */
function withServices(services: Json, network: Json = NETWORK): ConfigMap {
    return {
        "platform:network": JSON.stringify(network),
        "platform:serviceDiscovery": JSON.stringify({ namespace: "point.local" }),
        "platform:services": JSON.stringify(services),
    };
}

/** A `point-ecs` stack of `env` with the point parameters, `change` applied to them, and `extra` keys. */
function point(change: (parameters: Json) => void = () => {}, extra: ConfigMap = {}, env: "dev" | "prod" = "dev"): ConfigMap {
    const parameters = pointParameters();
    change(parameters);
    return { "aws:region": "ap-northeast-2", "platform:env": env, "platform:name": "point-ecs", "platform:parameters": JSON.stringify(parameters), ...extra };
}

/** A service of `max` tasks at most that connects to the parameters. */
const reader = (max: number): Json => ({ cpu: 256, memory: 512, imageTag: "0.1.0", autoscaling: { min: 1, max }, connectsTo: ["parameters"] });

describe("stacks: platform:parameters resolves with its defaults", () => {
    it("a refresh every 60 seconds, a created key, the default throughput; the values as written", () => {
        const parameters = parseStackConfig(point(), "point").config(parametersBlock)!;
        expect(parameters).to.deep.equal({ ...pointParameters(), refreshSeconds: 60, kmsKey: "create", highThroughput: false });
    });

    it("accepts a name of exactly 1011 characters with its ARN, a 4096-byte value and 15 levels", () => {
        // arn:aws:ssm:ap-northeast-2:<12 digits>:parameter is 50 characters; /point-ecs/dev/point/ 21.
        const name = "n".repeat(1011 - 50 - 21);
        const value = "가".repeat(1365) + "a"; // 3 bytes each: 4095 + 1
        const deep = Array.from({ length: 12 }, (_, i) => `l${i}`).join("/"); // /point-ecs/dev/point/<12 levels>: 15
        expect(() => parseStackConfig(point((p) => (p.values = { [name]: { type: "String", value } })), "point")).to.not.throw();
        expect(() => parseStackConfig(point((p) => (p.values = { [deep]: { type: "String", value: "1" } })), "point")).to.not.throw();
    });
});

describe("stacks: bad platform:parameters configs", () => {
    const tooLong = "n".repeat(1011 - 50 - 21 + 1);
    const cases: RuleCase[] = [
        ["no parameter at all", () => point((p) => (p.values = {})), ["platform:parameters.values: is empty; name at least one parameter, or leave platform:parameters out"]],
        ["no path", () => point((p) => delete p.path), ["platform:parameters.path: is required (expected a string)"]],
        [
            "a path with a space",
            () => point((p) => (p.path = "point config")),
            ['platform:parameters.path: "point config" holds characters Parameter Store refuses; parameter names use only a-z, A-Z, 0-9, _, . and -, with / between levels'],
        ],
        [
            "a path with a leading slash",
            () => point((p) => (p.path = "/point")),
            ['platform:parameters.path: "/point" starts or ends with / or has an empty level; write the levels between the slashes, e.g. "point" or "point/config"'],
        ],
        [
            "a name with an empty level",
            () => point((p) => (p.values["feature//double"] = { type: "String", value: "1" })),
            ['platform:parameters.values.feature//double: "feature//double" starts or ends with / or has an empty level; write the levels between the slashes, e.g. "point" or "point/config"'],
        ],
        [
            "a name with a character Parameter Store refuses",
            () => point((p) => (p.values["earn@rate"] = { type: "String", value: "1" })),
            ['platform:parameters.values.earn@rate: "earn@rate" holds characters Parameter Store refuses; parameter names use only a-z, A-Z, 0-9, _, . and -, with / between levels'],
        ],
        [
            "a platform:name that makes every name start with ssm",
            () => ({ ...point(), "platform:name": "ssm-point" }),
            ['platform:parameters: makes every name start "/ssm-point/", which Parameter Store refuses: no name may be prefixed "aws" or "ssm", in any case; choose a platform:name that does not start with "ssm"'],
        ],
        [
            "a platform:name that makes every name start with aws",
            () => ({ ...point(), "platform:name": "awsome-points" }),
            ['platform:parameters: makes every name start "/awsome-points/", which Parameter Store refuses: no name may be prefixed "aws" or "ssm", in any case; choose a platform:name that does not start with "aws"'],
        ],
        [
            "a path that puts the parameters 16 levels deep",
            () => point((p) => (p.path = Array.from({ length: 13 }, (_, i) => `l${i}`).join("/"))),
            ['platform:parameters.path: "l0/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12" puts the parameters 16 levels deep (/<name>/<env>/<path>/<parameter>); Parameter Store allows at most 15'],
        ],
        [
            "a name that makes 16 levels",
            () => point((p) => (p.values = { [Array.from({ length: 13 }, (_, i) => `l${i}`).join("/")]: { type: "String", value: "1" } })),
            ['platform:parameters.values.l0/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12: makes "/point-ecs/dev/point/l0/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12", 16 levels deep; Parameter Store allows at most 15'],
        ],
        [
            "a name of 1012 characters with its ARN",
            () => point((p) => (p.values = { [tooLong]: { type: "String", value: "1" } })),
            [
                `platform:parameters.values.${tooLong}: makes a name of 962 characters, 1012 with the 50 of the ARN before it (arn:aws:ssm:ap-northeast-2:<account>:parameter/); Parameter Store allows at most 1011, so shorten the name or platform:parameters.path by 1`,
            ],
        ],
        [
            "a type Parameter Store has but this block does not take",
            () => point((p) => (p.values["earn-rate-percent"].type = "StringList")),
            ['platform:parameters.values.earn-rate-percent.type: "StringList" is not allowed; expected one of String, SecureString'],
        ],
        [
            "a String without a value",
            () => point((p) => delete p.values["earn-rate-percent"].value),
            ['platform:parameters.values.earn-rate-percent.value: is required for a String: its value comes from config (a secret "earn-rate-percent" would be a SecureString, set out of band)'],
        ],
        [
            "a String with an empty value",
            () => point((p) => (p.values["earn-rate-percent"] = { type: "String", value: "" })),
            ["platform:parameters.values.earn-rate-percent.value: is empty; Parameter Store refuses an empty value (at least 1 character)"],
        ],
        [
            "a String over 4 KB, counted in bytes",
            () => point((p) => (p.values["earn-rate-percent"] = { type: "String", value: "가".repeat(1366) })),
            ["platform:parameters.values.earn-rate-percent.value: is 4098 bytes; a Standard parameter's value is at most 4 KB (4096 bytes)"],
        ],
        [
            "a SecureString with a value in config (never echoed)",
            () => point((p) => (p.values["partner-api-key"].value = "sk_live_never_here")),
            [
                "platform:parameters.values.partner-api-key.value: is refused: a SecureString never takes its value from config (it would sit in the stack file and the state); leave it out, and set the value out of band with aws ssm put-parameter --overwrite (see the block's README)",
            ],
        ],
        [
            "an allowedPattern that is not a regular expression",
            () => point((p) => (p.values["max-earn-per-transaction"].allowedPattern = "^[0-9+$")),
            ['platform:parameters.values.max-earn-per-transaction.allowedPattern: "^[0-9+$" is not a regular expression (Invalid regular expression: /^[0-9+$/: Unterminated character class); write one the value must match, e.g. "^\\\\d+$"'],
        ],
        [
            "an allowedPattern over 1024 characters",
            () => point((p) => (p.values["max-earn-per-transaction"].allowedPattern = `^${"[0-9]".repeat(205)}$`)),
            ["platform:parameters.values.max-earn-per-transaction.allowedPattern: is 1027 characters; Parameter Store allows at most 1024"],
        ],
        [
            "a String value its allowedPattern refuses",
            () => point((p) => (p.values["earn-rate-percent"].value = "12.5")),
            ['platform:parameters.values.earn-rate-percent.value: "12.5" does not match allowedPattern "^[0-9]{1,2}$"; Parameter Store would refuse it'],
        ],
        [
            "a SecureString pattern that refuses the placeholder it is created with",
            () => point((p) => (p.values["partner-api-key"].allowedPattern = "^sk_live_[A-Za-z0-9]+$")),
            [
                'platform:parameters.values.partner-api-key.allowedPattern: "^sk_live_[A-Za-z0-9]+$" refuses "placeholder-set-out-of-band", the value a SecureString is created with before its real one is set; widen the pattern to let it through, or leave allowedPattern out',
            ],
        ],
        [
            "a description over 1024 characters",
            () => point((p) => (p.values["earn-rate-percent"].description = "d".repeat(1025))),
            ["platform:parameters.values.earn-rate-percent.description: is 1025 characters; Parameter Store allows at most 1024"],
        ],
        [
            "a key alias instead of a key ARN",
            () => point((p) => (p.kmsKey = "alias/point-ecs-dev-parameters")),
            ['platform:parameters.kmsKey: "alias/point-ecs-dev-parameters" is not a key; use create, or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), not an alias'],
        ],
        [
            "a key of another region",
            () => point((p) => (p.kmsKey = `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)),
            ['platform:parameters.kmsKey: is a key of "us-east-1"; Parameter Store encrypts with a key of the parameters\' region, "ap-northeast-2"'],
        ],
        ["a refresh of 0 seconds", () => point((p) => (p.refreshSeconds = 0)), ["platform:parameters.refreshSeconds: 0 is below the minimum 1"]],
        [
            "30 connecting tasks reading every second: 30 calls a second, over the 20 they may take",
            () => point((p) => (p.refreshSeconds = 1), withServices({ point: reader(30) })),
            [
                "platform:parameters.refreshSeconds: 1 has the services that connect (point 30: 30 tasks at most) call Parameter Store 30 times a second (1 call per task every 1 s); its default throughput, 40 calls a second shared by GetParameter, GetParameters and GetParametersByPath for the whole account and region, leaves them at most 20 (half, the rest for operators and deploys); set refreshSeconds to 2 or more, or turn on Parameter Store's higher throughput for the account and region (a paid setting) and set platform:parameters.highThroughput: true",
            ],
        ],
        [
            "two connecting services summed, and 11 parameters read in 2 calls each",
            () =>
                point(
                    (p) => {
                        p.refreshSeconds = 2;
                        p.values = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`setting-${i}`, { type: "String", value: "1" }]));
                    },
                    withServices({ point: reader(12), batch: reader(9), admin: { cpu: 256, memory: 512, imageTag: "0.1.0", autoscaling: { min: 1, max: 50 } } }),
                ),
            [
                "platform:parameters.refreshSeconds: 2 has the services that connect (point 12, batch 9: 21 tasks at most) call Parameter Store 21 times a second (2 calls (GetParametersByPath returns 10 parameters a call) per task every 2 s); its default throughput, 40 calls a second shared by GetParameter, GetParameters and GetParametersByPath for the whole account and region, leaves them at most 20 (half, the rest for operators and deploys); set refreshSeconds to 3 or more, or turn on Parameter Store's higher throughput for the account and region (a paid setting) and set platform:parameters.highThroughput: true",
            ],
        ],
        [
            "tasks reaching Parameter Store without a NAT or the ssm endpoint",
            () => point(() => {}, withServices({ point: reader(2) }, { ...NETWORK, natGateways: "none", interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"] })),
            ['platform:network.interfaceEndpoints: has no "ssm"; with natGateways none, tasks reach platform:parameters only through the Systems Manager interface endpoint (add "ssm")'],
        ],
    ];
    itRaises(cases);

    it("never repeats a SecureString's value in a message", () => {
        const lines = problemLines(point((p) => (p.values["partner-api-key"].value = "sk_live_never_here")));
        expect(lines.join("\n")).to.not.contain("sk_live_never_here");
    });

    it("counts each running colour of a blue/green service: 2 × 11 tasks read every second, where one colour alone would fit", () => {
        const blueGreen = (green: Json) =>
            point((p) => (p.refreshSeconds = 1), {
                ...withServices({ point: { cpu: 256, memory: 512, autoscaling: { min: 1, max: 11 }, connectsTo: ["parameters"] } }),
                "platform:blueGreen": JSON.stringify({ service: "point", weights: { blue: 100, green: 0 }, blue: { imageTag: "0.1.0" }, green }),
                "platform:alb": JSON.stringify({ certificate: { domain: "goormpopcorn.shop", hostedZone: "goormpopcorn.shop" }, deletionProtection: false }),
            });
        expect(problemLines(blueGreen({ imageTag: "0.1.0" }))).to.deep.equal([
            "platform:parameters.refreshSeconds: 1 has the services that connect (point 22: 22 tasks at most) call Parameter Store 22 times a second (1 call per task every 1 s); its default throughput, 40 calls a second shared by GetParameter, GetParameters and GetParametersByPath for the whole account and region, leaves them at most 20 (half, the rest for operators and deploys); set refreshSeconds to 2 or more, or turn on Parameter Store's higher throughput for the account and region (a paid setting) and set platform:parameters.highThroughput: true",
        ]);
        // Green scaled to zero runs no task: 11 a second, within the 20.
        expect(() => parseStackConfig(blueGreen({ imageTag: "0.1.0", scaledToZero: true }), "point")).to.not.throw();
    });

    it("takes the same 30 tasks every second without complaint when the account runs the higher throughput, or when none connects", () => {
        expect(() => parseStackConfig(point((p) => Object.assign(p, { refreshSeconds: 1, highThroughput: true }), withServices({ point: reader(30) })), "point")).to.not.throw();
        const notConnecting = { ...reader(30), connectsTo: [] };
        expect(() => parseStackConfig(point((p) => (p.refreshSeconds = 1), withServices({ point: notConnecting })), "point")).to.not.throw();
        // Without platform:services at all, nothing reads: no rule to apply.
        expect(() => parseStackConfig(point((p) => (p.refreshSeconds = 1)), "point")).to.not.throw();
        // At exactly 20 a second: 20 tasks every second.
        expect(() => parseStackConfig(point((p) => (p.refreshSeconds = 1), withServices({ point: reader(20) })), "point")).to.not.throw();
    });

    it("reserves the variables it sets: a service may not set PARAMETERS_PATH itself", () => {
        const config = point(() => {}, withServices({ point: { ...reader(2), environment: { PARAMETERS_PATH: "/mine/" } } }));
        expect(problemLines(config)).to.deep.equal([
            'platform:services.point.environment.PARAMETERS_PATH: "PARAMETERS_PATH" is set by the platform itself (the data tier\'s endpoints and credentials); choose another name',
        ]);
    });
});

/** A point stack planned through the program: `point` connects to the parameters, `admin` does not. */
const POINT_STACK = `config:
  aws:region: ap-northeast-2
  platform:env: dev
  platform:name: point-ecs
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
    flowLogs:
      enabled: false
  platform:serviceDiscovery:
    namespace: point.local
  platform:services:
    point: { cpu: 256, memory: 512, imageTag: "0.1.0", autoscaling: { min: 1, max: 4 }, connectsTo: [parameters] }
    admin: { cpu: 256, memory: 512, imageTag: "0.1.0" }
  platform:parameters:
    path: point
    refreshSeconds: 30
    values:
      max-earn-per-transaction: { type: String, value: "5000", allowedPattern: "^[0-9]+$" }
      earn-rate-percent: { type: String, value: "1" }
      partner-api-key: { type: SecureString }
`;

interface Container {
    name: string;
    environment?: Array<{ name: string; value: string }>;
    secrets?: Array<{ name: string; valueFrom: string }>;
}

describe("stack point (planned): services and the parameters they connect to", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-parameters-"));
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.point.yaml"), POINT_STACK);
        run = await cachedStackRun("point", dir);
        view = new RunView(run);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const appContainer = (service: string): Container => {
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.inputs.family === `point-ecs-dev-${service}`)!;
        return (JSON.parse(task.inputs.containerDefinitions as string) as Container[]).find((c) => c.name !== "writable-paths")!;
    };
    const taskPolicies = (service: string): RecordedResource[] => view.ofType(T.rolePolicy).filter((p) => p.name === `${service}-task-policy`);
    const parameterVariables = (container: Container) => Object.fromEntries((container.environment ?? []).filter((e) => e.name.startsWith("PARAMETERS_")).map((e) => [e.name, e.value]));
    const keyArn = () => `arn:aws:kms:ap-northeast-2:${MOCK_ACCOUNT_ID}:key/${view.ofType(KEY)[0].id}`;

    it("plans the three parameters, the key and its alias, and meets the baseline", () => {
        expect(view.ofType(PARAMETER).map((p) => p.inputs.name).sort()).to.deep.equal([
            "/point-ecs/dev/point/earn-rate-percent",
            "/point-ecs/dev/point/max-earn-per-transaction",
            "/point-ecs/dev/point/partner-api-key",
        ]);
        const secure = view.ofType(PARAMETER).find((p) => p.inputs.type === "SecureString")!;
        expect(secure.inputs).to.deep.include({ value: SECRET_PLACEHOLDER, keyId: keyArn() });
        expect(secure.options.ignoreChanges).to.deep.equal(["value"]);
        expect(view.ofType(KEY).map((k) => k.inputs.deletionWindowInDays)).to.deep.equal([7]);
        expect(view.ofType("aws:kms/alias:Alias").map((a) => a.inputs.name)).to.deep.equal(["alias/point-ecs-dev-parameters"]);
        expect(run.outputs.parameters).to.deep.equal({
            path: "/point-ecs/dev/point/",
            kmsKeyArn: keyArn(),
            names: {
                "max-earn-per-transaction": "/point-ecs/dev/point/max-earn-per-transaction",
                "earn-rate-percent": "/point-ecs/dev/point/earn-rate-percent",
                "partner-api-key": "/point-ecs/dev/point/partner-api-key",
            },
        });
        expectBaseline(run, { project: "point-ecs", env: "dev", name: "point" });
    });

    it("tells point, which connects, the path (trailing slash) and the refresh period as environment, and nothing as an ECS secret", () => {
        const container = appContainer("point");
        expect(parameterVariables(container)).to.deep.equal({ PARAMETERS_PATH: "/point-ecs/dev/point/", PARAMETERS_REFRESH_SECONDS: "30" });
        expect((container.secrets ?? []).map((s) => s.name)).to.deep.equal([]);
    });

    it("lets point's task role read exactly the path and what is under it, and decrypt with the key only through Parameter Store", () => {
        const [policy] = taskPolicies("point");
        expect(taskPolicies("point")).to.have.length(1);
        expect(view.byId(policy.inputs.role).inputs.name).to.equal("point-ecs-dev-point-task");
        expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ReadParameters",
                    Effect: "Allow",
                    Action: ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"],
                    Resource: [`arn:aws:ssm:ap-northeast-2:${MOCK_ACCOUNT_ID}:parameter/point-ecs/dev/point`, `arn:aws:ssm:ap-northeast-2:${MOCK_ACCOUNT_ID}:parameter/point-ecs/dev/point/*`],
                },
                {
                    Sid: "DecryptParameters",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: keyArn(),
                    Condition: { StringEquals: { "kms:ViaService": "ssm.ap-northeast-2.amazonaws.com" } },
                },
            ],
        });
    });

    it("gives admin, which does not connect, no parameter variable and no task-role policy, and opens no security group for the parameters", () => {
        expect(parameterVariables(appContainer("admin"))).to.deep.equal({});
        expect(taskPolicies("admin")).to.deep.equal([]);
        const adminPolicies = view.ofType(T.rolePolicy).filter((p) => p.name.startsWith("admin-"));
        expect(adminPolicies.map((p) => p.inputs.policy as string).filter((doc) => /ssm:GetParameter|kms:Decrypt|parameter\//.test(doc))).to.deep.equal([]);
        expect(view.ofType(T.securityGroup).map((g) => g.inputs.name)).to.deep.equal(["point-ecs-dev-ecs"]);
    });
});

describe("stack point-prod (planned): the key in prod", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-parameters-prod-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps a created key 30 days after its deletion is scheduled (7 in dev), rotation on, names under /point-ecs/prod/", async () => {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const config = point(() => {}, {}, "prod");
        const yaml = ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: ${value.startsWith("{") ? value : JSON.stringify(value)}`)].join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.pointprod.yaml"), `${yaml}\n`);
        const run = await cachedStackRun("pointprod", dir);
        const view = new RunView(run);
        expect(view.ofType(KEY).map((k) => [k.inputs.deletionWindowInDays, k.inputs.enableKeyRotation])).to.deep.equal([[30, true]]);
        expect(view.ofType(PARAMETER).map((p) => p.inputs.name).sort()).to.deep.equal([
            "/point-ecs/prod/point/earn-rate-percent",
            "/point-ecs/prod/point/max-earn-per-transaction",
            "/point-ecs/prod/point/partner-api-key",
        ]);
        expectBaseline(run, { project: "point-ecs", env: "prod", name: "pointprod" });
    });
});
