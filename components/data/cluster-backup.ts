import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertApiRules } from "../catalog/gcp-api-rules";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { governanceLabels, type StackLabels } from "../labels";
import { NAME_LIMITS, physicalName } from "../naming";

export interface ClusterBackupArgs {
  project: string;
  /** The cluster's region: a backup plan lives in the region of its cluster's location or the cluster's own. */
  region: string;
  prefix: string;
  labels: StackLabels;
  /** The cluster's id (`projects/*\/locations/*\/clusters/*`); its Backup for GKE agent must be on. */
  cluster: pulumi.Input<string>;
  /** Namespaces whose objects, Secrets and volumes are backed up. */
  namespaces: pulumi.Input<string>[];
  /** Cron schedule, UTC. @default "0 2 * * *" (daily, before the 03:00 maintenance window) */
  schedule?: string;
  /** Days a backup is kept. @default 30 */
  retainDays?: number;
  /** Days a backup cannot be deleted (protection against a mistaken or malicious delete). @default 7 */
  deleteLockDays?: number;
  /** Refuse `pulumi destroy` of the plan (deletionPolicy PREVENT). @default false */
  protect?: boolean;
}

const BACKUP_PLAN = "gcp:gkebackup/backupPlan:BackupPlan";

/**
 * Backup for GKE: a backup plan for the namespaces that hold state (their Kubernetes objects,
 * Secrets and persistent volumes), on a schedule, with a retention and a delete lock. Restoring
 * takes a restore plan and a restore (docs/resilience.md, "Restore a namespace"). The cluster needs
 * the Backup for GKE agent (GkeCluster `backupAgent`) and the project gkebackup.googleapis.com.
 */
export class ClusterBackup extends pulumi.ComponentResource {
  public readonly plan: gcp.gkebackup.BackupPlan;

  constructor(name: string, args: ClusterBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:data:ClusterBackup", name, {}, opts);
    const spec = resolveClusterBackupArgs(name, args, this);
    const planArgs: gcp.gkebackup.BackupPlanArgs = {
      project: args.project,
      location: args.region,
      name: physicalName([args.prefix, "gke-backup"], NAME_LIMITS.compute),
      cluster: args.cluster,
      description: "Backups of the namespaces that hold state (cnai-platform).",
      retentionPolicy: { backupRetainDays: spec.retainDays, backupDeleteLockDays: spec.deleteLockDays },
      backupSchedule: { cronSchedule: spec.schedule },
      backupConfig: {
        includeVolumeData: true,
        includeSecrets: true,
        selectedNamespaces: { namespaces: args.namespaces },
      },
      labels: governanceLabels(args.labels, "cluster-backup"),
      deletionPolicy: spec.protect ? "PREVENT" : "DELETE",
    };
    assertApiRules(
      BACKUP_PLAN,
      planArgs as unknown as Record<string, unknown>,
      argumentError("ClusterBackup", name, this),
    );
    this.plan = new gcp.gkebackup.BackupPlan(name, planArgs, childOptions(this, opts, { protect: spec.protect }));
    this.registerOutputs({ plan: this.plan.id });
  }
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveClusterBackupArgs(name: string, args: ClusterBackupArgs, resource?: pulumi.Resource) {
  const fail = argumentError("ClusterBackup", name, resource);
  const schedule = args.schedule ?? "0 2 * * *";
  if (schedule.trim().split(/\s+/).length !== 5) fail(`schedule "${schedule}" is not a five-field cron expression`);
  if (args.namespaces.length === 0) fail("namespaces: at least one namespace to back up");
  return {
    schedule,
    retainDays: args.retainDays ?? 30,
    deleteLockDays: args.deleteLockDays ?? 7,
    protect: args.protect ?? false,
  };
}
