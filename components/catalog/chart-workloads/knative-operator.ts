import { type ChartFacts, type ChartWorkloadFact, coalesce, nonEmpty } from "./types";

const SOURCE =
  "knative/operator tag knative-v1.21.1, config/charts/knative-operator/values.yaml and templates/operator.yaml";

const CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true };
const COMPONENT = {
  affinity: {},
  tolerations: [] as unknown[],
  securityContext: undefined as Record<string, unknown> | undefined,
  containerSecurityContext: CONTAINER,
};
const DEFAULTS = {
  knative_operator: {
    ...COMPONENT,
    resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "1000m", memory: "1000Mi" } },
  },
  operator_webhook: {
    ...COMPONENT,
    resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "500Mi" } },
  },
};

/**
 * The Knative operator chart v1.21.1: the knative-operator and operator-webhook Deployments (no
 * seccomp profile set: baseline admits them, restricted does not). The Knative Serving components
 * the operator then creates from a KnativeServing (activator, autoscaler, controller, webhook,
 * Kourier) are the operator's and are not modelled here.
 */
export const KNATIVE_OPERATOR: ChartFacts = {
  chart: "knative-operator",
  version: "v1.21.1",
  source: SOURCE,
  notes: ["the Knative Serving components the operator creates are not modelled"],
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values.knative_operator);
    return (["knative_operator", "operator_webhook"] as const).map((key): ChartWorkloadFact => {
      const c = v[key];
      const name = key === "knative_operator" ? "knative-operator" : "operator-webhook";
      return {
        kind: "Deployment",
        name,
        replicas: 1,
        source: SOURCE,
        template: {
          spec: {
            ...(nonEmpty(c.affinity) ? { affinity: c.affinity } : {}),
            ...(c.tolerations.length ? { tolerations: c.tolerations } : {}),
            ...(nonEmpty(c.securityContext) ? { securityContext: c.securityContext } : {}),
            containers: [
              {
                name,
                resources: c.resources,
                securityContext: { ...c.containerSecurityContext, capabilities: { drop: ["ALL"] } },
              },
            ],
          },
        },
      };
    });
  },
};
