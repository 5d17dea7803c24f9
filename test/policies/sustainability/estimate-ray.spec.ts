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

  // KubeRay (ray-operator utils GetWorkerGroupDesiredReplicas) keeps clamp(replicas, minReplicas, maxReplicas)
  // Pods of a group, times numOfHosts, and none of a suspended group; the CRD defaults replicas and
  // minReplicas to 0 and numOfHosts to 1.
  it("counts the Pods KubeRay keeps: replicas clamped to [minReplicas, maxReplicas], times numOfHosts", () => {
    const group = (fields: Record<string, unknown>) => ({
      type: "kubernetes:ray.io/v1:RayCluster",
      name: "rc",
      inputs: {
        spec: {
          workerGroupSpecs: [
            {
              groupName: "gpu",
              ...fields,
              template: {
                spec: {
                  nodeSelector: { "cloud.google.com/gke-nodepool": "outside" },
                  containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": "2" } } }],
                },
              },
            },
          ],
        },
      },
    });
    const cases: [Record<string, unknown>, { idle: number; max: number }][] = [
      [
        { replicas: 1, minReplicas: 0, maxReplicas: 4 },
        { idle: 2, max: 8 },
      ],
      [
        { replicas: 0, minReplicas: 2, maxReplicas: 4 },
        { idle: 4, max: 8 },
      ],
      [
        { replicas: 6, minReplicas: 0, maxReplicas: 4 },
        { idle: 8, max: 8 },
      ],
      [
        { minReplicas: 1, maxReplicas: 3 },
        { idle: 2, max: 6 },
      ],
      [
        { replicas: 1, minReplicas: 3, maxReplicas: 2 },
        { idle: 4, max: 4 },
      ],
      [
        { replicas: 2, minReplicas: 1, maxReplicas: 2, numOfHosts: 4 },
        { idle: 16, max: 16 },
      ],
      [
        { replicas: 2, minReplicas: 2, maxReplicas: 4, suspend: true },
        { idle: 0, max: 8 },
      ],
      [{ replicas: 2 }, { idle: 4, max: 4 }],
    ];
    for (const [fields, expected] of cases)
      assert.deepStrictEqual(estimatePlan(input(group(fields))).rayGpuWorkers, expected, JSON.stringify(fields));
  });

  it("reads a RayJob's cluster from spec.rayClusterSpec, and GPUs beside CPU groups with requests or limits only", () => {
    const cluster = rayCluster("outside", 1, 2);
    const spec = cluster.inputs.spec as { workerGroupSpecs: Record<string, unknown>[] };
    const cpu = (resources: Record<string, unknown>) => ({
      groupName: "cpu",
      replicas: 1,
      maxReplicas: 2,
      template: { spec: { containers: [{ name: "w", resources }] } },
    });
    const job = {
      type: "kubernetes:ray.io/v1:RayJob",
      name: "job",
      inputs: {
        spec: {
          entrypoint: "python train.py",
          rayClusterSpec: {
            workerGroupSpecs: [
              cpu({ requests: { cpu: "2" } }),
              cpu({ limits: { cpu: "2" } }),
              ...spec.workerGroupSpecs,
            ],
          },
        },
      },
    };
    const e = estimatePlan(input(job));
    assert.deepStrictEqual(e.rayGpuWorkers, { idle: 1, max: 2 });
    assert.deepStrictEqual(
      e.lines.map((l) => [l.kind, l.accelerator, l.capacity, l.gpus]),
      [["ray-gpu-workers", "nvidia-l4", "unknown", { idle: 1, max: 2 }]],
    );
    assert.deepStrictEqual(e.unpriced, [
      "urn:pulumi:t::cnai-platform::kubernetes:ray.io/v1:RayJob::job (Ray GPU workers gpu: no node pool of the plan)",
    ]);
  });

  it("counts a GPU group that selects no node pool or accelerator as unpriced, with no energy figure for an unknown GPU", () => {
    const cluster = (nodeSelector?: Record<string, string>) => ({
      type: "kubernetes:ray.io/v1:RayCluster",
      name: "rc",
      inputs: {
        spec: {
          workerGroupSpecs: [
            {
              groupName: "gpu",
              replicas: 1,
              minReplicas: 1,
              maxReplicas: 1,
              template: {
                spec: {
                  ...(nodeSelector ? { nodeSelector } : {}),
                  containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": "1" } } }],
                },
              },
            },
          ],
        },
      },
    });
    const bare = estimatePlan(input(cluster()));
    assert.deepStrictEqual(
      bare.lines.map((l) => [l.accelerator, l.gpus]),
      [[null, { idle: 1, max: 1 }]],
    );
    assert.deepStrictEqual(bare.energyKwhPerMonth, { idle: 0, max: 0 });
    const unknown = estimatePlan(input(cluster({ "cloud.google.com/gke-accelerator": "nvidia-next-gen" })));
    assert.deepStrictEqual([unknown.lines[0].accelerator, unknown.energyKwhPerMonth.max], ["nvidia-next-gen", 0]);
  });
});
