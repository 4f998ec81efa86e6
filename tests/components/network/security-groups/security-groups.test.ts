import { expect } from "chai";
import { CLOUDFRONT_ORIGIN_FACING, Flow, INTERNET, SecurityGroupDeclaration } from "../../../../components/network/security-groups/matrix";
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

describe("components/security-groups: an internal ALB that admits only CloudFront's origin-facing prefix list", () => {
    const groups: SecurityGroupDeclaration[] = [
        { name: "alb", description: "Internal ALB" },
        { name: "ecs", description: "the services" },
    ];
    const flows: Flow[] = [
        { from: { prefixList: CLOUDFRONT_ORIGIN_FACING }, to: group("alb"), port: 443, why: "CloudFront VPC origin to the ALB" },
        { from: group("alb"), to: group("ecs"), port: 8080, why: "ALB to its target services" },
    ];
    let view: RunView;
    before(async () => {
        view = await runView(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, groups, flows }));
    });

    it("gives the ALB's group one ingress rule: TCP 443 from the prefix list, referenced by the id looked up by its name (pl-…), nothing else", () => {
        const alb = view.ofType(T.securityGroup).find((g) => g.inputs.name === "goorm-popcorn-dev-alb")!;
        const ingress = view.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === alb.id);
        expect(ingress.map((r) => r.name)).to.deep.equal(["sg-alb-in-443-from-cloudfront-origin-facing"]);
        const [rule] = ingress;
        expect(rule.inputs).to.deep.include({ ipProtocol: "tcp", fromPort: 443, toPort: 443, description: "CloudFront VPC origin to the ALB" });
        expect(String(rule.inputs.prefixListId)).to.match(/^pl-[0-9a-f]{8}$/);
        expect(rule.inputs).to.not.have.any.keys("cidrIpv4", "referencedSecurityGroupId");
    });

    it("makes no rule for the prefix list's side (it is no group of ours), and none from the internet", () => {
        expect(view.ofType(T.egressRule).map((r) => r.name)).to.deep.equal(["sg-alb-out-8080-to-ecs"]);
        expect(view.ofType(T.ingressRule).filter((r) => r.inputs.cidrIpv4 !== undefined)).to.deep.equal([]);
    });

    it("refuses a prefix list whose weight is not known, and a group over its quota once the list is weighed", () => {
        const unknown: Flow = { from: { prefixList: "com.amazonaws.ap-northeast-2.s3" }, to: group("alb"), port: 443, why: "x" };
        expect(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, groups, flows: [...flows, unknown] })).to.throw(
            ArgumentError,
            /flows: name the prefix list "com\.amazonaws\.ap-northeast-2\.s3", whose weight against the rule quota is not known; name one of "com\.amazonaws\.global\.cloudfront\.origin-facing", or add it with its documented weight \(matrix\.ts\)/,
        );
        const crowded = [...flows, ...Array.from({ length: 6 }, (_, i) => ({ from: { cidr: `10.1.${i}.0/24` }, to: group("alb"), port: 443, why: "clients" }))];
        expect(() => new SecurityGroups("sg", { naming, tags, vpcId: VPC, groups, flows: crowded })).to.throw(
            ArgumentError,
            /groups\.alb: security group alb needs 61 ingress rules \(1 rule naming the prefix list "com\.amazonaws\.global\.cloudfront\.origin-facing", which counts as 55: a prefix list counts as its weight\); a security group holds at most 60 per direction/,
        );
    });
});
