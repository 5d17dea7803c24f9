import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKS } from "../policies/lib/packs";
import { EXIT_ERROR, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import type { Plan } from "./lib/plan-document";
import { readStackPolicyConfig } from "./lib/policy-check";
import { evaluatePolicies } from "./lib/policy-engine";
import { UsageError } from "./lib/project-files";
import { writeSyntheticProject } from "./lib/synthetic-stack";

const USAGE =
  "usage: npm run bench -- [--runs <n>] [--teams 10,100,500] [--skip-test-loop] [--out <file> | --record]" +
  "   (default out/bench/results.json; --record: the tracked bench/results.json)";
const ROOT = path.resolve(__dirname, "..");
const STACKS = ["dev", "staging", "prod"];

/**
 * `bench`: measures, as whole processes on this machine, the plan of each shipped stack against a
 * process that only loads the Pulumi SDKs the program uses (the floor); plans of synthetic stacks
 * of N teams; peak memory; policy throughput; the program's start-up as the Pulumi CLI's Node.js
 * runtime loads it; and the test loop against the default ts-node way. Medians of --runs runs.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(
      argv,
      {
        runs: { type: "string" },
        teams: { type: "string" },
        "skip-test-loop": { type: "boolean" },
        out: { type: "string" },
        record: { type: "boolean" },
      },
      USAGE,
    );
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    const runs = Number(flags.runs ?? 5);
    if (!Number.isInteger(runs) || runs < 1 || runs > 50)
      throw new UsageError(`--runs: got ${flags.runs}; allowed: an integer from 1 to 50`);
    const teams = (flags.teams ?? "10,100,500").split(",").map(Number);
    if (teams.some((n) => !Number.isInteger(n) || n < 1 || n > 500))
      throw new UsageError(`--teams: got ${flags.teams}; allowed: team counts from 1 to 500, comma-separated`);
    const out = resultsFile(ROOT, flags);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-bench-"));
    try {
      const results = await measure(work, runs, teams, !flags["skip-test-loop"]);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(`${table(results)}\nbench: wrote ${path.relative(process.cwd(), out)}\n`);
      return EXIT_OK;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  } catch (error) {
    return reportError("bench", error, argv.includes("--verbose"));
  }
}

/**
 * Where the figures go: out/bench/results.json (ignored by git) unless --out names a file, or
 * --record asks to update the tracked bench/results.json, the figures the docs quote.
 */
export function resultsFile(root: string, flags: { out?: string; record?: boolean }): string {
  if (flags.out && flags.record)
    throw new UsageError(`--out and --record: give one (--record writes bench/results.json)\n${USAGE}`);
  if (flags.record) return path.join(root, "bench", "results.json");
  return path.resolve(flags.out ?? path.join(root, "out", "bench", "results.json"));
}

interface ProcessRun {
  seconds: number;
  peakRssMiB: number;
}

/** Runs a command as a process `runs` times; the median wall time and the largest peak RSS. */
function timeProcess(
  command: string[],
  runs: number,
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): ProcessRun & { runs: number[] } {
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const rssFile = path.join(os.tmpdir(), `cnai-bench-rss-${process.pid}-${i}`);
    const [exe, ...args] = command;
    const withRss =
      exe === process.execPath ? [`-r`, path.join(ROOT, "scripts", "lib", "bench-rss.js"), ...args] : args;
    const started = process.hrtime.bigint();
    const result = spawnSync(exe, withRss, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env, CNAI_BENCH_RSS: rssFile },
      encoding: "utf8",
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0)
      throw new Error(
        `${command.join(" ")} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout).slice(-2000)}`,
      );
    times.push(seconds);
    if (fs.existsSync(rssFile)) {
      peak = Math.max(peak, Number(fs.readFileSync(rssFile, "utf8")) / 1024);
      fs.rmSync(rssFile);
    }
  }
  return { seconds: median(times), peakRssMiB: Math.round(peak), runs: times.map((t) => round(t, 3)) };
}

/** Runs each command once per round, `runs` rounds: the median and peak of each, as timeProcess gives them. */
function interleaved(
  commands: Record<string, string[]>,
  runs: number,
  env: Record<string, Record<string, string>> = {},
): Record<string, ProcessRun & { runs: number[] }> {
  const samples: Record<string, Array<ProcessRun & { runs: number[] }>> = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, command] of Object.entries(commands)) {
      samples[name] ??= [];
      samples[name].push(timeProcess(command, 1, { env: env[name] }));
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => {
      const times = list.map((s) => s.seconds);
      return [
        name,
        {
          seconds: median(times),
          peakRssMiB: Math.max(...list.map((s) => s.peakRssMiB)),
          runs: times.map((t) => round(t, 3)),
        },
      ];
    }),
  );
}

/** `npm run plan`'s command line, so the benchmark runs exactly what users run. */
function planCommand(args: string[]): string[] {
  const script = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.plan as string;
  const [node, ...rest] = script.split(/\s+/);
  if (node !== "node") throw new Error(`package.json scripts.plan does not start with node: ${script}`);
  return [process.execPath, ...rest, ...args];
}

/** A process that loads only the Pulumi SDKs, and the resource classes, the plan's resources use. */
function floorCommand(plans: Plan[]): string[] {
  const classes = new Set<string>();
  for (const r of plans.flatMap((p) => p.resources)) {
    const [pkg, module, kind] = r.type.split(":");
    if (pkg === "gcp") classes.add(`gcp[${JSON.stringify(module.split("/")[0])}][${JSON.stringify(kind)}]`);
    if (pkg === "random") classes.add(`random[${JSON.stringify(kind)}]`);
  }
  const script = [
    'const pulumi = require("@pulumi/pulumi"); const gcp = require("@pulumi/gcp"); const k8s = require("@pulumi/kubernetes"); const random = require("@pulumi/random");',
    "void pulumi;",
    ...[...classes].map((c) => `void ${c};`),
    "void k8s.core.v1.Namespace; void k8s.apps.v1.Deployment; void k8s.helm.v4.Chart; void k8s.apiextensions.CustomResource; void k8s.rbac.v1.Role; void k8s.networking.v1.NetworkPolicy; void k8s.kustomize.v2.Directory; void k8s.Provider;",
  ].join("\n");
  return [process.execPath, "-e", script];
}

async function measure(work: string, runs: number, teamCounts: number[], testLoop: boolean) {
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  // Warm the transpile cache, as any second run finds it, and keep the plans for the floor.
  const plans: Plan[] = [];
  for (const stack of STACKS) {
    const dir = path.join(work, stack);
    timeProcess(planCommand(["--stack", stack, "--out", dir]), 1);
    plans.push(JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")));
  }
  // The floor and the plans take turns, run after run, so a drift of the machine's speed weighs on
  // both sides of each ratio alike.
  // The floor gets the compile cache the plans' loader turns on (scripts/ts-register.js), warmed
  // first, so both sides load the SDKs' code the same way.
  const floorEnv = { NODE_COMPILE_CACHE: path.join(ROOT, "node_modules", ".cache", "cnai-v8") };
  timeProcess(floorCommand(plans), 1, { env: floorEnv });
  const rounds = interleaved(
    {
      floor: floorCommand(plans),
      ...Object.fromEntries(
        STACKS.map((stack) => [stack, planCommand(["--stack", stack, "--out", path.join(work, stack)])]),
      ),
    },
    runs,
    { floor: floorEnv },
  );
  const floor = rounds.floor;
  log(`floor (Pulumi SDKs only): ${floor.seconds.toFixed(2)} s`);
  const shipped = STACKS.map((stack, i) => {
    const run = rounds[stack];
    log(`plan ${stack}: ${run.seconds.toFixed(2)} s, ${run.peakRssMiB} MiB`);
    return {
      stack,
      resources: plans[i].resources.length,
      seconds: round(run.seconds, 3),
      ratioToFloor: round(run.seconds / floor.seconds, 2),
      peakRssMiB: run.peakRssMiB,
      runs: run.runs,
    };
  });

  const scaling = teamCounts.map((teams) => {
    const dir = path.join(work, `synthetic-${teams}`);
    const { stack } = writeSyntheticProject(ROOT, dir, teams);
    timeProcess(planCommand(["--stack", stack, "--root", dir, "--out", path.join(dir, "out")]), 1);
    const run = timeProcess(
      planCommand(["--stack", stack, "--root", dir, "--out", path.join(dir, "out")]),
      teams >= 500 ? Math.min(runs, 3) : runs,
    );
    const resources = (JSON.parse(fs.readFileSync(path.join(dir, "out", "plan.json"), "utf8")) as Plan).resources
      .length;
    log(`plan of ${teams} teams: ${resources} resources, ${run.seconds.toFixed(2)} s, ${run.peakRssMiB} MiB`);
    return {
      teams,
      resources,
      seconds: round(run.seconds, 3),
      msPerResource: round((run.seconds * 1000) / resources, 3),
      peakRssMiB: run.peakRssMiB,
      runs: run.runs,
    };
  });

  const largest = scaling.length ? scaling[scaling.length - 1] : undefined;
  const policy = largest
    ? await policyThroughput(path.join(work, `synthetic-${largest.teams}`), `synthetic-${largest.teams}`, runs)
    : undefined;
  if (policy)
    log(
      `policy: ${policy.checks} resource checks in ${policy.seconds.toFixed(2)} s: ${policy.checksPerSecond} per second`,
    );

  const loaders = loaderComparison(work, runs);
  log(
    `loaders, plan dev: ${loaders.plan.custom.seconds.toFixed(2)} s custom (cache warm), ${loaders.plan.customCold.seconds.toFixed(2)} s custom (no cache), ${loaders.plan.tsNode.seconds.toFixed(2)} s ts-node transpile-only; Node type stripping: ${loaders.nodeTypeStripping.runs ? "runs" : "cannot load the project"}`,
  );

  const startup = runtimeStartup(runs);
  log(
    `program start-up as the Pulumi runtime loads it: ${startup.transpileOnly.seconds.toFixed(2)} s (type-checking: ${startup.typeChecking.seconds.toFixed(1)} s)`,
  );

  const tests = testLoop ? testLoopTimes() : undefined;
  if (tests)
    log(
      `npm test ${tests.project.seconds.toFixed(0)} s; default ts-node way ${tests.defaultWay.seconds.toFixed(0)} s: ${tests.speedup}x`,
    );

  return {
    measuredAt: new Date().toISOString(),
    machine,
    floor: {
      seconds: round(floor.seconds, 3),
      peakRssMiB: floor.peakRssMiB,
      runs: floor.runs,
      what: "node loading @pulumi/pulumi, @pulumi/gcp, @pulumi/kubernetes, @pulumi/random and the resource classes the plans use, with Node's compile cache warm (as the plans have it); the SDK as shipped, TypeScript included (the plans defer it: scripts/lib/defer-typescript.js)",
    },
    plans: shipped,
    scaling,
    policy,
    runtimeStartup: startup,
    loaders,
    testLoop: tests,
    targets: {
      planToFloorAtMost2: shipped.every((s) => s.ratioToFloor <= 2),
      largestUnder15s: largest?.teams === 500 ? largest.seconds < 15 : undefined,
      largestUnder1GiB: largest?.teams === 500 ? largest.peakRssMiB < 1024 : undefined,
      msPerResourceWithin1_5xOfSmallest:
        scaling.length > 1 ? scaling[scaling.length - 1].msPerResource <= 1.5 * scaling[0].msPerResource : undefined,
      testLoopAtLeast5x: tests ? tests.speedup >= 5 : undefined,
      customLoaderWinsBy10Percent: loaders.customLoaderWins,
    },
  };
}

/** Resource-policy checks per second: both packs over the largest plan, in this process. */
async function policyThroughput(dir: string, stack: string, runs: number) {
  const plan = JSON.parse(fs.readFileSync(path.join(dir, "out", "plan.json"), "utf8")) as Plan;
  const config = readStackPolicyConfig(dir, stack);
  const times: number[] = [];
  let checks = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    checks = (await evaluatePolicies(plan, PACKS, config)).checks;
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  const seconds = median(times);
  return {
    plan: stack,
    resources: plan.resources.length,
    checks,
    seconds: round(seconds, 3),
    checksPerSecond: Math.round(checks / seconds),
  };
}

/**
 * How the project's TypeScript is loaded, compared (issue: keep the custom loader only if it wins by
 * more than 10 %): the custom loader (scripts/ts-register.js) with its cache warm and with it off,
 * ts-node in transpile-only mode, and Node's own type stripping (Node >= 22.18 strips types from .ts
 * files natively), for `plan`, `policy` and a spec run. Node's stripping loads a .ts file with
 * import/export as an ES module with extensionless specifiers, so whether it can run `plan` at all
 * is recorded, with its first error, and the cost of its transform over the project's files is
 * measured beside the TypeScript compiler's.
 */
function loaderComparison(work: string, runs: number) {
  const planArgs = ["scripts/plan.ts", "--stack", "dev", "--out", path.join(work, "loader-plan")];
  const policyArgs = ["scripts/policy.ts", "--plan", path.join(work, "prod", "plan.json"), "--stack", "prod"];
  const spec = ["test/components/gke-cluster.spec.ts", "test/policies/engine.spec.ts"];
  const custom = ["-r", "./scripts/ts-register.js"];
  const tsNode = ["-r", "ts-node/register/transpile-only"];
  const mocha = require.resolve("mocha/bin/mocha.js");
  const specRun = (loader: string[]) => [
    process.execPath,
    mocha,
    "--no-config",
    "--require",
    loader[1],
    "--extension",
    "ts",
    "--timeout",
    "600000",
    "--reporter",
    "dot",
    ...spec,
  ];
  const cold = { CNAI_TS_CACHE: "off" };
  const measureEach = (command: (loader: string[]) => string[]) => {
    const rounds = interleaved({ custom: command(custom), tsNode: command(tsNode) }, runs);
    const customCold = timeProcess(command(custom), Math.min(runs, 3), { env: cold });
    return { custom: rounds.custom, customCold, tsNode: rounds.tsNode };
  };
  const plan = measureEach((loader) => [process.execPath, ...loader, ...planArgs]);
  const policy = measureEach((loader) => [process.execPath, ...loader, ...policyArgs]);
  const tests = measureEach(specRun);
  const native = spawnSync(process.execPath, planArgs, { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  const firstError = (native.stderr || "")
    .split("\n")
    .find((l) => /Error|error/.test(l))
    ?.trim();
  const transform = spawnSync(
    process.execPath,
    [
      "-e",
      `const m = require("module"), fs = require("fs"); const files = ${JSON.stringify(projectSources())};
     const time = (f) => { const t = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - t) / 1e6; };
     const strip = typeof m.stripTypeScriptTypes === "function" ? time(() => files.forEach((f) => m.stripTypeScriptTypes(fs.readFileSync(f, "utf8"), { mode: "transform" }))) : null;
     let ts; const load = time(() => (ts = require("typescript")));
     const transpile = time(() => files.forEach((f) => ts.transpileModule(fs.readFileSync(f, "utf8"), { fileName: f, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, isolatedModules: true } })));
     console.log(JSON.stringify({ files: files.length, nodeStripMs: strip, typescriptLoadMs: load, typescriptTranspileMs: transpile }));`,
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1" } },
  );
  const share = (a: ProcessRun, b: ProcessRun) => round(1 - a.seconds / b.seconds, 3);
  const summary = (m: ReturnType<typeof measureEach>) => ({
    custom: { seconds: round(m.custom.seconds, 3) },
    customCold: { seconds: round(m.customCold.seconds, 3) },
    tsNode: { seconds: round(m.tsNode.seconds, 3) },
    customFasterThanTsNodeBy: share(m.custom, m.tsNode),
  });
  const result = {
    plan: summary(plan),
    policy: summary(policy),
    specs: { files: spec, ...summary(tests) },
    nodeTypeStripping: {
      runs: native.status === 0,
      status: native.status,
      firstError,
      transformCost: JSON.parse(transform.stdout || "null") as unknown,
    },
    customLoaderWins: [plan, policy, tests].every((m) => share(m.custom, m.tsNode) > 0.1) && native.status !== 0,
  };
  return result;
}

/** The project's TypeScript sources outside test/ (what plan and policy load, and more). */
function projectSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  for (const dir of ["components", "stacks", "policies", "scripts"]) walk(dir);
  return out;
}

/**
 * The program's start-up as `pulumi up` loads it: ts-node registered as Pulumi's Node.js runtime
 * registers it (tsconfig.json's "ts-node" section, transpile-only), then the program's modules
 * loaded; and once with type-checking forced, which is what the tsconfig setting avoids.
 */
function runtimeStartup(runs: number) {
  const load = (typeCheck: boolean) => [
    process.execPath,
    "-e",
    `require("ts-node").register({ compiler: "typescript", project: "tsconfig.json", skipProject: false, compilerOptions: {}${typeCheck ? ", transpileOnly: false, typeCheck: true" : ""} }); require("./stacks/platform");`,
  ];
  const transpileOnly = timeProcess(load(false), runs, { env: { TS_NODE_TRANSPILE_ONLY: "", TS_NODE_TYPE_CHECK: "" } });
  const typeChecking = timeProcess(load(true), 1, { timeoutMs: 900_000 });
  return {
    transpileOnly: { seconds: round(transpileOnly.seconds, 3) },
    typeChecking: { seconds: round(typeChecking.seconds, 1) },
  };
}

/**
 * `npm test` against the same specs the default way (mocha with ts-node/register, type-checking).
 * `npm test` runs before and after the default way and counts as the mean of the two, so a drift
 * of the machine's speed during the long default run does not favour either side.
 */
function testLoopTimes() {
  const npmTest = () => timeProcess(["npm", "test"], 1, { timeoutMs: 1_800_000 }).seconds;
  const before = npmTest();
  const defaultWay = timeProcess(
    [
      "npx",
      "mocha",
      "--no-config",
      "-r",
      "ts-node/register",
      "--extension",
      "ts",
      "--timeout",
      "600000",
      "--reporter",
      "dot",
      "test/**/*.spec.ts",
    ],
    1,
    {
      env: { TS_NODE_TYPE_CHECK: "true", TS_NODE_TRANSPILE_ONLY: "false" },
      timeoutMs: 3_600_000,
    },
  );
  const after = npmTest();
  const project = (before + after) / 2;
  return {
    project: { command: "npm test", seconds: round(project, 1), runs: [round(before, 1), round(after, 1)] },
    defaultWay: {
      command:
        "TS_NODE_TYPE_CHECK=true mocha -r ts-node/register test/**/*.spec.ts (serial, as in Pulumi's testing guide)",
      seconds: round(defaultWay.seconds, 1),
    },
    speedup: round(defaultWay.seconds / project, 1),
  };
}

function table(r: Awaited<ReturnType<typeof measure>>): string {
  const rows = [
    ["measure", "seconds", "peak MiB", "detail"],
    ["floor: Pulumi SDKs", r.floor.seconds.toFixed(2), String(r.floor.peakRssMiB), ""],
    ...r.plans.map((p) => [
      `plan ${p.stack}`,
      p.seconds.toFixed(2),
      String(p.peakRssMiB),
      `${p.resources} resources, ${p.ratioToFloor}x floor`,
    ]),
    ...r.scaling.map((s) => [
      `plan ${s.teams} teams`,
      s.seconds.toFixed(2),
      String(s.peakRssMiB),
      `${s.resources} resources, ${s.msPerResource} ms/resource`,
    ]),
    ...(r.policy
      ? [
          [
            `policy, ${r.policy.plan}`,
            r.policy.seconds.toFixed(2),
            "",
            `${r.policy.checks} checks, ${r.policy.checksPerSecond}/s`,
          ],
        ]
      : []),
    [
      "start-up, Pulumi runtime",
      r.runtimeStartup.transpileOnly.seconds.toFixed(2),
      "",
      `type-checking instead: ${r.runtimeStartup.typeChecking.seconds} s`,
    ],
    ...(["plan", "policy", "specs"] as const).map((k) => [
      `loader, ${k}`,
      r.loaders[k].custom.seconds.toFixed(2),
      "",
      `custom loader; no cache ${r.loaders[k].customCold.seconds.toFixed(2)} s; ts-node transpile-only ${r.loaders[k].tsNode.seconds.toFixed(2)} s (custom ${Math.round(r.loaders[k].customFasterThanTsNodeBy * 100)} % faster)`,
    ]),
    [
      "loader, Node type stripping",
      "",
      "",
      r.loaders.nodeTypeStripping.runs
        ? "runs plan"
        : `cannot load the project: ${r.loaders.nodeTypeStripping.firstError ?? "failed"}`,
    ],
    ...(r.testLoop
      ? [
          [
            "npm test",
            r.testLoop.project.seconds.toFixed(1),
            "",
            `default ts-node way ${r.testLoop.defaultWay.seconds} s: ${r.testLoop.speedup}x`,
          ],
        ]
      : []),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i === 1 || i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
  const targets = Object.entries(r.targets).map(
    ([k, v]) => `${k}: ${v === undefined ? "not measured" : v ? "met" : "NOT met"}`,
  );
  return [...lines, "", ...targets].join("\n");
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = reportError("bench", error, true) || EXIT_ERROR),
  );
}
