import { type ApiRuleProblem, apiRuleProblems } from "../../../../components/catalog/gcp-api-rules";

/**
 * The GCP API rules (components/catalog/gcp-api-rules.ts) that a plan's resources break, for the
 * `cnai-gcp-api-rules` policy and scripts. Pure: no Pulumi runtime import.
 */
export interface GcpRuleFinding extends ApiRuleProblem {
  readonly urn: string;
}

export function gcpRuleFindings(
  resources: ReadonlyArray<{ urn: string; type: string; props: Readonly<Record<string, unknown>> }>,
): GcpRuleFinding[] {
  return resources.flatMap((r) => apiRuleProblems(r.type, r.props).map((problem) => ({ ...problem, urn: r.urn })));
}
