import type { Plan, PlanResource } from "../plan-document";
import { type PlainValue, UNKNOWN, UNKNOWN_SENTINEL } from "../wire-values";

/**
 * What the Pulumi engine sends a policy pack for each resource of a plan: pulumirpc.AnalyzerResource
 * (proto/pulumi/analyzer.proto) as pulumi/pulumi builds it (snapshot 1b5949891b):
 * pkg/resource/deploy/step_generator.go `analyzeAll` (Analyze, one resource, its inputs) and
 * `AnalyzeResources` (AnalyzeStack, every resource, with parent, dependencies and property
 * dependencies), marshalled by pkg/resource/plugin/analyzer_plugin.go (`marshalResourceOptions`,
 * `marshalProvider`, empty property dependencies skipped).
 *
 * The offline policy engine and the CrossGuard parity harness both start from this one view of a
 * plan, so the policies see the same thing on both paths. What the plan cannot tell, and how it is
 * sent:
 * - `aliases`: the engine sends the alias through which it found the resource's old state
 *   (generateResourceSteps: `aliasUrns`), none for a new stack; a plan is a new stack: none.
 * - `deleteBeforeReplace`: sent as defined only when the program set it (the SDK's
 *   deleteBeforeReplaceDefined); plan.json keeps a boolean, so true is "defined", false "not set".
 * - `customTimeouts`: the plan's Go durations in seconds, as the resource monitor converts them
 *   (pkg/resource/deploy/source_eval.go generateTimeoutInSeconds: time.ParseDuration), 0 when unset.
 * - `retainOnDelete`, `dependsOn` as such, `replaceOnChanges`, `deletedWith`: not in the protocol.
 * - `provider`: the resource's explicit provider when the plan has it (inputs as properties); the
 *   default providers the engine registers itself are not in a plan.
 * - properties: the plan's inputs, "[unknown]" as the wire's unknown sentinel; secrets are plain
 *   in the protocol once the policy server unwraps them, and "[secret]" in a plan.
 * - AnalyzeStack receives each resource's outputs; a plan has inputs only, and both paths use them.
 */
export interface AnalyzerResourceOptions {
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  /** Present only when the program set it (deleteBeforeReplaceDefined). */
  readonly deleteBeforeReplace?: boolean;
  readonly additionalSecretOutputs: readonly string[];
  readonly aliases: readonly string[];
  readonly customTimeouts: {
    readonly create: number;
    readonly update: number;
    readonly delete: number;
    readonly read: number;
  };
  /** "" for the root stack. */
  readonly parent: string;
}

export interface AnalyzerProviderResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, unknown>;
}

export interface AnalyzerResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Wire values: the unknown sentinel where the plan says "[unknown]". */
  readonly properties: Record<string, unknown>;
  readonly options: AnalyzerResourceOptions;
  readonly provider?: AnalyzerProviderResource;
  /** AnalyzeStack only: "" for none. */
  readonly parent: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

const NO_TIMEOUTS = Object.freeze({ create: 0, update: 0, delete: 0, read: 0 });

/** The customTimeouts option in seconds (the SDK sends no read timeout). */
function timeoutsOf(timeouts: PlanResource["options"]["customTimeouts"]): AnalyzerResourceOptions["customTimeouts"] {
  if (!timeouts) return NO_TIMEOUTS;
  return {
    create: goDurationSeconds(timeouts.create),
    update: goDurationSeconds(timeouts.update),
    delete: goDurationSeconds(timeouts.delete),
    read: 0,
  };
}

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  "\u00b5s": 1e-6,
  "\u03bcs": 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Go's time.ParseDuration ("1h30m", "1.5h", "-90s", "0") in seconds; undefined or "" is 0. */
export function goDurationSeconds(duration: string | undefined): number {
  if (!duration) return 0;
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/u.exec(duration);
  if (duration === "0" || duration === "+0" || duration === "-0") return 0;
  if (!match) throw new Error(`unable to parse customTimeout Value ${duration}`);
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/gu))
    total += Number(amount) * GO_UNITS[unit];
  return match[1] === "-" ? -total : total;
}

/** Every resource of a plan as the engine sends it, in plan order. */
export function analyzerResources(plan: Pick<Plan, "resources">): AnalyzerResource[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const providerOf = (resource: PlanResource): AnalyzerProviderResource | undefined => {
    // A provider reference is "<provider urn>::<provider id>" (sdk/go/common/resource/providers.ParseReference).
    if (!resource.provider) return undefined;
    const cut = resource.provider.lastIndexOf("::");
    const provider = byUrn.get(cut > 0 ? resource.provider.slice(0, cut) : resource.provider);
    return (
      provider && {
        urn: provider.urn,
        type: provider.type,
        name: provider.name,
        properties: wireValues(provider.inputs),
      }
    );
  };
  return plan.resources.map((resource) => {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {}))
      if (urns.length) propertyDependencies[key] = [...urns];
    const provider = providerOf(resource);
    return {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      properties: wireValues(resource.inputs),
      options: {
        protect: resource.options.protect,
        ignoreChanges: [...resource.options.ignoreChanges],
        ...(resource.options.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        additionalSecretOutputs: [...resource.options.additionalSecretOutputs],
        aliases: [],
        customTimeouts: timeoutsOf(resource.options.customTimeouts),
        parent: resource.parent ?? "",
      },
      ...(provider ? { provider } : {}),
      parent: resource.parent ?? "",
      dependencies: [
        ...new Set([...resource.options.dependsOn, ...Object.values(resource.propertyDependencies ?? {}).flat()]),
      ],
      propertyDependencies,
    };
  });
}

/** Plan inputs as wire values; shared, not copied, when they hold no unknown (the reader copies). */
function wireValues(inputs: Record<string, PlainValue>): Record<string, unknown> {
  return hasUnknown(inputs) ? (withSentinels(inputs) as Record<string, unknown>) : inputs;
}

function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === "object") {
    for (const key in value) if (hasUnknown((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function withSentinels(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_SENTINEL;
  if (Array.isArray(value)) return value.map(withSentinels);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key in value) out[key] = withSentinels((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
