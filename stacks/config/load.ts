import * as pulumi from "@pulumi/pulumi";
import { isRegion, type Region } from "../../components/catalog/regions";
import { gpuPoolProblems } from "../../components/compute/gpu-pool-rules";
import { ConfigError, type ConfigProblem, keyPath } from "./errors";
import { problemsFromIssues, schemaAt } from "./issues";
import { derivedDefaults, PROFILE_DEFAULTS } from "./profiles";
import {
  crossFieldIssues,
  gcpSchema,
  gpuPoolSchema,
  PROFILES,
  type ProfileName,
  type Settings,
  settingsSchema,
} from "./schema";

/** The project's config namespace: keys are written `cnai-platform:<key>` in stack files. */
export const CONFIG_NAMESPACE = "cnai-platform";

/** Everything the program needs to know about its stack, validated. */
export interface PlatformConfig {
  /** The Pulumi stack name; also the `env` label. */
  readonly stack: string;
  /** The GCP project id (`gcp:project`). */
  readonly project: string;
  /** The GCP region (`gcp:region`). */
  readonly region: Region;
  readonly profile: ProfileName;
  readonly settings: Settings;
  /**
   * The stack's `gcp:*` keys other than project and region (`gcp:credentials`,
   * `gcp:impersonateServiceAccount`, ...), as the Pulumi config holds them: the default provider
   * reads them, an explicit provider the program creates must be given them.
   */
  readonly gcpProviderSettings: Readonly<Record<string, string>>;
}

/** A stack's raw configuration, as the Pulumi CLI hands it to a program. */
export interface RawStackConfig {
  readonly stack: string;
  /** The stack file, for messages (`stacks/Pulumi.dev.yaml`). */
  readonly file: string;
  /** Every config value by full key (`gcp:project`, `cnai-platform:gpuPools`); objects as JSON text. */
  readonly values: Readonly<Record<string, string>>;
}

/** Reads the running program's configuration from the Pulumi runtime and validates it. */
export function loadConfig(): PlatformConfig {
  const stack = pulumi.getStack();
  return resolveConfig({ stack, file: stackFileName(stack), values: pulumi.runtime.allConfig() });
}

export function stackFileName(stack: string): string {
  return `stacks/Pulumi.${stack}.yaml`;
}

let lastResolved: { key: string; config: PlatformConfig } | undefined;

/**
 * Validates a stack's configuration: the `cnai-platform:*` keys merged over the stack's profile,
 * and the `gcp:project` and `gcp:region` the provider uses. Throws a `ConfigError` listing every
 * problem; creates nothing. The last valid result is kept: `plan` validates a stack before its
 * program runs, and the program then asks again for the same values.
 */
export function resolveConfig(raw: RawStackConfig): PlatformConfig {
  const key = JSON.stringify([
    raw.stack,
    raw.file,
    // The order only decides whether the cache hits (speed), never the result: no test can tell.
    // Stryker disable next-line all
    Object.entries(raw.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  if (lastResolved?.key === key) return lastResolved.config;
  const config = validateConfig(raw);
  lastResolved = { key, config };
  return config;
}

function validateConfig(raw: RawStackConfig): PlatformConfig {
  const values = namespaceValues(raw.values, CONFIG_NAMESPACE);
  const problems: ConfigProblem[] = [];

  const gcp = gcpSchema.safeParse(
    { project: raw.values["gcp:project"], region: raw.values["gcp:region"] },
    { reportInput: true },
  );
  if (!gcp.success) problems.push(...problemsFromIssues(gcp.error.issues, gcpSchema, "gcp"));
  const region = raw.values["gcp:region"] ?? "";

  const profile = profileOf(raw.stack, values.profile);
  if (!profile) {
    problems.push({
      key: `${CONFIG_NAMESPACE}:profile`,
      given: values.profile,
      allowed: `one of ${PROFILES.map((p) => JSON.stringify(p)).join(", ")} (required for a stack not named after a profile)`,
    });
    throw new ConfigError(raw.file, problems);
  }

  const merged = mergeOverProfile(profile, raw.stack, region, values);
  const parsed = settingsSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) {
    const settingsProblems = problemsFromIssues(parsed.error.issues, settingsSchema, CONFIG_NAMESPACE);
    // Derived defaults inherit their source's problem: zones from the region, teams from the team.
    const zonesDerived = values.zones === undefined && !isRegion(region);
    const teamsDerived = values.teams === undefined;
    problems.push(
      ...settingsProblems.filter(
        (p) =>
          !(zonesDerived && p.key === `${CONFIG_NAMESPACE}:zones`) &&
          !(teamsDerived && p.key.startsWith(`${CONFIG_NAMESPACE}:teams`)),
      ),
    );
    problems.push(...poolProblemsOfValidPools(merged, region));
    throw new ConfigError(raw.file, problems);
  }
  for (const issue of crossFieldIssues(parsed.data, region)) {
    problems.push({ key: `${CONFIG_NAMESPACE}:${keyPath(issue.path)}`, given: issue.input, allowed: issue.message });
  }
  if (problems.length > 0 || !gcp.success) throw new ConfigError(raw.file, problems);

  return {
    stack: raw.stack,
    project: gcp.data.project,
    region: gcp.data.region as Region,
    profile,
    settings: parsed.data,
    gcpProviderSettings: Object.fromEntries(
      Object.entries(raw.values).filter(
        ([key]) => key.startsWith("gcp:") && key !== "gcp:project" && key !== "gcp:region",
      ),
    ),
  };
}

/**
 * When other settings are invalid, the GPU pools that are valid on their own are still checked
 * against the catalog, so one run reports every problem.
 */
function poolProblemsOfValidPools(merged: Record<string, unknown>, region: string): ConfigProblem[] {
  const zones =
    Array.isArray(merged.zones) && merged.zones.every((z) => typeof z === "string") ? (merged.zones as string[]) : [];
  const pools = Array.isArray(merged.gpuPools) ? merged.gpuPools : [];
  return pools.flatMap((pool, i) => {
    const parsed = gpuPoolSchema.safeParse(pool);
    if (!parsed.success) return [];
    return gpuPoolProblems(parsed.data, region, zones).map((problem) => ({
      key: `${CONFIG_NAMESPACE}:${keyPath(["gpuPools", i, ...problem.path])}`,
      given: problem.input,
      allowed: problem.message,
    }));
  });
}

function profileOf(stack: string, given: unknown): ProfileName | undefined {
  if (given === undefined) return (PROFILES as readonly string[]).includes(stack) ? (stack as ProfileName) : undefined;
  return (PROFILES as readonly unknown[]).includes(given) ? (given as ProfileName) : undefined;
}

/**
 * The `<namespace>:*` values with the namespace removed. The CLI hands every value over as text
 * (objects as JSON); a value is parsed as JSON unless the schema wants a string there.
 */
export function namespaceValues(values: Readonly<Record<string, string>>, namespace: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(values)) {
    if (!fullKey.startsWith(`${namespace}:`)) continue;
    const key = fullKey.slice(namespace.length + 1);
    const wanted = schemaAt(settingsSchema, [key]);
    const wantsString = wanted?._zod.def.type === "string" || wanted?._zod.def.type === "enum";
    result[key] = wantsString ? text : parseJson(text);
  }
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The stack's values deep-merged over its profile and derived defaults; lists replace. */
export function mergeOverProfile(
  profile: ProfileName,
  stack: string,
  region: string,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const defaults = PROFILE_DEFAULTS[profile];
  const withProfile = deepMerge(defaults.settings, values) as Record<string, unknown>;
  const cluster = withProfile.cluster as Record<string, unknown> | undefined;
  const merged = deepMerge(
    derivedDefaults(stack, region, isObject(cluster) ? cluster.location : undefined),
    withProfile,
  ) as Record<string, unknown>;
  merged.profile = profile;
  if (merged.teams === undefined && typeof merged.team === "string") {
    merged.teams = [{ name: merged.team.replace(/_/g, "-").slice(0, 30) }];
  }
  if (Array.isArray(merged.gpuPools)) {
    merged.gpuPools = merged.gpuPools.map((pool) => (isObject(pool) ? deepMerge(defaults.gpuPool, pool) : pool));
  }
  return merged;
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObject(base) || !isObject(over)) return over;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = deepMerge(base[key], value);
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
