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
