/**
 * Lets @stryker-mutator/mocha-runner 10.1.1 load Mocha 12's CLI internals. Mocha 12 renamed
 * lib/cli/{run-helpers,options,collect-files}.js to .cjs; the runner requires them without an
 * extension and fails to register itself ("Cannot find TestRunner plugin mocha"). Upstream fix, open:
 * https://github.com/stryker-mutator/stryker-js/pull/6205 ("load Mocha cli internals regardless of
 * file extension"). Until it is released, `npm run mutation` preloads this file (NODE_OPTIONS) so an
 * extensionless request for a file under mocha/lib/cli/ that does not exist resolves to its .cjs twin.
 * Nothing else is changed: every other request resolves as Node resolves it.
 */
const Module = require("node:module");
const path = require("node:path");

const resolve = Module._resolveFilename;
const MOCHA_CLI = `${path.sep}mocha${path.sep}lib${path.sep}cli${path.sep}`;

Module._resolveFilename = function resolveMochaCli(request, ...rest) {
  try {
    return resolve.call(this, request, ...rest);
  } catch (error) {
    if (error?.code === "MODULE_NOT_FOUND" && request.includes(MOCHA_CLI) && path.extname(request) === "") {
      return resolve.call(this, `${request}.cjs`, ...rest);
    }
    throw error;
  }
};
