/**
 * AWS hard limits and fixed value sets that config validation checks before AWS can reject a
 * value . Each entry names its source so a reviewer can check it.
 */
import { Ipv4Cidr, mustParseCidr } from "./cidr";

/**
 * VPC and subnet IPv4 block sizes: AWS accepts /16 (65,536 addresses) to /28 (16 addresses).
 * Source: Amazon VPC User Guide, "VPC CIDR blocks" and "Subnet CIDR blocks".
 */
export const VPC_PREFIX_RANGE = { min: 16, max: 28 } as const;
export const SUBNET_PREFIX_RANGE = { min: 16, max: 28 } as const;

/**
 * Address ranges a VPC may use without routing conflicts on the internet: RFC 1918 private
 * space and the RFC 6598 shared space. AWS accepts public ranges too, but a VPC on public space
 * shadows real internet hosts, which is never what a platform stack means.
 */
export const PRIVATE_IPV4_RANGES: readonly Ipv4Cidr[] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
].map(mustParseCidr);

/**
 * The only retention periods CloudWatch Logs accepts (days). Source: CloudWatch Logs API,
 * PutRetentionPolicy `retentionInDays`.
 */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/**
 * Tags: at most 50 per resource; keys 1–128 characters, values 0–256; the `aws:` prefix is
 * reserved. Source: "Tagging AWS resources", tag naming limits.
 */
export const TAG_LIMITS = { maxTagsPerResource: 50, maxKeyLength: 128, maxValueLength: 256, reservedPrefix: "aws:" } as const;

/** VPC flow log capture filters (`trafficType`). */
export const FLOW_LOG_TRAFFIC_TYPES = ["ALL", "ACCEPT", "REJECT"] as const;
export type FlowLogTrafficType = (typeof FLOW_LOG_TRAFFIC_TYPES)[number];

/**
 * Flow log aggregation interval: AWS accepts only 60 or 600 seconds.
 * Source: EC2 API CreateFlowLogs `MaxAggregationInterval`.
 */
export const FLOW_LOG_AGGREGATION_SECONDS = [60, 600] as const;

/** Gateway VPC endpoints exist for exactly these two services. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
export type GatewayEndpointService = (typeof GATEWAY_ENDPOINT_SERVICES)[number];

/**
 * Interface endpoints this library knows how to place. The first five are what a Fargate task
 * in a private subnet needs without a NAT (image pull, logs, secrets, parameters); the rest serve
 * Session Manager, STS, KMS, CloudWatch and API Gateway's private APIs.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
    "ecr.api",
    "ecr.dkr",
    "logs",
    "secretsmanager",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "sts",
    "kms",
    "monitoring",
    // Private REST APIs of API Gateway; refused beside platform:websocket (with private DNS it sends
    // the handlers' calls to the public @connections endpoint into the VPC, where they get 403).
    "execute-api",
] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/**
 * Without a NAT gateway a Fargate task can still pull its image and ship its logs only through
 * these endpoints (ECR's image layers come from S3, through the S3 gateway endpoint).
 * Source: Amazon ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)".
 */
export const ENDPOINTS_REQUIRED_WITHOUT_NAT: readonly InterfaceEndpointService[] = ["ecr.api", "ecr.dkr", "logs"];

/** Why `days` is not a retention CloudWatch accepts, or undefined when it is one. */
export function logRetentionProblem(days: number): string | undefined {
    return (LOG_RETENTION_DAYS as readonly number[]).includes(days)
        ? undefined
        : `${days} is not a retention CloudWatch Logs accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}`;
}

/** A KMS key ARN (not an alias): `arn:aws:kms:<region>:<account>:key/<key id>`; multi-Region keys start `mrk-`. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key\/(?:mrk-)?[0-9a-f-]{32,36}$/;

/** Why `arn` is not a KMS key ARN, or undefined. */
export function kmsKeyArnProblem(arn: string): string | undefined {
    return KMS_KEY_ARN.test(arn) ? undefined : `${JSON.stringify(arn)} is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key-id>`;
}
