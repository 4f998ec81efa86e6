import { expect } from "chai";
import { environmentProblems, imageReference, imageTagProblem, secretProblems, secretResourceArn, secretStore } from "../../../../components/compute/services/container";

const SECRET = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:popcorn/db-AbCdEf";
const PARAMETER = "arn:aws:ssm:ap-northeast-2:123456789012:parameter/popcorn/payment/key";

describe("lib/container", () => {
    it("refuses a secret-looking variable in environment unless its value is a reference", () => {
        expect(environmentProblems({ DB_PASSWORD: "hunter2", API_KEY: "abc", LOG_LEVEL: "info", DB_SECRET_ARN: SECRET })).to.deep.equal([
            { path: ["DB_PASSWORD"], message: '"DB_PASSWORD" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN' },
            { path: ["API_KEY"], message: '"API_KEY" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN' },
        ]);
        expect(environmentProblems({ "1BAD": "x" })[0].message).to.match(/not an environment variable name/);
    });

    it("refuses credentials inside a URL in environment, whatever the variable's name, with the password masked", () => {
        expect(environmentProblems({ DATABASE_URL: "postgres://app:hunter2@db:5432/x", UPSTREAM: "https://user:token@api.example.com/v1", CACHE_URL: "redis://:pw@cache:6379" })).to.deep.equal([
            { path: ["DATABASE_URL"], message: '"postgres://app:***@db:5432/x" carries a password in its URL; never put credentials in environment: move "DATABASE_URL" to secrets as a Secrets Manager or SSM parameter ARN' },
            { path: ["UPSTREAM"], message: '"https://user:***@api.example.com/v1" carries a password in its URL; never put credentials in environment: move "UPSTREAM" to secrets as a Secrets Manager or SSM parameter ARN' },
            { path: ["CACHE_URL"], message: '"redis://:***@cache:6379" carries a password in its URL; never put credentials in environment: move "CACHE_URL" to secrets as a Secrets Manager or SSM parameter ARN' },
        ]);
        // A user alone is no secret; neither is an @ outside the user info.
        expect(environmentProblems({ GIT_URL: "ssh://git@github.com/org/repo.git", API: "https://api.example.com/a?b=c:d@e", HANDLE: "https://example.com/@me", EMAIL: "ops@example.com" })).to.deep.equal([]);
        // A secret-looking name is reported as such, once.
        expect(environmentProblems({ DB_PASSWORD: "postgres://app:hunter2@db/x" }).map((p) => p.message)).to.deep.equal([
            '"DB_PASSWORD" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN',
        ]);
    });

    it("takes secrets only as Secrets Manager or SSM ARNs", () => {
        expect(secretProblems({ DB_PASSWORD: SECRET, PAYMENT_KEY: PARAMETER }, {})).to.deep.equal([]);
        const [plaintext] = secretProblems({ DB_PASSWORD: "hunter2" }, {});
        expect(plaintext.path).to.deep.equal(["DB_PASSWORD"]);
        expect(plaintext.message).to.match(/^is not a complete Secrets Manager secret ARN .* or an SSM parameter ARN .*; secrets are passed by reference, never as values$/);
        expect(plaintext.message).to.not.contain("hunter2");
        expect(secretProblems({ DB_PASSWORD: SECRET }, { DB_PASSWORD: "x" })[0].message).to.equal('"DB_PASSWORD" is also set in environment; a variable comes from one place');
        // Without its random suffix the ARN matches no IAM grant: the task would be denied the secret.
        expect(secretProblems({ DB_PASSWORD: "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:popcorn/db" }, {})[0].message).to.match(/^is not a complete Secrets Manager secret ARN/);
    });

    it("reduces a JSON-key reference to the secret ARN IAM understands", () => {
        expect(secretResourceArn(`${SECRET}:password::`)).to.equal(SECRET);
        expect(secretResourceArn(PARAMETER)).to.equal(PARAMETER);
        expect(secretStore(SECRET)).to.equal("secretsmanager");
        expect(secretStore(PARAMETER)).to.equal("ssm");
    });

    it("accepts version tags and digests, refuses latest and malformed tags", () => {
        expect(imageTagProblem("1.4.0")).to.equal(undefined);
        expect(imageTagProblem(`sha256:${"a".repeat(64)}`)).to.equal(undefined);
        expect(imageTagProblem("latest")).to.match(/moving tag/);
        expect(imageTagProblem("-bad")).to.match(/not an image tag/);
        expect(imageReference("repo", "1.4.0")).to.equal("repo:1.4.0");
        expect(imageReference("repo", `sha256:${"a".repeat(64)}`)).to.equal(`repo@sha256:${"a".repeat(64)}`);
    });
});
