import { expect } from "chai";
import { GithubOidc } from "../../../../components/account/github-oidc/github-oidc";
import { MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { RunView, T, refusedArguments, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const PROVIDER = `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;

function trust(view: RunView, role: string) {
    return JSON.parse(view.one(T.role, role).inputs.assumeRolePolicy as string).Statement;
}

describe("components/account/github-oidc", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new GithubOidc("ci", { naming, tags, repository: "goorm/platform", stateBucket: "goorm-pulumi-state" }));
    });

    it("creates GitHub's OIDC provider for sts.amazonaws.com, with no thumbprint to rotate", () => {
        const provider = view.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "ci-provider");
        expect(provider.inputs).to.deep.include({ url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] });
        expect(provider.inputs.thumbprintLists).to.equal(undefined);
    });

    it("lets only pull requests of the repository assume the preview role, which may only read (and take the backend's locks)", () => {
        expect(trust(view, "ci-preview")).to.deep.equal([
            {
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:goorm/platform:pull_request"] } },
            },
        ]);
        const attachments = view.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("ci-preview"));
        expect(attachments.map((a) => a.inputs.policyArn)).to.deep.equal(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
        const statements = JSON.parse(view.one(T.rolePolicy, "ci-preview-backend").inputs.policy as string).Statement;
        expect(statements).to.deep.equal([{ Sid: "TakeStackLocks", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::goorm-pulumi-state/.pulumi/locks/*" }]);
    });

    it("lets main and the production environment assume the deploy role", () => {
        expect(trust(view, "ci-deploy")[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).to.deep.equal([
            "repo:goorm/platform:ref:refs/heads/main",
            "repo:goorm/platform:environment:production",
        ]);
        expect(view.one(T.role, "ci-deploy").inputs).to.include({ name: "goorm-popcorn-dev-github-deploy", maxSessionDuration: 3600 });
        expect(view.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("ci-deploy")).map((a) => a.inputs.policyArn)).to.deep.equal([
            "arn:aws:iam::aws:policy/AdministratorAccess",
        ]);
    });

    it("uses the account's provider when it has one already", async () => {
        const existing = await runView(() => new GithubOidc("ci", { naming, tags, repository: "goorm/platform", createProvider: false }));
        expect(existing.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.deep.equal([]);
        expect(trust(existing, "ci-preview")[0].Principal).to.deep.equal({ Federated: PROVIDER });
    });

    it("refuses a repository that is not <owner>/<name>, a managed policy given as an ARN, and a bucket name S3 refuses", async () => {
        const lines = await refusedArguments("GithubOidc", () => new GithubOidc("ci", { naming, tags, repository: "platform", deployPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"], stateBucket: "S3" }));
        expect(lines).to.deep.equal([
            'repository: "platform" is not a GitHub repository; use <owner>/<name>',
            'deployPolicies[0]: "arn:aws:iam::aws:policy/AdministratorAccess" is not an AWS managed policy name (e.g. ReadOnlyAccess, job-function/ViewOnlyAccess)',
            'stateBucket: "S3" is not an S3 bucket name',
        ]);
    });
});
