/**
 * A new environment is a copy of a stack file. A copy that still has the other stack's physical
 * names, DNS records, hosted zones or repositories stops before anything is created, naming both
 * files; with its own envName and records, it plans under its own names with the rules of its
 * env class.
 */
import { expect } from "chai";
import * as fs from "fs";
import { ConfigError } from "../../stacks/config";
import { cachedStackRun } from "../../tooling/plan";
import { SEED_ROOT } from "../fixtures/seed";
import { RunView } from "../support/query";
import { StackCopy } from "../support/stack-copy";

/** The problem lines a plan of `stack` in `dir` stops with. */
async function refusal(stack: string, dir: string): Promise<string[]> {
    try {
        await cachedStackRun(stack, dir);
    } catch (err) {
        expect(err, String(err)).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
    }
    throw new Error(`Pulumi.${stack}.yaml planned; expected a refusal`);
}

const SAME_NAMES = (env: string, other: string) =>
    `platform:env: "${env}" with platform:name "goorm-popcorn" makes the same physical names (goorm-popcorn-${env}-…) as ${other}, which would take over that stack's resources; give this stack its own platform:envName (e.g. staging; platform:env keeps choosing the defaults and rules) or platform:name`;

describe("stack files of one account: a copy never takes over another stack", () => {
    let copy: StackCopy;
    beforeEach(() => {
        copy = new StackCopy(SEED_ROOT);
    });
    afterEach(() => copy.remove());

    it("refuses a straight copy of prod, in the copy and in prod, naming the other file", async () => {
        fs.copyFileSync(copy.file("prod"), copy.file("staging"));
        expect(await refusal("staging", copy.dir)).to.deep.equal([
            SAME_NAMES("prod", "Pulumi.prod.yaml"),
            'platform:alb.dns.records[0]: "api.goormpopcorn.shop" is also a DNS record of Pulumi.prod.yaml; one stack of the account owns it, so give this stack its own',
        ]);
        expect((await refusal("prod", copy.dir))[0]).to.equal(SAME_NAMES("prod", "Pulumi.staging.yaml"));
    });

    it("plans the copy once it has its own envName and record: staging's names and tags, prod's rules", async () => {
        fs.copyFileSync(copy.file("prod"), copy.file("staging"));
        copy.set("staging", "envName", "staging");
        copy.set("staging", "alb.targetGroupStem", "gw");
        copy.set("staging", "alb.dns.records[0]", "api-staging.goormpopcorn.shop");
        const view = new RunView(await cachedStackRun("staging", copy.dir));
        const cluster = view.ofType("aws:ecs/cluster:Cluster")[0];
        expect(cluster.inputs.name).to.equal("goorm-popcorn-staging-cluster");
        expect(cluster.inputs.tags).to.include({ Environment: "staging", Stack: "staging" });
        expect(view.ofType("aws:lb/targetGroup:TargetGroup").map((t) => t.inputs.name)).to.have.members(["goorm-popcorn-gw-staging", "goorm-popcorn-gw-green-staging"]);
        // prod's class: its data protected, its WAF in front.
        expect(view.ofType("aws:rds/cluster:Cluster")[0].inputs.deletionProtection).to.equal(true);
        expect(view.ofType("aws:wafv2/webAcl:WebAcl")).to.have.length(1);
        // And prod plans again beside it.
        expect((await cachedStackRun("prod", copy.dir)).resources.length).to.be.above(1);
    });

    it("refuses a second account stack's hosted zones and repositories", async () => {
        fs.copyFileSync(copy.file("account"), copy.file("account2"));
        copy.set("account2", "envName", "second");
        const lines = await refusal("account2", copy.dir);
        expect(lines).to.include('platform:zones.domains[0]: "goormpopcorn.shop" is also a hosted zone of Pulumi.account.yaml; one stack of the account owns it, so give this stack its own');
        expect(lines).to.include('platform:repositories.names[0]: "goorm-popcorn-api-gateway" is also an ECR repository of Pulumi.account.yaml; one stack of the account owns it, so give this stack its own');
    });

    it("lets stacks of different accounts (aws:allowedAccountIds) share names", async () => {
        fs.copyFileSync(copy.file("prod"), copy.file("prodeu"));
        copy.set("prod", "aws:allowedAccountIds[0]", "111111111111");
        copy.set("prodeu", "aws:allowedAccountIds[0]", "222222222222");
        expect((await cachedStackRun("prodeu", copy.dir)).resources.length).to.be.above(1);
    });

    it("ignores another stack file that does not read (that stack's own problem)", async () => {
        fs.writeFileSync(copy.file("broken"), "config:\n  platform:env: [dev\n");
        expect((await cachedStackRun("dev", copy.dir)).resources.length).to.be.above(1);
    });
});
