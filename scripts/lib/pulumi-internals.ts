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
