/**
 * The database's component arguments from config, in one place: the assembly builds the
 * component from them, and config validation runs the component's rules on them (with
 * placeholder subnet ids) before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { AuroraClusterArgs } from "../components/aurora-cluster";
import { RdsInstanceArgs } from "../components/rds-instance";
import { AuroraEngine, InstanceEngine } from "../lib/database";
import { Naming } from "../lib/naming";
import { Tags } from "../lib/tags";
import { DatabaseConfig } from "./schema";

export type DatabaseComponentArgs = { kind: "instance"; args: RdsInstanceArgs } | { kind: "aurora"; args: AuroraClusterArgs };

export interface DatabaseParts {
    naming: Naming;
    tags?: Tags;
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; az: string }>;
    securityGroupIds: pulumi.Input<string>[];
    /** Pulumi `protect` on the data (prod). */
    protect?: boolean;
}

export function databaseArgs(db: DatabaseConfig, parts: DatabaseParts): DatabaseComponentArgs {
    const common = {
        ...parts,
        engineVersion: db.engineVersion,
        instanceClass: db.instanceClass,
        databaseName: db.databaseName,
        masterUsername: db.masterUsername,
        backup: db.backup,
        maintenanceWindow: db.maintenanceWindow,
        deletionProtection: db.deletionProtection,
        performanceInsights: db.performanceInsights,
        monitoringIntervalSeconds: db.monitoringIntervalSeconds,
        logExports: db.logExports,
        parameters: db.parameters,
        kmsKeyArn: db.kmsKeyArn,
    };
    return db.kind === "instance"
        ? { kind: "instance", args: { ...common, engine: db.engine as InstanceEngine, storage: db.storage!, multiAz: db.multiAz } }
        : { kind: "aurora", args: { ...common, engine: db.engine as AuroraEngine, readers: db.readers, serverless: db.serverless, readerAutoscaling: db.readerAutoscaling } };
}
