import { CLOUD_RUN_SERVICE } from "../../lib/gpu";
import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export const INFERENCE_SERVICE = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const DEPLOYMENT_MODE = "serving.kserve.io/deploymentMode";
/** KServe's Standard mode, and its name before KServe 0.15. */
const STANDARD_MODES = ["Standard", "RawDeployment"];
/** InferenceService components that scale on their own. */
const COMPONENTS = ["predictor", "transformer", "explainer"];

export const inferenceScaleToZero = resourcePolicy<Record<string, never>>({
  name: "cnai-inference-scale-to-zero",
  description:
    "Outside prod, model servers scale to zero when no requests arrive: a dev or staging endpoint is idle most of the day, and a warm " +
    "replica holds a GPU (and its node) all month for nothing. Covers KServe InferenceServices (minReplicas 0, which needs KServe's " +
    "Knative mode) and Cloud Run services (minimum instances 0). Prod, which keeps warm replicas for latency, disables it.",
  types: [INFERENCE_SERVICE, CLOUD_RUN_SERVICE],
  validate: (args, report) => {
    if (args.type === INFERENCE_SERVICE) {
      const mode = at(args.props, "metadata.annotations")?.[DEPLOYMENT_MODE];
      const standard = typeof mode === "string" && STANDARD_MODES.includes(mode);
      for (const component of COMPONENTS) {
        const spec = at(args.props, `spec.${component}`);
        if (!spec) continue;
        const min = spec.minReplicas;
        if (min === 0) continue;
        const current = min === undefined ? "has no minReplicas (KServe's default is 1)" : `has minReplicas ${min}`;
        report(
          standard
            ? `spec.${component} ${current}, and the InferenceService is in KServe's ${mode} mode (${DEPLOYMENT_MODE}), which cannot scale to zero: its HPA keeps at least one replica. ` +
                `Switch the platform's serving mode to Knative (serving.mode: Knative in the stack file) and set minReplicas 0, or, if Standard mode is required here, exempt the resource in the stack's policy config with the reason.`
            : `spec.${component} ${current}, so at least one replica and its GPU stay up when no requests arrive. Set minReplicas 0 (the model's minReplicas in the stack file) so Knative scales it to zero.`,
        );
      }
      return;
    }
    for (const path of ["template.scaling", "scaling"]) {
      const scaling = at(args.props, path);
      const min = scaling?.minInstanceCount;
      if (Number(min) > 0) {
        report(
          `${path}.minInstanceCount is ${min}: ${Number(min) === 1 ? "1 instance stays" : `${min} instances stay`} up (and are billed) when no requests arrive. Set it to 0 (serverless.minInstances: 0 in the stack file) and let Cloud Run start instances on demand.`,
        );
      }
      if (scaling?.scalingMode === "MANUAL" && Number(scaling.manualInstanceCount ?? 0) > 0) {
        report(
          `${path}.scalingMode is MANUAL with manualInstanceCount ${scaling.manualInstanceCount}: those instances run whether or not requests arrive. Use AUTOMATIC scaling with minInstanceCount 0.`,
        );
      }
    }
  },
});
