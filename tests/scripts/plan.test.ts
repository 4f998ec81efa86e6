/**
 * The offline plan CLI: `npm run -s plan -- --stack <name> [--json]`. The README's own command runs
 * as a user runs it (npm, node, a pipe into jq); the rest runs the same CLI in-process
 * (tooling/plan-cli.ts, which scripts/plan.ts only hands the process's streams), which spares a
 * Node.js start and a load of @pulumi/aws per case.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CostEstimate } from "../../tooling/cost/types";
import { planCli } from "../../tooling/plan-cli";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { requireTool } from "../support/tools";
import { SEED_ROOT } from "../fixtures/seed";

interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** The plan CLI in-process, with its output captured. */
async function plan(...args: string[]): Promise<CliResult> {
    let stdout = "";
    let stderr = "";
    const status = await planCli(args, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
    return { status, stdout, stderr };
}

/** A directory with the project's Pulumi.yaml and `Pulumi.<stack>.yaml` holding `text`. */
function stackDirectory(stack: string, text: string, created: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    created.push(dir);
    return dir;
}

/** Writes `Pulumi.tmp-<label>.yaml` into the project root for one test; returns the stack name. */
function temporaryStack(label: string, text: string, created: string[]): string {
    const stack = `tmp-${label}-${process.pid}`;
    const file = path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, text);
    created.push(file);
    return stack;
}

interface PlanDocument {
    stack: string;
    resources: Array<{ urn: string; id: string | null; type: string; name: string; parent: string | null; inputs: Record<string, unknown>; options?: Record<string, unknown> }>;
    outputs: Record<string, unknown>;
    warnings: string[];
    cost: CostEstimate;
}

describe("scripts/plan: the offline plan CLI", () => {
    const created: string[] = [];
    after(() => created.forEach((file) => fs.rmSync(file, { recursive: true, force: true })));

    it("prints one JSON document for the README's command (npm run -s plan -- --stack dev --json | jq), run as written", function () {
        requireTool(this, "jq", "running the README's JSON plan command");
        const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
        const command = /^\s*(npm run -s plan -- --stack \S+ --json \| jq .*)$/m.exec(readme)?.[1];
        expect(command, "the README documents the JSON plan piped into jq").to.be.a("string");
        const result = spawnSync("bash", ["-e", "-o", "pipefail", "-c", command!], { cwd: PROJECT_ROOT, encoding: "utf8" });
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout.trim()).to.match(/^https:\/\/\S+$/);
    });

    it("prints the tree, the counts and the outputs (npm run plan -- --stack dev)", async () => {
        const result = await plan("--stack", "dev", "--dir", SEED_ROOT);
        expect(result.status, result.stderr).to.equal(0);
        const lines = result.stdout.split("\n");
        expect(lines).to.include("+ pulumi:pulumi:Stack platform-dev");
        expect(lines).to.include("    + platform:network:Vpc network");
        expect(lines).to.include("        + aws:ec2/subnet:Subnet network-private-2a");
        expect(lines).to.include("        + aws:ec2/natGateway:NatGateway network-nat-2a");
        expect(lines).to.include("        + aws:ecs/service:Service api-gateway-blue-service");
        expect(lines).to.include("Resources: 243 to create");
        expect(lines).to.include("      5 aws:ec2/subnet:Subnet");
        expect(lines).to.include("      1 aws:ec2/natGateway:NatGateway");
        expect(lines).to.include("      8 aws:ecs/service:Service");
        expect(lines).to.include('    vpcCidr: "10.0.0.0/16"');
        // The cost summary last (tooling/cost: README "What it costs").
        expect(result.stdout).to.match(/\nCost: \$[\d,]+\.\d\d a month \(ap-northeast-2 prices of \d{4}-\d\d-\d\d\); budget: none set \(platform:cost\.monthlyBudgetUsd\)\.\n {4}\S+ \$[\d,.]+, .* — itemised by `npm run cost -- --stack dev`\.\n$/);
    });

    describe("--json", () => {
        let first: CliResult;
        let document: PlanDocument;
        before(async () => {
            first = await plan("--stack", "prod", "--json", "--dir", SEED_ROOT);
            document = JSON.parse(first.stdout) as PlanDocument;
        });

        it("prints exactly one JSON document with stack, resources, outputs, warnings and cost", () => {
            expect(first.status, first.stderr).to.equal(0);
            expect(Object.keys(document)).to.deep.equal(["stack", "resources", "outputs", "warnings", "cost"]);
            expect(document.stack).to.equal("prod");
            for (const resource of document.resources) {
                // `options` only where some option is not the default.
                expect(Object.keys(resource).join()).to.be.oneOf(["urn,id,type,name,parent,inputs", "urn,id,type,name,parent,inputs,options"]);
            }
            expect(document.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")).to.have.length(9);
            expect(Object.keys(document.cost)).to.deep.equal(["stack", "region", "currency", "tableDate", "monthlyUsd", "lines", "notPriced", "assumptions"]);
            expect(document.cost.monthlyUsd).to.be.above(0);
            expect(document.outputs.vpcCidr).to.equal("10.0.0.0/16");
        });

        it("gives parents as URNs and ids that references in other inputs resolve to", () => {
            const byUrn = new Map(document.resources.map((r) => [r.urn, r]));
            const vpc = document.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
            expect(byUrn.get(vpc.parent!)!.type).to.equal("platform:network:Vpc");
            expect(document.resources.filter((r) => r.parent === null).map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
            const subnets = document.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
            expect(subnets.every((s) => s.inputs.vpcId === vpc.id)).to.equal(true);
            const nat = document.resources.find((r) => r.name === "network-nat-2b")!;
            const natSubnet = document.resources.find((r) => r.id === nat.inputs.subnetId)!;
            expect(natSubnet.inputs).to.include({ cidrBlock: "10.0.2.0/24", availabilityZone: "ap-northeast-2b" });
        });

        it("shows the options that change what pulumi up does: protect on the data, retained repositories, dependsOn by URN", () => {
            const byName = (name: string) => document.resources.find((r) => r.name === name)!;
            expect(byName("db-cluster").options).to.deep.include({ protect: true });
            expect(byName("db-cluster").options!.dependsOn).to.be.an("array").that.is.not.empty;
            const scaling = byName("order-service-scaling");
            expect(scaling.options).to.deep.equal({ dependsOn: [document.resources.find((r) => r.name === "order-service-service")!.urn] });
            expect(document.resources.filter((r) => r.options !== undefined).every((r) => Object.keys(r.options!).length > 0)).to.equal(true);
        });

        it("prints the program's warnings on stderr, as pulumi preview shows its diagnostics, and keeps stdout JSON", () => {
            expect(first.stderr).to.contain("warning: platform:monitoring.unattendedReason: the alarms of this stack notify nobody");
            expect(document.warnings).to.have.length(1);
        });
    });

    it("plans any Pulumi.<name>.yaml in the project root, secure values included", async () => {
        const dev = fs.readFileSync(path.join(SEED_ROOT, "Pulumi.dev.yaml"), "utf8");
        // Its own names and record: a copy of dev as it is would collide with Pulumi.dev.yaml.
        const own = dev.replace("platform:env: dev", "platform:env: dev\n  platform:envName: tmp").replace(/api-dev\.goormpopcorn\.shop/g, "api-tmp.goormpopcorn.shop");
        const stack = temporaryStack("ok", `${own}  aws:secretKey:\n    secure: v1:bm90LWRlY3J5cHRhYmxl\n`, created);
        const result = await plan("--stack", stack, "--json");
        expect(result.status, result.stderr).to.equal(0);
        expect((JSON.parse(result.stdout) as PlanDocument).stack).to.equal(stack);
    });

    it("prints a bad stack file's problems on stderr, nothing on stdout, and exits 1", async () => {
        const dev = fs.readFileSync(path.join(SEED_ROOT, "Pulumi.dev.yaml"), "utf8");
        const dir = stackDirectory("bad", dev.replace("10.0.11.0/24", "10.1.11.0/24").replace("natGateways: single", "natGateway: single"), created);
        const result = await plan("--stack", "bad", "--dir", dir);
        expect(result.status).to.equal(1);
        expect(result.stdout).to.equal("");
        expect(result.stderr).to.contain('platform:network.subnets.private[0].cidr: "10.1.11.0/24" is outside the VPC CIDR "10.0.0.0/16"');
        expect(result.stderr).to.contain("platform:network.natGateway: is not a known key (did you mean natGateways?)");
    });

    it("stops at a YAML syntax error with exit 1: the file, line and column, the line itself, no stack trace", async () => {
        const dev = fs.readFileSync(path.join(SEED_ROOT, "Pulumi.dev.yaml"), "utf8");
        const stack = "yaml";
        const dir = stackDirectory(stack, dev.replace("    natGateways: single\n", "    natGateways: single\n    natGateways: perAz\n"), created);
        const result = await plan("--stack", stack, "--dir", dir);
        expect(result.status).to.equal(1);
        expect(result.stdout).to.equal("");
        const [first, ...rest] = result.stderr.trimEnd().split("\n");
        expect(first).to.match(new RegExp(`^Pulumi\\.${stack}\\.yaml:\\d+:5: Map keys must be unique`));
        expect(rest).to.include.members(["  " + first.split(":")[1] + " |     natGateways: perAz"]);
        expect(result.stderr).to.not.match(/^\s+at /m);
    });

    it("exits 1 for a stack without a stack file, and 2 without --stack", async () => {
        const missing = await plan("--stack", "nope");
        expect(missing.status).to.equal(1);
        expect(missing.stderr).to.contain("Pulumi.nope.yaml not found");
        const usage = await plan();
        expect(usage.status).to.equal(2);
        expect(usage.stderr).to.contain("usage: npm run plan -- --stack <name> [--json] [--dir <directory of stack files>]");
    });
});
