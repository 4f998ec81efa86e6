/**
 * SecurityGroups — the platform's five security groups (alb, ecs, db, cache, kafka) and the
 * rules between them, each rule a separate resource (never inline blocks), generated from the
 * matrix in `lib/security-matrix.ts`: an ingress rule on the receiving group and an egress rule
 * on the sending group for every flow. A group with no egress flow has no egress rule at all.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../../../lib/naming";
import { ArgumentError } from "../../../lib/problems";
import {
    INTERNET,
    MatrixPorts,
    Peer,
    SECURITY_GROUPS,
    SecurityGroupName,
    SecurityRule,
    platformFlows,
    ruleCountProblems,
    rulesOf,
} from "./matrix";
import { Tags, componentTags } from "../../../lib/tags";

export interface SecurityGroupsArgs {
    /** Produces the group names (`<prefix>-<env>-<group>`). */
    naming: Naming;
    /** Base tags; the component adds `Component` and `Name`. @default {} */
    tags?: Tags;
    vpcId: pulumi.Input<string>;
    /** The ports of the matrix: listeners, container ports, database, cache, Kafka. */
    ports: MatrixPorts;
}

const COMPONENT = "security-groups";

const DESCRIPTIONS: Readonly<Record<SecurityGroupName, string>> = {
    alb: "Internet-facing ALB: 80/443 in from anywhere, out only to the services",
    ecs: "Fargate services",
    db: "Database: in from the services only, no egress",
    cache: "Cache: in from the services only, no egress",
    kafka: "Kafka brokers: in from the services and each other",
};

function peerLabel(peer: Peer): string {
    return "group" in peer ? peer.group : peer.cidr === INTERNET ? "internet" : peer.cidr.replace(/[./]/g, "-");
}

export class SecurityGroups extends pulumi.ComponentResource {
    /** Security group id per platform group. */
    public readonly ids: Readonly<Record<SecurityGroupName, pulumi.Output<string>>>;
    /** The rules, as data: what the rule resources implement. */
    public readonly rules: readonly SecurityRule[];

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        const rules = rulesOf(platformFlows(args.ports));
        const problems = ruleCountProblems(rules);
        if (problems.length > 0) {
            throw new ArgumentError(`SecurityGroups "${name}"`, problems);
        }
        super("platform:network:SecurityGroups", name, {}, opts);

        const baseTags = args.tags ?? {};
        const groups = {} as Record<SecurityGroupName, aws.ec2.SecurityGroup>;
        for (const group of SECURITY_GROUPS) {
            const groupName = args.naming.scoped("securityGroup", group);
            groups[group] = new aws.ec2.SecurityGroup(
                `${name}-${group}`,
                {
                    vpcId: args.vpcId,
                    name: groupName,
                    description: DESCRIPTIONS[group],
                    // Rules live in their own resources; the provider drops AWS's default allow-all egress.
                    tags: componentTags(baseTags, COMPONENT, { name: groupName }),
                    revokeRulesOnDelete: true,
                },
                { parent: this },
            );
        }

        for (const rule of rules) {
            const peer =
                "group" in rule.peer ? { referencedSecurityGroupId: groups[rule.peer.group].id } : { cidrIpv4: rule.peer.cidr };
            const ruleName = `${rule.group}-${rule.direction === "ingress" ? "in" : "out"}-${rule.port}-${rule.direction === "ingress" ? "from" : "to"}-${peerLabel(rule.peer)}`;
            const ruleArgs = {
                securityGroupId: groups[rule.group].id,
                ipProtocol: "tcp",
                fromPort: rule.port,
                toPort: rule.port,
                description: rule.why,
                tags: componentTags(baseTags, COMPONENT, { name: args.naming.scoped("nameTag", ruleName) }),
                ...peer,
            };
            if (rule.direction === "ingress") {
                new aws.vpc.SecurityGroupIngressRule(`${name}-${ruleName}`, ruleArgs, { parent: this });
            } else {
                new aws.vpc.SecurityGroupEgressRule(`${name}-${ruleName}`, ruleArgs, { parent: this });
            }
        }

        this.ids = Object.fromEntries(SECURITY_GROUPS.map((g) => [g, groups[g].id])) as Record<SecurityGroupName, pulumi.Output<string>>;
        this.rules = rules;
        this.registerOutputs({ ids: this.ids });
    }
}
