/**
 * Relational database facts and rules : engines, versions, ports, parameter
 * group families, log exports, instance classes, and where Aurora's instances go. Pure functions.
 */
import { Problem, showValue } from "../../../lib/problems";

export const DATABASE_KINDS = ["instance", "aurora"] as const;
/** `instance`: one RDS DB instance (system A dev). `aurora`: an Aurora cluster (A prod, B, C). */
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export const INSTANCE_ENGINES = ["postgres", "mysql"] as const;
export const AURORA_ENGINES = ["aurora-postgresql", "aurora-mysql"] as const;
export type InstanceEngine = (typeof INSTANCE_ENGINES)[number];
export type AuroraEngine = (typeof AURORA_ENGINES)[number];
export type DatabaseEngine = InstanceEngine | AuroraEngine;

interface EngineFacts {
    readonly port: number;
    /** Version format and the major versions AWS offers, for messages. */
    readonly version: RegExp;
    readonly versionExample: string;
    readonly majors: readonly string[];
    /** Parameter group family of a version, e.g. `postgres18`. */
    readonly family: (version: string) => string;
    /** The logs the engine can export to CloudWatch. */
    readonly logExports: readonly string[];
    /** Parameters that refuse connections without TLS. */
    readonly tlsOnly: Readonly<Record<string, string>>;
}

const postgresMajor = (version: string) => version.split(".")[0];
const mysqlMajor = (version: string) => version.split(".").slice(0, 2).join(".");

/**
 * A major version alone (`18`) lets automatic minor upgrades run without drift; a full one
 * (`18.1`) pins the creation version, to be raised in config once AWS has upgraded it.
 * Versions: PostgreSQL 13–18 on RDS and Aurora (PostgreSQL 18 on both since 2026), MySQL 8.0/8.4
 * on RDS, Aurora MySQL 3 (MySQL 8.0). Source: RDS and Aurora release notes; check a region with
 * `aws rds describe-db-engine-versions --engine <engine>`.
 */
export const ENGINE_FACTS: Readonly<Record<DatabaseEngine, EngineFacts>> = {
    postgres: {
        port: 5432,
        version: /^(1[3-8])(\.\d{1,2})?$/,
        versionExample: "18.1",
        majors: ["13", "14", "15", "16", "17", "18"],
        family: (v) => `postgres${postgresMajor(v)}`,
        logExports: ["postgresql", "upgrade"],
        tlsOnly: { "rds.force_ssl": "1" },
    },
    mysql: {
        port: 3306,
        version: /^8\.(0|4)(\.\d{1,2})?$/,
        versionExample: "8.4.5",
        majors: ["8.0", "8.4"],
        family: (v) => `mysql${mysqlMajor(v)}`,
        logExports: ["audit", "error", "general", "slowquery"],
        tlsOnly: { require_secure_transport: "1" },
    },
    "aurora-postgresql": {
        port: 5432,
        version: /^(1[3-8])(\.\d{1,2})?$/,
        versionExample: "18.4",
        majors: ["13", "14", "15", "16", "17", "18"],
        family: (v) => `aurora-postgresql${postgresMajor(v)}`,
        logExports: ["postgresql"],
        tlsOnly: { "rds.force_ssl": "1" },
    },
    "aurora-mysql": {
        port: 3306,
        version: /^8\.0\.mysql_aurora\.3\.\d{2}\.\d$/,
        versionExample: "8.0.mysql_aurora.3.08.2",
        majors: ["8.0 (Aurora MySQL 3)"],
        family: () => "aurora-mysql8.0",
        logExports: ["audit", "error", "general", "slowquery"],
        tlsOnly: { require_secure_transport: "ON" },
    },
};

/**
 * Aurora MySQL's long-term-support lines: a cluster may stay on one at least three years, and AWS
 * advises turning automatic minor upgrades off on them, or a cluster may be moved to a non-LTS
 * minor ("Long-term support (LTS) and beta releases for Amazon Aurora MySQL", Aurora User Guide:
 * the current LTS releases are 3.10.* and 3.04.*).
 */
export const AURORA_MYSQL_LTS_LINES = ["3.04", "3.10"] as const;

/** The Aurora MySQL line (`3.10`) of a version (`8.0.mysql_aurora.3.10.1`), if it has that form. */
export function auroraMysqlLine(version: string): string | undefined {
    return /^8\.0\.mysql_aurora\.(3\.\d{2})\.\d+$/.exec(version)?.[1];
}

/** Whether `version` is on an Aurora MySQL LTS line. */
export function isAuroraMysqlLts(engine: DatabaseEngine, version: string): boolean {
    const line = engine === "aurora-mysql" ? auroraMysqlLine(version) : undefined;
    return line !== undefined && (AURORA_MYSQL_LTS_LINES as readonly string[]).includes(line);
}

export function engineVersionProblem(engine: DatabaseEngine, version: string): string | undefined {
    const facts = ENGINE_FACTS[engine];
    return facts.version.test(version)
        ? undefined
        : `${showValue(version)} is not a ${engine} version AWS offers; use major ${facts.majors.join(", ")}, alone or with a minor version, e.g. ${facts.versionExample}`;
}

/**
 * Why `version` cannot run with automatic minor upgrades, or undefined when it can. A version
 * that names a minor (`18.1`) is the one the database was created with; once AWS upgrades it,
 * the next `pulumi up` plans a downgrade AWS refuses. The major alone (`18`) lets AWS pick and
 * upgrade the minor without drift. Aurora MySQL has no such form (`8.0.mysql_aurora.3.08.2` is
 * always whole): the cluster ignores changes of its version instead.
 */
export function minorPinProblem(engine: DatabaseEngine, version: string): string | undefined {
    if (engine === "aurora-mysql") {
        return undefined;
    }
    const major = majorVersion(engine, version);
    return major === version
        ? undefined
        : `${showValue(version)} pins a minor version while autoMinorVersionUpgrade is on: once AWS upgrades the database, the next pulumi up would try to downgrade it; use the major version "${major}" (AWS picks and upgrades the minor), or set autoMinorVersionUpgrade: false to pin ${showValue(version)}`;
}

/** The major part of a version, e.g. `18` of `18.1`: dev and prod should share it. */
export function majorVersion(engine: DatabaseEngine, version: string): string {
    return engine.endsWith("mysql") ? mysqlMajor(version) : postgresMajor(version);
}

const INSTANCE_CLASS = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/;

/**
 * Aurora offers memory-optimised classes, the burstable t3/t4g in medium and large only, and
 * Serverless v2 (no `db.t*.micro`/`small`). Source: Aurora User Guide, "DB instance class
 * types" and "Supported DB engines for DB instance classes".
 */
const AURORA_FAMILIES = ["r5", "r6g", "r6gd", "r6i", "r6id", "r7g", "r7i", "r8g", "x2g", "x2iedn"];
const AURORA_BURSTABLE_SIZES = ["medium", "large"];

export function instanceClassProblem(kind: DatabaseKind, instanceClass: string): string | undefined {
    if (kind === "aurora" && instanceClass === "db.serverless") {
        return undefined;
    }
    const match = INSTANCE_CLASS.exec(instanceClass);
    if (!match) {
        return `${showValue(instanceClass)} is not a DB instance class (expected db.<family>.<size>, e.g. db.t4g.micro${kind === "aurora" ? ", or db.serverless" : ""})`;
    }
    if (kind === "aurora") {
        const [, family, size] = match;
        const burstable = family === "t3" || family === "t4g";
        if (burstable && !AURORA_BURSTABLE_SIZES.includes(size)) {
            return `${showValue(instanceClass)} is not offered by Aurora; the smallest burstable Aurora classes are db.t4g.medium and db.t3.medium (or db.serverless)`;
        }
        if (!burstable && !AURORA_FAMILIES.includes(family)) {
            return `${showValue(instanceClass)} is not an Aurora class; use db.t4g.medium/large, db.t3.medium/large, a memory-optimised class (${AURORA_FAMILIES.map((f) => `db.${f}.*`).join(", ")}) or db.serverless`;
        }
    }
    return undefined;
}

/**
 * Performance Insights does not run on the smallest burstable classes, and Aurora MySQL does not
 * run it on db.t2 or db.t3 at all. Sources: RDS and Aurora User Guides, "DB engine, Region, and
 * instance class support for Performance Insights / Database Insights".
 */
export function performanceInsightsSupported(engine: DatabaseEngine, instanceClass: string): boolean {
    if (engine === "aurora-mysql" && /^db\.t[23]\./.test(instanceClass)) {
        return false;
    }
    return !/^db\.t\d+g?\.(micro|small)$/.test(instanceClass);
}

/** Performance Insights keeps 7 days free, or 1–24 months (31-day multiples, 731 for 2 years). */
export const PERFORMANCE_INSIGHTS_RETENTION: readonly number[] = [7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731];

/** Enhanced monitoring granularity, seconds (0 turns it off). */
export const MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/**
 * The AZ of each Aurora instance, writer first: `instanceAzs` when given (checked by
 * `instanceAzsProblems`), otherwise the writer in the first AZ of the data tier and each reader in
 * the next distinct AZ, so losing one AZ never takes the writer and all readers at once.
 */
export function auroraInstanceAzs(dataAzs: readonly string[], readers: number, instanceAzs?: readonly string[]): string[] {
    if (instanceAzs !== undefined) {
        return [...instanceAzs];
    }
    const distinct = [...new Set(dataAzs)];
    return Array.from({ length: readers + 1 }, (_, i) => distinct[i % distinct.length]);
}

/** The values `list` holds more than once, in the order they first repeat. */
export function repeatedValues(list: readonly string[]): string[] {
    return [...new Set(list.filter((value, i) => list.indexOf(value) !== i))];
}

/**
 * Why an explicit placement (`instanceAzs`: the writer's AZ, then one per reader) cannot be used:
 * one AZ per instance, each instance in an AZ of its own, every AZ one of the data tier's.
 */
export function instanceAzsProblems(dataAzs: readonly string[], readers: number, instanceAzs: readonly string[]): Problem[] {
    const problems: Problem[] = [];
    const report = (message: string) => problems.push({ path: ["instanceAzs"], message: `${showValue(instanceAzs)} ${message}` });
    if (instanceAzs.length !== readers + 1) {
        report(`names ${instanceAzs.length} AZ(s); the writer and ${readers} reader(s) need ${readers + 1}: the writer's AZ first, then one per reader`);
    }
    const repeated = repeatedValues(instanceAzs);
    if (repeated.length > 0) {
        report(`names ${repeated.map(showValue).join(", ")} more than once; the writer and each reader sit in AZs of their own, so losing one AZ never takes them all`);
    }
    const distinct = [...new Set(dataAzs)];
    const unknown = [...new Set(instanceAzs.filter((az) => !distinct.includes(az)))];
    if (unknown.length > 0) {
        report(`names ${unknown.map(showValue).join(", ")}, not an AZ of the data tier (${distinct.map(showValue).join(", ")})`);
    }
    return problems;
}

/** Readers beyond the distinct data-tier AZs would share an AZ with the writer or another reader. */
export function readerPlacementProblem(dataAzs: readonly string[], readers: number): Problem | undefined {
    const distinct = [...new Set(dataAzs)];
    if (readers + 1 > distinct.length) {
        return {
            path: ["readers"],
            message: `${readers} readers and a writer need ${readers + 1} distinct AZs to sit apart; the data tier has ${distinct.length} (${distinct.map(showValue).join(", ")})`,
        };
    }
    return undefined;
}
