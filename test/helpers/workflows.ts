import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "./run";

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

/** A workflow of .github/workflows, parsed. */
export function workflow(name: string) {
  return parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8"));
}

/**
 * What the pull-request workflow does with the policy SARIF: the `--out` directory its plan step
 * passes, and the SARIF files its artifact step uploads (as written in the workflow, with
 * `${{ matrix.stack }}` in them).
 */
export function pullRequestSarif(): { out: string; artifactPaths: string[] } {
  const steps = workflow("pull-request.yml").jobs.plan.steps as Step[];
  const plan = steps.find((s) => /npm run plan\b/.test(s.run ?? ""));
  assert.ok(plan, "pull-request.yml: a step runs npm run plan");
  assert.match(plan.run!, /--format sarif/, "the plan step asks for SARIF");
  const out = /--out "([^"]+)"/.exec(plan.run!)?.[1];
  assert.ok(out, "the plan step names its --out directory");
  const artifact = steps.find((s) => s.uses?.startsWith("actions/upload-artifact"));
  assert.ok(artifact?.with?.path, "pull-request.yml: an upload-artifact step with paths");
  const artifactPaths = artifact.with.path
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.endsWith(".sarif"));
  return { out, artifactPaths };
}

/** The report workflow's SARIF uploads: the file each uploads and the file its `if:` guard checks. */
export function reportSarifUploads(): { sarifFile: string; guarded: string | undefined }[] {
  const steps = workflow("pull-request-report.yml").jobs.report.steps as Step[];
  return steps
    .filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))
    .map((s) => ({ sarifFile: s.with!.sarif_file, guarded: /hashFiles\('([^']+)'\)/.exec(s.if ?? "")?.[1] }));
}
