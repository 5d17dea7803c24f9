import { type Capacity, capacityOf, isGpuNodePool, NODE_POOL } from "../../lib/gpu";
import { resourcePolicy } from "../../lib/policy";
import { gcpLabels } from "../../lib/resources";
import { isShiftable } from "../lib/workload";

export interface ShiftableGpuCapacityConfig {
  /** Capacity types shiftable GPU pools may use. */
  capacities: Capacity[];
}

export const CAPACITY_TYPES: readonly Capacity[] = ["spot", "flex-start", "queued", "reservation", "on-demand"];

export const shiftableGpuCapacity = resourcePolicy<ShiftableGpuCapacityConfig>({
  name: "cnai-shiftable-gpu-capacity",
  description:
    "GPU pools for shiftable work run on spare or queued capacity (Spot, DWS flex-start, queued provisioning): work that can wait " +
    "or restart does not need capacity held for it, and spare capacity costs 60-90 % less and uses hardware that would otherwise idle. " +
    "A pool's work is shiftable when its shiftable label is true, or, without the label, when its workload-type is training or data. " +
    "Meant for dev and staging; prod, where deadlines and reservations apply, disables it.",
  types: [NODE_POOL],
  config: {
    capacities: {
      type: "array",
      items: { type: "string", enum: [...CAPACITY_TYPES] },
      minItems: 1,
      default: ["spot", "flex-start", "queued"],
      description: "Capacity types a shiftable GPU pool may run on.",
    },
  },
  validate: (args, report, config) => {
    if (!isGpuNodePool(args.type, args.props)) return;
    const labels = gcpLabels(args.type, args.props);
    if (!isShiftable(labels)) return;
    const capacity = capacityOf(args.props);
    if (config.capacities.includes(capacity)) return;
    const why =
      labels?.shiftable === "true"
        ? "shiftable=true"
        : `workload-type=${String(labels?.["workload-type"])} (no shiftable label)`;
    report(
      `GPU node pool runs shiftable work (${why}) on ${capacity} capacity. ` +
        `Set capacity.type to ${config.capacities.join(", ")} in the stack's gpuPools entry, or, if the work has a deadline and cannot wait or be preempted, set shiftable: false on the pool.`,
    );
  },
});
