/**
 * The Pulumi CLI's path: `pulumi preview`/`up` run index.ts through ts-node with the project's
 * TypeScript 5.x and tsconfig.json, transpile-only (tsconfig's `noCheck`), with the options
 * @pulumi/pulumi's runner merges in (cmd/run/run.js: target, module and moduleResolution nodenext,
 * then tsconfig's own options). `npm run typecheck` uses TypeScript 7, which ts-node cannot load:
 * this proves the 5.x compiler still accepts the config and transpiles every file the program
 * loads to CommonJS.
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../tooling/stack-file";

/** Files ts-node has transpiled as the runner does, by their content's key: kept between runs. */
const PROVEN_FILE = path.join(PROJECT_ROOT, "node_modules", ".cache", "platform-ts5-proven.json");

/** index.ts and every project file it imports, transitively. */
function programFiles(): string[] {
    const seen = new Set<string>();
    const visit = (file: string) => {
        if (seen.has(file)) {
            return;
        }
        seen.add(file);
        const source = fs.readFileSync(file, "utf8");
        // `import … from "./x"`, `export … from "./x"` and `import "./x"`, over several lines too.
        for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^"';]*?"(\.[^"]+)"/gm)) {
            visit(path.resolve(path.dirname(file), `${specifier}.ts`));
        }
    };
    visit(path.join(PROJECT_ROOT, "index.ts"));
    return [...seen];
}

describe("the Pulumi CLI's path: ts-node with TypeScript 5.x", () => {
    it("is TypeScript 5.x that ts-node and the runner load (the alias typescript-native is 7)", () => {
        expect((require("typescript") as { version: string }).version).to.match(/^5\./);
        expect((require("typescript-native/package.json") as { version: string }).version).to.match(/^7\./);
    });

    it("transpiles index.ts and every file it loads, with tsconfig.json as the runner merges it, to CommonJS", () => {
        const files = programFiles();
        expect(files.length).to.be.above(30);
        // A file already proven with this content, tsconfig and compiler is not compiled again
        // (node_modules/.cache, cleared with the other caches): a warm run loads no TypeScript 5.
        const tsconfigText = fs.readFileSync(path.join(PROJECT_ROOT, "tsconfig.json"), "utf8");
        const compilerVersion = (require("typescript/package.json") as { version: string }).version;
        const keyOf = (file: string) =>
            crypto.createHash("sha256").update(compilerVersion).update("\0").update(tsconfigText).update("\0").update(path.relative(PROJECT_ROOT, file)).update("\0").update(fs.readFileSync(file)).digest("hex");
        const proven = new Set<string>(fs.existsSync(PROVEN_FILE) ? (JSON.parse(fs.readFileSync(PROVEN_FILE, "utf8")) as string[]) : []);
        const pending = files.filter((file) => !proven.has(keyOf(file)));
        if (pending.length === 0) {
            return;
        }
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const tsNode = require("ts-node") as typeof import("ts-node");
        const tsconfig = path.join(PROJECT_ROOT, "tsconfig.json");
        const ts = require("typescript") as typeof import("typescript");
        const own = ts.parseConfigFileTextToJson(tsconfig, fs.readFileSync(tsconfig, "utf8")).config.compilerOptions;
        const service = tsNode.create({
            compiler: "typescript",
            transpileOnly: own.noCheck,
            project: tsconfig,
            compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...own },
        });
        expect(own.noCheck, "transpile-only, as `pulumi preview` runs it").to.equal(true);
        for (const file of pending) {
            const output = service.compile(fs.readFileSync(file, "utf8"), file);
            expect(output, path.relative(PROJECT_ROOT, file)).to.not.match(/^\s*(import|export)\s[^(]/m);
            if (file === files[0]) {
                expect(output).to.contain('require("./lib/compile-cache")');
            }
            proven.add(keyOf(file));
        }
        fs.mkdirSync(path.dirname(PROVEN_FILE), { recursive: true });
        fs.writeFileSync(PROVEN_FILE, JSON.stringify([...proven].sort()));
    });
});
