/**
 * Resource properties are untyped JSON (plan inputs, chart values, CrossGuard props), read by
 * path and narrowed where used. One alias for such a value, and one path reader, for every reader:
 * components' facts, the analyses and the policies.
 */
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON read by path; each reader narrows what it uses
export type Json = any;

/** A JSON object: a resource's properties, a chart's values. */
export type JsonObject = Record<string, Json>;

/** A nested value by dotted path (`nodeConfig.workloadMetadataConfig.mode`), or undefined. */
export function valueAtPath(value: unknown, path: string): Json {
  return path.split(".").reduce<Json>((v, key) => (v === undefined || v === null ? undefined : v[key]), value);
}
