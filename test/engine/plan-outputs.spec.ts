import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main as plan } from "../../scripts/plan";
import { main as policy } from "../../scripts/policy";
import { badDevStack, writeProject } from "../helpers/project";
import { captureOutput, ROOT } from "../helpers/run";

/** A run never leaves an earlier run's outputs in its folder for someone to take as its own. */
describe("plan and policy outputs", function () {
  this.timeout(120_000);
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-outputs-"));
    out = path.join(dir, "out");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** An earlier run's files, and a file of the user's that is none of ours. */
  const earlierRun = () => {
    fs.mkdirSync(path.join(out, "manifests"), { recursive: true });
    for (const file of ["plan.json", "report.md", "policy.sarif", path.join("manifests", "old.yaml")])
      fs.writeFileSync(path.join(out, file), "from an earlier run\n");
    fs.writeFileSync(path.join(out, "notes.txt"), "the user's\n");
  };
  const listing = () => fs.readdirSync(out).sort();

  it("a failed plan leaves none of the earlier run's files, and only those go", async () => {
    const root = path.join(dir, "project");
    writeProject(root, { dev: badDevStack() });
    earlierRun();
    const { result, stderr } = await captureOutput(() => plan(["--stack", "dev", "--root", root, "--out", out]));
    assert.strictEqual(result, 2, stderr);
    assert.deepStrictEqual(listing(), ["notes.txt"]);
  });

  it("a plan without --format sarif leaves no earlier policy.sarif; policy --out keeps its input until it rewrites it", async () => {
    earlierRun();
    const planned = await captureOutput(() => plan(["--stack", "dev", "--out", out]));
    assert.strictEqual(planned.result, 0, planned.stderr);
    assert.deepStrictEqual(listing(), ["manifests", "notes.txt", "plan.json", "report.md"]);
    assert.ok(!fs.existsSync(path.join(out, "manifests", "old.yaml")));
    const written = fs.readFileSync(path.join(out, "plan.json"), "utf8");

    // policy reads <out>/plan.json and writes into <out>: a stale SARIF goes, the input stays even if policy fails.
    fs.writeFileSync(path.join(out, "policy.sarif"), "from an earlier run\n");
    const failed = await captureOutput(() =>
      policy(["--plan", path.join(out, "plan.json"), "--stack", "nope", "--out", out, "--root", ROOT]),
    );
    assert.strictEqual(failed.result, 2);
    assert.match(failed.stderr, /policies\/config\/nope\/governance\.json: no policy config for stack nope/);
    assert.deepStrictEqual(listing(), ["notes.txt", "plan.json"]);
    assert.strictEqual(fs.readFileSync(path.join(out, "plan.json"), "utf8"), written, "the input is kept");

    fs.writeFileSync(path.join(out, "policy.sarif"), "from an earlier run\n");
    const checked = await captureOutput(() =>
      policy(["--plan", path.join(out, "plan.json"), "--stack", "dev", "--out", out]),
    );
    assert.strictEqual(checked.result, 0, checked.stderr);
    assert.deepStrictEqual(listing(), ["notes.txt", "plan.json", "report.md"]);
  });
});
