/**
 * Cloud Run GPUs: where they are offered and what an instance with one needs.
 * Source: Google Cloud "Configure GPUs for Cloud Run services" (cloud.google.com/run/docs/
 * configuring/services/gpu), read 2026-11: NVIDIA L4 in these regions (asia-south1 by invitation
 * only); at least 4 CPU and 16 GiB per instance; instance-based billing required.
 */
export const CLOUD_RUN_GPU_REGIONS = {
  "nvidia-l4": ["asia-southeast1", "asia-south1", "europe-west1", "europe-west4", "us-central1", "us-east4"],
} as const;

export type CloudRunAccelerator = keyof typeof CLOUD_RUN_GPU_REGIONS;

/**
 * The per-project, per-region quota a Cloud Run GPU service draws on. A new project has none: it is
 * requested before the first deploy (Cloud Run "Configure GPUs for services": request "Total Nvidia
 * L4 GPU allocation (without zonal redundancy), per project per region"; the with-redundancy quota
 * is separate), and it caps a service's maximum instances at quota / GPUs per instance (Cloud Run
 * "About maximum instances"). ServerlessInference turns zonal redundancy off, so this is the quota.
 */
export const CLOUD_RUN_GPU_QUOTA = {
  "nvidia-l4": "Total Nvidia L4 GPU allocation (without zonal redundancy), per project per region",
} as const satisfies Record<CloudRunAccelerator, string>;

export const CLOUD_RUN_GPU_MINIMUM = { "nvidia-l4": { cpu: 4, memoryGi: 16 } } as const satisfies Record<
  CloudRunAccelerator,
  { cpu: number; memoryGi: number }
>;

/** The largest Cloud Run instance (Cloud Run "Configure CPU limits" and "Configure memory limits"). */
export const CLOUD_RUN_INSTANCE_MAXIMUM = { cpu: 8, memoryGi: 32 } as const;
