/**
 * The offline plan: a stack file run through the real program (`index.ts`) under the mock
 * runtime, and its two renderings — a tree like `pulumi preview`, and one JSON document.
 */
import * as path from "path";
import { ProgramRun, RecordedResource, runProgram } from "./mock-runtime";
import { PROJECT_ROOT, readStackConfig } from "./stack-file";

export interface PlanResource {
    readonly urn: string;
    readonly id: string | null;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly inputs: Readonly<Record<string, unknown>>;
}

export interface Plan {
    readonly stack: string;
    /** Sorted by URN, so the document is the same from run to run. */
    readonly resources: readonly PlanResource[];
    readonly outputs: Readonly<Record<string, unknown>>;
}

/** The project's program (`index.ts` in `root`), evaluated afresh on every call, as the CLI would. */
export function projectProgram(root: string = PROJECT_ROOT): () => unknown {
    return () => {
        const resolved = require.resolve(path.join(root, "index"));
        delete require.cache[resolved];
        return require(resolved);
    };
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
    }
    return value;
}

export function toPlan(run: ProgramRun): Plan {
    const resources = [...run.resources]
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
        .map((r: RecordedResource) => ({
            urn: r.urn,
            id: r.id,
            type: r.type,
            name: r.name,
            parent: r.parent,
            inputs: sortKeys(r.inputs) as Record<string, unknown>,
        }));
    return { stack: run.stack, resources, outputs: sortKeys(run.outputs) as Record<string, unknown> };
}

/** Runs the program on `Pulumi.<stack>.yaml` of `root`. Rejects with the program's error (e.g. ConfigError). */
export async function runStack(stack: string, root: string = PROJECT_ROOT): Promise<ProgramRun> {
    const stackConfig = readStackConfig(stack, root);
    return runProgram(projectProgram(root), {
        project: stackConfig.project,
        stack,
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
    });
}

/** The offline plan of `Pulumi.<stack>.yaml`. */
export async function planStack(stack: string, root: string = PROJECT_ROOT): Promise<Plan> {
    return toPlan(await runStack(stack, root));
}

/** One JSON document: `{ stack, resources: [{ urn, id, type, name, parent, inputs }], outputs }`. */
export function renderJson(plan: Plan): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}

/** The tree `pulumi preview` would show, a count per type, and the stack outputs. */
export function renderText(plan: Plan): string {
    const children = new Map<string | null, PlanResource[]>();
    for (const r of plan.resources) {
        children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
    const lines: string[] = [`Offline plan for stack "${plan.stack}" (mock runtime; nothing is deployed):`, ""];
    const walk = (parent: string | null, depth: number) => {
        const level = [...(children.get(parent) ?? [])].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
        for (const r of level) {
            lines.push(`${"    ".repeat(depth)}+ ${r.type} ${r.name}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 0);

    const counts = new Map<string, number>();
    for (const r of plan.resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    const width = String(plan.resources.length).length;
    lines.push("", `Resources: ${plan.resources.length} to create`);
    for (const [type, count] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
        lines.push(`    ${String(count).padStart(width)} ${type}`);
    }
    lines.push("", "Outputs:");
    for (const [key, value] of Object.entries(plan.outputs)) {
        lines.push(`    ${key}: ${JSON.stringify(value)}`);
    }
    return `${lines.join("\n")}\n`;
}
