import * as assert from "node:assert";
import * as path from "node:path";
import { pullRequestSarif, reportSarifUploads } from "../helpers/workflows";

/**
 * The SARIF hand-over between the workflows: pull-request.yml plans each stack into its --out
 * directory and uploads the SARIF from there as artifact plan-<stack>; pull-request-report.yml
 * downloads the artifacts into plans/plan-<stack>/, lists the stacks whose SARIF file is there, and
 * uploads each listed stack's file from its own download. A name that differs anywhere makes the
 * listing skip the stack silently.
 * That the plan itself writes this file name is checked where the plan runs (test/policies/commands.spec.ts).
 */
describe("SARIF upload between the workflows", () => {
  it("the pull-request workflow uploads one SARIF file, from the plan's --out directory", () => {
    const { out, artifactPaths } = pullRequestSarif();
    assert.strictEqual(artifactPaths.length, 1, artifactPaths.join(", "));
    assert.strictEqual(path.posix.dirname(artifactPaths[0]), out);
  });

  it("each report upload sends that same file of its stack's artifact, and the report lists stacks by it", () => {
    const name = path.posix.basename(pullRequestSarif().artifactPaths[0]);
    const uploads = reportSarifUploads();
    assert.ok(uploads.length > 0, "the report workflow uploads SARIF");
    for (const { sarifFile, downloadPath, artifact, listed } of uploads) {
      // The stack's artifact, as pull-request.yml names it, downloaded into downloadPath/ (flat).
      assert.strictEqual(artifact, "plan-${{ matrix.stack }}");
      assert.strictEqual(sarifFile, `${downloadPath}/${name}`, "the upload sends the file the plan wrote");
      // The report job lists plans/plan-<stack>/<file>: a stack whose file has another name gets no upload.
      assert.strictEqual(listed, `plans/plan-*/${name}`);
    }
  });
});
