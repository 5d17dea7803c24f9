import { addExtendedResourceTolerations } from "./admission/extended-resources";
import { admitKueue, type KueueOutcome } from "./admission/kueue";
import {
  applyLimitRangeDefaults,
  defaultRequestsToLimits,
  explainDefault,
  type LimitRangerDefault,
  storedLimits,
  validateLimitRanges,
} from "./admission/limit-range";
import { namespaceFacts, namespaceOf } from "./admission/namespaces";
import { admitObject, defaultStorageClass } from "./admission/object-quota";
import { admitPodSecurity, enforcedLevel, podSecurityLabelErrors, refusedNamespace } from "./admission/pod-security";
import { admitPriority, priorityClasses } from "./admission/priority";
import { admitQuota, type QuotaUsage } from "./admission/resource-quota";
import { admitRuntimeClass, runtimeClasses } from "./admission/runtime-class";
import { validatePodResources } from "./admission/validation";
import { indexCluster } from "./cluster";
import { clusterVersion } from "./cluster-version";
import { deriveWorkloads } from "./derive";
import { injectGcsFuseSidecar } from "./derive/gcsfuse";
import type {
  AnalysisResource,
  PodGroup,
  PodReport,
  PoolReport,
  Problem,
  Workload,
  WorkloadReport,
  WorkloadStatus,
  WorkloadsSection,
} from "./model";
import { defaultPodLevelRequests } from "./pod-resources";
import { type Amounts, addAmounts, formatAmount } from "./quantity";
import { usesMatchFields } from "./scheduling/matching";
import { type NodeShape, nodeShapes } from "./scheduling/node-shapes";
import {
  daemonPools,
  type GroupPlacement,
  type PoolOverhead,
  placeDaemon,
  placeWorkload,
  podDemand,
  podsThatFit,
} from "./scheduling/placement";
import { hostPorts } from "./scheduling/pod-spread";

export type { AnalysisResource, Problem, Workload, WorkloadReport, WorkloadsSection } from "./model";

/** Namespaces that exist in every cluster (kube-apiserver creates them). */
const SYSTEM_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);
const API_STEPS = new Set([
  "NamespaceLifecycle",
  "Priority",
  "RuntimeClass",
  "LimitRanger",
  "Validation",
  "PodSecurity",
  "ResourceQuota",
]);

interface GroupState {
  admitted: boolean;
  steps: string[];
  defaults: LimitRangerDefault[];
  daemonPools: string[];
  placement?: GroupPlacement;
}

interface State {
  workload: Workload;
  problems: Problem[];
  kueue?: KueueOutcome;
  groups: Map<PodGroup, GroupState>;
}

/**
 * Would every workload of the plan run? Derives the Pods controllers create at the pinned versions,
 * runs them through Kueue and the API server's admission (Priority, LimitRanger, GKE's
 * ExtendedResourceToleration, PodSecurity, ResourceQuota with GKE's critical-class rule), then
 * places them on the node pools at their maximum size. Linear in the plan: one pass to index, one
 * per workload.
 */
export function analyzeWorkloads(resources: readonly AnalysisResource[]): WorkloadsSection {
  const index = indexCluster(resources);
  const cluster = clusterVersion(index);
  const namespaces = namespaceFacts(index);
  const classes = priorityClasses(index);
  const runtimes = runtimeClasses(index);
  const { shapes, unreadable } = nodeShapes(index);
  const states: State[] = deriveWorkloads(index).map((workload) => ({
    workload,
    problems: [...workload.problems],
    groups: new Map(),
  }));
  // A Namespace whose Pod Security labels do not parse is refused on create (admission.go ValidateNamespace).
  const refusedNamespaces = new Map<string, ReturnType<typeof refusedNamespace>>();
  for (const namespace of namespaces.values()) {
    const errors = namespace.declared ? podSecurityLabelErrors(namespace.labels) : [];
    if (errors.length) refusedNamespaces.set(namespace.name, refusedNamespace(namespace.name, errors));
  }

  for (const state of states) {
    const { workload } = state;
    if (workload.unchecked) continue;
    const namespace = namespaceOf(namespaces, workload.namespace);
    const limits = namespace.limitRanges.flatMap((lr) => storedLimits(lr.name, lr.spec));
    // The API server drops Pod-level resources where the PodLevelResources feature is off (pkg/api/pod/util.go dropDisabledFields).
    for (const group of workload.groups) {
      if (group.pod.spec.resources !== undefined && !cluster.podLevelResources) {
        delete group.pod.spec.resources;
        workload.notes.push(
          `${group.name}: Pod-level spec.resources dropped: the PodLevelResources feature is off at Kubernetes 1.${cluster.minor}`,
        );
      }
    }
    state.kueue = admitKueue(workload, index, namespace.labels, limits, runtimes);
    state.problems.push(...state.kueue.problems);
    workload.notes.push(...state.kueue.notes);
    const refused = refusedNamespaces.get(namespace.name);
    for (const group of workload.groups) {
      injectGcsFuseSidecar(group);
      defaultRequestsToLimits(group.pod);
      if (cluster.podLevelResources) defaultPodLevelRequests(group.pod.spec);
      const g: GroupState = { admitted: true, steps: [], defaults: [], daemonPools: [] };
      state.groups.set(group, g);
      const fail = (problem: Problem | undefined) => {
        if (!problem) return;
        state.problems.push(problem);
        g.admitted = false;
      };
      if (refused) {
        fail({
          pod: group.name,
          step: "NamespaceLifecycle",
          message: `namespaces "${namespace.name}" not found: ${refused.message}`,
          fix: refused.fix,
          source: `kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go; ${refused.source}`,
        });
      } else if (!namespace.declared && !SYSTEM_NAMESPACES.has(namespace.name)) {
        fail({
          pod: group.name,
          step: "NamespaceLifecycle",
          message: `namespaces "${namespace.name}" not found`,
          fix: `declare namespace ${namespace.name} before its workloads`,
          source: "kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go",
        });
      }
      fail(admitPriority(group.pod, classes, group.name));
      g.steps.push("Priority");
      if (group.pod.spec.runtimeClassName || group.pod.spec.overhead) {
        fail(admitRuntimeClass(group.pod, runtimes, group.name));
        g.steps.push(`RuntimeClass${group.pod.spec.runtimeClassName ? ` ${group.pod.spec.runtimeClassName}` : ""}`);
      }
      g.defaults = applyLimitRangeDefaults(group.pod, limits);
      for (const d of g.defaults.filter((x) => x.derivedFrom === "max" && x.field === "request")) {
        const why = explainDefault(d);
        state.problems.push({
          pod: group.name,
          step: "LimitRanger defaults",
          message: `${why.message}, which it does not ask for and holds while it runs`,
          fix: why.fix,
          source: why.source,
        });
      }
      const tolerations = addExtendedResourceTolerations(group.pod);
      if (tolerations.length)
        group.injected.push(`toleration for ${tolerations.join(", ")} (ExtendedResourceToleration)`);
      // Object validation of the mutated Pod, before the validating admission plugins.
      for (const problem of validatePodResources(group.pod, group.name, g.defaults)) fail(problem);
      g.steps.push("Validation");
      for (const problem of validateLimitRanges(group.pod, limits, group.name)) fail(problem);
      if (limits.length) g.steps.push(`LimitRanger (${namespace.limitRanges.map((l) => l.name).join(", ")})`);
      fail(admitPodSecurity(group.pod, namespace.labels, group.name, cluster.minor));
      const { level, version } = enforcedLevel(namespace.labels);
      g.steps.push(`PodSecurity ${level}:${version}`);
    }
  }

  // ResourceQuota, in plan order: what earlier workloads use counts against later ones.
  const usage: QuotaUsage = new Map();
  for (const state of states) {
    const { workload } = state;
    if (workload.unchecked) continue;
    const namespace = namespaceOf(namespaces, workload.namespace);
    const blocked = state.problems.some((p) => p.step === "Kueue" || p.step === "Controller");
    const scratch: QuotaUsage = blocked ? new Map([...usage].map(([k, v]) => [k, { ...v }])) : usage;
    for (const group of workload.groups) {
      const g = state.groups.get(group)!;
      if (group.daemon) g.daemonPools = daemonPools(group, shapes).map((s) => s.pool);
      const count = group.daemon
        ? shapes.filter((s) => g.daemonPools.includes(s.pool)).reduce((n, s) => n + s.maxNodes, 0)
        : group.count;
      if (count === 0) continue;
      const quota = admitQuota(group.pod, count, namespace, scratch, group.name);
      for (const problem of quota.problems) state.problems.push(problem);
      if (quota.problems.length) g.admitted = false;
      if (quota.quotas.length) g.steps.push(`ResourceQuota (${quota.quotas.join(", ")})`);
    }
  }

  // Object counts (Services, PVCs, ConfigMaps... and the workload objects themselves), in plan order.
  const extra: State[] = [];
  const storageClass = defaultStorageClass(index);
  for (const [name, refused] of refusedNamespaces) {
    const urn = namespaceOf(namespaces, name).urn ?? name;
    extra.push({
      workload: {
        urn,
        kind: "Namespace",
        name,
        namespace: name,
        source: "declared",
        controller: "kube-apiserver",
        gang: false,
        groups: [],
        notes: [],
        problems: [],
      },
      problems: [{ step: "PodSecurity", ...refused }],
      groups: new Map(),
    });
  }
  for (const object of index.objects) {
    if (!object.kind || object.namespace === undefined) continue;
    const problems = admitObject(object, namespaceOf(namespaces, object.namespace), usage, storageClass);
    if (!problems.length) continue;
    const owner = states.find((st) => st.workload.urn === object.urn);
    if (owner) owner.problems.push(...problems);
    else
      extra.push({
        workload: {
          urn: object.urn,
          kind: object.kind,
          name: object.objectName ?? object.name,
          namespace: object.namespace,
          source: "declared",
          controller: "kube-apiserver",
          gang: false,
          groups: [],
          notes: [],
          problems: [],
        },
        problems,
        groups: new Map(),
      });
  }
  states.push(...extra);

  // The DaemonSets' requests on each pool's nodes, then where every other Pod lands.
  const overhead = new Map<string, Amounts>(shapes.map((s) => [s.pool, {}]));
  const daemonPorts = new Map<string, Set<string>>(shapes.map((s) => [s.pool, new Set()]));
  const daemons: Array<{ group: PodGroup; pools: string[] }> = [];
  for (const state of states) {
    for (const [group, g] of state.groups) {
      if (!group.daemon || !g.admitted) continue;
      daemons.push({ group, pools: g.daemonPools });
      for (const pool of g.daemonPools) {
        addAmounts(overhead.get(pool)!, withoutPods(podDemand(group.pod.spec)));
        for (const port of hostPorts(group.pod.spec)) daemonPorts.get(pool)!.add(port);
      }
    }
  }
  const poolOverhead: PoolOverhead = { amounts: overhead, hostPorts: daemonPorts };
  for (const state of states) {
    const { workload } = state;
    if (workload.unchecked) continue;
    if (unreadable.length) {
      workload.notes.push(
        `scheduling not checked: node pools have values unknown until apply (${unreadable.join("; ")})`,
      );
      continue;
    }
    if (!shapes.length) {
      workload.notes.push("scheduling not checked: the plan declares no node pools (the cluster comes from elsewhere)");
      continue;
    }
    if (state.problems.some((p) => p.step === "Kueue" || p.step === "Controller")) {
      workload.notes.push("not placed on nodes: no Pod is created until the problems above are fixed");
      continue;
    }
    const admittedGroups = workload.groups.filter((group) => state.groups.get(group)!.admitted);
    for (const group of admittedGroups.filter((gr) => gr.daemon)) {
      const others = (pool: string) =>
        daemons
          .filter((d) => d.group !== group && d.pools.includes(pool))
          .reduce((sum, d) => addAmounts(sum, withoutPods(podDemand(d.group.pod.spec))), {} as Amounts);
      const placed = placeDaemon(group, shapes, others);
      state.problems.push(...placed.problems);
      if (!placed.pools.length) workload.notes.push(`${group.name}: no node pool's nodes match it, so it runs no Pods`);
    }
    // placeWorkload skips DaemonSet groups (placed per node above).
    const { placements, problems } = placeWorkload(admittedGroups, shapes, poolOverhead, workload.gang);
    state.problems.push(...problems);
    for (const placement of placements) state.groups.get(placement.group)!.placement = placement;
    for (const group of admittedGroups) {
      if (usesMatchFields(group.pod.spec))
        workload.notes.push(
          `${group.name}: its required node affinity names nodes by field (matchFields), which the plan cannot know: taken as met`,
        );
      if (!group.maxCount || group.maxCount <= group.count) continue;
      const room = podsThatFit(group, shapes, poolOverhead, group.maxCount);
      if (room < group.maxCount)
        workload.notes.push(
          `${group.name}: the autoscaler may ask for ${group.maxCount} Pods, but the pools at their maximum size hold ${room}`,
        );
    }
  }

  for (const state of states) explainDefaults(state);
  const workloads = states.map((state) => report(state, shapes));
  const count = (status: WorkloadStatus) => workloads.filter((w) => w.status === status).length;
  return {
    cluster: { version: `1.${cluster.minor}`, source: cluster.source },
    summary: {
      workloads: workloads.length,
      runnable: count("runnable"),
      refused: count("refused"),
      notAdmitted: count("not-admitted"),
      unschedulable: count("unschedulable"),
      misallocated: count("misallocated"),
      unchecked: count("unchecked"),
    },
    pools: shapes.map((shape) => poolReport(shape, overhead.get(shape.pool) ?? {})),
    workloads,
  };
}

const withoutPods = (amounts: Amounts): Amounts => {
  const { pods: _pods, ...rest } = amounts;
  return rest;
};

/** A problem about a resource LimitRanger defaulted from a LimitRange's max names that cause and its fix. */
function explainDefaults(state: State): void {
  state.problems = state.problems.map((problem) => {
    if (problem.pod === undefined || !["ResourceQuota", "Scheduler", "Kueue"].includes(problem.step)) return problem;
    const group = state.workload.groups.find((g) => g.name === problem.pod);
    const derived = group
      ? state.groups.get(group)?.defaults.find((d) => d.derivedFrom === "max" && problem.message.includes(d.resource))
      : undefined;
    if (!derived) return problem;
    const why = explainDefault(derived);
    return {
      ...problem,
      message: `${problem.message}. Cause: ${why.message}`,
      fix: why.fix,
      source: `${problem.source}; ${why.source}`,
    };
  });
}

function statusOf(state: State): WorkloadStatus {
  if (state.workload.unchecked) return "unchecked";
  const steps = new Set(state.problems.map((p) => p.step));
  // Kueue holding the workload, or no controller, means no Pod is created at all: the API server's
  // verdicts on its Pods (also listed) come next.
  if (steps.has("Kueue") || steps.has("Controller")) return "not-admitted";
  if ([...steps].some((s) => API_STEPS.has(s))) return "refused";
  if (steps.has("Scheduler")) return "unschedulable";
  if (steps.has("LimitRanger defaults")) return "misallocated";
  return "runnable";
}

function report(state: State, shapes: readonly NodeShape[]): WorkloadReport {
  const { workload } = state;
  const pods: PodReport[] = workload.groups.map((group) => {
    const g = state.groups.get(group);
    const demand = withoutPods(podDemand(group.pod.spec));
    const placement = g?.placement;
    const landed = placement ? Object.entries(placement.nodes).find(([, nodes]) => nodes > 0) : undefined;
    return {
      name: group.name,
      count: group.daemon
        ? shapes.filter((s) => g?.daemonPools.includes(s.pool)).reduce((n, s) => n + s.maxNodes, 0)
        : group.count,
      containers: (group.pod.spec.containers ?? []).map((c: { name: string }) => c.name),
      initContainers: (group.pod.spec.initContainers ?? []).map((c: { name: string }) => c.name),
      injected: [...group.injected],
      requests: Object.fromEntries(Object.entries(demand).map(([r, v]) => [r, formatAmount(r, v)])),
      admitted: g?.admitted ?? false,
      admission: g?.steps ?? [],
      pools: group.daemon ? (g?.daemonPools ?? []) : (placement?.pools ?? []),
      ...(landed ? { placement: { pool: landed[0], nodes: landed[1] } } : {}),
    };
  });
  return {
    urn: workload.urn,
    kind: workload.kind,
    name: workload.name,
    namespace: workload.namespace,
    source: workload.source,
    controller: workload.controller,
    gang: workload.gang,
    status: statusOf(state),
    ...(workload.queue
      ? {
          queue: {
            localQueue: workload.queue,
            ...(state.kueue?.clusterQueue ? { clusterQueue: state.kueue.clusterQueue } : {}),
            flavors: state.kueue?.flavors ?? {},
          },
        }
      : {}),
    pods,
    problems: state.problems,
    notes: workload.unchecked ? [workload.unchecked, ...workload.notes] : workload.notes,
  };
}

function poolReport(shape: NodeShape, daemonSets: Amounts): PoolReport {
  const format = (amounts: Amounts) =>
    Object.fromEntries(Object.entries(amounts).map(([r, v]) => [r, formatAmount(r, v)]));
  return {
    name: shape.pool,
    machineType: shape.machineType,
    maxNodes: shape.maxNodes,
    allocatable: format(shape.allocatable),
    daemonSets: format(daemonSets),
    taints: shape.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
    capacity: shape.capacity,
  };
}
