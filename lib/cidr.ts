/**
 * IPv4 CIDR arithmetic: parsing, containment and overlap. Pure functions, no Pulumi.
 *
 * Addresses are held as unsigned 32-bit integers (`>>> 0` keeps them unsigned).
 */

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
    /** The text as given, e.g. `10.0.1.0/24`. */
    readonly text: string;
    /** First address of the block, as an unsigned 32-bit integer. */
    readonly network: number;
    /** Prefix length, 0–32. */
    readonly prefix: number;
}

export type CidrParseResult = { ok: true; cidr: Ipv4Cidr } | { ok: false; reason: string };

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Netmask for a prefix length, e.g. 24 → 0xFFFFFF00. */
function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatIpv4(address: number): string {
    return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
}

/**
 * Parses `a.b.c.d/n`. Rejects octets above 255, prefixes above 32, leading zeros (ambiguous:
 * some tools read them as octal) and host bits set (`10.0.1.5/24` is an address, not a block).
 */
export function parseCidr(text: string): CidrParseResult {
    const match = CIDR_SHAPE.exec(text);
    if (!match) {
        return { ok: false, reason: "is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)" };
    }
    const parts = match.slice(1, 6);
    if (parts.some((p) => p.length > 1 && p.startsWith("0"))) {
        return { ok: false, reason: "has a leading zero in an octet or prefix (expected e.g. 10.0.1.0/24)" };
    }
    const octets = parts.slice(0, 4).map(Number);
    const prefix = Number(parts[4]);
    if (octets.some((o) => o > 255)) {
        return { ok: false, reason: "has an octet above 255" };
    }
    if (prefix > 32) {
        return { ok: false, reason: "has a prefix length above 32" };
    }
    const address = octets.reduce((acc, o) => ((acc << 8) | o) >>> 0, 0);
    const network = (address & maskOf(prefix)) >>> 0;
    if (network !== address) {
        return {
            ok: false,
            reason: `has host bits set; the block that contains it is ${formatIpv4(network)}/${prefix}`,
        };
    }
    return { ok: true, cidr: { text, network, prefix } };
}

/** Parses a CIDR that is known to be valid; throws otherwise. */
export function mustParseCidr(text: string): Ipv4Cidr {
    const result = parseCidr(text);
    if (!result.ok) {
        throw new Error(`${text} ${result.reason}`);
    }
    return result.cidr;
}

/** Last address of the block. */
export function lastAddress(cidr: Ipv4Cidr): number {
    return (cidr.network | ~maskOf(cidr.prefix)) >>> 0;
}

/** Number of addresses in the block (2^(32-prefix)). */
export function addressCount(cidr: Ipv4Cidr): number {
    return 2 ** (32 - cidr.prefix);
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}
