import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { disruptionsAllowed } from "../../components/catalog/disruption";
import type { PoolTarget } from "../../components/compute/gpu-pool-rules";
import { ModelRegistry, type ModelRegistryKind } from "../../components/registry/model-registry";
import { certManagerValues } from "../../components/serving/kserve";
import { ModelDeployment, type ModelDeploymentArgs } from "../../components/serving/model-deployment";
import { analyzeDisruption } from "../../policies/lib/analysis/workloads/disruption";
import { planFromRun } from "../../scripts/lib/plan-document";
import { kserveStandard, namespace, servingRuntime } from "../analysis/workloads/fixtures";
import { planOf } from "../helpers/policy";
import { all, input, run, STACK_LABELS } from "../helpers/run";

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const POOL: PoolTarget = { nodePool: "gpu-l4", accelerator: "nvidia-l4", gpusPerNode: 2, cpu: 21, memoryGi: 81 };

function model(overrides: Partial<ModelDeploymentArgs> = {}) {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    new ModelDeployment(
      "llm",
      {
        labels: STACK_LABELS,
        team: "nlp",
        namespace: "team-nlp",
        mode: "Standard",
        storageUri: "gs://cnai-test-models/llm",
        gpus: 1,
        pool: POOL,
        carbonTier: "low",
        // The Prometheus query API KEDA reads vLLM's queue from: a GPU model server scales on it, never on CPU.
        metricsQueryUrl: "http://prometheus.monitoring.svc:9090",
        ...overrides,
      },
      { providers: { kubernetes: provider } },
    );
  });
}

function registry(kind: ModelRegistryKind, replicas: number) {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    new ModelRegistry(
      "mr",
      {
        labels: STACK_LABELS,
        kind,
        replicas,
        database: { host: "10.30.0.5", port: 5432, databaseName: "r", userName: "r", password: pulumi.secret("x") },
        modelsBucket: "cnai-test-models",
        serviceAccountEmail: "r@acme-test.iam.gserviceaccount.com",
      },
      { providers: { kubernetes: provider } },
    );
  });
}

describe("disruption budgets", () => {
  describe("ModelDeployment", () => {
    it("gives a predictor that may run more than one replica a budget over KServe's predictor Pod labels, one eviction at a time", async () => {
      const [pdb] = all(await model({ minReplicas: 1, maxReplicas: 4 }), PDB);
      assert.deepStrictEqual(input(pdb, "metadata.namespace"), "team-nlp");
      assert.deepStrictEqual(input(pdb, "spec"), {
        maxUnavailable: 1,
        // kserve/kserve v0.20.0 components/predictor.go buildObjectMeta.
        selector: { matchLabels: { "serving.kserve.io/inferenceservice": "llm", component: "predictor" } },
        unhealthyPodEvictionPolicy: "AlwaysAllow",
      });
    });

    it("gives a single-replica predictor none, and none when turned off", async () => {
      assert.strictEqual(all(await model({ minReplicas: 1, maxReplicas: 1 }), PDB).length, 0);
      assert.strictEqual(all(await model({ maxReplicas: 4, disruptionBudget: false }), PDB).length, 0);
    });

    it("selects the Pods the workload simulation derives for the InferenceService, and lets a drain evict one", async () => {
      // A named runtime must list the model's format, or KServe refuses it (kserve v0.20.0
      // pkg/controller/v1beta1/inferenceservice/components/predictor.go reconcileModel): the fixture's lists `custom`.
      const result = await model({
        minReplicas: 2,
        maxReplicas: 4,
        image: "example/server:1.0",
        runtime: "custom",
        modelFormat: "custom",
      });
      const plan = planFromRun(result);
      const resources = [
        ...planOf([
          namespace("team-nlp"),
          kserveStandard,
          servingRuntime("custom", "team-nlp", { containers: [{ name: "kserve-container", image: "srv:1" }] }),
        ]).resources,
        ...plan.resources,
      ].map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.inputs }));
      const analysis = analyzeDisruption(resources);
      const [budget] = analysis.budgets;
      assert.deepStrictEqual(
        budget.selects.map((s) => [s.workload.kind, s.workload.name, s.pods]),
        [["InferenceService", "llm", 2]],
      );
      assert.strictEqual(budget.allowed, 1);
    });
  });

  describe("ModelRegistry", () => {
    for (const [kind, selector] of [
      ["kubeflow", { "app.kubernetes.io/name": "model-registry", component: "model-registry-server" }],
      // community-charts mlflow-1.11.5 templates/_helpers.tpl mlflow.selectorLabels for release "mlflow".
      ["mlflow", { app: "mlflow", "app.kubernetes.io/name": "mlflow", "app.kubernetes.io/instance": "mlflow" }],
    ] as const) {
      it(`gives ${kind} with two replicas a budget over its server's Pods, and one replica none`, async () => {
        const [pdb] = all(await registry(kind, 2), PDB);
        assert.deepStrictEqual(input(pdb, "spec.selector"), { matchLabels: selector });
        assert.strictEqual(input(pdb, "spec.maxUnavailable"), 1);
        assert.strictEqual(all(await registry(kind, 1), PDB).length, 0);
      });
    }
  });

  describe("cert-manager values (KServe)", () => {
    it("keeps one replica and no budget by default; with more, every component gets replicas and a budget that allows an eviction", () => {
      assert.deepStrictEqual(certManagerValues(1), { crds: { enabled: true } });
      const values = certManagerValues(3) as Record<string, { replicaCount: number; podDisruptionBudget: object }>;
      for (const component of [values, values.webhook, values.cainjector]) {
        assert.strictEqual(component.replicaCount, 3);
        assert.deepStrictEqual(component.podDisruptionBudget, { enabled: true, minAvailable: 2 });
        assert.strictEqual(disruptionsAllowed({ minAvailable: 2 }, 3), 1);
      }
    });
  });
});
