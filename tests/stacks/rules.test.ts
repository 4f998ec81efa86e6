/**
 * The rules across keys for services, the ALB and blue/green (stacks/rules.ts): each is triggered
 * by an edit of a real stack file and must name the key, the value and what is allowed.
 */
import { expect } from "chai";
import { RuleCase, itRaises, resolved, stackConfig } from "../fixtures/config";

const SECRET = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:popcorn/db-AbCdEf";

describe("services and ALB: the seed's stack files resolve", () => {
    it("dev: seven services, 1 task each, Spot, exec on; blue/green api-gateway at 100/0", () => {
        const config = resolved(stackConfig("dev"), "dev");
        expect(config.services.map((s) => `${s.name} ${s.cpu}/${s.memory} ${s.repository}`)).to.deep.equal([
            "api-gateway 512/1024 goorm-popcorn-api-gateway",
            "user-service 256/512 goorm-popcorn-user",
            "store-service 256/512 goorm-popcorn-store",
            "order-service 256/512 goorm-popcorn-order",
            "payment-service 256/512 goorm-popcorn-payment",
            "checkin-service 256/512 goorm-popcorn-checkin",
            "order-query 256/512 goorm-popcorn-order-query",
        ]);
        for (const service of config.services) {
            expect(service, service.name).to.deep.include({ port: 8080, desiredCount: 1, capacityProvider: undefined, enableExecuteCommand: true, user: "1000", readonlyRootFilesystem: true });
            expect(service.autoscaling).to.deep.equal({ min: 1, max: 2, cpuTarget: 70, memoryTarget: 80 });
            expect(service.environment).to.deep.equal({ SPRING_PROFILES_ACTIVE: "dev" });
        }
        // No service sets its own capacity provider: every one runs on the cluster's default, Spot in dev.
        expect(config.cluster!.defaultCapacityProvider).to.equal("FARGATE_SPOT");
        expect(config.serviceDiscovery!.namespace).to.equal("goormpopcorn.local");
        expect(config.services.map((s) => s.deployment.kind)).to.deep.equal(["blueGreen", "plain", "plain", "plain", "plain", "plain", "plain"]);
        expect(config.services[0].deployment).to.deep.equal({
            kind: "blueGreen",
            weights: { blue: 100, green: 0 },
            colours: { blue: { imageTag: "0.1.0", scaledToZero: false }, green: { imageTag: "0.1.0", scaledToZero: true } },
        });
        expect(config.services[1].deployment).to.deep.equal({ kind: "plain", imageTag: "0.1.0" });
        expect(config.alb).to.deep.include({ deletionProtection: false, accessLogs: { enabled: false, expirationDays: 90 }, deregistrationDelaySeconds: 30 });
    });

    it("prod: two tasks or more each, FARGATE only, exec off, ALB protected and logging", () => {
        const config = resolved(stackConfig("prod"), "prod");
        for (const service of config.services) {
            expect(service.desiredCount, service.name).to.equal(2);
            expect(service.autoscaling.min, service.name).to.equal(2);
            expect(service.capacityProvider, service.name).to.equal("FARGATE");
            expect(service.enableExecuteCommand, service.name).to.equal(false);
        }
        expect(config.services.find((s) => s.name === "api-gateway")!.autoscaling).to.deep.equal({ min: 2, max: 10, cpuTarget: 60, memoryTarget: 75 });
        expect(config.cluster!.defaultCapacityProvider).to.equal("FARGATE");
        expect(config.alb).to.deep.include({ deletionProtection: true, accessLogs: { enabled: true, expirationDays: 90 } });
    });
});

describe("services and ALB: bad service, ALB and blue/green configs", () => {
    const cases: RuleCase[] = [
        [
            "a CPU/memory pair Fargate does not offer (names the service, lists the memory values for that CPU)",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].memory = 4096))),
            ['platform:services.order-service.memory: 4096 MiB does not go with 256 CPU units on Fargate ("order-service"); with 256 CPU, memory must be 512, 1024, 2048 MiB'],
        ],
        [
            "a CPU value Fargate does not offer",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["user-service"].cpu = 384))),
            ['platform:services.user-service.cpu: 384 is not a Fargate CPU value for "user-service"; use one of 256, 512, 1024, 2048, 4096, 8192, 16384'],
        ],
        [
            "a weight outside 0–100",
            () => stackConfig("dev", (_c, edit) => edit("blueGreen", (b) => (b.weights = { blue: 120, green: -20 }))),
            [
                "platform:blueGreen.weights.blue: 120 is not a weight; use a whole percentage from 0 to 100",
                "platform:blueGreen.weights.green: -20 is not a weight; use a whole percentage from 0 to 100",
            ],
        ],
        [
            "weights that do not add up to 100",
            () => stackConfig("dev", (_c, edit) => edit("blueGreen", (b) => (b.weights = { blue: 90, green: 20 }))),
            [
                "platform:blueGreen.weights: blue 90 + green 20 = 110; the weights must add up to 100",
                "platform:blueGreen.green.scaledToZero: true while green takes 20% of the traffic; only a colour at weight 0 may run no task",
            ],
        ],
        [
            "blue/green naming a service that does not exist",
            () => stackConfig("dev", (_c, edit) => edit("blueGreen", (b) => (b.service = "api-gatway"))),
            [
                "platform:services.api-gateway.imageTag: is required (expected the image tag to deploy from the service's repository)",
                'platform:blueGreen.service: "api-gatway" is not one of platform:services ("api-gateway", "user-service", "store-service", "order-service", "payment-service", "checkin-service", "order-query")',
            ],
        ],
        [
            "a port outside 1–65535",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["store-service"].port = 70000))),
            ["platform:services.store-service.port: 70000 is not a port; use 1–65535"],
        ],
        [
            "autoscaling min above max",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["payment-service"].autoscaling = { min: 4, max: 2 }))),
            ["platform:services.payment-service.autoscaling: min 4 is above max 2"],
        ],
        [
            "prod with the ALB's deletion protection off",
            () => stackConfig("prod", (_c, edit) => edit("alb", (a) => (a.deletionProtection = false))),
            ["platform:alb.deletionProtection: false is not allowed in prod; the ALB must refuse deletion (security baseline)"],
            "prod",
        ],
        [
            "prod without ALB access logs",
            () => stackConfig("prod", (_c, edit) => edit("alb", (a) => (a.accessLogs = { enabled: false }))),
            ["platform:alb.accessLogs.enabled: false is not allowed in prod; ALB access logs are required there (security baseline)"],
            "prod",
        ],
        [
            "prod with a single task",
            () => stackConfig("prod", (_c, edit) => edit("services", (s) => (s["order-query"] = { ...s["order-query"], desiredCount: 1, autoscaling: { min: 1 } }))),
            [
                "platform:services.order-query.desiredCount: 1 is below 2; prod runs at least two tasks of every service, spread over the AZs (desired count)",
                "platform:services.order-query.autoscaling.min: 1 is below 2; prod runs at least two tasks of every service, spread over the AZs (autoscaling minimum)",
            ],
            "prod",
        ],
        [
            "a plaintext password in a service's environment",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["user-service"].environment = { SMTP_PASSWORD: "hunter2" }))),
            ['platform:services.user-service.environment.SMTP_PASSWORD: "SMTP_PASSWORD" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN'],
        ],
        [
            "a secret given as a value instead of an ARN",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => (d.secrets = { SMTP_PASSWORD: "hunter2" }))),
            // Once, where the user wrote it: not once per service at keys the file does not have.
            ["platform:serviceDefaults.secrets.SMTP_PASSWORD: is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6-character suffix>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>); secrets are passed by reference, never as values"],
        ],
        [
            "inherited settings AWS refuses: reported once each, at serviceDefaults",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => Object.assign(d, { port: 99999, user: "bad user", connectsTo: ["queue"] }))),
            [
                "platform:serviceDefaults.port: 99999 is not a port; use 1–65535",
                'platform:serviceDefaults.connectsTo[0]: "queue" is not a data store of this stack; it has database, cache, kafka',
                'platform:serviceDefaults.user: "bad user" is not a user; use a uid (1000), uid:gid (1000:1000) or a user name',
            ],
        ],
        [
            "an inherited setting one service overrides: the service's own value is reported at the service, the inherited one at serviceDefaults",
            () =>
                stackConfig("dev", (_c, edit) => {
                    edit("serviceDefaults", (d) => (d.autoscaling = { min: 3, max: 2 }));
                    edit("services", (s) => (s["order-service"].autoscaling = { max: 1 }));
                }),
            ["platform:serviceDefaults.autoscaling: min 3 is above max 2", "platform:services.order-service.autoscaling: min 3 is above max 1"],
        ],
        [
            "serviceDefaults whose count lies outside their own range",
            () => stackConfig("dev", (_c, edit) => edit("serviceDefaults", (d) => Object.assign(d, { desiredCount: 5, autoscaling: { min: 1, max: 2 } }))),
            ["platform:serviceDefaults.desiredCount: 5 is outside serviceDefaults' own autoscaling range 1–2"],
        ],
        [
            "a service variable the platform sets itself",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-service"].environment = { DB_HOST: "localhost" }))),
            ["platform:services.order-service.environment.DB_HOST: \"DB_HOST\" is set by the platform itself (the data tier's endpoints and credentials); choose another name"],
        ],
        [
            "an image tag that moves",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["checkin-service"].imageTag = "latest"))),
            ['platform:services.checkin-service.imageTag: "latest" is a moving tag; repositories are immutable, so deploy a version tag or a sha256: digest'],
        ],
        [
            "a colour scaled to zero while it takes traffic",
            () => stackConfig("dev", (_c, edit) => edit("blueGreen", (b) => (b.weights = { blue: 90, green: 10 }))),
            ["platform:blueGreen.green.scaledToZero: true while green takes 10% of the traffic; only a colour at weight 0 may run no task"],
        ],
        [
            "an image tag on the blue/green service itself",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["api-gateway"].imageTag = "1.0.0"))),
            ['platform:services.api-gateway.imageTag: "1.0.0" is not used: "api-gateway" runs blue and green, whose tags are platform:blueGreen.blue.imageTag and platform:blueGreen.green.imageTag'],
        ],
        [
            "a certificate from another region",
            () =>
                stackConfig("dev", (_c, edit) =>
                    edit("alb", (a) => {
                        a.certificate = { arn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555" };
                        delete a.dns;
                    }),
                ),
            ['platform:alb.certificate.arn: is in "us-east-1"; an ALB only takes certificates from its own region, "ap-northeast-2"'],
        ],
        [
            "alias records without a zone, the certificate being an ARN",
            () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.certificate = { arn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555" }))),
            ["platform:alb.dns.hostedZone: is required: the certificate is given by ARN, so there is no certificate.hostedZone to use"],
        ],
        [
            "a certificate given two ways",
            () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.certificate.arn = "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555"))),
            ["platform:alb.certificate: needs exactly one of arn (an existing ACM certificate) or domain (+ hostedZone) to issue one"],
        ],
        [
            "a TLS policy older than TLS13-1-2-2021-06",
            () => stackConfig("dev", (_c, edit) => edit("alb", (a) => (a.tlsPolicy = "ELBSecurityPolicy-2016-08"))),
            [/^platform:alb\.tlsPolicy: "ELBSecurityPolicy-2016-08" is not allowed; expected one of ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, /.source],
        ],
        [
            "an ALB without blue/green",
            () => {
                const config = stackConfig("dev");
                delete config["platform:blueGreen"];
                return config;
            },
            [
                "platform:alb: needs platform:blueGreen or routes: the ALB forwards to the blue and green target groups of one service, or by its routes (platform:alb.routes) to plain services",
                "platform:services.api-gateway.imageTag: is required (expected the image tag to deploy from the service's repository)",
            ],
        ],
        [
            "a service name that cannot be a DNS name",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["Order_Service"] = { cpu: 256, memory: 512, imageTag: "1.0.0" }))),
            ['platform:services.Order_Service: "Order_Service" is not a service name; use up to 63 lowercase letters, digits and hyphens, starting with a letter (it becomes a DNS name)'],
        ],
        [
            "two services sharing a repository",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-query"].repository = "goorm-popcorn-order"))),
            ['platform:services.order-query.repository: "goorm-popcorn-order" is also the repository of "order-service"; each service has its own'],
        ],
        [
            "an ECR tag pattern with too many wildcards (the account stack)",
            () => stackConfig("account", (_c, edit) => edit("repositories", (e) => (e.expiringTagPatterns = ["sha-*", "*a*b*c*d*"]))),
            ['platform:repositories.expiringTagPatterns[1]: "*a*b*c*d*" is not an ECR tag pattern; use up to 128 letters, digits and _.- with at most four * wildcards'],
            "account",
        ],
        [
            "a misspelt service setting",
            () => stackConfig("dev", (_c, edit) => edit("services", (s) => (s["order-query"].memroy = 512))),
            ["platform:services.order-query.memroy: is not a known key (did you mean memory?); allowed here: port, desiredCount, autoscaling, environment, secrets, readonlyRootFilesystem, writablePaths, user, initImage, capacityProvider, healthCheckGracePeriodSeconds, enableExecuteCommand, connectsTo, tracing, cpu, memory, imageTag, repository, discoveryName"],
        ],
    ];

    itRaises(cases);

    it("accepts secrets given as ARNs, and every canary step", () => {
        for (const [blue, green] of [[90, 10], [50, 50], [10, 90], [0, 100]]) {
            const config = stackConfig("dev", (_c, edit) => {
                edit("blueGreen", (b) => {
                    b.weights = { blue, green };
                    b.green.scaledToZero = false;
                    b.blue.scaledToZero = blue === 0;
                });
                edit("serviceDefaults", (d) => (d.secrets = { SMTP_PASSWORD: SECRET }));
            });
            expect(resolved(config, "dev").blueGreen!.weights).to.deep.equal({ blue, green });
        }
    });
});
