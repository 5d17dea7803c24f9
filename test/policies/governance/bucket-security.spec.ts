import * as assert from "node:assert";
import { bucketSecurity } from "../../../policies/governance/policies/bucket-security";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";

const BUCKET = "gcp:storage/bucket:Bucket";
const secure = { uniformBucketLevelAccess: true, publicAccessPrevention: "enforced" };
const bucket = (inputs: Record<string, unknown>) => ({
  type: BUCKET,
  name: "b",
  inputs: { location: "US", ...inputs },
});
const member = (m: string, role = "roles/storage.objectViewer") => ({
  type: "gcp:storage/bucketIAMMember:BucketIAMMember",
  inputs: { bucket: "b", role, member: m },
});

describe("policy cnai-bucket-security", () => {
  it("passes a bucket with uniform access and enforced public-access prevention, and grants to named principals", async () => {
    const binding = {
      type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
      inputs: { bucket: "b", role: "roles/storage.objectViewer", members: ["group:ml@acme.example"] },
    };
    assert.deepStrictEqual(
      await messagesOf(bucketSecurity, [
        bucket(secure),
        member("serviceAccount:sa@p.iam.gserviceaccount.com"),
        binding,
      ]),
      [],
    );
  });

  it("requires uniform bucket-level access (absent is off)", async () => {
    const [message] = await messagesOf(bucketSecurity, [bucket({ publicAccessPrevention: "enforced" })]);
    assert.strictEqual(
      message,
      "uniformBucketLevelAccess is not true, so object ACLs can grant access outside IAM. Set uniformBucketLevelAccess: true (DataBucket does).",
    );
  });

  it("requires enforced public-access prevention (absent is inherited)", async () => {
    assert.deepStrictEqual(await messagesOf(bucketSecurity, [bucket({ uniformBucketLevelAccess: true })]), [
      'publicAccessPrevention is "inherited (unset)", so the bucket can be made public. Set publicAccessPrevention: "enforced".',
    ]);
    const [message] = await messagesOf(bucketSecurity, [
      bucket({ uniformBucketLevelAccess: true, publicAccessPrevention: "inherited" }),
    ]);
    assert.match(message, /^publicAccessPrevention is "inherited"/);
  });

  it("rejects allUsers and allAuthenticatedUsers in bucket IAM members, bindings and policies", async () => {
    const policy = {
      type: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
      inputs: {
        bucket: "b",
        policyData: JSON.stringify({
          bindings: [
            { role: "roles/storage.objectViewer", members: ["allAuthenticatedUsers", "group:x@acme.example"] },
          ],
        }),
      },
    };
    const binding = {
      type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
      inputs: { bucket: "b", role: "roles/storage.objectAdmin", members: ["allUsers"] },
    };
    const messages = await messagesOf(bucketSecurity, [member("allUsers"), binding, policy]);
    assert.deepStrictEqual(messages, [
      "member grants roles/storage.objectViewer to allUsers: anyone could read or change the bucket. Grant named groups or service accounts instead.",
      "members grants roles/storage.objectAdmin to allUsers: anyone could read or change the bucket. Grant named groups or service accounts instead.",
      "policyData.bindings[0] grants roles/storage.objectViewer to allAuthenticatedUsers: anyone could read or change the bucket. Grant named groups or service accounts instead.",
    ]);
  });

  it("rejects public ACL entities, and policyData it cannot read", async () => {
    const acl = {
      type: "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
      inputs: { bucket: "b", entity: "allUsers", role: "READER" },
    };
    const bad = {
      type: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
      inputs: { bucket: "b", policyData: "{not json" },
    };
    const messages = await messagesOf(bucketSecurity, [acl, bad]);
    assert.match(messages[0], /^ACL entity allUsers makes objects public/);
    assert.match(messages[1], /^policyData is not a JSON IAM policy; the policy cannot check it/);
  });

  it("passes a member unknown during preview (a computed principal is never allUsers)", async () => {
    assert.deepStrictEqual(await messagesOf(bucketSecurity, [member("[unknown]")]), []);
  });

  it("ignores other types, and skips an exempted bucket", async () => {
    assert.deepStrictEqual(
      await messagesOf(bucketSecurity, [{ type: "gcp:bigquery/dataset:Dataset", inputs: {} }]),
      [],
    );
    const exemptions = [{ urn: urnOf(BUCKET, "b"), reason: "public website assets, reviewed by security in SEC-123" }];
    assert.deepStrictEqual(await violationsOf(bucketSecurity, [bucket({})], { exemptions }), []);
  });

  // Cloud Storage ACL entities: allUsers and allAuthenticatedUsers are public; a user or group entity is not.
  it("passes an ACL entry for a named principal", async () => {
    const acl = {
      type: "gcp:storage/bucketAccessControl:BucketAccessControl",
      inputs: { bucket: "b", entity: "group-ml@example.com", role: "READER" },
    };
    assert.deepStrictEqual(await messagesOf(bucketSecurity, [acl]), []);
  });
});
