/**
 * Blue/green weights : a canary step or a rollback is a weight edit, which must
 * change the HTTPS listener and nothing else.
 */
import { Problem } from "../../../lib/problems";

export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];
export type Weights = Readonly<Record<Colour, number>>;

/** The canary path of the seed: 90/10 → 50/50 → 10/90 → 0/100 (blue/green). */
export const CANARY_STEPS: readonly Weights[] = [
    { blue: 100, green: 0 },
    { blue: 90, green: 10 },
    { blue: 50, green: 50 },
    { blue: 10, green: 90 },
    { blue: 0, green: 100 },
];

/** Weights are whole percentages 0–100 that add up to 100. */
export function weightProblems(weights: Weights): Problem[] {
    const problems: Problem[] = [];
    for (const colour of COLOURS) {
        const weight = weights[colour];
        if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
            problems.push({ path: [colour], message: `${weight} is not a weight; use a whole percentage from 0 to 100` });
        }
    }
    const total = weights.blue + weights.green;
    if (problems.length === 0 && total !== 100) {
        problems.push({ path: [], message: `blue ${weights.blue} + green ${weights.green} = ${total}; the weights must add up to 100` });
    }
    return problems;
}
