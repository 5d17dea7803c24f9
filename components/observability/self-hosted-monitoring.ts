import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GKE_LIMITED_PRIORITY_CLASSES } from "../catalog/controller-defaults";
import { HELM_CHARTS } from "../catalog/software";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { GPU_TAINT } from "../compute/gpu-node-pool";
import { kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";
import { type AlertRule, ruleGroup } from "./alerts";
import { type Dashboard, grafanaDashboard } from "./dashboards";
import {
  CONTROLLER_TARGETS,
  METRICS_TOKEN_SECRET,
  MODEL_SERVER_LABEL,
  MODEL_SERVER_PORT,
  metricsReaders,
} from "./scrape-targets";

export interface SelfHostedMonitoringArgs {
  labels: StackLabels;
  alerts: AlertRule[];
  dashboards: Dashboard[];
  /** How long Prometheus keeps samples. @default "15d" */
  retention?: string;
  /** Prometheus volume size, GiB. @default 50 */
  storageGi?: number;
  /** Scrape interval. @default "30s" */
  interval?: string;
  /**
   * Pods of the critical priority classes the namespace may run at once: dcgm-exporter runs one
   * `system-node-critical` Pod per GPU node, and GKE admits such Pods only under a ResourceQuota
   * scoped to those classes. Size it to the GPU nodes the cluster can have, surge nodes included.
   * @default 100
   */
  criticalPods?: number;
}

export const MONITORING_NAMESPACE = "monitoring";
/** The kube-prometheus-stack release; its fullname prefixes every object (`kps-prometheus`, ...). */
export const KPS_RELEASE = "kps";
/** The in-cluster Prometheus's query API (kube-prometheus-stack's `<fullname>-prometheus` Service, port 9090). */
export const SELF_HOSTED_QUERY_URL = `http://${KPS_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;

/**
 * Self-hosted monitoring: kube-prometheus-stack (Prometheus, Alertmanager, Grafana,
 * kube-state-metrics with the node pool label allow-listed) and NVIDIA's dcgm-exporter on the GPU
 * nodes, with PodMonitors for the model servers and the Kueue and Trainer controllers, the alerts
 * as a PrometheusRule, and the dashboards as Grafana dashboard ConfigMaps.
 */
export class SelfHostedMonitoring extends pulumi.ComponentResource {
  public readonly namespace = MONITORING_NAMESPACE;

  constructor(name: string, args: SelfHostedMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:observability:SelfHostedMonitoring", name, {}, opts);
    const spec = resolveSelfHostedMonitoringArgs(name, args, this);
    const labels = kubernetesLabels(args.labels, "self-hosted-monitoring");
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        // node-exporter (host network and PID) and dcgm-exporter (host paths, privileged) need the
        // privileged level; nothing else runs here.
        metadata: { name: MONITORING_NAMESPACE, labels: { ...labels, ...podSecurityLabels("privileged") } },
      },
      childOptions(this, opts),
    );
    const inNs = childOptions(this, opts, { dependsOn: [ns] });
    // dcgm-exporter's DaemonSet runs at system-node-critical (chart 4.8.1 templates/daemonset.yaml).
    // GKE's API server limits the critical classes: their Pods are admitted only in a namespace with
    // a ResourceQuota whose scope selects them (kubernetes plugin/pkg/admission/resourcequota/
    // controller.go, "insufficient quota to match these scopes"; GKE ships gcp-critical-pods in
    // kube-system). The exporter needs one such Pod per GPU node.
    const criticalQuota = new k8s.core.v1.ResourceQuota(
      `${name}-critical-pods`,
      {
        metadata: { name: "critical-pods", namespace: MONITORING_NAMESPACE, labels },
        spec: {
          hard: { pods: String(spec.criticalPods) },
          scopeSelector: {
            matchExpressions: [
              { scopeName: "PriorityClass", operator: "In", values: [...GKE_LIMITED_PRIORITY_CLASSES] },
            ],
          },
        },
      },
      inNs,
    );

    const grafanaPassword = new random.RandomPassword(
      `${name}-grafana-admin`,
      { length: 32, special: false },
      childOptions(this, opts),
    );
    const grafanaSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: MONITORING_NAMESPACE, labels },
        type: "Opaque",
        stringData: { "admin-user": "admin", "admin-password": grafanaPassword.result },
      },
      inNs,
    );

    const kps = HELM_CHARTS.kubePrometheusStack;
    const stack = new k8s.helm.v4.Chart(
      `${name}-kube-prometheus-stack`,
      {
        chart: kps.chart,
        version: kps.version,
        repositoryOpts: { repo: kps.repo },
        namespace: MONITORING_NAMESPACE,
        name: KPS_RELEASE,
        values: {
          fullnameOverride: KPS_RELEASE,
          prometheus: {
            prometheusSpec: {
              // Select every ServiceMonitor, PodMonitor and rule, not only the chart's own.
              serviceMonitorSelectorNilUsesHelmValues: false,
              podMonitorSelectorNilUsesHelmValues: false,
              ruleSelectorNilUsesHelmValues: false,
              probeSelectorNilUsesHelmValues: false,
              retention: spec.retention,
              storageSpec: {
                volumeClaimTemplate: {
                  spec: {
                    storageClassName: "standard-rwo",
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: `${spec.storageGi}Gi` } },
                  },
                },
              },
            },
          },
          // GKE runs the control plane and Dataplane V2 has no kube-proxy: nothing to scrape there.
          kubeControllerManager: { enabled: false },
          kubeScheduler: { enabled: false },
          kubeEtcd: { enabled: false },
          kubeProxy: { enabled: false },
          // GKE runs kube-dns, not CoreDNS: the chart's CoreDNS target (port 9153) would never come up and
          // TargetDown would fire for ever. Scrape kube-dns's metrics instead (dnsmasq sidecar 10054,
          // kubedns 10055; the chart's kubeDns service selects k8s-app: kube-dns). Source:
          // kube-prometheus-stack 88.5.3 values.yaml coreDns / kubeDns.
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
        },
      },
      childOptions(this, opts, { dependsOn: [ns, grafanaSecret] }),
    );

    const dcgm = HELM_CHARTS.dcgmExporter;
    new k8s.helm.v4.Chart(
      `${name}-dcgm-exporter`,
      {
        chart: dcgm.chart,
        version: dcgm.version,
        repositoryOpts: { repo: dcgm.repo },
        namespace: MONITORING_NAMESPACE,
        name: "dcgm-exporter",
        values: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: "cloud.google.com/gke-accelerator", operator: "Exists" }] },
                ],
              },
            },
          },
          tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
          // GKE installs the NVIDIA driver under /home/kubernetes/bin/nvidia on COS nodes.
          extraHostVolumes: [{ name: "nvidia-install-dir-host", hostPath: "/home/kubernetes/bin/nvidia" }],
          extraVolumeMounts: [
            {
              name: "exporter-metrics-volume",
              mountPath: "/etc/dcgm-exporter/default-counters.csv",
              subPath: "default-counters.csv",
            },
            { name: "nvidia-install-dir-host", mountPath: "/usr/local/nvidia", readOnly: true },
          ],
          // Google's reference manifest (GoogleCloudPlatform/prometheus-engine examples/nvidia-dcgm/exporter.yaml):
          // GKE's device plugin names GPUs nvidia0, nvidia1 (vgpuN under time-sharing), not by UUID, so
          // the exporter matches Pods to GPUs by device name (dcgm-exporter 4.5.2-4.8.1 defaults to uid:
          // no series would carry the Pod's namespace). GKE injects /dev/nvidia* only into containers
          // that request nvidia.com/gpu: the exporter, which requests none, runs privileged to see them.
          extraEnv: [
            { name: "LD_LIBRARY_PATH", value: "/usr/local/nvidia/lib64" },
            { name: "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", value: "device-name" },
          ],
          // The chart's default (SYS_ADMIN, no privilege escalation) merges with this; the API server
          // refuses privileged with allowPrivilegeEscalation false (kubernetes/kubernetes
          // pkg/apis/core/validation/validation.go, ValidateSecurityContext), so both are set.
          securityContext: { privileged: true, allowPrivilegeEscalation: true, runAsNonRoot: false, runAsUser: 0 },
          // The exporter labels each GPU series with the Pod using it (namespace, pod, container);
          // honouring them keeps `namespace` the workload's, not the exporter's (`monitoring`).
          serviceMonitor: { enabled: true, interval: spec.interval, honorLabels: true },
        },
      },
      childOptions(this, opts, { dependsOn: [stack, criticalQuota] }),
    );

    const afterStack = childOptions(this, opts, { dependsOn: [stack] });
    const tokens = metricsReaders(name, labels, (after) => childOptions(this, opts, { dependsOn: after }));
    const cr = (
      kind: string,
      objectName: string,
      namespace: string,
      spec: Record<string, unknown>,
      after: pulumi.Resource[] = [],
    ) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${kind.toLowerCase()}-${namespace}-${objectName}`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind,
          metadata: { name: objectName, namespace, labels },
          spec,
        },
        childOptions(this, opts, { dependsOn: [stack, ...after] }),
      );

    cr("PodMonitor", "cnai-model-servers", MONITORING_NAMESPACE, {
      namespaceSelector: { any: true },
      selector: { matchExpressions: [{ key: MODEL_SERVER_LABEL, operator: "Exists" }] },
      podMetricsEndpoints: [
        {
          portNumber: MODEL_SERVER_PORT,
          path: "/metrics",
          interval: spec.interval,
          relabelings: [
            { sourceLabels: ["__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice"], targetLabel: "model" },
            { sourceLabels: ["__meta_kubernetes_pod_label_cnai_dev_team"], targetLabel: "team" },
          ],
        },
      ],
    });
    CONTROLLER_TARGETS.forEach((target, i) => {
      cr(
        "PodMonitor",
        `cnai-${target.name}`,
        target.namespace,
        {
          selector: { matchLabels: { ...target.podLabels } },
          podMetricsEndpoints: [
            {
              port: target.port,
              scheme: "https",
              interval: spec.interval,
              tlsConfig: { insecureSkipVerify: true },
              authorization: { type: "Bearer", credentials: { name: METRICS_TOKEN_SECRET, key: "token" } },
            },
          ],
        },
        [tokens[i]],
      );
    });
    cr("PrometheusRule", "cnai-platform-alerts", MONITORING_NAMESPACE, {
      groups: [ruleGroup("cnai-platform", args.alerts)],
    });

    for (const dashboard of args.dashboards) {
      new k8s.core.v1.ConfigMap(
        `${name}-dashboard-${dashboard.uid}`,
        {
          metadata: {
            name: `dashboard-${dashboard.uid}`,
            namespace: MONITORING_NAMESPACE,
            labels: { ...labels, grafana_dashboard: "1" },
          },
          data: { [`${dashboard.uid}.json`]: JSON.stringify(grafanaDashboard(dashboard)) },
        },
        afterStack,
      );
    }
    this.registerOutputs({ namespace: MONITORING_NAMESPACE });
  }
}

/** Prometheus' defaults, which are also the base profile's `observability.prometheus` settings. */
export const PROMETHEUS_DEFAULTS = { retention: "15d", storageGi: 50 } as const;

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveSelfHostedMonitoringArgs(
  name: string,
  args: SelfHostedMonitoringArgs,
  resource?: pulumi.Resource,
) {
  const fail = argumentError("SelfHostedMonitoring", name, resource);
  const retention = args.retention ?? PROMETHEUS_DEFAULTS.retention;
  if (!/^\d+(h|d|w|y)$/.test(retention)) fail(`retention must be a Prometheus duration such as 15d (got ${retention})`);
  const storageGi = args.storageGi ?? PROMETHEUS_DEFAULTS.storageGi;
  if (!Number.isInteger(storageGi) || storageGi < 10)
    fail(`storageGi must be a whole number, at least 10 (got ${storageGi})`);
  const interval = args.interval ?? "30s";
  if (!/^\d+(s|m)$/.test(interval)) fail(`interval must be like 30s or 1m (got ${interval})`);
  const criticalPods = args.criticalPods ?? 100;
  if (!Number.isInteger(criticalPods) || criticalPods < 0)
    fail(`criticalPods must be a whole number, at least 0 (got ${criticalPods})`);
  return { retention, storageGi, interval, criticalPods };
}
