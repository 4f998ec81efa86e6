/**
 * Reads a stack file the way the Pulumi CLI presents its config to a program: every key as
 * `<namespace>:<key>` (a bare key takes the project's name as namespace), structured values as
 * JSON, project-level values and defaults from Pulumi.yaml, and required project keys enforced.
 * Without the passphrase or KMS key, a `secure:` value becomes a visible placeholder.
 *
 * The offline plan reads the stack it plans this way (tooling/stack-file.ts); the program reads
 * the project's other stack files this way to find a copy that would collide with it
 * (stacks/claims.ts). No Pulumi runtime needed.
 */
import * as fs from "fs";
import * as path from "path";
import { YAMLError, parseDocument } from "yaml";

let directory: string | undefined;

/**
 * The project directory: where Pulumi.yaml and the stack files are. The Pulumi CLI runs the
 * program there; the offline plan names it (`useProjectDirectory`) when it plans another directory.
 */
export function projectDirectory(): string {
    return directory ?? process.cwd();
}

/** Sets the project directory for the next program run (the offline plan's `--dir`). */
export function useProjectDirectory(dir: string | undefined): void {
    directory = dir;
}

/** What a `secure:` value reads as without its key (the offline plan shows it as such). */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** `<namespace>:<key>` → value as the CLI passes it (strings; JSON for objects and arrays). */
    readonly config: Readonly<Record<string, string>>;
    /** Keys holding a `secure:` value (replaced by a placeholder). */
    readonly secretKeys: readonly string[];
}

/** A stack file that cannot be read, or that the Pulumi CLI itself would refuse. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

interface ProjectConfigDeclaration {
    type?: "string" | "integer" | "boolean" | "array";
    default?: unknown;
    value?: unknown;
    description?: string;
    secret?: boolean;
}

function readYaml(file: string): Record<string, unknown> {
    if (!fs.existsSync(file)) {
        throw new StackFileError(`${path.basename(file)} not found in ${path.dirname(file)}`);
    }
    const text = fs.readFileSync(file, "utf8");
    const parsed = parseDocument(text, { prettyErrors: true });
    if (parsed.errors.length > 0) {
        throw new StackFileError(yamlProblem(path.basename(file), text, parsed.errors));
    }
    const document: unknown = parsed.toJS();
    if (document === null || typeof document !== "object" || Array.isArray(document)) {
        throw new StackFileError(`${path.basename(file)} is not a YAML mapping`);
    }
    return document as Record<string, unknown>;
}

/** What to look at, by the yaml parser's error code. */
const YAML_HINTS: Readonly<Record<string, string>> = {
    BAD_INDENT: "check the indentation here and on the line above: the keys of one mapping start in the same column",
    BLOCK_AS_IMPLICIT_KEY: "check the indentation here and on the line above: the keys of one mapping start in the same column",
    MULTILINE_IMPLICIT_KEY: "check the indentation here and on the line above: the keys of one mapping start in the same column",
    DUPLICATE_KEY: "a key appears once per mapping; keep one of the two",
};

/**
 * A YAML syntax error as `<file>:<line>:<column>: <what>`, then the offending line (and the one
 * above it, where an indentation mistake often is) with a caret under the column. Only the first
 * error: the parser's later ones follow from it. No JavaScript stack: the mistake is in the file.
 */
function yamlProblem(file: string, text: string, errors: readonly YAMLError[]): string {
    const [error] = errors;
    const reason = error.message.split(/ at line \d+, column \d+/)[0];
    const hint = YAML_HINTS[error.code];
    const more = errors.length > 1 ? `\n  (${errors.length - 1} more YAML error${errors.length > 2 ? "s" : ""} after this one may follow from it; fix this one first)` : "";
    const position = error.linePos?.[0];
    if (!position) {
        return `${file}: ${reason}${hint ? ` (${hint})` : ""}${more}`;
    }
    const lines = text.split(/\r?\n/);
    const width = String(position.line).length;
    const show = (n: number) => `  ${String(n).padStart(width)} | ${lines[n - 1] ?? ""}`;
    const context = position.line > 1 && hint ? [show(position.line - 1)] : [];
    const caret = `  ${" ".repeat(width)}   ${" ".repeat(position.col - 1)}^`;
    return [`${file}:${position.line}:${position.col}: ${reason}${hint ? ` (${hint})` : ""}`, ...context, show(position.line), caret].join("\n") + more;
}

/** Whether `Pulumi.<stack>.yaml` in `root` reads (its YAML parses, it is a mapping); the problem otherwise. */
export function stackFileProblem(stack: string, root: string): string | undefined {
    try {
        readYaml(path.join(root, `Pulumi.${stack}.yaml`));
        return undefined;
    } catch (err) {
        if (err instanceof StackFileError) {
            return err.message;
        }
        throw err;
    }
}

function qualify(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces every `secure:` value, however deep, by the placeholder; reports whether it met one. */
function withoutSecrets(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) {
        return { value: SECRET_PLACEHOLDER, secret: true };
    }
    if (Array.isArray(value)) {
        const items = value.map(withoutSecrets);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value !== null && typeof value === "object") {
        let secret = false;
        const plain: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const inner = withoutSecrets(v);
            plain[k] = inner.value;
            secret = secret || inner.secret;
        }
        return { value: plain, secret };
    }
    return { value, secret: false };
}

/** The CLI passes strings as they are and everything else in its JSON form. */
function present(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function matchesType(value: unknown, type: ProjectConfigDeclaration["type"]): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value);
        default:
            return true;
    }
}

/** Reads Pulumi.yaml and Pulumi.<stack>.yaml from `root`. */
export function readStackConfig(stack: string, root: string): StackConfig {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new StackFileError(`"${stack}" is not a stack name (letters, digits, _ . - only)`);
    }
    const projectFile = readYaml(path.join(root, "Pulumi.yaml"));
    const project = String(projectFile.name);
    const stackFile = readYaml(path.join(root, `Pulumi.${stack}.yaml`));
    const stackValues = (stackFile.config ?? {}) as Record<string, unknown>;
    const declarations = (projectFile.config ?? {}) as Record<string, unknown>;

    const values = new Map<string, unknown>();
    for (const [key, declaration] of Object.entries(declarations)) {
        const isDeclaration = declaration !== null && typeof declaration === "object" && !Array.isArray(declaration);
        const decl = (isDeclaration ? declaration : { value: declaration }) as ProjectConfigDeclaration;
        const fromProject = decl.value ?? decl.default;
        if (fromProject !== undefined) {
            values.set(qualify(key, project), fromProject);
        }
    }
    for (const [key, value] of Object.entries(stackValues)) {
        values.set(qualify(key, project), value);
    }

    const problems: string[] = [];
    for (const [key, declaration] of Object.entries(declarations)) {
        if (declaration === null || typeof declaration !== "object" || Array.isArray(declaration)) {
            continue;
        }
        const decl = declaration as ProjectConfigDeclaration;
        const qualified = qualify(key, project);
        if (!values.has(qualified)) {
            if (decl.type !== undefined) {
                problems.push(`Stack '${stack}' is missing configuration value '${qualified}'`);
            }
        } else if (!isSecure(values.get(qualified)) && !matchesType(values.get(qualified), decl.type)) {
            problems.push(`Stack '${stack}' with configuration key '${qualified}' must be of type '${decl.type}'`);
        }
    }
    if (problems.length > 0) {
        throw new StackFileError(problems.join("\n"));
    }

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of values) {
        const plain = withoutSecrets(value);
        config[key] = present(plain.value);
        if (plain.secret) {
            secretKeys.push(key);
        }
    }
    return { project, stack, config, secretKeys };
}

/** Stack names that have a `Pulumi.<name>.yaml` in `root`. */
export function listStacks(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}
