import { ENFORCEMENT_LEVELS, type EnforcementLevel } from "../../../policies/lib/policy";
import { schemaProblems } from "../config-schema";

/**
 * The Pulumi CLI's handling of `--policy-pack-config`, ported rule for rule from pulumi/pulumi
 * (snapshot 1b5949891b, pkg/v3.259.0+14), so that a config file can be checked, without the CLI,
 * against what `pulumi preview --policy-pack <dir> --policy-pack-config <file>` will do with it:
 *
 * 1. pkg/resource/analyzer/config.go `parsePolicyPackConfig` (via LoadPolicyPackConfigAndEnvironmentsFromFile):
 *    each key is a level string or an object whose optional `enforcementLevel` is removed and
 *    checked; anything else is an error; an entry with neither a level nor properties is dropped;
 *    `environments` (ESC) is taken out.
 * 2. config.go `ReconcilePolicyPackConfig`: `createConfigWithDefaults` (every policy of the pack at
 *    its own level, with its schema defaults), then `applyConfig` for the pack's initial config and
 *    then for the file: `all` sets every policy's level; then EVERY key of the file, including `all`
 *    and names the pack does not have, becomes an entry (level from the file, else the policy's,
 *    else ""), its properties merged over the defaults; then `validatePolicyPackConfig` checks
 *    each of the pack's policies against `{type: object, properties, required}` (no
 *    additionalProperties: unknown properties pass).
 * 3. pkg/resource/plugin/analyzer_plugin.go `Configure`: every entry must have a valid level, else
 *    `invalid enforcement level ""`: a key naming a policy of another pack, without a level of its
 *    own, is refused here.
 * 4. pkg/engine/update.go (local packs) wraps the errors: `configuring policy pack %q at %q: %w`,
 *    and reports validation errors as `validating policy config: <pack> <version>  <error>`.
 *
 * Schemas are checked with the JSON Schema subset of config-schema.ts (which refuses any other
 * keyword) instead of gojsonschema: same verdicts for the keywords the packs use, messages in this
 * project's style.
 */
export { ENFORCEMENT_LEVELS, type EnforcementLevel };

/** sdk/go/common/apitype/policy.go EnforcementLevel.IsValid. */
export const isValidLevel = (value: unknown): value is EnforcementLevel =>
  (ENFORCEMENT_LEVELS as readonly unknown[]).includes(value);

/** plugin.AnalyzerPolicyConfig: a level ("" when none was given) and properties (null when none). */
export interface AnalyzerPolicyConfig {
  readonly enforcementLevel: EnforcementLevel | "";
  readonly properties: Record<string, unknown> | null;
}

/** The parts of plugin.AnalyzerPolicyInfo the config rules read (from the pack's GetAnalyzerInfo). */
export interface AnalyzerPolicyInfo {
  readonly name: string;
  /** The policy's own level, or the pack's (the policy server fills it in, protoutil.ts makeAnalyzerInfo). */
  readonly enforcementLevel: EnforcementLevel;
  readonly configSchema?: {
    readonly properties?: Record<string, Record<string, unknown>>;
    readonly required?: readonly string[];
  };
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly supportsConfig: boolean;
  readonly policies: readonly AnalyzerPolicyInfo[];
  readonly initialConfig?: ReadonlyMap<string, AnalyzerPolicyConfig>;
}

/** An error the CLI stops with (its message as the CLI words it, give or take the schema checker's). */
export class CliPolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliPolicyConfigError";
  }
}

export interface ParsedPolicyConfig {
  readonly config: Map<string, AnalyzerPolicyConfig>;
  /** ESC environment references (`environments`), resolved by the Pulumi Cloud backend only. */
  readonly environments: string[];
}

/** config.go parsePolicyPackConfig: the file's text as the CLI reads it. */
export function parsePolicyPackConfig(text: string): ParsedPolicyConfig {
  const config = new Map<string, AnalyzerPolicyConfig>();
  if (text.trim() === "") return { config, environments: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliPolicyConfigError(`not valid JSON: ${(error as Error).message}`);
  }
  // encoding/json leaves the map nil for a JSON null, and refuses any other non-object.
  if (parsed === null) return { config, environments: [] };
  if (!isObject(parsed))
    throw new CliPolicyConfigError(
      `json: cannot unmarshal ${goKind(parsed)} into Go value of type map[string]interface {}`,
    );
  const entries = { ...parsed };
  const environments: string[] = [];
  if ("environments" in entries) {
    const envs = entries.environments;
    if (!Array.isArray(envs))
      throw new CliPolicyConfigError(`"environments" must be an array of strings, got ${goKind(envs)}`);
    envs.forEach((env, i) => {
      if (typeof env !== "string")
        throw new CliPolicyConfigError(`"environments[${i}]" must be a string, got ${goKind(env)}`);
      environments.push(env);
    });
    delete entries.environments;
  }
  for (const [key, value] of Object.entries(entries)) {
    let enforcementLevel: EnforcementLevel | "" = "";
    let properties: Record<string, unknown> | null = null;
    if (typeof value === "string") {
      if (!isValidLevel(value))
        throw new CliPolicyConfigError(
          `parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`,
        );
      enforcementLevel = value;
    } else if (isObject(value)) {
      const rest = { ...value };
      if ("enforcementLevel" in rest) {
        const level = rest.enforcementLevel;
        if (typeof level !== "string")
          throw new CliPolicyConfigError(
            `parsing enforcement level for "${key}": ${JSON.stringify(level)} is not a valid enforcement level; must be a string`,
          );
        if (!isValidLevel(level))
          throw new CliPolicyConfigError(
            `parsing enforcement level for "${key}": "${level}" is not a valid enforcement level`,
          );
        enforcementLevel = level;
        delete rest.enforcementLevel;
      }
      if (Object.keys(rest).length > 0) properties = rest;
    } else {
      throw new CliPolicyConfigError(
        `parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
      );
    }
    // "Don't bother including empty configs."
    if (enforcementLevel === "" && properties === null) continue;
    config.set(key, { enforcementLevel, properties });
  }
  return { config, environments };
}

/** config.go createConfigWithDefaults. */
function configWithDefaults(policies: readonly AnalyzerPolicyInfo[]): Map<string, AnalyzerPolicyConfig> {
  const result = new Map<string, AnalyzerPolicyConfig>();
  for (const policy of policies) {
    let properties: Record<string, unknown> | null = null;
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if ("default" in schema) {
        properties ??= {};
        properties[key] = structuredClone(schema.default);
      }
    }
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties });
  }
  return result;
}

/** config.go applyConfig. */
function applyConfig(
  result: Map<string, AnalyzerPolicyConfig>,
  apply: ReadonlyMap<string, AnalyzerPolicyConfig>,
): Map<string, AnalyzerPolicyConfig> {
  const all = apply.get("all");
  if (all && isValidLevel(all.enforcementLevel)) {
    for (const [name, entry] of result)
      result.set(name, { enforcementLevel: all.enforcementLevel, properties: entry.properties });
  }
  for (const [name, given] of apply) {
    const existing = result.get(name);
    let enforcementLevel = existing?.enforcementLevel ?? "";
    let properties = existing?.properties ?? null;
    if (isValidLevel(given.enforcementLevel)) enforcementLevel = given.enforcementLevel;
    if (given.properties && Object.keys(given.properties).length > 0)
      properties = { ...(properties ?? {}), ...given.properties };
    result.set(name, { enforcementLevel, properties });
  }
  return result;
}

/** One problem config.go validatePolicyPackConfig reports: the policy, the property path, what is allowed. */
export interface ConfigValidationError {
  readonly policy: string;
  readonly path: string;
  readonly value: unknown;
  readonly allowed: string;
}

/** config.go validatePolicyPackConfig, with convertSchema's `{type: object, properties, required}`. */
export function validatePolicyPackConfig(
  policies: readonly AnalyzerPolicyInfo[],
  config: ReadonlyMap<string, AnalyzerPolicyConfig>,
): ConfigValidationError[] {
  const errors: ConfigValidationError[] = [];
  for (const policy of policies) {
    if (!policy.configSchema) continue;
    const schema: Record<string, unknown> = { type: "object" };
    if (Object.keys(policy.configSchema.properties ?? {}).length > 0)
      schema.properties = policy.configSchema.properties;
    if ((policy.configSchema.required ?? []).length > 0) schema.required = [...policy.configSchema.required!];
    for (const problem of schemaProblems(schema, config.get(policy.name)?.properties ?? {})) {
      errors.push({ policy: policy.name, path: problem.path, value: problem.value, allowed: problem.allowed });
    }
  }
  return errors;
}

export interface Reconciled {
  /** What the CLI hands to Configure; null when validation failed. */
  readonly config: Map<string, AnalyzerPolicyConfig> | null;
  readonly validationErrors: ConfigValidationError[];
}

/** config.go ReconcilePolicyPackConfig. */
export function reconcilePolicyPackConfig(
  policies: readonly AnalyzerPolicyInfo[],
  initialConfig: ReadonlyMap<string, AnalyzerPolicyConfig> | undefined,
  config: ReadonlyMap<string, AnalyzerPolicyConfig> | undefined,
): Reconciled {
  let result = configWithDefaults(policies);
  if (initialConfig) result = applyConfig(result, initialConfig);
  if (config) result = applyConfig(result, config);
  const validationErrors = validatePolicyPackConfig(policies, result);
  return validationErrors.length ? { config: null, validationErrors } : { config: result, validationErrors };
}

/** A Configure request's entry (pulumirpc.PolicyConfig): a valid level and the properties. */
export interface ConfigureEntry {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

/** analyzer_plugin.go Configure: refuses an entry without a valid level; properties nil become `{}` (structpb.NewStruct). */
export function configureRequest(config: ReadonlyMap<string, AnalyzerPolicyConfig>): Map<string, ConfigureEntry> {
  const request = new Map<string, ConfigureEntry>();
  for (const [name, entry] of config) {
    if (!isValidLevel(entry.enforcementLevel))
      throw new CliPolicyConfigError(`invalid enforcement level ${JSON.stringify(entry.enforcementLevel)}`);
    request.set(name, {
      enforcementLevel: entry.enforcementLevel,
      properties: structuredClone(entry.properties ?? {}),
    });
  }
  return request;
}

/** A config file given with `--policy-pack-config`: its path as typed and its text. */
export interface PolicyConfigFileText {
  readonly path: string;
  readonly text: string;
}

/**
 * pkg/engine/update.go, the local-pack branch of ensurePoliciesAreInstalled... (`--policy-pack
 * <packPath> --policy-pack-config <file>`): parse, reconcile with the pack's info, validate,
 * Configure. Returns the Configure request, or throws what the CLI stops with.
 */
export function cliConfigureLocalPack(
  info: AnalyzerInfo,
  packPath: string,
  file: PolicyConfigFileText | undefined,
): Map<string, ConfigureEntry> {
  let fromFile: Map<string, AnalyzerPolicyConfig> | undefined;
  if (file) {
    const parsed = parsePolicyPackConfig(file.text);
    if (parsed.environments.length)
      throw new CliPolicyConfigError(
        `policy pack at "${packPath}" specifies ESC environments but the current backend does not support them`,
      );
    fromFile = parsed.config;
  }
  if (!info.supportsConfig) {
    if (file) throw new CliPolicyConfigError(`policy pack "${info.name}" at "${packPath}" does not support config`);
    return new Map();
  }
  const { config, validationErrors } = reconcilePolicyPackConfig(info.policies, info.initialConfig, fromFile);
  if (validationErrors.length) {
    const lines = validationErrors
      .map(
        (e) =>
          `validating policy config: ${info.name} ${info.version}  ${e.policy}: ${e.path || "(root)"}: ${describeValue(e.value)}; allowed: ${e.allowed}`,
      )
      .sort();
    throw new CliPolicyConfigError(`${lines.join("\n")}\nvalidating policy config`);
  }
  try {
    return configureRequest(config!);
  } catch (error) {
    throw new CliPolicyConfigError(
      `configuring policy pack "${info.name}" at "${packPath}": ${(error as Error).message}`,
    );
  }
}

export const describeValue = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How Go's encoding/json names a JSON value's kind in its errors. */
function goKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}
