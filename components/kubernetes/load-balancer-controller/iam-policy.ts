/**
 * The controller's IAM permissions: the official policy of its version (iam_policy.json, reproduced
 * from the controller's repository at the version's tag), granted to its service account through
 * EKS Pod Identity.
 *
 * What system C uses of it. Its only load-balancer object is a TargetGroupBinding without
 * `networking`, on a target group and an ALB this program creates. For it the controller reads
 * (elasticloadbalancing:DescribeTargetGroups, DescribeTargetHealth; ec2:DescribeInstances,
 * DescribeNetworkInterfaces, DescribeSubnets, DescribeSecurityGroups, DescribeVpcs: its
 * pkg/targetgroupbinding, pkg/backend and pkg/networking at v3.5.0) and registers and deregisters
 * the gateway's pod addresses (elasticloadbalancing:RegisterTargets, DeregisterTargets). Without `networking` it never calls
 * ec2:AuthorizeSecurityGroupIngress or ec2:RevokeSecurityGroupIngress on the nodes' groups (the
 * ALB block declares alb → eks-nodes itself), and with no Ingress and no Service of type
 * LoadBalancer (enableServiceMutatorWebhook is off) it uses none of the rest: creating, modifying
 * and deleting load balancers, target groups, listeners, rules and their tags; its own security
 * groups (ec2:CreateSecurityGroup, DeleteSecurityGroup, CreateTags, DeleteTags); certificates
 * (acm:*), Cognito, WAF (waf-regional:*, wafv2:*), Shield, iam:CreateServiceLinkedRole. The
 * policy is kept whole all the same: it is the controller's documented contract for its version,
 * and an Ingress someone applies later fails loudly in AWS's terms rather than half-works.
 */
import * as fs from "fs";
import * as path from "path";
import type { PodIdentityRequest } from "../../compute/eks/contract";
import type { PolicyStatement } from "../../../lib/iam";

/** Where the policy file says it comes from. */
export interface PolicySource {
    readonly repository: string;
    readonly path: string;
    readonly tag: string;
    readonly commit: string;
    readonly url: string;
    /** SHA-256 of the file at the tag, byte for byte: `policy` printed with 4-space indents and a final newline. */
    readonly sha256: string;
    readonly controllerVersion: string;
    readonly chartVersion: string;
}

export interface ControllerPolicy {
    readonly source: PolicySource;
    readonly policy: { readonly Version: string; readonly Statement: readonly PolicyStatement[] };
}

/** The namespace and service account the chart creates, and the pod identity's name (the role `<prefix>-<env>-<name>`). */
export const CONTROLLER_NAMESPACE = "kube-system";
export const CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
export const CONTROLLER_POD_IDENTITY = "aws-load-balancer-controller";

const policies = new Map<string, ControllerPolicy>();

/** The policy file of this folder (`iam_policy.json` by default), read once. */
export function controllerPolicy(file = "iam_policy.json"): ControllerPolicy {
    let loaded = policies.get(file);
    if (loaded === undefined) {
        const parsed = JSON.parse(fs.readFileSync(path.join(__dirname, file), "utf8")) as Partial<ControllerPolicy>;
        if (parsed.source === undefined || parsed.policy?.Version !== "2012-10-17" || !Array.isArray(parsed.policy.Statement)) {
            throw new Error(`${file}: not a controller policy file ({ source, policy: { Version: "2012-10-17", Statement: [...] } })`);
        }
        loaded = parsed as ControllerPolicy;
        policies.set(file, loaded);
    }
    return loaded;
}

/** Every action of the statements, in order, as often as they name it. */
export function policyActions(statements: readonly PolicyStatement[]): string[] {
    return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** What the controller asks of the EKS block: a role for kube-system/aws-load-balancer-controller with the policy's statements. */
export function controllerPodIdentity(policy: ControllerPolicy): PodIdentityRequest {
    return {
        name: CONTROLLER_POD_IDENTITY,
        namespace: CONTROLLER_NAMESPACE,
        serviceAccount: CONTROLLER_SERVICE_ACCOUNT,
        statements: policy.policy.Statement,
    };
}
