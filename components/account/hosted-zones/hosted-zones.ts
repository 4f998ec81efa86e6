/**
 * HostedZones — the account's public Route 53 hosted zones, one per domain. The system stacks
 * look them up by name to validate certificates and point aliases; their name servers (an output)
 * are what the domain's registrar must delegate to before any of that resolves.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { DNS_NAME } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";

export interface HostedZonesArgs extends ComponentBaseArgs {
    /** Domains, e.g. `goormpopcorn.shop`: one public zone each. */
    domains: readonly string[];
}

export class HostedZones extends PlatformComponent {
    /** Zone id by domain. */
    public readonly zoneIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** The four name servers of each zone, by domain: the registrar's NS records. */
    public readonly nameServers: Readonly<Record<string, pulumi.Output<string[]>>>;

    constructor(name: string, args: HostedZonesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:dns:HostedZones", name, { ...args, component: "hosted-zones", problems: hostedZonesProblems(args) }, opts);
        const zoneIds: Record<string, pulumi.Output<string>> = {};
        const nameServers: Record<string, pulumi.Output<string[]>> = {};
        for (const domain of args.domains) {
            const zone = new aws.route53.Zone(
                `${name}-${domain}`,
                { name: domain, comment: `Public zone of ${domain}, managed by the platform's account stack`, forceDestroy: false, tags: this.tagsFor(domain) },
                // Other stacks' records live in it: a zone is kept when the account stack goes.
                { parent: this, retainOnDelete: true },
            );
            zoneIds[domain] = zone.zoneId;
            nameServers[domain] = zone.nameServers;
        }
        this.zoneIds = zoneIds;
        this.nameServers = nameServers;
        this.registerOutputs({ zoneIds: this.zoneIds, nameServers: this.nameServers });
    }
}

export function hostedZonesProblems(args: Pick<HostedZonesArgs, "domains">): Problem[] {
    const problems: Problem[] = [];
    const seen = new Set<string>();
    args.domains.forEach((domain, i) => {
        if (!DNS_NAME.test(domain)) {
            problems.push({ path: ["domains", i], message: `${showValue(domain)} is not a domain name (lowercase, e.g. goormpopcorn.shop)` });
        } else if (seen.has(domain)) {
            problems.push({ path: ["domains", i], message: `${showValue(domain)} is listed twice` });
        }
        seen.add(domain);
    });
    return problems;
}
