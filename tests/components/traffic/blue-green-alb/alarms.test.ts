import { expect } from "chai";
import { byKey, decision, metric, thresholdIssues, thresholdsOf } from "../../../support/alarms";
import { ALB_THRESHOLDS, AlbThresholds, albAlarms, albColourAlarms } from "../../../../components/traffic/blue-green-alb/alarms";

const LB = "app/goorm-popcorn-alb-dev/0123456789abcdef";

/** The thresholds as config gives them: `given` over the defaults. */
const thresholds = (given: Record<string, unknown> = {}): AlbThresholds => thresholdsOf(ALB_THRESHOLDS, given);

const issues = (input: Record<string, unknown>) => thresholdIssues(ALB_THRESHOLDS, input);

describe("components/traffic/blue-green-alb/alarms: ALB_THRESHOLDS", () => {
    it("defaults to 5% 5xx and 10% 4xx in minutes of at least 20 requests and a p95 of 1.5 s", () => {
        expect(thresholds()).to.deep.equal({ alb5xxPercent: 5, alb5xxMinRequests: 20, albP95Seconds: 1.5, alb4xxPercent: 10 });
    });

    it("accepts 0 minimum requests and 100% (the edges that are allowed)", () => {
        expect(issues({ alb5xxMinRequests: 0, alb5xxPercent: 100, albP95Seconds: 0.1 })).to.deep.equal([]);
        expect(thresholds({ alb5xxMinRequests: 0 })).to.deep.equal({ alb5xxPercent: 5, alb5xxMinRequests: 0, albP95Seconds: 1.5, alb4xxPercent: 10 });
    });

    const cases: Array<[string, Record<string, unknown>, Array<{ path: string[]; message: string }>]> = [
        ["a negative percentage", { alb5xxPercent: -5 }, [{ path: ["alb5xxPercent"], message: "-5 is not a percentage; use a number above 0 and at most 100" }]],
        ["negative seconds", { albP95Seconds: -1 }, [{ path: ["albP95Seconds"], message: "-1 is not allowed; use a number above 0" }]],
        ["0 seconds", { albP95Seconds: 0 }, [{ path: ["albP95Seconds"], message: "0 is not allowed; use a number above 0" }]],
        ["a fractional minimum of requests", { alb5xxMinRequests: 2.5 }, [{ path: ["alb5xxMinRequests"], message: "2.5 is not allowed; use a whole number, 0 or more" }]],
    ];
    for (const [what, input, expected] of cases) {
        it(`refuses ${what}`, () => {
            expect(issues(input)).to.deep.equal(expected);
        });
    }

    it("reports every bad value", () => {
        expect(issues({ alb5xxPercent: 101, alb5xxMinRequests: -1, albP95Seconds: 0 }).map((p) => p.path[0])).to.deep.equal(["alb5xxPercent", "alb5xxMinRequests", "albP95Seconds"]);
    });
});

describe("components/traffic/blue-green-alb/alarms: albAlarms", () => {
    const specs = albAlarms(LB, thresholds());

    it("makes exactly these alarms, in this order", () => {
        expect(specs.map((s) => s.key)).to.deep.equal(["alb-5xx-rate", "alb-p95-response-time"]);
    });

    it("gives each alarm exactly one of a metric or a math expression", () => {
        for (const spec of specs) {
            expect([spec.metric !== undefined, spec.math !== undefined], spec.key).to.satisfy(([m, x]: boolean[]) => m !== x);
        }
        expect(specs.filter((s) => s.math).map((s) => s.key)).to.deep.equal(["alb-5xx-rate"]);
    });

    it("judges the ALB's 5xx rate as (ELB 5xx + target 5xx) / RequestCount, only in minutes of at least 20 requests", () => {
        const rate = byKey(specs, "alb-5xx-rate");
        expect(rate.metric).to.equal(undefined);
        expect(decision(rate)).to.deep.equal({
            group: "alb",
            comparison: "GreaterThanThreshold",
            threshold: 5,
            thresholdSource: "platform:monitoring.thresholds.alb5xxPercent",
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
        });
        expect(rate.math).to.deep.equal({
            expression: "IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 20, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)",
            label: "5xx responses, % of requests",
            inputs: {
                requests: metric("AWS/ApplicationELB", "RequestCount", { LoadBalancer: LB }, "Sum"),
                elb5xx: metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", { LoadBalancer: LB }, "Sum"),
                target5xx: metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", { LoadBalancer: LB }, "Sum"),
            },
        });
        expect(rate.description).to.equal("5xx responses (the ALB's and the targets') above 5% of requests in 3 of 5 minutes (minutes under 20 requests do not count)");
        // Every id the expression names is an input.
        const ids = rate.math!.expression.match(/\b[a-z]\w*\b/g)!;
        expect([...new Set(ids)].sort()).to.deep.equal(Object.keys(rate.math!.inputs).sort());
    });

    it("alarms on the targets' p95 response time above 1.5 s in 3 of 5 minutes", () => {
        const p95 = byKey(specs, "alb-p95-response-time");
        expect(p95.metric).to.deep.equal(metric("AWS/ApplicationELB", "TargetResponseTime", { LoadBalancer: LB }, "p95"));
        expect(p95.math).to.equal(undefined);
        expect(decision(p95)).to.deep.equal({
            group: "alb",
            comparison: "GreaterThanThreshold",
            threshold: 1.5,
            thresholdSource: "platform:monitoring.thresholds.albP95Seconds",
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
        });
        expect(p95.description).to.equal("p95 of the targets' response time above 1.5 s in 3 of 5 minutes");
    });

    it("gives every alarm a unique key and a description", () => {
        expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
        for (const spec of specs) {
            // The component appends ". Threshold: …" to it.
            expect(spec.description, spec.key).to.match(/^\S.{20,}[^.]$/);
        }
    });
});

describe("components/traffic/blue-green-alb/alarms: albAlarms with given thresholds", () => {
    const specs = albAlarms(LB, thresholds({ alb5xxPercent: 2, alb5xxMinRequests: 50, albP95Seconds: undefined }));

    it("uses them instead of the defaults", () => {
        expect(byKey(specs, "alb-5xx-rate").threshold).to.equal(2);
    });

    it("puts alb5xxMinRequests into the 5xx-rate expression", () => {
        expect(byKey(specs, "alb-5xx-rate").math!.expression).to.equal("IF(FILL(requests, 0) + FILL(elb5xx, 0) >= 50, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)");
        expect(byKey(specs, "alb-5xx-rate").description).to.equal(
            "5xx responses (the ALB's and the targets') above 2% of requests in 3 of 5 minutes (minutes under 50 requests do not count)",
        );
    });

    it("keeps the defaults where a value is given as undefined", () => {
        expect(byKey(specs, "alb-p95-response-time").threshold).to.equal(1.5);
        expect(byKey(specs, "alb-p95-response-time").description).to.equal("p95 of the targets' response time above 1.5 s in 3 of 5 minutes");
    });
});

describe("components/traffic/blue-green-alb/alarms: albColourAlarms (one colour's target group)", () => {
    const TG = "targetgroup/goorm-popcorn-gateway-green-dev/0123456789abcdef";
    const specs = albColourAlarms(LB, "green", TG, thresholds());
    const dimensions = { LoadBalancer: LB, TargetGroup: TG };

    it("makes the colour's 4xx rate, 5xx rate and p95, keyed by the colour", () => {
        expect(specs.map((s) => s.key)).to.deep.equal(["alb-green-4xx-rate", "alb-green-5xx-rate", "alb-green-p95-response-time"]);
    });

    it("judges 4xx and 5xx as the target group's own codes over its own requests, only in minutes of at least 20 requests", () => {
        for (const [kind, threshold, source] of [["4XX", 10, "alb4xxPercent"], ["5XX", 5, "alb5xxPercent"]] as const) {
            const spec = byKey(specs, `alb-green-${kind.toLowerCase()}-rate`);
            expect(spec.math!.expression).to.equal("IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / FILL(requests, 0), 0)");
            expect(spec.math!.inputs).to.deep.equal({
                requests: metric("AWS/ApplicationELB", "RequestCount", dimensions, "Sum"),
                errors: metric("AWS/ApplicationELB", `HTTPCode_Target_${kind}_Count`, dimensions, "Sum"),
            });
            expect(decision(spec)).to.deep.include({ threshold, thresholdSource: `platform:monitoring.thresholds.${source}`, evaluationPeriods: 5, datapointsToAlarm: 3 });
        }
    });

    it("watches the colour's p95 on the target group's dimension", () => {
        expect(byKey(specs, "alb-green-p95-response-time").metric).to.deep.equal(metric("AWS/ApplicationELB", "TargetResponseTime", dimensions, "p95"));
    });
});
