import * as assert from "node:assert";
import { planFromRun } from "../../scripts/lib/plan-document";
import { planPromql, promqlErrors } from "../../scripts/lib/promql";
import { all, input, one } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

const STACKS = ["dev", "staging", "prod"] as const;
const BACKEND = { dev: "self-hosted", staging: "managed", prod: "managed" } as const;
const kinds = (run: Awaited<ReturnType<typeof stackRun>>, kind: string) =>
  run.resources.filter((r) => r.inputs.kind === kind);

describe("observability in the shipped stacks", () => {
  it("exercises both backends between them", () => {
    assert.deepStrictEqual(new Set(Object.values(BACKEND)), new Set(["managed", "self-hosted"]));
  });

  for (const stack of STACKS) {
    describe(`${stack} (${BACKEND[stack]})`, () => {
      it("every PromQL expression (rules, alert policies, dashboards) parses with the Prometheus grammar", async () => {
        const run = await stackRun(stack);
        const expressions = planPromql(planFromRun(run).resources);
        assert.ok(expressions.length >= 30, `${expressions.length} expressions`);
        const bad = expressions.filter((e) => promqlErrors(e.expr).length > 0);
        assert.deepStrictEqual(bad, []);
      });

      it("declares its backend's monitors, rules and dashboards, and only one source of DCGM metrics", async () => {
        const run = await stackRun(stack);
        const cluster = one(run, "gcp:container/cluster:Cluster");
        const components = input(cluster, "monitoringConfig.enableComponents") as string[];
        const charts = all(run, "kubernetes:helm.sh/v4:Chart").map((c) => input(c, "chart"));
        if (BACKEND[stack] === "managed") {
          assert.ok(components.includes("DCGM"), "GKE-managed DCGM");
          assert.ok(!charts.includes("dcgm-exporter") && !charts.includes("kube-prometheus-stack"));
          assert.deepStrictEqual(
            charts.filter((c) => c === "kube-state-metrics"),
            ["kube-state-metrics"],
            "kube-state-metrics for node pools and Jobs",
          );
          assert.strictEqual(kinds(run, "ClusterPodMonitoring").length, 1);
          assert.deepStrictEqual(
            kinds(run, "PodMonitoring")
              .map((m) => input(m, "metadata.namespace"))
              .sort(),
            ["kubeflow-system", "kueue-system", "monitoring"],
          );
          const monitoringNs = all(run, "kubernetes:core/v1:Namespace").filter(
            (n) => input(n, "metadata.name") === "monitoring",
          );
          assert.strictEqual(monitoringNs.length, 1);
          assert.strictEqual(
            (input(monitoringNs[0], "metadata.labels") as Record<string, string>)["pod-security.kubernetes.io/enforce"],
            "restricted",
          );
          const bindings = all(run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter(
            (b) => input(b, "roleRef.name") === "cnai-metrics-reader-token-read",
          );
          assert.deepStrictEqual(bindings.map((b) => input(b, "metadata.namespace")).sort(), [
            "kubeflow-system",
            "kueue-system",
          ]);
          for (const b of bindings)
            assert.deepStrictEqual(input(b, "subjects"), [
              { kind: "ServiceAccount", name: "collector", namespace: "gmp-system" },
            ]);
          assert.strictEqual(kinds(run, "ClusterRules").length, 1);
          // The platform's four, and the model gateway's (the load balancer's metrics are Cloud Monitoring's).
          assert.strictEqual(all(run, "gcp:monitoring/dashboard:Dashboard").length, 5);
        } else {
          assert.ok(!components.includes("DCGM"), "dcgm-exporter instead of GKE's DCGM");
          assert.ok(charts.includes("dcgm-exporter") && charts.includes("kube-prometheus-stack"));
          assert.ok(!charts.includes("kube-state-metrics"), "kube-prometheus-stack brings its own");
          assert.strictEqual(
            (
              input(
                all(run, "kubernetes:core/v1:Namespace").find((n) => input(n, "metadata.name") === "monitoring")!,
                "metadata.labels",
              ) as Record<string, string>
            )["pod-security.kubernetes.io/enforce"],
            "privileged",
          );
          assert.strictEqual(
            all(run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter(
              (b) => input(b, "roleRef.name") === "cnai-metrics-reader-token-read",
            ).length,
            0,
          );
          assert.deepStrictEqual(
            kinds(run, "PodMonitor")
              .map((m) => input(m, "metadata.namespace"))
              .sort(),
            ["kubeflow-system", "kueue-system", "monitoring"],
          );
          assert.strictEqual(kinds(run, "PrometheusRule").length, 1);
          assert.strictEqual(
            kinds(run, "ConfigMap").filter(
              (c) => (input(c, "metadata.labels") as Record<string, string>).grafana_dashboard === "1",
            ).length,
            4,
          );
        }
      });

      it("alerts on GPU idle, memory pressure, XID errors, pools at maximum, latency, errors, queue depth, Kueue waits and drift", async () => {
        const run = await stackRun(stack);
        const rules = (
          kinds(run, BACKEND[stack] === "managed" ? "ClusterRules" : "PrometheusRule")[0].inputs.spec as {
            groups: Array<{
              rules: Array<{
                alert: string;
                expr: string;
                labels: { severity: string };
                annotations: { runbook: string };
              }>;
            }>;
          }
        ).groups[0].rules;
        const names = new Set(rules.map((r) => r.alert));
        for (const name of [
          "GpuIdle",
          "GpuMemoryPressure",
          "GpuXidErrors",
          "GpuPoolAtMaximum",
          "InferenceLatencyP99High",
          "InferenceErrorRateHigh",
          "InferenceQueueDepthHigh",
          "TrainingPendingTooLong",
          "ModelDriftHigh",
        ]) {
          assert.ok(names.has(name), `${stack} has ${name}`);
        }
        assert.strictEqual(
          rules.filter((r) => r.alert === "GpuPoolAtMaximum").length,
          all(run, "cnai:compute:GpuNodePool").length,
          "one per GPU pool",
        );
        const poolExprs = rules.filter((r) => r.alert === "GpuPoolAtMaximum").map((r) => r.expr);
        assert.strictEqual(new Set(poolExprs).size, poolExprs.length, "each pool alert watches its own pool");
        assert.ok(
          rules.every((r) => ["critical", "warning"].includes(r.labels.severity) && r.annotations.runbook.length > 20),
        );
      });

      it("pages through Cloud Monitoring alert policies, alerts on IAM policy changes, and has a budget, log retention and (outside dev) Data Access logs", async () => {
        const run = await stackRun(stack);
        const policies = all(run, "gcp:monitoring/alertPolicy:AlertPolicy");
        const promql = policies.filter((p) =>
          JSON.stringify(p.inputs.conditions).includes("conditionPrometheusQueryLanguage"),
        );
        assert.ok(promql.length >= 2, `${promql.length} PromQL policies`);
        const iam = policies.filter((p) => JSON.stringify(p.inputs.conditions).includes("SetIamPolicy"));
        assert.strictEqual(iam.length, 1);
        const channels = all(run, "gcp:monitoring/notificationChannel:NotificationChannel");
        assert.ok(channels.length >= 1);
        for (const p of policies)
          assert.ok((input(p, "notificationChannels") as string[]).length >= 1, `${p.name} notifies someone`);
        const budget = one(run, "gcp:billing/budget:Budget");
        assert.strictEqual(input(budget, "amount.specifiedAmount.currencyCode"), "USD");
        assert.match(String(input(budget, "amount.specifiedAmount.units")), /^\d+$/, "the whole dollars, as a string");
        assert.ok((input(budget, "thresholdRules") as unknown[]).length >= 4);
        const retention = Number(
          input(one(run, "gcp:logging/projectBucketConfig:ProjectBucketConfig"), "retentionDays"),
        );
        assert.strictEqual(retention, { dev: 30, staging: 60, prod: 400 }[stack]);
        const audit = all(run, "gcp:projects/iAMAuditConfig:IAMAuditConfig")
          .map((a) => input(a, "service"))
          .sort();
        assert.deepStrictEqual(
          audit,
          stack === "dev"
            ? []
            : [
                "bigquery.googleapis.com",
                "secretmanager.googleapis.com",
                "sqladmin.googleapis.com",
                "storage.googleapis.com",
              ],
        );
      });
    });
  }

  it("the cost and carbon dashboard carries the region's grid intensity and each pool's price", async () => {
    const run = await stackRun("prod");
    const json = String(
      input(
        all(run, "gcp:monitoring/dashboard:Dashboard").find((d) =>
          String(d.inputs.dashboardJson).includes("Cost and carbon"),
        )!,
        "dashboardJson",
      ),
    );
    assert.ok(json.includes("412.72"), "us-central1 grid intensity");
    assert.ok(json.includes("gpu-h100-train") && json.includes("88.49"), "H100 node price");
    assert.ok(json.includes("1.09"), "PUE");
  });
});
