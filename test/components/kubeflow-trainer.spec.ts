import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import { HELM_CHARTS, IMAGES, TRAINING_OPERATOR_V1 } from "../../components/catalog/software";
import {
  KubeflowTrainer,
  type KubeflowTrainerArgs,
  TORCH_RUNTIME,
  TRAINER_CONTAINER,
  TRAINER_REPLICATED_JOB,
} from "../../components/training/kubeflow-trainer";
import { checkObjects, type KubernetesObject } from "../../scripts/lib/conformance";
import type { RunResult } from "../../scripts/lib/engine";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { crdIndex } from "../helpers/conformance";
import {
  assertDependsOnReachesChildren,
  assertOciChart,
  expectedPodSecurityLabels,
} from "../helpers/kubernetes-checks";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:training:KubeflowTrainer";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CHART = "kubernetes:helm.sh/v4:Chart";
const RUNTIME = "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime";
const KUSTOMIZE = "kubernetes:kustomize/v2:Directory";
const PROVIDER = "pulumi:providers:kubernetes";

const SUSTAINABILITY = { workloadType: "training", shiftable: true, carbonTier: "low" } as const;
const PLATFORM_LABELS = kubernetesLabels("kubeflow-trainer");

function args(overrides: Partial<KubeflowTrainerArgs> = {}): KubeflowTrainerArgs {
  return { labels: STACK_LABELS, sustainability: SUSTAINABILITY, ...overrides };
}

/** Runs KubeflowTrainer with its own Kubernetes provider, passed as `providers`. */
function trainer(overrides: Partial<KubeflowTrainerArgs> = {}): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const kt = new KubeflowTrainer("trainer", args(overrides), { providers: { kubernetes: provider } });
    return { runtime: kt.runtime };
  });
}

const metadata = (resource: RecordedResource) => resource.inputs.metadata as Record<string, unknown>;
describe("KubeflowTrainer", () => {
  describe("defaults", () => {
    it("creates the kubeflow-system namespace with the platform labels and Pod Security baseline", async () => {
      const ns = one(await trainer(), NAMESPACE);
      assert.deepStrictEqual(ns.inputs.metadata, {
        name: "kubeflow-system",
        labels: {
          ...PLATFORM_LABELS,
          ...expectedPodSecurityLabels("baseline"),
        },
      });
      assert.strictEqual(HELM_CHARTS.kubeflowTrainer.namespace, "kubeflow-system");
    });

    it("installs the pinned kubeflow-trainer chart from its OCI reference, as release kubeflow-trainer, after the namespace", async () => {
      const result = await trainer();
      assertOciChart(result, {
        chart: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer",
        version: HELM_CHARTS.kubeflowTrainer.version,
        namespace: "kubeflow-system",
        release: "kubeflow-trainer",
      });
      assert.strictEqual(HELM_CHARTS.kubeflowTrainer.chart, "oci://ghcr.io/kubeflow/charts/kubeflow-trainer");
    });

    it("installs JobSet with the chart and none of the chart's runtimes (their installer Job downloads kubectl)", async () => {
      const chart = one(await trainer(), CHART);
      assert.deepStrictEqual(input(chart, "values"), {
        jobset: { install: true },
        runtimes: { defaultEnabled: false, torchDistributed: { enabled: false } },
      });
    });

    it("declares the torch-distributed ClusterTrainingRuntime: torch mlPolicy on one node, replicated job node, container node", async () => {
      const runtime = one(await trainer(), RUNTIME);
      assert.strictEqual(TORCH_RUNTIME, "torch-distributed");
      assert.strictEqual(TRAINER_REPLICATED_JOB, "node");
      assert.strictEqual(TRAINER_CONTAINER, "node");
      assert.strictEqual(input(runtime, "apiVersion"), "trainer.kubeflow.org/v1alpha1");
      assert.strictEqual(input(runtime, "kind"), "ClusterTrainingRuntime");
      assert.strictEqual(metadata(runtime).name, "torch-distributed");
      assert.strictEqual(metadata(runtime).namespace, undefined, "cluster-scoped");
      assert.deepStrictEqual(input(runtime, "spec.mlPolicy"), { numNodes: 1, torch: {} });
      assert.deepStrictEqual(input(runtime, "spec.template.spec.replicatedJobs"), [
        {
          name: "node",
          template: {
            metadata: { labels: { "trainer.kubeflow.org/trainjob-ancestor-step": "trainer" } },
            spec: { template: { spec: { containers: [{ name: "node", image: IMAGES.torchRuntime.image }] } } },
          },
        },
      ]);
    });

    it("runs the runtime's pinned PyTorch image", async () => {
      const runtime = one(await trainer(), RUNTIME);
      assert.strictEqual(
        input(runtime, "spec.template.spec.replicatedJobs.0.template.spec.template.spec.containers.0.image"),
        IMAGES.torchRuntime.image,
      );
      assert.match(IMAGES.torchRuntime.image, /^pytorch\/pytorch:\d+\.\d+\.\d+-cuda/);
    });

    it("labels the runtime with the platform and sustainability labels and trainer.kubeflow.org/framework: torch", async () => {
      const runtime = one(await trainer(), RUNTIME);
      assert.deepStrictEqual(metadata(runtime).labels, {
        ...PLATFORM_LABELS,
        "cnai.dev/workload-type": "training",
        "cnai.dev/shiftable": "true",
        "cnai.dev/carbon-tier": "low",
        "trainer.kubeflow.org/framework": "torch",
      });
    });

    it("makes the runtime wait for the chart (its CRDs and webhooks)", async () => {
      const result = await trainer();
      assert.ok(one(result, RUNTIME).options.dependsOn.includes(one(result, CHART).urn));
    });

    it("installs no legacy Training Operator", async () => {
      const result = await trainer();
      assert.strictEqual(all(result, KUSTOMIZE).length, 0);
    });

    it("puts everything through the given provider, parented to the component, and exports the runtime name", async () => {
      const result = await trainer();
      const provider = one(result, PROVIDER);
      const component = one(result, COMPONENT, "trainer");
      const objects = result.resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.strictEqual(objects.length, 3);
      for (const object of objects) {
        assert.strictEqual(object.parent, component.urn, `${object.name} is a child of the component`);
        assert.ok(
          object.provider?.startsWith(`${provider.urn}::`),
          `${object.name} uses the given provider (got ${object.provider})`,
        );
      }
      assert.strictEqual(result.outputs.runtime, "torch-distributed");
    });

    it("declares a runtime that validates against the upstream ClusterTrainingRuntime CRD", async function () {
      const objects = manifestsOf(planFromRun(await trainer())).map((m) => m.object as KubernetesObject);
      const report = await checkObjects(objects, crdIndex(this));
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(report.customResources, 1);
      assert.strictEqual(report.coreObjects, 1);
    });
  });

  describe("options", () => {
    it("legacyTrainingOperator: true installs Training Operator v1.9 from its pinned kustomization", async () => {
      const result = await trainer({ legacyTrainingOperator: true });
      const directory = one(result, KUSTOMIZE);
      assert.strictEqual(directory.remote, true);
      assert.strictEqual(input(directory, "directory"), TRAINING_OPERATOR_V1.kustomization);
      assert.match(TRAINING_OPERATOR_V1.kustomization, /\?ref=v1\.9\.\d+$/);
      assert.strictEqual(directory.parent, one(result, COMPONENT).urn);
      assert.ok(
        directory.provider?.startsWith(`${one(result, PROVIDER).urn}::`),
        "the kustomization uses the given provider",
      );
    });

    it("legacyTrainingOperator: true keeps the chart and the runtime", async () => {
      const result = await trainer({ legacyTrainingOperator: true });
      one(result, CHART);
      one(result, RUNTIME);
    });

    it("legacyTrainingOperator: false is the default", async () => {
      assert.strictEqual(all(await trainer({ legacyTrainingOperator: false }), KUSTOMIZE).length, 0);
    });

    it("the runtime's sustainability labels follow the args", async () => {
      const runtime = one(
        await trainer({ sustainability: { workloadType: "training", shiftable: false, carbonTier: "medium" } }),
        RUNTIME,
      );
      const labels = metadata(runtime).labels as Record<string, string>;
      assert.strictEqual(labels["cnai.dev/shiftable"], "false");
      assert.strictEqual(labels["cnai.dev/carbon-tier"], "medium");
    });

    it("the component's dependsOn reaches every child", async () => {
      const children = await assertDependsOnReachesChildren(COMPONENT, (opts) => {
        new KubeflowTrainer("trainer", args({ legacyTrainingOperator: true }), opts);
      });
      assert.strictEqual(children.length, 4);
    });
  });
});
