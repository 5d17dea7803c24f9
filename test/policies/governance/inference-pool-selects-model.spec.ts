import * as assert from "node:assert";
import { inferencePoolSelectsModel } from "../../../policies/governance/policies/inference-pool-selects-model";
import { messagesOf } from "../../helpers/policy";

const pool = (matchLabels: Record<string, string>, namespace = "team-nlp") => ({
  type: "kubernetes:inference.networking.k8s.io/v1:InferencePool",
  name: "pool",
  inputs: {
    metadata: { name: "chat", namespace },
    spec: { selector: { matchLabels }, targetPorts: [{ number: 8080 }], endpointPickerRef: { name: "chat-epp" } },
  },
});
const isvc = {
  type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
  inputs: { metadata: { name: "chat", namespace: "team-nlp" }, spec: { predictor: {} } },
};

describe("policy cnai-inference-pool-selects-model", () => {
  it("passes a pool that selects an InferenceService's predictor Pods by KServe's labels", async () => {
    const resources = [pool({ "serving.kserve.io/inferenceservice": "chat", component: "predictor" }), isvc];
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, resources), []);
  });

  it("passes a pool over a Deployment's Pods", async () => {
    const deployment = {
      type: "kubernetes:apps/v1:Deployment",
      inputs: {
        metadata: { name: "vllm", namespace: "team-nlp" },
        spec: { template: { metadata: { labels: { app: "vllm" } }, spec: { containers: [] } } },
      },
    };
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [pool({ app: "vllm" }), deployment]), []);
  });

  it("refuses a pool whose labels match no served model, or one in another namespace", async () => {
    const messages = await messagesOf(inferencePoolSelectsModel, [
      pool({ "serving.kserve.io/inferenceservice": "chat-8b", component: "predictor" }),
      isvc,
    ]);
    assert.deepStrictEqual(messages, [
      "InferencePool team-nlp/chat selects serving.kserve.io/inferenceservice=chat-8b, component=predictor, which no model server of the stack in team-nlp carries (InferenceService chat). Point the selector at a served model's predictor labels.",
    ]);
    const elsewhere = await messagesOf(inferencePoolSelectsModel, [
      pool({ "serving.kserve.io/inferenceservice": "chat" }, "team-vision"),
      isvc,
    ]);
    assert.match(elsewhere[0], /which no model server of the stack in team-vision carries \(none declared\)/);
  });

  // KServe v1beta1: the predictor's Pods carry the InferenceService's labels and the predictor's own
  // (ComponentExtensionSpec.labels), besides serving.kserve.io/inferenceservice and component.
  it("passes a pool selecting an InferenceService's own labels or its predictor's labels", async () => {
    const labelled = {
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      inputs: {
        metadata: { name: "chat", namespace: "team-nlp", labels: { app: "chat" } },
        spec: { predictor: { labels: { tier: "gpu" } } },
      },
    };
    const gw = {
      type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
      inputs: { metadata: { name: "models", namespace: "gw" }, spec: { gatewayClassName: "gke-l7-rilb" } },
    };
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [pool({ app: "chat" }), labelled, gw]), []);
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [pool({ tier: "gpu" }), labelled, gw]), []);
    assert.deepStrictEqual(
      await messagesOf(inferencePoolSelectsModel, [pool({ app: "chat", tier: "cpu" }), labelled, gw]).then(
        (m) => m.length,
      ),
      1,
    );
  });

  it("reads objects without a namespace as in default", async () => {
    const defaultPool = {
      type: "kubernetes:inference.networking.k8s.io/v1:InferencePool",
      inputs: {
        metadata: { name: "chat" },
        spec: { selector: { matchLabels: { "serving.kserve.io/inferenceservice": "chat" } } },
      },
    };
    const defaultIsvc = {
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      inputs: { metadata: { name: "chat" }, spec: { predictor: {} } },
    };
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [defaultPool, defaultIsvc]), []);
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [defaultPool, isvc]), [
      "InferencePool default/chat selects serving.kserve.io/inferenceservice=chat, which no model server of the stack in default carries (none declared). Point the selector at a served model's predictor labels.",
    ]);
  });

  it("names every model server of the namespace when none matches, and an empty selector as selecting nothing", async () => {
    const workload = (kind: string, name: string, template: Record<string, unknown>) => ({
      type: `kubernetes:${kind}`,
      name,
      inputs: { metadata: { name, namespace: "team-nlp" }, spec: { template } },
    });
    const servers = [
      isvc,
      workload("apps/v1:Deployment", "vllm", { metadata: { labels: { app: "vllm" } }, spec: { containers: [] } }),
      // A template without metadata (Pods without labels) is still a model server of the namespace.
      workload("apps/v1:StatefulSet", "sglang", { spec: { containers: [] } }),
      {
        type: "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet",
        name: "llama",
        inputs: {
          metadata: { name: "llama", namespace: "team-nlp" },
          spec: { leaderWorkerTemplate: { size: 2, workerTemplate: { spec: { containers: [] } } } },
        },
      },
    ];
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [pool({ app: "tgi" }), ...servers]), [
      "InferencePool team-nlp/chat selects app=tgi, which no model server of the stack in team-nlp carries (InferenceService chat, Deployment vllm, StatefulSet sglang, LeaderWorkerSet llama). Point the selector at a served model's predictor labels.",
    ]);
    assert.deepStrictEqual(await messagesOf(inferencePoolSelectsModel, [pool({}, "team-empty")]), [
      "InferencePool team-empty/chat selects nothing (empty selector), which no model server of the stack in team-empty carries (none declared). Point the selector at a served model's predictor labels.",
    ]);
  });

  // kubernetes-sigs/lws leaderworkerset.v1: the Pod templates are spec.leaderWorkerTemplate.leaderTemplate
  // (optional) and .workerTemplate; the leader (worker-index 0), which serves, uses leaderTemplate when given.
  // Every Pod carries leaderworkerset.sigs.k8s.io/name (LWS "Labels, Annotations and Environment Variables").
  it("matches a LeaderWorkerSet's leader Pods by its templates' labels or LWS's own labels", async () => {
    const lws = (leaderWorkerTemplate: Record<string, unknown>) => ({
      type: "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet",
      name: "lws",
      inputs: { metadata: { name: "llama", namespace: "team-nlp" }, spec: { replicas: 1, leaderWorkerTemplate } },
    });
    const template = (role: string) => ({ metadata: { labels: { app: "llama", role } }, spec: { containers: [] } });
    const split = lws({ size: 2, leaderTemplate: template("leader"), workerTemplate: template("worker") });
    const single = lws({ size: 2, workerTemplate: template("worker") });
    const cases: [Record<string, string>, ReturnType<typeof lws>, boolean][] = [
      [{ app: "llama", role: "leader" }, split, true],
      [{ "leaderworkerset.sigs.k8s.io/name": "llama", "leaderworkerset.sigs.k8s.io/worker-index": "0" }, split, true],
      [{ app: "llama", role: "worker" }, single, true],
      [{ app: "llama", role: "leader" }, single, false],
      [{ "leaderworkerset.sigs.k8s.io/name": "llama-70b" }, split, false],
    ];
    for (const [selector, server, selected] of cases)
      assert.deepStrictEqual(
        (await messagesOf(inferencePoolSelectsModel, [pool(selector), server])).length,
        selected ? 0 : 1,
        JSON.stringify(selector),
      );
  });
});
