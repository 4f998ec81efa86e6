/**
 * BlueGreenAlb's routes and scheme: listener rules forwarding to plain services' own target
 * groups, the default 404 without blue/green, and an internal ALB (443 only).
 */
import { expect } from "chai";
import { BlueGreenAlb, BlueGreenAlbArgs } from "../../../../components/traffic/blue-green-alb/blue-green-alb";
import { ArgumentError } from "../../../../lib/problems";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { RunView, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const L = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
} as const;

const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const CERTIFICATE_ARN = `arn:aws:acm:ap-northeast-2:${MOCK_ACCOUNT_ID}:certificate/11111111-2222-3333-4444-555555555555`;

/** An ALB without blue/green: routes only. */
function routedArgs(change: Partial<BlueGreenAlbArgs> = {}): BlueGreenAlbArgs {
    return {
        naming,
        tags,
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: SUBNETS,
        securityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"],
        certificate: { arn: CERTIFICATE_ARN },
        accessLogs: { enabled: false },
        routes: [
            { service: "order-service", port: 8080, paths: ["/orders", "/orders/*"], priority: 10 },
            { service: "user-service", port: 9090, hosts: ["users.goormpopcorn.shop"], paths: ["/*"], priority: 20, healthCheck: { path: "/actuator/health", matcher: "200-299" } },
            { service: "order-service", port: 8080, hosts: ["orders.goormpopcorn.shop"], priority: 30 },
        ],
        ...change,
    };
}

type Rule = { listenerArn: string; priority: number; conditions: unknown[]; actions: Array<{ type: string; targetGroupArn: string }>; tags: Record<string, string> };

describe("components/blue-green-alb: routes without blue/green", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new BlueGreenAlb("alb", routedArgs()));
    });

    it("creates a listener rule per route on the HTTPS listener, by priority, with its path and host conditions, forwarding to its service's target group", () => {
        const https = view.one(L.listener, "alb-https");
        const rules = ["alb-route-10", "alb-route-20", "alb-route-30"].map((name) => view.one(L.rule, name).inputs as unknown as Rule);
        expect(rules.map((r) => [r.listenerArn, r.priority])).to.deep.equal([
            [https.id, 10],
            [https.id, 20],
            [https.id, 30],
        ]);
        expect(rules.map((r) => r.conditions)).to.deep.equal([
            [{ pathPattern: { values: ["/orders", "/orders/*"] } }],
            [{ pathPattern: { values: ["/*"] } }, { hostHeader: { values: ["users.goormpopcorn.shop"] } }],
            [{ hostHeader: { values: ["orders.goormpopcorn.shop"] } }],
        ]);
        expect(rules.map((r) => r.actions.map((a) => [a.type, view.byId(a.targetGroupArn).name]))).to.deep.equal([
            [["forward", "alb-target-order-service"]],
            [["forward", "alb-target-user-service"]],
            [["forward", "alb-target-order-service"]],
        ]);
        expect(rules.map((r) => [r.tags.Name, r.tags.Service])).to.deep.equal([
            ["goorm-popcorn-alb-dev-route-10", "order-service"],
            ["goorm-popcorn-alb-dev-route-20", "user-service"],
            ["goorm-popcorn-alb-dev-route-30", "order-service"],
        ]);
    });

    it("gives each routed service one ip target group, <prefix>-<service without -service>-<env>, on its port, with its route's health check or the ALB's", () => {
        const groups = view.ofType(L.targetGroup);
        expect(groups.map((g) => [g.name, g.inputs.name, g.inputs.port])).to.have.deep.members([
            ["alb-target-order-service", "goorm-popcorn-order-dev", 8080],
            ["alb-target-user-service", "goorm-popcorn-user-dev", 9090],
        ]);
        for (const group of groups) {
            expect(group.inputs).to.include({ targetType: "ip", protocol: "HTTP", deregistrationDelay: 30, vpcId: "vpc-0123456789abcdef0" });
            expect((group.inputs.tags as Record<string, string>).Colour).to.equal(undefined);
        }
        expect(view.one(L.targetGroup, "alb-target-order-service").inputs.healthCheck).to.include({ path: "/health", matcher: "200" });
        expect(view.one(L.targetGroup, "alb-target-user-service").inputs.healthCheck).to.include({ path: "/actuator/health", matcher: "200-299", port: "traffic-port" });
        expect((view.one(L.targetGroup, "alb-target-user-service").inputs.tags as Record<string, string>).Service).to.equal("user-service");
    });

    it("answers every other request with a fixed 404 (the default action), and keeps 80 → 443", () => {
        expect(view.one(L.listener, "alb-https").inputs.defaultActions).to.deep.equal([
            { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" } },
        ]);
        expect(view.one(L.listener, "alb-http").inputs.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        expect(view.one(L.lb, "alb-alb").inputs.internal).to.equal(false);
    });
});

describe("components/blue-green-alb: routes beside blue/green", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() =>
            new BlueGreenAlb(
                "alb",
                routedArgs({ service: "api-gateway", targetPort: 8080, weights: { blue: 90, green: 10 }, routes: [{ service: "order-service", port: 8080, paths: ["/orders/*"], priority: 10 }] }),
            ),
        );
    });

    it("keeps blue/green the default action, weighted, and adds the route's rule and group", () => {
        const [action] = view.one(L.listener, "alb-https").inputs.defaultActions as Array<{ type: string; forward: { targetGroups: Array<{ arn: string; weight: number }> } }>;
        expect(action.type).to.equal("forward");
        expect(action.forward.targetGroups.map((t) => [view.byId(t.arn).inputs.name, t.weight])).to.deep.equal([
            ["goorm-popcorn-gateway-dev", 90],
            ["goorm-popcorn-gateway-green-dev", 10],
        ]);
        expect(view.ofType(L.targetGroup).map((g) => g.name)).to.have.members(["alb-blue", "alb-green", "alb-target-order-service"]);
        expect(view.ofType(L.rule).map((r) => r.name)).to.deep.equal(["alb-route-10"]);
        // The blue/green service's tag stays on the ALB's own children; the routed group is its service's.
        expect((view.one(L.targetGroup, "alb-blue").inputs.tags as Record<string, string>)).to.include({ Service: "api-gateway", Colour: "blue" });
        expect((view.one(L.targetGroup, "alb-target-order-service").inputs.tags as Record<string, string>).Service).to.equal("order-service");
    });
});

describe("components/blue-green-alb: internal", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        view = await runView(() => {
            const alb = new BlueGreenAlb("alb", routedArgs({ scheme: "internal" }));
            return { dnsName: alb.dnsName, scheme: alb.scheme };
        });
        outputs = view.run.outputs as Record<string, unknown>;
    });

    it("is internal: in the subnets given, with an internal- DNS name", () => {
        expect(view.one(L.lb, "alb-alb").inputs).to.deep.include({ internal: true, subnets: SUBNETS });
        expect(outputs.scheme).to.equal("internal");
        expect(String(outputs.dnsName)).to.match(/^internal-goorm-popcorn-alb-dev-\d+\.ap-northeast-2\.elb\.amazonaws\.com$/);
    });

    it("listens on 443 only: no port-80 listener", () => {
        expect(view.ofType(L.listener).map((l) => [l.name, l.inputs.port])).to.deep.equal([["alb-https", 443]]);
    });
});

describe("components/blue-green-alb: bad routes", () => {
    it("refuses an ALB with neither blue/green nor routes, and half a blue/green", () => {
        expect(() => new BlueGreenAlb("alb", routedArgs({ routes: [] }))).to.throw(
            ArgumentError,
            /BlueGreenAlb "alb": invalid arguments:\n {2}routes: is empty, and there is no blue\/green \(service, targetPort, weights\): the ALB has nothing to forward to$/,
        );
        expect(() => new BlueGreenAlb("alb", routedArgs({ weights: { blue: 100, green: 0 } }))).to.throw(ArgumentError, /\n {2}service: is missing: blue\/green takes service, targetPort and weights together$/);
    });

    it("refuses routes of one service that disagree on its port or health check, and a bad port", () => {
        expect(
            () =>
                new BlueGreenAlb(
                    "alb",
                    routedArgs({
                        routes: [
                            { service: "order-service", port: 8080, paths: ["/a"], priority: 1 },
                            { service: "order-service", port: 8081, paths: ["/b"], priority: 2, healthCheck: { path: "/ready" } },
                            { service: "user-service", port: 0, paths: ["/c"], priority: 3 },
                        ],
                    }),
                ),
        ).to.throw(
            ArgumentError,
            new RegExp(
                [
                    "routes\\[2\\]\\.port: 0 is not a port; use 1–65535",
                    "routes\\[1\\]\\.port: 8081 differs from routes\\[0\\]'s 8080; the routes of \"order-service\" share its target group",
                    "routes\\[1\\]\\.healthCheck: differs from routes\\[0\\]'s; the routes of \"order-service\" share its target group and its health check$",
                ].join("\n  "),
            ),
        );
    });

    it("refuses alias records on an internal ALB", () => {
        expect(() => new BlueGreenAlb("alb", routedArgs({ scheme: "internal", dns: { hostedZone: "goormpopcorn.shop", records: ["api.goormpopcorn.shop"] } }))).to.throw(
            ArgumentError,
            /dns: is not allowed on an internal ALB: its addresses are private/,
        );
    });
});
