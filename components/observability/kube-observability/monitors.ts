/**
 * What Prometheus scrapes of the Istio mesh, as Prometheus Operator objects (monitoring.coreos.com/v1,
 * whose CRDs kube-prometheus-stack installs): every Envoy (the sidecars and the ingress gateway)
 * and istiod. After Istio's own example for the Prometheus Operator
 * (https://istio.io/latest/docs/ops/integrations/prometheus/#option-2-customized-scraping-configurations,
 * samples/addons/extras/prometheus-operator.yaml of https://github.com/istio/istio), with Envoy
 * scraped on its own named port instead of the merged-metrics annotation.
 */

/**
 * The istio-proxy container's Prometheus port, 15090, named `http-envoy-prom` by the injection
 * template (and the gateway's chart), serving Envoy's and Istio's metrics (`istio_requests_total`…)
 * at `/stats/prometheus`. Istio's traffic capture leaves 15090 out (`istio-iptables -d
 * 15090,15021,15020`), so Prometheus, outside the mesh, scrapes it in plain HTTP under STRICT mTLS.
 */
export const ENVOY_METRICS = { port: "http-envoy-prom", path: "/stats/prometheus" } as const;

/** istiod's Service port 15014, `http-monitoring` (the istiod chart's service.yaml); its Service is labelled `istio: pilot`. */
export const ISTIOD_METRICS = { port: "http-monitoring", serviceLabel: { istio: "pilot" } } as const;

/** How often Istio's metrics are scraped (Istio's example's interval). */
export const ISTIO_SCRAPE_INTERVAL = "15s";

/** A pod label that takes a pod out of the Envoy scrape (Istio's example's opt-out). */
export const ENVOY_SCRAPE_OPT_OUT_LABEL = "istio-prometheus-ignore";

export interface LabelSelectorRequirement {
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    readonly values?: readonly string[];
}

/** The PodMonitor spec fields this program sets. */
export interface PodMonitorSpec {
    readonly jobLabel: string;
    readonly selector: { readonly matchExpressions: readonly LabelSelectorRequirement[] };
    readonly namespaceSelector: { readonly any: true };
    readonly podMetricsEndpoints: ReadonlyArray<{ readonly port: string; readonly path: string; readonly interval: string }>;
}

/** The ServiceMonitor spec fields this program sets. */
export interface ServiceMonitorSpec {
    readonly jobLabel: string;
    readonly targetLabels: readonly string[];
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly namespaceSelector: { readonly matchNames: readonly string[] };
    readonly endpoints: ReadonlyArray<{ readonly port: string; readonly interval: string }>;
}

/** Every pod with an Envoy (its `http-envoy-prom` port), in any namespace, unless it opts out. */
export function envoyPodMonitorSpec(): PodMonitorSpec {
    return {
        jobLabel: "envoy-stats",
        selector: { matchExpressions: [{ key: ENVOY_SCRAPE_OPT_OUT_LABEL, operator: "DoesNotExist" }] },
        namespaceSelector: { any: true },
        podMetricsEndpoints: [{ port: ENVOY_METRICS.port, path: ENVOY_METRICS.path, interval: ISTIO_SCRAPE_INTERVAL }],
    };
}

/** istiod's Service in the control-plane namespace. */
export function istiodServiceMonitorSpec(istioNamespace: string): ServiceMonitorSpec {
    return {
        jobLabel: "istio",
        targetLabels: ["app"],
        selector: { matchLabels: ISTIOD_METRICS.serviceLabel },
        namespaceSelector: { matchNames: [istioNamespace] },
        endpoints: [{ port: ISTIOD_METRICS.port, interval: ISTIO_SCRAPE_INTERVAL }],
    };
}
