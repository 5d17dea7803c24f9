import * as assert from "node:assert";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import type { WorkloadsSection } from "../../policies/lib/analysis/workloads/model";
import { planFromRun } from "../../scripts/lib/plan-document";
import { loadConfig } from "../../stacks/config/load";
import { buildPlatform } from "../../stacks/platform";
import { run } from "../helpers/run";
import { STACKS, stackRun } from "../helpers/stacks";

const sections = new Map<string, WorkloadsSection>();
async function simulation(stack: string, preview = false): Promise<WorkloadsSection> {
  const key = `${stack}:${preview}`;
  if (!sections.has(key)) sections.set(key, analyzeWorkloads(planFromRun(await stackRun(stack, preview)).resources));
  return sections.get(key)!;
}

/** Where each Pod set of the stack's team workloads and GPU DaemonSets lands: `kind name/pod ×count → pool (nodes)`. */
async function landing(stack: string): Promise<string[]> {
  const { workloads } = await simulation(stack);
  return workloads
    .filter((w) => w.namespace.startsWith("team-") || w.kind === "DaemonSet")
    .flatMap((w) =>
      w.pods.map(
        (p) =>
          `${w.kind} ${w.name}/${p.name} ×${p.count} → ${p.placement ? `${p.placement.pool} (${p.placement.nodes})` : p.pools.join("+")}`,
      ),
    );
}

describe("shipped stacks: would every workload run?", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack}: the trace collector, its operator and each LLM's endpoint picker run on the system pool`, async () => {
      const { workloads } = await simulation(stack);
      const tracing = workloads
        .filter(
          (w) => w.kind === "OpenTelemetryCollector" || w.name === "opentelemetry-operator" || w.name.endsWith("-epp"),
        )
        .map(
          (w) => `${w.kind} ${w.namespace}/${w.name} ${w.status} → ${w.pods.map((p) => p.placement?.pool).join("+")}`,
        );
      const model = stack === "dev" ? "team-vision/chat-small" : "team-nlp/chat-7b";
      assert.deepStrictEqual(
        tracing.sort(),
        [
          `Deployment ${model}-epp runnable → system`,
          "Deployment opentelemetry-operator-system/opentelemetry-operator runnable → system",
          "OpenTelemetryCollector cnai-tracing/traces runnable → system",
        ].sort(),
      );
    });
  }

  for (const stack of STACKS) {
    it(`${stack}: every workload is admitted and fits a node pool at its maximum size`, async () => {
      const section = await simulation(stack);
      const failing = section.workloads
        .filter((w) => w.status !== "runnable")
        .map(
          (w) =>
            `${w.kind} ${w.namespace}/${w.name}: ${w.status} ${JSON.stringify(w.problems.map((p) => p.message))} ${w.notes.join(" ")}`,
        );
      assert.deepStrictEqual(failing, []);
      assert.strictEqual(section.summary.runnable, section.workloads.length);
      assert.ok(section.workloads.length >= 12, `${section.workloads.length} workloads`);
    });

    it(`${stack}: in preview too, nothing it needs is unknown`, async () => {
      const section = await simulation(stack, true);
      assert.deepStrictEqual(
        section.workloads.filter((w) => w.status !== "runnable").map((w) => w.name),
        [],
      );
    });
  }

  it("dev: the model on the time-shared L4 pool, the PyTorchJob on the two-L4 pool through Kueue, dcgm-exporter and node-exporter on every GPU node", async () => {
    assert.deepStrictEqual(await landing("dev"), [
      "Deployment chat-small-epp/deployment ×1 → system (1)",
      "InferenceService chat-small/predictor ×1 → gpu-l4-dev (1)",
      "InferenceService intent-classifier/predictor ×1 → gpu-l4-dev (1)",
      "PyTorchJob llm-finetune/Master ×1 → gpu-l4-train (1)",
      "DaemonSet dcgm-exporter/dcgm-exporter ×4 → gpu-l4-dev+gpu-l4-train",
      "DaemonSet kps-prometheus-node-exporter/kps-prometheus-node-exporter ×7 → system+gpu-l4-dev+gpu-l4-train",
    ]);
    const job = (await simulation("dev")).workloads.find((w) => w.name === "llm-finetune")!;
    assert.deepStrictEqual(job.queue, {
      localQueue: "team-queue",
      clusterQueue: "gpu-workloads",
      flavors: { Master: "gpu-l4-train" },
    });
    assert.deepStrictEqual(
      job.pods[0].initContainers,
      ["gke-gcsfuse-sidecar"],
      "GKE's GCS FUSE sidecar for the datasets and checkpoints buckets",
    );
  });

  it("staging: the model on the L4 serving pool with KServe's storage initializer, the TrainJob on two flex-start H100 nodes", async () => {
    assert.deepStrictEqual(await landing("staging"), [
      "Deployment chat-7b-epp/deployment ×1 → system (1)",
      "InferenceService chat-7b/predictor ×1 → gpu-l4-serve (1)",
      "TrainJob llm-pretrain-eval/node ×2 → gpu-h100-flex (2)",
    ]);
    const model = (await simulation("staging")).workloads.find((w) => w.name === "chat-7b")!;
    assert.deepStrictEqual(model.pods[0].initContainers, ["storage-initializer"]);
  });

  it("prod: the model as a modelcar on the L4 serving pool, the weekly fine-tune on two reserved H100 nodes", async () => {
    assert.deepStrictEqual(await landing("prod"), [
      "Deployment chat-7b-epp/deployment ×1 → system (1)",
      "InferenceService chat-7b/predictor ×1 → gpu-l4-serve (1)",
      "TrainJob llm-finetune-weekly/node ×2 → gpu-h100-train (2)",
    ]);
    const model = (await simulation("prod")).workloads.find((w) => w.name === "chat-7b")!;
    assert.deepStrictEqual(
      [model.pods[0].containers, model.pods[0].initContainers],
      [["kserve-container", "modelcar"], ["modelcar-init"]],
    );
  });

  it("a fork serving in Knative mode, one model in a restricted team: the Knative operator's Pods and the queue-proxy, admitted at restricted", async () => {
    const result = await run(() => buildPlatform(loadConfig()), {
      stack: "dev",
      config: {
        "gcp:project": "acme-ml-dev",
        "gcp:region": "us-central1",
        "cnai-platform:team": "ml-platform",
        "cnai-platform:costCenter": "cc-1",
        "cnai-platform:observability": JSON.stringify({
          backend: "managed",
          budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
        }),
        "cnai-platform:gpuPools": JSON.stringify([
          {
            name: "l4",
            machineType: "g2-standard-8",
            accelerator: { type: "nvidia-l4" },
            autoscaling: { max: 2 },
            workloadType: "inference",
          },
        ]),
        "cnai-platform:teams": JSON.stringify([{ name: "ml-platform" }, { name: "secure", podSecurity: "restricted" }]),
        "cnai-platform:serving": JSON.stringify({
          mode: "Knative",
          models: [
            {
              name: "chat",
              team: "ml-platform",
              pool: "l4",
              storage: "gcs",
              path: "chat/v1",
              minReplicas: 0,
              maxReplicas: 2,
            },
            {
              name: "locked",
              team: "secure",
              pool: "l4",
              storage: "gcs",
              path: "chat/v1",
              minReplicas: 0,
              maxReplicas: 1,
            },
          ],
        }),
      },
    });
    const section = analyzeWorkloads(planFromRun(result).resources);
    const byName = (name: string) => section.workloads.find((w) => w.name === name)!;
    assert.deepStrictEqual(
      ["knative-operator", "operator-webhook"].map((n) => byName(n).status),
      ["runnable", "runnable"],
    );
    const chat = byName("chat");
    assert.deepStrictEqual(chat.problems, []);
    assert.strictEqual(chat.status, "runnable");
    assert.deepStrictEqual(chat.pods[0].containers, ["kserve-container", "queue-proxy"]);
    assert.strictEqual(chat.pods[0].placement?.pool, "gpu-l4");
    // The predictor's RuntimeDefault seccomp profile covers the runtime and the storage initializer,
    // and Knative 1.21's queue-proxy meets "restricted" on its own: the restricted team's model runs.
    const locked = byName("locked");
    assert.deepStrictEqual([locked.status, locked.problems], ["runnable", []]);
    assert.deepStrictEqual(
      [locked.pods[0].containers, locked.pods[0].initContainers],
      [["kserve-container", "queue-proxy"], ["storage-initializer"]],
    );
  });

  it("a fork with queued capacity: the TrainJob's Pods get the gke-queued toleration from the Kueue flavor, and run", async () => {
    const result = await run(() => buildPlatform(loadConfig()), {
      stack: "dev",
      config: {
        "gcp:project": "acme-ml-dev",
        "gcp:region": "us-central1",
        "cnai-platform:team": "ml-platform",
        "cnai-platform:costCenter": "cc-1",
        "cnai-platform:observability": JSON.stringify({
          backend: "managed",
          budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
        }),
        "cnai-platform:gpuPools": JSON.stringify([
          {
            name: "h100",
            machineType: "a3-highgpu-8g",
            accelerator: { type: "nvidia-h100-80gb" },
            zones: ["us-central1-a"],
            autoscaling: { max: 2 },
            capacity: { type: "queued" },
            workloadType: "training",
          },
        ]),
        "cnai-platform:teams": JSON.stringify([
          { name: "ml-platform", quota: { gpus: 16, cpu: 400, memoryGi: 3600, pods: 50 } },
        ]),
        "cnai-platform:training": JSON.stringify({
          jobs: [
            {
              name: "pretrain",
              team: "ml-platform",
              pool: "h100",
              image: "llm:1.0.0",
              command: ["torchrun", "/app/train.py"],
              nodes: 2,
              gpusPerNode: 8,
            },
          ],
        }),
      },
    });
    const job = analyzeWorkloads(planFromRun(result).resources).workloads.find((w) => w.name === "pretrain")!;
    // Regression: the flavor tolerated only nvidia.com/gpu, so the admitted Pods could never land on
    // the queued nodes' cloud.google.com/gke-queued=true:NoSchedule taint.
    assert.deepStrictEqual([job.status, job.problems], ["runnable", []]);
    assert.strictEqual(
      `${job.pods[0].name} ×${job.pods[0].count} → ${job.pods[0].placement?.pool} (${job.pods[0].placement?.nodes})`,
      "node ×2 → gpu-h100 (2)",
    );
  });
});
