import type { CapacityType } from "./gpu-pool-rules";

/**
 * How GKE upgrades a GPU pool's nodes, by what the pool is for and where its capacity comes from
 * (GKE, "Node upgrade strategies", cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies;
 * the rules GKE enforces are in components/catalog/gcp-api-rules-resilience.ts):
 *
 * - serving on on-demand or Spot capacity: surge with `maxSurge 1, maxUnavailable 0`. A new node
 *   joins before an old one is drained, so the model servers keep their capacity (their
 *   PodDisruptionBudgets pace the evictions); blue-green is offered too, for a soak with rollback,
 *   at the price of a second pool's worth of GPUs during the upgrade;
 * - training, data, and serving on a reservation: surge with `maxSurge 0, maxUnavailable 1`. A
 *   surge node is one more GPU VM that the reservation does not hold and the zone may not have
 *   ("Ensure resources for node upgrades"); one node at a time goes down instead, and training
 *   resumes from its checkpoint;
 * - flex-start and queued provisioning (DWS): no settings. GKE upgrades those nodes with its
 *   short-lived strategy (new nodes come at the next provisioning), and neither surge nor
 *   blue-green applies.
 */
export const UPGRADE_STRATEGIES = ["surge", "blue-green"] as const;
export type UpgradeStrategy = (typeof UPGRADE_STRATEGIES)[number];

export interface PoolUpgradeArgs {
  /** @default "surge" */
  strategy?: UpgradeStrategy;
  /** Surge: extra nodes during the upgrade. @default 1 for serving on on-demand or Spot, else 0 */
  maxSurge?: number;
  /** Surge: nodes down at once. @default 0 for serving on on-demand or Spot, else 1 */
  maxUnavailable?: number;
  /** Blue-green: minutes each batch of new nodes soaks, and the old pool is kept for rollback. @default 30 */
  soakMinutes?: number;
}

/** The provider's `upgradeSettings`, or undefined for DWS pools (GKE's short-lived upgrades). */
export function poolUpgradeSettings(
  context: string,
  capacity: CapacityType,
  workloadType: "training" | "inference" | "data",
  given: PoolUpgradeArgs | undefined,
  fail: (message: string) => never,
): Record<string, unknown> | undefined {
  if (capacity === "queued" || capacity === "flex-start") {
    if (given)
      fail(
        `${context}: upgrade settings on ${capacity} capacity, which GKE upgrades with short-lived upgrades only (new nodes at the next provisioning). Remove upgrade from the pool`,
      );
    return undefined;
  }
  const strategy = given?.strategy ?? "surge";
  if (strategy === "blue-green") {
    if (capacity === "reservation")
      fail(
        `${context}: blue-green upgrades on reserved capacity need the reservation to hold a second pool's worth of VMs. Use the surge strategy (maxSurge 0, maxUnavailable 1)`,
      );
    const soak = given?.soakMinutes ?? 30;
    if (!Number.isInteger(soak) || soak < 0 || soak > 7 * 24 * 60)
      fail(`${context}: upgrade.soakMinutes must be a whole number of minutes up to 7 days (got ${soak})`);
    return {
      strategy: "BLUE_GREEN",
      blueGreenSettings: {
        standardRolloutPolicy: { batchNodeCount: 1, batchSoakDuration: `${soak * 60}s` },
        nodePoolSoakDuration: `${soak * 60}s`,
      },
    };
  }
  const keepsCapacity = workloadType === "inference" && capacity !== "reservation";
  const maxSurge = given?.maxSurge ?? (keepsCapacity ? 1 : 0);
  const maxUnavailable = given?.maxUnavailable ?? (keepsCapacity ? 0 : 1);
  for (const [key, value] of [
    ["maxSurge", maxSurge],
    ["maxUnavailable", maxUnavailable],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 100)
      fail(`${context}: upgrade.${key} must be a whole number from 0 to 100 (got ${value})`);
  }
  if (maxSurge === 0 && maxUnavailable === 0)
    fail(`${context}: upgrade with maxSurge 0 and maxUnavailable 0 can never upgrade a node. Set one of them to 1`);
  return { strategy: "SURGE", maxSurge, maxUnavailable };
}
