import { expect } from "chai";
import { addressCount, cidrContains, cidrsOverlap, formatIpv4, lastAddress, mustParseCidr, parseCidr } from "../../lib/cidr";

describe("lib/cidr", () => {
    it("parses a block into its network address and prefix", () => {
        const cidr = mustParseCidr("10.0.11.0/24");
        expect(formatIpv4(cidr.network)).to.equal("10.0.11.0");
        expect(cidr.prefix).to.equal(24);
        expect(formatIpv4(lastAddress(cidr))).to.equal("10.0.11.255");
        expect(addressCount(cidr)).to.equal(256);
    });

    it("handles the ends of the address space without sign errors", () => {
        expect(formatIpv4(lastAddress(mustParseCidr("0.0.0.0/0")))).to.equal("255.255.255.255");
        expect(formatIpv4(mustParseCidr("255.255.255.255/32").network)).to.equal("255.255.255.255");
        expect(formatIpv4(lastAddress(mustParseCidr("192.168.0.0/16")))).to.equal("192.168.255.255");
    });

    const invalid: Array<[string, RegExp]> = [
        ["10.0.0.0", /not an IPv4 CIDR block/],
        ["10.0.0/16", /not an IPv4 CIDR block/],
        ["10.0.0.0/33", /prefix length above 32/],
        ["10.0.256.0/24", /octet above 255/],
        ["10.0.01.0/24", /leading zero/],
        ["10.0.1.5/24", /host bits set; the block that contains it is 10\.0\.1\.0\/24/],
        [" 10.0.0.0/16", /not an IPv4 CIDR block/],
    ];
    for (const [text, reason] of invalid) {
        it(`rejects ${JSON.stringify(text)}`, () => {
            const result = parseCidr(text);
            expect(result.ok).to.equal(false);
            expect(!result.ok && result.reason).to.match(reason);
        });
    }

    it("tells containment", () => {
        const vpc = mustParseCidr("10.0.0.0/16");
        expect(cidrContains(vpc, mustParseCidr("10.0.11.0/24"))).to.equal(true);
        expect(cidrContains(vpc, mustParseCidr("10.0.0.0/16"))).to.equal(true);
        expect(cidrContains(vpc, mustParseCidr("10.1.11.0/24"))).to.equal(false);
        expect(cidrContains(vpc, mustParseCidr("10.0.0.0/15"))).to.equal(false);
    });

    it("tells overlap, including a block nested in another and adjacent blocks", () => {
        expect(cidrsOverlap(mustParseCidr("10.0.1.0/24"), mustParseCidr("10.0.1.128/25"))).to.equal(true);
        expect(cidrsOverlap(mustParseCidr("10.0.0.0/23"), mustParseCidr("10.0.1.0/24"))).to.equal(true);
        expect(cidrsOverlap(mustParseCidr("10.0.1.0/24"), mustParseCidr("10.0.2.0/24"))).to.equal(false);
        expect(cidrsOverlap(mustParseCidr("10.0.1.0/25"), mustParseCidr("10.0.1.128/25"))).to.equal(false);
    });
});
