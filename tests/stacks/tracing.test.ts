/**
 * Tracing (platform:services.<name>.tracing, or serviceDefaults.tracing) in stacks: every rule
 * triggered by a stack file's config with its exact message, a mistake in serviceDefaults reported
 * once where it was written; how a service's tracing resolves; and a copy of the seed's dev stack
 * with tracing on for api-gateway, planned through the program: both colours get the collector,
 * the task role its X-Ray statement, nothing else in the plan moves, and the plan meets the
 * baseline. Tracing off (the seed) plans as before: tests/snapshots stay current.
 */
import { expect } from "chai";
import { ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { RuleCase, itRaises, resolved, stackConfig } from "../fixtures/config";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { expectBaseline } from "../support/baseline";
import { RunView, T } from "../support/query";
import { StackCopy } from "../support/stack-copy";

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0";
const PIN = `pin it to a version tag (${COLLECTOR_IMAGE}) or a digest (<repository>@sha256:<64 hex digits>)`;
const RESERVED = "is set by the platform itself while tracing is on (the collector's endpoint, the sampler, the service name, the propagators); choose another name, or turn tracing off";

describe("tracing: bad tracing configs", () => {
    const cases: RuleCase[] = [
        [
            "a sampling ratio outside 0–1",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true, sampleRatio: 1.5 }))),
            ["platform:services.order-service.tracing.sampleRatio: 1.5 is not a sampling ratio; use a number from 0 to 1 (the share of new traces recorded: 0.05 is 5%)"],
        ],
        [
            "a collector image on latest",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true, collectorImage: "public.ecr.aws/aws-observability/aws-otel-collector:latest" }))),
            [`platform:services.order-service.tracing.collectorImage: "public.ecr.aws/aws-observability/aws-otel-collector:latest" is a moving tag; ${PIN}`],
        ],
        [
            "a collector image without a tag (which pulls latest)",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true, collectorImage: "public.ecr.aws/aws-observability/aws-otel-collector" }))),
            [`platform:services.order-service.tracing.collectorImage: "public.ecr.aws/aws-observability/aws-otel-collector" has no tag, so it pulls latest, which moves; ${PIN}`],
        ],
        [
            "a collector that leaves the app less than 128 CPU units and 256 MiB of its 256/512 task",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true, collectorCpu: 192, collectorMemory: 384 }))),
            [
                "platform:services.order-service.tracing.collectorCpu: 192 CPU units for the collector leave the app 64 of the task's 256; the app keeps at least 128: use at most 128, or a bigger task",
                "platform:services.order-service.tracing.collectorMemory: 384 MiB for the collector leave the app 128 of the task's 512 MiB; the app keeps at least 256 MiB: use at most 256, or a bigger task",
            ],
        ],
        [
            "a collector memory below ECS's 6 MiB",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true, collectorMemory: 4 }))),
            ["platform:services.order-service.tracing.collectorMemory: 4 is below the minimum 6"],
        ],
        [
            "an OTEL_* variable the platform sets, in a traced service's environment and secrets",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("services", (s) =>
                        Object.assign(s["order-service"], {
                            tracing: { enabled: true },
                            environment: { OTEL_TRACES_SAMPLER: "always_on" },
                            secrets: { OTEL_EXPORTER_OTLP_ENDPOINT: "arn:aws:ssm:ap-northeast-2:123456789012:parameter/otel/endpoint" },
                        }),
                    ),
                ),
            [`platform:services.order-service.environment.OTEL_TRACES_SAMPLER: "OTEL_TRACES_SAMPLER" ${RESERVED}`, `platform:services.order-service.secrets.OTEL_EXPORTER_OTLP_ENDPOINT: "OTEL_EXPORTER_OTLP_ENDPOINT" ${RESERVED}`],
        ],
        [
            "a bad ratio in serviceDefaults: once, at serviceDefaults, not once per service",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => (d.tracing = { enabled: true, sampleRatio: 2 }))),
            ["platform:serviceDefaults.tracing.sampleRatio: 2 is not a sampling ratio; use a number from 0 to 1 (the share of new traces recorded: 0.05 is 5%)"],
        ],
        [
            "an unpinned image in serviceDefaults, tracing off: still a mistake, once at serviceDefaults",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => (d.tracing = { enabled: false, collectorImage: "otel/collector:latest" }))),
            [`platform:serviceDefaults.tracing.collectorImage: "otel/collector:latest" is a moving tag; ${PIN}`],
        ],
        [
            "a collector in serviceDefaults too big for the six 256/512 services (api-gateway's 512/1024 has room): once, at serviceDefaults",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => (d.tracing = { enabled: true, collectorMemory: 384 }))),
            ["platform:serviceDefaults.tracing.collectorMemory: 384 MiB for the collector leave the app 128 of the task's 512 MiB; the app keeps at least 256 MiB: use at most 256, or a bigger task"],
        ],
        [
            "an OTEL_* variable in serviceDefaults' environment while serviceDefaults turn tracing on: once, at serviceDefaults",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => Object.assign(d, { tracing: { enabled: true }, environment: { ...d.environment, OTEL_PROPAGATORS: "b3" } }))),
            [`platform:serviceDefaults.environment.OTEL_PROPAGATORS: "OTEL_PROPAGATORS" ${RESERVED}`],
        ],
        [
            "a misspelt tracing key",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true, sampleRate: 0.1 }))),
            ["platform:services.order-service.tracing.sampleRate: is not a known key (did you mean sampleRatio?); allowed here: enabled, sampleRatio, collectorImage, collectorCpu, collectorMemory"],
        ],
    ];

    itRaises(cases);

    it("leaves a service's own OTEL_* variables alone while tracing is off", () => {
        const config = stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].environment = { OTEL_SERVICE_NAME: "orders" })));
        expect(resolved(config).services.find((s) => s.name === "order-service")!.environment).to.include({ OTEL_SERVICE_NAME: "orders" });
    });
});

describe("tracing: how a service's tracing resolves", () => {
    it("is off unless asked for; on, it samples every trace in dev and 5% in prod, with the pinned ADOT collector at 64 CPU / 128 MiB", () => {
        const off = resolved(stackConfig("dev")).services.map((s) => s.tracing.enabled);
        expect(off.every((enabled) => !enabled)).to.equal(true);
        const on = (stack: "dev" | "prod") =>
            resolved(stackConfig(stack, (_c, edit) => edit("services", (s) => (s["order-service"].tracing = { enabled: true }))), stack).services.find((s) => s.name === "order-service")!.tracing;
        expect(on("dev")).to.deep.equal({ enabled: true, sampleRatio: 1, collectorImage: COLLECTOR_IMAGE, collectorCpu: 64, collectorMemory: 128 });
        expect(on("prod").sampleRatio).to.equal(0.05);
    });

    it("merges a service's tracing key by key over serviceDefaults': one service may turn it off and keep the shared image", () => {
        const image = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/aws-otel-collector:v0.50.0";
        const config = stackConfig("dev", (_c, edit) => {
            edit("serviceDefaults", (d) => (d.tracing = { enabled: true, sampleRatio: 0.2, collectorImage: image }));
            edit("services", (s) => (s["order-query"].tracing = { enabled: false }));
        });
        const services = resolved(config).services;
        expect(services.filter((s) => s.tracing.enabled).map((s) => s.name)).to.have.length(6);
        expect(services.find((s) => s.name === "order-query")!.tracing).to.deep.include({ enabled: false, sampleRatio: 0.2, collectorImage: image });
    });
});

describe("tracing: the seed's dev stack with tracing on for api-gateway (planned)", () => {
    const copy = new StackCopy(SEED_ROOT);
    let run: ProgramRun;
    let view: RunView;
    after(() => copy.remove());
    before(async () => {
        copy.set("dev", "services.api-gateway.tracing.enabled", "true");
        copy.set("dev", "services.api-gateway.tracing.sampleRatio", "0.5");
        run = await cachedStackRun("dev", copy.dir);
        view = new RunView(run);
    });

    type Container = { name: string; essential: boolean; command?: string[]; environment: Array<{ name: string; value: string }> };
    const containers = (task: RecordedResource) => JSON.parse(task.inputs.containerDefinitions as string) as Container[];

    it("meets the baseline: tags, retentions, no literal credential, every container unprivileged on awslogs", () => {
        expectBaseline(run, { project: "goorm-popcorn", env: "dev", name: "dev" });
    });

    it("runs the collector beside api-gateway in both colours' tasks, and the app's OTEL_* variables point at it", () => {
        for (const colour of ["blue", "green"]) {
            const task = view.one(TASK_DEFINITION, `api-gateway-${colour}-task`);
            expect(containers(task).map((c) => [c.name, c.essential]), colour).to.deep.equal([
                ["writable-paths", false],
                ["api-gateway", true],
                ["otel-collector", false],
            ]);
            const otel = containers(task)[1].environment.filter((e) => e.name.startsWith("OTEL_"));
            expect(Object.fromEntries(otel.map((e) => [e.name, e.value])), colour).to.deep.equal({
                OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4317",
                OTEL_LOGS_EXPORTER: "none",
                OTEL_METRICS_EXPORTER: "none",
                OTEL_PROPAGATORS: "xray,tracecontext",
                OTEL_SERVICE_NAME: "api-gateway",
                OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
                OTEL_TRACES_SAMPLER_ARG: "0.5",
            });
        }
    });

    it("lets api-gateway's task role, and no other, send traces to X-Ray", () => {
        const xray = view.ofType(T.rolePolicy).filter((p) => (p.inputs.policy as string).includes("xray:"));
        expect(xray.map((p) => p.name)).to.deep.equal(["api-gateway-task-policy"]);
        expect(JSON.parse(xray[0].inputs.policy as string).Statement).to.deep.equal([
            {
                Sid: "SendTracesToXRay",
                Effect: "Allow",
                Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
                Resource: "*",
            },
        ]);
    });

    it("changes nothing else: beside the new task policy, only api-gateway's two task definitions differ from the seed's plan", async () => {
        const seed = new Map((await seedRun("dev")).resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const added = run.resources.filter((r) => !seed.has(r.urn)).map((r) => r.name);
        const changed = run.resources.filter((r) => seed.has(r.urn) && seed.get(r.urn) !== JSON.stringify(r.inputs)).map((r) => r.name);
        expect(added).to.deep.equal(["api-gateway-task-policy"]);
        expect(changed.sort()).to.deep.equal(["api-gateway-blue-task", "api-gateway-green-task"]);
        expect(run.resources.length).to.equal(seed.size + 1);
    });

    it("with tracing.enabled false written out, plans exactly as the seed does", async () => {
        const off = new StackCopy(SEED_ROOT);
        try {
            off.set("dev", "services.api-gateway.tracing.enabled", "false");
            const offRun = await cachedStackRun("dev", off.dir);
            const inputs = (r: ProgramRun) => r.resources.map((x) => [x.urn, x.inputs]);
            expect(inputs(offRun)).to.deep.equal(inputs(await seedRun("dev")));
        } finally {
            off.remove();
        }
    });
});
