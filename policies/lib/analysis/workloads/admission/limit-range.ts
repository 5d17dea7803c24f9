import type { PodObject, Problem, Props } from "../model";
import { allContainers, containerAmounts, podAmounts } from "../pod-resources";
import { type Amounts, amountOf, formatAmount, parseQuantity } from "../quantity";

const LIMITRANGER = "kubernetes plugin/pkg/admission/limitranger/admission.go";
const DEFAULTS = "kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_LimitRangeItem)";

/** A LimitRange item as the API server stores it, and which of its defaults it made up. */
export interface StoredLimit {
  readonly limitRange: string;
  readonly type: string;
  readonly min: Record<string, string>;
  readonly max: Record<string, string>;
  readonly default: Record<string, string>;
  readonly defaultRequest: Record<string, string>;
  readonly maxLimitRequestRatio: Record<string, string>;
  /** resource → where the API server took its default from ("max", "min", "default"). */
  readonly derived: Record<string, string>;
}

/**
 * The LimitRange's Container items after API defaulting: a max without a default becomes the
 * default limit; a default limit without a default request becomes the default request; a min
 * without a default request becomes the default request. Source: SetDefaults_LimitRangeItem.
 */
export function storedLimits(name: string, spec: Props): StoredLimit[] {
  return ((spec?.limits ?? []) as Props[]).map((item) => {
    const stored: StoredLimit = {
      limitRange: name,
      type: String(item.type ?? ""),
      min: { ...(item.min ?? {}) },
      max: { ...(item.max ?? {}) },
      default: { ...(item.default ?? {}) },
      defaultRequest: { ...(item.defaultRequest ?? {}) },
      maxLimitRequestRatio: { ...(item.maxLimitRequestRatio ?? {}) },
      derived: {},
    };
    if (stored.type !== "Container") return stored;
    for (const [key, value] of Object.entries(stored.max)) {
      if (!(key in stored.default)) {
        stored.default[key] = value;
        stored.derived[`limit:${key}`] = "max";
      }
    }
    for (const [key, value] of Object.entries(stored.default)) {
      if (!(key in stored.defaultRequest)) {
        stored.defaultRequest[key] = value;
        stored.derived[`request:${key}`] = stored.derived[`limit:${key}`] ?? "default";
      }
    }
    for (const [key, value] of Object.entries(stored.min)) {
      if (!(key in stored.defaultRequest)) {
        stored.defaultRequest[key] = value;
        stored.derived[`request:${key}`] = "min";
      }
    }
    return stored;
  });
}

/** A value LimitRanger set on a container, and where it came from. */
export interface LimitRangerDefault {
  readonly container: string;
  readonly field: "request" | "limit";
  readonly resource: string;
  readonly value: string;
  readonly limitRange: string;
  /** Set when the value is one the API server derived from the LimitRange's max or min. */
  readonly derivedFrom?: string;
}

/**
 * LimitRanger's mutating step: each container and init container gets the default limits and
 * requests it does not set, from each LimitRange in turn (mergePodResourceRequirements).
 */
export function applyLimitRangeDefaults(pod: PodObject, limits: readonly StoredLimit[]): LimitRangerDefault[] {
  const applied: LimitRangerDefault[] = [];
  for (const item of limits) {
    if (item.type !== "Container") continue;
    for (const container of allContainers(pod.spec)) {
      container.resources ??= {};
      for (const [field, defaults] of [
        ["limit", item.default],
        ["request", item.defaultRequest],
      ] as const) {
        const key = field === "limit" ? "limits" : "requests";
        container.resources[key] ??= {};
        for (const [resource, value] of Object.entries(defaults)) {
          if (resource in container.resources[key]) continue;
          container.resources[key][resource] = value;
          applied.push({
            container: container.name,
            field,
            resource,
            value,
            limitRange: item.limitRange,
            derivedFrom:
              item.derived[`${field}:${resource}`] === "default" ? undefined : item.derived[`${field}:${resource}`],
          });
        }
      }
    }
  }
  return applied;
}

/**
 * LimitRanger's validating step: min, max and maxLimitRequestRatio for containers and init
 * containers, and for the Pod as a whole (PodValidateLimitFunc: podRequests and podLimits, the
 * KEP-753 aggregate with sidecars and Pod-level resources, without overhead).
 */
export function validateLimitRanges(pod: PodObject, limits: readonly StoredLimit[], groupName: string): Problem[] {
  const errors: Array<{ message: string; fix: string; limitRange: string }> = [];
  for (const item of limits) {
    if (item.type === "Container") {
      for (const container of allContainers(pod.spec)) {
        const requests = containerAmounts(container, "requests");
        const limitsOf = containerAmounts(container, "limits");
        check(item, "Container", requests, limitsOf, `container ${container.name}`, errors);
      }
    } else if (item.type === "Pod") {
      check(
        item,
        "Pod",
        podAmounts(pod.spec, "requests", false),
        podAmounts(pod.spec, "limits", false),
        "the Pod's containers",
        errors,
      );
    }
  }
  return errors.map((e) => ({
    pod: groupName,
    step: "LimitRanger",
    message: e.message,
    fix: e.fix,
    source: `${LIMITRANGER}; LimitRange ${e.limitRange}`,
  }));
}

function check(
  item: StoredLimit,
  type: string,
  requests: Amounts,
  limits: Amounts,
  what: string,
  errors: Array<{ message: string; fix: string; limitRange: string }>,
): void {
  const push = (message: string, fix: string) =>
    errors.push({ message: `${message} (${what})`, fix, limitRange: item.limitRange });
  for (const [resource, value] of Object.entries(item.min)) {
    const min = amountOf(resource, value) ?? 0;
    if (requests[resource] === undefined)
      push(
        `minimum ${resource} usage per ${type} is ${value}.  No request is specified`,
        `request at least ${value} of ${resource} in ${what}, or give LimitRange ${item.limitRange} a defaultRequest for it`,
      );
    else if (requests[resource] < min)
      push(
        `minimum ${resource} usage per ${type} is ${value}, but request is ${formatAmount(resource, requests[resource])}`,
        `request at least ${value} of ${resource} in ${what}, or lower the LimitRange's min`,
      );
    else if (limits[resource] !== undefined && limits[resource] < min)
      push(
        `minimum ${resource} usage per ${type} is ${value}, but limit is ${formatAmount(resource, limits[resource])}`,
        `set the ${resource} limit to at least ${value} in ${what}`,
      );
  }
  for (const [resource, value] of Object.entries(item.max)) {
    const max = amountOf(resource, value) ?? 0;
    if (limits[resource] === undefined)
      push(
        `maximum ${resource} usage per ${type} is ${value}.  No limit is specified`,
        `set a ${resource} limit in every container, or remove the max from LimitRange ${item.limitRange}`,
      );
    else if (limits[resource] > max)
      push(
        `maximum ${resource} usage per ${type} is ${value}, but limit is ${formatAmount(resource, limits[resource])}`,
        `lower the ${resource} limit to at most ${value} in ${what}, or raise the max of LimitRange ${item.limitRange}`,
      );
    else if (requests[resource] !== undefined && requests[resource] > max)
      push(
        `maximum ${resource} usage per ${type} is ${value}, but request is ${formatAmount(resource, requests[resource])}`,
        `lower the ${resource} request to at most ${value} in ${what}`,
      );
  }
  for (const [resource, value] of Object.entries(item.maxLimitRequestRatio)) {
    const ratio = parseQuantity(value) ?? 0;
    const request = requests[resource];
    const limit = limits[resource];
    if (!request)
      push(
        `${resource} max limit to request ratio per ${type} is ${value}, but no request is specified or request is 0`,
        `request ${resource} in ${what}`,
      );
    else if (!limit)
      push(
        `${resource} max limit to request ratio per ${type} is ${value}, but no limit is specified or limit is 0`,
        `set a ${resource} limit in ${what}`,
      );
    else if (limit / request > ratio + 1e-9)
      push(
        `${resource} max limit to request ratio per ${type} is ${value}, but provided ratio is ${(limit / request).toFixed(6)}`,
        `bring the ${resource} limit within ${value}× the request in ${what}`,
      );
  }
}

/**
 * Why a container got a value it does not set, for messages: a LimitRange max without a default
 * gives every container that max as its limit and request.
 */
export function explainDefault(d: LimitRangerDefault): { message: string; fix: string; source: string } {
  if (d.derivedFrom === "max") {
    return {
      message: `LimitRange ${d.limitRange} sets max ${d.resource} ${d.value} without a default, so the API server stores the max as the default limit and request, and LimitRanger gives container ${d.container} ${d.resource} ${d.value}`,
      fix: `remove the ${d.resource} max from LimitRange ${d.limitRange} (a ResourceQuota bounds the namespace), or give it an explicit default`,
      source: `${DEFAULTS}; ${LIMITRANGER}`,
    };
  }
  return {
    message: `LimitRange ${d.limitRange} gives container ${d.container} a ${d.field} of ${d.resource} ${d.value}${d.derivedFrom ? ` (from its ${d.derivedFrom})` : ""}`,
    fix: `set the container's ${d.resource} ${d.field}, or change the LimitRange's default`,
    source: LIMITRANGER,
  };
}

/**
 * The API server's defaulting of a Pod, before admission: a container (or init container) with a
 * limit but no request for a resource gets the limit as its request. Webhook patches are defaulted
 * the same way. Source: kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Pod).
 */
export function defaultRequestsToLimits(pod: PodObject): void {
  for (const container of allContainers(pod.spec)) {
    const limits = container.resources?.limits;
    if (!limits) continue;
    container.resources.requests = { ...limits, ...(container.resources.requests ?? {}) };
  }
}
