import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { estimatePlan } from "../../../policies/lib/estimate";
import type { TestResource } from "../../helpers/policy";
import { pool } from "./fixtures";

const input = (...resources: TestResource[]) =>
  resources.map((r, i) => ({
    urn: `urn:pulumi:t::cnai-platform::${r.type}::${r.name ?? i}`,
    type: r.type,
    props: r.inputs as JsonObject,
  }));

/** A fixture pool with its GKE name (the `name` input the Ray workers' node selector names). */
const named = (name: string, options: Parameters<typeof pool>[0]) => {
  const p = pool({ name, ...options });
  return { ...p, inputs: { ...(p.inputs as object), name } };
};

const rayCluster = (poolName: string, replicas: number, maxReplicas: number, gpus = 1) => ({
  type: "kubernetes:ray.io/v1:RayCluster",
  name: "rc",
  inputs: {
    spec: {
      workerGroupSpecs: [
        { groupName: "cpu", replicas: 0, maxReplicas: 8, template: { spec: { containers: [{ name: "w" }] } } },
        {
          groupName: "gpu",
          replicas,
          minReplicas: replicas,
          maxReplicas,
          template: {
            spec: {
              nodeSelector: {
                "cloud.google.com/gke-nodepool": poolName,
                "cloud.google.com/gke-accelerator": "nvidia-l4",
              },
              containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": String(gpus) } } }],
            },
          },
        },
      ],
    },
  },
});

describe("cost and carbon estimate: Ray GPU workers", () => {
  it("counts the GPU worker groups at their maximum (and CPU groups not at all)", () => {
    const e = estimatePlan(
      input(
        named("gpu-l4", {
          machineType: "g2-standard-24",
          accelerator: { type: "nvidia-l4", count: 2 },
          autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 3 },
        }),
        rayCluster("gpu-l4", 1, 4),
      ),
    );
    assert.deepStrictEqual(e.rayGpuWorkers, { idle: 1, max: 4 });
    // On a pool of the plan they are within its figures (3 nodes × 2 L4 at the maximum), not added again.
    assert.deepStrictEqual(e.gpus, { idle: 0, max: 6 });
  });

  it("adds workers on a pool outside the plan as a line of their own, at their maximum, unpriced", () => {
    const e = estimatePlan(input(rayCluster("external-pool", 0, 2, 2)));
    assert.deepStrictEqual(e.rayGpuWorkers, { idle: 0, max: 4 });
    assert.deepStrictEqual(e.gpus, { idle: 0, max: 4 });
    assert.strictEqual(e.lines[0].kind, "ray-gpu-workers");
    // 4 L4 × 0.072 kW × 730 h × 1.09 = 229.16 kWh
    assert.deepStrictEqual(e.energyKwhPerMonth, { idle: 0, max: 229.2 });
    assert.strictEqual(e.unpriced.length, 1);
  });
});
