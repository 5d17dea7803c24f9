import type { CnaiPolicy } from "../../../policies/lib/policy";
import { UnknownValueError, unknownCheckingProxy } from "../sdk-seam";
import type { AnalyzerResource } from "./analyzer-resource";
import type { ConfigureEntry, EnforcementLevel } from "./config";

/**
 * What @pulumi/policy's server (pulumi/pulumi-policy sdk/nodejs/policy/server.ts, v1.21.0 as shipped
 * in node_modules/@pulumi/policy/server.js) does with an Analyze or AnalyzeStack request, as plain
 * functions the offline engine calls in-process (constructing a PolicyPack would start the gRPC
 * server). Ported: the level of each policy (`makeAnalyzeRpcFun`: the configured level, else the
 * policy's, else the pack's; disabled skipped; remediate reported as mandatory), the fast type
 * check (`getPulumiType`), the arguments (`deserializeProperties` afresh for each validation,
 * wrapped in `unknownCheckingProxy`; `getResourceOptions`; `getProviderResource`; `isTypeOf`;
 * `makeGetConfigFun`), the stack view (`makeAnalyzeStackRpcFun`: parent, dependencies and
 * property dependencies linked to resource objects), the diagnostics (`makeReportViolationFun`: a
 * string message follows the description on a new line) and the errors (UnknownValueError: an
 * advisory "can't run policy ... during preview"; NotApplicableError: nothing; anything else fails
 * the request).
 */
export interface ServedPack {
  readonly name: string;
  /** package.json's version (PolicyPack reads it from the pack folder). */
  readonly version: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly policies: readonly CnaiPolicy[];
}

/** pulumirpc.AnalyzeDiagnostic as the server fills it. */
export interface Diagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn?: string;
}

/** The request failed: a policy threw (the CLI stops the preview with this error). */
export class PolicyRequestError extends Error {
  constructor(
    message: string,
    readonly cause: unknown,
  ) {
    super(message);
    this.name = "PolicyRequestError";
  }
}

export type PackConfig = ReadonlyMap<string, ConfigureEntry>;

const levelOf = (pack: ServedPack, policy: CnaiPolicy, config: PackConfig): EnforcementLevel =>
  (config.get(policy.name)?.enforcementLevel ||
    (policy as { enforcementLevel?: EnforcementLevel }).enforcementLevel ||
    pack.enforcementLevel) as EnforcementLevel;

/** policy.ts getPulumiType. */
const pulumiTypeOf = (value: unknown): string | undefined => {
  const type = (value as { __pulumiType?: unknown } | null | undefined)?.__pulumiType;
  return typeof type === "string" && type.length > 0 ? type : undefined;
};

/** server.ts isTypeOf. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const pulumiType = pulumiTypeOf(resourceClass);
  if (pulumiType) return type === pulumiType;
  const isInstance = (resourceClass as { isInstance?: unknown })?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}
const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

/** deserialize.ts deserializeProperties (plain JSON values) then proxy.ts unknownCheckingProxy: a fresh copy each time. */
function readProperties(properties: Record<string, unknown>): Record<string, unknown> {
  return unknownCheckingProxy(copy(properties) as Record<string, unknown>);
}

function copy(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const inner = (value as Record<string, unknown>)[keys[i]];
    // "We treat properties with undefined values as if they do not exist" (deserializeProperties).
    if (inner !== undefined) out[keys[i]] = copy(inner);
  }
  return out;
}

/**
 * The option lists of one request: google-protobuf's getters return the message's own arrays, so the
 * server hands every validation of a request the same ignoreChanges, aliases and
 * additionalSecretOutputs arrays (a fresh options object around them each time).
 */
interface OptionLists {
  readonly ignoreChanges: string[];
  readonly aliases: string[];
  readonly additionalSecretOutputs: string[];
}

const optionLists = (resource: AnalyzerResource): OptionLists => ({
  ignoreChanges: [...resource.options.ignoreChanges],
  aliases: [...resource.options.aliases],
  additionalSecretOutputs: [...resource.options.additionalSecretOutputs],
});

/** server.ts getResourceOptions. */
function resourceOptions(resource: AnalyzerResource, lists: OptionLists): Record<string, unknown> {
  const { options } = resource;
  const result: Record<string, unknown> = {
    protect: options.protect,
    ignoreChanges: lists.ignoreChanges,
    aliases: lists.aliases,
    customTimeouts: {
      createSeconds: options.customTimeouts.create,
      updateSeconds: options.customTimeouts.update,
      deleteSeconds: options.customTimeouts.delete,
    },
    additionalSecretOutputs: lists.additionalSecretOutputs,
  };
  if (options.deleteBeforeReplace !== undefined) result.deleteBeforeReplace = options.deleteBeforeReplace;
  if (options.parent) result.parent = options.parent;
  return result;
}

/** server.ts getProviderResource. */
function providerResource(resource: AnalyzerResource): Record<string, unknown> | undefined {
  const provider = resource.provider;
  if (!provider) return undefined;
  return { type: provider.type, props: readProperties(provider.properties), urn: provider.urn, name: provider.name };
}

/** server.ts makeGetConfigFun: the policy's configured properties. */
const getConfigOf = (config: PackConfig, policy: string) => () => {
  const entry = config.get(policy);
  return entry ? { ...entry.properties } : {};
};

/** server.ts makeReportViolationFun. */
function reporter(pack: ServedPack, policy: CnaiPolicy, level: EnforcementLevel, diagnostics: Diagnostic[]) {
  return (message: unknown, urn?: string) => {
    if (typeof message === "object" && message !== null) {
      const info = message as {
        name?: string;
        message?: string;
        description?: string;
        urn?: string;
        enforcementLevel?: EnforcementLevel;
      };
      diagnostics.push({
        policyName: info.name || policy.name,
        policyPackName: pack.name,
        policyPackVersion: pack.version,
        message: info.message || info.description || policy.description,
        urn: info.urn,
        description: info.description || policy.description,
        enforcementLevel: info.enforcementLevel || level,
      });
    } else {
      diagnostics.push({
        policyName: policy.name,
        policyPackName: pack.name,
        policyPackVersion: pack.version,
        message: message ? `${policy.description}\n${String(message)}` : policy.description,
        urn,
        description: policy.description,
        enforcementLevel: level,
      });
    }
  };
}

/** The catch block of both RPCs: unknown values become an advisory diagnostic; not-applicable, nothing; anything else fails. */
function handle(error: unknown, pack: ServedPack, policy: CnaiPolicy, diagnostics: Diagnostic[], what: string): void {
  const from = `policy '${policy.name}' from policy pack '${pack.name}@v${pack.version}'`;
  if (error instanceof UnknownValueError) {
    diagnostics.push({
      policyName: policy.name,
      policyPackName: pack.name,
      policyPackVersion: pack.version,
      description: policy.description,
      message: `can't run ${from} during preview: ${(error as Error).message}`,
      enforcementLevel: "advisory",
    });
  } else if (!(error instanceof NotApplicableError)) {
    throw new PolicyRequestError(
      `Error validating ${what} with ${from}: ${(error as Error)?.message ?? String(error)}`,
      error,
    );
  }
}

export interface AnalyzeCounts {
  /** Validations run (policy × resource pairs with a validateResource). */
  checks: number;
}

type Validation = (args: never, report: never) => unknown;

/** Awaits what a policy returned only when it is a promise (most policies are synchronous). */
const settle = (result: unknown): unknown =>
  result && typeof (result as { then?: unknown }).then === "function" ? result : undefined;

/**
 * A resource policy's arguments for one validation, as server.ts makeAnalyzeRpcFun builds them: a
 * plain object, with its own copy of the properties (deserializeProperties for each validation,
 * so what one policy writes into them no other sees) behind the unknown-checking proxy.
 */
function resourceArgs(
  resource: AnalyzerResource,
  lists: OptionLists,
  isType: (cls: unknown) => boolean,
  getConfig: () => Record<string, unknown>,
): Record<string, unknown> {
  const props = readProperties(resource.properties);
  const args: Record<string, unknown> = {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: resourceOptions(resource, lists),
    stackTags: NO_TAGS,
    isType,
    asType: (cls: unknown) => (isTypeOf(resource.type, cls) ? props : undefined),
    getConfig,
    notApplicable: throwNotApplicable,
  };
  if (resource.provider) args.provider = providerResource(resource);
  return args;
}

/** A pack with its config, ready to analyze resources: each policy's level and validations, worked out once. */
export interface PreparedPack {
  readonly pack: ServedPack;
  readonly config: PackConfig;
  readonly resourcePolicies: ReadonlyArray<{
    policy: CnaiPolicy;
    level: EnforcementLevel;
    validations: Validation[];
    type?: string;
    getConfig: () => Record<string, unknown>;
  }>;
}

export function preparePack(pack: ServedPack, config: PackConfig): PreparedPack {
  const resourcePolicies: Array<PreparedPack["resourcePolicies"][number]> = [];
  for (const policy of pack.policies) {
    let level = levelOf(pack, policy, config);
    if (level === "disabled" || !("validateResource" in policy) || !policy.validateResource) continue;
    if (level === "remediate") level = "mandatory";
    const single = !Array.isArray(policy.validateResource);
    const validations = (single ? [policy.validateResource] : policy.validateResource) as Validation[];
    resourcePolicies.push({
      policy,
      level,
      validations,
      type: single ? pulumiTypeOf(policy.validateResource) : undefined,
      getConfig: getConfigOf(config, policy.name),
    });
  }
  return { pack, config, resourcePolicies };
}

/** server.ts makeAnalyzeRpcFun: one resource through every resource policy of the pack. */
export async function analyze(
  prepared: PreparedPack,
  resource: AnalyzerResource,
  counts?: AnalyzeCounts,
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const { pack } = prepared;
  // One isType per resource: the server makes one per validation, which no policy can tell apart.
  const isType = (cls: unknown) => isTypeOf(resource.type, cls);
  const lists = optionLists(resource);
  for (const { policy, level, validations, type, getConfig } of prepared.resourcePolicies) {
    if (type && resource.type !== type) continue;
    const report = reporter(pack, policy, level, diagnostics);
    for (const validation of validations) {
      if (counts) counts.checks += 1;
      try {
        const pending = settle(validation(resourceArgs(resource, lists, isType, getConfig) as never, report as never));
        if (pending) await pending;
      } catch (error) {
        handle(error, pack, policy, diagnostics, `resource ${resource.urn}`);
      }
    }
  }
  return diagnostics;
}

/** server.ts makeAnalyzeStackRpcFun: every stack policy of the pack over all resources. */
export async function analyzeStack(
  pack: ServedPack,
  config: PackConfig,
  resources: readonly AnalyzerResource[],
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const lists = resources.map(optionLists);
  for (const policy of pack.policies) {
    let level = levelOf(pack, policy, config);
    if (level === "disabled" || !("validateStack" in policy)) continue;
    if (level === "remediate") level = "mandatory";
    const type = pulumiTypeOf(policy.validateStack);
    if (type && !resources.some((r) => r.type === type)) continue;
    const report = reporter(pack, policy, level, diagnostics);
    try {
      const linked = resources.map((r, i) => {
        const props = readProperties(r.properties);
        const resource: Record<string, unknown> = {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: resourceOptions(r, lists[i]),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls: unknown) => isTypeOf(r.type, cls),
          asType: (cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined),
        };
        const provider = providerResource(r);
        if (provider) resource.provider = provider;
        return resource;
      });
      const byUrn = new Map(linked.map((r) => [r.urn as string, r]));
      resources.forEach((r, i) => {
        const resource = linked[i];
        if (r.parent && byUrn.has(r.parent)) resource.parent = byUrn.get(r.parent);
        resource.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter(Boolean);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
          (resource.propertyDependencies as Record<string, unknown>)[key] = urns
            .map((d) => byUrn.get(d))
            .filter(Boolean);
        }
      });
      const args = {
        resources: linked,
        getConfig: getConfigOf(config, policy.name),
        stackTags: NO_TAGS,
        notApplicable: throwNotApplicable,
      };
      await policy.validateStack(args as never, report as never);
    } catch (error) {
      handle(error, pack, policy, diagnostics, "the stack");
    }
  }
  return diagnostics;
}

/** server.ts freezeMap: a read-only view of a map. */
function freezeMap<K, V>(map: Map<K, V>): ReadonlyMap<K, V> {
  return Object.freeze({
    entries: map.entries.bind(map),
    forEach: map.forEach.bind(map),
    get: map.get.bind(map),
    has: map.has.bind(map),
    keys: map.keys.bind(map),
    size: map.size,
    values: map.values.bind(map),
    [Symbol.iterator]: map[Symbol.iterator].bind(map),
  }) as unknown as ReadonlyMap<K, V>;
}

/** Stack tags come from ConfigureStack (`tags`); the offline plan has none, and the harness sends none. */
const NO_TAGS = freezeMap(new Map<string, string>());
