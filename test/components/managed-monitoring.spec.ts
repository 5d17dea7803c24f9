import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import { HELM_CHARTS } from "../../components/catalog/software";
import { podSecurityLabels } from "../../components/labels";
import { cloudMonitoringDashboard, dashboardQueries } from "../../components/observability/dashboards";
import { ManagedMonitoring, type ManagedMonitoringArgs } from "../../components/observability/managed-monitoring";
import {
  CONTROLLER_TARGETS,
  GMP_COLLECTOR,
  METRICS_READER,
  METRICS_TOKEN_SECRET,
  MODEL_SERVER_LABEL,
  MODEL_SERVER_PORT,
} from "../../components/observability/scrape-targets";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { promqlErrors } from "../../scripts/lib/promql";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { conformance } from "../helpers/conformance";
import { expectedPodSecurityLabels } from "../helpers/kubernetes-checks";
import { MONITORING_ALERTS, MONITORING_DASHBOARDS } from "../helpers/monitoring";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:observability:ManagedMonitoring";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CHART = "kubernetes:helm.sh/v4:Chart";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const SECRET = "kubernetes:core/v1:Secret";
const CLUSTER_POD_MONITORING = "kubernetes:monitoring.googleapis.com/v1:ClusterPodMonitoring";
const POD_MONITORING = "kubernetes:monitoring.googleapis.com/v1:PodMonitoring";
const CLUSTER_RULES = "kubernetes:monitoring.googleapis.com/v1:ClusterRules";
const DASHBOARD = "gcp:monitoring/dashboard:Dashboard";
const PROVIDER = "pulumi:providers:kubernetes";
const NAMESPACE = "kubernetes:core/v1:Namespace";

const LABELS = kubernetesLabels("managed-monitoring");

const ALERTS = MONITORING_ALERTS;
const DASHBOARDS = MONITORING_DASHBOARDS;

/** Runs a ManagedMonitoring named "monitoring" with its own Kubernetes provider; outputs the number of dashboards. */
function monitoring(overrides: Partial<ManagedMonitoringArgs> = {}): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const mm = new ManagedMonitoring(
      "monitoring",
      { project: "acme-test", labels: STACK_LABELS, alerts: ALERTS, dashboards: DASHBOARDS, ...overrides },
      { providers: { kubernetes: provider } },
    );
    return { dashboards: mm.dashboards.map((d) => d.urn) };
  });
}

const sorted = (list: string[]) => [...list].sort();

type Rule = {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};
type CloudDashboard = {
  displayName: string;
  mosaicLayout: {
    tiles: Array<{
      widget: { title: string; xyChart: { dataSets: Array<{ timeSeriesQuery: { prometheusQuery: string } }> } };
    }>;
  };
};

const rulesOf = (result: RunResult): Rule[] =>
  (input(one(result, CLUSTER_RULES), "spec.groups") as Array<{ rules: Rule[] }>).flatMap((g) => g.rules);
const dashboardJson = (resource: RecordedResource): CloudDashboard =>
  JSON.parse(input(resource, "dashboardJson") as string);

/** Every PromQL expression the run declares: alert rules and dashboard queries. */
function promqlOf(result: RunResult): string[] {
  return [
    ...rulesOf(result).map((r) => r.expr),
    ...all(result, DASHBOARD).flatMap((d) =>
      dashboardJson(d).mosaicLayout.tiles.flatMap((t) =>
        t.widget.xyChart.dataSets.map((s) => s.timeSeriesQuery.prometheusQuery),
      ),
    ),
  ];
}

describe("ManagedMonitoring", () => {
  describe("defaults", () => {
    it("lets only KEDA's namespace reach the query frontend, which answers Cloud Monitoring queries for any caller", async () => {
      const result = await monitoring({ queryFrontend: { prefix: "cnai-test", cluster: "existing" } });
      const policy = one(result, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "monitoring-query-ingress");
      assert.strictEqual(input(policy, "metadata.namespace"), "monitoring");
      assert.deepStrictEqual(input(policy, "spec"), {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "gmp-frontend" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": HELM_CHARTS.keda.namespace } } },
            ],
            ports: [{ protocol: "TCP", port: 9090 }],
          },
        ],
      });
      assert.strictEqual(
        all(await monitoring(), "kubernetes:networking.k8s.io/v1:NetworkPolicy").length,
        0,
        "no frontend, no policy",
      );
    });

    it("creates the cnai-metrics-reader ClusterRole, allowed to GET /metrics and nothing else", async () => {
      const role = one(await monitoring(), CLUSTER_ROLE);
      assert.strictEqual(role.name, "monitoring-metrics-reader");
      assert.deepStrictEqual(role.inputs.metadata, { name: METRICS_READER, labels: LABELS });
      assert.strictEqual(METRICS_READER, "cnai-metrics-reader");
      assert.deepStrictEqual(input(role, "rules"), [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
    });

    it("scrapes the Kueue and Kubeflow Trainer controllers", () => {
      assert.deepStrictEqual(
        CONTROLLER_TARGETS.map((t) => [t.name, t.namespace, t.port]),
        [
          ["kueue", "kueue-system", "metrics"],
          ["kubeflow-trainer", "kubeflow-system", "metrics"],
        ],
      );
    });

    it("per controller: a cnai-metrics-reader ServiceAccount in its namespace, without a mounted token", async () => {
      const result = await monitoring();
      assert.strictEqual(all(result, SERVICE_ACCOUNT).length, CONTROLLER_TARGETS.length);
      for (const target of CONTROLLER_TARGETS) {
        const sa = one(result, SERVICE_ACCOUNT, `monitoring-${target.name}-reader`);
        assert.deepStrictEqual(sa.inputs.metadata, {
          name: METRICS_READER,
          namespace: target.namespace,
          labels: LABELS,
        });
        assert.strictEqual(input(sa, "automountServiceAccountToken"), false);
      }
    });

    it("per controller: a ClusterRoleBinding of the role to that ServiceAccount, after both", async () => {
      const result = await monitoring();
      const role = one(result, CLUSTER_ROLE);
      assert.strictEqual(all(result, CLUSTER_ROLE_BINDING).length, CONTROLLER_TARGETS.length);
      for (const target of CONTROLLER_TARGETS) {
        const binding = one(result, CLUSTER_ROLE_BINDING, `monitoring-${target.name}-reader`);
        assert.deepStrictEqual(binding.inputs.metadata, { name: `cnai-metrics-reader-${target.name}`, labels: LABELS });
        assert.deepStrictEqual(input(binding, "roleRef"), {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: METRICS_READER,
        });
        assert.deepStrictEqual(input(binding, "subjects"), [
          { kind: "ServiceAccount", name: METRICS_READER, namespace: target.namespace },
        ]);
        assert.deepStrictEqual(
          sorted(binding.options.dependsOn),
          sorted([role.urn, one(result, SERVICE_ACCOUNT, `monitoring-${target.name}-reader`).urn]),
        );
      }
    });

    it("per controller: a service-account-token Secret for the ServiceAccount in its namespace, after it", async () => {
      const result = await monitoring();
      assert.strictEqual(all(result, SECRET).length, CONTROLLER_TARGETS.length);
      for (const target of CONTROLLER_TARGETS) {
        const secret = one(result, SECRET, `monitoring-${target.name}-token`);
        assert.deepStrictEqual(secret.inputs.metadata, {
          name: METRICS_TOKEN_SECRET,
          namespace: target.namespace,
          labels: LABELS,
          annotations: { "kubernetes.io/service-account.name": METRICS_READER },
        });
        assert.strictEqual(METRICS_TOKEN_SECRET, "cnai-metrics-reader-token");
        assert.strictEqual(input(secret, "type"), "kubernetes.io/service-account-token");
        assert.strictEqual(input(secret, "data"), undefined, "Kubernetes fills in the token");
        assert.strictEqual(input(secret, "stringData"), undefined);
        assert.deepStrictEqual(secret.options.dependsOn, [
          one(result, SERVICE_ACCOUNT, `monitoring-${target.name}-reader`).urn,
        ]);
      }
    });

    it("scrapes every model server Pod on 8080 /metrics every 30s, labelled with its model and team (ClusterPodMonitoring)", async () => {
      const cpm = one(await monitoring(), CLUSTER_POD_MONITORING);
      assert.strictEqual(cpm.name, "monitoring-clusterpodmonitoring-cnai-model-servers");
      assert.strictEqual(input(cpm, "apiVersion"), "monitoring.googleapis.com/v1");
      assert.strictEqual(input(cpm, "kind"), "ClusterPodMonitoring");
      assert.deepStrictEqual(
        cpm.inputs.metadata,
        { name: "cnai-model-servers", labels: LABELS },
        "cluster-scoped: no namespace",
      );
      assert.strictEqual(MODEL_SERVER_LABEL, "serving.kserve.io/inferenceservice");
      assert.strictEqual(MODEL_SERVER_PORT, 8080);
      assert.deepStrictEqual(input(cpm, "spec"), {
        selector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        endpoints: [{ port: 8080, path: "/metrics", interval: "30s" }],
        targetLabels: {
          metadata: ["pod", "container", "node"],
          fromPod: [
            { from: "serving.kserve.io/inferenceservice", to: "model" },
            { from: "cnai.dev/team", to: "team" },
          ],
        },
      });
    });

    it("scrapes each controller over HTTPS with the bearer token from its Secret (PodMonitoring in its namespace), after the Secret", async () => {
      const result = await monitoring();
      assert.strictEqual(
        all(result, POD_MONITORING).length,
        CONTROLLER_TARGETS.length + 1,
        "one per controller, and kube-state-metrics",
      );
      for (const target of CONTROLLER_TARGETS) {
        const pm = one(result, POD_MONITORING, `monitoring-podmonitoring-cnai-${target.name}`);
        assert.strictEqual(input(pm, "apiVersion"), "monitoring.googleapis.com/v1");
        assert.deepStrictEqual(pm.inputs.metadata, {
          name: `cnai-${target.name}`,
          namespace: target.namespace,
          labels: LABELS,
        });
        assert.deepStrictEqual(input(pm, "spec"), {
          selector: { matchLabels: { ...target.podLabels } },
          endpoints: [
            {
              port: "metrics",
              scheme: "https",
              interval: "30s",
              tls: { insecureSkipVerify: true },
              authorization: { type: "Bearer", credentials: { secret: { name: METRICS_TOKEN_SECRET, key: "token" } } },
            },
          ],
        });
        assert.deepStrictEqual(pm.options.dependsOn, [one(result, SECRET, `monitoring-${target.name}-token`).urn]);
      }
      assert.deepStrictEqual(
        input(one(result, POD_MONITORING, "monitoring-podmonitoring-cnai-kueue"), "spec.selector.matchLabels"),
        {
          "app.kubernetes.io/name": "kueue",
          "app.kubernetes.io/instance": "kueue",
          "control-plane": "controller-manager",
        },
      );
    });

    it("per controller: a Role in its namespace that reads the token Secret only (get, list, watch)", async () => {
      const result = await monitoring();
      assert.strictEqual(all(result, ROLE).length, CONTROLLER_TARGETS.length);
      for (const target of CONTROLLER_TARGETS) {
        const role = one(result, ROLE, `monitoring-${target.name}-token-read`);
        assert.deepStrictEqual(role.inputs.metadata, {
          name: "cnai-metrics-reader-token-read",
          namespace: target.namespace,
          labels: LABELS,
        });
        assert.deepStrictEqual(input(role, "rules"), [
          {
            apiGroups: [""],
            resources: ["secrets"],
            resourceNames: [METRICS_TOKEN_SECRET],
            verbs: ["get", "list", "watch"],
          },
        ]);
      }
    });

    it("per controller: a RoleBinding of that Role to Managed Prometheus' collector (gmp-system/collector), after the Role", async () => {
      const result = await monitoring();
      assert.deepStrictEqual(GMP_COLLECTOR, { name: "collector", namespace: "gmp-system" });
      assert.strictEqual(all(result, ROLE_BINDING).length, CONTROLLER_TARGETS.length);
      for (const target of CONTROLLER_TARGETS) {
        const binding = one(result, ROLE_BINDING, `monitoring-${target.name}-token-read`);
        assert.deepStrictEqual(binding.inputs.metadata, {
          name: "cnai-metrics-reader-token-read",
          namespace: target.namespace,
          labels: LABELS,
        });
        assert.deepStrictEqual(input(binding, "roleRef"), {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: "cnai-metrics-reader-token-read",
        });
        assert.deepStrictEqual(input(binding, "subjects"), [
          { kind: "ServiceAccount", name: "collector", namespace: "gmp-system" },
        ]);
        assert.deepStrictEqual(binding.options.dependsOn, [
          one(result, ROLE, `monitoring-${target.name}-token-read`).urn,
        ]);
      }
    });

    it("creates the monitoring namespace for kube-state-metrics, labelled, held to the restricted Pod Security level", async () => {
      const result = await monitoring();
      const ns = one(result, NAMESPACE);
      assert.strictEqual(ns.name, "monitoring-ns");
      assert.strictEqual(HELM_CHARTS.kubeStateMetrics.namespace, "monitoring");
      assert.deepStrictEqual(ns.inputs.metadata, {
        name: "monitoring",
        labels: {
          ...LABELS,
          ...expectedPodSecurityLabels("restricted"),
        },
      });
      assert.deepStrictEqual(input(ns, "metadata.labels"), { ...LABELS, ...podSecurityLabels("restricted") });
    });

    it("installs kube-state-metrics from its repository as release kube-state-metrics in monitoring, after the namespace", async () => {
      const result = await monitoring();
      const ksm = one(result, CHART, "monitoring-kube-state-metrics");
      assert.strictEqual(ksm.remote, true);
      assert.strictEqual(input(ksm, "chart"), HELM_CHARTS.kubeStateMetrics.chart);
      assert.strictEqual(input(ksm, "chart"), "kube-state-metrics");
      assert.strictEqual(input(ksm, "version"), HELM_CHARTS.kubeStateMetrics.version);
      assert.strictEqual(input(ksm, "version"), "8.4.0");
      assert.deepStrictEqual(input(ksm, "repositoryOpts"), {
        repo: "https://prometheus-community.github.io/helm-charts",
      });
      assert.deepStrictEqual(input(ksm, "repositoryOpts"), { repo: HELM_CHARTS.kubeStateMetrics.repo });
      assert.strictEqual(input(ksm, "namespace"), "monitoring");
      assert.strictEqual(input(ksm, "name"), "kube-state-metrics");
      assert.deepStrictEqual(ksm.options.dependsOn, [one(result, NAMESPACE).urn]);
      assert.strictEqual(all(result, CHART).length, 1, "no other chart: GKE's managed collection and DCGM do the rest");
    });

    it("configures kube-state-metrics: the nodes and jobs collectors only, the node pool and accelerator labels allow-listed, sized, no ServiceMonitor", async () => {
      const ksm = one(await monitoring(), CHART, "monitoring-kube-state-metrics");
      assert.deepStrictEqual(input(ksm, "values"), {
        collectors: ["nodes", "jobs"],
        metricLabelsAllowlist: ["nodes=[cloud.google.com/gke-nodepool,cloud.google.com/gke-accelerator]"],
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        prometheus: { monitor: { enabled: false } },
      });
      assert.ok(
        ALERTS.some((a) => a.expr.includes("label_cloud_google_com_gke_nodepool")),
        "the pool alerts join on the allow-listed label",
      );
    });

    it("scrapes kube-state-metrics on its http port (PodMonitoring cnai-kube-state-metrics in monitoring), after the chart", async () => {
      const result = await monitoring();
      const pm = one(result, POD_MONITORING, "monitoring-podmonitoring-cnai-kube-state-metrics");
      assert.strictEqual(input(pm, "apiVersion"), "monitoring.googleapis.com/v1");
      assert.strictEqual(input(pm, "kind"), "PodMonitoring");
      assert.deepStrictEqual(pm.inputs.metadata, {
        name: "cnai-kube-state-metrics",
        namespace: "monitoring",
        labels: LABELS,
      });
      assert.deepStrictEqual(input(pm, "spec"), {
        selector: {
          matchLabels: {
            "app.kubernetes.io/name": "kube-state-metrics",
            "app.kubernetes.io/instance": "kube-state-metrics",
          },
        },
        endpoints: [{ port: "http", interval: "30s" }],
      });
      assert.deepStrictEqual(pm.options.dependsOn, [one(result, CHART, "monitoring-kube-state-metrics").urn]);
    });

    it("runs every alert in the managed rule evaluator (ClusterRules cnai-platform-alerts, one group)", async () => {
      const result = await monitoring();
      const rules = one(result, CLUSTER_RULES);
      assert.strictEqual(rules.name, "monitoring-clusterrules-cnai-platform-alerts");
      assert.strictEqual(input(rules, "apiVersion"), "monitoring.googleapis.com/v1");
      assert.deepStrictEqual(rules.inputs.metadata, { name: "cnai-platform-alerts", labels: LABELS });
      const groups = input(rules, "spec.groups") as Array<{ name: string; interval: string; rules: Rule[] }>;
      assert.strictEqual(groups.length, 1);
      assert.strictEqual(groups[0].name, "cnai-platform");
      assert.strictEqual(groups[0].interval, "60s");
      assert.strictEqual(groups[0].rules.length, ALERTS.length);
      for (const alert of ALERTS) {
        const rule = groups[0].rules.find((r) => r.alert === alert.name);
        assert.ok(rule, `a rule for ${alert.name}`);
        assert.strictEqual(rule.expr, alert.expr, alert.name);
        assert.strictEqual(rule.for, alert.for, alert.name);
        assert.strictEqual(rule.labels.severity, alert.severity, alert.name);
        assert.deepStrictEqual(rule.annotations, { summary: alert.summary, runbook: alert.runbook }, alert.name);
      }
      assert.ok(
        groups[0].rules.some(
          (r) => r.alert === "GpuPoolAtMaximum" && r.expr.includes('"gpu-l4"') && r.expr.endsWith(">= 4"),
        ),
      );
    });

    it("creates one Cloud Monitoring dashboard per dashboard, in the project, as the rendered JSON", async () => {
      const result = await monitoring();
      assert.strictEqual(all(result, DASHBOARD).length, DASHBOARDS.length);
      for (const d of DASHBOARDS) {
        const resource = one(result, DASHBOARD, `monitoring-${d.uid}`);
        assert.strictEqual(input(resource, "project"), "acme-test");
        const json = dashboardJson(resource);
        assert.deepStrictEqual(json, cloudMonitoringDashboard(d));
        assert.strictEqual(json.displayName, d.title);
        assert.strictEqual(json.mosaicLayout.tiles.length, d.panels.length);
        json.mosaicLayout.tiles.forEach((tile, i) => {
          assert.strictEqual(tile.widget.title, d.panels[i].title);
          assert.deepStrictEqual(
            tile.widget.xyChart.dataSets.map((s) => s.timeSeriesQuery.prometheusQuery),
            d.panels[i].queries.map((q) => q.expr),
            `${d.uid}: ${d.panels[i].title}`,
          );
        });
      }
      assert.deepStrictEqual(
        sorted(result.outputs.dashboards as string[]),
        sorted(all(result, DASHBOARD).map((d) => d.urn)),
        "the component exposes its dashboards",
      );
    });

    it("the cost-and-carbon dashboard carries the pool's price and the region's constants", async () => {
      const json = dashboardJson(one(await monitoring(), DASHBOARD, "monitoring-cnai-cost-carbon"));
      const queries = json.mosaicLayout.tiles.flatMap((t) =>
        t.widget.xyChart.dataSets.map((s) => s.timeSeriesQuery.prometheusQuery),
      );
      assert.ok(
        queries.includes('(count(kube_node_labels{label_cloud_google_com_gke_nodepool="gpu-l4"}) or vector(0)) * 0.85'),
        queries.join("\n"),
      );
      assert.ok(
        queries.some((q) => q.includes("* 1.09") && q.includes("* 412.72 * 0.13 / 1000")),
        queries.join("\n"),
      );
    });

    it("creates nothing beyond the RBAC, kube-state-metrics (namespace, chart, scrape config), the scrape configs, rules and dashboards", async () => {
      const result = await monitoring();
      assert.strictEqual(
        all(result, NAMESPACE).length,
        1,
        "only kube-state-metrics' namespace: GKE's managed collection runs in gmp-system",
      );
      const children = result.resources.filter((r) => r.parent === one(result, COMPONENT).urn);
      const n = CONTROLLER_TARGETS.length;
      const count = (type: string) => children.filter((c) => c.type === type).length;
      assert.deepStrictEqual(
        [
          CLUSTER_ROLE,
          SERVICE_ACCOUNT,
          CLUSTER_ROLE_BINDING,
          SECRET,
          ROLE,
          ROLE_BINDING,
          NAMESPACE,
          CHART,
          CLUSTER_POD_MONITORING,
          POD_MONITORING,
          CLUSTER_RULES,
          DASHBOARD,
        ].map(count),
        [1, n, n, n, n, n, 1, 1, 1, n + 1, 1, DASHBOARDS.length],
      );
      assert.strictEqual(children.length, 1 + 5 * n + 1 + 1 + 1 + n + 1 + 1 + DASHBOARDS.length);
    });

    it("parents every child to the component; Kubernetes objects use the given provider, dashboards do not", async () => {
      const result = await monitoring();
      const provider = one(result, PROVIDER);
      const component = one(result, COMPONENT, "monitoring");
      for (const r of result.resources.filter((x) => x.type.startsWith("kubernetes:") || x.type === DASHBOARD)) {
        assert.strictEqual(r.parent, component.urn, `${r.name} is a child of the component`);
        if (r.type.startsWith("kubernetes:"))
          assert.ok(
            r.provider?.startsWith(`${provider.urn}::`),
            `${r.name} uses the given provider (got ${r.provider})`,
          );
        else assert.ok(!r.provider?.startsWith(`${provider.urn}::`), `${r.name} is a GCP resource`);
      }
    });

    it("declares objects that conform to the upstream CRDs and the Kubernetes schemas", async function () {
      const report = await conformance(this, await monitoring());
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(
        report.customResources,
        3 + CONTROLLER_TARGETS.length,
        "ClusterPodMonitoring, ClusterRules, a PodMonitoring per controller and one for kube-state-metrics",
      );
      assert.strictEqual(
        report.coreObjects,
        1 + 5 * CONTROLLER_TARGETS.length + 1,
        "the ClusterRole, per controller ServiceAccount, ClusterRoleBinding, Secret, Role and RoleBinding, and the namespace",
      );
    });

    it("every PromQL expression it declares parses: each alert rule and each dashboard query", async () => {
      const exprs = promqlOf(await monitoring());
      assert.strictEqual(exprs.length, ALERTS.length + dashboardQueries(DASHBOARDS).length);
      for (const expr of exprs) assert.deepStrictEqual(promqlErrors(expr), [], `PromQL does not parse: ${expr}`);
    });
  });

  describe("options", () => {
    it("interval sets the scrape interval of the model servers, of every controller and of kube-state-metrics", async function () {
      const result = await monitoring({ interval: "1m" });
      assert.deepStrictEqual(input(one(result, CLUSTER_POD_MONITORING), "spec.endpoints"), [
        { port: 8080, path: "/metrics", interval: "1m" },
      ]);
      assert.strictEqual(all(result, POD_MONITORING).length, CONTROLLER_TARGETS.length + 1);
      for (const pm of all(result, POD_MONITORING)) {
        assert.deepStrictEqual(
          (input(pm, "spec.endpoints") as Array<{ interval: string }>).map((e) => e.interval),
          ["1m"],
          pm.name,
        );
      }
      assert.deepStrictEqual((await conformance(this, result)).problems, []);
    });

    it("accepts intervals in seconds", async () => {
      const result = await monitoring({ interval: "15s" });
      assert.strictEqual(input(one(result, CLUSTER_POD_MONITORING), "spec.endpoints.0.interval"), "15s");
    });

    it("no alerts and no dashboards: an empty rule group and no dashboards", async () => {
      const result = await monitoring({ alerts: [], dashboards: [] });
      assert.deepStrictEqual(input(one(result, CLUSTER_RULES), "spec.groups"), [
        { name: "cnai-platform", interval: "60s", rules: [] },
      ]);
      assert.strictEqual(all(result, DASHBOARD).length, 0);
    });

    it("a dependsOn given to the component reaches every child directly, besides what each child waits for itself", async () => {
      const result = await run(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
        const before = new k8s.core.v1.Namespace("before", { metadata: { name: "before" } }, { provider });
        new ManagedMonitoring(
          "monitoring",
          { project: "acme-test", labels: STACK_LABELS, alerts: ALERTS, dashboards: DASHBOARDS },
          { providers: { kubernetes: provider }, dependsOn: [before] },
        );
      });
      const before = one(result, NAMESPACE, "before").urn;
      const children = result.resources.filter((r) => r.parent === one(result, COMPONENT).urn);
      assert.strictEqual(
        children.length,
        1 + 5 * CONTROLLER_TARGETS.length + 1 + 1 + 1 + CONTROLLER_TARGETS.length + 1 + 1 + DASHBOARDS.length,
      );
      for (const child of children)
        assert.ok(
          child.options.dependsOn.includes(before),
          `${child.name} waits for what the component waits for (got ${child.options.dependsOn.join(", ") || "nothing"})`,
        );
      const urn = (type: string, name: string) => one(result, type, name).urn;
      for (const target of CONTROLLER_TARGETS) {
        const sa = urn(SERVICE_ACCOUNT, `monitoring-${target.name}-reader`);
        assert.deepStrictEqual(
          sorted(one(result, CLUSTER_ROLE_BINDING, `monitoring-${target.name}-reader`).options.dependsOn),
          sorted([before, urn(CLUSTER_ROLE, "monitoring-metrics-reader"), sa]),
        );
        assert.deepStrictEqual(
          sorted(one(result, SECRET, `monitoring-${target.name}-token`).options.dependsOn),
          sorted([before, sa]),
        );
        assert.deepStrictEqual(
          sorted(one(result, ROLE_BINDING, `monitoring-${target.name}-token-read`).options.dependsOn),
          sorted([before, urn(ROLE, `monitoring-${target.name}-token-read`)]),
        );
        assert.deepStrictEqual(
          sorted(one(result, POD_MONITORING, `monitoring-podmonitoring-cnai-${target.name}`).options.dependsOn),
          sorted([before, urn(SECRET, `monitoring-${target.name}-token`)]),
        );
      }
      assert.deepStrictEqual(
        sorted(one(result, CHART, "monitoring-kube-state-metrics").options.dependsOn),
        sorted([before, urn(NAMESPACE, "monitoring-ns")]),
      );
      assert.deepStrictEqual(
        sorted(one(result, POD_MONITORING, "monitoring-podmonitoring-cnai-kube-state-metrics").options.dependsOn),
        sorted([before, urn(CHART, "monitoring-kube-state-metrics")]),
      );
      assert.deepStrictEqual(one(result, CLUSTER_ROLE).options.dependsOn, [before]);
    });
  });

  describe("validation", () => {
    it("refuses an interval that is not like 30s or 1m, and creates no scrape config, rule, RBAC object or dashboard", async () => {
      await assert.rejects(monitoring({ interval: "5 minutes" }), (error: ProgramError) => {
        assert.ok(error instanceof ProgramError, "expected the program to fail");
        assert.strictEqual(
          error.message,
          'ManagedMonitoring "monitoring": interval must be like 30s or 1m (got 5 minutes)',
        );
        for (const type of [CLUSTER_POD_MONITORING, POD_MONITORING, CLUSTER_RULES, DASHBOARD]) {
          assert.strictEqual(error.resources.filter((r) => r.type === type).length, 0, type);
        }
        assert.strictEqual(error.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
        return true;
      });
    });

    for (const bad of ["1h", "30", "0.5m", "30S"]) {
      it(`refuses the interval ${JSON.stringify(bad)}`, async () => {
        await assert.rejects(monitoring({ interval: bad }), {
          message: `ManagedMonitoring "monitoring": interval must be like 30s or 1m (got ${bad})`,
        });
      });
    }
  });
});
