import { expect } from "chai";
import { HostedZones } from "../../../../components/account/hosted-zones/hosted-zones";
import { refusedArguments, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

describe("components/account/hosted-zones", () => {
    it("creates one public zone per domain, kept when the stack goes, and exposes its four name servers", async () => {
        const view = await runView(() => {
            const zones = new HostedZones("zones", { naming, tags, domains: ["goormpopcorn.shop", "example.com"] });
            return { nameServers: zones.nameServers, zoneIds: zones.zoneIds };
        });
        const zones = view.ofType("aws:route53/zone:Zone");
        expect(zones.map((z) => z.inputs.name)).to.deep.equal(["goormpopcorn.shop", "example.com"]);
        for (const zone of zones) {
            expect(zone.inputs).to.include({ forceDestroy: false });
            expect(zone.inputs.vpcs, "public").to.equal(undefined);
            expect(zone.options.retainOnDelete).to.equal(true);
        }
        const nameServers = view.run.outputs.nameServers as Record<string, string[]>;
        expect(Object.keys(nameServers)).to.deep.equal(["goormpopcorn.shop", "example.com"]);
        expect(nameServers["goormpopcorn.shop"]).to.have.length(4);
        expect((view.run.outputs.zoneIds as Record<string, string>)["goormpopcorn.shop"]).to.match(/^Z[0-9A-Z]+$/);
    });

    it("refuses what is no domain name, and a domain twice", async () => {
        const lines = await refusedArguments("HostedZones", () => new HostedZones("zones", { naming, tags, domains: ["Goorm.shop", "a.shop", "a.shop"] }));
        expect(lines).to.deep.equal(['domains[0]: "Goorm.shop" is not a domain name (lowercase, e.g. goormpopcorn.shop)', 'domains[2]: "a.shop" is listed twice']);
    });
});
