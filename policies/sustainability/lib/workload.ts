import { WORKLOAD_TYPES } from "../../../components/labels";

/**
 * What the sustainability policies read from a resource's sustainability labels (DESIGN.md,
 * "Labels"). Not a policy: shared by the policies of this pack.
 */
export type Labels = Readonly<Record<string, unknown>>;

export const SHIFTABLE_VALUES = ["true", "false"] as const;
export const CARBON_TIERS = ["low", "medium", "high"] as const;
export { WORKLOAD_TYPES };

/** Workload types whose work is shiftable when a resource has no `shiftable` label (GpuNodePool's default). */
export const SHIFTABLE_BY_DEFAULT: readonly string[] = ["training", "data"];

/**
 * Whether a resource's work can move in time or place. The `shiftable` label decides: a training
 * pool with a deadline says `shiftable: false` and is not asked to wait for spare capacity or move.
 * Without a valid label, the workload type decides as the GpuNodePool component does (training and
 * data shiftable, inference not); cnai-sustainability-labels reports the missing label.
 */
export function isShiftable(labels: Labels | undefined, prefix = ""): boolean {
  const value = labels?.[`${prefix}shiftable`];
  if (value === "true") return true;
  if (value === "false") return false;
  const workloadType = labels?.[`${prefix}workload-type`];
  return typeof workloadType === "string" && SHIFTABLE_BY_DEFAULT.includes(workloadType);
}
