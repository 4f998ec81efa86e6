/**
 * GithubOidc — what lets the repository's GitHub Actions workflows reach the account without a
 * stored AWS key: the account's OIDC provider for `token.actions.githubusercontent.com`, and two
 * roles it may assume:
 *
 * - a **preview** role for pull requests (`sub` `repo:<owner>/<name>:pull_request`): read-only, as
 *   `pulumi preview` only reads — a pull request's workflow runs the PR's own code, so it must not
 *   be able to change anything;
 * - a **deploy** role for `pulumi up` (`sub` `repo:<owner>/<name>:ref:refs/heads/<branch>` and
 *   `…:environment:<name>` for the approved environments).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { kmsKeyArnProblem } from "../../../lib/aws-limits";
import { PolicyStatement, policyDocument } from "../../../lib/iam";
import { nameProblem } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface GithubOidcArgs extends ComponentBaseArgs {
    /** `<owner>/<name>` of the repository whose workflows assume the roles. */
    repository: string;
    /** Branch the deploy workflow runs on. @default "main" */
    deployBranch?: string;
    /** GitHub environments whose jobs deploy (their token's `sub` names the environment instead of the branch). @default ["production"] */
    deployEnvironments?: readonly string[];
    /** AWS managed policies of the preview role. @default ["ReadOnlyAccess"] */
    previewPolicies?: readonly string[];
    /** AWS managed policies of the deploy role: it creates whatever the stacks hold, IAM roles included. @default ["AdministratorAccess"] */
    deployPolicies?: readonly string[];
    /** The S3 bucket of a self-managed Pulumi backend: the preview role may take its stack locks. */
    stateBucket?: string;
    /** The KMS key of the backend's secrets provider (`awskms://`): both roles may decrypt with it. */
    secretsKmsKeyArn?: string;
    /** Create the account's OIDC provider here; false when the account has one already (one per URL). @default true */
    createProvider?: boolean;
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const GIT_NAME = /^[A-Za-z0-9._/-]+$/;
const MANAGED_POLICY = /^[A-Za-z0-9+=,.@_-]+(\/[A-Za-z0-9+=,.@_-]+)*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class GithubOidc extends PlatformComponent {
    public readonly providerArn: pulumi.Output<string>;
    public readonly previewRoleArn: pulumi.Output<string>;
    public readonly deployRoleArn: pulumi.Output<string>;

    constructor(name: string, args: GithubOidcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:delivery:GithubOidc", name, { ...args, component: "github-oidc", problems: githubOidcProblems(args) }, opts);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const url = `https://${GITHUB_OIDC_HOST}`;
        // AWS trusts GitHub's certificate authority itself: no thumbprint to pin (and rotate).
        this.providerArn =
            (args.createProvider ?? true)
                ? new aws.iam.OpenIdConnectProvider(`${name}-provider`, { url, clientIdLists: ["sts.amazonaws.com"], tags: this.tagsFor(GITHUB_OIDC_HOST) }, { parent: this }).arn
                : pulumi.interpolate`arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`;

        const subjects = {
            preview: [`repo:${args.repository}:pull_request`],
            deploy: [`repo:${args.repository}:ref:refs/heads/${args.deployBranch ?? "main"}`, ...(args.deployEnvironments ?? ["production"]).map((e) => `repo:${args.repository}:environment:${e}`)],
        };
        const extra = (role: "preview" | "deploy"): PolicyStatement[] => [
            ...(args.secretsKmsKeyArn ? [{ Sid: "DecryptStackSecrets", Effect: "Allow" as const, Action: ["kms:Decrypt", ...(role === "deploy" ? ["kms:Encrypt", "kms:GenerateDataKey"] : [])], Resource: args.secretsKmsKeyArn }] : []),
            ...(role === "preview" && args.stateBucket
                ? [{ Sid: "TakeStackLocks", Effect: "Allow" as const, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: pulumi.interpolate`arn:${partition}:s3:::${args.stateBucket}/.pulumi/locks/*` }]
                : []),
        ];
        this.previewRoleArn = this.role(name, "preview", subjects.preview, args.previewPolicies ?? ["ReadOnlyAccess"], extra("preview"), partition);
        this.deployRoleArn = this.role(name, "deploy", subjects.deploy, args.deployPolicies ?? ["AdministratorAccess"], extra("deploy"), partition);
        this.registerOutputs({ providerArn: this.providerArn, previewRoleArn: this.previewRoleArn, deployRoleArn: this.deployRoleArn });
    }

    private role(name: string, purpose: "preview" | "deploy", subjects: readonly string[], policies: readonly string[], statements: PolicyStatement[], partition: pulumi.Output<string>): pulumi.Output<string> {
        const roleName = this.naming.scoped("iamRole", "github", purpose);
        const role = new aws.iam.Role(
            `${name}-${purpose}`,
            {
                name: roleName,
                description: purpose === "preview" ? "GitHub Actions: pulumi preview of pull requests (read only)" : "GitHub Actions: pulumi up from the deploy branch and approved environments",
                maxSessionDuration: 3600,
                // A trust policy's statement names no resource: the role itself is the resource.
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Federated: this.providerArn },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC_HOST}:sub`]: [...subjects] } },
                        },
                    ],
                }),
                tags: this.tagsFor(roleName),
            },
            { parent: this },
        );
        policies.forEach((policy) => {
            new aws.iam.RolePolicyAttachment(`${name}-${purpose}-${policy.replace(/\//g, "-")}`, { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` }, { parent: this });
        });
        if (statements.length > 0) {
            new aws.iam.RolePolicy(`${name}-${purpose}-backend`, { role: role.id, policy: pulumi.jsonStringify(policyDocument(statements)) }, { parent: this });
        }
        return role.arn;
    }
}

export function githubOidcProblems(args: GithubOidcArgs): Problem[] {
    const problems: Problem[] = [];
    if (!REPOSITORY.test(args.repository)) {
        problems.push({ path: ["repository"], message: `${showValue(args.repository)} is not a GitHub repository; use <owner>/<name>` });
    }
    if (args.deployBranch !== undefined && (!GIT_NAME.test(args.deployBranch) || args.deployBranch.includes(".."))) {
        problems.push({ path: ["deployBranch"], message: `${showValue(args.deployBranch)} is not a branch name` });
    }
    (args.deployEnvironments ?? []).forEach((environment, i) => {
        if (!/^[A-Za-z0-9 ._-]{1,255}$/.test(environment)) {
            problems.push({ path: ["deployEnvironments", i], message: `${showValue(environment)} is not a GitHub environment name` });
        }
    });
    for (const key of ["previewPolicies", "deployPolicies"] as const) {
        (args[key] ?? []).forEach((policy, i) => {
            if (!MANAGED_POLICY.test(policy) || policy.startsWith("arn:")) {
                problems.push({ path: [key, i], message: `${showValue(policy)} is not an AWS managed policy name (e.g. ReadOnlyAccess, job-function/ViewOnlyAccess)` });
            }
        });
    }
    if (args.stateBucket !== undefined && !BUCKET.test(args.stateBucket)) {
        problems.push({ path: ["stateBucket"], message: `${showValue(args.stateBucket)} is not an S3 bucket name` });
    }
    if (args.secretsKmsKeyArn !== undefined) {
        const kms = kmsKeyArnProblem(args.secretsKmsKeyArn);
        if (kms) {
            problems.push({ path: ["secretsKmsKeyArn"], message: kms });
        }
    }
    for (const purpose of ["preview", "deploy"]) {
        const problem = nameProblem("iamRole", args.naming.format("scoped", "github", purpose));
        if (problem) {
            problems.push({ path: ["naming"], message: problem });
        }
    }
    return problems;
}
