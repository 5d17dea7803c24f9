import { analyzeWorkloads } from "../../lib/analysis/workloads";
import type { Problem, WorkloadReport } from "../../lib/analysis/workloads/model";
import { stackPolicy } from "../../lib/policy";

/** What the actor does to the Pod, for the message. */
const VERDICT: Readonly<Record<string, string>> = {
  Controller: "never be created",
  NamespaceLifecycle: "be refused",
  Priority: "be refused",
  RuntimeClass: "be refused",
  LimitRanger: "be refused",
  Validation: "be refused as invalid",
  "LimitRanger defaults": "be given resources it does not ask for",
  PodSecurity: "be refused",
  ResourceQuota: "be refused",
  Kueue: "never be admitted",
  Scheduler: "never be scheduled",
};

export function runnableMessage(workload: WorkloadReport, problem: Problem): string {
  // A workload with one Pod template (a Deployment, a chart's DaemonSet) names no Pod set.
  const single =
    workload.pods.length <= 1 &&
    (problem.pod === undefined || problem.pod === workload.kind.toLowerCase() || problem.pod === workload.name);
  const subject = single
    ? `the Pods of ${workload.kind} ${workload.namespace}/${workload.name}`
    : `Pod ${problem.pod ?? "(all)"} of ${workload.kind} ${workload.namespace}/${workload.name}`;
  const origin = workload.source === "declared" ? "" : ` (${workload.source})`;
  return `${subject}${origin} would ${VERDICT[problem.step] ?? "not run"} (${problem.step}): ${problem.message}. Fix: ${problem.fix}. Rule: ${problem.source}.`;
}

/**
 * Simulates what the cluster does with every workload of the stack before anything is applied: the
 * Pods its controller creates at the pinned versions (including injected init containers and
 * sidecars), Kueue's admission, the API server's admission plugins, and the scheduler's placement on
 * the node pools at their maximum size (policies/lib/analysis/workloads). A stack policy, so it sees
 * the namespaces, LimitRanges, quotas, queues and node pools the Pods meet; it reads nothing but the
 * resources' types, URNs, parents and properties, which is all CrossGuard sends.
 */
export const workloadsRunnable = stackPolicy({
  name: "cnai-workloads-runnable",
  description:
    "Every workload would run: its Pods, as their controllers create them, pass Kueue and the API server's admission (LimitRange, " +
    "ResourceQuota with GKE's critical-class rule, Pod Security) and fit a node pool at its maximum size. Objects that validate " +
    "against their schema can still never run; this finds them in the plan instead of on the cluster.",
  validate: (args, report) => {
    const analysis = analyzeWorkloads(
      args.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.props })),
    );
    for (const workload of analysis.workloads) {
      for (const problem of workload.problems) report(runnableMessage(workload, problem), workload.urn);
    }
  },
});
