import * as assert from "node:assert";
import { inferenceBoundedReplicas } from "../../../policies/governance/policies/inference-bounded-replicas";
import { messagesOf } from "../../helpers/policy";

const isvc = (predictor: Record<string, unknown>) => ({
  type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
  inputs: { spec: { predictor: { model: { image: "x:1" }, ...predictor } } },
});
const run = (inputs: Record<string, unknown>) => ({
  type: "gcp:cloudrunv2/service:Service",
  inputs: { template: { containers: [{ image: "x:1" }] }, ...inputs },
});

describe("policy cnai-inference-bounded-replicas", () => {
  it("passes bounded predictors and Cloud Run services", async () => {
    const resources = [
      isvc({ minReplicas: 1, maxReplicas: 4 }),
      isvc({ maxReplicas: 20 }),
      run({ template: { scaling: { maxInstanceCount: 3 } } }),
      run({ scaling: { maxInstanceCount: 100 } }),
    ];
    assert.deepStrictEqual(await messagesOf(inferenceBoundedReplicas, resources), []);
  });

  it("requires maxReplicas on predictors (absent or 0 is unbounded)", async () => {
    const messages = await messagesOf(inferenceBoundedReplicas, [isvc({}), isvc({ maxReplicas: 0 })]);
    assert.deepStrictEqual(messages, [
      "spec.predictor.maxReplicas is not set: the predictor can scale without bound. Set it (at most 20).",
      "spec.predictor.maxReplicas is not set: the predictor can scale without bound. Set it (at most 20).",
    ]);
  });

  it("rejects maxReplicas below minReplicas or above the ceiling", async () => {
    const messages = await messagesOf(inferenceBoundedReplicas, [
      isvc({ minReplicas: 3, maxReplicas: 2 }),
      isvc({ maxReplicas: 50 }),
    ]);
    assert.deepStrictEqual(messages, [
      "spec.predictor.maxReplicas 2 is below minReplicas 3. Set maxReplicas to at least 3.",
      "spec.predictor.maxReplicas 50 is above the ceiling of 20. Lower it, or raise maxReplicas in the policy config with the budget owner's approval.",
    ]);
  });

  it("requires a Cloud Run instance ceiling within maxInstances", async () => {
    const messages = await messagesOf(inferenceBoundedReplicas, [
      run({}),
      run({ template: { scaling: { maxInstanceCount: 500 } } }),
    ]);
    assert.match(
      messages[0],
      /^template\.scaling\.maxInstanceCount is not set: the service scales to the platform default\. Set it \(at most 100\)\.$/,
    );
    assert.match(messages[1], /^template\.scaling\.maxInstanceCount 500 is above the ceiling of 100/);
  });

  it("takes both ceilings from config", async () => {
    const messages = await messagesOf(
      inferenceBoundedReplicas,
      [isvc({ maxReplicas: 4 }), run({ template: { scaling: { maxInstanceCount: 3 } } })],
      { maxReplicas: 2, maxInstances: 2 },
    );
    assert.strictEqual(messages.length, 2);
    assert.match(messages[0], /ceiling of 2/);
  });

  // KServe: minReplicas defaults to 1; maxReplicas equal to minReplicas is a fixed size, not an error.
  // Cloud Run: a maxInstanceCount of null is unset.
  it("admits maxReplicas equal to minReplicas, treats a null maximum as unset, and skips an InferenceService without a predictor", async () => {
    assert.deepStrictEqual(await messagesOf(inferenceBoundedReplicas, [isvc({ minReplicas: 2, maxReplicas: 2 })]), []);
    assert.deepStrictEqual(await messagesOf(inferenceBoundedReplicas, [isvc({ maxReplicas: 1 })]), []);
    assert.match(
      (await messagesOf(inferenceBoundedReplicas, [isvc({ minReplicas: 3, maxReplicas: 2 })]))[0],
      /^spec\.predictor\.maxReplicas 2 is below minReplicas 3\./,
    );
    const [unset] = await messagesOf(inferenceBoundedReplicas, [
      run({ template: { containers: [{ image: "x:1" }], scaling: { maxInstanceCount: null } } }),
    ]);
    assert.match(unset, /^template\.scaling\.maxInstanceCount is not set/);
    const noPredictor = { type: "kubernetes:serving.kserve.io/v1beta1:InferenceService", inputs: { spec: {} } };
    assert.deepStrictEqual(await messagesOf(inferenceBoundedReplicas, [noPredictor]), []);
  });
});
