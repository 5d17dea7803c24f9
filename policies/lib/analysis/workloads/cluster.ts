import type { AnalysisResource, Props } from "./model";

/**
 * The cluster the plan describes, indexed once: Kubernetes objects by kind, namespace and name, the
 * Helm charts and kustomizations, node pools, and each resource's parent. Built in one pass over the
 * resources (a plan of hundreds of teams stays linear).
 */
export interface PlanObject {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly props: Props;
  /** Kubernetes kind (Deployment, LimitRange...); undefined for non-Kubernetes resources. */
  readonly kind?: string;
  readonly namespace?: string;
  readonly objectName?: string;
}

export interface ClusterIndex {
  readonly objects: readonly PlanObject[];
  readonly byUrn: ReadonlyMap<string, PlanObject>;
  /** Kubernetes objects by kind, then `namespace/name` (cluster-scoped: `/name`). */
  readonly kinds: ReadonlyMap<string, ReadonlyMap<string, PlanObject>>;
  readonly charts: readonly PlanObject[];
  readonly kustomizations: readonly PlanObject[];
  readonly nodePools: readonly PlanObject[];
  readonly clusters: readonly PlanObject[];
  /** URNs that have a Kubernetes workload among their descendants (a chart rendered by the CLI). */
  readonly renderedParents: ReadonlySet<string>;
}

const NODE_POOL = "gcp:container/nodePool:NodePool";
const CLUSTER = "gcp:container/cluster:Cluster";
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

export const isChart = (type: string): boolean => /^kubernetes:helm\.sh\/v\d+:(Chart|Release)$/.test(type);
export const isKustomization = (type: string): boolean => /^kubernetes:kustomize\/v\d+:Directory$/.test(type);
const isKubernetesObject = (type: string): boolean =>
  type.startsWith("kubernetes:") && !/^kubernetes:(helm\.sh|kustomize|yaml)\//.test(type);

/** The URN of a resource's parent: plan.json gives it as a string, CrossGuard as the parent resource. */
function parentUrn(parent: unknown): string | undefined {
  if (typeof parent === "string") return parent;
  if (parent && typeof parent === "object" && typeof (parent as { urn?: unknown }).urn === "string")
    return (parent as { urn: string }).urn;
  return undefined;
}

export function indexCluster(resources: readonly AnalysisResource[]): ClusterIndex {
  const objects: PlanObject[] = [];
  const byUrn = new Map<string, PlanObject>();
  const kinds = new Map<string, Map<string, PlanObject>>();
  const charts: PlanObject[] = [];
  const kustomizations: PlanObject[] = [];
  const nodePools: PlanObject[] = [];
  const clusters: PlanObject[] = [];
  for (const resource of resources) {
    const props = (resource.props ?? resource.inputs ?? {}) as Props;
    let object: PlanObject = {
      urn: resource.urn,
      type: resource.type,
      name: resource.name ?? resource.urn.split("::").pop()!,
      parent: parentUrn(resource.parent),
      props,
    };
    if (isKubernetesObject(resource.type)) {
      const kind =
        typeof props.kind === "string" ? props.kind : resource.type.slice(resource.type.lastIndexOf(":") + 1);
      const namespace = typeof props.metadata?.namespace === "string" ? props.metadata.namespace : undefined;
      const objectName = typeof props.metadata?.name === "string" ? props.metadata.name : object.name;
      object = { ...object, kind, namespace, objectName };
      if (!kinds.has(kind)) kinds.set(kind, new Map());
      kinds.get(kind)!.set(`${namespace ?? ""}/${objectName}`, object);
    } else if (isChart(resource.type)) charts.push(object);
    else if (isKustomization(resource.type)) kustomizations.push(object);
    else if (resource.type === NODE_POOL) nodePools.push(object);
    else if (resource.type === CLUSTER) clusters.push(object);
    objects.push(object);
    byUrn.set(object.urn, object);
  }
  // A chart the CLI rendered has its objects as children (a real `pulumi preview`): those are used
  // as declared, and the chart's facts are not.
  const renderedParents = new Set<string>();
  for (const object of objects) {
    if (!object.kind || !WORKLOAD_KINDS.has(object.kind)) continue;
    for (let parent = object.parent, depth = 0; parent && depth < 32; parent = byUrn.get(parent)?.parent, depth++)
      renderedParents.add(parent);
  }
  return { objects, byUrn, kinds, charts, kustomizations, nodePools, clusters, renderedParents };
}

/** Kubernetes objects of a kind. */
export function objectsOf(index: ClusterIndex, kind: string): PlanObject[] {
  return [...(index.kinds.get(kind)?.values() ?? [])];
}

/** One Kubernetes object by kind, namespace (omit for cluster-scoped) and name. */
export function objectNamed(
  index: ClusterIndex,
  kind: string,
  name: string,
  namespace?: string,
): PlanObject | undefined {
  return index.kinds.get(kind)?.get(`${namespace ?? ""}/${name}`);
}

/** Namespaced objects of a kind in one namespace. */
export function objectsIn(index: ClusterIndex, kind: string, namespace: string): PlanObject[] {
  return objectsOf(index, kind).filter((o) => (o.namespace ?? "default") === namespace);
}

/** The chart releases whose chart name (last segment of its reference) is one of these. */
export function chartsNamed(index: ClusterIndex, ...names: string[]): PlanObject[] {
  return index.charts.filter((c) =>
    names.includes(
      String(c.props.chart ?? "")
        .replace(/\/+$/, "")
        .split("/")
        .pop() ?? "",
    ),
  );
}
