/**
 * System E (real-time chat) as its seed describes it, on the frozen copy
 * tests/fixtures/seed/Pulumi.chat.yaml: the network, the blue/green chat service at the demo's
 * fixed size, the ALB made for WebSockets, Redis in the private subnets, who may talk to whom,
 * and what operators watch during the canary.
 */
import { expect } from "chai";
import { ProgramRun } from "../../tooling/mock-runtime";
import { cachedStackRun } from "../../tooling/plan";
import { SEED_ROOT, seedRun } from "../fixtures/seed";
import { RunView, T, reachability } from "../support/query";
import { StackCopy } from "../support/stack-copy";

const C = {
    natGateway: "aws:ec2/natGateway:NatGateway",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    service: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    scalingTarget: "aws:appautoscaling/target:Target",
    listener: "aws:lb/listener:Listener",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
} as const;

describe("system E (chat) as its seed describes it", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        const run = await seedRun("chat");
        view = new RunView(run);
        outputs = run.outputs as Record<string, unknown>;
    });

    it("spans 2a and 2c: public 10.0.1.0/24 and 10.0.2.0/24, private 10.0.11.0/24 and 10.0.12.0/24, no data tier", () => {
        const cidrs = (tier: string) => view.subnetsOfTier(tier).map((s) => `${s.inputs.cidrBlock} ${s.inputs.availabilityZone}`);
        expect(cidrs("public")).to.deep.equal(["10.0.1.0/24 ap-northeast-2a", "10.0.2.0/24 ap-northeast-2c"]);
        expect(cidrs("private")).to.deep.equal(["10.0.11.0/24 ap-northeast-2a", "10.0.12.0/24 ap-northeast-2c"]);
        expect(cidrs("data")).to.deep.equal([]);
    });

    it("shares one NAT gateway in 2a, and reaches DynamoDB and S3 through gateway endpoints", () => {
        const nats = view.ofType(C.natGateway);
        expect(nats).to.have.length(1);
        expect(view.byId(nats[0].inputs.subnetId).inputs.availabilityZone).to.equal("ap-northeast-2a");
        const gateways = view.ofType(C.endpoint).filter((e) => e.inputs.vpcEndpointType === "Gateway").map((e) => String(e.inputs.serviceName).split(".").pop());
        expect(gateways).to.have.members(["dynamodb", "s3"]);
    });

    it("runs chat as blue and green, 256 CPU / 512 MiB, one task each, both running, with no autoscaling", () => {
        const services = view.ofType(C.service);
        expect(services.map((s) => [s.inputs.name, s.inputs.desiredCount])).to.have.deep.members([
            ["chat-dev-chat-blue", 1],
            ["chat-dev-chat-green", 1],
        ]);
        for (const task of view.ofType(C.taskDefinition)) {
            expect(task.inputs).to.include({ cpu: "256", memory: "512" });
        }
        expect(view.ofType(C.scalingTarget)).to.deep.equal([]);
        for (const service of services) {
            // On-demand during the demo: no Spot interruption mid-canary.
            expect(service.inputs.capacityProviderStrategies, String(service.inputs.name)).to.deep.equal([{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
        }
    });

    it("starts the canary at blue 90 / green 10 on the HTTPS listener, and redirects 80 to 443", () => {
        const https = view.ofType(C.listener).find((l) => l.inputs.port === 443)!;
        const forward = (https.inputs.defaultActions as Array<{ forward: { targetGroups: Array<{ weight: number }> } }>)[0].forward;
        expect(forward.targetGroups.map((t) => t.weight)).to.deep.equal([90, 10]);
        const http = view.ofType(C.listener).find((l) => l.inputs.port === 80)!;
        expect((http.inputs.defaultActions as Array<{ type: string; redirect: { port: string; statusCode: string } }>)[0]).to.deep.include({ type: "redirect" });
        expect(outputs.canaryWeights).to.deep.equal({ blue: 90, green: 10 });
    });

    it("keeps WebSockets open two minutes between frames, drains a colour in 30 s, and logs access to S3 for 30 days", () => {
        const lb = view.ofType(C.lb)[0];
        expect(lb.inputs.idleTimeout).to.equal(120);
        expect((lb.inputs.accessLogs as { enabled: boolean }).enabled).to.equal(true);
        for (const group of view.ofType(C.targetGroup)) {
            expect(group.inputs.deregistrationDelay, group.name).to.equal(30);
        }
        const lifecycle = view.ofType(C.bucketLifecycle).find((l) => l.name.includes("access-logs"))!;
        expect(JSON.stringify(lifecycle.inputs.rules)).to.contain('"expiration":{"days":30}');
    });

    it("runs Redis 7.1 on two cache.t4g.micro nodes in 2a and 2c, failover and Multi-AZ on, in the private subnets, encrypted, no snapshots", () => {
        const group = view.ofType(C.replicationGroup)[0];
        expect(group.inputs).to.deep.include({
            engine: "redis",
            engineVersion: "7.1",
            nodeType: "cache.t4g.micro",
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            snapshotRetentionLimit: 0,
            preferredCacheClusterAzs: ["ap-northeast-2a", "ap-northeast-2c"],
        });
        const privateIds = view.subnetsOfTier("private").map((s) => s.id);
        expect(view.ofType(C.cacheSubnetGroup)[0].inputs.subnetIds).to.have.members(privateIds);
    });

    it("lets the internet reach the ALB on 80 and 443 only, the ALB the tasks on 8080, the tasks Redis on 6379, and nothing else in", () => {
        const inbound = reachability(view, /^chat-dev-/).filter((line) => !line.includes("-> internet:"));
        expect(inbound).to.deep.equal(["alb -> ecs:8080", "ecs -> cache:6379", "ecs -> ecs:8080", "internet -> alb:443", "internet -> alb:80"]);
    });

    it("keeps the tasks' logs 7 days", () => {
        for (const group of view.ofType(T.logGroup)) {
            expect(group.inputs.retentionInDays, String(group.inputs.name)).to.equal(7);
        }
    });

    it("alarms per colour on healthy hosts, 4xx, 5xx and p95, blue and green side by side", () => {
        const names = view.ofType(C.alarm).map((a) => String(a.inputs.name).replace(/^chat-dev-/, ""));
        for (const colour of ["blue", "green"]) {
            expect(names).to.include.members([`ecs-chat-${colour}-healthy-hosts`, `alb-${colour}-4xx-rate`, `alb-${colour}-5xx-rate`, `alb-${colour}-p95-response-time`]);
        }
    });

    it("gives the service its Redis endpoint, TLS and credentials as a secret", () => {
        const task = view.ofType(C.taskDefinition)[0];
        const container = (JSON.parse(task.inputs.containerDefinitions as string) as Array<{ name: string; environment: Array<{ name: string; value: string }>; secrets: Array<{ name: string }> }>).find((c) => c.name === "chat")!;
        const environment = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
        expect(environment).to.include({ CACHE_TLS: "true", CACHE_PORT: "6379" });
        expect(container.secrets.map((s) => s.name)).to.include("CACHE_PASSWORD");
    });

    it("keeps messages, connections and user-counter in DynamoDB on demand, encrypted, with point-in-time recovery and the connections' TTL", () => {
        const tables = view.ofType("aws:dynamodb/table:Table");
        expect(tables.map((t) => t.inputs.name)).to.have.members(["chat-dev-messages", "chat-dev-connections", "chat-dev-user-counter"]);
        for (const table of tables) {
            expect(table.inputs, table.name).to.deep.include({ billingMode: "PAY_PER_REQUEST", serverSideEncryption: { enabled: true } });
            expect((table.inputs.pointInTimeRecovery as { enabled: boolean }).enabled, table.name).to.equal(true);
        }
        const byName = (name: string) => tables.find((t) => t.inputs.name === `chat-dev-${name}`)!;
        expect(byName("messages").inputs).to.deep.include({ hashKey: "roomId", rangeKey: "messageId" });
        expect(byName("connections").inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
        expect(byName("user-counter").inputs.hashKey).to.equal("counterId");
    });

    it("lets the chat tasks use exactly these tables and their indexes, named in TABLE_* variables", () => {
        const task = view.ofType(C.taskDefinition)[0];
        const container = (JSON.parse(task.inputs.containerDefinitions as string) as Array<{ name: string; environment: Array<{ name: string; value: string }> }>).find((c) => c.name === "chat")!;
        const environment = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
        expect(environment).to.include({ TABLE_MESSAGES: "chat-dev-messages", TABLE_CONNECTIONS: "chat-dev-connections", TABLE_USER_COUNTER: "chat-dev-user-counter" });
        const policies = view.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("chat-") && p.name.includes("task-policy"));
        const statements = policies.flatMap((p) => (JSON.parse(p.inputs.policy as string) as { Statement: Array<{ Action: string[]; Resource: string[] }> }).Statement);
        const dynamo = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith("dynamodb:")));
        const resources = dynamo.flatMap((st) => [st.Resource].flat());
        const arn = (name: string) => `arn:aws:dynamodb:ap-northeast-2:123456789012:table/chat-dev-${name}`;
        expect(resources).to.have.members(["messages", "connections", "user-counter"].flatMap((name) => [arn(name), `${arn(name)}/index/*`]));
    });

    it("serves the static site from a private bucket only its CloudFront distribution may read, over HTTPS only, index.html at the root", () => {
        const distribution = view.ofType("aws:cloudfront/distribution:Distribution")[0];
        expect(distribution.inputs).to.deep.include({ defaultRootObject: "index.html", enabled: true });
        const behavior = distribution.inputs.defaultCacheBehavior as { viewerProtocolPolicy: string };
        expect(behavior.viewerProtocolPolicy).to.equal("redirect-to-https");
        // No alias: CloudFront's own certificate, nothing in us-east-1.
        expect(distribution.inputs.viewerCertificate).to.deep.include({ cloudfrontDefaultCertificate: true });
        expect(view.ofType("aws:acm/certificate:Certificate").filter((c) => c.inputs.region === "us-east-1")).to.deep.equal([]);
        const origin = (distribution.inputs.origins as Array<{ originAccessControlId: string }>)[0];
        expect(view.byId(origin.originAccessControlId).type).to.equal("aws:cloudfront/originAccessControl:OriginAccessControl");
        const block = view.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").find((b) => b.name.includes("site"))!;
        expect(block.inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        const policy = view.ofType("aws:s3/bucketPolicy:BucketPolicy").find((p) => p.name.includes("site"))!;
        const statements = (JSON.parse(policy.inputs.policy as string) as { Statement: Array<{ Effect: string; Principal: unknown; Condition: Record<string, Record<string, string>> }> }).Statement;
        const allow = statements.filter((st) => st.Effect === "Allow");
        expect(allow).to.have.length(1);
        expect(allow[0].Principal).to.deep.equal({ Service: "cloudfront.amazonaws.com" });
        expect(allow[0].Condition.StringEquals["AWS:SourceArn"]).to.equal(`arn:aws:cloudfront::123456789012:distribution/${distribution.id}`);
        expect(statements.some((st) => st.Effect === "Deny" && String(st.Condition.Bool?.["aws:SecureTransport"]) === "false")).to.equal(true);
    });

    it("exports the site URL, the ALB URL, the table names, the cache endpoint and the current weights", () => {
        expect(String(outputs.siteUrl)).to.match(/^https:\/\/[a-z0-9]+\.cloudfront\.net$/);
        expect(outputs.albUrl).to.equal("https://chat-api.goormpopcorn.shop");
        expect(Object.values(outputs.tables as Record<string, { name: string }>).map((t) => t.name)).to.have.members(["chat-dev-messages", "chat-dev-connections", "chat-dev-user-counter"]);
        expect(String(outputs.cacheEndpoint)).to.match(/^master\.chat-dev-cache\./);
        expect(outputs.canaryWeights).to.deep.equal({ blue: 90, green: 10 });
    });

    it("moves through the canary (90/10 → 50/50 → 10/90 → 0/100) and back with weight edits that change the HTTPS listener and nothing else", async () => {
        const runs = [await seedRun("chat")];
        for (const [blue, green] of [[50, 50], [10, 90], [0, 100]]) {
            const copy = new StackCopy(SEED_ROOT);
            try {
                copy.set("chat", "blueGreen.weights.blue", String(blue));
                copy.set("chat", "blueGreen.weights.green", String(green));
                runs.push(await cachedStackRun("chat", copy.dir));
            } finally {
                copy.remove();
            }
        }
        runs.push(runs[0]); // the rollback: the first step's config again
        const inputsOf = (run: ProgramRun) => new Map(run.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        for (let i = 1; i < runs.length; i++) {
            const [a, b] = [inputsOf(runs[i - 1]), inputsOf(runs[i])];
            expect([...b.keys()].sort(), `step ${i}`).to.deep.equal([...a.keys()].sort());
            expect([...a.keys()].filter((urn) => a.get(urn) !== b.get(urn)).map((urn) => urn.split("::").pop()), `step ${i}`).to.deep.equal(["alb-https"]);
        }
    });
});
