import { acceleratorOfMachineType, GPU_CATALOG } from "../../components/catalog/gpus";
import { at, type Props } from "./resources";

export const NODE_POOL = "gcp:container/nodePool:NodePool";
export const CLOUD_RUN_SERVICE = "gcp:cloudrunv2/service:Service";

/** A GKE node pool's GPUs per node: attached (`guestAccelerators`) or built into the machine type. */
export function gpusPerNode(props: Props): number {
  const attached = ((at(props, "nodeConfig.guestAccelerators") ?? []) as Props[]).reduce(
    (sum, a) => sum + Number(a.count ?? 0),
    0,
  );
  if (attached > 0) return attached;
  const machineType = at(props, "nodeConfig.machineType");
  const accelerator = typeof machineType === "string" ? acceleratorOfMachineType(machineType) : undefined;
  return accelerator ? (GPU_CATALOG[accelerator].machineTypes[machineType]?.gpus ?? 0) : 0;
}

/** The accelerator type of a GPU node pool (`nvidia-l4`), if it has one. */
export function acceleratorOf(props: Props): string | undefined {
  const attached = (at(props, "nodeConfig.guestAccelerators") ?? []) as Props[];
  if (attached.length) return attached[0].type;
  const machineType = at(props, "nodeConfig.machineType");
  return typeof machineType === "string" ? acceleratorOfMachineType(machineType) : undefined;
}

export const isGpuNodePool = (type: string, props: Props): boolean => type === NODE_POOL && gpusPerNode(props) > 0;

/** How a node pool gets its capacity, from what GKE offers. */
export type Capacity = "spot" | "flex-start" | "queued" | "reservation" | "on-demand";

export function capacityOf(props: Props): Capacity {
  if (at(props, "nodeConfig.spot") === true || at(props, "nodeConfig.preemptible") === true) return "spot";
  if (at(props, "queuedProvisioning.enabled") === true) return "queued";
  if (at(props, "nodeConfig.flexStart") === true) return "flex-start";
  const affinity = at(props, "nodeConfig.reservationAffinity.consumeReservationType");
  if (affinity === "SPECIFIC_RESERVATION") return "reservation";
  return "on-demand";
}

/** Node counts of a pool: autoscaled totals, per-zone limits times zones, or a fixed count. */
export function nodeRange(props: Props, zones: number): { min: number; max: number; autoscaled: boolean } {
  const autoscaling = at(props, "autoscaling");
  if (autoscaling) {
    if (autoscaling.totalMaxNodeCount !== undefined || autoscaling.totalMinNodeCount !== undefined) {
      return {
        min: Number(autoscaling.totalMinNodeCount ?? 0),
        max: Number(autoscaling.totalMaxNodeCount ?? 0),
        autoscaled: true,
      };
    }
    return {
      min: Number(autoscaling.minNodeCount ?? 0) * zones,
      max: Number(autoscaling.maxNodeCount ?? 0) * zones,
      autoscaled: true,
    };
  }
  const fixed = Number(at(props, "nodeCount") ?? at(props, "initialNodeCount") ?? 1) * zones;
  return { min: fixed, max: fixed, autoscaled: false };
}

/** Zones a node pool spans: its node locations, else one for a zonal location, else three (GKE's regional default). */
export function zonesOf(props: Props): number {
  const locations = at(props, "nodeLocations");
  if (Array.isArray(locations) && locations.length) return locations.length;
  const location = at(props, "location");
  return typeof location === "string" && /-[a-z]$/.test(location) ? 1 : 3;
}
