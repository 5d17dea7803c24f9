import { GKE_LIMITED_PRIORITY_CLASSES } from "../../../../../components/catalog/controller-defaults";
import type { PodObject, Problem, Props } from "../model";
import { allContainers, containerAmounts, podAmounts } from "../pod-resources";
import { type Amounts, amountOf, describeAmounts } from "../quantity";
import type { NamespaceFacts } from "./namespaces";

const CONTROLLER = "kubernetes plugin/pkg/admission/resourcequota/controller.go";
const EVALUATOR = "kubernetes pkg/quota/v1/evaluator/core/pods.go";
const GKE_RULE =
  'Kubernetes docs "Resource Quotas: Limit Priority Class consumption by default"; GKE\'s API server limits system-node-critical and system-cluster-critical (components/catalog/controller-defaults.ts)';

/** A quota's usage so far, by `namespace/quota`: the workloads admitted before use it up. */
export type QuotaUsage = Map<string, Amounts>;

// pods.go: the resources whose quota makes every container state them (validationSet).
const MUST_SPECIFY = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/** What one Pod counts against a quota (podComputeUsageHelper). */
export function podQuotaUsage(spec: Props): Amounts {
  const usage: Amounts = { pods: 1, "count/pods": 1 };
  const requests = podAmounts(spec, "requests");
  const limits = podAmounts(spec, "limits");
  for (const resource of ["cpu", "memory", "ephemeral-storage"]) {
    if (requests[resource] !== undefined) usage[resource] = usage[`requests.${resource}`] = requests[resource];
    if (limits[resource] !== undefined) usage[`limits.${resource}`] = limits[resource];
  }
  // Huge pages count under both names, extended resources only as requests.<name> (requestedResourcePrefixes, isExtendedResourceNameForQuota).
  for (const [resource, amount] of Object.entries(requests)) {
    if (resource.startsWith("hugepages-")) usage[resource] = usage[`requests.${resource}`] = amount;
    else if (resource.includes("/") && !resource.includes("kubernetes.io/")) usage[`requests.${resource}`] = amount;
  }
  return usage;
}

/** The resources a container states, as quota names (podComputeUsageHelper over the container alone). */
function containerQuotaNames(container: Props): Set<string> {
  const names = new Set<string>();
  const requests = containerAmounts(container, "requests");
  const limits = containerAmounts(container, "limits");
  for (const resource of ["cpu", "memory"]) {
    if (requests[resource] !== undefined) names.add(resource).add(`requests.${resource}`);
    if (limits[resource] !== undefined) names.add(`limits.${resource}`);
  }
  return names;
}

/** A quota's scopes as selector requirements: `scopes` as Exists, then the scope selector's expressions (controller.go getScopeSelectorsFromQuota). */
const scopeSelectors = (spec: Props): Props[] => [
  ...((spec.scopes ?? []) as string[]).map((scopeName) => ({ scopeName, operator: "Exists" })),
  ...((spec.scopeSelector?.matchExpressions ?? []) as Props[]),
];

/** Whether a quota's scopes and scope selector select the Pod (podMatchesScopeFunc). */
export function quotaSelects(spec: Props, pod: PodObject): boolean {
  return scopeSelectors(spec).every((r) => scopeMatches(r, pod));
}

function scopeMatches(requirement: Props, pod: PodObject): boolean {
  const spec = pod.spec;
  switch (requirement.scopeName) {
    case "Terminating":
      return spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds >= 0;
    case "NotTerminating":
      return !(spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds >= 0);
    case "BestEffort":
      return isBestEffort(spec);
    case "NotBestEffort":
      return !isBestEffort(spec);
    case "PriorityClass": {
      const name = spec.priorityClassName;
      const values: string[] = requirement.values ?? [];
      switch (requirement.operator) {
        case "In":
          return name !== undefined && values.includes(name);
        case "NotIn":
          return name === undefined || !values.includes(name);
        case "Exists":
          return !!name;
        case "DoesNotExist":
          return !name;
        default:
          return false;
      }
    }
    case "CrossNamespacePodAffinity":
      return hasCrossNamespaceAffinity(spec);
    default:
      return false;
  }
}

/** QoS BestEffort: no container requests or limits cpu or memory (pkg/apis/core/helper/qos). */
function isBestEffort(spec: Props): boolean {
  return allContainers(spec).every((c) =>
    ["requests", "limits"].every((f) => c.resources?.[f]?.cpu === undefined && c.resources?.[f]?.memory === undefined),
  );
}

function hasCrossNamespaceAffinity(spec: Props): boolean {
  const terms = [spec.affinity?.podAffinity, spec.affinity?.podAntiAffinity].flatMap((a) => [
    ...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Props) => w.podAffinityTerm),
  ]);
  return terms.some((t: Props) => t.namespaceSelector || (t.namespaces ?? []).length);
}

/**
 * The ResourceQuota admission step for `count` Pods of one template in a namespace: GKE's rule for
 * the critical priority classes, the quotas' "must specify" constraints, and their hard limits given
 * what earlier workloads use. Returns the problems and how many of the Pods fit.
 */
export function admitQuota(
  pod: PodObject,
  count: number,
  namespace: NamespaceFacts,
  usage: QuotaUsage,
  groupName: string,
): { problems: Problem[]; admitted: number; quotas: string[] } {
  const problems: Problem[] = [];
  const priority = pod.spec.priorityClassName;
  const matching = namespace.quotas.filter((q) => quotaSelects(q.spec, pod));
  if (
    priority &&
    (GKE_LIMITED_PRIORITY_CLASSES as readonly string[]).includes(priority) &&
    namespace.name !== "kube-system"
  ) {
    // CheckRequest: a limited scope is covered when some quota of the namespace has a scope selector
    // of the same scope name that matches the Pod (pods.go MatchingScopes, UncoveredQuotaScopes).
    const covered = namespace.quotas.some((q) =>
      scopeSelectors(q.spec).some((r) => r.scopeName === "PriorityClass" && scopeMatches(r, pod)),
    );
    if (!covered) {
      problems.push({
        pod: groupName,
        step: "ResourceQuota",
        message: `insufficient quota to match these scopes: [{PriorityClass In [${GKE_LIMITED_PRIORITY_CLASSES.join(" ")}]}] (priorityClassName ${priority} in namespace ${namespace.name})`,
        fix: `add a ResourceQuota to namespace ${namespace.name} scoped to the PriorityClass (scopes: [PriorityClass], or a scopeSelector PriorityClass In [${GKE_LIMITED_PRIORITY_CLASSES.join(", ")}]) with room for these Pods (hard pods), or give the Pods another priority class`,
        source: `${CONTROLLER} (UncoveredQuotaScopes); ${GKE_RULE}`,
      });
      return { problems, admitted: 0, quotas: [] };
    }
  }
  const perPod = podQuotaUsage(pod.spec);
  let admitted = count;
  for (const quota of matching) {
    const hard: Amounts = {};
    for (const [name, value] of Object.entries(quota.spec.hard ?? {})) {
      const amount = amountOf(name, value);
      if (amount !== undefined) hard[name] = amount;
    }
    const required = Object.keys(hard).filter((n) => MUST_SPECIFY.includes(n));
    const missing = new Set<string>();
    for (const container of allContainers(pod.spec)) {
      const stated = containerQuotaNames(container);
      for (const name of required) if (!stated.has(name)) missing.add(name);
    }
    if (missing.size) {
      problems.push({
        pod: groupName,
        step: "ResourceQuota",
        message: `failed quota: ${quota.name}: must specify ${[...missing].sort().join(",")}`,
        fix: `set ${[...missing].sort().join(", ")} on every container (or give namespace ${namespace.name} a LimitRange with defaults for them)`,
        source: `${EVALUATOR} (Constraints, enforcePodContainerConstraints)`,
      });
      admitted = 0;
      continue;
    }
    const key = `${namespace.name}/${quota.name}`;
    const used = usage.get(key) ?? {};
    // A resource the Pod does not use (undefined) or asks none of cannot push the quota over.
    const limiting = Object.keys(hard).filter((name) => perPod[name] > 0);
    let fits = count;
    for (const name of limiting)
      fits = Math.min(fits, Math.max(0, Math.floor((hard[name] - (used[name] ?? 0)) / perPod[name])));
    if (fits < count) {
      const over = limiting.filter((name) => (used[name] ?? 0) + perPod[name] * count > hard[name]);
      const requested = Object.fromEntries(over.map((n) => [n, perPod[n] * count]));
      problems.push({
        pod: groupName,
        step: "ResourceQuota",
        message: `exceeded quota: ${quota.name}, requested: ${describeAmounts(requested)}, used: ${describeAmounts(Object.fromEntries(over.map((n) => [n, used[n] ?? 0])))}, limited: ${describeAmounts(hard, over)}${count > 1 ? ` (${fits} of ${count} Pods fit)` : ""}`,
        fix: `raise ${over.join(", ")} of ResourceQuota ${quota.name} in ${namespace.name}, or ask for less (${describeAmounts(perPod, over)} per Pod)`,
        source: `${CONTROLLER} (CheckRequest); ${EVALUATOR} (Usage)`,
      });
    }
    admitted = Math.min(admitted, fits);
  }
  for (const quota of matching) {
    const key = `${namespace.name}/${quota.name}`;
    const used = usage.get(key) ?? {};
    for (const [name, amount] of Object.entries(perPod)) used[name] = (used[name] ?? 0) + amount * admitted;
    usage.set(key, used);
  }
  return { problems, admitted, quotas: matching.map((q) => q.name) };
}
