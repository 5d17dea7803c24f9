import { type ClusterIndex, objectsOf } from "../cluster";
import { kustomizedNamespaces } from "../derive";
import type { Props } from "../model";

/**
 * What admission knows about each namespace: its labels (with `kubernetes.io/metadata.name`, which
 * the API server sets on every namespace: pkg/apis/core/v1/defaults.go SetDefaults_Namespace), its
 * LimitRanges (as the API server stores them: defaulted, see limit-range.ts) and its ResourceQuotas.
 */
export interface NamespaceFacts {
  readonly name: string;
  /** Whether the plan (or a kustomization) creates it; undeclared namespaces are assumed to exist unlabelled. */
  readonly declared: boolean;
  readonly labels: Record<string, string>;
  readonly limitRanges: Array<{ name: string; spec: Props }>;
  readonly quotas: Array<{ name: string; spec: Props }>;
  /** The URN of the Namespace the plan declares, when it does. */
  readonly urn?: string;
}

export function namespaceFacts(index: ClusterIndex): Map<string, NamespaceFacts> {
  const namespaces = new Map<string, NamespaceFacts>();
  const get = (name: string): NamespaceFacts => {
    if (!namespaces.has(name))
      namespaces.set(name, {
        name,
        declared: false,
        labels: { "kubernetes.io/metadata.name": name },
        limitRanges: [],
        quotas: [],
      });
    return namespaces.get(name)!;
  };
  for (const ns of objectsOf(index, "Namespace")) {
    const name = ns.objectName!;
    namespaces.set(name, {
      ...get(name),
      declared: true,
      urn: ns.urn,
      labels: { ...(ns.props.metadata?.labels ?? {}), "kubernetes.io/metadata.name": name },
    });
  }
  for (const ns of kustomizedNamespaces(index)) {
    if (!namespaces.get(ns.name)?.declared)
      namespaces.set(ns.name, {
        ...get(ns.name),
        declared: true,
        labels: { ...ns.labels, "kubernetes.io/metadata.name": ns.name },
      });
  }
  for (const lr of objectsOf(index, "LimitRange"))
    get(lr.namespace ?? "default").limitRanges.push({ name: lr.objectName!, spec: lr.props.spec ?? {} });
  for (const quota of objectsOf(index, "ResourceQuota"))
    get(quota.namespace ?? "default").quotas.push({ name: quota.objectName!, spec: quota.props.spec ?? {} });
  return namespaces;
}

export function namespaceOf(namespaces: Map<string, NamespaceFacts>, name: string): NamespaceFacts {
  return (
    namespaces.get(name) ?? {
      name,
      declared: false,
      labels: { "kubernetes.io/metadata.name": name },
      limitRanges: [],
      quotas: [],
    }
  );
}
