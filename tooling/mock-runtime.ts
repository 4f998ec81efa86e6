/**
 * The one mock runtime. Tests and the offline plan (`npm run plan`) both run programs through
 * `runProgram`, which wraps `pulumi.runtime.setMocks`:
 *
 * - every resource gets a realistic, deterministic id and ARN (account, region, partition);
 * - every invoke the program makes is answered with realistic values, and an invoke nobody
 *   taught the mock fails loudly instead of resolving to `undefined`;
 * - every registered resource is recorded with its type, name, parent URN and inputs.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { SECRET_PLACEHOLDER, useProjectDirectory } from "../stacks/stack-files";
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

/** The SDK's promise-leak ledger (internal to it, so not in its declarations). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { leakedPromises } = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown };

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_PARTITION = "aws";
export const DEFAULT_REGION = "ap-northeast-2";
/** The project name of Pulumi.yaml, also the config namespace. */
export const DEFAULT_PROJECT = "platform";

/** What the offline plan shows in place of a secret value. */
export { SECRET_PLACEHOLDER };
/** What the offline plan shows for a value only known after deployment (never in a non-preview run). */
export const UNKNOWN_PLACEHOLDER = "[unknown]";

/** One resource as the program registered it. */
export interface RecordedResource {
    readonly urn: string;
    /** The id the mock gave the resource; null for component resources. */
    readonly id: string | null;
    readonly type: string;
    readonly name: string;
    /** The parent's URN; null only for the stack itself. */
    readonly parent: string | null;
    /** True for provider-managed (AWS) resources, false for components and the stack. */
    readonly custom: boolean;
    /** Inputs as registered: references resolved to ids, secrets shown as `[secret]`. */
    readonly inputs: Readonly<Record<string, unknown>>;
    /** The resource options that shape its lifecycle, as the engine would receive them. */
    readonly options: RecordedOptions;
}

export interface RecordedOptions {
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    /** Input names whose changes are ignored on update. */
    readonly ignoreChanges: readonly string[];
    /** Input names whose change replaces the resource, beyond what the provider says. */
    readonly replaceOnChanges: readonly string[];
    /** URNs this resource was once known by (its `aliases`), so a rename is no replacement. */
    readonly aliases: readonly string[];
    /** URNs of the resources this one waits for (explicit `dependsOn` and its inputs' resources). */
    readonly dependsOn: readonly string[];
    /** URNs of the resources it waits for beyond those its inputs reference: its `dependsOn` (a component's expanded to its children). */
    readonly explicitDependsOn: readonly string[];
    /** How long the engine lets each operation take, where not the provider's default (`"45m"`). */
    readonly customTimeouts: Readonly<{ create?: string; update?: string; delete?: string }>;
    /** The URN of the explicit provider it was given (`provider`: a Kubernetes cluster's, say); absent for the default one. */
    readonly provider?: string;
}

export interface ProgramRun {
    readonly project: string;
    readonly stack: string;
    /** In registration order. */
    readonly resources: readonly RecordedResource[];
    /** The stack outputs (what the program exported), fully resolved. */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** What the program logged with `pulumi.log.warn`, in order (`pulumi preview` shows these as warnings). */
    readonly warnings: readonly string[];
}

export interface RunOptions {
    stack: string;
    /** @default "platform" */
    project?: string;
    /** `<namespace>:<key>` → string, as the Pulumi CLI passes config to a program. */
    config?: Readonly<Record<string, string>>;
    /** Config keys whose values are secrets. */
    secretKeys?: readonly string[];
    /**
     * Filled with each resource as it registers; lets a caller see what was registered when the
     * program fails (a config error must leave it holding nothing but the stack).
     */
    registered?: RecordedResource[];
    /** Where the project's stack files are, as the CLI's working directory would be. @default process.cwd() */
    projectDirectory?: string;
    /**
     * What the mocked account does not have yet (everything else exists): ECR repositories by
     * name, images as `<repository>:<tag>`, public hosted zones by name. An invoke that looks one
     * up fails as AWS's API would.
     */
    absent?: AbsentThings;
}

export interface AbsentThings {
    readonly repositories?: readonly string[];
    readonly images?: readonly string[];
    readonly zones?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Ids and ARNs.
// ---------------------------------------------------------------------------------------------

function hex(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** EC2-style ids (`vpc-0a1b…`, 17 hex digits) by resource type. */
const EC2_ID_PREFIXES: Readonly<Record<string, string>> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/instance:Instance": "i",
    "aws:ec2/networkInterface:NetworkInterface": "eni",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ebs/volume:Volume": "vol",
};

/** ARN resource-type segment for EC2 resources (`arn:aws:ec2:<region>:<account>:<segment>/<id>`). */
const EC2_ARN_SEGMENTS: Readonly<Record<string, string>> = {
    vpc: "vpc",
    subnet: "subnet",
    igw: "internet-gateway",
    nat: "natgateway",
    eipalloc: "elastic-ip",
    rtb: "route-table",
    sg: "security-group",
    sgr: "security-group-rule",
    vpce: "vpc-endpoint",
    fl: "vpc-flow-log",
    i: "instance",
    eni: "network-interface",
    lt: "launch-template",
    vol: "volume",
};

interface MockedState {
    id: string;
    state: Record<string, unknown>;
}

/** The physical name a resource was given, when it has one among its inputs. */
function physicalName(inputs: Record<string, unknown>, fallback: string): string {
    return typeof inputs.name === "string" ? inputs.name : fallback;
}

function mockResource(type: string, name: string, inputs: Record<string, unknown>, stackRegion: string): MockedState {
    // A resource given its own `region` (@pulumi/aws v7) lives there: an ACM certificate for CloudFront in us-east-1, say.
    const region = typeof inputs.region === "string" && inputs.region !== "" ? inputs.region : stackRegion;
    const account = MOCK_ACCOUNT_ID;
    const arnPrefix = (service: string, scoped = true) => `arn:${MOCK_PARTITION}:${service}:${scoped ? region : ""}:${account}`;
    const ec2Prefix = EC2_ID_PREFIXES[type];
    if (ec2Prefix) {
        const id = `${ec2Prefix}-0${hex(`${type}::${name}`, 16)}`;
        const state: Record<string, unknown> = { ...inputs, arn: `${arnPrefix("ec2")}:${EC2_ARN_SEGMENTS[ec2Prefix]}/${id}` };
        switch (ec2Prefix) {
            case "vpc":
                Object.assign(state, {
                    defaultSecurityGroupId: `sg-0${hex(`${name}::default-sg`, 16)}`,
                    mainRouteTableId: `rtb-0${hex(`${name}::main-rtb`, 16)}`,
                    defaultNetworkAclId: `acl-0${hex(`${name}::default-acl`, 16)}`,
                    ownerId: account,
                });
                break;
            case "eipalloc": {
                const octets = Buffer.from(hex(name, 6), "hex");
                Object.assign(state, { allocationId: id, publicIp: `3.${octets[0]}.${octets[1]}.${octets[2]}`, domain: "vpc" });
                break;
            }
            case "vpce":
                Object.assign(state, { prefixListId: inputs.vpcEndpointType === "Gateway" ? `pl-${hex(name, 8)}` : undefined });
                break;
            case "eni": {
                const ips = inputs.privateIps as string[] | undefined;
                Object.assign(state, { privateIp: ips?.[0] ?? "10.0.0.100", macAddress: `0a:${hex(name, 10).match(/../g)!.join(":")}` });
                break;
            }
            case "i":
                Object.assign(state, { privateDns: `ip-${hex(name, 8)}.${region}.compute.internal`, instanceState: "running" });
                break;
            case "lt":
                Object.assign(state, { latestVersion: 1, defaultVersion: 1 });
                break;
        }
        return { id, state };
    }
    const mock = SERVICE_RESOURCES[type];
    if (mock) {
        return mock({ name, inputs, region, account, arnPrefix, physical: physicalName(inputs, name) });
    }
    // Any other resource: a stable id and an ARN in its service's namespace.
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    const id = `${physicalName(inputs, name)}-${hex(`${type}::${name}`, 8)}`;
    return { id, state: { ...inputs, arn: `${arnPrefix(service)}:${name}/${id}` } };
}

interface MockContext {
    /** Logical name. */
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly region: string;
    readonly account: string;
    readonly arnPrefix: (service: string, scoped?: boolean) => string;
    /** The `name` input, or the logical name. */
    readonly physical: string;
}

/** A UUID-shaped, deterministic identifier. */
function uuidOf(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An API Gateway id: `length` lowercase letters and digits. */
function apiGatewayId(seed: string, length: number): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    return [...Buffer.from(hex(seed, length * 2), "hex")].map((b) => alphabet[b % alphabet.length]).join("");
}

/** The last `/`-separated part of an ARN-like input (a cluster's or load balancer's name). */
function lastSegment(value: unknown, index = 1): string {
    const parts = String(value).split("/");
    return parts[parts.length - index];
}

/** Hosted zone id of ALBs in each region, as AWS publishes it. */
const ALB_ZONE_IDS: Readonly<Record<string, string>> = { "ap-northeast-2": "ZWKZPGTI48KDX", "us-east-1": "Z35SXDOTRQ7X7K" };

/** Resources whose ids and outputs follow their service's own conventions. */
const SERVICE_RESOURCES: Readonly<Record<string, (ctx: MockContext) => MockedState>> = {
    "aws:cloudwatch/logGroup:LogGroup": ({ inputs, physical, arnPrefix }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `${arnPrefix("logs")}:log-group:${physical}` },
    }),
    "aws:iam/role:Role": ({ inputs, physical, account }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `arn:${MOCK_PARTITION}:iam::${account}:role/${physical}`, uniqueId: `AROA${hex(physical, 17).toUpperCase()}` },
    }),
    "aws:iam/rolePolicy:RolePolicy": ({ inputs, physical }) => ({ id: `${String(inputs.role)}:${physical}`, state: { ...inputs, name: physical } }),
    "aws:ecs/cluster:Cluster": ({ inputs, physical, arnPrefix }) => {
        const arn = `${arnPrefix("ecs")}:cluster/${physical}`;
        return { id: arn, state: { ...inputs, name: physical, arn } };
    },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ({ inputs }) => ({ id: String(inputs.clusterName), state: { ...inputs } }),
    "aws:ecs/taskDefinition:TaskDefinition": ({ inputs, arnPrefix }) => {
        const family = String(inputs.family);
        return {
            id: family,
            state: { ...inputs, revision: 1, arn: `${arnPrefix("ecs")}:task-definition/${family}:1`, arnWithoutRevision: `${arnPrefix("ecs")}:task-definition/${family}` },
        };
    },
    "aws:ecs/service:Service": ({ inputs, physical, arnPrefix }) => {
        const arn = `${arnPrefix("ecs")}:service/${lastSegment(inputs.cluster)}/${physical}`;
        return { id: arn, state: { ...inputs, name: physical, arn } };
    },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": ({ inputs, name, arnPrefix }) => {
        const id = `ns-${hex(name, 16)}`;
        return { id, state: { ...inputs, arn: `${arnPrefix("servicediscovery")}:namespace/${id}`, hostedZone: `Z0${hex(name, 19).toUpperCase()}` } };
    },
    "aws:servicediscovery/service:Service": ({ inputs, name, arnPrefix }) => {
        const id = `srv-${hex(name, 16)}`;
        return { id, state: { ...inputs, arn: `${arnPrefix("servicediscovery")}:service/${id}` } };
    },
    "aws:ecr/repository:Repository": ({ inputs, physical, arnPrefix, account, region }) => ({
        id: physical,
        state: {
            ...inputs,
            name: physical,
            arn: `${arnPrefix("ecr")}:repository/${physical}`,
            registryId: account,
            repositoryUrl: `${account}.dkr.ecr.${region}.amazonaws.com/${physical}`,
        },
    }),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ({ inputs, account }) => ({ id: String(inputs.repository), state: { ...inputs, registryId: account } }),
    "aws:lb/loadBalancer:LoadBalancer": ({ inputs, physical, arnPrefix, region }) => {
        const suffix = `app/${physical}/${hex(physical, 16)}`;
        const arn = `${arnPrefix("elasticloadbalancing")}:loadbalancer/${suffix}`;
        const digits = String(parseInt(hex(physical, 8), 16)).padStart(10, "0");
        return {
            id: arn,
            // An internal load balancer's name starts `internal-`, as ELB names it.
            state: { ...inputs, name: physical, arn, arnSuffix: suffix, dnsName: `${inputs.internal ? "internal-" : ""}${physical}-${digits}.${region}.elb.amazonaws.com`, zoneId: ALB_ZONE_IDS[region] ?? "Z0ALBZONE" },
        };
    },
    "aws:lb/targetGroup:TargetGroup": ({ inputs, physical, arnPrefix }) => {
        const suffix = `targetgroup/${physical}/${hex(physical, 16)}`;
        const arn = `${arnPrefix("elasticloadbalancing")}:${suffix}`;
        return { id: arn, state: { ...inputs, name: physical, arn, arnSuffix: suffix } };
    },
    "aws:lb/listener:Listener": ({ inputs, name, arnPrefix }) => {
        const loadBalancer = String(inputs.loadBalancerArn).split(":loadbalancer/")[1];
        const arn = `${arnPrefix("elasticloadbalancing")}:listener/${loadBalancer}/${hex(name, 16)}`;
        return { id: arn, state: { ...inputs, arn } };
    },
    "aws:acm/certificate:Certificate": ({ inputs, name, arnPrefix }) => {
        const arn = `${arnPrefix("acm")}:certificate/${uuidOf(name)}`;
        const names = [String(inputs.domainName), ...((inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
        // A wildcard and its apex share one validation record, as ACM does.
        const recordFor = (domain: string) => {
            const apex = domain.replace(/^\*\./, "");
            return {
                domainName: domain,
                resourceRecordName: `_${hex(apex, 32)}.${apex}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hex(`${apex}::value`, 32)}.acm-validations.aws.`,
            };
        };
        return { id: arn, state: { ...inputs, arn, status: "PENDING_VALIDATION", domainValidationOptions: names.map(recordFor) } };
    },
    "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({ id: "2026-01-01 00:00:00 +0000 UTC", state: { ...inputs } }),
    "aws:route53/zone:Zone": ({ inputs }) => {
        const zoneName = String(inputs.name).replace(/\.$/, "");
        const zoneId = `Z0${hex(zoneName, 19).toUpperCase()}`;
        const server = (i: number, tld: string) => `ns-${parseInt(hex(`${zoneName}${i}`, 3), 16) % 2048}.awsdns-${String(i * 13).padStart(2, "0")}.${tld}`;
        return {
            id: zoneId,
            state: { ...inputs, zoneId, arn: `arn:${MOCK_PARTITION}:route53:::hostedzone/${zoneId}`, nameServers: [server(1, "com"), server(2, "net"), server(3, "org"), server(4, "co.uk")] },
        };
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ({ inputs, account }) => {
        const host = String(inputs.url).replace(/^https:\/\//, "");
        const arn = `arn:${MOCK_PARTITION}:iam::${account}:oidc-provider/${host}`;
        return { id: arn, state: { ...inputs, arn } };
    },
    // Route 53 is global: a health check's id is a UUID, its ARN has no region.
    "aws:route53/healthCheck:HealthCheck": ({ inputs, name }) => {
        const id = uuidOf(`healthcheck::${name}`);
        return { id, state: { ...inputs, arn: `arn:${MOCK_PARTITION}:route53:::healthcheck/${id}` } };
    },
    "aws:route53/record:Record": ({ inputs }) => {
        const fqdn = String(inputs.name).replace(/\.$/, "");
        return { id: `${String(inputs.zoneId)}_${fqdn}_${String(inputs.type)}`, state: { ...inputs, fqdn } };
    },
    "aws:s3/bucket:Bucket": ({ inputs, physical, region }) => {
        const bucket = typeof inputs.bucket === "string" ? inputs.bucket : physical;
        return {
            id: bucket,
            state: { ...inputs, bucket, arn: `arn:${MOCK_PARTITION}:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region },
        };
    },
    // CloudFront is global: its ARNs have no region. Ids are `E` and 13 more uppercase characters.
    "aws:cloudfront/distribution:Distribution": ({ inputs, name, account }) => {
        const id = `E${hex(`distribution::${name}`, 13).toUpperCase()}`;
        return {
            id,
            state: {
                ...inputs,
                arn: `arn:${MOCK_PARTITION}:cloudfront::${account}:distribution/${id}`,
                domainName: `${id.toLowerCase()}.cloudfront.net`,
                hostedZoneId: "Z2FDTNDATAQYW2",
                status: "Deployed",
                etag: `E${hex(`distribution::${name}::etag`, 13).toUpperCase()}`,
                callerReference: uuidOf(`distribution::${name}::caller`),
            },
        };
    },
    // A VPC origin's id is `vo_` and 22 letters and digits; its ARN, like every CloudFront ARN, has no region.
    "aws:cloudfront/vpcOrigin:VpcOrigin": ({ inputs, name, account }) => {
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const id = `vo_${[...Buffer.from(hex(`vpc-origin::${name}`, 44), "hex")].map((b) => alphabet[b % alphabet.length]).join("")}`;
        return { id, state: { ...inputs, arn: `arn:${MOCK_PARTITION}:cloudfront::${account}:vpcorigin/${id}`, etag: `E${hex(`vpc-origin::${name}::etag`, 13).toUpperCase()}` } };
    },
    "aws:cloudfront/originAccessControl:OriginAccessControl": ({ inputs, name, account }) => {
        const id = `E${hex(`oac::${name}`, 13).toUpperCase()}`;
        return { id, state: { ...inputs, arn: `arn:${MOCK_PARTITION}:cloudfront::${account}:origin-access-control/${id}`, etag: `E${hex(`oac::${name}::etag`, 13).toUpperCase()}` } };
    },
    // A public key's id is `K` and 13 uppercase letters and digits (K36X4X2EO997HM); with a name
    // prefix, its name gets the provider's 26-character unique suffix. A key group's id is a UUID.
    "aws:cloudfront/publicKey:PublicKey": ({ inputs, name }) => {
        const id = `K${hex(`public-key::${name}`, 13).toUpperCase()}`;
        const keyName = typeof inputs.name === "string" ? inputs.name : `${String(inputs.namePrefix ?? "terraform-")}${hex(`public-key::${name}::name`, 26)}`;
        return { id, state: { ...inputs, name: keyName, etag: `E${hex(`public-key::${name}::etag`, 13).toUpperCase()}`, callerReference: uuidOf(`public-key::${name}::caller`) } };
    },
    "aws:cloudfront/keyGroup:KeyGroup": ({ inputs, name }) => ({ id: uuidOf(`key-group::${name}`), state: { ...inputs, etag: `E${hex(`key-group::${name}::etag`, 13).toUpperCase()}` } }),
    "aws:appautoscaling/target:Target": ({ inputs, arnPrefix, name }) => ({
        id: String(inputs.resourceId),
        state: { ...inputs, arn: `${arnPrefix("application-autoscaling")}:scalable-target/${hex(name, 24)}` },
    }),
    "aws:appautoscaling/policy:Policy": ({ inputs, physical, arnPrefix, name }) => ({
        id: physical,
        state: { ...inputs, arn: `${arnPrefix("autoscaling")}:scalingPolicy:${uuidOf(name)}:resource/ecs/${String(inputs.resourceId)}:policyName/${physical}` },
    }),
    "aws:rds/instance:Instance": ({ inputs, physical, arnPrefix, region, name }) => {
        const identifier = String(inputs.identifier ?? physical);
        const address = `${identifier}.c${hex(`rds::${region}`, 11)}.${region}.rds.amazonaws.com`;
        const port = Number(inputs.port ?? 5432);
        return {
            id: identifier,
            state: {
                ...inputs,
                identifier,
                address,
                endpoint: `${address}:${port}`,
                port,
                arn: `${arnPrefix("rds")}:db:${identifier}`,
                resourceId: `db-${hex(name, 26).toUpperCase()}`,
                ...managedMasterSecret(inputs, arnPrefix, `db-${uuidOf(name)}`),
            },
        };
    },
    "aws:rds/cluster:Cluster": ({ inputs, physical, arnPrefix, region, name }) => {
        const identifier = String(inputs.clusterIdentifier ?? physical);
        const suffix = `c${hex(`rds::${region}`, 11)}.${region}.rds.amazonaws.com`;
        return {
            id: identifier,
            state: {
                ...inputs,
                clusterIdentifier: identifier,
                endpoint: `${identifier}.cluster-${suffix}`,
                readerEndpoint: `${identifier}.cluster-ro-${suffix}`,
                port: Number(inputs.port ?? 5432),
                arn: `${arnPrefix("rds")}:cluster:${identifier}`,
                clusterResourceId: `cluster-${hex(name, 26).toUpperCase()}`,
                ...managedMasterSecret(inputs, arnPrefix, `cluster-${uuidOf(name)}`),
            },
        };
    },
    "aws:rds/clusterInstance:ClusterInstance": ({ inputs, physical, arnPrefix, region }) => {
        const identifier = String(inputs.identifier ?? physical);
        return {
            id: identifier,
            state: { ...inputs, identifier, endpoint: `${identifier}.c${hex(`rds::${region}`, 11)}.${region}.rds.amazonaws.com`, arn: `${arnPrefix("rds")}:db:${identifier}` },
        };
    },
    "aws:rds/subnetGroup:SubnetGroup": ({ inputs, physical, arnPrefix }) => ({ id: physical, state: { ...inputs, name: physical, arn: `${arnPrefix("rds")}:subgrp:${physical}` } }),
    "aws:rds/parameterGroup:ParameterGroup": ({ inputs, physical, arnPrefix }) => ({ id: physical, state: { ...inputs, name: physical, arn: `${arnPrefix("rds")}:pg:${physical}` } }),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": ({ inputs, physical, arnPrefix }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `${arnPrefix("rds")}:cluster-pg:${physical}` },
    }),
    "aws:elasticache/replicationGroup:ReplicationGroup": ({ inputs, arnPrefix, region, name }) => {
        const id = String(inputs.replicationGroupId);
        const host = (role: string) => `${role}.${id}.${hex(`${name}::${region}`, 6)}.apn2.cache.amazonaws.com`;
        const clusterMode = inputs.clusterMode === "enabled";
        return {
            id,
            state: {
                ...inputs,
                arn: `${arnPrefix("elasticache")}:replicationgroup:${id}`,
                port: Number(inputs.port ?? 6379),
                ...(clusterMode
                    ? { configurationEndpointAddress: host("clustercfg") }
                    : { primaryEndpointAddress: host("master"), readerEndpointAddress: host("replica") }),
            },
        };
    },
    "aws:elasticache/subnetGroup:SubnetGroup": ({ inputs, physical, arnPrefix }) => ({ id: physical, state: { ...inputs, name: physical, arn: `${arnPrefix("elasticache")}:subnetgroup:${physical}` } }),
    "aws:elasticache/parameterGroup:ParameterGroup": ({ inputs, physical, arnPrefix }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `${arnPrefix("elasticache")}:parametergroup:${physical}` },
    }),
    "aws:elasticache/user:User": ({ inputs, arnPrefix }) => ({ id: String(inputs.userId), state: { ...inputs, arn: `${arnPrefix("elasticache")}:user:${String(inputs.userId)}` } }),
    "aws:elasticache/userGroup:UserGroup": ({ inputs, arnPrefix }) => ({
        id: String(inputs.userGroupId),
        state: { ...inputs, arn: `${arnPrefix("elasticache")}:usergroup:${String(inputs.userGroupId)}` },
    }),
    "aws:secretsmanager/secret:Secret": ({ inputs, physical, arnPrefix }) => {
        const arn = `${arnPrefix("secretsmanager")}:secret:${physical}-${secretSuffix(physical)}`;
        return { id: arn, state: { ...inputs, name: physical, arn } };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": ({ inputs, name }) => {
        const versionId = uuidOf(name);
        return { id: `${String(inputs.secretId)}|${versionId}`, state: { ...inputs, versionId, arn: inputs.secretId } };
    },
    "random:index/randomPassword:RandomPassword": ({ inputs, name }) => {
        // Deterministic stand-in of the requested length; the program must treat it as a secret.
        const length = Number(inputs.length ?? 32);
        const result = hex(`password::${name}`, 64).repeat(4).slice(0, length);
        return { id: "none", state: { ...inputs, result, bcryptHash: `$2a$10$${hex(name, 53)}` } };
    },
    // No stream unless one is asked for: `streamArn` and `streamLabel` stay unset, as DynamoDB leaves them.
    "aws:dynamodb/table:Table": ({ inputs, physical, arnPrefix }) => ({ id: physical, state: { ...inputs, name: physical, arn: `${arnPrefix("dynamodb")}:table/${physical}` } }),
    "aws:kms/key:Key": ({ inputs, name, arnPrefix }) => {
        const keyId = uuidOf(name);
        return { id: keyId, state: { ...inputs, keyId, arn: `${arnPrefix("kms")}:key/${keyId}` } };
    },
    "aws:kms/alias:Alias": ({ inputs, physical, arnPrefix }) => {
        const target = String(inputs.targetKeyId);
        return { id: physical, state: { ...inputs, name: physical, arn: `${arnPrefix("kms")}:${physical}`, targetKeyArn: target.startsWith("arn:") ? target : `${arnPrefix("kms")}:key/${target}` } };
    },
    // A parameter's id is its name; a hierarchical name's leading slash is the ARN's separator (`parameter/a/b`).
    "aws:ssm/parameter:Parameter": ({ inputs, physical, arnPrefix }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `${arnPrefix("ssm")}:parameter${physical.startsWith("/") ? "" : "/"}${physical}`, version: 1, tier: inputs.tier ?? "Standard", dataType: inputs.dataType ?? "text" },
    }),
    "aws:iam/instanceProfile:InstanceProfile": ({ inputs, physical, account }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `arn:${MOCK_PARTITION}:iam::${account}:instance-profile/${physical}`, uniqueId: `AIPA${hex(physical, 17).toUpperCase()}` },
    }),
    "aws:ec2/volumeAttachment:VolumeAttachment": ({ inputs }) => ({ id: `vai-${hex(`${String(inputs.volumeId)}::${String(inputs.instanceId)}`, 10)}`, state: { ...inputs } }),
    "random:index/randomId:RandomId": ({ inputs, name }) => {
        const bytes = Buffer.from(hex(`random-id::${name}`, Number(inputs.byteLength ?? 8) * 2), "hex");
        return { id: bytes.toString("base64url"), state: { ...inputs, hex: bytes.toString("hex"), b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64"), dec: BigInt(`0x${bytes.toString("hex")}`).toString() } };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ({ inputs, name }) => ({ id: `${String(inputs.role)}-${hex(name, 16)}`, state: { ...inputs } }),
    "aws:sns/topic:Topic": ({ inputs, physical, arnPrefix }) => {
        const arn = `${arnPrefix("sns")}:${physical}`;
        return { id: arn, state: { ...inputs, name: physical, arn, owner: MOCK_ACCOUNT_ID } };
    },
    "aws:sns/topicPolicy:TopicPolicy": ({ inputs }) => ({ id: String(inputs.arn), state: { ...inputs, owner: MOCK_ACCOUNT_ID } }),
    "aws:sns/topicSubscription:TopicSubscription": ({ inputs, name }) => {
        // Until the address confirms, AWS reports "PendingConfirmation" instead of an ARN.
        const arn = `${String(inputs.topic)}:${uuidOf(name)}`;
        return { id: arn, state: { ...inputs, arn, pendingConfirmation: inputs.protocol === "email", ownerId: MOCK_ACCOUNT_ID } };
    },
    // A function's id is its name; the invoke ARN is what API Gateway integrations take (its region the function's).
    "aws:lambda/function:Function": ({ inputs, physical, arnPrefix, region }) => {
        const arn = `${arnPrefix("lambda")}:function:${physical}`;
        return {
            id: physical,
            state: {
                ...inputs,
                name: physical,
                arn,
                qualifiedArn: `${arn}:$LATEST`,
                invokeArn: `arn:${MOCK_PARTITION}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                qualifiedInvokeArn: `arn:${MOCK_PARTITION}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}:$LATEST/invocations`,
                version: "$LATEST",
                lastModified: "2026-01-01T00:00:00.000+0000",
                sourceCodeHash: hex(`lambda::${physical}`, 64),
                ...(inputs.packageType === "Image" ? {} : { sourceCodeSize: 1048576 }),
            },
        };
    },
    // API Gateway v2: an API's id is 10 lowercase letters and digits, an integration's and a route's 7, an authorizer's 6;
    // a WebSocket API's endpoint is wss://, a stage's execution ARN <api execution ARN>/<stage>.
    "aws:apigatewayv2/api:Api": ({ inputs, name, region, account }) => {
        const id = apiGatewayId(`api::${name}`, 10);
        const scheme = inputs.protocolType === "WEBSOCKET" ? "wss" : "https";
        return {
            id,
            state: {
                ...inputs,
                arn: `arn:${MOCK_PARTITION}:apigateway:${region}::/apis/${id}`,
                apiEndpoint: `${scheme}://${id}.execute-api.${region}.amazonaws.com`,
                executionArn: `arn:${MOCK_PARTITION}:execute-api:${region}:${account}:${id}`,
                ipAddressType: inputs.ipAddressType ?? "ipv4",
            },
        };
    },
    "aws:apigatewayv2/stage:Stage": ({ inputs, physical, region, account }) => {
        const api = String(inputs.apiId);
        return {
            id: physical,
            state: {
                ...inputs,
                name: physical,
                arn: `arn:${MOCK_PARTITION}:apigateway:${region}::/apis/${api}/stages/${physical}`,
                executionArn: `arn:${MOCK_PARTITION}:execute-api:${region}:${account}:${api}/${physical}`,
                invokeUrl: `wss://${api}.execute-api.${region}.amazonaws.com/${physical}`,
                deploymentId: apiGatewayId(`deployment::${api}::${physical}`, 6),
            },
        };
    },
    "aws:apigatewayv2/integration:Integration": ({ inputs, name }) => ({ id: apiGatewayId(`integration::${name}`, 7), state: { ...inputs } }),
    "aws:apigatewayv2/route:Route": ({ inputs, name }) => ({ id: apiGatewayId(`route::${name}`, 7), state: { ...inputs } }),
    "aws:apigatewayv2/authorizer:Authorizer": ({ inputs, name }) => ({ id: apiGatewayId(`authorizer::${name}`, 6), state: { ...inputs } }),
    // The account's API Gateway settings in a Region: one resource, id "api-gateway-account" as the provider imports it.
    "aws:apigateway/account:Account": ({ inputs }) => ({ id: "api-gateway-account", state: { ...inputs, features: ["UsagePlans"], throttleSettings: [{ burstLimit: 5000, rateLimit: 10000 }] } }),
    // An asynchronous invocation configuration's id is the function as given (name or ARN), `:<qualifier>` for a version or alias.
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": ({ inputs }) => {
        const fn = String(inputs.functionName);
        return { id: typeof inputs.qualifier === "string" && inputs.qualifier !== "" ? `${fn}:${inputs.qualifier}` : fn, state: { ...inputs } };
    },
    // A Lambda permission's id is its statement id.
    "aws:lambda/permission:Permission": ({ inputs, name }) => ({ id: typeof inputs.statementId === "string" ? inputs.statementId : `terraform-${hex(name, 26)}`, state: { ...inputs } }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ({ inputs, physical, arnPrefix }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `${arnPrefix("cloudwatch")}:alarm:${physical}` },
    }),
    "aws:cloudwatch/dashboard:Dashboard": ({ inputs, account }) => {
        const dashboard = String(inputs.dashboardName);
        return { id: dashboard, state: { ...inputs, dashboardArn: `arn:${MOCK_PARTITION}:cloudwatch::${account}:dashboard/${dashboard}` } };
    },
    "aws:wafv2/webAcl:WebAcl": ({ inputs, physical, arnPrefix, name }) => {
        const id = uuidOf(name);
        const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
        return { id, state: { ...inputs, name: physical, arn: `${arnPrefix("wafv2")}:${scope}/webacl/${physical}/${id}`, capacity: 1000, lockToken: uuidOf(`${name}::lock`) } };
    },
    "aws:wafv2/webAclAssociation:WebAclAssociation": ({ inputs }) => ({ id: `${String(inputs.webAclArn)},${String(inputs.resourceArn)}`, state: { ...inputs } }),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": ({ inputs }) => ({ id: String(inputs.resourceArn), state: { ...inputs } }),
    "aws:appautoscaling/scheduledAction:ScheduledAction": ({ inputs, physical, arnPrefix, name }) => ({
        id: `${physical}-${String(inputs.serviceNamespace)}-${String(inputs.resourceId)}`,
        state: {
            ...inputs,
            name: physical,
            arn: `${arnPrefix("autoscaling")}:scheduledAction:${uuidOf(name)}:resource/${String(inputs.serviceNamespace)}/${String(inputs.resourceId)}:scheduledActionName/${physical}`,
        },
    }),
    // A schedule group's id is its name; a schedule's is `<group>/<name>`, as the provider imports them.
    "aws:scheduler/scheduleGroup:ScheduleGroup": ({ inputs, physical, arnPrefix }) => ({
        id: physical,
        state: { ...inputs, name: physical, arn: `${arnPrefix("scheduler")}:schedule-group/${physical}`, state: "ACTIVE" },
    }),
    "aws:scheduler/schedule:Schedule": ({ inputs, physical, arnPrefix }) => {
        const group = typeof inputs.groupName === "string" ? inputs.groupName : "default";
        return { id: `${group}/${physical}`, state: { ...inputs, name: physical, groupName: group, arn: `${arnPrefix("scheduler")}:schedule/${group}/${physical}` } };
    },
    // A queue's id is its URL; its ARN ends in its name.
    "aws:sqs/queue:Queue": ({ inputs, physical, arnPrefix, region, account }) => {
        const url = `https://sqs.${region}.amazonaws.com/${account}/${physical}`;
        return { id: url, state: { ...inputs, name: physical, url, arn: `${arnPrefix("sqs")}:${physical}` } };
    },
    // EKS: a cluster's id is its name; its endpoint `https://<32 hex>.<gr7>.<region>.eks.amazonaws.com`, its CA a
    // base64 PEM, its security group (EKS creates it) `sg-…`, its OIDC issuer under oidc.eks.
    "aws:eks/cluster:Cluster": ({ inputs, physical, arnPrefix, region, name }) => {
        const endpointId = hex(`eks::${name}`, 32).toUpperCase();
        const vpcConfig = (inputs.vpcConfig ?? {}) as Record<string, unknown>;
        return {
            id: physical,
            state: {
                ...inputs,
                name: physical,
                arn: `${arnPrefix("eks")}:cluster/${physical}`,
                endpoint: `https://${endpointId}.gr7.${region}.eks.amazonaws.com`,
                certificateAuthority: { data: Buffer.from(`-----BEGIN CERTIFICATE-----\nMIIC${hex(`eks-ca::${name}`, 60)}\n-----END CERTIFICATE-----\n`).toString("base64") },
                vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-0${hex(`${name}::eks-cluster-sg`, 16)}`, vpcId: `vpc-0${hex(`${name}::eks-vpc`, 16)}` },
                identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${endpointId}` }] }],
                platformVersion: "eks.1",
                status: "ACTIVE",
                clusterId: uuidOf(`eks-cluster::${name}`),
                createdAt: "2026-01-01T00:00:00Z",
            },
        };
    },
    "aws:eks/nodeGroup:NodeGroup": ({ inputs, arnPrefix, name }) => {
        const cluster = String(inputs.clusterName);
        const group = String(inputs.nodeGroupName ?? name);
        const suffix = uuidOf(`nodegroup::${name}`);
        return {
            id: `${cluster}:${group}`,
            state: {
                ...inputs,
                nodeGroupName: group,
                arn: `${arnPrefix("eks")}:nodegroup/${cluster}/${group}/${suffix}`,
                status: "ACTIVE",
                resources: [{ autoscalingGroups: [{ name: `eks-${group}-${suffix}` }], remoteAccessSecurityGroupId: "" }],
            },
        };
    },
    "aws:eks/addon:Addon": ({ inputs, arnPrefix, name }) => {
        const cluster = String(inputs.clusterName);
        const addon = String(inputs.addonName);
        return { id: `${cluster}:${addon}`, state: { ...inputs, arn: `${arnPrefix("eks")}:addon/${cluster}/${addon}/${uuidOf(`addon::${name}`)}` } };
    },
    "aws:eks/accessEntry:AccessEntry": ({ inputs, arnPrefix, name, account }) => {
        const cluster = String(inputs.clusterName);
        const principal = String(inputs.principalArn);
        return {
            id: `${cluster}:${principal}`,
            state: {
                ...inputs,
                accessEntryArn: `${arnPrefix("eks")}:access-entry/${cluster}/role/${account}/${lastSegment(principal)}/${uuidOf(`access-entry::${name}`)}`,
                kubernetesGroups: [],
                type: inputs.type ?? "STANDARD",
                userName: principal,
            },
        };
    },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ({ inputs }) => ({
        id: `${String(inputs.clusterName)}#${String(inputs.principalArn)}#${String(inputs.policyArn)}`,
        state: { ...inputs, associatedAt: "2026-01-01T00:00:00Z", modifiedAt: "2026-01-01T00:00:00Z" },
    }),
    // A pod identity association's id is `a-` and 17 lowercase letters and digits.
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ({ inputs, arnPrefix, name }) => {
        const id = `a-${apiGatewayId(`pod-identity::${name}`, 17)}`;
        return { id, state: { ...inputs, associationId: id, associationArn: `${arnPrefix("eks")}:podidentityassociation/${String(inputs.clusterName)}/${id}` } };
    },
};

/** The 6-character suffix Secrets Manager appends to a secret's name in its ARN. */
function secretSuffix(seed: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return [...Buffer.from(hex(seed, 12), "hex")].map((b) => alphabet[b % alphabet.length]).join("");
}

/** What RDS reports when it manages the master password: the secret it created in Secrets Manager. */
function managedMasterSecret(inputs: Record<string, unknown>, arnPrefix: (service: string) => string, secretName: string): Record<string, unknown> {
    if (inputs.manageMasterUserPassword !== true) {
        return {};
    }
    const name = `rds!${secretName}`;
    return {
        masterUserSecrets: [
            { secretArn: `${arnPrefix("secretsmanager")}:secret:${name}-${secretSuffix(name)}`, kmsKeyId: `${arnPrefix("kms")}:alias/aws/secretsmanager`, secretStatus: "active" },
        ],
    };
}

/** Sub-resources of an S3 bucket take the bucket's name as id. */
for (const type of [
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
]) {
    (SERVICE_RESOURCES as Record<string, (ctx: MockContext) => MockedState>)[type] = ({ inputs }) => ({ id: String(inputs.bucket), state: { ...inputs } });
}

// ---------------------------------------------------------------------------------------------
// Invokes.
// ---------------------------------------------------------------------------------------------

/** Availability zones per region the mock knows (names and zone ids as AWS reports them). */
const REGION_AZS: Readonly<Record<string, { names: string[]; zoneIds: string[] }>> = {
    "ap-northeast-2": {
        names: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"],
        zoneIds: ["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"],
    },
    "us-east-1": {
        names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
        zoneIds: ["use1-az6", "use1-az1", "use1-az2", "use1-az4", "use1-az3", "use1-az5"],
    },
};

/** An error as the engine reports one: Pulumi shows an invoke's failure from its `details`. */
function mockError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

/**
 * AWS-managed prefix lists the mock knows, by name, with their size. AWS counts a rule referencing
 * an AWS-managed list as the list's documented weight (components/network/security-groups/matrix.ts
 * cites it); the mock reports that weight as the list's maximum entries.
 */
const MANAGED_PREFIX_LISTS: Readonly<Record<string, { maxEntries: number }>> = {
    "com.amazonaws.global.cloudfront.origin-facing": { maxEntries: 55 },
};

/** What the mock answers as EKS's default add-on versions (`aws eks describe-addon-versions`' shape). */
const EKS_ADDON_DEFAULTS: Readonly<Record<string, string>> = {
    "vpc-cni": "v1.20.4-eksbuild.1",
    "kube-proxy": "v1.35.0-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.1",
    coredns: "v1.13.1-eksbuild.1",
    "aws-ebs-csi-driver": "v1.53.0-eksbuild.1",
    "metrics-server": "v0.8.0-eksbuild.5",
    "amazon-cloudwatch-observability": "v4.7.0-eksbuild.1",
};

/** The ELB account that writes access logs, per region (AWS's published list). */
const ELB_ACCOUNTS: Readonly<Record<string, string>> = { "ap-northeast-2": "600734575887", "us-east-1": "127311923021" };

function answerInvoke(token: string, inputs: Record<string, unknown>, region: string, absent: AbsentThings = {}): Record<string, unknown> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: MOCK_ACCOUNT_ID,
                arn: `arn:${MOCK_PARTITION}:sts::${MOCK_ACCOUNT_ID}:assumed-role/platform-deployer/offline-plan`,
                userId: "AROAEXAMPLEOFFLINEPLAN:offline-plan",
                id: MOCK_ACCOUNT_ID,
            };
        case "aws:index/getRegion:getRegion": {
            const name = typeof inputs.region === "string" ? inputs.region : region;
            return { id: name, name, region: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
        }
        case "aws:index/getPartition:getPartition":
            return { id: MOCK_PARTITION, partition: MOCK_PARTITION, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const azs = REGION_AZS[region] ?? { names: [`${region}a`, `${region}b`, `${region}c`], zoneIds: [] };
            return { id: region, region, names: azs.names, zoneIds: azs.zoneIds, groupNames: [region], state: "available" };
        }
        case "aws:ecr/getRepository:getRepository": {
            const repository = String(inputs.name);
            if (absent.repositories?.includes(repository)) {
                throw mockError(`RepositoryNotFoundException: The repository with name '${repository}' does not exist in the registry with id '${MOCK_ACCOUNT_ID}'`);
            }
            return {
                id: repository,
                name: repository,
                arn: `arn:${MOCK_PARTITION}:ecr:${region}:${MOCK_ACCOUNT_ID}:repository/${repository}`,
                registryId: MOCK_ACCOUNT_ID,
                repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repository}`,
                imageTagMutability: "IMMUTABLE",
            };
        }
        case "aws:ecr/getImage:getImage": {
            const repository = String(inputs.repositoryName);
            const tag = typeof inputs.imageTag === "string" ? inputs.imageTag : undefined;
            const wanted = `${repository}:${tag ?? String(inputs.imageDigest)}`;
            if (absent.repositories?.includes(repository)) {
                throw mockError(`RepositoryNotFoundException: The repository with name '${repository}' does not exist in the registry with id '${MOCK_ACCOUNT_ID}'`);
            }
            if (absent.images?.includes(wanted)) {
                throw mockError(`ImageNotFoundException: The image with imageId {imageTag:'${tag}'} does not exist within the repository with name '${repository}'`);
            }
            const digest = typeof inputs.imageDigest === "string" ? inputs.imageDigest : `sha256:${createHash("sha256").update(wanted).digest("hex")}`;
            return { id: digest, registryId: MOCK_ACCOUNT_ID, repositoryName: repository, imageDigest: digest, imageTags: tag ? [tag] : [], imagePushedAt: 1767225600, imageSizeInBytes: 104857600, imageUri: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}` };
        }
        case "aws:ssm/getParameter:getParameter": {
            const parameter = String(inputs.name);
            if (!parameter.startsWith("/aws/service/ami-amazon-linux-latest/")) {
                throw mockError(`mock runtime: no answer for SSM parameter ${parameter}; add it to answerInvoke`);
            }
            const ami = `ami-0${hex(`${region}::${parameter}`, 16)}`;
            return { id: parameter, name: parameter, type: "String", value: ami, insecureValue: ami, arn: `arn:${MOCK_PARTITION}:ssm:${region}::parameter${parameter}`, version: 1 };
        }
        case "aws:route53/getZone:getZone": {
            const zoneName = String(inputs.name).replace(/\.$/, "");
            if (absent.zones?.includes(zoneName)) {
                throw mockError(`no matching Route 53 Hosted Zone found`);
            }
            const zoneId = `Z0${hex(zoneName, 19).toUpperCase()}`;
            return { id: zoneId, zoneId, name: zoneName, privateZone: false, nameServers: [`ns-1.awsdns-01.org`], arn: `arn:${MOCK_PARTITION}:route53:::hostedzone/${zoneId}` };
        }
        // An AWS-managed prefix list, by name: its id (`pl-` and 8 hex digits, as AWS's own lists have) differs by region.
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
            const listName = String(inputs.name);
            const list = MANAGED_PREFIX_LISTS[listName];
            if (!list) {
                throw mockError(`no matching EC2 Managed Prefix List found (name: ${listName}); the mock knows ${Object.keys(MANAGED_PREFIX_LISTS).join(", ")}`);
            }
            const id = `pl-${hex(`${region}::${listName}`, 8)}`;
            return {
                id,
                name: listName,
                arn: `arn:${MOCK_PARTITION}:ec2:${region}:aws:prefix-list/${id}`,
                addressFamily: "IPv4",
                maxEntries: list.maxEntries,
                ownerId: "AWS",
                version: 1,
                entries: [],
                tags: {},
                region,
            };
        }
        // EKS's default version of an add-on for a Kubernetes version (the mock's are shaped as AWS's: `v<upstream>-eksbuild.<n>`).
        case "aws:eks/getAddonVersion:getAddonVersion": {
            const addon = String(inputs.addonName);
            const version = EKS_ADDON_DEFAULTS[addon];
            if (!version) {
                throw mockError(`InvalidParameterException: Addon ${addon} specified is not supported; the mock knows ${Object.keys(EKS_ADDON_DEFAULTS).join(", ")}`);
            }
            const kubernetesVersion = String(inputs.kubernetesVersion);
            // kube-proxy follows the cluster's Kubernetes version; the others do not.
            const answer = addon === "kube-proxy" ? `v${kubernetesVersion}.0-eksbuild.1` : version;
            return { id: addon, addonName: addon, kubernetesVersion, mostRecent: inputs.mostRecent === true, version: answer };
        }
        case "aws:elb/getServiceAccount:getServiceAccount": {
            const elbAccount = ELB_ACCOUNTS[region];
            if (!elbAccount) {
                throw mockError(`mock runtime: no ELB log-delivery account known for ${region}; add it to ELB_ACCOUNTS`);
            }
            return { id: elbAccount, arn: `arn:${MOCK_PARTITION}:iam::${elbAccount}:root` };
        }
        default:
            throw mockError(`mock runtime: no answer for invoke ${token}; teach tests/support/mock-runtime.ts (answerInvoke) a realistic reply`);
    }
}

// ---------------------------------------------------------------------------------------------
// Recording.
// ---------------------------------------------------------------------------------------------

/**
 * Turns the wire form of registered inputs into plain JSON: secrets become `[secret]`, resource
 * references their id (or URN), unknowns `[unknown]`; internal `__` keys are dropped.
 */
function toPlanValue(value: unknown): unknown {
    if (value === unknownValue) {
        return UNKNOWN_PLACEHOLDER;
    }
    if (Array.isArray(value)) {
        return value.map(toPlanValue);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[specialSigKey] === specialSecretSig) {
            return SECRET_PLACEHOLDER;
        }
        if (record[specialSigKey] === specialResourceSig) {
            return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
        }
        const plain: Record<string, unknown> = {};
        for (const key of Object.keys(record)) {
            if (!key.startsWith("__")) {
                plain[key] = toPlanValue(record[key]);
            }
        }
        return plain;
    }
    return value;
}

interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAliasesList(): Array<{ getUrn(): string }>;
    getAliasurnsList(): string[];
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }) => void): void };
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getProvider(): string;
}
interface RegisterResourceResponse {
    getUrn(): string;
    getId(): string;
}
type Callback = (err: unknown, response: RegisterResourceResponse | undefined) => void;

/** The dependencies that are not those of an input: what `dependsOn` added. */
function explicitDependencies(req: RegisterResourceRequest): string[] {
    const ofInputs = new Set<string>();
    req.getPropertydependenciesMap().forEach((dependencies) => dependencies.getUrnsList().forEach((urn) => ofInputs.add(urn)));
    return req.getDependenciesList().filter((urn) => !ofInputs.has(urn)).sort();
}

/** The custom timeouts a registration carries, those set only. */
function customTimeoutsOf(req: RegisterResourceRequest): RecordedOptions["customTimeouts"] {
    const timeouts = req.getCustomtimeouts();
    if (!timeouts) {
        return {};
    }
    const set = (value: string) => (value !== "" ? value : undefined);
    const [create, update, remove] = [set(timeouts.getCreate()), set(timeouts.getUpdate()), set(timeouts.getDelete())];
    return { ...(create ? { create } : {}), ...(update ? { update } : {}), ...(remove ? { delete: remove } : {}) };
}

/** The explicit provider's URN (a reference is `<urn>::<id>`); nothing for a default provider. */
function explicitProvider(req: RegisterResourceRequest): { provider?: string } {
    const reference = req.getProvider();
    if (!reference) {
        return {};
    }
    const urn = reference.slice(0, reference.lastIndexOf("::"));
    return urn.includes("::default_") ? {} : { provider: urn };
}

/**
 * Adds recording to the monitor `setMocks` installed. The mock API hands `newResource` neither
 * the parent nor the URN, so the records are taken at the monitor, where both are known.
 */
function recordRegistrations(records: RecordedResource[]): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor & {
        registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void>;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterResourceRequest, callback: Callback) => {
        const registered = {
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            custom: req.getCustom(),
            inputs: toPlanValue(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
            options: {
                protect: req.getProtect(),
                retainOnDelete: req.getRetainondelete(),
                deleteBeforeReplace: req.getDeletebeforereplace(),
                ignoreChanges: req.getIgnorechangesList(),
                replaceOnChanges: req.getReplaceonchangesList(),
                aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((alias) => alias.getUrn()).filter((urn) => urn !== "")].sort(),
                dependsOn: [...req.getDependenciesList()].sort(),
                explicitDependsOn: explicitDependencies(req),
                customTimeouts: customTimeoutsOf(req),
                ...explicitProvider(req),
            },
        };
        return register(req, (err, response) => {
            if (!err && response) {
                records.push({ urn: response.getUrn(), id: response.getId() || null, ...registered });
            }
            callback(err, response);
        });
    };
}

// ---------------------------------------------------------------------------------------------
// Running a program.
// ---------------------------------------------------------------------------------------------

/** How the SDK prefixes a warning it prints for want of an engine (`@pulumi/pulumi/log`). */
const RUNTIME_WARNING = "warning: [runtime] ";

/**
 * Runs `program` as the Pulumi CLI would — inside a root `pulumi:pulumi:Stack`, whose outputs
 * are what `program` returns — against the mock runtime, and waits for every registration.
 * Rejects with the program's own error (e.g. a ConfigError) when it fails.
 */
export async function runProgram(program: () => unknown, options: RunOptions): Promise<ProgramRun> {
    const project = options.project ?? DEFAULT_PROJECT;
    const config = options.config ?? {};
    const region = config["aws:region"] ?? DEFAULT_REGION;
    const records: RecordedResource[] = options.registered ?? [];
    const failures: unknown[] = [];
    // A failure inside an apply leaves resources waiting on it forever; the first one ends the run.
    let failed: (reason: unknown) => void = () => {};
    const firstFailure = new Promise<never>((_, reject) => (failed = reject));
    firstFailure.catch(() => {});
    const onRejection = (reason: unknown) => {
        failures.push(reason);
        failed(reason);
    };

    pulumi.runtime.setAllConfig({ ...config }, [...(options.secretKeys ?? [])]);
    useProjectDirectory(options.projectDirectory);
    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) =>
                args.custom ? mockResource(args.type, args.name, args.inputs, region) : { id: undefined, state: {} },
            call: (args: pulumi.runtime.MockCallArgs) => answerInvoke(args.token, args.inputs, region, options.absent),
        },
        project,
        options.stack,
        false,
    );
    recordRegistrations(records);

    // Pulumi records a stack trace for every resource and promise it creates, which is most of a
    // run's time; none is needed to plan. PLAN_STACK_TRACES=1 keeps them for debugging.
    // Its resources still ask for their source position (Resource.callsites lifts the limit), and
    // with source maps on (scripts/register.js) every one of those traces is mapped: off for the run.
    const stackTraceLimit = Error.stackTraceLimit;
    const sourceMaps = process.sourceMapsEnabled;
    if (process.env.PLAN_STACK_TRACES !== "1") {
        Error.stackTraceLimit = 0;
        process.setSourceMapsEnabled(false);
    }
    process.on("unhandledRejection", onRejection);
    // Without an engine, the SDK prints `pulumi.log.warn` to the console; the run keeps them instead.
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (text.startsWith(RUNTIME_WARNING)) {
            warnings.push(text.slice(RUNTIME_WARNING.length));
        } else {
            consoleWarn(...args);
        }
    };
    try {
        let outputs: Record<string, unknown> | undefined;
        try {
            outputs = await Promise.race([pulumi.runtime.runInPulumiStack(async () => program()), firstFailure]);
        } catch (err) {
            failures.unshift(err);
        }
        // Let every registration in flight finish, so the records are complete even on failure.
        await Promise.race([pulumi.runtime.disconnect(), firstFailure]).catch(() => {});
        // Node reports an unhandled rejection (a failed apply, say) only after the current tick.
        await new Promise((resolve) => setImmediate(resolve));
        if (failures.length > 0) {
            // A failed program leaves the resources that waited on the failure pending for good, as
            // the engine would abandon them: forget them, or the SDK reports them as leaks at exit.
            leakedPromises();
            throw failures[0];
        }
        return { project, stack: options.stack, resources: records, outputs: toPlanValue(outputs ?? {}) as Record<string, unknown>, warnings };
    } finally {
        console.warn = consoleWarn;
        process.off("unhandledRejection", onRejection);
        Error.stackTraceLimit = stackTraceLimit;
        process.setSourceMapsEnabled(sourceMaps);
    }
}
