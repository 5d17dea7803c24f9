import * as assert from "node:assert";
import { containerResources } from "../../../policies/governance/policies/container-resources";
import { messagesOf } from "../../helpers/policy";

/** A training runtime's (or runtime patch's) `template.spec.replicatedJobs` with one Pod spec. */
const replicated = (spec: Record<string, unknown>) => ({
  template: { spec: { replicatedJobs: [{ name: "node", template: { spec: { template: { spec } } } }] } },
});
const CPU_MEM = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };
const GPU_RES = {
  requests: { ...CPU_MEM.requests, "nvidia.com/gpu": "1" },
  limits: { ...CPU_MEM.limits, "nvidia.com/gpu": "1" },
};
const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
const deployment = (containers: Record<string, unknown>[], pod: Record<string, unknown> = {}) => ({
  type: "kubernetes:apps/v1:Deployment",
  inputs: { spec: { template: { spec: { containers, ...pod } } } },
});

describe("policy cnai-container-resources", () => {
  it("passes containers with CPU and memory requests and limits, and GPU Pods with a GPU limit", async () => {
    const resources = [
      deployment([{ name: "app", resources: CPU_MEM }]),
      deployment(
        [
          { name: "model", resources: GPU_RES },
          { name: "sidecar", resources: CPU_MEM },
        ],
        { nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" }, tolerations: [TOLERATION] },
      ),
    ];
    assert.deepStrictEqual(await messagesOf(containerResources, resources), []);
  });

  it("names each missing request and limit", async () => {
    const [message] = await messagesOf(containerResources, [
      deployment([{ name: "app", resources: { requests: { cpu: "1" } } }]),
    ]);
    assert.strictEqual(
      message,
      "spec.template.spec.containers.0 (app) lacks resources.requests.memory, resources.limits.cpu, resources.limits.memory. Set CPU and memory requests and limits (requests as the work needs, limits at or above them).",
    );
  });

  it("requires a GPU limit where a GPU is requested", async () => {
    const messages = await messagesOf(containerResources, [
      deployment([
        { name: "m", resources: { requests: { ...CPU_MEM.requests, "nvidia.com/gpu": "1" }, limits: CPU_MEM.limits } },
      ]),
    ]);
    assert.deepStrictEqual(messages, [
      'spec.template.spec.containers.0 requests 1 nvidia.com/gpu without a limit; GPUs are allocated by their limit. Set resources.limits["nvidia.com/gpu"] equal to the request.',
    ]);
  });

  it("requires a GPU limit in Pods that select or tolerate GPU nodes", async () => {
    const messages = await messagesOf(containerResources, [
      deployment([{ name: "a", resources: CPU_MEM }], {
        nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" },
      }),
      deployment([{ name: "a", resources: CPU_MEM }], { tolerations: [TOLERATION] }),
      deployment([{ name: "a", resources: CPU_MEM }], {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "cloud.google.com/gke-accelerator", operator: "Exists" }] },
              ],
            },
          },
        },
      }),
      deployment([{ name: "a", resources: CPU_MEM }], {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "cloud.google.com/gke-accelerator", operator: "DoesNotExist" }] },
              ],
            },
          },
        },
      }),
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.match(/\(([^)]+)\)/)?.[1]),
      [
        "nodeSelector cloud.google.com/gke-accelerator",
        "toleration of nvidia.com/gpu",
        "node affinity on cloud.google.com/gke-accelerator",
      ],
    );
    assert.match(
      messages[0],
      /^spec\.template\.spec is meant for GPU nodes .* but no container sets an nvidia\.com\/gpu limit, so it would hold a GPU node without a GPU\./,
    );
  });

  it("checks TrainJob trainers (resourcesPerNode) against their runtime patch's GPU node selection", async () => {
    const patch = {
      trainingRuntimeSpec: replicated({
        nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-h100-80gb" },
        containers: [{ name: "node" }],
      }),
    };
    const trainJob = (resourcesPerNode: Record<string, unknown>) => ({
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
      inputs: { spec: { trainer: { image: "x:1", resourcesPerNode }, runtimePatches: [patch] } },
    });
    assert.deepStrictEqual(await messagesOf(containerResources, [trainJob(GPU_RES)]), []);
    const messages = await messagesOf(containerResources, [trainJob({ limits: { cpu: "8" } })]);
    assert.match(
      messages[0],
      /^spec\.trainer \(unnamed\) lacks resourcesPerNode\.requests\.cpu, resourcesPerNode\.requests\.memory, resourcesPerNode\.limits\.memory/,
    );
    assert.match(
      messages[1],
      /^spec\.runtimePatches\.0\.trainingRuntimeSpec.* is meant for GPU nodes \(nodeSelector cloud\.google\.com\/gke-accelerator\)/,
    );
  });

  it("checks InferenceService models, and skips templates (runtimes) and patches", async () => {
    const isvc = {
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      inputs: { spec: { predictor: { tolerations: [TOLERATION], model: { resources: CPU_MEM } } } },
    };
    const messages = await messagesOf(containerResources, [isvc]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(" ")[0]),
      ["spec.predictor"],
    );
    const runtime = {
      type: "kubernetes:serving.kserve.io/v1alpha1:ClusterServingRuntime",
      inputs: { spec: { containers: [{ name: "kserve-container", image: "x:1" }], tolerations: [TOLERATION] } },
    };
    assert.deepStrictEqual(await messagesOf(containerResources, [runtime]), []);
  });

  it("requires Cloud Run CPU and memory limits, and a GPU limit when a GPU is attached", async () => {
    const run = (resources: Record<string, unknown>, nodeSelector?: Record<string, unknown>) => ({
      type: "gcp:cloudrunv2/service:Service",
      inputs: { template: { containers: [{ image: "x:1", resources }], ...(nodeSelector ? { nodeSelector } : {}) } },
    });
    assert.deepStrictEqual(
      await messagesOf(containerResources, [
        run({ limits: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" } }, { accelerator: "nvidia-l4" }),
      ]),
      [],
    );
    const messages = await messagesOf(containerResources, [
      run({ limits: { cpu: "4" } }, { accelerator: "nvidia-l4" }),
    ]);
    assert.deepStrictEqual(messages, [
      "template.containers.0 lacks resources.limits memory (Cloud Run would use 1 CPU and 512Mi). Set both to what the service needs.",
      'template.nodeSelector.accelerator is nvidia-l4 but no container sets resources.limits["nvidia.com/gpu"]. Set it to 1 on the container that uses the GPU.',
    ]);
  });

  it("takes the GPU node labels and taints from config", async () => {
    const pod = deployment([{ name: "a", resources: CPU_MEM }], { nodeSelector: { "acme.io/gpu": "true" } });
    assert.deepStrictEqual(await messagesOf(containerResources, [pod]), []);
    assert.strictEqual((await messagesOf(containerResources, [pod], { gpuNodeLabels: ["acme.io/gpu"] })).length, 1);
  });

  it("counts empty and null quantities as missing", async () => {
    const messages = await messagesOf(containerResources, [
      deployment([{ name: "app", resources: { requests: { cpu: "", memory: null }, limits: CPU_MEM.limits } }]),
    ]);
    assert.deepStrictEqual(messages, [
      "spec.template.spec.containers.0 (app) lacks resources.requests.cpu, resources.requests.memory. Set CPU and memory requests and limits (requests as the work needs, limits at or above them).",
    ]);
  });

  it("reports a GPU request on a container with no limits at all, and a GPU Pod whose container has none", async () => {
    const requestsOnly = { requests: { ...CPU_MEM.requests, "nvidia.com/gpu": "2" } };
    const messages = await messagesOf(containerResources, [
      deployment([{ name: "m", resources: requestsOnly }], { tolerations: [TOLERATION] }),
    ]);
    assert.strictEqual(messages.length, 3);
    assert.match(
      messages[0],
      /^spec\.template\.spec\.containers\.0 \(m\) lacks resources\.limits\.cpu, resources\.limits\.memory\./,
    );
    assert.match(messages[1], /^spec\.template\.spec\.containers\.0 requests 2 nvidia\.com\/gpu without a limit/);
    assert.match(messages[2], /^spec\.template\.spec is meant for GPU nodes \(toleration of nvidia\.com\/gpu\)/);
  });

  // An init container runs before the main containers and releases its GPU when it exits; the GPU the Pod
  // holds while serving is the main containers' (Kubernetes "Init Containers": effective requests).
  it("counts only the main containers of the Pod spec that selects GPU nodes", async () => {
    const initWithGpu = await messagesOf(containerResources, [
      deployment([{ name: "app", resources: CPU_MEM }], {
        tolerations: [TOLERATION],
        initContainers: [{ name: "warm", resources: GPU_RES }],
      }),
    ]);
    assert.strictEqual(initWithGpu.length, 1);
    assert.match(initWithGpu[0], /^spec\.template\.spec is meant for GPU nodes \(toleration of nvidia\.com\/gpu\)/);
    // KServe: the transformer is its own Pod; its GPU does not serve the predictor's.
    const isvc = {
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      inputs: {
        spec: {
          predictor: { tolerations: [TOLERATION], containers: [{ name: "kserve-container", resources: CPU_MEM }] },
          transformer: { containers: [{ name: "tokenizer", resources: GPU_RES }] },
        },
      },
    };
    const messages = await messagesOf(containerResources, [isvc]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(" ")[0]),
      ["spec.predictor"],
    );
  });

  // Kubernetes NodeSelectorRequirement: In, Exists, Gt and Lt select nodes with the label; NotIn and
  // DoesNotExist keep the Pod off them.
  it("reads required node affinity by operator", async () => {
    const affinity = (operator: string, values?: string[]) =>
      deployment([{ name: "a", resources: CPU_MEM }], {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: "cloud.google.com/gke-accelerator", operator, ...(values ? { values } : {}) },
                  ],
                },
              ],
            },
          },
        },
      });
    const cases: [string, string[] | undefined, number][] = [
      ["In", ["nvidia-l4"], 1],
      ["Exists", undefined, 1],
      ["NotIn", ["nvidia-l4"], 0],
      ["DoesNotExist", undefined, 0],
    ];
    for (const [operator, values, expected] of cases)
      assert.strictEqual(
        (await messagesOf(containerResources, [affinity(operator, values)])).length,
        expected,
        operator,
      );
  });

  // google_cloud_run_v2_job: containers and nodeSelector.accelerator sit under template.template (the task
  // template); Cloud Run defaults a container without limits to 1 CPU and 512 MiB.
  it("reads a Cloud Run Job's task template, and passes when one container of several has the GPU", async () => {
    const job = (containers: Record<string, unknown>[], accelerator?: string) => ({
      type: "gcp:cloudrunv2/job:Job",
      inputs: { template: { template: { containers, ...(accelerator ? { nodeSelector: { accelerator } } : {}) } } },
    });
    assert.deepStrictEqual(await messagesOf(containerResources, [job([{ image: "x:1" }], "nvidia-l4")]), [
      "template.template.containers.0 lacks resources.limits cpu and memory (Cloud Run would use 1 CPU and 512Mi). Set both to what the service needs.",
      'template.template.nodeSelector.accelerator is nvidia-l4 but no container sets resources.limits["nvidia.com/gpu"]. Set it to 1 on the container that uses the GPU.',
    ]);
    const gpu = { limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" } };
    const sidecar = { limits: { cpu: "1", memory: "512Mi" } };
    assert.deepStrictEqual(
      await messagesOf(containerResources, [
        job(
          [
            { image: "x:1", resources: gpu },
            { image: "proxy:1", resources: sidecar },
          ],
          "nvidia-l4",
        ),
      ]),
      [],
    );
  });
});
