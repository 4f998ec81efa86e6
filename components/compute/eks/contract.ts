/**
 * What the EKS block (`platform:eks`) hands the Kubernetes blocks built after it (the load
 * balancer controller, the mesh, the mesh's services, the observability stack): the cluster's
 * names, the Kubernetes provider every object of theirs is created with, and pod identities.
 *
 * `@pulumi/kubernetes` is imported here for its types only: a stack without Kubernetes never loads
 * it (about 140 ms of every plan). Blocks that create Kubernetes objects load it in their build
 * (`kubernetesSdk()`), never at the top of a module the registry imports.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { PolicyStatement } from "../../../lib/iam";
import { Channel } from "../../../stacks/block";

/** `@pulumi/kubernetes`, loaded on first use. */
export function kubernetesSdk(): typeof k8s {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@pulumi/kubernetes") as typeof k8s;
}

/** An IAM role a Kubernetes service account assumes through EKS Pod Identity. */
export interface PodIdentityRequest {
    /** Its part of the role's name and the association's logical name, e.g. `aws-load-balancer-controller`. */
    readonly name: string;
    readonly namespace: string;
    readonly serviceAccount: string;
    /** What the role may do (exact ARNs where the service allows them). */
    readonly statements: readonly PolicyStatement[];
    /** AWS managed policies to attach besides, by ARN. @default none */
    readonly managedPolicyArns?: readonly string[];
}

export interface BuiltEks {
    readonly clusterName: pulumi.Output<string>;
    /** The Kubernetes version, `1.34`. */
    readonly version: string;
    /** The cluster's own security group (EKS creates it; control plane ↔ nodes). */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** The provider every Kubernetes object and Helm release of the stack is created with; it waits for the deployer's access. */
    readonly provider: k8s.Provider;
    /** Resources a Kubernetes object must wait for besides the provider (the node group: nothing schedules before it). */
    readonly ready: readonly pulumi.Resource[];
    /**
     * Creates a role `<prefix>-<env>-<name>` trusted by `pods.eks.amazonaws.com` for this cluster's
     * `namespace/serviceAccount` only, with `statements`, and its pod identity association.
     * Returns the role's ARN. Call it while the stack is built.
     */
    podIdentity(request: PodIdentityRequest): pulumi.Output<string>;
}

/** A target group an ALB keeps for something outside this program's services (the mesh's ingress gateway), bound to its pods by a TargetGroupBinding. */
export interface ExternalTarget {
    /** Its name in `platform:alb.routes[].target` / the ALB's external target. */
    readonly name: string;
    readonly targetGroupArn: pulumi.Output<string>;
    /** The port the pods listen on (traffic), and the one the ALB health-checks. */
    readonly port: number;
    readonly healthCheckPort: number;
}

/** Where the ALB block hands its external target groups to the block that binds them (the mesh). */
export const EXTERNAL_TARGETS = new Channel<ExternalTarget>("external-targets");
