/**
 * The Helm charts of the observability block, pinned with their sources, the values this program
 * sets on each (typed: nothing else reaches the charts), the names the charts give the services
 * the program and the operators address, and the rules on the block's settings. Pure data and
 * functions: the block's rules and the component's argument checks both use them.
 */
import { Path, Problem, showValue } from "../../../lib/problems";

/** The day the chart tables below were last checked against the charts' repositories. */
export const CHARTS_CHECKED = "2026-11-29";

/** One chart version this program may install. */
export interface ChartVersion {
    /** The version of the software it installs (the chart's appVersion). */
    readonly appVersion: string;
    /** The day its repository published it (UTC). */
    readonly released: string;
    /** Where the version and its appVersion are published. */
    readonly source: string;
}

/** A chart, its repository and the versions of it this program knows. */
export interface Chart {
    readonly chart: string;
    readonly repo: string;
    /** The version a stack gets when its config does not say: the newest of `versions`. */
    readonly defaultVersion: string;
    readonly versions: Readonly<Record<string, ChartVersion>>;
}

/**
 * kube-prometheus-stack (Prometheus Operator, Prometheus, Grafana, kube-state-metrics, node
 * exporter, the Prometheus Operator's CRDs). Each version is a tag `kube-prometheus-stack-<version>`
 * of https://github.com/prometheus-community/helm-charts, released by chart-releaser into the
 * repository's index. 88.5.3: Chart.yaml at that tag (commit ea930baeebeba39f56d6b44e351f23b2a072a600,
 * 2026-08-21) has `appVersion: v0.93.1` (Prometheus Operator), `kubeVersion: ">=1.25.0-0"`, and
 * Grafana as the subchart `grafana` 12.11.1 of https://grafana-community.github.io/helm-charts
 * (grafana-community/helm-charts tag grafana-12.11.1: Grafana 13.2.0, `kubeVersion: "^1.25.0-0"`).
 */
export const KUBE_PROMETHEUS_STACK: Chart = {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    defaultVersion: "88.5.3",
    versions: {
        "88.5.3": {
            appVersion: "v0.93.1",
            released: "2026-08-21",
            source: "https://github.com/prometheus-community/helm-charts/releases/tag/kube-prometheus-stack-88.5.3",
        },
    },
};

/**
 * The Kiali operator. Its versions are those of https://kiali.org/helm-charts/index.yaml (the
 * `docs/index.yaml` of https://github.com/kiali/helm-charts): 2.29.0, appVersion v2.29.0, created
 * 2026-07-13. Kiali is tested against every Istio release in support at its own release ("Version
 * Compatibility", https://kiali.io/docs/installation/installation-guide/prerequisites/).
 */
export const KIALI_OPERATOR: Chart = {
    chart: "kiali-operator",
    repo: "https://kiali.org/helm-charts",
    defaultVersion: "2.29.0",
    versions: {
        "2.29.0": { appVersion: "v2.29.0", released: "2026-07-13", source: "https://kiali.org/helm-charts/index.yaml" },
    },
};

/** Where the stack runs: the Helm release names fix the names of the services the charts create. */
export const MONITORING_NAMESPACE = "monitoring";
export const KIALI_OPERATOR_NAMESPACE = "kiali-operator";
/** Istio's control-plane namespace (the mesh block's): Kiali is installed there. */
export const ISTIO_NAMESPACE = "istio-system";

/** The kube-prometheus-stack release, also its `fullnameOverride`: every object is `kube-prometheus-stack-…`. */
export const KUBE_PROMETHEUS_STACK_RELEASE = "kube-prometheus-stack";
export const KIALI_OPERATOR_RELEASE = "kiali-operator";

/**
 * The services the charts create (templates/prometheus/service.yaml, templates/alertmanager/service.yaml:
 * `<fullname>-prometheus`, `<fullname>-alertmanager`; Grafana's subchart: `<release>-grafana`, its
 * release name not containing `grafana`) and the Kiali operator (`<instance_name>`, `kiali`), with
 * the ports the charts give them. All ClusterIP: operators reach them through `kubectl port-forward`.
 */
export const SERVICES = {
    prometheus: { name: `${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus`, namespace: MONITORING_NAMESPACE, port: 9090 },
    grafana: { name: `${KUBE_PROMETHEUS_STACK_RELEASE}-grafana`, namespace: MONITORING_NAMESPACE, port: 80 },
    alertmanager: { name: `${KUBE_PROMETHEUS_STACK_RELEASE}-alertmanager`, namespace: MONITORING_NAMESPACE, port: 9093 },
    kiali: { name: "kiali", namespace: ISTIO_NAMESPACE, port: 20001 },
} as const;

/** A service's in-cluster URL, `http://<name>.<namespace>:<port>`. */
export function serviceUrl(service: { readonly name: string; readonly namespace: string; readonly port: number }): string {
    return `http://${service.name}.${service.namespace}:${service.port}`;
}

/** The Secret the Grafana chart generates the admin's password into (`grafana.fullname`), and its keys. */
export const GRAFANA_ADMIN_SECRET = { name: SERVICES.grafana.name, namespace: MONITORING_NAMESPACE, userKey: "admin-user", passwordKey: "admin-password" } as const;

/** The service account the Kiali operator creates for Kiali (`<instance_name>-service-account`); `kubectl create token` of it logs in. */
export const KIALI_SERVICE_ACCOUNT = "kiali-service-account";

// ---------------------------------------------------------------------------------------------
// Values (only what this program sets; the charts' defaults are the rest).
// ---------------------------------------------------------------------------------------------

/** Compute a container asks for and may use (Kubernetes quantities). */
export interface Resources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly memory: string };
}

/** A Service the chart renders: ClusterIP only, so no UI is reachable from outside the cluster. */
export interface ClusterIpService {
    readonly type: "ClusterIP";
}
/** An Ingress the chart could render: never. */
export interface NoIngress {
    readonly enabled: false;
}

/** A PersistentVolumeClaim's spec (Prometheus's storageSpec.volumeClaimTemplate). */
export interface VolumeClaimSpec {
    readonly storageClassName: string;
    readonly accessModes: readonly ["ReadWriteOnce"];
    readonly resources: { readonly requests: { readonly storage: string } };
}

/** The kube-prometheus-stack values this program sets. */
export interface KubePrometheusStackValues {
    /** Fixes every object's name, `kube-prometheus-stack-…` (the chart truncates its default to 26 characters). */
    readonly fullnameOverride: string;
    readonly prometheus: {
        readonly service: ClusterIpService;
        readonly ingress: NoIngress;
        readonly prometheusSpec: {
            /** How long samples are kept, `<days>d`. */
            readonly retention: string;
            /** Older blocks are deleted beyond this size (Prometheus's base-2 units: `40GB` is 40 GiB), before the volume fills. */
            readonly retentionSize: string;
            /** false: Prometheus selects every PodMonitor/ServiceMonitor, not only those labelled with this release. */
            readonly podMonitorSelectorNilUsesHelmValues: false;
            readonly serviceMonitorSelectorNilUsesHelmValues: false;
            readonly resources: Resources;
            readonly storageSpec: { readonly volumeClaimTemplate: { readonly spec: VolumeClaimSpec } };
        };
    };
    readonly grafana: {
        readonly service: ClusterIpService;
        readonly ingress: NoIngress;
        /** A volume for Grafana's database (users, the admin's password once set, saved dashboards). */
        readonly persistence: { readonly enabled: true; readonly type: "pvc"; readonly storageClassName: string; readonly accessModes: readonly ["ReadWriteOnce"]; readonly size: string };
        /** Recreate: a ReadWriteOnce EBS volume attaches to one node, so a rolling update's new pod could not start elsewhere. */
        readonly deploymentStrategy: { readonly type: "Recreate" };
        readonly resources: Resources;
        /** Grafana's Alertmanager data source, only with an Alertmanager. */
        readonly sidecar: { readonly datasources: { readonly alertmanager: { readonly enabled: boolean } } };
    };
    readonly alertmanager: {
        readonly enabled: boolean;
        readonly service: ClusterIpService;
        readonly ingress: NoIngress;
    };
    /** EKS runs the control plane: its controller manager, scheduler and etcd cannot be scraped (their targets would only be down). */
    readonly kubeControllerManager: { readonly enabled: false };
    readonly kubeScheduler: { readonly enabled: false };
    readonly kubeEtcd: { readonly enabled: false };
}

/** The kiali-operator values this program sets. */
export interface KialiOperatorValues {
    /** The program creates the Kiali CR itself (it needs the Prometheus URL). */
    readonly cr: { readonly create: false };
    readonly resources: Resources;
}

/** Kiali's login: `token` (a Kubernetes service account token, RBAC decides) or `anonymous` (anyone who reaches it, never in prod). */
export const KIALI_AUTH_STRATEGIES = ["token", "anonymous"] as const;
export type KialiAuthStrategy = (typeof KIALI_AUTH_STRATEGIES)[number];

/** The spec of the Kiali CR (kiali.io/v1alpha1 Kiali) this program sets. */
export interface KialiSpec {
    readonly auth: { readonly strategy: KialiAuthStrategy };
    readonly deployment: {
        readonly namespace: string;
        readonly service_type: "ClusterIP";
        readonly ingress: NoIngress;
        readonly view_only_mode: boolean;
    };
    readonly external_services: {
        readonly prometheus: { readonly url: string };
        readonly grafana: { readonly enabled: true; readonly internal_url: string; readonly external_url: string };
        /** No tracing backend in this stack. */
        readonly tracing: { readonly enabled: false };
    };
}

/** What the values and the Kiali spec are made of. */
export interface ObservabilitySettings {
    readonly retentionDays: number;
    readonly prometheusStorageSize: string;
    readonly grafanaStorageSize: string;
    readonly storageClass: string;
    readonly alertmanager: boolean;
    readonly kialiAuthStrategy: KialiAuthStrategy;
    readonly prometheusResources: Resources;
    readonly grafanaResources: Resources;
    readonly kialiOperatorResources: Resources;
}

/** Prometheus deletes the oldest blocks beyond this share of its volume, so the volume never fills (the WAL counts too). */
export const RETENTION_SIZE_SHARE = 0.8;

/**
 * `retentionSize` for a volume of `storageSize` (`50Gi` → `40GB`): Prometheus's size units are
 * base 2 (`GB` is 2^30 bytes, https://prometheus.io/docs/prometheus/latest/storage/#operational-aspects),
 * so the share is of the same unit.
 */
export function retentionSize(storageSize: string): string {
    const gibibytes = gibibytesOf(storageSize);
    if (gibibytes === undefined) {
        throw new Error(`not a size in Gi: ${storageSize}`);
    }
    const share = gibibytes * RETENTION_SIZE_SHARE;
    // Whole gibibytes where that loses little; megabytes below 10 GB.
    return share >= 10 || Number.isInteger(share) ? `${Math.floor(share)}GB` : `${Math.floor(share * 1024)}MB`;
}

export function kubePrometheusStackValues(settings: ObservabilitySettings): KubePrometheusStackValues {
    const clusterIp: ClusterIpService = { type: "ClusterIP" };
    const noIngress: NoIngress = { enabled: false };
    return {
        fullnameOverride: KUBE_PROMETHEUS_STACK_RELEASE,
        prometheus: {
            service: clusterIp,
            ingress: noIngress,
            prometheusSpec: {
                retention: `${settings.retentionDays}d`,
                retentionSize: retentionSize(settings.prometheusStorageSize),
                podMonitorSelectorNilUsesHelmValues: false,
                serviceMonitorSelectorNilUsesHelmValues: false,
                resources: settings.prometheusResources,
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: { storageClassName: settings.storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: settings.prometheusStorageSize } } },
                    },
                },
            },
        },
        grafana: {
            service: clusterIp,
            ingress: noIngress,
            persistence: { enabled: true, type: "pvc", storageClassName: settings.storageClass, accessModes: ["ReadWriteOnce"], size: settings.grafanaStorageSize },
            deploymentStrategy: { type: "Recreate" },
            resources: settings.grafanaResources,
            sidecar: { datasources: { alertmanager: { enabled: settings.alertmanager } } },
        },
        alertmanager: { enabled: settings.alertmanager, service: clusterIp, ingress: noIngress },
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
    };
}

export function kialiOperatorValues(settings: ObservabilitySettings): KialiOperatorValues {
    return { cr: { create: false }, resources: settings.kialiOperatorResources };
}

/** Where a browser reaches Grafana while an operator port-forwards it (`kubectl port-forward svc/… 3000:80`): Kiali's links to dashboards. */
export const GRAFANA_LOCAL_URL = "http://localhost:3000";

export function kialiSpec(settings: ObservabilitySettings): KialiSpec {
    return {
        auth: { strategy: settings.kialiAuthStrategy },
        deployment: { namespace: ISTIO_NAMESPACE, service_type: "ClusterIP", ingress: { enabled: false }, view_only_mode: false },
        external_services: {
            prometheus: { url: serviceUrl(SERVICES.prometheus) },
            grafana: { enabled: true, internal_url: serviceUrl(SERVICES.grafana), external_url: GRAFANA_LOCAL_URL },
            tracing: { enabled: false },
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Rules.
// ---------------------------------------------------------------------------------------------

/**
 * Days Prometheus keeps its samples. Prometheus's local storage is one node's volume, "not
 * intended to be durable long-term storage; external solutions offer extended retention"
 * (https://prometheus.io/docs/prometheus/latest/storage/): past 90 days, send the metrics to
 * remote storage (Amazon Managed Service for Prometheus) instead. At least 1 day: the chart
 * default's 10 days and Prometheus's own 15 are between.
 */
export const RETENTION_DAYS = { min: 1, max: 90, default: 15 } as const;

/**
 * gp3 volume sizes, 1 GiB – 16 TiB ("Amazon EBS General Purpose SSD volumes",
 * https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html).
 */
export const GP3_SIZE_GIB = { min: 1, max: 16384 } as const;

/** `<n>Gi`: the PVC sizes this block writes (Kubernetes quantity, binary suffix). */
const SIZE_PATTERN = /^([1-9][0-9]*)Gi$/;

function gibibytesOf(size: string): number | undefined {
    const match = SIZE_PATTERN.exec(size);
    return match ? Number(match[1]) : undefined;
}

export function retentionDaysProblem(days: number): string | undefined {
    if (!Number.isInteger(days) || days < RETENTION_DAYS.min || days > RETENTION_DAYS.max) {
        return `${days} is not a whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}; Prometheus keeps its samples on one volume, and longer retention belongs in remote storage (Amazon Managed Service for Prometheus)`;
    }
    return undefined;
}

export function volumeSizeProblem(size: string): string | undefined {
    const gibibytes = gibibytesOf(size);
    if (gibibytes === undefined) {
        return `${showValue(size)} is not a volume size; write whole gibibytes, such as "50Gi"`;
    }
    if (gibibytes > GP3_SIZE_GIB.max) {
        return `${showValue(size)} is larger than a gp3 volume may be (${GP3_SIZE_GIB.max}Gi)`;
    }
    return undefined;
}

/** A StorageClass name: a DNS subdomain (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names). */
const STORAGE_CLASS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The classes an EKS cluster may have already (the in-tree `gp2` class EKS creates, unencrypted,
 * https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html): the block creates
 * its own class and cannot create one of these names.
 */
export const EXISTING_STORAGE_CLASSES = ["gp2"] as const;

export function storageClassProblem(name: string): string | undefined {
    if (!STORAGE_CLASS_NAME.test(name)) {
        return `${showValue(name)} is not a StorageClass name; use lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit`;
    }
    if ((EXISTING_STORAGE_CLASSES as readonly string[]).includes(name)) {
        return `${showValue(name)} is the class EKS creates itself (unencrypted); this block creates its own encrypted gp3 class, so give it another name, such as "gp3"`;
    }
    return undefined;
}

export function chartVersionProblem(chart: Chart, version: string): string | undefined {
    if (chart.versions[version] === undefined) {
        const known = Object.keys(chart.versions).join(", ");
        return `${showValue(version)} is not a ${chart.chart} chart version this program knows; it knows ${known} (components/observability/kube-observability/charts.ts, each with its source)`;
    }
    return undefined;
}

/** The observability settings' problems, at the paths the block's config and the component's arguments share. */
export interface SettingsToCheck {
    readonly charts: { readonly kubePrometheusStack: string; readonly kialiOperator: string };
    readonly retentionDays: number;
    readonly prometheusStorageSize: string;
    readonly grafanaStorageSize: string;
    readonly storageClass: string;
}

/** Each checked setting, by the name `settingsProblems` places it with. */
export type CheckedSetting = Exclude<keyof SettingsToCheck, "charts"> | keyof SettingsToCheck["charts"];

/** Problems of the settings; `at` maps each setting to its path (config keys or argument names). */
export function settingsProblems(settings: SettingsToCheck, at: Readonly<Record<CheckedSetting, Path>>): Problem[] {
    const problems: Problem[] = [];
    const add = (path: Path, message: string | undefined) => {
        if (message !== undefined) {
            problems.push({ path, message });
        }
    };
    add(at.kubePrometheusStack, chartVersionProblem(KUBE_PROMETHEUS_STACK, settings.charts.kubePrometheusStack));
    add(at.kialiOperator, chartVersionProblem(KIALI_OPERATOR, settings.charts.kialiOperator));
    add(at.retentionDays, retentionDaysProblem(settings.retentionDays));
    add(at.prometheusStorageSize, volumeSizeProblem(settings.prometheusStorageSize));
    add(at.grafanaStorageSize, volumeSizeProblem(settings.grafanaStorageSize));
    add(at.storageClass, storageClassProblem(settings.storageClass));
    return problems;
}
