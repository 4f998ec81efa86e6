/**
 * Tracing (`tracing`): an AWS Distro for OpenTelemetry (ADOT) collector beside the app in every
 * task, which takes the app's OTLP spans on localhost and sends them to AWS X-Ray.
 *
 * A collector, not the X-Ray daemon: the X-Ray SDKs and daemon entered maintenance mode on
 * 25 February 2026 (critical security fixes only) and reach end of support on 25 February 2027;
 * AWS recommends OpenTelemetry instead (AWS X-Ray Developer Guide, "X-Ray SDK and daemon end of
 * support timeline": https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon-eos.html).
 *
 * Pure parts: the collector's container settings, the app's variables, the task role's statement
 * and the rules, shared by the component (fargate-service.ts) and the block's rules (rules.ts).
 */
import { PolicyStatement } from "../../../lib/iam";
import { Problem, showValue } from "../../../lib/problems";

/** The sidecar's container name. */
export const COLLECTOR_CONTAINER = "otel-collector";

/**
 * ADOT Collector v0.50.0, the latest release (31 August 2026:
 * https://github.com/aws-observability/aws-otel-collector/releases/tag/v0.50.0). Pinned, never
 * `latest`: a moving tag would change the collector under a running service without a change here.
 */
export const DEFAULT_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0";

/**
 * One of the configurations the image bundles (config/ecs/ecs-default-config.yaml, copied to
 * /etc/ecs/, unchanged since 2022): OTLP in on 4317 (gRPC) and 4318 (HTTP), traces out to X-Ray
 * through the `awsxray` exporter. It also has a metrics pipeline (OTLP and StatsD on 8125 in, the
 * `awsemf` exporter out to the log group /aws/ecs/application/metrics) and an X-Ray UDP receiver
 * on 2000. The task role may not write that log group, so the app is told to send no metrics and
 * no logs (OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER `none`): the metrics pipeline stays idle.
 */
export const COLLECTOR_COMMAND: readonly string[] = ["--config=/etc/ecs/ecs-default-config.yaml"];

/**
 * The image's own user, `aoc` (uid 4317 since v0.35.0: cmd/awscollector/Dockerfile), set
 * explicitly so the sidecar never runs as root.
 */
export const COLLECTOR_USER = "4317";

/**
 * CPU units and MiB of the collector, a hard memory limit: a collector that grows past it is
 * stopped, not the app. The traces-only load of one task's app is small (batches of up to 50 spans,
 * sent every second; one user reports an ADOT sidecar at 50 MiB at most:
 * open-telemetry/opentelemetry-collector#12743).
 */
export const DEFAULT_COLLECTOR_CPU = 64;
export const DEFAULT_COLLECTOR_MEMORY = 128;

/** What the app keeps of the task at least, besides the collector. */
export const APP_MIN_CPU = 128;
export const APP_MIN_MEMORY = 256;

/** Where the app sends its spans: the collector's OTLP/gRPC port, over the task's own loopback (awsvpc). */
export const OTLP_ENDPOINT = "http://localhost:4317";

/** The collector's settings, every default resolved. */
export interface CollectorSettings {
    /** Share of new traces recorded, 0–1 (a parent's decision is followed). */
    readonly sampleRatio: number;
    readonly collectorImage: string;
    readonly collectorCpu: number;
    readonly collectorMemory: number;
}

/**
 * The app's OpenTelemetry settings (the SDK's standard variables): spans to the collector, sampled
 * by trace id at `sampleRatio` unless a parent decided, X-Ray's and W3C's trace headers, no metrics
 * or logs (the collector has no permission to export them).
 */
export function tracingEnvironment(service: string, sampleRatio: number): Record<string, string> {
    return {
        OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT,
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: String(sampleRatio),
        OTEL_SERVICE_NAME: service,
        OTEL_PROPAGATORS: "xray,tracecontext",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
    };
}

/** The variables the platform sets while tracing is on: a service's own config may not set them. */
export const TRACING_VARIABLES: readonly string[] = Object.keys(tracingEnvironment("service", 1));

/**
 * What the collector's `awsxray` exporter calls (segments, its own telemetry, the sampling rules
 * and targets), on "*": X-Ray has no resource-level permissions for these actions. AWS's own
 * managed policy for the job, AWSXRayDaemonWriteAccess (v2), grants exactly these five on "*"
 * (AWS Managed Policy Reference); the Service Authorization Reference ("Actions, resources, and
 * condition keys for AWS X-Ray") requires "*" for an action that lists no resource type.
 */
export const XRAY_STATEMENT: PolicyStatement = {
    Sid: "SendTracesToXRay",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
    Resource: "*",
};

const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
const PINNED_EXAMPLE = `pin it to a version tag (${DEFAULT_COLLECTOR_IMAGE}) or a digest (<repository>@sha256:<64 hex digits>)`;

/** Why `image` is not a pinned image reference (a version tag or a digest), or undefined. */
export function collectorImageProblem(image: string): string | undefined {
    const at = image.indexOf("@");
    if (at >= 0) {
        return at > 0 && IMAGE_DIGEST.test(image.slice(at + 1)) ? undefined : `${showValue(image)} is not an image reference; ${PINNED_EXAMPLE}`;
    }
    const colon = image.lastIndexOf(":");
    const tagged = colon > image.lastIndexOf("/");
    const repository = tagged ? image.slice(0, colon) : image;
    if (repository === "" || /\s/.test(image)) {
        return `${showValue(image)} is not an image reference; ${PINNED_EXAMPLE}`;
    }
    if (!tagged) {
        return `${showValue(image)} has no tag, so it pulls latest, which moves; ${PINNED_EXAMPLE}`;
    }
    const tag = image.slice(colon + 1);
    if (tag === "latest") {
        return `${showValue(image)} is a moving tag; ${PINNED_EXAMPLE}`;
    }
    if (!IMAGE_TAG.test(tag)) {
        return `${showValue(tag)} is not an image tag; use up to 128 letters, digits and _.- (not starting with . or -), or ${PINNED_EXAMPLE}`;
    }
    return undefined;
}

/** Why `ratio` is not a sampling ratio, or undefined. */
export function sampleRatioProblem(ratio: number): string | undefined {
    return ratio >= 0 && ratio <= 1 ? undefined : `${ratio} is not a sampling ratio; use a number from 0 to 1 (the share of new traces recorded: 0.05 is 5%)`;
}

/**
 * Whether the collector leaves the app room in the task: the collector's CPU and memory are taken
 * out of the task's, and the app keeps at least APP_MIN_CPU and APP_MIN_MEMORY.
 */
export function collectorRoomProblems(task: { cpu: number; memory: number }, collector: { collectorCpu: number; collectorMemory: number }): Problem[] {
    const problems: Problem[] = [];
    const cpuLeft = task.cpu - collector.collectorCpu;
    if (cpuLeft < APP_MIN_CPU) {
        problems.push({
            path: ["collectorCpu"],
            message: `${collector.collectorCpu} CPU units for the collector leave the app ${Math.max(cpuLeft, 0)} of the task's ${task.cpu}; the app keeps at least ${APP_MIN_CPU}: use at most ${task.cpu - APP_MIN_CPU}, or a bigger task`,
        });
    }
    const memoryLeft = task.memory - collector.collectorMemory;
    if (memoryLeft < APP_MIN_MEMORY) {
        problems.push({
            path: ["collectorMemory"],
            message: `${collector.collectorMemory} MiB for the collector leave the app ${Math.max(memoryLeft, 0)} of the task's ${task.memory} MiB; the app keeps at least ${APP_MIN_MEMORY} MiB: use at most ${task.memory - APP_MIN_MEMORY}, or a bigger task`,
        });
    }
    return problems;
}

/**
 * The collector's settings' problems, at their keys under `tracing`; with `task` (a valid Fargate
 * size, tracing on), whether the collector leaves the app room in it.
 */
export function tracingProblems(settings: CollectorSettings, task?: { cpu: number; memory: number }): Problem[] {
    const problems: Problem[] = [];
    const ratio = sampleRatioProblem(settings.sampleRatio);
    if (ratio) {
        problems.push({ path: ["sampleRatio"], message: ratio });
    }
    const image = collectorImageProblem(settings.collectorImage);
    if (image) {
        problems.push({ path: ["collectorImage"], message: image });
    }
    if (task) {
        problems.push(...collectorRoomProblems(task, settings));
    }
    return problems;
}

/** The variables of `environment` or `secrets` the platform sets while tracing is on, at their names. */
export function reservedVariableProblems(variables: Readonly<Record<string, unknown>>): Problem[] {
    return Object.keys(variables)
        .filter((name) => TRACING_VARIABLES.includes(name))
        .map((name) => ({
            path: [name],
            message: `${showValue(name)} is set by the platform itself while tracing is on (the collector's endpoint, the sampler, the service name, the propagators); choose another name, or turn tracing off`,
        }));
}
