import { BUILTIN_PRIORITY_CLASSES } from "../../../../../components/catalog/controller-defaults";
import { type ClusterIndex, objectsOf } from "../cluster";
import type { PodObject, Problem } from "../model";

const SOURCE = "kubernetes plugin/pkg/admission/priority/admission.go";

/** PriorityClasses by name: the built-in ones and those the plan declares; and the global default, if any. */
export function priorityClasses(index: ClusterIndex): { byName: Map<string, number>; globalDefault?: string } {
  const byName = new Map(Object.entries(BUILTIN_PRIORITY_CLASSES));
  let globalDefault: string | undefined;
  for (const pc of objectsOf(index, "PriorityClass")) {
    const value = Number(pc.props.value ?? 0);
    byName.set(pc.objectName!, value);
    // getDefaultPriorityClass: of several global defaults, the one with the lowest value.
    if (pc.props.globalDefault === true && (globalDefault === undefined || value < byName.get(globalDefault)!))
      globalDefault = pc.objectName;
  }
  return { byName, globalDefault };
}

/**
 * The Priority admission plugin: a Pod naming a PriorityClass that does not exist is refused; a Pod
 * naming none gets the global default, if one exists.
 */
export function admitPriority(
  pod: PodObject,
  classes: ReturnType<typeof priorityClasses>,
  groupName: string,
): Problem | undefined {
  const name = pod.spec.priorityClassName;
  if (name === undefined || name === "") {
    if (classes.globalDefault) pod.spec.priorityClassName = classes.globalDefault;
    return undefined;
  }
  if (classes.byName.has(name)) return undefined;
  return {
    pod: groupName,
    step: "Priority",
    message: `no PriorityClass with name ${name} was found`,
    fix: `declare PriorityClass ${name} (scheduling.k8s.io/v1), or use one of ${[...classes.byName.keys()].join(", ")}`,
    source: SOURCE,
  };
}
