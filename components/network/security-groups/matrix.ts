/**
 * The security-group matrix as data (SPEC §2.A, with the gaps of §4 closed): which peer may open
 * which TCP port to which peer. The SecurityGroups component turns each flow into rule resources
 * (an ingress rule on the receiving group, an egress rule on the sending group); tests read the
 * registered rules back into a reachability table and compare it with the seed's.
 */
import { Problem } from "../../../lib/problems";

export const SECURITY_GROUPS = ["alb", "ecs", "db", "cache", "kafka"] as const;
export type SecurityGroupName = (typeof SECURITY_GROUPS)[number];

/** One end of a flow: a platform security group, or an IPv4 CIDR (e.g. the internet). */
export type Peer = { readonly group: SecurityGroupName } | { readonly cidr: string };

export interface Flow {
    readonly from: Peer;
    readonly to: Peer;
    readonly port: number;
    /** Why the flow exists, in a few words; becomes the rule's description. */
    readonly why: string;
}

export interface MatrixPorts {
    /** Ports the ALB listens on for the internet. */
    readonly albListeners: readonly number[];
    /** Container ports the ALB forwards to (the blue/green service's). */
    readonly albTargets: readonly number[];
    /** Container ports services call each other on. */
    readonly servicePorts: readonly number[];
    readonly database: number;
    readonly cache: number;
    /** Kafka client listeners (9092, 9094). */
    readonly kafkaClients: readonly number[];
    /** Kafka controller quorum port, open only inside the kafka group. */
    readonly kafkaController: number;
}

export const INTERNET = "0.0.0.0/0";

const group = (name: SecurityGroupName): Peer => ({ group: name });
const unique = (ports: readonly number[]) => [...new Set(ports)].sort((a, b) => a - b);

/** The platform's flows. */
export function platformFlows(ports: MatrixPorts): Flow[] {
    return [
        ...unique(ports.albListeners).map((port) => ({ from: { cidr: INTERNET }, to: group("alb"), port, why: "clients to the ALB" })),
        ...unique(ports.albTargets).map((port) => ({ from: group("alb"), to: group("ecs"), port, why: "ALB to its target services" })),
        ...unique(ports.servicePorts).map((port) => ({ from: group("ecs"), to: group("ecs"), port, why: "service to service" })),
        { from: group("ecs"), to: { cidr: INTERNET }, port: 443, why: "HTTPS out: ECR, Secrets Manager, AWS APIs" },
        { from: group("ecs"), to: group("db"), port: ports.database, why: "services to the database" },
        { from: group("ecs"), to: group("cache"), port: ports.cache, why: "services to the cache" },
        ...unique(ports.kafkaClients).map((port) => ({ from: group("ecs"), to: group("kafka"), port, why: "services to Kafka" })),
        // SPEC §4: Kafka nodes install their release and reach Session Manager and CloudWatch.
        { from: group("kafka"), to: { cidr: INTERNET }, port: 443, why: "HTTPS out: release download, SSM, CloudWatch" },
        // SPEC §4: the seed's kafka group only admits ECS; nodes must also reach each other.
        ...unique([...ports.kafkaClients, ports.kafkaController]).map((port) => ({
            from: group("kafka"),
            to: group("kafka"),
            port,
            why: port === ports.kafkaController ? "KRaft controller quorum" : "Kafka replication between brokers",
        })),
    ];
}

export type Direction = "ingress" | "egress";

/** One rule resource: on `group`, in `direction`, for `port`, to or from `peer`. */
export interface SecurityRule {
    readonly group: SecurityGroupName;
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

/** AWS's default quota: 60 inbound and 60 outbound rules per security group (SPEC §5). */
export const RULES_PER_GROUP_LIMIT = 60;

export function ruleCountProblems(rules: readonly SecurityRule[]): Problem[] {
    const counts = new Map<string, number>();
    for (const rule of rules) {
        const key = `${rule.group} ${rule.direction}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts]
        .filter(([, count]) => count > RULES_PER_GROUP_LIMIT)
        .map(([key, count]) => ({ path: [key], message: `needs ${count} rules; a security group holds at most ${RULES_PER_GROUP_LIMIT} per direction` }));
}

/** `"<from> -> <to>:<port>"` for a peer pair, e.g. `ecs -> db:5432`, `0.0.0.0/0 -> alb:443`. */
export function describeFlow(from: Peer, to: Peer, port: number): string {
    const name = (peer: Peer) => ("group" in peer ? peer.group : peer.cidr);
    return `${name(from)} -> ${name(to)}:${port}`;
}
