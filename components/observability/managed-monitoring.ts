import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS } from "../catalog/software";
import { childOptions } from "../child-options";
import { kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";
import { type AlertRule, ruleGroup } from "./alerts";
import { cloudMonitoringDashboard, type Dashboard } from "./dashboards";
import { queryFrontend } from "./query-frontend";
import {
  type ChildOptions,
  CONTROLLER_TARGETS,
  GMP_COLLECTOR,
  METRICS_TOKEN_SECRET,
  MODEL_SERVER_LABEL,
  MODEL_SERVER_PORT,
  metricsReaders,
} from "./scrape-targets";

export interface ManagedMonitoringArgs {
  project: string;
  labels: StackLabels;
  alerts: AlertRule[];
  dashboards: Dashboard[];
  /** Scrape interval. @default "30s" */
  interval?: string;
  /**
   * Deploy Managed Prometheus's query frontend (a Prometheus query API in the cluster, for KEDA's
   * scaling of model servers on vLLM's queue), with its Workload Identity in the cluster's pool.
   * @default none
   */
  queryFrontend?: { prefix: string; cluster: pulumi.Resource | "existing" };
}

/**
 * Google Cloud Managed Service for Prometheus: the cluster's managed collection scrapes the model
 * servers (ClusterPodMonitoring), the Kueue and Trainer controllers (PodMonitoring with a bearer
 * token the collector may read) and kube-state-metrics for node pools and Jobs; GPU metrics come from GKE's managed DCGM (the cluster's `DCGM` monitoring component);
 * alert rules run in the managed rule evaluator (ClusterRules); dashboards are Cloud Monitoring
 * dashboards over PromQL.
 */
export class ManagedMonitoring extends pulumi.ComponentResource {
  public readonly dashboards: gcp.monitoring.Dashboard[];
  /** The query frontend's Prometheus API, when deployed. */
  public readonly queryUrl: string | undefined;

  constructor(name: string, args: ManagedMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:observability:ManagedMonitoring", name, {}, opts);
    const interval = args.interval ?? "30s";
    if (!/^\d+(s|m)$/.test(interval))
      throw new pulumi.ResourceError(
        `ManagedMonitoring "${name}": interval must be like 30s or 1m (got ${interval})`,
        this,
      );
    const labels = kubernetesLabels(args.labels, "managed-monitoring");
    const tokens = metricsReaders(
      name,
      labels,
      (after) => childOptions(this, opts, { dependsOn: after }),
      GMP_COLLECTOR,
    );

    const cr = (
      kind: string,
      objectName: string,
      namespace: string | undefined,
      spec: Record<string, unknown>,
      after: pulumi.Resource[] = [],
    ) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${kind.toLowerCase()}-${objectName}`,
        {
          apiVersion: "monitoring.googleapis.com/v1",
          kind,
          metadata: { name: objectName, namespace, labels },
          spec,
        },
        childOptions(this, opts, { dependsOn: after }),
      );

    cr("ClusterPodMonitoring", "cnai-model-servers", undefined, {
      selector: { matchExpressions: [{ key: MODEL_SERVER_LABEL, operator: "Exists" }] },
      endpoints: [{ port: MODEL_SERVER_PORT, path: "/metrics", interval }],
      targetLabels: {
        metadata: ["pod", "container", "node"],
        fromPod: [
          { from: MODEL_SERVER_LABEL, to: "model" },
          { from: "cnai.dev/team", to: "team" },
        ],
      },
    });
    CONTROLLER_TARGETS.forEach((target, i) => {
      cr(
        "PodMonitoring",
        `cnai-${target.name}`,
        target.namespace,
        {
          selector: { matchLabels: { ...target.podLabels } },
          endpoints: [
            {
              port: target.port,
              scheme: "https",
              interval,
              tls: { insecureSkipVerify: true },
              authorization: { type: "Bearer", credentials: { secret: { name: METRICS_TOKEN_SECRET, key: "token" } } },
            },
          ],
        },
        [tokens[i]],
      );
    });
    const ksm = kubeStateMetrics(name, labels, (after) => childOptions(this, opts, { dependsOn: after }));
    cr(
      "PodMonitoring",
      "cnai-kube-state-metrics",
      ksm.namespace,
      {
        selector: { matchLabels: ksm.podLabels },
        endpoints: [{ port: "http", interval }],
      },
      [ksm.chart],
    );
    cr("ClusterRules", "cnai-platform-alerts", undefined, { groups: [ruleGroup("cnai-platform", args.alerts)] });
    this.queryUrl = args.queryFrontend
      ? queryFrontend(
          name,
          {
            project: args.project,
            prefix: args.queryFrontend.prefix,
            namespace: ksm.namespace,
            labels,
            cluster: args.queryFrontend.cluster,
            after: [ksm.ns],
          },
          (after) => childOptions(this, opts, { dependsOn: after }),
          this,
        ).url
      : undefined;

    this.dashboards = args.dashboards.map(
      (dashboard) =>
        new gcp.monitoring.Dashboard(
          `${name}-${dashboard.uid}`,
          {
            project: args.project,
            dashboardJson: JSON.stringify(cloudMonitoringDashboard(dashboard)),
          },
          childOptions(this, opts),
        ),
    );
    this.registerOutputs({ dashboards: this.dashboards.map((d) => d.id) });
  }
}

/**
 * kube-state-metrics for the node-pool and Job series the alerts and dashboards read
 * (`kube_node_labels` with the node pool label allow-listed, `kube_job_status_*`): GKE's kube state
 * metrics packages cover Pods, workloads and storage, not these. Only those two collectors run,
 * in a namespace of its own held to the restricted Pod Security level (the chart's defaults meet it).
 */
function kubeStateMetrics(name: string, labels: Record<string, string>, options: ChildOptions) {
  const release = "kube-state-metrics";
  const ksm = HELM_CHARTS.kubeStateMetrics;
  const ns = new k8s.core.v1.Namespace(
    `${name}-ns`,
    {
      metadata: { name: ksm.namespace, labels: { ...labels, ...podSecurityLabels("restricted") } },
    },
    options(),
  );
  const chart = new k8s.helm.v4.Chart(
    `${name}-kube-state-metrics`,
    {
      chart: ksm.chart,
      version: ksm.version,
      repositoryOpts: { repo: ksm.repo },
      namespace: ksm.namespace,
      name: release,
      values: {
        collectors: ["nodes", "jobs"],
        metricLabelsAllowlist: ["nodes=[cloud.google.com/gke-nodepool,cloud.google.com/gke-accelerator]"],
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        // No Prometheus Operator under Managed Prometheus: a PodMonitoring scrapes it instead.
        prometheus: { monitor: { enabled: false } },
      },
    },
    options([ns]),
  );
  return {
    namespace: ksm.namespace,
    ns,
    chart,
    podLabels: { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": release },
  };
}
