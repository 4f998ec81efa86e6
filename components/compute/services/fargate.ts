/**
 * Fargate task sizes: the memory values AWS accepts for each CPU value.
 * Source: Amazon ECS Developer Guide, "Task CPU and memory" for the Fargate launch type.
 */
import { showValue } from "../../../lib/problems";

const GIB = 1024;

/** `from`..`to` MiB in `step` MiB. */
function range(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let v = from; v <= to; v += step) {
        values.push(v);
    }
    return values;
}

/** CPU units → the memory values (MiB) Fargate accepts with them. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1 * GIB, 4 * GIB, GIB),
    1024: range(2 * GIB, 8 * GIB, GIB),
    2048: range(4 * GIB, 16 * GIB, GIB),
    4096: range(8 * GIB, 30 * GIB, GIB),
    8192: range(16 * GIB, 60 * GIB, 4 * GIB),
    16384: range(32 * GIB, 120 * GIB, 8 * GIB),
};

export const FARGATE_CPU_VALUES: readonly number[] = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);

/** A compact list of memory values: `512, 1024, 2048` or `1024–4096 in steps of 1024`. */
function describeMemory(values: readonly number[]): string {
    if (values.length <= 4) {
        return values.join(", ");
    }
    return `${values[0]}–${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/** What is wrong with a CPU/memory pair for Fargate, or undefined when AWS accepts it. */
export function fargateSizeProblem(service: string, cpu: number, memory: number): { field: "cpu" | "memory"; message: string } | undefined {
    const memories = FARGATE_MEMORY_BY_CPU[cpu];
    if (!memories) {
        return { field: "cpu", message: `${cpu} is not a Fargate CPU value for ${showValue(service)}; use one of ${FARGATE_CPU_VALUES.join(", ")}` };
    }
    if (!memories.includes(memory)) {
        return {
            field: "memory",
            message: `${memory} MiB does not go with ${cpu} CPU units on Fargate (${showValue(service)}); with ${cpu} CPU, memory must be ${describeMemory(memories)} MiB`,
        };
    }
    return undefined;
}
