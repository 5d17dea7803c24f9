import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { GOVERNANCE } from "../../../policies/governance/pack";

const POLICY_DIR = path.join(__dirname, "..", "..", "..", "policies", "governance", "policies");

describe("governance pack", () => {
  it("lists its policies in this order", () => {
    assert.deepStrictEqual(
      GOVERNANCE.policies.map((p) => p.name),
      [
        "cnai-required-labels",
        "cnai-data-classification",
        "cnai-bucket-security",
        "cnai-bucket-versioning",
        "cnai-deletion-protection",
        "cnai-stateful-protected",
        "cnai-gke-cluster-hardening",
        "cnai-node-pool-hardening",
        "cnai-namespace-pod-security",
        "cnai-iam-least-privilege",
        "cnai-artifact-registry-hygiene",
        "cnai-approved-registries",
        "cnai-no-plaintext-secrets",
        "cnai-privileged-containers",
        "cnai-container-resources",
        "cnai-inference-bounded-replicas",
        "cnai-training-queue-label",
        "cnai-workloads-runnable",
        "cnai-gateway-https-only",
        "cnai-route-backends-iap",
        "cnai-external-gateway-cloud-armor",
        "cnai-inference-pool-selects-model",
        "cnai-trace-sampling-bounded",
        "cnai-apply-order",
        "cnai-gcp-api-rules",
      ],
    );
  });

  it("registers every policy file, one policy per file named after it, each with a spec", () => {
    const files = fs
      .readdirSync(POLICY_DIR)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    assert.deepStrictEqual(files.map((f) => `cnai-${f}`).sort(), GOVERNANCE.policies.map((p) => p.name).sort());
    for (const f of files)
      assert.ok(fs.existsSync(path.join(__dirname, `${f}.spec.ts`)), `test/policies/governance/${f}.spec.ts`);
  });

  it("gives every policy a description of why, and a config schema with the exemptions property", () => {
    for (const policy of GOVERNANCE.policies) {
      assert.ok(policy.description.length > 80, policy.name);
      assert.ok(policy.configSchema?.properties?.exemptions, policy.name);
    }
  });
});
