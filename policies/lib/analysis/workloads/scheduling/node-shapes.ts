import {
  GKE_DEFAULT_MAX_PODS_PER_NODE,
  GKE_GPU_TAINT,
  GKE_QUEUED_TAINT,
  GKE_SANDBOX,
  GPU_DRIVER_INSTALLER,
  gkeAllocatable,
  gkeEphemeralAllocatable,
  GKE_NODE_LABELS as L,
  type NodeTaint,
  osDistribution,
  sharedGpusPerContainer,
  TAINT_EFFECTS,
} from "../../../../../components/catalog/gke-nodes";
import { acceleratorOfMachineType, GPU_CATALOG, isAcceleratorType } from "../../../../../components/catalog/gpus";
import { machineShape } from "../../../../../components/catalog/machine-types";
import { migInstancesPerGpu } from "../../../../../components/catalog/mig-profiles";
import { capacityOf, nodeRange, zonesOf } from "../../../gpu";
import type { ClusterIndex, PlanObject } from "../cluster";
import { isUnknownValueError } from "../derive/pods";
import type { Props } from "../model";
import type { Amounts } from "../quantity";
import { nodeSelectionMismatch } from "./matching";

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
  /** The most `nvidia.com/gpu` one container may ask for, where the pool shares its GPUs. */
  readonly gpusPerContainer?: number;
  /** GPU sharing strategy, for messages. */
  readonly gpuSharing?: string;
  /** Why the nodes offer no GPUs although the machine has some (drivers not installed). */
  readonly noGpusBecause?: string;
  /** Set when the machine type is not in the shape tables: resources are not checked. */
  readonly unknownShape?: string;
}

/**
 * Each node pool of the plan (and a cluster's default pool when it keeps it) as a node shape:
 * allocatable CPU, memory and ephemeral storage after GKE's reservations
 * (components/catalog/gke-nodes.ts), GPUs per node times the clients time-sharing serves or the MIG
 * instances a GPU holds (none where GKE installs no driver and no driver installer DaemonSet runs),
 * the labels and taints GKE sets (GKE Sandbox's too), and the pool's maximum size.
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
  const installer = driverInstallers(index);
  for (const pool of index.nodePools)
    add(pool, () => shapeOf(pool, pool.props, String(pool.props.name ?? pool.name), installer));
  for (const cluster of index.clusters) {
    // A cluster keeps its default pool unless it removes it; Autopilot has no pools to model.
    add(cluster, () =>
      cluster.props.removeDefaultNodePool === true || cluster.props.enableAutopilot === true
        ? undefined
        : shapeOf(
            cluster,
            {
              ...cluster.props,
              autoscaling: cluster.props.nodePool?.autoscaling,
              nodeCount: cluster.props.initialNodeCount ?? 3,
              name: "default-pool",
            },
            "default-pool",
            installer,
          ),
    );
  }
  return { shapes, unreadable };
}

/**
 * The NVIDIA driver installer DaemonSets the plan declares, or applies from a manifest, as a test of
 * whether one would run on a pool's nodes (its node selector and affinity against the pool's labels).
 */
function driverInstallers(index: ClusterIndex): (labels: Record<string, string>) => boolean {
  const p = GPU_DRIVER_INSTALLER.pattern;
  const daemonSets = index.objects.filter(
    (o) =>
      o.kind === "DaemonSet" &&
      (p.test(o.objectName ?? "") || p.test(JSON.stringify(o.props.spec?.template?.spec ?? {}))),
  );
  const manifests = index.objects.some(
    (o) => /^kubernetes:yaml\/v\d+:Config(File|Group)$/.test(o.type) && p.test(JSON.stringify(o.props)),
  );
  return (labels) =>
    manifests ||
    daemonSets.some((d) => {
      const spec: Props = d.props.spec?.template?.spec ?? {};
      return !nodeSelectionMismatch(spec, (key) => (key in labels ? [labels[key]] : []));
    });
}

function shapeOf(
  owner: PlanObject,
  props: Props,
  pool: string,
  installer: (labels: Record<string, string>) => boolean,
): NodeShape {
  const config: Props = props.nodeConfig ?? {};
  const machineType = String(config.machineType ?? "e2-medium");
  const zones: string[] =
    Array.isArray(props.nodeLocations) && props.nodeLocations.length
      ? props.nodeLocations.map(String)
      : [String(props.location ?? "")];
  const { max } = nodeRange(props, zonesOf(props));
  const capacity = capacityOf(props);
  const accelerators: Props[] = config.guestAccelerators ?? [];
  const accelerator = accelerators[0]?.type ?? acceleratorOfMachineType(machineType);
  const gpus =
    accelerators.reduce((sum, a) => sum + Number(a.count ?? 0), 0) ||
    (accelerator && isAcceleratorType(accelerator)
      ? (GPU_CATALOG[accelerator].machineTypes[machineType]?.gpus ?? 0)
      : 0);
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
  const sandboxed =
    String(config.sandboxConfig?.sandboxType ?? config.sandboxConfig?.type ?? "").toLowerCase() === "gvisor";
  if (sandboxed) labels[GKE_SANDBOX.label.key] = GKE_SANDBOX.label.value;
  let gpuResources = gpus;
  let noGpusBecause: string | undefined;
  if (gpus > 0 && accelerator) {
    labels[L.accelerator] = String(accelerator);
    const driver = accelerators[0]?.gpuDriverInstallationConfig?.gpuDriverVersion;
    if (driver && driver !== GPU_DRIVER_INSTALLER.disabled) labels[L.gpuDriverVersion] = String(driver).toLowerCase();
    if (partition) {
      labels[L.gpuPartitionSize] = String(partition);
      gpuResources *= migInstancesPerGpu(String(accelerator), String(partition)) ?? 1;
    }
    if (sharing?.gpuSharingStrategy) {
      labels[L.gpuSharingStrategy] = sharing.gpuSharingStrategy === "MPS" ? "mps" : "time-sharing";
      labels[L.maxSharedClientsPerGpu] = String(sharing.maxSharedClientsPerGpu ?? 1);
      gpuResources *= Number(sharing.maxSharedClientsPerGpu ?? 1);
    }
    if (driver === GPU_DRIVER_INSTALLER.disabled && !installer(labels)) {
      noGpusBecause =
        "GPU driver installation is disabled (gpuDriverInstallationConfig INSTALLATION_DISABLED) and no NVIDIA driver installer DaemonSet runs on its nodes, so they offer no nvidia.com/gpu";
      gpuResources = 0;
    }
  }
  const taints: NodeTaint[] = ((config.taints ?? []) as Props[]).map((t) => ({
    key: String(t.key),
    value: t.value === undefined ? undefined : String(t.value),
    effect: TAINT_EFFECTS[String(t.effect)] ?? (t.effect as NodeTaint["effect"]),
  }));
  if (gpus > 0 && !taints.some((t) => t.key === GKE_GPU_TAINT.key)) taints.push(GKE_GPU_TAINT);
  if (props.queuedProvisioning?.enabled === true && !taints.some((t) => t.key === GKE_QUEUED_TAINT.key))
    taints.push(GKE_QUEUED_TAINT);
  if (sandboxed && !taints.some((t) => t.key === GKE_SANDBOX.taint.key)) taints.push(GKE_SANDBOX.taint);
  const shape = machineShape(machineType);
  const allocatable: Amounts = {
    pods: Number(props.maxPodsConstraint?.maxPodsPerNode ?? props.maxPodsPerNode ?? GKE_DEFAULT_MAX_PODS_PER_NODE),
  };
  if (shape) {
    labels[L.arch] = shape.arch;
    const { cpuMilli, memoryBytes } = gkeAllocatable(shape.vcpus, shape.memoryGi, config.gcfsConfig?.enabled === true);
    allocatable.cpu = cpuMilli;
    allocatable.memory = memoryBytes;
  }
  allocatable["ephemeral-storage"] = gkeEphemeralAllocatable(Number(config.diskSizeGb ?? 100));
  if (gpuResources > 0) allocatable["nvidia.com/gpu"] = gpuResources;
  const gpusPerContainer = gpus > 0 ? sharedGpusPerContainer(sharing?.gpuSharingStrategy, gpus) : undefined;
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
    ...(gpusPerContainer !== undefined ? { gpusPerContainer, gpuSharing: String(sharing.gpuSharingStrategy) } : {}),
    ...(noGpusBecause ? { noGpusBecause } : {}),
    ...(shape ? {} : { unknownShape: `machine type ${machineType} is not in components/catalog/machine-types.ts` }),
  };
}

/** A node's values for a label key: the pool's zones for the zone label, else its one value. */
export function labelValues(shape: NodeShape): (key: string) => string[] {
  return (key) =>
    key === L.zone || key === "failure-domain.beta.kubernetes.io/zone"
      ? shape.zones
      : key in shape.labels
        ? [shape.labels[key]]
        : [];
}
