import type { PodObject, Props } from "../model";
import { allContainers, isExtendedResource } from "../pod-resources";

/**
 * The ExtendedResourceToleration admission plugin, which GKE enables: a Pod requesting an extended
 * resource (nvidia.com/gpu) in a container or init container gets a toleration `<resource>:Exists:NoSchedule`
 * (resources in sorted order, helper.AddOrUpdateTolerationInPod), so GPU Pods tolerate
 * the GPU nodes' taint. Sources: kubernetes plugin/pkg/admission/extendedresourcetoleration/admission.go;
 * GKE "Run GPUs in GKE Standard node pools" (GKE applies the tolerations to Pods requesting GPUs).
 */
export function addExtendedResourceTolerations(pod: PodObject): string[] {
  const resources = new Set<string>();
  for (const container of allContainers(pod.spec)) {
    for (const name of Object.keys(container.resources?.requests ?? {}))
      if (isExtendedResource(name)) resources.add(name);
  }
  const added: string[] = [];
  for (const resource of [...resources].sort()) {
    pod.spec.tolerations ??= [];
    const tolerations: Props[] = pod.spec.tolerations;
    // helper.AddOrUpdateTolerationInPod: a toleration the Pod has already (MatchToleration: the same
    // key, effect, operator and value) is kept; any other, even one tolerating every effect, is not it.
    const present = tolerations.some(
      (t) => t.key === resource && t.operator === "Exists" && t.effect === "NoSchedule" && !t.value,
    );
    if (present) continue;
    tolerations.push({ key: resource, operator: "Exists", effect: "NoSchedule" });
    added.push(resource);
  }
  return added;
}
