import { expect } from "chai";
import { CANARY_STEPS, weightProblems } from "../../../../components/traffic/blue-green-alb/blue-green";
import { formatPath } from "../../../../lib/problems";

const lines = (weights: { blue: number; green: number }) => weightProblems(weights).map((p) => `${formatPath(p.path)}: ${p.message}`);

describe("lib/blue-green", () => {
    it("accepts every step of the seed's canary", () => {
        for (const step of CANARY_STEPS) {
            expect(lines(step), JSON.stringify(step)).to.deep.equal([]);
        }
        expect(CANARY_STEPS.map((s) => `${s.blue}/${s.green}`)).to.deep.equal(["100/0", "90/10", "50/50", "10/90", "0/100"]);
    });

    it("rejects a weight outside 0–100 or not whole", () => {
        expect(lines({ blue: 110, green: -10 })).to.deep.equal([
            "blue: 110 is not a weight; use a whole percentage from 0 to 100",
            "green: -10 is not a weight; use a whole percentage from 0 to 100",
        ]);
        expect(lines({ blue: 50.5, green: 49.5 })[0]).to.match(/^blue: 50\.5 is not a weight/);
    });

    it("rejects weights that do not add up to 100", () => {
        expect(lines({ blue: 90, green: 20 })).to.deep.equal([": blue 90 + green 20 = 110; the weights must add up to 100"]);
    });
});
