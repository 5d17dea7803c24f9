import * as assert from "node:assert";
import { disruptionsAllowed } from "../../components/catalog/disruption";
import { analyzeDisruption } from "../../policies/lib/analysis/workloads/disruption";
import { planFromRun } from "../../scripts/lib/plan-document";
import { all, input, one } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

/** What the shipped stacks declare for resilience (issue 18): prod has all of it, dev and staging what they need. */
describe("resilience of the shipped stacks", () => {
  it("prod: PDBs that let drains proceed, a maintenance window with a freeze, upgrade settings per pool, a backup plan and an HA database", async function () {
    this.timeout(60_000);
    const run = await stackRun("prod");
    // Disruption budgets: the multi-replica model server and the two-replica model registry, each allowing an eviction.
    const budgets = all(run, PDB);
    assert.deepStrictEqual(
      budgets.map((b) => `${input(b, "metadata.namespace")}/${input(b, "metadata.name")}`).sort(),
      ["model-registry/model-registry-server", "team-nlp/chat-7b-predictor"],
    );
    const analysis = analyzeDisruption(
      planFromRun(run).resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
      })),
    );
    for (const budget of analysis.budgets) {
      assert.ok(budget.selects.length > 0, `${budget.name} selects Pods`);
      assert.ok(budget.allowed >= 1, `${budget.name} lets a drain evict a Pod`);
    }
    // Kueue's and cert-manager's chart budgets (2 replicas, minAvailable 1) are among them.
    assert.deepStrictEqual(
      analysis.budgets
        .filter((b) => b.source !== "declared")
        .map((b) => b.name)
        .sort(),
      ["cert-manager", "cert-manager-cainjector", "cert-manager-webhook", "kueue-manager-pdb"],
    );
    assert.strictEqual(disruptionsAllowed({ minAvailable: 1 }, 2), 1);

    const cluster = one(run, "gcp:container/cluster:Cluster");
    assert.deepStrictEqual(input(cluster, "releaseChannel"), { channel: "STABLE" });
    assert.deepStrictEqual(input(cluster, "maintenancePolicy.recurringWindow"), {
      startTime: "2026-01-03T01:00:00Z",
      endTime: "2026-01-03T09:00:00Z",
      recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
    });
    assert.deepStrictEqual(input(cluster, "maintenancePolicy.maintenanceExclusions.0.exclusionOptions"), {
      scope: "NO_MINOR_UPGRADES",
    });
    const pools = Object.fromEntries(
      all(run, "gcp:container/nodePool:NodePool").map((p) => [p.name, input(p, "upgradeSettings")]),
    );
    assert.deepStrictEqual(pools["l4-serve"], { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 });
    assert.deepStrictEqual(pools["h100-train"], { strategy: "SURGE", maxSurge: 0, maxUnavailable: 1 });

    const plan = one(run, "gcp:gkebackup/backupPlan:BackupPlan");
    assert.deepStrictEqual(input(plan, "backupConfig.selectedNamespaces.namespaces"), [
      "team-ml-platform",
      "team-vision",
      "team-nlp",
      "model-registry",
    ]);
    assert.deepStrictEqual(input(cluster, "addonsConfig.gkeBackupAgentConfig"), { enabled: true });

    const db = one(run, "gcp:sql/databaseInstance:DatabaseInstance");
    assert.strictEqual(input(db, "settings.availabilityType"), "REGIONAL");
    assert.strictEqual(input(db, "settings.backupConfiguration.pointInTimeRecoveryEnabled"), true);
    assert.strictEqual(input(db, "settings.backupConfiguration.location"), "us-east1");
  });

  it("dev: the daily window, no backup plan, one controller replica without chart budgets", async function () {
    this.timeout(60_000);
    const run = await stackRun("dev");
    const cluster = one(run, "gcp:container/cluster:Cluster");
    assert.deepStrictEqual(input(cluster, "maintenancePolicy"), { dailyMaintenanceWindow: { startTime: "03:00" } });
    assert.strictEqual(all(run, "gcp:gkebackup/backupPlan:BackupPlan").length, 0);
    const kueue = all(run, "kubernetes:helm.sh/v4:Chart").find((c) => input(c, "name") === "kueue")!;
    assert.strictEqual(input(kueue, "values.controllerManager"), undefined);
  });
});
