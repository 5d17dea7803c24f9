import { type ChartFacts, type ChartRelease, type ChartWorkloadFact, coalesce, fullname, nonEmpty } from "./types";

const SOURCE =
  "prometheus-community/helm-charts tag kube-state-metrics-8.4.0, charts/kube-state-metrics/values.yaml and templates/deployment.yaml";

/** charts/kube-state-metrics/values.yaml at 8.4.0. */
const DEFAULTS = {
  replicas: 1,
  securityContext: {
    enabled: true,
    runAsGroup: 65534,
    runAsUser: 65534,
    fsGroup: 65534,
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
  },
  containerSecurityContext: {
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
  },
  resources: {},
  nodeSelector: {},
  tolerations: [] as unknown[],
  affinity: {},
  priorityClassName: "",
};

/** The kube-state-metrics Deployment of chart 8.4.0 (also kube-prometheus-stack 88.5.3's subchart). */
export function kubeStateMetricsWorkload(release: ChartRelease, name: string): ChartWorkloadFact {
  const v = coalesce(DEFAULTS, release.values);
  const { enabled, ...podSecurity } = v.securityContext as typeof DEFAULTS.securityContext;
  return {
    kind: "Deployment",
    name,
    replicas: Number(v.replicas),
    source: SOURCE,
    template: {
      spec: {
        ...(enabled ? { securityContext: podSecurity } : {}),
        ...(v.priorityClassName ? { priorityClassName: v.priorityClassName } : {}),
        ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
        ...(v.tolerations.length ? { tolerations: v.tolerations } : {}),
        ...(nonEmpty(v.affinity) ? { affinity: v.affinity } : {}),
        containers: [
          {
            name: "kube-state-metrics",
            securityContext: v.containerSecurityContext,
            ...(nonEmpty(v.resources) ? { resources: v.resources } : {}),
          },
        ],
      },
    },
  };
}

export const KUBE_STATE_METRICS: ChartFacts = {
  chart: "kube-state-metrics",
  version: "8.4.0",
  source: SOURCE,
  workloads: (release) => [kubeStateMetricsWorkload(release, fullname(release, "kube-state-metrics"))],
};
