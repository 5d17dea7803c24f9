import * as assert from "node:assert";
import { deletionProtection } from "../../../policies/governance/policies/deletion-protection";
import { messagesOf, violationsOf } from "../../helpers/policy";

const r = (type: string, inputs: Record<string, unknown>) => ({ type, inputs });
const CLUSTER = "gcp:container/cluster:Cluster";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const TABLE = "gcp:bigquery/table:Table";
const RUN = "gcp:cloudrunv2/service:Service";

describe("policy cnai-deletion-protection", () => {
  it("passes on the provider defaults (deletionProtection true) and Cloud SQL's API-side flag", async () => {
    const resources = [
      r(CLUSTER, {}),
      r(TABLE, {}),
      r(RUN, { deletionProtection: true }),
      r(SQL, { settings: { deletionProtectionEnabled: true } }),
      r("gcp:storage/bucket:Bucket", { forceDestroy: false }),
      r("gcp:bigquery/dataset:Dataset", {}),
    ];
    assert.deepStrictEqual(await messagesOf(deletionProtection, resources), []);
  });

  it("reports deletionProtection: false on clusters, tables, Cloud Run services and jobs", async () => {
    const messages = await messagesOf(
      deletionProtection,
      [CLUSTER, TABLE, RUN, "gcp:cloudrunv2/job:Job"].map((t) => r(t, { deletionProtection: false })),
    );
    assert.strictEqual(messages.length, 4);
    for (const m of messages)
      assert.strictEqual(
        m,
        "deletionProtection is false: Pulumi may delete or replace it. Remove the setting or set it to true.",
      );
  });

  it("requires both Cloud SQL flags: deletionProtection (Pulumi) and settings.deletionProtectionEnabled (API, absent is false)", async () => {
    assert.deepStrictEqual(await messagesOf(deletionProtection, [r(SQL, { deletionProtection: false })]), [
      "deletionProtection is false: Pulumi may delete or replace the instance and its data. Remove it or set it to true.",
      "settings.deletionProtectionEnabled is not true: the instance can be deleted from the console or gcloud. Set it to true (PostgresDatabase's deletionProtection argument).",
    ]);
  });

  it("rejects forceDestroy on buckets and deleteContentsOnDestroy on datasets", async () => {
    const messages = await messagesOf(deletionProtection, [
      r("gcp:storage/bucket:Bucket", { forceDestroy: true }),
      r("gcp:bigquery/dataset:Dataset", { deleteContentsOnDestroy: true }),
    ]);
    assert.match(messages[0], /^forceDestroy is true: deleting the bucket deletes every object in it/);
    assert.match(messages[1], /^deleteContentsOnDestroy is true: deleting the dataset deletes its tables/);
  });

  it("is turned off per stack by its level (dev and staging disable it)", async () => {
    assert.deepStrictEqual(
      await violationsOf(deletionProtection, [r(CLUSTER, { deletionProtection: false })], "disabled"),
      [],
    );
  });

  // google_storage_bucket: force_destroy defaults to false.
  it("passes a bucket that leaves forceDestroy to the provider's default (false)", async () => {
    assert.deepStrictEqual(
      await messagesOf(deletionProtection, [r("gcp:storage/bucket:Bucket", { location: "US" })]),
      [],
    );
  });
});
