import * as assert from "node:assert";
import {
  acceleratorOf,
  capacityOf,
  gpusPerNode,
  isGpuNodePool,
  NODE_POOL,
  nodeRange,
  zonesOf,
} from "../../../policies/lib/gpu";

const nodeConfig = (config: Record<string, unknown>) => ({ nodeConfig: config });

describe("policies/lib/gpu: GKE node pool readers", () => {
  // Compute Engine GPU machine types: A3 High a3-highgpu-8g has 8 H100, A2 a2-highgpu-1g 1 A100, G2 g2-standard-4
  // 1 L4; N1 machines carry attached GPUs (guestAccelerators), e.g. a T4 on n1-standard-2.
  it("reads GPUs per node from attached accelerators, else from the machine type", () => {
    const cases: [Record<string, unknown>, number, string | undefined][] = [
      [nodeConfig({ machineType: "a3-highgpu-8g" }), 8, "nvidia-h100-80gb"],
      [nodeConfig({ machineType: "a2-highgpu-1g" }), 1, "nvidia-tesla-a100"],
      [
        nodeConfig({ machineType: "g2-standard-4", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] }),
        1,
        "nvidia-l4",
      ],
      [
        nodeConfig({ machineType: "n1-standard-2", guestAccelerators: [{ type: "nvidia-tesla-t4", count: 2 }] }),
        2,
        "nvidia-tesla-t4",
      ],
      [nodeConfig({ machineType: "e2-standard-4" }), 0, undefined],
      [nodeConfig({}), 0, undefined],
    ];
    for (const [props, gpus, accelerator] of cases) {
      assert.strictEqual(gpusPerNode(props), gpus, JSON.stringify(props));
      assert.strictEqual(acceleratorOf(props), accelerator, JSON.stringify(props));
      assert.strictEqual(isGpuNodePool(NODE_POOL, props), gpus > 0, JSON.stringify(props));
    }
    assert.strictEqual(
      isGpuNodePool("gcp:container/cluster:Cluster", nodeConfig({ machineType: "a3-highgpu-8g" })),
      false,
    );
  });

  // google_container_node_pool: spot and (legacy) preemptible VMs are both Spot capacity.
  it("reads the capacity a pool gets", () => {
    const cases: [Record<string, unknown>, string][] = [
      [nodeConfig({ spot: true }), "spot"],
      [nodeConfig({ preemptible: true }), "spot"],
      [nodeConfig({ spot: false, preemptible: false }), "on-demand"],
      [{ queuedProvisioning: { enabled: true }, ...nodeConfig({}) }, "queued"],
      [nodeConfig({ flexStart: true }), "flex-start"],
      [nodeConfig({ reservationAffinity: { consumeReservationType: "SPECIFIC_RESERVATION" } }), "reservation"],
      [nodeConfig({ reservationAffinity: { consumeReservationType: "ANY_RESERVATION" } }), "on-demand"],
    ];
    for (const [props, expected] of cases) assert.strictEqual(capacityOf(props), expected, JSON.stringify(props));
  });

  // GKE cluster autoscaler: totalMin/MaxNodeCount bound the whole pool; minNodeCount/maxNodeCount bound each zone.
  it("reads node counts: total limits as they are, per-zone limits and fixed counts times the zones", () => {
    assert.deepStrictEqual(nodeRange({ autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 6 } }, 3), {
      min: 1,
      max: 6,
      autoscaled: true,
    });
    assert.deepStrictEqual(nodeRange({ autoscaling: { totalMaxNodeCount: 6 } }, 3), {
      min: 0,
      max: 6,
      autoscaled: true,
    });
    assert.deepStrictEqual(nodeRange({ autoscaling: { minNodeCount: 1, maxNodeCount: 2 } }, 3), {
      min: 3,
      max: 6,
      autoscaled: true,
    });
    assert.deepStrictEqual(nodeRange({ nodeCount: 2 }, 3), { min: 6, max: 6, autoscaled: false });
    assert.deepStrictEqual(nodeRange({ initialNodeCount: 1 }, 1), { min: 1, max: 1, autoscaled: false });
  });

  // GKE: a zonal pool runs in its zone; a regional pool in its nodeLocations, by default three of the region's zones.
  it("counts the zones a pool spans", () => {
    assert.strictEqual(zonesOf({ location: "us-central1-a" }), 1);
    assert.strictEqual(zonesOf({ location: "us-central1" }), 3);
    assert.strictEqual(zonesOf({ location: "us-central1", nodeLocations: ["us-central1-a", "us-central1-b"] }), 2);
    assert.strictEqual(zonesOf({ location: "us-central1", nodeLocations: [] }), 3);
  });
});
