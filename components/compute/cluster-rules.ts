import type { VulnerabilityScanning } from "../catalog/gcp-api-rules";
import { documentationRangeOf } from "../catalog/ip-ranges";
import { isRegion, zonesOf } from "../catalog/regions";
import type { RuleProblem } from "../rule-problem";

/**
 * The rules and defaults of a GKE cluster, as pure functions shared by the config schema (which
 * reports them against stack file keys, under `zones` and `cluster.*`) and `GkeCluster` (which throws
 * them as a ResourceError). Paths are relative to `GkeClusterArgs`.
 */

export interface AuthorizedNetwork {
  readonly name: string;
  readonly cidr: string;
}

/** The cluster's defaults: `GkeCluster`'s `@default`s, and the base of the environment profiles. */
export const CLUSTER_DEFAULTS = {
  locationType: "regional",
  releaseChannel: "REGULAR",
  privateEndpoint: false,
  deletionProtection: true,
  autoscalingProfile: "BALANCED",
  maintenanceWindowStart: "03:00",
  // GKE's standard vulnerability scanning tier was shut down on 2025-07-31; Artifact Registry scans images.
  vulnerabilityScanning: "disabled" as VulnerabilityScanning,
  imageStreaming: true,
  systemPool: { machineType: "e2-standard-4", min: 1, max: 3, spot: false, diskSizeGb: 100 },
} as const;

/** GKE's daily maintenance window start: `HH:MM` in UTC (MaintenancePolicy.dailyMaintenanceWindow.startTime). */
export const DAILY_TIME = {
  pattern: /^([01]\d|2[0-3]):[0-5]\d$/,
  allowed: "a time of day in UTC as HH:MM (03:00)",
} as const;

/** What a cluster's rules look at. */
export interface ClusterShape {
  readonly region: string;
  readonly zones: readonly string[];
  readonly systemPool: { readonly min: number; readonly max: number };
  readonly authorizedNetworks: readonly AuthorizedNetwork[];
  readonly maintenanceWindowStart: string;
}

export function clusterProblems(cluster: ClusterShape): RuleProblem[] {
  const problems = [...zoneProblems(cluster.region, cluster.zones), ...systemPoolProblems(cluster.systemPool)];
  cluster.authorizedNetworks.forEach((network, i) => {
    const allowed = authorizedNetworkProblem(network.cidr);
    if (allowed) problems.push({ path: ["authorizedNetworks", i, "cidr"], input: network.cidr, message: allowed });
  });
  if (!DAILY_TIME.pattern.test(cluster.maintenanceWindowStart)) {
    problems.push({
      path: ["maintenanceWindowStart"],
      input: cluster.maintenanceWindowStart,
      message: DAILY_TIME.allowed,
    });
  }
  return problems;
}

/** The node zones: at least one, each a zone of the region (components/catalog/zones.ts), each once. */
export function zoneProblems(region: string, zones: readonly string[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const regionZones = isRegion(region) ? zonesOf(region) : [];
  if (zones.length === 0) problems.push({ path: ["zones"], input: zones, message: "at least one zone for nodes" });
  if (isRegion(region) && regionZones.length === 0) {
    problems.push({
      path: ["zones"],
      input: zones,
      message: `zones of a region that has zones in components/catalog/zones.ts; ${region} has none listed`,
    });
  }
  zones.forEach((zone, i) => {
    if (regionZones.length > 0 && !regionZones.includes(zone)) {
      problems.push({ path: ["zones", i], input: zone, message: `a zone of ${region}: ${regionZones.join(", ")}` });
    }
  });
  if (new Set(zones).size !== zones.length) {
    problems.push({ path: ["zones"], input: zones, message: "each zone at most once" });
  }
  return problems;
}

/** The system pool's total node limits: 0 <= min <= max, max >= 1. */
export function systemPoolProblems(pool: { readonly min: number; readonly max: number }): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!Number.isInteger(pool.min) || pool.min < 0)
    problems.push({ path: ["systemPool", "min"], input: pool.min, message: "a whole number, at least 0" });
  if (!Number.isInteger(pool.max) || pool.max < 1)
    problems.push({ path: ["systemPool", "max"], input: pool.max, message: "a whole number, at least 1" });
  else if (pool.min > pool.max)
    problems.push({ path: ["systemPool", "min"], input: pool.min, message: `at most systemPool.max (${pool.max})` });
  return problems;
}

/**
 * An authorized network in a documentation range (RFC 5737) is a placeholder nobody connects from:
 * the control plane would be unreachable. Returns what is allowed instead, or undefined.
 */
export function authorizedNetworkProblem(cidr: string): string | undefined {
  const documentation = documentationRangeOf(cidr);
  if (!documentation) return undefined;
  return `a range your administrators or CI connect from; ${cidr} is in the documentation range ${documentation} (RFC 5737), which nothing connects from, so the control plane would be unreachable. Replace it with your office, VPN or CI egress range, or set privateEndpoint: true to reach the control plane through its DNS endpoint with IAM`;
}
