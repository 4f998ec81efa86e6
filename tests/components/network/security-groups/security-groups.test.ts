import { expect } from "chai";
import { SecurityGroups } from "../../../../components/network/security-groups/security-groups";
import { ArgumentError } from "../../../../lib/problems";
import { RunView, T, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const VPC = "vpc-0123456789abcdef0";
const PORTS = { albListeners: [80, 443], albTargets: [8080], servicePorts: [8080], database: 5432, cache: 6379, kafkaClients: [9092, 9094], kafkaController: 9093 };

/** `<group> <in|out> <port> <peer>` for every rule resource, peers named by group. */
function ruleTable(view: RunView): string[] {
    const groupName = (id: unknown) => String(view.byId(id).inputs.name).replace("goorm-popcorn-dev-", "");
    const line = (direction: string) => (r: (typeof view.resources)[number]) =>
        `${groupName(r.inputs.securityGroupId)} ${direction} ${r.inputs.fromPort}-${r.inputs.toPort} ${r.inputs.referencedSecurityGroupId ? groupName(r.inputs.referencedSecurityGroupId) : r.inputs.cidrIpv4}`;
    return [...view.ofType(T.ingressRule).map(line("in")), ...view.ofType(T.egressRule).map(line("out"))].sort();
}

describe("components/security-groups", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, ports: PORTS }));
    });

    it("creates the five groups in the VPC, named <prefix>-<env>-<group>, without inline rules", () => {
        const groups = view.ofType(T.securityGroup);
        expect(groups.map((g) => g.inputs.name)).to.have.members(["alb", "ecs", "db", "cache", "kafka"].map((g) => `goorm-popcorn-dev-${g}`));
        for (const group of groups) {
            expect(group.inputs.vpcId).to.equal(VPC);
            expect(group.inputs.ingress).to.equal(undefined);
            expect(group.inputs.egress).to.equal(undefined);
        }
    });

    it("implements the matrix as separate rule resources, TCP only", () => {
        expect(ruleTable(view)).to.deep.equal(
            [
                "alb in 80-80 0.0.0.0/0",
                "alb in 443-443 0.0.0.0/0",
                "alb out 8080-8080 ecs",
                "ecs in 8080-8080 alb",
                "ecs in 8080-8080 ecs",
                "ecs out 8080-8080 ecs",
                "ecs out 443-443 0.0.0.0/0",
                "ecs out 5432-5432 db",
                "ecs out 6379-6379 cache",
                "ecs out 9092-9092 kafka",
                "ecs out 9094-9094 kafka",
                "db in 5432-5432 ecs",
                "cache in 6379-6379 ecs",
                "kafka in 9092-9092 ecs",
                "kafka in 9094-9094 ecs",
                "kafka in 9092-9092 kafka",
                "kafka in 9093-9093 kafka",
                "kafka in 9094-9094 kafka",
                "kafka out 443-443 0.0.0.0/0",
                "kafka out 9092-9092 kafka",
                "kafka out 9093-9093 kafka",
                "kafka out 9094-9094 kafka",
            ].sort(),
        );
        expect([...view.ofType(T.ingressRule), ...view.ofType(T.egressRule)].every((r) => r.inputs.ipProtocol === "tcp")).to.equal(true);
    });

    it("opens 0.0.0.0/0 inbound only on the ALB's 80 and 443", () => {
        const open = view.ofType(T.ingressRule).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
        expect(open.map((r) => `${view.byId(r.inputs.securityGroupId).inputs.name}:${r.inputs.fromPort}`)).to.have.members(["goorm-popcorn-dev-alb:80", "goorm-popcorn-dev-alb:443"]);
    });

    it("refuses a matrix that needs more rules than a group holds", () => {
        const ports = { ...PORTS, servicePorts: Array.from({ length: 61 }, (_, i) => 10000 + i) };
        expect(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, ports })).to.throw(ArgumentError, /ecs ingress: needs 62 rules; a security group holds at most 60 per direction/);
    });
});
