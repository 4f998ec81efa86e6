/**
 * platform:loadBalancerController in stacks: its defaults, every rule triggered by a stack file's
 * config with its exact message, and a system C-shaped stack (network + eks + the controller)
 * planned through the program: the release on the cluster's provider after the node group, its
 * pod identity (role, policy, association), the outputs and the baseline.
 */
import { expect } from "chai";
import { loadBalancerControllerBlock } from "../../../../components/kubernetes/load-balancer-controller/block";
import { parseStackConfig } from "../../../../stacks/config";
import { ProgramRun, runProgram } from "../../../../tooling/mock-runtime";
import { projectProgram } from "../../../../tooling/plan";
import { ConfigMap, Json, RuleCase, itRaises } from "../../../fixtures/config";
import { pointEks } from "../../../fixtures/eks";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T } from "../../../support/query";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";

/** A point-eks stack in `env` with the controller (`change` applied to its config) and `extra` keys. */
function withController(change: (controller: Json) => void = () => {}, env: "dev" | "prod" = "prod", extra: ConfigMap = {}): ConfigMap {
    const controller: Json = {};
    change(controller);
    return pointEks(() => {}, env, { "platform:loadBalancerController": JSON.stringify(controller), ...extra });
}

describe("stacks: platform:loadBalancerController resolves with its defaults", () => {
    it("chart 3.5.0, 2 replicas, 100m / 256Mi requested, 512Mi at most", () => {
        expect(parseStackConfig(withController(), "point-eks").config(loadBalancerControllerBlock)).to.deep.equal({
            chartVersion: "3.5.0",
            replicas: 2,
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
        });
    });

    it("takes one replica in dev", () => {
        expect(parseStackConfig(withController((c) => (c.replicas = 1), "dev"), "point-eks").config(loadBalancerControllerBlock)!.replicas).to.equal(1);
    });
});

describe("stacks: the controller planned (network + eks + loadBalancerController)", () => {
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        run = await runProgram(projectProgram(), { stack: "point-eks", config: withController() });
        view = new RunView(run);
    });

    it("installs the pinned chart in kube-system with the cluster's name, the region and the VPC", () => {
        const release = view.one(RELEASE, "load-balancer-controller-release");
        expect(release.inputs).to.deep.include({ chart: "aws-load-balancer-controller", version: "3.5.0", repositoryOpts: { repo: "https://aws.github.io/eks-charts" }, namespace: "kube-system" });
        expect(release.inputs.values).to.deep.include({
            clusterName: view.one("aws:eks/cluster:Cluster", "eks-cluster").inputs.name,
            region: "ap-northeast-2",
            vpcId: view.one(T.vpc, "network-vpc").id,
            replicaCount: 2,
            enableServiceMutatorWebhook: false,
            serviceAccount: { create: true, name: "aws-load-balancer-controller" },
        });
    });

    it("uses the EKS block's Kubernetes provider and waits for the node group and the pod identity association", () => {
        const release = view.one(RELEASE, "load-balancer-controller-release");
        const provider = view.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        expect(release.options.provider).to.equal(provider.urn);
        const waits = release.options.dependsOn.map((urn) => urn.split("::").pop());
        expect(waits).to.include.members(["eks-nodes", "eks-pod-aws-load-balancer-controller"]);
    });

    it("gets a role for kube-system/aws-load-balancer-controller through EKS Pod Identity, with the controller's 86 actions", () => {
        const association = view.ofType(ASSOCIATION).find((a) => a.inputs.serviceAccount === "aws-load-balancer-controller")!;
        expect(association.inputs).to.deep.include({ clusterName: "point-eks-prod", namespace: "kube-system", roleArn: "arn:aws:iam::123456789012:role/point-eks-prod-aws-load-balancer-controller" });
        const role = view.ofType(T.role).find((r) => r.inputs.name === "point-eks-prod-aws-load-balancer-controller")!;
        expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal).to.deep.equal({ Service: "pods.eks.amazonaws.com" });
        const policy = view.ofType(T.rolePolicy).find((p) => p.inputs.role === "point-eks-prod-aws-load-balancer-controller")!;
        const statements = JSON.parse(policy.inputs.policy as string).Statement as Array<{ Action: string | string[] }>;
        const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
        expect(statements).to.have.length(16);
        expect(actions).to.have.length(86);
        expect(actions).to.include.members(["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets", "ec2:DescribeNetworkInterfaces"]);
        const values = view.one(RELEASE, "load-balancer-controller-release").inputs.values as { podAnnotations: Record<string, string> };
        expect(values.podAnnotations).to.deep.equal({ "platform/pod-identity-role-arn": association.inputs.roleArn });
    });

    it("exports the chart and controller versions and where it runs", () => {
        expect(run.outputs.loadBalancerController).to.deep.equal({ chartVersion: "3.5.0", controllerVersion: "v3.5.0", namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" });
    });

    it("meets the baseline", () => {
        expectBaseline(run, { project: "point-eks", env: "prod", name: "point-eks" });
    });
});

describe("stacks: bad platform:loadBalancerController configs", () => {
    const cases: RuleCase[] = [
        [
            "no cluster",
            () => {
                const config = withController();
                delete config["platform:eks"];
                return config;
            },
            ["platform:loadBalancerController: needs platform:eks, which this stack does not have"],
            "point-eks",
        ],
        [
            "a chart version outside the table",
            () => withController((c) => (c.chartVersion = "3.6.0")),
            [
                'platform:loadBalancerController.chartVersion: "3.6.0" is not a chart version this program pins; use "3.5.0" or "3.4.2" (components/kubernetes/load-balancer-controller/versions.ts: each with the controller version it ships and that version\'s IAM policy)',
            ],
            "point-eks",
        ],
        ["no replica", () => withController((c) => (c.replicas = 0), "dev"), ["platform:loadBalancerController.replicas: 0 is not a replica count; run 1 or more (2 in prod)"], "point-eks"],
        ["a fraction of a replica", () => withController((c) => (c.replicas = 1.5), "dev"), ["platform:loadBalancerController.replicas: 1.5 is not a replica count; run 1 or more (2 in prod)"], "point-eks"],
        [
            "one replica in prod",
            () => withController((c) => (c.replicas = 1)),
            [
                "platform:loadBalancerController.replicas: 1 is not allowed in prod; run 2 at least, so a node's drain or an AZ's loss leaves a controller to register the gateway's new pods and answer the webhooks",
            ],
            "point-eks",
        ],
        [
            "resources Kubernetes would not take, and a limit below the request",
            () => withController((c) => (c.resources = { requests: { cpu: "0m", memory: "1Gi" }, limits: { memory: "512Mi" } })),
            [
                'platform:loadBalancerController.resources.requests.cpu: "0m" is not a CPU quantity; use millicores ("100m") or cores ("0.5")',
                'platform:loadBalancerController.resources.limits.memory: "512Mi" is below requests.memory ("1Gi"); a limit is at least the request',
            ],
            "point-eks",
        ],
        [
            "a memory quantity in bytes",
            () => withController((c) => (c.resources = { limits: { memory: "536870912" } })),
            ['platform:loadBalancerController.resources.limits.memory: "536870912" is not a memory quantity; use whole Mi or Gi ("256Mi", "1Gi")'],
            "point-eks",
        ],
    ];
    itRaises(cases);
});
