/**
 * The monthly cost of a stack, from its offline plan: each resource's type and inputs priced with
 * the price table (tooling/cost/prices-ap-northeast-2.json), grouped by the top-level component it
 * belongs to. Usage the plan cannot tell (requests, data, storage) comes from
 * `platform:cost.assumptions` (components/observability/cost/assumptions.ts, each line naming the
 * one it used). A price the table does not have, or has as unknown, makes a line "not priced"
 * (`unitPriceUsd: null`): listed, never counted as 0. Pure and fast (a few milliseconds): the
 * offline plan runs it on every plan.
 */
import { ASSUMPTIONS, AssumptionKey, Assumptions, DEFAULT_ASSUMPTIONS } from "../../components/observability/cost/assumptions";
import type { Env } from "../../lib/naming";
import type { CostDriver, CostEstimate, CostLine, PriceRow, PriceTable } from "./types";

/** What the estimate reads of a resource: a plan's resource or a mock-runtime run's. */
export interface CostResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly id?: string | null;
    readonly inputs: Readonly<Record<string, unknown>>;
}

/** A plan (tooling/plan.ts) or a run (tooling/mock-runtime.ts). */
export interface CostRun {
    readonly stack: string;
    readonly resources: readonly CostResource[];
}

/** The stack's `platform:cost` (resolved) and env, as tooling/cost/settings.ts reads them. */
export interface CostSettings {
    /** `platform:env`: the levers say which apply to dev only. */
    readonly env?: Env;
    readonly monthlyBudgetUsd?: number;
    /** Missing keys take their defaults. */
    readonly assumptions?: Partial<Assumptions>;
}

/** The component of resources registered directly under the stack (providers). */
export const STACK_COMPONENT = "(stack)";

const STACK_TYPE = "pulumi:pulumi:Stack";

type Inputs = Readonly<Record<string, unknown>>;

function record(value: unknown): Inputs {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Inputs) : {};
}

function list(value: unknown): readonly unknown[] {
    return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** A number input: numbers, and numbers the provider takes as strings (a task's `"256"`). */
function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) {
        return value;
    }
    if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) {
        return Number(value);
    }
    return undefined;
}

function cents(value: number): number {
    return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** A quantity without floating-point noise. */
function exact(value: number): number {
    return Math.round(value * 1e6) / 1e6;
}

/** `0.25`, `2`, `260.71`: at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
    return String(Math.round(value * 100) / 100);
}

/** `$1,234.56`. */
export function formatUsd(value: number): string {
    return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A Kubernetes quantity of storage (`50Gi`, `10G`) in GiB, which EBS bills as GB. */
function gibibytes(quantity: unknown): number | undefined {
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(quantity ?? "").trim());
    if (!match) {
        return undefined;
    }
    const factor: Record<string, number> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024, K: 1e3 / 1024 ** 3, M: 1e6 / 1024 ** 3, G: 1e9 / 1024 ** 3, T: 1e12 / 1024 ** 3 };
    return Number(match[1]) * (match[2] ? factor[match[2]] : 1 / 1024 ** 3);
}

// ---------------------------------------------------------------------------------------------
// Office hours: Application Auto Scaling scheduled actions (components/compute/services/schedule.ts).
// ---------------------------------------------------------------------------------------------

const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** How many weekdays `MON-FRI`, `MON,WED,FRI`, `SAT-SUN` names; undefined when it is not such a list. */
export function daysPerWeek(days: string): number | undefined {
    const chosen = new Set<number>();
    for (const part of days.split(",")) {
        const [from, to] = part.split("-").map((day) => WEEKDAYS.indexOf(day.trim().toUpperCase()));
        if (from < 0 || (to !== undefined && to < 0)) {
            return undefined;
        }
        const last = to ?? from;
        for (let day = from; ; day = (day + 1) % 7) {
            chosen.add(day);
            if (day === last) {
                break;
            }
        }
    }
    return chosen.size;
}

const SCALING_CRON = /^cron\((\d{1,2}) (\d{1,2}) \? \* (\S+) \*\)$/;

interface OfficeHours {
    readonly hoursPerMonth: number;
    readonly basis: string;
}

/** The monthly hours between a start action and a stop action of one service (`cron(0 8 ? * MON-FRI *)`, `cron(0 20 ? * MON-FRI *)`). */
export function officeHours(start: string, stop: string, timezone: string | undefined, hoursPerMonth: number): OfficeHours | undefined {
    const a = SCALING_CRON.exec(start);
    const b = SCALING_CRON.exec(stop);
    if (!a || !b || a[3] !== b[3]) {
        return undefined;
    }
    const minutes = Number(b[2]) * 60 + Number(b[1]) - (Number(a[2]) * 60 + Number(a[1]));
    const days = daysPerWeek(a[3]);
    if (minutes <= 0 || days === undefined) {
        return undefined;
    }
    const hours = exact(((minutes / 60) * days * hoursPerMonth) / (24 * 7));
    const clock = (m: RegExpExecArray) => `${m[2].padStart(2, "0")}:${m[1].padStart(2, "0")}`;
    return { hoursPerMonth: hours, basis: `${formatNumber(hours)} h/month office hours (${a[3]} ${clock(a)}–${clock(b)}${timezone ? ` ${timezone}` : ""})` };
}

/** Invocations a month of an EventBridge Scheduler expression (`rate(5 minutes)`, `cron(0 0 * * ? *)`); undefined when not worked out. */
export function invocationsPerMonth(expression: string, hoursPerMonth: number): number | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
    if (rate) {
        const minutes = Number(rate[1]) * (rate[2].startsWith("minute") ? 1 : rate[2].startsWith("hour") ? 60 : 1440);
        return (hoursPerMonth * 60) / minutes;
    }
    const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression.trim());
    if (!cron) {
        return /^at\(/.test(expression.trim()) ? 0 : undefined;
    }
    const [, minute, hour, dayOfMonth, month, dayOfWeek] = cron;
    const count = (field: string) => (/^\d+(,\d+)*$/.test(field) ? field.split(",").length : undefined);
    const perDay = (count(minute) ?? NaN) * (count(hour) ?? NaN);
    if (!Number.isFinite(perDay) || month !== "*") {
        return undefined;
    }
    const daysInMonth = hoursPerMonth / 24;
    if ((dayOfMonth === "*" || dayOfMonth === "?") && (dayOfWeek === "*" || dayOfWeek === "?")) {
        return perDay * daysInMonth;
    }
    const weekly = dayOfMonth === "?" ? daysPerWeek(dayOfWeek) : undefined;
    return weekly === undefined ? undefined : (perDay * weekly * daysInMonth) / 7;
}

// ---------------------------------------------------------------------------------------------
// Fargate capacity provider strategies.
// ---------------------------------------------------------------------------------------------

interface Strategy {
    readonly capacityProvider: string;
    readonly base: number;
    readonly weight: number;
}

function strategies(value: unknown): Strategy[] {
    return list(value).map((item) => {
        const s = record(item);
        return { capacityProvider: text(s.capacityProvider) ?? "FARGATE", base: num(s.base) ?? 0, weight: num(s.weight) ?? 0 };
    });
}

/** How `tasks` tasks spread over a strategy: each provider's base first, the rest by weight. */
export function spreadTasks(tasks: number, strategy: readonly Strategy[]): Map<string, number> {
    const spread = new Map<string, number>();
    const add = (provider: string, count: number) => spread.set(provider, (spread.get(provider) ?? 0) + count);
    if (strategy.length === 0) {
        add("FARGATE", tasks);
        return spread;
    }
    let left = tasks;
    for (const s of strategy) {
        const base = Math.min(s.base, left);
        if (base > 0) {
            add(s.capacityProvider, base);
            left -= base;
        }
    }
    const weights = strategy.reduce((sum, s) => sum + s.weight, 0);
    if (left > 0) {
        for (const s of strategy) {
            const share = weights > 0 ? (left * s.weight) / weights : s === strategy[0] ? left : 0;
            if (share > 0) {
                add(s.capacityProvider, share);
            }
        }
    }
    return spread;
}

// ---------------------------------------------------------------------------------------------
// The estimate.
// ---------------------------------------------------------------------------------------------

interface PendingLine {
    readonly resource: CostResource;
    readonly priceId: string;
    readonly quantity: number;
    /** The quantity's unit when the table has no such row. */
    readonly unit: string;
    readonly basis: string;
    readonly assumption?: AssumptionKey;
    /** A unit price worked out here (Spot from on-demand and a discount), instead of the row's. */
    readonly unitPriceUsd?: number | null;
}

/** Storage classes whose EBS rows the table has (`ebs.<type>.gb-month`). */
const EBS_DEFAULT_TYPE = "gp2";
/** gp3's baseline IOPS, included in its GB price (https://aws.amazon.com/ebs/pricing/). */
const GP3_BASELINE_IOPS = 3000;
/** Days in a month for log retention: 365 / 12. */
const DAYS_PER_MONTH = 365 / 12;
/** Retention of a log group without one (never expires): a year of data is assumed stored. */
const NO_RETENTION_DAYS = 365;

class Estimator {
    private readonly rows: ReadonlyMap<string, PriceRow>;
    private readonly byUrn: ReadonlyMap<string, CostResource>;
    private readonly topOf = new Map<string, CostResource | undefined>();
    private readonly pending: PendingLine[] = [];
    readonly hours: number;

    constructor(
        private readonly run: CostRun,
        readonly assumptions: Assumptions,
        private readonly table: PriceTable,
    ) {
        this.rows = new Map(table.rows.map((row) => [row.id, row]));
        this.byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        this.hours = table.hoursPerMonth;
    }

    row(id: string): PriceRow | undefined {
        return this.rows.get(id);
    }

    /** The top-level component a resource belongs to (its ancestor just below the stack). */
    top(resource: CostResource): CostResource | undefined {
        if (!this.topOf.has(resource.urn)) {
            let current: CostResource | undefined = resource;
            let found: CostResource | undefined;
            while (current) {
                const parent: CostResource | undefined = current.parent === null ? undefined : this.byUrn.get(current.parent);
                if (parent === undefined || parent.type === STACK_TYPE) {
                    found = current.type === STACK_TYPE ? undefined : current;
                    break;
                }
                current = parent;
            }
            this.topOf.set(resource.urn, found);
        }
        return this.topOf.get(resource.urn);
    }

    componentOf(resource: CostResource): string {
        return this.top(resource)?.name ?? STACK_COMPONENT;
    }

    add(line: PendingLine): void {
        this.pending.push(line);
    }

    /** `quantity` hours of `priceId` (730 h unless told). */
    hourly(resource: CostResource, priceId: string, count: number, basis: string, unit = "hour"): void {
        this.add({ resource, priceId, quantity: exact(count * this.hours), unit, basis: `${count === 1 ? "" : `${formatNumber(count)} × `}${formatNumber(this.hours)} h${basis ? ` (${basis})` : ""}` });
    }

    /** A usage line from an assumption: `perUnit × assumption` units. */
    usage(resource: CostResource, priceId: string, key: AssumptionKey, unit: string, basis: (value: number) => string, scale = 1): void {
        const value = this.assumptions[key];
        this.add({ resource, priceId, quantity: exact(value * scale), unit, basis: `${basis(value)} (assumption ${key})`, assumption: key });
    }

    lines(): CostLine[] {
        return this.pending
            .map((p): CostLine => {
                const row = this.rows.get(p.priceId);
                const unitPrice = p.unitPriceUsd !== undefined ? p.unitPriceUsd : (row?.usd ?? null);
                return {
                    resource: p.resource.name,
                    type: p.resource.type,
                    component: this.componentOf(p.resource),
                    priceId: p.priceId,
                    unitPriceUsd: unitPrice,
                    quantity: p.quantity,
                    unit: row?.unit ?? p.unit,
                    basis: p.basis,
                    monthlyUsd: unitPrice === null ? null : cents(unitPrice * p.quantity),
                    ...(p.assumption ? { assumption: p.assumption } : {}),
                };
            })
            .sort((a, b) => compare(a.component, b.component) || compare(a.resource, b.resource) || compare(a.priceId, b.priceId) || compare(a.basis, b.basis));
    }

    get resources(): readonly CostResource[] {
        return this.run.resources;
    }

    get tableRegion(): string {
        return this.table.region;
    }
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** What one resource type costs. */
type Pricing = (resource: CostResource, e: Estimator, context: Context) => void;

/** Lookups across resources, built once per estimate. */
interface Context {
    readonly taskDefinitions: ReadonlyMap<string, CostResource>;
    /** Scheduled actions by `resourceId` (`service/<cluster>/<service>`). */
    readonly scheduledActions: ReadonlyMap<string, CostResource[]>;
    /** Default capacity provider strategies by cluster name. */
    readonly clusterStrategies: ReadonlyMap<string, Strategy[]>;
    readonly launchTemplates: ReadonlyMap<string, CostResource>;
    readonly auroraClusters: ReadonlyMap<string, CostResource>;
}

function buildContext(resources: readonly CostResource[]): Context {
    const taskDefinitions = new Map<string, CostResource>();
    const scheduledActions = new Map<string, CostResource[]>();
    const clusterStrategies = new Map<string, Strategy[]>();
    const launchTemplates = new Map<string, CostResource>();
    const auroraClusters = new Map<string, CostResource>();
    for (const r of resources) {
        switch (r.type) {
            case "aws:ecs/taskDefinition:TaskDefinition": {
                const family = text(r.inputs.family);
                if (family) taskDefinitions.set(family, r);
                if (r.id) taskDefinitions.set(r.id, r);
                break;
            }
            case "aws:appautoscaling/scheduledAction:ScheduledAction": {
                const id = text(r.inputs.resourceId);
                if (id) scheduledActions.set(id, [...(scheduledActions.get(id) ?? []), r]);
                break;
            }
            case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
                const cluster = text(r.inputs.clusterName);
                if (cluster) clusterStrategies.set(cluster, strategies(r.inputs.defaultCapacityProviderStrategies));
                break;
            }
            case "aws:ec2/launchTemplate:LaunchTemplate": {
                if (r.id) launchTemplates.set(r.id, r);
                const name = text(r.inputs.name);
                if (name) launchTemplates.set(name, r);
                break;
            }
            case "aws:rds/cluster:Cluster": {
                const id = text(r.inputs.clusterIdentifier);
                if (id) auroraClusters.set(id, r);
                break;
            }
        }
    }
    return { taskDefinitions, scheduledActions, clusterStrategies, launchTemplates, auroraClusters };
}

/** The name after the last `/` of an ARN (`…:cluster/<name>`), or the value itself. */
function lastSegment(value: string): string {
    return value.slice(value.lastIndexOf("/") + 1);
}

const fargateService: Pricing = (r, e, c) => {
    const i = r.inputs;
    if (i.launchType === "EC2" || i.launchType === "EXTERNAL") {
        return;
    }
    const tasks = num(i.desiredCount) ?? 0;
    if (tasks <= 0) {
        return;
    }
    const reference = text(i.taskDefinition) ?? "";
    const family = /task-definition\/([^:]+)(?::\d+)?$/.exec(reference)?.[1] ?? reference;
    const task = c.taskDefinitions.get(reference) ?? c.taskDefinitions.get(family);
    const cpu = num(task?.inputs.cpu);
    const memory = num(task?.inputs.memory);
    if (task === undefined || cpu === undefined || memory === undefined) {
        e.add({ resource: r, priceId: "fargate.x86.vcpu-hour", quantity: tasks, unit: "task", basis: `${tasks} task(s) of a task definition not in the plan`, unitPriceUsd: null });
        return;
    }
    const vcpu = cpu / 1024;
    const gb = memory / 1024;
    const arch = record(task.inputs.runtimePlatform).cpuArchitecture === "ARM64" ? "arm" : "x86";

    // Office hours: a start action (capacity above 0) and a stop action (0) on this service.
    const cluster = lastSegment(text(i.cluster) ?? "");
    const actions = c.scheduledActions.get(`service/${cluster}/${text(i.name) ?? ""}`) ?? [];
    const capacity = (a: CostResource) => num(record(a.inputs.scalableTargetAction).maxCapacity) ?? num(record(a.inputs.scalableTargetAction).minCapacity) ?? 0;
    const start = actions.find((a) => capacity(a) > 0);
    const stop = actions.find((a) => capacity(a) === 0);
    const schedule = start && stop ? officeHours(text(start.inputs.schedule) ?? "", text(stop.inputs.schedule) ?? "", text(start.inputs.timezone), e.hours) : undefined;
    const hours = schedule?.hoursPerMonth ?? e.hours;
    const hoursBasis = schedule?.basis ?? `${formatNumber(e.hours)} h`;

    const strategy = i.capacityProviderStrategies !== undefined ? strategies(i.capacityProviderStrategies) : i.launchType === "FARGATE" ? [] : (c.clusterStrategies.get(cluster) ?? []);
    for (const [provider, count] of spreadTasks(tasks, strategy)) {
        const spot = provider === "FARGATE_SPOT";
        for (const [dimension, size, unit] of [["vcpu", vcpu, "vCPU"], ["gb", gb, "GB"]] as const) {
            const onDemandId = `fargate.${arch}.${dimension}-hour`;
            const taskText = `${formatNumber(count)} task${count === 1 ? "" : "s"} × ${formatNumber(size)} ${unit} × ${hoursBasis}`;
            const quantity = exact(count * size * hours);
            const rowUnit = `${unit}-hour`;
            if (!spot) {
                e.add({ resource: r, priceId: onDemandId, quantity, unit: rowUnit, basis: taskText });
                continue;
            }
            const spotId = `fargate.spot.${dimension}-hour`;
            if (arch === "arm") {
                // ECS places no ARM64 task on FARGATE_SPOT: the service would not run as planned.
                e.add({ resource: r, priceId: spotId, quantity, unit: rowUnit, basis: `${taskText} on FARGATE_SPOT, which takes X86_64 tasks only (this task is ARM64)`, unitPriceUsd: null });
                continue;
            }
            const spotRow = e.row(spotId);
            if (spotRow?.usd !== null && spotRow?.usd !== undefined) {
                e.add({ resource: r, priceId: spotId, quantity, unit: rowUnit, basis: `${taskText} on FARGATE_SPOT` });
                continue;
            }
            const onDemand = e.row(onDemandId)?.usd ?? null;
            const discount = e.assumptions.fargateSpotDiscount;
            e.add({
                resource: r,
                priceId: spotId,
                quantity,
                unit: rowUnit,
                basis: `${taskText} on FARGATE_SPOT at ${formatNumber(discount * 100)} % off ${onDemandId} (assumption fargateSpotDiscount: AWS publishes no fixed Seoul Spot rate)`,
                assumption: "fargateSpotDiscount",
                unitPriceUsd: onDemand === null ? null : exact(onDemand * (1 - discount)),
            });
        }
    }
};

/** An EBS volume of `size` GB of `type` (and gp3 IOPS above the baseline). */
function ebs(r: CostResource, e: Estimator, size: number, type: string, iops: number | undefined, what: string): void {
    e.add({ resource: r, priceId: `ebs.${type}.gb-month`, quantity: size, unit: "GB-month", basis: `${formatNumber(size)} GB ${type}${what ? ` (${what})` : ""}` });
    if (type === "gp3" && iops !== undefined && iops > GP3_BASELINE_IOPS) {
        e.add({ resource: r, priceId: "ebs.gp3.iops-month", quantity: iops - GP3_BASELINE_IOPS, unit: "IOPS-month", basis: `${iops} IOPS, ${GP3_BASELINE_IOPS} included${what ? ` (${what})` : ""}` });
    }
}

const ec2Instance: Pricing = (r, e) => {
    const type = text(r.inputs.instanceType) ?? "unknown";
    e.hourly(r, `ec2.${type}.hour`, 1, `${type}, Linux on demand`);
    const root = record(r.inputs.rootBlockDevice);
    ebs(r, e, num(root.volumeSize) ?? 8, text(root.volumeType) ?? "gp3", num(root.iops), `root volume${num(root.volumeSize) === undefined ? ", the AMI's 8 GB assumed" : ""}`);
    for (const device of list(r.inputs.ebsBlockDevices)) {
        const d = record(device);
        ebs(r, e, num(d.volumeSize) ?? 8, text(d.volumeType) ?? EBS_DEFAULT_TYPE, num(d.iops), text(d.deviceName) ?? "block device");
    }
    if (r.inputs.associatePublicIpAddress === true) {
        e.hourly(r, "ipv4.public.hour", 1, "its public IPv4 address");
    }
};

const ebsVolume: Pricing = (r, e) => {
    ebs(r, e, num(r.inputs.size) ?? 0, text(r.inputs.type) ?? EBS_DEFAULT_TYPE, num(r.inputs.iops), "");
};

const nodeGroup: Pricing = (r, e, c) => {
    const scaling = record(r.inputs.scalingConfig);
    const nodes = num(scaling.desiredSize) ?? num(scaling.minSize) ?? 0;
    const types = list(r.inputs.instanceTypes).map(String);
    const type = types[0] ?? "t3.medium";
    const spot = r.inputs.capacityType === "SPOT";
    // EC2 Spot has no fixed price either: its id has no row, so it is listed as not priced.
    e.hourly(r, spot ? `ec2.${type}.spot.hour` : `ec2.${type}.hour`, nodes, `${formatNumber(nodes)} node${nodes === 1 ? "" : "s"} (desired size) of ${type}${types.length > 1 ? `, the first of ${types.join(", ")}` : ""}${spot ? ", Spot" : ", on demand"}`);
    const template = c.launchTemplates.get(text(record(r.inputs.launchTemplate).id) ?? "") ?? c.launchTemplates.get(text(record(r.inputs.launchTemplate).name) ?? "");
    const disks = list(template?.inputs.blockDeviceMappings).map((m) => record(record(m).ebs)).filter((d) => num(d.volumeSize) !== undefined);
    if (disks.length === 0) {
        const size = num(r.inputs.diskSize) ?? 20;
        ebs(r, e, nodes * size, "gp3", undefined, `${formatNumber(nodes)} × ${size} GB root volumes`);
    }
    for (const disk of disks) {
        const size = num(disk.volumeSize)!;
        const iops = num(disk.iops);
        ebs(r, e, nodes * size, text(disk.volumeType) ?? EBS_DEFAULT_TYPE, iops === undefined ? undefined : nodes * iops, `${formatNumber(nodes)} × ${size} GB root volumes of the launch template`);
    }
};

const eksCluster: Pricing = (r, e) => {
    const extended = record(r.inputs.upgradePolicy).supportType === "EXTENDED";
    e.hourly(r, extended ? "eks.extended.cluster.hour" : "eks.cluster.hour", 1, extended ? "supportType EXTENDED: the extended-support rate, charged once the version leaves standard support" : "standard support");
};

const RDS_MANAGED_SECRET = "the master user secret RDS keeps in Secrets Manager (manageMasterUserPassword)";

const rdsInstance: Pricing = (r, e) => {
    const i = r.inputs;
    const engine = text(i.engine) ?? "postgres";
    const klass = text(i.instanceClass) ?? "unknown";
    const multiAz = i.multiAz === true;
    const single = `rds.${klass}.${engine}.hour`;
    const multi = `rds.${klass}.${engine}.multi-az.hour`;
    if (!multiAz) {
        e.hourly(r, single, 1, `${klass} ${engine}, Single-AZ`);
    } else if (e.row(multi)?.usd !== null && e.row(multi) !== undefined) {
        e.hourly(r, multi, 1, `${klass} ${engine}, Multi-AZ (a standby in a second AZ)`);
    } else {
        e.hourly(r, single, 2, `${klass} ${engine}, Multi-AZ: the primary and its standby, each at the Single-AZ rate`);
    }
    const storageType = text(i.storageType) ?? "gp2";
    const size = num(i.allocatedStorage) ?? 0;
    const storageSingle = `rds.storage.${storageType}.gb-month`;
    const storageMulti = `rds.storage.${storageType}.multi-az.gb-month`;
    if (!multiAz) {
        e.add({ resource: r, priceId: storageSingle, quantity: size, unit: "GB-month", basis: `${formatNumber(size)} GB ${storageType} allocated, Single-AZ` });
    } else if (e.row(storageMulti)?.usd !== null && e.row(storageMulti) !== undefined) {
        e.add({ resource: r, priceId: storageMulti, quantity: size, unit: "GB-month", basis: `${formatNumber(size)} GB ${storageType} allocated, Multi-AZ` });
    } else {
        e.add({ resource: r, priceId: storageSingle, quantity: 2 * size, unit: "GB-month", basis: `2 × ${formatNumber(size)} GB ${storageType} allocated (Multi-AZ: the standby's copy)` });
    }
    const iops = num(i.iops);
    if (storageType === "gp3" && iops !== undefined && iops > GP3_BASELINE_IOPS) {
        e.add({ resource: r, priceId: "rds.storage.gp3.iops-month", quantity: (iops - GP3_BASELINE_IOPS) * (multiAz ? 2 : 1), unit: "IOPS-month", basis: `${iops} IOPS, ${GP3_BASELINE_IOPS} included${multiAz ? ", × 2 (Multi-AZ)" : ""}` });
    }
    if (i.manageMasterUserPassword === true) {
        e.add({ resource: r, priceId: "secretsmanager.secret.month", quantity: 1, unit: "secret-month", basis: RDS_MANAGED_SECRET });
    }
};

/** `aurora-mysql` → `mysql`, `aurora-postgresql` → `postgresql`. */
function auroraEngine(engine: string | undefined): string {
    return (engine ?? "aurora-postgresql").replace(/^aurora-?/, "") || "mysql";
}

const rdsCluster: Pricing = (r, e) => {
    const i = r.inputs;
    const engine = text(i.engine) ?? "";
    if (!engine.startsWith("aurora")) {
        // A Multi-AZ DB cluster of RDS (not Aurora): its instances carry the price.
        if (i.manageMasterUserPassword === true) {
            e.add({ resource: r, priceId: "secretsmanager.secret.month", quantity: 1, unit: "secret-month", basis: RDS_MANAGED_SECRET });
        }
        return;
    }
    const ioOptimized = i.storageType === "aurora-iopt1";
    e.usage(r, ioOptimized ? "aurora.storage.io-optimized.gb-month" : "aurora.storage.gb-month", "auroraStorageGb", "GB-month", (gb) => `${formatNumber(gb)} GB stored${ioOptimized ? ", I/O-Optimized" : ""}`);
    if (!ioOptimized) {
        e.usage(r, "aurora.io.1m", "auroraIoMillions", "1M I/O requests", (m) => `${formatNumber(m)} million I/O requests`);
    }
    if (i.manageMasterUserPassword === true) {
        e.add({ resource: r, priceId: "secretsmanager.secret.month", quantity: 1, unit: "secret-month", basis: RDS_MANAGED_SECRET });
    }
};

const rdsClusterInstance: Pricing = (r, e, c) => {
    const i = r.inputs;
    const cluster = c.auroraClusters.get(text(i.clusterIdentifier) ?? "");
    const engine = text(i.engine) ?? text(cluster?.inputs.engine);
    const klass = text(i.instanceClass) ?? "unknown";
    if (!(engine ?? "").startsWith("aurora")) {
        e.hourly(r, `rds.${klass}.${engine ?? "unknown"}.hour`, 1, `${klass} ${engine ?? ""}`.trim());
        return;
    }
    if (klass === "db.serverless") {
        const min = num(record(cluster?.inputs.serverlessv2ScalingConfiguration).minCapacity) ?? 0.5;
        e.hourly(r, "aurora.serverless-v2.acu-hour", min, `Serverless v2 at its minimum of ${formatNumber(min)} ACU; scaling up adds`, "ACU-hour");
        return;
    }
    const ioOptimized = cluster?.inputs.storageType === "aurora-iopt1";
    e.hourly(r, `aurora.${klass}.${auroraEngine(engine)}${ioOptimized ? ".io-optimized" : ""}.hour`, 1, `${klass} Aurora ${auroraEngine(engine)}${ioOptimized ? " I/O-Optimized" : ""}`);
};

const replicationGroup: Pricing = (r, e) => {
    const i = r.inputs;
    const engine = text(i.engine) ?? "redis";
    const type = text(i.nodeType) ?? "unknown";
    let nodes: number;
    let shape: string;
    const groups = list(i.nodeGroupConfigurations).map(record);
    if (groups.length > 0) {
        const replicas = groups.map((g) => num(g.replicaCount) ?? num(i.replicasPerNodeGroup) ?? 0);
        nodes = replicas.reduce((sum, count) => sum + 1 + count, 0);
        shape = new Set(replicas).size === 1
            ? `${groups.length} shard${groups.length === 1 ? "" : "s"} × (1 primary + ${replicas[0]} replica${replicas[0] === 1 ? "" : "s"})`
            : `${groups.length} shards of 1 primary and ${replicas.join(", ")} replicas`;
    } else if (num(i.numNodeGroups) !== undefined || i.clusterMode === "enabled") {
        const shards = num(i.numNodeGroups) ?? 1;
        const replicas = num(i.replicasPerNodeGroup) ?? 0;
        nodes = shards * (1 + replicas);
        shape = `${shards} shard${shards === 1 ? "" : "s"} × (1 primary + ${replicas} replica${replicas === 1 ? "" : "s"})`;
    } else {
        nodes = num(i.numCacheClusters) ?? 1;
        shape = nodes === 1 ? "1 primary" : `1 primary + ${nodes - 1} replica${nodes === 2 ? "" : "s"}`;
    }
    e.hourly(r, `elasticache.${type}.${engine}.hour`, nodes, `${formatNumber(nodes)} ${type} ${engine} node${nodes === 1 ? "" : "s"}: ${shape}`);
};

const cacheCluster: Pricing = (r, e) => {
    const i = r.inputs;
    if (i.replicationGroupId !== undefined) {
        return; // A member of a replication group, priced there.
    }
    const nodes = num(i.numCacheNodes) ?? 1;
    const type = text(i.nodeType) ?? "unknown";
    e.hourly(r, `elasticache.${type}.${text(i.engine) ?? "redis"}.hour`, nodes, `${formatNumber(nodes)} ${type} node${nodes === 1 ? "" : "s"}`);
};

const natGateway: Pricing = (r, e) => {
    e.hourly(r, "nat.hour", 1, "NAT gateway");
    e.usage(r, "nat.gb-processed", "natGbPerGateway", "GB", (gb) => `${formatNumber(gb)} GB processed`);
};

const eip: Pricing = (r, e) => {
    e.hourly(r, "ipv4.public.hour", 1, "Elastic IP: a public IPv4 address");
};

const loadBalancer: Pricing = (r, e) => {
    const i = r.inputs;
    const type = text(i.loadBalancerType) ?? "application";
    if (type === "gateway") {
        e.hourly(r, "gwlb.hour", 1, "Gateway Load Balancer");
        return;
    }
    const prefix = type === "network" ? "nlb" : "alb";
    e.hourly(r, `${prefix}.hour`, 1, type === "network" ? "Network Load Balancer" : "Application Load Balancer");
    e.usage(r, `${prefix}.lcu-hour`, "albLcu", "LCU-hour", (lcu) => `${formatNumber(lcu)} LCU × ${formatNumber(e.hours)} h`, e.hours);
    if (i.internal !== true) {
        const azs = Math.max(list(i.subnets).length, list(i.subnetMappings).length);
        if (azs > 0) {
            e.hourly(r, "ipv4.public.hour", azs, `internet-facing: a public IPv4 address in each of its ${azs} AZs`);
        }
    }
};

const vpcEndpoint: Pricing = (r, e) => {
    if (r.inputs.vpcEndpointType !== "Interface") {
        return; // Gateway endpoints (S3, DynamoDB) cost nothing.
    }
    const azs = Math.max(1, list(r.inputs.subnetIds).length);
    e.hourly(r, "vpce.interface.hour", azs, `interface endpoint ${lastSegment(String(r.inputs.serviceName ?? "")).replace(/^com\.amazonaws\.[a-z0-9-]+\./, "")} in ${azs} AZ${azs === 1 ? "" : "s"}`);
};

const distribution: Pricing = (r, e) => {
    const priceClass = text(r.inputs.priceClass) ?? "PriceClass_All";
    e.usage(r, "cloudfront.transfer-out.asia-pacific.gb", "cdnGb", "GB", (gb) => `${formatNumber(gb)} GB to viewers at the Asia Pacific rate (${priceClass})`);
    e.usage(r, "cloudfront.requests.https.asia-pacific.10k", "cdnRequestsMillions", "10K requests", (m) => `${formatNumber(m)} million HTTPS requests`, 100);
};

const webAcl: Pricing = (r, e) => {
    const rules = list(r.inputs.rules).length;
    e.add({ resource: r, priceId: "waf.acl.month", quantity: 1, unit: "web ACL-month", basis: `1 web ACL (${text(r.inputs.scope) ?? "REGIONAL"})` });
    if (rules > 0) {
        e.add({ resource: r, priceId: "waf.rule.month", quantity: rules, unit: "rule-month", basis: `${rules} rule${rules === 1 ? "" : "s"} (a managed rule group counts as one)` });
    }
    e.usage(r, "waf.requests.1m", "wafRequestsMillions", "1M requests", (m) => `${formatNumber(m)} million requests inspected`);
};

const hostedZone: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "route53.zone.month", quantity: 1, unit: "hosted zone-month", basis: `hosted zone ${text(r.inputs.name) ?? ""}`.trim() });
};

const privateDnsNamespace: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "route53.zone.month", quantity: 1, unit: "hosted zone-month", basis: `the Route 53 private hosted zone of Cloud Map namespace ${text(r.inputs.name) ?? ""}`.trim() });
};

const healthCheck: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "route53.healthcheck.aws.month", quantity: 1, unit: "health check-month", basis: `${text(r.inputs.type) ?? "HTTPS"} health check of ${text(r.inputs.fqdn) ?? "an endpoint"} (an AWS endpoint)` });
};

const secret: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "secretsmanager.secret.month", quantity: 1, unit: "secret-month", basis: `secret ${text(r.inputs.name) ?? r.name}` });
};

const kmsKey: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "kms.key.month", quantity: 1, unit: "key-month", basis: "customer managed key" });
};

const metricAlarm: Pricing = (r, e) => {
    const queries = list(r.inputs.metricQueries).map(record);
    const metrics = queries.length > 0 ? queries.filter((q) => q.metric !== undefined).length : 1;
    e.add({ resource: r, priceId: "cloudwatch.alarm.month", quantity: Math.max(1, metrics), unit: "alarm-month", basis: metrics > 1 ? `${metrics} metrics (metric math: each metric is billed as an alarm)` : "1 standard-resolution alarm" });
};

const compositeAlarm: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "cloudwatch.alarm.composite.month", quantity: 1, unit: "alarm-month", basis: "composite alarm" });
};

const dashboard: Pricing = (r, e) => {
    e.add({ resource: r, priceId: "cloudwatch.dashboard.month", quantity: 1, unit: "dashboard-month", basis: "1 dashboard (the account's first three are free)" });
};

const logGroup: Pricing = (r, e) => {
    const infrequent = r.inputs.logGroupClass === "INFREQUENT_ACCESS";
    e.usage(r, infrequent ? "cloudwatch.logs.ingest.ia.gb" : "cloudwatch.logs.ingest.gb", "logGbPerGroup", "GB", (gb) => `${formatNumber(gb)} GB ingested${infrequent ? " (Infrequent Access)" : ""}`);
    const retention = num(r.inputs.retentionInDays) ?? 0;
    const days = retention > 0 ? retention : NO_RETENTION_DAYS;
    const months = days / DAYS_PER_MONTH;
    e.usage(r, "cloudwatch.logs.storage.gb-month", "logGbPerGroup", "GB-month", (gb) => `${formatNumber(gb)} GB a month kept ${retention > 0 ? `${days} days` : "forever (a year's worth assumed)"} ≈ ${formatNumber(gb * months)} GB stored`, months);
};

const dynamodbTable: Pricing = (r, e) => {
    const i = r.inputs;
    if (i.billingMode === "PAY_PER_REQUEST") {
        e.usage(r, "dynamodb.ondemand.read.1m", "dynamodbReadMillions", "1M read request units", (m) => `${formatNumber(m)} million read request units, on demand`);
        e.usage(r, "dynamodb.ondemand.write.1m", "dynamodbWriteMillions", "1M write request units", (m) => `${formatNumber(m)} million write request units, on demand`);
    } else {
        const read = num(i.readCapacity) ?? 0;
        const write = num(i.writeCapacity) ?? 0;
        e.hourly(r, "dynamodb.provisioned.rcu-hour", read, `${read} provisioned read capacity units`, "RCU-hour");
        e.hourly(r, "dynamodb.provisioned.wcu-hour", write, `${write} provisioned write capacity units`, "WCU-hour");
    }
    e.usage(r, "dynamodb.storage.gb-month", "dynamodbStorageGb", "GB-month", (gb) => `${formatNumber(gb)} GB stored (the account's first 25 GB are free)`);
    if (record(i.pointInTimeRecovery).enabled === true) {
        e.usage(r, "dynamodb.pitr.gb-month", "dynamodbStorageGb", "GB-month", (gb) => `point-in-time recovery of ${formatNumber(gb)} GB`);
    }
};

const bucket: Pricing = (r, e) => {
    e.usage(r, "s3.standard.gb-month", "s3GbPerBucket", "GB-month", (gb) => `${formatNumber(gb)} GB in S3 Standard`);
};

const repository: Pricing = (r, e) => {
    e.usage(r, "ecr.storage.gb-month", "ecrGbPerRepository", "GB-month", (gb) => `${formatNumber(gb)} GB of images`);
};

const lambdaFunction: Pricing = (r, e) => {
    const memoryMb = num(r.inputs.memorySize) ?? 128;
    const arch = list(r.inputs.architectures).includes("arm64") ? "arm" : "x86";
    const requests = e.assumptions.lambdaRequestsMillions;
    const seconds = e.assumptions.lambdaDurationMs / 1000;
    e.usage(r, "lambda.requests.1m", "lambdaRequestsMillions", "1M requests", (m) => `${formatNumber(m)} million invocations`);
    e.add({
        resource: r,
        priceId: `lambda.${arch}.gb-second`,
        quantity: exact(requests * 1e6 * seconds * (memoryMb / 1024)),
        unit: "GB-second",
        basis: `${formatNumber(requests)} million invocations × ${formatNumber(seconds * 1000)} ms × ${formatNumber(memoryMb / 1024)} GB (assumptions lambdaRequestsMillions, lambdaDurationMs)`,
        assumption: "lambdaRequestsMillions",
    });
};

const api: Pricing = (r, e) => {
    if (r.inputs.protocolType === "WEBSOCKET") {
        e.usage(r, "apigateway.websocket.messages.1m", "websocketMessagesMillions", "1M messages", (m) => `${formatNumber(m)} million messages`);
        e.usage(r, "apigateway.websocket.connection-minutes.1m", "websocketConnectionMinutesMillions", "1M connection-minutes", (m) => `${formatNumber(m)} million connection-minutes`);
    } else {
        e.usage(r, "apigateway.http.requests.1m", "websocketMessagesMillions", "1M requests", (m) => `${formatNumber(m)} million requests`);
    }
};

const queue: Pricing = (r, e) => {
    const fifo = r.inputs.fifoQueue === true;
    e.usage(r, fifo ? "sqs.fifo.requests.1m" : "sqs.standard.requests.1m", "sqsRequestsMillions", "1M requests", (m) => `${formatNumber(m)} million requests`);
};

const schedule: Pricing = (r, e) => {
    const expression = text(r.inputs.scheduleExpression) ?? "";
    const count = invocationsPerMonth(expression, e.hours);
    if (count === undefined) {
        e.add({ resource: r, priceId: "scheduler.invocations.1m", quantity: 0, unit: "1M invocations", basis: `${expression}: invocations a month not worked out`, unitPriceUsd: null });
        return;
    }
    e.add({ resource: r, priceId: "scheduler.invocations.1m", quantity: exact(count / 1e6), unit: "1M invocations", basis: `${formatNumber(count)} invocations a month (${expression})` });
};

/** Persistent volumes a Helm release's values ask for: `persistence { enabled, size }` and volume claim templates. */
function releaseVolumes(values: unknown, at: string[] = [], found: Array<{ path: string; gib: number }> = []): Array<{ path: string; gib: number }> {
    const node = record(values);
    const persistence = record(node.persistence);
    if (persistence.enabled === true && gibibytes(persistence.size) !== undefined) {
        found.push({ path: [...at, "persistence"].join("."), gib: gibibytes(persistence.size)! });
    }
    const claim = gibibytes(record(record(record(record(node.volumeClaimTemplate).spec).resources).requests).storage);
    if (claim !== undefined) {
        found.push({ path: [...at, "volumeClaimTemplate"].join("."), gib: claim });
    }
    for (const [key, child] of Object.entries(node)) {
        if (child !== null && typeof child === "object" && !Array.isArray(child) && key !== "persistence" && key !== "volumeClaimTemplate") {
            releaseVolumes(child, [...at, key], found);
        }
    }
    return found;
}

const helmRelease: Pricing = (r, e) => {
    for (const volume of releaseVolumes(r.inputs.values)) {
        ebs(r, e, exact(volume.gib), "gp3", undefined, `a persistent volume of the chart's ${volume.path}, gp3 assumed`);
    }
};

const persistentVolumeClaim: Pricing = (r, e) => {
    const gib = gibibytes(record(record(record(r.inputs.spec).resources).requests).storage);
    if (gib !== undefined) {
        ebs(r, e, exact(gib), "gp3", undefined, "persistent volume claim, gp3 assumed");
    }
};

/** What each resource type costs; a type not here costs nothing by itself (subnets, roles, rules…). */
export const PRICINGS: Readonly<Record<string, Pricing>> = {
    "aws:ecs/service:Service": fargateService,
    "aws:ec2/instance:Instance": ec2Instance,
    "aws:ebs/volume:Volume": ebsVolume,
    "aws:eks/nodeGroup:NodeGroup": nodeGroup,
    "aws:eks/cluster:Cluster": eksCluster,
    "aws:rds/instance:Instance": rdsInstance,
    "aws:rds/cluster:Cluster": rdsCluster,
    "aws:rds/clusterInstance:ClusterInstance": rdsClusterInstance,
    "aws:elasticache/replicationGroup:ReplicationGroup": replicationGroup,
    "aws:elasticache/cluster:Cluster": cacheCluster,
    "aws:ec2/natGateway:NatGateway": natGateway,
    "aws:ec2/eip:Eip": eip,
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
    "aws:cloudfront/distribution:Distribution": distribution,
    "aws:wafv2/webAcl:WebAcl": webAcl,
    "aws:route53/zone:Zone": hostedZone,
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": privateDnsNamespace,
    "aws:route53/healthCheck:HealthCheck": healthCheck,
    "aws:secretsmanager/secret:Secret": secret,
    "aws:kms/key:Key": kmsKey,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": compositeAlarm,
    "aws:cloudwatch/dashboard:Dashboard": dashboard,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:dynamodb/table:Table": dynamodbTable,
    "aws:s3/bucket:Bucket": bucket,
    "aws:s3/bucketV2:BucketV2": bucket,
    "aws:ecr/repository:Repository": repository,
    "aws:lambda/function:Function": lambdaFunction,
    "aws:apigatewayv2/api:Api": api,
    "aws:sqs/queue:Queue": queue,
    "aws:scheduler/schedule:Schedule": schedule,
    "kubernetes:helm.sh/v3:Release": helmRelease,
    "kubernetes:core/v1:PersistentVolumeClaim": persistentVolumeClaim,
};

// ---------------------------------------------------------------------------------------------
// Budget: the three largest components and the keys that lower them.
// ---------------------------------------------------------------------------------------------

interface ComponentFacts {
    readonly name: string;
    readonly type: string;
    readonly lines: readonly CostLine[];
    readonly monthlyUsd: number;
    /** Its resources (components included): what the lines do not show, such as free gateway endpoints. */
    readonly resources: readonly CostResource[];
    readonly env?: Env;
    readonly spotDiscount: number;
}

/** The smallest instance classes and node types: no smaller one to suggest. */
const SMALLEST = new Set(["db.t4g.micro", "db.t3.micro", "cache.t4g.micro", "cache.t3.micro"]);

function sumOf(lines: readonly CostLine[], test: (line: CostLine) => boolean = () => true): number {
    return cents(lines.filter(test).reduce((sum, line) => sum + (line.monthlyUsd ?? 0), 0));
}

/** The config keys that would lower a component's cost, each with what it does. */
export function leversFor(facts: ComponentFacts): string[] {
    const { name, type, lines, env } = facts;
    const levers: string[] = [];
    const has = (prefix: string) => lines.some((line) => line.priceId.startsWith(prefix));
    const logs = sumOf(lines, (line) => line.priceId.startsWith("cloudwatch.logs."));
    switch (type) {
        case "platform:network:Vpc": {
            const nats = lines.filter((line) => line.priceId === "nat.hour").length;
            if (nats > 1) {
                const perNat = sumOf(lines, (line) => line.priceId.startsWith("nat.")) / nats + (lines.some((line) => line.type === "aws:ec2/eip:Eip") ? sumOf(lines, (line) => line.type === "aws:ec2/eip:Eip") / nats : 0);
                levers.push(`platform:network.natGateways: single — one NAT gateway for every AZ (about ${formatUsd(cents(perNat * (nats - 1)))} a month less; an AZ outage then cuts the others' egress)`);
            }
            const gateways = facts.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Gateway").length;
            if (nats > 0 && gateways < 2) {
                levers.push("platform:network.gatewayEndpoints: [s3, dynamodb] — S3 and DynamoDB traffic off the NAT gateways (gateway endpoints are free)");
            }
            if (nats === 1 && levers.length === 0) {
                levers.push("none cheaper for the NAT: one gateway for every AZ is the floor for private subnets that reach the internet (its data is platform:cost.assumptions.natGbPerGateway)");
            }
            if (has("vpce.interface")) {
                levers.push(`platform:network.interfaceEndpoints — fewer interface endpoints (each ${formatUsd(cents((lines.find((l) => l.priceId === "vpce.interface.hour")?.unitPriceUsd ?? 0) * 730))} per AZ a month)`);
            }
            break;
        }
        case "platform:compute:FargateService": {
            const fargate = sumOf(lines, (line) => line.priceId.startsWith("fargate."));
            const onDemand = sumOf(lines, (line) => line.priceId.startsWith("fargate.x86") || line.priceId.startsWith("fargate.arm"));
            const scheduled = lines.some((line) => line.basis.includes("office hours"));
            if (onDemand > 0) {
                levers.push(`platform:services.${name}.capacityProvider: FARGATE_SPOT — Spot capacity (about ${formatUsd(cents(onDemand * facts.spotDiscount))} a month less at the assumed ${formatNumber(facts.spotDiscount * 100)} % off; tasks may be interrupted${env === "prod" ? ", so rather for dev" : ""})`);
            }
            if (!scheduled && fargate > 0) {
                levers.push(`platform:schedule — office hours${env === "prod" ? " (for dev stacks)" : ""}: the tasks stop at night and at weekends (MON-FRI 08:00–20:00 runs 36 % of the month)`);
            }
            levers.push(`platform:services.${name}.cpu / memory / desiredCount — smaller or fewer tasks`);
            break;
        }
        case "platform:data:RdsInstance":
        case "platform:data:AuroraCluster": {
            const klass = /^(?:rds|aurora)\.(db\.[a-z0-9]+\.[a-z0-9]+)\./.exec(lines.find((line) => /^(rds|aurora)\.db\./.test(line.priceId))?.priceId ?? "")?.[1];
            if (!SMALLEST.has(klass ?? "")) {
                levers.push(`platform:database.instanceClass — a smaller class${klass ? ` (now ${klass})` : ""}`);
            }
            if (type === "platform:data:AuroraCluster" && lines.filter((line) => line.type === "aws:rds/clusterInstance:ClusterInstance").length > 1) {
                levers.push("platform:database.readers — fewer readers (each is a full instance)");
            }
            if (lines.some((line) => line.priceId.includes(".multi-az.") || line.basis.includes("Multi-AZ: the primary"))) {
                levers.push(`platform:database.multiAz: false — no standby${env === "prod" ? " (dev only: prod stacks keep Multi-AZ)" : ""}`);
            }
            break;
        }
        case "platform:data:ValkeyCache": {
            const line = lines.find((l) => l.priceId.startsWith("elasticache."));
            const [, nodeType, engine] = /^elasticache\.(cache\.[a-z0-9]+\.[a-z0-9]+)\.([a-z]+)\.hour$/.exec(line?.priceId ?? "") ?? [];
            if (!SMALLEST.has(nodeType ?? "")) {
                levers.push(`platform:cache.nodeType — a smaller node type${nodeType ? ` (now ${nodeType})` : ""}`);
            }
            if (engine === "redis") {
                levers.push("platform:cache.engine: valkey — 20 % below Redis OSS per node");
            }
            if ((line?.quantity ?? 0) > 730) {
                levers.push("platform:cache.nodes / clusterMode.replicasPerShard — fewer replicas (less failover)");
            }
            break;
        }
        case "platform:compute:EksCluster":
            levers.push("platform:eks.nodes.instanceTypes — smaller or Graviton nodes", "platform:eks.nodes.desiredSize / minSize — fewer nodes");
            if (has("eks.extended")) {
                levers.push("platform:eks.supportType: STANDARD — upgrade instead of paying for extended support");
            }
            break;
        case "platform:data:KafkaEc2":
            levers.push("platform:kafka.instanceType — a smaller instance", "platform:kafka.nodes — fewer brokers", "platform:kafka.dataVolumeGb — a smaller data volume");
            break;
        case "platform:edge:Cdn":
            levers.push("platform:cdn.priceClass — fewer edge locations (the data and request lines follow platform:cost.assumptions.cdnGb and cdnRequestsMillions)");
            break;
        case "platform:edge:WebAcl":
            levers.push("platform:waf.managedRuleGroups — fewer rule groups (each a rule a month)");
            break;
        case "platform:traffic:BlueGreenAlb":
            if (has("ipv4.")) {
                levers.push("platform:alb.scheme: internal — no public IPv4 address per AZ (reached through CloudFront's VPC origin)");
            }
            if (lines.some((line) => line.type === "aws:s3/bucket:Bucket")) {
                levers.push("platform:alb.accessLogs.expirationDays — keep access logs for less time");
            }
            break;
        case "platform:serverless:LambdaFunction":
            levers.push(`platform:functions.${name.replace(/^functions-/, "")}.memoryMb — less memory per invocation`);
            break;
        case "platform:storage:Buckets":
            levers.push("platform:buckets.<name>.intelligentTiering / noncurrentVersionExpirationDays — cheaper storage for what is rarely read");
            break;
        case "platform:observability:KubeObservability":
            levers.push("platform:observability.prometheus.storageSize / retentionDays — a smaller Prometheus volume");
            break;
        default:
            break;
    }
    if (logs > 0 && (logs >= facts.monthlyUsd * 0.2 || levers.length === 0)) {
        levers.push("platform:logs.retentionDays — shorter log retention (and platform:cost.assumptions.logGbPerGroup is an assumption: log less)");
    }
    if (type === "platform:observability:Monitoring") {
        levers.push("fewer alarms: each alarm metric is a line (platform:monitoring.thresholds shapes them, it does not remove them)");
    }
    if (levers.length === 0) {
        levers.push(`the keys of the block that builds ${name}`);
    }
    return levers;
}

/** The stack's monthly cost from its plan, priced with `table`. */
export function estimateCost(run: CostRun, settings: CostSettings, table: PriceTable): CostEstimate {
    const assumptions: Assumptions = { ...DEFAULT_ASSUMPTIONS, ...(settings.assumptions ?? {}) };
    const e = new Estimator(run, assumptions, table);
    const context = buildContext(run.resources);
    for (const resource of run.resources) {
        PRICINGS[resource.type]?.(resource, e, context);
    }
    const lines = e.lines();
    const monthlyUsd = sumOf(lines);
    const notPriced = lines.filter((line) => line.unitPriceUsd === null);

    let budget: CostEstimate["budget"];
    if (settings.monthlyBudgetUsd !== undefined) {
        budget = { monthlyUsd: settings.monthlyBudgetUsd, over: monthlyUsd > settings.monthlyBudgetUsd, drivers: drivers(run, e, lines, settings) };
    }
    return {
        stack: run.stack,
        region: table.region,
        currency: "USD",
        tableDate: table.date,
        monthlyUsd,
        lines,
        notPriced,
        assumptions: Object.fromEntries(Object.keys(ASSUMPTIONS).map((key) => [key, assumptions[key as AssumptionKey]])),
        ...(budget ? { budget } : {}),
    };
}

/** The three components that cost most, with their levers. */
function drivers(run: CostRun, e: Estimator, lines: readonly CostLine[], settings: CostSettings): CostDriver[] {
    const typeOf = new Map<string, string>();
    for (const resource of run.resources) {
        const top = e.top(resource);
        if (top) {
            typeOf.set(top.name, top.type);
        }
    }
    const resourcesOf = new Map<string, CostResource[]>();
    for (const resource of run.resources) {
        const top = e.top(resource);
        if (top) {
            resourcesOf.set(top.name, [...(resourcesOf.get(top.name) ?? []), resource]);
        }
    }
    const byComponent = new Map<string, CostLine[]>();
    for (const line of lines) {
        byComponent.set(line.component, [...(byComponent.get(line.component) ?? []), line]);
    }
    return [...byComponent]
        .map(([name, componentLines]) => ({ name, componentLines, monthlyUsd: sumOf(componentLines) }))
        .sort((a, b) => b.monthlyUsd - a.monthlyUsd || compare(a.name, b.name))
        .slice(0, 3)
        .map(({ name, componentLines, monthlyUsd }) => ({
            component: name,
            monthlyUsd,
            levers: leversFor({ name, type: typeOf.get(name) ?? "", lines: componentLines, resources: resourcesOf.get(name) ?? [], monthlyUsd, env: settings.env, spotDiscount: e.assumptions.fargateSpotDiscount }),
        }));
}
