import type * as proto from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { supportedFeatureValues, supportsLegacyFeature } from "./monitor-features";
import type { PlanResource, PlanResourceOptions } from "./plan-document";
import { resproto } from "./sdk-seam";

/** The callback of a resource monitor method, as the SDK passes it (a gRPC unary callback). */
type Callback = (err: unknown, response?: unknown) => void;

import { providerId, synthesise, synthesiseInvoke } from "./synthesize";
import { plainObject, plainValue, SECRET_SIG, SIG_KEY, valuesOf } from "./wire-values";

/** The options of one registration, as the engine receives them. */
export type RecordedOptions = Required<PlanResourceOptions>;

/** One resource registration, as the plan records it. */
export interface RecordedResource extends PlanResource {
  /** Remote component (implemented by a provider, such as a Helm chart). */
  remote: boolean;
  options: RecordedOptions;
  propertyDependencies: Record<string, string[]>;
}

export interface MonitorContext {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  /** The GCP project and region of the stack, for synthesised ids. */
  readonly gcpProject: string;
  readonly gcpRegion: string;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Pulumi's MockMonitor, made to behave like the engine for a plan: URNs as the engine forms them
 * (children of the root stack do not carry its type), inputs echoed back, provider-computed outputs
 * synthesised per type (or left unknown in preview), and every registration recorded with the
 * options the SDK sent (transforms cannot read them under mocks; the request can).
 */
export class RecordingMonitor extends MockMonitor {
  readonly records: RecordedResource[] = [];
  /** Outputs registered by components and the root stack, by URN (wire format). */
  readonly registeredOutputs = new Map<string, unknown>();
  readonly invokes: string[] = [];
  private readonly urns = new Set<string>();

  constructor(private readonly context: MonitorContext) {
    super({
      // Registrations are answered by registerResource below, without MockMonitor's path.
      newResource: () => {
        throw new Error("unreachable: RecordingMonitor answers registrations itself");
      },
      call: (args) => {
        this.invokes.push(args.token);
        return synthesiseInvoke(args.token, unwrapSecrets(args.inputs) as Record<string, unknown>, context.gcpProject);
      },
    });
    // MockMonitor keeps newUrn private; replace it on the instance with the engine's rule.
    (this as unknown as { newUrn: (parent: string, type: string, name: string) => string }).newUrn = (
      parent,
      type,
      name,
    ) => engineUrn(context.stack, context.project, parent, type, name);
  }

  /**
   * A registration, answered as the engine would. Unlike MockMonitor's, the request's properties are
   * converted from protobuf once (they are recorded and echoed back in wire format, with the
   * synthesised outputs), and no state is kept for later reads, which plans never make: at
   * thousands of resources the round trip through the SDK's serializer was most of the run.
   */
  override async registerResource(req: proto.RegisterResourceRequest, callback: Callback): Promise<void> {
    const urn = engineUrn(this.context.stack, this.context.project, req.getParent(), req.getType(), req.getName());
    // The engine refuses a second registration of a URN in one deployment; so does the plan.
    if (this.urns.has(urn))
      return callback(new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`), undefined);
    this.urns.add(urn);
    try {
      const wire = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      this.records.push(recordOf(req, urn, wire));
      const { id, state } = this.stateOf(req.getType(), req.getName(), req.getCustom(), urn, wire);
      callback(null, registrationResponse(urn, id ?? "", state));
    } catch (error) {
      callback(error, undefined);
    }
  }

  override registerResourceOutputs(req: proto.RegisterResourceOutputsRequest, callback: Callback): void {
    this.registeredOutputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    callback(null, {});
  }

  /** The features the offline engine has (monitor-features.ts), as SDKs since 3.256.0 ask for them. */
  override getDeploymentInfo(_req: unknown, callback: Callback): void {
    const response = new resproto.DeploymentInfo();
    response.setSupportedfeaturesList(supportedFeatureValues(resproto.ResourceMonitorFeature));
    callback(null, response);
  }

  /** The same answers, one feature at a time, as older SDKs ask. */
  override supportsFeature(req: proto.SupportsFeatureRequest, callback: Callback): void {
    const supported = supportsLegacyFeature(req.getId());
    callback(null, { getHassupport: () => supported });
  }

  /** The registered state (wire format): inputs echoed, plus outputs synthesised for a custom resource outside preview. */
  private stateOf(
    type: string,
    name: string,
    custom: boolean,
    urn: string,
    wire: Record<string, unknown>,
  ): { id?: string; state: Record<string, unknown> } {
    if (type.startsWith("pulumi:providers:")) return { id: providerId(urn), state: wire };
    if (!custom || this.context.preview) return { state: wire };
    const synthesised = synthesise({
      type,
      name,
      urn,
      inputs: valuesOf(wire) as Record<string, unknown>,
      project: this.context.gcpProject,
      region: this.context.gcpRegion,
    });
    return { id: synthesised.id, state: { ...wire, ...synthesised.outputs } };
  }
}

/**
 * The answer to a registration, in the shape the SDK reads (sdk/nodejs/runtime/resource.ts,
 * registerResource: getUrn, getId, getResult, getUnknown, getPropertydependenciesMap, and
 * getObject().toJavaScript() through rpc.ts deserializeProperties), as the SDK itself builds one when
 * no monitor is attached. Building a protobuf Struct only for the SDK to turn it back into the same
 * object was a tenth of a large plan. sdk-seam.ts lists this; a getter the SDK adds would fail
 * every run loudly, not change a plan silently.
 */
function registrationResponse(urn: string, id: string, state: Record<string, unknown>) {
  const object = { toJavaScript: () => state };
  return {
    getUrn: () => urn,
    getId: () => id,
    getObject: () => object,
    getPropertydependenciesMap: () => undefined,
    getResult: () => resproto.Result.SUCCESS,
    getUnknown: () => false,
  };
}

/** The URN the Pulumi engine gives a resource (its parent's type chain, minus the root stack). */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualifiedType = type;
  if (parent) {
    const parentType = parent.split("::")[2];
    if (parentType !== ROOT_STACK_TYPE) qualifiedType = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

function recordOf(req: proto.RegisterResourceRequest, urn: string, wire: Record<string, unknown>): RecordedResource {
  const propertyDependencies: Record<string, string[]> = {};
  const implicit = new Set<string>();
  req.getPropertydependenciesMap().forEach((deps, key) => {
    const urns: string[] = deps.getUrnsList();
    propertyDependencies[key] = urns;
    urns.forEach((u) => {
      implicit.add(u);
    });
  });
  const provider: string = req.getProvider();
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent() || null,
    provider: provider || null,
    custom: req.getCustom(),
    remote: req.getRemote(),
    inputs: plainObject(wire),
    options: {
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      deleteBeforeReplace: req.getDeletebeforereplace() === true,
      ignoreChanges: req.getIgnorechangesList(),
      dependsOn: (req.getDependenciesList() as string[]).filter((u) => !implicit.has(u)),
      aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((alias) => plainValue(alias.toObject()))],
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      deletedWith: req.getDeletedwith() || null,
      replaceWith: req.getReplaceWithList(),
      customTimeouts: customTimeoutsOf(req.getCustomtimeouts()),
    },
    propertyDependencies,
  };
}

/** The customTimeouts option (Go durations such as "45m"), or null when none is set. */
function customTimeoutsOf(
  timeouts: proto.RegisterResourceRequest.CustomTimeouts | undefined,
): { create?: string; update?: string; delete?: string } | null {
  if (!timeouts) return null;
  const set = Object.entries({
    create: timeouts.getCreate(),
    update: timeouts.getUpdate(),
    delete: timeouts.getDelete(),
  }).filter(([, v]) => v);
  return set.length ? Object.fromEntries(set) : null;
}

/** Deserialised SDK values keep secrets wrapped; synthesis wants the plain values. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
