/**
 * The AZ-loss report: `npm run -s resilience -- --stack <name> [--json] [--dir <directory>]`
 * (scripts/resilience.ts runs `resilienceCli` with the process's streams; the tests run it
 * in-process).
 *
 * From the offline plan (tooling/plan.ts) alone — no AWS account, nothing deployed — it says, for
 * each AZ of the stack (its subnets' `availabilityZone`), which tiers keep serving when that AZ is
 * lost and why: the ALBs, each ECS service, the database, the cache, Kafka's quorum, NAT egress,
 * the EKS nodes, workloads and mesh gateway, the Lambda functions in the VPC; the regional and
 * global services (CloudFront, S3, DynamoDB, API Gateway…) in one row.
 *
 * A tier **survives** (nothing of it was in the AZ, or it serves on without a pause), is
 * **degraded** (it serves on with less: fewer tasks, nodes or replicas, a failover of seconds to
 * minutes that AWS or the tier does by itself, no internet egress) or is **down** (it stops serving
 * until the AZ returns or something is started again elsewhere: a reschedule, a restore, a new
 * instance is recovery, not survival). A loss the stack states it accepts is **accepted**: today
 * `platform:network.natGatewaysReason`, which accepts the egress of the other AZs when the one NAT
 * gateway's AZ goes.
 *
 * The rules, each a worst case over what the plan fixes:
 * - An ALB serves from the AZs left (an ALB needs subnets in two AZs; AWS takes a lost AZ's nodes
 *   out of its DNS).
 * - An ECS service of n tasks (the autoscaling minimum, else the desired count) over k AZs: ECS
 *   spreads a service's tasks by AZ, so at most ceil(n/k) are in the lost AZ. It is degraded (not
 *   down) when some task is certainly left: n >= 2 over k >= 2 AZs. One task may be the lost one:
 *   down, since the replacement ECS starts elsewhere is recovery.
 * - RDS Multi-AZ fails over to its standby (degraded); a single-AZ instance in the lost AZ is down.
 *   Aurora: the writer's loss is survived when a reader in another AZ is promoted; a reader's loss
 *   leaves the writer serving.
 * - A cache shard (a replication group without cluster mode is one) survives its primary's loss
 *   with automatic failover, Multi-AZ and a replica in another AZ; else it is down.
 * - Kafka (KRaft on EC2): a majority of the controllers (`controller.quorum.voters`) must be left;
 *   and a partition must keep min ISR replicas (worst case: every replica on a lost broker) or
 *   `acks=all` writes are refused.
 * - NAT egress: a private subnet in an AZ left whose route table sends 0.0.0.0/0 to a NAT gateway in
 *   the lost AZ has no internet (image pulls, AWS APIs without a VPC endpoint): down, or accepted.
 *   Tasks, functions and nodes left in such a subnet are degraded.
 * - EKS: a node group of m nodes (its minimum) over k AZs loses at most ceil(m/k). A Deployment (its
 *   HPA's minReplicas, else replicas) or the mesh gateway (its chart's replicas) of r pods survives
 *   only with a zone spread the scheduler must keep (`topology.kubernetes.io/zone`,
 *   `whenUnsatisfiable: DoNotSchedule`, maxSkew s < r): then at most floor((r + s(z-1))/z) of them
 *   are in one of the z zones. A spread that is only preferred (`ScheduleAnyway`) or none may put
 *   them all in the lost AZ: down (their reschedule is recovery).
 * - A Lambda function in the VPC runs in the subnets' AZs left (down with one AZ only); outside a
 *   VPC it is regional.
 *
 * Exit codes: 0 the report (a prod stack survives the loss of any one AZ, accepted losses aside; a
 * dev stack's single points of failure are expected); 1 a prod stack has a tier down after the
 * loss of one AZ; 2 usage, a stack file or config the plan refuses, or any other failure.
 */
import { azLabel } from "../lib/naming";
import { ConfigError } from "../stacks/config";
import { CliOutput, stackArgs } from "./cli-args";
import { Plan, PlanResource, sharedStackRun, toPlan } from "./plan";
import { PROJECT_ROOT, StackFileError, readStackConfig } from "./stack-file";

export type Status = "survives" | "degraded" | "down" | "accepted";

export type TierKind = "alb" | "service" | "database" | "cache" | "kafka" | "egress" | "nodes" | "workload" | "gateway" | "function" | "regional";

/** One tier's fate when one AZ is lost. */
export interface TierOutcome {
    readonly kind: TierKind;
    /** The tier's name: the service, the ALB's or database's identifier, `namespace/name`… */
    readonly name: string;
    readonly status: Status;
    readonly reason: string;
}

export interface AzLoss {
    /** The AZ lost, e.g. `ap-northeast-2a`. */
    readonly az: string;
    readonly tiers: readonly TierOutcome[];
}

/** What the stack file says that the plan cannot: its env, its prefix, what it accepts. */
export interface StackFacts {
    readonly stack: string;
    /** `platform:env`: only prod must survive the loss of any one AZ. */
    readonly env: string;
    /** `<platform:name>-<env>-`, stripped from physical names to keep the table short. */
    readonly prefix?: string;
    /** `platform:network.natGatewaysReason`: the stack accepts losing egress with its one NAT gateway's AZ. */
    readonly natGatewaysReason?: string;
}

export interface ResilienceReport {
    readonly stack: string;
    readonly env: string;
    /** Every AZ of the stack's subnets, sorted. */
    readonly azs: readonly string[];
    /** One table per AZ lost. */
    readonly losses: readonly AzLoss[];
    /** The tiers down after the loss of one AZ (accepted ones aside). */
    readonly down: ReadonlyArray<{ readonly az: string } & TierOutcome>;
    /** The losses the stack accepts (status accepted). */
    readonly accepted: ReadonlyArray<{ readonly az: string } & TierOutcome>;
    /** prod: nothing down after the loss of any one AZ; dev: always (its single points of failure are expected). */
    readonly passed: boolean;
}

const RANK: Record<Status, number> = { survives: 0, degraded: 1, accepted: 2, down: 3 };

function worst(a: Status, b: Status): Status {
    return RANK[a] >= RANK[b] ? a : b;
}

// ---------------------------------------------------------------------------------------------
// Reading the plan's inputs (plain JSON: references already resolved to the mock's ids).
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function objects(value: unknown): Json[] {
    return Array.isArray(value) ? value.map(obj).filter((v): v is Json => v !== undefined) : [];
}

function unique(values: Iterable<string>): string[] {
    return [...new Set(values)].sort();
}

/** `2a, 2b, 2c` */
function labels(azs: Iterable<string>): string {
    return unique(azs).map(azLabel).join(", ");
}

function plural(count: number, one: string, many = `${one}s`): string {
    return `${count} ${count === 1 ? one : many}`;
}

/** `1 keeps`, `2 keep` */
function keep(count: number, verb = "keep"): string {
    return `${count} ${count === 1 ? `${verb}s` : verb}`;
}

/** At most this many of `count` members spread evenly over `zones` sit in one zone. */
function perZoneAtMost(count: number, zones: number): number {
    return Math.ceil(count / Math.max(zones, 1));
}

const TYPES = {
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    route: "aws:ec2/route:Route",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    ecsService: "aws:ecs/service:Service",
    scalingTarget: "aws:appautoscaling/target:Target",
    rdsInstance: "aws:rds/instance:Instance",
    rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    auroraCluster: "aws:rds/cluster:Cluster",
    auroraInstance: "aws:rds/clusterInstance:ClusterInstance",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    instance: "aws:ec2/instance:Instance",
    eni: "aws:ec2/networkInterface:NetworkInterface",
    eksCluster: "aws:eks/cluster:Cluster",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    deployment: "kubernetes:apps/v1:Deployment",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    release: "kubernetes:helm.sh/v3:Release",
    function: "aws:lambda/function:Function",
} as const;

/** Regional or global services: AWS serves them from every AZ of the Region (or from its edge). */
const REGIONAL: ReadonlyArray<readonly [string, string]> = [
    ["aws:cloudfront/distribution:Distribution", "CloudFront distribution"],
    ["aws:s3/bucket:Bucket", "S3 bucket"],
    ["aws:s3/bucketV2:BucketV2", "S3 bucket"],
    ["aws:dynamodb/table:Table", "DynamoDB table"],
    ["aws:apigatewayv2/api:Api", "API Gateway API"],
    ["aws:apigateway/restApi:RestApi", "API Gateway API"],
    ["aws:sqs/queue:Queue", "SQS queue"],
    ["aws:sns/topic:Topic", "SNS topic"],
    ["aws:scheduler/schedule:Schedule", "EventBridge Scheduler schedule"],
    ["aws:secretsmanager/secret:Secret", "Secrets Manager secret"],
    ["aws:ssm/parameter:Parameter", "SSM parameter"],
    ["aws:ecr/repository:Repository", "ECR repository"],
    ["aws:route53/healthCheck:HealthCheck", "Route 53 health check"],
];

/** A tier as the report sees it: how it fares when `lost` goes, and the subnets it runs in. */
interface Tier {
    readonly kind: TierKind;
    readonly name: string;
    assess(lost: string): { status: Status; reason: string };
    /** Subnets the tier's compute runs in: those left without egress degrade it. */
    readonly egressSubnets?: readonly string[];
}

class Topology {
    private readonly byId = new Map<string, PlanResource>();
    /** subnet id → AZ */
    readonly subnetAz = new Map<string, string>();

    constructor(readonly resources: readonly PlanResource[]) {
        for (const r of resources) {
            if (r.id !== null && !this.byId.has(r.id)) {
                this.byId.set(r.id, r);
            }
            if (r.type === TYPES.subnet && r.id !== null) {
                const az = str(r.inputs.availabilityZone);
                if (az !== undefined) {
                    this.subnetAz.set(r.id, az);
                }
            }
        }
    }

    ofType(type: string): PlanResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    get(id: unknown): PlanResource | undefined {
        return typeof id === "string" ? this.byId.get(id) : undefined;
    }

    azsOf(subnetIds: readonly string[]): string[] {
        return unique(subnetIds.flatMap((id) => this.subnetAz.get(id) ?? []));
    }

    get azs(): string[] {
        return unique(this.subnetAz.values());
    }
}

// ---------------------------------------------------------------------------------------------
// NAT egress
// ---------------------------------------------------------------------------------------------

/** For each private subnet whose route table sends 0.0.0.0/0 to a NAT gateway: the NAT's AZ. */
function natOfSubnets(topology: Topology): Map<string, string> {
    const natAzOfTable = new Map<string, string>();
    for (const route of topology.ofType(TYPES.route)) {
        const nat = topology.get(route.inputs.natGatewayId);
        const table = str(route.inputs.routeTableId);
        const natAz = nat ? topology.subnetAz.get(str(nat.inputs.subnetId) ?? "") : undefined;
        if (route.inputs.destinationCidrBlock === "0.0.0.0/0" && table !== undefined && natAz !== undefined) {
            natAzOfTable.set(table, natAz);
        }
    }
    const result = new Map<string, string>();
    for (const association of topology.ofType(TYPES.association)) {
        const subnet = str(association.inputs.subnetId);
        const natAz = natAzOfTable.get(str(association.inputs.routeTableId) ?? "");
        if (subnet !== undefined && natAz !== undefined) {
            result.set(subnet, natAz);
        }
    }
    return result;
}

/** The VPC endpoints' services (`s3`, `ecr.api`…): what a subnet without egress still reaches. */
function endpointServices(topology: Topology): string[] {
    return topology.ofType(TYPES.endpoint).map((e) => (str(e.inputs.serviceName) ?? "").replace(/^com\.amazonaws\.[^.]+\./, "")).filter((s) => s !== "");
}

function egressTier(topology: Topology, natOf: Map<string, string>, facts: StackFacts): Tier | undefined {
    if (natOf.size === 0) {
        return undefined;
    }
    const endpoints = endpointServices(topology);
    const reach = endpoints.length > 0 ? `VPC endpoints still answer: ${endpoints.join(", ")}` : "no VPC endpoint";
    return {
        kind: "egress",
        name: "NAT egress",
        assess(lost) {
            const cut = [...natOf].filter(([subnet, natAz]) => natAz === lost && topology.subnetAz.get(subnet) !== lost).map(([subnet]) => subnet);
            const left = [...natOf].filter(([subnet]) => topology.subnetAz.get(subnet) !== lost);
            if (cut.length === 0) {
                const own = left.every(([subnet, natAz]) => topology.subnetAz.get(subnet) === natAz);
                return {
                    status: "survives",
                    reason:
                        left.length === 0
                            ? `every private subnet is in ${azLabel(lost)}`
                            : own
                              ? `the private subnets left (${labels(left.map(([s]) => topology.subnetAz.get(s)!))}) egress through their own AZ's NAT gateway`
                              : `the private subnets left egress through the NAT gateway in ${labels(left.map(([, natAz]) => natAz))}`,
                };
            }
            const reason = `the private subnets of ${labels(topology.azsOf(cut))} route 0.0.0.0/0 through the NAT gateway in ${azLabel(lost)}: no internet from ${labels(topology.azsOf(cut))} (image pulls, AWS APIs without a VPC endpoint; ${reach})`;
            return facts.natGatewaysReason !== undefined
                ? { status: "accepted", reason: `${reason}; accepted by platform:network.natGatewaysReason: ${JSON.stringify(facts.natGatewaysReason)}` }
                : { status: "down", reason };
        },
    };
}

// ---------------------------------------------------------------------------------------------
// The tiers
// ---------------------------------------------------------------------------------------------

function shortName(name: string, facts: StackFacts): string {
    return facts.prefix !== undefined && name.startsWith(facts.prefix) && name.length > facts.prefix.length ? name.slice(facts.prefix.length) : name;
}

function albTiers(topology: Topology): Tier[] {
    return topology.ofType(TYPES.loadBalancer).map((lb) => {
        const subnets = [...strings(lb.inputs.subnets), ...objects(lb.inputs.subnetMappings).flatMap((m) => str(m.subnetId) ?? [])];
        const azs = topology.azsOf(subnets);
        const scheme = lb.inputs.internal === true ? "internal" : "internet-facing";
        const type = str(lb.inputs.loadBalancerType) === "network" ? "NLB" : "ALB";
        return {
            kind: "alb" as const,
            name: str(lb.inputs.name) ?? lb.name,
            assess(lost: string) {
                const left = azs.filter((az) => az !== lost);
                if (!azs.includes(lost)) {
                    return { status: "survives" as const, reason: `${scheme} ${type} in ${labels(azs)}: no node in ${azLabel(lost)}` };
                }
                return left.length === 0
                    ? { status: "down" as const, reason: `${scheme} ${type} in ${labels(azs)} only: no AZ left to serve from` }
                    : { status: "survives" as const, reason: `${scheme} ${type} in ${labels(azs)}: serves from ${labels(left)} (AWS takes ${azLabel(lost)}'s nodes out of its DNS)` };
            },
        };
    });
}

function serviceTiers(topology: Topology, facts: StackFacts): Tier[] {
    const minimum = new Map<string, number>();
    for (const target of topology.ofType(TYPES.scalingTarget)) {
        if (target.inputs.serviceNamespace === "ecs" && typeof target.inputs.resourceId === "string" && num(target.inputs.minCapacity) !== undefined) {
            minimum.set(target.inputs.resourceId, num(target.inputs.minCapacity)!);
        }
    }
    return topology.ofType(TYPES.ecsService).map((service) => {
        const physical = str(service.inputs.name) ?? service.name;
        const cluster = str(service.inputs.cluster)?.split("/").pop() ?? "";
        const min = minimum.get(`service/${cluster}/${physical}`);
        const tasks = min ?? num(service.inputs.desiredCount) ?? 0;
        const count = min !== undefined ? `${plural(tasks, "task")} (autoscaling min)` : `${plural(tasks, "task")} (desired count)`;
        const subnets = strings(obj(service.inputs.networkConfiguration)?.subnets);
        const azs = topology.azsOf(subnets);
        return {
            kind: "service" as const,
            name: shortName(physical, facts),
            egressSubnets: subnets,
            assess(lost: string) {
                const left = azs.filter((az) => az !== lost);
                if (tasks === 0) {
                    return { status: "survives" as const, reason: "0 tasks (scaled to zero): nothing to lose" };
                }
                if (!azs.includes(lost)) {
                    return { status: "survives" as const, reason: `${count} in ${labels(azs)}: none in ${azLabel(lost)}` };
                }
                if (left.length === 0) {
                    return { status: "down" as const, reason: `${count}, all in ${azLabel(lost)} (its only AZ): nothing left to serve` };
                }
                if (tasks === 1) {
                    return { status: "down" as const, reason: `${count} over ${labels(azs)}: it may be the one in ${azLabel(lost)}; the replacement ECS starts in ${labels(left)} is recovery, not survival` };
                }
                const lostAtMost = perZoneAtMost(tasks, azs.length);
                return {
                    status: "degraded" as const,
                    reason: `${count} over ${labels(azs)}, spread by AZ: at most ${lostAtMost} in ${azLabel(lost)}, ${keep(tasks - lostAtMost)} serving while ECS replaces the rest in ${labels(left)}`,
                };
            },
        };
    });
}

function databaseTiers(topology: Topology): Tier[] {
    const tiers: Tier[] = [];
    const groupAzs = (name: unknown): string[] => {
        const group = topology.ofType(TYPES.rdsSubnetGroup).find((g) => g.inputs.name === name || g.id === name);
        return group ? topology.azsOf(strings(group.inputs.subnetIds)) : [];
    };
    for (const db of topology.ofType(TYPES.rdsInstance)) {
        if (db.inputs.replicateSourceDb !== undefined && db.inputs.replicateSourceDb !== null) {
            continue; // A read replica: its source is the tier.
        }
        const azs = groupAzs(db.inputs.dbSubnetGroupName);
        const az = str(db.inputs.availabilityZone);
        tiers.push({
            kind: "database",
            name: str(db.inputs.identifier) ?? db.name,
            assess(lost) {
                if (db.inputs.multiAz === true) {
                    if (azs.length > 0 && !azs.includes(lost)) {
                        return { status: "survives", reason: `Multi-AZ over ${labels(azs)}: nothing in ${azLabel(lost)}` };
                    }
                    return {
                        status: "degraded",
                        reason: `Multi-AZ over ${labels(azs)}: if the primary is in ${azLabel(lost)}, RDS fails over to its standby in the other AZ (1-2 minutes); else only the standby is replaced`,
                    };
                }
                if (az !== undefined) {
                    return az === lost
                        ? { status: "down", reason: `single-AZ in ${azLabel(az)}: down until ${azLabel(az)} returns or a restore elsewhere (recovery, not survival)` }
                        : { status: "survives", reason: `single-AZ in ${azLabel(az)}` };
                }
                return azs.length > 0 && !azs.includes(lost)
                    ? { status: "survives", reason: `single-AZ in ${labels(azs)}: not in ${azLabel(lost)}` }
                    : { status: "down", reason: `single-AZ, placed by RDS in one of ${labels(azs)}: it may be the one in ${azLabel(lost)}` };
            },
        });
    }
    for (const cluster of topology.ofType(TYPES.auroraCluster)) {
        const identifier = str(cluster.inputs.clusterIdentifier) ?? cluster.id;
        const members = topology.ofType(TYPES.auroraInstance).filter((i) => i.inputs.clusterIdentifier === cluster.id || i.inputs.clusterIdentifier === identifier);
        if (members.length === 0) {
            continue;
        }
        // The writer: the instance the others wait for (the first of a cluster becomes its writer),
        // else the lowest promotion tier.
        const waitedFor = new Set(members.flatMap((m) => strings(m.options?.dependsOn)));
        const writer =
            members.find((m) => waitedFor.has(m.urn)) ?? [...members].sort((a, b) => (num(a.inputs.promotionTier) ?? 1) - (num(b.inputs.promotionTier) ?? 1))[0];
        const readers = members.filter((m) => m !== writer);
        const azOf = (m: PlanResource) => str(m.inputs.availabilityZone);
        const writerAz = azOf(writer);
        tiers.push({
            kind: "database",
            name: identifier ?? cluster.name,
            assess(lost) {
                const readersLeft = readers.filter((r) => azOf(r) !== undefined && azOf(r) !== lost);
                const readersLost = readers.filter((r) => azOf(r) === lost);
                const layout = `writer in ${writerAz ? azLabel(writerAz) : "an AZ Aurora picks"}${readers.length > 0 ? `, ${plural(readers.length, "reader")} in ${labels(readers.flatMap((r) => azOf(r) ?? []))}` : ", no reader"}`;
                if (writerAz === lost || writerAz === undefined) {
                    if (readersLeft.length === 0) {
                        return { status: "down", reason: `${layout}: no reader in another AZ to promote; Aurora creates a new writer elsewhere (recovery, not survival)` };
                    }
                    // Aurora promotes a reader of the lowest promotion tier (the largest, then any).
                    const tier = Math.min(...readersLeft.map((r) => num(r.inputs.promotionTier) ?? 1));
                    const next = readersLeft.filter((r) => (num(r.inputs.promotionTier) ?? 1) === tier).map((r) => azOf(r)!);
                    return {
                        status: "degraded",
                        reason: `${layout}: the writer is lost, ${next.length === 1 ? `the reader in ${azLabel(next[0])}` : `a reader in ${labels(next)}`} is promoted (Aurora failover, typically under a minute); its storage spans three AZs`,
                    };
                }
                if (readersLost.length > 0) {
                    const reads = readersLeft.length > 0 ? `readers left in ${labels(readersLeft.map((r) => azOf(r)!))}` : "the reader endpoint falls back to the writer";
                    return { status: "degraded", reason: `${layout}: ${plural(readersLost.length, "reader")} lost, the writer serves on (${reads})` };
                }
                return { status: "survives", reason: `${layout}: none in ${azLabel(lost)}` };
            },
        });
    }
    return tiers;
}

interface Shard {
    readonly label: string;
    readonly primary?: string;
    readonly replicas: readonly (string | undefined)[];
}

function cacheTiers(topology: Topology): Tier[] {
    return topology.ofType(TYPES.replicationGroup).map((group) => {
        const failover = group.inputs.automaticFailoverEnabled === true;
        const multiAz = group.inputs.multiAzEnabled === true;
        const subnetGroup = topology.ofType(TYPES.cacheSubnetGroup).find((g) => g.inputs.name === group.inputs.subnetGroupName || g.id === group.inputs.subnetGroupName);
        const groupAzs = subnetGroup ? topology.azsOf(strings(subnetGroup.inputs.subnetIds)) : [];
        const configured = objects(group.inputs.nodeGroupConfigurations);
        let shards: Shard[];
        if (configured.length > 0) {
            shards = configured.map((c, i) => {
                const replicaAzs = strings(c.replicaAvailabilityZones);
                const count = num(c.replicaCount) ?? replicaAzs.length;
                return {
                    label: `shard ${str(c.nodeGroupId) ?? String(i + 1)}: `,
                    primary: str(c.primaryAvailabilityZone),
                    replicas: Array.from({ length: count }, (_, r) => replicaAzs[r]),
                };
            });
        } else if (num(group.inputs.numNodeGroups) !== undefined) {
            const replicas = num(group.inputs.replicasPerNodeGroup) ?? 0;
            shards = Array.from({ length: num(group.inputs.numNodeGroups)! }, (_, i) => ({ label: `shard ${i + 1}: `, primary: undefined, replicas: Array.from({ length: replicas }, () => undefined) }));
        } else {
            const azs = strings(group.inputs.preferredCacheClusterAzs);
            const nodes = num(group.inputs.numCacheClusters) ?? Math.max(azs.length, 1);
            shards = [{ label: "", primary: azs[0], replicas: Array.from({ length: nodes - 1 }, (_, r) => azs[r + 1]) }];
        }
        const noFailover = !failover ? "automatic failover off" : !multiAz ? "Multi-AZ off" : undefined;
        const assessShard = (shard: Shard, lost: string): { status: Status; reason: string } => {
            const known = shard.primary !== undefined && shard.replicas.every((r) => r !== undefined);
            const layout = `${shard.label}primary in ${shard.primary ? azLabel(shard.primary) : "an AZ ElastiCache picks"}${shard.replicas.length > 0 ? `, ${plural(shard.replicas.length, "replica")}${known ? ` in ${labels(shard.replicas as string[])}` : ""}` : ", no replica"}`;
            if (!known) {
                // ElastiCache places the nodes over the subnet group's AZs itself.
                if (groupAzs.length > 0 && !groupAzs.includes(lost)) {
                    return { status: "survives", reason: `${layout}: no subnet in ${azLabel(lost)}` };
                }
                return shard.replicas.length > 0 && noFailover === undefined
                    ? { status: "degraded", reason: `${layout} placed by ElastiCache over ${labels(groupAzs)}: a replica is promoted if the primary was in ${azLabel(lost)} (automatic failover, Multi-AZ)` }
                    : { status: "down", reason: `${layout} placed by ElastiCache over ${labels(groupAzs)}: the primary may be in ${azLabel(lost)}${noFailover ? ` and ${noFailover}` : ", no replica"}` };
            }
            const replicasLeft = (shard.replicas as string[]).filter((r) => r !== lost);
            if (shard.primary === lost) {
                if (shard.replicas.length === 0 || replicasLeft.length === 0 || noFailover !== undefined) {
                    const why = shard.replicas.length === 0 ? "no replica to promote" : replicasLeft.length === 0 ? "no replica in another AZ" : noFailover!;
                    return { status: "down", reason: `${layout}: the primary is lost, ${why}` };
                }
                return {
                    status: "degraded",
                    reason: `${layout}: the primary is lost, ${replicasLeft.length === 1 ? `the replica in ${azLabel(replicasLeft[0])}` : `a replica in ${labels(replicasLeft)}`} is promoted (automatic failover, Multi-AZ)`,
                };
            }
            if (replicasLeft.length < shard.replicas.length) {
                return { status: "degraded", reason: `${layout}: ${plural(shard.replicas.length - replicasLeft.length, "replica")} lost, the primary serves on` };
            }
            return { status: "survives", reason: `${layout}: none in ${azLabel(lost)}` };
        };
        return {
            kind: "cache" as const,
            name: str(group.inputs.replicationGroupId) ?? group.name,
            assess(lost: string) {
                const outcomes = shards.map((s) => assessShard(s, lost));
                return {
                    status: outcomes.map((o) => o.status).reduce(worst, "survives" as Status),
                    reason: outcomes.map((o) => o.reason).join("; "),
                };
            },
        };
    });
}

/** `key=value` lines of a boot script (Kafka's server.properties written by its user data). */
function properties(script: string): Map<string, string> {
    const result = new Map<string, string>();
    for (const line of script.split("\n")) {
        const match = /^\s*([a-z][a-z0-9._-]*)=(.*)$/.exec(line);
        if (match && !result.has(match[1])) {
            result.set(match[1], match[2].trim());
        }
    }
    return result;
}

function kafkaTiers(topology: Topology): Tier[] {
    const nodes = topology
        .ofType(TYPES.instance)
        .filter((i) => obj(i.inputs.tags)?.KafkaNodeId !== undefined)
        .map((i) => {
            const eni = topology.get(obj(i.inputs.primaryNetworkInterface)?.networkInterfaceId);
            const subnet = str(i.inputs.subnetId) ?? str(eni?.inputs.subnetId);
            const props = properties(str(i.inputs.userData) ?? "");
            return { id: String(obj(i.inputs.tags)!.KafkaNodeId), az: subnet ? topology.subnetAz.get(subnet) : undefined, props };
        });
    if (nodes.length === 0) {
        return [];
    }
    const props = nodes[0].props;
    const roles = (node: (typeof nodes)[number]) => (node.props.get("process.roles") ?? "broker,controller").split(",").map((r) => r.trim());
    const voterIds = (props.get("controller.quorum.voters") ?? "").split(",").map((v) => v.split("@")[0].trim()).filter((v) => v !== "");
    const controllers = voterIds.length > 0 ? voterIds.map((id) => nodes.find((n) => n.id === id)) : nodes.filter((n) => roles(n).includes("controller"));
    const brokers = nodes.filter((n) => roles(n).includes("broker"));
    const replication = Number(props.get("default.replication.factor") ?? NaN);
    const minIsr = Number(props.get("min.insync.replicas") ?? NaN);
    return [
        {
            kind: "kafka",
            name: "Kafka",
            assess(lost) {
                const layout = `${plural(nodes.length, "KRaft node")} in ${labels(nodes.flatMap((n) => n.az ?? []))}`;
                // A voter whose node or AZ is unknown counts as lost (the worst case).
                const controllersLeft = controllers.filter((c) => c !== undefined && c.az !== undefined && c.az !== lost).length;
                const majority = Math.floor(controllers.length / 2) + 1;
                const brokersLost = brokers.filter((b) => b.az === undefined || b.az === lost).length;
                if (brokersLost === 0 && controllersLeft === controllers.length) {
                    return { status: "survives", reason: `${layout}: none in ${azLabel(lost)}` };
                }
                const quorum = `${controllersLeft} of ${controllers.length} controllers left (a quorum needs ${majority})`;
                if (controllersLeft < majority) {
                    return { status: "down", reason: `${layout}: ${quorum}: no quorum, no metadata, no leader elections` };
                }
                if (Number.isFinite(replication) && Number.isFinite(minIsr)) {
                    const replicasLeft = replication - Math.min(replication, brokersLost);
                    if (replicasLeft < minIsr) {
                        return { status: "down", reason: `${layout}: ${quorum}, but a partition may keep ${replicasLeft} of ${replication} replicas, below min ISR ${minIsr}: acks=all writes refused` };
                    }
                    return { status: "degraded", reason: `${layout}: ${quorum}; every partition keeps at least ${replicasLeft} of ${replication} replicas (min ISR ${minIsr})` };
                }
                return { status: "degraded", reason: `${layout}: ${quorum}` };
            },
        },
    ];
}

function nodeGroupTiers(topology: Topology, facts: StackFacts): Tier[] {
    return topology.ofType(TYPES.nodeGroup).map((group) => {
        const subnets = strings(group.inputs.subnetIds);
        const azs = topology.azsOf(subnets);
        const scaling = obj(group.inputs.scalingConfig);
        const min = num(scaling?.minSize) ?? num(scaling?.desiredSize) ?? 1;
        return {
            kind: "nodes" as const,
            name: shortName(str(group.inputs.nodeGroupName) ?? group.name, facts),
            egressSubnets: subnets,
            assess(lost: string) {
                const left = azs.filter((az) => az !== lost);
                const count = `${plural(min, "node")} (min)`;
                if (!azs.includes(lost)) {
                    return { status: "survives" as const, reason: `${count} in ${labels(azs)}: none in ${azLabel(lost)}` };
                }
                const lostAtMost = perZoneAtMost(min, azs.length);
                if (left.length === 0 || min - lostAtMost < 1) {
                    return { status: "down" as const, reason: `${count} over ${labels(azs)}: all may be in ${azLabel(lost)}; new nodes in ${left.length > 0 ? labels(left) : "another AZ"} are recovery, not survival` };
                }
                return {
                    status: "degraded" as const,
                    reason: `${count} over ${labels(azs)}, balanced by AZ: at most ${lostAtMost} in ${azLabel(lost)}, ${keep(min - lostAtMost)} running; the node group replaces the rest in ${labels(left)}`,
                };
            },
        };
    });
}

interface SpreadConstraint {
    readonly topologyKey?: unknown;
    readonly whenUnsatisfiable?: unknown;
    readonly maxSkew?: unknown;
}

const ZONE_KEY = "topology.kubernetes.io/zone";

/** How `replicas` pods with these spread constraints fare when `lost` goes, on nodes in `nodeAzs`. */
function podsOutcome(what: string, replicas: number, constraints: readonly SpreadConstraint[], nodeAzs: readonly string[], lost: string): { status: Status; reason: string } {
    const count = `${plural(replicas, "pod")} (${what})`;
    const left = nodeAzs.filter((az) => az !== lost);
    if (!nodeAzs.includes(lost)) {
        return { status: "survives", reason: `${count} on nodes in ${labels(nodeAzs)}: none in ${azLabel(lost)}` };
    }
    const zone = constraints.filter((c) => c.topologyKey === ZONE_KEY);
    const hard = zone.filter((c) => c.whenUnsatisfiable === "DoNotSchedule" && num(c.maxSkew) !== undefined);
    const skew = hard.length > 0 ? Math.min(...hard.map((c) => num(c.maxSkew)!)) : undefined;
    if (skew !== undefined && replicas > skew && left.length > 0) {
        const zones = nodeAzs.length;
        const lostAtMost = Math.min(replicas - 1, Math.floor((replicas + skew * (zones - 1)) / zones));
        return {
            status: "degraded",
            reason: `${count} spread over the zones (DoNotSchedule, maxSkew ${skew}): at most ${lostAtMost} in ${azLabel(lost)}, ${keep(replicas - lostAtMost)} serving; the rest are rescheduled in ${labels(left)}`,
        };
    }
    const why =
        replicas === 1
            ? "1 pod: it may be in"
            : skew !== undefined
              ? `a zone spread of maxSkew ${skew} allows all of them in`
              : zone.length > 0
                ? "the zone spread is only preferred (ScheduleAnyway): all of them may be in"
                : "no zone spread: all of them may be in";
    return { status: "down", reason: `${count}: ${why} ${azLabel(lost)}; pods rescheduled in ${left.length > 0 ? labels(left) : "another AZ"} are recovery, not survival` };
}

function kubernetesTiers(topology: Topology): Tier[] {
    const groups = topology.ofType(TYPES.nodeGroup);
    if (groups.length === 0) {
        return [];
    }
    const nodeSubnets = unique(groups.flatMap((g) => strings(g.inputs.subnetIds)));
    const nodeAzs = topology.azsOf(nodeSubnets);
    const tiers: Tier[] = [];
    const hpas = topology.ofType(TYPES.hpa);
    for (const deployment of topology.ofType(TYPES.deployment)) {
        const metadata = obj(deployment.inputs.metadata);
        const namespace = str(metadata?.namespace) ?? "default";
        const name = str(metadata?.name) ?? deployment.name;
        const spec = obj(deployment.inputs.spec);
        const hpa = hpas.find((h) => {
            const hm = obj(h.inputs.metadata);
            const target = obj(obj(h.inputs.spec)?.scaleTargetRef);
            return (str(hm?.namespace) ?? "default") === namespace && target?.kind === "Deployment" && target?.name === name;
        });
        const hpaMin = hpa ? (num(obj(hpa.inputs.spec)?.minReplicas) ?? 1) : undefined;
        const replicas = hpaMin ?? num(spec?.replicas) ?? 1;
        const constraints = objects(obj(obj(spec?.template)?.spec)?.topologySpreadConstraints) as SpreadConstraint[];
        tiers.push({
            kind: "workload",
            name: `${namespace}/${name}`,
            egressSubnets: nodeSubnets,
            assess: (lost) => podsOutcome(hpaMin !== undefined ? "HPA min" : "replicas", replicas, constraints, nodeAzs, lost),
        });
    }
    // The mesh's ingress gateway (Istio's `gateway` chart): every request comes in through it.
    for (const release of topology.ofType(TYPES.release).filter((r) => r.inputs.chart === "gateway")) {
        const values = obj(release.inputs.values) ?? {};
        const autoscaling = obj(values.autoscaling);
        const replicas = autoscaling?.enabled === true ? (num(autoscaling.minReplicas) ?? 1) : (num(values.replicaCount) ?? 1);
        const constraints = objects(values.topologySpreadConstraints) as SpreadConstraint[];
        tiers.push({
            kind: "gateway",
            name: `${str(release.inputs.namespace) ?? "default"}/${str(release.inputs.name) ?? release.name}`,
            egressSubnets: nodeSubnets,
            assess: (lost) => podsOutcome(autoscaling?.enabled === true ? "HPA min" : "replicas", replicas, constraints, nodeAzs, lost),
        });
    }
    return tiers;
}

function functionTiers(topology: Topology, facts: StackFacts): Tier[] {
    return topology
        .ofType(TYPES.function)
        .filter((f) => strings(obj(f.inputs.vpcConfig)?.subnetIds).length > 0)
        .map((f) => {
            const subnets = strings(obj(f.inputs.vpcConfig)?.subnetIds);
            const azs = topology.azsOf(subnets);
            return {
                kind: "function" as const,
                name: shortName(str(f.inputs.name) ?? f.name, facts),
                egressSubnets: subnets,
                assess(lost: string) {
                    const left = azs.filter((az) => az !== lost);
                    if (!azs.includes(lost)) {
                        return { status: "survives" as const, reason: `Lambda in the VPC over ${labels(azs)}: none in ${azLabel(lost)}` };
                    }
                    return left.length === 0
                        ? { status: "down" as const, reason: `Lambda in the VPC in ${labels(azs)} only: no subnet left to run in` }
                        : { status: "survives" as const, reason: `Lambda in the VPC over ${labels(azs)}: runs in ${labels(left)}` };
                },
            };
        });
}

function regionalTier(topology: Topology, facts: StackFacts): Tier | undefined {
    const counts = new Map<string, number>();
    for (const [type, label] of REGIONAL) {
        const n = topology.ofType(type).length;
        if (n > 0) {
            counts.set(label, (counts.get(label) ?? 0) + n);
        }
    }
    const parts = [...counts].map(([label, n]) => plural(n, label));
    if (topology.ofType(TYPES.eksCluster).length > 0) {
        parts.push("the EKS control plane");
    }
    const outside = topology.ofType(TYPES.function).filter((f) => strings(obj(f.inputs.vpcConfig)?.subnetIds).length === 0);
    if (outside.length > 0) {
        parts.push(`${plural(outside.length, "Lambda function")} outside the VPC (${outside.map((f) => shortName(str(f.inputs.name) ?? f.name, facts)).join(", ")})`);
    }
    if (parts.length === 0) {
        return undefined;
    }
    return {
        kind: "regional",
        name: "regional services",
        assess: () => ({ status: "survives", reason: `${parts.join(", ")}: AWS runs them over the Region's AZs${counts.has("CloudFront distribution") ? " (CloudFront at its edge)" : ""}` }),
    };
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

/** The report of a plan: for each AZ of its subnets, every tier's fate when that AZ is lost. */
export function resilienceReport(plan: Pick<Plan, "resources">, facts: StackFacts): ResilienceReport {
    const topology = new Topology(plan.resources);
    const natOf = natOfSubnets(topology);
    const egress = egressTier(topology, natOf, facts);
    const regional = regionalTier(topology, facts);
    const tiers: Tier[] = [
        ...albTiers(topology),
        ...serviceTiers(topology, facts),
        ...nodeGroupTiers(topology, facts),
        ...kubernetesTiers(topology),
        ...functionTiers(topology, facts),
        ...databaseTiers(topology),
        ...cacheTiers(topology),
        ...kafkaTiers(topology),
        ...(egress ? [egress] : []),
        ...(regional ? [regional] : []),
    ];
    const azs = topology.azs;
    const losses = azs.map((lost): AzLoss => {
        // Subnets left whose NAT gateway was in the lost AZ: no internet from them.
        const cut = new Set([...natOf].filter(([subnet, natAz]) => natAz === lost && topology.subnetAz.get(subnet) !== lost).map(([subnet]) => subnet));
        const accepted = facts.natGatewaysReason !== undefined;
        return {
            az: lost,
            tiers: tiers.map((tier) => {
                let { status, reason } = tier.assess(lost);
                const without = (tier.egressSubnets ?? []).filter((s) => cut.has(s));
                if (without.length > 0 && (status === "survives" || status === "degraded")) {
                    status = "degraded";
                    reason = `${reason}; no internet egress from ${labels(topology.azsOf(without))} (NAT egress${accepted ? ", accepted" : ""})`;
                }
                return { kind: tier.kind, name: tier.name, status, reason };
            }),
        };
    });
    const flat = losses.flatMap((loss) => loss.tiers.map((t) => ({ az: loss.az, ...t })));
    const down = flat.filter((t) => t.status === "down");
    return {
        stack: facts.stack,
        env: facts.env,
        azs,
        losses,
        down,
        accepted: flat.filter((t) => t.status === "accepted"),
        passed: facts.env !== "prod" || down.length === 0,
    };
}

/** The CLI's exit code for a report: 1 when a prod stack has a tier down after one AZ's loss, else 0. */
export function resilienceExitCode(report: ResilienceReport): 0 | 1 {
    return report.passed ? 0 : 1;
}

/** What the stack file says that the plan does not: env, prefix, the NAT decision. */
export function stackFacts(stack: string, root: string = PROJECT_ROOT): StackFacts {
    const config = readStackConfig(stack, root).config;
    const env = config["platform:env"] ?? "dev";
    const name = config["platform:name"];
    let natGatewaysReason: string | undefined;
    try {
        const network = obj(JSON.parse(config["platform:network"] ?? "null"));
        natGatewaysReason = str(network?.natGatewaysReason);
    } catch {
        // Not JSON: the plan refuses such a stack before the report reads it.
    }
    return { stack, env, ...(name !== undefined ? { prefix: `${name}-${env}-` } : {}), ...(natGatewaysReason !== undefined ? { natGatewaysReason } : {}) };
}

/** The report of `Pulumi.<stack>.yaml` of `root`, from its offline plan (shared and cached runs). */
export async function stackResilience(stack: string, root: string = PROJECT_ROOT): Promise<ResilienceReport> {
    const plan = toPlan(await sharedStackRun(stack, root));
    return resilienceReport(plan, stackFacts(stack, root));
}

/** A tier as the table names it: `service web`, `database couple-prod-db`, `NAT egress`. */
export function tierLabel(tier: Pick<TierOutcome, "kind" | "name">): string {
    const kind = { alb: "load balancer", service: "service", database: "database", cache: "cache", kafka: "", egress: "", nodes: "node group", workload: "workload", gateway: "mesh gateway", function: "function", regional: "" }[tier.kind];
    return kind === "" ? tier.name : `${kind} ${tier.name}`;
}

/** One table per AZ lost (tier, status, reason), then the verdict. */
export function renderResilienceText(report: ResilienceReport): string {
    const lines = [`AZ-loss report for stack "${report.stack}" (${report.env}; offline plan, nothing deployed):`, ""];
    if (report.azs.length === 0) {
        lines.push("No subnets: nothing in this stack lives in an AZ.");
    }
    for (const loss of report.losses) {
        lines.push(`If ${loss.az} is lost:`);
        const rows = loss.tiers.map((t) => [tierLabel(t), t.status, t.reason]);
        const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length), i === 0 ? 4 : 6));
        lines.push(`  ${"tier".padEnd(widths[0])}  ${"status".padEnd(widths[1])}  reason`);
        for (const [tier, status, reason] of rows) {
            lines.push(`  ${tier.padEnd(widths[0])}  ${status.padEnd(widths[1])}  ${reason}`);
        }
        lines.push("");
    }
    const list = (items: ReadonlyArray<{ az: string } & TierOutcome>) => items.map((t) => `  - ${azLabel(t.az)} lost: ${tierLabel(t)}: ${t.reason}`);
    if (report.down.length === 0) {
        lines.push(report.azs.length === 0 ? "Result: nothing zonal to lose." : "Result: every tier keeps serving after the loss of any one AZ.");
    } else if (report.env === "prod") {
        lines.push("Result: FAILS: a prod stack must keep every tier serving after the loss of any one AZ; down:", ...list(report.down));
    } else {
        lines.push(`Result: single points of failure, expected in a ${report.env} stack:`, ...list(report.down));
    }
    if (report.accepted.length > 0) {
        lines.push("Accepted by the stack:", ...list(report.accepted));
    }
    return `${lines.join("\n")}\n`;
}

/** One JSON document: `{ stack, env, azs, passed, down, accepted, losses: [{ az, tiers: [{ kind, name, status, reason }] }] }`. */
export function renderResilienceJson(report: ResilienceReport): string {
    const { stack, env, azs, passed, down, accepted, losses } = report;
    return `${JSON.stringify({ stack, env, azs, passed, down, accepted, losses }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------------

const USAGE = "usage: npm run -s resilience -- --stack <name> [--json] [--dir <directory of stack files>]";

/** Where the CLI writes: the process's stdout and stderr, or a test's buffers. */
export type { CliOutput } from "./cli-args";

/**
 * Runs the report for `argv` (the arguments after `--`); resolves to the exit code: 0 reported
 * (prod survives the loss of any one AZ, or a dev stack), 1 a prod stack has a tier down after
 * one AZ's loss, 2 usage or a stack the plan refuses.
 */
export async function resilienceCli(argv: readonly string[], output: CliOutput): Promise<number> {
    const options = stackArgs(argv, USAGE, output);
    if (typeof options === "number") {
        return options;
    }
    try {
        const report = await stackResilience(options.stack, options.dir);
        output.out(options.json ? renderResilienceJson(report) : renderResilienceText(report));
        return resilienceExitCode(report);
    } catch (err) {
        if (err instanceof ConfigError || err instanceof StackFileError) {
            output.err(`${err.message}\n`);
            return 2;
        }
        output.err(`resilience report failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return 2;
    }
}
