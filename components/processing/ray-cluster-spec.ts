import type * as pulumi from "@pulumi/pulumi";
import { GPU_TAINT } from "../compute/gpu-node-pool";
import type { PoolTarget } from "../compute/gpu-pool-rules";

/**
 * Pure builders of KubeRay `ray.io/v1` RayCluster specs (and a RayJob's rayClusterSpec) for data
 * preparation. Facts, each from its source:
 * - KubeRay v1.7.0 (ray-operator/apis/ray/v1/raycluster_types.go): headGroupSpec.serviceType
 *   (ClusterIP by default; never exposed), rayStartParams as strings, workerGroupSpecs with
 *   groupName, replicas, minReplicas, maxReplicas; enableInTreeAutoscaling injects the autoscaler
 *   sidecar into the head Pod (controllers/ray/common/pod.go).
 * - Kueue v0.19.2 site/content/en/docs/tasks/run/rayclusters.md: a Workload has at most 8 PodSets,
 *   so at most 7 worker groups; autoscaling only for elastic RayClusters (annotation
 *   `kueue.x-k8s.io/elastic-job: "true"`, feature gate ElasticJobsViaWorkloadSlices, beta and on by
 *   default since 0.18: pkg/features/kube_features.go).
 * - GKE "Access Cloud Storage buckets with the Cloud Storage FUSE CSI driver": Pod annotation
 *   `gke-gcsfuse/volumes: "true"`, CSI driver gcsfuse.csi.storage.gke.io with volumeAttributes
 *   bucketName and mountOptions; `gke-gcsfuse/<resource>-request|limit` size the sidecar.
 */

/** Kueue: a Workload holds at most 8 PodSets, the head's included. */
export const MAX_RAY_WORKER_GROUPS = 7;
/** The largest maxReplicas the blueprint accepts for one worker group (autoscaling must stay bounded). */
export const RAY_MAX_WORKERS_LIMIT = 100;
export const RAY_VERSION = "2.55.0";
export const ELASTIC_JOB_ANNOTATION = "kueue.x-k8s.io/elastic-job";
export const GCSFUSE_DRIVER = "gcsfuse.csi.storage.gke.io";
/** The raw datasets, read-only, and the curated datasets, read-write, in every Ray Pod. */
export const RAW_MOUNT = "/data/raw";
export const CURATED_MOUNT = "/data/curated";
/** Ray's ports (KubeRay's defaults): the dashboard and the Ray client must stay inside the cluster. */
export const RAY_PORTS = {
  gcs: 6379,
  dashboard: 8265,
  client: 10001,
  metrics: 8080,
  /** The autoscaler's and the dashboard's metrics (Ray's AUTOSCALER_METRIC_PORT and DASHBOARD_METRIC_PORT). */
  autoscalerMetrics: 44217,
  dashboardMetrics: 44227,
} as const;
/** The Ray image's user and group (rayproject/ray docker/base-deps/Dockerfile: user ray, uid 1000, group users 100). */
const RAY_UID = 1000;
const RAY_GID = 100;

/** The GCS FUSE sidecar's size: the webhook's default requests, and a memory limit so the team's LimitRange default (2Gi) does not apply. */
export const GCSFUSE_SIDECAR_ANNOTATIONS = {
  "gke-gcsfuse/volumes": "true",
  "gke-gcsfuse/cpu-request": "250m",
  "gke-gcsfuse/memory-request": "256Mi",
  "gke-gcsfuse/memory-limit": "1Gi",
} as const;

export interface RayPodSize {
  cpu: number;
  memoryGi: number;
}

export interface RayGpuWorkers {
  pool: PoolTarget;
  gpusPerWorker: number;
  min: number;
  max: number;
  /** CPU and memory per worker. */
  size: RayPodSize;
  /** Image with CUDA. */
  image: string;
}

export interface RayClusterShape {
  /** CPU image (`<docker hub remote>/rayproject/ray:<version>-py312`). */
  image: string;
  serviceAccount: string;
  buckets: { raw: pulumi.Input<string>; curated: pulumi.Input<string> };
  head: RayPodSize;
  cpuWorkers: RayPodSize & { min: number; max: number };
  gpuWorkers?: RayGpuWorkers;
  idleTimeoutSeconds: number;
  /** Labels every Ray Pod carries (team, sustainability). */
  podLabels: Record<string, string>;
  /** The autoscaler (a RayJob's cluster has a fixed size and none). @default true */
  autoscaling?: boolean;
}

/** A GPU worker's CPU and memory: the pool node's share for its GPUs (as TrainingJob sizes its Pods). */
export function gpuWorkerSize(pool: Pick<PoolTarget, "cpu" | "memoryGi" | "gpusPerNode">, gpus: number): RayPodSize {
  const share = gpus / Math.max(1, pool.gpusPerNode);
  return { cpu: Math.max(1, Math.floor(pool.cpu * share)), memoryGi: Math.max(1, Math.floor(pool.memoryGi * share)) };
}

const quantity = (size: RayPodSize, gpus?: number) => {
  const amounts: Record<string, string> = { cpu: String(size.cpu), memory: `${size.memoryGi}Gi` };
  if (gpus) amounts["nvidia.com/gpu"] = String(gpus);
  // Limits equal requests: Ray sizes its object store from the memory limit, and the LimitRange adds none below.
  return { requests: amounts, limits: { ...amounts } };
};

function podTemplate(
  shape: RayClusterShape,
  container: string,
  image: string,
  size: RayPodSize,
  extra: { gpus?: number; pool?: PoolTarget; ports?: object[] } = {},
) {
  const mountOptions = (readOnly: boolean) =>
    ["implicit-dirs", `uid=${RAY_UID}`, `gid=${RAY_GID}`, ...(readOnly ? [] : ["file-mode=664", "dir-mode=775"])].join(
      ",",
    );
  return {
    metadata: { labels: { ...shape.podLabels }, annotations: { ...GCSFUSE_SIDECAR_ANNOTATIONS } },
    spec: {
      serviceAccountName: shape.serviceAccount,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RAY_UID,
        runAsGroup: RAY_GID,
        fsGroup: RAY_GID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      ...(extra.pool
        ? {
            nodeSelector: {
              "cloud.google.com/gke-nodepool": extra.pool.nodePool,
              "cloud.google.com/gke-accelerator": extra.pool.accelerator,
            },
            tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
          }
        : {}),
      volumes: [
        {
          name: "raw",
          csi: {
            driver: GCSFUSE_DRIVER,
            readOnly: true,
            volumeAttributes: { bucketName: shape.buckets.raw, mountOptions: mountOptions(true) },
          },
        },
        {
          name: "curated",
          csi: {
            driver: GCSFUSE_DRIVER,
            readOnly: false,
            volumeAttributes: { bucketName: shape.buckets.curated, mountOptions: mountOptions(false) },
          },
        },
        // Ray's object store spills and its logs go here, not to the node's boot disk through the container layer.
        { name: "ray-tmp", emptyDir: { sizeLimit: "20Gi" } },
        // The object store lives in /dev/shm, which a container gets at 64Mi; Ray falls back to /tmp (slow)
        // when it is smaller than the store (KubeRay docs, "RayCluster configuration": shared memory volume).
        // Memory-backed: it counts against the container's memory limit.
        { name: "shared-mem", emptyDir: { medium: "Memory" } },
      ],
      containers: [
        {
          name: container,
          image,
          resources: quantity(size, extra.gpus),
          ...(extra.ports ? { ports: extra.ports } : {}),
          volumeMounts: [
            { name: "raw", mountPath: RAW_MOUNT, readOnly: true },
            { name: "curated", mountPath: CURATED_MOUNT },
            { name: "ray-tmp", mountPath: "/tmp/ray" },
            { name: "shared-mem", mountPath: "/dev/shm" },
          ],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    },
  };
}

/** The `spec` of a RayCluster (or a RayJob's rayClusterSpec). */
export function rayClusterSpec(shape: RayClusterShape) {
  const autoscaling = shape.autoscaling ?? true;
  const workerGroups: object[] = [
    {
      groupName: "cpu",
      replicas: shape.cpuWorkers.min,
      minReplicas: shape.cpuWorkers.min,
      maxReplicas: shape.cpuWorkers.max,
      rayStartParams: {},
      template: podTemplate(shape, "ray-worker", shape.image, shape.cpuWorkers, {
        ports: [{ name: "metrics", containerPort: RAY_PORTS.metrics }],
      }),
    },
  ];
  const gpu = shape.gpuWorkers;
  if (gpu) {
    workerGroups.push({
      groupName: "gpu",
      replicas: gpu.min,
      minReplicas: gpu.min,
      maxReplicas: gpu.max,
      rayStartParams: {},
      template: podTemplate(shape, "ray-worker", gpu.image, gpu.size, {
        gpus: gpu.gpusPerWorker,
        pool: gpu.pool,
        ports: [{ name: "metrics", containerPort: RAY_PORTS.metrics }],
      }),
    });
  }
  return {
    rayVersion: RAY_VERSION,
    ...(autoscaling
      ? {
          enableInTreeAutoscaling: true,
          autoscalerOptions: {
            upscalingMode: "Default",
            idleTimeoutSeconds: shape.idleTimeoutSeconds,
            // KubeRay's default size (500m / 512Mi), stated so quotas and LimitRanges see it.
            resources: {
              requests: { cpu: "500m", memory: "512Mi" },
              limits: { cpu: "500m", memory: "512Mi" },
            },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        }
      : {}),
    headGroupSpec: {
      // Only inside the cluster: no LoadBalancer or NodePort, and no Ingress (enableIngress stays unset).
      serviceType: "ClusterIP",
      rayStartParams: {
        // The head schedules no tasks: its CPU runs the GCS, the dashboard and the autoscaler.
        "num-cpus": "0",
        "dashboard-host": "0.0.0.0",
        "metrics-export-port": String(RAY_PORTS.metrics),
      },
      template: podTemplate(shape, "ray-head", shape.image, shape.head, {
        ports: [
          { name: "gcs", containerPort: RAY_PORTS.gcs },
          { name: "dashboard", containerPort: RAY_PORTS.dashboard },
          { name: "client", containerPort: RAY_PORTS.client },
          { name: "metrics", containerPort: RAY_PORTS.metrics },
          { name: "as-metrics", containerPort: RAY_PORTS.autoscalerMetrics },
          { name: "dash-metrics", containerPort: RAY_PORTS.dashboardMetrics },
        ],
      }),
    },
    workerGroupSpecs: workerGroups,
  };
}
