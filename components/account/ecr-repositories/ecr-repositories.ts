/**
 * EcrRepositories — the account's image repositories, one per name: scan on push, immutable
 * tags, AES-256 at rest, kept when the stack goes (they hold what CI pushed, and every system stack
 * deploys from them), and a lifecycle that expires untagged images after a week and keeps the last
 * N images per counted tag pattern.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { nameProblem } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";

export interface EcrRepositoriesArgs extends ComponentBaseArgs {
    /** Repository names, e.g. `goorm-popcorn-order`: each is one service's. */
    names: readonly string[];
    /** Images kept among those each count rule selects, 1–1000. @default 30 */
    keepLastImages?: number;
    /**
     * Tag patterns whose images expire beyond the last `keepLastImages` (ECR wildcards, one count
     * per pattern). `["*"]` counts every image; list only build tags (`["sha-*"]`) so the release
     * tags stacks run never expire. @default ["*"]
     */
    expiringTagPatterns?: readonly string[];
    /**
     * Repositories Lambda functions of this account and region deploy from: each gets a repository
     * policy letting `lambda.amazonaws.com` pull (`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`)
     * for functions of this account and region only. Without it Lambda tries to add the statement
     * itself when a function is created, which needs `ecr:SetRepositoryPolicy` on the deploying
     * role, and leaves a policy no stack manages. Each must be one of `names`. @default []
     */
    lambdaPull?: readonly string[];
}

/** What Lambda needs of a repository to create a function from one of its images (AWS re:Post, "Lambda does not have permission to access the ECR image", https://repost.aws/knowledge-center/lambda-ecr-image). */
export const LAMBDA_PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;

/** The repository policy that lets Lambda functions of `account` in `region` pull. */
export function lambdaPullPolicy(partition: string, region: string, account: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LambdaPull",
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: [...LAMBDA_PULL_ACTIONS],
                Condition: { StringLike: { "aws:sourceArn": `arn:${partition}:lambda:${region}:${account}:function:*` } },
            },
        ],
    };
}

const ECR_TAG_PATTERN = /^[A-Za-z0-9_.*-]{1,128}$/;

export class EcrRepositories extends PlatformComponent {
    /** Repository URL by name (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
    public readonly repositoryUrls: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly repositoryArns: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: EcrRepositoriesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:delivery:EcrRepositories", name, { ...args, component: "ecr-repositories", problems: ecrRepositoriesProblems(args) }, opts);
        const policy = JSON.stringify(lifecyclePolicy(args.keepLastImages ?? 30, args.expiringTagPatterns ?? ["*"]));
        const urls: Record<string, pulumi.Output<string>> = {};
        const arns: Record<string, pulumi.Output<string>> = {};
        const lambdaPull = new Set(args.lambdaPull ?? []);
        const pullPolicy =
            lambdaPull.size > 0
                ? pulumi
                      .all([aws.getPartitionOutput({}, { parent: this }).partition, aws.getRegionOutput({}, { parent: this }).region, aws.getCallerIdentityOutput({}, { parent: this }).accountId])
                      .apply(([partition, region, account]) => JSON.stringify(lambdaPullPolicy(partition, region, account)))
                : undefined;
        for (const repositoryName of args.names) {
            const repository = new aws.ecr.Repository(
                `${name}-${repositoryName}`,
                {
                    name: repositoryName,
                    imageScanningConfiguration: { scanOnPush: true },
                    imageTagMutability: "IMMUTABLE",
                    encryptionConfigurations: [{ encryptionType: "AES256" }],
                    tags: this.tagsFor(repositoryName),
                },
                // Images outlive a stack's resources; deleting the stack must not delete what CI pushed.
                { parent: this, retainOnDelete: true },
            );
            new aws.ecr.LifecyclePolicy(`${name}-${repositoryName}-lifecycle`, { repository: repository.name, policy }, { parent: this });
            if (pullPolicy && lambdaPull.has(repositoryName)) {
                new aws.ecr.RepositoryPolicy(`${name}-${repositoryName}-policy`, { repository: repository.name, policy: pullPolicy }, { parent: this });
            }
            urls[repositoryName] = repository.repositoryUrl;
            arns[repositoryName] = repository.arn;
        }
        this.repositoryUrls = urls;
        this.repositoryArns = arns;
        this.registerOutputs({ repositoryUrls: this.repositoryUrls });
    }
}

/**
 * Untagged images expire after 7 days; of the tagged ones, the last N per pattern stay. ECR
 * selects images carrying *all* the tags of one rule's pattern list, so each pattern gets a rule
 * of its own. A rule that selects every image ("any") must come last.
 */
export function lifecyclePolicy(keep: number, patterns: readonly string[]) {
    const untagged = {
        rulePriority: 1,
        description: "Expire untagged images after 7 days",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
        action: { type: "expire" },
    };
    const counted =
        patterns.length === 1 && patterns[0] === "*"
            ? [{ rulePriority: 2, description: `Keep the last ${keep} images`, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep }, action: { type: "expire" } }]
            : patterns.map((pattern, i) => ({
                  rulePriority: 2 + i,
                  description: `Keep the last ${keep} images tagged ${pattern}`,
                  selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber: keep },
                  action: { type: "expire" },
              }));
    return { rules: [untagged, ...counted] };
}

/** Names ECR accepts, once each; counts and patterns its lifecycle accepts. */
export function ecrRepositoriesProblems(args: Pick<EcrRepositoriesArgs, "names" | "keepLastImages" | "expiringTagPatterns" | "lambdaPull">): Problem[] {
    const problems: Problem[] = [];
    const seen = new Set<string>();
    args.names.forEach((repositoryName, i) => {
        const problem = nameProblem("ecrRepository", repositoryName);
        if (problem) {
            problems.push({ path: ["names", i], message: problem });
        } else if (seen.has(repositoryName)) {
            problems.push({ path: ["names", i], message: `${showValue(repositoryName)} is listed twice` });
        }
        seen.add(repositoryName);
    });
    if (args.names.length === 0) {
        problems.push({ path: ["names"], message: "is empty; list the repositories the systems' services deploy from" });
    }
    const pulled = new Set<string>();
    (args.lambdaPull ?? []).forEach((repositoryName, i) => {
        if (!args.names.includes(repositoryName)) {
            problems.push({ path: ["lambdaPull", i], message: `${showValue(repositoryName)} is not one of names; list the repository there first` });
        } else if (pulled.has(repositoryName)) {
            problems.push({ path: ["lambdaPull", i], message: `${showValue(repositoryName)} is listed twice` });
        }
        pulled.add(repositoryName);
    });
    const keep = args.keepLastImages ?? 30;
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
        problems.push({ path: ["keepLastImages"], message: `${keep} is outside 1–1000` });
    }
    (args.expiringTagPatterns ?? ["*"]).forEach((pattern, i) => {
        if (!ECR_TAG_PATTERN.test(pattern) || (pattern.match(/\*/g) ?? []).length > 4) {
            problems.push({ path: ["expiringTagPatterns", i], message: `${showValue(pattern)} is not an ECR tag pattern; use up to 128 letters, digits and _.- with at most four * wildcards` });
        }
    });
    return problems;
}
