/**
 * The network block (`platform:network`): the VPC, its three tiers of subnets, NAT gateways,
 * endpoints and flow logs. Every other block that places something in the VPC needs it.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { FLOW_LOG_TRAFFIC_TYPES, GATEWAY_ENDPOINT_SERVICES, INTERFACE_ENDPOINT_SERVICES, LogRetentionDays, logRetentionProblem } from "../../../lib/aws-limits";
import { Problem, nest, showValue } from "../../../lib/problems";
import { BuildContext, PerEnv, configKey, defineBlock, singleKey } from "../../../stacks/block";
import { NAT_STRATEGIES, NatStrategy, Tier, networkProblems } from "./network";
import { Vpc } from "./vpc";

/** dev: one NAT (cost); prod: one per AZ (an AZ outage must not cut the others off). */
export const NAT_DEFAULT: PerEnv<NatStrategy> = { dev: "single", prod: "perAz" };

const SubnetSchema = z.strictObject({
    cidr: z.string().describe("IPv4 block inside the VPC's, e.g. `10.0.11.0/24`."),
    az: z.string().describe("Availability zone, one of `azs`."),
});

function networkSchema(env: keyof typeof NAT_DEFAULT, logRetentionDays: LogRetentionDays) {
    return z.strictObject({
        cidr: z.string().describe("IPv4 block of the VPC: /16 to /28, inside 10/8, 172.16/12, 192.168/16 or 100.64/10."),
        azs: z.array(z.string()).min(1).describe("Availability zones of the stack, in `aws:region`, no duplicates."),
        subnets: z
            .strictObject({
                public: z.array(SubnetSchema).describe("ALB and NAT tier: a route to the internet gateway; at least two AZs."),
                private: z.array(SubnetSchema).describe("Tasks and Kafka: out through the NAT; at least one (prod: two AZs)."),
                data: z.array(SubnetSchema).default([]).describe("Databases and caches: no route to the internet at all; two AZs when present."),
            })
            .describe("The exact subnets of each tier, named by tier and AZ (`<prefix>-<env>-private-2a`): reordering them replaces nothing."),
        natGateways: z
            .enum(NAT_STRATEGIES)
            .default(NAT_DEFAULT[env])
            .describe("`single`: one NAT in the first public subnet; `perAz`: one per AZ with private subnets (each routes to its own); `none`: needs the `ecr.api`, `ecr.dkr`, `logs` interface endpoints and the `s3` gateway endpoint."),
        natGatewaysReason: z
            .string()
            .optional()
            .describe(
                "Why a prod stack runs `natGateways: single` (a cost decision: the private subnets of every other AZ lose the internet when the NAT's AZ fails). Prod refuses `single` without it, and every preview prints it. Only with `single`.",
            ),
        gatewayEndpoints: z.array(z.enum(GATEWAY_ENDPOINT_SERVICES)).default([...GATEWAY_ENDPOINT_SERVICES]).describe("Gateway endpoints on the private and data route tables."),
        interfaceEndpoints: z
            .array(z.enum(INTERFACE_ENDPOINT_SERVICES))
            .default([])
            .describe("Interface endpoints in one private subnet per AZ, private DNS on, behind their own security group (443 from the VPC only)."),
        flowLogs: z
            .strictObject({
                enabled: z.boolean().default(true).describe("Capture the VPC's traffic metadata; prod requires it, dev may turn it off visibly."),
                retentionDays: z.number().int().default(logRetentionDays).describe("Days the flow log group keeps records (a CloudWatch retention value). Default: `platform:logs.retentionDays`."),
                trafficType: z.enum(FLOW_LOG_TRAFFIC_TYPES).default("ALL").describe("Which traffic to record."),
            })
            .prefault({})
            .describe("VPC flow logs to `/aws/vpc/<prefix>-<env>/flow-logs`."),
    });
}

export type NetworkConfig = z.output<ReturnType<typeof networkSchema>>;

export const networkBlock = defineBlock({
    name: "network",
    keys: ["network"],
    schema: (stack) => singleKey("network", networkSchema(stack.env, stack.logRetentionDays).describe("The VPC: its CIDR, AZs, subnets per tier, NAT, endpoints and flow logs.")),

    rules(network, view): Problem[] {
        const problems = nest(["network"], networkProblems(network, { region: view.stack.region || undefined, refer: (path) => configKey(["network", ...path]) }));
        const { flowLogs } = network;
        const retention = logRetentionProblem(flowLogs.retentionDays);
        // A retention inherited from platform:logs.retentionDays is reported there.
        if (retention && flowLogs.retentionDays !== view.stack.logRetentionDays) {
            problems.push({ path: ["network", "flowLogs", "retentionDays"], message: retention });
        }
        if (view.stack.env === "prod") {
            if (!flowLogs.enabled) {
                problems.push({ path: ["network", "flowLogs", "enabled"], message: "false is not allowed in prod; VPC flow logs are required there (security baseline)" });
            }
            const privateAzs = new Set(network.subnets.private.map((s) => s.az));
            if (network.subnets.private.length > 0 && privateAzs.size < 2) {
                problems.push({ path: ["network", "subnets", "private"], message: `spans only ${[...privateAzs].map(showValue).join(", ")}; prod needs private subnets in at least two AZs` });
            }
            if (network.natGateways === "single" && privateAzs.size > 1 && network.natGatewaysReason === undefined) {
                problems.push({
                    path: ["network", "natGateways"],
                    message: `"single" is not allowed in prod without natGatewaysReason: one NAT in ${showValue(network.subnets.public[0]?.az ?? "the first AZ")} leaves the private subnets of every other AZ without the internet when its AZ fails; use perAz, or state the cost decision in platform:network.natGatewaysReason`,
                });
            }
        }
        const reason = network.natGatewaysReason;
        if (reason !== undefined && reason.trim() === "") {
            problems.push({ path: ["network", "natGatewaysReason"], message: "is empty; say why this stack runs one NAT gateway, or remove it" });
        } else if (reason !== undefined && network.natGateways !== "single") {
            problems.push({ path: ["network", "natGatewaysReason"], message: `is set, but natGateways is ${showValue(network.natGateways)}; it explains natGateways: single only, so remove it` });
        }
        return problems;
    },

    build({ natGatewaysReason, ...network }: NetworkConfig, ctx: BuildContext): Vpc {
        const { naming, tags } = ctx.stack;
        if (natGatewaysReason !== undefined) {
            // On every preview and up: the decision stays visible for as long as it stands.
            pulumi.log.warn(`platform:network.natGatewaysReason: one NAT gateway serves every AZ: ${JSON.stringify(natGatewaysReason)}`);
        }
        return new Vpc("network", { naming, tags, ...network, flowLogs: { ...network.flowLogs, retentionDays: network.flowLogs.retentionDays as LogRetentionDays } });
    },

    outputs(vpc) {
        const subnetsOf = (tier: Tier) => vpc.subnets.filter((s) => s.tier === tier).map((s) => ({ id: s.id, cidr: s.cidr, az: s.az }));
        return {
            vpcId: vpc.vpcId,
            vpcCidr: vpc.cidrBlock,
            publicSubnetIds: vpc.publicSubnetIds,
            privateSubnetIds: vpc.privateSubnetIds,
            dataSubnetIds: vpc.dataSubnetIds,
            subnets: { public: subnetsOf("public"), private: subnetsOf("private"), data: subnetsOf("data") },
            natGatewayIds: vpc.natGatewayIds,
            natPublicIps: vpc.natPublicIps,
            ...(vpc.flowLogGroupName ? { flowLogGroupName: vpc.flowLogGroupName } : {}),
        };
    },
});
