import { type ChartFacts, coalesce, nonEmpty } from "./types";

const SOURCE = "ray-project/kuberay tag v1.7.0, helm-chart/kuberay-operator/values.yaml and templates/deployment.yaml";

/** The chart's defaults for the operator Deployment (values.yaml at v1.7.0). */
const DEFAULTS = {
  replicas: 1,
  nodeSelector: {},
  tolerations: [] as unknown[],
  affinity: {},
  priorityClassName: "",
  // Limits only: the API server defaults the requests to them.
  resources: { limits: { cpu: "100m", memory: "512Mi" } },
  podSecurityContext: {},
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
  },
};

/**
 * KubeRay 1.7.0: the kuberay-operator Deployment (fullnameOverride kuberay-operator; container
 * `kuberay-operator`, the chart's name). Its container security context meets the restricted level.
 */
export const KUBERAY_OPERATOR: ChartFacts = {
  chart: "kuberay-operator",
  version: "1.7.0",
  source: SOURCE,
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values);
    return [
      {
        kind: "Deployment",
        name: "kuberay-operator",
        replicas: Number(v.replicas ?? 1) || 1,
        source: SOURCE,
        template: {
          spec: {
            ...(v.priorityClassName ? { priorityClassName: v.priorityClassName } : {}),
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(nonEmpty(v.affinity) ? { affinity: v.affinity } : {}),
            ...(v.tolerations.length ? { tolerations: v.tolerations } : {}),
            ...(nonEmpty(v.podSecurityContext) ? { securityContext: v.podSecurityContext } : {}),
            containers: [{ name: "kuberay-operator", securityContext: v.securityContext, resources: v.resources }],
          },
        },
      },
    ];
  },
};
