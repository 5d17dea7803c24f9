import * as assert from "node:assert";
import { gpuPoolAutoscaling } from "../../../policies/sustainability/policies/gpu-pool-autoscaling";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";
import { NODE_POOL, pool } from "./fixtures";

describe("policy cnai-gpu-pool-autoscaling", () => {
  it("passes a GPU pool that autoscales from 0 to a maximum (total or per-zone limits)", async () => {
    const perZone = pool({ name: "per-zone", autoscaling: { minNodeCount: 0, maxNodeCount: 2 } });
    assert.deepStrictEqual(await messagesOf(gpuPoolAutoscaling, [pool(), perZone]), []);
  });

  it("ignores node pools without GPUs", async () => {
    const system = pool({
      name: "system",
      machineType: "e2-standard-4",
      accelerator: null,
      autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 3 },
    });
    const fixed = pool({
      name: "fixed-cpu",
      machineType: "e2-standard-4",
      accelerator: null,
      autoscaling: null,
      nodeCount: 3,
    });
    assert.deepStrictEqual(await messagesOf(gpuPoolAutoscaling, [system, fixed]), []);
  });

  it("counts GPUs built into the machine type (no guestAccelerators)", async () => {
    const a3 = pool({
      machineType: "a3-highgpu-8g",
      accelerator: null,
      autoscaling: null,
      nodeCount: 1,
      location: "us-central1-a",
    });
    const [message] = await messagesOf(gpuPoolAutoscaling, [a3]);
    assert.match(message, /^GPU node pool has no autoscaling: its 1 node \(8 GPUs\) run all month/);
  });

  it("reports a pool without autoscaling, with its fixed nodes across zones", async () => {
    const [message] = await messagesOf(gpuPoolAutoscaling, [
      pool({ autoscaling: null, nodeCount: 1, nodeLocations: ["us-central1-a", "us-central1-b"] }),
    ]);
    assert.strictEqual(
      message,
      "GPU node pool has no autoscaling: its 2 nodes (2 GPUs) run all month, busy or not. " +
        "Set autoscaling with a max (autoscaling.max in the stack's gpuPools entry; totalMinNodeCount/totalMaxNodeCount on the NodePool).",
    );
  });

  it("reports autoscaling without a maximum above 0", async () => {
    const [total] = await messagesOf(gpuPoolAutoscaling, [
      pool({ autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 0 } }),
    ]);
    assert.match(
      total,
      /^GPU node pool autoscaling has no maximum above 0 \(totalMaxNodeCount is 0\)\. Set autoscaling\.max/,
    );
    const [missing] = await messagesOf(gpuPoolAutoscaling, [pool({ autoscaling: { locationPolicy: "ANY" } })]);
    assert.match(missing, /\(maxNodeCount is null\)/);
    // GKE autoscaling: total limits (totalMin/MaxNodeCount) and per-zone ones (min/maxNodeCount) are exclusive;
    // a pool that sets a total minimum only has total limits, so the missing maximum is totalMaxNodeCount.
    const [totalMinOnly] = await messagesOf(gpuPoolAutoscaling, [pool({ autoscaling: { totalMinNodeCount: 0 } })]);
    assert.match(totalMinOnly, /\(totalMaxNodeCount is null\)/);
  });

  it("requires a minimum of 0 by default, counting per-zone minimums across zones", async () => {
    const [total] = await messagesOf(gpuPoolAutoscaling, [
      pool({ autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 4 } }),
    ]);
    assert.strictEqual(
      total,
      "GPU node pool keeps 1 node and 1 GPU running when idle. Set autoscaling.min to 0 so the autoscaler removes idle GPU nodes, " +
        "or, where warm capacity is required (prod serving), set requireScaleToZero false in the stack's policy config.",
    );
    const perZone = pool({
      location: "us-central1",
      autoscaling: { minNodeCount: 1, maxNodeCount: 2 },
      accelerator: { type: "nvidia-l4", count: 2 },
      machineType: "g2-standard-24",
    });
    const [zonal] = await messagesOf(gpuPoolAutoscaling, [perZone]);
    assert.match(
      zonal,
      /^GPU node pool keeps 3 nodes \(minNodeCount 1 per zone × 3 zones\) and 6 GPUs running when idle\./,
    );
  });

  it("with requireScaleToZero false, accepts a warm minimum but still wants a maximum", async () => {
    const warm = pool({ name: "warm", autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 8 } });
    const unbounded = pool({ name: "unbounded", autoscaling: null, nodeCount: 2 });
    const violations = await violationsOf(gpuPoolAutoscaling, [warm, unbounded], { requireScaleToZero: false });
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(NODE_POOL, "unbounded")],
    );
  });

  it("rejects a requireScaleToZero that is not a boolean, and skips exempted pools", async () => {
    await assert.rejects(
      violationsOf(gpuPoolAutoscaling, [], { requireScaleToZero: "no" }),
      /cnai-gpu-pool-autoscaling\.requireScaleToZero: got "no"; allowed: true or false/,
    );
    const exemptions = [
      { urn: urnOf(NODE_POOL, "pool"), reason: "benchmark pool sized by the vendor, removed after the trial" },
    ];
    assert.deepStrictEqual(await violationsOf(gpuPoolAutoscaling, [pool({ autoscaling: null })], { exemptions }), []);
  });
});
