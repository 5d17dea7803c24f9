import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { type StackLabels, kubernetesLabels } from "../labels";
import { type AlertRule, ruleGroup } from "./alerts";
import { type Dashboard, cloudMonitoringDashboard } from "./dashboards";
import { CONTROLLER_TARGETS, METRICS_TOKEN_SECRET, MODEL_SERVER_LABEL, MODEL_SERVER_PORT, metricsReaders } from "./scrape-targets";

export interface ManagedMonitoringArgs {
  project: string;
  labels: StackLabels;
  alerts: AlertRule[];
  dashboards: Dashboard[];
  /** Scrape interval. @default "30s" */
  interval?: string;
}

/**
 * Google Cloud Managed Service for Prometheus: the cluster's managed collection scrapes the model
 * servers (ClusterPodMonitoring) and the Kueue and Trainer controllers (PodMonitoring with a bearer
 * token); GPU metrics come from GKE's managed DCGM (the cluster's `DCGM` monitoring component);
 * alert rules run in the managed rule evaluator (ClusterRules); dashboards are Cloud Monitoring
 * dashboards over PromQL.
 */
export class ManagedMonitoring extends pulumi.ComponentResource {
  public readonly dashboards: gcp.monitoring.Dashboard[];

  constructor(name: string, args: ManagedMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:observability:ManagedMonitoring", name, {}, opts);
    const interval = args.interval ?? "30s";
    if (!/^\d+(s|m)$/.test(interval)) throw new pulumi.ResourceError(`ManagedMonitoring "${name}": interval must be like 30s or 1m (got ${interval})`, this);
    const labels = kubernetesLabels(args.labels, "managed-monitoring");
    const k8sOpts = childOptions(this, opts);
    const tokens = metricsReaders(name, labels, k8sOpts);

    const cr = (kind: string, objectName: string, namespace: string | undefined, spec: Record<string, unknown>, after: pulumi.Resource[] = []) =>
      new k8s.apiextensions.CustomResource(`${name}-${kind.toLowerCase()}-${objectName}`, {
        apiVersion: "monitoring.googleapis.com/v1",
        kind,
        metadata: { name: objectName, namespace, labels },
        spec,
      }, childOptions(this, opts, { dependsOn: after }));

    cr("ClusterPodMonitoring", "cnai-model-servers", undefined, {
      selector: { matchExpressions: [{ key: MODEL_SERVER_LABEL, operator: "Exists" }] },
      endpoints: [{ port: MODEL_SERVER_PORT, path: "/metrics", interval }],
      targetLabels: {
        metadata: ["pod", "container", "node"],
        fromPod: [{ from: MODEL_SERVER_LABEL, to: "model" }, { from: "cnai.dev/team", to: "team" }],
      },
    });
    CONTROLLER_TARGETS.forEach((target, i) =>
      cr("PodMonitoring", `cnai-${target.name}`, target.namespace, {
        selector: { matchLabels: { ...target.podLabels } },
        endpoints: [{
          port: target.port,
          scheme: "https",
          interval,
          tls: { insecureSkipVerify: true },
          authorization: { type: "Bearer", credentials: { secret: { name: METRICS_TOKEN_SECRET, key: "token" } } },
        }],
      }, [tokens[i]]),
    );
    cr("ClusterRules", "cnai-platform-alerts", undefined, { groups: [ruleGroup("cnai-platform", args.alerts)] });

    this.dashboards = args.dashboards.map((dashboard) =>
      new gcp.monitoring.Dashboard(`${name}-${dashboard.uid}`, {
        project: args.project,
        dashboardJson: JSON.stringify(cloudMonitoringDashboard(dashboard)),
      }, childOptions(this, opts)),
    );
    this.registerOutputs({ dashboards: this.dashboards.map((d) => d.id) });
  }
}
