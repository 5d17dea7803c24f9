import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { PodGroup, Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { K8S, servingRuntime } from "./fixtures";

/**
 * The Pods KServe v0.20.0 builds for an InferenceService's components, as the simulation derives them.
 * Expected values from kserve/kserve tag v0.20.0:
 * - pkg/constants/constants.go: deploymentMode annotation, DefaultMinReplicas 1, labels serving.kserve.io/inferenceservice
 *   and component; utils.go GetDeploymentMode (an annotation naming a mode, RawDeployment → Standard, Serverless →
 *   Knative; else the configured default);
 * - charts/kserve-resources/values.yaml: controller.deploymentMode Knative, inferenceservice.resources cpu 1 / 2Gi;
 * - pkg/apis/serving/v1beta1/{predictor,transformer,explainer}_custom.go: Default (container naming,
 *   setResourceRequirementDefaults), GetStorageUri (STORAGE_URI env);
 * - pkg/controller/v1beta1/inferenceservice/components/predictor.go: buildPodSpec (container order, collocated
 *   transformer-container), buildObjectMeta (labels/annotations: component > isvc > ServingRuntime);
 * - pkg/controller/v1beta1/inferenceservice/utils/utils.go: MergePodSpec (the runtime's nodeSelector, affinity,
 *   tolerations, volumes, imagePullSecrets, schedulerName under the predictor's), MergeRuntimeContainers;
 * - charts/kserve-resources/files/common/storagecontainer.yaml: supportedUriFormats of the default storage initializer;
 * - pkg/webhook/admission/pod/storage_initializer_injector.go: no second storage-initializer;
 *   pkg/utils/storage.go ConfigureModelcarToContainer, CreateModelcarInitContainer;
 * - Knative Serving knative-v1.21.1 pkg/deployment/config.go: queue-proxy requests 25m CPU and nothing else.
 */
const chart = (options: { version?: string; chartName?: string; values?: JsonObject } = {}): TestResource => ({
  type: K8S.chart,
  name: "kserve",
  inputs: {
    chart: options.chartName ?? "oci://ghcr.io/kserve/charts/kserve-resources",
    version: options.version ?? "v0.20.0",
    namespace: "kserve",
    name: "kserve",
    ...(options.values ? { values: options.values } : {}),
  },
});
const standard = chart({ values: { kserve: { controller: { deploymentMode: "Standard" } } } });
const knative = chart({ values: { kserve: { controller: { deploymentMode: "Knative" } } } });

function isvc(spec: JsonObject | undefined, meta: JsonObject = {}): TestResource {
  return {
    type: K8S.inferenceService,
    name: "chat",
    inputs: {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "chat", namespace: "team", ...meta },
      ...(spec ? { spec } : {}),
    },
  };
}
/** A predictor of plain containers (CustomPredictor). */
const custom = (containers: JsonObject[], extra: JsonObject = {}): JsonObject => ({ containers, ...extra });
const env = (uri: string) => [{ name: "STORAGE_URI", value: uri }];
const runtime = (spec: JsonObject) =>
  servingRuntime("srv", "team", {
    containers: [{ name: "kserve-container", image: "srv:1" }],
    ...spec,
  });
const model = (extra: JsonObject = {}): JsonObject => ({
  model: { modelFormat: { name: "custom" }, runtime: "srv", storageUri: "pvc://models/chat", ...extra },
});

const derive = (resources: TestResource[]): Workload =>
  deriveWorkloads(indexCluster(planOf(resources).resources)).find((w) => w.kind === "InferenceService")!;
const group = (w: Workload, name: string): PodGroup => w.groups.find((g) => g.name === name)!;
const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);

describe("workload simulation: the Pods KServe v0.20.0 builds for an InferenceService", () => {
  describe("controller and deployment mode (constants.go ParseDeploymentMode, the chart's controller.deploymentMode)", () => {
    it("names the chart's version and mode, and is no gang (each component scales on its own)", () => {
      const w = derive([standard, isvc({ predictor: custom([{ image: "srv:1" }]) })]);
      assert.strictEqual(w.controller, "KServe v0.20.0 (Standard mode)");
      assert.strictEqual(w.source, "declared");
      assert.strictEqual(w.gang, false);
      assert.deepStrictEqual(w.problems, []);
      assert.ok(!w.notes.some((n) => /modelled as/.test(n)), "no note for the modelled version");
    });

    it("recognises the chart by its name kserve too, and takes the chart's default mode (Knative) without values", () => {
      const w = derive([chart({ chartName: "kserve" }), isvc({ predictor: custom([{ image: "srv:1" }]) })]);
      assert.strictEqual(w.controller, "KServe v0.20.0 (Knative mode)");
      assert.deepStrictEqual(group(w, "predictor").pod.spec.containers[0].resources, {
        requests: { cpu: "1", memory: "2Gi" },
        limits: { cpu: "1", memory: "2Gi" },
      });
    });

    it("takes the chart's default resources when its values configure something else", () => {
      const w = derive([chart({ values: { other: true } }), isvc({ predictor: custom([{ image: "srv:1" }]) })]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers[0].resources.requests, { cpu: "1", memory: "2Gi" });
    });

    it("notes another chart version, naming both versions", () => {
      const w = derive([chart({ version: "v0.19.0" }), isvc({ predictor: custom([{ image: "srv:1" }]) })]);
      assert.ok(
        w.notes.some((n) => /v0\.19\.0/.test(n) && /v0\.20\.0/.test(n)),
        w.notes.join("; "),
      );
    });

    const modes: { annotation: string; chartMode: string; mode: string }[] = [
      { annotation: "RawDeployment", chartMode: "Knative", mode: "Standard" },
      { annotation: "Standard", chartMode: "Knative", mode: "Standard" },
      { annotation: "Serverless", chartMode: "Standard", mode: "Knative" },
      { annotation: "Knative", chartMode: "Standard", mode: "Knative" },
      { annotation: "Sideways", chartMode: "Standard", mode: "Standard" },
      { annotation: "Sideways", chartMode: "Knative", mode: "Knative" },
    ];
    for (const { annotation, chartMode, mode } of modes) {
      it(`serving.kserve.io/deploymentMode ${annotation} with the chart's ${chartMode}: ${mode}`, () => {
        const w = derive([
          chart({ values: { kserve: { controller: { deploymentMode: chartMode } } } }),
          isvc(
            { predictor: custom([{ image: "srv:1" }]) },
            { annotations: { "serving.kserve.io/deploymentMode": annotation } },
          ),
        ]);
        assert.strictEqual(w.controller, `KServe v0.20.0 (${mode} mode)`);
        assert.strictEqual(names(w.groups[0].pod.spec.containers).includes("queue-proxy"), mode === "Knative");
      });
    }

    it("reports an InferenceService without KServe, naming the object, the chart and the fix", () => {
      const w = derive([isvc({ predictor: custom([{ image: "srv:1" }]) })]);
      assert.match(w.controller, /not installed/);
      const [problem] = w.problems;
      assert.strictEqual(problem.step, "Controller");
      assert.match(problem.message, /kserve-resources/);
      assert.match(problem.message, /InferenceService team\/chat/);
      assert.match(problem.fix, /install KServe/);
      assert.match(problem.source, /kserve\/kserve/);
    });

    it("derives no Pods from an InferenceService without a spec, without failing", () => {
      assert.deepStrictEqual(derive([standard, isvc(undefined)]).groups, []);
    });
  });

  describe("components of plain containers (predictor_custom.go, transformer_custom.go, explainer_custom.go)", () => {
    it("gives the transformer and explainer their own Pods, each first container named kserve-container with the configured resources", () => {
      const w = derive([
        standard,
        isvc({
          predictor: custom([{ name: "kserve-container", image: "srv:1" }]),
          transformer: custom([
            { name: "pre", image: "pre:1" },
            { name: "helper", image: "helper:1" },
          ]),
          explainer: custom([{ name: "why", image: "why:1", resources: { limits: { cpu: "2" } } }]),
        }),
      ]);
      assert.deepStrictEqual(names(w.groups), ["predictor", "transformer", "explainer"]);
      const transformer = group(w, "transformer");
      assert.deepStrictEqual(names(transformer.pod.spec.containers), ["kserve-container", "helper"]);
      assert.deepStrictEqual(transformer.pod.spec.containers[1].resources, undefined, "only the first gets defaults");
      assert.strictEqual(transformer.pod.metadata.labels.component, "transformer");
      assert.strictEqual(transformer.pod.metadata.labels["serving.kserve.io/inferenceservice"], "chat");
      assert.match(transformer.pod.metadata.name, /^chat-transformer/);
      assert.deepStrictEqual(group(w, "explainer").pod.spec.containers[0], {
        name: "kserve-container",
        image: "why:1",
        resources: { limits: { cpu: "2", memory: "2Gi" }, requests: { cpu: "1", memory: "2Gi" } },
      });
    });

    it("names a predictor's first container kserve-container only when it is alone or unnamed", () => {
      const named = derive([
        standard,
        isvc({
          predictor: custom([
            { name: "server", image: "srv:1" },
            { name: "kserve-container", image: "side:1" },
          ]),
        }),
      ]);
      assert.deepStrictEqual(names(named.groups[0].pod.spec.containers), ["server", "kserve-container"]);
      const unnamed = derive([
        standard,
        isvc({ predictor: custom([{ image: "srv:1" }, { name: "side", image: "side:1" }]) }),
      ]);
      assert.deepStrictEqual(names(unnamed.groups[0].pod.spec.containers), ["kserve-container", "side"]);
      const alone = derive([standard, isvc({ predictor: custom([{ name: "server", image: "srv:1" }]) })]);
      assert.deepStrictEqual(names(alone.groups[0].pod.spec.containers), ["kserve-container"]);
    });

    it("takes kserve.inferenceservice.resources from the release's values key by key over the chart's defaults", () => {
      const w = derive([
        chart({
          values: {
            kserve: {
              controller: { deploymentMode: "Standard" },
              inferenceservice: { resources: { requests: { cpu: "2" }, limits: { memory: "4Gi" } } },
            },
          },
        }),
        isvc({ predictor: custom([{ image: "srv:1" }]) }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers[0].resources, {
        requests: { cpu: "2", memory: "2Gi" },
        limits: { cpu: "1", memory: "4Gi" },
      });
    });

    it("keeps component fields (minReplicas, labels ...) out of the Pod spec and passes Pod fields through", () => {
      const w = derive([
        standard,
        isvc({
          predictor: custom([{ image: "srv:1" }], {
            minReplicas: 2,
            maxReplicas: 4,
            timeout: 60,
            labels: { a: "b" },
            serviceAccountName: "chat-sa",
          }),
        }),
      ]);
      const spec = w.groups[0].pod.spec;
      assert.strictEqual(spec.serviceAccountName, "chat-sa");
      for (const field of ["minReplicas", "maxReplicas", "timeout", "labels"]) assert.ok(!(field in spec), field);
    });

    describe("STORAGE_URI env: the storage initializer (GetStorageUri)", () => {
      const cases: { title: string; spec: JsonObject; component: string; initializer: boolean }[] = [
        {
          title: "the predictor's kserve-container",
          spec: { predictor: custom([{ image: "srv:1", env: env("gs://models/chat") }]) },
          component: "predictor",
          initializer: true,
        },
        {
          title: "not another container of the predictor",
          spec: {
            predictor: custom([
              { name: "kserve-container", image: "srv:1" },
              { name: "side", image: "side:1", env: env("gs://models/chat") },
            ]),
          },
          component: "predictor",
          initializer: false,
        },
        {
          title: "the predictor's kserve-container when it is not first",
          spec: {
            predictor: custom([
              { name: "side", image: "side:1" },
              { name: "kserve-container", image: "srv:1", env: env("s3://models/chat") },
            ]),
          },
          component: "predictor",
          initializer: true,
        },
        {
          title: "the transformer's first container",
          spec: {
            predictor: custom([{ image: "srv:1" }]),
            transformer: custom([{ name: "pre", image: "pre:1", env: env("hf://org/tokenizer") }]),
          },
          component: "transformer",
          initializer: true,
        },
        {
          title: "no STORAGE_URI env: nothing",
          spec: { predictor: custom([{ image: "srv:1", env: [{ name: "OTHER", value: "gs://x/y" }] }]) },
          component: "predictor",
          initializer: false,
        },
      ];
      for (const c of cases) {
        it(`${c.title}: ${c.initializer ? "storage-initializer" : "none"}`, () => {
          const g = group(derive([standard, isvc(c.spec)]), c.component);
          assert.deepStrictEqual(names(g.pod.spec.initContainers), c.initializer ? ["storage-initializer"] : []);
          assert.strictEqual(
            g.injected.some((i) => /storage-initializer/.test(i)),
            c.initializer,
          );
        });
      }
    });
  });

  describe("storage URIs (storagecontainer.yaml supportedUriFormats; storage_initializer_injector.go; storage.go)", () => {
    const uris: { uri: string; initializer: boolean }[] = [
      { uri: "gs://models/chat", initializer: true },
      { uri: "hdfs://nn/models/chat", initializer: true },
      { uri: "webhdfs://nn/models/chat", initializer: true },
      { uri: "https://acct.blob.core.windows.net/models/chat", initializer: true },
      { uri: "https://example.com/models/chat.tar.gz", initializer: true },
      { uri: "http://example.com/models/chat.tar.gz", initializer: true },
      { uri: "pvc://models/chat", initializer: false },
      { uri: "/mnt/models/chat", initializer: false },
      { uri: "https://example.com", initializer: false },
    ];
    for (const { uri, initializer } of uris) {
      it(`${uri}: ${initializer ? "the storage initializer" : "nothing"}`, () => {
        const g = derive([standard, runtime({}), isvc({ predictor: model({ storageUri: uri }) })]).groups[0];
        assert.deepStrictEqual(names(g.pod.spec.initContainers), initializer ? ["storage-initializer"] : []);
      });
    }

    it("adds the storage-initializer after the Pod's own init containers", () => {
      const g = derive([
        standard,
        isvc({
          predictor: custom([{ image: "srv:1", env: env("gs://models/chat") }], {
            initContainers: [{ name: "setup", image: "setup:1" }],
          }),
        }),
      ]).groups[0];
      assert.deepStrictEqual(names(g.pod.spec.initContainers), ["setup", "storage-initializer"]);
    });

    it("adds no second storage-initializer when the Pod has one", () => {
      const g = derive([
        standard,
        isvc({
          predictor: custom([{ image: "srv:1", env: env("gs://models/chat") }], {
            initContainers: [{ name: "storage-initializer", image: "mine:1" }],
          }),
        }),
      ]).groups[0];
      assert.deepStrictEqual(g.pod.spec.initContainers, [{ name: "storage-initializer", image: "mine:1" }]);
      assert.deepStrictEqual(g.injected, []);
    });

    it("adds nothing and notes nothing for a model without a storage URI", () => {
      const w = derive([
        standard,
        runtime({}),
        isvc({ predictor: { model: { modelFormat: { name: "custom" }, runtime: "srv" } } }),
      ]);
      assert.deepStrictEqual(names(w.groups[0].pod.spec.initContainers), []);
      assert.deepStrictEqual(w.groups[0].injected, []);
      assert.ok(!w.notes.some((n) => /storage URI/.test(n)), w.notes.join("; "));
    });

    it("notes a storage URI unknown until apply", () => {
      const w = derive([standard, runtime({}), isvc({ predictor: model({ storageUri: "[unknown]" }) })]);
      assert.ok(w.notes.some((n) => /storage URI is unknown until apply/.test(n)));
      assert.deepStrictEqual(names(w.groups[0].pod.spec.initContainers), []);
    });

    it("runs an oci+modelcar:// model as a modelcar, keeping the server's securityContext and setting UID 1010", () => {
      const w = derive([
        standard,
        runtime({
          containers: [{ name: "kserve-container", image: "srv:1", securityContext: { runAsNonRoot: true } }],
        }),
        isvc({ predictor: model({ storageUri: "oci+modelcar://us-docker.pkg.dev/acme/models/chat:1" }) }),
      ]);
      const g = w.groups[0];
      assert.deepStrictEqual(g.pod.spec.containers[0].securityContext, { runAsNonRoot: true, runAsUser: 1010 });
      assert.deepStrictEqual(g.pod.spec.containers[1].securityContext, { runAsUser: 1010 });
      assert.deepStrictEqual(g.pod.spec.initContainers, [
        {
          name: "modelcar-init",
          resources: { requests: { cpu: "10m", memory: "15Mi" }, limits: { cpu: "10m", memory: "15Mi" } },
          securityContext: {},
        },
      ]);
      assert.strictEqual(g.injected.length, 1);
      assert.match(g.injected[0], /modelcar/);
    });
  });

  describe("a model predictor's Pod (predictor.go buildPodSpec, utils.go MergePodSpec and MergeRuntimeContainers)", () => {
    it("keeps the model's own fields (modelFormat, runtime, storageUri) out of the server container", () => {
      const server = derive([standard, runtime({}), isvc({ predictor: model({ env: [{ name: "A", value: "1" }] }) })])
        .groups[0].pod.spec.containers[0];
      assert.deepStrictEqual(server, { name: "kserve-container", image: "srv:1", env: [{ name: "A", value: "1" }] });
    });

    it("keeps the runtime's args when the model has none, and sets no args when neither has them", () => {
      const withArgs = derive([
        standard,
        runtime({ containers: [{ name: "kserve-container", image: "srv:1", args: ["--port=8080"] }] }),
        isvc({ predictor: model() }),
      ]);
      assert.deepStrictEqual(withArgs.groups[0].pod.spec.containers[0].args, ["--port=8080"]);
      const own = derive([standard, runtime({}), isvc({ predictor: model({ args: ["--model_name=chat"] }) })]);
      assert.deepStrictEqual(own.groups[0].pod.spec.containers[0].args, ["--model_name=chat"]);
      const none = derive([standard, runtime({}), isvc({ predictor: model() })]);
      assert.ok(!("args" in none.groups[0].pod.spec.containers[0]));
    });

    it("appends the model's args to the runtime's (MergeRuntimeContainers concatenates them)", () => {
      const w = derive([
        standard,
        runtime({ containers: [{ name: "kserve-container", image: "srv:1", args: ["--port=8080"] }] }),
        isvc({ predictor: model({ args: ["--model_name=chat"] }) }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers[0].args, ["--port=8080", "--model_name=chat"]);
    });

    it("finds the predictor's transformer-container wherever it is among its containers, and concatenates its args", () => {
      const w = derive([
        standard,
        runtime({
          containers: [
            { name: "kserve-container", image: "srv:1" },
            { name: "transformer-container", image: "tr:1", args: ["--a"] },
          ],
        }),
        isvc({
          predictor: {
            ...model(),
            containers: [
              { name: "logger", image: "log:1" },
              { name: "transformer-container", args: ["--b"] },
            ],
          },
        }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers, [
        { name: "kserve-container", image: "srv:1" },
        { name: "transformer-container", image: "tr:1", args: ["--a", "--b"] },
        { name: "logger", image: "log:1" },
      ]);
    });

    it("derives an InferenceService whose metadata is left out (Pulumi names it): the resource's name, namespace default", () => {
      const w = derive([
        standard,
        {
          type: K8S.inferenceService,
          name: "auto",
          inputs: {
            apiVersion: "serving.kserve.io/v1beta1",
            kind: "InferenceService",
            spec: { predictor: custom([{ image: "srv:1" }]) },
          },
        },
      ]);
      assert.deepStrictEqual(
        [w.name, w.namespace, w.controller],
        ["auto", "default", "KServe v0.20.0 (Standard mode)"],
      );
      assert.strictEqual(w.groups[0].pod.metadata.labels["serving.kserve.io/inferenceservice"], "auto");
    });

    it("takes the runtime's scheduling fields and volumes under the predictor's, and not its other fields (hostIPC)", () => {
      const w = derive([
        standard,
        runtime({
          nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" },
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
          volumes: [{ name: "devshm", emptyDir: { medium: "Memory" } }],
          schedulerName: "gke.io/optimize-utilization-scheduler",
          hostIPC: true,
        }),
        isvc({
          predictor: {
            ...model(),
            nodeSelector: { "cloud.google.com/gke-nodepool": "gpu" },
            volumes: [{ name: "cache", emptyDir: {} }],
          },
        }),
      ]);
      const spec = w.groups[0].pod.spec;
      assert.deepStrictEqual(spec.nodeSelector, {
        "cloud.google.com/gke-accelerator": "nvidia-l4",
        "cloud.google.com/gke-nodepool": "gpu",
      });
      assert.deepStrictEqual(spec.tolerations, [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
      assert.deepStrictEqual(names(spec.volumes), ["devshm", "cache"]);
      assert.strictEqual(spec.schedulerName, "gke.io/optimize-utilization-scheduler");
      for (const field of ["hostIPC", "affinity", "imagePullSecrets", "supportedModelFormats", "minReplicas"])
        assert.ok(!(field in spec), field);
    });

    it("orders the containers: server, transformer-container (runtime's merged with the predictor's), the runtime's others, the predictor's others", () => {
      const w = derive([
        standard,
        runtime({
          containers: [
            { name: "agent", image: "agent:1" },
            { name: "kserve-container", image: "srv:1" },
            { name: "transformer-container", image: "tr:1", env: [{ name: "A", value: "runtime" }] },
          ],
        }),
        isvc({
          predictor: {
            ...model(),
            containers: [
              { name: "transformer-container", env: [{ name: "A", value: "isvc" }] },
              { name: "logger", image: "log:1" },
            ],
          },
        }),
      ]);
      const containers = w.groups[0].pod.spec.containers;
      assert.deepStrictEqual(names(containers), ["kserve-container", "transformer-container", "agent", "logger"]);
      assert.deepStrictEqual(containers[1], {
        name: "transformer-container",
        image: "tr:1",
        env: [{ name: "A", value: "isvc" }],
      });
    });

    it("takes a transformer-container the predictor alone declares", () => {
      const w = derive([
        standard,
        runtime({}),
        isvc({ predictor: { ...model(), containers: [{ name: "transformer-container", image: "tr:1" }] } }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers, [
        { name: "kserve-container", image: "srv:1" },
        { name: "transformer-container", image: "tr:1" },
      ]);
    });

    it("puts the runtime's labels and annotations under the InferenceService's, under the component's (buildObjectMeta)", () => {
      const w = derive([
        standard,
        runtime({
          labels: { a: "runtime", b: "runtime", c: "runtime" },
          annotations: { x: "runtime", y: "runtime", z: "runtime" },
        }),
        isvc(
          { predictor: { ...model(), labels: { c: "predictor" }, annotations: { z: "predictor" } } },
          { labels: { b: "isvc", c: "isvc" }, annotations: { y: "isvc", z: "isvc" } },
        ),
      ]);
      const meta = w.groups[0].pod.metadata;
      assert.deepStrictEqual(meta.labels, {
        a: "runtime",
        b: "isvc",
        c: "predictor",
        "serving.kserve.io/inferenceservice": "chat",
        component: "predictor",
      });
      assert.deepStrictEqual(meta.annotations, { x: "runtime", y: "isvc", z: "predictor" });
    });

    it("reports a runtime without kserve-container with the fix naming the runtime", () => {
      const w = derive([
        standard,
        runtime({ containers: [{ name: "server", image: "srv:1" }] }),
        isvc({ predictor: model() }),
      ]);
      assert.deepStrictEqual(w.groups, []);
      assert.match(w.problems[0].fix, /ServingRuntime srv kserve-container/);
      assert.match(w.problems[0].source, /utils\.go/);
    });
  });

  describe("Pods and scaling (constants.go DefaultMinReplicas 1; Knative queue-proxy)", () => {
    const cases: {
      title: string;
      mode: TestResource;
      scale: JsonObject;
      count: number;
      maxCount?: number;
      zeroNote: boolean;
    }[] = [
      { title: "no minReplicas: one Pod", mode: standard, scale: {}, count: 1, zeroNote: false },
      { title: "minReplicas 3", mode: standard, scale: { minReplicas: 3 }, count: 3, zeroNote: false },
      {
        title: "maxReplicas above minReplicas",
        mode: standard,
        scale: { minReplicas: 1, maxReplicas: 5 },
        count: 1,
        maxCount: 5,
        zeroNote: false,
      },
      {
        title: "maxReplicas equal to minReplicas",
        mode: standard,
        scale: { minReplicas: 3, maxReplicas: 3 },
        count: 3,
        zeroNote: false,
      },
      {
        title: "maxReplicas one above minReplicas",
        mode: standard,
        scale: { minReplicas: 3, maxReplicas: 4 },
        count: 3,
        maxCount: 4,
        zeroNote: false,
      },
      {
        title: "Knative minReplicas 0: one Pod, noted",
        mode: knative,
        scale: { minReplicas: 0 },
        count: 1,
        zeroNote: true,
      },
      { title: "Knative minReplicas 1: no note", mode: knative, scale: { minReplicas: 1 }, count: 1, zeroNote: false },
      {
        title: "Standard minReplicas 0: no scale-to-zero note",
        mode: standard,
        scale: { minReplicas: 0 },
        count: 1,
        zeroNote: false,
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const w = derive([c.mode, isvc({ predictor: custom([{ image: "srv:1" }], c.scale) })]);
        const g = w.groups[0];
        assert.strictEqual(g.count, c.count);
        assert.strictEqual(g.maxCount, c.maxCount);
        const notes = w.notes.filter((n) => /scales to zero/.test(n));
        assert.strictEqual(notes.length, c.zeroNote ? 1 : 0);
        if (c.zeroNote) assert.match(notes[0], /predictor/);
      });
    }

    it("adds Knative's queue-proxy with requests 25m CPU and no limits, restricted-compliant", () => {
      const g = derive([knative, isvc({ predictor: custom([{ image: "srv:1" }]) })]).groups[0];
      const proxy = g.pod.spec.containers[1];
      assert.strictEqual(proxy.name, "queue-proxy");
      assert.deepStrictEqual(proxy.resources, { requests: { cpu: "25m" }, limits: {} });
      assert.strictEqual(proxy.securityContext.runAsNonRoot, true);
      assert.strictEqual(proxy.securityContext.allowPrivilegeEscalation, false);
      assert.ok(g.injected.some((i) => /queue-proxy/.test(i) && /Knative/.test(i)));
    });
  });
});
