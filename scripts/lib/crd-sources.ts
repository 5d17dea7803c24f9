/**
 * The upstream CRDs the conformance suite validates against, pinned to the releases the blueprint
 * installs (components/catalog/software.ts). Same files, tags and paths as the fixtures' README
 * (../shared/fixtures/crds/README.md).
 */
export interface CrdSource {
  readonly repo: string;
  readonly tag: string;
  readonly dir: string;
  readonly files: readonly string[];
}

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    repo: "kserve/kserve",
    tag: "v0.20.0",
    dir: "config/crd/full",
    files: [
      "serving.kserve.io_inferenceservices.yaml",
      "serving.kserve.io_servingruntimes.yaml",
      "serving.kserve.io_clusterservingruntimes.yaml",
    ],
  },
  { repo: "kubeflow/trainer", tag: "v1.9.4", dir: "manifests/base/crds", files: ["kubeflow.org_pytorchjobs.yaml"] },
  {
    repo: "kubeflow/trainer",
    tag: "v2.3.0",
    dir: "manifests/base/crds",
    files: [
      "trainer.kubeflow.org_trainjobs.yaml",
      "trainer.kubeflow.org_trainingruntimes.yaml",
      "trainer.kubeflow.org_clustertrainingruntimes.yaml",
    ],
  },
  {
    repo: "kubernetes-sigs/kueue",
    tag: "v0.19.2",
    dir: "config/components/crd/bases",
    files: ["clusterqueues", "localqueues", "resourceflavors", "workloadpriorityclasses", "cohorts", "topologies"].map(
      (k) => `kueue.x-k8s.io_${k}.yaml`,
    ),
  },
  {
    repo: "prometheus-operator/prometheus-operator",
    tag: "v0.93.0",
    dir: "example/prometheus-operator-crd",
    files: ["servicemonitors", "podmonitors", "prometheusrules", "probes"].map(
      (k) => `monitoring.coreos.com_${k}.yaml`,
    ),
  },
  {
    repo: "GoogleCloudPlatform/prometheus-engine",
    tag: "v0.17.2",
    dir: "charts/operator/crds",
    files: ["podmonitorings", "clusterpodmonitorings", "rules", "clusterrules", "globalrules"].map(
      (k) => `monitoring.googleapis.com_${k}.yaml`,
    ),
  },
  {
    repo: "ray-project/kuberay",
    tag: "v1.7.0",
    dir: "ray-operator/config/crd/bases",
    files: ["rayclusters", "rayjobs", "rayservices"].map((k) => `ray.io_${k}.yaml`),
  },
  {
    repo: "kubernetes-sigs/gateway-api",
    tag: "v1.6.1",
    dir: "config/crd/standard",
    files: ["gateways", "gatewayclasses", "httproutes", "grpcroutes", "referencegrants"].map(
      (k) => `gateway.networking.k8s.io_${k}.yaml`,
    ),
  },
  {
    repo: "kubernetes-sigs/gateway-api-inference-extension",
    tag: "v1.6.0",
    dir: "config/crd/bases",
    files: ["inference.networking.k8s.io_inferencepools.yaml"],
  },
  // v1.5.0 is the last release that ships the x-k8s.io InferenceObjective; v1.6.0 moved it to llm-d.
  {
    repo: "kubernetes-sigs/gateway-api-inference-extension",
    tag: "v1.5.0",
    dir: "config/crd/bases",
    files: ["inference.networking.x-k8s.io_inferenceobjectives.yaml"],
  },
  { repo: "llm-d/llm-d-router", tag: "v0.10.0", dir: "config/crd/bases", files: ["llm-d.ai_inferenceobjectives.yaml"] },
  {
    repo: "GoogleCloudPlatform/gke-gateway-api",
    tag: "v1.4.0",
    dir: "config/crd",
    files: ["gcpbackendpolicies", "healthcheckpolicies", "gcpgatewaypolicies"].map(
      (k) => `networking.gke.io_${k}.yaml`,
    ),
  },
  {
    repo: "kubernetes-sigs/kueue",
    tag: "v0.19.2",
    dir: "config/components/crd/bases",
    files: ["admissionchecks", "provisioningrequestconfigs"].map((k) => `kueue.x-k8s.io_${k}.yaml`),
  },
  {
    repo: "kubernetes/autoscaler",
    tag: "cluster-autoscaler-1.36.1",
    dir: "cluster-autoscaler/apis/config/crd",
    files: ["autoscaling.x-k8s.io_provisioningrequests.yaml"],
  },
  {
    repo: "knative/operator",
    tag: "knative-v1.21.1",
    dir: "config/crd/bases",
    files: ["operator.knative.dev_knativeservings.yaml"],
  },
  {
    repo: "open-telemetry/opentelemetry-operator",
    tag: "v0.158.0",
    dir: "config/crd/bases",
    files: ["opentelemetrycollectors", "instrumentations"].map((k) => `opentelemetry.io_${k}.yaml`),
  },
];

export function crdUrl(source: CrdSource, file: string): string {
  return `https://raw.githubusercontent.com/${source.repo}/${source.tag}/${source.dir}/${file}`;
}
