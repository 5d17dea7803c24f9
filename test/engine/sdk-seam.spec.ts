import * as assert from "node:assert";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { isUserError, ProgramError, UnsupportedOffline } from "../../scripts/lib/engine";
import { MONITOR_FEATURES } from "../../scripts/lib/monitor-features";
import { SDK_RANGE, SDK_SEAM, sdkSeamProblems, sdkVersion, WIRE_CONSTANTS } from "../../scripts/lib/sdk-seam";
import * as wire from "../../scripts/lib/wire-values";
import { plainValue, SECRET, UNKNOWN } from "../../scripts/lib/wire-values";
import { input, one, run } from "../helpers/run";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };

/** A program that exercises every path of the seam: components, custom resources, a provider, an invoke, a secret. */
function everyPath() {
  class Parent extends pulumi.ComponentResource {
    constructor() {
      super("cnai:test:Parent", "parent");
    }
    done(outputs: pulumi.Inputs) {
      this.registerOutputs(outputs);
    }
  }
  const parent = new Parent();
  const bucket = new gcp.storage.Bucket("b", { location: "US", labels: { note: pulumi.secret("hush") } }, { parent });
  const projectInfo = gcp.organizations.getProjectOutput({});
  parent.done({ bucket: bucket.name });
  return {
    number: projectInfo.number,
    url: bucket.url,
    urn: pulumi.createUrn("b", "gcp:storage/bucket:Bucket", parent),
  };
}

/** Wraps obj[method] to count calls, keeping the function's own marks (the engine's patches are idempotent by them). */
function counting(target: object, method: string): { calls: () => number; restore: () => void } {
  const holder = target as Record<string, unknown>;
  const original = holder[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  for (const key of Object.getOwnPropertySymbols(original))
    (wrapped as unknown as Record<symbol, unknown>)[key] = (original as unknown as Record<symbol, unknown>)[key];
  holder[method] = wrapped;
  return { calls: () => calls, restore: () => (holder[method] = original) };
}

describe("the offline engine's seam with the Pulumi SDK (scripts/lib/sdk-seam.ts)", () => {
  it(`the installed SDK (${sdkVersion()}) is in the supported range and has everything the engine relies on`, () => {
    assert.deepStrictEqual(sdkSeamProblems(), []);
  });

  it("an SDK outside the range is refused, naming the range", () => {
    assert.match(
      sdkSeamProblems("3.248.0")[0],
      /@pulumi\/pulumi 3\.248\.0 is outside the range the offline engine supports \(>= 3\.261\.0, < 4\.0\.0\)/,
    );
    assert.match(sdkSeamProblems("4.0.0")[0], /outside the range/);
    assert.deepStrictEqual(sdkSeamProblems(SDK_RANGE.min), []);
  });

  it("each entry names its upstream source and what the engine relies on", () => {
    for (const point of SDK_SEAM) {
      assert.ok(point.source.length > 10 && point.reliance.length > 20, point.name);
      assert.ok(point.present(), `${point.name}: ${point.source}`);
    }
  });

  for (const point of SDK_SEAM.filter((p) => p.calledBySdk)) {
    it(`the SDK still calls it during a run: ${point.name}`, async () => {
      await run(everyPath); // installs the engine's patches, which the counters then wrap
      const { target, method } = point.calledBySdk!();
      const counter = counting(target, method);
      try {
        await run(everyPath);
      } finally {
        counter.restore();
      }
      assert.ok(counter.calls() > 0, `${point.source}: not called during a run`);
    });
  }

  it("the plan's wire markers are the SDK's own (runtime/rpc.ts)", () => {
    const ours: Record<(typeof WIRE_CONSTANTS)[number], string> = {
      unknownValue: wire.UNKNOWN_SENTINEL,
      specialSigKey: wire.SIG_KEY,
      specialSecretSig: wire.SECRET_SIG,
      specialResourceSig: wire.RESOURCE_SIG,
      specialAssetSig: wire.ASSET_SIG,
      specialArchiveSig: wire.ARCHIVE_SIG,
      specialOutputValueSig: wire.OUTPUT_VALUE_SIG,
    };
    for (const name of WIRE_CONSTANTS) assert.strictEqual(ours[name], rpc[name], name);
  });

  it("URNs are formed as the SDK's createUrn forms them (the engine's rule)", async () => {
    const result = await run(everyPath);
    assert.strictEqual(result.outputs.urn, one(result, "gcp:storage/bucket:Bucket").urn);
    assert.strictEqual(
      result.outputs.urn,
      "urn:pulumi:test::cnai-platform::cnai:test:Parent$gcp:storage/bucket:Bucket::b",
    );
  });

  describe("TypeScript on first use (scripts/lib/defer-typescript.js)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const deferral = require("../../scripts/lib/defer-typescript.js") as {
      deferred: string | undefined;
      loaded(): boolean;
    };

    it("a run never loads the compiler the SDK imports for function serialization", async () => {
      await run(everyPath);
      assert.strictEqual(deferral.deferred, require.resolve("@pulumi/pulumi/typescript-shim"));
      assert.strictEqual(deferral.loaded(), false);
    });

    it("a program that serializes a function still gets it, loaded then", async () => {
      const serialized = await pulumi.runtime.serializeFunction(() => 41 + 1);
      assert.match(serialized.text, /41 \+ 1/);
      assert.strictEqual(deferral.loaded(), true);
    });
  });

  it("waits for registrations made late, inside an apply", async () => {
    const result = await run(() => {
      const first = new gcp.serviceaccount.Account("first", { accountId: "first-sa" });
      first.email.apply(
        (email) => new gcp.serviceaccount.Account("late", { accountId: "late-sa", description: email }),
      );
    });
    assert.strictEqual(
      input(one(result, "gcp:serviceaccount/account:Account", "late"), "description"),
      "first-sa@acme-test.iam.gserviceaccount.com",
    );
  });

  describe("features (scripts/lib/monitor-features.ts)", () => {
    it("the SDK learns the truth: no transforms, invoke transforms, hooks or state migrations offline", async () => {
      let seen: Record<string, unknown> = {};
      await run(() => {
        // The SDK negotiates features when the root stack registers, before the program runs.
        seen = { ...state.getStore() };
      });
      assert.strictEqual(seen.supportsSecrets, true);
      assert.strictEqual(seen.supportsResourceReferences, true);
      assert.strictEqual(seen.supportsAliasSpecs, true);
      assert.strictEqual(seen.supportsDeletedWith, true);
      for (const flag of [
        "supportsTransforms",
        "supportsInvokeTransforms",
        "supportsResourceHooks",
        "supportsErrorHooks",
        "supportsStateMigrations",
        "supportsOutputValues",
      ]) {
        assert.strictEqual(seen[flag], false, flag);
      }
    });

    it("every feature the SDK knows is either announced or refused on purpose", () => {
      const known = Object.keys(
        (require("@pulumi/pulumi/proto/resource_pb") as { ResourceMonitorFeature: Record<string, number> })
          .ResourceMonitorFeature,
      );
      const listed = new Set(MONITOR_FEATURES.map((f) => `RESOURCE_MONITOR_FEATURE_${f.feature}`));
      for (const f of MONITOR_FEATURES)
        assert.ok(known.includes(`RESOURCE_MONITOR_FEATURE_${f.feature}`), `${f.feature} is a feature of this SDK`);
      // Features the SDK gates on (runtime/settings.ts awaitFeatureSupport sets a store flag for each).
      for (const gated of [
        "SECRETS",
        "RESOURCE_REFERENCES",
        "OUTPUT_VALUES",
        "DELETED_WITH",
        "REPLACE_WITH",
        "ALIAS_SPECS",
        "TRANSFORMS",
        "INVOKE_TRANSFORMS",
        "PARAMETERIZATION",
        "RESOURCE_HOOKS",
        "ERROR_HOOKS",
        "INVOKE_DEPENDS_ON",
        "STATE_MIGRATIONS",
      ]) {
        assert.ok(listed.has(`RESOURCE_MONITOR_FEATURE_${gated}`), `${gated} has an offline answer`);
      }
    });

    const refused = async (program: () => unknown) => {
      const error = await run(program).then(
        () => assert.fail("the program should have been refused"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ProgramError);
      assert.ok(error.cause instanceof UnsupportedOffline);
      assert.ok(isUserError(error.cause), "a user error: its message, no stack trace");
      return error.message;
    };

    it("a stack transform fails with a clear message instead of silently doing nothing", async () => {
      const message = await refused(() => {
        pulumi.runtime.registerResourceTransform(() => undefined);
        new gcp.storage.Bucket("b", { location: "US" });
      });
      assert.match(
        message,
        /^offline plan: the program registers a resource or invoke transform .*cannot run transforms: they run inside the Pulumi engine/,
      );
    });

    it("a resource's transforms option, likewise", async () => {
      const message = await refused(
        () => new gcp.storage.Bucket("b", { location: "US" }, { transforms: [() => undefined] }),
      );
      assert.match(message, /cannot run transforms/);
    });

    it("a resource hook, likewise", async () => {
      const message = await refused(() => {
        const hook = new pulumi.ResourceHook("audit", () => undefined);
        new gcp.storage.Bucket("b", { location: "US" }, { hooks: { beforeCreate: [hook] } });
      });
      assert.match(message, /cannot run resource hooks/);
    });
  });

  describe("a value that is both secret and unknown (preview) is [secret]: the contract", () => {
    it("on the wire: a secret around the unknown sentinel, and a secret output value without a value", () => {
      assert.strictEqual(plainValue({ [wire.SIG_KEY]: wire.SECRET_SIG, value: wire.UNKNOWN_SENTINEL }), SECRET);
      assert.strictEqual(plainValue({ [wire.SIG_KEY]: wire.OUTPUT_VALUE_SIG, secret: true }), SECRET);
      assert.strictEqual(plainValue({ [wire.SIG_KEY]: wire.OUTPUT_VALUE_SIG }), UNKNOWN);
      assert.strictEqual(plainValue(wire.UNKNOWN_SENTINEL), UNKNOWN);
    });

    for (const preview of [false, true]) {
      it(`through the SDK (${preview ? "preview" : "update"}): secret of a computed output, secret of a known value, and a computed output`, async () => {
        const result = await run(
          () => {
            const first = new gcp.serviceaccount.Account("first", { accountId: "first-sa" });
            new gcp.serviceaccount.Account("second", {
              accountId: "second-sa",
              description: pulumi.secret(first.email),
              displayName: pulumi.secret("known"),
            });
            new gcp.serviceaccount.Account("third", { accountId: "third-sa", description: first.email });
          },
          { preview },
        );
        const second = one(result, "gcp:serviceaccount/account:Account", "second");
        assert.strictEqual(input(second, "description"), SECRET);
        assert.strictEqual(input(second, "displayName"), SECRET);
        const third = one(result, "gcp:serviceaccount/account:Account", "third");
        assert.strictEqual(
          input(third, "description"),
          preview ? UNKNOWN : "first-sa@acme-test.iam.gserviceaccount.com",
        );
      });
    }
  });
});
