/**
 * The cost block (`platform:cost`): what the stack may cost a month and how much it is used. It
 * builds nothing; `npm run cost` and the offline plan read it (tooling/cost/estimate.ts) to price
 * the plan's resources, warn when the estimate is over `monthlyBudgetUsd`, and price usage from
 * `assumptions` (each default in ./assumptions.ts).
 */
import { z } from "zod";
import { Problem, showValue } from "../../../lib/problems";
import { defineBlock, singleKey } from "../../../stacks/block";
import { ASSUMPTIONS, ASSUMPTION_KEYS, AssumptionKey, FRACTION_ASSUMPTIONS } from "./assumptions";

const AssumptionsSchema = z
    .strictObject(Object.fromEntries(ASSUMPTION_KEYS.map((key) => [key, z.number().default(ASSUMPTIONS[key].default).describe(ASSUMPTIONS[key].description)])) as Record<AssumptionKey, z.ZodDefault<z.ZodNumber>>)
    .prefault({})
    .describe("How much the stack is used, for the lines the plan cannot tell (requests, data, storage): each a number; the defaults are a small production service's.");

export const CostSchema = z
    .strictObject({
        monthlyBudgetUsd: z
            .number()
            .optional()
            .describe("The most the stack should cost a month, in US dollars. Over it, the offline plan and `npm run cost` warn (they do not fail) and name the three largest components and the keys that lower them."),
        assumptions: AssumptionsSchema,
    })
    .describe("The stack's monthly budget and usage assumptions for the cost estimate (`npm run cost`); builds nothing.");

export type CostConfig = z.output<typeof CostSchema>;

/** The rules on `platform:cost` (paths below `cost`). */
export function costProblems(cost: CostConfig): Problem[] {
    const problems: Problem[] = [];
    if (cost.monthlyBudgetUsd !== undefined && !(cost.monthlyBudgetUsd > 0)) {
        problems.push({
            path: ["monthlyBudgetUsd"],
            message: `${showValue(cost.monthlyBudgetUsd)} is not a budget; give the most the stack should cost a month in US dollars, above 0, or leave it out`,
        });
    }
    for (const key of ASSUMPTION_KEYS) {
        const value = cost.assumptions[key];
        if (FRACTION_ASSUMPTIONS.includes(key)) {
            if (value < 0 || value > 1) {
                problems.push({
                    path: ["assumptions", key],
                    message: `${showValue(value)} is not a fraction; use 0 to 1 (0.5: Spot at half the on-demand price; AWS documents up to 0.7 off)`,
                });
            }
        } else if (value < 0) {
            problems.push({ path: ["assumptions", key], message: `${showValue(value)} is negative; an assumption is a quantity of 0 or more` });
        }
    }
    return problems;
}

export const costBlock = defineBlock({
    name: "cost",
    keys: ["cost"],
    schema: () => singleKey("cost", CostSchema),
    rules: (config: CostConfig) => costProblems(config).map((problem) => ({ path: ["cost", ...problem.path], message: problem.message })),
    build: (): undefined => undefined,
});
