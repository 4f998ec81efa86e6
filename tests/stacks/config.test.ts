import { expect } from "chai";
import { NAT_DEFAULT } from "../../components/network/vpc/block";
import { ConfigError, LOG_RETENTION_DEFAULT, parseStackConfig } from "../../stacks/config";
import { ConfigMap, Json, problemLines, resolved, stackConfig as baseStackConfig } from "../fixtures/config";

/** The stack file's config with `change` applied; `network` is platform:network, edited as JSON. */
function stackConfig(stack: "dev" | "prod", change: (config: ConfigMap, network: Json) => void = () => {}): ConfigMap {
    return baseStackConfig(stack, (config, edit) => edit("network", (network) => change(config, network)));
}

function subnets(network: Json): Record<string, Array<{ cidr: string; az: string }>> {
    return network.subnets as Record<string, Array<{ cidr: string; az: string }>>;
}

describe("stacks/config: the seed's stack files parse", () => {
    it("dev resolves to the seed's network with the dev defaults", () => {
        const config = resolved(stackConfig("dev"), "dev");
        expect(config.stack).to.deep.include({ stack: "dev", region: "ap-northeast-2", env: "dev", name: "goorm-popcorn", logRetentionDays: 7 });
        expect(config.stack.tags).to.deep.equal({ Project: "goorm-popcorn", Environment: "dev", Stack: "dev", ManagedBy: "pulumi" });
        expect(config.network!.natGateways).to.equal("single");
        expect(config.network!.flowLogs).to.deep.equal({ enabled: false, retentionDays: 7, trafficType: "ALL" });
        expect(config.network!.gatewayEndpoints).to.deep.equal(["s3", "dynamodb"]);
    });

    it("prod resolves to three AZs, NAT per AZ and flow logs on", () => {
        const { network } = resolved(stackConfig("prod"), "prod");
        expect(network!.azs).to.deep.equal(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
        expect(network!.natGateways).to.equal("perAz");
        expect(network!.flowLogs).to.deep.equal({ enabled: true, retentionDays: 90, trafficType: "ALL" });
    });

    it("fills per-env defaults for keys the stack file leaves out", () => {
        for (const env of ["dev", "prod"] as const) {
            const { network: resolvedNetwork } = resolved(
                stackConfig("prod", (c, network) => {
                    c["platform:env"] = env;
                    delete c["platform:logs"];
                    delete network.natGateways;
                    network.flowLogs = { enabled: true };
                }),
                env,
            );
            expect(resolvedNetwork!.natGateways, env).to.equal(NAT_DEFAULT[env]);
            expect(resolvedNetwork!.flowLogs.retentionDays, env).to.equal(LOG_RETENTION_DEFAULT[env]);
        }
        expect(NAT_DEFAULT).to.deep.equal({ dev: "single", prod: "perAz" });
        expect(LOG_RETENTION_DEFAULT).to.deep.equal({ dev: 7, prod: 90 });
    });

    it("moves an inherited desired count into a service's own autoscaling range (raising min alone is enough)", () => {
        const service = (edits: Json, shared: Json = {}) =>
            resolved(
                baseStackConfig("dev", (_c, edit) => {
                    edit("serviceDefaults", (d) => Object.assign(d, shared));
                    edit("services", (s) => Object.assign(s["order-service"], edits));
                }),
            ).services.find((s) => s.name === "order-service")!;
        expect(service({ autoscaling: { min: 3, max: 10 } })).to.deep.include({ desiredCount: 3 });
        expect(service({ autoscaling: { min: 3 } }, { autoscaling: {} }).autoscaling).to.include({ min: 3, max: 3 });
        expect(service({ autoscaling: { min: 3 } }, { desiredCount: 5, autoscaling: { max: 8 } })).to.deep.include({ desiredCount: 5 });
        expect(service({ autoscaling: { max: 1 } }, { desiredCount: 2, autoscaling: {} })).to.deep.include({ desiredCount: 1 });
        // A count the service sets itself is kept (a rule refuses it outside the range).
        expect(service({ desiredCount: 2, autoscaling: { min: 1, max: 4 } })).to.deep.include({ desiredCount: 2 });
    });

    it("turns flow logs on when the stack file does not mention them (relaxations are never defaults)", () => {
        const { network } = resolved(stackConfig("dev", (_c, network) => delete network.flowLogs), "dev");
        expect(network!.flowLogs.enabled).to.equal(true);
    });
});

describe("stacks/config: bad configs name the key, the value and what is allowed", () => {
    const cases: Array<[string, () => ConfigMap, string[], string?]> = [
        [
            "env outside dev|prod",
            () => stackConfig("dev", (c) => (c["platform:env"] = "staging")),
            ['platform:env: "staging" is not allowed; expected one of dev, prod'],
        ],
        [
            "env missing",
            () => stackConfig("dev", (c) => delete c["platform:env"]),
            ["platform:env: is required (expected one of dev, prod)"],
        ],
        [
            "a misspelt top-level key",
            () => stackConfig("dev", (c) => (c["platform:netwrok"] = "{}")),
            ["platform:netwrok: is not a known key (did you mean network?); allowed here: env, envName, name, tags, logs, repositories, zones, ci, apiGatewayLogging, network, cluster, serviceDiscovery, database, cache, kafka, tables, buckets, eks, alb, loadBalancerController, mesh, cdn, parameters, secrets, websocket, functions, functionDefaults, schedules, services, serviceDefaults, blueGreen, schedule, workloads, waf, observability, healthChecks, monitoring, cost"],
        ],
        [
            "a misspelt namespace",
            () => stackConfig("dev", (c) => (c["platfrom:tags"] = '{"Owner":"platform-team"}')),
            ['platfrom:tags: is in namespace "platfrom", which nothing reads; did you mean platform:tags?'],
        ],
        [
            "a misspelt nested key",
            () => stackConfig("dev", (_c, network) => { network.natGateway = network.natGateways; delete network.natGateways; }),
            ["platform:network.natGateway: is not a known key (did you mean natGateways?); allowed here: cidr, azs, subnets, natGateways, natGatewaysReason, gatewayEndpoints, interfaceEndpoints, flowLogs"],
        ],
        [
            "a subnet outside the VPC CIDR (the issue's own example)",
            () => stackConfig("dev", (_c, network) => (subnets(network).private[0].cidr = "10.1.11.0/24")),
            ['platform:network.subnets.private[0].cidr: "10.1.11.0/24" is outside the VPC CIDR "10.0.0.0/16"'],
        ],
        [
            "CIDR syntax",
            () => stackConfig("dev", (_c, network) => (network.cidr = "10.0.0.0/33")),
            ['platform:network.cidr: "10.0.0.0/33" has a prefix length above 32'],
        ],
        [
            "two subnets overlapping",
            () => stackConfig("dev", (_c, network) => (subnets(network).data[1].cidr = "10.0.21.128/25")),
            ['platform:network.subnets.data[1].cidr: "10.0.21.128/25" overlaps "10.0.21.0/24" (platform:network.subnets.data[0])'],
        ],
        [
            "a subnet in an AZ the stack does not list",
            () => stackConfig("dev", (_c, network) => (subnets(network).private[0].az = "ap-northeast-2b")),
            ["platform:network.subnets.private[0].az: \"ap-northeast-2b\" is not one of the stack's AZs (platform:network.azs: \"ap-northeast-2a\", \"ap-northeast-2c\")"],
        ],
        [
            "the ALB tier in one AZ",
            () => stackConfig("dev", (_c, network) => subnets(network).public.pop()),
            ['platform:network.subnets.public: spans only "ap-northeast-2a"; an ALB needs public subnets in at least two AZs'],
        ],
        [
            "an AZ of another region",
            () => stackConfig("dev", (c) => (c["aws:region"] = "us-east-1")),
            [
                "platform:network.azs[0]: \"ap-northeast-2a\" is not in the stack's region \"us-east-1\"; expected us-east-1a, us-east-1b, …",
                "platform:network.azs[1]: \"ap-northeast-2c\" is not in the stack's region \"us-east-1\"; expected us-east-1a, us-east-1b, …",
            ],
        ],
        [
            "aws:region missing",
            () => stackConfig("dev", (c) => delete c["aws:region"]),
            ["aws:region: is required; set the stack's AWS region, e.g. ap-northeast-2"],
        ],
        [
            "an unknown NAT strategy",
            () => stackConfig("dev", (_c, network) => (network.natGateways = "perAZ")),
            ['platform:network.natGateways: "perAZ" is not allowed; expected one of none, single, perAz'],
        ],
        [
            "a retention CloudWatch does not accept",
            () => stackConfig("dev", (_c, network) => (network.flowLogs = { enabled: true, retentionDays: 10 })),
            ["platform:network.flowLogs.retentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"],
        ],
        [
            "flow logs off in prod",
            () => stackConfig("prod", (_c, network) => (network.flowLogs = { enabled: false })),
            ["platform:network.flowLogs.enabled: false is not allowed in prod; VPC flow logs are required there (security baseline)"],
            "prod",
        ],
        [
            "prod tasks in a single AZ",
            () => stackConfig("prod", (_c, network) => (subnets(network).private = [subnets(network).private[0]])),
            [
                'platform:network.subnets.private: spans only "ap-northeast-2a"; prod needs private subnets in at least two AZs',
                'platform:kafka.nodes: 3 nodes put 3 in "ap-northeast-2a", more than the 1 the quorum can lose; losing "ap-northeast-2a" would stop Kafka — add private subnets in other AZs',
            ],
            "prod",
        ],
        [
            "a name prefix AWS names cannot carry",
            () => stackConfig("dev", (c) => (c["platform:name"] = "Goorm_Popcorn")),
            ['platform:name: "Goorm_Popcorn" is not a valid name prefix; use 2–24 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen'],
        ],
        [
            "a tag key the program sets itself",
            () => stackConfig("dev", (c) => (c["platform:tags"] = JSON.stringify({ Environment: "qa", Owner: "platform-team" }))),
            ['platform:tags.Environment: "Environment" is set by the program itself; reserved keys: Project, Environment, Stack, ManagedBy, Component, Service, Name, Tier'],
        ],
        [
            "an interface endpoint service the library does not know",
            () => stackConfig("dev", (_c, network) => (network.interfaceEndpoints = ["ecr"])),
            ['platform:network.interfaceEndpoints[0]: "ecr" is not allowed; expected one of ecr.api, ecr.dkr, logs, secretsmanager, ssm, ssmmessages, ec2messages, sts, kms, monitoring, execute-api'],
        ],
        [
            "a list given where a list is expected no more",
            () => stackConfig("dev", (_c, network) => (network.azs = "ap-northeast-2a")),
            ['platform:network.azs: "ap-northeast-2a" is not an array'],
        ],
        [
            "no NAT and no endpoints to replace it",
            () => stackConfig("dev", (_c, network) => (network.natGateways = "none")),
            ["platform:network.natGateways: none leaves private subnets without a way to pull images or ship logs; add ecr.api, ecr.dkr, logs to platform:network.interfaceEndpoints or use single or perAz"],
        ],
    ];

    for (const [title, config, expected, stack] of cases) {
        it(title, () => {
            expect(problemLines(config(), stack ?? "dev")).to.deep.equal(expected);
        });
    }

    it("takes values as `pulumi config set` writes them where the intent is unambiguous", () => {
        const config = baseStackConfig("dev", (_c, edit) => {
            edit("services", (s) => {
                s["order-service"].autoscaling = { cpuTarget: "62.5", min: "1", max: "3" }; // --path writes 62.5 as a string
                s["order-service"].enableExecuteCommand = "false";
                s["order-service"].imageTag = 42; // --path writes an integer as a number
            });
            edit("database", (d) => (d.storage.allocatedGb = "30"));
        });
        const { services, database } = resolved(config);
        const order = services.find((s) => s.name === "order-service")!;
        expect(order.autoscaling).to.include({ cpuTarget: 62.5, min: 1, max: 3 });
        expect(order.enableExecuteCommand).to.equal(false);
        expect(order.deployment).to.deep.equal({ kind: "plain", imageTag: "42" });
        expect(database!.kind === "instance" && database!.storage.allocatedGb).to.equal(30);
    });

    it("refuses a value whose type it cannot tell, quoting it and saying how to write it", () => {
        const lines = problemLines(
            baseStackConfig("dev", (_c, edit) =>
                edit("services", (s) => {
                    s["order-service"].cpu = "1,024";
                    s["order-service"].enableExecuteCommand = "yes";
                    s["order-service"].imageTag = 1.1; // YAML read `imageTag: 1.10` as a number
                }),
            ),
        );
        expect(lines).to.deep.equal([
            'platform:services.order-service.enableExecuteCommand: "yes" is not a boolean; write true or false without quotes',
            "platform:services.order-service.cpu: \"1,024\" is not a number; write the number without quotes in YAML, or set it with `pulumi config set --path 'platform:services.order-service.cpu' <number>` (add --type float for a fraction)",
            'platform:services.order-service.imageTag: 1.1 is not a string; quote it in YAML ("1.1" is what YAML kept of what you wrote; write it as you mean it, in quotes)',
        ]);
    });

    it("reports every problem at once, not just the first", () => {
        const lines = problemLines(
            stackConfig("dev", (c, network) => {
                c["platform:env"] = "qa";
                network.natGateways = "double";
                network.cidr = "10.0.0.0";
            }),
        );
        expect(lines.map((l) => l.split(":").slice(0, 2).join(":"))).to.deep.equal(["platform:env", "platform:network.natGateways"]);
    });

    it("checks the other rules too when the only schema problem is an unknown key", () => {
        const lines = problemLines(
            stackConfig("dev", (_c, network) => {
                network.natGateway = "single";
                subnets(network).private[0].cidr = "10.1.11.0/24";
            }),
        );
        expect(lines).to.deep.equal([
            "platform:network.natGateway: is not a known key (did you mean natGateways?); allowed here: cidr, azs, subnets, natGateways, natGatewaysReason, gatewayEndpoints, interfaceEndpoints, flowLogs",
            'platform:network.subnets.private[0].cidr: "10.1.11.0/24" is outside the VPC CIDR "10.0.0.0/16"',
        ]);
    });

    it("formats the error as a header and one indented line per problem", () => {
        expect(() => parseStackConfig(stackConfig("dev", (c) => (c["platform:env"] = "staging")), "dev")).to.throw(
            ConfigError,
            'Pulumi.dev.yaml: invalid configuration (1 problem):\n  platform:env: "staging" is not allowed; expected one of dev, prod',
        );
    });
});
