import { resourcePolicy } from "../../lib/policy";
import { at, type ContainerAt, containersOf, isKubernetes, type Props, podSpecsOf } from "../../lib/resources";
import { CLOUD_RUN_TYPES, cloudRunContainers } from "../lib/images";

export interface ContainerResourcesConfig {
  /** Node labels whose presence in a nodeSelector or required node affinity means GPU nodes. */
  gpuNodeLabels: string[];
  /** Taint keys whose toleration means the Pod is meant for GPU nodes. */
  gpuTaints: string[];
}

export const GPU = "nvidia.com/gpu";
const hasValue = (v: unknown): boolean => v !== undefined && v !== null && v !== "";

/**
 * Checks the containers that run as written: workload Pods, InferenceService models and TrainJob
 * trainers (their resourcesPerNode). Template containers (training and serving runtimes) and
 * runtime patches are skipped: the job or InferenceService that uses a runtime sets the resources
 * (the trainer's resourcesPerNode replaces the template container's), so requiring them on the
 * template would only duplicate numbers that are overridden. A Pod meant for GPU nodes, or a
 * TrainJob whose runtime patch puts it there, needs a container with an nvidia.com/gpu limit
 * (extended resources are scheduled by their limit; a request alone is rejected).
 */
export const containerResources = resourcePolicy<ContainerResourcesConfig>({
  name: "cnai-container-resources",
  description:
    "Workload containers set CPU and memory requests and limits, and Pods on GPU nodes set an nvidia.com/gpu limit: requests let the scheduler " +
    "and Kueue quotas account for the work, limits stop one job starving its neighbours, and a GPU Pod without a GPU limit holds a GPU node " +
    "while getting no GPU.",
  config: {
    gpuNodeLabels: {
      type: "array",
      items: { type: "string" },
      default: ["cloud.google.com/gke-accelerator", "cloud.google.com/gke-gpu"],
    },
    gpuTaints: { type: "array", items: { type: "string" }, default: [GPU] },
  },
  validate: (args, report, config) => {
    if (CLOUD_RUN_TYPES.includes(args.type)) return checkCloudRun(args.type, args.props, report);
    if (!isKubernetes(args.type)) return;
    const containers = containersOf(args.type, args.props).filter((c) => c.role === "workload");
    for (const { path, container } of containers) {
      const missing = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].filter(
        (f) => !hasValue(at(container, `resources.${f}`)),
      );
      const field = path === "spec.trainer" ? "resourcesPerNode" : "resources";
      if (missing.length)
        report(
          `${path} (${container.name ?? "unnamed"}) lacks ${missing.map((m) => `${field}.${m}`).join(", ")}. Set CPU and memory requests and limits (requests as the work needs, limits at or above them).`,
        );
      const request = at(container, "resources.requests")?.[GPU];
      if (hasValue(request) && !hasValue(at(container, "resources.limits")?.[GPU])) {
        report(
          `${path} requests ${request} ${GPU} without a limit; GPUs are allocated by their limit. Set ${field}.limits["${GPU}"] equal to the request.`,
        );
      }
    }
    for (const pod of podSpecsOf(args.type, args.props).filter((p) => p.role !== "template")) {
      const why = gpuSelection(pod.spec, config);
      if (!why) continue;
      const candidates =
        pod.role === "patch"
          ? containers.filter((c) => c.path === "spec.trainer")
          : containers.filter((c) => c.path.startsWith(`${pod.path}.`) && !c.path.includes(".initContainers."));
      if (!candidates.some(hasGpuLimit)) {
        report(
          `${pod.path} is meant for GPU nodes (${why}) but no container sets an ${GPU} limit, so it would hold a GPU node without a GPU. Set resources.limits["${GPU}"] on the container that uses it, or drop the GPU node selection.`,
        );
      }
    }
  },
});

const hasGpuLimit = (c: ContainerAt): boolean => Number(at(c.container, "resources.limits")?.[GPU] ?? 0) > 0;

/** Why a Pod spec is meant for GPU nodes (selector, required affinity or toleration), or undefined. */
function gpuSelection(spec: Props, config: ContainerResourcesConfig): string | undefined {
  const selector = Object.keys(at(spec, "nodeSelector") ?? {}).find((k) => config.gpuNodeLabels.includes(k));
  if (selector) return `nodeSelector ${selector}`;
  const terms = (at(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms") ??
    []) as Props[];
  const affinity = terms
    .flatMap((t) => (t.matchExpressions ?? []) as Props[])
    .find((e) => config.gpuNodeLabels.includes(e.key) && e.operator !== "DoesNotExist" && e.operator !== "NotIn");
  if (affinity) return `node affinity on ${affinity.key}`;
  const toleration = ((at(spec, "tolerations") ?? []) as Props[]).find((t) => config.gpuTaints.includes(t.key));
  if (toleration) return `toleration of ${toleration.key}`;
  return undefined;
}

function checkCloudRun(type: string, props: Props, report: (message: string) => void): void {
  const containers = cloudRunContainers(type, props);
  for (const { path, container } of containers) {
    const missing = ["cpu", "memory"].filter((f) => !hasValue(at(container, "resources.limits")?.[f]));
    if (missing.length)
      report(
        `${path} lacks resources.limits ${missing.join(" and ")} (Cloud Run would use 1 CPU and 512Mi). Set both to what the service needs.`,
      );
  }
  const prefix = type === "gcp:cloudrunv2/job:Job" ? "template.template" : "template";
  const accelerator = at(props, `${prefix}.nodeSelector.accelerator`);
  if (hasValue(accelerator) && !containers.some((c) => Number(at(c.container, "resources.limits")?.[GPU] ?? 0) > 0)) {
    report(
      `${prefix}.nodeSelector.accelerator is ${accelerator} but no container sets resources.limits["${GPU}"]. Set it to 1 on the container that uses the GPU.`,
    );
  }
}
