import type { PolicyPackDefinition } from "../../policies/lib/policy";
import type { EnforcementLevel, Plan } from "./plan-document";
import type { PackConfig } from "./policy-engine";
import { causeOf } from "./policy-engine";
import { resourceLabel } from "./violation-table";

/**
 * SARIF 2.1.0 `level` for an enforcement level (OASIS SARIF 2.1.0, 3.27.10 result.level and 3.50
 * reportingConfiguration): a mandatory finding fails the deployment, so it is an `error`; an
 * advisory one is a `warning`; remediate is reported as mandatory by the CLI; a disabled policy
 * reports nothing (`none`).
 */
export function sarifLevel(level: EnforcementLevel): "error" | "warning" | "none" {
  switch (level) {
    case "mandatory":
    case "remediate":
      return "error";
    case "advisory":
      return "warning";
    case "disabled":
      return "none";
  }
}

/**
 * Policy results as SARIF 2.1.0 for code scanning (GitHub's upload-sarif action): one rule per
 * policy (its level in this stack's config as the rule's default), one result per violation,
 * located at the stack's config file (the thing a pull request changes) with the resource's URN
 * as the logical location.
 */
export function sarifOf(
  plan: Plan,
  packs: readonly PolicyPackDefinition[],
  stackFile: string,
  configs?: ReadonlyMap<string, PackConfig>,
): Record<string, unknown> {
  const policies = packs.flatMap((pack) => pack.policies.map((policy) => ({ pack, policy })));
  const ruleIndex = new Map(policies.map(({ policy }, i) => [policy.name, i]));
  const stack = stackFile.match(/Pulumi\.(.+)\.ya?ml$/)?.[1] ?? plan.stack;
  const location = (urn: string) => [
    {
      physicalLocation: { artifactLocation: { uri: stackFile }, region: { startLine: 1 } },
      logicalLocations: [{ fullyQualifiedName: urn, kind: "resource" }],
    },
  ];
  // The plan diff's errors (plan --against): one more rule, its results errors like a mandatory violation.
  const diffRules = plan.diff ? [PLAN_DIFF_RULE] : [];
  // Errors fail the plan; an in-use GPU pool replaced or deleted is a warning a reviewer should see.
  const drained = (plan.diff?.disruption.pools ?? [])
    .filter((p) => p.inUse)
    .map((p) => ({
      urn: p.urn,
      level: "warning" as const,
      message: `node pool ${p.pool} is ${p.action}d while in use: up to ${p.gpus.max} GPUs drained (${p.nodes.max} nodes × ${p.gpusPerNode}); docs/safe-gpu-pool-change.md moves the work first`,
    }));
  const diffResults = [...(plan.diff?.errors ?? []).map((e) => ({ ...e, level: "error" as const })), ...drained].map(
    (e) => ({
      ruleId: PLAN_DIFF_RULE.id,
      ruleIndex: policies.length,
      level: e.level,
      message: { text: `${resourceLabel(e.urn)}: ${e.message}` },
      locations: location(e.urn),
      properties: { against: plan.diff!.against, stack },
    }),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cnai-platform policy",
            informationUri: "https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/",
            rules: [
              ...policies.map(({ pack, policy }) => {
                const level = configs?.get(pack.name)?.get(policy.name)?.enforcementLevel;
                return {
                  id: policy.name,
                  name: policy.name,
                  shortDescription: { text: policy.description.split(":")[0].slice(0, 200) },
                  fullDescription: { text: policy.description },
                  ...(level
                    ? { defaultConfiguration: { enabled: level !== "disabled", level: sarifLevel(level) } }
                    : {}),
                  properties: { pack: pack.name, tags: [pack.name] },
                };
              }),
              ...diffRules,
            ],
          },
        },
        automationDetails: { id: `cnai-platform/${stack}/` },
        results: [
          ...plan.policy.violations.map((v) => ({
            ruleId: v.policy,
            ...(ruleIndex.has(v.policy) ? { ruleIndex: ruleIndex.get(v.policy) } : {}),
            level: sarifLevel(v.enforcementLevel),
            message: { text: `${v.urn ? resourceLabel(v.urn) : `stack ${stack}`}: ${causeOf(v)}` },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: stackFile }, region: { startLine: 1 } },
                logicalLocations: [
                  { fullyQualifiedName: v.urn ?? `stack ${stack}`, kind: v.urn ? "resource" : "module" },
                ],
              },
            ],
            properties: { pack: v.pack, enforcementLevel: v.enforcementLevel, stack },
          })),
          ...diffResults,
        ],
      },
    ],
  };
}

/** The SARIF rule of the plan diff's errors (policies/lib/analysis/plan-diff). */
export const PLAN_DIFF_RULE = {
  id: "cnai-plan-diff",
  name: "cnai-plan-diff",
  shortDescription: { text: "What this change replaces or deletes: data, protected resources, GPUs in use" },
  fullDescription: {
    text:
      "Against the base branch's plan, this change replaces or deletes a protected resource or a data store " +
      "(its contents are lost), or changes a field the API refuses to update (errors); or it replaces or deletes " +
      "a GPU node pool that workloads use, draining its GPUs (warnings). The replace-on-change table is " +
      "components/catalog/replace-on-change.ts (the providers' ForceNew fields).",
  },
  defaultConfiguration: { enabled: true, level: "error" as const },
  properties: { pack: "plan-diff", tags: ["plan-diff"] },
};
