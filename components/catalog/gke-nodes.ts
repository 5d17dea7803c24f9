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

/**
 * The memory a node's kubelet reports as capacity, as a share of the machine type's nominal memory:
 * the guest kernel keeps the rest (page tables, kernel code and data). GKE's reservation tiers apply
 * to this capacity. Calibrated on the one node GKE documents ("Plan GKE Standard node sizes", "Check
 * allocatable resources on a node": an e2-standard-4, nominal 16 GiB, with allocatable memory
 * 13498416Ki): the tiers and the eviction threshold leave exactly that of 16277102.2Ki, 97.02 % of
 * 16 GiB. Applied as a share to every machine size, which for the large GPU machines is more than
 * the fixed part a kernel keeps, so their allocatable memory is, if anything, underestimated.
 */
export const GKE_MEMORY_CAPACITY_SHARE = 16277102.2 / 16777216;

/** Allocatable CPU (millicores) and memory (bytes) of a GKE Standard node of this size. */
export function gkeAllocatable(
  vcpus: number,
  memoryGi: number,
  imageStreaming: boolean,
): { cpuMilli: number; memoryBytes: number } {
  const Mi = 1024 * 1024;
  const Gi = 1024 * Mi;
  const cpuMilli = Math.floor(vcpus * 1000 - tieredReservation(vcpus, GKE_RESERVATION.cpuTiers) * 1000);
  const capacityGi = memoryGi * GKE_MEMORY_CAPACITY_SHARE;
  const reservedGi =
    memoryGi < 1
      ? GKE_RESERVATION.smallMachineMemoryMi / 1024
      : tieredReservation(capacityGi, GKE_RESERVATION.memoryTiersGi);
  const streamingGi = imageStreaming ? tieredReservation(capacityGi, GKE_IMAGE_STREAMING_RESERVATION) : 0;
  const memoryBytes = Math.floor(
    capacityGi * Gi - (reservedGi + streamingGi) * Gi - GKE_RESERVATION.evictionMemoryMi * Mi,
  );
  return { cpuMilli, memoryBytes };
}

/**
 * Ephemeral storage on the boot disk. Source: "Plan GKE Standard node sizes", section "Local
 * ephemeral storage reservation" (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes):
 * allocatable = capacity - EVICTION-THRESHOLD - SYSTEM-RESERVATION, where the eviction threshold is
 * 10 % of the ephemeral storage capacity and the system reservation is min(50 % of the boot disk,
 * 6 GiB + 35 % of the boot disk, 100 GiB) (also encoded by Gardener, pkg/component/extensions/
 * operatingsystemconfig/original/components/kubelet CalculateReservedEphemeralStorage). The
 * capacity is the node's filesystem, smaller than the disk by the node image's other partitions:
 * the page's e2-standard-4 with a 100 GiB disk reports capacity 98831908Ki and allocatable
 * 47060071478 bytes, which the formula gives to within 1.1 KB (below it) with the disk's
 * 104857600Ki less 6025692Ki (modelled as a fixed amount). Ephemeral storage on local SSDs
 * (`ephemeralStorageLocalSsdConfig`) is not modelled.
 */
export const GKE_EPHEMERAL_STORAGE = {
  evictionShare: 0.1,
  reservation: { diskShare: 0.5, baseGi: 6, baseDiskShare: 0.35, maxGi: 100 },
  filesystemOverheadKi: 6025692,
  source:
    "cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#eviction-threshold (local ephemeral storage reservation)",
} as const;

/** Allocatable ephemeral storage (bytes) of a node whose boot disk has this many GiB. */
export function gkeEphemeralAllocatable(diskGi: number): number {
  const Gi = 2 ** 30;
  const e = GKE_EPHEMERAL_STORAGE;
  const capacity = Math.max(0, diskGi * Gi - e.filesystemOverheadKi * 1024);
  const reserved =
    Math.min(
      e.reservation.diskShare * diskGi,
      e.reservation.baseGi + e.reservation.baseDiskShare * diskGi,
      e.reservation.maxGi,
    ) * Gi;
  // The eviction threshold rounded up to a whole KiB keeps the figure at or below the documented one (by 1078 bytes).
  const eviction = Math.ceil((e.evictionShare * capacity) / 1024) * 1024;
  return Math.max(0, Math.floor(capacity - eviction - reserved));
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

/**
 * How many `nvidia.com/gpu` one container may ask for on a node that shares its GPUs, or undefined
 * when any count is allowed. Source: GKE "About GPU sharing strategies in GKE"
 * (cloud.google.com/kubernetes-engine/docs/concepts/timesharing-gpus), "GPU requests that apply to
 * GPU time-sharing and NVIDIA MPS": more than one time-shared GPU per container is rejected; more
 * than one MPS GPU is rejected on nodes with several physical GPUs. The kubelet's device plugin
 * refuses the Pod after scheduling (`UnexpectedAdmissionError`: "invalid request for sharing GPU
 * (time-sharing), at most 1 nvidia.com/gpu can be requested on GPU nodes"; GoogleCloudPlatform/
 * container-engine-accelerators pkg/gpu/nvidia ValidateRequest).
 */
export function sharedGpusPerContainer(strategy: string | undefined, physicalGpusPerNode: number): number | undefined {
  if (strategy === "TIME_SHARING") return 1;
  if (strategy === "MPS" && physicalGpusPerNode > 1) return 1;
  return undefined;
}

/**
 * GKE Sandbox (gVisor): a node pool with `sandboxConfig.sandboxType: gvisor` gets this label and
 * taint, and the cluster gets the `gvisor` RuntimeClass, whose scheduling adds the matching node
 * selector and toleration to the Pods that name it. Source: GKE "GKE Sandbox"
 * (cloud.google.com/kubernetes-engine/docs/concepts/sandbox-pods, how-to/sandbox-pods).
 */
export const GKE_SANDBOX = {
  runtimeClass: "gvisor",
  label: { key: "sandbox.gke.io/runtime", value: "gvisor" },
  taint: { key: "sandbox.gke.io/runtime", value: "gvisor", effect: "NoSchedule" } as NodeTaint,
} as const;

/**
 * GPU drivers installed by hand: a pool with `gpuDriverInstallationConfig.gpuDriverVersion:
 * INSTALLATION_DISABLED` gets no driver from GKE, and its device plugin advertises no
 * `nvidia.com/gpu` until the NVIDIA driver installer DaemonSet runs on its nodes
 * (GoogleCloudPlatform/container-engine-accelerators nvidia-driver-installer/cos/daemonset-preloaded.yaml,
 * DaemonSet `nvidia-driver-installer` in kube-system). Source: GKE "Run GPUs in GKE Standard node
 * pools", "Manually install NVIDIA GPU drivers" (cloud.google.com/kubernetes-engine/docs/how-to/gpus).
 */
export const GPU_DRIVER_INSTALLER = {
  disabled: "INSTALLATION_DISABLED",
  /** What names the installer: the DaemonSet, its images, or the manifest a ConfigFile applies. */
  pattern: /nvidia-driver-installer|cos-nvidia-installer|ubuntu-nvidia-driver/,
} as const;

/**
 * The StorageClass a PersistentVolumeClaim without `storageClassName` gets on GKE (the
 * DefaultStorageClass admission plugin sets it before ResourceQuota counts the claim): `standard-rwo`
 * (Compute Engine persistent disk CSI driver, pd-balanced). Source: GKE "About persistent volumes
 * and dynamic provisioning" (cloud.google.com/kubernetes-engine/docs/concepts/persistent-volumes).
 */
export const GKE_DEFAULT_STORAGE_CLASS = "standard-rwo";
