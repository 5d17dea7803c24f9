import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import {
  matchesNodeSelectorTerms,
  matchesSelector,
  nodeSelectionMismatch,
  tolerates,
  untoleratedTaint,
  usesMatchFields,
} from "../../../policies/lib/analysis/workloads/scheduling/matching";

type Props = JsonObject;
/** A node's label values: the zone label spans two zones, the rest have one value. */
const node =
  (labels: Record<string, string | string[]>) =>
  (key: string): string[] => {
    const value = labels[key];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
const expr = (key: string, operator: string, values?: string[]): Props => ({
  key,
  operator,
  ...(values ? { values } : {}),
});
const required = (...terms: Props[]): Props => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } },
});

describe("workload simulation: selectors, node affinity and tolerations (apimachinery labels, component-helpers nodeaffinity, core/v1 toleration.go)", () => {
  describe("matchesSelector: metav1.LabelSelector (LabelSelectorAsSelector, labels.Requirement.Matches)", () => {
    const labels = { app: "web", tier: "front" };
    const cases: Array<[string, Props | null | undefined, boolean]> = [
      ["a null selector selects nothing", null, false],
      ["an undefined selector selects nothing", undefined, false],
      ["an empty selector selects everything", {}, true],
      ["matchLabels equal", { matchLabels: { app: "web" } }, true],
      ["matchLabels differ", { matchLabels: { app: "db" } }, false],
      ["matchLabels on a missing key", { matchLabels: { zone: "a" } }, false],
      ["In with the value", { matchExpressions: [expr("app", "In", ["db", "web"])] }, true],
      ["In without the value", { matchExpressions: [expr("app", "In", ["db"])] }, false],
      ["In on a missing key", { matchExpressions: [expr("zone", "In", ["a"])] }, false],
      ["In without values", { matchExpressions: [expr("app", "In")] }, false],
      ["NotIn with the value", { matchExpressions: [expr("app", "NotIn", ["web"])] }, false],
      ["NotIn without the value", { matchExpressions: [expr("app", "NotIn", ["db"])] }, true],
      ["NotIn on a missing key", { matchExpressions: [expr("zone", "NotIn", ["a"])] }, true],
      ["Exists on a present key", { matchExpressions: [expr("tier", "Exists")] }, true],
      ["Exists on a missing key", { matchExpressions: [expr("zone", "Exists")] }, false],
      ["DoesNotExist on a missing key", { matchExpressions: [expr("zone", "DoesNotExist")] }, true],
      ["DoesNotExist on a present key", { matchExpressions: [expr("tier", "DoesNotExist")] }, false],
      ["an unknown operator (LabelSelectorAsSelector fails)", { matchExpressions: [expr("app", "Gt", ["1"])] }, false],
      [
        "expressions are ANDed with matchLabels",
        { matchLabels: { app: "web" }, matchExpressions: [expr("tier", "In", ["back"])] },
        false,
      ],
      [
        "all requirements met",
        {
          matchLabels: { app: "web" },
          matchExpressions: [expr("tier", "In", ["front"]), expr("zone", "DoesNotExist")],
        },
        true,
      ],
    ];
    for (const [name, selector, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.strictEqual(matchesSelector(selector, labels), expected));
    }
  });

  describe("matchesNodeSelectorTerms: v1.NodeSelectorTerm, terms ORed, expressions ANDed (nodeaffinity.go)", () => {
    const values = node({
      "topology.kubernetes.io/zone": ["us-central1-a", "us-central1-b"],
      "cloud.google.com/gke-nodepool": "gpu",
      "example.com/cores": "8",
    });
    const cases: Array<[string, Props[], boolean]> = [
      [
        "In with one of the values",
        [{ matchExpressions: [expr("cloud.google.com/gke-nodepool", "In", ["gpu"])] }],
        true,
      ],
      ["In without it", [{ matchExpressions: [expr("cloud.google.com/gke-nodepool", "In", ["cpu"])] }], false],
      [
        "In on a multi-zone pool: any zone of the pool will do",
        [{ matchExpressions: [expr("topology.kubernetes.io/zone", "In", ["us-central1-b"])] }],
        true,
      ],
      ["In on a missing label", [{ matchExpressions: [expr("example.com/missing", "In", ["x"])] }], false],
      ["NotIn the value", [{ matchExpressions: [expr("cloud.google.com/gke-nodepool", "NotIn", ["gpu"])] }], false],
      ["NotIn another value", [{ matchExpressions: [expr("cloud.google.com/gke-nodepool", "NotIn", ["cpu"])] }], true],
      ["NotIn on a missing label", [{ matchExpressions: [expr("example.com/missing", "NotIn", ["x"])] }], true],
      [
        "NotIn one zone of two: the other zone's nodes match",
        [{ matchExpressions: [expr("topology.kubernetes.io/zone", "NotIn", ["us-central1-a"])] }],
        true,
      ],
      [
        "NotIn both zones",
        [{ matchExpressions: [expr("topology.kubernetes.io/zone", "NotIn", ["us-central1-a", "us-central1-b"])] }],
        false,
      ],
      ["Exists", [{ matchExpressions: [expr("example.com/cores", "Exists")] }], true],
      ["Exists on a missing label", [{ matchExpressions: [expr("example.com/missing", "Exists")] }], false],
      ["DoesNotExist on a missing label", [{ matchExpressions: [expr("example.com/missing", "DoesNotExist")] }], true],
      ["DoesNotExist on a present label", [{ matchExpressions: [expr("example.com/cores", "DoesNotExist")] }], false],
      ["Gt below the value", [{ matchExpressions: [expr("example.com/cores", "Gt", ["7"])] }], true],
      ["Gt equal to the value", [{ matchExpressions: [expr("example.com/cores", "Gt", ["8"])] }], false],
      ["Gt above the value", [{ matchExpressions: [expr("example.com/cores", "Gt", ["9"])] }], false],
      ["Gt on a missing label", [{ matchExpressions: [expr("example.com/missing", "Gt", ["0"])] }], false],
      ["Lt above the value", [{ matchExpressions: [expr("example.com/cores", "Lt", ["9"])] }], true],
      ["Lt equal to the value", [{ matchExpressions: [expr("example.com/cores", "Lt", ["8"])] }], false],
      ["Lt below the value", [{ matchExpressions: [expr("example.com/cores", "Lt", ["7"])] }], false],
      ["an unknown operator", [{ matchExpressions: [expr("example.com/cores", "Equals", ["8"])] }], false],
      ["an empty term selects no node", [{}], false],
      ["a term of empty lists selects no node", [{ matchExpressions: [], matchFields: [] }], false],
      ["no terms", [], false],
      [
        "terms are ORed: the second matches",
        [
          { matchExpressions: [expr("cloud.google.com/gke-nodepool", "In", ["cpu"])] },
          { matchExpressions: [expr("cloud.google.com/gke-nodepool", "In", ["gpu"])] },
        ],
        true,
      ],
      [
        "a term's expressions are ANDed",
        [
          {
            matchExpressions: [
              expr("cloud.google.com/gke-nodepool", "In", ["gpu"]),
              expr("example.com/cores", "Gt", ["16"]),
            ],
          },
        ],
        false,
      ],
      [
        "matchFields (node names, unknown before apply) are taken as met",
        [{ matchFields: [expr("metadata.name", "In", ["node-1"])] }],
        true,
      ],
    ];
    for (const [name, terms, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.strictEqual(matchesNodeSelectorTerms(terms, values), expected));
    }
  });

  describe("usesMatchFields", () => {
    it("is true only where a required term names nodes by field", () => {
      assert.strictEqual(usesMatchFields(required({ matchFields: [expr("metadata.name", "In", ["n"])] })), true);
      assert.strictEqual(
        usesMatchFields(required({ matchExpressions: [expr("a", "Exists")], matchFields: [] })),
        false,
      );
      assert.strictEqual(usesMatchFields(required({ matchExpressions: [expr("a", "Exists")] })), false);
      assert.strictEqual(usesMatchFields({}), false);
    });
  });

  describe("nodeSelectionMismatch: nodeSelector, then required node affinity", () => {
    const values = node({ "cloud.google.com/gke-nodepool": "system", "kubernetes.io/os": "linux" });

    it("admits a node that has every nodeSelector label, and a Pod with no selector or affinity", () => {
      assert.strictEqual(
        nodeSelectionMismatch({ nodeSelector: { "cloud.google.com/gke-nodepool": "system" } }, values),
        undefined,
      );
      assert.strictEqual(nodeSelectionMismatch({}, values), undefined);
    });

    it("names the selector's key and value and what the nodes have instead", () => {
      const why = nodeSelectionMismatch({ nodeSelector: { "cloud.google.com/gke-nodepool": "gpu" } }, values);
      assert.match(why ?? "", /cloud\.google\.com\/gke-nodepool=gpu/);
      assert.match(why ?? "", /nodes have cloud\.google\.com\/gke-nodepool=system/);
      const missing = nodeSelectionMismatch({ nodeSelector: { "example.com/tier": "gold" } }, values);
      assert.match(missing ?? "", /example\.com\/tier=gold/);
      assert.match(missing ?? "", /no example\.com\/tier label/);
    });

    it("lists every zone of a multi-zone pool when a zone selector misses them", () => {
      const zones = node({ "topology.kubernetes.io/zone": ["us-central1-a", "us-central1-b"] });
      assert.strictEqual(
        nodeSelectionMismatch({ nodeSelector: { "topology.kubernetes.io/zone": "us-central1-c" } }, zones),
        "node selector topology.kubernetes.io/zone=us-central1-c (the nodes have topology.kubernetes.io/zone=us-central1-a|us-central1-b)",
      );
      assert.strictEqual(
        nodeSelectionMismatch({ nodeSelector: { "topology.kubernetes.io/zone": "us-central1-b" } }, zones),
        undefined,
      );
    });

    it("describes a failing required affinity by its terms' expressions", () => {
      const why = nodeSelectionMismatch(
        required(
          { matchExpressions: [expr("cloud.google.com/gke-nodepool", "In", ["gpu", "tpu"]), expr("x", "Exists")] },
          { matchExpressions: [expr("kubernetes.io/os", "In", ["windows"])] },
        ),
        values,
      );
      assert.match(why ?? "", /^required node affinity \(/);
      assert.match(
        why ?? "",
        /cloud\.google\.com\/gke-nodepool In gpu\|tpu and x Exists or kubernetes\.io\/os In windows/,
      );
      const empty = nodeSelectionMismatch(required({}), values);
      assert.match(empty ?? "", /an empty term, which selects no node/);
    });

    it("admits a node that a required affinity term matches", () => {
      assert.strictEqual(
        nodeSelectionMismatch(required({ matchExpressions: [expr("kubernetes.io/os", "In", ["linux"])] }), values),
        undefined,
      );
    });
  });

  describe("tolerates: v1.Toleration.ToleratesTaint", () => {
    const taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };
    const cases: Array<[string, Props, boolean]> = [
      ["Exists on the key, any effect", { key: "nvidia.com/gpu", operator: "Exists" }, true],
      ["Exists on the key and effect", { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }, true],
      ["Exists on the key, another effect", { key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" }, false],
      ["Exists on another key", { key: "example.com/x", operator: "Exists" }, false],
      ["an empty key with Exists tolerates every taint", { operator: "Exists" }, true],
      ["an empty key with Exists, another effect", { operator: "Exists", effect: "NoExecute" }, false],
      ["an empty key with Equal compares the value", { operator: "Equal" }, false],
      ["Equal with the value", { key: "nvidia.com/gpu", operator: "Equal", value: "present" }, true],
      ["Equal with another value", { key: "nvidia.com/gpu", operator: "Equal", value: "absent" }, false],
      ["Equal without a value, on a taint with one", { key: "nvidia.com/gpu", operator: "Equal" }, false],
      ["no operator is Equal", { key: "nvidia.com/gpu", value: "present" }, true],
      ["no operator, another value", { key: "nvidia.com/gpu", value: "other" }, false],
    ];
    for (const [name, toleration, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.strictEqual(tolerates(toleration, taint), expected));
    }

    it("matches a taint without a value to an Equal toleration without one", () => {
      assert.strictEqual(
        tolerates({ key: "dedicated", operator: "Equal" }, { key: "dedicated", effect: "NoSchedule" }),
        true,
      );
      assert.strictEqual(
        tolerates({ key: "dedicated", operator: "Equal", value: "x" }, { key: "dedicated", effect: "NoSchedule" }),
        false,
      );
    });
  });

  describe("untoleratedTaint: the TaintToleration filter looks at NoSchedule and NoExecute taints only", () => {
    it("skips PreferNoSchedule taints and names the first untolerated one as key=value:Effect", () => {
      const taints = [
        { key: "soft", value: "x", effect: "PreferNoSchedule" },
        { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" },
        { key: "dedicated", effect: "NoExecute" },
      ];
      assert.strictEqual(untoleratedTaint(taints, []), "nvidia.com/gpu=present:NoSchedule");
      assert.strictEqual(
        untoleratedTaint(taints, [{ key: "nvidia.com/gpu", operator: "Exists" }]),
        "dedicated:NoExecute",
      );
      assert.strictEqual(
        untoleratedTaint(taints, [
          { key: "nvidia.com/gpu", operator: "Exists" },
          { key: "dedicated", operator: "Exists" },
        ]),
        undefined,
      );
      assert.strictEqual(untoleratedTaint([{ key: "soft", effect: "PreferNoSchedule" }], []), undefined);
    });
  });
});
