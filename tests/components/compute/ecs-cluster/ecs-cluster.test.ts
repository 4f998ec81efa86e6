import { expect } from "chai";
import { EcsCluster } from "../../../../components/compute/ecs-cluster/ecs-cluster";
import { RunView, T, runView } from "../../../support/query";
import { naming, tags } from "../../../fixtures/components";

describe("components/ecs-cluster", () => {
    let view: RunView;
    before(async () => {
        view = await runView(
            () =>
                new EcsCluster("ecs", {
                    naming,
                    tags,
                    defaultCapacityProvider: "FARGATE_SPOT",
                    logRetentionDays: 7,
                    serviceDiscovery: { namespace: "goormpopcorn.local", vpcId: "vpc-0123456789abcdef0" },
                }),
        );
    });

    it("names the cluster goorm-popcorn-dev-cluster, with Container Insights on", () => {
        const cluster = view.one("aws:ecs/cluster:Cluster", "ecs-cluster");
        expect(cluster.inputs.name).to.equal("goorm-popcorn-dev-cluster");
        expect(cluster.inputs.settings).to.deep.equal([{ name: "containerInsights", value: "enabled" }]);
    });

    it("logs ECS Exec sessions to /aws/ecs/goorm-popcorn-dev/exec, kept 7 days", () => {
        const cluster = view.one("aws:ecs/cluster:Cluster", "ecs-cluster");
        expect(cluster.inputs.configuration).to.deep.equal({
            executeCommandConfiguration: {
                logging: "OVERRIDE",
                logConfiguration: { cloudWatchLogGroupName: "/aws/ecs/goorm-popcorn-dev/exec", cloudWatchEncryptionEnabled: false },
            },
        });
        expect(view.one(T.logGroup, "ecs-exec-logs").inputs).to.include({ name: "/aws/ecs/goorm-popcorn-dev/exec", retentionInDays: 7 });
    });

    it("creates Container Insights' performance log group, kept 7 days, before the cluster", () => {
        const group = view.one(T.logGroup, "ecs-insights-logs");
        expect(group.inputs).to.include({ name: "/aws/ecs/containerinsights/goorm-popcorn-dev-cluster/performance", retentionInDays: 7 });
        expect(view.one("aws:ecs/cluster:Cluster", "ecs-cluster").options.dependsOn).to.include(group.urn);
    });

    it("offers FARGATE and FARGATE_SPOT, with the configured default strategy", () => {
        expect(view.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "ecs-capacity-providers").inputs).to.deep.equal({
            clusterName: "goorm-popcorn-dev-cluster",
            capacityProviders: ["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
        });
    });

    it("creates the private DNS namespace on the VPC", () => {
        expect(view.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "ecs-namespace").inputs).to.include({
            name: "goormpopcorn.local",
            vpc: "vpc-0123456789abcdef0",
        });
    });
});
