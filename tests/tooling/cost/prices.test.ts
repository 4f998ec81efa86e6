import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hasPrice, loadPriceTable, price, PRICES, PRICES_FILE, validatePriceTable } from "../../../tooling/cost/prices";
import type { PriceTable } from "../../../tooling/cost/types";

describe("tooling/cost/prices: the Seoul price table", () => {
    it("is the ap-northeast-2 table in USD, compiled 2026-11-21, with 730 hours a month", () => {
        expect(PRICES.region).to.equal("ap-northeast-2");
        expect(PRICES.currency).to.equal("USD");
        expect(PRICES.date).to.equal("2026-11-21");
        expect(PRICES.hoursPerMonth).to.equal(730);
    });

    it("has well-formed rows with unique ids (validatePriceTable finds nothing)", () => {
        expect(validatePriceTable(PRICES)).to.deep.equal([]);
        const ids = PRICES.rows.map((row) => row.id);
        expect(new Set(ids).size).to.equal(ids.length);
        for (const row of PRICES.rows) {
            expect(row.id, row.id).to.match(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/);
            expect(row.unit.trim(), row.id).to.not.equal("");
            expect(row.source.trim(), row.id).to.not.equal("");
            expect(row.sourceDate, row.id).to.match(/^\d{4}-\d{2}(-\d{2})?$/);
            expect(["price-list", "bill", "secondary", "low", "global", "inferred", "unknown"], row.id).to.include(row.confidence);
            if (row.usd !== null) expect(row.usd, row.id).to.be.at.least(0);
        }
    });

    it("cites public sources only (no local paths)", () => {
        for (const row of PRICES.rows) expect(row.source, row.id).to.not.match(/\/work\/|\/tmp\/|\.md\b/);
    });

    it("cites the Seoul Price List offer file for price-list rows of regional services", () => {
        const regional = PRICES.rows.filter((row) => row.confidence === "price-list" && !row.id.startsWith("cloudfront."));
        expect(regional.length).to.be.greaterThan(50);
        for (const row of regional) expect(row.source, row.id).to.match(/^AWS Price List offer file https:\/\/pricing\.us-east-1\.amazonaws\.com\/offers\/v1\.0\/aws\/[A-Za-z0-9]+\/current\/ap-northeast-2\/index\.json/);
    });

    it("spot-checks figures of the compiled table", () => {
        const usd = (id: string) => price(id).usd;
        expect(usd("fargate.x86.vcpu-hour")).to.equal(0.04656);
        expect(usd("fargate.x86.gb-hour")).to.equal(0.00511);
        expect(usd("fargate.arm.vcpu-hour")).to.equal(0.03725);
        expect(usd("fargate.arm.gb-hour")).to.equal(0.00409);
        expect(usd("nat.hour")).to.equal(0.059);
        expect(usd("nat.gb-processed")).to.equal(0.059);
        expect(usd("ipv4.public.hour")).to.equal(0.005);
        expect(usd("vpce.interface.hour")).to.equal(0.013);
        expect(usd("alb.hour")).to.equal(0.0225);
        expect(usd("alb.lcu-hour")).to.equal(0.008);
        expect(usd("rds.db.t4g.micro.postgres.hour")).to.equal(0.025);
        expect(usd("rds.db.t4g.micro.postgres.multi-az.hour")).to.equal(0.051);
        expect(usd("rds.db.r7g.large.postgres.multi-az.hour")).to.equal(0.5738);
        expect(usd("rds.storage.gp3.gb-month")).to.equal(0.131);
        expect(usd("aurora.db.r7g.large.postgresql.hour")).to.equal(0.333);
        expect(usd("aurora.io.1m")).to.equal(0.24);
        expect(usd("elasticache.cache.t4g.micro.redis.hour")).to.equal(0.024);
        expect(usd("elasticache.cache.r7g.large.valkey.hour")).to.equal(0.2096);
        expect(usd("ec2.m5.large.hour")).to.equal(0.118);
        expect(usd("ebs.gp3.gb-month")).to.equal(0.0912);
        expect(usd("eks.cluster.hour")).to.equal(0.1);
        expect(usd("cloudwatch.logs.ingest.gb")).to.equal(0.76);
        expect(usd("cloudwatch.dashboard.month")).to.equal(3);
        expect(usd("dynamodb.ondemand.read.1m")).to.equal(0.1355);
        expect(usd("waf.acl.month")).to.equal(5);
        expect(usd("apigateway.websocket.messages.1m")).to.equal(1.14);
        expect(usd("lambda.x86.gb-second")).to.equal(0.0000166667);
    });

    it("maps the compiled statuses to confidences (bill-confirmed Price List rows stay price-list)", () => {
        expect(price("nat.hour").confidence).to.equal("price-list");
        expect(price("ec2.m5.large.hour").confidence).to.equal("secondary");
        expect(price("aurora.db.r6g.large.postgresql.hour").confidence).to.equal("low");
        expect(price("route53.zone.month").confidence).to.equal("global");
        expect(price("cloudwatch.dashboard.month").confidence).to.equal("global");
        expect(price("rds.db.t4g.small.postgres.multi-az.hour").confidence).to.equal("inferred");
        expect(price("aurora.db.r6g.large.mysql.hour").confidence).to.equal("inferred");
        expect(price("sns.email.100k").confidence).to.equal("inferred");
    });

    it("keeps unknown prices unknown: Fargate Spot and DynamoDB storage are null, never 0", () => {
        for (const id of ["fargate.spot.vcpu-hour", "fargate.spot.gb-hour", "dynamodb.storage.gb-month"]) {
            expect(price(id).usd, id).to.equal(null);
            expect(price(id).confidence, id).to.equal("unknown");
        }
        for (const row of PRICES.rows) expect(row.usd === null, row.id).to.equal(row.confidence === "unknown");
        // Fargate Spot runs X86_64 tasks only: no ARM Spot row.
        expect(hasPrice("fargate.spot.arm.vcpu-hour")).to.equal(false);
        expect(price("fargate.spot.vcpu-hour").notes).to.match(/ARM64 .*cannot use it/);
    });

    it("lists what the compiled sources lacked: KMS keys and basic Route 53 health checks priced, SQS and Scheduler not", () => {
        expect([price("kms.key.month").usd, price("kms.key.month").confidence]).to.deep.equal([1, "global"]);
        expect([price("route53.healthcheck.aws.month").usd, price("route53.healthcheck.other.month").usd]).to.deep.equal([0.5, 0.75]);
        for (const id of ["route53.healthcheck.feature.aws.month", "sqs.standard.requests.1m", "sqs.fifo.requests.1m", "scheduler.invocations.1m"]) expect(price(id).usd, id).to.equal(null);
    });

    it("price() throws on an id the table does not have, naming it", () => {
        expect(hasPrice("nat.hour")).to.equal(true);
        expect(hasPrice("nat.hours")).to.equal(false);
        expect(() => price("nat.hours")).to.throw(/no price "nat\.hours" in the ap-northeast-2 price table/);
    });

    describe("validation", () => {
        const good: PriceTable = { region: "ap-northeast-2", date: "2026-11-21", currency: "USD", hoursPerMonth: 730, rows: [{ id: "a.b", item: "x", usd: 1, unit: "hour", confidence: "bill", source: "s", sourceDate: "2026-04" }] };
        const withRow = (patch: object): PriceTable => ({ ...good, rows: [{ ...good.rows[0], ...patch }] as PriceTable["rows"] });

        it("accepts a well-formed table", () => expect(validatePriceTable(good)).to.deep.equal([]));
        it("refuses a duplicate id", () => expect(validatePriceTable({ ...good, rows: [good.rows[0], good.rows[0]] })).to.deep.equal(['rows[1] (a.b): id "a.b" appears more than once']));
        it("refuses an id that is not dotted lowercase", () => expect(validatePriceTable(withRow({ id: "NAT" }))).to.deep.equal(['rows[0] (NAT): id "NAT" must be dotted lowercase (e.g. fargate.x86.vcpu-hour)']));
        it("refuses a negative price", () => expect(validatePriceTable(withRow({ usd: -1 }))).to.deep.equal(["rows[0] (a.b): usd -1 must be a number >= 0 or null"]));
        it("refuses an empty unit", () => expect(validatePriceTable(withRow({ unit: " " }))).to.deep.equal(["rows[0] (a.b): unit must be a non-empty string"]));
        it("refuses an unknown confidence", () => expect(validatePriceTable(withRow({ confidence: "guess" }))[0]).to.equal('rows[0] (a.b): confidence "guess" must be one of price-list, bill, secondary, low, global, inferred, unknown'));
        it("refuses a null price that is not unknown, and an unknown price that is not null", () => {
            expect(validatePriceTable(withRow({ usd: null }))).to.deep.equal(['rows[0] (a.b): usd must be null exactly when confidence is "unknown" (usd null, confidence "bill")']);
            expect(validatePriceTable(withRow({ confidence: "unknown" }))).to.deep.equal(['rows[0] (a.b): usd must be null exactly when confidence is "unknown" (usd 1, confidence "unknown")']);
        });
        it("refuses malformed dates", () => {
            expect(validatePriceTable(withRow({ sourceDate: "2026-02-30" }))).to.deep.equal(['rows[0] (a.b): sourceDate "2026-02-30" must be YYYY-MM-DD or YYYY-MM']);
            expect(validatePriceTable({ ...good, date: "2026-11" })).to.deep.equal(['date "2026-11" must be YYYY-MM-DD']);
        });
        it("loadPriceTable throws listing the problems of a bad file", () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "prices-")), "bad.json");
            fs.writeFileSync(file, JSON.stringify(withRow({ usd: -1 })));
            expect(() => loadPriceTable(file)).to.throw("bad.json is not a valid price table:\n  rows[0] (a.b): usd -1 must be a number >= 0 or null");
            expect(loadPriceTable(PRICES_FILE).rows.length).to.equal(PRICES.rows.length);
        });
    });
});
