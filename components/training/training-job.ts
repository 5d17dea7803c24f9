import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CarbonTier } from "../catalog/regions";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { GPU_TAINT } from "../compute/gpu-node-pool";
import { nodeShare, type PoolTarget, podGpuProblems, podResourceProblems } from "../compute/gpu-pool-rules";
import { kubernetesLabels, kubernetesSustainabilityLabels, type StackLabels } from "../labels";
import { throwProblems } from "../rule-problem";
import { TORCH_RUNTIME, TRAINER_CONTAINER, TRAINER_REPLICATED_JOB } from "./kubeflow-trainer";
import { LOCAL_QUEUE, PRIORITY_CLASSES, PRIORITY_LABEL, QUEUE_LABEL } from "./kueue";

/** A bucket (and optional folder) mounted through the GCS FUSE CSI driver. */
export interface BucketMount {
  bucket: pulumi.Input<string>;
  /** Only this folder of the bucket. @default the whole bucket */
  path?: string;
}

export interface TrainingJobArgs {
  labels: StackLabels;
  /** The team the job belongs to; it runs in the team's namespace. */
  team: string;
  namespace: string;
  /** `TrainJob` (Kubeflow Trainer v2) or `PyTorchJob` (Training Operator v1.9). @default "TrainJob" */
  kind?: "TrainJob" | "PyTorchJob";
  /** The project's image registry (`<region>-docker.pkg.dev/<project>/<repo>`): the image must come from it. */
  registry: string;
  /** `<registry>/<name>:<tag>` or `<registry>/<name>@sha256:...`; never untagged or `:latest`. */
  image: string;
  command: string[];
  /** @default [] */
  args?: string[];
  /** Nodes (Pods) in the job. @default 1 */
  nodes?: number;
  /** GPUs per node. */
  gpusPerNode: number;
  pool: PoolTarget;
  /** CPU cores and memory (GiB) per node. @default the pool's per-node share for the GPUs asked */
  resources?: { cpu: number; memoryGi: number };
  /** @default "team-queue" */
  queue?: string;
  /** A WorkloadPriorityClass. @default "cnai-standard" */
  priorityClass?: string;
  /** Mounted read-only at /data. @default none */
  datasets?: BucketMount;
  /** Mounted read-write at /checkpoints. @default none */
  checkpoints?: BucketMount;
  /** @default "training" */
  serviceAccount?: string;
  /** Training can wait for clean energy or spare capacity. @default true */
  shiftable?: boolean;
  carbonTier: CarbonTier;
  /** @default TORCH_RUNTIME */
  runtime?: string;
}

export const DATASETS_MOUNT = "/data";
export const CHECKPOINTS_MOUNT = "/checkpoints";
const GCSFUSE_DRIVER = "gcsfuse.csi.storage.gke.io";

/**
 * A training job on a GPU pool, queued by Kueue: a Kubeflow TrainJob on the torch-distributed
 * runtime (or a PyTorchJob), with its image from the project's registry, N nodes of G GPUs, the
 * pool's node selector and GPU toleration, datasets mounted read-only and checkpoints read-write
 * through GCS FUSE, requests and limits, the training service account, non-root Pods, and the
 * team and sustainability labels.
 */
export class TrainingJob extends pulumi.ComponentResource {
  public readonly job: k8s.apiextensions.CustomResource;

  constructor(name: string, args: TrainingJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:training:TrainingJob", name, {}, opts);
    const spec = resolveTrainingJobArgs(name, args, this);
    const labels = {
      ...kubernetesLabels(args.labels, "training-job"),
      "cnai.dev/team": args.team,
      ...kubernetesSustainabilityLabels({
        workloadType: "training",
        shiftable: spec.shiftable,
        carbonTier: args.carbonTier,
      }),
      [QUEUE_LABEL]: spec.queue,
      [PRIORITY_LABEL]: spec.priorityClass,
    };
    const pod = podParts(args, spec);
    const body = spec.kind === "TrainJob" ? trainJobSpec(args, spec, pod) : pyTorchJobSpec(args, spec, pod);
    this.job = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: spec.kind === "TrainJob" ? "trainer.kubeflow.org/v1alpha1" : "kubeflow.org/v1",
        kind: spec.kind,
        metadata: { name, namespace: args.namespace, labels },
        spec: body,
      },
      childOptions(this, opts),
    );
    this.registerOutputs({ kind: spec.kind, name, namespace: args.namespace });
  }
}

export interface ResolvedTrainingJob {
  kind: "TrainJob" | "PyTorchJob";
  nodes: number;
  resources: { cpu: number; memoryGi: number };
  queue: string;
  priorityClass: string;
  serviceAccount: string;
  shiftable: boolean;
  runtime: string;
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveTrainingJobArgs(
  name: string,
  args: TrainingJobArgs,
  resource?: pulumi.Resource,
): ResolvedTrainingJob {
  const fail = argumentError("TrainingJob", name, resource);
  // TrainJob names must start with a letter (a CEL rule of its CRD) and stay a DNS label.
  if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name))
    fail("the name must be a DNS label starting with a letter: lower-case letters, digits and '-'");
  const registry = args.registry.replace(/\/+$/, "");
  if (!args.image.startsWith(`${registry}/`))
    fail(`image ${args.image} must come from the project's registry ${registry}/`);
  const reference = args.image.slice(registry.length + 1);
  if (!/^[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(reference))
    fail(`image ${args.image} needs a tag or digest`);
  if (/:latest$/.test(reference)) fail(`image ${args.image}: pin a version; :latest moves`);
  if (args.command.length === 0) fail("command must not be empty");
  const nodes = args.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1) fail(`nodes must be a whole number, at least 1 (got ${nodes})`);
  const gpuProblems = podGpuProblems("gpusPerNode", args.gpusPerNode, args.pool);
  throwProblems("TrainingJob", name, gpuProblems, resource);
  const resources = args.resources ?? nodeShare(args.pool, args.gpusPerNode);
  throwProblems("TrainingJob", name, podResourceProblems(resources, args.pool), resource);
  const priorityClass = args.priorityClass ?? "cnai-standard";
  if (!PRIORITY_CLASSES.some((p) => p.name === priorityClass))
    fail(`priorityClass ${priorityClass} is not one of ${PRIORITY_CLASSES.map((p) => p.name).join(", ")}`);
  const kind = args.kind ?? "TrainJob";
  if (kind === "PyTorchJob" && args.runtime !== undefined) fail("runtime applies to TrainJobs only");
  if (args.runtime !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(args.runtime))
    fail(`runtime "${args.runtime}" is not a ClusterTrainingRuntime name`);
  return {
    kind,
    nodes,
    resources,
    queue: args.queue ?? LOCAL_QUEUE,
    priorityClass,
    serviceAccount: args.serviceAccount ?? "training",
    shiftable: args.shiftable ?? true,
    runtime: args.runtime ?? TORCH_RUNTIME,
  };
}

interface PodParts {
  annotations: Record<string, string>;
  nodeSelector: Record<string, string>;
  tolerations: object[];
  volumes: object[];
  volumeMounts: object[];
  podSecurityContext: object;
  containerSecurityContext: object;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

function podParts(args: TrainingJobArgs, spec: ResolvedTrainingJob): PodParts {
  const volumes: object[] = [];
  const volumeMounts: object[] = [];
  const mount = (volume: string, bucket: BucketMount, mountPath: string, readOnly: boolean) => {
    volumes.push({
      name: volume,
      csi: {
        driver: GCSFUSE_DRIVER,
        readOnly,
        volumeAttributes: {
          bucketName: bucket.bucket,
          mountOptions: ["implicit-dirs", ...(bucket.path ? [`only-dir=${bucket.path}`] : [])].join(","),
        },
      },
    });
    volumeMounts.push({ name: volume, mountPath, readOnly });
  };
  if (args.datasets) mount("datasets", args.datasets, DATASETS_MOUNT, true);
  if (args.checkpoints) mount("checkpoints", args.checkpoints, CHECKPOINTS_MOUNT, false);
  const gpus = String(args.gpusPerNode);
  return {
    annotations: volumes.length ? { "gke-gcsfuse/volumes": "true" } : {},
    nodeSelector: {
      "cloud.google.com/gke-nodepool": args.pool.nodePool,
      "cloud.google.com/gke-accelerator": args.pool.accelerator,
    },
    tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
    volumes,
    volumeMounts,
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    resources: {
      requests: { cpu: String(spec.resources.cpu), memory: `${spec.resources.memoryGi}Gi`, "nvidia.com/gpu": gpus },
      // Limits equal requests: the team's LimitRange would otherwise add a default CPU limit below the request.
      limits: { cpu: String(spec.resources.cpu), memory: `${spec.resources.memoryGi}Gi`, "nvidia.com/gpu": gpus },
    },
  };
}

function trainJobSpec(args: TrainingJobArgs, spec: ResolvedTrainingJob, pod: PodParts) {
  return {
    runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: spec.runtime },
    trainer: {
      image: args.image,
      command: args.command,
      args: args.args ?? [],
      numNodes: spec.nodes,
      resourcesPerNode: pod.resources,
    },
    runtimePatches: [
      {
        manager: "cnai.dev/training-job",
        trainingRuntimeSpec: {
          template: {
            spec: {
              replicatedJobs: [
                {
                  name: TRAINER_REPLICATED_JOB,
                  template: {
                    spec: {
                      template: {
                        metadata: { annotations: pod.annotations },
                        spec: {
                          serviceAccountName: spec.serviceAccount,
                          nodeSelector: pod.nodeSelector,
                          tolerations: pod.tolerations,
                          securityContext: pod.podSecurityContext,
                          volumes: pod.volumes,
                          containers: [
                            {
                              name: TRAINER_CONTAINER,
                              volumeMounts: pod.volumeMounts,
                              securityContext: pod.containerSecurityContext,
                            },
                          ],
                        },
                      },
                    },
                  },
                },
              ],
            },
          },
        },
      },
    ],
  };
}

function pyTorchJobSpec(args: TrainingJobArgs, spec: ResolvedTrainingJob, pod: PodParts) {
  const template = {
    metadata: { annotations: pod.annotations },
    spec: {
      serviceAccountName: spec.serviceAccount,
      nodeSelector: pod.nodeSelector,
      tolerations: pod.tolerations,
      securityContext: pod.podSecurityContext,
      volumes: pod.volumes,
      containers: [
        {
          name: "pytorch",
          image: args.image,
          command: args.command,
          args: args.args ?? [],
          resources: pod.resources,
          volumeMounts: pod.volumeMounts,
          securityContext: pod.containerSecurityContext,
        },
      ],
    },
  };
  return {
    nprocPerNode: String(args.gpusPerNode),
    runPolicy: { cleanPodPolicy: "None" },
    pytorchReplicaSpecs: {
      Master: { replicas: 1, restartPolicy: "OnFailure", template },
      ...(spec.nodes > 1 ? { Worker: { replicas: spec.nodes - 1, restartPolicy: "OnFailure", template } } : {}),
    },
  };
}
