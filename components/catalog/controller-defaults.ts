/**
 * What controllers and webhooks add to the Pods of the blueprint's workloads, at the pinned
 * versions (components/catalog/software.ts). The workload simulation injects these
 * (policies/lib/analysis/workloads/derive). Each fact names the upstream file it was read from.
 */

type ResourceList = Readonly<Record<string, string>>;

export interface InjectedContainerFact {
  readonly name: string;
  readonly requests: ResourceList;
  readonly limits: ResourceList;
  /** The container's securityContext as injected (what Pod Security Admission checks). */
  readonly securityContext: Readonly<Record<string, unknown>>;
  readonly source: string;
}

/**
 * KServe v0.20.0, the storage initializer init container its Pod webhook adds for storage URIs it
 * downloads (gs://, s3://, hdfs://, hf://, webhdfs://, https://...): resources and securityContext
 * from charts/kserve-resources/values.yaml (`kserve.storage.resources`,
 * `kserve.storage.containerSecurityContext`), rendered into the ClusterStorageContainer "default"
 * (charts/kserve-resources/files/common/storagecontainer-patch.yaml) and the inferenceservice-config
 * map; injected by pkg/webhook/admission/pod/storage_initializer_injector.go
 * (CommonStorageInitialization → utils.CreateInitContainerWithConfig, pkg/utils/storage.go).
 */
export const KSERVE_STORAGE_INITIALIZER: InjectedContainerFact & {
  readonly uriPrefixes: readonly string[];
  readonly uriPatterns: readonly RegExp[];
} = {
  name: "storage-initializer",
  requests: { cpu: "100m", memory: "100Mi" },
  limits: { cpu: "1", memory: "1Gi" },
  securityContext: {
    allowPrivilegeEscalation: false,
    privileged: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  },
  // charts/kserve-resources/files/common/storagecontainer.yaml, supportedUriFormats
  uriPrefixes: ["gs://", "s3://", "hdfs://", "hf://", "webhdfs://"],
  uriPatterns: [
    /^https:\/\/(.+?)\.blob\.core\.windows\.net\/(.+)/,
    /^https:\/\/(.+?)\.file\.core\.windows\.net\/(.+)/,
    /^https?:\/\/(.+)\/(.+)/,
  ],
  source:
    "kserve/kserve v0.20.0 charts/kserve-resources/values.yaml (kserve.storage), files/common/storagecontainer.yaml; pkg/utils/storage.go CreateInitContainerWithConfig",
};

/**
 * KServe v0.20.0, `oci://` storage URIs with `kserve.storage.enableModelcar` (the chart's default,
 * and ours): a `modelcar` container running the model image next to the server, a `modelcar-init`
 * init container that pre-fetches it, shareProcessNamespace, and the server running as
 * `uidModelcar` (1010). Resources `cpuModelcar` 10m and `memoryModelcar` 15Mi as requests and
 * limits. Source: charts/kserve-resources/values.yaml (kserve.storage.cpuModelcar, memoryModelcar,
 * uidModelcar); pkg/utils/storage.go ConfigureModelcarToContainer, CreateModelcarContainer,
 * CreateModelcarInitContainer (neither sets more of the securityContext than runAsUser).
 */
export const KSERVE_MODELCAR = {
  container: {
    name: "modelcar",
    requests: { cpu: "10m", memory: "15Mi" },
    limits: { cpu: "10m", memory: "15Mi" },
    securityContext: { runAsUser: 1010 },
    source:
      "kserve/kserve v0.20.0 pkg/utils/storage.go CreateModelcarContainer; charts/kserve-resources/values.yaml kserve.storage",
  },
  initContainer: {
    name: "modelcar-init",
    requests: { cpu: "10m", memory: "15Mi" },
    limits: { cpu: "10m", memory: "15Mi" },
    securityContext: {},
    source: "kserve/kserve v0.20.0 pkg/utils/storage.go CreateModelcarInitContainer",
  },
  serverRunAsUser: 1010,
} as const satisfies {
  container: InjectedContainerFact;
  initContainer: InjectedContainerFact;
  serverRunAsUser: number;
};

/** KServe's name for the model server container (pkg/constants/constants.go InferenceServiceContainerName). */
export const KSERVE_SERVER_CONTAINER = "kserve-container";

/**
 * KServe v0.20.0 default resources of a predictor container that sets none (the InferenceService
 * defaulter applies `kserve.inferenceservice.resources`). Source: charts/kserve-resources/values.yaml.
 */
export const KSERVE_DEFAULT_RESOURCES = {
  requests: { cpu: "1", memory: "2Gi" },
  limits: { cpu: "1", memory: "2Gi" },
} as const;

/**
 * The GCS FUSE CSI driver's sidecar, injected by GKE's mutating webhook into Pods annotated
 * `gke-gcsfuse/volumes: "true"`. On GKE 1.29 and later it is a native sidecar (an init container
 * with restartPolicy Always, inserted first). GKE runs the webhook with requests of 250m CPU, 256Mi
 * memory and 5Gi ephemeral storage and no limits (`--sidecar-*-limit=0`); the annotations
 * `gke-gcsfuse/cpu-request`, `cpu-limit`, `memory-request`, `memory-limit`,
 * `ephemeral-storage-request`, `ephemeral-storage-limit` replace them ("0" means unset; a request
 * alone sets the limit to it and the reverse). Its securityContext follows the restricted profile.
 * Sources: GoogleCloudPlatform/gcs-fuse-csi-driver deploy/base/webhook/deployment.yaml (args),
 * pkg/webhook/config.go (populateResource), pkg/webhook/sidecar_spec.go (GetSecurityContext,
 * GetNativeSidecarContainerSpec), pkg/webhook/injection.go (injectAsNativeSidecar, index 0),
 * pkg/webhook/mutatingwebhook.go (annotation names).
 */
export const GCSFUSE_SIDECAR = {
  annotation: "gke-gcsfuse/volumes",
  nativeSidecarAnnotation: "gke-gcsfuse/enable-native-sidecar",
  annotationPrefix: "gke-gcsfuse/",
  name: "gke-gcsfuse-sidecar",
  requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "5Gi" },
  limits: {},
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
    runAsNonRoot: true,
    runAsUser: 65534,
    runAsGroup: 65534,
  },
  /**
   * `gke-gcsfuse/enable-numa-pinning: "true"` gives the sidecar seccomp Unconfined and adds
   * CAP_SYS_NICE (pkg/webhook/sidecar_spec.go GetSecurityContext; pkg/webhook/config.go
   * enable-numa-pinning), which Pod Security baseline refuses.
   */
  numaPinningAnnotation: "gke-gcsfuse/enable-numa-pinning",
  numaPinning: { seccompProfile: { type: "Unconfined" }, addCapabilities: ["CAP_SYS_NICE"] },
  /**
   * The metadata prefetch sidecar, injected right after the FUSE sidecar (same native or regular
   * form) when an inline CSI volume of the driver sets the volume attribute
   * `gcsfuseMetadataPrefetchOnMount: "true"`; its defaults are the webhook's flags
   * (cmd/webhook/main.go metadata-sidecar-*: requests 10m, 10Mi, 10Mi ephemeral storage; limits
   * 50m, 250Mi, no ephemeral storage limit), replaced by the `gke-gcsfuse/metadata-prefetch-*`
   * annotations as for the FUSE sidecar (pkg/webhook/injection.go injectSidecarContainer,
   * sidecar_spec.go GetMetadataPrefetchSidecarContainerSpec, mutatingwebhook.go).
   */
  metadataPrefetch: {
    name: "gke-gcsfuse-metadata-prefetch",
    annotationPrefix: "gke-gcsfuse/metadata-prefetch-",
    volumeAttribute: "gcsfuseMetadataPrefetchOnMount",
    driver: "gcsfuse.csi.storage.gke.io",
    requests: { cpu: "10m", memory: "10Mi", "ephemeral-storage": "10Mi" },
    limits: { cpu: "50m", memory: "250Mi" },
  },
  source:
    "GoogleCloudPlatform/gcs-fuse-csi-driver deploy/base/webhook/deployment.yaml, cmd/webhook/main.go, pkg/webhook/config.go, pkg/webhook/sidecar_spec.go, pkg/webhook/injection.go",
} as const;

/**
 * Knative Serving 1.21 queue-proxy sidecar (KServe's Knative mode): requests 25m CPU and nothing
 * else unless config-deployment says so (the queue-proxy-resource-defaults feature is off by
 * default); a securityContext that meets Pod Security "restricted". Sources (tag knative-v1.21.1):
 * pkg/deployment/config.go (QueueSidecarCPURequestDefault "25m", the only default set),
 * pkg/reconciler/revision/resources/queue.go (createQueueResources, queueSecurityContext).
 */
export const KNATIVE_QUEUE_PROXY: InjectedContainerFact = {
  name: "queue-proxy",
  requests: { cpu: "25m" },
  limits: {},
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
  source: "knative/serving knative-v1.21.1 pkg/deployment/config.go; pkg/reconciler/revision/resources/queue.go",
};

/**
 * The PriorityClasses every cluster has. Source: kubernetes pkg/apis/scheduling/types.go
 * (SystemClusterCritical, SystemNodeCritical) and pkg/registry/scheduling/rest/storage_scheduling.go
 * (created at bootstrap).
 */
export const BUILTIN_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  "system-cluster-critical": 2000000000,
  "system-node-critical": 2000001000,
};

/**
 * GKE limits the critical priority classes: its API server's ResourceQuota admission config lists
 * them as limited resources, so a Pod of either class is admitted only in a namespace with a
 * ResourceQuota whose scope selects it (GKE ships `gcp-critical-pods` in kube-system). Sources:
 * Kubernetes docs "Resource Quotas > Limit Priority Class consumption by default"; kubernetes
 * plugin/pkg/admission/resourcequota/controller.go ("insufficient quota to match these scopes");
 * the quota GKE ships (kubectl get resourcequota gcp-critical-pods -n kube-system, quoted in
 * openservicemesh/osm#4408).
 */
export const GKE_LIMITED_PRIORITY_CLASSES = ["system-node-critical", "system-cluster-critical"] as const;
export const GKE_LIMITED_PRIORITY_EXEMPT_NAMESPACES = ["kube-system"] as const;

/**
 * The frameworks Kueue v0.19.2's chart enables by default (kubernetes-sigs/kueue v0.19.2
 * charts/kueue/values.yaml, controllerManagerConfigYaml integrations.frameworks): what Kueue manages
 * when the manager config does not list its own. `Kueue` restates them (plus PyTorchJob) in the
 * config it installs; the workload simulation falls back to them.
 */
export const KUEUE_CHART_DEFAULT_FRAMEWORKS: readonly string[] = [
  "batch/job",
  "kubeflow.org/mpijob",
  "ray.io/rayjob",
  "ray.io/rayservice",
  "ray.io/raycluster",
  "jobset.x-k8s.io/jobset",
  "workload.codeflare.dev/appwrapper",
  "trainer.kubeflow.org/trainjob",
  "pod",
  "deployment",
  "statefulset",
  "leaderworkerset.x-k8s.io/leaderworkerset",
];
