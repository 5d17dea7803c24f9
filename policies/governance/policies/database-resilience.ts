import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export interface DatabaseResilienceConfig {
  /** Fewest automated backups kept. */
  minRetainedBackups: number;
}

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

/**
 * A production Cloud SQL instance survives a zone outage (availabilityType REGIONAL: a standby in
 * another zone with synchronous replication and automatic failover), a bad write (point-in-time
 * recovery from the write-ahead logs) and a regional outage (backups stored in another region or a
 * multi-region: backupConfiguration.location). Cloud SQL, "About high availability"
 * (cloud.google.com/sql/docs/postgres/high-availability), "Use point-in-time recovery" and "Custom
 * backup locations" (cloud.google.com/sql/docs/postgres/backup-recovery/backing-up#locationbackups).
 * Meant for prod.
 */
export const databaseResilience = resourcePolicy<DatabaseResilienceConfig>({
  name: "cnai-database-resilience",
  description:
    "Cloud SQL instances are highly available (REGIONAL), keep automated backups with point-in-time recovery, and store backups in " +
    "another region: a zone outage, a bad write and a regional outage each cost minutes, not the model registry.",
  config: { minRetainedBackups: { type: "integer", minimum: 1, default: 7 } },
  types: [SQL],
  validate: (args, report, config) => {
    const settings = at(args.props, "settings") ?? {};
    const backup = settings.backupConfiguration ?? {};
    if (settings.availabilityType !== "REGIONAL")
      report(
        `settings.availabilityType is ${settings.availabilityType ?? "unset (ZONAL)"}: a zone outage takes the database down. Set REGIONAL (modelRegistry.database.highAvailability: true).`,
      );
    if (backup.enabled !== true)
      report("settings.backupConfiguration.enabled is not true: no automated backups. Enable them.");
    if (backup.pointInTimeRecoveryEnabled !== true)
      report(
        "point-in-time recovery is off: a bad write can only be undone to the last daily backup. Set modelRegistry.database.pointInTimeRecovery: true.",
      );
    const retained = Number(backup.backupRetentionSettings?.retainedBackups ?? 7);
    if (retained < config.minRetainedBackups)
      report(
        `${retained} automated backups kept, fewer than ${config.minRetainedBackups}. Raise modelRegistry.database.retainedBackups.`,
      );
    const location = backup.location;
    if (!location || location === args.props.region)
      report(
        `backups are stored ${location ? `in the instance's own region ${location}` : "where Cloud SQL chooses (possibly the instance's region)"}: a regional outage takes them with the instance. Set modelRegistry.database.backupLocation to another region or a multi-region.`,
      );
  },
});
