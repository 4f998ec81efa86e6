/**
 * The ALB's external target (platform:alb.external) through the whole program: system C's shape
 * (network + eks + an internet-facing ALB forwarding everything to the Istio ingress gateway's
 * pods, the load balancer controller, a regional web ACL), its defaults, the flows alb → eks-nodes,
 * the EXTERNAL_TARGETS contract with a block built after it, the alarm, and every rule with its
 * exact message; systems B and D keep their plans (A and E: alb-routes.test.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { EXTERNAL_TARGETS, ExternalTarget } from "../../components/compute/eks/contract";
import { monitoringBlock } from "../../components/observability/monitoring/block";
import { blueGreenAlbBlock } from "../../components/traffic/blue-green-alb/block";
import { assemble } from "../../stacks/assemble";
import { AnyBlock, BuildContext, defineBlock } from "../../stacks/block";
import { parseStackConfig } from "../../stacks/config";
import { BLOCKS } from "../../stacks/registry";
import { ProgramRun, runProgram } from "../../tooling/mock-runtime";
import { projectProgram, renderSnapshot, sharedStackRun, snapshotDrift, snapshotPath, toSnapshotPlan } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises, stackConfig } from "../fixtures/config";
import { eksConfig, pointEks } from "../fixtures/eks";
import { expectBaseline } from "../support/baseline";
import { RunView, T } from "../support/query";

const L = {
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

const CERTIFICATE_ARN = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

/** System C's ALB: internet-facing, everything to the gateway. */
function systemCAlb(): Json {
    return { certificate: { arn: CERTIFICATE_ARN }, external: { name: "gateway" } };
}

/** A point-eks stack in `env` with the ALB (`alb` edited) and the load balancer controller, and `extra` keys. */
function withAlb(alb: (a: Json) => void = () => {}, env: "dev" | "prod" = "prod", extra: ConfigMap = {}): ConfigMap {
    const config = systemCAlb();
    alb(config);
    return pointEks(() => {}, env, { "platform:alb": JSON.stringify(config), "platform:loadBalancerController": "{}", ...extra });
}

function without(config: ConfigMap, ...keys: string[]): ConfigMap {
    const copy = { ...config };
    keys.forEach((key) => delete copy[`platform:${key}`]);
    return copy;
}

/** The seed's dev stack (blue/green api-gateway) with a cluster (and a private subnet in 2c), the controller and `external`, and routes. */
function seedWithExternal(external: Json, routes: Json[] = []): () => ConfigMap {
    return () =>
        stackConfig("dev", (config, edit) => {
            config["platform:eks"] = JSON.stringify(eksConfig());
            config["platform:loadBalancerController"] = "{}";
            // EKS takes private subnets in two AZs at least.
            edit("network", (n) => n.subnets.private.push({ cidr: "10.0.12.0/24", az: "ap-northeast-2c" }));
            edit("alb", (a) => {
                a.external = external;
                a.routes = routes;
            });
        });
}

describe("ALB external target: config (system C)", () => {
    it("resolves the Istio gateway's defaults: 8080, health check on 15021 /healthz/ready, the rest from platform:alb.healthCheck", () => {
        const alb = parseStackConfig(withAlb(), "point-eks").config(blueGreenAlbBlock)!;
        expect(alb.external).to.deep.equal({ name: "gateway", port: 8080, healthCheck: { port: 15021, path: "/healthz/ready" } });
        expect(alb.scheme).to.equal("internet-facing");
    });

    it("declares alb → eks-nodes on the gateway's port and its health-check port, and no flow to ecs", () => {
        const { flows } = parseStackConfig(withAlb(), "point-eks").security;
        const fromAlb = flows.filter((f) => "group" in f.from && f.from.group === "alb");
        expect(fromAlb.map((f) => ["group" in f.to ? f.to.group : "", f.port, f.why])).to.deep.equal([
            ["eks-nodes", 8080, "ALB to the external target's pods"],
            ["eks-nodes", 15021, "ALB health checks of the external target's pods"],
        ]);
    });

    it("declares one flow when the health check is on the traffic port", () => {
        const { flows } = parseStackConfig(withAlb((a) => (a.external.healthCheck = { port: 8080, path: "/ready" })), "point-eks").security;
        expect(flows.filter((f) => "group" in f.from && f.from.group === "alb").map((f) => f.port)).to.deep.equal([8080]);
    });
});

describe("ALB external target: system C's shape planned (prod, with monitoring)", () => {
    let run: ProgramRun;
    let view: RunView;
    let collected: unknown;
    before(async () => {
        // A block after the ALB collects EXTERNAL_TARGETS, as the mesh's TargetGroupBinding does.
        const binder = defineBlock({
            name: "binder",
            keys: ["binder"],
            schema: () => z.strictObject({ binder: z.strictObject({}) }),
            build(_config: unknown, ctx: BuildContext) {
                const targets = ctx.collect(EXTERNAL_TARGETS);
                for (const target of targets) {
                    new aws.ssm.Parameter(`binding-${target.name}`, { name: `/binding/${target.name}`, type: "String", insecureValue: pulumi.interpolate`${target.targetGroupArn} ${target.port} ${target.healthCheckPort}`, tags: { ...ctx.stack.tags, Component: "binder" } });
                }
                return targets;
            },
            outputs: (targets: readonly ExternalTarget[]) => ({ bound: targets.map((t) => ({ name: t.name, port: t.port, healthCheckPort: t.healthCheckPort, targetGroupArn: t.targetGroupArn })) }),
        });
        const alb = BLOCKS.indexOf(blueGreenAlbBlock as AnyBlock);
        const registry: readonly AnyBlock[] = [...BLOCKS.slice(0, alb + 1), binder as AnyBlock, ...BLOCKS.slice(alb + 1).filter((b) => b !== monitoringBlock), monitoringBlock];
        const program = () => assemble(parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack(), registry)).outputs();
        const config = withAlb(() => {}, "prod", { "platform:binder": "{}", "platform:monitoring": JSON.stringify({ alarmEmails: ["oncall@example.com"] }) });
        run = await runProgram(program, { stack: "point-eks", config });
        view = new RunView(run);
        collected = run.outputs.bound;
    });

    it("creates the gateway's ip target group point-eks-gateway-prod on 8080, checked on 15021 /healthz/ready, and only it", () => {
        expect(view.ofType(L.targetGroup).map((g) => g.name)).to.deep.equal(["alb-external-gateway"]);
        const group = view.one(L.targetGroup, "alb-external-gateway");
        expect(group.inputs).to.deep.include({ name: "point-eks-gateway-prod", targetType: "ip", protocol: "HTTP", port: 8080, deregistrationDelay: 30, vpcId: view.one(T.vpc, "network-vpc").id });
        expect(group.inputs.healthCheck).to.deep.include({ port: "15021", path: "/healthz/ready", matcher: "200" });
    });

    it("is internet-facing: 80 → 301, and HTTPS (TLS 1.3 policy) forwarding every request to the gateway", () => {
        const group = view.one(L.targetGroup, "alb-external-gateway");
        const https = view.one(L.listener, "alb-https");
        expect(https.inputs).to.deep.include({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", defaultActions: [{ type: "forward", targetGroupArn: group.id }] });
        expect(view.one(L.listener, "alb-http").inputs.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        expect(view.one("aws:lb/loadBalancer:LoadBalancer", "alb-alb").inputs.internal).to.equal(false);
        expect(view.ofType(L.rule)).to.deep.equal([]);
    });

    it("opens the ALB's group to eks-nodes on 8080 and 15021 (egress on alb, ingress on eks-nodes), and nothing else out of the ALB", () => {
        const group = (name: string) => view.ofType(T.securityGroup).find((g) => g.inputs.name === `point-eks-prod-${name}`)!;
        const [alb, nodes] = [group("alb"), group("eks-nodes")];
        const egress = view.ofType(T.egressRule).filter((r) => r.inputs.securityGroupId === alb.id);
        expect(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId === nodes.id])).to.have.deep.members([
            [8080, 8080, true],
            [15021, 15021, true],
        ]);
        const ingress = view.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === nodes.id && r.inputs.referencedSecurityGroupId === alb.id);
        expect(ingress.map((r) => r.inputs.fromPort)).to.have.members([8080, 15021]);
    });

    it("publishes { name, targetGroupArn, port, healthCheckPort } on EXTERNAL_TARGETS for the block that binds the pods", () => {
        const group = view.one(L.targetGroup, "alb-external-gateway");
        expect(collected).to.deep.equal([{ name: "gateway", port: 8080, healthCheckPort: 15021, targetGroupArn: group.id }]);
        expect(view.one("aws:ssm/parameter:Parameter", "binding-gateway").inputs.insecureValue).to.equal(`${group.id} 8080 15021`);
    });

    it("keeps the regional web ACL on the ALB (prod's default)", () => {
        const association = view.ofType(L.webAclAssociation);
        expect(association.map((a) => a.inputs.resourceArn)).to.deep.equal([view.one("aws:lb/loadBalancer:LoadBalancer", "alb-alb").id]);
        expect(String(view.one("aws:wafv2/webAcl:WebAcl", "waf-web-acl").inputs.scope)).to.equal("REGIONAL");
    });

    it("alarms when the gateway's target group has no healthy target for 3 minutes (no data counts)", () => {
        const alarm = view.ofType(L.alarm).find((a) => a.inputs.name === "point-eks-prod-alb-gateway-healthy-hosts")!;
        expect(alarm.inputs).to.deep.include({ metricName: "HealthyHostCount", namespace: "AWS/ApplicationELB", statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: 1, evaluationPeriods: 3, treatMissingData: "breaching" });
        expect((alarm.inputs.dimensions as Record<string, string>).TargetGroup).to.match(/^targetgroup\/point-eks-gateway-prod\/[0-9a-f]{16}$/);
    });

    it("exports the external target group by target, and no blue/green or route outputs", () => {
        expect(run.outputs.externalTargetGroups).to.deep.equal({ gateway: "point-eks-gateway-prod" });
        expect(run.outputs).to.not.have.any.keys("targetGroups", "canaryWeights", "routeTargetGroups", "albScheme");
    });

    it("meets the baseline", () => {
        expectBaseline(run, { project: "point-eks", env: "prod", name: "point-eks" });
    });
});

describe("ALB external target: routes to it", () => {
    it("plans a route to the external target beside its default (no 404, a rule forwarding /api/* to the same group)", async () => {
        const view = new RunView(
            await runProgram(projectProgram(), {
                stack: "point-eks",
                config: withAlb((a) => (a.routes = [{ target: "gateway", paths: ["/api/*"], priority: 10 }]), "dev"),
            }),
        );
        const group = view.one(L.targetGroup, "alb-external-gateway");
        expect(view.one(L.rule, "alb-route-10").inputs.actions).to.deep.equal([{ type: "forward", targetGroupArn: group.id }]);
        expect(view.one(L.listener, "alb-https").inputs.defaultActions).to.deep.equal([{ type: "forward", targetGroupArn: group.id }]);
    });
});

describe("ALB external target: rules", () => {
    const cases: RuleCase[] = [
        [
            "an external target without platform:eks",
            () => without(withAlb(), "eks", "loadBalancerController"),
            ["platform:alb.external: needs platform:eks: its targets are pods, registered by a TargetGroupBinding in an EKS cluster"],
            "point-eks",
        ],
        [
            "an external target without the load balancer controller",
            () => without(withAlb(), "loadBalancerController"),
            [
                "platform:alb.external: needs platform:loadBalancerController: the AWS Load Balancer Controller reconciles the TargetGroupBinding that registers the pods in it; without it the target group stays empty and every request gets 503",
            ],
            "point-eks",
        ],
        [
            "a name that is no target name",
            () => withAlb((a) => (a.external.name = "Istio_Gateway")),
            ['platform:alb.external.name: "Istio_Gateway" is not a target name; use up to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'],
            "point-eks",
        ],
        [
            "a name that makes a target group name over 32 characters",
            () => withAlb((a) => (a.external.name = "istio-ingress-gateway-public")),
            [
                'platform:alb.external.name: "istio-ingress-gateway-public" makes the target group name "point-eks-istio-ingress-gateway-public-prod" (43 characters), which AWS refuses: targetGroup name "point-eks-istio-ingress-gateway-public-prod" is 43 characters; AWS allows at most 32; shorten platform:name, platform:envName or the target\'s name',
            ],
            "point-eks",
        ],
        [
            "ports outside 1–65535",
            () =>
                withAlb((a) => {
                    a.external.port = 0;
                    a.external.healthCheck = { port: 65536 };
                }),
            ["platform:alb.external.port: 0 is not a port; use 1–65535", "platform:alb.external.healthCheck.port: 65536 is not a port; use 1–65535"],
            "point-eks",
        ],
        [
            "a health-check path that is no path, and a timeout not below its interval",
            () => withAlb((a) => (a.external.healthCheck = { path: "healthz/ready", intervalSeconds: 5, timeoutSeconds: 5 })),
            ['platform:alb.external.healthCheck.path: "healthz/ready" is not a path; it starts with /', "platform:alb.external.healthCheck.timeoutSeconds: 5 must be shorter than intervalSeconds (5)"],
            "point-eks",
        ],
        [
            "default: false and no route to it",
            () => withAlb((a) => (a.external.default = false)),
            ["platform:alb.external: takes no request: default is false, and no route names it; add a route with target: <its name>, or leave default out so the default action forwards to it"],
            "point-eks",
        ],
        [
            "default: true beside blue/green",
            seedWithExternal({ name: "mesh", default: true }),
            ["platform:alb.external.default: true is not allowed with blue/green: the default action is the weighted forward to blue and green; send the external target its traffic by routes (platform:alb.routes[].target)"],
        ],
        [
            "an external target beside blue/green that no route names",
            seedWithExternal({ name: "mesh" }),
            ["platform:alb.external: takes no request: the default action forwards to blue and green, and no route names it; add a route with target: <its name>"],
        ],
        [
            "an external target whose group would be blue's",
            seedWithExternal({ name: "gateway" }, [{ target: "gateway", paths: ["/mesh/*"], priority: 1 }]),
            ['platform:alb.external.name: "gateway" makes the target group name "goorm-popcorn-gateway-dev", which is also the blue target group\'s; target group names are unique in a region'],
        ],
        [
            "a route with both a service and a target",
            seedWithExternal({ name: "mesh" }, [{ service: "order-service", target: "mesh", paths: ["/mesh/*"], priority: 1 }]),
            ["platform:alb.routes[0]: has both service and target; a route forwards to one plain service or to the external target", "platform:alb.external: takes no request: the default action forwards to blue and green, and no route names it; add a route with target: <its name>"],
        ],
        [
            "a route with neither",
            () => withAlb((a) => (a.routes = [{ paths: ["/x"], priority: 1 }])),
            ["platform:alb.routes[0]: has neither service nor target; a route forwards to a plain service of platform:services or to the external target (platform:alb.external.name)"],
            "point-eks",
        ],
        [
            "a route to another target, with a health check of its own",
            () => withAlb((a) => (a.routes = [{ target: "ingress", paths: ["/x"], priority: 1, healthCheck: { path: "/ready" } }])),
            [
                'platform:alb.routes[0].target: "ingress" is not the external target; platform:alb.external.name is "gateway"',
                "platform:alb.routes[0].healthCheck: is not allowed on a route to the external target: its target group's health check is platform:alb.external.healthCheck",
            ],
            "point-eks",
        ],
        [
            "a route to a target without an external target",
            () =>
                withAlb((a) => {
                    delete a.external;
                    a.routes = [{ target: "gateway", paths: ["/x"], priority: 1 }];
                }),
            ['platform:alb.routes[0].target: "gateway" names an external target, and there is none (platform:alb.external)'],
            "point-eks",
        ],
        [
            "a route to a service in a stack without platform:services",
            () => withAlb((a) => (a.routes = [{ service: "point", paths: ["/x"], priority: 1 }])),
            ['platform:alb.routes[0].service: "point" names a service, and the stack has no platform:services; a route names a plain service of it, or the external target (target)'],
            "point-eks",
        ],
        [
            "an ALB with nothing to forward to in a stack with a cluster",
            () => withAlb((a) => delete a.external),
            [
                "platform:alb: needs platform:blueGreen, routes or external: the ALB forwards to the blue and green target groups of one service, by its routes (platform:alb.routes) to plain services, or to pods in the cluster (platform:alb.external)",
            ],
            "point-eks",
        ],
    ];
    itRaises(cases);
});

describe("ALB external target: systems B and D keep their plans", () => {
    for (const stack of ["point-ecs", "couple"]) {
        it(`${snapshotPath(stack)} is still the plan of Pulumi.${stack}.yaml`, async () => {
            const file = snapshotPath(stack);
            const committed = fs.existsSync(path.join(PROJECT_ROOT, file)) ? fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8") : null;
            const drift = snapshotDrift(file, committed, renderSnapshot(toSnapshotPlan(await sharedStackRun(stack))));
            if (drift !== null) {
                throw new Error(drift);
            }
        });
    }
});
