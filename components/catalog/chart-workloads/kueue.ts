import { type ChartFacts, coalesce, nonEmpty } from "./types";

const SOURCE =
  "kubernetes-sigs/kueue tag v0.19.2, charts/kueue/values.yaml (controllerManager) and templates/manager/manager.yaml";

const DEFAULTS = {
  replicas: 1,
  hostNetwork: false,
  manager: {
    priorityClassName: undefined as string | undefined,
    resources: { limits: { cpu: "2", memory: "512Mi" }, requests: { cpu: "500m", memory: "512Mi" } },
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containerSecurityContext: {
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
  },
  nodeSelector: {},
  tolerations: [] as unknown[],
  podDisruptionBudget: { enabled: false, minAvailable: 1 as number | string },
};

/** Kueue 0.19.2: the kueue-controller-manager Deployment (restricted-compliant by default). */
export const KUEUE: ChartFacts = {
  chart: "kueue",
  version: "0.19.2",
  source: SOURCE,
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values.controllerManager);
    return [
      {
        kind: "Deployment",
        name: "kueue-controller-manager",
        replicas: Number(v.replicas),
        source: SOURCE,
        template: {
          spec: {
            ...(v.manager.priorityClassName ? { priorityClassName: v.manager.priorityClassName } : {}),
            ...(v.hostNetwork ? { hostNetwork: true } : {}),
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(v.tolerations.length ? { tolerations: v.tolerations } : {}),
            securityContext: v.manager.podSecurityContext,
            containers: [
              { name: "manager", securityContext: v.manager.containerSecurityContext, resources: v.manager.resources },
            ],
          },
        },
      },
    ];
  },
  // templates/manager/manager-pdb.yaml: rendered when enabled, with minAvailable only, over the manager's selector labels.
  disruptionBudgets(release) {
    const v = coalesce(DEFAULTS, release.values.controllerManager);
    if (v.podDisruptionBudget.enabled !== true) return [];
    return [
      {
        name: `${release.name.includes("kueue") ? release.name : `${release.name}-kueue`}-manager-pdb`,
        workload: "kueue-controller-manager",
        minAvailable: v.podDisruptionBudget.minAvailable,
        source: "kubernetes-sigs/kueue tag v0.19.2, charts/kueue/templates/manager/manager-pdb.yaml",
      },
    ];
  },
};
