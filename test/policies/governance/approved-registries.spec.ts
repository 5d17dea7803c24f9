import * as assert from "node:assert";
import { parseImage, underPrefix } from "../../../policies/governance/lib/images";
import { approvedRegistries } from "../../../policies/governance/policies/approved-registries";
import { messagesOf } from "../../helpers/policy";

/** A training runtime's (or runtime patch's) `template.spec.replicatedJobs` with one Pod spec. */
const replicated = (spec: Record<string, unknown>) => ({
  template: { spec: { replicatedJobs: [{ name: "node", template: { spec: { template: { spec } } } }] } },
});
const AR = "us-central1-docker.pkg.dev/acme/images";
const deployment = (...images: (string | undefined)[]) => ({
  type: "kubernetes:apps/v1:Deployment",
  inputs: {
    spec: {
      template: {
        spec: { containers: images.map((image, i) => ({ name: `c${i}`, ...(image === undefined ? {} : { image }) })) },
      },
    },
  },
});

describe("policy cnai-approved-registries", () => {
  it("normalises Docker Hub short names and aliases", () => {
    assert.strictEqual(parseImage("nginx").normalized, "docker.io/library/nginx");
    assert.strictEqual(parseImage("pytorch/pytorch:2.5").normalized, "docker.io/pytorch/pytorch:2.5");
    assert.strictEqual(parseImage("index.docker.io/nginx:1.27").normalized, "docker.io/library/nginx:1.27");
    assert.deepStrictEqual(parseImage("localhost:5000/app@sha256:abc"), {
      repository: "localhost:5000/app",
      tag: undefined,
      digest: "sha256:abc",
      normalized: "localhost:5000/app@sha256:abc",
    });
    assert.strictEqual(parseImage(`${AR}/train:1.0`).tag, "1.0");
  });

  it("matches prefixes at segment boundaries, with * within a segment", () => {
    assert.ok(underPrefix(parseImage("ghcr.io/kubeflow/x:1"), "ghcr.io/kubeflow"));
    assert.ok(!underPrefix(parseImage("ghcr.io/kubeflowx/y:1"), "ghcr.io/kubeflow"));
    assert.ok(underPrefix(parseImage(`${AR}/x:1`), "*-docker.pkg.dev/"));
    assert.ok(!underPrefix(parseImage("evil.example/us-docker.pkg.dev/x:1"), "*-docker.pkg.dev/"));
    assert.ok(underPrefix(parseImage("pytorch/pytorch:2"), "pytorch/"));
    assert.ok(underPrefix(parseImage("nginx:1"), "nginx"));
  });

  it("passes Artifact Registry images with a tag or a digest (the default registries)", async () => {
    assert.deepStrictEqual(
      await messagesOf(approvedRegistries, [deployment(`${AR}/train:1.0`, `${AR}/serve@sha256:0123`)]),
      [],
    );
  });

  it("rejects an image from an unapproved registry, showing the normalised name", async () => {
    const [message] = await messagesOf(approvedRegistries, [deployment("pytorch/pytorch:2.5")]);
    assert.strictEqual(
      message,
      "spec.template.spec.containers.0 image pytorch/pytorch:2.5 (docker.io/pytorch/pytorch) is not from an approved registry (*-docker.pkg.dev/). Push or mirror it to one, or add its registry to the policy config's registries.",
    );
  });

  it("rejects a missing tag and the latest tag", async () => {
    const messages = await messagesOf(approvedRegistries, [deployment(`${AR}/train`, `${AR}/train:latest`)]);
    assert.deepStrictEqual(messages, [
      `spec.template.spec.containers.0 image ${AR}/train has no tag, which means latest: it changes under running workloads. Pin a version tag or a digest (@sha256:...).`,
      `spec.template.spec.containers.1 image ${AR}/train:latest uses the latest tag: it changes under running workloads. Pin a version tag or a digest (@sha256:...).`,
    ]);
  });

  it("checks templates, TrainJob trainers, InferenceService models and Cloud Run; skips patches without an image", async () => {
    const runtime = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime",
      inputs: { spec: replicated({ containers: [{ name: "node", image: "pytorch/pytorch:2" }] }) },
    };
    const trainJob = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
      inputs: {
        spec: {
          trainer: { image: "ghcr.io/acme/train:1" },
          runtimePatches: [{ trainingRuntimeSpec: replicated({ containers: [{ name: "node" }] }) }],
        },
      },
    };
    const isvc = {
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      inputs: { spec: { predictor: { model: { image: "kserve/huggingfaceserver:v0.20.0" } } } },
    };
    const run = {
      type: "gcp:cloudrunv2/service:Service",
      inputs: { template: { containers: [{ image: "docker.io/vllm/vllm-openai:latest" }] } },
    };
    const messages = await messagesOf(approvedRegistries, [runtime, trainJob, isvc, run]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(" image ")[0]),
      [
        "spec.template.spec.replicatedJobs.0.template.spec.template.spec.containers.0",
        "spec.trainer",
        "spec.predictor.model",
        "template.containers.0",
        "template.containers.0",
      ],
    );
  });

  it("reports a container with no image", async () => {
    const [message] = await messagesOf(approvedRegistries, [deployment(undefined)]);
    assert.strictEqual(
      message,
      "spec.template.spec.containers.0 has no image. Set one from an approved registry, with a tag or digest.",
    );
  });

  it("takes the registries from config, Docker Hub names included", async () => {
    const registries = ["us-central1-docker.pkg.dev/acme/", "docker.io/pytorch/", "ghcr.io/kubeflow/"];
    const resources = [
      deployment(
        `${AR}/train:1`,
        "pytorch/pytorch:2.5",
        "ghcr.io/kubeflow/model-registry/server:v0.2.22",
        "us-central1-docker.pkg.dev/other/x:1",
      ),
    ];
    const messages = await messagesOf(approvedRegistries, resources, { registries });
    assert.deepStrictEqual(
      messages.map((m) => m.split(" ")[2]),
      ["us-central1-docker.pkg.dev/other/x:1"],
    );
  });

  it("reports a blank image as missing, lists every approved registry, and checks a runtime patch that sets an image", async () => {
    assert.deepStrictEqual(await messagesOf(approvedRegistries, [deployment("  ")]), [
      "spec.template.spec.containers.0 has no image. Set one from an approved registry, with a tag or digest.",
    ]);
    const registries = ["us-central1-docker.pkg.dev/acme/", "ghcr.io/kubeflow/"];
    assert.deepStrictEqual(await messagesOf(approvedRegistries, [deployment("quay.io/x/y:1")], { registries }), [
      "spec.template.spec.containers.0 image quay.io/x/y:1 (quay.io/x/y) is not from an approved registry (us-central1-docker.pkg.dev/acme/, ghcr.io/kubeflow/). Push or mirror it to one, or add its registry to the policy config's registries.",
    ]);
    // Kubeflow Trainer: a TrainJob's runtimePatches override the runtime's containers; one that sets an image runs it.
    const trainJob = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
      inputs: {
        spec: {
          runtimePatches: [
            {
              trainingRuntimeSpec: replicated({
                containers: [{ name: "node", image: "nvcr.io/nvidia/pytorch:25.01-py3" }],
              }),
            },
          ],
        },
      },
    };
    const [patched] = await messagesOf(approvedRegistries, [trainJob]);
    assert.match(
      patched,
      /^spec\.runtimePatches\.0\.trainingRuntimeSpec\.template\.spec\.replicatedJobs\.0\.template\.spec\.template\.spec\.containers\.0 image nvcr\.io\/nvidia\/pytorch:25\.01-py3 \(nvcr\.io\/nvidia\/pytorch\) is not from an approved registry/,
    );
  });
});
