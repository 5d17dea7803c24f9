/**
 * The Pulumi Node.js SDK loads the TypeScript compiler (~9 MB) as soon as it is required
 * (sdk/nodejs/runtime/closure/parseFunction.ts imports typescript-shim at the top), for function
 * serialization (dynamic providers, serialized closures), which the offline plan, the policy
 * evaluation and the tests never use. Loading it was a third of a plan's time. In these processes
 * the shim is a proxy that loads the real module on its first use, so nothing changes for a program
 * that does serialize a function. Listed in scripts/lib/sdk-seam.ts; `pulumi up` is unaffected (the
 * Pulumi CLI's runtime does not load this file). Plain JavaScript: it must run before the SDK loads.
 */
const Module = require("node:module");
const path = require("node:path");

let shim;
try {
  shim = require.resolve("@pulumi/pulumi/typescript-shim", { paths: [path.resolve(__dirname, "..", "..")] });
} catch {
  shim = undefined; // No SDK installed here: nothing to defer.
}
if (shim && !Module._cache[shim]) {
  let real;
  // What the shim itself does: the project's TypeScript, else the SDK's vendored copy.
  const resolveReal = () => {
    try {
      return require.resolve("typescript", { paths: [path.dirname(shim)] });
    } catch {
      return path.join(path.dirname(shim), "vendor", "typescript@3.8.3", "typescript.js");
    }
  };
  const load = () => (real ??= require(resolveReal()));
  const lazy = new Proxy(
    {},
    {
      get: (_, key) => load()[key],
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  const entry = new Module(shim, null);
  entry.filename = shim;
  entry.paths = Module._nodeModulePaths(path.dirname(shim));
  entry.exports = lazy;
  entry.loaded = true;
  Module._cache[shim] = entry;
  module.exports = { deferred: shim, loaded: () => real !== undefined };
} else {
  module.exports = { deferred: undefined, loaded: () => true };
}
