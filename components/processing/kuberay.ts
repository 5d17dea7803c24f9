import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS } from "../catalog/software";
import { childOptions } from "../child-options";
import {
  kubernetesLabels,
  kubernetesSustainabilityLabels,
  podSecurityLabels,
  type StackLabels,
  type SustainabilityLabels,
} from "../labels";
import { podScrapeObject } from "../observability/pod-scrape";

export interface KubeRayArgs {
  labels: StackLabels;
  /** Sustainability labels of the operator (platform work). */
  sustainability: SustainabilityLabels;
  /** How the stack scrapes the operator's metrics (RayJob status): PodMonitoring (managed) or PodMonitor (self-hosted). */
  metrics: "managed" | "self-hosted";
  /** What the scrape object waits for (the chart that installs the PodMonitor CRD). @default [] */
  metricsReady?: pulumi.Resource[];
}

/** The operator Pod's labels (helm-chart/kuberay-operator/templates/deployment.yaml, _helpers.tpl) and its metrics port (`http`, 8080, /metrics). */
export const KUBERAY_OPERATOR_POD = {
  labels: { "app.kubernetes.io/name": "kuberay-operator", "app.kubernetes.io/instance": "kuberay-operator" },
  port: "http",
} as const;

/**
 * The KubeRay operator from its Helm chart (ray-project/kuberay-helm, pinned in
 * components/catalog/software.ts), in its own namespace at the restricted Pod Security level (the
 * chart's container runs as non-root with RuntimeDefault seccomp and no capabilities). The chart
 * installs the ray.io CRDs; Kueue queues RayJobs and RayClusters through its ray.io integrations.
 */
export class KubeRay extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly namespace: string = HELM_CHARTS.kuberayOperator.namespace;

  constructor(name: string, args: KubeRayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:processing:KubeRay", name, {}, opts);
    const chart = HELM_CHARTS.kuberayOperator;
    const labels = kubernetesLabels(args.labels, "kuberay");
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: chart.namespace, labels: { ...labels, ...podSecurityLabels("restricted") } } },
      childOptions(this, opts),
    );
    this.chart = new k8s.helm.v4.Chart(
      `${name}-chart`,
      {
        chart: chart.chart,
        repositoryOpts: { repo: chart.repo },
        version: chart.version,
        namespace: chart.namespace,
        name: "kuberay-operator",
        values: {
          // The operator's Pods carry the stack's labels (values.yaml `labels`, on the Deployment and its Pods).
          labels: { ...labels, ...kubernetesSustainabilityLabels(args.sustainability) },
          // The chart's defaults set CPU and memory limits only; requests equal them (values.yaml resources).
          resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "100m", memory: "512Mi" } },
        },
      },
      childOptions(this, opts, { dependsOn: [ns] }),
    );
    new k8s.apiextensions.CustomResource(
      `${name}-metrics`,
      podScrapeObject(args.metrics, {
        name: "kuberay-operator",
        namespace: chart.namespace,
        labels,
        selector: { matchLabels: { ...KUBERAY_OPERATOR_POD.labels } },
        ports: [KUBERAY_OPERATOR_POD.port],
      }),
      childOptions(this, opts, { dependsOn: [ns, ...(args.metricsReady ?? [])] }),
    );
    this.registerOutputs({ namespace: chart.namespace });
  }
}
