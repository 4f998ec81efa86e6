/**
 * The assembly loop: every block the stack has, in the registry's order, built from its resolved
 * config and what earlier blocks built; then the stack outputs, merged from the blocks'. This file
 * knows no block: what a system is comes from its stack file and `stacks/registry.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { AlarmContribution, AnyBlock, Block, BuildContext, Channel, ConfigView, Connection, SECURITY_GROUP_IDS, Shape, StackInfo, StoreInfo } from "./block";
import { StackConfig } from "./config";

/** What the program built: every present block's result, and what the blocks contributed. */
export class Assembly implements BuildContext {
    private readonly results = new Map<AnyBlock, unknown>();
    private readonly published = new Map<Channel<unknown>, unknown[]>();

    constructor(readonly stackConfig: StackConfig) {}

    get stack(): StackInfo {
        return this.stackConfig.stack;
    }

    get stores(): ReadonlyMap<string, StoreInfo> {
        return this.stackConfig.stores;
    }

    get security(): ConfigView["security"] {
        return this.stackConfig.security;
    }

    get connectionVariables(): readonly string[] {
        return this.stackConfig.connectionVariables;
    }

    config<C>(block: Block<C, unknown, Shape>): C | undefined {
        return this.stackConfig.config(block);
    }

    built<B>(block: Block<unknown, B, Shape>): B | undefined {
        return this.results.get(block as AnyBlock) as B | undefined;
    }

    need<B>(block: Block<unknown, B, Shape>): B {
        if (!this.results.has(block as AnyBlock)) {
            // The config rules refuse a stack without a block another one requires: a program bug.
            throw new Error(`block ${block.name} is needed but was not built before this one (registry order or a missing requires)`);
        }
        return this.results.get(block as AnyBlock) as B;
    }

    securityGroupId(group: string): pulumi.Output<string> {
        const id = this.collect(SECURITY_GROUP_IDS).find((ids) => ids[group] !== undefined)?.[group];
        if (id === undefined) {
            throw new Error(`no block declares the security group ${group}`);
        }
        return id;
    }

    connection(name: string, consumer?: string): Connection | undefined {
        for (const [block, built] of this.results) {
            if (block.name === name && block.store) {
                return block.store.connection(built, this.stackConfig.blocks.get(block), consumer);
            }
        }
        return undefined;
    }

    publish<T>(channel: Channel<T>, item: T): void {
        const items = this.published.get(channel) ?? [];
        items.push(item);
        this.published.set(channel, items);
    }

    collect<T>(channel: Channel<T>): readonly T[] {
        return (this.published.get(channel) ?? []) as T[];
    }

    alarms(thresholds: Readonly<Record<string, unknown>>): AlarmContribution[] {
        const contributions: AlarmContribution[] = [];
        for (const [block, built] of this.results) {
            const contribution = block.alarms?.(built, this.stackConfig.blocks.get(block), thresholds);
            if (contribution) {
                contributions.push(contribution);
            }
        }
        // A stable sort: blocks of one rank keep their build order.
        return contributions.sort((a, b) => a.rank - b.rank);
    }

    /** Builds every block the stack has, in order. */
    build(): this {
        for (const [block, blockConfig] of this.stackConfig.blocks) {
            this.results.set(block, block.build(blockConfig, this));
        }
        return this;
    }

    /** What `pulumi stack output` shows: the env and region, then every block's outputs. */
    outputs(): Record<string, unknown> {
        const outputs: Record<string, unknown> = { env: this.stack.envName, region: this.stack.region };
        for (const [block, built] of this.results) {
            Object.assign(outputs, block.outputs?.(built, this.stackConfig.blocks.get(block)) ?? {});
        }
        return outputs;
    }
}

/** Builds the stack from its config. */
export function assemble(config: StackConfig): Assembly {
    return new Assembly(config).build();
}
