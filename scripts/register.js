/*
 * Loader for the offline plan and the bench (`node -r ./scripts/register.js scripts/plan.ts`).
 * It exists for speed: the plan must stay well under 3 s (`npm run bench`).
 *
 * 1. ts-node in transpile-only mode: type-checking is `npm run typecheck`, part of `npm test`.
 *    (The mock runtime turns off stack capture while the program runs: see runProgram.)
 * 2. `@npmcli/arborist` loads on first use: @pulumi/pulumi requires it eagerly for closure
 *    serialization, which this program never uses, at a cost of ~0.4 s per run.
 */
const Module = require("module");

const loadModule = Module._load;
Module._load = function (request, parent, isMain) {
    if (request === "@npmcli/arborist") {
        let arborist;
        const real = () => (arborist ??= loadModule.call(this, request, parent, isMain));
        return new Proxy({}, { get: (_, property) => (property === "__esModule" ? true : real()[property]) });
    }
    return loadModule.apply(this, arguments);
};

require("ts-node").register({ transpileOnly: true });
