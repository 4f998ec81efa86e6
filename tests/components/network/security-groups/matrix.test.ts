import { expect } from "chai";
import { SEED_REACHABILITY } from "../../../fixtures/matrix";
import { RULES_PER_GROUP_LIMIT, describeFlow, platformFlows, ruleCountProblems, rulesOf } from "../../../../components/network/security-groups/matrix";

const PORTS = { albListeners: [80, 443], albTargets: [8080], servicePorts: [8080, 8080], database: 5432, cache: 6379, kafkaClients: [9092, 9094], kafkaController: 9093 };

describe("lib/security-matrix", () => {
    it("lists the seed's flows, plus the ones it forgot (SPEC §4)", () => {
        const flows = platformFlows(PORTS).map((f) => describeFlow(f.from, f.to, f.port).replace(/0\.0\.0\.0\/0/g, "internet"));
        expect(flows).to.deep.equal(SEED_REACHABILITY);
    });

    it("turns a flow between groups into an ingress and an egress rule, a flow from the internet into an ingress only", () => {
        const rules = rulesOf(platformFlows(PORTS));
        expect(rules.filter((r) => r.group === "alb").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 80", "ingress 443", "egress 8080"]);
        expect(rules.filter((r) => r.group === "db").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 5432"]);
        expect(rules.filter((r) => r.group === "cache").map((r) => `${r.direction} ${r.port}`)).to.deep.equal(["ingress 6379"]);
    });

    it("refuses more rules than a group holds", () => {
        const ports = Array.from({ length: RULES_PER_GROUP_LIMIT }, (_, i) => 10000 + i);
        const problems = ruleCountProblems(rulesOf(platformFlows({ ...PORTS, servicePorts: ports })));
        expect(problems.map((p) => `${String(p.path[0])}: ${p.message}`)).to.deep.equal([
            "ecs ingress: needs 61 rules; a security group holds at most 60 per direction",
            "ecs egress: needs 65 rules; a security group holds at most 60 per direction",
        ]);
    });
});
