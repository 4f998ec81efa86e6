/**
 * AuroraCluster — Aurora PostgreSQL or Aurora MySQL (systems A prod, B, C): one writer and N
 * readers, each in a distinct AZ of the data tier (the AZs given, writer first, or the writer in
 * the first and each reader in the next); provisioned classes or Serverless v2 (min 0 ACU
 * allowed for auto-pause); the data tier's subnet group and the db security group; storage
 * encrypted with KMS; master password generated and kept by RDS in Secrets Manager; IAM database
 * authentication; TLS-only cluster parameters and an instance parameter group; backups and
 * windows; deletion protection and a final snapshot when asked (prod), none otherwise (dev);
 * Performance Insights and enhanced monitoring; log exports; tags copied to snapshots; minor
 * versions upgraded automatically; and, when asked, Application Auto Scaling of the reader count
 * on the readers' CPU.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AuroraEngine, ENGINE_FACTS, auroraInstanceAzs, instanceAzsProblems, readerPlacementProblem } from "./engines";
import { azLabel } from "../../../lib/naming";
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

export interface ReaderAutoscalingArgs {
    /** Fewest Aurora replicas; at least `readers`, which Pulumi manages itself. */
    min: number;
    /** Most Aurora replicas (AWS allows 15). */
    max: number;
    /** Average reader CPU (%) to hold. @default 70 */
    cpuTarget?: number;
}

export interface AuroraClusterArgs extends DatabaseCommonArgs {
    /** @default "aurora-postgresql" */
    engine?: AuroraEngine;
    /** Readers beside the writer, each in its own AZ. @default 1 */
    readers?: number;
    /**
     * The AZ of each instance the cluster starts with: the writer's first, then one per reader
     * (`readers + 1` distinct AZs of the data tier's subnets). Readers that autoscaling adds go
     * where Aurora puts them.
     * @default the writer in the data tier's first AZ, each reader in the next
     */
    instanceAzs?: readonly string[];
    /** Serverless v2 capacity (ACU), with `instanceClass: db.serverless`; min 0 lets it pause. */
    serverless?: { minAcu: number; maxAcu: number };
    /** Add and remove readers on CPU; absent: the reader count is fixed. */
    readerAutoscaling?: ReaderAutoscalingArgs;
}

export class AuroraCluster extends PlatformComponent implements Database {
    public readonly kind = "aurora" as const;
    public readonly engine: AuroraEngine;
    public readonly endpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: number;
    public readonly databaseName: string;
    public readonly masterSecretArn: pulumi.Output<string>;
    public readonly applicationUser: string;
    public readonly applicationUserArn: pulumi.Output<string>;
    public readonly clusterIdentifier: string;
    /** Identifier and AZ of each instance the cluster starts with, writer first. */
    public readonly instances: ReadonlyArray<{ identifier: string; az: string }>;

    constructor(name: string, args: AuroraClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const engine = args.engine ?? "aurora-postgresql";
        const readers = args.readers ?? 1;
        super("platform:data:AuroraCluster", name, { ...args, component: "aurora-cluster", problems: auroraClusterProblems(args) }, opts);
        const tagsFor = (resourceName: string) => this.tagsFor(resourceName);
        const facts = ENGINE_FACTS[engine];
        const family = facts.family(args.engineVersion);
        const { subnetGroup, monitoring } = createSharedParts(this, name, args, tagsFor);

        const clusterParametersName = args.naming.scoped("rdsIdentifier", "db", "cluster", family.replace(/\./g, "-"));
        const clusterParameters = new aws.rds.ClusterParameterGroup(
            `${name}-cluster-parameters`,
            { name: clusterParametersName, family, description: `${engine} ${args.engineVersion}: TLS only`, parameters: parametersOf(engine, args), tags: tagsFor(clusterParametersName) },
            { parent: this },
        );
        const instanceParametersName = args.naming.scoped("rdsIdentifier", "db", "instance", family.replace(/\./g, "-"));
        const instanceParameters = new aws.rds.ParameterGroup(
            `${name}-instance-parameters`,
            { name: instanceParametersName, family, description: `${engine} ${args.engineVersion} instances`, tags: tagsFor(instanceParametersName) },
            { parent: this },
        );

        this.clusterIdentifier = args.naming.scoped("rdsIdentifier", "db");
        const logExports = args.logExports ?? facts.logExports;
        const logGroups = exportLogGroups(this, name, args, { scope: "cluster", identifier: this.clusterIdentifier, logs: logExports }, tagsFor);
        const cluster = new aws.rds.Cluster(
            `${name}-cluster`,
            {
                clusterIdentifier: this.clusterIdentifier,
                engine,
                engineMode: "provisioned",
                engineVersion: args.engineVersion,
                databaseName: args.databaseName,
                masterUsername: args.masterUsername,
                manageMasterUserPassword: true,
                iamDatabaseAuthenticationEnabled: true,
                port: facts.port,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: args.securityGroupIds,
                dbClusterParameterGroupName: clusterParameters.name,
                storageEncrypted: true,
                ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
                backupRetentionPeriod: args.backup.retentionDays,
                preferredBackupWindow: args.backup.window,
                preferredMaintenanceWindow: args.maintenanceWindow,
                copyTagsToSnapshot: true,
                deletionProtection: args.deletionProtection,
                ...finalSnapshotSettings(args, this.clusterIdentifier),
                enabledCloudwatchLogsExports: [...logExports],
                ...(args.serverless
                    ? { serverlessv2ScalingConfiguration: { minCapacity: args.serverless.minAcu, maxCapacity: args.serverless.maxAcu } }
                    : {}),
                tags: tagsFor(this.clusterIdentifier),
            },
            // Readers added by autoscaling show up in the cluster's members; they are not drift. Nor is
            // Aurora MySQL's version after AWS's minor upgrade (its versions have no major-only form).
            {
                parent: this,
                protect: args.protect ?? false,
                ignoreChanges: engine === "aurora-mysql" && (args.autoMinorVersionUpgrade ?? true) ? ["clusterMembers", "engineVersion"] : ["clusterMembers"],
                dependsOn: logGroups,
            },
        );

        const azs = auroraInstanceAzs(args.subnets.map((s) => s.az), readers, args.instanceAzs);
        this.instances = azs.map((az) => ({ identifier: args.naming.scoped("rdsIdentifier", "db", azLabel(az)), az }));
        // The first instance of a cluster becomes its writer: the readers wait for it, so the writer is
        // the one in the configured AZ (created together, any of them could win the race).
        const instances: aws.rds.ClusterInstance[] = [];
        this.instances.forEach(({ identifier, az }, i) =>
            instances.push(new aws.rds.ClusterInstance(
                `${name}-${azLabel(az)}`,
                {
                    identifier,
                    clusterIdentifier: cluster.id,
                    // The engine version is the cluster's; an instance follows it.
                    engine,
                    instanceClass: args.instanceClass,
                    availabilityZone: az,
                    dbParameterGroupName: instanceParameters.name,
                    publiclyAccessible: false,
                    // The writer (first) fails over to the reader with the lowest tier.
                    promotionTier: i === 0 ? 0 : 1,
                    autoMinorVersionUpgrade: args.autoMinorVersionUpgrade ?? true,
                    copyTagsToSnapshot: true,
                    ...insightsSettings(engine, args),
                    ...monitoringSettings(args, monitoring),
                    tags: tagsFor(identifier),
                },
                { parent: this, protect: args.protect ?? false, dependsOn: [...instanceDependencies(monitoring), ...instances.slice(0, 1)] },
            )),
        );
        if (args.readerAutoscaling) {
            this.readerAutoscaling(name, args.readerAutoscaling, cluster, instances);
        }

        this.engine = engine;
        this.endpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;
        this.port = facts.port;
        this.databaseName = args.databaseName;
        this.masterSecretArn = cluster.masterUserSecrets.apply((secrets) => secrets[0].secretArn);
        this.applicationUser = args.applicationUser ?? DEFAULT_APPLICATION_USER;
        this.applicationUserArn = dbUserArn(this, cluster.clusterResourceId, this.applicationUser);
        this.registerOutputs({ endpoint: this.endpoint, readerEndpoint: this.readerEndpoint, port: this.port, masterSecretArn: this.masterSecretArn });
    }

    private readerAutoscaling(name: string, scaling: ReaderAutoscalingArgs, cluster: aws.rds.Cluster, instances: aws.rds.ClusterInstance[]): void {
        const target = new aws.appautoscaling.Target(
            `${name}-reader-scaling`,
            {
                serviceNamespace: "rds",
                scalableDimension: "rds:cluster:ReadReplicaCount",
                resourceId: pulumi.interpolate`cluster:${cluster.clusterIdentifier}`,
                minCapacity: scaling.min,
                maxCapacity: scaling.max,
                tags: this.tagsFor(`${this.clusterIdentifier}-readers`),
            },
            // Registered before the readers exist, autoscaling would add replicas of its own to reach min.
            { parent: this, dependsOn: instances },
        );
        new aws.appautoscaling.Policy(
            `${name}-reader-scale-on-cpu`,
            {
                name: `${this.clusterIdentifier}-readers-cpu`,
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" },
                    targetValue: scaling.cpuTarget ?? 70,
                    scaleInCooldown: 300,
                    scaleOutCooldown: 300,
                },
            },
            { parent: this },
        );
    }
}

/** Every rule the arguments must satisfy (config validation runs the same rules). */
export function auroraClusterProblems(args: AuroraClusterArgs): Problem[] {
    const readers = args.readers ?? 1;
    const problems: Problem[] = commonProblems("aurora", args.engine ?? "aurora-postgresql", args);
    if (!Number.isInteger(readers) || readers < 0 || readers > 15) {
        problems.push({ path: ["readers"], message: `${readers} is outside 0–15 (Aurora's replica limit)` });
    } else {
        const placement = readerPlacementProblem(args.subnets.map((s) => s.az), readers);
        if (placement) {
            problems.push(placement);
        } else if (args.instanceAzs !== undefined) {
            problems.push(...instanceAzsProblems(args.subnets.map((s) => s.az), readers, args.instanceAzs));
        }
    }
    const serverlessClass = args.instanceClass === "db.serverless";
    if (serverlessClass !== (args.serverless !== undefined)) {
        problems.push({ path: ["serverless"], message: "goes with instanceClass db.serverless, and db.serverless needs it (min and max ACU)" });
    } else if (args.serverless) {
        const { minAcu, maxAcu } = args.serverless;
        const halfSteps = (n: number) => Number.isInteger(n * 2);
        if (!halfSteps(minAcu) || !halfSteps(maxAcu) || minAcu < 0 || maxAcu < 1 || maxAcu > 256 || minAcu > maxAcu) {
            problems.push({ path: ["serverless"], message: `min ${minAcu} and max ${maxAcu} ACU must be in 0.5 steps with 0 ≤ min ≤ max, 1 ≤ max ≤ 256` });
        }
    }
    if (args.readerAutoscaling) {
        const { min, max } = args.readerAutoscaling;
        if (!Number.isInteger(min) || !Number.isInteger(max) || min > max || max > 15) {
            problems.push({ path: ["readerAutoscaling"], message: `min ${min} and max ${max} must be whole numbers with min ≤ max ≤ 15` });
        } else if (min < readers) {
            problems.push({ path: ["readerAutoscaling", "min"], message: `${min} is below the ${readers} reader(s) the stack runs; autoscaling would remove them` });
        }
    }
    return problems;
}
