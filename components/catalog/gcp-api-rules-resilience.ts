import { valueAtPath } from "../json";
import type { GcpApiRule } from "./gcp-api-rules";
import { BUCKET_KMS_KEY_LOCATION } from "./storage-locations";

/**
 * Google's rules for GKE maintenance policies, node upgrades, Backup for GKE retention and bucket
 * replication that the provider does not check (terraform-provider-google v7.45.0
 * resource_container_cluster.go maintenance_policy, resource_container_node_pool.go upgrade_settings,
 * gkebackup_backup_plan and storage_bucket rpo have no validation beyond enum values), so a plan that
 * breaks them fails at `pulumi up`, or upgrades in a way nobody meant. Listed in GCP_API_RULES
 * (gcp-api-rules.ts).
 */

const get = valueAtPath;
const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const HOUR = 3600_000;
const DAY = 24 * HOUR;

export const EXCLUSION_SCOPES = ["NO_UPGRADES", "NO_MINOR_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES"] as const;
export type ExclusionScope = (typeof EXCLUSION_SCOPES)[number];

/** The longest a "No upgrades" exclusion may last (GKE, "Maintenance windows and exclusions", Types of exclusions). */
export const NO_UPGRADES_MAX_DAYS = 30;

const MAINTENANCE_DOC = "cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions";

export interface ExclusionFacts {
  readonly name: string;
  readonly scope: string;
  readonly start: string;
  /** Absent with endTimeBehavior UNTIL_END_OF_SUPPORT. */
  readonly end?: string;
  readonly untilEndOfSupport: boolean;
}

export interface MaintenanceFacts {
  /** releaseChannel.channel, if set (UNSPECIFIED is no channel). */
  readonly channel: string | undefined;
  readonly exclusions: readonly ExclusionFacts[];
}

export function maintenanceFacts(props: Readonly<Record<string, unknown>>): MaintenanceFacts {
  const list = (get(props, "maintenancePolicy.maintenanceExclusions") ?? []) as Array<Record<string, unknown>>;
  return {
    channel: get(props, "releaseChannel.channel") as string | undefined,
    exclusions: list.map((e) => ({
      name: String(e.exclusionName ?? ""),
      scope: String(get(e, "exclusionOptions.scope") ?? "NO_UPGRADES"),
      start: String(e.startTime ?? ""),
      ...(e.endTime ? { end: String(e.endTime) } : {}),
      untilEndOfSupport: get(e, "exclusionOptions.endTimeBehavior") === "UNTIL_END_OF_SUPPORT",
    })),
  };
}

/** What is wrong with one exclusion; undefined when GKE takes it. */
export function exclusionProblem(e: ExclusionFacts, channel: string | undefined): string | undefined {
  const start = Date.parse(e.start);
  const end = e.end === undefined ? undefined : Date.parse(e.end);
  if (Number.isNaN(start)) return `maintenance exclusion "${e.name}": startTime ${e.start} is not an RFC 3339 time`;
  if (e.untilEndOfSupport && e.end !== undefined)
    return `maintenance exclusion "${e.name}": both endTime and endTimeBehavior UNTIL_END_OF_SUPPORT; give one`;
  if (!e.untilEndOfSupport && (end === undefined || Number.isNaN(end)))
    return `maintenance exclusion "${e.name}": endTime ${e.end ?? "(none)"} is not an RFC 3339 time; give endTime, or endTimeBehavior UNTIL_END_OF_SUPPORT`;
  if (end !== undefined && end <= start)
    return `maintenance exclusion "${e.name}": endTime ${e.end} is not after startTime ${e.start}`;
  if (e.scope === "NO_UPGRADES") {
    if (e.untilEndOfSupport)
      return `maintenance exclusion "${e.name}": scope NO_UPGRADES cannot last until end of support (at most ${NO_UPGRADES_MAX_DAYS} days); use NO_MINOR_UPGRADES or NO_MINOR_OR_NODE_UPGRADES for longer freezes`;
    if (end !== undefined && end - start > NO_UPGRADES_MAX_DAYS * DAY)
      return `maintenance exclusion "${e.name}": scope NO_UPGRADES lasts ${Math.ceil((end - start) / DAY)} days; GKE allows at most ${NO_UPGRADES_MAX_DAYS}. Shorten it, or use NO_MINOR_UPGRADES (patches still apply) for a longer freeze`;
  } else if (!channel || channel === "UNSPECIFIED") {
    return `maintenance exclusion "${e.name}": scope ${e.scope} needs the cluster on a release channel (releaseChannel.channel RAPID, REGULAR, STABLE or EXTENDED)`;
  }
  return undefined;
}

export const MAINTENANCE_EXCLUSIONS: GcpApiRule<MaintenanceFacts> = {
  id: "gke-maintenance-exclusions",
  resourceType: CLUSTER,
  rule: "A maintenance exclusion ends after it starts; a NO_UPGRADES exclusion lasts at most 30 days; NO_MINOR_UPGRADES and NO_MINOR_OR_NODE_UPGRADES need a release channel.",
  source:
    `GKE, "Maintenance windows and exclusions" (${MAINTENANCE_DOC}), Types of exclusions: "No upgrades" up to 30 days, the minor scopes ` +
    "up to the end of support of the minor version and only on clusters enrolled in a release channel; Pulumi gcp.container.Cluster " +
    "maintenancePolicy.maintenanceExclusions[].exclusionOptions (one of endTime and endTimeBehavior UNTIL_END_OF_SUPPORT)",
  read: (props) => {
    const facts = maintenanceFacts(props);
    return facts.exclusions.length ? facts : undefined;
  },
  check: (f) => f.exclusions.map((e) => exclusionProblem(e, f.channel)).find((p) => p !== undefined),
};

/** Hours GKE must be free to maintain a cluster in any 32 days, counting only windows of at least 4 hours. */
export const WINDOW_MIN_HOURS_PER_32_DAYS = 48;
export const WINDOW_MIN_CONTIGUOUS_HOURS = 4;

export interface RecurringWindowFacts {
  readonly start: string;
  readonly end: string;
  readonly recurrence: string;
}

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/**
 * Hours of maintenance a recurring window allows in the worst 32 days, for the recurrences the
 * blueprint writes (`FREQ=DAILY`, `FREQ=WEEKLY;BYDAY=..`); undefined for another RRULE (not checked).
 * A window shorter than 4 hours counts for nothing.
 */
export function windowHoursPer32Days(w: RecurringWindowFacts): number | undefined {
  const hours = (Date.parse(w.end) - Date.parse(w.start)) / HOUR;
  if (!(hours > 0)) return 0;
  const counted = hours >= WINDOW_MIN_CONTIGUOUS_HOURS ? hours : 0;
  const parts = Object.fromEntries(w.recurrence.split(";").map((p) => p.split("=") as [string, string]));
  if (parts.FREQ === "DAILY" && Object.keys(parts).length === 1) return Math.min(hours, 24) >= 4 ? 32 * counted : 0;
  if (parts.FREQ === "WEEKLY" && parts.BYDAY && Object.keys(parts).length === 2) {
    const days = parts.BYDAY.split(",");
    if (!days.every((d) => WEEKDAYS.includes(d))) return undefined;
    // 32 days hold four whole weeks and four more days: at least four of each weekday.
    return 4 * days.length * counted;
  }
  return undefined;
}

export const MAINTENANCE_WINDOW_AVAILABILITY: GcpApiRule<RecurringWindowFacts> = {
  id: "gke-maintenance-window-availability",
  resourceType: CLUSTER,
  rule: "A recurring maintenance window allows at least 48 hours in any 32 days, in windows of at least 4 contiguous hours.",
  source: `GKE, "Configure maintenance windows and exclusions" (cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions): "You must allow at least 48 hours of maintenance availability in a 32-day rolling window. Only contiguous availability windows of at least four hours are considered."`,
  read: (props) => {
    const w = get(props, "maintenancePolicy.recurringWindow") as Record<string, unknown> | undefined;
    return w ? { start: String(w.startTime), end: String(w.endTime), recurrence: String(w.recurrence) } : undefined;
  },
  check: (w) => {
    const hours = windowHoursPer32Days(w);
    if (hours === undefined || hours >= WINDOW_MIN_HOURS_PER_32_DAYS) return undefined;
    return `a recurring maintenance window (${w.start} to ${w.end}, ${w.recurrence}) that allows ${hours} hours in 32 days; GKE needs at least ${WINDOW_MIN_HOURS_PER_32_DAYS}, counting only windows of ${WINDOW_MIN_CONTIGUOUS_HOURS} hours or more. Lengthen the window or add days`;
  },
};

export interface UpgradeFacts {
  readonly dws: boolean;
  readonly strategy: string | undefined;
  readonly maxSurge: number | undefined;
  readonly maxUnavailable: number | undefined;
}

export const NODE_POOL_UPGRADE_SETTINGS: GcpApiRule<UpgradeFacts> = {
  id: "gke-node-pool-upgrade-settings",
  resourceType: NODE_POOL,
  rule: "Surge upgrades need maxSurge or maxUnavailable above 0; flex-start and queued-provisioning pools take no surge or blue-green settings (GKE upgrades them with its short-lived strategy).",
  source:
    'GKE, "Node upgrade strategies" (cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies): "For nodes that use ' +
    'Flex-start VMs, GKE uses short-lived upgrades"; container/v1 NodePoolUpdateStrategy SHORT_LIVED ("the dedicated upgrade strategy for ' +
    'QueuedProvisioning and flex start nodepools"); terraform-provider-google v7.45.0 container_node_pool.html.markdown upgrade_settings: ' +
    '"max_surge and max_unavailable must not be negative and at least one of them must be greater than zero"',
  read: (props) => {
    const settings = get(props, "upgradeSettings") as Record<string, unknown> | undefined;
    if (!settings) return undefined;
    return {
      dws: get(props, "nodeConfig.flexStart") === true || get(props, "queuedProvisioning.enabled") === true,
      strategy: settings.strategy as string | undefined,
      maxSurge: settings.maxSurge as number | undefined,
      maxUnavailable: settings.maxUnavailable as number | undefined,
    };
  },
  check: (f) => {
    if (f.dws && (f.strategy === "BLUE_GREEN" || f.strategy === "SURGE"))
      return `upgradeSettings.strategy ${f.strategy} on a flex-start or queued-provisioning pool, which GKE upgrades with short-lived upgrades (new nodes at the next provisioning) only. Remove upgradeSettings from the pool`;
    if ((f.strategy ?? "SURGE") === "SURGE" && (f.maxSurge ?? 1) === 0 && (f.maxUnavailable ?? 0) === 0)
      return "upgradeSettings with maxSurge 0 and maxUnavailable 0, which can never upgrade a node. Set maxSurge 1 (an extra node keeps capacity) or maxUnavailable 1 (scarce capacity: one node down at a time)";
    return undefined;
  },
};

export interface BackupRetentionFacts {
  readonly retainDays: number | undefined;
  readonly deleteLockDays: number | undefined;
}

export const GKE_BACKUP_RETENTION: GcpApiRule<BackupRetentionFacts> = {
  id: "gke-backup-retention",
  resourceType: "gcp:gkebackup/backupPlan:BackupPlan",
  rule: "A backup plan keeps backups 0 to 365 days, locks them 0 to 90 days, and keeps them at least as long as it locks them.",
  source:
    "Backup for GKE API BackupPlan.RetentionPolicy (backupDeleteLockDays 0-90; backupRetainDays 0-365 and >= backupDeleteLockDays), " +
    "as @pulumi/gcp 9.x gkebackup.BackupPlan retentionPolicy documents it; terraform-provider-google v7.45.0 gkebackup_backup_plan has no validation of them",
  read: (props) => {
    const policy = get(props, "retentionPolicy") as Record<string, unknown> | undefined;
    if (!policy) return undefined;
    return {
      retainDays: policy.backupRetainDays as number | undefined,
      deleteLockDays: policy.backupDeleteLockDays as number | undefined,
    };
  },
  check: ({ retainDays, deleteLockDays }) => {
    if (deleteLockDays !== undefined && (deleteLockDays < 0 || deleteLockDays > 90))
      return `retentionPolicy.backupDeleteLockDays ${deleteLockDays}; Backup for GKE takes 0 to 90`;
    if (retainDays !== undefined && (retainDays < 0 || retainDays > 365))
      return `retentionPolicy.backupRetainDays ${retainDays}; Backup for GKE takes 0 to 365`;
    if (retainDays !== undefined && retainDays > 0 && retainDays < (deleteLockDays ?? 0))
      return `retentionPolicy.backupRetainDays ${retainDays} below backupDeleteLockDays ${deleteLockDays}: a backup would have to be deleted while it is locked. Keep backups at least as long as they are locked`;
    return undefined;
  },
};

/** Cloud Storage's predefined dual-regions ("Bucket locations", cloud.google.com/storage/docs/locations#predefined). */
export const PREDEFINED_DUAL_REGIONS = ["ASIA1", "EUR4", "EUR5", "EUR7", "EUR8", "NAM4"] as const;

export interface BucketReplicationFacts {
  readonly location: string;
  readonly rpo: string | undefined;
  readonly dataLocations: readonly string[];
}

export const TURBO_REPLICATION_DUAL_REGION: GcpApiRule<BucketReplicationFacts> = {
  id: "storage-turbo-replication-dual-region",
  resourceType: "gcp:storage/bucket:Bucket",
  rule: "Turbo replication (rpo ASYNC_TURBO) is for dual-region buckets only: a predefined dual-region, or a multi-region with two data locations.",
  source:
    'terraform-provider-google v7.45.0 website/docs/r/storage_bucket.html.markdown rpo: "ASYNC_TURBO value enables turbo replication, ' +
    'valid for dual-region buckets only" (not validated by the schema); Cloud Storage, "Turbo replication" ' +
    "(cloud.google.com/storage/docs/availability-durability#turbo-replication) and configurable dual-regions (customPlacementConfig.dataLocations)",
  read: (props) => ({
    location: String(get(props, "location") ?? "").toUpperCase(),
    rpo: get(props, "rpo") as string | undefined,
    dataLocations: ((get(props, "customPlacementConfig.dataLocations") ?? []) as string[]).map(String),
  }),
  check: (f) => {
    if (f.rpo !== "ASYNC_TURBO") return undefined;
    const dual =
      (PREDEFINED_DUAL_REGIONS as readonly string[]).includes(f.location) ||
      (["US", "EU", "ASIA"].includes(f.location) && f.dataLocations.length === 2);
    return dual
      ? undefined
      : `rpo ASYNC_TURBO on a bucket in ${f.location || "(no location)"}${f.dataLocations.length ? ` with data locations ${f.dataLocations.join(", ")}` : ""}, which is not a dual-region. Use a predefined dual-region (${PREDEFINED_DUAL_REGIONS.join(", ")}) or a multi-region with two customPlacementConfig.dataLocations, or drop rpo`;
  },
};

export const RESILIENCE_RULES = [
  MAINTENANCE_EXCLUSIONS,
  MAINTENANCE_WINDOW_AVAILABILITY,
  NODE_POOL_UPGRADE_SETTINGS,
  GKE_BACKUP_RETENTION,
  TURBO_REPLICATION_DUAL_REGION,
  BUCKET_KMS_KEY_LOCATION,
];
