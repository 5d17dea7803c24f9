import { GATEWAY_CLASSES, type GatewayExposure } from "../catalog/gateway";
import type { AlertRule, AlertThresholds } from "./alerts";
import { resolveThresholds } from "./alerts";
import type { Dashboard } from "./dashboards";

/** A model behind the gateway, and the backend name GKE gives its load balancer backend service. */
export interface GatewayModel {
  readonly team: string;
  readonly model: string;
  /** The route's backend: the InferencePool, or the predictor Service. */
  readonly backend: string;
  readonly namespace: string;
}

/**
 * The load balancer's Cloud Monitoring metrics as PromQL names (Cloud Monitoring, "PromQL for
 * Cloud Monitoring metrics": `loadbalancing.googleapis.com/https/internal/request_count` is
 * `loadbalancing_googleapis_com:https_internal_request_count`, distributions take `_bucket`,
 * `_count`, `_sum`). request_count has the `response_code_class` label (200, 400, 500...);
 * total_latencies is in milliseconds. Sources: Google Cloud metrics list (loadbalancing),
 * "Internal Application Load Balancer logging and monitoring" and "Regional external Application
 * Load Balancer logging and monitoring".
 */
export function gatewayMetrics(exposure: GatewayExposure) {
  const facts = GATEWAY_CLASSES[exposure];
  const prefix = facts.metricPrefix.replace("loadbalancing.googleapis.com/", "").replace(/\//g, "_");
  return {
    requests: `loadbalancing_googleapis_com:${prefix}_request_count`,
    latencyBuckets: `loadbalancing_googleapis_com:${prefix}_total_latencies_bucket`,
    resource: facts.monitoredResource,
  };
}

/**
 * The series of one model: its monitored resource, and its backend service. GKE names a Gateway's
 * backend services `gkegw1-<id>-<namespace>-<backend>-<port>-<hash>` (truncated to 63 characters),
 * reported as the `backend_target_name` resource label.
 */
export function modelSelector(exposure: GatewayExposure, model: GatewayModel, extra = ""): string {
  const { resource } = gatewayMetrics(exposure);
  return `{monitored_resource="${resource}",backend_target_name=~"gkegw1-.*-${model.namespace}-${model.backend}-.*"${extra}}`;
}

/** Per model: request rate, share of 5xx answers, and p99 latency (seconds) at the load balancer. */
export function gatewayQueries(exposure: GatewayExposure, model: GatewayModel) {
  const m = gatewayMetrics(exposure);
  const requests = (extra = "") => `sum(rate(${m.requests}${modelSelector(exposure, model, extra)}[5m]))`;
  return {
    rate: requests(),
    errorShare: `${requests(',response_code_class="500"')} / ${requests()}`,
    latencyP99Seconds: `histogram_quantile(0.99, sum by (le) (rate(${m.latencyBuckets}${modelSelector(exposure, model)}[5m]))) / 1000`,
  };
}

/** Gateway alerts per model: 5xx share and p99 latency over the serving thresholds, paging. */
export function gatewayAlerts(
  exposure: GatewayExposure,
  models: readonly GatewayModel[],
  thresholds?: AlertThresholds,
): AlertRule[] {
  const t = resolveThresholds(thresholds);
  return models.flatMap((model) => {
    const q = gatewayQueries(exposure, model);
    const scope = `${model.team}-${model.model}`;
    return [
      {
        name: "GatewayErrorRateHigh",
        severity: "critical" as const,
        expr: `${q.errorShare} > ${t.errorRate}`,
        for: "10m",
        scope,
        summary: `More than ${Math.round(t.errorRate * 100)} % of the gateway's requests to ${model.team}/${model.model} have failed with 5xx for 10 minutes.`,
        runbook:
          "Check the model's backend health in the load balancer (HealthCheckPolicy path), the predictor Pods and, for an LLM, its endpoint picker's logs. 502/503 with healthy Pods: the proxy-only subnet's NetworkPolicy opening or the InferencePool selector.",
        page: true,
      },
      {
        name: "GatewayLatencyP99High",
        severity: "critical" as const,
        expr: `${q.latencyP99Seconds} > ${t.latencyP99Seconds}`,
        for: "10m",
        scope,
        summary: `The gateway's p99 latency to ${model.team}/${model.model} has been over ${t.latencyP99Seconds} s for 10 minutes.`,
        runbook:
          "Compare with the model server's own latency (serving dashboard): if both are high, scale out the model; if only the gateway's is, look at the endpoint picker and the Cloud Armor rate limit.",
        page: true,
      },
    ];
  });
}

/** The gateway dashboard: per model request rate, 5xx share and p99 latency from the load balancer. */
export function gatewayDashboard(exposure: GatewayExposure, models: readonly GatewayModel[]): Dashboard {
  const per = (pick: (q: ReturnType<typeof gatewayQueries>) => string) =>
    models.map((model) => ({ expr: pick(gatewayQueries(exposure, model)), legend: `${model.team}/${model.model}` }));
  return {
    uid: "cnai-model-gateway",
    title: "cnai · Model gateway",
    panels: [
      { title: "Requests per second by model", unit: "reqps", queries: per((q) => q.rate) },
      { title: "Share of 5xx answers by model", unit: "percent", queries: per((q) => `100 * (${q.errorShare})`) },
      { title: "p99 latency by model (load balancer)", unit: "seconds", queries: per((q) => q.latencyP99Seconds) },
    ],
  };
}
