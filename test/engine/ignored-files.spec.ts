import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main as bench, resultsFile } from "../../scripts/bench";
import { captureOutput, ROOT } from "../helpers/run";

/** git's own verdict (`git check-ignore`, exit 0 ignored, 1 not), in this checkout. */
function ignoredByGit(file: string): boolean {
  const result = spawnSync("git", ["check-ignore", "--quiet", "--no-index", file], { cwd: ROOT, encoding: "utf8" });
  assert.ok(result.status === 0 || result.status === 1, `git check-ignore ${file}: ${result.stderr}`);
  return result.status === 0;
}

/** What the tools write locally stays out of commits; what the repository tracks is written only on request. */
describe("generated files and git", () => {
  it("ignores the download and transpile caches and the plan and bench outputs", () => {
    for (const file of [".cache/crds/kueue.yaml", "out/dev/plan.json", "out/bench/results.json"])
      assert.ok(ignoredByGit(file), `${file} is ignored`);
    assert.ok(!ignoredByGit("bench/results.json"), "the recorded figures are tracked");
  });

  it("npm run bench writes out/bench/results.json unless told --out <file>, or --record for the tracked bench/results.json", async () => {
    assert.strictEqual(resultsFile(ROOT, {}), path.join(ROOT, "out", "bench", "results.json"));
    assert.strictEqual(resultsFile(ROOT, { record: true }), path.join(ROOT, "bench", "results.json"));
    assert.strictEqual(resultsFile(ROOT, { out: "/tmp/b.json" }), "/tmp/b.json");
    const tracked = fs.readFileSync(path.join(ROOT, "bench", "results.json"), "utf8");
    const both = await captureOutput(() => bench(["--record", "--out", "/tmp/b.json"]));
    assert.strictEqual(both.result, 2);
    assert.match(both.stderr, /bench: --out and --record: give one/);
    assert.strictEqual(fs.readFileSync(path.join(ROOT, "bench", "results.json"), "utf8"), tracked);
  });
});
