import {
  type ChartWorkloadFact,
  chartFacts,
  knownVersions,
  kustomizationFacts,
} from "../../../../../components/catalog/chart-workloads";
import type { ClusterIndex, PlanObject } from "../cluster";
import type { Workload } from "../model";
import { isUnknownValueError, plain, podFromTemplate, workloadShell } from "./pods";

/**
 * Workloads of Helm charts and kustomizations the CLI has not rendered (the offline plan): from the
 * typed facts of the pinned chart version (components/catalog/chart-workloads), with the values the
 * plan sets. A chart version without facts is reported as not checked, naming the versions known.
 */
export function deriveChartWorkloads(index: ClusterIndex): Workload[] {
  const out: Workload[] = [];
  for (const chart of index.charts) {
    if (index.renderedParents.has(chart.urn)) continue;
    const reference = String(chart.props.chart ?? "");
    const version = String(chart.props.version ?? "");
    const namespace = String(chart.props.namespace ?? "default");
    const facts = chartFacts(reference, version);
    if (!facts) {
      const known = knownVersions(reference);
      out.push({
        ...workloadShell({
          urn: chart.urn,
          kind: "HelmChart",
          name: String(chart.props.name ?? chart.name),
          namespace,
          source: `chart ${reference} ${version}`,
          controller: "Helm chart",
          gang: false,
        }),
        unchecked: `no facts for chart ${reference} ${version}${known.length ? ` (facts exist for ${known.join(", ")})` : ""}: add them to components/catalog/chart-workloads`,
      });
      continue;
    }
    try {
      const release = {
        name: String(chart.props.name ?? chart.name),
        namespace,
        values: plain(chart.props.values ?? {}),
      };
      for (const fact of facts.workloads(release))
        out.push(fromFact(chart, fact, namespace, `chart ${facts.chart} ${facts.version}`, facts.notes));
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      out.push({
        ...workloadShell({
          urn: chart.urn,
          kind: "HelmChart",
          name: String(chart.name),
          namespace,
          source: `chart ${reference} ${version}`,
          controller: "Helm chart",
          gang: false,
        }),
        unchecked: `${error.message}: checked after apply`,
      });
    }
  }
  for (const kustomization of index.kustomizations) {
    if (index.renderedParents.has(kustomization.urn)) continue;
    const directory = String(kustomization.props.directory ?? "");
    const facts = kustomizationFacts(directory);
    if (!facts) {
      out.push({
        ...workloadShell({
          urn: kustomization.urn,
          kind: "Kustomization",
          name: kustomization.name,
          namespace: "",
          source: `kustomization ${directory}`,
          controller: "kustomize",
          gang: false,
        }),
        unchecked: `no facts for kustomization ${directory}: add them to components/catalog/chart-workloads`,
      });
      continue;
    }
    const namespace = facts.namespaces[0]?.name ?? "default";
    for (const fact of facts.workloads())
      out.push(fromFact(kustomization, fact, namespace, `kustomization ${facts.url}?ref=${facts.ref}`));
  }
  return out;
}

function fromFact(
  owner: PlanObject,
  fact: ChartWorkloadFact,
  namespace: string,
  source: string,
  notes: readonly string[] = [],
): Workload {
  const workload = workloadShell({
    urn: owner.urn,
    kind: fact.kind,
    name: fact.name,
    namespace,
    source,
    controller: `kube-controller-manager (${fact.kind} controller)`,
    gang: false,
    labels: fact.template.metadata?.labels,
  });
  workload.groups.push({
    name: fact.name,
    count: fact.kind === "DaemonSet" ? 1 : fact.replicas,
    pod: podFromTemplate(fact.template, namespace, `${fact.name}-<hash>`),
    injected: [],
    ...(fact.kind === "DaemonSet" ? { daemon: true } : {}),
  });
  workload.notes.push(`from ${fact.source}`, ...notes);
  return workload;
}

/** Namespaces kustomizations create themselves, with their labels (kubeflow for the Training Operator). */
export function kustomizedNamespaces(index: ClusterIndex): Array<{ name: string; labels: Record<string, string> }> {
  return index.kustomizations
    .filter((k) => !index.renderedParents.has(k.urn))
    .flatMap((k) => kustomizationFacts(String(k.props.directory ?? ""))?.namespaces ?? []);
}
