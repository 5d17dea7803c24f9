import { APPLY_ORDER_RULES, type ApplyOrderRuleId } from "../../../../components/catalog/apply-prerequisites";
import { ApplyGraph, known, type PlanNode, read } from "./graph";

/**
 * What every apply-order check shares: the plan's graph, a way to report a finding with the rule's
 * source, and small readers of plan values. Pure: no Pulumi runtime import.
 */
export interface ApplyOrderFinding {
  readonly rule: ApplyOrderRuleId;
  readonly urn: string;
  readonly message: string;
}

export class CheckContext {
  readonly graph: ApplyGraph;
  readonly findings: ApplyOrderFinding[] = [];

  constructor(readonly nodes: readonly PlanNode[]) {
    this.graph = new ApplyGraph(nodes);
  }

  report(rule: ApplyOrderRuleId, node: PlanNode, cause: string, fix: string): void {
    this.findings.push({ rule, urn: node.urn, message: `${cause} ${fix} (${APPLY_ORDER_RULES[rule].source}).` });
  }

  /** Is any of the candidates created before the node? */
  before(node: PlanNode, candidates: readonly PlanNode[]): boolean {
    return candidates.some((c) => this.graph.isBefore(c.urn, node.urn));
  }

  ofTypes(types: readonly string[]): PlanNode[] {
    return this.nodes.filter((n) => types.includes(n.type));
  }

  /** The plan's resources a property's value came from, of one type. */
  dependenciesOf(node: PlanNode, property: string, type: string): string[] {
    return (node.propertyDependencies[property] ?? []).filter((u) => this.graph.byUrn.get(u)?.type === type);
  }

  /** The node's explicit provider, if the plan has it. */
  providerOf(node: PlanNode): PlanNode | undefined {
    return node.provider ? this.graph.byUrn.get(node.provider) : undefined;
  }
}

export const shortName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

export function projectOf(node: PlanNode): string | undefined {
  return known(read(node.props, "project"));
}

/** A boolean input, as a plan or a provider's config holds it (`true` or `"true"`). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** IAM members a resource grants: `member`, or every entry of `members`. */
export function grantedMembers(node: PlanNode): string[] {
  if (!/IAM|Iam/.test(node.type)) return [];
  const one = known(read(node.props, "member"));
  const many = read(node.props, "members");
  return [
    ...(one ? [one] : []),
    ...(Array.isArray(many) ? many.map(known).filter((m): m is string => m !== undefined) : []),
  ];
}

/** Whether a grant names this member, or names one unknown during preview (which may be it). */
export function mayGrantTo(grant: PlanNode, matches: (member: string) => boolean): boolean {
  const members = grantedMembers(grant);
  return members.length === 0 || members.some(matches);
}
