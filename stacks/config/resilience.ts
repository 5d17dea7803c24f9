import { z } from "zod";
import {
  EXCLUSION_SCOPES,
  exclusionProblem,
  MAINTENANCE_WINDOW_AVAILABILITY,
} from "../../components/catalog/gcp-api-rules-resilience";
import { poolUpgradeSettings, UPGRADE_STRATEGIES } from "../../components/compute/pool-upgrades";

/**
 * The `resilience` settings: how many replicas the platform controllers run (with their charts'
 * disruption budgets), and when GKE may upgrade the cluster (a recurring window, and exclusions
 * that freeze upgrades of a scope for a period). docs/resilience.md explains each choice.
 */

const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, {
  error: "an RFC 3339 UTC time: 2026-12-18T00:00:00Z",
});

const windowSchema = z
  .strictObject({
    start: rfc3339.describe("Start of the first window, RFC 3339 UTC."),
    end: rfc3339.describe("End of the first window, RFC 3339 UTC: the difference is each window's length."),
    recurrence: z
      .string()
      .regex(/^FREQ=(DAILY|WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*)$/, {
        error: "an RFC 5545 recurrence the blueprint checks: FREQ=DAILY, or FREQ=WEEKLY;BYDAY=SA,SU",
      })
      .describe("RFC 5545 RRULE: FREQ=DAILY, or FREQ=WEEKLY;BYDAY=SA,SU."),
  })
  .superRefine((window, ctx) => {
    const problem = MAINTENANCE_WINDOW_AVAILABILITY.check(window);
    if (problem) ctx.addIssue({ code: "custom", input: window, message: `a window GKE accepts; got ${problem}` });
  });

const exclusionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][-A-Za-z0-9 ]{0,62}$/, { error: "a name of letters, digits, '-' and spaces" })
      .describe("The exclusion's name, unique in the cluster."),
    start: rfc3339.describe("Start, RFC 3339 UTC."),
    end: rfc3339.describe("End, RFC 3339 UTC."),
    scope: z
      .enum(EXCLUSION_SCOPES)
      .describe(
        "NO_UPGRADES (at most 30 days), NO_MINOR_UPGRADES (patches still apply) or NO_MINOR_OR_NODE_UPGRADES (control plane patches only).",
      ),
  })
  .superRefine((e, ctx) => {
    // The blueprint's clusters are always on a release channel (cluster.releaseChannel).
    const problem = exclusionProblem({ ...e, untilEndOfSupport: false }, "REGULAR");
    if (problem) ctx.addIssue({ code: "custom", input: e, message: `an exclusion GKE accepts; got ${problem}` });
  });

export const backupSchema = z
  .strictObject({
    enabled: z.boolean().describe("Backup for GKE over the namespaces that hold state (prod)."),
    schedule: z
      .string()
      .regex(/^\S+( \S+){4}$/, { error: "a five-field cron expression (0 2 * * *)" })
      .describe("When backups are taken: a five-field cron expression, UTC."),
    retainDays: z.number().int().min(1).max(365).describe("Days a backup is kept."),
    deleteLockDays: z.number().int().min(0).max(90).describe("Days a backup cannot be deleted."),
  })
  .refine((b) => b.retainDays >= b.deleteLockDays, {
    error: "retainDays at least deleteLockDays (a backup cannot be deleted while it is locked)",
  });

export const resilienceSchema = z.strictObject({
  controllerReplicas: z
    .number()
    .int()
    .min(1)
    .max(5)
    .describe("Replicas of Kueue and cert-manager; 2 or more adds their charts' PodDisruptionBudgets."),
  maintenance: z
    .strictObject({
      window: windowSchema
        .optional()
        .describe("A recurring maintenance window instead of the daily one at cluster.maintenanceWindowStart."),
      exclusions: z
        .array(exclusionSchema)
        .max(20)
        .describe("Periods with no upgrades of a scope (GKE keeps at most 20)."),
    })
    .describe("When GKE may upgrade the cluster."),
  backup: backupSchema.describe("Backup for GKE."),
});

/** A GPU pool's `upgrade` settings (components/compute/pool-upgrades.ts). */
export const poolUpgradeSchema = z.strictObject({
  strategy: z.enum(UPGRADE_STRATEGIES).optional().describe("surge (default) or blue-green."),
  maxSurge: z.number().int().min(0).max(100).optional().describe("Surge: extra nodes during the upgrade."),
  maxUnavailable: z.number().int().min(0).max(100).optional().describe("Surge: nodes down at once."),
  soakMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .optional()
    .describe("Blue-green: minutes each batch of new nodes soaks before the old ones go."),
});

/** What is wrong with a pool's upgrade settings for its capacity and purpose (the component's own check). */
export function poolUpgradeProblem(
  pool: {
    capacity: { type: Parameters<typeof poolUpgradeSettings>[1] };
    workloadType: "training" | "inference" | "data";
  },
  upgrade: z.infer<typeof poolUpgradeSchema> | undefined,
): string | undefined {
  try {
    poolUpgradeSettings("upgrade", pool.capacity.type, pool.workloadType, upgrade, (message) => {
      throw new Error(message);
    });
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^upgrade: /, "");
  }
}
