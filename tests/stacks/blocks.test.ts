/**
 * The engine (stacks/): a stack builds exactly the blocks its stack file has, a block's absence is
 * named where another needs it, and a new block is one folder and one registry line (a test-only
 * block under tests/fixtures/example-block shows it).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { assemble } from "../../stacks/assemble";
import { AnyBlock } from "../../stacks/block";
import { ConfigError, parseStackConfig } from "../../stacks/config";
import { BLOCKS } from "../../stacks/registry";
import { monitoringBlock } from "../../components/observability/monitoring/block";
import { ProgramRun, runProgram } from "../../tooling/mock-runtime";
import { projectProgram } from "../../tooling/plan";
import { readStackConfig } from "../../tooling/stack-file";
import { exampleBlock } from "../fixtures/example-block/block";
import { problemLines } from "../fixtures/config";
import { SEED_ROOT } from "../fixtures/seed";
import { RunView, T } from "../support/query";

type ConfigMap = Record<string, string>;

/** The seed's dev stack file, keeping only the core keys and `keys`. */
function only(keys: readonly string[], extra: ConfigMap = {}): ConfigMap {
    const { config } = readStackConfig("dev", SEED_ROOT);
    const kept = Object.entries(config).filter(([key]) => !key.startsWith("platform:") || ["env", "name", ...keys].includes(key.slice("platform:".length)));
    return { ...Object.fromEntries(kept), ...extra };
}

function types(run: ProgramRun): string[] {
    return [...new Set(run.resources.map((r) => r.type))].sort();
}

describe("stacks: a stack builds only the blocks its stack file has", () => {
    it("a stack file with only platform:network plans a VPC and nothing else", async () => {
        const run = await runProgram(projectProgram(), { stack: "dev", config: only(["network"]) });
        const view = new RunView(run);
        expect(view.resources.filter((r) => !r.custom).map((r) => r.type)).to.deep.equal([T.stack, T.vpcComponent]);
        expect(types(run).filter((type) => !type.startsWith("aws:ec2/") && !type.startsWith("aws:cloudwatch/logGroup") && !type.startsWith("aws:iam/"))).to.deep.equal([
            "platform:network:Vpc",
            "pulumi:pulumi:Stack",
        ]);
        expect(view.ofType(T.subnet)).to.have.length(5);
        expect(view.ofType(T.securityGroup)).to.deep.equal([]);
        expect(Object.keys(run.outputs).sort()).to.deep.equal(
            ["env", "region", "vpcId", "vpcCidr", "publicSubnetIds", "privateSubnetIds", "dataSubnetIds", "subnets", "natGatewayIds", "natPublicIps"].sort(),
        );
    });

    it("a stack file with network and cache and no services plans the cache in the data tier, its group without a rule, no cluster and no alarm", async () => {
        const run = await runProgram(projectProgram(), { stack: "dev", config: only(["network", "cache"]) });
        const view = new RunView(run);
        expect(view.resources.filter((r) => !r.custom).map((r) => r.type)).to.deep.equal([T.stack, T.vpcComponent, "platform:network:SecurityGroups", "platform:data:ValkeyCache"]);
        expect(view.ofType(T.securityGroup).map((g) => g.inputs.name)).to.deep.equal(["goorm-popcorn-dev-cache"]);
        expect([...view.ofType(T.ingressRule), ...view.ofType(T.egressRule)]).to.deep.equal([]);
        const [group] = view.ofType("aws:elasticache/replicationGroup:ReplicationGroup");
        expect(group.inputs.securityGroupIds).to.deep.equal([view.ofType(T.securityGroup)[0].id]);
        expect(types(run)).to.not.include.members(["aws:ecs/cluster:Cluster", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic"]);
        expect(run.outputs).to.include.keys("cacheEndpoint", "securityGroupIds");
    });

    it("names the missing block where a present one needs it", () => {
        expect(problemLines(only(["cache"]))).to.deep.equal(["platform:cache: needs platform:network, which this stack does not have"]);
        expect(problemLines(only(["network", "blueGreen", "alb"]))).to.deep.equal(["platform:blueGreen: is only read with platform:services, which this stack does not have"]);
    });

    it("refuses a connectsTo naming a store the stack does not have, listing the ones it has", () => {
        const config = only(["network", "services", "serviceDefaults", "cache"], {
            "platform:services": JSON.stringify({ web: { cpu: 256, memory: 512, imageTag: "1.0.0", connectsTo: ["cache", "database"] } }),
        });
        expect(problemLines(config)).to.deep.equal(['platform:services.web.connectsTo[1]: "database" is not a data store of this stack; it has cache']);
    });

    it("requires monitoring in a prod stack that runs services", () => {
        const { config } = readStackConfig("prod", SEED_ROOT);
        const withoutMonitoring = Object.fromEntries(Object.entries(config).filter(([key]) => key !== "platform:monitoring"));
        expect(problemLines(withoutMonitoring, "prod")).to.deep.equal([
            "platform:monitoring: is required in prod: a prod stack that runs services alarms on them (an alarm topic, alarms, a dashboard)",
        ]);
    });
});

describe("stacks: a new block is one folder and one registry line", () => {
    const registry: readonly AnyBlock[] = [...BLOCKS.filter((b) => b !== monitoringBlock), exampleBlock, monitoringBlock];
    const program = () => assemble(parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack(), registry)).outputs();
    const config = only(["network", "monitoring"], { "platform:example": JSON.stringify({ text: "hello", loud: true }) });

    it("is unknown to the real registry", () => {
        expect(problemLines(config)[0]).to.match(/^platform:example: is not a known key; allowed here: env, envName, name, tags, logs, repositories, zones, ci, apiGatewayLogging, network, /);
    });

    it("parses with its defaults, checks its rules, and refuses its typos", () => {
        const parsed = parseStackConfig(config, "dev", registry);
        expect(parsed.config(exampleBlock)).to.deep.equal({ text: "hello", loud: true });
        expect(() => parseStackConfig({ ...config, "platform:example": JSON.stringify({ text: " " }) }, "dev", registry)).to.throw(ConfigError, "platform:example.text: is empty; say something");
        expect(() => parseStackConfig({ ...config, "platform:example": JSON.stringify({ text: "x", lod: true }) }, "dev", registry)).to.throw(
            ConfigError,
            "platform:example.lod: is not a known key (did you mean loud?); allowed here: text, loud",
        );
    });

    it("builds its component, its group, its output and its alarm, with its threshold's default", async () => {
        const view = new RunView(await runProgram(program, { stack: "dev", config }));
        const [parameter] = view.ofType("aws:ssm/parameter:Parameter");
        expect(parameter.inputs).to.deep.include({ name: "/goorm-popcorn-dev/note", description: "HELLO" });
        expect(view.resources.find((r) => r.urn === parameter.parent)?.type).to.equal("platform:example:Note");
        expect(view.ofType(T.securityGroup).map((g) => [g.inputs.name, g.inputs.description])).to.deep.equal([["goorm-popcorn-dev-example", "Example: nothing in, nothing out"]]);
        expect(view.run.outputs.exampleParameter).to.equal("/goorm-popcorn-dev/note");
        const alarms = view.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms.map((a) => [a.inputs.name, a.inputs.threshold])).to.deep.equal([["goorm-popcorn-dev-example-note", 50]]);
    });
});
