import { kubeStateMetricsWorkload } from "./kube-state-metrics";
import { type ChartFacts, type ChartWorkloadFact, coalesce, nonEmpty, valueAt } from "./types";

const KPS = "prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3, charts/kube-prometheus-stack";
const NODE_EXPORTER =
  "prometheus-community/helm-charts tag prometheus-node-exporter-4.56.1 (the subchart kube-prometheus-stack 88.5.3 pins), charts/prometheus-node-exporter/values.yaml and templates/daemonset.yaml";
const GRAFANA =
  "grafana-community/helm-charts tag grafana-12.11.1 (the subchart kube-prometheus-stack 88.5.3 pins), charts/grafana/values.yaml";

const OPERATOR_DEFAULTS = {
  enabled: true,
  resources: {},
  priorityClassName: "",
  nodeSelector: {},
  tolerations: [] as unknown[],
  securityContext: {
    fsGroup: 65534,
    runAsGroup: 65534,
    runAsNonRoot: true,
    runAsUser: 65534,
    seccompProfile: { type: "RuntimeDefault" },
  },
  containerSecurityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  },
  admissionWebhooks: {
    enabled: true,
    patch: {
      enabled: true,
      resources: {},
      priorityClassName: "",
      securityContext: {
        runAsGroup: 2000,
        runAsNonRoot: true,
        runAsUser: 2000,
        seccompProfile: { type: "RuntimeDefault" },
      },
    },
    createSecretJob: {
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
    },
    patchWebhookJob: {
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
    },
  },
};

const NODE_EXPORTER_DEFAULTS = {
  enabled: true,
  resources: {},
  securityContext: { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
  containerSecurityContext: { readOnlyRootFilesystem: true },
  hostNetwork: true,
  hostPID: true,
  hostIPC: false,
  hostRootFsMount: { enabled: true },
  nodeSelector: { "kubernetes.io/os": "linux" },
  tolerations: [{ effect: "NoSchedule", operator: "Exists" }],
  priorityClassName: "",
};

const GRAFANA_DEFAULTS = {
  enabled: true,
  replicas: 1,
  resources: {},
  securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
  containerSecurityContext: {
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
  sidecar: {
    resources: {},
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    dashboards: { enabled: true },
    datasources: { enabled: true },
  },
  nodeSelector: {},
  tolerations: [] as unknown[],
};

const withResources = (resources: unknown) => (nonEmpty(resources) ? { resources } : {});
const placement = (v: { nodeSelector?: unknown; tolerations?: unknown[]; priorityClassName?: string }) => ({
  ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
  ...(v.tolerations?.length ? { tolerations: v.tolerations } : {}),
  ...(v.priorityClassName ? { priorityClassName: v.priorityClassName } : {}),
});

/**
 * kube-prometheus-stack 88.5.3: the Prometheus operator Deployment and its admission-webhook Jobs
 * (rendered as plain Jobs: Pulumi's Chart v4 applies hook resources like any other), Grafana,
 * kube-state-metrics and the node-exporter DaemonSet (host network, host PID and host paths:
 * Pod Security privileged only; it tolerates every NoSchedule taint, so it runs on GPU nodes too).
 * Prometheus and Alertmanager run as StatefulSets the operator creates from their custom resources;
 * their containers are the operator's and are not modelled here.
 */
export const KUBE_PROMETHEUS_STACK: ChartFacts = {
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  source: KPS,
  notes: ["the Prometheus and Alertmanager StatefulSets come from the operator and are not modelled"],
  workloads(release) {
    const full = (release.values.fullnameOverride as string) || `${release.name}-kube-prometheus-stack`.slice(0, 26);
    const out: ChartWorkloadFact[] = [];
    const op = coalesce(OPERATOR_DEFAULTS, release.values.prometheusOperator);
    if (op.enabled) {
      out.push({
        kind: "Deployment",
        name: `${full}-operator`,
        replicas: 1,
        source: `${KPS}/values.yaml (prometheusOperator), templates/prometheus-operator/deployment.yaml`,
        template: {
          spec: {
            ...placement(op),
            ...(nonEmpty(op.securityContext) ? { securityContext: op.securityContext } : {}),
            containers: [
              {
                name: "kube-prometheus-stack",
                securityContext: op.containerSecurityContext,
                ...withResources(op.resources),
              },
            ],
          },
        },
      });
      const hooks = op.admissionWebhooks;
      if (hooks.enabled && hooks.patch.enabled) {
        for (const [job, container] of [
          ["admission-create", hooks.createSecretJob],
          ["admission-patch", hooks.patchWebhookJob],
        ] as const) {
          out.push({
            kind: "Job",
            name: `${full}-${job}`,
            replicas: 1,
            source: `${KPS}/values.yaml (prometheusOperator.admissionWebhooks.patch), templates/prometheus-operator/admission-webhooks/job-patch/`,
            template: {
              spec: {
                ...placement(hooks.patch),
                securityContext: hooks.patch.securityContext,
                restartPolicy: "OnFailure",
                containers: [
                  {
                    name: "create",
                    securityContext: container.securityContext,
                    ...withResources(hooks.patch.resources),
                  },
                ],
              },
            },
          });
        }
      }
    }
    const grafana = coalesce(GRAFANA_DEFAULTS, release.values.grafana);
    if (grafana.enabled) {
      const sidecars = [
        grafana.sidecar.dashboards.enabled && "grafana-sc-dashboard",
        grafana.sidecar.datasources.enabled && "grafana-sc-datasources",
      ].filter(Boolean) as string[];
      out.push({
        kind: "Deployment",
        name: `${release.name}-grafana`,
        replicas: Number(grafana.replicas),
        source: `${GRAFANA} (securityContext, containerSecurityContext, sidecar)`,
        template: {
          spec: {
            ...placement(grafana),
            securityContext: grafana.securityContext,
            containers: [
              ...sidecars.map((name) => ({
                name,
                securityContext: grafana.sidecar.securityContext,
                ...withResources(grafana.sidecar.resources),
              })),
              {
                name: "grafana",
                securityContext: grafana.containerSecurityContext,
                ...withResources(grafana.resources),
              },
            ],
          },
        },
      });
    }
    if (valueAt(release.values, "kubeStateMetrics.enabled") !== false) {
      out.push(
        kubeStateMetricsWorkload(
          { ...release, values: release.values["kube-state-metrics"] ?? {} },
          `${release.name}-kube-state-metrics`,
        ),
      );
    }
    const ne = coalesce(NODE_EXPORTER_DEFAULTS, release.values["prometheus-node-exporter"]);
    if (valueAt(release.values, "nodeExporter.enabled") !== false) {
      out.push({
        kind: "DaemonSet",
        name: `${release.name}-prometheus-node-exporter`,
        replicas: 1,
        source: NODE_EXPORTER,
        template: {
          spec: {
            ...placement(ne),
            securityContext: ne.securityContext,
            hostNetwork: ne.hostNetwork,
            hostPID: ne.hostPID,
            hostIPC: ne.hostIPC,
            volumes: [
              { name: "proc", hostPath: { path: "/proc" } },
              { name: "sys", hostPath: { path: "/sys" } },
              ...(ne.hostRootFsMount.enabled ? [{ name: "root", hostPath: { path: "/" } }] : []),
            ],
            containers: [
              { name: "node-exporter", securityContext: ne.containerSecurityContext, ...withResources(ne.resources) },
            ],
          },
        },
      });
    }
    return out;
  },
};
