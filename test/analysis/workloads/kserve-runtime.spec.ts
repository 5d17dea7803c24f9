import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { K8S, kserveRuntimeConfigs, kserveStandard } from "./fixtures";

/**
 * Which ServingRuntime KServe v0.20.0 builds a `model` predictor from. Expected values from kserve/kserve tag v0.20.0:
 * pkg/controller/v1beta1/inferenceservice/components/predictor.go reconcileModel (a named runtime: the namespace's
 * ServingRuntime, else the ClusterServingRuntime (utils.go GetServingRuntime); "specified runtime %s is disabled";
 * "specified runtime %s does not support specified framework/version" (predictor_model.go RuntimeSupportsModel);
 * "no runtime found to support predictor with model type"), pkg/apis/serving/v1beta1/predictor_model.go
 * GetSupportingRuntimes (not disabled, auto-selecting the model's format; the namespace's runtimes by priority, then
 * the cluster's by priority) and sortSupportedRuntimeByPriority (a runtime with a priority before one without), and
 * charts/kserve-runtime-configs (kserve.servingruntime.enabled installs the ClusterServingRuntimes).
 */
const runtimeConfigs = kserveRuntimeConfigs;
const enabled = runtimeConfigs({ kserve: { servingruntime: { enabled: true } } });

const format = (name: string, options: { priority?: number; autoSelect?: boolean } = {}) => ({
  name,
  autoSelect: options.autoSelect ?? true,
  ...(options.priority !== undefined ? { priority: options.priority } : {}),
});
function runtime(
  kind: "ServingRuntime" | "ClusterServingRuntime",
  name: string,
  image: string,
  spec: JsonObject = {},
  namespace = "team",
): TestResource {
  return {
    type: `kubernetes:serving.kserve.io/v1alpha1:${kind}`,
    name: `${kind}-${namespace}-${name}`,
    inputs: {
      apiVersion: "serving.kserve.io/v1alpha1",
      kind,
      metadata: { name, ...(kind === "ServingRuntime" ? { namespace } : {}) },
      spec: {
        supportedModelFormats: [format("custom")],
        containers: [{ name: "kserve-container", image }],
        ...spec,
      },
    },
  };
}
function isvc(model: JsonObject): TestResource {
  return {
    type: K8S.inferenceService,
    name: "chat",
    inputs: {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "chat", namespace: "team" },
      spec: { predictor: { model: { storageUri: "pvc://models/chat", ...model } } },
    },
  };
}
const custom = { modelFormat: { name: "custom" } };
const derive = (resources: TestResource[]): Workload =>
  deriveWorkloads(indexCluster(planOf(resources).resources)).find((w) => w.kind === "InferenceService")!;
const image = (w: Workload) => w.groups[0]?.pod.spec.containers[0].image;

describe("workload simulation: the ServingRuntime of a KServe v0.20.0 model predictor (reconcileModel, GetSupportingRuntimes)", () => {
  describe("a runtime the model names", () => {
    it("takes the namespace's ServingRuntime before a ClusterServingRuntime of the same name", () => {
      const w = derive([
        kserveStandard,
        runtime("ClusterServingRuntime", "srv", "cluster:1"),
        runtime("ServingRuntime", "srv", "team:1"),
        isvc({ ...custom, runtime: "srv" }),
      ]);
      assert.strictEqual(image(w), "team:1");
      assert.deepStrictEqual(w.problems, []);
    });

    it("takes the ClusterServingRuntime when the namespace has none (another namespace's does not count)", () => {
      const w = derive([
        kserveStandard,
        runtime("ServingRuntime", "srv", "other:1", {}, "other"),
        runtime("ClusterServingRuntime", "srv", "cluster:1"),
        isvc({ ...custom, runtime: "srv" }),
      ]);
      assert.strictEqual(image(w), "cluster:1");
    });

    it("reports a runtime nobody declares, naming it, the InferenceService and the fix", () => {
      const w = derive([
        kserveStandard,
        runtime("ServingRuntime", "srv", "other:1", {}, "other"),
        isvc({ ...custom, runtime: "srv" }),
      ]);
      assert.deepStrictEqual(w.groups, []);
      const [problem] = w.problems;
      assert.strictEqual(problem.step, "Controller");
      assert.match(problem.message, /no ServingRuntime or ClusterServingRuntime named srv/);
      assert.match(problem.message, /team\/chat/);
      assert.match(problem.fix, /kserve-runtime-configs with kserve\.servingruntime\.enabled/);
      assert.match(problem.source, /predictor\.go/);
    });

    it("reports a disabled runtime (specified runtime ... is disabled)", () => {
      const w = derive([
        kserveStandard,
        runtime("ServingRuntime", "srv", "team:1", { disabled: true }),
        isvc({ ...custom, runtime: "srv" }),
      ]);
      assert.deepStrictEqual(w.groups, []);
      assert.strictEqual(w.problems[0].message, "specified runtime srv is disabled");
      assert.match(w.problems[0].fix, /ServingRuntime srv/);
    });

    it("checks a runtime kserve-runtime-configs installs but whose Pod parts are not modelled with the model's own container", () => {
      const w = derive([kserveStandard, enabled, isvc({ ...custom, runtime: "kserve-tritonserver", image: "mine:1" })]);
      assert.deepStrictEqual(w.problems, []);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers, [{ name: "kserve-container", image: "mine:1" }]);
      assert.ok(w.notes.some((n) => /kserve-tritonserver comes from kserve-runtime-configs/.test(n)));
    });

    const formats: { title: string; modelFormat: JsonObject; supported: JsonObject[]; ok: boolean }[] = [
      {
        title: "the format it lists, not auto-selected",
        modelFormat: { name: "custom" },
        supported: [format("custom", { autoSelect: false })],
        ok: true,
      },
      {
        title: "the format and version it lists",
        modelFormat: { name: "custom", version: "2" },
        supported: [{ name: "custom", version: "2" }],
        ok: true,
      },
      {
        title: "a format it does not list",
        modelFormat: { name: "sklearn" },
        supported: [format("custom")],
        ok: false,
      },
      {
        title: "a version it does not list",
        modelFormat: { name: "custom", version: "3" },
        supported: [{ name: "custom", version: "2" }],
        ok: false,
      },
      {
        title: "a version where it lists none",
        modelFormat: { name: "custom", version: "3" },
        supported: [format("custom")],
        ok: false,
      },
    ];
    for (const c of formats) {
      it(`a named runtime and ${c.title}: ${c.ok ? "taken" : "refused (does not support specified framework/version)"}`, () => {
        const w = derive([
          kserveStandard,
          runtime("ServingRuntime", "srv", "team:1", { supportedModelFormats: c.supported }),
          isvc({ modelFormat: c.modelFormat, runtime: "srv" }),
        ]);
        assert.strictEqual(image(w), c.ok ? "team:1" : undefined);
        if (!c.ok) {
          assert.strictEqual(
            w.problems[0].message,
            "specified runtime srv does not support specified framework/version",
          );
          assert.match(w.problems[0].fix, new RegExp(`model format ${c.modelFormat.name}`));
        }
      });
    }

    it("names a disabled ClusterServingRuntime as such in the fix", () => {
      const w = derive([
        kserveStandard,
        runtime("ClusterServingRuntime", "srv", "cluster:1", { disabled: true }),
        isvc({ ...custom, runtime: "srv" }),
      ]);
      assert.strictEqual(w.problems[0].message, "specified runtime srv is disabled");
      assert.match(w.problems[0].fix, /enable ClusterServingRuntime srv/);
    });

    const off: { title: string; chart: TestResource }[] = [
      { title: "without values", chart: runtimeConfigs() },
      { title: "with values for something else", chart: runtimeConfigs({ other: true }) },
      {
        title: "with kserve.servingruntime.enabled false",
        chart: runtimeConfigs({ kserve: { servingruntime: { enabled: false } } }),
      },
      { title: "with kserve but no servingruntime", chart: runtimeConfigs({ kserve: {} }) },
    ];
    for (const c of off) {
      it(`installs no runtime from kserve-runtime-configs ${c.title}`, () => {
        const w = derive([kserveStandard, c.chart, isvc({ ...custom, runtime: "kserve-huggingfaceserver" })]);
        assert.deepStrictEqual(w.groups, []);
        assert.match(
          w.problems[0].message,
          /no ServingRuntime or ClusterServingRuntime named kserve-huggingfaceserver/,
        );
      });
    }

    it("takes a declared ClusterServingRuntime over the chart's runtime of the same name", () => {
      const w = derive([
        kserveStandard,
        enabled,
        runtime("ClusterServingRuntime", "kserve-huggingfaceserver", "mine:1", {
          supportedModelFormats: [format("huggingface", { priority: 1 })],
        }),
        isvc({ modelFormat: { name: "huggingface" } }),
      ]);
      assert.strictEqual(image(w), "mine:1");
      assert.ok(w.notes.some((n) => /KServe picks kserve-huggingfaceserver/.test(n)));
    });
  });

  describe("a runtime KServe picks for the model's format (GetSupportingRuntimes, sortSupportedRuntimeByPriority)", () => {
    const cases: { title: string; runtimes: TestResource[]; picked: string }[] = [
      {
        title: "the higher priority among the namespace's runtimes",
        runtimes: [
          runtime("ServingRuntime", "low", "low:1", { supportedModelFormats: [format("custom", { priority: 1 })] }),
          runtime("ServingRuntime", "high", "high:1", { supportedModelFormats: [format("custom", { priority: 2 })] }),
        ],
        picked: "high",
      },
      {
        title: "the namespace's runtime before a cluster runtime of higher priority",
        runtimes: [
          runtime("ClusterServingRuntime", "cluster", "cluster:1", {
            supportedModelFormats: [format("custom", { priority: 9 })],
          }),
          runtime("ServingRuntime", "ns", "ns:1", { supportedModelFormats: [format("custom", { priority: 1 })] }),
        ],
        picked: "ns",
      },
      {
        title: "a runtime with a priority before one without",
        runtimes: [
          runtime("ServingRuntime", "none", "none:1"),
          runtime("ServingRuntime", "some", "some:1", { supportedModelFormats: [format("custom", { priority: 1 })] }),
        ],
        picked: "some",
      },
      {
        title: "not a disabled runtime",
        runtimes: [
          runtime("ServingRuntime", "off", "off:1", {
            disabled: true,
            supportedModelFormats: [format("custom", { priority: 5 })],
          }),
          runtime("ServingRuntime", "on", "on:1", { supportedModelFormats: [format("custom", { priority: 1 })] }),
        ],
        picked: "on",
      },
      {
        title: "not a runtime that does not auto-select the format",
        runtimes: [
          runtime("ServingRuntime", "manual", "manual:1", {
            supportedModelFormats: [format("custom", { priority: 5, autoSelect: false })],
          }),
          runtime("ServingRuntime", "auto", "auto:1", { supportedModelFormats: [format("custom", { priority: 1 })] }),
        ],
        picked: "auto",
      },
      {
        title: "not a runtime of another format",
        runtimes: [
          runtime("ServingRuntime", "other", "other:1", {
            supportedModelFormats: [format("sklearn", { priority: 5 })],
          }),
          runtime("ServingRuntime", "mine", "mine:1", { supportedModelFormats: [format("custom", { priority: 1 })] }),
        ],
        picked: "mine",
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const w = derive([kserveStandard, ...c.runtimes, isvc(custom)]);
        assert.strictEqual(image(w), `${c.picked}:1`);
        assert.ok(
          w.notes.some((n) => n.includes(`KServe picks ${c.picked},`) && /model format custom/.test(n)),
          w.notes.join("; "),
        );
      });
    }

    it("picks the namespace's runtime without a priority before the chart's cluster runtime with one", () => {
      const w = derive([
        kserveStandard,
        enabled,
        runtime("ServingRuntime", "mine", "mine:1", { supportedModelFormats: [format("huggingface")] }),
        isvc({ modelFormat: { name: "huggingface" } }),
      ]);
      assert.strictEqual(image(w), "mine:1");
    });

    it("orders the cluster's runtimes by priority too", () => {
      const w = derive(
        [
          kserveStandard,
          runtime("ClusterServingRuntime", "low", "low:1", {
            supportedModelFormats: [format("custom", { priority: 1 })],
          }),
          runtime("ClusterServingRuntime", "high", "high:1", {
            supportedModelFormats: [format("custom", { priority: 2 })],
          }),
          runtime("ClusterServingRuntime", "mid", "mid:1", {
            supportedModelFormats: [format("custom", { priority: 1 })],
          }),
        ].concat([isvc(custom)]),
      );
      assert.strictEqual(image(w), "high:1");
    });

    it("does not fall back to the chart's runtime of a name a declared, disabled ClusterServingRuntime holds", () => {
      const w = derive([
        kserveStandard,
        enabled,
        runtime("ClusterServingRuntime", "kserve-huggingfaceserver", "mine:1", {
          disabled: true,
          supportedModelFormats: [format("huggingface", { priority: 1 })],
        }),
        isvc({ modelFormat: { name: "huggingface" }, image: "own:1" }),
      ]);
      assert.strictEqual(w.groups[0].pod.spec.volumes, undefined, "not the chart's kserve-huggingfaceserver");
      assert.ok(w.notes.some((n) => /kserve-runtime-configs runtime for model format huggingface/.test(n)));
    });

    it("picks the chart's kserve-huggingfaceserver for a huggingface model", () => {
      const w = derive([kserveStandard, enabled, isvc({ modelFormat: { name: "huggingface" } })]);
      assert.deepStrictEqual(w.groups[0].pod.spec.volumes, [{ name: "devshm", emptyDir: { medium: "Memory" } }]);
      assert.ok(w.notes.some((n) => /KServe picks kserve-huggingfaceserver/.test(n)));
    });

    it("checks a format only an unmodelled chart runtime serves with the model's own container", () => {
      const w = derive([kserveStandard, enabled, isvc({ modelFormat: { name: "triton" }, image: "mine:1" })]);
      assert.deepStrictEqual(w.problems, []);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers, [{ name: "kserve-container", image: "mine:1" }]);
      assert.ok(w.notes.some((n) => /kserve-runtime-configs runtime for model format triton/.test(n)));
    });

    it("reports no runtime for the format, naming the format and the fix", () => {
      const w = derive([
        kserveStandard,
        runtime("ServingRuntime", "other", "o:1", { supportedModelFormats: [format("sklearn")] }),
        isvc(custom),
      ]);
      assert.deepStrictEqual(w.groups, []);
      assert.match(w.problems[0].message, /^no runtime found to support predictor with model type: custom/);
      assert.match(w.problems[0].fix, /auto-selects model format custom/);
      const none = derive([kserveStandard, isvc({})]);
      assert.match(none.problems[0].message, /no runtime found to support predictor with model type: \(none\)/);
    });
  });
});
