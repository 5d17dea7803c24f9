import * as assert from "node:assert";
import {
  admitRuntimeClass,
  type RuntimeClassFacts,
  runtimeClasses,
} from "../../../policies/lib/analysis/workloads/admission/runtime-class";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import type { PodObject, Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * The RuntimeClass admission plugin, unit by unit. Source: kubernetes
 * plugin/pkg/admission/runtimeclass/admission.go: prepareObjects (`pod rejected: RuntimeClass %q not
 * found`), setOverhead / validateOverhead (apiequality.Semantic.DeepEqual of the ResourceLists; the
 * two rejection strings), setScheduling (the conflict string; the class's node selector joins the
 * Pod's; tolerations.MergeTolerations). GKE Sandbox's class: GKE docs "Harden workload isolation
 * with GKE Sandbox" (RuntimeClass gvisor: nodeSelector and toleration sandbox.gke.io/runtime=gvisor).
 */
const podOf = (spec: Props): PodObject => ({
  metadata: { name: "p", namespace: "team", labels: {}, annotations: {} },
  spec: { containers: [{ name: "app" }], ...spec },
});
const facts = (extra: Partial<RuntimeClassFacts> = {}): RuntimeClassFacts => ({
  nodeSelector: {},
  tolerations: [],
  source: "declared",
  ...extra,
});
const admit = (spec: Props, classes: Record<string, RuntimeClassFacts>) => {
  const pod = podOf(spec);
  const problem = admitRuntimeClass(pod, new Map(Object.entries(classes)), "g");
  return { pod, problem };
};
const NOT_MATCHING = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
const WITHOUT_CLASS = "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead";

describe("RuntimeClass admission (kubernetes plugin/pkg/admission/runtimeclass/admission.go)", () => {
  describe("overhead (setOverhead, validateOverhead)", () => {
    it("admits a Pod without a class and without overhead, or with an empty overhead (len == 0), unchanged", () => {
      for (const spec of [{}, { overhead: {} }]) {
        const { pod, problem } = admit(spec, {});
        assert.strictEqual(problem, undefined);
        assert.deepStrictEqual(pod.spec, podOf(spec).spec);
      }
    });

    it("takes a null runtimeClassName as none (prepareObjects: RuntimeClassName == nil)", () => {
      assert.strictEqual(admit({ runtimeClassName: null }, {}).problem, undefined);
      assert.strictEqual(admit({ runtimeClassName: null, overhead: { cpu: "1" } }, {}).problem?.message, WITHOUT_CLASS);
    });

    it("refuses a Pod that sets overhead without a class, or with a class that defines none", () => {
      const none = admit({ overhead: { cpu: "1" } }, {});
      assert.deepStrictEqual(
        [none.problem?.pod, none.problem?.step, none.problem?.message],
        ["g", "RuntimeClass", WITHOUT_CLASS],
      );
      assert.match(none.problem!.fix, /remove spec\.overhead/);
      assert.match(none.problem!.source, /runtimeclass\/admission\.go/);
      const plain = admit({ runtimeClassName: "runc", overhead: { cpu: "1" } }, { runc: facts() });
      assert.strictEqual(plain.problem?.message, WITHOUT_CLASS);
      assert.match(plain.problem!.fix, /remove spec\.overhead/);
    });

    it("sets the class's overhead on a Pod without one, and admits one that sets the same quantities", () => {
      const kata = { kata: facts({ overhead: { cpu: "250m", memory: "160Mi" } }) };
      const { pod, problem } = admit({ runtimeClassName: "kata" }, kata);
      assert.strictEqual(problem, undefined);
      assert.deepStrictEqual(pod.spec.overhead, { cpu: "250m", memory: "160Mi" });
      // Semantic equality compares quantities, not strings (Quantity.Cmp), and maps whatever their key order.
      const reordered = { kata: facts({ overhead: { memory: "160Mi", cpu: "250m" } }) };
      assert.strictEqual(
        admit({ runtimeClassName: "kata", overhead: { cpu: "250m", memory: "160Mi" } }, reordered).problem,
        undefined,
      );
      assert.strictEqual(
        admit({ runtimeClassName: "kata", overhead: { memory: "160Mi", cpu: "0.25" } }, kata).problem,
        undefined,
      );
    });

    it("refuses a Pod whose overhead differs from the class's: another value, a missing or an extra resource", () => {
      const kata = { kata: facts({ overhead: { cpu: "250m", memory: "160Mi" } }) };
      for (const overhead of [
        { cpu: "251m", memory: "160Mi" },
        { cpu: "250m" },
        { cpu: "250m", memory: "160Mi", "nvidia.com/gpu": "1" },
      ]) {
        const { problem } = admit({ runtimeClassName: "kata", overhead }, kata);
        assert.strictEqual(problem?.message, NOT_MATCHING, JSON.stringify(overhead));
        assert.match(problem!.fix, /remove spec\.overhead: the RuntimeClass sets it/);
      }
    });
  });

  describe("prepareObjects: a class that does not exist", () => {
    it("refuses the Pod, naming the class, and offers the classes that exist", () => {
      const { problem } = admit({ runtimeClassName: "kata" }, { gvisor: facts(), runc: facts() });
      assert.strictEqual(problem?.message, 'pod rejected: RuntimeClass "kata" not found');
      assert.strictEqual(problem?.fix, "use one of gvisor, runc, or declare RuntimeClass kata");
    });

    it("points at GKE Sandbox when no class exists at all", () => {
      const { problem } = admit({ runtimeClassName: "gvisor" }, {});
      assert.strictEqual(problem?.message, 'pod rejected: RuntimeClass "gvisor" not found');
      assert.match(
        problem!.fix,
        /^declare RuntimeClass gvisor \(for gvisor: .*sandboxType gvisor\), or remove runtimeClassName$/,
      );
    });
  });

  describe("scheduling (setScheduling)", () => {
    const sandbox = {
      gvisor: facts({
        nodeSelector: { "sandbox.gke.io/runtime": "gvisor" },
        tolerations: [{ key: "sandbox.gke.io/runtime", operator: "Equal", value: "gvisor", effect: "NoSchedule" }],
      }),
    };
    it("adds the class's node selector to the Pod's, and its tolerations once", () => {
      const own = { key: "team", operator: "Exists", effect: "NoSchedule" };
      const { pod, problem } = admit(
        {
          runtimeClassName: "gvisor",
          nodeSelector: { "sandbox.gke.io/runtime": "gvisor", pool: "a" },
          tolerations: [own, sandbox.gvisor.tolerations[0]],
        },
        sandbox,
      );
      assert.strictEqual(problem, undefined);
      assert.deepStrictEqual(pod.spec.nodeSelector, { "sandbox.gke.io/runtime": "gvisor", pool: "a" });
      assert.deepStrictEqual(pod.spec.tolerations, [own, sandbox.gvisor.tolerations[0]]);
      const bare = admit({ runtimeClassName: "gvisor" }, sandbox).pod;
      assert.deepStrictEqual(bare.spec.nodeSelector, { "sandbox.gke.io/runtime": "gvisor" });
      assert.deepStrictEqual(bare.spec.tolerations, sandbox.gvisor.tolerations);
    });

    it("keeps the Pod's other tolerations and adds the class's (tolerations.MergeTolerations: the Pod's first)", () => {
      const own = { key: "team", operator: "Equal", value: "ml", effect: "NoSchedule" };
      const { pod } = admit({ runtimeClassName: "gvisor", tolerations: [own] }, sandbox);
      assert.deepStrictEqual(pod.spec.tolerations, [own, sandbox.gvisor.tolerations[0]]);
    });

    it("refuses a Pod whose node selector gives the class's key another value", () => {
      const { problem } = admit(
        { runtimeClassName: "gvisor", nodeSelector: { "sandbox.gke.io/runtime": "runc" } },
        sandbox,
      );
      assert.strictEqual(
        problem?.message,
        "conflict: runtimeClass.scheduling.nodeSelector[sandbox.gke.io/runtime] = gvisor; pod.spec.nodeSelector[sandbox.gke.io/runtime] = runc",
      );
      assert.strictEqual(problem?.fix, "remove sandbox.gke.io/runtime from the Pod's node selector");
    });

    it("leaves a Pod's scheduling alone for a class without scheduling", () => {
      const { pod, problem } = admit({ runtimeClassName: "runc", nodeSelector: { pool: "a" } }, { runc: facts() });
      assert.strictEqual(problem, undefined);
      assert.deepStrictEqual(pod.spec.nodeSelector, { pool: "a" });
      assert.strictEqual(pod.spec.tolerations, undefined);
      const bare = admit({ runtimeClassName: "runc" }, { runc: facts() }).pod;
      assert.deepStrictEqual(bare.spec, podOf({ runtimeClassName: "runc" }).spec);
    });
  });

  describe("the cluster's classes", () => {
    const pool = (sandboxConfig?: Props) => ({
      urn: "urn:pulumi:dev::cnai::gcp:container/nodePool:NodePool::pool",
      type: "gcp:container/nodePool:NodePool",
      inputs: { nodeConfig: { machineType: "e2-standard-8", ...(sandboxConfig ? { sandboxConfig } : {}) } },
    });
    const declared = (name: string, extra: Props = {}) => ({
      urn: `urn:pulumi:dev::cnai::kubernetes:node.k8s.io/v1:RuntimeClass::${name}`,
      type: "kubernetes:node.k8s.io/v1:RuntimeClass",
      inputs: { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name }, handler: name, ...extra },
    });

    it("has GKE Sandbox's gvisor class where a pool runs gVisor (sandboxType, or the API's type GVISOR)", () => {
      for (const config of [{ sandboxType: "gvisor" }, { type: "GVISOR" }]) {
        const classes = runtimeClasses(indexCluster([pool(config)]));
        assert.deepStrictEqual([...classes.keys()], ["gvisor"]);
        const gvisor = classes.get("gvisor")!;
        assert.deepStrictEqual(gvisor.nodeSelector, { "sandbox.gke.io/runtime": "gvisor" });
        assert.deepStrictEqual(gvisor.tolerations, [
          { key: "sandbox.gke.io/runtime", operator: "Equal", value: "gvisor", effect: "NoSchedule" },
        ]);
        assert.match(gvisor.source, /GKE Sandbox/);
      }
      assert.strictEqual(runtimeClasses(indexCluster([pool()])).size, 0);
      assert.strictEqual(runtimeClasses(indexCluster([pool({ sandboxType: "runc" })])).size, 0);
    });

    it("reads a declared class's overhead.podFixed and scheduling", () => {
      const classes = runtimeClasses(
        indexCluster([
          declared("kata", {
            overhead: { podFixed: { cpu: "250m" } },
            scheduling: { nodeSelector: { kata: "yes" }, tolerations: [{ key: "kata", operator: "Exists" }] },
          }),
          declared("runc"),
        ]),
      );
      assert.deepStrictEqual(classes.get("kata"), {
        overhead: { cpu: "250m" },
        nodeSelector: { kata: "yes" },
        tolerations: [{ key: "kata", operator: "Exists" }],
        source: "declared",
      });
      assert.deepStrictEqual(classes.get("runc"), { nodeSelector: {}, tolerations: [], source: "declared" });
    });
  });
});
