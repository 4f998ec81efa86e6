/**
 * System B's health checks (platform:healthChecks): Route 53 checking `api.<domain>` behind
 * CloudFront, the alarm in us-east-1 on its status, and a us-east-1 topic mailing the monitoring
 * block's addresses. Planned through the whole program from a stack file in a directory of its own
 * (no network needed); every rule is triggered with its exact message.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MOCK_ACCOUNT_ID, ProgramRun, RecordedResource, runProgram } from "../../tooling/mock-runtime";
import { cachedStackRun, projectProgram } from "../../tooling/plan";
import { PROJECT_ROOT } from "../../tooling/stack-file";
import { ConfigMap, Json, RuleCase, itRaises } from "../fixtures/config";
import { expectBaseline } from "../support/baseline";
import { RunView } from "../support/query";

const T = {
    check: "aws:route53/healthCheck:HealthCheck",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEALTH_TOPIC = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:api-dev-health-checks`;
const API = { name: "api", fqdn: "api.goormpopcorn.shop" };

/** System B's stack file: the API's health check, and monitoring mailing the on-call address. */
const STACK_FILE = `config:
  aws:region: ap-northeast-2
  platform:env: dev
  platform:name: api
  platform:healthChecks:
    - name: api
      fqdn: api.goormpopcorn.shop
      path: /health
      port: 443
      protocol: HTTPS
      intervalSeconds: 10
      failureThreshold: 3
  platform:monitoring:
    alarmEmails: [oncall@goormpopcorn.shop]
`;

/** A stack file's config: the core keys, and `platform:<key>` → value for each block key given. */
function stack(blocks: Json, core: { env?: string; region?: string } = {}): ConfigMap {
    const config: ConfigMap = { "aws:region": core.region ?? "ap-northeast-2", "platform:env": core.env ?? "dev", "platform:name": "api" };
    for (const [key, value] of Object.entries(blocks)) {
        config[`platform:${key}`] = JSON.stringify(value);
    }
    return config;
}

/** Runs the program in a project directory of its own: from `Pulumi.<name>.yaml` when given text, else from a config map. */
async function plan(file: string | ConfigMap, name = "b"): Promise<ProgramRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-health-"));
    try {
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        if (typeof file === "string") {
            fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), file);
            return await cachedStackRun(name, dir);
        }
        return await runProgram(projectProgram(), { stack: name, config: file, projectDirectory: dir });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("stacks: system B's health check (platform:healthChecks + platform:monitoring)", () => {
    let run: ProgramRun;
    let view: RunView;
    let check: RecordedResource;
    let alarm: RecordedResource;
    before(async () => {
        run = await plan(STACK_FILE);
        view = new RunView(run);
        check = view.one(T.check, "health-checks-api");
        alarm = view.one(T.alarm, "health-checks-api-alarm");
    });

    it("plans from its stack file without a network: Route 53, CloudWatch and SNS only, within the baseline", () => {
        const services = new Set(view.custom.map((r) => r.type.split(":")[1].split("/")[0]));
        expect([...services].sort()).to.deep.equal(["cloudwatch", "route53", "sns"]);
        expectBaseline(run, { project: "api", env: "dev", name: "b" });
    });

    it("checks https://api.goormpopcorn.shop:443/health every 10 s, 3 failures, with latency and SNI", () => {
        expect(check.inputs).to.deep.include({
            type: "HTTPS",
            fqdn: "api.goormpopcorn.shop",
            resourcePath: "/health",
            port: 443,
            requestInterval: 10,
            failureThreshold: 3,
            measureLatency: true,
            enableSni: true,
        });
        expect((check.inputs.tags as Record<string, string>).Name).to.equal("api-dev-health-api");
    });

    it("alarms in us-east-1 on the check's HealthCheckStatus below 1, notifying the us-east-1 topic on ALARM and OK", () => {
        expect(alarm.inputs).to.deep.include({
            region: "us-east-1",
            namespace: "AWS/Route53",
            metricName: "HealthCheckStatus",
            dimensions: { HealthCheckId: check.id },
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            alarmActions: [HEALTH_TOPIC],
            okActions: [HEALTH_TOPIC],
        });
        expect(view.one(T.topic, "health-checks-topic").inputs.region).to.equal("us-east-1");
        expect(view.one(T.topicPolicy, "health-checks-topic-policy").inputs.region).to.equal("us-east-1");
    });

    it("mails platform:monitoring.alarmEmails from the us-east-1 topic too, beside monitoring's own topic in the stack's region", () => {
        const subscriptions = view.ofType(T.subscription).map((s) => [String(s.inputs.region ?? "(stack's)"), String(s.inputs.topic), String(s.inputs.endpoint)]);
        expect(subscriptions.sort()).to.deep.equal([
            ["(stack's)", `arn:aws:sns:ap-northeast-2:${MOCK_ACCOUNT_ID}:api-dev-alarms`, "oncall@goormpopcorn.shop"],
            ["us-east-1", HEALTH_TOPIC, "oncall@goormpopcorn.shop"],
        ]);
    });

    it("leaves the health check's alarm off monitoring's dashboard (monitoring draws the alarms it creates, in the stack's region)", () => {
        expect(String(view.ofType(T.dashboard)[0].inputs.dashboardBody)).to.not.contain("health");
        expect(run.outputs.alarmCount).to.equal(0);
    });

    it("outputs the health check's id, a UUID, by name", () => {
        expect(run.outputs.healthCheckIds).to.deep.equal({ api: check.id });
        expect(check.id).to.match(UUID);
    });
});

describe("stacks: health checks without monitoring, in prod, in us-east-1", () => {
    it("dev without platform:monitoring: the topic and the alarm, no subscription, port 80 by default with HTTP", async () => {
        const view = new RunView(await plan(stack({ healthChecks: [{ ...API, protocol: "HTTP" }] })));
        expect(view.one(T.check, "health-checks-api").inputs).to.deep.include({ type: "HTTP", port: 80, resourcePath: "/health", requestInterval: 30, failureThreshold: 3, enableSni: false });
        expect(view.one(T.alarm, "health-checks-api-alarm").inputs.alarmActions).to.deep.equal([HEALTH_TOPIC]);
        expect(view.ofType(T.subscription)).to.deep.equal([]);
    });

    it("prod without monitoring, with an on-call tool's us-east-1 topic on the check: plans, and its alarm notifies that topic too", async () => {
        const pager = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:pagerduty`;
        const run = await plan(stack({ healthChecks: [{ ...API, alarmTopicArns: [pager] }] }, { env: "prod" }));
        expect(new RunView(run).one(T.alarm, "health-checks-api-alarm").inputs.alarmActions).to.deep.equal([`arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:api-prod-health-checks`, pager]);
        expectBaseline(run, { project: "api", env: "prod", name: "b" });
    });

    it("prod without anyone notified but with monitoring's unattendedReason: plans, and the preview says why nobody is told", async () => {
        const run = await plan(stack({ healthChecks: [API], monitoring: { unattendedReason: "a demo nobody is on call for" } }, { env: "prod" }));
        expect(new RunView(run).ofType(T.check)).to.have.length(1);
        expect(run.warnings).to.deep.equal(['platform:monitoring.unattendedReason: the alarms of this stack notify nobody: "a demo nobody is on call for"']);
    });

    it("a us-east-1 stack: monitoring's on-call topics (of us-east-1) are notified by the health checks' alarms too", async () => {
        const chatbot = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:chatbot`;
        const run = await plan(stack({ healthChecks: [API], monitoring: { alarmTopicArns: [chatbot] } }, { region: "us-east-1" }));
        expect(new RunView(run).one(T.alarm, "health-checks-api-alarm").inputs.alarmActions).to.deep.equal([HEALTH_TOPIC, chatbot]);
    });
});

describe("stacks: bad health-check configs name the key, the value and what is allowed", () => {
    /** One check changed by `change`; monitoring mailing the on-call address unless given (null: no monitoring). */
    const withCheck = (change: Json, core: { env?: string } = {}, monitoring: Json | null = { alarmEmails: ["oncall@goormpopcorn.shop"] }) => () =>
        stack({ healthChecks: [{ ...API, ...change }], ...(monitoring !== null ? { monitoring } : {}) }, core);
    const cases: RuleCase[] = [
        [
            "an interval Route 53 does not have",
            withCheck({ intervalSeconds: 15 }),
            [
                "platform:healthChecks[0].intervalSeconds: 15 is not allowed; Route 53 checks every 10 or 30 seconds (10 is its fast interval, billed higher), and the interval is fixed once the check exists: changing it replaces the check",
            ],
        ],
        ["a failure threshold of 0", withCheck({ failureThreshold: 0 }), ["platform:healthChecks[0].failureThreshold: 0 is not allowed; use a whole number from 1 to 10 (consecutive results before Route 53 changes the status)"]],
        ["a failure threshold of 11", withCheck({ failureThreshold: 11 }), ["platform:healthChecks[0].failureThreshold: 11 is not allowed; use a whole number from 1 to 10 (consecutive results before Route 53 changes the status)"]],
        [
            "a .local name (the VPC's Cloud Map namespace)",
            withCheck({ fqdn: "api.goormpopcorn.local" }),
            [
                'platform:healthChecks[0].fqdn: "api.goormpopcorn.local" is under .local, which resolves only inside a private network; Route 53\'s health checkers resolve names on the public internet: give the endpoint\'s public DNS name, e.g. api.goormpopcorn.shop',
            ],
        ],
        [
            "an EC2 .internal name",
            withCheck({ fqdn: "ip-10-0-11-5.ap-northeast-2.compute.internal" }),
            [
                'platform:healthChecks[0].fqdn: "ip-10-0-11-5.ap-northeast-2.compute.internal" is under .internal, which resolves only inside a private network; Route 53\'s health checkers resolve names on the public internet: give the endpoint\'s public DNS name, e.g. api.goormpopcorn.shop',
            ],
        ],
        [
            "a private IP address",
            withCheck({ fqdn: "10.0.11.5" }),
            [
                'platform:healthChecks[0].fqdn: "10.0.11.5" is in a private range (10.0.0.0/8, private, RFC 1918); Route 53\'s health checkers are on the internet and cannot reach it: give the endpoint\'s public DNS name, e.g. api.goormpopcorn.shop',
            ],
        ],
        [
            "a private IP address of 172.16.0.0/12",
            withCheck({ fqdn: "172.31.0.10" }),
            [
                'platform:healthChecks[0].fqdn: "172.31.0.10" is in a private range (172.16.0.0/12, private, RFC 1918); Route 53\'s health checkers are on the internet and cannot reach it: give the endpoint\'s public DNS name, e.g. api.goormpopcorn.shop',
            ],
        ],
        [
            "a public IP address instead of the name",
            withCheck({ fqdn: "3.36.10.20" }),
            ['platform:healthChecks[0].fqdn: "3.36.10.20" is an IP address; give the endpoint\'s public DNS name, e.g. api.goormpopcorn.shop (Route 53 resolves it, and sends it as Host and, with HTTPS, as SNI)'],
        ],
        [
            "a name in capitals",
            withCheck({ fqdn: "API.goormpopcorn.shop" }),
            ['platform:healthChecks[0].fqdn: "API.goormpopcorn.shop" is not a public DNS name; use a lowercase fully qualified name, e.g. api.goormpopcorn.shop'],
        ],
        [
            "a path without its leading slash",
            withCheck({ path: "health" }),
            ['platform:healthChecks[0].path: "health" does not start with /; give the path Route 53 requests, starting with / (e.g. /health), up to 255 characters'],
        ],
        [
            "a path of 256 characters",
            withCheck({ path: `/${"a".repeat(255)}` }),
            [`platform:healthChecks[0].path: "/${"a".repeat(255)}" is 256 characters; Route 53 takes a path of at most 255`],
        ],
        ["port 0", withCheck({ port: 0 }), ["platform:healthChecks[0].port: 0 is not a port; use a whole number from 1 to 65535"]],
        ["port 65536", withCheck({ port: 65536 }), ["platform:healthChecks[0].port: 65536 is not a port; use a whole number from 1 to 65535"]],
        ["a protocol Route 53 has but this block does not take", withCheck({ protocol: "TCP" }), ['platform:healthChecks[0].protocol: "TCP" is not allowed; expected one of HTTPS, HTTP']],
        [
            "two checks of one name",
            () => stack({ healthChecks: [API, { ...API, fqdn: "www.goormpopcorn.shop" }] }),
            ['platform:healthChecks[1].name: "api" is listed twice; give each health check its own name (it names the check\'s alarm)'],
        ],
        [
            "a name in capitals",
            withCheck({ name: "Api" }),
            ['platform:healthChecks[0].name: "Api" is not allowed; use 1–32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'],
        ],
        ["an empty list", () => stack({ healthChecks: [] }), ["platform:healthChecks: is empty; list at least one endpoint to check, or leave platform:healthChecks out"]],
        [
            "two checker regions",
            withCheck({ regions: ["us-east-1", "ap-northeast-1"] }),
            ["platform:healthChecks[0].regions: has 2 region(s); Route 53 needs at least 3 health-checker regions when they are listed (leave regions out for all 8)"],
        ],
        [
            "Seoul as a checker region",
            withCheck({ regions: ["us-east-1", "ap-northeast-1", "ap-northeast-2"] }),
            ['platform:healthChecks[0].regions[2]: "ap-northeast-2" is not allowed; expected one of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1'],
        ],
        [
            "an on-call topic of the stack's region",
            withCheck({ alarmTopicArns: [`arn:aws:sns:ap-northeast-2:${MOCK_ACCOUNT_ID}:pagerduty`] }),
            [
                'platform:healthChecks[0].alarmTopicArns[0]: is a topic of "ap-northeast-2"; the health checks\' alarms are in "us-east-1" (where Route 53\'s metrics are) and notify topics of that region only',
            ],
        ],
        [
            "prod: a check that would notify nobody (monitoring without addresses)",
            withCheck({}, { env: "prod" }, { alarmTopicArns: [`arn:aws:sns:ap-northeast-2:${MOCK_ACCOUNT_ID}:pagerduty`] }),
            [
                'platform:healthChecks[0]: "api" would notify nobody in prod: platform:monitoring.alarmEmails is empty and no SNS topic in us-east-1 is given; list the on-call addresses in platform:monitoring.alarmEmails, give an on-call tool\'s us-east-1 topic in alarmTopicArns, or say why not in platform:monitoring.unattendedReason',
            ],
            "prod",
        ],
        [
            "prod: a check that would notify nobody (no monitoring at all)",
            withCheck({}, { env: "prod" }, null),
            [
                'platform:healthChecks[0]: "api" would notify nobody in prod: the stack has no platform:monitoring (whose alarmEmails it mails) and no SNS topic in us-east-1 is given; list the on-call addresses in platform:monitoring.alarmEmails, give an on-call tool\'s us-east-1 topic in alarmTopicArns, or say why not in platform:monitoring.unattendedReason',
            ],
            "prod",
        ],
        ["a misspelt field", withCheck({ intervalSecond: 10 }), ["^platform:healthChecks\\[0\\]\\.intervalSecond: is not a known key \\(did you mean intervalSeconds\\?\\)"]],
    ];
    itRaises(cases);
});
