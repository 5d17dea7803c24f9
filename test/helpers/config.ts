/**
 * A valid dev stack's settings (as a stack file's `config:` values): a zonal stack in us-central1 with
 * an L4 inference pool and an L4 training pool. The config specs break one setting of it at a time.
 */
export const GOOD_STACK_CONFIG: Readonly<Record<string, unknown>> = {
  "gcp:project": "acme-ml-dev",
  "gcp:region": "us-central1",
  "cnai-platform:team": "ml-platform",
  "cnai-platform:costCenter": "cc-ml-1001",
  "cnai-platform:zones": ["us-central1-a"],
  "cnai-platform:observability": { budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 } },
  "cnai-platform:gpuPools": [
    {
      name: "l4",
      machineType: "g2-standard-8",
      accelerator: { type: "nvidia-l4" },
      autoscaling: { max: 2 },
      workloadType: "inference",
    },
    {
      name: "train",
      machineType: "g2-standard-8",
      accelerator: { type: "nvidia-l4" },
      autoscaling: { max: 2 },
      workloadType: "training",
    },
  ],
};
