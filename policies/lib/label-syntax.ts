/**
 * GCP label syntax (Resource Manager "Requirements for labels"): keys start with a lower-case
 * letter; keys and values use lower-case letters, digits, `_` and `-`, at most 63 characters;
 * values may be empty; at most 64 labels per resource.
 */
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
export const MAX_LABELS = 64;

/** What is wrong with a set of labels, as messages; empty when they are valid. */
export function labelSyntaxProblems(labels: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) problems.push(`${entries.length} labels; at most ${MAX_LABELS} are allowed`);
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key))
      problems.push(
        `label key "${key}" is not a GCP label key (lower-case letter first, then lower-case letters, digits, _ or -, at most 63)`,
      );
    if (typeof value !== "string" || !LABEL_VALUE.test(value))
      problems.push(
        `label ${key}="${String(value)}" is not a GCP label value (lower-case letters, digits, _ or -, at most 63)`,
      );
  }
  return problems;
}
