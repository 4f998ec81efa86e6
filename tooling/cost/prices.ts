/**
 * The Seoul price table (prices-ap-northeast-2.json), read once at module load and validated.
 * `price(id)` returns one row; an id that is not in the table throws. A row with `usd: null` is a
 * price not found: the estimator lists it as not priced, never as 0. README.md tells how to
 * refresh a row.
 */
import * as fs from "fs";
import * as path from "path";
import type { Confidence, PriceRow, PriceTable } from "./types";

/** The file the table is read from. */
export const PRICES_FILE = path.join(__dirname, "prices-ap-northeast-2.json");

const CONFIDENCES: readonly (Confidence | "unknown")[] = ["price-list", "bill", "secondary", "low", "global", "inferred", "unknown"];
/** Dotted lowercase segments of letters, digits and hyphens: `fargate.x86.vcpu-hour`. */
const ID = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;
const DAY = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** True for `YYYY-MM-DD` (a real calendar day) or, when `monthAllowed`, `YYYY-MM`. */
function wellFormedDate(value: unknown, monthAllowed: boolean): boolean {
    if (typeof value !== "string") return false;
    const m = DAY.exec(value);
    if (!m) return false;
    const month = Number(m[2]);
    if (month < 1 || month > 12) return false;
    if (m[3] === undefined) return monthAllowed;
    const day = Number(m[3]);
    return day >= 1 && day <= new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
}

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/** Every problem of a table, one line each (empty when it is well formed). */
export function validatePriceTable(table: PriceTable): string[] {
    const problems: string[] = [];
    if (!nonEmpty(table.region)) problems.push("region must be a non-empty string");
    if (!wellFormedDate(table.date, false)) problems.push(`date ${JSON.stringify(table.date)} must be YYYY-MM-DD`);
    if (table.currency !== "USD") problems.push(`currency ${JSON.stringify(table.currency)} must be "USD"`);
    if (typeof table.hoursPerMonth !== "number" || !(table.hoursPerMonth > 0)) problems.push(`hoursPerMonth ${JSON.stringify(table.hoursPerMonth)} must be a positive number`);
    if (!Array.isArray(table.rows) || table.rows.length === 0) {
        problems.push("rows must be a non-empty array");
        return problems;
    }
    const seen = new Set<string>();
    table.rows.forEach((row, index) => {
        const at = `rows[${index}]${typeof row?.id === "string" ? ` (${row.id})` : ""}`;
        if (typeof row !== "object" || row === null) {
            problems.push(`${at}: must be an object`);
            return;
        }
        if (typeof row.id !== "string" || !ID.test(row.id)) problems.push(`${at}: id ${JSON.stringify(row.id)} must be dotted lowercase (e.g. fargate.x86.vcpu-hour)`);
        else if (seen.has(row.id)) problems.push(`${at}: id "${row.id}" appears more than once`);
        else seen.add(row.id);
        if (!nonEmpty(row.item)) problems.push(`${at}: item must be a non-empty string`);
        if (row.usd !== null && (typeof row.usd !== "number" || !Number.isFinite(row.usd) || row.usd < 0)) problems.push(`${at}: usd ${JSON.stringify(row.usd)} must be a number >= 0 or null`);
        if (!nonEmpty(row.unit)) problems.push(`${at}: unit must be a non-empty string`);
        if (!CONFIDENCES.includes(row.confidence)) problems.push(`${at}: confidence ${JSON.stringify(row.confidence)} must be one of ${CONFIDENCES.join(", ")}`);
        else if ((row.confidence === "unknown") !== (row.usd === null)) problems.push(`${at}: usd must be null exactly when confidence is "unknown" (usd ${JSON.stringify(row.usd)}, confidence "${row.confidence}")`);
        if (!nonEmpty(row.source)) problems.push(`${at}: source must be a non-empty string`);
        if (!wellFormedDate(row.sourceDate, true)) problems.push(`${at}: sourceDate ${JSON.stringify(row.sourceDate)} must be YYYY-MM-DD or YYYY-MM`);
        if (row.notes !== undefined && !nonEmpty(row.notes)) problems.push(`${at}: notes, when present, must be a non-empty string`);
    });
    return problems;
}

/** Reads and validates a table file; throws with every problem listed. */
export function loadPriceTable(file: string = PRICES_FILE): PriceTable {
    const table = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
    const problems = validatePriceTable(table);
    if (problems.length > 0) throw new Error(`${path.basename(file)} is not a valid price table:\n  ${problems.join("\n  ")}`);
    return table;
}

/** The Seoul price table. */
export const PRICES: PriceTable = loadPriceTable();

const BY_ID: ReadonlyMap<string, PriceRow> = new Map(PRICES.rows.map((row) => [row.id, row]));

/** True when the table has a row `id` (priced or not). */
export function hasPrice(id: string): boolean {
    return BY_ID.has(id);
}

/** The row `id`; throws when the table has no such row. `usd` may be null: not priced. */
export function price(id: string): PriceRow {
    const row = BY_ID.get(id);
    if (row === undefined) throw new Error(`no price "${id}" in the ${PRICES.region} price table (${path.basename(PRICES_FILE)}, ${PRICES.date}); add a row (tooling/cost/README.md) or use one of its ${BY_ID.size} ids`);
    return row;
}
