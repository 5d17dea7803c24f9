/**
 * The GPUs a GKE node pool can carry, keyed by GKE accelerator name.
 *
 * Sources:
 * - machine types, GPUs per VM, vCPUs and memory: Google Cloud "GPU machine types"
 *   (cloud.google.com/compute/docs/gpus) and GoogleCloudPlatform/cluster-toolkit's machine type to
 *   accelerator map;
 * - GPU memory and board power (TDP): NVIDIA datasheets for the SXM/PCIe parts Google Cloud uses;
 * - MIG partition profiles: NVIDIA "Multi-Instance GPU User Guide", supported MIG profiles;
 * - zones: Google Cloud "GPU regions and zones", sampled 2026-11 (availability changes;
 *   `gcloud compute accelerator-types list` is the truth). A team granted capacity in another zone
 *   adds it here.
 */

export const ACCELERATOR_TYPES = [
  "nvidia-tesla-t4",
  "nvidia-l4",
  "nvidia-tesla-a100",
  "nvidia-a100-80gb",
  "nvidia-h100-80gb",
  "nvidia-h100-mega-80gb",
  "nvidia-h200-141gb",
  "nvidia-b200",
] as const;

export type AcceleratorType = (typeof ACCELERATOR_TYPES)[number];

/** A machine type that carries GPUs. */
export interface GpuMachineType {
  readonly vcpus: number;
  readonly memoryGb: number;
  /** GPUs per VM for machine types with built-in GPUs; omitted for N1 types with attached GPUs. */
  readonly gpus?: number;
}

export interface AcceleratorSpec {
  /** Marketing name, for reports. */
  readonly displayName: string;
  /** GPU memory per GPU, GB. */
  readonly memoryGb: number;
  /** Board power (TDP) per GPU, watts. */
  readonly tdpWatts: number;
  /** Machine types that carry this accelerator. */
  readonly machineTypes: Readonly<Record<string, GpuMachineType>>;
  /** For GPUs attached to N1 machine types: the GPU counts a VM may carry. */
  readonly attachableCounts?: readonly number[];
  /** MIG partition sizes GKE can create (`gpuPartitionSize`); empty when the GPU has no MIG. */
  readonly migPartitions: readonly string[];
  /** Zones that offer this accelerator. */
  readonly zones: readonly string[];
}

const n1 = (size: number, memoryPerVcpu: number): GpuMachineType => ({
  vcpus: size,
  memoryGb: size * memoryPerVcpu,
});

const H100_ZONES = [
  "us-central1-a",
  "us-central1-b",
  "us-central1-c",
  "us-east4-a",
  "us-east4-b",
  "us-east4-c",
  "us-west1-a",
  "us-west1-b",
  "europe-west4-b",
  "europe-west4-c",
  "europe-west1-b",
  "europe-west1-c",
] as const;

export const GPU_CATALOG: Readonly<Record<AcceleratorType, AcceleratorSpec>> = {
  "nvidia-tesla-t4": {
    displayName: "NVIDIA T4",
    memoryGb: 16,
    tdpWatts: 70,
    machineTypes: {
      "n1-standard-4": n1(4, 3.75),
      "n1-standard-8": n1(8, 3.75),
      "n1-standard-16": n1(16, 3.75),
      "n1-standard-32": n1(32, 3.75),
      "n1-highmem-4": n1(4, 6.5),
      "n1-highmem-8": n1(8, 6.5),
      "n1-highmem-16": n1(16, 6.5),
      "n1-highmem-32": n1(32, 6.5),
    },
    attachableCounts: [1, 2, 4],
    migPartitions: [],
    zones: [
      "us-central1-a",
      "us-central1-b",
      "us-central1-c",
      "us-central1-f",
      "us-east1-c",
      "us-east1-d",
      "europe-west4-a",
      "europe-west4-b",
      "europe-west4-c",
      "asia-southeast1-a",
      "asia-southeast1-b",
      "asia-southeast1-c",
    ],
  },
  "nvidia-l4": {
    displayName: "NVIDIA L4",
    memoryGb: 24,
    tdpWatts: 72,
    machineTypes: {
      "g2-standard-4": { vcpus: 4, memoryGb: 16, gpus: 1 },
      "g2-standard-8": { vcpus: 8, memoryGb: 32, gpus: 1 },
      "g2-standard-12": { vcpus: 12, memoryGb: 48, gpus: 1 },
      "g2-standard-16": { vcpus: 16, memoryGb: 64, gpus: 1 },
      "g2-standard-24": { vcpus: 24, memoryGb: 96, gpus: 2 },
      "g2-standard-32": { vcpus: 32, memoryGb: 128, gpus: 1 },
      "g2-standard-48": { vcpus: 48, memoryGb: 192, gpus: 4 },
      "g2-standard-96": { vcpus: 96, memoryGb: 384, gpus: 8 },
    },
    migPartitions: [],
    zones: [
      "us-central1-a",
      "us-central1-b",
      "us-central1-c",
      "us-east4-a",
      "us-east4-c",
      "us-west1-a",
      "us-west1-b",
      "us-west1-c",
      "europe-west4-a",
      "europe-west4-b",
      "europe-west4-c",
      "europe-west1-b",
      "europe-west1-c",
      "asia-southeast1-a",
      "asia-southeast1-b",
      "asia-southeast1-c",
    ],
  },
  "nvidia-tesla-a100": {
    displayName: "NVIDIA A100 40GB",
    memoryGb: 40,
    tdpWatts: 400,
    machineTypes: {
      "a2-highgpu-1g": { vcpus: 12, memoryGb: 85, gpus: 1 },
      "a2-highgpu-2g": { vcpus: 24, memoryGb: 170, gpus: 2 },
      "a2-highgpu-4g": { vcpus: 48, memoryGb: 340, gpus: 4 },
      "a2-highgpu-8g": { vcpus: 96, memoryGb: 680, gpus: 8 },
      "a2-megagpu-16g": { vcpus: 96, memoryGb: 1360, gpus: 16 },
    },
    migPartitions: ["1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"],
    zones: [
      "us-central1-a",
      "us-central1-b",
      "us-central1-c",
      "us-central1-f",
      "europe-west4-a",
      "europe-west4-b",
      "asia-northeast1-a",
      "asia-northeast1-c",
    ],
  },
  "nvidia-a100-80gb": {
    displayName: "NVIDIA A100 80GB",
    memoryGb: 80,
    tdpWatts: 400,
    machineTypes: {
      "a2-ultragpu-1g": { vcpus: 12, memoryGb: 170, gpus: 1 },
      "a2-ultragpu-2g": { vcpus: 24, memoryGb: 340, gpus: 2 },
      "a2-ultragpu-4g": { vcpus: 48, memoryGb: 680, gpus: 4 },
      "a2-ultragpu-8g": { vcpus: 96, memoryGb: 1360, gpus: 8 },
    },
    migPartitions: ["1g.10gb", "2g.20gb", "3g.40gb", "7g.80gb"],
    zones: ["us-central1-a", "us-central1-c", "us-east4-c", "europe-west4-a"],
  },
  "nvidia-h100-80gb": {
    displayName: "NVIDIA H100 80GB",
    memoryGb: 80,
    tdpWatts: 700,
    machineTypes: {
      "a3-highgpu-1g": { vcpus: 26, memoryGb: 234, gpus: 1 },
      "a3-highgpu-2g": { vcpus: 52, memoryGb: 468, gpus: 2 },
      "a3-highgpu-4g": { vcpus: 104, memoryGb: 936, gpus: 4 },
      "a3-highgpu-8g": { vcpus: 208, memoryGb: 1872, gpus: 8 },
    },
    migPartitions: ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "7g.80gb"],
    zones: H100_ZONES,
  },
  "nvidia-h100-mega-80gb": {
    displayName: "NVIDIA H100 Mega 80GB",
    memoryGb: 80,
    tdpWatts: 700,
    machineTypes: {
      "a3-megagpu-8g": { vcpus: 208, memoryGb: 1872, gpus: 8 },
    },
    migPartitions: ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "7g.80gb"],
    zones: H100_ZONES,
  },
  "nvidia-h200-141gb": {
    displayName: "NVIDIA H200 141GB",
    memoryGb: 141,
    tdpWatts: 700,
    machineTypes: {
      "a3-ultragpu-8g": { vcpus: 224, memoryGb: 2952, gpus: 8 },
    },
    migPartitions: ["1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb"],
    zones: [
      "us-central1-b",
      "us-east4-b",
      "us-east5-a",
      "us-south1-b",
      "us-west1-c",
      "europe-west1-b",
      "europe-west4-a",
    ],
  },
  "nvidia-b200": {
    displayName: "NVIDIA B200",
    memoryGb: 180,
    tdpWatts: 1000,
    machineTypes: {
      "a4-highgpu-8g": { vcpus: 224, memoryGb: 3968, gpus: 8 },
    },
    migPartitions: ["1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb", "7g.180gb"],
    zones: ["us-central1-b", "us-east1-b", "us-east4-b", "us-south1-b", "us-west2-c"],
  },
};

export function isAcceleratorType(value: string): value is AcceleratorType {
  return (ACCELERATOR_TYPES as readonly string[]).includes(value);
}

/** The accelerator whose machine types include `machineType`, if any. */
export function acceleratorOfMachineType(machineType: string): AcceleratorType | undefined {
  return ACCELERATOR_TYPES.find((type) => machineType in GPU_CATALOG[type].machineTypes);
}

/**
 * GPU counts a VM of `machineType` may carry with `accelerator`: the fixed count for machine
 * types with built-in GPUs, the attachable counts for N1. Empty when the pair does not fit.
 */
export function allowedGpuCounts(accelerator: AcceleratorType, machineType: string): readonly number[] {
  const spec = GPU_CATALOG[accelerator];
  const machine = spec.machineTypes[machineType];
  if (!machine) return [];
  return machine.gpus !== undefined ? [machine.gpus] : (spec.attachableCounts ?? []);
}
