import { GKE_NODE_LABELS } from "../../../../../components/catalog/gke-nodes";
import type { PodObject, Props } from "../model";
import { allContainers } from "../pod-resources";
import { matchesSelector } from "./matching";

/**
 * What the scheduler's inter-Pod filters make of a Pod set's own replicas (Pods of other workloads
 * are not modelled, a note says so):
 * - InterPodAffinity: a required anti-affinity term on `kubernetes.io/hostname` whose selector
 *   matches the Pod's own labels keeps one replica per node; on the zone label, one per zone
 *   (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go);
 * - PodTopologySpread: a `whenUnsatisfiable: DoNotSchedule` constraint on `kubernetes.io/hostname`
 *   whose selector matches the Pod keeps the replicas per node within `maxSkew` of the emptiest node
 *   of the pool (podtopologyspread/filtering.go; the nodes of other pools are not counted);
 * - NodePorts: a host port is used once per node (nodeports/node_ports.go), so replicas with host
 *   ports take one node each, and a pool whose DaemonSets hold the port takes none. With
 *   `hostNetwork`, each container port is a host port (pkg/apis/core/v1/defaults.go SetDefaults_Pod).
 */
export interface SpreadRule {
  /** Replicas of the set at most on one node. */
  readonly perNode?: number;
  /** Replicas at most per zone. */
  readonly perZone?: number;
  /** maxSkew of a DoNotSchedule hostname spread, and its minDomains. */
  readonly skew?: number;
  readonly minDomains?: number;
  /** Host ports the Pod binds, as `protocol/port`. */
  readonly hostPorts: string[];
}

const HOSTNAME = "kubernetes.io/hostname";
const ZONE_KEYS = [GKE_NODE_LABELS.zone, "failure-domain.beta.kubernetes.io/zone"];

/** The host ports a Pod binds on its node. */
export function hostPorts(spec: Props): string[] {
  const ports = new Set<string>();
  for (const container of allContainers(spec)) {
    for (const port of (container?.ports ?? []) as Props[]) {
      const hostPort = port?.hostPort ?? (spec.hostNetwork === true ? port?.containerPort : undefined);
      if (hostPort) ports.add(`${port?.protocol ?? "TCP"}/${hostPort}`);
    }
  }
  return [...ports].sort();
}

/**
 * Whether a term applies to the Pod's own replicas: its selector matches their labels, and its
 * namespaces hold theirs. A term covers the union of `namespaces` and the namespaces its
 * `namespaceSelector` selects (an empty selector selects all); with neither, the Pod's own namespace
 * (k8s.io/api/core/v1 PodAffinityTerm). Of a namespace's labels only kubernetes.io/metadata.name,
 * which the API server sets on every namespace, is known here.
 */
function selectsOwn(term: Props, pod: PodObject): boolean {
  const own = pod.metadata.namespace;
  const namespaces: string[] = term.namespaces ?? [];
  const selector: Props | undefined = term.namespaceSelector ?? undefined;
  const inScope =
    (!namespaces.length && !selector) ||
    namespaces.includes(own) ||
    matchesSelector(selector, { "kubernetes.io/metadata.name": own });
  return inScope && matchesSelector(term.labelSelector, pod.metadata.labels);
}

export function spreadRule(pod: PodObject): SpreadRule {
  const spec = pod.spec;
  const terms: Props[] = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const own = terms.filter((t) => selectsOwn(t, pod));
  const ports = hostPorts(spec);
  const perNode = own.some((t) => t.topologyKey === HOSTNAME) || ports.length ? 1 : undefined;
  const perZone = own.some((t) => ZONE_KEYS.includes(t.topologyKey)) ? 1 : undefined;
  const spread = ((spec.topologySpreadConstraints ?? []) as Props[]).filter(
    (c) =>
      c?.topologyKey === HOSTNAME &&
      (c.whenUnsatisfiable ?? "DoNotSchedule") === "DoNotSchedule" &&
      matchesSelector(c.labelSelector, pod.metadata.labels),
  );
  const minDomains = Math.max(0, ...spread.map((c) => Number(c.minDomains ?? 0)));
  return {
    ...(perNode ? { perNode } : {}),
    ...(perZone ? { perZone } : {}),
    ...(spread.length ? { skew: Math.min(...spread.map((c) => Number(c.maxSkew ?? 1))) } : {}),
    ...(minDomains ? { minDomains } : {}),
    hostPorts: ports,
  };
}

/** Whether the rule lets one more replica onto a node that holds `count` of them, given the counts on the pool's nodes. */
export function spreadAllows(rule: SpreadRule, count: number, counts: readonly number[]): boolean {
  if (rule.perNode !== undefined && count >= rule.perNode) return false;
  if (rule.skew !== undefined) {
    // The global minimum is 0 while fewer nodes than minDomains exist (filtering.go minMatchNum).
    const min = counts.length && counts.length >= (rule.minDomains ?? 0) ? Math.min(...counts) : 0;
    if (count + 1 - min > rule.skew) return false;
  }
  return true;
}
