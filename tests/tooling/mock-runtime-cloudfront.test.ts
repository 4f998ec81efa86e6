/** The mock runtime's CloudFront, S3 and per-resource-region answers, as AWS shapes them. */
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { MOCK_ACCOUNT_ID, runProgram } from "../../tooling/mock-runtime";

const config = { "aws:region": "ap-northeast-2" };

describe("tooling/mock-runtime: CloudFront, S3 and resources in another region", () => {
    it("gives a distribution an E… id, a region-less ARN, <id>.cloudfront.net and CloudFront's alias zone", async () => {
        const run = await runProgram(() => {
            const distribution = new aws.cloudfront.Distribution("d", {
                enabled: true,
                origins: [{ originId: "o", domainName: "b.s3.ap-northeast-2.amazonaws.com" }],
                defaultCacheBehavior: { targetOriginId: "o", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: { cloudfrontDefaultCertificate: true },
            });
            return { id: distribution.id, arn: distribution.arn, domainName: distribution.domainName, zone: distribution.hostedZoneId };
        }, { stack: "test", config });
        const id = String(run.outputs.id);
        expect(id).to.match(/^E[0-9A-Z]{13}$/);
        expect(run.outputs).to.deep.equal({ id, arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${id}`, domainName: `${id.toLowerCase()}.cloudfront.net`, zone: "Z2FDTNDATAQYW2" });
    });

    it("gives an origin access control an E… id of its own", async () => {
        const run = await runProgram(() => {
            const oac = new aws.cloudfront.OriginAccessControl("o", { name: "n", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
            return { id: oac.id };
        }, { stack: "test", config });
        expect(run.outputs.id).to.match(/^E[0-9A-Z]{13}$/);
    });

    it("gives a bucket its ARN and regional domain name, and a versioning configuration the bucket's name as id", async () => {
        const run = await runProgram(() => {
            const bucket = new aws.s3.Bucket("b", { bucket: "example-dev-site-123456789012" });
            const versioning = new aws.s3.BucketVersioning("v", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
            return { arn: bucket.arn, domain: bucket.bucketRegionalDomainName, versioning: versioning.id };
        }, { stack: "test", config });
        expect(run.outputs).to.deep.equal({
            arn: "arn:aws:s3:::example-dev-site-123456789012",
            domain: "example-dev-site-123456789012.s3.ap-northeast-2.amazonaws.com",
            versioning: "example-dev-site-123456789012",
        });
    });

    it("puts a certificate given region us-east-1 in us-east-1, and one without a region in the stack's", async () => {
        const run = await runProgram(() => {
            const global = new aws.acm.Certificate("g", { region: "us-east-1", domainName: "*.goormpopcorn.shop", validationMethod: "DNS" });
            const local = new aws.acm.Certificate("l", { domainName: "*.goormpopcorn.shop", validationMethod: "DNS" });
            return { global: global.arn, local: local.arn };
        }, { stack: "test", config });
        expect(run.outputs.global).to.match(new RegExp(`^arn:aws:acm:us-east-1:${MOCK_ACCOUNT_ID}:certificate/[0-9a-f-]{36}$`));
        expect(run.outputs.local).to.match(new RegExp(`^arn:aws:acm:ap-northeast-2:${MOCK_ACCOUNT_ID}:certificate/[0-9a-f-]{36}$`));
    });
});
