import { z } from "zod";
import type { PoolProblem } from "../../components/compute/gpu-pool-rules";
import { gpuResourcesPerNode } from "../../components/compute/gpu-pool-rules";
import { MAX_RAY_WORKER_GROUPS, RAY_MAX_WORKERS_LIMIT } from "../../components/processing/ray-cluster-spec";
import { PRIORITY_CLASSES } from "../../components/training/kueue";

/**
 * Ray data preparation: the teams that get a RayDataCluster (KubeRay RayCluster queued by Kueue),
 * their sizes over the profile's defaults, and the example preparation RayJob.
 */
const size = z.strictObject({
  cpu: z.number().positive().max(256),
  memoryGi: z.number().int().min(1).max(4096),
});
const workers = z.strictObject({
  cpu: z.number().positive().max(256).optional(),
  memoryGi: z.number().int().min(1).max(4096).optional(),
  min: z.number().int().min(0).max(RAY_MAX_WORKERS_LIMIT).optional(),
  max: z.number().int().min(1).max(RAY_MAX_WORKERS_LIMIT).optional(),
});
const priorityClass = z.enum(PRIORITY_CLASSES.map((p) => p.name) as [string, ...string[]]);

export const rayClusterSchema = z.strictObject({
  /** The team whose namespace runs the cluster (it must be one of `teams`). */
  team: z.string(),
  head: size.partial().optional(),
  cpuWorkers: workers.optional(),
  /** A GPU worker group on one of the stack's GPU pools, through the team's queue. */
  gpuWorkers: z
    .strictObject({
      pool: z.string(),
      gpusPerWorker: z.number().int().min(1).max(16),
      min: z.number().int().min(0).max(RAY_MAX_WORKERS_LIMIT).default(0),
      max: z.number().int().min(1).max(RAY_MAX_WORKERS_LIMIT),
    })
    .optional(),
  priorityClass: priorityClass.optional(),
});

export const raySchema = z.strictObject({
  /** Sizes every cluster gets unless it says otherwise (profiles set them per environment). */
  defaults: z.strictObject({
    head: size,
    cpuWorkers: z.strictObject({
      cpu: z.number().positive().max(256),
      memoryGi: z.number().int().min(1).max(4096),
      min: z.number().int().min(0).max(RAY_MAX_WORKERS_LIMIT),
      max: z.number().int().min(1).max(RAY_MAX_WORKERS_LIMIT),
    }),
    /** Seconds a worker stays idle before the autoscaler removes it. */
    idleTimeoutSeconds: z.number().int().min(30).max(86400),
    priorityClass,
  }),
  clusters: z.array(rayClusterSchema).max(500),
  /** The example preparation RayJob: raw CSV/Parquet under rawPrefix to Parquet under curatedPrefix. */
  exampleJob: z
    .strictObject({
      team: z.string(),
      name: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
        error: "a RayJob name: a lower-case letter, then letters, digits and '-', at most 40 characters",
      }),
      rawPrefix: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._/-]{0,200}$/, { error: "a folder of the raw bucket, e.g. events/" }),
      curatedPrefix: z.string().regex(/^[a-z0-9][a-z0-9._/-]{0,200}$/, {
        error: "a folder of the curated bucket, e.g. events/",
      }),
      /** Seconds the finished job's cluster objects stay (the cluster itself is deleted at the end). */
      ttlSecondsAfterFinished: z.number().int().min(0).max(604800).default(3600),
      /** Seconds before KubeRay stops the job. */
      activeDeadlineSeconds: z.number().int().min(60).max(604800).default(7200),
    })
    .optional(),
});

export type RaySettings = z.infer<typeof raySchema>;
export type RayClusterSettings = z.infer<typeof rayClusterSchema>;

/** A cluster's sizes with the defaults applied. */
export function resolvedRayCluster(ray: RaySettings, cluster: RayClusterSettings) {
  const d = ray.defaults;
  return {
    team: cluster.team,
    head: { ...d.head, ...cluster.head },
    cpuWorkers: {
      cpu: cluster.cpuWorkers?.cpu ?? d.cpuWorkers.cpu,
      memoryGi: cluster.cpuWorkers?.memoryGi ?? d.cpuWorkers.memoryGi,
      min: cluster.cpuWorkers?.min ?? d.cpuWorkers.min,
      max: cluster.cpuWorkers?.max ?? d.cpuWorkers.max,
    },
    gpuWorkers: cluster.gpuWorkers,
    priorityClass: cluster.priorityClass ?? d.priorityClass,
    idleTimeoutSeconds: d.idleTimeoutSeconds,
  };
}

interface RayContext {
  readonly teams: readonly { name: string; quota: { gpus: number; cpu: number; memoryGi: number } }[];
  readonly pools: readonly { name: string; machineType: string; accelerator: { type: string; sharing?: unknown } }[];
  readonly remoteCaches: boolean;
}

/**
 * Clusters name a team once and a GPU pool of the stack, keep min <= max, and fit the team's
 * ResourceQuota at their maximum (head, every CPU and GPU worker, plus what KubeRay and GKE add
 * to each Pod); the Ray image needs the Docker Hub remote repository.
 */
export function rayIssues(ray: RaySettings, ctx: RayContext): PoolProblem[] {
  const issues: PoolProblem[] = [];
  const seen = new Set<string>();
  ray.clusters.forEach((c, i) => {
    const at = (...rest: (string | number)[]) => ["ray", "clusters", i, ...rest];
    const team = ctx.teams.find((t) => t.name === c.team);
    if (!team)
      issues.push({
        path: at("team"),
        input: c.team,
        message: `one of the stack's teams: ${ctx.teams.map((t) => t.name).join(", ")}`,
      });
    if (seen.has(c.team)) issues.push({ path: at("team"), input: c.team, message: "a team with no other Ray cluster" });
    seen.add(c.team);
    const r = resolvedRayCluster(ray, c);
    if (r.cpuWorkers.min > r.cpuWorkers.max)
      issues.push({
        path: at("cpuWorkers", "min"),
        input: r.cpuWorkers.min,
        message: `at most cpuWorkers.max (${r.cpuWorkers.max})`,
      });
    let gpus = 0;
    if (c.gpuWorkers) {
      const pool = ctx.pools.find((p) => p.name === c.gpuWorkers!.pool);
      if (!pool)
        issues.push({
          path: at("gpuWorkers", "pool"),
          input: c.gpuWorkers.pool,
          message: `one of the stack's GPU pools: ${ctx.pools.map((p) => p.name).join(", ") || "none"}`,
        });
      else if (c.gpuWorkers.gpusPerWorker > gpuResourcesPerNode(pool as Parameters<typeof gpuResourcesPerNode>[0]))
        issues.push({
          path: at("gpuWorkers", "gpusPerWorker"),
          input: c.gpuWorkers.gpusPerWorker,
          message: `at most ${gpuResourcesPerNode(pool as Parameters<typeof gpuResourcesPerNode>[0])}, what a node of ${pool.name} offers`,
        });
      if (c.gpuWorkers.min > c.gpuWorkers.max)
        issues.push({
          path: at("gpuWorkers", "min"),
          input: c.gpuWorkers.min,
          message: `at most gpuWorkers.max (${c.gpuWorkers.max})`,
        });
      gpus = c.gpuWorkers.max * c.gpuWorkers.gpusPerWorker;
    }
    if (team) {
      const need = rayQuotaNeed(r);
      const over = (["gpus", "cpu", "memoryGi"] as const).filter(
        (k) => (k === "gpus" ? gpus : need[k]) > team.quota[k],
      );
      for (const key of over) {
        const value = key === "gpus" ? gpus : need[key];
        issues.push({
          path: at(key === "gpus" ? "gpuWorkers" : "cpuWorkers", "max"),
          input: key === "gpus" ? c.gpuWorkers?.max : r.cpuWorkers.max,
          message: `a size within team ${team.name}'s quota: the Ray cluster at its maximum needs ${key} ${value} > teams[].quota.${key} ${team.quota[key]}; raise the quota or lower the maximum`,
        });
      }
    }
  });
  if (ray.clusters.length && !ctx.remoteCaches)
    issues.push({
      path: ["artifactRegistry", "remoteCaches"],
      input: false,
      message: "true while ray.clusters is not empty: the Ray image comes through the Docker Hub remote repository",
    });
  const job = ray.exampleJob;
  if (job && !ray.clusters.some((c) => c.team === job.team))
    issues.push({
      path: ["ray", "exampleJob", "team"],
      input: job.team,
      message: `a team with a Ray cluster (ray.clusters): ${ray.clusters.map((c) => c.team).join(", ") || "none"}`,
    });
  return issues;
}

/** What a cluster asks of the team's quota at its maximum: head (with KubeRay's autoscaler sidecar) and every worker. */
export function rayQuotaNeed(r: ReturnType<typeof resolvedRayCluster>): { cpu: number; memoryGi: number } {
  const { cpu, memoryGi } = RAY_POD_OVERHEAD;
  const head = { cpu: r.head.cpu + cpu.head, memoryGi: r.head.memoryGi + memoryGi.head };
  const workers = r.cpuWorkers.max + (r.gpuWorkers?.max ?? 0);
  return {
    cpu: head.cpu + r.cpuWorkers.max * r.cpuWorkers.cpu + workers * cpu.worker,
    memoryGi: head.memoryGi + r.cpuWorkers.max * r.cpuWorkers.memoryGi + workers * memoryGi.worker,
  };
}

/**
 * Requests added to Ray Pods beside the Ray container: the head's autoscaler sidecar (KubeRay
 * v1.7.0 ray-operator/controllers/ray/common/pod.go BuildAutoscalerContainer: 500m / 512Mi) and
 * GKE's GCS FUSE sidecar on every Pod (components/processing/ray-cluster-spec.ts GCSFUSE_SIDECAR_ANNOTATIONS:
 * 250m and 256Mi requested, a 1Gi memory limit); the
 * workers' wait-gcs-ready init container (200m / 256Mi) runs before, so it adds nothing at once.
 */
export const RAY_POD_OVERHEAD = {
  cpu: { head: 0.75, worker: 0.25 },
  // Memory by limit (the quota counts limits.memory): the autoscaler's 512Mi and the sidecar's 1Gi limit.
  memoryGi: { head: 1.5, worker: 1 },
} as const;

export { MAX_RAY_WORKER_GROUPS };
