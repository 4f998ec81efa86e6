/**
 * What every component of the platform repeats, in one place: its arguments are checked before
 * the component registers (a bad argument never leaves half a component behind), and every
 * taggable child is tagged `Component` (and `Name`, `Service` where given) on top of the stack's
 * base tags.
 *
 *     export class Vpc extends PlatformComponent {
 *         constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
 *             super("platform:network:Vpc", name, { ...args, component: "vpc", problems: vpcProblems(args) }, opts);
 *             new aws.ec2.Vpc(`${name}-vpc`, { …, tags: this.tagsFor("goorm-popcorn-dev-vpc") }, { parent: this });
 */
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "./naming";
import { ArgumentError, Problem } from "./problems";
import { Tags, componentTags } from "./tags";

/** The arguments every component takes. */
export interface ComponentBaseArgs {
    /** Produces every physical name (`<prefix>-<env>-…`). */
    naming: Naming;
    /** Base tags for every taggable child; the component adds `Component` and `Name`. @default {} */
    tags?: Tags;
}

export interface ComponentSetup {
    /** The `Component` tag of every child, e.g. `vpc`. */
    readonly component: string;
    /** The arguments' problems; any problem throws an ArgumentError before the component registers. */
    readonly problems: readonly Problem[];
    /** The `Service` tag of every child, when the component belongs to one service. */
    readonly service?: string;
}

export abstract class PlatformComponent extends pulumi.ComponentResource {
    protected readonly naming: Naming;
    protected readonly baseTags: Tags;
    private readonly setup: ComponentSetup;

    protected constructor(type: string, name: string, args: ComponentBaseArgs & ComponentSetup, opts?: pulumi.ComponentResourceOptions) {
        if (args.problems.length > 0) {
            throw new ArgumentError(`${type.split(":").pop()} "${name}"`, args.problems);
        }
        super(type, name, {}, opts);
        this.naming = args.naming;
        this.baseTags = args.tags ?? {};
        this.setup = { component: args.component, problems: [], service: args.service };
    }

    /** Tags of a child whose `Name` tag is `name` (no `Name` tag when undefined). */
    protected tagsFor(name?: string): Tags {
        return componentTags(this.baseTags, this.setup.component, { name, service: this.setup.service });
    }
}
