import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { PACKS } from "../policies/lib/packs";
import { EXIT_ERROR, EXIT_MANDATORY_VIOLATION, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import type { Plan } from "./lib/plan-document";
import schema from "./lib/plan.schema.json";
import { checkPlan, mandatoryCount, policyConfigFile, violationTable } from "./lib/policy-check";
import { UsageError } from "./lib/project-files";
import { sarifOf } from "./lib/sarif";

const USAGE = "usage: npm run policy -- --plan <plan.json> --stack <name> [--out <dir>] [--format json|sarif] [--root <project dir>]";
const ROOT = path.resolve(__dirname, "..");

/**
 * `policy`: evaluates both policy packs, with a stack's policy config, against any plan.json of the
 * contract (this program's or another's), prints the violations, and with --out writes the plan
 * with its `policy` and `estimate` sections filled (and policy.sarif with --format sarif).
 */
export async function main(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  try {
    const flags = parseFlags(argv, { plan: { type: "string" }, stack: { type: "string", short: "s" }, out: { type: "string" }, format: { type: "string" }, root: { type: "string" }, verbose: { type: "boolean" } }, USAGE);
    verbose = flags.verbose ?? false;
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (!flags.plan) throw new UsageError(`--plan is required\n${USAGE}`);
    if (!flags.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    const format = flags.format ?? "json";
    if (format !== "json" && format !== "sarif") throw new UsageError(`--format: got "${format}"; allowed: json or sarif\n${USAGE}`);
    const root = path.resolve(flags.root ?? ROOT);
    const input = readPlan(flags.plan);
    const { plan, checks } = await checkPlan(input, policyConfigFile(root, flags.stack));
    const mandatory = mandatoryCount(plan.policy.violations);
    process.stdout.write(violationTable(plan.policy.violations));
    process.stdout.write(`policy: stack ${plan.stack}: ${plan.resources.length} resources, ${checks} resource checks by ${plan.policy.packs.join(", ")}: ${plan.policy.violations.length} violations (${mandatory} mandatory)\n`);
    if (flags.out) {
      const out = path.resolve(flags.out);
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
      if (format === "sarif") fs.writeFileSync(path.join(out, "policy.sarif"), `${JSON.stringify(sarifOf(plan, PACKS, `stacks/Pulumi.${flags.stack}.yaml`), null, 2)}\n`);
      process.stdout.write(`policy: wrote ${path.relative(process.cwd(), out) || "."}/plan.json${format === "sarif" ? " and policy.sarif" : ""}\n`);
    } else if (format === "sarif") {
      process.stdout.write(`${JSON.stringify(sarifOf(plan, PACKS, `stacks/Pulumi.${flags.stack}.yaml`), null, 2)}\n`);
    }
    return mandatory > 0 ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
  } catch (error) {
    return reportError("policy", error, verbose);
  }
}

/** A plan.json, checked against the contract; errors name the file and the first problems. */
function readPlan(file: string): Plan {
  let plan: unknown;
  try {
    plan = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--plan ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not valid JSON: ${(error as Error).message}`}`);
  }
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(plan)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message}`);
    throw new UsageError(`--plan ${file}: not a plan.json of the contract (scripts/lib/plan.schema.json): ${problems.join("; ")}`);
  }
  return plan as unknown as Plan;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = reportError("policy", error, true) || EXIT_ERROR),
  );
}
