/**
 * The pack's policies: one per control of the security baseline (docs/security-baseline.md) that
 * can be checked on resources, and a `-dev` advisory twin for each control the baseline lets dev
 * relax. No side effects: index.ts serves them; the offline runner and the tests import them.
 */
import { Control, PlatformPolicy, policiesOf } from "./lib";
import { ec2Controls, ecsControls, lambdaControls } from "./controls/compute";
import { dynamodbControls, ecrControls, elasticacheControls, rdsControls, s3Controls, ssmControls } from "./controls/data";
import { albControls, apiGatewayControls, cloudfrontControls } from "./controls/edge";
import { cloudwatchControls, eksControls, networkControls } from "./controls/network";

/** The pack's name (PulumiPolicy.yaml's and `new PolicyPack(...)`'s). */
export const PACK_NAME = "platform-baseline";

/** Every control, in the baseline's order of areas. */
export const controls: readonly Control[] = [
    ...ecsControls,
    ...albControls,
    ...rdsControls,
    ...elasticacheControls,
    ...ec2Controls,
    ...networkControls,
    ...s3Controls,
    ...cloudwatchControls,
    ...ecrControls,
    ...dynamodbControls,
    ...cloudfrontControls,
    ...lambdaControls,
    ...apiGatewayControls,
    ...eksControls,
    ...ssmControls,
];

export const policies: readonly PlatformPolicy[] = controls.flatMap(policiesOf);
