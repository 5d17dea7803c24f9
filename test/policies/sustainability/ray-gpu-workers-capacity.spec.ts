import * as assert from "node:assert";
import { rayGpuWorkersCapacity } from "../../../policies/sustainability/policies/ray-gpu-workers-capacity";
import { messagesOf } from "../../helpers/policy";

const LABELS = { "cnai.dev/workload-type": "data", "cnai.dev/shiftable": "true", "cnai.dev/carbon-tier": "low" };
const pool = (name: string, nodeConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "gcp:container/nodePool:NodePool",
  name,
  inputs: { name, nodeConfig: { guestAccelerators: [{ type: "nvidia-l4", count: 1 }], ...nodeConfig }, ...extra },
});
const gpuGroup = (poolName?: string) => ({
  groupName: "gpu",
  maxReplicas: 2,
  template: {
    spec: {
      ...(poolName ? { nodeSelector: { "cloud.google.com/gke-nodepool": poolName } } : {}),
      containers: [{ name: "ray-worker", resources: { requests: { "nvidia.com/gpu": "1" } } }],
    },
  },
});
const cluster = (labels: Record<string, string>, groups: unknown[]) => ({
  type: "kubernetes:ray.io/v1:RayCluster",
  name: "rc",
  inputs: { metadata: { name: "data-prep", namespace: "team-nlp", labels }, spec: { workerGroupSpecs: groups } },
});

describe("policy cnai-ray-gpu-workers-capacity", () => {
  it("passes GPU workers on spot or queued pools, and CPU-only groups anywhere", async () => {
    const resources = [
      pool("gpu-spot", { spot: true }),
      pool("gpu-queued", {}, { queuedProvisioning: { enabled: true } }),
      cluster(LABELS, [
        gpuGroup("gpu-spot"),
        gpuGroup("gpu-queued"),
        { groupName: "cpu", template: { spec: { containers: [{}] } } },
      ]),
    ];
    assert.deepStrictEqual(await messagesOf(rayGpuWorkersCapacity, resources), []);
  });

  it("reports on-demand GPU workers, a group with no pool, and missing sustainability labels", async () => {
    const messages = await messagesOf(rayGpuWorkersCapacity, [
      pool("gpu-od", {}),
      cluster({}, [gpuGroup("gpu-od"), gpuGroup()]),
    ]);
    assert.deepStrictEqual(messages, [
      "RayCluster team-nlp/data-prep lacks cnai.dev/workload-type, cnai.dev/shiftable, cnai.dev/carbon-tier. Set them as other compute does (workload-type data, shiftable true).",
      "RayCluster team-nlp/data-prep GPU worker group gpu runs on pool gpu-od, on-demand capacity. Use a pool on spot, flex-start, queued capacity (ray.clusters[].gpuWorkers.pool).",
      "RayCluster team-nlp/data-prep GPU worker group gpu selects no GPU pool of the stack (cloud.google.com/gke-nodepool: none), so its capacity cannot be checked. Select a pool on spot, flex-start, queued capacity.",
    ]);
  });

  // KubeRay RayJob: the cluster it creates is spec.rayClusterSpec. A GPU is asked for by the nvidia.com/gpu
  // limit (Kubernetes extended resources: a request alone is not allowed, the limit sets it), in any container.
  it("reads a RayJob's cluster, and a group whose GPU container sits beside a CPU sidecar", async () => {
    const group = {
      groupName: "gpu",
      maxReplicas: 2,
      template: {
        spec: {
          nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-od" },
          containers: [
            { name: "log-shipper", resources: { requests: { cpu: "100m" } } },
            { name: "ray-worker", resources: { limits: { "nvidia.com/gpu": "1" } } },
          ],
        },
      },
    };
    const job = {
      type: "kubernetes:ray.io/v1:RayJob",
      name: "job",
      inputs: {
        metadata: { name: "etl", namespace: "team-nlp", labels: LABELS },
        spec: { entrypoint: "python etl.py", rayClusterSpec: { workerGroupSpecs: [group] } },
      },
    };
    assert.deepStrictEqual(await messagesOf(rayGpuWorkersCapacity, [pool("gpu-od", {}), job]), [
      "RayJob team-nlp/etl GPU worker group gpu runs on pool gpu-od, on-demand capacity. Use a pool on spot, flex-start, queued capacity (ray.clusters[].gpuWorkers.pool).",
    ]);
  });
});
