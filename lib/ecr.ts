/**
 * The account's image repositories as a system stack reads them. The account stack creates the
 * repositories (platform:repositories in Pulumi.account.yaml); services and functions only look
 * them up, and look up the image they deploy, so a missing repository or an image tag nobody pushed
 * stops the program with what to do, instead of a deployment that starts nothing (ECS tasks failing
 * with CannotPullContainerError while `pulumi up` reports success, a Lambda function stuck failed).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `<repository>:<tag>`, or `<repository>@sha256:…` for a digest. */
export function imageReference(repositoryUrl: string, tagOrDigest: string): string {
    return IMAGE_DIGEST.test(tagOrDigest) ? `${repositoryUrl}@${tagOrDigest}` : `${repositoryUrl}:${tagOrDigest}`;
}

/** The first line of an AWS error, for a message of our own. */
export function awsReason(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "no answer";
}

/** A repository of the account, as found. */
export interface FoundRepository {
    readonly name: string;
    readonly arn: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
}

/**
 * The repository `name`, looked up: a missing one stops the program naming `who` (`FargateService
 * "order-service"`) and the account stack.
 */
export function lookUpRepository(who: string, name: string, parent: pulumi.Resource): FoundRepository {
    const found = pulumi.output(
        aws.ecr.getRepository({ name }, { parent }).catch((err: unknown) => {
            throw new pulumi.RunError(
                `${who}: ECR repository ${name} is not in this account and region (${awsReason(err)}); ` +
                    "the account stack creates the repositories (platform:repositories in Pulumi.account.yaml): run it first (README, First deployment)",
            );
        }),
    );
    return { name, arn: found.arn, repositoryUrl: found.repositoryUrl };
}

/**
 * The image `<repository>:<tag>` (or `@sha256:…`), once ECR has it. Looked up after the repository's
 * own lookup, so a missing repository is reported as that, not as a missing image. `whose` names
 * the tag's owner in the message ("the service's image tag").
 */
export function lookUpImage(who: string, repository: FoundRepository, tag: string, whose: string, parent: pulumi.Resource): pulumi.Output<string> {
    const wanted = tag.startsWith("sha256:") ? { imageDigest: tag } : { imageTag: tag };
    return repository.repositoryUrl.apply((url) =>
        aws.ecr
            .getImage({ repositoryName: repository.name, ...wanted }, { parent })
            .then(() => imageReference(url, tag))
            .catch((err: unknown) => {
                throw new pulumi.RunError(
                    `${who}: image ${repository.name}:${tag} is not in ECR (${awsReason(err)}); ` +
                        `push it before deploying (README, First deployment), or set ${whose} to one that is there`,
                );
            }),
    );
}
