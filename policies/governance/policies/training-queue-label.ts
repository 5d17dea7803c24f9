import { resourcePolicy } from "../../lib/policy";
import { at, isKubernetes, k8sLabels, kindOf } from "../../lib/resources";

export interface TrainingQueueLabelConfig {
  /** Kinds that must name a Kueue LocalQueue. */
  kinds: string[];
  /** Namespace prefixes the rule applies in; empty: every namespace. */
  namespaces: string[];
}

export const QUEUE_LABEL = "kueue.x-k8s.io/queue-name";

/**
 * The default kinds are the training jobs Kueue integrates (trainer.kubeflow.org TrainJob,
 * kubeflow.org PyTorchJob, TFJob, MPIJob, JAXJob, XGBoostJob, PaddleJob, JobSet, RayJob). Plain
 * batch Jobs are left out by default: charts and operators create them for migrations and hooks,
 * outside any team's queue. A fork that runs training as plain Jobs adds "Job" to `kinds` and
 * limits it to team namespaces with `namespaces: ["team-"]`.
 */
export const trainingQueueLabel = resourcePolicy<TrainingQueueLabelConfig>({
  name: "cnai-training-queue-label",
  description:
    "Training workloads name a Kueue LocalQueue with the kueue.x-k8s.io/queue-name label: Kueue then admits them within the team's GPU " +
    "quota, in priority order, and suspends them until capacity exists; without it a job bypasses quotas and fair sharing (or, with " +
    "manageJobsWithoutQueueName, is never admitted).",
  config: {
    kinds: {
      type: "array",
      items: { type: "string" },
      default: ["TrainJob", "PyTorchJob", "TFJob", "MPIJob", "JAXJob", "XGBoostJob", "PaddleJob", "JobSet", "RayJob"],
    },
    namespaces: { type: "array", items: { type: "string" }, default: [] },
  },
  validate: (args, report, config) => {
    if (!isKubernetes(args.type) || !config.kinds.includes(kindOf(args.type))) return;
    const namespace = String(at(args.props, "metadata.namespace") ?? "default");
    if (config.namespaces.length && !config.namespaces.some((prefix) => namespace.startsWith(prefix))) return;
    const queue = k8sLabels(args.props)[QUEUE_LABEL];
    if (queue === undefined || queue === "") {
      report(
        `${kindOf(args.type)} in ${namespace} has no ${QUEUE_LABEL} label, so Kueue does not queue it against the team's quota. Add the label with the namespace's LocalQueue (TrainingJob sets it from the queue argument).`,
      );
    }
  },
});
