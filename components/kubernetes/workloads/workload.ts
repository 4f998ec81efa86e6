/**
 * A workload of the mesh as pure data: its settings, the defaults, the Istio and Kubernetes facts
 * the objects are made of (each with its source), and the rules one workload must satisfy on its
 * own. The component (mesh-workload.ts) and the block's rules share them.
 */
import { DNS_NAME, Naming, nameProblem } from "../../../lib/naming";
import { Path, Problem, showValue } from "../../../lib/problems";
import { imageTagProblem } from "../../compute/services/container";
import { cpuMillis, cpuProblem, memoryMi, memoryProblem } from "./capacity";

export interface Autoscaling {
    /** Fewest replicas the HorizontalPodAutoscaler keeps. */
    readonly min: number;
    /** Most replicas it may run. */
    readonly max: number;
    /** Average CPU utilization of the app container it keeps, % of its CPU request. */
    readonly cpuTarget: number;
}

/** Requests (and limits) of a container. Memory's limit is its request: a pod never runs on memory the node did not set aside for it. */
export interface Resources {
    /** CPU request: the scheduler's and the autoscaler's measure (`250m`). */
    readonly cpu: string;
    /** Memory request and limit (`512Mi`). */
    readonly memory: string;
    /** CPU limit; absent: none, the container may use idle CPU of its node. */
    readonly cpuLimit?: string;
    /** Memory limit, where it may differ from the request (a sidecar inheriting the mesh's proxy resources). @default memory */
    readonly memoryLimit?: string;
}

export interface Probes {
    /** Path of the readiness probe: traffic only to a pod that answers 2xx/3xx. */
    readonly readiness: string;
    /** Path of the liveness probe: the kubelet restarts a container that stops answering. */
    readonly liveness: string;
    /** Seconds a container may take to answer its liveness path the first time (the startup probe). */
    readonly startupSeconds: number;
}

export interface Cors {
    /** Exact origins, `https://<host>[:<port>]`. */
    readonly allowOrigins: readonly string[];
    readonly allowMethods: readonly string[];
    /** Lowercase header names. */
    readonly allowHeaders: readonly string[];
    readonly exposeHeaders: readonly string[];
    readonly maxAgeSeconds: number;
    readonly allowCredentials: boolean;
}

export interface Retries {
    /** Retries after the first try (0: none). */
    readonly attempts: number;
    /** Timeout of each try, Istio duration (`2s`). */
    readonly perTryTimeout: string;
    /** Envoy retry conditions, none that retries a request the service may have processed. */
    readonly retryOn: readonly string[];
}

export interface CircuitBreaker {
    /** Connections the sidecars of the callers (the gateway's) open to the service, at most. */
    readonly maxConnections: number;
    /** Requests waiting for a connection, at most; more are refused with 503. */
    readonly maxPendingRequests: number;
    /** 5xx answers in a row that eject a pod from the load balancing pool. */
    readonly consecutive5xxErrors: number;
    /** How often the ejections are reviewed (Istio duration). */
    readonly interval: string;
    /** How long a pod stays out the first time (Istio duration; longer each time). */
    readonly baseEjectionTime: string;
    /** % of the pods that may be out at once. */
    readonly maxEjectionPercent: number;
}

/** One workload as the component takes it (the block's resolved config has these and `connectsTo`). */
export interface WorkloadSpec {
    /** ECR repository of the account stack, by name. */
    readonly repository: string;
    /** A version tag (not `latest`) or a `sha256:` digest. */
    readonly imageTag: string;
    readonly port: number;
    readonly namespace: string;
    /** A fixed count; exclusive with autoscaling. */
    readonly replicas?: number;
    readonly autoscaling?: Autoscaling;
    readonly resources: Resources;
    /** The Istio sidecar's (istio-proxy) requests and limits, set through its annotations. */
    readonly sidecar: Resources;
    readonly probes: Probes;
    readonly cors?: Cors;
    readonly retries: Retries;
    readonly circuitBreaker: CircuitBreaker;
    /** The VirtualService's hosts: names the mesh's gateway serves. */
    readonly hosts: readonly string[];
    /** The uid the app runs as (not root, not the sidecar's). */
    readonly runAsUser: number;
}

/** What a workload gets when config does not say. */
export const WORKLOAD_DEFAULTS = {
    port: 8080,
    autoscaling: { min: 2, max: 10, cpuTarget: 70 },
    resources: { cpu: "250m", memory: "512Mi" },
    /** The istio-proxy requests of Istio's default install (values global.proxy.resources.requests). */
    sidecar: { cpu: "100m", memory: "128Mi" },
    /** Spring Boot's health groups (Actuator, `management.endpoint.health.probes.enabled`). */
    probes: { readiness: "/actuator/health/readiness", liveness: "/actuator/health/liveness", startupSeconds: 150 },
    cors: {
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        allowHeaders: ["authorization", "content-type", "idempotency-key"],
        exposeHeaders: [] as string[],
        maxAgeSeconds: 86_400,
        allowCredentials: false,
    },
    retries: { attempts: 3, perTryTimeout: "2s", retryOn: ["connect-failure", "refused-stream", "unavailable", "cancelled", "reset"] },
    circuitBreaker: { maxConnections: 100, maxPendingRequests: 100, consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
    runAsUser: 1000,
} as const;

/** The header a client sends to make a POST (or PATCH) safe to retry: the service answers a repeat with the first answer. */
export const IDEMPOTENCY_HEADER = "idempotency-key";

/** Methods that are not idempotent (RFC 9110 §9.2.2; PATCH, RFC 5789 §2): retried only with an Idempotency-Key. */
export const NON_IDEMPOTENT_METHODS = ["POST", "PATCH"] as const;

/**
 * Envoy retry conditions a workload may use (https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-retry-on
 * and #x-envoy-retry-grpc-on): the connection failed or was refused before the service saw the
 * request, the stream was reset, or gRPC said unavailable / cancelled.
 */
export const SAFE_RETRY_ON = ["connect-failure", "refused-stream", "reset", "reset-before-request", "unavailable", "cancelled"] as const;

/** Conditions that retry answers the service gave: the request may have done its work already. */
const ANSWERED_RETRY_ON = ["5xx", "gateway-error", "retriable-4xx", "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "deadline-exceeded", "internal", "resource-exhausted"];

/**
 * Ports the Istio sidecar listens on in every pod (Istio, "Application Requirements", Ports used
 * by Istio: https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio):
 * an app on one of them would clash with the proxy.
 */
export const ISTIO_PORTS = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090] as const;

/** The uid of istio-proxy: traffic of this user is not redirected through the sidecar (no mTLS, no policy). */
export const ISTIO_PROXY_UID = 1337;

/**
 * The sidecar's resources are set per pod through these annotations (Istio, "Resource
 * Annotations": https://istio.io/latest/docs/reference/config/annotations/).
 */
export const SIDECAR_ANNOTATIONS = {
    cpu: "sidecar.istio.io/proxyCPU",
    cpuLimit: "sidecar.istio.io/proxyCPULimit",
    memory: "sidecar.istio.io/proxyMemory",
    memoryLimit: "sidecar.istio.io/proxyMemoryLimit",
} as const;

/** Kubernetes' namespaces and the platform's own: a workload gets a namespace of its own, created with injection on. */
const SYSTEM_NAMESPACES = ["default", "istio-system", "istio-ingress", "amazon-cloudwatch", "monitoring", "kiali-operator"];

/**
 * A workload's name: a DNS-1035 label (a Service's name: lowercase letters, digits and hyphens,
 * starting with a letter), at most 40 characters (a pod identity's name, EksCluster.podIdentity).
 */
const WORKLOAD_NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** A DNS-1123 label (a namespace's name). */
const DNS_1123_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** An HTTP field name (RFC 9110 §5.1: a token, RFC 9110 §5.6.2). */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Istio's duration: a whole number of h, m, s or ms. */
const DURATION = /^(\d+)(h|m|s|ms)$/;
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Browsers cap a preflight's cache: Firefox at 24 hours, Chromium at 2 (https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Max-Age). */
const MAX_PREFLIGHT_AGE = 86_400;
/** More retries than this multiply an outage's load rather than ride over a blip. */
const MAX_RETRY_ATTEMPTS = 5;

/** Milliseconds of an Istio duration, or undefined. */
export function durationMs(duration: string): number | undefined {
    const match = DURATION.exec(duration);
    if (!match) {
        return undefined;
    }
    const factor = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[match[2] as "h" | "m" | "s" | "ms"];
    return Number(match[1]) * factor;
}

/** The `version` label of an image tag: the tag, or for a digest `sha256-<first 12 hex>` (a label value has no `:`). */
export function versionLabel(imageTag: string): string {
    if (imageTag.startsWith("sha256:")) {
        return `sha256-${imageTag.slice("sha256:".length, "sha256:".length + 12)}`;
    }
    return imageTag.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "unknown";
}

/** The Kubernetes names of a workload: its objects, its service account, its in-cluster host. */
export function clusterHost(key: string, namespace: string): string {
    return `${key}.${namespace}.svc.cluster.local`;
}

/** The pod identity role's name of workload `key`: `<prefix>-<env>-<key>`. */
export function workloadRoleName(naming: Naming, key: string): string {
    return naming.format("scoped", key);
}

/** A pod's requests (app + sidecar), for the capacity rule; undefined when a quantity is not one. */
export function podRequests(spec: Pick<WorkloadSpec, "resources" | "sidecar">): { cpuMillis: number; memoryMi: number } | undefined {
    const cpu = [spec.resources.cpu, spec.sidecar.cpu].map(cpuMillis);
    const memory = [spec.resources.memory, spec.sidecar.memory].map(memoryMi);
    if ([...cpu, ...memory].some((v) => v === undefined)) {
        return undefined;
    }
    return { cpuMillis: cpu[0]! + cpu[1]!, memoryMi: memory[0]! + memory[1]! };
}

/** The most replicas a workload runs: its autoscaler's maximum, or its fixed count. */
export function maxReplicas(spec: Pick<WorkloadSpec, "replicas" | "autoscaling">): number {
    return spec.autoscaling?.max ?? spec.replicas ?? 1;
}

function resourcesProblems(resources: Resources, what: string): Problem[] {
    const problems: Problem[] = [];
    const cpu = cpuProblem(resources.cpu);
    if (cpu) {
        problems.push({ path: ["cpu"], message: `${cpu}; ${what}` });
    }
    const memory = memoryProblem(resources.memory);
    if (memory) {
        problems.push({ path: ["memory"], message: memory });
    }
    if (resources.memoryLimit !== undefined) {
        const limit = memoryProblem(resources.memoryLimit);
        if (limit) {
            problems.push({ path: ["memoryLimit"], message: limit });
        } else if (!memory && memoryMi(resources.memoryLimit)! < memoryMi(resources.memory)!) {
            problems.push({ path: ["memoryLimit"], message: `${showValue(resources.memoryLimit)} is below the request (${showValue(resources.memory)}); a limit is at least the request` });
        }
    }
    if (resources.cpuLimit !== undefined) {
        const limit = cpuProblem(resources.cpuLimit);
        if (limit) {
            problems.push({ path: ["cpuLimit"], message: limit });
        } else if (!cpu && cpuMillis(resources.cpuLimit)! < cpuMillis(resources.cpu)!) {
            problems.push({ path: ["cpuLimit"], message: `${showValue(resources.cpuLimit)} is below the request (${showValue(resources.cpu)}); a limit is at least the request` });
        }
    }
    return problems;
}

function durationProblem(duration: string, what: string): string | undefined {
    const ms = durationMs(duration);
    if (ms === undefined) {
        return `${showValue(duration)} is not a duration; use a whole number of h, m, s or ms (\`2s\`, \`500ms\`), as Istio writes them`;
    }
    if (ms < 1) {
        return `${showValue(duration)} is no time at all; ${what} is at least 1ms`;
    }
    return undefined;
}

/** Why `origin` is not an exact HTTPS origin, or undefined. */
export function originProblem(origin: string): string | undefined {
    if (origin.includes("*")) {
        return `${showValue(origin)} is a wildcard; list exact origins (https://<host>[:<port>]): any site could otherwise call the API from its users' browsers`;
    }
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]+)(?::(\d{1,5}))?(\/?.*)$/i.exec(origin);
    if (!match || match[1] !== "https") {
        return `${showValue(origin)} is not an https:// origin; browsers send the page's origin, https://<host>[:<port>], and the API is served over HTTPS only`;
    }
    const [, , host, port, rest] = match;
    if (rest !== "") {
        return `${showValue(origin)} has a path; an origin is https://<host>[:<port>] with nothing after it (no trailing slash)`;
    }
    if (!DNS_NAME.test(host)) {
        return `${showValue(origin)} does not name a host as browsers send it (a lowercase DNS name, e.g. https://app.example.com)`;
    }
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535 || port === "443")) {
        return port === "443"
            ? `${showValue(origin)} names the default port; browsers send https://<host> without :443, so it would never match`
            : `${showValue(origin)} has no valid port; use 1–65535`;
    }
    return undefined;
}

/** Why `name` is not a lowercase HTTP header name, or undefined. */
export function headerNameProblem(name: string): string | undefined {
    if (!HEADER_TOKEN.test(name)) {
        return `${showValue(name)} is not a header name; use an RFC 7230 token (letters, digits and !#$%&'*+-.^_\`|~, no spaces or colons)`;
    }
    if (name !== name.toLowerCase()) {
        return `${showValue(name)} is not lowercase; write header names in lowercase (${showValue(name.toLowerCase())}), as HTTP/2 sends them and Istio matches them`;
    }
    return undefined;
}

function corsProblems(cors: Cors): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    if (cors.allowOrigins.length === 0) {
        report(["allowOrigins"], "is empty; list the exact origins of the sites that call the API (https://<host>), or leave cors out");
    }
    cors.allowOrigins.forEach((origin, i) => {
        const problem = originProblem(origin);
        if (problem) {
            report(["allowOrigins", i], problem);
        } else if (cors.allowOrigins.indexOf(origin) !== i) {
            report(["allowOrigins", i], `${showValue(origin)} is listed twice`);
        }
    });
    cors.allowMethods.forEach((method, i) => {
        if (!HTTP_METHODS.includes(method)) {
            report(["allowMethods", i], `${showValue(method)} is not an HTTP method; use ${HTTP_METHODS.join(", ")} (uppercase)`);
        }
    });
    for (const field of ["allowHeaders", "exposeHeaders"] as const) {
        cors[field].forEach((name, i) => {
            const problem = headerNameProblem(name);
            if (problem) {
                report([field, i], problem);
            }
        });
    }
    if (!Number.isInteger(cors.maxAgeSeconds) || cors.maxAgeSeconds < 0 || cors.maxAgeSeconds > MAX_PREFLIGHT_AGE) {
        report(["maxAgeSeconds"], `${cors.maxAgeSeconds} is outside 0–${MAX_PREFLIGHT_AGE} seconds (browsers keep a preflight 24 hours at most)`);
    }
    return problems;
}

function retriesProblems(retries: Retries): Problem[] {
    const problems: Problem[] = [];
    if (!Number.isInteger(retries.attempts) || retries.attempts < 0 || retries.attempts > MAX_RETRY_ATTEMPTS) {
        problems.push({ path: ["attempts"], message: `${retries.attempts} is outside 0–${MAX_RETRY_ATTEMPTS} (whole retries after the first try; more multiply an outage's load)` });
    }
    const timeout = durationProblem(retries.perTryTimeout, "a try");
    if (timeout) {
        problems.push({ path: ["perTryTimeout"], message: timeout });
    }
    if (retries.attempts > 0 && retries.retryOn.length === 0) {
        problems.push({ path: ["retryOn"], message: `is empty; give the conditions to retry on (${SAFE_RETRY_ON.join(", ")}), or set attempts: 0` });
    }
    retries.retryOn.forEach((condition, i) => {
        if ((SAFE_RETRY_ON as readonly string[]).includes(condition)) {
            if (retries.retryOn.indexOf(condition) !== i) {
                problems.push({ path: ["retryOn", i], message: `${showValue(condition)} is listed twice` });
            }
        } else if (ANSWERED_RETRY_ON.includes(condition) || /^\d{3}$/.test(condition)) {
            problems.push({
                path: ["retryOn", i],
                message: `${showValue(condition)} retries a request the service answered, which may have done its work already (a point earned twice); retry only on ${SAFE_RETRY_ON.join(", ")}`,
            });
        } else {
            problems.push({ path: ["retryOn", i], message: `${showValue(condition)} is not a retry condition; use ${SAFE_RETRY_ON.join(", ")}` });
        }
    });
    return problems;
}

function circuitBreakerProblems(breaker: CircuitBreaker): Problem[] {
    const problems: Problem[] = [];
    for (const field of ["maxConnections", "maxPendingRequests", "consecutive5xxErrors"] as const) {
        if (!Number.isInteger(breaker[field]) || breaker[field] < 1) {
            problems.push({ path: [field], message: `${breaker[field]} is not a count; use a whole number, 1 or more` });
        }
    }
    for (const field of ["interval", "baseEjectionTime"] as const) {
        const problem = durationProblem(breaker[field], field);
        if (problem) {
            problems.push({ path: [field], message: problem });
        }
    }
    if (!Number.isInteger(breaker.maxEjectionPercent) || breaker.maxEjectionPercent < 1 || breaker.maxEjectionPercent > 100) {
        problems.push({ path: ["maxEjectionPercent"], message: `${breaker.maxEjectionPercent} is outside 1–100 (a whole percentage of the pods)` });
    }
    return problems;
}

/** Why `host` cannot be a VirtualService host of the gateway, or undefined. */
export function hostProblem(host: string): string | undefined {
    const name = host.startsWith("*.") ? host.slice(2) : host;
    if (!DNS_NAME.test(name)) {
        return `${showValue(host)} is not a host name; use a lowercase DNS name (api.example.com) or a wildcard of one (*.example.com)`;
    }
    return undefined;
}

/** Why `namespace` cannot hold a workload, or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
    if (!DNS_1123_LABEL.test(namespace)) {
        return `${showValue(namespace)} is not a namespace name; use up to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit`;
    }
    if (namespace.startsWith("kube-") || SYSTEM_NAMESPACES.includes(namespace)) {
        return `${showValue(namespace)} is a system namespace; the workloads get a namespace of their own, created with sidecar injection on`;
    }
    return undefined;
}

/**
 * Every rule one workload must satisfy on its own, paths relative to the workload. A name
 * Kubernetes or IAM refuses is reported at the workload (path []).
 */
export function workloadProblems(key: string, spec: WorkloadSpec, naming: Naming): Problem[] {
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });
    const nested = (prefix: Path, inner: readonly Problem[]) => inner.forEach((p) => report([...prefix, ...p.path], p.message));

    if (!WORKLOAD_NAME.test(key)) {
        report([], `${showValue(key)} is not a workload name; it names the Deployment, the Service, its host and its pod identity: up to 40 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`);
    } else {
        const role = nameProblem("iamRole", workloadRoleName(naming, key));
        if (role) {
            report([], `makes a name AWS refuses for its pod identity role: ${role}; shorten the workload's name or platform:name`);
        }
    }
    const repository = nameProblem("ecrRepository", spec.repository);
    if (repository) {
        report(["repository"], repository);
    }
    const tag = imageTagProblem(spec.imageTag);
    if (tag) {
        report(["imageTag"], tag);
    }
    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65_535) {
        report(["port"], `${spec.port} is not a port; use 1–65535`);
    } else if ((ISTIO_PORTS as readonly number[]).includes(spec.port)) {
        report(["port"], `${spec.port} is a port of the Istio sidecar in every pod (${ISTIO_PORTS.join(", ")}); the app listens on another`);
    }
    const namespace = namespaceProblem(spec.namespace);
    if (namespace) {
        report(["namespace"], namespace);
    }

    if (spec.replicas !== undefined) {
        if (spec.autoscaling !== undefined) {
            report(["replicas"], "is set beside autoscaling; the autoscaler owns the Deployment's replicas and a fixed count would fight it: give one of them");
        } else if (!Number.isInteger(spec.replicas) || spec.replicas < 1) {
            report(["replicas"], `${spec.replicas} is not a replica count; use a whole number, 1 or more`);
        }
    }
    if (spec.autoscaling) {
        const { min, max, cpuTarget } = spec.autoscaling;
        if (!Number.isInteger(min) || min < 1) {
            report(["autoscaling", "min"], `${min} is below 1; the autoscaler keeps at least one replica (a whole number)`);
        }
        if (!Number.isInteger(max) || max < Math.max(1, min)) {
            report(["autoscaling", "max"], `${max} is below min (${min}); the autoscaler scales between 1 ≤ min ≤ max (whole numbers)`);
        }
        if (!Number.isInteger(cpuTarget) || cpuTarget < 1 || cpuTarget > 100) {
            report(["autoscaling", "cpuTarget"], `${cpuTarget} is outside 1–100; the target is a whole percentage of the app's CPU request`);
        }
    }
    nested(["resources"], resourcesProblems(spec.resources, "the autoscaler measures utilization against the CPU request and the scheduler places pods by it"));
    nested(["sidecar"], resourcesProblems(spec.sidecar, "the scheduler places pods by the sidecar's CPU request too"));

    for (const probe of ["readiness", "liveness"] as const) {
        const path = spec.probes[probe];
        if (!path.startsWith("/") || /\s/.test(path)) {
            report(["probes", probe], `${showValue(path)} is not a path; give the HTTP path the app answers on, starting with /`);
        }
    }
    if (!Number.isInteger(spec.probes.startupSeconds) || spec.probes.startupSeconds < 10 || spec.probes.startupSeconds > 600) {
        report(["probes", "startupSeconds"], `${spec.probes.startupSeconds} is outside 10–600 seconds (whole seconds the app may take to start)`);
    }
    if (spec.cors) {
        nested(["cors"], corsProblems(spec.cors));
    }
    nested(["retries"], retriesProblems(spec.retries));
    nested(["circuitBreaker"], circuitBreakerProblems(spec.circuitBreaker));

    if (spec.hosts.length === 0) {
        report(["hosts"], "is empty; give the host names the gateway serves this workload on (the VirtualService's hosts)");
    }
    spec.hosts.forEach((host, i) => {
        const problem = hostProblem(host);
        if (problem) {
            report(["hosts", i], problem);
        } else if (spec.hosts.indexOf(host) !== i) {
            report(["hosts", i], `${showValue(host)} is listed twice`);
        }
    });
    if (!Number.isInteger(spec.runAsUser) || spec.runAsUser < 1) {
        report(["runAsUser"], `${spec.runAsUser} is not a non-root uid; use a whole number, 1 or more`);
    } else if (spec.runAsUser === ISTIO_PROXY_UID) {
        report(["runAsUser"], `${ISTIO_PROXY_UID} is the Istio sidecar's uid, whose traffic the sidecar does not capture (it would leave without mTLS or policy); use another`);
    }
    return problems;
}
