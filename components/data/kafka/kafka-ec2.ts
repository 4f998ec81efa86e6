/**
 * KafkaEc2 — self-managed Apache Kafka in KRaft mode (no ZooKeeper) on EC2, in the private
 * subnets (the seed: `t3.small`, 1 node in dev, 3 in prod, root 8 GB and data 20 GB gp3).
 *
 * Per node (`kafka-<n>`, KRaft `node.id` n): its own network interface holding a fixed private IP
 * (the node's stable address in `controller.quorum.voters`), an encrypted gp3 data volume in the
 * node's AZ, and an instance (IMDSv2 only, no public IP, no SSH key, encrypted gp3 root) booted by
 * the rendered `kafka-user-data.sh`. The interface and the volume outlive the instance: replacing
 * one node's instance changes nothing of the other nodes, and the new instance finds its address
 * and its data where the old one left them.
 *
 * Shared: one cluster id generated once and kept in state, the log group `/aws/ec2/kafka-<env>`
 * with a retention, and an instance role for Session Manager and the CloudWatch agent.
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LogRetentionDays, kmsKeyArnProblem, logRetentionProblem } from "../../../lib/aws-limits";
import { policyDocument, ec2TrustPolicy } from "../../../lib/iam";
import {
    KAFKA_LOG_DIR,
    KAFKA_MOUNT,
    KafkaNode,
    KafkaSpec,
    archiveUrls,
    bootstrapServers,
    cloudWatchAgentConfig,
    kafkaNodes,
    kafkaProblems,
    replicationDefaults,
    serverProperties,
} from "./kafka";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";
import { renderTemplate } from "../../../lib/template";

/** The boot script template, rendered per node. */
export const USER_DATA_TEMPLATE = path.join(__dirname, "kafka-user-data.sh");

export interface KafkaEc2Args extends ComponentBaseArgs {
    /** Nodes, each broker and controller: 1 (dev) or an odd number (3 in prod). */
    nodes: number;
    /** Private subnets with their CIDR and AZ (plain values: the nodes' addresses derive from them). */
    subnets: ReadonlyArray<{ id: pulumi.Input<string>; cidr: string; az: string }>;
    /** The kafka security group: clients from the services, the quorum and replication inside the group. */
    securityGroupIds: pulumi.Input<string>[];
    /** EC2 instance type, e.g. `t3.small`. */
    instanceType: string;
    /** Kafka release, e.g. `4.1.2`. */
    version: string;
    /** @default "2.13" */
    scalaVersion?: string;
    /** SHA-512 of `kafka_<scala>-<version>.tgz`, from the release's `.sha512` file; the archive is checked against it. */
    archiveSha512: string;
    /** @default 8 (the seed's) */
    rootVolumeGb?: number;
    /** @default 20 (the seed's) */
    dataVolumeGb?: number;
    /** JVM heap. @default 1024 (half a t3.small) */
    heapMb?: number;
    /** @default 1 for one node, 3 for three or more */
    replicationFactor?: number;
    /** @default 1 for one node, replicationFactor - 1 otherwise */
    minInsyncReplicas?: number;
    /** @default 3 */
    numPartitions?: number;
    /** @default false: topics are created on purpose */
    autoCreateTopics?: boolean;
    /** Retention of `/aws/ec2/kafka-<env>`. */
    logRetentionDays: LogRetentionDays;
    /** prod: the production quorum's rules apply (three nodes at least, min ISR below the replication factor). @default false */
    prod?: boolean;
    /** Customer-managed KMS key for the volumes; the AWS managed `aws/ebs` key when absent. */
    kmsKeyArn?: string;
    /** Pulumi `protect` on the data volumes (prod). @default false */
    protect?: boolean;
    /**
     * What the nodes' boot script needs to reach the internet and S3 (the private subnets' NAT
     * routes, the gateway endpoints): the instances wait for them. @default []
     */
    egress?: pulumi.Input<pulumi.Resource>[];
}

/** The data volume's device name at attach time; the boot script finds it by volume id instead. */
const DATA_DEVICE = "/dev/sdf";

export class KafkaEc2 extends PlatformComponent {
    /** `ip:9092,…` of every node. */
    public readonly bootstrapServers: string;
    public readonly nodes: readonly KafkaNode[];
    public readonly clusterId: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly instanceIds: pulumi.Output<string>[];
    public readonly dataVolumeIds: pulumi.Output<string>[];

    constructor(name: string, args: KafkaEc2Args, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:KafkaEc2", name, { ...args, component: "kafka-ec2", problems: kafkaEc2Problems(args) }, opts);
        const spec = specOf(args);

        const tagsFor = (resourceName: string) => this.tagsFor(resourceName);
        const nodes = kafkaNodes(spec.nodes, spec.subnets);
        const logGroupName = args.naming.suffixedLogGroup("ec2", "kafka");
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: logGroupName, retentionInDays: args.logRetentionDays, tags: tagsFor(logGroupName) },
            { parent: this },
        );
        // Generated once and kept in state: every node formats its storage with the same id.
        const clusterId = new random.RandomId(`${name}-cluster-id`, { byteLength: 16 }, { parent: this }).b64Url;
        const profile = this.instanceProfile(name, args, logGroup, tagsFor);
        const ami = aws.ssm.getParameterOutput({ name: amiParameter(args.instanceType) }, { parent: this }).value;
        const template = fs.readFileSync(USER_DATA_TEMPLATE, "utf8");

        const built = nodes.map((node) => {
            const nodeName = args.naming.scoped("nameTag", node.key);
            const eni = new aws.ec2.NetworkInterface(
                `${name}-${node.nodeId}-eni`,
                {
                    subnetId: args.subnets[node.subnetIndex].id,
                    privateIps: [node.ip],
                    securityGroups: args.securityGroupIds,
                    description: `Stable address of ${nodeName}`,
                    tags: tagsFor(nodeName),
                },
                { parent: this },
            );
            const volume = new aws.ebs.Volume(
                `${name}-${node.nodeId}-data`,
                {
                    availabilityZone: node.az,
                    size: spec.dataVolumeGb,
                    type: "gp3",
                    encrypted: true,
                    ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
                    tags: tagsFor(`${nodeName}-data`),
                },
                // The partitions live here: prod keeps the volume through any replacement or destroy.
                { parent: this, protect: args.protect ?? false },
            );
            const userData = pulumi.all([clusterId, volume.id]).apply(([cluster, volumeId]) =>
                renderTemplate(template, {
                    NODE_ID: String(node.nodeId),
                    CLUSTER_ID: cluster,
                    DATA_VOLUME_ID: volumeId,
                    KAFKA_VERSION: spec.version,
                    SCALA_VERSION: spec.scalaVersion,
                    ARCHIVE_URLS: archiveUrls(spec.version, spec.scalaVersion).join(" "),
                    ARCHIVE_SHA512: spec.archiveSha512.toLowerCase(),
                    HEAP_MB: String(spec.heapMb),
                    MOUNT_POINT: KAFKA_MOUNT,
                    LOG_DIR: KAFKA_LOG_DIR,
                    SERVER_PROPERTIES: serverProperties({ ...spec, node, nodes }),
                    CLOUDWATCH_AGENT_CONFIG: cloudWatchAgentConfig(logGroupName),
                }),
            );
            const instance = new aws.ec2.Instance(
                `${name}-${node.nodeId}`,
                {
                    ami,
                    instanceType: args.instanceType,
                    primaryNetworkInterface: { networkInterfaceId: eni.id, deleteOnTermination: false },
                    iamInstanceProfile: profile.name,
                    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                    rootBlockDevice: {
                        volumeType: "gp3",
                        volumeSize: spec.rootVolumeGb,
                        encrypted: true,
                        ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
                        deleteOnTermination: true,
                        // Not `volumeTags`: beside a separately tagged attached volume it plans a change
                        // on every update (the provider documents the conflict).
                        tags: tagsFor(`${nodeName}-root`),
                    },
                    userData,
                    monitoring: true,
                    tags: { ...tagsFor(nodeName), KafkaNodeId: String(node.nodeId) },
                },
                {
                    parent: this,
                    // The boot script runs once; a new AMI or changed settings reach a node by replacing
                    // it, one node at a time (README), never by restarting every broker at once.
                    ignoreChanges: ["ami", "userData"],
                    // Its network interface and data volume belong to one instance at a time: the old
                    // one goes before its replacement comes.
                    deleteBeforeReplace: true,
                    // The boot script installs and downloads through the NAT and the S3 endpoint.
                    dependsOn: args.egress ?? [],
                },
            );
            new aws.ec2.VolumeAttachment(
                `${name}-${node.nodeId}-data-attachment`,
                { deviceName: DATA_DEVICE, volumeId: volume.id, instanceId: instance.id, stopInstanceBeforeDetaching: true },
                { parent: this, deleteBeforeReplace: true },
            );
            return { instance, volume };
        });

        this.nodes = nodes;
        this.bootstrapServers = bootstrapServers(nodes);
        this.clusterId = clusterId;
        this.logGroupName = logGroup.name;
        this.instanceIds = built.map((b) => b.instance.id);
        this.dataVolumeIds = built.map((b) => b.volume.id);
        this.registerOutputs({ bootstrapServers: this.bootstrapServers, clusterId: this.clusterId, logGroupName: this.logGroupName, instanceIds: this.instanceIds });
    }

    /** Session Manager (no SSH) and the CloudWatch agent, which may write only Kafka's log group. */
    private instanceProfile(name: string, args: KafkaEc2Args, logGroup: aws.cloudwatch.LogGroup, tagsFor: (n: string) => Tags): aws.iam.InstanceProfile {
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const roleName = args.naming.scoped("iamRole", "kafka");
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: roleName,
                description: "Kafka nodes: Session Manager and the CloudWatch agent",
                assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
                tags: tagsFor(roleName),
            },
            { parent: this },
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-session-manager`,
            { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-cloudwatch-agent`,
            {
                role: role.id,
                policy: pulumi.jsonStringify(
                    policyDocument([
                        {
                            Sid: "ShipKafkaLogs",
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
                        },
                        {
                            Sid: "PublishAgentMetrics",
                            Effect: "Allow",
                            Action: "cloudwatch:PutMetricData",
                            Resource: "*",
                            Condition: { StringEquals: { "cloudwatch:namespace": "CWAgent" } },
                        },
                        { Sid: "DescribeForDimensions", Effect: "Allow", Action: ["ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:DescribeInstances"], Resource: "*" },
                    ]),
                ),
            },
            { parent: this },
        );
        return new aws.iam.InstanceProfile(`${name}-profile`, { name: roleName, role: role.name, tags: tagsFor(roleName) }, { parent: this });
    }
}

/** Amazon Linux 2023's public SSM parameter for the instance type's architecture (Graviton types end in `g`). */
export function amiParameter(instanceType: string): string {
    // The letters after the generation digit name the processor: `g` is Graviton (t4g, m7gd, c7gn, g5g).
    const attributes = instanceType.split(".")[0].replace(/^[a-z]+\d+/, "");
    const arm = attributes.includes("g");
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arm ? "arm64" : "x86_64"}`;
}

function specOf(args: KafkaEc2Args): KafkaSpec {
    const defaults = replicationDefaults(args.nodes);
    return {
        nodes: args.nodes,
        subnets: args.subnets.map((s) => ({ cidr: s.cidr, az: s.az })),
        instanceType: args.instanceType,
        version: args.version,
        scalaVersion: args.scalaVersion ?? "2.13",
        archiveSha512: args.archiveSha512,
        rootVolumeGb: args.rootVolumeGb ?? 8,
        dataVolumeGb: args.dataVolumeGb ?? 20,
        heapMb: args.heapMb ?? 1024,
        replicationFactor: args.replicationFactor ?? defaults.replicationFactor,
        minInsyncReplicas: args.minInsyncReplicas ?? (args.replicationFactor !== undefined ? Math.max(1, args.replicationFactor - 1) : defaults.minInsyncReplicas),
        numPartitions: args.numPartitions ?? 3,
        autoCreateTopics: args.autoCreateTopics ?? false,
    };
}

/** Every rule the arguments must satisfy (config validation runs the same ones); throws before any resource. */
export function kafkaEc2Problems(args: KafkaEc2Args): Problem[] {
    const problems = kafkaProblems(specOf(args), args.prod ?? false);
    const retention = logRetentionProblem(args.logRetentionDays);
    if (retention) {
        problems.push({ path: ["logRetentionDays"], message: retention });
    }
    const kms = args.kmsKeyArn === undefined ? undefined : kmsKeyArnProblem(args.kmsKeyArn);
    if (kms) {
        problems.push({ path: ["kmsKeyArn"], message: kms });
    }
    return problems;
}
