import * as assert from "node:assert";
import { admitKueue, type KueueOutcome } from "../../../policies/lib/analysis/workloads/admission/kueue";
import { storedLimits } from "../../../policies/lib/analysis/workloads/admission/limit-range";
import type { RuntimeClassFacts } from "../../../policies/lib/analysis/workloads/admission/runtime-class";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import type { Props, Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { GPU_TOLERATION, K8S } from "./fixtures";

/**
 * admitKueue unit by unit, against kubernetes-sigs/kueue v0.19.2: the manager configuration
 * (apis/config/v1beta2/defaults.go), the default LocalQueue (pkg/controller/jobframework/defaults.go,
 * pkg/controller/jobs/pod/pod_webhook.go), ValidateAdmissibility (pkg/workload/resources.go,
 * pkg/util/limitrange/limitrange.go), and flavor assignment (pkg/scheduler/flavorassigner/flavorassigner.go:
 * checkFlavorForPodSets, fitsResourceQuota, Status.Message sorting its reasons; ClusterQueue
 * borrowingLimit/lendingLimit and Cohort quotas, site/content/en/docs/concepts/cluster_queue.md).
 */
const KUEUE_API = "kueue.x-k8s.io/v1beta2";
const kueueObject = (kind: string, name: string, spec?: Props, namespace?: string): TestResource => ({
  type: `kubernetes:${KUEUE_API}:${kind}`,
  name: `${kind}-${namespace ?? ""}-${name}`,
  inputs: {
    apiVersion: KUEUE_API,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...(spec ? { spec } : {}),
  },
});
const chart = (values?: Props): TestResource => ({
  type: K8S.chart,
  name: "kueue-chart",
  inputs: {
    chart: "oci://registry.k8s.io/kueue/charts/kueue",
    version: "0.19.2",
    namespace: "kueue-system",
    name: "kueue",
    ...(values ? { values } : {}),
  },
});
const configured = (yaml: string) => chart({ managerConfig: { controllerManagerConfigYaml: yaml } });
const flavor = (name: string, spec?: Props) => kueueObject("ResourceFlavor", name, spec);
const pool = (name: string, extra: Props = {}): Props => ({
  nodeLabels: { "cloud.google.com/gke-nodepool": name },
  ...extra,
});
const clusterQueue = (name: string, spec: Props) =>
  kueueObject("ClusterQueue", name, { namespaceSelector: {}, ...spec });
const localQueue = (name: string, cq: string, namespace = "team") =>
  kueueObject("LocalQueue", name, { clusterQueue: cq }, namespace);
type Quota = string | { nominalQuota: string; borrowingLimit?: string; lendingLimit?: string };
const resourceGroup = (covered: string[], flavors: Array<[string, Record<string, Quota>]>): Props => ({
  coveredResources: covered,
  flavors: flavors.map(([name, quotas]) => ({
    name,
    resources: Object.entries(quotas).map(([r, q]) => ({
      name: r,
      ...(typeof q === "string" ? { nominalQuota: q } : q),
    })),
  })),
});
const GPU = ["cpu", "memory", "nvidia.com/gpu"];
/** Kueue from its chart, one GPU flavor and a ClusterQueue `cq` over it, LocalQueue team-queue in team. */
const gpuQueue = (quota: Record<string, Quota>, cq: Props = {}): TestResource[] => [
  chart({}),
  flavor("gpu", pool("gpu", { tolerations: [GPU_TOLERATION] })),
  clusterQueue("cq", { resourceGroups: [resourceGroup(GPU, [["gpu", quota]])], ...cq }),
  localQueue("team-queue", "cq"),
];
const gpuPod = (cpu: string, gpus: string, extra: Props = {}): Props => ({
  containers: [{ name: "app", image: "app:1", resources: { limits: { cpu, memory: "1Gi", "nvidia.com/gpu": gpus } } }],
  ...extra,
});
interface PodSet {
  name?: string;
  count?: number;
  spec: Props;
}
const workloadOf = (
  kind: string,
  podSets: PodSet[],
  options: { queue?: string; priority?: string; namespace?: string } = {},
): Workload => ({
  urn: `urn:test:${kind}`,
  kind,
  name: "w",
  namespace: options.namespace ?? "team",
  source: "declared",
  controller: "test",
  gang: false,
  groups: podSets.map((p, i) => ({
    name: p.name ?? `ps${i}`,
    count: p.count ?? 1,
    pod: { metadata: { name: "w", namespace: options.namespace ?? "team", labels: {}, annotations: {} }, spec: p.spec },
    injected: [],
  })),
  ...(options.queue ? { queue: options.queue } : {}),
  ...(options.priority ? { queuePriorityClass: options.priority } : {}),
  notes: [],
  problems: [],
});
const job = (spec: Props, options: { queue?: string; priority?: string; namespace?: string; count?: number } = {}) =>
  workloadOf("Job", [{ spec, count: options.count }], { queue: "team-queue", ...options });
const admit = (
  resources: TestResource[],
  workload: Workload,
  options: {
    labels?: Record<string, string>;
    limits?: Props[];
    limitRanges?: Record<string, Props[]>;
    classes?: Map<string, RuntimeClassFacts>;
  } = {},
): KueueOutcome =>
  admitKueue(
    workload,
    indexCluster(planOf(resources).resources),
    options.labels ?? { "kubernetes.io/metadata.name": workload.namespace },
    // The namespace's LimitRanges (`limits` unless named), as the API server stores them.
    Object.entries(options.limitRanges ?? { limits: options.limits ?? [] }).flatMap(([name, limits]) =>
      storedLimits(name, { limits }),
    ),
    options.classes,
  );
const messages = (outcome: KueueOutcome) => outcome.problems.map((p) => p.message);

describe("Kueue admission: the manager configuration (apis/config/v1beta2/defaults.go)", () => {
  const trainJob = () => workloadOf("TrainJob", [{ spec: gpuPod("1", "1") }], { queue: "team-queue" });
  it("manages the chart's default frameworks where the chart sets no values (a TrainJob is queued)", () => {
    const resources = gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" });
    resources[0] = chart();
    const outcome = admit(resources, trainJob());
    assert.strictEqual(outcome.managed, true);
    assert.deepStrictEqual(outcome.problems, []);
  });

  it("manages only the frameworks the manager config lists: a TrainJob outside them runs unqueued, with a note", () => {
    const resources = gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" });
    resources[0] = configured("integrations:\n  frameworks:\n  - batch/job\n");
    const train = admit(resources, trainJob());
    assert.strictEqual(train.managed, false);
    assert.deepStrictEqual(train.problems, []);
    assert.deepStrictEqual(train.notes, [
      "Kueue does not manage TrainJob (integration trainer.kubeflow.org/trainjob not enabled): it runs unqueued, outside the team's GPU quota",
    ]);
    assert.strictEqual(admit(resources, job(gpuPod("1", "1"))).managed, true);
  });

  for (const [name, yaml] of [
    ["no integrations section", "namespace: kueue-system\n"],
    ["an empty frameworks list", "integrations:\n  frameworks: []\n"],
  ] as const)
    it(`defaults to batch/job alone for a config with ${name} (len(Integrations.Frameworks) == 0)`, () => {
      const resources = gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" });
      resources[0] = configured(yaml);
      assert.strictEqual(admit(resources, job(gpuPod("1", "1"))).managed, true);
      assert.strictEqual(admit(resources, trainJob()).managed, false);
    });

  it("manages nothing when the config does not parse (the manager does not start)", () => {
    const resources = gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" });
    resources[0] = configured("integrations: [\n");
    const outcome = admit(resources, job(gpuPod("1", "1")));
    assert.strictEqual(outcome.managed, false);
    assert.match(outcome.notes[0], /^Kueue does not manage Job \(integration batch\/job not enabled\)/);
  });

  it("names no integration for a kind Kueue has none for", () => {
    const outcome = admit(
      gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }),
      workloadOf("DaemonSet", [{ spec: gpuPod("1", "1") }], { queue: "team-queue" }),
    );
    assert.strictEqual(outcome.managed, false);
    assert.match(outcome.notes[0], /^Kueue does not manage DaemonSet \(integration none not enabled\)/);
  });
});

describe("Kueue admission: the default LocalQueue (jobframework/defaults.go; jobs/pod/pod_webhook.go)", () => {
  const withDefault = (namespace: string, first: TestResource = chart({})): TestResource[] => [
    first,
    flavor("gpu", pool("gpu")),
    clusterQueue("cq", {
      resourceGroups: [resourceGroup(GPU, [["gpu", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }]])],
    }),
    localQueue("default", "cq", namespace),
    localQueue("team-queue", "cq", namespace),
  ];
  const unnamed = (kind = "Job", namespace = "team") => workloadOf(kind, [{ spec: gpuPod("1", "1") }], { namespace });

  it("sends a Job naming no queue to LocalQueue default, with a note naming the queue and namespace", () => {
    const workload = unnamed();
    const outcome = admit(withDefault("team"), workload);
    assert.strictEqual(workload.queue, "default");
    assert.strictEqual(outcome.managed, true);
    assert.strictEqual(outcome.clusterQueue, "cq");
    assert.deepStrictEqual(outcome.notes, [
      "names no LocalQueue: Kueue's webhook sends it to LocalQueue default, which namespace team has (pkg/controller/jobframework/defaults.go)",
    ]);
  });

  it("keeps the queue a Job names", () => {
    const workload = job(gpuPod("1", "1"));
    const outcome = admit(withDefault("team"), workload);
    assert.strictEqual(workload.queue, "team-queue");
    assert.deepStrictEqual(outcome.notes, []);
  });

  it("defaults a plain Pod too where the pod integration is enabled, and leaves kinds whose integration is off alone", () => {
    const podConfig = configured("integrations:\n  frameworks:\n  - batch/job\n  - pod\n");
    const pod = unnamed("Pod");
    admit(withDefault("team", podConfig), pod);
    assert.strictEqual(pod.queue, "default");
    const jobsOnly = configured("integrations:\n  frameworks:\n  - batch/job\n");
    const unmanaged = unnamed("Pod");
    const outcome = admit(withDefault("team", jobsOnly), unmanaged);
    assert.strictEqual(unmanaged.queue, undefined);
    assert.deepStrictEqual([outcome.managed, outcome.notes], [false, []]);
  });

  it("leaves Kueue's own namespace and kube-system out by default, and follows the configured namespace and selector", () => {
    const system = unnamed("Job", "kueue-system");
    admit(withDefault("kueue-system"), system);
    assert.strictEqual(system.queue, undefined);
    const moved = configured("namespace: kueue-ops\n");
    const nowManaged = unnamed("Job", "kueue-system");
    admit(withDefault("kueue-system", moved), nowManaged);
    assert.strictEqual(nowManaged.queue, "default");
    const own = unnamed("Job", "kueue-ops");
    admit(withDefault("kueue-ops", moved), own);
    assert.strictEqual(own.queue, undefined);
    const selected = configured("managedJobsNamespaceSelector:\n  matchLabels:\n    kueue: managed\n");
    const labelled = unnamed();
    admit(withDefault("team", selected), labelled, {
      labels: { "kubernetes.io/metadata.name": "team", kueue: "managed" },
    });
    assert.strictEqual(labelled.queue, "default");
    const plain = unnamed();
    admit(withDefault("team", selected), plain);
    assert.strictEqual(plain.queue, undefined);
  });
});

describe("Kueue admission: the queue, its ClusterQueue and what the workload names (workload_controller.go)", () => {
  const quota = { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" };
  it("reports a missing LocalQueue with its fix and Kueue's source", () => {
    const outcome = admit(gpuQueue(quota), job(gpuPod("1", "1"), { queue: "lost" }));
    assert.strictEqual(outcome.managed, true);
    assert.deepStrictEqual(outcome.problems, [
      {
        step: "Kueue",
        message: "LocalQueue lost doesn't exist in namespace team: the workload stays suspended",
        fix: "create LocalQueue lost in team (components/training/kueue.ts creates team-queue in each team namespace), or name an existing one",
        source: "kubernetes-sigs/kueue v0.19.2 pkg/controller/core/workload_controller.go",
      },
    ]);
  });

  it("reports a LocalQueue pointing to a ClusterQueue that does not exist", () => {
    const outcome = admit(
      [...gpuQueue(quota), localQueue("orphan", "gone")],
      job(gpuPod("1", "1"), { queue: "orphan" }),
    );
    assert.strictEqual(outcome.clusterQueue, "gone");
    assert.deepStrictEqual(outcome.problems, [
      {
        step: "Kueue",
        message: "ClusterQueue gone doesn't exist (LocalQueue team/orphan points to it)",
        fix: "create ClusterQueue gone, or point the LocalQueue to an existing one",
        source: "kubernetes-sigs/kueue v0.19.2 pkg/controller/core/workload_controller.go",
      },
    ]);
  });

  it("holds workloads of a ClusterQueue whose admission checks do not exist (listed directly or by strategy)", () => {
    const resources = gpuQueue(quota, {
      admissionChecks: ["present", "absent"],
      admissionChecksStrategy: { admissionChecks: [{ name: "by-strategy" }] },
    });
    resources.push(kueueObject("AdmissionCheck", "present", { controllerName: "example.com/check" }));
    const outcome = admit(resources, job(gpuPod("1", "1")));
    assert.deepStrictEqual(messages(outcome), [
      "ClusterQueue cq is inactive: AdmissionCheck absent doesn't exist",
      "ClusterQueue cq is inactive: AdmissionCheck by-strategy doesn't exist",
    ]);
    assert.deepStrictEqual(
      outcome.problems.map((p) => p.fix),
      [
        "create AdmissionCheck absent, or remove it from the ClusterQueue",
        "create AdmissionCheck by-strategy, or remove it from the ClusterQueue",
      ],
    );
    assert.match(outcome.problems[0].source, /^kubernetes-sigs\/kueue v0\.19\.2 pkg\/cache/);
  });

  it("names the namespace and ClusterQueue when the selector does not select it, and how to fix it", () => {
    const outcome = admit(
      gpuQueue(quota, { namespaceSelector: { matchLabels: { tier: "gold" } } }),
      job(gpuPod("1", "1")),
    );
    assert.strictEqual(outcome.problems.length, 1);
    assert.deepStrictEqual(outcome.flavors, {}, "ValidateAdmissibility fails before any flavor is assigned");
    assert.strictEqual(
      outcome.problems[0].fix,
      "label namespace team to match ClusterQueue cq's namespaceSelector, or widen the selector (a missing selector selects no namespace)",
    );
    assert.match(
      outcome.problems[0].source,
      /pkg\/workload\/resources\.go \(ValidateAdmissibility, ErrNamespaceMismatch\)$/,
    );
  });

  it("refuses a WorkloadPriorityClass that does not exist, listing the ones that do", () => {
    const priorities = [
      kueueObject("WorkloadPriorityClass", "high", undefined),
      kueueObject("WorkloadPriorityClass", "low", undefined),
    ];
    const missing = admit([...gpuQueue(quota), ...priorities], job(gpuPod("1", "1"), { priority: "urgent" }));
    assert.deepStrictEqual(messages(missing), [
      'workloadpriorityclass.kueue.x-k8s.io "urgent" not found: Kueue creates no Workload for it',
    ]);
    assert.strictEqual(missing.problems[0].fix, "create WorkloadPriorityClass urgent, or use one of high, low");
    assert.match(missing.problems[0].source, /pkg\/util\/priority\/priority\.go/);
    const none = admit(gpuQueue(quota), job(gpuPod("1", "1"), { priority: "urgent" }));
    assert.strictEqual(none.problems[0].fix, "create WorkloadPriorityClass urgent, or use one of none declared");
    assert.deepStrictEqual(
      admit([...gpuQueue(quota), ...priorities], job(gpuPod("1", "1"), { priority: "high" })).problems,
      [],
    );
  });
});

describe("Kueue admission: ValidateResources and ValidateLimitRange (pkg/workload/resources.go ValidateAdmissibility)", () => {
  const queue = () => gpuQueue({ cpu: "64", memory: "256Gi", "nvidia.com/gpu": "8" });
  const box = (name: string, resources: Props): Props => ({ name, image: "app:1", resources });

  it("refuses an init container whose requests exceed its limits, and reports that alone even where a LimitRange is also broken", () => {
    const outcome = admit(
      queue(),
      job({
        initContainers: [box("init", { requests: { cpu: "2" }, limits: { cpu: "1" } })],
        containers: [box("app", { requests: { cpu: "500m" }, limits: { cpu: "1" } })],
      }),
      { limits: [{ type: "Pod", max: { cpu: "100m" } }] },
    );
    assert.deepStrictEqual(messages(outcome), [
      'resources validation failed: spec.podSets[0].template.spec.initContainers[0]: Invalid value: ["cpu"]: requests must not exceed its limits (container init)',
    ]);
    assert.strictEqual(
      outcome.problems[0].fix,
      "give every container of pod set ps0 limits at least its requests (a LimitRange default limit counts)",
    );
    assert.match(outcome.problems[0].source, /pkg\/workload\/resources\.go \(ValidateResources\)$/);
  });

  it("admits requests below or at their limits", () => {
    const outcome = admit(queue(), job({ containers: [box("app", { requests: { cpu: "1" }, limits: { cpu: "2" } })] }));
    assert.deepStrictEqual(outcome.problems, []);
  });

  const limitCases: Array<[string, Props[], Props, string[]]> = [
    [
      "a container at the Container max is within it",
      [{ type: "Container", max: { cpu: "2" } }],
      { containers: [box("app", { limits: { cpu: "2", memory: "1Gi" } })] },
      [],
    ],
    [
      "the lowest max of several LimitRange items counts (Summarize)",
      [
        { type: "Container", max: { cpu: "4" } },
        { type: "Container", max: { cpu: "2" } },
      ],
      { containers: [box("app", { requests: { cpu: "3" }, limits: { cpu: "3" } })] },
      [
        'spec.podSets[0].template.spec.containers[0]: Invalid value: ["cpu"]: requests must not be above the limitRange max (container app)',
      ],
    ],
    [
      "the highest min of several items counts, and a request with no limit is checked against it",
      [
        { type: "Container", min: { cpu: "100m" } },
        { type: "Container", min: { cpu: "500m" } },
      ],
      { containers: [box("app", { requests: { cpu: "200m" } })] },
      [
        'spec.podSets[0].template.spec.containers[0]: Invalid value: ["cpu"]: requests must not be below the limitRange min (container app)',
      ],
    ],
    [
      "the smaller of request and limit is checked against min",
      [{ type: "Container", min: { cpu: "200m" } }],
      { containers: [box("app", { requests: { cpu: "100m" }, limits: { cpu: "1" } })] },
      [
        'spec.podSets[0].template.spec.containers[0]: Invalid value: ["cpu"]: requests must not be below the limitRange min (container app)',
      ],
    ],
    [
      "resources the LimitRange does not bound are not compared",
      [{ type: "Container", max: { cpu: "2" }, min: { cpu: "100m" } }],
      {
        containers: [
          box("app", {
            requests: { cpu: "1", memory: "64Gi", "nvidia.com/gpu": "1" },
            limits: { cpu: "1", memory: "64Gi", "nvidia.com/gpu": "1" },
          }),
        ],
      },
      [],
    ],
    [
      "a Pod item bounds the Pod's total, not each container",
      [{ type: "Pod", max: { cpu: "4" } }],
      {
        containers: [box("a", { limits: { cpu: "3" } }), box("b", { limits: { cpu: "3" } })],
      },
      ['spec.podSets[0].template.spec: Invalid value: ["cpu"]: requests must not be above the limitRange max'],
    ],
    [
      "a Pod total below the Pod min",
      [{ type: "Pod", min: { memory: "1Gi" } }],
      { containers: [box("a", { limits: { memory: "256Mi" } })] },
      ['spec.podSets[0].template.spec: Invalid value: ["memory"]: requests must not be below the limitRange min'],
    ],
    [
      "a Pod total within the Pod item",
      [{ type: "Pod", min: { memory: "256Mi" }, max: { memory: "1Gi" } }],
      { containers: [box("a", { limits: { memory: "1Gi" } })] },
      [],
    ],
  ];
  for (const [name, items, spec, expected] of limitCases)
    it(`LimitRange: ${name}`, () => {
      const outcome = admit(queue(), job(spec), { limits: items });
      assert.deepStrictEqual(
        messages(outcome),
        expected.map((e) => `resources didn't satisfy LimitRange constraints: ${e}`),
      );
      for (const problem of outcome.problems) {
        assert.strictEqual(
          problem.fix,
          "bring the requests of pod set ps0 within the namespace's LimitRanges (limits)",
        );
        assert.match(problem.source, /pkg\/util\/limitrange\/limitrange\.go \(Summarize, ValidatePodSpec\)$/);
      }
    });

  it("names each of the namespace's LimitRanges once in the fix", () => {
    const outcome = admit(queue(), job({ containers: [box("app", { requests: { cpu: "100m" } })] }), {
      limitRanges: {
        "cpu-bounds": [
          { type: "Container", min: { cpu: "500m" } },
          { type: "Container", min: { cpu: "200m" } },
        ],
        "pod-bounds": [{ type: "Pod", max: { memory: "64Gi" } }],
      },
    });
    assert.deepStrictEqual(
      outcome.problems.map((p) => p.fix),
      ["bring the requests of pod set ps0 within the namespace's LimitRanges (cpu-bounds, pod-bounds)"],
    );
  });

  it("counts the RuntimeClass's Pod overhead against the flavor's quota (handlePodOverhead)", () => {
    const classes = new Map<string, RuntimeClassFacts>([
      ["gvisor", { overhead: { cpu: "250m", memory: "64Mi" }, nodeSelector: {}, tolerations: [], source: "test" }],
    ]);
    const resources = gpuQueue({ cpu: "2", memory: "32Gi", "nvidia.com/gpu": "4" });
    assert.deepStrictEqual(admit(resources, job(gpuPod("2", "1"))).problems, []);
    const outcome = admit(resources, job(gpuPod("2", "1", { runtimeClassName: "gvisor" })), { classes });
    assert.deepStrictEqual(messages(outcome), [
      "couldn't assign flavors to pod set ps0: insufficient quota for cpu in flavor gpu, previously considered podsets requests (0) + current podset request (2250m) > maximum capacity (2)",
    ]);
  });

  it("uses Pod-level limits for missing Pod-level requests (UseLimitsAsMissingRequestsInPod), keeping the requests set", () => {
    const resources = gpuQueue({ cpu: "8", memory: "1Gi", "nvidia.com/gpu": "4" });
    const podLevel = (podResources: Props) =>
      job({
        resources: podResources,
        containers: [box("app", { limits: { memory: "512Mi", "nvidia.com/gpu": "1" } })],
      });
    assert.deepStrictEqual(messages(admit(resources, podLevel({ limits: { cpu: "4" } }))), []);
    assert.deepStrictEqual(messages(admit(resources, podLevel({ limits: { cpu: "10" } }))), [
      "couldn't assign flavors to pod set ps0: insufficient quota for cpu in flavor gpu, previously considered podsets requests (0) + current podset request (10) > maximum capacity (8)",
    ]);
    assert.deepStrictEqual(
      messages(admit(resources, podLevel({ requests: { memory: "2Gi" }, limits: { cpu: "4" } }))),
      [
        "couldn't assign flavors to pod set ps0: insufficient quota for memory in flavor gpu, previously considered podsets requests (0) + current podset request (2Gi) > maximum capacity (1Gi)",
      ],
    );
  });
});

describe("Kueue admission: flavor assignment (flavorassigner.go)", () => {
  it("admits a Pod set whose request equals the flavor's quota, and refuses one above it", () => {
    const resources = gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" });
    assert.deepStrictEqual(admit(resources, job(gpuPod("1", "1"), { count: 4 })).problems, []);
    assert.deepStrictEqual(messages(admit(resources, job(gpuPod("1", "1"), { count: 5 }))), [
      "couldn't assign flavors to pod set ps0: insufficient quota for nvidia.com/gpu in flavor gpu, previously considered podsets requests (0) + current podset request (5) > maximum capacity (4)",
    ]);
  });

  it("skips a zero request for a resource the ClusterQueue does not cover (#8079), and refuses a non-zero one, naming the fix", () => {
    const resources = gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" });
    const withExtra = (amount: string) =>
      job({
        containers: [
          {
            name: "app",
            image: "app:1",
            resources: {
              limits: { cpu: "1", memory: "1Gi", "example.com/fpga": amount, "example.com/dongle": amount },
            },
          },
        ],
      });
    assert.deepStrictEqual(admit(resources, withExtra("0")).problems, []);
    const outcome = admit(resources, withExtra("1"));
    assert.deepStrictEqual(messages(outcome), [
      "couldn't assign flavors to pod set ps0: resource example.com/fpga unavailable in ClusterQueue",
    ]);
    assert.strictEqual(
      outcome.problems[0].fix,
      "add example.com/fpga, example.com/dongle to a resource group of ClusterQueue cq, or stop requesting it",
    );
    assert.match(outcome.problems[0].source, /flavorassigner\.go \(findFlavorForPodSets\)$/);
  });

  it("tries each flavor in order and lists why each failed, sorted (Status.Message)", () => {
    const taint = { key: "dedicated", value: "ml", effect: "NoSchedule" };
    const resources = [
      chart({}),
      flavor("tainted", pool("gpu", { nodeTaints: [taint] })),
      flavor("other", pool("other")),
      flavor("small", pool("gpu")),
      clusterQueue("cq", {
        resourceGroups: [
          resourceGroup(GPU, [
            ["tainted", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "8" }],
            ["ghost", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "8" }],
            ["other", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "8" }],
            ["small", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" }],
          ]),
        ],
      }),
      localQueue("team-queue", "cq"),
    ];
    const workload = job(gpuPod("1", "2", { nodeSelector: { "cloud.google.com/gke-nodepool": "gpu" } }));
    const outcome = admit(resources, workload);
    assert.deepStrictEqual(messages(outcome), [
      "couldn't assign flavors to pod set ps0: flavor ghost not found, flavor other doesn't match node affinity, insufficient quota for nvidia.com/gpu in flavor small, previously considered podsets requests (0) + current podset request (2) > maximum capacity (1), untolerated taint dedicated=ml:NoSchedule in flavor tainted",
    ]);
    assert.strictEqual(
      outcome.problems[0].fix,
      "give ClusterQueue cq a flavor for cpu, memory, nvidia.com/gpu whose node labels the Pods select and whose nominal quota holds the whole workload (1 Pods), or shrink the job",
    );
    assert.match(outcome.problems[0].source, /flavorassigner\.go \(checkFlavorForPodSets, fitsResourceQuota\)$/);
    // Nothing is injected into a workload Kueue does not admit.
    assert.deepStrictEqual(workload.groups[0].injected, []);
    assert.deepStrictEqual(workload.groups[0].pod.spec.nodeSelector, { "cloud.google.com/gke-nodepool": "gpu" });
    // A Pod toleration, or the flavor's own tolerations, tolerate the flavor's taint.
    const tolerating = job(
      gpuPod("1", "1", {
        nodeSelector: { "cloud.google.com/gke-nodepool": "gpu" },
        tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
      }),
    );
    assert.deepStrictEqual(admit(resources, tolerating).flavors, { ps0: "tainted" });
    const selfTolerating = [...resources];
    selfTolerating[1] = flavor(
      "tainted",
      pool("gpu", {
        nodeTaints: [taint],
        tolerations: [{ key: "dedicated", operator: "Equal", value: "ml", effect: "NoSchedule" }],
      }),
    );
    assert.deepStrictEqual(admit(selfTolerating, job(gpuPod("1", "1"))).flavors, { ps0: "tainted" });
  });

  it("reads each flavor's own quota, counting what earlier pod sets of the workload took from it", () => {
    const resources = [
      chart({}),
      flavor("small", pool("gpu")),
      flavor("big", pool("gpu")),
      clusterQueue("cq", {
        resourceGroups: [
          resourceGroup(GPU, [
            ["small", { cpu: "64", memory: "256Gi", "nvidia.com/gpu": "1" }],
            ["big", { cpu: "64", memory: "256Gi", "nvidia.com/gpu": "8" }],
          ]),
        ],
      }),
      localQueue("team-queue", "cq"),
    ];
    const twoSets = (second: string) =>
      workloadOf(
        "Job",
        [
          { name: "workers", count: 3, spec: gpuPod("1", "2") },
          { name: "leader", count: 1, spec: gpuPod("1", second) },
        ],
        { queue: "team-queue" },
      );
    const fits = admit(resources, twoSets("2"));
    assert.deepStrictEqual([fits.problems, fits.flavors], [[], { workers: "big", leader: "big" }]);
    const tooBig = twoSets("3");
    assert.deepStrictEqual(messages(admit(resources, tooBig)), [
      "couldn't assign flavors to pod set leader: insufficient quota for nvidia.com/gpu in flavor big, previously considered podsets requests (6) + current podset request (3) > maximum capacity (8), insufficient quota for nvidia.com/gpu in flavor small, previously considered podsets requests (0) + current podset request (3) > maximum capacity (1)",
    ]);
    // A workload Kueue does not admit keeps every Pod template as it was, the pod sets that fit included.
    assert.deepStrictEqual(
      tooBig.groups.map((g) => g.injected),
      [[], []],
    );
  });

  it("assigns no flavor from a resource group covering none of the requested resources", () => {
    const resources = [
      chart({}),
      flavor("gpu", pool("gpu")),
      flavor("fpga", pool("fpga")),
      clusterQueue("cq", {
        resourceGroups: [
          resourceGroup(GPU, [["gpu", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }]]),
          resourceGroup(["example.com/fpga"], [["fpga", { "example.com/fpga": "2" }]]),
        ],
      }),
      localQueue("team-queue", "cq"),
    ];
    const outcome = admit(resources, job(gpuPod("1", "1")));
    assert.deepStrictEqual([outcome.problems, outcome.flavors], [[], { ps0: "gpu" }]);
  });

  it("adds each pod set's request to what the flavor already holds for the workload (assumed usage over three pod sets)", () => {
    const resources = gpuQueue({ cpu: "64", memory: "256Gi", "nvidia.com/gpu": "5" });
    const three = workloadOf(
      "JobSet",
      ["a", "b", "c"].map((name) => ({ name, spec: gpuPod("1", "2") })),
      { queue: "team-queue" },
    );
    assert.deepStrictEqual(messages(admit(resources, three)), [
      "couldn't assign flavors to pod set c: insufficient quota for nvidia.com/gpu in flavor gpu, previously considered podsets requests (4) + current podset request (2) > maximum capacity (5)",
    ]);
  });

  it("admits a pod set that requests nothing the ClusterQueue covers without a flavor, merging nothing into it", () => {
    const workload = job({ containers: [{ name: "app", image: "app:1" }] });
    const outcome = admit(gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }), workload);
    assert.deepStrictEqual([outcome.problems, outcome.flavors], [[], {}]);
    assert.deepStrictEqual(workload.groups[0].injected, []);
    assert.strictEqual(workload.groups[0].pod.spec.tolerations, undefined);
  });

  it("counts Pods against a resource group covering pods, beside a group for the GPUs", () => {
    const resources = [
      chart({}),
      flavor("cpu-pool", pool("cpu")),
      flavor("gpu", pool("gpu")),
      clusterQueue("cq", {
        resourceGroups: [
          resourceGroup(["cpu", "memory", "pods"], [["cpu-pool", { cpu: "64", memory: "256Gi", pods: "2" }]]),
          resourceGroup(["nvidia.com/gpu"], [["gpu", { "nvidia.com/gpu": "8" }]]),
        ],
      }),
      localQueue("team-queue", "cq"),
    ];
    assert.deepStrictEqual(messages(admit(resources, job(gpuPod("1", "1"), { count: 3 }))), [
      "couldn't assign flavors to pod set ps0: insufficient quota for pods in flavor cpu-pool, previously considered podsets requests (0) + current podset request (3) > maximum capacity (2)",
    ]);
    assert.deepStrictEqual(admit(resources, job(gpuPod("1", "1"), { count: 2 })).problems, []);
  });

  it("adds the chosen flavor's node labels and tolerations to the Pod template, keeping the Pod's own (podset.go Merge)", () => {
    const spot = { key: "cloud.google.com/gke-spot", operator: "Equal", value: "true", effect: "NoSchedule" };
    const dedicated = { key: "dedicated", operator: "Exists", effect: "NoSchedule" };
    const resources = [
      chart({}),
      flavor("other", pool("other")),
      flavor("gpu", pool("gpu", { tolerations: [GPU_TOLERATION, spot] })),
      clusterQueue("cq", {
        resourceGroups: [
          resourceGroup(GPU, [
            ["other", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "0" }],
            ["gpu", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }],
          ]),
        ],
      }),
      localQueue("team-queue", "cq"),
    ];
    const workload = job(
      gpuPod("1", "1", {
        nodeSelector: { "topology.kubernetes.io/zone": "us-central1-a" },
        tolerations: [GPU_TOLERATION, dedicated],
      }),
    );
    const outcome = admit(resources, workload);
    assert.deepStrictEqual(outcome.flavors, { ps0: "gpu" });
    const spec = workload.groups[0].pod.spec;
    assert.deepStrictEqual(spec.nodeSelector, {
      "cloud.google.com/gke-nodepool": "gpu",
      "topology.kubernetes.io/zone": "us-central1-a",
    });
    assert.deepStrictEqual(spec.tolerations, [GPU_TOLERATION, dedicated, spot]);
    assert.deepStrictEqual(workload.groups[0].injected, ["flavor gpu node labels and tolerations (Kueue)"]);
    // A Pod without tolerations gets the flavor's.
    const bare = job(gpuPod("1", "1"));
    admit(resources, bare);
    assert.deepStrictEqual(bare.groups[0].pod.spec.tolerations, [GPU_TOLERATION, spot]);
    assert.strictEqual(
      workload.groups[0].pod.metadata.annotations["cluster-autoscaler.kubernetes.io/consume-provisioning-request"],
      undefined,
    );
  });

  describe("the flavor's node labels against the Pod's node selector and required node affinity, on the flavor's own keys (flavorSelector)", () => {
    const POOL = "cloud.google.com/gke-nodepool";
    const ZONE = "topology.kubernetes.io/zone";
    const twoFlavors = [
      chart({}),
      flavor("a", pool("a")),
      flavor("b", pool("b")),
      clusterQueue("cq", {
        resourceGroups: [
          resourceGroup(GPU, [
            ["a", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }],
            ["b", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }],
          ]),
        ],
      }),
      localQueue("team-queue", "cq"),
    ];
    const required = (...terms: Props[][]): Props => ({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })),
          },
        },
      },
    });
    const In = (key: string, ...values: string[]) => ({ key, operator: "In", values });
    const cases: Array<[string, Props, string | undefined]> = [
      ["a required term selecting the second flavor's pool", required([In(POOL, "b")]), "b"],
      ["terms are ORed", required([In(POOL, "x")], [In(POOL, "b")]), "b"],
      ["a term only on keys no flavor has matches any flavor", required([In(ZONE, "us-central1-a")]), "a"],
      [
        "a term emptied of the flavor's keys matches any flavor, whatever the other terms",
        required([In(POOL, "x")], [In(ZONE, "us-central1-a")]),
        "a",
      ],
      ["a term no flavor satisfies", required([In(POOL, "x")]), undefined],
      [
        "a nodeSelector key the flavor lacks is ignored",
        { nodeSelector: { [ZONE]: "us-central1-a", [POOL]: "b" } },
        "b",
      ],
      [
        "preferred node affinity is not a constraint",
        {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 1, preference: { matchExpressions: [In(POOL, "b")] } },
              ],
            },
          },
        },
        "a",
      ],
      [
        "Pod anti-affinity is not a flavor constraint",
        {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: "w" } }, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
        },
        "a",
      ],
    ];
    for (const [name, extra, chosen] of cases)
      it(`${name}: ${chosen ? `flavor ${chosen}` : "no flavor"}`, () => {
        const outcome = admit(twoFlavors, job(gpuPod("1", "1", extra)));
        if (chosen) assert.deepStrictEqual([outcome.problems, outcome.flavors], [[], { ps0: chosen }]);
        else
          assert.deepStrictEqual(messages(outcome), [
            "couldn't assign flavors to pod set ps0: flavor a doesn't match node affinity, flavor b doesn't match node affinity",
          ]);
      });
  });

  it("counts no overhead for a RuntimeClass it cannot read (handlePodOverhead logs the error and goes on)", () => {
    const resources = gpuQueue({ cpu: "2", memory: "32Gi", "nvidia.com/gpu": "4" });
    assert.deepStrictEqual(admit(resources, job(gpuPod("2", "1", { runtimeClassName: "missing" }))).problems, []);
  });

  it("admits into a flavor without a spec (Kueue's single default-flavor), adding nothing to a Pod without selector or tolerations", () => {
    const resources = [
      chart({}),
      flavor("default-flavor"),
      clusterQueue("cq", {
        resourceGroups: [resourceGroup(GPU, [["default-flavor", { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }]])],
      }),
      localQueue("team-queue", "cq"),
    ];
    const workload = job(gpuPod("1", "1"));
    assert.deepStrictEqual(admit(resources, workload).flavors, { ps0: "default-flavor" });
    assert.deepStrictEqual(workload.groups[0].pod.spec.nodeSelector ?? {}, {});
    assert.strictEqual(workload.groups[0].pod.spec.tolerations, undefined);
  });

  it("marks the Pods to consume the ProvisioningRequest where one of the ClusterQueue's checks is the provisioning controller", () => {
    const checks = [
      kueueObject("AdmissionCheck", "prov", { controllerName: "kueue.x-k8s.io/provisioning-request" }),
      kueueObject("AdmissionCheck", "other", { controllerName: "example.com/other" }),
    ];
    const annotation = (admissionChecks: string[]) => {
      const workload = job(gpuPod("1", "1"));
      const outcome = admit(
        [...gpuQueue({ cpu: "8", memory: "32Gi", "nvidia.com/gpu": "4" }, { admissionChecks }), ...checks],
        workload,
      );
      assert.deepStrictEqual(outcome.problems, []);
      return workload.groups[0].pod.metadata.annotations[
        "cluster-autoscaler.kubernetes.io/consume-provisioning-request"
      ];
    };
    // The provisioning controller names the ProvisioningRequest in this annotation (pkg/controller/admissionchecks/provisioning).
    assert.ok(annotation(["other", "prov"]));
    assert.strictEqual(annotation(["other"]), undefined);
  });
});

describe("Kueue admission: borrowing within a cohort (ClusterQueue borrowingLimit, lendingLimit; Cohort quotas)", () => {
  const member = (name: string, gpus: Quota, cohort?: Props) =>
    kueueObject("ClusterQueue", name, {
      namespaceSelector: {},
      ...(cohort ?? {}),
      resourceGroups: [resourceGroup(["nvidia.com/gpu"], [["gpu", { "nvidia.com/gpu": gpus }]])],
    });
  const cluster = (...queues: TestResource[]) => [
    chart({}),
    flavor("gpu", pool("gpu")),
    ...queues,
    localQueue("team-queue", "a"),
  ];
  const gpus = (n: string) =>
    job({ containers: [{ name: "app", image: "app:1", resources: { limits: { "nvidia.com/gpu": n } } }] });
  const capacity = (resources: TestResource[], n: string) =>
    messages(admit(resources, gpus(n)))[0]?.match(/maximum capacity \((\d+)\)/)?.[1];

  const cases: Array<[string, TestResource[], string, string | undefined]> = [
    [
      "no cohort: the nominal quota alone, whatever other queues have",
      cluster(member("a", "4"), member("b", "4")),
      "5",
      "4",
    ],
    [
      "a cohort: the other member's unused nominal quota too",
      cluster(member("a", "4", { cohortName: "pool" }), member("b", "4", { cohortName: "pool" })),
      "9",
      "8",
    ],
    [
      "a cohort: up to the whole of it",
      cluster(member("a", "4", { cohortName: "pool" }), member("b", "4", { cohortName: "pool" })),
      "8",
      undefined,
    ],
    [
      "members of another cohort lend nothing",
      cluster(member("a", "4", { cohortName: "pool" }), member("b", "4", { cohortName: "other" })),
      "5",
      "4",
    ],
    [
      "a member's lendingLimit caps what it lends",
      cluster(
        member("a", "4", { cohortName: "pool" }),
        member("b", { nominalQuota: "4", lendingLimit: "1" }, { cohortName: "pool" }),
      ),
      "6",
      "5",
    ],
    [
      "the queue's borrowingLimit caps what it borrows",
      cluster(
        member("a", { nominalQuota: "4", borrowingLimit: "2" }, { cohortName: "pool" }),
        member("b", "4", { cohortName: "pool" }),
      ),
      "7",
      "6",
    ],
    [
      "a borrowingLimit of 0 borrows nothing",
      cluster(
        member("a", { nominalQuota: "4", borrowingLimit: "0" }, { cohortName: "pool" }),
        member("b", "4", { cohortName: "pool" }),
      ),
      "5",
      "4",
    ],
    [
      "a Cohort object's own quota is lent to its members",
      cluster(
        member("a", "4", { cohortName: "pool" }),
        kueueObject("Cohort", "pool", {
          resourceGroups: [resourceGroup(["nvidia.com/gpu"], [["gpu", { "nvidia.com/gpu": "2" }]])],
        }),
      ),
      "7",
      "6",
    ],
    [
      "a member without the flavor lends nothing of it",
      cluster(
        member("a", "4", { cohortName: "pool" }),
        kueueObject("ClusterQueue", "c", {
          namespaceSelector: {},
          cohortName: "pool",
          resourceGroups: [resourceGroup(["nvidia.com/gpu"], [["other", { "nvidia.com/gpu": "8" }]])],
        }),
      ),
      "5",
      "4",
    ],
    [
      "v1beta1's spec.cohort names the cohort too",
      cluster(member("a", "4", { cohort: "pool" }), member("b", "4", { cohort: "pool" })),
      "9",
      "8",
    ],
  ];
  for (const [name, resources, request, expected] of cases)
    it(`${name}: ${request} GPUs ${expected === undefined ? "fit" : `exceed a maximum capacity of ${expected}`}`, () => {
      assert.strictEqual(capacity(resources, request), expected);
    });
});
