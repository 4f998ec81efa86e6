/**
 * The assembly: the only place that knows the whole platform. It turns a validated
 * PlatformConfig into components; components never read config themselves.
 */
import { Vpc } from "../components/vpc";
import { Naming } from "../lib/naming";
import { Tags, baseTags } from "../lib/tags";
import { PlatformConfig } from "./config";

export interface Platform {
    readonly config: PlatformConfig;
    readonly naming: Naming;
    readonly tags: Tags;
    readonly network: Vpc;
}

export function createPlatform(config: PlatformConfig): Platform {
    const naming = new Naming(config.name, config.env);
    const tags = baseTags({ project: config.name, env: config.env, stack: config.stack, extra: config.tags });
    const network = new Vpc("network", { naming, tags, ...config.network });
    return { config, naming, tags, network };
}

/** The subnets of one tier as stack outputs: id, CIDR and AZ of each. */
function subnetOutputs(vpc: Vpc, tier: "public" | "private" | "data") {
    return vpc.subnets.filter((s) => s.tier === tier).map((s) => ({ id: s.id, cidr: s.cidr, az: s.az }));
}

/** What `pulumi stack output` shows for this stack. */
export function stackOutputs(platform: Platform) {
    const { network } = platform;
    return {
        env: platform.config.env,
        region: platform.config.region,
        vpcId: network.vpcId,
        vpcCidr: network.cidrBlock,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        dataSubnetIds: network.dataSubnetIds,
        subnets: {
            public: subnetOutputs(network, "public"),
            private: subnetOutputs(network, "private"),
            data: subnetOutputs(network, "data"),
        },
        natGatewayIds: network.natGatewayIds,
        natPublicIps: network.natPublicIps,
        ...(network.flowLogGroupName ? { flowLogGroupName: network.flowLogGroupName } : {}),
    };
}
