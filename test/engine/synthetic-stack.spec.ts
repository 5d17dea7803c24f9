import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticProject } from "../../scripts/lib/synthetic-stack";
import { main as plan } from "../../scripts/plan";
import { captureOutput, ROOT } from "../helpers/run";

/**
 * The bench's synthetic stacks (npm run bench plans 10, 100 and 500 teams) are the dev stack with
 * its teams replaced: every setting that names a team must follow, or the bench measures a refused
 * config instead of a plan.
 */
describe("synthetic stacks for the bench", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-synthetic-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a stack of 3 teams plans with every team's job, model and gateway access, and no mandatory violation", async () => {
    const { stack } = writeSyntheticProject(ROOT, dir, 3);
    const out = path.join(dir, "out");
    const { result, stdout, stderr } = await captureOutput(() => plan(["--stack", stack, "--root", dir, "--out", out]));
    assert.strictEqual(result, 0, `${stdout}\n${stderr}`);
    const planned = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as {
      resources: { type: string; inputs: { metadata?: { name?: string; namespace?: string } } }[];
    };
    const of = (type: string) => planned.resources.filter((r) => r.type === type).map((r) => r.inputs.metadata ?? {});
    for (const team of ["team-001", "team-002", "team-003"]) {
      const namespace = `team-${team}`;
      assert.ok(
        of("kubernetes:core/v1:Namespace").some((m) => m.name === namespace),
        `namespace ${namespace}`,
      );
      for (const kind of ["trainer.kubeflow.org/v1alpha1:TrainJob", "serving.kserve.io/v1beta1:InferenceService"])
        assert.ok(
          of(`kubernetes:${kind}`).some((m) => m.namespace === namespace),
          `${kind} in ${namespace}`,
        );
    }
  });
});
