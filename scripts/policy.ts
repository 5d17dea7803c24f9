import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { PACKS } from "../policies/lib/packs";
import { EXIT_ERROR, EXIT_MANDATORY_VIOLATION, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import schema from "./lib/plan.schema.json";
import type { Plan } from "./lib/plan-document";
import { clearPlanOutputs } from "./lib/plan-outputs";
import { checkPlan, mandatoryCount, readStackPolicyConfig } from "./lib/policy-check";
import { UsageError } from "./lib/project-files";
import { renderReport } from "./lib/report";
import { sarifOf } from "./lib/sarif";
import { counted, violationTable } from "./lib/violation-table";

const USAGE =
  "usage: npm run policy -- --plan <plan.json> --stack <name> [--out <dir>] [--format json|sarif] [--verbose] [--root <project dir>]";
const ROOT = path.resolve(__dirname, "..");

/**
 * `policy`: evaluates both policy packs, with a stack's policy config, against any plan.json of the
 * contract (this program's or another's; its `policy` section, which this computes, may be absent),
 * prints the violations, and with --out writes the plan with its `policy` and `estimate` sections
 * filled, its report.md, and policy.sarif with --format sarif.
 */
export async function main(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  try {
    const flags = parseFlags(
      argv,
      {
        plan: { type: "string" },
        stack: { type: "string", short: "s" },
        out: { type: "string" },
        format: { type: "string" },
        root: { type: "string" },
        verbose: { type: "boolean" },
      },
      USAGE,
    );
    verbose = flags.verbose ?? false;
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (!flags.plan) throw new UsageError(`--plan is required\n${USAGE}`);
    if (!flags.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    const format = flags.format ?? "json";
    if (format !== "json" && format !== "sarif")
      throw new UsageError(`--format: got "${format}"; allowed: json or sarif\n${USAGE}`);
    const root = path.resolve(flags.root ?? ROOT);
    const input = readPlan(flags.plan);
    const out = flags.out ? path.resolve(flags.out) : undefined;
    // Once the input is read (it may be <out>/plan.json), before anything else can fail.
    if (out) clearPlanOutputs(out, flags.plan);
    const configs = readStackPolicyConfig(root, flags.stack);
    const { plan, checks } = await checkPlan(input, configs);
    const mandatory = mandatoryCount(plan.policy.violations);
    const sarif = () =>
      `${JSON.stringify(sarifOf(plan, PACKS, `stacks/Pulumi.${flags.stack}.yaml`, configs), null, 2)}\n`;
    const shownOut = out && (path.relative(process.cwd(), out) || ".");
    process.stdout.write(
      violationTable(plan.policy.violations, { verbose, fullMessagesIn: shownOut && path.join(shownOut, "report.md") }),
    );
    const planOf = plan.stack === flags.stack ? "" : ` (a plan of stack ${plan.stack})`;
    process.stdout.write(
      `policy: stack ${flags.stack}${planOf}: ${counted(plan.resources.length, "resource")}, ${counted(checks, "resource check")} by ${plan.policy.packs.join(", ")}: ` +
        `${counted(plan.policy.violations.length, "policy violation")} (${mandatory} mandatory)\n`,
    );
    if (out) {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
      fs.writeFileSync(path.join(out, "report.md"), renderReport(plan));
      if (format === "sarif") fs.writeFileSync(path.join(out, "policy.sarif"), sarif());
      process.stdout.write(
        `policy: wrote ${shownOut}/{plan.json,report.md${format === "sarif" ? ",policy.sarif" : ""}}\n`,
      );
    } else if (format === "sarif") {
      process.stdout.write(sarif());
    }
    return mandatory > 0 ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
  } catch (error) {
    return reportError("policy", error, verbose);
  }
}

/**
 * A plan.json, checked against the contract; errors name the file and the first problems. Its
 * `policy` section is what this command computes: a plan without one is given an empty one first.
 */
function readPlan(file: string): Plan {
  let plan: unknown;
  try {
    plan = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(
      `--plan ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not valid JSON: ${(error as Error).message}`}`,
    );
  }
  if (plan && typeof plan === "object" && !Array.isArray(plan) && !("policy" in plan))
    plan = { ...plan, policy: { packs: [], violations: [] } };
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(plan)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message}`);
    throw new UsageError(
      `--plan ${file}: not a plan.json of the contract (scripts/lib/plan.schema.json): ${problems.join("; ")}`,
    );
  }
  return plan as unknown as Plan;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = reportError("policy", error, true) || EXIT_ERROR),
  );
}
