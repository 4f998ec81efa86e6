import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { spawnSync } from "child_process";
import { KafkaEc2, KafkaEc2Args, amiParameter } from "../../../../components/data/kafka/kafka-ec2";
import { ArgumentError } from "../../../../lib/problems";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, T, isTaggable, runView } from "../../../support/query";
import { requireTool } from "../../../support/tools";
import { naming, tags } from "../../../fixtures/components";

const K = {
    instance: "aws:ec2/instance:Instance",
    eni: "aws:ec2/networkInterface:NetworkInterface",
    volume: "aws:ebs/volume:Volume",
    attachment: "aws:ec2/volumeAttachment:VolumeAttachment",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    clusterId: "random:index/randomId:RandomId",
} as const;

const PRIVATE = [
    { id: "subnet-0aaaaaaaaaaaaaaa1", cidr: "10.0.11.0/24", az: "ap-northeast-2a" },
    { id: "subnet-0aaaaaaaaaaaaaaa2", cidr: "10.0.12.0/24", az: "ap-northeast-2b" },
    { id: "subnet-0aaaaaaaaaaaaaaa3", cidr: "10.0.13.0/24", az: "ap-northeast-2c" },
];
const KAFKA_SG = "sg-0kafkakafkakafk1";
const SHA512 = "78ac6e488b1071122f9608dfdb363f6fe50e1dbbc492347002c0398dfbf77e0d8caa5bf794c5937379721004dfe92025937d238b0faf4eb715529417fd43b491";

function kafkaArgs(change: Partial<KafkaEc2Args> = {}): KafkaEc2Args {
    return {
        naming,
        tags,
        nodes: 3,
        subnets: PRIVATE,
        securityGroupIds: [KAFKA_SG],
        instanceType: "t3.small",
        version: "4.1.2",
        archiveSha512: SHA512,
        logRetentionDays: 7,
        ...change,
    };
}

/** `key=value` lines of the server.properties a node's boot script writes. */
function serverPropertiesOf(instance: RecordedResource): Record<string, string> {
    const script = instance.inputs.userData as string;
    const block = /<<'PROPERTIES'\n([\s\S]*?)PROPERTIES\n/.exec(script);
    expect(block, "server.properties heredoc").to.not.equal(null);
    return Object.fromEntries(block![1].trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2)));
}

function shellcheck(script: string): { status: number | null; output: string } {
    const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "-"], { input: script, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("components/kafka-ec2: prod (three nodes)", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new KafkaEc2("kafka", kafkaArgs({ prod: true, protect: true })));
    });

    it("runs one node per AZ, each on its own interface with a fixed address in its private subnet", () => {
        const enis = view.ofType(K.eni).map((e) => [e.name, e.inputs.subnetId, e.inputs.privateIps, e.inputs.securityGroups]);
        expect(enis).to.have.deep.members([
            ["kafka-1-eni", PRIVATE[0].id, ["10.0.11.250"], [KAFKA_SG]],
            ["kafka-2-eni", PRIVATE[1].id, ["10.0.12.250"], [KAFKA_SG]],
            ["kafka-3-eni", PRIVATE[2].id, ["10.0.13.250"], [KAFKA_SG]],
        ]);
        for (const instance of view.ofType(K.instance)) {
            const eni = view.one(K.eni, `${instance.name}-eni`);
            expect(instance.inputs.primaryNetworkInterface).to.deep.equal({ networkInterfaceId: eni.id, deleteOnTermination: false });
        }
    });

    it("hardens each instance: IMDSv2 only, no public IP, no SSH key, encrypted gp3 root of 8 GB, Session Manager profile", () => {
        for (const instance of view.ofType(K.instance)) {
            expect(instance.inputs, instance.name).to.deep.include({
                instanceType: "t3.small",
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: {
                    volumeType: "gp3",
                    volumeSize: 8,
                    encrypted: true,
                    deleteOnTermination: true,
                    tags: { ...tags, Component: "kafka-ec2", Name: `goorm-popcorn-dev-${instance.name}-root` },
                },
                iamInstanceProfile: "goorm-popcorn-dev-kafka",
            });
            // volumeTags beside a separately tagged attached volume plans a change on every update.
            expect(instance.inputs.volumeTags, instance.name).to.equal(undefined);
            expect(instance.inputs.keyName, instance.name).to.equal(undefined);
            expect(instance.inputs.associatePublicIpAddress, instance.name).to.equal(undefined);
            expect(String(instance.inputs.ami)).to.match(/^ami-0[0-9a-f]{16}$/);
            expect(instance.options.ignoreChanges).to.deep.equal(["ami", "userData"]);
        }
    });

    it("replaces a node's instance and its volume attachment delete-first: its interface and volume serve one instance at a time", () => {
        for (const node of ["kafka-1", "kafka-2", "kafka-3"]) {
            expect(view.one(K.instance, node).options.deleteBeforeReplace, node).to.equal(true);
            expect(view.one(K.attachment, `${node}-data-attachment`).options.deleteBeforeReplace, node).to.equal(true);
        }
    });

    it("gives each node an encrypted 20 GB gp3 data volume in its AZ, attached to it and protected", () => {
        for (const volume of view.ofType(K.volume)) {
            const node = volume.name.replace("-data", "");
            expect(volume.inputs).to.include({ size: 20, type: "gp3", encrypted: true });
            expect(volume.options.protect, volume.name).to.equal(true);
            const attachment = view.one(K.attachment, `${node}-data-attachment`);
            expect(attachment.inputs).to.include({ volumeId: volume.id, instanceId: view.one(K.instance, node).id, deviceName: "/dev/sdf" });
        }
        const azOf = (name: string) => view.ofType(K.volume).find((v) => v.name === `${name}-data`)!.inputs.availabilityZone;
        expect(["kafka-1", "kafka-2", "kafka-3"].map(azOf)).to.deep.equal(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
    });

    it("writes server.properties with unique node ids, the full voter list, the data volume as log dir, and 3/2 replication", () => {
        const voters = "1@10.0.11.250:9093,2@10.0.12.250:9093,3@10.0.13.250:9093";
        const properties = view.ofType(K.instance).map(serverPropertiesOf);
        expect(properties.map((p) => p["node.id"]).sort()).to.deep.equal(["1", "2", "3"]);
        for (const p of properties) {
            expect(p).to.include({
                "process.roles": "broker,controller",
                "controller.quorum.voters": voters,
                "log.dirs": "/var/lib/kafka/data",
                "default.replication.factor": "3",
                "min.insync.replicas": "2",
                "auto.create.topics.enable": "false",
            });
        }
    });

    it("formats every node with the one cluster id, generated once and kept in state", () => {
        const [clusterId] = view.ofType(K.clusterId);
        expect(view.ofType(K.clusterId)).to.have.length(1);
        expect(clusterId.inputs).to.deep.include({ byteLength: 16 });
        const ids = view.ofType(K.instance).map((i) => /readonly CLUSTER_ID="([^"]+)"/.exec(i.inputs.userData as string)![1]);
        expect(new Set(ids).size).to.equal(1);
        expect(ids[0]).to.equal(clusterId.id);
        expect(ids[0]).to.match(/^[A-Za-z0-9_-]{22}$/);
    });

    it("downloads the release from Apache's download site, then its archive, with retries, and checks its SHA-512 before use; mounts the data volume by its volume id", () => {
        for (const instance of view.ofType(K.instance)) {
            const script = instance.inputs.userData as string;
            const volumeId = view.one(K.volume, `${instance.name}-data`).id!;
            expect(script).to.contain(
                'readonly ARCHIVE_URLS="https://downloads.apache.org/kafka/4.1.2/kafka_2.13-4.1.2.tgz https://archive.apache.org/dist/kafka/4.1.2/kafka_2.13-4.1.2.tgz"',
            );
            expect(script).to.contain("retry download");
            expect(script).to.contain("retry dnf install -y java-21-amazon-corretto-headless");
            expect(script).to.contain(`readonly ARCHIVE_SHA512="${SHA512}"`);
            expect(script).to.contain('sha512sum --check --strict -');
            expect(script).to.contain(`readonly DATA_VOLUME_ID="${volumeId}"`);
            expect(script).to.contain("/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID//-/}");
            expect(script.indexOf("sha512sum --check")).to.be.lessThan(script.indexOf("tar -xzf"));
            expect(script).to.contain("Restart=always");
            // Kafka starts only once its data volume is mounted.
            expect(script).to.contain("RequiresMountsFor=${MOUNT_POINT}");
            // An id may start with "-" (one in 64): as a separate argument it would read as a flag.
            expect(script).to.contain('format "--cluster-id=${CLUSTER_ID}"');
        }
    });

    it("passes shellcheck, for every node's rendered script", function () {
        requireTool(this, "shellcheck", "checking the Kafka boot scripts");
        for (const instance of view.ofType(K.instance)) {
            const result = shellcheck(instance.inputs.userData as string);
            expect(result.status, `${instance.name}:\n${result.output}`).to.equal(0);
        }
    });

    it("ships logs to /aws/ec2/kafka-dev through a role that may write only that group, and uses Session Manager", () => {
        expect(view.one(T.logGroup, "kafka-logs").inputs).to.include({ name: "/aws/ec2/kafka-dev", retentionInDays: 7 });
        const statements = JSON.parse(view.one(T.rolePolicy, "kafka-cloudwatch-agent").inputs.policy as string).Statement;
        expect(statements[0].Resource).to.deep.equal([
            `arn:aws:logs:ap-northeast-2:${MOCK_ACCOUNT_ID}:log-group:/aws/ec2/kafka-dev`,
            `arn:aws:logs:ap-northeast-2:${MOCK_ACCOUNT_ID}:log-group:/aws/ec2/kafka-dev:*`,
        ]);
        expect(statements[1].Condition).to.deep.equal({ StringEquals: { "cloudwatch:namespace": "CWAgent" } });
        expect(view.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "kafka-session-manager").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
        // No aws:SourceAccount condition: EC2 sends none when it hands an instance its credentials.
        expect(JSON.parse(view.one(T.role, "kafka-role").inputs.assumeRolePolicy as string).Statement).to.deep.equal([
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
    });

    it("lets no node depend on another node's instance or volume, so replacing one changes no other", () => {
        const perNode = (key: string) => view.custom.filter((r) => r.name.startsWith(`${key}-`) || r.name === key);
        for (const key of ["kafka-1", "kafka-2", "kafka-3"]) {
            const others = view.custom.filter((r) => /^kafka-\d/.test(r.name) && !r.name.startsWith(`${key}-`) && r.name !== key).map((r) => r.urn);
            for (const resource of perNode(key)) {
                expect(resource.options.dependsOn.filter((urn) => others.includes(urn)), resource.name).to.deep.equal([]);
                expect(JSON.stringify(resource.inputs), resource.name).to.not.match(new RegExp(others.map((urn) => view.resources.find((r) => r.urn === urn)!.id).filter(Boolean).join("|")));
            }
        }
    });

    it("boots each node only after the egress it is given (NAT routes, endpoints)", async () => {
        const withEgress = await runView(() => {
            const route = new aws.ec2.Route("nat-route", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" });
            new KafkaEc2("kafka", kafkaArgs({ egress: [route] }));
        });
        const route = withEgress.one("aws:ec2/route:Route", "nat-route");
        for (const instance of withEgress.ofType(K.instance)) {
            expect(instance.options.explicitDependsOn, instance.name).to.include(route.urn);
        }
    });

    it("tags every taggable child with Component=kafka-ec2", () => {
        for (const r of view.custom.filter((x) => isTaggable(x.type))) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "kafka-ec2", Project: "goorm-popcorn" });
        }
    });
});

describe("components/kafka-ec2: dev (one node)", () => {
    it("runs one node in 2a with replication 1/1 and an unprotected volume", async () => {
        const view = await runView(() => new KafkaEc2("kafka", kafkaArgs({ nodes: 1, subnets: PRIVATE.slice(0, 1) })));
        expect(view.ofType(K.instance)).to.have.length(1);
        expect(view.ofType(K.volume)[0].inputs.availabilityZone).to.equal("ap-northeast-2a");
        expect(view.ofType(K.volume)[0].options.protect).to.equal(false);
        expect(serverPropertiesOf(view.ofType(K.instance)[0])).to.include({ "controller.quorum.voters": "1@10.0.11.250:9093", "default.replication.factor": "1", "min.insync.replicas": "1" });
    });

    it("renders a boot script that passes shellcheck with one node", async function () {
        requireTool(this, "shellcheck", "checking the Kafka boot scripts");
        const view = await runView(() => new KafkaEc2("kafka", kafkaArgs({ nodes: 1, subnets: PRIVATE.slice(0, 1) })));
        expect(shellcheck(view.ofType(K.instance)[0].inputs.userData as string).status).to.equal(0);
    });
});

describe("components/kafka-ec2: AMI and bad arguments", () => {
    it("reads Amazon Linux 2023 for the instance type's architecture", () => {
        expect(amiParameter("t3.small")).to.equal("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        expect(amiParameter("t4g.small")).to.equal("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
        expect(amiParameter("m7gd.large")).to.equal("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
        expect(amiParameter("g5.xlarge")).to.equal("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    });

    it("refuses a prod quorum of two before any resource", () => {
        expect(() => new KafkaEc2("kafka", kafkaArgs({ nodes: 2, prod: true, dataVolumeGb: 10 }))).to.throw(
            ArgumentError,
            'KafkaEc2 "kafka": invalid arguments:\n  nodes: 2 is below 3; a prod quorum needs three nodes to survive the loss of one\n  dataVolumeGb: 10 is below the seed\'s 20 GB data volume (or above 16384)',
        );
    });
});
