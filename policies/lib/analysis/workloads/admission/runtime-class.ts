import { GKE_SANDBOX } from "../../../../../components/catalog/gke-nodes";
import { type ClusterIndex, objectsOf } from "../cluster";
import type { PodObject, Problem, Props } from "../model";
import { parseQuantity } from "../quantity";

const SOURCE =
  "kubernetes plugin/pkg/admission/runtimeclass/admission.go (prepareObjects, setOverhead, setScheduling, validateOverhead)";

/** A RuntimeClass as admission reads it: its Pod overhead and scheduling. */
export interface RuntimeClassFacts {
  readonly overhead?: Record<string, string>;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Props[];
  readonly source: string;
}

/**
 * The cluster's RuntimeClasses: those the plan declares (node.k8s.io/v1), and GKE Sandbox's
 * `gvisor` where a node pool (or the cluster's default pool) runs gVisor
 * (components/catalog/gke-nodes.ts GKE_SANDBOX).
 */
export function runtimeClasses(index: ClusterIndex): Map<string, RuntimeClassFacts> {
  const classes = new Map<string, RuntimeClassFacts>();
  const sandboxed = [...index.nodePools, ...index.clusters].some((p) => {
    const sandbox = p.props.nodeConfig?.sandboxConfig;
    return String(sandbox?.sandboxType ?? sandbox?.type ?? "").toLowerCase() === "gvisor";
  });
  if (sandboxed) {
    const { label, taint } = GKE_SANDBOX;
    classes.set(GKE_SANDBOX.runtimeClass, {
      nodeSelector: { [label.key]: label.value },
      tolerations: [{ key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect }],
      source: "GKE Sandbox (a node pool with sandboxConfig gvisor)",
    });
  }
  for (const rc of objectsOf(index, "RuntimeClass")) {
    classes.set(rc.objectName!, {
      ...(rc.props.overhead?.podFixed ? { overhead: { ...rc.props.overhead.podFixed } } : {}),
      nodeSelector: { ...(rc.props.scheduling?.nodeSelector ?? {}) },
      tolerations: [...(rc.props.scheduling?.tolerations ?? [])],
      source: "declared",
    });
  }
  return classes;
}

/** apiequality.Semantic.DeepEqual on two ResourceLists: the same resources, each quantity equal (Quantity.Cmp: 1000m is 1). */
const sameList = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const keys = Object.keys(a).sort();
  const value = (list: Record<string, unknown>, key: string) => parseQuantity(list[key]) ?? list[key];
  return (
    JSON.stringify(keys) === JSON.stringify(Object.keys(b).sort()) && keys.every((k) => value(a, k) === value(b, k))
  );
};

/**
 * The RuntimeClass admission plugin on one Pod: a class that does not exist refuses the Pod; the
 * class's overhead becomes the Pod's (a Pod that sets another overhead, or sets one without a class
 * that defines it, is refused); its scheduling node selector and tolerations join the Pod's (a
 * conflicting node selector refuses it). Mutates the Pod.
 */
export function admitRuntimeClass(
  pod: PodObject,
  classes: ReadonlyMap<string, RuntimeClassFacts>,
  groupName: string,
): Problem | undefined {
  const name = pod.spec.runtimeClassName;
  const refuse = (message: string, fix: string): Problem => ({
    pod: groupName,
    step: "RuntimeClass",
    message,
    fix,
    source: SOURCE,
  });
  const podOverhead: Record<string, string> | undefined =
    pod.spec.overhead && Object.keys(pod.spec.overhead).length ? pod.spec.overhead : undefined;
  if (name === undefined || name === null || name === "") {
    return podOverhead
      ? refuse(
          "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
          "remove spec.overhead: the RuntimeClass sets it",
        )
      : undefined;
  }
  const rc = classes.get(String(name));
  if (!rc) {
    const known = [...classes.keys()];
    return refuse(
      `pod rejected: RuntimeClass "${name}" not found`,
      known.length
        ? `use one of ${known.join(", ")}, or declare RuntimeClass ${name}`
        : `declare RuntimeClass ${name} (for gvisor: add a node pool with GKE Sandbox, sandboxConfig.sandboxType gvisor), or remove runtimeClassName`,
    );
  }
  if (rc.overhead) {
    if (podOverhead && !sameList(podOverhead, rc.overhead))
      return refuse(
        "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead",
        "remove spec.overhead: the RuntimeClass sets it",
      );
    pod.spec.overhead = { ...rc.overhead };
  } else if (podOverhead) {
    return refuse(
      "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
      "remove spec.overhead",
    );
  }
  const selector: Record<string, string> = { ...(pod.spec.nodeSelector ?? {}) };
  for (const [key, value] of Object.entries(rc.nodeSelector)) {
    if (key in selector && selector[key] !== value)
      return refuse(
        `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${selector[key]}`,
        `remove ${key} from the Pod's node selector`,
      );
    selector[key] = value;
  }
  if (Object.keys(selector).length) pod.spec.nodeSelector = selector;
  const tolerations: Props[] = [...(pod.spec.tolerations ?? [])];
  for (const t of rc.tolerations)
    if (!tolerations.some((x) => JSON.stringify(x) === JSON.stringify(t))) tolerations.push({ ...t });
  if (tolerations.length) pod.spec.tolerations = tolerations;
  return undefined;
}
