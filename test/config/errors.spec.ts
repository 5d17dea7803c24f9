import * as assert from "node:assert";
import { ConfigError, formatProblems, renderValue } from "../../stacks/config/errors";

/** How config problems are told: one line each, a heading with the count, values cut to fit a line. */
describe("config errors", () => {
  it("a heading that counts one problem in the singular and several in the plural", () => {
    const one = formatProblems("stacks/Pulumi.dev.yaml", [{ key: "cnai-platform:team", given: "ML", allowed: "x" }]);
    assert.strictEqual(
      one,
      'Invalid configuration in stacks/Pulumi.dev.yaml (1 problem); nothing was created:\n  stacks/Pulumi.dev.yaml: cnai-platform:team: got "ML"; allowed: x',
    );
    const two = formatProblems("f", [
      { key: "a", given: 1, allowed: "x" },
      { key: "b", given: "c", allowed: "one of d", unknownKey: true },
    ]);
    assert.strictEqual(
      two,
      "Invalid configuration in f (2 problems); nothing was created:\n  f: a: got 1; allowed: x\n  f: b: unknown key; allowed: one of d",
    );
  });

  it("shows a value of up to 80 characters whole, a longer one as its first 77 and '...'", () => {
    const eighty = "x".repeat(78); // JSON adds the two quotes
    assert.strictEqual(renderValue(eighty), `"${eighty}"`);
    const longer = "y".repeat(79);
    assert.strictEqual(renderValue(longer), `"${"y".repeat(76)}...`);
    assert.strictEqual(renderValue(undefined), "nothing (the key is missing)");
  });

  it("recognises a ConfigError by name and problems, also across module copies, and nothing else", () => {
    assert.strictEqual(ConfigError.isConfigError(new ConfigError("f", [])), true);
    const copy = Object.assign(new Error("x"), { name: "ConfigError", problems: [] });
    assert.strictEqual(ConfigError.isConfigError(copy), true, "a ConfigError of another copy of the module");
    assert.strictEqual(ConfigError.isConfigError(new Error("x")), false);
    assert.strictEqual(ConfigError.isConfigError(Object.assign(new Error("x"), { name: "ConfigError" })), false);
    assert.strictEqual(ConfigError.isConfigError({ name: "ConfigError", problems: [] }), false, "not an Error");
    assert.strictEqual(ConfigError.isConfigError(Object.assign(new Error("x"), { problems: [] })), false);
  });
});
