import { gpusPerNode, isGpuNodePool, NODE_POOL, nodeRange, zonesOf } from "../../lib/gpu";
import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export interface GpuPoolAutoscalingConfig {
  /** GPU pools must be able to reach zero nodes (autoscaling minimum 0). Prod sets it false to keep warm capacity. */
  requireScaleToZero: boolean;
}

export const gpuPoolAutoscaling = resourcePolicy<GpuPoolAutoscalingConfig>({
  name: "cnai-gpu-pool-autoscaling",
  description:
    "GPU node pools autoscale with a maximum and, outside prod, scale to zero: a GPU node draws hundreds of watts and costs dollars " +
    "an hour whether or not a Pod uses it, so nodes should exist only while work is scheduled, and the maximum bounds the bill.",
  types: [NODE_POOL],
  config: {
    requireScaleToZero: {
      type: "boolean",
      default: true,
      description:
        "Require an autoscaling minimum of 0 nodes (false where warm GPU capacity is wanted, e.g. prod serving).",
    },
  },
  validate: (args, report, config) => {
    if (!isGpuNodePool(args.type, args.props)) return;
    const perNode = gpusPerNode(args.props);
    const zones = zonesOf(args.props);
    const range = nodeRange(args.props, zones);
    const autoscaling = at(args.props, "autoscaling");
    if (!range.autoscaled) {
      report(
        `GPU node pool has no autoscaling: its ${count(range.max, "node")} (${count(range.max * perNode, "GPU")}) run all month, busy or not. ` +
          `Set autoscaling with a max (autoscaling.max in the stack's gpuPools entry; totalMinNodeCount/totalMaxNodeCount on the NodePool).`,
      );
      return;
    }
    if (!(range.max > 0)) {
      const field =
        autoscaling.totalMaxNodeCount !== undefined || autoscaling.totalMinNodeCount !== undefined
          ? "totalMaxNodeCount"
          : "maxNodeCount";
      report(
        `GPU node pool autoscaling has no maximum above 0 (${field} is ${JSON.stringify(autoscaling[field] ?? null)}). Set autoscaling.max in the stack's gpuPools entry to the most nodes the pool may reach.`,
      );
    }
    if (config.requireScaleToZero && range.min > 0) {
      const perZone =
        autoscaling.totalMinNodeCount === undefined && autoscaling.minNodeCount !== undefined
          ? ` (minNodeCount ${autoscaling.minNodeCount} per zone × ${zones} zones)`
          : "";
      report(
        `GPU node pool keeps ${count(range.min, "node")}${perZone} and ${count(range.min * perNode, "GPU")} running when idle. ` +
          `Set autoscaling.min to 0 so the autoscaler removes idle GPU nodes, or, where warm capacity is required (prod serving), set requireScaleToZero false in the stack's policy config.`,
      );
    }
  },
});

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
