import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * What the monitoring backends scrape. The Kueue and Kubeflow Trainer controllers serve metrics
 * on 8443 over HTTPS and only to authorised callers (controller-runtime's secure metrics); the
 * model servers serve plain HTTP on 8080. Pod labels read from the charts' templates
 * (kubernetes-sigs/kueue v0.19.2 charts/kueue/templates/_helpers.tpl and manager/manager.yaml;
 * kubeflow/trainer v2.3.0 charts/kubeflow-trainer/templates/manager/_helpers.tpl and deployment.yaml).
 */
export interface ControllerTarget {
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  /** Container port name of the metrics endpoint. */
  readonly port: string;
}

export const CONTROLLER_TARGETS: readonly ControllerTarget[] = [
  {
    name: "kueue",
    namespace: "kueue-system",
    podLabels: {
      "app.kubernetes.io/name": "kueue",
      "app.kubernetes.io/instance": "kueue",
      "control-plane": "controller-manager",
    },
    port: "metrics",
  },
  {
    name: "kubeflow-trainer",
    namespace: "kubeflow-system",
    podLabels: {
      "app.kubernetes.io/name": "kubeflow-trainer",
      "app.kubernetes.io/instance": "kubeflow-trainer",
      "app.kubernetes.io/component": "manager",
    },
    port: "metrics",
  },
];

/** Model server Pods (KServe puts this label on every InferenceService Pod) and their metrics port. */
export const MODEL_SERVER_LABEL = "serving.kserve.io/inferenceservice";
export const MODEL_SERVER_PORT = 8080;

/** The Secret holding a token that may GET /metrics, in each controller's namespace. */
export const METRICS_TOKEN_SECRET = "cnai-metrics-reader-token";
export const METRICS_READER = "cnai-metrics-reader";

/** Options for a child, waiting also for the resources named (the component's own `dependsOn` kept). */
export type ChildOptions = (after?: pulumi.Resource[]) => pulumi.CustomResourceOptions;

/** Managed Prometheus's collector (GKE managed collection), which reads the token Secrets it sends. */
export const GMP_COLLECTOR = { name: "collector", namespace: "gmp-system" } as const;

/**
 * A service account allowed to GET /metrics, and a token Secret for it in each controller's
 * namespace, which the scrape configs send as a bearer token. With `collector`, that service
 * account (Managed Prometheus's) may read the token Secret, and nothing else in the namespace.
 */
export function metricsReaders(
  name: string,
  labels: Record<string, string>,
  options: ChildOptions,
  collector?: { name: string; namespace: string },
): k8s.core.v1.Secret[] {
  const role = new k8s.rbac.v1.ClusterRole(
    `${name}-metrics-reader`,
    {
      metadata: { name: METRICS_READER, labels },
      rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }],
    },
    options(),
  );
  return CONTROLLER_TARGETS.map((target) => {
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-${target.name}-reader`,
      {
        metadata: { name: METRICS_READER, namespace: target.namespace, labels },
        automountServiceAccountToken: false,
      },
      options(),
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-${target.name}-reader`,
      {
        metadata: { name: `${METRICS_READER}-${target.name}`, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: METRICS_READER },
        subjects: [{ kind: "ServiceAccount", name: METRICS_READER, namespace: target.namespace }],
      },
      options([role, sa]),
    );
    const token = new k8s.core.v1.Secret(
      `${name}-${target.name}-token`,
      {
        metadata: {
          name: METRICS_TOKEN_SECRET,
          namespace: target.namespace,
          labels,
          annotations: { "kubernetes.io/service-account.name": METRICS_READER },
        },
        type: "kubernetes.io/service-account-token",
      },
      options([sa]),
    );
    if (collector) collectorReadsToken(name, target.name, target.namespace, labels, collector, options);
    return token;
  });
}

/** A Role that reads only the token Secret, bound to the collector's service account. */
function collectorReadsToken(
  name: string,
  targetName: string,
  namespace: string,
  labels: Record<string, string>,
  collector: { name: string; namespace: string },
  options: ChildOptions,
): void {
  const roleName = `${METRICS_TOKEN_SECRET}-read`;
  const role = new k8s.rbac.v1.Role(
    `${name}-${targetName}-token-read`,
    {
      metadata: { name: roleName, namespace, labels },
      rules: [
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: [METRICS_TOKEN_SECRET],
          verbs: ["get", "list", "watch"],
        },
      ],
    },
    options(),
  );
  new k8s.rbac.v1.RoleBinding(
    `${name}-${targetName}-token-read`,
    {
      metadata: { name: roleName, namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
      subjects: [{ kind: "ServiceAccount", name: collector.name, namespace: collector.namespace }],
    },
    options([role]),
  );
}
