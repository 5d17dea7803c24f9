import * as assert from "node:assert";
import { resourcePolicy, stackPolicy } from "../../policies/lib/policy";
import {
  causeOf,
  evaluatePolicies,
  PolicyConfigError,
  reconcilePolicyConfig,
  type ServedPack,
} from "../../scripts/lib/policy-engine";
import { planOf, testPack, urnOf } from "../helpers/policy";

/**
 * The offline policy engine: config reconciled as the Pulumi CLI does (schema defaults, then `all`,
 * then the policy's own entry) and validated more strictly; policies run as @pulumi/policy's server
 * runs them (levels, disabled, remediate, unknown values in preview, not-applicable, stack policies).
 */
const flagEverything = resourcePolicy<{ word: string; limit: number }>({
  name: "test-flag",
  description: "Flags every bucket.",
  config: { word: { type: "string", default: "bucket" }, limit: { type: "integer", minimum: 1, maximum: 10 } },
  types: ["gcp:storage/bucket:Bucket"],
  validate: (args, report, config) => report(`${config.word} ${args.name} (${args.props.location})`),
});

const countStack = stackPolicy<Record<string, never>>({
  name: "test-stack",
  description: "Reports the stack and each bucket.",
  validate: (args, report) => {
    report(`${args.resources.length} resources`);
    for (const r of args.resources)
      if (r.type === "gcp:storage/bucket:Bucket") report(`bucket ${r.name} in ${r.props.location}`, r.urn);
  },
});

const PACK = testPack(flagEverything, countStack);
const BUCKETS = [
  { type: "gcp:storage/bucket:Bucket", name: "a", inputs: { location: "EU" } },
  { type: "gcp:storage/bucket:Bucket", name: "b", inputs: { location: "US" } },
  { type: "gcp:pubsub/topic:Topic", name: "t", inputs: {} },
];

const evaluate = async (pack: ServedPack, config: Record<string, unknown>, resources: Parameters<typeof planOf>[0]) =>
  await evaluatePolicies(
    planOf(resources),
    [pack],
    new Map([[pack.name, reconcilePolicyConfig(pack, config, "policies/config/x.json")]]),
  );
const run = async (config: Record<string, unknown>, resources = BUCKETS) =>
  (await evaluate(PACK, config, resources)).violations;

const configError = (config: Record<string, unknown>) => {
  try {
    reconcilePolicyConfig(PACK, config, "policies/config/x.json");
  } catch (error) {
    assert.ok(error instanceof PolicyConfigError, String(error));
    return (error as Error).message;
  }
  assert.fail("expected a PolicyConfigError");
};

describe("offline policy engine", () => {
  describe("config", () => {
    it("starts from the pack's level and the schema defaults", () => {
      const config = reconcilePolicyConfig(PACK, {}, "x.json");
      assert.deepStrictEqual(config.get("test-flag"), {
        enforcementLevel: "mandatory",
        properties: { word: "bucket", exemptions: [] },
      });
    });

    it("applies `all`, then each policy's own level and properties", () => {
      const config = reconcilePolicyConfig(PACK, { all: "advisory", "test-flag": { word: "b", limit: 3 } }, "x.json");
      assert.deepStrictEqual(config.get("test-flag"), {
        enforcementLevel: "advisory",
        properties: { word: "b", limit: 3, exemptions: [] },
      });
      assert.strictEqual(config.get("test-stack")!.enforcementLevel, "advisory");
      assert.strictEqual(
        reconcilePolicyConfig(PACK, { all: "advisory", "test-stack": "disabled" }, "x.json").get("test-stack")!
          .enforcementLevel,
        "disabled",
      );
      assert.strictEqual(
        reconcilePolicyConfig(
          PACK,
          { all: { enforcementLevel: "advisory" }, "test-flag": { enforcementLevel: "mandatory" } },
          "x.json",
        ).get("test-flag")!.enforcementLevel,
        "mandatory",
      );
    });

    it("names the file, the key, the value and what is allowed for every problem", () => {
      const message = configError({
        "test-flg": "advisory",
        "test-flag": { limit: 11, wrod: "x", enforcementLevel: "blocking" },
        "test-stack": 3,
      });
      assert.match(message, /^Invalid policy configuration in policies\/config\/x\.json \(5 problems\):/);
      assert.match(
        message,
        /policies\/config\/x\.json: test-flg: not a policy of test-pack; allowed: all, test-flag, test-stack/,
      );
      assert.match(
        message,
        /policies\/config\/x\.json: test-flag\.enforcementLevel: got "blocking"; allowed: one of advisory, mandatory, remediate, disabled/,
      );
      assert.match(message, /test-flag\.wrod: unknown property; allowed: enforcementLevel, word, limit, exemptions/);
      assert.match(message, /test-flag\.limit: got 11; allowed: an integer <= 10/);
      assert.match(message, /test-stack: got 3; allowed: an enforcement level or an object of its properties/);
    });

    it("rejects exemptions without a URN or with a reason under 20 characters", () => {
      const message = configError({
        "test-flag": {
          exemptions: [
            { urn: urnOf("gcp:storage/bucket:Bucket", "a"), reason: "legacy" },
            { urn: "bucket-b", reason: "a reason long enough to pass the check" },
          ],
        },
      });
      assert.match(
        message,
        /test-flag\.exemptions\.0\.reason: got "legacy"; allowed: a string of at least 20 characters/,
      );
      assert.match(message, /test-flag\.exemptions\.1\.urn: got "bucket-b"; allowed: a string matching \^urn:pulumi:/);
    });
  });

  describe("evaluation", () => {
    it("runs resource policies on the types they name, stack policies once, at the configured levels", async () => {
      const violations = await run({ "test-stack": "advisory" });
      assert.deepStrictEqual(
        violations.map((v) => [v.policy, v.enforcementLevel, v.urn, causeOf(v)]),
        [
          ["test-flag", "mandatory", urnOf("gcp:storage/bucket:Bucket", "a"), "bucket a (EU)"],
          ["test-flag", "mandatory", urnOf("gcp:storage/bucket:Bucket", "b"), "bucket b (US)"],
          ["test-stack", "advisory", null, "3 resources"],
          ["test-stack", "advisory", urnOf("gcp:storage/bucket:Bucket", "a"), "bucket a in EU"],
          ["test-stack", "advisory", urnOf("gcp:storage/bucket:Bucket", "b"), "bucket b in US"],
        ],
      );
      assert.ok(violations.every((v) => v.pack === "test-pack"));
      // CrossGuard's message: the description, then what the policy said (server.ts makeReportViolationFun).
      assert.strictEqual(violations[0].message, "Flags every bucket.\nbucket a (EU)");
      assert.strictEqual(violations[0].description, "Flags every bucket.");
    });

    it("skips disabled policies and reports remediate as mandatory, as the policy server does", async () => {
      const violations = await run({ "test-flag": "disabled", "test-stack": "remediate" });
      assert.deepStrictEqual(
        [...new Set(violations.map((v) => `${v.policy}:${v.enforcementLevel}`))],
        ["test-stack:mandatory"],
      );
    });

    it("drops exempted resources from resource and stack policies alike", async () => {
      const exemptions = [
        { urn: urnOf("gcp:storage/bucket:Bucket", "a"), reason: "archived bucket, deleted next quarter" },
      ];
      const violations = await run({ "test-flag": { exemptions }, "test-stack": { exemptions } });
      assert.ok(!violations.some((v) => v.urn === exemptions[0].urn), JSON.stringify(violations));
      assert.strictEqual(violations.length, 3);
    });

    it("matches exemptions on the whole URN: a resource of another type or parent with the same name is still checked", async () => {
      const tagged = resourcePolicy({
        name: "test-any",
        description: "Flags everything named a.",
        validate: (args, report) => void (args.name === "a" && report("named a")),
      });
      const exemptions = [
        { urn: urnOf("gcp:storage/bucket:Bucket", "a"), reason: "archived bucket, deleted next quarter" },
      ];
      const resources = [
        { type: "gcp:storage/bucket:Bucket", name: "a", inputs: {} },
        { type: "gcp:pubsub/topic:Topic", name: "a", inputs: {} },
        { type: "gcp:storage/bucket:Bucket", name: "a", inputs: {}, parent: urnOf("cnai:data:DataBucket", "p") },
      ];
      const plan = planOf(resources);
      // planOf names URNs by type and name only; the child's URN carries its parent's type.
      plan.resources[2].urn = "urn:pulumi:policytest::cnai-platform::cnai:data:DataBucket$gcp:storage/bucket:Bucket::a";
      const pack = testPack(tagged);
      const { violations } = await evaluatePolicies(
        plan,
        [pack],
        new Map([[pack.name, reconcilePolicyConfig(pack, { "test-any": { exemptions } }, "x.json")]]),
      );
      assert.deepStrictEqual(
        violations.map((v) => v.urn),
        [plan.resources[1].urn, plan.resources[2].urn],
      );
    });

    it("turns a read of an unknown value into an advisory 'can't run during preview', for resource and stack policies", async () => {
      const violations = await run({}, [
        { type: "gcp:storage/bucket:Bucket", name: "a", inputs: { location: "[unknown]" } },
      ]);
      const preview = violations.filter((v) => /during preview/.test(v.message));
      assert.deepStrictEqual(
        preview.map((v) => [v.policy, v.enforcementLevel, v.urn]),
        [
          ["test-flag", "advisory", urnOf("gcp:storage/bucket:Bucket", "a")],
          ["test-stack", "advisory", null],
        ],
      );
      assert.match(
        preview[0].message,
        /^can't run policy 'test-flag' from policy pack 'test-pack@v0\.0\.1' during preview: string value at \.location can't be known during preview$/,
      );
    });

    it("lets a policy declare itself not applicable, and surfaces a policy's own bug as an error", async () => {
      const notApplicable = resourcePolicy({
        name: "test-na",
        description: "n/a",
        validate: (args) => args.notApplicable("not here"),
      });
      const broken = resourcePolicy({
        name: "test-broken",
        description: "bug",
        validate: () => {
          throw new TypeError("boom");
        },
      });
      assert.deepStrictEqual((await evaluate(testPack(notApplicable), {}, BUCKETS)).violations, []);
      await assert.rejects(
        evaluate(testPack(broken), {}, BUCKETS),
        /^PolicyRequestError: Error validating resource urn:pulumi:policytest::cnai-platform::gcp:storage\/bucket:Bucket::a with policy 'test-broken' from policy pack 'test-pack@v0\.0\.1': boom$/,
      );
    });

    it("links stack resources to their parents and dependencies", async () => {
      let seen: string[] = [];
      const links = stackPolicy({
        name: "test-links",
        description: "links",
        validate: (args) => {
          seen = args.resources.map(
            (r) =>
              `${r.name}<${r.parent?.name ?? ""}>[${r.dependencies.map((d) => d.name).join(",")}]{${Object.keys(r.propertyDependencies).join(",")}}`,
          );
        },
      });
      const parent = urnOf("cnai:data:DataBucket", "p");
      await evaluate(testPack(links), {}, [
        { type: "cnai:data:DataBucket", name: "p", inputs: {} },
        { type: "gcp:storage/bucket:Bucket", name: "a", inputs: {}, parent, options: { dependsOn: [parent] } },
        {
          type: "gcp:storage/bucketIAMMember:BucketIAMMember",
          name: "m",
          inputs: { bucket: "a" },
          propertyDependencies: { bucket: [urnOf("gcp:storage/bucket:Bucket", "a")] },
        },
      ]);
      assert.deepStrictEqual(seen, ["p<>[]{}", "a<p>[p]{}", "m<>[a]{bucket}"]);
    });
  });
});
