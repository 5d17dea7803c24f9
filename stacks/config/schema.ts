import { z } from "zod";
import { CLOUD_RUN_GPU_REGIONS } from "../../components/catalog/cloud-run-gpu";
import {
  RETENTION_WITHOUT_VERSIONING,
  SOFT_DELETE_DURATION,
  VULNERABILITY_MODES,
  type VulnerabilityScanning,
} from "../../components/catalog/gcp-api-rules";
import { ACCELERATOR_TYPES } from "../../components/catalog/gpus";
import { cidrsOverlap } from "../../components/catalog/ip-ranges";
import { isRegion, REGIONS } from "../../components/catalog/regions";
import { IMAGES } from "../../components/catalog/software";
import { bucketPlacement } from "../../components/catalog/storage-locations";
import {
  authorizedNetworkProblem,
  DAILY_TIME,
  systemPoolProblems,
  zoneProblems,
} from "../../components/compute/cluster-rules";
import {
  allocatablePerNode,
  CAPACITY_TYPES,
  GPU_DRIVER_VERSIONS,
  GPU_POOL_DEFAULTS,
  GPU_SHARING_STRATEGIES,
  gpuPoolProblems,
  gpuResourcesPerNode,
  gpusPerContainerLimit,
  nodeShare,
  podGpuProblems,
} from "../../components/compute/gpu-pool-rules";
import { cloudSqlTierProblem } from "../../components/data/postgres-database";
import { IAM_MEMBER_PATTERN } from "../../components/iam";
import { DATA_CLASSIFICATIONS, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN } from "../../components/labels";
import { MODEL_REGISTRY_KINDS } from "../../components/registry/model-registry";
import { type RuleProblem, under } from "../../components/rule-problem";
import {
  exportsVllmMetrics,
  MODEL_DEFAULTS,
  MODEL_NAME,
  modelScalingProblems,
  SCALE_METRICS,
} from "../../components/serving/serving-rules";
import { TEAM_DEFAULTS, TEAM_NAME } from "../../components/tenancy/team-rules";
import { gatewayIssues, gatewaySchema, tracingSchema } from "./gateway";
import { modelsReplicationSchema } from "./models-replication";
import { activePools, generationIssues, nodePoolName, poolGenerationFields } from "./pool-generations";
import { rayIssues, raySchema } from "./ray";
import { poolUpgradeProblem, poolUpgradeSchema, resilienceSchema } from "./resilience";
import { transferIssues, transfersSchema } from "./transfers";

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

const dailyTime = z.string().regex(DAILY_TIME.pattern, { error: DAILY_TIME.allowed });

export const PROFILES = ["dev", "staging", "prod"] as const;
export type ProfileName = (typeof PROFILES)[number];

export const networkSchema = z.strictObject({
  subnetCidr: cidr("the node subnet range").describe("Primary range of the cluster subnet (nodes)."),
  podsCidr: cidr("the Pod range").describe("Secondary range for Pods."),
  servicesCidr: cidr("the Service range").describe("Secondary range for Services."),
  masterCidr: cidr("the control plane range")
    .regex(/\/28$/, { error: "a /28 block for the control plane" })
    .describe("Range of the control plane's private endpoint (a /28)."),
  privateServicesCidr: cidr("the private services range").describe(
    "Range reserved for Google-managed services (Cloud SQL private IP) through private services access.",
  ),
  nat: z.boolean().describe("Cloud NAT for egress from private nodes (image pulls from public registries)."),
});

export const authorizedNetworkSchema = z.strictObject({
  name: z.string().min(1).max(64).describe("A name for the range (shown in the cluster's settings)."),
  cidr: cidr("an authorized network")
    .refine((block) => authorizedNetworkProblem(block) === undefined, {
      error: (issue) => authorizedNetworkProblem(String(issue.input)),
    })
    .describe("The range, as an IPv4 CIDR block."),
});

export const systemPoolSchema = z.strictObject({
  machineType: z
    .string()
    .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, { error: "a Compute Engine machine type (e2-standard-4)" })
    .describe("Compute Engine machine type of the system nodes."),
  min: count(100).describe("Total nodes across the pool's zones."),
  max: z.number().int().min(1).max(100).describe("Total nodes across the pool's zones, at most."),
  spot: z.boolean().describe("Spot VMs: cheaper, and may be preempted."),
  diskSizeGb: z.number().int().min(30).max(2000).describe("Boot disk size, GB."),
});

export const clusterSchema = z.strictObject({
  location: z
    .enum(["zonal", "regional"])
    .describe("`zonal`: one control plane zone (cheap); `regional`: replicated control plane (prod)."),
  releaseChannel: z
    .enum(["RAPID", "REGULAR", "STABLE"])
    .describe(
      "GKE release channel; with no minimum version it decides the Kubernetes version the workload simulation assumes.",
    ),
  privateEndpoint: z.boolean().describe("Serve the control plane on its private endpoint only."),
  masterAuthorizedNetworks: z
    .array(authorizedNetworkSchema)
    .max(50)
    .describe(
      "Ranges allowed to reach the control plane's IP endpoints (not the DNS-based endpoint, which IAM guards). With a private endpoint and none given, authorized networks are on with no range. Documentation ranges (RFC 5737) are refused: nothing connects from them.",
    ),
  deletionProtection: z
    .boolean()
    .describe("GKE deletion protection: a destroy or replacement of the cluster fails until it is turned off."),
  autoscalingProfile: z
    .enum(["BALANCED", "OPTIMIZE_UTILIZATION"])
    .describe("Cluster autoscaler profile: BALANCED, or OPTIMIZE_UTILIZATION (removes underused nodes sooner)."),
  maintenanceWindowStart: dailyTime.describe("Start of the daily maintenance window, UTC."),
  systemPool: systemPoolSchema.describe("The CPU node pool for system and platform Pods."),
  vulnerabilityScanning: z
    .enum(Object.keys(VULNERABILITY_MODES) as [VulnerabilityScanning, ...VulnerabilityScanning[]])
    .describe(
      "GKE workload vulnerability scanning: disabled (Artifact Registry scans the images), or enterprise (GKE Enterprise projects only).",
    ),
});

export const encryptionSchema = z.strictObject({
  customerManagedKeys: z
    .boolean()
    .describe("Customer-managed (Cloud KMS) keys for cluster secrets and, later, data stores."),
  keyRotationDays: z.number().int().min(1).max(365).describe("Days between automatic rotations of the Cloud KMS keys."),
});

export const gpuPoolSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, {
      error: "a pool name: a lower-case letter, then letters, digits and '-', at most 20 characters",
    })
    .describe("Pool name; the GKE node pool is `gpu-<name>` (`gpu-<name>-g<N>` from generation 2 on)."),
  ...poolGenerationFields,
  machineType: z
    .string()
    .min(1)
    .describe(
      "A machine type that carries the accelerator (components/catalog/gpus.ts), such as g2-standard-8 for nvidia-l4.",
    ),
  accelerator: z.strictObject({
    type: z.enum(ACCELERATOR_TYPES).describe("The GPU model; the machine type must carry it."),
    count: z
      .number()
      .int()
      .min(1)
      .max(16)
      .optional()
      .describe("GPUs per VM; defaults to the machine type's count (or 1 for N1 with attached GPUs)."),
    driverVersion: z
      .enum(GPU_DRIVER_VERSIONS)
      .default(GPU_POOL_DEFAULTS.driverVersion)
      .describe("GKE-managed NVIDIA driver: DEFAULT, LATEST, or INSTALLATION_DISABLED (you install it)."),
    sharing: z
      .strictObject({
        strategy: z
          .enum(GPU_SHARING_STRATEGIES)
          .describe(
            "TIME_SHARING: containers take turns on the GPU; MPS: they run on it at once (NVIDIA Multi-Process Service).",
          ),
        maxClientsPerGpu: z.number().int().min(2).max(48).describe("Containers that share one GPU."),
      })
      .optional()
      .describe("GPU sharing between containers: TIME_SHARING or MPS, with the containers per GPU."),
    migPartitionSize: z.string().optional().describe("A MIG partition size such as `1g.10gb`; only GPUs with MIG."),
  }),
  autoscaling: z
    .strictObject({
      min: count(1000).describe("Total nodes across the pool's zones, at least; 0 lets the pool scale to zero."),
      max: z.number().int().min(1).max(1000).describe("Total nodes across the pool's zones, at most."),
      locationPolicy: z
        .enum(["ANY", "BALANCED"])
        .default(GPU_POOL_DEFAULTS.locationPolicy)
        .describe("ANY: where capacity is (best for spot); BALANCED: spread across zones."),
    })
    .describe("Total node limits across the pool's zones; min 0 lets the pool scale to zero."),
  capacity: z.strictObject({
    type: z
      .enum(CAPACITY_TYPES)
      .describe(
        "How the VMs are obtained: on-demand, spot, reservation, flex-start (DWS flex-start VMs, auto-repair off) or queued (DWS through Kueue's ProvisioningRequest admission check).",
      ),
    reservation: z
      .strictObject({
        affinity: z
          .enum(["any", "specific"])
          .describe("any: consume any matching reservation; specific: the reservation named by name."),
        name: z
          .string()
          .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a reservation name" })
          .optional()
          .describe("The specific reservation's name."),
        placementPolicy: z
          .string()
          .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a resource policy name" })
          .optional()
          .describe(
            "The compact placement policy the specific reservation was created with, if any (the pool then names it).",
          ),
        vms: z
          .number()
          .int()
          .min(1)
          .max(10000)
          .optional()
          .describe(
            "VMs the specific reservation holds (billed whether used or not); default: the pool's autoscaling maximum.",
          ),
      })
      .optional()
      .describe("For `reservation`: consume any matching reservation, or one named reservation."),
  }),
  zones: z
    .array(z.string())
    .min(1)
    .optional()
    .describe("Zones for the pool's nodes; default: the cluster zones that offer the accelerator."),
  compactPlacement: z
    .boolean()
    .default(GPU_POOL_DEFAULTS.compactPlacement)
    .describe("Compact placement (one zone), for multi-node training."),
  workloadType: z
    .enum(["training", "inference", "data"])
    .default(GPU_POOL_DEFAULTS.workloadType)
    .describe(
      "Sustainability label and placement: training and data pools are Kueue flavors for jobs; inference pools serve models and stay out of the training queue.",
    ),
  shiftable: z
    .boolean()
    .optional()
    .describe("Whether the work can move in time or place; default: true for training and data."),
  diskSizeGb: z.number().int().min(50).max(10000).default(GPU_POOL_DEFAULTS.diskSizeGb).describe("Boot disk size, GB."),
  imageStreaming: z
    .boolean()
    .default(GPU_POOL_DEFAULTS.imageStreaming)
    .describe("Image streaming (GCFS) for fast start of large images."),
  upgrade: poolUpgradeSchema
    .optional()
    .describe("How GKE upgrades the nodes; default by purpose and capacity (components/compute/pool-upgrades.ts)."),
});

const classification = z.enum(DATA_CLASSIFICATIONS);
const days = (max: number) => z.number().int().min(1).max(max);

export const storageSchema = z.strictObject({
  classifications: z
    .strictObject({
      datasetsRaw: classification.describe("Classification of the datasets-raw bucket."),
      datasetsCurated: classification.describe("Classification of the datasets-curated bucket."),
      models: classification.describe("Classification of the models bucket."),
      checkpoints: classification.describe("Classification of the checkpoints bucket."),
    })
    .describe(
      "Data classification of each bucket; confidential and restricted buckets always get a customer-managed key.",
    ),
  softDeleteDays: z
    .number()
    .int()
    .refine((d) => SOFT_DELETE_DURATION.check({ seconds: d * 86400 }) === undefined, {
      error: "0 (off) or an integer from 7 to 90",
    })
    .describe("Days deleted objects stay restorable: 0 (off) or 7-90."),
  rawNearlineAfterDays: days(3650).describe("Raw data moves to Nearline after this many days."),
  rawColdlineAfterDays: days(3650).describe(
    "Raw data moves to Coldline after this many days (more than rawNearlineAfterDays).",
  ),
  checkpointRetentionDays: days(3650).describe("Checkpoints older than this are deleted."),
  noncurrentVersionDays: days(3650).describe("Overwritten or deleted versions are kept this long."),
  rawRetentionDays: days(3650)
    .optional()
    .describe("Minimum retention of raw data, days (a retention policy); Cloud Storage refuses it with rawVersioning."),
  rawVersioning: z
    .boolean()
    .describe(
      "Object versioning on the raw datasets bucket (the other protection: a bucket has versioning or a retention policy).",
    ),
  forceDestroy: z.boolean().describe("Delete objects with their buckets on destroy: dev only."),
  modelsReplication: modelsReplicationSchema.describe(
    "Where the models bucket keeps its data: the stack's region, or a dual-region with it (prod: the predefined dual-region that holds the stack's region, with turbo replication).",
  ),
});

export const artifactRegistrySchema = z.strictObject({
  keepRecentVersions: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe("Versions cleanup keeps per package, the most recent."),
  deleteUntaggedAfterDays: days(365).describe("Untagged images older than this are deleted."),
  cleanupDryRun: z.boolean().describe("Report what cleanup would delete instead of deleting (outside prod)."),
  immutableTags: z.boolean().describe("A tag cannot be moved to another image."),
  remoteCaches: z.boolean().describe("Pull-through caches of Docker Hub and PyPI."),
});

export const modelRegistrySchema = z.strictObject({
  kind: z
    .enum(MODEL_REGISTRY_KINDS)
    .describe("kubeflow: Kubeflow Model Registry; mlflow: MLflow with artifacts in the models bucket."),
  replicas: z.number().int().min(1).max(10).describe("Registry server replicas."),
  database: z.strictObject({
    tier: z
      .string()
      .refine((tier) => cloudSqlTierProblem(tier) === undefined, {
        error: (issue) => `an Enterprise-edition Cloud SQL tier: ${cloudSqlTierProblem(String(issue.input))}`,
      })
      .describe("Cloud SQL tier of the database."),
    highAvailability: z.boolean().describe("A regional (high-availability) database instance."),
    diskSizeGb: z.number().int().min(10).max(10000).describe("Database disk size, GB."),
    pointInTimeRecovery: z.boolean().describe("Point-in-time recovery of the database."),
    retainedBackups: days(365).describe("Daily database backups kept."),
    backupLocation: z
      .string()
      .regex(/^([a-z]+-[a-z]+\d+|us|eu|asia)$/, { error: "a region (us-east1) or a multi-region (us, eu, asia)" })
      .optional()
      .describe(
        "Where database backups are stored: another region than the instance's, or a multi-region (us, eu, asia); required by policy in prod.",
      ),
  }),
});

const iamMember = z.string().regex(IAM_MEMBER_PATTERN, {
  error:
    "an IAM member: group:<email>, user:<email>, serviceAccount:<email>, domain:<domain>, principal: or principalSet:",
});

export const dataPlatformSchema = z.strictObject({
  classification: classification.describe("data-classification of the dataset and topics."),
  owners: z.array(iamMember).max(20).describe("Data owners (stewards): BigQuery data owner and Dataplex scan admin."),
  tableExpirationDays: days(3650).optional().describe("Default expiration of BigQuery tables, days (dev)."),
  messageRetentionDays: days(31).describe("Days Pub/Sub keeps messages."),
  qualitySchedule: z
    .string()
    .regex(/^\S+( \S+){4}$/, { error: "a five-field cron expression (0 4 * * *)" })
    .describe("Cron schedule of the data-quality scan, UTC."),
});

const k8sName = z.string().regex(/^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$/, {
  error: "a Kubernetes name: lower-case letters, digits and '-', starting with a letter, at most 52 characters",
});
/** An image in the project's images repository: `<name>:<tag>`, never `latest`. */
const imageRef = z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*:(?!latest$)[A-Za-z0-9._-]{1,128}$/, {
  error: "<image>:<tag> in the project's images repository, with a pinned tag (not latest)",
});

export const teamSchema = z.strictObject({
  name: z
    .string()
    .regex(TEAM_NAME.pattern, { error: TEAM_NAME.allowed })
    .describe("Team name; its namespace is `team-<name>`."),
  podSecurity: z
    .enum(["baseline", "restricted"])
    .default(TEAM_DEFAULTS.podSecurity)
    .describe("Pod Security Admission level enforced in the team's namespace."),
  quota: z
    .strictObject({
      gpus: z
        .number()
        .int()
        .min(0)
        .max(10000)
        .default(TEAM_DEFAULTS.quota.gpus)
        .describe("GPUs the team's Pods may request at once."),
      cpu: z
        .number()
        .int()
        .min(0)
        .max(100000)
        .default(TEAM_DEFAULTS.quota.cpu)
        .describe("CPU cores the team's Pods may request at once."),
      memoryGi: z
        .number()
        .int()
        .min(0)
        .max(1000000)
        .default(TEAM_DEFAULTS.quota.memoryGi)
        .describe("Memory the team's Pods may request at once, GiB."),
      pods: z
        .number()
        .int()
        .min(1)
        .max(100000)
        .default(TEAM_DEFAULTS.quota.pods)
        .describe("Pods the team may run at once."),
    })
    .default({ ...TEAM_DEFAULTS.quota })
    .describe("What the team may request at once (ResourceQuota)."),
});

export const trainingSchema = z.strictObject({
  legacyTrainingOperator: z.boolean().describe("Install the Kubeflow Training Operator v1.9 too (PyTorchJob)."),
  jobs: z
    .array(
      z.strictObject({
        name: k8sName.describe("The job's name (its TrainJob or PyTorchJob)."),
        team: z
          .string()
          .describe("A team of the stack: the job runs in its namespace and queue and must fit its quota."),
        pool: z.string().describe("A training or data GPU pool of the stack."),
        kind: z
          .enum(["TrainJob", "PyTorchJob"])
          .default("TrainJob")
          .describe("TrainJob (Kubeflow Trainer), or PyTorchJob with legacyTrainingOperator: true."),
        image: imageRef.describe(
          "The image in the project's images repository, `<name>:<tag>` with a pinned tag (not latest).",
        ),
        command: z.array(z.string()).min(1).describe("The training container's command."),
        args: z.array(z.string()).default([]).describe("The command's arguments."),
        nodes: z
          .number()
          .int()
          .min(1)
          .max(512)
          .default(1)
          .describe("Nodes (Pods) of the job, admitted by Kueue all at once."),
        gpusPerNode: z.number().int().min(1).max(64).describe("GPUs per node."),
        priorityClass: z
          .enum(["cnai-high", "cnai-standard", "cnai-low"])
          .default("cnai-standard")
          .describe("Kueue WorkloadPriorityClass of the job."),
        datasetsPath: z
          .string()
          .min(1)
          .default("curated")
          .describe("Folder of the curated datasets bucket mounted at /data."),
      }),
    )
    .max(2000)
    .default([])
    .describe("Training jobs the stack declares: a TrainJob (or PyTorchJob) each, in its team's queue."),
});

export const servingSchema = z.strictObject({
  mode: z
    .enum(["Standard", "Knative"])
    .describe(
      "KServe deployment mode: Standard (Deployments scaled by KEDA on vLLM's queue, or fixed replicas) or Knative (scale to zero, canaries).",
    ),
  models: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(MODEL_NAME.pattern, { error: MODEL_NAME.allowed })
          .describe("The InferenceService's name; in the cluster it answers at `<name>-predictor.<team namespace>`."),
        team: z
          .string()
          .describe("A team of the stack: the model runs in its namespace and must fit its quota at maxReplicas."),
        pool: z.string().describe("An inference GPU pool of the stack."),
        storage: z
          .enum(["gcs", "oci"])
          .describe(
            "`gcs`: `gs://<models bucket>/<path>`; `oci`: `oci://<models repository>/<path>` (`<name>:<tag>`).",
          ),
        path: z.string().min(1).describe("The model's path in the models bucket or repository."),
        gpus: z.number().int().min(1).max(16).default(MODEL_DEFAULTS.gpus).describe("GPUs per replica."),
        minReplicas: z
          .number()
          .int()
          .min(0)
          .max(1000)
          .default(MODEL_DEFAULTS.minReplicas)
          .describe("Replicas kept running; 0 (scale to zero) only in Knative mode."),
        maxReplicas: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(MODEL_DEFAULTS.maxReplicas)
          .describe("Replicas at most; each holds its GPUs."),
        scaleMetric: z
          .enum(SCALE_METRICS)
          .optional()
          .describe(
            "Standard mode: waiting-requests (vLLM's queue, through KEDA; the default, for a model served by vLLM), or unset with minReplicas equal to maxReplicas (fixed replicas, no autoscaler); Knative: concurrency (default) or rps. Never cpu or memory: a GPU model server's CPU and memory do not follow its load (GKE's LLM autoscaling guidance).",
          ),
        scaleTarget: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe(
            "Target value of the scale metric per replica (10 waiting requests, or 4 requests in Knative mode, when unset).",
          ),
        canaryTrafficPercent: z
          .number()
          .int()
          .min(0)
          .max(100)
          .optional()
          .describe("Share of traffic for the latest revision (Knative mode only)."),
        args: z.array(z.string()).default([]).describe("Further model server arguments."),
      }),
    )
    .max(2000)
    .default([])
    .describe("Models the stack serves: an InferenceService each, in its team's namespace."),
  serverless: z
    .strictObject({
      name: k8sName.describe("The Cloud Run service name."),
      image: imageRef
        .optional()
        .describe(
          "`<name>:<tag>` in the project's images repository; default: vLLM's image from Docker Hub through the remote repository.",
        ),
      model: z
        .string()
        .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
          error: "a folder of the models bucket: <name>/<version>, letters, digits, '.', '_' and '-'",
        })
        .describe(
          "The model's folder in the models bucket, mounted read-only at /models and served by `vllm serve /models/<model>`.",
        ),
      args: z
        .array(z.string())
        .default([])
        .describe("Further vLLM arguments (not --model or --port), such as --max-model-len."),
      minInstances: z.number().int().min(0).max(100).default(0).describe("Instances kept running; 0 scales to zero."),
      maxInstances: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(3)
        .describe("At most this many instances; needs as much Cloud Run L4 GPU quota in the region."),
      concurrency: z.number().int().min(1).max(1000).default(4).describe("Requests one instance serves at once."),
      ingress: z
        .enum(["all", "internal", "internal-and-cloud-load-balancing"])
        .default("internal")
        .describe("Where requests may come from."),
      invokers: z
        .array(iamMember)
        .max(50)
        .default([])
        .describe("IAM members granted roles/run.invoker on the service."),
      deployHealthCheck: z
        .boolean()
        .default(false)
        .describe(
          "Deploys wait for an instance of the new revision to load the model. Off until the model is in the bucket: the first `pulumi up` creates the bucket empty (ServerlessInference, deployHealthCheck).",
        ),
    })
    .optional()
    .describe("Cloud Run with an L4 GPU, serving a model of the models bucket with vLLM."),
});

const promDuration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, { error: "a Prometheus duration: a whole number and s, m, h or d (2h)" });

export const observabilitySchema = z.strictObject({
  backend: z
    .enum(["managed", "self-hosted"])
    .describe(
      "`managed`: Google Managed Prometheus, GKE-managed DCGM, Cloud Monitoring dashboards; `self-hosted`: kube-prometheus-stack, dcgm-exporter, Grafana.",
    ),
  notificationEmails: z
    .array(z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: "an e-mail address" }))
    .max(20)
    .describe("E-mail addresses that receive alerts and budget notices."),
  notificationChannels: z
    .array(
      z.string().regex(/^projects\/[^/]+\/notificationChannels\/\d+$/, {
        error: "projects/<project>/notificationChannels/<id>",
      }),
    )
    .max(20)
    .describe("Existing Cloud Monitoring notification channels (projects/<p>/notificationChannels/<id>)."),
  thresholds: z
    .strictObject({
      gpuIdlePercent: z
        .number()
        .min(1)
        .max(100)
        .optional()
        .describe("GPU idle alert: average utilisation under this percent (for gpuIdleFor) counts as idle."),
      gpuIdleFor: promDuration
        .optional()
        .describe("GPU idle alert: how long utilisation stays under gpuIdlePercent before it fires."),
      gpuMemoryFraction: z
        .number()
        .min(0.5)
        .max(1)
        .optional()
        .describe("GPU memory pressure alert: the share of frame buffer in use."),
      latencyP99Seconds: z
        .number()
        .positive()
        .optional()
        .describe("Inference latency alert: the p99 request latency, seconds."),
      errorRate: z
        .number()
        .positive()
        .max(1)
        .optional()
        .describe("Inference error alert: the share of a namespace's model requests that fail (5xx)."),
      queueDepth: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe("Request queue alert: requests waiting for one model, across its servers."),
      pendingFor: promDuration.optional().describe("Training alert: how long a workload may wait in Kueue."),
      drift: z
        .number()
        .positive()
        .max(1)
        .optional()
        .describe("Model drift alert: the drift score (0-1) that fires it (docs/observability.md, Metric contracts)."),
    })
    .describe("Alert thresholds; a key left out keeps the alert's default (components/observability/alerts.ts)."),
  prometheus: z
    .strictObject({
      retention: z
        .string()
        .regex(/^\d+(h|d|w|y)$/, { error: "a Prometheus retention such as 15d" })
        .describe("How long samples are kept."),
      storageGi: z.number().int().min(10).max(10000).describe("Prometheus volume size, GiB."),
    })
    .describe("Self-hosted Prometheus: how long samples are kept and the volume size."),
  logRetentionDays: z.number().int().min(1).max(3650).describe("Days the project's _Default log bucket keeps logs."),
  dataAccessLogs: z
    .boolean()
    .describe("Data Access audit logs for the data services (storage, Secret Manager, Cloud SQL, BigQuery)."),
  budget: z
    .strictObject({
      billingAccount: z
        .string()
        .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, {
          error: "a billing account id: 012345-6789AB-CDEF01 (upper-case hex)",
        })
        .describe("The billing account the budget is on."),
      monthlyUsd: z.number().min(0.01).max(100_000_000).describe("Budget amount, USD per month."),
      thresholds: z
        .array(z.number().positive().max(10))
        .min(1)
        .max(10)
        .default([0.5, 0.9, 1.0])
        .describe("Shares of the budget that notify (1.0 of the forecast is always added)."),
    })
    .describe("The project's monthly billing budget (required)."),
});

export const kubernetesSchema = z.strictObject({
  target: z
    .enum(["cluster", "yaml"])
    .describe("`cluster`: apply to the GKE cluster; `yaml`: render manifests to a directory for GitOps."),
  yamlDirectory: z.string().min(1).describe("The directory manifests are rendered to with target: yaml."),
});

export const settingsSchema = z.strictObject({
  profile: z
    .enum(PROFILES)
    .describe(
      "The environment profile the stack is merged over. A stack named dev, staging or prod gets that profile; any other stack must name one.",
    ),
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/, {
      error: "a name prefix: 2-16 lower-case letters, digits and '-', starting with a letter",
    })
    .describe("Prefix of every physical name."),
  team: nonEmptyLabelValue.describe("The owning team: the `team` label on every labelled resource."),
  costCenter: nonEmptyLabelValue.describe(
    "The `cost-center` label on every labelled resource (it flows into the billing export).",
  ),
  labels: extraLabels.describe(
    "Further labels for every labelled resource. The blueprint's own keys (env, team, cost-center, managed-by, component, workload-type, shiftable, carbon-tier, data-classification) are refused.",
  ),
  zones: z.array(z.string()).min(1).max(4).describe("Zones of the region for the cluster's nodes, each at most once."),
  network: networkSchema.describe(
    "The VPC: the node subnet with Pod and Service ranges, the control plane range, private services access and Cloud NAT. Ranges may not overlap.",
  ),
  cluster: clusterSchema.describe(
    "The GKE cluster: private nodes, Workload Identity, Dataplane V2, Managed Prometheus, GCS FUSE and a system pool.",
  ),
  encryption: encryptionSchema.describe("Cloud KMS keys for Secrets in etcd and for confidential and restricted data."),
  gpuPools: z
    .array(gpuPoolSchema)
    .max(20)
    .describe(
      "GPU node pools. Each entry is merged over the profile's pool defaults (capacity type, autoscaling minimum); machine, accelerator, zones and capacity are checked against the GPU catalog (components/catalog/gpus.ts) and the region.",
    ),
  kubernetes: kubernetesSchema.describe("Where the Kubernetes objects go: the cluster, or YAML files for GitOps."),
  protectStatefulResources: z
    .boolean()
    .describe("`protect` stateful resources (buckets, databases, datasets, topics, repositories, keys)."),
  storage: storageSchema.describe(
    "The ML buckets (datasets-raw, datasets-curated, models, checkpoints): classification, protection and lifecycle.",
  ),
  artifactRegistry: artifactRegistrySchema.describe(
    "Artifact Registry repositories (images, packages, OCI models) and their cleanup.",
  ),
  modelRegistry: modelRegistrySchema.describe(
    "The model registry on the cluster and its Cloud SQL for PostgreSQL database (private IP only, TLS, daily backups).",
  ),
  dataPlatform: dataPlatformSchema.describe(
    "The BigQuery dataset `<prefix>_ml` (events from Pub/Sub, features) and its Dataplex data-quality scan.",
  ),
  teams: z
    .array(teamSchema)
    .min(1)
    .max(500)
    .describe("ML teams: each gets a namespace `team-<name>` whose service accounts act as the workload identities."),
  training: trainingSchema.describe("Kueue, Kubeflow Trainer and the training jobs the stack declares."),
  serving: servingSchema.describe(
    "KServe (with cert-manager and KEDA), the models the stack serves, and Cloud Run for serverless inference.",
  ),
  observability: observabilitySchema.describe(
    "Monitoring backend, alerts, dashboards, log retention, audit logs and the billing budget.",
  ),
  resilience: resilienceSchema.describe(
    "Disruption budgets of the platform controllers, the cluster's maintenance window and exclusions, and Backup for GKE (docs/resilience.md).",
  ),
  ray: raySchema.describe(
    "Data preparation on Ray: KubeRay, a RayCluster per listed team (sizes over the profile's defaults) and the example preparation RayJob (docs/data-preparation.md).",
  ),
  transfers: transfersSchema.describe(
    "Storage Transfer Service: scheduled ingest into the raw bucket, promotion of a higher environment's curated data by classification, and grants to lower environments' transfer agents (docs/data-preparation.md).",
  ),
  gateway: gatewaySchema.describe(
    "The model gateway: a GKE Gateway with TLS, an HTTPRoute per served model, IAP per team and Cloud Armor on external gateways.",
  ),
  tracing: tracingSchema.describe(
    "Distributed tracing: the OpenTelemetry Operator, a collector exporting to Cloud Trace, and the sampling ratio.",
  ),
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
export function crossFieldIssues(settings: Settings, region: string): RuleProblem[] {
  const issues: RuleProblem[] = zoneProblems(region, settings.zones);
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
  issues.push(...under(["cluster"], systemPoolProblems(settings.cluster.systemPool)));
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
  const models = bucketPlacement(settings.storage.modelsReplication, region);
  if ("problem" in models)
    issues.push({
      path: ["storage", "modelsReplication"],
      input: settings.storage.modelsReplication,
      message: models.problem,
    });
  issues.push(
    ...rayIssues(settings.ray, {
      teams: settings.teams,
      pools: settings.gpuPools,
      remoteCaches: settings.artifactRegistry.remoteCaches,
    }),
    ...transferIssues(settings.transfers, settings.storage.classifications.datasetsCurated),
    ...gatewayIssues({ ...settings, networkRanges: Object.fromEntries(ranges), models: settings.serving.models }),
  );
  issues.push(...generationIssues(settings.gpuPools).map((p) => ({ ...p, path: ["gpuPools", ...p.path] })));
  settings.gpuPools.forEach((pool, i) => {
    const at = (...rest: (string | number)[]) => ["gpuPools", i, ...rest];
    issues.push(
      ...gpuPoolProblems(pool, region, settings.zones).map((problem) => ({ ...problem, path: at(...problem.path) })),
    );
    const upgrade = poolUpgradeProblem(pool, pool.upgrade);
    if (upgrade) issues.push({ path: at("upgrade"), input: pool.upgrade, message: `settings GKE applies: ${upgrade}` });
  });
  return issues;
}

export { cidrsOverlap };

/** Jobs and models must have unique names, name a team and a GPU pool of the stack, fit its quota, in a mode that allows them. */
function workloadIssues(settings: Settings, region: string): RuleProblem[] {
  const issues: RuleProblem[] = [];
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
    if (jobPool) {
      const target = { nodePool: nodePoolName(jobPool), gpusPerNode: gpuResourcesPerNode(jobPool) };
      issues.push(...under(path, podGpuProblems("gpusPerNode", job.gpusPerNode, target)));
    }
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
    // The platform always gives ModelDeployment a Prometheus query API (stacks/layers/workloads.ts)
    // and KServe's Hugging Face runtime (its backend from the model's args).
    const scaling = modelScalingProblems({
      mode: settings.serving.mode,
      minReplicas: model.minReplicas,
      maxReplicas: model.maxReplicas,
      scaleMetric: model.scaleMetric,
      scaleTarget: model.scaleTarget,
      canaryTrafficPercent: model.canaryTrafficPercent,
      hasMetricsQuery: true,
      gpus: model.gpus,
      exportsVllmMetrics: exportsVllmMetrics(MODEL_DEFAULTS.runtime, model.args),
    });
    issues.push(...under(path, scaling));
    if (modelPool) {
      const target = { nodePool: nodePoolName(modelPool), gpusPerNode: gpuResourcesPerNode(modelPool) };
      issues.push(...under(path, podGpuProblems("gpus", model.gpus, target)));
    }
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
function sharedGpuIssues(settings: Settings, at: (string | number)[], poolName: string, gpus: number): RuleProblem[] {
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
): RuleProblem[] {
  const team = settings.teams.find((t) => t.name === teamName);
  const pool = activePools(settings.gpuPools).find((p) => p.name === poolName);
  if (!team || !pool) return [];
  const perPod = nodeShare({ ...allocatablePerNode(pool), gpusPerNode: gpuResourcesPerNode(pool) }, gpusPerPod);
  const need = { gpus: pods * gpusPerPod, cpu: pods * perPod.cpu, memoryGi: pods * perPod.memoryGi };
  return (["gpus", "cpu", "memoryGi"] as const)
    .filter((key) => need[key] > team.quota[key])
    .map((key) => ({
      path: [...at, countKey],
      input: pods,
      message: `a size within team ${team.name}'s quota: ${pods} x ${gpusPerPod} GPU on ${pool.name} needs ${key} ${need[key]} > teams[].quota.${key} ${team.quota[key]}; raise the quota or shrink the workload`,
    }));
}
