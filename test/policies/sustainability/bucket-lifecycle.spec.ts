import * as assert from "node:assert";
import { bucketLifecycle } from "../../../policies/sustainability/policies/bucket-lifecycle";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";
import { BUCKET, bucket } from "./fixtures";

describe("policy cnai-bucket-lifecycle", () => {
  it("passes a bucket with a lifecycle rule", async () => {
    const rules = [{ action: { type: "Delete" }, condition: { age: 14 } }];
    assert.deepStrictEqual(await messagesOf(bucketLifecycle, [bucket(rules)]), []);
  });

  it("reports a bucket without lifecycle rules, or with an empty list, and says how to add them", async () => {
    const violations = await violationsOf(bucketLifecycle, [bucket(undefined, "none"), bucket([], "empty")]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(BUCKET, "none"), urnOf(BUCKET, "empty")],
    );
    assert.match(
      causeOf(violations[0]),
      /^Bucket has no lifecycle rule, so every object and noncurrent version is kept, and billed, forever\. Add lifecycleRules: delete old or noncurrent objects/,
    );
    assert.match(causeOf(violations[0]), /SetStorageClass/);
    // The fix names where the blueprint sets it.
    assert.match(causeOf(violations[0]), /\(the DataBucket component's lifecycle args do this\)\.$/);
  });

  it("looks at buckets only", async () => {
    const topic = { type: "gcp:pubsub/topic:Topic", inputs: { labels: {} } };
    assert.deepStrictEqual(await messagesOf(bucketLifecycle, [topic]), []);
  });

  it("reports at the configured level, and skips exempted buckets", async () => {
    const [violation] = await violationsOf(bucketLifecycle, [bucket(undefined, "audit")], "advisory");
    assert.strictEqual(violation.enforcementLevel, "advisory");
    const exemptions = [
      { urn: urnOf(BUCKET, "audit"), reason: "audit logs kept under a retention policy, never deleted" },
    ];
    assert.deepStrictEqual(await violationsOf(bucketLifecycle, [bucket(undefined, "audit")], { exemptions }), []);
  });
});
