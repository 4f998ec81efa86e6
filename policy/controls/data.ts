/**
 * The data stores' controls of the baseline: RDS and Aurora, ElastiCache, DynamoDB, S3, ECR and
 * SSM Parameter Store.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Control, Finding, Props, UNKNOWN, dependenciesOf, dependents, isObject, isSet, known, list, parseJson, peek, truthy } from "../lib";
import { T, isOneOf } from "../types";

/**
 * Aurora MySQL long-term-support lines, where AWS advises turning automatic minor upgrades off
 * ("Long-term support (LTS) and beta releases for Amazon Aurora MySQL", Aurora User Guide). The
 * database block's list (a test keeps them equal).
 */
export const AURORA_MYSQL_LTS_LINES: readonly string[] = ["3.04", "3.10"];

/** Whether an Aurora MySQL engine version (`8.0.mysql_aurora.3.10.1`) is on an LTS line. */
export function isAuroraMysqlLts(engineVersion: unknown): boolean {
    const match = /mysql_aurora\.(\d+\.\d+)\./.exec(String(engineVersion));
    return match !== null && AURORA_MYSQL_LTS_LINES.includes(match[1]);
}

/**
 * Whether Performance Insights runs on an instance class: not on the smallest burstable classes,
 * nor on db.t2/db.t3 with Aurora MySQL (RDS and Aurora User Guides, "DB engine, Region, and
 * instance class support for Performance Insights"). The database block's rule (a test keeps them equal).
 */
export function performanceInsightsSupported(engine: string, instanceClass: string): boolean {
    if (engine === "aurora-mysql" && /^db\.t[23]\./.test(instanceClass)) {
        return false;
    }
    return !/^db\.t\d+g?\.(micro|small)$/.test(instanceClass);
}

/** The CloudWatch Logs exports each engine must have (RDS.9; Aurora MySQL's audit log is RDS.34, PostgreSQL's RDS.36/37). */
const REQUIRED_LOG_EXPORTS: Readonly<Record<string, readonly string[]>> = {
    postgres: ["postgresql"],
    "aurora-postgresql": ["postgresql"],
    "aurora-mysql": ["audit", "error", "slowquery"],
    mysql: ["audit", "error", "slowquery"],
    mariadb: ["audit", "error", "slowquery"],
};

const DB_TYPES = [T.rdsInstance, T.rdsCluster];
const kindOf = (type: string) => (type === T.rdsCluster ? "cluster" : "instance");

/** The Aurora clusters of the stack by identifier (a config value, known during a preview). */
function clustersByIdentifier(resources: readonly PolicyResource[]): Map<string, PolicyResource> {
    const clusters = new Map<string, PolicyResource>();
    for (const cluster of resources.filter((r) => r.type === T.rdsCluster)) {
        const id = known(() => cluster.props.clusterIdentifier);
        if (typeof id === "string") {
            clusters.set(id, cluster);
        }
    }
    return clusters;
}

/** The cluster a cluster instance belongs to: by dependency, or by its identifier. */
function clusterOf(instance: PolicyResource, clusters: Map<string, PolicyResource>): PolicyResource | undefined {
    const byDependency = dependenciesOf(instance, "clusterIdentifier", T.rdsCluster)[0];
    const id = known(() => instance.props.clusterIdentifier);
    return byDependency ?? (typeof id === "string" ? clusters.get(id) : undefined);
}

export const rdsControls: Control[] = [
    {
        name: "rds-2-not-public",
        fsbp: "RDS.2",
        severity: "critical",
        description: "No database instance is publicly accessible.",
        types: [T.rdsInstance, T.rdsClusterInstance],
        check: (props) => (truthy(props.publiclyAccessible) ? ["publiclyAccessible is true; the database gets a public address"] : []),
    },
    {
        name: "rds-3-storage-encrypted",
        fsbp: "RDS.3",
        severity: "medium",
        description: "Database storage is encrypted at rest: instances (RDS.3) and Aurora clusters (RDS.27).",
        types: DB_TYPES,
        check: (props, args) => (props.storageEncrypted === true ? [] : [`the ${kindOf(args.type)}'s storage is not encrypted; set storageEncrypted: true`]),
    },
    {
        name: "rds-8-deletion-protection",
        fsbp: "RDS.8",
        severity: "low",
        description: "Databases have deletion protection on: instances (RDS.8) and clusters (RDS.7).",
        devOk: "deletion protection off",
        types: DB_TYPES,
        check: (props, args) => (props.deletionProtection === true ? [] : [`the ${kindOf(args.type)} has no deletion protection; set deletionProtection: true`]),
    },
    {
        name: "rds-11-backup-retention",
        fsbp: "RDS.11",
        severity: "medium",
        description: "Databases keep automated backups at least 7 days (instances RDS.11; clusters too).",
        devOk: "1 day",
        types: DB_TYPES,
        check: (props) => {
            const days = Number(props.backupRetentionPeriod ?? 1);
            return days >= 7 ? [] : [`automated backups are kept ${days} day${days === 1 ? "" : "s"}; keep them at least 7 (backupRetentionPeriod)`];
        },
        devFloor: (props) => {
            const days = Number(props.backupRetentionPeriod ?? 1);
            return days >= 1 ? [] : ["automated backups are off (backupRetentionPeriod 0); dev keeps them at least 1 day"];
        },
    },
    {
        name: "rds-10-iam-authentication",
        fsbp: "RDS.10",
        severity: "medium",
        description: "Databases accept IAM authentication, so applications sign in as their own user with IAM tokens: instances (RDS.10) and clusters (RDS.12).",
        types: DB_TYPES,
        check: (props, args) => (props.iamDatabaseAuthenticationEnabled === true ? [] : [`IAM authentication is off on the ${kindOf(args.type)}; set iamDatabaseAuthenticationEnabled: true`]),
    },
    {
        name: "rds-17-copy-tags-to-snapshots",
        fsbp: "RDS.17",
        severity: "low",
        description: "Databases copy their tags to snapshots: instances (RDS.17) and clusters (RDS.16).",
        types: DB_TYPES,
        check: (props, args) => (props.copyTagsToSnapshot === true ? [] : [`the ${kindOf(args.type)} does not copy tags to snapshots; set copyTagsToSnapshot: true`]),
    },
    {
        name: "rds-6-enhanced-monitoring",
        fsbp: "RDS.6",
        severity: "low",
        description: "Database instances (and Aurora cluster instances) have enhanced monitoring (monitoringInterval above 0).",
        types: [T.rdsInstance, T.rdsClusterInstance],
        check: (props) => (Number(props.monitoringInterval ?? 0) > 0 ? [] : ["enhanced monitoring is off; set monitoringInterval (e.g. 60) and monitoringRoleArn"]),
    },
    {
        name: "rds-performance-insights",
        description: "Database instances run Performance Insights wherever their class supports it (not db.t*.micro/small, nor db.t2/t3 with Aurora MySQL).",
        types: [T.rdsInstance, T.rdsClusterInstance],
        check: (props) => {
            const supported = performanceInsightsSupported(String(props.engine ?? ""), String(props.instanceClass ?? ""));
            return !supported || props.performanceInsightsEnabled === true ? [] : [`Performance Insights is off on ${String(props.instanceClass)}; set performanceInsightsEnabled: true`];
        },
    },
    {
        name: "rds-9-log-exports",
        fsbp: "RDS.9",
        severity: "medium",
        description: "Databases export their logs to CloudWatch Logs: PostgreSQL its postgresql log (RDS.36, RDS.37), MySQL and Aurora MySQL their audit, error and slow-query logs (RDS.34).",
        types: DB_TYPES,
        check: (props, args) => {
            if (args.type === T.rdsInstance && String(props.engine).startsWith("aurora")) {
                return [];
            }
            const exported = list(props.enabledCloudwatchLogsExports).map(String);
            const required = REQUIRED_LOG_EXPORTS[String(props.engine)] ?? ["(any)"];
            const missing = required[0] === "(any)" ? (exported.length === 0 ? ["any log"] : []) : required.filter((log) => !exported.includes(log));
            return missing.length === 0 ? [] : [`the ${kindOf(args.type)} does not export ${missing.join(", ")} to CloudWatch Logs; add them to enabledCloudwatchLogsExports`];
        },
    },
    {
        name: "rds-13-auto-minor-upgrade",
        fsbp: "RDS.13",
        severity: "high",
        description:
            "Database instances take AWS's minor version upgrades in their maintenance window (instances RDS.13, Aurora cluster instances RDS.35), except on an Aurora MySQL long-term-support line (3.04, 3.10), where AWS advises turning them off.",
        stack: (resources) => {
            const clusters = clustersByIdentifier(resources);
            return resources
                .filter((r) => r.type === T.rdsInstance || r.type === T.rdsClusterInstance)
                .filter((r) => known(() => r.props.autoMinorVersionUpgrade) === false)
                .filter((r) => {
                    const cluster = r.type === T.rdsClusterInstance ? clusterOf(r, clusters) : undefined;
                    return !(cluster && known(() => cluster.props.engine) === "aurora-mysql" && isAuroraMysqlLts(known(() => cluster.props.engineVersion)));
                })
                .map((r): Finding => ({ resource: r, message: `${r.name} does not take minor version upgrades; set autoMinorVersionUpgrade: true (only an Aurora MySQL LTS line may turn it off)` }));
        },
    },
    {
        name: "rds-5-multi-az",
        fsbp: "RDS.5",
        severity: "medium",
        description:
            "Databases survive the loss of an AZ: an instance is Multi-AZ (RDS.5); an Aurora cluster has instances in at least two AZs (RDS.15). The baseline's prod runs Multi-AZ everywhere (docs/design.md).",
        devOk: "a single-AZ database (system A's dev follows its source design)",
        stack: (resources) => {
            const clusters = clustersByIdentifier(resources);
            const findings: Finding[] = resources
                .filter((r) => r.type === T.rdsInstance && !truthy(known(() => r.props.multiAz)) && !known(() => r.props.replicateSourceDb))
                .map((r) => ({ resource: r, message: `${r.name} runs in one AZ; set multiAz: true` }));
            for (const cluster of resources.filter((r) => r.type === T.rdsCluster)) {
                const members = resources.filter((r) => r.type === T.rdsClusterInstance && clusterOf(r, clusters)?.urn === cluster.urn);
                const azs = new Set(members.map((m) => known(() => m.props.availabilityZone)).filter((az) => typeof az === "string"));
                const unplaced = members.some((m) => known(() => m.props.availabilityZone) === undefined);
                if (members.length < 2 || (azs.size < 2 && !unplaced)) {
                    findings.push({ resource: cluster, message: `${cluster.name} has ${members.length} instance${members.length === 1 ? "" : "s"} in ${azs.size} AZ${azs.size === 1 ? "" : "s"}; add a reader in another AZ` });
                }
            }
            return findings;
        },
    },
];

export const elasticacheControls: Control[] = [
    {
        name: "elasticache-4-encryption-at-rest",
        fsbp: "ElastiCache.4",
        severity: "medium",
        description: "ElastiCache replication groups are encrypted at rest.",
        types: [T.replicationGroup],
        check: (props) => (truthy(props.atRestEncryptionEnabled) ? [] : ["encryption at rest is off; set atRestEncryptionEnabled: true"]),
    },
    {
        name: "elasticache-5-encryption-in-transit",
        fsbp: "ElastiCache.5",
        severity: "medium",
        description: "ElastiCache replication groups encrypt traffic in transit (TLS).",
        types: [T.replicationGroup],
        check: (props) => (truthy(props.transitEncryptionEnabled) ? [] : ["TLS is off; set transitEncryptionEnabled: true"]),
    },
    {
        name: "elasticache-6-auth",
        fsbp: "ElastiCache.6",
        severity: "medium",
        description: "Clients authenticate to ElastiCache: RBAC user groups (userGroupIds) or an AUTH token, whatever the engine version.",
        types: [T.replicationGroup],
        check: (props) => (list(props.userGroupIds).length > 0 || isSet(props, "authToken") ? [] : ["clients connect without authentication; set userGroupIds (RBAC) or an authToken"]),
    },
    {
        name: "elasticache-3-failover-multi-az",
        fsbp: "ElastiCache.3",
        severity: "medium",
        description: "ElastiCache replication groups fail over automatically to a replica in another AZ (automaticFailoverEnabled and multiAzEnabled).",
        devOk: "failover and Multi-AZ off",
        types: [T.replicationGroup],
        check: (props) => {
            const missing = [truthy(props.automaticFailoverEnabled) ? undefined : "automaticFailoverEnabled", truthy(props.multiAzEnabled) ? undefined : "multiAzEnabled"].filter((m) => m !== undefined);
            return missing.length === 0 ? [] : [`${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} off; a node's AZ failing takes the cache down`];
        },
    },
    {
        name: "elasticache-1-snapshots",
        fsbp: "ElastiCache.1",
        severity: "high",
        description: "ElastiCache replication groups keep automatic snapshots at least 1 day.",
        devOk: "0 days (no snapshots)",
        types: [T.replicationGroup],
        check: (props) => (Number(props.snapshotRetentionLimit ?? 0) >= 1 ? [] : ["no automatic snapshots are kept; set snapshotRetentionLimit to 1 or more"]),
    },
];

export const dynamodbControls: Control[] = [
    {
        name: "dynamodb-2-point-in-time-recovery",
        fsbp: "DynamoDB.2",
        severity: "medium",
        description: "DynamoDB tables have point-in-time recovery on.",
        types: [T.dynamoTable],
        check: (props) => (isObject(props.pointInTimeRecovery) && truthy(props.pointInTimeRecovery.enabled) ? [] : ["point-in-time recovery is off; set pointInTimeRecovery.enabled: true"]),
    },
    {
        name: "dynamodb-6-deletion-protection",
        fsbp: "DynamoDB.6",
        severity: "medium",
        description: "DynamoDB tables have deletion protection on.",
        devOk: "deletion protection off (the baseline asks for it in prod)",
        types: [T.dynamoTable],
        check: (props) => (truthy(props.deletionProtectionEnabled) ? [] : ["deletion protection is off; set deletionProtectionEnabled: true"]),
    },
    {
        name: "dynamodb-kms-encryption",
        description:
            "DynamoDB tables are encrypted at rest with a KMS key (serverSideEncryption.enabled: the AWS managed key aws/dynamodb, or kmsKeyArn), whose use CloudTrail records, rather than only the AWS owned key.",
        types: [T.dynamoTable],
        check: (props) => (isObject(props.serverSideEncryption) && truthy(props.serverSideEncryption.enabled) ? [] : ["the table is encrypted with the AWS owned key only; set serverSideEncryption.enabled: true"]),
    },
];

/** Statements of a bucket policy that deny every request not made over TLS. */
function deniesInsecureTransport(policy: unknown): boolean {
    const document = parseJson(policy);
    const statements = isObject(document) ? list(document.Statement).filter(isObject) : [];
    return statements.some((s) => {
        if (s.Effect !== "Deny" || !isObject(s.Condition) || !isObject(s.Condition.Bool)) {
            return false;
        }
        const value = s.Condition.Bool["aws:SecureTransport"];
        const principal = s.Principal === "*" || (isObject(s.Principal) && list(s.Principal.AWS).includes("*"));
        const actions = list(s.Action).map(String);
        return (value === false || value === "false") && principal && (actions.includes("s3:*") || actions.includes("*"));
    });
}

/** Buckets of the stack (either bucket resource type). */
function buckets(resources: readonly PolicyResource[]): PolicyResource[] {
    return resources.filter((r) => r.type === T.bucket || r.type === T.bucketV2);
}

/** A bucket's companion resources of `types` (configured through their `bucket` input). */
function companions(resources: readonly PolicyResource[], bucket: PolicyResource, types: string | readonly string[]): PolicyResource[] {
    return resources.filter((r) => isOneOf(r.type, types) && dependenciesOf(r, "bucket").some((d) => d.urn === bucket.urn));
}

/** Buckets that receive logs (a load balancer's access logs): their objects are not data to keep versions of. */
function logBuckets(resources: readonly PolicyResource[]): Set<string> {
    return new Set(resources.filter((r) => isOneOf(r.type, T.loadBalancers)).flatMap((lb) => dependenciesOf(lb, "accessLogs").map((d) => d.urn)));
}

const PUBLIC_ACCESS_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3Controls: Control[] = [
    {
        name: "s3-8-block-public-access",
        fsbp: "S3.8",
        severity: "high",
        description: "Every bucket has a public access block with all four settings on.",
        stack: (resources) =>
            buckets(resources).flatMap((bucket): Finding[] => {
                const blocks = companions(resources, bucket, T.publicAccessBlock);
                if (blocks.length === 0) {
                    return [{ resource: bucket, message: `${bucket.name} has no public access block (aws.s3.BucketPublicAccessBlock)` }];
                }
                const off = PUBLIC_ACCESS_SETTINGS.filter((key) => !blocks.some((b) => known(() => b.props[key]) === true));
                return off.length === 0 ? [] : [{ resource: bucket, message: `${bucket.name}'s public access block leaves ${off.join(", ")} off` }];
            }),
    },
    {
        name: "s3-encryption",
        description:
            "Every bucket states its default encryption (SSE-S3 or SSE-KMS) in a server-side encryption configuration. (FSBP's S3.4 is retired: S3 encrypts new objects with SSE-S3 by default since 2023; the configuration keeps the choice reviewable.)",
        stack: (resources) =>
            buckets(resources)
                .filter((bucket) => companions(resources, bucket, T.bucketEncryption).length === 0 && !isObject(known(() => bucket.props.serverSideEncryptionConfiguration)))
                .map((bucket): Finding => ({ resource: bucket, message: `${bucket.name} has no server-side encryption configuration` })),
    },
    {
        name: "s3-5-ssl-only",
        fsbp: "S3.5",
        severity: "medium",
        description: "Every bucket's policy denies requests not made over TLS (Deny s3:* when aws:SecureTransport is false).",
        stack: (resources) =>
            buckets(resources)
                // A policy document not known yet (it names a bucket created in the same update) is checked at the next preview.
                .filter((bucket) => !companions(resources, bucket, T.bucketPolicy).some((p) => peek(() => p.props.policy) === UNKNOWN || deniesInsecureTransport(p.props.policy)) && !deniesInsecureTransport(known(() => bucket.props.policy)))
                .map((bucket): Finding => ({ resource: bucket, message: `${bucket.name}'s policy does not deny requests without TLS (aws:SecureTransport false)` })),
    },
    {
        name: "s3-versioning",
        description:
            "Buckets that hold data keep object versions (versioning Enabled); buckets that only receive logs are exempt. (Security Hub's S3.14, not in FSBP, asks it of every bucket.)",
        devOk: "versioning off (the buckets block's dev default: dev data is disposable)",
        stack: (resources) => {
            const logs = logBuckets(resources);
            return buckets(resources)
                .filter((bucket) => !logs.has(bucket.urn))
                .filter((bucket) => {
                    const versioning = companions(resources, bucket, T.bucketVersioning).map((v) => known(() => (isObject(v.props.versioningConfiguration) ? v.props.versioningConfiguration.status : undefined)));
                    const inline = known(() => (isObject(bucket.props.versioning) ? bucket.props.versioning.enabled : undefined));
                    return !versioning.includes("Enabled") && inline !== true;
                })
                .map((bucket): Finding => ({ resource: bucket, message: `${bucket.name} keeps no object versions; enable versioning (aws.s3.BucketVersioning)` }));
        },
    },
];

export const ecrControls: Control[] = [
    {
        name: "ecr-1-scan-on-push",
        fsbp: "ECR.1",
        severity: "high",
        description: "ECR repositories scan images on push.",
        types: [T.ecrRepository],
        check: (props) => (isObject(props.imageScanningConfiguration) && truthy(props.imageScanningConfiguration.scanOnPush) ? [] : ["images are not scanned on push; set imageScanningConfiguration.scanOnPush: true"]),
    },
    {
        name: "ecr-2-immutable-tags",
        fsbp: "ECR.2",
        severity: "medium",
        description: "ECR repositories have immutable tags (a tag names one image for good).",
        types: [T.ecrRepository],
        check: (props) => (String(props.imageTagMutability ?? "MUTABLE").startsWith("IMMUTABLE") ? [] : ["tags are mutable; set imageTagMutability: IMMUTABLE"]),
    },
    {
        name: "ecr-3-lifecycle-policy",
        fsbp: "ECR.3",
        severity: "medium",
        description: "Every ECR repository has a lifecycle policy.",
        stack: (resources) =>
            resources
                .filter((r) => r.type === T.ecrRepository)
                .filter((repo) => dependents(resources, repo, T.ecrLifecyclePolicy, "repository").length === 0)
                .map((repo): Finding => ({ resource: repo, message: `${repo.name} has no lifecycle policy (aws.ecr.LifecyclePolicy)` })),
    },
];

/** SSM read actions an application uses to read parameters. */
const SSM_READ = /^ssm:(\*|Get\*|GetParameter\*?|GetParameters|GetParametersByPath|GetParameterHistory)$/i;

/** Why a statement's resource is wider than one path of parameters, if it is. */
function broadParameterResource(resource: string): string | undefined {
    if (resource === "*") {
        return "every resource (*)";
    }
    const match = /^arn:[^:]*:ssm:[^:]*:[^:]*:parameter(\/?)(.*)$/.exec(resource);
    if (!match) {
        return resource.startsWith("arn:") && /:ssm:/.test(resource) ? undefined : resource.includes("*") && /ssm/.test(resource) ? resource : undefined;
    }
    const path = match[2];
    const firstSegment = path.split("/")[0];
    return path === "" || path === "*" || firstSegment.includes("*") ? `every parameter (${resource})` : undefined;
}

/** IAM policy documents an IAM resource holds (a policy's `policy`, a role's inline policies). */
function policyDocuments(props: Props, type: string): unknown[] {
    if (type === T.iamRole) {
        return list(props.inlinePolicies).filter(isObject).map((p) => p.policy);
    }
    return [props.policy];
}

export const ssmControls: Control[] = [
    {
        name: "ssm-securestring-cmk",
        description: "SecureString parameters are encrypted with a customer managed KMS key (keyId), not the account's AWS managed key (alias/aws/ssm).",
        severity: "medium",
        types: [T.ssmParameter],
        check: (props) => {
            if (props.type !== "SecureString") {
                return [];
            }
            if (!isSet(props, "keyId")) {
                return ["the SecureString uses the AWS managed key (no keyId); set keyId to a customer managed key"];
            }
            const key = known(() => props.keyId);
            return typeof key === "string" && /(^|:)alias\/aws\/ssm$/.test(key) ? ["the SecureString uses the AWS managed key alias/aws/ssm; use a customer managed key"] : [];
        },
    },
    {
        name: "ssm-read-own-path",
        description: "An IAM policy that reads SSM parameters names a path of them (parameter/<app>/…), never every parameter of the account (`*`, parameter/*).",
        severity: "high",
        types: [...T.iamPolicies, T.iamRole],
        check: (props, args) =>
            policyDocuments(props, args.type).flatMap((policy) => {
                const document = parseJson(policy);
                const statements = isObject(document) ? list(document.Statement).filter(isObject) : [];
                return statements
                    .filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => SSM_READ.test(String(a)) || a === "*"))
                    .flatMap((s) =>
                        list(s.Resource)
                            .map((r) => broadParameterResource(String(r)))
                            .filter((why): why is string => why !== undefined)
                            .map((why) => `${String(s.Sid ?? "a statement")} reads SSM parameters on ${why}; name the application's path (parameter/<path>/*)`),
                    );
            }),
    },
];
