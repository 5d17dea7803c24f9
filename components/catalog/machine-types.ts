import { ACCELERATOR_TYPES, type AcceleratorType, GPU_CATALOG } from "./gpus";

/**
 * vCPUs and memory of Compute Engine machine types, for the node shapes the workload simulation
 * schedules onto (policies/lib/analysis/workloads/scheduling).
 *
 * Sources:
 * - predefined general-purpose and compute-optimized types follow `<series>-<class>-<vCPUs>` with a
 *   fixed memory per vCPU: Google Cloud "General-purpose machine family for Compute Engine" and
 *   "Compute-optimized machine family" (cloud.google.com/compute/docs/general-purpose-machines,
 *   .../compute-optimized-machines), the per-series tables of vCPUs and memory (GB, which Compute
 *   Engine means as GiB: the API reports `memoryMb` = GB × 1024);
 * - machine types with GPUs: components/catalog/gpus.ts.
 * Shared-core types (e2-micro, e2-small, e2-medium, f1-micro, g1-small) are left out: GKE gives
 * them a different CPU allocatable that the node formula below does not cover.
 */
export interface MachineShape {
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGi: number;
  /** CPU architecture, the `kubernetes.io/arch` node label. */
  readonly arch: "amd64" | "arm64";
}

/** Memory per vCPU, GiB, by `<series>-<class>`; arm64 series marked. */
const MEMORY_PER_VCPU: Readonly<Record<string, number>> = {
  "e2-standard": 4,
  "e2-highmem": 8,
  "e2-highcpu": 1,
  "n1-standard": 3.75,
  "n1-highmem": 6.5,
  "n1-highcpu": 0.9,
  "n2-standard": 4,
  "n2-highmem": 8,
  "n2-highcpu": 1,
  "n2d-standard": 4,
  "n2d-highmem": 8,
  "n2d-highcpu": 1,
  "n4-standard": 4,
  "n4-highmem": 8,
  "n4-highcpu": 2,
  "c2-standard": 4,
  "c2d-standard": 4,
  "c2d-highmem": 8,
  "c2d-highcpu": 2,
  "c3-standard": 4,
  "c3-highmem": 8,
  "c3-highcpu": 2,
  "c3d-standard": 4,
  "c3d-highmem": 8,
  "c3d-highcpu": 2,
  "c4-standard": 3.75,
  "c4-highmem": 7.75,
  "c4-highcpu": 2,
  "t2d-standard": 4,
  "t2a-standard": 4,
  "c4a-standard": 4,
  "c4a-highmem": 8,
  "c4a-highcpu": 2,
};

const ARM_SERIES = new Set(["t2a", "c4a"]);

/** The shape of a machine type, or undefined when the tables do not hold it. */
export function machineShape(machineType: string): MachineShape | undefined {
  for (const accelerator of ACCELERATOR_TYPES as readonly AcceleratorType[]) {
    const gpuMachine = GPU_CATALOG[accelerator].machineTypes[machineType];
    if (gpuMachine) return { vcpus: gpuMachine.vcpus, memoryGi: gpuMachine.memoryGb, arch: "amd64" };
  }
  const match = /^([a-z0-9]+)-([a-z]+)-(\d+)$/.exec(machineType);
  if (!match) return undefined;
  const perVcpu = MEMORY_PER_VCPU[`${match[1]}-${match[2]}`];
  if (perVcpu === undefined) return undefined;
  const vcpus = Number(match[3]);
  return { vcpus, memoryGi: vcpus * perVcpu, arch: ARM_SERIES.has(match[1]) ? "arm64" : "amd64" };
}
