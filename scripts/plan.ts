import * as fs from "node:fs";
import * as path from "node:path";
import { diffPlans } from "../policies/lib/analysis/plan-diff";
import { PACKS } from "../policies/lib/packs";
import { resolveConfig } from "../stacks/config/load";
import { EXIT_ERROR, EXIT_MANDATORY_VIOLATION, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import { runStack } from "./lib/engine";
import { writeManifests } from "./lib/manifests";
import { diffSummaryLine, readBasePlan } from "./lib/plan-diff";
import { type Plan, planFromRun } from "./lib/plan-document";
import { clearPlanOutputs } from "./lib/plan-outputs";
import { checkPlan, mandatoryCount, readStackPolicyConfig } from "./lib/policy-check";
import { UsageError } from "./lib/project-files";
import { renderReport } from "./lib/report";
import { sarifOf } from "./lib/sarif";
import { counted, violationTable } from "./lib/violation-table";

const USAGE =
  "usage: npm run plan -- --stack <name> [--out <dir>] [--preview] [--format json|sarif] [--verbose] [--root <project dir>] [--program <Pulumi project dir>] [--against <base plan.json>]";
const ROOT = path.resolve(__dirname, "..");

/**
 * `plan`: runs the program for a stack offline and writes plan.json, manifests/ and report.md.
 * `--program <dir>` runs another Pulumi program instead of the blueprint's (an example of examples/,
 * or a team's own program built from the components): its Pulumi.yaml and its stack file
 * `Pulumi.<stack>.yaml`, evaluated with the blueprint's policy config of that stack
 * (policies/config/<stack>/); the default output is then out/<program folder>/<stack>.
 */
export async function main(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  try {
    const flags = parseFlags(
      argv,
      {
        stack: { type: "string", short: "s" },
        out: { type: "string" },
        against: { type: "string" },
        preview: { type: "boolean" },
        format: { type: "string" },
        verbose: { type: "boolean" },
        root: { type: "string" },
        program: { type: "string" },
      },
      USAGE,
    );
    verbose = flags.verbose ?? false;
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (!flags.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    const program = flags.program === undefined ? undefined : path.resolve(flags.program);
    const format = flags.format ?? "json";
    if (format !== "json" && format !== "sarif")
      throw new UsageError(`--format: got "${format}"; allowed: json or sarif\n${USAGE}`);
    const root = path.resolve(flags.root ?? ROOT);
    const out = path.resolve(
      flags.out ?? path.join(root, "out", ...(program ? [path.basename(program)] : []), flags.stack),
    );
    const started = Date.now();
    // Before anything can fail: a failed plan leaves no earlier run's files behind.
    clearPlanOutputs(out);
    let configs: ReturnType<typeof readStackPolicyConfig> | undefined;
    // The base plan first: a wrong --against stops before the program runs.
    const base = flags.against ? readBasePlan(path.resolve(flags.against), flags.stack) : undefined;
    let stackFile = `stacks/Pulumi.${flags.stack}.yaml`;
    const run = await runStack({
      root: program ?? root,
      stack: flags.stack,
      preview: flags.preview ?? false,
      // One program per process: no separate runtime store needed (and no async hooks on every promise).
      isolated: false,
      // The stack's config, then its policy config: either wrong stops the plan before the program runs.
      // Another program's config is its own to check.
      preflight: (config) => {
        if (program) stackFile = path.relative(root, path.join(program, config.file));
        else resolveConfig({ stack: flags.stack!, file: config.file, values: config.values });
        configs = readStackPolicyConfig(root, flags.stack!);
      },
    });
    const { plan } = await checkPlan(planFromRun(run), configs!);
    if (base)
      plan.diff = diffPlans(
        base.resources,
        plan.resources,
        `${base.stack} ${path.relative(process.cwd(), path.resolve(flags.against!))}`,
      );
    const files = await writePlanFiles(plan, out);
    if (format === "sarif")
      fs.writeFileSync(
        path.join(out, "policy.sarif"),
        `${JSON.stringify(sarifOf(plan, PACKS, stackFile, configs), null, 2)}\n`,
      );
    const mandatory = mandatoryCount(plan.policy.violations);
    if (plan.diff) process.stdout.write(diffSummaryLine(plan.diff));
    const shownOut = path.relative(process.cwd(), out) || ".";
    process.stdout.write(
      violationTable(plan.policy.violations, { verbose, fullMessagesIn: path.join(shownOut, "report.md") }),
    );
    process.stdout.write(
      `plan: stack ${plan.stack}${plan.preview ? " (preview)" : ""}: ${counted(plan.resources.length, "resource")}, ` +
        `${counted(files.manifests, "Kubernetes manifest")}, ${counted(plan.policy.violations.length, "policy violation")} (${mandatory} mandatory) ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)}s\nplan: wrote ${shownOut}/{plan.json,report.md,manifests/${format === "sarif" ? ",policy.sarif" : ""}}\n`,
    );
    // A protected resource or a data store replaced or deleted fails the plan like a mandatory violation.
    return mandatory > 0 || (plan.diff?.errors.length ?? 0) > 0 ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
  } catch (error) {
    return reportError("plan", error, verbose);
  }
}

/** Writes plan.json, report.md and manifests/ into `out`. */
export async function writePlanFiles(plan: Plan, out: string): Promise<{ manifests: number }> {
  fs.mkdirSync(out, { recursive: true });
  const [manifests] = await Promise.all([
    writeManifests(plan, path.join(out, "manifests")),
    fs.promises.writeFile(path.join(out, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`),
    fs.promises.writeFile(path.join(out, "report.md"), renderReport(plan)),
  ]);
  return { manifests: manifests.length };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = reportError("plan", error, true) || EXIT_ERROR),
  );
}
