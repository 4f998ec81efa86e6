/**
 * The offline plan: a stack file run through the real program (`index.ts`) under the mock
 * runtime, and its two renderings — a tree like `pulumi preview`, and one JSON document.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { structuredPatch } from "diff";
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import type { CostEstimate } from "./cost/types";
import { ProgramRun, RecordedOptions, RecordedResource, SECRET_PLACEHOLDER, runProgram } from "./mock-runtime";
import { PROJECT_ROOT, listStacks, readStackConfig, stackFileProblem } from "./stack-file";
import type { StackConfig as StackFileConfig } from "./stack-file";

export interface PlanResource {
    readonly urn: string;
    readonly id: string | null;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly inputs: Readonly<Record<string, unknown>>;
    /** The options that change what `pulumi up` does, where they are not the default (see lifecycleOptions). */
    readonly options?: Readonly<Record<string, unknown>>;
}

export interface Plan {
    readonly stack: string;
    /** What the program warned about (`pulumi.log.warn`), as `pulumi preview` would show it. */
    readonly warnings?: readonly string[];
    /** Sorted by URN, so the document is the same from run to run. */
    readonly resources: readonly PlanResource[];
    readonly outputs: Readonly<Record<string, unknown>>;
    /** The monthly cost estimate of the resources (the plan CLI adds it; tooling/cost/types.ts). */
    readonly cost?: CostEstimate;
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

/**
 * The options of a resource that change what `pulumi up` does, where they are not the default:
 * `protect`, `retainOnDelete`, `deleteBeforeReplace`, `ignoreChanges`, `replaceOnChanges`,
 * `aliases` (URNs), `dependsOn` — what it waits for beyond the resources its inputs
 * reference (a component named there stands for its children), each named by `name(urn)` — and
 * `customTimeouts`.
 */
export function lifecycleOptions(options: RecordedOptions, name: (urn: string) => string = (urn) => urn): Record<string, unknown> {
    const sorted = (values: readonly string[]) => [...values].sort(byCodeUnit);
    const result: Record<string, unknown> = {};
    if (options.protect) result.protect = true;
    if (options.retainOnDelete) result.retainOnDelete = true;
    if (options.deleteBeforeReplace) result.deleteBeforeReplace = true;
    if (options.ignoreChanges.length > 0) result.ignoreChanges = sorted(options.ignoreChanges);
    if (options.replaceOnChanges.length > 0) result.replaceOnChanges = sorted(options.replaceOnChanges);
    if (options.aliases.length > 0) result.aliases = sorted(options.aliases);
    if (options.explicitDependsOn.length > 0) result.dependsOn = sorted(options.explicitDependsOn.map(name));
    if (Object.keys(options.customTimeouts ?? {}).length > 0) result.customTimeouts = options.customTimeouts;
    return result;
}

export function toPlan(run: ProgramRun): Plan {
    const resources = [...run.resources]
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
        .map((r: RecordedResource) => {
            const options = lifecycleOptions(r.options);
            return {
                urn: r.urn,
                id: r.id,
                type: r.type,
                name: r.name,
                parent: r.parent,
                inputs: sortKeys(r.inputs) as Record<string, unknown>,
                ...(Object.keys(options).length > 0 ? { options } : {}),
            };
        });
    return { stack: run.stack, resources, outputs: sortKeys(run.outputs) as Record<string, unknown>, warnings: run.warnings };
}

/**
 * Runs the project's program on `Pulumi.<stack>.yaml` (and `Pulumi.yaml`) of `root`, the project
 * root or a directory of other stack files. Rejects with the program's error (e.g. ConfigError).
 */
export async function runStack(stack: string, root: string = PROJECT_ROOT, stackConfig: StackFileConfig = readStackConfig(stack, root)): Promise<ProgramRun> {
    return runProgram(projectProgram(), {
        project: stackConfig.project,
        stack,
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
        projectDirectory: root,
    });
}

const sharedRuns = new Map<string, Promise<ProgramRun>>();

/** Where shared runs are kept between test workers and test runs (`npm run bench` clears it). */
const RUN_CACHE = path.join(PROJECT_ROOT, "node_modules", ".cache", "platform-runs");

let programHash: string | undefined;

/**
 * A hash of everything a run depends on besides its stack files: every file of the program and
 * the mock runtime (index.ts, components/ — boot scripts included — stacks/, lib/, tooling/),
 * package-lock.json (the SDKs) and the Node.js version.
 */
function programFingerprint(): string {
    if (programHash === undefined) {
        const hash = crypto.createHash("sha256").update(process.version);
        const visit = (file: string) => {
            const stat = fs.statSync(file);
            if (stat.isDirectory()) {
                fs.readdirSync(file).sort().forEach((entry) => visit(path.join(file, entry)));
            } else {
                hash.update(path.relative(PROJECT_ROOT, file)).update("\0").update(fs.readFileSync(file)).update("\0");
            }
        };
        ["index.ts", "components", "stacks", "lib", "tooling", "package-lock.json"].forEach((entry) => visit(path.join(PROJECT_ROOT, entry)));
        programHash = hash.digest("hex");
    }
    return programHash;
}

/** The run's cache key: the program's fingerprint, the stack, and every stack file of `root` (siblings matter: claims). */
function runKey(stack: string, root: string): string {
    const hash = crypto.createHash("sha256").update(programFingerprint()).update("\0").update(stack);
    for (const file of fs.readdirSync(root).filter((f) => /^Pulumi\.(.+\.)?yaml$/.test(f)).sort()) {
        hash.update("\0").update(file).update("\0").update(fs.readFileSync(path.join(root, file)));
    }
    return hash.digest("hex");
}

/**
 * The run of `Pulumi.<stack>.yaml` of `root`, for tests that only read it (stack files do not
 * change while tests run): once per process, and kept on disk under node_modules/.cache keyed by
 * everything the run depends on, so the other test worker, and the next `npm test` with nothing
 * changed, read it instead of running the program again. Hit or miss, the run is the same JSON
 * document read back.
 */
export function sharedStackRun(stack: string, root: string = PROJECT_ROOT): Promise<ProgramRun> {
    const memoryKey = `${root}\0${stack}`;
    let run = sharedRuns.get(memoryKey);
    if (run === undefined) {
        run = cachedRun(stack, root);
        sharedRuns.set(memoryKey, run);
    }
    return run;
}

/**
 * The run of `Pulumi.<stack>.yaml` of `root` (a temporary copy, say), read from the disk cache
 * when the program and every stack file of `root` are as they were for a run already made: for
 * tests that plan an edited copy and only read the run. A failing run is never cached.
 */
export function cachedStackRun(stack: string, root: string): Promise<ProgramRun> {
    return cachedRun(stack, root);
}

async function cachedRun(stack: string, root: string): Promise<ProgramRun> {
    let file: string | undefined;
    try {
        file = path.join(RUN_CACHE, `${runKey(stack, root)}.json`);
        return JSON.parse(fs.readFileSync(file, "utf8")) as ProgramRun;
    } catch {
        // Not cached yet (or the stack file does not read: the run below says why).
    }
    const text = JSON.stringify(await runStack(stack, root));
    if (file !== undefined) {
        try {
            fs.mkdirSync(RUN_CACHE, { recursive: true });
            const partial = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(partial, text);
            fs.renameSync(partial, file);
        } catch {
            // A read-only tree still runs, only slower.
        }
    }
    return JSON.parse(text) as ProgramRun;
}

/** The offline plan of `Pulumi.<stack>.yaml` (read from `root` unless the caller has read it already). */
export async function planStack(stack: string, root: string = PROJECT_ROOT, stackConfig?: StackFileConfig): Promise<Plan> {
    return toPlan(await runStack(stack, root, stackConfig));
}

/** One JSON document: `{ stack, resources: [{ urn, id, type, name, parent, inputs }], outputs, warnings }`. */
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

// ---------------------------------------------------------------------------------------------
// Snapshots: the plan of every stack file as one committed, reviewable YAML document
// (`tests/snapshots/<stack>.plan.yaml`, written by `npm run snapshots`, checked by
// tests/snapshots.test.ts), so a change to the infrastructure shows as a readable diff.
// ---------------------------------------------------------------------------------------------

/** The command that refreshes the committed snapshots. */
export const SNAPSHOT_REFRESH_COMMAND = "npm run snapshots";
/** Where the snapshots live, relative to the project root. */
export const SNAPSHOT_DIR = "tests/snapshots";

/** A plan resource with the resource options as recorded (the snapshot shows those that are not the default). */
export interface SnapshotResource extends Omit<PlanResource, "options"> {
    readonly recordedOptions?: RecordedOptions;
}

/** A plan whose resources may carry their options; any `Plan` is one. */
export interface SnapshotPlan extends Plan {
    readonly resources: readonly SnapshotResource[];
}

/** `toPlan`, with each resource's options kept (the snapshot shows the ones that are not the default). */
export function toSnapshotPlan(run: ProgramRun): SnapshotPlan {
    const options = new Map(run.resources.map((r) => [r.urn, r.options]));
    const plan = toPlan(run);
    return { ...plan, resources: plan.resources.map(({ options: _, ...r }) => ({ ...r, recordedOptions: options.get(r.urn) })) };
}

/** The offline plan of `Pulumi.<stack>.yaml`, resource options included: what a snapshot is rendered from. */
export async function planStackForSnapshot(stack: string, root: string = PROJECT_ROOT): Promise<SnapshotPlan> {
    return toSnapshotPlan(await runStack(stack, root));
}

/**
 * The stacks that have a snapshot: every `Pulumi.<name>.yaml` of `root` except the `tmp-*` ones
 * tests write and remove again (git ignores them too).
 */
export function snapshotStacks(root: string = PROJECT_ROOT): string[] {
    return listStacks(root).filter((stack) => !stack.startsWith("tmp-"));
}

/**
 * The snapshot stacks whose stack file reads (valid YAML, a mapping). The tests run these; one
 * test reports the others (`stackFileProblem`), so a syntax error is one clear failure.
 */
export function readableStacks(root: string = PROJECT_ROOT): string[] {
    return snapshotStacks(root).filter((stack) => stackFileProblem(stack, root) === undefined);
}

/** `tests/snapshots/<stack>.plan.yaml`, relative to the project root (join it with the root to read it). */
export function snapshotPath(stack: string): string {
    return `${SNAPSHOT_DIR}/${stack}.plan.yaml`;
}

/** Code-unit order: the same on every machine, whatever its locale. */
function byCodeUnit(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** A string holding a JSON object or array (an IAM policy, container definitions, a dashboard body). */
function parseJsonString(value: string): object | undefined {
    const text = value.trim();
    if (!(text.startsWith("{") || text.startsWith("["))) {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        return parsed !== null && typeof parsed === "object" ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/** A secret still in the engine's wire form (the recorded inputs already show `[secret]`). */
function isWireSecret(value: object): boolean {
    return (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/**
 * The YAML snapshot of a plan, made to be committed and read as a diff:
 *
 * - a header comment naming the stack file, then `stack`, `resources` and `outputs`;
 * - one entry per resource, keyed `<type> <name>` (the URN if two resources share both), in
 *   tree order — each component as a one-line `component` entry, followed by its resources —
 *   siblings by type, then name; the stack itself is left out;
 * - each resource's `parent` (when it is not the stack), `id` (the mock's, which references in
 *   other inputs resolve to), the options that change what `pulumi up` does where they are not
 *   the default (lifecycleOptions: `protect`, `retainOnDelete`, `deleteBeforeReplace`,
 *   `ignoreChanges`, `replaceOnChanges`, `aliases`, `dependsOn`) and its inputs, keys sorted; a
 *   component with such options gets an entry of its own (`component: true`);
 * - a string holding JSON (a policy, container definitions, a dashboard body) as the nested
 *   YAML it encodes, tagged `!json`; a multi-line string (a boot script) as a block scalar;
 * - a value equal to another resource's generated id or ARN annotated `# → <type> <name>`;
 * - secrets as `[secret]`; the stack outputs last, keys sorted.
 */
export function renderSnapshot(plan: Plan): string {
    const resources = (plan as SnapshotPlan).resources;
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const isStack = (r: PlanResource | undefined) => r?.type === "pulumi:pulumi:Stack";

    const labelCounts = new Map<string, number>();
    for (const r of resources) {
        labelCounts.set(`${r.type} ${r.name}`, (labelCounts.get(`${r.type} ${r.name}`) ?? 0) + 1);
    }
    const label = (r: PlanResource) => (labelCounts.get(`${r.type} ${r.name}`) === 1 ? `${r.type} ${r.name}` : r.urn);

    // Ids worth annotating: generated ones (an ARN, `subnet-0…`), not names the resource was given.
    const owners = new Map<string, PlanResource | null>();
    for (const r of resources) {
        const ownInputs = new Set(Object.values(r.inputs).filter((v) => typeof v === "string"));
        if (r.id === null || r.id.length < 8 || ownInputs.has(r.id)) {
            continue;
        }
        owners.set(r.id, owners.has(r.id) ? null : r);
    }

    const doc = new Document();
    const node = (value: unknown, self: PlanResource | null): unknown => {
        if (value === undefined || value === null || typeof value !== "object") {
            if (typeof value === "string") {
                const json = parseJsonString(value);
                if (json !== undefined) {
                    const encoded = node(json, self) as YAMLMap | YAMLSeq;
                    encoded.tag = "!json";
                    return encoded;
                }
            }
            const scalar = new Scalar(value ?? null);
            const owner = typeof value === "string" ? owners.get(value) : undefined;
            if (owner && owner !== self) {
                scalar.comment = ` → ${label(owner)}`;
            }
            return scalar;
        }
        if (isWireSecret(value)) {
            return new Scalar(SECRET_PLACEHOLDER);
        }
        if (Array.isArray(value)) {
            const seq = new YAMLSeq();
            seq.items = value.map((item) => node(item, self));
            return seq;
        }
        const map = new YAMLMap();
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record).sort(byCodeUnit)) {
            if (record[key] !== undefined) {
                map.items.push(new Pair(new Scalar(key), node(record[key], self)));
            }
        }
        return map;
    };

    const entries = new YAMLMap();
    const entry = (r: SnapshotResource) => {
        const key = new Scalar(label(r));
        key.spaceBefore = entries.items.length > 0;
        const parent = r.parent === null ? undefined : byUrn.get(r.parent);
        const parentLabel = r.parent === null || isStack(parent) ? undefined : parent ? label(parent) : r.parent;
        const labelOf = (urn: string) => {
            const other = byUrn.get(urn);
            return other ? label(other) : urn;
        };
        const options = r.recordedOptions ? lifecycleOptions(r.recordedOptions, labelOf) : {};
        if (r.id === null && Object.keys(options).length === 0) {
            entries.items.push(new Pair(key, new Scalar(parentLabel ? `component in ${parentLabel}` : "component")));
            return;
        }
        const body = new YAMLMap();
        if (r.id === null) {
            body.items.push(new Pair(new Scalar("component"), new Scalar(true)));
        }
        if (parentLabel) {
            body.items.push(new Pair(new Scalar("parent"), new Scalar(parentLabel)));
        }
        if (r.id !== null) {
            body.items.push(new Pair(new Scalar("id"), new Scalar(r.id)));
        }
        if (Object.keys(options).length > 0) {
            body.items.push(new Pair(new Scalar("options"), node(options, r)));
        }
        if (r.id === null) {
            entries.items.push(new Pair(key, body));
            return;
        }
        body.items.push(new Pair(new Scalar("inputs"), node(r.inputs, r)));
        entries.items.push(new Pair(key, body));
    };

    const children = new Map<string | null, SnapshotResource[]>();
    for (const r of resources) {
        const parent = r.parent !== null && byUrn.has(r.parent) ? r.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const walk = (parent: string | null) => {
        const level = [...(children.get(parent) ?? [])].sort((a, b) => byCodeUnit(a.type, b.type) || byCodeUnit(a.name, b.name) || byCodeUnit(a.urn, b.urn));
        for (const r of level) {
            if (!isStack(r)) {
                entry(r);
            }
            walk(r.urn);
        }
    };
    walk(null);

    const outputsKey = new Scalar("outputs");
    outputsKey.spaceBefore = true;
    doc.contents = new YAMLMap();
    doc.contents.items.push(
        new Pair(new Scalar("stack"), new Scalar(plan.stack)),
        new Pair(new Scalar("resources"), entries),
        new Pair(outputsKey, node(plan.outputs, null)),
    );
    const body = doc.toString({ lineWidth: 0, minContentWidth: 0, blockQuote: "literal", indentSeq: true });
    return `# Offline plan of Pulumi.${plan.stack}.yaml — generated by \`${SNAPSHOT_REFRESH_COMMAND}\`; do not edit.\n${body}`;
}

// ---------------------------------------------------------------------------------------------
// Comparing a snapshot with the plan: a unified diff (the `diff` package), each hunk headed by the
// resource it is in, as git heads a hunk by its function.
// ---------------------------------------------------------------------------------------------

/** Lines of the excerpt a drift message shows. */
const DRIFT_EXCERPT_LINES = 40;
const DRIFT_CONTEXT_LINES = 3;

/** A snapshot's resource entry starts `  <type> <name>:` at two spaces of indentation. */
const RESOURCE_ENTRY = /^ {2}([a-z][\w-]*:[\w/.-]+:\w+ \S+?):?(?: component)?$/i;

/** The resource whose entry holds line `index` (0-based) of a snapshot's lines, if any. */
export function resourceAt(lines: readonly string[], index: number): string | undefined {
    for (let i = Math.min(index, lines.length - 1); i >= 0; i--) {
        const match = RESOURCE_ENTRY.exec(lines[i]);
        if (match) {
            return match[1];
        }
        if (/^\S/.test(lines[i])) {
            return undefined;
        }
    }
    return undefined;
}

/** The changes from `committed` to `now` as unified hunks, each headed by the resource it is in. */
export function snapshotHunks(committed: string, now: string): Array<{ header: string; lines: string[] }> {
    const patch = structuredPatch("committed", "now", committed, now, "", "", { context: DRIFT_CONTEXT_LINES });
    const nowLines = now.split("\n");
    return patch.hunks.map((hunk) => {
        const firstChange = hunk.lines.findIndex((line) => line.startsWith("-") || line.startsWith("+"));
        const keptBefore = hunk.lines.slice(0, firstChange).filter((line) => !line.startsWith("-")).length;
        const resource = resourceAt(nowLines, hunk.newStart - 1 + keptBefore);
        return { header: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${resource ? ` ${resource}` : ""}`, lines: hunk.lines };
    });
}

/**
 * Why the committed snapshot `file` (its text, or null when it does not exist) is not `now`:
 * the file, an excerpt of the first hunks (`-` committed, `+` now), each headed by the resource it
 * is in, and the command that refreshes it. Null when they are the same.
 */
export function snapshotDrift(file: string, committed: string | null, now: string): string | null {
    const refresh = `Refresh it: run \`${SNAPSHOT_REFRESH_COMMAND}\`, review the diff, then commit the changed ${SNAPSHOT_DIR}/*.plan.yaml.`;
    if (committed === now) {
        return null;
    }
    if (committed === null) {
        return `${file} is missing: the plan it should hold is ${now.split("\n").length - 1} lines.\n${refresh}`;
    }
    const hunks = snapshotHunks(committed, now);
    const changes = hunks.flatMap((h) => h.lines).filter((line) => line.startsWith("-") || line.startsWith("+"));
    const removed = changes.filter((line) => line.startsWith("-")).length;
    const added = changes.length - removed;
    const excerpt: string[] = [];
    let shown = 0;
    for (const hunk of hunks) {
        if (excerpt.length >= DRIFT_EXCERPT_LINES) {
            break;
        }
        excerpt.push(hunk.header);
        for (const line of hunk.lines) {
            if (excerpt.length >= DRIFT_EXCERPT_LINES) {
                break;
            }
            excerpt.push(line);
            if (line.startsWith("-") || line.startsWith("+")) {
                shown++;
            }
        }
    }
    const more = changes.length - shown;
    return [
        `${file} is out of date: the offline plan now differs from it by ${removed} line(s) removed and ${added} added (- committed, + now):`,
        ...excerpt.map((line) => `  ${line}`),
        ...(more > 0 ? [`  … and ${more} more changed line(s)`] : []),
        refresh,
    ].join("\n");
}
