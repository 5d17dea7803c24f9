import * as assert from "node:assert";
import { schemaProblems } from "../../scripts/lib/config-schema";

/** The JSON Schema subset the offline engine checks policy config properties with. */
describe("policy config schema checker", () => {
  const schema = {
    type: "object",
    properties: {
      level: { type: "integer", minimum: 1, maximum: 5 },
      ratio: { type: "number", minimum: 0, maximum: 1 },
      on: { type: "boolean" },
      region: { type: "string", enum: ["us-central1", "europe-west4"] },
      names: { type: "array", minItems: 1, items: { type: "string", pattern: "^[a-z]+$" } },
      prices: {
        type: "object",
        additionalProperties: {
          type: "object",
          additionalProperties: false,
          required: ["onDemand"],
          properties: { onDemand: { type: "number" } },
        },
      },
      reason: { type: "string", minLength: 5, description: "why", default: "because" },
    },
  };

  it("passes values of the right shape", () => {
    assert.deepStrictEqual(
      schemaProblems(schema, {
        level: 3,
        ratio: 0.5,
        on: true,
        region: "us-central1",
        names: ["a"],
        prices: { x: { onDemand: 1 } },
        reason: "long enough",
      }),
      [],
    );
  });

  it("names the path, the value and what is allowed for each problem", () => {
    const problems = schemaProblems(schema, {
      level: 2.5,
      ratio: 2,
      on: "yes",
      region: "mars",
      names: [],
      prices: { x: { onDemand: "1", spot: 2 }, y: {} },
      reason: "no",
    });
    assert.deepStrictEqual(
      problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.allowed}`),
      [
        "level: 2.5: an integer",
        "ratio: 2: a number <= 1",
        'on: "yes": true or false',
        'region: "mars": one of "us-central1", "europe-west4"',
        "names: []: a list of at least 1",
        'prices.x.onDemand: "1": a number',
        "prices.x.spot: 2: no property spot; allowed: onDemand",
        "prices.y.onDemand: undefined: a value (onDemand is required)",
        'reason: "no": a string of at least 5 characters',
      ],
    );
    assert.deepStrictEqual(
      schemaProblems(schema, { names: ["A"] }).map((p) => p.allowed),
      ["a string matching ^[a-z]+$"],
    );
  });

  it("refuses a schema keyword it does not check, rather than skipping the rule", () => {
    assert.throws(
      () => schemaProblems({ type: "array", uniqueItems: true }, []),
      /keyword "uniqueItems" is not supported by the offline policy engine/,
    );
    assert.throws(() => schemaProblems({ type: "null" }, null), /type "null" is not supported/);
  });
});
