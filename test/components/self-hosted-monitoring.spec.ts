import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS } from "../../components/catalog/software";
import { GPU_TAINT } from "../../components/compute/gpu-node-pool";
import { podSecurityLabels } from "../../components/labels";
import { dashboardQueries, grafanaDashboard } from "../../components/observability/dashboards";
import {
  CONTROLLER_TARGETS,
  METRICS_READER,
  METRICS_TOKEN_SECRET,
} from "../../components/observability/scrape-targets";
import {
  KPS_RELEASE,
  MONITORING_NAMESPACE,
  resolveSelfHostedMonitoringArgs,
  SelfHostedMonitoring,
  type SelfHostedMonitoringArgs,
} from "../../components/observability/self-hosted-monitoring";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { planFromRun } from "../../scripts/lib/plan-document";
import { promqlErrors } from "../../scripts/lib/promql";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { SECRET } from "../../scripts/lib/wire-values";
import { nodePool } from "../analysis/workloads/fixtures";
import { conformance } from "../helpers/conformance";
import { expectedPodSecurityLabels } from "../helpers/kubernetes-checks";
import { MONITORING_ALERTS, MONITORING_DASHBOARDS } from "../helpers/monitoring";
import { planOf } from "../helpers/policy";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:observability:SelfHostedMonitoring";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET_TYPE = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CHART = "kubernetes:helm.sh/v4:Chart";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const PROVIDER = "pulumi:providers:kubernetes";
const QUOTA = "kubernetes:core/v1:ResourceQuota";

const LABELS = kubernetesLabels("self-hosted-monitoring");

const ALERTS = MONITORING_ALERTS;
const DASHBOARDS = MONITORING_DASHBOARDS;

function args(overrides: Partial<SelfHostedMonitoringArgs> = {}): SelfHostedMonitoringArgs {
  return { labels: STACK_LABELS, alerts: ALERTS, dashboards: DASHBOARDS, ...overrides };
}

/** Runs a SelfHostedMonitoring named "monitoring" with its own Kubernetes provider; outputs its namespace. */
function monitoring(overrides: Partial<SelfHostedMonitoringArgs> = {}): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const shm = new SelfHostedMonitoring("monitoring", args(overrides), { providers: { kubernetes: provider } });
    return { namespace: shm.namespace };
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
type GrafanaJson = {
  uid: string;
  title: string;
  panels: Array<{
    title: string;
    datasource: unknown;
    targets: Array<{ refId: string; expr: string; legendFormat: string }>;
  }>;
};

const chart = (result: RunResult, name: "kube-prometheus-stack" | "dcgm-exporter") =>
  one(result, CHART, `monitoring-${name}`);
const podMonitor = (result: RunResult, namespace: string, name: string) =>
  one(result, POD_MONITOR, `monitoring-podmonitor-${namespace}-${name}`);
const rulesOf = (result: RunResult): Rule[] =>
  (input(one(result, PROMETHEUS_RULE), "spec.groups") as Array<{ rules: Rule[] }>).flatMap((g) => g.rules);
const dashboardJson = (configMap: RecordedResource): GrafanaJson => {
  const data = input(configMap, "data") as Record<string, string>;
  assert.strictEqual(Object.keys(data).length, 1, `${configMap.name} holds one dashboard`);
  return JSON.parse(Object.values(data)[0]);
};

/** Every PromQL expression the run declares: alert rules and Grafana targets. */
function promqlOf(result: RunResult): string[] {
  return [
    ...rulesOf(result).map((r) => r.expr),
    ...all(result, CONFIG_MAP).flatMap((cm) => dashboardJson(cm).panels.flatMap((p) => p.targets.map((t) => t.expr))),
  ];
}

describe("SelfHostedMonitoring", () => {
  describe("defaults", () => {
    it("creates the monitoring namespace, labelled, with Pod Security enforce privileged (node-exporter and dcgm-exporter need it), warning and auditing at restricted", async () => {
      const result = await monitoring();
      const ns = one(result, NAMESPACE);
      assert.strictEqual(MONITORING_NAMESPACE, "monitoring");
      assert.deepStrictEqual(ns.inputs.metadata, {
        name: "monitoring",
        labels: {
          ...LABELS,
          ...expectedPodSecurityLabels("privileged"),
        },
      });
      assert.deepStrictEqual(input(ns, "metadata.labels"), { ...LABELS, ...podSecurityLabels("privileged") });
      assert.strictEqual(result.outputs.namespace, "monitoring");
    });

    it("generates a 32-character Grafana admin password without special characters", async () => {
      const password = one(await monitoring(), PASSWORD);
      assert.strictEqual(password.name, "monitoring-grafana-admin");
      assert.deepStrictEqual(password.inputs, { length: 32, special: false });
    });

    it("keeps the Grafana admin credentials in the grafana-admin Secret, recorded only as [secret], after the namespace", async () => {
      const result = await monitoring();
      const secret = one(result, SECRET_TYPE, "monitoring-grafana-admin");
      assert.deepStrictEqual(secret.inputs.metadata, {
        name: "grafana-admin",
        namespace: "monitoring",
        labels: LABELS,
      });
      assert.strictEqual(input(secret, "type"), "Opaque");
      assert.strictEqual(input(secret, "stringData"), SECRET);
      assert.strictEqual(input(secret, "data"), undefined);
      assert.deepStrictEqual(secret.options.dependsOn, [one(result, NAMESPACE).urn]);
      assert.deepStrictEqual(
        secret.propertyDependencies.stringData,
        [one(result, PASSWORD).urn],
        "the password comes from the RandomPassword",
      );
    });

    it("installs kube-prometheus-stack from its repository as release kps in monitoring, after the namespace and the Secret", async () => {
      const result = await monitoring();
      const kps = chart(result, "kube-prometheus-stack");
      assert.strictEqual(kps.remote, true);
      assert.strictEqual(input(kps, "chart"), HELM_CHARTS.kubePrometheusStack.chart);
      assert.strictEqual(input(kps, "chart"), "kube-prometheus-stack");
      assert.strictEqual(input(kps, "version"), HELM_CHARTS.kubePrometheusStack.version);
      assert.deepStrictEqual(input(kps, "repositoryOpts"), { repo: HELM_CHARTS.kubePrometheusStack.repo });
      assert.deepStrictEqual(input(kps, "repositoryOpts"), {
        repo: "https://prometheus-community.github.io/helm-charts",
      });
      assert.strictEqual(input(kps, "namespace"), "monitoring");
      assert.strictEqual(input(kps, "name"), "kps");
      assert.strictEqual(KPS_RELEASE, "kps");
      assert.deepStrictEqual(
        sorted(kps.options.dependsOn),
        sorted([one(result, NAMESPACE).urn, one(result, SECRET_TYPE, "monitoring-grafana-admin").urn]),
      );
    });

    it("configures kube-prometheus-stack: every monitor and rule selected, 15d retention on 50Gi standard-rwo, no control-plane scraping, node pool labels, Grafana from the Secret with the dashboard sidecar", async () => {
      const kps = chart(await monitoring(), "kube-prometheus-stack");
      assert.deepStrictEqual(input(kps, "values"), {
        fullnameOverride: "kps",
        prometheus: {
          prometheusSpec: {
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
            retention: "15d",
            storageSpec: {
              volumeClaimTemplate: {
                spec: {
                  storageClassName: "standard-rwo",
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: "50Gi" } },
                },
              },
            },
          },
        },
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        coreDns: { enabled: false },
        kubeDns: { enabled: true },
        "kube-state-metrics": {
          metricLabelsAllowlist: ["nodes=[cloud.google.com/gke-nodepool,cloud.google.com/gke-accelerator]"],
        },
        grafana: {
          admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
          sidecar: {
            dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
          },
        },
      });
    });

    it("scrapes GKE's kube-dns (10054/10055) instead of a CoreDNS GKE does not run (kube-prometheus-stack 88.5.3 enables coreDns by default)", async () => {
      const kps = chart(await monitoring(), "kube-prometheus-stack");
      assert.deepStrictEqual(
        [input(kps, "values.coreDns.enabled"), input(kps, "values.kubeDns.enabled")],
        [false, true],
      );
    });

    it("matches Pods to GPUs by device name, as GKE's device plugin names them (Google's reference dcgm-exporter manifest), privileged to see /dev/nvidia*", async () => {
      const dcgm = chart(await monitoring(), "dcgm-exporter");
      const env = input(dcgm, "values.extraEnv") as Array<{ name: string; value: string }>;
      assert.strictEqual(env.find((e) => e.name === "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE")?.value, "device-name");
      const security = input(dcgm, "values.securityContext") as Record<string, unknown>;
      assert.strictEqual(security.privileged, true);
      // Kubernetes refuses privileged: true with allowPrivilegeEscalation: false, which the chart sets by default (values merge).
      assert.strictEqual(security.allowPrivilegeEscalation, true);
    });

    it("allow-lists the node pool label that the pool alerts and dashboards join on (label_cloud_google_com_gke_nodepool)", async () => {
      const kps = chart(await monitoring(), "kube-prometheus-stack");
      const allowlist = (input(kps, "values.kube-state-metrics") as { metricLabelsAllowlist: string[] })
        .metricLabelsAllowlist;
      assert.ok(allowlist.some((entry) => /^nodes=\[.*cloud\.google\.com\/gke-nodepool.*\]$/.test(entry)));
      assert.ok(ALERTS.some((a) => a.expr.includes("label_cloud_google_com_gke_nodepool")));
    });

    it("installs dcgm-exporter from its repository in monitoring, after the stack (its ServiceMonitor needs the CRDs) and the quota that admits its critical Pods", async () => {
      const result = await monitoring();
      const dcgm = chart(result, "dcgm-exporter");
      assert.strictEqual(input(dcgm, "chart"), HELM_CHARTS.dcgmExporter.chart);
      assert.strictEqual(input(dcgm, "chart"), "dcgm-exporter");
      assert.strictEqual(input(dcgm, "version"), HELM_CHARTS.dcgmExporter.version);
      assert.deepStrictEqual(input(dcgm, "repositoryOpts"), { repo: HELM_CHARTS.dcgmExporter.repo });
      assert.strictEqual(input(dcgm, "namespace"), "monitoring");
      assert.strictEqual(input(dcgm, "name"), "dcgm-exporter");
      assert.deepStrictEqual(dcgm.options.dependsOn, [
        chart(result, "kube-prometheus-stack").urn,
        one(result, QUOTA, "monitoring-critical-pods").urn,
      ]);
    });

    it("admits dcgm-exporter's system-node-critical Pods with a ResourceQuota scoped to the critical priority classes (GKE admits them nowhere else but kube-system)", async () => {
      const result = await monitoring({ criticalPods: 6 });
      const quota = one(result, QUOTA, "monitoring-critical-pods");
      assert.deepStrictEqual(input(quota, "metadata"), {
        name: "critical-pods",
        namespace: "monitoring",
        labels: LABELS,
      });
      assert.deepStrictEqual(input(quota, "spec"), {
        hard: { pods: "6" },
        scopeSelector: {
          matchExpressions: [
            { scopeName: "PriorityClass", operator: "In", values: ["system-node-critical", "system-cluster-critical"] },
          ],
        },
      });
      // Regression: without the quota GKE refused every exporter Pod ("insufficient quota to match
      // these scopes"); the simulation admits them now, one per GPU node of a 4-node GPU pool.
      const gpuPool = planOf([
        nodePool("gpu-l4", { machineType: "g2-standard-8", gpus: { type: "nvidia-l4", count: 1 }, max: 4 }),
        nodePool("system", { machineType: "e2-standard-4" }),
      ]).resources;
      const section = analyzeWorkloads([...planFromRun(result).resources, ...gpuPool]);
      const exporter = section.workloads.find((w) => w.name === "dcgm-exporter")!;
      assert.deepStrictEqual(exporter.problems, []);
      assert.deepStrictEqual([exporter.pods[0].count, exporter.pods[0].pools], [4, ["gpu-l4"]]);
      const tooFew = analyzeWorkloads([
        ...planFromRun(await monitoring({ criticalPods: 3 })).resources,
        ...gpuPool,
      ]).workloads.find((w) => w.name === "dcgm-exporter")!;
      assert.match(
        tooFew.problems[0].message,
        /^exceeded quota: critical-pods, requested: pods=4, used: pods=0, limited: pods=3 \(3 of 4 Pods fit\)/,
      );
    });

    it("runs dcgm-exporter on GPU nodes only, tolerating the GPU taint, with GKE's COS driver mounted and the metrics list kept, monitored every 30s with its own labels honoured", async () => {
      const dcgm = chart(await monitoring(), "dcgm-exporter");
      assert.deepStrictEqual(input(dcgm, "values"), {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "cloud.google.com/gke-accelerator", operator: "Exists" }] },
              ],
            },
          },
        },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        extraHostVolumes: [{ name: "nvidia-install-dir-host", hostPath: "/home/kubernetes/bin/nvidia" }],
        extraVolumeMounts: [
          {
            name: "exporter-metrics-volume",
            mountPath: "/etc/dcgm-exporter/default-counters.csv",
            subPath: "default-counters.csv",
          },
          { name: "nvidia-install-dir-host", mountPath: "/usr/local/nvidia", readOnly: true },
        ],
        extraEnv: [
          { name: "LD_LIBRARY_PATH", value: "/usr/local/nvidia/lib64" },
          { name: "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", value: "device-name" },
        ],
        securityContext: { privileged: true, allowPrivilegeEscalation: true, runAsNonRoot: false, runAsUser: 0 },
        serviceMonitor: { enabled: true, interval: "30s", honorLabels: true },
      });
      assert.strictEqual(
        input(dcgm, "values.serviceMonitor.honorLabels"),
        true,
        "namespace stays the workload's, not monitoring",
      );
      assert.strictEqual(GPU_TAINT.key, "nvidia.com/gpu");
      const mounts = input(dcgm, "values.extraVolumeMounts") as Array<{ name: string }>;
      assert.ok(
        mounts.some((m) => m.name === "exporter-metrics-volume"),
        "overriding extraVolumeMounts keeps the chart's own metrics list mount",
      );
    });

    it("scrapes every model server Pod in any namespace on 8080 /metrics every 30s, relabelled to model and team (PodMonitor cnai-model-servers)", async () => {
      const result = await monitoring();
      const pm = podMonitor(result, "monitoring", "cnai-model-servers");
      assert.strictEqual(input(pm, "apiVersion"), "monitoring.coreos.com/v1");
      assert.strictEqual(input(pm, "kind"), "PodMonitor");
      assert.deepStrictEqual(pm.inputs.metadata, {
        name: "cnai-model-servers",
        namespace: "monitoring",
        labels: LABELS,
      });
      assert.deepStrictEqual(input(pm, "spec"), {
        namespaceSelector: { any: true },
        selector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        podMetricsEndpoints: [
          {
            portNumber: 8080,
            path: "/metrics",
            interval: "30s",
            relabelings: [
              {
                sourceLabels: ["__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice"],
                targetLabel: "model",
              },
              { sourceLabels: ["__meta_kubernetes_pod_label_cnai_dev_team"], targetLabel: "team" },
            ],
          },
        ],
      });
      assert.deepStrictEqual(pm.options.dependsOn, [chart(result, "kube-prometheus-stack").urn]);
    });

    it("scrapes each controller over HTTPS with the bearer token from its Secret (PodMonitor in its namespace), after the stack and the Secret", async () => {
      const result = await monitoring();
      for (const target of CONTROLLER_TARGETS) {
        const pm = podMonitor(result, target.namespace, `cnai-${target.name}`);
        assert.deepStrictEqual(pm.inputs.metadata, {
          name: `cnai-${target.name}`,
          namespace: target.namespace,
          labels: LABELS,
        });
        assert.deepStrictEqual(input(pm, "spec"), {
          selector: { matchLabels: { ...target.podLabels } },
          podMetricsEndpoints: [
            {
              port: "metrics",
              scheme: "https",
              interval: "30s",
              tlsConfig: { insecureSkipVerify: true },
              authorization: { type: "Bearer", credentials: { name: METRICS_TOKEN_SECRET, key: "token" } },
            },
          ],
        });
        assert.deepStrictEqual(
          sorted(pm.options.dependsOn),
          sorted([
            chart(result, "kube-prometheus-stack").urn,
            one(result, SECRET_TYPE, `monitoring-${target.name}-token`).urn,
          ]),
        );
      }
      assert.strictEqual(all(result, POD_MONITOR).length, 1 + CONTROLLER_TARGETS.length);
    });

    it("creates the metrics reader: a ClusterRole for GET /metrics and, per controller, a ServiceAccount, a ClusterRoleBinding and a token Secret", async () => {
      const result = await monitoring();
      const role = one(result, CLUSTER_ROLE);
      assert.deepStrictEqual(role.inputs.metadata, { name: METRICS_READER, labels: LABELS });
      assert.deepStrictEqual(input(role, "rules"), [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
      for (const target of CONTROLLER_TARGETS) {
        const sa = one(result, SERVICE_ACCOUNT, `monitoring-${target.name}-reader`);
        assert.deepStrictEqual(sa.inputs.metadata, {
          name: METRICS_READER,
          namespace: target.namespace,
          labels: LABELS,
        });
        const binding = one(result, CLUSTER_ROLE_BINDING, `monitoring-${target.name}-reader`);
        assert.deepStrictEqual(input(binding, "subjects"), [
          { kind: "ServiceAccount", name: METRICS_READER, namespace: target.namespace },
        ]);
        assert.deepStrictEqual(input(binding, "roleRef"), {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: METRICS_READER,
        });
        const token = one(result, SECRET_TYPE, `monitoring-${target.name}-token`);
        assert.deepStrictEqual(token.inputs.metadata, {
          name: METRICS_TOKEN_SECRET,
          namespace: target.namespace,
          labels: LABELS,
          annotations: { "kubernetes.io/service-account.name": METRICS_READER },
        });
        assert.strictEqual(input(token, "type"), "kubernetes.io/service-account-token");
        assert.deepStrictEqual(token.options.dependsOn, [sa.urn]);
        assert.deepStrictEqual(sorted(binding.options.dependsOn), sorted([role.urn, sa.urn]));
      }
    });

    it("grants no one else the token Secrets: no Role or RoleBinding (Prometheus reads them with the chart's own RBAC)", async () => {
      const result = await monitoring();
      assert.strictEqual(all(result, ROLE).length, 0);
      assert.strictEqual(all(result, ROLE_BINDING).length, 0);
    });

    it("loads every alert as the PrometheusRule cnai-platform-alerts in monitoring, after the stack", async () => {
      const result = await monitoring();
      const rule = one(result, PROMETHEUS_RULE);
      assert.strictEqual(rule.name, "monitoring-prometheusrule-monitoring-cnai-platform-alerts");
      assert.strictEqual(input(rule, "apiVersion"), "monitoring.coreos.com/v1");
      assert.deepStrictEqual(rule.inputs.metadata, {
        name: "cnai-platform-alerts",
        namespace: "monitoring",
        labels: LABELS,
      });
      const groups = input(rule, "spec.groups") as Array<{ name: string; interval: string; rules: Rule[] }>;
      assert.deepStrictEqual(
        groups.map((g) => [g.name, g.interval]),
        [["cnai-platform", "60s"]],
      );
      assert.strictEqual(groups[0].rules.length, ALERTS.length);
      for (const alert of ALERTS) {
        const r = groups[0].rules.find((x) => x.alert === alert.name);
        assert.ok(r, `a rule for ${alert.name}`);
        assert.deepStrictEqual(r, {
          alert: alert.name,
          expr: alert.expr,
          for: alert.for,
          labels: { severity: alert.severity, platform: "cnai" },
          annotations: { summary: alert.summary, runbook: alert.runbook },
        });
      }
      assert.deepStrictEqual(rule.options.dependsOn, [chart(result, "kube-prometheus-stack").urn]);
    });

    it("ships one Grafana dashboard ConfigMap per dashboard, labelled for the sidecar, after the stack", async () => {
      const result = await monitoring();
      assert.strictEqual(all(result, CONFIG_MAP).length, DASHBOARDS.length);
      for (const d of DASHBOARDS) {
        const cm = one(result, CONFIG_MAP, `monitoring-dashboard-${d.uid}`);
        assert.deepStrictEqual(cm.inputs.metadata, {
          name: `dashboard-${d.uid}`,
          namespace: "monitoring",
          labels: { ...LABELS, grafana_dashboard: "1" },
        });
        assert.deepStrictEqual(Object.keys(input(cm, "data") as object), [`${d.uid}.json`]);
        assert.deepStrictEqual(cm.options.dependsOn, [chart(result, "kube-prometheus-stack").urn]);
      }
    });

    it("each dashboard's JSON parses as the Grafana dashboard, with one target per query on the Prometheus data source", async () => {
      const result = await monitoring();
      for (const d of DASHBOARDS) {
        const json = dashboardJson(one(result, CONFIG_MAP, `monitoring-dashboard-${d.uid}`));
        assert.deepStrictEqual(json, grafanaDashboard(d));
        assert.strictEqual(json.uid, d.uid);
        assert.strictEqual(json.title, d.title);
        assert.strictEqual(json.panels.length, d.panels.length);
        json.panels.forEach((p, i) => {
          assert.strictEqual(p.title, d.panels[i].title);
          assert.deepStrictEqual(p.datasource, { type: "prometheus", uid: "prometheus" });
          assert.deepStrictEqual(
            p.targets.map((t) => [t.expr, t.legendFormat]),
            d.panels[i].queries.map((q) => [q.expr, q.legend]),
            `${d.uid}: ${p.title}`,
          );
        });
      }
    });

    it("parents every child to the component; Kubernetes objects use the given provider", async () => {
      const result = await monitoring();
      const provider = one(result, PROVIDER);
      const component = one(result, COMPONENT, "monitoring");
      const objects = result.resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.strictEqual(
        objects.length,
        1 + 1 + 1 + 2 + 1 + 3 * CONTROLLER_TARGETS.length + 1 + CONTROLLER_TARGETS.length + 1 + DASHBOARDS.length,
      );
      for (const r of [...objects, one(result, PASSWORD)])
        assert.strictEqual(r.parent, component.urn, `${r.name} is a child of the component`);
      for (const r of objects)
        assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.name} uses the given provider (got ${r.provider})`);
    });

    it("declares objects that conform to the upstream CRDs and the Kubernetes schemas", async function () {
      const report = await conformance(this, await monitoring());
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(
        report.customResources,
        1 + CONTROLLER_TARGETS.length + 1,
        "the PodMonitors and the PrometheusRule",
      );
      assert.strictEqual(
        report.coreObjects,
        1 + 1 + 1 + DASHBOARDS.length + 1 + 3 * CONTROLLER_TARGETS.length,
        "namespace, critical-pods quota, Grafana Secret, dashboards, ClusterRole and the per-controller RBAC",
      );
    });

    it("every PromQL expression it declares parses: each alert rule and each Grafana target", async () => {
      const exprs = promqlOf(await monitoring());
      assert.strictEqual(exprs.length, ALERTS.length + dashboardQueries(DASHBOARDS).length);
      for (const expr of exprs) assert.deepStrictEqual(promqlErrors(expr), [], `PromQL does not parse: ${expr}`);
    });

    it("resolves the documented defaults: 15d retention, 50 GiB, 30s, 100 critical Pods", () => {
      assert.deepStrictEqual(resolveSelfHostedMonitoringArgs("monitoring", args()), {
        retention: "15d",
        storageGi: 50,
        interval: "30s",
        criticalPods: 100,
      });
    });
  });

  describe("options", () => {
    it("retention and storageGi size Prometheus", async () => {
      const kps = chart(await monitoring({ retention: "30d", storageGi: 200 }), "kube-prometheus-stack");
      assert.strictEqual(input(kps, "values.prometheus.prometheusSpec.retention"), "30d");
      assert.strictEqual(
        input(kps, "values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage"),
        "200Gi",
      );
    });

    it("retention takes hours, days, weeks and years; storageGi its minimum of 10", () => {
      for (const retention of ["12h", "7d", "2w", "1y"]) {
        assert.strictEqual(resolveSelfHostedMonitoringArgs("monitoring", args({ retention })).retention, retention);
      }
      assert.strictEqual(resolveSelfHostedMonitoringArgs("monitoring", args({ storageGi: 10 })).storageGi, 10);
    });

    it("interval sets the model servers', the controllers' and dcgm-exporter's scrape interval", async function () {
      const result = await monitoring({ interval: "1m" });
      assert.strictEqual(input(chart(result, "dcgm-exporter"), "values.serviceMonitor.interval"), "1m");
      const monitors = all(result, POD_MONITOR);
      assert.strictEqual(monitors.length, 1 + CONTROLLER_TARGETS.length);
      for (const pm of monitors) {
        assert.deepStrictEqual(
          (input(pm, "spec.podMetricsEndpoints") as Array<{ interval: string }>).map((e) => e.interval),
          ["1m"],
          pm.name,
        );
      }
      assert.deepStrictEqual((await conformance(this, result)).problems, []);
    });

    it("a dependsOn given to the component reaches every child directly, besides what each child waits for itself", async () => {
      const result = await run(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
        const before = new k8s.core.v1.Namespace("before", { metadata: { name: "before" } }, { provider });
        new SelfHostedMonitoring("monitoring", args(), { providers: { kubernetes: provider }, dependsOn: [before] });
      });
      const before = one(result, NAMESPACE, "before").urn;
      const children = result.resources.filter((r) => r.parent === one(result, COMPONENT).urn);
      assert.strictEqual(
        children.length,
        1 + 1 + 1 + 1 + 2 + 1 + 3 * CONTROLLER_TARGETS.length + 1 + CONTROLLER_TARGETS.length + 1 + DASHBOARDS.length,
        "namespace, quota, password, Secret, charts, the RBAC, monitors, rule and dashboards",
      );
      for (const child of children)
        assert.ok(
          child.options.dependsOn.includes(before),
          `${child.name} waits for what the component waits for (got ${child.options.dependsOn.join(", ") || "nothing"})`,
        );
      const role = one(result, CLUSTER_ROLE).urn;
      for (const target of CONTROLLER_TARGETS) {
        const sa = one(result, SERVICE_ACCOUNT, `monitoring-${target.name}-reader`).urn;
        assert.deepStrictEqual(
          sorted(one(result, CLUSTER_ROLE_BINDING, `monitoring-${target.name}-reader`).options.dependsOn),
          sorted([before, role, sa]),
        );
        assert.deepStrictEqual(
          sorted(one(result, SECRET_TYPE, `monitoring-${target.name}-token`).options.dependsOn),
          sorted([before, sa]),
        );
      }
      assert.deepStrictEqual(one(result, CLUSTER_ROLE).options.dependsOn, [before]);
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<SelfHostedMonitoringArgs>, string]> = [
      [
        "a retention that is not a Prometheus duration",
        { retention: "two weeks" },
        "retention must be a Prometheus duration such as 15d (got two weeks)",
      ],
      ["a volume under 10 GiB", { storageGi: 5 }, "storageGi must be a whole number, at least 10 (got 5)"],
      ["a fractional volume", { storageGi: 10.5 }, "storageGi must be a whole number, at least 10 (got 10.5)"],
      [
        "an interval that is not like 30s or 1m",
        { interval: "30 seconds" },
        "interval must be like 30s or 1m (got 30 seconds)",
      ],
      [
        "a negative critical Pod count",
        { criticalPods: -1 },
        "criticalPods must be a whole number, at least 0 (got -1)",
      ],
    ];

    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}, and creates no namespace, chart, monitor, rule or dashboard`, async () => {
        await assert.rejects(monitoring(overrides), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.strictEqual(error.message, `SelfHostedMonitoring "monitoring": ${message}`);
          for (const type of [NAMESPACE, CHART, POD_MONITOR, PROMETHEUS_RULE, CONFIG_MAP, PASSWORD]) {
            assert.strictEqual(error.resources.filter((r) => r.type === type).length, 0, type);
          }
          assert.strictEqual(error.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
          return true;
        });
      });

      it(`resolveSelfHostedMonitoringArgs refuses ${what} with a ResourceError`, () => {
        assert.throws(
          () => resolveSelfHostedMonitoringArgs("monitoring", args(overrides)),
          (error: Error) => {
            assert.ok(error instanceof pulumi.ResourceError);
            assert.strictEqual(error.message, `SelfHostedMonitoring "monitoring": ${message}`);
            return true;
          },
        );
      });
    }
  });
});
