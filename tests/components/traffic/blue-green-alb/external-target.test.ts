/**
 * BlueGreenAlb's external target (system C): an `ip` target group for pods a TargetGroupBinding
 * registers, health-checked on a port of its own; the default action forwards to it without
 * blue/green, routes may name it, and the arguments' rules.
 */
import { expect } from "chai";
import { BlueGreenAlb, BlueGreenAlbArgs, ExternalTargetArgs } from "../../../../components/traffic/blue-green-alb/blue-green-alb";
import { Naming } from "../../../../lib/naming";
import { ArgumentError } from "../../../../lib/problems";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { RunView, isTaggable, runView } from "../../../support/query";
import { tags } from "../../../fixtures/components";

const L = {
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
} as const;

const naming = new Naming("point-eks", "prod");
const CERTIFICATE_ARN = `arn:aws:acm:ap-northeast-2:${MOCK_ACCOUNT_ID}:certificate/11111111-2222-3333-4444-555555555555`;
const GATEWAY: ExternalTargetArgs = { name: "gateway", port: 8080, healthCheck: { port: 15021, path: "/healthz/ready" } };

/** System C's ALB: no blue/green, no service, the external target only. */
function externalArgs(change: Partial<BlueGreenAlbArgs> = {}): BlueGreenAlbArgs {
    return {
        naming,
        tags,
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-0ppppppppppppppp1", "subnet-0ppppppppppppppp2", "subnet-0ppppppppppppppp3"],
        securityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"],
        certificate: { arn: CERTIFICATE_ARN },
        accessLogs: { enabled: false },
        external: GATEWAY,
        ...change,
    };
}

describe("components/blue-green-alb: an external target, the default action's (system C)", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        view = await runView(() => {
            const alb = new BlueGreenAlb("alb", externalArgs());
            return { externalTargetGroup: alb.externalTargetGroup, routeTargetGroups: alb.routeTargetGroups, targetGroupArns: alb.targetGroupArns };
        });
        outputs = view.run.outputs as Record<string, unknown>;
    });

    it("creates one ip target group <prefix>-<name>-<env> on 8080, HTTP, in the VPC, with a 30 s deregistration delay", () => {
        expect(view.ofType(L.targetGroup).map((g) => g.name)).to.deep.equal(["alb-external-gateway"]);
        expect(view.one(L.targetGroup, "alb-external-gateway").inputs).to.deep.include({
            name: "point-eks-gateway-prod",
            targetType: "ip",
            protocol: "HTTP",
            port: 8080,
            vpcId: "vpc-0123456789abcdef0",
            deregistrationDelay: 30,
        });
    });

    it("health-checks the gateway's status port 15021 on /healthz/ready, the rest from the ALB's check", () => {
        expect(view.one(L.targetGroup, "alb-external-gateway").inputs.healthCheck).to.deep.equal({
            enabled: true,
            protocol: "HTTP",
            port: "15021",
            path: "/healthz/ready",
            matcher: "200",
            interval: 15,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
        });
    });

    it("forwards every request from the HTTPS listener's default action to it (no 404, no weights)", () => {
        const group = view.one(L.targetGroup, "alb-external-gateway");
        expect(view.one(L.listener, "alb-https").inputs.defaultActions).to.deep.equal([{ type: "forward", targetGroupArn: group.id }]);
        expect(view.one(L.listener, "alb-http").inputs.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        expect(view.ofType(L.rule)).to.deep.equal([]);
    });

    it("gives what the binding block needs: the target's name, the group's name, ARN and ARN suffix, its two ports", () => {
        const group = view.one(L.targetGroup, "alb-external-gateway");
        expect(outputs.externalTargetGroup).to.deep.include({ target: "gateway", name: "point-eks-gateway-prod", arn: group.id, port: 8080, healthCheckPort: 15021 });
        expect((outputs.externalTargetGroup as { arnSuffix: string }).arnSuffix).to.match(/^targetgroup\/point-eks-gateway-prod\/[0-9a-f]{16}$/);
        expect(outputs.routeTargetGroups).to.deep.equal({});
        expect(outputs.targetGroupArns).to.equal(undefined);
    });

    it("tags the target group Component=blue-green-alb with its name, and no Service", () => {
        const tagsOf = view.one(L.targetGroup, "alb-external-gateway").inputs.tags as Record<string, string>;
        expect(tagsOf).to.include({ Component: "blue-green-alb", Name: "point-eks-gateway-prod" });
        expect(tagsOf).to.not.have.property("Service");
        for (const r of view.custom.filter((x) => isTaggable(x.type))) {
            expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Component: "blue-green-alb" });
        }
    });
});

describe("components/blue-green-alb: an external target behind routes", () => {
    it("beside blue/green: the default stays the weighted forward, a route forwards /mesh/* to the external group", async () => {
        const view = await runView(
            () =>
                new BlueGreenAlb(
                    "alb",
                    externalArgs({
                        naming: new Naming("goorm-popcorn", "dev"),
                        service: "api-gateway",
                        targetPort: 8080,
                        weights: { blue: 100, green: 0 },
                        external: { ...GATEWAY, name: "mesh" },
                        routes: [{ target: "mesh", paths: ["/mesh/*"], priority: 5 }],
                    }),
                ),
        );
        const external = view.one(L.targetGroup, "alb-external-mesh");
        expect(external.inputs.name).to.equal("goorm-popcorn-mesh-dev");
        const [action] = view.one(L.listener, "alb-https").inputs.defaultActions as Array<{ type: string; forward?: { targetGroups: Array<{ arn: string }> } }>;
        expect(action.type).to.equal("forward");
        expect(action.forward!.targetGroups.map((t) => view.byId(t.arn).name)).to.deep.equal(["alb-blue", "alb-green"]);
        const rule = view.one(L.rule, "alb-route-5");
        expect(rule.inputs).to.deep.include({ priority: 5, conditions: [{ pathPattern: { values: ["/mesh/*"] } }], actions: [{ type: "forward", targetGroupArn: external.id }] });
    });

    it("default: false leaves the default action 404, and its routes forward to it", async () => {
        const view = await runView(() => new BlueGreenAlb("alb", externalArgs({ external: { ...GATEWAY, default: false }, routes: [{ target: "gateway", hosts: ["api.point.example.com"], priority: 1 }] })));
        expect(view.one(L.listener, "alb-https").inputs.defaultActions).to.deep.equal([
            { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" } },
        ]);
        expect(view.one(L.rule, "alb-route-1").inputs.actions).to.deep.equal([{ type: "forward", targetGroupArn: view.one(L.targetGroup, "alb-external-gateway").id }]);
    });

    it("checks on the traffic port when the health-check port is the traffic port", async () => {
        const view = await runView(() => new BlueGreenAlb("alb", externalArgs({ external: { name: "web", port: 8080, healthCheck: { port: 8080, path: "/ready", matcher: "200-299" } } })));
        expect(view.one(L.targetGroup, "alb-external-web").inputs.healthCheck).to.deep.include({ port: "8080", path: "/ready", matcher: "200-299" });
    });
});

describe("components/blue-green-alb: bad external targets", () => {
    it("refuses a name that is no target name, ports outside 1–65535 and a health-check path without /", () => {
        expect(() => new BlueGreenAlb("alb", externalArgs({ external: { name: "Istio_Gateway", port: 0, healthCheck: { port: 70000, path: "healthz/ready" } } }))).to.throw(
            ArgumentError,
            new RegExp(
                [
                    'external\\.port: 0 is not a port; use 1–65535',
                    'external\\.healthCheck\\.port: 70000 is not a port; use 1–65535',
                    'external\\.name: "Istio_Gateway" is not a target name; use up to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
                    'external\\.healthCheck\\.path: "healthz/ready" is not a path; it starts with /$',
                ].join("\n  "),
            ),
        );
    });

    it("refuses a target group name over 32 characters and one that is blue's", () => {
        expect(() => new BlueGreenAlb("alb", externalArgs({ external: { ...GATEWAY, name: "istio-ingress-gateway-public" } }))).to.throw(
            ArgumentError,
            /external\.name: targetGroup name "point-eks-istio-ingress-gateway-public-prod" is 43 characters; AWS allows at most 32$/,
        );
        expect(
            () =>
                new BlueGreenAlb(
                    "alb",
                    externalArgs({ service: "api", targetPort: 8080, weights: { blue: 100, green: 0 }, routes: [{ target: "gateway", paths: ["/x"], priority: 1 }] }),
                ),
        ).to.throw(ArgumentError, /external\.name: makes the target group name "point-eks-gateway-prod", which is also the blue target group's$/);
    });

    it("refuses default: true beside blue/green, and an external target no request reaches", () => {
        const blueGreen = { service: "api", targetPort: 8080, weights: { blue: 100, green: 0 }, targetGroupStem: "api" } as const;
        expect(() => new BlueGreenAlb("alb", externalArgs({ ...blueGreen, external: { ...GATEWAY, default: true } }))).to.throw(
            ArgumentError,
            /external\.default: true is not allowed with blue\/green: the default action is the weighted forward to blue and green; send the external target its traffic by routes \(platform:alb\.routes\[\]\.target\)$/,
        );
        expect(() => new BlueGreenAlb("alb", externalArgs(blueGreen))).to.throw(
            ArgumentError,
            /external: takes no request: the default action forwards to blue and green, and no route names it; add a route with target: <its name>$/,
        );
        expect(() => new BlueGreenAlb("alb", externalArgs({ external: { ...GATEWAY, default: false } }))).to.throw(
            ArgumentError,
            /external: takes no request: default is false, and no route names it; add a route with target: <its name>, or leave default out so the default action forwards to it$/,
        );
    });

    it("refuses a route to a target that is not the external one", () => {
        expect(() => new BlueGreenAlb("alb", externalArgs({ routes: [{ target: "ingress", paths: ["/x"], priority: 1 }] }))).to.throw(ArgumentError, /routes\[0\]\.target: "ingress" is not the external target \("gateway"\)$/);
        expect(() => new BlueGreenAlb("alb", externalArgs({ external: undefined, routes: [{ target: "gateway", paths: ["/x"], priority: 1 }] }))).to.throw(
            ArgumentError,
            /routes\[0\]\.target: "gateway" is not the external target \(there is none\)$/,
        );
    });
});
