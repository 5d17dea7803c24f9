/**
 * The metrics the platform's alerts and dashboards read, by source. Each is a metric its exporter
 * publishes; the drift metric is a contract the platform defines (docs/observability.md, "Metric contracts").
 *
 * Sources: NVIDIA dcgm-exporter default counters (etc/default-counters.csv) and GKE's managed
 * DCGM metrics, which use the same DCGM field names; vLLM's Prometheus metrics (docs "Production
 * metrics"); Kueue's metrics reference (site/content/en/docs/reference/metrics.md); kube-state-
 * metrics (nodes, jobs).
 */
/**
 * A series with the namespace of the object it describes in `namespace`. Exporters that report on
 * other namespaces' objects (dcgm-exporter's Pod mapping, kube-state-metrics) set `namespace`
 * themselves; a scraper that keeps its own target labels (Managed Prometheus; Prometheus without
 * honor_labels) renames theirs to `exported_namespace`. Where that label is there, it wins; where
 * it is not, the series is left as it is.
 */
export const objectNamespace = (expr: string): string =>
  `label_replace(${expr}, "namespace", "$1", "exported_namespace", "(.+)")`;

export const DCGM = {
  /** GPU utilisation, percent. */
  utilisation: "DCGM_FI_DEV_GPU_UTIL",
  /** Frame buffer memory used and free, MiB. */
  memoryUsed: "DCGM_FI_DEV_FB_USED",
  memoryFree: "DCGM_FI_DEV_FB_FREE",
  /** Board power draw, watts. */
  power: "DCGM_FI_DEV_POWER_USAGE",
  /** Value of the last XID error (0 when none). */
  xid: "DCGM_FI_DEV_XID_ERRORS",
} as const;

export const VLLM = {
  /** End-to-end request latency histogram, seconds. */
  latency: "vllm:e2e_request_latency_seconds_bucket",
  /** Requests waiting to be scheduled. */
  waiting: "vllm:num_requests_waiting",
  /** Output tokens generated. */
  generationTokens: "vllm:generation_tokens_total",
  /** HTTP requests of the OpenAI-compatible server, by status. */
  httpRequests: "http_requests_total",
} as const;

export const KUEUE = {
  /** Workloads waiting for admission, per ClusterQueue and status (active, inadmissible). */
  pending: "kueue_pending_workloads",
  /** Time from creation to admission, histogram, seconds. */
  admissionWait: "kueue_admission_wait_time_seconds_bucket",
  admittedActive: "kueue_admitted_active_workloads",
} as const;

export const KUBE_STATE = {
  /** Node labels (kube-state-metrics; node pool label allow-listed). */
  nodeLabels: "kube_node_labels",
  jobStart: "kube_job_status_start_time",
  jobCompletion: "kube_job_status_completion_time",
} as const;

/**
 * The drift contract: a model server or drift detector exports, per model and feature, a gauge
 * of the distance between the serving and the training distribution (0 = same, 1 = disjoint;
 * population stability index or Jensen-Shannon distance, said in the `method` label).
 */
export const DRIFT_METRIC = {
  name: "cnai_model_drift_score",
  labels: ["namespace", "model", "feature", "method"],
  meaning:
    "Distance between the serving and training distributions of one feature of one model, 0 (same) to 1 (disjoint).",
} as const;

/** GKE system metrics (Cloud Monitoring), as PromQL names: per-container GPU duty cycle and memory. */
export const GKE_SYSTEM = {
  gpuDutyCycle: "kubernetes_io:container_accelerator_duty_cycle",
  gpuMemoryUsed: "kubernetes_io:container_accelerator_memory_used",
  gpuMemoryTotal: "kubernetes_io:container_accelerator_memory_total",
} as const;
