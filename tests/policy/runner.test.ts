/**
 * The offline policy runner (tooling/policy.ts, `npm run policy`) on the stack files: the live
 * ones pass (no mandatory violation; advisory lines only for dev-class resources), the seed
 * systems' frozen copies give exactly the relaxations their stack files write out, and the exit
 * codes: 0 clean, 1 a mandatory violation (a stack copy edited to violate; a plan edited to
 * violate), 2 usage or a stack that does not plan.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PolicyReport, devEnvironmentsOf, policyCli, policyReportOfStack } from "../../tooling/policy";
import { readableStacks, renderJson, toPlan } from "../../tooling/plan";
import { sharedStackRun } from "../../tooling/plan";
import { PROJECT_ROOT, readStackConfig } from "../../tooling/stack-file";
import { StackCopy } from "../support/stack-copy";

const SEED_ROOT = path.join(PROJECT_ROOT, "tests", "fixtures", "seed");

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await policyCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
}

/** `<policy> <resource>` of each violation of `level`. */
function lines(report: PolicyReport, level: "mandatory" | "advisory"): string[] {
    return report.violations.filter((v) => v.level === level).map((v) => `${v.policy} ${v.resource}`);
}

describe("policy runner: the live stack files", () => {
    for (const stack of readableStacks()) {
        it(`${stack}: no mandatory violation; advisory lines only for dev-class resources, from -dev policies`, async () => {
            const report = await policyReportOfStack(stack);
            expect(lines(report, "mandatory"), stack).to.deep.equal([]);
            const advisory = report.violations.filter((v) => v.level === "advisory");
            const dev = readStackConfig(stack).config["platform:env"] === "dev";
            if (!dev) {
                expect(lines(report, "advisory"), `${stack} is of class prod`).to.deep.equal([]);
            }
            for (const v of advisory) {
                expect(v.policy, v.message).to.match(/-dev$/);
            }
        });
    }
});

describe("policy runner: the seed systems' stack files (tests/fixtures/seed)", () => {
    it("dev (system A, dev class): its relaxations, each an advisory line, and nothing mandatory", async () => {
        const report = await policyReportOfStack("dev", SEED_ROOT);
        expect(lines(report, "mandatory")).to.deep.equal([]);
        expect(lines(report, "advisory")).to.deep.equal([
            "alb-waf-dev aws:lb/loadBalancer:LoadBalancer alb-alb",
            "ec2-6-flow-logs-dev aws:ec2/vpc:Vpc network-vpc",
            "elasticache-3-failover-multi-az-dev aws:elasticache/replicationGroup:ReplicationGroup cache-replication-group",
            "elb-5-access-logs-dev aws:lb/loadBalancer:LoadBalancer alb-alb",
            "elb-6-deletion-protection-dev aws:lb/loadBalancer:LoadBalancer alb-alb",
            "rds-11-backup-retention-dev aws:rds/instance:Instance db-instance",
            "rds-5-multi-az-dev aws:rds/instance:Instance db-instance",
            "rds-8-deletion-protection-dev aws:rds/instance:Instance db-instance",
        ]);
    });

    it("chat (system E, dev class): flow logs off, no snapshots, no WAF, unprotected tables and ALB, an unversioned site as advisory; the seed's site on CloudFront's *.cloudfront.net certificate (TLSv1) is mandatory, which the live stack file closes with an alias", async () => {
        const report = await policyReportOfStack("chat", SEED_ROOT);
        expect(lines(report, "mandatory")).to.deep.equal(["cloudfront-15-viewer-tls aws:cloudfront/distribution:Distribution cdn-distribution"]);
        expect(lines(report, "advisory")).to.deep.equal([
            "alb-waf-dev aws:lb/loadBalancer:LoadBalancer alb-alb",
            "cloudfront-6-waf-dev aws:cloudfront/distribution:Distribution cdn-distribution",
            "dynamodb-6-deletion-protection-dev aws:dynamodb/table:Table tables-connections",
            "dynamodb-6-deletion-protection-dev aws:dynamodb/table:Table tables-messages",
            "dynamodb-6-deletion-protection-dev aws:dynamodb/table:Table tables-user-counter",
            "ec2-6-flow-logs-dev aws:ec2/vpc:Vpc network-vpc",
            "elasticache-1-snapshots-dev aws:elasticache/replicationGroup:ReplicationGroup cache-replication-group",
            "elb-6-deletion-protection-dev aws:lb/loadBalancer:LoadBalancer alb-alb",
            "s3-versioning-dev aws:s3/bucket:Bucket buckets-site",
        ]);
        const live = await policyReportOfStack("chat");
        expect(lines(live, "mandatory")).to.deep.equal([]);
        expect(lines(live, "advisory")).to.deep.equal(lines(report, "advisory"));
    });

    for (const stack of ["prod", "couple", "point-ecs", "point-eks", "account"]) {
        it(`${stack} (class prod): no violation at all`, async () => {
            const report = await policyReportOfStack(stack, SEED_ROOT);
            expect(report.violations.map((v) => `${v.level} ${v.policy} ${v.resource}: ${v.message}`)).to.deep.equal([]);
            expect(report.resources).to.be.above(20);
        });
    }

    it("the stack policies see the resources' dependencies: prod's WAF association, flow logs, lifecycle policies and bucket companions are found", async () => {
        // Without the dependencies, these stack policies would report every ALB, VPC and bucket.
        const report = await policyReportOfStack("prod", SEED_ROOT);
        expect(report.violations.filter((v) => /^(alb-waf|ec2-6|ec2-2|s3-)/.test(v.policy))).to.deep.equal([]);
        const run = await sharedStackRun("prod", SEED_ROOT);
        expect(run.resources.filter((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation")).to.have.length(1);
        expect(run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")).to.have.length.above(0);
    });
});

describe("policy runner: dev environments", () => {
    it("a stack of class dev counts its own envName as dev; a prod one only dev", () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            copy.set("dev", "envName", "qa");
            expect(devEnvironmentsOf("dev", copy.dir)).to.deep.equal(["dev", "qa"]);
            copy.set("prod", "envName", "staging");
            expect(devEnvironmentsOf("prod", copy.dir)).to.deep.equal(["dev"]);
        } finally {
            copy.remove();
        }
    });
});

describe("policy runner: npm run policy (exit codes and output)", () => {
    it("prints one line per violation (level, policy, FSBP id, resource, message) and a summary; exit 0 without a mandatory violation", async () => {
        const { code, out, err } = await cli("--stack", "dev", "--dir", SEED_ROOT);
        expect(code).to.equal(0);
        expect(err).to.equal("");
        const printed = out.trimEnd().split("\n");
        expect(printed).to.include("advisory  rds-5-multi-az-dev (RDS.5)  aws:rds/instance:Instance db-instance: db-instance runs in one AZ; set multiAz: true");
        expect(printed.at(-1)).to.match(/^Policy pack platform-baseline on stack dev: 0 mandatory, 8 advisory violations \(\d+ policies, \d+ resources\)$/);
    });

    it("exit 1 with a mandatory violation: a copy of the live chat stack without the site's alias (CloudFront's default certificate)", async () => {
        const copy = new StackCopy();
        try {
            const doc = copy.document("chat");
            doc.deleteIn(["config", "platform:cdn", "aliases"]);
            doc.deleteIn(["config", "platform:cdn", "certificate"]);
            fs.writeFileSync(copy.file("chat"), doc.toString());
            const { code, out } = await cli("--stack", "chat", "--dir", copy.dir);
            expect(code).to.equal(1);
            expect(out.split("\n")[0]).to.equal(
                "mandatory cloudfront-15-viewer-tls (CloudFront.15)  aws:cloudfront/distribution:Distribution cdn-distribution: the distribution uses CloudFront's default certificate (*.cloudfront.net), whose security policy is TLSv1; give it an alias and a certificate (minimum TLSv1.2_2021)",
            );
            expect(out).to.match(/1 mandatory, 9 advisory violations .*; a preview with --policy-pack policy would fail\n$/);
        } finally {
            copy.remove();
        }
    });

    describe("--plan <file.json>: a plan the offline plan wrote", () => {
        let dir: string;
        before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-plan-"))));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("gives the same lines as --stack (dev's relaxations)", async () => {
            const file = path.join(dir, "dev.json");
            fs.writeFileSync(file, renderJson(toPlan(await sharedStackRun("dev", SEED_ROOT))));
            const fromPlan = await cli("--plan", file);
            const fromStack = await cli("--stack", "dev", "--dir", SEED_ROOT);
            expect(fromPlan.code).to.equal(0);
            const body = (text: string) => text.split("\n\n")[0];
            expect(body(fromPlan.out)).to.equal(body(fromStack.out));
            expect(fromPlan.out).to.contain(`on the plan ${file} (stack dev): 0 mandatory, 8 advisory`);
        });

        it("exit 1 on a prod plan edited to violate (an unencrypted Aurora cluster, a public database instance)", async () => {
            const plan = JSON.parse(renderJson(toPlan(await sharedStackRun("prod", SEED_ROOT)))) as { resources: Array<{ type: string; inputs: Record<string, unknown> }> };
            plan.resources.find((r) => r.type === "aws:rds/cluster:Cluster")!.inputs.storageEncrypted = false;
            plan.resources.find((r) => r.type === "aws:rds/clusterInstance:ClusterInstance")!.inputs.publiclyAccessible = true;
            const file = path.join(dir, "prod-edited.json");
            fs.writeFileSync(file, JSON.stringify(plan));
            const { code, out } = await cli("--plan", file);
            expect(code).to.equal(1);
            expect(out.split("\n").filter((l) => l.startsWith("mandatory"))).to.deep.equal([
                "mandatory rds-2-not-public (RDS.2)  aws:rds/clusterInstance:ClusterInstance db-2a: publiclyAccessible is true; the database gets a public address",
                "mandatory rds-3-storage-encrypted (RDS.3)  aws:rds/cluster:Cluster db-cluster: the cluster's storage is not encrypted; set storageEncrypted: true",
            ]);
        });

        it("--dev-environments names the dev environments of a plan (a plan does not say its class)", async () => {
            const file = path.join(dir, "dev.json");
            const asProd = await cli("--plan", file, "--dev-environments", "qa");
            expect(asProd.code).to.equal(1);
            expect(asProd.out).to.contain("mandatory rds-5-multi-az (RDS.5)  aws:rds/instance:Instance db-instance");
        });

        it("exit 2 on a file that is not such a plan", async () => {
            const file = path.join(dir, "not-a-plan.json");
            fs.writeFileSync(file, JSON.stringify({ stack: "x", resources: [{ name: "a" }] }));
            const { code, err } = await cli("--plan", file);
            expect(code).to.equal(2);
            expect(err).to.contain("is not a plan of the offline plan");
            expect((await cli("--plan", path.join(dir, "missing.json"))).code).to.equal(2);
            fs.writeFileSync(path.join(dir, "broken.json"), "{");
            expect((await cli("--plan", path.join(dir, "broken.json"))).code).to.equal(2);
        });
    });

    it("exit 2 on usage errors, with the usage", async () => {
        for (const argv of [[], ["--stack"], ["--stack", "nope"], ["--stack", "dev", "--plan", "x.json"], ["--frobnicate"]]) {
            const { code, err, out } = await cli(...argv);
            expect(code, argv.join(" ")).to.equal(2);
            expect(out).to.equal("");
            expect(err, argv.join(" ")).to.contain("usage: npm run -s policy -- --stack <name>");
        }
        const help = await cli("--help");
        expect(help.code).to.equal(0);
        expect(help.out).to.contain("--plan <plan.json>");
    });

    it("exit 2 on a stack file that does not plan, saying why", async () => {
        const copy = new StackCopy(SEED_ROOT);
        try {
            copy.set("dev", "network.cidr", "10.0.0.0/33");
            const { code, err } = await cli("--stack", "dev", "--dir", copy.dir);
            expect(code).to.equal(2);
            expect(err).to.contain("platform:network.cidr");
            expect(err).to.contain("the stack does not plan, so no policy ran");
        } finally {
            copy.remove();
        }
    });
});

describe("policy pack: its files", () => {
    const pack = path.join(PROJECT_ROOT, "policy");

    it("PulumiPolicy.yaml (runtime nodejs), package.json naming @pulumi/policy and @pulumi/pulumi at the root's exact versions, index.ts serving platform-baseline", () => {
        expect(parse(fs.readFileSync(path.join(pack, "PulumiPolicy.yaml"), "utf8"))).to.include({ name: "platform-baseline", runtime: "nodejs" });
        const root = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const own = JSON.parse(fs.readFileSync(path.join(pack, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        expect(own.dependencies).to.deep.equal({ "@pulumi/policy": root.dependencies["@pulumi/policy"], "@pulumi/pulumi": root.dependencies["@pulumi/pulumi"] });
        expect(fs.readFileSync(path.join(pack, "index.ts"), "utf8")).to.match(/new PolicyPack\(PACK_NAME, \{/);
    });

    it("imports nothing from the rest of the project (it is published on its own)", () => {
        const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
        for (const file of files(pack)) {
            const imports = [...fs.readFileSync(file, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
            for (const spec of imports) {
                if (spec.startsWith(".")) {
                    expect(path.resolve(path.dirname(file), spec).startsWith(pack), `${path.relative(PROJECT_ROOT, file)} imports ${spec}`).to.equal(true);
                } else {
                    expect(["@pulumi/policy"], `${path.relative(PROJECT_ROOT, file)} imports ${spec}`).to.include(spec);
                }
            }
        }
    });
});
