/**
 * The ALB's routes and internal scheme through the whole program: a temp-dir copy of the seed's dev
 * stack file edited into system B's shape (an internal ALB, routes to plain services, no
 * blue/green), and the seed with one route beside blue/green; systems A and E keep their plans.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { cachedStackRun, renderSnapshot, sharedStackRun, snapshotDrift, snapshotPath, toSnapshotPlan } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { StackCopy } from "../support/stack-copy";
import { RunView, T } from "../support/query";

const L = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    service: "aws:ecs/service:Service",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

/** `edits` (a YAML path under `config:` → value, or undefined to delete) applied to a copy of the seed's dev stack file, planned. */
async function planDevWith(edits: ReadonlyArray<readonly [Array<string | number>, unknown]>): Promise<ProgramRun> {
    const copy = new StackCopy(SEED_ROOT);
    try {
        const doc = copy.document("dev");
        for (const [key, value] of edits) {
            if (value === undefined) {
                doc.deleteIn(["config", ...key]);
            } else {
                doc.setIn(["config", ...key], doc.createNode(value));
            }
        }
        fs.writeFileSync(copy.file("dev"), doc.toString());
        return await cachedStackRun("dev", copy.dir);
    } finally {
        copy.remove();
    }
}

/** System B's shape on the seed's network: private subnets in two AZs (two in 2a), no blue/green, an internal ALB with routes. */
const SYSTEM_B: ReadonlyArray<readonly [Array<string | number>, unknown]> = [
    [["platform:blueGreen"], undefined],
    [["platform:services", "api-gateway", "imageTag"], "0.1.0"],
    [["platform:services", "user-service", "port"], 9090],
    [
        ["platform:network", "subnets", "private"],
        [
            { cidr: "10.0.11.0/24", az: "ap-northeast-2a" },
            { cidr: "10.0.12.0/24", az: "ap-northeast-2c" },
            { cidr: "10.0.13.0/24", az: "ap-northeast-2a" },
        ],
    ],
    [["platform:alb", "scheme"], "internal"],
    [["platform:alb", "dns"], undefined],
    [
        ["platform:alb", "routes"],
        [
            { service: "order-service", paths: ["/orders", "/orders/*"], priority: 10 },
            { service: "user-service", hosts: ["users.goormpopcorn.shop"], paths: ["/*"], priority: 20, healthCheck: { path: "/actuator/health" } },
            { service: "order-service", hosts: ["orders.goormpopcorn.shop"], priority: 30 },
        ],
    ],
];

type Rule = { listenerArn: string; priority: number; conditions: unknown[]; actions: Array<{ type: string; targetGroupArn: string }> };

function groupNamed(view: RunView, name: string): RecordedResource {
    return view.ofType(T.securityGroup).find((g) => g.inputs.name === `goorm-popcorn-dev-${name}`)!;
}

describe("ALB routes, internal (system B's shape on a copy of the seed's dev stack)", () => {
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        run = await planDevWith(SYSTEM_B);
        view = new RunView(run);
    });

    it("creates a listener rule per route on the HTTPS listener, with its conditions and priority, forwarding to the plain service's target group", () => {
        const https = view.one(L.listener, "alb-https");
        const rules = view.ofType(L.rule).map((r) => r.inputs as unknown as Rule);
        expect(rules.map((r) => [r.priority, r.listenerArn === https.id, r.conditions, r.actions.map((a) => [a.type, view.byId(a.targetGroupArn).inputs.name])])).to.have.deep.members([
            [10, true, [{ pathPattern: { values: ["/orders", "/orders/*"] } }], [["forward", "goorm-popcorn-order-dev"]]],
            [20, true, [{ pathPattern: { values: ["/*"] } }, { hostHeader: { values: ["users.goormpopcorn.shop"] } }], [["forward", "goorm-popcorn-user-dev"]]],
            [30, true, [{ hostHeader: { values: ["orders.goormpopcorn.shop"] } }], [["forward", "goorm-popcorn-order-dev"]]],
        ]);
        expect(view.ofType(L.targetGroup).map((g) => [g.inputs.name, g.inputs.targetType, g.inputs.port, (g.inputs.healthCheck as { path: string }).path])).to.have.deep.members([
            ["goorm-popcorn-order-dev", "ip", 8080, "/health"],
            ["goorm-popcorn-user-dev", "ip", 9090, "/actuator/health"],
        ]);
    });

    it("registers the routed services' ECS services in their target groups (loadBalancers), and no other", () => {
        const behind = view.ofType(L.service).filter((s) => s.inputs.loadBalancers !== undefined);
        expect(
            behind.map((s) => [s.inputs.name, (s.inputs.loadBalancers as Array<{ targetGroupArn: string; containerName: string; containerPort: number }>).map((lb) => [view.byId(lb.targetGroupArn).inputs.name, lb.containerName, lb.containerPort]), s.inputs.healthCheckGracePeriodSeconds]),
        ).to.have.deep.members([
            ["goorm-popcorn-dev-order-service", [["goorm-popcorn-order-dev", "order-service", 8080]], 60],
            ["goorm-popcorn-dev-user-service", [["goorm-popcorn-user-dev", "user-service", 9090]], 60],
        ]);
    });

    it("answers any request no route takes with a fixed 404", () => {
        expect(view.one(L.listener, "alb-https").inputs.defaultActions).to.deep.equal([
            { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" } },
        ]);
    });

    it("is internal, in the first private subnet of each AZ, with HTTPS only", () => {
        const privateByAz = ["network-private-2a", "network-private-2c"].map((name) => view.one(T.subnet, name).id);
        expect(view.one(L.lb, "alb-alb").inputs).to.deep.include({ internal: true, subnets: privateByAz });
        expect(view.ofType(L.listener).map((l) => [l.name, l.inputs.port])).to.deep.equal([["alb-https", 443]]);
        expect(String(run.outputs.albDnsName)).to.match(/^internal-goorm-popcorn-alb-dev-/);
        expect(run.outputs.albScheme).to.equal("internal");
    });

    it("takes no ingress from the internet (nor from anything until a block in front declares its flow), and says so", () => {
        const alb = groupNamed(view, "alb");
        expect(view.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === alb.id)).to.deep.equal([]);
        expect(view.ofType(T.ingressRule).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")).to.deep.equal([]);
        expect(alb.inputs.description).to.equal("Internal ALB: 443 in only from what other blocks declare (a CDN VPC origin), out only to the services");
        expect(run.warnings).to.include(
            'platform:alb.scheme: "internal", and no block opens the ALB\'s security group yet: nothing can reach it until what fronts it (a CDN VPC origin) declares its flow (albOriginFlow)',
        );
    });

    it("opens ALB → ecs on each routed service's port (8080 and 9090), in both directions' rules", () => {
        const [alb, ecs] = [groupNamed(view, "alb"), groupNamed(view, "ecs")];
        const egress = view.ofType(T.egressRule).filter((r) => r.inputs.securityGroupId === alb.id);
        expect(egress.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId === ecs.id, r.inputs.description])).to.have.deep.members([
            [8080, true, "ALB to its target services"],
            [9090, true, "ALB to its target services"],
        ]);
        const ingress = view.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === ecs.id && r.inputs.referencedSecurityGroupId === alb.id);
        expect(ingress.map((r) => r.inputs.fromPort)).to.have.members([8080, 9090]);
    });

    it("exports the routed target groups, without blue/green's outputs, and alarms on the routed services' healthy targets", () => {
        expect(run.outputs.routeTargetGroups).to.deep.equal({ "order-service": "goorm-popcorn-order-dev", "user-service": "goorm-popcorn-user-dev" });
        expect(run.outputs).not.to.have.any.keys("canaryWeights", "targetGroups");
        const healthy = view.ofType(L.alarm).filter((a) => /healthy-hosts$/.test(String(a.inputs.name)));
        expect(healthy.map((a) => a.inputs.name)).to.have.members(["goorm-popcorn-dev-ecs-order-service-healthy-hosts", "goorm-popcorn-dev-ecs-user-service-healthy-hosts"]);
        expect(view.ofType(L.alarm).filter((a) => /alb-(blue|green)-/.test(String(a.inputs.name)))).to.deep.equal([]);
    });
});

describe("ALB routes beside blue/green (the seed's dev stack with one route)", () => {
    let seed: ProgramRun;
    let routed: ProgramRun;
    before(async () => {
        seed = await seedRun("dev");
        routed = await planDevWith([[["platform:alb", "routes"], [{ service: "order-service", paths: ["/orders/*"], priority: 10 }]]]);
    });

    it("keeps blue/green as it is: the same default action, target groups, listeners and colour services; the route only adds its rule and group and registers order-service", () => {
        const inputs = (run: ProgramRun) => new Map(run.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const [before, after] = [inputs(seed), inputs(routed)];
        const name = (urn: string) => urn.split("::").pop();
        expect([...before.keys()].filter((urn) => !after.has(urn)), "nothing removed").to.deep.equal([]);
        expect([...after.keys()].filter((urn) => !before.has(urn)).map(name)).to.have.members(["alb-route-10", "alb-target-order-service", "monitoring-ecs-order-service-healthy-hosts"]);
        // order-service registers in its group (with the grace period); the dashboard shows its new alarm.
        expect([...before.keys()].filter((urn) => before.get(urn) !== after.get(urn)).map(name)).to.have.members(["order-service-service", "monitoring-dashboard"]);
        const view = new RunView(routed);
        expect(view.one(L.listener, "alb-https").inputs.defaultActions).to.deep.equal(new RunView(seed).one(L.listener, "alb-https").inputs.defaultActions);
        expect(view.one(L.rule, "alb-route-10").inputs).to.deep.include({ priority: 10, conditions: [{ pathPattern: { values: ["/orders/*"] } }] });
    });
});

describe("ALB: systems A and E keep their plans", () => {
    for (const stack of ["dev", "prod", "chat"]) {
        it(`${snapshotPath(stack)} is still the plan of Pulumi.${stack}.yaml`, async () => {
            const file = snapshotPath(stack);
            const committed = fs.existsSync(path.join(PROJECT_ROOT, file)) ? fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8") : null;
            const drift = snapshotDrift(file, committed, renderSnapshot(toSnapshotPlan(await sharedStackRun(stack))));
            if (drift !== null) {
                throw new Error(drift);
            }
        });
    }

    it("keeps the seed ALBs of A and E by the same children: no rule, no routed group, 80 and 443, internet-facing", async () => {
        for (const stack of ["dev", "prod", "chat"]) {
            const view = new RunView(await seedRun(stack));
            const children = view.resources.filter((r) => r.parent?.endsWith("platform:traffic:BlueGreenAlb::alb")).map((r) => r.name);
            expect(children.filter((n) => /^alb-(route|target)-/.test(n)), stack).to.deep.equal([]);
            expect(children, stack).to.include.members(["alb-alb", "alb-blue", "alb-green", "alb-http", "alb-https"]);
            expect(view.one(L.lb, "alb-alb").inputs.internal, stack).to.equal(false);
        }
    });
});
