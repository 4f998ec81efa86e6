/**
 * The SsmParameters component and the pure functions behind it: system B's point settings as
 * Parameter Store receives them (names, types, values and patterns, the SecureString's placeholder
 * and ignoreChanges, the key it is encrypted with, tags), the key and its alias, and the
 * statements a consumer's role gets.
 */
import { expect } from "chai";
import { SECURE_PLACEHOLDER, callsPerRefresh, parameterName, parameterStatements, readRate } from "../../../../components/config/parameters/parameters";
import { SsmParameters, SsmParametersArgs, parameterInputs } from "../../../../components/config/parameters/ssm-parameters";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource, SECRET_PLACEHOLDER } from "../../../../tooling/mock-runtime";
import { RunView, isTaggable, refusedArguments, runView } from "../../../support/query";

const PARAMETER = "aws:ssm/parameter:Parameter";
const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const REGION = "ap-northeast-2";
const naming = new Naming("point-ecs", "dev");
const tags = baseTags({ project: "point-ecs", env: "dev", stack: "test" });
const ssmArn = (name: string) => `arn:aws:ssm:${REGION}:${MOCK_ACCOUNT_ID}:parameter${name}`;
/** Rows by their first column (resources register in no fixed order). */
const sorted = <R extends unknown[]>(rows: R[]): R[] => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const GIVEN_KEY = `arn:aws:kms:${REGION}:${MOCK_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** System B's point settings, as the block's README shows them. */
function args(change: Partial<SsmParametersArgs> = {}): SsmParametersArgs {
    return {
        naming,
        tags,
        region: REGION,
        path: "point",
        kmsKey: "create",
        values: {
            "max-earn-per-transaction": { type: "String", value: "5000", allowedPattern: "^[0-9]+$", description: "Most points one transaction earns" },
            "feature/double-points": { type: "String", value: "false" },
            "partner-api-key": { type: "SecureString", description: "Key of the partner points API" },
        },
        ...change,
    };
}

function runParameters(parameterArgs: SsmParametersArgs): Promise<RunView> {
    return runView(() => {
        const built = new SsmParameters("parameters", parameterArgs);
        return { path: built.path, keyArn: built.keyArn, keyAlias: built.keyAlias, statements: built.statements, parameters: built.parameters.map((p) => ({ key: p.key, name: p.name, arn: p.arn })) };
    });
}

describe("components/ssm-parameters: system B's point settings", () => {
    let view: RunView;
    const parameterOf = (key: string): RecordedResource => view.one(PARAMETER, `parameters-${key}`);
    before(async () => {
        view = await runParameters(args());
    });

    it("names each parameter /<prefix>/<env>/<path>/<name>, its id the name and its ARN parameter/<name>, all Standard", () => {
        expect(sorted(view.ofType(PARAMETER).map((p) => [p.name, p.inputs.name, p.id, p.inputs.tier]))).to.deep.equal([
            ["parameters-feature/double-points", "/point-ecs/dev/point/feature/double-points", "/point-ecs/dev/point/feature/double-points", "Standard"],
            ["parameters-max-earn-per-transaction", "/point-ecs/dev/point/max-earn-per-transaction", "/point-ecs/dev/point/max-earn-per-transaction", "Standard"],
            ["parameters-partner-api-key", "/point-ecs/dev/point/partner-api-key", "/point-ecs/dev/point/partner-api-key", "Standard"],
        ]);
        expect(view.run.outputs.path).to.equal("/point-ecs/dev/point/");
        expect(view.run.outputs.parameters).to.deep.equal([
            { key: "max-earn-per-transaction", name: "/point-ecs/dev/point/max-earn-per-transaction", arn: ssmArn("/point-ecs/dev/point/max-earn-per-transaction") },
            { key: "feature/double-points", name: "/point-ecs/dev/point/feature/double-points", arn: ssmArn("/point-ecs/dev/point/feature/double-points") },
            { key: "partner-api-key", name: "/point-ecs/dev/point/partner-api-key", arn: ssmArn("/point-ecs/dev/point/partner-api-key") },
        ]);
    });

    it("gives a String its type, value (plain, shown in plans), allowedPattern and description from config, without a key or ignoreChanges", () => {
        expect(parameterOf("max-earn-per-transaction").inputs).to.deep.include({
            type: "String",
            insecureValue: "5000",
            allowedPattern: "^[0-9]+$",
            description: "Most points one transaction earns",
        });
        expect(parameterOf("feature/double-points").inputs).to.deep.include({ type: "String", insecureValue: "false" });
        for (const key of ["max-earn-per-transaction", "feature/double-points"]) {
            expect(parameterOf(key).inputs, key).to.not.have.any.keys("keyId", "value");
            expect(parameterOf(key).options.ignoreChanges, key).to.deep.equal([]);
        }
        expect(parameterOf("feature/double-points").inputs).to.not.have.any.keys("allowedPattern", "description");
    });

    it("creates a SecureString with the fixed placeholder, encrypted with the created key, its value left to operators (ignoreChanges)", () => {
        const secure = parameterOf("partner-api-key");
        const [key] = view.ofType(KEY);
        // The provider keeps `value` secret: the plan shows [secret], never a value.
        expect(secure.inputs).to.deep.include({ type: "SecureString", value: SECRET_PLACEHOLDER, keyId: `arn:aws:kms:${REGION}:${MOCK_ACCOUNT_ID}:key/${key.id}`, description: "Key of the partner points API" });
        expect(secure.inputs).to.not.have.property("insecureValue");
        // What it is created with: the fixed placeholder, whatever config says.
        expect(parameterInputs("/p/e/x/k", { type: "SecureString" }, "arn:k")).to.deep.equal({ name: "/p/e/x/k", type: "SecureString", tier: "Standard", value: "placeholder-set-out-of-band", keyId: "arn:k" });
        expect(SECURE_PLACEHOLDER).to.equal("placeholder-set-out-of-band");
        expect(secure.options.ignoreChanges).to.deep.equal(["value"]);
        expect(view.run.outputs.keyArn).to.equal(secure.inputs.keyId);
    });

    it("creates one key with rotation on and a 7-day deletion window by default, and its alias alias/point-ecs-dev-parameters", () => {
        const [key] = view.ofType(KEY);
        expect(view.ofType(KEY)).to.have.length(1);
        expect(key.inputs).to.deep.include({ description: "Parameter Store SecureStrings of point-ecs-dev", enableKeyRotation: true, deletionWindowInDays: 7 });
        expect(key.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        const [alias] = view.ofType(ALIAS);
        expect(alias.inputs).to.deep.include({ name: "alias/point-ecs-dev-parameters", targetKeyId: key.id });
        expect(view.run.outputs.keyAlias).to.equal("alias/point-ecs-dev-parameters");
    });

    it("tags the key and every parameter with the stack's tags, its component and its name; everything taggable is tagged", () => {
        const [key] = view.ofType(KEY);
        expect(key.inputs.tags).to.deep.equal({ ...tags, Component: "ssm-parameters", Name: "point-ecs-dev-parameters" });
        expect(parameterOf("partner-api-key").inputs.tags).to.deep.equal({ ...tags, Component: "ssm-parameters", Name: "/point-ecs/dev/point/partner-api-key" });
        const taggable = view.custom.filter((r) => isTaggable(r.type));
        expect(taggable.map((r) => r.type).sort()).to.deep.equal([KEY, PARAMETER, PARAMETER, PARAMETER]);
        expect(taggable.every((r) => (r.inputs.tags as Record<string, string>).Component === "ssm-parameters")).to.equal(true);
        const component = view.one("platform:config:SsmParameters", "parameters");
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
    });

    it("lets a consumer read exactly the path and what is under it, and decrypt with the key only through Parameter Store", () => {
        const [key] = view.ofType(KEY);
        expect(view.run.outputs.statements).to.deep.equal([
            {
                Sid: "ReadParameters",
                Effect: "Allow",
                Action: ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"],
                Resource: [ssmArn("/point-ecs/dev/point"), ssmArn("/point-ecs/dev/point/*")],
            },
            {
                Sid: "DecryptParameters",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: `arn:aws:kms:${REGION}:${MOCK_ACCOUNT_ID}:key/${key.id}`,
                Condition: { StringEquals: { "kms:ViaService": "ssm.ap-northeast-2.amazonaws.com" } },
            },
        ]);
    });
});

describe("components/ssm-parameters: settings", () => {
    it("in prod (30-day window given), names under /point-ecs/prod/ and keeps the key 30 days after its deletion is scheduled", async () => {
        const view = await runParameters(args({ naming: new Naming("point-ecs", "prod"), keyDeletionWindowInDays: 30 }));
        expect(view.ofType(KEY).map((k) => k.inputs.deletionWindowInDays)).to.deep.equal([30]);
        expect(view.ofType(ALIAS).map((a) => a.inputs.name)).to.deep.equal(["alias/point-ecs-prod-parameters"]);
        expect(view.one(PARAMETER, "parameters-max-earn-per-transaction").inputs.name).to.equal("/point-ecs/prod/point/max-earn-per-transaction");
    });

    it("with a key ARN, creates no key or alias and encrypts SecureStrings, and grants decryption, with that key", async () => {
        const view = await runParameters(args({ kmsKey: GIVEN_KEY }));
        expect(view.ofType(KEY)).to.deep.equal([]);
        expect(view.ofType(ALIAS)).to.deep.equal([]);
        expect(view.one(PARAMETER, "parameters-partner-api-key").inputs.keyId).to.equal(GIVEN_KEY);
        const statements = view.run.outputs.statements as Array<{ Sid: string; Resource: unknown }>;
        expect(statements.find((s) => s.Sid === "DecryptParameters")!.Resource).to.equal(GIVEN_KEY);
        expect(view.run.outputs.keyAlias).to.equal(undefined);
    });

    it("leaves the Name tag off a parameter whose name is longer than a tag value may be (256)", async () => {
        const long = "x".repeat(260);
        const view = await runParameters(args({ values: { [long]: { type: "String", value: "1" } } }));
        const tagsOf = view.one(PARAMETER, `parameters-${long}`).inputs.tags as Record<string, string>;
        expect(tagsOf).to.deep.equal({ ...tags, Component: "ssm-parameters" });
    });

    it("refuses bad arguments before it registers anything, each problem at its parameter", async () => {
        const lines = await refusedArguments("SsmParameters", () =>
            new SsmParameters(
                "parameters",
                args({
                    values: {
                        "max earn": { type: "String", value: "5000" },
                        "partner-api-key": { type: "SecureString", value: "sk_live_do_not_log" },
                        "earn-rate-percent": { type: "String", value: "12.5", allowedPattern: "^[0-9]{1,2}$" },
                    },
                }),
            ),
        );
        expect(lines).to.deep.equal([
            'values.max earn: "max earn" holds characters Parameter Store refuses; parameter names use only a-z, A-Z, 0-9, _, . and -, with / between levels',
            "values.partner-api-key.value: is refused: a SecureString never takes its value from config (it would sit in the stack file and the state); leave it out, and set the value out of band with aws ssm put-parameter --overwrite (see the block's README)",
            'values.earn-rate-percent.value: "12.5" does not match allowedPattern "^[0-9]{1,2}$"; Parameter Store would refuse it',
        ]);
        expect(lines.join("\n")).to.not.contain("sk_live_do_not_log");
    });
});

describe("components/ssm-parameters: parameters.ts", () => {
    it("names a parameter /<prefix>/<env>/<path>/<name>", () => {
        expect(parameterName(new Naming("point-ecs", "prod"), "point", "max-earn-per-transaction")).to.equal("/point-ecs/prod/point/max-earn-per-transaction");
        expect(parameterName(new Naming("point-ecs", "staging"), "point/config", "a")).to.equal("/point-ecs/staging/point/config/a");
    });

    it("counts a refresh as one GetParametersByPath call per 10 parameters, and the rate over every task", () => {
        expect([0, 1, 10, 11, 20, 21].map(callsPerRefresh)).to.deep.equal([1, 1, 1, 2, 2, 3]);
        expect(readRate([{ service: "point", tasks: 6 }, { service: "admin", tasks: 4 }], 3, 60)).to.equal(10 / 60);
        expect(readRate([{ service: "point", tasks: 6 }], 11, 1)).to.equal(12);
    });

    it("grants the three reads on the path and its children, and kms:Decrypt on the key through ssm.<region> only", () => {
        expect(parameterStatements({ pathArn: "arn:p", pathChildrenArn: "arn:p/*", keyArn: "arn:k", region: "ap-northeast-2" })).to.deep.equal([
            { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"], Resource: ["arn:p", "arn:p/*"] },
            { Sid: "DecryptParameters", Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:k", Condition: { StringEquals: { "kms:ViaService": "ssm.ap-northeast-2.amazonaws.com" } } },
        ]);
    });
});
