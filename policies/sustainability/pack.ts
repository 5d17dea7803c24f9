import type { PolicyPackDefinition } from "../lib/policy";
import { bucketLifecycle } from "./policies/bucket-lifecycle";
import { gpuAndCarbonCaps } from "./policies/gpu-and-carbon-caps";
import { gpuPoolAutoscaling } from "./policies/gpu-pool-autoscaling";
import { idleGpuAlert } from "./policies/idle-gpu-alert";
import { inferenceScaleToZero } from "./policies/inference-scale-to-zero";
import { lowCarbonShiftable } from "./policies/low-carbon-shiftable";
import { rayGpuWorkersCapacity } from "./policies/ray-gpu-workers-capacity";
import { shiftableGpuCapacity } from "./policies/shiftable-gpu-capacity";
import { sustainabilityLabels } from "./policies/sustainability-labels";

/** The sustainability pack: labels, scale to zero, capacity, carbon and caps. */
export const SUSTAINABILITY: PolicyPackDefinition = {
  name: "cnai-sustainability",
  description:
    "cnai-platform sustainability: sustainability labels, scale to zero, shiftable capacity, low-carbon placement, bucket lifecycles, idle-GPU alerts and GPU and carbon caps.",
  enforcementLevel: "mandatory",
  policies: [
    sustainabilityLabels,
    gpuPoolAutoscaling,
    shiftableGpuCapacity,
    rayGpuWorkersCapacity,
    lowCarbonShiftable,
    inferenceScaleToZero,
    bucketLifecycle,
    idleGpuAlert,
    gpuAndCarbonCaps,
  ],
};
