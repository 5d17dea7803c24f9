import type { TestResource } from "../../helpers/policy";

/** Small builders of the resource shapes the blueprint creates (see a plan.json), for the sustainability specs. */
export const NODE_POOL = "gcp:container/nodePool:NodePool";
export const CLUSTER = "gcp:container/cluster:Cluster";
export const CLOUD_RUN = "gcp:cloudrunv2/service:Service";
export const INFERENCE_SERVICE = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
export const TRAIN_JOB = "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob";
export const PYTORCH_JOB = "kubernetes:kubeflow.org/v1:PyTorchJob";
export const BUCKET = "gcp:storage/bucket:Bucket";

export const GOVERNANCE = { env: "dev", team: "ml-platform", "cost-center": "cc-1", "managed-by": "pulumi" };

export function sustainability(
  workloadType: string,
  shiftable: boolean | string,
  carbonTier: string,
): Record<string, string> {
  return { "workload-type": workloadType, shiftable: String(shiftable), "carbon-tier": carbonTier };
}

export interface PoolOptions {
  name?: string;
  location?: string;
  nodeLocations?: string[];
  machineType?: string;
  accelerator?: { type: string; count: number } | null;
  autoscaling?: Record<string, unknown> | null;
  nodeCount?: number;
  spot?: boolean;
  flexStart?: boolean;
  queued?: boolean;
  reservation?: boolean;
  labels?: Record<string, string>;
}

/** A GPU node pool as GpuNodePool declares it: one L4 per g2-standard-12 node, autoscaled 0-4, on demand, us-central1. */
export function pool(options: PoolOptions = {}): TestResource {
  const accelerator = options.accelerator === undefined ? { type: "nvidia-l4", count: 1 } : options.accelerator;
  return {
    type: NODE_POOL,
    name: options.name ?? "pool",
    inputs: {
      cluster: "cnai-dev-gke",
      location: options.location ?? "us-central1",
      ...(options.nodeLocations ? { nodeLocations: options.nodeLocations } : {}),
      ...(options.autoscaling === null
        ? {}
        : {
            autoscaling: options.autoscaling ?? { totalMinNodeCount: 0, totalMaxNodeCount: 4, locationPolicy: "ANY" },
          }),
      ...(options.nodeCount !== undefined ? { nodeCount: options.nodeCount } : {}),
      ...(options.queued ? { queuedProvisioning: { enabled: true } } : {}),
      nodeConfig: {
        machineType: options.machineType ?? "g2-standard-12",
        ...(accelerator
          ? { guestAccelerators: [{ ...accelerator, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } }] }
          : {}),
        spot: options.spot ?? false,
        ...(options.flexStart || options.queued ? { flexStart: true } : {}),
        ...(options.reservation
          ? {
              reservationAffinity: {
                consumeReservationType: "SPECIFIC_RESERVATION",
                key: "compute.googleapis.com/reservation-name",
                values: ["r1"],
              },
            }
          : {}),
        resourceLabels: options.labels ?? {
          ...GOVERNANCE,
          component: "gpu-node-pool",
          ...sustainability("training", true, "low"),
        },
      },
    },
  };
}

export interface CloudRunOptions {
  name?: string;
  location?: string;
  labels?: Record<string, string>;
  gpus?: number;
  scaling?: Record<string, unknown> | null;
  serviceScaling?: Record<string, unknown>;
}

/** A Cloud Run v2 service as ServerlessInference declares it: one L4, 0-2 instances, us-central1. */
export function cloudRun(options: CloudRunOptions = {}): TestResource {
  const gpus = options.gpus ?? 1;
  return {
    type: CLOUD_RUN,
    name: options.name ?? "serverless",
    inputs: {
      location: options.location ?? "us-central1",
      labels: options.labels ?? {
        ...GOVERNANCE,
        component: "serverless-inference",
        ...sustainability("inference", false, "low"),
      },
      ...(options.serviceScaling ? { scaling: options.serviceScaling } : {}),
      template: {
        containers: [
          {
            image: "vllm",
            resources: { limits: { cpu: "8", memory: "32Gi", ...(gpus ? { "nvidia.com/gpu": String(gpus) } : {}) } },
          },
        ],
        ...(gpus ? { nodeSelector: { accelerator: "nvidia-l4" } } : {}),
        ...(options.scaling === null
          ? {}
          : { scaling: options.scaling ?? { minInstanceCount: 0, maxInstanceCount: 2 } }),
      },
    },
  };
}

/** Kubernetes metadata labels with the cnai.dev/ sustainability set. */
export function k8sSustainability(
  workloadType: string,
  shiftable: boolean | string,
  carbonTier: string,
): Record<string, string> {
  return {
    "cnai.dev/workload-type": workloadType,
    "cnai.dev/shiftable": String(shiftable),
    "cnai.dev/carbon-tier": carbonTier,
  };
}

export interface InferenceServiceOptions {
  name?: string;
  mode?: string | null;
  predictor?: Record<string, unknown>;
  transformer?: Record<string, unknown>;
  labels?: Record<string, string>;
}

/** An InferenceService as ModelDeployment declares it (Standard mode, 1-2 replicas unless told). */
export function inferenceService(options: InferenceServiceOptions = {}): TestResource {
  const mode = options.mode === undefined ? "Standard" : options.mode;
  return {
    type: INFERENCE_SERVICE,
    name: options.name ?? "chat",
    inputs: {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: {
        name: options.name ?? "chat",
        namespace: "team-a",
        ...(mode ? { annotations: { "serving.kserve.io/deploymentMode": mode } } : {}),
        labels: options.labels ?? k8sSustainability("inference", false, "low"),
      },
      spec: {
        predictor: options.predictor ?? {
          minReplicas: 1,
          maxReplicas: 2,
          model: { modelFormat: { name: "huggingface" }, resources: { limits: { "nvidia.com/gpu": "1" } } },
        },
        ...(options.transformer ? { transformer: options.transformer } : {}),
      },
    },
  };
}

export function trainJob(labels: Record<string, string>, type = TRAIN_JOB, name = "train"): TestResource {
  return { type, name, inputs: { metadata: { name, namespace: "team-a", labels }, spec: {} } };
}

export function bucket(lifecycleRules?: unknown, name = "bucket"): TestResource {
  return {
    type: BUCKET,
    name,
    inputs: {
      location: "US",
      labels: { ...GOVERNANCE, component: "data-bucket" },
      ...(lifecycleRules === undefined ? {} : { lifecycleRules }),
    },
  };
}
