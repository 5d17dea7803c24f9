const os = require("node:os");

/**
 * Mocha's settings. The specs load TypeScript through scripts/ts-register.js (transpile-only, cached;
 * `npm test` type-checks once before). `npm test` runs them in parallel (`--parallel`) with one worker
 * per core, at least two: most specs run the program in-process and keep a core busy. One spec:
 * `npx mocha test/components/gke-cluster.spec.ts`.
 */
module.exports = {
  require: ["./scripts/ts-register.js"],
  extension: ["ts"],
  timeout: 60000,
  reporter: "dot",
  jobs: Math.max(2, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length),
};
