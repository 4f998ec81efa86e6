/**
 * platform:observability in stacks: its defaults, every rule triggered by a stack file's config
 * with its exact message, and system C's network + eks + mesh + observability planned through the
 * program: the releases, the StorageClass, the Kiali CR and the monitors on the EKS block's
 * cluster, after its node group and its EBS CSI driver, Kiali after the mesh's control plane; the
 * outputs; the baseline.
 */
import { expect } from "chai";
import { observabilityBlock } from "../../../../components/observability/kube-observability/block";
import { parseStackConfig } from "../../../../stacks/config";
import { ProgramRun, runProgram } from "../../../../tooling/mock-runtime";
import { projectProgram } from "../../../../tooling/plan";
import { ConfigMap, Json, RuleCase, itRaises } from "../../../fixtures/config";
import { pointEks } from "../../../fixtures/eks";
import { expectBaseline } from "../../../support/baseline";
import { RunView } from "../../../support/query";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

/** System C's mesh, as small as it validates. */
const MESH = {
    gateway: { hosts: ["api.example.com"] },
    auth: { issuer: "https://auth.example.com", jwksUri: "https://auth.example.com/.well-known/jwks.json", audiences: ["example-api"] },
};

/** A point-eks stack in `env` with the mesh and the observability block, `change` applied to its config. */
function withObservability(change: (observability: Json) => void = () => {}, env: "dev" | "prod" = "prod"): ConfigMap {
    const observability: Json = { prometheus: { retentionDays: 15, storageSize: "50Gi" } };
    change(observability);
    return pointEks(() => {}, env, { "platform:mesh": JSON.stringify(MESH), "platform:observability": JSON.stringify(observability) });
}

describe("stacks: platform:observability resolves with its defaults", () => {
    it("the newest charts, 15 days on 50Gi, Grafana 10Gi, no Alertmanager, Kiali by token, the class gp3", () => {
        const config = withObservability((o) => delete o.prometheus);
        expect(parseStackConfig(config, "point-eks").config(observabilityBlock)).to.deep.equal({
            charts: { kubePrometheusStack: "88.5.3", kialiOperator: "2.29.0" },
            prometheus: { retentionDays: 15, storageSize: "50Gi" },
            grafana: { storageSize: "10Gi" },
            alertmanager: { enabled: false },
            kiali: { authStrategy: "token" },
            storageClass: "gp3",
        });
    });

    it("lets a dev stack log in to Kiali anonymously", () => {
        const config = withObservability((o) => (o.kiali = { authStrategy: "anonymous" }), "dev");
        expect(parseStackConfig(config, "point-eks").config(observabilityBlock)?.kiali.authStrategy).to.equal("anonymous");
    });
});

describe("stacks: bad platform:observability configs", () => {
    const cases: RuleCase[] = [
        [
            "no platform:eks",
            () => {
                const config = withObservability();
                delete config["platform:eks"];
                return config;
            },
            // The mesh needs the cluster too.
            ["platform:mesh: needs platform:eks, which this stack does not have", "platform:observability: needs platform:eks, which this stack does not have"],
        ],
        [
            "no platform:mesh",
            () => {
                const config = withObservability();
                delete config["platform:mesh"];
                return config;
            },
            ["platform:observability: needs platform:mesh, which this stack does not have"],
        ],
        [
            "a kube-prometheus-stack version not in the table",
            () => withObservability((o) => (o.charts = { kubePrometheusStack: "58.0.0" })),
            [
                'platform:observability.charts.kubePrometheusStack: "58.0.0" is not a kube-prometheus-stack chart version this program knows; it knows 88.5.3 (components/observability/kube-observability/charts.ts, each with its source)',
            ],
        ],
        [
            "a kiali-operator version not in the table",
            () => withObservability((o) => (o.charts = { kialiOperator: "v2.29.0" })),
            ['platform:observability.charts.kialiOperator: "v2.29.0" is not a kiali-operator chart version this program knows; it knows 2.29.0 (components/observability/kube-observability/charts.ts, each with its source)'],
        ],
        [
            "a year of retention",
            () => withObservability((o) => (o.prometheus.retentionDays = 365)),
            [
                "platform:observability.prometheus.retentionDays: 365 is not a whole number of days from 1 to 90; Prometheus keeps its samples on one volume, and longer retention belongs in remote storage (Amazon Managed Service for Prometheus)",
            ],
        ],
        [
            "no retention at all",
            () => withObservability((o) => (o.prometheus.retentionDays = 0)),
            [
                "platform:observability.prometheus.retentionDays: 0 is not a whole number of days from 1 to 90; Prometheus keeps its samples on one volume, and longer retention belongs in remote storage (Amazon Managed Service for Prometheus)",
            ],
        ],
        [
            "half a day",
            () => withObservability((o) => (o.prometheus.retentionDays = 0.5)),
            [
                "platform:observability.prometheus.retentionDays: 0.5 is not a whole number of days from 1 to 90; Prometheus keeps its samples on one volume, and longer retention belongs in remote storage (Amazon Managed Service for Prometheus)",
            ],
        ],
        [
            "a Prometheus volume in GB",
            () => withObservability((o) => (o.prometheus.storageSize = "50GB")),
            ['platform:observability.prometheus.storageSize: "50GB" is not a volume size; write whole gibibytes, such as "50Gi"'],
        ],
        [
            "a Grafana volume in Mi",
            () => withObservability((o) => (o.grafana = { storageSize: "512Mi" })),
            ['platform:observability.grafana.storageSize: "512Mi" is not a volume size; write whole gibibytes, such as "50Gi"'],
        ],
        [
            "a volume larger than gp3's",
            () => withObservability((o) => (o.prometheus.storageSize = "20000Gi")),
            ['platform:observability.prometheus.storageSize: "20000Gi" is larger than a gp3 volume may be (16384Gi)'],
        ],
        [
            "EKS's own class name",
            () => withObservability((o) => (o.storageClass = "gp2")),
            ['platform:observability.storageClass: "gp2" is the class EKS creates itself (unencrypted); this block creates its own encrypted gp3 class, so give it another name, such as "gp3"'],
        ],
        [
            "a class name Kubernetes refuses",
            () => withObservability((o) => (o.storageClass = "GP3_Encrypted")),
            ['platform:observability.storageClass: "GP3_Encrypted" is not a StorageClass name; use lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit'],
        ],
        [
            "anonymous Kiali in prod",
            () => withObservability((o) => (o.kiali = { authStrategy: "anonymous" })),
            [
                'platform:observability.kiali.authStrategy: "anonymous" lets anyone who reaches Kiali see the mesh and change its Istio configuration; a prod stack logs in with "token" (kubectl -n istio-system create token kiali-service-account)',
            ],
        ],
        [
            "an auth strategy Kiali has but this block does not offer",
            () => withObservability((o) => (o.kiali = { authStrategy: "openid" })),
            ["^platform:observability.kiali.authStrategy: "],
        ],
        [
            "a service type (no UI is exposed: there is no such key)",
            () => withObservability((o) => (o.grafana = { service: { type: "LoadBalancer" } })),
            ["^platform:observability.grafana.service: is not a known key"],
        ],
    ];
    itRaises(cases.map(([title, config, expected]) => [title, config, expected, "point-eks"] as RuleCase));
});

let run: ProgramRun | undefined;
async function planned(): Promise<RunView> {
    run ??= await runProgram(projectProgram(), { stack: "point-eks", config: withObservability((o) => (o.alertmanager = { enabled: true })) });
    return new RunView(run);
}

describe("stacks: network + eks + mesh + observability planned", () => {
    it("plans, and meets the baseline", async () => {
        const view = await planned();
        expectBaseline(view.run as ProgramRun, { project: "point-eks", env: "prod", name: "point-eks" });
    });

    it("creates the component with the two releases, the class, the namespaces, Kiali and the monitors", async () => {
        const view = await planned();
        const component = view.one("platform:observability:KubeObservability", "observability");
        const children = view.resources.filter((r) => r.parent === component.urn).map((r) => `${r.type} ${r.name}`);
        expect(children.sort()).to.deep.equal(
            [
                "kubernetes:core/v1:Namespace observability-kiali-operator",
                "kubernetes:core/v1:Namespace observability-monitoring",
                "kubernetes:helm.sh/v3:Release observability-kiali-operator",
                "kubernetes:helm.sh/v3:Release observability-kube-prometheus-stack",
                "kubernetes:kiali.io/v1alpha1:Kiali observability-kiali",
                "kubernetes:monitoring.coreos.com/v1:PodMonitor observability-envoy-monitor",
                "kubernetes:monitoring.coreos.com/v1:ServiceMonitor observability-istiod-monitor",
                "kubernetes:storage.k8s.io/v1:StorageClass observability-storage-class",
            ].sort(),
        );
        const values = view.one(RELEASE, "observability-kube-prometheus-stack").inputs.values as { prometheus: { prometheusSpec: { retention: string } }; alertmanager: { enabled: boolean } };
        expect(values.prometheus.prometheusSpec.retention).to.equal("15d");
        expect(values.alertmanager.enabled).to.equal(true);
    });

    it("creates every object with the EKS block's Kubernetes provider", async () => {
        const view = await planned();
        const providers = view.ofType("pulumi:providers:kubernetes");
        expect(providers).to.have.length(1);
        const mine = view.resources.filter((x) => x.custom && x.name.startsWith("observability-"));
        expect(mine).to.have.length(8);
        expect(mine.filter((r) => r.options.provider !== providers[0].urn).map((r) => r.name)).to.deep.equal([]);
    });

    it("waits for the cluster's node group, and its class for the EBS CSI driver add-on", async () => {
        const view = await planned();
        const nodeGroup = view.ofType("aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroup).to.have.length(1);
        const ebs = view.ofType("aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "aws-ebs-csi-driver");
        expect(ebs).to.have.length(1);
        for (const r of view.resources.filter((x) => x.custom && x.name.startsWith("observability-"))) {
            expect(r.options.explicitDependsOn, r.name).to.include(nodeGroup[0].urn);
        }
        expect(view.one(STORAGE_CLASS, "observability-storage-class").options.explicitDependsOn).to.include(ebs[0].urn);
    });

    it("creates Kiali in istio-system after the mesh's control plane (its base and istiod releases) and the Kiali operator", async () => {
        const view = await planned();
        const releases = (...names: string[]) => names.map((name) => view.one(RELEASE, name).urn);
        const kiali = view.one("kubernetes:kiali.io/v1alpha1:Kiali", "observability-kiali");
        expect((kiali.inputs.metadata as { namespace: string }).namespace).to.equal("istio-system");
        expect(kiali.options.explicitDependsOn).to.include.members(releases("mesh-base", "mesh-istiod", "observability-kiali-operator"));
    });

    it("outputs the in-cluster URLs, the chart versions and the operators' commands", async () => {
        const view = await planned();
        expect(view.run.outputs.observability).to.deep.equal({
            prometheusUrl: "http://kube-prometheus-stack-prometheus.monitoring:9090",
            grafanaUrl: "http://kube-prometheus-stack-grafana.monitoring:80",
            charts: { kubePrometheusStack: "88.5.3", kialiOperator: "2.29.0" },
            grafanaPortForward: "kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80",
            grafanaAdmin: "kubectl -n monitoring get secret kube-prometheus-stack-grafana -o jsonpath='{.data.admin-password}' | base64 -d",
            kialiPortForward: "kubectl -n istio-system port-forward svc/kiali 20001:20001",
            kialiToken: "kubectl -n istio-system create token kiali-service-account",
            prometheusPortForward: "kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090:9090",
        });
    });
});
