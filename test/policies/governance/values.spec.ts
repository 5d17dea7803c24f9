import * as assert from "node:assert";
import { flag, isSet, rawAt } from "../../../policies/governance/lib/values";
import { unknownCheckingProxy, unknownStringValue } from "../../../scripts/lib/sdk-seam";

/**
 * The readers the governance policies share, against CrossGuard's view of inputs: during preview the
 * policy server wraps them in @pulumi/policy's unknownCheckingProxy, which throws on reading an unknown
 * value (proxy.ts get trap) but not on reading its property descriptor.
 */
describe("governance input readers", () => {
  describe("isSet", () => {
    const cases: [string, unknown, string, boolean][] = [
      ["a name", { kmsKeyName: "projects/p/locations/l/keyRings/r/cryptoKeys/k" }, "kmsKeyName", true],
      ["a nested name", { encryption: { defaultKmsKeyName: "k" } }, "encryption.defaultKmsKeyName", true],
      ["false", { encryption: { enabled: false } }, "encryption.enabled", true],
      ["0", { encryption: { ttl: 0 } }, "encryption.ttl", true],
      ["an empty string", { encryption: { defaultKmsKeyName: "" } }, "encryption.defaultKmsKeyName", false],
      ["null", { encryption: { defaultKmsKeyName: null } }, "encryption.defaultKmsKeyName", false],
      ["an absent field", { encryption: {} }, "encryption.defaultKmsKeyName", false],
      ["an absent parent", {}, "encryption.defaultKmsKeyName", false],
      ["a parent that is a string", { encryption: "none" }, "encryption.length", false],
    ];
    for (const [what, props, path, expected] of cases)
      it(`${expected ? "counts" : "does not count"} ${what} as set`, () =>
        assert.strictEqual(isSet(props, path), expected));

    it("counts a value unknown during preview as set, and throws on an unknown parent", () => {
      const props = unknownCheckingProxy({
        encryption: { defaultKmsKeyName: unknownStringValue },
        later: unknownStringValue,
      } as Record<string, unknown>);
      assert.strictEqual(isSet(props, "encryption.defaultKmsKeyName"), true);
      assert.strictEqual(isSet(props, "later"), true);
      assert.throws(() => isSet(props, "later.name"), /can't be known during preview/);
    });
  });

  describe("rawAt", () => {
    it("reads a top-level or nested value, and nothing under a missing, null or scalar parent", () => {
      const props = {
        role: "roles/viewer",
        nodeConfig: { serviceAccount: "sa@p.iam.gserviceaccount.com" },
        n: null,
        s: "x",
      };
      assert.strictEqual(rawAt(props, "role"), "roles/viewer");
      assert.strictEqual(rawAt(props, "nodeConfig.serviceAccount"), "sa@p.iam.gserviceaccount.com");
      assert.strictEqual(rawAt(props, "nodeConfig.missing"), undefined);
      assert.strictEqual(rawAt(props, "missing.serviceAccount"), undefined);
      assert.strictEqual(rawAt(props, "n.serviceAccount"), undefined);
      assert.strictEqual(rawAt(props, "s.length"), undefined);
      assert.strictEqual(rawAt(null, "role"), undefined);
      const cluster = { masterAuth: { clientCertificateConfig: { issueClientCertificate: true } } };
      assert.strictEqual(rawAt(cluster, "masterAuth.clientCertificateConfig.issueClientCertificate"), true);
    });

    it("returns an unknown value as the placeholder instead of throwing", () => {
      const props = unknownCheckingProxy({ nodeConfig: { serviceAccount: unknownStringValue } } as Record<
        string,
        unknown
      >);
      assert.strictEqual(rawAt(props, "nodeConfig.serviceAccount"), unknownStringValue);
    });
  });

  describe("flag", () => {
    const cases: [unknown, boolean, boolean][] = [
      [undefined, true, true],
      [undefined, false, false],
      [null, true, true],
      [true, false, true],
      ["true", false, true],
      [false, true, false],
      ["false", true, false],
    ];
    for (const [value, providerDefault, expected] of cases)
      it(`reads ${JSON.stringify(value)} with provider default ${providerDefault} as ${expected}`, () => {
        const props = value === undefined ? { management: {} } : { management: { autoRepair: value } };
        assert.strictEqual(flag(props, "management.autoRepair", providerDefault), expected);
      });
  });
});
