/**
 * The monthly estimate of each seed system (the frozen copies under tests/fixtures/seed, never the
 * live stack files), with the default assumptions and the seeds' budgets.
 *
 * Each range is the figure worked out below from the Seoul table (730 h a month), with room for
 * what moves when blocks add or drop an alarm or a log group: CloudWatch lines (alarms per metric,
 * log ingestion and storage, the dashboard) are 1–8 % of each total, so the ranges are about ±3 %
 * of the figure (±1 % for the large prod stacks), tighter than any change of a priced resource.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ASSUMPTIONS, ASSUMPTION_KEYS } from "../../../components/observability/cost/assumptions";
import { estimateCost } from "../../../tooling/cost/estimate";
import { PRICES } from "../../../tooling/cost/prices";
import { costSettings } from "../../../tooling/cost/settings";
import type { CostEstimate } from "../../../tooling/cost/types";
import { PROJECT_ROOT, readStackConfig } from "../../../tooling/stack-file";
import { SEED_ROOT, seedRun } from "../../fixtures/seed";

async function seedEstimate(stack: string): Promise<CostEstimate> {
    return estimateCost(await seedRun(stack), costSettings(readStackConfig(stack, SEED_ROOT).config), PRICES);
}

/** The sum of the lines whose price id starts with `prefix`. */
function sum(estimate: CostEstimate, prefix: string): number {
    return Math.round(estimate.lines.filter((l) => l.priceId.startsWith(prefix)).reduce((total, l) => total + (l.monthlyUsd ?? 0), 0) * 100) / 100;
}

describe("tooling/cost: the seed systems' monthly estimates", () => {
    it("system E, chat (dev; seed ≈ $70–90, budget $90): about $151, over", async () => {
        const estimate = await seedEstimate("chat");
        // NAT 43.07 + 0.59 data + its IPv4 3.65; Redis 2 × cache.t4g.micro 35.04; ALB 16.43 + 5.84 LCU
        // + 2 public IPv4 7.30; blue and green, 1 task each of 0.25 vCPU / 0.5 GB: 2 × 10.36 = 20.72
        // (20.74 line by line); CloudFront 6.00 + 1.20; 3 on-demand tables 3 × 0.82; 2 buckets 0.26;
        // Cloud Map's zone 0.50 and the cache secret 0.40: 143.5 + 7.3 of CloudWatch = 150.80.
        expect(sum(estimate, "nat.") + sum(estimate, "ipv4.")).to.equal(43.66 + 10.95);
        expect(sum(estimate, "elasticache.")).to.equal(35.04);
        expect(sum(estimate, "fargate.")).to.equal(20.74);
        expect(estimate.monthlyUsd).to.be.within(146, 156);
        expect(estimate.budget).to.deep.include({ monthlyUsd: 90, over: true });
        expect(estimate.budget!.drivers.map((d) => d.component)).to.deep.equal(["network", "cache", "alb"]);
        // DynamoDB storage and point-in-time recovery have no Seoul price.
        expect(estimate.notPriced.map((l) => l.priceId).sort()).to.deep.equal([...Array(3).fill("dynamodb.pitr.gb-month"), ...Array(3).fill("dynamodb.storage.gb-month")]);
    });

    it("system D, couple (prod; seed $110–185, budget $185): about $265, over", async () => {
        const estimate = await seedEstimate("couple");
        // web 2 × (1 vCPU, 2 GB) × 730 h: 67.98 + 14.92; one NAT 47.31; PostgreSQL db.t4g.micro
        // Multi-AZ 37.23 + 20 GB 5.24 + its secret; Redis 2 nodes 35.04; internal ALB 22.27 (no public
        // addresses); CLOUDFRONT web ACL 5 + 4 rules + 0.60; CloudFront 7.20; WebSocket 1.43; six
        // Lambda functions 0.69; five secrets 2.00: 251.8 + 13.4 of CloudWatch = 265.20.
        expect(sum(estimate, "fargate.")).to.equal(82.9);
        expect(sum(estimate, "rds.")).to.equal(42.47);
        expect(sum(estimate, "ipv4.")).to.equal(3.65);
        expect(estimate.monthlyUsd).to.be.within(257, 273);
        expect(estimate.budget).to.deep.include({ monthlyUsd: 185, over: true });
        expect(estimate.budget!.drivers.map((d) => d.component)).to.deep.equal(["web", "network", "db"]);
        expect(estimate.notPriced.map((l) => l.priceId)).to.deep.equal(["scheduler.invocations.1m", "sqs.standard.requests.1m"]);
    });

    it("system C, point-eks (prod; seed ≈ $1,100, budget $1,100): about $1,390, over", async () => {
        const estimate = await seedEstimate("point-eks");
        // Aurora MySQL 2 × db.r6g.large 456.98 + 20 GB and 10 M I/O 4.80; Redis cluster mode
        // 2 × cache.r7g.large 382.52; EKS 73 + 3 × m5.large 258.42 + 3 × 50 GB gp3 13.68; NAT per AZ
        // 3 × 43.66 + 3 IPv4 10.95; ALB 22.27 + 3 IPv4 10.95; Prometheus 50 GB and Grafana 10 GB gp3
        // 5.47; web ACL 8.60: 1380.6 + 9.6 of CloudWatch = 1390.18.
        expect(sum(estimate, "aurora.")).to.equal(461.78);
        expect(sum(estimate, "ec2.") + sum(estimate, "eks.")).to.equal(331.42);
        expect(estimate.monthlyUsd).to.be.within(1376, 1404);
        expect(estimate.budget).to.deep.include({ monthlyUsd: 1100, over: true });
        expect(estimate.budget!.drivers.map((d) => d.component)).to.deep.equal(["db", "cache", "eks"]);
        expect(estimate.notPriced).to.deep.equal([]);
    });

    it("system B, point-ecs (prod; no budget in its seed): about $1,119", async () => {
        const estimate = await seedEstimate("point-ecs");
        // Aurora 461.78, Redis 382.52, NAT per AZ 3 × 43.66 + 10.95, point-api 2 × (1 vCPU, 2 GB)
        // 82.90, internal ALB 22.27, WAF 8.60, CloudFront 7.20, KMS key, zones, health check, secrets:
        // 1110.1 + 9.0 of CloudWatch = 1119.10.
        expect(estimate.monthlyUsd).to.be.within(1108, 1130);
        expect(estimate).to.not.have.property("budget");
    });

    it("system A, dev (no budget): about $162, its services on Spot in office hours", async () => {
        const estimate = await seedEstimate("dev");
        // Seven services of 1 task on FARGATE_SPOT at the assumed 50 % off, 260.71 h a month
        // (MON-FRI 08:00–20:00): api-gateway (0.5 vCPU, 1 GB) 3.70, six of 0.25 vCPU / 0.5 GB
        // 6 × 1.85 = 14.80 in all; NAT 47.31; ALB 29.57; PostgreSQL db.t4g.micro 18.25 + 20 GB 2.62;
        // Kafka t3.small 18.98 + 28 GB gp3 2.55; Valkey cache.t4g.micro 14.02: 149.4 + 12.1 of
        // CloudWatch = 161.54.
        const spot = estimate.lines.filter((l) => l.priceId.startsWith("fargate."));
        expect(spot.every((l) => l.priceId.startsWith("fargate.spot.") && l.assumption === "fargateSpotDiscount" && l.basis.includes("260.71 h/month office hours (MON-FRI 08:00–20:00 Asia/Seoul)"))).to.equal(true);
        expect(sum(estimate, "fargate.")).to.equal(14.8);
        expect(estimate.monthlyUsd).to.be.within(157, 167);
    });

    it("system A, prod (no budget): about $1,794", async () => {
        const estimate = await seedEstimate("prod");
        // Aurora PostgreSQL 3 × db.r7g.large 729.27 + storage and I/O; Valkey 3 × cache.r7g.large
        // 459.02; 6 interface endpoints × 3 AZs 170.82; 7 services of 2 tasks 165.77; NAT per AZ 130.98;
        // Kafka 3 × t3.small 56.94 + gp3; ALB with 3 IPv4; WAF: 1779.5 + 14.5 of CloudWatch = 1793.97.
        expect(sum(estimate, "vpce.")).to.equal(170.82);
        expect(estimate.monthlyUsd).to.be.within(1776, 1812);
    });

    it("the account stack: a hosted zone and the repositories' images, $1.20", async () => {
        // 7 repositories × 1 GB × 0.10 (the fixture's) + one zone 0.50.
        expect((await seedEstimate("account")).monthlyUsd).to.equal(1.2);
    });

    it("the README states every assumption's default", () => {
        const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
        const section = readme.split("## What it costs")[1]?.split("\n## ")[0] ?? "";
        for (const key of ASSUMPTION_KEYS) {
            expect(section, key).to.match(new RegExp("`" + key + "` " + String(ASSUMPTIONS[key].default).replace(".", "\\.") + "\\b"));
        }
    });
});
