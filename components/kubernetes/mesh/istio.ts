/**
 * Istio as this program installs it: the pinned release and the Kubernetes versions each Istio
 * minor supports (with their sources), the charts' typed values, the names other blocks rely on
 * (namespaces, the gateway's labels, ports and principal, the injection label), the gateway's
 * rate-limit arithmetic, and the rules on the mesh's settings. Pure data and functions: no
 * `@pulumi/kubernetes` here.
 */
import { Path, Problem, showValue } from "../../../lib/problems";

// ---------------------------------------------------------------------------------------------
// The release.
// ---------------------------------------------------------------------------------------------

/** The Helm repository of Istio's charts (istio.io, "Install with Helm"). */
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";

/**
 * The Kubernetes versions each Istio minor supports, newest first. Istio's own statement, in each
 * minor's release announcement ("Istio <x>.0 is officially supported on Kubernetes versions …"),
 * https://istio.io/latest/news/releases/ and the table "Support status of Istio releases",
 * https://istio.io/latest/docs/releases/supported-releases/#support-status-of-istio-releases
 * (checked 2026-11-29):
 * - 1.31 (announced 2026-08-20): 1.32 to 1.36;
 * - 1.30 (2026-05-14): 1.32 to 1.36;
 * - 1.29 (2026-02-12): 1.31 to 1.35; out of support six weeks after 1.31.0 (the support policy:
 *   a minor is supported until 6 weeks after the N+2 minor), so not a choice any more;
 * - 1.28 (2025-11-05): 1.30 to 1.34 in the Supported Releases table (its announcement said 1.29
 *   to 1.34; the narrower one is kept).
 */
export const ISTIO_KUBERNETES_VERSIONS: Readonly<Record<string, readonly string[]>> = {
    "1.31": ["1.32", "1.33", "1.34", "1.35", "1.36"],
    "1.30": ["1.32", "1.33", "1.34", "1.35", "1.36"],
    "1.29": ["1.31", "1.32", "1.33", "1.34", "1.35"],
    "1.28": ["1.30", "1.31", "1.32", "1.33", "1.34"],
};

/**
 * The one Istio release every chart (base, istiod, gateway) is installed at: the newest patch of
 * the newest minor (Istio 1.31.1, 2026-09-21, https://istio.io/latest/news/releases/1.31.x/announcing-1.31.1/).
 * The charts carry Istio's version as their own. Moving it is a reviewed change: the
 * control plane first, then the gateway (istio.io, "Canary upgrades" / "In-place upgrades").
 */
export const ISTIO_VERSION = "1.31.1";

/** `1.31.1` → `1.31`. */
export function minorOf(version: string): string {
    return version.split(".").slice(0, 2).join(".");
}

/** The Kubernetes versions the pinned Istio supports. */
export const SUPPORTED_KUBERNETES = ISTIO_KUBERNETES_VERSIONS[minorOf(ISTIO_VERSION)];

/** The charts, by what they install. */
export const ISTIO_CHARTS = {
    /** The CRDs (networking.istio.io, security.istio.io…) and the default revision's validating webhook. */
    base: "base",
    /** The control plane: istiod (pilot), its sidecar injector and validating webhooks. */
    istiod: "istiod",
    /** An ingress gateway: a Deployment of Envoy and its Service. */
    gateway: "gateway",
} as const;

// ---------------------------------------------------------------------------------------------
// Names other blocks rely on.
// ---------------------------------------------------------------------------------------------

/** The control plane's namespace (base and istiod; the mesh-wide PeerAuthentication). */
export const ISTIO_SYSTEM = "istio-system";
/** The ingress gateway's namespace (its release, its policies, the TargetGroupBindings). */
export const ISTIO_INGRESS = "istio-ingress";
/** The gateway's Helm release name, hence its Deployment, Service and service account. */
export const GATEWAY_RELEASE = "istio-ingressgateway";
/**
 * The gateway pods' `istio` label: the gateway chart sets it to the release name without its
 * `istio-` prefix (templates/_helpers.tpl, gateway.selectorLabels). Policies select the gateway by it.
 */
export const GATEWAY_SELECTOR: Readonly<Record<string, string>> = { istio: "ingressgateway" };
/** The port the gateway's Envoy listens on for the ALB's traffic (plain HTTP: TLS ends at the ALB). */
export const GATEWAY_CONTAINER_PORT = 8080;
/** The gateway Service's HTTP port; it maps to GATEWAY_CONTAINER_PORT, and TargetGroupBindings name it. */
export const GATEWAY_SERVICE_PORT = 80;
/** The gateway's status port and readiness path (Envoy's own listener, outside the HTTP filters): the ALB health-checks it. */
export const GATEWAY_STATUS_PORT = 15021;
export const GATEWAY_READINESS_PATH = "/healthz/ready";
/** The Istio `Gateway` this block creates in ISTIO_INGRESS; a VirtualService binds to `istio-ingress/public`. */
export const GATEWAY_NAME = "public";
/** What a VirtualService's `gateways` lists to receive the ingress traffic. */
export const GATEWAY_REF = `${ISTIO_INGRESS}/${GATEWAY_NAME}`;
/**
 * The SPIFFE principal of the gateway's workload (trust domain `cluster.local`, the chart's
 * service account named after the release): what a workload's AuthorizationPolicy allows.
 */
export const GATEWAY_PRINCIPAL = `cluster.local/ns/${ISTIO_INGRESS}/sa/${GATEWAY_RELEASE}`;
/**
 * The label that makes istiod inject a sidecar into a namespace's pods (istio.io, "Installing the
 * Sidecar", automatic sidecar injection). The workloads block puts it on its own namespace.
 */
export const INJECTION_LABEL: Readonly<Record<string, string>> = { "istio-injection": "enabled" };

// ---------------------------------------------------------------------------------------------
// Settings (the config's shape) and the charts' values.
// ---------------------------------------------------------------------------------------------

/** A container's CPU and memory, as Kubernetes quantities (`500m`, `1`, `512Mi`, `2Gi`). */
export interface Quantities {
    readonly cpu: string;
    readonly memory: string;
}
export interface Resources {
    readonly requests: Quantities;
    readonly limits: Quantities;
}

export interface MeshAuth {
    /** The `iss` tokens must carry (an https URL). */
    readonly issuer: string;
    /** Where istiod fetches the issuer's signing keys (an https URL). */
    readonly jwksUri: string;
    /** The `aud` values a token may carry, one at least. */
    readonly audiences: readonly string[];
    /** The request header the gateway writes the claim into (lowercase). */
    readonly memberHeader: string;
    /** The claim copied into memberHeader. */
    readonly memberClaim: string;
    /** Paths reachable without a token (exact, or a prefix ending in `*`). */
    readonly publicPaths: readonly string[];
}

/** What the mesh is, as config resolves it (platform:mesh). */
export interface MeshSettings {
    readonly istiod: { readonly replicas: number; readonly resources: Resources };
    /** Every injected sidecar's resources (istiod's global.proxy.resources). */
    readonly proxy: { readonly resources: Resources };
    readonly gateway: { readonly replicas: number; readonly resources: Resources; readonly hosts: readonly string[] };
    readonly auth: MeshAuth;
    readonly rateLimit: { readonly requestsPerSecond: number };
}

/** The base chart's values this program sets. */
export interface BaseValues {
    /** Which istiod revision validates Istio resources cluster-wide: the unrevisioned `istiod`. */
    readonly defaultRevision: "default";
}

/** The istiod chart's values this program sets (top-level keys: the chart has no `pilot.` prefix). */
export interface IstiodValues {
    /** Fixed replicas, no HorizontalPodAutoscaler. */
    readonly autoscaleEnabled: false;
    readonly replicaCount: number;
    readonly resources: Resources;
    readonly meshConfig: {
        /** Envoy's access log of every proxy, to its stdout (CloudWatch's container logs). */
        readonly accessLogFile: "/dev/stdout";
        /** One scrape endpoint per pod with the app's and Envoy's metrics merged (port 15020). */
        readonly enablePrometheusMerge: true;
    };
    readonly global: { readonly proxy: { readonly resources: Resources } };
}

/** One port of the gateway's Service. */
export interface GatewayServicePort {
    readonly name: string;
    readonly port: number;
    readonly protocol: "TCP";
    readonly targetPort: number;
}

/** The gateway chart's values this program sets. */
export interface GatewayValues {
    /** Fixed: the rate limit divides the total among exactly this many Envoys. */
    readonly replicaCount: number;
    readonly autoscaling: { readonly enabled: false };
    readonly service: {
        /** ClusterIP: no load balancer of Kubernetes' (the ALB reaches the pods through TargetGroupBindings). */
        readonly type: "ClusterIP";
        /** Only status and HTTP (the chart's default maps 80→80 and opens 443: TLS ends at the ALB). */
        readonly ports: readonly GatewayServicePort[];
    };
    readonly resources: Resources;
    /** One pod may be evicted at a time; the chart creates it only above one replica. */
    readonly podDisruptionBudget: { readonly minAvailable: 1 } | Record<string, never>;
    /** Replicas spread over the zones (and so the nodes of the three private subnets). */
    readonly topologySpreadConstraints: ReadonlyArray<{
        readonly maxSkew: 1;
        readonly topologyKey: "topology.kubernetes.io/zone";
        readonly whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
        readonly labelSelector: { readonly matchLabels: Readonly<Record<string, string>> };
    }>;
}

export function baseValues(): BaseValues {
    return { defaultRevision: "default" };
}

export function istiodValues(settings: Pick<MeshSettings, "istiod" | "proxy">): IstiodValues {
    return {
        autoscaleEnabled: false,
        replicaCount: settings.istiod.replicas,
        resources: settings.istiod.resources,
        meshConfig: { accessLogFile: "/dev/stdout", enablePrometheusMerge: true },
        global: { proxy: { resources: settings.proxy.resources } },
    };
}

export function gatewayValues(gateway: MeshSettings["gateway"]): GatewayValues {
    return {
        replicaCount: gateway.replicas,
        autoscaling: { enabled: false },
        service: {
            type: "ClusterIP",
            ports: [
                { name: "status-port", port: GATEWAY_STATUS_PORT, protocol: "TCP", targetPort: GATEWAY_STATUS_PORT },
                { name: "http2", port: GATEWAY_SERVICE_PORT, protocol: "TCP", targetPort: GATEWAY_CONTAINER_PORT },
            ],
        },
        resources: gateway.resources,
        podDisruptionBudget: gateway.replicas > 1 ? { minAvailable: 1 } : {},
        // DoNotSchedule, not ScheduleAnyway: a preference lets both replicas end up in one AZ after
        // a node replacement, and the loss of that AZ would stop every request (the resilience report).
        topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { ...GATEWAY_SELECTOR } } },
        ],
    };
}

// ---------------------------------------------------------------------------------------------
// The rate limit.
// ---------------------------------------------------------------------------------------------

/** How the total rate divides among the gateway's replicas: each Envoy has a bucket of its own. */
export interface RateLimitShare {
    readonly requestsPerSecond: number;
    readonly replicas: number;
    /** Each replica's bucket: max_tokens = tokens_per_fill, refilled every second. */
    readonly perReplica: number;
    /** What the replicas allow together: perReplica × replicas (≥ requestsPerSecond). */
    readonly effectiveTotal: number;
}

/**
 * Envoy's local rate limit is per Envoy process (its token bucket is shared by the process's
 * workers only: "Local rate limit", https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/local_rate_limit_filter),
 * and the ALB spreads requests over the gateway's pods, so each replica gets
 * ceil(total / replicas): never less than the total, more when it does not divide.
 */
export function rateLimitShare(requestsPerSecond: number, replicas: number): RateLimitShare {
    const perReplica = Math.ceil(requestsPerSecond / replicas);
    return { requestsPerSecond, replicas, perReplica, effectiveTotal: perReplica * replicas };
}

/** The sentence said when the total does not divide among the replicas; undefined when it does. */
export function roundedRateNote(share: RateLimitShare): string | undefined {
    if (share.effectiveTotal === share.requestsPerSecond) {
        return undefined;
    }
    return (
        `${share.requestsPerSecond} requests per second do not divide among ${share.replicas} gateway replicas: ` +
        `each allows ceil(${share.requestsPerSecond} / ${share.replicas}) = ${share.perReplica} per second, ${share.effectiveTotal} in total`
    );
}

/** The local rate limit filter's config (envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit). */
/**
 * Envoy's header mutation filter (envoy.filters.http.header_mutation, Envoy 1.27 and later:
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/header_mutation_filter)
 * removing the member header a client sent, placed before the JWT filter: only the claim the
 * gateway copies from a valid token reaches the services under that name.
 */
export function stripHeaderConfig(header: string): Record<string, unknown> {
    return {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
        mutations: { request_mutations: [{ remove: header }] },
    };
}

export function localRateLimitConfig(share: RateLimitShare): Record<string, unknown> {
    const always = (runtimeKey: string) => ({ runtime_key: runtimeKey, default_value: { numerator: 100, denominator: "HUNDRED" } });
    return {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
        stat_prefix: "http_local_rate_limiter",
        token_bucket: { max_tokens: share.perReplica, tokens_per_fill: share.perReplica, fill_interval: "1s" },
        filter_enabled: always("local_rate_limit_enabled"),
        filter_enforced: always("local_rate_limit_enforced"),
        // 429 (envoy.type.v3.StatusCode TooManyRequests), Envoy's default, stated.
        status: { code: "TooManyRequests" },
        response_headers_to_add: [{ append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "x-local-rate-limit", value: "true" } }],
    };
}

// ---------------------------------------------------------------------------------------------
// Rules.
// ---------------------------------------------------------------------------------------------

/** CPU: millicores (`500m`) or cores (`1`, `1.5`). Kubernetes, "Resource units in Kubernetes". */
const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
/** Memory: bytes, or with a binary (Ki…Ti) or decimal (k…T) suffix. */
const MEMORY = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_FACTORS: Readonly<Record<string, number>> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Millicores of a CPU quantity, or undefined when it is not one. */
export function millicores(quantity: string): number | undefined {
    const match = CPU.exec(quantity);
    if (!match) {
        return undefined;
    }
    return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
}

/** Bytes of a memory quantity, or undefined when it is not one. */
export function bytes(quantity: string): number | undefined {
    const match = MEMORY.exec(quantity);
    return match ? Number(match[1]) * MEMORY_FACTORS[match[2] ?? ""] : undefined;
}

export function resourcesProblems(resources: Resources): Problem[] {
    const problems: Problem[] = [];
    for (const side of ["requests", "limits"] as const) {
        const { cpu, memory } = resources[side];
        if (millicores(cpu) === undefined || millicores(cpu) === 0) {
            problems.push({ path: [side, "cpu"], message: `${showValue(cpu)} is not a CPU quantity; use millicores ("500m") or cores ("1", "1.5")` });
        }
        if (bytes(memory) === undefined || bytes(memory) === 0) {
            problems.push({ path: [side, "memory"], message: `${showValue(memory)} is not a memory quantity; use Mi or Gi ("512Mi", "2Gi")` });
        }
    }
    const over = (kind: "cpu" | "memory", measure: (q: string) => number | undefined) => {
        const request = measure(resources.requests[kind]);
        const limit = measure(resources.limits[kind]);
        if (request && limit && request > limit) {
            problems.push({
                path: ["requests", kind],
                message: `${showValue(resources.requests[kind])} is more than limits.${kind} ${showValue(resources.limits[kind])}; a container's request cannot exceed its limit`,
            });
        }
    };
    over("cpu", millicores);
    over("memory", bytes);
    return problems;
}

/** A lowercase HTTP header name: an RFC 7230 token (section 3.2.6) within what Istio's RequestAuthentication accepts (`^[-_A-Za-z0-9]+$`). */
const HEADER_NAME = /^[a-z0-9_-]+$/;
/** A host an Istio Gateway serves: a lowercase DNS name, optionally a `*.` wildcard. */
const HOST = /^(\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An AuthorizationPolicy path: exact, or a prefix ending in `*` (istio.io, "Authorization Policy", Operation.paths). */
const PUBLIC_PATH = /^\/[^\s*]*\*?$/;

function httpsUrlProblem(value: string, what: string): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `${showValue(value)} is not a URL; ${what}`;
    }
    return url.protocol === "https:" && url.hostname !== "" ? undefined : `${showValue(value)} is not an https:// URL; ${what}`;
}

/** Whole number, 1 or more. */
function isCount(value: number): boolean {
    return Number.isInteger(value) && value >= 1;
}

/**
 * The settings' problems, at paths relative to platform:mesh (the config and the Mesh component's
 * arguments have the same shape). Prod's minimums are the block's rules.
 */
export function meshSettingsProblems(settings: MeshSettings): Problem[] {
    const problems: Problem[] = [];
    const at = (path: Path, message: string) => problems.push({ path, message });
    const { istiod, proxy, gateway, auth, rateLimit } = settings;

    for (const [key, replicas] of [["istiod", istiod.replicas], ["gateway", gateway.replicas]] as const) {
        if (!isCount(replicas)) {
            at([key, "replicas"], `${showValue(replicas)} is not a replica count; use a whole number, 1 or more`);
        }
    }
    for (const [key, resources] of [["istiod", istiod.resources], ["proxy", proxy.resources], ["gateway", gateway.resources]] as const) {
        problems.push(...resourcesProblems(resources).map((p) => ({ path: [key, "resources", ...p.path], message: p.message })));
    }

    if (gateway.hosts.length === 0) {
        at(["gateway", "hosts"], "is empty; name the hosts the ALB forwards to the gateway (e.g. api.example.com)");
    }
    gateway.hosts.forEach((host, i) => {
        if (!HOST.test(host)) {
            at(["gateway", "hosts", i], `${showValue(host)} is not a host name; use a lowercase DNS name, optionally starting with "*."`);
        } else if (gateway.hosts.indexOf(host) !== i) {
            at(["gateway", "hosts", i], `${showValue(host)} is listed twice`);
        }
    });

    const issuer = httpsUrlProblem(auth.issuer, "the issuer is the https URL tokens carry in iss");
    if (issuer) {
        at(["auth", "issuer"], issuer);
    }
    const jwks = httpsUrlProblem(auth.jwksUri, "istiod fetches the issuer's signing keys from it, over TLS only");
    if (jwks) {
        at(["auth", "jwksUri"], jwks);
    }
    if (auth.audiences.length === 0) {
        at(["auth", "audiences"], "is empty; list the audiences (aud) a token must carry, or any token of the issuer would do");
    }
    auth.audiences.forEach((audience, i) => {
        if (audience.trim() === "") {
            at(["auth", "audiences", i], "is empty");
        }
    });
    if (!HEADER_NAME.test(auth.memberHeader)) {
        at(
            ["auth", "memberHeader"],
            `${showValue(auth.memberHeader)} is not a lowercase header name; use lowercase letters, digits, hyphens and underscores (an RFC 7230 token Istio accepts), e.g. "x-member-id"`,
        );
    }
    if (!/^\S+$/.test(auth.memberClaim)) {
        at(["auth", "memberClaim"], `${showValue(auth.memberClaim)} is not a claim name; name one claim of the token, e.g. "sub"`);
    }
    auth.publicPaths.forEach((path, i) => {
        if (!PUBLIC_PATH.test(path)) {
            at(["auth", "publicPaths", i], `${showValue(path)} is not a path; start it with "/" (a trailing "*" makes it a prefix)`);
        } else if (auth.publicPaths.indexOf(path) !== i) {
            at(["auth", "publicPaths", i], `${showValue(path)} is listed twice`);
        }
    });

    const rps = rateLimit.requestsPerSecond;
    if (!isCount(rps)) {
        at(["rateLimit", "requestsPerSecond"], `${showValue(rps)} is not a rate; use a whole number of requests per second, 1 or more`);
    } else if (isCount(gateway.replicas) && rps < gateway.replicas) {
        at(
            ["rateLimit", "requestsPerSecond"],
            `${rps} is below the gateway's ${gateway.replicas} replicas: each replica's bucket holds at least 1 request per second, so ${gateway.replicas} would pass; raise it, or lower platform:mesh.gateway.replicas`,
        );
    }
    return problems;
}

/** Whether the pinned Istio supports `kubernetesVersion`; the message when it does not. */
export function kubernetesVersionProblem(kubernetesVersion: string): string | undefined {
    if (SUPPORTED_KUBERNETES.includes(kubernetesVersion)) {
        return undefined;
    }
    return (
        `${showValue(kubernetesVersion)} is not supported by Istio ${ISTIO_VERSION}, the mesh's pinned release, which supports Kubernetes ` +
        `${SUPPORTED_KUBERNETES.join(", ")} (istio.io, Supported Releases); choose one of those`
    );
}
