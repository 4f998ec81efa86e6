/**
 * The services block's config: `platform:services` (the services by name), `platform:serviceDefaults`
 * (what every service inherits), `platform:blueGreen` (the one
 * service that runs blue and green) and `platform:schedule` (office hours). Parsing resolves each
 * service: its settings, inherited ones and defaults merged, and its deployment — one plain
 * deployment of an image tag, or blue and green with their weights.
 */
import { z } from "zod";
import { Path, showValue } from "../../../lib/problems";
import { PerEnv, StackInfo } from "../../../stacks/block";
import { CAPACITY_PROVIDERS } from "../ecs-cluster/ecs-cluster";
import { Colour, Weights } from "../../traffic/blue-green-alb/blue-green";
import { DEFAULT_COLLECTOR_CPU, DEFAULT_COLLECTOR_IMAGE, DEFAULT_COLLECTOR_MEMORY } from "./tracing";

/** What a service gets when neither it nor `serviceDefaults` says otherwise, by env. */
export const SERVICE_ENV_DEFAULTS: PerEnv<{
    /** Tasks per service at creation. */
    readonly desiredCount: number;
    readonly autoscaling: { readonly min: number; readonly max: number };
    /** ECS Exec into running tasks: a debugging aid in dev, off unless asked for in prod. */
    readonly enableExecuteCommand: boolean;
    /** Share of new traces recorded with tracing on: every one in dev, 5% in prod (X-Ray bills per trace recorded). */
    readonly traceSampleRatio: number;
}> = {
    dev: { desiredCount: 1, autoscaling: { min: 1, max: 2 }, enableExecuteCommand: true, traceSampleRatio: 1 },
    prod: { desiredCount: 2, autoscaling: { min: 2, max: 6 }, enableExecuteCommand: false, traceSampleRatio: 0.05 },
};

/** Defaults that do not depend on the env. */
export const SERVICE_DEFAULTS = {
    port: 8080,
    cpuTarget: 70,
    memoryTarget: 80,
    readonlyRootFilesystem: true,
    writablePaths: ["/tmp"],
    user: "1000",
    healthCheckGracePeriodSeconds: 60,
    scheduleTimezone: "Asia/Seoul",
    scheduleDays: "MON-FRI",
} as const;

function settingsSchema() {
    return z.strictObject({
        port: z.number().int().optional().describe(`Container port the service listens on, 1–65535. Default: ${SERVICE_DEFAULTS.port}.`),
        desiredCount: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe(`Tasks at creation; autoscaling owns the count afterwards; a service's own count must lie in autoscaling.min…max, an inherited one is moved into it; prod ≥ 2. Default: dev ${SERVICE_ENV_DEFAULTS.dev.desiredCount}, prod ${SERVICE_ENV_DEFAULTS.prod.desiredCount}.`),
        autoscaling: z
            .strictObject({
                min: z.number().int().min(0).optional().describe(`Fewest tasks; prod ≥ 2. Default: dev ${SERVICE_ENV_DEFAULTS.dev.autoscaling.min}, prod ${SERVICE_ENV_DEFAULTS.prod.autoscaling.min} (at most desiredCount).`),
                max: z.number().int().min(0).optional().describe(`Most tasks. Default: dev ${SERVICE_ENV_DEFAULTS.dev.autoscaling.max}, prod ${SERVICE_ENV_DEFAULTS.prod.autoscaling.max} (at least desiredCount).`),
                cpuTarget: z.number().min(1).max(100).optional().describe(`Average CPU (%) target tracking holds. Default: ${SERVICE_DEFAULTS.cpuTarget}.`),
                memoryTarget: z.number().min(1).max(100).optional().describe(`Average memory (%) target tracking holds. Default: ${SERVICE_DEFAULTS.memoryTarget}.`),
            })
            .optional()
            .describe("Target tracking on CPU and memory between min and max tasks; min = max (without office hours) is a fixed count: no scalable target, no policies."),
        environment: z
            .record(z.string(), z.string())
            .optional()
            .describe("Plain settings; a secret-looking name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`…) is refused unless its value is an ARN. Merged with serviceDefaults'."),
        secrets: z
            .record(z.string(), z.string())
            .optional()
            .describe("Variable → complete Secrets Manager secret ARN (`:<json-key>::` may follow) or SSM parameter ARN; the execution role may read exactly these. Merged with serviceDefaults'."),
        readonlyRootFilesystem: z.boolean().optional().describe(`Mount the root filesystem read-only, with writablePaths on task storage. Default: ${SERVICE_DEFAULTS.readonlyRootFilesystem}.`),
        writablePaths: z.array(z.string()).optional().describe(`Absolute paths mounted writable when the root is read-only. Default: ${JSON.stringify(SERVICE_DEFAULTS.writablePaths)}.`),
        user: z.string().optional().describe(`uid, uid:gid or user name the container runs as. Default: "${SERVICE_DEFAULTS.user}".`),
        initImage: z
            .string()
            .optional()
            .describe("Image of the init container that opens writablePaths (`chmod 1777`) before the app starts; it needs `sh`. Without a NAT, an image in ECR. Default: `public.ecr.aws/docker/library/busybox:1.37`."),
        capacityProvider: z.enum(CAPACITY_PROVIDERS).optional().describe("FARGATE or FARGATE_SPOT. Default: the cluster's default capacity provider."),
        healthCheckGracePeriodSeconds: z
            .number()
            .int()
            .min(0)
            .max(7200)
            .optional()
            .describe(`Seconds the ALB's health checks are ignored after a task starts (behind the ALB only). Default: ${SERVICE_DEFAULTS.healthCheckGracePeriodSeconds}.`),
        enableExecuteCommand: z
            .boolean()
            .optional()
            .describe(`ECS Exec into the tasks, sessions logged. Default: dev ${SERVICE_ENV_DEFAULTS.dev.enableExecuteCommand}, prod ${SERVICE_ENV_DEFAULTS.prod.enableExecuteCommand}.`),
        connectsTo: z
            .array(z.string())
            .optional()
            .describe("The data stores (block names: `database`, `cache`, `kafka`…) whose endpoints, credentials and network paths the service gets. Default: none."),
        tracing: z
            .strictObject({
                enabled: z.boolean().describe("Run the collector beside the app and point the app's OpenTelemetry SDK at it."),
                sampleRatio: z
                    .number()
                    .optional()
                    .describe(`Share of new traces recorded, 0–1 (OTEL_TRACES_SAMPLER_ARG; a parent's decision is followed). Default: dev ${SERVICE_ENV_DEFAULTS.dev.traceSampleRatio}, prod ${SERVICE_ENV_DEFAULTS.prod.traceSampleRatio}.`),
                collectorImage: z
                    .string()
                    .optional()
                    .describe(`The collector's image, pinned: a version tag (not \`latest\`) or a \`@sha256:\` digest. Default: \`${DEFAULT_COLLECTOR_IMAGE}\`.`),
                collectorCpu: z.number().int().min(1).optional().describe(`CPU units taken out of the task for the collector; the app keeps at least 128. Default: ${DEFAULT_COLLECTOR_CPU}.`),
                collectorMemory: z
                    .number()
                    .int()
                    .min(6)
                    .optional()
                    .describe(`MiB taken out of the task for the collector, its hard limit (at least 6, ECS's minimum); the app keeps at least 256. Default: ${DEFAULT_COLLECTOR_MEMORY}.`),
            })
            .optional()
            .describe("Traces to AWS X-Ray through an AWS Distro for OpenTelemetry collector sidecar (`otel-collector`), with the app's OTEL_* variables and the X-Ray grants on the task role. Merged key by key with serviceDefaults'. Default: off."),
    });
}

function serviceSchema() {
    return settingsSchema().extend({
        cpu: z.number().int().describe("Task CPU units; with memory, one of Fargate's sizes."),
        memory: z.number().int().describe("Task memory, MiB."),
        imageTag: z.string().optional().describe("Image tag or `sha256:` digest in the service's repository; required except for the blue/green service; not `latest`."),
        repository: z.string().optional().describe("ECR repository the service deploys from (the account stack creates it). Default: `<prefix>-<name without -service>`."),
        discoveryName: z.string().optional().describe("Cloud Map name: `<discoveryName>.<namespace>`. Default: the service's name."),
    }).describe("One service: the ECS service `<prefix>-<env>-<name>`, its log group, roles, repository and Cloud Map name.");
}

const ColourSchema = z.strictObject({
    imageTag: z.string().describe("Image tag this colour runs."),
    scaledToZero: z.boolean().default(false).describe("Run no task at all; only at weight 0."),
});

function rawSchema() {
    return z.strictObject({
        services: z.record(z.string(), serviceSchema()).describe("The services by name (a lowercase DNS label): their size, image, scaling, settings and the stores they use."),
        serviceDefaults: settingsSchema().default({}).describe("Settings every service inherits (any per-service setting but cpu, memory, imageTag, repository, discoveryName)."),
        blueGreen: z
            .strictObject({
                service: z.string().describe("The service (one of platform:services) that runs blue and green behind the ALB."),
                weights: z.strictObject({ blue: z.number().describe("Blue's share, %."), green: z.number().describe("Green's share, %.") }).describe("Whole percentages 0–100 adding up to 100."),
                blue: ColourSchema.describe("The blue deployment."),
                green: ColourSchema.describe("The green deployment."),
            })
            .optional()
            .describe("Blue/green: a canary step or a rollback is a weight edit that changes only the ALB's listener."),
        schedule: z
            .strictObject({
                timezone: z.string().default(SERVICE_DEFAULTS.scheduleTimezone).describe("IANA time zone of start and stop."),
                days: z.string().default(SERVICE_DEFAULTS.scheduleDays).describe("Days the services start: `MON-FRI`, `MON,WED,FRI`…"),
                start: z.string().describe("`HH:MM` the services start (back to their autoscaling range)."),
                stop: z.string().describe("`HH:MM` the services stop (to zero tasks)."),
                services: z.array(z.string()).optional().describe("The services on the schedule. Default: every service."),
            })
            .optional()
            .describe("Office hours (a dev cost lever): services at zero outside start–stop; not allowed in prod."),
    });
}

type RawServices = z.output<ReturnType<typeof rawSchema>>;

/** How a service is deployed: one ECS service of an image tag, or blue and green behind the ALB. */
export type Deployment =
    | { readonly kind: "plain"; readonly imageTag: string }
    | { readonly kind: "blueGreen"; readonly weights: Weights; readonly colours: Readonly<Record<Colour, { readonly imageTag: string; readonly scaledToZero: boolean }>> };

/** The image tag of a plain service whose stack file gives none (the rules refuse it). */
export const MISSING_IMAGE_TAG = "";

/** The seed's repository names: `user-service` → `<prefix>-user`, `order-query` → `<prefix>-order-query`. */
export function defaultRepositoryName(prefix: string, service: string): string {
    return `${prefix}-${service.replace(/-service$/, "")}`;
}

/** Settings whose values merge key by key (a service's keys over serviceDefaults'). */
const MERGED_SETTINGS = ["autoscaling", "environment", "secrets", "tracing"] as const;

type Settings = z.output<ReturnType<typeof settingsSchema>>;

/** The settings paths (`port`, `autoscaling.min`, `environment.LOG_LEVEL`) `settings` gives a value. */
function settingPaths(settings: Settings): Path[] {
    return Object.entries(settings)
        .filter(([, value]) => value !== undefined)
        .flatMap(([key, value]): Path[] => ((MERGED_SETTINGS as readonly string[]).includes(key) ? Object.keys(value as object).map((sub) => [key, sub]) : [[key]]));
}

/** Whether `path` starts with `prefix`. */
function startsWith(path: Path, prefix: Path): boolean {
    return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}

/**
 * Where a service's setting comes from, so a problem is reported at the key the user wrote: the
 * service's own (`platform:services.<name>.<path>`) or serviceDefaults' (`platform:serviceDefaults.<path>`).
 */
export class SettingOrigins {
    private readonly own: Path[];
    private readonly inherited: Path[];

    constructor(own: Settings, shared: Settings) {
        this.own = settingPaths(own);
        this.inherited = settingPaths(shared).filter((path) => !this.own.some((o) => startsWith(o, path) || startsWith(path, o)));
    }

    /** Whether the setting at `path` (or everything under it) comes from serviceDefaults. */
    inherits(path: Path): boolean {
        return path.length > 0 && !this.own.some((o) => startsWith(o, path)) && this.inherited.some((i) => startsWith(i, path) || startsWith(path, i));
    }
}

/** One service, every setting resolved. */
function resolveService(name: string, own: RawServices["services"][string], raw: RawServices, stack: StackInfo, deployment: Deployment) {
    const shared = raw.serviceDefaults;
    const envDefaults = SERVICE_ENV_DEFAULTS[stack.env];
    const scaling = { ...shared.autoscaling, ...own.autoscaling };
    const tracing = { ...shared.tracing, ...own.tracing };
    // A count the service sets itself must lie in its range (a rule checks it); an inherited one
    // (serviceDefaults' or the env's) follows the service's range, so raising `autoscaling.min`
    // alone is enough to get more tasks.
    const base = own.desiredCount ?? shared.desiredCount ?? envDefaults.desiredCount;
    const min = scaling.min ?? Math.min(base, envDefaults.autoscaling.min, scaling.max ?? Infinity);
    const max = scaling.max ?? Math.max(base, envDefaults.autoscaling.max, min);
    const desiredCount = own.desiredCount ?? Math.min(Math.max(base, min), max);
    return {
        name,
        cpu: own.cpu,
        memory: own.memory,
        port: own.port ?? shared.port ?? SERVICE_DEFAULTS.port,
        deployment,
        repository: own.repository ?? defaultRepositoryName(stack.name, name),
        discoveryName: own.discoveryName ?? name,
        desiredCount,
        autoscaling: {
            min,
            max,
            cpuTarget: scaling.cpuTarget ?? SERVICE_DEFAULTS.cpuTarget,
            memoryTarget: scaling.memoryTarget ?? SERVICE_DEFAULTS.memoryTarget,
        },
        environment: { ...shared.environment, ...own.environment },
        secrets: { ...shared.secrets, ...own.secrets },
        readonlyRootFilesystem: own.readonlyRootFilesystem ?? shared.readonlyRootFilesystem ?? SERVICE_DEFAULTS.readonlyRootFilesystem,
        writablePaths: own.writablePaths ?? shared.writablePaths ?? [...SERVICE_DEFAULTS.writablePaths],
        user: own.user ?? shared.user ?? SERVICE_DEFAULTS.user,
        initImage: own.initImage ?? shared.initImage,
        /** Undefined: the cluster's default capacity provider. */
        capacityProvider: own.capacityProvider ?? shared.capacityProvider,
        healthCheckGracePeriodSeconds: own.healthCheckGracePeriodSeconds ?? shared.healthCheckGracePeriodSeconds ?? SERVICE_DEFAULTS.healthCheckGracePeriodSeconds,
        enableExecuteCommand: own.enableExecuteCommand ?? shared.enableExecuteCommand ?? envDefaults.enableExecuteCommand,
        connectsTo: own.connectsTo ?? shared.connectsTo ?? [],
        tracing: {
            enabled: tracing.enabled ?? false,
            sampleRatio: tracing.sampleRatio ?? envDefaults.traceSampleRatio,
            collectorImage: tracing.collectorImage ?? DEFAULT_COLLECTOR_IMAGE,
            collectorCpu: tracing.collectorCpu ?? DEFAULT_COLLECTOR_CPU,
            collectorMemory: tracing.collectorMemory ?? DEFAULT_COLLECTOR_MEMORY,
        },
        /** Which settings the service inherits from serviceDefaults (for where problems are reported). */
        origins: new SettingOrigins(own, shared),
    };
}

/** The block's schema for a stack: parsing it yields `ServicesConfig`. */
export function servicesSchema(stack: StackInfo) {
    return rawSchema().transform((raw, ctx) => {
        const { blueGreen } = raw;
        const names = Object.keys(raw.services);
        const services = Object.entries(raw.services).map(([name, own]) => {
            let deployment: Deployment;
            if (blueGreen?.service === name) {
                if (own.imageTag !== undefined) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["services", name, "imageTag"],
                        message: `${showValue(own.imageTag)} is not used: ${showValue(name)} runs blue and green, whose tags are platform:blueGreen.blue.imageTag and platform:blueGreen.green.imageTag`,
                        input: own.imageTag,
                    });
                }
                deployment = { kind: "blueGreen", weights: blueGreen.weights, colours: { blue: blueGreen.blue, green: blueGreen.green } };
            } else {
                // A missing tag is the rules' to report (MISSING_IMAGE_TAG), beside the others.
                deployment = { kind: "plain", imageTag: own.imageTag ?? MISSING_IMAGE_TAG };
            }
            return resolveService(name, own, raw, stack, deployment);
        });
        return {
            services,
            /** serviceDefaults as written (the services above have them merged in). */
            serviceDefaults: raw.serviceDefaults,
            blueGreen,
            schedule: raw.schedule && { ...raw.schedule, services: raw.schedule.services ?? names },
        };
    });
}

export type ServicesConfig = z.output<ReturnType<typeof servicesSchema>>;
export type ServiceConfig = ServicesConfig["services"][number];
