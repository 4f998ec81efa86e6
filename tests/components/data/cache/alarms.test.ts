import { expect } from "chai";
import { byKey, decision, metric, thresholdIssues, thresholdsOf } from "../../../support/alarms";
import { CACHE_THRESHOLDS, CacheThresholds, cacheAlarms } from "../../../../components/data/cache/alarms";
import { AlarmSpec } from "../../../../components/observability/monitoring/alarms";

const LABELS = ["001", "002", "003"];

/** The thresholds as config gives them: `given` over the defaults. */
const thresholds = (given: Record<string, unknown> = {}): CacheThresholds => thresholdsOf(CACHE_THRESHOLDS, given);

/** The alarms of a 3-node cache, as its block makes them (label: the node id without the group's prefix). */
const alarms = (t: CacheThresholds = thresholds()): AlarmSpec[] => LABELS.flatMap((label) => cacheAlarms(`goorm-popcorn-dev-cache-${label}`, label, t));

const issues = (input: Record<string, unknown>) => thresholdIssues(CACHE_THRESHOLDS, input);

describe("components/data/cache/alarms: CACHE_THRESHOLDS", () => {
    it("defaults to 80% CPU, 80% memory and 100 evictions", () => {
        expect(thresholds()).to.deep.equal({ cacheCpuPercent: 80, cacheMemoryPercent: 80, cacheEvictions: 100 });
    });

    it("accepts 0 evictions and 100% (the edges that are allowed)", () => {
        expect(issues({ cacheEvictions: 0, cacheCpuPercent: 100, cacheMemoryPercent: 0.5 })).to.deep.equal([]);
        expect(thresholds({ cacheEvictions: 0 })).to.deep.equal({ cacheCpuPercent: 80, cacheMemoryPercent: 80, cacheEvictions: 0 });
    });

    const cases: Array<[string, Record<string, unknown>, Array<{ path: string[]; message: string }>]> = [
        ["a percentage of 101", { cacheMemoryPercent: 101 }, [{ path: ["cacheMemoryPercent"], message: "101 is not a percentage; use a number above 0 and at most 100" }]],
        ["a percentage of 0", { cacheCpuPercent: 0 }, [{ path: ["cacheCpuPercent"], message: "0 is not a percentage; use a number above 0 and at most 100" }]],
        ["negative evictions", { cacheEvictions: -1 }, [{ path: ["cacheEvictions"], message: "-1 is not allowed; use a whole number, 0 or more" }]],
        ["fractional evictions", { cacheEvictions: 2.5 }, [{ path: ["cacheEvictions"], message: "2.5 is not allowed; use a whole number, 0 or more" }]],
    ];
    for (const [what, input, expected] of cases) {
        it(`refuses ${what}`, () => {
            expect(issues(input)).to.deep.equal(expected);
        });
    }

    it("reports every bad value", () => {
        expect(issues({ cacheCpuPercent: 150, cacheEvictions: -3 }).map((p) => p.path[0])).to.deep.equal(["cacheCpuPercent", "cacheEvictions"]);
    });
});

describe("components/data/cache/alarms: cacheAlarms for a 3-node cache", () => {
    const specs = alarms();

    it("makes exactly these alarms, in this order, each on one metric", () => {
        expect(specs.map((s) => s.key)).to.deep.equal(LABELS.flatMap((n) => [`cache-${n}-cpu`, `cache-${n}-memory`, `cache-${n}-evictions`]));
        for (const spec of specs) {
            expect(spec.math, spec.key).to.equal(undefined);
            expect(spec.metric, spec.key).not.to.equal(undefined);
        }
    });

    it("watches each cache node by CacheClusterId, labelled 001..003", () => {
        for (const label of LABELS) {
            const node = `goorm-popcorn-dev-cache-${label}`;
            const dimensions = { CacheClusterId: node };
            const cpu = byKey(specs, `cache-${label}-cpu`);
            expect(cpu.metric).to.deep.equal(metric("AWS/ElastiCache", "EngineCPUUtilization", dimensions, "Average"));
            expect(decision(cpu)).to.deep.equal({
                group: "cache",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                thresholdSource: "platform:monitoring.thresholds.cacheCpuPercent",
                evaluationPeriods: 5,
                datapointsToAlarm: 5,
                treatMissingData: "notBreaching",
            });
            expect(cpu.description).to.equal(`Engine CPU of cache node ${node} above 80% for 5 minutes`);
            const memory = byKey(specs, `cache-${label}-memory`);
            expect(memory.metric).to.deep.equal(metric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", dimensions, "Maximum"));
            expect(decision(memory)).to.deep.equal({
                group: "cache",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                thresholdSource: "platform:monitoring.thresholds.cacheMemoryPercent",
                evaluationPeriods: 5,
                datapointsToAlarm: 5,
                treatMissingData: "notBreaching",
            });
            expect(memory.description).to.equal(`Memory of cache node ${node} above 80% for 5 minutes`);
            const evictions = byKey(specs, `cache-${label}-evictions`);
            expect(evictions.metric).to.deep.equal(metric("AWS/ElastiCache", "Evictions", dimensions, "Sum", 300));
            expect(decision(evictions)).to.deep.equal({
                group: "cache",
                comparison: "GreaterThanThreshold",
                threshold: 100,
                thresholdSource: "platform:monitoring.thresholds.cacheEvictions",
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                treatMissingData: "notBreaching",
            });
            expect(evictions.description).to.equal(`More than 100 keys evicted from cache node ${node} in 5 minutes: it is out of memory`);
        }
    });

    it("gives every alarm a unique key and a description", () => {
        expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
        for (const spec of specs) {
            // The component appends ". Threshold: …" to it.
            expect(spec.description, spec.key).to.match(/^\S.{20,}[^.]$/);
        }
    });
});

describe("components/data/cache/alarms: cacheAlarms with given thresholds", () => {
    const specs = alarms(thresholds({ cacheEvictions: 0, cacheMemoryPercent: 90, cacheCpuPercent: undefined }));

    it("uses them instead of the defaults", () => {
        expect(byKey(specs, "cache-002-evictions").threshold).to.equal(0);
        expect(byKey(specs, "cache-002-evictions").description).to.equal("More than 0 keys evicted from cache node goorm-popcorn-dev-cache-002 in 5 minutes: it is out of memory");
        expect(byKey(specs, "cache-003-memory").threshold).to.equal(90);
    });

    it("keeps the defaults where a value is given as undefined", () => {
        expect(byKey(specs, "cache-001-cpu").threshold).to.equal(80);
    });
});
