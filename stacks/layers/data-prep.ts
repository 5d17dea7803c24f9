import type * as pulumi from "@pulumi/pulumi";
import { gkeAllocatable } from "../../components/catalog/gke-nodes";
import { machineShape } from "../../components/catalog/machine-types";
import { type CarbonTier, carbonTier } from "../../components/catalog/regions";
import { IMAGES } from "../../components/catalog/software";
import { NODE_HEADROOM } from "../../components/compute/gpu-pool-rules";
import { teamNamespaceName } from "../../components/naming";
import { KubeRay } from "../../components/processing/kuberay";
import { RayDataCluster } from "../../components/processing/ray-data-cluster";
import { RayPreparationJob } from "../../components/processing/ray-preparation-job";
import { resolvedRayCluster } from "../config/ray";
import type { LayerContext } from "./context";
import type { Data } from "./data";
import type { Foundation } from "./foundation";
import { poolTargets, type Workloads } from "./workloads";

/** The GKE node pool CPU-only Ray Pods run on: the cluster's system pool (components/compute/gke-cluster.ts). */
export const RAY_CPU_POOL = "system";

/**
 * The Kueue flavor for CPU-only Ray Pods when any team runs Ray: the system pool at its maximum,
 * after GKE's reservations and the blueprint's per-node headroom.
 */
export function rayCpuFlavor(ctx: LayerContext): { nodePool: string; cpu: number; memoryGi: number } | undefined {
  if (!ctx.settings.ray.clusters.length) return undefined;
  const system = ctx.settings.cluster.systemPool;
  const shape = machineShape(system.machineType);
  if (!shape) return undefined;
  const gke = gkeAllocatable(shape.vcpus, shape.memoryGi, false);
  return {
    nodePool: RAY_CPU_POOL,
    cpu: Math.max(0, Math.floor(gke.cpuMilli / 1000 - NODE_HEADROOM.cpu)) * system.max,
    memoryGi: Math.max(0, Math.floor(gke.memoryBytes / 2 ** 30 - NODE_HEADROOM.memoryGi)) * system.max,
  };
}

/**
 * Data preparation on Ray: the KubeRay operator, a RayDataCluster per team listed in `ray.clusters`,
 * and the example preparation RayJob, all on the datasets buckets through the teams' `pipelines`
 * identity (objectUser on raw and curated: stacks/layers/data.ts). The Ray images come through the
 * Docker Hub remote repository.
 */
export function buildDataPreparation(
  ctx: LayerContext,
  foundation: Foundation,
  data: Data,
  workloads: Workloads,
  observability: { metricsReady: pulumi.Resource[] },
) {
  const { settings, labels } = ctx;
  const ray = settings.ray;
  if (!ray.clusters.length) return { kuberay: undefined, clusters: [], jobs: [] };
  const host = data.registry.dockerHubHost;
  if (!host) throw new Error("ray.clusters needs artifactRegistry.remoteCaches (checked by the config schema)");
  const tier: CarbonTier = carbonTier(ctx.region);
  const k8s = { providers: { kubernetes: foundation.provider } };
  const kuberay = new KubeRay(
    "kuberay",
    {
      labels,
      sustainability: { workloadType: "platform", shiftable: false, carbonTier: tier },
      metrics: settings.observability.backend,
      metricsReady: observability.metricsReady,
    },
    k8s,
  );
  const images = { cpu: `${host}/${IMAGES.rayCpu.image}`, gpu: `${host}/${IMAGES.rayGpu.image}` };
  const buckets = {
    raw: data.storage.buckets["datasets-raw"].name,
    curated: data.storage.buckets["datasets-curated"].name,
  };
  const pools = poolTargets(ctx);
  const teamReady = (team: string): pulumi.Resource[] => {
    const t = workloads.teams.find((x) => x.namespace === teamNamespaceName(team));
    return [
      ...(t?.ready ?? []),
      ...(workloads.kueue.localQueues[teamNamespaceName(team)]
        ? [workloads.kueue.localQueues[teamNamespaceName(team)]]
        : []),
    ];
  };
  const after = (team: string) => ({
    ...k8s,
    dependsOn: [
      kuberay.chart,
      workloads.kueue.chart,
      data.storage.buckets["datasets-raw"],
      data.storage.buckets["datasets-curated"],
      ...teamReady(team),
    ],
  });
  const clusters = ray.clusters.map((c) => {
    const r = resolvedRayCluster(ray, c);
    return new RayDataCluster(
      `ray-${c.team}`,
      {
        labels,
        team: c.team,
        namespace: teamNamespaceName(c.team),
        images,
        buckets,
        head: r.head,
        cpuWorkers: r.cpuWorkers,
        gpuWorkers: r.gpuWorkers
          ? {
              pool: pools.get(r.gpuWorkers.pool)!,
              gpusPerWorker: r.gpuWorkers.gpusPerWorker,
              min: r.gpuWorkers.min,
              max: r.gpuWorkers.max,
            }
          : undefined,
        priorityClass: r.priorityClass,
        idleTimeoutSeconds: r.idleTimeoutSeconds,
        metrics: settings.observability.backend,
        metricsReady: observability.metricsReady,
        carbonTier: tier,
      },
      after(c.team),
    );
  });
  const jobs = [];
  const job = ray.exampleJob;
  if (job) {
    const r = resolvedRayCluster(ray, ray.clusters.find((c) => c.team === job.team)!);
    jobs.push(
      new RayPreparationJob(
        job.name,
        {
          labels,
          team: job.team,
          namespace: teamNamespaceName(job.team),
          image: images.cpu,
          buckets,
          rawPrefix: job.rawPrefix,
          curatedPrefix: job.curatedPrefix,
          head: r.head,
          // The job's own cluster: the team's CPU worker size, two workers (one if the team's maximum is one).
          workers: {
            cpu: r.cpuWorkers.cpu,
            memoryGi: r.cpuWorkers.memoryGi,
            count: Math.max(1, Math.min(2, r.cpuWorkers.max)),
          },
          ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
          activeDeadlineSeconds: job.activeDeadlineSeconds,
          priorityClass: r.priorityClass,
          carbonTier: tier,
        },
        after(job.team),
      ),
    );
  }
  return { kuberay, clusters, jobs };
}

export type DataPreparation = ReturnType<typeof buildDataPreparation>;
