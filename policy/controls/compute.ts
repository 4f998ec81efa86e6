/**
 * ECS, EC2 (the Kafka nodes, launch templates) and Lambda controls of the baseline.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Control, Finding, Props, dependenciesOf, isObject, known, list, parseJson, truthy } from "../lib";
import { T } from "../types";

interface Container {
    name?: string;
    privileged?: boolean;
    readonlyRootFilesystem?: boolean;
    environment?: Array<{ name?: string; value?: string }>;
    logConfiguration?: { logDriver?: string };
}

function containersOf(props: Props): Container[] {
    return list(parseJson(props.containerDefinitions)).filter(isObject) as Container[];
}

/** Environment variables AWS's ECS.8 rule looks for, and names that hold a credential when they hold anything. */
const AWS_SECRET_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];
const CREDENTIAL_NAME = /(password|passwd|secret|token|private_?key|api_?key|credential)/i;
/** A name that holds a reference to a secret, not one: an ARN, a JSON key of one, a key's id. */
const REFERENCE_NAME = /(_ARN|_SECRET_KEY|_KEY_ID)$/i;

export const ecsControls: Control[] = [
    {
        name: "ecs-4-no-privileged-containers",
        fsbp: "ECS.4",
        severity: "high",
        description: "No container of an ECS task definition runs privileged (root on the host).",
        types: [T.taskDefinition],
        check: (props) => containersOf(props).filter((c) => c.privileged === true).map((c) => `container ${c.name ?? "?"} is privileged; remove privileged: true`),
    },
    {
        name: "ecs-5-read-only-root-filesystem",
        fsbp: "ECS.5",
        severity: "high",
        description: "Every container of an ECS task definition has a read-only root filesystem (writable paths are mounted volumes).",
        types: [T.taskDefinition],
        check: (props) =>
            containersOf(props)
                .filter((c) => c.readonlyRootFilesystem !== true)
                .map((c) => `container ${c.name ?? "?"} has a writable root filesystem; set readonlyRootFilesystem: true and mount the paths it writes`),
    },
    {
        name: "ecs-8-secrets-not-in-environment",
        fsbp: "ECS.8",
        severity: "high",
        description: "Credentials reach containers through `secrets` (Secrets Manager or SSM references), never as plain `environment` values.",
        types: [T.taskDefinition],
        check: (props) =>
            containersOf(props).flatMap((c) =>
                (c.environment ?? [])
                    .map((e) => String(e.name ?? ""))
                    .filter((name) => AWS_SECRET_NAMES.includes(name) || (CREDENTIAL_NAME.test(name) && !REFERENCE_NAME.test(name)))
                    .map((name) => `container ${c.name ?? "?"} gets ${name} as a plain environment variable; pass it through secrets (valueFrom a Secrets Manager or SSM ARN)`),
            ),
    },
    {
        name: "ecs-9-container-logging",
        fsbp: "ECS.9",
        description: "Every container of an ECS task definition logs to CloudWatch Logs (logDriver awslogs).",
        types: [T.taskDefinition],
        check: (props) =>
            containersOf(props)
                .filter((c) => c.logConfiguration?.logDriver !== "awslogs")
                .map((c) => `container ${c.name ?? "?"} ${c.logConfiguration?.logDriver ? `logs with ${c.logConfiguration.logDriver}` : "has no logConfiguration"}; use the awslogs driver`),
    },
    {
        name: "ecs-2-no-public-ip",
        fsbp: "ECS.2",
        severity: "high",
        description: "ECS services give their tasks no public IP address (they sit in private subnets behind the ALB).",
        types: [T.ecsService],
        check: (props) => (isObject(props.networkConfiguration) && truthy(props.networkConfiguration.assignPublicIp) ? ["assignPublicIp is true; tasks get a public IP address"] : []),
    },
    {
        name: "ecs-12-container-insights",
        fsbp: "ECS.12",
        description: "ECS clusters have Container Insights on (enabled or enhanced).",
        types: [T.ecsCluster],
        check: (props) => {
            const setting = list(props.settings).filter(isObject).find((s) => s.name === "containerInsights");
            return setting && (setting.value === "enabled" || setting.value === "enhanced") ? [] : [`Container Insights is ${setting ? String(setting.value) : "not set (off)"}; set the containerInsights setting to enabled`];
        },
    },
];

/** Block devices of an instance or launch template that are not encrypted. */
function unencryptedDevices(props: Props, type: string): string[] {
    if (type === T.ebsVolume) {
        return props.encrypted === true ? [] : ["the volume is not encrypted; set encrypted: true"];
    }
    if (type === T.ec2Instance) {
        const devices = [
            ...(isObject(props.rootBlockDevice) ? [{ name: "root", device: props.rootBlockDevice }] : [{ name: "root", device: {} }]),
            ...list(props.ebsBlockDevices).filter(isObject).map((device) => ({ name: String(device.deviceName ?? "ebs"), device })),
        ];
        return devices.filter(({ device }) => !truthy((device as Props).encrypted)).map(({ name }) => `the ${name} block device is not encrypted; set encrypted: true`);
    }
    return list(props.blockDeviceMappings)
        .filter(isObject)
        .filter((m) => isObject(m.ebs) && !truthy(m.ebs.encrypted))
        .map((m) => `block device ${String(m.deviceName ?? "?")} is not encrypted; set ebs.encrypted: "true"`);
}

function sshRuleProblem(props: Props, type: string): string | undefined {
    const direction = type === T.securityGroupRule ? props.type : "ingress";
    if (direction !== "ingress") {
        return undefined;
    }
    const protocol = String(props.ipProtocol ?? props.protocol ?? "");
    const from = Number(props.fromPort);
    const to = Number(props.toPort);
    const allPorts = protocol === "-1" || protocol === "all" || (from <= 22 && to >= 22);
    const fromCidr = [props.cidrIpv4, props.cidrIpv6, ...list(props.cidrBlocks), ...list(props.ipv6CidrBlocks), props.prefixListId].some((v) => typeof v === "string" && v !== "");
    return allPorts && (protocol === "tcp" || protocol === "6" || protocol === "-1" || protocol === "all") && fromCidr
        ? `opens port 22 (SSH) to ${String(props.cidrIpv4 ?? props.cidrIpv6 ?? list(props.cidrBlocks).join(", ") ?? "addresses")}; reach instances with Session Manager instead`
        : undefined;
}

export const ec2Controls: Control[] = [
    {
        name: "ec2-8-imdsv2",
        fsbp: "EC2.8",
        severity: "high",
        description: "EC2 instances accept instance metadata (IMDS) requests with a session token only (IMDSv2).",
        types: [T.ec2Instance],
        check: (props) => (isObject(props.metadataOptions) && props.metadataOptions.httpTokens === "required" ? [] : ["IMDSv1 is allowed; set metadataOptions.httpTokens: required"]),
    },
    {
        name: "ec2-170-launch-template-imdsv2",
        fsbp: "EC2.170",
        description: "EC2 launch templates require IMDSv2.",
        types: [T.launchTemplate],
        check: (props) => (isObject(props.metadataOptions) && props.metadataOptions.httpTokens === "required" ? [] : ["IMDSv1 is allowed; set metadataOptions.httpTokens: required"]),
    },
    {
        name: "ec2-3-ebs-encrypted",
        fsbp: "EC2.3",
        severity: "medium",
        description: "EBS volumes are encrypted at rest: volumes, instances' block devices and launch templates' mappings (EC2.181 for launch templates).",
        types: [T.ebsVolume, T.ec2Instance, T.launchTemplate],
        check: (props, args) => unencryptedDevices(props, args.type),
    },
    {
        name: "ec2-9-no-public-ip",
        fsbp: "EC2.9",
        severity: "high",
        description: "EC2 instances get no public IPv4 address, nor do launch templates' network interfaces (EC2.25).",
        types: [T.ec2Instance, T.launchTemplate],
        check: (props, args) =>
            args.type === T.ec2Instance
                ? truthy(props.associatePublicIpAddress)
                    ? ["associatePublicIpAddress is true"]
                    : []
                : list(props.networkInterfaces)
                      .filter(isObject)
                      .filter((n) => truthy(n.associatePublicIpAddress))
                      .map(() => "a network interface has associatePublicIpAddress: true"),
    },
    {
        name: "ec2-no-ssh",
        description:
            "No SSH: no security group opens port 22 to addresses (Security Hub EC2.13 and FSBP EC2.19 cover only 0.0.0.0/0), and no instance or launch template carries a key pair; operators use Session Manager.",
        severity: "high",
        types: [T.ingressRule, T.securityGroupRule, T.securityGroup, T.ec2Instance, T.launchTemplate],
        check: (props, args) => {
            if (args.type === T.ec2Instance || args.type === T.launchTemplate) {
                return typeof props.keyName === "string" && props.keyName !== "" ? [`has the key pair ${props.keyName}; use Session Manager instead of SSH`] : [];
            }
            if (args.type === T.securityGroup) {
                return list(props.ingress)
                    .filter(isObject)
                    .map((rule) => sshRuleProblem({ ...rule, ipProtocol: rule.protocol }, T.ingressRule))
                    .filter((m): m is string => m !== undefined);
            }
            const problem = sshRuleProblem(props, args.type);
            return problem ? [problem] : [];
        },
    },
];

/** Host names of VPC data stores a function's environment may hold. */
const VPC_STORE_HOST = /\.(rds|cache)\.amazonaws\.com(:\d+)?$|^(10\.\d+|172\.(1[6-9]|2\d|3[01])|192\.168)\.\d+\.\d+(:\d+)?$/;
/** Resource types of data stores that live in a VPC. */
const VPC_STORE_TYPES = new Set<string>([T.rdsInstance, T.rdsCluster, T.rdsClusterInstance, T.replicationGroup, T.ec2Instance, "aws:ec2/networkInterface:NetworkInterface", "aws:msk/cluster:Cluster", "aws:elasticache/serverlessCache:ServerlessCache"]);

/** Whether a function's environment names a VPC data store (by dependency, or by a known value). */
function reachesVpcStore(fn: PolicyResource): boolean {
    if (dependenciesOf(fn, "environment").some((d) => VPC_STORE_TYPES.has(d.type))) {
        return true;
    }
    const variables = known(() => (isObject(fn.props.environment) && isObject(fn.props.environment.variables) ? { ...fn.props.environment.variables } : {})) ?? {};
    return Object.keys(variables).some((key) => {
        const value = known(() => variables[key]);
        return typeof value === "string" && value.split(",").some((part) => VPC_STORE_HOST.test(part.trim()));
    });
}

export const lambdaControls: Control[] = [
    {
        name: "lambda-1-no-public-access",
        fsbp: "Lambda.1",
        severity: "critical",
        description: "No Lambda function is public: no permission for every principal (`*`) and no function URL without IAM auth.",
        types: [T.lambdaPermission, T.lambdaFunctionUrl],
        check: (props, args) => {
            if (args.type === T.lambdaFunctionUrl) {
                return props.authorizationType === "NONE" ? ["the function URL has authorizationType NONE (public); use AWS_IAM"] : [];
            }
            const problems: string[] = [];
            if (props.principal === "*") {
                problems.push("grants lambda:InvokeFunction to every principal (*)");
            }
            if (props.functionUrlAuthType === "NONE") {
                problems.push("opens the function URL to everyone (functionUrlAuthType NONE)");
            }
            return problems;
        },
    },
    {
        name: "lambda-xray-active",
        description: "Lambda functions trace with AWS X-Ray (tracingConfig.mode Active).",
        types: [T.lambdaFunction],
        check: (props) => (isObject(props.tracingConfig) && props.tracingConfig.mode === "Active" ? [] : ["X-Ray tracing is not Active; set tracingConfig.mode: Active"]),
    },
    {
        name: "lambda-vpc-for-data-stores",
        description:
            "A Lambda function whose environment names a data store inside the VPC (RDS, ElastiCache, Kafka on EC2) runs in the VPC (vpcConfig with subnets), so it reaches it privately (Security Hub Lambda.3 asks it of every function).",
        stack: (resources) =>
            resources
                .filter((r) => r.type === T.lambdaFunction && reachesVpcStore(r))
                .filter((r) => !isObject(r.props.vpcConfig) || list(known(() => (r.props.vpcConfig as Props).subnetIds)).length === 0)
                .map((r): Finding => ({ resource: r, message: `${r.name} reaches a VPC data store but has no vpcConfig; run it in the private subnets` })),
    },
    {
        name: "lambda-log-group-retention",
        description:
            "Every Lambda function logs to a log group of the stack (loggingConfig.logGroup, or /aws/lambda/<name>), which the log-group policy holds to a retention; otherwise Lambda creates one that keeps logs forever.",
        stack: (resources) => {
            const groups = new Set(resources.filter((r) => r.type === T.logGroup).map((r) => known(() => r.props.name)).filter((n) => typeof n === "string"));
            return resources
                .filter((r) => r.type === T.lambdaFunction)
                .flatMap((fn): Finding[] => {
                    const configured = known(() => (isObject(fn.props.loggingConfig) ? fn.props.loggingConfig.logGroup : undefined));
                    const name = known(() => fn.props.name);
                    const group = typeof configured === "string" ? configured : typeof name === "string" ? `/aws/lambda/${name}` : undefined;
                    if (group === undefined || groups.has(group) || dependenciesOf(fn, "loggingConfig", T.logGroup).length > 0) {
                        return [];
                    }
                    return [{ resource: fn, message: `${fn.name} logs to ${group}, which the stack does not create; create it with a retention (and loggingConfig.logGroup)` }];
                });
        },
    },
];
