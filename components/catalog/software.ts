/**
 * Cluster software the blueprint installs, pinned in one table: Helm charts (reference, repository,
 * version, namespace) and container images. Read from each project's release tags; re-check the
 * notes when bumping a version.
 */
export interface HelmChartRef {
  /** Chart name, or a full `oci://` reference. */
  readonly chart: string;
  /** Classic Helm repository URL; absent for OCI charts. */
  readonly repo?: string;
  readonly version: string;
  readonly namespace: string;
  /** Where the facts were read. */
  readonly source: string;
}

export const HELM_CHARTS = {
  /** MLflow tracking server and model registry (community-charts). */
  mlflow: {
    chart: "mlflow",
    repo: "https://community-charts.github.io/helm-charts",
    version: "1.11.5",
    namespace: "model-registry",
    source: "community-charts/helm-charts tag mlflow-1.11.5, charts/mlflow (appVersion 3.15.1); 1.11.5 is the newest release in the chart index",
  },
} as const satisfies Record<string, HelmChartRef>;

export interface ImageRef {
  readonly image: string;
  readonly source: string;
}

export const IMAGES = {
  /** Kubeflow Model Registry server (REST on 8080). */
  modelRegistryServer: {
    image: "ghcr.io/kubeflow/model-registry/server:v0.2.22",
    source: "kubeflow/model-registry tag v0.2.22, manifests/kustomize/base/kustomization.yaml",
  },
} as const satisfies Record<string, ImageRef>;
