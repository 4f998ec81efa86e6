import { expect } from "chai";
import { HealthCheckSpec, HealthChecks, HealthChecksArgs, fqdnProblem } from "../../../../components/observability/health-checks/health-checks";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../../../tooling/mock-runtime";
import { RunView, isTaggable, refusedArguments, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

const H = {
    component: "platform:observability:HealthChecks",
    check: "aws:route53/healthCheck:HealthCheck",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

const TOPIC_ARN = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:goorm-popcorn-dev-health-checks`;
const PAGER = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:pagerduty`;
const CHATBOT = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:chatbot`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const API: HealthCheckSpec = { name: "api", fqdn: "api.goormpopcorn.shop", path: "/health", port: 443, protocol: "HTTPS", intervalSeconds: 30, failureThreshold: 3 };

function args(change: Partial<HealthChecksArgs> = {}): HealthChecksArgs {
    return { naming, tags, checks: [API], alarmEmails: ["ops@goorm.example", "oncall@goorm.example"], ...change };
}

function run(a: HealthChecksArgs): Promise<RunView> {
    return runView(() => {
        const checks = new HealthChecks("health-checks", a);
        return { healthCheckIds: checks.healthCheckIds, topicArn: checks.topicArn };
    });
}

interface Statement {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string;
    Resource: string;
    Condition: Record<string, Record<string, unknown>>;
}

describe("components/health-checks: one HTTPS check of system B's API", () => {
    let view: RunView;
    let check: RecordedResource;
    let alarm: RecordedResource;
    before(async () => {
        view = await run(args({ alarmTopicArns: [PAGER], checks: [{ ...API, alarmTopicArns: [CHATBOT] }] }));
        check = view.one(H.check, "health-checks-api");
        alarm = view.one(H.alarm, "health-checks-api-alarm");
    });

    it("creates the Route 53 health check with exactly these inputs: HTTPS, the name, the path, 443, 30 s, 3 failures, latency, SNI, a Name tag", () => {
        expect(check.inputs).to.deep.equal({
            type: "HTTPS",
            fqdn: "api.goormpopcorn.shop",
            resourcePath: "/health",
            port: 443,
            requestInterval: 30,
            failureThreshold: 3,
            measureLatency: true,
            enableSni: true,
            tags: { ...tags, Component: "health-checks", Name: "goorm-popcorn-dev-health-api" },
        });
        expect(check.inputs).to.not.have.property("region");
    });

    it("gets a UUID as its id from the mock, as Route 53 gives", () => {
        expect(check.id).to.match(UUID);
        expect(view.run.outputs.healthCheckIds).to.deep.equal({ api: check.id });
    });

    it("alarms in us-east-1 on AWS/Route53 HealthCheckStatus of that check, minimum below 1, for one minute, no data failing", () => {
        expect(alarm.inputs).to.deep.include({
            region: "us-east-1",
            name: "goorm-popcorn-dev-health-api",
            namespace: "AWS/Route53",
            metricName: "HealthCheckStatus",
            dimensions: { HealthCheckId: check.id },
            statistic: "Minimum",
            period: 60,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            treatMissingData: "breaching",
        });
        expect(alarm.inputs.alarmDescription).to.equal(
            "HTTPS api.goormpopcorn.shop:443/health fails Route 53's health check (3 failures in a row, every 30 s). Route 53's health-check metrics are in us-east-1 only, so is this alarm.",
        );
        expect(alarm.inputs.tags).to.deep.equal({ ...tags, Component: "health-checks", Name: "goorm-popcorn-dev-health-api", AlarmGroup: "health-checks" });
    });

    it("notifies the us-east-1 topic (by its ARN), the extra us-east-1 topics and the check's own, on ALARM and on OK", () => {
        const topic = view.one(H.topic, "health-checks-topic");
        expect(topic.id).to.equal(TOPIC_ARN);
        expect(alarm.inputs.alarmActions).to.deep.equal([TOPIC_ARN, PAGER, CHATBOT]);
        expect(alarm.inputs.okActions).to.deep.equal([TOPIC_ARN, PAGER, CHATBOT]);
        expect(view.run.outputs.topicArn).to.equal(TOPIC_ARN);
    });

    it("creates the topic in us-east-1, named <prefix>-<env>-health-checks", () => {
        expect(view.one(H.topic, "health-checks-topic").inputs).to.deep.equal({
            region: "us-east-1",
            name: "goorm-popcorn-dev-health-checks",
            displayName: "goorm-popcorn-dev health checks",
            tags: { ...tags, Component: "health-checks", Name: "goorm-popcorn-dev-health-checks" },
        });
    });

    it("lets only this account's CloudWatch alarms of us-east-1 publish to it, only over TLS (the monitoring topic's policy), set in us-east-1", () => {
        const policy = view.one(H.topicPolicy, "health-checks-topic-policy");
        expect(policy.inputs.region).to.equal("us-east-1");
        expect(policy.inputs.arn).to.equal(TOPIC_ARN);
        expect((JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] }).Statement).to.deep.equal([
            {
                Sid: "CloudWatchAlarmsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: TOPIC_ARN,
                Condition: {
                    StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${MOCK_ACCOUNT_ID}:alarm:*` },
                },
            },
            { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: TOPIC_ARN, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ]);
    });

    it("subscribes each address by e-mail, in us-east-1", () => {
        expect(view.ofType(H.subscription).map((s) => s.inputs)).to.deep.equal([
            { region: "us-east-1", topic: TOPIC_ARN, protocol: "email", endpoint: "ops@goorm.example" },
            { region: "us-east-1", topic: TOPIC_ARN, protocol: "email", endpoint: "oncall@goorm.example" },
        ]);
    });

    it("tags every taggable child, and parents every child on the component", () => {
        const component = view.ofType(H.component)[0];
        for (const r of view.custom) {
            expect(r.parent, r.name).to.equal(component.urn);
            if (isTaggable(r.type)) {
                expect(r.inputs.tags, r.name).to.include({ ...tags, Component: "health-checks" });
            }
        }
    });
});

describe("components/health-checks: variations", () => {
    it("HTTP: no SNI; a fast 10 s interval; checker regions as given; no OK notification without notifyOnRecovery", async () => {
        const view = await run(
            args({
                alarmEmails: [],
                notifyOnRecovery: false,
                checks: [{ ...API, name: "status", protocol: "HTTP", port: 80, intervalSeconds: 10, failureThreshold: 2, regions: ["us-east-1", "eu-west-1", "ap-northeast-1"] }],
            }),
        );
        expect(view.one(H.check, "health-checks-status").inputs).to.deep.include({
            type: "HTTP",
            port: 80,
            requestInterval: 10,
            failureThreshold: 2,
            enableSni: false,
            regions: ["us-east-1", "eu-west-1", "ap-northeast-1"],
        });
        const alarm = view.one(H.alarm, "health-checks-status-alarm");
        expect(alarm.inputs.alarmActions).to.deep.equal([TOPIC_ARN]);
        expect(alarm.inputs.okActions).to.deep.equal([]);
        expect(view.ofType(H.subscription)).to.deep.equal([]);
    });

    it("two checks: two checks, two alarms each on its own check, one topic", async () => {
        const view = await run(args({ checks: [API, { ...API, name: "web", fqdn: "www.goormpopcorn.shop", path: "/" }] }));
        const checks = view.ofType(H.check);
        expect(checks.map((c) => c.inputs.fqdn)).to.deep.equal(["api.goormpopcorn.shop", "www.goormpopcorn.shop"]);
        expect(view.ofType(H.alarm).map((a) => [a.inputs.name, (a.inputs.dimensions as Record<string, string>).HealthCheckId])).to.deep.equal([
            ["goorm-popcorn-dev-health-api", checks[0].id],
            ["goorm-popcorn-dev-health-web", checks[1].id],
        ]);
        expect(checks[0].id).to.not.equal(checks[1].id);
        expect(view.ofType(H.topic)).to.have.length(1);
    });

    it("refuses bad arguments before registering anything, naming each", async () => {
        const lines = await refusedArguments(H.component, () =>
            new HealthChecks(
                "health-checks",
                args({
                    alarmEmails: ["not-an-address"],
                    alarmTopicArns: [`arn:aws:sns:ap-northeast-2:${MOCK_ACCOUNT_ID}:alarms`],
                    checks: [{ ...API, intervalSeconds: 20, port: 0, path: "health" }],
                }),
            ),
        );
        expect(lines).to.deep.equal([
            'checks[0].path: "health" does not start with /; give the path Route 53 requests, starting with / (e.g. /health), up to 255 characters',
            "checks[0].port: 0 is not a port; use a whole number from 1 to 65535",
            "checks[0].intervalSeconds: 20 is not allowed; Route 53 checks every 10 or 30 seconds (10 is its fast interval, billed higher), and the interval is fixed once the check exists: changing it replaces the check",
            'alarmEmails[0]: "not-an-address" is not an e-mail address',
            'alarmTopicArns[0]: is a topic of "ap-northeast-2"; the health checks\' alarms are in "us-east-1" (where Route 53\'s metrics are) and notify topics of that region only',
        ]);
    });

    it("refuses an empty list of checks", async () => {
        expect(await refusedArguments(H.component, () => new HealthChecks("health-checks", args({ checks: [] })))).to.deep.equal(["checks: is empty; give at least one endpoint to check"]);
    });
});

describe("components/health-checks: what Route 53 can check (fqdnProblem)", () => {
    it("takes public DNS names, with or without the trailing dot", () => {
        expect(fqdnProblem("api.goormpopcorn.shop")).to.equal(undefined);
        expect(fqdnProblem("api.goormpopcorn.shop.")).to.equal(undefined);
        expect(fqdnProblem("d111111abcdef8.cloudfront.net")).to.equal(undefined);
    });

    it("names the range of a non-public address, IPv4 or IPv6", () => {
        expect(fqdnProblem("100.64.1.1")).to.match(/^"100\.64\.1\.1" is in a private range \(100\.64\.0\.0\/10, shared address space, RFC 6598\)/);
        expect(fqdnProblem("127.0.0.1")).to.match(/\(127\.0\.0\.0\/8, loopback, RFC 5735\)/);
        expect(fqdnProblem("169.254.169.254")).to.match(/\(169\.254\.0\.0\/16, link-local, RFC 5735\)/);
        expect(fqdnProblem("fd00::1")).to.match(/\(fc00::\/7, unique local, RFC 5156\)/);
        expect(fqdnProblem("2406:da12::1")).to.match(/^"2406:da12::1" is an IP address; give the endpoint's public DNS name/);
    });

    it("refuses every private-use suffix and the stack's Cloud Map namespace", () => {
        for (const name of ["api.local", "ip-10-0-1-5.ap-northeast-2.compute.internal", "app.localhost", "api.test", "api.example", "nas.home.arpa"]) {
            expect(fqdnProblem(name), name).to.match(/resolves only inside a private network/);
        }
        expect(fqdnProblem("api.chat.svc", { privateNamespace: "chat.svc" })).to.match(/private Cloud Map namespace "chat\.svc"/);
        expect(fqdnProblem("api.chat.svc")).to.equal(undefined);
    });
});
