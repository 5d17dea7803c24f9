import * as assert from "node:assert";
import { CHART_FACTS, chartFacts, chartName, kustomizationFacts } from "../../components/catalog/chart-workloads";
import { ACCELERATOR_TYPES, GPU_CATALOG } from "../../components/catalog/gpus";
import { machineShape } from "../../components/catalog/machine-types";
import { MIG_INSTANCES_PER_GPU, migInstancesPerGpu } from "../../components/catalog/mig-profiles";
import { HELM_CHARTS, TRAINING_OPERATOR_V1 } from "../../components/catalog/software";
import { gpuResourcesPerNode } from "../../components/compute/gpu-pool-rules";

describe("workload simulation facts", () => {
  it("has a MIG instance count for every partition the GPU catalog allows", () => {
    for (const type of ACCELERATOR_TYPES) {
      for (const partition of GPU_CATALOG[type].migPartitions)
        assert.ok(migInstancesPerGpu(type, partition), `${type} ${partition}`);
    }
    // NVIDIA MIG user guide: 7 one-slice instances, 3 of 2g, 2 of 3g, 1 of 4g or 7g.
    for (const counts of Object.values(MIG_INSTANCES_PER_GPU))
      assert.deepStrictEqual(
        Object.values(counts).sort(),
        Object.keys(counts).length === 6 ? [1, 1, 2, 3, 4, 7] : [1, 1, 2, 3, 7],
      );
  });

  it("counts MIG instances per node from the table: an H100 pool of 1g.20gb slices offers 4 per GPU, not floor(7 / 1)", () => {
    assert.strictEqual(
      gpuResourcesPerNode({
        machineType: "a3-highgpu-8g",
        accelerator: { type: "nvidia-h100-80gb", migPartitionSize: "1g.20gb" },
      }),
      32,
    );
    assert.strictEqual(
      gpuResourcesPerNode({
        machineType: "a2-highgpu-1g",
        accelerator: { type: "nvidia-tesla-a100", migPartitionSize: "3g.20gb" },
      }),
      2,
    );
  });

  it("knows the shape of every machine type the blueprint can use, and of the general-purpose series", () => {
    for (const type of ACCELERATOR_TYPES) {
      for (const [machine, spec] of Object.entries(GPU_CATALOG[type].machineTypes))
        assert.deepStrictEqual(
          machineShape(machine),
          { vcpus: spec.vcpus, memoryGi: spec.memoryGb, arch: "amd64" },
          machine,
        );
    }
    assert.deepStrictEqual(machineShape("e2-standard-8"), { vcpus: 8, memoryGi: 32, arch: "amd64" });
    assert.deepStrictEqual(machineShape("n1-standard-4"), { vcpus: 4, memoryGi: 15, arch: "amd64" });
    assert.deepStrictEqual(machineShape("c4a-standard-8"), { vcpus: 8, memoryGi: 32, arch: "arm64" });
    assert.strictEqual(machineShape("e2-medium"), undefined, "shared-core types have another allocatable");
  });

  it("has workload facts for every chart and kustomization the blueprint pins, at the pinned version", () => {
    for (const [key, ref] of Object.entries(HELM_CHARTS)) {
      assert.ok(chartFacts(ref.chart, ref.version), `${key}: ${chartName(ref.chart)} ${ref.version}`);
    }
    assert.ok(kustomizationFacts(TRAINING_OPERATOR_V1.kustomization));
    for (const facts of CHART_FACTS)
      assert.match(facts.source, /tag /, `${facts.chart} names the tag its facts were read at`);
  });
});
