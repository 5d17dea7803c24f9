import * as fs from "node:fs";
import * as path from "node:path";
import { resolveConfig } from "../stacks/config/load";
import { EXIT_ERROR, EXIT_MANDATORY_VIOLATION, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import { checkObjects, crdSearchPath, findCrdDir, type KubernetesObject, loadCrds } from "./lib/conformance";
import { runStack } from "./lib/engine";
import { manifestsOf } from "./lib/manifests";
import { type Plan, planFromRun } from "./lib/plan-document";
import { UsageError } from "./lib/project-files";

const USAGE = "usage: npm run conformance -- (--stack <name> | --plan <plan.json>)";
const ROOT = path.resolve(__dirname, "..");

/** Validates a plan's Kubernetes objects against the upstream CRDs and the Kubernetes schemas. */
export async function main(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, { stack: { type: "string" }, plan: { type: "string" } }, USAGE);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (!flags.stack === !flags.plan) throw new UsageError(`give --stack or --plan\n${USAGE}`);
    const dir = findCrdDir(ROOT);
    if (!dir) throw new UsageError(`no CRDs in ${crdSearchPath(ROOT).join(", ")}; run npm run fetch-crds`);
    let plan: Plan;
    if (flags.plan) {
      plan = JSON.parse(fs.readFileSync(flags.plan, "utf8")) as Plan;
    } else {
      const stack = flags.stack!;
      plan = planFromRun(
        await runStack({
          root: ROOT,
          stack,
          preflight: (c) => void resolveConfig({ stack, file: c.file, values: c.values }),
        }),
      );
    }
    const report = await checkObjects(
      manifestsOf(plan).map((m) => m.object as KubernetesObject),
      loadCrds(dir),
    );
    for (const p of report.problems)
      process.stdout.write(`conformance: ${p.object}${p.path ? ` ${p.path}` : ""}: ${p.message}\n`);
    process.stdout.write(
      `conformance: ${plan.stack}: ${report.customResources} custom resources and ${report.coreObjects} core objects checked against ${dir}; ${report.problems.length} problems\n`,
    );
    return report.problems.length ? EXIT_MANDATORY_VIOLATION : EXIT_OK;
  } catch (error) {
    return reportError("conformance", error, false) || EXIT_ERROR;
  }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
