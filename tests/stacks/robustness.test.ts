/**
 * A rule never crashes on another key's malformed value: whatever a stack file holds, reading it
 * ends in a ConfigError that names keys, never a TypeError or any other exception. Each top-level
 * `platform:*` key of the seed stack files, and each first-level field of the object-valued ones, is
 * replaced in turn by a value of another type (and by an empty value), and parseStackConfig alone
 * runs on it: no program, so the whole sweep stays well under two seconds.
 */
import { expect } from "chai";
import { ConfigError, parseStackConfig } from "../../stacks/config";
import { ConfigMap, problemLines, stackConfig } from "../fixtures/config";

type Replacement = readonly [label: string, value: unknown];

/**
 * Values of another type than `value`, as a stack file could hold them. A string field gets a
 * number (the CLI's integers are taken as strings, so the rules see "7"), a number or a boolean
 * the string "x", an object or a list the other container; every field also gets null.
 */
function wrongTypedField(value: unknown): Replacement[] {
    const other: Replacement =
        typeof value === "string"
            ? ["a number", 7]
            : typeof value === "number" || typeof value === "boolean"
              ? ['the string "x"', "x"]
              : Array.isArray(value)
                ? ["an empty object", {}]
                : ['the string "x"', "x"];
    return [other, ["null", null]];
}

/**
 * The same at the top level, where the CLI hands every value over as text: a number-like text or
 * an object's JSON where the value is text, the text "x" where it is an object or a list, and an
 * empty value.
 */
function wrongTypedKey(value: unknown): Replacement[] {
    const other: Replacement = typeof value === "string" ? ["an empty object", "{}"] : ['the string "x"', "x"];
    const number: Replacement[] = typeof value === "string" ? [["a number", "7"]] : [];
    return [other, ...number, ["an empty value", ""]];
}

/** The seed stack's config value of `key`, decoded as parseStackConfig decodes it. */
function decoded(raw: string): unknown {
    const text = raw.trim();
    return text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : raw;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** What goes wrong when `config` is read, or undefined when it ends as it should. */
function failure(config: ConfigMap, stack: string, key: string, mustRefuse: boolean): string | undefined {
    try {
        parseStackConfig(config, stack);
    } catch (err) {
        if (!(err instanceof ConfigError)) {
            return `threw ${(err as Error)?.name ?? typeof err} instead of a ConfigError: ${(err as Error)?.message ?? String(err)}`;
        }
        if (err.problems.length === 0) {
            return "threw a ConfigError without problems";
        }
        const unnamed = err.problems.filter((p) => !/^(platform|aws):\S/.test(p.key));
        if (unnamed.length > 0) {
            return `has problems that name no key: ${JSON.stringify(unnamed)}`;
        }
        // The replaced key (or a key inside it) is among the problems: the user is sent to what they changed.
        if (mustRefuse && !err.problems.some((p) => p.key === key || p.key.startsWith(`${key}.`) || p.key.startsWith(`${key}[`))) {
            return `names other keys only: ${err.problems.map((p) => `${p.key}: ${p.message}`).join(" | ")}`;
        }
        return undefined;
    }
    return mustRefuse ? "was accepted" : undefined;
}

function sweep(stack: "dev" | "prod" | "account"): void {
    const seed = stackConfig(stack);
    for (const key of Object.keys(seed).filter((k) => k.startsWith("platform:"))) {
        const value = decoded(seed[key]);
        const fields = isObject(value) ? Object.keys(value) : [];
        it(`${key}${fields.length > 0 ? ` and its ${fields.length} field(s)` : ""}`, () => {
            const failures: string[] = [];
            const check = (what: string, label: string, raw: string, mustRefuse: boolean) => {
                const problem = failure({ ...seed, [key]: raw }, stack, what, mustRefuse);
                if (problem) {
                    failures.push(`${what} as ${label}: ${problem}`);
                }
            };
            for (const [label, replacement] of wrongTypedKey(value)) {
                check(key, label, replacement as string, true);
            }
            if (isObject(value)) {
                // Emptied: every field at its default or missing; refused or not, never a crash.
                check(key, "an empty object", "{}", false);
                for (const field of fields) {
                    for (const [label, replacement] of wrongTypedField(value[field])) {
                        check(`${key}.${field}`, label, JSON.stringify({ ...value, [field]: replacement }), true);
                    }
                    if (isObject(value[field])) {
                        check(`${key}.${field}`, "an empty object", JSON.stringify({ ...value, [field]: {} }), false);
                    }
                }
            }
            expect(failures, failures.join("\n")).to.deep.equal([]);
        });
    }
}

describe("robustness: a malformed value ends in a ConfigError that names keys, never a crash", function () {
    // Warm the schemas once, so that each key's test measures its own sweep.
    before(() => problemLines({ ...stackConfig("dev"), "platform:env": "x" }));

    describe("the dev seed stack", () => sweep("dev"));
    describe("the account seed stack", () => sweep("account"));

    it("a private subnet CIDR the network refuses: reported once, by the network, and Kafka's placement rules skip it (they crashed on it)", () => {
        const config = stackConfig("dev", (_c, edit) => edit("network", (n) => (n.subnets.private[0].cidr = "10.0.11.x/24")));
        expect(problemLines(config)).to.deep.equal(['platform:network.subnets.private[0].cidr: "10.0.11.x/24" is not an IPv4 CIDR block (expected a.b.c.d/n, e.g. 10.0.1.0/24)']);
        const prod = stackConfig("prod", (_c, edit) => edit("network", (n) => (n.subnets.private[2].cidr = "10.0.13.0/33")));
        expect(problemLines(prod, "prod")).to.deep.equal(['platform:network.subnets.private[2].cidr: "10.0.13.0/33" has a prefix length above 32']);
    });
});
