/**
 * EksCluster — an Amazon EKS cluster of the platform, from `aws.eks.*` resources alone:
 *
 * - the control plane `<prefix>-<env>`: a Kubernetes version in standard support (versions.ts),
 *   upgrade policy STANDARD unless stated, authentication by access entries only (no implicit
 *   creator admin), its Kubernetes secrets encrypted with a KMS key of its own (rotation on), its
 *   api/audit/authenticator logs in `/aws/eks/<cluster>/cluster` (created first, with a retention),
 *   its endpoint private, and public only for the networks given;
 * - access entries: the deployer (the role that runs `pulumi up`: without it the Kubernetes
 *   provider can do nothing), admins and viewers, by role name in this account;
 * - a managed node group on Amazon Linux 2023 in the private subnets, through a launch template:
 *   IMDSv2 only with a hop limit of 1 (a pod off the host network cannot reach the node's
 *   credentials), an encrypted gp3 root volume, and the security groups [the cluster's, the
 *   nodes' own];
 * - the add-ons: VPC CNI, kube-proxy, the pod identity agent (before the nodes), CoreDNS, the EBS
 *   CSI driver and the CloudWatch observability agent (each with its pod identity), metrics-server;
 *   the Container Insights log groups created first, with a retention;
 * - a Kubernetes provider for the blocks after it, and `podIdentity()` for their service accounts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { LogRetentionDays } from "../../../lib/aws-limits";
import { ComponentBaseArgs, PlatformComponent } from "../../../lib/component";
import { PolicyStatement, ec2TrustPolicy, policyDocument } from "../../../lib/iam";
import { nameProblem } from "../../../lib/naming";
import { Problem, showValue } from "../../../lib/problems";
import { Tags } from "../../../lib/tags";
import { AL2023_AMI_TYPES, INSTANCE_TYPES, NodeArchitecture, ROOT_VOLUME_GIB } from "./capacity";
import { BuiltEks, PodIdentityRequest, kubernetesSdk } from "./contract";
import { ADDON_VERSIONS, AddonName, KUBERNETES_VERSIONS } from "./versions";

export const SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type SupportType = (typeof SUPPORT_TYPES)[number];

export const CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

/** The control plane logs the cluster sends to CloudWatch Logs. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/** The log groups the CloudWatch observability add-on writes (Container Insights): `/aws/containerinsights/<cluster>/<name>`. */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ["application", "dataplane", "host", "performance"] as const;

/** The IMDS hop limit of every node: 1, so only the node and pods on its network reach the metadata service. */
export const IMDS_HOP_LIMIT = 1;

/** Nodes a node group update may take down at once. */
export const MAX_UNAVAILABLE = 1;

/** EKS's own access policies (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html). */
export const ACCESS_POLICIES = { admin: "AmazonEKSClusterAdminPolicy", viewer: "AmazonEKSViewPolicy" } as const;

/**
 * The add-ons that get a pod identity: their service accounts and AWS managed policies, as their
 * documentation names them ("Store Kubernetes volumes with Amazon EBS", EBS CSI driver IAM role:
 * https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html; "Install the CloudWatch agent with
 * the Amazon CloudWatch Observability EKS add-on", pod identity from add-on v3.1.0:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Observability-EKS-addon.html).
 */
export const ADDON_SERVICE_ACCOUNTS = {
    "aws-ebs-csi-driver": { namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa", policies: ["service-role/AmazonEBSCSIDriverPolicy"], role: "ebs-csi" },
    "amazon-cloudwatch-observability": {
        namespace: "amazon-cloudwatch",
        serviceAccount: "cloudwatch-agent",
        // X-Ray: Application Signals, which the add-on turns on, sends traces.
        policies: ["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"],
        role: "cloudwatch-agent",
    },
} as const;

/** The node role's AWS managed policies: join the cluster, pull images, and run the VPC CNI (aws-node runs on the host's network, so it takes the node's credentials). */
export const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"] as const;

export interface EksNodeGroupArgs {
    /** Instance types, one architecture. @default ["m5.large"] */
    instanceTypes?: readonly string[];
    /** @default 3 */
    minSize?: number;
    /** @default 3 */
    desiredSize?: number;
    /** @default 5 */
    maxSize?: number;
    /** @default "ON_DEMAND" */
    capacityType?: CapacityType;
    /** gp3 root volume, GiB (20–16,384). @default 50 */
    rootVolumeGiB?: number;
}

export interface EksClusterArgs extends ComponentBaseArgs {
    /** Kubernetes version, `1.35` (a row of versions.ts). */
    version: string;
    /** What happens at the end of standard support: STANDARD (upgraded automatically) or EXTENDED (stays, at a premium per cluster hour). @default "STANDARD" */
    supportType?: SupportType;
    /** The private subnets of the control plane's interfaces and the nodes (two AZs at least). */
    subnetIds: pulumi.Input<string>[];
    /** The networks that may reach the API server's public endpoint; none: the endpoint is private only. @default [] */
    publicAccessCidrs?: readonly string[];
    /** The nodes' own security group (besides the cluster's), the one flows to the stores name. */
    nodeSecurityGroupId: pulumi.Input<string>;
    /** IAM roles of this account, by name, and their access to the cluster. */
    access: {
        /** The role that runs `pulumi up` (the CI deploy role): cluster admin, and the Kubernetes provider waits for it. */
        deployer: string;
        /** @default [] */
        admins?: readonly string[];
        /** @default [] */
        viewers?: readonly string[];
    };
    nodes?: EksNodeGroupArgs;
    /** Add-on versions over the table's (versions.ts) for this Kubernetes version. @default the table, else EKS's default version */
    addonVersions?: Partial<Record<AddonName, string>>;
    /** Retention of the control plane and Container Insights log groups. */
    logRetentionDays: LogRetentionDays;
    /** Refuse deletion of the cluster until this is turned off. @default false */
    deletionProtection?: boolean;
    /** Days KMS waits before deleting the secrets key once the stack drops it (7–30). @default 30 */
    keyDeletionWindowInDays?: number;
}

const DEFAULT_NODES: Required<EksNodeGroupArgs> = { instanceTypes: ["m5.large"], minSize: 3, desiredSize: 3, maxSize: 5, capacityType: "ON_DEMAND", rootVolumeGiB: ROOT_VOLUME_GIB.default };

/** The node group settings with their defaults. */
export function nodeSettings(nodes: EksNodeGroupArgs = {}): Required<EksNodeGroupArgs> {
    return { ...DEFAULT_NODES, ...Object.fromEntries(Object.entries(nodes).filter(([, v]) => v !== undefined)) } as Required<EksNodeGroupArgs>;
}

/** The architecture of instance types (the first's; the rules refuse a mix). */
export function architectureOf(instanceTypes: readonly string[]): NodeArchitecture {
    return INSTANCE_TYPES[instanceTypes[0] ?? ""]?.architecture ?? "x86_64";
}

/**
 * The trust policy of a role for one service account of one cluster through EKS Pod Identity:
 * `pods.eks.amazonaws.com` assumes it and tags the session (sts:TagSession), and the conditions on
 * the session tags it sets (eks-cluster-arn, kubernetes-namespace, kubernetes-service-account)
 * keep any other cluster's or service account's association from using it ("Create IAM role with
 * trust policy required by EKS Pod Identity", Setting Conditions:
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html; the tags:
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html).
 */
export function podIdentityTrustPolicy(clusterArn: pulumi.Input<string>, namespace: string, serviceAccount: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowEksPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:RequestTag/eks-cluster-arn": clusterArn,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": serviceAccount,
                    },
                },
            },
        ],
    };
}

/** The kubeconfig of a cluster: its endpoint and CA, a token from `aws eks get-token` (the deploying machine needs the AWS CLI v2). */
export function kubeconfig(clusterName: string, endpoint: string, certificateAuthority: string, region: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/** What `aws eks update-kubeconfig` needs to give an operator kubectl access (with an access entry of theirs). */
export function kubeconfigCommand(clusterName: string, region: string): string {
    return `aws eks update-kubeconfig --name ${clusterName} --region ${region}`;
}

export class EksCluster extends PlatformComponent implements BuiltEks {
    /** `<prefix>-<env>`. */
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly version: string;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly nodeGroupName: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    public readonly secretsKeyArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    /** `aws eks update-kubeconfig --name … --region …`. */
    public readonly kubeconfigCommand: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly ready: readonly pulumi.Resource[];
    /** The add-ons by name. */
    public readonly addons: ReadonlyMap<AddonName, aws.eks.Addon>;

    private readonly resourceName: string;
    private readonly cluster: aws.eks.Cluster;
    private readonly podIdentityAgent: aws.eks.Addon;
    /** Role keys taken: the cluster's and the nodes' roles, then every pod identity's. */
    private readonly podIdentityNames = new Set<string>(["eks-cluster", "eks-nodes"]);
    private readonly clusterTags: Tags;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:EksCluster", name, { ...args, component: "eks", problems: eksClusterProblems(args) }, opts);
        this.resourceName = name;
        const stem = args.naming.stem;
        const clusterName = stem;
        const nodes = nodeSettings(args.nodes);
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const managedPolicy = (policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
        this.clusterTags = this.tagsFor(clusterName);

        // Created before the cluster: EKS would create it without a retention. Its name is EKS's own.
        const logGroupName = `/aws/eks/${clusterName}/cluster`;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor(logGroupName) }, { parent: this });
        const insightsLogGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map((group) => {
            const groupName = `/aws/containerinsights/${clusterName}/${group}`;
            return new aws.cloudwatch.LogGroup(`${name}-insights-${group}`, { name: groupName, retentionInDays: args.logRetentionDays, tags: this.tagsFor(groupName) }, { parent: this });
        });

        const key = new aws.kms.Key(
            `${name}-secrets-key`,
            {
                description: `Kubernetes secrets of EKS cluster ${clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
                tags: this.tagsFor(`${stem}-eks-secrets`),
            },
            { parent: this },
        );
        new aws.kms.Alias(`${name}-secrets-key-alias`, { name: `alias/${stem}-eks-secrets`, targetKeyId: key.keyId }, { parent: this });

        const clusterRoleName = args.naming.scoped("iamRole", "eks-cluster");
        const clusterRole = new aws.iam.Role(
            `${name}-cluster-role`,
            {
                name: clusterRoleName,
                description: `EKS cluster ${clusterName}: the control plane's role`,
                // EKS's documented trust (https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html): sts:TagSession too.
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
                }),
                tags: this.tagsFor(clusterRoleName),
            },
            { parent: this },
        );
        const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster-policy`, { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") }, { parent: this });
        // Envelope encryption of secrets: the control plane uses the key through its role.
        const keyPolicy = new aws.iam.RolePolicy(
            `${name}-cluster-kms`,
            {
                role: clusterRole.id,
                policy: pulumi.jsonStringify(
                    policyDocument([{ Sid: "SecretsEncryption", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: key.arn }]),
                ),
            },
            { parent: this },
        );

        const publicCidrs = [...(args.publicAccessCidrs ?? [])];
        this.cluster = new aws.eks.Cluster(
            `${name}-cluster`,
            {
                name: clusterName,
                version: args.version,
                roleArn: clusterRole.arn,
                // The API's default is EXTENDED: past its 14 months of standard support a version
                // would stay, at the extended support premium per cluster hour. STANDARD upgrades it instead.
                upgradePolicy: { supportType: args.supportType ?? "STANDARD" },
                accessConfig: {
                    authenticationMode: "API",
                    // Immutable: changing it replaces the cluster. The creator gets no implicit
                    // admin; the deployer's access entry below is explicit.
                    bootstrapClusterCreatorAdminPermissions: false,
                },
                // Immutable too: EKS installs no unmanaged vpc-cni/kube-proxy/coredns; the managed add-ons below are the only ones.
                bootstrapSelfManagedAddons: false,
                vpcConfig: {
                    subnetIds: args.subnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: publicCidrs.length > 0,
                    ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
                },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
                enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
                deletionProtection: args.deletionProtection ?? false,
                tags: this.clusterTags,
            },
            { parent: this, dependsOn: [logGroup, clusterPolicy, keyPolicy] },
        );
        const cluster = this.cluster;
        this.clusterSecurityGroupId = cluster.vpcConfig.apply((c) => c.clusterSecurityGroupId);

        // Access entries: role names of this account (no account id in a stack file).
        const roleArn = (role: string) => pulumi.interpolate`arn:${partition}:iam::${account}:role/${role}`;
        const access = (logical: string, role: string, policy: string): aws.eks.AccessPolicyAssociation => {
            const entry = new aws.eks.AccessEntry(`${name}-${logical}`, { clusterName: cluster.name, principalArn: roleArn(role), type: "STANDARD", tags: this.tagsFor(role) }, { parent: this });
            return new aws.eks.AccessPolicyAssociation(
                `${name}-${logical}-policy`,
                { clusterName: cluster.name, principalArn: entry.principalArn, policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${policy}`, accessScope: { type: "cluster" } },
                { parent: this },
            );
        };
        const deployer = access("deployer", args.access.deployer, ACCESS_POLICIES.admin);
        for (const role of args.access.admins ?? []) {
            access(`admin-${role}`, role, ACCESS_POLICIES.admin);
        }
        for (const role of args.access.viewers ?? []) {
            access(`viewer-${role}`, role, ACCESS_POLICIES.viewer);
        }

        // Add-ons: pinned per Kubernetes version (versions.ts), else EKS's default version for it.
        const addonVersion = (addon: AddonName): pulumi.Input<string> =>
            args.addonVersions?.[addon] ??
            ADDON_VERSIONS[args.version]?.[addon] ??
            aws.eks.getAddonVersionOutput({ addonName: addon, kubernetesVersion: args.version }, { parent: this }).version;
        const addons = new Map<AddonName, aws.eks.Addon>();
        const addon = (addonName: AddonName, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) => {
            const created = new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: cluster.name,
                    addonName,
                    addonVersion: addonVersion(addonName),
                    // The add-ons are this component's: its settings win over anything changed in the cluster.
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    ...extra,
                    tags: this.tagsFor(`${clusterName}-${addonName}`),
                },
                { parent: this, dependsOn },
            );
            addons.set(addonName, created);
            return created;
        };

        // The node role: join the cluster, pull images, run the VPC CNI (aws-node is on the host's network).
        const nodeRoleName = args.naming.scoped("iamRole", "eks-nodes");
        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            { name: nodeRoleName, description: `EKS cluster ${clusterName}: its nodes' role`, assumeRolePolicy: JSON.stringify(ec2TrustPolicy()), tags: this.tagsFor(nodeRoleName) },
            { parent: this },
        );
        const nodePolicies = NODE_POLICIES.map(
            (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: managedPolicy(policy) }, { parent: this }),
        );

        // Before the nodes: a node is Ready only once its network plugin runs (bootstrapSelfManagedAddons is off).
        const vpcCni = addon("vpc-cni", {}, []);
        const kubeProxy = addon("kube-proxy", {}, []);
        this.podIdentityAgent = addon("eks-pod-identity-agent", {}, []);

        const launchTemplateName = `${stem}-eks-nodes`;
        const instanceTags = this.tagsFor(`${stem}-eks-node`);
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-nodes-lt`,
            {
                name: launchTemplateName,
                description: `Nodes of EKS cluster ${clusterName}`,
                updateDefaultVersion: true,
                // IMDSv2 only; hop limit 1: a pod off the host's network cannot reach the node's credentials (it has a pod identity).
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: IMDS_HOP_LIMIT },
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: nodes.rootVolumeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                ],
                // The cluster's group first: a launch template that names security groups replaces
                // the cluster group EKS would otherwise attach, and that group carries node ↔ node
                // and control plane ↔ node traffic (it admits all traffic from its own members).
                // `eks-nodes` is the group the flows to the stores and from the ALB name; with the
                // VPC CNI, pods' addresses sit on the nodes' interfaces and have the same groups.
                vpcSecurityGroupIds: [this.clusterSecurityGroupId, args.nodeSecurityGroupId],
                tagSpecifications: [
                    { resourceType: "instance", tags: instanceTags },
                    { resourceType: "volume", tags: instanceTags },
                    { resourceType: "network-interface", tags: instanceTags },
                ],
                tags: this.tagsFor(launchTemplateName),
            },
            { parent: this },
        );

        const nodeGroupName = `${stem}-nodes`;
        const nodeGroup = new aws.eks.NodeGroup(
            `${name}-nodes`,
            {
                clusterName: cluster.name,
                nodeGroupName,
                version: args.version,
                nodeRoleArn: nodeRole.arn,
                subnetIds: args.subnetIds,
                instanceTypes: [...nodes.instanceTypes],
                amiType: AL2023_AMI_TYPES[architectureOf(nodes.instanceTypes)],
                capacityType: nodes.capacityType,
                scalingConfig: { minSize: nodes.minSize, desiredSize: nodes.desiredSize, maxSize: nodes.maxSize },
                updateConfig: { maxUnavailable: MAX_UNAVAILABLE },
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                tags: this.tagsFor(nodeGroupName),
            },
            { parent: this, dependsOn: [...nodePolicies, vpcCni, kubeProxy, this.podIdentityAgent] },
        );

        // After the nodes: Deployments, DEGRADED until a node runs them.
        const coredns = addon("coredns", {}, [nodeGroup]);
        // With a pod identity: the EBS CSI controller is off the host's network (the hop limit keeps
        // the node's role from it); the CloudWatch agent and Fluent Bit run on the host's network
        // (the add-on's DaemonSets: hostNetwork), read the instance's metadata, and call AWS with
        // the pod identity, which the node role has no policy for.
        const withPodIdentity = (addonName: keyof typeof ADDON_SERVICE_ACCOUNTS, dependsOn: pulumi.Resource[]) => {
            const spec = ADDON_SERVICE_ACCOUNTS[addonName];
            const role = this.podIdentityRole(spec.role, spec.namespace, spec.serviceAccount, [], spec.policies.map(managedPolicy));
            return addon(addonName, { podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: spec.serviceAccount }] }, [nodeGroup, this.podIdentityAgent, ...role.ready, ...dependsOn]);
        };
        withPodIdentity("aws-ebs-csi-driver", []);
        addon("metrics-server", {}, [nodeGroup]);
        // Its log groups first, with their retention (the agent would create them without one).
        withPodIdentity("amazon-cloudwatch-observability", insightsLogGroups);
        this.addons = addons;

        const k8sSdk = kubernetesSdk();
        this.provider = new k8sSdk.Provider(
            `${name}-k8s`,
            { kubeconfig: pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data, region]).apply(([n, endpoint, ca, r]) => kubeconfig(n, endpoint, ca, r)) },
            // Without the deployer's access policy, every call of the provider is Unauthorized.
            { parent: this, dependsOn: [deployer] },
        );

        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.endpoint = cluster.endpoint;
        this.version = args.version;
        this.nodeGroupName = nodeGroup.nodeGroupName;
        this.nodeRoleArn = nodeRole.arn;
        this.secretsKeyArn = key.arn;
        this.logGroupName = logGroup.name;
        this.kubeconfigCommand = pulumi.all([cluster.name, region]).apply(([n, r]) => kubeconfigCommand(n, r));
        this.ready = [nodeGroup, vpcCni, coredns];
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, nodeGroupName: this.nodeGroupName, kubeconfigCommand: this.kubeconfigCommand });
    }

    /** A role `<prefix>-<env>-<name>` for `namespace/serviceAccount` of this cluster, with `statements` and managed policies. */
    private podIdentityRole(
        roleKey: string,
        namespace: string,
        serviceAccount: string,
        statements: readonly PolicyStatement[],
        managedPolicyArns: ReadonlyArray<pulumi.Input<string>>,
    ): { arn: pulumi.Output<string>; ready: pulumi.Resource[] } {
        if (this.podIdentityNames.has(roleKey)) {
            throw new Error(`EksCluster "${this.resourceName}": a pod identity named ${showValue(roleKey)} exists already; give each one its own name`);
        }
        this.podIdentityNames.add(roleKey);
        const name = this.resourceName;
        const roleName = this.naming.scoped("iamRole", roleKey);
        const role = new aws.iam.Role(
            `${name}-pod-${roleKey}`,
            {
                name: roleName,
                description: `EKS pod identity of ${namespace}/${serviceAccount} in cluster ${this.naming.stem}`,
                assumeRolePolicy: pulumi.jsonStringify(podIdentityTrustPolicy(this.cluster.arn, namespace, serviceAccount)),
                tags: this.tagsFor(roleName),
            },
            { parent: this },
        );
        const ready: pulumi.Resource[] = [];
        if (statements.length > 0) {
            ready.push(new aws.iam.RolePolicy(`${name}-pod-${roleKey}-policy`, { role: role.id, policy: pulumi.jsonStringify(policyDocument([...statements])) }, { parent: this }));
        }
        managedPolicyArns.forEach((policyArn, i) => {
            ready.push(new aws.iam.RolePolicyAttachment(`${name}-pod-${roleKey}-managed-${i}`, { role: role.name, policyArn }, { parent: this }));
        });
        return { arn: role.arn, ready };
    }

    podIdentity(request: PodIdentityRequest): pulumi.Output<string> {
        const problems = podIdentityProblems(request);
        if (problems.length > 0) {
            throw new Error(`EksCluster "${this.resourceName}".podIdentity(${showValue(request.name)}): ${problems.map((p) => p.message).join("; ")}`);
        }
        const role = this.podIdentityRole(request.name, request.namespace, request.serviceAccount, request.statements, request.managedPolicyArns ?? []);
        const association = new aws.eks.PodIdentityAssociation(
            `${this.resourceName}-pod-${request.name}`,
            { clusterName: this.cluster.name, namespace: request.namespace, serviceAccount: request.serviceAccount, roleArn: role.arn, tags: this.tagsFor(`${this.naming.stem}-${request.name}`) },
            // The agent serves the credentials; the role's policies are in place before a pod can use them.
            { parent: this, dependsOn: [this.podIdentityAgent, ...role.ready] },
        );
        // The ARN once the association exists: what waits for it waits for the association.
        return pulumi.all([role.arn, association.associationId]).apply(([arn]) => arn);
    }
}

/** A Kubernetes name (a DNS-1123 label): what namespaces and service accounts are. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function podIdentityProblems(request: PodIdentityRequest): Problem[] {
    const problems: Problem[] = [];
    if (!DNS_LABEL.test(request.name) || request.name.length > 40) {
        problems.push({ path: ["name"], message: `${showValue(request.name)} is not a pod identity name; use up to 40 lowercase letters, digits and hyphens` });
    }
    for (const field of ["namespace", "serviceAccount"] as const) {
        if (!DNS_LABEL.test(request[field]) || request[field].length > 63) {
            problems.push({ path: [field], message: `${showValue(request[field])} is not a Kubernetes name; use up to 63 lowercase letters, digits and hyphens` });
        }
    }
    return problems;
}

/** An IAM role name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): what access entries name. */
export function roleNameProblem(name: string): string | undefined {
    if (name.startsWith("arn:")) {
        return `${showValue(name)} is an ARN; give the role's name (the stack builds the ARN in its own account)`;
    }
    const problem = nameProblem("iamRole", name);
    return problem === undefined ? undefined : `${showValue(name)} is not an IAM role name; AWS allows up to 64 letters, digits and +=,.@_-`;
}

/** Every rule the arguments must satisfy; the block's config rules say the same at the config's keys. */
export function eksClusterProblems(args: EksClusterArgs): Problem[] {
    const problems: Problem[] = [];
    if (!(args.version in KUBERNETES_VERSIONS)) {
        problems.push({ path: ["version"], message: `${showValue(args.version)} is not a Kubernetes version of the table (${Object.keys(KUBERNETES_VERSIONS).join(", ")})` });
    }
    const roles = [args.access.deployer, ...(args.access.admins ?? []), ...(args.access.viewers ?? [])];
    roles.forEach((role) => {
        const problem = roleNameProblem(role);
        if (problem) {
            problems.push({ path: ["access"], message: problem });
        }
    });
    if (new Set(roles).size !== roles.length) {
        problems.push({ path: ["access"], message: "names a role twice; a role has one access entry" });
    }
    const nodes = nodeSettings(args.nodes);
    for (const type of nodes.instanceTypes) {
        if (!(type in INSTANCE_TYPES)) {
            problems.push({ path: ["nodes", "instanceTypes"], message: `${showValue(type)} is not in the table of node instance types` });
        }
    }
    if (new Set(nodes.instanceTypes.map((t) => INSTANCE_TYPES[t]?.architecture)).size > 1) {
        problems.push({ path: ["nodes", "instanceTypes"], message: "mixes architectures; a node group runs one AMI type" });
    }
    if (!(nodes.minSize <= nodes.desiredSize && nodes.desiredSize <= nodes.maxSize && nodes.maxSize >= 1)) {
        problems.push({ path: ["nodes"], message: `minSize ${nodes.minSize}, desiredSize ${nodes.desiredSize}, maxSize ${nodes.maxSize}: need minSize ≤ desiredSize ≤ maxSize and maxSize ≥ 1` });
    }
    if (!Number.isInteger(nodes.rootVolumeGiB) || nodes.rootVolumeGiB < ROOT_VOLUME_GIB.min || nodes.rootVolumeGiB > ROOT_VOLUME_GIB.max) {
        problems.push({ path: ["nodes", "rootVolumeGiB"], message: `${nodes.rootVolumeGiB} is out of range; use a whole number of GiB from ${ROOT_VOLUME_GIB.min} to ${ROOT_VOLUME_GIB.max}` });
    }
    return problems;
}
