/**
 * The security-groups block: no config of its own. Every block declares the groups it owns and
 * the flows it needs (`securityGroups` in its block.ts); this block creates them all in the VPC,
 * each rule its own resource, and reports a group over its rule quota at the key of the block
 * that owns it.
 */
import { z } from "zod";
import { Problem } from "../../../lib/problems";
import { BuildContext, SECURITY_GROUP_IDS, defineBlock } from "../../../stacks/block";
import { networkBlock } from "../vpc/block";
import { rulesOf } from "./matrix";
import { SecurityGroups, securityGroupsProblems } from "./security-groups";

export const securityGroupsBlock = defineBlock({
    name: "securityGroups",
    keys: [],
    presentWith: ["network"],
    requires: [networkBlock],
    schema: () => z.strictObject({}),

    rules(_config, view): Problem[] {
        const { groups, flows } = view.security;
        // Reported at the key of the block that owns the group (its flows are what that config asks for).
        return securityGroupsProblems({ groups }, rulesOf(flows)).map((problem) => {
            const owner = groups.find((g) => g.name === problem.path[1])?.key;
            return { path: owner ? [owner] : [], message: problem.message };
        });
    },

    build(_config: unknown, ctx: BuildContext): SecurityGroups | undefined {
        const { groups, flows } = ctx.security;
        if (groups.length === 0) {
            return undefined;
        }
        const vpc = ctx.need(networkBlock);
        const securityGroups = new SecurityGroups("sg", { naming: ctx.stack.naming, tags: ctx.stack.tags, vpcId: vpc.vpcId, groups, flows });
        ctx.publish(SECURITY_GROUP_IDS, securityGroups.ids);
        return securityGroups;
    },

    outputs: (securityGroups) => (securityGroups ? { securityGroupIds: securityGroups.ids } : {}),
});
