import { expect } from "chai";
import {
    DEFAULT_COLLECTOR_CPU,
    DEFAULT_COLLECTOR_IMAGE,
    DEFAULT_COLLECTOR_MEMORY,
    TRACING_VARIABLES,
    collectorImageProblem,
    collectorRoomProblems,
    sampleRatioProblem,
    tracingEnvironment,
} from "../../../../components/compute/services/tracing";
import { FARGATE_MEMORY_BY_CPU } from "../../../../components/compute/services/fargate";

const PIN = `pin it to a version tag (${DEFAULT_COLLECTOR_IMAGE}) or a digest (<repository>@sha256:<64 hex digits>)`;

describe("components/services/tracing: the collector image is pinned", () => {
    it("accepts a version tag, a digest, a tag with a digest, and a registry with a port", () => {
        for (const image of [
            DEFAULT_COLLECTOR_IMAGE,
            `public.ecr.aws/aws-observability/aws-otel-collector@sha256:${"a".repeat(64)}`,
            `public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0@sha256:${"b".repeat(64)}`,
            "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/aws-otel-collector:v0.50.0",
            "registry.local:5000/otel/collector:1.2.3",
        ]) {
            expect(collectorImageProblem(image), image).to.equal(undefined);
        }
    });

    it("refuses latest, no tag at all (which pulls latest), a broken digest and a broken tag", () => {
        expect(collectorImageProblem("public.ecr.aws/aws-observability/aws-otel-collector:latest")).to.equal(`"public.ecr.aws/aws-observability/aws-otel-collector:latest" is a moving tag; ${PIN}`);
        expect(collectorImageProblem("public.ecr.aws/aws-observability/aws-otel-collector")).to.equal(`"public.ecr.aws/aws-observability/aws-otel-collector" has no tag, so it pulls latest, which moves; ${PIN}`);
        expect(collectorImageProblem("registry.local:5000/otel/collector")).to.equal(`"registry.local:5000/otel/collector" has no tag, so it pulls latest, which moves; ${PIN}`);
        expect(collectorImageProblem("otel/collector@sha256:abc")).to.equal(`"otel/collector@sha256:abc" is not an image reference; ${PIN}`);
        expect(collectorImageProblem(":v1")).to.equal(`":v1" is not an image reference; ${PIN}`);
        expect(collectorImageProblem("otel/collector:-v1")).to.equal(`"-v1" is not an image tag; use up to 128 letters, digits and _.- (not starting with . or -), or ${PIN}`);
    });
});

describe("components/services/tracing: sampling ratio and room for the app", () => {
    it("takes ratios from 0 to 1, both included", () => {
        expect([0, 0.05, 1].map(sampleRatioProblem)).to.deep.equal([undefined, undefined, undefined]);
        expect(sampleRatioProblem(-0.1)).to.equal("-0.1 is not a sampling ratio; use a number from 0 to 1 (the share of new traces recorded: 0.05 is 5%)");
    });

    it("leaves the app exactly 128 CPU and 256 MiB at the least, and the default collector fits every Fargate size", () => {
        expect(collectorRoomProblems({ cpu: 256, memory: 512 }, { collectorCpu: 128, collectorMemory: 256 })).to.deep.equal([]);
        expect(collectorRoomProblems({ cpu: 256, memory: 512 }, { collectorCpu: 129, collectorMemory: 257 }).map((p) => p.path)).to.deep.equal([["collectorCpu"], ["collectorMemory"]]);
        expect(collectorRoomProblems({ cpu: 256, memory: 512 }, { collectorCpu: 512, collectorMemory: 1024 }).map((p) => p.message)).to.deep.equal([
            "512 CPU units for the collector leave the app 0 of the task's 256; the app keeps at least 128: use at most 128, or a bigger task",
            "1024 MiB for the collector leave the app 0 of the task's 512 MiB; the app keeps at least 256 MiB: use at most 256, or a bigger task",
        ]);
        for (const [cpu, memories] of Object.entries(FARGATE_MEMORY_BY_CPU)) {
            for (const memory of memories) {
                expect(collectorRoomProblems({ cpu: Number(cpu), memory }, { collectorCpu: DEFAULT_COLLECTOR_CPU, collectorMemory: DEFAULT_COLLECTOR_MEMORY }), `${cpu}/${memory}`).to.deep.equal([]);
            }
        }
    });

    it("reserves exactly the variables it sets", () => {
        expect(Object.keys(tracingEnvironment("point", 0.1)).sort()).to.deep.equal([...TRACING_VARIABLES].sort());
        expect(tracingEnvironment("point", 0.1)).to.include({ OTEL_SERVICE_NAME: "point", OTEL_TRACES_SAMPLER_ARG: "0.1" });
    });
});
