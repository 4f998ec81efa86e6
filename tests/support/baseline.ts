/**
 * What every stack's plan must show, whatever its stack file says: the checks the live stack
 * files (and users' edits of them) are held to, since their values are the users' to change.
 * Tags and retentions everywhere, no literal credential in any input, the internet only at the
 * ALB's listeners, and in prod the data protected.
 */
import { expect } from "chai";
import { LOG_RETENTION_DAYS } from "../../lib/aws-limits";
import { tagProblem } from "../../lib/tags";
import { ProgramRun, SECRET_PLACEHOLDER } from "../../tooling/mock-runtime";
import { RunView, T, isTaggable } from "./query";

type Tags = Record<string, string>;

/** Input keys that carry a credential when they carry anything. */
export const PASSWORD_LIKE = /(password|passwd|authtoken|secretstring|secretbinary|privatekey)/i;

/**
 * A reference to a secret, not a secret: a Secrets Manager secret's or an SSM parameter's ARN (a
 * Lambda function's `<VAR>_SECRET_ARN`, say, which its code reads the value with).
 */
const SECRET_REFERENCE = /^arn:aws[a-z-]*:(?:secretsmanager|ssm):[a-z0-9-]+:\d{12}:(?:secret:|parameter\/)/;

/**
 * Whether `value` at `key` of `holder` is a reference: a secret's ARN, or the JSON key of one
 * (`<VAR>_SECRET_KEY` beside a `<VAR>_SECRET_ARN` that holds a secret's ARN).
 */
function isReference(holder: Record<string, unknown>, key: string, value: unknown): boolean {
    const isArn = (v: unknown) => typeof v === "string" && SECRET_REFERENCE.test(v);
    return isArn(value) || (key.endsWith("_SECRET_KEY") && isArn(holder[key.replace(/_SECRET_KEY$/, "_SECRET_ARN")]));
}

/** Every password-like input, anywhere in the plan, with where it sits (references to secrets aside). */
export function passwordLikeInputs(view: RunView): Array<{ where: string; value: unknown }> {
    const found: Array<{ where: string; value: unknown }> = [];
    const walk = (value: unknown, where: string) => {
        if (Array.isArray(value)) {
            value.forEach((item, i) => walk(item, `${where}[${i}]`));
        } else if (value !== null && typeof value === "object") {
            for (const [key, inner] of Object.entries(value)) {
                if (PASSWORD_LIKE.test(key) && typeof inner !== "boolean" && !isReference(value as Record<string, unknown>, key, inner)) {
                    found.push({ where: `${where}.${key}`, value: inner });
                }
                walk(inner, `${where}.${key}`);
            }
        }
    };
    for (const resource of view.resources) {
        walk(resource.inputs, `${resource.type} ${resource.name}`);
    }
    return found;
}

/** Every taggable resource carries the stack's tags and its component's; every log group keeps its events a while. */
export function expectTaggedAndRetained(view: RunView, project: string, env: string, stack: string): void {
    for (const r of view.custom.filter((x) => isTaggable(x.type))) {
        expect(r.inputs.tags, `${r.type} ${r.name}`).to.include({ Project: project, Environment: env, Stack: stack, ManagedBy: "pulumi" });
        expect((r.inputs.tags as Tags).Component, `${r.type} ${r.name}`).to.be.a("string").and.not.be.empty;
        // ACM and S3 refuse characters EC2 accepts (a `*` of a wildcard domain, say).
        for (const [key, value] of Object.entries(r.inputs.tags as Tags)) {
            expect(tagProblem(key, value), `${r.type} ${r.name} ${key}`).to.equal(undefined);
        }
    }
    for (const logGroup of view.ofType(T.logGroup)) {
        expect(LOG_RETENTION_DAYS as readonly number[], logGroup.name).to.include(logGroup.inputs.retentionInDays as number);
    }
}

/** WAF's actions and overrides, whose empty object is the whole setting (`allow: {}`). */
const MEANINGFUL_EMPTY_OBJECTS = new Set(["allow", "block", "count", "none", "captcha", "challenge"]);

/**
 * Inputs holding an empty object where a setting was meant: the provider drops an empty nested
 * block from state, so every later plan wants it back (for a ForceNew block, a replacement on
 * every `pulumi up`: Cloud Map's `healthCheckCustomConfig: {}` did that).
 */
export function emptyObjectInputs(view: RunView): string[] {
    const found: string[] = [];
    const walk = (value: unknown, where: string, key: string) => {
        if (Array.isArray(value)) {
            value.forEach((item, i) => walk(item, `${where}[${i}]`, key));
        } else if (value !== null && typeof value === "object") {
            const entries = Object.entries(value);
            if (entries.length === 0 && !MEANINGFUL_EMPTY_OBJECTS.has(key)) {
                found.push(where);
            }
            for (const [inner, child] of entries) {
                walk(child, `${where}.${inner}`, inner);
            }
        }
    };
    for (const resource of view.custom) {
        for (const [key, value] of Object.entries(resource.inputs)) {
            // Tags and the like may be empty maps; a nested block may not.
            if (key !== "tags" && key !== "tagsAll") {
                walk(value, `${resource.type} ${resource.name}.${key}`, key);
            }
        }
    }
    return found;
}

/** The baseline every stack's plan meets. */
export function expectBaseline(run: ProgramRun, stack: { project: string; env: string; name: string }): void {
    const view = new RunView(run);
    expectTaggedAndRetained(view, stack.project, stack.env, stack.name);
    expect(emptyObjectInputs(view), "inputs the provider would drop, planning a change on every update").to.deep.equal([]);

    for (const { where, value } of passwordLikeInputs(view)) {
        const values = Array.isArray(value) ? value : [value];
        expect(values.every((v) => v === SECRET_PLACEHOLDER), `${where} holds a literal credential`).to.equal(true);
    }
    for (const task of view.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
        type Container = { name: string; environment?: Array<{ name: string }>; privileged: boolean; logConfiguration?: { logDriver: string } };
        for (const container of JSON.parse(task.inputs.containerDefinitions as string) as Container[]) {
            const where = `${String(task.inputs.family)} ${container.name}`;
            expect((container.environment ?? []).map((e) => e.name).filter((name) => PASSWORD_LIKE.test(name)), where).to.deep.equal([]);
            expect(container.privileged, where).to.equal(false);
            expect(container.logConfiguration?.logDriver, `${where} logs`).to.equal("awslogs");
        }
    }

    // The internet reaches the stack only through the ALB's listeners.
    const open = view.ofType(T.ingressRule).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
    for (const rule of open) {
        const group = String(view.byId(rule.inputs.securityGroupId).inputs.name);
        expect(`${group.replace(/^.*-/, "")}:${rule.inputs.fromPort}`, rule.name).to.be.oneOf(["alb:80", "alb:443"]);
    }

    if (stack.env === "prod") {
        for (const database of [...view.ofType("aws:rds/instance:Instance"), ...view.ofType("aws:rds/cluster:Cluster")]) {
            expect(database.inputs.deletionProtection, database.name).to.equal(true);
            expect(database.options.protect, database.name).to.equal(true);
            expect(database.inputs.storageEncrypted, database.name).to.equal(true);
        }
        for (const volume of view.ofType("aws:ebs/volume:Volume")) {
            expect(volume.options.protect, volume.name).to.equal(true);
        }
        for (const balancer of view.ofType("aws:lb/loadBalancer:LoadBalancer")) {
            expect(balancer.inputs.enableDeletionProtection, balancer.name).to.equal(true);
        }
    }
}
