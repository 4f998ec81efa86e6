/**
 * A temporary copy of a directory's stack files (`Pulumi.yaml` and every `Pulumi.<stack>.yaml`),
 * edited exactly as `pulumi config set --path` edits a stack file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import { PROJECT_ROOT, stackFileProblem } from "../../tooling/stack-file";

/** What `pulumi config set` stores for a value typed on the command line: integers as numbers, true/false as booleans, the rest as strings. */
export function cliValue(value: string): string | number | boolean {
    return /^-?\d+$/.test(value) ? Number(value) : value === "true" ? true : value === "false" ? false : value;
}

/** The YAML path under `config:` of a `--path` key: `platform:services.a.connectsTo[2]` → ["platform:services", "a", "connectsTo", 2]. */
export function configPath(key: string): Array<string | number> {
    return key
        .split(".")
        .flatMap((part) => part.split(/\[(\d+)\]/).filter((s) => s !== ""))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export class StackCopy {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-edit-"));

    /** Copies the stack files of `root` (the project root by default). */
    constructor(root: string = PROJECT_ROOT) {
        for (const file of fs.readdirSync(root).filter((f) => /^Pulumi\.(.+\.)?yaml$/.test(f) && !f.startsWith("Pulumi.tmp-"))) {
            fs.copyFileSync(path.join(root, file), path.join(this.dir, file));
        }
    }

    /** Whether the copy has the stack file and it reads (a broken one is reported by one test only). */
    has(stack: string): boolean {
        return fs.existsSync(this.file(stack)) && stackFileProblem(stack, this.dir) === undefined;
    }

    file(stack: string): string {
        return path.join(this.dir, `Pulumi.${stack}.yaml`);
    }

    /** The stack file's YAML document. */
    document(stack: string): Document {
        return parseDocument(fs.readFileSync(this.file(stack), "utf8"));
    }

    /** `pulumi config set --path '<key>' <value>` (a key without a namespace gets `platform:`). */
    set(stack: string, key: string, value: string): void {
        const doc = this.document(stack);
        const [namespaced, ...rest] = configPath(key.includes(":") ? key : `platform:${key}`);
        doc.setIn(["config", namespaced, ...rest], cliValue(value));
        fs.writeFileSync(this.file(stack), doc.toString());
    }

    /** Whether `key` (a --path key) holds a value in the stack file. */
    holds(stack: string, key: string): boolean {
        return this.has(stack) && this.document(stack).hasIn(["config", ...configPath(key)]);
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
