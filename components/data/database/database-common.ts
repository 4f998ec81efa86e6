/**
 * What the two database components (RdsInstance and AuroraCluster) share: their common Args,
 * the one interface the rest of the program sees, their argument rules, and the children both
 * create (DB subnet group on the data tier, enhanced-monitoring role).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    DatabaseEngine,
    DatabaseKind,
    ENGINE_FACTS,
    MONITORING_INTERVALS,
    PERFORMANCE_INSIGHTS_RETENTION,
    engineVersionProblem,
    minorPinProblem,
    instanceClassProblem,
    performanceInsightsSupported,
} from "./engines";
import { LogRetentionDays, kmsKeyArnProblem, logRetentionProblem } from "../../../lib/aws-limits";
import { serviceTrustPolicy } from "../../../lib/iam";
import { Naming, nameProblem } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";
import { windowProblems } from "../../../lib/windows";

/** What every service sees of the database, whichever kind it is. */
export interface Database {
    readonly kind: DatabaseKind;
    readonly engine: DatabaseEngine;
    /** Host of the writer. */
    readonly endpoint: pulumi.Output<string>;
    /** Host for read-only traffic: Aurora's reader endpoint, or the instance itself. */
    readonly readerEndpoint: pulumi.Output<string>;
    readonly port: number;
    readonly databaseName: string;
    /** Secrets Manager secret RDS manages for the master user: JSON `{ username, password }`. For operators only. */
    readonly masterSecretArn: pulumi.Output<string>;
    /** The user applications sign in as, with an IAM authentication token (no password). */
    readonly applicationUser: string;
    /** What `rds-db:connect` names to let a role sign in as the application user. */
    readonly applicationUserArn: pulumi.Output<string>;
}

/** `arn:…:rds-db:<region>:<account>:dbuser:<resource id>/<user>`: the resource of `rds-db:connect`. */
export function dbUserArn(parent: pulumi.Resource, resourceId: pulumi.Output<string>, user: string): pulumi.Output<string> {
    const region = aws.getRegionOutput({}, { parent }).region;
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    return pulumi.interpolate`arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}/${user}`;
}

export interface DatabaseCommonArgs {
    naming: Naming;
    /** Base tags; the component adds `Component` and `Name`. @default {} */
    tags?: Tags;
    engineVersion: string;
    /** DB instance class of every instance, e.g. `db.t4g.micro`; Aurora also takes `db.serverless`. */
    instanceClass: string;
    /** Data-tier subnets and the AZ of each (same order), in at least two AZs. */
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; az: string }>;
    /** The db security group: the engine's port from the services only, no egress. */
    securityGroupIds: pulumi.Input<string>[];
    /** Database created at launch. */
    databaseName: string;
    /** Master user name; its password is generated and kept by RDS in Secrets Manager. */
    masterUsername: string;
    /**
     * The user applications sign in as, with IAM database authentication: created once by an
     * operator (README, "Creating the application user"); consumers get `rds-db:connect` for it.
     * @default "app"
     */
    applicationUser?: string;
    backup: { retentionDays: number; window: string };
    /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC, not overlapping the backup window. */
    maintenanceWindow: string;
    /** Refuse deletion (prod); without it the data goes with the stack (dev). */
    deletionProtection: boolean;
    /** Take a final snapshot when the database is deleted, whatever deletion protection says. @default true */
    finalSnapshot?: boolean;
    /** Performance Insights; ignored on classes that do not support it. */
    performanceInsights: { enabled: boolean; retentionDays: number };
    /** Enhanced monitoring granularity in seconds; 0 turns it off. @default 60 */
    monitoringIntervalSeconds?: number;
    /**
     * Let AWS apply minor engine upgrades in the maintenance window. With it on, `engineVersion` is a
     * major version alone (Aurora MySQL: the cluster ignores version changes AWS makes). @default true
     */
    autoMinorVersionUpgrade?: boolean;
    /** Logs exported to CloudWatch. @default every log the engine exports */
    logExports?: readonly string[];
    /**
     * Retention of the exported logs' groups (`/aws/rds/<instance|cluster>/<id>/<log>`), created
     * here before the database so RDS does not create them without one. @default 30
     */
    logRetentionDays?: LogRetentionDays;
    /** Extra parameters, on top of the TLS-only one the component always sets (which they may not override). @default {} */
    parameters?: Readonly<Record<string, string>>;
    /** Customer-managed KMS key for storage; the AWS managed `aws/rds` key when absent. */
    kmsKeyArn?: string;
    /** Pulumi `protect` on the resource that holds the data: no `pulumi destroy`, no replacement. @default false */
    protect?: boolean;
}

export const DEFAULT_APPLICATION_USER = "app";
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const MASTER_USERNAME = /^[A-Za-z][A-Za-z0-9_]{0,15}$/;
const RESERVED_USERNAMES = ["rdsadmin", "admin", "postgres", "root", "mysql"];

/** The rules both kinds share. */
export function commonProblems(kind: DatabaseKind, engine: DatabaseEngine, args: DatabaseCommonArgs): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Array<string | number>, message: string | undefined) => message && problems.push({ path, message });
    report(["engineVersion"], engineVersionProblem(engine, args.engineVersion) ?? ((args.autoMinorVersionUpgrade ?? true) ? minorPinProblem(engine, args.engineVersion) : undefined));
    report(["instanceClass"], instanceClassProblem(kind, args.instanceClass));
    const identifier = args.naming.format("scoped", "db");
    report([], nameProblem("rdsIdentifier", identifier));
    if (!DATABASE_NAME.test(args.databaseName)) {
        report(["databaseName"], `${showValue(args.databaseName)} is not a database name; use up to 63 letters, digits and _, starting with a letter`);
    }
    const applicationUser = args.applicationUser ?? DEFAULT_APPLICATION_USER;
    if (!MASTER_USERNAME.test(applicationUser)) {
        report(["applicationUser"], `${showValue(applicationUser)} is not a user name; use up to 16 letters, digits and _, starting with a letter`);
    } else if (RESERVED_USERNAMES.includes(applicationUser.toLowerCase()) || applicationUser === args.masterUsername) {
        report(["applicationUser"], `${showValue(applicationUser)} is reserved or the master user; applications sign in as a user of their own`);
    }
    if (!MASTER_USERNAME.test(args.masterUsername)) {
        report(["masterUsername"], `${showValue(args.masterUsername)} is not a master user name; use up to 16 letters, digits and _, starting with a letter`);
    } else if (RESERVED_USERNAMES.includes(args.masterUsername.toLowerCase())) {
        report(["masterUsername"], `${showValue(args.masterUsername)} is reserved by the engine or RDS; choose another name`);
    }
    const distinctAzs = new Set(args.subnets.map((s) => s.az));
    if (distinctAzs.size < 2) {
        report(["subnets"], `span ${distinctAzs.size} AZ(s); a DB subnet group needs subnets in at least two AZs`);
    }
    const minRetention = kind === "aurora" ? 1 : 0;
    if (!Number.isInteger(args.backup.retentionDays) || args.backup.retentionDays < minRetention || args.backup.retentionDays > 35) {
        report(["backup", "retentionDays"], `${args.backup.retentionDays} is outside ${minRetention}–35 days`);
    }
    problems.push(
        ...windowProblems({
            daily: { path: ["backup", "window"], text: args.backup.window, minMinutes: 30 },
            weekly: { path: ["maintenanceWindow"], text: args.maintenanceWindow, minMinutes: 30 },
        }),
    );
    if (args.performanceInsights.enabled && !PERFORMANCE_INSIGHTS_RETENTION.includes(args.performanceInsights.retentionDays)) {
        report(["performanceInsights", "retentionDays"], `${args.performanceInsights.retentionDays} is not a Performance Insights retention; use 7, a multiple of 31 up to 713, or 731`);
    }
    const interval = args.monitoringIntervalSeconds ?? 60;
    if (!MONITORING_INTERVALS.includes(interval)) {
        report(["monitoringIntervalSeconds"], `${interval} is not an enhanced-monitoring interval; use one of ${MONITORING_INTERVALS.join(", ")}`);
    }
    for (const name of Object.keys(ENGINE_FACTS[engine].tlsOnly)) {
        if (args.parameters !== undefined && name in args.parameters) {
            report(["parameters", name], `is set by the component (TLS only); it may not be overridden`);
        }
    }
    const exportable = ENGINE_FACTS[engine].logExports;
    (args.logExports ?? []).forEach((log, i) => {
        if (!exportable.includes(log)) {
            report(["logExports", i], `${showValue(log)} is not a log ${engine} exports; use ${exportable.join(", ")}`);
        }
    });
    report(["kmsKeyArn"], args.kmsKeyArn === undefined ? undefined : kmsKeyArnProblem(args.kmsKeyArn));
    report(["logRetentionDays"], args.logRetentionDays === undefined ? undefined : logRetentionProblem(args.logRetentionDays));
    return problems;
}

/** Whether Performance Insights runs: asked for, and the engine supports it on the class. */
export function insightsOn(engine: DatabaseEngine, args: DatabaseCommonArgs): boolean {
    return args.performanceInsights.enabled && performanceInsightsSupported(engine, args.instanceClass);
}

/** The engine's parameters: TLS only, then the caller's. */
export function parametersOf(engine: DatabaseEngine, args: DatabaseCommonArgs): Array<{ name: string; value: string; applyMethod: string }> {
    const merged = { ...ENGINE_FACTS[engine].tlsOnly, ...args.parameters };
    return Object.keys(merged)
        .sort()
        .map((name) => ({ name, value: merged[name], applyMethod: "pending-reboot" }));
}

/** The children both kinds create. */
export function createSharedParts(
    parent: pulumi.ComponentResource,
    name: string,
    args: DatabaseCommonArgs,
    tagsFor: (resourceName: string) => Tags,
): { subnetGroup: aws.rds.SubnetGroup; monitoring: Monitoring | undefined } {
    const subnetGroupName = args.naming.scoped("rdsIdentifier", "db");
    const subnetGroup = new aws.rds.SubnetGroup(
        `${name}-subnet-group`,
        { name: subnetGroupName, description: `Data tier of ${args.naming.stem}`, subnetIds: args.subnets.map((s) => s.id), tags: tagsFor(subnetGroupName) },
        { parent },
    );
    if ((args.monitoringIntervalSeconds ?? 60) === 0) {
        return { subnetGroup, monitoring: undefined };
    }
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const roleName = args.naming.scoped("iamRole", "rds-monitoring");
    const monitoringRole = new aws.iam.Role(
        `${name}-monitoring-role`,
        {
            name: roleName,
            description: "Lets RDS enhanced monitoring publish OS metrics",
            assumeRolePolicy: pulumi.jsonStringify(serviceTrustPolicy("monitoring.rds.amazonaws.com", account)),
            tags: tagsFor(roleName),
        },
        { parent },
    );
    const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-monitoring-policy`,
        { role: monitoringRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole` },
        { parent },
    );
    return { subnetGroup, monitoring: { role: monitoringRole, attachment } };
}

/**
 * The log groups RDS exports to, created with a retention before the database (which must depend
 * on them): left to RDS, they would keep the logs forever.
 */
export function exportLogGroups(
    parent: pulumi.Resource,
    name: string,
    args: DatabaseCommonArgs,
    where: { scope: "instance" | "cluster"; identifier: string; logs: readonly string[] },
    tagsFor: (resourceName: string) => Tags,
): aws.cloudwatch.LogGroup[] {
    return where.logs.map((log) => {
        const logGroupName = exportLogGroupName(where.scope, where.identifier, log);
        return new aws.cloudwatch.LogGroup(
            `${name}-${log}-logs`,
            { name: logGroupName, retentionInDays: args.logRetentionDays ?? DEFAULT_EXPORT_RETENTION, tags: tagsFor(logGroupName) },
            { parent },
        );
    });
}

const DEFAULT_EXPORT_RETENTION: LogRetentionDays = 30;

/** Where RDS puts an exported log: `/aws/rds/instance/<id>/<log>` or `/aws/rds/cluster/<id>/<log>`. */
export function exportLogGroupName(scope: "instance" | "cluster", identifier: string, log: string): string {
    return `/aws/rds/${scope}/${identifier}/${log}`;
}

/** The enhanced-monitoring role and the attachment that gives it its permissions. */
export interface Monitoring {
    readonly role: aws.iam.Role;
    /** Instances must wait for it: RDS checks the role's permissions when it creates them. */
    readonly attachment: aws.iam.RolePolicyAttachment;
}

/** Retention settings RDS takes only when Performance Insights runs. */
export function insightsSettings(engine: DatabaseEngine, args: DatabaseCommonArgs) {
    return insightsOn(engine, args)
        ? { performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: args.performanceInsights.retentionDays, ...(args.kmsKeyArn ? { performanceInsightsKmsKeyId: args.kmsKeyArn } : {}) }
        : { performanceInsightsEnabled: false };
}

/** Enhanced-monitoring settings of an instance. */
export function monitoringSettings(args: DatabaseCommonArgs, monitoring: Monitoring | undefined) {
    const interval = args.monitoringIntervalSeconds ?? 60;
    return interval > 0 && monitoring ? { monitoringInterval: interval, monitoringRoleArn: monitoring.role.arn } : { monitoringInterval: 0 };
}

/** What an instance waits for besides its inputs. */
export function instanceDependencies(monitoring: Monitoring | undefined): pulumi.Resource[] {
    return monitoring ? [monitoring.attachment] : [];
}

/** Final-snapshot settings: a snapshot on deletion unless the caller opts out (dev). */
export function finalSnapshotSettings(args: DatabaseCommonArgs, identifier: string) {
    return (args.finalSnapshot ?? true) ? { skipFinalSnapshot: false, finalSnapshotIdentifier: `${identifier}-final` } : { skipFinalSnapshot: true };
}
