/**
 * Rules across config keys, run on the resolved config before any resource is registered.
 * Each problem carries the path (under the `platform` namespace) of the value to fix and a
 * sentence naming the value and what is allowed. AWS limits come from `lib/` (SPEC §5).
 */
import { auroraClusterProblems } from "../components/data/database/aurora-cluster";
import { albNames, aliasProblems } from "../components/traffic/blue-green-alb/blue-green-alb";
import { monitoringSettingsProblems } from "../components/observability/monitoring/monitoring";
import { DEFAULT_MANAGED_RULE_GROUPS, webAclProblems } from "../components/edge/web-acl/web-acl";
import { kafkaEc2Problems } from "../components/data/kafka/kafka-ec2";
import { rdsInstanceProblems } from "../components/data/database/rds-instance";
import { logRetentionProblem } from "../lib/aws-limits";
import { COLOURS, weightProblems } from "../components/traffic/blue-green-alb/blue-green";
import { DEFAULT_CACHE_PORT, cacheProblems, cacheTopology } from "../components/data/cache/cache";
import { environmentProblems, imageTagProblem, secretProblems } from "../components/compute/services/container";
import { AURORA_ENGINES, ENGINE_FACTS, INSTANCE_ENGINES } from "../components/data/database/engines";
import { fargateSizeProblem } from "../components/compute/services/fargate";
import { KAFKA_PORTS } from "../components/data/kafka/kafka";
import { DNS_NAME, Naming, nameProblem } from "../lib/naming";
import { networkProblems } from "../components/network/vpc/network";
import { officeHoursProblems } from "../components/compute/services/schedule";
import { Path, Problem, nest } from "../lib/problems";
import { MatrixPorts, platformFlows, ruleCountProblems, rulesOf } from "../components/network/security-groups/matrix";
import { extraTagProblems } from "../lib/tags";
import { databaseArgs, kafkaArgs } from "./data";
import { DatabaseConfig, PlatformConfig } from "./schema";

/** Ports Kafka listens on; the database's comes from its engine, the cache's from its config. */
export const DATA_PORTS = { kafkaClients: [KAFKA_PORTS.client, KAFKA_PORTS.bulk], kafkaController: KAFKA_PORTS.controller } as const;
/** The database port when the stack has no database (the seed's PostgreSQL). */
const DEFAULT_DATABASE_PORT = 5432;

const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const USER = /^(?:\d+(?::\d+)?|[a-z_][a-z0-9_-]*(?::[a-z_][a-z0-9_-]*)?)$/;
const ECR_TAG_PATTERN = /^[A-Za-z0-9_.*-]{1,128}$/;
const PLACEHOLDER_ALB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:loadbalancer/app/placeholder/0";
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** Variables the platform gives every service (stacks/platform.ts); a service's own config may not use them. */
export const CONNECTION_VARIABLES: readonly string[] = [
    "DB_HOST",
    "DB_READER_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_ENGINE",
    "DB_USERNAME",
    "DB_PASSWORD",
    "CACHE_HOST",
    "CACHE_READER_HOST",
    "CACHE_PORT",
    "CACHE_TLS",
    "CACHE_USERNAME",
    "CACHE_PASSWORD",
    "CACHE_AUTH_TOKEN",
    "KAFKA_BOOTSTRAP_SERVERS",
];

/** The ports of the security-group matrix for a config. */
export function matrixPorts(config: PlatformConfig): MatrixPorts {
    const blueGreen = config.services.find((s) => s.name === config.blueGreen?.service);
    return {
        albListeners: config.alb ? [80, 443] : [],
        albTargets: blueGreen && config.alb ? [blueGreen.port] : [],
        servicePorts: config.services.map((s) => s.port),
        database: config.database ? ENGINE_FACTS[config.database.engine].port : DEFAULT_DATABASE_PORT,
        cache: config.cache?.port ?? DEFAULT_CACHE_PORT,
        ...DATA_PORTS,
    };
}

export function crossKeyProblems(config: PlatformConfig, region: string | undefined, refer: (path: Path) => string): Problem[] {
    return [
        ...nest(["network"], networkProblems(config.network, { region, refer: (path) => refer(["network", ...path]) })),
        ...nest(["tags"], extraTagProblems(config.tags)),
        ...retentionProblems(config),
        ...serviceProblems(config),
        ...blueGreenProblems(config),
        ...albProblems(config, region),
        ...databaseProblems(config),
        ...cacheConfigProblems(config),
        ...kafkaConfigProblems(config),
        ...monitoringConfigProblems(config),
        ...wafConfigProblems(config),
        ...scheduleProblems(config),
        ...prodProblems(config),
        ...ruleCountProblems(rulesOf(platformFlows(matrixPorts(config)))).map((p) => ({ path: ["services"], message: `the ports of these services make the security group ${p.path[0]} rules ${p.message}` })),
    ];
}

function retentionProblems(config: PlatformConfig): Problem[] {
    const problems: Problem[] = [];
    const logs = logRetentionProblem(config.logRetentionDays);
    if (logs) {
        problems.push({ path: ["logs", "retentionDays"], message: logs });
    }
    const flowLogs = logRetentionProblem(config.network.flowLogs.retentionDays);
    if (flowLogs && config.network.flowLogs.retentionDays !== config.logRetentionDays) {
        problems.push({ path: ["network", "flowLogs", "retentionDays"], message: flowLogs });
    }
    return problems;
}

function serviceProblems(config: PlatformConfig): Problem[] {
    const problems: Problem[] = [];
    const naming = new Naming(config.name, config.env);
    if (config.services.length === 0) {
        problems.push({ path: ["services"], message: "is empty; the platform runs at least one service" });
    }
    if (!DNS_NAME.test(config.serviceDiscovery.namespace)) {
        problems.push({ path: ["serviceDiscovery", "namespace"], message: `${config.serviceDiscovery.namespace} is not a DNS name (expected e.g. goormpopcorn.local)` });
    }
    config.ecr.expiringTagPatterns.forEach((pattern, i) => {
        if (!ECR_TAG_PATTERN.test(pattern) || (pattern.match(/\*/g) ?? []).length > 4) {
            problems.push({ path: ["ecr", "expiringTagPatterns", i], message: `${pattern} is not an ECR tag pattern; use up to 128 letters, digits and _.- with at most four * wildcards` });
        }
    });
    const repositories = new Map<string, string>();
    for (const service of config.services) {
        const at = (...path: Path): Path => ["services", service.name, ...path];
        const report = (path: Path, message: string) => problems.push({ path: at(...path), message });
        if (!SERVICE_NAME.test(service.name)) {
            report([], `${service.name} is not a service name; use up to 63 lowercase letters, digits and hyphens, starting with a letter (it becomes a DNS name)`);
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
        service.connectsTo.forEach((store, i) => {
            if (config[store] === undefined) {
                report(["connectsTo", i], `${store} is not part of this stack (no platform:${store})`);
            }
        });
        for (const kind of ["environment", "secrets"] as const) {
            for (const variable of Object.keys(service[kind]).filter((v) => CONNECTION_VARIABLES.includes(v))) {
                report([kind, variable], `${variable} is set by the platform itself (the data tier's endpoints and credentials); choose another name`);
            }
        }
        problems.push(...nest(at("environment"), environmentProblems(service.environment)));
        problems.push(...nest(at("secrets"), secretProblems(service.secrets, service.environment)));
        if (service.name !== config.blueGreen?.service) {
            if (service.imageTag === undefined) {
                report(["imageTag"], "is required (expected the image tag to deploy from the service's repository)");
            } else {
                const tag = imageTagProblem(service.imageTag);
                if (tag) {
                    report(["imageTag"], tag);
                }
            }
        } else if (service.imageTag !== undefined) {
            report(["imageTag"], `${service.imageTag} is not used: ${service.name} runs blue and green, whose tags are platform:blueGreen.blue.imageTag and platform:blueGreen.green.imageTag`);
        }
        if (!DNS_NAME.test(`${service.discoveryName}.${config.serviceDiscovery.namespace}`) || service.discoveryName.includes(".")) {
            report(["discoveryName"], `${service.discoveryName} is not a DNS label; use lowercase letters, digits and hyphens`);
        }
        const repositoryProblem = nameProblem("ecrRepository", service.repository);
        if (repositoryProblem) {
            report(["repository"], repositoryProblem);
        }
        const sameRepository = repositories.get(service.repository);
        if (sameRepository) {
            report(["repository"], `${service.repository} is also the repository of ${sameRepository}; each service has its own`);
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
                report(["writablePaths", i], `${p} is not an absolute path`);
            }
        });
        if (!USER.test(service.user)) {
            report(["user"], `${service.user} is not a user; use a uid (1000), uid:gid (1000:1000) or a user name`);
        }
    }
    return problems;
}

function blueGreenProblems(config: PlatformConfig): Problem[] {
    const { blueGreen, alb } = config;
    if (!blueGreen) {
        return alb ? [{ path: ["alb"], message: "needs platform:blueGreen: the ALB forwards to the blue and green target groups of one service" }] : [];
    }
    const problems: Problem[] = [...nest(["blueGreen", "weights"], weightProblems(blueGreen.weights))];
    if (!alb) {
        problems.push({ path: ["blueGreen"], message: "needs platform:alb: blue and green are the ALB's two target groups" });
    }
    const known = config.services.map((s) => s.name);
    if (!known.includes(blueGreen.service)) {
        problems.push({ path: ["blueGreen", "service"], message: `${blueGreen.service} is not one of platform:services (${known.join(", ")})` });
    }
    for (const colour of COLOURS) {
        const { imageTag, scaledToZero } = blueGreen.colours[colour];
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

function albProblems(config: PlatformConfig, region: string | undefined): Problem[] {
    const { alb } = config;
    if (!alb) {
        return [];
    }
    const problems: Problem[] = [];
    const names = albNames(new Naming(config.name, config.env));
    for (const [what, kind, value] of [
        ["ALB", "loadBalancer", names.loadBalancer],
        ["blue target group", "targetGroup", names.targetGroups.blue],
        ["green target group", "targetGroup", names.targetGroups.green],
    ] as const) {
        const problem = nameProblem(kind, value);
        if (problem) {
            problems.push({ path: ["name"], message: `${config.name} makes the ${what} name ${value} (${value.length} characters), which AWS refuses: ${problem}` });
        }
    }
    const { arn, domain, hostedZone } = alb.certificate;
    if ((arn === undefined) === (domain === undefined)) {
        problems.push({ path: ["alb", "certificate"], message: "needs exactly one of arn (an existing ACM certificate) or domain (+ hostedZone) to issue one" });
    } else if (arn !== undefined) {
        const match = CERTIFICATE_ARN.exec(arn);
        if (!match) {
            problems.push({ path: ["alb", "certificate", "arn"], message: `${arn} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)` });
        } else if (region !== undefined && match[1] !== region) {
            problems.push({ path: ["alb", "certificate", "arn"], message: `is in ${match[1]}; an ALB only takes certificates from its own region, ${region}` });
        }
        if (hostedZone !== undefined) {
            problems.push({ path: ["alb", "certificate", "hostedZone"], message: "is only used with domain, to validate a certificate issued here" });
        }
    } else {
        if (!DNS_NAME.test(domain!)) {
            problems.push({ path: ["alb", "certificate", "domain"], message: `${domain} is not a domain name (expected e.g. goormpopcorn.shop)` });
        }
        if (hostedZone === undefined) {
            problems.push({ path: ["alb", "certificate", "hostedZone"], message: "is required with domain: the Route 53 zone (id Z… or name) that validates the certificate" });
        }
    }
    if (alb.dns) {
        const hostedZone = alb.dns.hostedZone ?? alb.certificate.hostedZone;
        if (hostedZone === undefined) {
            problems.push({ path: ["alb", "dns", "hostedZone"], message: "is required: the certificate is given by ARN, so there is no certificate.hostedZone to use" });
        } else {
            const certificate = arn !== undefined ? { arn } : { domain: domain ?? "", hostedZone };
            problems.push(...nest(["alb", "dns"], aliasProblems({ hostedZone, records: alb.dns.records }, certificate)));
        }
    }
    if (!alb.healthCheck.path.startsWith("/")) {
        problems.push({ path: ["alb", "healthCheck", "path"], message: `${alb.healthCheck.path} is not a path; it starts with /` });
    }
    if (alb.healthCheck.timeoutSeconds >= alb.healthCheck.intervalSeconds) {
        problems.push({ path: ["alb", "healthCheck", "timeoutSeconds"], message: `${alb.healthCheck.timeoutSeconds} must be shorter than intervalSeconds (${alb.healthCheck.intervalSeconds})` });
    }
    return problems;
}

/**
 * The database's own rules are its component's (run here on placeholder subnet ids, so a bad
 * value stops the program before any resource), plus the ones only config can break.
 */
function databaseProblems(config: PlatformConfig): Problem[] {
    const db = config.database;
    if (!db) {
        return [];
    }
    const problems: Problem[] = [];
    const report = (path: Path, message: string) => problems.push({ path: ["database", ...path], message });
    const instanceKind = db.kind === "instance";
    const engines: readonly string[] = instanceKind ? INSTANCE_ENGINES : AURORA_ENGINES;
    if (!engines.includes(db.engine)) {
        report(["engine"], `${db.engine} does not go with kind ${db.kind}; use ${engines.join(" or ")}`);
        return problems;
    }
    const onlyFor = (kind: string, keys: Array<keyof DatabaseConfig>) =>
        keys.filter((key) => db[key] !== undefined).forEach((key) => report([key], `is only for kind ${kind} (platform:database.kind is ${db.kind})`));
    onlyFor(instanceKind ? "aurora" : "instance", instanceKind ? ["readers", "serverless", "readerAutoscaling"] : ["storage", "multiAz"]);
    if (instanceKind && db.storage === undefined) {
        report(["storage"], "is required for kind instance (allocatedGb and maxAllocatedGb, gp3)");
    }
    const dataSubnets = config.network.subnets.data;
    if (dataSubnets.length === 0) {
        problems.push({ path: ["network", "subnets", "data"], message: "is empty; platform:database needs data subnets in two AZs" });
        return problems;
    }
    if (problems.length > 0) {
        return problems;
    }
    const { kind, args } = databaseArgs(db, { naming: new Naming(config.name, config.env), subnets: dataSubnets.map((s) => ({ id: "", az: s.az })), securityGroupIds: [], logRetentionDays: config.logRetentionDays });
    const componentProblems = kind === "instance" ? rdsInstanceProblems(args) : auroraClusterProblems(args);
    for (const problem of componentProblems) {
        if (problem.path.length === 0) {
            problems.push({ path: ["name"], message: `${config.name} makes a database identifier AWS refuses: ${problem.message}` });
        } else if (problem.path[0] !== "subnets" && problem.path[0] !== "logRetentionDays") {
            // The data tier's AZ count is the network's rule (platform:network.subnets.data); the
            // exported logs' retention is platform:logs.retentionDays, checked on its own.
            report(problem.path, problem.message);
        }
    }
    return problems;
}

/** The cache's rules are its component's (`cacheProblems`), run on the data tier's AZs. */
function cacheConfigProblems(config: PlatformConfig): Problem[] {
    const cache = config.cache;
    if (!cache) {
        return [];
    }
    const problems: Problem[] = [];
    const dataSubnets = config.network.subnets.data;
    if (dataSubnets.length === 0) {
        problems.push({ path: ["network", "subnets", "data"], message: "is empty; platform:cache needs data subnets" });
        return problems;
    }
    const componentProblems = cacheProblems({ ...cache, naming: new Naming(config.name, config.env), subnets: dataSubnets, logRetentionDays: config.logRetentionDays });
    for (const problem of componentProblems) {
        const [first] = problem.path;
        if (first === "name") {
            problems.push({ path: ["name"], message: `${config.name} makes a cache name AWS refuses: ${problem.message}` });
        } else if (first === "subnets") {
            problems.push({ path: ["network", "subnets", "data"], message: `${problem.message} (for platform:cache)` });
        } else if (first !== "logRetentionDays") {
            // The slow log's retention is platform:logs.retentionDays, checked on its own.
            problems.push({ path: ["cache", ...problem.path], message: problem.message });
        }
    }
    return problems;
}

/** Kafka's rules are its component's, on the private subnets (prod: the production quorum's too). */
function kafkaConfigProblems(config: PlatformConfig): Problem[] {
    if (!config.kafka) {
        return [];
    }
    const args = kafkaArgs(config, { naming: new Naming(config.name, config.env), subnets: config.network.subnets.private.map((s) => ({ ...s, id: "" })), securityGroupIds: [] });
    return kafkaEc2Problems(args)
        .filter((p) => p.path[0] !== "logRetentionDays")
        .map((p) => (p.path[0] === "subnets" ? { path: ["network", "subnets", "private", ...p.path.slice(1)], message: `${p.message} (for platform:kafka)` } : { path: ["kafka", ...p.path], message: p.message }));
}

/** Thresholds, addresses and key of the alarms; the database thresholds must be derivable from its class or set. */
function monitoringConfigProblems(config: PlatformConfig): Problem[] {
    const db = config.database;
    const database = db && { engine: db.engine, instanceClass: db.instanceClass, serverlessMaxAcu: db.serverless?.maxAcu };
    return nest(["monitoring"], monitoringSettingsProblems({ ...config.monitoring, database }));
}

function wafConfigProblems(config: PlatformConfig): Problem[] {
    const { waf } = config;
    if (!waf || !waf.enabled) {
        return [];
    }
    if (!config.alb) {
        return [{ path: ["waf", "enabled"], message: "is true, but the stack has no platform:alb for the web ACL to protect" }];
    }
    const problems: Problem[] = [];
    // The component's own rules, on a stand-in for the ALB it will protect. A retention taken
    // from platform:logs.retentionDays is reported there already.
    const inherited = waf.logging.retentionDays === config.logRetentionDays;
    const componentProblems = webAclProblems({ ...waf, naming: new Naming(config.name, config.env), resourceArns: [PLACEHOLDER_ALB_ARN] });
    for (const problem of componentProblems) {
        const [first] = problem.path;
        if (first === "name") {
            problems.push({ path: ["name"], message: `${config.name} makes a WAF name AWS refuses: ${problem.message}` });
        } else if (first !== "resourceArns" && !(first === "logging" && inherited)) {
            problems.push({ path: ["waf", ...problem.path], message: problem.message });
        }
    }
    return problems;
}

/** Office hours: a valid schedule, for services the stack has. */
function scheduleProblems(config: PlatformConfig): Problem[] {
    const { schedule } = config;
    if (!schedule) {
        return [];
    }
    const problems = nest(["schedule"], officeHoursProblems(schedule));
    const known = config.services.map((s) => s.name);
    const seen = new Set<string>();
    schedule.services.forEach((service, i) => {
        if (!known.includes(service)) {
            problems.push({ path: ["schedule", "services", i], message: `${service} is not one of platform:services (${known.join(", ")})` });
        } else if (seen.has(service)) {
            problems.push({ path: ["schedule", "services", i], message: `${service} is listed twice` });
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

/** prod satisfies every control of SPEC §6 that dev may relax. */
function prodProblems(config: PlatformConfig): Problem[] {
    if (config.env !== "prod") {
        return [];
    }
    const problems: Problem[] = [];
    const { network, alb, database, cache } = config;
    if (cache) {
        const topology = cacheTopology(cache);
        if (!topology.automaticFailover || !topology.multiAz) {
            problems.push({ path: ["cache"], message: "runs without automatic failover and Multi-AZ; prod needs both, with replicas in other AZs (SPEC §6)" });
        }
        if (cache.snapshot.retentionDays < 1) {
            problems.push({ path: ["cache", "snapshot", "retentionDays"], message: `${cache.snapshot.retentionDays} keeps no snapshot; prod keeps at least 1 day (SPEC §6)` });
        }
    }
    if (database) {
        const report = (path: Path, message: string) => problems.push({ path: ["database", ...path], message });
        if (database.backup.retentionDays < 7) {
            report(["backup", "retentionDays"], `${database.backup.retentionDays} is below 7; prod keeps database backups at least 7 days (SPEC §6)`);
        }
        if (!database.deletionProtection) {
            report(["deletionProtection"], "false is not allowed in prod; the database must refuse deletion (SPEC §6)");
        }
        if (!database.finalSnapshot) {
            report(["finalSnapshot"], "false is not allowed in prod; deleting the database must leave a final snapshot (SPEC §3.6)");
        }
        if (database.kind === "instance" && !database.multiAz) {
            report(["multiAz"], "is not true; prod runs the database Multi-AZ (a standby in a second AZ)");
        }
        if (database.kind === "aurora" && (database.readers ?? 1) < 1) {
            report(["readers"], `${database.readers} leaves the writer alone; prod needs at least one reader in another AZ to fail over to`);
        }
        if (database.monitoringIntervalSeconds === 0) {
            report(["monitoringIntervalSeconds"], "0 turns enhanced monitoring off, which prod requires (SPEC §6)");
        }
        if (!database.performanceInsights.enabled) {
            report(["performanceInsights", "enabled"], "false is not allowed in prod; Performance Insights is required there (SPEC §6)");
        }
    }
    if (!network.flowLogs.enabled) {
        problems.push({ path: ["network", "flowLogs", "enabled"], message: "false is not allowed in prod; VPC flow logs are required there (SPEC §6)" });
    }
    const privateAzs = new Set(network.subnets.private.map((s) => s.az));
    if (network.subnets.private.length > 0 && privateAzs.size < 2) {
        problems.push({ path: ["network", "subnets", "private"], message: `spans only ${[...privateAzs].join(", ")}; prod needs private subnets in at least two AZs` });
    }
    if (alb && !alb.deletionProtection) {
        problems.push({ path: ["alb", "deletionProtection"], message: "false is not allowed in prod; the ALB must refuse deletion (SPEC §6)" });
    }
    if (alb && !alb.accessLogs.enabled) {
        problems.push({ path: ["alb", "accessLogs", "enabled"], message: "false is not allowed in prod; ALB access logs are required there (SPEC §6)" });
    }
    if (alb && !config.waf?.enabled) {
        problems.push({ path: ["waf", "enabled"], message: "false is not allowed in prod; a WAF web ACL protects the ALB there (SPEC §6)" });
    } else if (alb && config.waf) {
        const missing = DEFAULT_MANAGED_RULE_GROUPS.filter((group) => !config.waf!.managedRuleGroups.includes(group));
        if (missing.length > 0) {
            problems.push({ path: ["waf", "managedRuleGroups"], message: `lacks ${missing.join(" and ")}; prod keeps AWS's core rule set and known bad inputs at least` });
        }
    }
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
