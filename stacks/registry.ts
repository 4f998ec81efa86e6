/**
 * The blocks the program knows, in build order: a block may use what the blocks above it built.
 * A stack builds the ones its stack file has. Adding a block: a folder under components/ and one
 * line here.
 */
import { apiGatewayLoggingBlock } from "../components/account/api-gateway-logging/block";
import { repositoriesBlock } from "../components/account/ecr-repositories/block";
import { githubOidcBlock } from "../components/account/github-oidc/block";
import { hostedZonesBlock } from "../components/account/hosted-zones/block";
import { ecsClusterBlock } from "../components/compute/ecs-cluster/block";
import { eksBlock } from "../components/compute/eks/block";
import { servicesBlock } from "../components/compute/services/block";
import { parametersBlock } from "../components/config/parameters/block";
import { cacheBlock } from "../components/data/cache/block";
import { databaseBlock } from "../components/data/database/block";
import { kafkaBlock } from "../components/data/kafka/block";
import { tablesBlock } from "../components/data/tables/block";
import { cdnBlock } from "../components/edge/cdn/block";
import { webAclBlock } from "../components/edge/web-acl/block";
import { securityGroupsBlock } from "../components/network/security-groups/block";
import { networkBlock } from "../components/network/vpc/block";
import { secretsBlock } from "../components/security/secrets/block";
import { loadBalancerControllerBlock } from "../components/kubernetes/load-balancer-controller/block";
import { meshBlock } from "../components/kubernetes/mesh/block";
import { workloadsBlock } from "../components/kubernetes/workloads/block";
import { healthChecksBlock } from "../components/observability/health-checks/block";
import { observabilityBlock } from "../components/observability/kube-observability/block";
import { costBlock } from "../components/observability/cost/block";
import { monitoringBlock } from "../components/observability/monitoring/block";
import { functionsBlock } from "../components/serverless/functions/block";
import { schedulesBlock } from "../components/serverless/schedules/block";
import { websocketBlock } from "../components/serverless/websocket/block";
import { bucketsBlock } from "../components/storage/buckets/block";
import { blueGreenAlbBlock } from "../components/traffic/blue-green-alb/block";
import { AnyBlock } from "./block";

export const BLOCKS: readonly AnyBlock[] = [
    repositoriesBlock,
    hostedZonesBlock,
    githubOidcBlock,
    apiGatewayLoggingBlock,
    networkBlock,
    securityGroupsBlock,
    ecsClusterBlock,
    databaseBlock,
    cacheBlock,
    kafkaBlock,
    tablesBlock,
    bucketsBlock,
    eksBlock,
    blueGreenAlbBlock,
    loadBalancerControllerBlock,
    meshBlock,
    cdnBlock,
    parametersBlock,
    secretsBlock,
    websocketBlock,
    functionsBlock,
    schedulesBlock,
    servicesBlock,
    workloadsBlock,
    webAclBlock,
    observabilityBlock,
    healthChecksBlock,
    monitoringBlock,
    costBlock,
];
