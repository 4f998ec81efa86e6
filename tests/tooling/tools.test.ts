import { expect } from "chai";
import { requireTool } from "../support/tools";

describe("tests/support/tools: programs npm does not install", () => {
    const saved = process.env.PLATFORM_REQUIRE_TOOLS;
    afterEach(() => {
        if (saved === undefined) {
            delete process.env.PLATFORM_REQUIRE_TOOLS;
        } else {
            process.env.PLATFORM_REQUIRE_TOOLS = saved;
        }
    });

    it("skips a test whose program is missing, saying which and how to get it", () => {
        delete process.env.PLATFORM_REQUIRE_TOOLS;
        let skipped = false;
        const warn = console.warn;
        let said = "";
        console.warn = (text: string) => (said = text);
        try {
            requireTool({ skip: () => (skipped = true) } as unknown as Mocha.Context, "no-such-tool-here", "checking something");
        } finally {
            console.warn = warn;
        }
        expect(skipped).to.equal(true);
        expect(said).to.equal("skipped: checking something needs no-such-tool-here, which is not installed here (apt-get install no-such-tool-here); CI installs it and never skips this check");
    });

    it("fails instead when PLATFORM_REQUIRE_TOOLS=1 (CI), and lets a test with its program run", () => {
        process.env.PLATFORM_REQUIRE_TOOLS = "1";
        const context = { skip: () => expect.fail("must not skip") } as unknown as Mocha.Context;
        expect(() => requireTool(context, "no-such-tool-here", "checking something")).to.throw(/PLATFORM_REQUIRE_TOOLS=1 makes it required/);
        expect(() => requireTool(context, "bash", "running a script")).to.not.throw();
    });
});
