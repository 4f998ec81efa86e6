/**
 * `npm run cost -- --stack <name> [--json] [--dir d]` in-process (tooling/cost/cli.ts), and the
 * cost in the offline plan: the text table, the JSON CostEstimate the pull-request diff reads, the
 * budget warning on stderr (exit 0), usage and config errors.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { costCli } from "../../../tooling/cost/cli";
import type { CostEstimate } from "../../../tooling/cost/types";
import { planCli } from "../../../tooling/plan-cli";
import { PROJECT_ROOT } from "../../../tooling/stack-file";
import { SEED_ROOT } from "../../fixtures/seed";

interface Result {
    status: number;
    stdout: string;
    stderr: string;
}

async function run(cli: typeof costCli, ...args: string[]): Promise<Result> {
    let stdout = "";
    let stderr = "";
    const status = await cli(args, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
    return { status, stdout, stderr };
}

describe("tooling/cost/cli: npm run cost", () => {
    let json: Result;
    let estimate: CostEstimate;
    before(async () => {
        json = await run(costCli, "--stack", "chat", "--json", "--dir", SEED_ROOT);
        estimate = JSON.parse(json.stdout) as CostEstimate;
    });

    it("prints exactly one CostEstimate with --json, the budget warning on stderr, and exits 0 over the budget", () => {
        expect(json.status, json.stderr).to.equal(0);
        expect(Object.keys(estimate)).to.deep.equal(["stack", "region", "currency", "tableDate", "monthlyUsd", "lines", "notPriced", "assumptions", "budget"]);
        expect(estimate).to.deep.include({ stack: "chat", region: "ap-northeast-2", currency: "USD" });
        expect(Object.keys(estimate.lines[0])).to.include.members(["resource", "type", "component", "priceId", "unitPriceUsd", "quantity", "unit", "basis", "monthlyUsd"]);
        expect(estimate.budget?.over).to.equal(true);
        expect(json.stderr).to.match(/^warning: platform:cost\.monthlyBudgetUsd: the estimate, \$[\d,.]+ a month, is over the budget of \$90\.00 by \$[\d,.]+ \(a warning: nothing stops\)\. The three largest components and the keys that lower them:\n {2}network \$[\d.]+:\n {4}- /);
        expect(json.stderr).to.contain("platform:cache.engine: valkey — 20 % below Redis OSS per node");
    });

    it("prints the table by component, the total, the lines not priced, the budget and the table's date", async () => {
        const text = await run(costCli, "--stack", "chat", "--dir", SEED_ROOT);
        expect(text.status, text.stderr).to.equal(0);
        const lines = text.stdout.split("\n");
        expect(lines[0]).to.equal(`Monthly cost of stack "chat" (ap-northeast-2, USD, on-demand prices of ${estimate.tableDate}; usage from assumptions; nothing deployed):`);
        expect(lines).to.include("     $47.31  network");
        expect(text.stdout).to.match(/\n {5}\$43\.07 {4}network-nat-2a +\$0\.059\/hour +730 hour +730 h \(NAT gateway\) \[nat\.hour\]\n/);
        expect(lines).to.include(`Total: $${estimate.monthlyUsd.toFixed(2)} a month (the priced lines).`);
        expect(lines).to.include("Not priced (the table has no price; not in the total, never counted as 0): 6 lines");
        expect(text.stdout).to.match(/\nBudget: \$90\.00 \(platform:cost\.monthlyBudgetUsd\): OVER by \$[\d.]+\.\n/);
        expect(text.stdout).to.contain(`Prices: tooling/cost/prices-ap-northeast-2.json (ap-northeast-2, compiled ${estimate.tableDate}).`);
        expect(text.stderr).to.match(/^warning: platform:cost\.monthlyBudgetUsd: /);
    });

    it("gives the plan's text a cost summary and its JSON the same estimate as npm run cost", async () => {
        const plan = await run(planCli, "--stack", "chat", "--json", "--dir", SEED_ROOT);
        expect(plan.status, plan.stderr).to.equal(0);
        expect((JSON.parse(plan.stdout) as { cost: CostEstimate }).cost).to.deep.equal(estimate);
        expect(plan.stderr).to.contain("warning: platform:cost.monthlyBudgetUsd: the estimate");
    });

    it("exits 2 on usage and 1 on a stack file the program refuses", async () => {
        const usage = await run(costCli, "--json");
        expect(usage.status).to.equal(2);
        expect(usage.stderr).to.match(/^--stack is required \(stacks: /);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-cli-"));
        try {
            fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  aws:region: ap-northeast-2\n  platform:env: dev\n  platform:name: bad-cost\n  platform:cost:\n    monthlyBudgetUsd: -1\n");
            const bad = await run(costCli, "--stack", "bad", "--dir", dir);
            expect(bad.status).to.equal(1);
            expect(bad.stdout).to.equal("");
            expect(bad.stderr).to.contain("platform:cost.monthlyBudgetUsd: -1 is not a budget");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
