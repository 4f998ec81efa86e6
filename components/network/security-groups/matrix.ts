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
}

/** One end of a flow: a platform security group (by its short name), or an IPv4 CIDR (e.g. the internet). */
export type Peer = { readonly group: string } | { readonly cidr: string };

export interface Flow {
    readonly from: Peer;
    readonly to: Peer;
    readonly port: number;
    /** Why the flow exists, in a few words; becomes the rule's description. */
    readonly why: string;
}

export const INTERNET = "0.0.0.0/0";

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

/** AWS's default quota: 60 inbound and 60 outbound rules per security group. */
export const RULES_PER_GROUP_LIMIT = 60;

export function ruleCountProblems(rules: readonly SecurityRule[]): Problem[] {
    const counts = new Map<string, { group: string; direction: Direction; count: number }>();
    for (const rule of rules) {
        const key = `${rule.group} ${rule.direction}`;
        const entry = counts.get(key) ?? { group: rule.group, direction: rule.direction, count: 0 };
        counts.set(key, { ...entry, count: entry.count + 1 });
    }
    return [...counts.values()]
        .filter(({ count }) => count > RULES_PER_GROUP_LIMIT)
        .map(({ group, direction, count }) => ({
            path: [group],
            message: `security group ${group} needs ${count} ${direction} rules; a security group holds at most ${RULES_PER_GROUP_LIMIT} per direction`,
        }));
}

/** `"<from> -> <to>:<port>"` for a peer pair, e.g. `ecs -> db:5432`, `0.0.0.0/0 -> alb:443`. */
export function describeFlow(from: Peer, to: Peer, port: number): string {
    const name = (peer: Peer) => ("group" in peer ? peer.group : peer.cidr);
    return `${name(from)} -> ${name(to)}:${port}`;
}
