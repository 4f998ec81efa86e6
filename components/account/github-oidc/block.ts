/**
 * The CI block (`platform:ci`), for the account bootstrap stack: GitHub's OIDC provider and the
 * preview and deploy roles the workflows assume (no AWS key stored in GitHub).
 */
import { z } from "zod";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { GithubOidc, githubOidcProblems } from "./github-oidc";

const CiSchema = z
    .strictObject({
        githubRepository: z.string().describe("`<owner>/<name>` of the repository whose workflows assume the roles."),
        deployBranch: z.string().default("main").describe("Branch the deploy workflow runs on."),
        deployEnvironments: z.array(z.string()).default(["production"]).describe("GitHub environments whose jobs deploy (their token names the environment, not the branch)."),
        previewPolicies: z.array(z.string()).default(["ReadOnlyAccess"]).describe("AWS managed policies of the preview role: read only."),
        deployPolicies: z.array(z.string()).default(["AdministratorAccess"]).describe("AWS managed policies of the deploy role (it creates everything the stacks hold, IAM roles included); narrow them with a permissions boundary of your organisation's."),
        stateBucket: z.string().optional().describe("S3 bucket of a self-managed Pulumi backend: the preview role may take its stack locks."),
        secretsKmsKeyArn: z.string().optional().describe("KMS key of the backend's secrets provider (`awskms://`): the roles may use it."),
        createProvider: z.boolean().default(true).describe("Create the account's GitHub OIDC provider; false when the account has it already (one per URL)."),
    })
    .describe("GitHub Actions' access to the account: the OIDC provider, a read-only preview role, a deploy role.");

export type CiConfig = z.output<typeof CiSchema>;

export const githubOidcBlock = defineBlock({
    name: "ci",
    keys: ["ci"],
    schema: () => singleKey("ci", CiSchema),
    rules: (ci, view) =>
        argumentProblemsAt("ci", githubOidcProblems({ ...ci, repository: ci.githubRepository, naming: view.stack.naming }), {
            repository: (p) => ({ path: ["ci", "githubRepository"], message: p.message }),
            naming: (p) => ({ path: ["name"], message: `${JSON.stringify(view.stack.name)} makes a role name IAM refuses: ${p.message}` }),
        }),
    build: (ci: CiConfig, ctx: BuildContext): GithubOidc => new GithubOidc("ci", { naming: ctx.stack.naming, tags: ctx.stack.tags, ...ci, repository: ci.githubRepository }),
    outputs: (ci) => ({ githubOidcProviderArn: ci.providerArn, previewRoleArn: ci.previewRoleArn, deployRoleArn: ci.deployRoleArn }),
});
