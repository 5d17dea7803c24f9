import { kserveDeploymentMode } from "../../../../../components/catalog/chart-workloads/kserve";
import {
  KNATIVE_QUEUE_PROXY,
  KSERVE_DEFAULT_RESOURCES,
  KSERVE_MODELCAR,
  KSERVE_SERVER_CONTAINER,
  KSERVE_STORAGE_INITIALIZER,
} from "../../../../../components/catalog/controller-defaults";
import { type ClusterIndex, chartsNamed, type PlanObject } from "../cluster";
import type { PodGroup, Props, Workload } from "../model";
import { servingRuntime } from "./kserve-runtime";
import { containerNamed, controllerProblem, labelsOf, nameOf, namespaceOf, plain, workloadShell } from "./pods";
import { strategicMerge } from "./strategic-merge";

const KSERVE_VERSION = "v0.20.0";
const SOURCE = "kserve/kserve v0.20.0";
/** Component fields that are not Pod fields (pkg/apis/serving/v1beta1/component.go ComponentExtensionSpec). */
const COMPONENT_FIELDS = new Set([
  "minReplicas",
  "maxReplicas",
  "scaleMetric",
  "scaleMetricType",
  "scaleTarget",
  "canaryTrafficPercent",
  "containerConcurrency",
  "timeout",
  "batcher",
  "logger",
  "annotations",
  "labels",
  "deploymentStrategy",
  "autoScaling",
  "model",
  "workerSpec",
  "storageUri",
]);
/** Model fields that are not container fields (predictor_model.go ModelSpec, PredictorExtensionSpec). */
const MODEL_FIELDS = [
  "modelFormat",
  "runtime",
  "storageUri",
  "storageUris",
  "runtimeVersion",
  "protocolVersion",
  "storage",
];
/** Framework predictors the defaulter turns into a `model` of this format (inference_service_defaults.go setPredictorModelDefaults; pkg/constants SupportedModel*). */
const FRAMEWORKS = [
  "sklearn",
  "xgboost",
  "tensorflow",
  "pytorch",
  "triton",
  "onnx",
  "huggingface",
  "pmml",
  "lightgbm",
  "paddle",
];
/** The ServingRuntimePodSpec fields the predictor's Pod takes (pkg/controller/v1beta1/inferenceservice/utils/utils.go MergePodSpec). */
const RUNTIME_POD_FIELDS = ["nodeSelector", "affinity", "tolerations", "volumes", "imagePullSecrets", "schedulerName"];
/** The deployment modes the annotation may name (pkg/constants/constants.go DeploymentModeType; ModelMesh is not modelled). */
const DEPLOYMENT_MODES: unknown[] = ["Standard", "RawDeployment", "Knative", "Serverless"];
/** The transformer container collocated with the predictor (pkg/constants TransformerContainerName). */
const TRANSFORMER_CONTAINER = "transformer-container";

/**
 * Pods of a KServe InferenceService at KServe v0.20.0: one per component (predictor, transformer,
 * explainer).
 * - A `model` predictor (and a framework predictor such as `sklearn`, which the defaulter turns into
 *   a model) gets no default resources (predictor_model.go: ModelSpec.Default is empty); its
 *   container is its ServingRuntime's `kserve-container` with the model's container fields
 *   strategic-merged over it, args appended (utils.go MergeRuntimeContainers); the Pod takes the
 *   runtime's scheduling fields and volumes under the component's own (MergePodSpec), then the
 *   collocated transformer container, the runtime's other containers and the component's
 *   containers (components/predictor.go buildPodSpec); the runtime's `spec.labels` and
 *   `spec.annotations` go on the Pod under the InferenceService's and the component's
 *   (buildObjectMeta).
 * - A component of plain containers gets `kserve.inferenceservice.resources` (the chart's config)
 *   for each request and limit its first container leaves out (predictor_custom.go,
 *   transformer_custom.go, explainer_custom.go Default → inference_service_defaults.go
 *   setResourceRequirementDefaults).
 * - The Pod webhook adds the storage initializer for downloadable URIs, or the modelcar for
 *   `oci://` (pkg/webhook/admission/pod/storage_initializer_injector.go); Knative mode adds the
 *   queue-proxy.
 * Standard mode runs `minReplicas` Pods (a Deployment under an HPA); Knative mode may scale to zero,
 * and is checked with one Pod.
 */
export function deriveInferenceService(object: PlanObject, index: ClusterIndex): Workload {
  const props = object.props;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const chart = chartsNamed(index, "kserve-resources", "kserve")[0];
  const mode = modeOf(props, chart);
  const version = String(chart?.props.version ?? "");
  const workload = workloadShell({
    urn: object.urn,
    kind: "InferenceService",
    name,
    namespace,
    source: "declared",
    controller: chart ? `KServe ${version} (${mode} mode)` : "KServe (not installed)",
    gang: false,
    labels: labelsOf(props),
  });
  if (!chart) {
    workload.problems.push(
      controllerProblem(
        `no KServe in the plan (chart kserve-resources): nothing turns InferenceService ${namespace}/${name} into Pods`,
        "install KServe before serving models (components/serving/kserve.ts)",
        "kserve/kserve charts/kserve-resources",
      ),
    );
  } else if (version !== KSERVE_VERSION) {
    workload.notes.push(`KServe ${version}: injected containers are modelled as KServe ${KSERVE_VERSION}'s`);
  }
  for (const component of ["predictor", "transformer", "explainer"]) {
    const spec = props.spec?.[component];
    if (!spec) continue;
    const group = componentPod(component, spec, {
      name,
      namespace,
      mode,
      index,
      workload,
      annotations: props.metadata?.annotations ?? {},
      labels: labelsOf(props),
      defaultResources: defaultResources(chart),
    });
    if (group) workload.groups.push(group);
  }
  return workload;
}

function modeOf(props: Props, chart: PlanObject | undefined): "Standard" | "Knative" {
  const annotated = props.metadata?.annotations?.["serving.kserve.io/deploymentMode"];
  // utils.go GetDeploymentMode: the annotation when it names a mode (RawDeployment is Standard's old name,
  // Serverless Knative's), else the controller's configured default.
  const mode = DEPLOYMENT_MODES.includes(annotated)
    ? annotated
    : chart
      ? kserveDeploymentMode(chart.props.values ?? {})
      : undefined;
  return mode === "Standard" || mode === "RawDeployment" ? "Standard" : "Knative";
}

interface ComponentContext {
  defaultResources: { requests: Record<string, string>; limits: Record<string, string> };
  name: string;
  namespace: string;
  mode: "Standard" | "Knative";
  index: ClusterIndex;
  workload: Workload;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

function componentPod(component: string, spec: Props, ctx: ComponentContext): PodGroup | undefined {
  let podSpec: Props = {};
  const framework = FRAMEWORKS.find((f) => spec[f]);
  for (const [key, value] of Object.entries(plain(spec)))
    if (!COMPONENT_FIELDS.has(key) && !FRAMEWORKS.includes(key)) podSpec[key] = value;
  const injected: string[] = [];
  let runtimeMeta: { labels: Record<string, string>; annotations: Record<string, string> } | undefined;
  const model: Props | undefined =
    component === "predictor"
      ? spec.model
        ? plain(spec.model)
        : framework
          ? { modelFormat: { name: framework }, ...plain(spec[framework]) }
          : undefined
      : undefined;
  if (model) {
    const runtime = servingRuntime(model, ctx.namespace, ctx.index, ctx.workload, ctx.name);
    if (!runtime) return undefined;
    const runtimeContainers: Props[] = runtime.spec.containers ?? [];
    const base = runtimeContainers.find((c) => c.name === KSERVE_SERVER_CONTAINER);
    if (!base) {
      ctx.workload.problems.push(
        controllerProblem(
          `failed to find ${KSERVE_SERVER_CONTAINER} in ServingRuntime containers (runtime ${runtime.name})`,
          `name the model server container of ServingRuntime ${runtime.name} ${KSERVE_SERVER_CONTAINER}`,
          `${SOURCE} pkg/controller/v1beta1/inferenceservice/utils/utils.go (MergeServingRuntimeAndInferenceServiceSpecs)`,
        ),
      );
      return undefined;
    }
    const own = Object.fromEntries(Object.entries(model).filter(([k]) => !MODEL_FIELDS.includes(k)));
    const server: Props = { ...mergeRuntimeContainers(base, own), name: KSERVE_SERVER_CONTAINER };
    const componentContainers: Props[] = podSpec.containers ?? [];
    const runtimeTransformer = runtimeContainers.find((c) => c.name === TRANSFORMER_CONTAINER);
    const ownTransformer = componentContainers.find((c) => c.name === TRANSFORMER_CONTAINER);
    const transformer =
      runtimeTransformer && ownTransformer
        ? mergeRuntimeContainers(runtimeTransformer, ownTransformer)
        : structuredClone(runtimeTransformer ?? ownTransformer);
    const runtimePod = Object.fromEntries(
      RUNTIME_POD_FIELDS.filter((f) => runtime.spec[f] !== undefined).map((f) => [f, runtime.spec[f]]),
    );
    podSpec = strategicMerge(runtimePod, { ...podSpec, containers: undefined });
    podSpec.containers = [
      server,
      ...(transformer ? [transformer] : []),
      ...runtimeContainers
        .filter((c) => c.name !== KSERVE_SERVER_CONTAINER && c.name !== TRANSFORMER_CONTAINER)
        .map((c) => structuredClone(c)),
      ...componentContainers.filter((c) => c.name !== TRANSFORMER_CONTAINER),
    ];
    runtimeMeta = { labels: { ...(runtime.spec.labels ?? {}) }, annotations: { ...(runtime.spec.annotations ?? {}) } };
    injectStorage(podSpec, model.storageUri, injected, ctx);
  } else if ((podSpec.containers ?? []).length) {
    // CustomPredictor.Default names the first container kserve-container when it is alone or unnamed;
    // CustomTransformer.Default and CustomExplainer.Default always do (predictor_custom.go, transformer_custom.go, explainer_custom.go).
    const first: Props = podSpec.containers[0];
    if (component !== "predictor" || podSpec.containers.length === 1 || !first.name)
      first.name = KSERVE_SERVER_CONTAINER;
    setResourceRequirementDefaults(first, ctx.defaultResources);
    // GetStorageUri: the STORAGE_URI env of the predictor's kserve-container, of the transformer's or explainer's
    // first container (which Default has just named kserve-container).
    const carrier = containerNamed(podSpec, KSERVE_SERVER_CONTAINER);
    const storageUri = ((carrier?.env ?? []) as Props[]).find((e) => e.name === "STORAGE_URI")?.value;
    injectStorage(podSpec, storageUri, injected, ctx);
  }
  if (!(podSpec.containers ?? []).length) return undefined;
  if (ctx.mode === "Knative") {
    podSpec.containers.push({
      name: KNATIVE_QUEUE_PROXY.name,
      resources: { requests: { ...KNATIVE_QUEUE_PROXY.requests }, limits: { ...KNATIVE_QUEUE_PROXY.limits } },
      securityContext: structuredClone(KNATIVE_QUEUE_PROXY.securityContext),
    });
    injected.push(`${KNATIVE_QUEUE_PROXY.name} (Knative Serving)`);
  }
  const minReplicas = Number(spec.minReplicas ?? 1);
  if (ctx.mode === "Knative" && minReplicas === 0)
    ctx.workload.notes.push(`${component} scales to zero: checked as one Pod (its first request)`);
  const maxReplicas = Number(spec.maxReplicas ?? 0);
  return {
    name: component,
    count: Math.max(1, minReplicas),
    ...(maxReplicas > Math.max(1, minReplicas) ? { maxCount: maxReplicas } : {}),
    pod: {
      metadata: {
        name: `${ctx.name}-${component}-<hash>`,
        namespace: ctx.namespace,
        // Labels and annotations: the runtime's, under the InferenceService's, under the component's (buildObjectMeta).
        labels: {
          ...runtimeMeta?.labels,
          ...ctx.labels,
          ...(spec.labels ?? {}),
          "serving.kserve.io/inferenceservice": ctx.name,
          component,
        },
        annotations: { ...runtimeMeta?.annotations, ...ctx.annotations, ...(spec.annotations ?? {}) },
      },
      spec: podSpec,
    },
    injected,
  };
}

/** The InferenceService's container strategic-merged over the runtime's, args concatenated (utils.go MergeRuntimeContainers). */
function mergeRuntimeContainers(runtime: Props, own: Props): Props {
  const merged: Props = strategicMerge(runtime, own);
  const args = [...(runtime.args ?? []), ...(own.args ?? [])];
  if (args.length) merged.args = args;
  return merged;
}

/** Each request and limit the container leaves out, from KServe's configured defaults (setResourceRequirementDefaults). */
function setResourceRequirementDefaults(
  container: Props,
  defaults: { requests: Record<string, string>; limits: Record<string, string> },
): void {
  container.resources = { ...(container.resources ?? {}) };
  for (const field of ["requests", "limits"] as const) {
    container.resources[field] = { ...(container.resources[field] ?? {}) };
    for (const [key, value] of Object.entries(defaults[field]))
      if (!(key in container.resources[field])) container.resources[field][key] = value;
  }
}

/** `kserve.inferenceservice.resources` of the plan's kserve-resources release, over the chart's defaults. */
function defaultResources(chart: PlanObject | undefined): {
  requests: Record<string, string>;
  limits: Record<string, string>;
} {
  const given = chart?.props.values?.kserve?.inferenceservice?.resources ?? {};
  return {
    requests: { ...KSERVE_DEFAULT_RESOURCES.requests, ...(given.requests ?? {}) },
    limits: { ...KSERVE_DEFAULT_RESOURCES.limits, ...(given.limits ?? {}) },
  };
}

function injectStorage(podSpec: Props, storageUri: unknown, injected: string[], ctx: ComponentContext): void {
  if (typeof storageUri !== "string" || storageUri === "[unknown]") {
    if (storageUri !== undefined)
      ctx.workload.notes.push("the storage URI is unknown until apply: storage initializer not modelled");
    return;
  }
  if (/^oci(\+modelcar)?:\/\//.test(storageUri)) {
    const server = podSpec.containers[0];
    server.securityContext = { ...(server.securityContext ?? {}), runAsUser: KSERVE_MODELCAR.serverRunAsUser };
    const { container, initContainer } = KSERVE_MODELCAR;
    podSpec.containers.push({
      name: container.name,
      resources: { requests: { ...container.requests }, limits: { ...container.limits } },
      securityContext: { ...container.securityContext },
    });
    podSpec.initContainers = [
      ...(podSpec.initContainers ?? []),
      {
        name: initContainer.name,
        resources: { requests: { ...initContainer.requests }, limits: { ...initContainer.limits } },
        securityContext: { ...initContainer.securityContext },
      },
    ];
    podSpec.shareProcessNamespace = true;
    injected.push(`${container.name} + ${initContainer.name} (KServe ${KSERVE_VERSION} modelcar)`);
    return;
  }
  // Only the URIs the default ClusterStorageContainer supports are downloaded (pvc:// and local paths are mounted, not fetched).
  const downloads =
    KSERVE_STORAGE_INITIALIZER.uriPrefixes.some((p) => storageUri.startsWith(p)) ||
    KSERVE_STORAGE_INITIALIZER.uriPatterns.some((r) => r.test(storageUri));
  if (!downloads) return;
  if ((podSpec.initContainers ?? []).some((c: Props) => c.name === KSERVE_STORAGE_INITIALIZER.name)) return;
  const s = KSERVE_STORAGE_INITIALIZER;
  podSpec.initContainers = [
    ...(podSpec.initContainers ?? []),
    {
      name: s.name,
      resources: { requests: { ...s.requests }, limits: { ...s.limits } },
      securityContext: structuredClone(s.securityContext),
    },
  ];
  injected.push(`${s.name} (KServe ${KSERVE_VERSION})`);
}
