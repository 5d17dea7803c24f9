import * as assert from "node:assert";
import { idleGpuAlert } from "../../../policies/sustainability/policies/idle-gpu-alert";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, violationsOf } from "../../helpers/policy";
import { pool } from "./fixtures";

/** The blueprint's GpuIdle rule (components/observability/alerts.ts), as the self-hosted backend renders it. */
const GPU_IDLE_DCGM =
  'avg by (namespace, Hostname, gpu) (label_replace(avg_over_time(DCGM_FI_DEV_GPU_UTIL[1h]), "namespace", "$1", "exported_namespace", "(.+)")) < 10';
const GPU_IDLE_MANAGED =
  "avg by (namespace_name, pod_name) (avg_over_time(kubernetes_io:container_accelerator_duty_cycle[1h])) < 10";

const ruleResource = (type: string, rules: Record<string, unknown>[]) => ({
  type,
  name: "rules",
  inputs: { metadata: { name: "cnai" }, spec: { groups: [{ name: "cnai-platform", rules }] } },
});
const prometheusRule = (rules: Record<string, unknown>[]) =>
  ruleResource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", rules);
const alertPolicy = (conditions: Record<string, unknown>[]) => ({
  type: "gcp:monitoring/alertPolicy:AlertPolicy",
  name: "policy",
  inputs: { displayName: "x", combiner: "OR", conditions },
});

const gpuPools = [pool({ name: "l4-dev" }), pool({ name: "l4-train" })];

describe("policy cnai-idle-gpu-alert", () => {
  it("asks nothing of a stack without GPU node pools", async () => {
    const cpuPool = pool({ name: "system", machineType: "e2-standard-4", accelerator: null });
    assert.deepStrictEqual(await messagesOf(idleGpuAlert, [cpuPool]), []);
    assert.deepStrictEqual(await messagesOf(idleGpuAlert, []), []);
  });

  it("reports GPU pools without an idle-GPU alert, naming them, as a stack violation", async () => {
    const violations = await violationsOf(idleGpuAlert, gpuPools);
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, causeOf(v)]),
      [
        [
          null,
          "2 GPU node pools (l4-dev, l4-train) and no alert on low GPU utilisation. " +
            "Add one (the observability layer's GpuIdle alert does: a rule on DCGM_FI_DEV_GPU_UTIL below a threshold for hours).",
        ],
      ],
    );
    const [one] = await messagesOf(idleGpuAlert, [gpuPools[0]]);
    assert.match(one, /^1 GPU node pool \(l4-dev\) and no alert/);
  });

  it("counts a PrometheusRule alert on DCGM utilisation below a threshold", async () => {
    assert.deepStrictEqual(
      await messagesOf(idleGpuAlert, [
        ...gpuPools,
        prometheusRule([{ alert: "GpuIdle", expr: GPU_IDLE_DCGM, for: "2h" }]),
      ]),
      [],
    );
  });

  it("counts Managed Prometheus ClusterRules, Rules and GlobalRules", async () => {
    for (const type of [
      "kubernetes:monitoring.googleapis.com/v1:ClusterRules",
      "kubernetes:monitoring.googleapis.com/v1:Rules",
      "kubernetes:monitoring.googleapis.com/v1:GlobalRules",
    ]) {
      assert.deepStrictEqual(
        await messagesOf(idleGpuAlert, [...gpuPools, ruleResource(type, [{ alert: "GpuIdle", expr: GPU_IDLE_DCGM }])]),
        [],
        type,
      );
    }
  });

  it("does not count recording rules, alerts that fire when utilisation is high, or alerts on other metrics", async () => {
    const rules = prometheusRule([
      { record: "gpu:util:avg", expr: GPU_IDLE_DCGM },
      { alert: "GpuBusy", expr: "avg(DCGM_FI_DEV_GPU_UTIL) > 95" },
      { alert: "QueueShort", expr: "sum(vllm:num_requests_waiting) < 1" },
    ]);
    assert.strictEqual((await messagesOf(idleGpuAlert, [...gpuPools, rules])).length, 1);
  });

  it("counts a Cloud Monitoring alert policy with a PromQL condition on a utilisation metric below a threshold", async () => {
    const policy = alertPolicy([
      { displayName: "GPU idle", conditionPrometheusQueryLanguage: { query: GPU_IDLE_MANAGED, duration: "7200s" } },
    ]);
    assert.deepStrictEqual(await messagesOf(idleGpuAlert, [...gpuPools, policy]), []);
    const high = alertPolicy([
      {
        displayName: "GPU hot",
        conditionPrometheusQueryLanguage: { query: "avg(kubernetes_io:container_accelerator_duty_cycle) > 95" },
      },
    ]);
    assert.strictEqual((await messagesOf(idleGpuAlert, [...gpuPools, high])).length, 1);
  });

  it("counts a Cloud Monitoring threshold condition on duty cycle with COMPARISON_LT, not COMPARISON_GT", async () => {
    const threshold = (comparison: string) =>
      alertPolicy([
        {
          displayName: "idle",
          conditionThreshold: {
            filter: 'metric.type="kubernetes.io/container/accelerator/duty_cycle" resource.type="k8s_container"',
            comparison,
            thresholdValue: 10,
            duration: "7200s",
          },
        },
      ]);
    assert.deepStrictEqual(await messagesOf(idleGpuAlert, [...gpuPools, threshold("COMPARISON_LT")]), []);
    assert.strictEqual((await messagesOf(idleGpuAlert, [...gpuPools, threshold("COMPARISON_GT")])).length, 1);
  });

  it("takes the utilisation metrics from config", async () => {
    const custom = prometheusRule([{ alert: "GpuIdle", expr: "avg(my_gpu_busy_ratio) < 0.1" }]);
    assert.strictEqual((await messagesOf(idleGpuAlert, [...gpuPools, custom])).length, 1, "not a default metric");
    assert.deepStrictEqual(
      await messagesOf(idleGpuAlert, [...gpuPools, custom], { metrics: ["my_gpu_busy_ratio"] }),
      [],
    );
    const [message] = await messagesOf(idleGpuAlert, gpuPools, { metrics: ["my_gpu_busy_ratio"] });
    assert.match(message, /a rule on my_gpu_busy_ratio below a threshold/);
  });

  it("reports at the configured level and not when disabled", async () => {
    const [violation] = await violationsOf(idleGpuAlert, gpuPools, "advisory");
    assert.strictEqual(violation.enforcementLevel, "advisory");
    assert.deepStrictEqual(await violationsOf(idleGpuAlert, gpuPools, "disabled"), []);
  });
});
