import * as assert from "node:assert";
import { grantsOf, isIamType, isPublicMember } from "../../../policies/governance/lib/iam";

describe("governance IAM readers", () => {
  // Google Cloud IAM principal identifiers: allUsers, allAuthenticatedUsers, and the public principal set.
  it("knows the members that mean anyone", () => {
    const cases: [unknown, boolean][] = [
      ["allUsers", true],
      ["allAuthenticatedUsers", true],
      ["principalSet://goog/public:all", true],
      ["user:alice@example.com", false],
      ["serviceAccount:trainer@p.iam.gserviceaccount.com", false],
      ["domain:example.com", false],
      [undefined, false],
      [42, false],
    ];
    for (const [member, expected] of cases) assert.strictEqual(isPublicMember(member), expected, String(member));
  });

  // @pulumi/gcp names its IAM resources <Resource>IamMember / IAMMember, ...Binding, ...Policy; IamMemberRemove
  // (projects) removes a grant, and custom roles and audit configs grant nothing.
  it("recognises the GCP IAM member, binding and policy types by class name", () => {
    const cases: [string, boolean][] = [
      ["gcp:projects/iAMMember:IAMMember", true],
      ["gcp:projects/iAMBinding:IAMBinding", true],
      ["gcp:projects/iAMPolicy:IAMPolicy", true],
      ["gcp:storage/bucketIAMMember:BucketIAMMember", true],
      ["gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy", true],
      ["gcp:serviceaccount/iAMBinding:IAMBinding", true],
      ["gcp:projects/iamMemberRemove:IamMemberRemove", false],
      ["gcp:projects/iAMCustomRole:IAMCustomRole", false],
      ["gcp:projects/iAMAuditConfig:IAMAuditConfig", false],
      ["gcp:serviceaccount/account:Account", false],
    ];
    for (const [type, expected] of cases) assert.strictEqual(isIamType(type), expected, type);
  });

  describe("grantsOf", () => {
    it("reads a member resource (role, member) and a binding resource (role, members)", () => {
      assert.deepStrictEqual(grantsOf({ role: "roles/storage.objectViewer", member: "allUsers" }), {
        grants: [{ role: "roles/storage.objectViewer", members: ["allUsers"], where: "member" }],
      });
      assert.deepStrictEqual(
        grantsOf({ role: "roles/viewer", members: ["user:a@example.com", "group:g@example.com"] }),
        {
          grants: [{ role: "roles/viewer", members: ["user:a@example.com", "group:g@example.com"], where: "members" }],
        },
      );
    });

    it("reads nothing from a resource that names no member", () => {
      assert.deepStrictEqual(grantsOf({ role: "roles/viewer" }), { grants: [] });
    });

    // A policy's policyData is the JSON of an IAM Policy (Resource Manager v1 Policy: bindings[].role, .members).
    it("reads a policy's bindings from its policyData JSON", () => {
      const policyData = JSON.stringify({
        bindings: [
          { role: "roles/owner", members: ["user:a@example.com"] },
          { role: "roles/run.invoker" },
          { members: ["allUsers"] },
        ],
      });
      assert.deepStrictEqual(grantsOf({ policyData }), {
        grants: [
          { role: "roles/owner", members: ["user:a@example.com"], where: "policyData.bindings[0]" },
          { role: "roles/run.invoker", members: [], where: "policyData.bindings[1]" },
          { role: "", members: ["allUsers"], where: "policyData.bindings[2]" },
        ],
      });
      assert.deepStrictEqual(grantsOf({ policyData: "{}" }), { grants: [] });
      assert.deepStrictEqual(grantsOf({ policyData: "{not json" }), {
        grants: [],
        problem: "policyData is not a JSON IAM policy",
      });
    });
  });
});
