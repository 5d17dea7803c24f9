import { z } from "zod";
import { CLOUD_RUN_GPU_REGIONS } from "../../components/catalog/cloud-run-gpu";
import {
  RETENTION_WITHOUT_VERSIONING,
  SOFT_DELETE_DURATION,
  VULNERABILITY_MODES,
  type VulnerabilityScanning,
} from "../../components/catalog/gcp-api-rules";
import { ACCELERATOR_TYPES } from "../../components/catalog/gpus";
import { cidrsOverlap, documentationRangeOf } from "../../components/catalog/ip-ranges";
import { isRegion, REGIONS, zonesOf } from "../../components/catalog/regions";
import { IMAGES } from "../../components/catalog/software";
import {
  allocatablePerNode,
  CAPACITY_TYPES,
  GPU_DRIVER_VERSIONS,
  GPU_SHARING_STRATEGIES,
  gpuPoolProblems,
  gpuResourcesPerNode,
  gpusPerContainerLimit,
  type PoolProblem,
} from "../../components/compute/gpu-pool-rules";
import { cloudSqlTierProblem } from "../../components/data/postgres-database";
import { IAM_MEMBER_PATTERN } from "../../components/iam";
import { DATA_CLASSIFICATIONS, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN } from "../../components/labels";
import { MODEL_REGISTRY_KINDS } from "../../components/registry/model-registry";
import { SCALE_METRICS } from "../../components/serving/model-deployment";
import { activePools, generationIssues, poolGenerationFields } from "./pool-generations";

/**
 * The schema of a stack's settings: the `cnai-platform:*` keys of `stacks/Pulumi.<stack>.yaml`
 * merged over the environment profile. Every object is strict (unknown keys are errors). A custom
 * message is the "allowed" half of an error: `<file>: <key>: got <value>; allowed: <message>`.
 */

const labelValue = z.string().regex(LABEL_VALUE_PATTERN, {
  error: "a GCP label value: lower-case letters, digits, '_' and '-', at most 63 characters",
});

const nonEmptyLabelValue = labelValue.min(1, { error: "a non-empty GCP label value" });

const labelKey = z.string().regex(LABEL_KEY_PATTERN, {
  error: "a GCP label key: a lower-case letter, then lower-case letters, digits, '_' and '-', at most 63 characters",
});

/** Labels the blueprint sets itself; config may not override them. */
export const RESERVED_LABEL_KEYS = [
  "env",
  "team",
  "cost-center",
  "managed-by",
  "component",
  "workload-type",
  "shiftable",
  "carbon-tier",
  "data-classification",
] as const;

const extraLabels = z.record(labelKey, labelValue).superRefine((labels, ctx) => {
  for (const key of Object.keys(labels)) {
    if ((RESERVED_LABEL_KEYS as readonly string[]).includes(key)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        input: key,
        message: `a label key other than the ones the blueprint sets (${RESERVED_LABEL_KEYS.join(", ")})`,
      });
    }
  }
});

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const cidr = (what: string) => z.string().regex(IPV4_CIDR, { error: `${what} as an IPv4 CIDR block (10.0.0.0/20)` });

const count = (max: number) => z.number().int().min(0).max(max);

const dailyTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "a time of day in UTC as HH:MM (03:00)" });

export const PROFILES = ["dev", "staging", "prod"] as const;
export type ProfileName = (typeof PROFILES)[number];

export const networkSchema = z.strictObject({
  /** Primary range of the cluster subnet (nodes). */
  subnetCidr: cidr("the node subnet range"),
  /** Secondary range for Pods. */
  podsCidr: cidr("the Pod range"),
  /** Secondary range for Services. */
  servicesCidr: cidr("the Service range"),
  /** Range of the control plane's private endpoint (a /28). */
  masterCidr: cidr("the control plane range").regex(/\/28$/, { error: "a /28 block for the control plane" }),
  /** Range reserved for Google-managed services (Cloud SQL private IP) through private services access. */
  privateServicesCidr: cidr("the private services range"),
  /** Cloud NAT for egress from private nodes (image pulls from public registries). */
  nat: z.boolean(),
});

export const authorizedNetworkSchema = z.strictObject({
  name: z.string().min(1).max(64),
  // A documentation range (RFC 5737) is a placeholder nobody connects from: the control plane would be unreachable.
  cidr: cidr("an authorized network").refine((block) => documentationRangeOf(block) === undefined, {
    error: (issue) =>
      `a range your administrators or CI connect from; ${String(issue.input)} is in the documentation range ${documentationRangeOf(String(issue.input))} (RFC 5737), which nothing connects from, so the control plane would be unreachable. Replace it with your office, VPN or CI egress range, or use cluster.privateEndpoint: true to reach the control plane through its DNS endpoint with IAM`,
  }),
});

export const systemPoolSchema = z.strictObject({
  machineType: z
    .string()
    .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, { error: "a Compute Engine machine type (e2-standard-4)" }),
  /** Total nodes across the pool's zones. */
  min: count(100),
  max: z.number().int().min(1).max(100),
  spot: z.boolean(),
  diskSizeGb: z.number().int().min(30).max(2000),
});

export const clusterSchema = z.strictObject({
  /** `zonal`: one control plane zone (cheap); `regional`: replicated control plane (prod). */
  location: z.enum(["zonal", "regional"]),
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]),
  /** Serve the control plane on its private endpoint only. */
  privateEndpoint: z.boolean(),
  masterAuthorizedNetworks: z.array(authorizedNetworkSchema).max(50),
  deletionProtection: z.boolean(),
  autoscalingProfile: z.enum(["BALANCED", "OPTIMIZE_UTILIZATION"]),
  /** Start of the daily maintenance window, UTC. */
  maintenanceWindowStart: dailyTime,
  systemPool: systemPoolSchema,
  /** GKE workload vulnerability scanning: disabled (Artifact Registry scans the images), or enterprise (GKE Enterprise projects only). */
  vulnerabilityScanning: z.enum(
    Object.keys(VULNERABILITY_MODES) as [VulnerabilityScanning, ...VulnerabilityScanning[]],
  ),
});

export const encryptionSchema = z.strictObject({
  /** Customer-managed (Cloud KMS) keys for cluster secrets and, later, data stores. */
  customerManagedKeys: z.boolean(),
  keyRotationDays: z.number().int().min(1).max(365),
});

export const gpuPoolSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, {
    error: "a pool name: a lower-case letter, then letters, digits and '-', at most 20 characters",
  }),
  ...poolGenerationFields,
  machineType: z.string().min(1),
  accelerator: z.strictObject({
    type: z.enum(ACCELERATOR_TYPES),
    /** GPUs per VM; defaults to the machine type's count (or 1 for N1 with attached GPUs). */
    count: z.number().int().min(1).max(16).optional(),
    driverVersion: z.enum(GPU_DRIVER_VERSIONS).default("DEFAULT"),
    sharing: z
      .strictObject({
        strategy: z.enum(GPU_SHARING_STRATEGIES),
        maxClientsPerGpu: z.number().int().min(2).max(48),
      })
      .optional(),
    /** A MIG partition size such as `1g.10gb`; only GPUs with MIG. */
    migPartitionSize: z.string().optional(),
  }),
  /** Total node limits across the pool's zones; min 0 lets the pool scale to zero. */
  autoscaling: z.strictObject({
    min: count(1000),
    max: z.number().int().min(1).max(1000),
    locationPolicy: z.enum(["ANY", "BALANCED"]).default("ANY"),
  }),
  capacity: z.strictObject({
    type: z.enum(CAPACITY_TYPES),
    /** For `reservation`: consume any matching reservation, or one named reservation. */
    reservation: z
      .strictObject({
        affinity: z.enum(["any", "specific"]),
        name: z
          .string()
          .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a reservation name" })
          .optional(),
        /** The compact placement policy the specific reservation was created with, if any (the pool then names it). */
        placementPolicy: z
          .string()
          .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a resource policy name" })
          .optional(),
        /** VMs the specific reservation holds (billed whether used or not); default: the pool's autoscaling maximum. */
        vms: z.number().int().min(1).max(10000).optional(),
      })
      .optional(),
  }),
  /** Zones for the pool's nodes; default: the cluster zones that offer the accelerator. */
  zones: z.array(z.string()).min(1).optional(),
  /** Compact placement (one zone), for multi-node training. */
  compactPlacement: z.boolean().default(false),
  workloadType: z.enum(["training", "inference", "data"]).default("training"),
  /** Whether the work can move in time or place; default: true for training and data. */
  shiftable: z.boolean().optional(),
  diskSizeGb: z.number().int().min(50).max(10000).default(200),
  /** Image streaming (GCFS) for fast start of large images. */
  imageStreaming: z.boolean().default(true),
});

const classification = z.enum(DATA_CLASSIFICATIONS);
const days = (max: number) => z.number().int().min(1).max(max);

export const storageSchema = z.strictObject({
  /** Data classification of each bucket; confidential and restricted buckets always get a customer-managed key. */
  classifications: z.strictObject({
    datasetsRaw: classification,
    datasetsCurated: classification,
    models: classification,
    checkpoints: classification,
  }),
  /** Days deleted objects stay restorable: 0 (off) or 7-90. */
  softDeleteDays: z
    .number()
    .int()
    .refine((d) => SOFT_DELETE_DURATION.check({ seconds: d * 86400 }) === undefined, {
      error: "0 (off) or an integer from 7 to 90",
    }),
  rawNearlineAfterDays: days(3650),
  rawColdlineAfterDays: days(3650),
  /** Checkpoints older than this are deleted. */
  checkpointRetentionDays: days(3650),
  /** Overwritten or deleted versions are kept this long. */
  noncurrentVersionDays: days(3650),
  /** Minimum retention of raw data, days (a retention policy); Cloud Storage refuses it with rawVersioning. */
  rawRetentionDays: days(3650).optional(),
  /** Object versioning on the raw datasets bucket (the other protection: a bucket has versioning or a retention policy). */
  rawVersioning: z.boolean(),
  /** Delete objects with their buckets on destroy: dev only. */
  forceDestroy: z.boolean(),
});

export const artifactRegistrySchema = z.strictObject({
  keepRecentVersions: z.number().int().min(1).max(1000),
  deleteUntaggedAfterDays: days(365),
  /** Report what cleanup would delete instead of deleting (outside prod). */
  cleanupDryRun: z.boolean(),
  immutableTags: z.boolean(),
  /** Pull-through caches of Docker Hub and PyPI. */
  remoteCaches: z.boolean(),
});

export const modelRegistrySchema = z.strictObject({
  kind: z.enum(MODEL_REGISTRY_KINDS),
  replicas: z.number().int().min(1).max(10),
  database: z.strictObject({
    tier: z.string().refine((tier) => cloudSqlTierProblem(tier) === undefined, {
      error: (issue) => `an Enterprise-edition Cloud SQL tier: ${cloudSqlTierProblem(String(issue.input))}`,
    }),
    highAvailability: z.boolean(),
    diskSizeGb: z.number().int().min(10).max(10000),
    pointInTimeRecovery: z.boolean(),
    retainedBackups: days(365),
  }),
});

const iamMember = z.string().regex(IAM_MEMBER_PATTERN, {
  error:
    "an IAM member: group:<email>, user:<email>, serviceAccount:<email>, domain:<domain>, principal: or principalSet:",
});

export const dataPlatformSchema = z.strictObject({
  classification,
  /** Data owners (stewards): BigQuery data owner and Dataplex scan admin. */
  owners: z.array(iamMember).max(20),
  /** Default expiration of BigQuery tables, days (dev). */
  tableExpirationDays: days(3650).optional(),
  messageRetentionDays: days(31),
  /** Cron schedule of the data-quality scan, UTC. */
  qualitySchedule: z.string().regex(/^\S+( \S+){4}$/, { error: "a five-field cron expression (0 4 * * *)" }),
});

const k8sName = z.string().regex(/^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$/, {
  error: "a Kubernetes name: lower-case letters, digits and '-', starting with a letter, at most 52 characters",
});
/** An image in the project's images repository: `<name>:<tag>`, never `latest`. */
const imageRef = z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*:(?!latest$)[A-Za-z0-9._-]{1,128}$/, {
  error: "<image>:<tag> in the project's images repository, with a pinned tag (not latest)",
});

export const teamSchema = z.strictObject({
  name: z.string().regex(/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/, {
    error:
      "a team name: a lower-case letter, then letters, digits and '-', ending with a letter or digit, at most 30 characters",
  }),
  /** Pod Security Admission level enforced in the team's namespace. */
  podSecurity: z.enum(["baseline", "restricted"]).default("baseline"),
  /** What the team may request at once (ResourceQuota). */
  quota: z
    .strictObject({
      gpus: z.number().int().min(0).max(10000).default(8),
      cpu: z.number().int().min(0).max(100000).default(64),
      memoryGi: z.number().int().min(0).max(1000000).default(256),
      pods: z.number().int().min(1).max(100000).default(200),
    })
    .default({ gpus: 8, cpu: 64, memoryGi: 256, pods: 200 }),
});

export const trainingSchema = z.strictObject({
  /** Install the Kubeflow Training Operator v1.9 too (PyTorchJob). */
  legacyTrainingOperator: z.boolean(),
  /** Training jobs the stack declares: a TrainJob (or PyTorchJob) each, in its team's queue. */
  jobs: z
    .array(
      z.strictObject({
        name: k8sName,
        team: z.string(),
        pool: z.string(),
        kind: z.enum(["TrainJob", "PyTorchJob"]).default("TrainJob"),
        image: imageRef,
        command: z.array(z.string()).min(1),
        args: z.array(z.string()).default([]),
        nodes: z.number().int().min(1).max(512).default(1),
        gpusPerNode: z.number().int().min(1).max(64),
        priorityClass: z.enum(["cnai-high", "cnai-standard", "cnai-low"]).default("cnai-standard"),
        /** Folder of the curated datasets bucket mounted at /data. */
        datasetsPath: z.string().min(1).default("curated"),
      }),
    )
    .max(2000)
    .default([]),
});

export const servingSchema = z.strictObject({
  /** KServe deployment mode: Standard (HPA) or Knative (scale to zero, canaries). */
  mode: z.enum(["Standard", "Knative"]),
  /** Models the stack serves: an InferenceService each, in its team's namespace. */
  models: z
    .array(
      z.strictObject({
        name: k8sName,
        team: z.string(),
        pool: z.string(),
        /** `gcs`: `gs://<models bucket>/<path>`; `oci`: `oci://<models repository>/<path>` (`<name>:<tag>`). */
        storage: z.enum(["gcs", "oci"]),
        path: z.string().min(1),
        gpus: z.number().int().min(1).max(16).default(1),
        minReplicas: z.number().int().min(0).max(1000).default(1),
        maxReplicas: z.number().int().min(1).max(1000).default(3),
        /** Standard mode: waiting-requests (vLLM's queue, through KEDA; the default), cpu or memory; Knative: concurrency (default) or rps. */
        scaleMetric: z.enum(SCALE_METRICS).optional(),
        scaleTarget: z.number().int().min(1).optional(),
        canaryTrafficPercent: z.number().int().min(0).max(100).optional(),
        args: z.array(z.string()).default([]),
      }),
    )
    .max(2000)
    .default([]),
  /** Cloud Run with an L4 GPU, serving a model of the models bucket with vLLM. */
  serverless: z
    .strictObject({
      name: k8sName,
      /** `<name>:<tag>` in the project's images repository; default: vLLM's image from Docker Hub through the remote repository. */
      image: imageRef.optional(),
      /** The model's folder in the models bucket, mounted read-only at /models and served by `vllm serve /models/<model>`. */
      model: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
        error: "a folder of the models bucket: <name>/<version>, letters, digits, '.', '_' and '-'",
      }),
      args: z.array(z.string()).default([]),
      minInstances: z.number().int().min(0).max(100).default(0),
      maxInstances: z.number().int().min(1).max(100).default(3),
      concurrency: z.number().int().min(1).max(1000).default(4),
      ingress: z.enum(["all", "internal", "internal-and-cloud-load-balancing"]).default("internal"),
      invokers: z.array(iamMember).max(50).default([]),
      /**
       * Deploys wait for an instance of the new revision to load the model. Off until the model is in
       * the bucket: the first `pulumi up` creates the bucket empty (ServerlessInference, deployHealthCheck).
       */
      deployHealthCheck: z.boolean().default(false),
    })
    .optional(),
});

const promDuration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, { error: "a Prometheus duration: a whole number and s, m, h or d (2h)" });

export const observabilitySchema = z.strictObject({
  /** `managed`: Google Managed Prometheus, GKE-managed DCGM, Cloud Monitoring dashboards; `self-hosted`: kube-prometheus-stack, dcgm-exporter, Grafana. */
  backend: z.enum(["managed", "self-hosted"]),
  /** E-mail addresses that receive alerts and budget notices. */
  notificationEmails: z.array(z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: "an e-mail address" })).max(20),
  /** Existing Cloud Monitoring notification channels (projects/<p>/notificationChannels/<id>). */
  notificationChannels: z
    .array(
      z.string().regex(/^projects\/[^/]+\/notificationChannels\/\d+$/, {
        error: "projects/<project>/notificationChannels/<id>",
      }),
    )
    .max(20),
  thresholds: z.strictObject({
    gpuIdlePercent: z.number().min(1).max(100).optional(),
    gpuIdleFor: promDuration.optional(),
    gpuMemoryFraction: z.number().min(0.5).max(1).optional(),
    latencyP99Seconds: z.number().positive().optional(),
    errorRate: z.number().positive().max(1).optional(),
    queueDepth: z.number().int().min(1).optional(),
    pendingFor: promDuration.optional(),
    drift: z.number().positive().max(1).optional(),
  }),
  /** Self-hosted Prometheus: how long samples are kept and the volume size. */
  prometheus: z.strictObject({
    retention: z.string().regex(/^\d+(h|d|w|y)$/, { error: "a Prometheus retention such as 15d" }),
    storageGi: z.number().int().min(10).max(10000),
  }),
  /** Days the project's _Default log bucket keeps logs. */
  logRetentionDays: z.number().int().min(1).max(3650),
  /** Data Access audit logs for the data services (storage, Secret Manager, Cloud SQL, BigQuery). */
  dataAccessLogs: z.boolean(),
  budget: z.strictObject({
    billingAccount: z.string().regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, {
      error: "a billing account id: 012345-6789AB-CDEF01 (upper-case hex)",
    }),
    monthlyUsd: z.number().min(0.01).max(100_000_000),
    /** Shares of the budget that notify (1.0 of the forecast is always added). */
    thresholds: z.array(z.number().positive().max(10)).min(1).max(10).default([0.5, 0.9, 1.0]),
  }),
});

export const kubernetesSchema = z.strictObject({
  /** `cluster`: apply to the GKE cluster; `yaml`: render manifests to a directory for GitOps. */
  target: z.enum(["cluster", "yaml"]),
  yamlDirectory: z.string().min(1),
});

export const settingsSchema = z.strictObject({
  profile: z.enum(PROFILES),
  /** Prefix of every physical name. */
  prefix: z.string().regex(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/, {
    error: "a name prefix: 2-16 lower-case letters, digits and '-', starting with a letter",
  }),
  team: nonEmptyLabelValue,
  costCenter: nonEmptyLabelValue,
  labels: extraLabels,
  zones: z.array(z.string()).min(1).max(4),
  network: networkSchema,
  cluster: clusterSchema,
  encryption: encryptionSchema,
  gpuPools: z.array(gpuPoolSchema).max(20),
  kubernetes: kubernetesSchema,
  /** `protect` stateful resources (buckets, databases, datasets, topics, repositories, keys). */
  protectStatefulResources: z.boolean(),
  storage: storageSchema,
  artifactRegistry: artifactRegistrySchema,
  modelRegistry: modelRegistrySchema,
  dataPlatform: dataPlatformSchema,
  /** ML teams: each gets a namespace `team-<name>` whose service accounts act as the workload identities. */
  teams: z.array(teamSchema).min(1).max(500),
  training: trainingSchema,
  serving: servingSchema,
  observability: observabilitySchema,
});

export type Settings = z.infer<typeof settingsSchema>;
export type GpuPoolSettings = z.infer<typeof gpuPoolSchema>;

/** The Google Cloud settings the program reads from the `gcp:` namespace. */
export const gcpSchema = z.strictObject({
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
    error: "a GCP project id: 6-30 lower-case letters, digits and '-', starting with a letter",
  }),
  region: z.string().refine(isRegion, { error: `a Google Cloud region: ${REGIONS.join(", ")}` }),
});

/** Cross-field rules that need the region: zones, accelerators, counts, capacity, autoscaling. */
export function crossFieldIssues(settings: Settings, region: string): PoolProblem[] {
  const issues: PoolProblem[] = [];
  const regionZones = isRegion(region) ? zonesOf(region) : [];
  if (isRegion(region) && regionZones.length === 0) {
    issues.push({
      path: ["zones"],
      input: settings.zones,
      message: `zones of a region that has zones in components/catalog/zones.ts; ${region} has none listed`,
    });
  }
  settings.zones.forEach((zone, i) => {
    if (regionZones.length > 0 && !regionZones.includes(zone)) {
      issues.push({ path: ["zones", i], input: zone, message: `a zone of ${region}: ${regionZones.join(", ")}` });
    }
  });
  if (new Set(settings.zones).size !== settings.zones.length) {
    issues.push({ path: ["zones"], input: settings.zones, message: "each zone at most once" });
  }
  const ranges = (["subnetCidr", "podsCidr", "servicesCidr", "masterCidr", "privateServicesCidr"] as const).map(
    (key) => [key, settings.network[key]] as const,
  );
  ranges.forEach(([key, range], i) => {
    for (const [otherKey, other] of ranges.slice(0, i)) {
      if (cidrsOverlap(range, other)) {
        issues.push({
          path: ["network", key],
          input: range,
          message: `a range that does not overlap network.${otherKey} (${other})`,
        });
      }
    }
  });
  const system = settings.cluster.systemPool;
  if (system.min > system.max) {
    issues.push({
      path: ["cluster", "systemPool", "min"],
      input: system.min,
      message: `at most cluster.systemPool.max (${system.max})`,
    });
  }
  if (settings.storage.forceDestroy && settings.profile !== "dev") {
    issues.push({
      path: ["storage", "forceDestroy"],
      input: true,
      message: `false outside the dev profile (this stack's profile is ${settings.profile})`,
    });
  }
  if (settings.storage.rawColdlineAfterDays <= settings.storage.rawNearlineAfterDays) {
    issues.push({
      path: ["storage", "rawColdlineAfterDays"],
      input: settings.storage.rawColdlineAfterDays,
      message: `more than storage.rawNearlineAfterDays (${settings.storage.rawNearlineAfterDays})`,
    });
  }
  const rawProtection = RETENTION_WITHOUT_VERSIONING.check({
    versioning: settings.storage.rawVersioning,
    retentionPolicy: settings.storage.rawRetentionDays !== undefined,
  });
  if (rawProtection) {
    issues.push({
      path: ["storage", "rawRetentionDays"],
      input: settings.storage.rawRetentionDays,
      message: `nothing while storage.rawVersioning is true: ${rawProtection} (set storage.rawVersioning: false to keep the retention policy)`,
    });
  }
  const teamNames = new Set<string>();
  settings.teams.forEach((team, i) => {
    if (teamNames.has(team.name))
      issues.push({ path: ["teams", i, "name"], input: team.name, message: "a name no other team uses" });
    teamNames.add(team.name);
  });
  issues.push(...workloadIssues(settings, region));
  issues.push(...generationIssues(settings.gpuPools).map((p) => ({ ...p, path: ["gpuPools", ...p.path] })));
  settings.gpuPools.forEach((pool, i) => {
    const at = (...rest: (string | number)[]) => ["gpuPools", i, ...rest];
    issues.push(
      ...gpuPoolProblems(pool, region, settings.zones).map((problem) => ({ ...problem, path: at(...problem.path) })),
    );
  });
  return issues;
}

export { cidrsOverlap };

/** Jobs and models must have unique names, name a team and a GPU pool of the stack, fit its quota, in a mode that allows them. */
function workloadIssues(settings: Settings, region: string): PoolProblem[] {
  const issues: PoolProblem[] = [];
  const teams = settings.teams.map((t) => t.name);
  const pools = settings.gpuPools.map((p) => p.name);
  const refs = (path: (string | number)[], team: string, pool: string) => {
    if (!teams.includes(team))
      issues.push({ path: [...path, "team"], input: team, message: `one of the stack's teams: ${teams.join(", ")}` });
    if (!pools.includes(pool))
      issues.push({
        path: [...path, "pool"],
        input: pool,
        message: pools.length
          ? `one of the stack's GPU pools: ${pools.join(", ")}`
          : "a GPU pool, but the stack has none (cnai-platform:gpuPools)",
      });
  };
  const unique = (path: (string | number)[], names: string[], what: string) =>
    names.forEach((name, i) => {
      const first = names.indexOf(name);
      if (first !== i)
        issues.push({
          path: [...path, i, "name"],
          input: name,
          message: `a name no other ${what} has (${path.join(".")}[${first}] is ${name})`,
        });
    });
  unique(
    ["training", "jobs"],
    settings.training.jobs.map((j) => j.name),
    "job",
  );
  settings.training.jobs.forEach((job, i) => {
    const path = ["training", "jobs", i];
    refs(path, job.team, job.pool);
    issues.push(...quotaIssues(settings, path, job.team, job.pool, job.nodes, job.gpusPerNode, "nodes"));
    issues.push(...sharedGpuIssues(settings, [...path, "gpusPerNode"], job.pool, job.gpusPerNode));
    // Training and serving capacity are kept apart: inference pools are not in the training queue.
    const jobPool = activePools(settings.gpuPools).find((p) => p.name === job.pool);
    if (jobPool?.workloadType === "inference") {
      issues.push({
        path: [...path, "pool"],
        input: job.pool,
        message: `a training or data pool (${job.pool} is an inference pool, kept out of Kueue's training queue so jobs cannot take serving capacity)${trainingPools(settings)}`,
      });
    }
    if (job.kind === "PyTorchJob" && !settings.training.legacyTrainingOperator) {
      issues.push({
        path: [...path, "kind"],
        input: job.kind,
        message: "TrainJob, or PyTorchJob with training.legacyTrainingOperator: true",
      });
    }
  });
  unique(
    ["serving", "models"],
    settings.serving.models.map((m) => m.name),
    "model",
  );
  const knative = settings.serving.mode === "Knative";
  settings.serving.models.forEach((model, i) => {
    const path = ["serving", "models", i];
    refs(path, model.team, model.pool);
    const modelPool = activePools(settings.gpuPools).find((p) => p.name === model.pool);
    if (modelPool && modelPool.workloadType !== "inference") {
      issues.push({
        path: [...path, "pool"],
        input: model.pool,
        message: `an inference pool (${model.pool} is a ${modelPool.workloadType} pool, whose capacity Kueue gives to training jobs)`,
      });
    }
    issues.push(...quotaIssues(settings, path, model.team, model.pool, model.maxReplicas, model.gpus, "maxReplicas"));
    issues.push(...sharedGpuIssues(settings, [...path, "gpus"], model.pool, model.gpus));
    if (model.minReplicas === 0 && !knative)
      issues.push({
        path: [...path, "minReplicas"],
        input: 0,
        message: "1 or more in Standard mode (scale to zero needs serving.mode: Knative)",
      });
    if (model.minReplicas > model.maxReplicas)
      issues.push({
        path: [...path, "minReplicas"],
        input: model.minReplicas,
        message: `at most serving.models[${i}].maxReplicas (${model.maxReplicas})`,
      });
    if (model.canaryTrafficPercent !== undefined && !knative)
      issues.push({
        path: [...path, "canaryTrafficPercent"],
        input: model.canaryTrafficPercent,
        message: "nothing in Standard mode (canary traffic splits need serving.mode: Knative)",
      });
    if (!knative && (model.scaleMetric === "concurrency" || model.scaleMetric === "rps"))
      issues.push({
        path: [...path, "scaleMetric"],
        input: model.scaleMetric,
        message: "waiting-requests, cpu or memory in Standard mode (concurrency and rps need serving.mode: Knative)",
      });
    if (
      knative &&
      model.scaleMetric !== undefined &&
      model.scaleMetric !== "concurrency" &&
      model.scaleMetric !== "rps"
    )
      issues.push({
        path: [...path, "scaleMetric"],
        input: model.scaleMetric,
        message: "concurrency or rps in Knative mode",
      });
  });
  const serverless = settings.serving.serverless;
  if (serverless && !(CLOUD_RUN_GPU_REGIONS["nvidia-l4"] as readonly string[]).includes(region)) {
    issues.push({
      path: ["serving", "serverless"],
      input: region,
      message: `a stack in a region with Cloud Run GPUs (${CLOUD_RUN_GPU_REGIONS["nvidia-l4"].join(", ")}); remove serving.serverless in ${region}`,
    });
  }
  if (serverless && serverless.image === undefined && !settings.artifactRegistry.remoteCaches) {
    issues.push({
      path: ["serving", "serverless", "image"],
      input: undefined,
      message: `an image of the project's images repository (<name>:<tag>), or artifactRegistry.remoteCaches: true so vLLM's ${IMAGES.vllmOpenAi.image} comes through the Docker Hub remote repository`,
    });
  }
  if (serverless?.args.some((arg) => /^--(model|port)(=|$)/.test(arg))) {
    issues.push({
      path: ["serving", "serverless", "args"],
      input: serverless.args,
      message:
        "server arguments other than --model and --port (the model is serving.serverless.model, mounted at /models; the port is 8080)",
    });
  }
  if (serverless && serverless.minInstances > serverless.maxInstances)
    issues.push({
      path: ["serving", "serverless", "minInstances"],
      input: serverless.minInstances,
      message: `at most serving.serverless.maxInstances (${serverless.maxInstances})`,
    });
  return issues;
}

function trainingPools(settings: Settings): string {
  const names = settings.gpuPools.filter((p) => p.workloadType !== "inference").map((p) => p.name);
  return names.length ? `: ${names.join(", ")}` : "; the stack has none";
}

/**
 * A container asking for more GPUs than a shared pool lets one container have: GKE's kubelet refuses
 * the Pod after it is scheduled (UnexpectedAdmissionError), so the workload never runs.
 */
function sharedGpuIssues(settings: Settings, at: (string | number)[], poolName: string, gpus: number): PoolProblem[] {
  const pool = activePools(settings.gpuPools).find((p) => p.name === poolName);
  const limit = pool ? gpusPerContainerLimit(pool) : undefined;
  if (!pool || limit === undefined || gpus <= limit) return [];
  return [
    {
      path: at,
      input: gpus,
      message: `at most ${limit} on ${pool.name}, whose GPUs are shared (${pool.accelerator.sharing?.strategy}): GKE refuses a container asking for more than one shared GPU; run more replicas or nodes, or use a pool whose GPUs are not shared`,
    },
  ];
}

/**
 * An example workload at full size must fit its team's ResourceQuota, or its Pods are refused.
 * Each Pod asks for its GPUs and the pool node's CPU and memory share for them (as TrainingJob and
 * ModelDeployment do).
 */
function quotaIssues(
  settings: Settings,
  at: (string | number)[],
  teamName: string,
  poolName: string,
  pods: number,
  gpusPerPod: number,
  countKey: string,
): PoolProblem[] {
  const team = settings.teams.find((t) => t.name === teamName);
  const pool = activePools(settings.gpuPools).find((p) => p.name === poolName);
  if (!team || !pool) return [];
  const perNode = allocatablePerNode(pool);
  const share = gpusPerPod / Math.max(1, gpuResourcesPerNode(pool));
  const need = {
    gpus: pods * gpusPerPod,
    cpu: pods * Math.max(1, Math.floor(perNode.cpu * share)),
    memoryGi: pods * Math.max(1, Math.floor(perNode.memoryGi * share)),
  };
  return (["gpus", "cpu", "memoryGi"] as const)
    .filter((key) => need[key] > team.quota[key])
    .map((key) => ({
      path: [...at, countKey],
      input: pods,
      message: `a size within team ${team.name}'s quota: ${pods} x ${gpusPerPod} GPU on ${pool.name} needs ${key} ${need[key]} > teams[].quota.${key} ${team.quota[key]}; raise the quota or shrink the workload`,
    }));
}
