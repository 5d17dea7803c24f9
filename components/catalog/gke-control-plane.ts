import { HELM_CHARTS, type HelmChartRef } from "./software";

/**
 * What the control plane of a private GKE cluster can reach on its nodes without help. GKE's own
 * firewall rule (`gke-<cluster>-<hash>-master`) lets the control plane range reach the nodes (and
 * the Pods on them) on TCP 443 and 10250 only; an admission webhook or an aggregated API served on
 * another port times out ("failed calling webhook ... context deadline exceeded") until a firewall
 * rule opens it from the control plane range.
 * Sources: GKE, "Add firewall rules for specific use cases" (cloud.google.com/kubernetes-engine/docs/how-to/private-clusters#add_firewall_rules,
 * gcloud compute firewall-rules create --source-ranges CONTROL_PLANE_RANGE --allow tcp:PORT);
 * cert-manager v1.19.2 deploy/charts/cert-manager/values.yaml ("In GKE private clusters, by default
 * Kubernetes apiservers are allowed to talk to the cluster nodes only on 443 and 10250");
 * Cloud Service Mesh "Open ports on a private cluster" (the same rule for port 15017).
 * Pure data: no Pulumi runtime import.
 */
export const GKE_CONTROL_PLANE_OPEN_PORTS: readonly number[] = [443, 10250];

/** The ports these charts need opened from the control plane beyond GKE's own, sorted. */
export function controlPlanePortsToOpen(charts: readonly HelmChartRef[] = Object.values(HELM_CHARTS)): number[] {
  const ports = charts.flatMap((chart) => (chart.controlPlanePorts ?? []).map((p) => p.port));
  return [...new Set(ports)].filter((port) => !GKE_CONTROL_PLANE_OPEN_PORTS.includes(port)).sort((a, b) => a - b);
}

/** The pinned chart a Helm chart resource installs (by its `chart` reference, and repository for classic repositories), if the table has it. */
export function chartRefOf(chart: unknown, repo?: unknown): HelmChartRef | undefined {
  if (typeof chart !== "string") return undefined;
  return Object.values(HELM_CHARTS as Record<string, HelmChartRef>).find(
    (ref) => ref.chart === chart && (ref.repo === undefined || repo === undefined || ref.repo === repo),
  );
}
