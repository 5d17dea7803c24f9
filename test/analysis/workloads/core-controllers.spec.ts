import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";

// @pulumi/policy's own proxy, as CrossGuard wraps resource inputs during preview (proxy.js unknownCheckingProxy).
const { unknownCheckingProxy, unknownNumberValue } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T>(value: T) => T;
  unknownNumberValue: unknown;
};

/**
 * The Pods kube-controller-manager and the kubelet create for the built-in workload kinds. Expected values from
 * kubernetes/kubernetes: pkg/apis/apps/v1/defaults.go (Deployment, StatefulSet, ReplicaSet replicas default 1),
 * pkg/apis/batch/v1/defaults.go (Job parallelism default 1; completions default to 1 only when both are unset),
 * pkg/controller/job/job_controller.go (active Pods: parallelism capped by the completions left),
 * pkg/controller/cronjob/utils.go getJobFromTemplate2 (a CronJob's Jobs carry the jobTemplate's labels),
 * pkg/controller/daemon (one Pod per eligible node).
 */
const TYPES: Record<string, string> = {
  Deployment: "kubernetes:apps/v1:Deployment",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  ReplicaSet: "kubernetes:apps/v1:ReplicaSet",
  DaemonSet: "kubernetes:apps/v1:DaemonSet",
  Job: "kubernetes:batch/v1:Job",
  CronJob: "kubernetes:batch/v1:CronJob",
  Pod: "kubernetes:core/v1:Pod",
};
const POD_SPEC = { containers: [{ name: "app", image: "app:1" }] };
const template = { metadata: { labels: { app: "web" } }, spec: POD_SPEC };
function object(
  kind: string,
  spec: JsonObject | undefined,
  labels: Record<string, string> = { team: "a" },
): TestResource {
  return {
    type: TYPES[kind],
    name: `${kind.toLowerCase()}-res`,
    inputs: {
      apiVersion: kind === "Job" || kind === "CronJob" ? "batch/v1" : kind === "Pod" ? "v1" : "apps/v1",
      kind,
      metadata: { name: "web", namespace: "team", labels },
      ...(spec ? { spec } : {}),
    },
  };
}
const derive = (resources: TestResource[]): Workload[] => deriveWorkloads(indexCluster(planOf(resources).resources));
const one = (resource: TestResource): Workload => derive([resource])[0];

describe("workload simulation: the built-in controllers' Pods (kube-controller-manager, kubelet)", () => {
  describe("how many Pods run at once", () => {
    const cases: { kind: string; spec: JsonObject; count: number }[] = [
      { kind: "Deployment", spec: { template }, count: 1 },
      { kind: "Deployment", spec: { replicas: 3, template }, count: 3 },
      { kind: "Deployment", spec: { replicas: 0, template }, count: 0 },
      { kind: "StatefulSet", spec: { template }, count: 1 },
      { kind: "StatefulSet", spec: { replicas: 2, template }, count: 2 },
      { kind: "ReplicaSet", spec: { template }, count: 1 },
      { kind: "ReplicaSet", spec: { replicas: 4, template }, count: 4 },
      { kind: "DaemonSet", spec: { template }, count: 1 },
      { kind: "Job", spec: { template }, count: 1 },
      { kind: "Job", spec: { parallelism: 3, template }, count: 3 },
      { kind: "Job", spec: { parallelism: 4, completions: 2, template }, count: 2 },
      { kind: "Job", spec: { parallelism: 2, completions: 2, template }, count: 2 },
      { kind: "Job", spec: { parallelism: 2, completions: 3, template }, count: 2 },
      { kind: "Job", spec: { completions: 5, template }, count: 1 },
      {
        kind: "CronJob",
        spec: { schedule: "* * * * *", jobTemplate: { spec: { parallelism: 2, template } } },
        count: 2,
      },
      { kind: "CronJob", spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } }, count: 1 },
      { kind: "Pod", spec: POD_SPEC, count: 1 },
    ];
    for (const c of cases) {
      it(`${c.kind} ${JSON.stringify({ ...c.spec, template: undefined, jobTemplate: undefined })}: ${c.count}`, () => {
        const [g] = one(object(c.kind, c.spec)).groups;
        assert.strictEqual(g.count, c.count);
        assert.deepStrictEqual(g.pod.spec, POD_SPEC, "the Pod template's spec");
      });
    }
  });

  it("names the controller, the Pod set and the Pods; one Pod per node for a DaemonSet", () => {
    const rows = derive(
      ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job"].map((k) => object(k, { template })),
    ).map((w) => [
      w.kind,
      w.controller,
      w.groups[0].name,
      w.groups[0].pod.metadata.name,
      w.groups[0].daemon,
      w.gang,
      w.source,
    ]);
    assert.deepStrictEqual(rows, [
      [
        "Deployment",
        "kube-controller-manager (Deployment controller)",
        "deployment",
        "web-<hash>",
        undefined,
        false,
        "declared",
      ],
      [
        "StatefulSet",
        "kube-controller-manager (StatefulSet controller)",
        "statefulset",
        "web-<hash>",
        undefined,
        false,
        "declared",
      ],
      [
        "ReplicaSet",
        "kube-controller-manager (ReplicaSet controller)",
        "replicaset",
        "web-<hash>",
        undefined,
        false,
        "declared",
      ],
      [
        "DaemonSet",
        "kube-controller-manager (DaemonSet controller)",
        "daemonset",
        "web-<hash>",
        true,
        false,
        "declared",
      ],
      ["Job", "kube-controller-manager (Job controller)", "job", "web-<hash>", undefined, false, "declared"],
    ]);
    for (const w of derive([object("Deployment", { template })])) assert.deepStrictEqual(w.groups[0].injected, []);
  });

  it("takes a bare Pod as it is: run by the kubelet, under its own name, with its own labels and spec", () => {
    const w = one(object("Pod", POD_SPEC));
    assert.strictEqual(w.controller, "kubelet");
    const [g] = w.groups;
    assert.deepStrictEqual([g.name, g.pod.metadata.name, g.pod.metadata.namespace], ["web", "web", "team"]);
    assert.deepStrictEqual(g.pod.metadata.labels, { team: "a" });
    assert.deepStrictEqual(g.pod.spec, POD_SPEC);
  });

  it("gives the Pods the template's labels, and the workload the object's and the template's (where Kueue reads the queue)", () => {
    const w = one(object("Deployment", { template }, { team: "a", "kueue.x-k8s.io/queue-name": "q" }));
    assert.deepStrictEqual(w.groups[0].pod.metadata.labels, { app: "web" });
    assert.strictEqual(w.queue, "q");
    const fromTemplate = one(
      object("Deployment", {
        template: { metadata: { labels: { "kueue.x-k8s.io/queue-name": "pods-q" } }, spec: POD_SPEC },
      }),
    );
    assert.strictEqual(fromTemplate.queue, "pods-q");
    const bare = one(object("Pod", { ...POD_SPEC }, { "kueue.x-k8s.io/queue-name": "pod-q" }));
    assert.strictEqual(bare.queue, "pod-q");
  });

  it("reads a CronJob's queue from its jobTemplate's labels, not its own (getJobFromTemplate2 copies the jobTemplate's)", () => {
    const cron = (own: Record<string, string>, jobLabels?: Record<string, string>) =>
      one(
        object(
          "CronJob",
          {
            schedule: "0 * * * *",
            jobTemplate: { ...(jobLabels ? { metadata: { labels: jobLabels } } : {}), spec: { template } },
          },
          own,
        ),
      );
    assert.strictEqual(
      cron({ "kueue.x-k8s.io/queue-name": "own" }, { "kueue.x-k8s.io/queue-name": "job" }).queue,
      "job",
    );
    assert.strictEqual(cron({ "kueue.x-k8s.io/queue-name": "own" }).queue, undefined);
    assert.deepStrictEqual(cron({}).groups[0].pod.metadata.labels, { app: "web" });
  });

  it("derives a controller without a spec or template as one empty Pod, and a CronJob without a jobTemplate too", () => {
    for (const kind of ["Deployment", "Job", "CronJob"]) {
      const [g] = one(object(kind, undefined)).groups;
      assert.strictEqual(g.count, 1, kind);
      assert.deepStrictEqual(g.pod.spec, {}, kind);
    }
  });

  it("defaults the namespace to default and the name to the resource's when the metadata leaves them out", () => {
    const w = one({
      type: TYPES.Deployment,
      name: "res-name",
      inputs: { apiVersion: "apps/v1", kind: "Deployment", spec: { template } },
    });
    assert.deepStrictEqual(
      [w.name, w.namespace, w.groups[0].pod.metadata.namespace],
      ["res-name", "default", "default"],
    );
  });

  describe("values unknown during preview (@pulumi/policy proxy.js UnknownValueError)", () => {
    const previewed = (resource: TestResource, inputs: JsonObject) => {
      const [planned] = planOf([resource]).resources;
      return deriveWorkloads(indexCluster([{ ...planned, inputs: unknownCheckingProxy(inputs) }]));
    };

    it("keeps a workload that reads an unknown value, unchecked until apply, under its name and namespace", () => {
      const resource = object("Deployment", { template });
      const [w] = previewed(resource, {
        ...(resource.inputs as JsonObject),
        spec: { replicas: unknownNumberValue, template },
      });
      assert.deepStrictEqual(
        [w.kind, w.name, w.namespace, w.source, w.gang],
        ["Deployment", "web", "team", "declared", false],
      );
      assert.strictEqual(
        w.unchecked,
        "number value at .spec.replicas can't be known during preview: checked after apply",
      );
      assert.deepStrictEqual([w.groups, w.notes, w.problems], [[], [], []]);
    });

    it("names an unknown workload after the resource and the default namespace when its metadata leaves them out", () => {
      const [w] = previewed(object("Deployment", { template }), {
        apiVersion: "apps/v1",
        kind: "Deployment",
        spec: { replicas: unknownNumberValue, template },
      });
      assert.deepStrictEqual([w.name, w.namespace], ["deployment-res", "default"]);
    });

    it("lets any other failure through", () => {
      const resource = object("Deployment", { template });
      const broken = {
        ...(resource.inputs as JsonObject),
        get spec(): JsonObject {
          throw new TypeError("not an unknown value");
        },
      };
      const [planned] = planOf([resource]).resources;
      assert.throws(() => deriveWorkloads(indexCluster([{ ...planned, inputs: broken }])), /not an unknown value/);
    });
  });
});
