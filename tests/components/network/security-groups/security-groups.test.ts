import { expect } from "chai";
import { Flow, INTERNET, SecurityGroupDeclaration } from "../../../../components/network/security-groups/matrix";
import { SecurityGroups } from "../../../../components/network/security-groups/security-groups";
import { ArgumentError } from "../../../../lib/problems";
import { RunView, T, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const VPC = "vpc-0123456789abcdef0";

/** System A's groups and flows, as its blocks declare them. */
const GROUPS: SecurityGroupDeclaration[] = ["alb", "ecs", "db", "cache", "kafka"].map((name) => ({ name, description: `the ${name} group` }));
const group = (name: string) => ({ group: name });
const FLOWS: Flow[] = [
    ...[80, 443].map((port) => ({ from: { cidr: INTERNET }, to: group("alb"), port, why: "clients to the ALB" })),
    { from: group("alb"), to: group("ecs"), port: 8080, why: "ALB to its target services" },
    { from: group("ecs"), to: group("ecs"), port: 8080, why: "service to service" },
    { from: group("ecs"), to: { cidr: INTERNET }, port: 443, why: "HTTPS out" },
    { from: group("ecs"), to: group("db"), port: 5432, why: "services to the database" },
    { from: group("ecs"), to: group("cache"), port: 6379, why: "services to the cache" },
    ...[9092, 9094].map((port) => ({ from: group("ecs"), to: group("kafka"), port, why: "services to Kafka" })),
    { from: group("kafka"), to: { cidr: INTERNET }, port: 443, why: "HTTPS out" },
    ...[9092, 9093, 9094].map((port) => ({ from: group("kafka"), to: group("kafka"), port, why: "between brokers" })),
];

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
        view = await runView(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, groups: GROUPS, flows: FLOWS }));
    });

    it("creates the declared groups in the VPC, named <prefix>-<env>-<group>, described as declared, without inline rules", () => {
        const groups = view.ofType(T.securityGroup);
        expect(groups.map((g) => g.inputs.name)).to.have.members(["alb", "ecs", "db", "cache", "kafka"].map((g) => `goorm-popcorn-dev-${g}`));
        expect(groups.map((g) => g.inputs.description)).to.have.members(["the alb group", "the ecs group", "the db group", "the cache group", "the kafka group"]);
        for (const group of groups) {
            expect(group.inputs.vpcId).to.equal(VPC);
            expect(group.inputs.ingress).to.equal(undefined);
            expect(group.inputs.egress).to.equal(undefined);
        }
    });

    it("implements the flows as separate rule resources, TCP only, each described by its flow's reason", () => {
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
        expect(view.ofType(T.ingressRule).filter((r) => r.inputs.fromPort === 5432).map((r) => r.inputs.description)).to.deep.equal(["services to the database"]);
    });

    it("opens 0.0.0.0/0 inbound only on the ALB's 80 and 443", () => {
        const open = view.ofType(T.ingressRule).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
        expect(open.map((r) => `${view.byId(r.inputs.securityGroupId).inputs.name}:${r.inputs.fromPort}`)).to.have.members(["goorm-popcorn-dev-alb:80", "goorm-popcorn-dev-alb:443"]);
    });

    it("refuses flows that need more rules than a group holds", () => {
        const flows = [...FLOWS, ...Array.from({ length: 60 }, (_, i) => ({ from: group("ecs"), to: group("ecs"), port: 10000 + i, why: "service to service" }))];
        expect(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, groups: GROUPS, flows })).to.throw(ArgumentError, /groups\.ecs: security group ecs needs 62 ingress rules; a security group holds at most 60 per direction/);
    });

    it("refuses a flow that names a group nobody declared, and a group declared twice", () => {
        const flows = [{ from: group("ecs"), to: group("dynamodb"), port: 443, why: "x" }];
        expect(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, groups: [...GROUPS, GROUPS[0]], flows })).to.throw(
            ArgumentError,
            /groups\.alb: is declared twice\n  flows: name the group dynamodb, which is not declared/,
        );
    });
});
