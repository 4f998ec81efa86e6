/**
 * The AZ-loss report (tooling/resilience.ts, `npm run -s resilience -- --stack <name>`) on the seed
 * systems' frozen stack files (tests/fixtures/seed), on copies edited as `pulumi config set --path`
 * edits them, and on plans edited by hand where the config itself refuses the edit (a prod
 * database without Multi-AZ). The live stack files are never pinned here.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, PlanResource, toPlan } from "../../tooling/plan";
import { sharedStackRun } from "../../tooling/plan";
import {
    ResilienceReport,
    Status,
    TierKind,
    renderResilienceText,
    resilienceCli,
    resilienceExitCode,
    resilienceReport,
    stackFacts,
    stackResilience,
} from "../../tooling/resilience";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { SEED_ROOT } from "../fixtures/seed";
import { StackCopy } from "../support/stack-copy";

const AZ = { a: "ap-northeast-2a", b: "ap-northeast-2b", c: "ap-northeast-2c" } as const;

/** The status and reason of one tier when `az` is lost. */
function outcome(report: ResilienceReport, az: string, kind: TierKind, name: string): { status: Status; reason: string } {
    const loss = report.losses.find((l) => l.az === az);
    const tier = loss?.tiers.find((t) => t.kind === kind && t.name === name);
    if (!tier) {
        throw new Error(`no ${kind} ${name} when ${az} is lost (have: ${loss?.tiers.map((t) => `${t.kind} ${t.name}`).join(", ")})`);
    }
    return { status: tier.status, reason: tier.reason };
}

/** Every tier's status when `az` is lost, as `<kind> <name>` → status. */
function statuses(report: ResilienceReport, az: string): Record<string, Status> {
    return Object.fromEntries(report.losses.find((l) => l.az === az)!.tiers.map((t) => [`${t.kind} ${t.name}`, t.status]));
}

async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await resilienceCli(args, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
    return { status, stdout, stderr };
}

/** The seed plan of `stack` (a copy: the tests edit it by hand). */
async function seedPlan(stack: string): Promise<Plan> {
    return structuredClone(toPlan(await sharedStackRun(stack, SEED_ROOT)));
}

function resource(plan: Plan, type: string, name: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    expect(found, `${type} ${name}`).to.have.length(1);
    return found[0];
}

describe("tooling/resilience: the AZ-loss report", () => {
    describe("system A prod (three AZs, a NAT per AZ, Aurora writer and two readers, Valkey, three KRaft nodes)", () => {
        let report: ResilienceReport;
        before(async () => {
            report = await stackResilience("prod", SEED_ROOT);
        });

        it("rates every AZ of the stack's subnets and survives the loss of any one", () => {
            expect(report.env).to.equal("prod");
            expect(report.azs).to.deep.equal([AZ.a, AZ.b, AZ.c]);
            expect(report.down).to.deep.equal([]);
            expect(report.accepted).to.deep.equal([]);
            expect(report.passed).to.equal(true);
            expect(resilienceExitCode(report)).to.equal(0);
        });

        it("loses 2a: the ALB serves from 2b and 2c, each service keeps a task, a reader is promoted, the cache's replica too, the quorum holds", () => {
            const lost = statuses(report, AZ.a);
            expect(lost).to.deep.equal({
                "alb goorm-popcorn-alb-prod": "survives",
                "service api-gateway-blue": "degraded",
                "service api-gateway-green": "survives",
                "service checkin-service": "degraded",
                "service order-query": "degraded",
                "service order-service": "degraded",
                "service payment-service": "degraded",
                "service store-service": "degraded",
                "service user-service": "degraded",
                "database goorm-popcorn-prod-db": "degraded",
                "cache goorm-popcorn-prod-cache": "degraded",
                "kafka Kafka": "degraded",
                "egress NAT egress": "survives",
                "regional regional services": "survives",
            });
            expect(outcome(report, AZ.a, "alb", "goorm-popcorn-alb-prod").reason).to.equal(
                "internet-facing ALB in 2a, 2b, 2c: serves from 2b, 2c (AWS takes 2a's nodes out of its DNS)",
            );
            expect(outcome(report, AZ.a, "service", "order-service").reason).to.equal(
                "2 tasks (autoscaling min) over 2a, 2b, 2c, spread by AZ: at most 1 in 2a, 1 keeps serving while ECS replaces the rest in 2b, 2c",
            );
            expect(outcome(report, AZ.a, "service", "api-gateway-green").reason).to.equal("0 tasks (scaled to zero): nothing to lose");
            expect(outcome(report, AZ.a, "database", "goorm-popcorn-prod-db").reason).to.equal(
                "writer in 2a, 2 readers in 2b, 2c: the writer is lost, a reader in 2b, 2c is promoted (Aurora failover, typically under a minute); its storage spans three AZs",
            );
            expect(outcome(report, AZ.a, "cache", "goorm-popcorn-prod-cache").reason).to.equal(
                "primary in 2a, 2 replicas in 2b, 2c: the primary is lost, a replica in 2b, 2c is promoted (automatic failover, Multi-AZ)",
            );
            expect(outcome(report, AZ.a, "kafka", "Kafka").reason).to.equal(
                "3 KRaft nodes in 2a, 2b, 2c: 2 of 3 controllers left (a quorum needs 2); every partition keeps at least 2 of 3 replicas (min ISR 2)",
            );
            expect(outcome(report, AZ.a, "egress", "NAT egress").reason).to.equal("the private subnets left (2b, 2c) egress through their own AZ's NAT gateway");
        });

        it("loses 2b: the writer in 2a serves on, one reader and one cache replica fewer", () => {
            expect(outcome(report, AZ.b, "database", "goorm-popcorn-prod-db")).to.deep.equal({
                status: "degraded",
                reason: "writer in 2a, 2 readers in 2b, 2c: 1 reader lost, the writer serves on (readers left in 2c)",
            });
            expect(outcome(report, AZ.b, "cache", "goorm-popcorn-prod-cache")).to.deep.equal({
                status: "degraded",
                reason: "primary in 2a, 2 replicas in 2b, 2c: 1 replica lost, the primary serves on",
            });
        });

        it("prints a table per AZ lost and the verdict (npm run resilience -- --stack prod), exit 0", async () => {
            const result = await cli("--stack", "prod", "--dir", SEED_ROOT);
            expect(result.status, result.stderr).to.equal(0);
            const lines = result.stdout.split("\n");
            expect(lines[0]).to.equal('AZ-loss report for stack "prod" (prod; offline plan, nothing deployed):');
            expect(lines.filter((l) => l.startsWith("If "))).to.deep.equal([`If ${AZ.a} is lost:`, `If ${AZ.b} is lost:`, `If ${AZ.c} is lost:`]);
            expect(lines).to.include("  tier                                  status    reason");
            expect(lines).to.include(
                "  Kafka                                 degraded  3 KRaft nodes in 2a, 2b, 2c: 2 of 3 controllers left (a quorum needs 2); every partition keeps at least 2 of 3 replicas (min ISR 2)",
            );
            expect(lines).to.include("Result: every tier keeps serving after the loss of any one AZ.");
        });

        it("prints the same as one JSON document (--json)", async () => {
            const result = await cli("--stack", "prod", "--dir", SEED_ROOT, "--json");
            expect(result.status, result.stderr).to.equal(0);
            const document = JSON.parse(result.stdout) as ResilienceReport;
            expect(Object.keys(document)).to.deep.equal(["stack", "env", "azs", "passed", "down", "accepted", "losses"]);
            expect(document).to.deep.include({ stack: "prod", env: "prod", azs: [AZ.a, AZ.b, AZ.c], passed: true, down: [], accepted: [] });
            expect(document.losses.map((l) => l.az)).to.deep.equal([AZ.a, AZ.b, AZ.c]);
            expect(document.losses[0].tiers[0]).to.deep.equal({
                kind: "alb",
                name: "goorm-popcorn-alb-prod",
                status: "survives",
                reason: "internet-facing ALB in 2a, 2b, 2c: serves from 2b, 2c (AWS takes 2a's nodes out of its DNS)",
            });
        });
    });

    describe("system A dev (the seed: one private AZ, one NAT, single-AZ data tier)", () => {
        let report: ResilienceReport;
        before(async () => {
            report = await stackResilience("dev", SEED_ROOT);
        });

        it("loses 2a: the services, the single-AZ database, the one-node cache and Kafka are down", () => {
            expect(outcome(report, AZ.a, "database", "goorm-popcorn-dev-db")).to.deep.equal({
                status: "down",
                reason: "single-AZ in 2a: down until 2a returns or a restore elsewhere (recovery, not survival)",
            });
            expect(outcome(report, AZ.a, "cache", "goorm-popcorn-dev-cache")).to.deep.equal({ status: "down", reason: "primary in 2a, no replica: the primary is lost, no replica to promote" });
            expect(outcome(report, AZ.a, "kafka", "Kafka")).to.deep.equal({
                status: "down",
                reason: "1 KRaft node in 2a: 0 of 1 controllers left (a quorum needs 1): no quorum, no metadata, no leader elections",
            });
            expect(outcome(report, AZ.a, "service", "user-service")).to.deep.equal({ status: "down", reason: "1 task (autoscaling min), all in 2a (its only AZ): nothing left to serve" });
            expect(outcome(report, AZ.a, "alb", "goorm-popcorn-alb-dev").status).to.equal("survives");
            expect(outcome(report, AZ.a, "egress", "NAT egress")).to.deep.equal({ status: "survives", reason: "every private subnet is in 2a" });
        });

        it("loses 2c: every tier survives (nothing but the ALB's second subnet and the data tier's spare are there)", () => {
            expect(Object.values(statuses(report, AZ.c))).to.satisfy((all: Status[]) => all.every((s) => s === "survives"));
            expect(outcome(report, AZ.c, "database", "goorm-popcorn-dev-db")).to.deep.equal({ status: "survives", reason: "single-AZ in 2a" });
        });

        it("reports its single points of failure as expected in a dev stack, exit 0", async () => {
            expect(report.passed).to.equal(true);
            expect(report.down.map((t) => `${t.az} ${t.kind} ${t.name}`)).to.deep.equal([
                `${AZ.a} service api-gateway-blue`,
                `${AZ.a} service checkin-service`,
                `${AZ.a} service order-query`,
                `${AZ.a} service order-service`,
                `${AZ.a} service payment-service`,
                `${AZ.a} service store-service`,
                `${AZ.a} service user-service`,
                `${AZ.a} database goorm-popcorn-dev-db`,
                `${AZ.a} cache goorm-popcorn-dev-cache`,
                `${AZ.a} kafka Kafka`,
            ]);
            const result = await cli("--stack", "dev", "--dir", SEED_ROOT);
            expect(result.status, result.stderr).to.equal(0);
            expect(result.stdout).to.contain("Result: single points of failure, expected in a dev stack:\n");
            expect(result.stdout).to.contain("  - 2a lost: database goorm-popcorn-dev-db: single-AZ in 2a: down until 2a returns or a restore elsewhere (recovery, not survival)\n");
        });
    });

    describe("system D couple (prod, two AZs, one NAT in 2a stated in natGatewaysReason)", () => {
        let report: ResilienceReport;
        before(async () => {
            report = await stackResilience("couple", SEED_ROOT);
        });

        it("loses 2a: 2c's egress is lost and accepted with the stack's reason; what runs in 2c is degraded", () => {
            const egress = outcome(report, AZ.a, "egress", "NAT egress");
            expect(egress.status).to.equal("accepted");
            expect(egress.reason).to.match(/^the private subnets of 2c route 0\.0\.0\.0\/0 through the NAT gateway in 2a: no internet from 2c \(image pulls, AWS APIs without a VPC endpoint; VPC endpoints still answer: dynamodb, s3\); accepted by platform:network\.natGatewaysReason: ".+"$/);
            expect(outcome(report, AZ.a, "service", "web")).to.deep.equal({
                status: "degraded",
                reason: "2 tasks (autoscaling min) over 2a, 2c, spread by AZ: at most 1 in 2a, 1 keeps serving while ECS replaces the rest in 2c; no internet egress from 2c (NAT egress, accepted)",
            });
            expect(outcome(report, AZ.a, "function", "ws-message")).to.deep.equal({
                status: "degraded",
                reason: "Lambda in the VPC over 2a, 2c: runs in 2c; no internet egress from 2c (NAT egress, accepted)",
            });
            expect(outcome(report, AZ.a, "database", "couple-prod-db")).to.deep.equal({
                status: "degraded",
                reason: "Multi-AZ over 2a, 2c: if the primary is in 2a, RDS fails over to its standby in the other AZ (1-2 minutes); else only the standby is replaced",
            });
            expect(outcome(report, AZ.a, "cache", "couple-prod-cache").status).to.equal("degraded");
            expect(outcome(report, AZ.a, "alb", "couple-alb-prod").reason).to.equal("internal ALB in 2a, 2c: serves from 2c (AWS takes 2a's nodes out of its DNS)");
        });

        it("loses 2c: 2a keeps its own NAT; the functions run in 2a", () => {
            expect(outcome(report, AZ.c, "egress", "NAT egress")).to.deep.equal({ status: "survives", reason: "the private subnets left (2a) egress through their own AZ's NAT gateway" });
            expect(outcome(report, AZ.c, "function", "ws-connect")).to.deep.equal({ status: "survives", reason: "Lambda in the VPC over 2a, 2c: runs in 2a" });
        });

        it("counts the functions outside the VPC, CloudFront, S3, the WebSocket API among the regional services", () => {
            const regional = outcome(report, AZ.a, "regional", "regional services");
            expect(regional.status).to.equal("survives");
            expect(regional.reason).to.contain("1 CloudFront distribution");
            expect(regional.reason).to.contain("1 API Gateway API");
            expect(regional.reason).to.contain("2 Lambda functions outside the VPC (ws-authorizer, ws-default)");
        });

        it("passes: the one loss is accepted, listed as such (exit 0)", async () => {
            expect(report.down).to.deep.equal([]);
            expect(report.accepted.map((t) => `${t.az} ${t.kind}`)).to.deep.equal([`${AZ.a} egress`]);
            const result = await cli("--stack", "couple", "--dir", SEED_ROOT);
            expect(result.status, result.stderr).to.equal(0);
            expect(result.stdout).to.contain("Result: every tier keeps serving after the loss of any one AZ.\nAccepted by the stack:\n  - 2a lost: NAT egress: the private subnets of 2c");
        });
    });

    describe("system E chat (dev, one task per colour, one NAT)", () => {
        it("rates each colour's one task down in either AZ (it may be the one lost) and 2c's egress down with 2a, exit 0", async () => {
            const report = await stackResilience("chat", SEED_ROOT);
            for (const az of [AZ.a, AZ.c]) {
                expect(outcome(report, az, "service", "chat-blue").status).to.equal("down");
                expect(outcome(report, az, "service", "chat-green").status).to.equal("down");
            }
            expect(outcome(report, AZ.a, "service", "chat-blue").reason).to.equal(
                "1 task (desired count) over 2a, 2c: it may be the one in 2a; the replacement ECS starts in 2c is recovery, not survival",
            );
            expect(outcome(report, AZ.a, "egress", "NAT egress").status).to.equal("down");
            expect(outcome(report, AZ.c, "egress", "NAT egress").status).to.equal("survives");
            expect(outcome(report, AZ.a, "cache", "chat-dev-cache").reason).to.equal("primary in 2a, 1 replica in 2c: the primary is lost, the replica in 2c is promoted (automatic failover, Multi-AZ)");
            expect(report.passed).to.equal(true);
            expect(resilienceExitCode(report)).to.equal(0);
        });
    });

    describe("system B point-ecs (prod, Aurora writer 2a and reader 2b, Redis cluster mode)", () => {
        it("survives the loss of any one AZ", async () => {
            const report = await stackResilience("point-ecs", SEED_ROOT);
            expect(report.passed).to.equal(true);
            expect(outcome(report, AZ.a, "database", "point-ecs-prod-db").reason).to.equal(
                "writer in 2a, 1 reader in 2b: the writer is lost, the reader in 2b is promoted (Aurora failover, typically under a minute); its storage spans three AZs",
            );
            expect(outcome(report, AZ.b, "database", "point-ecs-prod-db").reason).to.equal("writer in 2a, 1 reader in 2b: 1 reader lost, the writer serves on (the reader endpoint falls back to the writer)");
            expect(outcome(report, AZ.c, "database", "point-ecs-prod-db").status).to.equal("survives");
            expect(outcome(report, AZ.a, "cache", "point-ecs-prod-cache").reason).to.equal(
                "shard 0001: primary in 2a, 1 replica in 2b: the primary is lost, the replica in 2b is promoted (automatic failover, Multi-AZ)",
            );
            expect(outcome(report, AZ.b, "alb", "point-ecs-alb-prod").reason).to.equal("internal ALB in 2a, 2b, 2c: serves from 2a, 2c (AWS takes 2b's nodes out of its DNS)");
        });
    });

    describe("system C point-eks (prod, EKS over three AZs, Aurora writer 2a reader 2c)", () => {
        let report: ResilienceReport;
        before(async () => {
            report = await stackResilience("point-eks", SEED_ROOT);
        });

        it("loses 2a: the writer in 2a fails over to the reader in 2c; the cache's primary to its replica in 2c", () => {
            expect(outcome(report, AZ.a, "database", "point-eks-prod-db")).to.deep.equal({
                status: "degraded",
                reason: "writer in 2a, 1 reader in 2c: the writer is lost, the reader in 2c is promoted (Aurora failover, typically under a minute); its storage spans three AZs",
            });
            expect(outcome(report, AZ.a, "cache", "point-eks-prod-cache").reason).to.equal(
                "shard 0001: primary in 2a, 1 replica in 2c: the primary is lost, the replica in 2c is promoted (automatic failover, Multi-AZ)",
            );
            expect(outcome(report, AZ.b, "database", "point-eks-prod-db")).to.deep.equal({ status: "survives", reason: "writer in 2a, 1 reader in 2c: none in 2b" });
        });

        it("keeps nodes and point-service pods in two AZs (node group min 3; HPA min 2, DoNotSchedule over the zones)", () => {
            for (const az of [AZ.a, AZ.b, AZ.c]) {
                expect(outcome(report, az, "nodes", "nodes").status).to.equal("degraded");
                expect(outcome(report, az, "workload", "point/point-service").status).to.equal("degraded");
            }
            expect(outcome(report, AZ.b, "nodes", "nodes").reason).to.equal("3 nodes (min) over 2a, 2b, 2c, balanced by AZ: at most 1 in 2b, 2 keep running; the node group replaces the rest in 2a, 2c");
            expect(outcome(report, AZ.b, "workload", "point/point-service").reason).to.equal(
                "2 pods (HPA min) spread over the zones (DoNotSchedule, maxSkew 1): at most 1 in 2b, 1 keeps serving; the rest are rescheduled in 2a, 2c",
            );
        });

        it("keeps the mesh gateway serving: its two replicas are spread over the zones (DoNotSchedule), so the stack passes (exit 0)", async () => {
            const gateway = resource(await seedPlan("point-eks"), "kubernetes:helm.sh/v3:Release", "mesh-gateway");
            const spread = (gateway.inputs.values as { topologySpreadConstraints: Array<{ whenUnsatisfiable: string }> }).topologySpreadConstraints;
            expect(spread.map((c) => c.whenUnsatisfiable)).to.deep.equal(["DoNotSchedule"]);
            expect(outcome(report, AZ.c, "gateway", "istio-ingress/istio-ingressgateway")).to.deep.equal({
                status: "degraded",
                reason: "2 pods (replicas) spread over the zones (DoNotSchedule, maxSkew 1): at most 1 in 2c, 1 keeps serving; the rest are rescheduled in 2a, 2b",
            });
            expect(report.down).to.deep.equal([]);
            const result = await cli("--stack", "point-eks", "--dir", SEED_ROOT);
            expect(result.status, result.stdout).to.equal(0);
        });

        it("fails a gateway whose zone spread is only preferred (ScheduleAnyway, its plan edited by hand): both replicas may share the lost AZ", async () => {
            const plan = await seedPlan("point-eks");
            const values = resource(plan, "kubernetes:helm.sh/v3:Release", "mesh-gateway").inputs.values as { topologySpreadConstraints: Array<{ whenUnsatisfiable: string }> };
            values.topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
            const edited = resilienceReport(plan, stackFacts("point-eks", SEED_ROOT));
            expect(outcome(edited, AZ.a, "gateway", "istio-ingress/istio-ingressgateway")).to.deep.equal({
                status: "down",
                reason: "2 pods (replicas): the zone spread is only preferred (ScheduleAnyway): all of them may be in 2a; pods rescheduled in 2b, 2c are recovery, not survival",
            });
            expect(edited.passed).to.equal(false);
        });
    });

    describe("the account stack (no subnets)", () => {
        it("has nothing zonal to lose (exit 0)", async () => {
            const result = await cli("--stack", "account", "--dir", SEED_ROOT);
            expect(result.status, result.stderr).to.equal(0);
            expect(result.stdout).to.equal('AZ-loss report for stack "account" (prod; offline plan, nothing deployed):\n\nNo subnets: nothing in this stack lives in an AZ.\nResult: nothing zonal to lose.\n');
        });
    });

    describe("hand-made edits", () => {
        it("a prod plan whose database is single-AZ in 2a (config refuses it; a plan edited by hand) is down when 2a is lost: exit 1", async () => {
            const plan = await seedPlan("couple");
            const db = resource(plan, "aws:rds/instance:Instance", "db-instance");
            Object.assign(db.inputs, { multiAz: false, availabilityZone: AZ.a });
            const report = resilienceReport(plan, stackFacts("couple", SEED_ROOT));
            expect(outcome(report, AZ.a, "database", "couple-prod-db")).to.deep.equal({
                status: "down",
                reason: "single-AZ in 2a: down until 2a returns or a restore elsewhere (recovery, not survival)",
            });
            expect(outcome(report, AZ.c, "database", "couple-prod-db").status).to.equal("survives");
            expect(report.passed).to.equal(false);
            expect(resilienceExitCode(report)).to.equal(1);
            expect(renderResilienceText(report)).to.contain(
                "Result: FAILS: a prod stack must keep every tier serving after the loss of any one AZ; down:\n  - 2a lost: database couple-prod-db: single-AZ in 2a: down until 2a returns or a restore elsewhere (recovery, not survival)\n",
            );
        });

        it("the same plan rated as dev lists the database as an expected single point of failure (exit 0)", async () => {
            const plan = await seedPlan("couple");
            Object.assign(resource(plan, "aws:rds/instance:Instance", "db-instance").inputs, { multiAz: false, availabilityZone: AZ.a });
            const report = resilienceReport(plan, { ...stackFacts("couple", SEED_ROOT), env: "dev" });
            expect(report.passed).to.equal(true);
            expect(report.down.map((t) => `${t.az} ${t.name}`)).to.deep.equal([`${AZ.a} couple-prod-db`]);
        });

        it("a writer without a reader in another AZ, a cache without failover, a Kafka quorum in one AZ: each down", async () => {
            const plan = await seedPlan("prod");
            // Aurora: only the writer left.
            const readers = plan.resources.filter((r) => r.type === "aws:rds/clusterInstance:ClusterInstance" && r.name !== "db-2a");
            // Valkey: failover off.
            Object.assign(resource(plan, "aws:elasticache/replicationGroup:ReplicationGroup", "cache-replication-group").inputs, { automaticFailoverEnabled: false, multiAzEnabled: false });
            // Kafka: two of the three voters in 2a.
            const eni2 = resource(plan, "aws:ec2/networkInterface:NetworkInterface", "kafka-2-eni");
            const subnet2a = resource(plan, "aws:ec2/subnet:Subnet", "network-private-2a").id;
            Object.assign(eni2.inputs, { subnetId: subnet2a });
            const edited: Plan = { ...plan, resources: plan.resources.filter((r) => !readers.includes(r)) };
            const report = resilienceReport(edited, stackFacts("prod", SEED_ROOT));
            expect(outcome(report, AZ.a, "database", "goorm-popcorn-prod-db")).to.deep.equal({
                status: "down",
                reason: "writer in 2a, no reader: no reader in another AZ to promote; Aurora creates a new writer elsewhere (recovery, not survival)",
            });
            expect(outcome(report, AZ.a, "cache", "goorm-popcorn-prod-cache")).to.deep.equal({
                status: "down",
                reason: "primary in 2a, 2 replicas in 2b, 2c: the primary is lost, automatic failover off",
            });
            expect(outcome(report, AZ.b, "cache", "goorm-popcorn-prod-cache").status).to.equal("degraded");
            expect(outcome(report, AZ.a, "kafka", "Kafka")).to.deep.equal({
                status: "down",
                reason: "3 KRaft nodes in 2a, 2c: 1 of 3 controllers left (a quorum needs 2): no quorum, no metadata, no leader elections",
            });
            expect(outcome(report, AZ.c, "kafka", "Kafka").status).to.equal("degraded");
            expect(report.passed).to.equal(false);
        });

        it("a couple copy with a NAT per AZ (pulumi config set) has no egress loss to accept", async () => {
            const copy = new StackCopy(SEED_ROOT);
            try {
                copy.set("couple", "platform:network.natGateways", "perAz");
                const doc = copy.document("couple");
                doc.deleteIn(["config", "platform:network", "natGatewaysReason"]);
                fs.writeFileSync(copy.file("couple"), doc.toString());
                const report = await stackResilience("couple", copy.dir);
                expect(outcome(report, AZ.a, "egress", "NAT egress")).to.deep.equal({ status: "survives", reason: "the private subnets left (2c) egress through their own AZ's NAT gateway" });
                expect(outcome(report, AZ.a, "service", "web").reason).to.not.contain("egress");
                expect(report.accepted).to.deep.equal([]);
                expect(report.passed).to.equal(true);
            } finally {
                copy.remove();
            }
        });

        it("a point-eks copy with one node at least (pulumi config set) is down wherever that node may be: exit 1", async () => {
            const copy = new StackCopy(SEED_ROOT);
            try {
                copy.set("point-eks", "platform:eks.nodes.minSize", "1");
                const report = await stackResilience("point-eks", copy.dir);
                expect(outcome(report, AZ.b, "nodes", "nodes")).to.deep.equal({
                    status: "down",
                    reason: "1 node (min) over 2a, 2b, 2c: all may be in 2b; new nodes in 2a, 2c are recovery, not survival",
                });
                const result = await cli("--stack", "point-eks", "--dir", copy.dir);
                expect(result.status).to.equal(1);
                expect(result.stdout).to.contain("  - 2b lost: node group nodes: 1 node (min) over 2a, 2b, 2c: all may be in 2b;");
            } finally {
                copy.remove();
            }
        });
    });

    describe("the CLI", () => {
        it("needs --stack (exit 2), refuses unknown arguments (exit 2), names the stacks with --help (exit 0)", async () => {
            const none = await cli("--dir", SEED_ROOT);
            expect(none.status).to.equal(2);
            expect(none.stderr).to.equal(
                "--stack is required (stacks: account, chat, couple, dev, point-ecs, point-eks, prod)\nusage: npm run -s resilience -- --stack <name> [--json] [--dir <directory of stack files>]\n",
            );
            expect((await cli("--stack", "prod", "--yaml")).status).to.equal(2);
            const help = await cli("--help", "--dir", SEED_ROOT);
            expect(help.status).to.equal(0);
            expect(help.stdout).to.contain("stacks: account, chat, couple, dev, point-ecs, point-eks, prod");
        });

        it("exits 2 with the plan's own message for a stack file that is missing or whose config is invalid", async () => {
            const missing = await cli("--stack", "nope", "--dir", SEED_ROOT);
            expect(missing.status).to.equal(2);
            expect(missing.stderr).to.contain("Pulumi.nope.yaml not found");
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "resilience-cli-"));
            try {
                fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
                fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  aws:region: ap-northeast-2\n  platform:env: prod\n  platform:name: bad\n  platform:network:\n    cidr: 10.0.0.0/33\n");
                const bad = await cli("--stack", "bad", "--dir", dir);
                expect(bad.status).to.equal(2);
                expect(bad.stderr).to.contain("Pulumi.bad.yaml: invalid configuration");
                expect(bad.stderr).to.contain("platform:network.azs: is required");
                expect(bad.stdout).to.equal("");
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("runs the README's commands (its Resilience report section) on the seed stack files, and its example row is the report's", async () => {
            const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
            const section = readme.split("\n## Resilience report\n")[1]?.split("\n## ")[0] ?? "";
            const commands = [...section.matchAll(/^npm run -s resilience -- (.+?)\s*(?:#.*)?$/gm)].map((m) => m[1].split(/\s+/));
            expect(commands.map((args) => args.join(" "))).to.deep.equal(["--stack prod", "--stack couple --json"]);
            for (const args of commands) {
                const result = await cli(...args, "--dir", SEED_ROOT);
                expect(result.status, `${args.join(" ")}: ${result.stderr}`).to.equal(0);
                if (args.includes("--json")) {
                    expect(() => JSON.parse(result.stdout)).to.not.throw();
                }
            }
            const example = /`database (\S+) +(\w+) +(.+?) …`/.exec(section);
            expect(example, "the section shows one database row").to.not.equal(null);
            const [, name, status, reason] = example!;
            const report = await stackResilience("point-eks", SEED_ROOT);
            const row = outcome(report, AZ.a, "database", name);
            expect(row.status).to.equal(status);
            expect(row.reason.startsWith(reason)).to.equal(true);
        });

        it("runs as package.json wires it (npm run -s resilience -- --stack couple --dir tests/fixtures/seed)", () => {
            const result = spawnSync("npm", ["run", "-s", "resilience", "--", "--stack", "couple", "--dir", "tests/fixtures/seed", "--json"], { cwd: PROJECT_ROOT, encoding: "utf8" });
            expect(result.status, result.stderr).to.equal(0);
            const document = JSON.parse(result.stdout) as ResilienceReport;
            expect(document).to.deep.include({ stack: "couple", env: "prod", passed: true });
        });
    });
});
