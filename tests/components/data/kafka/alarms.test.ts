import { expect } from "chai";
import { byKey, decision, metric, thresholdIssues, thresholdsOf } from "../../../support/alarms";
import { KAFKA_THRESHOLDS, KafkaThresholds, kafkaAlarms } from "../../../../components/data/kafka/alarms";
import { AlarmSpec } from "../../../../components/observability/monitoring/alarms";

const KAFKA_IDS = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"];
const DATA_PATH = "/var/lib/kafka";

/** The thresholds as config gives them: `given` over the defaults. */
const thresholds = (given: Record<string, unknown> = {}): KafkaThresholds => thresholdsOf(KAFKA_THRESHOLDS, given);

/** The alarms of 2 Kafka nodes, as the block makes them. */
const alarms = (t: KafkaThresholds = thresholds()): AlarmSpec[] => KAFKA_IDS.flatMap((id, i) => kafkaAlarms(i, id, DATA_PATH, t));

const issues = (input: Record<string, unknown>) => thresholdIssues(KAFKA_THRESHOLDS, input);

describe("components/data/kafka/alarms: KAFKA_THRESHOLDS", () => {
    it("defaults the data disk to 80%, and accepts 0.5% and 100%", () => {
        expect(thresholds()).to.deep.equal({ kafkaDiskPercent: 80 });
        expect(issues({ kafkaDiskPercent: 0.5 })).to.deep.equal([]);
        expect(issues({ kafkaDiskPercent: 100 })).to.deep.equal([]);
    });

    it("refuses a percentage above 100 or of 0", () => {
        expect(issues({ kafkaDiskPercent: 150 })).to.deep.equal([{ path: ["kafkaDiskPercent"], message: "150 is not a percentage; use a number above 0 and at most 100" }]);
        expect(issues({ kafkaDiskPercent: 0 })).to.deep.equal([{ path: ["kafkaDiskPercent"], message: "0 is not a percentage; use a number above 0 and at most 100" }]);
    });
});

describe("components/data/kafka/alarms: kafkaAlarms for 2 nodes", () => {
    const specs = alarms();

    it("makes exactly these alarms, in this order, each on one metric", () => {
        expect(specs.map((s) => s.key)).to.deep.equal(["kafka-1-status-check", "kafka-1-data-disk", "kafka-2-status-check", "kafka-2-data-disk"]);
        for (const spec of specs) {
            expect(spec.math, spec.key).to.equal(undefined);
            expect(spec.metric, spec.key).not.to.equal(undefined);
        }
    });

    it("watches each Kafka node's EC2 status checks (missing data breaches) and its data disk from the CloudWatch agent", () => {
        KAFKA_IDS.forEach((instanceId, i) => {
            const status = byKey(specs, `kafka-${i + 1}-status-check`);
            expect(status.metric).to.deep.equal(metric("AWS/EC2", "StatusCheckFailed", { InstanceId: instanceId }, "Maximum"));
            expect(decision(status)).to.deep.equal({
                group: "kafka",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                thresholdSource: "fixed: any failed status check",
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                treatMissingData: "breaching",
            });
            expect(status.description).to.equal(`Kafka node ${i + 1} fails its EC2 status checks (instance or system) for 2 minutes`);
            const disk = byKey(specs, `kafka-${i + 1}-data-disk`);
            expect(disk.metric).to.deep.equal(metric("CWAgent", "disk_used_percent", { InstanceId: instanceId, path: "/var/lib/kafka" }, "Maximum"));
            expect(decision(disk)).to.deep.equal({
                group: "kafka",
                comparison: "GreaterThanThreshold",
                threshold: 80,
                thresholdSource: "platform:monitoring.thresholds.kafkaDiskPercent",
                evaluationPeriods: 5,
                datapointsToAlarm: 5,
                treatMissingData: "breaching",
            });
            expect(disk.description).to.equal(`Data volume of Kafka node ${i + 1} (/var/lib/kafka) above 80% used, or its CloudWatch agent silent, for 5 minutes`);
        });
    });

    it("gives every alarm a unique key and a description", () => {
        expect(new Set(specs.map((s) => s.key)).size).to.equal(specs.length);
        for (const spec of specs) {
            // The component appends ". Threshold: …" to it.
            expect(spec.description, spec.key).to.match(/^\S.{20,}[^.]$/);
        }
    });
});

describe("components/data/kafka/alarms: kafkaAlarms with given thresholds", () => {
    it("uses them instead of the default", () => {
        const specs = alarms(thresholds({ kafkaDiskPercent: 70 }));
        expect(byKey(specs, "kafka-2-data-disk").threshold).to.equal(70);
        expect(byKey(specs, "kafka-2-data-disk").description).to.equal("Data volume of Kafka node 2 (/var/lib/kafka) above 70% used, or its CloudWatch agent silent, for 5 minutes");
        // The status check's threshold is fixed.
        expect(byKey(specs, "kafka-2-status-check").threshold).to.equal(1);
    });
});
