/**
 * The rules for what issue 6 adds to the config — monitoring, WAF, office hours, DNS aliases —
 * each triggered by an edit of a real stack file, naming the key, the value and what is allowed.
 */
import { expect } from "chai";

import { RuleCase, itRaises, resolved, stackConfig } from "../fixtures/config";

describe("stacks/rules: monitoring, WAF, office hours and DNS", () => {
    const cases: RuleCase[] = [
        [
            "thresholds that are no percentage, seconds or count",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("monitoring", (m) => (m.thresholds = { ecsCpuPercent: 120, albP95Seconds: 0, dbConnections: 10.5, cacheEvictions: -1 })),
                ),
            // In the order the blocks declare their thresholds (registry order).
            [
                "platform:monitoring.thresholds.dbConnections: 10.5 is not allowed; use a whole number above 0",
                "platform:monitoring.thresholds.cacheEvictions: -1 is not allowed; use a whole number, 0 or more",
                "platform:monitoring.thresholds.albP95Seconds: 0 is not allowed; use a number above 0",
                "platform:monitoring.thresholds.ecsCpuPercent: 120 is not a percentage; use a number above 0 and at most 100",
            ],
        ],
        [
            "alarm addresses that are not addresses, or twice",
            () => stackConfig("dev", (_c, edit) => edit("monitoring", (m) => (m.alarmEmails = ["oncall@goormpopcorn.shop", "oncall", "ONCALL@goormpopcorn.shop"]))),
            [
                'platform:monitoring.alarmEmails[1]: "oncall" is not an e-mail address',
                'platform:monitoring.alarmEmails[2]: "ONCALL@goormpopcorn.shop" is listed twice',
            ],
        ],
        [
            "prod alarms that would notify nobody, without a word on why",
            () => stackConfig("prod", (_c, edit) => edit("monitoring", (m) => delete m.unattendedReason)),
            [
                "platform:monitoring.alarmEmails: is empty, and so is alarmTopicArns: prod's alarms would notify nobody; list the on-call addresses, or an on-call tool's SNS topic in alarmTopicArns, or say why not in unattendedReason",
            ],
            "prod",
        ],
        [
            "an empty reason for nobody, and on-call topics that are no standard topic, twice, or in another region",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("monitoring", (m) => {
                        m.unattendedReason = " ";
                        m.alarmTopicArns = [
                            "arn:aws:sns:ap-northeast-2:123456789012:oncall.fifo",
                            "arn:aws:sns:us-east-1:123456789012:pagerduty",
                            "arn:aws:sns:ap-northeast-2:123456789012:chatbot",
                            "arn:aws:sns:ap-northeast-2:123456789012:chatbot",
                        ];
                    }),
                ),
            [
                'platform:monitoring.alarmTopicArns[0]: "arn:aws:sns:ap-northeast-2:123456789012:oncall.fifo" is not a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>; FIFO topics cannot take alarms)',
                'platform:monitoring.alarmTopicArns[3]: "arn:aws:sns:ap-northeast-2:123456789012:chatbot" is listed twice',
                "platform:monitoring.unattendedReason: is empty; say why this stack's alarms notify nobody, or remove it",
                'platform:monitoring.alarmTopicArns[1]: is in "us-east-1"; CloudWatch alarms notify topics of their own region, "ap-northeast-2"',
            ],
        ],
        [
            "a misspelt threshold",
            () => stackConfig("dev", (_c, edit) => edit("monitoring", (m) => (m.thresholds = { ecsCpuPercnt: 80 }))),
            ["^platform:monitoring\\.thresholds\\.ecsCpuPercnt: is not a known key \\(did you mean ecsCpuPercent\\?\\)"],
        ],
        [
            "a database class whose memory the platform does not know, without thresholds",
            () => stackConfig("dev", (_c, edit) => edit("database", (d) => (d.instanceClass = "db.x2iedn.xlarge"))),
            [
                'platform:monitoring.thresholds.dbFreeableMemoryMib: is required: the platform does not know the memory of "db.x2iedn.xlarge"; set it for this class',
                'platform:monitoring.thresholds.dbConnections: is required: the platform does not know the memory of "db.x2iedn.xlarge"; set it for this class',
            ],
        ],
        [
            "an alias the certificate does not cover",
            () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.dns = { records: ["api.dev.goormpopcorn.shop"] }))),
            ['platform:alb.dns.records[0]: "api.dev.goormpopcorn.shop" is not covered by the certificate ("*.goormpopcorn.shop", "goormpopcorn.shop"); browsers would refuse it'],
        ],
        [
            "WAF without an ALB to protect",
            () =>
                stackConfig("dev", (config) => {
                    delete config["platform:alb"];
                    delete config["platform:blueGreen"];
                    const services = JSON.parse(config["platform:services"]);
                    services["api-gateway"].imageTag = "0.1.0";
                    config["platform:services"] = JSON.stringify(services);
                    config["platform:waf"] = JSON.stringify({ enabled: true });
                }),
            ["platform:waf.enabled: is true, but the stack has no platform:alb for the web ACL to protect"],
        ],
        [
            "a WAF rate limit, rule group and count override AWS would refuse",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("waf", (w) => {
                        w.enabled = true;
                        w.rateLimit = 5;
                        w.countRules = { AWSManagedRulesSQLiRuleSet: ["SQLi_BODY"] };
                    }),
                ),
            [
                "platform:waf.rateLimit: 5 is not a rate limit WAF accepts; use a whole number of requests from 10 to 2000000000",
                'platform:waf.countRules.AWSManagedRulesSQLiRuleSet: "AWSManagedRulesSQLiRuleSet" is not among managedRuleGroups (AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet); count overrides apply only to an enabled group',
            ],
        ],
        [
            "a WAF evaluation window WAF does not offer",
            () => stackConfig("dev", (_c, edit) => edit("waf", (w) => (w.rateLimitWindowSeconds = 90))),
            ["^platform:waf\\.rateLimitWindowSeconds: 90 is not allowed.*60.*120.*300.*600"],
        ],
        [
            "WAF logs kept for a retention CloudWatch does not offer",
            () => stackConfig("prod", (_c, edit) => edit("waf", (w) => (w.logging = { enabled: true, retentionDays: 45 }))),
            ["^platform:waf\\.logging\\.retentionDays: 45 is not a retention CloudWatch Logs accepts"],
            "prod",
        ],
        [
            "office hours with a bad time zone and time, for a service the stack does not have",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("schedule", (s) => {
                        s.timezone = "Seoul";
                        s.stop = "8pm";
                        s.services = ["api-gateway", "billing-service"];
                    }),
                ),
            [
                'platform:schedule.timezone: "Seoul" is not an IANA time zone (expected e.g. Asia/Seoul or UTC)',
                'platform:schedule.stop: "8pm" is not a time of day; use HH:MM, 00:00–23:59',
                'platform:schedule.services[1]: "billing-service" is not one of platform:services ("api-gateway", "user-service", "store-service", "order-service", "payment-service", "checkin-service", "order-query")',
            ],
        ],
        [
            "office hours for a service that scales down to zero",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-query"] = { ...s["order-query"], desiredCount: 0, autoscaling: { min: 0, max: 2 } }))),
            ["platform:services.order-query.autoscaling.min: 0 on office hours: the morning's start would start no task; use 1 or more, or leave the service off platform:schedule.services"],
        ],
        [
            "prod without WAF",
            () => stackConfig("prod", (_c, edit) => edit("waf", (w) => (w.enabled = false))),
            ["platform:waf.enabled: false is not allowed in prod; a WAF web ACL protects the ALB there (security baseline)"],
            "prod",
        ],
        [
            "prod without the core rule set",
            () => stackConfig("prod", (_c, edit) => edit("waf", (w) => (w.managedRuleGroups = ["AWSManagedRulesKnownBadInputsRuleSet"]))),
            ["platform:waf.managedRuleGroups: lacks AWSManagedRulesCommonRuleSet; prod keeps AWS's core rule set and known bad inputs at least"],
            "prod",
        ],
        [
            "prod on office hours",
            () => stackConfig("prod", (config) => (config["platform:schedule"] = JSON.stringify({ start: "08:00", stop: "20:00" }))),
            ["platform:schedule: is not allowed in prod: prod runs around the clock (office hours are a dev cost lever)"],
            "prod",
        ],
        [
            "prod on one NAT gateway without saying why",
            () => stackConfig("prod", (_c, edit) => edit("network", (n) => (n.natGateways = "single"))),
            [
                'platform:network.natGateways: "single" is not allowed in prod without natGatewaysReason: one NAT in "ap-northeast-2a" leaves the private subnets of every other AZ without the internet when its AZ fails; use perAz, or state the cost decision in platform:network.natGatewaysReason',
            ],
            "prod",
        ],
        [
            "an empty NAT reason",
            () => stackConfig("prod", (_c, edit) => edit("network", (n) => (n.natGatewaysReason = " "))),
            [
                "platform:network.natGatewaysReason: is empty; say why this stack runs one NAT gateway, or remove it",
            ],
            "prod",
        ],
        [
            "a NAT reason beside a NAT per AZ",
            () => stackConfig("prod", (_c, edit) => edit("network", (n) => (n.natGatewaysReason = "cost"))),
            ['platform:network.natGatewaysReason: is set, but natGateways is "perAz"; it explains natGateways: single only, so remove it'],
            "prod",
        ],
    ];

    itRaises(cases);
});

describe("stacks/schema: what monitoring, WAF and the schedule default to", () => {
    it("turns WAF on wherever there is an ALB unless the stack file turns it off, with the seed's rule groups", () => {
        const prodWithoutWafKey = stackConfig("prod", (config) => delete config["platform:waf"]);
        const waf = resolved(prodWithoutWafKey, "prod").waf;
        expect(waf).to.deep.equal({
            enabled: true,
            rateLimit: 2000,
            rateLimitWindowSeconds: 300,
            managedRuleGroups: ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"],
            countRules: {},
            logging: { enabled: true, retentionDays: 90 },
        });
        expect(resolved(stackConfig("dev"), "dev").waf?.enabled).to.equal(false);
    });

    it("mails nobody and notifies recoveries unless told otherwise; the schedule covers every service, Seoul weekdays", () => {
        const dev = resolved(stackConfig("dev", (config) => (config["platform:schedule"] = JSON.stringify({ start: "09:00", stop: "19:00" }))), "dev");
        expect(dev.monitoring).to.deep.equal({
            alarmEmails: [],
            alarmTopicArns: [],
            notifyOnRecovery: true,
            // Every block's thresholds with their defaults; the database's two derive from its class.
            thresholds: {
                dbCpuPercent: 80,
                cacheCpuPercent: 80,
                cacheMemoryPercent: 80,
                cacheEvictions: 100,
                kafkaDiskPercent: 80,
                eksNodeCpuPercent: 80,
                eksFailedNodes: 0,
                alb5xxPercent: 5,
                alb5xxMinRequests: 20,
                alb4xxPercent: 10,
                albP95Seconds: 1.5,
                ecsCpuPercent: 85,
                ecsMemoryPercent: 85,
                lambdaErrors: 0,
                lambdaThrottles: 0,
                lambdaDurationPercentOfTimeout: 80,
                websocketIntegrationErrors: 10,
                websocketExecutionErrors: 0,
            },
        });
        expect(dev.schedule).to.deep.equal({
            timezone: "Asia/Seoul",
            days: "MON-FRI",
            start: "09:00",
            stop: "19:00",
            services: ["api-gateway", "user-service", "store-service", "order-service", "payment-service", "checkin-service", "order-query"],
        });
    });
});
