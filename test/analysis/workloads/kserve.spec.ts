import * as assert from "node:assert";
import type { TestResource } from "../../helpers/policy";
import {
  K8S,
  kserveStandard,
  modelIsvc,
  namespace,
  problems,
  quota,
  servingRuntime,
  simulate,
  twoPools,
  workload,
} from "./fixtures";

/**
 * KServe v0.20.0's resource defaulting and the predictor Pod it builds. Sources (kserve/kserve tag
 * v0.20.0): pkg/apis/serving/v1beta1/predictor_model.go (ModelSpec.Default is empty),
 * predictor_custom.go (CustomPredictor.Default), inference_service_defaults.go
 * (setResourceRequirementDefaults, setPredictorModelDefaults), pkg/controller/v1beta1/inferenceservice/
 * utils/utils.go (MergeRuntimeContainers, MergePodSpec), components/predictor.go (buildPodSpec,
 * buildObjectMeta, reconcileModel).
 */
const cluster = (...extra: TestResource[]) => simulate([...twoPools(namespace("team")), kserveStandard, ...extra]);
const limits = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });

describe("workload simulation: KServe v0.20.0 predictors (kserve/kserve v0.20.0)", () => {
  describe("a `model` predictor takes its ServingRuntime's container, with no KServe defaults (predictor_model.go, utils.go MergeRuntimeContainers)", () => {
    it("gives the Pod the runtime container's cpu 4 / 16Gi, merged key by key with the model's GPU limit", () => {
      const w = workload(
        cluster(
          servingRuntime("big", "team", {
            containers: [{ name: "kserve-container", image: "srv:1", resources: limits("4", "16Gi") }],
          }),
          modelIsvc("chat", "team", {
            runtime: "big",
            storageUri: "pvc://models/chat",
            resources: { limits: { "nvidia.com/gpu": "1" } },
          }),
        ),
        "chat",
      );
      assert.strictEqual(w.status, "runnable");
      assert.deepStrictEqual(
        [w.pods[0].requests.cpu, w.pods[0].requests.memory, w.pods[0].requests["nvidia.com/gpu"]],
        ["4", "16Gi", "1"],
      );
      assert.deepStrictEqual(w.pods[0].pools, ["gpu-l4"]);
    });

    it("leaves a predictor without cpu or memory when neither the runtime nor the model sets them: a requests.cpu quota refuses it", () => {
      const w = workload(
        cluster(
          quota("team", { hard: { "requests.cpu": "64" } }),
          servingRuntime("bare", "team", { containers: [{ name: "kserve-container", image: "srv:1" }] }),
          modelIsvc("chat", "team", { runtime: "bare", storageUri: "pvc://models/chat" }),
        ),
        "chat",
      );
      assert.strictEqual(w.status, "refused");
      assert.deepStrictEqual(problems(w), ["ResourceQuota: failed quota: quota: must specify requests.cpu"]);
    });

    it("reports a runtime without a kserve-container, as the controller does", () => {
      const w = workload(
        cluster(
          servingRuntime("odd", "team", {
            containers: [{ name: "server", image: "srv:1", resources: limits("1", "1Gi") }],
          }),
          modelIsvc("chat", "team", { runtime: "odd", storageUri: "pvc://models/chat" }),
        ),
        "chat",
      );
      assert.strictEqual(w.status, "not-admitted");
      assert.deepStrictEqual(problems(w), [
        "Controller: failed to find kserve-container in ServingRuntime containers (runtime odd)",
      ]);
    });

    it("appends the model's args to the runtime's and keeps the runtime's other containers", () => {
      const w = workload(
        cluster(
          servingRuntime("two", "team", {
            containers: [
              { name: "kserve-container", image: "srv:1", args: ["--port=8080"], resources: limits("1", "1Gi") },
              { name: "agent", image: "agent:1", resources: limits("100m", "64Mi") },
            ],
          }),
          modelIsvc("chat", "team", { runtime: "two", storageUri: "pvc://models/chat", args: ["--model_name=chat"] }),
        ),
        "chat",
      );
      assert.deepStrictEqual(w.pods[0].containers, ["kserve-container", "agent"]);
      assert.deepStrictEqual([w.pods[0].requests.cpu, w.pods[0].requests.memory], ["1100m", "1088Mi"]);
    });

    it("picks the runtime that auto-selects the model format when the model names none, and turns a framework predictor (sklearn) into a model", () => {
      const sklearn: TestResource = {
        type: K8S.inferenceService,
        name: "iris",
        inputs: {
          apiVersion: "serving.kserve.io/v1beta1",
          kind: "InferenceService",
          metadata: { name: "iris", namespace: "team" },
          spec: { predictor: { sklearn: { storageUri: "pvc://models/iris" } } },
        },
      };
      const section = cluster(
        servingRuntime("low", "team", {
          supportedModelFormats: [{ name: "sklearn", autoSelect: true, priority: 1 }],
          containers: [{ name: "kserve-container", image: "a:1", resources: limits("1", "1Gi") }],
        }),
        servingRuntime("high", "team", {
          supportedModelFormats: [{ name: "sklearn", autoSelect: true, priority: 2 }],
          containers: [{ name: "kserve-container", image: "b:1", resources: limits("2", "2Gi") }],
        }),
        sklearn,
      );
      const w = workload(section, "iris");
      assert.strictEqual(w.status, "runnable");
      assert.deepStrictEqual([w.pods[0].requests.cpu, w.pods[0].requests.memory], ["2", "2Gi"]);
      assert.ok(
        w.notes.some((n) => n.includes("KServe picks high")),
        w.notes.join("; "),
      );
    });
  });

  describe("a predictor of plain containers gets kserve.inferenceservice.resources (predictor_custom.go Default → setResourceRequirementDefaults)", () => {
    const custom = (resources?: object): TestResource => ({
      type: K8S.inferenceService,
      name: "custom",
      inputs: {
        apiVersion: "serving.kserve.io/v1beta1",
        kind: "InferenceService",
        metadata: { name: "custom", namespace: "team" },
        spec: {
          predictor: {
            containers: [{ name: "kserve-container", image: "srv:1", ...(resources ? { resources } : {}) }],
          },
        },
      },
    });

    it("fills cpu 1 / 2Gi requests and limits the chart configures, so a requests.cpu quota admits it", () => {
      const w = workload(
        cluster(quota("team", { hard: { "requests.cpu": "64", "requests.memory": "256Gi" } }), custom()),
        "custom",
      );
      assert.deepStrictEqual(problems(w), []);
      assert.deepStrictEqual([w.pods[0].requests.cpu, w.pods[0].requests.memory], ["1", "2Gi"]);
    });

    it("fills each missing request and limit on its own: a container asking for 4 CPUs keeps them and gets the default limit, which object validation refuses", () => {
      const w = workload(cluster(custom({ requests: { cpu: "4" } })), "custom");
      assert.deepStrictEqual(problems(w), [
        'Validation: spec.containers[0].resources.requests: Invalid value: "4": must be less than or equal to cpu limit of 1',
      ]);
    });
  });

  describe("the Pod's metadata: the runtime's labels and annotations under the InferenceService's (components/predictor.go buildObjectMeta)", () => {
    it("carries the runtime's gke-gcsfuse/volumes annotation to the Pod, so GKE injects the GCS FUSE sidecar", () => {
      const w = workload(
        cluster(
          servingRuntime("fuse", "team", {
            annotations: { "gke-gcsfuse/volumes": "true" },
            containers: [{ name: "kserve-container", image: "srv:1", resources: limits("1", "1Gi") }],
          }),
          modelIsvc("chat", "team", { runtime: "fuse", storageUri: "pvc://models/chat" }),
        ),
        "chat",
      );
      assert.deepStrictEqual(w.pods[0].injected, ["gke-gcsfuse-sidecar (GKE GCS FUSE webhook, native sidecar)"]);
      assert.deepStrictEqual(w.pods[0].initContainers, ["gke-gcsfuse-sidecar"]);
    });
  });
});
