import { chartFacts } from "../../../../components/catalog/chart-workloads";
import { type BudgetSpec, disruptionsAllowed } from "../../../../components/catalog/disruption";
import { indexCluster } from "./cluster";
import { deriveWorkloads } from "./derive";
import { plain } from "./derive/pods";
import type { AnalysisResource, Props, Workload } from "./model";
import { matchesSelector } from "./scheduling/matching";

/** A PodDisruptionBudget of the plan (declared, or rendered by a chart) and what it does to a drain. */
export interface BudgetReport {
  /** The declaring resource: the PodDisruptionBudget, or the chart. */
  readonly urn: string;
  readonly name: string;
  readonly namespace: string;
  /** declared, or the chart template that renders it. */
  readonly source: string;
  readonly spec: BudgetSpec;
  /** The workloads whose Pods it selects, each with its Pods at its minimum scale. */
  readonly selects: Array<{ workload: Workload; pods: number }>;
  /** Evictions allowed with every selected Pod healthy at the minimum scale; 0 blocks drains. */
  readonly allowed: number;
}

export interface DisruptionAnalysis {
  readonly budgets: BudgetReport[];
  readonly workloads: Workload[];
  /** The budgets that select a workload's Pods, by workload. */
  readonly budgetsOf: (workload: Workload) => BudgetReport[];
}

/**
 * The plan's PodDisruptionBudgets against the Pods its workloads run (the workload simulation's
 * derived Pods, at their minimum scale): which budgets select which workloads (same namespace,
 * metav1.LabelSelector), and how many evictions each allows (components/catalog/disruption.ts). A
 * budget that allows none refuses every eviction: node drains, autoscaler scale-down and GKE's node
 * upgrades stall on it.
 */
export function analyzeDisruption(resources: readonly AnalysisResource[]): DisruptionAnalysis {
  const index = indexCluster(resources);
  const workloads = deriveWorkloads(index).filter((w) => !w.unchecked);
  const budgets: BudgetReport[] = [];
  const pods = (w: Workload) => w.groups.reduce((n, g) => n + (g.daemon ? 0 : g.count), 0);
  const report = (base: Omit<BudgetReport, "selects" | "allowed">, selected: Workload[]): BudgetReport => {
    const selects = selected.map((workload) => ({ workload, pods: pods(workload) }));
    const expected = selects.reduce((n, s) => n + s.pods, 0);
    return { ...base, selects, allowed: disruptionsAllowed(base.spec, expected) };
  };

  for (const object of index.objects) {
    if (object.kind !== "PodDisruptionBudget") continue;
    const spec: Props = object.props.spec ?? {};
    const namespace = object.namespace ?? "default";
    const selected = workloads.filter(
      (w) =>
        w.namespace === namespace &&
        w.groups.some((g) => !g.daemon && matchesSelector(spec.selector, g.pod.metadata.labels)),
    );
    budgets.push(
      report(
        {
          urn: object.urn,
          name: object.objectName ?? object.name,
          namespace,
          source: "declared",
          spec: budgetSpec(spec),
        },
        selected,
      ),
    );
  }

  for (const chart of index.charts) {
    if (index.renderedParents.has(chart.urn)) continue;
    const facts = chartFacts(String(chart.props.chart ?? ""), String(chart.props.version ?? ""));
    if (!facts?.disruptionBudgets) continue;
    const namespace = String(chart.props.namespace ?? "default");
    const release = {
      name: String(chart.props.name ?? chart.name),
      namespace,
      values: plain(chart.props.values ?? {}),
    };
    for (const fact of facts.disruptionBudgets(release)) {
      const selected = workloads.filter(
        (w) => w.urn === chart.urn && w.namespace === namespace && w.name === fact.workload,
      );
      budgets.push(
        report(
          {
            urn: chart.urn,
            name: fact.name,
            namespace,
            source: fact.source,
            spec: budgetSpec(fact),
          },
          selected,
        ),
      );
    }
  }

  const byWorkload = new Map<Workload, BudgetReport[]>();
  for (const budget of budgets)
    for (const { workload } of budget.selects) byWorkload.set(workload, [...(byWorkload.get(workload) ?? []), budget]);
  return { budgets, workloads, budgetsOf: (w) => byWorkload.get(w) ?? [] };
}

function budgetSpec(spec: Props): BudgetSpec {
  return {
    ...(spec.minAvailable !== undefined ? { minAvailable: spec.minAvailable } : {}),
    ...(spec.maxUnavailable !== undefined ? { maxUnavailable: spec.maxUnavailable } : {}),
  };
}

/** The most Pods a workload may run (an autoscaler's maximum, else its count). */
export const mostPods = (workload: Workload): number =>
  workload.groups.reduce((n, g) => n + (g.daemon ? 0 : Math.max(g.count, g.maxCount ?? 0)), 0);
