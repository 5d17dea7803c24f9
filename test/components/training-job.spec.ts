import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PoolTarget } from "../../components/compute/gpu-pool-rules";
import { TORCH_RUNTIME, TRAINER_CONTAINER, TRAINER_REPLICATED_JOB } from "../../components/training/kubeflow-trainer";
import { LOCAL_QUEUE, PRIORITY_CLASSES } from "../../components/training/kueue";
import {
  CHECKPOINTS_MOUNT,
  DATASETS_MOUNT,
  resolveTrainingJobArgs,
  TrainingJob,
  type TrainingJobArgs,
} from "../../components/training/training-job";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { conformance } from "../helpers/conformance";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:training:TrainingJob";
const TRAIN_JOB = "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob";
const PYTORCH_JOB = "kubernetes:kubeflow.org/v1:PyTorchJob";
const PROVIDER = "pulumi:providers:kubernetes";

const REGISTRY = "us-central1-docker.pkg.dev/acme-test/cnai-test-images";
const IMAGE = `${REGISTRY}/llm-train:1.4.2`;
const POOL: PoolTarget = {
  nodePool: "gpu-h100",
  accelerator: "nvidia-h100-80gb",
  gpusPerNode: 8,
  cpu: 187,
  memoryGi: 1591,
};

function args(overrides: Partial<TrainingJobArgs> = {}): TrainingJobArgs {
  return {
    labels: STACK_LABELS,
    team: "vision",
    namespace: "team-vision",
    registry: REGISTRY,
    image: IMAGE,
    command: ["torchrun", "train.py"],
    args: ["--epochs", "3"],
    gpusPerNode: 4,
    pool: POOL,
    carbonTier: "low",
    ...overrides,
  };
}

function job(overrides: Partial<TrainingJobArgs> = {}, name = "llm-finetune"): Promise<RunResult> {
  return run(() => new TrainingJob(name, args(overrides)));
}

const metadata = (resource: RecordedResource) => resource.inputs.metadata as Record<string, unknown>;
const labelsOf = (resource: RecordedResource) => metadata(resource).labels as Record<string, string>;
/** The Pod template the TrainJob's runtime patch applies to the trainer's replicated job. */
const patchedPod = (trainJob: RecordedResource) =>
  input(
    trainJob,
    "spec.runtimePatches.0.trainingRuntimeSpec.template.spec.replicatedJobs.0.template.spec.template",
  ) as {
    metadata: { annotations: Record<string, string> };
    spec: Record<string, unknown> & { containers: Array<Record<string, unknown>>; volumes: object[] };
  };
/** A PyTorchJob replica's Pod template. */
const replicaPod = (pytorchJob: RecordedResource, replica: "Master" | "Worker") =>
  input(pytorchJob, `spec.pytorchReplicaSpecs.${replica}.template`) as {
    metadata: { annotations: Record<string, string> };
    spec: Record<string, unknown> & { containers: Array<Record<string, unknown>>; volumes: object[] };
  };

const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
const NODE_SELECTOR = {
  "cloud.google.com/gke-nodepool": "gpu-h100",
  "cloud.google.com/gke-accelerator": "nvidia-h100-80gb",
};
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};
const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
/** Half of an 8-GPU H100 node: floor(187 / 2) CPUs and floor(1591 / 2) GiB. */
const HALF_NODE = {
  requests: { cpu: "93", memory: "795Gi", "nvidia.com/gpu": "4" },
  limits: { cpu: "93", memory: "795Gi", "nvidia.com/gpu": "4" },
};

describe("TrainingJob", () => {
  describe("defaults", () => {
    it("is a Kubeflow Trainer TrainJob (trainer.kubeflow.org/v1alpha1) named after the component, in the team's namespace", async () => {
      const result = await job();
      const trainJob = one(result, TRAIN_JOB);
      assert.strictEqual(input(trainJob, "apiVersion"), "trainer.kubeflow.org/v1alpha1");
      assert.strictEqual(input(trainJob, "kind"), "TrainJob");
      assert.strictEqual(metadata(trainJob).name, "llm-finetune");
      assert.strictEqual(metadata(trainJob).namespace, "team-vision");
      assert.strictEqual(all(result, PYTORCH_JOB).length, 0);
    });

    it("runs on the torch-distributed ClusterTrainingRuntime", async () => {
      assert.deepStrictEqual(input(one(await job(), TRAIN_JOB), "spec.runtimeRef"), {
        apiGroup: "trainer.kubeflow.org",
        kind: "ClusterTrainingRuntime",
        name: "torch-distributed",
      });
    });

    it("gives the trainer the image, command and args, on one node", async () => {
      const trainJob = one(await job(), TRAIN_JOB);
      assert.strictEqual(input(trainJob, "spec.trainer.image"), IMAGE);
      assert.deepStrictEqual(input(trainJob, "spec.trainer.command"), ["torchrun", "train.py"]);
      assert.deepStrictEqual(input(trainJob, "spec.trainer.args"), ["--epochs", "3"]);
      assert.strictEqual(input(trainJob, "spec.trainer.numNodes"), 1);
    });

    it("args default to none", async () => {
      assert.deepStrictEqual(input(one(await job({ args: undefined }), TRAIN_JOB), "spec.trainer.args"), []);
    });

    it("requests per node the node's CPU and memory share for the GPUs asked, and limits memory and GPUs", async () => {
      assert.deepStrictEqual(input(one(await job(), TRAIN_JOB), "spec.trainer.resourcesPerNode"), HALF_NODE);
    });

    it("a whole node's GPUs get the whole node's CPU and memory, one GPU an eighth (rounded down)", async () => {
      assert.deepStrictEqual(input(one(await job({ gpusPerNode: 8 }), TRAIN_JOB), "spec.trainer.resourcesPerNode"), {
        requests: { cpu: "187", memory: "1591Gi", "nvidia.com/gpu": "8" },
        limits: { cpu: "187", memory: "1591Gi", "nvidia.com/gpu": "8" },
      });
      assert.deepStrictEqual(input(one(await job({ gpusPerNode: 1 }), TRAIN_JOB), "spec.trainer.resourcesPerNode"), {
        requests: { cpu: "23", memory: "198Gi", "nvidia.com/gpu": "1" },
        limits: { cpu: "23", memory: "198Gi", "nvidia.com/gpu": "1" },
      });
    });

    it("never asks less than 1 CPU and 1 GiB", () => {
      const tiny: PoolTarget = { nodePool: "gpu-l4", accelerator: "nvidia-l4", gpusPerNode: 8, cpu: 4, memoryGi: 4 };
      assert.deepStrictEqual(resolveTrainingJobArgs("tiny", args({ pool: tiny, gpusPerNode: 1 })).resources, {
        cpu: 1,
        memoryGi: 1,
      });
    });

    it("labels the job: governance with the team, sustainability (training, shiftable, the carbon tier), the team-queue LocalQueue and cnai-standard priority", async () => {
      assert.deepStrictEqual(labelsOf(one(await job(), TRAIN_JOB)), {
        ...kubernetesLabels("training-job", "vision"),
        "cnai.dev/workload-type": "training",
        "cnai.dev/shiftable": "true",
        "cnai.dev/carbon-tier": "low",
        "kueue.x-k8s.io/queue-name": "team-queue",
        "kueue.x-k8s.io/priority-class": "cnai-standard",
      });
    });

    it("patches the runtime's node job as manager cnai.dev/training-job, only the trainer's replicated job", async () => {
      const trainJob = one(await job(), TRAIN_JOB);
      const patches = input(trainJob, "spec.runtimePatches") as Array<{ manager: string }>;
      assert.strictEqual(patches.length, 1);
      assert.strictEqual(patches[0].manager, "cnai.dev/training-job");
      const replicatedJobs = input(
        trainJob,
        "spec.runtimePatches.0.trainingRuntimeSpec.template.spec.replicatedJobs",
      ) as Array<{ name: string }>;
      assert.deepStrictEqual(
        replicatedJobs.map((r) => r.name),
        ["node"],
      );
    });

    it("runs the Pods as the training service account on the pool's nodes (node pool and accelerator), tolerating the GPU taint", async () => {
      const pod = patchedPod(one(await job(), TRAIN_JOB));
      assert.strictEqual(pod.spec.serviceAccountName, "training");
      assert.deepStrictEqual(pod.spec.nodeSelector, NODE_SELECTOR);
      assert.deepStrictEqual(pod.spec.tolerations, [GPU_TOLERATION]);
    });

    it("runs non-root with RuntimeDefault seccomp, and the node container without privilege escalation or capabilities", async () => {
      const pod = patchedPod(one(await job(), TRAIN_JOB));
      assert.deepStrictEqual(pod.spec.securityContext, POD_SECURITY);
      assert.deepStrictEqual(pod.spec.containers, [
        { name: "node", volumeMounts: [], securityContext: CONTAINER_SECURITY },
      ]);
    });

    it("mounts nothing and asks no GCS FUSE sidecar without datasets or checkpoints", async () => {
      const pod = patchedPod(one(await job(), TRAIN_JOB));
      assert.deepStrictEqual(pod.spec.volumes, []);
      assert.deepStrictEqual(pod.metadata.annotations, {});
      assert.ok(!("gke-gcsfuse/volumes" in pod.metadata.annotations));
    });

    it("is a child of the component, exposed as `job`", async () => {
      let component: TrainingJob | undefined;
      const result = await run(() => {
        component = new TrainingJob("llm-finetune", args());
      });
      assert.strictEqual(one(result, TRAIN_JOB).parent, one(result, COMPONENT, "llm-finetune").urn);
      assert.ok(component?.job instanceof k8s.apiextensions.CustomResource);
    });

    it("fits the platform: Kueue's LocalQueue and a WorkloadPriorityClass, KubeflowTrainer's runtime, replicated job and container", async () => {
      const trainJob = one(await job(), TRAIN_JOB);
      assert.strictEqual(labelsOf(trainJob)["kueue.x-k8s.io/queue-name"], LOCAL_QUEUE);
      assert.ok(PRIORITY_CLASSES.some((p) => p.name === labelsOf(trainJob)["kueue.x-k8s.io/priority-class"]));
      assert.strictEqual(input(trainJob, "spec.runtimeRef.name"), TORCH_RUNTIME);
      assert.strictEqual(
        input(trainJob, "spec.runtimePatches.0.trainingRuntimeSpec.template.spec.replicatedJobs.0.name"),
        TRAINER_REPLICATED_JOB,
      );
      assert.strictEqual(patchedPod(trainJob).spec.containers[0].name, TRAINER_CONTAINER);
    });

    it("resolves the documented defaults", () => {
      assert.deepStrictEqual(resolveTrainingJobArgs("llm-finetune", args()), {
        kind: "TrainJob",
        nodes: 1,
        resources: { cpu: 93, memoryGi: 795 },
        queue: "team-queue",
        priorityClass: "cnai-standard",
        serviceAccount: "training",
        shiftable: true,
        runtime: "torch-distributed",
      });
    });

    it("declares a TrainJob that validates against the upstream CRD", async function () {
      const report = await conformance(this, await job());
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(report.customResources, 1);
    });
  });

  describe("options", () => {
    it("datasets mount a bucket folder read-only at /data through the GCS FUSE CSI driver, with the sidecar annotation", async () => {
      const pod = patchedPod(
        one(await job({ datasets: { bucket: "cnai-test-datasets", path: "imagenet" } }), TRAIN_JOB),
      );
      assert.strictEqual(DATASETS_MOUNT, "/data");
      assert.deepStrictEqual(pod.spec.volumes, [
        {
          name: "datasets",
          csi: {
            driver: "gcsfuse.csi.storage.gke.io",
            readOnly: true,
            volumeAttributes: { bucketName: "cnai-test-datasets", mountOptions: "implicit-dirs,only-dir=imagenet" },
          },
        },
      ]);
      assert.deepStrictEqual(pod.spec.containers[0].volumeMounts, [
        { name: "datasets", mountPath: "/data", readOnly: true },
      ]);
      assert.deepStrictEqual(pod.metadata.annotations, { "gke-gcsfuse/volumes": "true" });
    });

    it("checkpoints mount a whole bucket read-write at /checkpoints", async () => {
      const pod = patchedPod(one(await job({ checkpoints: { bucket: "cnai-test-checkpoints" } }), TRAIN_JOB));
      assert.strictEqual(CHECKPOINTS_MOUNT, "/checkpoints");
      assert.deepStrictEqual(pod.spec.volumes, [
        {
          name: "checkpoints",
          csi: {
            driver: "gcsfuse.csi.storage.gke.io",
            readOnly: false,
            volumeAttributes: { bucketName: "cnai-test-checkpoints", mountOptions: "implicit-dirs" },
          },
        },
      ]);
      assert.deepStrictEqual(pod.spec.containers[0].volumeMounts, [
        { name: "checkpoints", mountPath: "/checkpoints", readOnly: false },
      ]);
      assert.deepStrictEqual(pod.metadata.annotations, { "gke-gcsfuse/volumes": "true" });
    });

    it("datasets and checkpoints together: two volumes, two mounts, the bucket names taken from Outputs", async () => {
      const pod = patchedPod(
        one(
          await job({
            datasets: { bucket: pulumi.output("cnai-test-datasets") },
            checkpoints: { bucket: pulumi.output("cnai-test-checkpoints"), path: "llm-finetune" },
          }),
          TRAIN_JOB,
        ),
      );
      assert.deepStrictEqual(
        pod.spec.volumes.map((v) => (v as { name: string }).name),
        ["datasets", "checkpoints"],
      );
      assert.deepStrictEqual(
        pod.spec.volumes.map((v) => (v as { csi: { volumeAttributes: object } }).csi.volumeAttributes),
        [
          { bucketName: "cnai-test-datasets", mountOptions: "implicit-dirs" },
          { bucketName: "cnai-test-checkpoints", mountOptions: "implicit-dirs,only-dir=llm-finetune" },
        ],
      );
      assert.deepStrictEqual(pod.spec.containers[0].volumeMounts, [
        { name: "datasets", mountPath: "/data", readOnly: true },
        { name: "checkpoints", mountPath: "/checkpoints", readOnly: false },
      ]);
    });

    it("nodes: 4 runs four nodes, each with the per-node resources", async () => {
      const trainJob = one(await job({ nodes: 4 }), TRAIN_JOB);
      assert.strictEqual(input(trainJob, "spec.trainer.numNodes"), 4);
      assert.deepStrictEqual(input(trainJob, "spec.trainer.resourcesPerNode"), HALF_NODE);
    });

    it("explicit resources replace the node share", async () => {
      assert.deepStrictEqual(
        input(one(await job({ resources: { cpu: 40, memoryGi: 300 } }), TRAIN_JOB), "spec.trainer.resourcesPerNode"),
        {
          requests: { cpu: "40", memory: "300Gi", "nvidia.com/gpu": "4" },
          limits: { cpu: "40", memory: "300Gi", "nvidia.com/gpu": "4" },
        },
      );
    });

    it("resources may take the whole node", async () => {
      const resources = input(
        one(await job({ resources: { cpu: 187, memoryGi: 1591 } }), TRAIN_JOB),
        "spec.trainer.resourcesPerNode.requests",
      ) as Record<string, string>;
      assert.strictEqual(resources.cpu, "187");
      assert.strictEqual(resources.memory, "1591Gi");
    });

    it("queue and priorityClass set the Kueue labels", async () => {
      const labels = labelsOf(one(await job({ queue: "research-queue", priorityClass: "cnai-high" }), TRAIN_JOB));
      assert.strictEqual(labels["kueue.x-k8s.io/queue-name"], "research-queue");
      assert.strictEqual(labels["kueue.x-k8s.io/priority-class"], "cnai-high");
      assert.strictEqual(
        labelsOf(one(await job({ priorityClass: "cnai-low" }), TRAIN_JOB))["kueue.x-k8s.io/priority-class"],
        "cnai-low",
      );
    });

    it("serviceAccount runs the Pods as another service account", async () => {
      assert.strictEqual(
        patchedPod(one(await job({ serviceAccount: "pipelines" }), TRAIN_JOB)).spec.serviceAccountName,
        "pipelines",
      );
    });

    it("shiftable: false and the carbon tier set the sustainability labels", async () => {
      const labels = labelsOf(one(await job({ shiftable: false, carbonTier: "high" }), TRAIN_JOB));
      assert.strictEqual(labels["cnai.dev/shiftable"], "false");
      assert.strictEqual(labels["cnai.dev/carbon-tier"], "high");
      assert.strictEqual(labels["cnai.dev/workload-type"], "training");
    });

    it("runtime picks another ClusterTrainingRuntime", async () => {
      assert.strictEqual(
        input(one(await job({ runtime: "torch-distributed-with-cache" }), TRAIN_JOB), "spec.runtimeRef.name"),
        "torch-distributed-with-cache",
      );
    });

    it("an image by digest is accepted", async () => {
      const image = `${REGISTRY}/llm-train@sha256:${"0123456789abcdef".repeat(4)}`;
      assert.strictEqual(input(one(await job({ image }), TRAIN_JOB), "spec.trainer.image"), image);
    });

    it("a registry given with a trailing slash is the same registry", async () => {
      assert.strictEqual(input(one(await job({ registry: `${REGISTRY}/` }), TRAIN_JOB), "spec.trainer.image"), IMAGE);
    });

    it("goes through a Kubernetes provider given as `providers`", async () => {
      const result = await run(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
        new TrainingJob("llm-finetune", args(), { providers: { kubernetes: provider } });
      });
      assert.ok(one(result, TRAIN_JOB).provider?.startsWith(`${one(result, PROVIDER).urn}::`));
    });

    it("a TrainJob with every option validates against the upstream CRD", async function () {
      const result = await job({
        nodes: 4,
        resources: { cpu: 40, memoryGi: 300 },
        queue: "research-queue",
        priorityClass: "cnai-high",
        serviceAccount: "pipelines",
        shiftable: false,
        datasets: { bucket: "cnai-test-datasets", path: "imagenet" },
        checkpoints: { bucket: "cnai-test-checkpoints" },
      });
      assert.deepStrictEqual((await conformance(this, result)).problems, []);
    });

    describe("kind: PyTorchJob", () => {
      const pytorch = (overrides: Partial<TrainingJobArgs> = {}) => job({ kind: "PyTorchJob", ...overrides });

      it("is a Training Operator PyTorchJob (kubeflow.org/v1) with the same labels", async () => {
        const result = await pytorch();
        const [trainJob, pytorchJob] = [one(await job(), TRAIN_JOB), one(result, PYTORCH_JOB)];
        assert.strictEqual(input(pytorchJob, "apiVersion"), "kubeflow.org/v1");
        assert.strictEqual(input(pytorchJob, "kind"), "PyTorchJob");
        assert.strictEqual(metadata(pytorchJob).name, "llm-finetune");
        assert.strictEqual(metadata(pytorchJob).namespace, "team-vision");
        assert.deepStrictEqual(labelsOf(pytorchJob), labelsOf(trainJob));
        assert.strictEqual(all(result, TRAIN_JOB).length, 0);
      });

      it("starts a process per GPU (nprocPerNode as a string) and keeps Pods after the job (cleanPodPolicy None)", async () => {
        const pytorchJob = one(await pytorch(), PYTORCH_JOB);
        assert.strictEqual(input(pytorchJob, "spec.nprocPerNode"), "4");
        assert.deepStrictEqual(input(pytorchJob, "spec.runPolicy"), { cleanPodPolicy: "None" });
      });

      it("a single node is a Master (1 replica) and no Worker", async () => {
        const pytorchJob = one(await pytorch(), PYTORCH_JOB);
        const replicas = input(pytorchJob, "spec.pytorchReplicaSpecs") as Record<
          string,
          { replicas: number; restartPolicy: string }
        >;
        assert.deepStrictEqual(Object.keys(replicas), ["Master"]);
        assert.strictEqual(replicas.Master.replicas, 1);
        assert.strictEqual(replicas.Master.restartPolicy, "OnFailure");
      });

      it("nodes: 4 is a Master and 3 Workers with the same Pod template", async () => {
        const pytorchJob = one(await pytorch({ nodes: 4 }), PYTORCH_JOB);
        assert.strictEqual(input(pytorchJob, "spec.pytorchReplicaSpecs.Master.replicas"), 1);
        assert.strictEqual(input(pytorchJob, "spec.pytorchReplicaSpecs.Worker.replicas"), 3);
        assert.strictEqual(input(pytorchJob, "spec.pytorchReplicaSpecs.Worker.restartPolicy"), "OnFailure");
        assert.deepStrictEqual(replicaPod(pytorchJob, "Worker"), replicaPod(pytorchJob, "Master"));
      });

      it("runs the image in the pytorch container with command, args, resources and security context", async () => {
        const pod = replicaPod(one(await pytorch(), PYTORCH_JOB), "Master");
        assert.deepStrictEqual(pod.spec.containers, [
          {
            name: "pytorch",
            image: IMAGE,
            command: ["torchrun", "train.py"],
            args: ["--epochs", "3"],
            resources: HALF_NODE,
            volumeMounts: [],
            securityContext: CONTAINER_SECURITY,
          },
        ]);
      });

      it("places and secures the Pods like a TrainJob: service account, node selector, GPU toleration, non-root", async () => {
        const pod = replicaPod(one(await pytorch(), PYTORCH_JOB), "Master");
        assert.strictEqual(pod.spec.serviceAccountName, "training");
        assert.deepStrictEqual(pod.spec.nodeSelector, NODE_SELECTOR);
        assert.deepStrictEqual(pod.spec.tolerations, [GPU_TOLERATION]);
        assert.deepStrictEqual(pod.spec.securityContext, POD_SECURITY);
        assert.deepStrictEqual(pod.spec.volumes, []);
        assert.deepStrictEqual(pod.metadata.annotations, {});
      });

      it("mounts datasets and checkpoints through GCS FUSE on every replica", async () => {
        const pytorchJob = one(
          await pytorch({
            nodes: 2,
            datasets: { bucket: "cnai-test-datasets", path: "imagenet" },
            checkpoints: { bucket: "cnai-test-checkpoints" },
          }),
          PYTORCH_JOB,
        );
        for (const replica of ["Master", "Worker"] as const) {
          const pod = replicaPod(pytorchJob, replica);
          assert.deepStrictEqual(pod.metadata.annotations, { "gke-gcsfuse/volumes": "true" }, replica);
          assert.deepStrictEqual(
            pod.spec.volumes.map((v) => (v as { name: string; csi: { readOnly: boolean } }).csi.readOnly),
            [true, false],
            replica,
          );
          assert.deepStrictEqual(
            pod.spec.containers[0].volumeMounts,
            [
              { name: "datasets", mountPath: "/data", readOnly: true },
              { name: "checkpoints", mountPath: "/checkpoints", readOnly: false },
            ],
            replica,
          );
        }
      });

      it("declares PyTorchJobs (one node, and four nodes with mounts) that validate against the upstream CRD", async function () {
        const single = await conformance(this, await pytorch());
        assert.deepStrictEqual(single.problems, []);
        assert.strictEqual(single.customResources, 1);
        const multi = await conformance(
          this,
          await pytorch({
            nodes: 4,
            datasets: { bucket: "cnai-test-datasets", path: "imagenet" },
            checkpoints: { bucket: "cnai-test-checkpoints" },
          }),
        );
        assert.deepStrictEqual(multi.problems, []);
      });
    });
  });

  describe("validation", () => {
    const refuses =
      (overrides: Partial<TrainingJobArgs>, message: RegExp, name = "llm-finetune") =>
      async () => {
        await assert.rejects(job(overrides, name), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.ok(error.message.startsWith(`TrainingJob "${name}": `), error.message);
          assert.match(error.message, message);
          assert.strictEqual(
            error.resources.filter((r) => r.type === TRAIN_JOB || r.type === PYTORCH_JOB).length,
            0,
            "no job is created",
          );
          assert.strictEqual(
            error.resources.filter((r) => r.type.startsWith("kubernetes:")).length,
            0,
            "no Kubernetes object is created",
          );
          return true;
        });
      };

    it(
      "refuses an image from another registry",
      refuses(
        { image: "docker.io/pytorch/pytorch:2.5.0" },
        /image docker\.io\/pytorch\/pytorch:2\.5\.0 must come from the project's registry us-central1-docker\.pkg\.dev\/acme-test\/cnai-test-images\//,
      ),
    );
    it(
      "refuses an image from a repository whose name only starts like the registry's",
      refuses({ image: `${REGISTRY}-public/llm-train:1.0` }, /must come from the project's registry/),
    );
    it(
      "refuses an untagged image",
      refuses({ image: `${REGISTRY}/llm-train` }, /image .*\/llm-train needs a tag or digest/),
    );
    it(
      "refuses :latest",
      refuses({ image: `${REGISTRY}/llm-train:latest` }, /image .*\/llm-train:latest: pin a version; :latest moves/),
    );
    it("refuses an empty command", refuses({ command: [] }, /command must not be empty/));
    it("refuses nodes 0", refuses({ nodes: 0 }, /nodes must be a whole number, at least 1 \(got 0\)/));
    it("refuses fractional nodes", refuses({ nodes: 1.5 }, /nodes must be a whole number, at least 1 \(got 1\.5\)/));
    it(
      "refuses gpusPerNode 0",
      refuses(
        { gpusPerNode: 0 },
        /gpusPerNode: got 0; allowed: a whole number from 1 to 8, what a node of gpu-h100 offers$/,
      ),
    );
    it(
      "refuses more GPUs per node than the pool's nodes have",
      refuses(
        { gpusPerNode: 9 },
        /gpusPerNode: got 9; allowed: a whole number from 1 to 8, what a node of gpu-h100 offers$/,
      ),
    );
    it(
      "refuses more CPU than a node leaves for Pods",
      refuses(
        { resources: { cpu: 188, memoryGi: 100 } },
        /resources: got \{"cpu":188,"memoryGi":100\}; allowed: at most what a node of gpu-h100 leaves for Pods \(187 CPU \/ 1591 GiB\)/,
      ),
    );
    it(
      "refuses more memory than a node leaves for Pods",
      refuses(
        { resources: { cpu: 10, memoryGi: 1592 } },
        /resources: got \{"cpu":10,"memoryGi":1592\}; allowed: at most what a node of gpu-h100/,
      ),
    );
    it(
      "refuses resources of no CPU",
      refuses(
        { resources: { cpu: 0, memoryGi: 100 } },
        /resources: got \{"cpu":0,"memoryGi":100\}; allowed: some CPU and some memory/,
      ),
    );
    it(
      "refuses negative memory",
      refuses(
        { resources: { cpu: 8, memoryGi: -1 } },
        /resources: got \{"cpu":8,"memoryGi":-1\}; allowed: some CPU and some memory/,
      ),
    );
    it(
      "refuses an unknown priority class, listing the allowed ones",
      refuses({ priorityClass: "urgent" }, /priorityClass urgent is not one of cnai-high, cnai-standard, cnai-low/),
    );
    it(
      "refuses a runtime with kind PyTorchJob",
      refuses({ kind: "PyTorchJob", runtime: "torch-distributed" }, /runtime applies to TrainJobs only/),
    );
    it(
      "refuses a name Kubernetes would reject",
      refuses(
        {},
        /the name must be a DNS label starting with a letter: lower-case letters, digits and '-'/,
        "LLM_Finetune",
      ),
    );
    it(
      "refuses a name starting with a digit (TrainJob's CRD rule)",
      refuses({}, /the name must be a DNS label starting with a letter/, "9job"),
    );
    it("refuses an empty runtime name", refuses({ runtime: "" }, /runtime "" is not a ClusterTrainingRuntime name/));
    it("refuses a name over 63 characters", refuses({}, /the name must be a DNS label/, "a".repeat(64)));

    it("resolveTrainingJobArgs throws a ResourceError naming the job, without a cluster", () => {
      assert.throws(
        () => resolveTrainingJobArgs("llm-finetune", args({ gpusPerNode: 16 })),
        (error: Error) => {
          assert.ok(error instanceof pulumi.ResourceError);
          assert.strictEqual(
            error.message,
            'TrainingJob "llm-finetune": gpusPerNode: got 16; allowed: a whole number from 1 to 8, what a node of gpu-h100 offers',
          );
          return true;
        },
      );
    });
  });
});
