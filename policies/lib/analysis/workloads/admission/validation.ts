import type { PodObject, Problem, Props } from "../model";
import { containersOf, initContainersOf, POD_LEVEL_RESOURCES, podAmounts } from "../pod-resources";
import { amountOf, amountsOf, formatAmount, parseQuantity } from "../quantity";
import type { LimitRangerDefault } from "./limit-range";

const SOURCE =
  "kubernetes pkg/apis/core/v1/validation/validation.go (ValidateResourceRequirements, validatePodResourceRequirements), run on the Pod after the mutating admission plugins and webhooks";

/**
 * Whether requests may be below limits: native resources (no domain, or a kubernetes.io domain) but
 * not huge pages. Extended resources (nvidia.com/gpu) and huge pages need requests equal to limits.
 * Source: kubernetes pkg/apis/core/helper/helpers.go (IsOvercommitAllowed, IsNativeResource).
 */
export function overcommitAllowed(resource: string): boolean {
  const native = !resource.includes("/") || resource.includes("kubernetes.io/");
  return native && !resource.startsWith("hugepages-");
}

/** Extended resources are counted in whole units (helper.IsIntegerResourceName). */
const isInteger = (resource: string): boolean => resource.includes("/") && !resource.includes("kubernetes.io/");

/**
 * Object validation of the Pod the mutating admission plugins leave (LimitRanger's defaults, GKE's
 * GCS FUSE and KServe's webhooks), before the validating plugins run: per container, each request
 * at most its limit; for resources that cannot be overcommitted (nvidia.com/gpu, huge pages) a
 * limit, a request equal to it and a whole number; Pod-level `spec.resources` (cpu and memory
 * only) at least the containers' aggregate requests and at most its own limits. The messages are
 * the API server's (`<field>: Invalid value: "2": must be less than or equal to cpu limit of 1`).
 * A value a LimitRange default put there is named as the cause.
 */
export function validatePodResources(
  pod: PodObject,
  groupName: string,
  defaults: readonly LimitRangerDefault[] = [],
): Problem[] {
  const problems: Problem[] = [];
  const push = (message: string, fix: string) =>
    problems.push({ pod: groupName, step: "Validation", message, fix, source: SOURCE });
  const visit = (containers: Props[], path: string) =>
    containers.forEach((container, i) => {
      const at = `spec.${path}[${i}].resources`;
      const requests: Props = container.resources?.requests ?? {};
      const limits: Props = container.resources?.limits ?? {};
      const given = (field: "request" | "limit", resource: string) =>
        defaults.find((d) => d.container === container.name && d.field === field && d.resource === resource);
      for (const [field, list] of [
        ["limits", limits],
        ["requests", requests],
      ] as const) {
        for (const [resource, value] of Object.entries(list)) {
          const parsed = parseQuantity(value);
          if (isInteger(resource) && parsed !== undefined && Math.abs(parsed - Math.round(parsed)) > 1e-9)
            push(
              `${at}.${field}[${resource}]: Invalid value: "${value}": must be an integer`,
              `ask for a whole number of ${resource} in container ${container.name}`,
            );
        }
      }
      for (const [resource, value] of Object.entries(requests)) {
        const request = amountOf(resource, value);
        if (request === undefined) continue;
        const shown = formatAmount(resource, request);
        if (limits[resource] === undefined) {
          if (!overcommitAllowed(resource))
            push(
              `${at}.limits: Required value: Limit must be set for non overcommitable resources (${resource} in container ${container.name})`,
              `put ${resource}: ${shown} under limits of container ${container.name} (a limit alone is enough: the API server copies it to the request)`,
            );
          continue;
        }
        const limit = amountOf(resource, limits[resource]);
        if (limit === undefined) continue;
        const cause = given("limit", resource);
        const why = cause
          ? ` (LimitRange ${cause.limitRange} gave container ${container.name} its default ${resource} limit of ${cause.value})`
          : "";
        if (!overcommitAllowed(resource) && request !== limit) {
          push(
            `${at}.requests: Invalid value: "${shown}": must be equal to ${resource} limit of ${formatAmount(resource, limit)}${why}`,
            `set the ${resource} request of container ${container.name} equal to its limit, or give only the limit`,
          );
        } else if (request > limit) {
          push(
            `${at}.requests: Invalid value: "${shown}": must be less than or equal to ${resource} limit of ${formatAmount(resource, limit)}${why}`,
            cause
              ? `set a ${resource} limit of at least ${shown} on container ${container.name}, or raise the ${resource} default of LimitRange ${cause.limitRange}`
              : `raise the ${resource} limit of container ${container.name} to at least ${shown}, or lower its request`,
          );
        }
      }
    });
  visit(initContainersOf(pod.spec), "initContainers");
  visit(containersOf(pod.spec), "containers");
  problems.push(...validatePodLevelResources(pod.spec, groupName));
  return problems;
}

/** The Pod's own `spec.resources` (validatePodResourceRequirements, validatePodResourceConsistency). */
function validatePodLevelResources(spec: Props, groupName: string): Problem[] {
  const resources = spec.resources;
  if (!resources) return [];
  const problems: Problem[] = [];
  const push = (message: string, fix: string) =>
    problems.push({ pod: groupName, step: "Validation", message, fix, source: SOURCE });
  for (const field of ["requests", "limits"] as const) {
    for (const resource of Object.keys(resources[field] ?? {})) {
      if (!(POD_LEVEL_RESOURCES as readonly string[]).includes(resource))
        push(
          `spec.resources.${field}[${resource}]: Unsupported value: "${resource}": supported values: "cpu", "memory"`,
          `set ${resource} on the containers, not on the Pod`,
        );
    }
  }
  const requests = amountsOf(resources.requests);
  const limits = amountsOf(resources.limits);
  const aggregate = podAmounts({ ...spec, resources: undefined }, "requests", false);
  for (const resource of POD_LEVEL_RESOURCES) {
    const request = requests[resource];
    if (request !== undefined && aggregate[resource] !== undefined && aggregate[resource] > request) {
      push(
        `spec.resources.requests[${resource}]: Invalid value: "${formatAmount(resource, request)}": must be greater than or equal to aggregate container requests of ${formatAmount(resource, aggregate[resource])}`,
        `raise the Pod's ${resource} request, or lower its containers'`,
      );
    }
    if (request !== undefined && limits[resource] !== undefined && request > limits[resource]) {
      push(
        // validateResourceRequirements reports it on the requests path, as for a container.
        `spec.resources.requests: Invalid value: "${formatAmount(resource, request)}": must be less than or equal to ${resource} limit of ${formatAmount(resource, limits[resource])}`,
        `raise the Pod's ${resource} limit to at least its request`,
      );
    }
  }
  return problems;
}
