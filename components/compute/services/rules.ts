/**
 * The services block's rules: names, Fargate sizes, ports, scaling ranges, image tags,
 * repositories, environment and secrets, the stores each service connects to, tracing (sampling
 * ratio, a pinned collector image, room for the app beside the collector, the OTEL_* variables the
 * platform sets), blue/green weights, office hours, and the prod rules (two tasks at least, no
 * office hours).
 */
import { DNS_NAME, nameProblem } from "../../../lib/naming";
import { Path, Problem, nest, showValue } from "../../../lib/problems";
import { ConfigView, connectsToProblems } from "../../../stacks/block";
import { COLOURS, weightProblems } from "../../traffic/blue-green-alb/blue-green";
import { ecsClusterBlock } from "../ecs-cluster/block";
import { MISSING_IMAGE_TAG, ServicesConfig } from "./config";
import { environmentProblems, imageTagProblem, secretProblems } from "./container";
import { fargateSizeProblem } from "./fargate";
import { officeHoursProblems } from "./schedule";
import { reservedVariableProblems, tracingProblems } from "./tracing";

const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const USER = /^(?:\d+(?::\d+)?|[a-z_][a-z0-9_-]*(?::[a-z_][a-z0-9_-]*)?)$/;

export function servicesProblems(config: ServicesConfig, view: ConfigView): Problem[] {
    return atTheirKeys(config, [...serviceProblems(config, view), ...blueGreenProblems(config), ...scheduleProblems(config), ...(view.stack.env === "prod" ? prodProblems(config) : [])]);
}

/**
 * Moves a problem with a setting a service inherits to `serviceDefaults.<setting>`, where the user
 * wrote it, and reports it there once (not once per service, at keys the file does not have).
 */
function atTheirKeys(config: ServicesConfig, problems: readonly Problem[]): Problem[] {
    const placed = new Map<string, Problem>();
    for (const problem of problems) {
        const [root, name, ...setting] = problem.path;
        const service = root === "services" ? config.services.find((s) => s.name === name) : undefined;
        const path = service?.origins.inherits(setting) ? ["serviceDefaults", ...setting] : problem.path;
        placed.set(`${JSON.stringify(path)}\0${problem.message}`, { path, message: problem.message });
    }
    // What every service inherits first: it is the cause of what follows from it.
    const all = [...placed.values()];
    return [...all.filter((p) => p.path[0] === "serviceDefaults"), ...all.filter((p) => p.path[0] !== "serviceDefaults")];
}

function serviceProblems(config: ServicesConfig, view: ConfigView): Problem[] {
    const problems: Problem[] = [];
    const { naming } = view.stack;
    const namespace = view.config(ecsClusterBlock)?.serviceDiscovery.namespace ?? "";
    if (config.services.length === 0) {
        problems.push({ path: ["services"], message: "is empty; the platform runs at least one service" });
    }
    const shared = config.serviceDefaults;
    if (shared.desiredCount !== undefined) {
        const { min = 0, max = Infinity } = shared.autoscaling ?? {};
        if (min <= max && (shared.desiredCount < min || shared.desiredCount > max)) {
            problems.push({ path: ["serviceDefaults", "desiredCount"], message: `${shared.desiredCount} is outside serviceDefaults' own autoscaling range ${min}–${max}` });
        }
    }
    const repositories = new Map<string, string>();
    for (const service of config.services) {
        const at = (...path: Path): Path => ["services", service.name, ...path];
        const report = (path: Path, message: string) => problems.push({ path: at(...path), message });
        if (!SERVICE_NAME.test(service.name)) {
            report([], `${showValue(service.name)} is not a service name; use up to 63 lowercase letters, digits and hyphens, starting with a letter (it becomes a DNS name)`);
            continue;
        }
        const size = fargateSizeProblem(service.name, service.cpu, service.memory);
        if (size) {
            report([size.field], size.message);
        }
        if (service.port < 1 || service.port > 65535) {
            report(["port"], `${service.port} is not a port; use 1–65535`);
        }
        const { min, max } = service.autoscaling;
        if (min > max) {
            report(["autoscaling"], `min ${min} is above max ${max}`);
        } else if (service.desiredCount < min || service.desiredCount > max) {
            report(["desiredCount"], `${service.desiredCount} is outside the autoscaling range ${min}–${max}`);
        }
        for (const problem of connectsToProblems(service.connectsTo, view, (i) => ["connectsTo", i])) {
            report(problem.path, problem.message);
        }
        for (const kind of ["environment", "secrets"] as const) {
            for (const variable of Object.keys(service[kind]).filter((v) => view.connectionVariables.includes(v))) {
                report([kind, variable], `${showValue(variable)} is set by the platform itself (the data tier's endpoints and credentials); choose another name`);
            }
        }
        // A setting given with tracing off is checked all the same; the room the app keeps beside
        // the collector only with it on, in a task of a size Fargate offers.
        problems.push(...nest(at("tracing"), tracingProblems(service.tracing, service.tracing.enabled && !size ? service : undefined)));
        if (service.tracing.enabled) {
            for (const kind of ["environment", "secrets"] as const) {
                problems.push(...nest(at(kind), reservedVariableProblems(service[kind])));
            }
        }
        problems.push(...nest(at("environment"), environmentProblems(service.environment)));
        problems.push(...nest(at("secrets"), secretProblems(service.secrets, service.environment)));
        if (service.deployment.kind === "plain") {
            const tag = service.deployment.imageTag === MISSING_IMAGE_TAG ? "is required (expected the image tag to deploy from the service's repository)" : imageTagProblem(service.deployment.imageTag);
            if (tag) {
                report(["imageTag"], tag);
            }
        }
        if (!DNS_NAME.test(`${service.discoveryName}.${namespace}`) || service.discoveryName.includes(".")) {
            report(["discoveryName"], `${showValue(service.discoveryName)} is not a DNS label; use lowercase letters, digits and hyphens`);
        }
        const repositoryProblem = nameProblem("ecrRepository", service.repository);
        if (repositoryProblem) {
            report(["repository"], repositoryProblem);
        }
        const sameRepository = repositories.get(service.repository);
        if (sameRepository) {
            report(["repository"], `${showValue(service.repository)} is also the repository of ${showValue(sameRepository)}; each service has its own`);
        }
        repositories.set(service.repository, service.name);
        for (const role of ["exec", "task"]) {
            const roleProblem = nameProblem("iamRole", naming.format("scoped", service.name, role));
            if (roleProblem) {
                report([], `makes a name AWS refuses: ${roleProblem}; shorten the service name or platform:name`);
            }
        }
        service.writablePaths.forEach((p, i) => {
            if (!p.startsWith("/")) {
                report(["writablePaths", i], `${showValue(p)} is not an absolute path`);
            }
        });
        if (!USER.test(service.user)) {
            report(["user"], `${showValue(service.user)} is not a user; use a uid (1000), uid:gid (1000:1000) or a user name`);
        }
    }
    return problems;
}

function blueGreenProblems(config: ServicesConfig): Problem[] {
    const { blueGreen } = config;
    if (!blueGreen) {
        return [];
    }
    const problems: Problem[] = [...nest(["blueGreen", "weights"], weightProblems(blueGreen.weights))];
    const names = config.services.map((s) => s.name);
    if (!names.includes(blueGreen.service)) {
        problems.push({ path: ["blueGreen", "service"], message: `${showValue(blueGreen.service)} is not one of platform:services (${names.map(showValue).join(", ")})` });
    }
    for (const colour of COLOURS) {
        const { imageTag, scaledToZero } = blueGreen[colour];
        const tag = imageTagProblem(imageTag);
        if (tag) {
            problems.push({ path: ["blueGreen", colour, "imageTag"], message: tag });
        }
        if (scaledToZero && blueGreen.weights[colour] > 0) {
            problems.push({ path: ["blueGreen", colour, "scaledToZero"], message: `true while ${colour} takes ${blueGreen.weights[colour]}% of the traffic; only a colour at weight 0 may run no task` });
        }
    }
    return problems;
}

/** Office hours: a valid schedule, for services the stack has. */
function scheduleProblems(config: ServicesConfig): Problem[] {
    const { schedule } = config;
    if (!schedule) {
        return [];
    }
    const problems = nest(["schedule"], officeHoursProblems(schedule));
    const known = config.services.map((s) => s.name);
    const seen = new Set<string>();
    schedule.services.forEach((service, i) => {
        if (!known.includes(service)) {
            problems.push({ path: ["schedule", "services", i], message: `${showValue(service)} is not one of platform:services (${known.map(showValue).join(", ")})` });
        } else if (seen.has(service)) {
            problems.push({ path: ["schedule", "services", i], message: `${showValue(service)} is listed twice` });
        }
        seen.add(service);
    });
    for (const service of config.services.filter((s) => seen.has(s.name) && s.autoscaling.min < 1)) {
        problems.push({
            path: ["services", service.name, "autoscaling", "min"],
            message: `${service.autoscaling.min} on office hours: the morning's start would start no task; use 1 or more, or leave the service off platform:schedule.services`,
        });
    }
    return problems;
}

/** prod runs at least two tasks of every service, around the clock. */
function prodProblems(config: ServicesConfig): Problem[] {
    const problems: Problem[] = [];
    if (config.schedule) {
        problems.push({ path: ["schedule"], message: "is not allowed in prod: prod runs around the clock (office hours are a dev cost lever)" });
    }
    for (const service of config.services) {
        const atLeastTwo = (what: string, value: number, path: Path) => {
            if (value < 2) {
                problems.push({ path: ["services", service.name, ...path], message: `${value} is below 2; prod runs at least two tasks of every service, spread over the AZs (${what})` });
            }
        };
        atLeastTwo("desired count", service.desiredCount, ["desiredCount"]);
        atLeastTwo("autoscaling minimum", service.autoscaling.min, ["autoscaling", "min"]);
    }
    return problems;
}
