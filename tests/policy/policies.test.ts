/**
 * Every policy of the pack on hand-made resources: for each control, resources that violate it
 * and resources that comply, evaluated the way the offline runner does (tooling/policy.ts, which
 * builds CrossGuard's arguments and finds an input's dependencies by the ids it holds). A control
 * the baseline lets dev relax is reported as mandatory for a prod resource and as advisory
 * (`<name>-dev`) for a dev one.
 */
import { expect } from "chai";
import { Level, PolicyInput, Violation, evaluatePolicies } from "../../tooling/policy";
import { controls, policies } from "../../policy/policies";
import { ALB_TLS_POLICIES } from "../../policy/controls/edge";
import { AURORA_MYSQL_LTS_LINES, performanceInsightsSupported } from "../../policy/controls/data";
import { TLS_POLICIES } from "../../components/traffic/blue-green-alb/blue-green-alb";
import * as engines from "../../components/data/database/engines";

const PROD = { Environment: "prod" };
const DEV = { Environment: "dev" };

let counter = 0;
/** A resource of `type` named `name` with `inputs`; `id` for the ones others reference. */
function r(type: string, name: string, inputs: Record<string, unknown>, id?: string): PolicyInput {
    counter++;
    return { urn: `urn:pulumi:test::platform::${type}::${name}`, id: id ?? `${name}-${counter}`, type, name, parent: null, inputs };
}

function violations(resources: readonly PolicyInput[], devEnvironments?: string[]): Violation[] {
    return [...evaluatePolicies(resources, devEnvironments ? { devEnvironments } : {}).violations];
}

function of(policy: string, resources: readonly PolicyInput[], devEnvironments?: string[]): Array<{ level: Level; message: string; resource: string }> {
    return violations(resources, devEnvironments)
        .filter((v) => v.policy === policy)
        .map(({ level, message, resource }) => ({ level, message, resource }));
}

interface Case {
    /** The control's policy name (for a relaxable control, the mandatory one). */
    readonly control: string;
    /** Resources (prod-tagged where tags matter) that violate it; `message` matches the first violation. */
    readonly violating: (tags: Record<string, string>) => PolicyInput[];
    readonly message: RegExp;
    /** Resources that comply. */
    readonly compliant: (tags: Record<string, string>) => PolicyInput[];
}

const td = (containers: object[]) => r("aws:ecs/taskDefinition:TaskDefinition", "task", { family: "f", containerDefinitions: JSON.stringify(containers), tags: PROD });
const container = (extra: object = {}) => ({ name: "app", privileged: false, readonlyRootFilesystem: true, logConfiguration: { logDriver: "awslogs" }, environment: [{ name: "DB_HOST", value: "h" }], ...extra });
const LB = "aws:lb/loadBalancer:LoadBalancer";
const lb = (tags: Record<string, string>, extra: object = {}) =>
    r(LB, "alb", { loadBalancerType: "application", dropInvalidHeaderFields: true, enableDeletionProtection: true, accessLogs: { bucket: "logs", enabled: true }, internal: false, securityGroups: ["sg-alb"], tags, ...extra }, "arn:aws:elasticloadbalancing:ap-northeast-2:1:loadbalancer/app/alb/1");
const listener = (extra: object) => r("aws:lb/listener:Listener", "listener", { port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward" }], ...extra });
const DB = "aws:rds/instance:Instance";
const db = (tags: Record<string, string>, extra: object = {}) =>
    r(DB, "db", {
        engine: "postgres",
        instanceClass: "db.r7g.large",
        storageEncrypted: true,
        deletionProtection: true,
        backupRetentionPeriod: 7,
        iamDatabaseAuthenticationEnabled: true,
        copyTagsToSnapshot: true,
        monitoringInterval: 60,
        performanceInsightsEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        multiAz: true,
        publiclyAccessible: false,
        tags,
        ...extra,
    });
const CLUSTER = "aws:rds/cluster:Cluster";
const CI = "aws:rds/clusterInstance:ClusterInstance";
const cluster = (tags: Record<string, string>, extra: object = {}) =>
    r(CLUSTER, "aurora", { clusterIdentifier: "aurora", engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.10.1", storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 7, iamDatabaseAuthenticationEnabled: true, copyTagsToSnapshot: true, enabledCloudwatchLogsExports: ["audit", "error", "slowquery"], tags, ...extra }, "aurora");
const member = (name: string, az: string, extra: object = {}) => r(CI, name, { clusterIdentifier: "aurora", engine: "aurora-mysql", instanceClass: "db.r7g.large", availabilityZone: az, monitoringInterval: 30, performanceInsightsEnabled: true, ...extra });
const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const cache = (tags: Record<string, string>, extra: object = {}) =>
    r(RG, "cache", { atRestEncryptionEnabled: true, transitEncryptionEnabled: true, userGroupIds: ["users"], automaticFailoverEnabled: true, multiAzEnabled: true, snapshotRetentionLimit: 7, tags, ...extra });
const IMDS2 = { httpTokens: "required", httpPutResponseHopLimit: 1 };
const instance = (extra: object = {}) => r("aws:ec2/instance:Instance", "kafka", { metadataOptions: IMDS2, rootBlockDevice: { encrypted: true }, ...extra });
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const template = (extra: object = {}) => r(LT, "nodes-lt", { metadataOptions: IMDS2, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], ...extra }, "lt-1");
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ingress = (name: string, group: string, extra: object) => r(INGRESS, name, { securityGroupId: group, ipProtocol: "tcp", ...extra });
const VPC = "aws:ec2/vpc:Vpc";
const vpc = (tags: Record<string, string>) => r(VPC, "vpc", { cidrBlock: "10.0.0.0/16", tags }, "vpc-1");
const BUCKET = "aws:s3/bucket:Bucket";
const bucket = (tags: Record<string, string>, name = "data") => r(BUCKET, name, { bucket: `b-${name}`, tags }, `b-${name}`);
const pab = (b: string, extra: object = {}) => r("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${b}-pab`, { bucket: b, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...extra });
const TLS_ONLY = (b: string) => JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`], Condition: { Bool: { "aws:SecureTransport": false } } }] });
const bucketPolicy = (b: string, policy: string) => r("aws:s3/bucketPolicy:BucketPolicy", `${b}-policy`, { bucket: b, policy });
const versioning = (b: string) => r("aws:s3/bucketVersioning:BucketVersioning", `${b}-versioning`, { bucket: b, versioningConfiguration: { status: "Enabled" } });
const repo = (extra: object = {}) => r("aws:ecr/repository:Repository", "repo", { name: "repo", imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE", ...extra }, "repo");
const TABLE = "aws:dynamodb/table:Table";
const table = (tags: Record<string, string>, extra: object = {}) => r(TABLE, "table", { pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true, serverSideEncryption: { enabled: true }, tags, ...extra });
const DIST = "aws:cloudfront/distribution:Distribution";
const s3Origin = { originId: "s3", domainName: "b.s3.ap-northeast-2.amazonaws.com", originAccessControlId: "E1" };
const customOrigin = (extra: object = {}) => ({ originId: "api", domainName: "origin.example.com", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], httpPort: 80, httpsPort: 443, ...extra } });
const distribution = (tags: Record<string, string>, extra: object = {}) =>
    r(DIST, "cdn", {
        origins: [s3Origin],
        defaultCacheBehavior: { targetOriginId: "s3", viewerProtocolPolicy: "redirect-to-https" },
        viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/x", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
        webAclId: "arn:aws:wafv2:us-east-1:1:global/webacl/x/1",
        tags,
        ...extra,
    });
const FN = "aws:lambda/function:Function";
const fn = (extra: object = {}) => r(FN, "fn", { name: "fn", tracingConfig: { mode: "Active" }, loggingConfig: { logGroup: "/aws/lambda/fn" }, ...extra });
const logGroup = (name: string, extra: object = {}) => r("aws:cloudwatch/logGroup:LogGroup", `lg-${name}`, { name, retentionInDays: 30, ...extra }, name);
const STAGE = "aws:apigatewayv2/stage:Stage";
const stage = (extra: object = {}) => r(STAGE, "stage", { accessLogSettings: { destinationArn: "arn:aws:logs:x", format: "{}" }, defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 }, ...extra });
const EKS = "aws:eks/cluster:Cluster";
const eks = (extra: object = {}) => r(EKS, "eks", { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:x" } }, enabledClusterLogTypes: ["api", "audit", "authenticator"], ...extra });
const NG = "aws:eks/nodeGroup:NodeGroup";
const subnet = (name: string, id: string, extra: object = {}) => r("aws:ec2/subnet:Subnet", name, { vpcId: "vpc-1", ...extra }, id);
/** A public route table (0.0.0.0/0 to an internet gateway) for `subnetId`. */
const publicRouting = (subnetId: string) => [
    r("aws:ec2/internetGateway:InternetGateway", "igw", { vpcId: "vpc-1" }, "igw-1"),
    r("aws:ec2/routeTable:RouteTable", "rt-public", { vpcId: "vpc-1" }, "rtb-public"),
    r("aws:ec2/route:Route", "default-route", { routeTableId: "rtb-public", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }),
    r("aws:ec2/routeTableAssociation:RouteTableAssociation", "rta", { routeTableId: "rtb-public", subnetId }),
];
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PEER = "kubernetes:security.istio.io/v1:PeerAuthentication";
const istiod = () => r(RELEASE, "istiod", { chart: "istiod", namespace: "istio-system", values: {} });
const peer = (name: string, namespace: string, spec: object) => r(PEER, name, { metadata: { name, namespace }, spec });
const policyDoc = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

const CASES: Case[] = [
    // ECS
    { control: "ecs-4-no-privileged-containers", violating: () => [td([container({ privileged: true })])], message: /container app is privileged/, compliant: () => [td([container()])] },
    { control: "ecs-5-read-only-root-filesystem", violating: () => [td([container({ readonlyRootFilesystem: false })])], message: /writable root filesystem/, compliant: () => [td([container()])] },
    { control: "ecs-8-secrets-not-in-environment", violating: () => [td([container({ environment: [{ name: "DB_PASSWORD", value: "x" }] })])], message: /DB_PASSWORD as a plain environment variable/, compliant: () => [td([container({ environment: [{ name: "DB_PASSWORD_SECRET_ARN", value: "arn" }] })])] },
    { control: "ecs-9-container-logging", violating: () => [td([container({ logConfiguration: undefined })])], message: /has no logConfiguration/, compliant: () => [td([container()])] },
    { control: "ecs-2-no-public-ip", violating: () => [r("aws:ecs/service:Service", "svc", { networkConfiguration: { assignPublicIp: true, subnets: ["s"] } })], message: /assignPublicIp is true/, compliant: () => [r("aws:ecs/service:Service", "svc", { networkConfiguration: { assignPublicIp: false, subnets: ["s"] } })] },
    { control: "ecs-12-container-insights", violating: () => [r("aws:ecs/cluster:Cluster", "ecs", { settings: [{ name: "containerInsights", value: "disabled" }] })], message: /Container Insights is disabled/, compliant: () => [r("aws:ecs/cluster:Cluster", "ecs", { settings: [{ name: "containerInsights", value: "enhanced" }] })] },
    // ALB
    { control: "elb-1-http-redirects-to-https", violating: () => [listener({ port: 80, protocol: "HTTP", sslPolicy: undefined })], message: /port 80 does not redirect to HTTPS/, compliant: () => [listener({ port: 80, protocol: "HTTP", sslPolicy: undefined, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] })] },
    { control: "elb-4-drop-invalid-headers", violating: (t) => [lb(t, { dropInvalidHeaderFields: false })], message: /set dropInvalidHeaderFields: true/, compliant: (t) => [lb(t)] },
    { control: "elb-12-desync-mitigation", violating: (t) => [lb(t, { desyncMitigationMode: "monitor" })], message: /desyncMitigationMode is monitor/, compliant: (t) => [lb(t, { desyncMitigationMode: "strictest" })] },
    { control: "elb-17-tls-policy", violating: () => [listener({ sslPolicy: "ELBSecurityPolicy-TLS-1-2-Ext-2018-06" })], message: /uses ELBSecurityPolicy-TLS-1-2-Ext-2018-06/, compliant: () => [listener({ sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" })] },
    { control: "elb-5-access-logs", violating: (t) => [lb(t, { accessLogs: undefined })], message: /access logs are off/, compliant: (t) => [lb(t)] },
    { control: "elb-6-deletion-protection", violating: (t) => [lb(t, { enableDeletionProtection: false })], message: /deletion protection is off/, compliant: (t) => [lb(t)] },
    {
        control: "alb-waf",
        violating: (t) => [lb(t)],
        message: /internet-facing ALB alb has no WAF web ACL/,
        compliant: (t) => [lb(t), r("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", { resourceArn: "arn:aws:elasticloadbalancing:ap-northeast-2:1:loadbalancer/app/alb/1", webAclArn: "acl" }), lb(t, { internal: true })],
    },
    // RDS / Aurora
    { control: "rds-2-not-public", violating: (t) => [db(t, { publiclyAccessible: true })], message: /publiclyAccessible is true/, compliant: (t) => [db(t)] },
    { control: "rds-3-storage-encrypted", violating: (t) => [cluster(t, { storageEncrypted: false })], message: /the cluster's storage is not encrypted/, compliant: (t) => [cluster(t), member("m1", "ap-northeast-2a"), member("m2", "ap-northeast-2c")] },
    { control: "rds-8-deletion-protection", violating: (t) => [db(t, { deletionProtection: false })], message: /the instance has no deletion protection/, compliant: (t) => [db(t)] },
    { control: "rds-11-backup-retention", violating: (t) => [db(t, { backupRetentionPeriod: 1 })], message: /kept 1 day; keep them at least 7/, compliant: (t) => [db(t, { backupRetentionPeriod: 14 })] },
    { control: "rds-10-iam-authentication", violating: (t) => [db(t, { iamDatabaseAuthenticationEnabled: false })], message: /IAM authentication is off on the instance/, compliant: (t) => [db(t)] },
    { control: "rds-17-copy-tags-to-snapshots", violating: (t) => [cluster(t, { copyTagsToSnapshot: false })], message: /the cluster does not copy tags/, compliant: (t) => [db(t)] },
    { control: "rds-6-enhanced-monitoring", violating: () => [member("m1", "ap-northeast-2a", { monitoringInterval: 0 })], message: /enhanced monitoring is off/, compliant: () => [member("m1", "ap-northeast-2a")] },
    { control: "rds-performance-insights", violating: (t) => [db(t, { performanceInsightsEnabled: false })], message: /Performance Insights is off on db.r7g.large/, compliant: (t) => [db(t, { instanceClass: "db.t4g.micro", performanceInsightsEnabled: false })] },
    { control: "rds-9-log-exports", violating: (t) => [cluster(t, { enabledCloudwatchLogsExports: ["error", "slowquery"] })], message: /does not export audit to CloudWatch Logs/, compliant: (t) => [cluster(t), db(t)] },
    {
        control: "rds-13-auto-minor-upgrade",
        violating: (t) => [cluster(t, { engineVersion: "8.0.mysql_aurora.3.08.2" }), member("m1", "ap-northeast-2a", { autoMinorVersionUpgrade: false }), db(t, { autoMinorVersionUpgrade: false })],
        message: /does not take minor version upgrades/,
        // An Aurora MySQL LTS line (3.10) may turn them off.
        compliant: (t) => [cluster(t), member("m1", "ap-northeast-2a", { autoMinorVersionUpgrade: false }), db(t, { autoMinorVersionUpgrade: true })],
    },
    { control: "rds-5-multi-az", violating: (t) => [db(t, { multiAz: false }), cluster(t), member("m1", "ap-northeast-2a")], message: /db runs in one AZ/, compliant: (t) => [db(t), cluster(t), member("m1", "ap-northeast-2a"), member("m2", "ap-northeast-2c")] },
    // ElastiCache
    { control: "elasticache-4-encryption-at-rest", violating: (t) => [cache(t, { atRestEncryptionEnabled: false })], message: /encryption at rest is off/, compliant: (t) => [cache(t)] },
    { control: "elasticache-5-encryption-in-transit", violating: (t) => [cache(t, { transitEncryptionEnabled: false })], message: /TLS is off/, compliant: (t) => [cache(t)] },
    { control: "elasticache-6-auth", violating: (t) => [cache(t, { userGroupIds: [] })], message: /without authentication/, compliant: (t) => [cache(t, { userGroupIds: [], authToken: "[secret]" })] },
    { control: "elasticache-3-failover-multi-az", violating: (t) => [cache(t, { multiAzEnabled: false })], message: /multiAzEnabled is off/, compliant: (t) => [cache(t)] },
    { control: "elasticache-1-snapshots", violating: (t) => [cache(t, { snapshotRetentionLimit: 0 })], message: /no automatic snapshots/, compliant: (t) => [cache(t, { snapshotRetentionLimit: 1 })] },
    // EC2
    { control: "ec2-8-imdsv2", violating: () => [instance({ metadataOptions: { httpTokens: "optional" } })], message: /IMDSv1 is allowed/, compliant: () => [instance()] },
    { control: "ec2-170-launch-template-imdsv2", violating: () => [template({ metadataOptions: undefined })], message: /IMDSv1 is allowed/, compliant: () => [template()] },
    { control: "ec2-3-ebs-encrypted", violating: () => [r("aws:ebs/volume:Volume", "data", { encrypted: false }), instance({ rootBlockDevice: { encrypted: false } }), template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] })], message: /not encrypted/, compliant: () => [r("aws:ebs/volume:Volume", "data", { encrypted: true }), instance(), template()] },
    { control: "ec2-9-no-public-ip", violating: () => [instance({ associatePublicIpAddress: true })], message: /associatePublicIpAddress is true/, compliant: () => [instance({ associatePublicIpAddress: false }), template({ networkInterfaces: [{ associatePublicIpAddress: "false" }] })] },
    { control: "ec2-no-ssh", violating: () => [ingress("ssh", "sg-1", { fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" }), instance({ keyName: "ops" })], message: /opens port 22 \(SSH\) to 10.0.0.0\/8/, compliant: () => [ingress("pg", "sg-1", { fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/8" }), ingress("ssh-from-group", "sg-1", { fromPort: 22, toPort: 22, referencedSecurityGroupId: "sg-2" }), instance()] },
    // Network
    {
        control: "ec2-18-internet-ingress-alb-only",
        violating: () => [r(SG, "sg-app", { name: "app" }, "sg-app"), ingress("app-443", "sg-app", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }), ingress("app-22", "sg-app", { fromPort: 22, toPort: 22, cidrIpv6: "::/0" })],
        message: /app-22 opens tcp port 22 to the internet/,
        compliant: (t) => [r(SG, "sg-alb", { name: "alb" }, "sg-alb"), lb(t), ingress("alb-443", "sg-alb", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }), ingress("alb-80", "sg-alb", { fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" })],
    },
    {
        control: "ec2-2-default-security-group",
        violating: (t) => [vpc(t)],
        message: /default security group is left as AWS makes it/,
        compliant: (t) => [vpc(t), r("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default-sg", { vpcId: "vpc-1", ingress: [], egress: [] })],
    },
    { control: "ec2-6-flow-logs", violating: (t) => [vpc(t)], message: /vpc has no flow logs/, compliant: (t) => [vpc(t), r("aws:ec2/flowLog:FlowLog", "flow", { vpcId: "vpc-1", trafficType: "ALL" })] },
    // S3
    { control: "s3-8-block-public-access", violating: (t) => [bucket(t), pab("b-data", { restrictPublicBuckets: false })], message: /leaves restrictPublicBuckets off/, compliant: (t) => [bucket(t), pab("b-data")] },
    { control: "s3-encryption", violating: (t) => [bucket(t)], message: /no server-side encryption configuration/, compliant: (t) => [bucket(t), r("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", { bucket: "b-data", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] })] },
    { control: "s3-5-ssl-only", violating: (t) => [bucket(t), bucketPolicy("b-data", policyDoc({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b-data/*" }))], message: /does not deny requests without TLS/, compliant: (t) => [bucket(t), bucketPolicy("b-data", TLS_ONLY("b-data"))] },
    {
        control: "s3-versioning",
        violating: (t) => [bucket(t)],
        message: /data keeps no object versions/,
        // A bucket that receives a load balancer's access logs keeps none.
        compliant: (t) => [bucket(t), versioning("b-data"), bucket(t, "logs"), lb(t, { accessLogs: { bucket: "b-logs", enabled: true } })],
    },
    // CloudWatch
    { control: "cloudwatch-log-group-retention", violating: () => [logGroup("/app", { retentionInDays: undefined })], message: /keeps its events forever/, compliant: () => [logGroup("/app")] },
    { control: "cloudwatch-alarm-actions", violating: () => [r("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", { alarmActions: [] })], message: /notifies no one/, compliant: () => [r("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", { alarmActions: ["arn:aws:sns:ap-northeast-2:1:alarms"] })] },
    // ECR
    { control: "ecr-1-scan-on-push", violating: () => [repo({ imageScanningConfiguration: { scanOnPush: false } })], message: /not scanned on push/, compliant: () => [repo()] },
    { control: "ecr-2-immutable-tags", violating: () => [repo({ imageTagMutability: "MUTABLE" })], message: /tags are mutable/, compliant: () => [repo()] },
    { control: "ecr-3-lifecycle-policy", violating: () => [repo()], message: /repo has no lifecycle policy/, compliant: () => [repo(), r("aws:ecr/lifecyclePolicy:LifecyclePolicy", "lifecycle", { repository: "repo", policy: "{}" })] },
    // DynamoDB
    { control: "dynamodb-2-point-in-time-recovery", violating: (t) => [table(t, { pointInTimeRecovery: { enabled: false } })], message: /point-in-time recovery is off/, compliant: (t) => [table(t)] },
    { control: "dynamodb-6-deletion-protection", violating: (t) => [table(t, { deletionProtectionEnabled: false })], message: /deletion protection is off/, compliant: (t) => [table(t)] },
    { control: "dynamodb-kms-encryption", violating: (t) => [table(t, { serverSideEncryption: undefined })], message: /AWS owned key only/, compliant: (t) => [table(t)] },
    // CloudFront
    { control: "cloudfront-3-https-only", violating: (t) => [distribution(t, { orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "s3", viewerProtocolPolicy: "allow-all" }] })], message: /\/api\/\* has viewerProtocolPolicy allow-all/, compliant: (t) => [distribution(t)] },
    { control: "cloudfront-15-viewer-tls", violating: (t) => [distribution(t, { viewerCertificate: { cloudfrontDefaultCertificate: true } })], message: /CloudFront's default certificate/, compliant: (t) => [distribution(t)] },
    { control: "cloudfront-9-origin-https", violating: (t) => [distribution(t, { origins: [customOrigin({ originProtocolPolicy: "http-only" })] })], message: /origin api uses originProtocolPolicy http-only/, compliant: (t) => [distribution(t, { origins: [customOrigin()] })] },
    { control: "cloudfront-10-origin-tls", violating: (t) => [distribution(t, { origins: [customOrigin({ originSslProtocols: ["TLSv1.1", "TLSv1.2"] })] })], message: /offers TLSv1.1, TLSv1.2/, compliant: (t) => [distribution(t, { origins: [customOrigin()] }), r("aws:cloudfront/vpcOrigin:VpcOrigin", "vo", { vpcOriginEndpointConfig: { name: "alb", originProtocolPolicy: "https-only", originSslProtocols: { items: ["TLSv1.2"], quantity: 1 } } })] },
    { control: "cloudfront-13-origin-access-control", violating: (t) => [distribution(t, { origins: [{ originId: "s3", domainName: "b.s3.amazonaws.com", s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" } }] })], message: /S3 origin s3 has no origin access control/, compliant: (t) => [distribution(t)] },
    {
        control: "cloudfront-alb-origin-private",
        violating: (t) => [lb(t), r("aws:cloudfront/vpcOrigin:VpcOrigin", "vo", { vpcOriginEndpointConfig: { arn: "arn:aws:elasticloadbalancing:ap-northeast-2:1:loadbalancer/app/alb/1", name: "alb", originProtocolPolicy: "https-only" } })],
        message: /fronts the internet-facing load balancer alb/,
        compliant: (t) => [lb(t, { internal: true }), r("aws:cloudfront/vpcOrigin:VpcOrigin", "vo", { vpcOriginEndpointConfig: { arn: "arn:aws:elasticloadbalancing:ap-northeast-2:1:loadbalancer/app/alb/1", name: "alb", originProtocolPolicy: "https-only" } }), distribution(t, { origins: [customOrigin()] })],
    },
    { control: "cloudfront-6-waf", violating: (t) => [distribution(t, { webAclId: undefined })], message: /has no WAF web ACL/, compliant: (t) => [distribution(t)] },
    // Lambda
    { control: "lambda-1-no-public-access", violating: () => [r("aws:lambda/permission:Permission", "invoke", { action: "lambda:InvokeFunction", function: "fn", principal: "*" })], message: /every principal/, compliant: () => [r("aws:lambda/permission:Permission", "invoke", { action: "lambda:InvokeFunction", function: "fn", principal: "apigateway.amazonaws.com", sourceArn: "arn:aws:execute-api:x" })] },
    { control: "lambda-xray-active", violating: () => [fn({ tracingConfig: { mode: "PassThrough" } }), logGroup("/aws/lambda/fn")], message: /X-Ray tracing is not Active/, compliant: () => [fn(), logGroup("/aws/lambda/fn")] },
    {
        control: "lambda-vpc-for-data-stores",
        violating: () => [fn({ environment: { variables: { CACHE_HOST: "master.app.abc.apn2.cache.amazonaws.com" } } }), logGroup("/aws/lambda/fn")],
        message: /reaches a VPC data store but has no vpcConfig/,
        compliant: () => [fn({ environment: { variables: { CACHE_HOST: "master.app.abc.apn2.cache.amazonaws.com" } }, vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } }), logGroup("/aws/lambda/fn")],
    },
    { control: "lambda-log-group-retention", violating: () => [fn({ loggingConfig: undefined })], message: /logs to \/aws\/lambda\/fn, which the stack does not create/, compliant: () => [fn(), logGroup("/aws/lambda/fn")] },
    // API Gateway
    { control: "apigateway-9-access-logs", violating: () => [stage({ accessLogSettings: undefined })], message: /no access logs/, compliant: () => [stage()] },
    { control: "apigateway-stage-throttling", violating: () => [stage({ defaultRouteSettings: { throttlingRateLimit: 0, throttlingBurstLimit: 0 } })], message: /does not throttle/, compliant: () => [stage()] },
    { control: "apigateway-8-connect-authorizer", violating: () => [r("aws:apigatewayv2/route:Route", "connect", { routeKey: "$connect", authorizationType: "NONE" })], message: /\$connect route has no authorizer/, compliant: () => [r("aws:apigatewayv2/route:Route", "connect", { routeKey: "$connect", authorizationType: "CUSTOM", authorizerId: "a" }), r("aws:apigatewayv2/route:Route", "default", { routeKey: "$default", authorizationType: "NONE" })] },
    // EKS
    {
        control: "eks-private-node-groups",
        violating: () => [subnet("public-2a", "subnet-public"), ...publicRouting("subnet-public"), template(), r(NG, "nodes", { subnetIds: ["subnet-public"], launchTemplate: { id: "lt-1", version: "1" } })],
        message: /runs nodes in the public subnet public-2a/,
        compliant: () => [subnet("private-2a", "subnet-private"), subnet("public-2a", "subnet-public"), ...publicRouting("subnet-public"), template(), r(NG, "nodes", { subnetIds: ["subnet-private"], launchTemplate: { id: "lt-1", version: "1" } })],
    },
    { control: "eks-imds-hop-limit", violating: () => [template({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }), r(NG, "nodes", { subnetIds: [], launchTemplate: { id: "lt-1", version: "1" } })], message: /does not set httpTokens required with httpPutResponseHopLimit 1/, compliant: () => [template(), r(NG, "nodes", { subnetIds: [], launchTemplate: { id: "lt-1", version: "1" } })] },
    { control: "eks-secrets-encryption", violating: () => [eks({ encryptionConfig: undefined })], message: /secrets are not encrypted/, compliant: () => [eks()] },
    { control: "eks-8-control-plane-logs", violating: () => [eks({ enabledClusterLogTypes: ["api"] })], message: /audit, authenticator are off/, compliant: () => [eks()] },
    {
        control: "eks-no-public-observability",
        violating: () => [r(RELEASE, "kps", { chart: "kube-prometheus-stack", values: { grafana: { service: { type: "LoadBalancer" } } } }), r("kubernetes:kiali.io/v1alpha1:Kiali", "kiali", { spec: { deployment: { ingress: { enabled: true } } } })],
        message: /kube-prometheus-stack \(grafana\) is exposed through service type LoadBalancer/,
        compliant: () => [r(RELEASE, "kps", { chart: "kube-prometheus-stack", values: { grafana: { service: { type: "ClusterIP" }, ingress: { enabled: false } } } }), r("kubernetes:kiali.io/v1alpha1:Kiali", "kiali", { spec: { deployment: { service_type: "ClusterIP", ingress: { enabled: false } } } })],
    },
    {
        control: "istio-strict-mtls",
        violating: () => [istiod(), peer("default", "istio-system", { mtls: { mode: "PERMISSIVE" } })],
        message: /default sets mTLS PERMISSIVE/,
        compliant: () => [istiod(), peer("default", "istio-system", { mtls: { mode: "STRICT" } })],
    },
    // SSM
    { control: "ssm-securestring-cmk", violating: () => [r("aws:ssm/parameter:Parameter", "key", { type: "SecureString", keyId: "alias/aws/ssm", value: "[secret]" })], message: /alias\/aws\/ssm/, compliant: () => [r("aws:ssm/parameter:Parameter", "key", { type: "SecureString", keyId: "arn:aws:kms:ap-northeast-2:1:key/k", value: "[secret]" }), r("aws:ssm/parameter:Parameter", "plain", { type: "String", value: "1" })] },
    {
        control: "ssm-read-own-path",
        violating: () => [r("aws:iam/rolePolicy:RolePolicy", "app", { role: "app", policy: policyDoc({ Sid: "Read", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: "arn:aws:ssm:ap-northeast-2:1:parameter/*" }) })],
        message: /Read reads SSM parameters on every parameter/,
        compliant: () => [r("aws:iam/rolePolicy:RolePolicy", "app", { role: "app", policy: policyDoc({ Sid: "Read", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: ["arn:aws:ssm:ap-northeast-2:1:parameter/app/prod", "arn:aws:ssm:ap-northeast-2:1:parameter/app/prod/*"] }) })],
    },
];

const relaxable = new Set(controls.filter((c) => c.devOk !== undefined).map((c) => c.name));

describe("policy pack: every policy on hand-made resources", () => {
    it("has a case for every control, and the pack one policy per control plus a -dev twin per relaxable one", () => {
        expect(CASES.map((c) => c.control).sort()).to.deep.equal(controls.map((c) => c.name).sort());
        expect(policies.map((p) => p.name).sort()).to.deep.equal([...controls.map((c) => c.name), ...[...relaxable].map((n) => `${n}-dev`)].sort());
    });

    for (const c of CASES) {
        describe(c.control, () => {
            it(`reports a violation${relaxable.has(c.control) ? " as mandatory on a prod resource" : " (mandatory)"}`, () => {
                const found = of(c.control, c.violating(PROD));
                expect(found, c.control).to.not.be.empty;
                expect(found.every((v) => v.level === "mandatory")).to.equal(true);
                expect(found.map((v) => v.message).some((m) => c.message.test(m)), found.map((v) => v.message).join("\n")).to.equal(true);
            });

            it("reports nothing on compliant resources", () => {
                const compliant = c.compliant(PROD);
                expect(of(c.control, compliant)).to.deep.equal([]);
                expect(of(`${c.control}-dev`, c.compliant(DEV))).to.deep.equal([]);
            });

            if (relaxable.has(c.control)) {
                it("is advisory (<name>-dev) on a dev resource, and not mandatory there", () => {
                    const resources = c.violating(DEV);
                    expect(of(c.control, resources)).to.deep.equal([]);
                    const advisory = of(`${c.control}-dev`, resources);
                    expect(advisory).to.not.be.empty;
                    expect(advisory.every((v) => v.level === "advisory")).to.equal(true);
                    expect(advisory.map((v) => v.message).some((m) => c.message.test(m))).to.equal(true);
                });

                it("holds a dev resource of an environment not listed as dev (qa) to prod, unless devEnvironments lists it", () => {
                    const qa = c.violating({ Environment: "qa" });
                    expect(of(c.control, qa).map((v) => v.level)).to.include("mandatory");
                    expect(of(c.control, qa, ["dev", "qa"])).to.deep.equal([]);
                    expect(of(`${c.control}-dev`, qa, ["dev", "qa"])).to.not.be.empty;
                });
            }
        });
    }
});

describe("policy pack: details", () => {
    it("rds-11: dev keeps backups at least 1 day (mandatory), and 1 day is advisory only", () => {
        expect(of("rds-11-backup-retention", [db(DEV, { backupRetentionPeriod: 0 })])).to.deep.equal([
            { level: "mandatory", resource: "aws:rds/instance:Instance db", message: "automated backups are off (backupRetentionPeriod 0); dev keeps them at least 1 day" },
        ]);
        expect(of("rds-11-backup-retention-dev", [db(DEV, { backupRetentionPeriod: 0 })])).to.deep.equal([]);
        expect(of("rds-11-backup-retention-dev", [db(DEV, { backupRetentionPeriod: 1 })])).to.deep.equal([
            { level: "advisory", resource: "aws:rds/instance:Instance db", message: "automated backups are kept 1 day; keep them at least 7 (backupRetentionPeriod)" },
        ]);
    });

    it("a resource without an Environment tag is held to prod (the pack fails closed)", () => {
        expect(of("elb-6-deletion-protection", [lb({}, { enableDeletionProtection: false })]).map((v) => v.level)).to.deep.equal(["mandatory"]);
    });

    it("ec2-18: 443 open to the internet on a group no load balancer uses", () => {
        expect(of("ec2-18-internet-ingress-alb-only", [r(SG, "sg-app", { name: "app" }, "sg-app"), ingress("app-443", "sg-app", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })])).to.deep.equal([
            { level: "mandatory", resource: `${INGRESS} app-443`, message: "app-443 opens port 443 to the internet on the group sg-app, which no load balancer uses" },
        ]);
    });

    it("istio-strict-mtls: a mesh without a mesh-wide STRICT PeerAuthentication", () => {
        expect(of("istio-strict-mtls", [istiod(), peer("workload", "point", { selector: { matchLabels: { app: "x" } }, mtls: { mode: "STRICT" } })])).to.deep.equal([
            { level: "mandatory", resource: `${RELEASE} istiod`, message: "the mesh of istiod has no mesh-wide PeerAuthentication in istio-system with mtls.mode STRICT" },
        ]);
    });

    it("lambda-vpc-for-data-stores: Kafka's bootstrap servers (private addresses) and an RDS endpoint count as VPC data stores; a public API does not", () => {
        const env = (variables: Record<string, string>) => [fn({ environment: { variables } }), logGroup("/aws/lambda/fn")];
        expect(of("lambda-vpc-for-data-stores", env({ KAFKA_BOOTSTRAP_SERVERS: "10.0.11.250:9092,10.0.12.250:9092" }))).to.have.length(1);
        expect(of("lambda-vpc-for-data-stores", env({ DB_HOST: "app.c1.ap-northeast-2.rds.amazonaws.com" }))).to.have.length(1);
        expect(of("lambda-vpc-for-data-stores", env({ WEBSOCKET_ENDPOINT: "https://abc.execute-api.ap-northeast-2.amazonaws.com/prod", VERSION: "10.2.3" }))).to.deep.equal([]);
    });

    it("stack policies name the resource they are about", () => {
        const found = violations([repo()]).find((v) => v.policy === "ecr-3-lifecycle-policy")!;
        expect(found.urn).to.equal("urn:pulumi:test::platform::aws:ecr/repository:Repository::repo");
        expect(found.fsbp).to.equal("ECR.3");
    });

    it("keeps the program's own tables (the pack is self-contained, so it copies them): ALB TLS policies, Aurora MySQL LTS lines, Performance Insights support", () => {
        expect([...ALB_TLS_POLICIES]).to.deep.equal([...TLS_POLICIES]);
        expect([...AURORA_MYSQL_LTS_LINES]).to.deep.equal([...engines.AURORA_MYSQL_LTS_LINES]);
        const classes = ["db.t3.micro", "db.t3.small", "db.t3.medium", "db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t4g.large", "db.r7g.large", "db.m7g.xlarge", "db.serverless"];
        for (const engine of ["postgres", "mysql", "aurora-mysql", "aurora-postgresql"] as const) {
            for (const instanceClass of classes) {
                expect(performanceInsightsSupported(engine, instanceClass), `${engine} ${instanceClass}`).to.equal(engines.performanceInsightsSupported(engine, instanceClass));
            }
        }
    });

    it("names each policy after its FSBP control id where it has one, with the control's Security Hub page", () => {
        for (const policy of policies) {
            expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(policy.description.length, policy.name).to.be.above(30);
            const fsbp = policy.platform.fsbp;
            if (fsbp) {
                const [service, n] = fsbp.split(".");
                expect(policy.name.startsWith(`${service.toLowerCase()}-${n}-`), policy.name).to.equal(true);
                expect(policy.url).to.equal(`https://docs.aws.amazon.com/securityhub/latest/userguide/${service.toLowerCase()}-controls.html#${service.toLowerCase()}-${n}`);
                expect(policy.description).to.contain(`AWS FSBP ${fsbp}`);
            }
            expect(policy.enforcementLevel).to.equal(policy.name.endsWith("-dev") ? "advisory" : "mandatory");
        }
    });
});
