import * as assert from "node:assert";
import * as path from "node:path";
import { pullRequestSarif, reportSarifUploads } from "../helpers/workflows";

/**
 * The SARIF hand-over between the workflows: pull-request.yml plans each stack into its --out
 * directory and uploads the SARIF from there as artifact plan-<stack>; pull-request-report.yml
 * downloads the artifacts into plans/plan-<stack>/ and uploads each SARIF only if `hashFiles(...)`
 * finds it. A name that differs anywhere makes the guard skip the upload silently (hashFiles of a
 * missing file is '': https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#hashfiles).
 * That the plan itself writes this file name is checked where the plan runs (test/policies/commands.spec.ts).
 */
describe("SARIF upload between the workflows", () => {
  it("the pull-request workflow uploads one SARIF file, from the plan's --out directory", () => {
    const { out, artifactPaths } = pullRequestSarif();
    assert.strictEqual(artifactPaths.length, 1, artifactPaths.join(", "));
    assert.strictEqual(path.posix.dirname(artifactPaths[0]), out);
  });

  it("each report upload checks and uploads that same file of its stack's artifact", () => {
    const name = path.posix.basename(pullRequestSarif().artifactPaths[0]);
    const uploads = reportSarifUploads();
    assert.ok(uploads.length > 0, "the report workflow uploads SARIF");
    for (const { sarifFile, guarded } of uploads) {
      assert.strictEqual(guarded, sarifFile, "the if: guard checks the file the step uploads");
      // download-artifact with a pattern puts each artifact in plans/<artifact name>/, flat (the common directory dropped).
      assert.match(sarifFile, /^plans\/plan-[^/]+\/[^/]+$/);
      assert.strictEqual(path.posix.basename(sarifFile), name);
    }
  });
});
