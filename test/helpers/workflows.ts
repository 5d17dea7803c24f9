import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "./run";

interface Step {
  id?: string;
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
  // The pull request's own plan (id: plan, whose status gates the job), not the base branch's plan it is diffed against.
  const plan = steps.find((s) => s.id === "plan" && /npm run plan\b/.test(s.run ?? ""));
  assert.ok(plan, "pull-request.yml: the step with id plan runs npm run plan");
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

/**
 * The report workflow's SARIF uploads: the file each upload step sends, the folder its job downloads
 * the stack's artifact into, and the glob by which the report job lists the stacks that have SARIF
 * (only those get an upload job, so a file of another name is never uploaded).
 */
export function reportSarifUploads(): { sarifFile: string; downloadPath: string; artifact: string; listed: string }[] {
  const jobs = workflow("pull-request-report.yml").jobs as Record<string, { steps: Step[] }>;
  const listing = jobs.report.steps.find((s) => s.id === "sarif");
  const listed = /for file in (\S+); do/.exec(listing?.run ?? "")?.[1];
  assert.ok(listed, "pull-request-report.yml: the report job lists the stacks' SARIF files");
  return Object.values(jobs).flatMap((job) => {
    const download = job.steps.find((s) => s.uses?.startsWith("actions/download-artifact"));
    return job.steps
      .filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))
      .map((s) => ({
        sarifFile: s.with!.sarif_file,
        downloadPath: download?.with?.path ?? "",
        artifact: download?.with?.name ?? "",
        listed,
      }));
  });
}
