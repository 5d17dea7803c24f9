import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { DATA_CENTRE_PUE } from "../../components/catalog/energy";
import { machineHourlyUsd } from "../../components/catalog/prices";
import { regionCarbon } from "../../components/catalog/regions";
import { gpusPerNode } from "../../components/compute/gpu-pool-rules";
import { teamNamespaceName } from "../../components/naming";
import { platformAlerts, systemMetricAlerts } from "../../components/observability/alerts";
import { CloudAlerting } from "../../components/observability/cloud-alerting";
import { cloudMonitoringDashboard, platformDashboards } from "../../components/observability/dashboards";
import { type GatewayModel, gatewayAlerts, gatewayDashboard } from "../../components/observability/gateway-monitoring";
import { ManagedMonitoring } from "../../components/observability/managed-monitoring";
import { ProjectGuardrails } from "../../components/observability/project-guardrails";
import { rayAlerts, rayDashboard } from "../../components/observability/ray-observability";
import { SelfHostedMonitoring } from "../../components/observability/self-hosted-monitoring";
import { projectNumber } from "../../components/project/service-agents";
import { servedByVllm } from "../../components/serving/model-deployment";
import { nodePoolName } from "../config/pool-generations";
import type { LayerContext } from "./context";
import type { Foundation } from "./foundation";
import type { Workloads } from "./workloads";

export const OBSERVABILITY_APIS = ["billingbudgets.googleapis.com"] as const;

/** Data services whose Data Access audit logs matter: who read the data and the secrets. */
export const DATA_ACCESS_LOG_SERVICES = [
  "storage.googleapis.com",
  "secretmanager.googleapis.com",
  "sqladmin.googleapis.com",
  "bigquery.googleapis.com",
];

/**
 * Monitoring (Managed Prometheus or self-hosted), alerts, dashboards, Cloud Monitoring alert
 * policies, the budget, log retention and Data Access audit logs.
 */
export function buildObservability(
  ctx: LayerContext,
  foundation: Foundation,
  workloads: Workloads,
  afterApis: pulumi.Resource[],
) {
  const { settings, project, region, labels } = ctx;
  const o = settings.observability;
  const pools = settings.gpuPools.map((pool) => ({
    nodePool: nodePoolName(pool),
    maxNodes: pool.autoscaling.max,
    nodeHourlyUsd: machineHourlyUsd(pool.machineType, gpusPerNode(pool), pool.capacity.type === "spot") ?? 0,
  }));
  const ray = settings.ray.clusters.length > 0;
  const alerts = [...platformAlerts({ pools, thresholds: o.thresholds }), ...(ray ? rayAlerts() : [])];
  const carbon = regionCarbon(region);
  const dashboards = [
    ...platformDashboards({
      pools,
      pue: DATA_CENTRE_PUE,
      gridGco2PerKwh: carbon.gridGco2PerKwh,
      cfe: carbon.cfe,
    }),
    ...(ray ? [rayDashboard()] : []),
  ];

  // Managed monitoring creates Cloud Monitoring dashboards too: they wait for the APIs (cnai-apply-order).
  const k8s = {
    providers: { kubernetes: foundation.provider },
    dependsOn: [...afterApis, workloads.kueue.chart, workloads.trainer.chart, workloads.kserve.ready],
  };
  const monitoring =
    o.backend === "managed"
      ? new ManagedMonitoring(
          "monitoring",
          {
            project,
            labels,
            alerts,
            dashboards,
            queryFrontend: { prefix: ctx.prefix, cluster: foundation.cluster.cluster },
          },
          k8s,
        )
      : new SelfHostedMonitoring(
          "monitoring",
          {
            labels,
            alerts,
            dashboards,
            retention: o.prometheus.retention,
            storageGi: o.prometheus.storageGi,
            // dcgm-exporter's critical Pods: one per GPU node, each pool at its maximum plus a surge node.
            criticalPods: settings.gpuPools.reduce((n, pool) => n + pool.autoscaling.max + 1, 0),
          },
          k8s,
        );

  // The gateway's load balancer metrics live in Cloud Monitoring whatever the backend: its alerts
  // page from there and its dashboard is a Cloud Monitoring dashboard.
  const gateway = settings.gateway;
  const gatewayModels: GatewayModel[] = gateway.hostname
    ? settings.serving.models.map((m) => ({
        team: m.team,
        model: m.name,
        namespace: teamNamespaceName(m.team),
        backend: servedByVllm(m.args) ? m.name : `${m.name}-predictor`,
      }))
    : [];
  const gatewayAlertRules = gatewayModels.length ? gatewayAlerts(gateway.exposure, gatewayModels, o.thresholds) : [];
  const gatewayBoard = gatewayModels.length ? gatewayDashboard(gateway.exposure, gatewayModels) : undefined;
  if (gatewayBoard) {
    new gcp.monitoring.Dashboard(
      `gateway-${gatewayBoard.uid}`,
      { project, dashboardJson: JSON.stringify(cloudMonitoringDashboard(gatewayBoard)) },
      { dependsOn: afterApis },
    );
  }

  // Paging alerts reach Cloud Monitoring from Managed Prometheus; a self-hosted stack pages on GKE's system metrics.
  const paging = [
    ...(o.backend === "managed" ? alerts : systemMetricAlerts(o.thresholds)),
    ...gatewayAlertRules,
  ].filter((a) => a.page);
  const alerting = new CloudAlerting(
    "alerting",
    {
      project,
      labels,
      alerts: paging,
      emails: o.notificationEmails,
      channelIds: o.notificationChannels,
    },
    { dependsOn: afterApis },
  );

  const guardrails = new ProjectGuardrails(
    "guardrails",
    {
      project,
      projectNumber: projectNumber(project),
      billingAccount: o.budget.billingAccount,
      monthlyBudgetUsd: o.budget.monthlyUsd,
      thresholds: o.budget.thresholds,
      notificationChannels: alerting.channels,
      logRetentionDays: o.logRetentionDays,
      dataAccessLogServices: o.dataAccessLogs ? DATA_ACCESS_LOG_SERVICES : [],
      // The budget's explicit provider deploys with the stack's credentials and impersonation too.
      providerSettings: ctx.config.gcpProviderSettings,
    },
    { dependsOn: afterApis },
  );

  return {
    monitoring,
    alerting,
    guardrails,
    alerts: [...alerts, ...gatewayAlertRules],
    dashboards: gatewayBoard ? [...dashboards, gatewayBoard] : dashboards,
  };
}
