import { expect } from "chai";
import {
    KAFKA_DISK_METRIC_DIMENSIONS,
    KAFKA_MOUNT,
    bootstrapServers,
    cloudWatchAgentConfig,
    kafkaNodes,
    kafkaProblems,
    KafkaSpec,
    quorumVoters,
    replicationDefaults,
    serverProperties,
    tolerableFailures,
} from "../../../../components/data/kafka/kafka";
import { formatPath } from "../../../../lib/problems";

const PROD_SUBNETS = [
    { cidr: "10.0.11.0/24", az: "ap-northeast-2a" },
    { cidr: "10.0.12.0/24", az: "ap-northeast-2b" },
    { cidr: "10.0.13.0/24", az: "ap-northeast-2c" },
];

function spec(change: Partial<KafkaSpec> = {}): KafkaSpec {
    return {
        nodes: 3,
        subnets: PROD_SUBNETS,
        instanceType: "t3.small",
        version: "4.1.2",
        scalaVersion: "2.13",
        archiveSha512: "a".repeat(128),
        rootVolumeGb: 8,
        dataVolumeGb: 20,
        heapMb: 1024,
        replicationFactor: 3,
        minInsyncReplicas: 2,
        numPartitions: 3,
        autoCreateTopics: false,
        ...change,
    };
}

const lines = (s: KafkaSpec, prod = true) => kafkaProblems(s, prod).map((p) => `${formatPath(p.path)}: ${p.message}`);

describe("lib/kafka: placement and quorum", () => {
    it("puts one node per AZ with a fixed address near the top of its subnet", () => {
        expect(kafkaNodes(3, PROD_SUBNETS).map((n) => `${n.key} ${n.az} ${n.ip}`)).to.deep.equal([
            "kafka-1 ap-northeast-2a 10.0.11.250",
            "kafka-2 ap-northeast-2b 10.0.12.250",
            "kafka-3 ap-northeast-2c 10.0.13.250",
        ]);
        expect(kafkaNodes(5, PROD_SUBNETS).map((n) => n.ip)).to.deep.equal(["10.0.11.250", "10.0.12.250", "10.0.13.250", "10.0.11.249", "10.0.12.249"]);
    });

    it("lists every node as a voter on 9093 and as a bootstrap server on 9092", () => {
        const nodes = kafkaNodes(3, PROD_SUBNETS);
        expect(quorumVoters(nodes)).to.equal("1@10.0.11.250:9093,2@10.0.12.250:9093,3@10.0.13.250:9093");
        expect(bootstrapServers(nodes)).to.equal("10.0.11.250:9092,10.0.12.250:9092,10.0.13.250:9092");
    });

    it("derives replication from the node count: 1/1 for one node, 3/2 for three", () => {
        expect(replicationDefaults(1)).to.deep.equal({ replicationFactor: 1, minInsyncReplicas: 1 });
        expect(replicationDefaults(3)).to.deep.equal({ replicationFactor: 3, minInsyncReplicas: 2 });
        expect(replicationDefaults(5)).to.deep.equal({ replicationFactor: 3, minInsyncReplicas: 2 });
        expect([1, 2, 3, 4, 5].map(tolerableFailures)).to.deep.equal([0, 0, 1, 1, 2]);
    });

    it("writes a node's server.properties: its id, the full voter list, the data volume, replication", () => {
        const nodes = kafkaNodes(3, PROD_SUBNETS);
        const properties = serverProperties({ node: nodes[1], nodes, replicationFactor: 3, minInsyncReplicas: 2, numPartitions: 3, autoCreateTopics: false });
        const map = Object.fromEntries(properties.trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2)));
        expect(map).to.include({
            "process.roles": "broker,controller",
            "node.id": "2",
            "controller.quorum.voters": "1@10.0.11.250:9093,2@10.0.12.250:9093,3@10.0.13.250:9093",
            listeners: "CLIENT://0.0.0.0:9092,BULK://0.0.0.0:9094,CONTROLLER://10.0.12.250:9093",
            "advertised.listeners": "CLIENT://10.0.12.250:9092,BULK://10.0.12.250:9094",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "CLIENT",
            "log.dirs": "/var/lib/kafka/data",
            "default.replication.factor": "3",
            "min.insync.replicas": "2",
            "offsets.topic.replication.factor": "3",
            "transaction.state.log.min.isr": "2",
            "unclean.leader.election.enable": "false",
        });
    });
});

describe("lib/kafka: rules", () => {
    it("accepts the dev and prod shapes", () => {
        expect(lines(spec())).to.deep.equal([]);
        expect(lines(spec({ nodes: 1, subnets: PROD_SUBNETS.slice(0, 1), replicationFactor: 1, minInsyncReplicas: 1 }), false)).to.deep.equal([]);
    });

    it("refuses fewer than three nodes in prod", () => {
        expect(lines(spec({ nodes: 1, replicationFactor: 1, minInsyncReplicas: 1 }))).to.deep.equal(["nodes: 1 is below 3; a prod quorum needs three nodes to survive the loss of one"]);
    });

    it("refuses an even node count", () => {
        expect(lines(spec({ nodes: 4 }), false)).to.deep.equal([
            "nodes: 4 is even; a quorum of 4 tolerates 1 failure(s), no more than 3 nodes would — use an odd count",
            'nodes: 4 nodes put 2 in "ap-northeast-2a", more than the 1 the quorum can lose; losing "ap-northeast-2a" would stop Kafka — add private subnets in other AZs',
        ]);
    });

    it("refuses a replication factor above the node count", () => {
        expect(lines(spec({ nodes: 1, subnets: PROD_SUBNETS.slice(0, 1), replicationFactor: 3, minInsyncReplicas: 2 }), false)).to.deep.equal([
            "replicationFactor: 3 is above the 1 node(s) (or below 1); a replica needs a broker of its own",
        ]);
    });

    it("refuses more nodes in one AZ than the quorum can lose", () => {
        expect(lines(spec({ subnets: PROD_SUBNETS.slice(0, 2) }))).to.deep.equal([
            'nodes: 3 nodes put 2 in "ap-northeast-2a", more than the 1 the quorum can lose; losing "ap-northeast-2a" would stop Kafka — add private subnets in other AZs',
        ]);
    });

    it("refuses volumes below the seed's and an instance type that is not of the EC2 form", () => {
        expect(lines(spec({ rootVolumeGb: 6, dataVolumeGb: 10, instanceType: "t3-small" }))).to.deep.equal([
            'instanceType: "t3-small" is not an EC2 instance type (expected <family>.<size>, e.g. t3.small)',
            "rootVolumeGb: 6 is below the seed's 8 GB root volume (or above 16384)",
            "dataVolumeGb: 10 is below the seed's 20 GB data volume (or above 16384)",
        ]);
    });

    it("refuses a digest that is not SHA-512, and min ISR equal to the replication factor in prod", () => {
        expect(lines(spec({ archiveSha512: "abc", minInsyncReplicas: 3 }))).to.deep.equal([
            "archiveSha512: is not a SHA-512 digest (128 hex digits); copy it from the release's .sha512 file",
            "minInsyncReplicas: 3 equals the replication factor; one broker down would stop every write — use 2",
        ]);
    });
});

describe("lib/kafka: the CloudWatch agent", () => {
    const config = JSON.parse(cloudWatchAgentConfig("/aws/ec2/kafka-dev"));

    it("ships the server, controller and boot logs to the Kafka log group, one stream per instance", () => {
        const files = config.logs.logs_collected.files.collect_list as Array<{ file_path: string; log_group_name: string; log_stream_name: string }>;
        expect(files.map((f) => f.file_path)).to.deep.equal(["/var/log/kafka/server.log", "/var/log/kafka/controller.log", "/var/log/kafka-bootstrap.log"]);
        expect(new Set(files.map((f) => f.log_group_name))).to.deep.equal(new Set(["/aws/ec2/kafka-dev"]));
        expect(files.every((f) => f.log_stream_name.startsWith("{instance_id}/"))).to.equal(true);
    });

    it("publishes the data volume's use under exactly the dimensions the disk alarm selects (InstanceId, path)", () => {
        const { metrics } = config;
        expect(metrics.namespace).to.equal("CWAgent");
        expect(metrics.metrics_collected.disk).to.deep.include({ measurement: ["used_percent"], resources: [KAFKA_MOUNT], drop_device: true });
        expect(metrics.append_dimensions).to.deep.equal({ InstanceId: "${aws:InstanceId}" });
        expect(metrics.aggregation_dimensions).to.deep.equal([[...KAFKA_DISK_METRIC_DIMENSIONS]]);
        expect(KAFKA_DISK_METRIC_DIMENSIONS).to.deep.equal(["InstanceId", "path"]);
        expect(config.agent.omit_hostname).to.equal(true);
    });
});
