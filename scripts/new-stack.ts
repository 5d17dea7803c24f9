import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { PACKS } from "../policies/lib/packs";
import { resolveConfig } from "../stacks/config/load";
import { EXIT_ERROR, EXIT_MANDATORY_VIOLATION, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import { runStack } from "./lib/engine";
import { forkAdvice, renderForkAdvice } from "./lib/fork-fixes";
import { planFromRun } from "./lib/plan-document";
import { checkPlan, mandatoryCount, policyConfigFile, readStackPolicyConfig } from "./lib/policy-check";
import { readProjectFile, readStackConfigFile, UsageError } from "./lib/project-files";
import { counted } from "./lib/violation-table";

const USAGE =
  "usage: npm run new-stack -- --name <stack> [--from dev|staging|prod|<stack>] [--profile dev|staging|prod] " +
  "[--project <gcp project>] [--region <region>] [--team <team>] [--cost-center <cost center>] [--billing-account <012345-6789AB-CDEF01>] [--root <project dir>]";
const ROOT = path.resolve(__dirname, "..");

/**
 * `new-stack`: forks a stack. Copies `stacks/Pulumi.<from>.yaml` (comments kept) and its policy
 * config files (`policies/config/<from>/<pack>.json`) to the new stack, with the settings given replaced; a new region drops the source's zone
 * lists (the profile picks zones). Both files are validated as `plan` validates them, and nothing
 * is written unless both are valid. Then the new stack is planned with the policies, and what must
 * change for it to pass is printed with the figures and the key (docs/forking.md).
 */
export async function main(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  try {
    const flags = parseFlags(
      argv,
      {
        name: { type: "string" },
        from: { type: "string" },
        profile: { type: "string" },
        project: { type: "string" },
        region: { type: "string" },
        team: { type: "string" },
        "cost-center": { type: "string" },
        "billing-account": { type: "string" },
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
    const name = flags.name;
    if (!name) throw new UsageError(`--name is required\n${USAGE}`);
    if (!/^[a-z][a-z0-9-]{0,29}$/.test(name))
      throw new UsageError(
        `--name: got "${name}"; allowed: a lower-case stack name (letters, digits, '-', up to 30; it becomes part of resource names)`,
      );
    const root = path.resolve(flags.root ?? ROOT);
    const project = readProjectFile(root);
    const from = flags.from ?? flags.profile ?? "dev";
    const source = readStackConfigFile(project, from);
    const target = path.join(project.stackConfigDir, `Pulumi.${name}.yaml`);
    const policyFiles = PACKS.map((pack) => ({
      from: policyConfigFile(root, from, pack),
      to: policyConfigFile(root, name, pack),
    }));
    for (const file of [target, ...policyFiles.map((f) => f.to)])
      if (fs.existsSync(file))
        throw new UsageError(`${path.relative(root, file)} exists; choose another --name or delete it first`);

    const doc = parseDocument(fs.readFileSync(path.join(root, source.file), "utf8"));
    const sourceProject = String(doc.getIn(["config", "gcp:project"]) ?? "");
    const sourceRegion = String(doc.getIn(["config", "gcp:region"]) ?? "");
    const set = (key: string, value: unknown) => value !== undefined && doc.setIn(["config", key], value);
    set("gcp:project", flags.project);
    set("gcp:region", flags.region);
    set("cnai-platform:team", flags.team);
    set("cnai-platform:costCenter", flags["cost-center"]);
    // A stack named after a profile takes it implicitly; a fork must say it.
    set(
      "cnai-platform:profile",
      flags.profile ??
        doc.getIn(["config", "cnai-platform:profile"]) ??
        (["dev", "staging", "prod"].includes(from) ? from : undefined),
    );
    if (flags["billing-account"])
      doc.setIn(["config", "cnai-platform:observability", "budget", "billingAccount"], flags["billing-account"]);
    if (flags.region && flags.region !== sourceRegion) dropZones(doc);
    doc.commentBefore = ` ${name}: forked from ${from} by npm run new-stack; edit the settings below (docs/configuration.md).`;
    const yamlText = doc.toString();

    const relative = path.relative(root, target);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, yamlText);
    try {
      const config = readStackConfigFile(project, name);
      resolveConfig({ stack: name, file: relative, values: config.values });
      const written: string[] = [];
      for (const file of policyFiles) {
        if (!fs.existsSync(file.from))
          throw new UsageError(`${path.relative(root, file.from)}: no policy config for stack ${from} to copy`);
        const policyText = forkPolicyConfig(fs.readFileSync(file.from, "utf8"), {
          from,
          to: name,
          replace: [
            [sourceProject, flags.project],
            [sourceRegion, flags.region],
          ],
        });
        fs.mkdirSync(path.dirname(file.to), { recursive: true });
        fs.writeFileSync(file.to, policyText);
        written.push(path.relative(root, file.to));
      }
      readStackPolicyConfig(root, name);
      process.stdout.write(`new-stack: wrote ${relative} and ${written.join(", ")} (from ${from})\n`);
    } catch (error) {
      for (const file of [target, ...policyFiles.map((f) => f.to)]) fs.rmSync(file, { force: true });
      const dir = path.dirname(policyFiles[0].to);
      if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      throw error;
    }
    return await checkFork(root, {
      stack: name,
      from,
      region: String(doc.getIn(["config", "gcp:region"]) ?? ""),
      sourceRegion,
    });
  } catch (error) {
    return reportError("new-stack", error, verbose);
  }
}

/**
 * Plans the new stack offline with both packs, as `npm run plan` does (nothing written), and prints
 * what to change for each mandatory violation, with the figures and the key: a fork copies its
 * source's budgets (the GPU and CO2e caps), set for the source's region and pools. Exit 1 when
 * something must change (the files stay: they are valid, only not yet within policy), else 0.
 */
async function checkFork(
  root: string,
  fork: { stack: string; from: string; region: string; sourceRegion: string },
): Promise<number> {
  const configs = readStackPolicyConfig(root, fork.stack);
  const run = await runStack({
    root,
    stack: fork.stack,
    preview: false,
    isolated: false,
    preflight: (config) => void resolveConfig({ stack: fork.stack, file: config.file, values: config.values }),
  });
  const { plan } = await checkPlan(planFromRun(run), configs);
  const advice = forkAdvice(plan, configs, { root, ...fork });
  const mandatory = mandatoryCount(plan.policy.violations);
  process.stdout.write(
    `new-stack: planned ${fork.stack} offline: ${counted(plan.resources.length, "resource")}, ` +
      `${counted(plan.policy.violations.length, "policy violation")} (${mandatory} mandatory)\n`,
  );
  if (mandatory === 0) {
    process.stdout.write(`new-stack: next: npm run plan -- --stack ${fork.stack}\n`);
    return EXIT_OK;
  }
  process.stdout.write(renderForkAdvice(advice, fork.stack));
  return EXIT_MANDATORY_VIOLATION;
}

/** Zone lists belong to a region: without them the profile picks the new region's zones. */
function dropZones(doc: ReturnType<typeof parseDocument>): void {
  doc.deleteIn(["config", "cnai-platform:zones"]);
  const pools = doc.getIn(["config", "cnai-platform:gpuPools"]) as
    | { items?: Array<{ delete(key: string): boolean }> }
    | undefined;
  for (const pool of pools?.items ?? []) pool.delete("zones");
}

/** The source stack's policy config for the new stack: URNs and project- or region-bound values rewritten. */
export function forkPolicyConfig(
  text: string,
  fork: { from: string; to: string; replace: Array<[string, string | undefined]> },
): string {
  let out = text.split(`urn:pulumi:${fork.from}::`).join(`urn:pulumi:${fork.to}::`);
  for (const [before, after] of fork.replace)
    if (before && after && before !== after) out = out.split(before).join(after);
  return out;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = reportError("new-stack", error, true) || EXIT_ERROR),
  );
}
