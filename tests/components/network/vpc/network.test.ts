import { expect } from "chai";
import { networkProblems, planNetwork } from "../../../../components/network/vpc/network";
import { formatPath } from "../../../../lib/problems";
import { DEV_NETWORK, PROD_NETWORK, withNetwork } from "../../../fixtures/networks";

/** `path: message` lines, the way a reader sees them. */
function problemsOf(...args: Parameters<typeof networkProblems>): string[] {
    return networkProblems(...args).map((p) => `${formatPath(p.path)}: ${p.message}`);
}

describe("lib/network plan", () => {
    it("keys subnets by tier and AZ label, in tier order", () => {
        expect(planNetwork(DEV_NETWORK).subnets.map((s) => s.key)).to.deep.equal([
            "public-2a",
            "public-2c",
            "private-2a",
            "data-2a",
            "data-2c",
        ]);
    });

    it("single: one NAT in the first public subnet, every private subnet routes to it", () => {
        const spec = withNetwork(PROD_NETWORK, { natGateways: "single" });
        const plan = planNetwork(spec);
        expect(plan.nats).to.deep.equal([{ az: "ap-northeast-2a", subnetKey: "public-2a" }]);
        expect(plan.privateRouteNat).to.deep.equal({
            "private-2a": "ap-northeast-2a",
            "private-2b": "ap-northeast-2a",
            "private-2c": "ap-northeast-2a",
        });
    });

    it("perAz: one NAT per AZ with private subnets, each private subnet routes to its own AZ", () => {
        const plan = planNetwork(PROD_NETWORK);
        expect(plan.nats).to.deep.equal([
            { az: "ap-northeast-2a", subnetKey: "public-2a" },
            { az: "ap-northeast-2b", subnetKey: "public-2b" },
            { az: "ap-northeast-2c", subnetKey: "public-2c" },
        ]);
        expect(plan.privateRouteNat).to.deep.equal({
            "private-2a": "ap-northeast-2a",
            "private-2b": "ap-northeast-2b",
            "private-2c": "ap-northeast-2c",
        });
    });

    it("perAz puts no NAT in an AZ without private subnets", () => {
        expect(planNetwork(withNetwork(DEV_NETWORK, { natGateways: "perAz" })).nats).to.deep.equal([
            { az: "ap-northeast-2a", subnetKey: "public-2a" },
        ]);
    });

    it("none: no NAT and no route out of the private tier", () => {
        const plan = planNetwork(withNetwork(DEV_NETWORK, { natGateways: "none", interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"] }));
        expect(plan.nats).to.deep.equal([]);
        expect(plan.privateRouteNat).to.deep.equal({ "private-2a": undefined });
    });

    it("places interface endpoints in one private subnet per AZ and numbers a second subnet in an AZ", () => {
        const spec = withNetwork(DEV_NETWORK, {
            subnets: { ...DEV_NETWORK.subnets, private: [...DEV_NETWORK.subnets.private, { cidr: "10.0.12.0/24", az: "ap-northeast-2a" }, { cidr: "10.0.13.0/24", az: "ap-northeast-2c" }] },
        });
        const plan = planNetwork(spec);
        expect(plan.subnets.filter((s) => s.tier === "private").map((s) => s.key)).to.deep.equal(["private-2a", "private-2a-2", "private-2c"]);
        expect(plan.endpointSubnetKeys).to.deep.equal(["private-2a", "private-2c"]);
    });
});

describe("lib/network rules", () => {
    it("accepts the dev and prod networks", () => {
        expect(problemsOf(DEV_NETWORK, { region: "ap-northeast-2" })).to.deep.equal([]);
        expect(problemsOf(PROD_NETWORK, { region: "ap-northeast-2" })).to.deep.equal([]);
    });

    it("rejects a VPC block outside /16–/28 or outside private address space", () => {
        expect(problemsOf(withNetwork(DEV_NETWORK, { cidr: "10.0.0.0/8" }))).to.include('cidr: "10.0.0.0/8" is a /8; a VPC block must be /16 to /28');
        expect(problemsOf(withNetwork(DEV_NETWORK, { cidr: "52.0.0.0/16" }))[0]).to.match(/^cidr: "52\.0\.0\.0\/16" is not private address space/);
    });

    it("rejects a subnet outside the VPC", () => {
        const spec = withNetwork(DEV_NETWORK, { subnets: { ...DEV_NETWORK.subnets, private: [{ cidr: "10.1.11.0/24", az: "ap-northeast-2a" }] } });
        expect(problemsOf(spec)).to.deep.equal(['subnets.private[0].cidr: "10.1.11.0/24" is outside the VPC CIDR "10.0.0.0/16"']);
    });

    it("rejects overlapping subnets across tiers, naming both", () => {
        const spec = withNetwork(DEV_NETWORK, { subnets: { ...DEV_NETWORK.subnets, data: [{ cidr: "10.0.11.128/25", az: "ap-northeast-2a" }, DEV_NETWORK.subnets.data[1]] } });
        expect(problemsOf(spec)).to.deep.equal(['subnets.data[0].cidr: "10.0.11.128/25" overlaps "10.0.11.0/24" (subnets.private[0])']);
    });

    it("rejects a subnet in an AZ the stack does not list, and an AZ outside the region", () => {
        const spec = withNetwork(DEV_NETWORK, { subnets: { ...DEV_NETWORK.subnets, private: [{ cidr: "10.0.11.0/24", az: "ap-northeast-2b" }] } });
        expect(problemsOf(spec)).to.deep.equal(["subnets.private[0].az: \"ap-northeast-2b\" is not one of the stack's AZs (azs: \"ap-northeast-2a\", \"ap-northeast-2c\")"]);
        expect(problemsOf(DEV_NETWORK, { region: "us-east-1" })).to.deep.equal([
            "azs[0]: \"ap-northeast-2a\" is not in the stack's region \"us-east-1\"; expected us-east-1a, us-east-1b, …",
            "azs[1]: \"ap-northeast-2c\" is not in the stack's region \"us-east-1\"; expected us-east-1a, us-east-1b, …",
        ]);
    });

    it("requires the public tier (the ALB's) to span two AZs, and the data tier too when present", () => {
        const onePublic = withNetwork(DEV_NETWORK, { subnets: { ...DEV_NETWORK.subnets, public: [DEV_NETWORK.subnets.public[0]] } });
        expect(problemsOf(onePublic)).to.deep.equal(['subnets.public: spans only "ap-northeast-2a"; an ALB needs public subnets in at least two AZs']);
        const oneData = withNetwork(DEV_NETWORK, { subnets: { ...DEV_NETWORK.subnets, data: [DEV_NETWORK.subnets.data[0]] } });
        expect(problemsOf(oneData)).to.deep.equal(['subnets.data: spans only "ap-northeast-2a"; an RDS DB subnet group needs subnets in at least two AZs']);
    });

    it("perAz needs a public subnet in every AZ with private subnets", () => {
        const spec = withNetwork(PROD_NETWORK, { subnets: { ...PROD_NETWORK.subnets, public: PROD_NETWORK.subnets.public.slice(0, 2) } });
        expect(problemsOf(spec)).to.deep.equal([
            'subnets.private[2].az: "ap-northeast-2c" has no public subnet to hold its NAT gateway (natGateways: perAz); add one or use natGateways: single',
        ]);
    });

    it("none needs the endpoints that replace the NAT for image pulls and logs", () => {
        expect(problemsOf(withNetwork(DEV_NETWORK, { natGateways: "none", interfaceEndpoints: ["ecr.api"], gatewayEndpoints: ["dynamodb"] }))).to.deep.equal([
            "natGateways: none leaves private subnets without a way to pull images or ship logs; add ecr.dkr, logs to interfaceEndpoints or use single or perAz",
            'gatewayEndpoints: ["dynamodb"] lacks s3; with natGateways none, ECR image layers come from S3 through its gateway endpoint',
        ]);
    });

    it("rejects duplicate AZs and endpoints", () => {
        const spec = withNetwork(DEV_NETWORK, { azs: ["ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2a"], interfaceEndpoints: ["logs", "logs"] });
        expect(problemsOf(spec)).to.deep.equal(['azs[2]: "ap-northeast-2a" is listed twice', 'interfaceEndpoints[1]: "logs" is listed twice']);
    });

    it("names its references through the caller's formatter", () => {
        const spec = withNetwork(DEV_NETWORK, { subnets: { ...DEV_NETWORK.subnets, data: [{ cidr: "10.0.1.0/24", az: "ap-northeast-2a" }, DEV_NETWORK.subnets.data[1]] } });
        const [problem] = networkProblems(spec, { refer: (path) => `platform:network.${formatPath(path)}` });
        expect(problem.message).to.equal('"10.0.1.0/24" overlaps "10.0.1.0/24" (platform:network.subnets.public[0])');
    });
});
