/**
 * CRD patterns are Go (RE2) regular expressions. RE2's inline `(?i)` becomes JavaScript's `i`
 * flag; a pattern JavaScript cannot compile otherwise is recorded in `untranslatedPatterns` and
 * matches anything, rather than breaking every other check of the CRD.
 *
 * Its own module because compiled validators cached on disk load it by path (see crd-validators).
 */
export const untranslatedPatterns: string[] = [];

export function re2Engine(source: string, flags: string): RegExp {
  const caseless = source.includes("(?i)");
  const translated = source.replace(/\(\?i\)/g, "");
  try {
    return new RegExp(translated, caseless && !flags.includes("i") ? `${flags}i` : flags);
  } catch {
    untranslatedPatterns.push(source);
    return /[\s\S]*/u;
  }
}
