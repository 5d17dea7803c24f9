import { GPU_CATALOG, acceleratorOfMachineType, isAcceleratorType } from "../../../../../components/catalog/gpus";
import {
  GKE_DEFAULT_MAX_PODS_PER_NODE,
  GKE_GPU_TAINT,
  GKE_NODE_LABELS as L,
  GKE_QUEUED_TAINT,
  type NodeTaint,
  TAINT_EFFECTS,
  gkeAllocatable,
  osDistribution,
} from "../../../../../components/catalog/gke-nodes";
import { machineShape } from "../../../../../components/catalog/machine-types";
import { migInstancesPerGpu } from "../../../../../components/catalog/mig-profiles";
import { capacityOf, nodeRange, zonesOf } from "../../../gpu";
import type { ClusterIndex, PlanObject } from "../cluster";
import { isUnknownValueError } from "../derive/pods";
import type { Props } from "../model";
import { type Amounts, amountOf } from "../quantity";

/** A node pool as the scheduler sees its nodes. */
export interface NodeShape {
  readonly pool: string;
  readonly urn: string;
  readonly machineType: string;
  readonly maxNodes: number;
  readonly capacity: string;
  /** Labels every node of the pool has (zone aside). */
  readonly labels: Record<string, string>;
  readonly zones: string[];
  readonly taints: NodeTaint[];
  /** What a node offers Pods: cpu (millicores), memory and ephemeral-storage (bytes), pods, nvidia.com/gpu. */
  readonly allocatable: Amounts;
  /** Queued provisioning: nodes come only for a ProvisioningRequest. */
  readonly queued: boolean;
  /** Set when the machine type is not in the shape tables: resources are not checked. */
  readonly unknownShape?: string;
}

/**
 * Each node pool of the plan (and a cluster's default pool when it keeps it) as a node shape:
 * allocatable CPU and memory after GKE's reservations (components/catalog/gke-nodes.ts), the boot
 * disk as the upper bound of ephemeral storage, GPUs per node times the clients time-sharing serves
 * or the MIG instances a GPU holds, the labels and taints GKE sets, and the pool's maximum size.
 */
export function nodeShapes(index: ClusterIndex): { shapes: NodeShape[]; unreadable: string[] } {
  const shapes: NodeShape[] = [];
  const unreadable: string[] = [];
  const add = (owner: PlanObject, read: () => NodeShape | undefined) => {
    try {
      const shape = read();
      if (shape) shapes.push(shape);
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      unreadable.push(`${owner.name}: ${error.message}`);
    }
  };
  for (const pool of index.nodePools) add(pool, () => shapeOf(pool, pool.props, String(pool.props.name ?? pool.name)));
  for (const cluster of index.clusters) {
    // A cluster keeps its default pool unless it removes it; Autopilot has no pools to model.
    add(cluster, () => (cluster.props.removeDefaultNodePool === true || cluster.props.enableAutopilot === true
      ? undefined
      : shapeOf(cluster, { ...cluster.props, autoscaling: cluster.props.nodePool?.autoscaling, nodeCount: cluster.props.initialNodeCount ?? 3, name: "default-pool" }, "default-pool")));
  }
  return { shapes, unreadable };
}

function shapeOf(owner: PlanObject, props: Props, pool: string): NodeShape {
  const config: Props = props.nodeConfig ?? {};
  const machineType = String(config.machineType ?? "e2-medium");
  const zones: string[] = Array.isArray(props.nodeLocations) && props.nodeLocations.length ? props.nodeLocations.map(String) : [String(props.location ?? "")];
  const { max } = nodeRange(props, zonesOf(props));
  const capacity = capacityOf(props);
  const accelerators: Props[] = config.guestAccelerators ?? [];
  const accelerator = accelerators[0]?.type ?? acceleratorOfMachineType(machineType);
  const gpus = accelerators.reduce((sum, a) => sum + Number(a.count ?? 0), 0) || (accelerator && isAcceleratorType(accelerator) ? (GPU_CATALOG[accelerator].machineTypes[machineType]?.gpus ?? 0) : 0);
  const sharing = accelerators[0]?.gpuSharingConfig;
  const partition = accelerators[0]?.gpuPartitionSize;
  const labels: Record<string, string> = {
    [L.nodePool]: pool,
    [L.instanceType]: machineType,
    [L.machineFamily]: machineType.split("-")[0],
    [L.os]: "linux",
    [L.osDistribution]: osDistribution(config.imageType),
    [L.region]: zones[0]?.replace(/-[a-z]$/, "") ?? "",
    ...(config.spot === true ? { [L.spot]: "true" } : {}),
    ...(config.preemptible === true ? { [L.preemptible]: "true" } : {}),
    ...(config.flexStart === true ? { [L.flexStart]: "true" } : {}),
    ...(props.queuedProvisioning?.enabled === true ? { [L.queued]: "true" } : {}),
    ...(config.workloadMetadataConfig?.mode === "GKE_METADATA" ? { [L.metadataServer]: "true" } : {}),
    ...(config.labels ?? {}),
  };
  let gpuResources = gpus;
  if (gpus > 0 && accelerator) {
    labels[L.accelerator] = String(accelerator);
    const driver = accelerators[0]?.gpuDriverInstallationConfig?.gpuDriverVersion;
    if (driver && driver !== "INSTALLATION_DISABLED") labels[L.gpuDriverVersion] = String(driver).toLowerCase();
    if (partition) {
      labels[L.gpuPartitionSize] = String(partition);
      gpuResources *= migInstancesPerGpu(String(accelerator), String(partition)) ?? 1;
    }
    if (sharing?.gpuSharingStrategy) {
      labels[L.gpuSharingStrategy] = sharing.gpuSharingStrategy === "MPS" ? "mps" : "time-sharing";
      labels[L.maxSharedClientsPerGpu] = String(sharing.maxSharedClientsPerGpu ?? 1);
      gpuResources *= Number(sharing.maxSharedClientsPerGpu ?? 1);
    }
  }
  const taints: NodeTaint[] = ((config.taints ?? []) as Props[]).map((t) => ({ key: String(t.key), value: t.value === undefined ? undefined : String(t.value), effect: TAINT_EFFECTS[String(t.effect)] ?? (t.effect as NodeTaint["effect"]) }));
  if (gpus > 0 && !taints.some((t) => t.key === GKE_GPU_TAINT.key)) taints.push(GKE_GPU_TAINT);
  if (props.queuedProvisioning?.enabled === true && !taints.some((t) => t.key === GKE_QUEUED_TAINT.key)) taints.push(GKE_QUEUED_TAINT);
  const shape = machineShape(machineType);
  const allocatable: Amounts = { pods: Number(props.maxPodsConstraint?.maxPodsPerNode ?? props.maxPodsPerNode ?? GKE_DEFAULT_MAX_PODS_PER_NODE) };
  if (shape) {
    labels[L.arch] = shape.arch;
    const { cpuMilli, memoryBytes } = gkeAllocatable(shape.vcpus, shape.memoryGi, config.gcfsConfig?.enabled === true);
    allocatable.cpu = cpuMilli;
    allocatable.memory = memoryBytes;
  }
  allocatable["ephemeral-storage"] = amountOf("ephemeral-storage", `${Number(config.diskSizeGb ?? 100)}Gi`)!;
  if (gpuResources > 0) allocatable["nvidia.com/gpu"] = gpuResources;
  return {
    pool,
    urn: owner.urn,
    machineType,
    maxNodes: max,
    capacity,
    labels,
    zones,
    taints,
    allocatable,
    queued: props.queuedProvisioning?.enabled === true,
    ...(shape ? {} : { unknownShape: `machine type ${machineType} is not in components/catalog/machine-types.ts` }),
  };
}

/** A node's values for a label key: the pool's zones for the zone label, else its one value. */
export function labelValues(shape: NodeShape): (key: string) => string[] {
  return (key) => (key === L.zone || key === "failure-domain.beta.kubernetes.io/zone" ? shape.zones : key in shape.labels ? [shape.labels[key]] : []);
}
