/**
 * The network plan as pure data: which subnets exist, where the NAT gateways go, which route
 * table each subnet uses, where interface endpoints sit, and every rule a network must satisfy.
 * The Vpc component turns this plan into resources; config validation runs the same rules.
 */
import {
    ENDPOINTS_REQUIRED_WITHOUT_NAT,
    GatewayEndpointService,
    InterfaceEndpointService,
    PRIVATE_IPV4_RANGES,
    SUBNET_PREFIX_RANGE,
    VPC_PREFIX_RANGE,
} from "../../../lib/aws-limits";
import { Ipv4Cidr, cidrContains, cidrsOverlap, parseCidr } from "../../../lib/cidr";
import { azLabel } from "../../../lib/naming";
import { Path, Problem, formatPath, showValue } from "../../../lib/problems";

export const TIERS = ["public", "private", "data"] as const;
/** public: IGW route (ALB, NAT). private: NAT route (tasks, Kafka). data: no internet route at all. */
export type Tier = (typeof TIERS)[number];

export const NAT_STRATEGIES = ["none", "single", "perAz"] as const;
/** none: no NAT; single: one NAT in the first public subnet; perAz: one NAT per AZ with private subnets. */
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

export interface SubnetSpec {
    /** IPv4 block, e.g. `10.0.11.0/24`. */
    readonly cidr: string;
    /** Availability zone name, e.g. `ap-northeast-2a`. */
    readonly az: string;
}

export interface NetworkSpec {
    /** VPC IPv4 block, e.g. `10.0.0.0/16`. */
    readonly cidr: string;
    /** The stack's availability zones; every subnet must sit in one of them. */
    readonly azs: readonly string[];
    readonly subnets: Readonly<Record<Tier, readonly SubnetSpec[]>>;
    readonly natGateways: NatStrategy;
    readonly gatewayEndpoints: readonly GatewayEndpointService[];
    readonly interfaceEndpoints: readonly InterfaceEndpointService[];
}

/** One subnet of the plan, with the stable key its resources are named by (`private-2a`). */
export interface PlannedSubnet extends SubnetSpec {
    readonly tier: Tier;
    /** Position in its tier's list in the spec. */
    readonly index: number;
    /** `<tier>-<az label>`, with `-<n>` from the second subnet of a tier in the same AZ on. */
    readonly key: string;
}

export interface PlannedNat {
    readonly az: string;
    /** Key of the public subnet that holds the NAT gateway. */
    readonly subnetKey: string;
}

export interface NetworkPlan {
    readonly subnets: readonly PlannedSubnet[];
    readonly nats: readonly PlannedNat[];
    /** For each private subnet key, the AZ of the NAT it routes to (absent with natGateways none). */
    readonly privateRouteNat: Readonly<Record<string, string | undefined>>;
    /** One private subnet per AZ: interface endpoints accept at most one subnet per AZ. */
    readonly endpointSubnetKeys: readonly string[];
}

/** Orders subnets by tier, keeps the spec's order inside a tier, and gives each a stable key. */
export function planSubnets(spec: Pick<NetworkSpec, "subnets">): PlannedSubnet[] {
    const planned: PlannedSubnet[] = [];
    for (const tier of TIERS) {
        const seenPerAz = new Map<string, number>();
        spec.subnets[tier].forEach((subnet, index) => {
            const ordinal = (seenPerAz.get(subnet.az) ?? 0) + 1;
            seenPerAz.set(subnet.az, ordinal);
            const key = `${tier}-${azLabel(subnet.az)}${ordinal > 1 ? `-${ordinal}` : ""}`;
            planned.push({ ...subnet, tier, index, key });
        });
    }
    return planned;
}

function firstPerAz(subnets: readonly PlannedSubnet[]): Map<string, PlannedSubnet> {
    const byAz = new Map<string, PlannedSubnet>();
    for (const subnet of subnets) {
        if (!byAz.has(subnet.az)) {
            byAz.set(subnet.az, subnet);
        }
    }
    return byAz;
}

/** The whole plan. Assumes a spec without problems (see `networkProblems`). */
export function planNetwork(spec: NetworkSpec): NetworkPlan {
    const subnets = planSubnets(spec);
    const publicByAz = firstPerAz(subnets.filter((s) => s.tier === "public"));
    const privates = subnets.filter((s) => s.tier === "private");

    let nats: PlannedNat[] = [];
    if (spec.natGateways === "single") {
        const [first] = subnets.filter((s) => s.tier === "public");
        nats = [{ az: first.az, subnetKey: first.key }];
    } else if (spec.natGateways === "perAz") {
        const azsWithPrivate = spec.azs.filter((az) => privates.some((s) => s.az === az));
        nats = azsWithPrivate.map((az) => ({ az, subnetKey: publicByAz.get(az)!.key }));
    }

    const privateRouteNat: Record<string, string | undefined> = {};
    for (const subnet of privates) {
        privateRouteNat[subnet.key] =
            spec.natGateways === "perAz" ? subnet.az : spec.natGateways === "single" ? nats[0].az : undefined;
    }

    return {
        subnets,
        nats,
        privateRouteNat,
        endpointSubnetKeys: [...firstPerAz(privates).values()].map((s) => s.key),
    };
}

function distinctAzs(subnets: readonly SubnetSpec[]): string[] {
    return [...new Set(subnets.map((s) => s.az))];
}

function duplicates<T>(values: readonly T[]): Array<{ value: T; index: number }> {
    return values.flatMap((value, index) => (values.indexOf(value) !== index ? [{ value, index }] : []));
}

const AZ_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d[a-z]$/;

export interface NetworkCheckContext {
    /** The AWS region every AZ must belong to; unchecked when absent. */
    readonly region?: string;
    /** How a message names another value of the spec, e.g. `platform:network.azs`. @default formatPath */
    readonly refer?: (path: Path) => string;
}

/** Every rule a network must satisfy, each reported at the path of the offending value. */
export function networkProblems(spec: NetworkSpec, context: NetworkCheckContext = {}): Problem[] {
    const { region, refer = formatPath } = context;
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path, message });

    // The VPC block.
    let vpc: Ipv4Cidr | undefined;
    const parsedVpc = parseCidr(spec.cidr);
    if (!parsedVpc.ok) {
        report(["cidr"], `${showValue(spec.cidr)} ${parsedVpc.reason}`);
    } else if (parsedVpc.cidr.prefix < VPC_PREFIX_RANGE.min || parsedVpc.cidr.prefix > VPC_PREFIX_RANGE.max) {
        report(["cidr"], `${showValue(spec.cidr)} is a /${parsedVpc.cidr.prefix}; a VPC block must be /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max}`);
    } else if (!PRIVATE_IPV4_RANGES.some((range) => cidrContains(range, parsedVpc.cidr))) {
        report(["cidr"], `${showValue(spec.cidr)} is not private address space; use a block inside ${PRIVATE_IPV4_RANGES.map((r) => r.text).join(", ")}`);
    } else {
        vpc = parsedVpc.cidr;
    }

    // Availability zones.
    spec.azs.forEach((az, i) => {
        if (!AZ_NAME.test(az)) {
            report(["azs", i], `${showValue(az)} is not an availability zone name (expected e.g. ap-northeast-2a)`);
        } else if (region !== undefined && !(az.startsWith(region) && az.length === region.length + 1)) {
            report(["azs", i], `${showValue(az)} is not in the stack's region ${showValue(region)}; expected ${region}a, ${region}b, …`);
        }
    });
    for (const { value, index } of duplicates(spec.azs)) {
        report(["azs", index], `${showValue(value)} is listed twice`);
    }

    // Subnets: syntax, size, inside the VPC, no overlap, AZ known.
    const parsed: Array<{ path: Path; cidr: Ipv4Cidr }> = [];
    for (const tier of TIERS) {
        spec.subnets[tier].forEach((subnet, i) => {
            const at: Path = ["subnets", tier, i];
            if (!spec.azs.includes(subnet.az)) {
                report([...at, "az"], `${showValue(subnet.az)} is not one of the stack's AZs (${refer(["azs"])}: ${spec.azs.map(showValue).join(", ")})`);
            }
            const result = parseCidr(subnet.cidr);
            if (!result.ok) {
                report([...at, "cidr"], `${showValue(subnet.cidr)} ${result.reason}`);
                return;
            }
            const cidr = result.cidr;
            if (cidr.prefix < SUBNET_PREFIX_RANGE.min || cidr.prefix > SUBNET_PREFIX_RANGE.max) {
                report([...at, "cidr"], `${showValue(subnet.cidr)} is a /${cidr.prefix}; a subnet must be /${SUBNET_PREFIX_RANGE.min} to /${SUBNET_PREFIX_RANGE.max}`);
                return;
            }
            if (vpc && !cidrContains(vpc, cidr)) {
                report([...at, "cidr"], `${showValue(subnet.cidr)} is outside the VPC CIDR ${showValue(vpc.text)}`);
                return;
            }
            const clash = parsed.find((other) => cidrsOverlap(other.cidr, cidr));
            if (clash) {
                report([...at, "cidr"], `${showValue(subnet.cidr)} overlaps ${showValue(clash.cidr.text)} (${refer(clash.path)})`);
                return;
            }
            parsed.push({ path: at, cidr });
        });
    }

    // Tier shape.
    if (spec.subnets.public.length === 0) {
        report(["subnets", "public"], "is empty; the ALB and NAT gateways need public subnets in at least two AZs");
    } else if (distinctAzs(spec.subnets.public).length < 2) {
        report(["subnets", "public"], `spans only ${distinctAzs(spec.subnets.public).map(showValue).join(", ")}; an ALB needs public subnets in at least two AZs`);
    }
    if (spec.subnets.private.length === 0) {
        report(["subnets", "private"], "is empty; services and Kafka run in private subnets, at least one is needed");
    }
    if (spec.subnets.data.length > 0 && distinctAzs(spec.subnets.data).length < 2) {
        report(["subnets", "data"], `spans only ${distinctAzs(spec.subnets.data).map(showValue).join(", ")}; an RDS DB subnet group needs subnets in at least two AZs`);
    }

    // NAT placement and the outbound path of private subnets.
    if (spec.natGateways === "perAz") {
        const publicAzs = new Set(spec.subnets.public.map((s) => s.az));
        spec.subnets.private.forEach((subnet, i) => {
            if (spec.azs.includes(subnet.az) && !publicAzs.has(subnet.az)) {
                report(["subnets", "private", i, "az"], `${showValue(subnet.az)} has no public subnet to hold its NAT gateway (natGateways: perAz); add one or use natGateways: single`);
            }
        });
    }
    if (spec.natGateways === "none") {
        const missing = ENDPOINTS_REQUIRED_WITHOUT_NAT.filter((svc) => !spec.interfaceEndpoints.includes(svc));
        if (missing.length > 0) {
            report(["natGateways"], `none leaves private subnets without a way to pull images or ship logs; add ${missing.join(", ")} to ${refer(["interfaceEndpoints"])} or use single or perAz`);
        }
        if (!spec.gatewayEndpoints.includes("s3")) {
            report(["gatewayEndpoints"], `${JSON.stringify(spec.gatewayEndpoints)} lacks s3; with natGateways none, ECR image layers come from S3 through its gateway endpoint`);
        }
    }

    for (const { value, index } of duplicates(spec.gatewayEndpoints)) {
        report(["gatewayEndpoints", index], `${showValue(value)} is listed twice`);
    }
    for (const { value, index } of duplicates(spec.interfaceEndpoints)) {
        report(["interfaceEndpoints", index], `${showValue(value)} is listed twice`);
    }
    return problems;
}
