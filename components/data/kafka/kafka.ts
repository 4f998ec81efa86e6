/**
 * Self-managed Kafka in KRaft mode, as pure data: where each node goes and its stable address,
 * the quorum, the replication settings the node count allows, each node's server.properties and
 * CloudWatch agent configuration, and the rules a Kafka config must satisfy.
 */
import { Ipv4Cidr, formatIpv4, lastAddress, mustParseCidr, parseCidr } from "../../../lib/cidr";
import { Problem, showValue } from "../../../lib/problems";

/**
 * Listeners. CLIENT (9092) carries the services' traffic and replication between brokers. BULK
 * (9094) is a second client listener with its own network threads, for batch and back-office
 * consumers (replays, re-indexing, the order-query projections), so a heavy reader cannot starve
 * the request path on 9092. CONTROLLER (9093) is the KRaft quorum, open only inside the kafka
 * security group.
 */
export const KAFKA_PORTS = { client: 9092, bulk: 9094, controller: 9093 } as const;

/** The seed's sizes (the seed): nothing smaller is allowed. */
export const SEED_VOLUMES = { rootGb: 8, dataGb: 20 } as const;

/** Where the data volume is mounted; Kafka's log directory is `data` inside it. */
export const KAFKA_MOUNT = "/var/lib/kafka";
export const KAFKA_LOG_DIR = `${KAFKA_MOUNT}/data`;

export interface KafkaSubnet {
    readonly cidr: string;
    readonly az: string;
}

export interface KafkaNode {
    /** KRaft `node.id`, 1-based, stable for the node's life. */
    readonly nodeId: number;
    /** `kafka-<nodeId>`: names the node's resources. */
    readonly key: string;
    /** Index into the private subnets. */
    readonly subnetIndex: number;
    readonly az: string;
    /** Fixed private IP held by the node's own network interface: survives instance replacement. */
    readonly ip: string;
}

/**
 * Node n goes to private subnet (n-1) mod k, so nodes spread over the AZs in the subnets' order;
 * its address is counted down from the top of its subnet (AWS reserves the last address), away
 * from the low addresses EC2 hands out first.
 */
export function kafkaNodes(count: number, subnets: readonly KafkaSubnet[]): KafkaNode[] {
    return Array.from({ length: count }, (_, i) => {
        const subnetIndex = i % subnets.length;
        const ordinal = Math.floor(i / subnets.length);
        const cidr: Ipv4Cidr = mustParseCidr(subnets[subnetIndex].cidr);
        return { nodeId: i + 1, key: `kafka-${i + 1}`, subnetIndex, az: subnets[subnetIndex].az, ip: formatIpv4(lastAddress(cidr) - 5 - ordinal) };
    });
}

/** `1@10.0.11.250:9093,2@…`: every node votes; each is broker and controller. */
export function quorumVoters(nodes: readonly KafkaNode[]): string {
    return nodes.map((n) => `${n.nodeId}@${n.ip}:${KAFKA_PORTS.controller}`).join(",");
}

/** `10.0.11.250:9092,…`: what clients bootstrap from. */
export function bootstrapServers(nodes: readonly KafkaNode[]): string {
    return nodes.map((n) => `${n.ip}:${KAFKA_PORTS.client}`).join(",");
}

/** Replication the node count allows: 1/1 for one node, 3/2 for three or more. */
export function replicationDefaults(nodes: number): { replicationFactor: number; minInsyncReplicas: number } {
    const replicationFactor = Math.min(3, nodes);
    return { replicationFactor, minInsyncReplicas: Math.max(1, replicationFactor - 1) };
}

/** Failures a KRaft quorum of `voters` survives: a majority must stay. */
export function tolerableFailures(voters: number): number {
    return Math.floor((voters - 1) / 2);
}

export interface ServerPropertiesArgs {
    readonly node: KafkaNode;
    readonly nodes: readonly KafkaNode[];
    readonly replicationFactor: number;
    readonly minInsyncReplicas: number;
    readonly numPartitions: number;
    /** Let producers create topics by writing to them. */
    readonly autoCreateTopics: boolean;
}

/** One node's server.properties. */
export function serverProperties(args: ServerPropertiesArgs): string {
    const { node, replicationFactor: rf, minInsyncReplicas: isr } = args;
    const lines: Array<[string, string | number]> = [
        ["process.roles", "broker,controller"],
        ["node.id", node.nodeId],
        ["controller.quorum.voters", quorumVoters(args.nodes)],
        ["listeners", `CLIENT://0.0.0.0:${KAFKA_PORTS.client},BULK://0.0.0.0:${KAFKA_PORTS.bulk},CONTROLLER://${node.ip}:${KAFKA_PORTS.controller}`],
        ["advertised.listeners", `CLIENT://${node.ip}:${KAFKA_PORTS.client},BULK://${node.ip}:${KAFKA_PORTS.bulk}`],
        ["listener.security.protocol.map", "CLIENT:PLAINTEXT,BULK:PLAINTEXT,CONTROLLER:PLAINTEXT"],
        ["controller.listener.names", "CONTROLLER"],
        ["inter.broker.listener.name", "CLIENT"],
        ["log.dirs", KAFKA_LOG_DIR],
        ["num.partitions", args.numPartitions],
        ["default.replication.factor", rf],
        ["min.insync.replicas", isr],
        ["offsets.topic.replication.factor", rf],
        ["transaction.state.log.replication.factor", rf],
        ["transaction.state.log.min.isr", isr],
        ["unclean.leader.election.enable", "false"],
        ["auto.create.topics.enable", String(args.autoCreateTopics)],
        ["log.retention.hours", 168],
    ];
    return `${lines.map(([key, value]) => `${key}=${value}`).join("\n")}\n`;
}

/** Dimensions of the data disk's `CWAgent` disk_used_percent metric that alarms select on. */
export const KAFKA_DISK_METRIC_DIMENSIONS = ["InstanceId", "path"] as const;

/** The CloudWatch agent: Kafka's logs to the log group, the data disk's and memory's use as metrics. */
export function cloudWatchAgentConfig(logGroupName: string): string {
    const file = (path: string, stream: string) => ({ file_path: path, log_group_name: logGroupName, log_stream_name: `{instance_id}/${stream}`, retention_in_days: -1 });
    return `${JSON.stringify(
        {
            agent: { metrics_collection_interval: 60, run_as_user: "root", omit_hostname: true },
            logs: {
                logs_collected: {
                    files: {
                        collect_list: [
                            file("/var/log/kafka/server.log", "server.log"),
                            file("/var/log/kafka/controller.log", "controller.log"),
                            file("/var/log/kafka-bootstrap.log", "bootstrap.log"),
                        ],
                    },
                },
            },
            metrics: {
                namespace: "CWAgent",
                append_dimensions: { InstanceId: "${aws:InstanceId}" },
                // Also published with exactly these dimensions, whatever else the agent adds
                // (fstype…): the data-disk alarm names them (lib/monitoring.ts).
                aggregation_dimensions: [[...KAFKA_DISK_METRIC_DIMENSIONS]],
                metrics_collected: {
                    disk: { measurement: ["used_percent"], resources: [KAFKA_MOUNT], drop_device: true },
                    mem: { measurement: ["used_percent"] },
                },
            },
        },
        null,
        2,
    )}\n`;
}

/**
 * Where a release can be downloaded, in the order to try: Apache's download site (fast, current
 * releases only), then its archive (every release, slower, rate-limited).
 */
export function archiveUrls(version: string, scalaVersion: string): string[] {
    const file = `${version}/kafka_${scalaVersion}-${version}.tgz`;
    return [`https://downloads.apache.org/kafka/${file}`, `https://archive.apache.org/dist/kafka/${file}`];
}

/** The sizing and release of a Kafka quorum: what stack config and the component both carry. */
export interface KafkaSizing {
    readonly nodes: number;
    readonly instanceType: string;
    readonly version: string;
    readonly scalaVersion: string;
    readonly archiveSha512: string;
    readonly rootVolumeGb: number;
    readonly dataVolumeGb: number;
    readonly heapMb: number;
    readonly numPartitions: number;
}

export interface KafkaSpec extends KafkaSizing {
    readonly subnets: readonly KafkaSubnet[];
    readonly replicationFactor: number;
    readonly minInsyncReplicas: number;
    readonly autoCreateTopics: boolean;
}

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** A release number as Apache publishes it: major.minor.patch. */
const KAFKA_RELEASE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
/** The nodes run KRaft (no ZooKeeper): a 3.x release at least. */
export const KRAFT_MAJOR = 3;
const SHA512 = /^[0-9a-f]{128}$/i;

/**
 * The Scala builds Apache publishes of a major release (the archive is `kafka_<scala>-<version>.tgz`):
 * 3.x for Scala 2.12 and 2.13, 4.x (and later) for 2.13 only. KIP-751 (adopted) deprecated the 2.12
 * build in 3.0 and dropped it in 4.0, and 4.0.0 was published as kafka_2.13 alone.
 * https://cwiki.apache.org/confluence/pages/viewpage.action?pageId=181308218 (KIP-751)
 * https://index.scala-lang.org/apache/kafka/artifacts/kafka/4.0.0
 */
export function scalaBuilds(major: number): readonly string[] {
    return major >= 4 ? ["2.13"] : ["2.12", "2.13"];
}

/** Problems of the release to download: its number, its Scala build, the archive's digest. */
function releaseProblems(spec: Pick<KafkaSpec, "version" | "scalaVersion" | "archiveSha512">): Problem[] {
    const problems: Problem[] = [];
    const version = JSON.stringify(spec.version);
    const scala = JSON.stringify(spec.scalaVersion);
    const release = KAFKA_RELEASE.exec(spec.version);
    const major = release ? Number(release[1]) : undefined;
    if (major === undefined) {
        problems.push({ path: ["version"], message: `${version} is not a Kafka release; write major.minor.patch, e.g. "4.1.2" (KRaft needs 3.x or later)` });
    } else if (major < KRAFT_MAJOR) {
        problems.push({ path: ["version"], message: `${version} is older than 3.0; the nodes run in KRaft mode (no ZooKeeper), which needs a 3.x or later release, e.g. "4.1.2"` });
    }
    const builds = scalaBuilds(major ?? KRAFT_MAJOR);
    if (!scalaBuilds(KRAFT_MAJOR).includes(spec.scalaVersion)) {
        problems.push({ path: ["scalaVersion"], message: `${scala} is not a Scala version Kafka is built for; use "2.13" (or "2.12" for a 3.x release)` });
    } else if (major !== undefined && major >= KRAFT_MAJOR && !builds.includes(spec.scalaVersion)) {
        problems.push({
            path: ["scalaVersion"],
            message: `${scala} has no build of Kafka ${version}: ${major}.x is published for Scala ${builds.join(" and ")} only (3.x for 2.12 and 2.13); use ${builds.map((b) => JSON.stringify(b)).join(" or ")}`,
        });
    }
    if (!SHA512.test(spec.archiveSha512)) {
        problems.push({ path: ["archiveSha512"], message: "is not a SHA-512 digest (128 hex digits); copy it from the release's .sha512 file" });
    }
    return problems;
}

/** Every rule a Kafka spec must satisfy; `prod` adds the rules of a production quorum. */
export function kafkaProblems(spec: KafkaSpec, prod: boolean): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Array<string | number>, message: string) => problems.push({ path, message });
    if (!Number.isInteger(spec.nodes) || spec.nodes < 1 || spec.nodes > 9) {
        report(["nodes"], `${spec.nodes} is not a node count; use 1 (dev) or an odd number up to 9`);
    } else if (prod && spec.nodes < 3) {
        report(["nodes"], `${spec.nodes} is below 3; a prod quorum needs three nodes to survive the loss of one`);
    } else if (spec.nodes % 2 === 0) {
        report(["nodes"], `${spec.nodes} is even; a quorum of ${spec.nodes} tolerates ${tolerableFailures(spec.nodes)} failure(s), no more than ${spec.nodes - 1} nodes would — use an odd count`);
    }
    // Nodes are placed by their subnets' CIDRs: a CIDR that does not parse places none (and is
    // reported at the subnet; a stack's network block reports it at its own key).
    spec.subnets.forEach((subnet, i) => {
        const parsed = parseCidr(subnet.cidr);
        if (!parsed.ok) {
            report(["subnets", i, "cidr"], `${showValue(subnet.cidr)} ${parsed.reason}`);
        }
    });
    const placeable = spec.subnets.every((subnet) => parseCidr(subnet.cidr).ok);
    if (spec.subnets.length === 0) {
        report(["subnets"], "is empty; Kafka runs in the private subnets");
    } else if (placeable && Number.isInteger(spec.nodes) && tolerableFailures(spec.nodes) >= 1 && spec.nodes <= 9) {
        // A quorum that tolerates no failure at all is refused by the count rules above.
        const perAz = new Map<string, number>();
        for (const node of kafkaNodes(spec.nodes, spec.subnets)) {
            perAz.set(node.az, (perAz.get(node.az) ?? 0) + 1);
        }
        const tolerable = tolerableFailures(spec.nodes);
        for (const [az, count] of perAz) {
            if (count > tolerable) {
                report(["nodes"], `${spec.nodes} nodes put ${count} in ${showValue(az)}, more than the ${tolerable} the quorum can lose; losing ${showValue(az)} would stop Kafka — add private subnets in other AZs`);
            }
        }
    }
    if (spec.subnets.length > 0 && placeable && Number.isInteger(spec.nodes) && spec.nodes >= 1 && spec.nodes <= 9) {
        for (const node of kafkaNodes(spec.nodes, spec.subnets)) {
            const subnet = mustParseCidr(spec.subnets[node.subnetIndex].cidr);
            // AWS reserves the first four addresses of a subnet.
            if (mustParseCidr(`${node.ip}/32`).network < subnet.network + 4) {
                report(["subnets", node.subnetIndex], `${showValue(subnet.text)} is too small to give ${node.key} a fixed address of its own`);
            }
        }
    }
    if (!INSTANCE_TYPE.test(spec.instanceType)) {
        report(["instanceType"], `${showValue(spec.instanceType)} is not an EC2 instance type (expected <family>.<size>, e.g. t3.small)`);
    }
    problems.push(...releaseProblems(spec));
    if (!Number.isInteger(spec.rootVolumeGb) || spec.rootVolumeGb < SEED_VOLUMES.rootGb || spec.rootVolumeGb > 16384) {
        report(["rootVolumeGb"], `${spec.rootVolumeGb} is below the seed's ${SEED_VOLUMES.rootGb} GB root volume (or above 16384)`);
    }
    if (!Number.isInteger(spec.dataVolumeGb) || spec.dataVolumeGb < SEED_VOLUMES.dataGb || spec.dataVolumeGb > 16384) {
        report(["dataVolumeGb"], `${spec.dataVolumeGb} is below the seed's ${SEED_VOLUMES.dataGb} GB data volume (or above 16384)`);
    }
    if (!Number.isInteger(spec.heapMb) || spec.heapMb < 256) {
        report(["heapMb"], `${spec.heapMb} is not a heap size; give at least 256 MiB`);
    }
    if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1 || spec.replicationFactor > spec.nodes) {
        report(["replicationFactor"], `${spec.replicationFactor} is above the ${spec.nodes} node(s) (or below 1); a replica needs a broker of its own`);
    } else if (!Number.isInteger(spec.minInsyncReplicas) || spec.minInsyncReplicas < 1 || spec.minInsyncReplicas > spec.replicationFactor) {
        report(["minInsyncReplicas"], `${spec.minInsyncReplicas} must be 1–${spec.replicationFactor} (the replication factor)`);
    } else if (prod && spec.replicationFactor > 1 && spec.minInsyncReplicas >= spec.replicationFactor) {
        report(["minInsyncReplicas"], `${spec.minInsyncReplicas} equals the replication factor; one broker down would stop every write — use ${spec.replicationFactor - 1}`);
    }
    if (!Number.isInteger(spec.numPartitions) || spec.numPartitions < 1) {
        report(["numPartitions"], `${spec.numPartitions} is not a partition count`);
    }
    return problems;
}
