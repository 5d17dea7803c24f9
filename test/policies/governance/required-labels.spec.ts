import * as assert from "node:assert";
import { requiredLabels } from "../../../policies/governance/policies/required-labels";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, violationsOf } from "../../helpers/policy";

const LABELS = {
  env: "dev",
  team: "ml-platform",
  "cost-center": "cc-1",
  "managed-by": "pulumi",
  component: "data-bucket",
};
const bucket = (labels: Record<string, unknown>) => ({
  type: "gcp:storage/bucket:Bucket",
  inputs: { location: "US", labels },
});

describe("policy cnai-required-labels", () => {
  it("passes a bucket with the five governance labels", async () => {
    assert.deepStrictEqual(await messagesOf(requiredLabels, [bucket(LABELS)]), []);
  });

  it("names the missing labels", async () => {
    const { team: _team, component: _component, ...rest } = LABELS;
    const [message] = await messagesOf(requiredLabels, [bucket(rest)]);
    assert.match(message, /labels lacks team, component/);
  });

  it("refuses empty and null values of required labels, which a plan from another program can carry (GCP itself accepts an empty value)", async () => {
    const messages = await messagesOf(requiredLabels, [
      bucket({ ...LABELS, team: "", "cost-center": null, component: " " }),
    ]);
    assert.ok(
      messages.includes(
        "labels lacks cost-center. Add them (the blueprint's labels helpers set all five from the stack config).",
      ),
      messages.join("\n"),
    );
    assert.ok(
      messages.includes(
        'labels has team="", component="": a required label needs a value. Set it in the stack config (team, costCenter) or the resource\'s labels.',
      ),
      messages.join("\n"),
    );
    assert.deepStrictEqual(
      await messagesOf(requiredLabels, [bucket({ ...LABELS, extra: "" })]),
      [],
      "an empty value of a label that is not required is valid GCP syntax",
    );
  });

  it("reads the label field of each type (node pools keep them in nodeConfig.resourceLabels)", async () => {
    const pool = {
      type: "gcp:container/nodePool:NodePool",
      inputs: { nodeConfig: { resourceLabels: { env: "dev" } } },
    };
    const [message] = await messagesOf(requiredLabels, [pool]);
    assert.match(message, /^nodeConfig\.resourceLabels lacks team, cost-center, managed-by, component/);
  });

  it("rejects label syntax GCP refuses, and a managed-by other than pulumi", async () => {
    const messages = await messagesOf(requiredLabels, [
      bucket({ ...LABELS, team: "ML Team", "managed-by": "terraform", Owner: "x" }),
    ]);
    assert.ok(
      messages.some((m) => /labels\.managed-by is "terraform"; it must be "pulumi"/.test(m)),
      messages.join("\n"),
    );
    assert.ok(
      messages.some(
        (m) =>
          /label team="ML Team" is not a GCP label value/.test(m) && /label key "Owner" is not a GCP label key/.test(m),
      ),
      messages.join("\n"),
    );
  });

  it("checks a GCP type outside the label table by its labels field, and ignores Kubernetes objects", async () => {
    const other = { type: "gcp:compute/instance:Instance", inputs: { labels: { env: "dev" } } };
    const namespace = { type: "kubernetes:core/v1:Namespace", inputs: { metadata: { name: "x" } } };
    const violations = await violationsOf(requiredLabels, [other, namespace]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn?.split("::")[2]),
      ["gcp:compute/instance:Instance"],
    );
  });

  it("takes the required labels from config, and reports at the configured level", async () => {
    const violations = await violationsOf(requiredLabels, [bucket(LABELS)], {
      enforcementLevel: "advisory",
      labels: ["owner"],
    });
    assert.deepStrictEqual(
      violations.map((v) => [v.enforcementLevel, causeOf(v)]),
      [
        [
          "advisory",
          "labels lacks owner. Add them (the blueprint's labels helpers set all five from the stack config).",
        ],
      ],
    );
  });

  it("does not run when disabled, and skips an exempted resource", async () => {
    assert.deepStrictEqual(await violationsOf(requiredLabels, [bucket({})], "disabled"), []);
    const exemptions = [
      {
        urn: "urn:pulumi:policytest::cnai-platform::gcp:storage/bucket:Bucket::legacy",
        reason: "imported bucket, relabelled in the Q3 migration",
      },
    ];
    const legacy = { ...bucket({}), name: "legacy" };
    assert.deepStrictEqual(await violationsOf(requiredLabels, [legacy], { exemptions }), []);
  });

  it("during preview, an unknown labels value is an advisory 'can't run during preview'", async () => {
    const violations = await violationsOf(requiredLabels, [bucket("[unknown]" as unknown as Record<string, unknown>)]);
    assert.strictEqual(violations.length, 1);
    assert.strictEqual(violations[0].enforcementLevel, "advisory");
    assert.match(
      violations[0].message,
      /can't run policy 'cnai-required-labels' from policy pack 'test-pack@v0\.0\.1' during preview: string value at \.labels can't be known during preview/,
    );
  });

  // @pulumi/gcp: types outside the label catalog name their labels labels (compute.Disk) or userLabels
  // (monitoring.UptimeCheckConfig); GCP label syntax is lower-case letters, digits, _ and -.
  it("reads the labels field a type outside the catalog sets, and reports label syntax with the fix", async () => {
    const disk = { type: "gcp:compute/disk:Disk", inputs: { zone: "us-central1-a", labels: LABELS } };
    const uptime = {
      type: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
      inputs: { displayName: "chat", userLabels: LABELS },
    };
    assert.deepStrictEqual(await messagesOf(requiredLabels, [disk, uptime]), []);
    assert.deepStrictEqual(await messagesOf(requiredLabels, [bucket({ ...LABELS, team: "ML-Platform" })]), [
      'labels: label team="ML-Platform" is not a GCP label value (lower-case letters, digits, _ or -, at most 63). Fix the values in the stack config (team, costCenter, labels).',
    ]);
  });
});
