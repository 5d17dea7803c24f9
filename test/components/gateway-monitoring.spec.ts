import * as assert from "node:assert";
import {
  gatewayAlerts,
  gatewayDashboard,
  gatewayMetrics,
  gatewayQueries,
} from "../../components/observability/gateway-monitoring";
import { promqlErrors } from "../../scripts/lib/promql";

const chat = { team: "nlp", model: "chat", namespace: "team-nlp", backend: "chat" };
const cls = { team: "nlp", model: "cls", namespace: "team-nlp", backend: "cls-predictor" };

describe("gateway monitoring", () => {
  it("reads the load balancer's Cloud Monitoring metrics under their PromQL names, per class", () => {
    assert.deepStrictEqual(gatewayMetrics("internal"), {
      requests: "loadbalancing_googleapis_com:https_internal_request_count",
      latencyBuckets: "loadbalancing_googleapis_com:https_internal_total_latencies_bucket",
      resource: "internal_http_lb_rule",
    });
    assert.deepStrictEqual(gatewayMetrics("external"), {
      requests: "loadbalancing_googleapis_com:https_external_regional_request_count",
      latencyBuckets: "loadbalancing_googleapis_com:https_external_regional_total_latencies_bucket",
      resource: "http_external_regional_lb_rule",
    });
  });

  it("selects a model's series by its backend service and turns milliseconds into seconds", () => {
    const q = gatewayQueries("internal", chat);
    assert.strictEqual(
      q.rate,
      'sum(rate(loadbalancing_googleapis_com:https_internal_request_count{monitored_resource="internal_http_lb_rule",backend_target_name=~"gkegw1-.*-team-nlp-chat-.*"}[5m]))',
    );
    assert.match(q.errorShare, /response_code_class="500"/);
    assert.match(q.latencyP99Seconds, /^histogram_quantile\(0\.99, .*\) \/ 1000$/);
  });

  it("alerts per model on 5xx share and p99 latency, paging, with the serving thresholds", () => {
    const alerts = gatewayAlerts("external", [chat, cls], { errorRate: 0.02, latencyP99Seconds: 5 });
    assert.deepStrictEqual(
      alerts.map((a) => [a.name, a.scope, a.page, a.severity]),
      [
        ["GatewayErrorRateHigh", "nlp-chat", true, "critical"],
        ["GatewayLatencyP99High", "nlp-chat", true, "critical"],
        ["GatewayErrorRateHigh", "nlp-cls", true, "critical"],
        ["GatewayLatencyP99High", "nlp-cls", true, "critical"],
      ],
    );
    assert.match(alerts[0].expr, / > 0\.02$/);
    assert.match(alerts[1].expr, / > 5$/);
    for (const alert of alerts) assert.deepStrictEqual(promqlErrors(alert.expr), [], alert.expr);
  });

  it("a dashboard of rate, errors and latency with one series per model, all valid PromQL", () => {
    const board = gatewayDashboard("internal", [chat, cls]);
    assert.deepStrictEqual(
      board.panels.map((p) => [p.title, p.queries.map((q) => q.legend)]),
      [
        ["Requests per second by model", ["nlp/chat", "nlp/cls"]],
        ["Share of 5xx answers by model", ["nlp/chat", "nlp/cls"]],
        ["p99 latency by model (load balancer)", ["nlp/chat", "nlp/cls"]],
      ],
    );
    for (const q of board.panels.flatMap((p) => p.queries)) assert.deepStrictEqual(promqlErrors(q.expr), [], q.expr);
  });
});
