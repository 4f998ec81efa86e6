/**
 * Mesh — Istio on the stack's EKS cluster, one pinned release (istio.ts), and the ingress the ALB
 * reaches it through:
 *
 * - namespaces `istio-system` and `istio-ingress`;
 * - Helm releases `istio-base` (CRDs), `istiod` (after base) and `istio-ingressgateway` (after
 *   istiod, whose webhook injects its Envoy), the gateway's Service ClusterIP with fixed replicas;
 * - mesh-wide STRICT mTLS (PeerAuthentication `default` in istio-system);
 * - at the gateway: a RequestAuthentication (issuer, JWKS, audiences; a claim copied into a
 *   header, the token not forwarded), an AuthorizationPolicy refusing any request without a valid
 *   token except the public paths, an Istio `Gateway` on 8080 (HTTP: TLS ends at the ALB) for the
 *   hosts, and a local rate limit (EnvoyFilter) of ceil(total / replicas) per replica;
 * - a TargetGroupBinding per external target group of the ALB, once the gateway and its policies
 *   exist (no traffic reaches a gateway that would let it through unchecked).
 *
 * Every Kubernetes object goes through the cluster's provider; every custom resource waits for the
 * release that installs its CRD (base) and for istiod (which validates it).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem, showValue } from "../../../lib/problems";
import { ExternalTarget, kubernetesSdk } from "../../compute/eks/contract";
import {
    GATEWAY_CONTAINER_PORT,
    GATEWAY_NAME,
    GATEWAY_RELEASE,
    GATEWAY_SELECTOR,
    GATEWAY_SERVICE_PORT,
    GATEWAY_STATUS_PORT,
    ISTIO_CHARTS,
    ISTIO_CHART_REPOSITORY,
    ISTIO_INGRESS,
    ISTIO_SYSTEM,
    ISTIO_VERSION,
    MeshSettings,
    RateLimitShare,
    baseValues,
    gatewayValues,
    istiodValues,
    kubernetesVersionProblem,
    localRateLimitConfig,
    stripHeaderConfig,
    meshSettingsProblems,
    rateLimitShare,
} from "./istio";

export interface MeshArgs extends ComponentBaseArgs, MeshSettings {
    /** The cluster's Kubernetes provider: every object and release is created with it. */
    provider: k8s.Provider;
    /** The cluster's Kubernetes version (`1.35`): the pinned Istio must support it. */
    kubernetesVersion: string;
    /** What a release must wait for besides the provider (the node group: no pod schedules before it). @default [] */
    ready?: readonly pulumi.Resource[];
    /** The ALB's target groups to bind to the gateway's pods (port 8080, health on 15021). @default [] */
    targets?: readonly ExternalTarget[];
    /** What a TargetGroupBinding waits for besides the gateway: the AWS Load Balancer Controller's release (its CRD and webhook). @default [] */
    bindingsDependOn?: readonly pulumi.Resource[];
}

/** A Kubernetes object name (RFC 1123 label: lowercase letters, digits, hyphens, at most 63). */
const OBJECT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function meshProblems(args: Pick<MeshArgs, keyof MeshSettings | "kubernetesVersion" | "targets">): Problem[] {
    const problems = meshSettingsProblems(args);
    const version = kubernetesVersionProblem(args.kubernetesVersion);
    if (version) {
        problems.push({ path: ["kubernetesVersion"], message: version });
    }
    (args.targets ?? []).forEach((target, i) => {
        if (!OBJECT_NAME.test(target.name)) {
            problems.push({ path: ["targets", i, "name"], message: `${showValue(target.name)} cannot name a TargetGroupBinding; use lowercase letters, digits and hyphens (at most 63)` });
        }
        if (target.port !== GATEWAY_CONTAINER_PORT) {
            problems.push({ path: ["targets", i, "port"], message: `${target.port} is not the gateway's port; its pods listen on ${GATEWAY_CONTAINER_PORT}` });
        }
        if (target.healthCheckPort !== GATEWAY_STATUS_PORT) {
            problems.push({ path: ["targets", i, "healthCheckPort"], message: `${target.healthCheckPort} is not the gateway's status port; health-check ${GATEWAY_STATUS_PORT}` });
        }
        if ((args.targets ?? []).findIndex((t) => t.name === target.name) !== i) {
            problems.push({ path: ["targets", i, "name"], message: `${showValue(target.name)} is bound twice` });
        }
    });
    return problems;
}

export class Mesh extends PlatformComponent {
    /** The pinned Istio release of every chart. */
    public readonly istioVersion: string;
    /** How the rate limit divides among the gateway's replicas. */
    public readonly rateLimit: RateLimitShare;
    public readonly baseRelease: k8s.helm.v3.Release;
    public readonly istiodRelease: k8s.helm.v3.Release;
    public readonly gatewayRelease: k8s.helm.v3.Release;
    /** What an Istio resource (or anything in istio-system) waits for: base (the CRDs) and istiod (their validation). */
    public readonly controlPlane: readonly pulumi.Resource[];
    /** The gateway's policies, Gateway and rate limit: what must exist before traffic reaches it. */
    public readonly gatewayPolicies: readonly k8s.apiextensions.CustomResource[];
    /** The TargetGroupBindings by target name. */
    public readonly bindings: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:kubernetes:Mesh", name, { ...args, component: "mesh", problems: meshProblems(args) }, opts);
        const k8sSdk = kubernetesSdk();
        const provider = args.provider;
        const ready = [...(args.ready ?? [])];
        const labels = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": args.naming.stem };
        const child = (dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({ parent: this, provider, dependsOn });

        const systemNamespace = new k8sSdk.core.v1.Namespace(`${name}-istio-system`, { metadata: { name: ISTIO_SYSTEM, labels } }, child());
        const ingressNamespace = new k8sSdk.core.v1.Namespace(`${name}-istio-ingress`, { metadata: { name: ISTIO_INGRESS, labels } }, child());

        const release = (key: string, releaseName: string, chart: string, namespace: k8s.core.v1.Namespace, values: object, dependsOn: pulumi.Resource[]) =>
            new k8sSdk.helm.v3.Release(
                `${name}-${key}`,
                {
                    name: releaseName,
                    chart,
                    version: ISTIO_VERSION,
                    repositoryOpts: { repo: ISTIO_CHART_REPOSITORY },
                    namespace: namespace.metadata.name,
                    createNamespace: false,
                    values,
                    // A failed install or upgrade rolls back rather than leaving half a control plane.
                    atomic: true,
                    cleanupOnFail: true,
                    maxHistory: 10,
                },
                child([namespace, ...dependsOn]),
            );
        const base = release("base", "istio-base", ISTIO_CHARTS.base, systemNamespace, baseValues(), []);
        const istiod = release("istiod", "istiod", ISTIO_CHARTS.istiod, systemNamespace, istiodValues(args), [base, ...ready]);
        // After istiod: its webhook injects the gateway's Envoy (the pods run the `auto` image until then).
        const gateway = release("gateway", GATEWAY_RELEASE, ISTIO_CHARTS.gateway, ingressNamespace, gatewayValues(args.gateway), [istiod, ...ready]);

        // Custom resources: base installs their CRDs, istiod validates them.
        const resource = (key: string, apiVersion: string, kind: string, namespace: k8s.core.v1.Namespace, objectName: string, spec: Record<string, unknown>) =>
            new k8sSdk.apiextensions.CustomResource(
                `${name}-${key}`,
                { apiVersion, kind, metadata: { name: objectName, namespace: namespace.metadata.name, labels }, spec },
                child([namespace, base, istiod]),
            );

        resource("peer-authentication", "security.istio.io/v1", "PeerAuthentication", systemNamespace, "default", { mtls: { mode: "STRICT" } });

        const selector = { matchLabels: { ...GATEWAY_SELECTOR } };
        const { auth } = args;
        const requestAuthentication = resource("request-authentication", "security.istio.io/v1", "RequestAuthentication", ingressNamespace, "jwt", {
            selector,
            jwtRules: [
                {
                    issuer: auth.issuer,
                    jwksUri: auth.jwksUri,
                    audiences: [...auth.audiences],
                    outputClaimToHeaders: [{ header: auth.memberHeader, claim: auth.memberClaim }],
                    forwardOriginalToken: false,
                },
            ],
        });
        // A RequestAuthentication refuses an invalid token but lets a request without one through:
        // this refuses those, except on the public paths.
        const requireToken = resource("require-token", "security.istio.io/v1", "AuthorizationPolicy", ingressNamespace, "require-jwt", {
            selector,
            action: "DENY",
            rules: [
                {
                    from: [{ source: { notRequestPrincipals: ["*"] } }],
                    // A browser's CORS preflight (OPTIONS) never carries a token: the JWT filter lets
                    // it through, the authorization filter would not (istio/istio#45716, #36911),
                    // and the VirtualService's corsPolicy answers it at the gateway.
                    to: [{ operation: { notMethods: ["OPTIONS"], ...(auth.publicPaths.length > 0 ? { notPaths: [...auth.publicPaths] } : {}) } }],
                },
            ],
        });
        const istioGateway = resource("gateway-resource", "networking.istio.io/v1", "Gateway", ingressNamespace, GATEWAY_NAME, {
            selector: { ...GATEWAY_SELECTOR },
            // 8080 is no port of the gateway's Service, so istiod binds it as is: the container port the Service's 80 targets.
            servers: [{ port: { number: GATEWAY_CONTAINER_PORT, name: "http", protocol: "HTTP" }, hosts: [...args.gateway.hosts] }],
        });

        this.rateLimit = rateLimitShare(args.rateLimit.requestsPerSecond, args.gateway.replicas);
        const rateLimitFilter = resource("rate-limit", "networking.istio.io/v1alpha3", "EnvoyFilter", ingressNamespace, "local-rate-limit", {
            workloadSelector: { labels: { ...GATEWAY_SELECTOR } },
            configPatches: [
                {
                    applyTo: "HTTP_FILTER",
                    match: { context: "GATEWAY", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
                    // First: every request takes a token, a flood of token-less ones too.
                    patch: { operation: "INSERT_FIRST", value: { name: "envoy.filters.http.local_ratelimit", typed_config: localRateLimitConfig(this.rateLimit) } },
                },
            ],
        });
        // A client's own member header never reaches the services: removed before the JWT filter writes the token's claim.
        const stripMemberHeader = resource("strip-member-header", "networking.istio.io/v1alpha3", "EnvoyFilter", ingressNamespace, "strip-member-header", {
            workloadSelector: { labels: { ...GATEWAY_SELECTOR } },
            configPatches: [
                {
                    applyTo: "HTTP_FILTER",
                    match: {
                        context: "GATEWAY",
                        listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.jwt_authn" } } } },
                    },
                    patch: { operation: "INSERT_BEFORE", value: { name: "envoy.filters.http.header_mutation", typed_config: stripHeaderConfig(auth.memberHeader) } },
                },
            ],
        });
        this.gatewayPolicies = [requestAuthentication, requireToken, istioGateway, rateLimitFilter, stripMemberHeader];

        const bindings: Record<string, k8s.apiextensions.CustomResource> = {};
        for (const target of args.targets ?? []) {
            bindings[target.name] = new k8sSdk.apiextensions.CustomResource(
                `${name}-binding-${target.name}`,
                {
                    apiVersion: "elbv2.k8s.aws/v1beta1",
                    kind: "TargetGroupBinding",
                    metadata: { name: target.name, namespace: ingressNamespace.metadata.name, labels },
                    spec: {
                        // The Service's 80 maps to the pods' 8080: the controller registers pod IPs on 8080.
                        serviceRef: { name: GATEWAY_RELEASE, port: GATEWAY_SERVICE_PORT },
                        targetGroupARN: target.targetGroupArn,
                        targetType: "ip",
                        // No `networking`: this program manages the ALB's and the nodes' security groups; the controller edits none.
                    },
                },
                child([ingressNamespace, gateway, ...this.gatewayPolicies, ...(args.bindingsDependOn ?? [])]),
            );
        }

        this.istioVersion = ISTIO_VERSION;
        this.baseRelease = base;
        this.istiodRelease = istiod;
        this.gatewayRelease = gateway;
        this.controlPlane = [base, istiod];
        this.bindings = bindings;
        this.registerOutputs({ istioVersion: this.istioVersion, rateLimit: this.rateLimit });
    }
}
