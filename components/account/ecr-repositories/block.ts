/**
 * The image repositories block (`platform:repositories`), for the account bootstrap stack: the ECR
 * repositories every system's services deploy from. System stacks read them; they never create
 * them (their services stop with a clear message when a repository or an image tag is missing).
 */
import { z } from "zod";
import { BuildContext, argumentProblemsAt, defineBlock, singleKey } from "../../../stacks/block";
import { EcrRepositories, ecrRepositoriesProblems } from "./ecr-repositories";

const RepositoriesSchema = z
    .strictObject({
        names: z.array(z.string()).describe("Repository names, one per service of every system (`<prefix>-<service>`, the seed's names)."),
        keepLastImages: z.number().int().default(30).describe("Images kept per counted tag pattern, 1–1000; untagged images expire after 7 days."),
        expiringTagPatterns: z
            .array(z.string())
            .min(1)
            .default(["*"])
            .describe("Tag patterns counted towards keepLastImages, one count each (≤ 4 `*`); list only build tags (`sha-*`) so release tags the stacks run never expire."),
        lambdaPull: z
            .array(z.string())
            .default([])
            .describe("Repositories of `names` that Lambda functions (platform:functions) deploy from: a repository policy lets `lambda.amazonaws.com` pull for this account's functions in this region, so the deploying role needs no `ecr:SetRepositoryPolicy`."),
    })
    .describe("The account's ECR repositories: scan on push, immutable tags, kept when the stack goes, a lifecycle.");

export type RepositoriesConfig = z.output<typeof RepositoriesSchema>;

export const repositoriesBlock = defineBlock({
    name: "repositories",
    keys: ["repositories"],
    schema: () => singleKey("repositories", RepositoriesSchema),
    rules: (repositories) => argumentProblemsAt("repositories", ecrRepositoriesProblems(repositories)),
    claims: (repositories) => repositories.names.map((name, i) => ({ path: ["repositories", "names", i], what: "ECR repository", value: name })),
    build: (repositories: RepositoriesConfig, ctx: BuildContext): EcrRepositories =>
        new EcrRepositories("repositories", { naming: ctx.stack.naming, tags: ctx.stack.tags, ...repositories }),
    outputs: (repositories) => ({ repositoryUrls: repositories.repositoryUrls }),
});
