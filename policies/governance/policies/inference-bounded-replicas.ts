import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export interface InferenceBoundedReplicasConfig {
  /** Most replicas an InferenceService predictor may scale to. */
  maxReplicas: number;
  /** Most instances a Cloud Run service may scale to. */
  maxInstances: number;
}

const INFERENCE_SERVICE = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const RUN_SERVICE = "gcp:cloudrunv2/service:Service";

/**
 * KServe: `maxReplicas` absent or 0 means no bound (Knative) or the HPA default; `minReplicas`
 * absent is 1. Cloud Run v2: `template.scaling.maxInstanceCount` absent is the platform default
 * (100 instances, each with its GPU); a service-level `scaling.maxInstanceCount` counts too.
 */
export const inferenceBoundedReplicas = resourcePolicy<InferenceBoundedReplicasConfig>({
  name: "cnai-inference-bounded-replicas",
  description:
    "Model servers have an explicit upper bound on replicas (InferenceService predictors) or instances (Cloud Run services), within the " +
    "config's ceiling: each replica holds a GPU, so a traffic spike or a retry storm without a bound scales cost and energy without limit.",
  config: {
    maxReplicas: { type: "integer", minimum: 1, default: 20 },
    maxInstances: { type: "integer", minimum: 1, default: 100 },
  },
  types: [INFERENCE_SERVICE, RUN_SERVICE],
  validate: (args, report, config) => {
    if (args.type === INFERENCE_SERVICE) {
      const predictor = at(args.props, "spec.predictor");
      if (!predictor) return;
      const max = Number(predictor.maxReplicas ?? 0);
      const min = Number(predictor.minReplicas ?? 1);
      if (!(max > 0)) {
        report(
          `spec.predictor.maxReplicas is not set: the predictor can scale without bound. Set it (at most ${config.maxReplicas}).`,
        );
      } else {
        if (max < min)
          report(`spec.predictor.maxReplicas ${max} is below minReplicas ${min}. Set maxReplicas to at least ${min}.`);
        if (max > config.maxReplicas)
          report(
            `spec.predictor.maxReplicas ${max} is above the ceiling of ${config.maxReplicas}. Lower it, or raise maxReplicas in the policy config with the budget owner's approval.`,
          );
      }
      return;
    }
    const max = at(args.props, "template.scaling.maxInstanceCount") ?? at(args.props, "scaling.maxInstanceCount");
    if (max === undefined || max === null) {
      report(
        `template.scaling.maxInstanceCount is not set: the service scales to the platform default. Set it (at most ${config.maxInstances}).`,
      );
    } else if (Number(max) > config.maxInstances) {
      report(
        `template.scaling.maxInstanceCount ${max} is above the ceiling of ${config.maxInstances}. Lower it, or raise maxInstances in the policy config with approval.`,
      );
    }
  },
});
