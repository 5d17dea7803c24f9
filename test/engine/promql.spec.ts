import * as assert from "node:assert";
import { planPromql, promqlErrors } from "../../scripts/lib/promql";

describe("PromQL checking", () => {
  it("accepts valid expressions and finds the errors in broken ones", () => {
    assert.deepStrictEqual(
      promqlErrors("histogram_quantile(0.99, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m]))) > 10"),
      [],
    );
    assert.notDeepStrictEqual(promqlErrors("sum(rate(x[5m]) by"), []);
    assert.notDeepStrictEqual(promqlErrors('foo{a="b"} >'), []);
    assert.notDeepStrictEqual(promqlErrors("rate(x[5 minutes])"), []);
    assert.ok(promqlErrors("").length > 0, "an empty expression is not a query");
  });

  it("collects the expressions of rules, alert policies and both kinds of dashboard from a plan", () => {
    const found = planPromql([
      {
        type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
        inputs: { kind: "PrometheusRule", spec: { groups: [{ rules: [{ alert: "A", expr: "up == 0" }] }] } },
      },
      {
        type: "gcp:monitoring/alertPolicy:AlertPolicy",
        inputs: {
          conditions: [
            { displayName: "B", conditionPrometheusQueryLanguage: { query: "up > 1" } },
            { displayName: "log", conditionMatchedLog: { filter: "x" } },
          ],
        },
      },
      {
        type: "gcp:monitoring/dashboard:Dashboard",
        inputs: {
          dashboardJson: JSON.stringify({
            mosaicLayout: {
              tiles: [
                {
                  widget: { title: "C", xyChart: { dataSets: [{ timeSeriesQuery: { prometheusQuery: "sum(up)" } }] } },
                },
              ],
            },
          }),
        },
      },
      {
        type: "kubernetes:core/v1:ConfigMap",
        inputs: {
          kind: "ConfigMap",
          metadata: { labels: { grafana_dashboard: "1" } },
          data: { "d.json": JSON.stringify({ panels: [{ title: "D", targets: [{ expr: "count(up)" }] }] }) },
        },
      },
    ]);
    assert.deepStrictEqual(found, [
      { where: "PrometheusRule A", expr: "up == 0" },
      { where: "AlertPolicy B", expr: "up > 1" },
      { where: "Dashboard C", expr: "sum(up)" },
      { where: "Grafana D", expr: "count(up)" },
    ]);
  });
});
