import type { CnaiPolicy } from "../../policies/lib/policy";
import type { Plan, PlanResource, PolicyViolation } from "../../scripts/lib/plan-document";
import { causeOf, evaluatePolicies, reconcilePolicyConfig } from "../../scripts/lib/policy-engine";

/** A resource for a policy test: type and inputs, with a name, parent and options if they matter. */
export interface TestResource {
  type: string;
  name?: string;
  inputs: Record<string, unknown>;
  parent?: string;
  options?: Partial<PlanResource["options"]>;
  propertyDependencies?: Record<string, string[]>;
  /** The URN of its explicit provider (a resource of the test plan). */
  provider?: string;
}

export const TEST_STACK = "policytest";

/** The URN the offline engine gives a top-level resource of this type and name. */
export const urnOf = (type: string, name: string): string =>
  `urn:pulumi:${TEST_STACK}::cnai-platform::${type}::${name}`;

/** A plan.json of these resources (names default to the type's last segment and index). */
export function planOf(resources: readonly TestResource[]): Plan {
  return {
    project: "cnai-platform",
    stack: TEST_STACK,
    resources: resources.map((r, i) => {
      const name = r.name ?? `${r.type.split(":").pop()!.toLowerCase()}-${i}`;
      return {
        urn: urnOf(r.type, name),
        type: r.type,
        name,
        parent: r.parent ?? null,
        provider: r.provider ? `${r.provider}::${r.provider.split("::").pop()}-id` : null,
        custom: !r.type.startsWith("cnai:"),
        inputs: r.inputs as PlanResource["inputs"],
        options: {
          protect: false,
          retainOnDelete: false,
          deleteBeforeReplace: false,
          ignoreChanges: [],
          dependsOn: [],
          aliases: [],
          additionalSecretOutputs: [],
          ...r.options,
        },
        ...(r.propertyDependencies ? { propertyDependencies: r.propertyDependencies } : {}),
      };
    }),
    outputs: {},
    policy: { packs: [], violations: [] },
  };
}

/**
 * Runs one policy, as the offline engine runs it (config reconciled and validated the way the CLI
 * does, unknown values throwing), against these resources; returns its violations.
 * `config` is the policy's entry in a stack's policy config: a level, or an object of properties.
 */
export async function violationsOf(
  policy: CnaiPolicy,
  resources: readonly TestResource[],
  config: unknown = "mandatory",
): Promise<PolicyViolation[]> {
  const pack = testPack(policy);
  const reconciled = reconcilePolicyConfig(pack, { [policy.name]: config }, "test-config.json");
  return (await evaluatePolicies(planOf(resources), [pack], new Map([[pack.name, reconciled]]))).violations;
}

/** A pack of these policies, as the offline engine and CrossGuard serve it. */
export const testPack = (...policies: CnaiPolicy[]) => ({
  name: "test-pack",
  version: "0.0.1",
  description: "test",
  enforcementLevel: "mandatory" as const,
  policies,
});

/**
 * What each violation's policy said, for assertions: CrossGuard's message without the policy's
 * description, which it puts first (server.ts makeReportViolationFun).
 */
export async function messagesOf(
  policy: CnaiPolicy,
  resources: readonly TestResource[],
  config?: unknown,
): Promise<string[]> {
  return (await violationsOf(policy, resources, config)).map(causeOf);
}

/** Options of a test resource that depends on these, explicitly (dependsOn). */
export const dependingOn = (...deps: TestResource[]) => ({ dependsOn: deps.map((d) => urnOf(d.type, d.name!)) });
