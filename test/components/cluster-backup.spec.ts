import * as assert from "node:assert";
import { ClusterBackup, type ClusterBackupArgs } from "../../components/data/cluster-backup";
import type { ProgramError } from "../../scripts/lib/engine";
import { input, one, run, STACK_LABELS } from "../helpers/run";

const PLAN = "gcp:gkebackup/backupPlan:BackupPlan";

function args(overrides: Partial<ClusterBackupArgs> = {}): ClusterBackupArgs {
  return {
    project: "acme-test",
    region: "us-central1",
    prefix: "cnai-test",
    labels: STACK_LABELS,
    cluster: "projects/acme-test/locations/us-central1/clusters/cnai-test-gke",
    namespaces: ["team-nlp", "model-registry"],
    ...overrides,
  };
}

const backup = (overrides: Partial<ClusterBackupArgs> = {}) =>
  run(() => new ClusterBackup("gke-backup", args(overrides)));

describe("ClusterBackup", () => {
  it("backs the namespaces up daily with Secrets and volume data, kept 30 days and locked 7, in the cluster's region", async () => {
    const plan = one(await backup(), PLAN);
    assert.strictEqual(input(plan, "location"), "us-central1");
    assert.strictEqual(input(plan, "name"), "cnai-test-gke-backup");
    assert.deepStrictEqual(input(plan, "backupSchedule"), { cronSchedule: "0 2 * * *" });
    assert.deepStrictEqual(input(plan, "retentionPolicy"), { backupRetainDays: 30, backupDeleteLockDays: 7 });
    assert.deepStrictEqual(input(plan, "backupConfig"), {
      includeVolumeData: true,
      includeSecrets: true,
      selectedNamespaces: { namespaces: ["team-nlp", "model-registry"] },
    });
    assert.strictEqual(input(plan, "deletionPolicy"), "DELETE");
    assert.strictEqual(input(plan, "labels.component" as never), "cluster-backup");
  });

  it("protects the plan when asked (Pulumi protect and deletionPolicy PREVENT)", async () => {
    const plan = one(await backup({ protect: true }), PLAN);
    assert.strictEqual(plan.options.protect, true);
    assert.strictEqual(input(plan, "deletionPolicy"), "PREVENT");
  });

  it("refuses what Backup for GKE refuses (a retention shorter than the delete lock) and creates no plan", async () => {
    await assert.rejects(backup({ retainDays: 3, deleteLockDays: 7 }), (error: ProgramError) => {
      assert.match(
        error.message,
        /^ClusterBackup "gke-backup": retentionPolicy.backupRetainDays 3 below backupDeleteLockDays 7/,
      );
      assert.strictEqual(error.resources.filter((r) => r.type === PLAN).length, 0);
      return true;
    });
    await assert.rejects(backup({ namespaces: [] }), /namespaces: at least one namespace/);
  });
});
