import { type ChartFacts, coalesce, nonEmpty } from "./types";

const SOURCE =
  "community-charts/helm-charts tag mlflow-1.11.5, charts/mlflow/values.yaml and templates/deployment.yaml";

const DEFAULTS = {
  replicaCount: 1,
  podSecurityContext: { fsGroup: 1001, fsGroupChangePolicy: "OnRootMismatch" },
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    privileged: false,
    runAsUser: 1001,
  },
  resources: {},
  nodeSelector: {},
  tolerations: [] as unknown[],
  priorityClassName: "",
  backendStore: { databaseConnectionCheck: false, databaseMigration: false, postgres: { enabled: false } },
};

/**
 * MLflow 1.11.5 (community-charts): one Deployment; with a database backend, the `dbchecker` and
 * `mlflow-db-migration` init containers. Every container runs as UID 1001 without privilege
 * escalation, but no seccomp profile is set: baseline admits it, restricted does not.
 */
export const MLFLOW: ChartFacts = {
  chart: "mlflow",
  version: "1.11.5",
  source: SOURCE,
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values);
    const database = v.backendStore.postgres?.enabled === true;
    const initContainers = [
      ...(database && v.backendStore.databaseConnectionCheck
        ? [{ name: "dbchecker", securityContext: v.securityContext }]
        : []),
      ...(database && v.backendStore.databaseMigration
        ? [
            {
              name: "mlflow-db-migration",
              securityContext: v.securityContext,
              ...(nonEmpty(v.resources) ? { resources: v.resources } : {}),
            },
          ]
        : []),
    ];
    return [
      {
        kind: "Deployment",
        name: release.name.includes("mlflow") ? release.name : `${release.name}-mlflow`,
        replicas: Number(v.replicaCount),
        source: SOURCE,
        template: {
          // templates/_helpers.tpl mlflow.selectorLabels (the chart name, unless nameOverride, and the release).
          metadata: {
            labels: {
              app: String(release.values.nameOverride || "mlflow"),
              "app.kubernetes.io/name": String(release.values.nameOverride || "mlflow"),
              "app.kubernetes.io/instance": release.name,
            },
          },
          spec: {
            securityContext: v.podSecurityContext,
            ...(v.priorityClassName ? { priorityClassName: v.priorityClassName } : {}),
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(v.tolerations.length ? { tolerations: v.tolerations } : {}),
            ...(initContainers.length ? { initContainers } : {}),
            containers: [
              {
                name: "mlflow",
                securityContext: v.securityContext,
                ...(nonEmpty(v.resources) ? { resources: v.resources } : {}),
              },
            ],
          },
        },
      },
    ];
  },
};
