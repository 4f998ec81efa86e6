/**
 * A strict template: `{{NAME}}` placeholders, each of which must be given a value, and every value
 * must be used. A typo in either direction is an error, never a script with a hole in it.
 */
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
    const wanted = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
    const missing = [...wanted].filter((name) => !(name in values));
    const unused = Object.keys(values).filter((name) => !wanted.has(name));
    if (missing.length > 0 || unused.length > 0) {
        throw new Error(
            `template placeholders do not match the values: ${[
                ...(missing.length > 0 ? [`no value for ${missing.join(", ")}`] : []),
                ...(unused.length > 0 ? [`unused ${unused.join(", ")}`] : []),
            ].join("; ")}`,
        );
    }
    return template.replace(PLACEHOLDER, (_, name: string) => values[name]);
}
