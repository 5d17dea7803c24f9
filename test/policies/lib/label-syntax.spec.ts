import * as assert from "node:assert";
import { labelSyntaxProblems } from "../../../policies/lib/label-syntax";

/**
 * GCP labels (Resource Manager "Requirements for labels"): at most 64 per resource; keys 1-63 characters
 * starting with a lower-case letter; values 0-63 characters; lower-case letters, digits, _ and -.
 */
describe("policies/lib/label-syntax", () => {
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

  it("admits 64 labels and refuses 65", () => {
    assert.deepStrictEqual(labelSyntaxProblems(many(64)), []);
    assert.deepStrictEqual(labelSyntaxProblems(many(65)), ["65 labels; at most 64 are allowed"]);
  });

  it("checks keys and values at their limits", () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ env: "prod", "cost-center": "cc_1", empty: "" }, 0],
      [{ ["a".repeat(63)]: "b".repeat(63) }, 0],
      [{ ["a".repeat(64)]: "b" }, 1],
      [{ a: "b".repeat(64) }, 1],
      [{ Env: "prod" }, 1],
      [{ "1env": "prod" }, 1],
      [{ env: "Prod" }, 1],
      [{ env: "a.b" }, 1],
    ];
    for (const [labels, count] of cases)
      assert.strictEqual(labelSyntaxProblems(labels).length, count, JSON.stringify(labels));
  });

  it("refuses a value that is not a string", () => {
    assert.deepStrictEqual(labelSyntaxProblems({ replicas: 3 }), [
      'label replicas="3" is not a GCP label value (lower-case letters, digits, _ or -, at most 63)',
    ]);
  });
});
