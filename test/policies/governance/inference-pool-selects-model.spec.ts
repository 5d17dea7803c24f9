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
});
