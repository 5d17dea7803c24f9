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
  constructor(message: string, readonly cause: unknown) {
    super(message);
    this.name = "PolicyRequestError";
  }
}

export type PackConfig = ReadonlyMap<string, ConfigureEntry>;

const levelOf = (pack: ServedPack, policy: CnaiPolicy, config: PackConfig): EnforcementLevel =>
  (config.get(policy.name)?.enforcementLevel || (policy as { enforcementLevel?: EnforcementLevel }).enforcementLevel || pack.enforcementLevel) as EnforcementLevel;

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
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) out[key] = copy(inner);
  }
  return out;
}

/** server.ts getResourceOptions. */
function resourceOptions(resource: AnalyzerResource): Record<string, unknown> {
  const { options } = resource;
  const result: Record<string, unknown> = {
    protect: options.protect,
    ignoreChanges: [...options.ignoreChanges],
    aliases: [...options.aliases],
    customTimeouts: { createSeconds: options.customTimeouts.create, updateSeconds: options.customTimeouts.update, deleteSeconds: options.customTimeouts.delete },
    additionalSecretOutputs: [...options.additionalSecretOutputs],
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

/** A resource's `props`, read (copied and proxied) when a policy first touches it, as the server reads it for each validation. */
function withLazyProps<T extends Record<string, unknown>>(target: T, properties: Record<string, unknown>): T {
  Object.defineProperty(target, "props", {
    enumerable: true,
    configurable: true,
    get() {
      const props = readProperties(properties);
      Object.defineProperty(target, "props", { value: props, enumerable: true, configurable: true, writable: true });
      return props;
    },
  });
  return target;
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
      const info = message as { name?: string; message?: string; description?: string; urn?: string; enforcementLevel?: EnforcementLevel };
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
    throw new PolicyRequestError(`Error validating ${what} with ${from}: ${(error as Error)?.message ?? String(error)}`, error);
  }
}

export interface AnalyzeCounts {
  /** Validations run (policy × resource pairs with a validateResource). */
  checks: number;
}

/** server.ts makeAnalyzeRpcFun: one resource through every resource policy of the pack. */
export async function analyze(pack: ServedPack, config: PackConfig, resource: AnalyzerResource, counts?: AnalyzeCounts): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const policy of pack.policies) {
    let level = levelOf(pack, policy, config);
    if (level === "disabled" || !("validateResource" in policy)) continue;
    if (!policy.validateResource) continue;
    if (level === "remediate") level = "mandatory";
    if (!Array.isArray(policy.validateResource)) {
      const type = pulumiTypeOf(policy.validateResource);
      if (type && resource.type !== type) continue;
    }
    const report = reporter(pack, policy, level, diagnostics);
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const validation of validations) {
      if (counts) counts.checks += 1;
      try {
        const args: Record<string, unknown> = withLazyProps({
          type: resource.type,
          urn: resource.urn,
          name: resource.name,
          opts: resourceOptions(resource),
          stackTags: NO_TAGS,
          isType: (cls: unknown) => isTypeOf(resource.type, cls),
          asType: (cls: unknown) => (isTypeOf(resource.type, cls) ? args.props : undefined),
          getConfig: getConfigOf(config, policy.name),
          notApplicable: throwNotApplicable,
        }, resource.properties);
        const provider = providerResource(resource);
        if (provider) args.provider = provider;
        await validation(args as never, report as never);
      } catch (error) {
        handle(error, pack, policy, diagnostics, `resource ${resource.urn}`);
      }
    }
  }
  return diagnostics;
}

/** server.ts makeAnalyzeStackRpcFun: every stack policy of the pack over all resources. */
export async function analyzeStack(pack: ServedPack, config: PackConfig, resources: readonly AnalyzerResource[]): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const policy of pack.policies) {
    let level = levelOf(pack, policy, config);
    if (level === "disabled" || !("validateStack" in policy)) continue;
    if (level === "remediate") level = "mandatory";
    const type = pulumiTypeOf(policy.validateStack);
    if (type && !resources.some((r) => r.type === type)) continue;
    const report = reporter(pack, policy, level, diagnostics);
    try {
      const linked = resources.map((r) => {
        const resource: Record<string, unknown> = withLazyProps({
          type: r.type,
          urn: r.urn,
          name: r.name,
          opts: resourceOptions(r),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls: unknown) => isTypeOf(r.type, cls),
          asType: (cls: unknown) => (isTypeOf(r.type, cls) ? resource.props : undefined),
        }, r.properties);
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
          (resource.propertyDependencies as Record<string, unknown>)[key] = urns.map((d) => byUrn.get(d)).filter(Boolean);
        }
      });
      const args = { resources: linked, getConfig: getConfigOf(config, policy.name), stackTags: NO_TAGS, notApplicable: throwNotApplicable };
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
