/**
 * The mesh block (`platform:mesh`): Istio in the EKS cluster of platform:eks (Mesh, mesh.ts) at one
 * pinned release (istio.ts): istiod, an ingress gateway the ALB reaches through TargetGroupBindings,
 * mesh-wide STRICT mTLS, token authentication at the gateway and a local rate limit there.
 *
 * It binds every external target group the ALB block publishes on `EXTERNAL_TARGETS` to the
 * gateway's pods, once the AWS Load Balancer Controller (platform:loadBalancerController) is
 * installed. The ALB block opens its flows to `eks-nodes` on the gateway's ports.
 *
 * For the blocks after it: the workloads block labels its namespace with INJECTION_LABEL, binds
 * its VirtualServices to GATEWAY_REF and allows GATEWAY_PRINCIPAL; whatever creates Istio
 * resources or lives in istio-system waits for `controlPlane`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Problem, showValue } from "../../../lib/problems";
import { BuildContext, ConfigView, PerEnv, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { EXTERNAL_TARGETS } from "../../compute/eks/contract";
import { eksBlock } from "../../compute/eks/block";
import { KUBERNETES_VERSIONS } from "../../compute/eks/versions";
import { blueGreenAlbBlock } from "../../traffic/blue-green-alb/block";
import { loadBalancerControllerBlock } from "../load-balancer-controller/block";
import {
    GATEWAY_CONTAINER_PORT,
    GATEWAY_READINESS_PATH,
    GATEWAY_REF,
    GATEWAY_STATUS_PORT,
    ISTIO_VERSION,
    MeshSettings,
    kubernetesVersionProblem,
    meshSettingsProblems,
    rateLimitShare,
    roundedRateNote,
} from "./istio";
import { Mesh } from "./mesh";

export {
    GATEWAY_PRINCIPAL,
    GATEWAY_REF,
    INJECTION_LABEL,
    ISTIO_INGRESS,
    ISTIO_SYSTEM,
} from "./istio";

/** What the mesh gets when config does not say. */
export const MESH_DEFAULTS = {
    /** istiod's replicas: one in dev, two in prod (one survives a node's loss). */
    istiodReplicas: { dev: 1, prod: 2 } as PerEnv<number>,
    gatewayReplicas: 2,
    requestsPerSecond: 1000,
    memberHeader: "x-member-id",
    memberClaim: "sub",
    publicPaths: ["/healthz", "/health"],
    istiodResources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
    proxyResources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } },
    gatewayResources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
} as const;

/** The fewest replicas prod runs of istiod and of the gateway. */
export const PROD_MIN_REPLICAS = 2;

function resourcesSchema(what: string, defaults: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }) {
    const side = (which: "requests" | "limits", values: { cpu: string; memory: string }) =>
        z
            .strictObject({
                cpu: z.string().default(values.cpu).describe(`CPU ${which === "requests" ? "reserved" : "at most"}: millicores (\`500m\`) or cores (\`1\`).`),
                memory: z.string().default(values.memory).describe(`Memory ${which === "requests" ? "reserved" : "at most"}: \`512Mi\`, \`2Gi\`.`),
            })
            .prefault({})
            .describe(`${what}'s ${which}.`);
    return z
        .strictObject({ requests: side("requests", defaults.requests), limits: side("limits", defaults.limits) })
        .prefault({})
        .describe(`${what}'s CPU and memory (Kubernetes quantities); a request may not exceed its limit.`);
}

function meshSchema(env: keyof PerEnv<number>) {
    return z
        .strictObject({
            istiod: z
                .strictObject({
                    replicas: z.number().default(MESH_DEFAULTS.istiodReplicas[env]).describe(`istiod's replicas (fixed, no autoscaling); prod at least ${PROD_MIN_REPLICAS}.`),
                    resources: resourcesSchema("istiod", MESH_DEFAULTS.istiodResources),
                })
                .prefault({})
                .describe("The control plane (the istiod chart)."),
            proxy: z
                .strictObject({ resources: resourcesSchema("Every injected sidecar", MESH_DEFAULTS.proxyResources) })
                .prefault({})
                .describe("The sidecars istiod injects (global.proxy)."),
            gateway: z
                .strictObject({
                    replicas: z
                        .number()
                        .default(MESH_DEFAULTS.gatewayReplicas)
                        .describe(`The ingress gateway's replicas, fixed (no autoscaling: the rate limit is split among exactly these); prod at least ${PROD_MIN_REPLICAS}.`),
                    resources: resourcesSchema("The gateway", MESH_DEFAULTS.gatewayResources),
                    hosts: z.array(z.string()).describe("The hosts the gateway serves (its Istio Gateway's `hosts`): lowercase DNS names, `*.` wildcards allowed, e.g. `api.example.com`."),
                })
                .describe(`The ingress gateway (release istio-ingressgateway in istio-ingress): HTTP on ${GATEWAY_CONTAINER_PORT} behind the ALB, status on ${GATEWAY_STATUS_PORT}.`),
            auth: z
                .strictObject({
                    issuer: z.string().describe("The issuer (`iss`) of the tokens the gateway accepts: an https URL."),
                    jwksUri: z.string().describe("Where istiod fetches the issuer's signing keys (JWKS): an https URL."),
                    audiences: z.array(z.string()).describe("The audiences (`aud`) a token must carry one of; at least one."),
                    memberHeader: z.string().default(MESH_DEFAULTS.memberHeader).describe("The request header the gateway writes the claim into for the services: lowercase letters, digits, `-` and `_`."),
                    memberClaim: z.string().default(MESH_DEFAULTS.memberClaim).describe("The token's claim copied into memberHeader."),
                    publicPaths: z
                        .array(z.string())
                        .default([...MESH_DEFAULTS.publicPaths])
                        .describe("Paths reachable without a token (exact, or a prefix ending in `*`); every other request needs a valid one. `[]`: none."),
                })
                .describe("JSON Web Token authentication at the gateway: a request without a valid token is refused (401 for an invalid one, 403 for none)."),
            rateLimit: z
                .strictObject({
                    requestsPerSecond: z
                        .number()
                        .default(MESH_DEFAULTS.requestsPerSecond)
                        .describe("Requests per second the gateway passes in total; each replica passes ceil(this / gateway.replicas), the rest get 429."),
                })
                .prefault({})
                .describe("The gateway's local rate limit (Envoy's token bucket per replica)."),
        })
        .describe(`Istio ${ISTIO_VERSION} in the EKS cluster: istiod, the ingress gateway, STRICT mTLS, token authentication and a rate limit at the gateway.`);
}

export type MeshConfig = z.output<ReturnType<typeof meshSchema>>;

/** The config as the component's settings (the same shape). */
function settingsOf(config: MeshConfig): MeshSettings {
    return config;
}

export function meshConfigProblems(config: MeshConfig, view: ConfigView): Problem[] {
    const problems = argumentProblemsAt("mesh", meshSettingsProblems(settingsOf(config)));
    const eks = view.config(eksBlock);
    // An unknown version is the EKS block's to report.
    if (eks && KUBERNETES_VERSIONS[eks.version] !== undefined) {
        const version = kubernetesVersionProblem(eks.version);
        if (version) {
            problems.push({ path: ["eks", "version"], message: version });
        }
    }
    // The ALB's external target is the gateway's pods: its ports and health check must be the gateway's.
    const external = view.config(blueGreenAlbBlock)?.external;
    if (external) {
        const at = (...path: string[]) => ["alb", "external", ...path];
        if (external.port !== GATEWAY_CONTAINER_PORT) {
            problems.push({ path: at("port"), message: `${showValue(external.port)} is not the mesh gateway's port; platform:mesh binds the gateway's pods, which serve HTTP on ${GATEWAY_CONTAINER_PORT}` });
        }
        if (external.healthCheck.port !== GATEWAY_STATUS_PORT) {
            problems.push({ path: at("healthCheck", "port"), message: `${showValue(external.healthCheck.port)} is not the mesh gateway's status port; health-check ${GATEWAY_STATUS_PORT}` });
        }
        if (external.healthCheck.path !== GATEWAY_READINESS_PATH) {
            problems.push({ path: at("healthCheck", "path"), message: `${showValue(external.healthCheck.path)} is not the mesh gateway's readiness path; its status port answers ${GATEWAY_READINESS_PATH}` });
        }
    }
    if (view.stack.env === "prod") {
        for (const [key, replicas] of [["istiod", config.istiod.replicas], ["gateway", config.gateway.replicas]] as const) {
            if (Number.isInteger(replicas) && replicas >= 1 && replicas < PROD_MIN_REPLICAS) {
                problems.push({
                    path: ["mesh", key, "replicas"],
                    message: `${showValue(replicas)} is not allowed in prod; run at least ${PROD_MIN_REPLICAS}, so one survives a node's loss`,
                });
            }
        }
    }
    return problems;
}

export const meshBlock = defineBlock({
    name: "mesh",
    keys: ["mesh"],
    requires: [eksBlock],
    schema: (stack) => singleKey("mesh", meshSchema(stack.env)),

    rules: (config: MeshConfig, view): Problem[] => meshConfigProblems(config, view),

    build(config: MeshConfig, ctx: BuildContext): Mesh {
        const eks = ctx.need(eksBlock);
        const share = rateLimitShare(config.rateLimit.requestsPerSecond, config.gateway.replicas);
        const note = roundedRateNote(share);
        if (note) {
            pulumi.log.warn(`platform:mesh.rateLimit.requestsPerSecond: ${note}`);
        }
        const controller = ctx.built(loadBalancerControllerBlock);
        return new Mesh("mesh", {
            naming: ctx.stack.naming,
            tags: ctx.stack.tags,
            ...settingsOf(config),
            provider: eks.provider,
            kubernetesVersion: eks.version,
            ready: eks.ready,
            targets: ctx.collect(EXTERNAL_TARGETS),
            bindingsDependOn: controller ? [controller.release] : [],
        });
    },

    outputs: (mesh: Mesh, config: MeshConfig) => ({
        mesh: {
            istioVersion: mesh.istioVersion,
            gateway: GATEWAY_REF,
            hosts: config.gateway.hosts,
            rateLimit: mesh.rateLimit,
            targetGroupBindings: Object.keys(mesh.bindings),
        },
    }),
});
