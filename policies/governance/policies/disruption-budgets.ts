import { analyzeDisruption, mostPods } from "../../lib/analysis/workloads/disruption";
import { stackPolicy } from "../../lib/policy";

export interface DisruptionBudgetsConfig {
  /** Workload kinds that serve users and need a budget when they run more than one Pod. */
  servingKinds: string[];
}

const formatSpec = (spec: { minAvailable?: number | string; maxUnavailable?: number | string }) =>
  spec.maxUnavailable !== undefined ? `maxUnavailable ${spec.maxUnavailable}` : `minAvailable ${spec.minAvailable}`;

/**
 * Two ways a node drain (GKE's node upgrades, the cluster autoscaler's scale-down, `kubectl drain`)
 * goes wrong for the plan's workloads (policies/lib/analysis/workloads/disruption.ts):
 * - a serving workload that runs more than one replica has no PodDisruptionBudget, so a drain may
 *   evict every replica at once (a surge upgrade drains nodes one after another, and the replicas of
 *   a small pool share few nodes);
 * - a budget (declared, or rendered by a chart from the values the plan sets) allows no eviction
 *   at the workload's minimum scale: GKE waits up to an hour per node and then evicts anyway
 *   (components/catalog/disruption.ts), so the budget protects nothing and stalls every upgrade.
 */
export const disruptionBudgets = stackPolicy<DisruptionBudgetsConfig>({
  name: "cnai-disruption-budgets",
  description:
    "Serving workloads that run more than one replica have a PodDisruptionBudget, and every budget lets a drain proceed (at least one " +
    "eviction allowed at the workload's minimum scale): without one, a node upgrade can take every replica down at once; with one that " +
    "allows nothing, node upgrades and scale-down stall for an hour a node and then evict anyway.",
  config: {
    servingKinds: { type: "array", items: { type: "string" }, default: ["InferenceService"] },
  },
  validate: (args, report, config) => {
    const analysis = analyzeDisruption(
      args.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.props })),
    );
    for (const workload of analysis.workloads) {
      if (!config.servingKinds.includes(workload.kind)) continue;
      const most = mostPods(workload);
      if (most <= 1 || analysis.budgetsOf(workload).length) continue;
      report(
        `${workload.kind} ${workload.namespace}/${workload.name} may run ${most} replicas but no PodDisruptionBudget selects its Pods: a node ` +
          "upgrade or scale-down can evict them all at once. Add a policy/v1 PodDisruptionBudget with maxUnavailable of at least 1 " +
          "over its Pod labels (ModelDeployment creates one unless disruptionBudget is false).",
        workload.urn,
      );
    }
    for (const budget of analysis.budgets) {
      if (!budget.selects.length || budget.allowed > 0) continue;
      const pods = budget.selects.reduce((n, s) => n + s.pods, 0);
      const what = budget.selects
        .map((s) => `${s.workload.kind} ${s.workload.namespace}/${s.workload.name}`)
        .join(", ");
      const origin = budget.source === "declared" ? "" : ` (${budget.source})`;
      report(
        `PodDisruptionBudget ${budget.namespace}/${budget.name}${origin} allows no eviction with ${formatSpec(budget.spec)} over ${pods} ` +
          `Pod(s) of ${what}: every node drain and upgrade stalls on it (GKE waits up to an hour a node, then evicts anyway). ` +
          "Run more replicas than minAvailable, or use maxUnavailable of at least 1.",
        budget.urn,
      );
    }
  },
});
