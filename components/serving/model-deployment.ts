import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { needsDisruptionBudget } from "../catalog/disruption";
import type { CarbonTier } from "../catalog/regions";
import { childOptions } from "../child-options";
import { GPU_TAINT } from "../compute/gpu-node-pool";
import { nodeShare, type PoolTarget, podGpuProblems, podResourceProblems } from "../compute/gpu-pool-rules";
import { disruptionBudget } from "../kubernetes/disruption-budget";
import { kubernetesLabels, kubernetesSustainabilityLabels, type StackLabels } from "../labels";
import { type RuleProblem, throwProblems } from "../rule-problem";
import type { KServeMode } from "./kserve";
import {
  defaultScaleTarget,
  exportsVllmMetrics,
  HUGGINGFACE_GPU_IMAGE,
  MODEL_DEFAULTS,
  MODEL_NAME,
  modelScalingProblems,
  type ScaleMetric,
  scaleMetricInForce,
  storageUriProblems,
} from "./serving-rules";

export {
  exportsVllmMetrics,
  HUGGINGFACE_GPU_IMAGE,
  SCALE_METRICS,
  type ScaleMetric,
  servedByVllm,
} from "./serving-rules";

export interface ModelDeploymentArgs {
  labels: StackLabels;
  team: string;
  namespace: string;
  /** The platform's KServe deployment mode. */
  mode: KServeMode;
  /** `gs://<models bucket>/<path>` or `oci://<models repository>/<name>:<tag>`. */
  storageUri: pulumi.Input<string>;
  /** @default "huggingface" */
  modelFormat?: string;
  /** A ClusterServingRuntime. @default "kserve-huggingfaceserver" */
  runtime?: string;
  /** The server image. @default "kserve/huggingfaceserver:v0.20.0-gpu" (the runtime's default image is CPU-only) */
  image?: string;
  /** Server arguments. @default [] */
  args?: string[];
  /** GPUs per replica. */
  gpus: number;
  pool: PoolTarget;
  /** CPU cores and memory (GiB) per replica. @default the pool's per-node share for the GPUs asked */
  resources?: { cpu: number; memoryGi: number };
  /** 0 (scale to zero) only in Knative mode. @default 1 */
  minReplicas?: number;
  /** @default 3 */
  maxReplicas?: number;
  /**
   * What the replicas scale on. Standard mode: `waiting-requests` (vLLM's `vllm:num_requests_waiting`
   * through KEDA, which needs `metricsQueryUrl` and a server that runs vLLM, {@link exportsVllmMetrics});
   * Knative: `concurrency` or `rps`. A model server asks for GPUs, so `cpu` and `memory` are refused:
   * its CPU and memory do not follow its load (GKE, "Best practices for autoscaling LLM inference
   * workloads with GPUs"). Unset with minReplicas equal to maxReplicas in Standard mode, nothing
   * scales: KServe's `none` autoscaler class runs minReplicas replicas and creates no HPA.
   * @default "waiting-requests" in Standard mode (none when minReplicas equals maxReplicas); "concurrency" in Knative
   */
  scaleMetric?: ScaleMetric;
  /**
   * Target per replica: requests for concurrency and rps, requests waiting in vLLM's queue for
   * waiting-requests; none with fixed replicas.
   * @default 10 waiting requests, 4 otherwise
   */
  scaleTarget?: number;
  /**
   * A Prometheus query API (`http://<host>:<port>`) that holds the model servers' metrics: the
   * in-cluster Prometheus, or Managed Prometheus's query frontend. KEDA (installed by KServe in
   * Standard mode) queries it for `waiting-requests` scaling. @default none
   */
  metricsQueryUrl?: string;
  /** Share of traffic sent to the newest revision while it rolls out (Knative mode). @default none (all traffic) */
  canaryTrafficPercent?: number;
  /** @default "serving" */
  serviceAccount?: string;
  /** Serving is user-facing: it does not wait. @default false */
  shiftable?: boolean;
  /**
   * A PodDisruptionBudget over the predictor's Pods, sized from the replicas so that drains proceed
   * (components/catalog/disruption.ts). @default true when the predictor can run more than one replica
   */
  disruptionBudget?: boolean;
  carbonTier: CarbonTier;
  /**
   * OTLP trace export: the model server gets the OpenTelemetry SDK's environment (service name,
   * traces endpoint over gRPC, resource attributes, a parent-based sampler: the collector samples), and
   * with `vllmSpans` vLLM's own `--otlp-traces-endpoint` (vllm/engine/arg_utils.py ObservabilityConfig).
   * vLLM refuses to start with that flag unless the OpenTelemetry packages are installed (vllm/tracing.py
   * is_otel_available; vLLM's requirements/common.txt has none), and KServe's Hugging Face server image does
   * not add them: `vllmSpans` needs an `image` that does. @default none
   */
  tracing?: { endpoint: string; vllmSpans?: boolean };
}

/**
 * The labels KServe v0.20.0 puts on every predictor Pod (pkg/controller/v1beta1/inferenceservice/components/predictor.go
 * buildObjectMeta: constants.InferenceServicePodLabelKey and KServiceComponentLabel), in both deployment modes.
 */
export function predictorPodLabels(name: string): Record<string, string> {
  return { "serving.kserve.io/inferenceservice": name, component: "predictor" };
}

/**
 * Scaling on vLLM's request queue, GKE's advice for LLM inference ("Best practices for autoscaling
 * large language model (LLM) inference workloads with GPUs": scale on the queue size, not on CPU or
 * GPU utilisation). KServe v0.20.0 turns `serving.kserve.io/autoscalerClass: keda` and an External
 * Prometheus metric into a KEDA ScaledObject whose trigger threshold is `target.value` per replica
 * (kserve/kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/reconcilers/keda/keda_reconciler.go
 * getKedaMetrics; the webhook refuses scaleMetric with KEDA, inference_service_validation.go
 * validateScalingKedaCompExtension). `model` and `namespace` are the labels both monitoring backends
 * put on the model servers' series (components/observability/scrape-targets.ts).
 */
export function waitingRequestsQuery(namespace: string, model: string): string {
  return `sum(vllm:num_requests_waiting{namespace="${namespace}",model="${model}"})`;
}

/**
 * A model server on a GPU pool: a KServe InferenceService with its storage URI (models bucket or
 * OCI repository), GPU requests and limits, replica bounds, scale metric and target, an optional
 * canary share, the pool's node selector and GPU toleration, the serving service account, and the
 * team and sustainability labels.
 */
export class ModelDeployment extends pulumi.ComponentResource {
  public readonly inferenceService: k8s.apiextensions.CustomResource;
  /** The predictor's PodDisruptionBudget, when it has one. */
  public readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
  /** In-cluster URL of the predictor. */
  public readonly url: string;

  constructor(name: string, args: ModelDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:serving:ModelDeployment", name, {}, opts);
    const spec = resolveModelDeploymentArgs(name, args, this);
    const gpus = String(args.gpus);
    const keda = spec.scaleMetric === "waiting-requests";
    // Fixed replicas: KServe's `none` class creates no HPA and sets the Deployment's replicas to
    // minReplicas (kserve/kserve v0.20.0 reconcilers/deployment/deployment_reconciler.go).
    const autoscalerClass = keda ? "keda" : spec.scaleMetric === undefined ? "none" : "hpa";
    this.inferenceService = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "serving.kserve.io/v1beta1",
        kind: "InferenceService",
        metadata: {
          name,
          namespace: args.namespace,
          labels: {
            ...kubernetesLabels(args.labels, "model-deployment"),
            "cnai.dev/team": args.team,
            ...kubernetesSustainabilityLabels({
              workloadType: "inference",
              shiftable: spec.shiftable,
              carbonTier: args.carbonTier,
            }),
          },
          annotations: {
            "serving.kserve.io/deploymentMode": args.mode,
            ...(args.mode === "Standard" ? { "serving.kserve.io/autoscalerClass": autoscalerClass } : {}),
          },
        },
        spec: {
          predictor: {
            minReplicas: spec.minReplicas,
            maxReplicas: spec.maxReplicas,
            ...(keda
              ? {
                  autoScaling: {
                    metrics: [
                      {
                        type: "External",
                        external: {
                          metric: {
                            backend: "prometheus",
                            serverAddress: args.metricsQueryUrl,
                            query: waitingRequestsQuery(args.namespace, name),
                          },
                          // KServe reads only target.value for an External metric and writes it as the
                          // trigger's threshold with no metricType, which KEDA applies as AverageValue: per
                          // replica, whatever `type` says (keda_reconciler.go getKedaMetrics, v0.20.0).
                          // `value` must stay the field set: an averageValue would become a threshold of 0.
                          target: { type: "Value", value: String(spec.scaleTarget) },
                        },
                      },
                    ],
                  },
                }
              : spec.scaleMetric === undefined
                ? {}
                : { scaleMetric: spec.scaleMetric, scaleTarget: spec.scaleTarget }),
            canaryTrafficPercent: args.canaryTrafficPercent,
            serviceAccountName: spec.serviceAccount,
            // The runtime's container and KServe's storage initializer drop every capability and run
            // as non-root, but neither sets a seccomp profile: without a Pod-level one, a team at the
            // restricted Pod Security level refuses the predictor (pod-security-admission
            // policy/check_seccompProfile_restricted.go). Modelcars (oci://) set too little for restricted.
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            nodeSelector: {
              "cloud.google.com/gke-nodepool": args.pool.nodePool,
              "cloud.google.com/gke-accelerator": args.pool.accelerator,
            },
            tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
            model: {
              modelFormat: { name: spec.modelFormat },
              runtime: spec.runtime,
              storageUri: args.storageUri,
              image: spec.image,
              args: [
                ...(args.args ?? []),
                ...(args.tracing?.vllmSpans ? [`--otlp-traces-endpoint=${args.tracing.endpoint}`] : []),
              ],
              ...(args.tracing ? { env: otlpEnv(name, args.namespace, args.team, args.tracing.endpoint) } : {}),
              resources: {
                requests: {
                  cpu: String(spec.resources.cpu),
                  memory: `${spec.resources.memoryGi}Gi`,
                  "nvidia.com/gpu": gpus,
                },
                limits: {
                  cpu: String(spec.resources.cpu),
                  memory: `${spec.resources.memoryGi}Gi`,
                  "nvidia.com/gpu": gpus,
                },
              },
            },
          },
        },
      },
      childOptions(this, opts),
    );
    if (spec.disruptionBudget) {
      this.disruptionBudget = disruptionBudget(
        `${name}-pdb`,
        {
          name: `${name}-predictor`,
          namespace: args.namespace,
          labels: { ...kubernetesLabels(args.labels, "model-deployment"), "cnai.dev/team": args.team },
          selector: predictorPodLabels(name),
          replicas: { min: spec.minReplicas, max: spec.maxReplicas },
        },
        childOptions(this, opts),
      );
    }
    this.url = `http://${name}-predictor.${args.namespace}.svc.cluster.local`;
    this.registerOutputs({ name, namespace: args.namespace, url: this.url });
  }
}

/** The OpenTelemetry SDK's environment for a model server (OpenTelemetry specification, "Environment Variable Specification"). */
export function otlpEnv(model: string, namespace: string, team: string, endpoint: string) {
  return [
    { name: "OTEL_SERVICE_NAME", value: model },
    { name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", value: endpoint },
    { name: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", value: "grpc" },
    { name: "OTEL_RESOURCE_ATTRIBUTES", value: `k8s.namespace.name=${namespace},cnai.team=${team}` },
    // Every span goes to the collector, which keeps whole traces at the stack's ratio.
    { name: "OTEL_TRACES_SAMPLER", value: "parentbased_always_on" },
  ];
}

export interface ResolvedModelDeployment {
  modelFormat: string;
  runtime: string;
  image: string;
  resources: { cpu: number; memoryGi: number };
  minReplicas: number;
  maxReplicas: number;
  /** Undefined: fixed replicas (minReplicas equals maxReplicas, no autoscaler). */
  scaleMetric?: ScaleMetric;
  scaleTarget?: number;
  serviceAccount: string;
  shiftable: boolean;
  disruptionBudget: boolean;
}

/**
 * Applies defaults and checks the args against the deployment mode and the pool
 * (components/serving/serving-rules.ts); throws a ResourceError. Pure.
 */
export function resolveModelDeploymentArgs(
  name: string,
  args: ModelDeploymentArgs,
  resource?: pulumi.Resource,
): ResolvedModelDeployment {
  const problems: RuleProblem[] = [];
  if (!MODEL_NAME.pattern.test(name)) problems.push({ path: ["name"], input: name, message: MODEL_NAME.allowed });
  if (typeof args.storageUri === "string") problems.push(...storageUriProblems(args.storageUri));
  const gpuProblems = podGpuProblems("gpus", args.gpus, args.pool);
  problems.push(...gpuProblems);
  if (args.tracing?.vllmSpans && (args.image ?? MODEL_DEFAULTS.image).endsWith(HUGGINGFACE_GPU_IMAGE))
    problems.push({
      path: ["tracing", "vllmSpans"],
      input: true,
      message: `an image that installs opentelemetry-sdk and opentelemetry-exporter-otlp (${HUGGINGFACE_GPU_IMAGE} has no OpenTelemetry packages, and vLLM refuses --otlp-traces-endpoint without them), or vllmSpans off (the OTLP environment is still set)`,
    });
  const minReplicas = args.minReplicas ?? MODEL_DEFAULTS.minReplicas;
  const maxReplicas = args.maxReplicas ?? MODEL_DEFAULTS.maxReplicas;
  const runtime = args.runtime ?? MODEL_DEFAULTS.runtime;
  const scaling = {
    mode: args.mode,
    minReplicas,
    maxReplicas,
    scaleMetric: args.scaleMetric,
    scaleTarget: args.scaleTarget,
    canaryTrafficPercent: args.canaryTrafficPercent,
    hasMetricsQuery: args.metricsQueryUrl !== undefined,
    gpus: args.gpus,
    exportsVllmMetrics: exportsVllmMetrics(runtime, args.args ?? []),
  };
  problems.push(...modelScalingProblems(scaling));
  const scaleMetric = scaleMetricInForce(scaling) as ScaleMetric | undefined;
  if (args.metricsQueryUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(args.metricsQueryUrl))
    problems.push({ path: ["metricsQueryUrl"], input: args.metricsQueryUrl, message: "an http(s) URL" });
  const resources = args.resources ?? nodeShare(args.pool, args.gpus);
  // The default share is only as good as the GPU count it comes from (a wrong count is reported above).
  if (gpuProblems.length === 0 || args.resources) problems.push(...podResourceProblems(resources, args.pool));
  throwProblems("ModelDeployment", name, problems, resource);
  return {
    modelFormat: args.modelFormat ?? MODEL_DEFAULTS.modelFormat,
    runtime,
    image: args.image ?? MODEL_DEFAULTS.image,
    resources,
    minReplicas,
    maxReplicas,
    scaleMetric,
    scaleTarget: scaleMetric === undefined ? undefined : (args.scaleTarget ?? defaultScaleTarget(scaleMetric)),
    serviceAccount: args.serviceAccount ?? MODEL_DEFAULTS.serviceAccount,
    shiftable: args.shiftable ?? MODEL_DEFAULTS.shiftable,
    disruptionBudget: args.disruptionBudget ?? needsDisruptionBudget(minReplicas, maxReplicas),
  };
}
