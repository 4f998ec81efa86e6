/**
 * Config tables from the schema: `npm run docs [-- --check]`.
 *
 * Writes each block's config table (tooling/docs.ts) into its README.md, and the core keys' table
 * into the root README.md, between the `config:begin`/`config:end` markers. --check writes nothing
 * and lists the READMEs whose tables are out of date. Exit codes: 0 written / current; 1 (--check)
 * out of date; 2 a README without markers, or any failure.
 */
import * as fs from "fs";
import * as path from "path";
import { blockReadme, blockTable, coreTable, withTable } from "../tooling/docs";
import { PROJECT_ROOT } from "../tooling/stack-file";
import { BLOCKS } from "../stacks/registry";

function main(): number {
    const check = process.argv.includes("--check");
    const targets = [
        { file: path.join(PROJECT_ROOT, "README.md"), table: coreTable() },
        ...BLOCKS.map((block) => ({ file: blockReadme(block), table: blockTable(block) })),
    ];
    let stale = 0;
    for (const { file, table } of targets) {
        const relative = path.relative(PROJECT_ROOT, file);
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        const updated = withTable(text, table);
        if (updated === undefined) {
            process.stderr.write(`${relative} has no config table markers\n`);
            return 2;
        }
        if (updated !== text) {
            stale++;
            if (check) {
                process.stderr.write(`${relative}: its config table is out of date; run \`npm run docs\`\n`);
            } else {
                fs.writeFileSync(file, updated);
                process.stdout.write(`wrote     ${relative}\n`);
            }
        }
    }
    return check && stale > 0 ? 1 : 0;
}

process.exit(main());
