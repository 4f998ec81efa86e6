/**
 * The EKS block's tables and arithmetic: pods per node (the ENI formula against
 * amazon-eks-ami's eni-max-pods.txt), the addresses a node holds, the update surge, the subnet
 * check, and the version table's support windows.
 */
import { expect } from "chai";
import { mustParseCidr } from "../../../../lib/cidr";
import {
    AL2023_AMI_TYPES,
    CONTROL_PLANE_ADDRESSES,
    INSTANCE_TYPES,
    ROOT_VOLUME_GIB,
    addressShortfall,
    addressesPerNode,
    maxPods,
    updateSurge,
    usableAddresses,
} from "../../../../components/compute/eks/capacity";
import { ADDONS, ADDONS_AFTER_NODES, ADDON_VERSIONS, DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, VERSIONS_CHECKED, daysBetween, supportOn, versionsIn } from "../../../../components/compute/eks/versions";

describe("eks capacity: pods per node", () => {
    it("is ENIs × (IPv4 per ENI − 1) + 2, as eni-max-pods.txt lists it", () => {
        // amazon-eks-ami's eni-max-pods.txt: m5.large 29, m5.xlarge 58, t3.medium 17, t3.large 35, m6g.large 29.
        const listed: Record<string, number> = { "m5.large": 29, "m5.xlarge": 58, "m5.2xlarge": 58, "t3.medium": 17, "t3.large": 35, "t3.xlarge": 58, "c5.large": 29, "r5.large": 29, "m6g.large": 29, "m6g.xlarge": 58, "t4g.medium": 17 };
        for (const [type, pods] of Object.entries(listed)) {
            expect(maxPods(INSTANCE_TYPES[type]), type).to.equal(pods);
        }
        expect(maxPods({ enis: 3, ipv4PerEni: 10, architecture: "x86_64" })).to.equal(3 * 9 + 2);
    });

    it("holds at most all its interfaces' addresses: an m5.large 30 (27 pods' and 3 interfaces')", () => {
        expect(addressesPerNode(INSTANCE_TYPES["m5.large"])).to.equal(30);
        expect(addressesPerNode(INSTANCE_TYPES["m5.xlarge"])).to.equal(60);
        expect(addressesPerNode(INSTANCE_TYPES["t3.medium"])).to.equal(18);
    });

    it("runs the AL2023 AMI of the instance type's architecture", () => {
        expect(AL2023_AMI_TYPES[INSTANCE_TYPES["m5.large"].architecture]).to.equal("AL2023_x86_64_STANDARD");
        expect(AL2023_AMI_TYPES[INSTANCE_TYPES["m7g.large"].architecture]).to.equal("AL2023_ARM_64_STANDARD");
        expect(Object.keys(INSTANCE_TYPES).filter((t) => INSTANCE_TYPES[t].architecture === "arm64")).to.deep.equal(["t4g.medium", "t4g.large", "m6g.large", "m6g.xlarge", "m7g.large", "m7g.xlarge"]);
    });

    it("bounds the root volume by the AMI's snapshot and gp3's largest", () => {
        expect(ROOT_VOLUME_GIB).to.deep.equal({ min: 20, max: 16_384, default: 50 });
    });
});

describe("eks capacity: the private subnets' addresses", () => {
    const subnets = (prefix: number) =>
        ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"].map((az, i) => ({ az, cidr: mustParseCidr(`10.0.${11 + i}.0/${prefix}`), text: `10.0.${11 + i}.0/${prefix}` }));

    it("keeps AWS's 5 reserved addresses of each subnet, and 6 for the control plane", () => {
        expect(usableAddresses(mustParseCidr("10.0.11.0/24"))).to.equal(251);
        expect(CONTROL_PLANE_ADDRESSES).to.equal(6);
    });

    it("adds twice the AZs (or maxUnavailable, if larger) during an update", () => {
        expect(updateSurge(3, 1)).to.equal(6);
        expect(updateSurge(2, 1)).to.equal(4);
        expect(updateSurge(5, 20)).to.equal(20);
    });

    it("lets three /24s hold 5 m5.large nodes and the surge: 4 per AZ × 30 = 120 of 245", () => {
        expect(addressShortfall({ maxNodes: 5, maxUnavailable: 1, addressesPerNode: 30, subnets: subnets(24) })).to.equal(undefined);
    });

    it("finds the first /26 short: 6 nodes and 6 more need 4 per AZ × 30 = 120, a /26 has 59 − 6", () => {
        expect(addressShortfall({ maxNodes: 6, maxUnavailable: 1, addressesPerNode: 30, subnets: subnets(26) })).to.deep.equal({
            subnet: "10.0.11.0/26",
            az: "ap-northeast-2a",
            needed: 120,
            free: 53,
            nodesPerSubnet: 4,
        });
    });

    it("counts the interface endpoints' addresses", () => {
        // 245 free; 7 nodes + 6 over 3 AZs: 5 per AZ × 48 = 240 fits; with 6 endpoints it does not.
        expect(addressShortfall({ maxNodes: 7, maxUnavailable: 1, addressesPerNode: 48, subnets: subnets(24) })).to.equal(undefined);
        expect(addressShortfall({ maxNodes: 7, maxUnavailable: 1, addressesPerNode: 48, subnets: subnets(24), interfaceEndpoints: 6 })?.free).to.equal(239);
    });
});

describe("eks versions", () => {
    it("knows AWS's calendar: 1.35 and 1.34 in standard support on the day it was checked, 1.33 and 1.32 in extended, 1.31 out", () => {
        expect(VERSIONS_CHECKED).to.equal("2026-11-29");
        expect(versionsIn("standard")).to.deep.equal(["1.35", "1.34"]);
        expect(versionsIn("extended")).to.deep.equal(["1.33", "1.32"]);
        expect(supportOn("1.31")).to.equal(undefined);
        expect(supportOn("1.36")).to.equal(undefined);
        expect(DEFAULT_KUBERNETES_VERSION).to.equal("1.35");
        expect(KUBERNETES_VERSIONS["1.35"]).to.deep.equal({ released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" });
    });

    it("gives every version 14 months of standard support and 12 of extended", () => {
        for (const [version, v] of Object.entries(KUBERNETES_VERSIONS)) {
            const months = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
            expect(months(v.released, v.endOfStandardSupport), version).to.equal(14);
            expect(months(v.endOfStandardSupport, v.endOfExtendedSupport), version).to.equal(12);
        }
        expect(daysBetween(VERSIONS_CHECKED, KUBERNETES_VERSIONS["1.34"].endOfStandardSupport)).to.equal(3);
    });

    it("pins coredns and kube-proxy per version, and creates the network add-ons before the nodes", () => {
        expect(ADDON_VERSIONS["1.35"]).to.deep.equal({ coredns: "v1.14.3-eksbuild.3", "kube-proxy": "v1.35.3-eksbuild.2" });
        expect(ADDONS.filter((a) => !ADDONS_AFTER_NODES.has(a))).to.deep.equal(["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]);
        for (const [version, pinned] of Object.entries(ADDON_VERSIONS)) {
            expect(KUBERNETES_VERSIONS, version).to.have.property(version);
            expect(pinned["kube-proxy"], version).to.match(new RegExp(`^v${version.replace(".", "\\.")}\\.\\d+-eksbuild\\.\\d+$`));
        }
    });
});
