/**
 * The upstream CRDs the conformance suite validates against, pinned to the releases the blueprint
 * installs (components/catalog/software.ts). Same files as ../shared/fixtures/crds.
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
    files: ["serving.kserve.io_inferenceservices.yaml", "serving.kserve.io_servingruntimes.yaml", "serving.kserve.io_clusterservingruntimes.yaml"],
  },
  { repo: "kubeflow/trainer", tag: "v1.9.4", dir: "manifests/base/crds", files: ["kubeflow.org_pytorchjobs.yaml"] },
  {
    repo: "kubeflow/trainer",
    tag: "v2.3.0",
    dir: "manifests/base/crds",
    files: ["trainer.kubeflow.org_trainjobs.yaml", "trainer.kubeflow.org_trainingruntimes.yaml", "trainer.kubeflow.org_clustertrainingruntimes.yaml"],
  },
  {
    repo: "kubernetes-sigs/kueue",
    tag: "v0.19.2",
    dir: "config/components/crd/bases",
    files: ["clusterqueues", "localqueues", "resourceflavors", "workloadpriorityclasses", "cohorts", "topologies"].map((k) => `kueue.x-k8s.io_${k}.yaml`),
  },
  {
    repo: "prometheus-operator/prometheus-operator",
    tag: "v0.93.0",
    dir: "example/prometheus-operator-crd",
    files: ["servicemonitors", "podmonitors", "prometheusrules", "probes"].map((k) => `monitoring.coreos.com_${k}.yaml`),
  },
  {
    repo: "GoogleCloudPlatform/prometheus-engine",
    tag: "v0.17.2",
    dir: "charts/operator/crds",
    files: ["podmonitorings", "clusterpodmonitorings", "rules", "clusterrules", "globalrules"].map((k) => `monitoring.googleapis.com_${k}.yaml`),
  },
];

export function crdUrl(source: CrdSource, file: string): string {
  return `https://raw.githubusercontent.com/${source.repo}/${source.tag}/${source.dir}/${file}`;
}
