import { CONSUME_PROVISIONING_REQUEST, GKE_NODE_LABELS } from "../../../../../components/catalog/gke-nodes";
import type { PodGroup, Problem, Props } from "../model";
import { allContainers, podAmounts } from "../pod-resources";
import { type Amounts, amountOf, describeAmounts, formatAmount } from "../quantity";
import { nodeSelectionMismatch, untoleratedTaint } from "./matching";
import { labelValues, type NodeShape } from "./node-shapes";
import { hostPorts, type SpreadRule, spreadAllows, spreadRule } from "./pod-spread";

const SCHEDULER = "kubernetes pkg/scheduler/framework/plugins (NodeAffinity, TaintToleration, NodeResourcesFit)";
const GPU_SHARING =
  'GKE "About GPU sharing strategies in GKE" (concepts/timesharing-gpus), components/catalog/gke-nodes.ts sharedGpusPerContainer';

/** What a Pod asks of a node: its requests as the scheduler counts them, and one Pod slot. */
export function podDemand(spec: Props): Amounts {
  const demand = podAmounts(spec, "requests");
  for (const [k, v] of Object.entries(demand)) if (!v) delete demand[k];
  demand.pods = 1;
  return demand;
}

/** What the DaemonSets of each pool hold on every node: requests, and host ports. */
export interface PoolOverhead {
  readonly amounts: ReadonlyMap<string, Amounts>;
  readonly hostPorts: ReadonlyMap<string, ReadonlySet<string>>;
}

type MismatchKind = "selector" | "taint" | "queued" | "gpu-sharing" | "ports" | "resources";

/**
 * Why a node of this pool cannot take the Pod: selector, taints, provisioning, GPU sharing (the
 * kubelet refuses a container asking for more shared GPUs than GKE allows), host ports the pool's
 * DaemonSets hold, then resources; undefined when it can.
 */
export function poolMismatch(
  spec: Props,
  annotations: Record<string, string>,
  shape: NodeShape,
  overhead: Amounts = {},
  daemonPorts: ReadonlySet<string> = new Set(),
): { kind: MismatchKind; reason: string } | undefined {
  const selection = selectionMismatch(spec, shape);
  if (selection) return selection;
  if (shape.queued && annotations[CONSUME_PROVISIONING_REQUEST] === undefined) {
    return { kind: "queued", reason: "queued provisioning: the autoscaler adds nodes only for a ProvisioningRequest" };
  }
  if (shape.gpusPerContainer !== undefined) {
    const greedy = allContainers(spec).find(
      (c) =>
        (amountOf(
          "nvidia.com/gpu",
          c?.resources?.limits?.["nvidia.com/gpu"] ?? c?.resources?.requests?.["nvidia.com/gpu"],
        ) ?? 0) > shape.gpusPerContainer!,
    );
    if (greedy) {
      const sharing = shape.gpuSharing === "MPS" ? "MPS" : "time-sharing";
      return {
        kind: "gpu-sharing",
        reason: `container ${greedy.name} asks for more than ${shape.gpusPerContainer} shared nvidia.com/gpu: the kubelet refuses the Pod (UnexpectedAdmissionError: invalid request for sharing GPU (${sharing}), at most 1 nvidia.com/gpu can be requested on ${shape.gpuSharing === "MPS" ? "multi-GPU" : "GPU"} nodes)`,
      };
    }
  }
  const taken = hostPorts(spec).filter((port) => daemonPorts.has(port));
  if (taken.length)
    return {
      kind: "ports",
      reason: `node(s) didn't have free ports for the requested pod ports (${taken.join(", ")} held by the pool's DaemonSets)`,
    };
  const short = shortOf(podDemand(spec), shape, overhead);
  if (short) return { kind: "resources", reason: short };
  return undefined;
}

/** Why the Pod's node selector, affinity or tolerations exclude the pool's nodes, or undefined. */
export function selectionMismatch(
  spec: Props,
  shape: NodeShape,
): { kind: "selector" | "taint"; reason: string } | undefined {
  const selection = nodeSelectionMismatch(spec, labelValues(shape));
  if (selection) return { kind: "selector", reason: selection };
  const taint = untoleratedTaint(shape.taints, spec.tolerations ?? []);
  if (taint) return { kind: "taint", reason: `untolerated taint ${taint}` };
  return undefined;
}

/** The first resource a fresh node (less the DaemonSets' requests) lacks for the Pod, described. */
function shortOf(demand: Amounts, shape: NodeShape, overhead: Amounts): string | undefined {
  for (const [resource, need] of Object.entries(demand)) {
    const total = shape.allocatable[resource];
    if (total === undefined) {
      if ((resource === "cpu" || resource === "memory") && shape.unknownShape) continue;
      return `Insufficient ${resource} (needs ${formatAmount(resource, need)}, the nodes offer none${resource === "nvidia.com/gpu" && shape.noGpusBecause ? `: ${shape.noGpusBecause}` : ""})`;
    }
    const free = total - (overhead[resource] ?? 0);
    if (need > free)
      return `Insufficient ${resource} (needs ${formatAmount(resource, need)}, a node offers ${formatAmount(resource, free)}${overhead[resource] ? ` after ${formatAmount(resource, overhead[resource])} for DaemonSets` : ""})`;
  }
  return undefined;
}

/** A pool being filled: its nodes' remaining room, and how many Pods of each set each node holds. */
interface PoolFill {
  shape: NodeShape;
  free: Amounts;
  nodes: Amounts[];
  counts: Map<string, number[]>;
}

function fits(demand: Amounts, room: Amounts, shape: NodeShape): boolean {
  return Object.entries(demand).every(([r, need]) =>
    room[r] === undefined ? shape.unknownShape !== undefined && (r === "cpu" || r === "memory") : need <= room[r],
  );
}

/** First fit: an open node with room that the set's spread rule allows, else a new node while the pool is below its maximum. */
function placeOne(demand: Amounts, fill: PoolFill, set: string, rule: SpreadRule): boolean {
  if (!fill.counts.has(set)) fill.counts.set(set, []);
  const counts = fill.counts.get(set)!;
  while (counts.length < fill.nodes.length) counts.push(0);
  for (const [i, node] of fill.nodes.entries()) {
    if (fits(demand, node, fill.shape) && spreadAllows(rule, counts[i], counts)) {
      for (const [r, need] of Object.entries(demand)) if (node[r] !== undefined) node[r] -= need;
      counts[i] += 1;
      return true;
    }
  }
  if (
    fill.nodes.length >= fill.shape.maxNodes ||
    !fits(demand, fill.free, fill.shape) ||
    !spreadAllows(rule, 0, counts)
  )
    return false;
  const node = { ...fill.free };
  for (const [r, need] of Object.entries(demand)) if (node[r] !== undefined) node[r] -= need;
  fill.nodes.push(node);
  counts.push(1);
  return true;
}

function newFill(shape: NodeShape, overhead: Amounts): PoolFill {
  const free = { ...shape.allocatable };
  for (const [r, v] of Object.entries(overhead)) if (free[r] !== undefined) free[r] -= v;
  return { shape, free, nodes: [], counts: new Map() };
}

export interface GroupPlacement {
  group: PodGroup;
  pools: string[];
  placed: number;
  /** Per pool, nodes opened. */
  nodes: Record<string, number>;
}

/**
 * Where a workload's Pods land at the pools' maximum size: each Pod set's candidate pools (selector,
 * taints, provisioning and resources on a node less the DaemonSets' requests), then the Pods placed
 * first-fit, largest first. A gang's Pod sets share the pools (all its Pods run at once); sets that
 * finish before the gang starts (initializers) are placed on their own.
 */
export function placeWorkload(
  groups: readonly PodGroup[],
  shapes: readonly NodeShape[],
  overhead: PoolOverhead,
  gang: boolean,
): { placements: GroupPlacement[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const placements: GroupPlacement[] = [];
  const fills = () =>
    new Map(shapes.map((shape) => [shape.pool, newFill(shape, overhead.amounts.get(shape.pool) ?? {})] as const));
  const shared = fills();
  const ordered = [...groups].sort((a, b) => (podDemand(b.pod.spec).cpu ?? 0) - (podDemand(a.pod.spec).cpu ?? 0));
  for (const group of ordered) {
    if (group.daemon) continue;
    const mismatches = shapes.map((shape) => ({
      shape,
      mismatch: poolMismatch(
        group.pod.spec,
        group.pod.metadata.annotations,
        shape,
        overhead.amounts.get(shape.pool),
        overhead.hostPorts.get(shape.pool),
      ),
    }));
    const candidates = mismatches.filter((m) => !m.mismatch).map((m) => m.shape);
    const placement: GroupPlacement = { group, pools: candidates.map((c) => c.pool), placed: 0, nodes: {} };
    placements.push(placement);
    if (!candidates.length) {
      problems.push(noPoolProblem(group, mismatches));
      continue;
    }
    const pools = gang && !group.sequential ? shared : fills();
    const demand = podDemand(group.pod.spec);
    const rule = spreadRule(group.pod);
    const zones = new Set(candidates.flatMap((c) => c.zones)).size;
    const count = rule.perZone !== undefined ? Math.min(group.count, zones * rule.perZone) : group.count;
    for (let i = 0; i < count; i++) {
      const fill = candidates.map((c) => pools.get(c.pool)!).find((f) => placeOne(demand, f, group.name, rule));
      if (!fill) break;
      placement.placed += 1;
    }
    for (const c of candidates) placement.nodes[c.pool] = pools.get(c.pool)!.nodes.length;
    if (placement.placed < group.count)
      problems.push(capacityProblem(group, candidates, placement, demand, gang && !group.sequential, rule, zones));
  }
  return { placements, problems };
}

function noPoolProblem(
  group: PodGroup,
  mismatches: Array<{ shape: NodeShape; mismatch?: { kind: string; reason: string } }>,
): Problem {
  const reasons = mismatches.map((m) => `${m.shape.pool}: ${m.mismatch!.reason}`);
  const selected = mismatches.filter((m) => m.mismatch!.kind !== "selector");
  const pools = mismatches.map((m) => m.shape.pool);
  let fix: string;
  if (!mismatches.length) fix = "add a node pool: the plan declares none";
  else if (!selected.length) {
    const wanted = group.pod.spec.nodeSelector?.[GKE_NODE_LABELS.nodePool];
    fix = wanted
      ? `no node pool is named ${wanted}: select one of ${pools.join(", ")} (cloud.google.com/gke-nodepool), or add that pool`
      : `change the node selector or affinity to match a pool (${pools.join(", ")}), or add a pool with those labels`;
  } else {
    const first = selected[0].mismatch!;
    const shape = selected[0].shape;
    fix =
      first.kind === "taint"
        ? `add a toleration for the taint of ${shape.pool} (${first.reason.replace("untolerated taint ", "")}); Pods that request nvidia.com/gpu get the GPU toleration from GKE`
        : first.kind === "queued"
          ? `queue it through Kueue with a ProvisioningRequest admission check, or use a pool without queued provisioning`
          : first.kind === "gpu-sharing"
            ? `ask for 1 nvidia.com/gpu per container on ${shape.pool} (run more Pods for more shares), or use a pool whose GPUs are not shared`
            : first.kind === "ports"
              ? `use other host ports than the DaemonSets of ${shape.pool}, or none`
              : shape.noGpusBecause && first.reason.includes("nvidia.com/gpu")
                ? `let GKE install the GPU driver on ${shape.pool} (gpuDriverInstallationConfig DEFAULT or LATEST), or run NVIDIA's driver installer DaemonSet on its nodes`
                : `ask for less per Pod (${describeAmounts(podDemand(group.pod.spec))}) or use a larger machine type for ${shape.pool}`;
  }
  return {
    pod: group.name,
    step: "Scheduler",
    message: `0/${mismatches.length} node pools can run it: ${reasons.join("; ") || "no node pools"}`,
    fix,
    source: mismatches.some((m) => m.mismatch!.kind === "gpu-sharing") ? `${SCHEDULER}; ${GPU_SHARING}` : SCHEDULER,
  };
}

function capacityProblem(
  group: PodGroup,
  candidates: NodeShape[],
  placement: GroupPlacement,
  demand: Amounts,
  gang: boolean,
  rule: SpreadRule,
  zones: number,
): Problem {
  const pools = candidates.map((c) => `${c.pool} (max ${c.maxNodes} nodes)`).join(", ");
  const needed = group.count - placement.placed;
  const spread = [
    ...(rule.perNode !== undefined
      ? [
          rule.hostPorts.length
            ? `one per node: host ports ${rule.hostPorts.join(", ")}`
            : "one per node: required anti-affinity on kubernetes.io/hostname",
        ]
      : []),
    ...(rule.perZone !== undefined
      ? [`one per zone: required anti-affinity on the zone, ${zones} zone${zones === 1 ? "" : "s"}`]
      : []),
    ...(rule.skew !== undefined ? [`topology spread on kubernetes.io/hostname, maxSkew ${rule.skew}`] : []),
  ];
  const why = spread.length ? ` (${spread.join("; ")})` : "";
  return {
    pod: group.name,
    step: "Scheduler",
    message: gang
      ? `the gang needs all ${group.count} Pods at once (${describeAmounts(demand)} each), but ${pools} at the maximum size hold${candidates.length === 1 ? "s" : ""} ${placement.placed}${why}: the job never starts`
      : `${needed} of ${group.count} Pods (${describeAmounts(demand)} each) never fit: ${pools} at the maximum size hold${candidates.length === 1 ? "s" : ""} ${placement.placed}${why}`,
    fix: spread.length
      ? `raise the autoscaling maximum of ${candidates.map((c) => c.pool).join(" or ")} (or spread it over more zones), run fewer replicas, or relax the anti-affinity, spread or host ports to preferred`
      : `raise the autoscaling maximum of ${candidates.map((c) => c.pool).join(" or ")}, or run fewer or smaller Pods`,
    source: `${SCHEDULER}${spread.length ? "; InterPodAffinity, PodTopologySpread, NodePorts" : ""}; cluster-autoscaler (a pool never grows past its maximum)`,
  };
}

/** How many of up to `cap` Pods of the group fit its candidate pools at their maximum size (alone). */
export function podsThatFit(
  group: PodGroup,
  shapes: readonly NodeShape[],
  overhead: PoolOverhead,
  cap: number,
): number {
  const demand = podDemand(group.pod.spec);
  const rule = spreadRule(group.pod);
  const fills = shapes
    .filter(
      (shape) =>
        !poolMismatch(
          group.pod.spec,
          group.pod.metadata.annotations,
          shape,
          overhead.amounts.get(shape.pool),
          overhead.hostPorts.get(shape.pool),
        ),
    )
    .map((shape) => newFill(shape, overhead.amounts.get(shape.pool) ?? {}));
  let placed = 0;
  while (placed < cap && fills.some((fill) => placeOne(demand, fill, group.name, rule))) placed += 1;
  return placed;
}

/** Pools whose nodes a DaemonSet Pod selects and tolerates (one Pod per node there). */
export function daemonPools(group: PodGroup, shapes: readonly NodeShape[]): NodeShape[] {
  return shapes.filter((shape) => !selectionMismatch(group.pod.spec, shape));
}

/** A DaemonSet Pod on the nodes of each pool it selects: it must fit next to the other DaemonSets. */
export function placeDaemon(
  group: PodGroup,
  shapes: readonly NodeShape[],
  overheadWithout: (pool: string) => Amounts,
): { pools: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const pools = daemonPools(group, shapes);
  for (const shape of pools) {
    const short = shortOf(podDemand(group.pod.spec), shape, overheadWithout(shape.pool));
    if (short) {
      problems.push({
        pod: group.name,
        step: "Scheduler",
        message: `on node pool ${shape.pool}: ${short}`,
        fix: `lower the DaemonSet's requests, or use a larger machine type for ${shape.pool}`,
        source: SCHEDULER,
      });
    }
  }
  return { pools: pools.map((p) => p.pool), problems };
}
