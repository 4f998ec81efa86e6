/**
 * The network controls of the baseline (internet ingress, the default security group, flow logs),
 * CloudWatch's (retention, alarm actions) and EKS's (nodes, IMDS, secrets, control-plane logs, the
 * observability UIs, the mesh's mTLS).
 */
import type { PolicyResource } from "@pulumi/policy";
import { Control, Finding, Props, dependenciesOf, dependents, isObject, isSet, known, list, truthy } from "../lib";
import { T, isOneOf } from "../types";
import { loadBalancersOf } from "./edge";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** The internet-open ingress a rule or group resource holds: its ports, protocol, and the group's resource. */
interface OpenIngress {
    readonly rule: PolicyResource;
    readonly protocol: string;
    readonly from: number;
    readonly to: number;
    readonly group: PolicyResource | undefined;
}

function openIngress(resources: readonly PolicyResource[]): OpenIngress[] {
    const found: OpenIngress[] = [];
    for (const r of resources) {
        if (r.type === T.ingressRule) {
            const cidrs = [known(() => r.props.cidrIpv4), known(() => r.props.cidrIpv6)];
            if (cidrs.some((c) => typeof c === "string" && ANYWHERE.includes(c))) {
                found.push({ rule: r, protocol: String(r.props.ipProtocol), from: Number(r.props.fromPort), to: Number(r.props.toPort), group: dependenciesOf(r, "securityGroupId", T.securityGroup)[0] });
            }
        } else if (r.type === T.securityGroupRule && r.props.type === "ingress") {
            const cidrs = [...list(known(() => r.props.cidrBlocks)), ...list(known(() => r.props.ipv6CidrBlocks))];
            if (cidrs.some((c) => typeof c === "string" && ANYWHERE.includes(c))) {
                found.push({ rule: r, protocol: String(r.props.protocol), from: Number(r.props.fromPort), to: Number(r.props.toPort), group: dependenciesOf(r, "securityGroupId", T.securityGroup)[0] });
            }
        } else if (r.type === T.securityGroup) {
            for (const rule of list(known(() => r.props.ingress)).filter(isObject)) {
                const cidrs = [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks)];
                if (cidrs.some((c) => typeof c === "string" && ANYWHERE.includes(c))) {
                    found.push({ rule: r, protocol: String(rule.protocol), from: Number(rule.fromPort), to: Number(rule.toPort), group: r });
                }
            }
        }
    }
    return found;
}

/** Whether a subnet is public: it maps public IPs, or its route table sends 0.0.0.0/0 to an internet gateway. */
export function isPublicSubnet(resources: readonly PolicyResource[], subnet: PolicyResource): boolean {
    if (truthy(known(() => subnet.props.mapPublicIpOnLaunch))) {
        return true;
    }
    const tables = dependents(resources, subnet, T.routeTableAssociation, "subnetId").flatMap((a) => dependenciesOf(a, "routeTableId", T.routeTable));
    return tables.some((table) => {
        const routes = dependents(resources, table, T.route, "routeTableId").filter((route) => known(() => route.props.destinationCidrBlock) === "0.0.0.0/0");
        const inline = list(known(() => table.props.routes)).filter(isObject).filter((route) => route.cidrBlock === "0.0.0.0/0");
        return routes.some((route) => dependenciesOf(route, "gatewayId", T.internetGateway).length > 0 || /^igw-/.test(String(known(() => route.props.gatewayId)))) || inline.some((route) => /^igw-/.test(String(route.gatewayId)));
    });
}

export const networkControls: Control[] = [
    {
        name: "ec2-18-internet-ingress-alb-only",
        fsbp: "EC2.18",
        severity: "high",
        description: "The internet (0.0.0.0/0, ::/0) reaches only a load balancer's security group, and only on TCP 80 and 443 (EC2.18's authorized ports).",
        stack: (resources) =>
            openIngress(resources).flatMap((open): Finding[] => {
                const ports = open.from === open.to ? `port ${open.from}` : `ports ${open.from}-${open.to}`;
                const webPort = open.protocol === "tcp" && open.from === open.to && (open.from === 80 || open.from === 443);
                if (!webPort) {
                    return [{ resource: open.rule, message: `${open.rule.name} opens ${open.protocol === "-1" ? "every protocol and port" : `${open.protocol} ${ports}`} to the internet; only TCP 80 and 443 of a load balancer may be` }];
                }
                if (open.group === undefined || loadBalancersOf(resources, open.group).length === 0) {
                    return [{ resource: open.rule, message: `${open.rule.name} opens ${ports} to the internet on ${open.group ? `the group ${open.group.name}, which no load balancer uses` : "a group of no load balancer"}` }];
                }
                return [];
            }),
    },
    {
        name: "ec2-2-default-security-group",
        fsbp: "EC2.2",
        severity: "high",
        description: "Every VPC's default security group is taken over (aws.ec2.DefaultSecurityGroup) and allows no traffic in or out.",
        stack: (resources) => {
            const findings: Finding[] = [];
            for (const group of resources.filter((r) => r.type === T.defaultSecurityGroup)) {
                const rules = [...list(known(() => group.props.ingress)), ...list(known(() => group.props.egress))];
                if (rules.length > 0) {
                    findings.push({ resource: group, message: `${group.name} allows traffic (${rules.length} rule${rules.length === 1 ? "" : "s"}); give it no ingress and no egress` });
                }
            }
            for (const vpc of resources.filter((r) => r.type === T.vpc)) {
                if (dependents(resources, vpc, T.defaultSecurityGroup, "vpcId").length === 0) {
                    findings.push({ resource: vpc, message: `${vpc.name}'s default security group is left as AWS makes it (all traffic within the group, all egress); take it over with an empty aws.ec2.DefaultSecurityGroup` });
                }
            }
            return findings;
        },
    },
    {
        name: "ec2-6-flow-logs",
        fsbp: "EC2.6",
        severity: "medium",
        description: "Every VPC has flow logs.",
        devOk: "flow logs off",
        stack: (resources) =>
            resources
                .filter((r) => r.type === T.vpc)
                .filter((vpc) => dependents(resources, vpc, T.flowLog, "vpcId").length === 0)
                .map((vpc): Finding => ({ resource: vpc, message: `${vpc.name} has no flow logs (aws.ec2.FlowLog)` })),
    },
];

export const cloudwatchControls: Control[] = [
    {
        name: "cloudwatch-log-group-retention",
        description: "Every CloudWatch log group has a retention (retentionInDays); none keeps logs forever. (Security Hub's CloudWatch.16, not in FSBP, asks for a year.)",
        types: [T.logGroup],
        check: (props) => (Number(props.retentionInDays ?? 0) > 0 ? [] : ["the log group keeps its events forever; set retentionInDays"]),
    },
    {
        name: "cloudwatch-alarm-actions",
        description: "Every CloudWatch alarm notifies an SNS topic when it goes into ALARM. (Security Hub's CloudWatch.15, not in FSBP.)",
        types: [T.metricAlarm, T.compositeAlarm],
        check: (props) => {
            const actions = list(props.alarmActions);
            if (actions.length === 0) {
                return ["the alarm notifies no one; add an SNS topic to alarmActions"];
            }
            // An action not known yet is a topic created in the same update.
            return actions.filter((a): a is string => typeof a === "string" && !/^arn:[^:]+:sns:/.test(a)).map((a) => `alarm action ${a} is not an SNS topic`);
        },
    },
];

/** Services of the observability UIs that must stay inside the cluster. */
const OBSERVABILITY_UI = /(grafana|prometheus|alertmanager|kiali)/i;
const EXPOSED_SERVICE_TYPES = ["LoadBalancer", "NodePort"];
/** Charts whose values expose those UIs, and the value paths that would. */
const CHART_EXPOSURE: Readonly<Record<string, readonly string[]>> = {
    "kube-prometheus-stack": ["grafana", "prometheus", "alertmanager"],
    grafana: [""],
    prometheus: ["server", "alertmanager"],
    "kiali-server": ["deployment"],
    "kiali-operator": ["cr.spec.deployment"],
};

function at(value: unknown, path: string): unknown {
    return path === "" ? value : path.split(".").reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), value);
}

/** Why a chart component's values expose it, if they do (a LoadBalancer/NodePort service or an enabled ingress). */
function exposure(values: unknown): string[] {
    const problems: string[] = [];
    const serviceType = at(values, "service.type") ?? at(values, "service_type");
    if (EXPOSED_SERVICE_TYPES.includes(String(serviceType))) {
        problems.push(`service type ${String(serviceType)}`);
    }
    if (truthy(at(values, "ingress.enabled"))) {
        problems.push("an ingress");
    }
    return problems;
}

export const eksControls: Control[] = [
    {
        name: "eks-private-node-groups",
        severity: "high",
        description: "EKS managed node groups run in private subnets only (no public IPs, no route to an internet gateway).",
        stack: (resources) =>
            resources
                .filter((r) => r.type === T.eksNodeGroup)
                .flatMap((group): Finding[] =>
                    dependenciesOf(group, "subnetIds", T.subnet)
                        .filter((subnet) => isPublicSubnet(resources, subnet))
                        .map((subnet) => ({ resource: group, message: `${group.name} runs nodes in the public subnet ${subnet.name}; use the private subnets` })),
                ),
    },
    {
        name: "eks-imds-hop-limit",
        severity: "high",
        description:
            "EKS nodes require IMDSv2 with a hop limit of 1, so pods cannot take the node's role from the instance metadata service: every node group has a launch template with metadataOptions httpTokens required and httpPutResponseHopLimit 1 (without one, managed node groups allow 2 hops).",
        stack: (resources) =>
            resources
                .filter((r) => r.type === T.eksNodeGroup)
                .flatMap((group): Finding[] => {
                    const templates = dependenciesOf(group, "launchTemplate", T.launchTemplate);
                    if (templates.length === 0) {
                        return [{ resource: group, message: `${group.name} has no launch template, so its nodes allow 2 IMDS hops; give it one with httpPutResponseHopLimit 1 and httpTokens required` }];
                    }
                    return templates
                        .filter((lt) => {
                            const options = known(() => lt.props.metadataOptions);
                            return !(isObject(options) && options.httpTokens === "required" && Number(options.httpPutResponseHopLimit) === 1);
                        })
                        .map((lt) => ({ resource: group, message: `${group.name}'s launch template ${lt.name} does not set httpTokens required with httpPutResponseHopLimit 1` }));
                }),
    },
    {
        name: "eks-secrets-encryption",
        severity: "medium",
        description: "EKS clusters encrypt Kubernetes secrets with a KMS key (encryptionConfig with resources [secrets]).",
        types: [T.eksCluster],
        check: (props) => {
            const configs = list(props.encryptionConfig).filter(isObject);
            return configs.some((c) => list(c.resources).includes("secrets") && isObject(c.provider) && isSet(c.provider, "keyArn")) ? [] : ["Kubernetes secrets are not encrypted with a KMS key; set encryptionConfig { resources: [secrets], provider.keyArn }"];
        },
    },
    {
        name: "eks-8-control-plane-logs",
        fsbp: "EKS.8",
        severity: "medium",
        description: "EKS clusters send their control-plane logs to CloudWatch Logs: audit (EKS.8), api and authenticator.",
        types: [T.eksCluster],
        check: (props) => {
            const enabled = list(props.enabledClusterLogTypes).map(String);
            const missing = ["api", "audit", "authenticator"].filter((t) => !enabled.includes(t));
            return missing.length === 0 ? [] : [`control-plane logs ${missing.join(", ")} are off; add them to enabledClusterLogTypes`];
        },
    },
    {
        name: "eks-no-public-observability",
        severity: "high",
        description: "Grafana, Prometheus, Alertmanager and Kiali are not exposed: no LoadBalancer or NodePort service and no ingress, in the Helm values, the Kiali CR or the cluster's services (operators port-forward).",
        types: [T.helmRelease, T.kiali, T.k8sService, T.k8sIngress],
        check: (props, args) => {
            if (args.type === T.helmRelease) {
                const chart = String(props.chart ?? "").split("/").pop() ?? "";
                const paths = CHART_EXPOSURE[chart] ?? [];
                return paths.flatMap((path) => exposure(at(props.values, path)).map((what) => `chart ${chart}${path ? ` (${path})` : ""} is exposed through ${what}; keep it ClusterIP without ingress`));
            }
            if (args.type === T.kiali) {
                return exposure(at(props.spec, "deployment")).map((what) => `Kiali is exposed through ${what}; keep service_type ClusterIP, ingress off`);
            }
            const metadata = isObject(props.metadata) ? props.metadata : {};
            if (args.type === T.k8sService) {
                const type = String(at(props.spec, "type"));
                return EXPOSED_SERVICE_TYPES.includes(type) && OBSERVABILITY_UI.test(String(metadata.name ?? "")) ? [`the service ${String(metadata.name)} is of type ${type}; keep observability UIs ClusterIP`] : [];
            }
            const backends = JSON.stringify(props.spec ?? {});
            return OBSERVABILITY_UI.test(backends) ? [`the ingress ${String(metadata.name ?? "")} exposes an observability UI; reach it with kubectl port-forward`] : [];
        },
    },
    {
        name: "istio-strict-mtls",
        severity: "high",
        description: "A mesh (an istiod release) enforces STRICT mutual TLS: a mesh-wide PeerAuthentication in the root namespace (istio-system) with mode STRICT, and no PeerAuthentication relaxing it (PERMISSIVE, DISABLE) anywhere.",
        stack: (resources) => {
            const findings: Finding[] = [];
            const peers = resources.filter((r) => isOneOf(r.type, T.peerAuthentication));
            for (const peer of peers) {
                const spec = known(() => peer.props.spec);
                const modes = [at(spec, "mtls.mode"), ...Object.values(isObject(at(spec, "portLevelMtls")) ? (at(spec, "portLevelMtls") as Props) : {}).map((p) => at(p, "mode"))];
                const relaxed = modes.filter((m) => m === "PERMISSIVE" || m === "DISABLE");
                if (relaxed.length > 0) {
                    findings.push({ resource: peer, message: `${peer.name} sets mTLS ${relaxed.join(", ")}; mesh traffic must stay STRICT` });
                }
            }
            const istiod = resources.filter((r) => r.type === T.helmRelease && /(^|\/)istiod$/.test(String(known(() => r.props.chart))));
            for (const release of istiod) {
                const root = String(at(known(() => release.props.values), "meshConfig.rootNamespace") ?? known(() => release.props.namespace) ?? "istio-system");
                const meshWide = peers.some((p) => {
                    const spec = known(() => p.props.spec);
                    return known(() => at(p.props.metadata, "namespace")) === root && at(spec, "selector") === undefined && at(spec, "mtls.mode") === "STRICT";
                });
                if (!meshWide) {
                    findings.push({ resource: release, message: `the mesh of ${release.name} has no mesh-wide PeerAuthentication in ${root} with mtls.mode STRICT` });
                }
            }
            return findings;
        },
    },
];

