/**
 * What the cost estimate (tooling/cost/estimate.ts) cannot read from a plan: how much a stack is
 * used. Each assumption is a number with a default, set per stack in
 * `platform:cost.assumptions.<key>`; every line priced from one names it. Pure data.
 */

export interface AssumptionSpec {
    /** Used when the stack file does not set it. */
    readonly default: number;
    /** What it is, with its unit and what it counts per (the README's table and the docs). */
    readonly description: string;
}

/**
 * The assumptions, by key. A fraction is 0–1; every other one is a quantity of 0 or more.
 * Defaults describe a small production service: enough to show the usage lines' size, not a
 * forecast. Free tiers are not subtracted (they are per account, not per stack).
 */
export const ASSUMPTIONS = {
    fargateSpotDiscount: {
        default: 0.5,
        description:
            "Fraction off the on-demand Fargate price for tasks on FARGATE_SPOT, used while the price table has no Seoul Spot rate (AWS publishes none: the rate changes and is documented only as up to 70 % off). 0–1.",
    },
    natGbPerGateway: { default: 10, description: "GB each NAT gateway processes a month (image pulls, calls to AWS APIs and the internet)." },
    albLcu: { default: 1, description: "Load balancer capacity units each ALB uses on average (LCU-hours = hours × this)." },
    cdnGb: { default: 50, description: "GB each CloudFront distribution sends to viewers a month (priced at the Asia Pacific rate)." },
    cdnRequestsMillions: { default: 1, description: "Millions of HTTPS requests each CloudFront distribution serves a month." },
    wafRequestsMillions: { default: 1, description: "Millions of requests each web ACL inspects a month." },
    logGbPerGroup: { default: 0.5, description: "GB ingested into each CloudWatch log group a month; stored for its retention." },
    auroraStorageGb: { default: 20, description: "GB each Aurora cluster stores." },
    auroraIoMillions: { default: 10, description: "Millions of I/O requests each Aurora cluster (Standard storage) makes a month." },
    dynamodbReadMillions: { default: 1, description: "Millions of read request units each on-demand DynamoDB table serves a month." },
    dynamodbWriteMillions: { default: 1, description: "Millions of write request units each on-demand DynamoDB table takes a month." },
    dynamodbStorageGb: { default: 1, description: "GB each DynamoDB table stores." },
    s3GbPerBucket: { default: 5, description: "GB each S3 bucket stores (Standard)." },
    ecrGbPerRepository: { default: 1, description: "GB of images each ECR repository keeps." },
    lambdaRequestsMillions: { default: 0.1, description: "Millions of invocations of each Lambda function a month." },
    lambdaDurationMs: { default: 200, description: "Average duration of a Lambda invocation, in milliseconds." },
    websocketMessagesMillions: { default: 1, description: "Millions of messages each WebSocket API carries a month." },
    websocketConnectionMinutesMillions: { default: 1, description: "Millions of connection-minutes each WebSocket API holds a month (1 million ≈ 23 clients connected all month)." },
    sqsRequestsMillions: { default: 0.1, description: "Millions of requests to each SQS queue a month." },
} as const satisfies Record<string, AssumptionSpec>;

export type AssumptionKey = keyof typeof ASSUMPTIONS;
export type Assumptions = Readonly<Record<AssumptionKey, number>>;

/** The assumptions that are fractions (0–1); the others are quantities (0 or more). */
export const FRACTION_ASSUMPTIONS: readonly AssumptionKey[] = ["fargateSpotDiscount"];

export const ASSUMPTION_KEYS = Object.keys(ASSUMPTIONS) as AssumptionKey[];

/** Every assumption at its default. */
export const DEFAULT_ASSUMPTIONS: Assumptions = Object.fromEntries(ASSUMPTION_KEYS.map((key) => [key, ASSUMPTIONS[key].default])) as Assumptions;
