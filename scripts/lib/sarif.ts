import type { PolicyPackDefinition } from "../../policies/lib/policy";
import type { Plan } from "./plan-document";

/**
 * Policy results as SARIF 2.1.0 for code scanning (GitHub's upload-sarif action): one rule per
 * policy, one result per violation, located at the stack's config file (the thing a pull request
 * changes) with the resource's URN as the logical location.
 */
export function sarifOf(plan: Plan, packs: readonly PolicyPackDefinition[], stackFile: string): Record<string, unknown> {
  const policies = packs.flatMap((pack) => pack.policies.map((policy) => ({ pack: pack.name, policy })));
  const ruleIndex = new Map(policies.map(({ policy }, i) => [policy.name, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "cnai-platform policy",
          informationUri: "https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/",
          rules: policies.map(({ pack, policy }) => ({
            id: policy.name,
            name: policy.name,
            shortDescription: { text: policy.description.split(":")[0].slice(0, 200) },
            fullDescription: { text: policy.description },
            properties: { pack, tags: [pack] },
          })),
        },
      },
      automationDetails: { id: `cnai-platform/${plan.stack}/` },
      results: plan.policy.violations.map((v) => ({
        ruleId: v.policy,
        ...(ruleIndex.has(v.policy) ? { ruleIndex: ruleIndex.get(v.policy) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : v.enforcementLevel === "advisory" ? "warning" : "note",
        message: { text: `${v.urn ? `${v.urn.split("::").pop()}: ` : `stack ${plan.stack}: `}${v.message}` },
        locations: [{
          physicalLocation: { artifactLocation: { uri: stackFile }, region: { startLine: 1 } },
          logicalLocations: [{ fullyQualifiedName: v.urn ?? `stack ${plan.stack}`, kind: v.urn ? "resource" : "module" }],
        }],
        properties: { pack: v.pack, enforcementLevel: v.enforcementLevel, stack: plan.stack },
      })),
    }],
  };
}
