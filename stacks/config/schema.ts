import { z } from "zod";
import { ACCELERATOR_TYPES } from "../../components/catalog/gpus";
import { CAPACITY_TYPES, GPU_DRIVER_VERSIONS, GPU_SHARING_STRATEGIES, type PoolProblem, gpuPoolProblems } from "../../components/compute/gpu-pool-rules";
import { REGIONS, isRegion, zonesOf } from "../../components/catalog/regions";
import { DATA_CLASSIFICATIONS, LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN } from "../../components/labels";
import { cloudSqlTierProblem } from "../../components/data/postgres-database";
import { IAM_MEMBER_PATTERN } from "../../components/iam";
import { MODEL_REGISTRY_KINDS } from "../../components/registry/model-registry";

/**
 * The schema of a stack's settings: the `cnai-platform:*` keys of `stacks/Pulumi.<stack>.yaml`
 * merged over the environment profile. Every object is strict (unknown keys are errors). A custom
 * message is the "allowed" half of an error: `<file>: <key>: got <value>; allowed: <message>`.
 */

const labelValue = z
  .string()
  .regex(LABEL_VALUE_PATTERN, { error: "a GCP label value: lower-case letters, digits, '_' and '-', at most 63 characters" });

const nonEmptyLabelValue = labelValue.min(1, { error: "a non-empty GCP label value" });

const labelKey = z
  .string()
  .regex(LABEL_KEY_PATTERN, { error: "a GCP label key: a lower-case letter, then lower-case letters, digits, '_' and '-', at most 63 characters" });

/** Labels the blueprint sets itself; config may not override them. */
export const RESERVED_LABEL_KEYS = [
  "env", "team", "cost-center", "managed-by", "component",
  "workload-type", "shiftable", "carbon-tier", "data-classification",
] as const;

const extraLabels = z
  .record(labelKey, labelValue)
  .superRefine((labels, ctx) => {
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

const dailyTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "a time of day in UTC as HH:MM (03:00)" });

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
  cidr: cidr("an authorized network"),
});

export const systemPoolSchema = z.strictObject({
  machineType: z.string().regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, { error: "a Compute Engine machine type (e2-standard-4)" }),
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
});

export const encryptionSchema = z.strictObject({
  /** Customer-managed (Cloud KMS) keys for cluster secrets and, later, data stores. */
  customerManagedKeys: z.boolean(),
  keyRotationDays: z.number().int().min(1).max(365),
});

export const gpuPoolSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, { error: "a pool name: a lower-case letter, then letters, digits and '-', at most 20 characters" }),
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
        name: z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a reservation name" }).optional(),
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
  softDeleteDays: z.number().int().refine((d) => d === 0 || (d >= 7 && d <= 90), { error: "0 (off) or an integer from 7 to 90" }),
  rawNearlineAfterDays: days(3650),
  rawColdlineAfterDays: days(3650),
  /** Checkpoints older than this are deleted. */
  checkpointRetentionDays: days(3650),
  /** Overwritten or deleted versions are kept this long. */
  noncurrentVersionDays: days(3650),
  /** Minimum retention of raw data, days (a retention policy). */
  rawRetentionDays: days(3650).optional(),
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

const iamMember = z
  .string()
  .regex(IAM_MEMBER_PATTERN, { error: "an IAM member: group:<email>, user:<email>, serviceAccount:<email>, domain:<domain>, principal: or principalSet:" });

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

export const teamSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, { error: "a team name: a lower-case letter, then letters, digits and '-', at most 30 characters" }),
});

export const kubernetesSchema = z.strictObject({
  /** `cluster`: apply to the GKE cluster; `yaml`: render manifests to a directory for GitOps. */
  target: z.enum(["cluster", "yaml"]),
  yamlDirectory: z.string().min(1),
});

export const settingsSchema = z
  .strictObject({
    profile: z.enum(PROFILES),
    /** Prefix of every physical name. */
    prefix: z.string().regex(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/, { error: "a name prefix: 2-16 lower-case letters, digits and '-', starting with a letter" }),
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
  });

export type Settings = z.infer<typeof settingsSchema>;
export type GpuPoolSettings = z.infer<typeof gpuPoolSchema>;

/** The Google Cloud settings the program reads from the `gcp:` namespace. */
export const gcpSchema = z.strictObject({
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "a GCP project id: 6-30 lower-case letters, digits and '-', starting with a letter" }),
  region: z.string().refine(isRegion, { error: `a Google Cloud region: ${REGIONS.join(", ")}` }),
});

/** Cross-field rules that need the region: zones, accelerators, counts, capacity, autoscaling. */
export function crossFieldIssues(settings: Settings, region: string): PoolProblem[] {
  const issues: PoolProblem[] = [];
  const regionZones = isRegion(region) ? zonesOf(region) : [];
  if (isRegion(region) && regionZones.length === 0) {
    issues.push({ path: ["zones"], input: settings.zones, message: `zones of a region that has zones in components/catalog/zones.ts; ${region} has none listed` });
  }
  settings.zones.forEach((zone, i) => {
    if (regionZones.length > 0 && !regionZones.includes(zone)) {
      issues.push({ path: ["zones", i], input: zone, message: `a zone of ${region}: ${regionZones.join(", ")}` });
    }
  });
  if (new Set(settings.zones).size !== settings.zones.length) {
    issues.push({ path: ["zones"], input: settings.zones, message: "each zone at most once" });
  }
  const ranges = (["subnetCidr", "podsCidr", "servicesCidr", "masterCidr", "privateServicesCidr"] as const).map((key) => [key, settings.network[key]] as const);
  ranges.forEach(([key, range], i) => {
    for (const [otherKey, other] of ranges.slice(0, i)) {
      if (cidrsOverlap(range, other)) {
        issues.push({ path: ["network", key], input: range, message: `a range that does not overlap network.${otherKey} (${other})` });
      }
    }
  });
  const system = settings.cluster.systemPool;
  if (system.min > system.max) {
    issues.push({ path: ["cluster", "systemPool", "min"], input: system.min, message: `at most cluster.systemPool.max (${system.max})` });
  }
  if (settings.cluster.privateEndpoint && settings.cluster.masterAuthorizedNetworks.length === 0) {
    issues.push({
      path: ["cluster", "masterAuthorizedNetworks"],
      input: [],
      message: "at least one network when cluster.privateEndpoint is true (the networks that reach the private endpoint)",
    });
  }
  if (settings.storage.forceDestroy && settings.profile !== "dev") {
    issues.push({ path: ["storage", "forceDestroy"], input: true, message: `false outside the dev profile (this stack's profile is ${settings.profile})` });
  }
  if (settings.storage.rawColdlineAfterDays <= settings.storage.rawNearlineAfterDays) {
    issues.push({ path: ["storage", "rawColdlineAfterDays"], input: settings.storage.rawColdlineAfterDays, message: `more than storage.rawNearlineAfterDays (${settings.storage.rawNearlineAfterDays})` });
  }
  const teamNames = new Set<string>();
  settings.teams.forEach((team, i) => {
    if (teamNames.has(team.name)) issues.push({ path: ["teams", i, "name"], input: team.name, message: "a name no other team uses" });
    teamNames.add(team.name);
  });
  const names = new Set<string>();
  settings.gpuPools.forEach((pool, i) => {
    const at = (...rest: (string | number)[]) => ["gpuPools", i, ...rest];
    if (names.has(pool.name)) issues.push({ path: at("name"), input: pool.name, message: "a name no other GPU pool uses" });
    names.add(pool.name);
    issues.push(...gpuPoolProblems(pool, region, settings.zones).map((problem) => ({ ...problem, path: at(...problem.path) })));
  });
  return issues;
}

/** Do two IPv4 CIDR blocks share any address? */
export function cidrsOverlap(a: string, b: string): boolean {
  const parse = (cidr: string) => {
    const [ip, bits] = cidr.split("/");
    const value = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(value / size) * size;
    return [start, start + size - 1];
  };
  const [aStart, aEnd] = parse(a);
  const [bStart, bEnd] = parse(b);
  return aStart <= bEnd && bStart <= aEnd;
}
