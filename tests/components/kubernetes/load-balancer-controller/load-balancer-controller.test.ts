/**
 * LoadBalancerController: the Helm release (chart, pinned version, repository, namespace, typed
 * values), created with the cluster's provider after what it waits for; the chart table; the
 * controller's IAM policy file, byte for byte the controller's at its tag; the pod identity
 * request; the arguments' rules.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { kubernetesSdk } from "../../../../components/compute/eks/contract";
import {
    CONTROLLER_NAMESPACE,
    CONTROLLER_SERVICE_ACCOUNT,
    controllerPodIdentity,
    controllerPolicy,
    policyActions,
} from "../../../../components/kubernetes/load-balancer-controller/iam-policy";
import {
    CONTROLLER_DEFAULTS,
    LoadBalancerController,
    LoadBalancerControllerArgs,
    LoadBalancerControllerValues,
    POD_IDENTITY_ROLE_ANNOTATION,
    memoryMib,
} from "../../../../components/kubernetes/load-balancer-controller/load-balancer-controller";
import { CHART_NAME, CHART_REPOSITORY, CHART_VERSIONS, DEFAULT_CHART_VERSION } from "../../../../components/kubernetes/load-balancer-controller/versions";
import { Naming } from "../../../../lib/naming";
import { ArgumentError } from "../../../../lib/problems";
import { RunView, runView } from "../../../support/query";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE_ARN = "arn:aws:iam::123456789012:role/point-eks-prod-aws-load-balancer-controller";
const FOLDER = path.join(__dirname, "../../../../components/kubernetes/load-balancer-controller");

/** The component with a provider of its own and a stand-in for the node group, `change` applied. */
function controller(change: Partial<LoadBalancerControllerArgs> = {}) {
    const k8s = kubernetesSdk();
    const provider = new k8s.Provider("k", { kubeconfig: "{}" });
    const nodes = new aws.ssm.Parameter("node-group", { name: "/nodes", type: "String", insecureValue: "ready" });
    return new LoadBalancerController("load-balancer-controller", {
        naming: new Naming("point-eks", "prod"),
        clusterName: "point-eks-prod",
        region: "ap-northeast-2",
        vpcId: "vpc-0123456789abcdef0",
        provider,
        dependsOn: [nodes],
        podIdentityRoleArn: ROLE_ARN,
        ...change,
    });
}

describe("components/load-balancer-controller: the Helm release", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => {
            controller();
            return {};
        });
    });

    it("installs chart aws-load-balancer-controller 3.5.0 from https://aws.github.io/eks-charts as release aws-load-balancer-controller in kube-system", () => {
        const release = view.one(RELEASE, "load-balancer-controller-release");
        expect(release.inputs).to.deep.include({
            name: "aws-load-balancer-controller",
            chart: "aws-load-balancer-controller",
            version: "3.5.0",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            namespace: "kube-system",
            createNamespace: false,
            atomic: true,
            cleanupOnFail: true,
        });
    });

    it("gives the chart typed values: the cluster, region and VPC, its service account, 2 replicas with a budget, no Service mutator webhook, resources", () => {
        const values = view.one(RELEASE, "load-balancer-controller-release").inputs.values as LoadBalancerControllerValues;
        expect(values).to.deep.equal({
            clusterName: "point-eks-prod",
            region: "ap-northeast-2",
            vpcId: "vpc-0123456789abcdef0",
            replicaCount: 2,
            serviceAccount: { create: true, name: "aws-load-balancer-controller" },
            enableServiceMutatorWebhook: false,
            keepTLSSecret: true,
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
            podDisruptionBudget: { maxUnavailable: 1 },
            podAnnotations: { "platform/pod-identity-role-arn": ROLE_ARN },
        });
    });

    it("is created with the cluster's provider, after the node group", () => {
        const release = view.one(RELEASE, "load-balancer-controller-release");
        expect(release.options.provider).to.match(/::k$/);
        expect(release.options.explicitDependsOn.map((urn) => urn.split("::").pop())).to.deep.equal(["node-group"]);
        expect(release.parent).to.match(/platform:kubernetes:LoadBalancerController::load-balancer-controller$/);
    });

    it("takes its chart version, replicas and resources from the arguments; one replica gets no disruption budget", async () => {
        const one = await runView(() => {
            controller({ chartVersion: "3.4.2", replicas: 1, resources: { requests: { cpu: "0.25", memory: "128Mi" }, limits: { memory: "1Gi" } } });
            return {};
        });
        const release = one.one(RELEASE, "load-balancer-controller-release");
        expect(release.inputs.version).to.equal("3.4.2");
        expect(release.inputs.values).to.deep.include({ replicaCount: 1, resources: { requests: { cpu: "0.25", memory: "128Mi" }, limits: { memory: "1Gi" } } });
        expect(release.inputs.values).to.not.have.property("podDisruptionBudget");
    });
});

describe("components/load-balancer-controller: the chart table and the IAM policy", () => {
    it("pins each chart version with the controller version it ships, its day and its sources; the default is the newest", () => {
        expect([CHART_NAME, CHART_REPOSITORY, DEFAULT_CHART_VERSION]).to.deep.equal(["aws-load-balancer-controller", "https://aws.github.io/eks-charts", "3.5.0"]);
        expect(Object.keys(CHART_VERSIONS)).to.deep.equal(["3.5.0", "3.4.2"]);
        for (const [chart, version] of Object.entries(CHART_VERSIONS)) {
            expect(version.controllerVersion, chart).to.equal(`v${chart}`);
            expect(version.released, chart).to.match(/^\d{4}-\d{2}-\d{2}$/);
            expect(version.sources.some((s) => s.includes(`/blob/v${chart}/helm/aws-load-balancer-controller/Chart.yaml`)), chart).to.equal(true);
            expect(fs.existsSync(path.join(FOLDER, version.iamPolicyFile)), chart).to.equal(true);
        }
    });

    it("keeps the controller's policy byte for byte as iam_policy.json at v3.5.0 (its recorded SHA-256), with its source", () => {
        const { source, policy } = controllerPolicy();
        const text = `${JSON.stringify(policy, null, 4)}\n`;
        expect(crypto.createHash("sha256").update(text).digest("hex")).to.equal(source.sha256);
        expect(source).to.deep.include({
            repository: "https://github.com/kubernetes-sigs/aws-load-balancer-controller",
            path: "docs/install/iam_policy.json",
            tag: "v3.5.0",
            controllerVersion: CHART_VERSIONS[DEFAULT_CHART_VERSION].controllerVersion,
            chartVersion: DEFAULT_CHART_VERSION,
        });
    });

    it("has 16 statements and 86 actions (80 distinct), the TargetGroupBinding's among them", () => {
        const statements = controllerPolicy().policy.Statement;
        const actions = policyActions(statements);
        expect(statements).to.have.length(16);
        expect(actions).to.have.length(86);
        expect(new Set(actions).size).to.equal(80);
        expect(actions).to.include.members([
            "elasticloadbalancing:RegisterTargets",
            "elasticloadbalancing:DeregisterTargets",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeVpcs",
        ]);
        const register = statements.find((s) => policyActions([s]).includes("elasticloadbalancing:RegisterTargets"))!;
        expect(register.Resource).to.equal("arn:aws:elasticloadbalancing:*:*:targetgroup/*/*");
    });

    it("asks EKS Pod Identity for kube-system/aws-load-balancer-controller with the whole policy", () => {
        const request = controllerPodIdentity(controllerPolicy());
        expect([request.name, request.namespace, request.serviceAccount]).to.deep.equal(["aws-load-balancer-controller", CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT]);
        expect([CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT]).to.deep.equal(["kube-system", "aws-load-balancer-controller"]);
        expect(policyActions(request.statements)).to.have.length(86);
        expect(request.managedPolicyArns).to.equal(undefined);
    });

    it("annotates the pods with the role under a key of the platform's", () => {
        expect(POD_IDENTITY_ROLE_ANNOTATION).to.equal("platform/pod-identity-role-arn");
        expect(CONTROLLER_DEFAULTS.replicas).to.equal(2);
    });
});

describe("components/load-balancer-controller: bad arguments", () => {
    it("refuses a chart version outside the table, no replica, and resources Kubernetes would not take", () => {
        expect(() =>
            controller({ chartVersion: "3.6.0", replicas: 0, resources: { requests: { cpu: "fast", memory: "256MB" }, limits: { memory: "128Mi" } } }),
        ).to.throw(
            ArgumentError,
            new RegExp(
                [
                    'chartVersion: "3\\.6\\.0" is not a chart version this program pins; use "3\\.5\\.0" or "3\\.4\\.2" \\(components/kubernetes/load-balancer-controller/versions\\.ts: each with the controller version it ships and that version\'s IAM policy\\)',
                    "replicas: 0 is not a replica count; run 1 or more \\(2 in prod\\)",
                    'resources\\.requests\\.cpu: "fast" is not a CPU quantity; use millicores \\("100m"\\) or cores \\("0\\.5"\\)',
                    'resources\\.requests\\.memory: "256MB" is not a memory quantity; use whole Mi or Gi \\("256Mi", "1Gi"\\)$',
                ].join("\n  "),
            ),
        );
        expect(() => controller({ resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { memory: "512Mi" } } })).to.throw(
            ArgumentError,
            /resources\.limits\.memory: "512Mi" is below requests\.memory \("1Gi"\); a limit is at least the request$/,
        );
    });

    it("reads memory quantities in MiB", () => {
        expect([memoryMib("256Mi"), memoryMib("2Gi"), memoryMib("0Mi"), memoryMib("1.5Gi")]).to.deep.equal([256, 2048, undefined, undefined]);
    });
});
