import * as fs from "node:fs";

/**
 * The offline engine's seam with the Pulumi Node.js SDK: every SDK internal the engine relies on,
 * in one table, with where it lives upstream (pulumi/pulumi, sdk/nodejs) and what the engine needs
 * of it. Most are marked @internal upstream (so their typings are absent) and may change in any
 * release. `checkSdkSeam` runs before the first offline run and stops with a clear message when
 * one is gone; test/engine/sdk-seam.spec.ts checks each entry, and that the SDK still calls the
 * ones the engine patches or answers, so an upgrade breaks a test instead of silently changing plans.
 */

// The SDK modules, loaded as the SDK loads them (their module objects, which the patches replace into).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as {
  withLocalStorage?: <T>(callback: () => Promise<T>) => Promise<T>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs?: () => Promise<void>;
  setMockOptions?: unknown;
  awaitFeatureSupport?: unknown;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise?: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mocks = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor?: { prototype: Record<string, unknown> } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resource = require("@pulumi/pulumi/resource") as { Resource?: { callsites?: unknown }; createUrn?: unknown };
// @pulumi/policy's unknown-value proxy: the policy server wraps each resource's properties in it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: new (sentinel: string, props: string[]) => Error;
  unknownStringValue: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resproto = require("@pulumi/pulumi/proto/resource_pb") as typeof import("@pulumi/pulumi/proto/resource_pb");
// The SDK's own copy of google-protobuf's Struct (runtime/resource.ts imports it as gstruct).
const structproto = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [require.resolve("@pulumi/pulumi/package.json")],
  }),
) as {
  Struct: (new () => Record<string, unknown>) & {
    fromJavaScript: (value: Record<string, unknown>) => Record<string, unknown>;
  };
};

/**
 * The SDK releases the engine supports. 3.261.0 is the first that keeps the secret marker on a
 * value that is unknown (sdk/nodejs/runtime/rpc.ts, serializeProperty: `serializeSecretValue(unknownValue)`),
 * which the plan contract relies on ("[secret]" wins over "[unknown]"); 3.256.0 added the
 * GetDeploymentInfo feature negotiation the monitor answers (pulumi/pulumi#24091).
 */
export const SDK_RANGE = { min: "3.261.0", below: "4.0.0" } as const;

/** One thing the engine takes from the SDK. */
export interface SeamPoint {
  readonly name: string;
  /** Where it lives in pulumi/pulumi (sdk/nodejs/...). */
  readonly source: string;
  /** What the engine relies on. */
  readonly reliance: string;
  /** Whether this SDK still has it. */
  readonly present: () => boolean;
  /** For what the SDK calls (and the engine patches or answers): the object and method to watch during a run. */
  readonly calledBySdk?: () => { target: object; method: string };
}

const isFunction = (value: unknown) => typeof value === "function";
// The engine's monitor overrides what the SDK calls on it; watched on its own prototype (loaded late: it imports this module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const recordingMonitor = () =>
  (require("./recording-monitor") as typeof import("./recording-monitor")).RecordingMonitor.prototype;

/** The getters of RegisterResourceRequest the recording monitor reads (recording-monitor.ts, recordOf). */
export const REGISTRATION_GETTERS = [
  "getType",
  "getName",
  "getParent",
  "getCustom",
  "getRemote",
  "getProvider",
  "getObject",
  "getPropertydependenciesMap",
  "getDependenciesList",
  "getProtect",
  "getRetainondelete",
  "getDeletebeforereplace",
  "getIgnorechangesList",
  "getAliasurnsList",
  "getAliasesList",
  "getAdditionalsecretoutputsList",
  "getReplaceonchangesList",
  "getDeletedwith",
  "getReplaceWithList",
  "getCustomtimeouts",
] as const;

/** The wire-format constants of runtime/rpc.ts the plan's value conversion (wire-values.ts) mirrors. */
export const WIRE_CONSTANTS = [
  "unknownValue",
  "specialSigKey",
  "specialSecretSig",
  "specialResourceSig",
  "specialAssetSig",
  "specialArchiveSig",
  "specialOutputValueSig",
] as const;

export const SDK_SEAM: readonly SeamPoint[] = [
  {
    name: "runtime store per run",
    source: "runtime/state.ts withLocalStorage (@internal; the Automation API's inline programs use it)",
    reliance: "each offline run gets a fresh runtime store, so one process can plan many stacks, even at once",
    present: () => isFunction(state.withLocalStorage),
  },
  {
    name: "wait for registrations",
    source: "runtime/settings.ts waitForRPCs (@internal)",
    reliance: "the engine waits for every outstanding registration before it reads the records",
    present: () => isFunction(settings.waitForRPCs),
  },
  {
    name: "mock monitor installation",
    source: "runtime/settings.ts setMockOptions",
    reliance: "installs the recording monitor as the run's resource monitor",
    present: () => isFunction(settings.setMockOptions),
  },
  {
    name: "mock monitor base class",
    source: "runtime/mocks.ts MockMonitor",
    reliance:
      "the recording monitor extends it: it answers invokes, reads and packages; the engine overrides registration, outputs and feature negotiation",
    present: () =>
      isFunction(mocks.MockMonitor) &&
      [
        "invoke",
        "readResource",
        "registerResource",
        "registerResourceOutputs",
        "supportsFeature",
        "getDeploymentInfo",
        "registerPackage",
        "newUrn",
      ].every((m) => isFunction(mocks.MockMonitor!.prototype[m])),
    calledBySdk: () => ({ target: mocks.MockMonitor!.prototype, method: "invoke" }),
  },
  {
    name: "feature negotiation",
    source:
      "runtime/settings.ts awaitFeatureSupport: GetDeploymentInfo (since 3.256.0, pulumi/pulumi#24091), SupportsFeature before",
    reliance:
      "the SDK learns from the monitor which features the offline engine has (none of transforms, hooks or state migrations)",
    present: () =>
      isFunction(settings.awaitFeatureSupport) &&
      isFunction(resproto.DeploymentInfo) &&
      typeof resproto.ResourceMonitorFeature === "object",
    calledBySdk: () => ({ target: recordingMonitor(), method: "getDeploymentInfo" }),
  },
  {
    name: "registration requests",
    source: "proto/resource_pb.js RegisterResourceRequest (generated from proto/pulumi/resource.proto)",
    reliance:
      "the recording monitor reads each registration's type, name, parent, provider, inputs and options from the request",
    present: () =>
      isFunction(resproto.RegisterResourceRequest) &&
      REGISTRATION_GETTERS.every((g) => isFunction(resproto.RegisterResourceRequest.prototype[g])),
    calledBySdk: () => ({ target: recordingMonitor(), method: "registerResource" }),
  },
  {
    name: "registration responses",
    source:
      "runtime/resource.ts registerResource (what it reads of a RegisterResourceResponse) and rpc.ts deserializeProperties",
    reliance:
      "the recording monitor answers with an object of the getters the SDK reads (getUrn, getId, getResult, getUnknown, getPropertydependenciesMap, getObject().toJavaScript()), as the SDK does itself without a monitor",
    present: () => typeof resproto.Result?.SUCCESS === "number" && isFunction(rpc.deserializeProperties),
  },
  {
    name: "property structs",
    source:
      "google-protobuf struct_pb Struct.fromJavaScript, as runtime/resource.ts, invoke.ts and mocks.ts call it (gstruct)",
    reliance:
      "offline, a Struct keeps the object it was made from and gives it back (toJavaScript) without building the protobuf value the in-process monitor would only turn back; built on first use of anything else",
    present: () => isFunction(structproto.Struct?.fromJavaScript),
    calledBySdk: () => ({ target: structproto.Struct, method: "fromJavaScript" }),
  },
  {
    name: "source positions",
    source: "resource.ts Resource.callsites (static; every resource constructor calls it)",
    reliance:
      "replaced offline by an empty list: the plan records no source positions, and the capture was a tenth of a large plan",
    present: () => isFunction(resource.Resource?.callsites),
    calledBySdk: () => ({ target: resource.Resource as object, method: "callsites" }),
  },
  {
    name: "promise stacks",
    source: "runtime/debuggable.ts debuggablePromise (@internal; the SDK calls it through the module object)",
    reliance: "replaced offline by a wrapper that formats no stack, keeping each promise's context and leak tracking",
    present: () => isFunction(debuggable.debuggablePromise),
    calledBySdk: () => ({ target: debuggable, method: "debuggablePromise" }),
  },
  {
    name: "TypeScript on first use",
    source: "typescript-shim.ts, imported at the top of runtime/closure/parseFunction.ts (function serialization)",
    reliance:
      "processes started with scripts/ts-register.js replace the shim by a proxy that loads TypeScript on first use (scripts/lib/defer-typescript.js); plans never serialize functions. Only speed depends on it",
    present: () => {
      try {
        return require.resolve("@pulumi/pulumi/typescript-shim").endsWith("typescript-shim.js");
      } catch {
        return false;
      }
    },
  },
  {
    name: "URN construction",
    source: "resource.ts createUrn (the engine's rule: the parent's type chain, minus the root stack type)",
    reliance: "the recording monitor forms URNs itself (recording-monitor.ts engineUrn); the spec checks both agree",
    present: () => isFunction(resource.createUrn),
  },
  {
    name: "policy unknown proxy",
    source:
      "@pulumi/policy proxy.ts unknownCheckingProxy, UnknownValueError, unknownStringValue (@internal, pulumi/pulumi-policy)",
    reliance:
      "the offline policy engine wraps resource properties as the policy server does, so reading an unknown value throws",
    present: () =>
      isFunction(policyProxy.unknownCheckingProxy) &&
      isFunction(policyProxy.UnknownValueError) &&
      typeof policyProxy.unknownStringValue === "string",
  },
  {
    name: "wire format",
    source: `runtime/rpc.ts ${WIRE_CONSTANTS.join(", ")}`,
    reliance:
      "plan values: unknowns, secrets, resource references, assets and output values are recognised by these markers (wire-values.ts)",
    present: () => WIRE_CONSTANTS.every((c) => typeof rpc[c] === "string"),
  },
];

/** The SDK's version (from its package.json). */
export function sdkVersion(): string {
  return (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string })
    .version;
}

/** a < b for dotted numeric versions (pre-release tags ignored). */
function versionBelow(a: string, b: string): boolean {
  const parts = (v: string) => v.split("-")[0].split(".").map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/** What is wrong with the installed SDK for the offline engine: an empty list when nothing is. */
export function sdkSeamProblems(version = sdkVersion()): string[] {
  const problems: string[] = [];
  if (versionBelow(version, SDK_RANGE.min) || !versionBelow(version, SDK_RANGE.below)) {
    problems.push(
      `@pulumi/pulumi ${version} is outside the range the offline engine supports (>= ${SDK_RANGE.min}, < ${SDK_RANGE.below})`,
    );
  }
  for (const point of SDK_SEAM) {
    if (!point.present())
      problems.push(`the SDK no longer has ${point.source}, which the offline engine relies on (${point.reliance})`);
  }
  return problems;
}

let checked = false;
/** Stops before the first offline run if the installed SDK lacks what the engine relies on. */
export function checkSdkSeam(): void {
  if (checked) return;
  const problems = sdkSeamProblems();
  if (problems.length > 0) {
    throw new Error(
      `offline engine: the installed Pulumi SDK does not fit it (see scripts/lib/sdk-seam.ts):\n  ${problems.join("\n  ")}`,
    );
  }
  checked = true;
}

export const withLocalStorage = <T>(callback: () => Promise<T>): Promise<T> => state.withLocalStorage!(callback);
export const waitForRPCs = (): Promise<void> => settings.waitForRPCs!();
export { resproto };

/** Marks the engine's replacements, so installing them again is a no-op. */
const LEAN = Symbol.for("cnai.offlineSdkPatch");

/**
 * Every resource constructor captures the whole JavaScript stack (`Resource.callsites`, with an
 * unlimited stack depth) to send the engine its source position. The offline plan records no
 * source positions, and at a few thousand resources the capture is a tenth of the run's time and
 * allocations; the offline engine turns it off. (`pulumi up` is unaffected: this runs only here.)
 */
export function skipSourcePositions(resourceClass: unknown): void {
  const holder = resourceClass as { callsites: (() => unknown[]) & { [LEAN]?: true } };
  if (holder.callsites[LEAN]) return;
  holder.callsites = Object.assign(() => [], { [LEAN]: true as const });
}

/**
 * The SDK's `debuggablePromise` wraps most promises it creates and stores a formatted stack on
 * each, for the leak report it prints if a program exits with promises pending. With source maps
 * on (the tests, --verbose), formatting those stacks was half of the test suite's time. Offline the
 * stack is left empty; the leak tracking and each promise's context stay, and the SDK's modules
 * call the export through their module object, so they get this one.
 */
export function skipPromiseStacks(): void {
  const original = debuggable.debuggablePromise! as NonNullable<typeof debuggable.debuggablePromise> & {
    [LEAN]?: true;
  };
  if (original[LEAN]) return;
  const lean = <T>(promise: Promise<T>, context: unknown): Promise<T> => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise = Object.assign(lean, { [LEAN]: true as const });
}

/**
 * The SDK turns every registration's inputs (and invoke arguments, outputs) into a protobuf Struct
 * for the resource monitor, which offline is in the same process and turns it straight back into
 * the object (recording-monitor.ts, MockMonitor.invoke): a tenth of a plan. Offline, the Struct
 * keeps the object: `toJavaScript` returns it, and anything that reads its fields (`getFieldsMap`:
 * the SDK reading an invoke's result, protobuf's writer serialising it) gets the real one, built
 * on first use.
 */
export function keepStructObjects(): void {
  const Struct = structproto.Struct as typeof structproto.Struct & { fromJavaScript: { [LEAN]?: true } };
  const original = Struct.fromJavaScript;
  if (original[LEAN]) return;
  const lazy = (value: Record<string, unknown>) => {
    const struct = new Struct();
    let real: Record<string, unknown> | undefined;
    const materialized = () => {
      real ??= original.call(Struct, value);
      return real;
    };
    struct.toJavaScript = () => value;
    struct.getFieldsMap = (...args: unknown[]) =>
      (materialized().getFieldsMap as (...a: unknown[]) => unknown)(...args);
    return struct;
  };
  Struct.fromJavaScript = Object.assign(lazy, { [LEAN]: true as const });
}

/**
 * @pulumi/policy's unknown-value proxy: the policy server wraps each resource's properties in it,
 * so that reading a value unknown during preview throws UnknownValueError. The offline policy
 * engine uses it the same way.
 */
export const unknownCheckingProxy = policyProxy.unknownCheckingProxy;
export const UnknownValueError = policyProxy.UnknownValueError;
export type UnknownValueError = InstanceType<typeof policyProxy.UnknownValueError>;
export const unknownStringValue = policyProxy.unknownStringValue;
