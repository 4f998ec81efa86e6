/**
 * Node's module compile cache (Node.js 22.1+), kept under node_modules/.cache/node-compile: the
 * V8 code of every module loaded (@pulumi/aws is most of a run's loading time) is reused from the
 * second run on. Imported first by index.ts, so `pulumi preview`/`up` gets it too; the offline
 * plan and the tests turn it on in scripts/register.js. Nothing happens on an older Node.js.
 */
import * as path from "path";
import * as nodeModule from "module";

const enable = (nodeModule as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache;
enable?.(path.join(__dirname, "..", "node_modules", ".cache", "node-compile"));
