import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PoolTarget } from "../../components/compute/gpu-pool-rules";
import {
  HUGGINGFACE_GPU_IMAGE,
  ModelDeployment,
  type ModelDeploymentArgs,
  resolveModelDeploymentArgs,
} from "../../components/serving/model-deployment";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import { checkObjects, type KubernetesObject } from "../../scripts/lib/conformance";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { enforce, namespace, nodePool } from "../analysis/workloads/fixtures";
import { crdIndex } from "../helpers/conformance";
import { planOf } from "../helpers/policy";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:serving:ModelDeployment";
const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const PROVIDER = "pulumi:providers:kubernetes";

const POOL: PoolTarget = { nodePool: "gpu-l4", accelerator: "nvidia-l4", gpusPerNode: 2, cpu: 21, memoryGi: 81 };
const GCS_URI = "gs://cnai-test-models/llama-3.1-8b-instruct";
const OCI_URI = "oci://us-central1-docker.pkg.dev/acme-test/cnai-test-models/llama-3.1-8b-instruct:2025-01";
/** kube-prometheus-stack's Prometheus, what KEDA queries for vLLM's queue (Standard mode's default scaling). */
const QUERY_URL = "http://kps-prometheus.monitoring.svc:9090";
/** The Transformers backend of KServe's Hugging Face server: no vLLM, so no vllm:* metrics. */
const TRANSFORMERS = ["--backend=huggingface", "--task=sequence_classification"];
/** What Standard mode allows a GPU model server to scale on, and why not CPU (the refusals' wording). */
const STANDARD_GPU =
  "waiting-requests in Standard mode (vLLM's queue through KEDA, with metricsQueryUrl), or no scaleMetric with minReplicas equal to maxReplicas (fixed replicas, no autoscaler)";
const GUIDANCE =
  'a model server on GPUs does its work there, so its CPU and memory use do not follow its load (GKE, "Best practices for autoscaling LLM inference workloads with GPUs", CPU metrics)';
const NOT_VLLM = (theDefault: string) =>
  `a metric the server exports: waiting-requests${theDefault} reads vLLM's vllm:num_requests_waiting, and this server does not run vLLM (a runtime other than KServe's vLLM and Hugging Face ones, or --backend=huggingface); fixed replicas (no scaleMetric, minReplicas equal to maxReplicas), or concurrency or rps in Knative mode`;

function args(overrides: Partial<ModelDeploymentArgs> = {}): ModelDeploymentArgs {
  return {
    labels: STACK_LABELS,
    team: "nlp",
    namespace: "team-nlp",
    mode: "Standard",
    storageUri: GCS_URI,
    gpus: 1,
    pool: POOL,
    metricsQueryUrl: QUERY_URL,
    carbonTier: "low",
    ...overrides,
  };
}

/**
 * Runs a ModelDeployment with its own Kubernetes provider. Overrides may be a function, so that
 * Outputs they hold are made inside the run.
 */
function deploy(
  overrides: Partial<ModelDeploymentArgs> | (() => Partial<ModelDeploymentArgs>) = {},
  name = "llm",
): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const md = new ModelDeployment(name, args(typeof overrides === "function" ? overrides() : overrides), {
      providers: { kubernetes: provider },
    });
    return { url: md.url };
  });
}

const isvcOf = (result: RunResult) => one(result, ISVC, "llm");
const predictor = (isvc: RecordedResource) => input(isvc, "spec.predictor") as Record<string, unknown>;

async function isvc(
  overrides: Partial<ModelDeploymentArgs> | (() => Partial<ModelDeploymentArgs>) = {},
): Promise<RecordedResource> {
  return isvcOf(await deploy(overrides));
}

/** Validates every Kubernetes object of the run (here: InferenceServices) against the upstream CRDs. */
async function assertConforms(test: Mocha.Context, result: RunResult): Promise<void> {
  const report = await checkObjects(
    manifestsOf(planFromRun(result)).map((m) => m.object as KubernetesObject),
    crdIndex(test),
  );
  assert.deepStrictEqual(report.problems, []);
  assert.strictEqual(report.customResources, all(result, ISVC).length);
  assert.ok(report.customResources > 0, "an InferenceService was validated against its CRD");
}

describe("ModelDeployment", () => {
  describe("defaults", () => {
    it("declares one serving.kserve.io/v1beta1 InferenceService named for the deployment, in the namespace", async () => {
      const result = await deploy();
      const resource = isvcOf(result);
      assert.strictEqual(all(result, ISVC).length, 1);
      assert.strictEqual(input(resource, "apiVersion"), "serving.kserve.io/v1beta1");
      assert.strictEqual(input(resource, "kind"), "InferenceService");
      assert.strictEqual(input(resource, "metadata.name"), "llm");
      assert.strictEqual(input(resource, "metadata.namespace"), "team-nlp");
    });

    it("labels it with the governance labels, the team, and the sustainability labels (inference, not shiftable, the carbon tier)", async () => {
      assert.deepStrictEqual(input(await isvc(), "metadata.labels"), {
        ...kubernetesLabels("model-deployment", "nlp"),
        "cnai.dev/workload-type": "inference",
        "cnai.dev/shiftable": "false",
        "cnai.dev/carbon-tier": "low",
      });
      assert.strictEqual(
        input(await isvc({ carbonTier: "high" }), "metadata.labels")?.["cnai.dev/carbon-tier" as never],
        "high",
      );
    });

    it("annotates the deployment mode and the KEDA autoscaler class in Standard mode", async () => {
      assert.deepStrictEqual(input(await isvc(), "metadata.annotations"), {
        "serving.kserve.io/deploymentMode": "Standard",
        "serving.kserve.io/autoscalerClass": "keda",
      });
    });

    it("scales a Standard-mode model server on vLLM's waiting requests through KEDA when given a Prometheus query API (GKE's advice for LLM inference; KServe v0.20.0 keda class)", async function () {
      const result = await deploy({ metricsQueryUrl: QUERY_URL });
      const resource = isvcOf(result);
      assert.strictEqual(
        (input(resource, "metadata.annotations") as Record<string, string>)["serving.kserve.io/autoscalerClass"],
        "keda",
      );
      const spec = predictor(resource);
      assert.deepStrictEqual(spec.autoScaling, {
        metrics: [
          {
            type: "External",
            external: {
              metric: {
                backend: "prometheus",
                serverAddress: "http://kps-prometheus.monitoring.svc:9090",
                query: 'sum(vllm:num_requests_waiting{namespace="team-nlp",model="llm"})',
              },
              target: { type: "Value", value: "10" },
            },
          },
        ],
      });
      // KServe's webhook refuses scaleMetric with the keda class (validateScalingKedaCompExtension).
      assert.strictEqual(spec.scaleMetric, undefined);
      assert.strictEqual(spec.scaleTarget, undefined);
      assert.strictEqual(
        input(
          one(await deploy({ metricsQueryUrl: "http://q:9090", scaleTarget: 4 }), ISVC, "llm"),
          "spec.predictor.autoScaling.metrics.0.external.target.value",
        ),
        "4",
      );
      await assertConforms(this, result);
    });

    it("refuses waiting-requests scaling without a Prometheus query API", async () => {
      await assert.rejects(
        deploy({ scaleMetric: "waiting-requests", metricsQueryUrl: undefined }),
        /metricsQueryUrl: got undefined; allowed: the Prometheus query API KEDA reads vLLM's queue from, with scaleMetric waiting-requests; or fixed replicas/,
      );
    });

    it("without a Prometheus query API and a scale metric, refuses to scale a GPU model server rather than fall back to CPU (issue 13 item 12)", async () => {
      // Before: the HPA class on cpu at 70 %, which a model server on GPUs never reaches (GKE, "Best
      // practices for autoscaling LLM inference workloads with GPUs", CPU metrics).
      await assert.rejects(deploy({ metricsQueryUrl: undefined }), (error: ProgramError) => {
        assert.strictEqual(
          error.message,
          `ModelDeployment "llm": metricsQueryUrl: got undefined; allowed: the Prometheus query API KEDA reads vLLM's queue from, with scaleMetric waiting-requests (the default in Standard mode when minReplicas is below maxReplicas); or fixed replicas (no scaleMetric, minReplicas equal to maxReplicas). Not cpu or memory: a model server on GPUs does its work there, so its CPU and memory use do not follow its load (GKE, "Best practices for autoscaling LLM inference workloads with GPUs", CPU metrics)`,
        );
        assert.strictEqual(error.resources.filter((r) => r.type === ISVC).length, 0);
        return true;
      });
    });

    it("annotates the deployment mode and no autoscaler class in Knative mode", async () => {
      assert.deepStrictEqual(input(await isvc({ mode: "Knative" }), "metadata.annotations"), {
        "serving.kserve.io/deploymentMode": "Knative",
      });
    });

    it("runs 1 to 3 replicas, scaling on 10 of vLLM's waiting requests per replica in Standard mode, with no canary", async () => {
      const p = predictor(await isvc());
      assert.strictEqual(p.minReplicas, 1);
      assert.strictEqual(p.maxReplicas, 3);
      assert.strictEqual(p.scaleMetric, undefined);
      assert.strictEqual(p.scaleTarget, undefined);
      assert.strictEqual(
        input(await isvc(), "spec.predictor.autoScaling.metrics.0.external.target.value"),
        "10",
        "10 waiting requests per replica",
      );
      assert.ok(!("canaryTrafficPercent" in p) || p.canaryTrafficPercent === undefined, "no canaryTrafficPercent");
    });

    it("scales on concurrency at 4 per replica in Knative mode, still 1 to 3 replicas", async () => {
      const p = predictor(await isvc({ mode: "Knative" }));
      assert.strictEqual(p.scaleMetric, "concurrency");
      assert.strictEqual(p.scaleTarget, 4);
      assert.strictEqual(p.minReplicas, 1);
      assert.strictEqual(p.maxReplicas, 3);
      assert.strictEqual(p.canaryTrafficPercent, undefined);
    });

    it("runs as the serving service account, on the pool's nodes, tolerating the GPU taint", async () => {
      const p = predictor(await isvc());
      assert.strictEqual(p.serviceAccountName, "serving");
      assert.deepStrictEqual(p.nodeSelector, {
        "cloud.google.com/gke-nodepool": "gpu-l4",
        "cloud.google.com/gke-accelerator": "nvidia-l4",
      });
      assert.deepStrictEqual(p.tolerations, [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    });

    it("runs the predictor under the RuntimeDefault seccomp profile, so a restricted team admits it (gs:// models)", async () => {
      assert.deepStrictEqual(predictor(await isvc()).securityContext, { seccompProfile: { type: "RuntimeDefault" } });
      // Regression: without a Pod-level seccomp profile, Pod Security "restricted" refused the
      // predictor (the runtime's container and the storage initializer set none).
      const kserve = [
        {
          type: "kubernetes:helm.sh/v4:Chart",
          name: "kserve",
          inputs: {
            chart: "oci://ghcr.io/kserve/charts/kserve-resources",
            version: "v0.20.0",
            namespace: "kserve",
            name: "kserve",
            values: { kserve: { controller: { deploymentMode: "Standard" } } },
          },
        },
        {
          type: "kubernetes:helm.sh/v4:Chart",
          name: "runtimes",
          inputs: {
            chart: "oci://ghcr.io/kserve/charts/kserve-runtime-configs",
            version: "v0.20.0",
            namespace: "kserve",
            name: "kserve-runtime-configs",
            values: { kserve: { servingruntime: { enabled: true } } },
          },
        },
        namespace("team-nlp", enforce("restricted")),
        nodePool("gpu-l4", { machineType: "g2-standard-24", gpus: { type: "nvidia-l4", count: 2 } }),
      ];
      const simulate = async (storageUri: string) =>
        analyzeWorkloads([
          ...planFromRun(await deploy({ storageUri })).resources,
          ...planOf(kserve).resources,
        ]).workloads.find((w) => w.name === "llm")!;
      const gcs = await simulate(GCS_URI);
      assert.deepStrictEqual(gcs.problems, []);
      assert.deepStrictEqual(gcs.pods[0].initContainers, ["storage-initializer"]);
      const oci = await simulate(OCI_URI);
      assert.match(
        oci.problems[0].message,
        /^violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(containers "modelcar-init", "modelcar" must set/,
      );
    });

    it("serves a huggingface model with the kserve-huggingfaceserver runtime, the GPU image and no arguments", async () => {
      const model = input(await isvc(), "spec.predictor.model") as Record<string, unknown>;
      assert.deepStrictEqual(model.modelFormat, { name: "huggingface" });
      assert.strictEqual(model.runtime, "kserve-huggingfaceserver");
      assert.strictEqual(model.image, HUGGINGFACE_GPU_IMAGE);
      assert.strictEqual(HUGGINGFACE_GPU_IMAGE, "kserve/huggingfaceserver:v0.20.0-gpu");
      assert.deepStrictEqual(model.args, []);
    });

    it("takes the storage URI as given: a gs:// string", async () => {
      assert.strictEqual(input(await isvc(), "spec.predictor.model.storageUri"), GCS_URI);
    });

    it("takes the storage URI as given: a gs:// Output (the models bucket's name, known later)", async () => {
      const resource = await isvc(() => ({
        storageUri: pulumi.output("cnai-test-models").apply((bucket) => `gs://${bucket}/mistral-7b`),
      }));
      assert.strictEqual(input(resource, "spec.predictor.model.storageUri"), "gs://cnai-test-models/mistral-7b");
    });

    it("requests and limits the GPUs asked with the node's share of CPU and memory (1 of 2 GPUs: 10 CPU, 40 GiB)", async () => {
      assert.deepStrictEqual(input(await isvc(), "spec.predictor.model.resources"), {
        requests: { cpu: "10", memory: "40Gi", "nvidia.com/gpu": "1" },
        limits: { cpu: "10", memory: "40Gi", "nvidia.com/gpu": "1" },
      });
    });

    it("gives a replica asking for all the node's GPUs the whole node's share (2 of 2 GPUs: 21 CPU, 81 GiB)", async () => {
      assert.deepStrictEqual(input(await isvc({ gpus: 2 }), "spec.predictor.model.resources"), {
        requests: { cpu: "21", memory: "81Gi", "nvidia.com/gpu": "2" },
        limits: { cpu: "21", memory: "81Gi", "nvidia.com/gpu": "2" },
      });
    });

    it("outputs the in-cluster predictor URL", async () => {
      const result = await deploy();
      assert.strictEqual(result.outputs.url, "http://llm-predictor.team-nlp.svc.cluster.local");
    });

    it("is a child of the component, through the given provider", async () => {
      const result = await deploy();
      const resource = isvcOf(result);
      assert.strictEqual(resource.parent, one(result, COMPONENT, "llm").urn);
      assert.ok(
        resource.provider?.startsWith(`${one(result, PROVIDER).urn}::`),
        `uses the given provider (got ${resource.provider})`,
      );
    });

    it("resolves the defaults in a pure function, by mode", () => {
      const common = {
        modelFormat: "huggingface",
        runtime: "kserve-huggingfaceserver",
        image: HUGGINGFACE_GPU_IMAGE,
        resources: { cpu: 10, memoryGi: 40 },
        minReplicas: 1,
        maxReplicas: 3,
        serviceAccount: "serving",
        shiftable: false,
        disruptionBudget: true,
      };
      assert.deepStrictEqual(resolveModelDeploymentArgs("llm", args()), {
        ...common,
        scaleMetric: "waiting-requests",
        scaleTarget: 10,
      });
      // Fixed replicas: nothing to scale on, so no metric and no target.
      assert.deepStrictEqual(resolveModelDeploymentArgs("llm", args({ minReplicas: 2, maxReplicas: 2 })), {
        ...common,
        minReplicas: 2,
        maxReplicas: 2,
        scaleMetric: undefined,
        scaleTarget: undefined,
      });
      assert.deepStrictEqual(resolveModelDeploymentArgs("llm", args({ mode: "Knative" })), {
        ...common,
        scaleMetric: "concurrency",
        scaleTarget: 4,
      });
    });

    it("validates against the InferenceService CRD, in Standard and in Knative mode", async function () {
      await assertConforms(this, await deploy());
      await assertConforms(this, await deploy({ mode: "Knative" }));
    });
  });

  describe("options", () => {
    it("an oci:// storage URI with a tag (a modelcar from the models repository)", async function () {
      const result = await deploy({ storageUri: OCI_URI });
      assert.strictEqual(input(isvcOf(result), "spec.predictor.model.storageUri"), OCI_URI);
      await assertConforms(this, result);
    });

    it("an oci:// storage URI pinned by digest", async () => {
      const uri = `oci://us-central1-docker.pkg.dev/acme-test/cnai-test-models/llama@sha256:${"a".repeat(64)}`;
      assert.strictEqual(input(await isvc({ storageUri: uri }), "spec.predictor.model.storageUri"), uri);
    });

    it("args are passed to the model server", async function () {
      const serverArgs = ["--max_model_len=8192", "--dtype=bfloat16"];
      const result = await deploy({ args: serverArgs });
      assert.deepStrictEqual(input(isvcOf(result), "spec.predictor.model.args"), serverArgs);
      await assertConforms(this, result);
    });

    it("resources replace the node share, for requests and limits alike", async () => {
      assert.deepStrictEqual(
        input(await isvc({ resources: { cpu: 6, memoryGi: 24 } }), "spec.predictor.model.resources"),
        {
          requests: { cpu: "6", memory: "24Gi", "nvidia.com/gpu": "1" },
          limits: { cpu: "6", memory: "24Gi", "nvidia.com/gpu": "1" },
        },
      );
      // The whole node is allowed.
      assert.strictEqual(
        input(await isvc({ resources: { cpu: 21, memoryGi: 81 } }), "spec.predictor.model.resources.limits.cpu"),
        "21",
      );
    });

    it("minReplicas 0 scales to zero in Knative mode", async function () {
      const result = await deploy({ mode: "Knative", minReplicas: 0 });
      assert.strictEqual(predictor(isvcOf(result)).minReplicas, 0);
      await assertConforms(this, result);
    });

    it("minReplicas and maxReplicas set the bounds", async () => {
      const p = predictor(await isvc({ minReplicas: 2, maxReplicas: 6 }));
      assert.strictEqual(p.minReplicas, 2);
      assert.strictEqual(p.maxReplicas, 6);
    });

    it("canaryTrafficPercent sends that share to the newest revision in Knative mode (0 included)", async function () {
      const result = await deploy({ mode: "Knative", canaryTrafficPercent: 10 });
      assert.strictEqual(predictor(isvcOf(result)).canaryTrafficPercent, 10);
      await assertConforms(this, result);
      assert.strictEqual(predictor(await isvc({ mode: "Knative", canaryTrafficPercent: 0 })).canaryTrafficPercent, 0);
    });

    it("minReplicas equal to maxReplicas and no scaleMetric: fixed replicas under KServe's none class, no HPA, no query API needed", async function () {
      // KServe v0.20.0: the none class creates no HPA (reconcilers/hpa/hpa_reconciler.go shouldCreateHPA)
      // and sets the Deployment's replicas to minReplicas (reconcilers/deployment/deployment_reconciler.go).
      const result = await deploy({ minReplicas: 2, maxReplicas: 2, metricsQueryUrl: undefined });
      const resource = isvcOf(result);
      assert.deepStrictEqual(input(resource, "metadata.annotations"), {
        "serving.kserve.io/deploymentMode": "Standard",
        "serving.kserve.io/autoscalerClass": "none",
      });
      const p = predictor(resource);
      assert.strictEqual(p.minReplicas, 2);
      assert.strictEqual(p.maxReplicas, 2);
      assert.strictEqual(p.scaleMetric, undefined);
      assert.strictEqual(p.scaleTarget, undefined);
      assert.strictEqual(p.autoScaling, undefined);
      await assertConforms(this, result);
      // The same with a query API: fixed replicas need no KEDA ScaledObject.
      assert.strictEqual(
        input(await isvc({ minReplicas: 1, maxReplicas: 1 }), "metadata.annotations")?.[
          "serving.kserve.io/autoscalerClass" as never
        ],
        "none",
      );
    });

    it("a model on the Transformers backend (no vLLM) runs fixed replicas in Standard mode, or scales on concurrency in Knative mode", async () => {
      assert.strictEqual(
        input(await isvc({ args: TRANSFORMERS, maxReplicas: 1 }), "metadata.annotations")?.[
          "serving.kserve.io/autoscalerClass" as never
        ],
        "none",
      );
      const p = predictor(await isvc({ mode: "Knative", args: TRANSFORMERS }));
      assert.strictEqual(p.scaleMetric, "concurrency");
      assert.strictEqual(p.scaleTarget, 4);
    });

    it("waiting-requests with KServe's vLLM runtime, or a runtime of the cluster's own (taken at its word)", () => {
      for (const runtime of ["kserve-vllmserver", "team-vllm"])
        assert.strictEqual(resolveModelDeploymentArgs("llm", args({ runtime })).scaleMetric, "waiting-requests");
    });

    it("scaleMetric rps scales on requests per second, 4 by default (Knative)", async function () {
      const result = await deploy({ mode: "Knative", scaleMetric: "rps" });
      const p = predictor(isvcOf(result));
      assert.strictEqual(p.scaleMetric, "rps");
      assert.strictEqual(p.scaleTarget, 4);
      await assertConforms(this, result);
    });

    it("scaleTarget sets the target: 100 waiting requests, 200 for rps (not a percentage, no 100 cap)", async () => {
      assert.strictEqual(
        input(await isvc({ scaleTarget: 100 }), "spec.predictor.autoScaling.metrics.0.external.target.value"),
        "100",
      );
      const p = predictor(await isvc({ mode: "Knative", scaleMetric: "rps", scaleTarget: 200 }));
      assert.strictEqual(p.scaleTarget, 200);
    });

    it("serviceAccount replaces serving", async () => {
      assert.strictEqual(predictor(await isvc({ serviceAccount: "nlp-serving" })).serviceAccountName, "nlp-serving");
    });

    it("shiftable: true labels the model server shiftable", async () => {
      assert.strictEqual(
        input(await isvc({ shiftable: true }), "metadata.labels")?.["cnai.dev/shiftable" as never],
        "true",
      );
    });

    it("runtime, image and modelFormat override the Hugging Face defaults", async function () {
      const result = await deploy({
        runtime: "kserve-vllmserver",
        image: "vllm/vllm-openai:v0.11.0",
        modelFormat: "vLLM",
      });
      const model = input(isvcOf(result), "spec.predictor.model") as Record<string, unknown>;
      assert.strictEqual(model.runtime, "kserve-vllmserver");
      assert.strictEqual(model.image, "vllm/vllm-openai:v0.11.0");
      assert.deepStrictEqual(model.modelFormat, { name: "vLLM" });
      await assertConforms(this, result);
    });
  });

  describe("validation", () => {
    const cases: Array<{
      title: string;
      overrides: Partial<ModelDeploymentArgs>;
      name?: string;
      message: string | RegExp;
    }> = [
      {
        title: "a Hugging Face hub URI (hf://)",
        overrides: { storageUri: "hf://meta-llama/Llama-3.1-8B-Instruct" },
        message:
          'storageUri: got "hf://meta-llama/Llama-3.1-8B-Instruct"; allowed: gs://<models bucket>/<path> or oci://<models repository>/<name>:<tag>',
      },
      {
        title: "an S3 URI",
        overrides: { storageUri: "s3://models/llama" },
        message:
          'storageUri: got "s3://models/llama"; allowed: gs://<models bucket>/<path> or oci://<models repository>/<name>:<tag>',
      },
      {
        title: "an oci:// URI without a tag",
        overrides: { storageUri: "oci://us-central1-docker.pkg.dev/acme-test/cnai-test-models/llama" },
        message:
          'storageUri: got "oci://us-central1-docker.pkg.dev/acme-test/cnai-test-models/llama"; allowed: an oci:// reference with a tag or digest (oci://<models repository>/<name>:<tag>)',
      },
      {
        title: "an oci:// URI tagged :latest",
        overrides: { storageUri: "oci://us-central1-docker.pkg.dev/acme-test/cnai-test-models/llama:latest" },
        message:
          'storageUri: got "oci://us-central1-docker.pkg.dev/acme-test/cnai-test-models/llama:latest"; allowed: a pinned version (:latest moves)',
      },
      {
        title: "gpus 0",
        overrides: { gpus: 0 },
        message: "gpus: got 0; allowed: a whole number from 1 to 2, what a node of gpu-l4 offers",
      },
      {
        title: "more GPUs than a node of the pool has",
        overrides: { gpus: 3 },
        message: "gpus: got 3; allowed: a whole number from 1 to 2, what a node of gpu-l4 offers",
      },
      {
        title: "minReplicas 0 in Standard mode",
        overrides: { minReplicas: 0 },
        message:
          "minReplicas: got 0; allowed: 1 or more in Standard mode (the HPA keeps at least one replica; scale to zero needs Knative mode)",
      },
      {
        title: "maxReplicas below minReplicas",
        overrides: { minReplicas: 3, maxReplicas: 2 },
        message: "minReplicas: got 3; allowed: at most maxReplicas (2)",
      },
      {
        title: "scaleMetric concurrency in Standard mode",
        overrides: { scaleMetric: "concurrency" },
        message: `scaleMetric: got "concurrency"; allowed: ${STANDARD_GPU} (concurrency and rps need Knative mode)`,
      },
      {
        title: "scaleMetric rps in Standard mode",
        overrides: { scaleMetric: "rps" },
        message: `scaleMetric: got "rps"; allowed: ${STANDARD_GPU} (concurrency and rps need Knative mode)`,
      },
      // GKE, "Best practices for autoscaling LLM inference workloads with GPUs" (CPU metrics): CPU and
      // memory alone are not the indicators for inference on GPUs. KServe v0.20.0's hpa class would
      // scale on 80 % CPU (hpa_reconciler.go getHPAMetrics, constants.DefaultCPUUtilization).
      {
        title: "scaleMetric cpu for a model server on GPUs",
        overrides: { scaleMetric: "cpu" },
        message: `scaleMetric: got "cpu"; allowed: ${STANDARD_GPU}, or concurrency or rps in Knative mode; not cpu or memory: ${GUIDANCE}`,
      },
      {
        title: "scaleMetric memory for a model server on GPUs, with fixed replicas too",
        overrides: { scaleMetric: "memory", minReplicas: 2, maxReplicas: 2 },
        message: `scaleMetric: got "memory"; allowed: ${STANDARD_GPU}, or concurrency or rps in Knative mode; not cpu or memory: ${GUIDANCE}`,
      },
      {
        title: "scaleMetric cpu for a model server on all the node's GPUs, without a query API",
        overrides: { scaleMetric: "cpu", gpus: 2, metricsQueryUrl: undefined },
        message: `scaleMetric: got "cpu"; allowed: ${STANDARD_GPU}, or concurrency or rps in Knative mode; not cpu or memory: ${GUIDANCE}`,
      },
      {
        title: "waiting-requests for a model on the Transformers backend (no vllm:num_requests_waiting)",
        overrides: { scaleMetric: "waiting-requests", args: TRANSFORMERS },
        message: `scaleMetric: got "waiting-requests"; allowed: ${NOT_VLLM("")}`,
      },
      {
        title: "the default waiting-requests for a model on the Transformers backend, replicas 1 to 3",
        overrides: { args: TRANSFORMERS },
        message: `scaleMetric: got undefined; allowed: ${NOT_VLLM(" (the default in Standard mode when minReplicas is below maxReplicas)")}`,
      },
      {
        title: "waiting-requests on KServe's Triton runtime",
        overrides: { scaleMetric: "waiting-requests", runtime: "kserve-tritonserver", modelFormat: "triton" },
        message: `scaleMetric: got "waiting-requests"; allowed: ${NOT_VLLM("")}`,
      },
      {
        title: "scaleTarget 0 for waiting-requests",
        overrides: { scaleTarget: 0 },
        message: "scaleTarget: got 0; allowed: a whole number, at least 1",
      },
      {
        title: "scaleTarget with fixed replicas",
        overrides: { scaleTarget: 10, minReplicas: 2, maxReplicas: 2 },
        message:
          "scaleTarget: got 10; allowed: nothing with fixed replicas (minReplicas equal to maxReplicas and no scaleMetric: nothing scales), or a scaleMetric",
      },
      {
        title: "canaryTrafficPercent in Standard mode",
        overrides: { canaryTrafficPercent: 10 },
        message:
          "canaryTrafficPercent: got 10; allowed: nothing in Standard mode (canary traffic splits need Knative mode; Standard mode rolls out with its Deployment strategy)",
      },
      {
        title: "canaryTrafficPercent 101 in Knative mode",
        overrides: { mode: "Knative", canaryTrafficPercent: 101 },
        message: "canaryTrafficPercent: got 101; allowed: a whole number from 0 to 100",
      },
      {
        title: "more CPU than a node leaves for Pods",
        overrides: { resources: { cpu: 22, memoryGi: 40 } },
        message:
          'resources: got {"cpu":22,"memoryGi":40}; allowed: at most what a node of gpu-l4 leaves for Pods (21 CPU / 81 GiB)',
      },
      {
        title: "more memory than a node leaves for Pods",
        overrides: { resources: { cpu: 10, memoryGi: 82 } },
        message:
          'resources: got {"cpu":10,"memoryGi":82}; allowed: at most what a node of gpu-l4 leaves for Pods (21 CPU / 81 GiB)',
      },
      {
        title: "a name that is not a Kubernetes name",
        overrides: {},
        name: "Llama_3",
        message:
          "name: got \"Llama_3\"; allowed: a model name: lower-case letters, digits and '-', starting with a letter, at most 45 characters (<name>-predictor and Knative's revision suffixes stay within a 63-character DNS label)",
      },
    ];

    for (const { title, overrides, name = "llm", message } of cases) {
      it(`refuses ${title}, and creates no InferenceService`, async () => {
        await assert.rejects(deploy(overrides, name), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.strictEqual(error.message, `ModelDeployment "${name}": ${message}`);
          assert.strictEqual(error.resources.filter((r) => r.type === ISVC).length, 0);
          return true;
        });
        // The same check, without running a program.
        assert.throws(
          () => resolveModelDeploymentArgs(name, args(overrides)),
          (error: Error) => error.message === `ModelDeployment "${name}": ${message}`,
        );
      });
    }

    it("accepts what the cases above refuse once in the right mode (concurrency, canary and minReplicas 0 in Knative)", () => {
      assert.doesNotThrow(() =>
        resolveModelDeploymentArgs(
          "llm",
          args({ mode: "Knative", scaleMetric: "concurrency", canaryTrafficPercent: 10, minReplicas: 0 }),
        ),
      );
    });

    it("accepts what GKE's guidance scales a GPU model server on: vLLM's queue, Knative's concurrency or rps, or fixed replicas", () => {
      const admitted: Array<Partial<ModelDeploymentArgs>> = [
        { scaleMetric: "waiting-requests" },
        { scaleMetric: "waiting-requests", args: ["--backend=vllm"], scaleTarget: 5 },
        { scaleMetric: "waiting-requests", minReplicas: 2, maxReplicas: 2 },
        { mode: "Knative", scaleMetric: "concurrency", args: TRANSFORMERS, metricsQueryUrl: undefined },
        { mode: "Knative", scaleMetric: "rps", metricsQueryUrl: undefined },
        { minReplicas: 3, maxReplicas: 3, args: TRANSFORMERS, metricsQueryUrl: undefined },
      ];
      for (const overrides of admitted)
        assert.doesNotThrow(() => resolveModelDeploymentArgs("llm", args(overrides)), JSON.stringify(overrides));
    });
  });
});

describe("ModelDeployment mode and size rules", () => {
  it("refuses cpu or memory scaling in Knative mode (Knative scales on concurrency or rps)", async () => {
    await assert.rejects(
      deploy({ mode: "Knative", scaleMetric: "cpu" }),
      /scaleMetric: got "cpu"; allowed: concurrency or rps in Knative mode/,
    );
  });

  it("refuses resources without CPU or memory", async () => {
    await assert.rejects(
      deploy({ resources: { cpu: 0, memoryGi: 8 } }),
      /resources: got \{"cpu":0,"memoryGi":8\}; allowed: some CPU and some memory/,
    );
  });

  it("refuses names too long for <name>-predictor host names", async () => {
    await assert.rejects(
      deploy({}, "a".repeat(46)),
      /name: got "a{46}"; allowed: a model name: .* at most 45 characters/,
    );
  });
});

describe("ModelDeployment tracing", () => {
  const ENDPOINT = "http://traces-collector.cnai-tracing.svc.cluster.local:4317";

  it("sets the OpenTelemetry SDK's environment on the model container, the collector sampling", async () => {
    const result = await run(() => new ModelDeployment("chat", args({ tracing: { endpoint: ENDPOINT } })));
    const env = input(one(result, ISVC), "spec.predictor.model.env") as Array<{ name: string; value: string }>;
    assert.deepStrictEqual(Object.fromEntries(env.map((e) => [e.name, e.value])), {
      OTEL_SERVICE_NAME: "chat",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ENDPOINT,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
      OTEL_RESOURCE_ATTRIBUTES: "k8s.namespace.name=team-nlp,cnai.team=nlp",
      OTEL_TRACES_SAMPLER: "parentbased_always_on",
    });
    const modelArgs = input(one(result, ISVC), "spec.predictor.model.args") as string[];
    assert.ok(!modelArgs.some((a) => a.startsWith("--otlp-traces-endpoint")), "no vLLM flag without vllmSpans");
  });

  it("passes vLLM's --otlp-traces-endpoint only with an image that has OpenTelemetry, and refuses it with the stock image", async () => {
    const result = await run(
      () =>
        new ModelDeployment(
          "chat",
          args({ image: "registry.example/vllm-otel:0.11.0", tracing: { endpoint: ENDPOINT, vllmSpans: true } }),
        ),
    );
    assert.ok(
      (input(one(result, ISVC), "spec.predictor.model.args") as string[]).includes(
        `--otlp-traces-endpoint=${ENDPOINT}`,
      ),
    );
    assert.throws(
      () => resolveModelDeploymentArgs("chat", args({ tracing: { endpoint: ENDPOINT, vllmSpans: true } })),
      /tracing\.vllmSpans: got true; allowed: an image that installs opentelemetry-sdk and opentelemetry-exporter-otlp \(kserve\/huggingfaceserver:v0\.20\.0-gpu has no OpenTelemetry packages/,
    );
  });
});
