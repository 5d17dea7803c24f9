import { stackPolicy } from "../../lib/policy";
import type { Props } from "../../lib/resources";

const POOL = "kubernetes:inference.networking.k8s.io/v1:InferencePool";
const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const TEMPLATED = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
const LWS = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet";

const namespaceOf = (props: Props): string =>
  typeof props.metadata?.namespace === "string" ? props.metadata.namespace : "default";

/**
 * The Pod labels of what the stack serves, by namespace: an InferenceService's predictor Pods carry
 * its labels, the predictor's, `serving.kserve.io/inferenceservice: <name>` and `component:
 * predictor` (kserve/kserve v0.20.0 predictor.go buildObjectMeta; pkg/constants); a Deployment's or
 * StatefulSet's Pods their template's labels; a LeaderWorkerSet's leader Pods, which serve, those of
 * spec.leaderWorkerTemplate.leaderTemplate (workerTemplate without one) and
 * `leaderworkerset.sigs.k8s.io/name: <name>`, `leaderworkerset.sigs.k8s.io/worker-index: "0"`
 * (kubernetes-sigs/lws leaderworkerset.v1 API; "Labels, Annotations and Environment Variables").
 */
function servedPods(resources: readonly { type: string; props: Props }[]) {
  const pods: { namespace: string; what: string; labels: Record<string, string> }[] = [];
  for (const r of resources) {
    if (r.type === ISVC) {
      const name = String(r.props.metadata?.name);
      pods.push({
        namespace: namespaceOf(r.props),
        what: `InferenceService ${name}`,
        labels: {
          ...(r.props.metadata?.labels ?? {}),
          ...(r.props.spec?.predictor?.labels ?? {}),
          "serving.kserve.io/inferenceservice": name,
          component: "predictor",
        },
      });
    } else if (TEMPLATED.includes(r.type)) {
      pods.push({
        namespace: namespaceOf(r.props),
        what: `${r.type.split(":").pop()} ${String(r.props.metadata?.name)}`,
        labels: { ...(r.props.spec?.template?.metadata?.labels ?? {}) },
      });
    } else if (r.type === LWS) {
      const name = String(r.props.metadata?.name);
      const templates = r.props.spec?.leaderWorkerTemplate ?? {};
      pods.push({
        namespace: namespaceOf(r.props),
        what: `LeaderWorkerSet ${name}`,
        labels: {
          ...((templates.leaderTemplate ?? templates.workerTemplate)?.metadata?.labels ?? {}),
          "leaderworkerset.sigs.k8s.io/name": name,
          "leaderworkerset.sigs.k8s.io/worker-index": "0",
        },
      });
    }
  }
  return pods;
}

/**
 * Every InferencePool's selector matches the Pods of a model server the stack declares in its
 * namespace. The pool selects Pods only in its own namespace (inference.networking.k8s.io/v1
 * InferencePoolSpec.selector); one that matches none has no endpoints, and the endpoint picker
 * answers every request with an error.
 */
export const inferencePoolSelectsModel = stackPolicy({
  name: "cnai-inference-pool-selects-model",
  description:
    "Every InferencePool selects the Pods of a model server the stack declares in its namespace: a pool that selects nothing routes every request to no endpoint.",
  validate: (args, report) => {
    const pods = servedPods(args.resources);
    for (const pool of args.resources.filter((r) => r.type === POOL)) {
      const namespace = namespaceOf(pool.props);
      const selector = (pool.props.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
      const candidates = pods.filter((p) => p.namespace === namespace);
      const match = candidates.some((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v));
      if (!match) {
        const wanted = Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ");
        report(
          `InferencePool ${namespace}/${String(pool.props.metadata?.name)} selects ${wanted || "nothing (empty selector)"}, which no model server of the stack in ${namespace} carries (${candidates.map((c) => c.what).join(", ") || "none declared"}). Point the selector at a served model's predictor labels.`,
          pool.urn,
        );
      }
    }
  },
});
