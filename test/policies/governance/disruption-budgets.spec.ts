import * as assert from "node:assert";
import { disruptionBudgets } from "../../../policies/governance/policies/disruption-budgets";
import { causeOf } from "../../../scripts/lib/policy-engine";
import {
  container,
  deployment,
  K8S,
  kserveStandard,
  modelIsvc,
  namespace,
  servingRuntime,
} from "../../analysis/workloads/fixtures";
import { type TestResource, urnOf, violationsOf } from "../../helpers/policy";

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

function budget(
  ns: string,
  name: string,
  selector: Record<string, string>,
  spec: Record<string, unknown>,
): TestResource {
  return {
    type: PDB,
    name,
    inputs: {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name, namespace: ns },
      spec: { ...spec, selector: { matchLabels: selector } },
    },
  };
}

/** An InferenceService scaling from 1 to `max` replicas. */
function scaled(name: string, max: number): TestResource {
  const isvc = modelIsvc(name, "team", { image: "example/server:1.0" });
  const predictor = (isvc.inputs.spec as { predictor: Record<string, unknown> }).predictor;
  predictor.maxReplicas = max;
  return isvc;
}

const runtime = servingRuntime("custom", "team", { containers: [{ name: "kserve-container", image: "srv:1" }] });

// KServe v0.20.0 labels every predictor Pod with these (components/predictor.go buildObjectMeta).
const predictorOf = (name: string) => ({ "serving.kserve.io/inferenceservice": name, component: "predictor" });

describe("cnai-disruption-budgets", () => {
  it("passes a multi-replica model server with a budget that lets drains proceed, and a single-replica one without", async () => {
    assert.deepStrictEqual(
      await violationsOf(disruptionBudgets, [
        namespace("team"),
        kserveStandard,
        runtime,
        scaled("chat", 4),
        budget("team", "chat-predictor", predictorOf("chat"), { maxUnavailable: 1 }),
        scaled("single", 1),
      ]),
      [],
    );
  });

  it("reports a model server that may run several replicas with no budget selecting its Pods", async () => {
    const violations = await violationsOf(disruptionBudgets, [
      namespace("team"),
      kserveStandard,
      runtime,
      scaled("chat", 4),
      // A budget in another namespace, and one over other labels, do not count.
      namespace("other"),
      budget("other", "chat-predictor", predictorOf("chat"), { maxUnavailable: 1 }),
      budget("team", "wrong", { app: "chat" }, { maxUnavailable: 1 }),
    ]);
    assert.strictEqual(violations.length, 1);
    assert.strictEqual(violations[0].urn, urnOf(K8S.inferenceService, "chat"));
    assert.match(violations[0].message, /InferenceService team\/chat may run 4 replicas but no PodDisruptionBudget/);
  });

  it("reports a budget that allows no eviction at the workload's minimum scale (minAvailable 1 over one replica)", async () => {
    const violations = await violationsOf(disruptionBudgets, [
      namespace("team"),
      kserveStandard,
      runtime,
      scaled("chat", 4),
      budget("team", "chat-predictor", predictorOf("chat"), { minAvailable: 1 }),
      deployment("team", "api", { containers: [container()] }, { replicas: 2 }),
      budget("team", "api", { app: "api" }, { minAvailable: "100%" }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(PDB, "chat-predictor"), urnOf(PDB, "api")],
    );
    assert.match(
      violations[0].message,
      /allows no eviction with minAvailable 1 over 1 Pod\(s\) of InferenceService team\/chat/,
    );
  });

  it("reads the budgets charts render from the values: cert-manager's default minAvailable 1 over one webhook replica", async () => {
    const certManager = (values: Record<string, unknown>): TestResource => ({
      type: K8S.chart,
      name: "cert-manager",
      inputs: { chart: "cert-manager", version: "v1.19.2", namespace: "cert-manager", name: "cert-manager", values },
    });
    const blocked = await violationsOf(disruptionBudgets, [
      namespace("cert-manager"),
      certManager({ webhook: { podDisruptionBudget: { enabled: true } } }),
    ]);
    assert.strictEqual(blocked.length, 1);
    assert.match(
      blocked[0].message,
      /cert-manager\/cert-manager-webhook \(.*webhook-poddisruptionbudget.yaml\) allows no eviction/,
    );
    assert.deepStrictEqual(
      await violationsOf(disruptionBudgets, [
        namespace("cert-manager"),
        certManager({ webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } }),
      ]),
      [],
    );
  });

  it("reads Kueue's manager budget (minAvailable only) against its replicas", async () => {
    const kueue = (controllerManager: Record<string, unknown>): TestResource => ({
      type: K8S.chart,
      name: "kueue",
      inputs: {
        chart: "oci://registry.k8s.io/kueue/charts/kueue",
        version: "0.19.2",
        namespace: "kueue-system",
        name: "kueue",
        values: { controllerManager },
      },
    });
    const blocked = await violationsOf(disruptionBudgets, [
      namespace("kueue-system"),
      kueue({ podDisruptionBudget: { enabled: true } }),
    ]);
    assert.match(blocked[0]?.message ?? "", /kueue-manager-pdb .* allows no eviction with minAvailable 1 over 1 Pod/);
    assert.deepStrictEqual(
      await violationsOf(disruptionBudgets, [
        namespace("kueue-system"),
        kueue({ replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } }),
      ]),
      [],
    );
  });

  it("names the workload, its replicas and the fix; checks only the configured serving kinds", async () => {
    const violations = await violationsOf(disruptionBudgets, [
      namespace("team"),
      kserveStandard,
      runtime,
      scaled("chat", 3),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => causeOf(v)),
      [
        "InferenceService team/chat may run 3 replicas but no PodDisruptionBudget selects its Pods: a node upgrade or scale-down can evict them all at once. " +
          "Add a policy/v1 PodDisruptionBudget with maxUnavailable of at least 1 over its Pod labels (ModelDeployment creates one unless disruptionBudget is false).",
      ],
    );
    const api = deployment("team", "api", { containers: [container()] }, { replicas: 3 });
    assert.deepStrictEqual(await violationsOf(disruptionBudgets, [namespace("team"), api]), []);
    const asServing = await violationsOf(disruptionBudgets, [namespace("team"), api], { servingKinds: ["Deployment"] });
    assert.match(
      causeOf(asServing[0]),
      /^Deployment team\/api may run 3 replicas but no PodDisruptionBudget selects its Pods/,
    );
  });

  // policy/v1 PodDisruptionBudget: maxUnavailable 0 allows no voluntary eviction, and minAvailable equal to
  // the Pods selected (across every workload the selector matches) allows none either.
  it("reports maxUnavailable 0, and a budget over several workloads' Pods, naming each workload", async () => {
    const web = deployment("team", "web", { containers: [container()] }, { replicas: 2 });
    const zero = await violationsOf(disruptionBudgets, [
      namespace("team"),
      web,
      budget("team", "web", { app: "web" }, { maxUnavailable: 0 }),
    ]);
    assert.deepStrictEqual(zero.map(causeOf), [
      "PodDisruptionBudget team/web allows no eviction with maxUnavailable 0 over 2 Pod(s) of Deployment team/web: every node drain and upgrade stalls on it " +
        "(GKE waits up to an hour a node, then evicts anyway). Run more replicas than minAvailable, or use maxUnavailable of at least 1.",
    ]);
    const both: TestResource = {
      type: PDB,
      name: "frontends",
      inputs: {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "frontends", namespace: "team" },
        spec: {
          minAvailable: 3,
          selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] },
        },
      },
    };
    const api = deployment("team", "api", { containers: [container()] }, { replicas: 1 });
    const [shared] = await violationsOf(disruptionBudgets, [namespace("team"), web, api, both]);
    assert.match(
      causeOf(shared),
      /^PodDisruptionBudget team\/frontends allows no eviction with minAvailable 3 over 3 Pod\(s\) of Deployment team\/web, Deployment team\/api:/,
    );
  });
});
