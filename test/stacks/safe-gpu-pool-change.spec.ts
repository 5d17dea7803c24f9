import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { GPU_CATALOG } from "../../components/catalog/gpus";
import { diffPlans, type PlanDiff } from "../../policies/lib/analysis/plan-diff";
import { runStack } from "../../scripts/lib/engine";
import { type Plan, planFromRun } from "../../scripts/lib/plan-document";
import { checkPlan, mandatoryCount, readStackPolicyConfig } from "../../scripts/lib/policy-check";
import { resolveConfig } from "../../stacks/config/load";
import { planSchemaErrors } from "../helpers/plan-schema";
import { ROOT } from "../helpers/run";

type Pool = Record<string, unknown> & { name: string; autoscaling: Record<string, unknown>; accelerator: object };

/** The list with entry i replaced. */
const withEntry = (pools: Pool[], i: number, pool: Pool) => pools.map((p, j) => (j === i ? pool : p));

/**
 * The procedure of docs/safe-gpu-pool-change.md on the prod stack: its H100 training pool (in use
 * by the Kueue flavor and the weekly TrainJob) moves from driver LATEST to DEFAULT. Each step is
 * planned with the policy packs and diffed against the step before.
 */
const STEPS: Record<string, (pools: Pool[], i: number) => Pool[]> = {
  // The plain change: the pool's driver version edited in place.
  plain: (pools, i) =>
    withEntry(pools, i, { ...pools[i], accelerator: { ...pools[i].accelerator, driverVersion: "DEFAULT" } }),
  // 1. Bring up generation 2 beside the pool, on standby; the two share the pool's maximum.
  bringUp: (pools, i) => [
    ...withEntry(pools, i, { ...pools[i], autoscaling: { ...pools[i].autoscaling, max: 2 } }),
    {
      ...pools[i],
      generation: 2,
      migration: "standby",
      accelerator: { ...pools[i].accelerator, driverVersion: "DEFAULT" },
      autoscaling: { ...pools[i].autoscaling, max: 2 },
    },
  ],
  // 2. Move: the old generation retires, the new one takes the work.
  move: (pools, i) => {
    const up = STEPS.bringUp(pools, i);
    const { migration: _, ...next } = up[up.length - 1];
    return [...withEntry(up.slice(0, -1), i, { ...up[i], migration: "retiring" }), next];
  },
  // 3. Remove the old generation; the new one gets the whole maximum back.
  remove: (pools, i) => {
    const moved = STEPS.move(pools, i);
    return moved
      .filter((_, j) => j !== i)
      .map((p) => (p.generation === 2 ? { ...p, autoscaling: pools[i].autoscaling } : p));
  },
};

function writeProject(dir: string, step: keyof typeof STEPS): string {
  const doc = parseDocument(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"));
  const pools = (doc.getIn(["config", "cnai-platform:gpuPools"]) as { toJSON(): Pool[] }).toJSON();
  const i = pools.findIndex((p) => p.name === "h100-train");
  doc.setIn(["config", "cnai-platform:gpuPools"], doc.createNode(STEPS[step](pools, i)));
  const root = path.join(dir, step);
  fs.mkdirSync(path.join(root, "stacks"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "Pulumi.yaml"),
    `name: cnai-platform\nruntime: nodejs\nmain: ${path.join(ROOT, "stacks", "index.ts")}\nstackConfigDir: stacks\n`,
  );
  fs.writeFileSync(path.join(root, "stacks", "Pulumi.prod.yaml"), doc.toString());
  fs.cpSync(path.join(ROOT, "policies", "config", "prod"), path.join(root, "policies", "config", "prod"), {
    recursive: true,
  });
  return root;
}

async function planAt(root: string): Promise<Plan> {
  const run = await runStack({
    root,
    stack: "prod",
    preflight: (config) => void resolveConfig({ stack: "prod", file: config.file, values: config.values }),
  });
  return (await checkPlan(planFromRun(run), readStackPolicyConfig(root, "prod"))).plan;
}

const replacedPools = (diff: PlanDiff) =>
  diff.changes.filter((c) => c.type === "gcp:container/nodePool:NodePool" && c.action === "replace").map((c) => c.name);

describe("safe GPU pool change (docs/safe-gpu-pool-change.md)", function () {
  this.timeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-safe-pool-"));
  const plans = new Map<string, Plan>();
  before(async () => {
    plans.set("base", await planAt(ROOT));
    for (const step of Object.keys(STEPS)) plans.set(step, await planAt(writeProject(dir, step)));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const diff = (from: string, to: string) => diffPlans(plans.get(from)!.resources, plans.get(to)!.resources, from);

  it("a plain driver-version change of the in-use pool is a replacement that drains all its GPUs", () => {
    const d = diff("base", "plain");
    assert.deepStrictEqual(replacedPools(d), ["h100-train"]);
    const change = d.changes.find((c) => c.name === "h100-train")!;
    assert.deepStrictEqual(change.replacedBy, [
      "nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig.gpuDriverVersion",
    ]);
    // prod's h100-train: autoscaling.max 4 of a3-highgpu-8g, 8 GPUs each (components/catalog/gpus.ts).
    assert.strictEqual(
      d.disruption.gpusDrained,
      4 * (GPU_CATALOG["nvidia-h100-80gb"].machineTypes["a3-highgpu-8g"]?.gpus ?? Number.NaN),
    );
    assert.strictEqual(d.disruption.pools[0].inUse, true);
  });

  for (const [from, to] of [
    ["base", "bringUp"],
    ["bringUp", "move"],
    ["move", "remove"],
  ])
    it(`${from} → ${to}: replaces no pool, drains no GPU in use, and plans with no mandatory violation`, () => {
      const d = diff(from, to);
      assert.deepStrictEqual(replacedPools(d), []);
      assert.strictEqual(d.disruption.gpusDrained, 0);
      assert.deepStrictEqual(d.errors, []);
      assert.strictEqual(mandatoryCount(plans.get(to)!.policy.violations), 0, JSON.stringify(plans.get(to)!.policy));
    });

  it("brings up gpu-h100-train-g2 first, moves the flavor and the job to it, and deletes gpu-h100-train last", () => {
    const created = diff("base", "bringUp").changes.filter((c) => c.action === "create");
    assert.deepStrictEqual(
      created.map((c) => c.name),
      ["h100-train-g2"],
    );
    const moved = diff("bringUp", "move");
    const flavor = moved.changes.find((c) => c.type.endsWith(":ResourceFlavor"))!;
    assert.deepStrictEqual(
      [flavor.action, flavor.fields],
      ["update", ["spec.nodeLabels.cloud.google.com/gke-nodepool"]],
    );
    assert.ok(moved.changes.some((c) => c.type.endsWith(":TrainJob") && c.action === "update"));
    const removed = diff("move", "remove");
    assert.deepStrictEqual(
      removed.changes.filter((c) => c.action === "delete").map((c) => c.name),
      ["h100-train"],
    );
    assert.strictEqual(removed.disruption.pools[0].inUse, false);
  });

  it("npm run plan --against: a protected data store replaced is an error in report.md and policy.sarif, exit 1", () => {
    // The base branch's prod plan, with the models bucket in another location: this branch moves it.
    const base = structuredClone(plans.get("base")!);
    const bucket = base.resources.find((r) => r.type === "gcp:storage/bucket:Bucket" && r.name.includes("models"))!;
    assert.ok(bucket.options.protect || bucket.options.retainOnDelete, "prod protects its buckets");
    bucket.inputs.location = "EU";
    fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify(base));
    const out = path.join(dir, "out-cli");
    const result = spawnSync(
      "npm",
      [
        "run",
        "-s",
        "plan",
        "--",
        "--stack",
        "prod",
        "--against",
        path.join(dir, "base.json"),
        "--out",
        out,
        "--format",
        "sarif",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.strictEqual(result.status, 1, result.stderr);
    assert.match(result.stdout, /1 to replace, 0 to delete; 0 GPUs drained, 0 workloads restarted, 1 error/);
    const report = fs.readFileSync(path.join(out, "report.md"), "utf8");
    assert.match(report, /## Changes against the base branch/);
    assert.match(
      report,
      /ERROR `Bucket .*models.*`: Bucket .* is protected and would be replaced \(location changed\)/,
    );
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "policy.sarif"), "utf8"));
    const results = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === "cnai-plan-diff");
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].level, "error");
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    assert.deepStrictEqual(planSchemaErrors(written), []);
    assert.strictEqual(written.diff.errors.length, 1);
  });

  it("refuses a base plan of another stack, naming the file", () => {
    const file = path.join(dir, "dev.json");
    fs.writeFileSync(file, JSON.stringify({ stack: "dev", resources: [] }));
    const result = spawnSync(
      "npm",
      ["run", "-s", "plan", "--", "--stack", "prod", "--against", file, "--out", path.join(dir, "x")],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.strictEqual(result.status, 2);
    assert.match(result.stderr, /--against: .*dev\.json is a plan of stack "dev", not "prod"/);
  });
});
