import * as assert from "node:assert";
import { dataClassification } from "../../../policies/governance/policies/data-classification";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";

const KEY = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k";
const labels = (classification?: string) => ({
  env: "prod",
  team: "ml",
  ...(classification ? { "data-classification": classification } : {}),
});
const bucket = (classification?: string, extra: Record<string, unknown> = {}) => ({
  type: "gcp:storage/bucket:Bucket",
  name: "b",
  inputs: { labels: labels(classification), ...extra },
});
const dataset = (extra: Record<string, unknown> = {}) => ({
  type: "gcp:bigquery/dataset:Dataset",
  name: "ds",
  inputs: { datasetId: "ml", project: "p", labels: labels("confidential"), ...extra },
});
const table = (extra: Record<string, unknown> = {}) => ({
  type: "gcp:bigquery/table:Table",
  name: "t",
  inputs: { datasetId: "ml", project: "p", tableId: "events", labels: labels("confidential"), ...extra },
});

describe("policy cnai-data-classification", () => {
  it("passes classified data stores, with a customer-managed key where the class needs one", async () => {
    const resources = [
      bucket("internal"),
      bucket("restricted", { encryption: { defaultKmsKeyName: KEY } }),
      dataset({ defaultEncryptionConfiguration: { kmsKeyName: KEY } }),
      table({ encryptionConfiguration: { kmsKeyName: KEY } }),
      { type: "gcp:pubsub/topic:Topic", inputs: { labels: labels("confidential"), kmsKeyName: KEY } },
      {
        type: "gcp:sql/databaseInstance:DatabaseInstance",
        inputs: { encryptionKeyName: KEY, settings: { userLabels: labels("restricted") } },
      },
    ];
    assert.deepStrictEqual(await messagesOf(dataClassification, resources), []);
  });

  it("requires the label on every data store type, naming the field and the allowed values", async () => {
    const violations = await violationsOf(dataClassification, [
      bucket(),
      { type: "gcp:sql/databaseInstance:DatabaseInstance", name: "db", inputs: { settings: { userLabels: labels() } } },
    ]);
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, causeOf(v)]),
      [
        [
          urnOf("gcp:storage/bucket:Bucket", "b"),
          "labels lacks data-classification. Set it to one of public, internal, confidential, restricted (the components' classification argument sets it).",
        ],
        [
          urnOf("gcp:sql/databaseInstance:DatabaseInstance", "db"),
          "settings.userLabels lacks data-classification. Set it to one of public, internal, confidential, restricted (the components' classification argument sets it).",
        ],
      ],
    );
  });

  it("rejects a value outside the taxonomy", async () => {
    const [message] = await messagesOf(dataClassification, [bucket("secret")]);
    assert.strictEqual(
      message,
      'labels.data-classification is "secret"; allowed: public, internal, confidential, restricted. Use one of them.',
    );
  });

  it("requires a customer-managed key for confidential and restricted data, per type's key field", async () => {
    const messages = await messagesOf(dataClassification, [
      bucket("confidential"),
      dataset(),
      { type: "gcp:pubsub/topic:Topic", inputs: { labels: labels("restricted") } },
      {
        type: "gcp:sql/databaseInstance:DatabaseInstance",
        inputs: { settings: { userLabels: labels("confidential") } },
      },
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.match(/set (\S+)/)?.[1]),
      ["encryption.defaultKmsKeyName", "defaultEncryptionConfiguration.kmsKeyName", "kmsKeyName", "encryptionKeyName"],
    );
    assert.match(
      messages[0],
      /^confidential data without a customer-managed key: set encryption\.defaultKmsKeyName to a Cloud KMS key/,
    );
  });

  it("counts a key that is unknown during preview as set (a key created in the same stack)", async () => {
    assert.deepStrictEqual(
      await messagesOf(dataClassification, [bucket("restricted", { encryption: { defaultKmsKeyName: "[unknown]" } })]),
      [],
    );
  });

  it("accepts a table without a key when its dataset in the stack has a default key (BigQuery inherits it)", async () => {
    assert.deepStrictEqual(
      await messagesOf(dataClassification, [dataset({ defaultEncryptionConfiguration: { kmsKeyName: KEY } }), table()]),
      [],
    );
  });

  it("reports a confidential table whose dataset has no default key, or is not in the stack", async () => {
    const withDataset = await messagesOf(dataClassification, [dataset({ labels: labels("internal") }), table()]);
    assert.deepStrictEqual(withDataset, [
      "confidential table without a customer-managed key: encryptionConfiguration.kmsKeyName is not set and its dataset ds has no default key (defaultEncryptionConfiguration.kmsKeyName). Set the table's key, or the dataset's default key.",
    ]);
    const otherProject = await messagesOf(dataClassification, [
      dataset({ project: "other", defaultEncryptionConfiguration: { kmsKeyName: KEY } }),
      table(),
    ]);
    assert.match(
      otherProject.find((m) => m.includes("table"))!,
      /its dataset ml is not in this stack, so its default key cannot be checked/,
    );
  });

  it("checks other GCP types that carry the label, and ignores public and internal data's keys", async () => {
    const secret = {
      type: "gcp:secretmanager/secret:Secret",
      inputs: { labels: labels("restricted"), replication: { auto: {} } },
    };
    const [message] = await messagesOf(dataClassification, [secret, bucket("public")]);
    assert.match(
      message,
      /^restricted data without a customer-managed key: set replication\.auto\.customerManagedEncryption\.kmsKeyName/,
    );
    const unlabelledOther = { type: "gcp:compute/instance:Instance", inputs: { labels: { env: "prod" } } };
    assert.deepStrictEqual(await messagesOf(dataClassification, [unlabelledOther]), []);
  });

  it("takes the classes, the CMEK classes and the types from config", async () => {
    const config = {
      classifications: ["open", "closed"],
      cmekClassifications: ["closed"],
      types: ["gcp:pubsub/topic:Topic"],
    };
    const messages = await messagesOf(
      dataClassification,
      [bucket("closed"), { type: "gcp:pubsub/topic:Topic", inputs: { labels: labels() } }],
      config,
    );
    assert.deepStrictEqual(messages, [
      // The bucket is outside the configured types, but it carries the label, so it is checked.
      "closed data without a customer-managed key: set encryption.defaultKmsKeyName to a Cloud KMS key (the components' kmsKeyName argument), or lower the classification if the data allows it.",
      "labels lacks data-classification. Set it to one of open, closed (the components' classification argument sets it).",
    ]);
  });

  it("skips an exempted resource and reports at the configured level", async () => {
    const exemptions = [
      { urn: urnOf("gcp:storage/bucket:Bucket", "b"), reason: "imported bucket, classified in the Q3 data review" },
    ];
    assert.deepStrictEqual(await violationsOf(dataClassification, [bucket()], { exemptions }), []);
    const [violation] = await violationsOf(dataClassification, [bucket()], "advisory");
    assert.strictEqual(violation.enforcementLevel, "advisory");
  });

  it("treats a store without labels, or with an empty classification, as lacking the label", async () => {
    const unlabelled = { type: "gcp:storage/bucket:Bucket", name: "bare", inputs: { location: "US" } };
    const empty = {
      type: "gcp:storage/bucket:Bucket",
      name: "empty",
      inputs: { labels: { ...labels(), "data-classification": "" } },
    };
    const messages = await messagesOf(dataClassification, [unlabelled, empty, bucket("public")]);
    assert.deepStrictEqual(messages, [
      "labels lacks data-classification. Set it to one of public, internal, confidential, restricted (the components' classification argument sets it).",
      "labels lacks data-classification. Set it to one of public, internal, confidential, restricted (the components' classification argument sets it).",
    ]);
  });

  // Types outside the label catalog: @pulumi/gcp names the field labels (compute.Disk) or userLabels
  // (monitoring.UptimeCheckConfig); the policy reads whichever the resource sets.
  it("reads the labels field of a type outside the catalog, labels or userLabels", async () => {
    const disk = (inputs: Record<string, unknown>) => ({ type: "gcp:compute/disk:Disk", name: "disk", inputs });
    const uptime = {
      type: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
      name: "uptime",
      inputs: { displayName: "chat", userLabels: { "data-classification": "secret" } },
    };
    assert.deepStrictEqual(
      await messagesOf(dataClassification, [disk({ labels: { "data-classification": "secret" } }), uptime]),
      [
        'labels.data-classification is "secret"; allowed: public, internal, confidential, restricted. Use one of them.',
        'userLabels.data-classification is "secret"; allowed: public, internal, confidential, restricted. Use one of them.',
      ],
    );
    const config = { types: ["gcp:compute/disk:Disk", "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig"] };
    const missing = await messagesOf(
      dataClassification,
      [disk({ size: 10 }), { ...uptime, inputs: { displayName: "chat", userLabels: { team: "ml" } } }],
      config,
    );
    assert.deepStrictEqual(
      missing.map((m) => m.split(" lacks")[0]),
      ["labels", "userLabels"],
    );
  });

  // BigQuery: a table belongs to the dataset of its datasetId in its project; either resource may leave
  // project to the provider's default project.
  it("finds a table's dataset by datasetId, and by project only when both name one", async () => {
    const keyed = { defaultEncryptionConfiguration: { kmsKeyName: KEY } };
    const cases: [Record<string, unknown>, Record<string, unknown>, boolean][] = [
      [{ ...keyed, project: undefined }, {}, true],
      [keyed, { project: undefined }, true],
      [{ ...keyed, datasetId: "features" }, {}, false],
    ];
    for (const [ds, t, inherits] of cases) {
      const messages = await messagesOf(dataClassification, [dataset(ds), table(t)]);
      assert.strictEqual(messages.length, inherits ? 0 : 1, JSON.stringify([ds, t]));
      if (!inherits) assert.match(messages[0], /its dataset ml is not in this stack/);
    }
  });
});
