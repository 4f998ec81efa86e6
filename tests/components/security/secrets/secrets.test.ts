/**
 * platform:secrets: the GeneratedSecrets component (a generated value per secret into Secrets
 * Manager, never in plaintext), every rule with its exact message, and a stack where each service
 * gets only the secrets whose readers name it, by ARN, with an execution role that may read
 * exactly those.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GeneratedSecrets, PRINTABLE_SPECIALS, defaultVariable } from "../../../../components/security/secrets/secrets";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, SECRET_PLACEHOLDER } from "../../../../tooling/mock-runtime";
import { cachedStackRun } from "../../../../tooling/plan";
import { PROJECT_ROOT } from "../../../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises } from "../../../fixtures/config";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T, refusedArguments, runView } from "../../../support/query";
import { twoAzNetworkConfig } from "../../../fixtures/networks";

const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const naming = new Naming("couple", "prod");
const tags = baseTags({ project: "couple", env: "prod", stack: "test" });

describe("components/secrets: generated values in Secrets Manager", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => {
            const secrets = new GeneratedSecrets("secrets", {
                naming,
                tags,
                secrets: { "flask-secret-key": { description: "Flask SECRET_KEY" }, "ws-token-key": { length: 48, characters: "printable" } },
                recoveryWindowInDays: 30,
            });
            return { arns: secrets.arns, names: secrets.names };
        });
    });

    it("generates each value with the length and characters asked for (64 letters and digits by default)", () => {
        const password = (name: string) => view.one(PASSWORD, `secrets-${name}`).inputs;
        expect(password("flask-secret-key")).to.deep.include({ length: 64, special: false, minUpper: 1, minLower: 1, minNumeric: 1 });
        expect(password("ws-token-key")).to.deep.include({ length: 48, special: true, overrideSpecial: PRINTABLE_SPECIALS, minSpecial: 1 });
        for (const forbidden of ['"', "'", "\\", " ", "/", "@", "%", ":"]) {
            expect(PRINTABLE_SPECIALS, forbidden).to.not.include(forbidden);
        }
    });

    it("keeps each value in its own secret <prefix>-<env>/<name>, tagged, restorable for the window, the value only as a Pulumi secret", () => {
        expect(view.ofType(SECRET).map((s) => [s.inputs.name, s.inputs.recoveryWindowInDays, s.inputs.description, (s.inputs.tags as Record<string, string>).Name]).sort()).to.deep.equal([
            ["couple-prod/flask-secret-key", 30, "Flask SECRET_KEY", "couple-prod/flask-secret-key"],
            ["couple-prod/ws-token-key", 30, "ws-token-key of couple-prod, generated", "couple-prod/ws-token-key"],
        ]);
        const versions = view.ofType(VERSION);
        expect(versions).to.have.length(2);
        for (const version of versions) {
            expect(version.inputs.secretString).to.equal(SECRET_PLACEHOLDER);
            expect(view.byId(version.inputs.secretId).type).to.equal(SECRET);
        }
    });

    it("gives a name's variable in upper snake case", () => {
        expect(defaultVariable("flask-secret-key")).to.equal("FLASK_SECRET_KEY");
    });

    it("refuses a short value, unknown characters, a bad name and a recovery window Secrets Manager does not take, before creating anything", async () => {
        const lines = await refusedArguments("GeneratedSecrets", () => {
            new GeneratedSecrets("secrets", {
                naming,
                tags,
                secrets: { Flask: {}, short: { length: 16 }, odd: { characters: "emoji" as never } },
                recoveryWindowInDays: 3,
            });
        });
        expect(lines).to.deep.equal([
            'Flask: "Flask" is not a secret name; use lowercase letters, digits and hyphens',
            "short.length: 16 is not allowed; use a whole number of characters from 32 to 4096",
            'odd.characters: "emoji" is not allowed; use alphanumeric or printable',
            "recoveryWindowInDays: 3 is not a recovery window; use 7–30 days, or 0 to delete the secret at once",
        ]);
    });
});

const NETWORK = twoAzNetworkConfig();

const service = (connectsTo: string[]): Json => ({ cpu: 256, memory: 512, imageTag: "1.0.0", connectsTo });

/** A `couple` dev stack with `web` and `worker`, and `secrets` (web reads both, worker one). */
function couple(change: (secrets: Record<string, Json>, services: Record<string, Json>, functions: Record<string, Json>) => void = () => {}): ConfigMap {
    const services: Record<string, Json> = { web: service(["secrets"]), worker: service(["secrets"]) };
    const functions: Record<string, Json> = { "ws-authorizer": { image: { repository: "couple-realtime", imageTag: "1.0.0" }, connectsTo: ["secrets"] } };
    const secrets: Record<string, Json> = { "flask-secret-key": { readers: ["web"] }, "ws-token-key": { readers: ["web", "worker", "ws-authorizer"] } };
    change(secrets, services, functions);
    return {
        "platform:functions": JSON.stringify(functions),
        "aws:region": "ap-northeast-2",
        "platform:env": "dev",
        "platform:name": "couple",
        "platform:network": JSON.stringify(NETWORK),
        "platform:serviceDiscovery": JSON.stringify({ namespace: "couple.local" }),
        "platform:services": JSON.stringify(services),
        "platform:secrets": JSON.stringify(secrets),
    };
}

describe("stacks: bad platform:secrets configs", () => {
    const cases: RuleCase[] = [
        [
            "a reader that is no service, twice, or that does not connect",
            () =>
                couple((secrets, services) => {
                    secrets["flask-secret-key"] = { readers: ["web", "api", "web"] };
                    services.worker = service([]);
                }),
            [
                'platform:secrets.flask-secret-key.readers[1]: "api" is neither a service nor a function of this stack; it has "web", "worker", "ws-authorizer"',
                'platform:secrets.flask-secret-key.readers[2]: "web" is listed twice',
                'platform:secrets.ws-token-key.readers[1]: "worker" does not list "secrets" in platform:services.worker.connectsTo; add it there, or it gets nothing',
            ],
        ],
        [
            "a service that connects to the secrets but reads none",
            () => couple((secrets) => (secrets["ws-token-key"] = { readers: ["web"] })),
            [
                'platform:secrets: names "worker" as no secret\'s reader, yet platform:services.worker.connectsTo[0] lists "secrets"; add it to the readers of the secrets it needs, or remove "secrets" there',
                'platform:secrets: names "ws-authorizer" as no secret\'s reader, yet platform:functions.ws-authorizer.connectsTo[0] lists "secrets"; add it to the readers of the secrets it needs, or remove "secrets" there',
            ],
        ],
        [
            "a reader that is a service and a function by one name",
            () => couple((_secrets, _services, functions) => (functions.web = { image: { repository: "couple-realtime", imageTag: "1.0.0" }, connectsTo: ["secrets"] })),
            ['platform:secrets.flask-secret-key.readers[0]: "web" is both a service and a function; a secret\'s readers are named, so rename one of them', 'platform:secrets.ws-token-key.readers[0]: "web" is both a service and a function; a secret\'s readers are named, so rename one of them'],
        ],
        [
            "two secrets under one variable, and a variable no environment takes",
            () =>
                couple((secrets) => {
                    secrets["ws-token-key"] = { readers: ["web", "worker", "ws-authorizer"], variable: "FLASK_SECRET_KEY" };
                    secrets["api-key"] = { readers: ["web"], variable: "api-key" };
                }),
            [
                'platform:secrets.ws-token-key.variable: "FLASK_SECRET_KEY" is also the variable of "flask-secret-key"; a reader would get one of them',
                'platform:secrets.api-key.variable: "api-key" is not an environment variable name; use upper-case letters, digits and _, not starting with a digit',
            ],
        ],
        [
            "a length and a name Secrets Manager or the platform refuse",
            () => couple((secrets) => (secrets["Flask_Key"] = { readers: ["web"], length: 8 })),
            [
                'platform:secrets.Flask_Key: "Flask_Key" is not a secret name; use lowercase letters, digits and hyphens',
                "platform:secrets.Flask_Key.length: 8 is not allowed; use a whole number of characters from 32 to 4096",
            ],
        ],
        [
            "a variable a service sets itself",
            () =>
                couple((secrets, services) => {
                    secrets["ws-token-key"] = { readers: ["web", "worker", "ws-authorizer"], variable: "WS_HMAC" };
                    services.web = { ...service(["secrets"]), environment: { WS_HMAC: "x" } };
                }),
            ['platform:services.web.environment.WS_HMAC: "WS_HMAC" is set by the platform itself (the data tier\'s endpoints and credentials); choose another name'],
        ],
        [
            "no secrets at all",
            () => {
                const { "platform:functions": _functions, ...rest } = couple();
                return { ...rest, "platform:secrets": "{}", "platform:services": JSON.stringify({ web: service([]) }) };
            },
            ["platform:secrets: is empty; name at least one secret, or leave platform:secrets out"],
        ],
    ];
    itRaises(cases);
});

type Container = { name: string; secrets?: Array<{ name: string; valueFrom: string }>; environment?: Array<{ name: string; value: string }> };

describe("stack couple (planned): each service reads only its secrets", () => {
    let dir: string;
    let view: RunView;
    let run: Awaited<ReturnType<typeof cachedStackRun>>;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-secrets-"));
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const config = Object.fromEntries(Object.entries(couple()).map(([k, v]) => [k, k.startsWith("platform:") && v.startsWith("{") ? JSON.parse(v) : v]));
        fs.writeFileSync(path.join(dir, "Pulumi.couple.yaml"), JSON.stringify({ config }, null, 2));
        run = await cachedStackRun("couple", dir);
        view = new RunView(run);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const secretArn = (name: string) => String(view.ofType(SECRET).find((s) => s.inputs.name === `couple-dev/${name}`)!.id) // the mock's id is the ARN, as AWS's;
    const appContainer = (name: string): Container => {
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.inputs.family === `couple-dev-${name}`)!;
        return (JSON.parse(task.inputs.containerDefinitions as string) as Container[]).find((c) => c.name !== "writable-paths")!;
    };
    const executionReads = (name: string): string[] => {
        const policy = view.ofType(T.rolePolicy).find((p) => p.name === `${name}-execution-policy`)!;
        const statements = (JSON.parse(policy.inputs.policy as string) as { Statement: Array<{ Action: string | string[]; Resource: string | string[] }> }).Statement;
        return statements.filter((s) => [s.Action].flat().includes("secretsmanager:GetSecretValue")).flatMap((s) => [s.Resource].flat());
    };

    it("gives web both secrets and worker the token key alone, by ARN, never a value", () => {
        expect(secretArn("flask-secret-key")).to.match(new RegExp(`^arn:aws:secretsmanager:ap-northeast-2:${MOCK_ACCOUNT_ID}:secret:couple-dev/flask-secret-key-`));
        expect(appContainer("web").secrets).to.have.deep.members([
            { name: "FLASK_SECRET_KEY", valueFrom: secretArn("flask-secret-key") },
            { name: "WS_TOKEN_KEY", valueFrom: secretArn("ws-token-key") },
        ]);
        expect(appContainer("worker").secrets).to.deep.equal([{ name: "WS_TOKEN_KEY", valueFrom: secretArn("ws-token-key") }]);
        for (const name of ["web", "worker"]) {
            expect((appContainer(name).environment ?? []).map((e) => e.name)).to.not.include.members(["FLASK_SECRET_KEY", "WS_TOKEN_KEY"]);
        }
    });

    it("gives the authorizer function the token key's ARN (never its value) and a role that may read exactly that secret", () => {
        const fn = view.one("aws:lambda/function:Function", "functions-ws-authorizer-function");
        const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        expect(variables.WS_TOKEN_KEY_SECRET_ARN).to.equal(secretArn("ws-token-key"));
        expect(Object.keys(variables).filter((v) => v.startsWith("FLASK") || v === "WS_TOKEN_KEY")).to.deep.equal([]);
        const policies = [view.one(T.rolePolicy, "functions-ws-authorizer-policy")];
        const reads = policies.flatMap((p) =>
            (JSON.parse(p.inputs.policy as string) as { Statement: Array<{ Action: string | string[]; Resource: string | string[] }> }).Statement.filter((st) => [st.Action].flat().includes("secretsmanager:GetSecretValue")).flatMap((st) => [st.Resource].flat()),
        );
        expect(reads).to.deep.equal([secretArn("ws-token-key")]);
    });

    it("lets each execution role read exactly its secrets", () => {
        expect(executionReads("web")).to.have.members([secretArn("flask-secret-key"), secretArn("ws-token-key")]);
        expect(executionReads("worker")).to.deep.equal([secretArn("ws-token-key")]);
    });

    it("deletes a dev secret at once (a recreated stack reuses its names), and meets the baseline", () => {
        expect(view.ofType(SECRET).map((s) => s.inputs.recoveryWindowInDays)).to.deep.equal([0, 0]);
        expect(run.outputs.secretNames).to.deep.equal({ "flask-secret-key": "couple-dev/flask-secret-key", "ws-token-key": "couple-dev/ws-token-key" });
        expectBaseline(run, { project: "couple", env: "dev", name: "couple" });
    });
});
