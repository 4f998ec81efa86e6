import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_ACCOUNT_ID, RecordedResource, runProgram } from "../../tooling/mock-runtime";

const config = { "aws:region": "ap-northeast-2" };

describe("tests/support/mock-runtime", () => {
    it("gives realistic, deterministic ids and ARNs", async () => {
        const program = () => {
            const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
            return { id: vpc.id, arn: vpc.arn };
        };
        const first = await runProgram(program, { stack: "test", config });
        const second = await runProgram(program, { stack: "test", config });
        expect(first.outputs.id).to.match(/^vpc-0[0-9a-f]{16}$/);
        expect(first.outputs.arn).to.equal(`arn:aws:ec2:ap-northeast-2:${MOCK_ACCOUNT_ID}:vpc/${String(first.outputs.id)}`);
        expect(second.outputs).to.deep.equal(first.outputs);
    });

    it("fails loudly on an invoke nobody taught it, instead of resolving to undefined", async () => {
        let error: unknown;
        try {
            await runProgram(() => ({ v: aws.ec2.getInstanceOutput({ instanceId: "i-1" }).id }), { stack: "test", config });
        } catch (err) {
            error = err;
        }
        expect(String(error)).to.contain("mock runtime: no answer for invoke aws:ec2/getInstance:getInstance");
    });

    it("ends a run whose apply throws with that error, rather than waiting forever", async () => {
        const registered: RecordedResource[] = [];
        let error: unknown;
        try {
            await runProgram(
                () => {
                    const broken = pulumi.output("x").apply((): string => {
                        throw new Error("broken apply");
                    });
                    new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16", tags: { Name: broken } });
                    return {};
                },
                { stack: "test", config, registered },
            );
        } catch (err) {
            error = err;
        }
        expect(String(error)).to.contain("broken apply");
    });

    it("shows secret inputs as [secret]", async () => {
        const run = await runProgram(() => {
            new aws.secretsmanager.SecretVersion("s", { secretId: "arn", secretString: pulumi.secret("hunter2") });
            return {};
        }, { stack: "test", config });
        const version = run.resources.find((r) => r.name === "s")!;
        expect(version.inputs.secretString).to.equal("[secret]");
        expect(JSON.stringify(run.resources)).to.not.contain("hunter2");
    });

    it("keeps the program's warnings with the run instead of printing them, and gives the console back", async () => {
        const before = console.warn;
        const run = await runProgram(() => {
            pulumi.log.warn("nobody is subscribed");
            return {};
        }, { stack: "test", config });
        expect(run.warnings).to.deep.equal(["nobody is subscribed"]);
        expect(console.warn).to.equal(before);
    });
});
