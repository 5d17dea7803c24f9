import {
  GKE_DEFAULT_RELEASE_CHANNEL,
  GKE_RELEASE_CHANNELS,
  GKE_RELEASE_CHANNELS_SOURCE,
  KUBERNETES_FEATURES,
  type ReleaseChannel,
} from "../../../../components/catalog/gke-versions";
import type { ClusterIndex } from "./cluster";

/** The Kubernetes minor version the simulation assumes, and why. */
export interface ClusterVersion {
  /** 1.N: N. */
  readonly minor: number;
  readonly source: string;
  /** Whether the PodLevelResources feature (Pod `spec.resources`) is on. */
  readonly podLevelResources: boolean;
}

/**
 * The cluster's Kubernetes minor version: the plan's `minMasterVersion` when it names one, else the
 * default minor of its release channel (Regular when it names none), from
 * components/catalog/gke-versions.ts. A plan without a cluster (one that deploys onto a cluster made
 * elsewhere) is assumed to run Regular's default.
 */
export function clusterVersion(index: ClusterIndex): ClusterVersion {
  const cluster = index.clusters[0];
  const pinned = /^1\.(\d+)/.exec(String(cluster?.props.minMasterVersion ?? ""));
  let minor: number;
  let source: string;
  if (pinned) {
    minor = Number(pinned[1]);
    source = `minMasterVersion ${cluster!.props.minMasterVersion}`;
  } else {
    const named = String(cluster?.props.releaseChannel?.channel ?? "");
    const channel = (named in GKE_RELEASE_CHANNELS ? named : GKE_DEFAULT_RELEASE_CHANNEL) as ReleaseChannel;
    minor = GKE_RELEASE_CHANNELS[channel].defaultMinor;
    source = `${cluster ? "" : "no cluster in the plan: assumed "}${channel} channel's default for new clusters (${GKE_RELEASE_CHANNELS_SOURCE})`;
  }
  return { minor, source, podLevelResources: minor >= KUBERNETES_FEATURES.podLevelResources };
}
