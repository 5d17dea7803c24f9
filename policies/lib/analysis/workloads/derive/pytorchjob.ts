import { PYTORCH_WORKER_INIT_CONTAINER } from "../../../../../components/catalog/chart-workloads/training-operator";
import type { JsonObject } from "../../../../../components/json";
import type { ClusterIndex, PlanObject } from "../cluster";
import type { Workload } from "../model";
import { controllerProblem, labelsOf, nameOf, namespaceOf, podFromTemplate, workloadShell } from "./pods";

/**
 * Pods of a Kubeflow Training Operator v1.9.4 PyTorchJob: one Pod set per replica type (Master,
 * Worker) with its replicas (default 1); Worker Pods get the `init-pytorch` init container when the
 * job has a Master (pkg/controller.v1/pytorch/initcontainer.go). All Pods run at once.
 */
export function derivePyTorchJob(object: PlanObject, index: ClusterIndex): Workload {
  const props = object.props;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const operator =
    index.kustomizations.find((k) => String(k.props.directory ?? "").includes("training-operator")) ??
    index.charts.find((c) => /training-operator/.test(String(c.props.chart ?? "")));
  const ref = operator
    ? (/[?&]ref=([^&]+)/.exec(String(operator.props.directory ?? ""))?.[1] ?? String(operator.props.version ?? ""))
    : "";
  const workload = workloadShell({
    urn: object.urn,
    kind: "PyTorchJob",
    name,
    namespace,
    source: "declared",
    controller: operator ? `Kubeflow Training Operator ${ref}` : "Kubeflow Training Operator (not installed)",
    gang: true,
    labels: labelsOf(props),
  });
  if (!operator) {
    workload.problems.push(
      controllerProblem(
        `no Kubeflow Training Operator in the plan: nothing turns PyTorchJob ${namespace}/${name} into Pods`,
        "set training.legacyTrainingOperator: true (it installs the Training Operator v1.9.4), or run the job as a TrainJob",
        "kubeflow/trainer tag v1.9.4 manifests/overlays/standalone",
      ),
    );
  }
  const specs = props.spec?.pytorchReplicaSpecs ?? {};
  const hasMaster = !!specs.Master;
  for (const [role, replica] of Object.entries(specs as JsonObject)) {
    const group = {
      name: role,
      count: Number(replica.replicas ?? 1),
      pod: podFromTemplate(replica.template, namespace, `${name}-${role.toLowerCase()}-0`),
      injected: [] as string[],
    };
    if (role === "Worker" && hasMaster) {
      group.pod.spec.initContainers = [
        ...(group.pod.spec.initContainers ?? []),
        {
          name: PYTORCH_WORKER_INIT_CONTAINER.name,
          resources: structuredClone(PYTORCH_WORKER_INIT_CONTAINER.resources),
        },
      ];
      group.injected.push(`${PYTORCH_WORKER_INIT_CONTAINER.name} (Training Operator v1.9.4)`);
    }
    workload.groups.push(group);
  }
  return workload;
}
