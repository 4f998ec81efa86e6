import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_PLACEHOLDER } from "../../tooling/mock-runtime";
import { readableStacks } from "../../tooling/plan";
import { StackFileError, listStacks, readStackConfig, stackFileProblem } from "../../tooling/stack-file";

/** A throwaway project directory holding the given files. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const PROJECT = `name: platform
runtime: nodejs
config:
  aws:region: ap-northeast-2
  env:
    type: string
  name:
    type: string
    default: goorm-popcorn
  replicas:
    type: integer
    default: 2
`;

describe("tests/support/stack-file: config as the Pulumi CLI presents it", () => {
    it("qualifies bare keys with the project name and passes objects as JSON, scalars as text", () => {
        const root = project({
            "Pulumi.yaml": PROJECT,
            "Pulumi.x.yaml": "config:\n  env: dev\n  platform:network:\n    cidr: 10.0.0.0/16\n    azs: [a, b]\n  replicas: 3\n  platform:debug: true\n",
        });
        const { config, secretKeys, project: name } = readStackConfig("x", root);
        expect(name).to.equal("platform");
        expect(config).to.deep.equal({
            "aws:region": "ap-northeast-2",
            "platform:env": "dev",
            "platform:name": "goorm-popcorn",
            "platform:replicas": "3",
            "platform:network": '{"cidr":"10.0.0.0/16","azs":["a","b"]}',
            "platform:debug": "true",
        });
        expect(secretKeys).to.deep.equal([]);
    });

    it("replaces secure values, top-level or nested, by a visible placeholder and marks the key secret", () => {
        const root = project({
            "Pulumi.yaml": PROJECT,
            "Pulumi.x.yaml": "config:\n  env: dev\n  platform:alarmEmail:\n    secure: v1:AAAA\n  platform:monitoring:\n    email:\n      secure: v1:BBBB\n    cpu: 80\n",
        });
        const { config, secretKeys } = readStackConfig("x", root);
        expect(config["platform:alarmEmail"]).to.equal(SECRET_PLACEHOLDER);
        expect(JSON.parse(config["platform:monitoring"])).to.deep.equal({ email: SECRET_PLACEHOLDER, cpu: 80 });
        expect(secretKeys).to.have.members(["platform:alarmEmail", "platform:monitoring"]);
    });

    it("refuses a stack that lacks a typed project key without default, as the CLI does", () => {
        const root = project({ "Pulumi.yaml": PROJECT, "Pulumi.x.yaml": "config:\n  platform:name: popcorn\n" });
        expect(() => readStackConfig("x", root)).to.throw(StackFileError, "Stack 'x' is missing configuration value 'platform:env'");
    });

    it("refuses a value of the wrong declared type", () => {
        const root = project({ "Pulumi.yaml": PROJECT, "Pulumi.x.yaml": "config:\n  env: dev\n  replicas: many\n" });
        expect(() => readStackConfig("x", root)).to.throw(StackFileError, "Stack 'x' with configuration key 'platform:replicas' must be of type 'integer'");
    });

    it("names the missing file, and lists the stacks that exist", () => {
        const root = project({ "Pulumi.yaml": PROJECT, "Pulumi.a.yaml": "config: {}\n", "Pulumi.b.yaml": "config: {}\n" });
        expect(() => readStackConfig("c", root)).to.throw(StackFileError, `Pulumi.c.yaml not found in ${root}`);
        expect(listStacks(root)).to.deep.equal(["a", "b"]);
    });

    describe("a YAML syntax error: the file, line and column, the line itself, the first error only, no stack trace", () => {
        const cases: Array<[string, string, string[]]> = [
            [
                "a duplicate key",
                "config:\n  platform:env: dev\n  platform:network:\n    cidr: 10.0.0.0/16\n    cidr: 10.1.0.0/16\n",
                ["Pulumi.x.yaml:5:5: Map keys must be unique (a key appears once per mapping; keep one of the two)", "  4 |     cidr: 10.0.0.0/16", "  5 |     cidr: 10.1.0.0/16", "          ^"],
            ],
            [
                "a key indented too far",
                "config:\n  platform:env: dev\n  platform:network:\n      cidr: 10.0.0.0/16\n    natGateways: single\n",
                [
                    "Pulumi.x.yaml:5:1: All mapping items must start at the same column (check the indentation here and on the line above: the keys of one mapping start in the same column)",
                    "  4 |       cidr: 10.0.0.0/16",
                    "  5 |     natGateways: single",
                    "      ^",
                ],
            ],
            [
                "an unclosed flow map",
                "config:\n  platform:env: dev\n  platform:network: { cidr: 10.0.0.0/16\n  platform:name: popcorn\n",
                ["^Pulumi\\.x\\.yaml:\\d+:\\d+: .*(end with a \\}|Missing \\})"],
            ],
        ];
        for (const [title, text, expected] of cases) {
            it(title, () => {
                const root = project({ "Pulumi.yaml": PROJECT, "Pulumi.x.yaml": text });
                let message = "";
                try {
                    readStackConfig("x", root);
                } catch (err) {
                    expect(err).to.be.instanceOf(StackFileError);
                    message = (err as Error).message;
                }
                const lines = message.split("\n").filter((l) => !l.startsWith("  ("));
                if (expected[0].startsWith("^")) {
                    expect(lines[0]).to.match(new RegExp(expected[0]));
                } else {
                    expect(lines).to.deep.equal(expected);
                }
                expect(message).to.not.match(/^\s+at /m);
                expect(stackFileProblem("x", root)).to.equal(message);
            });
        }

        it("leaves a stack file that does not read out of the stacks the tests run (one test reports it)", () => {
            const root = project({ "Pulumi.yaml": PROJECT, "Pulumi.a.yaml": "config: {}\n", "Pulumi.b.yaml": "config:\n  x: [1\n" });
            expect(readableStacks(root)).to.deep.equal(["a"]);
            expect(stackFileProblem("a", root)).to.equal(undefined);
        });
    });
});
