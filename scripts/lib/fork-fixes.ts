import * as path from "node:path";
import { isRegion, type Region, regionCarbon } from "../../components/catalog/regions";
import { PACKS } from "../../policies/lib/packs";
import { CAPS_POLICY, type CapsConfig } from "../../policies/sustainability/policies/gpu-and-carbon-caps";
import type { Plan, PolicyViolation } from "./plan-document";
import { policyConfigFile } from "./policy-check";
import type { PackConfig } from "./policy-engine";

/** One change that clears a mandatory violation of a new stack: where, which key, from what to what. */
export interface ForkFix {
  readonly policy: string;
  /** What the plan found, with the figures. */
  readonly finding: string;
  /** The file to edit, relative to the project root. */
  readonly file: string;
  /** The key in that file, as a path (`"cnai-gpu-and-carbon-caps"."maxCo2eKgPerMonth"`). */
  readonly key: string;
  readonly from: number;
  /** A value that passes. */
  readonly to: number;
  /** The other ways out, and who should agree. */
  readonly otherwise: string;
}

export interface ForkAdvice {
  readonly fixes: ForkFix[];
  /** Mandatory violations with no computed fix: shown with where their settings live. */
  readonly others: Array<{ violation: PolicyViolation; settings: string }>;
}

/**
 * What to change so a freshly forked stack plans without a mandatory violation. The caps of
 * cnai-gpu-and-carbon-caps are budgets the source stack set for its own region and pools: a fork in
 * a region of another grid intensity (components/catalog/region-carbon.ts) lands over or under the
 * CO2e cap with the same pools. new-stack does not move a budget by itself (that is the budget
 * owner's call, the policy's own message says so); it gives the estimate, the cap, the key and the
 * smallest round value that passes: the estimate rounded up to the next 100 kg, the GPU count as
 * it is. Any other mandatory violation is listed with its message and the file its settings live in.
 */
export function forkAdvice(
  plan: Plan,
  configs: ReadonlyMap<string, PackConfig>,
  where: { root: string; stack: string; region: string; from: string; sourceRegion: string },
): ForkAdvice {
  const mandatory = plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory");
  const fileOf = (packName: string) => {
    const pack = PACKS.find((p) => p.name === packName);
    return pack ? path.relative(where.root, policyConfigFile(where.root, where.stack, pack)) : undefined;
  };
  const caps = ([...configs.values()].find((config) => config.has(CAPS_POLICY))?.get(CAPS_POLICY)?.properties ??
    {}) as CapsConfig;
  const fixes: ForkFix[] = [];
  const capsViolation = mandatory.find((v) => v.policy === CAPS_POLICY);
  const capsFile = capsViolation && fileOf(capsViolation.pack);
  if (capsFile && plan.estimate) {
    const { co2eKgPerMonth, gpus } = plan.estimate;
    const pools = `stacks/Pulumi.${where.stack}.yaml (cnai-platform:gpuPools[].autoscaling.max)`;
    if (caps.maxCo2eKgPerMonth !== undefined && co2eKgPerMonth.max > caps.maxCo2eKgPerMonth)
      fixes.push({
        policy: CAPS_POLICY,
        finding:
          `at full scale the stack's GPUs emit an estimated ${co2eKgPerMonth.max} kg CO2e a month in ${where.region}; ` +
          `the cap copied from ${where.from} is ${caps.maxCo2eKgPerMonth}${gridsOf(where.sourceRegion, where.region)}`,
        file: capsFile,
        key: `"${CAPS_POLICY}"."maxCo2eKgPerMonth"`,
        from: caps.maxCo2eKgPerMonth,
        to: Math.ceil(co2eKgPerMonth.max / 100) * 100,
        otherwise: `with the budget owner's approval; or lower the pools' maximum in ${pools}, or choose a region with a cleaner grid`,
      });
    if (caps.maxGpus !== undefined && gpus.max > caps.maxGpus)
      fixes.push({
        policy: CAPS_POLICY,
        finding: `at full scale the pools reach ${gpus.max} GPUs; the cap copied from ${where.from} is ${caps.maxGpus}`,
        file: capsFile,
        key: `"${CAPS_POLICY}"."maxGpus"`,
        from: caps.maxGpus,
        to: gpus.max,
        otherwise: `with the budget owner's approval; or lower the pools' maximum in ${pools}`,
      });
  }
  const others: ForkAdvice["others"] = mandatory
    .filter((violation) => !(violation.policy === CAPS_POLICY && fixes.length > 0))
    .map((violation) => ({
      violation,
      settings: `stacks/Pulumi.${where.stack}.yaml, or the policy's settings ("${violation.policy}") in ${fileOf(violation.pack) ?? "its pack's policy config"}`,
    }));
  return { fixes, others };
}

/** The two regions' grid intensities (components/catalog/region-carbon.ts), when the fork moved. */
function gridsOf(source: string, target: string): string {
  if (source === target || !isRegion(source) || !isRegion(target)) return "";
  const grid = (region: Region) => `${regionCarbon(region).gridGco2PerKwh} g CO2e/kWh`;
  return `, set for ${source} (grid ${grid(source)}; ${target}: ${grid(target)})`;
}

/** The advice as lines for the terminal. */
export function renderForkAdvice(advice: ForkAdvice, stack: string): string {
  const count = advice.fixes.length + advice.others.length;
  if (count === 0) return "";
  const lines = [`new-stack: ${stack} does not pass yet; change this, then run npm run plan -- --stack ${stack}:`];
  for (const fix of advice.fixes) {
    lines.push(`  ${fix.policy}: ${fix.finding}.`);
    lines.push(`    set ${fix.key} in ${fix.file} from ${fix.from} to ${fix.to} (passes)`);
    lines.push(`    ${fix.otherwise}.`);
  }
  for (const { violation, settings } of advice.others) {
    const on = violation.urn ? ` on ${violation.urn.split("::").pop()}` : "";
    lines.push(`  ${violation.policy}${on}: ${violation.message}`);
    lines.push(`    settings: ${settings}.`);
  }
  return `${lines.join("\n")}\n`;
}
