import * as assert from "node:assert";
import { bucketVersioning } from "../../../policies/governance/policies/bucket-versioning";
import { messagesOf } from "../../helpers/policy";

const bucket = (purpose: string | undefined, versioning?: boolean) => ({
  type: "gcp:storage/bucket:Bucket",
  inputs: {
    labels: { env: "dev", ...(purpose ? { purpose } : {}) },
    ...(versioning === undefined ? {} : { versioning: { enabled: versioning } }),
  },
});

describe("policy cnai-bucket-versioning", () => {
  it("passes dataset and model buckets with versioning", async () => {
    assert.deepStrictEqual(
      await messagesOf(
        bucketVersioning,
        ["datasets-raw", "datasets-curated", "models"].map((p) => bucket(p, true)),
      ),
      [],
    );
  });

  it("requires versioning on dataset and model buckets (absent is off)", async () => {
    const messages = await messagesOf(bucketVersioning, [bucket("models", false), bucket("datasets-raw")]);
    assert.deepStrictEqual(messages, [
      "A models bucket without object versioning or a retention policy: an overwrite or delete is final. Set versioning.enabled: true (DataBucket's versioning argument), with a lifecycle rule that expires old versions, or a retention policy (DataBucket's retentionDays).",
      "A datasets-raw bucket without object versioning or a retention policy: an overwrite or delete is final. Set versioning.enabled: true (DataBucket's versioning argument), with a lifecycle rule that expires old versions, or a retention policy (DataBucket's retentionDays).",
    ]);
  });

  it("accepts a retention policy instead (Cloud Storage refuses both on one bucket)", async () => {
    const retained = {
      type: "gcp:storage/bucket:Bucket",
      inputs: {
        labels: { purpose: "datasets-raw" },
        versioning: { enabled: false },
        retentionPolicy: { retentionPeriod: "2592000", isLocked: false },
      },
    };
    assert.deepStrictEqual(await messagesOf(bucketVersioning, [retained]), []);
  });

  it("leaves checkpoints and buckets without a purpose label alone by default", async () => {
    assert.deepStrictEqual(
      await messagesOf(bucketVersioning, [bucket("checkpoints", false), bucket(undefined, false)]),
      [],
    );
  });

  it("takes the purposes and the label from config", async () => {
    const withCheckpoints = await messagesOf(bucketVersioning, [bucket("checkpoints", false)], {
      purposes: ["checkpoints"],
    });
    assert.match(withCheckpoints[0], /^A checkpoints bucket without object versioning/);
    const byTier = { type: "gcp:storage/bucket:Bucket", inputs: { labels: { tier: "gold" } } };
    assert.strictEqual((await messagesOf(bucketVersioning, [byTier], { label: "tier", purposes: ["gold"] })).length, 1);
  });

  it("ignores a bucket without labels", async () => {
    assert.deepStrictEqual(
      await messagesOf(bucketVersioning, [{ type: "gcp:storage/bucket:Bucket", inputs: { location: "US" } }]),
      [],
    );
  });
});
