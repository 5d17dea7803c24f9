import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS, IMAGES, TRAINING_OPERATOR_V1 } from "../catalog/software";
import { childOptions } from "../child-options";
import {
  kubernetesLabels,
  kubernetesSustainabilityLabels,
  podSecurityLabels,
  type StackLabels,
  type SustainabilityLabels,
} from "../labels";

export interface KubeflowTrainerArgs {
  labels: StackLabels;
  sustainability: SustainabilityLabels;
  /** Also install the legacy Kubeflow Training Operator v1.9 (PyTorchJob). @default false */
  legacyTrainingOperator?: boolean;
}

/** The ClusterTrainingRuntime TrainJobs refer to, and its trainer container's name. */
export const TORCH_RUNTIME = "torch-distributed";
export const TRAINER_CONTAINER = "node";
export const TRAINER_REPLICATED_JOB = "node";

/**
 * How a training gang survives the loss of a node: any failure restarts the whole JobSet, so every
 * rank starts again together and resumes from the last checkpoint (the job's code reads it from the
 * checkpoints mount), rather than one replaced Pod waiting for peers that have crashed.
 * - Each node's Job fails at once (`backoffLimit: 0`); a Pod that fails because it was disrupted
 *   (Spot or flex-start preemption, a node drain: the `DisruptionTarget` condition) fails the Job
 *   with reason `PodFailurePolicy` (Kubernetes Job podFailurePolicy, which needs restartPolicy Never:
 *   https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy).
 * - The JobSet restarts on such a failure without counting it (RestartJobSetAndIgnoreMaxRestarts on
 *   onJobFailureReasons PodFailurePolicy), and on any other failure up to `maxRestarts` times
 *   (kubernetes-sigs/jobset v0.12.0 api/jobset/v1alpha2/jobset_types.go FailurePolicy, FailurePolicyRule;
 *   the ClusterTrainingRuntime's template.spec is a JobSetSpec).
 * Kueue keeps the workload admitted across restarts; if the gang's Pods are not all back within
 * waitForPodsReady.recoveryTimeout it is evicted and requeued (components/training/kueue.ts).
 */
export const RESUMABLE_JOB = {
  backoffLimit: 0,
  podFailurePolicy: {
    rules: [{ action: "FailJob", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }],
  },
} as const;

export const RESUMABLE_FAILURE_POLICY = {
  maxRestarts: 3,
  rules: [
    { name: "preempted", action: "RestartJobSetAndIgnoreMaxRestarts", onJobFailureReasons: ["PodFailurePolicy"] },
  ],
} as const;

/**
 * Kubeflow Trainer v2 from its Helm chart (with JobSet), and the torch-distributed
 * ClusterTrainingRuntime. The chart would create its runtimes in a post-install hook Job that
 * installs kubectl from the internet; the runtime is declared here instead, as upstream defines it
 * (kubeflow/trainer v2.3.0 charts/kubeflow-trainer/files/runtimes/torch-distributed.yaml). The
 * legacy Training Operator v1.9 (PyTorchJob) is installed from its kustomization when asked.
 */
export class KubeflowTrainer extends pulumi.ComponentResource {
  public readonly runtime = TORCH_RUNTIME;
  public readonly chart: k8s.helm.v4.Chart;
  public readonly legacyOperator?: k8s.kustomize.v2.Directory;
  /** What a training job waits for: the chart (CRDs, controller), the runtime, and the legacy operator if installed. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: KubeflowTrainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:training:KubeflowTrainer", name, {}, opts);
    const chart = HELM_CHARTS.kubeflowTrainer;
    const platformLabels = kubernetesLabels(args.labels, "kubeflow-trainer");
    // Baseline: the trainer's manager is restricted-compliant, but the JobSet controller the chart
    // installs alongside it is not declared so upstream.
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: { name: chart.namespace, labels: { ...platformLabels, ...podSecurityLabels("baseline") } },
      },
      childOptions(this, opts),
    );
    this.chart = new k8s.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: chart.chart,
        version: chart.version,
        namespace: chart.namespace,
        name: "kubeflow-trainer",
        values: {
          jobset: { install: true },
          runtimes: { defaultEnabled: false, torchDistributed: { enabled: false } },
        },
      },
      childOptions(this, opts, { dependsOn: [ns] }),
    );

    const runtime = new k8s.apiextensions.CustomResource(
      `${name}-${TORCH_RUNTIME}`,
      {
        apiVersion: "trainer.kubeflow.org/v1alpha1",
        kind: "ClusterTrainingRuntime",
        metadata: {
          name: TORCH_RUNTIME,
          labels: {
            ...platformLabels,
            ...kubernetesSustainabilityLabels(args.sustainability),
            "trainer.kubeflow.org/framework": "torch",
          },
        },
        spec: {
          mlPolicy: { numNodes: 1, torch: {} },
          template: {
            spec: {
              replicatedJobs: [
                {
                  name: TRAINER_REPLICATED_JOB,
                  template: {
                    metadata: { labels: { "trainer.kubeflow.org/trainjob-ancestor-step": "trainer" } },
                    spec: {
                      ...RESUMABLE_JOB,
                      template: {
                        spec: {
                          restartPolicy: "Never",
                          containers: [{ name: TRAINER_CONTAINER, image: IMAGES.torchRuntime.image }],
                        },
                      },
                    },
                  },
                },
              ],
              failurePolicy: RESUMABLE_FAILURE_POLICY,
            },
          },
        },
      },
      childOptions(this, opts, { dependsOn: [this.chart] }),
    );

    if (args.legacyTrainingOperator) {
      this.legacyOperator = new k8s.kustomize.v2.Directory(
        `${name}-training-operator-v1`,
        {
          directory: TRAINING_OPERATOR_V1.kustomization,
        },
        childOptions(this, opts),
      );
    }
    this.ready = [this.chart, runtime, ...(this.legacyOperator ? [this.legacyOperator] : [])];
    this.registerOutputs({ runtime: TORCH_RUNTIME, legacyTrainingOperator: args.legacyTrainingOperator ?? false });
  }
}
