import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKS } from "../../policies/lib/packs";
import {
  type AnalyzerInfo,
  CliPolicyConfigError,
  cliConfigureLocalPack,
  parsePolicyPackConfig,
} from "../../scripts/lib/crossguard/config";
import { analyzerInfoOf, PolicyConfigError, reconcilePolicyConfig } from "../../scripts/lib/policy-engine";
import { ROOT } from "../helpers/run";

/**
 * The Pulumi CLI's `--policy-pack-config` rules, ported in scripts/lib/crossguard/config.ts. The
 * expected outcomes are read off pulumi/pulumi (snapshot 1b5949891b): pkg/resource/analyzer/config.go
 * (parsePolicyPackConfig, ReconcilePolicyPackConfig, applyConfig, validatePolicyPackConfig),
 * pkg/resource/plugin/analyzer_plugin.go (Configure) and pkg/engine/update.go (the error wrapping).
 */
const INFO: AnalyzerInfo = {
  name: "test-pack",
  version: "1.0.0",
  supportsConfig: true,
  policies: [
    {
      name: "a",
      enforcementLevel: "advisory",
      configSchema: { properties: { x: { type: "integer", default: 1 }, y: { type: "string" } }, required: [] },
    },
    { name: "b", enforcementLevel: "mandatory", configSchema: { properties: {}, required: [] } },
  ],
};

const configure = (text: string, info: AnalyzerInfo = INFO) =>
  Object.fromEntries(cliConfigureLocalPack(info, "policies/test", { path: "x.json", text }));
const refusal = (text: string, info: AnalyzerInfo = INFO): string => {
  try {
    configure(text, info);
  } catch (error) {
    assert.ok(error instanceof CliPolicyConfigError, String(error));
    return (error as Error).message;
  }
  return assert.fail("the CLI would accept it");
};

describe("the Pulumi CLI's policy-config rules (ported)", () => {
  it("refuses the old one-file config for both packs: an entry naming the other pack's policy gets an empty level (the issue's error)", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      // What policies/config/<stack>.json was: both packs' entries in one file.
      const combined = JSON.stringify(
        Object.assign(
          {},
          ...PACKS.map((pack) =>
            JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", stack, `${pack.dir}.json`), "utf8")),
          ),
        ),
      );
      for (const pack of PACKS) {
        assert.throws(
          () =>
            cliConfigureLocalPack(analyzerInfoOf(pack), `policies/${pack.dir}`, {
              path: `policies/config/${stack}.json`,
              text: combined,
            }),
          {
            name: "CliPolicyConfigError",
            message: `configuring policy pack "${pack.name}" at "policies/${pack.dir}": invalid enforcement level ""`,
          },
        );
      }
    }
  });

  it("accepts an entry for a policy the pack does not have when it carries its own level (Configure sends it; the pack ignores it)", () => {
    const request = configure(JSON.stringify({ "not-here": "disabled" }));
    assert.deepStrictEqual(request["not-here"], { enforcementLevel: "disabled", properties: {} });
  });

  it("starts from each policy's level and schema defaults, applies `all` to every policy, then each policy's own level and properties", () => {
    assert.deepStrictEqual(configure(""), {
      a: { enforcementLevel: "advisory", properties: { x: 1 } },
      b: { enforcementLevel: "mandatory", properties: {} },
    });
    assert.deepStrictEqual(configure(JSON.stringify({ all: "disabled", a: { y: "z" } })), {
      a: { enforcementLevel: "disabled", properties: { x: 1, y: "z" } },
      b: { enforcementLevel: "disabled", properties: {} },
      all: { enforcementLevel: "disabled", properties: {} },
    });
    assert.deepStrictEqual(
      configure(JSON.stringify({ all: "disabled", a: { enforcementLevel: "mandatory", x: 5 } })).a,
      { enforcementLevel: "mandatory", properties: { x: 5 } },
    );
    assert.deepStrictEqual(
      configure(JSON.stringify({ a: {} })).a,
      { enforcementLevel: "advisory", properties: { x: 1 } },
      "an empty entry is dropped",
    );
    assert.deepStrictEqual(configure("null"), configure(""), "JSON null leaves the map empty");
  });

  it("applies the pack's initial config before the file", () => {
    const info = {
      ...INFO,
      initialConfig: new Map([["a", { enforcementLevel: "mandatory" as const, properties: { y: "initial" } }]]),
    };
    assert.deepStrictEqual(configure("", info).a, {
      enforcementLevel: "mandatory",
      properties: { x: 1, y: "initial" },
    });
    assert.deepStrictEqual(configure(JSON.stringify({ a: { y: "file" } }), info).a, {
      enforcementLevel: "mandatory",
      properties: { x: 1, y: "file" },
    });
  });

  it("refuses bad levels and values as the parser words them, and `all` with properties but no level at Configure", () => {
    assert.strictEqual(
      refusal(JSON.stringify({ a: "blocking" })),
      'parsing enforcement level for "a": "blocking" is not a valid enforcement level',
    );
    assert.strictEqual(
      refusal(JSON.stringify({ a: { enforcementLevel: 3 } })),
      'parsing enforcement level for "a": 3 is not a valid enforcement level; must be a string',
    );
    assert.strictEqual(
      refusal(JSON.stringify({ a: 3 })),
      'parsing "a": 3 is not a valid value; must be a string or object',
    );
    assert.strictEqual(
      refusal(JSON.stringify({ all: { x: 2 } })),
      'configuring policy pack "test-pack" at "policies/test": invalid enforcement level ""',
    );
  });

  it("validates each policy's properties against {type: object, properties, required}: a wrong type fails, an undeclared property passes (the offline engine refuses it)", () => {
    assert.match(
      refusal(JSON.stringify({ a: { x: "one" } })),
      /^validating policy config: test-pack 1\.0\.0 {2}a: x: "one"; allowed: an integer\nvalidating policy config$/,
    );
    assert.deepStrictEqual(configure(JSON.stringify({ a: { q: 1 } })).a, {
      enforcementLevel: "advisory",
      properties: { x: 1, q: 1 },
    });
    const pack = { name: "test-pack", version: "1.0.0", enforcementLevel: "advisory" as const, policies: [] };
    assert.throws(() => reconcilePolicyConfig(pack, { a: { q: 1 } }, "x.json"), PolicyConfigError);
  });

  it("takes `environments` (ESC) out of the policies, which only Pulumi Cloud resolves", () => {
    assert.deepStrictEqual(
      parsePolicyPackConfig(JSON.stringify({ environments: ["org/env"], a: "mandatory" })).environments,
      ["org/env"],
    );
    assert.strictEqual(
      refusal(JSON.stringify({ environments: ["org/env"] })),
      'policy pack at "policies/test" specifies ESC environments but the current backend does not support them',
    );
    assert.strictEqual(
      refusal(JSON.stringify({ environments: "org/env" })),
      '"environments" must be an array of strings, got string',
    );
  });

  it("refuses a config file for a pack that does not support config", () => {
    assert.strictEqual(
      refusal("{}", { ...INFO, supportsConfig: false }),
      'policy pack "test-pack" at "policies/test" does not support config',
    );
  });

  it("accepts every shipped config file for its pack, and the offline engine reads it to the same Configure request", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      for (const pack of PACKS) {
        const file = path.join("policies", "config", stack, `${pack.dir}.json`);
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        const cli = cliConfigureLocalPack(analyzerInfoOf(pack), `policies/${pack.dir}`, { path: file, text });
        assert.deepStrictEqual(reconcilePolicyConfig(pack, JSON.parse(text), file), cli, file);
      }
    }
  });
});
