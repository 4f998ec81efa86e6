/**
 * Plan snapshots: `npm run snapshots [-- --check]`.
 *
 * Plans every stack file (`Pulumi.<stack>.yaml`) under the mock runtime and writes its snapshot,
 * `tests/snapshots/<stack>.plan.yaml`: the resources with their inputs and the stack outputs as
 * YAML, made to be committed and reviewed as a diff (see renderSnapshot in tests/support/plan.ts).
 * A snapshot whose stack file is gone is removed. Needs no Pulumi CLI and no AWS credentials.
 *
 * --check writes nothing: it lists the snapshots that are missing, stale or left over.
 * Exit codes: 0 written / up to date; 1 (--check) a snapshot is stale; 2 usage or any failure
 * (a stack that does not plan, a file that cannot be written).
 */
import * as fs from "fs";
import * as path from "path";
import { SNAPSHOT_DIR, SNAPSHOT_REFRESH_COMMAND, planStackForSnapshot, renderSnapshot, snapshotDrift, snapshotPath, snapshotStacks } from "../tooling/plan";
import { ConfigError } from "../stacks/config";
import { PROJECT_ROOT, StackFileError } from "../tooling/stack-file";

const USAGE = "usage: npm run snapshots [-- --check]";

interface Snapshot {
    /** Relative to the project root. */
    readonly file: string;
    /** The text it should hold; null for a left-over snapshot, to be removed. */
    readonly text: string | null;
}

function read(file: string): string | null {
    const absolute = path.join(PROJECT_ROOT, file);
    return fs.existsSync(absolute) ? fs.readFileSync(absolute, "utf8") : null;
}

/** Snapshot files whose stack file is gone. */
function leftOvers(stacks: readonly string[]): string[] {
    const dir = path.join(PROJECT_ROOT, SNAPSHOT_DIR);
    if (!fs.existsSync(dir)) {
        return [];
    }
    const expected = new Set(stacks.map(snapshotPath));
    return fs
        .readdirSync(dir)
        .filter((name) => name.endsWith(".plan.yaml"))
        .map((name) => `${SNAPSHOT_DIR}/${name}`)
        .filter((file) => !expected.has(file))
        .sort();
}

async function main(): Promise<number> {
    const args = process.argv.slice(2);
    if (args.includes("--help") || args.includes("-h")) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const unknown = args.filter((arg) => arg !== "--check");
    if (unknown.length > 0) {
        process.stderr.write(`unknown argument ${unknown[0]}\n${USAGE}\n`);
        return 2;
    }
    const check = args.includes("--check");

    // Plan every stack before writing anything: a stack that fails leaves every file as it was.
    const stacks = snapshotStacks();
    if (stacks.length === 0) {
        process.stderr.write(`snapshots: no Pulumi.<stack>.yaml in ${PROJECT_ROOT}\n`);
        return 2;
    }
    const snapshots: Snapshot[] = [];
    for (const stack of stacks) {
        try {
            snapshots.push({ file: snapshotPath(stack), text: renderSnapshot(await planStackForSnapshot(stack)) });
        } catch (err) {
            // A stack file's own mistakes (its YAML, its config) are told as they are; anything else is a bug, named.
            const reason = err instanceof ConfigError || err instanceof StackFileError ? err.message : err instanceof Error ? (err.name === "Error" ? err.message : `${err.name}: ${err.message}`) : String(err);
            process.stderr.write(`snapshots: Pulumi.${stack}.yaml does not plan, so no snapshot was ${check ? "checked" : "written"}:\n${reason}\n`);
            return 2;
        }
    }
    snapshots.push(...leftOvers(stacks).map((file) => ({ file, text: null })));

    if (check) {
        const stale: string[] = [];
        for (const { file, text } of snapshots) {
            const committed = read(file);
            const drift = text === null ? `${file} has no stack file (Pulumi.${path.basename(file, ".plan.yaml")}.yaml) any more.` : snapshotDrift(file, committed, text);
            if (drift !== null) {
                stale.push(file);
                process.stderr.write(`${drift}\n\n`);
            }
        }
        if (stale.length > 0) {
            process.stderr.write(`Stale snapshots: ${stale.join(", ")}\nRun \`${SNAPSHOT_REFRESH_COMMAND}\` and commit the changed ${SNAPSHOT_DIR}/*.plan.yaml.\n`);
            return 1;
        }
        process.stdout.write(`${snapshots.length} snapshot(s) up to date: ${snapshots.map((s) => s.file).join(", ")}\n`);
        return 0;
    }

    try {
        fs.mkdirSync(path.join(PROJECT_ROOT, SNAPSHOT_DIR), { recursive: true });
        for (const { file, text } of snapshots) {
            const absolute = path.join(PROJECT_ROOT, file);
            if (text === null) {
                fs.rmSync(absolute);
                process.stdout.write(`removed   ${file} (its stack file is gone)\n`);
            } else if (read(file) === text) {
                process.stdout.write(`unchanged ${file}\n`);
            } else {
                fs.writeFileSync(absolute, text);
                process.stdout.write(`wrote     ${file} (${text.split("\n").length - 1} lines)\n`);
            }
        }
    } catch (err) {
        process.stderr.write(`snapshots: ${err instanceof Error ? err.message : String(err)}\n`);
        return 2;
    }
    return 0;
}

main().then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (err) => {
        process.stderr.write(`snapshots failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(2);
    },
);
