/**
 * The shapes of the cost estimate (issue: what a stack costs a month, offline, from its plan).
 * The price table (prices-ap-northeast-2.json), the estimator (estimate.ts), the CLI
 * (`npm run cost`), the plan's `cost` object and the pull-request cost diff all use these.
 */

/** How far a price can be trusted: from AWS's Price List for the region, a real bill, a secondary table, a test fixture, a global price, or inferred from another region. */
export type Confidence = "price-list" | "bill" | "secondary" | "low" | "global" | "inferred";

/** One unit price of the table. `usd: null` is a price not found: listed as not priced, never counted as 0. */
export interface PriceRow {
    /** Stable id the estimator names it by, e.g. `fargate.x86.vcpu-hour`. */
    readonly id: string;
    /** What it prices, in words. */
    readonly item: string;
    readonly usd: number | null;
    /** `vCPU-hour`, `GB-hour`, `GB-month`, `hour`, `month`, `1M requests`… */
    readonly unit: string;
    readonly confidence: Confidence | "unknown";
    /** Where the figure comes from (a URL or a named document). */
    readonly source: string;
    /** When the source was read or published (YYYY-MM-DD, or YYYY-MM). */
    readonly sourceDate: string;
    readonly notes?: string;
}

export interface PriceTable {
    readonly region: string;
    /** The day the table was compiled (YYYY-MM-DD): the estimate states it. */
    readonly date: string;
    readonly currency: "USD";
    /** Hours in a month for hourly prices. */
    readonly hoursPerMonth: number;
    readonly rows: readonly PriceRow[];
}

/** One priced (or not) quantity of one resource. */
export interface CostLine {
    /** The resource's logical name and type (`alb-alb`, `aws:lb/loadBalancer:LoadBalancer`). */
    readonly resource: string;
    readonly type: string;
    /** The top-level component it belongs to (its ancestor just below the stack), for grouping. */
    readonly component: string;
    /** The price row used. */
    readonly priceId: string;
    /** null: not priced (the row has no price); the line is listed, not counted. */
    readonly unitPriceUsd: number | null;
    readonly quantity: number;
    readonly unit: string;
    /** How the quantity was reached: `730 h`, `2 × 0.25 vCPU × 508 h/month office hours`, `20 GB gp3`. */
    readonly basis: string;
    /** unitPriceUsd × quantity, rounded to cents; null when not priced. */
    readonly monthlyUsd: number | null;
    /** The quantity comes from an assumption (`cost.assumptions.<key>`), not from the stack's resources. */
    readonly assumption?: string;
}

export interface CostDriver {
    readonly component: string;
    readonly monthlyUsd: number;
    /** Config keys that would lower it, with what each does. */
    readonly levers: readonly string[];
}

export interface CostEstimate {
    readonly stack: string;
    readonly region: string;
    readonly currency: "USD";
    /** The price table's date. */
    readonly tableDate: string;
    /** Sum of the priced lines, rounded to cents. */
    readonly monthlyUsd: number;
    readonly lines: readonly CostLine[];
    /** Lines whose price is unknown (also in `lines`): what the total leaves out. */
    readonly notPriced: readonly CostLine[];
    /** The assumptions used, resolved (defaults filled). */
    readonly assumptions: Readonly<Record<string, number>>;
    /** `cost.monthlyBudgetUsd`, and whether the estimate exceeds it, with the three largest drivers. */
    readonly budget?: { readonly monthlyUsd: number; readonly over: boolean; readonly drivers: readonly CostDriver[] };
}
