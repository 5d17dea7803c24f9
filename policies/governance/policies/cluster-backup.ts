import { stackPolicy } from "../../lib/policy";

export interface ClusterBackupConfig {
  /** Fewest days a scheduled backup is kept. */
  minRetainDays: number;
}

const CLUSTER = "gcp:container/cluster:Cluster";
const BACKUP_PLAN = "gcp:gkebackup/backupPlan:BackupPlan";

/**
 * A production cluster's state (the teams' objects, Secrets and volumes) can be restored: its Backup
 * for GKE agent is on, and a backup plan backs it up on a schedule that is not paused, with Secrets
 * and volume data, kept a minimum number of days (Backup for GKE, "Plan a set of backups",
 * cloud.google.com/kubernetes-engine/docs/add-on/backup-for-gke/how-to/backup-plan). Backup plans
 * name their cluster by id, unknown until apply, so any plan of the stack counts for its cluster.
 * Meant for prod.
 */
export const clusterBackup = stackPolicy<ClusterBackupConfig>({
  name: "cnai-cluster-backup",
  description:
    "GKE clusters are backed up by Backup for GKE: the agent is on, and a scheduled, unpaused backup plan keeps Secrets and volume data " +
    "for a minimum number of days, so a deleted namespace or a corrupted volume can be restored.",
  config: { minRetainDays: { type: "integer", minimum: 1, default: 7 } },
  validate: (args, report, config) => {
    const plans = args.resources.filter((r) => r.type === BACKUP_PLAN);
    for (const cluster of args.resources.filter((r) => r.type === CLUSTER)) {
      if (cluster.props.addonsConfig?.gkeBackupAgentConfig?.enabled !== true)
        report(
          "the Backup for GKE agent is off (addonsConfig.gkeBackupAgentConfig.enabled), so no backup plan can back this cluster up. Set resilience.backup.enabled: true.",
          cluster.urn,
        );
      if (!plans.length)
        report(
          "no Backup for GKE backup plan backs this cluster up. Set resilience.backup.enabled: true (components/data/cluster-backup.ts).",
          cluster.urn,
        );
    }
    for (const plan of plans) {
      const schedule = plan.props.backupSchedule ?? {};
      if (!schedule.cronSchedule && !schedule.rpoConfig)
        report("the backup plan has no schedule (backupSchedule.cronSchedule): no backup is ever taken.", plan.urn);
      if (schedule.paused === true) report("the backup plan's schedule is paused.", plan.urn);
      if (plan.props.backupConfig?.includeSecrets !== true || plan.props.backupConfig?.includeVolumeData !== true)
        report(
          "the backup plan leaves out Secrets or volume data (backupConfig.includeSecrets, includeVolumeData): a restore would bring back objects without their data.",
          plan.urn,
        );
      const days = Number(plan.props.retentionPolicy?.backupRetainDays ?? 0);
      if (days < config.minRetainDays)
        report(
          `backups are kept ${days || "no"} days, fewer than ${config.minRetainDays}. Raise resilience.backup.retainDays.`,
          plan.urn,
        );
    }
  },
});
