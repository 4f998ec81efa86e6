/**
 * platform:apiGatewayLogging in stacks: its default, its rule, and its claim: one stack file of the
 * account per Region sets API Gateway's CloudWatch Logs role (the setting is the account's, and the
 * last writer wins), so a second one is refused in both files.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { apiGatewayLoggingBlock } from "../../../../components/account/api-gateway-logging/block";
import { ConfigError, parseStackConfig } from "../../../../stacks/config";
import { cachedStackRun } from "../../../../tooling/plan";
import { PROJECT_ROOT } from "../../../../tooling/stack-file";
import { problemLines } from "../../../fixtures/config";
import { expectBaseline } from "../../../support/baseline";
import { RunView } from "../../../support/query";

const account = (logging: string): Record<string, string> => ({ "aws:region": "ap-northeast-2", "platform:env": "prod", "platform:name": "account", "platform:apiGatewayLogging": logging });

describe("stacks: platform:apiGatewayLogging", () => {
    it("creates the role unless given one", () => {
        expect(parseStackConfig(account("{}"), "account").config(apiGatewayLoggingBlock)).to.deep.equal({ cloudWatchRole: "create" });
    });

    it("refuses a role that is no ARN", () => {
        expect(problemLines(account(JSON.stringify({ cloudWatchRole: "role/apigw" })), "account")).to.deep.equal([
            'platform:apiGatewayLogging.cloudWatchRole: "role/apigw" is neither create nor an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
        ]);
    });

    describe("two stack files of one account setting it for the same Region", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-apigw-logging-"));
        const write = (stack: string, config: Record<string, string>) =>
            fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: ${value.startsWith("{") ? value : JSON.stringify(value)}`)].join("\n") + "\n");
        before(() => {
            fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            write("account", account("{}"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("plans the account stack alone: the role and the setting, meeting the baseline", async () => {
            const run = await cachedStackRun("account", dir);
            const view = new RunView(run);
            expect(view.ofType("aws:iam/role:Role").map((r) => r.inputs.name)).to.deep.equal(["account-prod-apigateway-cloudwatch"]);
            expect(view.ofType("aws:apigateway/account:Account")).to.have.length(1);
            expect(run.outputs.apiGatewayCloudWatchRoleArn).to.match(/:role\/account-prod-apigateway-cloudwatch$/);
            expectBaseline(run, { project: "account", env: "prod", name: "account" });
        });

        it("refuses a second one, naming the other file", async () => {
            write("other", { ...account("{}"), "platform:name": "other" });
            try {
                await cachedStackRun("other", dir);
                expect.fail("planned");
            } catch (err) {
                expect(err).to.be.instanceOf(ConfigError);
                expect((err as ConfigError).problems.map((p) => `${p.key}: ${p.message}`)).to.deep.equal([
                    'platform:apiGatewayLogging: "ap-northeast-2" is also an API Gateway CloudWatch Logs role setting of the account in the Region of Pulumi.account.yaml; one stack of the account owns it, so give this stack its own',
                ]);
            } finally {
                fs.rmSync(path.join(dir, "Pulumi.other.yaml"));
            }
        });
    });
});
