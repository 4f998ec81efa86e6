/**
 * SecurityGroups — the platform's security groups and the rules between them, each rule a
 * separate resource (never inline blocks): an ingress rule on the receiving group and an egress
 * rule on the sending group for every flow (`matrix.ts`). A group with no egress flow has no
 * egress rule at all. Which groups exist and which flows they allow is what the stack's blocks
 * declare (alb, ecs, db, cache, kafka in system A). A peer may be an AWS-managed prefix list
 * (CloudFront's origin-facing servers, in front of system B's internal ALB): it is looked up by
 * name in the stack's region and its rule references it by id (`prefixListId`); against the rule
 * quota it counts as its weight (`matrix.ts`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem } from "../../../lib/problems";
import { Flow, INTERNET, MANAGED_PREFIX_LIST_WEIGHTS, Peer, SecurityGroupDeclaration, SecurityRule, ruleCountProblems, rulesOf } from "./matrix";

export interface SecurityGroupsArgs extends ComponentBaseArgs {
    vpcId: pulumi.Input<string>;
    /** The groups, each named `<prefix>-<env>-<name>`. */
    groups: readonly SecurityGroupDeclaration[];
    /** Who may open which port to whom; every group a flow names must be among `groups`. */
    flows: readonly Flow[];
}

/** A peer in a rule's name: the group, `internet`, the CIDR, or the prefix list's name without `com.amazonaws.`/`global.` (`cloudfront-origin-facing`). */
function peerLabel(peer: Peer): string {
    if ("prefixList" in peer) {
        return peer.prefixList.replace(/^com\.amazonaws\.(global\.)?/, "").replace(/[^A-Za-z0-9-]/g, "-");
    }
    return "group" in peer ? peer.group : peer.cidr === INTERNET ? "internet" : peer.cidr.replace(/[./]/g, "-");
}

export class SecurityGroups extends PlatformComponent {
    /** Security group id per group name. */
    public readonly ids: Readonly<Record<string, pulumi.Output<string>>>;
    /** The rules, as data: what the rule resources implement. */
    public readonly rules: readonly SecurityRule[];

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        const rules = rulesOf(args.flows);
        super("platform:network:SecurityGroups", name, { ...args, component: "security-groups", problems: securityGroupsProblems(args, rules) }, opts);

        const groups = new Map<string, aws.ec2.SecurityGroup>();
        for (const group of args.groups) {
            const groupName = this.naming.scoped("securityGroup", group.name);
            groups.set(
                group.name,
                new aws.ec2.SecurityGroup(
                    `${name}-${group.name}`,
                    {
                        vpcId: args.vpcId,
                        name: groupName,
                        description: group.description,
                        // Rules live in their own resources; the provider drops AWS's default allow-all egress.
                        tags: this.tagsFor(groupName),
                        revokeRulesOnDelete: true,
                    },
                    { parent: this, ...(group.deleteTimeoutMinutes !== undefined ? { customTimeouts: { delete: `${group.deleteTimeoutMinutes}m` } } : {}) },
                ),
            );
        }
        const idOf = (group: string) => groups.get(group)!.id;
        // An AWS-managed prefix list by name, looked up once in the stack's region (its id differs by region).
        const prefixLists = new Map<string, pulumi.Output<string>>();
        const prefixListId = (name: string) => {
            let id = prefixLists.get(name);
            if (id === undefined) {
                id = aws.ec2.getManagedPrefixListOutput({ name }, { parent: this }).id;
                prefixLists.set(name, id);
            }
            return id;
        };

        for (const rule of rules) {
            const peer =
                "group" in rule.peer
                    ? { referencedSecurityGroupId: idOf(rule.peer.group) }
                    : "prefixList" in rule.peer
                      ? { prefixListId: prefixListId(rule.peer.prefixList) }
                      : { cidrIpv4: rule.peer.cidr };
            const ingress = rule.direction === "ingress";
            const ruleName = `${rule.group}-${ingress ? "in" : "out"}-${rule.port}-${ingress ? "from" : "to"}-${peerLabel(rule.peer)}`;
            const ruleArgs = {
                securityGroupId: idOf(rule.group),
                ipProtocol: "tcp",
                fromPort: rule.port,
                toPort: rule.port,
                description: rule.why,
                tags: this.tagsFor(this.naming.scoped("nameTag", ruleName)),
                ...peer,
            };
            if (ingress) {
                new aws.vpc.SecurityGroupIngressRule(`${name}-${ruleName}`, ruleArgs, { parent: this });
            } else {
                new aws.vpc.SecurityGroupEgressRule(`${name}-${ruleName}`, ruleArgs, { parent: this });
            }
        }

        this.ids = Object.fromEntries(args.groups.map((g) => [g.name, idOf(g.name)]));
        this.rules = rules;
        this.registerOutputs({ ids: this.ids });
    }
}

/** Groups declared once each, flows between declared groups only, prefix lists of known weight, and no group over its rule quota. */
export function securityGroupsProblems(args: Pick<SecurityGroupsArgs, "groups">, rules: readonly SecurityRule[]): Problem[] {
    const problems: Problem[] = [];
    const declared = new Set<string>();
    for (const group of args.groups) {
        if (declared.has(group.name)) {
            problems.push({ path: ["groups", group.name], message: "is declared twice" });
        }
        declared.add(group.name);
    }
    for (const rule of rules) {
        for (const group of [rule.group, "group" in rule.peer ? rule.peer.group : undefined]) {
            if (group !== undefined && !declared.has(group)) {
                problems.push({ path: ["flows"], message: `name the group ${group}, which is not declared` });
            }
        }
        if ("prefixList" in rule.peer && MANAGED_PREFIX_LIST_WEIGHTS[rule.peer.prefixList] === undefined) {
            problems.push({
                path: ["flows"],
                message: `name the prefix list ${JSON.stringify(rule.peer.prefixList)}, whose weight against the rule quota is not known; name one of ${Object.keys(MANAGED_PREFIX_LIST_WEIGHTS).map((n) => JSON.stringify(n)).join(", ")}, or add it with its documented weight (matrix.ts)`,
            });
        }
    }
    return [...problems, ...ruleCountProblems(rules).map((p) => ({ path: ["groups", ...p.path], message: p.message }))];
}
