/**
 * The live stack files (`Pulumi.<stack>.yaml` at the project root) are the users' to edit every
 * day: tests check them for invariants only — they validate, they plan, and the plan meets the
 * baseline (tests/support/baseline.ts); tests/snapshots.test.ts checks their snapshots are current.
 * The routine edits a platform engineer makes keep all of that true, performed on copies of the
 * live files exactly as `pulumi config set --path` writes them: a new service and a resize here;
 * a canary (every step), prod's alarm recipients and a new stack file copied from prod in
 * tests/readme.test.ts, which runs the README's runbook commands themselves.
 */
import { expect } from "chai";
import { ProgramRun } from "../../tooling/mock-runtime";
import { cachedStackRun, readableStacks, renderSnapshot, sharedStackRun, snapshotStacks, toSnapshotPlan } from "../../tooling/plan";
import { PROJECT_ROOT, readStackConfig, stackFileProblem } from "../../tooling/stack-file";
import { emptyObjectInputs, expectBaseline } from "../support/baseline";
import { RunView } from "../support/query";
import { StackCopy } from "../support/stack-copy";

/** Project, env and name of a stack file as its config says. */
function identity(stack: string, root: string = PROJECT_ROOT) {
    const { project, config } = readStackConfig(stack, root);
    return { project: config["platform:name"], env: config["platform:envName"] ?? config["platform:env"], name: stack, pulumiProject: project };
}

describe("live stack files: invariants only", () => {
    it("every stack file reads: valid YAML, a mapping (a syntax error is this one failure; the other tests leave that file out)", () => {
        const problems = snapshotStacks().flatMap((stack) => stackFileProblem(stack) ?? []);
        expect(problems.length, `\n${problems.join("\n\n")}`).to.equal(0);
    });

    for (const stack of readableStacks()) {
        describe(`Pulumi.${stack}.yaml`, () => {
            let run: ProgramRun;
            before(async () => {
                run = await sharedStackRun(stack);
            });

            it("validates and plans", () => {
                expect(run.resources.length).to.be.above(1);
            });

            it("meets the baseline: tags, retentions, no literal credential, the internet only at the ALB, prod's data protected", () => {
                expectBaseline(run, identity(stack));
            });
        });
    }
});

describe("live stack files: a user's routine edits keep them valid and the baseline true", () => {
    let copy: StackCopy;
    beforeEach(() => {
        copy = new StackCopy();
    });
    afterEach(() => copy.remove());

    /** Plans the edited copy, checks the baseline and that a snapshot renders. */
    async function planEdited(stack: string): Promise<RunView> {
        const run = await cachedStackRun(stack, copy.dir);
        expectBaseline(run, identity(stack, copy.dir));
        expect(renderSnapshot(toSnapshotPlan(run))).to.contain(`stack: ${stack}`);
        return new RunView(run);
    }

    it("a new service (dev), with the stores it uses", async function () {
        if (!copy.has("dev")) {
            this.skip();
        }
        copy.set("dev", "platform:services.ticket-service.cpu", "256");
        copy.set("dev", "platform:services.ticket-service.memory", "512");
        copy.set("dev", "platform:services.ticket-service.imageTag", "0.1.0");
        const view = await planEdited("dev");
        expect(view.ofType("aws:ecs/service:Service").map((s) => s.inputs.name)).to.include("goorm-popcorn-dev-ticket-service");
    });

    it("a resize and an autoscaling change (dev and prod)", async () => {
        for (const stack of ["dev", "prod"].filter((s) => copy.has(s))) {
            const [service] = Object.keys(JSON.parse(readStackConfig(stack, copy.dir).config["platform:services"]));
            copy.set(stack, `platform:services.${service}.cpu`, "1024");
            copy.set(stack, `platform:services.${service}.memory`, "2048");
            copy.set(stack, `platform:services.${service}.autoscaling.min`, "2");
            copy.set(stack, `platform:services.${service}.autoscaling.max`, "8");
            copy.set(stack, `platform:services.${service}.desiredCount`, "2");
            const view = await planEdited(stack);
            const tasks = view.ofType("aws:ecs/taskDefinition:TaskDefinition").filter((t) => String(t.inputs.family).startsWith(`${identity(stack, copy.dir).project}-${identity(stack, copy.dir).env}-${service}`));
            expect(tasks, stack).to.not.be.empty;
            expect(new Set(tasks.map((t) => `${t.inputs.cpu}/${t.inputs.memory}`)), stack).to.deep.equal(new Set(["1024/2048"]));
        }
    });
});

describe("baseline: the checks themselves", () => {
    it("finds an empty nested block the provider would drop (Cloud Map's healthCheckCustomConfig: {}), and lets WAF's allow: {} be", () => {
        const run = {
            resources: [
                { urn: "u1", id: "srv-1", type: "aws:servicediscovery/service:Service", name: "svc-discovery", parent: null, custom: true, inputs: { healthCheckCustomConfig: {}, tags: {} }, options: {} },
                { urn: "u2", id: "acl", type: "aws:wafv2/webAcl:WebAcl", name: "waf", parent: null, custom: true, inputs: { defaultAction: { allow: {} } }, options: {} },
            ],
            outputs: {},
        } as unknown as ProgramRun;
        expect(emptyObjectInputs(new RunView(run))).to.deep.equal(["aws:servicediscovery/service:Service svc-discovery.healthCheckCustomConfig"]);
    });
});
