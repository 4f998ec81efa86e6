/**
 * The one tagging helper. Every taggable resource carries the stack's base tags (project,
 * environment, stack, managed-by), the component that owns it, and, where it belongs to one
 * service, that service.
 */
import { TAG_LIMITS } from "./aws-limits";
import { Problem, showValue } from "./problems";

export type Tags = Readonly<Record<string, string>>;

export interface BaseTagsArgs {
    /** Physical-name prefix, e.g. `goorm-popcorn`. */
    project: string;
    /** The environment's name (`platform:envName`, by default `platform:env`). */
    env: string;
    /** Pulumi stack name. */
    stack: string;
    /** Extra tags from config (`platform:tags`), e.g. an owner or cost centre. */
    extra?: Tags;
}

/** Tag keys this program sets itself; config may not override them. */
export const RESERVED_TAG_KEYS = ["Project", "Environment", "Stack", "ManagedBy", "Component", "Service", "Name", "Tier"] as const;

/** How many tags config may add: AWS's 50 per resource less the ones this program sets. */
export const MAX_EXTRA_TAGS = TAG_LIMITS.maxTagsPerResource - RESERVED_TAG_KEYS.length;

/** Characters every tagging AWS service accepts in keys and values (ACM and S3 are the strictest). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Why AWS would refuse a tag, or undefined when every service accepts it. */
export function tagProblem(key: string, value: string): string | undefined {
    if (key.length === 0 || key.length > TAG_LIMITS.maxKeyLength || !TAG_TEXT.test(key)) {
        return `${JSON.stringify(key)} is not a valid tag key; use 1–${TAG_LIMITS.maxKeyLength} letters, digits, spaces and _.:/=+-@`;
    }
    if (value.length > TAG_LIMITS.maxValueLength || !TAG_TEXT.test(value)) {
        return `${JSON.stringify(value)} is not a valid tag value; use 0–${TAG_LIMITS.maxValueLength} letters, digits, spaces and _.:/=+-@`;
    }
    return undefined;
}

/** Problems of config-supplied tags, each at the path of the offending key. */
export function extraTagProblems(tags: Readonly<Record<string, string>>): Problem[] {
    const problems: Problem[] = [];
    const keys = Object.keys(tags);
    if (keys.length > MAX_EXTRA_TAGS) {
        problems.push({ path: [], message: `has ${keys.length} tags; at most ${MAX_EXTRA_TAGS} fit beside the ${RESERVED_TAG_KEYS.length} this program sets (AWS allows ${TAG_LIMITS.maxTagsPerResource})` });
    }
    for (const key of keys) {
        const value = tags[key];
        if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
            problems.push({ path: [key], message: `${showValue(key)} is set by the program itself; reserved keys: ${RESERVED_TAG_KEYS.join(", ")}` });
        } else if (key.toLowerCase().startsWith(TAG_LIMITS.reservedPrefix)) {
            problems.push({ path: [key], message: `${showValue(key)} starts with "${TAG_LIMITS.reservedPrefix}", which AWS reserves` });
        } else {
            const problem = tagProblem(key, value);
            if (problem) {
                problems.push({ path: [key], message: problem });
            }
        }
    }
    return problems;
}

export function baseTags(args: BaseTagsArgs): Tags {
    return {
        ...args.extra,
        Project: args.project,
        Environment: args.env,
        Stack: args.stack,
        ManagedBy: "pulumi",
    };
}

/**
 * Tags for a resource owned by `component`; `name` becomes the `Name` tag. Throws on a value
 * AWS would refuse (a `*` in a wildcard domain, say): a bug of the program, caught by the tests.
 */
export function componentTags(base: Tags, component: string, extra: { name?: string; service?: string } = {}): Tags {
    const tags: Tags = {
        ...base,
        Component: component,
        ...(extra.service ? { Service: extra.service } : {}),
        ...(extra.name ? { Name: extra.name } : {}),
    };
    for (const [key, value] of Object.entries(tags)) {
        const problem = tagProblem(key, value);
        if (problem) {
            throw new Error(`${component}: ${problem}`);
        }
    }
    return tags;
}
