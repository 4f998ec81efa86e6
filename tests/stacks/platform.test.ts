/**
 * The assembled platform (stacks/platform.ts) for the real dev and prod stack files: the seven
 * services, the ALB, the security-group matrix, and blue/green as a config edit.
 */
import { expect } from "chai";
import { CANARY_STEPS, Weights } from "../../components/traffic/blue-green-alb/blue-green";
import { ProgramRun, RecordedResource, runProgram } from "../../tooling/mock-runtime";
import { projectProgram } from "../../tooling/plan";
import { seedRun } from "../fixtures/seed";
import { RunView, T, reachability } from "../support/query";
import { stackConfig } from "../fixtures/config";
import { SEED_REACHABILITY } from "../fixtures/matrix";

const C = {
    cluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    discovery: "aws:servicediscovery/service:Service",
    repository: "aws:ecr/repository:Repository",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    scalingTarget: "aws:appautoscaling/target:Target",
} as const;

/** The seed: the seven services, their sizes, Cloud Map names and repositories. */
const SEED_SERVICES = [
    ["api-gateway", 512, 1024, "goorm-popcorn-api-gateway"],
    ["user-service", 256, 512, "goorm-popcorn-user"],
    ["store-service", 256, 512, "goorm-popcorn-store"],
    ["order-service", 256, 512, "goorm-popcorn-order"],
    ["payment-service", 256, 512, "goorm-popcorn-payment"],
    ["checkin-service", 256, 512, "goorm-popcorn-checkin"],
    ["order-query", 256, 512, "goorm-popcorn-order-query"],
] as const;

function containerOf(taskDefinition: RecordedResource): { image: string; name: string } {
    return (JSON.parse(taskDefinition.inputs.containerDefinitions as string) as Array<{ image: string; name: string }>).find((c) => c.name !== "writable-paths")!;
}

for (const env of ["dev", "prod"] as const) {
    describe(`stack ${env}: compute and traffic`, () => {
        let view: RunView;
        before(async () => {
            view = new RunView(await seedRun(env));
        });

        it(`runs the seven services in goorm-popcorn-${env}-cluster, api-gateway as blue and green`, () => {
            const [cluster] = view.ofType(C.cluster);
            expect(cluster.inputs.name).to.equal(`goorm-popcorn-${env}-cluster`);
            expect(view.ofType(C.service).map((s) => s.inputs.name)).to.have.members([
                `goorm-popcorn-${env}-api-gateway-blue`,
                `goorm-popcorn-${env}-api-gateway-green`,
                ...SEED_SERVICES.slice(1).map(([name]) => `goorm-popcorn-${env}-${name}`),
            ]);
            expect(view.ofType(C.service).every((s) => s.inputs.cluster === cluster.id)).to.equal(true);
        });

        it("sizes every task as the seed says", () => {
            const sizes = view.ofType(C.taskDefinition).map((t) => `${containerOf(t).name} ${t.inputs.cpu}/${t.inputs.memory}`);
            expect(sizes).to.have.members([...SEED_SERVICES.map(([name, cpu, memory]) => `${name} ${cpu}/${memory}`), "api-gateway 512/1024"]);
        });

        it("registers each service as <name>.goormpopcorn.local and logs it to /aws/ecs/goorm-popcorn-<env>/<name>", () => {
            expect(view.ofType(C.discovery).map((d) => d.inputs.name)).to.have.members(SEED_SERVICES.map(([name]) => name));
            const namespace = view.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "ecs-namespace");
            expect(namespace.inputs).to.include({ name: "goormpopcorn.local", vpc: view.one(T.vpc, "network-vpc").id });
            expect(view.ofType(T.logGroup).map((l) => l.inputs.name)).to.include.members([
                ...SEED_SERVICES.map(([name]) => `/aws/ecs/goorm-popcorn-${env}/${name}`),
                `/aws/ecs/goorm-popcorn-${env}/exec`,
            ]);
        });

        it("runs every task in the private subnets, without a public IP, in the ecs security group", () => {
            const privateIds = view.subnetsOfTier("private").map((s) => s.id);
            const ecsGroup = view.ofType(T.securityGroup).find((g) => g.inputs.name === `goorm-popcorn-${env}-ecs`)!;
            for (const service of view.ofType(C.service)) {
                expect(service.inputs.networkConfiguration, String(service.inputs.name)).to.deep.equal({ subnets: privateIds, securityGroups: [ecsGroup.id], assignPublicIp: false });
            }
        });

        it("puts only api-gateway behind the ALB: blue in goorm-popcorn-gateway-<env>, green in its own group", () => {
            const behind = view.ofType(C.service).filter((s) => s.inputs.loadBalancers !== undefined);
            expect(behind.map((s) => [s.inputs.name, view.byId((s.inputs.loadBalancers as Array<{ targetGroupArn: string }>)[0].targetGroupArn).inputs.name])).to.have.deep.members([
                [`goorm-popcorn-${env}-api-gateway-blue`, `goorm-popcorn-gateway-${env}`],
                [`goorm-popcorn-${env}-api-gateway-green`, `goorm-popcorn-gateway-green-${env}`],
            ]);
            for (const group of view.ofType(C.targetGroup)) {
                expect(group.inputs).to.include({ targetType: "ip", port: 8080, protocol: "HTTP" });
                expect((group.inputs.healthCheck as { path: string }).path).to.equal("/health");
            }
        });

        it("fronts it with goorm-popcorn-alb-<env> in the public subnets: 80 redirects, 443 forwards 100/0", () => {
            const [lb] = view.ofType(C.lb);
            expect(lb.inputs).to.deep.include({ name: `goorm-popcorn-alb-${env}`, subnets: view.subnetsOfTier("public").map((s) => s.id), internal: false });
            type Action = { type: string; forward?: { targetGroups: Array<{ arn: string; weight: number }> } };
            const actions = new Map(view.ofType(C.listener).map((l) => [l.inputs.port, (l.inputs.defaultActions as Action[])[0]]));
            expect(actions.get(80)!.type).to.equal("redirect");
            expect(actions.get(443)!.forward!.targetGroups.map((t) => [view.byId(t.arn).inputs.name, t.weight])).to.deep.equal([
                [`goorm-popcorn-gateway-${env}`, 100],
                [`goorm-popcorn-gateway-green-${env}`, 0],
            ]);
        });

        it("keeps the security groups to the seed's matrix (the seed, with the flows it forgot)", () => {
            expect(reachability(view, /^goorm-popcorn-(dev|prod)-/)).to.deep.equal([...SEED_REACHABILITY].sort());
        });
    });
}

describe("stack dev: its own settings", () => {
    let view: RunView;
    before(async () => {
        view = new RunView(await seedRun("dev"));
    });

    it("runs one task of each service on FARGATE_SPOT; green runs none", () => {
        for (const service of view.ofType(C.service)) {
            const expected = String(service.inputs.name).endsWith("-green") ? 0 : 1;
            expect(service.inputs.desiredCount, String(service.inputs.name)).to.equal(expected);
            expect(service.inputs.capacityProviderStrategies).to.deep.equal([{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
        }
    });

    it("creates no repository: its services deploy from the account stack's seven, by the seed's names", async () => {
        expect(view.ofType(C.repository)).to.deep.equal([]);
        const images = view.ofType(C.taskDefinition).map((t) => containerOf(t).image.replace(/^.*\//, "").replace(/:.*$/, ""));
        expect([...new Set(images)]).to.have.members(SEED_SERVICES.map(([, , , repository]) => repository));
        const account = new RunView(await seedRun("account"));
        expect(account.ofType(C.repository).map((r) => r.inputs.name)).to.have.members(SEED_SERVICES.map(([, , , repository]) => repository));
    });

    it("leaves the ALB unprotected and without access logs, as its stack file says", () => {
        expect(view.ofType(C.lb)[0].inputs).to.include({ enableDeletionProtection: false });
        expect(view.ofType(C.lb)[0].inputs.accessLogs).to.equal(undefined);
    });
});

describe("stack prod: its own settings", () => {
    let view: RunView;
    before(async () => {
        view = new RunView(await seedRun("prod"));
    });

    it("runs at least two tasks of each service (but the idle colour) on FARGATE only, scaling 2–6 (api-gateway 2–10)", () => {
        for (const service of view.ofType(C.service)) {
            const name = String(service.inputs.name);
            expect(service.inputs.desiredCount, name).to.equal(name.endsWith("-green") ? 0 : 2);
            expect(service.inputs.capacityProviderStrategies, name).to.deep.equal([{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
        }
        const bounds = view.ofType(C.scalingTarget).map((t) => `${String(t.inputs.resourceId).split("/").pop()} ${t.inputs.minCapacity}-${t.inputs.maxCapacity}`);
        expect(bounds).to.include.members(["goorm-popcorn-prod-api-gateway-blue 2-10", "goorm-popcorn-prod-order-query 2-6"]);
        // The idle colour has no scalable target: its service input holds it at zero.
        expect(bounds.filter((b) => b.includes("-green "))).to.deep.equal([]);
    });

    it("spreads the tasks over the three AZs' private subnets", () => {
        const azs = view.subnetsOfTier("private").map((s) => s.inputs.availabilityZone);
        expect(azs).to.deep.equal(["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
    });

    it("reads the account's repositories instead of creating them, and pulls their images", () => {
        expect(view.ofType(C.repository)).to.deep.equal([]);
        const images = view.ofType(C.taskDefinition).map((t) => containerOf(t).image);
        expect(images).to.include("123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/goorm-popcorn-order-query:0.1.0");
    });

    it("protects the ALB and logs its access", () => {
        const [lb] = view.ofType(C.lb);
        expect(lb.inputs.enableDeletionProtection).to.equal(true);
        expect((lb.inputs.accessLogs as { enabled: boolean }).enabled).to.equal(true);
    });
});

describe("blue/green is a weight edit", () => {
    /** The dev stack with both colours running and the given weights. */
    async function devWith(weights: Weights): Promise<ProgramRun> {
        const config = stackConfig("dev", (_c, edit) =>
            edit("blueGreen", (b) => {
                b.weights = weights;
                b.green.scaledToZero = false;
            }),
        );
        return runProgram(projectProgram(), { stack: "dev", config });
    }

    /** URNs whose inputs differ between two runs; fails when the runs have different resources. */
    function changedUrns(before: ProgramRun, after: ProgramRun): string[] {
        const inputsOf = (run: ProgramRun) => new Map(run.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const a = inputsOf(before);
        const b = inputsOf(after);
        expect([...b.keys()].sort()).to.deep.equal([...a.keys()].sort());
        return [...a.keys()].filter((urn) => a.get(urn) !== b.get(urn));
    }

    it("each canary step (90/10 → 50/50 → 10/90 → 0/100) and the rollback change the HTTPS listener and nothing else", async () => {
        const runs = [];
        for (const step of CANARY_STEPS) {
            runs.push(await devWith(step));
        }
        // The rollback: the first step's config again (a run is deterministic, so its plan is runs[0]).
        runs.push(runs[0]);
        for (let i = 1; i < runs.length; i++) {
            const changed = changedUrns(runs[i - 1], runs[i]);
            expect(changed, `step ${i}`).to.deep.equal(["urn:pulumi:dev::platform::platform:traffic:BlueGreenAlb$aws:lb/listener:Listener::alb-https"]);
        }
        const weightsOf = (run: ProgramRun) => {
            const https = run.resources.find((r) => r.name === "alb-https")!;
            return (https.inputs.defaultActions as Array<{ forward: { targetGroups: Array<{ weight: number }> } }>)[0].forward.targetGroups.map((t) => t.weight);
        };
        expect(runs.map(weightsOf)).to.deep.equal([[100, 0], [90, 10], [50, 50], [10, 90], [0, 100], [100, 0]]);
    });
});
