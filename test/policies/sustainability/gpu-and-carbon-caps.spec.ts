import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKS } from "../../../policies/lib/packs";
import { SUSTAINABILITY } from "../../../policies/sustainability/pack";
import { gpuAndCarbonCaps } from "../../../policies/sustainability/policies/gpu-and-carbon-caps";
import { checkPlan, policyConfigFile, readStackPolicyConfig } from "../../../scripts/lib/policy-check";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, planOf, violationsOf } from "../../helpers/policy";
import { cloudRun, pool } from "./fixtures";

// Two pools in us-central1 (412.72 gCO2eq/kWh): 4 L4 GPUs at most (72 W) and 16 H100 (700 W).
const l4 = pool({ name: "l4", autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 4 } });
const h100 = pool({
  name: "h100",
  machineType: "a3-highgpu-8g",
  accelerator: { type: "nvidia-h100-80gb", count: 8 },
  autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 2 },
  location: "us-central1-a",
});
// Energy at max: 4 × 0.072 × 730 × 1.09 = 229.16 kWh, 16 × 0.7 × 730 × 1.09 = 8,911.84 kWh; 9,141.00 kWh × 412.72 g = 3,772.69 kg CO2e.
const CO2E_MAX = 3772.7;

describe("policy cnai-gpu-and-carbon-caps", () => {
  it("reports nothing without caps", async () => {
    assert.deepStrictEqual(await messagesOf(gpuAndCarbonCaps, [l4, h100]), []);
  });

  it("caps the GPUs the stack reaches at maximum scale, naming the largest pool", async () => {
    assert.deepStrictEqual(await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxGpus: 20 }), []);
    const violations = await violationsOf(gpuAndCarbonCaps, [l4, h100], { maxGpus: 19 });
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, causeOf(v)]),
      [
        [
          null,
          "At maximum scale the stack reaches 20 GPUs; the cap is 19. Lower the pools' autoscaling.max (largest: h100 with 16 GPUs), or raise maxGpus in the policy config with the budget owner's approval.",
        ],
      ],
    );
  });

  it("counts Cloud Run GPU instances at their maximum", async () => {
    const run = cloudRun({ name: "chat", scaling: { minInstanceCount: 0, maxInstanceCount: 5 } });
    const [message] = await messagesOf(gpuAndCarbonCaps, [l4, run], { maxGpus: 8 });
    assert.match(
      message,
      /^At maximum scale the stack reaches 9 GPUs; the cap is 8\. Lower the pools' autoscaling\.max \(largest: chat with 5 GPUs\)/,
    );
  });

  it("caps the estimated monthly CO2e at maximum scale", async () => {
    assert.deepStrictEqual(await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxCo2eKgPerMonth: 3800 }), []);
    const [message] = await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxCo2eKgPerMonth: 3700 });
    assert.strictEqual(
      message,
      `At maximum scale the stack's estimated emissions are ${CO2E_MAX} kg CO2e a month; the cap is 3700. ` +
        "Lower the pools' maximum, move shiftable pools to a low-carbon region, or raise maxCo2eKgPerMonth with approval.",
    );
  });

  it("estimates with the configured PUE", async () => {
    // at PUE 1.2: 9,141.00 / 1.09 × 1.2 × 0.41272 = 4,153.40 kg
    const [message] = await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxCo2eKgPerMonth: 3800, pue: 1.2 });
    assert.match(message, /estimated emissions are 4153\.4 kg CO2e a month; the cap is 3800/);
    await assert.rejects(
      violationsOf(gpuAndCarbonCaps, [], { pue: 0.9 }),
      /cnai-gpu-and-carbon-caps\.pue: got 0\.9; allowed: a number >= 1/,
    );
  });

  it("validates prices, and the plan's estimate takes its PUE and prices from this policy's config", async () => {
    await assert.rejects(
      violationsOf(gpuAndCarbonCaps, [], { prices: { "g2-standard-12": { onDemand: 1 } } }),
      /cnai-gpu-and-carbon-caps\.prices\.g2-standard-12\.spot: got nothing; allowed: a value \(spot is required\)/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caps-"));
    const pack = PACKS.find((p) => p.name === SUSTAINABILITY.name)!;
    const file = policyConfigFile(dir, "policytest", pack);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({
        all: "advisory",
        [gpuAndCarbonCaps.name]: { maxGpus: 100, pue: 1.2, prices: { "g2-standard-12": { onDemand: 1, spot: 0.5 } } },
      }),
    );
    try {
      const { plan } = await checkPlan(planOf([l4]), readStackPolicyConfig(dir, "policytest", [pack]), [pack]);
      // 4 nodes × $1 × 730 h; 4 × 0.072 × 730 × 1.2 = 252.288 kWh
      assert.deepStrictEqual(plan.estimate?.costUsdPerMonth, { idle: 0, max: 2920 });
      assert.deepStrictEqual(plan.estimate?.energyKwhPerMonth, { idle: 0, max: 252.3 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects negative caps, and does not run when disabled", async () => {
    await assert.rejects(
      violationsOf(gpuAndCarbonCaps, [], { maxGpus: -1 }),
      /maxGpus: got -1; allowed: an integer >= 0/,
    );
    await assert.rejects(
      violationsOf(gpuAndCarbonCaps, [], { maxGpus: 1.5 }),
      /maxGpus: got 1\.5; allowed: an integer/,
    );
    assert.deepStrictEqual(
      await violationsOf(gpuAndCarbonCaps, [l4, h100], { enforcementLevel: "disabled", maxGpus: 1 }),
      [],
    );
  });

  it("admits a stack exactly at its caps (the caps are maxima)", async () => {
    assert.deepStrictEqual(
      await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxGpus: 20, maxCo2eKgPerMonth: CO2E_MAX }),
      [],
    );
    assert.strictEqual((await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxGpus: 19 })).length, 1);
    assert.strictEqual(
      (await messagesOf(gpuAndCarbonCaps, [l4, h100], { maxCo2eKgPerMonth: CO2E_MAX - 0.1 })).length,
      1,
    );
  });
});
