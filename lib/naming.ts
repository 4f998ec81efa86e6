/**
 * The one naming helper: every physical AWS name in the program comes from here, so the seed's
 * convention (`goorm-popcorn-<env>-…`) and each service's length and character limits are
 * enforced in one place.
 */

/** Environment classes: which defaults and safety rules a stack gets (`platform:env`). */
export const ENVS = ["dev", "prod"] as const;
export type Env = (typeof ENVS)[number];

/** An environment's name in physical names and tags (`platform:envName`): `staging`, `qa2`. */
export const ENV_NAME_RULE = {
    pattern: /^[a-z][a-z0-9]{1,9}$/,
    allowed: "2–10 lowercase letters and digits, starting with a letter",
} as const;

/** A name limit of one AWS resource kind (each service's API reference). */
export interface NameRule {
    readonly maxLength: number;
    readonly pattern: RegExp;
    /** What the pattern allows, in words, for error messages. */
    readonly allowed: string;
}

const HYPHENATED = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

export const NAME_RULES = {
    /** The `Name` tag shown in the console. */
    nameTag: { maxLength: 256, pattern: /^[^\s].*$/, allowed: "any text up to 256 characters" },
    /** IAM role names. */
    iamRole: { maxLength: 64, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-" },
    /** CloudWatch log group names. */
    logGroup: { maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, allowed: "letters, digits and ._-/#" },
    /** EC2 security group names (`sg-` is reserved for ids). */
    securityGroup: {
        maxLength: 255,
        pattern: /^(?!sg-)[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
        allowed: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with sg-",
    },
    /** Application Load Balancer names. */
    loadBalancer: {
        maxLength: 32,
        pattern: /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        allowed: "letters, digits and hyphens, no leading or trailing hyphen, not starting with internal-",
    },
    /** ELB target group names. */
    targetGroup: { maxLength: 32, pattern: HYPHENATED, allowed: "letters, digits and hyphens, no leading or trailing hyphen" },
    /** ECS cluster and service names. */
    ecs: { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores" },
    /** ECR repository names. */
    ecrRepository: {
        maxLength: 256,
        pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
        allowed: "lowercase letters, digits and single ._-/ separators",
    },
    /** RDS DB instance and cluster identifiers. */
    rdsIdentifier: {
        maxLength: 63,
        pattern: /^[a-z](?:(?!--)[a-z0-9-])*[a-z0-9]$/,
        allowed: "lowercase letters, digits and hyphens, starting with a letter, no -- and no trailing hyphen",
    },
    /** ElastiCache replication group ids. */
    elasticacheReplicationGroup: {
        maxLength: 40,
        pattern: /^[a-z](?:(?!--)[a-z0-9-])*[a-z0-9]$/,
        allowed: "lowercase letters, digits and hyphens, starting with a letter, no -- and no trailing hyphen",
    },
    /** ElastiCache RBAC user ids and user group ids. */
    elasticacheUser: {
        maxLength: 40,
        pattern: /^[A-Za-z][A-Za-z0-9-]*$/,
        allowed: "letters, digits and hyphens, starting with a letter",
    },
    /** ElastiCache subnet group names (ElastiCache stores them lowercase). */
    elasticacheSubnetGroup: {
        maxLength: 255,
        pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
        allowed: "lowercase letters, digits and hyphens, no leading or trailing hyphen",
    },
    /** ElastiCache parameter group names. */
    elasticacheParameterGroup: {
        maxLength: 255,
        pattern: /^[a-z](?:(?!--)[a-z0-9-])*[a-z0-9]$/,
        allowed: "lowercase letters, digits and hyphens, starting with a letter, no -- and no trailing hyphen",
    },
    /** Secrets Manager secret names. */
    secretsManagerSecret: { maxLength: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, allowed: "letters, digits and /_+=.@-" },
    /** SNS topic names (standard topics). */
    snsTopic: { maxLength: 256, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores" },
    /** CloudWatch alarm names: printable text, no control characters. */
    cloudwatchAlarm: { maxLength: 255, pattern: /^[^\x00-\x1f\x7f]+$/, allowed: "printable characters" },
    /** CloudWatch dashboard names. */
    cloudwatchDashboard: { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores" },
    /** WAFv2 web ACL, rule and metric names. */
    wafName: { maxLength: 128, pattern: /^[\w-]+$/, allowed: "letters, digits, hyphens and underscores" },
    /** Lambda function names (the name alone; an ARN may be longer). */
    lambdaFunction: { maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores" },
    /** Application Auto Scaling scheduled action names. */
    scheduledAction: { maxLength: 256, pattern: /^(?! )[^\x00-\x1f\x7f:/|]+(?<! )$/, allowed: "printable characters except :/| and no leading or trailing space" },
    /** API Gateway v2 API and authorizer names (API Reference: StringWithLengthBetween1And128). */
    apiGateway: { maxLength: 128, pattern: /^[^\x00-\x1f\x7f]+$/, allowed: "1–128 printable characters" },
    /** EventBridge Scheduler schedule and schedule group names (API Reference, CreateSchedule Name, ScheduleGroupName). */
    schedulerName: { maxLength: 64, pattern: /^[0-9A-Za-z_.-]+$/, allowed: "letters, digits and ._-" },
    /** SQS standard queue names (API Reference, CreateQueue QueueName). */
    sqsQueue: { maxLength: 80, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores" },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Why `name` breaks the rule of `kind`, or undefined when it does not. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
    const rule: NameRule = NAME_RULES[kind];
    if (name.length > rule.maxLength) {
        return `${kind} name ${JSON.stringify(name)} is ${name.length} characters; AWS allows at most ${rule.maxLength}`;
    }
    if (!rule.pattern.test(name)) {
        return `${kind} name ${JSON.stringify(name)} is not allowed; AWS allows ${rule.allowed}`;
    }
    return undefined;
}

export class NameLimitError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "NameLimitError";
    }
}

/** A fully qualified, lowercase DNS name of two labels or more (`api.goormpopcorn.shop`, `goormpopcorn.local`). */
export const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Rule for the physical-name prefix itself (`platform:name`). */
export const PREFIX_RULE = {
    pattern: /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
    allowed: "2–24 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
} as const;

/** The seed's three name shapes (see Naming). */
export type NameShape = "scoped" | "suffixed" | "shared";

/**
 * Produces physical names for one stack. The seed uses three shapes, all kept here:
 * `<prefix>-<env>-<parts>` (most resources), `<prefix>-<parts>-<env>` (ALB and target group) and
 * `<prefix>-<parts>` (ECR repositories, shared by every environment).
 */
export class Naming {
    constructor(
        readonly prefix: string,
        /** The environment's name (`platform:envName`, by default `platform:env`). */
        readonly env: string,
    ) {}

    /** `<prefix>-<env>`, e.g. `goorm-popcorn-dev`: the stem of every env-scoped name. */
    get stem(): string {
        return `${this.prefix}-${this.env}`;
    }

    /** The name of `shape` for `parts`, unchecked: for validation that reports instead of throwing. */
    format(shape: NameShape, ...parts: string[]): string {
        switch (shape) {
            case "scoped":
                return [this.stem, ...parts].join("-");
            case "suffixed":
                return [this.prefix, ...parts, this.env].join("-");
            case "shared":
                return [this.prefix, ...parts].join("-");
        }
    }

    /** `<prefix>-<env>-<parts>`, e.g. `goorm-popcorn-dev-public-2a`. */
    scoped(kind: NameKind, ...parts: string[]): string {
        return this.checked(kind, this.format("scoped", ...parts));
    }

    /** `<prefix>-<parts>-<env>`, e.g. `goorm-popcorn-alb-dev`. */
    suffixed(kind: NameKind, ...parts: string[]): string {
        return this.checked(kind, this.format("suffixed", ...parts));
    }

    /** `<prefix>-<parts>`, e.g. `goorm-popcorn-user`: one name for every environment. */
    shared(kind: NameKind, ...parts: string[]): string {
        return this.checked(kind, this.format("shared", ...parts));
    }

    /** `/aws/<service>/<prefix>-<env>/<parts>`, e.g. `/aws/ecs/goorm-popcorn-dev/api-gateway`. */
    logGroup(service: string, ...parts: string[]): string {
        return this.checked("logGroup", ["", "aws", service, this.stem, ...parts].join("/"));
    }

    /** `/aws/<service>/<name>-<env>`: the seed's shape for Kafka's log group, `/aws/ec2/kafka-dev`. */
    suffixedLogGroup(service: string, name: string): string {
        return this.checked("logGroup", `/aws/${service}/${name}-${this.env}`);
    }

    /** `aws-waf-logs-<prefix>-<env>`: WAF logs only to log groups whose name starts `aws-waf-logs-`. */
    wafLogGroup(): string {
        return this.checked("logGroup", `aws-waf-logs-${this.stem}`);
    }

    private checked(kind: NameKind, name: string): string {
        const problem = nameProblem(kind, name);
        if (problem) {
            throw new NameLimitError(`${problem} (prefix "${this.prefix}", env "${this.env}")`);
        }
        return name;
    }
}

/**
 * Short AZ label used in names: the last hyphen-separated part of the AZ name, as the seed
 * writes it (`ap-northeast-2a` → `2a`).
 */
export function azLabel(availabilityZone: string): string {
    const parts = availabilityZone.split("-");
    return parts[parts.length - 1];
}
