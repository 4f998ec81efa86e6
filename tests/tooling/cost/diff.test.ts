/**
 * The pull request's cost change (tooling/cost/diff.ts, the CLI tooling/cost/diff-cli.ts): lines
 * matched by resource, type and price; stacks added and removed; cents without floating-point
 * noise; not-priced lines flagged, never counted; the job summary's exact Markdown.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { costDiff, formatCents, formatUnitPrice, renderCostSummary, toCents } from "../../../tooling/cost/diff";
import { costDiffCli, estimateProblem } from "../../../tooling/cost/diff-cli";
import type { CostEstimate, CostLine } from "../../../tooling/cost/types";

/** A cost line; monthly = price × quantity to cents unless given; price null = not priced. */
function line(resource: string, type: string, priceId: string, unitPriceUsd: number | null, quantity: number, basis: string, extra: Partial<CostLine> = {}): CostLine {
    const monthlyUsd = unitPriceUsd === null ? null : toCents(unitPriceUsd * quantity) / 100;
    return { resource, type, component: resource, priceId, unitPriceUsd, quantity, unit: "hour", basis, monthlyUsd, ...extra };
}

/** An estimate whose total is the sum of its priced lines (in cents, as the estimator sums). */
function estimate(stack: string, lines: CostLine[], extra: Partial<CostEstimate> = {}): CostEstimate {
    const cents = lines.reduce((sum, l) => sum + (l.monthlyUsd === null ? 0 : toCents(l.monthlyUsd)), 0);
    return {
        stack,
        region: "ap-northeast-2",
        currency: "USD",
        tableDate: "2026-05-01",
        monthlyUsd: cents / 100,
        lines,
        notPriced: lines.filter((l) => l.unitPriceUsd === null),
        assumptions: {},
        ...extra,
    };
}

const ALB = line("alb-alb", "aws:lb/loadBalancer:LoadBalancer", "alb.hour", 0.0225, 730, "730 h");
const NAT = line("nat-a", "aws:ec2/natGateway:NatGateway", "nat.hour", 0.059, 730, "730 h");
const WEB1 = line("web", "aws:ecs/service:Service", "fargate.x86.vcpu-hour", 0.04656, 365, "1 × 0.5 vCPU × 730 h");
const WEB2 = line("web", "aws:ecs/service:Service", "fargate.x86.vcpu-hour", 0.04656, 730, "2 × 0.5 vCPU × 730 h");
const SECRET = line("app-secret", "aws:secretsmanager/secret:Secret", "secretsmanager.secret-month", 0.4, 1, "1 secret");
const CDN = line("cdn", "aws:cloudfront/distribution:Distribution", "cloudfront.https-requests", null, 10, "10 × 1M requests (assumption cdnRequestsMillions)", { assumption: "cdnRequestsMillions" });

describe("tooling/cost/diff: the cost change of a pull request", () => {
    describe("cents", () => {
        it("rounds USD to whole cents half away from zero as written, not as binary floating point has it", () => {
            expect(1.005 * 100).to.not.equal(100.5); // why toCents exists
            expect(toCents(12.345)).to.equal(1235);
            expect(toCents(-12.345)).to.equal(-1235);
            expect(toCents(0.1 + 0.2)).to.equal(30);
            expect(toCents(1.005)).to.equal(101);
            expect(toCents(-0.001)).to.equal(0);
            expect(Object.is(toCents(-0.001), 0)).to.equal(true);
        });

        it("writes amounts with cents and thousands separators, signed when asked; unit prices as the table has them", () => {
            expect(formatCents(123456789)).to.equal("$1,234,567.89");
            expect(formatCents(5)).to.equal("$0.05");
            expect(formatCents(1234, true)).to.equal("+$12.34");
            expect(formatCents(-1234, true)).to.equal("-$12.34");
            expect(formatCents(0, true)).to.equal("$0.00");
            expect(formatUnitPrice(0.0225)).to.equal("$0.0225");
            expect(formatUnitPrice(5)).to.equal("$5.00");
            expect(formatUnitPrice(0.4)).to.equal("$0.40");
            expect(formatUnitPrice(0.0000004)).to.equal("$0.0000004");
        });

        it("sums and subtracts in cents: $0.10 to $0.30 is +$0.20, not +$0.19999999999999998", () => {
            const base = estimate("s", [], { monthlyUsd: 0.1 });
            const head = estimate("s", [], { monthlyUsd: 0.1 + 0.2 });
            const diff = costDiff(base, head);
            expect(diff.deltaUsd).to.equal(0.2);
            expect(diff.percent).to.equal(200);
            expect(renderCostSummary([diff])).to.contain("| s | $0.10 | $0.30 | +$0.20 | +200.0% |");
        });

        it("gives the percent to one decimal from the cents ($3.00 -> $4.00 is +33.3 %, $3.00 -> $2.00 is -33.3 %)", () => {
            expect(costDiff(estimate("s", [], { monthlyUsd: 3 }), estimate("s", [], { monthlyUsd: 4 })).percent).to.equal(33.3);
            expect(costDiff(estimate("s", [], { monthlyUsd: 3 }), estimate("s", [], { monthlyUsd: 2 })).percent).to.equal(-33.3);
            expect(costDiff(estimate("s", [], { monthlyUsd: 0 }), estimate("s", [], { monthlyUsd: 2 })).percent, "from $0").to.equal(null);
        });
    });

    describe("lines, matched by resource, type and price", () => {
        const base = estimate("couple", [NAT, WEB1, SECRET, CDN]);
        const head = estimate("couple", [ALB, NAT, WEB2, CDN]);
        const diff = costDiff(base, head);

        it("finds the added, removed, changed and unchanged lines, with their deltas in cents", () => {
            const by = (resource: string) => diff.lines.find((l) => l.resource === resource)!;
            expect(diff.counts).to.deep.equal({ added: 1, removed: 1, changed: 1, unchanged: 2 });
            expect(by("alb-alb")).to.include({ change: "added", deltaUsd: 16.43 });
            expect(by("app-secret")).to.include({ change: "removed", deltaUsd: -0.4 });
            expect(by("web")).to.include({ change: "changed", deltaUsd: 17 });
            expect(by("web").fields).to.deep.equal(["quantity", "monthly"]);
            expect(by("web").base).to.equal(WEB1);
            expect(by("web").head).to.equal(WEB2);
            expect(by("nat-a")).to.include({ change: "unchanged", deltaUsd: 0 });
            expect(diff).to.include({ change: "changed", baseUsd: 60.46, headUsd: 93.49, deltaUsd: 33.03, percent: 54.6 });
        });

        it("orders the changed lines by the size of their change, then not priced, then the unchanged by name", () => {
            expect(diff.lines.map((l) => `${l.change} ${l.resource}`)).to.deep.equal(["changed web", "added alb-alb", "removed app-secret", "unchanged cdn", "unchanged nat-a"]);
        });

        it("keeps a resource's lines together: a new instance class is its old price removed beside its new one added", () => {
            const small = line("db-instance", "aws:rds/instance:Instance", "rds.postgres.db.t4g.small", 0.051, 730, "730 h (db.t4g.small)");
            const micro = line("db-instance", "aws:rds/instance:Instance", "rds.postgres.db.t4g.micro", 0.025, 730, "730 h (db.t4g.micro)");
            const nat2 = line("nat-b", "aws:ec2/natGateway:NatGateway", "nat.hour", 0.059, 365, "365 h");
            const d = costDiff(estimate("dev", [NAT, small]), estimate("dev", [NAT, nat2, micro]));
            expect(d.lines.map((l) => `${l.change} ${l.resource} ${l.deltaUsd}`)).to.deep.equal(["removed db-instance -37.23", "added db-instance 18.25", "added nat-b 21.54", "unchanged nat-a 0"]);
            expect(renderCostSummary([d])).to.contain(
                "```diff\n- $37.23  db-instance (aws:rds/instance) 730 h (db.t4g.small) × $0.051\n+ $18.25  db-instance (aws:rds/instance) 730 h (db.t4g.micro) × $0.025\n+ $21.54  nat-b (aws:ec2/natGateway) 365 h × $0.059\n```",
            );
        });

        it("sees a new unit price as a change of price and amount, at the same quantity", () => {
            const dearer = { ...NAT, unitPriceUsd: 0.062, monthlyUsd: 45.26 };
            const d = costDiff(estimate("s", [NAT]), estimate("s", [dearer]));
            expect(d.lines[0]).to.include({ change: "changed", deltaUsd: 2.19 });
            expect(d.lines[0].fields).to.deep.equal(["unitPrice", "monthly"]);
        });

        it("does not count a new wording of the basis alone as a change", () => {
            const d = costDiff(estimate("s", [NAT]), estimate("s", [{ ...NAT, basis: "730 h (1 NAT)" }]));
            expect(d.change).to.equal("unchanged");
        });

        it("tells apart lines of the same resource by their price, and matches repeats of one key in order", () => {
            const vcpu = line("web", "aws:ecs/service:Service", "fargate.x86.vcpu-hour", 0.04656, 730, "2 × 0.5 vCPU × 730 h");
            const gb = line("web", "aws:ecs/service:Service", "fargate.x86.gb-hour", 0.00511, 1460, "2 × 1 GB × 730 h");
            const ebs1 = line("node", "aws:ec2/instance:Instance", "ebs.gp3.gb-month", 0.0912, 20, "20 GB gp3");
            const ebs2 = line("node", "aws:ec2/instance:Instance", "ebs.gp3.gb-month", 0.0912, 30, "30 GB gp3");
            const d = costDiff(estimate("s", [vcpu, gb, ebs1, ebs2]), estimate("s", [vcpu, { ...gb, quantity: 2920, monthlyUsd: 14.92 }, ebs1]));
            expect(d.lines.map((l) => `${l.change} ${l.priceId} ${l.base?.basis ?? l.head?.basis}`)).to.deep.equal([
                "changed fargate.x86.gb-hour 2 × 1 GB × 730 h",
                "removed ebs.gp3.gb-month 30 GB gp3",
                "unchanged ebs.gp3.gb-month 20 GB gp3",
                "unchanged fargate.x86.vcpu-hour 2 × 0.5 vCPU × 730 h",
            ]);
        });

        it("leaves a stack whose every line and total are the same out of the details", () => {
            const same = costDiff(estimate("dev", [NAT, CDN]), estimate("dev", [NAT, CDN]));
            expect(same).to.include({ change: "unchanged", deltaUsd: 0, percent: 0 });
            const md = renderCostSummary([same]);
            expect(md).to.contain("| dev | $43.07 | $43.07 | $0.00 | 0.0% | — | 1 |");
            expect(md).to.not.contain("<details>");
        });
    });

    describe("not-priced lines: listed and flagged, never counted as $0", () => {
        it("gives a change involving a not-priced line no amount, and the diff says so", () => {
            const moreRequests = { ...CDN, quantity: 20, basis: "20 × 1M requests (assumption cdnRequestsMillions)" };
            const nat = { ...NAT, unitPriceUsd: null, monthlyUsd: null };
            const d = costDiff(estimate("s", [CDN, NAT]), estimate("s", [moreRequests, nat]));
            expect(d.lines.map((l) => [l.resource, l.change, l.deltaUsd])).to.deep.equal([
                ["cdn", "changed", null],
                ["nat-a", "changed", null],
            ]);
            expect(d.lines[1].fields).to.deep.equal(["unitPrice", "monthly"]);
            expect(d.deltaUsd, "the NAT's price is no longer counted").to.equal(-43.07);
            const md = renderCostSummary([d]);
            expect(md).to.contain("- not priced  cdn (aws:cloudfront/distribution) 10 × 1M requests (assumption cdnRequestsMillions) × no price (cloudfront.https-requests)\n");
            expect(md).to.contain("+ not priced  cdn (aws:cloudfront/distribution) 20 × 1M requests (assumption cdnRequestsMillions) × no price (cloudfront.https-requests)  (not priced)\n");
            expect(md).to.contain("-     $43.07  nat-a (aws:ec2/natGateway) 730 h × $0.059\n");
            expect(md).to.contain("+ not priced  nat-a (aws:ec2/natGateway) 730 h × no price (nat.hour)  (not priced)\n");
            expect(md).to.contain("Not priced, so not in the total: `cdn` (cloudfront.https-requests), `nat-a` (nat.hour).");
            expect(md).to.contain("| s | $43.07 | $0.00 | -$43.07 | -100.0% | — | 2 |");
        });

        it("adds a new not-priced line without an amount", () => {
            const d = costDiff(estimate("s", [NAT]), estimate("s", [NAT, CDN]));
            expect(d.lines[0]).to.include({ resource: "cdn", change: "added", deltaUsd: null });
            expect(d).to.include({ change: "changed", deltaUsd: 0 });
            expect(renderCostSummary([d])).to.contain("<summary><b>s</b>: $0.00 a month (1 line: 1 added)</summary>");
        });
    });

    describe("a stack file added or removed by the pull request", () => {
        it("a new stack: every line added, no base, no percent", () => {
            const d = costDiff(undefined, estimate("fresh", [ALB, CDN]));
            expect(d).to.include({ stack: "fresh", change: "added", baseUsd: null, headUsd: 16.43, deltaUsd: 16.43, percent: null });
            expect(d.counts).to.deep.equal({ added: 2, removed: 0, changed: 0, unchanged: 0 });
            const md = renderCostSummary([d]);
            expect(md).to.contain("| fresh | — | $16.43 | +$16.43 | new | — | 1 |");
            expect(md).to.contain("<summary><b>fresh</b>: +$16.43 a month, a new stack (2 lines: 2 added)</summary>");
        });

        it("a removed stack: every line removed, no head", () => {
            const d = costDiff(estimate("gone", [NAT]), undefined);
            expect(d).to.include({ stack: "gone", change: "removed", baseUsd: 43.07, headUsd: null, deltaUsd: -43.07, percent: null });
            const md = renderCostSummary([d]);
            expect(md).to.contain("| gone | $43.07 | — | -$43.07 | removed | — | — |");
            expect(md).to.contain("- $43.07  nat-a (aws:ec2/natGateway) 730 h × $0.059\n");
        });

        it("needs an estimate on one side at least", () => {
            expect(() => costDiff(undefined, undefined)).to.throw("at least one side");
        });
    });

    describe("the job summary (renderCostSummary)", () => {
        it("writes this exact Markdown for a small case: a table of the stacks, then a diff of each changed one", () => {
            const couple = costDiff(
                estimate("couple", [NAT, WEB1, SECRET, CDN], { budget: { monthlyUsd: 150, over: false, drivers: [] } }),
                estimate("couple", [ALB, NAT, WEB2, CDN], { budget: { monthlyUsd: 75, over: true, drivers: [] } }),
            );
            const dev = costDiff(estimate("dev", [NAT]), estimate("dev", [NAT]));
            // Given out of order: the summary sorts the stacks by name.
            expect(renderCostSummary([dev, couple])).to.equal(
                [
                    "## Monthly cost estimate (USD)",
                    "",
                    "| Stack | Base | Head | Change | % | Budget | Not priced |",
                    "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
                    "| couple | $60.46 | $93.49 | +$33.03 | +54.6% | **over** $75.00 | 1 |",
                    "| dev | $43.07 | $43.07 | $0.00 | 0.0% | — | 0 |",
                    "",
                    "From the offline plan (no credentials) and the price table of 2026-05-01; a line not priced is listed, never counted as $0.",
                    "",
                    "<details><summary><b>couple</b>: +$33.03 a month (3 lines: 1 added, 1 removed, 1 changed)</summary>",
                    "",
                    "```diff",
                    "- $16.99  web (aws:ecs/service) 1 × 0.5 vCPU × 730 h × $0.04656",
                    "+ $33.99  web (aws:ecs/service) 2 × 0.5 vCPU × 730 h × $0.04656  (+$17.00)",
                    "+ $16.43  alb-alb (aws:lb/loadBalancer) 730 h × $0.0225",
                    "-  $0.40  app-secret (aws:secretsmanager/secret) 1 secret × $0.40",
                    "```",
                    "",
                    "Not priced, so not in the total: `cdn` (cloudfront.https-requests).",
                    "",
                    "Prices: the table of 2026-05-01.",
                    "",
                    "</details>",
                    "",
                ].join("\n"),
            );
        });

        it("names both price tables when the pull request changes the table's date", () => {
            const d = costDiff(estimate("s", [NAT]), estimate("s", [{ ...NAT, unitPriceUsd: 0.062, monthlyUsd: 45.26 }], { tableDate: "2026-06-01" }));
            const md = renderCostSummary([d]);
            expect(md).to.contain("Prices: the base's table of 2026-05-01, the head's of 2026-06-01.");
            expect(md).to.contain("and the price table of 2026-06-01;");
        });

        it("without estimates of the base (no estimator there yet) shows the head's alone, not every stack as new", () => {
            const md = renderCostSummary([costDiff(undefined, estimate("dev", [NAT]))], { baseEstimates: false });
            expect(md).to.contain("The base branch has no cost estimator (`npm run cost`): the head's estimates only.");
            expect(md).to.contain("| dev | no estimate | $43.07 | — | — | — | 0 |");
            expect(md).to.contain("<summary><b>dev</b>: $43.07 a month (1 line)</summary>");
            expect(md).to.not.contain("new");
        });

        it("says so when there is no stack, and puts notes under the table", () => {
            expect(renderCostSummary([], { notes: ["**x** left out."] })).to.equal("## Monthly cost estimate (USD)\n\nNo stack has an estimate.\n\n> **x** left out.\n");
        });
    });
});

describe("tooling/cost/diff-cli: npm run -s cost-diff -- [--base <dir>] --head <dir>", () => {
    const created: string[] = [];
    after(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    function dir(files: Record<string, string>): string {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), "cost-diff-"));
        created.push(d);
        for (const [name, text] of Object.entries(files)) {
            fs.writeFileSync(path.join(d, name), text);
        }
        return d;
    }

    function run(...args: string[]): { status: number; stdout: string; stderr: string } {
        let stdout = "";
        let stderr = "";
        const status = costDiffCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
        return { status, stdout, stderr };
    }

    const json = (e: CostEstimate) => JSON.stringify(e);

    it("diffs the <stack>.json of both directories: changed, new and removed stacks, in name order", () => {
        const base = dir({ "couple.json": json(estimate("couple", [NAT, WEB1])), "gone.json": json(estimate("gone", [SECRET])), "notes.txt": "ignored" });
        const head = dir({ "couple.json": json(estimate("couple", [NAT, WEB2])), "fresh.json": json(estimate("fresh", [ALB])) });
        const { status, stdout, stderr } = run("--base", base, "--head", head);
        expect(status, stderr).to.equal(0);
        expect(stdout).to.contain("| couple | $60.06 | $77.06 | +$17.00 | +28.3% | — | 0 |\n| fresh | — | $16.43 | +$16.43 | new | — | 0 |\n| gone | $0.40 | — | -$0.40 | removed | — | — |\n");
    });

    it("names the stack after its file, and leaves out a stack whose file is no estimate (its cost run failed), with a note; still exit 0", () => {
        const base = dir({ "prod.json": json(estimate("prod", [NAT])), "dev.json": json(estimate("dev", [NAT])) });
        const head = dir({ "prod.json": "", "dev.json": json(estimate("not-dev", [NAT])), "qa.json": '{"stack":"qa"}', "x.json": "{oops" });
        const { status, stdout, stderr } = run("--base", base, "--head", head);
        expect(status).to.equal(0);
        expect(stdout).to.contain("| dev | $43.07 | $43.07 | $0.00 | 0.0% |");
        expect(stdout).to.contain("> **prod** left out: the head's `prod.json` is empty (its estimate failed).");
        expect(stdout).to.contain("> **qa** left out: the head's `qa.json` is not a cost estimate: tableDate is not a string.");
        expect(stdout).to.match(/> \*\*x\*\* left out: the head's `x\.json` is not JSON \(/);
        expect(stderr).to.contain("warning: prod: head empty (its estimate failed)");
        expect(stdout).to.not.contain("| prod |");
    });

    it("without --base shows the head's estimates alone", () => {
        const { status, stdout } = run("--head", dir({ "dev.json": json(estimate("dev", [NAT])) }));
        expect(status).to.equal(0);
        expect(stdout).to.contain("| dev | no estimate | $43.07 | — | — | — | 0 |");
    });

    it("exits 2 with the usage on a wrong command line", () => {
        const head = dir({});
        for (const [args, message] of [
            [[], "--head is required"],
            [["--head"], "--head needs a directory"],
            [["--head", head, "--json"], "unknown argument --json"],
            [["--base", path.join(head, "missing"), "--head", head], `${path.join(head, "missing")} is not a directory`],
        ] as const) {
            const { status, stdout, stderr } = run(...args);
            expect(status, args.join(" ")).to.equal(2);
            expect(stdout).to.equal("");
            expect(stderr).to.equal(`${message}\nusage: npm run cost-diff -- [--base <dir of <stack>.json>] --head <dir of <stack>.json>\n`);
        }
    });

    it("checks the fields the diff reads", () => {
        expect(estimateProblem(estimate("s", [NAT, CDN]))).to.equal(undefined);
        expect(estimateProblem([])).to.equal("not a JSON object");
        expect(estimateProblem({ ...estimate("s", []), monthlyUsd: "12" })).to.equal("monthlyUsd is not a number");
        expect(estimateProblem({ ...estimate("s", [{ ...NAT, unitPriceUsd: "0.059" as unknown as number }]) })).to.equal("lines[0].unitPriceUsd is missing or of the wrong type");
        expect(estimateProblem({ ...estimate("s", [{ ...NAT, basis: undefined as unknown as string }]) })).to.equal("lines[0].basis is missing or of the wrong type");
    });
});
