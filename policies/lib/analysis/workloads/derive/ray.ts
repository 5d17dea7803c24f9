import type { ClusterIndex, PlanObject } from "../cluster";
import type { PodGroup, Props, Workload } from "../model";
import { controllerProblem, labelsOf, nameOf, namespaceOf, plain, podFromTemplate, workloadShell } from "./pods";

const SOURCE =
  "ray-project/kuberay v1.7.0 ray-operator/controllers/ray/common/pod.go (DefaultHeadPodTemplate, BuildAutoscalerContainer, DefaultWorkerPodTemplate), utils/constant.go";

/** KubeRay's autoscaler sidecar in the head Pod with enableInTreeAutoscaling (BuildAutoscalerContainer's default resources). */
const AUTOSCALER = {
  name: "autoscaler",
  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};
/** The worker Pods' init container waiting for the GCS (DefaultWorkerPodTemplate, ENABLE_INIT_CONTAINER_INJECTION defaults to true). */
const WAIT_GCS = {
  name: "wait-gcs-ready",
  resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
};

/** The Pods of a RayCluster: one head Pod and each worker group's replicas (maxReplicas noted for capacity). */
export function deriveRayCluster(object: PlanObject, index: ClusterIndex): Workload {
  return deriveRay(object, index, "RayCluster", object.props.spec ?? {});
}

/**
 * The Pods of a RayJob's own cluster (spec.rayClusterSpec). In HTTPMode and InteractiveMode the
 * operator submits over the dashboard API; the K8sJobMode submitter Job's Pod is not modelled (noted).
 */
export function deriveRayJob(object: PlanObject, index: ClusterIndex): Workload {
  const spec = object.props.spec ?? {};
  const workload = deriveRay(object, index, "RayJob", spec.rayClusterSpec ?? {});
  const mode = String(spec.submissionMode ?? "K8sJobMode");
  if (mode === "K8sJobMode" || mode === "SidecarMode")
    workload.notes.push(`submissionMode ${mode}: the submitter's container is not modelled`);
  if (spec.clusterSelector && Object.keys(spec.clusterSelector).length)
    workload.notes.push("clusterSelector: runs on an existing RayCluster, which holds the resources");
  return workload;
}

function deriveRay(object: PlanObject, index: ClusterIndex, kind: string, cluster: Props): Workload {
  const props = object.props;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const chart = index.charts.find((c) => /kuberay-operator/.test(String(c.props.chart ?? "")));
  const workload = workloadShell({
    urn: object.urn,
    kind,
    name,
    namespace,
    source: "declared",
    controller: chart ? `KubeRay ${chart.props.version ?? ""}` : "KubeRay (not installed)",
    gang: true,
    labels: labelsOf(props),
  });
  if (!chart) {
    workload.problems.push(
      controllerProblem(
        `no KubeRay operator in the plan (chart kuberay-operator): nothing turns ${kind} ${namespace}/${name} into Pods`,
        "install KubeRay (components/processing/kuberay.ts)",
        "ray-project/kuberay helm-chart/kuberay-operator",
      ),
    );
  }
  const rayLabels = (type: string, group: string) => ({
    "ray.io/cluster": name,
    "ray.io/node-type": type,
    "ray.io/group": group,
    "ray.io/is-ray-node": "yes",
  });
  const head = cluster.headGroupSpec ?? {};
  const headPod = podFromTemplate(plain(head.template), namespace, `${name}-head-<hash>`);
  Object.assign(headPod.metadata.labels, rayLabels("head", "headgroup"));
  const headGroup: PodGroup = { name: "head", count: 1, pod: headPod, injected: [] };
  if (cluster.enableInTreeAutoscaling === true) {
    const options = cluster.autoscalerOptions ?? {};
    headPod.spec.containers = [
      ...(headPod.spec.containers ?? []),
      {
        name: AUTOSCALER.name,
        resources: plain(options.resources ?? AUTOSCALER.resources),
        ...(options.securityContext ? { securityContext: plain(options.securityContext) } : {}),
      },
    ];
    headGroup.injected.push("autoscaler sidecar (KubeRay v1.7.0)");
  }
  workload.groups.push(headGroup);
  for (const group of (cluster.workerGroupSpecs ?? []) as Props[]) {
    const groupName = String(group.groupName ?? "workers");
    const pod = podFromTemplate(plain(group.template), namespace, `${name}-${groupName}-worker-<hash>`);
    Object.assign(pod.metadata.labels, rayLabels("worker", groupName));
    const ray: Props | undefined = pod.spec.containers?.[0];
    pod.spec.initContainers = [
      ...(pod.spec.initContainers ?? []),
      {
        name: WAIT_GCS.name,
        resources: structuredClone(WAIT_GCS.resources),
        ...(ray?.securityContext ? { securityContext: plain(ray.securityContext) } : {}),
      },
    ];
    const { count, max } = workerReplicas(group);
    workload.groups.push({
      name: groupName,
      count,
      pod,
      injected: ["wait-gcs-ready init container (KubeRay v1.7.0)"],
      ...(max !== undefined ? { maxCount: max } : {}),
    });
  }
  workload.notes.push(SOURCE);
  return workload;
}

/**
 * A worker group's Pods (utils/util.go GetWorkerGroupDesiredReplicas): replicas (CRD default 0) raised to
 * minReplicas, else capped at maxReplicas, times numOfHosts (default 1); a suspended group has none. Its
 * most Pods (CalculateMaxReplicas): maxReplicas times numOfHosts, none when suspended, unbounded when unset.
 */
function workerReplicas(group: Props): { count: number; max?: number } {
  if (group.suspend === true) return { count: 0, max: 0 };
  const hosts = Number(group.numOfHosts ?? 1);
  const min = Number(group.minReplicas ?? 0);
  const maxReplicas = group.maxReplicas !== undefined ? Number(group.maxReplicas) : undefined;
  // minReplicas <= maxReplicas (ValidateRayClusterSpec), so raising to min then capping at max is KubeRay's order.
  const replicas = Math.min(Math.max(Number(group.replicas ?? 0), min), maxReplicas ?? Number.POSITIVE_INFINITY);
  return { count: replicas * hosts, ...(maxReplicas !== undefined ? { max: maxReplicas * hosts } : {}) };
}
