import { type ChartFacts, type ChartWorkloadFact, coalesce, nonEmpty } from "./types";

const SOURCE =
  "cert-manager/cert-manager tag v1.19.2, deploy/charts/cert-manager/values.yaml and templates/{deployment,webhook-deployment,cainjector-deployment,startupapicheck-job}.yaml";

const POD = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
const CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true };
const COMPONENT = {
  replicaCount: 1,
  resources: {},
  securityContext: POD,
  containerSecurityContext: CONTAINER,
  nodeSelector: { "kubernetes.io/os": "linux" },
  tolerations: [] as unknown[],
  enabled: true,
};

/** cert-manager v1.19.2: controller, webhook, cainjector and the startupapicheck Job, all restricted-compliant. */
export const CERT_MANAGER: ChartFacts = {
  chart: "cert-manager",
  version: "v1.19.2",
  source: SOURCE,
  workloads(release) {
    const components: Array<[string, "Deployment" | "Job", string, unknown]> = [
      ["cert-manager", "Deployment", "cert-manager-controller", release.values],
      ["cert-manager-webhook", "Deployment", "cert-manager-webhook", release.values.webhook],
      ["cert-manager-cainjector", "Deployment", "cert-manager-cainjector", release.values.cainjector],
      ["cert-manager-startupapicheck", "Job", "cert-manager-startupapicheck", release.values.startupapicheck],
    ];
    const out: ChartWorkloadFact[] = [];
    for (const [name, kind, container, given] of components) {
      const v = coalesce(
        COMPONENT,
        given && typeof given === "object" ? pick(given as Record<string, unknown>) : undefined,
      );
      if (v.enabled === false) continue;
      out.push({
        kind,
        name,
        replicas: kind === "Job" ? 1 : Number(v.replicaCount),
        source: SOURCE,
        template: {
          spec: {
            securityContext: v.securityContext,
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(v.tolerations.length ? { tolerations: v.tolerations } : {}),
            ...(kind === "Job" ? { restartPolicy: "OnFailure" } : {}),
            containers: [
              {
                name: container,
                securityContext: v.containerSecurityContext,
                ...(nonEmpty(v.resources) ? { resources: v.resources } : {}),
              },
            ],
          },
        },
      });
    }
    return out;
  },
  disruptionBudgets: budgets,
};

/**
 * The budgets of the controller, webhook and cainjector (templates/{poddisruptionbudget,webhook-poddisruptionbudget,
 * cainjector-poddisruptionbudget}.yaml): rendered when `podDisruptionBudget.enabled`; with neither
 * minAvailable nor maxUnavailable given the template writes `minAvailable: 1`, which with one replica
 * refuses every eviction.
 */
function budgets(release: { values: Record<string, unknown> }) {
  const components: Array<[string, string, unknown]> = [
    ["cert-manager", "poddisruptionbudget.yaml", release.values],
    ["cert-manager-webhook", "webhook-poddisruptionbudget.yaml", release.values.webhook],
    ["cert-manager-cainjector", "cainjector-poddisruptionbudget.yaml", release.values.cainjector],
  ];
  return components.flatMap(([workload, file, given]) => {
    const values = (given && typeof given === "object" ? given : {}) as Record<string, unknown>;
    const pdb = (values.podDisruptionBudget ?? {}) as Record<string, unknown>;
    if (pdb.enabled !== true || values.enabled === false) return [];
    const has = (key: string) => key in pdb;
    return [
      {
        name: workload,
        workload,
        ...(!has("minAvailable") && !has("maxUnavailable") ? { minAvailable: 1 } : {}),
        ...(has("minAvailable") ? { minAvailable: pdb.minAvailable as number | string } : {}),
        ...(has("maxUnavailable") ? { maxUnavailable: pdb.maxUnavailable as number | string } : {}),
        source: `cert-manager/cert-manager tag v1.19.2, deploy/charts/cert-manager/templates/${file}`,
      },
    ];
  });
}

/** The keys a component's Pod reads (the controller's are top-level, next to the others' maps). */
function pick(values: Record<string, unknown>): Record<string, unknown> {
  const keys = [
    "replicaCount",
    "resources",
    "securityContext",
    "containerSecurityContext",
    "nodeSelector",
    "tolerations",
    "enabled",
  ];
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.includes(k)));
}
