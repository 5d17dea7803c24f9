import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertApiRules } from "../catalog/gcp-api-rules";
import type { AcceleratorType } from "../catalog/gpus";
import { RESERVED_VMS_LABEL } from "../catalog/prices";
import { carbonTier, type Region } from "../catalog/regions";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { computeLabels, type StackLabels, type WorkloadType } from "../labels";
import { gpuNodePoolName } from "../naming";
import { throwProblems } from "../rule-problem";
import {
  GPU_POOL_DEFAULTS,
  type GpuCapacity,
  type GpuDriverVersion,
  type GpuSharingStrategy,
  gpuPoolProblems,
  gpusPerNode,
  poolZones,
} from "./gpu-pool-rules";
import { hardenedNodeConfig } from "./node-hardening";

export interface GpuNodePoolArgs {
  project: string;
  prefix: string;
  labels: StackLabels;
  /** The cluster the pool joins. */
  cluster: {
    name: pulumi.Input<string>;
    location: pulumi.Input<string>;
    region: Region;
    /** The cluster's node zones; the pool defaults to those that offer its accelerator. */
    zones: readonly string[];
  };
  /** The node service account's email. */
  serviceAccount: pulumi.Input<string>;
  /** A machine type that carries the accelerator (see components/catalog/gpus.ts). */
  machineType: string;
  accelerator: {
    type: AcceleratorType;
    /** GPUs per VM. @default the machine type's count (1 for N1 with attached T4s) */
    count?: number;
    /** GKE-managed driver installation. @default "DEFAULT" */
    driverVersion?: GpuDriverVersion;
    /** Share each GPU between containers. @default none */
    sharing?: { strategy: GpuSharingStrategy; maxClientsPerGpu: number };
    /** MIG partition size, on GPUs with MIG. @default none */
    migPartitionSize?: string;
  };
  /** Total node limits across the pool's zones. */
  autoscaling: {
    /** @default 0 (scale to zero) */
    min?: number;
    max: number;
    /** @default "ANY" (use free reservations and spare capacity first) */
    locationPolicy?: "ANY" | "BALANCED";
  };
  /** @default { type: "on-demand" } */
  capacity?: GpuCapacity;
  /** @default the cluster zones that offer the accelerator */
  zones?: string[];
  /** Compact placement for low-latency multi-node training (one zone only). @default false */
  compactPlacement?: boolean;
  /** What runs here. @default "training" */
  workloadType?: Extract<WorkloadType, "training" | "inference" | "data">;
  /** Whether the work can move in time or place. @default true for training and data, false for inference */
  shiftable?: boolean;
  /** @default 200 */
  diskSizeGb?: number;
  /** Image streaming (GCFS) for large images. @default true */
  imageStreaming?: boolean;
}

/** The taint GPU nodes carry, so only Pods that tolerate it (GPU workloads) land there. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" } as const;

/** Kubernetes node labels the pool sets (GKE adds `cloud.google.com/gke-accelerator` and `cloud.google.com/gke-nodepool`). */
export const POOL_LABEL = "cnai.dev/gpu-pool";
export const ACCELERATOR_LABEL = "cnai.dev/accelerator";

/**
 * A GKE node pool of GPU VMs: GKE-managed drivers, optional sharing or MIG, autoscaling from zero,
 * capacity from on-demand, spot, reservations, DWS flex-start or queued provisioning, the GPU taint
 * and accelerator labels, GKE metadata server, shielded nodes and image streaming.
 */
export class GpuNodePool extends pulumi.ComponentResource {
  public readonly nodePool: gcp.container.NodePool;
  /** The GKE node pool name (the `cloud.google.com/gke-nodepool` node label). */
  public readonly poolName: string;
  public readonly accelerator: AcceleratorType;
  public readonly spec: ResolvedGpuNodePool;

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:compute:GpuNodePool", name, {}, opts);
    const spec = resolveGpuNodePoolArgs(name, args, this);
    this.spec = spec;
    this.accelerator = args.accelerator.type;
    this.poolName = gpuNodePoolName(name);
    const capacity = spec.capacity.type;
    const reservation = reservationAffinity(spec.capacity);
    const labels = computeLabels(args.labels, "gpu-node-pool", {
      workloadType: spec.workloadType,
      shiftable: spec.shiftable,
      carbonTier: carbonTier(args.cluster.region),
    });

    const poolArgs: gcp.container.NodePoolArgs = {
      project: args.project,
      cluster: args.cluster.name,
      location: args.cluster.location,
      name: this.poolName,
      nodeLocations: spec.zones,
      initialNodeCount: Math.ceil(spec.min / spec.zones.length),
      autoscaling: { totalMinNodeCount: spec.min, totalMaxNodeCount: spec.max, locationPolicy: spec.locationPolicy },
      // DWS capacity (queued provisioning and flex-start) has auto-repair off: a repair deletes the
      // VM, and DWS may not obtain another (components/catalog/gcp-api-rules.ts, gke-flex-start-settings).
      management: { autoRepair: capacity !== "queued" && capacity !== "flex-start", autoUpgrade: true },
      upgradeSettings:
        capacity === "on-demand"
          ? { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 }
          : { strategy: "SURGE", maxSurge: 0, maxUnavailable: 1 },
      queuedProvisioning: capacity === "queued" ? { enabled: true } : undefined,
      // A specific reservation's VMs keep the reservation's placement: name its policy, never a new one.
      placementPolicy:
        spec.compactPlacement || spec.capacity.reservation?.placementPolicy
          ? { type: "COMPACT", policyName: spec.capacity.reservation?.placementPolicy }
          : undefined,
      nodeConfig: {
        machineType: args.machineType,
        diskSizeGb: spec.diskSizeGb,
        diskType: bootDiskType(args.machineType),
        imageType: "COS_CONTAINERD",
        guestAccelerators: [
          {
            type: args.accelerator.type,
            count: spec.gpusPerNode,
            gpuDriverInstallationConfig: { gpuDriverVersion: spec.driverVersion },
            gpuSharingConfig: args.accelerator.sharing
              ? {
                  gpuSharingStrategy: args.accelerator.sharing.strategy,
                  maxSharedClientsPerGpu: args.accelerator.sharing.maxClientsPerGpu,
                }
              : undefined,
            gpuPartitionSize: args.accelerator.migPartitionSize,
          },
        ],
        spot: capacity === "spot",
        flexStart: capacity === "flex-start" || capacity === "queued" ? true : undefined,
        reservationAffinity: reservation,
        ...hardenedNodeConfig(args.serviceAccount),
        gcfsConfig: { enabled: spec.imageStreaming },
        gvnic: { enabled: true },
        labels: {
          [POOL_LABEL]: name,
          [ACCELERATOR_LABEL]: args.accelerator.type,
          "cnai.dev/workload-type": spec.workloadType,
          "cnai.dev/capacity": capacity,
          // A specific reservation is billed whether used or not: its size goes into the idle cost estimate
          // (read from the plan, so it travels with the pool). A new size updates the label in place:
          // GKE applies node label changes "without re-creating the node pool and disrupting running
          // workloads" (GKE, "Update Kubernetes node labels and taints for node pools").
          ...(reservation?.consumeReservationType === "SPECIFIC_RESERVATION"
            ? { [RESERVED_VMS_LABEL]: String(spec.capacity.reservation?.vms ?? spec.max) }
            : {}),
        },
        taints: [GPU_TAINT],
        resourceLabels: labels,
      },
    };
    // Google's API rules for the pool (DWS, reservations), the same check config and cnai-gcp-api-rules run.
    assertApiRules(
      "gcp:container/nodePool:NodePool",
      poolArgs as unknown as Record<string, unknown>,
      argumentError("GpuNodePool", name, this),
    );
    this.nodePool = new gcp.container.NodePool(
      name,
      poolArgs,
      childOptions(this, opts, { ignoreChanges: ["initialNodeCount"] }),
    );
    this.registerOutputs({ poolName: this.poolName, nodePoolId: this.nodePool.id });
  }
}

/** The pool's settings with defaults applied, after checking them. */
export interface ResolvedGpuNodePool {
  zones: string[];
  gpusPerNode: number;
  driverVersion: GpuDriverVersion;
  min: number;
  max: number;
  locationPolicy: "ANY" | "BALANCED";
  capacity: GpuCapacity;
  compactPlacement: boolean;
  workloadType: "training" | "inference" | "data";
  shiftable: boolean;
  diskSizeGb: number;
  imageStreaming: boolean;
}

/** Applies defaults and checks the args against the GPU catalog; throws a ResourceError. Pure. */
export function resolveGpuNodePoolArgs(
  name: string,
  args: GpuNodePoolArgs,
  resource?: pulumi.Resource,
): ResolvedGpuNodePool {
  const shape = {
    machineType: args.machineType,
    accelerator: args.accelerator,
    autoscaling: {
      min: args.autoscaling.min ?? GPU_POOL_DEFAULTS.autoscalingMin,
      max: args.autoscaling.max,
      locationPolicy: args.autoscaling.locationPolicy,
    },
    capacity: args.capacity ?? GPU_POOL_DEFAULTS.capacity,
    zones: args.zones,
    compactPlacement: args.compactPlacement ?? GPU_POOL_DEFAULTS.compactPlacement,
  };
  const problems = gpuPoolProblems(shape, args.cluster.region, args.cluster.zones);
  const zones = poolZones(shape, args.cluster.region, args.cluster.zones);
  if (problems.length === 0 && zones.length === 0) {
    problems.push({ path: ["zones"], input: [], message: "at least one zone" });
  }
  throwProblems("GpuNodePool", name, problems, resource);
  const workloadType = args.workloadType ?? GPU_POOL_DEFAULTS.workloadType;
  return {
    zones,
    gpusPerNode: gpusPerNode(shape),
    driverVersion: args.accelerator.driverVersion ?? GPU_POOL_DEFAULTS.driverVersion,
    min: shape.autoscaling.min,
    max: shape.autoscaling.max,
    locationPolicy: args.autoscaling.locationPolicy ?? GPU_POOL_DEFAULTS.locationPolicy,
    capacity: shape.capacity,
    compactPlacement: shape.compactPlacement,
    workloadType,
    shiftable: args.shiftable ?? workloadType !== "inference",
    diskSizeGb: args.diskSizeGb ?? GPU_POOL_DEFAULTS.diskSizeGb,
    imageStreaming: args.imageStreaming ?? GPU_POOL_DEFAULTS.imageStreaming,
  };
}

function reservationAffinity(capacity: GpuCapacity) {
  if (capacity.type === "queued" || capacity.type === "flex-start") return { consumeReservationType: "NO_RESERVATION" };
  if (capacity.type !== "reservation" || !capacity.reservation) return undefined;
  return capacity.reservation.affinity === "any"
    ? { consumeReservationType: "ANY_RESERVATION" }
    : {
        consumeReservationType: "SPECIFIC_RESERVATION",
        key: "compute.googleapis.com/reservation-name",
        values: [capacity.reservation.name ?? ""],
      };
}

/** A3 Ultra and A4 boot from Hyperdisk only; the other GPU families from Persistent Disk. */
export function bootDiskType(machineType: string): string {
  return /^(a3-ultragpu|a4-)/.test(machineType) ? "hyperdisk-balanced" : "pd-balanced";
}
