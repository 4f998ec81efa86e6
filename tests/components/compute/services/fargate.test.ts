import { expect } from "chai";
import { FARGATE_MEMORY_BY_CPU, fargateSizeProblem } from "../../../../components/compute/services/fargate";

describe("lib/fargate", () => {
    it("holds AWS's table", () => {
        expect(FARGATE_MEMORY_BY_CPU[256]).to.deep.equal([512, 1024, 2048]);
        expect(FARGATE_MEMORY_BY_CPU[512]).to.deep.equal([1024, 2048, 3072, 4096]);
        expect(FARGATE_MEMORY_BY_CPU[1024]).to.deep.equal([2048, 3072, 4096, 5120, 6144, 7168, 8192]);
        expect(FARGATE_MEMORY_BY_CPU[2048][0]).to.equal(4096);
        expect(FARGATE_MEMORY_BY_CPU[2048].at(-1)).to.equal(16384);
        expect(FARGATE_MEMORY_BY_CPU[4096]).to.have.length(23);
        expect(FARGATE_MEMORY_BY_CPU[4096].at(-1)).to.equal(30720);
        expect(FARGATE_MEMORY_BY_CPU[8192]).to.deep.equal([16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60].map((g) => g * 1024));
        expect(FARGATE_MEMORY_BY_CPU[16384]).to.deep.equal([32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120].map((g) => g * 1024));
    });

    it("accepts the seed's sizes", () => {
        expect(fargateSizeProblem("api-gateway", 512, 1024)).to.equal(undefined);
        expect(fargateSizeProblem("user-service", 256, 512)).to.equal(undefined);
    });

    it("names the service and lists the memory values that go with the CPU", () => {
        expect(fargateSizeProblem("order-service", 256, 4096)).to.deep.equal({
            field: "memory",
            message: '4096 MiB does not go with 256 CPU units on Fargate ("order-service"); with 256 CPU, memory must be 512, 1024, 2048 MiB',
        });
        expect(fargateSizeProblem("api-gateway", 1024, 1024)?.message).to.equal(
            '1024 MiB does not go with 1024 CPU units on Fargate ("api-gateway"); with 1024 CPU, memory must be 2048–8192 in steps of 1024 MiB',
        );
    });

    it("rejects a CPU value Fargate does not offer", () => {
        expect(fargateSizeProblem("x", 300, 512)).to.deep.equal({
            field: "cpu",
            message: '300 is not a Fargate CPU value for "x"; use one of 256, 512, 1024, 2048, 4096, 8192, 16384',
        });
    });
});
