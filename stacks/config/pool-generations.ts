import { z } from "zod";
import type { PoolProblem } from "../../components/compute/gpu-pool-rules";
import { gpuNodePoolName } from "../../components/naming";

/**
 * Generations of a GPU pool, for changing a setting that replaces the node pool (driver version,
 * accelerator, GPU sharing, reservation, …: components/catalog/replace-on-change-gcp.ts) without
 * draining it: the new generation comes up beside the old one under its own GKE name, the Kueue
 * flavor and the workloads move to it, and the old one goes last (docs/safe-gpu-pool-change.md).
 *
 * Two entries of `gpuPools` may share a `name` while a pool migrates: one active (no `migration`),
 * the other `standby` (created, nothing scheduled to it yet) or `retiring` (kept for the work still
 * running on it, nothing new scheduled to it).
 */
export const poolGenerationFields = {
  /** The pool's generation: 1 is GKE node pool `gpu-<name>`, N > 1 is `gpu-<name>-g<N>`. */
  generation: z
    .number()
    .int()
    .min(1)
    .max(99)
    .default(1)
    .describe(
      "The pool's generation: 1 is GKE node pool `gpu-<name>`, N > 1 is `gpu-<name>-g<N>`, a new pool beside the old one (docs/safe-gpu-pool-change.md).",
    ),
  /** While a pool migrates: `standby` (the new generation, not used yet) or `retiring` (the old one, no new work). */
  migration: z
    .enum(["standby", "retiring"])
    .optional()
    .describe(
      "While two entries share a name: `standby` (the new generation, nothing scheduled to it yet) or `retiring` (the old one, no new work); the entry without it takes the work.",
    ),
};

type PoolGeneration = { name: string; generation: number; migration?: "standby" | "retiring" };

/** The pool's own name: its config name, with `-g<N>` from generation 2 on (the GKE node pool is `gpu-` this). */
export function generationName(pool: { name: string; generation?: number }): string {
  return (pool.generation ?? 1) > 1 ? `${pool.name}-g${pool.generation}` : pool.name;
}

/** The GKE node pool name of a pool generation (the `cloud.google.com/gke-nodepool` node label). */
export function nodePoolName(pool: { name: string; generation?: number }): string {
  return gpuNodePoolName(generationName(pool));
}

/** The generation of each pool that takes work (the one with no `migration`), by config name. */
export function activePools<P extends PoolGeneration>(pools: readonly P[]): P[] {
  return pools.filter((p) => p.migration === undefined);
}

/** A pool name used at most twice, by two generations, exactly one of them active. */
export function generationIssues(pools: readonly PoolGeneration[]): PoolProblem[] {
  const issues: PoolProblem[] = [];
  const byName = new Map<string, number[]>();
  pools.forEach((p, i) => {
    byName.set(p.name, [...(byName.get(p.name) ?? []), i]);
  });
  for (const [name, indexes] of byName) {
    const entries = indexes.map((i) => ({ i, pool: pools[i] }));
    const active = entries.filter((e) => e.pool.migration === undefined);
    const last = indexes[indexes.length - 1];
    if (indexes.length > 2) {
      issues.push({
        path: [last, "name"],
        input: name,
        message: "a name at most two gpuPools entries share (the active generation and one standby or retiring)",
      });
    } else if (indexes.length === 2 && pools[indexes[0]].generation === pools[indexes[1]].generation) {
      issues.push({
        path: [last, "generation"],
        input: pools[last].generation,
        message: `a generation other than ${pools[indexes[0]].generation}, the other entry named ${name} (a new generation is a new node pool)`,
      });
    } else if (active.length !== 1) {
      const at = entries[entries.length - 1];
      issues.push({
        path: [at.i, "migration"],
        input: at.pool.migration ?? null,
        message:
          active.length === 0
            ? `no migration on one entry named ${name}: the generation that takes the work`
            : `standby (the new generation, not used yet) or retiring (the old one, no new work), as the other entry named ${name} is active`,
      });
    }
  }
  return issues;
}
