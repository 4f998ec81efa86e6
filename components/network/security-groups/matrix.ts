/**
 * The security-group matrix as data: which peer may open which TCP port to which peer. Every block
 * declares the groups it owns and the flows it needs (stacks/block.ts, `securityGroups`); the
 * SecurityGroups component turns each flow into rule resources (an ingress rule on the receiving
 * group, an egress rule on the sending group); tests read the registered rules back into a
 * reachability table and compare it with the seed's.
 */
import { Problem } from "../../../lib/problems";

/** A security group a block owns: its short name (`db` → `<prefix>-<env>-db`) and what it is for. */
export interface SecurityGroupDeclaration {
    readonly name: string;
    readonly description: string;
    /**
     * Minutes its deletion may take. A group AWS-managed network interfaces hold after their owner
     * is gone (Lambda's, released up to 20 minutes or more after the last function using them;
     * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html) fails with
     * DependencyViolation until they are: the provider retries until this timeout. @default the provider's (15)
     */
    readonly deleteTimeoutMinutes?: number;
}

/**
 * One end of a flow: a platform security group (by its short name), an IPv4 CIDR (e.g. the
 * internet), or an AWS-managed prefix list by name (e.g. CloudFront's origin-facing servers), which
 * the SecurityGroups component looks up in the stack's region and a rule references by id.
 */
export type Peer = { readonly group: string } | { readonly cidr: string } | { readonly prefixList: string };

export interface Flow {
    readonly from: Peer;
    readonly to: Peer;
    readonly port: number;
    /** Why the flow exists, in a few words; becomes the rule's description. */
    readonly why: string;
}

export const INTERNET = "0.0.0.0/0";

/** The IPv4 addresses of CloudFront's origin-facing servers: what a CloudFront VPC origin connects from. */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";

/**
 * The weight of each AWS-managed prefix list a flow may name: how many rules a security-group rule
 * referencing it counts as against the rule quota. Amazon VPC User Guide, "AWS-managed prefix
 * lists", table "Available AWS-managed prefix lists" (Weight column):
 * https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html
 * (Amazon CloudFront: com.amazonaws.global.cloudfront.origin-facing, weight 55). A prefix list not
 * listed here cannot be named: its weight would be a guess.
 */
export const MANAGED_PREFIX_LIST_WEIGHTS: Readonly<Record<string, number>> = {
    [CLOUDFRONT_ORIGIN_FACING]: 55,
};

/** What one end of a flow is called in messages and rule names: the group, the CIDR, or the prefix list's name. */
export function peerName(peer: Peer): string {
    return "group" in peer ? peer.group : "cidr" in peer ? peer.cidr : peer.prefixList;
}

/** The distinct ports, ascending. */
export function uniquePorts(ports: readonly number[]): number[] {
    return [...new Set(ports)].sort((a, b) => a - b);
}

export type Direction = "ingress" | "egress";

/** One rule resource: on `group`, in `direction`, for `port`, to or from `peer`. */
export interface SecurityRule {
    readonly group: string;
    readonly direction: Direction;
    readonly port: number;
    readonly peer: Peer;
    readonly why: string;
}

/** Each flow becomes an ingress rule on the receiving group and an egress rule on the sending one. */
export function rulesOf(flows: readonly Flow[]): SecurityRule[] {
    return flows.flatMap((flow) => {
        const rules: SecurityRule[] = [];
        if ("group" in flow.to) {
            rules.push({ group: flow.to.group, direction: "ingress", port: flow.port, peer: flow.from, why: flow.why });
        }
        if ("group" in flow.from) {
            rules.push({ group: flow.from.group, direction: "egress", port: flow.port, peer: flow.to, why: flow.why });
        }
        return rules;
    });
}

/**
 * AWS's default quota: 60 inbound and 60 outbound rules per security group (IPv4 and IPv6 rules
 * counted apart; every rule here is IPv4). A rule referencing a prefix list counts as the list's
 * size: its maximum entries, or for an AWS-managed list its weight. Amazon VPC User Guide, "Amazon
 * VPC quotas", Security groups ("Inbound or outbound rules per security group", default 60) and
 * Customer-managed prefix lists ("if you ... reference that prefix list in a security group rule,
 * this counts as 20 security group rules"):
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export const RULES_PER_GROUP_LIMIT = 60;

/** How many rules `peer` makes one rule count as: a prefix list's weight, 1 otherwise (an unknown list too: reported on its own). */
export function peerWeight(peer: Peer): number {
    return "prefixList" in peer ? (MANAGED_PREFIX_LIST_WEIGHTS[peer.prefixList] ?? 1) : 1;
}

/** Each group's rules per direction, weighted, against the quota: a prefix list counts as its weight. */
export function ruleCountProblems(rules: readonly SecurityRule[]): Problem[] {
    const counts = new Map<string, { group: string; direction: Direction; count: number; lists: Map<string, number> }>();
    for (const rule of rules) {
        const key = `${rule.group} ${rule.direction}`;
        const entry = counts.get(key) ?? { group: rule.group, direction: rule.direction, count: 0, lists: new Map<string, number>() };
        entry.count += peerWeight(rule.peer);
        if ("prefixList" in rule.peer) {
            entry.lists.set(rule.peer.prefixList, (entry.lists.get(rule.peer.prefixList) ?? 0) + 1);
        }
        counts.set(key, entry);
    }
    return [...counts.values()]
        .filter(({ count }) => count > RULES_PER_GROUP_LIMIT)
        .map(({ group, direction, count, lists }) => {
            const weighted = [...lists].map(([name, rules]) => {
                const weight = MANAGED_PREFIX_LIST_WEIGHTS[name] ?? 1;
                return rules === 1 ? `1 rule naming the prefix list ${JSON.stringify(name)}, which counts as ${weight}` : `${rules} rules naming the prefix list ${JSON.stringify(name)}, which count as ${weight} each`;
            });
            const how = weighted.length === 0 ? "" : ` (${weighted.join("; ")}: a prefix list counts as its weight)`;
            return {
                path: [group],
                message: `security group ${group} needs ${count} ${direction} rules${how}; a security group holds at most ${RULES_PER_GROUP_LIMIT} per direction`,
            };
        });
}

/** `"<from> -> <to>:<port>"` for a peer pair, e.g. `ecs -> db:5432`, `0.0.0.0/0 -> alb:443`, `com.amazonaws.global.cloudfront.origin-facing -> alb:443`. */
export function describeFlow(from: Peer, to: Peer, port: number): string {
    return `${peerName(from)} -> ${peerName(to)}:${port}`;
}
