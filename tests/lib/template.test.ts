import { expect } from "chai";
import { renderTemplate } from "../../lib/template";

describe("lib/template", () => {
    it("fills every placeholder", () => {
        expect(renderTemplate("id={{NODE_ID}} dir={{LOG_DIR}}/{{NODE_ID}}", { NODE_ID: "2", LOG_DIR: "/var/lib/kafka" })).to.equal("id=2 dir=/var/lib/kafka/2");
    });

    it("refuses a placeholder without a value and a value without a placeholder", () => {
        expect(() => renderTemplate("{{NODE_ID}} {{CLUSTER_ID}}", { NODE_ID: "1", CLUSTR_ID: "x" })).to.throw(
            "template placeholders do not match the values: no value for CLUSTER_ID; unused CLUSTR_ID",
        );
    });

    it("leaves shell expansions alone", () => {
        expect(renderTemplate('echo "${HOME}" {{X}}', { X: "1" })).to.equal('echo "${HOME}" 1');
    });
});
