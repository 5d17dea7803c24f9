import * as assert from "node:assert";
import { admitPriority, priorityClasses } from "../../../policies/lib/analysis/workloads/admission/priority";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import type { PodObject, Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * The Priority admission plugin. Source: kubernetes plugin/pkg/admission/priority/admission.go
 * (admitPod: a Pod without priorityClassName, len == 0, gets the global default's name; a name no
 * PriorityClass has is refused with "no PriorityClass with name %v was found"; getDefaultPriorityClass:
 * of several global defaults, the lowest value) and pkg/apis/scheduling/types.go (the built-in
 * system-cluster-critical 2000000000 and system-node-critical 2000001000).
 */
const priorityClass = (name: string, value: number, globalDefault?: boolean) => ({
  urn: `urn:pulumi:dev::cnai::kubernetes:scheduling.k8s.io/v1:PriorityClass::${name}`,
  type: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
  inputs: {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name },
    value,
    ...(globalDefault === undefined ? {} : { globalDefault }),
  },
});
const podOf = (spec: Props): PodObject => ({
  metadata: { name: "p", namespace: "team", labels: {}, annotations: {} },
  spec: { containers: [{ name: "app" }], ...spec },
});

describe("Priority admission (kubernetes plugin/pkg/admission/priority/admission.go)", () => {
  it("knows the built-in classes and the declared ones with their values", () => {
    const classes = priorityClasses(
      indexCluster([priorityClass("batch-high", 1000), priorityClass("batch-low", 100, false)]),
    );
    assert.deepStrictEqual(Object.fromEntries(classes.byName), {
      "system-cluster-critical": 2000000000,
      "system-node-critical": 2000001000,
      "batch-high": 1000,
      "batch-low": 100,
    });
    assert.strictEqual(classes.globalDefault, undefined);
  });

  it("takes the global default with the lowest value when several are declared (getDefaultPriorityClass)", () => {
    for (const order of [
      [priorityClass("a", 50, true), priorityClass("b", 10, true), priorityClass("c", 30, true)],
      [priorityClass("b", 10, true), priorityClass("a", 50, true)],
    ])
      assert.strictEqual(priorityClasses(indexCluster(order)).globalDefault, "b");
  });

  it("gives a Pod without a class, or with an empty one, the global default's name; leaves it without one otherwise", () => {
    const withDefault = priorityClasses(indexCluster([priorityClass("normal", 0, true)]));
    for (const spec of [{}, { priorityClassName: "" }]) {
      const pod = podOf(spec);
      assert.strictEqual(admitPriority(pod, withDefault, "g"), undefined);
      assert.strictEqual(pod.spec.priorityClassName, "normal");
    }
    const none = priorityClasses(indexCluster([]));
    const pod = podOf({});
    assert.strictEqual(admitPriority(pod, none, "g"), undefined);
    assert.deepStrictEqual(pod.spec, podOf({}).spec, "no global default: the Pod is left as it is");
  });

  it("admits a Pod naming a built-in or declared class as it is", () => {
    const classes = priorityClasses(indexCluster([priorityClass("normal", 0, true), priorityClass("batch", 10)]));
    for (const name of ["system-node-critical", "batch"]) {
      const pod = podOf({ priorityClassName: name });
      assert.strictEqual(admitPriority(pod, classes, "g"), undefined);
      assert.strictEqual(pod.spec.priorityClassName, name);
    }
  });

  it("refuses a Pod naming a class that does not exist, and lists those that do", () => {
    const classes = priorityClasses(indexCluster([priorityClass("batch", 10)]));
    const problem = admitPriority(podOf({ priorityClassName: "batch-high" }), classes, "g");
    assert.deepStrictEqual(
      [problem?.pod, problem?.step, problem?.message],
      ["g", "Priority", "no PriorityClass with name batch-high was found"],
    );
    assert.strictEqual(
      problem?.fix,
      "declare PriorityClass batch-high (scheduling.k8s.io/v1), or use one of system-cluster-critical, system-node-critical, batch",
    );
    assert.match(problem!.source, /priority\/admission\.go/);
  });
});
