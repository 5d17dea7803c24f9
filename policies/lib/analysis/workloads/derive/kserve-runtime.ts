import { KSERVE_CLUSTER_SERVING_RUNTIMES } from "../../../../../components/catalog/chart-workloads/kserve";
import { type ClusterIndex, chartsNamed, objectsIn, objectsOf } from "../cluster";
import type { Props, Workload } from "../model";
import { controllerProblem, plain } from "./pods";

const SOURCE =
  "kserve/kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/components/predictor.go (reconcileModel), pkg/apis/serving/v1beta1/predictor_model.go (GetSupportingRuntimes)";

/** A ServingRuntime's spec, and where it comes from. */
export interface ServingRuntimeSpec {
  readonly name: string;
  readonly spec: Props;
  /** A ClusterServingRuntime (declared, or installed by kserve-runtime-configs) rather than the namespace's ServingRuntime. */
  readonly cluster?: boolean;
}

/** The runtimes a namespace sees, in KServe's order: its ServingRuntimes, the ClusterServingRuntimes, then those the runtime chart installs. */
function runtimesFor(namespace: string, index: ClusterIndex): ServingRuntimeSpec[] {
  const chart = chartsNamed(index, "kserve-runtime-configs")[0];
  const chartRuntimes =
    chart && chart.props.values?.kserve?.servingruntime?.enabled === true
      ? Object.entries(KSERVE_CLUSTER_SERVING_RUNTIMES).map(([name, fact]) => ({
          name,
          spec: structuredClone(fact.spec),
          cluster: true,
        }))
      : [];
  const declared = [
    ...objectsIn(index, "ServingRuntime", namespace).map((r) => ({
      name: r.objectName!,
      spec: plain(r.props.spec ?? {}),
    })),
    ...objectsOf(index, "ClusterServingRuntime").map((r) => ({
      name: r.objectName!,
      spec: plain(r.props.spec ?? {}),
      cluster: true,
    })),
  ];
  return [...declared, ...chartRuntimes.filter((r) => !declared.some((d) => d.name === r.name))];
}

/**
 * The runtime of a `model` predictor: the one it names (its namespace's ServingRuntime, else a
 * ClusterServingRuntime), or else the highest-priority runtime that is not disabled and auto-selects
 * its model format. Reports a missing runtime as KServe does; a runtime the runtime chart installs
 * but whose Pod parts are not modelled is checked with the InferenceService's own container.
 */
export function servingRuntime(
  model: Props,
  namespace: string,
  index: ClusterIndex,
  workload: Workload,
  isvc: string,
): ServingRuntimeSpec | undefined {
  const chart = chartsNamed(index, "kserve-runtime-configs")[0];
  const chartEnabled = chart?.props.values?.kserve?.servingruntime?.enabled === true;
  const runtimes = runtimesFor(namespace, index);
  const named = model.runtime;
  if (typeof named === "string") {
    const found = runtimes.find((r) => r.name === named);
    if (found?.spec.disabled === true) {
      workload.problems.push(
        controllerProblem(
          `specified runtime ${named} is disabled`,
          `enable ${found.cluster ? "ClusterServingRuntime" : "ServingRuntime"} ${named} (spec.disabled), or name another runtime in model.runtime`,
          SOURCE,
        ),
      );
      return undefined;
    }
    if (found && !supportsFormat(found.spec, model.modelFormat ?? {})) {
      workload.problems.push(
        controllerProblem(
          `specified runtime ${named} does not support specified framework/version`,
          `name a runtime whose supportedModelFormats list model format ${model.modelFormat?.name ?? "(none)"}${model.modelFormat?.version ? ` version ${model.modelFormat.version}` : ""}, or add it to ${named}`,
          SOURCE,
        ),
      );
      return undefined;
    }
    if (found) return found;
    if (chartEnabled) {
      workload.notes.push(
        `ClusterServingRuntime ${named} comes from kserve-runtime-configs, whose Pod parts are not modelled: checked with the InferenceService's own container`,
      );
      return { name: named, spec: { containers: [{ name: "kserve-container" }] } };
    }
    workload.problems.push(
      controllerProblem(
        `no ServingRuntime or ClusterServingRuntime named ${named}: KServe cannot build the predictor of ${namespace}/${isvc}`,
        "declare the runtime, or install kserve-runtime-configs with kserve.servingruntime.enabled (components/serving/kserve.ts)",
        SOURCE,
      ),
    );
    return undefined;
  }
  const format = String(model.modelFormat?.name ?? "");
  const supporting = runtimes
    .filter((r) => r.spec.disabled !== true)
    .map((r) => ({
      r,
      f: ((r.spec.supportedModelFormats ?? []) as Props[]).find((f) => f.name === format && f.autoSelect === true),
    }))
    .filter((x): x is { r: ServingRuntimeSpec; f: Props } => !!x.f)
    // The namespace's runtimes before the cluster's, each by priority; one without a priority after those with one (sortSupportedRuntimeByPriority).
    .sort((a, b) => Number(!!a.r.cluster) - Number(!!b.r.cluster) || priorityOrder(a.f, b.f));
  if (supporting.length) {
    workload.notes.push(
      `model.runtime not set: KServe picks ${supporting[0].r.name}, the runtime that auto-selects model format ${format}`,
    );
    return supporting[0].r;
  }
  if (chartEnabled) {
    workload.notes.push(
      `model.runtime not set: KServe picks a kserve-runtime-configs runtime for model format ${format}, whose Pod parts are not modelled: checked with the InferenceService's own container`,
    );
    return { name: "(auto-selected)", spec: { containers: [{ name: "kserve-container" }] } };
  }
  workload.problems.push(
    controllerProblem(
      `no runtime found to support predictor with model type: ${format || "(none)"}`,
      `name a runtime in model.runtime, or declare a ServingRuntime that auto-selects model format ${format}`,
      SOURCE,
    ),
  );
  return undefined;
}

function priorityOrder(a: Props, b: Props): number {
  if (a.priority === undefined || b.priority === undefined)
    return Number(a.priority === undefined) - Number(b.priority === undefined);
  return Number(b.priority) - Number(a.priority);
}

/**
 * Whether a runtime the model names supports its format (predictor_model.go RuntimeSupportsModel): one of its
 * supportedModelFormats has the format's name, and its version when the model gives one (autoSelect does not
 * matter for a named runtime).
 */
function supportsFormat(spec: Props, format: Props): boolean {
  return ((spec.supportedModelFormats ?? []) as Props[]).some(
    (f) => f.name === format.name && (format.version === undefined || f.version === format.version),
  );
}
