import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { PodGroup, Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { K8S } from "./fixtures";

/**
 * The Pods KubeRay v1.7.0 creates for a RayCluster or a RayJob's own cluster, as the simulation derives them.
 * Expected values from ray-project/kuberay v1.7.0: ray-operator/controllers/ray/common/pod.go
 * (DefaultHeadPodTemplate, DefaultWorkerPodTemplate, BuildAutoscalerContainer, mergeAutoscalerOverrides, labelPod),
 * utils/constant.go (label keys, RayNodeHeadGroupLabelValue "headgroup"), utils/util.go
 * (GetWorkerGroupDesiredReplicas, CalculateMaxReplicas) and apis/ray/v1 (CRD defaults).
 */
const RAY_CLUSTER = "kubernetes:ray.io/v1:RayCluster";
const RAY_JOB = "kubernetes:ray.io/v1:RayJob";

const kuberay: TestResource = {
  type: K8S.chart,
  name: "kuberay",
  inputs: { chart: "kuberay-operator", version: "1.7.0", namespace: "kuberay-system", name: "kuberay-operator" },
};

const RAY_CONTAINER_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const head = (extra: JsonObject = {}): JsonObject => ({
  rayStartParams: {},
  template: {
    metadata: { labels: { team: "vision" } },
    spec: { containers: [{ name: "ray-head", image: "rayproject/ray:2.52.0" }] },
  },
  ...extra,
});
const workers = (group: JsonObject, containerExtra: JsonObject = {}, initContainers?: JsonObject[]): JsonObject => ({
  groupName: "cpu",
  rayStartParams: {},
  template: {
    spec: {
      containers: [{ name: "ray-worker", image: "rayproject/ray:2.52.0", ...containerExtra }],
      ...(initContainers ? { initContainers } : {}),
    },
  },
  ...group,
});

function rayCluster(spec: JsonObject | undefined, name = "data-prep"): TestResource {
  return {
    type: RAY_CLUSTER,
    name,
    inputs: {
      apiVersion: "ray.io/v1",
      kind: "RayCluster",
      metadata: { name, namespace: "team-vision" },
      ...(spec ? { spec } : {}),
    },
  };
}
function rayJob(spec: JsonObject | undefined, name = "etl"): TestResource {
  return {
    type: RAY_JOB,
    name,
    inputs: {
      apiVersion: "ray.io/v1",
      kind: "RayJob",
      metadata: { name, namespace: "team-vision" },
      ...(spec ? { spec } : {}),
    },
  };
}

const derive = (resources: TestResource[], name: string): Workload =>
  deriveWorkloads(indexCluster(planOf(resources).resources)).find((w) => w.name === name)!;
const group = (w: Workload, name: string): PodGroup => w.groups.find((g) => g.name === name)!;
const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);

describe("workload simulation: KubeRay v1.7.0 RayCluster and RayJob Pods (ray-operator/controllers/ray/common/pod.go)", () => {
  it("creates one head Pod labelled as KubeRay labels it (labelPod: ray.io/cluster, node-type head, group headgroup, is-ray-node yes), keeping the template's labels", () => {
    const w = derive([kuberay, rayCluster({ headGroupSpec: head(), workerGroupSpecs: [] })], "data-prep");
    assert.strictEqual(w.kind, "RayCluster");
    assert.strictEqual(w.namespace, "team-vision");
    assert.strictEqual(w.source, "declared");
    assert.deepStrictEqual(w.problems, []);
    assert.match(w.controller, /KubeRay/);
    assert.match(w.controller, /1\.7\.0/, "the chart's version");
    assert.deepStrictEqual(names(w.groups), ["head"]);
    const headGroup = group(w, "head");
    assert.strictEqual(headGroup.count, 1);
    assert.deepStrictEqual(headGroup.injected, [], "no autoscaler without enableInTreeAutoscaling");
    assert.deepStrictEqual(names(headGroup.pod.spec.containers), ["ray-head"]);
    assert.strictEqual(headGroup.pod.metadata.namespace, "team-vision");
    assert.match(
      headGroup.pod.metadata.name,
      /^data-prep-head/,
      "DefaultHeadPodTemplate's GenerateName <cluster>-head-",
    );
    assert.deepStrictEqual(headGroup.pod.metadata.labels, {
      team: "vision",
      "ray.io/cluster": "data-prep",
      "ray.io/node-type": "head",
      "ray.io/group": "headgroup",
      "ray.io/is-ray-node": "yes",
    });
    assert.ok(
      w.notes.some((n) => /kuberay v1\.7\.0/.test(n)),
      "cites the KubeRay version the Pods are modelled on",
    );
  });

  it("is a gang: Kueue admits a RayCluster's head and workers as one Workload (kueue pkg/controller/jobs/raycluster)", () => {
    const w = derive([kuberay, rayCluster({ headGroupSpec: head() })], "data-prep");
    assert.strictEqual(w.gang, true);
  });

  it("adds the autoscaler sidecar after the Ray container with enableInTreeAutoscaling (BuildAutoscalerContainer: 500m and 512Mi, requests = limits)", () => {
    const w = derive([kuberay, rayCluster({ enableInTreeAutoscaling: true, headGroupSpec: head() })], "data-prep");
    const headGroup = group(w, "head");
    assert.deepStrictEqual(names(headGroup.pod.spec.containers), ["ray-head", "autoscaler"]);
    assert.deepStrictEqual(headGroup.pod.spec.containers[1].resources, {
      requests: { cpu: "500m", memory: "512Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    });
    assert.strictEqual(headGroup.pod.spec.containers[1].securityContext, undefined);
    assert.strictEqual(headGroup.injected.length, 1);
    assert.match(headGroup.injected[0], /autoscaler/);
  });

  it("takes autoscalerOptions' resources and securityContext over the defaults (mergeAutoscalerOverrides replaces them whole)", () => {
    const resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } };
    const securityContext = { runAsNonRoot: true, allowPrivilegeEscalation: false };
    const w = derive(
      [
        kuberay,
        rayCluster({
          enableInTreeAutoscaling: true,
          autoscalerOptions: { resources, securityContext },
          headGroupSpec: head(),
        }),
      ],
      "data-prep",
    );
    const autoscaler = group(w, "head").pod.spec.containers[1];
    assert.strictEqual(autoscaler.name, "autoscaler");
    assert.deepStrictEqual(autoscaler.resources, resources);
    assert.deepStrictEqual(autoscaler.securityContext, securityContext);
  });

  it("adds no autoscaler when enableInTreeAutoscaling is false, and an autoscaler alone when the head template has no containers", () => {
    const off = derive([kuberay, rayCluster({ enableInTreeAutoscaling: false, headGroupSpec: head() })], "data-prep");
    assert.deepStrictEqual(names(group(off, "head").pod.spec.containers), ["ray-head"]);
    const bare = derive(
      [kuberay, rayCluster({ enableInTreeAutoscaling: true, headGroupSpec: { template: { spec: {} } } })],
      "data-prep",
    );
    assert.deepStrictEqual(names(group(bare, "head").pod.spec.containers), ["autoscaler"]);
  });

  it("gives each worker Pod the wait-gcs-ready init container after the template's own, 200m and 256Mi, with the Ray container's securityContext (DefaultWorkerPodTemplate)", () => {
    const w = derive(
      [
        kuberay,
        rayCluster({
          headGroupSpec: head(),
          workerGroupSpecs: [
            workers({ replicas: 2 }, { securityContext: RAY_CONTAINER_SC }, [{ name: "fetch-data", image: "busybox" }]),
          ],
        }),
      ],
      "data-prep",
    );
    const cpu = group(w, "cpu");
    assert.deepStrictEqual(names(cpu.pod.spec.containers), ["ray-worker"]);
    assert.deepStrictEqual(names(cpu.pod.spec.initContainers), ["fetch-data", "wait-gcs-ready"]);
    const wait = cpu.pod.spec.initContainers[1];
    assert.deepStrictEqual(wait.resources, {
      requests: { cpu: "200m", memory: "256Mi" },
      limits: { cpu: "200m", memory: "256Mi" },
    });
    assert.deepStrictEqual(wait.securityContext, RAY_CONTAINER_SC);
    assert.strictEqual(cpu.injected.length, 1);
    assert.match(cpu.injected[0], /wait-gcs-ready/);
    assert.match(cpu.pod.metadata.name, /^data-prep-cpu-worker/, "GenerateName <cluster>-<group>-worker-");
    assert.deepStrictEqual(cpu.pod.metadata.labels, {
      "ray.io/cluster": "data-prep",
      "ray.io/node-type": "worker",
      "ray.io/group": "cpu",
      "ray.io/is-ray-node": "yes",
    });
  });

  it("gives wait-gcs-ready no securityContext when the Ray container has none, and still injects it into a template without containers", () => {
    const w = derive(
      [
        kuberay,
        rayCluster({
          headGroupSpec: head(),
          workerGroupSpecs: [workers({ groupName: "plain", replicas: 1 }), { groupName: "empty", replicas: 1 }],
        }),
      ],
      "data-prep",
    );
    const plainWait = group(w, "plain").pod.spec.initContainers[0];
    assert.strictEqual(plainWait.name, "wait-gcs-ready");
    assert.strictEqual("securityContext" in plainWait, false);
    assert.deepStrictEqual(names(group(w, "empty").pod.spec.initContainers), ["wait-gcs-ready"]);
  });

  describe("worker counts (utils/util.go GetWorkerGroupDesiredReplicas and CalculateMaxReplicas)", () => {
    const cases: { title: string; spec: JsonObject; count: number; maxCount?: number }[] = [
      {
        title: "replicas within [min, max]",
        spec: { replicas: 2, minReplicas: 1, maxReplicas: 4 },
        count: 2,
        maxCount: 4,
      },
      {
        title: "replicas equal to minReplicas",
        spec: { replicas: 1, minReplicas: 1, maxReplicas: 4 },
        count: 1,
        maxCount: 4,
      },
      {
        title: "replicas equal to maxReplicas",
        spec: { replicas: 4, minReplicas: 1, maxReplicas: 4 },
        count: 4,
        maxCount: 4,
      },
      {
        title: "replicas below minReplicas: raised to min",
        spec: { replicas: 1, minReplicas: 3, maxReplicas: 5 },
        count: 3,
        maxCount: 5,
      },
      {
        title: "replicas above maxReplicas: capped at max",
        spec: { replicas: 6, minReplicas: 0, maxReplicas: 5 },
        count: 5,
        maxCount: 5,
      },
      {
        title: "replicas unset (CRD default 0): minReplicas",
        spec: { minReplicas: 2, maxReplicas: 5 },
        count: 2,
        maxCount: 5,
      },
      { title: "nothing set: no Pods, no bound", spec: {}, count: 0 },
      {
        title: "numOfHosts multiplies replicas and max",
        spec: { replicas: 2, maxReplicas: 3, numOfHosts: 4 },
        count: 8,
        maxCount: 12,
      },
      { title: "numOfHosts with minReplicas", spec: { minReplicas: 1, numOfHosts: 2 }, count: 2 },
      {
        title: "a suspended group has no Pods",
        spec: { replicas: 3, minReplicas: 1, maxReplicas: 4, suspend: true },
        count: 0,
        maxCount: 0,
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const w = derive(
          [kuberay, rayCluster({ headGroupSpec: head(), workerGroupSpecs: [workers(c.spec)] })],
          "data-prep",
        );
        const cpu = group(w, "cpu");
        assert.strictEqual(cpu.count, c.count);
        assert.strictEqual(cpu.maxCount, c.maxCount);
        assert.strictEqual("maxCount" in cpu, c.maxCount !== undefined);
      });
    }
  });

  it("reports a RayCluster without the KubeRay operator, naming the object and the fix", () => {
    const w = derive([rayCluster({ headGroupSpec: head() })], "data-prep");
    assert.match(w.controller, /not installed/);
    assert.strictEqual(w.problems.length, 1);
    const [problem] = w.problems;
    assert.strictEqual(problem.step, "Controller");
    assert.match(problem.message, /kuberay-operator/);
    assert.match(problem.message, /RayCluster team-vision\/data-prep/);
    assert.match(problem.fix, /install KubeRay/);
    assert.match(problem.source, /kuberay/);
  });

  it("derives a RayCluster without a spec as a head Pod of nothing, without failing", () => {
    const w = derive([kuberay, rayCluster(undefined)], "data-prep");
    assert.deepStrictEqual(names(w.groups), ["head"]);
    assert.deepStrictEqual(w.groups[0].pod.spec, {});
  });

  describe("RayJob (apis/ray/v1/rayjob_types.go submissionMode, default K8sJobMode)", () => {
    const cluster = { headGroupSpec: head(), workerGroupSpecs: [workers({ replicas: 2 })] };
    it("derives the Pods of its rayClusterSpec, and reports it without KubeRay by kind", () => {
      const w = derive([kuberay, rayJob({ rayClusterSpec: cluster, submissionMode: "HTTPMode" })], "etl");
      assert.strictEqual(w.kind, "RayJob");
      assert.deepStrictEqual(names(w.groups), ["head", "cpu"]);
      assert.strictEqual(group(w, "cpu").count, 2);
      assert.strictEqual(group(w, "head").pod.metadata.labels["ray.io/cluster"], "etl");
      const missing = derive([rayJob({ rayClusterSpec: cluster })], "etl");
      assert.match(missing.problems[0].message, /RayJob team-vision\/etl/);
    });

    const modes: { mode?: string; submitter: boolean }[] = [
      { mode: undefined, submitter: true },
      { mode: "K8sJobMode", submitter: true },
      { mode: "SidecarMode", submitter: true },
      { mode: "HTTPMode", submitter: false },
      { mode: "InteractiveMode", submitter: false },
    ];
    for (const { mode, submitter } of modes) {
      it(`${mode ?? "no submissionMode (K8sJobMode)"}: ${submitter ? "notes the submitter it does not model" : "no submitter"}`, () => {
        const w = derive(
          [kuberay, rayJob({ rayClusterSpec: cluster, ...(mode ? { submissionMode: mode } : {}) })],
          "etl",
        );
        const notes = w.notes.filter((n) => /submitter/.test(n));
        assert.strictEqual(notes.length, submitter ? 1 : 0);
        if (submitter) assert.match(notes[0], new RegExp(mode ?? "K8sJobMode"));
      });
    }

    it("notes a clusterSelector (the job runs on an existing RayCluster), but not an empty one", () => {
      const selected = derive(
        [kuberay, rayJob({ clusterSelector: { "ray.io/cluster": "shared" }, submissionMode: "HTTPMode" })],
        "etl",
      );
      assert.ok(selected.notes.some((n) => /clusterSelector.*existing RayCluster/.test(n)));
      const empty = derive(
        [kuberay, rayJob({ clusterSelector: {}, rayClusterSpec: cluster, submissionMode: "HTTPMode" })],
        "etl",
      );
      assert.ok(!empty.notes.some((n) => /clusterSelector/.test(n)));
    });

    it("derives a RayJob without a spec or rayClusterSpec without failing", () => {
      for (const spec of [undefined, { submissionMode: "HTTPMode" }]) {
        const w = derive([kuberay, rayJob(spec)], "etl");
        assert.deepStrictEqual(names(w.groups), ["head"]);
      }
    });
  });
});
