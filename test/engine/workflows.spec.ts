import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { listStacks, readProjectFile } from "../../scripts/lib/project-files";
import { ROOT } from "../helpers/run";

const workflow = (name: string) => parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8"));
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

/** The GitHub workflows stay in step with the stacks, the npm scripts and the policy packs. */
describe("GitHub workflows", () => {
  const stacks = listStacks(readProjectFile(ROOT));

  it("pull requests plan every shipped stack offline with SARIF, with no secrets, and run the suite", () => {
    const pr = workflow("pull-request.yml");
    assert.deepStrictEqual(Object.keys(pr.on), ["pull_request"]);
    assert.deepStrictEqual(pr.permissions, { contents: "read" });
    assert.deepStrictEqual([...pr.jobs.plan.strategy.matrix.stack].sort(), stacks);
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
    assert.ok(pr.jobs.test.steps.some((s: { run?: string }) => s.run === ".ci/run"));
    assert.match(pr.jobs.preview.if, /head\.repo\.full_name == github\.repository/);
  });

  it("the report workflow comments and uploads SARIF from the artifacts only, for each stack", () => {
    const report = workflow("pull-request-report.yml");
    assert.deepStrictEqual(report.on.workflow_run.workflows, ["pull-request"]);
    const steps = report.jobs.report.steps as Array<{ uses?: string; with?: Record<string, string> }>;
    assert.ok(!steps.some((s) => s.uses?.startsWith("actions/checkout")), "never checks out the pull request's code");
    const sarif = steps.filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
    assert.deepStrictEqual(sarif.map((s) => s.with!.category).sort(), stacks.map((s) => `cnai-policy-${s}`).sort());
  });

  it("deploys dev, staging and prod in order, each with both packs and its own policy config", () => {
    const deploy = workflow("deploy.yml");
    assert.deepStrictEqual(Object.keys(deploy.jobs), ["dev", "staging", "prod"]);
    assert.strictEqual(deploy.jobs.staging.needs, "dev");
    assert.strictEqual(deploy.jobs.prod.needs, "staging");
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
      .readdirSync(path.join(ROOT, ".github", "workflows"))
      .map((f) => fs.readFileSync(path.join(ROOT, ".github", "workflows", f), "utf8"))
      .join("\n");
    for (const [, script] of text.matchAll(/npm run ([a-z-]+)/g)) assert.ok(scripts[script], `npm run ${script}`);
  });
});
