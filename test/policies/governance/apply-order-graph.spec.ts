import * as assert from "node:assert";
import { grantedMembers, isTrue, mayGrantTo } from "../../../policies/lib/analysis/apply-order/context";
import {
  ApplyGraph,
  known,
  nodesFromPlan,
  nodesFromPolicyResources,
  type PlanNode,
  read,
} from "../../../policies/lib/analysis/apply-order/graph";

/**
 * The apply-order graph and its readers, against Pulumi's semantics: a resource is created after
 * its dependsOn, its input dependencies, its parent and its explicit provider (@pulumi/pulumi
 * runtime/resource.js prepareResource), and only resources of the plan order it. Plan values as the
 * plan contract writes them (docs/architecture.md: unknown values `"[unknown]"`, secrets
 * `"[secret]"`); IAM members as Google writes them (IAM "Principal identifiers").
 */
const urn = (name: string) => `urn:pulumi:s::p::test:index:R::${name}`;
const node = (name: string, deps: string[] = [], parent?: string, provider?: string): PlanNode => ({
  urn: urn(name),
  type: "test:index:R",
  props: {},
  parent: parent && urn(parent),
  dependencies: deps.map(urn),
  propertyDependencies: {},
  provider: provider && urn(provider),
});
const createdBefore = (graph: ApplyGraph, name: string) =>
  [...graph.predecessors(urn(name))].map((u) => u.slice(u.lastIndexOf("::") + 2)).sort();

describe("apply-order graph", () => {
  describe("reading plan values", () => {
    it("walks dotted paths and `*` over every item of a list, taking the first item that has the value", () => {
      const props = { a: { b: "x" }, l: [{ k: 1 }, { m: "first" }, { m: "second" }], o: { k: 1 }, n: null };
      const cases: Array<[string, unknown]> = [
        ["a.b", "x"],
        ["a.c", undefined],
        ["l.*.m", "first"],
        ["l.*.k", 1],
        ["l.*.z", undefined],
        ["o.*.k", undefined],
        ["missing.x.y", undefined],
        // null is no value (Pulumi sdk/go/common/resource/properties.go: IsNull, HasValue false).
        ["n", undefined],
        ["n.x", undefined],
        ["l.*.z", undefined],
      ];
      for (const [path, value] of cases) assert.deepStrictEqual(read(props, path), value, path);
    });

    it("reads a value CrossGuard cannot know (its proxy throws) as absent", () => {
      const unknown = new Proxy(
        {},
        {
          get() {
            throw new Error("unknown during preview");
          },
        },
      );
      assert.strictEqual(read({ a: unknown }, "a.b"), undefined);
    });

    it("knows a string that is neither unknown nor secret, the empty one included", () => {
      const cases: Array<[unknown, string | undefined]> = [
        ["x", "x"],
        ["", ""],
        ["[unknown]", undefined],
        ["[secret]", undefined],
        [3, undefined],
        [undefined, undefined],
      ];
      for (const [value, expected] of cases) assert.strictEqual(known(value), expected, String(value));
    });
  });

  describe("nodes", () => {
    it("takes a plan.json resource's parent, dependsOn and property dependencies, and its provider's URN", () => {
      const provider = "urn:pulumi:s::p::pulumi:providers:gcp::billing";
      const [n, top] = nodesFromPlan([
        {
          urn: urn("a"),
          type: "t",
          inputs: { x: 1 },
          parent: urn("c"),
          options: { dependsOn: [urn("b"), urn("d")] },
          propertyDependencies: { x: [urn("d"), urn("e")] },
          provider: `${provider}::0a1b-id`,
        },
        { urn: urn("c"), type: "t", inputs: {}, parent: null, options: { dependsOn: [] }, provider: null },
      ]);
      assert.strictEqual(n.parent, urn("c"));
      assert.deepStrictEqual(n.dependencies, [urn("b"), urn("d"), urn("e")]);
      assert.deepStrictEqual(n.propertyDependencies, { x: [urn("d"), urn("e")] });
      assert.strictEqual(n.provider, provider);
      assert.deepStrictEqual(
        [top.parent, top.dependencies, top.propertyDependencies, top.provider],
        [undefined, [], {}, undefined],
      );
    });

    it("takes a CrossGuard resource's references by URN, with none where it has none", () => {
      const [n] = nodesFromPolicyResources([{ urn: urn("a"), type: "t", props: {} }]);
      assert.deepStrictEqual(
        [n.parent, n.dependencies, n.propertyDependencies, n.provider],
        [undefined, [], {}, undefined],
      );
    });
  });

  describe("created before", () => {
    it("follows dependencies, parents and providers transitively, and nothing else", () => {
      const graph = new ApplyGraph([
        node("api"),
        node("provider", ["api"]),
        node("component", ["net"]),
        node("net"),
        node("grant", [], "component", "provider"),
        node("other"),
      ]);
      assert.deepStrictEqual(createdBefore(graph, "grant"), ["api", "component", "net", "provider"]);
      assert.deepStrictEqual(createdBefore(graph, "other"), []);
      assert.deepStrictEqual(createdBefore(graph, "api"), []);
      assert.strictEqual(graph.isBefore(urn("api"), urn("grant")), true);
      assert.strictEqual(graph.isBefore(urn("grant"), urn("api")), false);
    });

    it("orders only by resources of the plan: itself, a resource outside it, or a URN it does not have order nothing", () => {
      const graph = new ApplyGraph([node("a", ["a", "elsewhere"], "outside-parent", "outside-provider")]);
      assert.deepStrictEqual(createdBefore(graph, "a"), []);
      assert.deepStrictEqual([...graph.predecessors(urn("not-in-plan"))], []);
      assert.strictEqual(graph.isBefore(urn("a"), urn("not-in-plan")), false);
    });

    it("ends on a cycle (which Pulumi refuses) with every node it reaches, and shares a diamond's predecessors", () => {
      const cycle = new ApplyGraph([node("a", ["b"]), node("b", ["a"])]);
      assert.deepStrictEqual(createdBefore(cycle, "a"), ["a", "b"]);
      const diamond = new ApplyGraph([node("top", ["l", "r"]), node("l", ["base"]), node("r", ["base"]), node("base")]);
      assert.deepStrictEqual(createdBefore(diamond, "top"), ["base", "l", "r"]);
      assert.deepStrictEqual(createdBefore(diamond, "r"), ["base"]);
      assert.strictEqual(diamond.predecessors(urn("top")), diamond.predecessors(urn("top")), "memoised");
    });
  });

  describe("grants", () => {
    const grant = (type: string, props: Record<string, unknown>): PlanNode => ({
      ...node("g"),
      type,
      props,
    });

    it("reads the members an IAM resource grants: `member`, and every known entry of `members`", () => {
      const cases: Array<[string, Record<string, unknown>, string[]]> = [
        ["gcp:projects/iAMMember:IAMMember", { member: "user:a@example.com" }, ["user:a@example.com"]],
        [
          "gcp:projects/iAMBinding:IAMBinding",
          { members: ["group:g@example.com", "[unknown]", "serviceAccount:s@p.iam.gserviceaccount.com"] },
          ["group:g@example.com", "serviceAccount:s@p.iam.gserviceaccount.com"],
        ],
        ["gcp:bigquery/datasetIamMember:DatasetIamMember", { member: "[unknown]" }, []],
        ["gcp:cloudrunv2/service:Service", { member: "user:a@example.com" }, []],
      ];
      for (const [type, props, members] of cases)
        assert.deepStrictEqual(grantedMembers(grant(type, props)), members, type);
    });

    it("counts a grant for a member when any member matches, or when none is known yet", () => {
      const binding = grant("gcp:projects/iAMBinding:IAMBinding", {
        members: ["user:a@example.com", "serviceAccount:s@p.iam.gserviceaccount.com"],
      });
      assert.strictEqual(
        mayGrantTo(binding, (m) => m.startsWith("serviceAccount:")),
        true,
      );
      assert.strictEqual(
        mayGrantTo(binding, (m) => m.startsWith("group:")),
        false,
      );
      assert.strictEqual(
        mayGrantTo(grant("gcp:projects/iAMMember:IAMMember", { member: "[unknown]" }), () => false),
        true,
      );
    });

    it('reads a provider\'s boolean config as Pulumi passes it: true, or the string "true"', () => {
      const cases: Array<[unknown, boolean]> = [
        [true, true],
        ["true", true],
        [false, false],
        ["false", false],
        [undefined, false],
      ];
      for (const [value, expected] of cases) assert.strictEqual(isTrue(value), expected, String(value));
    });
  });
});
