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

/** The scale metric when none is given: Knative's concurrency; in Standard mode vLLM's queue (KEDA) when a query API is given, else CPU. */
export function defaultScaleMetric(mode: KServeMode, hasMetricsQuery: boolean): ScaleMetric {
  if (mode === "Knative") return "concurrency";
  return hasMetricsQuery ? "waiting-requests" : "cpu";
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
  /** The metric in force (given, or {@link defaultScaleMetric}). */
  readonly scaleMetric: string;
  readonly scaleTarget?: number;
  readonly canaryTrafficPercent?: number;
  /** Whether a Prometheus query API is given (the platform always gives one). */
  readonly hasMetricsQuery: boolean;
}

/** Replica bounds, the scale metric and target for the mode, and the canary share. */
export function modelScalingProblems(model: ModelScalingShape): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const knative = model.mode === "Knative";
  const { minReplicas, maxReplicas, scaleMetric } = model;
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
  if (!(SCALE_METRICS as readonly string[]).includes(scaleMetric))
    problems.push({ path: ["scaleMetric"], input: scaleMetric, message: `one of ${SCALE_METRICS.join(", ")}` });
  else if (!knative && (scaleMetric === "concurrency" || scaleMetric === "rps"))
    problems.push({
      path: ["scaleMetric"],
      input: scaleMetric,
      message: "waiting-requests, cpu or memory in Standard mode (concurrency and rps need Knative mode)",
    });
  else if (knative && scaleMetric !== "concurrency" && scaleMetric !== "rps")
    problems.push({ path: ["scaleMetric"], input: scaleMetric, message: "concurrency or rps in Knative mode" });
  if (scaleMetric === "waiting-requests" && !model.hasMetricsQuery)
    problems.push({
      path: ["metricsQueryUrl"],
      input: undefined,
      message:
        "the Prometheus query API KEDA reads vLLM's queue from, with scaleMetric waiting-requests (or scale on cpu or memory)",
    });
  const target = model.scaleTarget;
  const percent = isPercentMetric(scaleMetric);
  if (target !== undefined && (!Number.isInteger(target) || target < 1 || (percent && target > 100)))
    problems.push({
      path: ["scaleTarget"],
      input: target,
      message: percent
        ? `a whole number from 1 to 100 (a percentage, for ${scaleMetric})`
        : "a whole number, at least 1",
    });
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
