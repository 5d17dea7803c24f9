import { schemaProblems } from "./config-schema";
import { analyzerResources } from "./crossguard/analyzer-resource";
import {
  type AnalyzerInfo,
  CliPolicyConfigError,
  type ConfigureEntry,
  cliConfigureLocalPack,
  describeValue,
  ENFORCEMENT_LEVELS,
  isValidLevel,
} from "./crossguard/config";
import {
  analyze,
  analyzeStack,
  type Diagnostic,
  type PackConfig,
  preparePack,
  type ServedPack,
} from "./crossguard/policy-server";
import type { EnforcementLevel, Plan, PolicyViolation } from "./plan-document";
import { UsageError } from "./project-files";

/**
 * The policy packs run offline, on one evaluation path with CrossGuard:
 *
 * - config: each pack's file goes through the Pulumi CLI's own rules (crossguard/config.ts, ported
 *   from pulumi/pulumi), so the offline engine uses exactly the levels and properties the CLI would
 *   hand the pack, and refuses whatever the CLI refuses; on top, stricter than the CLI, a key that
 *   names no policy of the pack or a property a policy does not declare is an error (typos must not
 *   pass silently);
 * - resources: the plan's resources as the engine sends them (crossguard/analyzer-resource.ts),
 *   evaluated as @pulumi/policy's server evaluates them (crossguard/policy-server.ts): the same
 *   arguments, levels, messages, and "can't run during preview" for a value unknown in preview;
 * - violations: a resource policy's at the resource it ran on (the CLI attributes Analyze results
 *   to the analyzed resource), a stack policy's at the URN it names when that is a resource of the
 *   plan, else at the stack (null), as pkg/resource/deploy resolveStackPolicyViolationURN does.
 *
 * test/crossguard/parity.spec.ts runs the same plans through the real host and compares.
 */
export type { PackConfig, ServedPack };
export type PolicyConfigEntry = ConfigureEntry;

/** A policy config file's JSON: `all` and policy names to a level or an object of properties. */
export type PolicyPackConfig = Record<string, unknown>;

export class PolicyConfigError extends UsageError {}

/** A pack's GetAnalyzerInfo as @pulumi/policy's server answers it (protoutil.ts makeAnalyzerInfo). */
export function analyzerInfoOf(pack: ServedPack): AnalyzerInfo {
  return {
    name: pack.name,
    version: pack.version,
    supportsConfig: true,
    policies: pack.policies.map((policy) => ({
      name: policy.name,
      enforcementLevel: ((policy as { enforcementLevel?: EnforcementLevel }).enforcementLevel ||
        pack.enforcementLevel) as ConfigureEntry["enforcementLevel"],
      // The CLI reads the schema's required list as a (possibly empty) list (pulumirpc.PolicyConfigSchema).
      ...(policy.configSchema
        ? {
            configSchema: {
              properties: policy.configSchema.properties as Record<string, Record<string, unknown>>,
              required: [...(policy.configSchema.required ?? [])],
            },
          }
        : {}),
    })),
  };
}

/**
 * One pack's config file, as the CLI would configure the pack with it (`--policy-pack-config`):
 * each entry's level and properties. Throws a PolicyConfigError naming the file, each key, the
 * value and what is allowed.
 */
export function reconcilePolicyConfig(
  pack: ServedPack,
  config: PolicyPackConfig,
  file: string,
): Map<string, PolicyConfigEntry> {
  const problems = lintPolicyConfig(pack, config);
  if (problems.length) {
    throw new PolicyConfigError(
      `Invalid policy configuration in ${file} (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  ${file}: ${p}`).join("\n")}`,
    );
  }
  try {
    return cliConfigureLocalPack(analyzerInfoOf(pack), file, { path: file, text: JSON.stringify(config) });
  } catch (error) {
    if (error instanceof CliPolicyConfigError)
      throw new PolicyConfigError(`${file}: the Pulumi CLI refuses this config for ${pack.name}: ${error.message}`);
    throw error;
  }
}

/** The offline engine's own checks, stricter than the CLI's, with messages that say what is allowed. */
function lintPolicyConfig(pack: ServedPack, config: PolicyPackConfig): string[] {
  const problems: string[] = [];
  const policies = new Map(pack.policies.map((p) => [p.name, p]));
  const level = (key: string, value: unknown) => {
    if (!isValidLevel(value))
      problems.push(`${key}: got ${JSON.stringify(value)}; allowed: one of ${ENFORCEMENT_LEVELS.join(", ")}`);
  };
  for (const [key, value] of Object.entries(config)) {
    if (key === "environments") {
      problems.push(
        `environments: Pulumi ESC environments are resolved by Pulumi Cloud, which the offline engine cannot reach; put the values in this file`,
      );
      continue;
    }
    const policy = policies.get(key);
    if (key !== "all" && !policy) {
      problems.push(`${key}: not a policy of ${pack.name}; allowed: all, ${[...policies.keys()].join(", ")}`);
      continue;
    }
    if (typeof value === "string") {
      level(key, value);
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      if (enforcementLevel !== undefined) level(`${key}.enforcementLevel`, enforcementLevel);
      const declared = (policy?.configSchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, property] of Object.entries(properties)) {
        if (!(name in declared)) {
          problems.push(
            `${key}.${name}: unknown property; allowed: enforcementLevel${Object.keys(declared).length ? `, ${Object.keys(declared).join(", ")}` : ""}`,
          );
        } else {
          for (const p of schemaProblems(declared[name], property, name))
            problems.push(`${key}.${p.path}: got ${describeValue(p.value)}; allowed: ${p.allowed}`);
        }
      }
    } else {
      problems.push(
        `${key}: got ${JSON.stringify(value)}; allowed: an enforcement level or an object of its properties`,
      );
    }
  }
  return problems;
}

export interface PolicyEvaluation {
  /** The packs that ran. */
  packs: string[];
  violations: PolicyViolation[];
  /** Resource-policy checks run (policy × resource validations). */
  checks: number;
}

/** Runs the packs against a plan, each with its reconciled config (by pack name). */
export async function evaluatePolicies(
  plan: Pick<Plan, "resources">,
  packs: readonly ServedPack[],
  configs: ReadonlyMap<string, PackConfig>,
): Promise<PolicyEvaluation> {
  const resources = analyzerResources(plan);
  const inPlan = new Set(resources.map((r) => r.urn));
  const counts = { checks: 0 };
  const violations: PolicyViolation[] = [];
  const add = (d: Diagnostic, urn: string | null) => violations.push(violationOf(d, urn));
  for (const pack of packs) {
    const prepared = preparePack(pack, configs.get(pack.name) ?? new Map());
    for (const resource of resources) {
      for (const d of await analyze(prepared, resource, counts)) add(d, resource.urn);
    }
  }
  for (const pack of packs) {
    for (const d of await analyzeStack(pack, configs.get(pack.name) ?? new Map(), resources))
      add(d, d.urn && inPlan.has(d.urn) ? d.urn : null);
  }
  return { packs: packs.map((p) => p.name), violations, checks: counts.checks };
}

/**
 * A diagnostic as the CLI shows it, at the URN it attributes it to: a remediate-level finding is
 * shown as mandatory (pkg/resource/deploy/analyze_snapshot.go analyzeResource).
 */
export function violationOf(d: Diagnostic, urn: string | null): PolicyViolation {
  return {
    pack: d.policyPackName,
    policy: d.policyName,
    enforcementLevel: d.enforcementLevel === "remediate" ? "mandatory" : d.enforcementLevel,
    urn,
    message: d.message,
    description: d.description,
  };
}

/** The policy's own words: a violation's message without the description CrossGuard puts first. */
export function causeOf(violation: Pick<PolicyViolation, "message" | "description">): string {
  const prefix = violation.description ? `${violation.description}\n` : undefined;
  return prefix && violation.message.startsWith(prefix) ? violation.message.slice(prefix.length) : violation.message;
}
