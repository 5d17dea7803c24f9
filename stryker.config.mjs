// StrykerJS (https://stryker-mutator.io/docs/stryker-js/configuration/) over the policy packs and the
// stack config, with the mocha runner and the project's TypeScript loader (.mocharc.js requires
// scripts/ts-register.js). `npm run mutation` runs it all; MUTATION_SCOPE=config or =policies runs one
// half against the specs that exercise it (cheaper while killing mutants). Specs that start a
// subprocess (npm run plan / policy) are left out: the subprocess cannot see Stryker's active mutant.
const SCOPES = {
  config: { mutate: ["stacks/config/**/*.ts"], spec: ["test/config/**/*.spec.ts"] },
  policies: {
    mutate: ["policies/**/*.ts", "!policies/*/index.ts"],
    spec: ["test/policies/**/*.spec.ts", "test/analysis/**/*.spec.ts"],
  },
};
const scope = process.env.MUTATION_SCOPE ?? "all";
if (scope !== "all" && !SCOPES[scope])
  throw new Error(`MUTATION_SCOPE: got "${scope}"; allowed: all, config or policies`);
const chosen = scope === "all" ? Object.values(SCOPES) : [SCOPES[scope]];

export default {
  $schema: "./node_modules/@stryker-mutator/core/schema/stryker-schema.json",
  testRunner: "mocha",
  mochaOptions: {
    config: ".mocharc.js",
    spec: chosen.flatMap((s) => s.spec),
    ignore: ["test/policies/commands.spec.ts", "test/policies/new-stack.spec.ts"],
  },
  mutate: chosen.flatMap((s) => s.mutate),
  // Mutants run while modules load (the zod schema's definitions) would each need a fresh process
  // running every spec; the strict-objects and bad-config specs cover the schema's shape instead.
  ignoreStatic: true,
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: `reports/stryker-incremental${scope === "all" ? "" : `-${scope}`}.json`,
  tempDirName: ".stryker-tmp",
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  thresholds: { high: 90, low: 85, break: 85 },
};
