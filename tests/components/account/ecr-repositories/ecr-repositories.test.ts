import { expect } from "chai";
import { EcrRepositories, LAMBDA_PULL_ACTIONS, lifecyclePolicy } from "../../../../components/account/ecr-repositories/ecr-repositories";
import { refusedArguments, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";

const R = { repository: "aws:ecr/repository:Repository", lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy", policy: "aws:ecr/repositoryPolicy:RepositoryPolicy" } as const;

describe("components/account/ecr-repositories", () => {
    it("creates each repository: scan on push, immutable tags, AES-256, kept when the stack goes, with its lifecycle", async () => {
        const view = await runView(() => new EcrRepositories("repositories", { naming, tags, names: ["goorm-popcorn-order", "goorm-popcorn-user"] }));
        expect(view.ofType(R.repository).map((r) => r.inputs.name)).to.deep.equal(["goorm-popcorn-order", "goorm-popcorn-user"]);
        for (const repository of view.ofType(R.repository)) {
            expect(repository.inputs).to.deep.include({ imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfigurations: [{ encryptionType: "AES256" }] });
            expect(repository.options.retainOnDelete, repository.name).to.equal(true);
            expect(repository.inputs.tags).to.include({ Component: "ecr-repositories", Name: repository.inputs.name });
        }
        const rules = JSON.parse(view.one(R.lifecycle, "repositories-goorm-popcorn-order-lifecycle").inputs.policy as string).rules;
        expect(rules).to.deep.equal([
            { rulePriority: 1, description: "Expire untagged images after 7 days", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
            { rulePriority: 2, description: "Keep the last 30 images", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } },
        ]);
    });

    it("lets Lambda functions of this account and region pull from the lambdaPull repositories only, and gives the others no policy", async () => {
        const view = await runView(() => new EcrRepositories("repositories", { naming, tags, names: ["couple-web", "couple-realtime"], lambdaPull: ["couple-realtime"] }));
        expect(view.ofType(R.policy).map((p) => [p.name, p.inputs.repository])).to.deep.equal([["repositories-couple-realtime-policy", "couple-realtime"]]);
        expect(JSON.parse(view.ofType(R.policy)[0].inputs.policy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "LambdaPull",
                    Effect: "Allow",
                    Principal: { Service: "lambda.amazonaws.com" },
                    Action: [...LAMBDA_PULL_ACTIONS],
                    Condition: { StringLike: { "aws:sourceArn": `arn:aws:lambda:ap-northeast-2:${MOCK_ACCOUNT_ID}:function:*` } },
                },
            ],
        });
        expect(LAMBDA_PULL_ACTIONS).to.deep.equal(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
    });

    it("count-expires only the listed tag patterns, one rule each, so release tags stay", () => {
        expect(lifecyclePolicy(20, ["sha-*", "pr-*"]).rules.slice(1)).to.deep.equal([
            { rulePriority: 2, description: "Keep the last 20 images tagged sha-*", selection: { tagStatus: "tagged", tagPatternList: ["sha-*"], countType: "imageCountMoreThan", countNumber: 20 }, action: { type: "expire" } },
            { rulePriority: 3, description: "Keep the last 20 images tagged pr-*", selection: { tagStatus: "tagged", tagPatternList: ["pr-*"], countType: "imageCountMoreThan", countNumber: 20 }, action: { type: "expire" } },
        ]);
    });

    it("refuses names ECR refuses, a name twice, counts out of range and bad patterns", async () => {
        const lines = await refusedArguments("EcrRepositories", () => new EcrRepositories("repositories", { naming, tags, names: ["Order", "a", "a"], keepLastImages: 0, expiringTagPatterns: ["sha-*", "a b"], lambdaPull: ["b", "a", "a"] }));
        expect(lines).to.deep.equal([
            'names[0]: ecrRepository name "Order" is not allowed; AWS allows lowercase letters, digits and single ._-/ separators',
            'names[2]: "a" is listed twice',
            'lambdaPull[0]: "b" is not one of names; list the repository there first',
            'lambdaPull[2]: "a" is listed twice',
            "keepLastImages: 0 is outside 1–1000",
            'expiringTagPatterns[1]: "a b" is not an ECR tag pattern; use up to 128 letters, digits and _.- with at most four * wildcards',
        ]);
    });
});
