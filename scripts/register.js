/*
 * Loader for the offline plan, the snapshots, the bench and the tests
 * (`node -r ./scripts/register.js scripts/plan.ts`, and mocha's `require`). It exists for speed:
 * the plan must stay well under 3 s (`npm run bench`).
 *
 * 1. TypeScript is transpiled only (type-checking is `npm run typecheck`, part of `npm test`),
 *    with tsconfig.json's compiler options, and each file's output is cached on disk under
 *    node_modules/.cache/platform-ts, keyed by the file's path and content, the TypeScript version
 *    and the options: an unchanged file is never transpiled twice. Inline source maps keep stack
 *    traces pointing at the .ts lines. (The mock runtime also turns off stack capture while the
 *    program runs: see runProgram.)
 * 2. `@npmcli/arborist` and TypeScript (through @pulumi/pulumi's typescript-shim) load on first
 *    use: @pulumi/pulumi requires them eagerly for closure serialization, which this program
 *    never uses, at a cost of ~0.4 s and ~0.25 s per run.
 *
 * The Pulumi CLI does not use this file: it runs index.ts through ts-node (transpile-only, since
 * tsconfig.json sets "noCheck").
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const loadModule = Module._load;
/** Whether `parent` is a module of @pulumi/pulumi. */
const inPulumiSdk = (parent) => parent !== undefined && parent !== null && /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/.test(parent.filename ?? "");
Module._load = function (request, parent, isMain) {
    // TypeScript (~0.25 s to load), through @pulumi/pulumi's typescript-shim, which its closure
    // serializer and provider analyzer require eagerly: loaded on first use, i.e. never here.
    if (/(^|\/)typescript-shim$/.test(request) && inPulumiSdk(parent)) {
        let typescript;
        const real = () => (typescript ??= loadModule.call(this, request, parent, isMain));
        return new Proxy({}, { get: (_, property) => (property === "__esModule" ? false : real()[property]) });
    }
    if (request === "@npmcli/arborist") {
        let arborist;
        const real = () => (arborist ??= loadModule.call(this, request, parent, isMain));
        return new Proxy({}, { get: (_, property) => (property === "__esModule" ? true : real()[property]) });
    }
    return loadModule.apply(this, arguments);
};

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "platform-ts");

// 3. Node's module compile cache (Node.js 22.1+): V8's code for every module loaded, @pulumi/aws's
//    above all, reused from the second run on (lib/compile-cache.ts does the same for the Pulumi
//    CLI's runs, under the same directory).
Module.enableCompileCache?.(path.join(ROOT, "node_modules", ".cache", "node-compile"));

let transpiler;
/** TypeScript and the project's compiler options, loaded only when a file is not in the cache. */
function loadTranspiler() {
    if (!transpiler) {
        const ts = require("typescript");
        const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
                throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
            },
        });
        const options = { ...parsed.options, sourceMap: false, inlineSourceMap: true, inlineSources: true, declaration: false, noEmit: false };
        // Without an output directory the map names the source beside the file it runs as.
        delete options.outDir;
        delete options.rootDir;
        transpiler = { ts, options };
    }
    return transpiler;
}

/** What the cache key depends on besides the file: TypeScript's version and tsconfig.json. */
const SALT = (() => {
    const tsVersion = require("typescript/package.json").version;
    return `${tsVersion}\0${fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")}\0${fs.readFileSync(__filename, "utf8")}`;
})();

function transpile(source, filename) {
    const key = crypto.createHash("sha256").update(SALT).update("\0").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not cached yet.
    }
    const { ts, options } = loadTranspiler();
    const output = ts.transpileModule(source, { compilerOptions: options, fileName: filename, reportDiagnostics: false }).outputText;
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        // Write then rename: a concurrent run never reads half a file.
        const partial = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output);
        fs.renameSync(partial, cached);
    } catch {
        // A read-only tree still runs, only slower.
    }
    return output;
}

require.extensions[".ts"] = function (module, filename) {
    module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
process.setSourceMapsEnabled(true);
