/**
 * The hosted zones block (`platform:zones`), for the account bootstrap stack: the public Route 53
 * zones the system stacks validate certificates in and point aliases from.
 */
import { z } from "zod";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { HostedZones, hostedZonesProblems } from "./hosted-zones";

const ZonesSchema = z
    .strictObject({
        domains: z.array(z.string()).min(1).describe("Domains, one public hosted zone each (e.g. `goormpopcorn.shop`); delegate each to its name servers at the registrar."),
    })
    .describe("The account's public hosted zones.");

export type ZonesConfig = z.output<typeof ZonesSchema>;

export const hostedZonesBlock = defineBlock({
    name: "zones",
    keys: ["zones"],
    schema: () => singleKey("zones", ZonesSchema),
    rules: (zones) => argumentProblemsAt("zones", hostedZonesProblems(zones)),
    claims: (zones) => zones.domains.map((domain, i) => ({ path: ["zones", "domains", i], what: "hosted zone", value: domain })),
    build: (zones: ZonesConfig, ctx: BuildContext): HostedZones => new HostedZones("zones", { naming: ctx.stack.naming, tags: ctx.stack.tags, domains: zones.domains }),
    outputs: (zones) => ({ zoneIds: zones.zoneIds, nameServers: zones.nameServers }),
});
