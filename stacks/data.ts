/**
 * The data tier's component arguments from config, in one place: the assembly builds the
 * components from them, and config validation runs the components' rules on them (with
 * placeholder subnet ids) before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { AuroraClusterArgs } from "../components/data/database/aurora-cluster";
import { KafkaEc2Args } from "../components/data/kafka/kafka-ec2";
import { RdsInstanceArgs } from "../components/data/database/rds-instance";
import { LogRetentionDays } from "../lib/aws-limits";
import { AuroraEngine, InstanceEngine } from "../components/data/database/engines";
import { Naming } from "../lib/naming";
import { Tags } from "../lib/tags";
import { DatabaseConfig, PlatformConfig } from "./schema";

export type DatabaseComponentArgs = { kind: "instance"; args: RdsInstanceArgs } | { kind: "aurora"; args: AuroraClusterArgs };

export interface DatabaseParts {
    naming: Naming;
    tags?: Tags;
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; az: string }>;
    securityGroupIds: pulumi.Input<string>[];
    /** Pulumi `protect` on the data (prod). */
    protect?: boolean;
    /** Retention of the exported logs' groups. */
    logRetentionDays?: LogRetentionDays;
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
        finalSnapshot: db.finalSnapshot,
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

export interface KafkaParts {
    naming: Naming;
    tags?: Tags;
    /** The private subnets, with their CIDR and AZ. */
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; cidr: string; az: string }>;
    securityGroupIds: pulumi.Input<string>[];
}

export function kafkaArgs(config: PlatformConfig, parts: KafkaParts): KafkaEc2Args {
    const kafka = config.kafka!;
    return {
        ...parts,
        ...kafka,
        logRetentionDays: config.logRetentionDays,
        prod: config.env === "prod",
        // SPEC §3.6: prod keeps the partitions' volumes through any replacement or destroy.
        protect: config.env === "prod",
    };
}
