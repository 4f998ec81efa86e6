/**
 * A validation problem: where (a path of keys and indexes) and what (a sentence that names the
 * value and what is allowed). Config validation and component argument checks both speak it.
 */
export type Path = ReadonlyArray<string | number>;

export interface Problem {
    readonly path: Path;
    readonly message: string;
}

/** `["subnets", "private", 0, "cidr"]` → `subnets.private[0].cidr`. */
export function formatPath(path: Path): string {
    return path.reduce<string>((text, key) => {
        if (typeof key === "number") {
            return `${text}[${key}]`;
        }
        return text === "" ? key : `${text}.${key}`;
    }, "");
}

/** Prefixes every problem's path, e.g. to place network problems under `network`. */
export function nest(prefix: Path, problems: readonly Problem[]): Problem[] {
    return problems.map((p) => ({ path: [...prefix, ...p.path], message: p.message }));
}

/** Renders a config or argument value for a message: strings quoted (JSON), other values as JSON. */
export function showValue(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    return JSON.stringify(value);
}

/** Thrown by a component whose arguments break a rule; lists every problem, not just the first. */
export class ArgumentError extends Error {
    constructor(
        readonly component: string,
        readonly problems: readonly Problem[],
    ) {
        super(
            `${component}: invalid arguments:\n` +
                problems.map((p) => `  ${formatPath(p.path)}: ${p.message}`).join("\n"),
        );
        this.name = "ArgumentError";
    }
}

/** Edit distance between two short strings (for "did you mean" hints). */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(word, candidate);
        if (!best || distance < best.distance) {
            best = { candidate, distance };
        }
    }
    return best && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined;
}
