/**
 * Public DNS pieces several components need: a hosted zone looked up by name (the account stack
 * creates it), and a DNS-validated ACM certificate for `*.<domain>` and `<domain>`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "./tags";

/** A Route 53 hosted zone id, as opposed to a zone's name. */
export const ZONE_ID = /^Z[A-Z0-9]+$/;

/**
 * The id of the public hosted zone `hostedZone` (a name, or already an id), once per zone and
 * component (`cache`). A missing zone stops the preview, saying the account stack creates it.
 */
export function publicZoneId(parent: pulumi.Resource, who: string, hostedZone: string, cache: Map<string, pulumi.Output<string>>): pulumi.Output<string> {
    let zoneId = cache.get(hostedZone);
    if (zoneId === undefined) {
        zoneId = ZONE_ID.test(hostedZone)
            ? pulumi.output(hostedZone)
            : pulumi.output(
                  aws.route53
                      .getZone({ name: hostedZone, privateZone: false }, { parent })
                      .then((zone) => zone.zoneId)
                      .catch((err: unknown) => {
                          throw new pulumi.RunError(
                              `${who}: no public hosted zone ${hostedZone} in this account (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); ` +
                                  "the account stack creates it (platform:zones in Pulumi.account.yaml): run it and delegate the domain to its name servers first (README, First deployment)",
                          );
                      }),
              );
        cache.set(hostedZone, zoneId);
    }
    return zoneId;
}

export interface DnsCertificateArgs {
    /** `*.<domain>` and `<domain>` are issued. */
    readonly domain: string;
    /** The public zone the validation record goes in. */
    readonly zoneId: pulumi.Input<string>;
    readonly tags: Tags;
    /** Where the certificate lives when not the stack's region (CloudFront's: us-east-1). */
    readonly region?: string;
}

/**
 * A DNS-validated certificate: `<name>-certificate`, its validation record and
 * `<name>-certificate-validation`, children of `parent`. Resolves to the ARN once issued.
 */
export function dnsValidatedCertificate(parent: pulumi.Resource, name: string, args: DnsCertificateArgs): pulumi.Output<string> {
    const region = args.region === undefined ? {} : { region: args.region };
    const issued = new aws.acm.Certificate(
        `${name}-certificate`,
        {
            ...region,
            domainName: `*.${args.domain}`,
            subjectAlternativeNames: [args.domain],
            validationMethod: "DNS",
            // RSA for the widest client support; the TLS version is the listener's or distribution's policy.
            keyAlgorithm: "RSA_2048",
            tags: args.tags,
        },
        { parent },
    );
    // `*.<domain>` and `<domain>` share one validation record; keep one record per name.
    const records = issued.domainValidationOptions.apply((options) => [...new Map(options.map((option) => [option.resourceRecordName, option])).values()]);
    const record = new aws.route53.Record(
        `${name}-certificate-validation-record`,
        {
            zoneId: args.zoneId,
            name: records.apply((r) => r[0].resourceRecordName),
            type: records.apply((r) => r[0].resourceRecordType),
            records: [records.apply((r) => r[0].resourceRecordValue)],
            ttl: 300,
            allowOverwrite: true,
        },
        // ACM gives every certificate for this domain in the account the same record: destroying
        // one stack must not break the others' renewals.
        { parent, retainOnDelete: true },
    );
    const validation = new aws.acm.CertificateValidation(
        `${name}-certificate-validation`,
        { ...region, certificateArn: issued.arn, validationRecordFqdns: [record.fqdn] },
        { parent },
    );
    return validation.certificateArn;
}
