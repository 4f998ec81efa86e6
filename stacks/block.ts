/**
 * What a block is. Every part of a system (network, security groups, ECS cluster, services, ALB,
 * database, cache, Kafka, web ACL, monitoring…) is a block: one folder under
 * `components/<domain>/<block>/` whose `block.ts` exports one `Block`. It owns:
 *
 * - its config keys (`platform:<key>`): a strict zod schema, every field described, per-env
 *   defaults written once in the schema (`schema(stack)` is evaluated for the stack's env);
 * - its rules on that config (prod rules included), run before any resource exists;
 * - what it builds (its components) from its config and what earlier blocks built;
 * - what it contributes to the others: stack outputs, alarms (and their thresholds), the
 *   security groups it owns and the flows it needs, and — for a data store — how a consumer reaches
 *   it (environment, secret references, IAM statements).
 *
 * A block whose keys are absent from the stack file is not built: a system is a choice of blocks.
 * The registry (`stacks/registry.ts`) lists the blocks in build order.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { AlarmSection } from "../components/observability/monitoring/alarms";
import type { Flow, SecurityGroupDeclaration } from "../components/network/security-groups/matrix";
import { LogRetentionDays } from "../lib/aws-limits";
import { PolicyStatement } from "../lib/iam";
import { Env, Naming } from "../lib/naming";
import { Path, Problem, formatPath, showValue } from "../lib/problems";
import { Tags } from "../lib/tags";

/** The config namespace of this project (the `name` in Pulumi.yaml). */
export const NAMESPACE = "platform";

/** The full key of a path, e.g. `platform:network.cidr`. */
export function configKey(path: Path): string {
    return `${NAMESPACE}:${formatPath(path)}`;
}

/** What every block knows about the stack before its own config is read. */
export interface StackInfo {
    /** Pulumi stack name. */
    readonly stack: string;
    /** `aws:region`. */
    readonly region: string;
    /** Environment class (`platform:env`): the defaults and safety rules the stack gets. */
    readonly env: Env;
    /** The environment's name in physical names, tags and outputs (`platform:envName`, by default the class). */
    readonly envName: string;
    /** Physical-name prefix (`platform:name`). */
    readonly name: string;
    readonly naming: Naming;
    /** The stack's base tags (project, environment, stack, managed-by, and `platform:tags`). */
    readonly tags: Tags;
    /** Retention of every log group unless a block's key says otherwise (`platform:logs.retentionDays`). */
    readonly logRetentionDays: LogRetentionDays;
}

/** Something a stack creates that must be the account's only one: `what` it is, its value, and the key that sets it. */
export interface Claim {
    readonly path: Path;
    /** What it is, for the message: "DNS record", "hosted zone", "ECR repository". */
    readonly what: string;
    readonly value: string;
}

/** Facts about the registry a block's schema may need (monitoring takes every block's thresholds). */
export interface RegistryFacts {
    /** Every block's `thresholds`, merged: the keys of `platform:monitoring.thresholds`. */
    readonly thresholds: Shape;
}

/** A value that differs by env, written once: the schema reads the stack's, the docs show both. */
export type PerEnv<T> = Readonly<Record<Env, T>>;

/** A zod object shape: field name → schema. */
export type Shape = Readonly<Record<string, z.ZodType>>;

/** What a consumer of a data store receives: settings, secrets by reference, and IAM grants. */
export interface Connection {
    /** Plain settings (endpoints, ports, names): the container's environment. */
    readonly environment: Readonly<Record<string, pulumi.Input<string>>>;
    /** Variable → Secrets Manager or SSM ARN (`:<json-key>::` allowed): never a value. */
    readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
    /** Statements the consumer's own role needs (its task role, say). @default [] */
    readonly statements?: readonly PolicyStatement[];
}

/** A block that others connect to (`connectsTo: [<block name>]`). */
export interface StoreDeclaration<C, B> {
    /** How flow descriptions name it: `services to <label>`. */
    readonly label: string;
    /**
     * The security group consumers reach it in (one the block declares). Absent for a store
     * reached without one (DynamoDB, through the VPC's gateway endpoint): no flow is opened.
     */
    readonly group?: string;
    /** The ports consumers open to it. @default none */
    ports?(config: C, view: ConfigView): readonly number[];
    /** Every variable its connection may set: a consumer's own config may not use them. */
    readonly variables: readonly string[];
    /** The variables that follow from its config (one per table, say), where the stack has it: reserved too. @default none */
    configVariables?(config: C): readonly string[];
    /**
     * Why consumers may not connect to it as the stack configures it (a CDN without signed URLs, a
     * bucket set without an uploads bucket): the end of the message a consumer listing it gets,
     * after the store's quoted name. Undefined when they may. @default always connectable
     */
    unavailable?(config: C): string | undefined;
    /**
     * The connection, from what the block built, for `consumer` (a service's or a function's name,
     * when the consumer says who it is): a store may give each consumer only what is meant for it.
     */
    connection(built: B, config: C, consumer?: string): Connection;
}

/** The security groups a block owns and the flows it needs (its own, or its consumers' to the stores). */
export interface SecurityContribution {
    readonly groups?: readonly SecurityGroupDeclaration[];
    readonly flows?: readonly Flow[];
}

/** One block's alarms, for the monitoring block: a titled section of the dashboard. */
export interface AlarmContribution extends AlarmSection {
    /** Where its section sits on the dashboard (lower first). */
    readonly rank: number;
}

/** A typed channel through which a block hands something to a later one without importing it. */
export class Channel<T> {
    declare private readonly item?: T;
    constructor(readonly name: string) {}
}

export interface Block<C = unknown, B = unknown, T extends Shape = Shape> {
    /** The block's name: its registry entry, and what consumers write in `connectsTo`. */
    readonly name: string;
    /** The top-level keys it owns (`platform:<key>`); the first one makes it present. */
    readonly keys: readonly string[];
    /** Keys that make it present (any of them). @default [keys[0]] */
    readonly presentWith?: readonly string[];
    /** Blocks the stack must have too (a service needs a network). @default [] */
    readonly requires?: readonly AnyBlock[];
    /** The schema of its keys, as one object, for a stack: parsing it yields the resolved config. */
    schema(stack: StackInfo, registry: RegistryFacts): z.ZodType<C>;
    /** Its rules on the resolved config; paths start at the `platform` namespace. @default none */
    rules?(config: C, view: ConfigView): Problem[];
    /**
     * What no other stack of the account may have too: DNS records it creates, hosted zones,
     * repositories (the stack's physical names are claimed by the engine). Two stack files of the
     * project claiming the same thing is an error in both (stacks/claims.ts). @default none
     */
    claims?(config: C, view: ConfigView): Claim[];
    /** Security groups it owns and flows it needs, decided by config alone. @default none */
    securityGroups?(config: C, view: ConfigView): SecurityContribution;
    /** The keys it adds to `platform:monitoring.thresholds`, with their defaults. @default none */
    readonly thresholds?: T;
    /** Set when consumers may connect to it. */
    readonly store?: StoreDeclaration<C, B>;
    build(config: C, ctx: BuildContext): B;
    /** Its stack outputs. @default none */
    outputs?(built: B, config: C): Record<string, unknown>;
    /** Its alarms, given the thresholds (every block's keys, defaults filled). @default none */
    alarms?(built: B, config: C, thresholds: z.output<z.ZodObject<T>>): AlarmContribution;
}

/** A block of any config and build type (the registry's element type). */
export type AnyBlock = Block<unknown, unknown, Shape>;

/** Declares a block (types inferred from its schema and build). */
export function defineBlock<C, B, T extends Shape = Record<never, z.ZodType>>(block: Block<C, B, T>): Block<C, B, T> {
    return block;
}

/** A security group as the stack declares it: with the key of the block that owns it. */
export interface DeclaredGroup extends SecurityGroupDeclaration {
    readonly key: string;
}

/** What rules (and later blocks) see of the stack's config. */
export interface ConfigView {
    readonly stack: StackInfo;
    /** The resolved config of `block`, or undefined when the stack does not have it. */
    config<C>(block: Block<C, unknown, Shape>): C | undefined;
    /** The stores present in the stack, by block name. */
    readonly stores: ReadonlyMap<string, StoreInfo>;
    /** Every security group the stack's blocks declare, and every flow they need. */
    readonly security: { readonly groups: readonly DeclaredGroup[]; readonly flows: readonly Flow[] };
    /** Variables a store's connection may set (over the whole registry, and those the stack's stores' config makes): a consumer may not set them itself. */
    readonly connectionVariables: readonly string[];
}

export interface StoreInfo {
    readonly label: string;
    /** Absent: consumers reach it without a security group of its own. */
    readonly group?: string;
    readonly ports: readonly number[];
    /** Why consumers may not connect to it as configured (its declaration's `unavailable`); absent when they may. */
    readonly unavailable?: string;
}

/** What a block's build sees. */
export interface BuildContext extends ConfigView {
    /** What `block` built, or undefined when the stack does not have it. */
    built<B>(block: Block<unknown, B, Shape>): B | undefined;
    /** What `block` built; for a block this one `requires` (its absence is a config error). */
    need<B>(block: Block<unknown, B, Shape>): B;
    /** The id of a security group some block declared. */
    securityGroupId(group: string): pulumi.Output<string>;
    /** How `consumer` (a service's or a function's name) reaches the store `name` (a block name), when the stack has it. */
    connection(name: string, consumer?: string): Connection | undefined;
    publish<T>(channel: Channel<T>, item: T): void;
    /** What earlier blocks published on `channel`, in build order. */
    collect<T>(channel: Channel<T>): readonly T[];
    /** The alarms of every block built so far, given the thresholds, by dashboard rank. */
    alarms(thresholds: Readonly<Record<string, unknown>>): AlarmContribution[];
}

/** Where the security-groups block publishes the id of every group it created. */
export const SECURITY_GROUP_IDS = new Channel<Readonly<Record<string, pulumi.Output<string>>>>("security-group-ids");

/** The schema of a block that owns one key: the object `{ <key>: schema }`, resolving to the key's value. */
export function singleKey<K extends string, S extends z.ZodType>(key: K, schema: S) {
    return z.strictObject({ [key]: schema } as { [P in K]: S }).transform((value) => (value as Record<string, unknown>)[key] as z.output<S>);
}

/**
 * A component's argument problems as config problems: each at `key` + its path, except those whose
 * first path segment `elsewhere` maps — to another config path (a function of the problem), or to
 * nothing (`null`: the key is reported by its own rule).
 */
export function argumentProblemsAt(key: string, problems: readonly Problem[], elsewhere: Readonly<Record<string, ((problem: Problem) => Problem) | null>> = {}): Problem[] {
    return problems.flatMap((problem) => {
        const first = String(problem.path[0] ?? "");
        if (first in elsewhere) {
            const moved = elsewhere[first];
            return moved === null ? [] : [moved(problem)];
        }
        return [{ path: [key, ...problem.path], message: problem.message }];
    });
}

/**
 * What is wrong with a consumer's `connectsTo` (a service's, a function's, a workload's): a store
 * the stack does not have, one listed twice, one not connectable as configured; `also` adds a
 * consumer's own check of a store it may connect to. Each problem's path is `at(index)`.
 */
export function connectsToProblems(
    connectsTo: readonly string[],
    view: ConfigView,
    at: (index: number) => Path,
    also?: (store: string, info: StoreInfo) => string | undefined,
): Problem[] {
    const stores = [...view.stores.keys()];
    const problems: Problem[] = [];
    const seen = new Set<string>();
    connectsTo.forEach((store, i) => {
        const info = view.stores.get(store);
        const message = !info
            ? `${showValue(store)} is not a data store of this stack; it has ${stores.length > 0 ? stores.join(", ") : "none"}`
            : seen.has(store)
              ? `${showValue(store)} is listed twice`
              : info.unavailable !== undefined
                ? `${showValue(store)} ${info.unavailable}`
                : also?.(store, info);
        if (message !== undefined) {
            problems.push({ path: at(i), message });
        }
        seen.add(store);
    });
    return problems;
}

/** The flows from a consumer's group to the stores it uses, on each store's ports. */
export function storeFlows(view: ConfigView, from: string, consumer: string, stores: Iterable<string>): Flow[] {
    const flows: Flow[] = [];
    for (const name of new Set(stores)) {
        const store = view.stores.get(name);
        const group = store?.group;
        if (store && group !== undefined) {
            flows.push(...store.ports.map((port) => ({ from: { group: from }, to: { group }, port, why: `${consumer} to ${store.label}` })));
        }
    }
    return flows;
}
