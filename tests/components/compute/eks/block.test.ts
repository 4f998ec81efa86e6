/**
 * platform:eks in stacks: its defaults, every rule triggered by a stack file's config with its
 * exact message, and a system C-shaped stack (network + eks) planned through the program: the
 * cluster, access entries, node group, launch template, add-ons, pod identities, the Kubernetes
 * provider, the outputs, the warnings and the baseline; and podIdentity() as a block built after
 * it calls it.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { z } from "zod";
import { eksAlarms } from "../../../../components/compute/eks/alarms";
import { EKS_NODES_GROUP, eksBlock } from "../../../../components/compute/eks/block";
import { BuiltEks } from "../../../../components/compute/eks/contract";
import { EksCluster, IMDS_HOP_LIMIT, podIdentityTrustPolicy } from "../../../../components/compute/eks/eks-cluster";
import { Naming } from "../../../../lib/naming";
import { assemble } from "../../../../stacks/assemble";
import { AnyBlock, BuildContext, defineBlock } from "../../../../stacks/block";
import { parseStackConfig } from "../../../../stacks/config";
import { BLOCKS } from "../../../../stacks/registry";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource, runProgram } from "../../../../tooling/mock-runtime";
import { projectProgram } from "../../../../tooling/plan";
import { RuleCase, itRaises } from "../../../fixtures/config";
import { REGION, pointEks } from "../../../fixtures/eks";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T, refusedArguments } from "../../../support/query";

const E = {
    cluster: "aws:eks/cluster:Cluster",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    addon: "aws:eks/addon:Addon",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    kmsKey: "aws:kms/key:Key",
    provider: "pulumi:providers:kubernetes",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

const ARN = (role: string) => `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${role}`;
const CLUSTER_ARN = `arn:aws:eks:${REGION}:${MOCK_ACCOUNT_ID}:cluster/point-eks-prod`;

describe("stacks: platform:eks resolves with its defaults", () => {
    it("1.35, STANDARD, a private endpoint, 3/3/5 x m5.large on demand with 50 GiB, no add-on versions of its own, deletion protection in prod only", () => {
        const config = pointEks((eks) => {
            delete eks.version;
            delete eks.endpoint;
            delete eks.nodes;
            eks.access = { deployer: "account-prod-github-deploy" };
        });
        expect(parseStackConfig(config, "point-eks").config(eksBlock)).to.deep.equal({
            version: "1.35",
            supportType: "STANDARD",
            endpoint: { publicAccess: false, publicAccessCidrs: [] },
            access: { deployer: "account-prod-github-deploy", admins: [], viewers: [] },
            nodes: { instanceTypes: ["m5.large"], minSize: 3, desiredSize: 3, maxSize: 5, capacityType: "ON_DEMAND", rootVolumeGiB: 50 },
            addonVersions: {},
            logRetentionDays: 90,
            deletionProtection: true,
        });
        expect(parseStackConfig(pointEks(() => {}, "dev"), "point-eks").config(eksBlock)!.deletionProtection).to.equal(false);
    });

    it("declares the eks-nodes group with HTTPS out, and no other flow of its own", () => {
        const security = parseStackConfig(pointEks(), "point-eks").security;
        expect(security.groups.filter((g) => g.key === "eks").map((g) => [g.name, g.description])).to.deep.equal([[EKS_NODES_GROUP, "EKS nodes and pods"]]);
        const flows = security.flows.filter((f) => "group" in f.from && f.from.group === EKS_NODES_GROUP);
        expect(flows.map((f) => ["cidr" in f.to ? f.to.cidr : "", f.port, f.why])).to.deep.equal([["0.0.0.0/0", 443, "HTTPS out: images, AWS APIs"]]);
    });

    it("needs platform:network", () => {
        const config = pointEks();
        delete config["platform:network"];
        expect(() => parseStackConfig(config, "point-eks")).to.throw(/platform:eks.*platform:network/);
    });
});

describe("stacks: bad platform:eks configs", () => {
    const instanceTypes =
        "t3.medium, t3.large, t3.xlarge, m5.large, m5.xlarge, m5.2xlarge, m6i.large, m6i.xlarge, m7i.large, m7i.xlarge, c5.large, c5.xlarge, r5.large, r5.xlarge, t4g.medium, t4g.large, m6g.large, m6g.xlarge, m7g.large, m7g.xlarge";
    const cases: RuleCase[] = [
        [
            "a version the table does not have",
            () => pointEks((e) => (e.version = "1.36")),
            [`platform:eks.version: "1.36" is not in the table of EKS versions (checked 2026-11-29: 1.31, 1.32, 1.33, 1.34, 1.35); use 1.35 or 1.34, or add its row from AWS's release calendar`],
            "point-eks",
        ],
        [
            "a version out of support altogether",
            () => pointEks((e) => (e.version = "1.31")),
            [`platform:eks.version: "1.31" is out of support (extended support ended on 2026-11-26); EKS creates no cluster on it: use 1.35 or 1.34`],
            "point-eks",
        ],
        [
            "a version in extended support, with the STANDARD policy",
            () => pointEks((e) => (e.version = "1.33")),
            [`platform:eks.version: "1.33" left standard support on 2026-07-29; use 1.35 or 1.34, or set supportType: EXTENDED with extendedSupportReason (a premium per cluster hour)`],
            "point-eks",
        ],
        [
            "EXTENDED without a reason",
            () => pointEks((e) => (e.supportType = "EXTENDED")),
            [
                `platform:eks.supportType: "EXTENDED" needs extendedSupportReason: past standard support the cluster stays on its version at the extended support premium per cluster hour; use STANDARD, or state why in platform:eks.extendedSupportReason`,
            ],
            "point-eks",
        ],
        [
            "a reason with STANDARD",
            () => pointEks((e) => (e.extendedSupportReason = "the app needs 1.35")),
            [`platform:eks.extendedSupportReason: is set, but supportType is "STANDARD"; it explains EXTENDED only, so remove it`],
            "point-eks",
        ],
        [
            "an empty reason",
            () =>
                pointEks((e) => {
                    e.supportType = "EXTENDED";
                    e.extendedSupportReason = " ";
                }),
            ["platform:eks.extendedSupportReason: is empty; say why the cluster pays for extended support, or remove it"],
            "point-eks",
        ],
        [
            "a public endpoint open to nobody",
            () => pointEks((e) => (e.endpoint = { publicAccess: true })),
            [
                `platform:eks.endpoint.publicAccessCidrs: is empty, but publicAccess is true; list the networks that may reach the API server (your office, the CI runners' egress), or "0.0.0.0/0" with publicAccessReason`,
            ],
            "point-eks",
        ],
        [
            "networks for a private endpoint",
            () => pointEks((e) => (e.endpoint = { publicAccessCidrs: ["203.0.113.0/24"] })),
            ["platform:eks.endpoint.publicAccessCidrs: is set, but publicAccess is false; set publicAccess: true, or remove it"],
            "point-eks",
        ],
        [
            "networks that are not IPv4 blocks",
            () => pointEks((e) => (e.endpoint.publicAccessCidrs = ["203.0.113.7/24", "10.0.0.0/33"])),
            [
                'platform:eks.endpoint.publicAccessCidrs[0]: "203.0.113.7/24" has host bits set; the block that contains it is 203.0.113.0/24',
                'platform:eks.endpoint.publicAccessCidrs[1]: "10.0.0.0/33" has a prefix length above 32',
            ],
            "point-eks",
        ],
        [
            "the whole internet in prod, without a reason",
            () => pointEks((e) => (e.endpoint.publicAccessCidrs = ["198.51.100.0/24", "0.0.0.0/0"])),
            [
                `platform:eks.endpoint.publicAccessCidrs[1]: "0.0.0.0/0" opens the API server's endpoint to the whole internet; prod refuses it without publicAccessReason: list your networks, or state why in platform:eks.endpoint.publicAccessReason`,
            ],
            "point-eks",
        ],
        [
            "a reason for an endpoint not open to the internet",
            () => pointEks((e) => (e.endpoint.publicAccessReason = "CI")),
            [`platform:eks.endpoint.publicAccessReason: is set, but the endpoint is not open to "0.0.0.0/0"; it explains that only, so remove it`],
            "point-eks",
        ],
        [
            "an empty reason for the internet",
            () =>
                pointEks((e) => {
                    e.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
                    e.endpoint.publicAccessReason = "";
                }),
            ["platform:eks.endpoint.publicAccessReason: is empty; say why the API server is open to the internet, or remove it"],
            "point-eks",
        ],
        ["no deployer", () => pointEks((e) => (e.access = { admins: ["platform-admin"] })), ["platform:eks.access.deployer: is required (expected a string)"], "point-eks"],
        [
            "an ARN for a role name",
            () => pointEks((e) => (e.access.admins = [`arn:aws:iam::${MOCK_ACCOUNT_ID}:role/platform-admin`])),
            [`platform:eks.access.admins[0]: "arn:aws:iam::${MOCK_ACCOUNT_ID}:role/platform-admin" is an ARN; give the role's name (the stack builds the ARN in its own account)`],
            "point-eks",
        ],
        [
            "a role name IAM refuses",
            () => pointEks((e) => (e.access.viewers = ["read only"])),
            [`platform:eks.access.viewers[0]: "read only" is not an IAM role name; AWS allows up to 64 letters, digits and +=,.@_-`],
            "point-eks",
        ],
        [
            "the deployer again as an admin",
            () => pointEks((e) => (e.access.admins = ["account-prod-github-deploy"])),
            [`platform:eks.access.admins[0]: "account-prod-github-deploy" is also at platform:eks.access.deployer; a role has one access entry`],
            "point-eks",
        ],
        [
            "an admin again as a viewer",
            () => pointEks((e) => (e.access.viewers = ["platform-admin"])),
            [`platform:eks.access.viewers[0]: "platform-admin" is also at platform:eks.access.admins[0]; a role has one access entry`],
            "point-eks",
        ],
        [
            "an instance type the table does not have",
            () => pointEks((e) => (e.nodes.instanceTypes = ["m5.metal"])),
            [
                `platform:eks.nodes.instanceTypes[0]: "m5.metal" is not in the table of node instance types (their network interfaces fix the pods per node): use ${instanceTypes}, or add its row to components/compute/eks/capacity.ts`,
            ],
            "point-eks",
        ],
        ["no instance type", () => pointEks((e) => (e.nodes.instanceTypes = [])), ["platform:eks.nodes.instanceTypes: is empty; name at least one instance type"], "point-eks"],
        [
            "x86_64 and arm64 types together",
            () => pointEks((e) => (e.nodes.instanceTypes = ["m5.large", "m6g.large"])),
            ["platform:eks.nodes.instanceTypes: mixes x86_64 (m5.large) and arm64 (m6g.large); a node group runs one AMI type: use one architecture"],
            "point-eks",
        ],
        ["minSize above maxSize", () => pointEks((e) => (e.nodes = { minSize: 4, maxSize: 3 })), ["platform:eks.nodes.minSize: 4 is above maxSize 3"], "point-eks"],
        ["desiredSize outside the range", () => pointEks((e) => (e.nodes = { desiredSize: 6 })), ["platform:eks.nodes.desiredSize: 6 is outside minSize–maxSize (3–5)"], "point-eks"],
        ["a negative minSize", () => pointEks((e) => (e.nodes = { minSize: -1 })), ["platform:eks.nodes.minSize: -1 is below 0"], "point-eks"],
        [
            "maxSize 0",
            () => pointEks((e) => (e.nodes = { minSize: 0, desiredSize: 0, maxSize: 0 })),
            ["platform:eks.nodes.maxSize: 0 is out of range; a managed node group has 1 to 450 nodes at most"],
            "point-eks",
        ],
        ["maxSize over EKS's 450", () => pointEks((e) => (e.nodes = { maxSize: 451 })), ["platform:eks.nodes.maxSize: 451 is out of range; a managed node group has 1 to 450 nodes at most"], "point-eks"],
        [
            "Spot in prod",
            () => pointEks((e) => (e.nodes.capacityType = "SPOT")),
            [`platform:eks.nodes.capacityType: "SPOT" is not allowed in prod; Spot nodes are reclaimed at two minutes' notice, with their pods: use ON_DEMAND`],
            "point-eks",
        ],
        [
            "a root volume below the AMI's snapshot",
            () => pointEks((e) => (e.nodes.rootVolumeGiB = 10)),
            ["platform:eks.nodes.rootVolumeGiB: 10 is out of range; use 20 (the AMI's own snapshot) to 16384 GiB (gp3's largest)"],
            "point-eks",
        ],
        [
            "a root volume over gp3's largest",
            () => pointEks((e) => (e.nodes.rootVolumeGiB = 20000)),
            ["platform:eks.nodes.rootVolumeGiB: 20000 is out of range; use 20 (the AMI's own snapshot) to 16384 GiB (gp3's largest)"],
            "point-eks",
        ],
        [
            "private subnets in one AZ (dev)",
            () => pointEks((_e, n) => (n.subnets.private = [n.subnets.private[0]]), "dev"),
            [`platform:eks: needs platform:network's private subnets in at least two AZs (EKS places its control plane's interfaces in two AZs at least); they span "ap-northeast-2a"`],
            "point-eks",
        ],
        [
            "private /26s too small for the nodes' pods",
            () => pointEks((_e, n) => (n.subnets.private = n.subnets.private.map((s: { az: string }, i: number) => ({ ...s, cidr: `10.0.${i + 11}.0/26` })))),
            [
                `platform:eks.nodes.maxSize: 6 nodes, and up to 6 more while an update replaces them, need 120 addresses in each private subnet (4 nodes per AZ × 30: each m5.large holds 3 interfaces × 10 addresses at its 29 pods); "10.0.11.0/26" in "ap-northeast-2a" has 53 free: lower maxSize, or give the private subnets larger blocks`,
            ],
            "point-eks",
        ],
        [
            "a retention CloudWatch does not have",
            () => pointEks((e) => (e.logRetentionDays = 10)),
            ["^platform:eks\\.logRetentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90"],
            "point-eks",
        ],
        [
            "a version for an add-on this block does not install",
            () => pointEks((e) => (e.addonVersions = { "aws-load-balancer-controller": "v2.14.0" })),
            [
                'platform:eks.addonVersions.aws-load-balancer-controller: "aws-load-balancer-controller" is not an add-on of this block; it installs vpc-cni, kube-proxy, eks-pod-identity-agent, coredns, aws-ebs-csi-driver, metrics-server, amazon-cloudwatch-observability',
            ],
            "point-eks",
        ],
    ];
    itRaises(cases);

    it("accepts Spot and the whole internet outside prod, a stated reason in prod, and EXTENDED with its reason", () => {
        const accepted = [
            pointEks((e) => (e.nodes.capacityType = "SPOT"), "dev"),
            pointEks((e) => (e.endpoint.publicAccessCidrs = ["0.0.0.0/0"]), "dev"),
            pointEks((e) => {
                e.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
                e.endpoint.publicAccessReason = "GitHub-hosted runners have no fixed addresses";
            }),
            pointEks((e) => {
                e.version = "1.33";
                e.supportType = "EXTENDED";
                e.extendedSupportReason = "the app is certified on 1.33 until March";
            }),
        ];
        for (const config of accepted) {
            expect(parseStackConfig(config, "point-eks").config(eksBlock)).to.be.an("object");
        }
    });
});

let planned: Promise<ProgramRun> | undefined;
/** System C's network and cluster, planned once through index.ts. */
function plan(): Promise<RunView> {
    planned ??= runProgram(projectProgram(), { stack: "point-eks", config: pointEks() });
    return planned.then((run) => new RunView(run));
}

describe("stacks: a network + eks stack planned", () => {
    const dependsOnNames = (r: RecordedResource) => r.options.dependsOn.map((urn) => urn.split("::").pop());

    it("meets the baseline: tags everywhere, retentions, no empty nested block", async () => {
        const view = await plan();
        expectBaseline(view.run as ProgramRun, { project: "point-eks", env: "prod", name: "point-eks" });
    });

    it("creates the cluster as configured: version, STANDARD, API authentication without a creator admin, private subnets, the public endpoint to its networks, secrets encrypted, three log types", async () => {
        const view = await plan();
        const cluster = view.one(E.cluster, "eks-cluster");
        const privateSubnets = view.subnetsOfTier("private").map((s) => s.id);
        expect(cluster.inputs).to.deep.include({
            name: "point-eks-prod",
            version: "1.35",
            upgradePolicy: { supportType: "STANDARD" },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            bootstrapSelfManagedAddons: false,
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            deletionProtection: true,
            roleArn: ARN("point-eks-prod-eks-cluster"),
        });
        expect(cluster.inputs.vpcConfig).to.deep.equal({ subnetIds: privateSubnets, endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
        expect(privateSubnets).to.have.length(3);
        const key = view.one(E.kmsKey, "eks-secrets-key");
        expect(key.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
        expect(cluster.inputs.encryptionConfig).to.deep.equal({ resources: ["secrets"], provider: { keyArn: `arn:aws:kms:${REGION}:${MOCK_ACCOUNT_ID}:key/${key.id}` } });
        // The log group first, with its retention; the role's policies before the cluster.
        const logs = view.one(T.logGroup, "eks-logs");
        expect(logs.inputs).to.include({ name: "/aws/eks/point-eks-prod/cluster", retentionInDays: 90 });
        expect(dependsOnNames(cluster)).to.include.members(["eks-logs", "eks-cluster-policy", "eks-cluster-kms"]);
        expect(view.one(E.attachment, "eks-cluster-policy").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
        expect(JSON.parse(String(view.one(T.rolePolicy, "eks-cluster-kms").inputs.policy)).Statement[0].Resource).to.equal(`arn:aws:kms:${REGION}:${MOCK_ACCOUNT_ID}:key/${key.id}`);
    });

    it("gives the deployer and the admins cluster admin and the viewers the view policy, by ARNs of the stack's account", async () => {
        const view = await plan();
        expect(view.ofType(E.accessEntry).map((e) => [e.name, e.inputs.principalArn, e.inputs.type])).to.deep.equal([
            ["eks-deployer", ARN("account-prod-github-deploy"), "STANDARD"],
            ["eks-admin-platform-admin", ARN("platform-admin"), "STANDARD"],
            ["eks-viewer-platform-readonly", ARN("platform-readonly"), "STANDARD"],
        ]);
        const policy = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;
        expect(view.ofType(E.accessPolicy).map((a) => [a.inputs.principalArn, a.inputs.policyArn, a.inputs.accessScope])).to.deep.equal([
            [ARN("account-prod-github-deploy"), policy("AmazonEKSClusterAdminPolicy"), { type: "cluster" }],
            [ARN("platform-admin"), policy("AmazonEKSClusterAdminPolicy"), { type: "cluster" }],
            [ARN("platform-readonly"), policy("AmazonEKSViewPolicy"), { type: "cluster" }],
        ]);
    });

    it("runs the node group on AL2023 in the private subnets, 3/3/6, one node at a time, through the launch template's latest version", async () => {
        const view = await plan();
        const group = view.one(E.nodeGroup, "eks-nodes");
        const template = view.one(E.launchTemplate, "eks-nodes-lt");
        expect(group.inputs).to.deep.include({
            clusterName: "point-eks-prod",
            nodeGroupName: "point-eks-prod-nodes",
            version: "1.35",
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            instanceTypes: ["m5.large"],
            scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: template.id, version: "1" },
            subnetIds: view.subnetsOfTier("private").map((s) => s.id),
            nodeRoleArn: ARN("point-eks-prod-eks-nodes"),
        });
        expect(view.ofType(E.attachment).filter((a) => a.inputs.role === "point-eks-prod-eks-nodes").map((a) => a.inputs.policyArn)).to.deep.equal([
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
        expect(JSON.parse(String(view.one(T.role, "eks-node-role").inputs.assumeRolePolicy)).Statement[0].Principal).to.deep.equal({ Service: "ec2.amazonaws.com" });
        // The network add-ons and the agent before the nodes.
        expect(dependsOnNames(group)).to.include.members(["eks-vpc-cni", "eks-kube-proxy", "eks-eks-pod-identity-agent"]);
    });

    it("launches nodes with IMDSv2 at hop limit 1, an encrypted 50 GiB gp3 root, the cluster's group and eks-nodes, tagged instances and volumes", async () => {
        const view = await plan();
        const template = view.one(E.launchTemplate, "eks-nodes-lt");
        const nodesGroup = view.ofType(T.securityGroup).find((g) => g.inputs.name === "point-eks-prod-eks-nodes")!;
        expect(IMDS_HOP_LIMIT).to.equal(1);
        expect(template.inputs).to.deep.include({
            name: "point-eks-prod-eks-nodes",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        });
        // [the cluster security group EKS created (the cluster's output), eks-nodes].
        const [clusterGroup, ownGroup] = template.inputs.vpcSecurityGroupIds as string[];
        expect(template.inputs.vpcSecurityGroupIds).to.have.length(2);
        expect(clusterGroup).to.match(/^sg-0[0-9a-f]{16}$/);
        expect(view.ofType(T.securityGroup).map((g) => g.id)).to.not.include(clusterGroup);
        expect(ownGroup).to.equal(nodesGroup.id);
        expect(nodesGroup.inputs.description).to.equal("EKS nodes and pods");
        const specs = template.inputs.tagSpecifications as Array<{ resourceType: string; tags: Record<string, string> }>;
        expect(specs.map((s) => s.resourceType)).to.deep.equal(["instance", "volume", "network-interface"]);
        for (const spec of specs) {
            expect(spec.tags).to.include({ Project: "point-eks", Environment: "prod", Stack: "point-eks", ManagedBy: "pulumi", Component: "eks", Name: "point-eks-prod-eks-node" });
        }
    });

    it("installs the seven add-ons: pinned coredns and kube-proxy, EKS's default for the others, the EBS CSI driver and CloudWatch agent with pod identities, their log groups first", async () => {
        const view = await plan();
        const addons = view.ofType(E.addon);
        expect(addons.map((a) => [a.inputs.addonName, a.inputs.addonVersion])).to.have.deep.members([
            ["vpc-cni", "v1.20.4-eksbuild.1"],
            ["kube-proxy", "v1.35.3-eksbuild.2"],
            ["eks-pod-identity-agent", "v1.3.10-eksbuild.1"],
            ["coredns", "v1.14.3-eksbuild.3"],
            ["aws-ebs-csi-driver", "v1.53.0-eksbuild.1"],
            ["metrics-server", "v0.8.0-eksbuild.5"],
            ["amazon-cloudwatch-observability", "v4.7.0-eksbuild.1"],
        ]);
        for (const addon of addons) {
            expect(addon.inputs, String(addon.inputs.addonName)).to.include({ clusterName: "point-eks-prod", resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" });
        }
        for (const name of ["coredns", "metrics-server", "aws-ebs-csi-driver", "amazon-cloudwatch-observability"]) {
            expect(dependsOnNames(view.one(E.addon, `eks-${name}`)), name).to.include("eks-nodes");
        }
        expect(view.one(E.addon, "eks-aws-ebs-csi-driver").inputs.podIdentityAssociations).to.deep.equal([{ roleArn: ARN("point-eks-prod-ebs-csi"), serviceAccount: "ebs-csi-controller-sa" }]);
        const cloudwatch = view.one(E.addon, "eks-amazon-cloudwatch-observability");
        expect(cloudwatch.inputs.podIdentityAssociations).to.deep.equal([{ roleArn: ARN("point-eks-prod-cloudwatch-agent"), serviceAccount: "cloudwatch-agent" }]);
        const insights = ["application", "dataplane", "host", "performance"].map((g) => `eks-insights-${g}`);
        expect(insights.map((n) => view.one(T.logGroup, n).inputs.name)).to.deep.equal(["application", "dataplane", "host", "performance"].map((g) => `/aws/containerinsights/point-eks-prod/${g}`));
        expect(dependsOnNames(cloudwatch)).to.include.members([...insights, "eks-eks-pod-identity-agent"]);
        const trust = JSON.parse(String(view.one(T.role, "eks-pod-cloudwatch-agent").inputs.assumeRolePolicy));
        expect(trust.Statement[0].Condition.StringEquals).to.deep.equal({
            "aws:RequestTag/eks-cluster-arn": CLUSTER_ARN,
            "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch",
            "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent",
        });
        expect(view.ofType(E.attachment).filter((a) => a.inputs.role === "point-eks-prod-cloudwatch-agent").map((a) => a.inputs.policyArn)).to.deep.equal([
            "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
        ]);
        expect(view.ofType(E.attachment).filter((a) => a.inputs.role === "point-eks-prod-ebs-csi").map((a) => a.inputs.policyArn)).to.deep.equal(["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    });

    it("makes a Kubernetes provider from the cluster's endpoint and CA with aws eks get-token, after the deployer's access policy", async () => {
        const view = await plan();
        const provider = view.one(E.provider, "eks-k8s");
        const cluster = view.one(E.cluster, "eks-cluster");
        const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
        expect(kubeconfig.clusters[0].cluster.server).to.match(/^https:\/\/[0-9A-F]{32}\.gr7\.ap-northeast-2\.eks\.amazonaws\.com$/);
        expect(Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString()).to.match(/^-----BEGIN CERTIFICATE-----/);
        expect(kubeconfig.users[0].user.exec).to.deep.equal({
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", "point-eks-prod", "--region", REGION, "--output", "json"],
            interactiveMode: "Never",
        });
        expect(kubeconfig["current-context"]).to.equal("point-eks-prod");
        expect(provider.options.explicitDependsOn.map((urn) => urn.split("::").pop())).to.deep.equal(["eks-deployer-policy"]);
        expect(cluster.id).to.equal("point-eks-prod");
    });

    it("outputs the cluster's name and endpoint, the kubeconfig command and the node group's name", async () => {
        const view = await plan();
        expect(view.run.outputs).to.deep.include({
            eksClusterName: "point-eks-prod",
            eksKubeconfigCommand: `aws eks update-kubeconfig --name point-eks-prod --region ${REGION}`,
            eksNodeGroupName: "point-eks-prod-nodes",
        });
        expect(view.run.outputs.eksClusterEndpoint).to.match(/^https:\/\/[0-9A-F]{32}\.gr7\.ap-northeast-2\.eks\.amazonaws\.com$/);
    });

    it("warns in every preview while the version is within 90 days of its end of standard support, and prints the stated reasons", async () => {
        const run = await runProgram(projectProgram(), {
            stack: "point-eks",
            config: pointEks((e) => {
                e.version = "1.34";
                e.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
                e.endpoint.publicAccessReason = "GitHub-hosted runners have no fixed addresses";
            }),
        });
        expect(run.warnings.filter((w) => w.startsWith("platform:eks"))).to.deep.equal([
            `platform:eks.endpoint.publicAccessReason: the API server's endpoint is open to the internet: "GitHub-hosted runners have no fixed addresses"`,
            "platform:eks.version: Kubernetes 1.34 leaves standard support on 2026-12-02; EKS then upgrades the control plane by itself: upgrade first (1.35 is the newest)",
        ]);
        expect((await plan()).run).to.satisfy((r: ProgramRun) => r.warnings.every((w) => !w.startsWith("platform:eks")));
    });
});

describe("eks alarms", () => {
    it("watch the nodes' CPU and failed nodes in ContainerInsights by cluster", () => {
        const specs = eksAlarms("point-eks-prod", { eksNodeCpuPercent: 80, eksFailedNodes: 0 });
        expect(specs.map((s) => [s.key, s.metric?.namespace, s.metric?.metricName, s.metric?.stat, s.comparison, s.threshold, s.evaluationPeriods, s.thresholdSource])).to.deep.equal([
            ["eks-node-cpu", "ContainerInsights", "node_cpu_utilization", "Average", "GreaterThanThreshold", 80, 3, "platform:monitoring.thresholds.eksNodeCpuPercent"],
            ["eks-failed-nodes", "ContainerInsights", "cluster_failed_node_count", "Maximum", "GreaterThanThreshold", 0, 2, "platform:monitoring.thresholds.eksFailedNodes"],
        ]);
        expect(specs.every((s) => s.metric?.dimensions.ClusterName === "point-eks-prod")).to.equal(true);
    });
});

/** A test-only Kubernetes block built after the cluster: what the load balancer controller's block does with it. */
const podUserBlock = defineBlock({
    name: "podUser",
    keys: ["podUser"],
    requires: [eksBlock as AnyBlock],
    schema: () => z.strictObject({ podUser: z.strictObject({ names: z.array(z.string()) }) }).transform(({ podUser }) => podUser),
    build(config: { names: string[] }, ctx: BuildContext) {
        const eks: BuiltEks = ctx.need(eksBlock);
        const arns = config.names.map((name) =>
            eks.podIdentity({
                name,
                namespace: "kube-system",
                serviceAccount: name,
                statements: [{ Effect: "Allow", Action: "elasticloadbalancing:DescribeTargetGroups", Resource: "*" }],
                managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            }),
        );
        return { arns, version: eks.version, ready: eks.ready.length, provider: eks.provider };
    },
    outputs: (built: { arns: pulumi.Output<string>[]; version: string; ready: number }) => ({ podArns: built.arns, podVersion: built.version, podReady: built.ready }),
});

describe("stacks: podIdentity(), as a Kubernetes block built after the cluster calls it", () => {
    const eksIndex = BLOCKS.indexOf(eksBlock as AnyBlock);
    const registry: readonly AnyBlock[] = [...BLOCKS.slice(0, eksIndex + 1), podUserBlock as AnyBlock, ...BLOCKS.slice(eksIndex + 1)];
    const program = () => assemble(parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack(), registry)).outputs();

    it("creates a role trusted by pods.eks.amazonaws.com for the cluster's namespace/serviceAccount only, its policy, its managed policies, and the association after the agent", async () => {
        const config = { ...pointEks(), "platform:podUser": JSON.stringify({ names: ["aws-load-balancer-controller"] }) };
        const view = new RunView(await runProgram(program, { stack: "point-eks", config }));
        expect(view.run.outputs).to.deep.include({ podArns: [ARN("point-eks-prod-aws-load-balancer-controller")], podVersion: "1.35", podReady: 3 });
        const role = view.one(T.role, "eks-pod-aws-load-balancer-controller");
        expect(role.inputs.name).to.equal("point-eks-prod-aws-load-balancer-controller");
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).to.deep.equal(podIdentityTrustPolicy(CLUSTER_ARN, "kube-system", "aws-load-balancer-controller"));
        expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0]).to.deep.include({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
        expect(JSON.parse(String(view.one(T.rolePolicy, "eks-pod-aws-load-balancer-controller-policy").inputs.policy)).Statement).to.deep.equal([
            { Effect: "Allow", Action: "elasticloadbalancing:DescribeTargetGroups", Resource: "*" },
        ]);
        expect(view.one(E.attachment, "eks-pod-aws-load-balancer-controller-managed-0").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
        const association = view.one(E.podIdentity, "eks-pod-aws-load-balancer-controller");
        expect(association.inputs).to.deep.include({ clusterName: "point-eks-prod", namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", roleArn: ARN("point-eks-prod-aws-load-balancer-controller") });
        expect(association.id).to.match(/^a-[a-z0-9]{17}$/);
        expect(association.options.explicitDependsOn.map((urn) => urn.split("::").pop())).to.include.members([
            "eks-eks-pod-identity-agent",
            "eks-pod-aws-load-balancer-controller-policy",
            "eks-pod-aws-load-balancer-controller-managed-0",
        ]);
        expectBaseline(view.run as ProgramRun, { project: "point-eks", env: "prod", name: "point-eks" });
    });

    it("refuses a second pod identity of one name, and a name taken by the cluster's own roles", async () => {
        for (const names of [["mesh", "mesh"], ["eks-nodes"], ["ebs-csi"]]) {
            const config = { ...pointEks(), "platform:podUser": JSON.stringify({ names }) };
            const failure = await runProgram(program, { stack: "point-eks", config }).then(
                () => undefined,
                (err: Error) => err.message,
            );
            expect(failure, names.join()).to.equal(`EksCluster "eks": a pod identity named ${JSON.stringify(names[names.length - 1])} exists already; give each one its own name`);
        }
    });
});

describe("EksCluster: arguments the component refuses", () => {
    it("lists every problem before registering anything", async () => {
        const lines = await refusedArguments("EksCluster", () => {
            new EksCluster("eks", {
                naming: new Naming("point-eks", "prod"),
                version: "1.29",
                subnetIds: ["subnet-1", "subnet-2"],
                nodeSecurityGroupId: "sg-1",
                access: { deployer: "arn:aws:iam::1:role/x", admins: ["platform-admin", "platform-admin"] },
                nodes: { instanceTypes: ["m5.large", "m6g.large"], minSize: 4, maxSize: 3, rootVolumeGiB: 10 },
                logRetentionDays: 7,
            });
        });
        expect(lines).to.deep.equal([
            "version: \"1.29\" is not a Kubernetes version of the table (1.31, 1.32, 1.33, 1.34, 1.35)",
            'access: "arn:aws:iam::1:role/x" is an ARN; give the role\'s name (the stack builds the ARN in its own account)',
            "access: names a role twice; a role has one access entry",
            "nodes.instanceTypes: mixes architectures; a node group runs one AMI type",
            "nodes: minSize 4, desiredSize 3, maxSize 3: need minSize ≤ desiredSize ≤ maxSize and maxSize ≥ 1",
            "nodes.rootVolumeGiB: 10 is out of range; use a whole number of GiB from 20 to 16384",
        ]);
    });
});
