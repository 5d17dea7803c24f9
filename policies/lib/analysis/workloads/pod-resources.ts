import type { Props } from "./model";
import { type Amounts, addAmounts, amountsOf, formatAmount, maxAmounts } from "./quantity";

/** A container's requests or limits as amounts. */
export const containerAmounts = (container: Props, field: "requests" | "limits"): Amounts =>
  amountsOf(container?.resources?.[field]);

/** Whether an init container is a sidecar (a restartable init container: restartPolicy Always). */
export const isSidecar = (container: Props): boolean => container?.restartPolicy === "Always";

export const containersOf = (spec: Props): Props[] => (Array.isArray(spec?.containers) ? spec.containers : []);
export const initContainersOf = (spec: Props): Props[] =>
  Array.isArray(spec?.initContainers) ? spec.initContainers : [];

/** The resources a Pod's own `spec.resources` may set (component-helpers resource/helpers.go supportedPodLevelResources). */
export const POD_LEVEL_RESOURCES = ["cpu", "memory"] as const;

/**
 * A Pod's requests (or limits) as the scheduler, ResourceQuota and LimitRanger count them: the sum
 * of its containers and sidecars, or, if larger, what an init container needs while it runs next to
 * the sidecars started before it (a container that does not set a resource adds nothing); then the
 * Pod-level `spec.resources` in place of the aggregate for cpu and memory (the API server drops that
 * field where the PodLevelResources feature is off, see cluster-version.ts); then, unless asked not
 * to, the Pod overhead (added to every request, and to the limits the Pod sets). Sources: kubernetes
 * staging/src/k8s.io/component-helpers/resource/helpers.go (PodRequests, PodLimits,
 * AggregateContainerRequests; KEP-753 for restartable init containers); LimitRanger's copy,
 * plugin/pkg/admission/limitranger/admission.go podRequests and podLimits (no overhead).
 */
export function podAmounts(spec: Props, field: "requests" | "limits", withOverhead = true): Amounts {
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
  const podLevel = amountsOf(spec?.resources?.[field]);
  for (const resource of POD_LEVEL_RESOURCES)
    if (podLevel[resource] !== undefined) total[resource] = podLevel[resource];
  if (withOverhead) {
    for (const [resource, amount] of Object.entries(amountsOf(spec?.overhead))) {
      if (field === "requests" || total[resource] !== undefined) total[resource] = (total[resource] ?? 0) + amount;
    }
  }
  return total;
}

/**
 * The API server's defaulting of Pod-level requests when the Pod sets Pod-level limits: each of
 * cpu and memory the Pod-level requests leave out gets the containers' aggregate request, or, where
 * no container asks for it, the Pod-level limit. Source: kubernetes pkg/apis/core/v1/defaults.go
 * (SetDefaults_Pod, defaultPodRequests).
 */
export function defaultPodLevelRequests(spec: Props): void {
  const limits = spec?.resources?.limits;
  if (!limits || !Object.keys(limits).length) return;
  const requests: Props = { ...(spec.resources.requests ?? {}) };
  const summed = podAmounts({ ...spec, resources: undefined }, "requests", false);
  for (const resource of POD_LEVEL_RESOURCES) {
    if (requests[resource] !== undefined) continue;
    if (summed[resource] !== undefined) requests[resource] = formatAmount(resource, summed[resource]);
    else if (limits[resource] !== undefined) requests[resource] = limits[resource];
  }
  spec.resources = { ...spec.resources, requests };
}

/** Every container a Pod runs: init containers (sidecars included), then app containers. */
export const allContainers = (spec: Props): Props[] => [...initContainersOf(spec), ...containersOf(spec)];

/**
 * Whether a resource is an extended resource (v1helper.IsExtendedResourceName in kubernetes
 * pkg/apis/core/v1/helper/helpers.go): not native (a name without a domain, or one containing
 * "kubernetes.io/": IsNativeResource, IsPrefixedNativeResource) and not a quota name ("requests.").
 */
export function isExtendedResource(name: string): boolean {
  return name.includes("/") && !name.includes("kubernetes.io/") && !name.startsWith("requests.");
}
