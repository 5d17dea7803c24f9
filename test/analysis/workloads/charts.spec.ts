import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads, kustomizedNamespaces } from "../../../policies/lib/analysis/workloads/derive";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { K8S } from "./fixtures";

// @pulumi/policy's own proxy, as CrossGuard wraps resource inputs during preview (proxy.js unknownCheckingProxy).
const { unknownCheckingProxy, unknownNumberValue } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T>(value: T) => T;
  unknownNumberValue: unknown;
};

/**
 * Workloads of Helm charts and kustomizations the CLI has not rendered. Expected values: the DaemonSet and
 * Deployment controllers (a DaemonSet runs one Pod per eligible node; a Deployment its replicas), KEDA's chart
 * (kedacore/charts v2.20.2 keda/values.yaml operator.replicaCount), the Training Operator's standalone overlay
 * (kubeflow/training-operator v1.9.4 manifests/overlays/standalone: namespace kubeflow).
 */
const keda = (values: JsonObject = {}, version = "2.20.2"): TestResource => ({
  type: K8S.chart,
  name: "keda",
  inputs: { chart: "keda", version, namespace: "keda", name: "keda", values },
});
const dcgm: TestResource = {
  type: K8S.chart,
  name: "dcgm",
  inputs: { chart: "dcgm-exporter", version: "4.8.1", namespace: "monitoring", name: "dcgm-exporter", values: {} },
};
const OPERATOR = "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone?ref=v1.9.4";
const kustomization = (directory: string, name = "op"): TestResource => ({
  type: K8S.kustomization,
  name,
  inputs: { directory },
});
const derive = (resources: TestResource[]): Workload[] => deriveWorkloads(indexCluster(planOf(resources).resources));

describe("workload simulation: workloads of charts and kustomizations from their facts", () => {
  it("runs a chart's DaemonSet once per node and its Deployment at its replicas, each under the chart's namespace", () => {
    const [daemon] = derive([dcgm]);
    assert.deepStrictEqual(
      [daemon.controller, daemon.gang, daemon.groups[0].count, daemon.groups[0].daemon, daemon.groups[0].injected],
      ["kube-controller-manager (DaemonSet controller)", false, 1, true, []],
    );
    assert.match(daemon.groups[0].pod.metadata.name, /^dcgm-exporter-/);
    assert.ok(
      daemon.notes.some((n) => /^from .*dcgm-exporter/.test(n)),
      daemon.notes.join("; "),
    );
    const [operator] = derive([
      keda({ operator: { replicaCount: 2 }, metricsServer: { enabled: false }, webhooks: { enabled: false } }),
    ]);
    assert.deepStrictEqual(
      [operator.name, operator.namespace, operator.controller, operator.groups[0].count, operator.groups[0].daemon],
      ["keda-operator", "keda", "kube-controller-manager (Deployment controller)", 2, undefined],
    );
    assert.strictEqual(operator.source, "chart keda 2.20.2");
  });

  it("puts a chart without a namespace in default", () => {
    const chart: TestResource = {
      type: K8S.chart,
      name: "keda",
      inputs: {
        chart: "keda",
        version: "2.20.2",
        name: "keda",
        values: { metricsServer: { enabled: false }, webhooks: { enabled: false } },
      },
    };
    assert.deepStrictEqual(
      derive([chart]).map((w) => w.namespace),
      ["default"],
    );
  });

  it("marks a chart nobody has facts for as not checked, without naming other versions", () => {
    const [w] = derive([
      {
        type: K8S.chart,
        name: "x",
        inputs: { chart: "oci://example.com/charts/unheard-of", version: "1.0.0", namespace: "x", name: "rel" },
      },
    ]);
    assert.deepStrictEqual(
      [w.kind, w.name, w.namespace, w.controller, w.gang, w.source, w.groups],
      ["HelmChart", "rel", "x", "Helm chart", false, "chart oci://example.com/charts/unheard-of 1.0.0", []],
    );
    assert.strictEqual(
      w.unchecked,
      "no facts for chart oci://example.com/charts/unheard-of 1.0.0: add them to components/catalog/chart-workloads",
    );
  });

  it("marks a chart whose values are unknown during preview as not checked until apply", () => {
    const [planned] = planOf([keda()]).resources;
    const inputs = unknownCheckingProxy({
      ...(planned.inputs as JsonObject),
      values: { operator: { replicaCount: unknownNumberValue } },
    });
    const [w] = deriveWorkloads(indexCluster([{ ...planned, inputs }]));
    assert.deepStrictEqual(
      [w.kind, w.name, w.namespace, w.controller, w.gang],
      ["HelmChart", "keda", "keda", "Helm chart", false],
    );
    assert.strictEqual(w.source, "chart keda 2.20.2");
    assert.strictEqual(
      w.unchecked,
      "number value at .values.operator.replicaCount can't be known during preview: checked after apply",
    );
  });

  it("lets a failure that is not an unknown value through", () => {
    const [planned] = planOf([keda()]).resources;
    const values = {
      get operator(): JsonObject {
        throw new TypeError("broken values");
      },
    };
    assert.throws(
      () => deriveWorkloads(indexCluster([{ ...planned, inputs: { ...(planned.inputs as JsonObject), values } }])),
      /broken values/,
    );
  });

  describe("kustomizations", () => {
    it("derives the Training Operator in the kustomization's namespace (kubeflow), from its URL and ref", () => {
      const [w] = derive([kustomization(OPERATOR)]);
      assert.deepStrictEqual([w.name, w.namespace, w.kind], ["training-operator", "kubeflow", "Deployment"]);
      assert.match(w.source, /^kustomization github\.com\/kubeflow\/training-operator.*\?ref=v1\.9\.4$/);
      assert.deepStrictEqual(
        kustomizedNamespaces(indexCluster(planOf([kustomization(OPERATOR)]).resources)).map((n) => n.name),
        ["kubeflow"],
      );
    });

    it("marks a kustomization without facts as not checked, and creates no namespace for it", () => {
      const directory = "https://github.com/example/manifests.git/base?ref=v1";
      const [w] = derive([kustomization(directory, "mine")]);
      assert.deepStrictEqual(
        [w.kind, w.name, w.namespace, w.controller, w.gang, w.source, w.groups],
        ["Kustomization", "mine", "", "kustomize", false, `kustomization ${directory}`, []],
      );
      assert.strictEqual(
        w.unchecked,
        `no facts for kustomization ${directory}: add them to components/catalog/chart-workloads`,
      );
      assert.deepStrictEqual(kustomizedNamespaces(indexCluster(planOf([kustomization(directory)]).resources)), []);
    });

    it("uses a kustomization's rendered objects instead of its facts, namespaces included, when the CLI rendered it", () => {
      const rendered: TestResource = {
        type: K8S.deployment,
        name: "rendered",
        parent: "urn:pulumi:policytest::cnai-platform::kubernetes:kustomize/v2:Directory::op",
        inputs: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "training-operator", namespace: "kubeflow" },
          spec: { template: { spec: { containers: [{ name: "op", image: "op:1" }] } } },
        },
      };
      const resources = [kustomization(OPERATOR), rendered];
      assert.deepStrictEqual(
        derive(resources).map((w) => [w.name, w.source]),
        [["training-operator", "declared"]],
      );
      assert.deepStrictEqual(kustomizedNamespaces(indexCluster(planOf(resources).resources)), []);
    });
  });
});
