import * as assert from "node:assert";
import { shiftableGpuCapacity } from "../../../policies/sustainability/policies/shiftable-gpu-capacity";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";
import { GOVERNANCE, NODE_POOL, pool, sustainability } from "./fixtures";

const training = sustainability("training", true, "low");

describe("policy cnai-shiftable-gpu-capacity", () => {
  it("passes shiftable GPU pools on spot, flex-start or queued capacity", async () => {
    const pools = [
      pool({ name: "spot", spot: true, labels: training }),
      pool({ name: "flex", flexStart: true, labels: training }),
      pool({ name: "queued", queued: true, labels: training }),
    ];
    assert.deepStrictEqual(await messagesOf(shiftableGpuCapacity, pools), []);
  });

  it("reports a shiftable pool on on-demand or reserved capacity, with the fix", async () => {
    const violations = await violationsOf(shiftableGpuCapacity, [
      pool({ name: "od", labels: training }),
      pool({ name: "res", reservation: true, labels: training }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(NODE_POOL, "od"), urnOf(NODE_POOL, "res")],
    );
    assert.strictEqual(
      causeOf(violations[0]),
      "GPU node pool runs shiftable work (shiftable=true) on on-demand capacity. Set capacity.type to spot, flex-start, queued in the stack's gpuPools entry, " +
        "or, if the work has a deadline and cannot wait or be preempted, set shiftable: false on the pool.",
    );
    assert.match(causeOf(violations[1]), /on reservation capacity\./);
  });

  it("lets the shiftable label decide: inference marked shiftable is checked, training marked not shiftable is not", async () => {
    const violations = await violationsOf(shiftableGpuCapacity, [
      pool({ name: "batch-inference", labels: sustainability("inference", true, "low") }),
      pool({ name: "deadline-training", labels: sustainability("training", false, "low") }),
      pool({ name: "online", labels: sustainability("inference", false, "low") }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(NODE_POOL, "batch-inference")],
    );
  });

  it("without a shiftable label, treats training and data pools as shiftable (GpuNodePool's default), and says so", async () => {
    const violations = await violationsOf(shiftableGpuCapacity, [
      pool({ name: "train", labels: { ...GOVERNANCE, "workload-type": "training" } }),
      pool({ name: "etl", labels: { ...GOVERNANCE, "workload-type": "data" } }),
      pool({ name: "serve", labels: { ...GOVERNANCE, "workload-type": "inference" } }),
      pool({ name: "unlabelled", labels: {} }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(NODE_POOL, "train"), urnOf(NODE_POOL, "etl")],
    );
    assert.match(
      causeOf(violations[0]),
      /runs shiftable work \(workload-type=training \(no shiftable label\)\) on on-demand capacity/,
    );
  });

  it("ignores node pools without GPUs", async () => {
    assert.deepStrictEqual(
      await messagesOf(shiftableGpuCapacity, [
        pool({ machineType: "e2-standard-4", accelerator: null, labels: training }),
      ]),
      [],
    );
  });

  it("takes the allowed capacity types from config", async () => {
    const pools = [
      pool({ name: "spot", spot: true, labels: training }),
      pool({ name: "res", reservation: true, labels: training }),
    ];
    const violations = await violationsOf(shiftableGpuCapacity, pools, { capacities: ["reservation", "flex-start"] });
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(NODE_POOL, "spot")],
    );
    assert.match(causeOf(violations[0]), /Set capacity\.type to reservation, flex-start in/);
    await assert.rejects(
      violationsOf(shiftableGpuCapacity, [], { capacities: ["cheap"] }),
      /cnai-shiftable-gpu-capacity\.capacities\.0: got "cheap"/,
    );
  });

  it("does not run when disabled (prod), and skips exempted pools", async () => {
    const od = pool({ labels: training });
    assert.deepStrictEqual(await violationsOf(shiftableGpuCapacity, [od], "disabled"), []);
    const exemptions = [{ urn: urnOf(NODE_POOL, "pool"), reason: "load-test pool, must not be preempted mid-run" }];
    assert.deepStrictEqual(await violationsOf(shiftableGpuCapacity, [od], { exemptions }), []);
  });
});
