/**
 * RdsInstance — one RDS DB instance (system A dev: PostgreSQL 18.1, `db.t4g.micro`, 20 GB gp3):
 * in the data tier's subnet group, never public, storage encrypted, master password generated
 * and kept by RDS in Secrets Manager (no password in config, code or state), IAM database
 * authentication, TLS-only parameters, backups and windows from the caller, storage autoscaling up
 * to a maximum, enhanced monitoring, Performance Insights where the class supports it, log
 * exports, tags copied to snapshots, minor versions upgraded automatically.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENGINE_FACTS, InstanceEngine } from "./engines";
import { PlatformComponent } from "../../../lib/component";
import { Problem } from "../../../lib/problems";
import {
    Database,
    DatabaseCommonArgs,
    commonProblems,
    DEFAULT_APPLICATION_USER,
    createSharedParts,
    dbUserArn,
    exportLogGroups,
    finalSnapshotSettings,
    insightsSettings,
    instanceDependencies,
    monitoringSettings,
    parametersOf,
} from "./database-common";

export interface RdsInstanceArgs extends DatabaseCommonArgs {
    /** @default "postgres" */
    engine?: InstanceEngine;
    /** gp3 storage: size at launch and the ceiling storage autoscaling may grow it to (GiB). */
    storage: { allocatedGb: number; maxAllocatedGb: number };
    /** A standby in a second AZ (dev may go without). @default false */
    multiAz?: boolean;
}

export class RdsInstance extends PlatformComponent implements Database {
    public readonly kind = "instance" as const;
    public readonly engine: InstanceEngine;
    public readonly endpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: number;
    public readonly databaseName: string;
    public readonly masterSecretArn: pulumi.Output<string>;
    public readonly applicationUser: string;
    public readonly applicationUserArn: pulumi.Output<string>;
    public readonly identifier: string;
    /** The instance's AZ when single-AZ; Multi-AZ instances move between AZs. */
    public readonly availabilityZone: string | undefined;

    constructor(name: string, args: RdsInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        const engine = args.engine ?? "postgres";
        super("platform:data:RdsInstance", name, { ...args, component: "rds-instance", problems: rdsInstanceProblems(args) }, opts);

        const tagsFor = (resourceName: string) => this.tagsFor(resourceName);
        const facts = ENGINE_FACTS[engine];
        const { subnetGroup, monitoring } = createSharedParts(this, name, args, tagsFor);
        const parameterGroupName = args.naming.scoped("rdsIdentifier", "db", facts.family(args.engineVersion).replace(/\./g, "-"));
        const parameterGroup = new aws.rds.ParameterGroup(
            `${name}-parameters`,
            {
                name: parameterGroupName,
                family: facts.family(args.engineVersion),
                description: `${engine} ${args.engineVersion}: TLS only`,
                parameters: parametersOf(engine, args),
                tags: tagsFor(parameterGroupName),
            },
            { parent: this },
        );

        this.identifier = args.naming.scoped("rdsIdentifier", "db");
        const logExports = args.logExports ?? facts.logExports;
        const logGroups = exportLogGroups(this, name, args, { scope: "instance", identifier: this.identifier, logs: logExports }, tagsFor);
        // Single-AZ: the instance sits in the data tier's first AZ, beside the tasks in dev.
        this.availabilityZone = args.multiAz ? undefined : args.subnets[0].az;
        const instance = new aws.rds.Instance(
            `${name}-instance`,
            {
                identifier: this.identifier,
                engine,
                engineVersion: args.engineVersion,
                instanceClass: args.instanceClass,
                dbName: args.databaseName,
                username: args.masterUsername,
                manageMasterUserPassword: true,
                iamDatabaseAuthenticationEnabled: true,
                port: facts.port,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: args.securityGroupIds,
                publiclyAccessible: false,
                multiAz: args.multiAz ?? false,
                ...(this.availabilityZone ? { availabilityZone: this.availabilityZone } : {}),
                storageType: "gp3",
                allocatedStorage: args.storage.allocatedGb,
                maxAllocatedStorage: args.storage.maxAllocatedGb,
                storageEncrypted: true,
                ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
                parameterGroupName: parameterGroup.name,
                backupRetentionPeriod: args.backup.retentionDays,
                backupWindow: args.backup.window,
                maintenanceWindow: args.maintenanceWindow,
                copyTagsToSnapshot: true,
                autoMinorVersionUpgrade: args.autoMinorVersionUpgrade ?? true,
                deletionProtection: args.deletionProtection,
                ...finalSnapshotSettings(args, this.identifier),
                enabledCloudwatchLogsExports: [...logExports],
                ...insightsSettings(engine, args),
                ...monitoringSettings(args, monitoring),
                tags: tagsFor(this.identifier),
            },
            { parent: this, protect: args.protect ?? false, dependsOn: [...instanceDependencies(monitoring), ...logGroups] },
        );

        this.engine = engine;
        this.endpoint = instance.address;
        this.readerEndpoint = instance.address;
        this.port = facts.port;
        this.databaseName = args.databaseName;
        this.masterSecretArn = instance.masterUserSecrets.apply((secrets) => secrets[0].secretArn);
        this.applicationUser = args.applicationUser ?? DEFAULT_APPLICATION_USER;
        this.applicationUserArn = dbUserArn(this, instance.resourceId, this.applicationUser);
        this.registerOutputs({ endpoint: this.endpoint, port: this.port, masterSecretArn: this.masterSecretArn });
    }
}

/** Every rule the arguments must satisfy (config validation runs the same rules). */
export function rdsInstanceProblems(args: RdsInstanceArgs): Problem[] {
    const { allocatedGb, maxAllocatedGb } = args.storage;
    const problems: Problem[] = commonProblems("instance", args.engine ?? "postgres", args);
    if (!Number.isInteger(allocatedGb) || allocatedGb < 20 || allocatedGb > 65536) {
        problems.push({ path: ["storage", "allocatedGb"], message: `${allocatedGb} is outside 20–65536 GiB (gp3)` });
    } else if (!Number.isInteger(maxAllocatedGb) || maxAllocatedGb < Math.ceil(allocatedGb * 1.1) || maxAllocatedGb > 65536) {
        problems.push({
            path: ["storage", "maxAllocatedGb"],
            message: `${maxAllocatedGb} must be at least 10 % above allocatedGb (${Math.ceil(allocatedGb * 1.1)} for ${allocatedGb}) and at most 65536 GiB, so storage can grow`,
        });
    }
    return problems;
}
