import { type ChartFacts, type ChartWorkloadFact, coalesce, nonEmpty, type Values } from "./types";

const SOURCE =
  "kedacore/charts tag v2.20.2, keda/values.yaml and templates/{manager,metrics-server,webhooks}/deployment.yaml";

const RESOURCES = { limits: { cpu: "1", memory: "1000Mi" }, requests: { cpu: "100m", memory: "100Mi" } };
const CONTAINER = {
  capabilities: { drop: ["ALL"] },
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  seccompProfile: { type: "RuntimeDefault" },
};
const POD = { runAsNonRoot: true };

const DEFAULTS = {
  operator: {
    name: "keda-operator",
    replicaCount: 1,
    useHostNetwork: false,
    nodeSelector: {},
    tolerations: [] as unknown[],
  },
  metricsServer: {
    enabled: true,
    replicaCount: 1,
    useHostNetwork: false,
    nodeSelector: {},
    tolerations: [] as unknown[],
  },
  webhooks: {
    enabled: true,
    name: "keda-admission-webhooks",
    replicaCount: 1,
    useHostNetwork: false,
    nodeSelector: {},
    tolerations: [] as unknown[],
  },
  resources: { operator: RESOURCES, metricServer: RESOURCES, webhooks: RESOURCES } as Values,
  securityContext: { operator: CONTAINER, metricServer: CONTAINER, webhooks: CONTAINER } as Values,
  podSecurityContext: { operator: POD, metricServer: POD, webhooks: POD } as Values,
  nodeSelector: {},
  tolerations: [] as unknown[],
  priorityClassName: "",
  podIdentity: { gcp: { enabled: false } },
};

/**
 * KEDA 2.20.2: the operator, the metrics API server and the admission webhooks, one Deployment
 * each, restricted-compliant by default. Each template pins `kubernetes.io/os: linux` before the
 * component's (or the global) nodeSelector; `podIdentity.gcp.enabled` adds GKE's metadata-server
 * label to the operator's; resources, securityContext and podSecurityContext are per component
 * (`resources.operator`...) with the top-level map as the fallback.
 */
export const KEDA: ChartFacts = {
  chart: "keda",
  version: "2.20.2",
  source: SOURCE,
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values);
    const components: Array<{
      name: string;
      key: "operator" | "metricServer" | "webhooks";
      c: Values;
      enabled: boolean;
    }> = [
      { name: v.operator.name, key: "operator", c: v.operator, enabled: true },
      {
        name: `${v.operator.name}-metrics-apiserver`,
        key: "metricServer",
        c: v.metricsServer,
        enabled: v.metricsServer.enabled !== false,
      },
      { name: v.webhooks.name, key: "webhooks", c: v.webhooks, enabled: v.webhooks.enabled !== false },
    ];
    const out: ChartWorkloadFact[] = [];
    for (const { name, key, c, enabled } of components) {
      if (!enabled) continue;
      const perComponent = (map: Values) => nonEmpty(map[key]) ?? map;
      const nodeSelector: Record<string, string> = {
        "kubernetes.io/os": "linux",
        ...(nonEmpty(c.nodeSelector) ?? nonEmpty(v.nodeSelector) ?? {}),
        ...(key === "operator" && v.podIdentity?.gcp?.enabled === true
          ? { "iam.gke.io/gke-metadata-server-enabled": "true" }
          : {}),
      };
      const tolerations = (
        Array.isArray(c.tolerations) && c.tolerations.length ? c.tolerations : v.tolerations
      ) as unknown[];
      out.push({
        kind: "Deployment",
        name,
        replicas: Number(c.replicaCount),
        source: SOURCE,
        template: {
          spec: {
            ...(v.priorityClassName ? { priorityClassName: v.priorityClassName } : {}),
            ...(c.useHostNetwork === true ? { hostNetwork: true } : {}),
            nodeSelector,
            ...(tolerations.length ? { tolerations } : {}),
            securityContext: perComponent(v.podSecurityContext),
            containers: [
              { name, securityContext: perComponent(v.securityContext), resources: perComponent(v.resources) },
            ],
          },
        },
      });
    }
    return out;
  },
};
