import * as assert from "node:assert";
import * as fs from "node:fs";
import { HELM_CHARTS, IMAGES } from "../../components/catalog/software";
import type { PoolTarget } from "../../components/compute/gpu-pool-rules";
import { KubeRay } from "../../components/processing/kuberay";
import { CURATED_MOUNT, ELASTIC_JOB_ANNOTATION, RAW_MOUNT } from "../../components/processing/ray-cluster-spec";
import {
  RAY_CLUSTER_NAME,
  RayDataCluster,
  type RayDataClusterArgs,
  resolveRayDataClusterArgs,
} from "../../components/processing/ray-data-cluster";
import { PREPARE_SCRIPT, RayPreparationJob } from "../../components/processing/ray-preparation-job";
import { ProgramError } from "../../scripts/lib/engine";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { conformance } from "../helpers/conformance";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

/** Plan inputs read loosely (JSON.parse types them the same way). */
type Loose = ReturnType<typeof JSON.parse>;
const RAY_CLUSTER = "kubernetes:ray.io/v1:RayCluster";
const RAY_JOB = "kubernetes:ray.io/v1:RayJob";
const HOST = "us-central1-docker.pkg.dev/acme-test/cnai-test-dockerhub";
const IMAGES_ARG = { cpu: `${HOST}/${IMAGES.rayCpu.image}`, gpu: `${HOST}/${IMAGES.rayGpu.image}` };
const POOL: PoolTarget = { nodePool: "gpu-l4", accelerator: "nvidia-l4", gpusPerNode: 2, cpu: 22, memoryGi: 84 };

function args(overrides: Partial<RayDataClusterArgs> = {}): RayDataClusterArgs {
  return {
    labels: STACK_LABELS,
    team: "vision",
    namespace: "team-vision",
    images: IMAGES_ARG,
    buckets: { raw: "acme-raw", curated: "acme-curated" },
    metrics: "managed",
    carbonTier: "low",
    ...overrides,
  };
}
const cluster = (overrides: Partial<RayDataClusterArgs> = {}) =>
  run(() => new RayDataCluster("ray-vision", args(overrides)));
const spec = (r: RecordedResource) => r.inputs.spec as Loose;

describe("KubeRay", () => {
  it("installs the kuberay-operator chart 1.7.0 from its Helm repository in its own restricted namespace", async () => {
    const result = await run(
      () =>
        new KubeRay("kuberay", {
          labels: STACK_LABELS,
          sustainability: { workloadType: "platform", shiftable: false, carbonTier: "low" },
          metrics: "managed",
        }),
    );
    const chart = one(result, "kubernetes:helm.sh/v4:Chart");
    assert.strictEqual(chart.inputs.chart, "kuberay-operator");
    assert.strictEqual(chart.inputs.version, "1.7.0");
    assert.deepStrictEqual(chart.inputs.repositoryOpts, { repo: "https://ray-project.github.io/kuberay-helm/" });
    assert.strictEqual(chart.inputs.namespace, "kuberay-system");
    const ns = one(result, "kubernetes:core/v1:Namespace");
    assert.strictEqual(input(ns, "metadata.labels")!["pod-security.kubernetes.io/enforce" as never], "restricted");
    const scrape = one(result, "kubernetes:monitoring.googleapis.com/v1:PodMonitoring");
    assert.deepStrictEqual(input(scrape, "spec.endpoints"), [{ port: "http", interval: "30s" }]);
    assert.strictEqual(HELM_CHARTS.kuberayOperator.namespace, "kuberay-system");
  });
});

describe("RayDataCluster", () => {
  it("defaults: head 2 CPU / 8 GiB, CPU workers 2 CPU / 8 GiB from 0 to 4, pipelines identity, team-queue, cnai-low, 300 s idle", () => {
    const r = resolveRayDataClusterArgs("x", args());
    assert.deepStrictEqual(r.head, { cpu: 2, memoryGi: 8 });
    assert.deepStrictEqual(r.cpuWorkers, { cpu: 2, memoryGi: 8, min: 0, max: 4 });
    assert.strictEqual(r.serviceAccount, "pipelines");
    assert.strictEqual(r.queue, "team-queue");
    assert.strictEqual(r.priorityClass, "cnai-low");
    assert.strictEqual(r.idleTimeoutSeconds, 300);
    assert.strictEqual(r.gpuWorkers, undefined);
  });

  it("is an elastic Kueue workload on the team's queue with bounded autoscaling", async () => {
    const rc = one(await cluster(), RAY_CLUSTER);
    assert.strictEqual(input(rc, "metadata.name"), RAY_CLUSTER_NAME);
    assert.strictEqual((input(rc, "metadata.labels") as Loose)["kueue.x-k8s.io/queue-name"], "team-queue");
    // Kueue docs, "Run a RayCluster": autoscaling only for elastic RayClusters.
    assert.deepStrictEqual(input(rc, "metadata.annotations"), { [ELASTIC_JOB_ANNOTATION]: "true" });
    const s = spec(rc);
    assert.strictEqual(s.enableInTreeAutoscaling, true);
    assert.deepStrictEqual(
      s.workerGroupSpecs.map((g: Loose) => [g.groupName, g.replicas, g.minReplicas, g.maxReplicas]),
      [["cpu", 0, 0, 4]],
    );
  });

  it("keeps the dashboard and client on a ClusterIP Service, the head running no tasks", async () => {
    const s = spec(one(await cluster(), RAY_CLUSTER));
    assert.strictEqual(s.headGroupSpec.serviceType, "ClusterIP");
    assert.strictEqual(s.headGroupSpec.enableIngress, undefined);
    assert.strictEqual(s.headGroupSpec.rayStartParams["num-cpus"], "0");
  });

  it("mounts raw read-only and curated read-write through GCS FUSE, with the sidecar annotation", async () => {
    const s = spec(one(await cluster(), RAY_CLUSTER));
    for (const template of [s.headGroupSpec.template, s.workerGroupSpecs[0].template]) {
      assert.strictEqual(template.metadata.annotations["gke-gcsfuse/volumes"], "true");
      const volumes = Object.fromEntries(template.spec.volumes.map((v: Loose) => [v.name, v]));
      assert.deepStrictEqual(
        [volumes.raw.csi.driver, volumes.raw.csi.readOnly, volumes.raw.csi.volumeAttributes.bucketName],
        ["gcsfuse.csi.storage.gke.io", true, "acme-raw"],
      );
      assert.deepStrictEqual(
        [volumes.curated.csi.readOnly, volumes.curated.csi.volumeAttributes.bucketName],
        [false, "acme-curated"],
      );
      const mounts = template.spec.containers[0].volumeMounts;
      assert.deepStrictEqual(
        mounts.filter((m: Loose) => m.name !== "ray-tmp" && m.name !== "shared-mem"),
        [
          { name: "raw", mountPath: RAW_MOUNT, readOnly: true },
          { name: "curated", mountPath: CURATED_MOUNT },
        ],
      );
      assert.strictEqual(template.spec.serviceAccountName, "pipelines");
      assert.match(template.spec.containers[0].image, /\/rayproject\/ray:2\.55\.0-py312$/);
    }
  });

  it("gives the object store a memory-backed /dev/shm (a container's default is 64Mi)", async () => {
    const s = spec(one(await cluster(), RAY_CLUSTER));
    for (const template of [s.headGroupSpec.template, s.workerGroupSpecs[0].template]) {
      assert.deepStrictEqual(
        template.spec.volumes.find((v: Loose) => v.name === "shared-mem"),
        { name: "shared-mem", emptyDir: { medium: "Memory" } },
      );
      assert.ok(template.spec.containers[0].volumeMounts.some((m: Loose) => m.mountPath === "/dev/shm"));
    }
  });

  it("puts a GPU worker group on the pool with its selectors and toleration, sized by the pool's share", async () => {
    const s = spec(one(await cluster({ gpuWorkers: { pool: POOL, gpusPerWorker: 1, max: 3 } }), RAY_CLUSTER));
    const gpu = s.workerGroupSpecs.find((g: Loose) => g.groupName === "gpu");
    assert.deepStrictEqual([gpu.minReplicas, gpu.maxReplicas], [0, 3]);
    assert.deepStrictEqual(gpu.template.spec.nodeSelector, {
      "cloud.google.com/gke-nodepool": "gpu-l4",
      "cloud.google.com/gke-accelerator": "nvidia-l4",
    });
    assert.deepStrictEqual(gpu.template.spec.tolerations, [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    assert.deepStrictEqual(gpu.template.spec.containers[0].resources.requests, {
      cpu: "11",
      memory: "42Gi",
      "nvidia.com/gpu": "1",
    });
    assert.match(gpu.template.spec.containers[0].image, /-gpu$/);
  });

  it("lets the KubeRay operator reach the heads' dashboard API through the team's default-deny", async () => {
    const policy = one(await cluster(), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    assert.deepStrictEqual(input(policy, "spec.ingress"), [
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kuberay-system" } } }],
        ports: [{ protocol: "TCP", port: 8265 }],
      },
    ]);
  });

  it("scrapes Ray Pods with a PodMonitor on self-hosted monitoring", async () => {
    const result = await cluster({ metrics: "self-hosted" });
    assert.strictEqual(all(result, "kubernetes:monitoring.googleapis.com/v1:PodMonitoring").length, 0);
    const monitor = one(result, "kubernetes:monitoring.coreos.com/v1:PodMonitor");
    assert.deepStrictEqual(input(monitor, "spec.selector"), { matchLabels: { "ray.io/is-ray-node": "yes" } });
  });

  it("validates against the pinned RayCluster CRD, with and without GPU workers", async function () {
    for (const overrides of [{}, { gpuWorkers: { pool: POOL, gpusPerWorker: 2, min: 1, max: 2 } }]) {
      const report = await conformance(this, await cluster(overrides));
      assert.deepStrictEqual(report.problems, []);
      assert.ok(report.customResources >= 2);
    }
  });

  for (const [overrides, message] of [
    [{ cpuWorkers: { cpu: 1, memoryGi: 2, min: 3, max: 2 } }, /cpuWorkers: min 3 and max 2/],
    [{ cpuWorkers: { cpu: 1, memoryGi: 2, min: 0, max: 1000 } }, /max <= 100/],
    [{ gpuWorkers: { pool: POOL, gpusPerWorker: 4, max: 1 } }, /gpusPerWorker must be from 1 to 2/],
    [
      { images: { cpu: "rayproject/ray:2.55.0-py312", gpu: IMAGES_ARG.gpu } },
      /pinned rayproject\/ray tag behind a registry host/,
    ],
    [{ priorityClass: "urgent" }, /priorityClass urgent is not one of/],
  ] as const) {
    it(`refuses ${message} before creating anything`, async () => {
      await assert.rejects(cluster(overrides as Partial<RayDataClusterArgs>), (error: ProgramError) => {
        assert.ok(error instanceof ProgramError);
        assert.match(error.message, /^RayDataCluster "ray-vision": /);
        assert.match(error.message, message);
        assert.strictEqual(error.resources.filter((r) => r.type === RAY_CLUSTER).length, 0);
        return true;
      });
    });
  }
});

describe("RayPreparationJob", () => {
  const job = () =>
    run(
      () =>
        new RayPreparationJob("prepare-events", {
          labels: STACK_LABELS,
          team: "vision",
          namespace: "team-vision",
          image: IMAGES_ARG.cpu,
          buckets: { raw: "acme-raw", curated: "acme-curated" },
          rawPrefix: "events/",
          curatedPrefix: "events",
          head: { cpu: 1, memoryGi: 4 },
          workers: { cpu: 2, memoryGi: 6, count: 2 },
          ttlSecondsAfterFinished: 3600,
          activeDeadlineSeconds: 7200,
          carbonTier: "low",
        }),
    );

  it("shuts its cluster down when the job ends and is deleted after its TTL (Kueue requires shutdownAfterJobFinishes)", async () => {
    const s = spec(one(await job(), RAY_JOB));
    assert.strictEqual(s.shutdownAfterJobFinishes, true);
    assert.strictEqual(s.ttlSecondsAfterFinished, 3600);
    assert.strictEqual(s.activeDeadlineSeconds, 7200);
    assert.strictEqual(s.submissionMode, "HTTPMode");
    assert.strictEqual(s.rayClusterSpec.enableInTreeAutoscaling, undefined);
    assert.deepStrictEqual(
      s.rayClusterSpec.workerGroupSpecs.map((g: Loose) => [g.replicas, g.minReplicas, g.maxReplicas]),
      [[2, 2, 2]],
    );
    assert.strictEqual(
      s.entrypoint,
      "python /home/ray/jobs/prepare.py --raw /data/raw/events --curated /data/curated/events",
    );
  });

  it("ships the repository's script in a ConfigMap mounted into the head", async () => {
    const result = await job();
    const configMap = one(result, "kubernetes:core/v1:ConfigMap");
    assert.strictEqual((configMap.inputs.data as Loose)["prepare.py"], fs.readFileSync(PREPARE_SCRIPT, "utf8"));
    const head = spec(one(result, RAY_JOB)).rayClusterSpec.headGroupSpec.template.spec;
    assert.deepStrictEqual(
      head.volumes.find((v: Loose) => v.name === "script"),
      { name: "script", configMap: { name: "prepare-events-script" } },
    );
  });

  it("validates against the pinned RayJob CRD", async function () {
    assert.deepStrictEqual((await conformance(this, await job())).problems, []);
  });
});
