/**
 * Runs the README's command blocks as a user would paste them into a shell, against a copy of the
 * stack files, with the tools they call faked (tests/support/fake-cli/fake-cli.sh): what the
 * commands ask of the program is then checked for real.
 *
 * - `pulumi config set` edits the copy exactly as the CLI edits a stack file: with `--path`,
 *   integers as numbers, `true`/`false` as booleans, the rest as strings; without it, a string;
 *   `--type` and `--secret` as the CLI has them.
 * - `pulumi up` / `preview` (and `npm run plan -- --stack <s>`) validate the stack file as it is at
 *   that moment; after the block, every stack it changed is planned in full (the offline plan) and
 *   held to the baseline, and its outputs are what the next `pulumi stack output` prints.
 * - A name an `aws`, `docker`, `gh` or `pulumi import` command uses must exist in the plans: a
 *   cluster, a service, a scalable target, a secret, a repository, a role, a resource.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../../stacks/config";
import { ProgramRun } from "../../tooling/mock-runtime";
import { readableStacks, sharedStackRun } from "../../tooling/plan";
import { PROJECT_ROOT, readStackConfig } from "../../tooling/stack-file";
import { expectBaseline } from "./baseline";
import { RunView } from "./query";
import { StackCopy, configPath } from "./stack-copy";

const FAKE_CLI = path.join(__dirname, "fake-cli", "fake-cli.sh");
const FAKED_TOOLS = ["pulumi", "aws", "docker", "psql", "dig", "gh", "npm", "sleep", "kubectl"];
/** The mock runtime's account and region: the registry the README's docker commands push to. */
const REGISTRY = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com";

/** A fenced ```sh block of a markdown file: where it is and what it says. */
export interface ShellBlock {
    /** The `##` section and, inside it, the `###` subsection ("" when none). */
    readonly section: string;
    readonly subsection: string;
    /** 1-based line of the opening fence. */
    readonly line: number;
    readonly code: string;
}

/** Every ```sh block of `markdown`, indented ones (inside list items) included. */
export function shellBlocks(markdown: string): ShellBlock[] {
    const blocks: ShellBlock[] = [];
    const lines = markdown.split("\n");
    let section = "";
    let subsection = "";
    for (let i = 0; i < lines.length; i++) {
        const heading = /^(#{2,3}) (.+)$/.exec(lines[i]);
        if (heading) {
            if (heading[1] === "##") {
                section = heading[2];
                subsection = "";
            } else {
                subsection = heading[2];
            }
            continue;
        }
        const fence = /^(\s*)```sh\s*$/.exec(lines[i]);
        if (!fence) {
            continue;
        }
        const indent = fence[1].length;
        const body: string[] = [];
        let j = i + 1;
        for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) {
            body.push(lines[j].slice(Math.min(indent, lines[j].length - lines[j].trimStart().length)));
        }
        blocks.push({ section, subsection, line: i + 1, code: body.join("\n") + "\n" });
        i = j;
    }
    return blocks;
}

/** One call of a faked tool: the tool and its arguments. */
type Call = readonly string[];

/** The value of option `name` in `args` (`--name value` or `--name=value`). */
function option(args: readonly string[], ...names: string[]): string | undefined {
    for (let i = 0; i < args.length; i++) {
        for (const name of names) {
            if (args[i] === name) {
                return args[i + 1];
            }
            if (args[i].startsWith(`${name}=`)) {
                return args[i].slice(name.length + 1);
            }
        }
    }
    return undefined;
}

/** Options of `pulumi config set` that take a value. */
const VALUED = new Set(["--stack", "-s", "--type", "--config-file", "--cwd", "-C"]);

/** Positional arguments of a command (options and their values left out). */
function positionals(args: readonly string[]): string[] {
    const result: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (VALUED.has(args[i])) {
            i++;
        } else if (!args[i].startsWith("-")) {
            result.push(args[i]);
        }
    }
    return result;
}

/** A value as `pulumi config set` stores it. */
function configValue(value: string, args: readonly string[], withPath: boolean): unknown {
    if (args.includes("--secret")) {
        return { secure: "v1:ZmFrZS1jaXBoZXJ0ZXh0" };
    }
    switch (option(args, "--type")) {
        case "int":
            return Number.parseInt(value, 10);
        case "float":
            return Number.parseFloat(value);
        case "bool":
            return value === "true";
        case "string":
            return value;
    }
    if (!withPath) {
        return value; // "Top level entries are always treated as strings."
    }
    return /^-?\d+$/.test(value) ? Number(value) : value === "true" ? true : value === "false" ? false : value;
}

/**
 * A copy of the project's stack files, and the commands run on it, block after block (a section's
 * blocks share it: a later step sees what an earlier one did).
 */
export class ReadmeSession {
    private readonly copy = new StackCopy(PROJECT_ROOT);
    private readonly state = fs.mkdtempSync(path.join(os.tmpdir(), "readme-cli-"));
    private readonly bin = path.join(this.state, "bin");
    private readonly plans = new Map<string, ProgramRun>();
    /** The stack file each plan was made of: an `up` of an unchanged file needs no new plan. */
    private readonly planned = new Map<string, string>();
    private selected: string | undefined;
    private seen = 0;

    private constructor() {
        fs.mkdirSync(this.bin);
        fs.mkdirSync(path.join(this.state, "outputs"));
        for (const tool of FAKED_TOOLS) {
            fs.symlinkSync(FAKE_CLI, path.join(this.bin, tool));
        }
        fs.writeFileSync(path.join(this.state, "calls"), "");
    }

    /** A session on a fresh copy, the live stacks' plans (and outputs) as they are. */
    static async start(): Promise<ReadmeSession> {
        const session = new ReadmeSession();
        for (const stack of readableStacks()) {
            session.remember(stack, await sharedStackRun(stack));
        }
        return session;
    }

    remove(): void {
        this.copy.remove();
        fs.rmSync(this.state, { recursive: true, force: true });
    }

    /** Runs `block` in bash (-e, pipefail) in the copy, then replays and checks what it did. */
    async run(block: ShellBlock): Promise<void> {
        const where = `README.md:${block.line} (${block.section}${block.subsection ? ` › ${block.subsection}` : ""})`;
        const result = spawnSync("bash", ["-e", "-o", "pipefail", "-c", block.code], {
            cwd: this.copy.dir,
            encoding: "utf8",
            env: { ...process.env, PATH: `${this.bin}:${process.env.PATH}`, FAKE_CLI_STATE: this.state },
        });
        expect(result.status, `${where} exited ${result.status}:\n${result.stderr}`).to.equal(0);
        const calls = fs
            .readFileSync(path.join(this.state, "calls"), "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => line.split("\t"));
        const fresh = calls.slice(this.seen);
        this.seen = calls.length;
        await this.replay(fresh, where);
    }

    private readonly views = new Map<string, RunView>();

    /** The plan of `stack` as the copy stands (after the last block). */
    plan(stack: string): RunView {
        const run = this.plans.get(stack);
        expect(run, `no plan of ${stack}`).to.not.equal(undefined);
        let view = this.views.get(stack);
        if (!view) {
            view = new RunView(run!);
            this.views.set(stack, view);
        }
        return view;
    }

    /** Every stack's plan. */
    private allViews(): RunView[] {
        return [...this.plans.keys()].map((stack) => this.plan(stack));
    }

    /** The stack file of the copy, as YAML text. */
    stackFile(stack: string): string {
        return fs.readFileSync(this.copy.file(stack), "utf8");
    }

    private remember(stack: string, run: ProgramRun): void {
        this.plans.set(stack, run);
        this.views.delete(stack);
        this.planned.set(stack, fs.existsSync(this.copy.file(stack)) ? this.stackFile(stack) : "");
        // What `pulumi stack output [<name>] [--json]` prints, ready for the fake to `cat`.
        const outputs = path.join(this.state, "outputs", stack);
        fs.rmSync(outputs, { recursive: true, force: true });
        fs.mkdirSync(outputs);
        fs.writeFileSync(`${outputs}.json`, `${JSON.stringify(run.outputs, null, 4)}\n`);
        for (const [name, value] of Object.entries(run.outputs as Record<string, unknown>)) {
            fs.writeFileSync(path.join(outputs, `${name}.json`), `${JSON.stringify(value, null, 4)}\n`);
            fs.writeFileSync(path.join(outputs, `${name}.text`), `${typeof value === "string" ? value : JSON.stringify(value)}\n`);
        }
    }

    private stackOf(args: readonly string[], where: string): string {
        const stack = option(args, "--stack", "-s") ?? this.selected;
        expect(stack, `${where}: pulumi ${args.join(" ")}: no stack selected`).to.be.a("string");
        return stack!;
    }

    private async replay(calls: readonly Call[], where: string): Promise<void> {
        const changed = new Set<string>();
        const checks: Array<() => void> = [];
        let execService: string | undefined;
        for (const [tool, ...args] of calls) {
            const command = `${tool} ${args.join(" ")}`;
            if (tool === "pulumi") {
                const [verb, sub] = args;
                if (verb === "stack" && (sub === "init" || sub === "select")) {
                    this.selected = args[2];
                } else if (verb === "config" && sub === "set") {
                    const stack = this.stackOf(args, where);
                    const [key, value] = positionals(args.slice(2));
                    expect(value, `${where}: ${command}: the value is missing (the CLI would prompt)`).to.be.a("string");
                    this.configSet(stack, key, value, args);
                    changed.add(stack);
                } else if (verb === "config" && sub === "rm") {
                    const stack = this.stackOf(args, where);
                    const [key] = positionals(args.slice(2));
                    const qualified = key.includes(":") ? key : `platform:${key}`;
                    const document = this.copy.document(stack);
                    expect(document.deleteIn(["config", ...(args.includes("--path") ? configPath(qualified) : [qualified])]), `${where}: ${command}: no such key`).to.equal(true);
                    fs.writeFileSync(this.copy.file(stack), document.toString());
                    changed.add(stack);
                } else if (verb === "up" || verb === "preview") {
                    this.validate(this.stackOf(args, where), `${where}: ${command}`);
                    changed.add(this.stackOf(args, where));
                } else if (verb === "import") {
                    const stack = this.stackOf(args, where);
                    const [type, name] = positionals(args.slice(1));
                    checks.push(() => expect(this.plan(stack).ofType(type).map((r) => r.name), `${where}: ${command}`).to.include(name));
                }
            } else if (tool === "npm" && args[0] === "run" && positionals(args.slice(1))[0] === "plan") {
                const stack = option(args, "--stack", "-s");
                expect(stack, `${where}: ${command}`).to.be.a("string");
                this.validate(stack!, `${where}: ${command}`);
                changed.add(stack!);
            } else if (tool === "aws") {
                execService = option(args, "--service-name") ?? execService;
                checks.push(() => this.checkAwsNames(args, `${where}: ${command}`, execService));
            } else if (tool === "kubectl") {
                checks.push(() => this.checkKubernetesNames(args, `${where}: ${command}`));
            } else if (tool === "docker" && args[0] === "push") {
                checks.push(() => this.checkImage(args[1], `${where}: ${command}`));
            } else if (tool === "gh" && args[0] === "variable" && args[1] === "set") {
                checks.push(() => expect(option(args, "--body"), `${where}: ${command}`).to.match(/^arn:aws:iam::\d{12}:role\/\S+$/));
            }
        }
        for (const stack of [...changed].filter((s) => this.planned.get(s) !== this.stackFile(s))) {
            // Shared: a stack file back to what it was (Exec on, then off) is a run already made.
            const run = await sharedStackRun(stack, this.copy.dir);
            const { config } = readStackConfig(stack, this.copy.dir);
            expectBaseline(run, { project: config["platform:name"], env: config["platform:envName"] ?? config["platform:env"], name: stack });
            this.remember(stack, run);
        }
        checks.forEach((check) => check());
    }

    /** `pulumi config set`, as the CLI edits the stack file. */
    private configSet(stack: string, key: string, value: string, args: readonly string[]): void {
        if (!fs.existsSync(this.copy.file(stack))) {
            fs.writeFileSync(this.copy.file(stack), "config: {}\n");
        }
        const qualified = key.includes(":") ? key : `platform:${key}`;
        const withPath = args.includes("--path");
        const document = this.copy.document(stack);
        const keyPath = withPath ? configPath(qualified) : [qualified];
        document.setIn(["config", ...keyPath], configValue(value, args, withPath));
        fs.writeFileSync(this.copy.file(stack), document.toString());
    }

    /** The stack file validates as it is now (what `pulumi preview` would check first). */
    private validate(stack: string, where: string): void {
        const { config } = readStackConfig(stack, this.copy.dir);
        try {
            parseStackConfig(config, stack);
        } catch (err) {
            throw new Error(`${where}:\n${(err as Error).message}`);
        }
    }

    /** Every name an AWS CLI call uses exists in the plans. */
    private checkAwsNames(args: readonly string[], where: string, execService: string | undefined): void {
        const views = this.allViews();
        const named = (type: string) => views.flatMap((view) => view.ofType(type).map((r) => String(r.inputs.name)));
        const clusters = named("aws:ecs/cluster:Cluster");
        const services = named("aws:ecs/service:Service");
        const cluster = option(args, "--cluster");
        if (cluster !== undefined) {
            expect(clusters, `${where}: --cluster`).to.include(cluster);
        }
        for (const service of [option(args, "--service"), option(args, "--service-name")].filter((s): s is string => s !== undefined)) {
            expect(services, `${where}: the ECS service`).to.include(service);
        }
        const resourceId = option(args, "--resource-id");
        if (resourceId !== undefined) {
            const [, clusterName, serviceName] = resourceId.split("/");
            expect(clusters, `${where}: --resource-id's cluster`).to.include(clusterName);
            expect(services, `${where}: --resource-id's service`).to.include(serviceName);
        }
        const functionName = option(args, "--function-name");
        if (functionName !== undefined) {
            expect(named("aws:lambda/function:Function"), `${where}: --function-name`).to.include(functionName);
        }
        const secret = option(args, "--secret-id");
        if (secret !== undefined) {
            const everything = JSON.stringify([...this.plans.values()].map((run) => [run.outputs, run.resources.map((r) => r.id)]));
            expect(everything.includes(JSON.stringify(secret).slice(1, -1)), `${where}: --secret-id ${secret} is no secret of the plans`).to.equal(true);
        }
        if (args[0] === "ssm" && args[1] === "put-parameter") {
            // Only a parameter the program created, with its key: a typo would create a stray one.
            expect(named("aws:ssm/parameter:Parameter"), `${where}: --name`).to.include(option(args, "--name"));
            const keyId = option(args, "--key-id");
            if (keyId !== undefined) {
                expect(named("aws:kms/alias:Alias"), `${where}: --key-id`).to.include(keyId);
            }
        }
        if (args[0] === "ssm" && args[1] === "start-session") {
            // ECS Exec reaches a task only when its service has it on.
            expect(execService, `${where}: no service's task to open a session in`).to.be.a("string");
            const service = views.flatMap((view) => view.ofType("aws:ecs/service:Service")).find((s) => s.inputs.name === execService);
            expect(service?.inputs.enableExecuteCommand, `${where}: ${execService} has ECS Exec off`).to.equal(true);
        }
    }

    /**
     * A kubectl command's namespace (`-n`) is one the plans create (a Namespace, or a Helm
     * release's), and a service it forwards to (`svc/<name>`) one the plans or their charts name.
     */
    private checkKubernetesNames(args: readonly string[], where: string): void {
        const views = this.allViews();
        const namespaces = new Set(
            views.flatMap((view) => [
                ...view.ofType("kubernetes:core/v1:Namespace").map((n) => String((n.inputs.metadata as { name: string }).name)),
                ...view.ofType("kubernetes:helm.sh/v3:Release").map((r) => String(r.inputs.namespace)),
            ]),
        );
        const namespace = option(args, "-n") ?? option(args, "--namespace");
        expect(namespace, `${where}: kubectl without -n <namespace>`).to.be.a("string");
        expect([...namespaces], `${where}: -n`).to.include(namespace);
        const service = args.find((arg) => arg.startsWith("svc/"))?.slice("svc/".length);
        if (service !== undefined) {
            const outputs = JSON.stringify(views.map((view) => view.run.outputs));
            expect(outputs.includes(`svc/${service} `) || outputs.includes(`//${service}.${namespace}:`), `${where}: svc/${service} is no service the plans name in ${namespace}`).to.equal(true);
        }
    }

    /** A pushed image goes to a repository of the account stack, in the account's registry. */
    private checkImage(image: string, where: string): void {
        const match = /^([^/]+)\/([^:]+):(.+)$/.exec(image);
        expect(match, `${where}: ${image} is not <registry>/<repository>:<tag>`).to.not.equal(null);
        expect(match![1], where).to.equal(REGISTRY);
        const repositories = this.allViews().flatMap((view) => view.ofType("aws:ecr/repository:Repository").map((r) => String(r.inputs.name)));
        expect(repositories, `${where}: the repository`).to.include(match![2]);
    }
}
