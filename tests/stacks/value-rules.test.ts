/**
 * Values that land in an AWS API call or a boot script are checked where they are read: the ALB
 * health check's matcher and ranges (ELBv2 target groups), the Kafka release the nodes download
 * (version, Scala build, digest), and credentials inside a URL in a service's environment. Each
 * rule is triggered by an edit of a seed stack file and must name the key, the value and what is
 * allowed.
 */
import { expect } from "chai";
import { HEALTH_CHECK_LIMITS, healthCheckProblems, matcherProblem } from "../../components/traffic/blue-green-alb/blue-green-alb";
import { scalaBuilds } from "../../components/data/kafka/kafka";
import { RuleCase, itRaises, problemLines, resolved, stackConfig } from "../fixtures/config";

const MATCHER_FORMS = 'an ALB takes HTTP codes 200–499 as one code ("200"), a comma list ("200,202") or a range ("200-299")';
const SHA512 = "ab".repeat(64);

const withMatcher = (matcher: string) => () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.healthCheck = { ...a.healthCheck, matcher })));
const withHealthCheck = (check: Record<string, unknown>) => () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.healthCheck = { ...a.healthCheck, ...check })));
const withKafka = (kafka: Record<string, unknown>) => () => stackConfig("dev", (_c, edit) => edit("kafka", (k) => Object.assign(k, kafka)));

describe("value rules: the ALB health check (platform:alb.healthCheck)", () => {
    it("accepts one code, a comma list and a range of codes 200–499", () => {
        for (const matcher of ["200", "499", "200,202", "200,301,302", "200-299", "200-499"]) {
            expect(resolved(withMatcher(matcher)()).alb!.healthCheck.matcher, matcher).to.equal(matcher);
            expect(matcherProblem(matcher), matcher).to.equal(undefined);
        }
    });

    const cases: RuleCase[] = [
        ["a matcher that is not codes", withMatcher("2xx"), [`platform:alb.healthCheck.matcher: "2xx" is not an HTTP code matcher; ${MATCHER_FORMS}`]],
        ["a matcher with a space in its list", withMatcher("200, 202"), [`platform:alb.healthCheck.matcher: "200, 202" is not an HTTP code matcher; ${MATCHER_FORMS}`]],
        ["a matcher mixing a list and a range", withMatcher("200-299,302"), [`platform:alb.healthCheck.matcher: "200-299,302" is not an HTTP code matcher; ${MATCHER_FORMS}`]],
        ["an empty matcher", withMatcher(""), [`platform:alb.healthCheck.matcher: "" is not an HTTP code matcher; ${MATCHER_FORMS}`]],
        ["a matcher with a 5xx code", withMatcher("200,503"), [`platform:alb.healthCheck.matcher: "200,503" has 503, outside 200–499; ${MATCHER_FORMS}`]],
        ["a matcher range reaching below 200", withMatcher("100-299"), [`platform:alb.healthCheck.matcher: "100-299" has 100, outside 200–499; ${MATCHER_FORMS}`]],
        ["a matcher range written high to low", withMatcher("299-200"), ['platform:alb.healthCheck.matcher: "299-200" runs from 299 down to 200; write the lower code first, e.g. "200-299"']],
        ["an interval below AWS's 5 s", withHealthCheck({ intervalSeconds: 4, timeoutSeconds: 2 }), ["platform:alb.healthCheck.intervalSeconds: 4 is below the minimum 5"]],
        ["an interval above AWS's 300 s", withHealthCheck({ intervalSeconds: 301 }), ["platform:alb.healthCheck.intervalSeconds: 301 is above the maximum 300"]],
        ["a timeout below AWS's 2 s", withHealthCheck({ timeoutSeconds: 1 }), ["platform:alb.healthCheck.timeoutSeconds: 1 is below the minimum 2"]],
        ["a timeout above AWS's 120 s", withHealthCheck({ intervalSeconds: 300, timeoutSeconds: 121 }), ["platform:alb.healthCheck.timeoutSeconds: 121 is above the maximum 120"]],
        ["a healthy threshold of 1", withHealthCheck({ healthyThreshold: 1 }), ["platform:alb.healthCheck.healthyThreshold: 1 is below the minimum 2"]],
        ["an unhealthy threshold of 11", withHealthCheck({ unhealthyThreshold: 11 }), ["platform:alb.healthCheck.unhealthyThreshold: 11 is above the maximum 10"]],
        ["a timeout as long as the interval", withHealthCheck({ intervalSeconds: 10, timeoutSeconds: 10 }), ["platform:alb.healthCheck.timeoutSeconds: 10 must be shorter than intervalSeconds (10)"]],
    ];
    itRaises(cases);

    it("the component refuses what the schema would (AWS's ranges, the matcher), each at its argument", () => {
        expect(HEALTH_CHECK_LIMITS).to.deep.equal({
            intervalSeconds: { min: 5, max: 300 },
            timeoutSeconds: { min: 2, max: 120 },
            healthyThreshold: { min: 2, max: 10 },
            unhealthyThreshold: { min: 2, max: 10 },
        });
        expect(healthCheckProblems({})).to.deep.equal([]);
        expect(healthCheckProblems({ matcher: "200-600", intervalSeconds: 301, timeoutSeconds: 1.5, healthyThreshold: 1, unhealthyThreshold: 11 })).to.deep.equal([
            { path: ["matcher"], message: `"200-600" has 600, outside 200–499; ${MATCHER_FORMS}` },
            { path: ["intervalSeconds"], message: "301 is outside 5–300, the range AWS accepts" },
            { path: ["timeoutSeconds"], message: "1.5 is outside 2–120, the range AWS accepts" },
            { path: ["healthyThreshold"], message: "1 is outside 2–10, the range AWS accepts" },
            { path: ["unhealthyThreshold"], message: "11 is outside 2–10, the range AWS accepts" },
        ]);
    });
});

describe("value rules: the Kafka release the nodes download (platform:kafka)", () => {
    it("accepts a 4.x release in Scala 2.13 and a 3.x release in Scala 2.12 or 2.13", () => {
        for (const [version, scalaVersion] of [["4.1.2", "2.13"], ["4.0.0", "2.13"], ["3.9.1", "2.12"], ["3.9.1", "2.13"], ["3.3.2", "2.12"]]) {
            expect(resolved(withKafka({ version, scalaVersion, archiveSha512: SHA512 })()).kafka, `${version} ${scalaVersion}`).to.deep.include({ version, scalaVersion });
        }
        expect(scalaBuilds(3)).to.deep.equal(["2.12", "2.13"]);
        expect(scalaBuilds(4)).to.deep.equal(["2.13"]);
    });

    const cases: RuleCase[] = [
        ["a version without its patch number", withKafka({ version: "4.1" }), ['platform:kafka.version: "4.1" is not a Kafka release; write major.minor.patch, e.g. "4.1.2" (KRaft needs 3.x or later)']],
        ["a version with a v prefix", withKafka({ version: "v4.1.2" }), ['platform:kafka.version: "v4.1.2" is not a Kafka release; write major.minor.patch, e.g. "4.1.2" (KRaft needs 3.x or later)']],
        ["a version with shell in it", withKafka({ version: "4.1.2; curl x" }), ['platform:kafka.version: "4.1.2; curl x" is not a Kafka release; write major.minor.patch, e.g. "4.1.2" (KRaft needs 3.x or later)']],
        ["a release older than KRaft", withKafka({ version: "2.8.2", scalaVersion: "2.13" }), ['platform:kafka.version: "2.8.2" is older than 3.0; the nodes run in KRaft mode (no ZooKeeper), which needs a 3.x or later release, e.g. "4.1.2"']],
        [
            "Scala 2.12 with a 4.x release (no kafka_2.12-4.1.2.tgz exists)",
            withKafka({ scalaVersion: "2.12" }),
            ['platform:kafka.scalaVersion: "2.12" has no build of Kafka "4.1.2": 4.x is published for Scala 2.13 only (3.x for 2.12 and 2.13); use "2.13"'],
        ],
        ["a Scala version Kafka is not built for", withKafka({ version: "3.9.1", scalaVersion: "2.11" }), ['platform:kafka.scalaVersion: "2.11" is not a Scala version Kafka is built for; use "2.13" (or "2.12" for a 3.x release)']],
        ["a digest one character short", withKafka({ archiveSha512: SHA512.slice(1) }), ["platform:kafka.archiveSha512: is not a SHA-512 digest (128 hex digits); copy it from the release's .sha512 file"]],
        ["a digest with a non-hex character", withKafka({ archiveSha512: `${SHA512.slice(1)}g` }), ["platform:kafka.archiveSha512: is not a SHA-512 digest (128 hex digits); copy it from the release's .sha512 file"]],
        ["a SHA-256 digest", withKafka({ archiveSha512: "ab".repeat(32) }), ["platform:kafka.archiveSha512: is not a SHA-512 digest (128 hex digits); copy it from the release's .sha512 file"]],
    ];
    itRaises(cases);
});

describe("value rules: credentials inside a URL in a service's environment", () => {
    const withEnvironment = (environment: Record<string, string>) => () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["user-service"].environment = environment)));
    const MOVE = 'never put credentials in environment: move "DATABASE_URL" to secrets as a Secrets Manager or SSM parameter ARN';

    const cases: RuleCase[] = [
        [
            "a database URL with its password",
            withEnvironment({ DATABASE_URL: "postgres://app:hunter2@db:5432/x" }),
            [`platform:services.user-service.environment.DATABASE_URL: "postgres://app:***@db:5432/x" carries a password in its URL; ${MOVE}`],
        ],
        [
            "an HTTPS URL with a token for a password",
            withEnvironment({ DATABASE_URL: "https://user:token@example.com/api" }),
            [`platform:services.user-service.environment.DATABASE_URL: "https://user:***@example.com/api" carries a password in its URL; ${MOVE}`],
        ],
        [
            "a Redis URL with a password and no user",
            withEnvironment({ DATABASE_URL: "redis://:hunter2@cache:6379/0" }),
            [`platform:services.user-service.environment.DATABASE_URL: "redis://:***@cache:6379/0" carries a password in its URL; ${MOVE}`],
        ],
        [
            "a URL with credentials in serviceDefaults: once, where it is written",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => (d.environment = { ...d.environment, DATABASE_URL: "jdbc:postgresql://app:p@ss@db:5432/x" }))),
            [`platform:serviceDefaults.environment.DATABASE_URL: "jdbc:postgresql://app:***@db:5432/x" carries a password in its URL; ${MOVE}`],
        ],
    ];
    itRaises(cases);

    it("never repeats the password in the message", () => {
        const lines = problemLines(withEnvironment({ DATABASE_URL: "postgres://app:hunter2@db:5432/x", MIRROR: "https://u:p%40ss@mirror/x" })());
        expect(lines.join("\n")).to.not.match(/hunter2|p%40ss/);
        expect(lines).to.have.length(2);
    });

    it("accepts a URL with a user alone, and URLs without user info", () => {
        const environment = { GIT_URL: "ssh://git@github.com/org/repo.git", API_URL: "https://api.example.com:8443/v1?x=a:b@c", PROFILE: "https://example.com/@me" };
        const service = resolved(withEnvironment(environment)()).services.find((s) => s.name === "user-service")!;
        expect(service.environment).to.deep.include(environment);
    });
});
