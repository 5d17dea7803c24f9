import type { RuleProblem } from "../rule-problem";
import type { KServeMode } from "./kserve";

/**
 * The rules and defaults of a model deployment (a KServe InferenceService), as pure functions shared
 * by the config schema (which reports them against `serving.models[]` keys) and `ModelDeployment`
 * (which throws them as a ResourceError). Paths are relative to `ModelDeploymentArgs`.
 */

export const SCALE_METRICS = ["cpu", "memory", "concurrency", "rps", "waiting-requests"] as const;
export type ScaleMetric = (typeof SCALE_METRICS)[number];

/** The huggingfaceserver runtime's GPU image (the ClusterServingRuntime's default image is CPU-only). */
export const HUGGINGFACE_GPU_IMAGE = "kserve/huggingfaceserver:v0.20.0-gpu";

/**
 * Whether KServe's Hugging Face server runs the model on vLLM: its `--backend` is `auto` by default,
 * which picks vLLM for the text-generation models vLLM supports, and `huggingface` forces the
 * Transformers backend (kserve/kserve v0.20.0 python/huggingfaceserver/huggingfaceserver/__main__.py
 * `--backend` choices). vLLM-served models go through an InferencePool; the others through a Service.
 */
export function servedByVllm(args: readonly string[]): boolean {
  const backend = args
    .map((arg, i) =>
      arg.startsWith("--backend=") ? arg.slice("--backend=".length) : arg === "--backend" ? args[i + 1] : undefined,
    )
    .filter((value): value is string => value !== undefined)
    .pop();
  return backend === undefined || backend === "auto" || backend === "vllm";
}

/** `ModelDeployment`'s defaults, which are also the config's defaults of `serving.models[]`. */
export const MODEL_DEFAULTS = {
  modelFormat: "huggingface",
  runtime: "kserve-huggingfaceserver",
  image: HUGGINGFACE_GPU_IMAGE,
  gpus: 1,
  minReplicas: 1,
  maxReplicas: 3,
  serviceAccount: "serving",
  shiftable: false,
} as const;

/** `<name>-predictor` (and Knative's revision suffixes) must stay within a 63-character DNS label. */
export const MODEL_NAME = {
  pattern: /^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$/,
  allowed:
    "a model name: lower-case letters, digits and '-', starting with a letter, at most 45 characters (<name>-predictor and Knative's revision suffixes stay within a 63-character DNS label)",
} as const;

/**
 * KServe v0.20.0's ClusterServingRuntimes (kserve/kserve v0.20.0 config/runtimes/kustomization.yaml),
 * which kserve-runtime-configs installs. Of these, only the vLLM server and the Hugging Face servers
 * (on their vLLM backend) run vLLM.
 */
export const KSERVE_RUNTIMES = [
  "kserve-tensorflow-serving",
  "kserve-sklearnserver",
  "kserve-predictiveserver",
  "kserve-mlserver",
  "kserve-xgbserver",
  "kserve-tritonserver",
  "kserve-pmmlserver",
  "kserve-paddleserver",
  "kserve-lgbserver",
  "kserve-torchserve",
  "kserve-huggingfaceserver",
  "kserve-huggingfaceserver-multinode",
  "kserve-autogluonserver",
  "kserve-vllmserver",
] as const;

/**
 * Whether the model server exports vLLM's metrics (`vllm:num_requests_waiting`, what `waiting-requests`
 * reads): KServe's vLLM runtime always (kserve-vllmserver runs vllm.entrypoints.openai.api_server);
 * its Hugging Face runtimes on the vLLM backend only ({@link servedByVllm}; `--backend=huggingface`
 * runs Transformers, which exports none); KServe's other runtimes never. A runtime of the cluster's
 * own is not KServe's: the component cannot see its image and takes it at its word.
 */
export function exportsVllmMetrics(runtime: string, args: readonly string[]): boolean {
  if (runtime === "kserve-vllmserver") return true;
  if (runtime === "kserve-huggingfaceserver" || runtime === "kserve-huggingfaceserver-multinode")
    return servedByVllm(args);
  return !(KSERVE_RUNTIMES as readonly string[]).includes(runtime);
}

/**
 * GKE's guidance, "Best practices for autoscaling large language model (LLM) inference workloads with
 * GPUs" (cloud.google.com/kubernetes-engine/docs/best-practices/machine-learning/inference/autoscaling,
 * "CPU metrics"): inference on GPUs relies primarily on the GPUs, so CPU and memory utilisation are
 * not recommended as the only indicators of its load, and autoscaling on CPU alone leads to
 * suboptimal performance and costs; the server's queue size is the metric it recommends for
 * throughput at the lowest cost ("Server metrics"). KServe v0.20.0's `hpa` class turns `scaleMetric: cpu` into a CPU-utilisation HPA
 * (80 % unless scaleTarget says otherwise; `memory` without a target gives no metric at all:
 * pkg/controller/v1beta1/inferenceservice/reconcilers/hpa/hpa_reconciler.go getHPAMetrics).
 */
export const GPU_SCALING_GUIDANCE =
  'a model server on GPUs does its work there, so its CPU and memory use do not follow its load (GKE, "Best practices for autoscaling LLM inference workloads with GPUs", CPU metrics)';

/** What a GPU model server may scale on, by mode (the wording of the refusals). */
const GPU_SCALING_ALLOWED = {
  Standard:
    "waiting-requests in Standard mode (vLLM's queue through KEDA, with metricsQueryUrl), or no scaleMetric with minReplicas equal to maxReplicas (fixed replicas, no autoscaler)",
  Knative: "concurrency or rps in Knative mode",
} as const;

/**
 * The scale metric when none is given: Knative's concurrency; in Standard mode vLLM's queue through
 * KEDA (`waiting-requests`, which needs a Prometheus query API), or none at all when minReplicas
 * equals maxReplicas (fixed replicas: KServe's `none` autoscaler class, which creates no HPA and sets
 * the Deployment's replicas to minReplicas, deployment_reconciler.go). Never CPU: a model server asks
 * for GPUs ({@link GPU_SCALING_GUIDANCE}).
 */
export function defaultScaleMetric(
  mode: KServeMode,
  minReplicas: number,
  maxReplicas: number,
): ScaleMetric | undefined {
  if (mode === "Knative") return "concurrency";
  return minReplicas === maxReplicas ? undefined : "waiting-requests";
}

/** The target per replica when none is given: 70 % for cpu and memory, 10 waiting requests, 4 otherwise. */
export function defaultScaleTarget(metric: ScaleMetric): number {
  if (isPercentMetric(metric)) return 70;
  return metric === "waiting-requests" ? 10 : 4;
}

function isPercentMetric(metric: string): boolean {
  return metric === "cpu" || metric === "memory";
}

/** What the scaling rules look at (defaults applied where the caller has them). */
export interface ModelScalingShape {
  readonly mode: KServeMode;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The metric as given; unset, {@link defaultScaleMetric} applies. */
  readonly scaleMetric?: string;
  readonly scaleTarget?: number;
  readonly canaryTrafficPercent?: number;
  /** Whether a Prometheus query API is given (the platform always gives one). */
  readonly hasMetricsQuery: boolean;
  /** GPUs per replica. */
  readonly gpus: number;
  /** Whether the server exports vLLM's metrics ({@link exportsVllmMetrics}). */
  readonly exportsVllmMetrics: boolean;
}

/** The metric in force: the one given, else {@link defaultScaleMetric}; undefined means fixed replicas. */
export function scaleMetricInForce(
  model: Pick<ModelScalingShape, "mode" | "minReplicas" | "maxReplicas" | "scaleMetric">,
): string | undefined {
  return model.scaleMetric ?? defaultScaleMetric(model.mode, model.minReplicas, model.maxReplicas);
}

/** Replica bounds, the scale metric and target for the mode and the server, and the canary share. */
export function modelScalingProblems(model: ModelScalingShape): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const knative = model.mode === "Knative";
  const { minReplicas, maxReplicas } = model;
  const gpuServer = model.gpus > 0;
  if (!Number.isInteger(minReplicas) || minReplicas < 0)
    problems.push({ path: ["minReplicas"], input: minReplicas, message: "a whole number, at least 0" });
  else if (minReplicas === 0 && !knative)
    problems.push({
      path: ["minReplicas"],
      input: 0,
      message: "1 or more in Standard mode (the HPA keeps at least one replica; scale to zero needs Knative mode)",
    });
  if (!Number.isInteger(maxReplicas) || maxReplicas < 1)
    problems.push({ path: ["maxReplicas"], input: maxReplicas, message: "a whole number, at least 1" });
  else if (minReplicas > maxReplicas)
    problems.push({ path: ["minReplicas"], input: minReplicas, message: `at most maxReplicas (${maxReplicas})` });
  const scaleMetric = scaleMetricInForce(model);
  // The value as given, so that a refusal of the default says so.
  const given = model.scaleMetric;
  const standardAllowed = gpuServer ? GPU_SCALING_ALLOWED.Standard : "waiting-requests, cpu or memory in Standard mode";
  if (scaleMetric !== undefined && !(SCALE_METRICS as readonly string[]).includes(scaleMetric))
    problems.push({ path: ["scaleMetric"], input: scaleMetric, message: `one of ${SCALE_METRICS.join(", ")}` });
  else if (!knative && (scaleMetric === "concurrency" || scaleMetric === "rps"))
    problems.push({
      path: ["scaleMetric"],
      input: scaleMetric,
      message: `${standardAllowed} (concurrency and rps need Knative mode)`,
    });
  else if (knative && scaleMetric !== "concurrency" && scaleMetric !== "rps")
    problems.push({ path: ["scaleMetric"], input: scaleMetric, message: GPU_SCALING_ALLOWED.Knative });
  else if (gpuServer && scaleMetric !== undefined && isPercentMetric(scaleMetric))
    problems.push({
      path: ["scaleMetric"],
      input: scaleMetric,
      message: `${standardAllowed}, or concurrency or rps in Knative mode; not cpu or memory: ${GPU_SCALING_GUIDANCE}`,
    });
  else if (scaleMetric === "waiting-requests" && !model.exportsVllmMetrics)
    problems.push({
      path: ["scaleMetric"],
      input: given,
      message: `a metric the server exports: waiting-requests${given === undefined ? " (the default in Standard mode when minReplicas is below maxReplicas)" : ""} reads vLLM's vllm:num_requests_waiting, and this server does not run vLLM (a runtime other than KServe's vLLM and Hugging Face ones, or --backend=huggingface); fixed replicas (no scaleMetric, minReplicas equal to maxReplicas), or concurrency or rps in Knative mode`,
    });
  else if (scaleMetric === "waiting-requests" && !model.hasMetricsQuery)
    problems.push({
      path: ["metricsQueryUrl"],
      input: undefined,
      message: `the Prometheus query API KEDA reads vLLM's queue from, with scaleMetric waiting-requests${given === undefined ? " (the default in Standard mode when minReplicas is below maxReplicas)" : ""}; or fixed replicas (no scaleMetric, minReplicas equal to maxReplicas). Not cpu or memory: ${GPU_SCALING_GUIDANCE}`,
    });
  const target = model.scaleTarget;
  if (target !== undefined && scaleMetric === undefined)
    problems.push({
      path: ["scaleTarget"],
      input: target,
      message:
        "nothing with fixed replicas (minReplicas equal to maxReplicas and no scaleMetric: nothing scales), or a scaleMetric",
    });
  else if (target !== undefined && scaleMetric !== undefined) {
    const percent = isPercentMetric(scaleMetric);
    if (!Number.isInteger(target) || target < 1 || (percent && target > 100))
      problems.push({
        path: ["scaleTarget"],
        input: target,
        message: percent
          ? `a whole number from 1 to 100 (a percentage, for ${scaleMetric})`
          : "a whole number, at least 1",
      });
  }
  const canary = model.canaryTrafficPercent;
  if (canary !== undefined && !knative)
    problems.push({
      path: ["canaryTrafficPercent"],
      input: canary,
      message:
        "nothing in Standard mode (canary traffic splits need Knative mode; Standard mode rolls out with its Deployment strategy)",
    });
  else if (canary !== undefined && (!Number.isInteger(canary) || canary < 0 || canary > 100))
    problems.push({ path: ["canaryTrafficPercent"], input: canary, message: "a whole number from 0 to 100" });
  return problems;
}

/** Where the model comes from: a models bucket or an OCI repository (modelcar), pinned. */
export function storageUriProblems(uri: string): RuleProblem[] {
  const at = (message: string): RuleProblem[] => [{ path: ["storageUri"], input: uri, message }];
  if (!/^(gs|oci):\/\/\S+$/.test(uri))
    return at("gs://<models bucket>/<path> or oci://<models repository>/<name>:<tag>");
  if (uri.startsWith("oci://") && !/(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(uri))
    return at("an oci:// reference with a tag or digest (oci://<models repository>/<name>:<tag>)");
  if (/:latest$/.test(uri)) return at("a pinned version (:latest moves)");
  return [];
}
