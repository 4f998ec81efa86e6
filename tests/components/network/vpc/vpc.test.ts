import { expect } from "chai";
import { Vpc, VpcArgs } from "../../../../components/network/vpc/vpc";
import { Naming } from "../../../../lib/naming";
import { NetworkSpec } from "../../../../components/network/vpc/network";
import { ArgumentError } from "../../../../lib/problems";
import { baseTags } from "../../../../lib/tags";
import { MOCK_ACCOUNT_ID, RecordedResource, runProgram } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView } from "../../../support/query";
import { DEV_NETWORK, PROD_NETWORK, withNetwork } from "../../../fixtures/networks";

const naming = new Naming("goorm-popcorn", "dev");
const tags = baseTags({ project: "goorm-popcorn", env: "dev", stack: "test" });

function argsFor(spec: NetworkSpec, extra: Partial<VpcArgs> = {}): VpcArgs {
    return { naming, tags, ...spec, flowLogs: { enabled: false }, ...extra };
}

function vpcOf(spec: NetworkSpec, extra: Partial<VpcArgs> = {}): Promise<RunView> {
    return runView(() => {
        new Vpc("net", argsFor(spec, extra));
    });
}

/** Subnet name → CIDR and AZ, as registered. */
function subnetLayout(view: RunView) {
    return view.ofType(T.subnet).map((s) => ({ name: s.name, cidr: s.inputs.cidrBlock, az: s.inputs.availabilityZone, tier: (s.inputs.tags as Record<string, string>).Tier }));
}

describe("components/vpc: the dev network (single NAT)", () => {
    let view: RunView;
    before(async () => {
        view = await vpcOf(DEV_NETWORK);
    });

    it("registers one component of type platform:network:Vpc, parent of every child", () => {
        const [component] = view.ofType(T.vpcComponent);
        expect(view.ofType(T.vpcComponent)).to.have.length(1);
        expect(view.custom.every((r) => r.parent === component.urn)).to.equal(true);
    });

    it("creates the VPC with its CIDR and DNS support and hostnames", () => {
        const vpc = view.one(T.vpc, "net-vpc");
        expect(vpc.inputs).to.include({ cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
    });

    it("creates exactly the configured subnets, each in its AZ, none mapping public IPs", () => {
        expect(subnetLayout(view)).to.have.deep.members([
            { name: "net-public-2a", cidr: "10.0.1.0/24", az: "ap-northeast-2a", tier: "public" },
            { name: "net-public-2c", cidr: "10.0.2.0/24", az: "ap-northeast-2c", tier: "public" },
            { name: "net-private-2a", cidr: "10.0.11.0/24", az: "ap-northeast-2a", tier: "private" },
            { name: "net-data-2a", cidr: "10.0.21.0/24", az: "ap-northeast-2a", tier: "data" },
            { name: "net-data-2c", cidr: "10.0.22.0/24", az: "ap-northeast-2c", tier: "data" },
        ]);
        expect(view.ofType(T.subnet).map((s) => s.inputs.mapPublicIpOnLaunch)).to.deep.equal([false, false, false, false, false]);
        const vpc = view.one(T.vpc, "net-vpc");
        expect(view.ofType(T.subnet).every((s) => s.inputs.vpcId === vpc.id)).to.equal(true);
    });

    it("routes the public tier to the internet gateway", () => {
        const igw = view.one(T.igw, "net-igw");
        for (const subnet of view.subnetsOfTier("public")) {
            const routes = view.routesOf(view.routeTableOf(subnet));
            expect(routes.map((r) => r.inputs)).to.deep.equal([
                { routeTableId: view.routeTableOf(subnet).id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            ]);
        }
    });

    it("puts the single NAT, with an Elastic IP, in public-2a and routes the private subnet to it", () => {
        const [nat] = view.ofType(T.nat);
        expect(view.ofType(T.nat)).to.have.length(1);
        expect(view.byId(nat.inputs.subnetId).name).to.equal("net-public-2a");
        expect(view.byId(nat.inputs.allocationId).type).to.equal(T.eip);
        expect(nat.inputs.connectivityType).to.equal("public");
        const [privateSubnet] = view.subnetsOfTier("private");
        const routes = view.routesOf(view.routeTableOf(privateSubnet));
        expect(routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.natGatewayId])).to.deep.equal([["0.0.0.0/0", nat.id]]);
    });

    it("gives the data tier a route table with no route at all", () => {
        const dataSubnets = view.subnetsOfTier("data");
        const tables = new Set(dataSubnets.map((s) => view.routeTableOf(s).id));
        expect(tables.size).to.equal(1);
        const [table] = [...tables].map((id) => view.byId(id));
        expect(view.routesOf(table)).to.deep.equal([]);
        expect(table.inputs.routes).to.equal(undefined);
    });

    it("attaches S3 and DynamoDB gateway endpoints to the private and data route tables only", () => {
        const privateTable = view.routeTableOf(view.subnetsOfTier("private")[0]);
        const dataTable = view.routeTableOf(view.subnetsOfTier("data")[0]);
        const endpoints = view.ofType(T.vpcEndpoint);
        expect(endpoints.map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType, e.inputs.routeTableIds])).to.have.deep.members([
            ["com.amazonaws.ap-northeast-2.s3", "Gateway", [privateTable.id, dataTable.id]],
            ["com.amazonaws.ap-northeast-2.dynamodb", "Gateway", [privateTable.id, dataTable.id]],
        ]);
    });

    it("adopts the default security group with no rule in or out", () => {
        const sg = view.one(T.defaultSecurityGroup, "net-default-sg");
        expect(sg.inputs).to.include({ vpcId: view.one(T.vpc, "net-vpc").id });
        expect(sg.inputs.ingress).to.deep.equal([]);
        expect(sg.inputs.egress).to.deep.equal([]);
    });

    it("creates no flow log, interface endpoint or endpoint security group when none is asked for", () => {
        expect(view.ofType(T.flowLog)).to.deep.equal([]);
        expect(view.ofType(T.logGroup)).to.deep.equal([]);
        expect(view.ofType(T.securityGroup)).to.deep.equal([]);
    });

    it("tags every taggable child with the stack's tags, Component=vpc and a goorm-popcorn-dev- Name", () => {
        const taggable = view.custom.filter((r) => isTaggable(r.type));
        expect(taggable).to.have.length(15);
        for (const r of taggable) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Project: "goorm-popcorn", Environment: "dev", Stack: "test", ManagedBy: "pulumi", Component: "vpc" });
            expect((r.inputs.tags as Record<string, string>).Name, `${r.type} ${r.name}`).to.match(/^goorm-popcorn-dev-/);
        }
    });
});

describe("components/vpc: without a data tier", () => {
    it("creates no data route table, and attaches the gateway endpoints to the private tables alone", async () => {
        const view = await vpcOf({ ...DEV_NETWORK, subnets: { ...DEV_NETWORK.subnets, data: [] } });
        expect(view.ofType(T.routeTable).map((t) => t.name)).to.not.include("net-data-rt");
        const privateTables = view.subnetsOfTier("private").map((s) => view.routeTableOf(s).id);
        for (const endpoint of view.ofType(T.vpcEndpoint)) {
            expect(endpoint.inputs.routeTableIds).to.deep.equal(privateTables);
        }
    });
});

describe("components/vpc: NAT strategies", () => {
    it("perAz: three NATs, one per AZ, and each private subnet routes to the NAT of its own AZ", async () => {
        const view = await vpcOf(PROD_NETWORK, { interfaceEndpoints: [] });
        const nats = view.ofType(T.nat);
        expect(nats.map((n) => view.byId(n.inputs.subnetId).inputs.availabilityZone)).to.have.members(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
        expect(view.ofType(T.eip)).to.have.length(3);
        for (const subnet of view.subnetsOfTier("private")) {
            const [route] = view.routesOf(view.routeTableOf(subnet));
            const { subnet: natSubnet } = view.natAndSubnet(route.inputs.natGatewayId);
            expect(natSubnet.inputs.availabilityZone, subnet.name).to.equal(subnet.inputs.availabilityZone);
            expect((natSubnet.inputs.tags as Record<string, string>).Tier).to.equal("public");
        }
    });

    it("single with three private subnets: one NAT that all three route to", async () => {
        const view = await vpcOf(withNetwork(PROD_NETWORK, { natGateways: "single", interfaceEndpoints: [] }));
        const [nat] = view.ofType(T.nat);
        expect(view.ofType(T.nat)).to.have.length(1);
        const targets = view.subnetsOfTier("private").map((s) => view.routesOf(view.routeTableOf(s))[0].inputs.natGatewayId);
        expect(targets).to.deep.equal([nat.id, nat.id, nat.id]);
    });

    it("none: no NAT, no Elastic IP, and no route out of the private tier", async () => {
        const view = await vpcOf(withNetwork(DEV_NETWORK, { natGateways: "none", interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"] }));
        expect(view.ofType(T.nat)).to.deep.equal([]);
        expect(view.ofType(T.eip)).to.deep.equal([]);
        expect(view.routesOf(view.routeTableOf(view.subnetsOfTier("private")[0]))).to.deep.equal([]);
    });
});

describe("components/vpc: interface endpoints", () => {
    let view: RunView;
    before(async () => {
        view = await vpcOf(PROD_NETWORK);
    });

    it("puts each endpoint in one private subnet per AZ, with private DNS, behind the endpoint group", () => {
        const sg = view.one(T.securityGroup, "net-endpoints-sg");
        const privateIds = view.subnetsOfTier("private").map((s) => s.id);
        const interfaces = view.ofType(T.vpcEndpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
        expect(interfaces.map((e) => e.inputs.serviceName)).to.have.members([
            "com.amazonaws.ap-northeast-2.ecr.api",
            "com.amazonaws.ap-northeast-2.ecr.dkr",
            "com.amazonaws.ap-northeast-2.logs",
        ]);
        for (const endpoint of interfaces) {
            expect(endpoint.inputs).to.include({ privateDnsEnabled: true });
            expect(endpoint.inputs.subnetIds).to.deep.equal(privateIds);
            expect(endpoint.inputs.securityGroupIds).to.deep.equal([sg.id]);
        }
    });

    it("lets only HTTPS from the VPC CIDR into the endpoint group, and nothing out", () => {
        const sg = view.one(T.securityGroup, "net-endpoints-sg");
        expect(sg.inputs.name).to.equal("goorm-popcorn-dev-vpc-endpoints");
        const rules = view.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === sg.id);
        expect(rules.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).to.deep.equal([["tcp", 443, 443, "10.0.0.0/16"]]);
        expect(view.ofType(T.egressRule)).to.deep.equal([]);
        expect(sg.inputs.egress).to.equal(undefined);
    });
});

describe("components/vpc: flow logs", () => {
    let view: RunView;
    before(async () => {
        view = await vpcOf(DEV_NETWORK, { flowLogs: { enabled: true, retentionDays: 30, trafficType: "REJECT" } });
    });

    it("sends the VPC's flow log to a log group with the configured retention", () => {
        const logGroup = view.one(T.logGroup, "net-flow-logs");
        expect(logGroup.inputs).to.include({ name: "/aws/vpc/goorm-popcorn-dev/flow-logs", retentionInDays: 30 });
        const flowLog = view.one(T.flowLog, "net-flow-log");
        expect(flowLog.inputs).to.include({
            vpcId: view.one(T.vpc, "net-vpc").id,
            trafficType: "REJECT",
            logDestinationType: "cloud-watch-logs",
            logDestination: `arn:aws:logs:ap-northeast-2:${MOCK_ACCOUNT_ID}:log-group:/aws/vpc/goorm-popcorn-dev/flow-logs`,
            iamRoleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/goorm-popcorn-dev-vpc-flow-logs`,
            maxAggregationInterval: 60,
        });
    });

    it("starts the flow log only once its role may deliver", () => {
        expect(view.one(T.flowLog, "net-flow-log").options.dependsOn).to.include(view.one(T.rolePolicy, "net-flow-logs-delivery").urn);
    });

    it("lets only this account's flow logs assume the delivery role, which may write only to that log group", () => {
        const role = view.one(T.role, "net-flow-logs-role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
        expect(trust.Statement).to.deep.equal([
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
            },
        ]);
        const policy = JSON.parse(view.one(T.rolePolicy, "net-flow-logs-delivery").inputs.policy as string);
        const logGroupArn = `arn:aws:logs:ap-northeast-2:${MOCK_ACCOUNT_ID}:log-group:/aws/vpc/goorm-popcorn-dev/flow-logs`;
        expect(policy.Statement[0]).to.deep.equal({
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroupArn, `${logGroupArn}:*`],
        });
        expect(policy.Statement[1].Action).to.equal("logs:DescribeLogGroups");
    });

    it("defaults to on, all traffic, 90 days when the caller says nothing", async () => {
        const defaults = await vpcOf(DEV_NETWORK, { flowLogs: undefined });
        expect(defaults.one(T.logGroup, "net-flow-logs").inputs.retentionInDays).to.equal(90);
        expect(defaults.one(T.flowLog, "net-flow-log").inputs.trafficType).to.equal("ALL");
    });
});

describe("components/vpc: outputs", () => {
    it("exposes the VPC id and CIDR, subnet ids per tier with their AZs, and NAT addresses", async () => {
        let vpc: Vpc | undefined;
        const run = await runProgram(
            () => {
                vpc = new Vpc("net", argsFor(DEV_NETWORK));
                return {
                    vpcId: vpc.vpcId,
                    cidr: vpc.cidrBlock,
                    privateSubnetIds: vpc.privateSubnetIds,
                    subnets: vpc.subnets.map((s) => ({ key: s.key, az: s.az, id: s.id })),
                    natPublicIps: vpc.natPublicIps,
                };
            },
            { stack: "test", config: { "aws:region": "ap-northeast-2" } },
        );
        const view = new RunView(run);
        expect(run.outputs.vpcId).to.equal(view.one(T.vpc, "net-vpc").id);
        expect(run.outputs.cidr).to.equal("10.0.0.0/16");
        expect(run.outputs.privateSubnetIds).to.deep.equal([view.one(T.subnet, "net-private-2a").id]);
        expect((run.outputs.subnets as Array<{ key: string; az: string; id: string }>).map((s) => [s.key, s.az, s.id])).to.deep.equal(
            ["public-2a", "public-2c", "private-2a", "data-2a", "data-2c"].map((key) => [key, `ap-northeast-2${key.slice(-1)}`, view.one(T.subnet, `net-${key}`).id]),
        );
        expect(run.outputs.natPublicIps).to.have.length(1);
        expect((run.outputs.natPublicIps as string[])[0]).to.match(/^\d+\.\d+\.\d+\.\d+$/);
        expect(vpc?.dataSubnetIds).to.have.length(2);
    });
});

describe("components/vpc: bad arguments", () => {
    it("throws before registering anything, listing every problem by argument path", async () => {
        const registered: RecordedResource[] = [];
        const spec = withNetwork(DEV_NETWORK, {
            subnets: { ...DEV_NETWORK.subnets, private: [{ cidr: "10.0.1.0/24", az: "ap-northeast-2a" }] },
        });
        let error: unknown;
        try {
            await runProgram(() => new Vpc("net", argsFor(spec, { flowLogs: { enabled: true, retentionDays: 10 as 7 } })), {
                stack: "test",
                config: { "aws:region": "ap-northeast-2" },
                registered,
            });
        } catch (err) {
            error = err;
        }
        expect(error).to.be.instanceOf(ArgumentError);
        expect((error as Error).message).to.equal(
            'Vpc "net": invalid arguments:\n' +
                '  subnets.private[0].cidr: "10.0.1.0/24" overlaps "10.0.1.0/24" (subnets.public[0])\n' +
                "  flowLogs.retentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        );
        expect(registered.map((r) => r.type)).to.deep.equal([T.stack]);
    });
});
