import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dump } from "js-yaml";
import { KUEUE_CHART_DEFAULT_FRAMEWORKS } from "../catalog/controller-defaults";
import { controllerBudget } from "../catalog/disruption";
import { GKE_QUEUED_TAINT } from "../catalog/gke-nodes";
import { HELM_CHARTS } from "../catalog/software";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { GPU_TAINT } from "../compute/gpu-node-pool";
import {
  kubernetesLabels,
  kubernetesSustainabilityLabels,
  podSecurityLabels,
  type StackLabels,
  type SustainabilityLabels,
} from "../labels";

/** A ResourceFlavor: one GPU node pool, with what it can hold at its maximum size. */
export interface GpuFlavor {
  /** The GKE node pool name (the `cloud.google.com/gke-nodepool` node label). */
  nodePool: string;
  /**
   * The ResourceFlavor's name. Kept when a pool moves to a new generation (docs/safe-gpu-pool-change.md):
   * the flavor's nodeLabels then change in place (Kueue's CRD refuses that only for flavors with a
   * topologyName, kueue.x-k8s.io_resourceflavors.yaml) and the ClusterQueue keeps its quota. @default nodePool
   */
  name?: string;
  /** `nvidia.com/gpu` the pool offers at its maximum size. */
  gpus: number;
  /** CPU cores Pods may use on the pool at its maximum size. */
  cpu: number;
  /** Memory Pods may use on the pool at its maximum size, GiB. */
  memoryGi: number;
  /**
   * What the pool is for. Inference pools are kept out of the ClusterQueue, so a training job
   * without a node selector cannot take serving capacity. @default "training"
   */
  workloadType?: "training" | "inference" | "data";
  /**
   * The pool gets its nodes through DWS queued provisioning (a ProvisioningRequest per workload):
   * Kueue admits workloads on it only through the ProvisioningRequest admission check. @default false
   */
  queuedProvisioning?: boolean;
}

/**
 * Kueue's ProvisioningRequest admission check for DWS queued provisioning: the controller name and
 * GKE's provisioning class. Sources: kubernetes-sigs/kueue v0.19.2 site/content/en/docs/admission-check-controllers/provisioning.md
 * (controllerName kueue.x-k8s.io/provisioning-request, parameters a ProvisioningRequestConfig;
 * the ProvisioningACC feature gate is on by default); GKE "Run a large-scale workload with
 * flex-start with queued provisioning" (provisioningClassName queued-provisioning.gke.io,
 * managedResources nvidia.com/gpu).
 */
export const QUEUED_PROVISIONING = {
  admissionCheck: "cnai-dws-queued",
  config: "cnai-dws-queued",
  controllerName: "kueue.x-k8s.io/provisioning-request",
  provisioningClassName: "queued-provisioning.gke.io",
  managedResources: ["nvidia.com/gpu"],
} as const;

export interface KueueArgs {
  labels: StackLabels;
  /** Sustainability labels of the queues (training work). */
  sustainability: SustainabilityLabels;
  /** One flavor per GPU pool. */
  flavors: GpuFlavor[];
  /** Team namespaces, each of which gets a LocalQueue into the ClusterQueue. */
  teamNamespaces: string[];
  /**
   * What each namespace's LocalQueue waits for (its Namespace object), by namespace. A dependency
   * per queue, rather than the whole component on every team, keeps a platform of hundreds of
   * teams linear: Pulumi expands a component in dependsOn to all of its children, for every child.
   */
  namespaceReady?: Readonly<Record<string, pulumi.Resource>>;
  /** @default "cnai" */
  cohort?: string;
  /** @default "gpu-workloads" */
  clusterQueue?: string;
  /**
   * A CPU flavor: the node pool where CPU-only pod sets (Ray heads and CPU workers) run, with what
   * it holds at its maximum. Listed first in the ClusterQueue with no GPU quota, so Kueue assigns
   * it to pod sets that ask for no GPU and passes GPU pod sets on to the GPU flavors
   * (pkg/scheduler/flavorassigner: flavors tried in order, a flavor without quota for a resource is skipped).
   * @default none
   */
  cpuFlavor?: { nodePool: string; cpu: number; memoryGi: number };
  /** Kubeflow Training Operator v1 PyTorchJobs too (Kueue waits for the CRD if the operator is not installed). @default true */
  pytorchJobs?: boolean;
  /**
   * Controller manager replicas; more than one adds the chart's PodDisruptionBudget
   * (controllerManager.podDisruptionBudget, minAvailable one fewer: components/catalog/disruption.ts). @default 1
   */
  controllerReplicas?: number;
}

/** Workload priorities, highest first: deadlines and serving-adjacent work, regular work, shiftable batch. */
export const PRIORITY_CLASSES = [
  { name: "cnai-high", value: 1000, description: "Deadline-bound training and evaluation for production models." },
  { name: "cnai-standard", value: 500, description: "Regular team training work." },
  {
    name: "cnai-low",
    value: 100,
    description: "Shiftable batch work: runs when capacity is free, first to be preempted.",
  },
] as const;

/** The LocalQueue every team namespace gets. */
export const LOCAL_QUEUE = "team-queue";
/** Label that sends a job to a LocalQueue, and label that sets its priority. */
export const QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
export const PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";

/** The frameworks Kueue manages: its chart's defaults plus Kubeflow's PyTorchJob (after TrainJob). */
export function kueueFrameworks(pytorchJobs: boolean): string[] {
  const defaults = KUEUE_CHART_DEFAULT_FRAMEWORKS;
  const at = defaults.indexOf("trainer.kubeflow.org/trainjob") + 1;
  return [...defaults.slice(0, at), ...(pytorchJobs ? ["kubeflow.org/pytorchjob"] : []), ...defaults.slice(at)];
}

/**
 * All-or-nothing admission for gangs (kubernetes-sigs/kueue v0.19.2 apis/config/v1beta2
 * configuration_types.go WaitForPodsReady, RequeuingStrategy; defaults.go): an admitted workload
 * whose Pods are not all ready within `timeout` (nodes that never come, a Spot VM reclaimed while a
 * gang starts) is evicted and requeued, releasing its quota instead of holding GPUs half-provisioned;
 * `recoveryTimeout` does the same for a running gang that loses a Pod (a preempted node) and does not
 * get it back, so the job restarts whole from its last checkpoint. Requeues back off exponentially
 * (60 s, 120 s, ... up to 30 min, with jitter) from the eviction, and after 10 the workload is
 * deactivated for someone to look at rather than requeued forever (Kueue's default is no limit).
 * `blockAdmission` stays false: it would admit one workload at a time cluster-wide.
 */
export const WAIT_FOR_PODS_READY = {
  timeout: "30m",
  recoveryTimeout: "10m",
  blockAdmission: false,
  requeuingStrategy: { timestamp: "Eviction", backoffLimitCount: 10, backoffBaseSeconds: 60, backoffMaxSeconds: 1800 },
} as const;

/**
 * Kueue's manager configuration: the chart's default (kubernetes-sigs/kueue v0.19.2
 * charts/kueue/values.yaml) with our frameworks. The chart takes it as one YAML string that
 * replaces the default whole, so every default is restated.
 */
export function kueueManagerConfig(pytorchJobs: boolean): string {
  return dump(
    {
      apiVersion: "config.kueue.x-k8s.io/v1beta2",
      kind: "Configuration",
      health: { healthProbeBindAddress: ":8081" },
      metrics: { bindAddress: ":8443" },
      webhook: { port: 9443 },
      leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
      controller: {
        groupKindConcurrency: {
          "Job.batch": 5,
          Pod: 5,
          "Workload.kueue.x-k8s.io": 10,
          "LocalQueue.kueue.x-k8s.io": 5,
          "ClusterQueue.kueue.x-k8s.io": 5,
          "ResourceFlavor.kueue.x-k8s.io": 1,
        },
      },
      clientConnection: { qps: 300, burst: 500 },
      waitForPodsReady: WAIT_FOR_PODS_READY,
      integrations: { frameworks: kueueFrameworks(pytorchJobs) },
    },
    { lineWidth: -1, noRefs: true },
  );
}

/**
 * Kueue from its Helm chart, with a ResourceFlavor per GPU pool (its node pool label and the GPU
 * taint's toleration), one ClusterQueue holding every pool's GPUs, CPU and memory in a cohort
 * that other queues can borrow from, a LocalQueue per team, and three WorkloadPriorityClasses.
 */
export class Kueue extends pulumi.ComponentResource {
  /** The ClusterQueue, or undefined when there are no GPU pools to queue for. */
  public readonly clusterQueue: string | undefined;
  public readonly localQueue = LOCAL_QUEUE;
  /** The chart; custom resources that need Kueue's CRDs depend on it. */
  public readonly chart: k8s.helm.v4.Chart;
  /** Each team namespace's LocalQueue, by namespace: a workload there waits for it. */
  public readonly localQueues: Readonly<Record<string, pulumi.Resource>> = {};

  constructor(name: string, args: KueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:training:Kueue", name, {}, opts);
    const spec = resolveKueueArgs(name, args, this);
    const chart = HELM_CHARTS.kueue;
    const labels = {
      ...kubernetesLabels(args.labels, "kueue"),
      ...kubernetesSustainabilityLabels(args.sustainability),
    };

    // The chart's controller runs as non-root with RuntimeDefault seccomp, no privilege escalation
    // and every capability dropped: the restricted level admits it.
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: chart.namespace,
          labels: { ...kubernetesLabels(args.labels, "kueue"), ...podSecurityLabels("restricted") },
        },
      },
      childOptions(this, opts),
    );
    this.chart = new k8s.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: chart.chart,
        version: chart.version,
        namespace: chart.namespace,
        name: "kueue",
        values: {
          managerConfig: { controllerManagerConfigYaml: kueueManagerConfig(spec.pytorchJobs) },
          ...(spec.controllerReplicas > 1
            ? {
                controllerManager: {
                  replicas: spec.controllerReplicas,
                  podDisruptionBudget: controllerBudget(spec.controllerReplicas),
                },
              }
            : {}),
        },
      },
      childOptions(this, opts, { dependsOn: [ns] }),
    );
    const cr = (kind: string, objectName: string, body: Record<string, unknown>, namespace?: string) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${kind.toLowerCase()}-${namespace ? `${namespace}-` : ""}${objectName}`,
        {
          apiVersion: "kueue.x-k8s.io/v1beta2",
          kind,
          metadata: { name: objectName, namespace, labels },
          ...body,
        },
        childOptions(this, opts, {
          dependsOn: [
            this.chart,
            ...(namespace && args.namespaceReady?.[namespace] ? [args.namespaceReady[namespace]] : []),
          ],
        }),
      );

    for (const priority of PRIORITY_CLASSES) {
      cr("WorkloadPriorityClass", priority.name, { value: priority.value, description: priority.description });
    }
    // Serving pools stay out of the training queue: Kueue assigns a job the first flavor with room,
    // so a serving flavor listed here would hand serving capacity to training jobs.
    const flavors = args.flavors.filter((f) => (f.workloadType ?? "training") !== "inference");
    const cpuFlavor = args.cpuFlavor;
    this.clusterQueue = flavors.length || cpuFlavor ? spec.clusterQueue : undefined;
    if (!this.clusterQueue) {
      this.registerOutputs({ clusterQueue: undefined });
      return;
    }
    cr("Cohort", spec.cohort, { spec: {} });
    const queued = flavors.filter((f) => f.queuedProvisioning).map(flavorName);
    if (queued.length) {
      cr("ProvisioningRequestConfig", QUEUED_PROVISIONING.config, {
        spec: {
          provisioningClassName: QUEUED_PROVISIONING.provisioningClassName,
          managedResources: [...QUEUED_PROVISIONING.managedResources],
        },
      });
      cr("AdmissionCheck", QUEUED_PROVISIONING.admissionCheck, {
        spec: {
          controllerName: QUEUED_PROVISIONING.controllerName,
          parameters: {
            apiGroup: "kueue.x-k8s.io",
            kind: "ProvisioningRequestConfig",
            name: QUEUED_PROVISIONING.config,
          },
        },
      });
    }
    if (cpuFlavor)
      cr("ResourceFlavor", cpuFlavor.nodePool, {
        spec: { nodeLabels: { "cloud.google.com/gke-nodepool": cpuFlavor.nodePool } },
      });
    for (const flavor of flavors) {
      cr("ResourceFlavor", flavorName(flavor), {
        spec: {
          nodeLabels: { "cloud.google.com/gke-nodepool": flavor.nodePool },
          // Kueue adds a flavor's tolerations to the Pods it admits on it. Queued-provisioning nodes
          // also carry GKE's cloud.google.com/gke-queued=true:NoSchedule taint, which the Pods must tolerate.
          tolerations: [
            { key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" },
            ...(flavor.queuedProvisioning
              ? [
                  {
                    key: GKE_QUEUED_TAINT.key,
                    operator: "Equal",
                    value: GKE_QUEUED_TAINT.value,
                    effect: GKE_QUEUED_TAINT.effect,
                  },
                ]
              : []),
          ],
        },
      });
    }
    cr("ClusterQueue", spec.clusterQueue, {
      spec: {
        cohortName: spec.cohort,
        namespaceSelector: { matchLabels: { "cnai.dev/component": "team-namespace" } },
        queueingStrategy: "BestEffortFIFO",
        // Queued-provisioning flavors admit a workload only once its ProvisioningRequest is provisioned.
        ...(queued.length
          ? {
              admissionChecksStrategy: {
                admissionChecks: [{ name: QUEUED_PROVISIONING.admissionCheck, onFlavors: queued }],
              },
            }
          : {}),
        preemption: {
          withinClusterQueue: "LowerPriority",
          reclaimWithinCohort: "Any",
          borrowWithinCohort: { policy: "LowerPriority", maxPriorityThreshold: PRIORITY_CLASSES[1].value },
        },
        resourceGroups: [
          {
            coveredResources: ["cpu", "memory", "nvidia.com/gpu"],
            flavors: [
              ...(cpuFlavor
                ? [{ nodePool: cpuFlavor.nodePool, cpu: cpuFlavor.cpu, memoryGi: cpuFlavor.memoryGi, gpus: 0 }]
                : []),
              ...flavors,
            ].map((f) => ({
              name: flavorName(f),
              resources: [
                { name: "cpu", nominalQuota: String(f.cpu) },
                { name: "memory", nominalQuota: `${f.memoryGi}Gi` },
                { name: "nvidia.com/gpu", nominalQuota: String(f.gpus) },
              ],
            })),
          },
        ],
      },
    });
    const localQueues: Record<string, pulumi.Resource> = {};
    for (const namespace of args.teamNamespaces) {
      localQueues[namespace] = cr("LocalQueue", LOCAL_QUEUE, { spec: { clusterQueue: spec.clusterQueue } }, namespace);
    }
    this.localQueues = localQueues;
    this.registerOutputs({ clusterQueue: spec.clusterQueue, localQueue: LOCAL_QUEUE });
  }
}

/** A flavor's ResourceFlavor name: its own, or its node pool's. */
export const flavorName = (flavor: Pick<GpuFlavor, "name" | "nodePool">): string => flavor.name ?? flavor.nodePool;

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveKueueArgs(name: string, args: KueueArgs, resource?: pulumi.Resource) {
  const fail = argumentError("Kueue", name, resource);
  const names = new Set<string>();
  for (const flavor of args.flavors) {
    if (names.has(flavor.nodePool)) fail(`flavors: node pool ${flavor.nodePool} appears twice`);
    names.add(flavor.nodePool);
    if (flavor.name !== undefined && flavor.name !== flavor.nodePool && names.has(flavor.name))
      fail(`flavors: flavor name ${flavor.name} appears twice`);
    if (flavor.name !== undefined) names.add(flavor.name);
    for (const key of ["gpus", "cpu", "memoryGi"] as const) {
      if (!Number.isInteger(flavor[key]) || flavor[key] < 0)
        fail(`flavors[${flavor.nodePool}].${key} must be a whole number, at least 0 (got ${flavor[key]})`);
    }
  }
  const controllerReplicas = args.controllerReplicas ?? 1;
  if (!Number.isInteger(controllerReplicas) || controllerReplicas < 1 || controllerReplicas > 5)
    fail(`controllerReplicas must be a whole number from 1 to 5 (got ${controllerReplicas})`);
  return {
    cohort: args.cohort ?? "cnai",
    clusterQueue: args.clusterQueue ?? "gpu-workloads",
    pytorchJobs: args.pytorchJobs ?? true,
    controllerReplicas,
  };
}
