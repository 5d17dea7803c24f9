import * as assert from "node:assert";
import { inferenceScaleToZero } from "../../../policies/sustainability/policies/inference-scale-to-zero";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";
import { CLOUD_RUN, cloudRun, INFERENCE_SERVICE, inferenceService } from "./fixtures";

const predictor = (minReplicas?: number) => ({
  ...(minReplicas === undefined ? {} : { minReplicas }),
  maxReplicas: 2,
  model: { modelFormat: { name: "huggingface" } },
});

describe("policy cnai-inference-scale-to-zero", () => {
  it("passes a Knative-mode InferenceService with minReplicas 0, and Cloud Run with no or zero minimum instances", async () => {
    const resources = [
      inferenceService({ mode: "Knative", predictor: predictor(0) }),
      cloudRun({ name: "zero" }),
      cloudRun({ name: "absent", scaling: { maxInstanceCount: 2 } }),
      cloudRun({ name: "no-scaling", scaling: null }),
    ];
    assert.deepStrictEqual(await messagesOf(inferenceScaleToZero, resources), []);
  });

  it("reports a Knative-mode predictor with a minimum above 0, or none (KServe defaults to 1)", async () => {
    const [one] = await messagesOf(inferenceScaleToZero, [
      inferenceService({ mode: "Knative", predictor: predictor(1) }),
    ]);
    assert.strictEqual(
      one,
      "spec.predictor has minReplicas 1, so at least one replica and its GPU stay up when no requests arrive. Set minReplicas 0 (the model's minReplicas in the stack file) so Knative scales it to zero.",
    );
    const [unset] = await messagesOf(inferenceScaleToZero, [inferenceService({ mode: null, predictor: predictor() })]);
    assert.match(unset, /^spec\.predictor has no minReplicas \(KServe's default is 1\), so at least one replica/);
  });

  it("explains that Standard mode (and its old name RawDeployment) cannot scale to zero, and how to get there", async () => {
    const [standard] = await messagesOf(inferenceScaleToZero, [
      inferenceService({ mode: "Standard", predictor: predictor(1) }),
    ]);
    assert.strictEqual(
      standard,
      "spec.predictor has minReplicas 1, and the InferenceService is in KServe's Standard mode (serving.kserve.io/deploymentMode), which cannot scale to zero: its HPA keeps at least one replica. " +
        "Switch the platform's serving mode to Knative (serving.mode: Knative in the stack file) and set minReplicas 0, or, if Standard mode is required here, exempt the resource in the stack's policy config with the reason.",
    );
    const [raw] = await messagesOf(inferenceScaleToZero, [
      inferenceService({ mode: "RawDeployment", predictor: predictor(2) }),
    ]);
    assert.match(raw, /has minReplicas 2, and the InferenceService is in KServe's RawDeployment mode/);
  });

  it("checks each component that scales on its own (a transformer too)", async () => {
    const violations = await violationsOf(inferenceScaleToZero, [
      inferenceService({ mode: "Knative", predictor: predictor(0), transformer: { minReplicas: 1, containers: [] } }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, causeOf(v).split(" has ")[0]]),
      [[urnOf(INFERENCE_SERVICE, "chat"), "spec.transformer"]],
    );
  });

  it("reports Cloud Run minimum instances above 0, on the revision template or the service", async () => {
    const violations = await violationsOf(inferenceScaleToZero, [
      cloudRun({ name: "warm", scaling: { minInstanceCount: 1, maxInstanceCount: 2 } }),
      cloudRun({ name: "service-level", serviceScaling: { minInstanceCount: 2 } }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(CLOUD_RUN, "warm"), urnOf(CLOUD_RUN, "service-level")],
    );
    assert.strictEqual(
      causeOf(violations[0]),
      "template.scaling.minInstanceCount is 1: 1 instance stays up (and are billed) when no requests arrive. Set it to 0 (serverless.minInstances: 0 in the stack file) and let Cloud Run start instances on demand.",
    );
    assert.match(causeOf(violations[1]), /^scaling\.minInstanceCount is 2: 2 instances stay up/);
  });

  it("reports Cloud Run manual scaling with instances", async () => {
    const [message] = await messagesOf(inferenceScaleToZero, [
      cloudRun({ serviceScaling: { scalingMode: "MANUAL", manualInstanceCount: 3 } }),
    ]);
    assert.match(
      message,
      /^scaling\.scalingMode is MANUAL with manualInstanceCount 3: those instances run whether or not requests arrive\. Use AUTOMATIC scaling/,
    );
    // Manual scaling at 0 instances (a paused service) keeps nothing up.
    assert.deepStrictEqual(
      await messagesOf(inferenceScaleToZero, [
        cloudRun({ serviceScaling: { scalingMode: "MANUAL", manualInstanceCount: 0 } }),
      ]),
      [],
    );
  });

  it("does not run when disabled (prod), and skips exempted resources (staging's Standard-mode model)", async () => {
    const standard = inferenceService({ name: "chat-7b", mode: "Standard", predictor: predictor(1) });
    assert.deepStrictEqual(await violationsOf(inferenceScaleToZero, [standard], "disabled"), []);
    const exemptions = [
      {
        urn: urnOf(INFERENCE_SERVICE, "chat-7b"),
        reason: "Standard mode like prod; KServe Standard mode cannot scale to zero",
      },
    ];
    assert.deepStrictEqual(await violationsOf(inferenceScaleToZero, [standard], { exemptions }), []);
    await assert.rejects(
      violationsOf(inferenceScaleToZero, [], {
        exemptions: [{ urn: urnOf(INFERENCE_SERVICE, "chat-7b"), reason: "prod-like" }],
      }),
      /reason: got "prod-like"; allowed: a string of at least 20 characters/,
    );
  });
});
