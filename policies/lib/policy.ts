import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/**
 * The shape of the blueprint's policies. Only types come from @pulumi/policy: loading its runtime
 * pulls in the gRPC server, which the packs' index.ts files alone may start.
 */
export type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, StackValidationArgs };
export type CnaiPolicy = ResourceValidationPolicy | StackValidationPolicy;
export type Policies = CnaiPolicy[];
export type { EnforcementLevel };

/** Every enforcement level the Pulumi engine accepts (pulumi/pulumi sdk/go/common/apitype/policy.go EnforcementLevel.IsValid). */
export const ENFORCEMENT_LEVELS = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
] as const satisfies readonly EnforcementLevel[];

/** A pack as data: its index.ts hands this to `new PolicyPack`; the offline engine runs it directly. */
export interface PolicyPackDefinition {
  readonly name: string;
  readonly description: string;
  readonly policies: Policies;
  /** The level of a policy the config does not set. */
  readonly enforcementLevel: EnforcementLevel;
}

/** An exemption from one policy: the resource's URN and why (a reviewer reads it). */
export interface Exemption {
  readonly urn: string;
  readonly reason: string;
}

/** Reasons shorter than this say nothing ("n/a", "legacy"); the config schema rejects them. */
export const MIN_EXEMPTION_REASON = 20;

const EXEMPTIONS_SCHEMA = {
  type: "array",
  description: "Resources this policy does not apply to, each with the reason.",
  default: [],
  items: {
    type: "object",
    additionalProperties: false,
    required: ["urn", "reason"],
    properties: {
      urn: { type: "string", pattern: "^urn:pulumi:[^:]+::[^:]+::.+::.+$" },
      reason: { type: "string", minLength: MIN_EXEMPTION_REASON },
    },
  },
};

export interface ResourcePolicySpec<C extends object> {
  name: string;
  description: string;
  /** Properties of the policy's config, each with its default (JSON Schema). */
  config?: Record<string, Record<string, unknown>>;
  /** Resource types it looks at; others are not applicable. */
  types?: readonly string[];
  validate(args: ResourceValidationArgs, report: ReportViolation, config: C): void | Promise<void>;
}

export interface StackPolicySpec<C extends object> {
  name: string;
  description: string;
  config?: Record<string, Record<string, unknown>>;
  validate(args: StackValidationArgs, report: ReportViolation, config: C): void | Promise<void>;
}

type WithExemptions<C> = C & { exemptions: Exemption[] };

/**
 * A resource policy whose config can exempt resources by URN (with a reason), and whose config
 * properties are declared as a schema the CLI and the offline evaluator both check.
 */
export function resourcePolicy<C extends object>(spec: ResourcePolicySpec<C>): ResourceValidationPolicy {
  return {
    name: spec.name,
    description: spec.description,
    configSchema: schemaOf(spec.config),
    validateResource: (args, report) => {
      if (spec.types && !spec.types.includes(args.type)) return;
      const config = args.getConfig<WithExemptions<C>>();
      const exemption = (config.exemptions ?? []).find((e) => e.urn === args.urn);
      if (exemption) args.notApplicable(`exempted: ${exemption.reason}`);
      return spec.validate(args, report, config);
    },
  };
}

/** A stack policy; violations against an exempted URN are dropped. */
export function stackPolicy<C extends object>(spec: StackPolicySpec<C>): StackValidationPolicy {
  return {
    name: spec.name,
    description: spec.description,
    configSchema: schemaOf(spec.config),
    validateStack: (args, report) => {
      const config = args.getConfig<WithExemptions<C>>();
      const exempt = new Set((config.exemptions ?? []).map((e) => e.urn));
      const filtered: ReportViolation = (message, urn) => {
        if (urn === undefined || !exempt.has(urn)) report(message, urn);
      };
      return spec.validate(args, filtered, config);
    },
  };
}

function schemaOf(config: Record<string, Record<string, unknown>> = {}): PolicyConfigSchema {
  return { properties: { ...config, exemptions: EXEMPTIONS_SCHEMA } } as PolicyConfigSchema;
}
