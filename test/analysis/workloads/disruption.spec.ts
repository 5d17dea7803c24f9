import * as assert from "node:assert";
import { analyzeDisruption, mostPods } from "../../../policies/lib/analysis/workloads/disruption";
import { planOf, type TestResource, urnOf } from "../../helpers/policy";
import { container, daemonSet, deployment, K8S } from "./fixtures";

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const pdb = (name: string, spec: Record<string, unknown>, ns?: string): TestResource => ({
  type: PDB,
  name: `pdb-${name}`,
  inputs: {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, ...(ns ? { namespace: ns } : {}) },
    spec,
  },
});
const web = (ns: string, name: string, replicas: number) =>
  deployment(ns, name, { containers: [container()] }, { replicas, labels: { app: "web" } });
const select = { selector: { matchLabels: { app: "web" } } };
const analyze = (...resources: TestResource[]) => analyzeDisruption(planOf(resources).resources);

/**
 * PodDisruptionBudgets against the plan's Pods: a budget selects the Pods of its own namespace that
 * its metav1.LabelSelector matches (policy/v1 PodDisruptionBudgetSpec.selector); the disruption
 * controller's disruptionsAllowed is the healthy Pods less desiredHealthy, where desiredHealthy is
 * minAvailable, or the expected Pods less maxUnavailable, percentages rounded up (kubernetes
 * pkg/controller/disruption/disruption.go getExpectedPodCount, GetScaledValueFromIntOrPercent).
 */
describe("workload simulation: disruption budgets (policy/v1 PodDisruptionBudget, pkg/controller/disruption)", () => {
  it("selects the Pods its selector matches in its own namespace, and counts the evictions each budget allows", () => {
    // The Deployment's Pods carry their template labels: app=<name>, so the selector names the workload.
    const analysis = analyze(
      deployment("team", "web", { containers: [container()] }, { replicas: 3 }),
      deployment("other", "web", { containers: [container()] }, { replicas: 5 }),
      deployment("team", "db", { containers: [container()] }, { replicas: 1 }),
      pdb("min", { minAvailable: 2, ...select }, "team"),
      pdb("max-zero", { maxUnavailable: 0, ...select }, "team"),
      pdb("max-half", { maxUnavailable: "50%", ...select }, "team"),
      pdb("none", { minAvailable: 1, selector: { matchLabels: { app: "cache" } } }, "team"),
    );
    const byName = new Map(analysis.budgets.map((b) => [b.name, b]));
    const min = byName.get("min")!;
    assert.deepStrictEqual(
      [
        min.namespace,
        min.source,
        min.spec,
        min.selects.map((s) => [s.workload.namespace, s.workload.name, s.pods]),
        min.allowed,
      ],
      ["team", "declared", { minAvailable: 2 }, [["team", "web", 3]], 1],
    );
    assert.strictEqual(min.urn, urnOf(PDB, "pdb-min"));
    assert.deepStrictEqual([byName.get("max-zero")!.spec, byName.get("max-zero")!.allowed], [{ maxUnavailable: 0 }, 0]);
    // 50 % of 3, rounded up: 2 may be unavailable.
    assert.deepStrictEqual(
      [byName.get("max-half")!.spec, byName.get("max-half")!.allowed],
      [{ maxUnavailable: "50%" }, 2],
    );
    assert.deepStrictEqual(byName.get("none")!.selects, []);
    const team = analysis.workloads.find((w) => w.namespace === "team" && w.name === "web")!;
    assert.deepStrictEqual(
      analysis.budgetsOf(team).map((b) => b.name),
      ["min", "max-zero", "max-half"],
    );
    const db = analysis.workloads.find((w) => w.name === "db")!;
    assert.deepStrictEqual(analysis.budgetsOf(db), []);
  });

  it("puts a budget without a namespace in default, and leaves DaemonSet Pods out of the count", () => {
    const analysis = analyze(
      deployment("default", "web", { containers: [container()] }, { replicas: 2 }),
      daemonSet("default", "web-agent", { containers: [container()] }),
      pdb("plain", { minAvailable: 1, selector: {} }),
    );
    const [budget] = analysis.budgets;
    assert.strictEqual(budget.namespace, "default");
    assert.deepStrictEqual(
      budget.selects.map((s) => [s.workload.name, s.pods]),
      [["web", 2]],
    );
    assert.strictEqual(budget.allowed, 1);
  });

  it("reads the chart's own budget from its facts (Kueue's manager-pdb.yaml), over its release's workload only", () => {
    const chart = (values: Record<string, unknown>, name = "kueue"): TestResource => ({
      type: K8S.chart,
      name,
      inputs: {
        chart: "oci://registry.k8s.io/kueue/charts/kueue",
        version: "0.19.2",
        namespace: "kueue-system",
        name,
        values,
      },
    });
    const analysis = analyze(
      chart({ controllerManager: { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } }),
    );
    assert.strictEqual(analysis.budgets.length, 1);
    const [budget] = analysis.budgets;
    assert.deepStrictEqual(
      [
        budget.name,
        budget.namespace,
        budget.spec,
        budget.selects.map((s) => [s.workload.name, s.pods]),
        budget.allowed,
      ],
      ["kueue-manager-pdb", "kueue-system", { minAvailable: 1 }, [["kueue-controller-manager", 2]], 1],
    );
    assert.strictEqual(budget.urn, urnOf(K8S.chart, "kueue"));
    assert.match(budget.source, /charts\/kueue\/templates\/manager\/manager-pdb\.yaml/);
    assert.deepStrictEqual(analyze(chart({ controllerManager: { replicas: 2 } })).budgets, []);
  });

  it("does not read the chart's facts where the CLI rendered the chart (its objects are children of the release)", () => {
    const chart: TestResource = {
      type: K8S.chart,
      name: "kueue",
      inputs: {
        chart: "oci://registry.k8s.io/kueue/charts/kueue",
        version: "0.19.2",
        namespace: "kueue-system",
        name: "kueue",
        values: { controllerManager: { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } },
      },
    };
    const rendered = { ...web("kueue-system", "kueue-controller-manager", 2), parent: urnOf(K8S.chart, "kueue") };
    const analysis = analyze(chart, rendered);
    assert.deepStrictEqual(analysis.budgets, []);
  });

  it("counts a workload's most Pods as its autoscaler's maximum where that is larger", () => {
    const [w] = analyze(web("team", "web", 2)).workloads;
    assert.strictEqual(mostPods(w), 2);
    assert.strictEqual(mostPods({ ...w, groups: w.groups.map((g) => ({ ...g, maxCount: 6 })) }), 6);
    assert.strictEqual(mostPods({ ...w, groups: w.groups.map((g) => ({ ...g, maxCount: 1 })) }), 2);
    assert.strictEqual(mostPods({ ...w, groups: w.groups.map((g) => ({ ...g, daemon: true })) }), 0);
  });
});
