import { type ChartFacts, coalesce, fullname, nonEmpty, type Values } from "./types";

const SOURCE =
  "open-telemetry/opentelemetry-helm-charts tag opentelemetry-operator-0.122.0, charts/opentelemetry-operator/values.yaml and templates/deployment.yaml";

const DEFAULTS = {
  replicaCount: 1,
  nodeSelector: { "kubernetes.io/os": "linux" } as Values,
  tolerations: [] as unknown[],
  priorityClassName: "",
  hostNetwork: false,
  securityContext: { runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 } as Values,
  manager: {
    resources: {} as Values,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    } as Values,
  },
};

/**
 * OpenTelemetry Operator chart 0.122.0: one Deployment, `<release>-opentelemetry-operator`, with the
 * `manager` container (no kube-rbac-proxy since the metrics server's built-in auth), the chart's
 * nodeSelector `kubernetes.io/os: linux`, a non-root Pod and a restricted container security context.
 */
export const OPENTELEMETRY_OPERATOR: ChartFacts = {
  chart: "opentelemetry-operator",
  version: "0.122.0",
  source: SOURCE,
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values);
    return [
      {
        kind: "Deployment",
        name: fullname(release, "opentelemetry-operator"),
        replicas: Number(v.replicaCount),
        source: SOURCE,
        template: {
          spec: {
            hostNetwork: v.hostNetwork === true,
            ...(v.priorityClassName ? { priorityClassName: v.priorityClassName } : {}),
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(Array.isArray(v.tolerations) && v.tolerations.length ? { tolerations: v.tolerations } : {}),
            securityContext: v.securityContext,
            containers: [
              { name: "manager", resources: v.manager.resources, securityContext: v.manager.securityContext },
            ],
          },
        },
      },
    ];
  },
};
