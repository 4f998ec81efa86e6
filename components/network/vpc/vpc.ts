/**
 * Vpc — a three-tier VPC built from `@pulumi/aws` resources (not the awsx components, whose children tests cannot see), so every subnet, route
 * and endpoint is visible to `pulumi preview` and to the tests.
 *
 * - public tier: one route table with 0.0.0.0/0 → internet gateway (ALB, NAT gateways)
 * - private tier: a route table per subnet with 0.0.0.0/0 → the NAT chosen by `natGateways`
 * - data tier: one route table with no route to the internet: the VPC and the gateway endpoints only
 * - gateway endpoints (S3, DynamoDB) on the private and data route tables
 * - optional interface endpoints in the private tier, behind their own security group
 * - optional flow logs to a CloudWatch log group with a retention
 * - the default security group adopted and emptied, so nothing can use it to talk
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    FlowLogTrafficType,
    GatewayEndpointService,
    InterfaceEndpointService,
    LogRetentionDays,
    logRetentionProblem,
} from "../../../lib/aws-limits";
import { policyDocument, serviceTrustPolicy } from "../../../lib/iam";
import { Naming, azLabel } from "../../../lib/naming";
import { NatStrategy, NetworkSpec, PlannedSubnet, SubnetSpec, Tier, networkProblems, planNetwork } from "./network";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { Problem } from "../../../lib/problems";
import { Tags, componentTags } from "../../../lib/tags";

export interface VpcFlowLogsArgs {
    /** Capture traffic metadata for the whole VPC. */
    enabled: boolean;
    /**
     * Days CloudWatch keeps the flow log records; one of the values CloudWatch accepts.
     * @default 90
     */
    retentionDays?: LogRetentionDays;
    /**
     * Which traffic to record.
     * @default "ALL"
     */
    trafficType?: FlowLogTrafficType;
}

export interface VpcArgs extends ComponentBaseArgs {
    /**
     * IPv4 block of the VPC, e.g. `10.0.0.0/16`. Plain values rather than Inputs: the subnet
     * layout must be known at plan time to be validated and to name each subnet by its AZ.
     */
    cidr: string;
    /** Availability zones the subnets may use, e.g. `["ap-northeast-2a", "ap-northeast-2c"]`. */
    azs: readonly string[];
    /** Exact subnets per tier. Public must span two AZs (ALB); data, when given, two AZs (RDS). */
    subnets: {
        readonly public: readonly SubnetSpec[];
        readonly private: readonly SubnetSpec[];
        /** @default [] */
        readonly data?: readonly SubnetSpec[];
    };
    /**
     * Outbound path of the private tier: `none`, `single` (one NAT in the first public subnet)
     * or `perAz` (one NAT per AZ that has private subnets; each routes to its own AZ's NAT).
     * @default "single"
     */
    natGateways?: NatStrategy;
    /**
     * Gateway endpoints attached to the private and data route tables.
     * @default ["s3", "dynamodb"]
     */
    gatewayEndpoints?: readonly GatewayEndpointService[];
    /**
     * Interface endpoints placed in one private subnet per AZ, reachable on 443 from the VPC.
     * @default []
     */
    interfaceEndpoints?: readonly InterfaceEndpointService[];
    /** VPC flow logs. @default { enabled: true, retentionDays: 90, trafficType: "ALL" } */
    flowLogs?: VpcFlowLogsArgs;
}

/** A subnet the component created, with the facts other components place things by. */
export interface VpcSubnet {
    readonly tier: Tier;
    /** Stable key, e.g. `private-2a`. */
    readonly key: string;
    readonly cidr: string;
    readonly az: string;
    readonly id: pulumi.Output<string>;
}

const COMPONENT = "vpc";
const DEFAULT_FLOW_LOGS: Required<VpcFlowLogsArgs> = { enabled: true, retentionDays: 90, trafficType: "ALL" };

/** What every step needs: the component's name, the VPC, naming, tagging and the region. */
interface StepContext {
    readonly name: string;
    readonly vpc: aws.ec2.Vpc;
    readonly naming: Naming;
    readonly baseTags: Tags;
    /** Tags for a child whose `Name` tag is `<prefix>-<env>-<resourceName>`. */
    readonly tagsFor: (resourceName: string) => Tags;
    readonly region: pulumi.Output<string>;
}

export class Vpc extends PlatformComponent {
    public readonly vpcId: pulumi.Output<string>;
    /** The VPC's default security group, kept without any rule. */
    public readonly defaultSecurityGroupId: pulumi.Output<string>;
    public readonly cidrBlock: pulumi.Output<string>;
    /** Every subnet, in tier order (public, private, data) and config order within a tier. */
    public readonly subnets: readonly VpcSubnet[];
    public readonly publicSubnetIds: pulumi.Output<string>[];
    public readonly privateSubnetIds: pulumi.Output<string>[];
    public readonly dataSubnetIds: pulumi.Output<string>[];
    public readonly natGatewayIds: pulumi.Output<string>[];
    /** Elastic IPs of the NAT gateways: the addresses the private tier reaches the internet from. */
    public readonly natPublicIps: pulumi.Output<string>[];
    public readonly publicRouteTableId: pulumi.Output<string>;
    public readonly privateRouteTableIds: pulumi.Output<string>[];
    /** Undefined without a data tier. */
    public readonly dataRouteTableId?: pulumi.Output<string>;
    /** Security group of the interface endpoints; undefined when there are none. */
    public readonly endpointSecurityGroupId: pulumi.Output<string> | undefined;
    /** Log group of the flow logs; undefined when flow logs are off. */
    public readonly flowLogGroupName: pulumi.Output<string> | undefined;
    /**
     * What a private subnet needs to reach out: its NAT routes and the gateway and interface
     * endpoints. A resource whose first boot downloads (Kafka's nodes) waits for them.
     */
    public readonly privateEgress: pulumi.Resource[] = [];

    constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
        const { spec, problems } = normalizeArgs(args);
        super("platform:network:Vpc", name, { ...args, component: "vpc", problems }, opts);

        const plan = planNetwork(spec);
        const baseTags = args.tags ?? {};
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: spec.cidr,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                tags: componentTags(baseTags, COMPONENT, { name: args.naming.scoped("nameTag", "vpc") }),
            },
            { parent: this },
        );
        const ctx: StepContext = {
            name,
            vpc,
            naming: args.naming,
            baseTags,
            tagsFor: (resourceName) => componentTags(baseTags, COMPONENT, { name: args.naming.scoped("nameTag", resourceName) }),
            region: aws.getRegionOutput({}, { parent: this }).region,
        };

        this.defaultSecurityGroupId = this.lockDefaultSecurityGroup(ctx);
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: ctx.tagsFor("igw") }, { parent: this });
        const subnetIds = this.createSubnets(ctx, plan.subnets);
        const subnetId = (key: string) => subnetIds.get(key)!;
        const nats = plan.nats.map((nat) => ({ az: nat.az, ...this.createNatGateway(ctx, nat.az, subnetId(nat.subnetKey), igw) }));
        const natIdIn = (az: string | undefined) => nats.find((nat) => nat.az === az)?.id;

        const publicRouteTable = this.createRouteTable(ctx, "public-rt", plan.subnets.filter((s) => s.tier === "public"), subnetId);
        new aws.ec2.Route(
            `${name}-public-internet`,
            { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            { parent: this },
        );
        const privateRouteTables = plan.subnets
            .filter((s) => s.tier === "private")
            .map((s) => this.createPrivateRouteTable(ctx, s, subnetId, natIdIn(plan.privateRouteNat[s.key])));
        // The data tier's table keeps only the VPC's local route and the gateway endpoints: no
        // internet. A stack without a data tier has none (an empty table would only be clutter).
        const dataSubnets = plan.subnets.filter((s) => s.tier === "data");
        const dataRouteTable = dataSubnets.length > 0 ? this.createRouteTable(ctx, "data-rt", dataSubnets, subnetId) : undefined;

        this.createGatewayEndpoints(ctx, spec.gatewayEndpoints, [...privateRouteTables, ...(dataRouteTable ? [dataRouteTable] : [])]);
        const endpointSg = this.createInterfaceEndpoints(ctx, spec.interfaceEndpoints, plan.endpointSubnetKeys.map(subnetId));
        const flowLogGroup = this.createFlowLogs(ctx, spec.flowLogs);

        const idsOf = (tier: Tier) => plan.subnets.filter((s) => s.tier === tier).map((s) => subnetId(s.key));
        this.vpcId = vpc.id;
        this.cidrBlock = vpc.cidrBlock;
        this.subnets = plan.subnets.map((s) => ({ tier: s.tier, key: s.key, cidr: s.cidr, az: s.az, id: subnetId(s.key) }));
        this.publicSubnetIds = idsOf("public");
        this.privateSubnetIds = idsOf("private");
        this.dataSubnetIds = idsOf("data");
        this.natGatewayIds = nats.map((nat) => nat.id);
        this.natPublicIps = nats.map((nat) => nat.publicIp);
        this.publicRouteTableId = publicRouteTable.id;
        this.privateRouteTableIds = privateRouteTables.map((rt) => rt.id);
        this.dataRouteTableId = dataRouteTable?.id;
        this.endpointSecurityGroupId = endpointSg?.id;
        this.flowLogGroupName = flowLogGroup?.name;

        this.registerOutputs({
            vpcId: this.vpcId,
            cidrBlock: this.cidrBlock,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            dataSubnetIds: this.dataSubnetIds,
            natGatewayIds: this.natGatewayIds,
            natPublicIps: this.natPublicIps,
            endpointSecurityGroupId: this.endpointSecurityGroupId,
            flowLogGroupName: this.flowLogGroupName,
        });
    }

    /** Adopts the VPC's default security group and leaves it without any rule (security baseline). */
    private lockDefaultSecurityGroup(ctx: StepContext): pulumi.Output<string> {
        return new aws.ec2.DefaultSecurityGroup(
            `${ctx.name}-default-sg`,
            { vpcId: ctx.vpc.id, ingress: [], egress: [], revokeRulesOnDelete: true, tags: ctx.tagsFor("default-sg-deny-all") },
            { parent: this },
        ).id;
    }

    private createSubnets(ctx: StepContext, planned: readonly PlannedSubnet[]): Map<string, pulumi.Output<string>> {
        const ids = new Map<string, pulumi.Output<string>>();
        for (const s of planned) {
            const subnet = new aws.ec2.Subnet(
                `${ctx.name}-${s.key}`,
                {
                    vpcId: ctx.vpc.id,
                    cidrBlock: s.cidr,
                    availabilityZone: s.az,
                    // Nothing in any tier gets a public IP by accident; the NAT uses an Elastic IP.
                    mapPublicIpOnLaunch: false,
                    tags: { ...ctx.tagsFor(s.key), Tier: s.tier },
                },
                { parent: this },
            );
            ids.set(s.key, subnet.id);
        }
        return ids;
    }

    private createNatGateway(
        ctx: StepContext,
        az: string,
        publicSubnetId: pulumi.Output<string>,
        igw: aws.ec2.InternetGateway,
    ): { id: pulumi.Output<string>; publicIp: pulumi.Output<string> } {
        const label = azLabel(az);
        const eip = new aws.ec2.Eip(`${ctx.name}-nat-eip-${label}`, { domain: "vpc", tags: ctx.tagsFor(`nat-eip-${label}`) }, { parent: this });
        const nat = new aws.ec2.NatGateway(
            `${ctx.name}-nat-${label}`,
            { allocationId: eip.id, subnetId: publicSubnetId, connectivityType: "public", tags: ctx.tagsFor(`nat-${label}`) },
            // A NAT gateway only works once the VPC has its internet gateway.
            { parent: this, dependsOn: [igw] },
        );
        return { id: nat.id, publicIp: eip.publicIp };
    }

    /** A route table associated with `subnets`, holding no route beyond the VPC's local one. */
    private createRouteTable(
        ctx: StepContext,
        key: string,
        subnets: readonly PlannedSubnet[],
        subnetId: (key: string) => pulumi.Output<string>,
    ): aws.ec2.RouteTable {
        const table = new aws.ec2.RouteTable(`${ctx.name}-${key}`, { vpcId: ctx.vpc.id, tags: ctx.tagsFor(key) }, { parent: this });
        for (const s of subnets) {
            new aws.ec2.RouteTableAssociation(
                `${ctx.name}-${s.key}-rta`,
                { subnetId: subnetId(s.key), routeTableId: table.id },
                { parent: this },
            );
        }
        return table;
    }

    /** One table per private subnet, so each can route to the NAT of its own AZ. */
    private createPrivateRouteTable(
        ctx: StepContext,
        subnet: PlannedSubnet,
        subnetId: (key: string) => pulumi.Output<string>,
        natGatewayId: pulumi.Output<string> | undefined,
    ): aws.ec2.RouteTable {
        const table = this.createRouteTable(ctx, `${subnet.key}-rt`, [subnet], subnetId);
        if (natGatewayId) {
            this.privateEgress.push(
                new aws.ec2.Route(`${ctx.name}-${subnet.key}-nat`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId }, { parent: this }),
            );
        }
        return table;
    }

    private createGatewayEndpoints(
        ctx: StepContext,
        services: readonly GatewayEndpointService[],
        routeTables: readonly aws.ec2.RouteTable[],
    ): void {
        for (const service of services) {
            this.privateEgress.push(new aws.ec2.VpcEndpoint(
                `${ctx.name}-${service}-endpoint`,
                {
                    vpcId: ctx.vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.${service}`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: routeTables.map((rt) => rt.id),
                    tags: ctx.tagsFor(`${service}-endpoint`),
                },
                { parent: this },
            ));
        }
    }

    private createInterfaceEndpoints(
        ctx: StepContext,
        services: readonly InterfaceEndpointService[],
        subnetIds: pulumi.Output<string>[],
    ): aws.ec2.SecurityGroup | undefined {
        if (services.length === 0) {
            return undefined;
        }
        const sg = new aws.ec2.SecurityGroup(
            `${ctx.name}-endpoints-sg`,
            {
                vpcId: ctx.vpc.id,
                name: ctx.naming.scoped("securityGroup", "vpc-endpoints"),
                description: "Interface VPC endpoints: HTTPS from inside the VPC only",
                tags: ctx.tagsFor("vpc-endpoints"),
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${ctx.name}-endpoints-https-from-vpc`,
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: ctx.vpc.cidrBlock,
                description: "HTTPS to the endpoints from the VPC",
                tags: ctx.tagsFor("vpc-endpoints-https-from-vpc"),
            },
            { parent: this },
        );
        for (const service of services) {
            const key = `${service.replace(".", "-")}-endpoint`;
            this.privateEgress.push(
                new aws.ec2.VpcEndpoint(
                    `${ctx.name}-${key}`,
                    {
                        vpcId: ctx.vpc.id,
                        serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.${service}`,
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds,
                        securityGroupIds: [sg.id],
                        tags: ctx.tagsFor(key),
                    },
                    { parent: this },
                ),
            );
        }
        return sg;
    }

    private createFlowLogs(ctx: StepContext, flowLogs: Required<VpcFlowLogsArgs>): aws.cloudwatch.LogGroup | undefined {
        if (!flowLogs.enabled) {
            return undefined;
        }
        const logGroupName = ctx.naming.logGroup("vpc", "flow-logs");
        const logGroup = new aws.cloudwatch.LogGroup(
            `${ctx.name}-flow-logs`,
            { name: logGroupName, retentionInDays: flowLogs.retentionDays, tags: componentTags(ctx.baseTags, COMPONENT, { name: logGroupName }) },
            { parent: this },
        );
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const roleName = ctx.naming.scoped("iamRole", "vpc-flow-logs");
        const role = new aws.iam.Role(
            `${ctx.name}-flow-logs-role`,
            {
                name: roleName,
                description: "Lets VPC Flow Logs deliver this VPC's records to its log group",
                // Only flow logs of this account may assume it.
                assumeRolePolicy: pulumi.jsonStringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com", account)),
                tags: componentTags(ctx.baseTags, COMPONENT, { name: roleName }),
            },
            { parent: this },
        );
        const delivery = new aws.iam.RolePolicy(
            `${ctx.name}-flow-logs-delivery`,
            {
                role: role.id,
                policy: pulumi.jsonStringify(
                    policyDocument([
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
                        },
                        {
                            Effect: "Allow",
                            Action: "logs:DescribeLogGroups",
                            Resource: pulumi.interpolate`arn:${partition}:logs:${ctx.region}:${account}:log-group:*`,
                        },
                    ]),
                ),
            },
            { parent: this },
        );
        new aws.ec2.FlowLog(
            `${ctx.name}-flow-log`,
            {
                vpcId: ctx.vpc.id,
                trafficType: flowLogs.trafficType,
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: 60,
                tags: ctx.tagsFor("flow-log"),
            },
            // Delivery starts at once; the role must already hold its permissions.
            { parent: this, dependsOn: [delivery] },
        );
        return logGroup;
    }
}

/** Fills defaults and runs the network rules; throws before any resource exists. */
function normalizeArgs(args: VpcArgs): { spec: NetworkSpec & { flowLogs: Required<VpcFlowLogsArgs> }; problems: Problem[] } {
    const flowLogs: Required<VpcFlowLogsArgs> = {
        enabled: args.flowLogs?.enabled ?? DEFAULT_FLOW_LOGS.enabled,
        retentionDays: args.flowLogs?.retentionDays ?? DEFAULT_FLOW_LOGS.retentionDays,
        trafficType: args.flowLogs?.trafficType ?? DEFAULT_FLOW_LOGS.trafficType,
    };
    const spec = {
        cidr: args.cidr,
        azs: args.azs,
        subnets: { public: args.subnets.public, private: args.subnets.private, data: args.subnets.data ?? [] },
        natGateways: args.natGateways ?? "single",
        gatewayEndpoints: args.gatewayEndpoints ?? ["s3", "dynamodb"],
        interfaceEndpoints: args.interfaceEndpoints ?? [],
        flowLogs,
    };
    const problems: Problem[] = networkProblems(spec);
    const retention = logRetentionProblem(flowLogs.retentionDays);
    if (retention) {
        problems.push({ path: ["flowLogs", "retentionDays"], message: retention });
    }
    return { spec, problems };
}
