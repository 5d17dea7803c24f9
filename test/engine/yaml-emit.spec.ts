import * as assert from "node:assert";
import { parse } from "yaml";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import { toYaml } from "../../scripts/lib/yaml-emit";
import { stackRun } from "../helpers/stacks";

/** The manifests' YAML emitter: what it writes, the `yaml` library reads back unchanged. */
describe("YAML emitter", () => {
  const roundTrip = (value: unknown) => assert.deepStrictEqual(parse(toYaml(value)), value, toYaml(value));

  it("writes block-style YAML as kubectl shows it", () => {
    assert.strictEqual(
      toYaml({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "x", labels: { "app.kubernetes.io/name": "x" } },
        data: { a: "1", list: [] },
        spec: { ports: [{ port: 80, name: "http" }], empty: {} },
      }),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    app.kubernetes.io/name: x\ndata:\n  a: "1"\n  list: []\nspec:\n  ports:\n  - port: 80\n    name: http\n  empty: {}\n',
    );
  });

  it("reads back strings YAML would otherwise change: numbers, booleans, nulls, colons, comments, quotes, spaces, newlines, unicode", () => {
    const strings = [
      "1",
      "1.5",
      "0x1F",
      "1e3",
      "-1",
      ".5",
      "true",
      "False",
      "yes",
      "NO",
      "on",
      "null",
      "~",
      "",
      " lead",
      "trail ",
      "a: b",
      "a #b",
      "#x",
      "- x",
      "[x]",
      "{x}",
      "*x",
      "&x",
      "!x",
      "%x",
      "@x",
      "`x`",
      "'q'",
      '"q"',
      "a\\b",
      "line1\nline2",
      "ends\n",
      "two\n\n",
      "\nleads",
      "tab\there",
      "cr\r\n",
      "ünïcødé ✓",
      "a:b",
      "http://x/y?z=1",
      "1.2.3",
      "v0.20.0",
      "kserve/huggingfaceserver:v0.20.0-gpu",
      "--flag=1",
      "x,y",
      "(a)",
      "=",
      "a=b",
      "%",
      ".inf",
      "-.Inf",
      ".NaN",
      "0o17",
      "+1",
      "1_000",
    ];
    for (const s of strings) roundTrip({ [s]: s, list: [s, { [s]: [s] }] });
  });

  it("reads back numbers, booleans, null, nesting and empty collections", () => {
    roundTrip({
      a: 0,
      b: -2.5,
      c: 1e21,
      d: true,
      e: false,
      f: null,
      g: [[1, [2]], [], {}],
      h: { i: { j: [{}, { k: [] }] } },
    });
    assert.throws(() => toYaml({ n: Number.NaN }), /NaN is not a JSON number/);
  });

  for (const stack of ["dev", "staging", "prod"]) {
    it(`reads back every manifest of the ${stack} stack unchanged`, async () => {
      const manifests = manifestsOf(planFromRun(await stackRun(stack)));
      assert.ok(manifests.length > 50);
      for (const manifest of manifests)
        assert.deepStrictEqual(parse(toYaml(manifest.object)), manifest.object, manifest.fileName);
    });
  }
});
