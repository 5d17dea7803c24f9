/**
 * Two runtime functions the Pulumi Node SDK marks @internal (so its typings omit them), which the
 * SDK's own Automation API uses to run inline programs: a fresh runtime store per run, and the wait
 * for outstanding registrations. Pinned with @pulumi/pulumi 3.248.x; test/engine covers them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as {
  withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
};

export const withLocalStorage = state.withLocalStorage;
export const waitForRPCs = settings.waitForRPCs;

/**
 * @pulumi/policy's unknown-value proxy (also @internal): the policy server wraps each resource's
 * properties in it, so that reading a value unknown during preview throws UnknownValueError.
 * Pinned with @pulumi/policy 1.21.x; the offline policy engine uses it the same way.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: new (sentinel: string, props: string[]) => Error;
  unknownStringValue: string;
};

export const unknownCheckingProxy = policyProxy.unknownCheckingProxy;
export const UnknownValueError = policyProxy.UnknownValueError;
export type UnknownValueError = InstanceType<typeof policyProxy.UnknownValueError>;
export const unknownStringValue = policyProxy.unknownStringValue;

/**
 * Every resource constructor captures the whole JavaScript stack (`Resource.callsites`, with an
 * unlimited stack depth) to send the engine its source position. The offline plan records no
 * source positions, and at a few thousand resources the capture is a tenth of the run's time and
 * allocations; the offline engine turns it off. (`pulumi up` is unaffected: this runs only here.)
 */
export function skipSourcePositions(resourceClass: unknown): void {
  (resourceClass as { callsites: () => unknown[] }).callsites = () => [];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T>;
};
const LEAN = Symbol.for("cnai.leanDebuggablePromise");

/**
 * The SDK's `debuggablePromise` (@internal) wraps most promises it creates and stores a formatted
 * stack on each, for the leak report it prints if a program exits with promises pending. With
 * source maps on (the tests, --verbose), formatting those stacks was half of the test suite's time.
 * Offline the stack is left empty; the leak tracking and each promise's context stay, and the
 * SDK's modules call the export through their module object, so they get this one.
 */
export function skipPromiseStacks(): void {
  const original = debuggable.debuggablePromise as typeof debuggable.debuggablePromise & { [LEAN]?: true };
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
