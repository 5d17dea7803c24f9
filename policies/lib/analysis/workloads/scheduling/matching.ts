import type { Props } from "../model";

/**
 * Label selectors, node selector terms and taint tolerations, as the API types define them:
 * - metav1.LabelSelector (matchLabels and matchExpressions In, NotIn, Exists, DoesNotExist;
 *   k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector);
 * - v1.NodeSelectorTerm (ORed terms of ANDed expressions, also Gt and Lt;
 *   k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go);
 * - tolerations (key, operator Exists or Equal, value, effect; an empty key with Exists tolerates
 *   every taint: k8s.io/api/core/v1/toleration.go ToleratesTaint).
 */

/** Values a node has for a label key (a pool spanning zones has several zone values). */
export type NodeLabelValues = (key: string) => string[];

export function matchesSelector(selector: Props | null | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of (selector.matchExpressions ?? []) as Props[]) {
    const has = e.key in labels;
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[e.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function requirementMatches(e: Props, values: string[]): boolean {
  const wanted: string[] = (e.values ?? []).map(String);
  switch (e.operator) {
    case "In":
      return values.some((v) => wanted.includes(v));
    case "NotIn":
      return values.length === 0 || values.some((v) => !wanted.includes(v));
    case "Exists":
      return values.length > 0;
    case "DoesNotExist":
      return values.length === 0;
    case "Gt":
      return values.some((v) => Number(v) > Number(wanted[0]));
    case "Lt":
      return values.some((v) => Number(v) < Number(wanted[0]));
    default:
      return false;
  }
}

/**
 * Whether any term matches (terms are ORed; a term's expressions are ANDed). A term with neither
 * expressions nor fields selects no node (nodeaffinity.go newNodeSelectorTerm: "an empty term
 * selects no objects"). `matchFields` name nodes by `metadata.name`, unknown before apply: such a
 * requirement is taken as met (a note says so).
 */
export function matchesNodeSelectorTerms(terms: readonly Props[], values: NodeLabelValues): boolean {
  return terms.some((term) => {
    const expressions: Props[] = term?.matchExpressions ?? [];
    const fields: Props[] = term?.matchFields ?? [];
    if (!expressions.length && !fields.length) return false;
    return expressions.every((e) => requirementMatches(e, values(e.key)));
  });
}

/** Whether the Pod's required node affinity names nodes by field (metadata.name), which the plan cannot know. */
export const usesMatchFields = (spec: Props): boolean =>
  (
    (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as Props[]
  ).some((t) => (t?.matchFields ?? []).length > 0);

/** Why a Pod's node selector or required node affinity excludes a node, or undefined when it does not. */
export function nodeSelectionMismatch(spec: Props, values: NodeLabelValues): string | undefined {
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (!values(key).includes(String(value)))
      return `node selector ${key}=${value} (the nodes have ${values(key).length ? `${key}=${values(key).join("|")}` : `no ${key} label`})`;
  }
  const terms: Props[] =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length && !matchesNodeSelectorTerms(terms, values)) {
    const described = terms
      .map(
        (t) =>
          ((t.matchExpressions ?? []) as Props[])
            .map((e) => `${e.key} ${e.operator}${e.values ? ` ${(e.values as string[]).join("|")}` : ""}`)
            .join(" and ") || "an empty term, which selects no node",
      )
      .join(" or ");
    return `required node affinity (${described})`;
  }
  return undefined;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export function tolerates(toleration: Props, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === "Exists";
  if (toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

/** The first NoSchedule or NoExecute taint no toleration tolerates, as `key=value:Effect`. */
export function untoleratedTaint(taints: readonly Props[], tolerations: readonly Props[]): string | undefined {
  for (const taint of taints as Taint[]) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (!tolerations.some((t) => tolerates(t, taint)))
      return `${taint.key}${taint.value ? `=${taint.value}` : ""}:${taint.effect}`;
  }
  return undefined;
}
