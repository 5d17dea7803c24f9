import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CarbonTier } from "../catalog/regions";
import { HELM_CHARTS } from "../catalog/software";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import type { PoolTarget } from "../compute/gpu-pool-rules";
import { kubernetesLabels, kubernetesSustainabilityLabels, type StackLabels } from "../labels";
import { podScrapeObject } from "../observability/pod-scrape";
import { LOCAL_QUEUE, PRIORITY_CLASSES, PRIORITY_LABEL, QUEUE_LABEL } from "../training/kueue";
import {
  ELASTIC_JOB_ANNOTATION,
  gpuWorkerSize,
  RAY_MAX_WORKERS_LIMIT,
  RAY_PORTS,
  type RayPodSize,
  rayClusterSpec,
} from "./ray-cluster-spec";

export interface RayDataClusterArgs {
  labels: StackLabels;
  team: string;
  namespace: string;
  /** `<registry>/rayproject/ray:<tag>` images (CPU and CUDA), from the Docker Hub remote repository. */
  images: { cpu: string; gpu: string };
  /** The buckets mounted in every Pod: raw read-only at /data/raw, curated read-write at /data/curated. */
  buckets: { raw: pulumi.Input<string>; curated: pulumi.Input<string> };
  /** @default { cpu: 2, memoryGi: 8 } */
  head?: RayPodSize;
  /** @default { cpu: 2, memoryGi: 8, min: 0, max: 4 } */
  cpuWorkers?: RayPodSize & { min: number; max: number };
  /** A GPU worker group on a GPU pool (its node selector and toleration); none by default. */
  gpuWorkers?: { pool: PoolTarget; gpusPerWorker: number; min?: number; max: number };
  /** The Kubernetes service account (Workload Identity with the bucket grants). @default "pipelines" */
  serviceAccount?: string;
  /** @default "team-queue" */
  queue?: string;
  /** @default "cnai-low" */
  priorityClass?: string;
  /** @default 300 */
  idleTimeoutSeconds?: number;
  /** How the stack scrapes Ray's metrics: a PodMonitoring (Managed Prometheus) or a PodMonitor (self-hosted). */
  metrics: "managed" | "self-hosted";
  /** What the scrape object waits for (the chart that installs the PodMonitor CRD). @default [] */
  metricsReady?: pulumi.Resource[];
  carbonTier: CarbonTier;
}

export const RAY_CLUSTER_NAME = "data-prep";

/**
 * A team's Ray cluster for data preparation (KubeRay RayCluster, `ray.io/v1`): a head that runs
 * no tasks, an autoscaled CPU worker group and an optional GPU worker group, queued by Kueue as an
 * elastic workload on the team's LocalQueue; the raw and curated dataset buckets mounted through
 * GCS FUSE with the team's `pipelines` Workload Identity; the dashboard and client only on a
 * ClusterIP Service; a NetworkPolicy that lets the KubeRay operator reach the dashboard API, and a
 * scrape of every Ray Pod's metrics port.
 */
export class RayDataCluster extends pulumi.ComponentResource {
  public readonly cluster: k8s.apiextensions.CustomResource;
  public readonly name = RAY_CLUSTER_NAME;

  constructor(name: string, args: RayDataClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:processing:RayDataCluster", name, {}, opts);
    const spec = resolveRayDataClusterArgs(name, args, this);
    const podLabels = {
      ...kubernetesLabels(args.labels, "ray-data-cluster"),
      "cnai.dev/team": args.team,
      ...kubernetesSustainabilityLabels({ workloadType: "data", shiftable: true, carbonTier: args.carbonTier }),
    };
    this.cluster = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "ray.io/v1",
        kind: "RayCluster",
        metadata: {
          name: RAY_CLUSTER_NAME,
          namespace: args.namespace,
          labels: { ...podLabels, [QUEUE_LABEL]: spec.queue, [PRIORITY_LABEL]: spec.priorityClass },
          annotations: { [ELASTIC_JOB_ANNOTATION]: "true" },
        },
        spec: rayClusterSpec({
          image: args.images.cpu,
          serviceAccount: spec.serviceAccount,
          buckets: args.buckets,
          head: spec.head,
          cpuWorkers: spec.cpuWorkers,
          gpuWorkers: spec.gpuWorkers,
          idleTimeoutSeconds: spec.idleTimeoutSeconds,
          podLabels,
        }),
      },
      childOptions(this, opts),
    );
    const meta = (objectName: string) => ({
      name: objectName,
      namespace: args.namespace,
      labels: kubernetesLabels(args.labels, "ray-data-cluster"),
    });
    // The operator polls each head's dashboard API (job submission and status, RayJob): the team's
    // default-deny ingress would refuse it. KubeRay v1.7.0 controllers/ray/utils/dashboardclient.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-kuberay`,
      {
        metadata: meta("allow-kuberay-operator"),
        spec: {
          podSelector: { matchLabels: { "ray.io/node-type": "head" } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": HELM_CHARTS.kuberayOperator.namespace },
                  },
                },
              ],
              ports: [{ protocol: "TCP", port: RAY_PORTS.dashboard }],
            },
          ],
        },
      },
      childOptions(this, opts),
    );
    // Every Ray Pod of the namespace (KubeRay labels them ray.io/is-ray-node=yes) on its metrics port; the
    // head also serves the autoscaler's and the dashboard's metrics (workers have no such ports: no target).
    new k8s.apiextensions.CustomResource(
      `${name}-metrics`,
      podScrapeObject(args.metrics, {
        ...meta("ray-metrics"),
        selector: { matchLabels: { "ray.io/is-ray-node": "yes" } },
        ports: ["metrics", "as-metrics", "dash-metrics"],
        podLabels: { "ray.io/cluster": "ray_cluster" },
      }),
      childOptions(this, opts, { dependsOn: args.metricsReady ?? [] }),
    );
    this.registerOutputs({ name: RAY_CLUSTER_NAME, namespace: args.namespace });
  }
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveRayDataClusterArgs(name: string, args: RayDataClusterArgs, resource?: pulumi.Resource) {
  const fail = argumentError("RayDataCluster", name, resource);
  const head = args.head ?? { cpu: 2, memoryGi: 8 };
  const cpuWorkers = args.cpuWorkers ?? { cpu: 2, memoryGi: 8, min: 0, max: 4 };
  for (const [key, size] of [
    ["head", head],
    ["cpuWorkers", cpuWorkers],
  ] as const) {
    if (!(size.cpu > 0) || !(size.memoryGi >= 1))
      fail(`${key} must ask for some CPU and at least 1 GiB (got ${size.cpu} CPU, ${size.memoryGi} GiB)`);
  }
  const bounds = (key: string, min: number, max: number) => {
    if (
      !Number.isInteger(min) ||
      !Number.isInteger(max) ||
      min < 0 ||
      max < 1 ||
      min > max ||
      max > RAY_MAX_WORKERS_LIMIT
    )
      fail(
        `${key}: min ${min} and max ${max} must be whole numbers with 0 <= min <= max, 1 <= max <= ${RAY_MAX_WORKERS_LIMIT}`,
      );
  };
  bounds("cpuWorkers", cpuWorkers.min, cpuWorkers.max);
  let gpuWorkers: Parameters<typeof rayClusterSpec>[0]["gpuWorkers"];
  if (args.gpuWorkers) {
    const g = args.gpuWorkers;
    const min = g.min ?? 0;
    bounds("gpuWorkers", min, g.max);
    if (!Number.isInteger(g.gpusPerWorker) || g.gpusPerWorker < 1 || g.gpusPerWorker > g.pool.gpusPerNode)
      fail(
        `gpuWorkers.gpusPerWorker must be from 1 to ${g.pool.gpusPerNode}, what a node of ${g.pool.nodePool} offers (got ${g.gpusPerWorker})`,
      );
    gpuWorkers = {
      pool: g.pool,
      gpusPerWorker: g.gpusPerWorker,
      min,
      max: g.max,
      size: gpuWorkerSize(g.pool, g.gpusPerWorker),
      image: args.images.gpu,
    };
  }
  const priorityClass = args.priorityClass ?? "cnai-low";
  if (!PRIORITY_CLASSES.some((p) => p.name === priorityClass))
    fail(`priorityClass ${priorityClass} is not one of ${PRIORITY_CLASSES.map((p) => p.name).join(", ")}`);
  for (const image of [args.images.cpu, args.images.gpu]) {
    if (!/^[a-z0-9.-]+(:\d+)?\/.+\/rayproject\/ray:[0-9][A-Za-z0-9._-]*$/.test(image))
      fail(
        `image ${image} must be a pinned rayproject/ray tag behind a registry host (the Docker Hub remote repository)`,
      );
  }
  return {
    head,
    cpuWorkers,
    gpuWorkers,
    priorityClass,
    queue: args.queue ?? LOCAL_QUEUE,
    serviceAccount: args.serviceAccount ?? "pipelines",
    idleTimeoutSeconds: args.idleTimeoutSeconds ?? 300,
  };
}
