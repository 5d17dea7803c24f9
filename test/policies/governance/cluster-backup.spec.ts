import * as assert from "node:assert";
import { clusterBackup } from "../../../policies/governance/policies/cluster-backup";
import { messagesOf } from "../../helpers/policy";

const CLUSTER = {
  type: "gcp:container/cluster:Cluster",
  inputs: { addonsConfig: { gkeBackupAgentConfig: { enabled: true } } },
};
const plan = (inputs: Record<string, unknown> = {}) => ({
  type: "gcp:gkebackup/backupPlan:BackupPlan",
  inputs: {
    cluster: "projects/p/locations/us-central1/clusters/c",
    backupSchedule: { cronSchedule: "0 2 * * *" },
    backupConfig: { includeSecrets: true, includeVolumeData: true, selectedNamespaces: { namespaces: ["team-a"] } },
    retentionPolicy: { backupRetainDays: 30, backupDeleteLockDays: 7 },
    ...inputs,
  },
});

describe("policy cnai-cluster-backup", () => {
  it("passes a cluster with the agent on and a scheduled plan keeping Secrets and volumes 30 days", async () => {
    assert.deepStrictEqual(await messagesOf(clusterBackup, [CLUSTER, plan()]), []);
  });

  it("reports a cluster with the agent off and no backup plan", async () => {
    const messages = await messagesOf(clusterBackup, [{ type: CLUSTER.type, inputs: {} }]);
    assert.strictEqual(messages.length, 2);
    assert.match(messages[0], /the Backup for GKE agent is off/);
    assert.match(messages[1], /no Backup for GKE backup plan backs this cluster up/);
  });

  it("reports a plan with no schedule, a paused one, no Secrets or volumes, or too short a retention", async () => {
    const messages = await messagesOf(clusterBackup, [
      CLUSTER,
      plan({
        backupSchedule: { paused: true },
        backupConfig: { includeSecrets: false, includeVolumeData: true },
        retentionPolicy: { backupRetainDays: 3 },
      }),
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(":")[0].split(" (")[0]),
      [
        "the backup plan has no schedule",
        "the backup plan's schedule is paused.",
        "the backup plan leaves out Secrets or volume data",
        "backups are kept 3 days, fewer than 7. Raise resilience.backup.retainDays.",
      ],
    );
  });

  it("reports an agent config without the backup agent, and a plan without backupConfig or retentionPolicy", async () => {
    const cluster = { type: CLUSTER.type, inputs: { addonsConfig: { httpLoadBalancing: { disabled: false } } } };
    const bare = {
      type: "gcp:gkebackup/backupPlan:BackupPlan",
      inputs: { cluster: "projects/p/locations/us-central1/clusters/c", backupSchedule: { cronSchedule: "0 2 * * *" } },
    };
    const messages = await messagesOf(clusterBackup, [cluster, bare]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(" (")[0].split(":")[0]),
      [
        "the Backup for GKE agent is off",
        "the backup plan leaves out Secrets or volume data",
        "backups are kept no days, fewer than 7. Raise resilience.backup.retainDays.",
      ],
    );
  });

  // gkebackup BackupPlan: includeSecrets and includeVolumeData are separate switches; the retention floor is
  // inclusive (at least minRetainDays); an RPO-based schedule (backupSchedule.rpoConfig) is a schedule too.
  it("needs both Secrets and volume data, and admits a retention of exactly the minimum", async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ backupConfig: { includeSecrets: true, includeVolumeData: false } }, 1],
      [
        { backupConfig: { includeSecrets: true, includeVolumeData: true }, retentionPolicy: { backupRetainDays: 7 } },
        0,
      ],
      [{ retentionPolicy: { backupRetainDays: 6 } }, 1],
      [{ backupSchedule: { rpoConfig: { targetRpoMinutes: 1440 } } }, 0],
    ];
    for (const [inputs, count] of cases)
      assert.strictEqual(
        (await messagesOf(clusterBackup, [CLUSTER, plan(inputs)])).length,
        count,
        JSON.stringify(inputs),
      );
  });
});
