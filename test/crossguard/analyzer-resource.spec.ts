import * as assert from "node:assert";
import { analyzerResources, goDurationSeconds } from "../../scripts/lib/crossguard/analyzer-resource";
import { UNKNOWN_SENTINEL } from "../../scripts/lib/wire-values";
import { planOf, urnOf } from "../helpers/policy";

/**
 * A plan's resources as the Pulumi engine sends them to a policy pack (pulumirpc.AnalyzerResource,
 * built in pkg/resource/deploy/step_generator.go and marshalled in pkg/resource/plugin/analyzer_plugin.go).
 */
describe("analyzer resources: what the engine sends a pack", () => {
  const provider = urnOf("pulumi:providers:kubernetes", "k8s");
  const parent = urnOf("cnai:data:DataBucket", "p");
  const plan = planOf([
    { type: "pulumi:providers:kubernetes", name: "k8s", inputs: { kubeconfig: "[secret]" } },
    { type: "cnai:data:DataBucket", name: "p", inputs: {} },
    {
      type: "gcp:storage/bucket:Bucket",
      name: "b",
      parent,
      inputs: { name: "[unknown]", labels: { env: "dev" }, lifecycleRules: [{ action: { type: "[unknown]" } }] },
      options: {
        protect: true,
        retainOnDelete: true,
        deleteBeforeReplace: true,
        ignoreChanges: ["labels"],
        dependsOn: [parent],
        aliases: [{ spec: { name: "old" } }],
        additionalSecretOutputs: ["x"],
      },
      propertyDependencies: { labels: [], name: [parent] },
    },
  ]);
  plan.resources[2].provider = `${provider}::0b7e4ad4-5c8b-4a52-9c0a-0e5e0f0d1a11`;
  const [, component, bucket] = analyzerResources(plan);

  it("sends the inputs with the wire's unknown sentinel for values unknown in preview", () => {
    assert.deepStrictEqual(bucket.properties, {
      name: UNKNOWN_SENTINEL,
      labels: { env: "dev" },
      lifecycleRules: [{ action: { type: UNKNOWN_SENTINEL } }],
    });
  });

  it("sends protect, ignoreChanges, deleteBeforeReplace when set, additional secret outputs, zero timeouts and the parent; no retainOnDelete, and no aliases for a new stack", () => {
    assert.deepStrictEqual(bucket.options, {
      protect: true,
      ignoreChanges: ["labels"],
      deleteBeforeReplace: true,
      additionalSecretOutputs: ["x"],
      aliases: [],
      customTimeouts: { create: 0, update: 0, delete: 0, read: 0 },
      parent,
    });
    assert.ok(!("deleteBeforeReplace" in component.options), "not defined when the program did not set it");
  });

  it("sends the customTimeouts option in seconds, as the resource monitor parses the SDK's Go durations (time.ParseDuration)", () => {
    const timed = planOf([
      {
        type: "gcp:cloudrunv2/service:Service",
        name: "run",
        inputs: {},
        options: { customTimeouts: { create: "45m", update: "1h30m", delete: "1.5s" } },
      },
    ]);
    assert.deepStrictEqual(analyzerResources(timed)[0].options.customTimeouts, {
      create: 2700,
      update: 5400,
      delete: 1.5,
      read: 0,
    });
    assert.deepStrictEqual(
      [
        goDurationSeconds("300ms"),
        goDurationSeconds("2h"),
        goDurationSeconds("-90s"),
        goDurationSeconds("0"),
        goDurationSeconds(undefined),
      ],
      [0.3, 7200, -90, 0, 0],
    );
    assert.throws(() => goDurationSeconds("45 minutes"), /unable to parse customTimeout Value 45 minutes/);
  });

  it("sends the provider the reference names, with its inputs", () => {
    assert.deepStrictEqual(bucket.provider, {
      urn: provider,
      type: "pulumi:providers:kubernetes",
      name: "k8s",
      properties: { kubeconfig: "[secret]" },
    });
    assert.strictEqual(component.provider, undefined);
  });

  it("sends the stack view's parent, every dependency, and the property dependencies that have any", () => {
    assert.strictEqual(bucket.parent, parent);
    assert.deepStrictEqual(bucket.dependencies, [parent]);
    assert.deepStrictEqual(bucket.propertyDependencies, { name: [parent] });
  });
});
