import { type Capacity, capacityOf, NODE_POOL } from "../../lib/gpu";
import { stackPolicy } from "../../lib/policy";
import { at, isKubernetes, k8sLabels, kindOf, type Props } from "../../lib/resources";
import { CAPACITY_TYPES } from "./shiftable-gpu-capacity";

export interface RayGpuWorkersCapacityConfig {
  /** Capacity types a Ray GPU worker group's node pool may use. */
  capacities: Capacity[];
}

const POOL_LABEL = "cloud.google.com/gke-nodepool";
const SUSTAINABILITY_LABELS = ["cnai.dev/workload-type", "cnai.dev/shiftable", "cnai.dev/carbon-tier"];

/**
 * Ray GPU worker groups (worker templates asking for nvidia.com/gpu) select a GPU pool of the
 * stack whose capacity is spare or queued, and Ray clusters carry the sustainability labels as
 * other compute does. Meant for dev and staging; prod disables it.
 */
export const rayGpuWorkersCapacity = stackPolicy<RayGpuWorkersCapacityConfig>({
  name: "cnai-ray-gpu-workers-capacity",
  description:
    "Outside prod, Ray GPU workers run on spare or queued capacity (Spot, DWS flex-start, queued provisioning): data preparation can " +
    "wait and restart, and spare capacity costs 60-90 % less. Ray clusters carry the cnai.dev/workload-type, shiftable and carbon-tier " +
    "labels like other compute, so their cost and carbon are reported per workload.",
  config: {
    capacities: {
      type: "array",
      items: { type: "string", enum: [...CAPACITY_TYPES] },
      minItems: 1,
      default: ["spot", "flex-start", "queued"],
      description: "Capacity types a Ray GPU worker group's node pool may run on.",
    },
  },
  validate: (args, report, config) => {
    const pools = new Map<string, Props>();
    for (const r of args.resources) if (r.type === NODE_POOL) pools.set(String(r.props.name ?? ""), r.props);
    for (const r of args.resources) {
      if (!isKubernetes(r.type)) continue;
      const kind = kindOf(r.type);
      if (kind !== "RayCluster" && kind !== "RayJob") continue;
      const name = `${kind} ${String(at(r.props, "metadata.namespace") ?? "default")}/${String(at(r.props, "metadata.name") ?? "")}`;
      const labels = k8sLabels(r.props);
      const missing = SUSTAINABILITY_LABELS.filter((l) => !labels[l]);
      if (missing.length)
        report(
          `${name} lacks ${missing.join(", ")}. Set them as other compute does (workload-type data, shiftable true).`,
          r.urn,
        );
      const spec = (kind === "RayCluster" ? at(r.props, "spec") : at(r.props, "spec.rayClusterSpec")) as
        | Props
        | undefined;
      for (const group of (spec?.workerGroupSpecs ?? []) as Props[]) {
        const podSpec = (group?.template?.spec ?? {}) as Props;
        const gpus = ((podSpec.containers ?? []) as Props[]).some(
          (c) =>
            Number(c?.resources?.requests?.["nvidia.com/gpu"] ?? c?.resources?.limits?.["nvidia.com/gpu"] ?? 0) > 0,
        );
        if (!gpus) continue;
        const poolName = podSpec.nodeSelector?.[POOL_LABEL];
        const pool = poolName ? pools.get(String(poolName)) : undefined;
        if (!pool) {
          report(
            `${name} GPU worker group ${String(group.groupName)} selects no GPU pool of the stack (${POOL_LABEL}: ${String(poolName ?? "none")}), so its capacity cannot be checked. Select a pool on ${config.capacities.join(", ")} capacity.`,
            r.urn,
          );
          continue;
        }
        const capacity = capacityOf(pool);
        if (!config.capacities.includes(capacity))
          report(
            `${name} GPU worker group ${String(group.groupName)} runs on pool ${String(poolName)}, ${capacity} capacity. Use a pool on ${config.capacities.join(", ")} capacity (ray.clusters[].gpuWorkers.pool).`,
            r.urn,
          );
      }
    }
  },
});
