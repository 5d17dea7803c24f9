import * as fs from "fs";
import * as path from "path";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import { estimatePlan } from "../../policies/lib/estimate";
import { PACKS } from "../../policies/lib/packs";
import type { PolicyPackDefinition } from "../../policies/lib/policy";
import { CAPS_POLICY, type CapsConfig } from "../../policies/sustainability/policies/gpu-and-carbon-caps";
import type { Plan, PolicyViolation } from "./plan-document";
import { PolicyConfigError, evaluatePolicies, readPolicyConfig, reconcilePolicyConfig } from "./policy-engine";

/** `policies/config/<stack>.json`: the stack's enforcement levels, thresholds and exemptions. */
export function policyConfigFile(root: string, stack: string): string {
  return path.join(root, "policies", "config", `${stack}.json`);
}

export interface PlanCheck {
  plan: Plan;
  /** Resource-policy checks run. */
  checks: number;
}

/**
 * Runs both packs against a plan with the stack's policy config, estimates its cost and carbon
 * with the same config's settings, and simulates its workloads' admission and scheduling; returns
 * the plan with `policy`, `estimate` and `workloads` filled.
 */
export async function checkPlan(plan: Plan, configFile: string, packs: readonly PolicyPackDefinition[] = PACKS): Promise<PlanCheck> {
  const shown = path.relative(process.cwd(), configFile) || configFile;
  if (!fs.existsSync(configFile)) {
    throw new PolicyConfigError(`${shown}: no policy config for stack ${plan.stack}; create it (npm run new-stack, or copy policies/config/dev.json) with the stack's enforcement levels`);
  }
  const config = reconcilePolicyConfig(packs, readPolicyConfig(configFile), shown);
  const evaluation = await evaluatePolicies(plan, packs, config);
  const caps = (config.get(CAPS_POLICY)?.properties ?? {}) as CapsConfig;
  const estimate = estimatePlan(plan.resources.map((r) => ({ urn: r.urn, type: r.type, props: r.inputs })), { pue: caps.pue, prices: caps.prices });
  const workloads = analyzeWorkloads(plan.resources);
  return { plan: { ...plan, policy: { packs: evaluation.packs, violations: evaluation.violations }, estimate: { ...estimate }, workloads }, checks: evaluation.checks };
}

export const mandatoryCount = (violations: readonly PolicyViolation[]): number => violations.filter((v) => v.enforcementLevel === "mandatory").length;

/** The violations as a plain-text table for the terminal (message cut to fit). */
export function violationTable(violations: readonly PolicyViolation[]): string {
  if (!violations.length) return "policy: no violations\n";
  const rows = violations.map((v) => [v.enforcementLevel, v.policy.replace(/^cnai-/, ""), v.urn ? v.urn.split("::").pop()! : "(stack)", v.message.replace(/\s+/g, " ")]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ["level", "policy", "resource"][i].length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.length > 140 ? `${c.slice(0, 137)}...` : c)).join("  ");
  return `${[line(["level", "policy", "resource", "message"]), ...rows.map(line)].join("\n")}\n`;
}
