/**
 * The Kafka block (`platform:kafka`): KRaft nodes on EC2 in the private subnets, behind the
 * `kafka` security group. Consumers that list `kafka` in their `connectsTo` get
 * `KAFKA_BOOTSTRAP_SERVERS`.
 */
import { z } from "zod";
import { Problem } from "../../../lib/problems";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { INTERNET } from "../../network/security-groups/matrix";
import { networkBlock } from "../../network/vpc/block";
import { KAFKA_THRESHOLDS, kafkaAlarms } from "./alarms";
import { KAFKA_MOUNT, KAFKA_PORTS } from "./kafka";
import { KafkaEc2, KafkaEc2Args, kafkaEc2Problems } from "./kafka-ec2";

const KafkaSchema = z
    .strictObject({
        nodes: z.number().int().describe("Nodes, each broker and controller: 1 (dev) or an odd number ≤ 9; prod ≥ 3; no AZ may hold more nodes than the quorum can lose."),
        instanceType: z.string().describe("`<family>.<size>`, e.g. `t3.small`; Graviton types get the arm64 AMI."),
        version: z.string().describe("A Kafka release `major.minor.patch` with KRaft (3.x or later), e.g. `4.1.2`."),
        scalaVersion: z.string().default("2.13").describe("Scala build of the release: 2.13, or 2.12 for a 3.x release (4.x is built for 2.13 only)."),
        archiveSha512: z.string().describe("SHA-512 (128 hex digits) of `kafka_<scala>-<version>.tgz` from the release's `.sha512` file; the boot script refuses an archive that does not match."),
        rootVolumeGb: z.number().int().default(8).describe("Encrypted gp3 root volume, GB; not below the seed's 8."),
        dataVolumeGb: z.number().int().default(20).describe("Encrypted gp3 data volume per node, GB; not below the seed's 20."),
        heapMb: z.number().int().default(1024).describe("JVM heap, MiB."),
        replicationFactor: z.number().int().optional().describe("Default replication factor, ≤ nodes. Default: 1 for one node, 3 for three or more."),
        minInsyncReplicas: z.number().int().optional().describe("1 ≤ min ISR ≤ replication factor; prod: below it. Default: 1 for one node, 2 for three or more."),
        numPartitions: z.number().int().default(3).describe("Default partitions of a new topic."),
        autoCreateTopics: z.boolean().default(false).describe("Create a topic on first use (a dev convenience)."),
        kmsKeyArn: z.string().optional().describe("KMS key of the volumes. Default: the AWS managed `aws/ebs` key."),
    })
    .describe("Kafka in KRaft mode on EC2: fixed-address nodes with their own data volumes.");

export type KafkaConfig = z.output<typeof KafkaSchema>;

/** The component's arguments from config (the build uses them; the rules run the component's rules on them). */
export function kafkaArgs(kafka: KafkaConfig, parts: Pick<KafkaEc2Args, "naming" | "tags" | "subnets" | "securityGroupIds" | "logRetentionDays" | "egress">, prod: boolean): KafkaEc2Args {
    // In prod the partitions' volumes survive any replacement or destroy.
    return { ...parts, ...kafka, prod, protect: prod };
}

export const kafkaBlock = defineBlock({
    name: "kafka",
    keys: ["kafka"],
    requires: [networkBlock],
    schema: () => singleKey("kafka", KafkaSchema),
    thresholds: KAFKA_THRESHOLDS,

    rules(kafka, view): Problem[] {
        const privateSubnets = view.config(networkBlock)?.subnets.private ?? [];
        const args = kafkaArgs(kafka, { naming: view.stack.naming, subnets: privateSubnets.map((s) => ({ ...s, id: "" })), securityGroupIds: [], logRetentionDays: view.stack.logRetentionDays }, view.stack.env === "prod");
        // The network block reports a private subnet CIDR that does not parse, at its own key.
        const problems = kafkaEc2Problems(args).filter((p) => !(p.path[0] === "subnets" && p.path[2] === "cidr"));
        return argumentProblemsAt("kafka", problems, {
            subnets: (p) => ({ path: ["network", "subnets", "private", ...p.path.slice(1)], message: `${p.message} (for platform:kafka)` }),
            logRetentionDays: null,
        });
    },

    securityGroups: () => ({
        groups: [{ name: "kafka", description: "Kafka brokers: in from the services and each other" }],
        flows: [
            // Nodes install their release and reach Session Manager and CloudWatch.
            { from: { group: "kafka" }, to: { cidr: INTERNET }, port: 443, why: "HTTPS out: release download, SSM, CloudWatch" },
            // Nodes reach each other: replication on the client listeners, the quorum on the controller port.
            ...[KAFKA_PORTS.client, KAFKA_PORTS.controller, KAFKA_PORTS.bulk].map((port) => ({
                from: { group: "kafka" },
                to: { group: "kafka" },
                port,
                why: port === KAFKA_PORTS.controller ? "KRaft controller quorum" : "Kafka replication between brokers",
            })),
        ],
    }),

    store: {
        label: "Kafka",
        group: "kafka",
        ports: () => [KAFKA_PORTS.client, KAFKA_PORTS.bulk],
        variables: ["KAFKA_BOOTSTRAP_SERVERS"],
        connection: (kafka: KafkaEc2) => ({ environment: { KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers }, secrets: {} }),
    },

    build(kafka: KafkaConfig, ctx: BuildContext): KafkaEc2 {
        const vpc = ctx.need(networkBlock);
        const privateSubnets = vpc.subnets.filter((s) => s.tier === "private");
        return new KafkaEc2(
            "kafka",
            kafkaArgs(
                kafka,
                { naming: ctx.stack.naming, tags: ctx.stack.tags, subnets: privateSubnets, securityGroupIds: [ctx.securityGroupId("kafka")], logRetentionDays: ctx.stack.logRetentionDays, egress: vpc.privateEgress },
                ctx.stack.env === "prod",
            ),
        );
    },

    outputs: (kafka) => ({ kafkaBootstrapServers: kafka.bootstrapServers, kafkaLogGroup: kafka.logGroupName }),

    alarms: (kafka, _config, thresholds) => ({
        rank: 50,
        title: "Kafka",
        specs: kafka.instanceIds.flatMap((id, i) => kafkaAlarms(i, id, KAFKA_MOUNT, thresholds)),
    }),
});
