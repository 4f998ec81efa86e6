/**
 * The estimate as people read it: the table `npm run cost` prints (grouped by component, largest
 * first), the short summary at the end of the offline plan, and the budget warning both print on
 * stderr when the estimate is over `platform:cost.monthlyBudgetUsd`.
 */
import { formatNumber, formatUsd } from "./estimate";
import type { CostEstimate, CostLine } from "./types";

/** A quantity with up to six significant digits (`730`, `0.1`, `0.000030`). */
function formatQuantity(value: number): string {
    return value === 0 ? "0" : String(Number(value.toPrecision(6)));
}

/** `$0.059/hour`, or `not priced`. */
function unitPrice(line: CostLine): string {
    return line.unitPriceUsd === null ? "not priced" : `$${String(line.unitPriceUsd)}/${line.unit}`;
}

function sum(lines: readonly CostLine[]): number {
    return Math.round(lines.reduce((total, line) => total + (line.monthlyUsd ?? 0), 0) * 100) / 100;
}

/** Components with their lines, largest first (then by name). */
export function byComponent(estimate: CostEstimate): Array<{ component: string; monthlyUsd: number; lines: CostLine[] }> {
    const groups = new Map<string, CostLine[]>();
    for (const line of estimate.lines) {
        groups.set(line.component, [...(groups.get(line.component) ?? []), line]);
    }
    return [...groups]
        .map(([component, lines]) => ({ component, monthlyUsd: sum(lines), lines }))
        .sort((a, b) => b.monthlyUsd - a.monthlyUsd || (a.component < b.component ? -1 : 1));
}

/** The warning when the estimate is over the budget: the three largest components and their levers. Undefined when within. */
export function budgetWarning(estimate: CostEstimate): string | undefined {
    const budget = estimate.budget;
    if (budget === undefined || !budget.over) {
        return undefined;
    }
    return [
        `platform:cost.monthlyBudgetUsd: the estimate, ${formatUsd(estimate.monthlyUsd)} a month, is over the budget of ${formatUsd(budget.monthlyUsd)} by ${formatUsd(Math.round((estimate.monthlyUsd - budget.monthlyUsd) * 100) / 100)} (a warning: nothing stops). The three largest components and the keys that lower them:`,
        ...budget.drivers.map((driver) => `  ${driver.component} ${formatUsd(driver.monthlyUsd)}:\n${driver.levers.map((lever) => `    - ${lever}`).join("\n")}`),
    ].join("\n");
}

/** `Budget: …` in words. */
function budgetStatus(estimate: CostEstimate): string {
    const budget = estimate.budget;
    if (budget === undefined) {
        return "none set (platform:cost.monthlyBudgetUsd)";
    }
    const difference = formatUsd(Math.round(Math.abs(estimate.monthlyUsd - budget.monthlyUsd) * 100) / 100);
    return `${formatUsd(budget.monthlyUsd)} (platform:cost.monthlyBudgetUsd): ${budget.over ? `OVER by ${difference}` : `within, ${difference} to spare`}`;
}

/** The short summary the offline plan prints after its outputs. */
export function renderCostSummary(estimate: CostEstimate): string {
    const notPriced = estimate.notPriced.length;
    return [
        `Cost: ${formatUsd(estimate.monthlyUsd)} a month (${estimate.region} prices of ${estimate.tableDate}${notPriced > 0 ? `; ${notPriced} line${notPriced === 1 ? "" : "s"} not priced` : ""}); budget: ${budgetStatus(estimate)}.`,
        `    ${byComponent(estimate)
            .slice(0, 3)
            .map((group) => `${group.component} ${formatUsd(group.monthlyUsd)}`)
            .join(", ")}${byComponent(estimate).length > 3 ? ", …" : ""} — itemised by \`npm run cost -- --stack ${estimate.stack}\`.`,
    ].join("\n") + "\n";
}

/** The table `npm run cost` prints. */
export function renderCostText(estimate: CostEstimate): string {
    const out: string[] = [
        `Monthly cost of stack "${estimate.stack}" (${estimate.region}, ${estimate.currency}, on-demand prices of ${estimate.tableDate}; usage from assumptions; nothing deployed):`,
        "",
    ];
    const groups = byComponent(estimate);
    const nameWidth = Math.max(8, ...estimate.lines.map((line) => line.resource.length));
    const priceWidth = Math.max(10, ...estimate.lines.map((line) => unitPrice(line).length));
    const quantityWidth = Math.max(8, ...estimate.lines.map((line) => `${formatQuantity(line.quantity)} ${line.unit}`.length));
    const money = (value: number | null) => (value === null ? "—" : formatUsd(value)).padStart(11);
    out.push(`${"monthly".padStart(11)}    ${"resource".padEnd(nameWidth)}  ${"unit price".padEnd(priceWidth)}  ${"quantity".padEnd(quantityWidth)}  basis [price id]`);
    for (const group of groups) {
        out.push(`${money(group.monthlyUsd)}  ${group.component}`);
        const lines = [...group.lines].sort((a, b) => (b.monthlyUsd ?? -1) - (a.monthlyUsd ?? -1) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
        for (const line of lines) {
            out.push(`${money(line.monthlyUsd)}    ${line.resource.padEnd(nameWidth)}  ${unitPrice(line).padEnd(priceWidth)}  ${`${formatQuantity(line.quantity)} ${line.unit}`.padEnd(quantityWidth)}  ${line.basis} [${line.priceId}]`);
        }
    }
    out.push("", `Total: ${formatUsd(estimate.monthlyUsd)} a month (the priced lines).`);
    if (estimate.notPriced.length > 0) {
        out.push(`Not priced (the table has no price; not in the total, never counted as 0): ${estimate.notPriced.length} line${estimate.notPriced.length === 1 ? "" : "s"}`);
        for (const line of estimate.notPriced) {
            out.push(`    ${line.component} / ${line.resource}: ${formatQuantity(line.quantity)} ${line.unit} of ${line.priceId} (${line.basis})`);
        }
    }
    out.push(`Budget: ${budgetStatus(estimate)}.`);
    if (estimate.budget && estimate.budget.drivers.length > 0) {
        out.push(`Largest: ${estimate.budget.drivers.map((driver) => `${driver.component} ${formatUsd(driver.monthlyUsd)}`).join(", ")}.`);
    }
    out.push(
        `Assumptions (platform:cost.assumptions.<key>): ${Object.entries(estimate.assumptions)
            .map(([key, value]) => `${key} ${formatNumber(value)}`)
            .join(", ")}.`,
        `Prices: tooling/cost/prices-ap-northeast-2.json (${estimate.region}, compiled ${estimate.tableDate}).`,
    );
    return `${out.join("\n")}\n`;
}
