import * as assert from "node:assert";
import type { TestResource } from "../../helpers/policy";
import {
  container,
  cronJob,
  GPU_TOLERATION,
  job,
  K8S,
  kueue,
  limitRange,
  namespace,
  nodePool,
  problems,
  simulate,
  workload,
} from "./fixtures";

/**
 * Kueue 0.19.2's admission of a workload before its Pods exist (kubernetes-sigs/kueue
 * pkg/controller/core/workload_controller.go, pkg/workload/resources.go, pkg/scheduler/flavorassigner/flavorassigner.go,
 * pkg/podset/podset.go), on a Kubeflow Trainer TrainJob of two 8-GPU nodes.
 */
const h100 = nodePool("gpu-h100", {
  machineType: "a3-highgpu-8g",
  gpus: { type: "nvidia-h100-80gb", count: 8 },
  max: 2,
  taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
});
const trainer: TestResource[] = [
  {
    type: K8S.chart,
    name: "trainer-chart",
    inputs: {
      chart: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer",
      version: "2.3.0",
      namespace: "kubeflow-system",
      name: "kubeflow-trainer",
      values: { runtimes: { torchDistributed: { enabled: true } } },
    },
  },
  namespace("kubeflow-system"),
];
function trainJob(name: string, labels: Record<string, string>, numNodes = 2): TestResource {
  return {
    type: K8S.trainJob,
    name,
    inputs: {
      apiVersion: "trainer.kubeflow.org/v1alpha1",
      kind: "TrainJob",
      metadata: { name, namespace: "team", labels },
      spec: {
        runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: "torch-distributed" },
        trainer: {
          image: "us-central1-docker.pkg.dev/acme/images/train:1.0.0",
          numNodes,
          resourcesPerNode: {
            requests: { cpu: "100", memory: "1000Gi", "nvidia.com/gpu": "8" },
            limits: { "nvidia.com/gpu": "8" },
          },
        },
      },
    },
  };
}
const queued = { "kueue.x-k8s.io/queue-name": "team-queue" };
const base = (...extra: TestResource[]) =>
  simulate([h100, ...trainer, namespace("team", { "cnai.dev/component": "team-namespace" }), ...extra]);
const quota = (gpus: string) => ({ cpu: "400", memory: "3600Gi", "nvidia.com/gpu": gpus });

describe("workload simulation: Kueue admission", () => {
  it("admits a job whose flavor's quota holds all its Pods, and adds the flavor's node labels and tolerations to them", () => {
    const w = workload(
      base(
        ...kueue({ flavors: [{ pool: "gpu-h100", quota: quota("16") }], namespaces: ["team"] }),
        trainJob("fits", queued),
      ),
      "fits",
    );
    assert.strictEqual(w.status, "runnable");
    assert.deepStrictEqual(w.queue, {
      localQueue: "team-queue",
      clusterQueue: "gpu-workloads",
      flavors: { node: "gpu-h100" },
    });
    assert.deepStrictEqual(
      w.pods.map((p) => [p.name, p.count, p.placement]),
      [["node", 2, { pool: "gpu-h100", nodes: 2 }]],
    );
    assert.ok(w.pods[0].injected.includes("flavor gpu-h100 node labels and tolerations (Kueue)"));
  });

  it("keeps a job whose whole Pod set exceeds the flavor's quota suspended", () => {
    const w = workload(
      base(
        ...kueue({ flavors: [{ pool: "gpu-h100", quota: quota("8") }], namespaces: ["team"] }),
        trainJob("big", queued),
      ),
      "big",
    );
    assert.strictEqual(w.status, "not-admitted");
    assert.deepStrictEqual(problems(w), [
      "Kueue: couldn't assign flavors to pod set node: insufficient quota for nvidia.com/gpu in flavor gpu-h100, previously considered podsets requests (0) + current podset request (16) > maximum capacity (8)",
    ]);
  });

  it("refuses a job whose LocalQueue does not exist, or whose ClusterQueue does not select its namespace", () => {
    const flavors = [{ pool: "gpu-h100", quota: quota("16") }];
    const missing = workload(
      base(
        ...kueue({ flavors, namespaces: ["team"] }),
        trainJob("lost", { "kueue.x-k8s.io/queue-name": "missing-queue" }),
      ),
      "lost",
    );
    assert.deepStrictEqual(problems(missing), [
      "Kueue: LocalQueue missing-queue doesn't exist in namespace team: the workload stays suspended",
    ]);
    const selected = workload(
      base(
        ...kueue({
          flavors,
          namespaces: ["team"],
          namespaceSelector: { matchLabels: { "cnai.dev/component": "team-namespace" } },
        }),
        trainJob("ok", queued),
      ),
      "ok",
    );
    assert.strictEqual(selected.status, "runnable");
    const other = workload(
      base(
        ...kueue({ flavors, namespaces: ["team"], namespaceSelector: { matchLabels: { tier: "gold" } } }),
        trainJob("other", queued),
      ),
      "other",
    );
    assert.deepStrictEqual(problems(other), [
      "Kueue: workload namespace doesn't match ClusterQueue selector (team is not selected by ClusterQueue gpu-workloads)",
    ]);
    const none = workload(
      base(...kueue({ flavors, namespaces: ["team"], namespaceSelector: null }), trainJob("none", queued)),
      "none",
    );
    assert.match(
      problems(none)[0],
      /doesn't match ClusterQueue selector/,
      "a ClusterQueue without namespaceSelector selects no namespace",
    );
  });

  it("refuses a job naming a WorkloadPriorityClass that does not exist, or requesting a resource the ClusterQueue does not cover", () => {
    const flavors = [{ pool: "gpu-h100", quota: quota("16") }];
    const priority = workload(
      base(
        ...kueue({ flavors, namespaces: ["team"] }),
        trainJob("urgent", { ...queued, "kueue.x-k8s.io/priority-class": "urgent" }),
      ),
      "urgent",
    );
    assert.match(problems(priority)[0], /^Kueue: workloadpriorityclass\.kueue\.x-k8s\.io "urgent" not found/);
    const uncovered = workload(
      base(
        ...kueue({ flavors: [{ pool: "gpu-h100", quota: { cpu: "400", memory: "3600Gi" } }], namespaces: ["team"] }),
        trainJob("gpus", queued),
      ),
      "gpus",
    );
    assert.deepStrictEqual(problems(uncovered), [
      "Kueue: couldn't assign flavors to pod set node: resource nvidia.com/gpu unavailable in ClusterQueue",
    ]);
  });

  it("skips a flavor whose node labels the Pods do not select, and tries the next", () => {
    const l4 = nodePool("gpu-l4", { machineType: "g2-standard-96", gpus: { type: "nvidia-l4", count: 8 }, max: 2 });
    const job = trainJob("pinned", queued);
    (job.inputs.spec as Record<string, unknown>).runtimePatches = [
      {
        manager: "test",
        trainingRuntimeSpec: {
          template: {
            spec: {
              replicatedJobs: [
                {
                  name: "node",
                  template: {
                    spec: { template: { spec: { nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-h100" } } } },
                  },
                },
              ],
            },
          },
        },
      },
    ];
    const w = workload(
      base(
        l4,
        ...kueue({
          flavors: [
            { pool: "gpu-l4", quota: quota("16") },
            { pool: "gpu-h100", quota: quota("16") },
          ],
          namespaces: ["team"],
        }),
        job,
      ),
      "pinned",
    );
    assert.deepStrictEqual(w.queue?.flavors, { node: "gpu-h100" });
    assert.strictEqual(w.pods[0].placement?.pool, "gpu-h100");
  });

  it("leaves a job unqueued when Kueue is not installed, or does not manage its kind", () => {
    const w = workload(base(trainJob("free", queued)), "free");
    assert.strictEqual(w.status, "runnable");
    assert.ok(w.notes.includes("names LocalQueue team-queue, but Kueue is not installed: it runs unqueued"));
  });
});

/**
 * Kueue 0.19.2 on plain Jobs: the default LocalQueue (pkg/controller/jobframework/defaults.go), the
 * `pods` resource (pkg/scheduler/flavorassigner/flavorassigner.go), and Kueue's own resource checks
 * (pkg/workload/resources.go ValidateResources, ValidateLimitRange; pkg/util/limitrange/limitrange.go).
 */
describe("workload simulation: Kueue on Jobs (kubernetes-sigs/kueue v0.19.2)", () => {
  const l4 = nodePool("gpu-l4", {
    machineType: "g2-standard-12",
    gpus: { type: "nvidia-l4", count: 1 },
    max: 2,
    taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
  });
  const cluster = (...extra: TestResource[]) =>
    simulate([nodePool("system", { machineType: "e2-standard-8" }), l4, ...extra]);
  const gpuJob = (name: string, cpu: string, labels: Record<string, string> = {}, ns = "team") =>
    job(
      ns,
      name,
      {
        tolerations: [GPU_TOLERATION],
        containers: [container({ limits: { cpu, memory: "8Gi", "nvidia.com/gpu": "1" } })],
      },
      labels,
    );

  describe("the default LocalQueue (defaults.go ApplyDefaultLocalQueueWithManagedJobsNamespaceSelector)", () => {
    const flavors = [{ pool: "gpu-l4", quota: { cpu: "2", memory: "16Gi", "nvidia.com/gpu": "1" } }];
    it("queues a Job that names no queue where the namespace has a LocalQueue named default: Kueue holds it within that queue's quota", () => {
      const section = cluster(
        namespace("team"),
        ...kueue({ flavors, namespaces: ["team"], queue: "default" }),
        gpuJob("big", "4"),
        gpuJob("small", "1"),
      );
      const big = workload(section, "big");
      assert.strictEqual(big.queue?.localQueue, "default");
      assert.strictEqual(big.status, "not-admitted");
      assert.match(
        problems(big)[0],
        /^Kueue: couldn't assign flavors to pod set job: insufficient quota for cpu in flavor gpu-l4/,
      );
      assert.strictEqual(workload(section, "small").status, "runnable");
    });

    it("leaves it unqueued where the LocalQueue has another name, or the namespace is outside managedJobsNamespaceSelector (kube-system by default)", () => {
      const other = cluster(
        namespace("team"),
        ...kueue({ flavors, namespaces: ["team"], queue: "team-queue" }),
        gpuJob("big", "4"),
      );
      assert.deepStrictEqual([workload(other, "big").queue, workload(other, "big").status], [undefined, "runnable"]);
      const system = cluster(
        ...kueue({ flavors, namespaces: ["kube-system"], queue: "default" }),
        gpuJob("big", "4", {}, "kube-system"),
      );
      assert.deepStrictEqual([workload(system, "big").queue, workload(system, "big").status], [undefined, "runnable"]);
    });
  });

  describe("CronJobs: the Jobs they create (kubernetes pkg/controller/cronjob/utils.go getJobFromTemplate2; Kueue docs tasks/run/run_cronjobs.md)", () => {
    // The CronJob controller gives each Job the labels of spec.jobTemplate.metadata (copyLabels), not
    // the CronJob's own; Kueue manages those Jobs through its batch/job integration, so the queue is
    // named in jobTemplate.metadata.labels.
    const gpuCron = (name: string, options: Parameters<typeof cronJob>[3]) =>
      cronJob(
        "team",
        name,
        {
          tolerations: [GPU_TOLERATION],
          containers: [container({ limits: { cpu: "1", memory: "8Gi", "nvidia.com/gpu": "1" } })],
        },
        { parallelism: 2, ...options },
      );
    const queues = (gpus: string, queue = "team-queue") =>
      kueue({
        flavors: [{ pool: "gpu-l4", quota: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": gpus } }],
        namespaces: ["team"],
        queue,
      });
    const queued = { jobLabels: { "kueue.x-k8s.io/queue-name": "team-queue" } };

    it("queues the Jobs by the label on the jobTemplate: Kueue admits both Pods within the flavor's quota and adds the flavor, and holds them above it", () => {
      const fits = workload(cluster(namespace("team"), ...queues("2"), gpuCron("nightly", queued)), "nightly");
      assert.strictEqual(fits.status, "runnable");
      assert.strictEqual(fits.queue?.localQueue, "team-queue");
      assert.deepStrictEqual(fits.queue?.flavors, { cronjob: "gpu-l4" });
      assert.deepStrictEqual(
        fits.pods.map((p) => [p.count, p.pools, p.injected]),
        [[2, ["gpu-l4"], ["flavor gpu-l4 node labels and tolerations (Kueue)"]]],
      );
      const held = workload(cluster(namespace("team"), ...queues("1"), gpuCron("nightly", queued)), "nightly");
      assert.strictEqual(held.status, "not-admitted");
      assert.match(
        problems(held)[0],
        /^Kueue: couldn't assign flavors to pod set cronjob: insufficient quota for nvidia\.com\/gpu in flavor gpu-l4/,
      );
    });

    it("keeps the Jobs suspended when the jobTemplate names a LocalQueue that does not exist", () => {
      const lost = workload(
        cluster(
          namespace("team"),
          ...queues("2"),
          gpuCron("nightly", { jobLabels: { "kueue.x-k8s.io/queue-name": "missing-queue" } }),
        ),
        "nightly",
      );
      assert.strictEqual(lost.status, "not-admitted");
      assert.deepStrictEqual(problems(lost), [
        "Kueue: LocalQueue missing-queue doesn't exist in namespace team: the workload stays suspended",
      ]);
    });

    it("does not queue the Jobs by a label on the CronJob itself, and sends unlabelled Jobs to a LocalQueue named default", () => {
      const own = workload(
        cluster(
          namespace("team"),
          ...queues("2"),
          gpuCron("nightly", { labels: { "kueue.x-k8s.io/queue-name": "missing-queue" } }),
        ),
        "nightly",
      );
      assert.deepStrictEqual([own.queue, own.status], [undefined, "runnable"]);
      const defaulted = workload(
        cluster(namespace("team"), ...queues("1", "default"), gpuCron("nightly", {})),
        "nightly",
      );
      assert.strictEqual(defaulted.queue?.localQueue, "default");
      assert.strictEqual(defaulted.status, "not-admitted");
    });
  });

  describe("the pods resource (flavorassigner.go: a ClusterQueue covering pods counts each pod set's Pods)", () => {
    const wide = (pods: string) =>
      cluster(
        namespace("team"),
        ...kueue({ flavors: [{ pool: "gpu-l4", quota: { cpu: "64", memory: "256Gi", pods } }], namespaces: ["team"] }),
        job(
          "team",
          "wide",
          { tolerations: [GPU_TOLERATION], containers: [container({ limits: { cpu: "1", memory: "1Gi" } })] },
          { "kueue.x-k8s.io/queue-name": "team-queue" },
          4,
        ),
      );
    it("does not admit 4 Pods against a pods quota of 2, and admits them against 4", () => {
      const w = workload(wide("2"), "wide");
      assert.strictEqual(w.status, "not-admitted");
      assert.match(problems(w)[0], /insufficient quota for pods in flavor gpu-l4/);
      assert.strictEqual(workload(wide("4"), "wide").status, "runnable");
    });
  });

  describe("Kueue's own resource checks (resources.go ValidateResources, ValidateLimitRange)", () => {
    const flavors = [{ pool: "gpu-l4", quota: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "2" } }];
    const queuedJob = (spec: object) =>
      job("team", "j", { tolerations: [GPU_TOLERATION], ...spec }, { "kueue.x-k8s.io/queue-name": "team-queue" });
    it("holds a job whose requests exceed its limits (after the LimitRange defaults): Kueue never admits it", () => {
      const w = workload(
        cluster(
          namespace("team"),
          limitRange("team", [{ type: "Container", default: { cpu: "1", memory: "2Gi" } }]),
          ...kueue({ flavors, namespaces: ["team"] }),
          queuedJob({ containers: [container({ requests: { cpu: "2", memory: "1Gi" } })] }),
        ),
        "j",
      );
      assert.strictEqual(w.status, "not-admitted");
      assert.match(
        problems(w)[0],
        /^Kueue: resources validation failed: spec\.podSets\[0\]\.template\.spec\.containers\[0\]: Invalid value: \["cpu"\]: requests must not exceed its limits/,
      );
    });

    it("holds a job above a LimitRange max, but leaves a limit-to-request ratio to the API server's LimitRanger, which refuses the Pods", () => {
      const max = workload(
        cluster(
          namespace("team"),
          limitRange("team", [{ type: "Container", max: { cpu: "2" } }]),
          ...kueue({ flavors, namespaces: ["team"] }),
          queuedJob({ containers: [container({ limits: { cpu: "4", memory: "1Gi" } })] }),
        ),
        "j",
      );
      assert.strictEqual(max.status, "not-admitted");
      assert.match(
        problems(max)[0],
        /^Kueue: resources didn't satisfy LimitRange constraints: .*containers\[0\]: Invalid value: \["cpu"\]: requests must not be above the limitRange max/,
      );
      const ratio = workload(
        cluster(
          namespace("team"),
          limitRange("team", [{ type: "Container", maxLimitRequestRatio: { cpu: "2" } }]),
          ...kueue({ flavors, namespaces: ["team"] }),
          queuedJob({
            containers: [container({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } })],
          }),
        ),
        "j",
      );
      assert.strictEqual(ratio.status, "refused");
      assert.deepStrictEqual(problems(ratio), [
        "LimitRanger: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000 (container app)",
      ]);
    });
  });
});
