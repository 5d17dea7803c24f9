import type { PlanObject } from "../cluster";
import type { Props, Workload } from "../model";
import { labelsOf, nameOf, namespaceOf, podFromTemplate, workloadShell } from "./pods";

/**
 * Pods of the built-in workload controllers (kube-controller-manager), from the object's Pod
 * template, with the counts its API defaults give: Deployment, StatefulSet and ReplicaSet replicas
 * (default 1: pkg/apis/apps/v1/defaults.go), Job parallelism (default 1, capped by completions:
 * pkg/apis/batch/v1/defaults.go and pkg/controller/job), CronJob through its job template, a
 * DaemonSet's one Pod per matching node, and a bare Pod. A CronJob's Jobs carry the labels of its
 * jobTemplate, not its own (pkg/controller/cronjob/utils.go getJobFromTemplate2, copyLabels): that is
 * where Kueue reads their queue.
 */
export const CORE_KINDS = ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job", "CronJob", "Pod"] as const;

export function deriveCore(object: PlanObject, source = "declared"): Workload {
  const props = object.props;
  const kind = object.kind!;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const { template, count, labels } = templateOf(kind, props);
  const workload = workloadShell({
    urn: object.urn,
    kind,
    name,
    namespace,
    source,
    controller: kind === "Pod" ? "kubelet" : `kube-controller-manager (${kind} controller)`,
    gang: false,
    labels: { ...labels, ...(template?.metadata?.labels ?? {}) },
  });
  workload.groups.push({
    name: kind === "Pod" ? name : kind.toLowerCase(),
    count,
    pod:
      kind === "Pod"
        ? podFromTemplate({ metadata: props.metadata, spec: props.spec }, namespace, name)
        : podFromTemplate(template, namespace, `${name}-<hash>`),
    injected: [],
    ...(kind === "DaemonSet" ? { daemon: true } : {}),
  });
  return workload;
}

/** The Pod template, how many Pods run at once, and the labels of the object that owns the Pods. */
function templateOf(
  kind: string,
  props: Props,
): { template: Props | undefined; count: number; labels: Record<string, string> } {
  const spec = props.spec ?? {};
  const labels = labelsOf(props);
  switch (kind) {
    case "Deployment":
    case "StatefulSet":
    case "ReplicaSet":
      return { template: spec.template, count: spec.replicas ?? 1, labels };
    case "DaemonSet":
      return { template: spec.template, count: 1, labels };
    case "Job":
      return { template: spec.template, count: jobPods(spec), labels };
    case "CronJob":
      return {
        template: spec.jobTemplate?.spec?.template,
        count: jobPods(spec.jobTemplate?.spec ?? {}),
        labels: labelsOf(spec.jobTemplate ?? {}),
      };
    default:
      // A bare Pod: its own metadata and spec (deriveCore reads them from the object).
      return { template: undefined, count: 1, labels };
  }
}

const jobPods = (spec: Props): number =>
  Math.min(Number(spec.parallelism ?? 1), Number(spec.completions ?? spec.parallelism ?? 1));
