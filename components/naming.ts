import { createHash } from "node:crypto";

/**
 * Physical names: `<prefix>-<name>`, lower case, deterministic, within a resource's length limit.
 * A name over the limit is cut and given a short hash of the full name, so two long names that
 * share a beginning stay distinct and the same inputs always give the same name.
 */
export function physicalName(parts: readonly string[], maxLength: number): string {
  const full = parts
    .filter((part) => part.length > 0)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (full.length <= maxLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  const head = full.slice(0, maxLength - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}

/** GCP length limits of the names we derive (from each API's resource reference). */
export const NAME_LIMITS = {
  /** GKE cluster names: 1-40 characters. */
  cluster: 40,
  /** GKE node pool names: 1-40 characters. */
  nodePool: 40,
  /** Service account ids: 6-30 characters. */
  serviceAccountId: 30,
  /** Compute Engine resources (networks, subnetworks, routers, NATs): 1-63 characters. */
  compute: 63,
  /** KMS key rings and keys: up to 63 characters. */
  kms: 63,
} as const;

/**
 * The GKE node pool name of the platform's GPU pool `name` (the `cloud.google.com/gke-nodepool` node
 * label workloads select): `gpu-<name>`. `GpuNodePool` names its pool with it; layers, policies and
 * tests take it from here.
 */
export function gpuNodePoolName(pool: string): string {
  return physicalName(["gpu", pool], NAME_LIMITS.nodePool);
}

/** The namespace of ML team `team`: `team-<name>`. `TeamNamespace` creates it; layers and tests take it from here. */
export function teamNamespaceName(team: string): string {
  return `team-${team}`;
}
