/**
 * The ALB's routes and scheme (platform:alb.routes, platform:alb.scheme): each rule triggered by an
 * edit of the seed's dev stack file, with its exact message. The limits are ELB's quotas and API
 * ranges (components/traffic/blue-green-alb/routes.ts cites them).
 */
import { expect } from "chai";
import { ROUTE_LIMITS, hostNameProblem, pathPatternProblem } from "../../components/traffic/blue-green-alb/routes";
import { ConfigMap, Json, RuleCase, itRaises, resolved, stackConfig } from "../fixtures/config";

/** The seed's dev stack with `routes` as platform:alb.routes (and `alb` edited further). */
function withRoutes(routes: Json[], alb: (a: Json) => void = () => {}, more: (config: ConfigMap, edit: (key: string, fn: (value: Json) => void) => void) => void = () => {}) {
    return () =>
        stackConfig("dev", (config, edit) => {
            edit("alb", (a) => {
                a.routes = routes;
                alb(a);
            });
            more(config, edit);
        });
}

const PATH_ALLOWED = 'letters, digits, _ - . $ / ~ " \' @ : + &, and the wildcards * and ?';
const HOST_ALLOWED =
    'up to 128 lowercase letters, digits, hyphens and dots, with * or ? as wildcards, at least one dot and only letters after the last (e.g. "api.goormpopcorn.shop", "*.goormpopcorn.shop")';
const INTERNAL_DNS =
    'is not allowed on an internal ALB: its addresses are private, so a record in a public zone would send every client outside the VPC to an address it cannot reach; name what fronts it (the CDN\'s aliases) instead, or use scheme "internet-facing"';
const TWO_AZ_PRIVATE = [
    { cidr: "10.0.11.0/24", az: "ap-northeast-2a" },
    { cidr: "10.0.12.0/24", az: "ap-northeast-2c" },
];
const route = (priority: number, extra: Json = {}): Json => ({ service: "order-service", paths: [`/r${priority}`], priority, ...extra });

describe("ALB rules: routes (platform:alb.routes)", () => {
    it("accepts routes by path, by host, and by both, to plain services", () => {
        const alb = resolved(
            withRoutes([
                { service: "order-service", paths: ["/orders", "/orders/*"], priority: 10 },
                { service: "user-service", hosts: ["users.goormpopcorn.shop", "*.users.goormpopcorn.shop"], priority: 20 },
                { service: "store-service", hosts: ["api-dev.goormpopcorn.shop"], paths: ["/stores/*"], priority: 50_000 },
            ])(),
        ).alb!;
        expect(alb.routes.map((r) => [r.service, r.priority])).to.deep.equal([
            ["order-service", 10],
            ["user-service", 20],
            ["store-service", 50_000],
        ]);
        expect(alb.scheme).to.equal("internet-facing");
    });

    it("accepts ELB's limits exactly: 100 routes, 5 condition values and 5 wildcards a route, priority 50,000", () => {
        const routes = Array.from({ length: 100 }, (_, i) => route(i + 1));
        routes[0] = route(1, { paths: ["/a/*", "/b/*", "/c?"], hosts: ["*.goormpopcorn.shop", "?.goormpopcorn.shop"] });
        routes[99] = route(50_000);
        expect(resolved(withRoutes(routes)()).alb!.routes).to.have.length(100);
    });

    it("keeps ELB's quotas and ranges as the documentation gives them", () => {
        expect(ROUTE_LIMITS).to.deep.equal({
            rulesPerLoadBalancer: 100,
            conditionValuesPerRule: 5,
            wildcardsPerRule: 5,
            targetGroupsPerLoadBalancer: 100,
            priority: { min: 1, max: 50_000 },
            valueLength: 128,
        });
        for (const path of ["/", "/api/*", "/img/?.png", "/a-b_c.d$e~f\"g'h@i:j+k&l"]) {
            expect(pathPatternProblem(path), path).to.equal(undefined);
        }
        for (const host of ["goormpopcorn.shop", "*.goormpopcorn.shop", "api-?.goormpopcorn.shop", "a.b.c.example.com"]) {
            expect(hostNameProblem(host), host).to.equal(undefined);
        }
    });

    const cases: RuleCase[] = [
        [
            "more than 100 routes",
            withRoutes(Array.from({ length: 101 }, (_, i) => route(i + 1))),
            ['platform:alb.routes: has 101 routes; an ALB takes at most 100 listener rules besides its default action (ELB quota "Rules per Application Load Balancer")'],
        ],
        [
            "more than 5 condition values in one route",
            withRoutes([route(10, { paths: ["/a", "/b", "/c", "/d"], hosts: ["a.goormpopcorn.shop", "b.goormpopcorn.shop"] })]),
            ['platform:alb.routes[0]: has 4 paths and 2 hosts, 6 condition values; an ALB rule takes at most 5 (ELB quota "Condition values per rule"): split it into two routes'],
        ],
        [
            "more than 5 wildcards in one route",
            withRoutes([route(10, { paths: ["/a/*/b/*", "/c?d??"], hosts: ["*.goormpopcorn.shop"] })]),
            ['platform:alb.routes[0]: has 6 wildcards (* and ?) in its paths and hosts; an ALB rule takes at most 5 (ELB quota "Condition wildcards per rule")'],
        ],
        [
            "two routes with one priority",
            withRoutes([route(10), route(20), route(10)]),
            ["platform:alb.routes[2].priority: 10 is also the priority of routes[0]; each route has its own, from 1 to 50000"],
        ],
        [
            "a priority of 0, one above 50,000 and a fraction",
            withRoutes([route(0), route(50_001), route(1.5)]),
            [
                "platform:alb.routes[0].priority: 0 is not a rule priority; use a whole number from 1 to 50000",
                "platform:alb.routes[1].priority: 50001 is not a rule priority; use a whole number from 1 to 50000",
                "platform:alb.routes[2].priority: 1.5 is not a rule priority; use a whole number from 1 to 50000",
            ],
        ],
        [
            "a path pattern without its leading /",
            withRoutes([route(10, { paths: ["orders/*"] })]),
            [`platform:alb.routes[0].paths[0]: "orders/*" does not start with "/"; a path pattern is an absolute path of ${PATH_ALLOWED}, e.g. "/api/*"`],
        ],
        [
            "a path pattern over 128 characters",
            withRoutes([route(10, { paths: [`/${"a".repeat(128)}`] })]),
            [`platform:alb.routes[0].paths[0]: "/${"a".repeat(128)}" is 129 characters; a path pattern is at most 128`],
        ],
        [
            "a path pattern with a space and a #",
            withRoutes([route(10, { paths: ["/my orders#top"] })]),
            [`platform:alb.routes[0].paths[0]: "/my orders#top" has " ", "#", which a path pattern cannot; use ${PATH_ALLOWED}`],
        ],
        [
            "host names in capitals, without a dot, with a digit after the last dot, over 128 characters",
            withRoutes([route(10, { paths: undefined, hosts: ["API.goormpopcorn.shop", "localhost", "api.example.c0m", `${"a".repeat(120)}.example.com`] })]),
            [
                `platform:alb.routes[0].hosts[0]: "API.goormpopcorn.shop" is not a host name; use ${HOST_ALLOWED}`,
                `platform:alb.routes[0].hosts[1]: "localhost" is not a host name; use ${HOST_ALLOWED}`,
                `platform:alb.routes[0].hosts[2]: "api.example.c0m" is not a host name; use ${HOST_ALLOWED}`,
                `platform:alb.routes[0].hosts[3]: "${"a".repeat(120)}.example.com" is not a host name; use ${HOST_ALLOWED}`,
            ],
        ],
        [
            "a route with neither paths nor hosts, and one with an empty list",
            withRoutes([{ service: "order-service", priority: 10 }, route(20, { paths: [] })]),
            [
                "platform:alb.routes[0]: has neither paths nor hosts; a route matches at least one path pattern or host name",
                "platform:alb.routes[1].paths: is empty; list at least one path pattern, or leave paths out",
            ],
        ],
        [
            "a route to a service the stack does not have",
            withRoutes([route(10, { service: "billing-service" })]),
            [
                'platform:alb.routes[0].service: "billing-service" is not one of platform:services ("api-gateway", "user-service", "store-service", "order-service", "payment-service", "checkin-service", "order-query"); a route names a plain service',
            ],
        ],
        [
            "a route to the blue/green service",
            withRoutes([route(10, { service: "api-gateway" })]),
            [
                'platform:alb.routes[0].service: "api-gateway" is the blue/green service (platform:blueGreen.service), which the default action forwards to by weight; a route names a plain service of platform:services',
            ],
        ],
        [
            "more than 100 target groups (blue, green and 99 routed services)",
            withRoutes(
                Array.from({ length: 99 }, (_, i) => ({ service: `s${i}`, paths: [`/s${i}/*`], priority: i + 1 })),
                () => {},
                (_c, edit) => edit("services", (s) => Array.from({ length: 99 }, (_, i) => (s[`s${i}`] = { cpu: 256, memory: 512, imageTag: "0.1.0" }))),
            ),
            ['platform:alb.routes: make 101 target groups (blue, green and 99 routed services); an ALB takes at most 100 (ELB quota "Target Groups per Application Load Balancer", not adjustable)'],
        ],
        [
            "a routed service whose target group name is over 32 characters",
            withRoutes([route(10, { service: "notification-dispatcher" })], () => {}, (_c, edit) => edit("services", (s) => (s["notification-dispatcher"] = { cpu: 256, memory: 512, imageTag: "0.1.0" }))),
            [
                'platform:alb.routes[0].service: "notification-dispatcher" makes the target group name "goorm-popcorn-notification-dispatcher-dev" (41 characters), which AWS refuses: targetGroup name "goorm-popcorn-notification-dispatcher-dev" is 41 characters; AWS allows at most 32; shorten platform:name, platform:envName or the service\'s name',
            ],
        ],
        [
            "a routed service whose target group name is blue's",
            withRoutes([route(10, { service: "gateway" })], () => {}, (_c, edit) => edit("services", (s) => (s.gateway = { cpu: 256, memory: 512, imageTag: "0.1.0" }))),
            ['platform:alb.routes[0].service: "gateway" makes the target group name "goorm-popcorn-gateway-dev", which is also the blue target group\'s; target group names are unique in a region'],
        ],
        [
            "two routes of one service with different health checks",
            withRoutes([route(10, { healthCheck: { path: "/actuator/health" } }), route(20)]),
            [
                'platform:alb.routes[1].healthCheck: differs from that of routes[0], which forwards to "order-service" too; the routes of a service share its target group: give its health check once, on its first route',
            ],
        ],
        [
            "a route's health check that AWS refuses",
            withRoutes([route(10, { healthCheck: { path: "health", timeoutSeconds: 20 } })]),
            ['platform:alb.routes[0].healthCheck.path: "health" is not a path; it starts with /', "platform:alb.routes[0].healthCheck.timeoutSeconds: 20 must be shorter than intervalSeconds (15)"],
        ],
    ];
    itRaises(cases);
});

describe("ALB rules: an internal ALB (platform:alb.scheme)", () => {
    const internal = (change: (a: Json) => void = () => {}, twoAzs = true) => () =>
        stackConfig("dev", (_c, edit) => {
            edit("alb", (a) => {
                a.scheme = "internal";
                change(a);
            });
            if (twoAzs) {
                edit("network", (n) => (n.subnets.private = TWO_AZ_PRIVATE));
            }
        });

    it("is accepted without dns.records and with private subnets in two AZs", () => {
        expect(resolved(internal((a) => delete a.dns)()).alb!.scheme).to.equal("internal");
    });

    const cases: RuleCase[] = [
        ["an internal ALB with alias records in the public zone (refused: a public name for a private address)", internal(), [`platform:alb.dns.records: ${INTERNAL_DNS}`]],
        [
            "an internal ALB whose private subnets span one AZ",
            internal((a) => delete a.dns, false),
            [
                'platform:alb.scheme: "internal" puts the ALB in the private subnets, which span only "ap-northeast-2a"; an ALB needs subnets in at least two AZs: add a private subnet in another AZ (platform:network.subnets.private), or use "internet-facing"',
            ],
        ],
        ["a scheme ELB does not have", () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.scheme = "private"))), [/^platform:alb\.scheme: "private" is not allowed; expected one of internet-facing, internal/.source]],
    ];
    itRaises(cases);
});
