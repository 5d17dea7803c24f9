import * as assert from "node:assert";
import { planFromRun } from "../../scripts/lib/plan-document";
import { checkPlan, readStackPolicyConfig } from "../../scripts/lib/policy-check";
import { planSchemaErrors } from "../helpers/plan-schema";
import { ROOT } from "../helpers/run";
import { STACKS, stackRun } from "../helpers/stacks";

const checked = async (stack: string, preview = false) =>
  (await checkPlan(planFromRun(await stackRun(stack, preview)), readStackPolicyConfig(ROOT, stack))).plan;

/** The shipped stacks against both packs with their own policy configs, and their estimates. */
describe("policy and estimate of the shipped stacks", () => {
  for (const stack of STACKS) {
    for (const preview of [false, true]) {
      it(`${stack}${preview ? " (preview)" : ""}: passes every mandatory policy, and its plan with policy and estimate is valid`, async () => {
        const plan = await checked(stack, preview);
        assert.deepStrictEqual(plan.policy.packs, ["cnai-governance", "cnai-sustainability"]);
        assert.deepStrictEqual(
          plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory"),
          [],
        );
        assert.ok(
          !plan.policy.violations.some((v) => /during preview/.test(v.message)),
          "no policy needs a value unknown in preview",
        );
        assert.deepStrictEqual(planSchemaErrors(plan), []);
      });
    }
  }

  it("dev reports its one known gap as advisory: the Standard-mode InferenceServices cannot scale to zero", async () => {
    const plan = await checked("dev");
    assert.deepStrictEqual(
      plan.policy.violations.map((v) => [v.policy, v.enforcementLevel, v.urn?.split("::").pop()]),
      [
        ["cnai-inference-scale-to-zero", "advisory", "chat-small"],
        ["cnai-inference-scale-to-zero", "advisory", "intent-classifier"],
      ],
    );
  });

  it("estimates GPUs, energy, CO2e and cost per stack from the pools and Cloud Run", async () => {
    const figures = Object.fromEntries(
      await Promise.all(["dev", "staging", "prod"].map(async (s) => [s, (await checked(s)).estimate!] as const)),
    );
    assert.deepStrictEqual(Object.fromEntries(Object.entries(figures).map(([s, e]) => [s, e.gpus])), {
      dev: { idle: 0, max: 8 },
      staging: { idle: 0, max: 25 },
      prod: { idle: 1, max: 45 },
    });
    // prod idle: one L4 serving node kept warm, on demand (g2-standard-12 at 1.000416 USD/h for 730 h = 730.30), plus the
    // specific H100 reservation, billed whether used or not: 4 reserved a3-highgpu-8g (the pool's maximum) at 88.49 USD/h
    // for 730 h = 258,390.80; and Cloud Run at zero instances.
    assert.strictEqual(figures.prod.costUsdPerMonth.idle, 259121.1);
    // 1 L4 × 72 W × 730 h × PUE 1.09 = 57.3 kWh; × us-central1's grid intensity.
    assert.strictEqual(figures.prod.energyKwhPerMonth.idle, 57.3);
    assert.ok(
      figures.staging.co2eKgPerMonthCfeAdjusted &&
        (figures.staging.co2eKgPerMonthCfeAdjusted as { max: number }).max < figures.staging.co2eKgPerMonth.max,
    );
    // Cloud Run L4 instances are priced from Cloud Run's list price: none unpriced.
    assert.deepStrictEqual(figures.dev.unpriced, []);
  });
});
