/**
 * Routes: path- and host-based listener rules on the HTTPS listener, each forwarding to the `ip`
 * target group of one plain service (`<prefix>-<service without -service>-<env>`) or to the ALB's
 * external target (what a Kubernetes block binds its pods to), and the limits AWS puts on them,
 * checked before any resource exists.
 */
import { Naming, nameProblem } from "../../../lib/naming";
import { Path, Problem, formatPath, showValue } from "../../../lib/problems";
import type { TargetHealthCheckArgs } from "./blue-green-alb";

/**
 * What ELB accepts, with its sources.
 *
 * Quotas for your Application Load Balancers (Elastic Load Balancing User Guide,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html):
 * - "Rules per Application Load Balancer (excluding default rules)": 100. Every route is one rule
 *   of the one HTTPS listener, so this is also the listener's limit;
 * - "Condition values per rule": 5. Paths and hosts count together: ELB answers CreateRule with
 *   "A rule can only have '5' condition values" (the API's `condition-values-per-alb-rule` limit);
 * - "Condition wildcards per rule": 5 (`*` and `?`, `condition-wildcards-per-alb-rule`);
 * - "Target Groups per Application Load Balancer": 100, not adjustable.
 *
 * Priorities: "Valid Range: Minimum value of 1. Maximum value of 50000", one rule per priority on a
 * listener (ELBv2 API reference, RulePriorityPair and CreateRule,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html).
 *
 * Values (Condition types for listener rules,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html):
 * a path pattern is case-sensitive, up to 128 characters of A–Z a–z 0–9 _ - . $ / ~ " ' @ : + &
 * and the wildcards * and ?; a host name is case-insensitive, up to 128 characters of A–Z a–z
 * 0–9 - . and the wildcards * and ?, with at least one "." and only letters after the last one.
 */
export const ROUTE_LIMITS = {
    rulesPerLoadBalancer: 100,
    conditionValuesPerRule: 5,
    wildcardsPerRule: 5,
    targetGroupsPerLoadBalancer: 100,
    priority: { min: 1, max: 50_000 },
    valueLength: 128,
} as const;

/** What a route matches: the requests whose path matches one of `paths` and (when given) whose host is one of `hosts`. */
export interface RouteMatchArgs {
    /** Path patterns (`/api/*`); a request matches one of them. @default any path */
    paths?: readonly string[];
    /** Host names (`api.example.com`, `*.example.com`); a request matches one of them. @default any host */
    hosts?: readonly string[];
    /** The rule's priority on the listener, 1–50,000; lower wins. */
    priority: number;
}

/** A route to a plain service's own target group. */
export interface ServiceRouteArgs extends RouteMatchArgs {
    /** The plain service it forwards to (one target group per service, shared by its routes). */
    service: string;
    /** The service's container port: its target group's port. */
    port: number;
    /** The service's target group's health check. @default the ALB's (`healthCheck`) */
    healthCheck?: TargetHealthCheckArgs;
}

/** A route to the ALB's external target group (`external`), by its name. */
export interface ExternalRouteArgs extends RouteMatchArgs {
    /** The external target's name (`external.name`). */
    target: string;
}

/** One route: to a plain service, or to the external target. */
export type RouteArgs = ServiceRouteArgs | ExternalRouteArgs;

/** Where a route forwards, in either form (the config's routes, with both keys optional, too). */
export type RouteDestination = { readonly service?: string; readonly target?: string };

/** Whether a route forwards to a plain service (not to the external target). */
export function isServiceRoute(route: RouteArgs): route is ServiceRouteArgs {
    return "service" in route;
}

/** Path patterns: `/`, then letters, digits, `_-.$/~"'@:+&` and the wildcards. */
const PATH_CHARACTERS = /^[A-Za-z0-9_\-.$/~"'@:+&*?]*$/;
/** Host names: labels of lowercase letters, digits, hyphens and wildcards; letters only after the last dot. */
const HOST_NAME = /^(?:[a-z0-9*?](?:[a-z0-9*?-]*[a-z0-9*?])?\.)+[a-z]+$/;
const PATH_ALLOWED = 'letters, digits, _ - . $ / ~ " \' @ : + &, and the wildcards * and ?';
const HOST_ALLOWED = `up to ${ROUTE_LIMITS.valueLength} lowercase letters, digits, hyphens and dots, with * or ? as wildcards, at least one dot and only letters after the last (e.g. "api.goormpopcorn.shop", "*.goormpopcorn.shop")`;

/**
 * The target group name of a routed service: `<prefix>-<service>-<env>`, a trailing `-service`
 * dropped as the repositories drop it (`order-service` → `goorm-popcorn-order-dev`). Unchecked:
 * `nameProblem("targetGroup", …)` tells whether AWS takes it (32 characters at most).
 */
export function routeTargetGroupName(naming: Naming, service: string): string {
    return naming.format("suffixed", service.replace(/-service$/, ""));
}

/** The services the routes forward to, once each, in the order of their first route (routes to the external target left out). */
export function routedServices(routes: readonly RouteDestination[]): string[] {
    return [...new Set(routes.flatMap((r) => (r.service === undefined ? [] : [r.service])))];
}

/** Why `path` is not a path pattern ELB takes, or undefined. */
export function pathPatternProblem(path: string): string | undefined {
    const quoted = showValue(path);
    if (!path.startsWith("/")) {
        return `${quoted} does not start with "/"; a path pattern is an absolute path of ${PATH_ALLOWED}, e.g. "/api/*"`;
    }
    if (path.length > ROUTE_LIMITS.valueLength) {
        return `${quoted} is ${path.length} characters; a path pattern is at most ${ROUTE_LIMITS.valueLength}`;
    }
    if (!PATH_CHARACTERS.test(path)) {
        const bad = [...new Set([...path].filter((c) => !PATH_CHARACTERS.test(c)))].map(showValue).join(", ");
        return `${quoted} has ${bad}, which a path pattern cannot; use ${PATH_ALLOWED}`;
    }
    return undefined;
}

/** Why `host` is not a host name ELB takes, or undefined. */
export function hostNameProblem(host: string): string | undefined {
    if (host.length > ROUTE_LIMITS.valueLength || !HOST_NAME.test(host)) {
        return `${showValue(host)} is not a host name; use ${HOST_ALLOWED}`;
    }
    return undefined;
}

/** `*` and `?` in a value. */
function wildcards(value: string): number {
    return [...value].filter((c) => c === "*" || c === "?").length;
}

/**
 * The routes' own rules: a condition each, valid values within ELB's per-rule quotas, priorities
 * unique and in range, at most 100 rules. Paths are relative to the routes' key (`[i, "paths", j]`).
 */
export function routeProblems(routes: readonly RouteMatchArgs[]): Problem[] {
    const problems: Problem[] = [];
    if (routes.length > ROUTE_LIMITS.rulesPerLoadBalancer) {
        problems.push({
            path: [],
            message: `has ${routes.length} routes; an ALB takes at most ${ROUTE_LIMITS.rulesPerLoadBalancer} listener rules besides its default action (ELB quota "Rules per Application Load Balancer")`,
        });
    }
    const priorities = new Map<number, number>();
    routes.forEach((route, i) => {
        const at = (...path: Path): Path => [i, ...path];
        const { paths, hosts, priority } = route;
        if (!Number.isInteger(priority) || priority < ROUTE_LIMITS.priority.min || priority > ROUTE_LIMITS.priority.max) {
            problems.push({ path: at("priority"), message: `${priority} is not a rule priority; use a whole number from ${ROUTE_LIMITS.priority.min} to ${ROUTE_LIMITS.priority.max}` });
        } else if (priorities.has(priority)) {
            problems.push({ path: at("priority"), message: `${priority} is also the priority of ${formatPath(["routes", priorities.get(priority)!])}; each route has its own, from ${ROUTE_LIMITS.priority.min} to ${ROUTE_LIMITS.priority.max}` });
        } else {
            priorities.set(priority, i);
        }
        if (paths === undefined && hosts === undefined) {
            problems.push({ path: at(), message: "has neither paths nor hosts; a route matches at least one path pattern or host name" });
        }
        for (const [key, values, problem] of [
            ["paths", paths, pathPatternProblem],
            ["hosts", hosts, hostNameProblem],
        ] as const) {
            if (values?.length === 0) {
                problems.push({ path: at(key), message: `is empty; list at least one ${key === "paths" ? "path pattern" : "host name"}, or leave ${key} out` });
            }
            values?.forEach((value, j) => {
                const found = problem(value);
                if (found) {
                    problems.push({ path: at(key, j), message: found });
                }
            });
        }
        const values = [...(paths ?? []), ...(hosts ?? [])];
        if (values.length > ROUTE_LIMITS.conditionValuesPerRule) {
            problems.push({
                path: at(),
                message: `has ${paths?.length ?? 0} paths and ${hosts?.length ?? 0} hosts, ${values.length} condition values; an ALB rule takes at most ${ROUTE_LIMITS.conditionValuesPerRule} (ELB quota "Condition values per rule"): split it into two routes`,
            });
        }
        const wild = values.reduce((n, value) => n + wildcards(value), 0);
        if (wild > ROUTE_LIMITS.wildcardsPerRule) {
            problems.push({
                path: at(),
                message: `has ${wild} wildcards (* and ?) in its paths and hosts; an ALB rule takes at most ${ROUTE_LIMITS.wildcardsPerRule} (ELB quota "Condition wildcards per rule")`,
            });
        }
    });
    return problems;
}

/** More target groups than an ALB takes: the blue/green pair, one per routed service, and the external target's. */
export function targetGroupCountProblem(blueGreen: boolean, services: number, external = false): string | undefined {
    const count = (blueGreen ? 2 : 0) + services + (external ? 1 : 0);
    if (count <= ROUTE_LIMITS.targetGroupsPerLoadBalancer) {
        return undefined;
    }
    const own = [...(blueGreen ? ["blue", "green"] : []), `${services} routed services`, ...(external ? ["the external target"] : [])];
    const parts = own.length === 1 ? own[0] : `${own.slice(0, -1).join(", ")} and ${own[own.length - 1]}`;
    return `make ${count} target groups (${parts}); an ALB takes at most ${ROUTE_LIMITS.targetGroupsPerLoadBalancer} (ELB quota "Target Groups per Application Load Balancer", not adjustable)`;
}

/**
 * Each routed service's target group name within AWS's rule and unlike the others' (the
 * blue/green pair's included), reported at the first route of the service.
 */
export function routeNameProblems(
    naming: Naming,
    routes: readonly RouteDestination[],
    taken: Readonly<Record<string, string>>,
    shorten: string,
    /** The services to check (those reported otherwise, an unknown one say, are not). @default all */
    include: (service: string) => boolean = () => true,
): Problem[] {
    const problems: Problem[] = [];
    const names = new Map(Object.entries(taken).map(([owner, name]) => [name, owner]));
    for (const service of routedServices(routes).filter(include)) {
        const i = routes.findIndex((r) => r.service === service);
        const name = routeTargetGroupName(naming, service);
        const problem = nameProblem("targetGroup", name);
        if (problem) {
            problems.push({ path: [i, "service"], message: `${showValue(service)} makes the target group name ${showValue(name)} (${name.length} characters), which AWS refuses: ${problem}; shorten ${shorten}` });
        } else if (names.has(name)) {
            problems.push({ path: [i, "service"], message: `${showValue(service)} makes the target group name ${showValue(name)}, which is also the ${names.get(name)}'s; target group names are unique in a region` });
        }
        names.set(name, `target group of ${showValue(service)}`);
    }
    return problems;
}
