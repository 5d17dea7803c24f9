/**
 * The Kubernetes minor version a GKE cluster runs, and the version-gated behaviour the workload
 * simulation depends on (policies/lib/analysis/workloads/cluster-version.ts). A cluster on a release
 * channel is upgraded automatically, so its version is not in the plan: the simulation assumes the
 * channel's default minor for new clusters, and says so in the report.
 */

export type ReleaseChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED" | "UNSPECIFIED";

export interface ChannelVersions {
  /** Minor versions the channel offers (1.N). */
  readonly minors: readonly number[];
  /** The minor of the channel's default version for cluster creation. */
  readonly defaultMinor: number;
}

/**
 * GKE's release channels. Source: GKE release notes, "Current versions" table
 * (cloud.google.com/kubernetes-engine/docs/release-notes), as of September 2026: Rapid 1.34 to
 * 1.37 (default 1.36.4-gke.1082000), Regular 1.34 to 1.36 (default 1.35.7-gke.1222000; the
 * Regular channel feed of 2026-09-17 makes 1.35.8-gke.1036000 the default), Stable 1.34 to 1.35
 * (default 1.35.6-gke.1250000), Extended 1.31 to 1.36 (default 1.35.7), no channel 1.34 to 1.36
 * (default 1.35.7). Re-check when the blueprint pins a version.
 */
export const GKE_RELEASE_CHANNELS: Readonly<Record<ReleaseChannel, ChannelVersions>> = {
  RAPID: { minors: [34, 35, 36, 37], defaultMinor: 36 },
  REGULAR: { minors: [34, 35, 36], defaultMinor: 35 },
  STABLE: { minors: [34, 35], defaultMinor: 35 },
  EXTENDED: { minors: [31, 32, 33, 34, 35, 36], defaultMinor: 35 },
  UNSPECIFIED: { minors: [34, 35, 36], defaultMinor: 35 },
};
export const GKE_RELEASE_CHANNELS_SOURCE = "GKE release notes, current versions per release channel (September 2026)";

/** A cluster that names no channel is enrolled in Regular. Source: GKE "About release channels" (concepts/release-channels). */
export const GKE_DEFAULT_RELEASE_CHANNEL: ReleaseChannel = "REGULAR";

/**
 * Kubernetes feature gates the simulation depends on: the first minor where each is on by default.
 * GKE Standard runs the default-on (beta and GA) gates and no alpha gates.
 * - PodLevelResources: alpha (off) in 1.32, beta and on by default from 1.34 (kubernetes
 *   pkg/features/kube_features.go; GKE 1.35 clusters accept and validate `spec.resources`).
 * - Pod Security's relaxation of runAsNonRoot, runAsUser and procMount for `hostUsers: false`:
 *   behind the alpha UserNamespacesPodSecurityStandards gate (off) up to 1.34
 *   (kubernetes/pod-security-admission v0.34.0 policy/helpers.go relaxPolicyForUserNamespacePods);
 *   from 1.35 unconditional at policy version v1.35 and later (v0.35.x check_runAsNonRoot.go
 *   runAsNonRoot1_35, check_runAsUser.go runAsUser1_35, check_procMount_baseline.go).
 */
export const KUBERNETES_FEATURES = {
  podLevelResources: 34,
  podSecurityUserNamespaceRelaxation: 35,
} as const;
