/**
 * A plan's dependency graph as the Pulumi engine orders a first `pulumi up`: a resource is
 * registered (and so created) only after
 * - every resource it depends on (its `dependsOn`, with components expanded to their children by
 *   the SDK, and every resource its input values came from) has been created, and
 * - its parent's registration has completed: a custom parent is created first, and a component
 *   parent registers only after its own dependencies (the SDK awaits the parent's URN, which
 *   resolves when the engine answers the parent's registration), and
 * - its explicit provider has been registered (the SDK awaits the provider's URN and id, and a
 *   provider registers only after its own dependencies), so a provider's dependsOn orders every
 *   resource it manages.
 * Source: @pulumi/pulumi 3.276.0 runtime/resource.js prepareResource (dependsOn gathered and
 * expanded by getAllTransitivelyReferencedResourceURNs, then `await parent.urn.promise()`, and
 * the provider reference from ProviderResource.register, which awaits its urn and id).
 *
 * So "B is created before A" holds when B is reachable from A through dependencies and parents.
 * Built from what a CrossGuard stack policy sees of each resource (type, props, urn, parent,
 * dependencies, propertyDependencies; not retainOnDelete nor protect of others), or from a
 * plan.json. Pure: no Pulumi runtime import.
 */

export interface PlanNode {
  readonly urn: string;
  readonly type: string;
  /** Inputs; during preview, reading an unknown value may throw (use `read`). */
  readonly props: Record<string, unknown>;
  readonly parent: string | undefined;
  /** Every resource this one depends on: explicit dependsOn and input dependencies. */
  readonly dependencies: readonly string[];
  /** For each input property, the resources its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** The URN of its explicit provider, if any (default providers are not in a plan). */
  readonly provider?: string;
}

/** A value by dotted path (`*` walks every item of a list), or undefined if absent, null or unknown. */
export function read(props: unknown, path: string): unknown {
  try {
    return readPath(props, path.split("."));
  } catch {
    // CrossGuard's unknown-checking proxy throws on a value unknown during preview.
    return undefined;
  }
}

function readPath(value: unknown, parts: string[]): unknown {
  // null is no value, as Pulumi reads an input (PropertyValue.IsNull: HasValue is false).
  if (value === undefined || value === null) return undefined;
  if (parts.length === 0) return value;
  const [head, ...rest] = parts;
  if (head === "*") {
    if (!Array.isArray(value)) return undefined;
    const found = value.map((item) => readPath(item, rest)).filter((v) => v !== undefined);
    return found.length ? found[0] : undefined;
  }
  return readPath((value as Record<string, unknown>)[head], rest);
}

/** A string value, or undefined if absent, unknown, or the plan's "[unknown]" / "[secret]". */
export function known(value: unknown): string | undefined {
  return typeof value === "string" && value !== "[unknown]" && value !== "[secret]" ? value : undefined;
}

/** The resources of a CrossGuard stack policy (`StackValidationArgs.resources`) as plan nodes. */
export function nodesFromPolicyResources(
  resources: ReadonlyArray<{
    urn: string;
    type: string;
    props: Record<string, unknown>;
    parent?: { urn: string };
    dependencies?: ReadonlyArray<{ urn: string }>;
    propertyDependencies?: Readonly<Record<string, ReadonlyArray<{ urn: string }>>>;
    provider?: { urn: string };
  }>,
): PlanNode[] {
  return resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    props: r.props,
    parent: r.parent?.urn,
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
    propertyDependencies: Object.fromEntries(
      Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map((d) => d.urn)]),
    ),
    provider: r.provider?.urn,
  }));
}

/** The provider URN of a plan's `provider` reference (`<urn>::<id>`). */
export function providerUrnOf(reference: string | null | undefined): string | undefined {
  return reference ? reference.slice(0, reference.lastIndexOf("::")) : undefined;
}

/** plan.json resources as plan nodes (dependencies: dependsOn plus every property dependency). */
export function nodesFromPlan(
  resources: ReadonlyArray<{
    urn: string;
    type: string;
    inputs: Record<string, unknown>;
    parent: string | null;
    options: { dependsOn: readonly string[] };
    propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    provider?: string | null;
  }>,
): PlanNode[] {
  return resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    props: r.inputs,
    parent: r.parent ?? undefined,
    dependencies: [...new Set([...r.options.dependsOn, ...Object.values(r.propertyDependencies ?? {}).flat()])],
    propertyDependencies: r.propertyDependencies ?? {},
    provider: providerUrnOf(r.provider),
  }));
}

/** The graph with "created before" queries, memoised per resource. */
export class ApplyGraph {
  readonly byUrn: ReadonlyMap<string, PlanNode>;
  private readonly before = new Map<string, ReadonlySet<string>>();

  constructor(readonly nodes: readonly PlanNode[]) {
    this.byUrn = new Map(nodes.map((n) => [n.urn, n]));
  }

  ofType(type: string): PlanNode[] {
    return this.nodes.filter((n) => n.type === type);
  }

  /** Every resource created before this one. */
  predecessors(urn: string): ReadonlySet<string> {
    const cached = this.before.get(urn);
    if (cached) return cached;
    // Iterative post-order walk: plans of thousands of resources must not overflow the stack.
    const stack: Array<{ urn: string; expanded: boolean }> = [{ urn, expanded: false }];
    const onPath = new Set<string>();
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (this.before.has(top.urn)) {
        stack.pop();
        continue;
      }
      const direct = this.directPredecessors(top.urn);
      if (!top.expanded) {
        top.expanded = true;
        onPath.add(top.urn);
        for (const d of direct) if (!this.before.has(d) && !onPath.has(d)) stack.push({ urn: d, expanded: false });
        continue;
      }
      const all = new Set<string>();
      for (const d of direct) {
        all.add(d);
        for (const p of this.before.get(d) ?? []) all.add(p);
      }
      this.before.set(top.urn, all);
      onPath.delete(top.urn);
      stack.pop();
    }
    return this.before.get(urn)!;
  }

  /** Is `earlier` created before `later`? */
  isBefore(earlier: string, later: string): boolean {
    return this.predecessors(later).has(earlier);
  }

  private directPredecessors(urn: string): string[] {
    const node = this.byUrn.get(urn);
    if (!node) return [];
    return [
      ...node.dependencies,
      ...(node.parent ? [node.parent] : []),
      ...(node.provider ? [node.provider] : []),
    ].filter((d) => d !== urn && this.byUrn.has(d));
  }
}
