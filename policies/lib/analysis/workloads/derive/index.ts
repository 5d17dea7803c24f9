import type { ClusterIndex } from "../cluster";
import type { Workload } from "../model";
import { deriveChartWorkloads } from "./charts";
import { CORE_KINDS, deriveCore } from "./core";
import { deriveInferenceService } from "./kserve";
import { deriveOpenTelemetryCollector } from "./otel-collector";
import { isUnknownValueError } from "./pods";
import { derivePyTorchJob } from "./pytorchjob";
import { deriveTrainJob } from "./trainer";

export { kustomizedNamespaces } from "./charts";

export { isUnknownValueError } from "./pods";

/**
 * Every workload of the plan with the Pods its controller will create: the built-in controllers'
 * objects, KServe InferenceServices, Kubeflow Trainer TrainJobs, PyTorchJobs, and the charts'
 * and kustomizations' workloads from their facts. GKE's GCS FUSE sidecar is added at admission
 * (gcsfuse.ts), after Kueue has looked at the templates. A workload that reads a value unknown during preview is kept, marked not checked.
 */
export function deriveWorkloads(index: ClusterIndex): Workload[] {
  const workloads: Workload[] = [];
  for (const object of index.objects) {
    if (!object.kind) continue;
    const derive = derivers[object.kind];
    if (!derive) continue;
    try {
      workloads.push(derive(object, index));
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      workloads.push({
        urn: object.urn,
        kind: object.kind,
        name: object.objectName ?? object.name,
        namespace: object.namespace ?? "default",
        source: "declared",
        controller: "",
        gang: false,
        groups: [],
        notes: [],
        problems: [],
        unchecked: `${error.message}: checked after apply`,
      });
    }
  }
  workloads.push(...deriveChartWorkloads(index));
  return workloads;
}

const derivers: Record<string, (object: Parameters<typeof deriveCore>[0], index: ClusterIndex) => Workload> = {
  ...Object.fromEntries(
    CORE_KINDS.map((kind) => [kind, (object: Parameters<typeof deriveCore>[0]) => deriveCore(object)]),
  ),
  InferenceService: deriveInferenceService,
  TrainJob: deriveTrainJob,
  PyTorchJob: derivePyTorchJob,
  OpenTelemetryCollector: deriveOpenTelemetryCollector,
};
