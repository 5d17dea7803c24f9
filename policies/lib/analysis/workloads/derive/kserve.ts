import { KSERVE_CLUSTER_SERVING_RUNTIMES, kserveDeploymentMode } from "../../../../../components/catalog/chart-workloads/kserve";
import {
  KNATIVE_QUEUE_PROXY,
  KSERVE_DEFAULT_RESOURCES,
  KSERVE_MODELCAR,
  KSERVE_SERVER_CONTAINER,
  KSERVE_STORAGE_INITIALIZER,
} from "../../../../../components/catalog/controller-defaults";
import { type ClusterIndex, type PlanObject, chartsNamed, objectNamed } from "../cluster";
import type { PodGroup, Props, Workload } from "../model";
import { controllerProblem, labelsOf, nameOf, namespaceOf, plain, workloadShell } from "./pods";

const KSERVE_VERSION = "v0.20.0";
const POD_FIELDS = ["nodeSelector", "tolerations", "affinity", "serviceAccountName", "securityContext", "priorityClassName", "imagePullSecrets", "hostIPC", "hostNetwork", "hostPID", "runtimeClassName", "schedulerName", "topologySpreadConstraints", "dnsPolicy", "shareProcessNamespace"];
const COMPONENT_FIELDS = new Set(["minReplicas", "maxReplicas", "scaleMetric", "scaleMetricType", "scaleTarget", "canaryTrafficPercent", "containerConcurrency", "timeout", "batcher", "logger", "annotations", "labels", "deploymentStrategy", "autoScaling", "model", "workerSpec"]);

/**
 * Pods of a KServe InferenceService at KServe v0.20.0: one per component (predictor, transformer,
 * explainer). The predictor's `model` is merged over its ServingRuntime's container
 * (`kserve-container`; the InferenceService defaulter first fills cpu and memory requests and limits,
 * pkg/apis/serving/v1beta1/inference_service_defaults.go setResourceRequirementDefaults); the Pod
 * webhook then adds the storage initializer for downloadable URIs, or the modelcar for `oci://`
 * (pkg/webhook/admission/pod/storage_initializer_injector.go); Knative mode adds the queue-proxy.
 * Standard mode runs `minReplicas` Pods (a Deployment under an HPA); Knative mode may scale to zero,
 * and is checked with one Pod.
 */
export function deriveInferenceService(object: PlanObject, index: ClusterIndex): Workload {
  const props = object.props;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const chart = chartsNamed(index, "kserve-resources", "kserve")[0];
  const mode = modeOf(props, chart);
  const version = chart ? String(chart.props.version ?? "") : "";
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
    workload.problems.push(controllerProblem(
      `no KServe in the plan (chart kserve-resources): nothing turns InferenceService ${namespace}/${name} into Pods`,
      "install KServe before serving models (components/serving/kserve.ts)",
      "kserve/kserve charts/kserve-resources",
    ));
  } else if (version !== KSERVE_VERSION) {
    workload.notes.push(`KServe ${version}: injected containers are modelled as KServe ${KSERVE_VERSION}'s`);
  }
  for (const component of ["predictor", "transformer", "explainer"]) {
    const spec = props.spec?.[component];
    if (!spec) continue;
    const group = componentPod(component, spec, { name, namespace, mode, index, workload, annotations: props.metadata?.annotations ?? {}, labels: labelsOf(props) });
    if (group) workload.groups.push(group);
  }
  return workload;
}

function modeOf(props: Props, chart: PlanObject | undefined): "Standard" | "Knative" {
  const annotated = props.metadata?.annotations?.["serving.kserve.io/deploymentMode"];
  // pkg/constants/constants.go ParseDeploymentMode: RawDeployment is Standard's old name, Serverless Knative's.
  const mode = String(annotated ?? (chart ? kserveDeploymentMode(chart.props.values ?? {}) : "Knative"));
  return mode === "Standard" || mode === "RawDeployment" ? "Standard" : "Knative";
}

interface ComponentContext {
  name: string;
  namespace: string;
  mode: "Standard" | "Knative";
  index: ClusterIndex;
  workload: Workload;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

function componentPod(component: string, spec: Props, ctx: ComponentContext): PodGroup | undefined {
  const podSpec: Props = {};
  for (const [key, value] of Object.entries(plain(spec))) if (!COMPONENT_FIELDS.has(key)) podSpec[key] = value;
  const injected: string[] = [];
  if (spec.model) {
    const runtime = servingRuntime(spec.model, ctx);
    if (!runtime) return undefined;
    mergeRuntimePodFields(podSpec, runtime.spec);
    const base = structuredClone((runtime.spec.containers ?? [])[0] ?? { name: KSERVE_SERVER_CONTAINER });
    const model = plain(spec.model) as Props;
    const resources = { requests: { ...(model.resources?.requests ?? {}) }, limits: { ...(model.resources?.limits ?? {}) } };
    for (const field of ["requests", "limits"] as const) {
      for (const [key, value] of Object.entries(KSERVE_DEFAULT_RESOURCES[field])) if (!(key in resources[field])) resources[field][key] = value;
    }
    const server: Props = {
      ...base,
      ...Object.fromEntries(Object.entries(model).filter(([k]) => !["modelFormat", "runtime", "storageUri", "protocolVersion", "resources", "storage"].includes(k))),
      name: KSERVE_SERVER_CONTAINER,
      resources: { requests: { ...(base.resources?.requests ?? {}), ...resources.requests }, limits: { ...(base.resources?.limits ?? {}), ...resources.limits } },
      securityContext: { ...(base.securityContext ?? {}), ...(model.securityContext ?? {}) },
    };
    podSpec.containers = [server, ...(podSpec.containers ?? []).filter((c: Props) => c?.name !== KSERVE_SERVER_CONTAINER)];
    injectStorage(podSpec, model.storageUri, injected, ctx);
  }
  if (!(podSpec.containers ?? []).length) return undefined;
  if (ctx.mode === "Knative") {
    podSpec.containers.push({ name: KNATIVE_QUEUE_PROXY.name, resources: { requests: { ...KNATIVE_QUEUE_PROXY.requests }, limits: { ...KNATIVE_QUEUE_PROXY.limits } }, securityContext: structuredClone(KNATIVE_QUEUE_PROXY.securityContext) });
    injected.push(`${KNATIVE_QUEUE_PROXY.name} (Knative Serving)`);
  }
  const minReplicas = Number(spec.minReplicas ?? 1);
  if (ctx.mode === "Knative" && minReplicas === 0) ctx.workload.notes.push(`${component} scales to zero: checked as one Pod (its first request)`);
  const maxReplicas = Number(spec.maxReplicas ?? 0);
  return {
    name: component,
    count: Math.max(1, minReplicas),
    ...(maxReplicas > Math.max(1, minReplicas) ? { maxCount: maxReplicas } : {}),
    pod: {
      metadata: {
        name: `${ctx.name}-${component}-<hash>`,
        namespace: ctx.namespace,
        // The controller propagates the InferenceService's labels and annotations to the Pods, with its own.
        labels: { ...ctx.labels, "serving.kserve.io/inferenceservice": ctx.name, component },
        annotations: { ...ctx.annotations, ...(spec.annotations ?? {}) },
      },
      spec: podSpec,
    },
    injected,
  };
}

/** The named ServingRuntime (namespace) or ClusterServingRuntime, from the plan or the runtime chart's facts. */
function servingRuntime(model: Props, ctx: ComponentContext): { spec: Props } | undefined {
  const name = model.runtime;
  if (typeof name !== "string") {
    ctx.workload.notes.push("model.runtime not set: KServe picks a runtime by model format; checked with the InferenceService's own container only");
    return { spec: { containers: [{ name: KSERVE_SERVER_CONTAINER }] } };
  }
  const declared = objectNamed(ctx.index, "ServingRuntime", name, ctx.namespace) ?? objectNamed(ctx.index, "ClusterServingRuntime", name);
  if (declared) return { spec: plain(declared.props.spec ?? {}) };
  const chart = chartsNamed(ctx.index, "kserve-runtime-configs")[0];
  const fact = KSERVE_CLUSTER_SERVING_RUNTIMES[name];
  if (chart && chart.props.values?.kserve?.servingruntime?.enabled === true && fact) return { spec: structuredClone(fact.spec) };
  if (chart && chart.props.values?.kserve?.servingruntime?.enabled === true) {
    ctx.workload.notes.push(`ClusterServingRuntime ${name} comes from kserve-runtime-configs, whose Pod parts are not modelled: checked with the InferenceService's own container`);
    return { spec: { containers: [{ name: KSERVE_SERVER_CONTAINER }] } };
  }
  ctx.workload.problems.push(controllerProblem(
    `no ServingRuntime or ClusterServingRuntime named ${name}: KServe cannot build the predictor of ${ctx.namespace}/${ctx.name}`,
    `declare the runtime, or install kserve-runtime-configs with kserve.servingruntime.enabled (components/serving/kserve.ts)`,
    "kserve/kserve pkg/controller/v1beta1/inferenceservice/components/predictor.go (runtime lookup)",
  ));
  return undefined;
}

/** The runtime's Pod fields under the component's own (the component wins; volumes join by name). */
function mergeRuntimePodFields(podSpec: Props, runtime: Props): void {
  for (const field of POD_FIELDS) {
    if (podSpec[field] === undefined && runtime[field] !== undefined) podSpec[field] = structuredClone(runtime[field]);
  }
  if (runtime.nodeSelector && podSpec.nodeSelector) podSpec.nodeSelector = { ...runtime.nodeSelector, ...podSpec.nodeSelector };
  const volumes = [...(podSpec.volumes ?? [])];
  for (const volume of runtime.volumes ?? []) if (!volumes.some((v: Props) => v?.name === volume?.name)) volumes.push(structuredClone(volume));
  if (volumes.length) podSpec.volumes = volumes;
}

function injectStorage(podSpec: Props, storageUri: unknown, injected: string[], ctx: ComponentContext): void {
  if (typeof storageUri !== "string" || storageUri === "[unknown]") {
    if (storageUri !== undefined) ctx.workload.notes.push("the storage URI is unknown until apply: storage initializer not modelled");
    return;
  }
  if (/^oci(\+modelcar)?:\/\//.test(storageUri)) {
    const server = podSpec.containers[0];
    server.securityContext = { ...(server.securityContext ?? {}), runAsUser: KSERVE_MODELCAR.serverRunAsUser };
    const { container, initContainer } = KSERVE_MODELCAR;
    podSpec.containers.push({ name: container.name, resources: { requests: { ...container.requests }, limits: { ...container.limits } }, securityContext: { ...container.securityContext } });
    podSpec.initContainers = [...(podSpec.initContainers ?? []), { name: initContainer.name, resources: { requests: { ...initContainer.requests }, limits: { ...initContainer.limits } }, securityContext: { ...initContainer.securityContext } }];
    podSpec.shareProcessNamespace = true;
    injected.push(`${container.name} + ${initContainer.name} (KServe ${KSERVE_VERSION} modelcar)`);
    return;
  }
  if (storageUri.startsWith("pvc://")) return;
  const downloads = KSERVE_STORAGE_INITIALIZER.uriPrefixes.some((p) => storageUri.startsWith(p)) || KSERVE_STORAGE_INITIALIZER.uriPatterns.some((r) => r.test(storageUri));
  if (!downloads) return;
  if ((podSpec.initContainers ?? []).some((c: Props) => c?.name === KSERVE_STORAGE_INITIALIZER.name)) return;
  const s = KSERVE_STORAGE_INITIALIZER;
  podSpec.initContainers = [...(podSpec.initContainers ?? []), { name: s.name, resources: { requests: { ...s.requests }, limits: { ...s.limits } }, securityContext: structuredClone(s.securityContext) }];
  injected.push(`${s.name} (KServe ${KSERVE_VERSION})`);
}
