/**
 * The docs are the program's: each block's README has its config table as the schema generates it
 * (`npm run docs`) and an example stack file that plans; the root README's core table too; and
 * nothing points outside the repository.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BLOCKS } from "../stacks/registry";
import { blockReadme, blockTable, coreTable, withTable } from "../tooling/docs";
import { cachedStackRun } from "../tooling/plan";
import { PROJECT_ROOT, readStackConfig } from "../tooling/stack-file";
import { expectBaseline } from "./support/baseline";

const README = path.join(PROJECT_ROOT, "README.md");
const read = (file: string) => fs.readFileSync(file, "utf8");

/** The YAML of a README's `## Example` section. */
function exampleOf(text: string): string | undefined {
    const section = text.slice(text.indexOf("## Example"));
    return /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
}

describe("docs: block READMEs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-docs-"));
    fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const block of BLOCKS) {
        describe(`${block.name} (${path.relative(PROJECT_ROOT, blockReadme(block))})`, () => {
            it("has its config table as the schema makes it (npm run docs)", () => {
                const text = read(blockReadme(block));
                expect(withTable(text, blockTable(block)), "no config:begin/config:end markers").to.be.a("string");
                expect(withTable(text, blockTable(block)) === text, "the config table is out of date: run `npm run docs`").to.equal(true);
            });

            it("has an example stack file that plans and meets the baseline", async () => {
                const example = exampleOf(read(blockReadme(block)));
                expect(example, "no ```yaml example under ## Example").to.be.a("string");
                const stack = `example-${block.name.toLowerCase()}`;
                // Each example alone: the examples share names, as copies of one stack would.
                fs.readdirSync(dir).filter((f) => f.startsWith("Pulumi.example-")).forEach((f) => fs.rmSync(path.join(dir, f)));
                fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), example!);
                const run = await cachedStackRun(stack, dir);
                const { config } = readStackConfig(stack, dir);
                expectBaseline(run, { project: config["platform:name"], env: config["platform:envName"] ?? config["platform:env"], name: stack });
            });
        });
    }
});

describe("docs: the root README and docs/", () => {
    it("has the core keys' table as the schema makes it", () => {
        expect(withTable(read(README), coreTable()) === read(README), "the config table is out of date: run `npm run docs`").to.equal(true);
    });

    it("links every block's README", () => {
        for (const block of BLOCKS) {
            expect(read(README), block.name).to.contain(`(${path.relative(PROJECT_ROOT, blockReadme(block))})`);
        }
    });

    it("warns in the canary runbook that in-VPC callers reach both colours through Cloud Map, whatever the weights", () => {
        const canary = read(README).split("### Canary and rollback")[1].split("\n### ")[0];
        expect(canary).to.contain("Inside the VPC the weights do not apply");
        expect(canary).to.contain("both colours");
    });

    it("tells how to create the database's application user, the one the services sign in as", () => {
        const section = read(README).split("### Creating the application user")[1]?.split("\n### ")[0] ?? "";
        expect(section).to.contain("GRANT rds_iam TO app;");
        expect(section).to.contain("AWS-StartPortForwardingSessionToRemoteHost");
    });

    it("points at nothing outside the repository", () => {
        const files = [README, ...BLOCKS.map(blockReadme), ...fs.readdirSync(path.join(PROJECT_ROOT, "docs")).map((f) => path.join(PROJECT_ROOT, "docs", f))];
        for (const file of files) {
            expect(read(file), path.relative(PROJECT_ROOT, file)).to.not.match(/\.\.\/shared|SPEC §|SYSTEMS\.md/);
        }
    });
});
