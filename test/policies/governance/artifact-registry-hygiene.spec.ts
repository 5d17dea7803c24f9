import * as assert from "node:assert";
import { artifactRegistryHygiene } from "../../../policies/governance/policies/artifact-registry-hygiene";
import { messagesOf } from "../../helpers/policy";

const CLEANUP = [
  { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "1209600s" } },
];
const repo = (inputs: Record<string, unknown>) => ({
  type: "gcp:artifactregistry/repository:Repository",
  inputs: { format: "DOCKER", cleanupPolicies: CLEANUP, ...inputs },
});

describe("policy cnai-artifact-registry-hygiene", () => {
  it("passes repositories with cleanup policies and scanning on (absent is INHERITED)", async () => {
    const python = repo({ format: "PYTHON" });
    assert.deepStrictEqual(
      await messagesOf(artifactRegistryHygiene, [
        repo({}),
        repo({ vulnerabilityScanningConfig: { enablementConfig: "INHERITED" } }),
        python,
      ]),
      [],
    );
  });

  it("requires cleanup policies, except on virtual repositories", async () => {
    const messages = await messagesOf(artifactRegistryHygiene, [
      repo({ cleanupPolicies: [] }),
      repo({ cleanupPolicies: undefined, mode: "REMOTE_REPOSITORY" }),
      repo({ cleanupPolicies: undefined, mode: "VIRTUAL_REPOSITORY" }),
    ]);
    assert.strictEqual(messages.length, 2);
    assert.strictEqual(
      messages[0],
      "No cleanupPolicies: untagged and old versions are kept, and paid for, forever. Add a DELETE policy for untagged versions and a KEEP policy for the most recent ones.",
    );
  });

  it("rejects dry-run cleanup unless the config allows it", async () => {
    const dryRun = repo({ cleanupPolicyDryRun: true });
    const [message] = await messagesOf(artifactRegistryHygiene, [dryRun]);
    assert.match(
      message,
      /^cleanupPolicyDryRun is true: the cleanup policies only log what they would delete\. .*allowCleanupDryRun/,
    );
    assert.deepStrictEqual(await messagesOf(artifactRegistryHygiene, [dryRun], { allowCleanupDryRun: true }), []);
  });

  it("rejects disabled vulnerability scanning on Docker repositories only", async () => {
    const off = { vulnerabilityScanningConfig: { enablementConfig: "DISABLED" } };
    const messages = await messagesOf(artifactRegistryHygiene, [repo(off), repo({ ...off, format: "PYTHON" })]);
    assert.deepStrictEqual(messages, [
      "vulnerabilityScanningConfig.enablementConfig is DISABLED: pushed images are not scanned for known vulnerabilities. Set it to INHERITED.",
    ]);
  });

  it("requires immutable tags on Docker standard repositories when requireImmutableTags is set (default false)", async () => {
    const resources = [
      repo({}),
      repo({ dockerConfig: { immutableTags: false } }),
      repo({ dockerConfig: { immutableTags: true } }),
      repo({ mode: "REMOTE_REPOSITORY" }),
      repo({ format: "PYTHON" }),
    ];
    assert.deepStrictEqual(await messagesOf(artifactRegistryHygiene, resources), []);
    const messages = await messagesOf(artifactRegistryHygiene, resources, { requireImmutableTags: true });
    assert.strictEqual(messages.length, 2);
    assert.match(
      messages[0],
      /^Docker tags are mutable \(dockerConfig\.immutableTags is not true\).*Set dockerConfig\.immutableTags: true/,
    );
  });

  it("passes a standard Docker repository with immutable tags", async () => {
    const messages = await messagesOf(artifactRegistryHygiene, [
      repo({ mode: "STANDARD_REPOSITORY", dockerConfig: { immutableTags: true } }),
    ]);
    assert.ok(!messages.some((m) => m.startsWith("Docker tags are mutable")), messages.join("\n"));
  });
});
