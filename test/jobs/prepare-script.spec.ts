import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

/**
 * The example preparation script's logic (jobs/ray/prepare.py), through its Python unit tests
 * (test/jobs/test_prepare.py, standard library only). Needs python3 >= 3.10 on PATH.
 */
describe("jobs/ray/prepare.py", () => {
  it("passes its Python unit tests (schema checks, bad rows, duplicates, counts)", () => {
    const run = spawnSync("python3", [path.join(__dirname, "test_prepare.py")], { encoding: "utf8" });
    assert.equal(run.error, undefined, `python3 could not run: ${run.error?.message}`);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /Ran 8 tests/);
  });
});
