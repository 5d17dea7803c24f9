/**
 * How a PodDisruptionBudget acts on evictions, and so on node drains: the rules the blueprint sizes
 * its budgets by and the workload simulation checks every budget against.
 *
 * - The disruption controller allows `currentHealthy - desiredHealthy` evictions, where
 *   desiredHealthy is `minAvailable`, or `expectedPods - maxUnavailable`; a percentage is scaled on
 *   the expected Pods rounding up, for both fields (kubernetes/kubernetes v1.34
 *   pkg/controller/disruption/disruption.go getExpectedPodCount, intstr.GetScaledValueFromIntOrPercent
 *   with roundUp true). A budget that leaves 0 allowed disruptions refuses every eviction (the
 *   Eviction API answers 429: pkg/registry/core/pod/storage/eviction.go).
 * - A node drain evicts through that API, so such a budget blocks `kubectl drain`, the cluster
 *   autoscaler's scale-down and GKE's node upgrades. GKE respects a budget for up to 60 minutes per
 *   node during a surge upgrade and then deletes the Pods anyway ("Node upgrade strategies",
 *   https://cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies#surge):
 *   the budget buys nothing and every upgrade stalls an hour a node. Kubernetes' own advice: with
 *   one replica, "do not use a PDB ... or set maxUnavailable" so that drains proceed
 *   (https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions).
 */

/** A budget's two exclusive fields, as policy/v1 PodDisruptionBudgetSpec has them. */
export interface BudgetSpec {
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/** `n` or `"n%"` scaled on `expected`, rounding up (intstr.GetScaledValueFromIntOrPercent, roundUp true). */
export function scaledValue(value: number | string, expected: number): number {
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) {
    const whole = Number(value);
    if (Number.isInteger(whole)) return whole;
    throw new Error(`"${value}" is neither a whole number nor a percentage`);
  }
  return Math.ceil((Number(percent[1]) * expected) / 100);
}

/**
 * Evictions the budget allows while `expected` Pods run and all are healthy. An empty budget
 * (neither field) allows every eviction when the selected Pods have no controller with a scale, and
 * is treated here as allowing them all.
 */
export function disruptionsAllowed(budget: BudgetSpec, expected: number): number {
  let desiredHealthy: number;
  if (budget.maxUnavailable !== undefined) desiredHealthy = expected - scaledValue(budget.maxUnavailable, expected);
  else if (budget.minAvailable !== undefined) desiredHealthy = scaledValue(budget.minAvailable, expected);
  else return expected;
  return Math.max(0, expected - Math.max(0, desiredHealthy));
}

/**
 * The budget the blueprint gives a workload that runs `minReplicas` to `maxReplicas` Pods:
 * `maxUnavailable` (it follows an autoscaler's current scale, where `minAvailable` would pin a
 * count), a quarter of the minimum rounded down, and never less than 1 so that a drain always
 * proceeds: one Pod at a time for small workloads, more for large ones.
 */
export function sizeDisruptionBudget(minReplicas: number, _maxReplicas?: number): { maxUnavailable: number } {
  return { maxUnavailable: Math.max(1, Math.floor(minReplicas / 4)) };
}

/** Whether a workload gets a budget: only one that can run more than one Pod (a lone Pod has nothing to keep). */
export const needsDisruptionBudget = (minReplicas: number, maxReplicas: number): boolean =>
  Math.max(minReplicas, maxReplicas) > 1;

/**
 * A platform controller's chart values for `replicas` Pods: with more than one, the chart's own
 * budget keeps one fewer than the replicas available (`minAvailable: replicas - 1`, one eviction at a
 * time); with one, no budget (any budget over a lone controller either blocks drains or protects
 * nothing). The controllers run leader election, so extra replicas stand by (Kueue v0.19.2
 * values.yaml managerConfig leaderElection.leaderElect: true; cert-manager v1.19.2 values.yaml
 * `--leader-elect` defaults for the controller and cainjector; its webhook serves from every replica).
 */
export function controllerBudget(replicas: number): { enabled: boolean; minAvailable?: number } {
  return replicas > 1 ? { enabled: true, minAvailable: replicas - 1 } : { enabled: false };
}
