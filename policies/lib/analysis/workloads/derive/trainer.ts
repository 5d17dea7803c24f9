import { IMAGES } from "../../../../../components/catalog/software";
import { type ClusterIndex, chartsNamed, objectNamed, type PlanObject } from "../cluster";
import type { Props, Workload } from "../model";
import { controllerProblem, labelsOf, nameOf, namespaceOf, plain, podFromTemplate, workloadShell } from "./pods";
import { strategicMerge } from "./strategic-merge";

const TRAINER_VERSION = "2.3.0";
const ANCESTOR_LABEL = "trainer.kubeflow.org/trainjob-ancestor-step";
const SOURCE =
  "kubeflow/trainer v2.3.0 pkg/runtime/core/trainingruntime.go (newRuntimeInfo, mergeRuntimePatches), pkg/runtime/framework/plugins/jobset/builder.go, plugins/torch/torch.go";

/**
 * The torch-distributed ClusterTrainingRuntime the kubeflow-trainer 2.3.0 chart installs when
 * `runtimes.torchDistributed.enabled` or `runtimes.defaultEnabled` (charts/kubeflow-trainer/files/runtimes/torch-distributed.yaml).
 */
const CHART_RUNTIMES: Readonly<Record<string, { enabledBy: string; spec: Props }>> = {
  "torch-distributed": {
    enabledBy: "torchDistributed",
    spec: {
      mlPolicy: { numNodes: 1, torch: {} },
      template: {
        spec: {
          replicatedJobs: [
            {
              name: "node",
              template: {
                metadata: { labels: { [ANCESTOR_LABEL]: "trainer" } },
                spec: { template: { spec: { containers: [{ name: "node", image: IMAGES.torchRuntime.image }] } } },
              },
            },
          ],
        },
      },
    },
  },
};

/**
 * Pods of a Kubeflow Trainer v2.3.0 TrainJob: its (Cluster)TrainingRuntime's JobSet template with the
 * TrainJob's runtime patches merged in (strategic merge, in order), one Pod set per replicated job.
 * The trainer job (ancestor label `trainer`) runs `trainer.numNodes` Pods (else the ML policy's
 * numNodes), its `node` container taking the TrainJob's image, command, args and resourcesPerNode
 * (merged over the runtime's); other replicated jobs (dataset and model initializers) run their
 * parallelism, before the trainer when it depends on them. All trainer Pods run at once.
 */
export function deriveTrainJob(object: PlanObject, index: ClusterIndex): Workload {
  const props = object.props;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const chart = chartsNamed(index, "kubeflow-trainer")[0];
  const workload = workloadShell({
    urn: object.urn,
    kind: "TrainJob",
    name,
    namespace,
    source: "declared",
    controller: chart ? `Kubeflow Trainer ${chart.props.version ?? ""} (JobSet)` : "Kubeflow Trainer (not installed)",
    gang: true,
    labels: labelsOf(props),
  });
  if (!chart) {
    workload.problems.push(
      controllerProblem(
        `no Kubeflow Trainer in the plan (chart kubeflow-trainer): nothing turns TrainJob ${namespace}/${name} into Pods`,
        "install Kubeflow Trainer (components/training/kubeflow-trainer.ts)",
        "kubeflow/trainer charts/kubeflow-trainer",
      ),
    );
  } else if (String(chart.props.version) !== TRAINER_VERSION) {
    workload.notes.push(`Kubeflow Trainer ${chart.props.version}: runtime merging is modelled as ${TRAINER_VERSION}'s`);
  }
  const spec = props.spec ?? {};
  const runtimeRef = spec.runtimeRef ?? {};
  const runtime = findRuntime(runtimeRef, namespace, index, chart);
  if (!runtime) {
    workload.problems.push(
      controllerProblem(
        `TrainingRuntime specified in TrainJob is not found: ${runtimeRef.kind ?? "ClusterTrainingRuntime"} ${runtimeRef.name ?? "(none)"}`,
        `declare the ${runtimeRef.kind ?? "ClusterTrainingRuntime"} ${runtimeRef.name ?? ""}, or enable it in the kubeflow-trainer chart's runtimes values`,
        "kubeflow/trainer v2.3.0 pkg/runtime/core/trainingruntime.go (errorNotFoundSpecifiedTrainingRuntime)",
      ),
    );
    return workload;
  }
  let jobSetSpec: Props = plain(runtime.template?.spec ?? {});
  for (const patch of spec.runtimePatches ?? []) {
    // A patch without trainingRuntimeSpec.template.spec changes nothing (an absent patch keeps the original).
    jobSetSpec = strategicMerge(jobSetSpec, plain(patch?.trainingRuntimeSpec?.template?.spec));
  }
  const replicatedJobs: Props[] = jobSetSpec.replicatedJobs ?? [];
  const dependedOn = new Set(replicatedJobs.flatMap((j) => (j.dependsOn ?? []).map((d: Props) => d.name)));
  const trainer = spec.trainer ?? {};
  for (const job of replicatedJobs) {
    const ancestor = job.template?.metadata?.labels?.[ANCESTOR_LABEL];
    const isTrainer = ancestor === "trainer";
    let count = Number(job.template?.spec?.parallelism ?? 1);
    if (isTrainer && runtime.mlPolicy) count = Number(runtime.mlPolicy.numNodes ?? 1);
    if (isTrainer && trainer.numNodes !== undefined) count = Number(trainer.numNodes);
    const podTemplate = structuredClone(job.template?.spec?.template ?? {});
    if (isTrainer) applyTrainer(podTemplate, trainer, runtime.mlPolicy !== undefined);
    workload.groups.push({
      name: String(job.name),
      count,
      pod: podFromTemplate(podTemplate, namespace, `${name}-${job.name}-0-0-<hash>`),
      injected: [],
      ...(dependedOn.has(job.name) ? { sequential: true } : {}),
    });
  }
  workload.notes.push(
    `runtime ${runtime.kind} ${runtime.name}${runtime.fromChart ? " (installed by the kubeflow-trainer chart)" : ""}; ${SOURCE}`,
  );
  return workload;
}

interface Runtime {
  kind: string;
  name: string;
  mlPolicy?: Props;
  template?: Props;
  fromChart?: boolean;
}

function findRuntime(
  ref: Props,
  namespace: string,
  index: ClusterIndex,
  chart: PlanObject | undefined,
): Runtime | undefined {
  const kind = ref.kind ?? "ClusterTrainingRuntime";
  const name = ref.name;
  if (typeof name !== "string") return undefined;
  const declared =
    kind === "TrainingRuntime"
      ? objectNamed(index, "TrainingRuntime", name, namespace)
      : objectNamed(index, "ClusterTrainingRuntime", name);
  if (declared) return { kind, name, mlPolicy: declared.props.spec?.mlPolicy, template: declared.props.spec?.template };
  const fact = CHART_RUNTIMES[name];
  const runtimes = chart?.props.values?.runtimes ?? {};
  if (
    kind === "ClusterTrainingRuntime" &&
    fact &&
    (runtimes.defaultEnabled === true || runtimes[fact.enabledBy]?.enabled === true)
  ) {
    return { kind, name, mlPolicy: fact.spec.mlPolicy, template: fact.spec.template, fromChart: true };
  }
  return undefined;
}

/**
 * The TrainJob's trainer over the `node` container: image, command and args (plugins/jobset/builder.go Trainer);
 * resourcesPerNode strategic-merged over the container's resources when the runtime has an ML policy
 * (core/trainingruntime.go newRuntimeInfo, isTrainerAncestor; MergeResourceRequirements).
 */
function applyTrainer(podTemplate: Props, trainer: Props, hasMlPolicy: boolean): void {
  const containers: Props[] = podTemplate.spec?.containers ?? [];
  const node = containers.find((c) => c.name === "node");
  if (!node) return;
  if (trainer.image !== undefined) node.image = trainer.image;
  if (trainer.command !== undefined) node.command = plain(trainer.command);
  if (trainer.args !== undefined) node.args = plain(trainer.args);
  if (hasMlPolicy && trainer.resourcesPerNode)
    node.resources = strategicMerge(node.resources ?? {}, plain(trainer.resourcesPerNode));
}
