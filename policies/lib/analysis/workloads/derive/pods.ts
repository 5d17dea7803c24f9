import type { PodObject, Problem, Props, Workload } from "../model";

/** A Pod from a Pod template (metadata and spec copied: admission mutates them). */
export function podFromTemplate(template: Props | undefined, namespace: string, name: string): PodObject {
  const metadata = template?.metadata ?? {};
  return {
    metadata: {
      name,
      namespace,
      labels: { ...(metadata.labels ?? {}) },
      annotations: { ...(metadata.annotations ?? {}) },
    },
    spec: plain(template?.spec ?? {}),
  };
}

/** A plain copy of a value that may be a CrossGuard proxy (structuredClone refuses proxies). */
export function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)])) as T;
  return value;
}

export const labelsOf = (props: Props): Record<string, string> => ({ ...(props.metadata?.labels ?? {}) });
export const namespaceOf = (props: Props): string =>
  typeof props.metadata?.namespace === "string" ? props.metadata.namespace : "default";
export const nameOf = (props: Props, fallback: string): string =>
  typeof props.metadata?.name === "string" ? props.metadata.name : fallback;

/** The Kueue queue a job names, and its WorkloadPriorityClass (kueue.x-k8s.io labels). */
export const QUEUE_NAME_LABEL = "kueue.x-k8s.io/queue-name";
export const QUEUE_PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";

/** A workload with nothing derived yet. */
export function workloadShell(
  base: Pick<Workload, "urn" | "kind" | "name" | "namespace" | "source" | "controller" | "gang"> & {
    labels?: Record<string, string>;
  },
): Workload {
  const queue = base.labels?.[QUEUE_NAME_LABEL];
  const priority = base.labels?.[QUEUE_PRIORITY_LABEL];
  return {
    urn: base.urn,
    kind: base.kind,
    name: base.name,
    namespace: base.namespace,
    source: base.source,
    controller: base.controller,
    gang: base.gang,
    groups: [],
    ...(queue ? { queue } : {}),
    ...(priority ? { queuePriorityClass: priority } : {}),
    notes: [],
    problems: [],
  };
}

/** A problem found while deriving the Pods (no controller installed, runtime missing). */
export function controllerProblem(message: string, fix: string, source: string): Problem {
  return { step: "Controller", message, fix, source };
}

/** A container by name, in a Pod spec's containers. */
export function containerNamed(spec: Props, name: string): Props | undefined {
  return (spec.containers ?? []).find((c: Props) => c.name === name);
}

/** A failure reading a value CrossGuard leaves unknown during preview (@pulumi/policy proxy.ts UnknownValueError). */
export function isUnknownValueError(error: unknown): error is Error {
  return (
    error instanceof Error && "unknownTypeSentinel" in error && Array.isArray((error as { props?: unknown }).props)
  );
}
