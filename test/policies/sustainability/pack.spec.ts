import * as assert from "node:assert";
import { SUSTAINABILITY } from "../../../policies/sustainability/pack";

describe("sustainability pack", () => {
  it("lists its policies, in the order they run and report", () => {
    assert.deepStrictEqual(
      SUSTAINABILITY.policies.map((p) => p.name),
      [
        "cnai-sustainability-labels",
        "cnai-gpu-pool-autoscaling",
        "cnai-shiftable-gpu-capacity",
        "cnai-ray-gpu-workers-capacity",
        "cnai-low-carbon-shiftable",
        "cnai-inference-scale-to-zero",
        "cnai-bucket-lifecycle",
        "cnai-idle-gpu-alert",
        "cnai-gpu-and-carbon-caps",
      ],
    );
    assert.strictEqual(SUSTAINABILITY.name, "cnai-sustainability");
    assert.strictEqual(SUSTAINABILITY.enforcementLevel, "mandatory");
  });

  it("gives every policy a description that says why, and an exemptions property", () => {
    for (const policy of SUSTAINABILITY.policies) {
      assert.ok(policy.description.length > 80 && /[:;,]/.test(policy.description), `${policy.name}: describe why`);
      assert.ok(policy.configSchema?.properties?.exemptions, `${policy.name}: exemptions`);
      assert.strictEqual(
        policy.enforcementLevel,
        undefined,
        `${policy.name}: levels come from the stack's policy config`,
      );
    }
  });
});
