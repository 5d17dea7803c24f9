import type { JsonObject } from "../../../components/json";
import { analyzeWorkloads } from "../../../policies/lib/analysis/workloads";
import type { WorkloadReport, WorkloadsSection } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";

/**
 * Small clusters for the workload simulation's specs: namespaces, quotas, LimitRanges, node pools
 * and workloads in the plan.json shape, each builder with the fields that matter and nothing else.
 */
type Props = JsonObject;

export const K8S = {
  namespace: "kubernetes:core/v1:Namespace",
  limitRange: "kubernetes:core/v1:LimitRange",
  quota: "kubernetes:core/v1:ResourceQuota",
  deployment: "kubernetes:apps/v1:Deployment",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  priorityClass: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
  inferenceService: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
  trainJob: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
  runtime: "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime",
  pytorchJob: "kubernetes:kubeflow.org/v1:PyTorchJob",
  localQueue: "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue",
  clusterQueue: "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue",
  flavor: "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor",
  workloadPriorityClass: "kubernetes:kueue.x-k8s.io/v1beta2:WorkloadPriorityClass",
  chart: "kubernetes:helm.sh/v4:Chart",
  kustomization: "kubernetes:kustomize/v2:Directory",
  nodePool: "gcp:container/nodePool:NodePool",
} as const;

export const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

export function namespace(name: string, labels: Record<string, string> = {}): TestResource {
  return {
    type: K8S.namespace,
    name: `${name}-ns`,
    inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
  };
}

export const enforce = (level: string) => ({
  "pod-security.kubernetes.io/enforce": level,
  "pod-security.kubernetes.io/enforce-version": "latest",
});

export function limitRange(ns: string, limits: Props[], name = "limits"): TestResource {
  return {
    type: K8S.limitRange,
    name: `${ns}-${name}`,
    inputs: { apiVersion: "v1", kind: "LimitRange", metadata: { name, namespace: ns }, spec: { limits } },
  };
}

export function quota(ns: string, spec: Props, name = "quota"): TestResource {
  return {
    type: K8S.quota,
    name: `${ns}-${name}`,
    inputs: { apiVersion: "v1", kind: "ResourceQuota", metadata: { name, namespace: ns }, spec },
  };
}

/** A node pool as components/compute/gpu-node-pool.ts and gke-cluster.ts declare one. */
export function nodePool(
  name: string,
  options: {
    machineType?: string;
    gpus?: { type: string; count: number; partition?: string; sharing?: Props };
    max?: number;
    spot?: boolean;
    taints?: Props[];
    labels?: Record<string, string>;
    queued?: boolean;
    streaming?: boolean;
    zones?: string[];
    metadataServer?: boolean;
  } = {},
): TestResource {
  const gpu = options.gpus;
  return {
    type: K8S.nodePool,
    name,
    inputs: {
      name,
      location: "us-central1",
      nodeLocations: options.zones ?? ["us-central1-a"],
      autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: options.max ?? 3 },
      ...(options.queued ? { queuedProvisioning: { enabled: true } } : {}),
      nodeConfig: {
        machineType: options.machineType ?? "e2-standard-4",
        diskSizeGb: 100,
        imageType: "COS_CONTAINERD",
        ...(options.streaming ? { gcfsConfig: { enabled: true } } : {}),
        ...(options.metadataServer ? { workloadMetadataConfig: { mode: "GKE_METADATA" } } : {}),
        ...(options.spot ? { spot: true } : {}),
        ...(gpu
          ? {
              guestAccelerators: [
                {
                  type: gpu.type,
                  count: gpu.count,
                  gpuPartitionSize: gpu.partition,
                  gpuSharingConfig: gpu.sharing,
                  gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
                },
              ],
            }
          : {}),
        ...(options.taints ? { taints: options.taints } : {}),
        ...(options.labels ? { labels: options.labels } : {}),
      },
    },
  };
}

export interface ContainerOptions {
  name?: string;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  securityContext?: Props;
}

export function container(options: ContainerOptions = {}): Props {
  return {
    name: options.name ?? "app",
    image: "us-central1-docker.pkg.dev/acme/images/app:1.0.0",
    ...(options.requests || options.limits
      ? {
          resources: {
            ...(options.requests ? { requests: options.requests } : {}),
            ...(options.limits ? { limits: options.limits } : {}),
          },
        }
      : {}),
    ...(options.securityContext ? { securityContext: options.securityContext } : {}),
  };
}

/** A Deployment whose Pod template has this spec. */
export function deployment(
  ns: string,
  name: string,
  podSpec: Props,
  options: { replicas?: number; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): TestResource {
  return {
    type: K8S.deployment,
    name,
    inputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns, ...(options.labels ? { labels: options.labels } : {}) },
      spec: {
        replicas: options.replicas ?? 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name }, annotations: options.annotations ?? {} }, spec: podSpec },
      },
    },
  };
}

export function daemonSet(ns: string, name: string, podSpec: Props): TestResource {
  return {
    type: K8S.daemonSet,
    name,
    inputs: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name, namespace: ns },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: podSpec },
      },
    },
  };
}

/** Kueue objects for one flavor per node pool, a ClusterQueue over them and a LocalQueue per namespace. */
export function kueue(options: {
  flavors: Array<{ pool: string; quota: Record<string, string>; taints?: Props[] }>;
  namespaces: string[];
  namespaceSelector?: Props | null;
  queue?: string;
}): TestResource[] {
  const chart: TestResource = {
    type: K8S.chart,
    name: "kueue-chart",
    inputs: {
      chart: "oci://registry.k8s.io/kueue/charts/kueue",
      version: "0.19.2",
      namespace: "kueue-system",
      name: "kueue",
      values: {},
    },
  };
  const flavors = options.flavors.map(
    (f): TestResource => ({
      type: K8S.flavor,
      name: `flavor-${f.pool}`,
      inputs: {
        apiVersion: "kueue.x-k8s.io/v1beta2",
        kind: "ResourceFlavor",
        metadata: { name: f.pool },
        spec: {
          nodeLabels: { "cloud.google.com/gke-nodepool": f.pool },
          tolerations: [GPU_TOLERATION],
          ...(f.taints ? { nodeTaints: f.taints } : {}),
        },
      },
    }),
  );
  const covered = [...new Set(options.flavors.flatMap((f) => Object.keys(f.quota)))];
  const cq: TestResource = {
    type: K8S.clusterQueue,
    name: "cq",
    inputs: {
      apiVersion: "kueue.x-k8s.io/v1beta2",
      kind: "ClusterQueue",
      metadata: { name: "gpu-workloads" },
      spec: {
        ...(options.namespaceSelector === null ? {} : { namespaceSelector: options.namespaceSelector ?? {} }),
        resourceGroups: [
          {
            coveredResources: covered,
            flavors: options.flavors.map((f) => ({
              name: f.pool,
              resources: Object.entries(f.quota).map(([name, nominalQuota]) => ({ name, nominalQuota })),
            })),
          },
        ],
      },
    },
  };
  const local = options.namespaces.map(
    (ns): TestResource => ({
      type: K8S.localQueue,
      name: `lq-${ns}`,
      inputs: {
        apiVersion: "kueue.x-k8s.io/v1beta2",
        kind: "LocalQueue",
        metadata: { name: options.queue ?? "team-queue", namespace: ns },
        spec: { clusterQueue: "gpu-workloads" },
      },
    }),
  );
  return [chart, ...flavors, cq, ...local];
}

/** The simulation over these resources. */
export function simulate(resources: readonly TestResource[]): WorkloadsSection {
  return analyzeWorkloads(planOf(resources).resources);
}

/** One workload of a simulation, by name. */
export function workload(section: WorkloadsSection, name: string): WorkloadReport {
  const found = section.workloads.find((w) => w.name === name);
  if (!found) throw new Error(`no workload ${name} (have ${section.workloads.map((w) => w.name).join(", ")})`);
  return found;
}

/** `step: message` of each problem, for assertions. */
export const problems = (w: WorkloadReport): string[] => w.problems.map((p) => `${p.step}: ${p.message}`);

/** A restricted-compliant Pod security context (pod level) and container security context. */
export const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
export const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/** GKE's GPU taint, as a node pool's `taints` spell it. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" };

/** A cluster of an e2-standard-8 system pool (at most 3 nodes) and a one-L4 g2-standard-12 pool (at most 2), with these objects. */
export const twoPools = (...extra: TestResource[]): TestResource[] => [
  nodePool("system", { machineType: "e2-standard-8", max: 3 }),
  nodePool("gpu-l4", {
    machineType: "g2-standard-12",
    gpus: { type: "nvidia-l4", count: 1 },
    max: 2,
    taints: [GPU_TAINT],
  }),
  ...extra,
];

/** A native sidecar (an init container with restartPolicy Always). */
export const sidecar = (name: string, resources: Props): Props => ({
  name,
  image: "sidecar:1",
  restartPolicy: "Always",
  resources,
});

/** A Job of `parallelism` Pods with this Pod spec. */
export function job(
  ns: string,
  name: string,
  podSpec: Props,
  labels: Record<string, string> = {},
  parallelism = 1,
): TestResource {
  return {
    type: K8S.job,
    name,
    inputs: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name, namespace: ns, labels },
      spec: { parallelism, completions: parallelism, template: { spec: { restartPolicy: "Never", ...podSpec } } },
    },
  };
}

/** A CronJob whose Jobs run `parallelism` Pods with this Pod spec; `jobLabels` go on its jobTemplate, `labels` on the CronJob. */
export function cronJob(
  ns: string,
  name: string,
  podSpec: Props,
  options: { jobLabels?: Record<string, string>; labels?: Record<string, string>; parallelism?: number } = {},
): TestResource {
  const parallelism = options.parallelism ?? 1;
  return {
    type: K8S.cronJob,
    name,
    inputs: {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name, namespace: ns, labels: options.labels ?? {} },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: {
          metadata: { labels: options.jobLabels ?? {} },
          spec: { parallelism, completions: parallelism, template: { spec: { restartPolicy: "Never", ...podSpec } } },
        },
      },
    },
  };
}

/** The KServe v0.20.0 controller in Standard mode. */
export const kserveStandard: TestResource = {
  type: K8S.chart,
  name: "kserve",
  inputs: {
    chart: "oci://ghcr.io/kserve/charts/kserve-resources",
    version: "v0.20.0",
    namespace: "kserve",
    name: "kserve",
    values: { kserve: { controller: { deploymentMode: "Standard" } } },
  },
};

/** A namespaced ServingRuntime that auto-selects model format `custom`. */
export function servingRuntime(name: string, ns: string, spec: Props): TestResource {
  return {
    type: "kubernetes:serving.kserve.io/v1alpha1:ServingRuntime",
    name: `sr-${name}`,
    inputs: {
      apiVersion: "serving.kserve.io/v1alpha1",
      kind: "ServingRuntime",
      metadata: { name, namespace: ns },
      spec: { supportedModelFormats: [{ name: "custom", autoSelect: true }], ...spec },
    },
  };
}

/** An InferenceService whose predictor is this `model` (format `custom`, one replica). */
export function modelIsvc(name: string, ns: string, model: Props): TestResource {
  return {
    type: K8S.inferenceService,
    name,
    inputs: {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name, namespace: ns },
      spec: { predictor: { minReplicas: 1, model: { modelFormat: { name: "custom" }, ...model } } },
    },
  };
}

/** KServe v0.20.0's kserve-runtime-configs chart (kserve.servingruntime.enabled installs the ClusterServingRuntimes). */
export const kserveRuntimeConfigs = (values?: JsonObject): TestResource => ({
  type: K8S.chart,
  name: "runtimes",
  inputs: {
    chart: "oci://ghcr.io/kserve/charts/kserve-runtime-configs",
    version: "v0.20.0",
    namespace: "kserve",
    name: "kserve-runtime-configs",
    ...(values ? { values } : {}),
  },
});
