/**
 * How many MIG instances of a profile one GPU holds, which is how many `nvidia.com/gpu` a GKE node
 * offers per GPU when its pool sets `gpuPartitionSize` (GKE exposes each partition as one
 * `nvidia.com/gpu`: "Run multi-instance GPUs", cloud.google.com/kubernetes-engine/docs/how-to/gpus-multi).
 *
 * Source: NVIDIA "Multi-Instance GPU User Guide", "Supported MIG Profiles" (docs.nvidia.com/datacenter/
 * tesla/mig-user-guide), the "Number of Instances Available" column for A100 40GB, A100 80GB, H100
 * 80GB, H200 141GB and B200 180GB. A `1g` profile with twice the memory (1g.20gb on H100) fits 4
 * times, not 7: the memory slices run out first, so the count is not floor(7 / g).
 */
export const MIG_INSTANCES_PER_GPU: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "nvidia-tesla-a100": { "1g.5gb": 7, "2g.10gb": 3, "3g.20gb": 2, "4g.20gb": 1, "7g.40gb": 1 },
  "nvidia-a100-80gb": { "1g.10gb": 7, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1 },
  "nvidia-h100-80gb": { "1g.10gb": 7, "1g.20gb": 4, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1 },
  "nvidia-h100-mega-80gb": { "1g.10gb": 7, "1g.20gb": 4, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1 },
  "nvidia-h200-141gb": { "1g.18gb": 7, "1g.35gb": 4, "2g.35gb": 3, "3g.71gb": 2, "4g.71gb": 1, "7g.141gb": 1 },
  "nvidia-b200": { "1g.23gb": 7, "1g.45gb": 4, "2g.45gb": 3, "3g.90gb": 2, "4g.90gb": 1, "7g.180gb": 1 },
};

/** MIG instances of `profile` one GPU of `accelerator` holds; undefined for an unknown pair. */
export function migInstancesPerGpu(accelerator: string, profile: string): number | undefined {
  return MIG_INSTANCES_PER_GPU[accelerator]?.[profile];
}
