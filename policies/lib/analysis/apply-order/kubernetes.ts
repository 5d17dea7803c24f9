import {
  CLUSTER,
  FIREWALL,
  HELM_CHART,
  HELM_RELEASE,
  NAMESPACE,
} from "../../../../components/catalog/apply-prerequisites";
import { chartRefOf, GKE_CONTROL_PLANE_OPEN_PORTS } from "../../../../components/catalog/gke-control-plane";
import type { HelmChartRef } from "../../../../components/catalog/software";
import { type CheckContext, shortName } from "./context";
import { known, type PlanNode, read } from "./graph";

/**
 * Kubernetes objects and charts (APPLY_ORDER_RULES "kubernetes-namespace", "kubernetes-api-group",
 * "control-plane-webhook-port"). Charts are recognised by their reference in the pinned table
 * (HELM_CHARTS); a chart the table does not know is not judged. Pure: no Pulumi runtime import.
 */
export function checkKubernetes(ctx: CheckContext): void {
  const charts = ctx
    .ofTypes([HELM_CHART, HELM_RELEASE])
    .map((node) => ({ node, ref: chartRefOf(read(node.props, "chart"), read(node.props, "repositoryOpts.repo")) }));
  const namespaces = new Map(
    ctx.graph.ofType(NAMESPACE).map((ns) => [known(read(ns.props, "metadata.name")), ns] as const),
  );
  const byGroup = new Map<string, PlanNode[]>();
  for (const { node, ref } of charts)
    for (const group of ref?.apiGroups ?? []) byGroup.set(group, [...(byGroup.get(group) ?? []), node]);

  for (const node of ctx.nodes) {
    if (!node.type.startsWith("kubernetes:") || node.type === NAMESPACE) continue;
    const isChart = node.type === HELM_CHART || node.type === HELM_RELEASE;
    // The namespace it is created in: after the plan's Namespace of that name.
    const namespace = known(read(node.props, isChart ? "namespace" : "metadata.namespace"));
    const ns = namespace !== undefined ? namespaces.get(namespace) : undefined;
    if (ns && !ctx.graph.isBefore(ns.urn, node.urn)) {
      ctx.report(
        "kubernetes-namespace",
        node,
        `${shortName(node.urn)} is created in namespace ${namespace}, but not after ${shortName(ns.urn)}, which creates it.`,
        "Make it depend on the Namespace (dependsOn, or take metadata.namespace from the Namespace's output)",
      );
    }
    // Its API group (or group and kind): after the charts that install the group's CRDs and webhooks.
    const [, group, kind] = /^kubernetes:([^/]+)\/[^:]+:(.+)$/.exec(node.type) ?? [];
    for (const chart of group ? [...(byGroup.get(group) ?? []), ...(byGroup.get(`${group}/${kind}`) ?? [])] : []) {
      if (chart.urn !== node.urn && !ctx.graph.isBefore(chart.urn, node.urn)) {
        ctx.report(
          "kubernetes-api-group",
          node,
          `${shortName(node.urn)} (${group}) is not created after ${shortName(chart.urn)}, the chart that installs that API group's CRDs or admission webhooks.`,
          "Make it depend on the chart",
        );
      }
    }
  }
  checkWebhookPorts(ctx, charts);
}

/** Private clusters: each chart's webhook and aggregated API ports are opened from the control plane first. */
function checkWebhookPorts(
  ctx: CheckContext,
  charts: ReadonlyArray<{ node: PlanNode; ref: HelmChartRef | undefined }>,
): void {
  const privateClusters = ctx.graph
    .ofType(CLUSTER)
    .filter((c) => read(c.props, "privateClusterConfig.enablePrivateNodes") === true);
  if (privateClusters.length === 0) return;
  const masterRanges = privateClusters.map((c) => known(read(c.props, "privateClusterConfig.masterIpv4CidrBlock")));
  const firewalls = ctx.graph.ofType(FIREWALL).filter((f) => {
    const direction = known(read(f.props, "direction")) ?? "INGRESS";
    const sources = read(f.props, "sourceRanges");
    const fromControlPlane =
      !Array.isArray(sources) || sources.some((r) => known(r) === undefined || masterRanges.includes(known(r)));
    return direction === "INGRESS" && read(f.props, "disabled") !== true && fromControlPlane;
  });
  for (const { node, ref } of charts) {
    const ports = ref?.controlPlanePorts ?? [];
    const needed = [...new Set(ports.map((p) => p.port))].filter(
      (port) => !GKE_CONTROL_PLANE_OPEN_PORTS.includes(port),
    );
    const closed = needed.filter(
      (port) => !firewalls.some((f) => opensTcp(f, port) && ctx.graph.isBefore(f.urn, node.urn)),
    );
    if (closed.length === 0) continue;
    const what = ports
      .filter((p) => closed.includes(p.port))
      .map((p) => `${p.port}: ${p.serves}`)
      .join("; ");
    ctx.report(
      "control-plane-webhook-port",
      node,
      `${shortName(node.urn)} serves the control plane on TCP ${closed.join(", ")} (${what}), which no firewall rule from the private cluster's control plane range (${masterRanges.filter(Boolean).join(", ") || "unknown"}) created before it opens: its webhooks time out and its APIs stay unavailable.`,
      "Add an INGRESS firewall rule from the control plane range to the nodes for these ports, and create the chart after it (the Kubernetes provider's dependsOn)",
    );
  }
}

/** Whether a firewall rule allows TCP to this port (`ports` absent means every port; ranges as "8000-9000"). */
function opensTcp(firewall: PlanNode, port: number): boolean {
  const allows = read(firewall.props, "allows");
  return (Array.isArray(allows) ? allows : []).some((allow) => {
    const protocol = known(read(allow, "protocol"));
    if (protocol !== "tcp" && protocol !== "all") return false;
    const ports = read(allow, "ports");
    if (!Array.isArray(ports) || ports.length === 0) return true;
    return ports.some((p) => {
      const [low, high] = String(p).split("-").map(Number);
      return port >= low && port <= (high ?? low);
    });
  });
}
