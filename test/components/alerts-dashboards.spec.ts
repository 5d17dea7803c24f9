import * as assert from "node:assert";
import {
  type AlertRule,
  alertKey,
  durationSeconds,
  platformAlerts,
  resolveThresholds,
  ruleGroup,
  systemMetricAlerts,
} from "../../components/observability/alerts";
import {
  cloudMonitoringDashboard,
  type Dashboard,
  dashboardQueries,
  grafanaDashboard,
  platformDashboards,
} from "../../components/observability/dashboards";
import {
  DCGM,
  DRIFT_METRIC,
  GKE_SYSTEM,
  KUBE_STATE,
  KUEUE,
  objectNamespace,
  VLLM,
} from "../../components/observability/metrics";
import { promqlErrors } from "../../scripts/lib/promql";

const POOLS = [{ nodePool: "gpu-l4", maxNodes: 4 }];
const DASHBOARD_CONTEXT = {
  pools: [{ nodePool: "gpu-l4", nodeHourlyUsd: 0.85 }],
  pue: 1.09,
  gridGco2PerKwh: 412.72,
  cfe: 0.87,
};

function assertParses(exprs: readonly string[]) {
  assert.ok(exprs.length > 0, "there are expressions to check");
  for (const expr of exprs) {
    assert.ok(expr.trim().length > 0, "an expression is not empty");
    assert.deepStrictEqual(promqlErrors(expr), [], `PromQL does not parse: ${expr}`);
  }
}

const byName = (alerts: readonly AlertRule[], name: string): AlertRule => {
  const found = alerts.filter((a) => a.name === name);
  assert.strictEqual(found.length, 1, `expected one alert ${name}, found ${found.length}`);
  return found[0];
};

const dashboard = (dashboards: readonly Dashboard[], uid: string): Dashboard => {
  const found = dashboards.find((d) => d.uid === uid);
  assert.ok(found, `a dashboard ${uid}`);
  return found;
};

const panel = (d: Dashboard, title: string) => {
  const found = d.panels.find((p) => p.title === title);
  assert.ok(found, `a panel "${title}" on ${d.uid}`);
  return found;
};

describe("alerts and dashboards", () => {
  describe("the PromQL check", () => {
    it("accepts a valid expression and rejects broken ones, so the parse assertions below mean something", () => {
      assert.deepStrictEqual(promqlErrors("sum by (namespace) (rate(http_requests_total[5m])) > 1"), []);
      assert.notDeepStrictEqual(promqlErrors("sum by (namespace (rate(x[5m]))"), []);
      assert.notDeepStrictEqual(promqlErrors("avg(DCGM_FI_DEV_GPU_UTIL[1h]) <"), []);
    });
  });

  describe("platformAlerts, defaults", () => {
    const alerts = platformAlerts({ pools: POOLS });

    it("holds the platform's alerts, in order, one GpuPoolAtMaximum per pool", () => {
      assert.deepStrictEqual(
        alerts.map((a) => a.name),
        [
          "GpuIdle",
          "GpuMemoryPressure",
          "GpuXidErrors",
          "GpuPoolAtMaximum",
          "InferenceLatencyP99High",
          "InferenceErrorRateHigh",
          "InferenceQueueDepthHigh",
          "TrainingPendingTooLong",
          "ModelDriftHigh",
        ],
      );
    });

    it("gives every alert a severity, a Prometheus duration, a summary and a runbook", () => {
      for (const alert of alerts) {
        assert.ok(["critical", "warning"].includes(alert.severity), `${alert.name} severity ${alert.severity}`);
        assert.ok(durationSeconds(alert.for) > 0, `${alert.name} for ${alert.for}`);
        assert.ok(alert.summary.length > 20, `${alert.name} has a summary`);
        assert.ok(alert.runbook.length > 20, `${alert.name} has a runbook`);
        assert.strictEqual(typeof alert.page, "boolean", `${alert.name} says whether it pages`);
      }
    });

    it("makes XID errors, p99 latency and error rate critical, and the rest warnings", () => {
      assert.deepStrictEqual(
        alerts.filter((a) => a.severity === "critical").map((a) => a.name),
        ["GpuXidErrors", "InferenceLatencyP99High", "InferenceErrorRateHigh"],
      );
    });

    it("pages on idle GPUs, XID errors, p99 latency and error rate only", () => {
      assert.deepStrictEqual(
        alerts.filter((a) => a.page).map((a) => a.name),
        ["GpuIdle", "GpuXidErrors", "InferenceLatencyP99High", "InferenceErrorRateHigh"],
      );
    });

    it("resolves the thresholds to their documented defaults", () => {
      assert.deepStrictEqual(resolveThresholds(), {
        gpuIdlePercent: 10,
        gpuIdleFor: "2h",
        gpuMemoryFraction: 0.95,
        latencyP99Seconds: 10,
        errorRate: 0.05,
        queueDepth: 20,
        pendingFor: "2h",
        drift: 0.2,
      });
      assert.deepStrictEqual(resolveThresholds({}), resolveThresholds());
    });

    it("GpuIdle: average DCGM utilisation over an hour under 10 % for 2h", () => {
      const a = byName(alerts, "GpuIdle");
      assert.strictEqual(
        a.expr,
        `avg by (namespace, Hostname, gpu) (label_replace(avg_over_time(${DCGM.utilisation}[1h]), "namespace", "$1", "exported_namespace", "(.+)")) < 10`,
      );
      assert.strictEqual(a.for, "2h");
      assert.strictEqual(a.severity, "warning");
      assert.match(a.summary, /10 %/);
    });

    it("GpuMemoryPressure: frame-buffer use over 0.95 for 15m", () => {
      const a = byName(alerts, "GpuMemoryPressure");
      assert.strictEqual(
        a.expr,
        `max by (namespace, Hostname, gpu) (label_replace(${DCGM.memoryUsed} / (${DCGM.memoryUsed} + ${DCGM.memoryFree}), "namespace", "$1", "exported_namespace", "(.+)")) > 0.95`,
      );
      assert.strictEqual(a.for, "15m");
      assert.match(a.summary, /95 %/);
    });

    it("GpuXidErrors: any XID, for 1m", () => {
      const a = byName(alerts, "GpuXidErrors");
      assert.strictEqual(a.expr, `max by (Hostname, gpu) (${DCGM.xid}) > 0`);
      assert.strictEqual(a.for, "1m");
    });

    it("GpuPoolAtMaximum: the pool's node count at its maxNodes, for 30m, one per pool, scoped to the pool", () => {
      const a = byName(alerts, "GpuPoolAtMaximum");
      assert.strictEqual(
        a.expr,
        `count by (label_cloud_google_com_gke_nodepool) (${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="gpu-l4"}) >= 4`,
      );
      assert.strictEqual(a.scope, "gpu-l4");
      assert.strictEqual(a.for, "30m");
      assert.strictEqual(a.severity, "warning");
      assert.match(a.summary, /gpu-l4/);
      assert.match(a.summary, /4 nodes/);

      const two = platformAlerts({
        pools: [
          { nodePool: "gpu-l4", maxNodes: 4 },
          { nodePool: "gpu-h100", maxNodes: 2 },
        ],
      }).filter((x) => x.name === "GpuPoolAtMaximum");
      assert.deepStrictEqual(
        two.map((x) => x.expr),
        [
          `count by (label_cloud_google_com_gke_nodepool) (${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="gpu-l4"}) >= 4`,
          `count by (label_cloud_google_com_gke_nodepool) (${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="gpu-h100"}) >= 2`,
        ],
      );
      assert.deepStrictEqual(
        two.map((x) => x.scope),
        ["gpu-l4", "gpu-h100"],
      );
      assert.strictEqual(
        platformAlerts({ pools: [] }).filter((x) => x.name === "GpuPoolAtMaximum").length,
        0,
        "no pools, no pool alerts",
      );
      assert.strictEqual(platformAlerts({ pools: [] }).length, 8);
    });

    it("only the pool alerts have a scope; the others are told apart by name", () => {
      const two = platformAlerts({
        pools: [
          { nodePool: "gpu-l4", maxNodes: 4 },
          { nodePool: "gpu-h100", maxNodes: 2 },
        ],
      });
      assert.deepStrictEqual(
        two.filter((a) => a.scope !== undefined).map((a) => [a.name, a.scope]),
        [
          ["GpuPoolAtMaximum", "gpu-l4"],
          ["GpuPoolAtMaximum", "gpu-h100"],
        ],
      );
      const keys = two.map(alertKey);
      assert.strictEqual(new Set(keys).size, keys.length, `keys are unique: ${keys.join(", ")}`);
    });

    it("reads the DCGM series' namespace as the workload's (objectNamespace) in GpuIdle and GpuMemoryPressure, not in GpuXidErrors", () => {
      assert.ok(byName(alerts, "GpuIdle").expr.includes(objectNamespace(`avg_over_time(${DCGM.utilisation}[1h])`)));
      assert.ok(
        byName(alerts, "GpuMemoryPressure").expr.includes(
          objectNamespace(`${DCGM.memoryUsed} / (${DCGM.memoryUsed} + ${DCGM.memoryFree})`),
        ),
      );
      assert.ok(!byName(alerts, "GpuXidErrors").expr.includes("label_replace"), "XID errors are by node and GPU");
    });

    it("InferenceLatencyP99High: vLLM e2e latency p99 over 10 s for 10m", () => {
      const a = byName(alerts, "InferenceLatencyP99High");
      assert.strictEqual(
        a.expr,
        `histogram_quantile(0.99, sum by (namespace, model_name, le) (rate(${VLLM.latency}[5m]))) > 10`,
      );
      assert.strictEqual(a.for, "10m");
    });

    it("InferenceErrorRateHigh: share of 5xx over 0.05 for 10m", () => {
      const a = byName(alerts, "InferenceErrorRateHigh");
      assert.strictEqual(
        a.expr,
        `sum by (namespace) (rate(${VLLM.httpRequests}{status=~"5.."}[5m])) / sum by (namespace) (rate(${VLLM.httpRequests}[5m])) > 0.05`,
      );
      assert.strictEqual(a.for, "10m");
      assert.match(a.summary, /5 %/);
    });

    it("InferenceQueueDepthHigh: more than 20 waiting for 10m", () => {
      const a = byName(alerts, "InferenceQueueDepthHigh");
      assert.strictEqual(a.expr, `sum by (namespace, model_name) (${VLLM.waiting}) > 20`);
      assert.strictEqual(a.for, "10m");
    });

    it("TrainingPendingTooLong: active pending Kueue workloads for 2h", () => {
      const a = byName(alerts, "TrainingPendingTooLong");
      assert.strictEqual(a.expr, `sum by (cluster_queue) (${KUEUE.pending}{status="active"}) > 0`);
      assert.strictEqual(a.for, "2h");
    });

    it("ModelDriftHigh: the drift contract's metric over 0.2 for 30m", () => {
      const a = byName(alerts, "ModelDriftHigh");
      assert.strictEqual(DRIFT_METRIC.name, "cnai_model_drift_score");
      assert.strictEqual(a.expr, `max by (namespace, model) (${DRIFT_METRIC.name}) > 0.2`);
      assert.strictEqual(a.for, "30m");
    });

    it("every expression parses as PromQL, with and without pools", () => {
      assertParses(alerts.map((a) => a.expr));
      assertParses(platformAlerts({ pools: [] }).map((a) => a.expr));
      assertParses(
        platformAlerts({
          pools: [
            { nodePool: "gpu-l4", maxNodes: 4 },
            { nodePool: "gpu-a100", maxNodes: 8 },
          ],
        }).map((a) => a.expr),
      );
    });
  });

  describe("platformAlerts, thresholds", () => {
    const thresholds = {
      gpuIdlePercent: 25,
      gpuIdleFor: "4h",
      gpuMemoryFraction: 0.9,
      latencyP99Seconds: 3,
      errorRate: 0.01,
      queueDepth: 50,
      pendingFor: "30m",
      drift: 0.35,
    };
    const alerts = platformAlerts({ pools: POOLS, thresholds });

    it("change the expressions", () => {
      assert.match(byName(alerts, "GpuIdle").expr, / < 25$/);
      assert.match(byName(alerts, "GpuMemoryPressure").expr, / > 0\.9$/);
      assert.match(byName(alerts, "InferenceLatencyP99High").expr, / > 3$/);
      assert.match(byName(alerts, "InferenceErrorRateHigh").expr, / > 0\.01$/);
      assert.match(byName(alerts, "InferenceQueueDepthHigh").expr, / > 50$/);
      assert.match(byName(alerts, "ModelDriftHigh").expr, / > 0\.35$/);
    });

    it("change the durations of GpuIdle and TrainingPendingTooLong, and no other", () => {
      const defaults = platformAlerts({ pools: POOLS });
      assert.strictEqual(byName(alerts, "GpuIdle").for, "4h");
      assert.strictEqual(byName(alerts, "TrainingPendingTooLong").for, "30m");
      for (const name of [
        "GpuMemoryPressure",
        "GpuXidErrors",
        "GpuPoolAtMaximum",
        "InferenceLatencyP99High",
        "InferenceErrorRateHigh",
        "InferenceQueueDepthHigh",
        "ModelDriftHigh",
      ]) {
        assert.strictEqual(byName(alerts, name).for, byName(defaults, name).for, name);
      }
    });

    it("show in the summaries", () => {
      assert.match(byName(alerts, "GpuIdle").summary, /25 %.*4h/);
      assert.match(byName(alerts, "GpuMemoryPressure").summary, /90 %/);
      assert.match(byName(alerts, "InferenceLatencyP99High").summary, /3 s/);
      assert.match(byName(alerts, "InferenceErrorRateHigh").summary, /1 %/);
      assert.match(byName(alerts, "InferenceQueueDepthHigh").summary, /50 requests/);
      assert.match(byName(alerts, "TrainingPendingTooLong").summary, /30m/);
      assert.match(byName(alerts, "ModelDriftHigh").summary, /0\.35/);
    });

    it("a partial set keeps the other defaults", () => {
      assert.deepStrictEqual(resolveThresholds({ queueDepth: 5 }), { ...resolveThresholds(), queueDepth: 5 });
    });

    it("still parse as PromQL", () => {
      assertParses(alerts.map((a) => a.expr));
    });
  });

  describe("systemMetricAlerts", () => {
    const alerts = systemMetricAlerts();

    it("alerts on idle GPUs and GPU memory pressure, both paging warnings", () => {
      assert.deepStrictEqual(
        alerts.map((a) => a.name),
        ["GpuIdle", "GpuMemoryPressure"],
      );
      for (const a of alerts) {
        assert.strictEqual(a.severity, "warning", a.name);
        assert.strictEqual(a.page, true, a.name);
        assert.ok(a.summary.length > 0 && a.runbook.length > 0, a.name);
      }
    });

    it("reads GKE's system metric names, not DCGM's", () => {
      assert.deepStrictEqual(GKE_SYSTEM, {
        gpuDutyCycle: "kubernetes_io:container_accelerator_duty_cycle",
        gpuMemoryUsed: "kubernetes_io:container_accelerator_memory_used",
        gpuMemoryTotal: "kubernetes_io:container_accelerator_memory_total",
      });
      assert.strictEqual(
        byName(alerts, "GpuIdle").expr,
        `avg by (namespace_name, pod_name) (avg_over_time(${GKE_SYSTEM.gpuDutyCycle}[1h])) < 10`,
      );
      assert.strictEqual(
        byName(alerts, "GpuMemoryPressure").expr,
        `max by (namespace_name, pod_name) (${GKE_SYSTEM.gpuMemoryUsed} / ${GKE_SYSTEM.gpuMemoryTotal}) > 0.95`,
      );
      for (const a of alerts) assert.ok(!a.expr.includes("DCGM_"), `${a.name} does not read DCGM`);
    });

    it("takes the thresholds", () => {
      const custom = systemMetricAlerts({ gpuIdlePercent: 5, gpuIdleFor: "1d", gpuMemoryFraction: 0.8 });
      assert.match(byName(custom, "GpuIdle").expr, / < 5$/);
      assert.strictEqual(byName(custom, "GpuIdle").for, "1d");
      assert.match(byName(custom, "GpuMemoryPressure").expr, / > 0\.8$/);
      assert.strictEqual(byName(custom, "GpuMemoryPressure").for, "15m");
    });

    it("parse as PromQL", () => {
      assertParses(alerts.map((a) => a.expr));
    });
  });

  describe("alertKey", () => {
    const alert = byName(platformAlerts({ pools: [] }), "GpuIdle");

    it("is the name of an alert without a scope", () => {
      assert.strictEqual(alert.scope, undefined);
      assert.strictEqual(alertKey(alert), "GpuIdle");
    });

    it("is name-scope for an alert with one", () => {
      assert.strictEqual(
        alertKey({ ...alert, name: "GpuPoolAtMaximum", scope: "gpu-h100-train" }),
        "GpuPoolAtMaximum-gpu-h100-train",
      );
      assert.strictEqual(
        alertKey(byName(platformAlerts({ pools: POOLS }), "GpuPoolAtMaximum")),
        "GpuPoolAtMaximum-gpu-l4",
      );
    });

    it("ignores an empty scope", () => {
      assert.strictEqual(alertKey({ ...alert, scope: "" }), "GpuIdle");
    });
  });

  describe("objectNamespace", () => {
    it("copies exported_namespace, where there is one, over namespace", () => {
      assert.strictEqual(objectNamespace("up"), 'label_replace(up, "namespace", "$1", "exported_namespace", "(.+)")');
    });

    it("wraps any expression, which still parses", () => {
      assertParses([
        objectNamespace(`${DCGM.memoryUsed} / (${DCGM.memoryUsed} + ${DCGM.memoryFree})`),
        `sum by (namespace) (${objectNamespace(DCGM.utilisation)})`,
      ]);
    });
  });

  describe("durationSeconds", () => {
    it("reads seconds, minutes, hours and days", () => {
      assert.strictEqual(durationSeconds("90s"), 90);
      assert.strictEqual(durationSeconds("15m"), 900);
      assert.strictEqual(durationSeconds("2h"), 7200);
      assert.strictEqual(durationSeconds("1d"), 86400);
    });

    it("refuses what is not a single Prometheus duration, naming the forms allowed", () => {
      for (const bad of ["5 minutes", "1h30m", "", "10", "2w", "-1m", "1.5h"]) {
        assert.throws(
          () => durationSeconds(bad),
          { message: `"${bad}" is not a Prometheus duration (90s, 15m, 2h, 1d)` },
          bad,
        );
      }
    });

    it("reads every alert's duration", () => {
      for (const a of [...platformAlerts({ pools: POOLS }), ...systemMetricAlerts()])
        assert.doesNotThrow(() => durationSeconds(a.for), a.name);
    });
  });

  describe("ruleGroup", () => {
    it("is the rule group Prometheus, PrometheusRule and GMP Rules share: name, 60s interval, one rule per alert", () => {
      const alerts = platformAlerts({ pools: POOLS });
      const group = ruleGroup("cnai-platform", alerts);
      assert.strictEqual(group.name, "cnai-platform");
      assert.strictEqual(group.interval, "60s");
      assert.strictEqual(group.rules.length, alerts.length);
      alerts.forEach((a, i) => {
        assert.deepStrictEqual(group.rules[i], {
          alert: a.name,
          expr: a.expr,
          for: a.for,
          labels: { severity: a.severity, platform: "cnai" },
          annotations: { summary: a.summary, runbook: a.runbook },
        });
      });
    });

    it("leaves out whether an alert pages (not a Prometheus field)", () => {
      const group = ruleGroup("g", systemMetricAlerts());
      for (const rule of group.rules) assert.ok(!("page" in rule));
      assert.deepStrictEqual(ruleGroup("empty", []), { name: "empty", interval: "60s", rules: [] });
    });
  });

  describe("platformDashboards", () => {
    const dashboards = platformDashboards(DASHBOARD_CONTEXT);
    const facility = `(sum(${DCGM.power}) / 1000) * 1.09`;

    it("has the GPU fleet, serving, training and cost-and-carbon dashboards", () => {
      assert.deepStrictEqual(
        dashboards.map((d) => [d.uid, d.title]),
        [
          ["cnai-gpu-fleet", "cnai · GPU fleet"],
          ["cnai-serving", "cnai · Model serving"],
          ["cnai-training", "cnai · Training"],
          ["cnai-cost-carbon", "cnai · Cost and carbon"],
        ],
      );
      for (const d of dashboards) {
        for (const p of d.panels) {
          assert.ok(p.queries.length > 0, `${d.uid} ${p.title} has a query`);
          for (const q of p.queries) assert.ok(q.legend.length > 0, `${d.uid} ${p.title} has legends`);
        }
      }
    });

    it("GPU fleet: utilisation by team and by pool, memory by team, power by pool, GPUs reporting", () => {
      const d = dashboard(dashboards, "cnai-gpu-fleet");
      assert.deepStrictEqual(
        d.panels.map((p) => [p.title, p.unit]),
        [
          ["GPU utilisation by team", "percent"],
          ["GPU utilisation by pool", "percent"],
          ["GPU memory used by team", "mebibytes"],
          ["GPU power by pool", "watts"],
          ["GPUs reporting", "short"],
        ],
      );
      const join = `* on (Hostname) group_left (label_cloud_google_com_gke_nodepool) label_replace(${KUBE_STATE.nodeLabels}, "Hostname", "$1", "node", "(.*)")`;
      assert.deepStrictEqual(panel(d, "GPU utilisation by team").queries, [
        {
          expr: `avg by (namespace) (label_replace(${DCGM.utilisation}, "namespace", "$1", "exported_namespace", "(.+)"))`,
          legend: "{{namespace}}",
        },
      ]);
      assert.deepStrictEqual(panel(d, "GPU utilisation by pool").queries, [
        {
          expr: `avg by (label_cloud_google_com_gke_nodepool) (${DCGM.utilisation} ${join})`,
          legend: "{{label_cloud_google_com_gke_nodepool}}",
        },
      ]);
      assert.deepStrictEqual(panel(d, "GPU memory used by team").queries, [
        {
          expr: `sum by (namespace) (label_replace(${DCGM.memoryUsed}, "namespace", "$1", "exported_namespace", "(.+)"))`,
          legend: "{{namespace}}",
        },
      ]);
      assert.deepStrictEqual(panel(d, "GPU power by pool").queries, [
        {
          expr: `sum by (label_cloud_google_com_gke_nodepool) (${DCGM.power} ${join})`,
          legend: "{{label_cloud_google_com_gke_nodepool}}",
        },
      ]);
      assert.deepStrictEqual(panel(d, "GPUs reporting").queries, [
        { expr: `count(${DCGM.utilisation})`, legend: "GPUs" },
      ]);
    });

    it("serving: latency p50 and p99, throughput, tokens per second and requests waiting, by model", () => {
      const d = dashboard(dashboards, "cnai-serving");
      assert.deepStrictEqual(
        d.panels.map((p) => [p.title, p.unit]),
        [
          ["Latency p50 and p99 by model", "seconds"],
          ["Throughput by model", "reqps"],
          ["Tokens per second by model", "tokensps"],
          ["Requests waiting", "short"],
        ],
      );
      assert.deepStrictEqual(panel(d, "Latency p50 and p99 by model").queries, [
        {
          expr: `histogram_quantile(0.5, sum by (model_name, le) (rate(${VLLM.latency}[5m])))`,
          legend: "p50 {{model_name}}",
        },
        {
          expr: `histogram_quantile(0.99, sum by (model_name, le) (rate(${VLLM.latency}[5m])))`,
          legend: "p99 {{model_name}}",
        },
      ]);
      assert.deepStrictEqual(panel(d, "Throughput by model").queries, [
        { expr: "sum by (model_name) (rate(vllm:e2e_request_latency_seconds_count[5m]))", legend: "{{model_name}}" },
      ]);
      assert.deepStrictEqual(panel(d, "Tokens per second by model").queries, [
        { expr: `sum by (model_name) (rate(${VLLM.generationTokens}[5m]))`, legend: "{{model_name}}" },
      ]);
      assert.deepStrictEqual(panel(d, "Requests waiting").queries, [
        { expr: `sum by (model_name) (${VLLM.waiting})`, legend: "{{model_name}}" },
      ]);
    });

    it("training: pending workloads, queue wait p90, admitted workloads and job durations", () => {
      const d = dashboard(dashboards, "cnai-training");
      assert.deepStrictEqual(
        d.panels.map((p) => [p.title, p.unit]),
        [
          ["Workloads pending in Kueue", "short"],
          ["Queue wait p90", "seconds"],
          ["Admitted workloads", "short"],
          ["Job durations", "seconds"],
        ],
      );
      assert.strictEqual(
        panel(d, "Workloads pending in Kueue").queries[0].expr,
        `sum by (cluster_queue, status) (${KUEUE.pending})`,
      );
      assert.strictEqual(
        panel(d, "Queue wait p90").queries[0].expr,
        `histogram_quantile(0.9, sum by (cluster_queue, le) (rate(${KUEUE.admissionWait}[1h])))`,
      );
      assert.strictEqual(
        panel(d, "Admitted workloads").queries[0].expr,
        `sum by (cluster_queue) (${KUEUE.admittedActive})`,
      );
      assert.strictEqual(
        panel(d, "Job durations").queries[0].expr,
        `max by (namespace, job_name) (label_replace(${KUBE_STATE.jobCompletion} - ${KUBE_STATE.jobStart}, "namespace", "$1", "exported_namespace", "(.+)"))`,
      );
    });

    it("cost and carbon: power with the PUE, energy per day, emissions with the grid intensity and the CFE share", () => {
      const d = dashboard(dashboards, "cnai-cost-carbon");
      assert.deepStrictEqual(
        d.panels.map((p) => [p.title, p.unit]),
        [
          ["GPU power, with data-centre overhead", "kilowatts"],
          ["Energy per day at the current draw", "kwh-per-day"],
          ["Emissions (location-based, and net of carbon-free energy)", "kg-per-hour"],
          ["GPU node cost", "usd-per-hour"],
        ],
      );
      assert.deepStrictEqual(panel(d, "GPU power, with data-centre overhead").queries, [
        { expr: facility, legend: "kW" },
      ]);
      assert.deepStrictEqual(panel(d, "Energy per day at the current draw").queries, [
        { expr: `(${facility}) * 24`, legend: "kWh/day" },
      ]);
      assert.deepStrictEqual(panel(d, "Emissions (location-based, and net of carbon-free energy)").queries, [
        { expr: `(${facility}) * 412.72 / 1000`, legend: "location-based" },
        { expr: `(${facility}) * 412.72 * 0.13 / 1000`, legend: "CFE-adjusted" },
      ]);
    });

    it("cost: each pool's node count (0 when it has none) times its hourly price, summed", () => {
      const one = panel(dashboard(dashboards, "cnai-cost-carbon"), "GPU node cost");
      assert.deepStrictEqual(one.queries, [
        {
          expr: `(count(${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="gpu-l4"}) or vector(0)) * 0.85`,
          legend: "USD/h",
        },
      ]);

      const two = platformDashboards({
        ...DASHBOARD_CONTEXT,
        pools: [
          { nodePool: "gpu-l4", nodeHourlyUsd: 0.85 },
          { nodePool: "gpu-h100", nodeHourlyUsd: 88.49 },
        ],
      });
      assert.strictEqual(
        panel(dashboard(two, "cnai-cost-carbon"), "GPU node cost").queries[0].expr,
        `(count(${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="gpu-l4"}) or vector(0)) * 0.85 + (count(${KUBE_STATE.nodeLabels}{label_cloud_google_com_gke_nodepool="gpu-h100"}) or vector(0)) * 88.49`,
      );
    });

    it("cost with no pools is vector(0)", () => {
      const none = platformDashboards({ ...DASHBOARD_CONTEXT, pools: [] });
      assert.deepStrictEqual(panel(dashboard(none, "cnai-cost-carbon"), "GPU node cost").queries, [
        { expr: "vector(0)", legend: "USD/h" },
      ]);
      assertParses(dashboardQueries(none));
    });

    it("the constants of the context reach the queries (another region and PUE)", () => {
      const other = platformDashboards({ pools: [], pue: 1.1, gridGco2PerKwh: 35, cfe: 0.95 });
      const emissions = panel(
        dashboard(other, "cnai-cost-carbon"),
        "Emissions (location-based, and net of carbon-free energy)",
      ).queries.map((q) => q.expr);
      assert.deepStrictEqual(
        emissions,
        [`((sum(${DCGM.power}) / 1000) * 1.1) * 35 / 1000`, `((sum(${DCGM.power}) / 1000) * 1.1) * 35 * 0.05 / 1000`],
        "1 - 0.95 is written 0.05, not 0.050000000000000044",
      );
    });

    it("dashboardQueries lists every query of every panel, in order", () => {
      const expected = dashboards.flatMap((d) => d.panels.flatMap((p) => p.queries.map((q) => q.expr)));
      assert.deepStrictEqual(dashboardQueries(dashboards), expected);
      assert.strictEqual(expected.length, 5 + 5 + 4 + 5);
    });

    it("every query parses as PromQL", () => {
      assertParses(dashboardQueries(dashboards));
      assertParses(
        dashboardQueries(
          platformDashboards({
            ...DASHBOARD_CONTEXT,
            pools: [
              { nodePool: "a", nodeHourlyUsd: 1 },
              { nodePool: "b", nodeHourlyUsd: 2.5 },
            ],
          }),
        ),
      );
    });
  });

  describe("grafanaDashboard", () => {
    const source = dashboard(platformDashboards(DASHBOARD_CONTEXT), "cnai-serving");
    const rendered = grafanaDashboard(source) as {
      uid: string;
      title: string;
      tags: string[];
      schemaVersion: number;
      editable: boolean;
      time: unknown;
      panels: Array<{
        id: number;
        type: string;
        title: string;
        gridPos: { x: number; y: number; w: number; h: number };
        datasource: unknown;
        fieldConfig: { defaults: { unit: string } };
        targets: Array<{ refId: string; expr: string; legendFormat: string }>;
      }>;
    };

    it("renders a read-only Grafana dashboard (schema 39) with the uid and title, tagged cnai-platform, over the last 24h", () => {
      assert.strictEqual(rendered.uid, "cnai-serving");
      assert.strictEqual(rendered.title, "cnai · Model serving");
      assert.deepStrictEqual(rendered.tags, ["cnai-platform"]);
      assert.strictEqual(rendered.schemaVersion, 39);
      assert.strictEqual(rendered.editable, false);
      assert.deepStrictEqual(rendered.time, { from: "now-24h", to: "now" });
    });

    it("renders one time series panel per panel, two a row, on the Prometheus data source", () => {
      assert.strictEqual(rendered.panels.length, source.panels.length);
      rendered.panels.forEach((p, i) => {
        assert.strictEqual(p.id, i + 1);
        assert.strictEqual(p.type, "timeseries");
        assert.strictEqual(p.title, source.panels[i].title);
        assert.deepStrictEqual(p.gridPos, { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 });
        assert.deepStrictEqual(p.datasource, { type: "prometheus", uid: "prometheus" });
      });
    });

    it("renders one target per query, refIds A, B, ..., with the legend", () => {
      rendered.panels.forEach((p, i) => {
        assert.deepStrictEqual(
          p.targets,
          source.panels[i].queries.map((q, j) => ({ refId: "AB"[j], expr: q.expr, legendFormat: q.legend })),
        );
      });
      assert.deepStrictEqual(
        rendered.panels[0].targets.map((t) => t.refId),
        ["A", "B"],
      );
    });

    it("maps the panel units to Grafana units", () => {
      assert.deepStrictEqual(
        rendered.panels.map((p) => p.fieldConfig.defaults.unit),
        ["s", "reqps", "suffix: tok/s", "short"],
      );
    });

    it("maps every panel unit of every dashboard to a Grafana unit id, or a suffix where Grafana has none", () => {
      const units = platformDashboards(DASHBOARD_CONTEXT).map((d) => [
        d.uid,
        (grafanaDashboard(d) as typeof rendered).panels.map((p) => p.fieldConfig.defaults.unit),
      ]);
      assert.deepStrictEqual(units, [
        ["cnai-gpu-fleet", ["percent", "percent", "mbytes", "watt", "short"]],
        ["cnai-serving", ["s", "reqps", "suffix: tok/s", "short"]],
        ["cnai-training", ["short", "s", "short", "s"]],
        ["cnai-cost-carbon", ["kwatt", "suffix: kWh/d", "suffix: kg/h", "currencyUSD"]],
      ]);
    });

    it("is JSON (a ConfigMap can carry it)", () => {
      assert.deepStrictEqual(JSON.parse(JSON.stringify(rendered)), rendered);
    });
  });

  describe("cloudMonitoringDashboard", () => {
    const source = dashboard(platformDashboards(DASHBOARD_CONTEXT), "cnai-cost-carbon");
    const rendered = cloudMonitoringDashboard(source) as {
      displayName: string;
      mosaicLayout: {
        columns: number;
        tiles: Array<{
          xPos: number;
          yPos: number;
          width: number;
          height: number;
          widget: {
            title: string;
            xyChart: {
              chartOptions: unknown;
              dataSets: Array<{
                plotType: string;
                targetAxis: string;
                timeSeriesQuery: { prometheusQuery: string; unitOverride: string };
              }>;
            };
          };
        }>;
      };
    };

    it("renders a mosaic of 48 columns with one 24x16 tile per panel, two a row, titled by the dashboard", () => {
      assert.strictEqual(rendered.displayName, "cnai · Cost and carbon");
      assert.strictEqual(rendered.mosaicLayout.columns, 48);
      assert.strictEqual(rendered.mosaicLayout.tiles.length, source.panels.length);
      rendered.mosaicLayout.tiles.forEach((t, i) => {
        assert.deepStrictEqual([t.xPos, t.yPos, t.width, t.height], [(i % 2) * 24, Math.floor(i / 2) * 16, 24, 16]);
        assert.strictEqual(t.widget.title, source.panels[i].title);
        assert.deepStrictEqual(t.widget.xyChart.chartOptions, { mode: "COLOR" });
      });
    });

    it("renders one line data set per query, a PromQL time series query", () => {
      const units = ["{kW}", "{kWh}/d", "{kg}/h", "{USD}/h"];
      rendered.mosaicLayout.tiles.forEach((t, i) => {
        assert.deepStrictEqual(
          t.widget.xyChart.dataSets,
          source.panels[i].queries.map((q) => ({
            plotType: "LINE",
            targetAxis: "Y1",
            timeSeriesQuery: { prometheusQuery: q.expr, unitOverride: units[i] },
          })),
        );
      });
      assert.strictEqual(
        rendered.mosaicLayout.tiles[2].widget.xyChart.dataSets.length,
        2,
        "the emissions panel has two lines",
      );
    });

    it("maps every panel unit of every dashboard to a Cloud Monitoring unit (UCUM, with {annotations} where it has none)", () => {
      const units = platformDashboards(DASHBOARD_CONTEXT).map((d) => {
        const json = cloudMonitoringDashboard(d) as typeof rendered;
        return [
          d.uid,
          json.mosaicLayout.tiles.map((t) => [
            ...new Set(t.widget.xyChart.dataSets.map((s) => s.timeSeriesQuery.unitOverride)),
          ]),
        ];
      });
      assert.deepStrictEqual(units, [
        ["cnai-gpu-fleet", [["%"], ["%"], ["MiBy"], ["{W}"], ["1"]]],
        ["cnai-serving", [["s"], ["1/s"], ["{token}/s"], ["1"]]],
        ["cnai-training", [["1"], ["s"], ["1"], ["s"]]],
        ["cnai-cost-carbon", [["{kW}"], ["{kWh}/d"], ["{kg}/h"], ["{USD}/h"]]],
      ]);
    });
  });
});
