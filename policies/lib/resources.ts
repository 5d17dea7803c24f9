import { labelsOf } from "../../components/catalog/label-fields";
import { type JsonObject, valueAtPath } from "../../components/json";

/**
 * Readers for the properties policies look at, shared by both packs. Props are resource inputs as
 * CrossGuard passes them (plain values; during preview, reading an unknown value throws, which the
 * policy server reports as "can't run during preview").
 */
export type Props = JsonObject;

/** A nested value by dotted path (`nodeConfig.workloadMetadataConfig.mode`). */
export const at = valueAtPath;

/** GCP labels of a resource, if its type takes labels (components/catalog/label-fields.ts). */
export function gcpLabels(type: string, props: Props): Record<string, string> | undefined {
  return labelsOf(type, props) as Record<string, string> | undefined;
}

export const isKubernetes = (type: string): boolean =>
  type.startsWith("kubernetes:") &&
  !type.startsWith("kubernetes:helm.sh/") &&
  !type.startsWith("kubernetes:kustomize/") &&
  !type.startsWith("kubernetes:yaml/");

/** The kind of a Kubernetes object from its Pulumi type (`kubernetes:apps/v1:Deployment` → Deployment). */
export const kindOf = (type: string): string => type.slice(type.lastIndexOf(":") + 1);

export function k8sLabels(props: Props): Record<string, string> {
  return (at(props, "metadata.labels") ?? {}) as Record<string, string>;
}

/**
 * Where a Pod spec sits: a workload that runs as written, a template that others fill in (training
 * runtimes, serving runtimes), or a patch merged into a template (TrainJob runtime patches).
 */
export type PodRole = "workload" | "template" | "patch";

export interface PodSpecAt {
  readonly path: string;
  readonly spec: Props;
  readonly role: PodRole;
}

export interface ContainerAt {
  readonly path: string;
  readonly container: Props;
  readonly role: PodRole;
}

const TEMPLATE_SPEC: Readonly<Record<string, string>> = {
  Deployment: "spec.template.spec",
  StatefulSet: "spec.template.spec",
  DaemonSet: "spec.template.spec",
  ReplicaSet: "spec.template.spec",
  Job: "spec.template.spec",
  CronJob: "spec.jobTemplate.spec.template.spec",
  Pod: "spec",
};

/** Every Pod spec a Kubernetes object declares, with its path. */
export function podSpecsOf(type: string, props: Props): PodSpecAt[] {
  const kind = kindOf(type);
  const direct = TEMPLATE_SPEC[kind];
  if (direct) {
    const spec = at(props, direct);
    return spec ? [{ path: direct, spec, role: "workload" }] : [];
  }
  switch (kind) {
    case "PyTorchJob":
      return Object.entries((at(props, "spec.pytorchReplicaSpecs") ?? {}) as Record<string, Props>)
        .filter(([, replica]) => replica?.template?.spec)
        .map(([role, replica]) => ({
          path: `spec.pytorchReplicaSpecs.${role}.template.spec`,
          spec: replica.template.spec,
          role: "workload",
        }));
    case "ClusterTrainingRuntime":
    case "TrainingRuntime":
      return replicatedJobPods(
        at(props, "spec.template.spec.replicatedJobs"),
        "spec.template.spec.replicatedJobs",
        "template",
      );
    case "TrainJob":
      return ((at(props, "spec.runtimePatches") ?? []) as Props[]).flatMap((patch, i) =>
        replicatedJobPods(
          at(patch, "trainingRuntimeSpec.template.spec.replicatedJobs"),
          `spec.runtimePatches.${i}.trainingRuntimeSpec.template.spec.replicatedJobs`,
          "patch",
        ),
      );
    case "InferenceService":
      return ["predictor", "transformer", "explainer"]
        .filter((component) => at(props, `spec.${component}`))
        .map((component) => ({ path: `spec.${component}`, spec: at(props, `spec.${component}`), role: "workload" }));
    case "ServingRuntime":
    case "ClusterServingRuntime":
      return at(props, "spec") ? [{ path: "spec", spec: at(props, "spec"), role: "template" }] : [];
    default:
      return [];
  }
}

function replicatedJobPods(jobs: unknown, path: string, role: PodRole): PodSpecAt[] {
  if (!Array.isArray(jobs)) return [];
  return jobs.flatMap((job, i) => {
    const spec = at(job, "template.spec.template.spec");
    return spec ? [{ path: `${path}.${i}.template.spec.template.spec`, spec, role }] : [];
  });
}

/**
 * Every container a Kubernetes object declares: the containers and init containers of its Pod
 * specs, an InferenceService predictor's `model` (a container in all but name), and a TrainJob's
 * `trainer` (image, resources per node, env).
 */
export function containersOf(type: string, props: Props): ContainerAt[] {
  const found: ContainerAt[] = [];
  for (const pod of podSpecsOf(type, props)) {
    for (const field of ["initContainers", "containers"]) {
      ((pod.spec[field] ?? []) as Props[]).forEach((container, i) => {
        found.push({ path: `${pod.path}.${field}.${i}`, container, role: pod.role });
      });
    }
    for (const model of ["model"]) {
      if (pod.spec[model]) found.push({ path: `${pod.path}.${model}`, container: pod.spec[model], role: pod.role });
    }
  }
  if (kindOf(type) === "TrainJob" && at(props, "spec.trainer")) {
    const trainer = at(props, "spec.trainer");
    found.push({
      path: "spec.trainer",
      container: { ...trainer, resources: trainer.resourcesPerNode },
      role: "workload",
    });
  }
  return found;
}

/** The region of a location: a region as is, a zone without its suffix (`us-central1-a` → `us-central1`). */
export function regionOfLocation(location: unknown): string | undefined {
  if (typeof location !== "string") return undefined;
  const lower = location.toLowerCase();
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(lower) ? lower.slice(0, lower.lastIndexOf("-")) : lower;
}
