/**
 * The README's first deployment and runbook, run as written (in two test files, tests/readme.test.ts
 * and tests/readme-2.test.ts, each half of the tasks, so that the two mocha workers share them): every ```sh block of those sections,
 * in order, in bash, against a copy of the stack files, with the CLIs faked and what they ask of
 * the program checked for real (tests/support/readme-runner.ts). A step that a user would find
 * broken — a key that does not exist, a value the program refuses, a service or cluster name that
 * is not in the plan, ECS Exec off where the step opens a session — fails here first.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ReadmeSession, ShellBlock, shellBlocks } from "./readme-runner";
import { requireTool } from "./tools";

const README = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const TESTED_SECTIONS = ["First deployment", "Runbook"];

/** The groups of blocks that run on one copy: the first deployment as a whole, each runbook task alone. */
function groups(blocks: readonly ShellBlock[]): Map<string, ShellBlock[]> {
    const result = new Map<string, ShellBlock[]>();
    for (const block of blocks.filter((b) => TESTED_SECTIONS.includes(b.section))) {
        const title = block.section === "Runbook" ? `Runbook › ${block.subsection}` : block.section;
        result.set(title, [...(result.get(title) ?? []), block]);
    }
    return result;
}

/** What a task's last state must show, beyond "every step worked". */
const OUTCOMES: Record<string, (session: ReadmeSession) => void> = {
    "First deployment": (session) => {
        expect(session.plan("account").ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.have.length(1);
    },
    "Runbook › Canary and rollback (blue/green)": (session) => {
        const dev = session.plan("dev");
        const https = dev.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        const groups = (https.inputs.defaultActions as Array<{ forward: { targetGroups: Array<{ weight: number }> } }>)[0].forward.targetGroups;
        expect(groups.map((g) => g.weight)).to.deep.equal([0, 100]);
        const desired = Object.fromEntries(dev.ofType("aws:ecs/service:Service").filter((s) => /-(blue|green)$/.test(String(s.inputs.name))).map((s) => [String(s.inputs.name).split("-").pop(), s.inputs.desiredCount]));
        expect(desired.blue).to.equal(0);
        expect(desired.green).to.be.above(0);
    },
    "Runbook › The chat demo (system E)": (session) => {
        const chat = session.plan("chat");
        const https = chat.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        const groups = (https.inputs.defaultActions as Array<{ forward: { targetGroups: Array<{ weight: number }> } }>)[0].forward.targetGroups;
        expect(groups.map((g) => g.weight)).to.deep.equal([0, 100]);
        // Both colours keep running at the end of the demo.
        expect(chat.ofType("aws:ecs/service:Service").map((s) => s.inputs.desiredCount)).to.deep.equal([1, 1]);
    },
    "Runbook › The point service (system B)": (session) => {
        const limit = session.plan("point-ecs").ofType("aws:ssm/parameter:Parameter").find((p) => p.inputs.name === "/point-ecs/prod/point/max-earn-per-transaction")!;
        // `--path` stored 10000 as a number; the program takes it as the string SSM holds.
        expect(limit.inputs.insecureValue).to.equal("10000");
    },
    "Runbook › Scaling a service": (session) => {
        const target = session.plan("dev").ofType("aws:appautoscaling/target:Target").find((t) => String(t.inputs.resourceId).endsWith("-order-service"))!;
        expect(target.inputs).to.include({ minCapacity: 3, maxCapacity: 10 });
    },
};

/** The README's tasks, split into `parts` halves by position: part `part` runs its share (0-based). */
export function readmeSuite(part: number, parts: number): void {
    describe(`README: the first deployment and the runbook, run as written (part ${part + 1} of ${parts})`, () => {
        const runnable = groups(shellBlocks(README));
        const mine = [...runnable].filter((_, i) => i % parts === part);

        it("has command blocks in every section the tests run", () => {
            expect([...runnable.keys()].filter((t) => t.startsWith("Runbook ›")).length).to.be.above(4);
            expect(runnable.has("First deployment")).to.equal(true);
            for (const title of Object.keys(OUTCOMES)) {
                expect(runnable.has(title), title).to.equal(true);
            }
        });

        for (const [title, blocks] of mine) {
            it(`${title}: ${blocks.length} block(s) from line ${blocks[0].line}`, async function () {
                requireTool(this, "jq", "running the README's commands (they pipe into jq)");
                const session = await ReadmeSession.start();
                try {
                    for (const block of blocks) {
                        await session.run(block);
                    }
                    OUTCOMES[title]?.(session);
                } finally {
                    session.remove();
                }
            });
        }
    });
}
