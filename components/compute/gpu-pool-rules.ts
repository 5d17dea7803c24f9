import { DWS_POOL_SETTINGS, nodePoolCapacityFacts, RESERVATION_PLACEMENT } from "../catalog/gcp-api-rules";
import { gkeAllocatable, sharedGpusPerContainer } from "../catalog/gke-nodes";
import { type AcceleratorType, allowedGpuCounts, GPU_CATALOG, isAcceleratorType } from "../catalog/gpus";
import { migInstancesPerGpu } from "../catalog/mig-profiles";
import type { RuleProblem } from "../rule-problem";

/**
 * The rules a GPU node pool must follow, as a pure function shared by the config schema (which
 * reports them against stack file keys) and `GpuNodePool` (which throws them as a ResourceError).
 */

export const CAPACITY_TYPES = ["on-demand", "spot", "reservation", "flex-start", "queued"] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

export const GPU_DRIVER_VERSIONS = ["DEFAULT", "LATEST", "INSTALLATION_DISABLED"] as const;
export type GpuDriverVersion = (typeof GPU_DRIVER_VERSIONS)[number];

export const GPU_SHARING_STRATEGIES = ["TIME_SHARING", "MPS"] as const;
export type GpuSharingStrategy = (typeof GPU_SHARING_STRATEGIES)[number];

/** Where a GPU pool's capacity comes from. */
export interface GpuCapacity {
  /**
   * - `on-demand`: regular VMs;
   * - `spot`: Spot VMs (up to ~60-91 % cheaper, preemptible);
   * - `reservation`: consume a Compute Engine reservation (any matching, or one by name);
   * - `flex-start`: DWS flex-start VMs, obtained by the cluster autoscaler when available;
   * - `queued`: DWS queued provisioning (ProvisioningRequest, e.g. through Kueue), all-or-nothing.
   */
  readonly type: CapacityType;
  readonly reservation?: {
    readonly affinity: "any" | "specific";
    readonly name?: string;
    /**
     * The compact placement policy the specific reservation was created with, when it has one:
     * the pool names it instead of creating its own, which the reserved VMs would not match.
     */
    readonly placementPolicy?: string;
    /** VMs the specific reservation holds (billed whether used or not). @default the pool's autoscaling maximum */
    readonly vms?: number;
  };
}

/** The parts of a GPU pool the rules look at. */
export interface GpuPoolShape {
  readonly machineType: string;
  readonly accelerator: {
    readonly type: string;
    readonly count?: number;
    readonly sharing?: { readonly strategy: GpuSharingStrategy; readonly maxClientsPerGpu: number };
    readonly migPartitionSize?: string;
  };
  readonly autoscaling: { readonly min: number; readonly max: number; readonly locationPolicy?: string };
  readonly capacity: GpuCapacity;
  readonly zones?: readonly string[];
  readonly compactPlacement?: boolean;
}

/** A broken rule: the field (relative to the pool), what it holds, and what is allowed. */
export type PoolProblem = RuleProblem;

/** `GpuNodePool`'s defaults, which are also the config's defaults of `gpuPools[]`. */
export const GPU_POOL_DEFAULTS = {
  driverVersion: "DEFAULT",
  locationPolicy: "ANY",
  compactPlacement: false,
  workloadType: "training",
  diskSizeGb: 200,
  imageStreaming: true,
  capacity: { type: "on-demand" },
  /** Scale to zero. */
  autoscalingMin: 0,
} as const;

/** A GPU pool as a workload sees it: where to schedule, and what one node offers to Pods. */
export interface PoolTarget {
  /** GKE node pool name (`cloud.google.com/gke-nodepool`). */
  readonly nodePool: string;
  readonly accelerator: AcceleratorType;
  /** `nvidia.com/gpu` a node offers. */
  readonly gpusPerNode: number;
  /** CPU cores a node leaves for Pods. */
  readonly cpu: number;
  /** Memory a node leaves for Pods, GiB. */
  readonly memoryGi: number;
}

/** Zones of `region` that offer `accelerator`. */
export function zonesOffering(accelerator: AcceleratorType, region: string): string[] {
  return GPU_CATALOG[accelerator].zones.filter((zone) => zone.startsWith(`${region}-`));
}

/** The pool's zones: as given, or the cluster zones that offer its accelerator. */
export function poolZones(pool: GpuPoolShape, region: string, clusterZones: readonly string[]): string[] {
  if (pool.zones) return [...pool.zones];
  if (!isAcceleratorType(pool.accelerator.type)) return [];
  const offered = zonesOffering(pool.accelerator.type, region);
  return clusterZones.filter((zone) => offered.includes(zone));
}

/** GPUs per VM: as given, or the machine type's fixed count (1 for N1 with attached GPUs). */
export function gpusPerNode(pool: Pick<GpuPoolShape, "machineType" | "accelerator">): number {
  if (pool.accelerator.count !== undefined) return pool.accelerator.count;
  if (!isAcceleratorType(pool.accelerator.type)) return 1;
  return allowedGpuCounts(pool.accelerator.type, pool.machineType)[0] ?? 1;
}

export function gpuPoolProblems(pool: GpuPoolShape, region: string, clusterZones: readonly string[]): PoolProblem[] {
  const problems: PoolProblem[] = [];
  const type = pool.accelerator.type;
  if (!isAcceleratorType(type)) {
    return [{ path: ["accelerator", "type"], input: type, message: `one of ${Object.keys(GPU_CATALOG).join(", ")}` }];
  }
  const spec = GPU_CATALOG[type];
  const machineTypes = Object.keys(spec.machineTypes);
  if (!machineTypes.includes(pool.machineType)) {
    problems.push({
      path: ["machineType"],
      input: pool.machineType,
      message: `a machine type that carries ${type}: ${machineTypes.join(", ")}`,
    });
  } else if (pool.accelerator.count !== undefined) {
    const counts = allowedGpuCounts(type, pool.machineType);
    if (!counts.includes(pool.accelerator.count)) {
      problems.push({
        path: ["accelerator", "count"],
        input: pool.accelerator.count,
        message: `${counts.join(" or ")} for ${pool.machineType}`,
      });
    }
  }
  const mig = pool.accelerator.migPartitionSize;
  if (mig !== undefined && !spec.migPartitions.includes(mig)) {
    problems.push({
      path: ["accelerator", "migPartitionSize"],
      input: mig,
      message: spec.migPartitions.length
        ? `a MIG partition of ${type}: ${spec.migPartitions.join(", ")}`
        : `nothing: ${type} has no MIG; use accelerator.sharing instead`,
    });
  }
  if (mig !== undefined && pool.accelerator.sharing?.strategy === "MPS") {
    problems.push({
      path: ["accelerator", "sharing", "strategy"],
      input: "MPS",
      message: "TIME_SHARING with MIG partitions (GKE does not combine MPS with MIG)",
    });
  }
  problems.push(...zoneProblems(pool, type, region, clusterZones));
  const { min, max } = pool.autoscaling;
  if (min > max)
    problems.push({ path: ["autoscaling", "min"], input: min, message: `at most autoscaling.max (${max})` });
  problems.push(...capacityProblems(pool));
  if (pool.compactPlacement) {
    const zones = poolZones(pool, region, clusterZones);
    if (zones.length !== 1) {
      problems.push({
        path: ["compactPlacement"],
        input: true,
        message: `true only for a pool in one zone (set the pool's zones to one zone; it has ${zones.length})`,
      });
    }
    if (pool.capacity.type === "queued") {
      problems.push({
        path: ["compactPlacement"],
        input: true,
        message: "false with queued capacity (DWS places the nodes itself)",
      });
    }
    const reservation = pool.capacity.type === "reservation" ? pool.capacity.reservation : undefined;
    if (reservation?.affinity === "specific") {
      // The same rule the component and the cnai-gcp-api-rules policy apply to the node pool's inputs.
      const problem = RESERVATION_PLACEMENT.check({
        ...nodePoolCapacityFacts({}),
        reservation: "SPECIFIC_RESERVATION",
        placement: "COMPACT",
        placementPolicyName: reservation.placementPolicy,
      });
      if (problem) {
        problems.push({
          path: ["compactPlacement"],
          input: true,
          message: `false with a specific reservation: the reservation's VMs keep the reservation's placement, and GKE would create a compact policy they do not match (nodes never come up); or name the reservation's own compact policy in capacity.reservation.placementPolicy`,
        });
      }
    }
  }
  return problems;
}

function zoneProblems(
  pool: GpuPoolShape,
  type: AcceleratorType,
  region: string,
  clusterZones: readonly string[],
): PoolProblem[] {
  const offered = zonesOffering(type, region);
  if (pool.zones) {
    return pool.zones.flatMap((zone, i) =>
      offered.includes(zone)
        ? []
        : [
            {
              path: ["zones", i],
              input: zone,
              message: offered.length
                ? `a zone of ${region} that offers ${type}: ${offered.join(", ")}`
                : `nothing: no zone of ${region} offers ${type} (components/catalog/gpus.ts)`,
            },
          ],
    );
  }
  if (clusterZones.length > 0 && !clusterZones.some((zone) => offered.includes(zone))) {
    return [
      {
        path: ["accelerator", "type"],
        input: type,
        message: offered.length
          ? `an accelerator offered in the cluster zones (${clusterZones.join(", ")}); ${type} is offered in ${offered.join(", ")}: set the pool's zones or the stack's zones`
          : `an accelerator offered in ${region}; no zone of ${region} offers ${type}`,
      },
    ];
  }
  return [];
}

function capacityProblems(pool: GpuPoolShape): PoolProblem[] {
  const { capacity } = pool;
  const problems: PoolProblem[] = [];
  if (capacity.type === "reservation") {
    if (!capacity.reservation) {
      problems.push({
        path: ["capacity", "reservation"],
        input: undefined,
        message: "{ affinity: any | specific, name } when capacity.type is reservation",
      });
    } else if (capacity.reservation.affinity === "specific" && !capacity.reservation.name) {
      problems.push({
        path: ["capacity", "reservation", "name"],
        input: undefined,
        message: "the reservation's name when affinity is specific",
      });
    } else if (capacity.reservation.affinity === "any" && capacity.reservation.vms !== undefined) {
      problems.push({
        path: ["capacity", "reservation", "vms"],
        input: capacity.reservation.vms,
        message: "nothing with affinity any (the size is that of a specific reservation)",
      });
    } else if (capacity.reservation.affinity === "any" && capacity.reservation.placementPolicy) {
      problems.push({
        path: ["capacity", "reservation", "placementPolicy"],
        input: capacity.reservation.placementPolicy,
        message: "nothing with affinity any (a placement policy is the one of a specific reservation)",
      });
    }
  } else if (capacity.reservation) {
    problems.push({
      path: ["capacity", "reservation"],
      input: capacity.reservation,
      message: `nothing unless capacity.type is reservation (it is ${capacity.type})`,
    });
  }
  if ((capacity.type === "queued" || capacity.type === "flex-start") && pool.autoscaling.min !== 0) {
    problems.push({
      path: ["autoscaling", "min"],
      input: pool.autoscaling.min,
      message: `0 for ${capacity.type} capacity (nodes come only when workloads ask for them)`,
    });
  }
  // The location policy GKE creates DWS pools with (the rule cnai-gcp-api-rules applies to the node pool).
  const locationPolicy = pool.autoscaling.locationPolicy;
  if (
    (capacity.type === "queued" || capacity.type === "flex-start") &&
    locationPolicy !== undefined &&
    locationPolicy !== DWS_POOL_SETTINGS.locationPolicy
  ) {
    problems.push({
      path: ["autoscaling", "locationPolicy"],
      input: locationPolicy,
      message: `${DWS_POOL_SETTINGS.locationPolicy} for ${capacity.type} capacity (GKE creates DWS pools with --location-policy=ANY: nodes come from whichever zone has capacity)`,
    });
  }
  return problems;
}

/**
 * `nvidia.com/gpu` a node of the pool offers to Pods: its GPUs, times the clients each shared GPU
 * serves, or the MIG instances each GPU holds (components/catalog/mig-profiles.ts, from the NVIDIA
 * MIG user guide: not always floor(7 / g), an H100 holds four 1g.20gb instances).
 */
export function gpuResourcesPerNode(pool: Pick<GpuPoolShape, "machineType" | "accelerator">): number {
  const gpus = gpusPerNode(pool);
  const mig = pool.accelerator.migPartitionSize;
  const perGpu = mig
    ? (migInstancesPerGpu(pool.accelerator.type, mig) ?? Math.floor(7 / Number(/^(\d+)g\./.exec(mig)?.[1] ?? 7)))
    : 1;
  const clients = pool.accelerator.sharing?.maxClientsPerGpu ?? 1;
  return gpus * perGpu * clients;
}

/**
 * Room kept on each node, below GKE's allocatable, for what runs beside a workload sized to the node:
 * the plan's DaemonSets (dcgm-exporter, node-exporter) and the containers webhooks inject (GKE's
 * GCS FUSE sidecar asks for 250m and 256Mi; Knative's queue-proxy gets the team LimitRange's 512Mi
 * default memory request). The workload simulation checks the sum on every plan.
 */
export const NODE_HEADROOM = { cpu: 0.5, memoryGi: 1 } as const;

/**
 * What a workload sized to a node of the pool may ask for: 90 % of the vCPUs and 85 % of the memory
 * (rounded down), and never more than GKE's allocatable CPU and memory for the machine
 * (components/catalog/gke-nodes.ts gkeAllocatable) less NODE_HEADROOM: on a g2-standard-8, 85 % of
 * 32 GiB is 27 GiB, which GKE's 27.31 GiB cannot hold with a sidecar beside it.
 */
export function allocatablePerNode(pool: Pick<GpuPoolShape, "machineType" | "accelerator">): {
  cpu: number;
  memoryGi: number;
} {
  if (!isAcceleratorType(pool.accelerator.type)) return { cpu: 0, memoryGi: 0 };
  const machine = GPU_CATALOG[pool.accelerator.type].machineTypes[pool.machineType];
  if (!machine) return { cpu: 0, memoryGi: 0 };
  const gke = gkeAllocatable(machine.vcpus, machine.memoryGb, false);
  return {
    cpu: Math.max(0, Math.min(Math.floor(machine.vcpus * 0.9), Math.floor(gke.cpuMilli / 1000 - NODE_HEADROOM.cpu))),
    memoryGi: Math.max(
      0,
      Math.min(Math.floor(machine.memoryGb * 0.85), Math.floor(gke.memoryBytes / 2 ** 30 - NODE_HEADROOM.memoryGi)),
    ),
  };
}

/**
 * The most `nvidia.com/gpu` one container may ask for on the pool's nodes: one where GPUs are
 * time-shared, or shared with MPS on a node of several GPUs (components/catalog/gke-nodes.ts
 * sharedGpusPerContainer); undefined when any count is allowed.
 */
export function gpusPerContainerLimit(pool: Pick<GpuPoolShape, "machineType" | "accelerator">): number | undefined {
  return sharedGpusPerContainer(pool.accelerator.sharing?.strategy, gpusPerNode(pool));
}

/** What a Pod on a GPU pool node is checked against: the pool's node name and what one node offers. */
export type PodPool = Pick<PoolTarget, "nodePool" | "gpusPerNode" | "cpu" | "memoryGi">;

/**
 * The CPU and memory a Pod asking for `gpus` of a node's GPUs gets by default: the same share of
 * what the node leaves for Pods (at least 1 core and 1 GiB). `ModelDeployment` and `TrainingJob`
 * size their Pods with it, and the config's quota check counts it.
 */
export function nodeShare(pool: Pick<PoolTarget, "gpusPerNode" | "cpu" | "memoryGi">, gpus: number) {
  const share = gpus / Math.max(1, pool.gpusPerNode);
  return { cpu: Math.max(1, Math.floor(pool.cpu * share)), memoryGi: Math.max(1, Math.floor(pool.memoryGi * share)) };
}

/** GPUs per Pod (at `field`): from 1 to what one node of the pool offers. */
export function podGpuProblems(
  field: string,
  gpus: number,
  pool: Pick<PoolTarget, "nodePool" | "gpusPerNode">,
): RuleProblem[] {
  if (Number.isInteger(gpus) && gpus >= 1 && gpus <= pool.gpusPerNode) return [];
  return [
    {
      path: [field],
      input: gpus,
      message: `a whole number from 1 to ${pool.gpusPerNode}, what a node of ${pool.nodePool} offers`,
    },
  ];
}

/** CPU and memory per Pod: some of each, within what one node of the pool leaves for Pods. */
export function podResourceProblems(
  resources: { readonly cpu: number; readonly memoryGi: number },
  pool: PodPool,
): RuleProblem[] {
  if (!(resources.cpu > 0) || !(resources.memoryGi > 0))
    return [{ path: ["resources"], input: resources, message: "some CPU and some memory" }];
  if (resources.cpu > pool.cpu || resources.memoryGi > pool.memoryGi)
    return [
      {
        path: ["resources"],
        input: resources,
        message: `at most what a node of ${pool.nodePool} leaves for Pods (${pool.cpu} CPU / ${pool.memoryGi} GiB)`,
      },
    ];
  return [];
}
