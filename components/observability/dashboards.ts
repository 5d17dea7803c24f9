import { DCGM, KUBE_STATE, KUEUE, objectNamespace, VLLM } from "./metrics";

/** A dashboard as data: rendered to Grafana JSON (self-hosted) or a Cloud Monitoring dashboard (managed). */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
}

export type PanelUnit =
  | "percent"
  | "mebibytes"
  | "watts"
  | "kilowatts"
  | "seconds"
  | "reqps"
  | "tokensps"
  | "short"
  | "usd-per-hour"
  | "kg-per-hour"
  | "kwh-per-day";

export interface Panel {
  readonly title: string;
  readonly unit: PanelUnit;
  readonly queries: ReadonlyArray<{ expr: string; legend: string }>;
}

export interface DashboardContext {
  /** GPU node pools with the hourly price of one of their nodes (USD). */
  readonly pools: ReadonlyArray<{ nodePool: string; nodeHourlyUsd: number }>;
  /** Data-centre power usage effectiveness (facility energy / IT energy). */
  readonly pue: number;
  /** The region's grid carbon intensity, gCO2eq/kWh, and its carbon-free energy share (0-1). */
  readonly gridGco2PerKwh: number;
  readonly cfe: number;
}

/** Node pool of a DCGM series, from kube-state-metrics' node labels. */
const byPool = (expr: string) =>
  `${expr} * on (Hostname) group_left (label_cloud_google_com_gke_nodepool) label_replace(${KUBE_STATE.nodeLabels}, "Hostname", "$1", "node", "(.*)")`;

export function platformDashboards(context: DashboardContext): Dashboard[] {
  const itKilowatts = `sum(${DCGM.power}) / 1000`;
  const facilityKilowatts = `(${itKilowatts}) * ${context.pue}`;
  const costTerms = context.pools.map(
    (p) =>
      `(count(${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="${p.nodePool}"}) or vector(0)) * ${p.nodeHourlyUsd}`,
  );
  return [
    {
      uid: "cnai-gpu-fleet",
      title: "cnai · GPU fleet",
      panels: [
        {
          title: "GPU utilisation by team",
          unit: "percent",
          queries: [{ expr: `avg by (namespace) (${objectNamespace(DCGM.utilisation)})`, legend: "{{namespace}}" }],
        },
        {
          title: "GPU utilisation by pool",
          unit: "percent",
          queries: [
            {
              expr: `avg by (label_cloud_google_com_gke_nodepool) (${byPool(DCGM.utilisation)})`,
              legend: "{{label_cloud_google_com_gke_nodepool}}",
            },
          ],
        },
        {
          title: "GPU memory used by team",
          unit: "mebibytes",
          queries: [{ expr: `sum by (namespace) (${objectNamespace(DCGM.memoryUsed)})`, legend: "{{namespace}}" }],
        },
        {
          title: "GPU power by pool",
          unit: "watts",
          queries: [
            {
              expr: `sum by (label_cloud_google_com_gke_nodepool) (${byPool(DCGM.power)})`,
              legend: "{{label_cloud_google_com_gke_nodepool}}",
            },
          ],
        },
        { title: "GPUs reporting", unit: "short", queries: [{ expr: `count(${DCGM.utilisation})`, legend: "GPUs" }] },
      ],
    },
    {
      uid: "cnai-serving",
      title: "cnai · Model serving",
      panels: [
        {
          title: "Latency p50 and p99 by model",
          unit: "seconds",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (model_name, le) (rate(${VLLM.latency}[5m])))`,
              legend: "p50 {{model_name}}",
            },
            {
              expr: `histogram_quantile(0.99, sum by (model_name, le) (rate(${VLLM.latency}[5m])))`,
              legend: "p99 {{model_name}}",
            },
          ],
        },
        {
          title: "Throughput by model",
          unit: "reqps",
          queries: [
            {
              expr: `sum by (model_name) (rate(${VLLM.latency.replace("_bucket", "_count")}[5m]))`,
              legend: "{{model_name}}",
            },
          ],
        },
        {
          title: "Tokens per second by model",
          unit: "tokensps",
          queries: [{ expr: `sum by (model_name) (rate(${VLLM.generationTokens}[5m]))`, legend: "{{model_name}}" }],
        },
        {
          title: "Requests waiting",
          unit: "short",
          queries: [{ expr: `sum by (model_name) (${VLLM.waiting})`, legend: "{{model_name}}" }],
        },
      ],
    },
    {
      uid: "cnai-training",
      title: "cnai · Training",
      panels: [
        {
          title: "Workloads pending in Kueue",
          unit: "short",
          queries: [
            { expr: `sum by (cluster_queue, status) (${KUEUE.pending})`, legend: "{{cluster_queue}} {{status}}" },
          ],
        },
        {
          title: "Queue wait p90",
          unit: "seconds",
          queries: [
            {
              expr: `histogram_quantile(0.9, sum by (cluster_queue, le) (rate(${KUEUE.admissionWait}[1h])))`,
              legend: "{{cluster_queue}}",
            },
          ],
        },
        {
          title: "Admitted workloads",
          unit: "short",
          queries: [{ expr: `sum by (cluster_queue) (${KUEUE.admittedActive})`, legend: "{{cluster_queue}}" }],
        },
        {
          title: "Job durations",
          unit: "seconds",
          queries: [
            {
              expr: `max by (namespace, job_name) (${objectNamespace(`${KUBE_STATE.jobCompletion} - ${KUBE_STATE.jobStart}`)})`,
              legend: "{{namespace}}/{{job_name}}",
            },
          ],
        },
      ],
    },
    {
      uid: "cnai-cost-carbon",
      title: "cnai · Cost and carbon",
      panels: [
        {
          title: "GPU power, with data-centre overhead",
          unit: "kilowatts",
          queries: [{ expr: facilityKilowatts, legend: "kW" }],
        },
        {
          title: "Energy per day at the current draw",
          unit: "kwh-per-day",
          queries: [{ expr: `(${facilityKilowatts}) * 24`, legend: "kWh/day" }],
        },
        {
          title: "Emissions (location-based, and net of carbon-free energy)",
          unit: "kg-per-hour",
          queries: [
            { expr: `(${facilityKilowatts}) * ${context.gridGco2PerKwh} / 1000`, legend: "location-based" },
            {
              expr: `(${facilityKilowatts}) * ${context.gridGco2PerKwh} * ${Number((1 - context.cfe).toFixed(4))} / 1000`,
              legend: "CFE-adjusted",
            },
          ],
        },
        {
          title: "GPU node cost",
          unit: "usd-per-hour",
          queries: [{ expr: costTerms.length ? costTerms.join(" + ") : "vector(0)", legend: "USD/h" }],
        },
      ],
    },
  ];
}

/** Grafana unit ids (grafana/packages/grafana-data/src/valueFormats/categories.ts); `suffix:` for the rest. */
const GRAFANA_UNITS: Record<PanelUnit, string> = {
  percent: "percent",
  mebibytes: "mbytes",
  watts: "watt",
  kilowatts: "kwatt",
  seconds: "s",
  reqps: "reqps",
  tokensps: "suffix: tok/s",
  short: "short",
  "usd-per-hour": "currencyUSD",
  "kg-per-hour": "suffix: kg/h",
  "kwh-per-day": "suffix: kWh/d",
};

/**
 * Cloud Monitoring units (the metric descriptor's `unit` grammar: UCUM basic units bit, By, s, min,
 * h, d, 1 and %, binary prefixes, `/` and `{annotations}` for anything else).
 */
const CLOUD_MONITORING_UNITS: Record<PanelUnit, string> = {
  percent: "%",
  mebibytes: "MiBy",
  watts: "{W}",
  kilowatts: "{kW}",
  seconds: "s",
  reqps: "1/s",
  tokensps: "{token}/s",
  short: "1",
  "usd-per-hour": "{USD}/h",
  "kg-per-hour": "{kg}/h",
  "kwh-per-day": "{kWh}/d",
};

/** Grafana dashboard JSON (schema 39), two panels a row. */
export function grafanaDashboard(dashboard: Dashboard): Record<string, unknown> {
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    tags: ["cnai-platform"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-24h", to: "now" },
    panels: dashboard.panels.map((panel, i) => ({
      id: i + 1,
      type: "timeseries",
      title: panel.title,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      datasource: { type: "prometheus", uid: "prometheus" },
      fieldConfig: { defaults: { unit: GRAFANA_UNITS[panel.unit] }, overrides: [] },
      targets: panel.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: q.expr,
        legendFormat: q.legend,
      })),
    })),
  };
}

/** Cloud Monitoring dashboard JSON: a mosaic of time series charts over PromQL (Managed Prometheus). */
export function cloudMonitoringDashboard(dashboard: Dashboard): Record<string, unknown> {
  return {
    displayName: dashboard.title,
    mosaicLayout: {
      columns: 48,
      tiles: dashboard.panels.map((panel, i) => ({
        xPos: (i % 2) * 24,
        yPos: Math.floor(i / 2) * 16,
        width: 24,
        height: 16,
        widget: {
          title: panel.title,
          xyChart: {
            chartOptions: { mode: "COLOR" },
            dataSets: panel.queries.map((q) => ({
              plotType: "LINE",
              targetAxis: "Y1",
              timeSeriesQuery: { prometheusQuery: q.expr, unitOverride: CLOUD_MONITORING_UNITS[panel.unit] },
            })),
          },
        },
      })),
    },
  };
}

/** Every PromQL expression of a set of dashboards, for checking. */
export function dashboardQueries(dashboards: readonly Dashboard[]): string[] {
  return dashboards.flatMap((d) => d.panels.flatMap((p) => p.queries.map((q) => q.expr)));
}
