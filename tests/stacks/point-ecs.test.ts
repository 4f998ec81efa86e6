/**
 * System B (point service on ECS) as its seed describes it, on the frozen copy
 * tests/fixtures/seed/Pulumi.point-ecs.yaml: CloudFront as the only way in (a VPC origin to an
 * internal ALB, a CLOUDFRONT web ACL and the certificate in us-east-1), path routing with a 404
 * default, point-api with tracing, Aurora MySQL on an LTS line, Redis in cluster mode, Parameter
 * Store read at run time, and a Route 53 health check alarming from us-east-1.
 */
import { expect } from "chai";
import { RecordedResource } from "../../tooling/mock-runtime";
import { seedRun } from "../fixtures/seed";
import { RunView, reachability } from "../support/query";

type Statement = { Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> };

function statementsOf(policy: RecordedResource): Statement[] {
    return (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] }).Statement;
}

describe("system B (point-ecs) as its seed describes it", () => {
    let view: RunView;
    let outputs: Record<string, unknown>;
    before(async () => {
        const run = await seedRun("point-ecs");
        view = new RunView(run);
        outputs = run.outputs as Record<string, unknown>;
    });

    it("spans three AZs with public, private and data /24s, a NAT per AZ and flow logs", () => {
        for (const [tier, third] of [["public", 1], ["private", 11], ["data", 21]] as const) {
            expect(view.subnetsOfTier(tier).map((s) => s.inputs.cidrBlock), tier).to.deep.equal([0, 1, 2].map((i) => `10.0.${third + i}.0/24`));
        }
        expect(view.ofType("aws:ec2/natGateway:NatGateway")).to.have.length(3);
        expect(view.ofType("aws:ec2/flowLog:FlowLog")).to.have.length(1);
    });

    it("lets only CloudFront in: a VPC origin (HTTPS, TLS 1.2) to an internal ALB whose group admits CloudFront's origin-facing prefix list on 443 alone", () => {
        const lb = view.one("aws:lb/loadBalancer:LoadBalancer", "alb-alb");
        expect(lb.inputs.internal).to.equal(true);
        const privateIds = view.subnetsOfTier("private").map((s) => s.id);
        expect(lb.inputs.subnets).to.have.members(privateIds);
        const origin = view.one("aws:cloudfront/vpcOrigin:VpcOrigin", "cdn-vpc-origin");
        expect(origin.inputs.vpcOriginEndpointConfig).to.deep.include({ arn: lb.id, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: { items: ["TLSv1.2"], quantity: 1 } });
        // The ALB's group: one ingress rule, CloudFront's managed prefix list on 443; nothing from the internet.
        const albGroup = lb.inputs.securityGroups as string[];
        const ingress = view.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => albGroup.includes(String(r.inputs.securityGroupId)));
        expect(ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort, String(r.inputs.prefixListId).startsWith("pl-"), r.inputs.cidrIpv4])).to.deep.equal([[443, 443, true, undefined]]);
        expect(reachability(view, /^point-ecs-prod-/).filter((line) => line.startsWith("internet ->"))).to.deep.equal([]);
        expect(view.ofType("aws:lb/listener:Listener").map((l) => l.inputs.port)).to.deep.equal([443]);
    });

    it("serves point-api.goormpopcorn.shop from CloudFront: no caching, every method, HTTPS only, PriceClass_200, a us-east-1 certificate and web ACL", () => {
        const distribution = view.one("aws:cloudfront/distribution:Distribution", "cdn-distribution");
        expect(distribution.inputs).to.deep.include({ priceClass: "PriceClass_200", aliases: ["point-api.goormpopcorn.shop"] });
        const behavior = distribution.inputs.defaultCacheBehavior as Record<string, unknown>;
        expect(behavior).to.deep.include({
            viewerProtocolPolicy: "redirect-to-https",
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // CachingDisabled
            originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac", // AllViewerExceptHostHeader
        });
        expect(behavior.allowedMethods).to.have.members(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]);
        const certificateArn = (distribution.inputs.viewerCertificate as { acmCertificateArn: string }).acmCertificateArn;
        expect(certificateArn).to.match(/^arn:aws:acm:us-east-1:/);
        const acl = view.one("aws:wafv2/webAcl:WebAcl", "waf-web-acl");
        expect(acl.inputs).to.include({ scope: "CLOUDFRONT", region: "us-east-1" });
        expect(distribution.inputs.webAclId).to.equal(`arn:aws:wafv2:us-east-1:123456789012:global/webacl/point-ecs-prod-web-acl/${acl.id}`);
        expect(view.ofType("aws:wafv2/webAclAssociation:WebAclAssociation")).to.deep.equal([]);
        const rules = (acl.inputs.rules as Array<{ name: string }>).map((r) => r.name);
        expect(rules.join(" ")).to.match(/rate/i).and.to.match(/CommonRuleSet/).and.to.match(/KnownBadInputs/);
    });

    it("routes /api/points (and /health) to point-api on the TLS 1.3 listener and answers everything else 404", () => {
        const https = view.one("aws:lb/listener:Listener", "alb-https");
        expect(https.inputs.sslPolicy).to.match(/^ELBSecurityPolicy-TLS13-/);
        expect((https.inputs.defaultActions as Array<{ type: string; fixedResponse: { statusCode: string } }>)[0]).to.deep.include({ type: "fixed-response" });
        expect((https.inputs.defaultActions as Array<{ fixedResponse: { statusCode: string } }>)[0].fixedResponse.statusCode).to.equal("404");
        const rule = view.one("aws:lb/listenerRule:ListenerRule", "alb-route-10");
        expect(rule.inputs.conditions).to.deep.equal([{ pathPattern: { values: ["/api/points", "/api/points/*", "/health"] } }]);
        const group = view.one("aws:lb/targetGroup:TargetGroup", "alb-target-point-api");
        expect(rule.inputs.actions).to.deep.equal([{ type: "forward", targetGroupArn: group.id }]);
        const service = view.ofType("aws:ecs/service:Service")[0];
        expect((service.inputs.loadBalancers as Array<{ targetGroupArn: string }>)[0].targetGroupArn).to.equal(group.id);
    });

    it("runs point-api on 1024 CPU / 2048 MiB, two tasks at least, scaling 2–6 on CPU 70 % and memory 80 %, with an ADOT collector sending traces to X-Ray", () => {
        const service = view.ofType("aws:ecs/service:Service")[0];
        expect(service.inputs).to.include({ name: "point-ecs-prod-point-api", desiredCount: 2 });
        expect(view.ofType("aws:appautoscaling/target:Target")[0].inputs).to.include({ minCapacity: 2, maxCapacity: 6 });
        const task = view.ofType("aws:ecs/taskDefinition:TaskDefinition")[0];
        expect(task.inputs).to.include({ cpu: "1024", memory: "2048" });
        const names = (JSON.parse(task.inputs.containerDefinitions as string) as Array<{ name: string }>).map((c) => c.name);
        expect(names).to.include.members(["point-api", "otel-collector"]);
        const taskPolicy = view.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "point-api-task-policy")!;
        const xray = statementsOf(taskPolicy).find((s) => [s.Action].flat().some((a) => a.startsWith("xray:")))!;
        expect([xray.Action].flat()).to.have.members(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"]);
    });

    it("runs Aurora MySQL 3.10 (LTS, minor upgrades off visibly) with a writer and a reader in another AZ, 7-day backups, encrypted, protected, Performance Insights and log exports", () => {
        const cluster = view.one("aws:rds/cluster:Cluster", "db-cluster");
        expect(cluster.inputs).to.deep.include({ engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.10.1", backupRetentionPeriod: 7, storageEncrypted: true, deletionProtection: true });
        expect(cluster.inputs.enabledCloudwatchLogsExports).to.have.members(["error", "slowquery", "audit"]);
        const instances = view.ofType("aws:rds/clusterInstance:ClusterInstance");
        expect(instances.map((i) => i.inputs.availabilityZone)).to.have.members(["ap-northeast-2a", "ap-northeast-2b"]);
        for (const instance of instances) {
            expect(instance.inputs, instance.name).to.include({ autoMinorVersionUpgrade: false, performanceInsightsEnabled: true, instanceClass: "db.r6g.large" });
        }
        expect(cluster.options.protect).to.equal(true);
    });

    it("runs Redis 7.1 in cluster mode: one shard with a replica in another AZ, failover, Multi-AZ, TLS, auth, 7-day snapshots", () => {
        const group = view.one("aws:elasticache/replicationGroup:ReplicationGroup", "cache-replication-group");
        expect(group.inputs).to.deep.include({
            engine: "redis",
            engineVersion: "7.1",
            nodeType: "cache.r7g.large",
            numNodeGroups: 1,
            replicasPerNodeGroup: 1,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            transitEncryptionEnabled: true,
            atRestEncryptionEnabled: true,
            snapshotRetentionLimit: 7,
        });
    });

    it("keeps the point limits in Parameter Store under /point-ecs/prod/point/, the secret encrypted with its own key, readable by point-api alone", () => {
        const parameters = view.ofType("aws:ssm/parameter:Parameter");
        expect(parameters.map((p) => p.inputs.name)).to.have.members([
            "/point-ecs/prod/point/max-earn-per-transaction",
            "/point-ecs/prod/point/max-balance",
            "/point-ecs/prod/point/partner-api-key",
        ]);
        const byName = (name: string) => parameters.find((p) => p.inputs.name === `/point-ecs/prod/point/${name}`)!;
        expect(byName("max-earn-per-transaction").inputs).to.deep.include({ type: "String", allowedPattern: "^[0-9]+$" });
        const secret = byName("partner-api-key");
        expect(secret.inputs.type).to.equal("SecureString");
        expect(secret.options.ignoreChanges).to.deep.equal(["value"]);
        const key = view.one("aws:kms/key:Key", "parameters-key");
        expect(secret.inputs.keyId).to.equal(`arn:aws:kms:ap-northeast-2:123456789012:key/${key.id}`);
        const taskPolicy = view.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "point-api-task-policy")!;
        const read = statementsOf(taskPolicy).find((s) => [s.Action].flat().includes("ssm:GetParametersByPath"))!;
        expect([read.Resource].flat()).to.have.members([
            "arn:aws:ssm:ap-northeast-2:123456789012:parameter/point-ecs/prod/point",
            "arn:aws:ssm:ap-northeast-2:123456789012:parameter/point-ecs/prod/point/*",
        ]);
        const decrypt = statementsOf(taskPolicy).find((s) => [s.Action].flat().includes("kms:Decrypt"))!;
        expect(decrypt.Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "ssm.ap-northeast-2.amazonaws.com" } });
    });

    it("checks https://point-api.goormpopcorn.shop/health from Route 53 every 30 s and alarms from us-east-1, where its metrics are", () => {
        const check = view.one("aws:route53/healthCheck:HealthCheck", "health-checks-api");
        expect(check.inputs).to.deep.include({ type: "HTTPS", fqdn: "point-api.goormpopcorn.shop", resourcePath: "/health", port: 443, requestInterval: 30, failureThreshold: 3 });
        const alarm = view.one("aws:cloudwatch/metricAlarm:MetricAlarm", "health-checks-api-alarm");
        expect(alarm.inputs).to.deep.include({ region: "us-east-1", namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: check.id } });
        const topic = view.one("aws:sns/topic:Topic", "health-checks-topic");
        expect(topic.inputs.region).to.equal("us-east-1");
        expect(alarm.inputs.alarmActions).to.deep.equal(["arn:aws:sns:us-east-1:123456789012:point-ecs-prod-health-checks"]);
    });

    it("exports the public URL, the internal ALB and the health check", () => {
        expect(outputs.siteUrl).to.equal("https://point-api.goormpopcorn.shop");
        expect(outputs.albScheme).to.equal("internal");
        expect(Object.keys(outputs.healthCheckIds as object)).to.deep.equal(["api"]);
    });
});
