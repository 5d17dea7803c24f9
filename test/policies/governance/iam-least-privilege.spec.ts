import * as assert from "node:assert";
import { isIamType } from "../../../policies/governance/lib/iam";
import { iamLeastPrivilege } from "../../../policies/governance/policies/iam-least-privilege";
import { messagesOf, violationsOf } from "../../helpers/policy";

const member = (type: string, role: string, m = "serviceAccount:sa@p.iam.gserviceaccount.com") => ({
  type,
  inputs: { role, member: m },
});

describe("policy cnai-iam-least-privilege", () => {
  it("matches IAM members, bindings and policies of every service by type name, and nothing else", () => {
    for (const type of [
      "gcp:projects/iAMMember:IAMMember",
      "gcp:projects/iAMBinding:IAMBinding",
      "gcp:projects/iAMPolicy:IAMPolicy",
      "gcp:storage/bucketIAMMember:BucketIAMMember",
      "gcp:bigquery/datasetIamMember:DatasetIamMember",
      "gcp:bigquery/iamMember:IamMember",
      "gcp:pubsub/topicIAMBinding:TopicIAMBinding",
      "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      "gcp:serviceaccount/iAMMember:IAMMember",
      "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
      "gcp:dataplex/datascanIamMember:DatascanIamMember",
      "gcp:organizations/iAMMember:IAMMember",
    ])
      assert.ok(isIamType(type), type);
    for (const type of [
      "gcp:projects/iAMAuditConfig:IAMAuditConfig",
      "gcp:projects/iAMCustomRole:IAMCustomRole",
      "gcp:storage/bucket:Bucket",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    ])
      assert.ok(!isIamType(type), type);
  });

  it("passes predefined roles granted to named principals", async () => {
    const resources = [
      member("gcp:projects/iAMMember:IAMMember", "roles/bigquery.jobUser"),
      member("gcp:storage/bucketIAMMember:BucketIAMMember", "roles/storage.objectViewer", "group:ml@acme.example"),
      {
        type: "gcp:pubsub/topicIAMBinding:TopicIAMBinding",
        inputs: { role: "roles/pubsub.publisher", members: ["serviceAccount:a@p.iam.gserviceaccount.com"] },
      },
    ];
    assert.deepStrictEqual(await messagesOf(iamLeastPrivilege, resources), []);
  });

  it("rejects the basic roles on any IAM resource", async () => {
    const messages = await messagesOf(iamLeastPrivilege, [
      member("gcp:projects/iAMMember:IAMMember", "roles/owner"),
      member("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "roles/editor"),
      {
        type: "gcp:secretmanager/secretIamBinding:SecretIamBinding",
        inputs: { role: "roles/viewer", members: ["group:g@acme.example"] },
      },
    ]);
    assert.strictEqual(messages.length, 3);
    assert.strictEqual(
      messages[0],
      "member grants the basic role roles/owner, which covers every service in the project. Grant the predefined roles the principal needs instead (e.g. roles/storage.objectViewer).",
    );
    assert.match(messages[2], /^members grants the basic role roles\/viewer/);
  });

  it("rejects public members in members, member and policyData", async () => {
    const policy = {
      type: "gcp:projects/iAMPolicy:IAMPolicy",
      inputs: {
        policyData: JSON.stringify({
          bindings: [
            { role: "roles/run.invoker", members: ["allUsers"] },
            { role: "roles/editor", members: ["user:a@acme.example"] },
          ],
        }),
      },
    };
    const messages = await messagesOf(iamLeastPrivilege, [
      member("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "roles/run.invoker", "allUsers"),
      {
        type: "gcp:pubsub/topicIAMBinding:TopicIAMBinding",
        inputs: { role: "roles/pubsub.subscriber", members: ["group:g@acme.example", "allAuthenticatedUsers"] },
      },
      policy,
    ]);
    assert.deepStrictEqual(messages, [
      "member grants roles/run.invoker to allUsers: anyone could use it. Grant named groups or service accounts instead.",
      "members grants roles/pubsub.subscriber to allAuthenticatedUsers: anyone could use it. Grant named groups or service accounts instead.",
      "policyData.bindings[0] grants roles/run.invoker to allUsers: anyone could use it. Grant named groups or service accounts instead.",
      "policyData.bindings[1] grants the basic role roles/editor, which covers every service in the project. Grant the predefined roles the principal needs instead (e.g. roles/storage.objectViewer).",
    ]);
  });

  it("passes a member unknown during preview, but cannot check an unknown policyData", async () => {
    assert.deepStrictEqual(
      await messagesOf(iamLeastPrivilege, [
        member("gcp:projects/iAMMember:IAMMember", "roles/bigquery.jobUser", "[unknown]"),
      ]),
      [],
    );
    const [violation] = await violationsOf(iamLeastPrivilege, [
      { type: "gcp:projects/iAMPolicy:IAMPolicy", inputs: { policyData: "[unknown]" } },
    ]);
    assert.match(
      violation.message,
      /^can't run policy 'cnai-iam-least-privilege' from policy pack 'test-pack@v0\.0\.1' during preview/,
    );
  });

  it("forbids the extra roles the config lists, exactly or by prefix", async () => {
    const config = { extraForbiddenRoles: ["roles/iam.serviceAccountTokenCreator", "roles/resourcemanager.*"] };
    const messages = await messagesOf(
      iamLeastPrivilege,
      [
        member("gcp:serviceaccount/iAMMember:IAMMember", "roles/iam.serviceAccountTokenCreator"),
        member("gcp:projects/iAMMember:IAMMember", "roles/resourcemanager.projectIamAdmin"),
        member("gcp:projects/iAMMember:IAMMember", "roles/iam.serviceAccountUser"),
      ],
      config,
    );
    assert.deepStrictEqual(
      messages.map((m) => m.match(/\(([^)]+)\)/)?.[1]),
      ["roles/iam.serviceAccountTokenCreator", "roles/resourcemanager.*"],
    );
    assert.match(messages[0], /which the policy config forbids/);
  });

  it("ignores IamMemberRemove (it takes a grant away), reports an unreadable policyData, and names every public member", async () => {
    const remove = {
      type: "gcp:projects/iamMemberRemove:IamMemberRemove",
      inputs: { project: "p", role: "roles/editor", member: "user:former@example.com" },
    };
    assert.deepStrictEqual(await messagesOf(iamLeastPrivilege, [remove]), []);
    const unreadable = { type: "gcp:projects/iAMPolicy:IAMPolicy", inputs: { project: "p", policyData: "{bindings" } };
    assert.deepStrictEqual(await messagesOf(iamLeastPrivilege, [unreadable]), [
      "policyData is not a JSON IAM policy; its grants cannot be checked. Generate it with gcp.organizations.getIAMPolicy, or use IamMember resources.",
    ]);
    const open = {
      type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
      inputs: {
        bucket: "b",
        role: "roles/storage.objectViewer",
        members: ["allUsers", "group:ml@example.com", "allAuthenticatedUsers"],
      },
    };
    assert.deepStrictEqual(await messagesOf(iamLeastPrivilege, [open]), [
      "members grants roles/storage.objectViewer to allUsers, allAuthenticatedUsers: anyone could use it. Grant named groups or service accounts instead.",
    ]);
  });
});
