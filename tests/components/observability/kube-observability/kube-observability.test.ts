/**
 * The KubeObservability component under mocks, with a Kubernetes provider of its own: the
 * encrypted gp3 StorageClass, the namespaces, kube-prometheus-stack and the Kiali operator as
 * pinned Helm releases with their typed values, the Kiali CR pointed at the stack's Prometheus,
 * Istio's PodMonitor and ServiceMonitor, what each waits for; no UI outside the cluster and no
 * password anywhere; every argument rule; the pure functions behind them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    KIALI_OPERATOR,
    KUBE_PROMETHEUS_STACK,
    SERVICES,
    retentionSize,
    retentionDaysProblem,
    storageClassProblem,
    volumeSizeProblem,
    chartVersionProblem,
} from "../../../../components/observability/kube-observability/charts";
import { KubeObservability, KubeObservabilityArgs, storageClassParameters } from "../../../../components/observability/kube-observability/kube-observability";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, refusedArguments, runView } from "../../../support/query";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const KIALI = "kubernetes:kiali.io/v1alpha1:Kiali";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";

const naming = new Naming("point-eks", "prod");
const tags = baseTags({ project: "point-eks", env: "prod", stack: "test" });

/** The stand-ins for what the EKS block hands over: its provider, a node group to wait for, and the mesh's istiod. */
interface Cluster {
    provider: k8s.Provider;
    nodes: pulumi.CustomResource;
    ebsCsi: pulumi.CustomResource;
    istiod: pulumi.CustomResource;
}
function cluster(): Cluster {
    const provider = new k8s.Provider("k", { kubeconfig: "{}" });
    const nodes = new k8s.core.v1.ConfigMap("node-group", { metadata: { name: "nodes", namespace: "kube-system" } }, { provider });
    const ebsCsi = new k8s.core.v1.ConfigMap("ebs-csi", { metadata: { name: "ebs-csi", namespace: "kube-system" } }, { provider });
    const istiod = new k8s.core.v1.ConfigMap("istiod", { metadata: { name: "istiod", namespace: "istio-system" } }, { provider });
    return { provider, nodes, ebsCsi, istiod };
}

function args(c: Cluster, change: Partial<KubeObservabilityArgs> = {}): KubeObservabilityArgs {
    return { naming, tags, provider: c.provider, ready: [c.nodes], storageReady: [c.ebsCsi], meshReady: [c.istiod], ...change };
}

const byName = (view: RunView, type: string, name: string): RecordedResource => view.one(type, name);

describe("components/kube-observability: the defaults", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => {
            const obs = new KubeObservability("observability", args(cluster()));
            return { prometheusUrl: obs.prometheusUrl, grafanaUrl: obs.grafanaUrl, storageClass: obs.storageClassName, charts: obs.chartVersions };
        });
    });
    const release = (name: string) => byName(view, RELEASE, name);
    const urnOf = (type: string, name: string) => byName(view, type, name).urn;
    const provider = () => view.one("pulumi:providers:kubernetes", "k");

    it("is a platform:observability:KubeObservability with its URLs and chart versions as outputs", () => {
        expect(view.one("platform:observability:KubeObservability", "observability").parent).to.be.a("string");
        expect(view.run.outputs).to.deep.equal({
            prometheusUrl: "http://kube-prometheus-stack-prometheus.monitoring:9090",
            grafanaUrl: "http://kube-prometheus-stack-grafana.monitoring:80",
            storageClass: "gp3",
            charts: { kubePrometheusStack: "88.5.3", kialiOperator: "2.29.0" },
        });
    });

    it("creates an encrypted gp3 StorageClass of the EBS CSI driver, bound where the pod lands, its volumes tagged", () => {
        const sc = byName(view, STORAGE_CLASS, "observability-storage-class");
        expect(sc.inputs).to.deep.include({
            metadata: { name: "gp3" },
            provisioner: "ebs.csi.aws.com",
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Delete",
            allowVolumeExpansion: true,
        });
        expect(sc.inputs.parameters).to.deep.equal({
            type: "gp3",
            encrypted: "true",
            "csi.storage.k8s.io/fstype": "ext4",
            tagSpecification_1: "Component=kube-observability",
            tagSpecification_2: "Environment=prod",
            tagSpecification_3: "ManagedBy=pulumi",
            tagSpecification_4: "Project=point-eks",
            tagSpecification_5: "Stack=test",
        });
    });

    it("creates the namespaces monitoring and kiali-operator, not istio-system (the mesh's)", () => {
        expect(view.ofType(NAMESPACE).map((n) => (n.inputs.metadata as { name: string }).name)).to.deep.equal(["monitoring", "kiali-operator"]);
    });

    it("installs kube-prometheus-stack 88.5.3 from prometheus-community in monitoring, named so its services are kube-prometheus-stack-*", () => {
        expect(release("observability-kube-prometheus-stack").inputs).to.deep.include({
            name: "kube-prometheus-stack",
            chart: "kube-prometheus-stack",
            version: "88.5.3",
            repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
            namespace: "monitoring",
            timeout: 900,
        });
    });

    it("sets exactly the typed values: 15 days and 50Gi on gp3 (old data dropped past 40GB), every monitor selected, ClusterIP only", () => {
        expect(release("observability-kube-prometheus-stack").inputs.values).to.deep.equal({
            fullnameOverride: "kube-prometheus-stack",
            prometheus: {
                service: { type: "ClusterIP" },
                ingress: { enabled: false },
                prometheusSpec: {
                    retention: "15d",
                    retentionSize: "40GB",
                    podMonitorSelectorNilUsesHelmValues: false,
                    serviceMonitorSelectorNilUsesHelmValues: false,
                    resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
                    storageSpec: { volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } } },
                },
            },
            grafana: {
                service: { type: "ClusterIP" },
                ingress: { enabled: false },
                persistence: { enabled: true, type: "pvc", storageClassName: "gp3", accessModes: ["ReadWriteOnce"], size: "10Gi" },
                deploymentStrategy: { type: "Recreate" },
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                sidecar: { datasources: { alertmanager: { enabled: false } } },
            },
            alertmanager: { enabled: false, service: { type: "ClusterIP" }, ingress: { enabled: false } },
            kubeControllerManager: { enabled: false },
            kubeScheduler: { enabled: false },
            kubeEtcd: { enabled: false },
        });
    });

    it("gives Grafana no password: neither adminPassword nor an existing secret, so the chart generates one in the cluster", () => {
        const grafana = (release("observability-kube-prometheus-stack").inputs.values as { grafana: Record<string, unknown> }).grafana;
        expect(grafana).to.not.have.any.keys("adminPassword", "admin", "env");
        expect(JSON.stringify(view.resources.map((r) => r.inputs))).to.not.match(/password/i);
    });

    it("installs the Kiali operator 2.29.0 from kiali.org in kiali-operator, without the chart's own CR", () => {
        expect(release("observability-kiali-operator").inputs).to.deep.include({
            name: "kiali-operator",
            chart: "kiali-operator",
            version: "2.29.0",
            repositoryOpts: { repo: "https://kiali.org/helm-charts" },
            namespace: "kiali-operator",
            values: { cr: { create: false }, resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } } },
        });
    });

    it("creates the Kiali CR in istio-system: token login, ClusterIP, the stack's Prometheus and Grafana", () => {
        const kiali = byName(view, KIALI, "observability-kiali");
        expect(kiali.inputs).to.deep.equal({
            apiVersion: "kiali.io/v1alpha1",
            kind: "Kiali",
            metadata: { name: "kiali", namespace: "istio-system" },
            spec: {
                auth: { strategy: "token" },
                deployment: { namespace: "istio-system", service_type: "ClusterIP", ingress: { enabled: false }, view_only_mode: false },
                external_services: {
                    prometheus: { url: "http://kube-prometheus-stack-prometheus.monitoring:9090" },
                    grafana: { enabled: true, internal_url: "http://kube-prometheus-stack-grafana.monitoring:80", external_url: "http://localhost:3000" },
                    tracing: { enabled: false },
                },
            },
        });
    });

    it("scrapes every Envoy on http-envoy-prom /stats/prometheus in any namespace, and istiod on http-monitoring", () => {
        const pod = byName(view, POD_MONITOR, "observability-envoy-monitor");
        expect(pod.inputs).to.deep.equal({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: "istio-envoy", namespace: "monitoring" },
            spec: {
                jobLabel: "envoy-stats",
                selector: { matchExpressions: [{ key: "istio-prometheus-ignore", operator: "DoesNotExist" }] },
                namespaceSelector: { any: true },
                podMetricsEndpoints: [{ port: "http-envoy-prom", path: "/stats/prometheus", interval: "15s" }],
            },
        });
        const service = byName(view, SERVICE_MONITOR, "observability-istiod-monitor");
        expect(service.inputs).to.deep.equal({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: "istiod", namespace: "monitoring" },
            spec: {
                jobLabel: "istio",
                targetLabels: ["app"],
                selector: { matchLabels: { istio: "pilot" } },
                namespaceSelector: { matchNames: ["istio-system"] },
                endpoints: [{ port: "http-monitoring", interval: "15s" }],
            },
        });
    });

    it("creates everything with the cluster's provider, after the cluster is ready", () => {
        const nodes = urnOf("kubernetes:core/v1:ConfigMap", "node-group");
        const mine = view.resources.filter((r) => r.custom && r.name.startsWith("observability-"));
        expect(mine).to.have.length(8);
        for (const r of mine) {
            expect(r.parent, r.name).to.equal(view.one("platform:observability:KubeObservability", "observability").urn);
            expect(r.options.provider, r.name).to.equal(provider().urn);
            expect(r.options.explicitDependsOn, r.name).to.include(nodes);
        }
    });

    it("orders what depends on what: the class after the EBS CSI driver, volumes after their class, monitors after the CRDs' release, Kiali after its operator and the mesh", () => {
        const deps = (type: string, name: string) => byName(view, type, name).options.explicitDependsOn;
        expect(deps(STORAGE_CLASS, "observability-storage-class")).to.include(urnOf("kubernetes:core/v1:ConfigMap", "ebs-csi"));
        expect(deps(RELEASE, "observability-kube-prometheus-stack")).to.include(urnOf(STORAGE_CLASS, "observability-storage-class"));
        expect(deps(POD_MONITOR, "observability-envoy-monitor")).to.include(urnOf(RELEASE, "observability-kube-prometheus-stack"));
        expect(deps(SERVICE_MONITOR, "observability-istiod-monitor")).to.include(urnOf(RELEASE, "observability-kube-prometheus-stack"));
        expect(deps(KIALI, "observability-kiali")).to.include.members([urnOf(RELEASE, "observability-kiali-operator"), urnOf("kubernetes:core/v1:ConfigMap", "istiod")]);
        // The releases reach their namespaces through their inputs.
        expect(byName(view, RELEASE, "observability-kube-prometheus-stack").options.dependsOn).to.include(urnOf(NAMESPACE, "observability-monitoring"));
        expect(byName(view, RELEASE, "observability-kiali-operator").options.dependsOn).to.include(urnOf(NAMESPACE, "observability-kiali-operator"));
    });

    it("exposes no UI: every service type in the values is ClusterIP, every ingress off", () => {
        const found: string[] = [];
        const walk = (value: unknown, where: string) => {
            if (value !== null && typeof value === "object") {
                for (const [key, inner] of Object.entries(value)) {
                    if ((key === "type" || key === "service_type") && where.match(/service$|deployment$/)) {
                        found.push(`${where}.${key}=${String(inner)}`);
                    }
                    if (key === "ingress") {
                        found.push(`${where}.ingress.enabled=${String((inner as { enabled: unknown }).enabled)}`);
                    }
                    walk(inner, `${where}.${key}`);
                }
            }
        };
        for (const r of [...view.ofType(RELEASE), ...view.ofType(KIALI)]) {
            walk(r.type === RELEASE ? r.inputs.values : r.inputs.spec, r.name);
        }
        expect(found.filter((f) => !/=(ClusterIP|false)$/.test(f))).to.deep.equal([]);
        // Prometheus, Grafana, Alertmanager and Kiali: a service and an ingress each.
        expect(found).to.have.length(8);
    });
});

describe("components/kube-observability: settings", () => {
    it("takes the retention, the sizes, the class, Alertmanager and Kiali's login from its arguments", async () => {
        const view = await runView(() => {
            new KubeObservability(
                "observability",
                args(cluster(), {
                    retentionDays: 30,
                    prometheusStorageSize: "100Gi",
                    grafanaStorageSize: "5Gi",
                    storageClass: "gp3-encrypted",
                    alertmanager: true,
                    kialiAuthStrategy: "anonymous",
                }),
            );
        });
        const values = view.one(RELEASE, "observability-kube-prometheus-stack").inputs.values as {
            prometheus: { prometheusSpec: { retention: string; retentionSize: string; storageSpec: { volumeClaimTemplate: { spec: { storageClassName: string; resources: unknown } } } } };
            grafana: { persistence: { storageClassName: string; size: string }; sidecar: unknown };
            alertmanager: unknown;
        };
        expect(values.prometheus.prometheusSpec.retention).to.equal("30d");
        expect(values.prometheus.prometheusSpec.retentionSize).to.equal("80GB");
        expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec).to.deep.include({ storageClassName: "gp3-encrypted", resources: { requests: { storage: "100Gi" } } });
        expect(values.grafana.persistence).to.deep.include({ storageClassName: "gp3-encrypted", size: "5Gi" });
        expect(values.grafana.sidecar).to.deep.equal({ datasources: { alertmanager: { enabled: true } } });
        expect(values.alertmanager).to.deep.equal({ enabled: true, service: { type: "ClusterIP" }, ingress: { enabled: false } });
        expect((view.one(STORAGE_CLASS, "observability-storage-class").inputs.metadata as { name: string }).name).to.equal("gp3-encrypted");
        expect((view.one(KIALI, "observability-kiali").inputs.spec as { auth: unknown }).auth).to.deep.equal({ strategy: "anonymous" });
    });

    it("refuses bad arguments before registering anything", async () => {
        const lines = await refusedArguments("KubeObservability", () => {
            new KubeObservability(
                "observability",
                args({} as Cluster, {
                    ready: [],
                    storageReady: [],
                    meshReady: [],
                    charts: { kubePrometheusStack: "58.0.0", kialiOperator: "1.89.0" },
                    retentionDays: 365,
                    prometheusStorageSize: "50GB",
                    grafanaStorageSize: "20000Gi",
                    storageClass: "gp2",
                }),
            );
        });
        expect(lines).to.deep.equal([
            'charts.kubePrometheusStack: "58.0.0" is not a kube-prometheus-stack chart version this program knows; it knows 88.5.3 (components/observability/kube-observability/charts.ts, each with its source)',
            'charts.kialiOperator: "1.89.0" is not a kiali-operator chart version this program knows; it knows 2.29.0 (components/observability/kube-observability/charts.ts, each with its source)',
            "retentionDays: 365 is not a whole number of days from 1 to 90; Prometheus keeps its samples on one volume, and longer retention belongs in remote storage (Amazon Managed Service for Prometheus)",
            'prometheusStorageSize: "50GB" is not a volume size; write whole gibibytes, such as "50Gi"',
            'grafanaStorageSize: "20000Gi" is larger than a gp3 volume may be (16384Gi)',
            'storageClass: "gp2" is the class EKS creates itself (unencrypted); this block creates its own encrypted gp3 class, so give it another name, such as "gp3"',
        ]);
    });
});

describe("components/kube-observability: the pure parts", () => {
    it("keeps Prometheus to 80 % of its volume, in Prometheus's base-2 units", () => {
        expect(retentionSize("50Gi")).to.equal("40GB");
        expect(retentionSize("10Gi")).to.equal("8GB");
        expect(retentionSize("1Gi")).to.equal("819MB");
        expect(retentionSize("3Gi")).to.equal("2457MB");
        expect(retentionSize("5Gi")).to.equal("4GB");
        expect(retentionSize("16384Gi")).to.equal("13107GB");
    });

    it("accepts 1–90 whole days only", () => {
        expect([1, 15, 90].map(retentionDaysProblem)).to.deep.equal([undefined, undefined, undefined]);
        expect([0, 91, 7.5].map((d) => retentionDaysProblem(d) !== undefined)).to.deep.equal([true, true, true]);
    });

    it("accepts sizes of whole gibibytes up to gp3's 16 TiB", () => {
        expect(["1Gi", "50Gi", "16384Gi"].map(volumeSizeProblem)).to.deep.equal([undefined, undefined, undefined]);
        expect(["50", "50G", "0Gi", "050Gi", "1.5Gi", "512Mi", "1Ti", "16385Gi"].map((s) => volumeSizeProblem(s) !== undefined)).to.deep.equal(Array(8).fill(true));
    });

    it("accepts a class name Kubernetes takes, except EKS's own gp2", () => {
        expect(["gp3", "ebs-gp3", "gp3.encrypted"].map(storageClassProblem)).to.deep.equal([undefined, undefined, undefined]);
        expect(storageClassProblem("GP3")).to.equal('"GP3" is not a StorageClass name; use lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit');
        expect(storageClassProblem("gp2")).to.match(/is the class EKS creates itself/);
    });

    it("knows each chart's default version, with its source", () => {
        for (const chart of [KUBE_PROMETHEUS_STACK, KIALI_OPERATOR]) {
            expect(chartVersionProblem(chart, chart.defaultVersion), chart.chart).to.equal(undefined);
            for (const version of Object.values(chart.versions)) {
                expect(version.source, chart.chart).to.match(/^https:\/\//);
                expect(version.released, chart.chart).to.match(/^\d{4}-\d{2}-\d{2}$/);
            }
        }
    });

    it("tags the volumes with key=value pairs in key order", () => {
        expect(storageClassParameters({ B: "2", A: "1" })).to.deep.equal({ type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4", tagSpecification_1: "A=1", tagSpecification_2: "B=2" });
    });

    it("names the services as the charts do", () => {
        expect(Object.values(SERVICES).map((s) => `${s.namespace}/${s.name}:${s.port}`)).to.deep.equal([
            "monitoring/kube-prometheus-stack-prometheus:9090",
            "monitoring/kube-prometheus-stack-grafana:80",
            "monitoring/kube-prometheus-stack-alertmanager:9093",
            "istio-system/kiali:20001",
        ]);
    });
});
