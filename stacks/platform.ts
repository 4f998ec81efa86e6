/**
 * The assembly: the only place that knows the whole platform. It turns a validated
 * PlatformConfig into components; components never read config themselves.
 *
 *   Vpc ─┬─ SecurityGroups (alb, ecs, db, cache, kafka)
 *        ├─ EcsCluster (+ Cloud Map namespace)
 *        ├─ BlueGreenAlb (public subnets) ── blue/green target groups
 *        └─ FargateService × N (private subnets), the blue/green one registered in both groups
 */
import * as pulumi from "@pulumi/pulumi";
import { AuroraCluster } from "../components/data/database/aurora-cluster";
import { BlueGreenAlb } from "../components/traffic/blue-green-alb/blue-green-alb";
import { Database } from "../components/data/database/database-common";
import { EcsCluster } from "../components/compute/ecs-cluster/ecs-cluster";
import { FargateDeploymentArgs, FargateService } from "../components/compute/services/fargate-service";
import { KafkaEc2 } from "../components/data/kafka/kafka-ec2";
import { Monitoring } from "../components/observability/monitoring/monitoring";
import { RdsInstance } from "../components/data/database/rds-instance";
import { SecurityGroups } from "../components/network/security-groups/security-groups";
import { ValkeyCache } from "../components/data/cache/valkey-cache";
import { Vpc } from "../components/network/vpc/vpc";
import { WebAcl } from "../components/edge/web-acl/web-acl";
import { COLOURS } from "../components/traffic/blue-green-alb/blue-green";
import { KAFKA_MOUNT } from "../components/data/kafka/kafka";
import { WatchedEcsService } from "../components/observability/monitoring/alarms";
import { Naming } from "../lib/naming";
import { Tags, baseTags } from "../lib/tags";
import { PlatformConfig, ServiceConfig } from "./config";
import { databaseArgs, kafkaArgs } from "./data";
import { matrixPorts } from "./rules";

export interface Platform {
    readonly config: PlatformConfig;
    readonly naming: Naming;
    readonly tags: Tags;
    readonly network: Vpc;
    readonly securityGroups: SecurityGroups;
    readonly cluster: EcsCluster;
    readonly alb?: BlueGreenAlb;
    readonly webAcl?: WebAcl;
    readonly database?: RdsInstance | AuroraCluster;
    readonly cache?: ValkeyCache;
    readonly kafka?: KafkaEc2;
    readonly services: readonly FargateService[];
    readonly monitoring: Monitoring;
}

export function createPlatform(config: PlatformConfig): Platform {
    const naming = new Naming(config.name, config.env);
    const tags = baseTags({ project: config.name, env: config.env, stack: config.stack, extra: config.tags });

    const network = new Vpc("network", { naming, tags, ...config.network });
    const securityGroups = new SecurityGroups("sg", { naming, tags, vpcId: network.vpcId, ports: matrixPorts(config) });
    const cluster = new EcsCluster("ecs", {
        naming,
        tags,
        defaultCapacityProvider: config.cluster.defaultCapacityProvider,
        containerInsights: config.cluster.containerInsights,
        logRetentionDays: config.logRetentionDays,
        serviceDiscovery: { namespace: config.serviceDiscovery.namespace, vpcId: network.vpcId },
    });
    const alb = createAlb(config, naming, tags, network, securityGroups);
    const database = createDatabase(config, naming, tags, network, securityGroups);
    const cache = createCache(config, naming, tags, network, securityGroups);
    const kafka = config.kafka
        ? new KafkaEc2("kafka", kafkaArgs(config, { naming, tags, subnets: network.subnets.filter((s) => s.tier === "private"), securityGroupIds: [securityGroups.ids.kafka] }))
        : undefined;
    const connectionsOf = (service: ServiceConfig) =>
        connectionSettings(
            service.connectsTo.includes("database") ? database : undefined,
            service.connectsTo.includes("cache") ? cache : undefined,
            service.connectsTo.includes("kafka") ? kafka : undefined,
        );
    const services = config.services.map((service) => {
        const connections = connectionsOf(service);
        return new FargateService(service.name, {
            naming,
            tags,
            service: service.name,
            cluster: { arn: cluster.clusterArn, name: cluster.clusterName },
            repository: {
                name: service.repository,
                create: config.ecr.manageRepositories,
                keepLastImages: config.ecr.keepLastImages,
                expiringTagPatterns: config.ecr.expiringTagPatterns,
            },
            cpu: service.cpu,
            memory: service.memory,
            port: service.port,
            environment: { ...service.environment, ...connections.environment },
            secrets: { ...service.secrets, ...connections.secrets },
            logRetentionDays: config.logRetentionDays,
            readonlyRootFilesystem: service.readonlyRootFilesystem,
            writablePaths: service.writablePaths,
            user: service.user,
            subnetIds: network.privateSubnetIds,
            securityGroupIds: [securityGroups.ids.ecs],
            serviceDiscovery: { namespaceId: cluster.namespaceId, name: service.discoveryName },
            desiredCount: service.desiredCount,
            autoscaling: service.autoscaling,
            capacityProvider: service.capacityProvider,
            healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
            enableExecuteCommand: service.enableExecuteCommand,
            execLogGroupArn: cluster.execLogGroupArn,
            deployments: deploymentsOf(config, service, alb),
            schedule: config.schedule?.services.includes(service.name) ? config.schedule : undefined,
        }, {
            // Services need the cluster's capacity providers, and target groups that belong to an ALB.
            dependsOn: alb && service.name === config.blueGreen?.service ? [cluster, alb] : [cluster],
        });
    });
    const webAcl = alb && config.waf?.enabled ? createWebAcl(config, naming, tags, alb) : undefined;
    const monitoring = createMonitoring(config, naming, tags, { cluster, alb, database, cache, kafka, services });
    return { config, naming, tags, network, securityGroups, cluster, alb, webAcl, database, cache, kafka, services, monitoring };
}

function createWebAcl(config: PlatformConfig, naming: Naming, tags: Tags, alb: BlueGreenAlb): WebAcl {
    const waf = config.waf!;
    return new WebAcl("waf", {
        naming,
        tags,
        resourceArns: [alb.loadBalancerArn],
        rateLimit: waf.rateLimit,
        rateLimitWindowSeconds: waf.rateLimitWindowSeconds,
        managedRuleGroups: waf.managedRuleGroups,
        countRules: waf.countRules,
        logging: waf.logging,
    });
}

/** The alarms watch every deployment, the ALB and the data tier the stack runs. */
function createMonitoring(
    config: PlatformConfig,
    naming: Naming,
    tags: Tags,
    parts: Pick<Platform, "cluster" | "alb" | "database" | "cache" | "kafka" | "services">,
): Monitoring {
    const { cluster, alb, database, cache, kafka } = parts;
    const ecsServices = parts.services.flatMap((service) =>
        service.deployments.map(
            (deployment): WatchedEcsService => ({
                service: service.service,
                label: deployment.colour ? `${service.service}-${deployment.colour}` : service.service,
                ecsServiceName: deployment.serviceName,
                clusterName: cluster.clusterName,
                desiredCount: deployment.desiredCount,
                targetGroupArnSuffix: alb && deployment.colour ? alb.targetGroupArnSuffixes[deployment.colour] : undefined,
            }),
        ),
    );
    const db = config.database;
    if (config.env === "prod" && config.monitoring.alarmEmails.length === 0) {
        pulumi.log.warn("platform:monitoring.alarmEmails is empty: the alarms publish to their SNS topic, but nobody is subscribed to it");
    }
    return new Monitoring("monitoring", {
        naming,
        tags,
        alarmEmails: config.monitoring.alarmEmails,
        thresholds: config.monitoring.thresholds,
        notifyOnRecovery: config.monitoring.notifyOnRecovery,
        topicKmsKeyArn: config.monitoring.topicKmsKeyArn,
        ecsServices,
        // Container Insights is always on (SPEC §6), so healthy targets compare with DesiredTaskCount.
        containerInsights: true,
        loadBalancerArnSuffix: alb?.arnSuffix,
        database:
            database && db
                ? {
                      engine: db.engine,
                      instanceClass: db.instanceClass,
                      serverlessMaxAcu: db.serverless?.maxAcu,
                      ...(database.kind === "instance"
                          ? { kind: "instance" as const, identifier: database.identifier }
                          : { kind: "aurora" as const, clusterIdentifier: database.clusterIdentifier, hasReaders: database.instances.length > 1 }),
                  }
                : undefined,
        cache: cache && { replicationGroupId: cache.replicationGroupName, nodeIds: cache.nodeIds },
        kafka: kafka && { instanceIds: kafka.instanceIds, dataPath: KAFKA_MOUNT },
    });
}

/** The one key `platform:database.kind` chooses the component; the rest sees one interface. */
function createDatabase(config: PlatformConfig, naming: Naming, tags: Tags, network: Vpc, securityGroups: SecurityGroups): RdsInstance | AuroraCluster | undefined {
    const db = config.database;
    if (!db) {
        return undefined;
    }
    const { kind, args } = databaseArgs(db, {
        naming,
        tags,
        subnets: network.subnets.filter((s) => s.tier === "data").map((s) => ({ id: s.id, az: s.az })),
        securityGroupIds: [securityGroups.ids.db],
        // SPEC §3.6: in prod, neither `pulumi destroy` nor a replacement may drop the data.
        protect: config.env === "prod",
        logRetentionDays: config.logRetentionDays,
    });
    return kind === "instance" ? new RdsInstance("db", args) : new AuroraCluster("db", args);
}

function createCache(config: PlatformConfig, naming: Naming, tags: Tags, network: Vpc, securityGroups: SecurityGroups): ValkeyCache | undefined {
    const cache = config.cache;
    if (!cache) {
        return undefined;
    }
    return new ValkeyCache("cache", {
        naming,
        tags,
        ...cache,
        subnets: network.subnets.filter((s) => s.tier === "data").map((s) => ({ id: s.id, az: s.az })),
        securityGroupIds: [securityGroups.ids.cache],
        logRetentionDays: config.logRetentionDays,
        // dev is disposable: a destroyed stack must be able to come back under the same names.
        secretRecoveryWindowDays: config.env === "prod" ? 30 : 0,
    });
}

/**
 * What every service is told about the data tier: endpoints and ports as environment, the
 * credentials as `secrets` (JSON keys of the Secrets Manager secrets), so the execution role may
 * read exactly those secrets and no value ever sits in the task definition.
 */
function connectionSettings(
    database: Database | undefined,
    cache: ValkeyCache | undefined,
    kafka: KafkaEc2 | undefined,
): { environment: Record<string, pulumi.Input<string>>; secrets: Record<string, pulumi.Input<string>> } {
    const environment: Record<string, pulumi.Input<string>> = {};
    const secrets: Record<string, pulumi.Input<string>> = {};
    if (database) {
        Object.assign(environment, {
            DB_HOST: database.endpoint,
            DB_READER_HOST: database.readerEndpoint,
            DB_PORT: String(database.port),
            DB_NAME: database.databaseName,
            DB_ENGINE: database.engine,
        });
        Object.assign(secrets, {
            DB_USERNAME: pulumi.interpolate`${database.masterSecretArn}:username::`,
            DB_PASSWORD: pulumi.interpolate`${database.masterSecretArn}:password::`,
        });
    }
    if (cache) {
        Object.assign(environment, {
            CACHE_HOST: cache.primaryEndpoint,
            CACHE_READER_HOST: cache.readerEndpoint,
            CACHE_PORT: String(cache.port),
            // In-transit encryption is always on: clients must connect with TLS.
            CACHE_TLS: "true",
            ...(cache.username ? { CACHE_USERNAME: cache.username } : {}),
        });
        Object.assign(
            secrets,
            cache.username
                ? { CACHE_PASSWORD: pulumi.interpolate`${cache.authSecretArn}:password::` }
                : { CACHE_AUTH_TOKEN: pulumi.interpolate`${cache.authSecretArn}:authToken::` },
        );
    }
    if (kafka) {
        environment.KAFKA_BOOTSTRAP_SERVERS = kafka.bootstrapServers;
    }
    return { environment, secrets };
}

function createAlb(config: PlatformConfig, naming: Naming, tags: Tags, network: Vpc, securityGroups: SecurityGroups): BlueGreenAlb | undefined {
    const { alb, blueGreen } = config;
    if (!alb || !blueGreen) {
        return undefined;
    }
    const service = config.services.find((s) => s.name === blueGreen.service)!;
    const { arn, domain, hostedZone } = alb.certificate;
    return new BlueGreenAlb("alb", {
        naming,
        tags,
        service: service.name,
        vpcId: network.vpcId,
        subnetIds: network.publicSubnetIds,
        securityGroupIds: [securityGroups.ids.alb],
        targetPort: service.port,
        certificate: arn !== undefined ? { arn } : { domain: domain!, hostedZone: hostedZone! },
        tlsPolicy: alb.tlsPolicy,
        weights: blueGreen.weights,
        healthCheck: alb.healthCheck,
        deregistrationDelaySeconds: alb.deregistrationDelaySeconds,
        idleTimeoutSeconds: alb.idleTimeoutSeconds,
        desyncMitigationMode: alb.desyncMitigationMode,
        deletionProtection: alb.deletionProtection,
        hsts: alb.hsts,
        accessLogs: alb.accessLogs,
        dns: alb.dns && { hostedZone: alb.dns.hostedZone ?? hostedZone!, records: alb.dns.records },
    });
}

/** The blue/green service runs one ECS service per colour, each in its target group. */
function deploymentsOf(config: PlatformConfig, service: ServiceConfig, alb: BlueGreenAlb | undefined): FargateDeploymentArgs[] {
    const blueGreen = config.blueGreen;
    if (!blueGreen || blueGreen.service !== service.name || !alb) {
        return [{ imageTag: service.imageTag! }];
    }
    return COLOURS.map((colour) => ({
        colour,
        imageTag: blueGreen.colours[colour].imageTag,
        scaledToZero: blueGreen.colours[colour].scaledToZero,
        targetGroupArn: alb.targetGroupArns[colour],
    }));
}

/** The subnets of one tier as stack outputs: id, CIDR and AZ of each. */
function subnetOutputs(vpc: Vpc, tier: "public" | "private" | "data") {
    return vpc.subnets.filter((s) => s.tier === tier).map((s) => ({ id: s.id, cidr: s.cidr, az: s.az }));
}

/** What `pulumi stack output` shows for this stack. */
export function stackOutputs(platform: Platform) {
    const { network, cluster, alb, config } = platform;
    return {
        env: config.env,
        region: config.region,
        vpcId: network.vpcId,
        vpcCidr: network.cidrBlock,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        dataSubnetIds: network.dataSubnetIds,
        subnets: {
            public: subnetOutputs(network, "public"),
            private: subnetOutputs(network, "private"),
            data: subnetOutputs(network, "data"),
        },
        natGatewayIds: network.natGatewayIds,
        natPublicIps: network.natPublicIps,
        ...(network.flowLogGroupName ? { flowLogGroupName: network.flowLogGroupName } : {}),
        securityGroupIds: platform.securityGroups.ids,
        clusterName: cluster.clusterName,
        serviceDiscoveryNamespace: cluster.namespaceName,
        services: Object.fromEntries(
            platform.services.map((s) => [
                s.service,
                {
                    ecsServices: s.deployments.map((d) => d.serviceName),
                    repositoryUrl: s.repositoryUrl,
                    logGroup: s.logGroupName,
                    address: `${s.discoveryName}.${cluster.namespaceName}`,
                },
            ]),
        ),
        ...(platform.database
            ? {
                  databaseEndpoint: platform.database.endpoint,
                  databaseReaderEndpoint: platform.database.readerEndpoint,
                  databasePort: platform.database.port,
                  databaseSecretArn: platform.database.masterSecretArn,
              }
            : {}),
        ...(platform.cache
            ? {
                  cacheEndpoint: platform.cache.primaryEndpoint,
                  cacheReaderEndpoint: platform.cache.readerEndpoint,
                  cachePort: platform.cache.port,
                  cacheAuthSecretArn: platform.cache.authSecretArn,
              }
            : {}),
        ...(platform.kafka ? { kafkaBootstrapServers: platform.kafka.bootstrapServers, kafkaLogGroup: platform.kafka.logGroupName } : {}),
        ...(alb
            ? {
                  albDnsName: alb.dnsName,
                  // The certificate covers the alias records, not the ALB's own name.
                  albUrl: alb.aliases.length > 0 ? `https://${alb.aliases[0]}` : pulumi.interpolate`https://${alb.dnsName}`,
                  albAliases: alb.aliases,
                  targetGroups: alb.targetGroupNames,
                  canaryWeights: config.blueGreen!.weights,
              }
            : {}),
        ...(platform.webAcl ? { webAclArn: platform.webAcl.webAclArn } : {}),
        alarmTopicArn: platform.monitoring.topicArn,
        alarmCount: platform.monitoring.alarmNames.length,
        dashboardName: platform.monitoring.dashboardName,
        dashboardUrl: platform.monitoring.dashboardUrl,
    };
}
