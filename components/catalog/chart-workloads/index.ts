import { CERT_MANAGER } from "./cert-manager";
import { DCGM_EXPORTER } from "./dcgm-exporter";
import { KEDA } from "./keda";
import { KNATIVE_OPERATOR } from "./knative-operator";
import { KSERVE_CRD, KSERVE_RESOURCES, KSERVE_RUNTIME_CONFIGS } from "./kserve";
import { KUBE_PROMETHEUS_STACK } from "./kube-prometheus-stack";
import { KUBE_STATE_METRICS } from "./kube-state-metrics";
import { KUBEFLOW_TRAINER } from "./kubeflow-trainer";
import { KUEUE } from "./kueue";
import { MLFLOW } from "./mlflow";
import { OPENTELEMETRY_OPERATOR } from "./opentelemetry-operator";
import { TRAINING_OPERATOR_V1_9_4 } from "./training-operator";
import type { ChartFacts, KustomizationFacts } from "./types";

export type { ChartFacts, ChartRelease, ChartWorkloadFact, KustomizationFacts } from "./types";

/** Facts for the charts the blueprint pins (components/catalog/software.ts), by chart name and version. */
export const CHART_FACTS: readonly ChartFacts[] = [
  CERT_MANAGER,
  DCGM_EXPORTER,
  KEDA,
  KNATIVE_OPERATOR,
  KSERVE_CRD,
  KSERVE_RESOURCES,
  KSERVE_RUNTIME_CONFIGS,
  KUBE_PROMETHEUS_STACK,
  KUBE_STATE_METRICS,
  KUBEFLOW_TRAINER,
  KUEUE,
  MLFLOW,
  OPENTELEMETRY_OPERATOR,
];

export const KUSTOMIZATION_FACTS: readonly KustomizationFacts[] = [TRAINING_OPERATOR_V1_9_4];

/** A chart's name from its reference: `oci://ghcr.io/kserve/charts/kserve-resources` → kserve-resources; `repo/name` → name. */
export function chartName(reference: string): string {
  return reference.replace(/\/+$/, "").split("/").pop() ?? reference;
}

/** The facts for a chart reference and version; undefined when the version was not read. */
export function chartFacts(reference: string, version: string): ChartFacts | undefined {
  const name = chartName(reference);
  return CHART_FACTS.find((f) => f.chart === name && f.version === version);
}

/** Charts with facts at other versions (to name them when a version is missing). */
export function knownVersions(reference: string): string[] {
  const name = chartName(reference);
  return CHART_FACTS.filter((f) => f.chart === name).map((f) => f.version);
}

/** The facts for a kustomization URL (`...?ref=v1.9.4`). */
export function kustomizationFacts(directory: string): KustomizationFacts | undefined {
  const [url, query = ""] = directory.split("?");
  const ref = new URLSearchParams(query).get("ref") ?? "";
  const bare = url.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  return KUSTOMIZATION_FACTS.find((f) => f.url === bare && f.ref === ref);
}
