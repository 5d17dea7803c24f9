/**
 * What GKE does to a Standard node: the CPU and memory it keeps for the system, the labels and taints
 * it puts on nodes, and the defaults a node pool gets. The workload simulation builds its node shapes
 * from these (policies/lib/analysis/workloads/scheduling/node-shapes.ts).
 */

/** A tier of a progressive reservation: `share` of the capacity between the previous limit and `upTo`. */
export interface ReservationTier {
  readonly upTo: number;
  readonly share: number;
}

/**
 * GKE Standard node allocatable resources. Source: Google Cloud, "Plan GKE Standard node sizes",
 * section "Memory and CPU reservations" (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes
 * #memory_and_cpu_reservations), formerly "Standard cluster architecture > Node allocatable resources":
 * - memory: 255 MiB for machines with less than 1 GiB; else 25 % of the first 4 GiB, 20 % of the next
 *   4 GiB (up to 8), 10 % of the next 8 GiB (up to 16), 6 % of the next 112 GiB (up to 128), 2 % of
 *   any memory above 128 GiB; plus 100 MiB for kubelet eviction;
 * - CPU: 6 % of the first core, 1 % of the next (up to 2), 0.5 % of the next 2 (up to 4), 0.25 % of
 *   any core above 4.
 * The page's example checks these: a 4-vCPU node has 3920m allocatable CPU.
 */
export const GKE_RESERVATION = {
  memoryTiersGi: [
    { upTo: 4, share: 0.25 },
    { upTo: 8, share: 0.2 },
    { upTo: 16, share: 0.1 },
    { upTo: 128, share: 0.06 },
    { upTo: Infinity, share: 0.02 },
  ] as readonly ReservationTier[],
  smallMachineMemoryMi: 255,
  evictionMemoryMi: 100,
  cpuTiers: [
    { upTo: 1, share: 0.06 },
    { upTo: 2, share: 0.01 },
    { upTo: 4, share: 0.005 },
    { upTo: Infinity, share: 0.0025 },
  ] as readonly ReservationTier[],
  source: "cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#memory_and_cpu_reservations",
} as const;

/**
 * Memory GKE keeps on nodes with image streaming (GCFS) on, in addition to the above: 1 % of the
 * first 4 GiB, 0.8 % of the next 4, 0.4 % of the next 8, 0.24 % of the next 112, 0.08 % above
 * 128 GiB. Source: Google Cloud, "Use Image streaming to pull container images", section "Memory
 * reservation for Image streaming" (cloud.google.com/kubernetes-engine/docs/how-to/image-streaming
 * #memory_reservation_for), as hatemosphere/gke-node-allocatable-memory-calculator encodes and tests
 * it (commit 5f32e3d "fix formulas, add tests", test_gke_memory_calculator.py TestStreamingMemoryReservation;
 * its README still shows the earlier, ten times larger figures).
 */
export const GKE_IMAGE_STREAMING_RESERVATION: readonly ReservationTier[] = [
  { upTo: 4, share: 0.01 },
  { upTo: 8, share: 0.008 },
  { upTo: 16, share: 0.004 },
  { upTo: 128, share: 0.0024 },
  { upTo: Infinity, share: 0.0008 },
];

/** What is reserved of `capacity` under progressive tiers. */
export function tieredReservation(capacity: number, tiers: readonly ReservationTier[]): number {
  let reserved = 0;
  let floor = 0;
  for (const tier of tiers) {
    if (capacity <= floor) break;
    reserved += (Math.min(capacity, tier.upTo) - floor) * tier.share;
    floor = tier.upTo;
  }
  return reserved;
}

/** Allocatable CPU (millicores) and memory (bytes) of a GKE Standard node of this size. */
export function gkeAllocatable(vcpus: number, memoryGi: number, imageStreaming: boolean): { cpuMilli: number; memoryBytes: number } {
  const Mi = 1024 * 1024;
  const Gi = 1024 * Mi;
  const cpuMilli = Math.floor(vcpus * 1000 - tieredReservation(vcpus, GKE_RESERVATION.cpuTiers) * 1000);
  const reservedGi = memoryGi < 1 ? GKE_RESERVATION.smallMachineMemoryMi / 1024 : tieredReservation(memoryGi, GKE_RESERVATION.memoryTiersGi);
  const streamingGi = imageStreaming ? tieredReservation(memoryGi, GKE_IMAGE_STREAMING_RESERVATION) : 0;
  const memoryBytes = Math.floor(memoryGi * Gi - (reservedGi + streamingGi) * Gi - GKE_RESERVATION.evictionMemoryMi * Mi);
  return { cpuMilli, memoryBytes };
}

/**
 * Pods per node when the pool does not set `maxPodsPerNode`: 110 on GKE Standard with VPC-native
 * networking. Source: "Configure maximum Pods per node"
 * (cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr), "default maximum of 110 Pods per node".
 */
export const GKE_DEFAULT_MAX_PODS_PER_NODE = 110;

/**
 * Node labels GKE sets (keys), each with the documentation page that names it.
 */
export const GKE_NODE_LABELS = {
  /** Every node: its node pool. Source: "About node pools" (.../concepts/node-pools). */
  nodePool: "cloud.google.com/gke-nodepool",
  /** GPU nodes: the accelerator type. Source: "Run GPUs in GKE Standard node pools" (.../how-to/gpus). */
  accelerator: "cloud.google.com/gke-accelerator",
  /** GPU nodes: the GKE-managed driver version (default, latest). Source: .../how-to/gpus#installing_drivers. */
  gpuDriverVersion: "cloud.google.com/gke-gpu-driver-version",
  /** MIG partition size. Source: "Run multi-instance GPUs" (.../how-to/gpus-multi). */
  gpuPartitionSize: "cloud.google.com/gke-gpu-partition-size",
  /** GPU sharing: time-sharing or mps, and clients per GPU. Source: "Share GPUs with multiple workloads using time-sharing" (.../how-to/timesharing-gpus). */
  gpuSharingStrategy: "cloud.google.com/gke-gpu-sharing-strategy",
  maxSharedClientsPerGpu: "cloud.google.com/gke-max-shared-clients-per-gpu",
  /** Spot and preemptible VMs. Source: "Spot VMs" (.../concepts/spot-vms), "Preemptible VMs". */
  spot: "cloud.google.com/gke-spot",
  preemptible: "cloud.google.com/gke-preemptible",
  /** DWS flex-start VMs. Source: "About GPU obtainability with flex-start" (.../concepts/dws). */
  flexStart: "cloud.google.com/gke-flex-start",
  /** DWS queued provisioning. Source: "Run a large-scale workload with flex-start with queued provisioning" (.../how-to/provisioningrequest). */
  queued: "cloud.google.com/gke-queued",
  /** Nodes that run the GKE metadata server (Workload Identity, `workloadMetadataConfig.mode: GKE_METADATA`). Source: "Authenticate to Google Cloud APIs from GKE workloads" (.../how-to/workload-identity). */
  metadataServer: "iam.gke.io/gke-metadata-server-enabled",
  /** Node OS image. Source: "Node images" (.../concepts/node-images). */
  osDistribution: "cloud.google.com/gke-os-distribution",
  machineFamily: "cloud.google.com/machine-family",
  /** Well-known Kubernetes labels the kubelet sets (kubernetes.io/docs/reference/labels-annotations-taints). */
  instanceType: "node.kubernetes.io/instance-type",
  os: "kubernetes.io/os",
  arch: "kubernetes.io/arch",
  zone: "topology.kubernetes.io/zone",
  region: "topology.kubernetes.io/region",
} as const;

/** A node taint as Kubernetes spells it. */
export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/**
 * Taints GKE adds itself.
 * - GPU nodes in a cluster that also has non-GPU nodes: `nvidia.com/gpu=present:NoSchedule`; GKE's
 *   ExtendedResourceToleration admission plugin then gives Pods that request `nvidia.com/gpu` the
 *   matching toleration. Source: "Run GPUs in GKE Standard node pools" (.../how-to/gpus), "GKE
 *   automatically applies the corresponding tolerations to Pods requesting GPUs".
 * - Queued-provisioning nodes: `cloud.google.com/gke-queued=true:NoSchedule`; the Pods of a
 *   ProvisioningRequest must tolerate it (Kueue gives them the toleration of the pool's
 *   ResourceFlavor). Sources: .../how-to/provisioningrequest; Cluster Toolkit's GKE DWS guide
 *   ("toleration for cloud.google.com/gke-queued:NoSchedule"); kubernetes-sigs/kueue issue 2389
 *   (a queued Pod with that toleration).
 */
export const GKE_GPU_TAINT: NodeTaint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };
export const GKE_QUEUED_TAINT: NodeTaint = { key: "cloud.google.com/gke-queued", value: "true", effect: "NoSchedule" };

/** The node pool API's taint effects, as Kubernetes spells them. */
export const TAINT_EFFECTS: Readonly<Record<string, NodeTaint["effect"]>> = {
  NO_SCHEDULE: "NoSchedule",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
  NO_EXECUTE: "NoExecute",
};

/** `imageType` → the `cloud.google.com/gke-os-distribution` label. Source: .../concepts/node-images. */
export function osDistribution(imageType: unknown): string {
  const image = String(imageType ?? "COS_CONTAINERD").toUpperCase();
  return image.startsWith("UBUNTU") ? "ubuntu" : image.startsWith("WINDOWS") ? "windows" : "cos";
}

/**
 * The annotations and ProvisioningRequest class a Pod needs to land on queued-provisioning nodes:
 * the cluster autoscaler only creates them for a ProvisioningRequest, and Kueue's ProvisioningRequest
 * admission check sets these on the Pods it admits. Source: .../how-to/provisioningrequest.
 */
export const CONSUME_PROVISIONING_REQUEST = "cluster-autoscaler.kubernetes.io/consume-provisioning-request";
