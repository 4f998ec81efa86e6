import { expect } from "chai";
import { NameLimitError, Naming, azLabel, nameProblem } from "../../lib/naming";
import { baseTags, componentTags, extraTagProblems, MAX_EXTRA_TAGS } from "../../lib/tags";

describe("lib/naming", () => {
    const dev = new Naming("goorm-popcorn", "dev");

    it("produces the seed's three name shapes", () => {
        expect(dev.scoped("ecs", "cluster")).to.equal("goorm-popcorn-dev-cluster");
        expect(dev.suffixed("loadBalancer", "alb")).to.equal("goorm-popcorn-alb-dev");
        expect(dev.suffixed("targetGroup", "gateway")).to.equal("goorm-popcorn-gateway-dev");
        expect(dev.shared("ecrRepository", "order-query")).to.equal("goorm-popcorn-order-query");
        expect(dev.logGroup("ecs", "api-gateway")).to.equal("/aws/ecs/goorm-popcorn-dev/api-gateway");
    });

    it("refuses a name over its kind's length limit, naming kind, length and limit", () => {
        const long = new Naming("a-very-long-prefix-name", "prod");
        expect(() => long.suffixed("targetGroup", "gateway")).to.throw(
            NameLimitError,
            /targetGroup name "a-very-long-prefix-name-gateway-prod" is 36 characters; AWS allows at most 32/,
        );
    });

    it("checks each kind's characters", () => {
        expect(nameProblem("loadBalancer", "internal-gateway")).to.match(/not starting with internal-/);
        expect(nameProblem("loadBalancer", "alb-")).to.match(/no leading or trailing hyphen/);
        expect(nameProblem("rdsIdentifier", "Popcorn-db")).to.match(/lowercase/);
        expect(nameProblem("rdsIdentifier", "1popcorn")).to.match(/starting with a letter/);
        expect(nameProblem("securityGroup", "sg-web")).to.match(/not starting with sg-/);
        expect(nameProblem("elasticacheReplicationGroup", "goorm-popcorn-dev-cache")).to.equal(undefined);
        expect(nameProblem("elasticacheReplicationGroup", "x".repeat(41))).to.match(/at most 40/);
    });

    it("labels an AZ the way the seed does", () => {
        expect(azLabel("ap-northeast-2a")).to.equal("2a");
        expect(azLabel("us-east-1f")).to.equal("1f");
    });
});

describe("lib/tags", () => {
    const base = baseTags({ project: "goorm-popcorn", env: "prod", stack: "prod", extra: { Owner: "platform-team" } });

    it("sets project, environment, stack and managed-by on every resource", () => {
        expect(base).to.deep.equal({ Owner: "platform-team", Project: "goorm-popcorn", Environment: "prod", Stack: "prod", ManagedBy: "pulumi" });
    });

    it("adds component, service and Name", () => {
        expect(componentTags(base, "fargate-service", { service: "order-service", name: "goorm-popcorn-prod-order" })).to.include({
            Component: "fargate-service",
            Service: "order-service",
            Name: "goorm-popcorn-prod-order",
        });
    });

    it("refuses to build a tag AWS would refuse, such as a wildcard domain in Name", () => {
        expect(() => componentTags(base, "blue-green-alb", { name: "*.goormpopcorn.shop" })).to.throw(
            'blue-green-alb: "*.goormpopcorn.shop" is not a valid tag value; use 0–256 letters, digits, spaces and _.:/=+-@',
        );
    });

    it("rejects reserved, aws: and malformed tags from config", () => {
        const problems = extraTagProblems({ Project: "x", "aws:owner": "y", "bad key!": "z", Ok: "fine" });
        expect(problems.map((p) => p.path[0])).to.deep.equal(["Project", "aws:owner", "bad key!"]);
        expect(problems[0].message).to.match(/set by the program itself/);
        expect(problems[1].message).to.match(/AWS reserves/);
        expect(problems[2].message).to.match(/not a valid tag key/);
    });

    it("rejects more tags than fit beside the program's own", () => {
        const many = Object.fromEntries(Array.from({ length: MAX_EXTRA_TAGS + 1 }, (_, i) => [`k${i}`, "v"]));
        expect(extraTagProblems(many)[0].message).to.match(new RegExp(`has ${MAX_EXTRA_TAGS + 1} tags; at most ${MAX_EXTRA_TAGS}`));
        expect(MAX_EXTRA_TAGS).to.equal(42);
    });
});
