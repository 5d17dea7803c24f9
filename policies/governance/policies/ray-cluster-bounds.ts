import { resourcePolicy } from "../../lib/policy";
import { at, isKubernetes, k8sLabels, kindOf, type Props } from "../../lib/resources";

export interface RayClusterBoundsConfig {
  /** The most replicas one worker group may scale to. */
  maxReplicas: number;
}

const QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
const ELASTIC_JOB = "kueue.x-k8s.io/elastic-job";

/** The cluster spec of a RayCluster, or a RayJob's own cluster (absent when it runs on an existing cluster). */
function clusterSpecOf(kind: string, props: Props): Props | undefined {
  return kind === "RayCluster" ? (at(props, "spec") as Props) : (at(props, "spec.rayClusterSpec") as Props | undefined);
}

/**
 * Ray clusters are queued and bounded. Sources: Kueue v0.19.2 site/content/en/docs/tasks/run/rayclusters.md
 * and rayjobs.md (queue label; autoscaling only for elastic RayClusters, annotation
 * kueue.x-k8s.io/elastic-job; a RayJob without clusterSelector must set shutdownAfterJobFinishes);
 * KubeRay v1.7.0 raycluster_types.go (workerGroupSpecs minReplicas / maxReplicas).
 */
export const rayClusterBounds = resourcePolicy<RayClusterBoundsConfig>({
  name: "cnai-ray-cluster-bounds",
  description:
    "RayClusters and RayJobs name a Kueue LocalQueue and every worker group has a bounded maximum: Kueue then admits Ray work within " +
    "the team's quota like training, and an autoscaler cannot grow a cluster without limit. An autoscaled RayCluster is an elastic " +
    "Kueue workload (otherwise Kueue refuses to let it scale), and a RayJob deletes its cluster when it finishes, so nothing idles.",
  config: {
    maxReplicas: {
      type: "integer",
      minimum: 1,
      default: 100,
      description: "The most replicas a worker group may have.",
    },
  },
  validate: (args, report, config) => {
    if (!isKubernetes(args.type)) return;
    const kind = kindOf(args.type);
    if (kind !== "RayCluster" && kind !== "RayJob") return;
    const name = `${kind} ${String(at(args.props, "metadata.namespace") ?? "default")}/${String(at(args.props, "metadata.name") ?? "")}`;
    if (!k8sLabels(args.props)[QUEUE_LABEL])
      report(
        `${name} has no ${QUEUE_LABEL} label: Kueue does not queue it against the team's quota. Add the label with the namespace's LocalQueue.`,
      );
    if (
      kind === "RayJob" &&
      !at(args.props, "spec.clusterSelector") &&
      at(args.props, "spec.shutdownAfterJobFinishes") !== true
    )
      report(
        `${name} keeps its Ray cluster after the job: set spec.shutdownAfterJobFinishes: true (Kueue requires it) and a ttlSecondsAfterFinished.`,
      );
    const spec = clusterSpecOf(kind, args.props);
    const autoscaling = at(spec, "enableInTreeAutoscaling") === true;
    if (autoscaling && kind === "RayCluster") {
      const annotations = (at(args.props, "metadata.annotations") ?? {}) as Record<string, string>;
      if (annotations[ELASTIC_JOB] !== "true")
        report(
          `${name} autoscales without the ${ELASTIC_JOB}: "true" annotation: Kueue does not let a non-elastic RayCluster scale. Add the annotation.`,
        );
    }
    if (autoscaling && kind === "RayJob")
      report(
        `${name} enables in-tree autoscaling: Kueue admits a RayJob at a fixed size. Give its worker groups fixed replicas.`,
      );
    for (const group of (at(spec, "workerGroupSpecs") ?? []) as Props[]) {
      const max = group.maxReplicas;
      const groupName = String(group.groupName ?? "?");
      if (typeof max !== "number")
        report(
          `${name} worker group ${groupName} has no maxReplicas: its size is unbounded. Set maxReplicas (at most ${config.maxReplicas}).`,
        );
      else if (max > config.maxReplicas)
        report(
          `${name} worker group ${groupName} may grow to ${max} replicas, above the ${config.maxReplicas} allowed. Lower maxReplicas.`,
        );
      else if (typeof group.minReplicas === "number" && group.minReplicas > max)
        report(`${name} worker group ${groupName} has minReplicas ${group.minReplicas} above maxReplicas ${max}.`);
    }
  },
});
