/**
 * The real stack files, run through the real program (index.ts) under the mock runtime.
 */
import { expect } from "chai";
import { ConfigError } from "../../stacks/config";
import { RecordedResource, runProgram } from "../../tooling/mock-runtime";
import { projectProgram } from "../../tooling/plan";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { expectTaggedAndRetained } from "../support/baseline";
import { RunView, T } from "../support/query";
import { listStacks, readStackConfig } from "../../tooling/stack-file";

type Tags = Record<string, string>;

function layout(view: RunView) {
    return view.ofType(T.subnet).map((s) => `${(s.inputs.tags as Tags).Tier} ${s.inputs.cidrBlock} ${s.inputs.availabilityZone}`);
}

/** For each private subnet, the AZ of the NAT gateway its default route goes to. */
function privateEgressAzs(view: RunView): Record<string, string> {
    return Object.fromEntries(
        view.subnetsOfTier("private").map((subnet) => {
            const routes = view.routesOf(view.routeTableOf(subnet));
            expect(routes, subnet.name).to.have.length(1);
            return [subnet.inputs.availabilityZone, view.natAndSubnet(routes[0].inputs.natGatewayId).subnet.inputs.availabilityZone];
        }),
    );
}

function expectNoWayOutOfDataTier(view: RunView): void {
    const dataSubnets = view.subnetsOfTier("data");
    expect(dataSubnets).to.not.be.empty;
    for (const subnet of dataSubnets) {
        const table = view.routeTableOf(subnet);
        const viaGateway = view
            .routesOf(table)
            .filter((r) => r.inputs.gatewayId !== undefined || r.inputs.natGatewayId !== undefined || r.inputs.destinationCidrBlock === "0.0.0.0/0");
        expect(viaGateway, `${subnet.name} routes`).to.deep.equal([]);
        expect(table.inputs.routes, `${subnet.name} inline routes`).to.equal(undefined);
    }
}

describe("seed system A, dev (tests/fixtures/seed/Pulumi.dev.yaml)", () => {
    let view: RunView;
    before(async () => {
        view = new RunView(await seedRun("dev"));
    });

    it("has the seed's subnets exactly: 2 public, 1 private in 2a, 2 data", () => {
        expect(layout(view)).to.have.members([
            "public 10.0.1.0/24 ap-northeast-2a",
            "public 10.0.2.0/24 ap-northeast-2c",
            "private 10.0.11.0/24 ap-northeast-2a",
            "data 10.0.21.0/24 ap-northeast-2a",
            "data 10.0.22.0/24 ap-northeast-2c",
        ]);
        expect(view.one(T.vpc, "network-vpc").inputs.cidrBlock).to.equal("10.0.0.0/16");
    });

    it("has one NAT gateway, in public-2a, which the private subnet routes to", () => {
        expect(view.ofType(T.nat)).to.have.length(1);
        expect(view.natAndSubnet(view.ofType(T.nat)[0].id).subnet.inputs.cidrBlock).to.equal("10.0.1.0/24");
        expect(privateEgressAzs(view)).to.deep.equal({ "ap-northeast-2a": "ap-northeast-2a" });
    });

    it("gives no data subnet a route to an internet or NAT gateway", () => {
        expectNoWayOutOfDataTier(view);
    });

    it("keeps flow logs off, as the stack file says (a dev-only relaxation)", () => {
        expect(view.ofType(T.flowLog)).to.deep.equal([]);
    });

    it("tags every taggable resource and gives every log group a retention", () => {
        expectTaggedAndRetained(view, "goorm-popcorn", "dev", "dev");
    });

    it("exports the VPC, its CIDR and each subnet with its AZ", () => {
        const { outputs } = view.run;
        expect(outputs.vpcId).to.equal(view.one(T.vpc, "network-vpc").id);
        expect(outputs.vpcCidr).to.equal("10.0.0.0/16");
        const subnets = outputs.subnets as Record<string, Array<{ id: string; az: string; cidr: string }>>;
        expect(subnets.private).to.deep.equal([{ id: view.one(T.subnet, "network-private-2a").id, cidr: "10.0.11.0/24", az: "ap-northeast-2a" }]);
        expect(subnets.data.map((s) => s.az)).to.deep.equal(["ap-northeast-2a", "ap-northeast-2c"]);
        expect(outputs.natGatewayIds).to.deep.equal([view.ofType(T.nat)[0].id]);
    });
});

describe("seed system A, prod (tests/fixtures/seed/Pulumi.prod.yaml)", () => {
    let view: RunView;
    before(async () => {
        view = new RunView(await seedRun("prod"));
    });

    it("has three subnets per tier, one in each of 2a, 2b, 2c", () => {
        expect(layout(view)).to.have.members(
            ["a", "b", "c"].flatMap((az, i) => [
                `public 10.0.${1 + i}.0/24 ap-northeast-2${az}`,
                `private 10.0.${11 + i}.0/24 ap-northeast-2${az}`,
                `data 10.0.${21 + i}.0/24 ap-northeast-2${az}`,
            ]),
        );
    });

    it("has a NAT gateway per AZ and routes each private subnet through its own AZ's", () => {
        expect(view.ofType(T.nat)).to.have.length(3);
        expect(privateEgressAzs(view)).to.deep.equal({
            "ap-northeast-2a": "ap-northeast-2a",
            "ap-northeast-2b": "ap-northeast-2b",
            "ap-northeast-2c": "ap-northeast-2c",
        });
    });

    it("gives no data subnet a route to an internet or NAT gateway", () => {
        expectNoWayOutOfDataTier(view);
    });

    it("records flow logs for the whole VPC, kept 90 days", () => {
        const [flowLog] = view.ofType(T.flowLog);
        expect(view.ofType(T.flowLog)).to.have.length(1);
        expect(flowLog.inputs).to.include({ vpcId: view.one(T.vpc, "network-vpc").id, trafficType: "ALL" });
        expect(view.one(T.logGroup, "network-flow-logs").inputs.retentionInDays).to.equal(90);
    });

    it("places the six interface endpoints in the three private subnets", () => {
        const privateIds = view.subnetsOfTier("private").map((s) => s.id);
        const interfaces = view.ofType(T.vpcEndpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
        expect(interfaces.map((e) => (e.inputs.serviceName as string).replace("com.amazonaws.ap-northeast-2.", ""))).to.have.members([
            "ecr.api",
            "ecr.dkr",
            "logs",
            "secretsmanager",
            "ssm",
            "ssmmessages",
        ]);
        expect(interfaces.every((e) => JSON.stringify(e.inputs.subnetIds) === JSON.stringify(privateIds))).to.equal(true);
    });

    it("tags every taggable resource and gives every log group a retention", () => {
        expectTaggedAndRetained(view, "goorm-popcorn", "prod", "prod");
    });
});

describe("stack files in general", () => {
    it("finds the stack files of a directory: the seed copies are the account stack, dev and prod", () => {
        expect(listStacks(SEED_ROOT)).to.deep.equal(["account", "chat", "couple", "dev", "point-ecs", "point-eks", "prod"]);
    });

    it("stops a bad config before any resource but the stack itself is registered", async () => {
        const { config } = readStackConfig("prod", SEED_ROOT);
        const registered: RecordedResource[] = [];
        const bad = { ...config, "platform:network": config["platform:network"].replace("10.0.12.0/24", "10.1.12.0/24") };
        let error: unknown;
        try {
            await runProgram(projectProgram(), { stack: "prod", config: bad, registered });
        } catch (err) {
            error = err;
        }
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as Error).message).to.contain('platform:network.subnets.private[1].cidr: "10.1.12.0/24" is outside the VPC CIDR "10.0.0.0/16"');
        expect(registered.map((r) => r.type)).to.deep.equal([T.stack]);
    });
});
