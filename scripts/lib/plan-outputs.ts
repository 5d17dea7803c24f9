import * as fs from "node:fs";
import * as path from "node:path";

/** What `plan` and `policy` write into their output folder (and nothing else there is theirs). */
export const PLAN_OUTPUTS = ["plan.json", "report.md", "manifests", "policy.sarif"] as const;

/**
 * Removes an earlier run's outputs from `out` before a run writes, so a failed run, or one without
 * --format sarif, leaves no stale plan.json, report.md, manifests/ or policy.sarif for a reader (or
 * a workflow's upload step) to take for its own. Only those entries go: `out` may be any folder the
 * user named. `keep` spares a file the run reads (policy's --plan inside its --out).
 */
export function clearPlanOutputs(out: string, keep?: string): void {
  for (const name of PLAN_OUTPUTS) {
    const entry = path.join(out, name);
    if (keep && path.resolve(keep) === path.resolve(entry)) continue;
    fs.rmSync(entry, { recursive: true, force: true });
  }
}
