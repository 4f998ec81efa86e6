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
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_PARTITION = "aws";
export const DEFAULT_REGION = "ap-northeast-2";
/** The project name of Pulumi.yaml, also the config namespace. */
export const DEFAULT_PROJECT = "platform";

/** What the offline plan shows in place of a secret value. */
export const SECRET_PLACEHOLDER = "[secret]";
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
}

export interface ProgramRun {
    readonly project: string;
    readonly stack: string;
    /** In registration order. */
    readonly resources: readonly RecordedResource[];
    /** The stack outputs (what the program exported), fully resolved. */
    readonly outputs: Readonly<Record<string, unknown>>;
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
    "aws:ec2/volume:Volume": "vol",
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

function mockResource(type: string, name: string, inputs: Record<string, unknown>, region: string): MockedState {
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
        }
        return { id, state };
    }
    switch (type) {
        case "aws:cloudwatch/logGroup:LogGroup": {
            const logGroup = physicalName(inputs, name);
            return { id: logGroup, state: { ...inputs, name: logGroup, arn: `${arnPrefix("logs")}:log-group:${logGroup}` } };
        }
        case "aws:iam/role:Role": {
            const role = physicalName(inputs, name);
            return {
                id: role,
                state: { ...inputs, name: role, arn: `arn:${MOCK_PARTITION}:iam::${account}:role/${role}`, uniqueId: `AROA${hex(role, 17).toUpperCase()}` },
            };
        }
        case "aws:iam/rolePolicy:RolePolicy":
            return { id: `${String(inputs.role)}:${physicalName(inputs, name)}`, state: { ...inputs, name: physicalName(inputs, name) } };
        default: {
            // Any other resource: a stable id and an ARN in its service's namespace.
            const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
            const id = `${physicalName(inputs, name)}-${hex(`${type}::${name}`, 8)}`;
            return { id, state: { ...inputs, arn: `${arnPrefix(service)}:${name}/${id}` } };
        }
    }
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

function answerInvoke(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
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
        default:
            throw new Error(
                `mock runtime: no answer for invoke ${token}; teach tests/support/mock-runtime.ts (answerInvoke) a realistic reply`,
            );
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
}
interface RegisterResourceResponse {
    getUrn(): string;
    getId(): string;
}
type Callback = (err: unknown, response: RegisterResourceResponse | undefined) => void;

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
    const onRejection = (reason: unknown) => failures.push(reason);

    pulumi.runtime.setAllConfig({ ...config }, [...(options.secretKeys ?? [])]);
    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) =>
                args.custom ? mockResource(args.type, args.name, args.inputs, region) : { id: undefined, state: {} },
            call: (args: pulumi.runtime.MockCallArgs) => answerInvoke(args.token, args.inputs, region),
        },
        project,
        options.stack,
        false,
    );
    recordRegistrations(records);

    process.on("unhandledRejection", onRejection);
    try {
        let outputs: Record<string, unknown> | undefined;
        try {
            outputs = await pulumi.runtime.runInPulumiStack(async () => program());
        } catch (err) {
            failures.unshift(err);
        }
        // Let every registration in flight finish, so the records are complete even on failure.
        await pulumi.runtime.disconnect();
        if (failures.length > 0) {
            throw failures[0];
        }
        return { project, stack: options.stack, resources: records, outputs: toPlanValue(outputs ?? {}) as Record<string, unknown> };
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}
