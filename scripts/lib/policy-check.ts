import * as fs from "node:fs";
import * as path from "node:path";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import { estimatePlan } from "../../policies/lib/estimate";
import { PACKS, type ShippedPack } from "../../policies/lib/packs";
import { CAPS_POLICY, type CapsConfig } from "../../policies/sustainability/policies/gpu-and-carbon-caps";
import type { Plan, PolicyViolation } from "./plan-document";
import {
  evaluatePolicies,
  type PackConfig,
  PolicyConfigError,
  reconcilePolicyConfig,
  type ServedPack,
} from "./policy-engine";

/**
 * `policies/config/<stack>/<pack>.json`: one file per stack and pack, the file the CLI takes with
 * `--policy-pack policies/<pack> --policy-pack-config policies/config/<stack>/<pack>.json`.
 */
export function policyConfigFile(root: string, stack: string, pack: Pick<ShippedPack, "dir">): string {
  return path.join(root, "policies", "config", stack, `${pack.dir}.json`);
}

/**
 * A stack's policy config: each pack's file, reconciled as the CLI reconciles it (by pack name).
 * Throws a PolicyConfigError naming the file for a missing file, invalid JSON, or any problem.
 */
export function readStackPolicyConfig(
  root: string,
  stack: string,
  packs: readonly ShippedPack[] = PACKS,
): Map<string, PackConfig> {
  const configs = new Map<string, PackConfig>();
  const errors: string[] = [];
  for (const pack of packs) {
    const file = policyConfigFile(root, stack, pack);
    const shown = path.relative(process.cwd(), file) || file;
    try {
      configs.set(pack.name, reconcilePolicyConfig(pack, readPolicyConfigFile(file, shown, stack), shown));
    } catch (error) {
      if (!(error instanceof PolicyConfigError)) throw error;
      errors.push(error.message);
    }
  }
  if (errors.length) throw new PolicyConfigError(errors.join("\n"));
  return configs;
}

/** A pack's config file as JSON (an object of policy names). */
export function readPolicyConfigFile(file: string, shown: string, stack: string): Record<string, unknown> {
  if (!fs.existsSync(file)) {
    throw new PolicyConfigError(
      `${shown}: no policy config for stack ${stack}; create it (npm run new-stack, or copy policies/config/dev/${path.basename(file)}) with the stack's enforcement levels`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PolicyConfigError(`${shown}: not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new PolicyConfigError(`${shown}: got ${JSON.stringify(parsed)}; allowed: an object of policy names`);
  return parsed as Record<string, unknown>;
}

export interface PlanCheck {
  plan: Plan;
  /** Resource-policy checks run. */
  checks: number;
}

/**
 * Runs the packs against a plan with a stack's reconciled policy config, estimates its cost and
 * carbon with the caps policy's settings, and simulates its workloads' admission and scheduling;
 * returns the plan with `policy`, `estimate` and `workloads` filled.
 */
export async function checkPlan(
  plan: Plan,
  configs: ReadonlyMap<string, PackConfig>,
  packs: readonly ServedPack[] = PACKS,
): Promise<PlanCheck> {
  const evaluation = await evaluatePolicies(plan, packs, configs);
  const caps = ([...configs.values()].find((config) => config.has(CAPS_POLICY))?.get(CAPS_POLICY)?.properties ??
    {}) as CapsConfig;
  const estimate = estimatePlan(
    plan.resources.map((r) => ({ urn: r.urn, type: r.type, props: r.inputs })),
    { pue: caps.pue, prices: caps.prices },
  );
  const workloads = analyzeWorkloads(plan.resources);
  return {
    plan: {
      ...plan,
      policy: { packs: evaluation.packs, violations: evaluation.violations },
      estimate: { ...estimate },
      workloads,
    },
    checks: evaluation.checks,
  };
}

export const mandatoryCount = (violations: readonly PolicyViolation[]): number =>
  violations.filter((v) => v.enforcementLevel === "mandatory").length;
