import { isRegion, zonesOf } from "../../components/catalog/regions";
import { CLUSTER_DEFAULTS } from "../../components/compute/cluster-rules";
import { GPU_POOL_DEFAULTS } from "../../components/compute/gpu-pool-rules";
import { DATA_PLATFORM_DEFAULTS } from "../../components/data/data-platform";
import { POSTGRES_DEFAULTS } from "../../components/data/postgres-database";
import { PROMETHEUS_DEFAULTS } from "../../components/observability/self-hosted-monitoring";
import { CLEANUP_DEFAULTS } from "../../components/registry/artifact-registry";
import { KEY_ROTATION_DAYS } from "../../components/security/kms-key";
import { GATEWAY_DEFAULTS, TRACING_DEFAULTS } from "./gateway";
import type { ProfileName } from "./schema";

/**
 * Environment profiles: the defaults a stack file is merged over. A stack names its profile with
 * `cnai-platform:profile`, or gets the profile of its own name (`dev`, `staging`, `prod`).
 *
 * - dev: zonal cluster, spot capacity, everything scales to zero, no deletion protection,
 *   Google-managed keys, disposable data (force destroy, tables expire), MLflow on a small
 *   database; guardrails advisory (policies/config/dev/).
 * - staging: regional cluster, spot GPUs scaling to zero, deletion protection on, Kubeflow Model
 *   Registry; mandatory guardrails to catch what prod would refuse.
 * - prod: regional cluster on the STABLE channel, on-demand capacity (or reservations, per pool),
 *   deletion protection, customer-managed keys, protected stateful resources, an HA database with
 *   point-in-time recovery, immutable image tags, a private endpoint available by config.
 */
export interface Profile {
  /** Defaults for the top-level settings. */
  readonly settings: Record<string, unknown>;
  /** Defaults merged under every entry of `gpuPools`. */
  readonly gpuPool: Record<string, unknown>;
}

const network = {
  subnetCidr: "10.10.0.0/20",
  podsCidr: "10.16.0.0/14",
  servicesCidr: "10.20.0.0/20",
  masterCidr: "172.16.0.0/28",
  privateServicesCidr: "10.30.0.0/20",
  nat: true,
};

const kubernetes = { target: "cluster", yamlDirectory: "out/k8s-yaml" };

/** GkeCluster's defaults (components/compute/cluster-rules.ts), with the profiles' autoscaler profile. */
const cluster = {
  location: CLUSTER_DEFAULTS.locationType,
  releaseChannel: CLUSTER_DEFAULTS.releaseChannel,
  privateEndpoint: CLUSTER_DEFAULTS.privateEndpoint,
  masterAuthorizedNetworks: [],
  deletionProtection: CLUSTER_DEFAULTS.deletionProtection,
  autoscalingProfile: "OPTIMIZE_UTILIZATION",
  maintenanceWindowStart: CLUSTER_DEFAULTS.maintenanceWindowStart,
  vulnerabilityScanning: CLUSTER_DEFAULTS.vulnerabilityScanning,
  systemPool: CLUSTER_DEFAULTS.systemPool,
};

const storage = {
  classifications: {
    datasetsRaw: "internal",
    datasetsCurated: "internal",
    models: "internal",
    checkpoints: "internal",
  },
  softDeleteDays: 7,
  rawNearlineAfterDays: 30,
  rawColdlineAfterDays: 90,
  checkpointRetentionDays: 14,
  noncurrentVersionDays: 30,
  rawVersioning: true,
  forceDestroy: false,
  modelsReplication: { turboReplication: false },
};

const artifactRegistry = {
  keepRecentVersions: CLEANUP_DEFAULTS.keepRecentVersions,
  deleteUntaggedAfterDays: CLEANUP_DEFAULTS.deleteUntaggedAfterDays,
  cleanupDryRun: CLEANUP_DEFAULTS.dryRun,
  immutableTags: false,
  remoteCaches: true,
};

const modelRegistry = {
  kind: "kubeflow",
  replicas: 1,
  database: { ...POSTGRES_DEFAULTS },
};

const dataPlatform = { ...DATA_PLATFORM_DEFAULTS, owners: [] };

const observability = {
  backend: "managed",
  notificationEmails: [],
  notificationChannels: [],
  thresholds: {},
  prometheus: { ...PROMETHEUS_DEFAULTS },
  logRetentionDays: 30,
  dataAccessLogs: true,
};

/** One controller replica and the daily window outside prod; docs/resilience.md. */
const resilience = {
  controllerReplicas: 1,
  maintenance: { exclusions: [] },
  backup: { enabled: false, schedule: "0 2 * * *", retainDays: 30, deleteLockDays: 7 },
};

/**
 * Ray data preparation: sizes every team's cluster gets unless its entry says otherwise. CPU-only
 * Ray Pods run on the system pool (stacks/layers/data-prep.ts), so dev's are small.
 */
const ray = {
  defaults: {
    head: { cpu: 1, memoryGi: 4 },
    cpuWorkers: { cpu: 2, memoryGi: 6, min: 0, max: 4 },
    idleTimeoutSeconds: 300,
    priorityClass: "cnai-low",
  },
  clusters: [],
};

/** Data movement: nothing moves by default; public and internal data may be promoted down without an exemption. */
const transfers = { ingest: [], allowedClassifications: ["public", "internal"], exemptions: [], consumers: [] };

type Differences = Partial<
  Record<
    | "cluster"
    | "encryption"
    | "storage"
    | "artifactRegistry"
    | "modelRegistry"
    | "dataPlatform"
    | "observability"
    | "resilience"
    | "ray",
    Record<string, unknown>
  >
> & {
  capacity: string;
  protectStatefulResources: boolean;
  gateway?: Record<string, unknown>;
  tracing?: Record<string, unknown>;
};

/** A profile: the shared defaults with the profile's differences. */
function profile(differences: Differences): Profile {
  return {
    settings: {
      labels: {},
      network,
      cluster: { ...cluster, ...differences.cluster },
      encryption: { customerManagedKeys: false, keyRotationDays: KEY_ROTATION_DAYS, ...differences.encryption },
      gpuPools: [],
      kubernetes,
      protectStatefulResources: differences.protectStatefulResources,
      storage: { ...storage, ...differences.storage },
      artifactRegistry: { ...artifactRegistry, ...differences.artifactRegistry },
      modelRegistry: { ...modelRegistry, ...differences.modelRegistry },
      dataPlatform: { ...dataPlatform, ...differences.dataPlatform },
      training: { legacyTrainingOperator: false },
      serving: { mode: "Standard" },
      observability: { ...observability, ...differences.observability },
      resilience: { ...resilience, ...differences.resilience },
      ray: { ...ray, ...differences.ray },
      transfers,
      gateway: { ...GATEWAY_DEFAULTS, ...differences.gateway },
      tracing: { ...TRACING_DEFAULTS, ...differences.tracing },
    },
    gpuPool: { capacity: { type: differences.capacity }, autoscaling: { min: GPU_POOL_DEFAULTS.autoscalingMin } },
  };
}

export const PROFILE_DEFAULTS: Readonly<Record<ProfileName, Profile>> = {
  dev: profile({
    cluster: {
      location: "zonal",
      deletionProtection: false,
      systemPool: { ...cluster.systemPool, spot: true, diskSizeGb: 50 },
    },
    storage: { checkpointRetentionDays: 7, noncurrentVersionDays: 7, forceDestroy: true },
    artifactRegistry: { keepRecentVersions: 5, deleteUntaggedAfterDays: 7, remoteCaches: false },
    modelRegistry: {
      kind: "mlflow",
      database: { ...modelRegistry.database, tier: "db-g1-small", diskSizeGb: 10, retainedBackups: 3 },
    },
    dataPlatform: { tableExpirationDays: 30, messageRetentionDays: 3 },
    observability: { backend: "self-hosted", prometheus: { retention: "7d", storageGi: 20 }, dataAccessLogs: false },
    ray: {
      defaults: {
        ...ray.defaults,
        head: { cpu: 1, memoryGi: 3 },
        cpuWorkers: { cpu: 1, memoryGi: 3, min: 0, max: 2 },
        idleTimeoutSeconds: 120,
      },
    },
    capacity: "spot",
    protectStatefulResources: false,
  }),
  staging: profile({
    observability: { logRetentionDays: 60 },
    capacity: "spot",
    protectStatefulResources: false,
    tracing: { samplingRatio: 0.25 },
  }),
  prod: profile({
    cluster: {
      releaseChannel: "STABLE",
      autoscalingProfile: "BALANCED",
      systemPool: { ...cluster.systemPool, machineType: "e2-standard-8", min: 3, max: 6 },
    },
    encryption: { customerManagedKeys: true },
    storage: {
      softDeleteDays: 30,
      checkpointRetentionDays: 30,
      noncurrentVersionDays: 90,
      // The predefined dual-region that holds the stack's region: NAM4 (Iowa + South Carolina) for
      // us-central1, EUR4 for europe-north1 or europe-west4, ASIA1 for Tokyo or Osaka (docs/resilience.md).
      modelsReplication: { dualRegion: "auto", turboReplication: true },
    },
    artifactRegistry: {
      keepRecentVersions: 20,
      deleteUntaggedAfterDays: 30,
      cleanupDryRun: false,
      immutableTags: true,
    },
    modelRegistry: {
      replicas: 2,
      database: {
        tier: "db-custom-2-7680",
        highAvailability: true,
        diskSizeGb: 50,
        pointInTimeRecovery: true,
        retainedBackups: 14,
      },
    },
    observability: { logRetentionDays: 400 },
    // Two replicas of Kueue and cert-manager with their charts' budgets; upgrades on weekend nights
    // (8 hours on Saturday and Sunday: 64 hours in any 32 days, GKE asks for 48).
    resilience: {
      controllerReplicas: 2,
      maintenance: {
        window: { start: "2026-01-03T01:00:00Z", end: "2026-01-03T09:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
        exclusions: [],
      },
      backup: { ...resilience.backup, enabled: true },
    },
    ray: { defaults: { ...ray.defaults, head: { cpu: 2, memoryGi: 8 }, priorityClass: "cnai-standard" } },
    // Internet-facing behind IAP and Cloud Armor; a twentieth of requests traced.
    gateway: { exposure: "external" },
    tracing: { samplingRatio: 0.05 },
    capacity: "on-demand",
    protectStatefulResources: true,
  }),
};

/** Defaults that depend on the stack and region rather than the profile. */
export function derivedDefaults(stack: string, region: string, location: unknown): Record<string, unknown> {
  const zones = isRegion(region) ? zonesOf(region) : [];
  return {
    prefix: defaultPrefix(stack),
    zones: location === "zonal" ? zones.slice(0, 1) : zones.slice(0, 3),
  };
}

/** `cnai-<stack>`, cut to the 16 characters a prefix may have. */
export function defaultPrefix(stack: string): string {
  const cleaned = `cnai-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 16);
  return cleaned.replace(/-+$/, "");
}
