import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { K8S } from "./fixtures";

/**
 * The Pods the Kubeflow Training Operator v1.9.4 creates for a PyTorchJob. Expected values from kubeflow/trainer tag
 * v1.9.4 (the Training Operator): pkg/controller.v1/common/util.go GenGeneralName (`<job>-<replica type, lower
 * case>-<index>`), pkg/apis/kubeflow.org/v1/pytorch_defaults.go (replicas default 1) and
 * pkg/controller.v1/pytorch/initcontainer.go setInitContainer (init-pytorch only for Workers, only with a Master).
 */
const kustomization = (directory: string): TestResource => ({
  type: K8S.kustomization,
  name: "operator",
  inputs: { directory },
});
const STANDALONE = "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone";
const chart: TestResource = {
  type: K8S.chart,
  name: "operator",
  inputs: { chart: "oci://example.com/charts/training-operator", version: "1.9.4", namespace: "kubeflow", name: "to" },
};
const pod = { spec: { containers: [{ name: "pytorch", image: "pt:1" }] } };
function job(specs: JsonObject | undefined): TestResource {
  return {
    type: K8S.pytorchJob,
    name: "pt",
    inputs: {
      apiVersion: "kubeflow.org/v1",
      kind: "PyTorchJob",
      metadata: { name: "pt", namespace: "team" },
      ...(specs ? { spec: { pytorchReplicaSpecs: specs } } : {}),
    },
  };
}
const derive = (resources: TestResource[]): Workload =>
  deriveWorkloads(indexCluster(planOf(resources).resources)).find((w) => w.kind === "PyTorchJob")!;
const inits = (w: Workload) =>
  w.groups.map((g) => [g.name, (g.pod.spec.initContainers ?? []).map((c: JsonObject) => c.name)]);

describe("workload simulation: Kubeflow Training Operator v1.9.4 PyTorchJob Pods", () => {
  it("names the Pods <job>-<replica type>-0, defaults replicas to 1, and is a gang", () => {
    const w = derive([
      kustomization(`${STANDALONE}?ref=v1.9.4`),
      job({ Master: { template: pod }, Worker: { replicas: 2, template: pod } }),
    ]);
    assert.deepStrictEqual(
      w.groups.map((g) => [g.name, g.count, g.pod.metadata.name, g.pod.metadata.namespace]),
      [
        ["Master", 1, "pt-master-0", "team"],
        ["Worker", 2, "pt-worker-0", "team"],
      ],
    );
    assert.deepStrictEqual([w.kind, w.source, w.gang], ["PyTorchJob", "declared", true]);
    assert.deepStrictEqual(w.problems, []);
    assert.deepStrictEqual(w.groups[0].injected, []);
    assert.strictEqual(w.groups[1].injected.length, 1);
    assert.match(w.groups[1].injected[0], /init-pytorch/);
  });

  it("adds init-pytorch to the Workers only when there is a Master, after their own init containers", () => {
    const withOwn = derive([
      kustomization(`${STANDALONE}?ref=v1.9.4`),
      job({
        Master: { template: pod },
        Worker: { template: { spec: { ...pod.spec, initContainers: [{ name: "fetch", image: "f:1" }] } } },
      }),
    ]);
    assert.deepStrictEqual(inits(withOwn), [
      ["Master", []],
      ["Worker", ["fetch", "init-pytorch"]],
    ]);
    const workersOnly = derive([
      kustomization(`${STANDALONE}?ref=v1.9.4`),
      job({ Worker: { replicas: 4, template: pod } }),
    ]);
    assert.deepStrictEqual(inits(workersOnly), [["Worker", []]]);
    assert.deepStrictEqual(workersOnly.groups[0].injected, []);
  });

  it("names the operator's version from the kustomization's ref, else the chart's version", () => {
    assert.strictEqual(
      derive([kustomization(`${STANDALONE}?ref=v1.9.4`), job({ Worker: { template: pod } })]).controller,
      "Kubeflow Training Operator v1.9.4",
    );
    assert.strictEqual(
      derive([chart, job({ Worker: { template: pod } })]).controller,
      "Kubeflow Training Operator 1.9.4",
    );
    assert.strictEqual(
      derive([kustomization(STANDALONE), job({ Worker: { template: pod } })]).controller.trim(),
      "Kubeflow Training Operator",
      "no ref, no version",
    );
  });

  it("reports a PyTorchJob without the operator, naming the object and the fix (another kustomization does not count)", () => {
    const w = derive([
      kustomization("https://github.com/example/manifests.git/base?ref=v1"),
      job({ Worker: { template: pod } }),
    ]);
    assert.match(w.controller, /not installed/);
    const [problem] = w.problems;
    assert.strictEqual(problem.step, "Controller");
    assert.match(problem.message, /no Kubeflow Training Operator/);
    assert.match(problem.message, /PyTorchJob team\/pt/);
    assert.match(problem.fix, /training\.legacyTrainingOperator: true/);
    assert.match(problem.source, /v1\.9\.4/);
  });

  it("derives no Pods from a PyTorchJob without replica specs, and an empty Pod from a replica without a template", () => {
    assert.deepStrictEqual(derive([kustomization(`${STANDALONE}?ref=v1.9.4`), job(undefined)]).groups, []);
    const [g] = derive([kustomization(`${STANDALONE}?ref=v1.9.4`), job({ Master: {} })]).groups;
    assert.deepStrictEqual([g.count, g.pod.spec], [1, {}]);
  });
});
