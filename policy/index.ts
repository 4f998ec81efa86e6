/**
 * The platform's security baseline as a CrossGuard policy pack:
 *   pulumi preview --policy-pack policy
 * Publish it to a Pulumi Cloud organisation with `pulumi policy publish <org>` from this folder.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    description: "The platform's security baseline (docs/security-baseline.md), after AWS Foundational Security Best Practices: mandatory in prod, advisory where dev may relax it.",
    provider: "aws",
    policies: [...policies],
});
