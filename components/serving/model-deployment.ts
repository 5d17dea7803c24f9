import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CarbonTier } from "../catalog/regions";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { GPU_TAINT } from "../compute/gpu-node-pool";
import type { PoolTarget } from "../compute/gpu-pool-rules";
import { kubernetesLabels, kubernetesSustainabilityLabels, type StackLabels } from "../labels";
import type { KServeMode } from "./kserve";

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
   * through KEDA, which needs `metricsQueryUrl`), or `cpu` / `memory` (HPA; a GPU model server's CPU
   * barely moves with load, so this suits CPU-bound servers only); Knative: `concurrency` or `rps`.
   * @default "waiting-requests" in Standard mode with a metricsQueryUrl, else "cpu"; "concurrency" in Knative
   */
  scaleMetric?: ScaleMetric;
  /**
   * Target per replica: a percentage for cpu and memory, requests for concurrency and rps, requests
   * waiting in vLLM's queue for waiting-requests.
   * @default 70 for cpu/memory, 10 waiting requests, 4 otherwise
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

export const SCALE_METRICS = ["cpu", "memory", "concurrency", "rps", "waiting-requests"] as const;
export type ScaleMetric = (typeof SCALE_METRICS)[number];

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
  /** In-cluster URL of the predictor. */
  public readonly url: string;

  constructor(name: string, args: ModelDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:serving:ModelDeployment", name, {}, opts);
    const spec = resolveModelDeploymentArgs(name, args, this);
    const gpus = String(args.gpus);
    const keda = spec.scaleMetric === "waiting-requests";
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
            ...(args.mode === "Standard" ? { "serving.kserve.io/autoscalerClass": keda ? "keda" : "hpa" } : {}),
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
  scaleMetric: ScaleMetric;
  scaleTarget: number;
  serviceAccount: string;
  shiftable: boolean;
}

/** Applies defaults and checks the args against the deployment mode; throws a ResourceError. Pure. */
export function resolveModelDeploymentArgs(
  name: string,
  args: ModelDeploymentArgs,
  resource?: pulumi.Resource,
): ResolvedModelDeployment {
  const fail = argumentError("ModelDeployment", name, resource);
  // `<name>-predictor` (and Knative's revision suffixes) must stay within a 63-character DNS label.
  if (!/^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$/.test(name))
    fail("the name must be a DNS label of at most 45 characters starting with a letter");
  if (typeof args.storageUri === "string") {
    if (!/^(gs|oci):\/\/\S+$/.test(args.storageUri))
      fail(
        `storageUri ${args.storageUri} must be gs://<models bucket>/<path> or oci://<models repository>/<name>:<tag>`,
      );
    if (args.storageUri.startsWith("oci://") && !/(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(args.storageUri))
      fail(`storageUri ${args.storageUri} needs a tag or digest`);
    if (/:latest$/.test(args.storageUri)) fail(`storageUri ${args.storageUri}: pin a version; :latest moves`);
  }
  if (!Number.isInteger(args.gpus) || args.gpus < 1 || args.gpus > args.pool.gpusPerNode) {
    fail(
      `gpus must be from 1 to ${args.pool.gpusPerNode}, what a node of ${args.pool.nodePool} offers (got ${args.gpus})`,
    );
  }
  if (args.tracing?.vllmSpans && (args.image ?? HUGGINGFACE_GPU_IMAGE).endsWith(HUGGINGFACE_GPU_IMAGE)) {
    fail(
      `tracing.vllmSpans: ${HUGGINGFACE_GPU_IMAGE} has no OpenTelemetry packages, and vLLM refuses --otlp-traces-endpoint without them. Either give an image that installs opentelemetry-sdk and opentelemetry-exporter-otlp, or leave vllmSpans off (the OTLP environment is still set)`,
    );
  }
  const knative = args.mode === "Knative";
  const minReplicas = args.minReplicas ?? 1;
  const maxReplicas = args.maxReplicas ?? 3;
  if (!Number.isInteger(minReplicas) || minReplicas < 0)
    fail(`minReplicas must be a whole number, at least 0 (got ${minReplicas})`);
  if (minReplicas === 0 && !knative)
    fail(
      "minReplicas 0 needs Knative mode: in Standard mode the HPA keeps at least one replica. Either set the platform's serving mode to Knative, or minReplicas to 1",
    );
  if (!Number.isInteger(maxReplicas) || maxReplicas < Math.max(1, minReplicas))
    fail(`maxReplicas must be at least minReplicas and 1 (got ${maxReplicas})`);
  const scaleMetric = args.scaleMetric ?? (knative ? "concurrency" : args.metricsQueryUrl ? "waiting-requests" : "cpu");
  if (!(SCALE_METRICS as readonly string[]).includes(scaleMetric))
    fail(`scaleMetric ${scaleMetric} is not one of ${SCALE_METRICS.join(", ")}`);
  if (!knative && (scaleMetric === "concurrency" || scaleMetric === "rps")) {
    fail(
      `scaleMetric ${scaleMetric} needs Knative mode; Standard mode scales on waiting-requests (KEDA) or cpu or memory (HPA)`,
    );
  }
  if (knative && scaleMetric !== "concurrency" && scaleMetric !== "rps") {
    fail(`scaleMetric ${scaleMetric} is for Standard mode; Knative mode scales on concurrency or rps`);
  }
  if (scaleMetric === "waiting-requests" && !args.metricsQueryUrl) {
    fail(
      "scaleMetric waiting-requests needs metricsQueryUrl, the Prometheus query API KEDA reads vLLM's queue from. Either set it, or scale on cpu or memory",
    );
  }
  if (args.metricsQueryUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(args.metricsQueryUrl))
    fail(`metricsQueryUrl ${args.metricsQueryUrl} is not an http(s) URL`);
  const percent = scaleMetric === "cpu" || scaleMetric === "memory";
  const scaleTarget = args.scaleTarget ?? (percent ? 70 : scaleMetric === "waiting-requests" ? 10 : 4);
  if (!Number.isInteger(scaleTarget) || scaleTarget < 1 || (percent && scaleTarget > 100)) {
    fail(
      `scaleTarget must be a whole number${percent ? " from 1 to 100 (percent)" : ", at least 1"} (got ${scaleTarget})`,
    );
  }
  if (args.canaryTrafficPercent !== undefined) {
    if (!knative)
      fail("canaryTrafficPercent needs Knative mode (Standard mode rolls out with its Deployment strategy)");
    if (
      !Number.isInteger(args.canaryTrafficPercent) ||
      args.canaryTrafficPercent < 0 ||
      args.canaryTrafficPercent > 100
    ) {
      fail(`canaryTrafficPercent must be a whole number from 0 to 100 (got ${args.canaryTrafficPercent})`);
    }
  }
  const share = args.gpus / args.pool.gpusPerNode;
  const resources = args.resources ?? {
    cpu: Math.max(1, Math.floor(args.pool.cpu * share)),
    memoryGi: Math.max(1, Math.floor(args.pool.memoryGi * share)),
  };
  if (!(resources.cpu > 0) || !(resources.memoryGi > 0))
    fail(`resources must ask for some CPU and memory (got ${resources.cpu} CPU, ${resources.memoryGi} GiB)`);
  if (resources.cpu > args.pool.cpu || resources.memoryGi > args.pool.memoryGi) {
    fail(
      `resources ${resources.cpu} CPU / ${resources.memoryGi} GiB exceed what a node of ${args.pool.nodePool} leaves for Pods (${args.pool.cpu} CPU / ${args.pool.memoryGi} GiB)`,
    );
  }
  return {
    modelFormat: args.modelFormat ?? "huggingface",
    runtime: args.runtime ?? "kserve-huggingfaceserver",
    image: args.image ?? HUGGINGFACE_GPU_IMAGE,
    resources,
    minReplicas,
    maxReplicas,
    scaleMetric,
    scaleTarget,
    serviceAccount: args.serviceAccount ?? "serving",
    shiftable: args.shiftable ?? false,
  };
}
