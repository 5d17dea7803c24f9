import type { Props } from "./model";
import { type Amounts, addAmounts, amountsOf, maxAmounts } from "./quantity";

/** A container's requests or limits as amounts. */
export const containerAmounts = (container: Props, field: "requests" | "limits"): Amounts => amountsOf(container?.resources?.[field]);

/** Whether an init container is a sidecar (a restartable init container: restartPolicy Always). */
export const isSidecar = (container: Props): boolean => container?.restartPolicy === "Always";

export const containersOf = (spec: Props): Props[] => (Array.isArray(spec?.containers) ? spec.containers : []);
export const initContainersOf = (spec: Props): Props[] => (Array.isArray(spec?.initContainers) ? spec.initContainers : []);

/**
 * A Pod's requests (or limits) as the scheduler and ResourceQuota count them: the sum of its
 * containers and sidecars, or, if larger, what an init container needs while it runs next to the
 * sidecars started before it; plus the Pod overhead. Source: kubernetes
 * staging/src/k8s.io/component-helpers/resource/helpers.go (PodRequests, AggregateContainerRequests;
 * KEP-753 "Exposing Pod Resource Requirements" for restartable init containers).
 */
export function podAmounts(spec: Props, field: "requests" | "limits"): Amounts {
  const total: Amounts = {};
  for (const container of containersOf(spec)) addAmounts(total, containerAmounts(container, field));
  const sidecars: Amounts = {};
  const initPeak: Amounts = {};
  for (const container of initContainersOf(spec)) {
    const own = containerAmounts(container, field);
    if (isSidecar(container)) {
      addAmounts(total, own);
      addAmounts(sidecars, own);
      maxAmounts(initPeak, sidecars);
    } else {
      maxAmounts(initPeak, addAmounts({ ...own }, sidecars));
    }
  }
  maxAmounts(total, initPeak);
  if (field === "requests") addAmounts(total, amountsOf(spec?.overhead));
  return total;
}

/**
 * A Pod's requests and limits as LimitRanger's Pod-type limits sum them: a resource counts only if
 * every app container sets it; an init container's value counts if it is larger. Source: kubernetes
 * plugin/pkg/admission/limitranger/admission.go (PodValidateLimitFunc, `sum`).
 */
export function limitRangerPodAmounts(spec: Props, field: "requests" | "limits"): Amounts {
  const lists = containersOf(spec).map((c) => containerAmounts(c, field));
  const total: Amounts = {};
  const keys = new Set(lists.flatMap((l) => Object.keys(l)));
  for (const key of keys) {
    if (lists.every((l) => l[key] !== undefined)) total[key] = lists.reduce((sum, l) => sum + l[key], 0);
  }
  for (const container of initContainersOf(spec)) maxAmounts(total, containerAmounts(container, field));
  return total;
}

/** Every container a Pod runs: init containers (sidecars included), then app containers. */
export const allContainers = (spec: Props): Props[] => [...initContainersOf(spec), ...containersOf(spec)];

/** The extended resources (not cpu, memory, ephemeral-storage, hugepages) a container asks for. */
export function isExtendedResource(name: string): boolean {
  return !["cpu", "memory", "ephemeral-storage", "storage"].includes(name) && !name.startsWith("hugepages-") && !name.startsWith("kubernetes.io/") && name.includes("/");
}
