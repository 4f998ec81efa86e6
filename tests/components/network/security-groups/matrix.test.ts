import { expect } from "chai";
import {
    CLOUDFRONT_ORIGIN_FACING,
    Flow,
    MANAGED_PREFIX_LIST_WEIGHTS,
    RULES_PER_GROUP_LIMIT,
    describeFlow,
    peerWeight,
    ruleCountProblems,
    rulesOf,
    uniquePorts,
} from "../../../../components/network/security-groups/matrix";

/** The seed's flows, as the blocks of system A declare them (the assembled stack's are in tests/stacks). */
export const FLOWS: readonly Flow[] = [
    { from: { cidr: "0.0.0.0/0" }, to: { group: "alb" }, port: 80, why: "clients to the ALB" },
    { from: { cidr: "0.0.0.0/0" }, to: { group: "alb" }, port: 443, why: "clients to the ALB" },
    { from: { group: "alb" }, to: { group: "ecs" }, port: 8080, why: "ALB to its target services" },
    { from: { group: "ecs" }, to: { group: "db" }, port: 5432, why: "services to the database" },
    { from: { group: "ecs" }, to: { group: "cache" }, port: 6379, why: "services to the cache" },
    { from: { group: "ecs" }, to: { cidr: "0.0.0.0/0" }, port: 443, why: "HTTPS out" },
];

describe("components/network/security-groups/matrix", () => {
    it("turns a flow between groups into an ingress and an egress rule, a flow from the internet into an ingress only, a flow to the internet into an egress only", () => {
        const rules = rulesOf(FLOWS);
        expect(rules.filter((r) => r.group === "alb").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 80", "ingress 443", "egress 8080"]);
        expect(rules.filter((r) => r.group === "ecs").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 8080", "egress 5432", "egress 6379", "egress 443"]);
        expect(rules.filter((r) => r.group === "db").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 5432"]);
        expect(rules.filter((r) => r.group === "cache").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 6379"]);
    });

    it("keeps a flow's reason as each of its rules' reason", () => {
        expect(rulesOf([FLOWS[3]]).map((r) => r.why)).to.deep.equal(["services to the database", "services to the database"]);
    });

    it("describes a flow as from -> to:port", () => {
        expect(FLOWS.map((f) => describeFlow(f.from, f.to, f.port))).to.deep.equal([
            "0.0.0.0/0 -> alb:80",
            "0.0.0.0/0 -> alb:443",
            "alb -> ecs:8080",
            "ecs -> db:5432",
            "ecs -> cache:6379",
            "ecs -> 0.0.0.0/0:443",
        ]);
    });

    it("lists distinct ports in ascending order", () => {
        expect(uniquePorts([8080, 443, 8080, 80])).to.deep.equal([80, 443, 8080]);
    });

    it("refuses more rules than a group holds, naming the group, the direction and the count", () => {
        const flows: Flow[] = Array.from({ length: RULES_PER_GROUP_LIMIT + 1 }, (_, i) => ({ from: { group: "ecs" }, to: { group: "ecs" }, port: 10000 + i, why: "service to service" }));
        const problems = ruleCountProblems(rulesOf(flows));
        expect(problems.map((p) => `${String(p.path[0])}: ${p.message}`)).to.deep.equal([
            "ecs: security group ecs needs 61 ingress rules; a security group holds at most 60 per direction",
            "ecs: security group ecs needs 61 egress rules; a security group holds at most 60 per direction",
        ]);
    });

    it("accepts exactly as many rules as a group holds", () => {
        const flows: Flow[] = Array.from({ length: RULES_PER_GROUP_LIMIT }, (_, i) => ({ from: { cidr: "10.0.0.0/16" }, to: { group: "db" }, port: 10000 + i, why: "clients" }));
        expect(ruleCountProblems(rulesOf(flows))).to.deep.equal([]);
    });
});

describe("components/network/security-groups/matrix: a managed prefix list as a peer", () => {
    const cloudFront = { prefixList: CLOUDFRONT_ORIGIN_FACING };
    const toAlb: Flow = { from: cloudFront, to: { group: "alb" }, port: 443, why: "CloudFront VPC origin to the ALB" };
    /** `count` more ingress rules on the ALB, each from its own CIDR. */
    const others = (count: number): Flow[] => Array.from({ length: count }, (_, i) => ({ from: { cidr: `10.1.${i}.0/24` }, to: { group: "alb" }, port: 443, why: "clients" }));

    it("turns a flow from a prefix list into one ingress rule on the receiving group, naming the list", () => {
        expect(rulesOf([toAlb])).to.deep.equal([{ group: "alb", direction: "ingress", port: 443, peer: cloudFront, why: "CloudFront VPC origin to the ALB" }]);
        expect(describeFlow(toAlb.from, toAlb.to, toAlb.port)).to.equal("com.amazonaws.global.cloudfront.origin-facing -> alb:443");
    });

    it("weighs CloudFront's origin-facing list 55 rules (AWS's documented weight), any other peer 1", () => {
        expect(MANAGED_PREFIX_LIST_WEIGHTS).to.deep.equal({ "com.amazonaws.global.cloudfront.origin-facing": 55 });
        expect(peerWeight(cloudFront)).to.equal(55);
        expect(peerWeight({ group: "ecs" })).to.equal(1);
        expect(peerWeight({ cidr: "0.0.0.0/0" })).to.equal(1);
    });

    it("accepts the prefix list's 55 and 5 more ingress rules: 60, the quota", () => {
        expect(ruleCountProblems(rulesOf([toAlb, ...others(5)]))).to.deep.equal([]);
    });

    it("refuses the prefix list's 55 and 6 more ingress rules: 61, over the 60 a group holds, saying how the list counts", () => {
        const problems = ruleCountProblems(rulesOf([toAlb, ...others(6)]));
        expect(problems.map((p) => `${String(p.path[0])}: ${p.message}`)).to.deep.equal([
            'alb: security group alb needs 61 ingress rules (1 rule naming the prefix list "com.amazonaws.global.cloudfront.origin-facing", which counts as 55: a prefix list counts as its weight); a security group holds at most 60 per direction',
        ]);
    });

    it("counts the list once per rule that names it: two ports from CloudFront are 110 rules", () => {
        const problems = ruleCountProblems(rulesOf([toAlb, { ...toAlb, port: 8443 }]));
        expect(problems.map((p) => p.message)).to.deep.equal([
            'security group alb needs 110 ingress rules (2 rules naming the prefix list "com.amazonaws.global.cloudfront.origin-facing", which count as 55 each: a prefix list counts as its weight); a security group holds at most 60 per direction',
        ]);
    });
});
