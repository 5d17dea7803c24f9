import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main as plan } from "../../scripts/plan";
import { captureOutput } from "./run";

/**
 * A valid dev stack's settings (as a stack file's `config:` values): a zonal stack in us-central1 with
 * an L4 inference pool and an L4 training pool. The config specs break one setting of it at a time.
 */
export const GOOD_STACK_CONFIG: Readonly<Record<string, unknown>> = {
  "gcp:project": "acme-ml-dev",
  "gcp:region": "us-central1",
  "cnai-platform:team": "ml-platform",
  "cnai-platform:costCenter": "cc-ml-1001",
  "cnai-platform:zones": ["us-central1-a"],
  "cnai-platform:observability": { budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 } },
  "cnai-platform:gpuPools": [
    {
      name: "l4",
      machineType: "g2-standard-8",
      accelerator: { type: "nvidia-l4" },
      autoscaling: { max: 2 },
      workloadType: "inference",
    },
    {
      name: "train",
      machineType: "g2-standard-8",
      accelerator: { type: "nvidia-l4" },
      autoscaling: { max: 2 },
      workloadType: "training",
    },
  ],
};

/**
 * Plans `stack` of `project` with `text` as its stack file, through the real `plan` command, and
 * removes the file again. `planned`: whether a plan.json was written.
 */
export async function planStackFile(project: string, stack: string, text: string) {
  const file = path.join(project, "stacks", `Pulumi.${stack}.yaml`);
  const out = path.join(project, "out", stack);
  fs.writeFileSync(file, text);
  fs.rmSync(out, { recursive: true, force: true });
  try {
    const captured = await captureOutput(() => plan(["--stack", stack, "--root", project, "--out", out]));
    return { ...captured, planned: fs.existsSync(path.join(out, "plan.json")) };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** A config refused as users must see it: exit 2, one message naming the stack file, no stack trace, no plan. */
export function assertRefused(run: Awaited<ReturnType<typeof planStackFile>>, stack: string, expect: RegExp): void {
  assert.strictEqual(run.result, 2, `exit status (stderr: ${run.stderr})`);
  assert.strictEqual(run.stdout, "");
  assert.match(run.stderr, new RegExp(`stacks/Pulumi\\.${stack}\\.yaml`));
  assert.match(run.stderr, expect);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  assert.ok(!run.planned, "no plan is written");
}
