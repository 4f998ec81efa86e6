/**
 * The pack as the Pulumi CLI runs it: policy/index.ts started in policy/ serves CrossGuard's
 * analyzer over gRPC and prints its port; the test plays the CLI's part (GetAnalyzerInfo, Analyze,
 * AnalyzeStack) with resources whose values are known, and with values a preview does not know
 * yet (the engine's unknown sentinel), which the policies must not mistake for a violation.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { policies } from "../../policy/policies";

const ROOT = path.resolve(__dirname, "..", "..");
/** How the engine marks a string value it does not know during a preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function call<T>(invoke: (done: (err: grpc.ServiceError | null, value: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => invoke((err, value) => (err ? reject(err) : resolve(value))));
}

function options(): analyzer.AnalyzerResourceOptions {
    const o = new analyzer.AnalyzerResourceOptions();
    o.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
    return o;
}

interface Diagnostic {
    policy: string;
    level: string;
    message: string;
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
    const levels = ["advisory", "mandatory", "disabled", "remediate"];
    // CrossGuard prints a violation as the policy's description, a newline, and the message.
    return response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: levels[d.getEnforcementlevel()], message: d.getMessage().split("\n").at(-1)! }));
}

describe("policy pack served as the Pulumi CLI runs it (gRPC analyzer)", function () {
    this.timeout(60000);
    let child: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        child = spawn(process.execPath, ["-r", path.join(ROOT, "scripts", "register.js"), "index.ts"], { cwd: path.join(ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] });
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            let err = "";
            child.stdout!.on("data", (chunk: Buffer) => {
                out += chunk.toString();
                const match = /^(\d+)\s*$/m.exec(out);
                if (match) {
                    resolve(match[1]);
                }
            });
            child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
            child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving: ${err}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    async function analyze(type: string, name: string, properties: Record<string, unknown>): Promise<Diagnostic[]> {
        const request = new analyzer.AnalyzeRequest();
        request.setType(type);
        request.setName(name);
        request.setUrn(`urn:pulumi:prod::platform::${type}::${name}`);
        request.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
        request.setOptions(options());
        return diagnostics(await call<analyzer.AnalyzeResponse>((done) => client.analyze(request, done)));
    }

    it("announces the pack platform-baseline with every policy at its enforcement level", async () => {
        const info = await call<analyzer.AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
        expect(info.getName()).to.equal("platform-baseline");
        expect(info.getVersion()).to.equal("0.1.0");
        const served = info.getPoliciesList().map((p) => `${p.getName()} ${p.getEnforcementlevel() === 1 ? "mandatory" : "advisory"}`);
        expect(served).to.deep.equal(policies.map((p) => `${p.name} ${p.enforcementLevel}`));
    });

    it("Analyze: a prod database without deletion protection is a mandatory violation; a dev one an advisory one", async () => {
        const base = { engine: "postgres", storageEncrypted: true, deletionProtection: false, backupRetentionPeriod: 7 };
        const prod = await analyze("aws:rds/instance:Instance", "db", { ...base, tags: { Environment: "prod" } });
        expect(prod.filter((d) => d.policy.startsWith("rds-8"))).to.deep.equal([{ policy: "rds-8-deletion-protection", level: "mandatory", message: "the instance has no deletion protection; set deletionProtection: true" }]);
        const dev = await analyze("aws:rds/instance:Instance", "db", { ...base, tags: { Environment: "dev" } });
        expect(dev.filter((d) => d.policy.startsWith("rds-8"))).to.deep.equal([{ policy: "rds-8-deletion-protection-dev", level: "advisory", message: "the instance has no deletion protection; set deletionProtection: true" }]);
    });

    it("Analyze: values a preview does not know yet are not violations (a KMS key and a web ACL created in the same update)", async () => {
        expect(await analyze("aws:ssm/parameter:Parameter", "key", { type: "SecureString", name: "/app/key", keyId: UNKNOWN, tags: { Environment: "prod" } })).to.deep.equal([]);
        const distribution = {
            origins: [{ originId: "s3", domainName: UNKNOWN, originAccessControlId: UNKNOWN }],
            defaultCacheBehavior: { targetOriginId: "s3", viewerProtocolPolicy: "redirect-to-https" },
            viewerCertificate: { acmCertificateArn: UNKNOWN, minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
            webAclId: UNKNOWN,
            tags: { Environment: "prod" },
        };
        expect(await analyze("aws:cloudfront/distribution:Distribution", "cdn", distribution)).to.deep.equal([]);
    });

    it("AnalyzeStack: a repository without a lifecycle policy, found through the stack's property dependencies", async () => {
        const resource = (type: string, name: string, properties: Record<string, unknown>, dependencies: Record<string, string[]> = {}) => {
            const r = new analyzer.AnalyzerResource();
            r.setType(type);
            r.setName(name);
            r.setUrn(`urn:pulumi:prod::platform::${type}::${name}`);
            r.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
            r.setOptions(options());
            for (const [key, urns] of Object.entries(dependencies)) {
                const deps = new analyzer.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                r.getPropertydependenciesMap().set(key, deps);
            }
            return r;
        };
        const repo = (name: string) => resource("aws:ecr/repository:Repository", name, { name, imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE" });
        const request = new analyzer.AnalyzeStackRequest();
        request.setResourcesList([
            repo("api"),
            repo("web"),
            resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", "api-lifecycle", { repository: UNKNOWN, policy: "{}" }, { repository: ["urn:pulumi:prod::platform::aws:ecr/repository:Repository::api"] }),
        ]);
        const found = diagnostics(await call<analyzer.AnalyzeResponse>((done) => client.analyzeStack(request, done)));
        expect(found.filter((d) => d.policy === "ecr-3-lifecycle-policy")).to.deep.equal([{ policy: "ecr-3-lifecycle-policy", level: "mandatory", message: "web has no lifecycle policy (aws.ecr.LifecyclePolicy)" }]);
        expect(found.filter((d) => /can't run/.test(d.message))).to.deep.equal([]);
    });
});
