import { DCGM, DRIFT_METRIC, GKE_SYSTEM, KUBE_STATE, KUEUE, objectNamespace, VLLM } from "./metrics";

export type Severity = "critical" | "warning";

/** One alert: a PromQL condition held for a while, with what it means and what to do. */
export interface AlertRule {
  readonly name: string;
  readonly severity: Severity;
  readonly expr: string;
  /** How long the condition must hold, Prometheus duration (`2h`). */
  readonly for: string;
  readonly summary: string;
  readonly runbook: string;
  /** Also a Cloud Monitoring alert policy, paging the notification channels. */
  readonly page: boolean;
  /** What one of several alerts of the same name watches (a GPU pool), to tell them apart. */
  readonly scope?: string;
}

/** A name for the alert unique within the platform's alerts (name and scope). */
export const alertKey = (alert: AlertRule): string => (alert.scope ? `${alert.name}-${alert.scope}` : alert.name);

export interface AlertThresholds {
  /** Average GPU utilisation below this percent, for `gpuIdleFor`, is idle. @default 10 */
  gpuIdlePercent?: number;
  /** @default "2h" */
  gpuIdleFor?: string;
  /** Frame-buffer use above this fraction is memory pressure. @default 0.95 */
  gpuMemoryFraction?: number;
  /** p99 end-to-end inference latency above this, seconds. @default 10 */
  latencyP99Seconds?: number;
  /** Share of 5xx responses above this. @default 0.05 */
  errorRate?: number;
  /** Requests waiting in a model server above this. @default 20 */
  queueDepth?: number;
  /** Workloads pending in Kueue for longer than this. @default "2h" */
  pendingFor?: string;
  /** Drift score above this. @default 0.2 */
  drift?: number;
}

export interface AlertContext {
  /** GKE node pools with GPUs and their maximum size. */
  readonly pools: ReadonlyArray<{ nodePool: string; maxNodes: number }>;
  readonly thresholds?: AlertThresholds;
}

export function resolveThresholds(t: AlertThresholds = {}): Required<AlertThresholds> {
  return {
    gpuIdlePercent: t.gpuIdlePercent ?? 10,
    gpuIdleFor: t.gpuIdleFor ?? "2h",
    gpuMemoryFraction: t.gpuMemoryFraction ?? 0.95,
    latencyP99Seconds: t.latencyP99Seconds ?? 10,
    errorRate: t.errorRate ?? 0.05,
    queueDepth: t.queueDepth ?? 20,
    pendingFor: t.pendingFor ?? "2h",
    drift: t.drift ?? 0.2,
  };
}

/** The platform's alerts, on DCGM, vLLM, Kueue and kube-state-metrics, and the drift contract. */
export function platformAlerts(context: AlertContext): AlertRule[] {
  const t = resolveThresholds(context.thresholds);
  const memoryUse = objectNamespace(`${DCGM.memoryUsed} / (${DCGM.memoryUsed} + ${DCGM.memoryFree})`);
  return [
    {
      name: "GpuIdle",
      severity: "warning",
      expr: `avg by (namespace, Hostname, gpu) (${objectNamespace(`avg_over_time(${DCGM.utilisation}[1h])`)}) < ${t.gpuIdlePercent}`,
      for: t.gpuIdleFor,
      summary: `A GPU has averaged under ${t.gpuIdlePercent} % utilisation for ${t.gpuIdleFor}: money and carbon spent for nothing.`,
      runbook:
        "Find the Pod on the GPU (namespace label). If it is a notebook or a stalled job, stop it; if the pool has no work, check that it scales to zero (autoscaling min 0) and that nothing pins a node.",
      page: true,
    },
    {
      name: "GpuMemoryPressure",
      severity: "warning",
      expr: `max by (namespace, Hostname, gpu) (${memoryUse}) > ${t.gpuMemoryFraction}`,
      for: "15m",
      summary: `A GPU's memory has been over ${Math.round(t.gpuMemoryFraction * 100)} % used for 15 minutes; the next allocation may fail (CUDA out of memory).`,
      runbook:
        "Lower the batch size or the model server's KV-cache share (vLLM --gpu-memory-utilization), or move the workload to a GPU with more memory.",
      page: false,
    },
    {
      name: "GpuXidErrors",
      severity: "critical",
      expr: `max by (Hostname, gpu) (${DCGM.xid}) > 0`,
      for: "1m",
      summary: "A GPU reported an XID error: a driver, memory or hardware fault.",
      runbook:
        "Read the XID number (the metric's value) in NVIDIA's XID catalogue. For 48, 63, 64, 74, 79 or 94/95, cordon and drain the node so GKE auto-repair replaces it; for application XIDs (13, 31, 43) check the workload.",
      page: true,
    },
    ...context.pools.map((pool) => ({
      name: "GpuPoolAtMaximum",
      severity: "warning" as const,
      expr: `count by (label_cloud_google_com_gke_nodepool) (${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="${pool.nodePool}"}) >= ${pool.maxNodes}`,
      scope: pool.nodePool,
      for: "30m",
      summary: `GPU pool ${pool.nodePool} has been at its maximum of ${pool.maxNodes} nodes for 30 minutes; new work waits.`,
      runbook: `Check Kueue for pending workloads. Raise the pool's autoscaling.max (and its Kueue quota follows) if the demand is real and the budget allows, or lower the priority of shiftable work.`,
      page: false,
    })),
    {
      name: "InferenceLatencyP99High",
      severity: "critical",
      expr: `histogram_quantile(0.99, sum by (namespace, model_name, le) (rate(${VLLM.latency}[5m]))) > ${t.latencyP99Seconds}`,
      for: "10m",
      summary: `A model's p99 end-to-end latency has been over ${t.latencyP99Seconds} s for 10 minutes.`,
      runbook:
        "Look at the serving dashboard: queue depth and tokens per second. Scale out (maxReplicas), shorten max_model_len, or move to a larger GPU.",
      page: true,
    },
    {
      name: "InferenceErrorRateHigh",
      severity: "critical",
      expr: `sum by (namespace) (rate(${VLLM.httpRequests}{status=~"5.."}[5m])) / sum by (namespace) (rate(${VLLM.httpRequests}[5m])) > ${t.errorRate}`,
      for: "10m",
      summary: `More than ${Math.round(t.errorRate * 100)} % of a namespace's model requests have failed for 10 minutes.`,
      runbook:
        "Read the predictor Pods' logs; check for out-of-memory restarts and for a bad model version (roll back the storageUri or the canary).",
      page: true,
    },
    {
      name: "InferenceQueueDepthHigh",
      severity: "warning",
      expr: `sum by (namespace, model_name) (${VLLM.waiting}) > ${t.queueDepth}`,
      for: "10m",
      summary: `More than ${t.queueDepth} requests have waited in a model server for 10 minutes.`,
      runbook: "Scale the model out (maxReplicas) or shed load at the client; check that the GPU pool can grow.",
      page: false,
    },
    {
      name: "TrainingPendingTooLong",
      severity: "warning",
      expr: `sum by (cluster_queue) (${KUEUE.pending}{status="active"}) > 0`,
      for: t.pendingFor,
      summary: `Training workloads have waited in Kueue for more than ${t.pendingFor}.`,
      runbook:
        "kubectl get workloads -A: read the pending reason. Quota exhausted: wait, borrow from the cohort or raise the ClusterQueue quota; capacity missing: check the GPU pool's size and spot or reservation availability.",
      page: false,
    },
    {
      name: "ModelDriftHigh",
      severity: "warning",
      expr: `max by (namespace, model) (${DRIFT_METRIC.name}) > ${t.drift}`,
      for: "30m",
      summary: `A model's input drift score has been over ${t.drift} for 30 minutes: it now sees data unlike its training data.`,
      runbook:
        "Open the drift detector's report for the model and feature; retrain on recent data or roll back if accuracy dropped.",
      page: false,
    },
  ];
}

/**
 * Alerts on GKE system metrics (Cloud Monitoring), for stacks whose workload metrics stay in a
 * self-hosted Prometheus: GPU idle and memory pressure per container.
 */
export function systemMetricAlerts(thresholds?: AlertThresholds): AlertRule[] {
  const t = resolveThresholds(thresholds);
  return [
    {
      name: "GpuIdle",
      severity: "warning",
      expr: `avg by (namespace_name, pod_name) (avg_over_time(${GKE_SYSTEM.gpuDutyCycle}[1h])) < ${t.gpuIdlePercent}`,
      for: t.gpuIdleFor,
      summary: `A Pod's GPUs have been busy under ${t.gpuIdlePercent} % of the time for ${t.gpuIdleFor}.`,
      runbook: "Stop idle notebooks and stalled jobs; make sure idle GPU pools scale to zero.",
      page: true,
    },
    {
      name: "GpuMemoryPressure",
      severity: "warning",
      expr: `max by (namespace_name, pod_name) (${GKE_SYSTEM.gpuMemoryUsed} / ${GKE_SYSTEM.gpuMemoryTotal}) > ${t.gpuMemoryFraction}`,
      for: "15m",
      summary: `A Pod's GPU memory has been over ${Math.round(t.gpuMemoryFraction * 100)} % used for 15 minutes.`,
      runbook: "Lower the batch size or the KV-cache share, or move to a GPU with more memory.",
      page: true,
    },
  ];
}

/** Prometheus durations (`90s`, `15m`, `2h`, `1d`) in seconds. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(duration);
  if (!match) throw new Error(`"${duration}" is not a Prometheus duration (90s, 15m, 2h, 1d)`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "s" | "m" | "h" | "d"];
}

/** Alert rules as a rule group, the shape Prometheus, PrometheusRule and GMP's Rules share. */
export function ruleGroup(name: string, rules: readonly AlertRule[]) {
  return {
    name,
    interval: "60s",
    rules: rules.map((rule) => ({
      alert: rule.name,
      expr: rule.expr,
      for: rule.for,
      labels: { severity: rule.severity, platform: "cnai" },
      annotations: { summary: rule.summary, runbook: rule.runbook },
    })),
  };
}
