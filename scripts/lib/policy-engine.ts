import * as fs from "fs";
import { UnknownValueError, unknownCheckingProxy, unknownStringValue } from "./sdk-seam";
import type { PolicyConfigSchema, PolicyPackDefinition } from "../../policies/lib/policy";

export type { PolicyPackDefinition };
import type { EnforcementLevel, Plan, PlanResource, PolicyViolation } from "./plan-document";
import { schemaProblems } from "./config-schema";
import { UsageError } from "./project-files";

/**
 * The policy packs run offline, as the Pulumi CLI and @pulumi/policy's server would run them in a
 * `pulumi preview`, without constructing a PolicyPack (which starts a gRPC server):
 *
 * - config: each policy's schema defaults, then the file's `all` level, then the policy's own entry
 *   (Pulumi's ReconcilePolicyPackConfig), validated against the policy's schema; stricter than the
 *   CLI, a key that names no policy, or a property a policy does not declare, is an error too;
 * - resources: every resource of the plan with its inputs; a value the plan records as unknown
 *   throws when a policy reads it, and is reported as an advisory "can't run during preview";
 * - violations: per policy and resource, at the policy's level; `disabled` policies do not run.
 */
export interface PolicyConfigEntry {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

export type PolicyPackConfig = Record<string, unknown>;

export class PolicyConfigError extends UsageError {}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads a policy config file (`policies/config/<stack>.json`); a missing file is an empty config. */
export function readPolicyConfig(file: string): PolicyPackConfig {
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PolicyConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new PolicyConfigError(`${file}: got ${JSON.stringify(parsed)}; allowed: an object of policy names`);
  return parsed as PolicyPackConfig;
}

/**
 * Each policy's level and properties after reconciling the config with the packs' defaults.
 * Throws a PolicyConfigError naming the file, the key, the value and what is allowed.
 */
export function reconcilePolicyConfig(packs: readonly PolicyPackDefinition[], config: PolicyPackConfig, file: string): Map<string, PolicyConfigEntry> {
  const problems: string[] = [];
  const policies = packs.flatMap((pack) => pack.policies.map((policy) => ({ pack, policy })));
  const known = new Set(policies.map(({ policy }) => policy.name));
  const levelOf = (key: string, value: unknown): EnforcementLevel | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === "string" && (LEVELS as readonly string[]).includes(value)) return value as EnforcementLevel;
    problems.push(`${key}: got ${JSON.stringify(value)}; allowed: one of ${LEVELS.join(", ")}`);
    return undefined;
  };
  for (const [key, value] of Object.entries(config)) {
    if (key === "all" || known.has(key)) continue;
    problems.push(`${key}: unknown policy; allowed: all, ${[...known].join(", ")}`);
    void value;
  }
  const all = config.all;
  const allLevel = typeof all === "object" && all !== null ? levelOf("all.enforcementLevel", (all as Record<string, unknown>).enforcementLevel) : levelOf("all", all);

  const result = new Map<string, PolicyConfigEntry>();
  for (const { pack, policy } of policies) {
    const schema = (policy.configSchema ?? { properties: {} }) as PolicyConfigSchema;
    const properties: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if ((property as { default?: unknown }).default !== undefined) properties[name] = structuredClone((property as { default?: unknown }).default);
    }
    let level = policy.enforcementLevel ?? pack.enforcementLevel;
    if (allLevel) level = allLevel;
    const given = config[policy.name];
    if (typeof given === "string") {
      level = levelOf(policy.name, given) ?? level;
    } else if (given && typeof given === "object" && !Array.isArray(given)) {
      const { enforcementLevel, ...rest } = given as Record<string, unknown>;
      level = levelOf(`${policy.name}.enforcementLevel`, enforcementLevel) ?? level;
      for (const [name, value] of Object.entries(rest)) {
        if (!(name in (schema.properties ?? {}))) problems.push(`${policy.name}.${name}: unknown property; allowed: enforcementLevel, ${Object.keys(schema.properties ?? {}).join(", ")}`);
        properties[name] = value;
      }
    } else if (given !== undefined) {
      problems.push(`${policy.name}: got ${JSON.stringify(given)}; allowed: an enforcement level or an object of its properties`);
    }
    const objectSchema = { type: "object", properties: schema.properties ?? {}, ...(schema.required?.length ? { required: schema.required } : {}) };
    for (const problem of schemaProblems(objectSchema, properties)) {
      problems.push(`${policy.name}${problem.path ? `.${problem.path}` : ""}: got ${problem.value === undefined ? "nothing" : JSON.stringify(problem.value)}; allowed: ${problem.allowed}`);
    }
    result.set(policy.name, { enforcementLevel: level, properties });
  }
  if (problems.length) {
    throw new PolicyConfigError(`Invalid policy configuration in ${file} (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  ${file}: ${p}`).join("\n")}`);
  }
  return result;
}

export interface PolicyEvaluation {
  /** The packs that ran. */
  packs: string[];
  violations: PolicyViolation[];
  /** Resource-policy checks run (policy × resource pairs that were evaluated). */
  checks: number;
}

/** Runs the packs against a plan's resources with the reconciled config. */
export async function evaluatePolicies(plan: Plan, packs: readonly PolicyPackDefinition[], config: Map<string, PolicyConfigEntry>): Promise<PolicyEvaluation> {
  const violations: PolicyViolation[] = [];
  const resources = plan.resources.map(policyResource);
  let checks = 0;
  for (const pack of packs) {
    for (const policy of pack.policies) {
      const entry = config.get(policy.name) ?? { enforcementLevel: policy.enforcementLevel ?? pack.enforcementLevel, properties: {} };
      const level: EnforcementLevel = entry.enforcementLevel === "remediate" ? "mandatory" : entry.enforcementLevel;
      if (level === "disabled") continue;
      // One copy per policy: the policies read their config, never write it.
      const properties = Object.freeze(structuredClone(entry.properties));
      const getConfig = <T>() => properties as T;
      const report = (urn: string | null) => (message: string | object, reported?: string) =>
        violations.push({ pack: pack.name, policy: policy.name, enforcementLevel: level, urn: reported ?? urn, message: String(message) });
      const unknownInPreview = (urn: string | null, error: UnknownValueError) =>
        violations.push({ pack: pack.name, policy: policy.name, enforcementLevel: "advisory", urn, message: `can't run policy '${policy.name}' during preview: ${error.message}` });
      if ("validateResource" in policy && policy.validateResource) {
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const resource of resources) {
          checks += 1;
          for (const validation of validations) {
            await guard(() => validation({ ...resource.args, getConfig, notApplicable } as any, report(resource.urn) as any), (e) => unknownInPreview(resource.urn, e), `policy ${policy.name} failed on ${resource.urn}`);
          }
        }
      } else if ("validateStack" in policy) {
        const args = { resources: linkStackResources(resources), getConfig, notApplicable, stackTags: new Map<string, string>() };
        await guard(() => policy.validateStack(args as any, report(null) as any), (e) => unknownInPreview(null, e), `policy ${policy.name} failed on the stack`);
      }
    }
  }
  return { packs: packs.map((p) => p.name), violations, checks };
}

class NotApplicable extends Error {}
function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

async function guard(run: () => unknown, onUnknown: (error: UnknownValueError) => void, where: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UnknownValueError) onUnknown(error);
    else if (!(error instanceof NotApplicable)) throw new Error(`${where}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

interface PolicyResourceInput {
  urn: string;
  plan: PlanResource;
  args: Record<string, unknown>;
}

/** A plan resource as ResourceValidationArgs (less the config functions). */
function policyResource(resource: PlanResource): PolicyResourceInput {
  // Reading an unknown value must throw, as in the policy server; inputs without one (every plan
  // outside --preview) need no checking proxy, whose traps cost more than the policies themselves.
  const props = hasUnknown(resource.inputs) ? unknownCheckingProxy(withUnknowns(resource.inputs) as Record<string, unknown>) : resource.inputs;
  const isType = (cls: { __pulumiType?: string }) => cls?.__pulumiType === resource.type;
  return {
    urn: resource.urn,
    plan: resource,
    args: {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: {
        protect: resource.options.protect,
        ignoreChanges: resource.options.ignoreChanges,
        deleteBeforeReplace: resource.options.deleteBeforeReplace,
        aliases: resource.options.aliases,
        customTimeouts: policyCustomTimeouts(resource.options.customTimeouts),
        additionalSecretOutputs: resource.options.additionalSecretOutputs,
        ...(resource.parent ? { parent: resource.parent } : {}),
        // Not in CrossGuard's options; the offline engine knows it and policies may read it.
        retainOnDelete: resource.options.retainOnDelete,
      },
      stackTags: new Map<string, string>(),
      isType,
      asType: (cls: { __pulumiType?: string }) => (isType(cls) ? props : undefined),
    },
  };
}

/**
 * customTimeouts as CrossGuard hands them to a policy (PolicyCustomTimeouts: seconds, 0 when unset,
 * @pulumi/policy 1.21.0 server.js getCustomTimeouts), from the plan's Go durations ("1h30m", "45m", "90s").
 */
function policyCustomTimeouts(timeouts: PlanResource["options"]["customTimeouts"]): { createSeconds: number; updateSeconds: number; deleteSeconds: number } {
  const seconds = (duration: string | undefined) => {
    let total = 0;
    for (const [, amount, unit] of (duration ?? "").matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) total += Number(amount) * { h: 3600, m: 60, s: 1 }[unit as "h" | "m" | "s"];
    return total;
  };
  return { createSeconds: seconds(timeouts?.create), updateSeconds: seconds(timeouts?.update), deleteSeconds: seconds(timeouts?.delete) };
}

/** Stack-policy resources, with parents and dependencies linked as the policy server links them. */
function linkStackResources(inputs: PolicyResourceInput[]): Record<string, any>[] {
  const byUrn = new Map<string, Record<string, any>>();
  const resources = inputs.map((input) => {
    const { type, props, urn, name, opts, isType, asType } = input.args as Record<string, any>;
    const resource: Record<string, any> = { type, props, urn, name, opts, isType, asType, dependencies: [], propertyDependencies: {} };
    byUrn.set(urn, resource);
    return resource;
  });
  inputs.forEach((input, i) => {
    const resource = resources[i];
    if (input.plan.parent && byUrn.has(input.plan.parent)) resource.parent = byUrn.get(input.plan.parent);
    const deps = new Set([...input.plan.options.dependsOn, ...Object.values(input.plan.propertyDependencies ?? {}).flat()]);
    resource.dependencies = [...deps].map((u) => byUrn.get(u)).filter(Boolean);
    for (const [key, urns] of Object.entries(input.plan.propertyDependencies ?? {})) {
      resource.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter(Boolean);
    }
    // The explicit provider, as the policy server gives it (PolicyProviderResource: type, props, urn, name).
    const provider = input.plan.provider ? byUrn.get(input.plan.provider.slice(0, input.plan.provider.lastIndexOf("::"))) : undefined;
    if (provider) resource.provider = { type: provider.type, props: provider.props, urn: provider.urn, name: provider.name };
  });
  return resources;
}

/** plan.json's "[unknown]" as CrossGuard's unknown sentinel, which the checking proxy throws on. */
function hasUnknown(value: unknown): boolean {
  if (value === "[unknown]") return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === "object") return Object.values(value).some(hasUnknown);
  return false;
}

function withUnknowns(value: unknown): unknown {
  if (value === "[unknown]") return unknownStringValue;
  if (Array.isArray(value)) return value.map(withUnknowns);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknowns(v)]));
  return value;
}
