/**
 * Queries over a program run for tests: resources by type and name, and references resolved
 * through the mock ids (a route's table, a table's subnets, a rule's security group).
 */
import { expect } from "chai";
import * as fs from "fs";
import { ArgumentError, formatPath } from "../../lib/problems";
import { ProgramRun, RecordedResource, RunOptions, runProgram } from "../../tooling/mock-runtime";

/** Short names for the resource types tests ask about most. */
export const T = {
    stack: "pulumi:pulumi:Stack",
    vpcComponent: "platform:network:Vpc",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

const taggableCache = new Map<string, boolean>();

/**
 * Whether a resource type carries tags: for AWS, read from `@pulumi/aws`'s own
 * declarations (its `<Name>Args` has a `tags` input), so the answer cannot drift from the SDK.
 */
export function isTaggable(type: string): boolean {
    let taggable = taggableCache.get(type);
    if (taggable === undefined) {
        const match = /^aws:([^/]+)\/([^:]+):/.exec(type);
        if (!match) {
            // Only AWS resources carry tags (random passwords, say, do not).
            return false;
        }
        const declarations = fs.readFileSync(require.resolve(`@pulumi/aws/${match[1]}/${match[2]}.d.ts`), "utf8");
        const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(declarations);
        taggable = args !== null && /\n {4}tags\?:/.test(args[1]);
        taggableCache.set(type, taggable);
    }
    return taggable;
}

export class RunView {
    constructor(readonly run: Pick<ProgramRun, "resources" | "outputs">) {}

    get resources(): readonly RecordedResource[] {
        return this.run.resources;
    }

    /** AWS resources only (no components, no stack). */
    get custom(): RecordedResource[] {
        return this.run.resources.filter((r) => r.custom);
    }

    ofType(type: string): RecordedResource[] {
        return this.run.resources.filter((r) => r.type === type);
    }

    /** The one resource of `type` named `name`; fails when there is not exactly one. */
    one(type: string, name: string): RecordedResource {
        const found = this.run.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            const names = this.ofType(type).map((r) => r.name);
            throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${names.join(", ")})`);
        }
        return found[0];
    }

    byId(id: unknown): RecordedResource {
        const found = this.run.resources.find((r) => r.id === id);
        if (!found) {
            throw new Error(`no resource has id ${String(id)}`);
        }
        return found;
    }

    input<V = unknown>(resource: RecordedResource, key: string): V {
        return resource.inputs[key] as V;
    }

    /** The route table a subnet is associated with. */
    routeTableOf(subnet: RecordedResource): RecordedResource {
        const associations = this.ofType(T.routeTableAssociation).filter((a) => a.inputs.subnetId === subnet.id);
        if (associations.length !== 1) {
            throw new Error(`subnet ${subnet.name} has ${associations.length} route table associations`);
        }
        return this.byId(associations[0].inputs.routeTableId);
    }

    /** Routes of a route table (separate Route resources; the component never inlines routes). */
    routesOf(table: RecordedResource): RecordedResource[] {
        return this.ofType(T.route).filter((r) => r.inputs.routeTableId === table.id);
    }

    /** Subnets whose `Tier` tag is `tier`. */
    subnetsOfTier(tier: string): RecordedResource[] {
        return this.ofType(T.subnet).filter((s) => (s.inputs.tags as Record<string, string>).Tier === tier);
    }

    /** The NAT gateway whose id is `id`, with the subnet it sits in. */
    natAndSubnet(id: unknown): { nat: RecordedResource; subnet: RecordedResource } {
        const nat = this.byId(id);
        return { nat, subnet: this.byId(nat.inputs.subnetId) };
    }
}

/** Runs `program` (e.g. one component) under the mock runtime and returns a view of it. */
export async function runView(program: () => unknown, options: Partial<RunOptions> = {}): Promise<RunView> {
    const run = await runProgram(program, { stack: "test", ...options, config: { "aws:region": "ap-northeast-2", ...options.config } });
    return new RunView(run);
}

/**
 * The problem lines (`path: message`) a component's ArgumentError lists when `build` constructs it
 * under the mock runtime; fails unless it refuses, or if anything but the stack was registered.
 */
export async function refusedArguments(component: string, build: () => unknown): Promise<string[]> {
    const registered: RecordedResource[] = [];
    try {
        await runView(build, { registered });
    } catch (err) {
        expect(err).to.be.instanceOf(ArgumentError);
        // Nothing of the component was registered: only the stack itself.
        expect(registered.map((r) => r.type)).to.deep.equal([T.stack]);
        return (err as ArgumentError).problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
    }
    throw new Error(`expected ${component} to refuse its arguments`);
}

interface Rule {
    group: string;
    port: number;
    peer: string;
}

/**
 * Reads the registered security-group rules back into "A -> B:port" lines (groups named without
 * `stem`, the stack's `<prefix>-<env>-`): A's egress and B's ingress must both allow it.
 */
export function reachability(view: RunView, stem: RegExp): string[] {
    const groupOf = (id: unknown) => String(view.byId(id).inputs.name).replace(stem, "");
    const rulesOf = (type: string): Rule[] =>
        view.ofType(type).map((r) => {
            expect(r.inputs.fromPort, r.name).to.equal(r.inputs.toPort);
            return {
                group: groupOf(r.inputs.securityGroupId),
                port: r.inputs.fromPort as number,
                peer: r.inputs.referencedSecurityGroupId ? groupOf(r.inputs.referencedSecurityGroupId) : r.inputs.cidrIpv4 === "0.0.0.0/0" ? "internet" : String(r.inputs.cidrIpv4),
            };
        });
    const ingress = rulesOf(T.ingressRule).filter((r) => !r.group.startsWith("vpc-endpoints"));
    const egress = rulesOf(T.egressRule);
    const lines = new Set<string>();
    for (const rule of ingress) {
        const allowedOut = rule.peer === "internet" || egress.some((e) => e.group === rule.peer && e.port === rule.port && e.peer === rule.group);
        if (allowedOut) {
            lines.add(`${rule.peer} -> ${rule.group}:${rule.port}`);
        }
    }
    for (const rule of egress.filter((e) => e.peer === "internet")) {
        lines.add(`${rule.group} -> internet:${rule.port}`);
    }
    return [...lines].sort();
}
