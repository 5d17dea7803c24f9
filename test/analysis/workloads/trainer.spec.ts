import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { K8S } from "./fixtures";

/**
 * The Pods Kubeflow Trainer v2.3.0 creates for a TrainJob. Expected values from kubeflow/trainer tag v2.3.0:
 * pkg/runtime/core/trainingruntime.go (errorNotFoundSpecifiedTrainingRuntime; newRuntimeInfo: a replicated job's
 * count is its parallelism (default 1), the trainer's the ML policy's numNodes (default 1); resourcesPerNode merged
 * into the trainer's `node` container only with an ML policy), plugins/plainml and plugins/torch (trainer.numNodes
 * overrides the count), plugins/jobset/builder.go Trainer (image, command, args of the `node` container),
 * pkg/util/trainingruntime MergeResourceRequirements (strategic merge), and charts/kubeflow-trainer/values.yaml
 * (runtimes.defaultEnabled, runtimes.<name>.enabled).
 */
const ANCESTOR = "trainer.kubeflow.org/trainjob-ancestor-step";
const chart = (version = "2.3.0", values?: JsonObject): TestResource => ({
  type: K8S.chart,
  name: "trainer",
  inputs: {
    chart: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer",
    version,
    namespace: "kubeflow-system",
    name: "kubeflow-trainer",
    ...(values ? { values } : {}),
  },
});
const rJob = (name: string, ancestor: string | undefined, podSpec: JsonObject, extra: JsonObject = {}): JsonObject => ({
  name,
  template: {
    ...(ancestor ? { metadata: { labels: { [ANCESTOR]: ancestor } } } : {}),
    spec: {
      ...(extra.parallelism !== undefined ? { parallelism: extra.parallelism } : {}),
      template: { spec: podSpec },
    },
  },
  ...(extra.dependsOn ? { dependsOn: extra.dependsOn } : {}),
});
const NODE = { name: "node", image: "runtime:1", resources: { requests: { cpu: "2", memory: "8Gi" } } };
function runtime(
  name: string,
  options: { kind?: string; namespace?: string; mlPolicy?: JsonObject | null; jobs?: JsonObject[] } = {},
): TestResource {
  const kind = options.kind ?? "ClusterTrainingRuntime";
  return {
    type: kind === "TrainingRuntime" ? "kubernetes:trainer.kubeflow.org/v1alpha1:TrainingRuntime" : K8S.runtime,
    name: `rt-${name}`,
    inputs: {
      apiVersion: "trainer.kubeflow.org/v1alpha1",
      kind,
      metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}) },
      spec: {
        ...(options.mlPolicy === null ? {} : { mlPolicy: options.mlPolicy ?? { numNodes: 2, torch: {} } }),
        template: { spec: { replicatedJobs: options.jobs ?? [rJob("node", "trainer", { containers: [NODE] })] } },
      },
    },
  };
}
function trainJob(runtimeRef: JsonObject, trainer?: JsonObject, extra: JsonObject = {}): TestResource {
  return {
    type: K8S.trainJob,
    name: "train",
    inputs: {
      apiVersion: "trainer.kubeflow.org/v1alpha1",
      kind: "TrainJob",
      metadata: { name: "train", namespace: "team" },
      spec: { runtimeRef, ...(trainer ? { trainer } : {}), ...extra },
    },
  };
}
const derive = (resources: TestResource[]): Workload =>
  deriveWorkloads(indexCluster(planOf(resources).resources)).find((w) => w.kind === "TrainJob")!;
const counts = (w: Workload) => w.groups.map((g) => [g.name, g.count]);

describe("workload simulation: Kubeflow Trainer v2.3.0 TrainJob Pods (kubeflow/trainer v2.3.0)", () => {
  it("names the chart's version, is a gang, and takes a declared ClusterTrainingRuntime", () => {
    const w = derive([chart(), runtime("torch"), trainJob({ name: "torch" })]);
    assert.match(w.controller, /Kubeflow Trainer 2\.3\.0/);
    assert.strictEqual(w.gang, true);
    assert.strictEqual(w.source, "declared");
    assert.deepStrictEqual(w.problems, []);
    assert.ok(!w.notes.some((n) => /modelled as/.test(n)), "no note for the modelled version");
    assert.ok(w.notes.some((n) => /ClusterTrainingRuntime torch/.test(n) && !/installed by the/.test(n)));
    const [g] = w.groups;
    assert.deepStrictEqual(g.injected, []);
    assert.strictEqual(g.pod.metadata.namespace, "team");
    assert.match(
      g.pod.metadata.name,
      /^train-node-0-0/,
      "JobSet Pod name <jobset>-<replicatedJob>-<job index>-<pod index>",
    );
  });

  it("notes a chart version other than 2.3.0, naming it", () => {
    const w = derive([chart("2.2.0"), runtime("torch"), trainJob({ name: "torch" })]);
    assert.ok(
      w.notes.some((n) => /2\.2\.0/.test(n) && /2\.3\.0/.test(n)),
      w.notes.join("; "),
    );
  });

  it("reports a TrainJob without Kubeflow Trainer, naming the object and the fix, and still derives its runtime's Pods", () => {
    const w = derive([runtime("torch"), trainJob({ name: "torch" })]);
    assert.match(w.controller, /not installed/);
    const [problem] = w.problems;
    assert.strictEqual(problem.step, "Controller");
    assert.match(problem.message, /kubeflow-trainer/);
    assert.match(problem.message, /TrainJob team\/train/);
    assert.match(problem.fix, /install Kubeflow Trainer/);
    assert.match(problem.source, /kubeflow\/trainer/);
    assert.deepStrictEqual(counts(w), [["node", 2]]);
  });

  describe("finding the runtime (trainingruntime.go; the chart's runtimes values)", () => {
    const cases: { title: string; resources: TestResource[]; ref: JsonObject; found: boolean; fromChart?: boolean }[] =
      [
        {
          title: "a TrainingRuntime in the TrainJob's namespace",
          resources: [chart(), runtime("local", { kind: "TrainingRuntime", namespace: "team" })],
          ref: { name: "local", kind: "TrainingRuntime" },
          found: true,
        },
        {
          title: "not a TrainingRuntime in another namespace",
          resources: [chart(), runtime("local", { kind: "TrainingRuntime", namespace: "other" })],
          ref: { name: "local", kind: "TrainingRuntime" },
          found: false,
        },
        {
          title: "not a ClusterTrainingRuntime when the ref names a TrainingRuntime",
          resources: [chart(), runtime("torch")],
          ref: { name: "torch", kind: "TrainingRuntime" },
          found: false,
        },
        {
          title: "the chart's torch-distributed with runtimes.defaultEnabled",
          resources: [chart("2.3.0", { runtimes: { defaultEnabled: true } })],
          ref: { name: "torch-distributed" },
          found: true,
          fromChart: true,
        },
        {
          title: "the chart's torch-distributed with runtimes.torchDistributed.enabled",
          resources: [chart("2.3.0", { runtimes: { torchDistributed: { enabled: true } } })],
          ref: { name: "torch-distributed", kind: "ClusterTrainingRuntime" },
          found: true,
          fromChart: true,
        },
        {
          title: "not the chart's torch-distributed when neither is set (the chart's defaults)",
          resources: [chart("2.3.0", { runtimes: { defaultEnabled: false, torchDistributed: { enabled: false } } })],
          ref: { name: "torch-distributed" },
          found: false,
        },
        {
          title: "not the chart's torch-distributed without values",
          resources: [chart()],
          ref: { name: "torch-distributed" },
          found: false,
        },
        {
          title: "not the chart's runtime as a namespaced TrainingRuntime",
          resources: [chart("2.3.0", { runtimes: { defaultEnabled: true } })],
          ref: { name: "torch-distributed", kind: "TrainingRuntime" },
          found: false,
        },
        {
          title: "not a name the chart does not install",
          resources: [chart("2.3.0", { runtimes: { defaultEnabled: true } })],
          ref: { name: "my-runtime" },
          found: false,
        },
      ];
    for (const c of cases) {
      it(`${c.title}: ${c.found ? "found" : "not found"}`, () => {
        const w = derive([...c.resources, trainJob(c.ref)]);
        assert.strictEqual(w.groups.length > 0, c.found);
        assert.strictEqual(w.problems.length, c.found ? 0 : 1);
        if (c.found)
          assert.strictEqual(
            w.notes.some((n) => /installed by the kubeflow-trainer chart/.test(n)),
            !!c.fromChart,
          );
      });
    }

    it("names the runtime kind and name, and the fix, when it is not found", () => {
      const w = derive([chart(), trainJob({ name: "missing", kind: "TrainingRuntime" })]);
      assert.strictEqual(
        w.problems[0].message,
        "TrainingRuntime specified in TrainJob is not found: TrainingRuntime missing",
      );
      assert.match(w.problems[0].fix, /declare the TrainingRuntime missing/);
      assert.match(w.problems[0].source, /trainingruntime\.go/);
      const defaulted = derive([chart(), trainJob({ name: "missing" })]);
      assert.match(defaulted.problems[0].fix, /declare the ClusterTrainingRuntime missing/);
      const unnamed = derive([chart(), trainJob({})]);
      assert.match(unnamed.problems[0].message, /ClusterTrainingRuntime \(none\)/);
    });
  });

  describe("Pod counts (newRuntimeInfo; plainml/torch EnforceMLPolicy)", () => {
    const initializer = rJob(
      "dataset-initializer",
      "dataset-initializer",
      { containers: [{ name: "dataset-initializer" }] },
      { parallelism: 2 },
    );
    const trainerJob = (parallelism?: number) =>
      rJob(
        "node",
        "trainer",
        { containers: [NODE] },
        { parallelism, dependsOn: [{ name: "dataset-initializer", status: "Complete" }] },
      );
    const cases: {
      title: string;
      mlPolicy?: JsonObject | null;
      numNodes?: number;
      parallelism?: number;
      expected: [string, number][];
    }[] = [
      {
        title: "the ML policy's numNodes",
        mlPolicy: { numNodes: 3, torch: {} },
        expected: [
          ["dataset-initializer", 2],
          ["node", 3],
        ],
      },
      {
        title: "an ML policy without numNodes: 1",
        mlPolicy: { torch: {} },
        parallelism: 4,
        expected: [
          ["dataset-initializer", 2],
          ["node", 1],
        ],
      },
      {
        title: "no ML policy: the trainer job's parallelism",
        mlPolicy: null,
        parallelism: 4,
        expected: [
          ["dataset-initializer", 2],
          ["node", 4],
        ],
      },
      {
        title: "trainer.numNodes over the ML policy, for the trainer only",
        mlPolicy: { numNodes: 3, torch: {} },
        numNodes: 5,
        expected: [
          ["dataset-initializer", 2],
          ["node", 5],
        ],
      },
      {
        title: "trainer.numNodes without an ML policy",
        mlPolicy: null,
        numNodes: 6,
        parallelism: 4,
        expected: [
          ["dataset-initializer", 2],
          ["node", 6],
        ],
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const w = derive([
          chart(),
          runtime("rt", { mlPolicy: c.mlPolicy, jobs: [initializer, trainerJob(c.parallelism)] }),
          trainJob({ name: "rt" }, c.numNodes !== undefined ? { numNodes: c.numNodes } : undefined),
        ]);
        assert.deepStrictEqual(counts(w), c.expected);
        assert.deepStrictEqual(
          w.groups.map((g) => !!g.sequential),
          [true, false],
          "the initializer the trainer depends on runs first",
        );
      });
    }

    it("counts a job without a label or parallelism as one Pod, and a job without a template as one empty Pod", () => {
      const w = derive([
        chart(),
        runtime("rt", { jobs: [rJob("launcher", undefined, { containers: [{ name: "node" }] }), { name: "bare" }] }),
        trainJob({ name: "rt" }, { numNodes: 4, image: "mine:1" }),
      ]);
      assert.deepStrictEqual(counts(w), [
        ["launcher", 1],
        ["bare", 1],
      ]);
      assert.strictEqual(w.groups[0].pod.spec.containers[0].image, undefined, "not the trainer: no TrainJob image");
      assert.deepStrictEqual(w.groups[1].pod.spec, {});
    });
  });

  describe("the trainer's node container (builder.go Trainer; MergeResourceRequirements)", () => {
    it("takes the TrainJob's image, command and args, and merges resourcesPerNode key by key", () => {
      const w = derive([
        chart(),
        runtime("rt", {
          jobs: [
            rJob("node", "trainer", {
              containers: [
                { ...NODE, command: ["torchrun"], args: ["a"] },
                { name: "sidecar", image: "s:1" },
              ],
            }),
          ],
        }),
        trainJob(
          { name: "rt" },
          {
            image: "mine:1",
            command: ["python"],
            args: ["train.py"],
            resourcesPerNode: { requests: { cpu: "4" }, limits: { "nvidia.com/gpu": "1" } },
          },
        ),
      ]);
      const [node, sidecar] = w.groups[0].pod.spec.containers;
      assert.deepStrictEqual(node, {
        name: "node",
        image: "mine:1",
        command: ["python"],
        args: ["train.py"],
        resources: { requests: { cpu: "4", memory: "8Gi" }, limits: { "nvidia.com/gpu": "1" } },
      });
      assert.deepStrictEqual(sidecar, { name: "sidecar", image: "s:1" }, "only the node container");
    });

    it("keeps the runtime's image, command and args when the TrainJob sets none", () => {
      const w = derive([
        chart(),
        runtime("rt", {
          jobs: [rJob("node", "trainer", { containers: [{ ...NODE, command: ["torchrun"], args: ["a"] }] })],
        }),
        trainJob({ name: "rt" }, { numNodes: 1 }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers[0], { ...NODE, command: ["torchrun"], args: ["a"] });
    });

    it("gives resourcesPerNode to a node container without resources", () => {
      const w = derive([
        chart(),
        runtime("rt", { jobs: [rJob("node", "trainer", { containers: [{ name: "node" }] })] }),
        trainJob({ name: "rt" }, { resourcesPerNode: { limits: { "nvidia.com/gpu": "2" } } }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers[0].resources, { limits: { "nvidia.com/gpu": "2" } });
    });

    it("ignores resourcesPerNode when the runtime has no ML policy (isTrainerAncestor needs one)", () => {
      const w = derive([
        chart(),
        runtime("rt", { mlPolicy: null }),
        trainJob({ name: "rt" }, { image: "mine:1", resourcesPerNode: { limits: { "nvidia.com/gpu": "2" } } }),
      ]);
      const node = w.groups[0].pod.spec.containers[0];
      assert.strictEqual(node.image, "mine:1");
      assert.deepStrictEqual(node.resources, NODE.resources);
    });

    it("changes nothing in a trainer job without a node container", () => {
      const w = derive([
        chart(),
        runtime("rt", { jobs: [rJob("node", "trainer", { containers: [{ name: "main", image: "m:1" }] })] }),
        trainJob({ name: "rt" }, { image: "mine:1", resourcesPerNode: { limits: { cpu: "1" } } }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers, [{ name: "main", image: "m:1" }]);
    });
  });

  describe("runtime patches (trainingruntime.go mergeRuntimePatches)", () => {
    it("skips a patch without trainingRuntimeSpec.template.spec, and applies the next in order", () => {
      const patch = (nodeSelector: JsonObject) => ({
        manager: "m",
        trainingRuntimeSpec: {
          template: {
            spec: { replicatedJobs: [{ name: "node", template: { spec: { template: { spec: { nodeSelector } } } } }] },
          },
        },
      });
      const w = derive([
        chart(),
        runtime("rt"),
        trainJob({ name: "rt" }, undefined, {
          runtimePatches: [
            { manager: "empty" },
            { manager: "meta", trainingRuntimeSpec: { template: { metadata: { labels: { a: "b" } } } } },
            patch({ pool: "a" }),
            patch({ zone: "z" }),
          ],
        }),
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.nodeSelector, { pool: "a", zone: "z" });
      assert.deepStrictEqual(w.groups[0].pod.spec.containers, [NODE]);
    });
  });
});
