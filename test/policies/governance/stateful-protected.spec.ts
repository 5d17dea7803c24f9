import * as assert from "node:assert";
import { STATEFUL_TYPES, statefulProtected } from "../../../policies/governance/policies/stateful-protected";
import { messagesOf, violationsOf } from "../../helpers/policy";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const UNPROTECTED =
  "protect is not set, so a rename, a replacement or a destroy deletes it. Set protect: true in its resource options (the components' protect argument).";
const protectedSql = { deletionProtection: true, settings: { deletionProtectionEnabled: true } };

describe("policy cnai-stateful-protected", () => {
  it("passes every stateful type when protected", async () => {
    const resources = STATEFUL_TYPES.map((type) => ({
      type,
      inputs: type === SQL ? protectedSql : {},
      options: { protect: true },
    }));
    assert.deepStrictEqual(await messagesOf(statefulProtected, resources), []);
  });

  it("does not count retainOnDelete, which CrossGuard never sends a policy (not in AnalyzerResourceOptions)", async () => {
    const messages = await messagesOf(statefulProtected, [
      { type: "gcp:kms/keyRing:KeyRing", inputs: {}, options: { retainOnDelete: true } },
    ]);
    assert.deepStrictEqual(messages, [UNPROTECTED]);
  });

  it("reports an unprotected stateful resource, and ignores stateless ones", async () => {
    const messages = await messagesOf(statefulProtected, [
      { type: "gcp:storage/bucket:Bucket", inputs: {} },
      { type: "gcp:container/nodePool:NodePool", inputs: {} },
    ]);
    assert.deepStrictEqual(messages, [UNPROTECTED]);
  });

  it("requires Cloud SQL's deletion protection flags too", async () => {
    const messages = await messagesOf(statefulProtected, [
      { type: SQL, inputs: { deletionProtection: false }, options: { protect: true } },
    ]);
    assert.deepStrictEqual(messages, [
      "deletionProtection is false on a Cloud SQL instance. Remove it or set it to true.",
      "settings.deletionProtectionEnabled is not true: the instance can be deleted outside Pulumi. Set it to true.",
    ]);
  });

  it("takes the types from config", async () => {
    const resources = [
      { type: "gcp:storage/bucket:Bucket", inputs: {} },
      { type: "gcp:pubsub/topic:Topic", inputs: {} },
    ];
    const violations = await violationsOf(statefulProtected, resources, { types: ["gcp:pubsub/topic:Topic"] });
    assert.deepStrictEqual(
      violations.map((v) => v.urn?.split("::")[2]),
      ["gcp:pubsub/topic:Topic"],
    );
  });

  // google_sql_database_instance: deletion_protection defaults to true, so leaving it out is protected.
  it("counts an absent deletionProtection as the provider's default (true)", async () => {
    const messages = await messagesOf(statefulProtected, [
      { type: SQL, inputs: { settings: { deletionProtectionEnabled: true } }, options: { protect: true } },
    ]);
    assert.deepStrictEqual(messages, []);
  });
});
