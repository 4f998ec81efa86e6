/**
 * System D (the couple web app) as its seed describes it, on the frozen copy
 * tests/fixtures/seed/Pulumi.couple.yaml: CloudFront as the only way in (static files and signed
 * photos from private buckets, the rest from an internal ALB through a VPC origin, a CLOUDFRONT web
 * ACL with SQL injection rules), the Flask app on Fargate at the seed's 2 vCPU / 4 GB, PostgreSQL
 * Multi-AZ on db.t4g.micro, Redis primary + replica, a WebSocket API on Lambda in the VPC, the daily
 * question from EventBridge Scheduler, generated secrets, and one NAT as a stated cost decision.
 */
import { expect } from "chai";
import { ProgramRun, RecordedResource } from "../../tooling/mock-runtime";
import { readStackConfig } from "../../tooling/stack-file";
import { ConfigMap, RuleCase, itRaises } from "../fixtures/config";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { expectBaseline } from "../support/baseline";
import { RunView, T, reachability } from "../support/query";

type Statement = { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> };
type Container = { name: string; secrets?: Array<{ name: string; valueFrom: string }>; environment?: Array<{ name: string; value: string }> };

const ACCOUNT = "123456789012";
const statementsOf = (policy: RecordedResource): Statement[] => (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] }).Statement;
const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => [s.Action].flat()).sort();

describe("system D (couple) as its seed describes it", () => {
    let run: ProgramRun;
    let view: RunView;
    before(async () => {
        run = await seedRun("couple");
        view = new RunView(run);
    });
    const fn = (key: string) => view.one("aws:lambda/function:Function", `functions-${key}-function`);

    it("spans 2a and 2c with the seed's /24s and one NAT gateway in 2a, a cost decision the preview states", () => {
        for (const [tier, third] of [["public", 1], ["private", 11], ["data", 21]] as const) {
            expect(view.subnetsOfTier(tier).map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]), tier).to.deep.equal([
                [`10.0.${third}.0/24`, "ap-northeast-2a"],
                [`10.0.${third + 1}.0/24`, "ap-northeast-2c"],
            ]);
        }
        const nats = view.ofType("aws:ec2/natGateway:NatGateway");
        expect(nats).to.have.length(1);
        expect(view.natAndSubnet(nats[0].id).subnet.inputs.availabilityZone).to.equal("ap-northeast-2a");
        expect(run.warnings.filter((w) => w.startsWith("platform:network.natGatewaysReason: one NAT gateway serves every AZ"))).to.have.length(1);
        expect(view.ofType("aws:ec2/flowLog:FlowLog")).to.have.length(1);
    });

    it("lets only CloudFront in, and each tier reach exactly what it uses", () => {
        expect(reachability(view, /^couple-prod-/)).to.deep.equal([
            "alb -> ecs:8000",
            "ecs -> cache:6379",
            "ecs -> db:5432",
            "ecs -> ecs:8000",
            "ecs -> internet:443",
            "lambda -> cache:6379",
            "lambda -> db:5432",
            "lambda -> internet:443",
        ]);
        const albGroup = view.one("aws:lb/loadBalancer:LoadBalancer", "alb-alb").inputs.securityGroups as string[];
        const ingress = view.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => albGroup.includes(String(r.inputs.securityGroupId)));
        expect(ingress.map((r) => [r.inputs.fromPort, String(r.inputs.prefixListId).startsWith("pl-")])).to.deep.equal([[443, true]]);
        expect(view.one("aws:lb/loadBalancer:LoadBalancer", "alb-alb").inputs.internal).to.equal(true);
    });

    it("serves /static/* from the static bucket (cached), /media/* from the uploads bucket through signed URLs, the rest from the ALB uncached with the viewer's Host", () => {
        const distribution = view.one("aws:cloudfront/distribution:Distribution", "cdn-distribution");
        expect(distribution.inputs).to.deep.include({ priceClass: "PriceClass_200", aliases: ["couple.goormpopcorn.shop"] });
        const keyGroup = view.one("aws:cloudfront/keyGroup:KeyGroup", "cdn-key-group");
        const behaviors = distribution.inputs.orderedCacheBehaviors as Array<Record<string, unknown>>;
        expect(behaviors.map((b) => [b.pathPattern, b.targetOriginId, b.cachePolicyId, b.trustedKeyGroups])).to.deep.equal([
            ["/static/*", "s3-static", "658327ea-f89d-4fab-a63d-7e88639e58f6", undefined], // CachingOptimized
            ["/media/*", "s3-uploads", "658327ea-f89d-4fab-a63d-7e88639e58f6", [keyGroup.id]],
        ]);
        const fallback = distribution.inputs.defaultCacheBehavior as Record<string, unknown>;
        expect(fallback).to.deep.include({ targetOriginId: "alb", cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" }); // CachingDisabled
        // AllViewer: the viewer's Host reaches Flask (its redirects, url_for and CSRF referrer check see couple.goormpopcorn.shop); the origin's name stays origin.<domain>.
        expect(fallback.originRequestPolicyId).to.equal("216adef6-5c7f-47e4-b989-5492eafa07d3");
        expect((distribution.inputs.origins as Array<{ originId: string; domainName: string }>).find((o) => o.originId === "alb")!.domainName).to.equal("origin.goormpopcorn.shop");
        expect(view.ofType("aws:cloudfront/publicKey:PublicKey")).to.have.length(1);
        // Each bucket readable by this distribution alone, over TLS only.
        for (const key of ["static", "uploads"]) {
            const statements = statementsOf(view.one("aws:s3/bucketPolicy:BucketPolicy", `buckets-${key}-policy`));
            const read = statements.find((s) => s.Sid === "CloudFrontRead")!;
            expect(read.Condition).to.deep.equal({ StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/${distribution.id}` } });
            expect(statements.map((s) => s.Sid)).to.deep.equal(["CloudFrontRead", "DenyInsecureTransport"]);
        }
    });

    it("protects the distribution with a CLOUDFRONT web ACL in us-east-1: rate limit, core rules, known bad inputs, SQL injection", () => {
        const acl = view.one("aws:wafv2/webAcl:WebAcl", "waf-web-acl");
        expect(acl.inputs).to.include({ scope: "CLOUDFRONT", region: "us-east-1" });
        const rules = (acl.inputs.rules as Array<{ name: string }>).map((r) => r.name).join(" ");
        expect(rules).to.match(/rate/i).and.to.match(/CommonRuleSet/).and.to.match(/KnownBadInputs/).and.to.match(/SQLiRuleSet/);
        expect(view.one("aws:cloudfront/distribution:Distribution", "cdn-distribution").inputs.webAclId).to.match(/^arn:aws:wafv2:us-east-1:/);
    });

    it("keeps uploads private, versioned, Intelligent-Tiered from day 0, old versions 30 days, with CORS for browser uploads from the app", () => {
        const buckets = view.ofType("aws:s3/bucket:Bucket").map((b) => b.inputs.bucket).sort();
        expect(buckets).to.include.members([`couple-prod-static-${ACCOUNT}`, `couple-prod-uploads-${ACCOUNT}`]);
        const lifecycle = view.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "buckets-uploads-lifecycle");
        const rules = lifecycle.inputs.rules as Array<Record<string, unknown>>;
        expect(rules.map((r) => r.id)).to.deep.equal(["expire-noncurrent-versions", "intelligent-tiering", "abort-incomplete-uploads"]);
        expect(rules[0].noncurrentVersionExpiration).to.deep.include({ noncurrentDays: 30 });
        expect(rules[1].transitions).to.deep.equal([{ days: 0, storageClass: "INTELLIGENT_TIERING" }]);
        const cors = view.one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "buckets-uploads-cors");
        expect((cors.inputs.corsRules as Array<Record<string, unknown>>)[0]).to.deep.include({
            allowedOrigins: ["https://couple.goormpopcorn.shop"],
            allowedMethods: ["PUT", "GET", "HEAD"],
            allowedHeaders: ["content-type", "content-md5", "x-amz-*"],
            exposeHeaders: ["ETag"],
        });
        for (const access of view.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
            expect(access.inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        }
    });

    it("runs web as the seed's 2 vCPU / 4 GB: two tasks of 1024 CPU / 2048 MiB, scaling 2–4 on CPU, traced through the ADOT collector", () => {
        const service = view.ofType("aws:ecs/service:Service")[0];
        expect(service.inputs).to.include({ name: "couple-prod-web", desiredCount: 2 });
        expect(view.ofType("aws:appautoscaling/target:Target")[0].inputs).to.include({ minCapacity: 2, maxCapacity: 4 });
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition")[0];
        expect(task.inputs).to.include({ cpu: "1024", memory: "2048" });
        const containers = JSON.parse(task.inputs.containerDefinitions as string) as Container[];
        expect(containers.map((c) => c.name)).to.include.members(["web", "otel-collector"]);
    });

    it("lets web's task role use the uploads bucket, post to WebSocket connections and sign in to PostgreSQL as app, nothing else but X-Ray", () => {
        const statements = statementsOf(view.one(T.rolePolicy, "web-task-policy"));
        const uploads = `arn:aws:s3:::couple-prod-uploads-${ACCOUNT}`;
        const resources = statements.filter((s) => !actionsOf([s]).every((a) => a.startsWith("xray:"))).flatMap((s) => [s.Resource].flat());
        const api = view.ofType("aws:apigatewayv2/api:Api")[0];
        const dbUser = resources.find((r) => r.startsWith("arn:aws:rds-db:"));
        expect(dbUser).to.match(new RegExp(`^arn:aws:rds-db:ap-northeast-2:${ACCOUNT}:dbuser:db-[A-Z0-9]+/app$`));
        expect(resources.sort()).to.deep.equal([`arn:aws:execute-api:ap-northeast-2:${ACCOUNT}:${api.id}/prod/*/@connections/*`, uploads, `${uploads}/*`, dbUser].sort());
        expect(actionsOf(statements).filter((a) => !a.startsWith("xray:"))).to.deep.equal(
            ["execute-api:ManageConnections", "rds-db:connect", "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"].sort(),
        );
    });

    it("gives web its secrets by ARN only: the Flask key, the token key, the CloudFront private key, the cache's password", () => {
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition")[0];
        const web = (JSON.parse(task.inputs.containerDefinitions as string) as Container[]).find((c) => c.name === "web")!;
        const secrets = Object.fromEntries((web.secrets ?? []).map((s) => [s.name, s.valueFrom]));
        expect(Object.keys(secrets)).to.include.members(["FLASK_SECRET_KEY", "WS_TOKEN_KEY", "CDN_SIGNING_PRIVATE_KEY", "CACHE_PASSWORD"]);
        for (const arn of Object.values(secrets)) {
            expect(arn).to.match(/^arn:aws:secretsmanager:ap-northeast-2:/);
        }
        expect(secrets.CDN_SIGNING_PRIVATE_KEY).to.equal(view.one("aws:secretsmanager/secret:Secret", "cdn-signing-private-key").id);
        const environment = Object.fromEntries((web.environment ?? []).map((e) => [e.name, e.value]));
        expect(environment).to.include({ BUCKET_UPLOADS: `couple-prod-uploads-${ACCOUNT}`, CDN_URL: "https://couple.goormpopcorn.shop" });
        expect(environment.WEBSOCKET_ENDPOINT).to.match(/^https:\/\/[a-z0-9]+\.execute-api\.ap-northeast-2\.amazonaws\.com\/prod$/);
        expect(environment.CDN_SIGNING_KEY_ID).to.equal(view.ofType("aws:cloudfront/publicKey:PublicKey")[0].id);
        expect(view.ofType("aws:secretsmanager/secret:Secret").map((s) => s.inputs.name)).to.include.members(["couple-prod/flask-secret-key", "couple-prod/ws-token-key"]);
    });

    it("runs PostgreSQL Multi-AZ on db.t4g.micro (the seed's db.t3.micro on Graviton), 20 GB gp3, 7 days of backups, protected", () => {
        const db = view.ofType("aws:rds/instance:Instance")[0];
        expect(db.inputs).to.deep.include({ engine: "postgres", instanceClass: "db.t4g.micro", multiAz: true, allocatedStorage: 20, storageType: "gp3", backupRetentionPeriod: 7, deletionProtection: true, storageEncrypted: true });
    });

    it("runs Redis 7.1 for sessions and the connection registry: a primary and a replica on cache.t4g.micro over 2a and 2c, failover on", () => {
        const group = view.one("aws:elasticache/replicationGroup:ReplicationGroup", "cache-replication-group");
        expect(group.inputs).to.deep.include({ engine: "redis", engineVersion: "7.1", nodeType: "cache.t4g.micro", numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true, transitEncryptionEnabled: true });
    });

    it("routes the WebSocket API's $connect (behind the REQUEST authorizer), $disconnect, $default, sendMood and notify to Lambda, throttled at 100/s, logged", () => {
        const routes = view.ofType("aws:apigatewayv2/route:Route");
        expect(routes.map((r) => [r.inputs.routeKey, r.inputs.authorizationType]).sort()).to.deep.equal([
            ["$connect", "CUSTOM"],
            ["$default", "NONE"],
            ["$disconnect", "NONE"],
            ["notify", "NONE"],
            ["sendMood", "NONE"],
        ]);
        const authorizer = view.ofType("aws:apigatewayv2/authorizer:Authorizer")[0];
        expect(authorizer.inputs).to.deep.include({ authorizerType: "REQUEST", identitySources: ["route.request.querystring.token"] });
        expect(String(authorizer.inputs.authorizerUri)).to.contain(":function:couple-prod-ws-authorizer/invocations");
        const stage = view.ofType("aws:apigatewayv2/stage:Stage")[0];
        expect(stage.inputs.defaultRouteSettings).to.deep.include({ throttlingRateLimit: 100, throttlingBurstLimit: 200 });
        expect((stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn).to.match(/:log-group:\/aws\/apigateway\/couple-prod\/websocket$/);
        expect(view.ofType("aws:lambda/permission:Permission")).to.have.length(6); // five routes and the authorizer
    });

    it("runs the handlers that reach Redis or PostgreSQL in the private subnets behind the lambda group, the others outside any VPC, traced, each within API Gateway's 29 s", () => {
        const privateIds = view.subnetsOfTier("private").map((s) => s.id);
        for (const key of ["ws-connect", "ws-disconnect", "ws-message", "daily-question"]) {
            expect((fn(key).inputs.vpcConfig as { subnetIds: string[] }).subnetIds, key).to.have.members(privateIds);
        }
        // Those that reach nothing in the VPC stay out of it: no network interface, no NAT on their path.
        for (const key of ["ws-authorizer", "ws-default"]) {
            expect(fn(key).inputs.vpcConfig, key).to.equal(undefined);
            expect(fn(key).inputs.replaceSecurityGroupsOnDestroy, key).to.equal(undefined);
        }
        for (const f of view.ofType("aws:lambda/function:Function")) {
            expect(f.inputs.tracingConfig, f.name).to.deep.equal({ mode: "Active" });
            expect(f.inputs.imageUri, f.name).to.equal(`${ACCOUNT}.dkr.ecr.ap-northeast-2.amazonaws.com/couple-realtime:1.0.0`);
        }
        for (const key of ["ws-authorizer", "ws-connect", "ws-disconnect", "ws-default", "ws-message"]) {
            expect(fn(key).inputs.timeout as number, key).to.be.at.most(29);
        }
        // Destroying them: each moves to the VPC's rule-less default group first, and the lambda group waits for Lambda's interfaces.
        const defaultGroup = view.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")[0];
        for (const key of ["ws-connect", "ws-disconnect", "ws-message", "daily-question"]) {
            expect(fn(key).inputs, key).to.deep.include({ replaceSecurityGroupsOnDestroy: true, replacementSecurityGroupIds: [defaultGroup.id] });
        }
        const lambdaGroup = view.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.inputs.name === "couple-prod-lambda")!;
        expect(lambdaGroup.options.customTimeouts).to.deep.equal({ delete: "45m" });
        expect(view.ofType("aws:ec2/securityGroup:SecurityGroup").filter((g) => Object.keys(g.options.customTimeouts).length > 0).map((g) => g.inputs.name)).to.deep.equal(["couple-prod-lambda"]);
        const groups = view.ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => String(g.inputs.name).startsWith("/aws/lambda/"));
        expect(groups).to.have.length(6);
        expect(groups.map((g) => g.inputs.retentionInDays)).to.deep.equal(Array(6).fill(30));
    });

    it("asks the daily question at midnight in Seoul through EventBridge Scheduler: three delivery retries within an hour, the handler run once, an encrypted dead-letter queue for both", () => {
        const schedule = view.ofType("aws:scheduler/schedule:Schedule")[0];
        expect(schedule.inputs).to.deep.include({ scheduleExpression: "cron(0 0 * * ? *)", scheduleExpressionTimezone: "Asia/Seoul", flexibleTimeWindow: { mode: "OFF" } });
        const target = schedule.inputs.target as { arn: string; retryPolicy: Record<string, number>; deadLetterConfig: { arn: string } };
        expect(target.arn).to.equal(`arn:aws:lambda:ap-northeast-2:${ACCOUNT}:function:couple-prod-daily-question`);
        expect(target.retryPolicy).to.deep.equal({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
        const queue = view.ofType("aws:sqs/queue:Queue")[0];
        expect(queue.inputs.sqsManagedSseEnabled).to.equal(true);
        expect(target.deadLetterConfig.arn).to.equal(`arn:aws:sqs:ap-northeast-2:${ACCOUNT}:${queue.inputs.name}`);
        const invoke = statementsOf(view.one(T.rolePolicy, "schedules-daily-question-policy")).find((s) => actionsOf([s]).includes("lambda:InvokeFunction"))!;
        expect([invoke.Resource].flat()).to.deep.equal([target.arn]);
        // A handler that fails runs once (no duplicate notifications) and its failure reaches the same queue, from the function's own role.
        expect(view.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "schedules-daily-question-invoke-config").inputs).to.deep.equal({
            functionName: target.arn,
            maximumRetryAttempts: 0,
            maximumEventAgeInSeconds: 3600,
            destinationConfig: { onFailure: { destination: target.deadLetterConfig.arn } },
        });
        const send = view.one(T.rolePolicy, "schedules-daily-question-failure-policy");
        expect(send.inputs.role).to.equal("couple-prod-daily-question-lambda");
        expect(statementsOf(send).map((s) => [s.Action, s.Resource])).to.deep.equal([["sqs:SendMessage", target.deadLetterConfig.arn]]);
    });

    it("alarms on the handlers' errors and throttles, the WebSocket API's errors and the dead letters, besides the ALB, ECS, RDS and Redis", () => {
        const metrics = new Set(view.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => `${a.inputs.namespace}/${a.inputs.metricName}`));
        for (const metric of [
            "AWS/Lambda/Errors",
            "AWS/Lambda/Throttles",
            "AWS/ApiGateway/IntegrationError",
            "AWS/ApiGateway/ExecutionError",
            "AWS/SQS/ApproximateNumberOfMessagesVisible",
            "AWS/ApplicationELB/TargetResponseTime",
            "AWS/ECS/CPUUtilization",
            "AWS/RDS/CPUUtilization",
            "AWS/ElastiCache/EngineCPUUtilization",
        ]) {
            expect(metrics.has(metric), metric).to.equal(true);
        }
    });

    it("meets the security baseline: tagged, retained in prod, no secret in plaintext", () => {
        expectBaseline(run, { project: "couple", env: "prod", name: "couple" });
    });
});

/** The seed's couple stack with `edit` applied to the resolved JSON of one key. */
function coupleWith(key: string, edit: (value: Record<string, unknown>) => void): ConfigMap {
    const { config } = readStackConfig("couple", SEED_ROOT);
    const value = JSON.parse(config[`platform:${key}`]) as Record<string, unknown>;
    edit(value);
    return { ...config, [`platform:${key}`]: JSON.stringify(value) };
}

describe("system D's stack file, edited into what AWS would refuse", () => {
    const cases: RuleCase[] = [
        [
            "an execute-api interface endpoint beside the WebSocket API",
            () => coupleWith("network", (n) => (n.interfaceEndpoints = ["secretsmanager", "execute-api"])),
            [
                'platform:network.interfaceEndpoints[1]: "execute-api" is not allowed beside platform:websocket: with its private DNS on, every *.execute-api name in the VPC resolves to the endpoint, which reaches private APIs only, so functions posting to the WebSocket API\'s @connections (a public API) get 403 Forbidden; leave it out (the functions reach the API through the NAT)',
            ],
            "couple",
        ],
        [
            "a route handler that may run longer than API Gateway waits",
            () => coupleWith("functions", (f) => ((f["ws-message"] as Record<string, unknown>).timeoutSeconds = 30)),
            ["^platform:functions\\.ws-message\\.timeoutSeconds: 30 .*29"],
            "couple",
        ],
        [
            "one NAT in prod without the stated reason",
            () => coupleWith("network", (n) => delete n.natGatewaysReason),
            ["^platform:network\\.natGateways: \"single\" is not allowed in prod without natGatewaysReason"],
            "couple",
        ],
    ];
    itRaises(cases);
});
