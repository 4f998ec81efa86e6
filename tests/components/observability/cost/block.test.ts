/**
 * platform:cost: its defaults (every assumption, no budget), its rules with their exact messages,
 * that it builds nothing, and that tooling/cost/settings.ts reads it as the program does.
 */
import { expect } from "chai";
import { DEFAULT_ASSUMPTIONS } from "../../../../components/observability/cost/assumptions";
import { costBlock } from "../../../../components/observability/cost/block";
import { parseStackConfig } from "../../../../stacks/config";
import { costSettings } from "../../../../tooling/cost/settings";
import { problemLines } from "../../../fixtures/config";

const stack = (cost?: unknown): Record<string, string> => ({
    "aws:region": "ap-northeast-2",
    "platform:env": "dev",
    "platform:name": "cost-test",
    ...(cost === undefined ? {} : { "platform:cost": JSON.stringify(cost) }),
});

describe("stacks: platform:cost", () => {
    it("defaults every assumption and has no budget", () => {
        expect(parseStackConfig(stack({}), "cost-test").config(costBlock)).to.deep.equal({ assumptions: DEFAULT_ASSUMPTIONS });
        expect(DEFAULT_ASSUMPTIONS).to.include({ fargateSpotDiscount: 0.5, natGbPerGateway: 10, albLcu: 1, cdnGb: 50, logGbPerGroup: 0.5, s3GbPerBucket: 5 });
    });

    it("keeps a budget and the assumptions given, the others at their defaults", () => {
        const config = parseStackConfig(stack({ monthlyBudgetUsd: 90, assumptions: { natGbPerGateway: 50, fargateSpotDiscount: 0 } }), "cost-test").config(costBlock);
        expect(config).to.deep.equal({ monthlyBudgetUsd: 90, assumptions: { ...DEFAULT_ASSUMPTIONS, natGbPerGateway: 50, fargateSpotDiscount: 0 } });
    });

    it("builds nothing: a stack with only platform:cost is the stack alone", () => {
        expect(costBlock.build(parseStackConfig(stack({ monthlyBudgetUsd: 10 }), "cost-test").config(costBlock)!, undefined as never)).to.equal(undefined);
    });

    it("refuses a budget of 0 or less", () => {
        expect(problemLines(stack({ monthlyBudgetUsd: 0 }), "cost-test")).to.deep.equal([
            "platform:cost.monthlyBudgetUsd: 0 is not a budget; give the most the stack should cost a month in US dollars, above 0, or leave it out",
        ]);
        expect(problemLines(stack({ monthlyBudgetUsd: -5 }), "cost-test")).to.deep.equal([
            "platform:cost.monthlyBudgetUsd: -5 is not a budget; give the most the stack should cost a month in US dollars, above 0, or leave it out",
        ]);
    });

    it("refuses a Spot discount outside 0–1", () => {
        expect(problemLines(stack({ assumptions: { fargateSpotDiscount: 1.5 } }), "cost-test")).to.deep.equal([
            "platform:cost.assumptions.fargateSpotDiscount: 1.5 is not a fraction; use 0 to 1 (0.5: Spot at half the on-demand price; AWS documents up to 0.7 off)",
        ]);
        expect(problemLines(stack({ assumptions: { fargateSpotDiscount: -0.1 } }), "cost-test")).to.deep.equal([
            "platform:cost.assumptions.fargateSpotDiscount: -0.1 is not a fraction; use 0 to 1 (0.5: Spot at half the on-demand price; AWS documents up to 0.7 off)",
        ]);
    });

    it("refuses a negative quantity, each on its own line", () => {
        expect(problemLines(stack({ assumptions: { natGbPerGateway: -1, s3GbPerBucket: -2 } }), "cost-test")).to.deep.equal([
            "platform:cost.assumptions.natGbPerGateway: -1 is negative; an assumption is a quantity of 0 or more",
            "platform:cost.assumptions.s3GbPerBucket: -2 is negative; an assumption is a quantity of 0 or more",
        ]);
    });

    it("refuses an unknown assumption with the allowed ones, and text where a number goes", () => {
        const lines = problemLines(stack({ assumptions: { albLcus: 5 } }), "cost-test");
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(/^platform:cost\.assumptions\.albLcus: is not a known key \(did you mean albLcu\?\); allowed here: fargateSpotDiscount, natGbPerGateway, albLcu, /);
        expect(problemLines(stack({ monthlyBudgetUsd: "ninety" }), "cost-test")).to.deep.equal([
            "platform:cost.monthlyBudgetUsd: \"ninety\" is not a number; write the number without quotes in YAML, or set it with `pulumi config set --path 'platform:cost.monthlyBudgetUsd' <number>` (add --type float for a fraction)",
        ]);
    });

    it("is read for the estimate from the config as the CLI presents it, numbers set as text included", () => {
        expect(costSettings(stack({ monthlyBudgetUsd: "185", assumptions: { cdnGb: "100" } }))).to.deep.equal({
            env: "dev",
            monthlyBudgetUsd: 185,
            assumptions: { ...DEFAULT_ASSUMPTIONS, cdnGb: 100 },
        });
        expect(costSettings(stack())).to.deep.equal({ env: "dev", assumptions: DEFAULT_ASSUMPTIONS });
    });
});
