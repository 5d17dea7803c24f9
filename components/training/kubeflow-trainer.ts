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
                      template: {
                        spec: { containers: [{ name: TRAINER_CONTAINER, image: IMAGES.torchRuntime.image }] },
                      },
                    },
                  },
                },
              ],
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
